/* SPDX-License-Identifier: MIT */
/*
 * The launch sequence, top to bottom.  Every step either succeeds or ends
 * the process with its own exit code (die()); there is no partial success to
 * clean up, and nothing is parsed, resolved or allocated from the first step
 * on: all of that happened in plan_build().
 */
#include "policy.h"
#include "steps.h"

_Noreturn void launch_observed(const struct plan *p,
			       void (*observe)(const char *step))
{
	/* observe, when given (bench/steps.c), is told each step before it
	 * runs: it times this sequence, not a copy of it that would drift. */
#define STEP(...) OBSERVED_STEP(observe, __VA_ARGS__)

	/* The caller's blocked and ignored signals would survive exec. */
	STEP(signals_apply(p));
	/* A session of its own and no terminal it could read, as systemd
	 * gives every service, first as in its exec child: nothing later
	 * needs the terminal (die() still writes to stderr, now write-only).
	 * After signals_apply(), whose empty mask lets the SIGHUP that
	 * TIOCNOTTY sends a session leader be discarded while ignored.  The
	 * replacement descriptors were opened in the plan, as root. */
	STEP(session_apply(p));
	/* Hard limits can only be raised while root. */
	STEP(rlimits_apply(p));
	/* Into the agent's cgroup while root (the cgroup files are root's)
	 * and before ProtectControlGroups= makes them read-only. */
	STEP(cgroup_apply(p));
	/* DevicePolicy= on cgroup v2: the group exists now (v1's devices
	 * controller was written by cgroup_apply()); bpf(2) needs the root
	 * that loaded the program in the plan. */
	STEP(devices_apply(p));
	/* IPAddressDeny=: likewise on the v2 group (the unified hierarchy
	 * of a hybrid host), which cgroup_apply() made and joined. */
	STEP(cgroup_skb_apply(p));
	/* The caller's personality, scheduling, memory and process flags
	 * survive exec: back to a PID 1 child's.  While root: lowering
	 * oom_score_adj or a nice value and clearing PR_SET_IO_FLUSHER need
	 * capabilities; after cgroup_apply(), as joining a cpuset rewrites
	 * the CPU affinity that sched_apply() resets. */
	STEP(personality_apply(p));
	STEP(sched_apply(p));
	STEP(oom_apply(p));
	STEP(mempolicy_apply(p));
	STEP(prctl_apply(p));
	/* RuntimeDirectory= and friends: created and chowned as root, and
	 * before the mount namespace, whose read-write binds of them under
	 * ProtectSystem=strict need them to exist. */
	STEP(directories_apply(p));
	/* RestrictFileSystems=: the agent group's entry in the pinned BPF
	 * LSM map.  bpf(2) needs root in the host's user namespace
	 * (kernel.unprivileged_bpf_disabled), so before userns_apply(); as
	 * late as that allows, since from here on the launcher's own opens
	 * are checked too (the namespace steps below open little, and what
	 * the plan opened stays open).  systemd's limit holds from the
	 * service's first instruction; here from this step to the agent's
	 * last, exec of its binary included. */
	STEP(bpf_lsm_apply(p));
	/* The network, IPC and UTS namespaces need CAP_SYS_ADMIN (and lo's
	 * flags CAP_NET_ADMIN): root still.  Before the mount namespace,
	 * which mounts /dev/mqueue for the new IPC namespace and would
	 * otherwise show the host's. */
	/* PrivateUsers=: the user namespace first, as systemd, so the
	 * namespaces below belong to it and its root sets them up; after
	 * the steps above, which act on host objects as host root. */
	STEP(userns_apply(p));
	STEP(netns_apply(p));
	STEP(ipcns_apply(p));
	STEP(uts_apply(p));
	/* The agent's own mount namespace, while the launcher still holds
	 * CAP_SYS_ADMIN and CAP_MKNOD: private first, so nothing reaches the
	 * host, then the sandbox's mounts, built in the plan. */
	STEP(mountns_apply(p));
	/* MAC labels for the exec transition: libselinux and libapparmor
	 * allocate, so they go before the drop; the labels only take effect
	 * at exec, so the steps below still run unconfined. */
	STEP(selinux_apply(p));
	STEP(apparmor_apply(p));
	/* PR_CAPBSET_DROP and PR_SET_SECUREBITS need CAP_SETPCAP: root still.
	 */
	STEP(capabilities_bounding_apply(p));
	STEP(securebits_apply(p));
	/* setgroups(2) needs CAP_SETGID, so before the uid change. */
	STEP(credentials_groups_apply(p));
	/* The point of no return: gid, then uid, real, effective and saved;
	 * only the staged capabilities survive it. */
	STEP(credentials_change_id_apply(p));
	/* The uid change cleared the ambient set: raise it now. */
	STEP(capabilities_ambient_apply(p));
	/* As the target user, so the new session keyring is the agent
	 * user's own, as systemd makes it; before seccomp, which may deny
	 * keyctl(2). */
	STEP(keyring_apply(p));
	/* As the target user, so its own permissions apply to the directory. */
	STEP(workdir_apply(p));
	STEP(umask_apply(p));
	/* Last privilege step before the check: from here no exec can gain
	 * privilege, and a seccomp filter may be loaded unprivileged. */
	STEP(no_new_privs_apply(p));
	/* MemoryDenyWriteExecute= in the kernel too, where it has it: set
	 * once, kept across exec, and nothing after this maps memory. */
	STEP(mdwe_apply(p));
	/* Landlock needs no_new_privs (above) and must precede seccomp, which
	 * may deny its system calls; the ruleset was built in the plan. */
	STEP(landlock_apply(p));
	/* Only fds 0-2 (and a script's own descriptor) may cross exec. */
	STEP(fds_apply(p));
	/* Refuse to exec unless the kernel reports exactly the plan. */
	STEP(verify_apply(p));
	/* What was just confirmed, for the audit trail: before seccomp, which
	 * may deny the write (src/apply/policy_record.c). */
	STEP(policy_record_emit());
	/* Last: the filter cuts off the calls every step above needed
	 * (setgroups, capset, prctl); the exec below uses a call it allows
	 * (seccomp_exec_call()). */
	STEP(seccomp_apply(p));
	STEP(exec_apply(p));
#undef STEP
}

_Noreturn void launch(const struct plan *p)
{
	launch_observed(p, NULL);
}
