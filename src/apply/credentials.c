/* SPDX-License-Identifier: MIT */
#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <unistd.h>

#include "steps.h"

/* Supplementary groups are set while root: setgroups(2) needs CAP_SETGID,
 * and the list was resolved in the plan, so no NSS call happens here. */
void credentials_groups_apply(const struct plan *p)
{
	if (p->userns)
		return; /* set by userns_apply(), before the unshare */
	if (INJECT(STEP_GROUPS) || setgroups(p->ngroups, p->groups) < 0)
		die(STEP_GROUPS, errno, "setgroups(%zu groups) failed",
		    p->ngroups);
}

/*
 * capng_change_id() sets keep-caps, switches gid then uid (all of real,
 * effective and saved: nothing to switch back to), clears keep-caps and
 * applies the staged sets.  Its man page: the only safe reaction to a
 * failure is to exit, so the launch stops here on any error.
 */
void credentials_change_id_apply(const struct plan *p)
{
	int rc;

	if (!p->change_id) {
		if (INJECT(STEP_CHANGE_ID) ||
		    setresgid(p->gid, p->gid, p->gid) < 0)
			die(STEP_CHANGE_ID, errno, "setresgid(%u) failed",
			    (unsigned)p->gid);
		return;
	}
	if (p->keep_caps_locked) {
		/* keep-caps is set and locked (src/apply/securebits.c), so the
		 * permitted set survives; capng_apply() then sets the sets
		 * staged by capabilities_bounding_apply(). */
		if (INJECT(STEP_CHANGE_ID) ||
		    setresgid(p->gid, p->gid, p->gid) < 0 ||
		    setresuid(p->uid, p->uid, p->uid) < 0)
			die(STEP_CHANGE_ID, errno,
			    "setresgid(%u)/setresuid(%u) failed",
			    (unsigned)p->gid, (unsigned)p->uid);
		if (capng_apply(CAPNG_SELECT_CAPS) < 0)
			die(STEP_CHANGE_ID, errno ? errno : EPERM,
			    "capset() to the planned sets failed");
		return;
	}
	errno = 0;
	rc = INJECT(STEP_CHANGE_ID)
		     ? -2
		     : capng_change_id((int)p->uid, (int)p->gid, CAPNG_NO_FLAG);
	if (rc < 0)
		die(STEP_CHANGE_ID, errno ? errno : EPERM,
		    "capng_change_id(uid %u, gid %u) failed with %d",
		    (unsigned)p->uid, (unsigned)p->gid, rc);
}
