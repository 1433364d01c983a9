/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_UTIL_H
#define OSAPI_LAUNCH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * What the parse and plan stages build with (src/lib/util.c): allocation
 * that dies on failure, lists of words with their origin, and the
 * collected errors of a run.  Nothing here runs once launch() has started.
 */

/* Where a value came from, for messages and --check --json. */
struct origin {
	const char *file; /* NULL: built-in default or command line */
	unsigned line;
};

struct word {
	char *s;
	struct origin at;
	bool optional; /* systemd's "-" prefix */
};

struct words {
	struct word *v;
	size_t n;
};

void words_push(struct words *w, const char *s, size_t len, struct origin at,
		bool optional);
void words_clear(struct words *w);
bool words_contain(const struct words *w, const char *s);

/* Collected configuration errors: all are reported in one run, as doas does. */
struct diag {
	char **msg;
	size_t n;
};

void diag_add(struct diag *d, struct origin at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_print(const struct diag *d);
void diag_free(struct diag *d);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
