/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/prctl.h>

#include "plan.h"
#include "steps.h"

#ifndef PR_SET_MDWE
#define PR_SET_MDWE		 65 /* Linux 6.3, include/uapi/linux/prctl.h */
#define PR_GET_MDWE		 66
#define PR_MDWE_REFUSE_EXEC_GAIN (1UL << 0)
#endif

/*
 * MemoryDenyWriteExecute= is a seccomp filter in systemd, and here too
 * (src/lib/seccomp_guards.c); the filter cannot read the arguments of i386's
 * old_mmap or of anything a future ABI passes in memory, so where the
 * kernel enforces the same rule itself (PR_SET_MDWE, Linux 6.3), the
 * launcher asks it to as well.  The flag lives in the mm, is inherited by
 * fork and kept across execve, and cannot be cleared.
 */
void mdwe_apply(const struct plan *p)
{
	if (!p->mdwe)
		return;
	if (INJECT(STEP_MDWE) ||
	    prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) < 0)
		die(STEP_MDWE, errno,
		    "prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) failed");
}

/* For src/apply/verify.c: the flags the kernel reports. */
int mdwe_read(void)
{
	return prctl(PR_GET_MDWE, 0, 0, 0, 0);
}
