/* SPDX-License-Identifier: MIT */
/*
 * PrivateIPC=yes, as systemd.exec(5): an IPC namespace of the agent's own.
 * System V shared memory, semaphores and message queues and POSIX message
 * queues of the host cannot be reached, and the agent's own are destroyed
 * by the kernel with the namespace, when its last process exits.  /dev/mqueue
 * is a view of the namespace that mounted it: src/plan/mountns.c mounts a fresh
 * one in the agent's mount namespace, which is why this step comes first.
 */
#include <errno.h>
#include <sched.h>

#include "plan.h"
#include "steps.h"

void ipcns_apply(const struct plan *p)
{
	if (!p->cfg->private_ipc)
		return;
	if (INJECT(STEP_IPC) || unshare(CLONE_NEWIPC) < 0)
		die(STEP_IPC, errno, "PrivateIPC=: unshare(CLONE_NEWIPC)");
}
