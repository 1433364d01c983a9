/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"

#ifdef OSAPI_FAULT_INJECTION
int fault_armed = -1;
#endif

/* One row per step: its name in messages and its exit code.  Kept beside the
 * enum's order; a test checks every row against the man page's table. */
static const struct {
	const char *name;
	enum exit_code code;
} steps[STEP__ALL] = {
	[STEP_FDS] = {"fds", EXIT_FDS},
	[STEP_SIGNALS] = {"signals", EXIT_SIGNAL_MASK},
	[STEP_SESSION] = {"session", EXIT_SETSID},
	[STEP_STDIN] = {"stdin", EXIT_STDIN},
	[STEP_STDOUT] = {"stdout", EXIT_STDOUT},
	[STEP_STDERR] = {"stderr", EXIT_STDERR},
	[STEP_RLIMITS] = {"rlimits", EXIT_LIMITS},
	[STEP_CGROUP] = {"cgroup", EXIT_CGROUP},
	[STEP_DEVICES] = {"devices", EXIT_CGROUP},
	[STEP_IP_FILTER] = {"ip-filter", EXIT_CGROUP},
	[STEP_PERSONALITY] = {"personality", EXIT_PERSONALITY},
	[STEP_SCHED] = {"scheduler", EXIT_SETSCHEDULER},
	[STEP_NICE] = {"nice", EXIT_NICE},
	[STEP_CPU_AFFINITY] = {"cpu-affinity", EXIT_CPUAFFINITY},
	[STEP_IOPRIO] = {"ioprio", EXIT_IOPRIO},
	[STEP_TIMER_SLACK] = {"timer-slack", EXIT_TIMERSLACK},
	[STEP_OOM] = {"oom-score-adj", EXIT_OOM_ADJUST},
	[STEP_NUMA] = {"numa-policy", EXIT_NUMA_POLICY},
	[STEP_PRCTL] = {"process-flags", EXIT_GENERIC},
	[STEP_RUNTIME_DIRECTORY] = {"runtime-directory",
				    EXIT_RUNTIME_DIRECTORY},
	[STEP_STATE_DIRECTORY] = {"state-directory", EXIT_STATE_DIRECTORY},
	[STEP_CACHE_DIRECTORY] = {"cache-directory", EXIT_CACHE_DIRECTORY},
	[STEP_LOGS_DIRECTORY] = {"logs-directory", EXIT_LOGS_DIRECTORY},
	[STEP_CONFIGURATION_DIRECTORY] = {"configuration-directory",
					  EXIT_CONFIGURATION_DIRECTORY},
	[STEP_BPF_LSM] = {"restrict-filesystems", EXIT_BPF},
	[STEP_USERNS] = {"user-namespace", EXIT_USER},
	[STEP_NETWORK] = {"network-namespace", EXIT_NETWORK},
	[STEP_IPC] = {"ipc-namespace", EXIT_NAMESPACE},
	[STEP_UTS] = {"uts-namespace", EXIT_NAMESPACE},
	[STEP_NAMESPACE] = {"mount-namespace", EXIT_NAMESPACE},
	[STEP_BOUNDING_SET] = {"bounding-set", EXIT_CAPABILITIES},
	[STEP_SECUREBITS] = {"securebits", EXIT_SECUREBITS},
	[STEP_GROUPS] = {"groups", EXIT_GROUP},
	[STEP_CHANGE_ID] = {"change-id", EXIT_USER},
	[STEP_AMBIENT] = {"ambient-capabilities", EXIT_CAPABILITIES},
	[STEP_KEYRING] = {"keyring", EXIT_KEYRING},
	[STEP_WORKDIR] = {"workdir", EXIT_CHDIR},
	[STEP_UMASK] = {"umask", EXIT_GENERIC},
	[STEP_SELINUX] = {"selinux", EXIT_SELINUX},
	[STEP_APPARMOR] = {"apparmor", EXIT_APPARMOR},
	[STEP_NO_NEW_PRIVS] = {"no-new-privs", EXIT_NO_NEW_PRIVS},
	[STEP_MDWE] = {"mdwe", EXIT_SECCOMP},
	[STEP_LANDLOCK] = {"landlock", EXIT_NAMESPACE},
	[STEP_VERIFY] = {"verify", EXIT_VERIFY},
	[STEP_SECCOMP] = {"seccomp", EXIT_SECCOMP},
	[STEP_EXEC] = {"exec", EXIT_EXEC},
	[STEP_CONFIG] = {"config", EXIT_CONFIG},
	[STEP_USAGE] = {"usage", EXIT_USAGE},
	[STEP_STARTUP] = {"startup", EXIT_INSECURE},
	[STEP_PLAN_USER] = {"user", EXIT_USER},
	[STEP_PLAN_GROUP] = {"group", EXIT_GROUP},
	[STEP_PLAN_EXEC] = {"exec", EXIT_EXEC},
	[STEP_PLAN_SECCOMP] = {"seccomp", EXIT_SECCOMP},
	[STEP_PLAN_SANDBOX] = {"sandbox", EXIT_NAMESPACE},
	[STEP_PLAN_CGROUP] = {"cgroup", EXIT_CGROUP},
};

const char *step_name(enum step s)
{
	return steps[s].name;
}

enum exit_code step_exit_code(enum step s)
{
	return steps[s].code;
}

int step_by_name(const char *name)
{
	for (int i = 0; i < STEP__MAX; i++)
		if (strcmp(steps[i].name, name) == 0)
			return i;
	return -1;
}

const char *errno_name(int err)
{
	const char *n = strerrorname_np(err);
	return n ? n : "unknown errno";
}

/*
 * Called with privileges half given up as often as not, so it formats into a
 * stack buffer and writes once: no allocation, no stdio buffering state to
 * trust.
 */
void die(enum step s, int err, const char *fmt, ...)
{
	char buf[1024];
	int n, m;
	va_list ap;

	n = snprintf(buf, sizeof(buf), "osapi-launch: %s: ", steps[s].name);
	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m > 0)
		n += m;
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (err)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " (%s)",
			      errno_name(err));
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, (size_t)n) < 0) {
		/* Nothing more to say: the exit code still tells. */
	}
	_exit(steps[s].code);
}
