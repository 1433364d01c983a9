#!/bin/bash
# Nice=, CPUSchedulingPolicy=/Priority=/ResetOnFork=, IOSchedulingClass=/
# Priority=, OOMScoreAdjust=, CPUAffinity=, Personality=, TimerSlackNSec=:
# the agent (the probe, sleeping) gets the configured value instead of the
# default the launcher otherwise resets to (27-inherited-state.t), checked
# from outside through /proc/PID/stat, ionice, taskset, /proc/PID/personality,
# /proc/PID/timerslack_ns and /proc/PID/oom_score_adj.  A real-time policy
# with RestrictRealtime=: set before the filter, as systemd does.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
for c in ionice taskset chrt; do
	need_cmd "$c" "apt-get install util-linux"
done
setup_launch

# run_bg LINE...: launch the sleeping probe with these directives; sets PID.
run_bg() {
	C=$SCRATCH/launch.$RANDOM.conf
	conf "$C" "ExecStart=$P --sleep 30" "User=osapi" "$@"
	LOG=$SCRATCH/log.$RANDOM
	"$OSAPI_LAUNCH" -c "$C" >"$LOG" 2>&1 &
	PID=$!
	wait_ready "$LOG" "$PID" || diag "$(cat "$LOG")"
}
stop() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
# statf N: field N of /proc/PID/stat (counted after the command name).
statf() { sed 's/.*) //' "/proc/$PID/stat" | awk -v n="$1" '{print $(n-2)}'; }

run_bg "Nice=7" "CPUSchedulingPolicy=batch" "IOSchedulingClass=idle" \
	"OOMScoreAdjust=321" "TimerSlackNSec=3ms" "CPUAffinity=0" "Personality=x86"
is "$(statf 19)" 7 "Nice=7: /proc/PID/stat reads nice 7"
is "$(statf 41)" 3 "CPUSchedulingPolicy=batch: policy 3 (SCHED_BATCH)"
like "$(ionice -p "$PID")" "^idle" "IOSchedulingClass=idle: ionice -p reads idle"
is "$(cat "/proc/$PID/oom_score_adj")" 321 "OOMScoreAdjust=321: /proc/PID/oom_score_adj"
is "$(cat "/proc/$PID/timerslack_ns")" 3000000 "TimerSlackNSec=3ms: /proc/PID/timerslack_ns"
like "$(taskset -p "$PID")" "affinity mask: 1$" "CPUAffinity=0: taskset -p reads mask 1"
is "$(cat "/proc/$PID/personality")" 00000008 "Personality=x86: PER_LINUX32 in /proc/PID/personality"
stop

run_bg "IOSchedulingClass=best-effort" "IOSchedulingPriority=6" "Nice=-5"
like "$(ionice -p "$PID")" "^best-effort: prio 6" "IOSchedulingClass=best-effort + IOSchedulingPriority=6"
is "$(statf 19)" -5 "Nice=-5: a lower nice than the default"
stop

# A negative OOMScoreAdjust= needs CAP_SYS_RESOURCE (absent in some
# containers): applied with it, refused by the plan (and --check) without.
C=$SCRATCH/oom.conf
conf "$C" "ExecStart=$P" "User=osapi" "OOMScoreAdjust=-500"
if [ $((0x$(awk '/^CapEff/ {print $2}' /proc/self/status) >> 24 & 1)) -eq 1 ]; then
	run_bg "OOMScoreAdjust=-500"
	is "$(cat "/proc/$PID/oom_score_adj")" -500 "OOMScoreAdjust=-500 (with CAP_SYS_RESOURCE)"
	stop
else
	OUTPUT=$("$OSAPI_LAUNCH" -c "$C" 2>&1)
	is "$?" 206 "OOMScoreAdjust=-500 without CAP_SYS_RESOURCE: refused with systemd's 206"
	like "$OUTPUT" "needs CAP_SYS_RESOURCE" "...saying why"
	"$OSAPI_LAUNCH" --check -c "$C" >/dev/null 2>&1
	is "$?" 78 "...and --check refuses it too"
fi

run_bg "IOSchedulingPriority=2"
like "$(ionice -p "$PID")" "^best-effort: prio 2" "IOSchedulingPriority= alone: best-effort, as systemd"
stop

# Real time, with RestrictRealtime= in force for the agent itself.
run_bg "CPUSchedulingPolicy=fifo" "CPUSchedulingPriority=10" "CPUSchedulingResetOnFork=yes" \
	"RestrictRealtime=yes"
is "$(statf 41)" 1 "CPUSchedulingPolicy=fifo: policy 1 (SCHED_FIFO) despite RestrictRealtime="
is "$(statf 40)" 10 "CPUSchedulingPriority=10: rt_priority 10"
like "$(chrt -p "$PID")" "SCHED_FIFO\|SCHED_RESET_ON_FORK" "CPUSchedulingResetOnFork=yes: chrt shows SCHED_RESET_ON_FORK"
stop
C=$SCRATCH/rt.conf
conf "$C" "ExecStart=$P --exec /usr/bin/chrt -f 5 /bin/true" "User=osapi" "RestrictRealtime=yes" \
	"CPUSchedulingPolicy=fifo" "CPUSchedulingPriority=10" "AmbientCapabilities=CAP_SYS_NICE"
OUTPUT=$("$OSAPI_LAUNCH" -c "$C" 2>&1)
like "$OUTPUT" "chrt: failed to set pid" "RestrictRealtime=: the agent cannot ask for SCHED_FIFO again"

# Bad values: refused at their line, nothing runs, --check agrees.
bad() {
	local want=$1
	shift
	C=$SCRATCH/bad.conf
	conf "$C" "ExecStart=$P --marker $OUT/ran" "User=osapi" "$@"
	rm -f "$OUT/ran"
	OUTPUT=$("$OSAPI_LAUNCH" -c "$C" 2>&1)
	RC=$?
	is "$RC" 78 "$* refused (exit 78)"
	like "$OUTPUT" "$want" "$*: the message says why"
	ok "$([ ! -e "$OUT/ran" ] && echo 0 || echo 1)" "$*: nothing ran"
	"$OSAPI_LAUNCH" --check -c "$C" >/dev/null 2>&1
	is "$?" 78 "$*: --check refuses it too"
}
bad "bad.conf:4: Nice=" "Nice=20"
bad "not other, batch" "CPUSchedulingPolicy=deadline"
bad "fifo and rr need a priority" "CPUSchedulingPolicy=fifo"
bad "only fifo and rr take" "CPUSchedulingPriority=5"
bad "IOSchedulingClass=" "IOSchedulingClass=fast"
bad "IOSchedulingPriority=" "IOSchedulingPriority=8"
bad "OOMScoreAdjust=" "OOMScoreAdjust=1001"
bad "none of the CPUs" "CPUAffinity=8000"
bad "NUMAPolicy" "CPUAffinity=numa"
bad "not an architecture" "Personality=mips"
bad "not a time span" "TimerSlackNSec=5 parsecs"

# Empty assignments reset, as in systemd: the default comes back.
run_bg "Nice=9" "Nice=" "OOMScoreAdjust=100" "OOMScoreAdjust="
is "$(statf 19)" 0 "Nice= (empty) resets to the default 0"
is "$(cat "/proc/$PID/oom_score_adj")" 0 "OOMScoreAdjust= (empty) resets to 0"
stop

done_testing
