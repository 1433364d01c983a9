/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_SYSCALL_NAMES_H
#define OSAPI_LAUNCH_SYSCALL_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The names of the seccomp directives (src/lib/syscall_names.c). */
bool seccomp_name_known(const char *name);     /* syscall or @group */
uint32_t seccomp_arch_token(const char *name); /* 0: unknown */
const char *seccomp_arch_name(uint32_t token); /* "?": unknown */

/* Address family numbers below ADDRESS_FAMILIES have a name (AF_MAX of
 * Linux 5.19); -1: unknown. */
#define ADDRESS_FAMILIES 46
int address_family(const char *name);

struct namespace_name {
	const char *name; /* RestrictNamespaces='s "net" */
	uint64_t flag;	  /* CLONE_NEWNET */
};
extern const struct namespace_name namespace_names[];
extern const size_t namespace_count;
uint64_t namespace_flag(const char *name); /* 0: unknown */
uint64_t namespace_flags_all(void);

/* Whether name is in systemd's @known (nested groups included); whether
 * word, a system call or @group, covers the system call name. */
bool syscall_known(const char *name);
bool syscall_word_covers(const char *word, const char *name);

#endif
