/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_DIE_H
#define OSAPI_LAUNCH_DIE_H

#include <stdbool.h>
#include <stdint.h> /* and with it the C library's features.h: __GLIBC__ */

/* How every stage ends on an error: the launch steps, their exit codes
 * and die() (src/lib/die.c).  Allocation and diagnostics are util.h's. */

/*
 * Exit codes.  Where systemd.exec(5) has a code for the same failure we use
 * its number, so an operator who knows systemd's "status=217/USER" reads
 * ours the same way.  The table in src/lib/die.c names each one; the man page
 * osapi-launch(8) lists them.
 */
enum exit_code {
	EXIT_OK = 0,
	EXIT_GENERIC = 1,	 /* systemd EXIT_FAILURE */
	EXIT_USAGE = 64,	 /* sysexits EX_USAGE: bad command line */
	EXIT_INSECURE = 77,	 /* sysexits EX_NOPERM: setuid, AT_SECURE */
	EXIT_CONFIG = 78,	 /* sysexits EX_CONFIG: invalid config */
	EXIT_CHDIR = 200,	 /* systemd EXIT_CHDIR */
	EXIT_NICE = 201,	 /* systemd EXIT_NICE */
	EXIT_FDS = 202,		 /* systemd EXIT_FDS */
	EXIT_EXEC = 203,	 /* systemd EXIT_EXEC */
	EXIT_LIMITS = 205,	 /* systemd EXIT_LIMITS */
	EXIT_OOM_ADJUST = 206,	 /* systemd EXIT_OOM_ADJUST */
	EXIT_SIGNAL_MASK = 207,	 /* systemd EXIT_SIGNAL_MASK */
	EXIT_STDIN = 208,	 /* systemd EXIT_STDIN */
	EXIT_STDOUT = 209,	 /* systemd EXIT_STDOUT */
	EXIT_IOPRIO = 211,	 /* systemd EXIT_IOPRIO */
	EXIT_TIMERSLACK = 212,	 /* systemd EXIT_TIMERSLACK */
	EXIT_SECUREBITS = 213,	 /* systemd EXIT_SECUREBITS */
	EXIT_SETSCHEDULER = 214, /* systemd EXIT_SETSCHEDULER */
	EXIT_CPUAFFINITY = 215,	 /* systemd EXIT_CPUAFFINITY */
	EXIT_GROUP = 216,	 /* systemd EXIT_GROUP */
	EXIT_USER = 217,	 /* systemd EXIT_USER */
	EXIT_CAPABILITIES = 218, /* systemd EXIT_CAPABILITIES */
	EXIT_CGROUP = 219,	 /* systemd EXIT_CGROUP */
	EXIT_SETSID = 220,	 /* systemd EXIT_SETSID */
	EXIT_STDERR = 222,	 /* systemd EXIT_STDERR */
	EXIT_NO_NEW_PRIVS = 227, /* systemd EXIT_NO_NEW_PRIVILEGES */
	EXIT_SECCOMP = 228,	 /* systemd EXIT_SECCOMP */
	EXIT_NETWORK = 225,	 /* systemd EXIT_NETWORK */
	EXIT_NAMESPACE = 226,	 /* systemd EXIT_NAMESPACE: sandbox setup */
	EXIT_KEYRING = 237,	 /* systemd EXIT_KEYRING */
	EXIT_SELINUX = 229,	 /* systemd EXIT_SELINUX_CONTEXT */
	EXIT_PERSONALITY = 230,	 /* systemd EXIT_PERSONALITY */
	EXIT_APPARMOR = 231,	 /* systemd EXIT_APPARMOR_PROFILE */
	EXIT_RUNTIME_DIRECTORY = 233,	    /* systemd EXIT_RUNTIME_DIRECTORY */
	EXIT_STATE_DIRECTORY = 238,	    /* systemd EXIT_STATE_DIRECTORY */
	EXIT_CACHE_DIRECTORY = 239,	    /* systemd EXIT_CACHE_DIRECTORY */
	EXIT_LOGS_DIRECTORY = 240,	    /* systemd EXIT_LOGS_DIRECTORY */
	EXIT_CONFIGURATION_DIRECTORY = 241, /* systemd's, same name */
	EXIT_NUMA_POLICY = 242,		    /* systemd EXIT_NUMA_POLICY */
	EXIT_BPF = 245,			    /* systemd EXIT_BPF */
	EXIT_VERIFY = 248, /* ours: process state differs from the plan */
};

/*
 * The launch steps, in the order launch() runs them.  Each names the step in
 * messages ("osapi-launch: <step>: ...") and carries its exit code; the
 * fault-injection build can fail any of them by name.
 */
enum step {
	STEP_SIGNALS,
	STEP_SESSION,
	STEP_STDIN,
	STEP_STDOUT,
	STEP_STDERR,
	STEP_RLIMITS,
	STEP_CGROUP,
	STEP_DEVICES,
	STEP_IP_FILTER,
	STEP_PERSONALITY,
	STEP_SCHED,
	STEP_NICE,
	STEP_CPU_AFFINITY,
	STEP_IOPRIO,
	STEP_TIMER_SLACK,
	STEP_OOM,
	STEP_NUMA,
	STEP_PRCTL,
	STEP_RUNTIME_DIRECTORY,
	STEP_STATE_DIRECTORY,
	STEP_CACHE_DIRECTORY,
	STEP_LOGS_DIRECTORY,
	STEP_CONFIGURATION_DIRECTORY,
	STEP_BPF_LSM,
	STEP_USERNS,
	STEP_NETWORK,
	STEP_IPC,
	STEP_UTS,
	STEP_NAMESPACE,
	STEP_SELINUX,
	STEP_APPARMOR,
	STEP_BOUNDING_SET,
	STEP_SECUREBITS,
	STEP_GROUPS,
	STEP_CHANGE_ID,
	STEP_AMBIENT,
	STEP_KEYRING,
	STEP_WORKDIR,
	STEP_UMASK,
	STEP_NO_NEW_PRIVS,
	STEP_MDWE,
	STEP_LANDLOCK,
	STEP_FDS,
	STEP_VERIFY,
	STEP_SECCOMP,
	STEP_EXEC,
	STEP__MAX,
	/* Not launch steps, but they need a name and a code too. */
	STEP_CONFIG = STEP__MAX,
	STEP_USAGE,
	STEP_STARTUP,
	STEP_PLAN_USER,
	STEP_PLAN_GROUP,
	STEP_PLAN_EXEC,
	STEP_PLAN_SECCOMP,
	STEP_PLAN_SANDBOX,
	STEP_PLAN_CGROUP,
	STEP__ALL,
};

const char *step_name(enum step s);
enum exit_code step_exit_code(enum step s);
int step_by_name(const char *name);

/* The one way out of a failed launch: prints "osapi-launch: STEP: what (ERRNO)"
 * and exits with the step's code.  err is an errno value, or 0. */
_Noreturn void die(enum step s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "EPERM" for EPERM, "unknown errno" for a number with no name. */
const char *errno_name(int err);

#ifndef __GLIBC__
/* musl has no strerrorname_np(3): src/lib/errnames.c. */
const char *osapi_strerrorname(int err);
#define strerrorname_np osapi_strerrorname
#endif

/*
 * Fault injection, for test builds only (meson -Dfault_injection=true): the
 * step named by OSAPI_LAUNCH_FAULT fails as if its system call had returned
 * EIO, so a test can prove that every failure path stops the launch.  In a
 * release build INJECT() is the constant false and the compiler drops it.
 */
#ifdef OSAPI_FAULT_INJECTION
#include <errno.h>
extern int fault_armed;
#define INJECT(s) (fault_armed == (int)(s) ? (errno = EIO, true) : false)
#else
#define INJECT(s) false
#endif

/* One step of plan_build_observed() or launch_observed(): observe, when
 * given (bench/steps.c times the real sequences with it), is told the
 * step's call as written before it runs. */
#define OBSERVED_STEP(observe, ...)                                            \
	do {                                                                   \
		if (observe)                                                   \
			observe(#__VA_ARGS__);                                 \
		__VA_ARGS__;                                                   \
	} while (0)

#endif
