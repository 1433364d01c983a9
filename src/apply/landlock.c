/* SPDX-License-Identifier: MIT */
/*
 * Landlock (kernel >= 5.13, no privilege needed): the agent enters the
 * domain the plan built (src/plan/landlock.c), with its file system rules,
 * network port rules and scopes.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

/*
 * Enters the domain built in the plan.  After no_new_privs (the kernel
 * refuses an unprivileged process without it) and before the seccomp
 * filter, which may deny landlock_restrict_self().  The ruleset descriptor
 * is closed at once: it must not reach the agent (it is close-on-exec
 * from creation as well).
 */
void landlock_apply(const struct plan *p)
{
	const struct landlock_plan *l = &p->sandbox.landlock;

	if (l->ruleset_fd < 0)
		return;
	/* The directories created since the plan: no symlink followed, and
	 * a directory, as directories_apply() made them. */
	for (size_t i = 0; i < l->nrules; i++) {
		struct landlock_path_beneath_attr attr = {
			.allowed_access = l->rules[i].access,
		};
		if (!l->rules[i].pending)
			continue;
		attr.parent_fd =
			open(l->rules[i].path,
			     O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (attr.parent_fd < 0 ||
		    syscall(SYS_landlock_add_rule, l->ruleset_fd,
			    LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
			die(STEP_LANDLOCK, errno,
			    "Landlock: adding the rule for %s failed",
			    l->rules[i].path);
		close(attr.parent_fd);
	}
	if (INJECT(STEP_LANDLOCK) ||
	    syscall(SYS_landlock_restrict_self, l->ruleset_fd, 0) < 0)
		die(STEP_LANDLOCK, errno, "landlock_restrict_self() failed");
	if (close(l->ruleset_fd) < 0)
		die(STEP_LANDLOCK, errno, "closing the ruleset failed");
}
