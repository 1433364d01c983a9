/* SPDX-License-Identifier: MIT */
/*
 * The file system policy, shared by both sandbox backends (Landlock,
 * src/plan/landlock.c; mounts, src/plan/mountns.c).
 *
 * ProtectSystem=, ProtectHome=, ReadWritePaths=, ReadOnlyPaths=,
 * InaccessiblePaths= set the access of a path (none, read, read-write);
 * ExecPaths= and NoExecPaths= set whether execve(2) is allowed beneath it.
 * As in systemd.exec(5), the two families are independent and the deepest
 * path wins; for the same path the more restrictive setting wins.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "plan.h"
#include "sandbox.h"

/* What the policy wants at path x, as classes; dropped points excluded. */
unsigned fs_policy_wants(const struct fs_policy *fp, const bool *drop,
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
	return FS_CLASS_READ | (acc == FS_READ_WRITE ? FS_CLASS_WRITE : 0) |
	       (ex ? FS_CLASS_EXEC : 0);
}

bool sandbox_readable(const struct sandbox_plan *s, const char *path)
{
	return !s->fs.active ||
	       (fs_policy_wants(&s->fs, NULL, path) & FS_CLASS_READ);
}

void fs_policy_add_point(struct fs_policy *fp, const char *path,
			 bool exec_family, unsigned value, bool implicit,
			 bool optional, const char *directive, struct origin at)
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

/* A configured or implied path, made canonical.  Missing: an error unless
 * "-" or implied (systemd fails the unit: 226/NAMESPACE). */
void fs_policy_add_path(struct sandbox_plan *s, const char *path,
			bool exec_family, unsigned value, bool implicit,
			bool optional, const char *directive, struct origin at,
			struct diag *dg, bool *host_error)
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
	fs_policy_add_point(&s->fs, real, exec_family, value, implicit,
			    optional, directive, at);
}

struct origin sandbox_first_line(const struct config *c)
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

void fs_policy_build(struct sandbox_plan *s, const struct config *c,
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
			fs_policy_add_path(
				s, (const char *[]){"/dev", "/proc", "/sys"}[i],
				false, FS_READ_WRITE, true, true,
				"ProtectSystem", c->at[D_PROTECT_SYSTEM], dg,
				host_error);
		break;
	case PROTECT_SYSTEM_FULL:
		fs_policy_add_path(s, "/etc", false, FS_READ, true, true,
				   "ProtectSystem", c->at[D_PROTECT_SYSTEM], dg,
				   host_error);
		/* fall through */
	case PROTECT_SYSTEM_YES:
		for (size_t i = 0; i < 3; i++)
			fs_policy_add_path(
				s, (const char *[]){"/usr", "/boot", "/efi"}[i],
				false, FS_READ, true, true, "ProtectSystem",
				c->at[D_PROTECT_SYSTEM], dg, host_error);
		break;
	case PROTECT_SYSTEM_NO:
		break;
	}
	if (c->protect_home)
		for (size_t i = 0; i < sizeof(homes) / sizeof(*homes); i++)
			fs_policy_add_path(
				s, homes[i], false,
				c->protect_home == PROTECT_HOME_READ_ONLY
					? FS_READ
					: FS_NONE,
				true, true, "ProtectHome",
				c->at[D_PROTECT_HOME], dg, host_error);
	/* PrivateTmp=: the fresh /tmp is the agent's to write (mount backend;
	 * stacked Landlock must agree). */
	if (c->private_tmp) {
		fs_policy_add_path(s, "/tmp", false, FS_READ_WRITE, true, true,
				   "PrivateTmp", c->at[D_PRIVATE_TMP], dg,
				   host_error);
		fs_policy_add_path(s, "/var/tmp", false, FS_READ_WRITE, true,
				   true, "PrivateTmp", c->at[D_PRIVATE_TMP], dg,
				   host_error);
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		for (size_t j = 0; j < lists[i].w->n; j++) {
			const struct word *w = &lists[i].w->v[j];
			fs_policy_add_path(s, w->s, lists[i].exec_family,
					   lists[i].value, false, w->optional,
					   lists[i].name, w->at, dg,
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
		unsigned want = fs_policy_wants(fp, NULL, devices[i]);
		if ((want & FS_CLASS_READ) && !(want & FS_CLASS_WRITE))
			fs_policy_add_path(s, devices[i], false, FS_READ_WRITE,
					   true, true, "(implicit)",
					   (struct origin){0}, dg, host_error);
	}
}
