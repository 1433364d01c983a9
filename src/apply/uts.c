/* SPDX-License-Identifier: MIT */
/*
 * ProtectHostname=yes, as systemd.exec(5): a UTS namespace of the agent's
 * own, so a hostname it set would not reach the host, and sethostname(2)
 * and setdomainname(2) fail with EPERM (the seccomp half is in
 * src/plan/seccomp.c's restrictions filter).  The namespace starts as a copy:
 * the agent sees the host's name as it was at launch, and keeps it when
 * the host is renamed later (as under systemd).
 */
#include <errno.h>
#include <sched.h>

#include "plan.h"
#include "steps.h"

void uts_apply(const struct plan *p)
{
	if (!p->cfg->protect_hostname)
		return;
	if (INJECT(STEP_UTS) || unshare(CLONE_NEWUTS) < 0)
		die(STEP_UTS, errno, "ProtectHostname=: unshare(CLONE_NEWUTS)");
}
