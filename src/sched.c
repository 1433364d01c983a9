/* SPDX-License-Identifier: MIT */
/*
 * Scheduling, CPU and I/O: policy and real-time priority, nice, CPU
 * affinity, I/O priority and timer slack all survive fork and exec (sched(7),
 * ioprio_set(2), PR_SET_TIMERSLACK), so "chrt -f 50 nice -n -15 taskset -c 0
 * osapi-launch" would hand the agent SCHED_FIFO despite RestrictRealtime=,
 * a priority above every service's, and one CPU.  Under systemd a service
 * starts from PID 1's state; no directive sets these here, so each is reset
 * to the kernel's default.  One file: they are all the scheduler's view of
 * the process, and the order among them matters (below).
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
	int cur = sched_getscheduler(0);
	int rof = cur >= 0 ? cur & SCHED_RESET_ON_FORK : 0;
	bool cap = plan_has_cap(CAP_SYS_NICE);
	int ncpu = possible_cpus();
	int nice;

	p->sched_policy = SCHED_OTHER;
	if (!cap && cur >= 0) {
		if ((cur & ~SCHED_RESET_ON_FORK) == SCHED_IDLE)
			p->sched_policy = SCHED_IDLE;
		p->sched_policy |= rof;
	}
	errno = 0;
	nice = getpriority(PRIO_PROCESS, 0);
	p->nice = !cap && errno == 0 && nice > 0 ? nice : 0;

	if (ncpu < 1) {
		diag_add(dg, (struct origin){0},
			 "cannot count the possible CPUs");
		if (*step == STEP__ALL)
			*step = STEP_CPU_AFFINITY;
		return;
	}
	/* Every possible CPU: the kernel intersects it with the cpuset. */
	p->cpus_size = CPU_ALLOC_SIZE(ncpu);
	p->cpus = CPU_ALLOC(ncpu);
	p->cpus_read = CPU_ALLOC(ncpu);
	if (!p->cpus || !p->cpus_read)
		abort();
	CPU_ZERO_S(p->cpus_size, p->cpus);
	for (int c = 0; c < ncpu; c++)
		CPU_SET_S(c, p->cpus_size, p->cpus);
}

void sched_apply(const struct plan *p)
{
	struct sched_param none = {.sched_priority = 0};

	/* The policy first: leaving a real-time class changes the timer
	 * slack on recent kernels, and the nice value is SCHED_OTHER's. */
	if (INJECT(STEP_SCHED) ||
	    sched_setscheduler(0, p->sched_policy, &none) < 0)
		die(STEP_SCHED, errno,
		    "sched_setscheduler(SCHED_OTHER, 0) failed");
	if (INJECT(STEP_NICE) || setpriority(PRIO_PROCESS, 0, p->nice) < 0)
		die(STEP_NICE, errno, "setpriority(%d) failed", p->nice);
	/* After cgroup_apply(): joining a cpuset rewrites the affinity. */
	if (INJECT(STEP_CPU_AFFINITY) ||
	    sched_setaffinity(0, p->cpus_size, p->cpus) < 0)
		die(STEP_CPU_AFFINITY, errno,
		    "sched_setaffinity(every CPU) failed");
	/* No glibc wrapper.  IOPRIO_CLASS_NONE: the I/O scheduler derives
	 * the priority from the CPU nice value, as for every new task. */
	if (INJECT(STEP_IOPRIO) ||
	    syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		    IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0)) < 0)
		die(STEP_IOPRIO, errno, "ioprio_set(IOPRIO_CLASS_NONE) failed");
	/* Not PR_SET_TIMERSLACK 0: that restores the task's "default",
	 * which fork copied from the parent's current slack. */
	if (INJECT(STEP_TIMER_SLACK) ||
	    prctl(PR_SET_TIMERSLACK, TIMER_SLACK_DEFAULT_NS, 0, 0, 0) < 0)
		die(STEP_TIMER_SLACK, errno, "PR_SET_TIMERSLACK(%lu) failed",
		    TIMER_SLACK_DEFAULT_NS);
}
