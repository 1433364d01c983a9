/* SPDX-License-Identifier: MIT */
/*
 * The session and the terminal.  systemd starts every service in a session
 * of its own with stdin on /dev/null (StandardInput=null); an agent left in
 * the caller's session, with the caller's terminal on fds 0-2, could make
 * itself the terminal's foreground process group (TIOCSPGRP is not a
 * privileged ioctl) and read what root types next in the shell that ran
 * the launcher.
 *
 * Three cases, by what the caller made of the launcher:
 *  - neither session nor process-group leader (a script, a supervisor's
 *    child): setsid(2), which also drops the controlling terminal;
 *  - a process-group leader (a job of an interactive shell): setsid(2)
 *    fails with EPERM, so give the controlling terminal up with TIOCNOTTY.
 *    For a process that is not a session leader the kernel only clears its
 *    own tty pointer: no SIGHUP, the shell keeps its terminal;
 *  - already a session leader (runsv, s6-supervise, runc, setsid(1),
 *    pty.fork()): TIOCNOTTY if it has a terminal; as a session leader the
 *    kernel sends SIGHUP and SIGCONT to the terminal's foreground group,
 *    which is the launcher's own, so SIGHUP is ignored around the call.
 *
 * Losing the controlling terminal is not enough: a descriptor on a terminal
 * that is not the caller's controlling terminal passes the job-control
 * check, so read(2) on it still returns keystrokes, and an interactive
 * shell's fds 0-2 are one O_RDWR open file.  So stdin on a terminal is
 * replaced by /dev/null, and stdout/stderr on a terminal by a write-only
 * descriptor on the same terminal: the agent's output still reaches the
 * operator, its reads fail with EBADF.  Both were opened in the plan, as
 * root (the terminal may not be the agent's to open).
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

static void give_up_terminal(int fd)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	int r, err;

	/* An ignored signal is discarded when sent (the mask is empty since
	 * signals_apply()), so no SIGHUP is left pending either. */
	if (sigaction(SIGHUP, &ign, &old) < 0)
		die(STEP_SESSION, errno, "sigaction(SIGHUP, SIG_IGN) failed");
	r = ioctl(fd, TIOCNOTTY);
	err = errno;
	if (sigaction(SIGHUP, &old, NULL) < 0)
		die(STEP_SESSION, errno, "sigaction(SIGHUP) restore failed");
	if (r < 0)
		die(STEP_SESSION, err,
		    "ioctl(TIOCNOTTY) on the controlling terminal failed");
}

void session_apply(const struct plan *p)
{
	pid_t pid = getpid();
	bool new_session = false;

	if (INJECT(STEP_SESSION))
		die(STEP_SESSION, errno, "setsid() failed");
	/* Decided again here, not from the plan: --learn runs this in a
	 * child, which is never a group leader. */
	if (getsid(0) != pid) {
		if (setsid() >= 0)
			new_session = true;
		else if (errno != EPERM || getpgrp() != pid)
			die(STEP_SESSION, errno, "setsid() failed");
	}
	if (!new_session && p->ctty_fd >= 0)
		give_up_terminal(p->ctty_fd);
	if (p->ctty_fd >= 0)
		close(p->ctty_fd);

	for (int fd = 0; fd < 3; fd++) {
		if (INJECT(stdio_step[fd]) ||
		    (p->stdio_fd[fd] >= 0 && dup2(p->stdio_fd[fd], fd) < 0))
			die(stdio_step[fd], errno,
			    "replacing the terminal on fd %d failed", fd);
		if (p->stdio_fd[fd] >= 0)
			close(p->stdio_fd[fd]);
	}
}
