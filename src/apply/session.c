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
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

static const enum step stdio_step[3] = {STEP_STDIN, STEP_STDOUT, STEP_STDERR};

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
