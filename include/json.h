/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_JSON_H
#define OSAPI_LAUNCH_JSON_H

#include <stdio.h>

/*
 * The one JSON writer (src/lib/json.c), for --check --json and the reports
 * it includes: a string literal, escaped.  Every printer takes it from here,
 * so no report imports from another to write JSON.
 */
void json_str(FILE *out, const char *s);
/* The same, or null for NULL. */
void json_str_or_null(FILE *out, const char *s);

#endif
