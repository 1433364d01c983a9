/* SPDX-License-Identifier: MIT */
/*
 * The config file: systemd's unit-file syntax with one section, [Launch].
 *
 * Why not inih, the library the design card names: Debian's libinih (r55) is
 * built with INI_MAX_LINE=200 and inline ";" comments, so a value such as
 * "ExecStart=/bin/sh -c 'a ; b'" would be cut at " ;" and long
 * SystemCallFilter= lines split in two.  Both change systemd's meaning.
 * systemd's own syntax is small (comments only at line start, backslash
 * continuation, [sections], KEY=VALUE), so it is written out here, with the
 * line number kept for every value.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

/* systemd's LONG_LINE_MAX, for the whole file. */
#define CONFIG_MAX ((size_t)1024 * 1024)

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->umask = 0022; /* systemd's default for system services */
	config_init_process(c);
}

void config_free(struct config *c)
{
	struct words *lists[] = {
		&c->exec_start,		&c->supplementary_groups,
		&c->environment,	&c->environment_files,
		&c->pass_environment,	&c->unset_environment,
		&c->syscall_filter,	&c->syscall_log,
		&c->syscall_archs,	&c->address_families,
		&c->read_write_paths,	&c->read_only_paths,
		&c->inaccessible_paths, &c->exec_paths,
		&c->no_exec_paths,
	};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		words_clear(lists[i]);
	free(c->exec_argv0);
	free(c->user);
	free(c->group);
	free(c->working_directory);
	free(c->apparmor_profile);
	free(c->selinux_context);
	free(c->net_ports);
	free(c->cgroup_parent);
	free((char *)c->path);
	words_clear(&c->dropins);
	config_free_process(c);
	words_clear(&c->device_allow);
	words_clear(&c->raw);
	free(c->ip_allow.v);
	free(c->ip_deny.v);
	words_clear(&c->restrict_filesystems);
	memset(c, 0, sizeof(*c));
}

/* systemd's WHITESPACE for unit files: isspace() would also take "\v" and
 * "\f", which systemd keeps in a value. */
static bool sd_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static char *trim(char *s)
{
	char *e;

	while (sd_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && sd_space(e[-1]))
		*--e = '\0';
	return s;
}

/*
 * systemd expands "%" specifiers in most values.  osapi-launch knows no
 * unit name or instance, so only "%%" (a literal "%") is accepted and any
 * other specifier is an error rather than text passed on unexpanded.
 */
static bool unspecify(char *v)
{
	char *w = v;

	for (char *r = v; *r; r++) {
		if (*r == '%') {
			if (r[1] != '%')
				return false;
			r++;
		}
		*w++ = *r;
	}
	*w = '\0';
	return true;
}

/* Set while a unit is read (--unit); NULL for a launcher config. */
static struct unit_import *unit;

static void note(struct words *w, const char *key, const char *value,
		 struct origin at)
{
	char *s = xasprintf("%s=%s", key, value);

	words_push(w, s, strlen(s), at, false);
	free(s);
}

static void assign(struct config *c, char *key, char *value, struct origin at,
		   struct diag *dg)
{
	const struct directive *d = directive_find(key);

	if (d && !directive_verbatim(d) && !unspecify(value)) {
		diag_add(dg, at,
			 "%s=: \"%%\" specifiers are not supported (write "
			 "\"%%%%\" for a literal \"%%\")",
			 key);
		return;
	}
	if (!d && unit && systemd_manager_directive(key)) {
		/* Type=, Restart=, ...: how systemd runs the service, which
		 * the init system running osapi-launch decides instead. */
		note(&unit->ignored, key, value, at);
		return;
	}
	if (!d && unit && unit->drop_unsupported &&
	    systemd_exec_directive(key)) {
		note(&unit->dropped, key, value, at);
		return;
	}
	if (!d) {
		if (systemd_exec_directive(key))
			diag_add(dg, at,
				 "%s= is a systemd directive that osapi-launch "
				 "does not implement; remove it%s",
				 key,
				 unit ? " (or pass --drop-unsupported to drop "
					"it knowingly)"
				      : "");
		else
			diag_add(dg, at, "unknown directive %s=", key);
		return;
	}
	if (d->parse(c, d, value, at, dg) == 0) {
		c->at[d->id] = at;
		note(&c->raw, key, value, at);
		if (unit)
			note(&unit->applied, key, value, at);
	}
}

/*
 * One physical line, cut off *p as systemd's read_line() cuts it: a line
 * ends at "\n", "\r", "\r\n" or "\n\r", so a CRLF or CR-only file has the
 * same lines under both.  NULL at the end of the text.
 */
static char *next_line(char **p)
{
	char *s = *p, *e;

	if (!*s)
		return NULL;
	e = s + strcspn(s, "\r\n");
	if (*e) {
		char first = *e;

		*e++ = '\0';
		if ((*e == '\r' || *e == '\n') && *e != first)
			e++;
	}
	*p = e;
	return s;
}

/* RFC 3629: no overlong forms, surrogates or code points past U+10FFFF,
 * which systemd's utf8_is_valid() refuses too. */
static bool utf8_valid(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u) {
		unsigned c = *u, n, cp, min;

		if (c < 0x80) {
			u++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			n = 1, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			n = 2, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			n = 3, cp = c & 0x07, min = 0x10000;
		else
			return false;
		for (unsigned i = 1; i <= n; i++) {
			if ((u[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (u[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		u += n + 1;
	}
	return true;
}

/* Where one file's parse stands between its logical lines. */
struct file_state {
	const char *file;
	const char *section; /* "[Launch]", or "[Service]" for a unit */
	bool in_section, seen_section;
};

static void parse_logical(struct config *c, struct file_state *fs, char *s,
			  struct origin at, struct diag *dg)
{
	char *eq;

	s = trim(s);
	/* A comment reaches here only behind a byte order mark; systemd
	 * ignores that line too. */
	if (!*s || *s == '#' || *s == ';')
		return;
	if (!utf8_valid(s)) {
		diag_add(dg, at, "not valid UTF-8");
		return;
	}
	if (s[0] == '[') {
		size_t sl = strlen(s);

		if (s[sl - 1] != ']')
			diag_add(dg, at, "malformed section header");
		else if (strcmp(s, fs->section) == 0)
			fs->in_section = true;
		else if (unit && (strcmp(s, "[Unit]") == 0 ||
				  strcmp(s, "[Install]") == 0))
			; /* dependencies, install: systemd's */
		else
			diag_add(dg, at, "unknown section %s (only %s is read)",
				 s, fs->section);
		fs->seen_section = true;
		if (strcmp(s, fs->section) != 0)
			fs->in_section = false;
	} else if (!(eq = strchr(s, '='))) {
		diag_add(dg, at, "expected KEY=VALUE, got \"%s\"", s);
	} else if (!fs->seen_section) {
		diag_add(dg, at,
			 "assignment outside of a section: start with %s",
			 fs->section);
	} else if (fs->in_section) {
		*eq = '\0';
		assign(c, trim(s), trim(eq + 1), at, dg);
	}
}

#define UTF8_BOM "\xef\xbb\xbf"

/*
 * systemd's line syntax (systemd.syntax(7), conf-parser.c config_parse()):
 * comment lines go before continuations are joined, so a comment inside a
 * continued line vanishes and the line goes on after it; a line continues
 * only when it ends in an unescaped backslash, so "C:\\" ends in a value
 * and "x\ " (a space after it) ends the line; the backslash becomes a space
 * and the next line is joined as it is, leading blanks and all; a
 * continuation still open at the end of the file is a line.  A value's
 * origin is the first line of its logical line.
 */
static bool parse_file(struct config *c, const char *file, char *text,
		       struct diag *dg)
{
	struct file_state fs = {file, unit ? "[Service]" : "[Launch]", false,
				false};
	char *p = text, *line, *logical = NULL;
	size_t loglen = 0, errors = dg->n;
	unsigned lineno = 0, start = 0;
	bool bom_seen = false;

	while ((line = next_line(&p))) {
		char *l = line;
		size_t len;
		bool escaped = false;

		lineno++;
		while (sd_space(*l))
			l++;
		if (*l == '#' || *l == ';')
			continue;
		l = line;
		if (!bom_seen && strncmp(l, UTF8_BOM, 3) == 0) {
			l += 3;
			bom_seen = true;
		}
		len = strlen(l);
		for (size_t i = 0; i < len; i++)
			escaped = !escaped && l[i] == '\\';
		if (!logical)
			start = lineno;
		logical = xrealloc(logical, loglen + len + 1);
		memcpy(logical + loglen, l, len + 1);
		loglen += len;
		if (escaped) {
			logical[loglen - 1] = ' ';
			continue;
		}
		parse_logical(c, &fs, logical, (struct origin){file, start},
			      dg);
		free(logical);
		logical = NULL;
		loglen = 0;
	}
	if (logical)
		parse_logical(c, &fs, logical, (struct origin){file, start},
			      dg);
	free(logical);
	return dg->n == errors;
}

/* Reads path with the trust checks; false (and a message) when it cannot
 * be read, whatever its content. */
static bool load_file(struct config *c, const char *path, const char *file,
		      struct diag *dg)
{
	const char *why = NULL;
	size_t len;
	int err = 0;
	char *text = trusted_read(path, CONFIG_MAX, &len, &why, &err);

	if (!text) {
		diag_add(dg, (struct origin){file, 0}, "%s (%s)", why,
			 errno_name(err));
		return false;
	}
	parse_file(c, file, text, dg);
	free(text);
	return true;
}

bool config_load(struct config *c, const char *path, struct diag *dg)
{
	size_t errors = dg->n;

	c->path = xstrdup(path);
	load_file(c, path, c->path, dg);
	return dg->n == errors;
}

bool config_parse_text(struct config *c, char *text, struct diag *dg)
{
	parse_file(c, c->path, text, dg);
	return dg->n == 0;
}

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

static bool words_has(const struct words *w, const char *s)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->v[i].s, s) == 0)
			return true;
	return false;
}

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
		    !words_has(&roots, real))
			push_str(&roots, real);
	if (!words_has(&roots, *own ? own : "/")) {
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
		    !words_has(&(struct words){dirs.v, i}, dirs.v[i].s))
			scan_dir(dirs.v[i].s, &v, &n, dg);
	if (n)
		qsort(v, n, sizeof(*v), dropin_cmp);
	for (size_t i = 0; i < n; i++) {
		if (v[i].masked) {
			push_str(&u->masked, v[i].path);
		} else {
			push_str(&c->dropins, v[i].path);
			push_str(&u->dropins, v[i].path);
			load_file(c, v[i].path,
				  c->dropins.v[c->dropins.n - 1].s, dg);
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
	unit = u;
	c->path = xstrdup(path);
	if (load_file(c, path, c->path, dg))
		load_dropins(c, u, dg);
	unit = NULL;
	free(abs);
	return dg->n == errors;
}

void unit_import_print(FILE *out, const struct unit_import *u)
{
	const struct {
		const char *what;
		const struct words *w;
	} parts[] = {
		{"applied", &u->applied},
		{"ignored (service manager)", &u->ignored},
		{"DROPPED (not implemented)", &u->dropped},
	};

	fputs("\nunit translation:\n", out);
	for (size_t j = 0; j < u->dropins.n; j++)
		fprintf(out, "  %-26s %s\n", "drop-in", u->dropins.v[j].s);
	for (size_t j = 0; j < u->masked.n; j++)
		fprintf(out, "  %-26s %s\n", "drop-in masked",
			u->masked.v[j].s);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (size_t j = 0; j < parts[i].w->n; j++) {
			const struct word *w = &parts[i].w->v[j];
			bool dropin = w->at.file &&
				      words_has(&u->dropins, w->at.file);

			fprintf(out, "  %-26s line %-4u %s%s%s\n",
				parts[i].what, w->at.line, w->s,
				dropin ? "  in " : "",
				dropin ? w->at.file : "");
		}
}

void unit_import_print_config(FILE *out, const char *path,
			      const struct unit_import *u)
{
	fprintf(out, "# osapi-launch config translated from %s\n", path);
	for (size_t j = 0; j < u->dropins.n; j++)
		fprintf(out, "# and its drop-in %s\n", u->dropins.v[j].s);
	for (size_t j = 0; j < u->masked.n; j++)
		fprintf(out, "# masked drop-in: %s\n", u->masked.v[j].s);
	for (size_t j = 0; j < u->ignored.n; j++)
		fprintf(out, "# ignored (service manager): %s\n",
			u->ignored.v[j].s);
	for (size_t j = 0; j < u->dropped.n; j++)
		fprintf(out, "# DROPPED (not implemented): %s\n",
			u->dropped.v[j].s);
	fputs("[Launch]\n", out);
	for (size_t j = 0; j < u->applied.n; j++)
		fprintf(out, "%s\n", u->applied.v[j].s);
}

void unit_import_free(struct unit_import *u)
{
	words_clear(&u->applied);
	words_clear(&u->ignored);
	words_clear(&u->dropped);
	words_clear(&u->dropins);
	words_clear(&u->masked);
}
