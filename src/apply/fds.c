/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "policy.h"
#include "steps.h"

/*
 * First thing at startup (doas does the same): nothing the caller left open
 * may reach the plan phase or the agent, and fds 0-2 must exist so that a
 * file opened later can never land on stdin/stdout/stderr.
 */
void fds_close_inherited(void)
{
	fds_open_stdio();
	fds_close_inherited_except(-1);
}

void fds_open_stdio(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", O_RDWR);
			if (n != fd)
				die(STEP_FDS, errno,
				    "cannot open /dev/null on fd %d", fd);
		}
	}
}

/* The same, keeping the one descriptor --policy-record=fd:N names. */
void fds_close_inherited_except(int keep)
{
	if (keep < 3) {
		if (INJECT(STEP_FDS) ||
		    syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
			die(STEP_FDS, errno, "close_range(3, ~0) failed");
		return;
	}
	if ((keep > 3 &&
	     syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U) < 0) ||
	    syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U) < 0 ||
	    fcntl(keep, F_SETFD, FD_CLOEXEC) < 0)
		die(STEP_FDS, errno,
		    "closing inherited descriptors but %d failed", keep);
}

/*
 * Just before exec, every descriptor above stderr is marked close-on-exec,
 * whoever opened it (a library, NSS): only 0-2 reach the agent.  The
 * target's own descriptor is the exception for a #! script, whose
 * interpreter opens it as /dev/fd/N (see src/plan/exec.c).
 */
void fds_apply(const struct plan *p)
{
	if (INJECT(STEP_FDS) ||
	    syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		die(STEP_FDS, errno, "close_range(CLOSE_RANGE_CLOEXEC) failed");
	if (p->exec_is_script) {
		int flags = fcntl(p->exec_fd, F_GETFD);
		if (flags < 0 ||
		    fcntl(p->exec_fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
			die(STEP_FDS, errno,
			    "cannot keep the script "
			    "descriptor open across exec");
	}
}
