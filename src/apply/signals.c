/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <stddef.h>

#include "steps.h"

/*
 * A blocked or ignored signal survives exec (signal(7)), so a caller could
 * otherwise make the agent deaf to SIGTERM.  Reset every disposition to its
 * default and unblock everything, as systemd does for each service.
 */
void signals_apply(const struct plan *p)
{
	struct sigaction sa = {.sa_handler = SIG_DFL};
	sigset_t none;

	(void)p;
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* glibc reserves 32 and 33 for its threads: EINVAL there. */
		if (sigaction(sig, &sa, NULL) < 0 && errno != EINVAL)
			die(STEP_SIGNALS, errno,
			    "sigaction(%d, SIG_DFL) failed", sig);
	}
	sigemptyset(&none);
	if (INJECT(STEP_SIGNALS) || sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		die(STEP_SIGNALS, errno, "sigprocmask(SIG_SETMASK, {}) failed");
}
