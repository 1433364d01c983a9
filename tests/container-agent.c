/* SPDX-License-Identifier: MIT */
/*
 * Stands in for the OSAPI agent in the container tests
 * (tests/t/75-containers.t): the real agent cannot be built on the test
 * machines, and the images need a /usr/bin/osapi that stays up like a
 * service.  Built -static, so it needs nothing from the image.
 *
 *   osapi agent start
 *
 * It announces itself on stderr (what `docker logs` shows), then waits for
 * SIGTERM or SIGINT and exits 0.  It must handle them itself: the launcher
 * execs it as the container's PID 1, and the kernel drops signals that PID 1
 * of a namespace has no handler for, so a default disposition would make
 * every `docker stop` wait for the engine's SIGKILL.
 */

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
		perror("osapi stand-in: sigprocmask");
		return 1;
	}
	fprintf(stderr, "osapi stand-in: %s running as uid %d\n",
		argc > 1 ? argv[1] : "(no command)", (int)getuid());
	if (sigwait(&set, &sig) != 0)
		return 1;
	fprintf(stderr, "osapi stand-in: signal %d, exiting\n", sig);
	return 0;
}
