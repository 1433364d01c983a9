/* SPDX-License-Identifier: MIT */
/*
 * The stand-in for the OSAPI agent in the init-system guests
 * (tests/vm/init-guest.sh), installed there as /usr/bin/osapi: the real agent
 * cannot be built on the test machines (its Go module is not available from the
 * module proxy). Built static, so it runs under ExecPaths=/usr/bin/osapi and
 * NoExecPaths=/ with no loader or library to allow.
 *
 * Like the agent it runs in the foreground until SIGTERM and logs to stderr
 * only: one line at start and one at a clean stop, which the tests look
 * for where the guide says each init system puts the agent's log.  It does
 * nothing else: no network, no files.
 */

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	fprintf(stderr,
		"osapi stand-in: started, pid %d uid %d, %d argument(s):",
		(int)getpid(), (int)getuid(), argc - 1);
	for (int i = 1; i < argc; i++)
		fprintf(stderr, " %s", argv[i]);
	fputc('\n', stderr);
	fflush(stderr);

	/* Wait for SIGTERM without a race: block it, then sigsuspend(). */
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigprocmask(SIG_BLOCK, &term, NULL);
	sigemptyset(&none);
	while (!stop)
		sigsuspend(&none);

	fprintf(stderr, "osapi stand-in: stopping on SIGTERM, pid %d\n",
		(int)getpid());
	return 0;
}
