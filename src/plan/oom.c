/* SPDX-License-Identifier: MIT */
/*
 * oom_score_adj survives fork and exec (proc(5)): a caller at -1000 would
 * make the agent the one process the OOM killer never picks: the agent gets
 * OOMScoreAdjust= when configured, else 0, as a service of a system manager
 * that sets none.
 *
 * Lowering the value below the floor a privileged writer left needs
 * CAP_SYS_RESOURCE, which is why the write happens while root.  In a
 * container without that capability, a raised value (Kubernetes gives most
 * pods a positive one) cannot be lowered; it only makes the agent the OOM
 * killer's earlier choice, so the plan keeps it rather than refuse every
 * launch there.  A lowered value can always be raised, and always is.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

void oom_plan(struct plan *p, struct diag *dg, enum step *step)
{
	char buf[16];
	ssize_t n;
	long cur;

	p->oom_fd = open("/proc/self/oom_score_adj", O_RDWR | O_CLOEXEC);
	n = p->oom_fd < 0 ? -1 : pread(p->oom_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0) {
		diag_add(dg, (struct origin){0},
			 "cannot read /proc/self/oom_score_adj (%s): is /proc "
			 "mounted?",
			 errno_name(n < 0 ? errno : EIO));
		if (*step == STEP__ALL)
			*step = STEP_OOM;
		return;
	}
	buf[n] = '\0';
	cur = strtol(buf, NULL, 10);
	p->oom_score_adj =
		cur > 0 && !plan_has_cap(CAP_SYS_RESOURCE) ? (int)cur : 0;
	if (p->cfg->oom_score_adjust_set) {
		p->oom_score_adj = p->cfg->oom_score_adjust;
		/* Below the floor a privileged writer left (which cannot be
		 * read) the kernel wants CAP_SYS_RESOURCE: refused now, where
		 * the launch could fail, rather than at the write. */
		if (p->oom_score_adj < cur && !plan_has_cap(CAP_SYS_RESOURCE)) {
			diag_add(dg, p->cfg->at[D_OOM_SCORE_ADJUST],
				 "OOMScoreAdjust=%d: lowering oom_score_adj "
				 "below the launcher's own (%ld) needs "
				 "CAP_SYS_RESOURCE, which it lacks",
				 p->oom_score_adj, cur);
			if (*step == STEP__ALL)
				*step = STEP_OOM;
		}
	}
}
