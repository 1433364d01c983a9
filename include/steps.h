/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_STEPS_H
#define OSAPI_LAUNCH_STEPS_H

#include "plan.h"

/*
 * One function per kernel facility, each in the file of the same name under
 * src/apply/.  Each either succeeds or dies with its step's exit code: there is
 * no partial success to recover from (capng_change_id(3): "the only safe
 * reaction ... is to exit").  launch() in src/apply/launch.c calls them in
 * order.
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

/* Startup, before anything is read (src/apply/fds.c): fds 0-2 exist, and
 * nothing else the caller left open (but --policy-record=fd:N) is. */
void fds_close_inherited(void);
void fds_open_stdio(void);
void fds_close_inherited_except(int keep);

/* PR_SET_MDWE's flags now (src/apply/mdwe.c), for the read-back. */
int mdwe_read(void);

#endif
