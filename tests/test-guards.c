/* SPDX-License-Identifier: MIT */
/*
 * The guard tables (src/lib/seccomp_guards.c) held against libseccomp's whole
 * syscall table for x86-64, x32 and i386, as TAP.  A call whose name matches
 * a restriction's pattern must be guarded on that ABI or exempted with a
 * reason; a call on the hand-checked list below must be guarded, whatever
 * the patterns say.  So a call added to the kernel and to libseccomp fails
 * here until someone decides what it means for each restriction.
 */
#include <regex.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_guards.h"
#include "tap.h"

static const struct {
	uint32_t token;
	const char *name;
	unsigned bit;
} abis[] = {
	{SCMP_ARCH_X86_64, "x86-64", 0},
	{SCMP_ARCH_X32, "x32", 0x40000000},
	{SCMP_ARCH_X86, "i386", 0},
};

/*
 * Hand-checked: calls that can produce a restriction's effect, written
 * from the kernel's own documentation of each call, independent of the
 * patterns.  "*" means every ABI that has the call.
 */
static const struct {
	enum guard_restriction r;
	const char *call;
} must[] = {
	{GR_SUID_SGID, "chmod"},
	{GR_SUID_SGID, "fchmod"},
	{GR_SUID_SGID, "fchmodat"},
	{GR_SUID_SGID, "fchmodat2"},
	{GR_SUID_SGID, "mkdir"},
	{GR_SUID_SGID, "mkdirat"},
	{GR_SUID_SGID, "mknod"},
	{GR_SUID_SGID, "mknodat"},
	{GR_SUID_SGID, "creat"},
	{GR_SUID_SGID, "open"},
	{GR_SUID_SGID, "openat"},
	{GR_SUID_SGID, "openat2"},
	{GR_SUID_SGID, "io_uring_setup"},
	{GR_SUID_SGID, "io_uring_enter"},
	{GR_MDWE, "mmap"},
	{GR_MDWE, "mmap2"},
	{GR_MDWE, "mprotect"},
	{GR_MDWE, "pkey_mprotect"},
	{GR_MDWE, "shmat"},
	{GR_MDWE, "ipc"},
	{GR_NAMESPACES, "unshare"},
	{GR_NAMESPACES, "clone"},
	{GR_NAMESPACES, "clone3"},
	{GR_NAMESPACES, "setns"},
	{GR_FAMILIES, "socket"},
	{GR_FAMILIES, "socketpair"},
	{GR_FAMILIES, "socketcall"},
	{GR_FAMILIES, "io_uring_setup"},
	{GR_REALTIME, "sched_setscheduler"},
	{GR_REALTIME, "sched_setattr"},
	{GR_PERSONALITY, "personality"},
	{GR_EXEC, "execve"},
	{GR_EXEC, "execveat"},
};

static bool exempt(const struct guard_table *t, const char *call)
{
	for (size_t i = 0; i < t->nexempt; i++)
		if (strcmp(t->exempt[i].call, call) == 0)
			return true;
	return false;
}

/* What a real attempt must meet under the restriction, for
 * tests/t/29-abi-attempts.t. */
static const char *expect(enum guard_how how)
{
	switch (how) {
	case G_FAMILY:
	case G_SOCKETCALL:
		return "EAFNOSUPPORT";
	case G_ENOSYS:
		return "ENOSYS";
	case G_EXEC:
		return "killed";
	default:
		return "EPERM";
	}
}

/* --list: directive, call, ABI mask (GA_*), expected result, one row a
 * line. */
static int list(void)
{
	for (int r = 0; r < GR__N; r++) {
		const struct guard_table *t = guard_table(r);
		for (size_t i = 0; i < t->nguards; i++)
			printf("%s\t%s\t%u\t%s\t%s\n", t->directive,
			       t->guards[i].call, t->guards[i].abis,
			       expect(t->guards[i].how),
			       t->guards[i].how == G_CREATE_MODE  ? "tmpfile"
			       : t->guards[i].how == G_IPC_SHM_X  ? "v2"
			       : t->guards[i].how == G_SOCKETCALL ? "socketpair"
			       : t->guards[i].how == G_SETNS	  ? "high"
								  : "-");
	}
	return 0;
}

int main(int argc, char **argv)
{
	regex_t re[GR__N];
	char msg[256];

	if (argc == 2 && strcmp(argv[1], "--list") == 0)
		return list();

	for (int r = 0; r < GR__N; r++)
		if (regcomp(&re[r], guard_table(r)->pattern,
			    REG_EXTENDED | REG_NOSUB) != 0)
			return 2;
	/* Every number libseccomp names on each ABI. */
	for (size_t a = 0; a < sizeof(abis) / sizeof(*abis); a++) {
		int checked[GR__N] = {0}, total = 0;
		for (int nr = 0; nr < 4096; nr++) {
			char *name = seccomp_syscall_resolve_num_arch(
				abis[a].token, (int)(nr | abis[a].bit));
			if (!name)
				continue;
			total++;
			for (int r = 0; r < GR__N; r++) {
				const struct guard_table *t = guard_table(r);
				bool guarded =
					guard_find(r, name, abis[a].token) !=
					NULL;
				if (regexec(&re[r], name, 0, NULL, 0) != 0)
					continue;
				checked[r]++;
				if (guarded || exempt(t, name))
					continue;
				snprintf(msg, sizeof(msg), "%s= on %s",
					 t->directive, abis[a].name);
				ok(0,
				   "%s: %s matches /%s/ but is neither "
				   "guarded nor exempt",
				   msg, name, t->pattern);
			}
			free(name);
		}
		snprintf(msg, sizeof(msg), "%d", total);
		ok(total > 300, "%s: libseccomp names %s calls", abis[a].name,
		   msg);
		for (int r = 0; r < GR__N; r++) {
			snprintf(msg, sizeof(msg), "%d", checked[r]);
			ok(checked[r] > 0,
			   "%s: every one of the %s calls matching %s is "
			   "guarded or exempt",
			   abis[a].name, msg, guard_table(r)->directive);
		}
	}
	/* The hand-checked list, on every ABI that has the call. */
	for (size_t i = 0; i < sizeof(must) / sizeof(*must); i++) {
		int on = 0, guarded = 0;
		for (size_t a = 0; a < sizeof(abis) / sizeof(*abis); a++) {
			int nr = seccomp_syscall_resolve_name_arch(
				abis[a].token, must[i].call);
			/* Below -10000: libseccomp's "not on this ABI"; i386's
			 * socket and ipc calls are -1xx (multiplexed). */
			if (nr == __NR_SCMP_ERROR || nr <= -10000)
				continue;
			on++;
			guarded += guard_find(must[i].r, must[i].call,
					      abis[a].token) != NULL;
		}
		ok(on > 0 && guarded == on,
		   "hand-checked: %s is guarded for %s= on every x86 ABI that "
		   "has it",
		   must[i].call, guard_table(must[i].r)->directive);
	}
	/* The tables themselves: every row names a call libseccomp knows
	 * (or carries its number), every exemption still matches its
	 * pattern, and a row's number is libseccomp's where it knows it. */
	for (int r = 0; r < GR__N; r++) {
		const struct guard_table *t = guard_table(r);
		for (size_t i = 0; i < t->nguards; i++) {
			const struct guard *g = &t->guards[i];
			int nr = seccomp_syscall_resolve_name_arch(
				SCMP_ARCH_X86_64, g->call);
			ok(seccomp_syscall_resolve_name(g->call) !=
					   __NR_SCMP_ERROR ||
				   g->generic_nr,
			   "%s= row %s: a call libseccomp knows, or a "
			   "number",
			   t->directive, g->call);
			if (g->generic_nr && nr >= 0)
				ok(nr == g->generic_nr,
				   "%s= row %s: its number is libseccomp's",
				   t->directive, g->call);
		}
		for (size_t i = 0; i < t->nexempt; i++)
			ok(regexec(&re[r], t->exempt[i].call, 0, NULL, 0) ==
					   0 &&
				   t->exempt[i].why[0],
			   "%s= exemption %s matches the pattern and says "
			   "why",
			   t->directive, t->exempt[i].call);
		regfree(&re[r]);
	}
	return done_testing();
}
