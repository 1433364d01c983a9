/* SPDX-License-Identifier: MIT */
/*
 * MemoryDenyWriteExecute= in the kernel too, where it has PR_SET_MDWE
 * (Linux 6.3): src/apply/mdwe.c says why.
 */
#include <stdlib.h>
#include <sys/prctl.h>

#include "plan.h"

#ifndef PR_GET_MDWE
#define PR_GET_MDWE 66 /* Linux 6.3, include/uapi/linux/prctl.h */
#endif

void mdwe_plan(struct plan *p, const struct config *c)
{
	p->mdwe = c->memory_deny_write_execute &&
		  prctl(PR_GET_MDWE, 0, 0, 0, 0) >= 0;
#ifdef OSAPI_FAULT_INJECTION
	/* Tests only: the seccomp half of MemoryDenyWriteExecute= alone. */
	if (getenv("OSAPI_LAUNCH_NO_KERNEL_MDWE"))
		p->mdwe = false;
#endif
}
