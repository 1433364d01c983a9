/* SPDX-License-Identifier: MIT */
/*
 * --unit FILE.service: a systemd unit and its drop-ins, found and ordered
 * as systemd finds and orders them, each read by the config's own syntax
 * layer (src/parse/config.c) with [Service] as the section.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

/* systemd's system unit search path, highest priority first, as
 * "systemd-analyze unit-paths" prints it (systemd.unit(5), "UNIT FILE LOAD
 * PATH"). */
static const char *const unit_search_path[] = {
	"/etc/systemd/system.control", "/run/systemd/system.control",
	"/run/systemd/transient",      "/run/systemd/generator.early",
	"/etc/systemd/system",	       "/etc/systemd/system.attached",
	"/run/systemd/system",	       "/run/systemd/system.attached",
	"/run/systemd/generator",      "/usr/local/lib/systemd/system",
	"/lib/systemd/system",	       "/usr/lib/systemd/system",
	"/run/systemd/generator.late",
};

static void push_str(struct words *w, const char *s)
{
	words_push(w, s, strlen(s), (struct origin){NULL, 0}, false);
}

/*
 * The drop-in directories of name under root, most specific first, as
 * systemd's dropin.c finds them: NAME.d/, for an instance the template's,
 * then for a dashed name each shorter prefix ("foo-bar-baz.service":
 * foo-bar-.service.d/, foo-.service.d/).
 */
static void name_dirs(const char *root, const char *name, struct words *dirs)
{
	const char *at = strchr(name, '@');
	const char *dot = strrchr(name, '.');
	char *d, *prefix, *dash, *built;
	bool chopped = false;

	d = xasprintf("%s/%s.d", root, name);
	push_str(dirs, d);
	free(d);
	if (!dot || dot == name)
		return;
	if (at && at + 1 != dot) { /* an instance: foo@bar.service */
		char *tmpl =
			xasprintf("%.*s%s", (int)(at + 1 - name), name, dot);
		name_dirs(root, tmpl, dirs);
		free(tmpl);
	}
	prefix = xstrndup(name, (size_t)((at ? at : dot) - name));
	for (;;) {
		size_t n;

		dash = strrchr(prefix, '-');
		if (!dash || dash == prefix) {
			free(prefix);
			return;
		}
		n = (size_t)(dash - prefix);
		if (prefix[n + 1] != '\0' || chopped) {
			prefix[n + 1] = '\0';
			break;
		}
		/* "foo-.service" itself: its own prefix is "foo-"'s parent. */
		prefix[n] = '\0';
		chopped = true;
	}
	built = xasprintf("%s%.*s%s", prefix, at ? (int)(dot - at) : 0,
			  at ? at : "", dot);
	free(prefix);
	name_dirs(root, built, dirs);
	free(built);
}

struct dropin {
	char *name; /* "10-x.conf": what overrides and what sorts */
	char *path;
	bool masked;
};

static int dropin_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dropin *)a)->name,
		      ((const struct dropin *)b)->name);
}

/* Adds the .conf entries of one drop-in directory that no directory of
 * higher priority has taken yet. */
static void scan_dir(const char *dir, struct dropin **v, size_t *n,
		     struct diag *dg)
{
	const char *why = NULL;
	int fd = trusted_dir_open(dir, &why);
	DIR *d;
	struct dirent *e;

	if (fd == -ENOENT)
		return;
	if (fd < 0) {
		diag_add(dg, (struct origin){NULL, 0},
			 "drop-in directory %s %s (%s)", dir, why,
			 errno_name(-fd));
		return;
	}
	d = fdopendir(fd);
	if (!d) {
		diag_add(dg, (struct origin){NULL, 0},
			 "drop-in directory %s cannot be read (%s)", dir,
			 errno_name(errno));
		close(fd);
		return;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name), i;
		struct stat st;
		char target[16];
		ssize_t tl;
		bool masked = false;

		/* systemd skips hidden entries and takes only ".conf". */
		if (e->d_name[0] == '.' || l < 5 ||
		    strcmp(e->d_name + l - 5, ".conf") != 0)
			continue;
		for (i = 0; i < *n; i++)
			if (strcmp((*v)[i].name, e->d_name) == 0)
				break;
		if (i < *n)
			continue; /* overridden by a higher-priority one */
		/* A symlink to /dev/null masks the name: systemd reads it as
		 * empty.  Only root's counts, as only root's files do. */
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode) && st.st_uid == 0 &&
		    (tl = readlinkat(fd, e->d_name, target,
				     sizeof(target) - 1)) > 0) {
			target[tl] = '\0';
			masked = strcmp(target, "/dev/null") == 0;
		}
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[*n] = (struct dropin){xstrdup(e->d_name),
					   xasprintf("%s/%s", dir, e->d_name),
					   masked};
		(*n)++;
	}
	closedir(d);
}

/*
 * systemd applies a unit's drop-ins after the unit, in the lexicographic
 * order of their file names whichever directory holds them; of equally
 * named ones the first found wins: search-path order, the unit's own names
 * before the top-level service.d/ (systemd.unit(5)).  The unit's own
 * directory, when outside the search path, comes first, as a
 * SYSTEMD_UNIT_PATH= naming it would put it.
 */
static void load_dropins(struct config *c, struct unit_import *u,
			 struct diag *dg)
{
	struct words roots = {0}, dirs = {0};
	const char *base = strrchr(c->path, '/') + 1;
	const char *dot = strrchr(base, '.');
	struct dropin *v = NULL;
	size_t n = 0;
	char real[PATH_MAX];
	char *own = xstrndup(c->path, (size_t)(base - 1 - c->path));

	for (size_t i = 0;
	     i < sizeof(unit_search_path) / sizeof(unit_search_path[0]); i++)
		/* Merged /usr makes /lib and /usr/lib one directory. */
		if (realpath(unit_search_path[i], real) &&
		    !words_contain(&roots, real))
			push_str(&roots, real);
	if (!words_contain(&roots, *own ? own : "/")) {
		struct words all = {0};

		push_str(&all, own);
		for (size_t i = 0; i < roots.n; i++)
			push_str(&all, roots.v[i].s);
		words_clear(&roots);
		roots = all;
	}
	for (size_t i = 0; i < roots.n; i++)
		name_dirs(roots.v[i].s, base, &dirs);
	if (dot && dot != base) /* the top-level type drop-in: service.d/ */
		for (size_t i = 0; i < roots.n; i++) {
			char *d = xasprintf("%s/%s.d", roots.v[i].s, dot + 1);
			push_str(&dirs, d);
			free(d);
		}
	for (size_t i = 0; i < dirs.n; i++)
		if (i == 0 ||
		    !words_contain(&(struct words){dirs.v, i}, dirs.v[i].s))
			scan_dir(dirs.v[i].s, &v, &n, dg);
	if (n)
		qsort(v, n, sizeof(*v), dropin_cmp);
	for (size_t i = 0; i < n; i++) {
		if (v[i].masked) {
			push_str(&u->masked, v[i].path);
		} else {
			push_str(&c->dropins, v[i].path);
			push_str(&u->dropins, v[i].path);
			config_load_file(c, v[i].path,
					 c->dropins.v[c->dropins.n - 1].s, u,
					 dg);
		}
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
	free(own);
	words_clear(&roots);
	words_clear(&dirs);
}

bool config_load_unit(struct config *c, const char *path, struct unit_import *u,
		      struct diag *dg)
{
	size_t errors = dg->n;
	char *abs = NULL;

	/* A relative --unit names a file under the cwd (issue #16): joined
	 * here, not resolved, so the trust walk still sees every component
	 * and follows no symlink. */
	if (path[0] != '/') {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd))) {
			diag_add(dg, (struct origin){NULL, 0},
				 "--unit %s: cannot resolve against the "
				 "current directory (%s)",
				 path, errno_name(errno));
			return false;
		}
		abs = xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", path);
		path = abs;
	}
	c->path = xstrdup(path);
	if (config_load_file(c, path, c->path, u, dg))
		load_dropins(c, u, dg);
	free(abs);
	return dg->n == errors;
}

void unit_import_free(struct unit_import *u)
{
	words_clear(&u->applied);
	words_clear(&u->ignored);
	words_clear(&u->dropped);
	words_clear(&u->dropins);
	words_clear(&u->masked);
}
