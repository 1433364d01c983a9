/* SPDX-License-Identifier: MIT */
/*
 * AppArmorProfile=: the agent starts in the profile through an exec
 * transition (aa_change_onexec, as systemd does), not change_profile: the
 * label takes effect at execveat(), so the launcher's own remaining steps
 * are not confined by the agent's profile.  With no_new_privs the kernel
 * allows that transition from an unconfined task and refuses it from a
 * confined one, which is the safe way round.
 *
 * libapparmor is opened only when the directive is set and the kernel has
 * AppArmor (include/dl.h), as systemd does too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "steps.h"

#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>

#include "dl.h"

#define APPARMOR_SONAME "libapparmor.so.1"
DL_NOTE(apparmor_note, "apparmor", "AppArmorProfile=", "recommended",
	APPARMOR_SONAME);

static void *lib;
static typeof(aa_is_enabled) *p_aa_is_enabled;
static typeof(aa_find_mountpoint) *p_aa_find_mountpoint;
static typeof(aa_change_onexec) *p_aa_change_onexec;

bool apparmor_built(void)
{
	return true;
}

const char *apparmor_library(void)
{
	static const struct dl_symbol syms[] = {
		DL_SYM(p_aa_is_enabled, aa_is_enabled),
		DL_SYM(p_aa_find_mountpoint, aa_find_mountpoint),
		DL_SYM(p_aa_change_onexec, aa_change_onexec),
	};
	return dl_open(APPARMOR_SONAME, &lib, syms,
		       sizeof(syms) / sizeof(syms[0]));
}

static bool profile_loaded(const char *profile, int *err)
{
	char *mnt = NULL, *path, line[4096];
	size_t l = strlen(profile);
	bool found = false;
	FILE *f;

	if (p_aa_find_mountpoint(&mnt) < 0) {
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
	const char *why;

	/* The module's parameter exists whenever AppArmor is built in: its
	 * absence answers "not enabled" without loading the library, which
	 * is the common case on hosts without AppArmor. */
	if (access("/sys/module/apparmor/parameters/enabled", F_OK) < 0) {
		*err = errno == ENOENT ? ENOSYS : errno;
		return "AppArmor is not enabled on this kernel";
	}
	why = apparmor_library();
	if (why) {
		*err = ELIBACC;
		return why;
	}
	if (!p_aa_is_enabled()) {
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
 * an allocation, and nothing may allocate after the drop.  The plan loaded
 * the library whenever p->apparmor_profile is set. */
void apparmor_apply(const struct plan *p)
{
	if (!p->apparmor_profile)
		return;
	if (INJECT(STEP_APPARMOR) || !p_aa_change_onexec ||
	    p_aa_change_onexec(p->apparmor_profile) < 0) {
		int e = p_aa_change_onexec ? errno : ELIBACC;
		die(STEP_APPARMOR, e, "aa_change_onexec(%s) failed: %s",
		    p->apparmor_profile,
		    e == ENOENT			? "profile not loaded"
		    : e == EPERM || e == EACCES ? "permission denied"
		    : e == ELIBACC		? "libapparmor is not loaded"
						: "cannot set the exec label");
	}
}
#else
/* A static build (meson -Dstatic=true, tools/build-static-musl) cannot
 * dlopen(3) the library, so it is built without it on purpose: say so, so
 * nobody goes looking for a missing package. */
#ifdef OSAPI_STATIC
#define APPARMOR_NOT_BUILT                                                     \
	"osapi-launch was built without AppArmor support: a static binary "    \
	"cannot load libapparmor (AppArmorProfile= needs the dynamically "     \
	"linked build)"
#else
#define APPARMOR_NOT_BUILT "osapi-launch was built without AppArmor support"
#endif

bool apparmor_built(void)
{
	return false;
}

const char *apparmor_library(void)
{
	return APPARMOR_NOT_BUILT;
}

const char *apparmor_unavailable(const char *profile, int *err)
{
	(void)profile;
	*err = ENOTSUP;
	return APPARMOR_NOT_BUILT;
}

void apparmor_apply(const struct plan *p)
{
	if (p->apparmor_profile)
		die(STEP_APPARMOR, ENOTSUP, "%s", APPARMOR_NOT_BUILT);
}
#endif
