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

static void note(struct words *w, const char *key, const char *value,
		 struct origin at)
{
	/* Once per line: joined by hand, as printf's machinery made this the
	 * dearest part of the parse. */
	size_t k = strlen(key), v = strlen(value);
	char *s = xmalloc(k + v + 2);

	memcpy(s, key, k + 1);
	s[k] = '=';
	memcpy(s + k + 1, value, v + 1);
	words_push(w, s, k + v + 1, at, false);
	free(s);
}

static void assign(struct config *c, struct unit_import *unit, char *key,
		   char *value, struct origin at, struct diag *dg)
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
	struct unit_import *unit; /* --unit: what became of each line */
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
		else if (fs->unit && (strcmp(s, "[Unit]") == 0 ||
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
		assign(c, fs->unit, trim(s), trim(eq + 1), at, dg);
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
		       struct unit_import *unit, struct diag *dg)
{
	struct file_state fs = {file, unit ? "[Service]" : "[Launch]", false,
				false, unit};
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

bool config_load_file(struct config *c, const char *path, const char *file,
		      struct unit_import *unit, struct diag *dg)
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
	parse_file(c, file, text, unit, dg);
	free(text);
	return true;
}

bool config_load(struct config *c, const char *path, struct diag *dg)
{
	size_t errors = dg->n;

	c->path = xstrdup(path);
	config_load_file(c, path, c->path, NULL, dg);
	return dg->n == errors;
}

bool config_parse_text(struct config *c, char *text, struct diag *dg)
{
	parse_file(c, c->path, text, NULL, dg);
	return dg->n == 0;
}
