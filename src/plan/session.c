/* SPDX-License-Identifier: MIT */
/*
 * The session and the terminal: what the caller left the launcher, and the
 * descriptors that replace a terminal on fds 0-2, opened now as root (the
 * terminal may not be the agent's to open).  src/apply/session.c says why
 * and what the launch does with them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

static const enum step stdio_step[3] = {STEP_STDIN, STEP_STDOUT, STEP_STDERR};

static void plan_error(struct diag *dg, enum step *step, enum step s,
		       const char *what, int err)
{
	diag_add(dg, (struct origin){0}, "%s (%s)", what, errno_name(err));
	if (*step == STEP__ALL)
		*step = s;
}

void session_plan(struct plan *p, struct diag *dg, enum step *step)
{
	pid_t pid = getpid();

	if (getsid(0) == pid)
		p->session_action = SESSION_LEADER;
	else if (getpgrp() == pid)
		p->session_action = SESSION_NOTTY;
	else
		p->session_action = SESSION_SETSID;
	if (p->session_action != SESSION_SETSID) {
		/* O_NONBLOCK: a serial line must not wait for carrier here. */
		p->ctty_fd = open("/dev/tty",
				  O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		/* ENXIO: no controlling terminal, nothing to give up. */
		if (p->ctty_fd < 0 && errno != ENXIO)
			plan_error(dg, step, STEP_SESSION,
				   "cannot open the controlling terminal "
				   "/dev/tty to give it up",
				   errno);
	}
	for (int fd = 0; fd < 3; fd++) {
		char path[32];
		int fl;

		if (!isatty(fd))
			continue;
		if (fd == 0) {
			p->stdio_fd[0] = open("/dev/null",
					      O_RDONLY | O_NOCTTY | O_CLOEXEC);
			if (p->stdio_fd[0] < 0)
				plan_error(dg, step, STEP_STDIN,
					   "stdin is a terminal and /dev/null "
					   "cannot be opened to replace it",
					   errno);
			continue;
		}
		fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && (fl & O_ACCMODE) == O_WRONLY)
			continue;
		/* A new open file description of the same terminal: the
		 * caller's shell keeps its own read-write one. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		p->stdio_fd[fd] = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (p->stdio_fd[fd] < 0)
			plan_error(dg, step, stdio_step[fd],
				   fd == 1 ? "stdout is a terminal and cannot "
					     "be reopened write-only"
					   : "stderr is a terminal and cannot "
					     "be reopened write-only",
				   errno);
	}
}
