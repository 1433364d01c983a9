/* SPDX-License-Identifier: MIT */
/*
 * MemoryMax=, MemoryHigh=, CPUQuota=, TasksMax=, and DevicePolicy= on
 * cgroup v1: the mkdir and write actions the plan listed
 * (src/plan/cgroup.c), the last of which moves the launcher into the
 * agent's group, so the agent and its children are born there.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

/* Runs the plan's list as root, before anything is dropped.  A "-" action
 * that fails is skipped: best effort was decided in the config. */
void cgroup_apply(const struct plan *p)
{
	const struct cgroup_plan *g = &p->cgroup;

	for (size_t i = 0; i < g->n; i++) {
		const struct cgroup_action *a = &g->v[i];
		int fd;
		size_t len;

		if (INJECT(STEP_CGROUP)) {
			if (!a->optional)
				die(STEP_CGROUP, errno, "%s: injected",
				    a->path);
			continue;
		}
		if (a->mkdir) {
			if (mkdir(a->path, 0755) < 0 && errno != EEXIST &&
			    !a->optional)
				die(STEP_CGROUP, errno, "mkdir %s failed",
				    a->path);
			continue;
		}
		len = strlen(a->value);
		fd = open(a->path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, a->value, len) != (ssize_t)len) {
			int err = errno;
			if (fd >= 0)
				close(fd);
			if (a->optional)
				continue;
			die(STEP_CGROUP, err, "writing \"%s\" to %s failed",
			    a->value, a->path);
		}
		close(fd);
	}
}
