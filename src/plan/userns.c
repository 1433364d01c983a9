/* SPDX-License-Identifier: MIT */
/*
 * PrivateUsers=yes: the id maps, the overflow ids and whether the launcher
 * can write them, decided now; src/apply/userns.c makes the namespace.
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
