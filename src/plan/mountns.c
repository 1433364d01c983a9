/* SPDX-License-Identifier: MIT */
/*
 * The mount namespace backend: the file system policy (src/plan/fs_policy.c)
 * and the directives only mounts can express (PrivateTmp=, PrivateDevices=,
 * ProtectKernelTunables=, ProtectKernelModules=, ProtectKernelLogs=,
 * ProtectControlGroups=, ProtectHome=tmpfs, ProtectProc=, ProcSubset=,
 * PrivateIPC='s /dev/mqueue) become mounts in a namespace of the agent's
 * own; PrivateMounts= asks for the namespace alone.
 *
 * The plan lists the mounts, shallow paths first, so that a deeper path
 * overrides (systemd's rule); src/apply/mountns.c makes them.  A path is made
 * read-only or no-exec by binding it onto itself and setting the attribute on
 * the bind ("/" is changed in place: it is the namespace's own copy).  A mount
 * the host already made read-only or no-exec beneath a path that clears the
 * attribute gets it back (the plan reads the host's mountinfo), so the sandbox
 * only ever takes away.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "path.h"
#include "plan.h"
#include "sandbox.h"
#include "steps.h"

bool mount_directives(const struct config *c)
{
	return c->private_tmp || c->private_devices ||
	       c->protect_kernel_tunables || c->protect_kernel_modules ||
	       c->protect_kernel_logs || c->protect_control_groups ||
	       c->temporary_file_system.n || c->bind_paths.n ||
	       c->bind_read_only_paths.n || c->private_mounts ||
	       c->protect_proc != PROTECT_PROC_DEFAULT || c->proc_subset_pid ||
	       c->private_ipc;
}

static unsigned depth(const char *path)
{
	unsigned n = 0;

	if (strcmp(path, "/") == 0)
		return 0;
	for (; *path; path++)
		n += *path == '/';
	return n;
}

static void add_op(struct mount_plan *m, struct mount_op op)
{
	m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	op.path = xstrdup(op.path);
	m->v[m->n++] = op;
}

/* Existing paths only, made canonical; the rest are skipped (systemd
 * skips the paths its Protect*= directives name when they are missing). */
static void add_known(struct mount_plan *m, const char *path,
		      struct mount_op op)
{
	char real[4096];
	struct stat st;

	if (!realpath(path, real) || stat(real, &st) < 0)
		return;
	op.path = real;
	op.dir = S_ISDIR(st.st_mode);
	add_op(m, op);
}

/* Shallow first; at one path: attributes before what covers them, and
 * among attributes the less restrictive first, so the stricter is last. */
static int op_order(const void *a, const void *b)
{
	const struct mount_op *x = a, *y = b;
	unsigned dx = depth(x->path), dy = depth(y->path);
	int c;

	if (dx != dy)
		return dx < dy ? -1 : 1;
	c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (int)__builtin_popcount(x->attr_set) -
	       (int)__builtin_popcount(y->attr_set);
}

/*
 * A writable or executable path (ReadWritePaths=, ExecPaths=, a
 * StateDirectory=) clears the attribute on its bind mount so that it
 * escapes a read-only or no-exec path of the sandbox above it.  With no
 * such path above it there is nothing to escape: systemd then leaves the
 * mount as the host made it, and so does this, dropping the clear; and a
 * clear never lifts what the host's own mount has.  That keeps a host's
 * read-only mount at or beneath the path as it is without reading the
 * mount table (below), which is the dearest part of a plan (100-250 us
 * for a few dozen mounts).  Only MNT_ATTR ops above that set none of the
 * bits count as nothing above; any other mount above keeps the clear.
 */
static void drop_idle_clears(struct mount_plan *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct mount_op *op = &m->v[i];
		unsigned above = 0;
		struct statvfs sv;
		if (op->kind != MNT_ATTR || !op->attr_clr)
			continue;
		for (size_t j = 0; j < m->n; j++) {
			const struct mount_op *a = &m->v[j];
			if (j == i || !path_under(op->path, a->path))
				continue;
			above |= a->kind == MNT_ATTR ? a->attr_set
						     : op->attr_clr;
		}
		op->attr_clr &= above;
		/* Nor what the host's own mount holding the path has: its
		 * bind would copy that read-only or no-exec mount, and the
		 * clear would lift the host's attribute, not the sandbox's
		 * (systemd leaves it).  A mount at the path itself is the
		 * one statvfs() sees; those beneath are host_locked_mounts().
		 */
		if (op->attr_clr && statvfs(op->path, &sv) == 0) {
			if (sv.f_flag & ST_RDONLY)
				op->attr_clr &= ~(unsigned)MOUNT_ATTR_RDONLY;
			if (sv.f_flag & ST_NOEXEC)
				op->attr_clr &= ~(unsigned)MOUNT_ATTR_NOEXEC;
		}
		if (op->attr_clr || op->attr_set)
			continue;
		free(op->path);
		free(op->src);
		free(op->owned_data);
		memmove(op, op + 1, (m->n - i - 1) * sizeof(*op));
		m->n--;
		i--;
	}
}

/* Mount points of the host with mount-level "ro" or "noexec", beneath a
 * path whose bind mount clears them. */
static void host_locked_mounts(struct mount_plan *m, struct mount_plan *out)
{
	char line[8192];
	bool clears = false;
	FILE *f;

	for (size_t k = 0; k < m->n; k++)
		clears |= m->v[k].kind == MNT_ATTR && m->v[k].attr_clr;
	if (!clears)
		return;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *field[6], *save = NULL, *t = strtok_r(line, " ", &save);
		char path[4096], *o = path;
		unsigned set = 0;
		int i;

		for (i = 0; i < 6 && t; i++, t = strtok_r(NULL, " ", &save))
			field[i] = t;
		if (i < 6)
			continue;
		/* mountinfo escapes space, tab, newline, backslash as \ooo */
		for (char *r = field[4]; *r && o < path + sizeof(path) - 1;) {
			if (r[0] == '\\' && r[1] && r[2] && r[3]) {
				*o++ = (char)strtol(
					(char[]){r[1], r[2], r[3], 0}, NULL, 8);
				r += 4;
			} else
				*o++ = *r++;
		}
		*o = '\0';
		for (char *opt = strtok_r(field[5], ",", &save); opt;
		     opt = strtok_r(NULL, ",", &save)) {
			if (strcmp(opt, "ro") == 0)
				set |= MOUNT_ATTR_RDONLY;
			else if (strcmp(opt, "noexec") == 0)
				set |= MOUNT_ATTR_NOEXEC;
		}
		if (!set)
			continue;
		/* Cleared by a sandbox path at or above it? */
		for (size_t k = 0; k < m->n; k++) {
			const struct mount_op *op = &m->v[k];
			if (op->kind == MNT_ATTR && (op->attr_clr & set) &&
			    path_under(path, op->path)) {
				add_op(out, (struct mount_op){
						    .kind = MNT_ATTR,
						    .path = path,
						    .attr_set = set,
						    .dir = true,
						    .directive = "(host)",
					    });
				break;
			}
		}
	}
	fclose(f);
}

/*
 * TemporaryFileSystem=PATH[:OPTIONS]: systemd mounts a tmpfs with "nodev,
 * strictatime" and "mode=0755" before the options given, which may be
 * mount flags (ro, nosuid, noexec, ...) or tmpfs data (size=, mode=, ...).
 */
static void plan_tmpfs(struct mount_plan *m, const struct word *w,
		       struct diag *dg, bool *error)
{
	static const struct {
		const char *name;
		unsigned long set, clr;
	} flags[] = {
		{"ro", MS_RDONLY, 0},
		{"rw", 0, MS_RDONLY},
		{"nosuid", MS_NOSUID, 0},
		{"suid", 0, MS_NOSUID},
		{"nodev", MS_NODEV, 0},
		{"dev", 0, MS_NODEV},
		{"noexec", MS_NOEXEC, 0},
		{"exec", 0, MS_NOEXEC},
		{"strictatime", MS_STRICTATIME, 0},
		{"noatime", MS_NOATIME, 0},
		{"nodiratime", MS_NODIRATIME, 0},
	};
	char *path = xstrdup(w->s), *opts = strchr(path, ':'), *save = NULL;
	char real[4096], *data = xstrdup("mode=0755");
	struct mount_op op = {.kind = MNT_TMPFS,
			      .flags = MS_NODEV | MS_STRICTATIME,
			      .dir = true,
			      .directive = "TemporaryFileSystem"};
	struct stat st;

	if (opts)
		*opts++ = '\0';
	for (char *o = opts ? strtok_r(opts, ",", &save) : NULL; o;
	     o = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof(flags) / sizeof(*flags); i++)
			if (strcmp(o, flags[i].name) == 0)
				break;
		if (i < sizeof(flags) / sizeof(*flags)) {
			op.flags = (op.flags | flags[i].set) & ~flags[i].clr;
		} else if (strchr(o, '=') || !strchr(o, ' ')) {
			char *n = xasprintf("%s,%s", data, o);
			free(data);
			data = n;
		}
	}
	if (!realpath(path, real) || stat(real, &st) < 0 ||
	    !S_ISDIR(st.st_mode)) {
		diag_add(dg, w->at,
			 "TemporaryFileSystem=%s: not an existing directory",
			 path);
		*error = true;
		free(data);
	} else {
		op.path = real;
		op.owned_data = data;
		op.data = data;
		add_op(m, op);
	}
	free(path);
}

/* BindPaths=, BindReadOnlyPaths=: [-]SRC[:DST[:rbind|norbind]]. */
static void plan_bind(struct mount_plan *m, const struct word *w, bool ro,
		      struct diag *dg, bool *error)
{
	bool optional = w->s[0] == '-';
	char *src = xstrdup(w->s + optional), *dst, *how = NULL;
	char rsrc[4096], rdst[4096];
	struct stat ss, ds;
	struct statvfs sv;
	const char *name = ro ? "BindReadOnlyPaths" : "BindPaths";

	dst = strchr(src, ':');
	if (dst) {
		*dst++ = '\0';
		how = strchr(dst, ':');
		if (how)
			*how++ = '\0';
	}
	if (!realpath(src, rsrc) || stat(rsrc, &ss) < 0) {
		if (!(optional && errno == ENOENT)) {
			diag_add(dg, w->at, "%s=: source %s: %s", name, src,
				 errno_name(errno));
			*error = true;
		}
		goto out;
	}
	/* The destination is not created: it must exist, of the source's
	 * kind, for the bind to cover it. */
	if (!realpath(dst ? dst : src, rdst) || stat(rdst, &ds) < 0 ||
	    S_ISDIR(ss.st_mode) != S_ISDIR(ds.st_mode)) {
		diag_add(dg, w->at,
			 "%s=: destination %s must exist and be a %s, as the "
			 "source is",
			 name, dst ? dst : src,
			 S_ISDIR(ss.st_mode) ? "directory" : "file");
		*error = true;
		goto out;
	}
	add_op(m, (struct mount_op){
			  .kind = MNT_BIND,
			  .path = rdst,
			  .dir = S_ISDIR(ds.st_mode),
			  .directive = ro ? "BindReadOnlyPaths" : "BindPaths",
			  .recursive = !how || strcmp(how, "rbind") == 0,
			  .attr_set = ro ? MOUNT_ATTR_RDONLY : 0,
			  /* Writable as systemd's, unless the host's mount
			   * of the source is read-only: a bind made after
			   * ProtectSystem='s read-only "/" copies that. */
			  .attr_clr = !ro && statvfs(rsrc, &sv) == 0 &&
						      !(sv.f_flag & ST_RDONLY)
					      ? MOUNT_ATTR_RDONLY
					      : 0,
		  });
	m->v[m->n - 1].src = xstrdup(rsrc);
out:
	free(src);
}

/* Whether this process's root directory is a mount point: in a chroot of
 * a plain directory it is not, and MS_PRIVATE on "/" fails (EINVAL). */
static bool root_is_mount_point(void)
{
	FILE *f;
	char *line = NULL;
	size_t len = 0;
	bool found = false;

	/* The kernel says so directly since 5.8, without a read of the
	 * whole mount table (hundreds of lines on a container host).  (Not
	 * in musl before 1.2.5: the table is read there.) */
#ifdef STATX_ATTR_MOUNT_ROOT
	/* Zeroed: a supervisor's filter may fake success (errno 0). */
	struct statx stx = {0};

	if (statx(AT_FDCWD, "/", AT_STATX_DONT_SYNC, 0, &stx) == 0 &&
	    (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
#endif
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return true; /* no /proc: the apply step reports it */
	while (!found && getline(&line, &len, f) > 0) {
		char mp[8];
		found = sscanf(line, "%*s %*s %*s %*s %7s", mp) == 1 &&
			strcmp(mp, "/") == 0;
	}
	free(line);
	fclose(f);
	return found;
}

/* The policy's points, as attributes on binds of their paths (or hidden,
 * or ProtectHome=tmpfs's empty tmpfs). */
static void policy_mounts(struct mount_plan *m, const struct fs_policy *fp,
			  const struct config *c)
{
	if (fp->active && fp->root_access == FS_READ)
		add_op(m, (struct mount_op){.kind = MNT_ATTR,
					    .path = "/",
					    .attr_set = MOUNT_ATTR_RDONLY,
					    .dir = true,
					    .directive = "ProtectSystem"});
	if (fp->active && !fp->root_exec)
		add_op(m, (struct mount_op){.kind = MNT_ATTR,
					    .path = "/",
					    .attr_set = MOUNT_ATTR_NOEXEC,
					    .dir = true,
					    .directive = "NoExecPaths"});
	for (size_t i = 0; i < fp->n; i++) {
		const struct fs_point *pt = &fp->v[i];
		struct mount_op op = {.kind = MNT_ATTR,
				      .path = pt->path,
				      .directive = pt->directive};
		struct stat st;

		op.dir = stat(pt->path, &st) == 0 && S_ISDIR(st.st_mode);
		if (pt->exec_family) {
			if (pt->value)
				op.attr_clr = MOUNT_ATTR_NOEXEC;
			else
				op.attr_set = MOUNT_ATTR_NOEXEC;
		} else if (pt->value == FS_READ_WRITE) {
			op.attr_clr = MOUNT_ATTR_RDONLY;
		} else if (pt->value == FS_READ) {
			op.attr_set = MOUNT_ATTR_RDONLY;
		} else if (c->protect_home == PROTECT_HOME_TMPFS &&
			   strcmp(pt->directive, "ProtectHome") == 0) {
			op.kind = MNT_TMPFS;
			op.flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
			op.data = "mode=0755,size=4k";
		} else {
			op.kind = MNT_HIDE;
		}
		add_op(m, op);
	}
}

/* The directives only mounts can express: PrivateTmp=, PrivateDevices=,
 * ProtectKernelTunables=, ProtectKernelModules=, ProtectKernelLogs=,
 * ProtectProc=, ProcSubset=, PrivateIPC='s /dev/mqueue,
 * ProtectControlGroups=; with the capabilities some of them take out of the
 * bounding set, as systemd does. */
static void protect_mounts(struct sandbox_plan *s, const struct config *c)
{
	static const char *const tunables[] = {
		"/proc/sys",	"/proc/sysrq-trigger", "/proc/acpi",
		"/proc/asound", "/proc/bus",	       "/proc/fs",
		"/proc/irq",	"/proc/latency_stats", "/proc/timer_list",
		"/sys",
	};
	struct mount_plan *m = &s->mount;

	if (c->private_tmp) {
		static const char *const tmps[] = {"/tmp", "/var/tmp"};
		for (size_t i = 0; i < 2; i++)
			add_known(m, tmps[i],
				  (struct mount_op){
					  .kind = MNT_TMPFS,
					  .flags = MS_NOSUID | MS_NODEV,
					  .data = "mode=1777",
					  .directive = "PrivateTmp",
				  });
	}
	if (c->private_devices) {
		add_op(m, (struct mount_op){.kind = MNT_DEV,
					    .path = "/dev",
					    .dir = true,
					    .directive = "PrivateDevices"});
		s->drop_caps |= 1ULL << 27 /* CAP_MKNOD */ |
				1ULL << 17 /* CAP_SYS_RAWIO */;
	}
	if (c->protect_kernel_tunables)
		for (size_t i = 0; i < sizeof(tunables) / sizeof(*tunables);
		     i++)
			add_known(m, tunables[i],
				  (struct mount_op){
					  .kind = MNT_ATTR,
					  .attr_set = MOUNT_ATTR_RDONLY,
					  .directive = "ProtectKernelTunables",
				  });
	if (c->protect_kernel_modules) {
		add_known(
			m, "/usr/lib/modules",
			(struct mount_op){.kind = MNT_HIDE,
					  .directive = "ProtectKernelModules"});
		s->drop_caps |= 1ULL << 16; /* CAP_SYS_MODULE */
	}
	if (c->protect_kernel_logs) {
		add_known(m, "/proc/kmsg",
			  (struct mount_op){.kind = MNT_HIDE,
					    .directive = "ProtectKernelLogs"});
		if (!c->private_devices)
			add_known(m, "/dev/kmsg",
				  (struct mount_op){
					  .kind = MNT_HIDE,
					  .directive = "ProtectKernelLogs"});
		s->drop_caps |= 1ULL << 34; /* CAP_SYSLOG */
	}
	/*
	 * ProtectProc=, ProcSubset=: a procfs instance of the agent's own
	 * (per-mount options need Linux 5.8) with hidepid= and subset=pid,
	 * as systemd mounts it.  Mounted first among /proc's: what
	 * ProtectKernelTunables= and ProtectKernelLogs= do beneath /proc
	 * is then done on it.
	 */
	if (c->protect_proc != PROTECT_PROC_DEFAULT || c->proc_subset_pid) {
		static const char *const data[4][2] = {
			{"", "subset=pid"},
			{"hidepid=noaccess", "hidepid=noaccess,subset=pid"},
			{"hidepid=invisible", "hidepid=invisible,subset=pid"},
			{"hidepid=ptraceable", "hidepid=ptraceable,subset=pid"},
		};
		add_op(m, (struct mount_op){
				  .kind = MNT_PROC,
				  .path = "/proc",
				  .dir = true,
				  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC,
				  .data = data[c->protect_proc]
					      [c->proc_subset_pid],
				  .directive = c->protect_proc ? "ProtectProc"
							       : "ProcSubset",
			  });
	}
	/* PrivateIPC=: /dev/mqueue shows the queues of the IPC namespace
	 * that mounted it, the host's; the agent gets its namespace's. */
	if (c->private_ipc &&
	    (c->private_devices || access("/dev/mqueue", F_OK) == 0))
		add_op(m, (struct mount_op){
				  .kind = MNT_MQUEUE,
				  .path = "/dev/mqueue",
				  .dir = true,
				  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC,
				  .directive = "PrivateIPC",
			  });
	if (c->protect_control_groups)
		add_known(
			m, "/sys/fs/cgroup",
			(struct mount_op){.kind = MNT_ATTR,
					  .attr_set = MOUNT_ATTR_RDONLY,
					  .directive = "ProtectControlGroups"});
}

/* After the sort: what cannot be mounted any more. */
static void prune(struct mount_plan *m, const struct config *c)
{
	/* ProcSubset=pid: /proc has no /proc/sys, /proc/kmsg... any more;
	 * what the other directives do there is moot, as under systemd,
	 * whose entries for them are skipped when missing. */
	if (c->proc_subset_pid)
		for (size_t i = 0; i < m->n; i++) {
			if (m->v[i].kind == MNT_PROC ||
			    !path_under(m->v[i].path, "/proc"))
				continue;
			free(m->v[i].path);
			memmove(&m->v[i], &m->v[i + 1],
				(m->n - i - 1) * sizeof(*m->v));
			m->n--;
			i--;
		}
	/* Nothing can be mounted beneath what a hide, a tmpfs or the private
	 * /dev covers (the path is gone): drop those, and duplicates.  A
	 * fresh procfs has what /proc has; the mqueue mount point is made
	 * in the private /dev. */
	for (size_t i = 0; i < m->n; i++) {
		bool gone = false;
		for (size_t j = 0; j < m->n && !gone; j++)
			gone = j != i && m->v[j].kind != MNT_ATTR &&
			       m->v[j].kind != MNT_PROC &&
			       m->v[i].kind != MNT_MQUEUE &&
			       path_under(m->v[i].path, m->v[j].path) &&
			       strcmp(m->v[i].path, m->v[j].path) != 0;
		if (gone) {
			free(m->v[i].path);
			free(m->v[i].src);
			free(m->v[i].owned_data);
			memmove(&m->v[i], &m->v[i + 1],
				(m->n - i - 1) * sizeof(*m->v));
			m->n--;
			i--;
		}
	}
}

void mountns_plan_build(struct sandbox_plan *s, const struct config *c,
			struct diag *dg, bool *config_error, bool *host_error)
{
	struct mount_plan *m = &s->mount, host = {0};

	(void)config_error;
	if (!root_is_mount_point()) {
		diag_add(dg, (struct origin){c->path, 0},
			 "the mount backend needs / to be a mount point, and "
			 "here it is not (a chroot of a plain directory?): "
			 "bind-mount the root onto itself first, or use "
			 "SandboxBackend=landlock");
		*host_error = true;
	}
	policy_mounts(m, &s->fs, c);
	protect_mounts(s, c);
	for (size_t i = 0; i < c->temporary_file_system.n; i++)
		plan_tmpfs(m, &c->temporary_file_system.v[i], dg, host_error);
	for (size_t i = 0; i < c->bind_paths.n; i++)
		plan_bind(m, &c->bind_paths.v[i], false, dg, host_error);
	for (size_t i = 0; i < c->bind_read_only_paths.n; i++)
		plan_bind(m, &c->bind_read_only_paths.v[i], true, dg,
			  host_error);

	drop_idle_clears(m);
	host_locked_mounts(m, &host);
	for (size_t i = 0; i < host.n; i++)
		add_op(m, host.v[i]);
	mountns_plan_free(&host);
	qsort(m->v, m->n, sizeof(*m->v), op_order);

	prune(m, c);
}

void mountns_plan_free(struct mount_plan *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].path);
		free(m->v[i].src);
		free(m->v[i].owned_data);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
