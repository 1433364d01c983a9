/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_SECCOMP_MERGE_H
#define OSAPI_LAUNCH_SECCOMP_MERGE_H

#include <stdbool.h>

#include "config.h"
#include "syscall_names.h"

/*
 * How the lines of the seccomp list directives combine, as systemd.exec(5)
 * has it (src/parse/seccomp_merge.c): one place for the filter the plan
 * builds, --explain-syscall and the exposure score, so they cannot
 * disagree.
 */

/* One word of a SystemCallFilter= or SystemCallLog= line, in order. */
struct syscall_word {
	const char *name; /* a system call or @group, ":..." cut off */
	bool add;	  /* into the set; else out of it */
	int err;	  /* ":EPERM": its errno; ":kill": -2; else -1 */
	bool invert;	  /* on a "~" line */
	bool implicit;	  /* the @default an allow list starts with */
	struct origin at; /* its line */
};

/*
 * The first line decides the mode (an allow list, or a "~" deny list);
 * later lines of the same kind add, of the other kind remove.  An allow list
 * of SystemCallFilter= (with_default) starts with @default, the calls every
 * process needs.  Calls fn for each word, that @default first; returns
 * whether any line is set, *allow_list whether the first makes an allow
 * list.
 */
bool syscall_lines_walk(const struct words *lines, bool with_default,
			bool *allow_list,
			void (*fn)(const struct syscall_word *w, void *ud),
			void *ud);

/*
 * RestrictAddressFamilies=: allowed[af] for every family number.  The first
 * line decides the mode, as above; "none" denies all and leaves the mode to
 * the next line ("none" then "~AF_X" denies AF_X only).  Returns whether
 * any line is set; *allow_list whether the result is an allow list ("none":
 * an empty one).
 */
bool address_families_merge(const struct words *lines,
			    bool allowed[ADDRESS_FAMILIES], bool *allow_list);

#endif
