/* SPDX-License-Identifier: MIT */
/*
 * The mount namespace backend: the file system policy (src/landlock.c) and
 * the directives only mounts can express (PrivateTmp=, PrivateDevices=,
 * ProtectKernelTunables=, ProtectKernelModules=, ProtectKernelLogs=,
 * ProtectControlGroups=, ProtectHome=tmpfs, ProtectProc=, ProcSubset=,
 * PrivateIPC='s /dev/mqueue) become mounts in a namespace of the agent's
 * own; PrivateMounts= asks for the namespace alone.
 *
 * The plan lists the mounts, shallow paths first, so that a deeper path
 * overrides (systemd's rule).  The apply step, as root with CAP_SYS_ADMIN
 * and before any privilege is dropped:
 *   1. unshare(CLONE_NEWNS);
 *   2. MS_REC|MS_PRIVATE on "/", first: no mount below can propagate back
 *      to the host (mount_namespaces(7): a new namespace copies the
 *      propagation of the old, shared on systemd hosts);
 *   3. each mount in order.  Attributes go through mount_setattr(2) with
 *      AT_RECURSIVE (Linux 5.12), which changes a whole subtree of mounts
 *      at once; an older kernel falls back to a MS_REMOUNT of each mount
 *      found in /proc/self/mountinfo.
 * A path is made read-only or no-exec by binding it onto itself and
 * setting the attribute on the bind ("/" is changed in place: it is the
 * namespace's own copy).  A mount the host already made read-only or
 * no-exec beneath a path that clears the attribute gets it back (the plan
 * reads the host's mountinfo), so the sandbox only ever takes away.
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

#include "plan.h"
#include "sandbox.h"
#include "steps.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV  0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202 /* ipc/mqueue.c */
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

/* struct mount_attr (Linux 5.12), under our own name: glibc 2.36's
 * <sys/mount.h> and <linux/mount.h> cannot both be included. */
struct osapi_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

#define HIDE_ROOT "/run/osapi-launch"
#define HIDE_DIR  HIDE_ROOT "/inaccessible-dir"
#define HIDE_REG  HIDE_ROOT "/inaccessible-reg"

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

/* ------------------------------------------------------------------ plan */

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

/* Mount points of the host with mount-level "ro" or "noexec". */
static void host_locked_mounts(struct mount_plan *m, struct mount_plan *out)
{
	char line[8192];
	FILE *f = fopen("/proc/self/mountinfo", "re");

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

void mountns_plan_build(struct sandbox_plan *s, const struct config *c,
			struct diag *dg, bool *config_error, bool *host_error)
{
	static const char *const tunables[] = {
		"/proc/sys",	"/proc/sysrq-trigger", "/proc/acpi",
		"/proc/asound", "/proc/bus",	       "/proc/fs",
		"/proc/irq",	"/proc/latency_stats", "/proc/timer_list",
		"/sys",
	};
	struct mount_plan *m = &s->mount, host = {0};
	const struct fs_policy *fp = &s->fs;

	(void)config_error;
	if (!root_is_mount_point()) {
		diag_add(dg, (struct origin){c->path, 0},
			 "the mount backend needs / to be a mount point, and "
			 "here it is not (a chroot of a plain directory?): "
			 "bind-mount the root onto itself first, or use "
			 "SandboxBackend=landlock");
		*host_error = true;
	}
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

	for (size_t i = 0; i < c->temporary_file_system.n; i++)
		plan_tmpfs(m, &c->temporary_file_system.v[i], dg, host_error);
	for (size_t i = 0; i < c->bind_paths.n; i++)
		plan_bind(m, &c->bind_paths.v[i], false, dg, host_error);
	for (size_t i = 0; i < c->bind_read_only_paths.n; i++)
		plan_bind(m, &c->bind_read_only_paths.v[i], true, dg,
			  host_error);

	host_locked_mounts(m, &host);
	for (size_t i = 0; i < host.n; i++)
		add_op(m, host.v[i]);
	mountns_plan_free(&host);
	qsort(m->v, m->n, sizeof(*m->v), op_order);

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

/* ----------------------------------------------------------------- apply */

/*
 * The fallback for kernels before 5.12: remount every mount at or beneath
 * path.  /proc/self/mountinfo is read into a stack buffer in pieces and
 * scanned in place (no allocation, as every apply step).
 */
static int remount_walk(const char *path, unsigned set, unsigned clr)
{
	char buf[65536];
	size_t len = 0;
	ssize_t n;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0 || len == sizeof(buf) - 1) {
		errno = n < 0 ? errno : E2BIG;
		return -1;
	}
	buf[len] = '\0';
	for (char *line = buf; line && *line;) {
		char *next = strchr(line, '\n'), *f = line, *mp;
		unsigned long flags = MS_REMOUNT | MS_BIND;

		if (next)
			*next++ = '\0';
		for (int i = 0; i < 4 && f; i++) {
			f = strchr(f, ' ');
			if (f)
				f++;
		}
		line = next;
		if (!f)
			continue;
		mp = f;
		f = strchr(mp, ' ');
		if (!f)
			continue;
		*f++ = '\0';
		if (strchr(mp, '\\') || !path_under(mp, path))
			continue; /* escaped names: not ours to guess */
		if (strstr(f, "ro,") == f || strncmp(f, "ro ", 3) == 0)
			flags |= MS_RDONLY;
		if (strstr(f, ",noexec"))
			flags |= MS_NOEXEC;
		if (strstr(f, ",nosuid"))
			flags |= MS_NOSUID;
		if (strstr(f, ",nodev"))
			flags |= MS_NODEV;
		if (set & MOUNT_ATTR_RDONLY)
			flags |= MS_RDONLY;
		if (set & MOUNT_ATTR_NOEXEC)
			flags |= MS_NOEXEC;
		if (clr & MOUNT_ATTR_RDONLY)
			flags &= ~(unsigned long)MS_RDONLY;
		if (clr & MOUNT_ATTR_NOEXEC)
			flags &= ~(unsigned long)MS_NOEXEC;
		if (mount(NULL, mp, NULL, flags, NULL) < 0)
			return -1;
	}
	return 0;
}

static int set_attr(const char *path, unsigned set, unsigned clr,
		    bool recursive)
{
	struct osapi_mount_attr a = {.attr_set = set, .attr_clr = clr};

	if (syscall(SYS_mount_setattr, AT_FDCWD, path,
		    (recursive ? AT_RECURSIVE : 0) | AT_SYMLINK_NOFOLLOW, &a,
		    sizeof(a)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	return remount_walk(path, set, clr);
}

/* systemd's /run/systemd/inaccessible, ours: an empty mode-000 directory
 * and file, root's, made once and checked every time. */
static void hide_sources(void)
{
	struct stat st;
	int fd;

	if ((mkdir(HIDE_ROOT, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(HIDE_DIR, 0) < 0 && errno != EEXIST))
		die(STEP_NAMESPACE, errno, "cannot create %s", HIDE_DIR);
	fd = open(HIDE_REG, O_CREAT | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd < 0)
		die(STEP_NAMESPACE, errno, "cannot create %s", HIDE_REG);
	close(fd);
	if (lstat(HIDE_DIR, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid ||
	    (st.st_mode & 07777))
		die(STEP_NAMESPACE, 0,
		    "%s is not root's empty mode-000 "
		    "directory",
		    HIDE_DIR);
	if (lstat(HIDE_REG, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid ||
	    (st.st_mode & 07777) || st.st_size)
		die(STEP_NAMESPACE, 0, "%s is not root's empty mode-000 file",
		    HIDE_REG);
}

static void private_dev(void)
{
	static const struct {
		const char *path;
		unsigned maj, min;
	} nodes[] = {
		{"/dev/null", 1, 3},	{"/dev/zero", 1, 5},
		{"/dev/full", 1, 7},	{"/dev/random", 1, 8},
		{"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
	};
	static const char *const links[][2] = {
		{"/proc/self/fd", "/dev/fd"},
		{"/proc/self/fd/0", "/dev/stdin"},
		{"/proc/self/fd/1", "/dev/stdout"},
		{"/proc/self/fd/2", "/dev/stderr"},
		{"pts/ptmx", "/dev/ptmx"},
	};

	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
		  "mode=0755,size=4m") < 0)
		die(STEP_NAMESPACE, errno, "PrivateDevices=: mounting /dev");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(*nodes); i++)
		if (mknod(nodes[i].path, S_IFCHR | 0666,
			  makedev(nodes[i].maj, nodes[i].min)) < 0 ||
		    chmod(nodes[i].path, 0666) < 0)
			die(STEP_NAMESPACE, errno, "PrivateDevices=: %s",
			    nodes[i].path);
	for (size_t i = 0; i < sizeof(links) / sizeof(*links); i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			die(STEP_NAMESPACE, errno, "PrivateDevices=: %s",
			    links[i][1]);
	if (mkdir("/dev/pts", 0755) < 0 ||
	    mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		die(STEP_NAMESPACE, errno, "PrivateDevices=: /dev/pts");
	if (mkdir("/dev/shm", 01777) < 0 || chmod("/dev/shm", 01777) < 0 ||
	    mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777") < 0)
		die(STEP_NAMESPACE, errno, "PrivateDevices=: /dev/shm");
}

/*
 * The mount attributes a path should now carry, as far as the plan decides
 * them: the ops at or above it, in order (an attribute change applies to
 * what is beneath; a tmpfs or hidden mount replaces everything).  Bits not
 * in *known are the host's.  False when the path is hidden by a mount above
 * it, and so cannot be looked at.
 */
static bool planned_attrs(const struct mount_plan *m, const char *path,
			  unsigned *known, unsigned *val)
{
	*known = *val = 0;
	for (size_t j = 0; j < m->n; j++) {
		const struct mount_op *op = &m->v[j];
		if (!path_under(path, op->path))
			continue;
		switch (op->kind) {
		case MNT_ATTR:
			*known |= op->attr_set | op->attr_clr;
			*val = (*val | op->attr_set) & ~op->attr_clr;
			break;
		case MNT_HIDE:
			if (strcmp(path, op->path) != 0)
				return false;
			*known = *val = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
			break;
		case MNT_PROC:
		case MNT_MQUEUE:
		case MNT_TMPFS: /* MS_RDONLY.. MS_NOEXEC: the same four bits */
			*known = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				 MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
			*val = (unsigned)op->flags & *known;
			break;
		case MNT_DEV:
			*known = *val = 0;
			break;
		case MNT_BIND: /* the source's attributes, then the op's */
			*known = op->attr_set | op->attr_clr;
			*val = op->attr_set;
			break;
		}
	}
	return true;
}

/* A later op mounts over the same path: that one is what can be seen. */
static bool covered_later(const struct mount_plan *m, size_t i)
{
	for (size_t j = i + 1; j < m->n; j++)
		if (m->v[j].kind != MNT_ATTR &&
		    strcmp(m->v[j].path, m->v[i].path) == 0)
			return true;
	return false;
}

/* The last /proc line of /proc/self/mountinfo carries every option in
 * want ("hidepid=invisible,subset=pid"): the kernel took them.  Read into
 * a stack buffer, as remount_walk(). */
static bool proc_options_hold(const char *want)
{
	char buf[65536], *last = NULL, *line;
	size_t len = 0;
	ssize_t n;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	for (line = buf; line && *line;) {
		char *next = strchr(line, '\n'), *f = line;
		if (next)
			*next++ = '\0';
		for (int i = 0; i < 4 && f; i++)
			if ((f = strchr(f, ' ')))
				f++;
		if (f && strncmp(f, "/proc ", 6) == 0)
			last = line;
		line = next;
	}
	if (!last || !(last = strstr(last, " - proc ")))
		return false;
	for (const char *w = want; *w;) {
		size_t l = strcspn(w, ",");
		char tok[64];
		snprintf(tok, sizeof(tok), ",%.*s", (int)l, w);
		if (!strstr(last, tok))
			return false;
		w += l + (w[l] == ',');
	}
	return true;
}

/*
 * The read-back of this step, as verify.c is for the credentials: ask the
 * kernel (statfs(2)'s f_flags, whose ST_RDONLY..ST_NOEXEC are the
 * MOUNT_ATTR_* bits) whether every path the plan changed now has the
 * restrictions planned, and refuse to go on otherwise.  A kernel, a
 * fallback or a filter that reports success without the effect ends here.
 */
static void read_back(const struct mount_plan *m)
{
	static const char *const names[] = {"read-only", "nosuid", "nodev",
					    "noexec"};

	for (size_t i = 0; i < m->n; i++) {
		const struct mount_op *op = &m->v[i];
		unsigned known, val, missing;
		struct statfs sf;

		if (op->kind == MNT_DEV || covered_later(m, i) ||
		    !planned_attrs(m, op->path, &known, &val))
			continue;
		if (statfs(op->path, &sf) < 0)
			die(STEP_VERIFY, errno, "%s=: cannot read back %s",
			    op->directive, op->path);
		if ((op->kind == MNT_TMPFS && sf.f_type != TMPFS_MAGIC) ||
		    (op->kind == MNT_PROC && sf.f_type != PROC_SUPER_MAGIC) ||
		    (op->kind == MNT_MQUEUE && sf.f_type != MQUEUE_MAGIC))
			die(STEP_VERIFY, 0,
			    "%s=: %s is not the %s planned in the agent's "
			    "mount namespace",
			    op->directive, op->path,
			    op->kind == MNT_TMPFS  ? "tmpfs"
			    : op->kind == MNT_PROC ? "procfs"
						   : "mqueue");
		if (op->kind == MNT_PROC && !proc_options_hold(op->data))
			die(STEP_VERIFY, 0,
			    "%s=: /proc in the agent's mount namespace does "
			    "not carry %s",
			    op->directive, op->data);
		/* Only what the plan takes away: a clear that did not take
		 * (a file system read-only in itself) leaves the agent with
		 * less, never more. */
		missing = val & known & ~(unsigned)sf.f_flags;
		for (int b = 0; b < 4; b++)
			if (missing & (1U << b))
				die(STEP_VERIFY, 0,
				    "%s=: %s is not %s in the agent's mount "
				    "namespace, though the kernel accepted the "
				    "change",
				    op->directive, op->path, names[b]);
	}
}

void mountns_apply(const struct plan *p)
{
	const struct mount_plan *m = &p->sandbox.mount;
	bool hides = false;

	if (!(p->sandbox.backends & SANDBOX_MOUNT))
		return;
	if (INJECT(STEP_NAMESPACE) || unshare(CLONE_NEWNS) < 0)
		die(STEP_NAMESPACE, errno, "unshare(CLONE_NEWNS) failed");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die(STEP_NAMESPACE, errno, "making / private failed");
	for (size_t i = 0; i < m->n; i++)
		hides |= m->v[i].kind == MNT_HIDE;
	if (hides)
		hide_sources();
	for (size_t i = 0; i < m->n; i++) {
		const struct mount_op *op = &m->v[i];
		switch (op->kind) {
		case MNT_ATTR:
			if (strcmp(op->path, "/") != 0 &&
			    mount(op->path, op->path, NULL, MS_BIND | MS_REC,
				  NULL) < 0)
				die(STEP_NAMESPACE, errno, "%s=: binding %s",
				    op->directive, op->path);
			if (set_attr(op->path, op->attr_set, op->attr_clr,
				     true) < 0)
				die(STEP_NAMESPACE, errno,
				    "%s=: mount_setattr(%s)", op->directive,
				    op->path);
			break;
		case MNT_HIDE:
			if (mount(op->dir ? HIDE_DIR : HIDE_REG, op->path, NULL,
				  MS_BIND, NULL) < 0 ||
			    set_attr(op->path,
				     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC |
					     MOUNT_ATTR_NOSUID |
					     MOUNT_ATTR_NODEV,
				     0, false) < 0)
				die(STEP_NAMESPACE, errno, "%s=: hiding %s",
				    op->directive, op->path);
			break;
		case MNT_TMPFS:
			if (mount("tmpfs", op->path, "tmpfs", op->flags,
				  op->data) < 0)
				die(STEP_NAMESPACE, errno, "%s=: tmpfs on %s",
				    op->directive, op->path);
			break;
		case MNT_DEV:
			private_dev();
			break;
		case MNT_BIND:
			if (mount(op->src, op->path, NULL,
				  MS_BIND | (op->recursive ? MS_REC : 0),
				  NULL) < 0 ||
			    ((op->attr_set || op->attr_clr) &&
			     set_attr(op->path, op->attr_set, op->attr_clr,
				      op->attr_set != 0) < 0))
				die(STEP_NAMESPACE, errno,
				    "%s=: binding %s on %s", op->directive,
				    op->src, op->path);
			break;
		case MNT_PROC:
			if (mount("proc", op->path, "proc", op->flags,
				  op->data) < 0)
				die(STEP_NAMESPACE, errno,
				    "%s=: procfs on %s with %s (per-mount "
				    "options need Linux 5.8)",
				    op->directive, op->path, op->data);
			break;
		case MNT_MQUEUE:
			if ((mkdir(op->path, 0755) < 0 && errno != EEXIST) ||
			    mount("mqueue", op->path, "mqueue", op->flags,
				  NULL) < 0)
				die(STEP_NAMESPACE, errno, "%s=: mqueue on %s",
				    op->directive, op->path);
			break;
		}
	}
	read_back(m);
}

/* --------------------------------------------------------------- --check */

static const char *op_text(const struct mount_op *op, char *b, size_t len)
{
	switch (op->kind) {
	case MNT_ATTR:
		snprintf(b, len, "%s%s%s%s",
			 op->attr_set & MOUNT_ATTR_RDONLY ? "ro " : "",
			 op->attr_clr & MOUNT_ATTR_RDONLY ? "rw " : "",
			 op->attr_set & MOUNT_ATTR_NOEXEC ? "noexec " : "",
			 op->attr_clr & MOUNT_ATTR_NOEXEC ? "exec " : "");
		if (*b)
			b[strlen(b) - 1] = '\0';
		return b;
	case MNT_HIDE:
		return "inaccessible";
	case MNT_TMPFS:
		return op->flags & MS_RDONLY ? "tmpfs (empty, read-only)"
					     : "tmpfs";
	case MNT_DEV:
		return "private /dev";
	case MNT_BIND:
		snprintf(b, len, "bind%s%s", op->attr_set ? " ro" : "",
			 op->recursive ? "" : " norbind");
		return b;
	case MNT_PROC:
		snprintf(b, len, "procfs %s", op->data);
		return b;
	case MNT_MQUEUE:
		return "mqueue of the agent's IPC namespace";
	}
	return "?";
}

void mountns_print(FILE *out, const struct mount_plan *m)
{
	char b[64];

	for (size_t i = 0; i < m->n; i++)
		fprintf(out, "mount           %s  %s  [%s]\n", m->v[i].path,
			op_text(&m->v[i], b, sizeof(b)), m->v[i].directive);
}

void mountns_print_json(FILE *out, const struct mount_plan *m)
{
	char b[64];

	fputs(", \"mounts\": [", out);
	for (size_t i = 0; i < m->n; i++) {
		fputs(i ? ", " : "", out);
		fputs("{\"path\": ", out);
		json_str(out, m->v[i].path);
		fputs(", \"what\": ", out);
		json_str(out, op_text(&m->v[i], b, sizeof(b)));
		fputs(", \"directive\": ", out);
		json_str(out, m->v[i].directive);
		fputc('}', out);
	}
	fputc(']', out);
}
