/* SPDX-License-Identifier: MIT */
/*
 * The file system sandbox policy, and its Landlock backend.
 *
 * Policy.  ProtectSystem=, ProtectHome=, ReadWritePaths=, ReadOnlyPaths=,
 * InaccessiblePaths= set the access of a path (none, read, read-write);
 * ExecPaths= and NoExecPaths= set whether execve(2) is allowed beneath it.
 * As in systemd.exec(5), the two families are independent and the deepest
 * path wins; for the same path the more restrictive setting wins.
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
 * step only enters it, after no_new_privs (Landlock requires NNP or
 * CAP_SYS_ADMIN) and before seccomp (which may deny the landlock calls).
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

#include "json.h"
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
#define LL_SCOPE_ABSTRACT_UNIX	  (1ULL << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL		  (1ULL << 1) /* ABI 6 */
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

/* The policy works on three classes; Landlock bits come last. */
#define C_READ	1U
#define C_WRITE 2U
#define C_EXEC	4U

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

	if (cls & C_READ)
		r |= LL_READ;
	if (cls & C_WRITE)
		r |= LL_WRITE;
	if (cls & C_EXEC)
		r |= LL_EXEC;
	return r & handled;
}

/* ------------------------------------------------------------------ policy */

bool path_under(const char *x, const char *a) /* x at or beneath a */
{
	size_t l = strlen(a);

	if (l == 1)
		return true;
	return strncmp(x, a, l) == 0 && (x[l] == '\0' || x[l] == '/');
}

static bool strictly_under(const char *x, const char *a)
{
	return path_under(x, a) && strcmp(x, a) != 0;
}

/* What the policy wants at path x, as classes; dropped points excluded. */
static unsigned desired(const struct fs_policy *fp, const bool *drop,
			const char *x)
{
	size_t alen = 0, elen = 0;
	unsigned acc = fp->root_access, ex = fp->root_exec;

	for (size_t i = 0; i < fp->n; i++) {
		const struct fs_point *pt = &fp->v[i];
		size_t l = strlen(pt->path);
		if ((drop && drop[i]) || !path_under(x, pt->path))
			continue;
		if (pt->exec_family) {
			if (l > elen || (l == elen && pt->value < ex))
				ex = pt->value;
			if (l > elen)
				elen = l;
		} else {
			if (l > alen || (l == alen && pt->value < acc))
				acc = pt->value;
			if (l > alen)
				alen = l;
		}
	}
	if (acc == FS_NONE)
		return 0;
	return C_READ | (acc == FS_READ_WRITE ? C_WRITE : 0) |
	       (ex ? C_EXEC : 0);
}

bool sandbox_readable(const struct sandbox_plan *s, const char *path)
{
	return !s->fs.active || (desired(&s->fs, NULL, path) & C_READ);
}

static void add_point(struct fs_policy *fp, const char *path, bool exec_family,
		      unsigned value, bool implicit, bool optional,
		      const char *directive, struct origin at)
{
	struct fs_point *pt;

	fp->v = xrealloc(fp->v, (fp->n + 1) * sizeof(*fp->v));
	pt = &fp->v[fp->n++];
	*pt = (struct fs_point){
		.path = xstrdup(path),
		.exec_family = exec_family,
		.value = value,
		.implicit = implicit,
		.optional = optional,
		.directive = directive,
		.at = at,
	};
}

static void note(struct landlock_plan *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct landlock_plan *l, const char *fmt, ...)
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

/* A configured or implied path, made canonical.  Missing: an error unless
 * "-" or implied (systemd fails the unit: 226/NAMESPACE). */
static void add_path(struct sandbox_plan *s, const char *path, bool exec_family,
		     unsigned value, bool implicit, bool optional,
		     const char *directive, struct origin at, struct diag *dg,
		     bool *host_error)
{
	char real[PATH_MAX];

	if (!realpath(path, real)) {
		int err = errno;
		if (implicit || (optional && err == ENOENT))
			return;
		diag_add(dg, at, "%s=%s: %s", directive, path, errno_name(err));
		*host_error = true;
		return;
	}
	add_point(&s->fs, real, exec_family, value, implicit, optional,
		  directive, at);
}

static struct origin first_sandbox_line(const struct config *c)
{
	static const enum directive_id ids[] = {
		D_PROTECT_SYSTEM,  D_PROTECT_HOME,	     D_READ_WRITE_PATHS,
		D_READ_ONLY_PATHS, D_INACCESSIBLE_PATHS,     D_EXEC_PATHS,
		D_NO_EXEC_PATHS,   D_RESTRICT_NETWORK_PORTS, D_SANDBOX_BACKEND,
	};
	struct origin best = {c->path, 0};

	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		struct origin at = c->at[ids[i]];
		if (at.line && (!best.line || at.line < best.line))
			best = at;
	}
	return best;
}

static void policy_build(struct sandbox_plan *s, const struct config *c,
			 struct diag *dg, bool *host_error)
{
	static const char *const devices[] = {
		"/dev/null",   "/dev/zero",    "/dev/full",
		"/dev/random", "/dev/urandom", "/dev/tty",
	};
	static const char *const homes[] = {"/home", "/root", "/run/user"};
	struct fs_policy *fp = &s->fs;
	const struct {
		const struct words *w;
		const char *name;
		bool exec_family;
		unsigned value;
	} lists[] = {
		{&c->read_write_paths, "ReadWritePaths", false, FS_READ_WRITE},
		{&c->read_only_paths, "ReadOnlyPaths", false, FS_READ},
		{&c->inaccessible_paths, "InaccessiblePaths", false, FS_NONE},
		{&c->exec_paths, "ExecPaths", true, 1},
		{&c->no_exec_paths, "NoExecPaths", true, 0},
	};

	fp->root_access = FS_READ_WRITE;
	fp->root_exec = true;
	fp->active = c->protect_system || c->protect_home;
	for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		fp->active |= lists[i].w->n > 0;
	if (!fp->active)
		return;

	switch (c->protect_system) {
	case PROTECT_SYSTEM_STRICT:
		/* systemd: all read-only but the API file systems, which
		 * ProtectKernelTunables= and PrivateDevices= narrow. */
		fp->root_access = FS_READ;
		for (size_t i = 0; i < 3; i++)
			add_path(s,
				 (const char *[]){"/dev", "/proc", "/sys"}[i],
				 false, FS_READ_WRITE, true, true,
				 "ProtectSystem", c->at[D_PROTECT_SYSTEM], dg,
				 host_error);
		break;
	case PROTECT_SYSTEM_FULL:
		add_path(s, "/etc", false, FS_READ, true, true, "ProtectSystem",
			 c->at[D_PROTECT_SYSTEM], dg, host_error);
		/* fall through */
	case PROTECT_SYSTEM_YES:
		for (size_t i = 0; i < 3; i++)
			add_path(s,
				 (const char *[]){"/usr", "/boot", "/efi"}[i],
				 false, FS_READ, true, true, "ProtectSystem",
				 c->at[D_PROTECT_SYSTEM], dg, host_error);
		break;
	case PROTECT_SYSTEM_NO:
		break;
	}
	if (c->protect_home)
		for (size_t i = 0; i < sizeof(homes) / sizeof(*homes); i++)
			add_path(s, homes[i], false,
				 c->protect_home == PROTECT_HOME_READ_ONLY
					 ? FS_READ
					 : FS_NONE,
				 true, true, "ProtectHome",
				 c->at[D_PROTECT_HOME], dg, host_error);
	/* PrivateTmp=: the fresh /tmp is the agent's to write (mount backend;
	 * stacked Landlock must agree). */
	if (c->private_tmp) {
		add_path(s, "/tmp", false, FS_READ_WRITE, true, true,
			 "PrivateTmp", c->at[D_PRIVATE_TMP], dg, host_error);
		add_path(s, "/var/tmp", false, FS_READ_WRITE, true, true,
			 "PrivateTmp", c->at[D_PRIVATE_TMP], dg, host_error);
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		for (size_t j = 0; j < lists[i].w->n; j++) {
			const struct word *w = &lists[i].w->v[j];
			add_path(s, w->s, lists[i].exec_family, lists[i].value,
				 false, w->optional, lists[i].name, w->at, dg,
				 host_error);
		}

	/*
	 * The character devices every process writes as a matter of course
	 * stay writable wherever /dev is readable but not writable (e.g.
	 * ReadOnlyPaths=/dev): a program that cannot write /dev/null fails
	 * in ways that have nothing to do with security.  Hidden (an
	 * InaccessiblePaths= at or above them) stays hidden.
	 */
	for (size_t i = 0; i < sizeof(devices) / sizeof(*devices); i++) {
		unsigned want = desired(fp, NULL, devices[i]);
		if ((want & C_READ) && !(want & C_WRITE))
			add_path(s, devices[i], false, FS_READ_WRITE, true,
				 true, "(implicit)", (struct origin){0}, dg,
				 host_error);
	}
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
		diag_add(b->dg, first_sandbox_line(b->c),
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
		if (b->drop[i] || !strictly_under(pt->path, path))
			continue;
		d = desired(b->fp, b->drop, pt->path);
		if ((d & want) == want)
			continue;
		if (pt->optional) {
			note(b->ll,
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
	unsigned want = desired(fp, b->drop, path), meet = want, add;
	bool dir = is_dir(path) || pending_point(fp, path);
	DIR *d;
	struct dirent *e;

	for (size_t i = 0; i < fp->n; i++)
		if (!b->drop[i] && strictly_under(fp->v[i].path, path))
			meet &= desired(fp, b->drop, fp->v[i].path);
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
				   strictly_under(fp->v[i].path, path);
			for (size_t j = 0; top && j < fp->n; j++)
				top = b->drop[j] ||
				      !strictly_under(fp->v[i].path,
						      fp->v[j].path) ||
				      !strictly_under(fp->v[j].path, path);
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
		diag_add(b->dg, first_sandbox_line(b->c),
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
		    !strictly_under(fp->v[i].path, path))
			continue;
		first = xstrndup(fp->v[i].path,
				 l + 1 + strcspn(fp->v[i].path + l + 1, "/"));
		if (lstat(first, &st) < 0)
			emit(b, fp->v[i].path, granted);
		free(first);
	}
}

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
		if (desired(fp, drop, real) & C_EXEC)
			continue;
		diag_add(dg,
			 c->at[D_NO_EXEC_PATHS].line ? c->at[D_NO_EXEC_PATHS]
						     : first_sandbox_line(c),
			 "%s %s (%s) may not be executed under this sandbox: "
			 "add it to ExecPaths=",
			 k ? "the loader or interpreter" : "the target", real,
			 need[k]);
		*failed = true;
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

static void landlock_build(struct plan *p, const struct config *c,
			   struct diag *dg, bool *config_error,
			   bool *host_error)
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
		diag_add(dg, first_sandbox_line(c),
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

/* ---------------------------------------------------------------- the plan */

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

	policy_build(s, c, dg, &host_error);
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
			add_path(s, d->path, false, FS_READ_WRITE, false, false,
				 exec_dir_directive(d->type),
				 c->at[D_RUNTIME_DIRECTORY + d->type], dg,
				 &host_error);
			continue;
		}
		add_point(&s->fs, d->path, false, FS_READ_WRITE, false, false,
			  exec_dir_directive(d->type),
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
			diag_add(dg, first_sandbox_line(c),
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
			note(&s->landlock,
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
			note(&s->landlock,
			     "RestrictNetworkPorts= skipped: Landlock ABI %d "
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
		landlock_build(p, c, dg, &config_error, &host_error);
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

/* --------------------------------------------------------------- the apply */

/*
 * Enters the domain built in the plan.  After no_new_privs (the kernel
 * refuses an unprivileged process without it) and before the seccomp
 * filter, which may deny landlock_restrict_self().  The ruleset descriptor
 * is closed at once: it must not reach the agent (it is close-on-exec
 * from creation as well).
 */
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
	note(l, "process isolation: no ptrace or memory access to processes "
		"outside the agent's Landlock domain");
}

void landlock_apply(const struct plan *p)
{
	const struct landlock_plan *l = &p->sandbox.landlock;

	if (l->ruleset_fd < 0)
		return;
	/* The directories created since the plan: no symlink followed, and
	 * a directory, as directories_apply() made them. */
	for (size_t i = 0; i < l->nrules; i++) {
		struct landlock_path_beneath_attr attr = {
			.allowed_access = l->rules[i].access,
		};
		if (!l->rules[i].pending)
			continue;
		attr.parent_fd =
			open(l->rules[i].path,
			     O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (attr.parent_fd < 0 ||
		    syscall(SYS_landlock_add_rule, l->ruleset_fd,
			    LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
			die(STEP_LANDLOCK, errno,
			    "Landlock: adding the rule for %s failed",
			    l->rules[i].path);
		close(attr.parent_fd);
	}
	if (INJECT(STEP_LANDLOCK) ||
	    syscall(SYS_landlock_restrict_self, l->ruleset_fd, 0) < 0)
		die(STEP_LANDLOCK, errno, "landlock_restrict_self() failed");
	if (close(l->ruleset_fd) < 0)
		die(STEP_LANDLOCK, errno, "closing the ruleset failed");
}

/* ---------------------------------------------------------------- --check */

static const char *rights_text(uint64_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 a & LANDLOCK_ACCESS_FS_READ_FILE ? "read " : "",
		 a & LANDLOCK_ACCESS_FS_READ_DIR ? "list " : "",
		 a & LANDLOCK_ACCESS_FS_WRITE_FILE ? "write " : "",
		 a & LANDLOCK_ACCESS_FS_EXECUTE ? "exec " : "");
	if (*buf)
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

static const char *backend_text(unsigned b)
{
	switch (b) {
	case SANDBOX_MOUNT:
		return "mount";
	case SANDBOX_LANDLOCK:
		return "landlock";
	case SANDBOX_MOUNT | SANDBOX_LANDLOCK:
		return "mount landlock";
	default:
		return "none";
	}
}

void sandbox_print(FILE *out, const struct plan *p)
{
	const struct sandbox_plan *s = &p->sandbox;
	const struct landlock_plan *l = &s->landlock;
	char b[64];

	if (!s->backends)
		fputs("sandbox         none configured\n", out);
	else
		fprintf(out, "sandbox         %s  [%s]\n",
			backend_text(s->backends), s->why);
	mountns_print(out, &s->mount);
	if (l->ruleset_fd >= 0 || l->abi)
		fprintf(out,
			"landlock        ABI %d, handles fs %#llx net %#llx, "
			"scoped to its domain: %s%s%s\n",
			l->abi, (unsigned long long)l->handled_fs,
			(unsigned long long)l->handled_net,
			l->scoped & LL_SCOPE_ABSTRACT_UNIX
				? "abstract-unix-sockets"
				: "",
			l->scoped == (LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL)
				? " signals"
			: l->scoped & LL_SCOPE_SIGNAL ? "signals"
						      : "",
			!l->scoped ? "nothing (ABI < 6, or no domain)" : "");
	for (size_t i = 0; i < l->nrules; i++)
		fprintf(out, "landlock rule   %s  %s (%#llx)%s\n",
			l->rules[i].path,
			rights_text(l->rules[i].access, b, sizeof(b)),
			(unsigned long long)l->rules[i].access,
			l->rules[i].pending ? " once created" : "");
	for (size_t i = 0; i < p->cfg->n_net_ports && l->handled_net; i++)
		fprintf(out, "landlock port   %s %u\n",
			p->cfg->net_ports[i].what == NET_PORT_BIND ? "bind"
								   : "connect",
			p->cfg->net_ports[i].port);
	for (size_t i = 0; i < l->nnotes; i++)
		fprintf(out, "sandbox note    %s\n", l->notes[i]);
}

void sandbox_print_json(FILE *out, const struct plan *p)
{
	const struct sandbox_plan *s = &p->sandbox;
	const struct landlock_plan *l = &s->landlock;

	fputs(",\n  \"sandbox\": {\"backend\": ", out);
	json_str(out, backend_text(s->backends));
	fputs(", \"why\": ", out);
	json_str_or_null(out, s->why);
	fprintf(out,
		", \"landlock\": {\"abi\": %d, \"handled_fs\": %llu, "
		"\"handled_net\": %llu, \"rules\": [",
		l->abi, (unsigned long long)l->handled_fs,
		(unsigned long long)l->handled_net);
	for (size_t i = 0; i < l->nrules; i++) {
		fputs(i ? ", " : "", out);
		fputs("{\"path\": ", out);
		json_str(out, l->rules[i].path);
		fprintf(out, ", \"access\": %llu}",
			(unsigned long long)l->rules[i].access);
	}
	fputs("], \"ports\": [", out);
	for (size_t i = 0; i < p->cfg->n_net_ports && l->handled_net; i++)
		fprintf(out, "%s{\"%s\": %u}", i ? ", " : "",
			p->cfg->net_ports[i].what == NET_PORT_BIND ? "bind"
								   : "connect",
			p->cfg->net_ports[i].port);
	fputs("]}", out);
	mountns_print_json(out, &s->mount);
	fputs(", \"notes\": [", out);
	for (size_t i = 0; i < l->nnotes; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, l->notes[i]);
	}
	fputs("]}", out);
}
