#!/bin/bash
# The compiled-filter cache fails safe: a stale, foreign-owned, corrupt or
# truncated file is rebuilt and replaced, never loaded; a cache directory
# others can write is neither read nor written.  A rebuild is seen as a new
# inode (the file is replaced with rename(2)); a hit keeps the inode.
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
cache=$(sed -n 's/^#define OSAPI_LAUNCH_CACHE_DIR "\(.*\)"$/\1/p' "$BUILD_DIR/build-config.h")
[ -n "$cache" ] || skip_all "cannot find OSAPI_LAUNCH_CACHE_DIR in $BUILD_DIR/build-config.h"
saved=$SCRATCH/saved-cache
[ -d "$cache" ] && cp -a "$cache" "$saved"
trap 'rm -rf "$cache"; [ -d "$saved" ] && cp -a "$saved" "$cache"; rm -rf "$SCRATCH"' EXIT
rm -rf "$cache"

C=$SCRATCH/c.conf
conf "$C" "ExecStart=$P" "User=osapi" "SystemCallFilter=@system-service" \
	"SystemCallErrorNumber=EACCES" "RestrictAddressFamilies=AF_UNIX"
# run: launch, check the filters really apply, print the cache file's inode.
run() {
	run_launch -c "$C" -- "$P" --try mount --try af-inet
	is "$RC:$(field TRY_mount):$(field TRY_af-inet)" "0:EACCES:EAFNOSUPPORT" "$1: the filters apply"
	file=$(ls "$cache"/seccomp-*.bpf 2>/dev/null | head -n1)
	inode=$([ -n "$file" ] && stat -c %i "$file")
}

run "first launch"
ok "$([ -n "$file" ] && echo 0 || echo 1)" "the first launch stores the compiled filters"
is "$(stat -c '%U %a' "$cache") $(stat -c '%U %a' "$file")" "root 700 root 600" "cache directory 0700 and file 0600, root's"
first=$inode
run "second launch"
is "$inode" "$first" "the second launch uses the cache (same inode)"

run_launch --check -c "$C"
is "$(stat -c %i "$file")" "$first" "--check compiles and does not touch the cache"

# Corrupt: flip bytes in the middle of the programs.
printf '\xff\xff\xff\xff' | dd of="$file" bs=1 seek=200 conv=notrunc status=none
run "corrupt cache"
ok "$([ "$inode" != "$first" ] && echo 0 || echo 1)" "a corrupt file is rebuilt, not loaded"
second=$inode

truncate -s 100 "$file"
run "truncated cache"
ok "$([ "$inode" != "$second" ] && echo 0 || echo 1)" "a truncated file is rebuilt"
third=$inode

chown osapi "$file"
run "foreign-owned cache"
ok "$([ "$inode" != "$third" ] && echo 0 || echo 1)" "a file not owned by root is rebuilt"
is "$(stat -c %U "$file")" root "and replaced by root's"
fourth=$inode

# Stale: another config's compiled filters under this config's name.  They
# would allow mount; the key check must refuse them.
conf "$SCRATCH/other.conf" "ExecStart=$P" "User=osapi" "SystemCallFilter=@system-service @mount"
"$OSAPI_LAUNCH" -c "$SCRATCH/other.conf" -- /bin/true 2>/dev/null
other=$(ls -t "$cache"/seccomp-*.bpf | head -n1)
ok "$([ "$other" != "$file" ] && echo 0 || echo 1)" "another config gets another cache file"
cp "$other" "$file"
run "stale cache (another config's filters)"
ok "$([ "$inode" != "$fourth" ] && echo 0 || echo 1)" "a stale file is rebuilt"

# A cache directory others can write is not trusted: not read, not written.
chmod 0777 "$cache"
rm -f "$cache"/seccomp-*.bpf
run "group/world-writable cache directory"
is "$(ls "$cache" | grep -c "^seccomp-")" 0 "nothing is written to a cache directory others can write"
chmod 0700 "$cache"
done_testing
