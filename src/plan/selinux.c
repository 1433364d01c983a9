/* SPDX-License-Identifier: MIT */
/*
 * SELinuxContext=: whether this host can apply the context (SELinux
 * enabled, the context valid in its policy), for the exec context the
 * launch sets (src/apply/selinux.c); and SELinux's state, for preflight.
 *
 * libselinux is opened only when SELinux is mounted and the directive (or
 * --check) asks about it (include/dl.h).
 */
#include <errno.h>
#include <sys/vfs.h>

#include "plan.h"
#include "steps.h"

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>

#include "dl.h"

#define SELINUX_SONAME "libselinux.so.1"
#define SELINUX_MAGIC  0xf97cff8cU /* <linux/magic.h> SELINUX_MAGIC */
DL_NOTE(selinux_note, "selinux", "SELinuxContext=", "suggested",
	SELINUX_SONAME);

static void *lib;
static typeof(is_selinux_enabled) *p_is_selinux_enabled;
static typeof(security_getenforce) *p_security_getenforce;
static typeof(security_check_context) *p_security_check_context;
static typeof(setexeccon) *p_setexeccon;

bool selinux_built(void)
{
	return true;
}

const char *selinux_library(void)
{
	static const struct dl_symbol syms[] = {
		DL_SYM(p_is_selinux_enabled, is_selinux_enabled),
		DL_SYM(p_security_getenforce, security_getenforce),
		DL_SYM(p_security_check_context, security_check_context),
		DL_SYM(p_setexeccon, setexeccon),
	};
	return dl_open(SELINUX_SONAME, &lib, syms,
		       sizeof(syms) / sizeof(syms[0]));
}

/* selinuxfs where libselinux looks for it first (and the legacy path):
 * with neither, SELinux is off and the library need not be loaded. */
static bool selinuxfs_mounted(void)
{
	static const char *const where[] = {"/sys/fs/selinux", "/selinux"};
	struct statfs sf;

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		if (statfs(where[i], &sf) == 0 &&
		    (unsigned)sf.f_type == SELINUX_MAGIC)
			return true;
	return false;
}

int selinux_state(void)
{
	if (!selinuxfs_mounted())
		return -1;
	if (selinux_library())
		return -2;
	if (p_is_selinux_enabled() != 1)
		return -1;
	return p_security_getenforce();
}

const char *selinux_unavailable(const char *context, int *err)
{
	const char *why;

	if (!selinuxfs_mounted()) {
		*err = ENOTSUP;
		return "SELinux is not enabled on this host";
	}
	why = selinux_library();
	if (why) {
		*err = ELIBACC;
		return why;
	}
	if (p_is_selinux_enabled() != 1) {
		*err = ENOTSUP;
		return "SELinux is not enabled on this host";
	}
	if (p_security_check_context(context) < 0) {
		*err = errno ? errno : EINVAL;
		return "context is not valid in the loaded policy";
	}
	return NULL;
}

static exec_label_fn *setexeccon_fn(void)
{
	return p_setexeccon;
}
#else
/* A static build (meson -Dstatic=true, tools/build-static-musl) cannot
 * dlopen(3) the library, so it is built without it on purpose: say so, so
 * nobody goes looking for a missing package. */
#ifdef OSAPI_STATIC
#define SELINUX_NOT_BUILT                                                      \
	"osapi-launch was built without SELinux support: a static binary "     \
	"cannot load libselinux (SELinuxContext= needs the dynamically "       \
	"linked build)"
#else
#define SELINUX_NOT_BUILT "osapi-launch was built without SELinux support"
#endif

bool selinux_built(void)
{
	return false;
}

const char *selinux_library(void)
{
	return SELINUX_NOT_BUILT;
}

int selinux_state(void)
{
	return -1;
}

const char *selinux_unavailable(const char *context, int *err)
{
	(void)context;
	*err = ENOTSUP;
	return SELINUX_NOT_BUILT;
}

static exec_label_fn *setexeccon_fn(void)
{
	return NULL;
}
#endif

/* SELinuxContext=: a context valid in the loaded policy, or a reason; "-"
 * makes the reason a note.  The library stays loaded for the launch. */
void selinux_plan(struct plan *p, const struct config *c, struct diag *dg,
		  enum step *step)
{
	int err = 0;
	const char *why;

	if (!c->selinux_context)
		return;
	why = selinux_unavailable(c->selinux_context, &err);
	if (!why) {
		p->selinux_context = c->selinux_context;
		p->selinux_setexeccon = setexeccon_fn();
	} else if (c->selinux_optional) {
		p->selinux_skipped = why;
	} else {
		diag_add(dg, c->at[D_SELINUX_CONTEXT],
			 "SELinuxContext=%s: %s (%s)", c->selinux_context, why,
			 errno_name(err));
		p->selinux_unavailable = why;
		p->lsm_errors++;
		plan_fail(step, STEP_SELINUX);
	}
}
