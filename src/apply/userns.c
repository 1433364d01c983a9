/* SPDX-License-Identifier: MIT */
/*
 * PrivateUsers=yes, as systemd.exec(5): a user namespace in which root and
 * the agent's user and group are mapped to themselves and every other id
 * to nobody (the overflow id), so the agent cannot act as, or on the files
 * of, any other user; capabilities it holds count in its own namespace,
 * not over the host's objects.
 *
 * Made before the network, IPC, UTS and mount namespaces, as systemd
 * makes it, so those are owned by the new user namespace and set up by
 * its root.  The id maps are written by a child left in the host's user
 * namespace: a process cannot map ids other than its own into its own new
 * namespace (user_namespaces(7): the writer needs CAP_SETUID in the
 * parent namespace).  systemd does the same with a helper process.
 *
 * Supplementary groups are set here, by host root, before the unshare:
 * inside, setgroups(2) could only name mapped groups.  They stay the
 * agent's, shown as the overflow gid inside (src/apply/verify.c reads them so).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

static int write_map(const char *path, const char *map)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t l = (ssize_t)strlen(map);

	if (fd < 0)
		return errno;
	if (write(fd, map, (size_t)l) != l) {
		int e = errno;
		close(fd);
		return e ? e : EIO;
	}
	close(fd);
	return 0;
}

void userns_apply(const struct plan *p)
{
	int pipefd[2], status;
	pid_t child;
	char c = 'u';
	struct stat st;

	if (!p->userns)
		return;
	if (INJECT(STEP_USERNS) || setgroups(p->ngroups, p->groups) < 0)
		die(STEP_USERNS, errno, "setgroups(%zu groups) failed",
		    p->ngroups);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		die(STEP_USERNS, errno, "pipe2");
	child = fork();
	if (child < 0)
		die(STEP_USERNS, errno, "fork of the id map writer");
	if (child == 0) {
		int e;

		close(pipefd[1]);
		/* Until the launcher has its new namespace (or failed). */
		if (read(pipefd[0], &c, 1) != 1)
			_exit(1);
		e = write_map(p->userns_gid_path, p->userns_gid_map);
		if (!e)
			e = write_map(p->userns_uid_path, p->userns_uid_map);
		_exit(e ? 100 + (e & 0x7f) : 0);
	}
	close(pipefd[0]);
	if (unshare(CLONE_NEWUSER) < 0) {
		int e = errno;
		close(pipefd[1]);
		waitpid(child, NULL, 0);
		die(STEP_USERNS, e, "PrivateUsers=: unshare(CLONE_NEWUSER)");
	}
	if (write(pipefd[1], &c, 1) != 1)
		die(STEP_USERNS, errno, "PrivateUsers=: waking the map writer");
	close(pipefd[1]);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die(STEP_USERNS, errno, "PrivateUsers=: waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die(STEP_USERNS,
		    WIFEXITED(status) && WEXITSTATUS(status) > 100
			    ? WEXITSTATUS(status) - 100
			    : 0,
		    "PrivateUsers=: writing the uid and gid maps failed");
	/* The new namespace starts with a full bounding set: back to the
	 * plan's, so the host's limit holds inside too. */
	for (int cap = 0; cap <= p->last_cap; cap++)
		if (!(p->bounding & (1ULL << cap)) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			die(STEP_USERNS, errno,
			    "PrivateUsers=: dropping %s from the bounding set",
			    capability_name(cap));
	/* The read-back: a user namespace other than the host's, in which
	 * the launcher is root again. */
	if (stat("/proc/self/ns/user", &st) < 0 ||
	    (unsigned long long)st.st_ino == p->userns_host_ino ||
	    geteuid() != 0)
		die(STEP_VERIFY, errno,
		    "PrivateUsers=: not in a new user namespace as its root");
}
