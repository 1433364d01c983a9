/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_PATH_H
#define OSAPI_LAUNCH_PATH_H

#include <stdbool.h>

/* Whether canonical path x is a (at or beneath it: "/a/b" is under "/a",
 * "/ab" is not; everything is under "/"), and beneath it but not a itself
 * (src/lib/path.c). */
bool path_under(const char *x, const char *a);
bool path_strictly_under(const char *x, const char *a);

#endif
