/* SPDX-License-Identifier: MIT */
/*
 * Capability numbers and their names (capabilities(7)), for the parser,
 * the plan, the launch's messages and the reports alike.
 */
#include <cap-ng.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "capability_names.h"

int capability_last(void)
{
	static int last = -1;

	/* The running kernel's, which may know more than our headers: the
	 * highest capability PR_CAPBSET_READ accepts (EINVAL above it).  A
	 * binary search is six prctl() calls, cheaper in a launch than opening
	 * /proc/sys/kernel/cap_last_cap, which libcap-ng has read already. */
	if (last < 0) {
		int lo = 0, hi = 63;

		if (prctl(PR_CAPBSET_READ, 0, 0, 0, 0) < 0)
			return last = CAP_LAST_CAP;
		while (lo < hi) {
			int mid = lo + (hi - lo + 1) / 2;
			if (prctl(PR_CAPBSET_READ, (unsigned long)mid, 0, 0,
				  0) < 0)
				hi = mid - 1;
			else
				lo = mid;
		}
		last = lo;
	}
	return last;
}

const char *capability_name(int cap)
{
	static char buf[64];
	const char *n = capng_capability_to_name((unsigned)cap);

	/* libcap-ng returns "net_raw"; capabilities(7) and capsh say
	 * "cap_net_raw". */
	if (!n) {
		snprintf(buf, sizeof(buf), "cap_%d", cap);
		return buf;
	}
	snprintf(buf, sizeof(buf), "cap_%s", n);
	return buf;
}
