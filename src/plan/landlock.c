/* SPDX-License-Identifier: MIT */
/*
 * The Landlock backend of the file system policy (src/plan/fs_policy.c),
 * and RestrictNetworkPorts='s rules.
 *
 * Landlock (kernel >= 5.13, no privilege needed) can only grant: a rule on
 * a directory grants rights on everything beneath it, and nothing beneath
 * can take them back.  So "everything readable except /home" is built from
 * the siblings: no rule on "/", one rule on each entry of "/" but "home".
 * In general, a directory whose subtree holds a path that must get fewer
 * rights than the directory itself is "split": it gets only what every path
 * beneath it gets, and each of its entries gets its own rule.  Where that
 * falls short of systemd's mounts, and how:
 *   - a split directory cannot be listed (READ_DIR would reach the hidden
 *     path), nor can entries be created in it: under ProtectHome=yes the
 *     agent cannot list "/";
 *   - a split directory's entries are those at launch: an entry created
 *     later gets no rights at all (fail closed).  /proc creates an entry
 *     per process, so a split of /proc is refused (config error, or the
 *     directive is dropped when written with "-");
 *   - Landlock mediates open, not lookup: stat(2) still sees a hidden path
 *     exists, where a mount would show an empty directory;
 *   - ProtectHome=tmpfs (an empty /home) cannot be expressed; "-tmpfs"
 *     accepts "yes" (inaccessible) instead;
 *   - descriptors opened before landlock_restrict_self() are not affected
 *     (the launcher opens none for the agent but fds 0-2);
 *   - Landlock checks execve(2) and the ELF loader's open_exec(), not
 *     mmap(PROT_EXEC): under NoExecPaths=/ shared libraries still load
 *     (the loader itself, PT_INTERP, needs ExecPaths=).
 * The ruleset is built here, in the plan (it needs no privilege); the apply
 * step (src/apply/landlock.c) only enters it, after no_new_privs (Landlock
 * requires NNP or CAP_SYS_ADMIN) and before seccomp (which may deny the
 * landlock calls).
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "path.h"
#include "plan.h"
#include "sandbox.h"
#include "steps.h"

/*
 * Debian 12's <linux/landlock.h> is Linux 6.1's (ABI 2); the kernel may
 * offer more.  The newer numbers are UAPI and never change.
 */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif
#define LL_RULE_NET_PORT	  2	      /* ABI 4 */
#define LL_ACCESS_NET_BIND_TCP	  (1ULL << 0) /* ABI 4 */
#define LL_ACCESS_NET_CONNECT_TCP (1ULL << 1) /* ABI 4 */

/* struct landlock_ruleset_attr as of ABI 6; the size passed tells the
 * kernel which fields we mean. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;	     /* ABI 6 */
};

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
} __attribute__((packed));

#define LL_FS_ABI1                                                             \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |          \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |          \
	 LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |      \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |          \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |          \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |        \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)

/* The rights a rule on a non-directory may carry. */
#define LL_FILE_RIGHTS                                                         \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |          \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |          \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)

#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_EXEC LANDLOCK_ACCESS_FS_EXECUTE
#define LL_WRITE                                                               \
	((LL_FS_ABI1 & ~(LL_READ | LL_EXEC)) | LANDLOCK_ACCESS_FS_REFER |      \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

int landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
			 LANDLOCK_CREATE_RULESET_VERSION);
	return v < 0 ? 0 : (int)v;
}

/* Every file system right this kernel knows: handling one it lacks would
 * fail the ruleset, and one it has but we leave out would stay allowed. */
static uint64_t fs_rights(int abi)
{
	uint64_t r = LL_FS_ABI1;

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

static uint64_t class_bits(unsigned cls, uint64_t handled)
{
	uint64_t r = 0;

	if (cls & FS_CLASS_READ)
		r |= LL_READ;
	if (cls & FS_CLASS_WRITE)
		r |= LL_WRITE;
	if (cls & FS_CLASS_EXEC)
		r |= LL_EXEC;
	return r & handled;
}

void landlock_note(struct landlock_plan *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	l->notes = xrealloc(l->notes, (l->nnotes + 1) * sizeof(char *));
	l->notes[l->nnotes++] = s;
}

/* ----------------------------------------------------------- Landlock rules */

struct ll_build {
	struct landlock_plan *ll;
	const struct fs_policy *fp;
	bool *drop;
	bool dry; /* first pass: find what cannot be expressed */
	bool failed;
	struct diag *dg;
	const struct config *c;
};

/* The same, one component at a time, for when openat2(2) answers ENOSYS:
 * Linux before 5.6, or a supervisor's filter (systemd's RestrictSUIDSGID=
 * gives openat2 ENOSYS, as this launcher's own does). */
static int open_path_walk(const char *path)
{
	int fd = open("/", O_PATH | O_CLOEXEC | O_DIRECTORY);
	const char *s = path + strspn(path, "/");
	char comp[NAME_MAX + 1];

	while (fd >= 0 && *s) {
		size_t l = strcspn(s, "/");
		struct stat st;
		int next;

		if (l > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, s, l);
		comp[l] = '\0';
		next = openat(fd, comp, O_PATH | O_CLOEXEC | O_NOFOLLOW);
		close(fd);
		if (next < 0)
			return -1;
		/* O_PATH|O_NOFOLLOW opens a symlink itself: refuse it. */
		if (fstat(next, &st) < 0 || S_ISLNK(st.st_mode)) {
			close(next);
			errno = ELOOP;
			return -1;
		}
		fd = next;
		s += l;
		s += strspn(s, "/");
	}
	return fd;
}

/* Opens a canonical path without following any symlink on the way (it has
 * none unless something swapped one in since realpath()). */
static int open_path(const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	return fd < 0 && errno == ENOSYS ? open_path_walk(path) : fd;
}

/* A StateDirectory= or the like that the launch creates, not there yet. */
static bool pending_point(const struct fs_policy *fp, const char *path)
{
	struct stat st;

	for (size_t i = 0; i < fp->n; i++)
		if (fp->v[i].pending && strcmp(fp->v[i].path, path) == 0)
			return lstat(path, &st) < 0;
	return false;
}

static void add_rule(struct ll_build *b, const char *path, bool dir,
		     unsigned cls)
{
	struct landlock_plan *l = b->ll;
	uint64_t access = class_bits(cls, l->handled_fs);
	struct landlock_path_beneath_attr attr;
	int fd;

	if (!dir)
		access &= LL_FILE_RIGHTS;
	if (!access || b->dry)
		return;
	if (pending_point(b->fp, path)) {
		/* Added by landlock_apply(), after directories_apply(). */
		l->rules =
			xrealloc(l->rules, (l->nrules + 1) * sizeof(*l->rules));
		l->rules[l->nrules++] =
			(struct landlock_rule){xstrdup(path), access, true};
		return;
	}
	fd = open_path(path);
	attr.allowed_access = access;
	attr.parent_fd = fd;
	if (fd < 0 || syscall(SYS_landlock_add_rule, l->ruleset_fd,
			      LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0) {
		diag_add(b->dg, sandbox_first_line(b->c),
			 "Landlock: cannot add a rule for %s (%s)", path,
			 errno_name(errno));
		b->failed = true;
	}
	if (fd >= 0)
		close(fd);
	l->rules = xrealloc(l->rules, (l->nrules + 1) * sizeof(*l->rules));
	l->rules[l->nrules++] =
		(struct landlock_rule){xstrdup(path), access, false};
}

static bool is_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A split here would freeze a directory whose entries come and go with
 * processes: refuse it, blaming the paths that ask for it. */
static bool refuse_split(struct ll_build *b, const char *path, unsigned want)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
		return false;
	if (!b->dry)
		return true;
	for (size_t i = 0; i < b->fp->n; i++) {
		const struct fs_point *pt = &b->fp->v[i];
		unsigned d;
		if (b->drop[i] || !path_strictly_under(pt->path, path))
			continue;
		d = fs_policy_wants(b->fp, b->drop, pt->path);
		if ((d & want) == want)
			continue;
		if (pt->optional) {
			landlock_note(
				b->ll,
				"%s=-%s dropped: Landlock cannot take rights "
				"back under %s, whose entries are created per "
				"process",
				pt->directive, pt->path, path);
			b->drop[i] = true;
			continue;
		}
		diag_add(b->dg, pt->at,
			 "%s=%s cannot be expressed with Landlock: %s would "
			 "have to be split into its entries, which are "
			 "created per process (use the mount backend, or "
			 "write \"-%s\" to drop it there)",
			 pt->directive, pt->path, path, pt->path);
		b->failed = true;
	}
	return true;
}

static void emit(struct ll_build *b, const char *path, unsigned granted)
{
	const struct fs_policy *fp = b->fp;
	unsigned want = fs_policy_wants(fp, b->drop, path), meet = want, add;
	bool dir = is_dir(path) || pending_point(fp, path);
	DIR *d;
	struct dirent *e;

	for (size_t i = 0; i < fp->n; i++)
		if (!b->drop[i] && path_strictly_under(fp->v[i].path, path))
			meet &= fs_policy_wants(fp, b->drop, fp->v[i].path);
	add = meet & ~granted;
	add_rule(b, path, dir, add);
	granted |= add;
	if (!dir)
		return;

	if (meet == want) {
		/* Nothing beneath gets less: each topmost point beneath gets
		 * its extra rights on its own rule. */
		for (size_t i = 0; i < fp->n; i++) {
			bool top = !b->drop[i] &&
				   path_strictly_under(fp->v[i].path, path);
			for (size_t j = 0; top && j < fp->n; j++)
				top = b->drop[j] ||
				      !path_strictly_under(fp->v[i].path,
							   fp->v[j].path) ||
				      !path_strictly_under(fp->v[j].path, path);
			for (size_t j = 0; top && j < i; j++)
				top = b->drop[j] ||
				      strcmp(fp->v[i].path, fp->v[j].path) != 0;
			if (top)
				emit(b, fp->v[i].path, granted);
		}
		return;
	}
	if (refuse_split(b, path, want))
		return;
	d = opendir(path);
	if (!d) {
		diag_add(b->dg, sandbox_first_line(b->c),
			 "Landlock: cannot list %s (%s)", path,
			 errno_name(errno));
		b->failed = true;
		return;
	}
	while ((e = readdir(d))) {
		char *child;
		bool holds = false;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		child = xasprintf("%s/%s", strcmp(path, "/") ? path : "",
				  e->d_name);
		/* A symlink resolves to a path with rules of its own. */
		if (lstat(child, &st) < 0 || S_ISLNK(st.st_mode)) {
			free(child);
			continue;
		}
		for (size_t i = 0; i < fp->n && !holds; i++)
			holds = !b->drop[i] && path_under(fp->v[i].path, child);
		if (holds)
			emit(b, child, granted);
		else
			add_rule(b, child, S_ISDIR(st.st_mode),
				 want & ~granted);
		free(child);
	}
	closedir(d);
	/* A directory the launch creates is no entry yet: its own rule. */
	for (size_t i = 0; i < fp->n; i++) {
		char *first;
		size_t l = strcmp(path, "/") ? strlen(path) : 0;
		struct stat st;

		if (b->drop[i] || !fp->v[i].pending ||
		    !path_strictly_under(fp->v[i].path, path))
			continue;
		first = xstrndup(fp->v[i].path,
				 l + 1 + strcspn(fp->v[i].path + l + 1, "/"));
		if (lstat(first, &st) < 0)
			emit(b, fp->v[i].path, granted);
		free(first);
	}
}

/*
 * Landlock's scopes (ABI 6): the agent cannot connect to an abstract unix
 * socket, nor signal a process, outside its own domain.  Its own children
 * share the domain.  Signals stay open when the agent holds CAP_KILL: that
 * grant exists to signal other users' processes (the management agent's
 * process provider), which the scope would refuse whatever the capability.
 */
static uint64_t scopes(const struct plan *p, int abi)
{
	if (abi < 6)
		return 0;
	return LL_SCOPE_ABSTRACT_UNIX |
	       (p->permitted & (1ULL << CAP_KILL) ? 0 : LL_SCOPE_SIGNAL);
}

void landlock_plan_build(struct plan *p, const struct config *c,
			 struct diag *dg, bool *config_error, bool *host_error)
{
	struct sandbox_plan *s = &p->sandbox;
	struct landlock_plan *l = &s->landlock;
	struct ll_ruleset_attr attr = {0};
	size_t size = sizeof(uint64_t);
	struct ll_build b = {
		.ll = l,
		.fp = &s->fs,
		.dg = dg,
		.c = c,
		.dry = true,
	};

	if (s->landlock_fs)
		attr.handled_access_fs = fs_rights(l->abi);
	if (c->net_ports_set && l->abi >= 4) {
		attr.handled_access_net =
			LL_ACCESS_NET_BIND_TCP | LL_ACCESS_NET_CONNECT_TCP;
		size = 2 * sizeof(uint64_t);
	}
	l->handled_fs = attr.handled_access_fs;
	l->handled_net = attr.handled_access_net;
	if (!l->handled_fs && !l->handled_net)
		return;
	attr.scoped = l->scoped = scopes(p, l->abi);
	if (attr.scoped)
		size = sizeof(attr);

	b.drop = xcalloc(s->fs.n + 1, sizeof(bool));
	if (s->landlock_fs) {
		emit(&b, "/", 0);
		if (b.failed) {
			*config_error = true;
			free(b.drop);
			return;
		}
	}
	l->ruleset_fd =
		(int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (l->ruleset_fd < 0) {
		diag_add(dg, sandbox_first_line(c),
			 "Landlock: cannot create a ruleset (%s)",
			 errno_name(errno));
		*host_error = true;
		free(b.drop);
		return;
	}
	b.dry = false;
	if (s->landlock_fs)
		emit(&b, "/", 0);
	for (size_t i = 0; i < c->n_net_ports && l->handled_net; i++) {
		const struct net_port *np = &c->net_ports[i];
		struct ll_net_port_attr pa = {
			.allowed_access = np->what == NET_PORT_BIND
						  ? LL_ACCESS_NET_BIND_TCP
						  : LL_ACCESS_NET_CONNECT_TCP,
			.port = np->port,
		};
		if (syscall(SYS_landlock_add_rule, l->ruleset_fd,
			    LL_RULE_NET_PORT, &pa, 0) < 0) {
			diag_add(dg, np->at,
				 "Landlock: cannot add the port rule (%s)",
				 errno_name(errno));
			b.failed = true;
		}
	}
	if (b.failed)
		*host_error = true;
	free(b.drop);
}

/*
 * Process isolation, even when no directive asks for Landlock: a process in
 * a Landlock domain cannot ptrace, nor read the maps or memory
 * (/proc/PID/mem, process_vm_readv) of a process outside it, such as
 * another process of the osapi user that the launcher did not start; the
 * agent's own children share its domain and stay reachable.  The ruleset
 * handles only the creation of block device nodes, which an agent without
 * CAP_MKNOD cannot do anyway, so nothing else changes.  It needs
 * no_new_privs, so it is planned once that is decided, and only for a
 * target that is not root.
 */
void landlock_scope_plan(struct plan *p)
{
	struct landlock_plan *l = &p->sandbox.landlock;
	struct ll_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK,
	};
	int fd;

	if (l->ruleset_fd >= 0 || !p->no_new_privs || !p->change_id ||
	    landlock_abi() < 1)
		return;
	attr.scoped = scopes(p, landlock_abi());
	fd = (int)syscall(
		SYS_landlock_create_ruleset, &attr,
		attr.scoped ? sizeof(attr) : sizeof(attr.handled_access_fs), 0);
	if (fd < 0)
		return; /* reported by --check's Landlock line */
	l->ruleset_fd = fd;
	l->scoped = attr.scoped;
	if (!l->abi)
		l->abi = landlock_abi();
	landlock_note(
		l, "process isolation: no ptrace or memory access to processes "
		   "outside the agent's Landlock domain");
}

/* Landlock, like seccomp, requires no_new_privs of a process without
 * CAP_SYS_ADMIN (landlock_restrict_self(2)). */
void landlock_nnp_plan(struct plan *p)
{
	if (p->sandbox.landlock.ruleset_fd >= 0 &&
	    !(p->permitted & (1ULL << CAP_SYS_ADMIN)) && !p->no_new_privs) {
		p->no_new_privs = true;
		p->no_new_privs_implied = true;
		p->no_new_privs_for_landlock = true;
	}
}
