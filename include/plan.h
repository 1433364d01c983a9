/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_PLAN_H
#define OSAPI_LAUNCH_PLAN_H

#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "bpf_lsm.h"
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
/* An LSM library's call that sets the label of the next exec. */
typedef int exec_label_fn(const char *label);

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
	/* File system and network sandbox (src/plan/sandbox.c). */
	struct sandbox_plan sandbox;
	bool no_new_privs_for_landlock; /* implied: Landlock needs NNP */
	/* Resources (src/plan/cgroup.c). */
	struct cgroup_plan cgroup;

	int nlimits;
	int limit_resource[RLIM_NLIMITS];
	struct rlimit limit_value[RLIM_NLIMITS];
	const char *limit_name[RLIM_NLIMITS]; /* "LimitNOFILE", for messages */

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
	/* Why a required label cannot be applied on this host; each also
	 * made a plan error (lsm_errors of them), which --check reports as
	 * a preflight finding instead, so the rest of the host is checked. */
	const char *apparmor_unavailable;
	const char *selinux_unavailable;
	size_t lsm_errors;
	const char *selinux_context;
	const char *selinux_skipped;
	/* The libraries' exec label setters, found by the plan (dlopen(3),
	 * src/plan/apparmor.c, src/plan/selinux.c) when a label is set:
	 * aa_change_onexec(3), setexeccon(3). */
	exec_label_fn *apparmor_change_onexec;
	exec_label_fn *selinux_setexeccon;

	/* Opened before the drop, read back just before exec. */
	int status_fd;
	int apparmor_exec_fd;
	int stat_fd; /* /proc/self/stat: session, tty, nice, policy */

	/* Session and terminal (src/plan/session.c). */
	int session_action; /* enum session_action */
	int ctty_fd;	    /* the controlling terminal, for TIOCNOTTY */
	int stdio_fd[3];    /* dup2'd onto 0-2; -1: keep what is there */

	/* Inherited process state reset to the defaults a service gets from
	 * PID 1 (src/apply/personality.c, src/plan/sched.c, src/plan/oom.c,
	 * src/apply/mempolicy.c, src/apply/prctl.c). */
	int sched_policy; /* with SCHED_RESET_ON_FORK if it must stay */
	int nice;
	cpu_set_t *cpus; /* every possible CPU */
	cpu_set_t *cpus_read;
	size_t cpus_size;
	int oom_fd;
	int oom_score_adj;
	bool numa;	 /* set_mempolicy(2) exists here */
	bool ksm;	 /* PR_SET_MEMORY_MERGE exists here */
	bool io_flusher; /* PR_SET_IO_FLUSHER exists and may be cleared */

	/* Namespaces and the keyring (src/apply/netns.c, src/apply/ipcns.c,
	 * src/apply/uts.c, src/apply/keyring.c): the namespaces the launch
	 * creates, the launcher's own (the agent's must differ,
	 * src/apply/verify.c), and the caller's session keyring, which the
	 * agent's must not be. */
	unsigned long new_ns;	      /* CLONE_NEWNET | CLONE_NEWIPC | ... */
	unsigned long long ns_ino[3]; /* net, ipc, uts */
	int32_t caller_keyring;
	/* What the process directives set instead of the default (the
	 * reset's value when none is configured). */
	int sched_priority;
	int ioprio;		   /* IOPRIO_PRIO_VALUE(class, data) */
	unsigned long timer_slack; /* nanoseconds */
	unsigned long personality;
	bool cpus_configured; /* CPUAffinity=: read back as a subset */

	/* PrivateUsers= (src/plan/userns.c): the maps the helper writes,
	 * formatted here; the overflow gid unmapped groups read as
	 * (src/apply/verify.c). */
	bool userns;
	char userns_uid_path[32], userns_gid_path[32];
	char userns_uid_map[64], userns_gid_map[64];
	unsigned overflow_gid;
	unsigned long long userns_host_ino;

	/* RestrictFileSystems= (src/plan/bpf_lsm.c). */
	struct bpf_lsm_plan rfs;

	/* RuntimeDirectory=, StateDirectory=, ... (src/plan/directories.c). */
	struct exec_dir_plan *dirs;
	size_t ndirs;
};

struct exec_dir_plan {
	enum exec_dir type;
	char *path;	 /* the root's real path, then the configured one */
	size_t root_len; /* the root's part of path: created as is */
	mode_t mode;
	uid_t uid; /* root for ConfigurationDirectory= */
	gid_t gid;
	bool empty;	/* RuntimeDirectoryPreserve=no: emptied first */
	enum step step; /* whose exit code a failure carries */
};

enum session_action {
	SESSION_SETSID, /* a new session: no controlling terminal */
	SESSION_NOTTY,	/* a process-group leader: TIOCNOTTY only */
	SESSION_LEADER, /* already a session leader: TIOCNOTTY if any */
};

/* Collects the first error's step, whose exit code the launch ends with. */
static inline void plan_fail(enum step *step, enum step s)
{
	if (*step == STEP__ALL)
		*step = s;
}

/* Resolves c against this host.  Errors go to dg with the step whose exit
 * code they carry in *step; returns false on any. */
bool plan_build(struct plan *p, const struct config *c, char *const *cmdline,
		struct diag *dg, enum step *step);
/* plan_build() telling observe the name of each plan step before it runs
 * (bench/steps.c times the plan with it). */
bool plan_build_observed(struct plan *p, const struct config *c,
			 char *const *cmdline, struct diag *dg, enum step *step,
			 void (*observe)(const char *step));

void plan_init(struct plan *p);
/* For the --check and error paths, and the fuzzer: the launch never frees. */
void plan_free(struct plan *p);

/* --check: the plan as text and as JSON (src/report/check.c,
 * src/report/check_json.c). */
void plan_print(FILE *out, const struct plan *p, bool verbose);
struct preflight;
void plan_print_json(FILE *out, const struct plan *p, const struct diag *dg,
		     const struct preflight *pf);
/* "file:line" of a directive, or "default" (src/report/check.c). */
const char *origin_text(const struct origin *at, char *buf, size_t len);

/*
 * The plan steps, one per facility, each in src/plan/<facility>.c and
 * called by plan_build() in src/plan/plan.c.  They resolve the config
 * against this host for the launch step of the same name
 * (src/apply/<facility>.c); an error goes to dg with plan_fail().
 */
void credentials_plan(struct plan *p, const struct config *c, struct diag *dg,
		      enum step *step);
void capabilities_plan(struct plan *p, const struct config *c, struct diag *dg,
		       enum step *step);
void capabilities_drop_plan(struct plan *p, const struct config *c,
			    struct diag *dg, enum step *step);
void securebits_plan(struct plan *p, const struct config *c, struct diag *dg,
		     enum step *step);
void rlimits_plan(struct plan *p, const struct config *c, struct diag *dg,
		  enum step *step);
void seccomp_plan(struct plan *p, const struct config *c, struct diag *dg,
		  enum step *step);
void mdwe_plan(struct plan *p, const struct config *c);
void exec_plan(struct plan *p, const struct config *c, char *const *cmdline,
	       struct diag *dg, enum step *step);
void apparmor_plan(struct plan *p, const struct config *c, struct diag *dg,
		   enum step *step);
void selinux_plan(struct plan *p, const struct config *c, struct diag *dg,
		  enum step *step);
void sandbox_exec_plan(struct plan *p, const struct config *c, struct diag *dg,
		       enum step *step);
void landlock_nnp_plan(struct plan *p);
void verify_plan(struct plan *p, struct diag *dg, enum step *step);
/* The reset steps: decide from the caller's state what the launch changes,
 * open what it needs while root. */
void session_plan(struct plan *p, struct diag *dg, enum step *step);
void sched_plan(struct plan *p, struct diag *dg, enum step *step);
void oom_plan(struct plan *p, struct diag *dg, enum step *step);
void mempolicy_plan(struct plan *p);
void prctl_plan(struct plan *p);
/* Namespaces, RemoveIPC=, the capabilities ProtectClock= takes away, the
 * caller's session keyring (src/plan/namespaces.c). */
void namespaces_plan(struct plan *p, const struct config *c, struct diag *dg,
		     enum step *step);
void userns_plan(struct plan *p, const struct config *c, struct diag *dg,
		 enum step *step);
/* RuntimeDirectory= and friends (src/plan/directories.c): the paths, owners
 * and modes, and the *_DIRECTORY environment variables. */
void directories_plan(struct plan *p, struct diag *dg, enum step *step);
void directories_plan_free(struct plan *p);
const char *exec_dir_env_name(enum exec_dir t);
const char *exec_dir_directive(enum exec_dir t);
/* Whether the launcher holds cap in its effective set now
 * (src/plan/capabilities.c). */
bool plan_has_cap(int cap);
/* The timer slack every task starts from: init_task's 50 us. */
#define TIMER_SLACK_DEFAULT_NS 50000UL

/* Builds the target environment (src/plan/environ.c). */
const char *env_get(char *const *env, const char *name, size_t len);
char **environ_build(const struct config *c, const struct plan *p,
		     char *const *caller_env, struct diag *dg);
/* systemd's $VAR / ${VAR} substitution in ExecStart= words
 * (src/plan/exec.c). */
char **exec_argv_build(const struct config *c, char *const *env,
		       struct diag *dg);

/* LSM availability, for the plan and --check (src/plan/apparmor.c,
 * src/plan/selinux.c).  Each returns NULL when the label can be applied,
 * or a sentence saying why not. */
const char *apparmor_unavailable(const char *profile, int *err);
const char *selinux_unavailable(const char *context, int *err);
bool apparmor_built(void);
bool selinux_built(void);
/* Load the optional library now (include/dl.h): NULL, or why not.  The
 * unit tests call these to check every symbol resolves. */
const char *apparmor_library(void);
const char *selinux_library(void);
/* -1: SELinux off or absent; -2: on, but libselinux cannot be loaded;
 * else security_getenforce(). */
int selinux_state(void);

/* The session keyring's id, 0 when none (src/lib/keyring.c): the caller's
 * in the plan, the new one in the launch's read-back. */
int32_t keyring_session_id(void);

#endif
