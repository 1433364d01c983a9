#!/bin/bash
# -Dprefer_static=true, the build bench/run measures as "static" and README
# offers: libcap-ng, libseccomp and libmd are linked from their archives (no
# shared copy is loaded), and the launch works as the dynamic one does,
# the filter cache included: with libseccomp inside the executable, the
# executable's build-id names the compiler of the cached filters.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd ldd "apt-get install libc-bin"
setup_launch
for a in libcap-ng libseccomp libmd; do
	[ -e "/usr/lib/$(gcc -print-multiarch)/$a.a" ] ||
		skip_all "no $a.a (apt-get install ${a}-dev)"
done
b=$SCRATCH/build-static
cache=/var/cache/osapi-launch-t12
trap 'rm -rf "$cache" "$SCRATCH"' EXIT
rm -rf "$cache"
meson setup "$b" "$SRC_DIR" -Dprefer_static=true -Dcachedir="$cache" \
	-Dman=disabled >/dev/null 2>&1
ok $? "configure with -Dprefer_static=true"
ninja -C "$b" osapi-launch >/dev/null 2>&1
ok $? "build osapi-launch"
L=$b/osapi-launch
libs=$(ldd "$L")
for a in libcap-ng libseccomp libmd; do
	unlike "$libs" "$a\\.so" "-Dprefer_static=true: $a is linked in, not loaded"
done
like "$libs" 'libc\.so\.6' "glibc stays shared (NSS needs it)"
# Control: the default build loads them.
like "$(ldd "$OSAPI_LAUNCH")" 'libseccomp\.so' "control: the default build loads libseccomp.so"

C=$SCRATCH/c.conf
conf "$C" "ExecStart=$P --try mount --try af-inet" User=osapi \
	SystemCallFilter=@system-service SystemCallErrorNumber=EACCES \
	RestrictAddressFamilies=AF_UNIX
OSAPI_LAUNCH=$L run_launch -c "$C"
is "$RC:$(field Uid):$(field TRY_mount):$(field TRY_af-inet)" \
	"0:$(id -u osapi) $(id -u osapi) $(id -u osapi) $(id -u osapi):EACCES:EAFNOSUPPORT" \
	"static build: the agent runs as osapi with the filters applied"
file=$(ls "$cache"/seccomp-*.bpf 2>/dev/null)
ok "$([ -n "$file" ] && echo 0 || echo 1)" "static build: the compiled filters are stored"
inode=$(stat -c %i "$file")
OSAPI_LAUNCH=$L run_launch -c "$C"
is "$RC:$(field TRY_mount):$(stat -c %i "$file")" "0:EACCES:$inode" \
	"static build: the second launch loads them from the cache (same file) and they apply"
OSAPI_LAUNCH=$L run_launch --check -c "$C"
is "$RC" 0 "static build: --check accepts the config"
done_testing
