/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/resource.h>

#include "steps.h"

/* Set while still root, so hard limits may be raised as well as lowered. */
void rlimits_apply(const struct plan *p)
{
	for (int i = 0; i < p->nlimits; i++) {
		if (INJECT(STEP_RLIMITS) ||
		    setrlimit(p->limit_resource[i], &p->limit_value[i]) < 0)
			die(STEP_RLIMITS, errno, "setrlimit(%s) failed",
			    p->limit_name[i]);
	}
}
