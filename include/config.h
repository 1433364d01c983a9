/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_CONFIG_H
#define OSAPI_LAUNCH_CONFIG_H

#include <sys/resource.h>
#include <sys/types.h>

#include "capability_names.h"
#include "die.h"
#include "util.h"

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
	/* Process and directory directives (src/plan/sched.c,
	 * src/apply/personality.c, src/plan/oom.c, src/apply/directories.c,
	 * src/plan/mountns.c). */
	D_BIND_PATHS,
	D_BIND_READ_ONLY_PATHS,
	D_CPU_AFFINITY,
	D_CPU_SCHEDULING_POLICY,
	D_CPU_SCHEDULING_PRIORITY,
	D_CPU_SCHEDULING_RESET_ON_FORK,
	D_IO_SCHEDULING_CLASS,
	D_IO_SCHEDULING_PRIORITY,
	D_NICE,
	D_OOM_SCORE_ADJUST,
	D_PERSONALITY,
	D_TEMPORARY_FILE_SYSTEM,
	D_TIMER_SLACK_NSEC,
	D_RUNTIME_DIRECTORY_PRESERVE,
	/* One per exec directory type, in enum exec_dir order; the *Mode=
	 * ids follow in the same order. */
	D_RUNTIME_DIRECTORY,
	D_STATE_DIRECTORY,
	D_CACHE_DIRECTORY,
	D_LOGS_DIRECTORY,
	D_CONFIGURATION_DIRECTORY,
	D_RUNTIME_DIRECTORY_MODE,
	D_STATE_DIRECTORY_MODE,
	D_CACHE_DIRECTORY_MODE,
	D_LOGS_DIRECTORY_MODE,
	D_CONFIGURATION_DIRECTORY_MODE,
	/* Namespaces, procfs, devices and the keyring (src/apply/uts.c,
	 * src/apply/ipcns.c, src/apply/netns.c, src/apply/keyring.c,
	 * src/plan/devices.c, src/plan/mountns.c). */
	D_DEVICE_ALLOW,
	D_DEVICE_POLICY,
	D_KEYRING_MODE,
	D_PRIVATE_IPC,
	D_PRIVATE_MOUNTS,
	D_PRIVATE_NETWORK,
	D_PROC_SUBSET,
	D_PROTECT_CLOCK,
	D_PROTECT_HOSTNAME,
	D_PROTECT_PROC,
	D_REMOVE_IPC,
	/* BPF and the user namespace (src/plan/cgroup_skb.c,
	 * src/plan/bpf_lsm.c, src/plan/userns.c). */
	D_IP_ADDRESS_ALLOW,
	D_IP_ADDRESS_DENY,
	D_PRIVATE_USERS,
	D_RESTRICT_FILE_SYSTEMS,
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

/* MemoryMax=, MemoryHigh=, TasksMax=, CPUQuota= (src/plan/cgroup.c). */
struct resource {
	bool set;
	bool optional; /* "-": best effort where the controller is missing */
	bool infinity;
	uint64_t value;	  /* bytes, tasks, or CPUQuota= in 1/100 percent */
	unsigned percent; /* Memory*=, TasksMax=: of the host's total, x100 */
	struct origin at;
};

/* RuntimeDirectory=, StateDirectory=, ... (src/apply/directories.c), in the
 * order of systemd's ExecDirectoryType. */
enum exec_dir {
	EXEC_DIR_RUNTIME,
	EXEC_DIR_STATE,
	EXEC_DIR_CACHE,
	EXEC_DIR_LOGS,
	EXEC_DIR_CONFIGURATION,
	EXEC_DIR__MAX,
};

/* RuntimeDirectoryPreserve=. */
enum runtime_preserve {
	RUNTIME_PRESERVE_NO,
	RUNTIME_PRESERVE_YES,
	RUNTIME_PRESERVE_RESTART,
};
/* ProtectProc=, KeyringMode=, DevicePolicy= values, as systemd.exec(5) and
 * systemd.resource-control(5); 0 is systemd's default for a system
 * service. */
enum protect_proc {
	PROTECT_PROC_DEFAULT,
	PROTECT_PROC_NOACCESS,
	PROTECT_PROC_INVISIBLE,
	PROTECT_PROC_PTRACEABLE
};
enum keyring_mode { KEYRING_PRIVATE, KEYRING_INHERIT, KEYRING_SHARED };
enum device_policy {
	DEVICE_POLICY_AUTO,
	DEVICE_POLICY_CLOSED,
	DEVICE_POLICY_STRICT
};
/* DeviceAllow= access bits, as the kernel's BPF_DEVCG_ACC_*. */
#define DEVICE_MKNOD 1U
#define DEVICE_READ  2U
#define DEVICE_WRITE 4U

/* IPAddressAllow=, IPAddressDeny= entries (src/plan/cgroup_skb.c): an address
 * prefix, host bits cleared; "any", "localhost", ... expanded to theirs. */
struct ip_prefix {
	unsigned char family; /* AF_INET or AF_INET6 */
	unsigned char len;    /* prefix length in bits */
	unsigned char addr[16];
};
struct ip_prefixes {
	struct ip_prefix *v;
	size_t n;
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
	 * (resets) included: how a report (src/report/exposure.c) reads a
	 * directive that has no field of its own yet. */
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
	 * of lines (src/parse/seccomp_merge.c). */
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

	/* The file system sandbox (src/plan/fs_policy.c, src/plan/sandbox.c).
	 * Paths are absolute, as written; a word's optional flag is systemd's
	 * "-". */
	enum protect_system protect_system;
	enum protect_home protect_home;
	bool protect_home_optional; /* "-tmpfs": Landlock may fall back */
	struct words read_write_paths;
	struct words read_only_paths;
	struct words inaccessible_paths;
	struct words exec_paths;
	struct words no_exec_paths;
	unsigned sandbox_backend; /* SANDBOX_* bits; 0: auto */
	/* Mount namespace only (src/plan/mountns.c). */
	bool private_tmp;
	bool private_devices;
	bool protect_kernel_tunables;
	bool protect_kernel_modules;
	bool protect_kernel_logs;
	bool protect_control_groups;

	/* Resources through cgroups (src/plan/cgroup.c). */
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

	/* Process and directory directives.  Each *_set: configured, so the
	 * launcher sets the value instead of resetting the caller's to the
	 * default (src/plan/sched.c, src/apply/personality.c, src/plan/oom.c).
	 */
	bool nice_set;
	int nice;
	bool sched_policy_set;
	int sched_policy; /* SCHED_OTHER, SCHED_FIFO, ... */
	bool sched_priority_set;
	int sched_priority;
	bool sched_reset_on_fork_set;
	bool sched_reset_on_fork;
	bool ioprio_class_set;
	int ioprio_class; /* IOPRIO_CLASS_* */
	bool ioprio_prio_set;
	int ioprio_prio;
	bool oom_score_adjust_set;
	int oom_score_adjust;
	bool cpu_affinity_set;
	unsigned *cpu_affinity; /* CPU numbers, as listed */
	size_t n_cpu_affinity;
	bool personality_set;
	unsigned long personality; /* PER_LINUX or PER_LINUX32 */
	bool timer_slack_set;
	unsigned long timer_slack_ns;
	/* "PATH" or "PATH:OPTIONS", as written. */
	struct words temporary_file_system;
	/* "SRC[:DST[:OPTIONS]]", as written; optional: "-SRC". */
	struct words bind_paths;
	struct words bind_read_only_paths;
	/* Relative to /run, /var/lib, /var/cache, /var/log, /etc. */
	struct words exec_dirs[EXEC_DIR__MAX];
	mode_t exec_dir_mode[EXEC_DIR__MAX]; /* 0755 unless configured */
	enum runtime_preserve runtime_preserve;
	/* Namespaces, procfs, devices and the keyring. */
	bool private_mounts;
	bool protect_clock;
	bool protect_hostname;
	enum protect_proc protect_proc;
	bool proc_subset_pid;
	bool private_ipc;
	bool private_network;
	bool remove_ipc;
	enum keyring_mode keyring_mode;
	enum device_policy device_policy;
	/* DeviceAllow=: "SPEC ACCESS" as written (SPEC a device node path,
	 * /sys/dev/{char,block}/M:N, or char-NAME/block-NAME from
	 * /proc/devices); resolved against this host in the plan. */
	struct words device_allow;
	/* IPAddressAllow=/IPAddressDeny= (src/plan/cgroup_skb.c): empty and
	 * empty, no filter; an allow match wins over a deny match. */
	struct ip_prefixes ip_allow;
	struct ip_prefixes ip_deny;
	/* RestrictFileSystems= (src/plan/bpf_lsm.c): the lines as written,
	 * names and @groups, "~" for a deny list; resolved in the plan. */
	struct words restrict_filesystems;
	/* PrivateUsers= (src/plan/userns.c). */
	bool private_users;
};

struct directive {
	const char *name;
	enum directive_id id;
	int (*parse)(struct config *c, const struct directive *d,
		     const char *value, struct origin at, struct diag *dg);
	int arg; /* parser-specific, e.g. the RLIMIT_* resource */
	const char *summary;
};

/* The sorted directive table (src/parse/directives.c). */
const struct directive *directive_find(const char *name);
size_t directive_count(void);
const struct directive *directive_at(size_t i);
bool systemd_exec_directive(const char *name);
/* No "%" specifiers in this directive's value: systemd does not expand them
 * there (CPUQuota=20%, MemoryMax=50%). */
bool directive_verbatim(const struct directive *d);

void config_init(struct config *c);
/* The process and directory directives' share (src/parse/directives.c). */
void config_init_process(struct config *c);
void config_free_process(struct config *c);
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

/* Value syntax shared by the directives (src/parse/values.c). */
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
int parse_errno(const char *v); /* "EPERM" or 0-4095 */
/* IPAddressAllow=, IPAddressDeny= (src/parse/ip_address.c), whose syntax
 * is a file of its own; the table in src/parse/directives.c names it. */
int p_ip_address(struct config *c, const struct directive *d, const char *v,
		 struct origin at, struct diag *dg);

#endif
