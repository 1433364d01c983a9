/* SPDX-License-Identifier: MIT */
/*
 * SELinuxContext=: the exec context (setexeccon(3)), applied at execveat()
 * like the AppArmor label, so the launcher itself never runs in the agent's
 * domain.
 */
#include <errno.h>

#include "steps.h"

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>

bool selinux_built(void)
{
	return true;
}

const char *selinux_unavailable(const char *context, int *err)
{
	if (is_selinux_enabled() != 1) {
		*err = ENOTSUP;
		return "SELinux is not enabled on this host";
	}
	if (security_check_context(context) < 0) {
		*err = errno ? errno : EINVAL;
		return "context is not valid in the loaded policy";
	}
	return NULL;
}

/* Before the uid change: libselinux may allocate. */
void selinux_apply(const struct plan *p)
{
	if (!p->selinux_context)
		return;
	if (INJECT(STEP_SELINUX) || setexeccon(p->selinux_context) < 0)
		die(STEP_SELINUX, errno, "setexeccon(%s) failed",
		    p->selinux_context);
}
#else
bool selinux_built(void)
{
	return false;
}

const char *selinux_unavailable(const char *context, int *err)
{
	(void)context;
	*err = ENOTSUP;
	return "osapi-launch was built without SELinux support";
}

void selinux_apply(const struct plan *p)
{
	if (p->selinux_context)
		die(STEP_SELINUX, ENOTSUP, "built without SELinux support");
}
#endif
