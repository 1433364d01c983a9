/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/prctl.h>

#include "steps.h"

/*
 * PR_SET_SECUREBITS needs CAP_SETPCAP, so this runs before the uid change.
 * Only configured bits are set; capng_change_id() sets and clears keep-caps
 * itself around the switch.
 */
void securebits_apply(const struct plan *p)
{
	if (!p->set_securebits)
		return;
	if (INJECT(STEP_SECUREBITS) ||
	    prctl(PR_SET_SECUREBITS, p->securebits, 0, 0, 0) < 0)
		die(STEP_SECUREBITS, errno,
		    "prctl(PR_SET_SECUREBITS, %#x) failed", p->securebits);
}
