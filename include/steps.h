/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_STEPS_H
#define OSAPI_LAUNCH_STEPS_H

#include "plan.h"

/*
 * One function per kernel facility, each in the file of the same name under
 * src/.  Each either succeeds or dies with its step's exit code: there is no
 * partial success to recover from (capng_change_id(3): "the only safe
 * reaction ... is to exit").  launch() in src/launch.c calls them in order.
 */
void fds_apply(const struct plan *p);
void signals_apply(const struct plan *p);
void session_apply(const struct plan *p);
void rlimits_apply(const struct plan *p);
void cgroup_apply(const struct plan *p);
void devices_apply(const struct plan *p);
void cgroup_skb_apply(const struct plan *p);
void bpf_lsm_apply(const struct plan *p);
void personality_apply(const struct plan *p);
void sched_apply(const struct plan *p);
void oom_apply(const struct plan *p);
void mempolicy_apply(const struct plan *p);
void prctl_apply(const struct plan *p);
void directories_apply(const struct plan *p);
void userns_apply(const struct plan *p);
void netns_apply(const struct plan *p);
void ipcns_apply(const struct plan *p);
void uts_apply(const struct plan *p);
void mountns_apply(const struct plan *p);
void keyring_apply(const struct plan *p);
void capabilities_bounding_apply(const struct plan *p);
void securebits_apply(const struct plan *p);
void credentials_groups_apply(const struct plan *p);
void credentials_change_id_apply(const struct plan *p);
void capabilities_ambient_apply(const struct plan *p);
void workdir_apply(const struct plan *p);
void umask_apply(const struct plan *p);
void selinux_apply(const struct plan *p);
void apparmor_apply(const struct plan *p);
void no_new_privs_apply(const struct plan *p);
void mdwe_apply(const struct plan *p);
void landlock_apply(const struct plan *p);
void verify_apply(const struct plan *p);
void seccomp_apply(const struct plan *p);
_Noreturn void exec_apply(const struct plan *p);

_Noreturn void launch(const struct plan *p);
/* launch() telling observe the name of each step before it runs. */
_Noreturn void launch_observed(const struct plan *p,
			       void (*observe)(const char *step));

/* Startup checks that run before anything is read (src/fds.c, src/main.c). */
void fds_close_inherited(void);

/* LSM availability, used by the plan and --check (src/apparmor.c,
 * src/selinux.c).  Each returns NULL when the label can be applied, or a
 * sentence saying why not. */
const char *apparmor_unavailable(const char *profile, int *err);
const char *selinux_unavailable(const char *context, int *err);
bool apparmor_built(void);
/* PR_SET_MDWE (src/mdwe.c): does the kernel have it; its flags now. */
bool mdwe_available(void);
int mdwe_read(void);
bool selinux_built(void);
/* Load the optional library now (include/dl.h): NULL, or why not.  The
 * unit tests call these to check every symbol resolves. */
const char *apparmor_library(void);
const char *selinux_library(void);
/* -1: SELinux off or absent; -2: on, but libselinux cannot be loaded;
 * else security_getenforce(). */
int selinux_state(void);

#endif
