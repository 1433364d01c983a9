/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_SYSCALL_GROUPS_H
#define OSAPI_LAUNCH_SYSCALL_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct syscall_group {
	const char *name; /* with the leading "@" */
	const char *help;
	const char *const *members; /* NULL-terminated; "@x" nests */
};

const struct syscall_group *syscall_group_find(const char *name);
size_t syscall_group_count(void);
const struct syscall_group *syscall_group_at(size_t i);
/* Calls fn for every syscall in the group, nested groups expanded; fn may
 * see a name twice.  Returns -1 for an unknown group, or the first
 * non-zero value fn returns (which stops the walk). */
int syscall_group_expand(const char *name, int (*fn)(const char *, void *),
			 void *ud);

/* `systemd-analyze syscall-filter [GROUP...]`'s layout, or with expand
 * the sorted, unique syscalls of each group.  Returns an exit code. */
int syscall_groups_print(FILE *out, char *const *names, bool expand);

#endif
