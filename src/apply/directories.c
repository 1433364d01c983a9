/* SPDX-License-Identifier: MIT */
/*
 * RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=,
 * ConfigurationDirectory= and their *Mode=, as systemd.exec(5): each name is
 * a path beneath /run, /var/lib, /var/cache, /var/log or /etc; missing
 * parents are made root's with mode 0755; the innermost directory gets the
 * configured mode (0755 by default) and, except for ConfigurationDirectory=
 * (root's), User= and Group= as owner.  An existing directory gets the mode
 * too, and when its owner differs, everything beneath it is chowned, as
 * systemd does after a User= change.  The agent finds the paths in
 * $RUNTIME_DIRECTORY, $STATE_DIRECTORY, ... (src/plan/environ.c), and under
 * ProtectSystem=strict they stay writable (src/plan/sandbox.c), as systemd
 * makes them; ConfigurationDirectory= does not.
 *
 * Created while root, before the mount namespace (whose read-write binds
 * need them to exist) and before the uid change.  Below the root of each
 * type no symlink is followed: the directories may belong to the agent's
 * user, who must not be able to redirect root's chown or chmod elsewhere.
 *
 * RuntimeDirectoryPreserve=: systemd removes the runtime directory when
 * the service stops ("no", the default) or only when it is stopped for
 * good ("restart").  The launcher execs in place and has no stop hook, so
 * it cannot remove anything at stop.  What it can do at start, it does:
 * with "no" a leftover directory is emptied first, so the agent starts
 * with what systemd would give it; "restart" and "yes" keep it (a start
 * cannot be told from a restart).  Removal at stop is the supervisor's
 * job (the man page shows how).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

/* getdents64(2)'s record: no glibc wrapper that does not allocate. */
struct dent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

#define WALK_DEPTH 64

/*
 * Everything beneath dfd: chowned (remove false) or removed.  Stack
 * buffers only; no symlink is followed (entries are opened O_NOFOLLOW and
 * chowned with AT_SYMLINK_NOFOLLOW).  Removal rescans from the start until
 * a pass finds nothing, since entries vanish under the reader.
 */
static void walk(int dfd, int depth, const struct exec_dir_plan *d, bool remove,
		 enum step st)
{
	char buf[4096] __attribute__((aligned(8)));
	bool again = true;

	if (depth > WALK_DEPTH)
		die(st, ELOOP, "%s: more than %d levels deep", d->path,
		    WALK_DEPTH);
	while (again) {
		long n;

		again = false;
		if (lseek(dfd, 0, SEEK_SET) < 0)
			die(st, errno, "%s: cannot rewind", d->path);
		while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) >
		       0) {
			for (long off = 0; off < n;) {
				struct dent64 *e = (struct dent64 *)(buf + off);
				bool dir = e->type == DT_DIR;
				struct stat sb;

				off += e->reclen;
				if (!strcmp(e->name, ".") ||
				    !strcmp(e->name, ".."))
					continue;
				if (e->type == DT_UNKNOWN)
					dir = fstatat(dfd, e->name, &sb,
						      AT_SYMLINK_NOFOLLOW) ==
						      0 &&
					      S_ISDIR(sb.st_mode);
				if (dir) {
					int fd = openat(dfd, e->name,
							O_RDONLY | O_DIRECTORY |
								O_NOFOLLOW |
								O_CLOEXEC);
					if (fd < 0)
						die(st, errno, "%s: opening %s",
						    d->path, e->name);
					walk(fd, depth + 1, d, remove, st);
					close(fd);
				}
				if (remove ? unlinkat(dfd, e->name,
						      dir ? AT_REMOVEDIR : 0)
					   : fchownat(dfd, e->name, d->uid,
						      d->gid,
						      AT_SYMLINK_NOFOLLOW))
					die(st, errno, "%s: %s %s", d->path,
					    remove ? "removing" : "chowning",
					    e->name);
				again |= remove;
			}
		}
		if (n < 0)
			die(st, errno, "%s: cannot read the directory",
			    d->path);
	}
}

static void create(const struct exec_dir_plan *d)
{
	enum step st = d->step;
	char comp[NAME_MAX + 1];
	const char *s = d->path + d->root_len + 1;
	struct stat sb;
	bool created = false;
	int fd;

	if (INJECT(st))
		die(st, errno, "creating %s failed", d->path);
	/* The root may be a link of the system's; nothing below it. */
	{
		char root[PATH_MAX];
		memcpy(root, d->path, d->root_len);
		root[d->root_len] = '\0';
		fd = open(d->root_len ? root : "/",
			  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0)
		die(st, errno, "opening the root of %s", d->path);
	while (*s) {
		size_t l = strcspn(s, "/");
		bool last = s[l] == '\0';
		int next;

		if (l > NAME_MAX)
			die(st, ENAMETOOLONG, "%s", d->path);
		memcpy(comp, s, l);
		comp[l] = '\0';
		/* Parents as systemd makes them: root's, 0755.  The leaf gets
		 * its mode below, whatever the umask took away. */
		if (mkdirat(fd, comp, last ? d->mode & 0777 : 0755) == 0)
			created = last;
		else if (errno != EEXIST)
			die(st, errno, "creating %s failed", d->path);
		/* Already as planned (a container's tmpfs made for the agent):
		 * nothing to change, and root without CAP_DAC_READ_SEARCH
		 * could not open the agent's 0700 directory to change it. */
		if (last && !created && !d->empty &&
		    fstatat(fd, comp, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(sb.st_mode) && (sb.st_mode & 07777) == d->mode &&
		    (d->type == EXEC_DIR_CONFIGURATION ||
		     (sb.st_uid == d->uid && sb.st_gid == d->gid))) {
			close(fd);
			return;
		}
		next = openat(fd, comp,
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			die(st, errno,
			    "opening %s (a symlink or not a directory?)",
			    d->path);
		close(fd);
		fd = next;
		s += l + !last;
	}
	if (fstat(fd, &sb) < 0)
		die(st, errno, "stat %s", d->path);
	if (d->empty && !created)
		walk(fd, 0, d, true, st);
	/* systemd chowns the whole tree when the owner changed (a new User=
	 * or a directory made by hand); ConfigurationDirectory= stays as it
	 * is found. */
	if (d->type != EXEC_DIR_CONFIGURATION || created) {
		if (!created && (sb.st_uid != d->uid || sb.st_gid != d->gid))
			walk(fd, 0, d, false, st);
		if (fchown(fd, d->uid, d->gid) < 0)
			die(st, errno, "chown %s to %u:%u failed", d->path,
			    (unsigned)d->uid, (unsigned)d->gid);
	}
	if (fchmod(fd, d->mode) < 0)
		die(st, errno, "chmod %04o %s failed", (unsigned)d->mode,
		    d->path);
	/* The read-back of this step: what the kernel now reports. */
	if (fstat(fd, &sb) < 0 || (sb.st_mode & 07777) != d->mode ||
	    ((d->type != EXEC_DIR_CONFIGURATION || created) &&
	     (sb.st_uid != d->uid || sb.st_gid != d->gid)))
		die(st, errno, "%s reads mode %04o owner %u:%u, planned %04o",
		    d->path, (unsigned)(sb.st_mode & 07777),
		    (unsigned)sb.st_uid, (unsigned)sb.st_gid,
		    (unsigned)d->mode);
	close(fd);
}

void directories_apply(const struct plan *p)
{
	for (size_t i = 0; i < p->ndirs; i++)
		create(&p->dirs[i]);
}
