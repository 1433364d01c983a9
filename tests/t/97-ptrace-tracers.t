#!/bin/bash
# The other direction of 94-escape.t: can another process of the agent's
# uid, started outside the launcher, trace the agent and read its memory and
# environment?  The kernel refuses a tracer whose permitted capabilities are
# not a superset of the agent's, or any tracer of a non-dumpable agent (one
# whose binary it cannot read); Yama refuses attaching.  Without any of
# these, the attach succeeds, and --check must have warned.  The attacker is
# tests/escape.c --ptrace (attach, /proc/PID/maps, process_vm_readv,
# /proc/PID/mem) plus a read of /proc/PID/environ, as the osapi user with no
# capabilities.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd setpriv "apt-get install util-linux"
ESCAPE_BIN=${ESCAPE_BIN:-$BUILD_DIR/tests/escape}
[ -x "$ESCAPE_BIN" ] || skip_all "no $ESCAPE_BIN (ninja -C $BUILD_DIR)"
setup_launch
uid=$(id -u osapi)
gid=$(id -g osapi)
E=$SCRATCH/escape
install -m 0755 "$ESCAPE_BIN" "$E"
# The agent: a copy of sleep(1), so it waits to be attacked.
A=$SCRATCH/agent
install -m 0755 "$(realpath "$(command -v sleep)")" "$A"
apid=
trap '[ -n "$apid" ] && kill "$apid" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo absent)
diag "yama ptrace_scope: $scope, kernel $(uname -r)"

# launch_agent CONF: the launcher in the background; sets apid once the
# process is the agent (the launcher exec'd into it).
launch_agent() {
	"$OSAPI_LAUNCH" --policy-record=none -c "$1" >/dev/null 2>&1 &
	apid=$!
	for _ in $(seq 100); do
		[ "$(readlink "/proc/$apid/exe")" = "$A" ] && return
		sleep 0.05
	done
	diag "the agent did not start: $(head -n 3 "/proc/$apid/status" 2>&1)"
}
stop_agent() {
	kill "$apid" 2>/dev/null
	wait "$apid" 2>/dev/null
	apid=
}
# attack: sets OUTPUT (the escape program's lines) and ENVIRON.
attack() {
	OUTPUT=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups "$E" --ptrace "$apid" 2>&1)
	ENVIRON=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups cat "/proc/$apid/environ" 2>&1 | tr '\0' '\n')
	printf '%s\n' "$OUTPUT" | grep '^ESCAPE' | sed 's/^/# /'
}
# refused LABEL: every attempt refused, the environment unread.
refused() {
	local name
	for name in ptrace-attach proc-maps process-vm-readv proc-mem; do
		like "$OUTPUT" "ESCAPE $name=refused" "$1: $name is refused"
	done
	unlike "$ENVIRON" "OSAPI_SECRET" "$1: /proc/PID/environ cannot be read"
}

# (a) No capabilities: nothing but Yama can stop a tracer of the same uid.
C=$SCRATCH/nocaps.conf
conf "$C" "ExecStart=$A 300" "User=osapi" "NoNewPrivileges=yes" \
	"Environment=OSAPI_SECRET=hunter2"
run_launch --check -c "$C"
CHECK=$OUTPUT
is "$RC" 0 "no capabilities: --check accepts the config (a warning does not fail it)"
launch_agent "$C"
like "$(cat "/proc/$apid/status")" "CapPrm:	0000000000000000" "no capabilities: the agent (pid $apid) runs with an empty permitted set"
attack
case $scope in
absent | 0)
	like "$OUTPUT" "ESCAPE ptrace-attach=SUCCEEDED" "no capabilities, Yama $scope: a plain osapi process can attach to the agent"
	like "$ENVIRON" "^OSAPI_SECRET=hunter2$" "no capabilities, Yama $scope: and read its environment"
	like "$CHECK" "WARN +ptrace +.*any process of uid $uid can ptrace it" \
		"no capabilities, Yama $scope: --check warned that it would be so"
	;;
*)
	like "$OUTPUT" "ESCAPE ptrace-attach=refused" "no capabilities, Yama $scope: Yama refuses the attach"
	like "$CHECK" "info +ptrace +Yama ptrace_scope=$scope" "no capabilities, Yama $scope: --check says what protects the agent"
	;;
esac
stop_agent

# (b) The shipped config: the agent holds CAP_NET_RAW, the attacker nothing.
S=$SCRATCH/shipped.conf
shipped_conf "300" "$S"
sed -i "s|^ExecStart=$P |ExecStart=$A |" "$S"
echo "Environment=OSAPI_SECRET=hunter2" >>"$S"
run_launch --check -c "$S"
unlike "$OUTPUT" "WARN +ptrace" "shipped config: --check does not warn about tracers"
like "$OUTPUT" "ok +ptrace +the agent holds capabilities" "shipped config: --check names the capability rule"
launch_agent "$S"
like "$(cat "/proc/$apid/status")" "CapPrm:	0000000000002000" "shipped config: the agent (pid $apid) holds CAP_NET_RAW"
attack
like "$OUTPUT" "ESCAPE ptrace-attach=refused \(PTRACE_ATTACH pid $apid: EPERM\)" "shipped config: PTRACE_ATTACH fails with EPERM"
refused "shipped config"
stop_agent

# (c) No capabilities, but an execute-only binary: the kernel makes the
# agent non-dumpable at exec, which refuses every tracer of its uid.
chmod 0711 "$A"
run_launch --check -c "$C"
unlike "$OUTPUT" "WARN +ptrace" "execute-only binary: --check does not warn about tracers"
like "$OUTPUT" "ok +ptrace +$A is not readable by uid $uid" "execute-only binary: --check says why"
launch_agent "$C"
is "$(stat -c %U "/proc/$apid/environ")" root "execute-only binary: the agent is non-dumpable (its /proc files are root's)"
attack
refused "execute-only binary"
stop_agent
done_testing
