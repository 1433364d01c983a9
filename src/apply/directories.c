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
 * ProtectSystem=strict they stay writable (src/plan/landlock.c), as systemd
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

static const struct {
	const char *root, *directive, *env;
	enum step step;
} types[EXEC_DIR__MAX] = {
	[EXEC_DIR_RUNTIME] = {"/run", "RuntimeDirectory", "RUNTIME_DIRECTORY",
			      STEP_RUNTIME_DIRECTORY},
	[EXEC_DIR_STATE] = {"/var/lib", "StateDirectory", "STATE_DIRECTORY",
			    STEP_STATE_DIRECTORY},
	[EXEC_DIR_CACHE] = {"/var/cache", "CacheDirectory", "CACHE_DIRECTORY",
			    STEP_CACHE_DIRECTORY},
	[EXEC_DIR_LOGS] = {"/var/log", "LogsDirectory", "LOGS_DIRECTORY",
			   STEP_LOGS_DIRECTORY},
	[EXEC_DIR_CONFIGURATION] = {"/etc", "ConfigurationDirectory",
				    "CONFIGURATION_DIRECTORY",
				    STEP_CONFIGURATION_DIRECTORY},
};

const char *exec_dir_env_name(enum exec_dir t)
{
	return types[t].env;
}

const char *exec_dir_directive(enum exec_dir t)
{
	return types[t].directive;
}

void directories_plan(struct plan *p, struct diag *dg, enum step *step)
{
	const struct config *c = p->cfg;

	for (int t = 0; t < EXEC_DIR__MAX; t++) {
		const struct words *w = &c->exec_dirs[t];
		char root[PATH_MAX];

		if (!w->n)
			continue;
		/* The root as this host has it (/var/run style links are
		 * the system's own); refused when missing, as --check. */
		if (!realpath(types[t].root, root)) {
			diag_add(dg, w->v[0].at, "%s=: %s: %s",
				 types[t].directive, types[t].root,
				 errno_name(errno));
			if (*step == STEP__ALL)
				*step = types[t].step;
			continue;
		}
		for (size_t i = 0; i < w->n; i++) {
			struct exec_dir_plan *d;
			struct stat st;
			bool dup = false;

			for (size_t j = 0; j < p->ndirs; j++)
				dup |= p->dirs[j].type == (enum exec_dir)t &&
				       strcmp(p->dirs[j].path +
						      p->dirs[j].root_len + 1,
					      w->v[i].s) == 0;
			if (dup)
				continue;
			p->dirs = xrealloc(p->dirs,
					   (p->ndirs + 1) * sizeof(*p->dirs));
			d = &p->dirs[p->ndirs++];
			*d = (struct exec_dir_plan){
				.type = (enum exec_dir)t,
				.path = xasprintf("%s/%s",
						  strcmp(root, "/") ? root : "",
						  w->v[i].s),
				.root_len =
					strcmp(root, "/") ? strlen(root) : 0,
				.mode = c->exec_dir_mode[t],
				.uid = t == EXEC_DIR_CONFIGURATION ? 0 : p->uid,
				.gid = t == EXEC_DIR_CONFIGURATION ? 0 : p->gid,
				.empty = t == EXEC_DIR_RUNTIME &&
					 c->runtime_preserve ==
						 RUNTIME_PRESERVE_NO,
			};
			/* What the launch would refuse, refused now. */
			if (lstat(d->path, &st) == 0 && !S_ISDIR(st.st_mode)) {
				diag_add(dg, w->v[i].at,
					 "%s=%s: %s exists and is not a "
					 "directory",
					 types[t].directive, w->v[i].s,
					 d->path);
				if (*step == STEP__ALL)
					*step = types[t].step;
			}
		}
	}
}

void directories_plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->ndirs; i++)
		free(p->dirs[i].path);
	free(p->dirs);
	p->dirs = NULL;
	p->ndirs = 0;
}

void directories_print(FILE *out, const struct plan *p)
{
	for (size_t i = 0; i < p->ndirs; i++) {
		const struct exec_dir_plan *d = &p->dirs[i];
		fprintf(out,
			"directory       %s  mode %04o, owner %u:%u%s  [%s]\n",
			d->path, (unsigned)d->mode, (unsigned)d->uid,
			(unsigned)d->gid,
			d->empty ? ", emptied if left over" : "",
			types[d->type].directive);
	}
}

/* ----------------------------------------------------------------- apply */

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
	enum step st = types[d->type].step;
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
