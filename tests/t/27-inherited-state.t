#!/bin/bash
# The caller's process state does not reach the agent (issue #12, finding
# 7).  The launcher is started under chrt -f 50, nice -n -15, setarch -R,
# taskset -c 0 and ionice -c2 -n0, by a python3 step that first sets a timer
# slack, oom_score_adj, THP off, KSM merging, a NUMA policy, the child
# subreaper flag, an early machine-check kill policy and PR_SET_IO_FLUSHER;
# the agent (the probe, sleeping) is then looked at from outside through
# /proc/PID, ionice and taskset, and reports what only it can read.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd python3 "apt-get install python3"
for c in chrt nice setarch taskset ionice setpriv; do
	need_cmd "$c" "apt-get install util-linux"
done
setup_launch

C=$SCRATCH/launch.conf
conf "$C" "ExecStart=$P" "User=osapi" "LockPersonality=yes" "RestrictRealtime=yes"

cat >"$SCRATCH/setstate.py" <<'EOF'
# setstate.py OOM_SCORE_ADJ CMD...: set what survives exec, then exec CMD.
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
def must(r, what):
    if r != 0:
        sys.exit("setstate: %s: %s" % (what, os.strerror(ctypes.get_errno())))
must(libc.prctl(29, 1000000, 0, 0, 0), "PR_SET_TIMERSLACK 1ms")
must(libc.prctl(41, 1, 0, 0, 0), "PR_SET_THP_DISABLE")
must(libc.prctl(36, 1, 0, 0, 0), "PR_SET_CHILD_SUBREAPER")
must(libc.prctl(33, 1, 1, 0, 0), "PR_MCE_KILL early")
if libc.prctl(57, 1, 0, 0, 0) == 0:  # needs CAP_SYS_RESOURCE
    print("IO_FLUSHER=set", flush=True)
if libc.prctl(67, 1, 0, 0, 0) == 0:  # PR_SET_MEMORY_MERGE, Linux 6.4
    print("KSM=set", flush=True)
mask = ctypes.c_ulong(1)  # MPOL_PREFERRED on node 0
if libc.syscall(238, 1, ctypes.byref(mask), 64) == 0:
    print("NUMA=set", flush=True)
with open("/proc/self/oom_score_adj", "w") as f:
    f.write(sys.argv[1])
os.execvp(sys.argv[2], sys.argv[2:])
EOF

# start OOM CMD...: the launcher under CMD, in the background; sets PID
# (the launcher's, then the agent's: it execs in place) and STATE (the
# probe's report).
start() {
	local oom=$1 _
	shift
	STATE=$SCRATCH/state.$RANDOM
	python3 "$SCRATCH/setstate.py" "$oom" "$@" \
		"$OSAPI_LAUNCH" -c "$C" -- "$P" --state --sleep 60 >"$STATE" 2>&1 &
	PID=$!
	wait_ready "$STATE" "$PID"
	diag "$(tr '\n' ' ' <"$STATE")"
}
stop() {
	kill "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
}
stat_field() { sed 's/.*) //' "/proc/$PID/stat" | cut -d' ' -f$(($1 - 2)); }
state() { sed -n "s/^$1=//p" "$STATE" | head -n 1; }

# Root here may lack CAP_SYS_RESOURCE (a container, a VM sandbox): then
# nobody can lower oom_score_adj or set PR_SET_IO_FLUSHER, the launcher
# included, so a raised value is what the caller can hand on.
if [ $((0x$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status) >> 24 & 1)) -eq 1 ]; then
	oom=-500
	low=-500
else
	low=0
	oom=500
	diag "root lacks CAP_SYS_RESOURCE here: oom_score_adj is raised to 500 (kept) instead of lowered to -500 (reset)"
fi

# The widest affinity a process may have here: the kernel intersects a full
# mask with the cpuset.
widest=$(taskset -c "$(cat /sys/devices/system/cpu/online)" sh -c 'taskset -cp $$' | sed 's/.*: //')

# Controls: the wrapper chain does set what the launcher must reset.
python3 "$SCRATCH/setstate.py" "$oom" chrt -f 50 nice -n -15 setarch "$(uname -m)" -R taskset -c 0 \
	ionice -c2 -n0 sh -c 'cat /proc/self/personality; sed "s/.*) //" /proc/self/stat | cut -d" " -f17,38,39;
		ionice; taskset -cp $$; cat /proc/self/oom_score_adj; grep THP_enabled /proc/self/status' >"$SCRATCH/control" 2>&1
control=$(grep -v '=set' "$SCRATCH/control" | tr '\n' '|')
like "$control" "^00040000\|-15 50 1\|best-effort: prio 0\|.*: 0\|$oom\|THP_enabled:[[:space:]]+0\|" \
	"control: without the launcher the wrapper chain gives ADDR_NO_RANDOMIZE, nice -15, FIFO 50, best-effort 0, CPU 0, oom_score_adj $oom, no THP ($control)"
# A real-time task's slack reads 0: look at it under SCHED_OTHER.
is "$(python3 "$SCRATCH/setstate.py" 0 cat /proc/self/timerslack_ns | grep -v '=set')" 1000000 \
	"control: a 1 ms timer slack survives exec"

# The launcher as root with every capability.
start "$oom" chrt -f 50 nice -n -15 setarch "$(uname -m)" -R taskset -c 0 ionice -c2 -n0
is "$(state READY)" 1 "the agent runs and waits to be looked at"
is "$(cat "/proc/$PID/personality" 2>/dev/null)" 00000000 "personality: PER_LINUX, no ADDR_NO_RANDOMIZE"
is "$(stat_field 41)" 0 "scheduling policy: SCHED_OTHER"
is "$(stat_field 40)" 0 "real-time priority: 0"
is "$(stat_field 19)" 0 "nice: 0"
is "$(state SCHED_POLICY)" 0 "sched_getscheduler: SCHED_OTHER without SCHED_RESET_ON_FORK"
is "$(ionice -p "$PID" 2>&1)" "none: prio 0" "I/O priority: none (the default)"
is "$(taskset -cp "$PID" 2>&1 | sed 's/.*: //')" "$widest" "CPU affinity: every CPU allowed here ($widest)"
is "$(cat "/proc/$PID/timerslack_ns" 2>/dev/null)" 50000 "timer slack: 50000 ns"
if [ "$oom" -lt 0 ]; then
	is "$(cat "/proc/$PID/oom_score_adj" 2>/dev/null)" 0 "oom_score_adj: a lowered value is reset to 0"
else
	is "$(cat "/proc/$PID/oom_score_adj" 2>/dev/null)" "$oom" "oom_score_adj: without CAP_SYS_RESOURCE a raised value stays"
fi
like "$(grep THP_enabled "/proc/$PID/status" 2>/dev/null)" "THP_enabled:[[:space:]]+1" "transparent huge pages allowed"
if grep -q '^KSM=set' "$STATE"; then
	like "$(cat "/proc/$PID/ksm_stat" 2>/dev/null)" "ksm_merge_any: no" "KSM merging off"
	is "$(state MEMORY_MERGE)" 0 "PR_GET_MEMORY_MERGE: 0"
else
	ok 0 "# SKIP KSM: PR_SET_MEMORY_MERGE not on this kernel"
	ok 0 "# SKIP KSM: PR_SET_MEMORY_MERGE not on this kernel"
fi
if grep -q '^NUMA=set' "$STATE"; then
	is "$(awk '{print $2}' "/proc/$PID/numa_maps" 2>/dev/null | sort -u)" default "NUMA policy: default on every mapping"
	is "$(state MEMPOLICY)" 0 "get_mempolicy: MPOL_DEFAULT"
else
	ok 0 "# SKIP NUMA: no set_mempolicy(2) here"
	ok 0 "# SKIP NUMA: no set_mempolicy(2) here"
fi
if grep -q '^IO_FLUSHER=set' "$STATE"; then
	like "$(sed 's/.*) //' "/proc/$PID/stat" | cut -d' ' -f7)" '^[0-9]+$' "flags readable"
	ok $(($(sed 's/.*) //' "/proc/$PID/stat" | cut -d' ' -f7) >> 19 & 1)) "PF_MEMALLOC_NOIO (PR_SET_IO_FLUSHER) cleared"
else
	ok 0 "# SKIP PR_SET_IO_FLUSHER: needs CAP_SYS_RESOURCE, which root lacks here"
	ok 0 "# SKIP PR_SET_IO_FLUSHER: needs CAP_SYS_RESOURCE, which root lacks here"
fi
is "$(state SUBREAPER)" 0 "not a child subreaper"
is "$(state MCE_KILL)" 2 "machine-check kill policy: the system default"
is "$(state THP_DISABLE)" 0 "PR_GET_THP_DISABLE: 0"
stop

# A container without CAP_SYS_NICE and CAP_SYS_RESOURCE: what cannot be
# undone without them and only makes the agent less favoured stays
# (a raised nice value, a raised oom_score_adj); the rest is reset.
caps=-sys_nice,-sys_resource
drop=(setpriv "--bounding-set=$caps" "--inh-caps=$caps")
start 500 chrt -f 50 nice -n 10 "${drop[@]}"
is "$(state READY)" 1 "without CAP_SYS_NICE/CAP_SYS_RESOURCE: the agent runs"
is "$(stat_field 41)" 0 "without CAP_SYS_NICE: SCHED_FIFO is still left for SCHED_OTHER (that needs no capability)"
is "$(stat_field 19)" 10 "without CAP_SYS_NICE: a raised nice value stays (it cannot be lowered)"
is "$(cat "/proc/$PID/oom_score_adj" 2>/dev/null)" 500 "without CAP_SYS_RESOURCE: a raised oom_score_adj stays"
stop
start "$low" nice -n -5 "${drop[@]}"
is "$(stat_field 19)" 0 "without CAP_SYS_NICE: a lowered nice value is raised to 0"
if [ "$low" -lt 0 ]; then
	is "$(cat "/proc/$PID/oom_score_adj" 2>/dev/null)" 0 "without CAP_SYS_RESOURCE: a lowered oom_score_adj is raised to 0"
else
	ok 0 "# SKIP lowering oom_score_adj needs CAP_SYS_RESOURCE, which root lacks here"
fi
stop

# LockPersonality= locks what the agent runs with (PER_LINUX after the
# reset), not the caller's personality: under "setarch -R" the filter used
# to allow ADDR_NO_RANDOMIZE and refuse PER_LINUX.
conf "$SCRATCH/lock.conf" "ExecStart=$P" "User=osapi" "NoNewPrivileges=yes" "LockPersonality=yes"
OUTPUT=$(setarch x86_64 -R "$OSAPI_LAUNCH" -c "$SCRATCH/lock.conf" -- "$P" --try personality-linux32 --try personality-linux 2>/dev/null)
is "$(field TRY_personality-linux):$(field TRY_personality-linux32)" "ok:EPERM" \
	"LockPersonality= under setarch -R: PER_LINUX stays allowed, PER_LINUX32 is refused"

done_testing
