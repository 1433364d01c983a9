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
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

int p_private_users(struct config *c, const struct directive *d, const char *v,
		    struct origin at, struct diag *dg)
{
	int b = parse_boolean(v);

	if (b < 0) {
		diag_add(dg, at, "%s=: \"%s\" is not a boolean", d->name, v);
		return -EINVAL;
	}
	c->private_users = b;
	return 0;
}

static unsigned overflow_id(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "re");
	unsigned v = 65534;

	if (f && fgets(buf, sizeof(buf), f))
		v = (unsigned)strtoul(buf, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

void userns_plan(struct plan *p, const struct config *c, struct diag *dg,
		 enum step *step)
{
	struct origin at = c->at[D_PRIVATE_USERS];
	struct stat st;

	if (!c->private_users)
		return;
	if (p->ambient) {
		/* A capability in a child user namespace acts only on what
		 * that namespace owns: CAP_NET_RAW or CAP_NET_BIND_SERVICE
		 * would not reach the host's network namespace, CAP_DAC_*
		 * would reach the files of the mapped ids only.  Refused
		 * rather than granted with a meaning the config does not
		 * say. */
		diag_add(dg, at,
			 "PrivateUsers=yes: the capabilities of "
			 "AmbientCapabilities= would hold only inside the "
			 "agent's user namespace (not over the host's network "
			 "namespace, devices, or other users' files); drop "
			 "one of the two");
		if (*step == STEP__ALL)
			*step = STEP_CONFIG;
	}
	if (c->protect_proc != PROTECT_PROC_DEFAULT || c->proc_subset_pid) {
		diag_add(dg, at,
			 "PrivateUsers=yes: ProtectProc=/ProcSubset= mount a "
			 "procfs, which only the user namespace owning the PID "
			 "namespace may do");
		if (*step == STEP__ALL)
			*step = STEP_CONFIG;
	}
	if (c->private_devices) {
		diag_add(dg, at,
			 "PrivateDevices=yes with PrivateUsers=yes: the "
			 "private /dev is made with mknod(2), which a user "
			 "namespace may not do (systemd binds the nodes "
			 "instead; osapi-launch does not yet)");
		if (*step == STEP__ALL)
			*step = STEP_CONFIG;
	}
	if (!plan_has_cap(CAP_SETUID) || !plan_has_cap(CAP_SETGID)) {
		diag_add(dg, at,
			 "PrivateUsers=yes: writing the id maps needs "
			 "CAP_SETUID and CAP_SETGID, which the launcher does "
			 "not hold");
		if (*step == STEP__ALL)
			*step = STEP_PLAN_SANDBOX;
	}
	p->userns = true;
	snprintf(p->userns_uid_path, sizeof(p->userns_uid_path),
		 "/proc/%d/uid_map", (int)getpid());
	snprintf(p->userns_gid_path, sizeof(p->userns_gid_path),
		 "/proc/%d/gid_map", (int)getpid());
	/* Root, and the agent's ids when not root: "inside outside 1". */
	snprintf(p->userns_uid_map, sizeof(p->userns_uid_map), "0 0 1\n");
	if (p->uid)
		snprintf(p->userns_uid_map, sizeof(p->userns_uid_map),
			 "0 0 1\n%u %u 1\n", (unsigned)p->uid,
			 (unsigned)p->uid);
	snprintf(p->userns_gid_map, sizeof(p->userns_gid_map), "0 0 1\n");
	if (p->gid)
		snprintf(p->userns_gid_map, sizeof(p->userns_gid_map),
			 "0 0 1\n%u %u 1\n", (unsigned)p->gid,
			 (unsigned)p->gid);
	p->overflow_gid = overflow_id("/proc/sys/kernel/overflowgid");
	if (stat("/proc/self/ns/user", &st) == 0)
		p->userns_host_ino = (unsigned long long)st.st_ino;
}

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
