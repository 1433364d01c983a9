/* SPDX-License-Identifier: MIT */
/*
 * DevicePolicy= and DeviceAllow= on cgroup v2: the device program the plan
 * loaded (src/plan/devices.c) on the agent's group.  On cgroup v1 the
 * devices controller's rules are writes of cgroup_apply().
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cgroup_prog.h"
#include "plan.h"
#include "steps.h"

/*
 * cgroup v2: the agent's group loses the device programs a launch before
 * left on it (groups are reused), then gets the plan's, with
 * BPF_F_ALLOW_MULTI so that a program the host put on an ancestor still
 * runs too: the kernel allows a device only when every program does.
 * Right after cgroup_apply(): the launcher is in the group already, but
 * nothing it opens from here on is a device the policy would refuse it,
 * and the agent is exec'd long after.
 */
void devices_apply(const struct plan *p)
{
	const struct cgroup_plan *g = &p->cgroup;
	const struct cgroup_bpf_slot slot = {
		.step = STEP_DEVICES,
		.type = BPF_CGROUP_DEVICE,
		.group = g->dev_group,
		.directive = "DevicePolicy=",
		.what = "device program",
		.noun = "device program",
	};
	int cg;

	if (!g->devices && !g->dev_group)
		return;
	if (INJECT(STEP_DEVICES))
		die(STEP_DEVICES, errno, "device policy: injected");
	if (!g->dev_group)
		return; /* v1: cgroup_apply() wrote the controller's rules */
	cg = open(g->dev_group, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		die(STEP_DEVICES, errno, "cannot open %s", g->dev_group);
	cgroup_prog_replace(cg, &slot, g->dev_bpf ? g->dev_prog_fd : -1, NULL);
	close(cg);
}
