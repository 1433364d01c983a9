/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_SECCOMP_PLAN_H
#define OSAPI_LAUNCH_SECCOMP_PLAN_H

#include <stdio.h>

#include "config.h"
#include "syscall_names.h"

struct plan;

/* One compiled filter, exported from libseccomp in the plan phase so the
 * apply phase only hands a prebuilt program to the kernel. */
struct seccomp_prog {
	const char *what;
	void *insns; /* struct sock_filter[] */
	unsigned short len;
	void *ctx; /* scmp_filter_ctx, kept for --print-filter */
};

#define SECCOMP_MAX_PROGS 3

struct seccomp_entry {
	char *name;
	int err; /* -1: the default action, -2: kill, else an errno */
};

struct seccomp_plan {
	int n;
	struct seccomp_prog prog[SECCOMP_MAX_PROGS];
	bool allow_list;		/* SystemCallFilter= mode */
	struct seccomp_entry *syscalls; /* the resolved SystemCallFilter= set */
	size_t nsyscalls;
	int default_errno; /* 0: kill the process */
	int enosys_above;  /* native calls above this number get ENOSYS */
	/* seccomp_exec_call(): set by seccomp_plan_build(), or read from
	 * the cache with the filters. */
	const char *exec_call;
	/* Whether the filters let write(2) through: die() needs it if the
	 * exec itself fails. */
	bool write_ok;
	uint32_t archs[8];
	int narchs;
	/* --learn: the main filter notifies a supervising parent of every
	 * call instead of deciding (src/report/learn.c). */
	int learn_prog;	       /* index in prog[], or -1 */
	int learn_to_parent;   /* pipe: the listener's fd number */
	int learn_from_parent; /* pipe: the parent holds the listener */
	int learn_pipes[2];    /* the parent's ends */
};

bool seccomp_plan_build(struct seccomp_plan *s, const struct config *c,
			struct diag *dg);
void seccomp_plan_free(struct seccomp_plan *s);

/* --learn (src/report/learn.c, src/plan/seccomp.c). */
void seccomp_learn_enable(void);
bool seccomp_learning(void);
/* The resolved allow (or deny) set, for the learn report. */
bool seccomp_filter_allows(const struct seccomp_plan *s, const char *name);

/* The call the launcher execs the agent with once the filters are loaded:
 * "execveat" or "execve", whichever SystemCallFilter= allows; NULL when it
 * denies both, which the plan refuses. */
const char *seccomp_exec_call(const struct config *c);
/* Whether SystemCallFilter= lets name through, merged as systemd merges. */
bool seccomp_config_allows(const struct config *c, const char *name);
/* Whether the filters let the native ABI through (the launcher's own). */
bool seccomp_covers_native(const struct seccomp_plan *s);

/* --explain-syscall: which line decides what happens to a call. */
int seccomp_explain(FILE *out, const struct config *c, const char *name);

/* The compiled-filter cache (src/plan/seccomp_cache.c); off unless enabled. */
void seccomp_cache_enable(bool on);
const char *seccomp_cache_status(void);
bool seccomp_cache_lookup(struct seccomp_plan *s, const struct config *c);
void seccomp_cache_store(const struct seccomp_plan *s, const struct config *c);
/* The main filter as an equal range tree (src/plan/seccomp_compact.c): false,
 * and the program untouched, when it looks at more than arch and nr or
 * would not get shorter.  Off only for the tests that compare. */
struct sock_filter;
bool seccomp_bpf_compact(struct sock_filter **insns, unsigned short *len);
/* Any program shortened by rewrites that keep every path's result (the
 * restrictions filter's argument tests); false, and the program untouched,
 * when it holds other instructions or nothing is gained.  Off with
 * seccomp_compact_enable(false). */
bool seccomp_bpf_peephole(struct sock_filter **insns, unsigned short *len);
void seccomp_compact_enable(bool on);
void seccomp_print(FILE *out, const struct seccomp_plan *s);
int seccomp_print_pfc(FILE *out, const struct seccomp_plan *s);

#endif
