/* SPDX-License-Identifier: MIT */
/* oom_score_adj, written while root: src/plan/oom.c says why and to what. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

void oom_apply(const struct plan *p)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d\n", p->oom_score_adj);

	if (INJECT(STEP_OOM) || pwrite(p->oom_fd, buf, (size_t)n, 0) != n)
		die(STEP_OOM, errno,
		    "writing %d to /proc/self/oom_score_adj failed",
		    p->oom_score_adj);
}
