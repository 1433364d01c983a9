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

static bool numeric_id(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && *out < 4294967295UL;
}

/* Collects the first error's step so the launch exits with its code. */
static void fail(enum step *step, enum step s)
{
	if (*step == STEP__ALL)
		*step = s;
}

static void plan_identity(struct plan *p, const struct config *c,
			  struct diag *dg, enum step *step)
{
	struct passwd *pw = NULL;
	unsigned long id;

	errno = 0;
	if (!c->user)
		pw = getpwuid(0);
	else if (numeric_id(c->user, &id))
		pw = getpwuid((uid_t)id);
	else
		pw = getpwnam(c->user);
	if (!pw) {
		if (c->user && numeric_id(c->user, &id)) {
			/* systemd accepts a uid with no passwd entry. */
			p->uid = (uid_t)id;
			p->gid = (gid_t)id;
			p->user_name = xstrdup(c->user);
			p->home = xstrdup("/");
			p->shell = xstrdup("/usr/sbin/nologin");
		} else {
			diag_add(dg, c->at[D_USER],
				 "User=: unknown user \"%s\"",
				 c->user ? c->user : "root");
			fail(step, STEP_PLAN_USER);
			return;
		}
	} else {
		p->uid = pw->pw_uid;
		p->gid = pw->pw_gid;
		p->user_name = xstrdup(pw->pw_name);
		p->home = xstrdup(pw->pw_dir);
		p->shell = xstrdup(pw->pw_shell[0] ? pw->pw_shell : "/bin/sh");
	}
	p->change_id = p->uid != 0;

	if (c->group) {
		struct group *gr;
		if (numeric_id(c->group, &id)) {
			p->gid = (gid_t)id;
		} else if ((gr = getgrnam(c->group))) {
			p->gid = gr->gr_gid;
		} else {
			diag_add(dg, c->at[D_GROUP],
				 "Group=: unknown group \"%s\"", c->group);
			fail(step, STEP_PLAN_GROUP);
		}
	}

	/* The user's own memberships, as initgroups(3) under systemd, minus
	 * the primary group (already the gid), plus SupplementaryGroups=. */
	if (c->user && pw) {
		int n = 64;
		gid_t *g = xmalloc(sizeof(gid_t) * (size_t)n);
		while (getgrouplist(pw->pw_name, p->gid, g, &n) < 0)
			g = xrealloc(g, sizeof(gid_t) * (size_t)n);
		p->groups = g;
		for (int i = 0; i < n; i++)
			if (g[i] != p->gid)
				p->groups[p->ngroups++] = g[i];
	}
	for (size_t i = 0; i < c->supplementary_groups.n; i++) {
		const struct word *w = &c->supplementary_groups.v[i];
		struct group *gr;
		gid_t gid;
		bool dup = false;

		if (numeric_id(w->s, &id))
			gid = (gid_t)id;
		else if ((gr = getgrnam(w->s)))
			gid = gr->gr_gid;
		else {
			diag_add(dg, w->at,
				 "SupplementaryGroups=: unknown group \"%s\"",
				 w->s);
			fail(step, STEP_PLAN_GROUP);
			continue;
		}
		for (size_t j = 0; j < p->ngroups; j++)
			dup |= p->groups[j] == gid;
		if (dup || gid == p->gid)
			continue;
		p->groups = xrealloc(p->groups,
				     (p->ngroups + 1) * sizeof(*p->groups));
		p->groups[p->ngroups++] = gid;
	}
}

static void plan_capabilities(struct plan *p, const struct config *c,
			      struct diag *dg, enum step *step)
{
	uint64_t all, inherited = 0;

	p->last_cap = capability_last();
	all = p->last_cap >= 63 ? UINT64_MAX : (1ULL << (p->last_cap + 1)) - 1;

	/*
	 * A capability missing from the launcher's own bounding set (a
	 * container started without it) can never be granted.  As under
	 * systemd, the bounding set is cut to what the config lists and what
	 * is left; unset, it is left as inherited.  Recording what that is
	 * gives the read-back check something exact to compare.
	 */
	for (int cap = 0; cap <= p->last_cap; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			inherited |= 1ULL << cap;
	p->set_bounding = c->bounding.set;
	p->bounding =
		c->bounding.set ? c->bounding.mask & inherited : inherited;
	p->ambient = c->ambient.set ? c->ambient.mask & all : 0;
	for (int cap = 0; cap <= p->last_cap; cap++) {
		uint64_t bit = 1ULL << cap;
		if (!(p->ambient & bit) || (p->bounding & bit))
			continue;
		if (c->bounding.set && !(c->bounding.mask & bit))
			diag_add(dg, c->at[D_AMBIENT_CAPABILITIES],
				 "AmbientCapabilities=: %s is not in "
				 "CapabilityBoundingSet=",
				 capability_name(cap));
		else
			diag_add(
				dg, c->at[D_AMBIENT_CAPABILITIES],
				"AmbientCapabilities=: %s is not in "
				"osapi-launch's own bounding set, so it cannot "
				"be granted (in a container: start it with "
				"--cap-add %s)",
				capability_name(cap), capability_name(cap) + 4);
		fail(step, STEP_CONFIG);
	}
	/* A non-root target keeps exactly its ambient capabilities; root keeps
	 * what the bounding set allows, as under systemd. */
	p->permitted = p->change_id ? p->ambient : p->bounding;

	/*
	 * The caller's securebits survive exec like the rest of its state
	 * (no-setuid-fixup would let the agent keep capabilities across a
	 * uid change): they are reset to none unless configured.  A locked
	 * bit cannot change, so a caller's lock the config does not repeat
	 * is refused rather than passed on.
	 */
	unsigned now = (unsigned)prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	unsigned locks = now & (unsigned)SECURE_ALL_LOCKS, stuck = 0;

	for (unsigned b = 0; b < 8; b += 2) {
		unsigned bit = 1u << b, lock = 1u << (b + 1);
		if ((locks & lock) &&
		    (!(c->securebits & lock) || ((now ^ c->securebits) & bit)))
			stuck |= lock;
	}
	if (stuck) {
		diag_add(dg, c->at[D_SECURE_BITS],
			 "the caller locked securebits %#x (read %#x), which "
			 "no process can unlock: start osapi-launch without "
			 "them, or repeat them in SecureBits=",
			 stuck, now);
		fail(step, STEP_SECUREBITS);
	}
	p->set_securebits = c->at[D_SECURE_BITS].line != 0 || now != 0;
	p->securebits = p->securebits_switch = p->securebits_verify =
		c->securebits;
	/*
	 * capng_change_id() turns keep-caps on for the switch and off after
	 * it, which a locked keep-caps refuses (EPERM).  Then the launcher
	 * sets keep-caps with the lock, switches itself, and execve(2) clears
	 * the bit (it always does; the lock stays): the agent starts with
	 * the configured bits either way.
	 */
	if (p->set_securebits && p->change_id &&
	    (p->securebits & SECBIT_KEEP_CAPS_LOCKED)) {
		p->keep_caps_locked = true;
		p->securebits_switch |= SECBIT_KEEP_CAPS;
		p->securebits_verify |= SECBIT_KEEP_CAPS;
	} else if (p->change_id) {
		p->securebits_verify &= ~(unsigned)SECBIT_KEEP_CAPS;
	}
	p->no_new_privs = c->no_new_privileges;
}

/*
 * A "#!" script runs its interpreter, which must pass the same trust checks
 * as the script: otherwise whoever can write the interpreter chooses what
 * runs with the agent's privilege, at every launch.  Interpreters may be
 * scripts in turn, as deep as the kernel follows them (BINPRM_MAX_RECURSION).
 */
static bool interpreter_trusted(int fd, const char *path, struct origin at,
				struct diag *dg)
{
	char line[256], interp[256];
	int cur = fd;

	for (int depth = 0; depth < 4; depth++) {
		ssize_t n = pread(cur, line, sizeof(line) - 1, 0);
		const char *why = NULL;
		size_t i = 2, l = 0;
		int next;

		if (cur != fd)
			close(cur);
		if (n < 2 || line[0] != '#' || line[1] != '!')
			return true; /* a binary: the kernel's loader decides */
		line[n] = '\0';
		while (line[i] == ' ' || line[i] == '\t')
			i++;
		while (line[i] && line[i] != ' ' && line[i] != '\t' &&
		       line[i] != '\n' && l < sizeof(interp) - 1)
			interp[l++] = line[i++];
		interp[l] = '\0';
		if (interp[0] != '/') {
			diag_add(dg, at,
				 "%s: interpreter \"%s\" is not an "
				 "absolute path",
				 path, interp);
			return false;
		}
		next = trusted_open(interp, O_RDONLY | O_CLOEXEC, true, &why);
		if (next < 0) {
			diag_add(dg, at,
				 "%s: its interpreter %s %s (%s): it would "
				 "run with the agent's privilege",
				 path, interp, why, errno_name(-next));
			return false;
		}
		cur = next;
	}
	if (cur != fd)
		close(cur);
	diag_add(dg, at,
		 "%s: interpreters nested deeper than the kernel "
		 "follows",
		 path);
	return false;
}

static void plan_exec(struct plan *p, const struct config *c,
		      char *const *cmdline, struct diag *dg, enum step *step)
{
	struct origin at = c->at[D_EXEC_START];
	const char *path;
	const char *why = NULL;
	struct stat st;
	char head[2];
	int fd;

	if (cmdline && cmdline[0]) {
		size_t n = 0;
		at = (struct origin){NULL, 0};
		path = cmdline[0];
		if (!strchr(path, '/')) {
			/* Resolved against the target's PATH, as systemd does
			 * for bare names. */
			const char *sp = env_get(p->envp, "PATH", 4);
			char *found = NULL;
			while (sp && *sp && !found) {
				size_t l = strcspn(sp, ":");
				char *cand =
					xasprintf("%.*s/%s", (int)l, sp, path);
				if (access(cand, X_OK) == 0)
					found = cand;
				else
					free(cand);
				sp += l + (sp[l] == ':');
			}
			if (!found) {
				diag_add(dg, at,
					 "command \"%s\" not found in "
					 "PATH",
					 path);
				fail(step, STEP_PLAN_EXEC);
				return;
			}
			path = found;
		} else {
			path = xstrdup(path);
		}
		while (cmdline[n])
			n++;
		p->argv = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			p->argv[i] = xstrdup(cmdline[i]);
	} else if (c->exec_start.n) {
		path = xstrdup(c->exec_start.v[0].s);
		p->argv = exec_argv_build(c, p->envp, dg);
	} else {
		diag_add(dg, (struct origin){c->path, 0},
			 "no ExecStart= and no command given");
		fail(step, STEP_CONFIG);
		return;
	}
	p->exec_path = path;
	if (path[0] != '/') {
		diag_add(dg, at, "\"%s\" is not an absolute path", path);
		fail(step, STEP_PLAN_EXEC);
		return;
	}
	fd = trusted_open(path, O_RDONLY, true, &why);
	if (fd < 0) {
		diag_add(dg, at, "%s %s (%s)", path, why, errno_name(-fd));
		fail(step, STEP_PLAN_EXEC);
		return;
	}
	if (fstat(fd, &st) < 0 || !(st.st_mode & 0111)) {
		diag_add(dg, at, "%s is not executable", path);
		fail(step, STEP_PLAN_EXEC);
		close(fd);
		return;
	}
	/*
	 * A "#!" script is handed to its interpreter as /dev/fd/N, which the
	 * interpreter must still be able to open after exec: the descriptor
	 * cannot be close-on-exec then (fexecve(3)), and stays open in the
	 * script's process.  Binaries keep O_CLOEXEC.
	 */
	if (pread(fd, head, 2, 0) == 2 && head[0] == '#' && head[1] == '!') {
		int flags = fcntl(fd, F_GETFD);
		p->exec_is_script = true;
		if (!interpreter_trusted(fd, path, at, dg))
			fail(step, STEP_PLAN_EXEC);
		if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) {
			diag_add(dg, at,
				 "%s: cannot prepare the script "
				 "descriptor",
				 path);
			fail(step, STEP_PLAN_EXEC);
		}
	}
	p->exec_fd = fd;
}

static void plan_lsm(struct plan *p, const struct config *c, struct diag *dg,
		     enum step *step)
{
	int err = 0;
	const char *why;

	if (c->apparmor_profile) {
		why = apparmor_unavailable(c->apparmor_profile, &err);
		if (!why)
			p->apparmor_profile = c->apparmor_profile;
		else if (c->apparmor_optional)
			p->apparmor_skipped = why;
		else {
			diag_add(dg, c->at[D_APPARMOR_PROFILE],
				 "AppArmorProfile=%s: %s (%s)",
				 c->apparmor_profile, why, errno_name(err));
			p->apparmor_unavailable = why;
			p->lsm_errors++;
			fail(step, STEP_APPARMOR);
		}
	}
	if (c->selinux_context) {
		why = selinux_unavailable(c->selinux_context, &err);
		if (!why)
			p->selinux_context = c->selinux_context;
		else if (c->selinux_optional)
			p->selinux_skipped = why;
		else {
			diag_add(dg, c->at[D_SELINUX_CONTEXT],
				 "SELinuxContext=%s: %s (%s)",
				 c->selinux_context, why, errno_name(err));
			p->selinux_unavailable = why;
			p->lsm_errors++;
			fail(step, STEP_SELINUX);
		}
	}
}

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
	static const char *const ns[] = {"net", "ipc", "uts"};
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
	for (int i = 0; i < 3; i++) {
		char path[32];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
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
		fail(step, STEP_PLAN_SANDBOX);
	}
	for (size_t i = 0; i < sizeof(mount_only) / sizeof(*mount_only); i++) {
		if (!on[i] || (p->sandbox.backends & SANDBOX_MOUNT))
			continue;
		diag_add(dg, c->at[mount_only[i].id],
			 "%s= needs the mount backend, which %s",
			 mount_only[i].name,
			 c->sandbox_backend ? "SandboxBackend= excludes"
					    : "needs CAP_SYS_ADMIN");
		fail(step,
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
		fail(step, STEP_CONFIG);
	}
	if (c->protect_clock)
		p->sandbox.drop_caps |=
			1ULL << CAP_SYS_TIME | 1ULL << CAP_WAKE_ALARM;
	p->caller_keyring = keyring_session_id();
}

bool plan_has_cap(int cap)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	/* No glibc wrapper; libcap-ng's state belongs to the steps. */
	if (syscall(SYS_capget, &h, d) < 0 || cap < 0 || cap >= 64)
		return false;
	return d[cap / 32].effective & (1U << (cap % 32));
}

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

bool plan_build(struct plan *p, const struct config *c, char *const *cmdline,
		struct diag *dg, enum step *step)
{
	plan_init(p);
	p->cfg = c;
	*step = STEP__ALL;

	plan_identity(p, c, dg, step);
	if (!p->user_name) {
		*step = STEP_PLAN_USER;
		return false;
	}
	plan_capabilities(p, c, dg, step);

	for (int r = 0; r < RLIM_NLIMITS; r++) {
		if (!c->limits[r].at.line)
			continue;
		p->limit_resource[p->nlimits] = r;
		p->limit_value[p->nlimits] = c->limits[r].value;
		p->nlimits++;
	}
	/* The limits apply to the launcher from rlimits_apply() on: a CPU
	 * time of 0 kills it (SIGXCPU, then SIGKILL) before it can exec. */
	if (c->limits[RLIMIT_CPU].at.line &&
	    c->limits[RLIMIT_CPU].value.rlim_cur == 0) {
		diag_add(dg, c->limits[RLIMIT_CPU].at,
			 "LimitCPU=0 allows no CPU time at all: the kernel "
			 "would kill the launch before the agent starts");
		fail(step, STEP_CONFIG);
	}
	p->umask = c->umask;
	if (!c->working_directory)
		p->workdir = "/"; /* systemd's default for system services */
	else if (strcmp(c->working_directory, "~") == 0)
		p->workdir = p->home;
	else
		p->workdir = c->working_directory;
	p->workdir_optional = c->working_directory_optional;

	if (!seccomp_plan_build(&p->seccomp, c, dg))
		fail(step, STEP_PLAN_SECCOMP);
	p->mdwe = c->memory_deny_write_execute && mdwe_available();
#ifdef OSAPI_FAULT_INJECTION
	/* Tests only: the seccomp half of MemoryDenyWriteExecute= alone. */
	if (getenv("OSAPI_LAUNCH_NO_KERNEL_MDWE"))
		p->mdwe = false;
#endif
	p->seccomp.exec_call = seccomp_exec_call(c);
	p->seccomp.write_ok = seccomp_config_allows(c, "write");
	if (c->syscall_archs.n && !seccomp_covers_native(&p->seccomp)) {
		diag_add(
			dg, c->at[D_SYSTEM_CALL_ARCHITECTURES],
			"SystemCallArchitectures= leaves out the native ABI, "
			"which the launcher's own exec of the agent uses after "
			"the filter is loaded: it would be killed (SIGSYS); "
			"add \"native\"");
		fail(step, STEP_CONFIG);
	}
	if (!p->seccomp.exec_call) {
		diag_add(dg, c->at[D_SYSTEM_CALL_FILTER],
			 "SystemCallFilter= denies both execveat and execve: "
			 "the launcher executes the agent with one of them "
			 "after the filter is loaded (as systemd needs "
			 "execve), so the agent could never start");
		fail(step, STEP_CONFIG);
	}
	/*
	 * As under systemd: any seccomp directive implies no_new_privs when
	 * the target lacks CAP_SYS_ADMIN, which the kernel requires to load a
	 * filter without it.
	 */
	if (p->seccomp.n && !(p->permitted & (1ULL << CAP_SYS_ADMIN)) &&
	    !p->no_new_privs) {
		p->no_new_privs = true;
		p->no_new_privs_implied = true;
	}

	/* Before the environment, which names them, and the sandbox, which
	 * keeps them writable. */
	directories_plan(p, dg, step);
	p->personality = c->personality_set ? c->personality : PER_LINUX;
	p->envp = environ_build(c, p, environ, dg);
	plan_exec(p, c, cmdline, dg, step);
	if (p->exec_fd >= 0)
		snprintf(p->exec_proc_path, sizeof(p->exec_proc_path),
			 "/proc/self/fd/%d", p->exec_fd);
	plan_lsm(p, c, dg, step);
	cgroup_plan_build(&p->cgroup, c, dg, step);
	/* After the cgroup plan, which names the agent's v2 group. */
	bpf_lsm_plan(p, c, dg, step);
	/* After plan_exec: the target and its loader must stay executable. */
	sandbox_plan_build(p, c, dg, step);
	/*
	 * What the exec itself needs from the sandbox: execve of
	 * /proc/self/fd/N when the filter denies execveat, and /dev/fd/N,
	 * which the kernel hands a script's interpreter.  Hidden, the launch
	 * would fail after --check said yes.
	 */
	if ((p->seccomp.exec_call && !strcmp(p->seccomp.exec_call, "execve")) ||
	    p->exec_is_script) {
		const char *need[] = {"/proc", "/dev"};
		for (size_t i = 0; i < 2; i++)
			if ((i == 0 || p->exec_is_script) &&
			    !sandbox_readable(&p->sandbox, need[i])) {
				diag_add(dg, c->at[D_INACCESSIBLE_PATHS],
					 "%s must stay readable: %s", need[i],
					 p->exec_is_script
						 ? "a script's interpreter "
						   "opens /dev/fd/N "
						   "(/proc/self/fd/N)"
						 : "SystemCallFilter= denies "
						   "execveat, so the agent is "
						   "executed as "
						   "/proc/self/fd/N");
				fail(step, STEP_CONFIG);
			}
	}
	namespaces_plan(p, c, dg, step);
	userns_plan(p, c, dg, step);
	/* ProtectKernelModules= and friends take capabilities out of the
	 * bounding set too, as under systemd. */
	if (p->sandbox.drop_caps) {
		uint64_t drop = p->sandbox.drop_caps;
		for (int cap = 0; cap <= p->last_cap; cap++)
			if (p->ambient & drop & (1ULL << cap)) {
				diag_add(dg, c->at[D_AMBIENT_CAPABILITIES],
					 "AmbientCapabilities=: %s is removed "
					 "by a Protect*=/PrivateDevices= "
					 "directive",
					 capability_name(cap));
				fail(step, STEP_CONFIG);
			}
		p->bounding &= ~drop;
		p->set_bounding = true;
		p->permitted = p->change_id ? p->ambient : p->bounding;
	}
	/*
	 * Landlock, like seccomp, requires no_new_privs of a process without
	 * CAP_SYS_ADMIN (landlock_restrict_self(2)).
	 */
	if (p->sandbox.landlock.ruleset_fd >= 0 &&
	    !(p->permitted & (1ULL << CAP_SYS_ADMIN)) && !p->no_new_privs) {
		p->no_new_privs = true;
		p->no_new_privs_implied = true;
		p->no_new_privs_for_landlock = true;
	}

	/* Last, once no_new_privs is settled: Landlock's process isolation
	 * for targets that get no file-system ruleset (src/plan/landlock.c). */
	landlock_scope_plan(p);

	/* Opened now, read back just before exec (src/apply/verify.c). */
	p->status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (p->status_fd < 0) {
		diag_add(dg, (struct origin){0},
			 "cannot open /proc/self/status "
			 "(%s): is /proc mounted?",
			 errno_name(errno));
		fail(step, STEP_VERIFY);
	}
	p->stat_fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (p->stat_fd < 0) {
		diag_add(dg, (struct origin){0},
			 "cannot open /proc/self/stat (%s): is /proc mounted?",
			 errno_name(errno));
		fail(step, STEP_VERIFY);
	}
	/* What the caller's process state is reset to (src/plan/session.c,
	 * src/plan/sched.c, src/plan/oom.c, src/apply/mempolicy.c,
	 * src/apply/prctl.c). */
	session_plan(p, dg, step);
	sched_plan(p, dg, step);
	oom_plan(p, dg, step);
	mempolicy_plan(p);
	prctl_plan(p);
	if (p->apparmor_profile) {
		p->apparmor_exec_fd =
			open("/proc/thread-self/attr/apparmor/exec",
			     O_RDONLY | O_CLOEXEC);
		if (p->apparmor_exec_fd < 0)
			p->apparmor_exec_fd =
				open("/proc/thread-self/attr/exec",
				     O_RDONLY | O_CLOEXEC);
	}
	if (dg->n && *step == STEP__ALL)
		*step = STEP_CONFIG;
	return dg->n == 0;
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
