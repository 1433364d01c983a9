/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_CGROUP_H
#define OSAPI_LAUNCH_CGROUP_H

#include <stdio.h>

#include "config.h"

/*
 * MemoryMax=, MemoryHigh=, CPUQuota=, TasksMax= through cgroups
 * (src/cgroup.c).  The plan resolves the hierarchy (v2, or the v1
 * controllers), the group's path and each value into a list of mkdir and
 * write actions; the apply step runs the list and moves the launcher into
 * the group, so the agent and all it starts stay there.
 */
struct cgroup_action {
	bool mkdir; /* else write value to path */
	char *path;
	char *value;
	bool optional; /* "-": a failure is skipped */
};

struct cgroup_plan {
	int version; /* 0: no resource directive; 1 or 2 */
	struct cgroup_action *v;
	size_t n;
	char **groups; /* the agent's group, per hierarchy (--check) */
	size_t ngroups;
	char **notes;
	size_t nnotes;
};

bool cgroup_plan_build(struct cgroup_plan *g, const struct config *c,
		       struct diag *dg, enum step *step);
void cgroup_plan_free(struct cgroup_plan *g);
void cgroup_print(FILE *out, const struct cgroup_plan *g);
void cgroup_print_json(FILE *out, const struct cgroup_plan *g);

#endif
