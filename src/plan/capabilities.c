/* SPDX-License-Identifier: MIT */
/*
 * CapabilityBoundingSet=, AmbientCapabilities=, SecureBits=: the sets and
 * bits the launch will set (src/apply/capabilities.c,
 * src/apply/securebits.c), settled against what the launcher itself holds.
 */
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"

void capabilities_plan(struct plan *p, const struct config *c, struct diag *dg,
		       enum step *step)
{
	uint64_t all, inherited = 0;

	p->last_cap = capability_last();
	all = p->last_cap >= 63 ? UINT64_MAX : (1ULL << (p->last_cap + 1)) - 1;

	/*
	 * A capability missing from the launcher's own bounding set (a
	 * container started without it) can never be granted.  As under
	 * systemd, the bounding set is cut to what the config lists and what
	 * is left; unset, it is left as inherited.  Recording what that is
	 * gives the read-back check something exact to compare.
	 */
	for (int cap = 0; cap <= p->last_cap; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			inherited |= 1ULL << cap;
	p->set_bounding = c->bounding.set;
	p->bounding =
		c->bounding.set ? c->bounding.mask & inherited : inherited;
	p->ambient = c->ambient.set ? c->ambient.mask & all : 0;
	for (int cap = 0; cap <= p->last_cap; cap++) {
		uint64_t bit = 1ULL << cap;
		if (!(p->ambient & bit) || (p->bounding & bit))
			continue;
		if (c->bounding.set && !(c->bounding.mask & bit))
			diag_add(dg, c->at[D_AMBIENT_CAPABILITIES],
				 "AmbientCapabilities=: %s is not in "
				 "CapabilityBoundingSet=",
				 capability_name(cap));
		else
			diag_add(
				dg, c->at[D_AMBIENT_CAPABILITIES],
				"AmbientCapabilities=: %s is not in "
				"osapi-launch's own bounding set, so it cannot "
				"be granted (in a container: start it with "
				"--cap-add %s)",
				capability_name(cap), capability_name(cap) + 4);
		plan_fail(step, STEP_CONFIG);
	}
	/* A non-root target keeps exactly its ambient capabilities; root keeps
	 * what the bounding set allows, as under systemd. */
	p->permitted = p->change_id ? p->ambient : p->bounding;
}

bool plan_has_cap(int cap)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	/* No glibc wrapper; libcap-ng's state belongs to the steps. */
	if (syscall(SYS_capget, &h, d) < 0 || cap < 0 || cap >= 64)
		return false;
	return d[cap / 32].effective & (1U << (cap % 32));
}

/* ProtectKernelModules= and friends take capabilities out of the bounding
 * set too, as under systemd: once the sandbox and namespace plans have
 * said which. */
void capabilities_drop_plan(struct plan *p, const struct config *c,
			    struct diag *dg, enum step *step)
{
	uint64_t drop = p->sandbox.drop_caps;

	if (!drop)
		return;
	for (int cap = 0; cap <= p->last_cap; cap++)
		if (p->ambient & drop & (1ULL << cap)) {
			diag_add(dg, c->at[D_AMBIENT_CAPABILITIES],
				 "AmbientCapabilities=: %s is removed by a "
				 "Protect*=/PrivateDevices= directive",
				 capability_name(cap));
			plan_fail(step, STEP_CONFIG);
		}
	p->bounding &= ~drop;
	p->set_bounding = true;
	p->permitted = p->change_id ? p->ambient : p->bounding;
}
