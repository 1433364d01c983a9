/* SPDX-License-Identifier: MIT */
/*
 * The plan: the config resolved against this host.  Everything that can fail
 * for a reason other than the kernel refusing a privilege change fails here,
 * while nothing has been changed yet: names are resolved, files are opened
 * and checked, buffers are built.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

extern char **environ;

void plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->exec_fd = -1;
	p->status_fd = -1;
	p->apparmor_exec_fd = -1;
	p->stat_fd = -1;
	p->ctty_fd = -1;
	p->oom_fd = -1;
	p->rfs.outer_fd = p->rfs.inner_fd = -1;
	for (int fd = 0; fd < 3; fd++)
		p->stdio_fd[fd] = -1;
	sandbox_init(&p->sandbox);
}

/*
 * The plan steps, top to bottom; each facility's own in src/plan/<facility>.c.
 * Every step runs, whatever failed before, so one run reports every error
 * (as doas does); the order is only where a step reads what another
 * decided, as each comment says.
 */
bool plan_build_observed(struct plan *p, const struct config *c,
			 char *const *cmdline, struct diag *dg, enum step *step,
			 void (*observe)(const char *step))
{
	/* observe, when given (bench/steps.c), is told each plan step before
	 * it runs, as launch_observed() tells the launch steps. */
#define PSTEP(...) OBSERVED_STEP(observe, __VA_ARGS__)

	plan_init(p);
	p->cfg = c;
	*step = STEP__ALL;

	/* Who the agent is, first: the rest names the user (its home, its
	 * groups, whether the uid changes at all). */
	PSTEP(credentials_plan(p, c, dg, step));
	if (!p->user_name) {
		*step = STEP_PLAN_USER;
		return false;
	}
	PSTEP(capabilities_plan(p, c, dg, step));
	PSTEP(securebits_plan(p, c, dg, step));
	p->no_new_privs = c->no_new_privileges;
	PSTEP(rlimits_plan(p, c, dg, step));
	p->umask = c->umask;
	if (!c->working_directory)
		p->workdir = "/"; /* systemd's default for system services */
	else if (strcmp(c->working_directory, "~") == 0)
		p->workdir = p->home;
	else
		p->workdir = c->working_directory;
	p->workdir_optional = c->working_directory_optional;
	/* After the capabilities: a filter implies no_new_privs unless the
	 * target keeps CAP_SYS_ADMIN. */
	PSTEP(seccomp_plan(p, c, dg, step));
	PSTEP(mdwe_plan(p, c));
	/* Before the environment, which names them, and the sandbox, which
	 * keeps them writable. */
	PSTEP(directories_plan(p, dg, step));
	p->personality = c->personality_set ? c->personality : PER_LINUX;
	PSTEP(p->envp = environ_build(c, p, environ, dg));
	/* After the environment: a bare command name is looked up in the
	 * target's PATH, and ExecStart= expands its variables. */
	PSTEP(exec_plan(p, c, cmdline, dg, step));
	PSTEP(apparmor_plan(p, c, dg, step));
	PSTEP(selinux_plan(p, c, dg, step));
	PSTEP(cgroup_plan_build(&p->cgroup, c, dg, step));
	/* After the cgroup plan, which names the agent's v2 group. */
	PSTEP(bpf_lsm_plan(p, c, dg, step));
	/* After exec_plan: the target and its loader must stay executable,
	 * and what the exec itself opens readable. */
	PSTEP(sandbox_plan_build(p, c, dg, step));
	PSTEP(sandbox_exec_plan(p, c, dg, step));
	/* After the sandbox plan, which chose the backends. */
	PSTEP(namespaces_plan(p, c, dg, step));
	PSTEP(userns_plan(p, c, dg, step));
	/* Once the sandbox and namespace plans have said what they take. */
	PSTEP(capabilities_drop_plan(p, c, dg, step));
	/* Once the capabilities are settled. */
	PSTEP(landlock_nnp_plan(p));
	/* Last, once no_new_privs is settled: Landlock's process isolation
	 * for targets that get no file-system ruleset. */
	PSTEP(landlock_scope_plan(p));
	PSTEP(verify_plan(p, dg, step));
	/* What the caller's process state is reset to. */
	PSTEP(session_plan(p, dg, step));
	PSTEP(sched_plan(p, dg, step));
	PSTEP(oom_plan(p, dg, step));
	PSTEP(mempolicy_plan(p));
	PSTEP(prctl_plan(p));
	if (observe)
		observe("end of the plan");
#undef PSTEP
	if (dg->n && *step == STEP__ALL)
		*step = STEP_CONFIG;
	return dg->n == 0;
}

bool plan_build(struct plan *p, const struct config *c, char *const *cmdline,
		struct diag *dg, enum step *step)
{
	return plan_build_observed(p, c, cmdline, dg, step, NULL);
}

void plan_free(struct plan *p)
{
	for (char **a = p->argv; a && *a; a++)
		free(*a);
	for (char **e = p->envp; e && *e; e++)
		free(*e);
	free(p->argv);
	free(p->envp);
	free(p->groups);
	free((char *)p->user_name);
	free((char *)p->home);
	free((char *)p->shell);
	free((char *)p->exec_path);
	seccomp_plan_free(&p->seccomp);
	sandbox_plan_free(&p->sandbox);
	cgroup_plan_free(&p->cgroup);
	bpf_lsm_plan_free(&p->rfs);
	directories_plan_free(p);
	if (p->exec_fd >= 0)
		close(p->exec_fd);
	if (p->status_fd >= 0)
		close(p->status_fd);
	if (p->apparmor_exec_fd >= 0)
		close(p->apparmor_exec_fd);
	if (p->stat_fd >= 0)
		close(p->stat_fd);
	if (p->ctty_fd >= 0)
		close(p->ctty_fd);
	if (p->oom_fd >= 0)
		close(p->oom_fd);
	for (int fd = 0; fd < 3; fd++)
		if (p->stdio_fd[fd] >= 0)
			close(p->stdio_fd[fd]);
	CPU_FREE(p->cpus);
	CPU_FREE(p->cpus_read);
	plan_init(p);
}
