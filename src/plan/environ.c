/* SPDX-License-Identifier: MIT */
/*
 * The target's environment, built in the plan phase.  As under systemd it
 * starts clean: nothing from the caller passes unless PassEnvironment= names
 * it, so LD_PRELOAD, LD_LIBRARY_PATH, GCONV_PATH, IFS and friends never
 * reach the agent by accident.  Later sources override earlier ones in
 * systemd's order: defaults, PassEnvironment=, Environment=,
 * EnvironmentFile=; UnsetEnvironment= is applied last.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

#define ENV_FILE_MAX ((size_t)1024 * 1024)

struct env {
	char **v;
	size_t n;
};

static size_t name_len(const char *s)
{
	const char *eq = strchr(s, '=');
	return eq ? (size_t)(eq - s) : strlen(s);
}

static void env_set(struct env *e, const char *assignment)
{
	size_t l = name_len(assignment);

	for (size_t i = 0; i < e->n; i++) {
		if (name_len(e->v[i]) == l &&
		    strncmp(e->v[i], assignment, l) == 0) {
			free(e->v[i]);
			e->v[i] = xstrdup(assignment);
			return;
		}
	}
	e->v = xrealloc(e->v, (e->n + 2) * sizeof(*e->v));
	e->v[e->n++] = xstrdup(assignment);
	e->v[e->n] = NULL;
}

static void env_set_to(struct env *e, const char *name, const char *value)
{
	char *s = xasprintf("%s=%s", name, value);

	env_set(e, s);
	free(s);
}

/* "NAME" removes any NAME; "NAME=value" removes it only with that value. */
static void env_unset(struct env *e, const char *what)
{
	bool exact = strchr(what, '=') != NULL;
	size_t l = name_len(what);

	for (size_t i = 0; i < e->n;) {
		bool match = exact ? strcmp(e->v[i], what) == 0
				   : (name_len(e->v[i]) == l &&
				      strncmp(e->v[i], what, l) == 0);
		if (match) {
			free(e->v[i]);
			memmove(&e->v[i], &e->v[i + 1],
				(e->n - i) * sizeof(*e->v));
			e->n--;
		} else {
			i++;
		}
	}
}

const char *env_get(char *const *env, const char *name, size_t len)
{
	for (; env && *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}

char **environ_build(const struct config *c, const struct plan *p,
		     char *const *caller_env, struct diag *dg)
{
	struct env e = {0};

	e.v = xcalloc(1, sizeof(*e.v));
	/* systemd's default search path, /usr/sbin and /sbin included: the
	 * agent's providers run sysctl, useradd and the like by name. */
	env_set(&e, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		    "/sbin:/bin");
	env_set_to(&e, "HOME", p->home);
	env_set_to(&e, "USER", p->user_name);
	env_set_to(&e, "LOGNAME", p->user_name);
	env_set_to(&e, "SHELL", p->shell);
	/* systemd's $RUNTIME_DIRECTORY, $STATE_DIRECTORY, ...: the full
	 * paths of each type, ":"-separated; Environment= may override. */
	for (int t = 0; t < EXEC_DIR__MAX; t++) {
		char *v = NULL;
		for (size_t i = 0; i < p->ndirs; i++) {
			char *n;
			if (p->dirs[i].type != (enum exec_dir)t)
				continue;
			n = v ? xasprintf("%s:%s", v, p->dirs[i].path)
			      : xasprintf("%s=%s", exec_dir_env_name(t),
					  p->dirs[i].path);
			free(v);
			v = n;
		}
		if (v)
			env_set(&e, v);
		free(v);
	}

	for (size_t i = 0; i < c->pass_environment.n; i++) {
		const char *n = c->pass_environment.v[i].s;
		const char *v = env_get(caller_env, n, strlen(n));
		if (v)
			env_set_to(&e, n, v);
	}
	for (size_t i = 0; i < c->environment.n; i++)
		env_set(&e, c->environment.v[i].s);
	for (size_t i = 0; i < c->environment_files.n; i++) {
		const struct word *f = &c->environment_files.v[i];
		const char *why = NULL;
		int err = 0;
		size_t len;
		char *text = trusted_read(f->s, ENV_FILE_MAX, &len, &why, &err);
		struct words w = {0};

		if (!text) {
			if (f->optional && err == ENOENT)
				continue;
			diag_add(dg, f->at, "EnvironmentFile=%s: %s (%s)", f->s,
				 why, errno_name(err));
			continue;
		}
		if (parse_env_file(text, f->s, &w, dg) == 0)
			for (size_t j = 0; j < w.n; j++)
				env_set(&e, w.v[j].s);
		words_clear(&w);
		free(text);
	}
	for (size_t i = 0; i < c->unset_environment.n; i++)
		env_unset(&e, c->unset_environment.v[i].s);
	return e.v;
}
