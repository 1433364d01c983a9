/* SPDX-License-Identifier: MIT */
/*
 * SELinuxContext=: the exec context (setexeccon(3)), applied at execveat()
 * like the AppArmor label, so the launcher itself never runs in the agent's
 * domain.  The plan loaded libselinux and checked the context against the
 * loaded policy (src/plan/selinux.c).
 */
#include <errno.h>

#include "plan.h"
#include "steps.h"

/* Before the uid change: libselinux may allocate.  The plan found the call
 * whenever p->selinux_context is set. */
void selinux_apply(const struct plan *p)
{
	exec_label_fn *setexeccon = p->selinux_setexeccon;

	if (!p->selinux_context)
		return;
	if (INJECT(STEP_SELINUX) || !setexeccon ||
	    setexeccon(p->selinux_context) < 0)
		die(STEP_SELINUX, setexeccon ? errno : ELIBACC,
		    "setexeccon(%s) failed", p->selinux_context);
}
