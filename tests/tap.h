/* SPDX-License-Identifier: MIT */
/* TAP output for the C test programs (tests/test-*.c), as tests/lib/tap.sh
 * gives the shell tests: one "ok N - ..." line per check, the plan last. */
#ifndef OSAPI_TESTS_TAP_H
#define OSAPI_TESTS_TAP_H

#include <stdbool.h>

/* Prints "ok N - what" or "not ok N - what"; returns cond. */
bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the plan; the exit status: 0 when every check passed. */
int done_testing(void);

#endif
