/* SPDX-License-Identifier: MIT */
/*
 * What the read-back before exec (src/apply/verify.c) reads, opened now,
 * while /proc is the host's and the launcher root: the process's status
 * and stat, and the AppArmor exec label's attribute.
 */
#include <errno.h>
#include <fcntl.h>

#include "plan.h"

void verify_plan(struct plan *p, struct diag *dg, enum step *step)
{
	p->status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (p->status_fd < 0) {
		diag_add(dg, (struct origin){0},
			 "cannot open /proc/self/status "
			 "(%s): is /proc mounted?",
			 errno_name(errno));
		plan_fail(step, STEP_VERIFY);
	}
	p->stat_fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (p->stat_fd < 0) {
		diag_add(dg, (struct origin){0},
			 "cannot open /proc/self/stat (%s): is /proc mounted?",
			 errno_name(errno));
		plan_fail(step, STEP_VERIFY);
	}
	if (p->apparmor_profile) {
		p->apparmor_exec_fd =
			open("/proc/thread-self/attr/apparmor/exec",
			     O_RDONLY | O_CLOEXEC);
		if (p->apparmor_exec_fd < 0)
			p->apparmor_exec_fd =
				open("/proc/thread-self/attr/exec",
				     O_RDONLY | O_CLOEXEC);
	}
}
