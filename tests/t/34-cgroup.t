#!/bin/bash
# MemoryMax=, TasksMax=, CPUQuota=, MemoryHigh= through cgroups, for real:
# the agent (as osapi) allocates, forks and spins inside its group; the
# kernel's own counters (oom_kill, pids.events, nr_throttled) show the
# limit acted, and each check has a control run without the limit.  The
# groups go under the test's own (CgroupParent=.), and are removed at the
# end.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd perl
setup_launch
C=$SCRATCH/agent-cg.conf # the group is named "agent-cg"
v2=
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && v2=1

# ctl CONTROLLER: the directory of our own group in that hierarchy.
own() {
	if [ -n "$v2" ]; then
		echo "/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)"
	else
		echo "/sys/fs/cgroup/$1$(awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/self/cgroup)"
	fi
}
grp() { echo "$(own "$1")/agent-cg" | sed 's|//*|/|g'; }
cleanup() {
	for c in memory cpu pids; do
		rmdir "$(grp $c)" 2>/dev/null
	done
	rmdir /sys/fs/cgroup/{memory,cpu,pids}/osapi-launch/agent-cg /sys/fs/cgroup/{memory,cpu,pids}/osapi-launch 2>/dev/null
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

cat >"$SCRATCH/alloc.pl" <<'EOF'
my $x = "a" x (256 * 1024 * 1024);
print "ALLOC=survived\n";
EOF
cat >"$SCRATCH/fork.pl" <<'EOF'
my $n = 0;
for (1 .. 40) {
	my $p = fork;
	if (!defined $p) { print "FORKERR=$!\n"; last }
	if ($p == 0) { sleep 2; exit 0 }
	$n++;
}
print "STARTED=$n\n";
1 while wait != -1;
EOF
chmod 0644 "$SCRATCH"/*.pl
# agent CONFIG-LINES... -- SHELL-SCRIPT
agent() {
	local lines=()
	while [ "$1" != "--" ]; do
		lines+=("$1")
		shift
	done
	printf '%s\n' "$2" >"$SCRATCH/s.sh"
	chmod 0644 "$SCRATCH/s.sh"
	conf "$C" "ExecStart=/bin/sh $SCRATCH/s.sh" "User=osapi" "CgroupParent=." "${lines[@]}"
	run_launch -c "$C"
}
get() { printf '%s\n' "$OUTPUT" | awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'; }

# --- MemoryMax= ------------------------------------------------------------------
agent -- "perl $SCRATCH/alloc.pl; echo RC=\$?"
is "$(get ALLOC):$(get RC)" survived:0 "control: osapi allocates 256 MiB"
agent "MemoryMax=64M" -- "cat /proc/self/cgroup | sed 's/^/CG=/'; perl $SCRATCH/alloc.pl; echo RC=\$?"
is "$RC" 0 "MemoryMax=64M: the agent (a shell) runs"
is "$(get RC)" 137 "its child allocating past MemoryMax= is OOM-killed (SIGKILL)"
if [ -n "$v2" ]; then
	like "$(cat "$(grp memory)/memory.events")" "oom_kill [1-9]" "... inside its group (memory.events oom_kill)"
	is "$(cat "$(grp memory)/memory.max")" 67108864 "memory.max is 64 MiB"
else
	like "$(cat "$(grp memory)/memory.oom_control")" "oom_kill [1-9]" "... inside its group (memory.oom_control oom_kill)"
	is "$(cat "$(grp memory)/memory.limit_in_bytes")" 67108864 "memory.limit_in_bytes is 64 MiB"
fi
if [ -n "$v2" ]; then pat='^CG=0::'; else pat='^CG=[0-9]+:memory:'; fi
cg=$(printf '%s\n' "$OUTPUT" | grep -E "$pat")
like "$cg" "memory:.*/agent-cg$|^CG=0::.*/agent-cg$" "the agent runs in its group (${cg#CG=})"
ok "$(kill -0 $$ && echo 0 || echo 1)" "the host (this test) is fine"
agent "MemoryMax=128M" -- "true"
if [ -n "$v2" ]; then f=memory.max; else f=memory.limit_in_bytes; fi
is "$(cat "$(grp memory)/$f")" 134217728 "the group is reused and its limit written again (128 MiB)"

# --- TasksMax= ------------------------------------------------------------------------
agent -- "perl $SCRATCH/fork.pl"
is "$(get STARTED)" 40 "control: osapi forks 40 children"
agent "TasksMax=10" -- "perl $SCRATCH/fork.pl"
ok "$([ "$(get STARTED)" -lt 10 ] && echo 0 || echo 1)" "TasksMax=10: the fork loop stops ($(get STARTED) children)"
is "$(get FORKERR)" "Resource temporarily unavailable" "... fork fails with EAGAIN"
like "$(cat "$(grp pids)/pids.events" 2>/dev/null)" "max [1-9]" "pids.events counts the refusals"
is "$(cat "$(grp pids)/pids.max")" 10 "pids.max is 10"

# --- CPUQuota= ---------------------------------------------------------------------------
spin="timeout 1 sh -c 'while :; do :; done'"
agent "CPUQuota=10%" -- "$spin"
if [ -n "$v2" ]; then
	is "$(cat "$(grp cpu)/cpu.max")" "10000 100000" "CPUQuota=10%: cpu.max 10000 100000"
else
	is "$(cat "$(grp cpu)/cpu.cfs_quota_us"):$(cat "$(grp cpu)/cpu.cfs_period_us")" 10000:100000 "CPUQuota=10%: cfs_quota_us 10000 of 100000"
fi
thr=$(awk '$1 == "nr_throttled" {print $2}' "$(grp cpu)/cpu.stat")
ok "$([ "${thr:-0}" -gt 0 ] && echo 0 || echo 1)" "a busy loop is throttled (cpu.stat nr_throttled $thr)"

# --- MemoryHigh= --------------------------------------------------------------------------
if [ -n "$v2" ]; then
	agent "MemoryHigh=64M" -- "true"
	is "$RC:$(cat "$(grp memory)/memory.high")" 0:67108864 "MemoryHigh=64M: memory.high"
else
	agent "MemoryHigh=64M" -- "echo RAN=1"
	is "$RC:$(get RAN)" 0:1 "MemoryHigh= on cgroup v1: skipped, as under systemd (no equivalent)"
	ok "$([ ! -e "$(grp memory)/memory.high" ] && echo 0 || echo 1)" "... nothing pretends to be memory.high"
fi
agent "MemoryMax=50%" -- "true"
want=$(($(awk '/^MemTotal/ {print $2}' /proc/meminfo) * 1024 / 10000 * 5000))
is "$(cat "$(grp memory)/$f")" "$(($want / 4096 * 4096))" "MemoryMax=50%: half the physical memory (page-rounded)"

# --- the default parent, and the step's failure path ---------------------------------------
conf "$C" "ExecStart=/bin/cat /proc/self/cgroup" "User=osapi" "TasksMax=50"
run_launch -c "$C"
like "$OUTPUT" "pids:/osapi-launch/agent-cg$|^0::/osapi-launch/agent-cg$" "no CgroupParent=: /osapi-launch/<config name>"
fault=${FAULT_BUILD_DIR:-$SRC_DIR/build-fault}
if [ -x "$fault/osapi-launch" ]; then
	ninja -C "$fault" >/dev/null
	conf "$C" "ExecStart=$P --marker $OUT/ran" "User=osapi" "CgroupParent=." "TasksMax=50"
	rm -f "$OUT/ran"
	ERR=$(OSAPI_LAUNCH_FAULT=cgroup "$fault/osapi-launch" -c "$C" 2>&1 >/dev/null)
	is "$?" 219 "a failed cgroup step exits 219 (systemd's EXIT_CGROUP)"
	like "$ERR" "^osapi-launch: cgroup: .*\(EIO\)" "... saying so"
	ok "$([ ! -e "$OUT/ran" ] && echo 0 || echo 1)" "... and the target never ran"
fi
done_testing
