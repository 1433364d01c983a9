/* SPDX-License-Identifier: MIT */
/*
 * The seccomp filters the plan built and exported (src/plan/seccomp.c):
 * handed to the kernel as they are, the last step before exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

/*
 * --learn, in the child: tell the parent which descriptor the listener will
 * be (the lowest free one, as the kernel hands them out), load the filter,
 * and wait until the parent holds the listener (pidfd_getfd(2)) before
 * going on to exec, which closes the child's copy.  Every call from here
 * on, the read below included, waits for the parent's answer, so there is
 * no window in which a call goes unseen.
 */
static void learn_load(const struct seccomp_plan *s,
		       const struct sock_fprog *prog)
{
	int want = fcntl(s->learn_to_parent, F_DUPFD_CLOEXEC, 0);
	int fd;
	char ack;

	if (want < 0 || close(want) < 0 ||
	    write(s->learn_to_parent, &want, sizeof(want)) != sizeof(want))
		die(STEP_SECCOMP, errno, "--learn: cannot reach the parent");
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
	if (fd != want)
		die(STEP_SECCOMP, fd < 0 ? errno : EBADF,
		    "--learn: loading the notifying filter failed");
	if (read(s->learn_from_parent, &ack, 1) != 1)
		die(STEP_SECCOMP, errno, "--learn: the parent went away");
}

/*
 * The last step before exec: after it, the launcher itself only calls
 * execveat (allowed: see build_main) and, on failure, write and
 * exit_group.  no_new_privs was set before, unless the target keeps
 * CAP_SYS_ADMIN, exactly as the kernel requires.
 */
void seccomp_apply(const struct plan *p)
{
	for (int i = 0; i < p->seccomp.n; i++) {
		struct sock_fprog prog = {
			.len = p->seccomp.prog[i].len,
			.filter = p->seccomp.prog[i].insns,
		};
		if (i == p->seccomp.learn_prog) {
			learn_load(&p->seccomp, &prog);
			continue;
		}
		if (INJECT(STEP_SECCOMP) ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			die(STEP_SECCOMP, errno, "loading the %s filter failed",
			    p->seccomp.prog[i].what);
	}
}
