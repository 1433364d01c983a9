/* SPDX-License-Identifier: MIT */
/*
 * PrivateNetwork=, PrivateIPC=, ProtectHostname=: the namespaces their
 * steps make (src/apply/netns.c, ipcns.c, uts.c), and what else only a
 * namespace can carry.
 */
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>

#include "plan.h"

/*
 * PrivateNetwork=, PrivateIPC=, ProtectHostname= (namespaces made by their
 * steps), the directives only the mount namespace can carry (PrivateMounts=,
 * ProtectProc=, ProcSubset=, and /dev/mqueue for PrivateIPC=), RemoveIPC=,
 * and the capabilities ProtectClock= removes, as systemd does.  After
 * sandbox_plan_build(), which chose the backends; before the bounding set
 * is settled.
 */
void namespaces_plan(struct plan *p, const struct config *c, struct diag *dg,
		     enum step *step)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} ns[] = {{CLONE_NEWNET, "net"},
		  {CLONE_NEWIPC, "ipc"},
		  {CLONE_NEWUTS, "uts"}};
	static const struct {
		enum directive_id id;
		const char *name;
	} mount_only[] = {
		{D_PRIVATE_MOUNTS, "PrivateMounts"},
		{D_PROTECT_PROC, "ProtectProc"},
		{D_PROC_SUBSET, "ProcSubset"},
		{D_PRIVATE_IPC, "PrivateIPC"},
	};
	bool on[] = {c->private_mounts, c->protect_proc != PROTECT_PROC_DEFAULT,
		     c->proc_subset_pid, c->private_ipc};

	if (c->private_network)
		p->new_ns |= CLONE_NEWNET;
	if (c->private_ipc)
		p->new_ns |= CLONE_NEWIPC;
	if (c->protect_hostname)
		p->new_ns |= CLONE_NEWUTS;
	/* The launcher's own namespaces, for verify_namespaces() to tell the
	 * new ones from: only those the launch makes (three lookups in /proc
	 * cost as much as the rest of this step). */
	for (int i = 0; i < 3; i++) {
		char path[32];
		struct stat st;
		if (!(p->new_ns & ns[i].flag))
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i].name);
		if (stat(path, &st) == 0)
			p->ns_ino[i] = (unsigned long long)st.st_ino;
	}
	if (p->new_ns && !plan_has_cap(CAP_SYS_ADMIN)) {
		diag_add(dg,
			 c->at[c->private_network ? D_PRIVATE_NETWORK
			       : c->private_ipc	  ? D_PRIVATE_IPC
						  : D_PROTECT_HOSTNAME],
			 "%s= needs CAP_SYS_ADMIN to create the namespace, "
			 "which the launcher does not hold",
			 c->private_network ? "PrivateNetwork"
			 : c->private_ipc   ? "PrivateIPC"
					    : "ProtectHostname");
		plan_fail(step, STEP_PLAN_SANDBOX);
	}
	for (size_t i = 0; i < sizeof(mount_only) / sizeof(*mount_only); i++) {
		if (!on[i] || (p->sandbox.backends & SANDBOX_MOUNT))
			continue;
		diag_add(dg, c->at[mount_only[i].id],
			 "%s= needs the mount backend, which %s",
			 mount_only[i].name,
			 c->sandbox_backend ? "SandboxBackend= excludes"
					    : "needs CAP_SYS_ADMIN");
		plan_fail(step,
			  c->sandbox_backend ? STEP_CONFIG : STEP_PLAN_SANDBOX);
	}
	/*
	 * RemoveIPC=: systemd removes the user's System V objects, POSIX
	 * queues and /dev/shm files when the service stops.  The launcher
	 * becomes the agent and is gone by then; what it can offer is
	 * objects that go with the agent by construction: PrivateIPC=
	 * (the kernel destroys the namespace's objects with its last
	 * process) and PrivateDevices= (the /dev/shm tmpfs is the agent's
	 * own mount).  Without both it cannot keep the promise: refused.
	 * For root systemd removes nothing, so neither do we.
	 */
	if (c->remove_ipc && p->change_id &&
	    !(c->private_ipc && c->private_devices)) {
		diag_add(dg, c->at[D_REMOVE_IPC],
			 "RemoveIPC=yes: osapi-launch execs into the agent and "
			 "has no stop hook to remove its IPC objects; set "
			 "%s%s%s so they are the agent's own and go with it",
			 c->private_ipc ? "" : "PrivateIPC=yes",
			 !c->private_ipc && !c->private_devices ? " and " : "",
			 c->private_devices ? "" : "PrivateDevices=yes");
		plan_fail(step, STEP_CONFIG);
	}
	if (c->protect_clock)
		p->sandbox.drop_caps |=
			1ULL << CAP_SYS_TIME | 1ULL << CAP_WAKE_ALARM;
	p->caller_keyring = keyring_session_id();
}
