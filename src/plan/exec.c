/* SPDX-License-Identifier: MIT */
/*
 * ExecStart= or the command line: the target, found, opened and checked
 * now (trusted_open(), as the config), so the launch executes the
 * descriptor it was given (src/apply/exec.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan.h"

/*
 * A "#!" script runs its interpreter, which must pass the same trust checks
 * as the script: otherwise whoever can write the interpreter chooses what
 * runs with the agent's privilege, at every launch.  Interpreters may be
 * scripts in turn, as deep as the kernel follows them (BINPRM_MAX_RECURSION).
 */
static bool interpreter_trusted(int fd, const char *path, struct origin at,
				struct diag *dg)
{
	char line[256], interp[256];
	int cur = fd;

	for (int depth = 0; depth < 4; depth++) {
		ssize_t n = pread(cur, line, sizeof(line) - 1, 0);
		const char *why = NULL;
		size_t i = 2, l = 0;
		int next;

		if (cur != fd)
			close(cur);
		if (n < 2 || line[0] != '#' || line[1] != '!')
			return true; /* a binary: the kernel's loader decides */
		line[n] = '\0';
		while (line[i] == ' ' || line[i] == '\t')
			i++;
		while (line[i] && line[i] != ' ' && line[i] != '\t' &&
		       line[i] != '\n' && l < sizeof(interp) - 1)
			interp[l++] = line[i++];
		interp[l] = '\0';
		if (interp[0] != '/') {
			diag_add(dg, at,
				 "%s: interpreter \"%s\" is not an "
				 "absolute path",
				 path, interp);
			return false;
		}
		next = trusted_open(interp, O_RDONLY | O_CLOEXEC, true, &why);
		if (next < 0) {
			diag_add(dg, at,
				 "%s: its interpreter %s %s (%s): it would "
				 "run with the agent's privilege",
				 path, interp, why, errno_name(-next));
			return false;
		}
		cur = next;
	}
	if (cur != fd)
		close(cur);
	diag_add(dg, at,
		 "%s: interpreters nested deeper than the kernel "
		 "follows",
		 path);
	return false;
}

void exec_plan(struct plan *p, const struct config *c, char *const *cmdline,
	       struct diag *dg, enum step *step)
{
	struct origin at = c->at[D_EXEC_START];
	const char *path;
	const char *why = NULL;
	struct stat st;
	char head[2];
	int fd;

	if (cmdline && cmdline[0]) {
		size_t n = 0;
		at = (struct origin){NULL, 0};
		path = cmdline[0];
		if (!strchr(path, '/')) {
			/* Resolved against the target's PATH, as systemd does
			 * for bare names. */
			const char *sp = env_get(p->envp, "PATH", 4);
			char *found = NULL;
			while (sp && *sp && !found) {
				size_t l = strcspn(sp, ":");
				char *cand =
					xasprintf("%.*s/%s", (int)l, sp, path);
				if (access(cand, X_OK) == 0)
					found = cand;
				else
					free(cand);
				sp += l + (sp[l] == ':');
			}
			if (!found) {
				diag_add(dg, at,
					 "command \"%s\" not found in "
					 "PATH",
					 path);
				plan_fail(step, STEP_PLAN_EXEC);
				return;
			}
			path = found;
		} else {
			path = xstrdup(path);
		}
		while (cmdline[n])
			n++;
		p->argv = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			p->argv[i] = xstrdup(cmdline[i]);
	} else if (c->exec_start.n) {
		path = xstrdup(c->exec_start.v[0].s);
		p->argv = exec_argv_build(c, p->envp, dg);
	} else {
		diag_add(dg, (struct origin){c->path, 0},
			 "no ExecStart= and no command given");
		plan_fail(step, STEP_CONFIG);
		return;
	}
	p->exec_path = path;
	if (path[0] != '/') {
		diag_add(dg, at, "\"%s\" is not an absolute path", path);
		plan_fail(step, STEP_PLAN_EXEC);
		return;
	}
	fd = trusted_open(path, O_RDONLY, true, &why);
	if (fd < 0) {
		diag_add(dg, at, "%s %s (%s)", path, why, errno_name(-fd));
		plan_fail(step, STEP_PLAN_EXEC);
		return;
	}
	if (fstat(fd, &st) < 0 || !(st.st_mode & 0111)) {
		diag_add(dg, at, "%s is not executable", path);
		plan_fail(step, STEP_PLAN_EXEC);
		close(fd);
		return;
	}
	/*
	 * A "#!" script is handed to its interpreter as /dev/fd/N, which the
	 * interpreter must still be able to open after exec: the descriptor
	 * cannot be close-on-exec then (fexecve(3)), and stays open in the
	 * script's process.  Binaries keep O_CLOEXEC.
	 */
	if (pread(fd, head, 2, 0) == 2 && head[0] == '#' && head[1] == '!') {
		int flags = fcntl(fd, F_GETFD);
		p->exec_is_script = true;
		if (!interpreter_trusted(fd, path, at, dg))
			plan_fail(step, STEP_PLAN_EXEC);
		if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) {
			diag_add(dg, at,
				 "%s: cannot prepare the script "
				 "descriptor",
				 path);
			plan_fail(step, STEP_PLAN_EXEC);
		}
	}
	p->exec_fd = fd;
	snprintf(p->exec_proc_path, sizeof(p->exec_proc_path),
		 "/proc/self/fd/%d", p->exec_fd);
}

static void argv_push(char ***v, size_t *n, const char *s, size_t len)
{
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = xstrndup(s, len);
	(*v)[*n] = NULL;
}

/*
 * systemd's variable expansion in ExecStart=: a word that is exactly $NAME
 * becomes the value split at whitespace (zero or more words); ${NAME}
 * inside a word is replaced in place; "$$" is a literal "$".  An unset
 * variable expands to nothing.
 */
char **exec_argv_build(const struct config *c, char *const *env,
		       struct diag *dg)
{
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;

	(void)dg;
	for (size_t i = 0; i < c->exec_start.n; i++) {
		const char *w = c->exec_start.v[i].s;
		size_t wl = strlen(w);

		if (i > 0 && w[0] == '$' && wl > 1 &&
		    env_name_valid(w + 1, wl - 1)) {
			const char *val = env_get(env, w + 1, wl - 1);
			while (val && *val) {
				size_t skip = strspn(val, " \t\n");
				size_t l;
				val += skip;
				l = strcspn(val, " \t\n");
				if (l)
					argv_push(&v, &n, val, l);
				val += l;
			}
			continue;
		}
		{
			char *out = xmalloc(1);
			size_t ol = 0;
			for (const char *r = w; *r;) {
				const char *add = r;
				size_t al = 1;
				if (i > 0 && r[0] == '$' && r[1] == '$') {
					r += 2;
				} else if (i > 0 && r[0] == '$' &&
					   r[1] == '{' && strchr(r, '}')) {
					const char *end = strchr(r, '}');
					const char *val =
						env_get(env, r + 2,
							(size_t)(end - r - 2));
					add = val ? val : "";
					al = strlen(add);
					r = end + 1;
				} else {
					r++;
				}
				out = xrealloc(out, ol + al + 1);
				memcpy(out + ol, add, al);
				ol += al;
			}
			argv_push(&v, &n, out, ol);
			free(out);
		}
	}
	if (c->exec_argv0 && n) {
		free(v[0]);
		v[0] = xstrdup(c->exec_argv0);
	}
	return v;
}
