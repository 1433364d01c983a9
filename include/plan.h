/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_PLAN_H
#define OSAPI_LAUNCH_PLAN_H

#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "cgroup.h"
#include "config.h"
#include "sandbox.h"
#include "seccomp_plan.h"

/*
 * Everything the launch needs, resolved to numbers, masks, open descriptors
 * and prebuilt buffers.  plan_build() may parse, resolve names, open files
 * and allocate; the apply steps only read this structure (const) so nothing
 * is parsed or allocated once the first privilege has been given up.
 */
struct plan {
	const struct config *cfg;

	/* Identity.  change_id is false when the target runs as root. */
	bool change_id;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
	const char *user_name;
	const char *home;
	const char *shell;

	/* Capabilities, as masks over capability numbers. */
	bool set_bounding;
	uint64_t bounding;  /* what CapBnd must read after the drop */
	uint64_t ambient;   /* CapAmb, and also CapInh: ambient needs both */
	uint64_t permitted; /* CapPrm/CapEff the launcher keeps up to exec */
	int last_cap;

	bool set_securebits;
	unsigned securebits;	    /* as configured: what the agent gets */
	unsigned securebits_switch; /* set before the uid change */
	unsigned securebits_verify; /* read back before exec */
	bool keep_caps_locked;	    /* the launcher switches uid itself */
	bool no_new_privs;
	bool no_new_privs_implied; /* by a seccomp directive, as systemd */
	/* MemoryDenyWriteExecute= by the kernel as well (PR_SET_MDWE). */
	bool mdwe;

	struct seccomp_plan seccomp;
	/* File system and network sandbox (src/landlock.c, src/mountns.c). */
	struct sandbox_plan sandbox;
	bool no_new_privs_for_landlock; /* implied: Landlock needs NNP */
	/* Resources (src/cgroup.c). */
	struct cgroup_plan cgroup;

	int nlimits;
	int limit_resource[RLIM_NLIMITS];
	struct rlimit limit_value[RLIM_NLIMITS];

	mode_t umask;
	const char *workdir; /* NULL: none configured and optional */
	bool workdir_optional;

	/* The target, opened and checked once; executed through exec_fd. */
	int exec_fd;
	/* For execve when SystemCallFilter= denies execveat
	 * (seccomp.exec_call). */
	char exec_proc_path[32];
	bool exec_is_script;
	const char *exec_path;
	char **argv;
	char **envp;

	/* LSM labels for the exec transition; NULL when not configured or
	 * optional and unavailable on this host. */
	const char *apparmor_profile;
	const char *apparmor_skipped; /* why an optional profile is skipped */
	const char *selinux_context;
	const char *selinux_skipped;

	/* Opened before the drop, read back just before exec. */
	int status_fd;
	int apparmor_exec_fd;
};

/* Resolves c against this host.  Errors go to dg with the step whose exit
 * code they carry in *step; returns false on any. */
bool plan_build(struct plan *p, const struct config *c, char *const *cmdline,
		struct diag *dg, enum step *step);

void plan_init(struct plan *p);
/* For the --check and error paths, and the fuzzer: the launch never frees. */
void plan_free(struct plan *p);

void plan_print(FILE *out, const struct plan *p);
struct preflight;
void plan_print_json(FILE *out, const struct plan *p, const struct diag *dg,
		     const struct preflight *pf);

const char *env_get(char *const *env, const char *name, size_t len);

/* Builds the target environment (src/environ.c). */
char **environ_build(const struct config *c, const struct plan *p,
		     char *const *caller_env, struct diag *dg);
/* systemd's $VAR / ${VAR} substitution in ExecStart= words. */
char **exec_argv_build(const struct config *c, char *const *env,
		       struct diag *dg);

#endif
