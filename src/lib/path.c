/* SPDX-License-Identifier: MIT */
/*
 * Path prefixes, component-wise: the file system policy, both of its
 * backends and the mount namespace's read-back compare paths this way, in
 * the plan and in the launch alike (no allocation).
 */
#include <string.h>

#include "path.h"

bool path_under(const char *x, const char *a) /* x at or beneath a */
{
	size_t l = strlen(a);

	if (l == 1)
		return true;
	return strncmp(x, a, l) == 0 && (x[l] == '\0' || x[l] == '/');
}

bool path_strictly_under(const char *x, const char *a)
{
	return path_under(x, a) && strcmp(x, a) != 0;
}
