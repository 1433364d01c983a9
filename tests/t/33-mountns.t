#!/bin/bash
# The mount namespace backend and SandboxBackend=, for real: as in
# 32-landlock.t the agent tries paths its user may use without the sandbox,
# each denial with a control run.  A read-only mount refuses with EROFS
# ("Read-only file system"), Landlock with EACCES: the errno tells which
# backend did it.  No mount made for the agent may show on the host.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd perl
need_cmd capsh "apt-get install libcap2-bin"
eff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
[ $(((0x$eff >> 21) & 1)) -eq 1 ] || skip_all "needs CAP_SYS_ADMIN to make mounts"
setup_launch
C=$SCRATCH/c.conf
# The host's mount points and sources; a leak is one added (another
# program unmounting something meanwhile is not the launcher's doing).
# Container engines' own mounts (another job on a shared machine) are not
# the launcher's.
mount_set() { awk '$5 !~ "^/(var/lib|run)/(docker|containers|netns)" {print $5, $9, $10}' /proc/self/mountinfo | sort -u; }
host_mounts=$(mount_set)

VARD=/var/lib/osapi-mnt-test.d
USRD=/usr/local/lib/osapi-mnt-test
ETCD=/etc/osapi-mnt-test.d
HOMEF=/home/osapi-mnt-test.txt
ETCF=/etc/osapi-mnt-test.conf
RW=/var/lib/osapi
MODS=/usr/lib/modules
made_rw=""
made_mods=""
[ -d $RW ] || made_rw=1
[ -d $MODS ] || made_mods=1
cleanup() {
	rm -rf "$SCRATCH" $VARD $USRD $ETCD $HOMEF $ETCF /tmp/osapi-mnt-host $SD
	[ -z "$made_rw" ] || rm -rf $RW
	[ -z "$made_mods" ] || rm -rf $MODS
	umount /var/lib/osapi-mnt-hostro2 /var/lib/osapi-mnt-hostro/sub /var/lib/osapi-mnt-hostnx 2>/dev/null
	rm -rf /var/lib/osapi-mnt-hostro /var/lib/osapi-mnt-hostro2 /var/lib/osapi-mnt-hostnx
}
trap cleanup EXIT
install -d -o osapi -m 0755 $VARD $USRD $ETCD $RW
install -d -m 0755 $MODS/osapi-mnt-test
echo secret | tee $HOMEF $ETCF $MODS/osapi-mnt-test/m >/dev/null
chmod 0644 $HOMEF $ETCF $MODS/osapi-mnt-test/m
install -o osapi -m 0755 /dev/stdin $RW/script.sh <<<'#!/bin/sh
echo script-ran'
echo host >/tmp/osapi-mnt-host

# The agent: a shell reporting, for each action, ok or the errno.
install -m 0644 "$SRC_DIR/tests/lib/sandbox-agent.sh" "$SCRATCH/lib.sh"

# agent [-root] CONFIG-LINES... -- SCRIPT.  The script and its library
# live outside /tmp, which PrivateTmp= replaces.
SD=/var/lib/osapi-mnt-test.s
install -d -m 0755 $SD
cp "$SCRATCH/lib.sh" $SD/lib.sh
agent() {
	local lines=() user="User=osapi"
	[ "$1" = -root ] && user="" && shift
	while [ "$1" != "--" ]; do
		lines+=("$1")
		shift
	done
	printf '. %s\n%s\n' "$SD/lib.sh" "$2" >"$SD/s.sh"
	chmod 0644 "$SD/s.sh"
	conf "$C" "ExecStart=/bin/sh $SD/s.sh" $user "${lines[@]}"
	run_launch -c "$C"
}
get() { printf '%s\n' "$OUTPUT" | awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'; }
no_leak() {
	is "$(comm -13 <(printf '%s\n' "$host_mounts") <(mount_set))" "" "$1: no mount shows on the host"
}

all="w $VARD/f; w $USRD/f; w $ETCD/f; w $RW/f; w /dev/null; r $HOMEF; r $ETCF; r /etc/hostname"

# --- control -------------------------------------------------------------------
agent -- "$all; x /usr/bin/whoami; x $RW/script.sh"
is "$(get W:$VARD/f):$(get W:$USRD/f):$(get W:$ETCD/f):$(get R:$HOMEF):$(get R:$ETCF)" ok:ok:ok:ok:ok \
	"control: osapi writes its directories under /var, /usr, /etc and reads the /home and /etc files"
is "$(get X:/usr/bin/whoami):$(get X:$RW/script.sh)" ok:ok "control: osapi runs whoami and its script"

# --- SandboxBackend=auto as root: mounts ----------------------------------------
agent "ProtectSystem=strict" "ReadWritePaths=$RW" -- "$all"
is "$RC" 0 "ProtectSystem=strict (auto, CAP_SYS_ADMIN: mount backend): the agent runs"
is "$(get W:$VARD/f):$(get W:$USRD/f):$(get W:$ETCD/f)" EROFS:EROFS:EROFS \
	"ProtectSystem=strict: /var, /usr, /etc are read-only mounts (EROFS)"
is "$(get W:$RW/f):$(get W:/dev/null):$(get R:$ETCF)" ok:ok:ok "ReadWritePaths= writable, /dev/null writable, reading untouched"
no_leak "ProtectSystem=strict"
agent "ProtectSystem=full" -- "$all"
is "$(get W:$USRD/f):$(get W:$ETCD/f):$(get W:$VARD/f)" EROFS:EROFS:ok "ProtectSystem=full: /usr and /etc read-only, /var not"
agent "ReadOnlyPaths=/var" "ReadWritePaths=$VARD" -- "$all"
is "$(get W:$VARD/f):$(get W:$RW/f)" ok:EROFS "ReadWritePaths= below ReadOnlyPaths=: the deeper path wins"
agent "ReadWritePaths=/var" "ReadOnlyPaths=$VARD" -- "$all"
is "$(get W:$VARD/f):$(get W:$RW/f)" EROFS:ok "ReadOnlyPaths= below ReadWritePaths=: the deeper path wins"

# --- read-only mounts of the host beneath a writable path --------------------
# systemd never makes a host's read-only mount writable: ReadWritePaths= only
# keeps a path out of the read-only mounts the sandbox makes.  Here /var/lib
# holds a directory with a read-only mount beneath it and one that is a
# read-only mount itself, made in this namespace for the test only.
HRW=/var/lib/osapi-mnt-hostro
HRO=/var/lib/osapi-mnt-hostro2
install -d -o osapi -m 0755 $HRW $HRW/sub $HRO $HRO/data
mount --bind $HRW/sub $HRW/sub && mount -o remount,bind,ro $HRW/sub &&
	mount --bind $HRO $HRO && mount -o remount,bind,ro $HRO
ok $? "host: $HRW/sub and $HRO are read-only bind mounts"
hw="w $HRW/f; w $HRW/sub/f; w $HRO/f"
agent "ProtectSystem=strict" "ReadWritePaths=$HRW $HRO" -- "$hw"
is "$RC:$(get W:$HRW/f):$(get W:$HRW/sub/f):$(get W:$HRO/f)" 0:ok:EROFS:EROFS \
	"ProtectSystem=strict, ReadWritePaths=: writable, but the host's read-only mounts at and beneath it stay read-only"
agent "ProtectSystem=full" "ReadWritePaths=$HRW $HRO" -- "$hw"
is "$RC:$(get W:$HRW/f):$(get W:$HRW/sub/f):$(get W:$HRO/f)" 0:ok:EROFS:EROFS \
	"ProtectSystem=full, ReadWritePaths= outside its read-only paths: the host's read-only mounts stay read-only"
# The mount table is read only where a clear could reach a host's mount:
# for a writable path below a read-only one of the sandbox, not for one
# outside them (about a quarter of a plan's time on a small host).
# Counted against the same config without the path: a libc without
# STATX_ATTR_MOUNT_ROOT (musl before 1.2.5) reads the table once anyway, to
# tell whether / is a mount point.
reads() {
	conf "$C" "ExecStart=/bin/true" User=osapi "$@"
	strace -f -e trace=open,openat,openat2 "$OSAPI_LAUNCH" -c "$C" 2>&1 | grep -c mountinfo
}
if command -v strace >/dev/null; then
	is "$(reads ProtectSystem=full "ReadWritePaths=$HRW")" "$(reads ProtectSystem=full)" \
		"ProtectSystem=full, ReadWritePaths=/var/lib/...: the path adds no read of the mount table"
	is "$(reads ProtectSystem=full "ReadWritePaths=$USRD")" "$(($(reads ProtectSystem=full) + 1))" \
		"control: ProtectSystem=full, ReadWritePaths= below /usr (read-only there): the path adds one"
else
	ok "$([ -n "${CI:-}" ] && echo 1 || echo 0)" "strace not installed (tools/install-deps --test): the mount-table reads are not checked"
fi
# A writable or executable path inside a host mount that is read-only or
# no-exec (not one of its own): its bind copies that mount, and lifting the
# attribute there would give the agent what the host refuses everyone.
HNX=/var/lib/osapi-mnt-hostnx
install -d -o osapi -m 0755 $HNX $HNX/bin
install -m 0755 /dev/stdin $HNX/bin/hello <<<'#!/bin/sh
echo hello'
mount --bind $HNX $HNX && mount -o remount,bind,noexec $HNX
ok $? "host: $HNX is a no-exec bind mount"
is "$(setpriv --reuid=osapi --regid=osapi --clear-groups sh -c "touch $HRO/data/f" 2>&1 >/dev/null | grep -c 'Read-only')" 1 \
	"control: outside the launcher, osapi cannot write $HRO/data (host read-only mount)"
agent "ProtectSystem=strict" "ReadWritePaths=$HRO/data" -- "w $HRO/data/f"
is "$RC:$(get W:$HRO/data/f)" 0:EROFS \
	"ProtectSystem=strict, ReadWritePaths= inside a host read-only mount: stays read-only (EROFS), as under systemd"
agent "NoExecPaths=/" "ExecPaths=/bin/sh /usr/bin/id /usr/lib $HNX/bin" -- "x $HNX/bin/hello; x /usr/bin/id"
is "$RC:$(get X:$HNX/bin/hello):$(get X:/usr/bin/id)" 0:EACCES:ok \
	"NoExecPaths=/, ExecPaths= inside a host no-exec mount: still not executable (EACCES), id runs"
umount $HRO $HRW/sub $HNX
rm -rf $HRW $HRO $HNX

agent "ProtectHome=yes" -- "$all"
is "$(get R:$HOMEF):$(get R:$ETCF)" EACCES:ok "ProtectHome=yes: the /home file is hidden (a mode-000 directory over /home)"
agent "ProtectHome=tmpfs" -- "$all; ls -A /home | wc -l"
is "$(get R:$HOMEF):$(printf '%s\n' "$OUTPUT" | tail -n 1)" ENOENT:0 "ProtectHome=tmpfs: /home is empty"
agent "InaccessiblePaths=$ETCF" -- "$all"
is "$(get R:$ETCF):$(get R:/etc/hostname)" EACCES:ok "InaccessiblePaths= on the /etc file: refused, its siblings not"
no_leak "ProtectHome=, InaccessiblePaths="

agent "PrivateTmp=yes" -- "ls -A /tmp /var/tmp | grep -v :; echo agent >/tmp/osapi-mnt-agent && echo TMPW=ok"
is "$(get TMPW)" ok "PrivateTmp=yes: the agent writes /tmp"
ok "$(printf '%s\n' "$OUTPUT" | grep -q osapi-mnt-host && echo 1 || echo 0)" "PrivateTmp=yes: the host's /tmp file is not visible"
ok "$([ ! -e /tmp/osapi-mnt-agent ] && echo 0 || echo 1)" "PrivateTmp=yes: the agent's file is not on the host's /tmp"
no_leak "PrivateTmp="

# NoExecPaths=: a noexec mount also refuses mmap(PROT_EXEC), so shared
# libraries need ExecPaths= here (unlike Landlock, see 32-landlock.t).
exe="x /usr/bin/id; x /usr/bin/whoami; x $RW/script.sh"
agent "NoExecPaths=/" "ExecPaths=/bin/sh /usr/bin/id /usr/lib" -- "$exe"
is "$RC:$(get X:/usr/bin/id)" 0:ok "NoExecPaths=/ ExecPaths=/bin/sh /usr/bin/id /usr/lib: id runs"
is "$(get X:/usr/bin/whoami):$(get X:$RW/script.sh)" EACCES:EACCES "whoami and osapi's script are refused (noexec mount)"
agent "NoExecPaths=/" "ExecPaths=/bin/sh /usr/bin/id /lib64/ld-linux-x86-64.so.2" -- "$exe"
is "$RC" 127 "the mount backend: libraries outside ExecPaths= fail to map (documented)"
no_leak "NoExecPaths="

# --- the kernel's knobs, with a root target (root ignores file modes) -----------
agent -root -- "cat /proc/sys/kernel/domainname > /proc/sys/kernel/domainname && echo SYSCTL=ok"
is "$(get SYSCTL)" ok "control: root writes a sysctl"
agent -root "ProtectKernelTunables=yes" -- "w /proc/sys/kernel/domainname; w /sys/kernel/uevent_helper"
is "$(get W:/proc/sys/kernel/domainname):$(get W:/sys/kernel/uevent_helper)" EROFS:EROFS "ProtectKernelTunables=yes: /proc/sys and /sys are read-only"
agent -root -- "r $MODS/osapi-mnt-test/m; timeout 2 dd if=/dev/kmsg bs=8192 count=1 2>/dev/null | wc -c | sed 's/^/KMSG=/'; grep CapBnd /proc/self/status"
ok "$([ "$(get R:$MODS/osapi-mnt-test/m)" = ok ] && [ "$(get KMSG)" -gt 0 ] && echo 0 || echo 1)" "control: root reads $MODS and /dev/kmsg"
bnd=$(printf '%s\n' "$OUTPUT" | awk '/^CapBnd/ {print $2}')
agent -root "ProtectKernelModules=yes" "ProtectKernelLogs=yes" -- "r $MODS/osapi-mnt-test/m; timeout 2 dd if=/dev/kmsg bs=8192 count=1 2>/dev/null | wc -c | sed 's/^/KMSG=/'; grep CapBnd /proc/self/status"
is "$(get R:$MODS/osapi-mnt-test/m):$(get KMSG)" ENOENT:0 "ProtectKernelModules=, ProtectKernelLogs=: $MODS is empty, /dev/kmsg an empty file"
is "$(printf '%s\n' "$OUTPUT" | awk '/^CapBnd/ {print $2}')" "$(printf '%016x' $((0x$bnd & ~(1 << 16) & ~(1 << 34))))" \
	"... and CAP_SYS_MODULE, CAP_SYSLOG leave the bounding set"
agent -root -- "mkdir /sys/fs/cgroup/pids/osapi-mnt-test && rmdir /sys/fs/cgroup/pids/osapi-mnt-test && echo CG=ok"
is "$(get CG)" ok "control: root creates a cgroup"
agent -root "ProtectControlGroups=yes" -- "mkdir /sys/fs/cgroup/pids/osapi-mnt-test 2>&1 | grep -q 'Read-only' && echo CG=EROFS"
is "$(get CG)" EROFS "ProtectControlGroups=yes: /sys/fs/cgroup is read-only"
agent "PrivateDevices=yes" -- "w /dev/null; ls /dev | tr '\n' ' ' | sed 's/^/DEV=/; s/ \$//'; echo; grep CapBnd /proc/self/status"
is "$(get W:/dev/null)" ok "PrivateDevices=yes: /dev/null writable"
is "$(get DEV)" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero" "PrivateDevices=yes: a minimal /dev"
no_leak "the kernel directives"

# --- SandboxBackend= ---------------------------------------------------------------
agent "SandboxBackend=landlock" "ProtectSystem=strict" -- "$all"
is "$(get W:$VARD/f)" EACCES "SandboxBackend=landlock as root: Landlock (EACCES)"
conf "$C" "ExecStart=$P" "User=osapi" "SandboxBackend=mount landlock" "ProtectSystem=strict"
run_launch -c "$C"
is "$RC:$(field NoNewPrivs)" 0:1 "SandboxBackend=mount landlock: both (Landlock implies no_new_privs)"
conf "$C" "ExecStart=$P" "User=osapi" "ProtectSystem=strict"
run_launch -c "$C"
is "$RC:$(field NoNewPrivs)" 0:0 "auto as root: mounts only (no no_new_privs needed)"
agent "SandboxBackend=landlock" "PrivateTmp=yes" -- "true"
is "$RC" 78 "PrivateTmp= with SandboxBackend=landlock: config error"
like "$ERR" "c.conf:5: PrivateTmp= needs the mount backend" "... naming file:line"

# Without CAP_SYS_ADMIN: auto picks Landlock; mount is refused.
drop() { OUTPUT=$(capsh --drop=cap_sys_admin -- -c "$OSAPI_LAUNCH -c $C" 2>"$SCRATCH/err"); RC=$?; ERR=$(cat "$SCRATCH/err"); }
printf '. %s\n%s\n' "$SD/lib.sh" "$all" >"$SD/s.sh"
conf "$C" "ExecStart=/bin/sh $SD/s.sh" "User=osapi" "ProtectSystem=strict"
drop
is "$RC:$(get W:$VARD/f)" 0:EACCES "without CAP_SYS_ADMIN, auto picks Landlock (EACCES)"
conf "$C" "ExecStart=/bin/sh $SD/s.sh" "User=osapi" "SandboxBackend=mount" "ProtectSystem=strict"
drop
is "$RC" 226 "SandboxBackend=mount without CAP_SYS_ADMIN: exit 226"
like "$ERR" "c.conf:4: SandboxBackend=mount needs CAP_SYS_ADMIN" "... saying why"
conf "$C" "ExecStart=/bin/sh $SD/s.sh" "User=osapi" "PrivateTmp=yes"
drop
is "$RC" 226 "PrivateTmp= without CAP_SYS_ADMIN (auto): exit 226"

# --- kernels before 5.12: no mount_setattr(2) -----------------------------------------
# An outer osapi-launch (root, every capability kept) runs the inner one
# under SystemCallFilter=~mount_setattr:ENOSYS, which is what an older
# kernel answers; the inner launcher then remounts each mount beneath the
# path, found in /proc/self/mountinfo.  The control answers EPERM instead and
# the launch fails: the filter does reach the inner launcher's call.
printf '. %s\n%s\n' "$SD/lib.sh" "$all" >"$SD/s.sh"
chmod 0644 "$SD/s.sh"
conf "$C" "ExecStart=/bin/sh $SD/s.sh" "User=osapi" "ProtectSystem=full"
outer=$SCRATCH/outer.conf
conf "$outer" "ExecStart=$OSAPI_LAUNCH -c $C" "SystemCallFilter=~mount_setattr:ENOSYS"
run_launch -c "$outer"
is "$RC:$(get W:$USRD/f):$(get W:$ETCD/f):$(get W:$VARD/f)" 0:EROFS:EROFS:ok \
	"without mount_setattr (ENOSYS): ProtectSystem=full holds through remounts"
no_leak "the remount fallback"
conf "$outer" "ExecStart=$OSAPI_LAUNCH -c $C" "SystemCallFilter=~mount_setattr:EPERM"
run_launch -c "$outer"
is "$RC" 226 "control: mount_setattr answering EPERM fails the inner launch (226)"
like "$ERR" 'ProtectSystem=: mount_setattr\(/[a-z]*\) failed|ProtectSystem=: mount_setattr\(/[a-z]*\) \(EPERM\)' "... naming the call"

# The step reads back what the kernel reports (statfs(2)) after its mounts:
# here mount_setattr "succeeds" (errno 0) without doing anything, and the
# launch must stop there, before the target runs.
conf "$C" "ExecStart=$P --marker $OUT/ran" "User=osapi" "ReadWritePaths=$OUT" "ProtectSystem=full"
conf "$outer" "ExecStart=$OSAPI_LAUNCH -c $C" "SystemCallFilter=~mount_setattr:0"
rm -f "$OUT/ran"
run_launch -c "$outer"
is "$RC" 248 "mount_setattr reporting success without effect: the read-back refuses (248)"
like "$ERR" 'verify: ProtectSystem=: /[a-z]* is not read-only in the agent.s mount namespace' "... naming the path and the attribute"
ok "$([ ! -e "$OUT/ran" ] && echo 0 || echo 1)" "... and the target never ran"

# --- / as a mount point --------------------------------------------------------------
# The mount backend needs / to be a mount point (MS_PRIVATE on a plain
# chroot directory fails).  The launcher asks statx(2) (STATX_ATTR_MOUNT_ROOT)
# where the C library has it; 81-static-musl.t covers the mountinfo
# fallback.  A root of the launcher, the probe and their libraries:
ROOT=$SCRATCH/root
mkdir -p "$ROOT"/{etc/osapi,proc,usr/sbin,usr/bin,var/lib/osapi}
install -m 0755 "$OSAPI_LAUNCH" "$ROOT/usr/sbin/osapi-launch"
install -m 0755 "$P" "$ROOT/usr/bin/osapi"
for lib in $(ldd "$OSAPI_LAUNCH" "$P" | grep -v ':$' | grep -o '/[^ ]*' | sort -u); do
	mkdir -p "$ROOT$(dirname "$lib")"
	cp -L "$lib" "$ROOT$lib"
done
grep '^\(root\|osapi\):' /etc/passwd >"$ROOT/etc/passwd"
grep '^\(root\|osapi\):' /etc/group >"$ROOT/etc/group"
conf "$ROOT/etc/osapi/launch.conf" "ExecStart=/usr/bin/osapi" "User=osapi" \
	"SandboxBackend=mount" "ProtectSystem=strict"
# in_root BIND CMD...: CMD chrooted into $ROOT, which is bind-mounted onto
# itself first (a mount point) when BIND is 1.
in_root() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --propagation private sh -c \
		'[ "$1" = 0 ] || mount --bind "$2" "$2" || exit 99
		mount -t proc proc "$2/proc" && r=$2 && shift 2 && exec chroot "$r" "$@"' \
		in_root "$1" "$ROOT" "${@:2}"
}
in_root 1 /usr/sbin/osapi-launch --check -c /etc/osapi/launch.conf >/dev/null 2>&1
c=$?
in_root 1 /usr/sbin/osapi-launch -c /etc/osapi/launch.conf >/dev/null 2>&1
is "$c:$?" "0:0" "/ a mount point (a chroot bound onto itself): --check and the launch accept the mount backend"
ERR=$(in_root 0 /usr/sbin/osapi-launch --check -c /etc/osapi/launch.conf 2>&1)
c=$?
in_root 0 /usr/sbin/osapi-launch -c /etc/osapi/launch.conf >/dev/null 2>&1
is "$c:$?" "78:226" "/ not a mount point (a plain chroot): --check and the launch both refuse it"
like "$ERR" 'the mount backend needs / to be a mount point' "... saying why"
# A supervisor's seccomp filter may refuse statx(2) (ENOSYS, EPERM) or fake
# its success (errno 0, nothing written): the launcher then reads the mount
# table instead, and still tells the two roots apart.
cat >"$SCRATCH/nostatx.c" <<'EOF_C'
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
/* nostatx ERRNO CMD...: CMD with statx(2) answering -ERRNO (0: success). */
int main(int argc, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_statx, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (atoi(argv[1]) & 0xffff)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
	if (argc < 3 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return 99;
	execv(argv[2], argv + 2);
	return 98;
}
EOF_C
cc -static -O2 -o "$ROOT/usr/bin/nostatx" "$SCRATCH/nostatx.c"
ok $? "a static wrapper that filters statx(2) (x86-64)"
for e in 38 1 0; do
	in_root 1 /usr/bin/nostatx "$e" /usr/sbin/osapi-launch --check -c /etc/osapi/launch.conf >/dev/null 2>&1
	c=$?
	in_root 0 /usr/bin/nostatx "$e" /usr/sbin/osapi-launch --check -c /etc/osapi/launch.conf >/dev/null 2>&1
	is "$c:$?" "0:78" "statx answering errno $e: --check tells a bound root (0) from a plain one (78)"
done

# --- the step's failure path ---------------------------------------------------------
fault=${FAULT_BUILD_DIR:-$SRC_DIR/build-fault}
if [ -x "$fault/osapi-launch" ]; then
	ninja -C "$fault" >/dev/null
	conf "$C" "ExecStart=$P --marker $OUT/ran" "User=osapi" "ReadWritePaths=$OUT" "ProtectSystem=strict"
	rm -f "$OUT/ran"
	ERR=$(OSAPI_LAUNCH_FAULT=mount-namespace "$fault/osapi-launch" -c "$C" 2>&1 >/dev/null)
	is "$?" 226 "a failed unshare(CLONE_NEWNS) exits 226"
	like "$ERR" "^osapi-launch: mount-namespace: unshare\(CLONE_NEWNS\) failed \(EIO\)" "... saying so"
	ok "$([ ! -e "$OUT/ran" ] && echo 0 || echo 1)" "... and the target never ran"
else
	diag "no fault-injection build ($fault): tests/t/93-faults.t makes one"
fi
no_leak "the whole file"
done_testing
