/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_CONFIG_H
#define OSAPI_LAUNCH_CONFIG_H

#include <sys/resource.h>
#include <sys/types.h>

#include "common.h"

enum directive_id {
	D_AMBIENT_CAPABILITIES,
	D_APPARMOR_PROFILE,
	D_CAPABILITY_BOUNDING_SET,
	D_CGROUP_PARENT,
	D_CPU_QUOTA,
	D_ENVIRONMENT,
	D_ENVIRONMENT_FILE,
	D_EXEC_PATHS,
	D_EXEC_START,
	D_GROUP,
	D_INACCESSIBLE_PATHS,
	D_LIMIT, /* LimitXXX=: one id, the resource is in the table's arg */
	D_LOCK_PERSONALITY,
	D_MEMORY_DENY_WRITE_EXECUTE,
	D_MEMORY_HIGH,
	D_MEMORY_MAX,
	D_NO_EXEC_PATHS,
	D_NO_NEW_PRIVILEGES,
	D_PASS_ENVIRONMENT,
	D_PRIVATE_DEVICES,
	D_PRIVATE_TMP,
	D_PROTECT_CONTROL_GROUPS,
	D_PROTECT_HOME,
	D_PROTECT_KERNEL_LOGS,
	D_PROTECT_KERNEL_MODULES,
	D_PROTECT_KERNEL_TUNABLES,
	D_PROTECT_SYSTEM,
	D_READ_ONLY_PATHS,
	D_READ_WRITE_PATHS,
	D_RESTRICT_ADDRESS_FAMILIES,
	D_RESTRICT_NAMESPACES,
	D_RESTRICT_NETWORK_PORTS,
	D_RESTRICT_REALTIME,
	D_RESTRICT_SUID_SGID,
	D_SANDBOX_BACKEND,
	D_SECURE_BITS,
	D_SELINUX_CONTEXT,
	D_SUPPLEMENTARY_GROUPS,
	D_SYSTEM_CALL_ARCHITECTURES,
	D_SYSTEM_CALL_ERROR_NUMBER,
	D_SYSTEM_CALL_FILTER,
	D_SYSTEM_CALL_LOG,
	D_TASKS_MAX,
	D_UMASK,
	D_UNSET_ENVIRONMENT,
	D_USER,
	D_WORKING_DIRECTORY,
	D__MAX,
};

/* A capability set as systemd merges it: unset until the first assignment. */
struct capset {
	bool set;
	uint64_t mask;
};

/* ProtectSystem= and ProtectHome= values, as systemd.exec(5). */
enum protect_system {
	PROTECT_SYSTEM_NO,
	PROTECT_SYSTEM_YES,
	PROTECT_SYSTEM_FULL,
	PROTECT_SYSTEM_STRICT
};
enum protect_home {
	PROTECT_HOME_NO,
	PROTECT_HOME_YES,
	PROTECT_HOME_READ_ONLY,
	PROTECT_HOME_TMPFS
};

/* SandboxBackend= (osapi-launch's own): which mechanisms enforce the
 * file system directives.  0: auto. */
#define SANDBOX_MOUNT	 (1U << 0)
#define SANDBOX_LANDLOCK (1U << 1)

/* RestrictNetworkPorts= entries (osapi-launch's own, Landlock ABI 4). */
#define NET_PORT_BIND	 (1U << 0)
#define NET_PORT_CONNECT (1U << 1)
struct net_port {
	unsigned what; /* NET_PORT_BIND or NET_PORT_CONNECT */
	unsigned port;
	struct origin at;
};

/* MemoryMax=, MemoryHigh=, TasksMax=, CPUQuota= (src/cgroup.c). */
struct resource {
	bool set;
	bool optional; /* "-": best effort where the controller is missing */
	bool infinity;
	uint64_t value;	  /* bytes, tasks, or CPUQuota= in 1/100 percent */
	unsigned percent; /* Memory*=, TasksMax=: of the host's total, x100 */
	struct origin at;
};

struct limit {
	struct origin at; /* line 0: not configured */
	struct rlimit value;
};

/*
 * What the file says, after syntax checks and value parsing, before names
 * are resolved against this host (that is the plan's job).
 */
struct config {
	const char *path;
	struct words dropins;	  /* --unit: the drop-ins read, in order; each
				   * value's origin points into this list */
	struct origin at[D__MAX]; /* last assignment of each directive */
	/* Every accepted assignment as "Name=value", in order, empty ones
	 * (resets) included: how a report (src/exposure.c) reads a directive
	 * that has no field of its own yet. */
	struct words raw;

	struct words exec_start; /* unquoted words; [0] is the path */
	char *exec_argv0;	 /* systemd's "@" prefix: argv[0] override */
	char *user;
	char *group;
	struct words supplementary_groups;
	struct capset ambient;
	struct capset bounding;
	bool no_new_privileges;
	unsigned securebits;
	struct limit limits[RLIM_NLIMITS];
	mode_t umask;
	char *working_directory; /* "~": the user's home */
	bool working_directory_optional;
	struct words environment; /* "NAME=value", in order */
	struct words environment_files;
	struct words pass_environment;
	struct words unset_environment; /* "NAME" or "NAME=value" */
	char *apparmor_profile;
	bool apparmor_optional;
	char *selinux_context;
	bool selinux_optional;

	/* Seccomp.  The list directives keep their lines as written (with a
	 * leading "~" where given): systemd's merge rules depend on the order
	 * of lines, and src/seccomp.c applies them in the plan. */
	struct words syscall_filter;
	struct words syscall_log;
	struct words syscall_archs;
	int syscall_errno; /* 0: kill (systemd's default) */
	struct words address_families;
	bool restrict_namespaces_set;
	uint64_t restrict_namespaces; /* CLONE_NEW* flags still allowed */
	bool lock_personality;
	bool restrict_realtime;
	bool restrict_suid_sgid;
	bool memory_deny_write_execute;

	/* The file system sandbox (src/landlock.c, src/mountns.c).  Paths are
	 * absolute, as written; a word's optional flag is systemd's "-". */
	enum protect_system protect_system;
	enum protect_home protect_home;
	bool protect_home_optional; /* "-tmpfs": Landlock may fall back */
	struct words read_write_paths;
	struct words read_only_paths;
	struct words inaccessible_paths;
	struct words exec_paths;
	struct words no_exec_paths;
	unsigned sandbox_backend; /* SANDBOX_* bits; 0: auto */
	/* Mount namespace only (src/mountns.c). */
	bool private_tmp;
	bool private_devices;
	bool protect_kernel_tunables;
	bool protect_kernel_modules;
	bool protect_kernel_logs;
	bool protect_control_groups;

	/* Resources through cgroups (src/cgroup.c). */
	struct resource memory_max;
	struct resource memory_high;
	struct resource tasks_max;
	struct resource cpu_quota;
	char *cgroup_parent; /* NULL: "/osapi-launch"; ".": our own */

	/* RestrictNetworkPorts= (Landlock): NULL/0 and unset: unrestricted;
	 * set with no entries: no TCP bind or connect at all. */
	bool net_ports_set;
	bool net_ports_optional;
	struct net_port *net_ports;
	size_t n_net_ports;
};

struct directive {
	const char *name;
	enum directive_id id;
	int (*parse)(struct config *c, const struct directive *d,
		     const char *value, struct origin at, struct diag *dg);
	int arg; /* parser-specific, e.g. the RLIMIT_* resource */
	const char *summary;
};

/* The sorted directive table (src/directives.c). */
const struct directive *directive_find(const char *name);
size_t directive_count(void);
const struct directive *directive_at(size_t i);
bool systemd_exec_directive(const char *name);
/* No "%" specifiers in this directive's value: systemd does not expand them
 * there (CPUQuota=20%, MemoryMax=50%). */
bool directive_verbatim(const struct directive *d);

void config_init(struct config *c);
void config_free(struct config *c);
/* Reads and parses path; errors go to dg.  Returns false when dg has any. */
bool config_load(struct config *c, const char *path, struct diag *dg);
/* The syntax layer alone, on text already read (modified in place); c->path
 * names the file in messages. */
bool config_parse_text(struct config *c, char *text, struct diag *dg);
/* The trust checks shared by the config, EnvironmentFile= and the binary. */
int trusted_open(const char *path, int flags, bool follow, const char **why);
/* A directory whose entries are read (unit drop-ins): the same walk, and
 * the directory itself writable by root alone.  Returns an O_DIRECTORY
 * descriptor or -errno. */
int trusted_dir_open(const char *path, const char **why);
/* Reads a trusted file whole (at most max bytes) into a NUL-terminated
 * buffer. */
char *trusted_read(const char *path, size_t max, size_t *len, const char **why,
		   int *err);

/* Value syntax shared by the directives (src/values.c). */
int parse_boolean(const char *v);
int split_words(const char *v, struct words *out, struct origin at,
		const char **why);
int parse_capability(const char *name);
int parse_umask(const char *v, mode_t *out);
int parse_rlimit(const char *v, int resource, struct rlimit *out,
		 const char **why);
bool env_name_valid(const char *s, size_t len);
bool env_assignment_valid(const char *s);
int parse_env_file(const char *text, const char *file, struct words *out,
		   struct diag *dg);
const char *rlimit_directive_name(int resource);
const char *capability_name(int cap); /* "cap_net_raw" */
int parse_errno(const char *v);	      /* "EPERM" or 0-4095 */
int capability_last(void);

#endif
