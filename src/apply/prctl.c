/* SPDX-License-Identifier: MIT */
/*
 * Process flags that prctl(2) sets and that survive fork and exec, none of
 * which a directive sets here: each is put back to what a process started
 * by PID 1 has.
 *
 *  - PR_SET_THP_DISABLE: no transparent huge pages for the agent;
 *  - PR_SET_MEMORY_MERGE (Linux 6.4; kept across exec since 6.7): KSM would
 *    merge the agent's pages with other processes', a timing side channel;
 *  - PR_SET_IO_FLUSHER: reclaim would treat the agent as part of the I/O
 *    path (no I/O from reclaim, exempt from throttling);
 *  - PR_MCE_KILL: the caller's memory-error kill policy;
 *  - PR_SET_TSC (x86): rdtsc would kill the agent with SIGSEGV;
 *  - PR_SET_CHILD_SUBREAPER: only set when the caller's own process exec'd
 *    into the launcher, but then the agent would adopt orphans it never
 *    started.
 *
 * Deliberately left alone (SECURITY.md): the speculation controls, which a
 * caller can only make stricter and PR_SPEC_FORCE_DISABLE makes final;
 * PR_SET_MDWE, which cannot be undone; PR_SET_PDEATHSIG, the supervisor's
 * own choice of lifetime.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>

#include "plan.h"
#include "steps.h"

#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#endif

static void flag(int option, unsigned long arg, const char *what)
{
	if (prctl(option, arg, 0, 0, 0) < 0)
		die(STEP_PRCTL, errno, "%s failed", what);
}

void prctl_apply(const struct plan *p)
{
	if (INJECT(STEP_PRCTL))
		die(STEP_PRCTL, errno, "PR_SET_THP_DISABLE(0) failed");
	flag(PR_SET_THP_DISABLE, 0, "PR_SET_THP_DISABLE(0)");
	if (p->ksm)
		flag(PR_SET_MEMORY_MERGE, 0, "PR_SET_MEMORY_MERGE(0)");
	if (p->io_flusher) {
		flag(PR_SET_IO_FLUSHER, 0, "PR_SET_IO_FLUSHER(0)");
		/* Read back here, not in verify_apply(): the read needs
		 * CAP_SYS_RESOURCE, gone by then. */
		if (prctl(PR_GET_IO_FLUSHER, 0, 0, 0, 0) != 0)
			die(STEP_PRCTL, errno,
			    "PR_GET_IO_FLUSHER does not read 0 after the "
			    "reset");
	}
	flag(PR_MCE_KILL, PR_MCE_KILL_CLEAR, "PR_MCE_KILL(PR_MCE_KILL_CLEAR)");
#if defined(__x86_64__) || defined(__i386__)
	flag(PR_SET_TSC, PR_TSC_ENABLE, "PR_SET_TSC(PR_TSC_ENABLE)");
#endif
	flag(PR_SET_CHILD_SUBREAPER, 0, "PR_SET_CHILD_SUBREAPER(0)");
}
