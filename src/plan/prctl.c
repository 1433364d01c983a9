/* SPDX-License-Identifier: MIT */
/* Which of the process flags src/apply/prctl.c resets this kernel has. */
#include <sys/prctl.h>

#include "plan.h"

#ifndef PR_GET_MEMORY_MERGE
#define PR_GET_MEMORY_MERGE 68 /* Linux 6.4 */
#endif

void prctl_plan(struct plan *p)
{
	/* EINVAL: a kernel without KSM's prctl, nothing to inherit. */
	p->ksm = prctl(PR_GET_MEMORY_MERGE, 0, 0, 0, 0) >= 0;
	/* Getting it needs CAP_SYS_RESOURCE as much as setting does; without
	 * it (a container) nobody in it could have set it either. */
	p->io_flusher = prctl(PR_GET_IO_FLUSHER, 0, 0, 0, 0) >= 0;
}
