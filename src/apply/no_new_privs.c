/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/prctl.h>

#include "steps.h"

/* After this, no exec can add privilege: setuid bits and file capabilities
 * are ignored for the agent and everything it runs (prctl(2)). */
void no_new_privs_apply(const struct plan *p)
{
	if (!p->no_new_privs)
		return;
	if (INJECT(STEP_NO_NEW_PRIVS) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die(STEP_NO_NEW_PRIVS, errno,
		    "prctl(PR_SET_NO_NEW_PRIVS) failed");
}
