/* SPDX-License-Identifier: MIT */
/* Allocation and small containers for the plan phase only: nothing here is
 * called once launch() has started dropping privileges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "util.h"

static _Noreturn void out_of_memory(void)
{
	/* Before any privilege change, so exiting is the whole recovery. */
	fputs("osapi-launch: out of memory\n", stderr);
	exit(EXIT_GENERIC);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory();
	va_end(ap);
	return s;
}

void words_push(struct words *w, const char *s, size_t len, struct origin at,
		bool optional)
{
	w->v = xrealloc(w->v, (w->n + 1) * sizeof(*w->v));
	w->v[w->n].s = xstrndup(s, len);
	w->v[w->n].at = at;
	w->v[w->n].optional = optional;
	w->n++;
}

void words_clear(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].s);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

bool words_contain(const struct words *w, const char *s)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->v[i].s, s) == 0)
			return true;
	return false;
}

void diag_add(struct diag *d, struct origin at, const char *fmt, ...)
{
	va_list ap;
	char *msg, *line;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		out_of_memory();
	va_end(ap);
	if (at.file && at.line)
		line = xasprintf("%s:%u: %s", at.file, at.line, msg);
	else if (at.file)
		line = xasprintf("%s: %s", at.file, msg);
	else
		line = xstrdup(msg);
	free(msg);
	d->msg = xrealloc(d->msg, (d->n + 1) * sizeof(*d->msg));
	d->msg[d->n++] = line;
}

void diag_print(const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "osapi-launch: %s\n", d->msg[i]);
}

void diag_free(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->msg[i]);
	free(d->msg);
	d->msg = NULL;
	d->n = 0;
}
