/* SPDX-License-Identifier: MIT */
/*
 * Scheduling, CPU and I/O: policy and real-time priority, nice, CPU
 * affinity, I/O priority and timer slack all survive fork and exec (sched(7),
 * ioprio_set(2), PR_SET_TIMERSLACK), so "chrt -f 50 nice -n -15 taskset -c 0
 * osapi-launch" would hand the agent SCHED_FIFO despite RestrictRealtime=,
 * a priority above every service's, and one CPU.  Under systemd a service
 * starts from PID 1's state: each is reset to the kernel's default unless a
 * directive sets it (Nice=, CPUSchedulingPolicy=, CPUSchedulingPriority=,
 * CPUSchedulingResetOnFork=, CPUAffinity=, IOSchedulingClass=,
 * IOSchedulingPriority=, TimerSlackNSec=), as systemd sets them.  One file:
 * they are all the scheduler's view of the process, and the order among them
 * matters (below).
 *
 * A real-time CPUSchedulingPolicy= and RestrictRealtime=: systemd applies
 * the policy in the exec child before the seccomp filter exists, so the
 * agent runs SCHED_FIFO while neither it nor its children can ask for a
 * real-time policy again.  Here too: this step runs long before
 * seccomp_apply().
 *
 * What may stay: without CAP_SYS_NICE (a container) the kernel refuses to
 * lower a nice value, leave SCHED_IDLE or clear SCHED_RESET_ON_FORK.  Those
 * only make the agent less favoured than the default, so the plan keeps
 * them there rather than refuse every launch in such a container.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

/* The kernel's nr_cpu_ids: one more than the highest possible CPU, from
 * "0-3" or "0,2-5" in /sys/devices/system/cpu/possible. */
static int possible_cpus(void)
{
	char buf[256], *last;
	ssize_t n;
	int fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	long max;

	if (fd < 0)
		return get_nprocs_conf();
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return get_nprocs_conf();
	buf[n] = '\0';
	last = buf + strcspn(buf, "\n");
	while (last > buf && last[-1] != '-' && last[-1] != ',')
		last--;
	max = strtol(last, NULL, 10);
	return max >= 0 && max < 65536 ? (int)max + 1 : get_nprocs_conf();
}

void sched_plan(struct plan *p, struct diag *dg, enum step *step)
{
	int cur = (int)syscall(SYS_sched_getscheduler, 0);
	int rof = cur >= 0 ? cur & SCHED_RESET_ON_FORK : 0;
	bool cap = plan_has_cap(CAP_SYS_NICE);
	int ncpu = possible_cpus();
	int nice;

	const struct config *c = p->cfg;

	p->sched_policy = SCHED_OTHER;
	p->timer_slack = TIMER_SLACK_DEFAULT_NS;
	p->ioprio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0);
	if (c->sched_policy_set || c->sched_priority_set ||
	    c->sched_reset_on_fork_set) {
		bool rt = c->sched_policy == SCHED_FIFO ||
			  c->sched_policy == SCHED_RR;
		/* sched_setscheduler(2) takes 1-99 for fifo and rr, 0 for
		 * the others: the launch would fail, so the plan does. */
		if (rt != (c->sched_priority > 0)) {
			diag_add(dg,
				 c->at[D_CPU_SCHEDULING_PRIORITY].line
					 ? c->at[D_CPU_SCHEDULING_PRIORITY]
					 : c->at[D_CPU_SCHEDULING_POLICY],
				 "CPUSchedulingPriority=%d: %s",
				 c->sched_priority,
				 rt ? "fifo and rr need a priority from 1 to 99"
				    : "only fifo and rr take a priority above "
				      "0");
			if (*step == STEP__ALL)
				*step = STEP_CONFIG;
		}
		p->sched_policy =
			c->sched_policy |
			(c->sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0);
		p->sched_priority = c->sched_priority;
	} else if (!cap && cur >= 0) {
		if ((cur & ~SCHED_RESET_ON_FORK) == SCHED_IDLE)
			p->sched_policy = SCHED_IDLE;
		p->sched_policy |= rof;
	}
	errno = 0;
	nice = getpriority(PRIO_PROCESS, 0);
	p->nice = !cap && errno == 0 && nice > 0 ? nice : 0;
	if (c->nice_set)
		p->nice = c->nice;
	if (c->ioprio_class_set || c->ioprio_prio_set) {
		/* systemd: best-effort when only the priority is given, 4 when
		 * only the class; "none" is best-effort 4; idle has no
		 * levels. */
		int cls =
			c->ioprio_class_set ? c->ioprio_class : IOPRIO_CLASS_BE;
		int data = c->ioprio_prio_set ? c->ioprio_prio : 4;
		if (cls == IOPRIO_CLASS_NONE)
			cls = IOPRIO_CLASS_BE, data = 4;
		if (cls == IOPRIO_CLASS_IDLE)
			data = 0;
		p->ioprio = IOPRIO_PRIO_VALUE(cls, data);
	}
	if (c->timer_slack_set)
		/* 0 asks the kernel for the task's default slack, which under
		 * systemd is PID 1's: the same 50 us. */
		p->timer_slack = c->timer_slack_ns ? c->timer_slack_ns
						   : TIMER_SLACK_DEFAULT_NS;

	if (ncpu < 1) {
		diag_add(dg, (struct origin){0},
			 "cannot count the possible CPUs");
		if (*step == STEP__ALL)
			*step = STEP_CPU_AFFINITY;
		return;
	}
	/* Every possible CPU, or CPUAffinity='s: the kernel intersects it
	 * with the cpuset. */
	{
		int size = ncpu, usable = 0;
		for (size_t i = 0; i < c->n_cpu_affinity; i++)
			if ((int)c->cpu_affinity[i] >= size)
				size = (int)c->cpu_affinity[i] + 1;
		p->cpus_size = CPU_ALLOC_SIZE(size);
		p->cpus = CPU_ALLOC(size);
		p->cpus_read = CPU_ALLOC(size);
		if (!p->cpus || !p->cpus_read)
			abort();
		CPU_ZERO_S(p->cpus_size, p->cpus);
		if (!c->cpu_affinity_set) {
			for (int cpu = 0; cpu < ncpu; cpu++)
				CPU_SET_S(cpu, p->cpus_size, p->cpus);
			return;
		}
		p->cpus_configured = true;
		for (size_t i = 0; i < c->n_cpu_affinity; i++) {
			CPU_SET_S(c->cpu_affinity[i], p->cpus_size, p->cpus);
			usable += (int)c->cpu_affinity[i] < ncpu;
		}
		/* sched_setaffinity(2) fails when no CPU listed exists. */
		if (!usable) {
			diag_add(dg, c->at[D_CPU_AFFINITY],
				 "CPUAffinity=: none of the CPUs listed exists "
				 "here (%d possible)",
				 ncpu);
			if (*step == STEP__ALL)
				*step = STEP_CONFIG;
		}
	}
}
