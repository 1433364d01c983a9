#!/bin/bash
# The static musl build (tools/build-static-musl, meson -Dstatic=true), for
# Alpine and FROM-scratch images:
#  - it is static (no program interpreter, no NEEDED library);
#  - AppArmorProfile= and SELinuxContext= are refused as the man page says
#    (231, 229; "-" skips with a notice): a static binary cannot dlopen;
#  - the core launch tests (identity, capabilities, no_new_privs, seccomp,
#    Landlock, mount namespace, exit codes) pass with it as $OSAPI_LAUNCH;
#  - it runs in a root file system with no glibc at all (busybox-static, the
#    launcher and a musl-static probe), entered with chroot in a private
#    mount namespace, as on Alpine.
# The real agent cannot be built here (common notes): the target is
# tests/probe.c built static against musl.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_root
need_cmd musl-gcc "apt-get install musl-tools"
need_cmd apt-get "Debian's apt: the libraries come from Debian source packages"
need_cmd unshare "apt-get install util-linux"
[ -x /bin/busybox ] || skip_all "no /bin/busybox (apt-get install busybox-static)"

out=$BUILD_DIR/static
static=$("$SRC_DIR/tools/build-static-musl" "$out" 2>&1 | tail -n 1)
if [ "$static" != "$out/osapi-launch" ] || [ ! -x "$static" ]; then
	ok 1 "tools/build-static-musl builds osapi-launch"
	diag "$static"
	done_testing
fi
ok 0 "tools/build-static-musl builds osapi-launch"

is "$(readelf -l "$static" | grep -c 'INTERP')" 0 "no program interpreter"
is "$(readelf -d "$static" 2>/dev/null | grep -c NEEDED)" 0 "no shared library needed"
like "$("$static" --version)" '^osapi-launch ' "it runs on this host"

SCRATCH=$(mktemp -d /tmp/osapi-static-test.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
chmod 0755 "$SCRATCH"

# --- the MAC directives: refused, not silently dropped ------------------------------
label_conf() {
	printf '%s\n' '[Launch]' "ExecStart=/bin/true" "$1" >"$SCRATCH/mac.conf"
	chmod 0644 "$SCRATCH/mac.conf"
}
label_conf "SELinuxContext=system_u:system_r:osapi_agent_t:s0"
err=$("$static" -c "$SCRATCH/mac.conf" 2>&1)
is "$?" 229 "SELinuxContext= in the static build: exit 229"
like "$err" 'static binary cannot load libselinux \(SELinuxContext= needs the dynamically linked build\)' "... saying why"
"$static" --check -c "$SCRATCH/mac.conf" >/dev/null 2>&1
is "$?" 78 "--check refuses it too"
label_conf "SELinuxContext=-system_u:system_r:osapi_agent_t:s0"
err=$("$static" -c "$SCRATCH/mac.conf" 2>&1)
is "$?" 0 "SELinuxContext=- in the static build: runs"
like "$err" 'notice: SELinuxContext=-system_u:system_r:osapi_agent_t:s0 skipped: .*static binary' "... with a notice"
label_conf "AppArmorProfile=osapi-agent"
err=$("$static" -c "$SCRATCH/mac.conf" 2>&1)
is "$?" 231 "AppArmorProfile= in the static build: exit 231"
like "$err" 'static binary cannot load libapparmor' "... saying why"
label_conf "AppArmorProfile=-osapi-agent"
err=$("$static" -c "$SCRATCH/mac.conf" 2>&1)
is "$?" 0 "AppArmorProfile=- in the static build: runs with a notice"

# --- the core launch tests, with the static binary ---------------------------------------
for t in 20-launch 22-directives 22-securebits 24-argv 21-bad-input 31-seccomp 32-landlock 33-mountns 34-netports; do
	res=$(OSAPI_LAUNCH=$static bash "$SRC_DIR/tests/t/$t.t" 2>&1)
	rc=$?
	bad=$(printf '%s\n' "$res" | grep -E '^not ok|^1\.\.0 # SKIP' || true)
	n=$(printf '%s\n' "$res" | grep -c '^ok ')
	if [ "$rc" -eq 0 ] && [ -z "$bad" ] && [ "$n" -gt 0 ]; then
		ok 0 "tests/t/$t.t passes with the static binary ($n checks)"
	else
		ok 1 "tests/t/$t.t passes with the static binary"
		diag "exit $rc" "$(printf '%s\n' "$bad" | head -n 10)"
	fi
done

# --- a root file system without glibc --------------------------------------------------------
root=$SCRATCH/root
mkdir -p "$root"/{bin,usr/sbin,usr/bin,etc/osapi,proc,tmp,var/lib/osapi,dev}
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$static" "$root/usr/sbin/osapi-launch"
musl-gcc -static -O2 -D_GNU_SOURCE -isystem "$out/sysroot/include" -I"$SRC_DIR/include" \
	-include "$SRC_DIR/include/die.h" -o "$root/usr/bin/osapi" \
	"$SRC_DIR/tests/probe.c" "$SRC_DIR/src/lib/errnames.c"
ok $? "the probe builds static against musl"
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'osapi:x:10001:10001::/var/lib/osapi:/bin/false' >"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'osapi:x:10001:' >"$root/etc/group"
chown 10001:10001 "$root/var/lib/osapi"
cat >"$root/etc/osapi/launch.conf" <<'EOF'
[Launch]
ExecStart=/usr/bin/osapi agent start
User=osapi
Group=osapi
AmbientCapabilities=CAP_NET_RAW
CapabilityBoundingSet=CAP_NET_RAW
NoNewPrivileges=yes
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
WorkingDirectory=-/var/lib/osapi
ProtectSystem=strict
ReadWritePaths=/var/lib/osapi
EOF
chmod 0644 "$root/etc/osapi/launch.conf"

libc=$(find "$root" \( -name 'libc.so*' -o -name 'ld-linux*' -o -name 'ld-musl*' -o -name '*.so' -o -name '*.so.*' \) | head -n 3)
is "$libc" "" "the root file system holds no C library and no shared object"
is "$(find "$root" -type f -exec file {} + | grep -c 'dynamically linked')" 0 "every binary in it is static"

# The root is a bind mount of itself, so / is a mount point inside, as on a
# real host or in a container (a plain chroot directory is not one, and the
# mount namespace step cannot make it private).
in_root() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --propagation private sh -c \
		'mount --bind "$1" "$1" && mount -t proc proc "$1/proc" && shift && exec chroot "$@"' \
		in_root "$root" "$root" "$@"
}
out_=$(in_root /usr/sbin/osapi-launch --check -c /etc/osapi/launch.conf 2>&1)
rc=$?
is "$rc" 0 "--check accepts the config inside the glibc-free root"
[ "$rc" -eq 0 ] || diag "$out_"
OUTPUT=$(in_root /usr/sbin/osapi-launch -c /etc/osapi/launch.conf 2>&1)
rc=$?
is "$rc" 0 "the static launcher starts the agent inside it"
[ "$rc" -eq 0 ] || diag "$OUTPUT"
is "$(printf '%s\n' "$OUTPUT" | sed -n 's/^ARG=//p' | tr '\n' ' ')" "agent start " "ExecStart= arguments reach the agent"
like "$(field Uid)" '^10001[[:space:]]+10001[[:space:]]+10001[[:space:]]+10001$' "the agent runs as osapi (uid 10001, from /etc/passwd via musl)"
is "$(field CapEff)" 0000000000002000 "CapEff is cap_net_raw only"
is "$(field CapAmb)" 0000000000002000 "CapAmb is cap_net_raw only"
is "$(field NoNewPrivs)" 1 "no_new_privs is set"
is "$(field Seccomp)" 2 "a seccomp filter is loaded"
OUTPUT=$(in_root /usr/sbin/osapi-launch -c /etc/osapi/launch.conf -- /usr/bin/osapi --try mount 2>&1)
like "$(field TRY_mount)" '^E(PERM|ACCES)$' "the agent cannot mount (seccomp @system-service, no CAP_SYS_ADMIN)"

# A plain chroot, / not a mount point: the mount backend cannot make it
# private, and --check now says so as the launch does (it used to accept).
in_plain_chroot() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --propagation private sh -c \
		'mount -t proc proc "$1/proc" && shift && exec chroot "$@"' \
		in_plain_chroot "$root" "$root" "$@"
}
out_=$(in_plain_chroot /usr/sbin/osapi-launch --check -c /etc/osapi/launch.conf 2>&1)
c=$?
OUTPUT=$(in_plain_chroot /usr/sbin/osapi-launch -c /etc/osapi/launch.conf 2>&1)
l=$?
is "$c:$l" "78:226" "a plain chroot (/ not a mount point): --check and the launch both refuse the mount backend"
like "$out_" "needs / to be a mount point" "... and say why"

printf '%s\n' '[Launch]' 'ExecStart=/usr/bin/osapi' 'User=nobody-here' >"$root/etc/osapi/bad.conf"
chmod 0644 "$root/etc/osapi/bad.conf"
err=$(in_root /usr/sbin/osapi-launch -c /etc/osapi/bad.conf 2>&1)
rc=$?
like "$rc:$err" '^(78|217):.*nobody-here' "an unknown user stops the launch, named, inside the glibc-free root"

done_testing
