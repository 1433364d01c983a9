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
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "unit.h"

/* systemd's LONG_LINE_MAX, for the whole file. */
#define CONFIG_MAX ((size_t)1024 * 1024)

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->umask = 0022; /* systemd's default for system services */
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
	memset(c, 0, sizeof(*c));
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
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
		if (unit)
			note(&unit->applied, key, value, at);
	}
}

bool config_load(struct config *c, const char *path, struct diag *dg)
{
	const char *why = NULL;
	size_t len;
	int err = 0;
	char *text = trusted_read(path, CONFIG_MAX, &len, &why, &err);
	bool ok;

	c->path = xstrdup(path);
	if (!text) {
		diag_add(dg, (struct origin){c->path, 0}, "%s (%s)", why,
			 errno_name(err));
		return false;
	}
	ok = config_parse_text(c, text, dg);
	free(text);
	return ok;
}

bool config_parse_text(struct config *c, char *text, struct diag *dg)
{
	char *p, *logical = NULL;
	size_t loglen = 0;
	unsigned lineno = 0, start = 0;
	bool in_launch = false, seen_section = false;
	const char *section = unit ? "[Service]" : "[Launch]";

	for (p = text; *p;) {
		char *eol = strchr(p, '\n');
		char *line;
		size_t l;

		if (eol)
			*eol = '\0';
		lineno++;
		line = trim(p);
		p = eol ? eol + 1 : p + strlen(p);

		/* Comment lines are skipped even inside a continuation, as
		 * systemd does. */
		if (*line == '#' || *line == ';')
			continue;
		l = strlen(line);
		if (!logical) {
			if (l == 0)
				continue;
			start = lineno;
		}
		logical = xrealloc(logical, loglen + l + 2);
		memcpy(logical + loglen, line, l);
		loglen += l;
		logical[loglen] = '\0';
		if (loglen && logical[loglen - 1] == '\\' && *p) {
			logical[loglen - 1] = ' ';
			continue;
		}
		{
			struct origin at = {c->path, start};
			char *s = logical, *eq;

			if (s[0] == '[') {
				size_t sl = strlen(s);
				if (s[sl - 1] != ']')
					diag_add(dg, at,
						 "malformed section "
						 "header");
				else if (strcmp(s, section) == 0)
					in_launch = true;
				else if (unit && (strcmp(s, "[Unit]") == 0 ||
						  strcmp(s, "[Install]") == 0))
					; /* dependencies, install: systemd's */
				else
					diag_add(dg, at,
						 "unknown section %s (only "
						 "%s is read)",
						 s, section);
				seen_section = true;
				if (strcmp(s, section) != 0)
					in_launch = false;
			} else if (!(eq = strchr(s, '='))) {
				diag_add(dg, at,
					 "expected KEY=VALUE, got \"%s\"", s);
			} else if (!seen_section) {
				diag_add(dg, at,
					 "assignment outside of a section: "
					 "start with %s",
					 section);
			} else if (in_launch) {
				*eq = '\0';
				assign(c, trim(s), trim(eq + 1), at, dg);
			}
			free(logical);
			logical = NULL;
			loglen = 0;
		}
	}
	free(logical);
	return dg->n == 0;
}

bool config_load_unit(struct config *c, const char *path, struct unit_import *u,
		      struct diag *dg)
{
	bool ok;

	unit = u;
	ok = config_load(c, path, dg);
	unit = NULL;
	return ok;
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
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (size_t j = 0; j < parts[i].w->n; j++)
			fprintf(out, "  %-26s line %-4u %s\n", parts[i].what,
				parts[i].w->v[j].at.line, parts[i].w->v[j].s);
}

void unit_import_print_config(FILE *out, const char *path,
			      const struct unit_import *u)
{
	fprintf(out, "# osapi-launch config translated from %s\n", path);
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
}
