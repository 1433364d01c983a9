#!/bin/bash
# PrivateMounts=, PrivateNetwork=, PrivateIPC=, ProtectHostname=,
# ProtectClock=, ProtectProc=, ProcSubset=, RemoveIPC=, for real and from
# outside: the agent (the probe, sleeping) is looked at through
# /proc/PID/ns/*, /proc/PID/mountinfo and nsenter(1) into its namespaces;
# each denial it meets has a control run without the directive.  The
# probe stands in for the agent, which cannot be built here.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd nsenter "apt-get install util-linux"
need_cmd ip "apt-get install iproute2"
need_cmd ipcmk "apt-get install util-linux"
setup_launch
C=$SCRATCH/c.conf

# start CONFIG-LINES... : the launcher in the background, the probe
# sleeping as the agent; sets PID (the launcher's, then the agent's: it
# execs in place) and STATE (the probe's report).
start() {
	conf "$C" "ExecStart=$P --sleep 30" "$@"
	STATE=$SCRATCH/state.$RANDOM
	"$OSAPI_LAUNCH" -c "$C" >"$STATE" 2>&1 &
	PID=$!
	wait_ready "$STATE" "$PID" || diag "$(cat "$STATE")"
}
stop() {
	kill "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
}
ns() { readlink "/proc/$1/ns/$2"; }
# got WHAT: the probe's TRY_WHAT= answer (WHAT may hold "/" and ":").
got() { printf '%s\n' "$OUTPUT" | awk -v k="TRY_$1=" 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }'; }
# try CONFIG-LINES... -- WHAT...: one run, the probe trying each WHAT.
try() {
	local lines=() args=()
	while [ "$1" != "--" ]; do
		lines+=("$1")
		shift
	done
	shift
	for w in "$@"; do args+=(--try "$w"); done
	conf "$C" "ExecStart=$P ${args[*]}" "${lines[@]}"
	run_launch -c "$C"
}

# --- PrivateMounts= --------------------------------------------------------
start User=osapi
is "$(ns "$PID" mnt)" "$(ns $$ mnt)" "control: without PrivateMounts= the agent shares the host's mount namespace"
stop
start User=osapi PrivateMounts=yes
like "$(ns "$PID" mnt)" '^mnt:' "PrivateMounts=yes: the agent runs"
ok "$([ "$(ns "$PID" mnt)" != "$(ns $$ mnt)" ] && echo 0 || echo 1)" "PrivateMounts=yes: a mount namespace of its own"
stop

# --- PrivateNetwork= -------------------------------------------------------
start User=osapi PrivateNetwork=yes
ok "$([ "$(ns "$PID" net)" != "$(ns $$ net)" ] && echo 0 || echo 1)" "PrivateNetwork=yes: a network namespace of its own"
links=$(nsenter -t "$PID" -n ip -o link show)
is "$(printf '%s\n' "$links" | awk -F': ' '{print $2}' | tr '\n' ' ')" "lo " "PrivateNetwork=yes: lo is the only device"
like "$links" '<LOOPBACK,UP,LOWER_UP>' "PrivateNetwork=yes: lo is up"
stop
start User=osapi
is "$(ns "$PID" net)" "$(ns $$ net)" "control: without PrivateNetwork= the host's network namespace"
stop

# --- PrivateIPC= -------------------------------------------------------------
shm=$(ipcmk -M 4096 | awk '{print $NF}')
trap 'ipcrm -m "$shm" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
start User=osapi PrivateIPC=yes
ok "$([ "$(ns "$PID" ipc)" != "$(ns $$ ipc)" ] && echo 0 || echo 1)" "PrivateIPC=yes: an IPC namespace of its own"
ok "$(nsenter -t "$PID" -i ipcs -m | grep -qw "$shm" && echo 1 || echo 0)" "PrivateIPC=yes: the host's shared memory segment $shm is not there"
if [ -d /dev/mqueue ]; then
	like "$(grep ' /dev/mqueue ' "/proc/$PID/mountinfo" | tail -n 1)" ' - mqueue ' "PrivateIPC=yes: /dev/mqueue is an mqueue mount in the agent's namespace"
else
	diag "this host has no /dev/mqueue: nothing to remount there"
fi
stop
start User=osapi PrivateIPC=yes PrivateDevices=yes
mq=$(nsenter -t "$PID" -m stat -f -c %T /dev/mqueue 2>&1)
is "$mq" mqueue "PrivateIPC= with PrivateDevices=: the private /dev has the agent's own /dev/mqueue"
stop
start User=osapi
ok "$(nsenter -t "$PID" -i ipcs -m | grep -qw "$shm" && echo 0 || echo 1)" "control: without PrivateIPC= the segment is visible"
stop

# --- ProtectHostname= --------------------------------------------------------
start User=osapi ProtectHostname=yes
ok "$([ "$(ns "$PID" uts)" != "$(ns $$ uts)" ] && echo 0 || echo 1)" "ProtectHostname=yes: a UTS namespace of its own"
is "$(nsenter -t "$PID" -u hostname)" "$(hostname)" "ProtectHostname=yes: a copy of the host's name"
nsenter -t "$PID" -u hostname osapi-launch-renamed
is "$(hostname)" "$(nsenter -t $$ -u hostname)" "ProtectHostname=yes: a name set inside does not reach the host"
ok "$([ "$(hostname)" != osapi-launch-renamed ] && echo 0 || echo 1)" "ProtectHostname=yes: the host keeps its name"
stop
try -- sethostname-long
is "$(field TRY_sethostname-long)" EINVAL "control: root's sethostname with a too-long name fails with EINVAL"
try ProtectHostname=yes -- sethostname-long
is "$(field TRY_sethostname-long)" EPERM "ProtectHostname=yes: sethostname fails with EPERM (seccomp)"

# --- ProtectClock= -----------------------------------------------------------
try -- clock-settime-monotonic
is "$(field TRY_clock-settime-monotonic)" EINVAL "control: root's clock_settime(CLOCK_MONOTONIC) is EINVAL"
try ProtectClock=yes -- clock-settime-monotonic
is "$(field TRY_clock-settime-monotonic)" EPERM "ProtectClock=yes: clock_settime fails with EPERM (seccomp)"
cap() { printf '%s\n' "$OUTPUT" | sed -n 's/^CapBnd=//p'; }
try ProtectClock=yes -- clock-settime-monotonic
bnd=$(cap)
is "$(((0x$bnd >> 25) & 1)):$(((0x$bnd >> 35) & 1))" "0:0" "ProtectClock=yes: CAP_SYS_TIME and CAP_WAKE_ALARM are out of the bounding set"

# --- PrivateDevices= and @raw-io ---------------------------------------------
try -- ioperm-off
like "$(field TRY_ioperm-off)" '^(ok|ENOSYS)$' "control: root may turn an I/O port off (ENOSYS: a kernel without ioperm)"
try PrivateDevices=yes -- ioperm-off
is "$(field TRY_ioperm-off)" EPERM "PrivateDevices=yes: ioperm fails with EPERM (@raw-io, as systemd)"

# --- ProtectProc=, ProcSubset= -----------------------------------------------
try User=osapi -- open-r:/proc/1/status open-r:/proc/meminfo
is "$(got open-r:/proc/1/status):$(got open-r:/proc/meminfo)" ok:ok "control: osapi reads /proc/1/status and /proc/meminfo"
try User=osapi ProtectProc=invisible -- open-r:/proc/1/status open-r:/proc/meminfo
is "$(got open-r:/proc/1/status):$(got open-r:/proc/meminfo)" ENOENT:ok "ProtectProc=invisible: PID 1 is invisible to osapi; /proc/meminfo stays"
try User=osapi ProcSubset=pid -- open-r:/proc/1/status open-r:/proc/meminfo
is "$(got open-r:/proc/1/status):$(got open-r:/proc/meminfo)" ok:ENOENT "ProcSubset=pid: /proc/meminfo is gone; processes stay"
start User=osapi ProtectProc=noaccess ProcSubset=pid ProtectKernelTunables=yes ProtectKernelLogs=yes
like "$(grep ' /proc ' "/proc/$PID/mountinfo" | tail -n 1)" ' - proc proc .*hidepid=noaccess.*subset=pid|subset=pid.*hidepid=noaccess' \
	"ProtectProc=noaccess ProcSubset=pid: the agent's /proc carries both options"
unlike "$(grep ' /proc ' /proc/self/mountinfo)" 'hidepid' "the host's /proc is untouched"
stop

# --- RemoveIPC= ----------------------------------------------------------------
try User=osapi RemoveIPC=yes -- open-r:/dev/null
is "$RC" 78 "RemoveIPC=yes alone is refused (no stop hook)"
like "$ERR" 'RemoveIPC=yes: .*no stop hook.*PrivateIPC=yes and PrivateDevices=yes' "RemoveIPC=: the refusal says why and what to set"
try User=osapi RemoveIPC=yes PrivateIPC=yes PrivateDevices=yes -- open-r:/dev/null
is "$RC:$(got open-r:/dev/null)" 0:ok "RemoveIPC=yes with PrivateIPC= and PrivateDevices=: the agent runs"
run_launch --check -c "$C"
like "$OUTPUT" 'remove-ipc +by PrivateIPC= and PrivateDevices=' "--check says how RemoveIPC= is kept"
try RemoveIPC=yes -- open-r:/dev/null
is "$RC" 0 "RemoveIPC=yes for root: nothing to remove (as systemd), accepted"

# --- the launch refuses what it cannot make ------------------------------------
try User=osapi ProtectProc=invisible SandboxBackend=landlock -- open-r:/dev/null
is "$RC" 78 "ProtectProc= with SandboxBackend=landlock: refused, a mount is needed"
try ProtectProc=bogus -- open-r:/dev/null
is "$RC" 78 "ProtectProc=bogus: a config error"
like "$ERR" 'c.conf:[0-9]+: ProtectProc=: "bogus" is not one of default, noaccess, invisible, ptraceable' "ProtectProc=bogus: file:line and the values"

# --- the read-back: a namespace that was not made --------------------------
# A supervisor's seccomp filter may answer unshare(2) with success and do
# nothing (errno 0): the launch must see, from /proc/self/ns/*, that the
# agent would still share the launcher's namespace, and refuse.
cat >"$SCRATCH/fakeunshare.c" <<'EOF_C'
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
/* fakeunshare FLAGS CMD...: CMD with unshare(FLAGS) answering success
 * without making anything; other calls and flags as usual. */
int main(int argc, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)strtoul(argc > 1 ? argv[1] : "0", NULL, 0), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0),
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
cc -O2 -o "$SCRATCH/fakeunshare" "$SCRATCH/fakeunshare.c"
ok $? "a wrapper whose filter fakes unshare(2) (x86-64)"
for t in "PrivateNetwork 0x40000000 net" "PrivateIPC 0x08000000 ipc" "ProtectHostname 0x04000000 uts"; do
	read -r d flag name <<<"$t"
	conf "$C" "ExecStart=$P" User=osapi "$d=yes"
	out=$("$SCRATCH/fakeunshare" "$flag" "$OSAPI_LAUNCH" -c "$C" 2>&1)
	rc=$?
	is "$rc" 248 "$d=yes, unshare faked by a filter: the launch refuses at the read-back (exit 248)"
	like "$out" "$d=: /proc/self/ns/$name is still the launcher's namespace" "$d=yes, unshare faked: the error names the directive and the namespace"
	unlike "$out" 'Uid=[0-9]' "$d=yes, unshare faked: the agent never ran"
	"$SCRATCH/fakeunshare" 0x1 "$OSAPI_LAUNCH" -c "$C" >/dev/null 2>&1
	is "$?" 0 "control: $d=yes under the same wrapper faking another flag: the launch runs"
done

done_testing
