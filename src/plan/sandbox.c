/* SPDX-License-Identifier: MIT */
/*
 * The file system sandbox as a whole: the policy (src/plan/fs_policy.c), the
 * backends that can carry it here (SandboxBackend=), and what only one of
 * them can express.  The backends' own plans are src/plan/landlock.c and
 * src/plan/mountns.c; the launch applies them in src/apply/.
 */
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"
#include "sandbox.h"

/* The target and what the kernel opens for it at execve(2) (the ELF
 * loader, a script's interpreter) need the EXECUTE right. */
static void check_exec(const struct plan *p, const struct fs_policy *fp,
		       const bool *drop, const struct config *c,
		       struct diag *dg, bool *failed)
{
	char real[PATH_MAX], buf[PATH_MAX];
	const char *need[2] = {p->exec_path, NULL};
	Elf64_Ehdr eh;
	ssize_t n;

	if (p->exec_fd < 0 || !p->exec_path)
		return;
	n = pread(p->exec_fd, buf, sizeof(buf) - 1, 0);
	if (n > 2 && buf[0] == '#' && buf[1] == '!') {
		buf[n] = '\0';
		char *i = buf + 2 + strspn(buf + 2, " \t");
		i[strcspn(i, " \t\n")] = '\0';
		need[1] = i;
	} else if (pread(p->exec_fd, &eh, sizeof(eh), 0) == sizeof(eh) &&
		   !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
		   eh.e_ident[EI_CLASS] == ELFCLASS64) {
		for (unsigned k = 0; k < eh.e_phnum && k < 64; k++) {
			Elf64_Phdr ph;
			if (pread(p->exec_fd, &ph, sizeof(ph),
				  (off_t)(eh.e_phoff +
					  (uint64_t)k * eh.e_phentsize)) !=
			    sizeof(ph))
				break;
			if (ph.p_type != PT_INTERP ||
			    ph.p_filesz >= sizeof(buf))
				continue;
			n = pread(p->exec_fd, buf, ph.p_filesz,
				  (off_t)ph.p_offset);
			if (n <= 0)
				break;
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			need[1] = buf;
			break;
		}
	}
	for (int k = 0; k < 2 && need[k]; k++) {
		if (!realpath(need[k], real))
			continue;
		if (fs_policy_wants(fp, drop, real) & FS_CLASS_EXEC)
			continue;
		diag_add(dg,
			 c->at[D_NO_EXEC_PATHS].line ? c->at[D_NO_EXEC_PATHS]
						     : sandbox_first_line(c),
			 "%s %s (%s) may not be executed under this sandbox: "
			 "add it to ExecPaths=",
			 k ? "the loader or interpreter" : "the target", real,
			 need[k]);
		*failed = true;
	}
}

void sandbox_init(struct sandbox_plan *s)
{
	memset(s, 0, sizeof(*s));
	s->landlock.ruleset_fd = -1;
}

static bool have_sys_admin(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	return syscall(SYS_capget, &h, d) == 0 &&
	       (d[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32)));
}

/* SandboxBackend=: as configured, or auto: mounts when this process may
 * make them (CAP_SYS_ADMIN in its effective set), else Landlock. */
static void choose_backend(struct sandbox_plan *s, const struct config *c,
			   struct diag *dg, bool *config_error,
			   bool *host_error)
{
	static const struct {
		enum directive_id id;
		const char *name;
	} mount_only[] = {
		{D_PRIVATE_TMP, "PrivateTmp"},
		{D_PRIVATE_DEVICES, "PrivateDevices"},
		{D_PROTECT_KERNEL_TUNABLES, "ProtectKernelTunables"},
		{D_PROTECT_KERNEL_MODULES, "ProtectKernelModules"},
		{D_PROTECT_KERNEL_LOGS, "ProtectKernelLogs"},
		{D_PROTECT_CONTROL_GROUPS, "ProtectControlGroups"},
		{D_TEMPORARY_FILE_SYSTEM, "TemporaryFileSystem"},
		{D_BIND_PATHS, "BindPaths"},
		{D_BIND_READ_ONLY_PATHS, "BindReadOnlyPaths"},
	};
	bool admin = have_sys_admin();

	s->backends = c->sandbox_backend;
	if (!s->backends) {
		s->backends = admin ? SANDBOX_MOUNT : SANDBOX_LANDLOCK;
		s->why = admin ? "SandboxBackend=auto: the launcher holds "
				 "CAP_SYS_ADMIN, so mounts in a namespace of "
				 "the agent's own"
			       : "SandboxBackend=auto: the launcher lacks "
				 "CAP_SYS_ADMIN, so Landlock";
	} else {
		s->why = "SandboxBackend= as configured";
	}
	if ((s->backends & SANDBOX_MOUNT) && !admin) {
		diag_add(dg, c->at[D_SANDBOX_BACKEND],
			 "SandboxBackend=mount needs CAP_SYS_ADMIN, which the "
			 "launcher does not hold (in a container: use "
			 "SandboxBackend=landlock)");
		*host_error = true;
	}
	if (s->backends & SANDBOX_MOUNT)
		return;
	for (size_t i = 0; i < sizeof(mount_only) / sizeof(*mount_only); i++) {
		bool on = false;
		switch (mount_only[i].id) {
		case D_PRIVATE_TMP:
			on = c->private_tmp;
			break;
		case D_PRIVATE_DEVICES:
			on = c->private_devices;
			break;
		case D_PROTECT_KERNEL_TUNABLES:
			on = c->protect_kernel_tunables;
			break;
		case D_PROTECT_KERNEL_MODULES:
			on = c->protect_kernel_modules;
			break;
		case D_PROTECT_KERNEL_LOGS:
			on = c->protect_kernel_logs;
			break;
		case D_TEMPORARY_FILE_SYSTEM:
			on = c->temporary_file_system.n > 0;
			break;
		case D_BIND_PATHS:
			on = c->bind_paths.n > 0;
			break;
		case D_BIND_READ_ONLY_PATHS:
			on = c->bind_read_only_paths.n > 0;
			break;
		default:
			on = c->protect_control_groups;
			break;
		}
		if (!on)
			continue;
		diag_add(dg, c->at[mount_only[i].id],
			 "%s= needs the mount backend, which %s: Landlock "
			 "cannot express it",
			 mount_only[i].name,
			 c->sandbox_backend ? "SandboxBackend= excludes"
					    : "needs CAP_SYS_ADMIN");
		if (c->sandbox_backend)
			*config_error = true;
		else
			*host_error = true;
	}
}

bool sandbox_plan_build(struct plan *p, const struct config *c, struct diag *dg,
			enum step *step)
{
	struct sandbox_plan *s = &p->sandbox;
	bool config_error = false, host_error = false;
	size_t before = dg->n;

	fs_policy_build(s, c, dg, &host_error);
	/* systemd keeps RuntimeDirectory=, StateDirectory=, CacheDirectory=
	 * and LogsDirectory= writable whatever ProtectSystem= says (not
	 * ConfigurationDirectory=); they may not exist yet: the launch
	 * creates them before entering the sandbox. */
	for (size_t i = 0; s->fs.active && i < p->ndirs; i++) {
		const struct exec_dir_plan *d = &p->dirs[i];
		struct stat st;

		if (d->type == EXEC_DIR_CONFIGURATION)
			continue;
		if (lstat(d->path, &st) == 0) {
			fs_policy_add_path(s, d->path, false, FS_READ_WRITE,
					   false, false,
					   exec_dir_directive(d->type),
					   c->at[D_RUNTIME_DIRECTORY + d->type],
					   dg, &host_error);
			continue;
		}
		fs_policy_add_point(&s->fs, d->path, false, FS_READ_WRITE,
				    false, false, exec_dir_directive(d->type),
				    c->at[D_RUNTIME_DIRECTORY + d->type]);
		s->fs.v[s->fs.n - 1].pending = true;
	}
	if (!s->fs.active && !mount_directives(c) && !c->net_ports_set)
		goto out;
	if (s->fs.active || mount_directives(c))
		choose_backend(s, c, dg, &config_error, &host_error);
	s->landlock_fs = s->fs.active && (s->backends & SANDBOX_LANDLOCK);
	if (s->landlock_fs || c->net_ports_set) {
		s->backends |= SANDBOX_LANDLOCK;
		if (!s->why)
			s->why = "RestrictNetworkPorts=: Landlock";
		s->landlock.abi = landlock_abi();
		if (!s->landlock.abi) {
			diag_add(dg, sandbox_first_line(c),
				 "Landlock is needed but this kernel does not "
				 "offer it (%s): kernel >= 5.13 with "
				 "\"landlock\" in lsm=",
				 errno_name(errno));
			host_error = true;
		}
	}
	if (s->landlock_fs && c->protect_home == PROTECT_HOME_TMPFS &&
	    !(s->backends & SANDBOX_MOUNT)) {
		if (c->protect_home_optional)
			landlock_note(
				&s->landlock,
				"ProtectHome=-tmpfs: Landlock cannot show an "
				"empty /home; /home, /root and /run/user are "
				"inaccessible instead (as ProtectHome=yes)");
		else {
			diag_add(dg, c->at[D_PROTECT_HOME],
				 "ProtectHome=tmpfs cannot be expressed with "
				 "Landlock, which can deny access but not show "
				 "an empty directory: use the mount backend, "
				 "ProtectHome=yes, or \"-tmpfs\" to accept "
				 "\"yes\" here");
			config_error = true;
		}
	}
	if (c->net_ports_set && s->landlock.abi && s->landlock.abi < 4) {
		if (c->net_ports_optional)
			landlock_note(&s->landlock,
				      "RestrictNetworkPorts= skipped: Landlock "
				      "ABI %d "
				      "< 4 has no network rules",
				      s->landlock.abi);
		else {
			diag_add(dg, c->at[D_RESTRICT_NETWORK_PORTS],
				 "RestrictNetworkPorts= needs Landlock ABI 4 "
				 "(Linux 6.7); this kernel offers ABI %d",
				 s->landlock.abi);
			host_error = true;
		}
	}
	if (s->fs.active)
		check_exec(p, &s->fs, NULL, c, dg, &config_error);
	if (s->backends & SANDBOX_MOUNT)
		mountns_plan_build(s, c, dg, &config_error, &host_error);
	if (s->landlock.abi && !config_error && !host_error)
		landlock_plan_build(p, c, dg, &config_error, &host_error);
out:
	if (config_error && *step == STEP__ALL)
		*step = STEP_CONFIG;
	if (host_error && *step == STEP__ALL)
		*step = STEP_PLAN_SANDBOX;
	return dg->n == before;
}

void sandbox_plan_free(struct sandbox_plan *s)
{
	for (size_t i = 0; i < s->fs.n; i++)
		free(s->fs.v[i].path);
	free(s->fs.v);
	for (size_t i = 0; i < s->landlock.nrules; i++)
		free(s->landlock.rules[i].path);
	free(s->landlock.rules);
	for (size_t i = 0; i < s->landlock.nnotes; i++)
		free(s->landlock.notes[i]);
	free(s->landlock.notes);
	if (s->landlock.ruleset_fd >= 0)
		close(s->landlock.ruleset_fd);
	mountns_plan_free(&s->mount);
	sandbox_init(s);
}

/*
 * What the exec itself needs from the sandbox: execve of /proc/self/fd/N
 * when the filter denies execveat, and /dev/fd/N, which the kernel hands a
 * script's interpreter.  Hidden, the launch would fail after --check said
 * yes.
 */
void sandbox_exec_plan(struct plan *p, const struct config *c, struct diag *dg,
		       enum step *step)
{
	const char *need[] = {"/proc", "/dev"};

	if ((!p->seccomp.exec_call ||
	     strcmp(p->seccomp.exec_call, "execve") != 0) &&
	    !p->exec_is_script)
		return;
	for (size_t i = 0; i < 2; i++)
		if ((i == 0 || p->exec_is_script) &&
		    !sandbox_readable(&p->sandbox, need[i])) {
			diag_add(dg, c->at[D_INACCESSIBLE_PATHS],
				 "%s must stay readable: %s", need[i],
				 p->exec_is_script
					 ? "a script's interpreter opens "
					   "/dev/fd/N (/proc/self/fd/N)"
					 : "SystemCallFilter= denies "
					   "execveat, so the agent is executed "
					   "as /proc/self/fd/N");
			plan_fail(step, STEP_CONFIG);
		}
}
