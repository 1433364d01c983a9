/* SPDX-License-Identifier: MIT */
/*
 * One launch, step by step: the launcher's own code (linked from the
 * build's libosapi-launch-core.a), with clock_gettime around each part,
 * then the exec.  bench/run builds it and runs it many times (a fresh
 * process each time, as a launch is) and prints the medians.
 *
 *   steps CONFIG            times one launch of CONFIG's ExecStart=
 *   steps --load CONFIG N   times N loads of each filter CONFIG compiles
 *                           to, libseccomp's and the launcher's (compacted)
 *                           program, each in a fresh child:
 *                           clock_gettime around seccomp(2)
 *
 * The apply steps are src/apply/launch.c's own sequence, run by
 * launch_observed(), which names each step before it runs: a step added
 * there is timed here without a change.  Times go to fd 2 as "step usec"
 * lines, written before the exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "plan.h"
#include "policy.h"
#include "seccomp_plan.h"
#include "steps.h"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static char out[4096];
static size_t outn;
static double last;

static void mark(const char *step)
{
	double t = now_us();
	int n = snprintf(out + outn, sizeof(out) - outn, "%s %.2f\n", step,
			 t - last);

	if (n > 0 && (size_t)n < sizeof(out) - outn)
		outn += (size_t)n;
	last = now_us();
}

/* launch_observed() names each step before it runs ("signals_apply(p)"):
 * the time since the previous call is the previous step's.  Before the
 * exec, the lines go out (write(2) is allowed by every shipped filter). */
static void observe(const char *step)
{
	static char prev[64];
	size_t n = strcspn(step, "(");

	if (prev[0])
		mark(prev);
	else
		last = now_us();
	if (n > 6 && strncmp(step + n - 6, "_apply", 6) == 0)
		n -= 6;
	snprintf(prev, sizeof(prev), "%.*s", (int)n, step);
	if (strcmp(prev, "exec") == 0 && write(2, out, outn) < 0)
		_exit(1);
}

/* plan_build_observed() names each plan step before it runs, the call as
 * written ("exec_plan(p, c, cmdline, dg, step)", "p->envp =
 * environ_build(...)"): its function's name is the row's. */
static void observe_plan(const char *step)
{
	static char prev[64];
	const char *end = strchr(step, '('), *b;
	char row[80];

	if (!end)
		end = step + strlen(step);
	for (b = end;
	     b > step && (b[-1] == '_' || (b[-1] >= 'a' && b[-1] <= 'z')); b--)
		;
	if (prev[0]) {
		snprintf(row, sizeof(row), "  plan: %s", prev);
		mark(row);
	}
	snprintf(prev, sizeof(prev), "%.*s", (int)(end - b), b);
	if (strcmp(step, "end of the plan") == 0)
		prev[0] = '\0';
}

#define STEP(name, call)                                                       \
	do {                                                                   \
		call;                                                          \
		mark(name);                                                    \
	} while (0)

/* n children, one after the other, each loading progs (none when nprog is
 * 0) after no_new_privs and exiting: us per child, fork to reaped.  What
 * the kernel does for a filter after seccomp(2) returns (freeing the JIT
 * image and the program, partly deferred to RCU and a worker on this
 * CPU) falls inside the loop. */
static double cycle(const struct sock_fprog *progs, int nprog, int n)
{
	double a = now_us();

	for (int k = 0; k < n; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			for (int i = 0; i < nprog; i++)
				if (syscall(SYS_seccomp,
					    SECCOMP_SET_MODE_FILTER, 0,
					    &progs[i]) < 0)
					_exit(1);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	return (now_us() - a) / n;
}

/* The same for a mount namespace of the child's own with the shipped
 * config's read-only binds (ProtectSystem=full): made, then torn down
 * with the child's exit, which the launch pays too (the agent's last
 * process takes the namespace with it). */
static double cycle_mountns(bool make, int n)
{
	static const char *const ro[] = {"/usr", "/boot", "/etc"};
	double a = now_us();

	for (int k = 0; k < n; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			if (!make)
				_exit(0);
			if (unshare(CLONE_NEWNS) < 0 ||
			    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) <
				    0)
				_exit(1);
			for (size_t i = 0; i < sizeof(ro) / sizeof(*ro); i++)
				if (mount(ro[i], ro[i], NULL, MS_BIND | MS_REC,
					  NULL) == 0)
					mount(NULL, ro[i], NULL,
					      MS_BIND | MS_REMOUNT | MS_RDONLY,
					      NULL);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	return (now_us() - a) / n;
}

/* Times loading each filter CONFIG compiles to, as libseccomp exports it
 * and as the launcher loads it (compacted), n times each, each in a child
 * that has only no_new_privs: what the kernel alone costs. */
static int load(const char *path, int n)
{
	struct config cfg;
	struct diag dg = {0};

	config_init(&cfg);
	if (!config_load(&cfg, path, &dg)) {
		diag_print(&dg);
		return 78;
	}
	for (int compact = 0; compact < 2; compact++) {
		struct seccomp_plan s;
		seccomp_compact_enable(compact);
		if (!seccomp_plan_build(&s, &cfg, &dg))
			return 1;
		for (int i = 0; i < s.n; i++) {
			struct sock_fprog prog = {s.prog[i].len,
						  s.prog[i].insns};
			for (int k = 0; k < n; k++) {
				int pipefd[2];
				double t;
				pid_t pid;
				if (pipe(pipefd) < 0)
					return 1;
				pid = fork();
				if (pid == 0) {
					double a;
					prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
					a = now_us();
					if (syscall(SYS_seccomp,
						    SECCOMP_SET_MODE_FILTER, 0,
						    &prog) < 0)
						_exit(1);
					t = now_us() - a;
					if (write(pipefd[1], &t, sizeof(t)) < 0)
						_exit(1);
					_exit(0);
				}
				close(pipefd[1]);
				if (read(pipefd[0], &t, sizeof(t)) == sizeof(t))
					printf("%s %s %u %.2f\n",
					       compact ? "launcher"
						       : "libseccomp",
					       s.prog[i].what, s.prog[i].len,
					       t);
				close(pipefd[0]);
				waitpid(pid, NULL, 0);
			}
		}
		/* The filters' whole cost in a process's life, against the
		 * same child without them, interleaved in rounds. */
		{
			struct sock_fprog progs[SECCOMP_MAX_PROGS];
			for (int i = 0; i < s.n; i++)
				progs[i] = (struct sock_fprog){s.prog[i].len,
							       s.prog[i].insns};
			for (int r = 0; r < 10; r++) {
				double none = cycle(progs, 0, n / 10 + 1),
				       with = cycle(progs, s.n, n / 10 + 1);
				printf("cycle %s %d %.2f\n",
				       compact ? "launcher" : "libseccomp", s.n,
				       with - none);
			}
		}
		seccomp_plan_free(&s);
	}
	for (int r = 0; r < 10; r++) {
		double none = cycle_mountns(false, n / 10 + 1),
		       with = cycle_mountns(true, n / 10 + 1);
		printf("cycle mountns 0 %.2f\n", with - none);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct plan plan;
	struct diag dg = {0};
	enum step step = STEP_CONFIG;
	struct seccomp_plan again;
	double t0;
	struct passwd *pw;
	gid_t groups[64];
	int ngroups = 64;

	if (argc == 4 && strcmp(argv[1], "--load") == 0)
		return load(argv[2], atoi(argv[3]));
	if (argc != 2)
		return 2;
	last = now_us();
	config_init(&cfg);
	plan_init(&plan);
	seccomp_cache_enable(true);
	STEP(
		"config read and trust walk",
		if (!config_load(&cfg, argv[1], &dg)) {
			diag_print(&dg);
			return 78;
		});
	/* What setpriv --init-groups costs too: the first lookup loads
	 * the NSS modules; plan_build() below repeats it warm. */
	STEP("NSS: user and groups (first lookup)",
	     pw = getpwnam(cfg.user ? cfg.user : "root");
	     if (pw) getgrouplist(pw->pw_name, pw->pw_gid, groups, &ngroups));
	/* The plan as a whole, then each of its steps below it. */
	t0 = now_us();
	last = t0;
	if (!plan_build_observed(&plan, &cfg, argv + 2, &dg, &step,
				 observe_plan)) {
		diag_print(&dg);
		return 1;
	}
	last = t0;
	mark("plan (incl. NSS again warm, binary trust, cache, rulesets)");
	/* The cache read again, alone: what plan_build() spent on it. */
	STEP("of which: filter cache read and checksum (repeated alone)",
	     seccomp_plan_build(&again, &cfg, &dg);
	     seccomp_plan_free(&again));
	fflush(NULL);
	last = now_us();
	launch_observed(&plan, observe);
}
