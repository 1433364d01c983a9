/* SPDX-License-Identifier: MIT */
/*
 * AppArmorProfile=: the agent starts in the profile through an exec
 * transition (aa_change_onexec, as systemd does), not change_profile: the
 * label takes effect at execveat(), so the launcher's own remaining steps
 * are not confined by the agent's profile.  With no_new_privs the kernel
 * allows that transition from an unconfined task and refuses it from a
 * confined one, which is the safe way round.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steps.h"

#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>

bool apparmor_built(void)
{
	return true;
}

static bool profile_loaded(const char *profile, int *err)
{
	char *mnt = NULL, *path, line[4096];
	size_t l = strlen(profile);
	bool found = false;
	FILE *f;

	if (aa_find_mountpoint(&mnt) < 0) {
		*err = errno;
		return false;
	}
	path = xasprintf("%s/profiles", mnt);
	f = fopen(path, "re");
	free(path);
	free(mnt);
	if (!f) {
		*err = errno;
		return false;
	}
	/* One "name (mode)" per line. */
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, profile, l) == 0 && line[l] == ' ';
	fclose(f);
	*err = found ? 0 : ENOENT;
	return found;
}

const char *apparmor_unavailable(const char *profile, int *err)
{
	if (!aa_is_enabled()) {
		*err = errno;
		return "AppArmor is not enabled on this kernel";
	}
	if (!profile_loaded(profile, err))
		return *err == ENOENT ? "profile is not loaded "
					"(apparmor_parser -r <file>)"
				      : "cannot list the loaded profiles";
	return NULL;
}

/* Runs before the uid change: libapparmor formats the attribute write with
 * an allocation, and nothing may allocate after the drop. */
void apparmor_apply(const struct plan *p)
{
	if (!p->apparmor_profile)
		return;
	if (INJECT(STEP_APPARMOR) ||
	    aa_change_onexec(p->apparmor_profile) < 0) {
		int e = errno;
		die(STEP_APPARMOR, e, "aa_change_onexec(%s) failed: %s",
		    p->apparmor_profile,
		    e == ENOENT			? "profile not loaded"
		    : e == EPERM || e == EACCES ? "permission denied"
						: "cannot set the exec label");
	}
}
#else
bool apparmor_built(void)
{
	return false;
}

const char *apparmor_unavailable(const char *profile, int *err)
{
	(void)profile;
	*err = ENOTSUP;
	return "osapi-launch was built without AppArmor support";
}

void apparmor_apply(const struct plan *p)
{
	if (p->apparmor_profile)
		die(STEP_APPARMOR, ENOTSUP, "built without AppArmor support");
}
#endif
