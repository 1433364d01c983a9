/* SPDX-License-Identifier: MIT */
/*
 * AppArmorProfile=: the agent starts in the profile through an exec
 * transition (aa_change_onexec, as systemd does), not change_profile: the
 * label takes effect at execveat(), so the launcher's own remaining steps
 * are not confined by the agent's profile.  With no_new_privs the kernel
 * allows that transition from an unconfined task and refuses it from a
 * confined one, which is the safe way round.  The plan loaded libapparmor
 * and checked the profile (src/plan/apparmor.c).
 */
#include <errno.h>

#include "plan.h"
#include "steps.h"

/* Runs before the uid change: libapparmor formats the attribute write with
 * an allocation, and nothing may allocate after the drop.  The plan found
 * the call whenever p->apparmor_profile is set. */
void apparmor_apply(const struct plan *p)
{
	exec_label_fn *onexec = p->apparmor_change_onexec;

	if (!p->apparmor_profile)
		return;
	if (INJECT(STEP_APPARMOR) || !onexec ||
	    onexec(p->apparmor_profile) < 0) {
		int e = onexec ? errno : ELIBACC;
		die(STEP_APPARMOR, e, "aa_change_onexec(%s) failed: %s",
		    p->apparmor_profile,
		    e == ENOENT			? "profile not loaded"
		    : e == EPERM || e == EACCES ? "permission denied"
		    : e == ELIBACC		? "libapparmor is not loaded"
						: "cannot set the exec label");
	}
}
