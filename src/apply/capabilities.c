/* SPDX-License-Identifier: MIT */
/*
 * Capability sets through libcap-ng.  Ambient capabilities are the fragile
 * part: several peers shipped launchers where they silently did not stick
 * (a raise that failed with EPERM and was ignored).  Here every libcap-ng
 * result is checked, and src/apply/verify.c reads the final sets back from the
 * kernel before exec anyway.
 */
#include <cap-ng.h>
#include <errno.h>

#include "steps.h"

static void load_mask(capng_type_t type, uint64_t mask, int last_cap)
{
	for (int cap = 0; cap <= last_cap; cap++)
		if ((mask & (1ULL << cap)) &&
		    capng_update(CAPNG_ADD, type, (unsigned)cap) < 0)
			die(STEP_BOUNDING_SET, EINVAL,
			    "capng_update(%d) failed", cap);
}

/*
 * Dropping from the bounding set needs CAP_SETPCAP, so it happens while the
 * launcher is still root.  It also stages the sets capng_change_id() will
 * keep across the uid change: permitted, effective and inheritable hold
 * exactly the capabilities the target keeps.
 */
void capabilities_bounding_apply(const struct plan *p)
{
	capng_clear(CAPNG_SELECT_ALL);
	load_mask(CAPNG_BOUNDING_SET, p->bounding, p->last_cap);
	if (p->set_bounding &&
	    (INJECT(STEP_BOUNDING_SET) || capng_apply(CAPNG_SELECT_BOUNDS) < 0))
		die(STEP_BOUNDING_SET, errno ? errno : EPERM,
		    "cannot drop capabilities from the bounding set");
	load_mask(CAPNG_EFFECTIVE | CAPNG_PERMITTED, p->permitted, p->last_cap);
	load_mask(CAPNG_INHERITABLE | CAPNG_AMBIENT, p->ambient, p->last_cap);
}

/*
 * A uid change clears the ambient set (capabilities(7)), so ambient
 * capabilities are raised after it, from the inheritable and permitted sets
 * capng_change_id() kept.  For a root target the same call sets all sets.
 */
void capabilities_ambient_apply(const struct plan *p)
{
	if (!p->change_id &&
	    (INJECT(STEP_AMBIENT) || capng_apply(CAPNG_SELECT_CAPS) < 0))
		die(STEP_AMBIENT, errno ? errno : EPERM,
		    "capset() to the planned sets failed");
	if (INJECT(STEP_AMBIENT) || capng_apply(CAPNG_SELECT_AMBIENT) < 0)
		die(STEP_AMBIENT, errno ? errno : EPERM,
		    "cannot raise the ambient capabilities");
}
