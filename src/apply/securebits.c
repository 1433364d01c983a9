/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/prctl.h>

#include "steps.h"

/*
 * PR_SET_SECUREBITS needs CAP_SETPCAP, so this runs before the uid change.
 * The configured bits, plus keep-caps when it is to be locked: the switch
 * needs it (src/plan/securebits.c), and execve(2) clears it again.
 */
void securebits_apply(const struct plan *p)
{
	if (!p->set_securebits)
		return;
	if (INJECT(STEP_SECUREBITS) ||
	    prctl(PR_SET_SECUREBITS, p->securebits_switch, 0, 0, 0) < 0)
		die(STEP_SECUREBITS, errno,
		    "prctl(PR_SET_SECUREBITS, %#x) failed",
		    p->securebits_switch);
}
