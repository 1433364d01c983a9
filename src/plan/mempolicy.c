/* SPDX-License-Identifier: MIT */
/* Whether there is a NUMA memory policy to reset (src/apply/mempolicy.c). */
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"

void mempolicy_plan(struct plan *p)
{
	int mode;

	/* ENOSYS: a kernel without CONFIG_NUMA, nothing to inherit. */
	p->numa = syscall(SYS_get_mempolicy, &mode, NULL, 0UL, NULL, 0UL) == 0;
}
