/* SPDX-License-Identifier: MIT */
/*
 * --syscall-filter [--expand] [@GROUP...]: systemd's groups as
 * `systemd-analyze syscall-filter` lists them, from the table the filters
 * are built from (src/lib/syscall_groups.c).
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "syscall_groups.h"

struct names {
	const char **v;
	size_t n;
};

static int collect(const char *name, void *ud)
{
	struct names *ns = ud;

	for (size_t i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i], name) == 0)
			return 0;
	ns->v = xrealloc(ns->v, (ns->n + 1) * sizeof(*ns->v));
	ns->v[ns->n++] = name;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int print_group(FILE *out, const struct syscall_group *g, bool expand,
		       bool first)
{
	if (!first)
		fputc('\n', out);
	fprintf(out, "%s\n", g->name);
	if (expand) {
		struct names ns = {0};
		if (syscall_group_expand(g->name, collect, &ns) < 0) {
			free(ns.v);
			return -1;
		}
		if (ns.n)
			qsort(ns.v, ns.n, sizeof(*ns.v), cmp_name);
		for (size_t i = 0; i < ns.n; i++)
			fprintf(out, "    %s\n", ns.v[i]);
		free(ns.v);
		return 0;
	}
	fprintf(out, "    # %s\n", g->help);
	for (const char *const *m = g->members; *m; m++)
		fprintf(out, "    %s\n", *m);
	return 0;
}

int syscall_groups_print(FILE *out, char *const *names, bool expand)
{
	if (!names[0]) {
		for (size_t i = 0; i < syscall_group_count(); i++)
			if (print_group(out, syscall_group_at(i), expand,
					i == 0) < 0)
				return 1;
		return 0;
	}
	for (size_t i = 0; names[i]; i++) {
		const struct syscall_group *g = syscall_group_find(names[i]);
		if (!g) {
			fprintf(stderr, "osapi-launch: unknown group %s\n",
				names[i]);
			return 78;
		}
		if (print_group(out, g, expand, i == 0) < 0)
			return 1;
	}
	return 0;
}
