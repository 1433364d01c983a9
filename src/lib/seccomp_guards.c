/* SPDX-License-Identifier: MIT */
/*
 * Which system calls each argument-checking restriction must meet, per ABI
 * (include/seccomp_guards.h).  A table, not code, so that a test can hold
 * it against libseccomp's whole syscall table (tests/test-guards.c) and a
 * real call can be made for every row (tests/abi-attempts.c).
 */
#include <seccomp.h>
#include <string.h>

#include "seccomp_guards.h"

#define N(a)   (sizeof(a) / sizeof((a)[0]))
#define GA_MEM (GA_X86 | GA_S390) /* ABIs with the old multiplexers */

static const struct guard suid_sgid[] = {
	{"chmod", GA_ALL, G_MODE, 1, 0, 0},
	{"fchmod", GA_ALL, G_MODE, 1, 0, 0},
	{"fchmodat", GA_ALL, G_MODE, 2, 0, 0},
	/* Linux 6.6; glibc 2.39 uses it for fchmodat().  libseccomp learnt
	 * it in a Debian security update that kept the version string. */
	{"fchmodat2", GA_ALL, G_MODE, 2, 0, 452},
	{"mkdir", GA_ALL, G_MODE, 1, 0, 0},
	{"mkdirat", GA_ALL, G_MODE, 2, 0, 0},
	{"mknod", GA_ALL, G_MODE, 1, 0, 0},
	{"mknodat", GA_ALL, G_MODE, 2, 0, 0},
	{"creat", GA_ALL, G_MODE, 1, 0, 0},
	{"open", GA_ALL, G_CREATE_MODE, 1, 2, 0},
	{"openat", GA_ALL, G_CREATE_MODE, 2, 3, 0},
	/* struct open_how is in memory. */
	{"openat2", GA_ALL, G_ENOSYS, 0, 0, 437},
	/* IORING_OP_OPENAT and IORING_OP_MKDIRAT take a mode the filter
	 * never sees: the ring's work is not a system call. */
	{"io_uring_setup", GA_ALL, G_ENOSYS, 0, 0, 425},
	{"io_uring_enter", GA_ALL, G_ENOSYS, 0, 0, 426},
	{"io_uring_register", GA_ALL, G_ENOSYS, 0, 0, 427},
};

static const struct guard_exempt suid_sgid_exempt[] = {
	{"open_by_handle_at", "opens an existing file; no mode, no create"},
	{"open_tree", "clones a mount; creates no file"},
	{"open_tree_attr", "clones a mount; creates no file"},
	{"mq_open", "a message queue's mode has no set-id meaning"},
	{"perf_event_open", "no file mode"},
	{"pidfd_open", "no file mode"},
	{"fsopen", "a file system context, not a file"},
};

static const struct guard mdwe[] = {
	{"mmap", GA_ALL & ~GA_MEM, G_WX, 2, 0, 0},
	/* old_mmap: its arguments are a struct in memory.  Programs for
	 * these ABIs use mmap2. */
	{"mmap", GA_MEM, G_EPERM, 0, 0, 0},
	{"mmap2", GA_ALL, G_WX, 2, 0, 0},
	{"mprotect", GA_ALL, G_X, 2, 0, 0},
	{"pkey_mprotect", GA_ALL, G_X, 2, 0, 0},
	{"shmat", GA_ALL, G_SHM_X, 2, 0, 0},
	/* ipc(SHMAT): libseccomp's own rewrite of shmat compares the call
	 * number exactly, but the kernel ignores its top 16 bits (the
	 * "version"), so the rule here masks them. */
	{"ipc", GA_MEM, G_IPC_SHM_X, 2, 0, 0},
};

static const struct guard_exempt mdwe_exempt[] = {
	{"mremap", "keeps the mapping's protection"},
	{"remap_file_pages", "keeps the mapping's protection (prot must be 0)"},
	{"map_shadow_stack", "shadow stack pages are never executable"},
};

static const struct guard namespaces[] = {
	{"unshare", GA_ALL, G_NS_FLAGS, 0, 0, 0},
	/* s390's clone() takes the stack first and the flags second. */
	{"clone", GA_ALL & ~GA_S390, G_NS_FLAGS, 0, 0, 0},
	{"clone", GA_S390, G_NS_FLAGS, 1, 0, 0},
	/* struct clone_args is in memory; glibc and Go fall back to clone. */
	{"clone3", GA_ALL, G_ENOSYS, 0, 0, 435},
	{"setns", GA_ALL, G_SETNS, 1, 0, 0},
};

static const struct guard families[] = {
	{"socket", GA_ALL, G_FAMILY, 0, 0, 0},
	/* Not in systemd's filter; only AF_UNIX and AF_TIPC implement it,
	 * and a denied family should fail the same way here. */
	{"socketpair", GA_ALL, G_FAMILY, 0, 0, 0},
	{"socketcall", GA_MEM, G_SOCKETCALL, 0, 0, 0},
	/* IORING_OP_SOCKET (Linux 6.0) creates sockets of any family. */
	{"io_uring_setup", GA_ALL, G_ENOSYS, 0, 0, 425},
	{"io_uring_enter", GA_ALL, G_ENOSYS, 0, 0, 426},
	{"io_uring_register", GA_ALL, G_ENOSYS, 0, 0, 427},
};

static const struct guard realtime[] = {
	{"sched_setscheduler", GA_ALL, G_SCHED_POLICY, 1, 0, 0},
	/* struct sched_attr is in memory. */
	{"sched_setattr", GA_ALL, G_EPERM, 0, 0, 0},
};

static const struct guard_exempt realtime_exempt[] = {
	{"sched_setparam", "keeps the policy, which the launcher reset to "
			   "SCHED_OTHER"},
	{"sched_setaffinity", "a CPU mask, not a policy"},
};

static const struct guard personality_guards[] = {
	{"personality", GA_ALL, G_PERSONALITY, 0, 0, 0},
};

/* The launcher's own exec after the filters: seccomp_exec_call() picks
 * execveat or execve, whichever the filter allows, and --check refuses a
 * filter that denies both.  Nothing is allowed behind the operator's
 * back. */
static const struct guard exec_guards[] = {
	{"execveat", GA_ALL, G_EXEC, 0, 0, 0},
	{"execve", GA_ALL, G_EXEC, 0, 0, 0},
};

static const struct guard_exempt exec_exempt[] = {
	{"kexec_load", "loads a kernel, not a program (@reboot)"},
	{"kexec_file_load", "loads a kernel, not a program (@reboot)"},
};

#define TABLE(r, d, pat, g, e)                                                 \
	{                                                                      \
		r, d, pat, g, N(g), e, N(e)                                    \
	}
#define TABLE0(r, d, pat, g)                                                   \
	{                                                                      \
		r, d, pat, g, N(g), NULL, 0                                    \
	}

static const struct guard_table tables[GR__N] = {
	TABLE(GR_SUID_SGID, "RestrictSUIDSGID",
	      "chmod|mkdir|mknod|^creat$|open|io_uring", suid_sgid,
	      suid_sgid_exempt),
	TABLE(GR_MDWE, "MemoryDenyWriteExecute",
	      "mmap|mprotect|shmat|^ipc$|remap|map_", mdwe, mdwe_exempt),
	TABLE0(GR_NAMESPACES, "RestrictNamespaces", "clone|unshare|setns",
	       namespaces),
	TABLE0(GR_FAMILIES, "RestrictAddressFamilies", "socket|io_uring",
	       families),
	TABLE(GR_REALTIME, "RestrictRealtime", "^sched_set", realtime,
	      realtime_exempt),
	TABLE0(GR_PERSONALITY, "LockPersonality", "personality",
	       personality_guards),
	TABLE(GR_EXEC, "SystemCallFilter", "exec", exec_guards, exec_exempt),
};

const struct guard_table *guard_table(enum guard_restriction r)
{
	return r < GR__N ? &tables[r] : NULL;
}

unsigned guard_abi_bit(uint32_t arch)
{
	switch (arch) {
	case SCMP_ARCH_X86_64:
		return GA_X86_64;
	case SCMP_ARCH_X32:
		return GA_X32;
	case SCMP_ARCH_X86:
		return GA_X86;
	case SCMP_ARCH_S390:
	case SCMP_ARCH_S390X:
		return GA_S390;
	default:
		return GA_OTHER;
	}
}

const struct guard *guard_find(enum guard_restriction r, const char *call,
			       uint32_t arch)
{
	const struct guard_table *t = guard_table(r);

	for (size_t i = 0; t && i < t->nguards; i++)
		if (strcmp(t->guards[i].call, call) == 0 &&
		    (t->guards[i].abis & guard_abi_bit(arch)))
			return &t->guards[i];
	return NULL;
}

const char *guard_how_text(enum guard_how how)
{
	static const char *const text[] = {
		[G_MODE] = "fails with EPERM when the mode has S_ISUID or "
			   "S_ISGID",
		[G_CREATE_MODE] = "fails with EPERM when it creates a file "
				  "(O_CREAT, O_TMPFILE) with S_ISUID or "
				  "S_ISGID",
		[G_WX] = "fails with EPERM for PROT_WRITE|PROT_EXEC",
		[G_X] = "fails with EPERM for PROT_EXEC",
		[G_SHM_X] = "fails with EPERM for SHM_EXEC",
		[G_IPC_SHM_X] = "fails with EPERM for SHMAT with SHM_EXEC",
		[G_FAMILY] = "fails with EAFNOSUPPORT for a denied family",
		[G_SOCKETCALL] = "SYS_SOCKET and SYS_SOCKETPAIR fail with "
				 "EAFNOSUPPORT (the family is in memory)",
		[G_NS_FLAGS] = "fails with EPERM for a denied namespace type",
		[G_SETNS] = "fails with EPERM for a denied namespace type or "
			    "nstype 0",
		[G_PERSONALITY] = "fails with EPERM for any other personality",
		[G_SCHED_POLICY] = "fails with EPERM for a realtime policy",
		[G_EPERM] = "fails with EPERM (its arguments are in memory)",
		[G_ENOSYS] = "fails with ENOSYS (its arguments are in memory; "
			     "callers fall back)",
		[G_EXEC] = "the launcher's own exec of the agent",
	};
	return how < N(text) && text[how] ? text[how] : "?";
}
