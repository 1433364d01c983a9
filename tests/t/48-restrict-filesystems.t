#!/bin/bash
# RestrictFileSystems=: the names and @groups against systemd's own (the
# generated table regenerated and compared), the parser, systemd's merge
# rules as --check shows them, and the enforcement.  This host's kernel
# refuses BPF LSM (and any tracing) programs with EPERM even to root, so
# here the directive must be refused cleanly (--check 78, the launch 245,
# nothing run); the enforcement itself is shown on Debian 12's kernel
# booted with "bpf" in lsm= under QEMU (tests/vm/rfs-guest.sh, ~35 s):
# the agent (the probe; the real agent cannot be built here) opens a file
# on proc and one on /, under a deny list, an allow list, merged lines,
# @groups and a reset, and bpftool shows the program linked on the LSM
# hook and the agent's cgroup id in the pinned map.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd python3 "apt-get install python3"
need_cmd nm "apt-get install binutils"
need_cmd bpftool "apt-get install bpftool"
need_cmd apt-get "Debian's apt: the guest kernel comes from the archive"
setup_launch
C=$SCRATCH/c.conf
bpffs_before=$(stat -f -c %T /sys/fs/bpf 2>/dev/null)

# --- the table: systemd 252's names, magics and groups -----------------------
gen=$("$SRC_DIR/tools/fs-groups" 2>/dev/null)
ok $? "tools/fs-groups reads systemd's list from libsystemd-shared"
is "$gen" "$(cat "$SRC_DIR/src/lib/fs_groups.c")" "src/lib/fs_groups.c is what tools/fs-groups writes from the installed systemd"
like "$gen" '\{"proc", \{0x9fa0\}\}' "proc's magic is linux/magic.h's PROC_SUPER_MAGIC"
like "$gen" '\{"@temporary", "Temporary filesystems", g[0-9]+\}' "the @temporary group is there"

# --- the parser ----------------------------------------------------------------
conf "$C" "ExecStart=$P" "RestrictFileSystems=ext4 nosuchfs"
run_launch --check -c "$C"
is "$RC" 78 "an unknown file system type: exit 78"
like "$ERR" "c\.conf:[0-9]+: RestrictFileSystems=: \"nosuchfs\" is not a file system type" "named with file:line"
conf "$C" "ExecStart=$P" "RestrictFileSystems=~@nosuch"
run_launch --check -c "$C"
is "$RC" 78 "an unknown group: exit 78"
like "$ERR" "RestrictFileSystems=: \"@nosuch\" is not a file system group" "the group named"
conf "$C" "ExecStart=$P" "RestrictFileSystems=~proc" "RestrictFileSystems="
run_launch --check -c "$C"
is "$RC" 0 "an empty assignment resets: nothing to enforce, --check passes"
unlike "$OUTPUT" '^filesystems' "and --check plans no file system restriction"
conf "$C" "ExecStart=$P" "RestrictFileSystems=~proc tmpfs" "RestrictFileSystems=proc tmpfs"
run_launch --check -c "$C"
is "$RC" 0 "a deny list, then the same names allowed: systemd's merge leaves nothing to deny"
unlike "$OUTPUT" '^filesystems' "and no restriction is planned"

# --- this host: the kernel refuses the program --------------------------------
conf "$C" "ExecStart=$P --marker $OUT/ran" "RestrictFileSystems=~proc"
run_launch --check -c "$C"
if [ "$RC" = 0 ]; then
	like "$OUTPUT" 'filesystems +deny: proc' "--check: this kernel runs the BPF LSM program; the deny list planned"
else
	is "$RC" 78 "--check: this kernel cannot run the program: exit 78"
	like "$ERR" 'RestrictFileSystems=: (cannot load the program|the kernel|this host|/sys/kernel)' "with the reason"
	rm -f "$OUT/ran"
	run_launch -c "$C"
	is "$RC" 245 "the launch refuses it too: exit 245 (systemd's EXIT_BPF)"
	like "$ERR" 'restrict-filesystems: nothing was run' "named by its step"
	ok "$([ -e "$OUT/ran" ] && echo 1 || echo 0)" "and the target never ran"
	is "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" "$bpffs_before" "and /sys/fs/bpf is as it was: bpffs is mounted only for a program the kernel took"
fi

# --- the enforcement, on Debian 12's kernel ------------------------------------
export OSAPI_VM_APPEND="lsm=lockdown,capability,landlock,yama,apparmor,bpf"
relay_guest "$SRC_DIR/tests/vm/rfs-guest.sh" \
	"$OSAPI_LAUNCH=/usr/sbin/osapi-launch" "$PROBE=/usr/libexec/osapi-probe" \
	"$(command -v bpftool)=/usr/sbin/bpftool"
done_testing
