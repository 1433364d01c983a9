/* SPDX-License-Identifier: MIT */
/*
 * The agent's mount namespace: the mounts the plan listed
 * (src/plan/mountns.c), made in order, then read back.  As root with
 * CAP_SYS_ADMIN and before any privilege is dropped:
 *   1. unshare(CLONE_NEWNS);
 *   2. MS_REC|MS_PRIVATE on "/", first: no mount below can propagate back
 *      to the host (mount_namespaces(7): a new namespace copies the
 *      propagation of the old, shared on systemd hosts);
 *   3. each mount in order.  Attributes go through mount_setattr(2) with
 *      AT_RECURSIVE (Linux 5.12), which changes a whole subtree of mounts
 *      at once; an older kernel falls back to a MS_REMOUNT of each mount
 *      found in /proc/self/mountinfo.
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

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
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
