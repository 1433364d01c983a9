/* SPDX-License-Identifier: MIT */
/*
 * The NUMA memory policy of the process survives fork and exec
 * (set_mempolicy(2)): "numactl --membind=1 osapi-launch" would confine the
 * agent's memory to one node.  No directive sets it here (systemd's
 * NUMAPolicy= is not implemented), so the agent gets MPOL_DEFAULT: allocate
 * on the node of the CPU that asks.  glibc has no wrapper (libnuma does).
 */
#include <errno.h>
#include <linux/mempolicy.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

void mempolicy_apply(const struct plan *p)
{
	if (INJECT(STEP_NUMA) ||
	    (p->numa &&
	     syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0UL) < 0))
		die(STEP_NUMA, errno, "set_mempolicy(MPOL_DEFAULT) failed");
}
