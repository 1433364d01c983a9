#!/bin/bash
# IPAddressAllow= and IPAddressDeny=, for real: the agent (the probe)
# connects over TCP to closed ports on loopback addresses.  An allowed
# address answers ECONNREFUSED (the SYN went out, the RST came back); a
# filtered one times out (the cgroup skb filter dropped the packet).  The
# control, with no directive, is refused on every address; the filters
# are read from outside on the agent's cgroup v2 group (the unified
# hierarchy on a hybrid host).  Each denied attempt costs the probe's
# one-second connect timeout.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
C=$SCRATCH/c.conf
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	V2=/sys/fs/cgroup
elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
	V2=/sys/fs/cgroup/unified
else
	conf "$C" "ExecStart=$P" IPAddressDeny=any
	run_launch --check -c "$C"
	is "$RC" 219 "no cgroup v2 here: IPAddressDeny= refused by --check (exit 219)"
	like "$ERR" 'no cgroup v2 hierarchy' "and the reason says so"
	done_testing
fi
got() { printf '%s\n' "$OUTPUT" | awk -v k="TRY_tcp-connect:$1,1=" 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }'; }
# three LINES...: the verdicts for 127.0.0.1, 127.0.0.2 and ::1.
three() {
	conf "$C" "ExecStart=$P --try tcp-connect:127.0.0.1,1 --try tcp-connect:127.0.0.2,1 --try tcp-connect:::1,1" "$@"
	run_launch -c "$C"
	echo "$RC:$(got 127.0.0.1):$(got 127.0.0.2):$(got ::1)"
}
R=ECONNREFUSED
T=ETIMEDOUT
is "$(three)" "0:$R:$R:$R" "control: every address answers"
is "$(three IPAddressDeny=127.0.0.2)" "0:$R:$T:$R" "IPAddressDeny=127.0.0.2: that address alone is cut off"
is "$(three IPAddressDeny=any)" "0:$T:$T:$T" "IPAddressDeny=any: IPv4 and IPv6 cut off"
is "$(three IPAddressDeny=any IPAddressAllow=localhost)" "0:$R:$R:$R" "IPAddressAllow=localhost wins over IPAddressDeny=any"
is "$(three IPAddressDeny=127.0.0.0/8 IPAddressAllow=127.0.0.1/32)" "0:$R:$T:$R" "a prefix: 127.0.0.0/8 denied but 127.0.0.1 allowed"
is "$(three IPAddressDeny=localhost)" "0:$T:$T:$T" "localhost is 127.0.0.0/8 and ::1"
is "$(three IPAddressDeny=::1/128)" "0:$R:$R:$T" "an IPv6 prefix"
is "$(three IPAddressDeny=127.0.0.2 IPAddressDeny=)" "0:$R:$R:$R" "an empty IPAddressDeny= resets the list"

# From outside: both filters on the agent's group while it runs.
conf "$C" "ExecStart=$P --sleep 30" IPAddressDeny=any
"$OSAPI_LAUNCH" -c "$C" >"$SCRATCH/state" 2>&1 &
PID=$!
wait_ready "$SCRATCH/state" "$PID"
grp=$(awk -F: '$1 == 0 { print $3 }' /proc/$PID/cgroup)
is "$grp" /osapi-launch/c "the agent is in its own cgroup v2 group"
if command -v bpftool >/dev/null; then
	is "$(bpftool cgroup show "$V2$grp" | awk '$2 ~ /ingress|egress/ { print $2 }' | sort | tr '\n' ' ')" "cgroup_inet_egress cgroup_inet_ingress " "bpftool: an ingress and an egress program on it"
fi
kill "$PID"
wait "$PID" 2>/dev/null

# A later launch without the directive finds the group cleared.
conf "$C" "ExecStart=$P --try tcp-connect:127.0.0.2,1" IPAddressDeny=127.0.0.3 CgroupParent=/osapi-launch
run_launch -c "$C"
is "$RC:$(got 127.0.0.2)" "0:$R" "a launch with another list replaces the filters a launch before left"

conf "$C" "ExecStart=$P" "IPAddressDeny=10.0.0.0/33"
run_launch --check -c "$C"
is "$RC" 78 "a prefix longer than the address is refused"
like "$ERR" 'c\.conf:3: IPAddressDeny=: "10\.0\.0\.0/33" is not an IPv4 or IPv6 address prefix' "and named with its line"
conf "$C" "ExecStart=$P" "IPAddressAllow=example.org"
run_launch --check -c "$C"
is "$RC" 78 "a host name is refused (systemd takes addresses only)"
done_testing
