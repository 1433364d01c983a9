/* SPDX-License-Identifier: MIT */
/*
 * Scheduling, CPU and I/O, back to what the plan decided
 * (src/plan/sched.c says why each is reset, and to what).
 */
#include <errno.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

void sched_apply(const struct plan *p)
{
	struct sched_param prio = {.sched_priority = p->sched_priority};

	/* The policy first: leaving a real-time class changes the timer
	 * slack on recent kernels, and the nice value is SCHED_OTHER's. */
	/* The system call, not musl's sched_setscheduler(), which is a stub
	 * answering ENOSYS (its authors read POSIX's per-process policy as
	 * unimplementable on Linux's per-thread one). */
	if (INJECT(STEP_SCHED) ||
	    syscall(SYS_sched_setscheduler, 0, p->sched_policy, &prio) < 0)
		die(STEP_SCHED, errno, "sched_setscheduler(%d, %d) failed",
		    p->sched_policy, p->sched_priority);
	if (INJECT(STEP_NICE) || setpriority(PRIO_PROCESS, 0, p->nice) < 0)
		die(STEP_NICE, errno, "setpriority(%d) failed", p->nice);
	/* After cgroup_apply(): joining a cpuset rewrites the affinity. */
	if (INJECT(STEP_CPU_AFFINITY) ||
	    sched_setaffinity(0, p->cpus_size, p->cpus) < 0)
		die(STEP_CPU_AFFINITY, errno, "sched_setaffinity(%s) failed",
		    p->cpus_configured ? "CPUAffinity=" : "every CPU");
	/* No glibc wrapper.  IOPRIO_CLASS_NONE unless configured: the I/O
	 * scheduler derives the priority from the CPU nice value, as for
	 * every new task. */
	if (INJECT(STEP_IOPRIO) ||
	    syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, p->ioprio) < 0)
		die(STEP_IOPRIO, errno, "ioprio_set(%#x) failed",
		    (unsigned)p->ioprio);
	/* Not PR_SET_TIMERSLACK 0: that restores the task's "default",
	 * which fork copied from the parent's current slack. */
	if (INJECT(STEP_TIMER_SLACK) ||
	    prctl(PR_SET_TIMERSLACK, p->timer_slack, 0, 0, 0) < 0)
		die(STEP_TIMER_SLACK, errno, "PR_SET_TIMERSLACK(%lu) failed",
		    p->timer_slack);
}
