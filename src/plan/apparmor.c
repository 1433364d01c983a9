/* SPDX-License-Identifier: MIT */
/*
 * AppArmorProfile=: whether this host can apply the profile (AppArmor
 * enabled, the profile loaded), for the exec transition the launch sets
 * (src/apply/apparmor.c).
 *
 * libapparmor is opened only when the directive is set and the kernel has
 * AppArmor (include/dl.h), as systemd does too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"
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

static exec_label_fn *change_onexec(void)
{
	return p_aa_change_onexec;
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

static exec_label_fn *change_onexec(void)
{
	return NULL;
}
#endif

/* AppArmorProfile=: a profile this host has loaded, or a reason; "-" makes
 * the reason a note.  The library stays loaded for the launch. */
void apparmor_plan(struct plan *p, const struct config *c, struct diag *dg,
		   enum step *step)
{
	int err = 0;
	const char *why;

	if (!c->apparmor_profile)
		return;
	why = apparmor_unavailable(c->apparmor_profile, &err);
	if (!why) {
		p->apparmor_profile = c->apparmor_profile;
		p->apparmor_change_onexec = change_onexec();
	} else if (c->apparmor_optional) {
		p->apparmor_skipped = why;
	} else {
		diag_add(dg, c->at[D_APPARMOR_PROFILE],
			 "AppArmorProfile=%s: %s (%s)", c->apparmor_profile,
			 why, errno_name(err));
		p->apparmor_unavailable = why;
		p->lsm_errors++;
		plan_fail(step, STEP_APPARMOR);
	}
}
