/* SPDX-License-Identifier: MIT */
/* LimitCPU= and the other Limit*= directives: the resources the launch sets
 * (src/apply/rlimits.c), in the table's order, with their names. */
#include <sys/resource.h>

#include "plan.h"

void rlimits_plan(struct plan *p, const struct config *c, struct diag *dg,
		  enum step *step)
{
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		if (!c->limits[r].at.line)
			continue;
		p->limit_resource[p->nlimits] = r;
		p->limit_value[p->nlimits] = c->limits[r].value;
		p->limit_name[p->nlimits] = rlimit_directive_name(r);
		p->nlimits++;
	}
	/* The limits apply to the launcher from rlimits_apply() on: a CPU
	 * time of 0 kills it (SIGXCPU, then SIGKILL) before it can exec. */
	if (c->limits[RLIMIT_CPU].at.line &&
	    c->limits[RLIMIT_CPU].value.rlim_cur == 0) {
		diag_add(dg, c->limits[RLIMIT_CPU].at,
			 "LimitCPU=0 allows no CPU time at all: the kernel "
			 "would kill the launch before the agent starts");
		plan_fail(step, STEP_CONFIG);
	}
}
