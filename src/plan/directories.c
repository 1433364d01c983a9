/* SPDX-License-Identifier: MIT */
/*
 * RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=,
 * ConfigurationDirectory=: the paths beneath this host's roots, their modes
 * and owners, for the launch to create (src/apply/directories.c says how),
 * the environment to name (src/plan/environ.c) and the sandbox to keep
 * writable (src/plan/sandbox.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan.h"

static const struct {
	const char *root, *directive, *env;
	enum step step;
} types[EXEC_DIR__MAX] = {
	[EXEC_DIR_RUNTIME] = {"/run", "RuntimeDirectory", "RUNTIME_DIRECTORY",
			      STEP_RUNTIME_DIRECTORY},
	[EXEC_DIR_STATE] = {"/var/lib", "StateDirectory", "STATE_DIRECTORY",
			    STEP_STATE_DIRECTORY},
	[EXEC_DIR_CACHE] = {"/var/cache", "CacheDirectory", "CACHE_DIRECTORY",
			    STEP_CACHE_DIRECTORY},
	[EXEC_DIR_LOGS] = {"/var/log", "LogsDirectory", "LOGS_DIRECTORY",
			   STEP_LOGS_DIRECTORY},
	[EXEC_DIR_CONFIGURATION] = {"/etc", "ConfigurationDirectory",
				    "CONFIGURATION_DIRECTORY",
				    STEP_CONFIGURATION_DIRECTORY},
};

const char *exec_dir_env_name(enum exec_dir t)
{
	return types[t].env;
}

const char *exec_dir_directive(enum exec_dir t)
{
	return types[t].directive;
}

void directories_plan(struct plan *p, struct diag *dg, enum step *step)
{
	const struct config *c = p->cfg;

	for (int t = 0; t < EXEC_DIR__MAX; t++) {
		const struct words *w = &c->exec_dirs[t];
		char root[PATH_MAX];

		if (!w->n)
			continue;
		/* The root as this host has it (/var/run style links are
		 * the system's own); refused when missing, as --check. */
		if (!realpath(types[t].root, root)) {
			diag_add(dg, w->v[0].at, "%s=: %s: %s",
				 types[t].directive, types[t].root,
				 errno_name(errno));
			if (*step == STEP__ALL)
				*step = types[t].step;
			continue;
		}
		for (size_t i = 0; i < w->n; i++) {
			struct exec_dir_plan *d;
			struct stat st;
			bool dup = false;

			for (size_t j = 0; j < p->ndirs; j++)
				dup |= p->dirs[j].type == (enum exec_dir)t &&
				       strcmp(p->dirs[j].path +
						      p->dirs[j].root_len + 1,
					      w->v[i].s) == 0;
			if (dup)
				continue;
			p->dirs = xrealloc(p->dirs,
					   (p->ndirs + 1) * sizeof(*p->dirs));
			d = &p->dirs[p->ndirs++];
			*d = (struct exec_dir_plan){
				.type = (enum exec_dir)t,
				.path = xasprintf("%s/%s",
						  strcmp(root, "/") ? root : "",
						  w->v[i].s),
				.root_len =
					strcmp(root, "/") ? strlen(root) : 0,
				.mode = c->exec_dir_mode[t],
				.uid = t == EXEC_DIR_CONFIGURATION ? 0 : p->uid,
				.gid = t == EXEC_DIR_CONFIGURATION ? 0 : p->gid,
				.empty = t == EXEC_DIR_RUNTIME &&
					 c->runtime_preserve ==
						 RUNTIME_PRESERVE_NO,
				.step = types[t].step,
			};
			/* What the launch would refuse, refused now. */
			if (lstat(d->path, &st) == 0 && !S_ISDIR(st.st_mode)) {
				diag_add(dg, w->v[i].at,
					 "%s=%s: %s exists and is not a "
					 "directory",
					 types[t].directive, w->v[i].s,
					 d->path);
				if (*step == STEP__ALL)
					*step = types[t].step;
			}
		}
	}
}

void directories_plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->ndirs; i++)
		free(p->dirs[i].path);
	free(p->dirs);
	p->dirs = NULL;
	p->ndirs = 0;
}
