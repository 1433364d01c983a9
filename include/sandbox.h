/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_SANDBOX_H
#define OSAPI_LAUNCH_SANDBOX_H

#include <stdio.h>
#include <sys/mount.h>

#include "config.h"

struct plan;

/*
 * The file system directives (ProtectSystem=, ProtectHome=, ReadWritePaths=,
 * ReadOnlyPaths=, InaccessiblePaths=, ExecPaths=, NoExecPaths=) resolved to
 * one policy: a list of paths, each with what it sets, where the deepest
 * path wins, as in systemd (src/plan/fs_policy.c).  A backend turns the
 * policy into kernel objects: Landlock rules (src/plan/landlock.c), or
 * mounts in a mount namespace (src/plan/mountns.c); src/plan/sandbox.c
 * chooses the backends.
 */
enum fs_access { FS_NONE, FS_READ, FS_READ_WRITE };

/* What the policy grants at a path, as classes; a backend maps them to its
 * own bits. */
#define FS_CLASS_READ  1U
#define FS_CLASS_WRITE 2U
#define FS_CLASS_EXEC  4U

struct fs_point {
	char *path;	  /* canonical (realpath), absolute */
	bool exec_family; /* ExecPaths=/NoExecPaths= (else access family) */
	unsigned value;	  /* enum fs_access, or 0/1 for no-exec/exec */
	bool implicit;	  /* added by the launcher, e.g. /dev/null */
	bool optional;	  /* "-": may be dropped when not expressible */
	bool pending;	  /* a StateDirectory= ... the launch creates */
	const char *directive;
	struct origin at;
};

struct fs_policy {
	bool active; /* any file system directive configured */
	enum fs_access root_access;
	bool root_exec;
	struct fs_point *v;
	size_t n;
};

/* One Landlock rule, kept for --check. */
struct landlock_rule {
	char *path;
	uint64_t access;
	bool pending; /* added by landlock_apply(), once the path exists */
};

/* Landlock's scopes (ABI 6; Debian 12's <linux/landlock.h> predates them). */
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)
#define LL_SCOPE_SIGNAL	       (1ULL << 1)

struct landlock_plan {
	int abi;	/* 0: Landlock unavailable (or not needed) */
	int ruleset_fd; /* -1: no Landlock domain to enter */
	uint64_t handled_fs;
	uint64_t handled_net;
	uint64_t scoped; /* ABI 6: LANDLOCK_SCOPE_* */
	struct landlock_rule *rules;
	size_t nrules;
	char **notes; /* what was dropped or approximated, for --check */
	size_t nnotes;
};

/* One mount in the agent's mount namespace (src/plan/mountns.c), applied in
 * order: shallow paths first, so a deeper path overrides. */
enum mount_kind {
	MNT_ATTR,   /* bind the path onto itself, then set/clear attributes
		     * recursively ("/" itself: attributes only) */
	MNT_HIDE,   /* bind an empty mode-000 directory or file over it */
	MNT_TMPFS,  /* a fresh tmpfs */
	MNT_DEV,    /* PrivateDevices=: a minimal /dev */
	MNT_PROC,   /* ProtectProc=, ProcSubset=: a fresh procfs, data its
		     * options; the mounts beneath are made on it */
	MNT_MQUEUE, /* PrivateIPC=: the agent's IPC namespace's mqueue */
	MNT_BIND,   /* BindPaths=, BindReadOnlyPaths=: src over path */
};

/* glibc 2.36 has them; musl and older glibc do not. */
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV  0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif

struct mount_op {
	enum mount_kind kind;
	char *path;
	unsigned attr_set; /* MOUNT_ATTR_* */
	unsigned attr_clr;
	bool dir;	     /* MNT_HIDE: over a directory */
	unsigned long flags; /* MNT_TMPFS */
	const char *data;    /* MNT_TMPFS options */
	const char *directive;
	char *src;	  /* MNT_BIND: the source's real path */
	bool recursive;	  /* MNT_BIND: rbind (systemd's default) */
	char *owned_data; /* TemporaryFileSystem=: data, freed with the plan */
};

struct mount_plan {
	struct mount_op *v;
	size_t n;
};

struct sandbox_plan {
	struct fs_policy fs;
	unsigned backends; /* SANDBOX_* actually used */
	const char *why;   /* why these backends (--check) */
	bool landlock_fs;  /* Landlock enforces the file system policy */
	struct landlock_plan landlock;
	struct mount_plan mount;
	uint64_t drop_caps; /* from the bounding set (ProtectKernel*=...) */
};

/* The policy (src/plan/fs_policy.c).  fs_policy_build() adds the points
 * the directives set; fs_policy_add_path() one more, made canonical (a
 * missing path is an error unless optional or implicit); add_point() one
 * as given.  fs_policy_wants() is what the policy grants at a path, as
 * FS_CLASS_* bits, leaving out the points drop[] marks (NULL: none). */
void fs_policy_build(struct sandbox_plan *s, const struct config *c,
		     struct diag *dg, bool *host_error);
void fs_policy_add_path(struct sandbox_plan *s, const char *path,
			bool exec_family, unsigned value, bool implicit,
			bool optional, const char *directive, struct origin at,
			struct diag *dg, bool *host_error);
void fs_policy_add_point(struct fs_policy *fp, const char *path,
			 bool exec_family, unsigned value, bool implicit,
			 bool optional, const char *directive,
			 struct origin at);
unsigned fs_policy_wants(const struct fs_policy *fp, const bool *drop,
			 const char *path);
/* The first line of the file system directives, for messages about the
 * sandbox as a whole. */
struct origin sandbox_first_line(const struct config *c);

/* Resolves the sandbox directives against this host: canonical paths,
 * backend choice, the Landlock ruleset (src/plan/sandbox.c).  Errors go to
 * dg; *step gets the step whose exit code they carry. */
bool sandbox_plan_build(struct plan *p, const struct config *c, struct diag *dg,
			enum step *step);
void sandbox_plan_free(struct sandbox_plan *s);
void sandbox_init(struct sandbox_plan *s);

/* --check: the backend, why, and each rule or mount (one call each from
 * plan_print() and plan_print_json()). */
void sandbox_print(FILE *out, const struct plan *p);
void sandbox_print_json(FILE *out, const struct plan *p);

/* Whether the planned file system policy lets the agent read path (true
 * when no file system directive is set). */
bool sandbox_readable(const struct sandbox_plan *s, const char *path);

/* The Landlock backend (src/plan/landlock.c): the ABI this kernel offers
 * (0: none); the ruleset for the policy and RestrictNetworkPorts=; a note
 * for --check on what was dropped or approximated. */
int landlock_abi(void);
void landlock_plan_build(struct plan *p, const struct config *c,
			 struct diag *dg, bool *config_error, bool *host_error);
void landlock_note(struct landlock_plan *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The mount backend's share of the plan (src/plan/mountns.c). */
bool mount_directives(const struct config *c);
void mountns_plan_build(struct sandbox_plan *s, const struct config *c,
			struct diag *dg, bool *config_error, bool *host_error);
void mountns_plan_free(struct mount_plan *m);
void mountns_print(FILE *out, const struct mount_plan *m);
void mountns_print_json(FILE *out, const struct mount_plan *m);

struct plan;
void landlock_scope_plan(struct plan *p);
#endif
