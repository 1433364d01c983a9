/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_SECCOMP_GUARDS_H
#define OSAPI_LAUNCH_SECCOMP_GUARDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The restrictions that look at arguments, as tables: for each one, every
 * system call that can produce its effect on each ABI, and how the filter
 * meets it.  The tables are what the filter is built from and what
 * --explain-syscall reads; tests/test-guards.c walks libseccomp's whole
 * syscall table for x86-64, x32 and i386 and fails when a call whose name
 * matches a restriction's pattern is neither guarded nor exempted here with
 * a reason, so a syscall added to the kernel (and to libseccomp) fails a
 * test instead of opening a hole.
 */

enum guard_restriction {
	GR_SUID_SGID,	/* RestrictSUIDSGID= */
	GR_MDWE,	/* MemoryDenyWriteExecute= */
	GR_NAMESPACES,	/* RestrictNamespaces= */
	GR_FAMILIES,	/* RestrictAddressFamilies= */
	GR_REALTIME,	/* RestrictRealtime= */
	GR_PERSONALITY, /* LockPersonality= */
	GR_EXEC,	/* the launcher's own exec, after the filters */
	GR__N,
};

enum guard_how {
	G_MODE,		/* arg a is a file mode: EPERM with S_ISUID/S_ISGID */
	G_CREATE_MODE,	/* flags in a, mode in b: EPERM when creating (O_CREAT
			   or O_TMPFILE) with S_ISUID/S_ISGID */
	G_WX,		/* arg a is prot: EPERM for PROT_WRITE|PROT_EXEC */
	G_X,		/* arg a is prot: EPERM for PROT_EXEC */
	G_SHM_X,	/* arg a is shmflg: EPERM for SHM_EXEC */
	G_IPC_SHM_X,	/* ipc(2): EPERM for SHMAT with SHM_EXEC in arg a */
	G_FAMILY,	/* arg a is an address family: EAFNOSUPPORT if denied */
	G_SOCKETCALL,	/* socketcall(2): the family is in memory, so the
			   SYS_SOCKET and SYS_SOCKETPAIR calls get
			   EAFNOSUPPORT */
	G_NS_FLAGS,	/* arg a holds CLONE_NEW* flags: EPERM if denied */
	G_SETNS,	/* arg a is nstype: EPERM if denied, and for 0 */
	G_PERSONALITY,	/* arg a: EPERM for any other personality */
	G_SCHED_POLICY, /* arg a is a policy: EPERM for a realtime one */
	G_EPERM,	/* the arguments are in memory: EPERM */
	G_ENOSYS,	/* the arguments are in memory: ENOSYS, which callers
			   (glibc, Go, liburing) take as "fall back" */
	G_EXEC,		/* the launcher's exec: see seccomp_exec_call() */
};

/* ABI masks (libseccomp's tokens are the kernel's AUDIT_ARCH values). */
#define GA_X86_64 0x01u
#define GA_X32	  0x02u
#define GA_X86	  0x04u
#define GA_S390	  0x08u /* s390 and s390x: mmap and socketcall as on x86 */
#define GA_OTHER  0x10u /* every other ABI libseccomp knows */
#define GA_ALL	  0x1fu

struct guard {
	const char *call;
	unsigned abis;
	enum guard_how how;
	unsigned char a, b;
	/* The asm-generic number (424 and up: the same on every ABI but
	 * mips and alpha) for a call an older libseccomp may not know:
	 * the filter then matches the number itself.  0: none. */
	int generic_nr;
};

struct guard_exempt {
	const char *call;
	const char *why;
};

struct guard_table {
	enum guard_restriction r;
	const char *directive;
	/* POSIX extended regex over syscall names: what might produce the
	 * restriction's effect.  Every match must be guarded or exempt. */
	const char *pattern;
	const struct guard *guards;
	size_t nguards;
	const struct guard_exempt *exempt;
	size_t nexempt;
};

const struct guard_table *guard_table(enum guard_restriction r);
/* The ABI mask bit for a libseccomp token. */
unsigned guard_abi_bit(uint32_t arch);
/* The guard for call on arch, or NULL. */
const struct guard *guard_find(enum guard_restriction r, const char *call,
			       uint32_t arch);
const char *guard_how_text(enum guard_how how);

#endif
