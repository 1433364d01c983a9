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

# A same-version libseccomp update: Debian's 2.5.4-1 -> 2.5.4-1+deb12u1
# taught it the syscalls up to Linux 6.7 without changing its version string,
# so a key on the version alone reuses filters the old tables compiled.  The
# update is simulated with a copy of the libseccomp the launcher loads, as
# another build of the same version: another build-id (one byte of the note
# changed), then no build-id at all (the note's type changed) and only the
# file's identity left to tell.  The loader takes it from LD_LIBRARY_PATH,
# which it honours for the launcher (SECURITY.md) and the agent never sees.
lib=$(ldd "$OSAPI_LAUNCH" | awk '$1 ~ /^libseccomp/ {print $3}')
check "the launcher loads libseccomp from a file ($lib)" -- test -f "$lib"
build_id() { readelf -n "$1" | sed -n 's/^ *Build ID: //p'; }
# patch_note FILE flip|drop: another build-id, or none.
patch_note() {
	python3 - "$1" "$2" "$(build_id "$1")" <<'PY'
import struct, sys
path, how, bid = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
data = bytearray(open(path, "rb").read())
desc = data.find(b"GNU\0" + bid)
assert desc > 12 and data.find(b"GNU\0" + bid, desc + 1) < 0
desc += 4
if how == "flip":
    data[desc] ^= 0xff
else:  # the note stays, but is no NT_GNU_BUILD_ID (3) any more
    assert struct.unpack_from("<I", data, desc - 8)[0] == 3
    struct.pack_into("<I", data, desc - 8, 0x4f53)
open(path, "wb").write(data)
PY
}
newlib=$SCRATCH/lib/$(basename "$lib")
mkdir -m 0755 "$SCRATCH/lib"
cp "$(realpath "$lib")" "$newlib"
patch_note "$newlib" flip
ok "$([ -n "$(build_id "$newlib")" ] && [ "$(build_id "$newlib")" != "$(build_id "$lib")" ] && echo 0 || echo 1)" \
	"the copy has another build-id: $(build_id "$lib") -> $(build_id "$newlib")"
like "$(LD_LIBRARY_PATH=$SCRATCH/lib ldd "$OSAPI_LAUNCH")" "libseccomp[^ ]* => $newlib " \
	"with LD_LIBRARY_PATH the launcher loads the copy"
is "$(LD_LIBRARY_PATH=$SCRATCH/lib "$OSAPI_LAUNCH" --version)" "$("$OSAPI_LAUNCH" --version)" \
	"the copy runs (same version)"
rm -f "$cache"/seccomp-*.bpf
run "libseccomp as installed"
# ncache: how many cache files the launches so far stored.
ncache() {
	local f n=0
	for f in "$cache"/seccomp-*.bpf; do [ -e "$f" ] && n=$((n + 1)); done
	echo $n
}
is "$(ncache)" 1 "one compiled filter set in the cache"
LD_LIBRARY_PATH=$SCRATCH/lib run "libseccomp updated, same version"
is "$(ncache)" 2 "a same-version libseccomp update misses the cache: the filters are compiled again"
LD_LIBRARY_PATH=$SCRATCH/lib run "libseccomp updated, second launch"
is "$(ncache)" 2 "the updated library's own filters are then reused"
patch_note "$newlib" drop
is "$(build_id "$newlib")" "" "a copy without a build-id"
LD_LIBRARY_PATH=$SCRATCH/lib run "libseccomp without build-id"
is "$(ncache)" 3 "without a build-id, the file's identity tells the builds apart"
touch -d '2001-01-01' "$newlib"
LD_LIBRARY_PATH=$SCRATCH/lib run "libseccomp without build-id, replaced"
is "$(ncache)" 4 "and a changed file (mtime) misses the cache"

# The launcher's own build: its build-id, read from the running image, is
# in the key (a rebuilt launcher may compile the same lines differently);
# a launcher linked without one is told by its file, through /proc/self/exe.
rm -f "$cache"/seccomp-*.bpf
run "the launcher as built"
is "$(ncache)" 1 "one compiled filter set"
newexe=$SCRATCH/osapi-launch-copy
cp "$OSAPI_LAUNCH" "$newexe"
patch_note "$newexe" flip
ok "$([ -n "$(build_id "$newexe")" ] && [ "$(build_id "$newexe")" != "$(build_id "$OSAPI_LAUNCH")" ] && echo 0 || echo 1)" \
	"a copy of the launcher with another build-id"
run_launch_as() { local exe=$1; shift; OSAPI_LAUNCH=$exe run "$@"; }
run_launch_as "$newexe" "launcher rebuilt (another build-id)"
is "$(ncache)" 2 "a rebuilt launcher misses the cache: the filters are compiled again"
run_launch_as "$newexe" "launcher rebuilt, second launch"
is "$(ncache)" 2 "and its own filters are then reused"
patch_note "$newexe" drop
is "$(build_id "$newexe")" "" "a copy of the launcher without a build-id"
run_launch_as "$newexe" "launcher without build-id"
is "$(ncache)" 3 "without a build-id, the launcher's file tells the builds apart"
run_launch_as "$newexe" "launcher without build-id, second launch"
is "$(ncache)" 3 "and its filters are reused while the file stays"
touch -d '2001-01-01' "$newexe"
run_launch_as "$newexe" "launcher without build-id, replaced"
is "$(ncache)" 4 "a changed launcher file (mtime) misses the cache"

# The running kernel is in the key (its seccomp API level decides what
# libseccomp compiles): a kernel that reports another release misses.
# setarch --uname-2.6 makes uname(2) report 2.6.x for the same kernel.
rm -f "$cache"/seccomp-*.bpf
run "as this kernel"
is "$(ncache)" 1 "one compiled filter set for this kernel"
setarch "$(uname -m)" --uname-2.6 "$OSAPI_LAUNCH" -c "$C" -- /bin/true
is "$?:$(ncache)" "0:2" "a kernel reporting another release misses the cache"

# What the plan derives from SystemCallFilter= is kept with the programs:
# here execveat is denied, so the launcher's own exec must go through
# execve on a cache hit as on the compile (a hit that took execveat would
# fail the exec, one that took neither would refuse the config).
rm -f "$cache"/seccomp-*.bpf
conf "$SCRATCH/noexecveat.conf" "ExecStart=$P" "User=osapi" "SystemCallFilter=@system-service" "SystemCallFilter=~execveat"
run_launch -c "$SCRATCH/noexecveat.conf"
is "$RC:$(ncache)" "0:1" "execveat denied: the first launch compiles, stores and runs the agent (through execve)"
f1=$(ls "$cache"/seccomp-*.bpf)
i1=$(stat -c %i "$f1")
run_launch -c "$SCRATCH/noexecveat.conf"
is "$RC:$(stat -c %i "$f1")" "0:$i1" "execveat denied: a cache hit runs the agent too (through execve)"
like "$OUTPUT" "Uid=$(id -u osapi) " "execveat denied, cache hit: the agent ran as osapi"

# A cache directory others can write is not trusted: not read, not written.
chmod 0777 "$cache"
rm -f "$cache"/seccomp-*.bpf
run "group/world-writable cache directory"
is "$(ls "$cache" | grep -c "^seccomp-")" 0 "nothing is written to a cache directory others can write"
chmod 0700 "$cache"
done_testing
