#!/bin/bash
# DevicePolicy= and DeviceAllow=, for real: the agent (the probe, as root,
# so only the device cgroup can say no) opens /dev/kmsg and /dev/null, each
# denial with a control run; the agent's device rules are read from
# outside in its cgroup.  The host's mechanism is tested with the release
# build: the v1 devices controller on a v1 or hybrid host, the
# BPF_PROG_TYPE_CGROUP_DEVICE program where /sys/fs/cgroup is v2.  On a
# hybrid host the v2 program is tested too, on the unified hierarchy,
# through a fault-injection build told to use it (OSAPI_LAUNCH_CGROUP_V2).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
[ -c /dev/kmsg ] || skip_all "needs /dev/kmsg, a device root may open that no policy allows"
setup_launch
C=$SCRATCH/c.conf
got() { printf '%s\n' "$OUTPUT" | awk -v k="TRY_$1=" 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }'; }
kmsg=$(stat -c '%t:%T' /dev/kmsg)
kmsg=$((0x${kmsg%:*})):$((0x${kmsg#*:}))

# attempts LAUNCHER CONFIG-LINES...: the probe tries /dev/kmsg and
# /dev/null for reading and writing.
attempts() {
	local l=$1
	shift
	conf "$C" "ExecStart=$P --try open-r:/dev/kmsg --try open-w:/dev/kmsg --try open-r:/dev/null --try open-w:/dev/null" "$@"
	OUTPUT=$("$l" -c "$C" 2>"$SCRATCH/err")
	RC=$?
	ERR=$(cat "$SCRATCH/err")
}
four() { echo "$(got open-r:/dev/kmsg):$(got open-w:/dev/kmsg):$(got open-r:/dev/null):$(got open-w:/dev/null)"; }

# run_policies LAUNCHER: the same cases for whichever mechanism the
# launcher uses.
run_policies() {
	local l=$1 how=$2
	attempts "$l"
	is "$RC:$(four)" 0:ok:ok:ok:ok "$how control: root opens /dev/kmsg and /dev/null"
	attempts "$l" DevicePolicy=closed
	is "$RC:$(four)" 0:EPERM:EPERM:ok:ok "$how DevicePolicy=closed: /dev/kmsg refused, /dev/null allowed"
	attempts "$l" DevicePolicy=strict
	is "$RC:$(four)" 0:EPERM:EPERM:EPERM:EPERM "$how DevicePolicy=strict: nothing listed, nothing allowed"
	attempts "$l" DevicePolicy=strict "DeviceAllow=/dev/kmsg r"
	is "$RC:$(four)" 0:ok:EPERM:EPERM:EPERM "$how DeviceAllow=/dev/kmsg r under strict: read only, and only it"
	attempts "$l" DevicePolicy=strict "DeviceAllow=/sys/dev/char/$kmsg r"
	is "$RC:$(four)" 0:ok:EPERM:EPERM:EPERM "$how DeviceAllow=/sys/dev/char/$kmsg r: the same by number"
	attempts "$l" "DeviceAllow=char-mem r"
	is "$RC:$(four)" 0:ok:EPERM:ok:ok "$how DeviceAllow=char-mem r (auto): the mem major read-only, the pseudo devices rwm"
	attempts "$l" "DeviceAllow=/dev/kmsg w" "DeviceAllow="
	is "$RC:$(four)" 0:ok:ok:ok:ok "$how an empty DeviceAllow= resets the list: auto, no restriction"
	attempts "$l" DevicePolicy=closed "DeviceAllow=/dev/osapi-no-such-device rw"
	is "$RC:$(four)" 0:EPERM:EPERM:ok:ok "$how a missing device node is skipped, as systemd skips it"
	run_launch --check -c "$C"
	like "$OUTPUT" 'DeviceAllow=/dev/osapi-no-such-device skipped' "$how --check says it was skipped"
	attempts "$l" ProtectClock=yes
	is "$RC:$(four)" 0:ok:ok:ok:ok "$how ProtectClock=yes alone restricts no device (as systemd)"
	attempts "$l" PrivateDevices=yes SandboxBackend=mount
	is "$RC:$(got open-r:/dev/null)" 0:ok "$how PrivateDevices=yes: DevicePolicy=closed, /dev/null allowed"
}

v1_group=/sys/fs/cgroup/devices/osapi-launch/c
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	run_policies "$OSAPI_LAUNCH" "v2:"
else
	[ -f /sys/fs/cgroup/devices/devices.allow ] || skip_all "a cgroup v1 host without the devices controller"
	run_policies "$OSAPI_LAUNCH" "v1:"
	conf "$C" "ExecStart=$P --sleep 30" DevicePolicy=strict "DeviceAllow=/dev/kmsg r" "DeviceAllow=char-pts w"
	"$OSAPI_LAUNCH" -c "$C" >"$SCRATCH/state" 2>&1 &
	PID=$!
	wait_ready "$SCRATCH/state" "$PID"
	like "$(grep ':devices:' /proc/$PID/cgroup)" ':devices:/osapi-launch/c$' "v1: the agent is in its devices group"
	is "$(tr '\n' ' ' <$v1_group/devices.list)" "c $kmsg r c 136:* w " "v1: the group's devices.list is the plan's rules"
	kill "$PID"
	wait "$PID" 2>/dev/null
	if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
		need_cmd meson "apt-get install meson"
		fault=${FAULT_BUILD_DIR:-$SRC_DIR/build-fault}
		[ -f "$fault/build.ninja" ] || meson setup "$fault" "$SRC_DIR" -Dfault_injection=true >/dev/null
		ninja -C "$fault" >/dev/null
		ok $? "the fault-injection build compiles"
		export OSAPI_LAUNCH_CGROUP_V2=/sys/fs/cgroup/unified
		run_policies "$fault/osapi-launch" "v2 (hybrid's unified hierarchy):"
		conf "$C" "ExecStart=$P --sleep 30" DevicePolicy=closed
		"$fault/osapi-launch" -c "$C" >"$SCRATCH/state" 2>&1 &
		PID=$!
		wait_ready "$SCRATCH/state" "$PID"
		is "$(sed -n 's/^0:://p' /proc/$PID/cgroup)" /osapi-launch/c "v2: the agent is in its group"
		if command -v bpftool >/dev/null; then
			like "$(bpftool cgroup list /sys/fs/cgroup/unified/osapi-launch/c)" 'cgroup_device' "v2: bpftool shows the device program on the group"
		fi
		kill "$PID"
		wait "$PID" 2>/dev/null
		unset OSAPI_LAUNCH_CGROUP_V2
		rmdir /sys/fs/cgroup/unified/osapi-launch/c /sys/fs/cgroup/unified/osapi-launch 2>/dev/null
	else
		diag "no cgroup v2 hierarchy on this host: the device program is tested in no guest here"
	fi
fi
rmdir $v1_group /sys/fs/cgroup/devices/osapi-launch 2>/dev/null

# Bad input: config errors at their line.
conf "$C" "ExecStart=$P" "DeviceAllow=/etc/passwd r"
run_launch -c "$C"
is "$RC" 78 "DeviceAllow=/etc/passwd: a config error"
like "$ERR" 'c.conf:[0-9]+: DeviceAllow=: "/etc/passwd" is neither' "... naming the line"
conf "$C" "ExecStart=$P" "DeviceAllow=/dev/null rx"
run_launch -c "$C"
like "$RC:$ERR" '^78:.*access "rx" is not made of the letters r, w and m' "DeviceAllow=/dev/null rx: refused"
conf "$C" "ExecStart=$P" "DevicePolicy=open"
run_launch -c "$C"
like "$RC:$ERR" '^78:.*DevicePolicy=: "open" is not one of auto, closed, strict' "DevicePolicy=open: refused"

done_testing
