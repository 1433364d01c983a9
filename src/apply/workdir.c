/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "steps.h"

/* After the uid change, so the agent's user must be able to enter the
 * directory itself (systemd does the same). */
void workdir_apply(const struct plan *p)
{
	if (INJECT(STEP_WORKDIR) || chdir(p->workdir) < 0) {
		if (p->workdir_optional && errno == ENOENT && chdir("/") == 0)
			return;
		die(STEP_WORKDIR, errno, "chdir(%s) failed", p->workdir);
	}
}

void umask_apply(const struct plan *p)
{
	/* umask(2) cannot fail; the fault hook still proves the path. */
	if (INJECT(STEP_UMASK))
		die(STEP_UMASK, errno, "umask(%04o) failed",
		    (unsigned)p->umask);
	umask(p->umask);
}
