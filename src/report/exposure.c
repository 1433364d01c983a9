/* SPDX-License-Identifier: MIT */
/*
 * The exposure score: what `systemd-analyze security` (systemd 252) would
 * say of the unit equivalent to this config, so an operator can compare a
 * launcher config with a unit on one scale.  The checks, their weights and
 * ranges and the rounding are systemd's (src/analyze/analyze-security.c of
 * v252, and the tool's own SYSTEMD_ANALYZE_DEBUG=1 table); the code is
 * ours.  tests/t/45-exposure.t compares every check and the score with the
 * installed systemd-analyze on a corpus of units.
 *
 * Values come from the parsed config: the merged fields where struct config
 * has them, otherwise the accepted assignments in c->raw, so a directive a
 * later parser adds is scored as soon as the launcher accepts it; until
 * then it is absent, which is systemd's default.  Nothing the launcher does
 * on its own is credited (the no_new_privs a seccomp filter implies, for
 * instance): systemd scores the unit's lines, and so do we.  Where systemd
 * itself derives a setting from another (PrivateDevices= closing the device
 * policy and dropping CAP_MKNOD), we derive it too.
 */
#include <arpa/inet.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "exposure.h"
#include "json.h"
#include "seccomp_merge.h"
#include "syscall_groups.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define BIT(cap) (UINT64_C(1) << (cap))

/* What the checks read: systemd's view of the unit, from our config. */
struct facts {
	const char *user;
	bool dynamic_user;
	bool supplementary_groups;
	uint64_t ambient, bounding;
	bool ip_deny_v4, ip_deny_v6, ip_allow_localhost, ip_allow_other;
	bool ip_custom; /* IPIngressFilterPath=, IPEgressFilterPath= */
	const char *keyring_mode, *protect_proc, *proc_subset;
	bool lock_personality, mdwe, nnp, protect_hostname;
	bool private_devices, private_mounts, private_network, private_tmp,
		private_users;
	bool protect_cgroups, protect_modules, protect_tunables, protect_logs,
		protect_clock;
	const char *protect_home, *protect_system;
	bool remove_ipc, delegate, restrict_realtime, restrict_suid_sgid;
	/* RestrictAddressFamilies=, as systemd reports it: true is good. */
	bool af_inet, af_unix, af_netlink, af_packet, af_other;
	uint64_t namespaces; /* CLONE_NEW* still allowed */
	bool own_root;	     /* RootDirectory=/RootImage= other than "/" */
	const char *device_policy;
	bool device_allow;
	int archs; /* 0: any ABI, 1: "native" alone, 2: other */
	bool filter, filter_allow_list;
	unsigned char in_filter[4096 / 8]; /* native numbers in the set */
	mode_t umask;
};

/* The last accepted value of a directive struct config has no field for;
 * NULL when never assigned or reset by an empty one. */
static const char *raw_last(const struct config *c, const char *name)
{
	size_t l = strlen(name);
	const char *v = NULL;

	for (size_t i = 0; i < c->raw.n; i++) {
		const char *s = c->raw.v[i].s;
		if (strncmp(s, name, l) == 0 && s[l] == '=')
			v = s[l + 1] ? s + l + 1 : NULL;
	}
	return v;
}

static bool raw_bool(const struct config *c, const char *name)
{
	const char *v = raw_last(c, name);

	return v && parse_boolean(v) > 0;
}

/* Calls fn for each word of each assignment of a list directive since the
 * last empty one (which resets a list in systemd). */
static void raw_list(const struct config *c, const char *name,
		     void (*fn)(struct facts *, const char *, bool), bool arg,
		     struct facts *f)
{
	size_t l = strlen(name), from = 0;

	for (size_t i = 0; i < c->raw.n; i++) {
		const char *s = c->raw.v[i].s;
		if (strncmp(s, name, l) == 0 && s[l] == '=' && !s[l + 1])
			from = i + 1;
	}
	for (size_t i = from; i < c->raw.n; i++) {
		const char *s = c->raw.v[i].s;
		struct words w = {0};
		const char *why;

		if (strncmp(s, name, l) != 0 || s[l] != '=')
			continue;
		if (split_words(s + l + 1, &w, c->raw.v[i].at, &why) < 0)
			continue; /* the parser accepted it: cannot happen */
		for (size_t j = 0; j < w.n; j++)
			fn(f, w.v[j].s, arg);
		words_clear(&w);
	}
}

/* IPAddressDeny=/IPAddressAllow= entries: systemd's keywords, or an
 * address with an optional prefix length, masked to it as systemd stores
 * it.  Only "everything" counts as a deny list; only 127.0.0.0/8 and ::1
 * count as localhost. */
static void ip_entry(struct facts *f, const char *word, bool deny)
{
	unsigned char a[16] = {0};
	static const unsigned char loop6[16] = {[15] = 1};
	char addr[64];
	const char *slash = strchr(word, '/');
	bool v4;
	unsigned prefix, bits;

	if (strcmp(word, "any") == 0) {
		if (deny)
			f->ip_deny_v4 = f->ip_deny_v6 = true;
		else
			f->ip_allow_other = true;
		return;
	}
	if (strcmp(word, "localhost") == 0 || strcmp(word, "link-local") == 0 ||
	    strcmp(word, "multicast") == 0) {
		if (!deny && word[0] == 'l' && word[1] == 'o')
			f->ip_allow_localhost = true;
		else if (!deny)
			f->ip_allow_other = true;
		return;
	}
	snprintf(addr, sizeof(addr), "%.*s",
		 slash ? (int)(slash - word) : (int)strlen(word), word);
	if (inet_pton(AF_INET, addr, a) == 1)
		v4 = true, bits = 32;
	else if (inet_pton(AF_INET6, addr, a) == 1)
		v4 = false, bits = 128;
	else
		return;
	prefix = slash ? (unsigned)strtoul(slash + 1, NULL, 10) : bits;
	for (unsigned i = 0; i < bits / 8; i++) {
		unsigned keep = prefix > i * 8 ? prefix - i * 8 : 0;
		a[i] &= keep >= 8 ? 0xff : (unsigned char)(0xff00 >> keep);
	}
	if (deny) {
		if (prefix == 0 && v4)
			f->ip_deny_v4 = true;
		else if (prefix == 0)
			f->ip_deny_v6 = true;
	} else if (v4 ? a[0] == 127 : memcmp(a, loop6, 16) == 0) {
		f->ip_allow_localhost = true;
	} else {
		f->ip_allow_other = true;
	}
}

static void device_entry(struct facts *f, const char *word, bool arg)
{
	(void)word;
	(void)arg;
	f->device_allow = true;
}

static void filter_path(struct facts *f, const char *word, bool arg)
{
	(void)word;
	(void)arg;
	f->ip_custom = true;
}

/* SystemCallFilter=: the set of native system call numbers systemd ends up
 * with, merged as systemd merges the lines (src/parse/seccomp_merge.c, as
 * the filter is). */
struct filter_walk {
	struct facts *f;
	bool add;
};

static void filter_set(struct facts *f, int nr, bool add)
{
	if (nr < 0 || nr >= (int)sizeof(f->in_filter) * 8)
		return;
	if (add)
		f->in_filter[nr / 8] |= (unsigned char)(1U << (nr % 8));
	else
		f->in_filter[nr / 8] &= (unsigned char)~(1U << (nr % 8));
}

static int filter_one(const char *name, void *ud)
{
	struct filter_walk *w = ud;

	filter_set(w->f, seccomp_syscall_resolve_name(name), w->add);
	return 0;
}

static void filter_word(struct facts *f, const char *word, bool add)
{
	struct filter_walk w = {f, add};

	if (word[0] == '@')
		syscall_group_expand(word, filter_one, &w);
	else
		filter_one(word, &w);
}

static void filter_line_word(const struct syscall_word *w, void *ud)
{
	filter_word(ud, w->name, w->add);
}

/* SystemCallFilter=, merged as the filter merges it. */
static void facts_filter(struct facts *f, const struct config *c)
{
	f->filter =
		syscall_lines_walk(&c->syscall_filter, true,
				   &f->filter_allow_list, filter_line_word, f);
}

/* RestrictAddressFamilies=, merged as the filter merges it, then reported
 * as systemd reports its set: for an allow list each class is good unless
 * one of its families is allowed, for a deny list bad unless one is
 * denied. */
static void facts_families(struct facts *f, const struct config *c)
{
	bool allowed[ADDRESS_FAMILIES] = {0}, allow_list;

	f->af_inet = f->af_unix = f->af_netlink = f->af_packet = f->af_other =
		false;
	if (!address_families_merge(&c->address_families, allowed, &allow_list))
		return;
	f->af_inet = f->af_unix = f->af_netlink = f->af_packet = f->af_other =
		allow_list;
	for (int af = 1; af < ADDRESS_FAMILIES; af++) {
		bool *cls;
		if (allowed[af] != allow_list)
			continue; /* not in systemd's set */
		cls = af == AF_INET || af == AF_INET6 ? &f->af_inet
		      : af == AF_UNIX		      ? &f->af_unix
		      : af == AF_NETLINK	      ? &f->af_netlink
		      : af == AF_PACKET		      ? &f->af_packet
						      : &f->af_other;
		*cls = !allow_list;
	}
}

static const char *const protect_system_names[] = {"no", "yes", "full",
						   "strict"};
static const char *const protect_home_names[] = {"no", "yes", "read-only",
						 "tmpfs"};

static void facts_build(struct facts *f, const struct config *c)
{
	const char *v;

	memset(f, 0, sizeof(*f));
	f->user = c->user;
	f->dynamic_user = raw_bool(c, "DynamicUser");
	f->supplementary_groups = c->supplementary_groups.n > 0;
	f->ambient = c->ambient.mask;
	f->bounding = c->bounding.set ? c->bounding.mask : UINT64_MAX;
	raw_list(c, "IPAddressDeny", ip_entry, true, f);
	raw_list(c, "IPAddressAllow", ip_entry, false, f);
	raw_list(c, "IPIngressFilterPath", filter_path, false, f);
	raw_list(c, "IPEgressFilterPath", filter_path, false, f);
	/* systemd's defaults for a system service. */
	f->keyring_mode = (v = raw_last(c, "KeyringMode")) ? v : "private";
	f->protect_proc = (v = raw_last(c, "ProtectProc")) ? v : "default";
	f->proc_subset = (v = raw_last(c, "ProcSubset")) ? v : "all";
	f->lock_personality = c->lock_personality;
	f->mdwe = c->memory_deny_write_execute;
	f->nnp = c->no_new_privileges;
	f->protect_hostname = raw_bool(c, "ProtectHostname");
	f->private_devices = c->private_devices;
	f->private_mounts = raw_bool(c, "PrivateMounts");
	f->private_network = raw_bool(c, "PrivateNetwork");
	f->private_tmp = c->private_tmp;
	f->private_users = raw_bool(c, "PrivateUsers");
	f->protect_cgroups = c->protect_control_groups;
	f->protect_modules = c->protect_kernel_modules;
	f->protect_tunables = c->protect_kernel_tunables;
	f->protect_logs = c->protect_kernel_logs;
	f->protect_clock = raw_bool(c, "ProtectClock");
	f->protect_home = protect_home_names[c->protect_home];
	f->protect_system = protect_system_names[c->protect_system];
	f->remove_ipc = raw_bool(c, "RemoveIPC");
	f->delegate = raw_bool(c, "Delegate");
	f->restrict_realtime = c->restrict_realtime;
	f->restrict_suid_sgid = c->restrict_suid_sgid;
	facts_families(f, c);
	f->namespaces = c->restrict_namespaces_set ? c->restrict_namespaces
						   : UINT64_MAX;
	f->own_root =
		((v = raw_last(c, "RootDirectory")) && strcmp(v, "/") != 0) ||
		((v = raw_last(c, "RootImage")) && strcmp(v, "/") != 0);
	f->device_policy = (v = raw_last(c, "DevicePolicy")) ? v : "auto";
	raw_list(c, "DeviceAllow", device_entry, false, f);
	for (size_t i = 0; i < c->syscall_archs.n; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup |= strcmp(c->syscall_archs.v[i].s,
				      c->syscall_archs.v[j].s) == 0;
		if (!dup)
			f->archs = f->archs || strcmp(c->syscall_archs.v[i].s,
						      "native") != 0
					   ? 2
					   : 1;
	}
	facts_filter(f, c);
	f->umask = c->umask;

	/* What systemd derives when it loads the unit. */
	if (f->dynamic_user) {
		if (!f->user)
			f->user = "(dynamic)"; /* the unit's name: not root */
		f->private_tmp = f->remove_ipc = f->nnp = true;
		f->restrict_suid_sgid = true;
		f->protect_system = "strict";
		if (strcmp(f->protect_home, "no") == 0)
			f->protect_home = "read-only";
	}
	if (f->private_devices) {
		f->bounding &= ~(BIT(CAP_MKNOD) | BIT(CAP_SYS_RAWIO));
		if (strcmp(f->device_policy, "auto") == 0)
			f->device_policy = "closed";
	}
	if (f->protect_modules)
		f->bounding &= ~BIT(CAP_SYS_MODULE);
	if (f->protect_logs)
		f->bounding &= ~BIT(CAP_SYSLOG);
	if (f->protect_clock) {
		f->bounding &= ~(BIT(CAP_SYS_TIME) | BIT(CAP_WAKE_ALARM));
		f->device_allow = true; /* "char-rtc r" */
	}
}

static bool root_user(const char *u)
{
	return u && (strcmp(u, "0") == 0 || strcmp(u, "root") == 0);
}

/* systemd leaves SupplementaryGroups= and RemoveIPC= out for root. */
static bool privileged(const struct facts *f)
{
	return root_user(f->user) || (!f->dynamic_user && !f->user);
}

enum kind {
	K_BOOL,	    /* off: arg selects the fact; bad when false */
	K_BOOL_INV, /* bad when true */
	K_CAP,	    /* bad when any of arg is in the bounding set */
	K_NS,	    /* bad when the namespace type arg is allowed */
	K_FILTER,   /* SystemCallFilter= against the group named */
	K_USER,
	K_GROUPS,
	K_REMOVE_IPC,
	K_HOME,
	K_SYSTEM,
	K_ROOT,
	K_UMASK,
	K_KEYRING,
	K_PROC,
	K_SUBSET,
	K_NOTIFY,
	K_ARCHS,
	K_IP,
	K_DEVICES,
	K_AMBIENT,
};

/* The fact a boolean check reads. */
enum fact {
	F_PRIVATE_DEVICES,
	F_PRIVATE_MOUNTS,
	F_PRIVATE_NETWORK,
	F_PRIVATE_TMP,
	F_PRIVATE_USERS,
	F_PROTECT_CGROUPS,
	F_PROTECT_MODULES,
	F_PROTECT_TUNABLES,
	F_PROTECT_LOGS,
	F_PROTECT_CLOCK,
	F_PROTECT_HOSTNAME,
	F_LOCK_PERSONALITY,
	F_MDWE,
	F_NNP,
	F_DELEGATE,
	F_REALTIME,
	F_SUID_SGID,
	F_AF_INET,
	F_AF_UNIX,
	F_AF_NETLINK,
	F_AF_PACKET,
	F_AF_OTHER,
};

static bool fact(const struct facts *f, enum fact which)
{
	switch (which) {
	case F_PRIVATE_DEVICES:
		return f->private_devices;
	case F_PRIVATE_MOUNTS:
		return f->private_mounts;
	case F_PRIVATE_NETWORK:
		return f->private_network;
	case F_PRIVATE_TMP:
		return f->private_tmp;
	case F_PRIVATE_USERS:
		return f->private_users;
	case F_PROTECT_CGROUPS:
		return f->protect_cgroups;
	case F_PROTECT_MODULES:
		return f->protect_modules;
	case F_PROTECT_TUNABLES:
		return f->protect_tunables;
	case F_PROTECT_LOGS:
		return f->protect_logs;
	case F_PROTECT_CLOCK:
		return f->protect_clock;
	case F_PROTECT_HOSTNAME:
		return f->protect_hostname;
	case F_LOCK_PERSONALITY:
		return f->lock_personality;
	case F_MDWE:
		return f->mdwe;
	case F_NNP:
		return f->nnp;
	case F_DELEGATE:
		return f->delegate;
	case F_REALTIME:
		return f->restrict_realtime;
	case F_SUID_SGID:
		return f->restrict_suid_sgid;
	case F_AF_INET:
		return f->af_inet;
	case F_AF_UNIX:
		return f->af_unix;
	case F_AF_NETLINK:
		return f->af_netlink;
	case F_AF_PACKET:
		return f->af_packet;
	case F_AF_OTHER:
		return f->af_other;
	}
	return false;
}

struct check {
	const char *name;
	unsigned weight, range;
	enum kind kind;
	uint64_t arg;
	const char *what; /* what a bad score means, in our words */
};

/* systemd 252's table: every check, its weight and its range. */
static const struct check checks[] = {
	{"User=/DynamicUser=", 2000, 10, K_USER, 0, "runs as root"},
	{"SupplementaryGroups=", 200, 1, K_GROUPS, 0,
	 "has supplementary groups"},
	{"PrivateDevices=", 1000, 1, K_BOOL, F_PRIVATE_DEVICES,
	 "may reach hardware devices"},
	{"PrivateMounts=", 1000, 1, K_BOOL, F_PRIVATE_MOUNTS,
	 "mounts may reach the host"},
	{"PrivateNetwork=", 2500, 1, K_BOOL, F_PRIVATE_NETWORK,
	 "on the host's network"},
	{"PrivateTmp=", 1000, 1, K_BOOL, F_PRIVATE_TMP,
	 "shares /tmp with other software"},
	{"PrivateUsers=", 1000, 1, K_BOOL, F_PRIVATE_USERS,
	 "sees the host's users"},
	{"ProtectControlGroups=", 1000, 1, K_BOOL, F_PROTECT_CGROUPS,
	 "may write the cgroup file system"},
	{"ProtectKernelModules=", 1000, 1, K_BOOL, F_PROTECT_MODULES,
	 "may load or read kernel modules"},
	{"ProtectKernelTunables=", 1000, 1, K_BOOL, F_PROTECT_TUNABLES,
	 "may change kernel tunables"},
	{"ProtectKernelLogs=", 1000, 1, K_BOOL, F_PROTECT_LOGS,
	 "may use the kernel log"},
	{"ProtectClock=", 1000, 1, K_BOOL, F_PROTECT_CLOCK,
	 "may set the clocks"},
	{"ProtectHome=", 1000, 10, K_HOME, 0, "reaches home directories"},
	{"ProtectHostname=", 50, 1, K_BOOL, F_PROTECT_HOSTNAME,
	 "may set the host name"},
	{"ProtectSystem=", 1000, 10, K_SYSTEM, 0, "may write the OS tree"},
	{"RootDirectory=/RootImage=", 200, 1, K_ROOT, 0,
	 "runs in the host's root"},
	{"LockPersonality=", 100, 1, K_BOOL, F_LOCK_PERSONALITY,
	 "may change personality"},
	{"MemoryDenyWriteExecute=", 100, 1, K_BOOL, F_MDWE,
	 "may map memory writable and executable"},
	{"NoNewPrivileges=", 1000, 1, K_BOOL, F_NNP,
	 "may gain privileges at exec"},
	{"CapabilityBoundingSet=~CAP_SYS_ADMIN", 1500, 1, K_CAP,
	 BIT(CAP_SYS_ADMIN), "capability kept"},
	{"CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)", 1500, 1, K_CAP,
	 BIT(CAP_SETUID) | BIT(CAP_SETGID) | BIT(CAP_SETPCAP),
	 "capability kept"},
	{"CapabilityBoundingSet=~CAP_SYS_PTRACE", 1500, 1, K_CAP,
	 BIT(CAP_SYS_PTRACE), "capability kept"},
	{"CapabilityBoundingSet=~CAP_SYS_TIME", 1000, 1, K_CAP,
	 BIT(CAP_SYS_TIME), "capability kept"},
	{"CapabilityBoundingSet=~CAP_NET_ADMIN", 1000, 1, K_CAP,
	 BIT(CAP_NET_ADMIN), "capability kept"},
	{"CapabilityBoundingSet=~CAP_SYS_RAWIO", 1000, 1, K_CAP,
	 BIT(CAP_SYS_RAWIO), "capability kept"},
	{"CapabilityBoundingSet=~CAP_SYS_MODULE", 1000, 1, K_CAP,
	 BIT(CAP_SYS_MODULE), "capability kept"},
	{"CapabilityBoundingSet=~CAP_AUDIT_*", 500, 1, K_CAP,
	 BIT(CAP_AUDIT_CONTROL) | BIT(CAP_AUDIT_READ) | BIT(CAP_AUDIT_WRITE),
	 "capability kept"},
	{"CapabilityBoundingSet=~CAP_SYSLOG", 500, 1, K_CAP, BIT(CAP_SYSLOG),
	 "capability kept"},
	{"CapabilityBoundingSet=~CAP_SYS_(NICE|RESOURCE)", 500, 1, K_CAP,
	 BIT(CAP_SYS_NICE) | BIT(CAP_SYS_RESOURCE), "capability kept"},
	{"CapabilityBoundingSet=~CAP_MKNOD", 500, 1, K_CAP, BIT(CAP_MKNOD),
	 "capability kept"},
	{"CapabilityBoundingSet=~CAP_(CHOWN|FSETID|SETFCAP)", 1000, 1, K_CAP,
	 BIT(CAP_CHOWN) | BIT(CAP_FSETID) | BIT(CAP_SETFCAP),
	 "capability kept"},
	{"CapabilityBoundingSet=~CAP_(DAC_*|FOWNER|IPC_OWNER)", 1000, 1, K_CAP,
	 BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_FOWNER) |
		 BIT(CAP_IPC_OWNER),
	 "capability kept"},
	{"CapabilityBoundingSet=~CAP_KILL", 500, 1, K_CAP, BIT(CAP_KILL),
	 "capability kept"},
	{"CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)", 500, 1,
	 K_CAP,
	 BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_NET_BROADCAST) | BIT(CAP_NET_RAW),
	 "capability kept"},
	{"CapabilityBoundingSet=~CAP_SYS_BOOT", 100, 1, K_CAP,
	 BIT(CAP_SYS_BOOT), "capability kept"},
	{"CapabilityBoundingSet=~CAP_MAC_*", 100, 1, K_CAP,
	 BIT(CAP_MAC_ADMIN) | BIT(CAP_MAC_OVERRIDE), "capability kept"},
	{"CapabilityBoundingSet=~CAP_LINUX_IMMUTABLE", 75, 1, K_CAP,
	 BIT(CAP_LINUX_IMMUTABLE), "capability kept"},
	{"CapabilityBoundingSet=~CAP_IPC_LOCK", 50, 1, K_CAP, BIT(CAP_IPC_LOCK),
	 "capability kept"},
	{"CapabilityBoundingSet=~CAP_SYS_CHROOT", 50, 1, K_CAP,
	 BIT(CAP_SYS_CHROOT), "capability kept"},
	{"CapabilityBoundingSet=~CAP_BLOCK_SUSPEND", 25, 1, K_CAP,
	 BIT(CAP_BLOCK_SUSPEND), "capability kept"},
	{"CapabilityBoundingSet=~CAP_WAKE_ALARM", 25, 1, K_CAP,
	 BIT(CAP_WAKE_ALARM), "capability kept"},
	{"CapabilityBoundingSet=~CAP_LEASE", 25, 1, K_CAP, BIT(CAP_LEASE),
	 "capability kept"},
	{"CapabilityBoundingSet=~CAP_SYS_TTY_CONFIG", 25, 1, K_CAP,
	 BIT(CAP_SYS_TTY_CONFIG), "capability kept"},
	{"CapabilityBoundingSet=~CAP_SYS_PACCT", 25, 1, K_CAP,
	 BIT(CAP_SYS_PACCT), "capability kept"},
	{"CapabilityBoundingSet=~CAP_BPF", 25, 1, K_CAP, BIT(CAP_BPF),
	 "capability kept"},
	{"UMask=", 100, 10, K_UMASK, 0,
	 "new files readable or writable by others"},
	{"KeyringMode=", 1000, 1, K_KEYRING, 0, "shares the kernel keyring"},
	{"ProtectProc=", 1000, 3, K_PROC, 0, "sees every process in /proc"},
	{"ProcSubset=", 10, 1, K_SUBSET, 0, "sees all of /proc"},
	{"NotifyAccess=", 1000, 1, K_NOTIFY, 0,
	 "children may notify the manager"},
	{"RemoveIPC=", 100, 1, K_REMOVE_IPC, 0, "leaves System V IPC behind"},
	{"Delegate=", 100, 1, K_BOOL_INV, F_DELEGATE,
	 "manages its own cgroup subtree"},
	{"RestrictRealtime=", 500, 1, K_BOOL, F_REALTIME,
	 "may use realtime scheduling"},
	{"RestrictSUIDSGID=", 1000, 1, K_BOOL, F_SUID_SGID,
	 "may make setuid/setgid files"},
	{"RestrictNamespaces=~user", 1500, 1, K_NS, CLONE_NEWUSER,
	 "namespace type allowed"},
	{"RestrictNamespaces=~mnt", 500, 1, K_NS, CLONE_NEWNS,
	 "namespace type allowed"},
	{"RestrictNamespaces=~ipc", 500, 1, K_NS, CLONE_NEWIPC,
	 "namespace type allowed"},
	{"RestrictNamespaces=~pid", 500, 1, K_NS, CLONE_NEWPID,
	 "namespace type allowed"},
	{"RestrictNamespaces=~cgroup", 500, 1, K_NS, CLONE_NEWCGROUP,
	 "namespace type allowed"},
	{"RestrictNamespaces=~net", 500, 1, K_NS, CLONE_NEWNET,
	 "namespace type allowed"},
	{"RestrictNamespaces=~uts", 100, 1, K_NS, CLONE_NEWUTS,
	 "namespace type allowed"},
	{"RestrictAddressFamilies=~AF_(INET|INET6)", 1500, 1, K_BOOL, F_AF_INET,
	 "may open Internet sockets"},
	{"RestrictAddressFamilies=~AF_UNIX", 25, 1, K_BOOL, F_AF_UNIX,
	 "may open local sockets"},
	{"RestrictAddressFamilies=~AF_NETLINK", 200, 1, K_BOOL, F_AF_NETLINK,
	 "may open netlink sockets"},
	{"RestrictAddressFamilies=~AF_PACKET", 1000, 1, K_BOOL, F_AF_PACKET,
	 "may open packet sockets"},
	{"RestrictAddressFamilies=~\xe2\x80\xa6", 1250, 1, K_BOOL, F_AF_OTHER,
	 "may open other sockets"},
	{"SystemCallArchitectures=", 1000, 10, K_ARCHS, 0,
	 "system calls through other ABIs"},
	{"SystemCallFilter=~@swap", 1000, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"SystemCallFilter=~@obsolete", 250, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"SystemCallFilter=~@clock", 1000, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"SystemCallFilter=~@cpu-emulation", 250, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"SystemCallFilter=~@debug", 1000, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"SystemCallFilter=~@mount", 1000, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"SystemCallFilter=~@module", 1000, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"SystemCallFilter=~@raw-io", 1000, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"SystemCallFilter=~@reboot", 1000, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"SystemCallFilter=~@privileged", 700, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"SystemCallFilter=~@resources", 700, 10, K_FILTER, 0,
	 "calls of the group allowed"},
	{"IPAddressDeny=", 1000, 10, K_IP, 0, "reaches any IP address"},
	{"DeviceAllow=", 1000, 10, K_DEVICES, 0, "no device access list"},
	{"AmbientCapabilities=", 500, 1, K_AMBIENT, 0,
	 "gets ambient capabilities"},
};

struct group_walk {
	const struct facts *f;
};

/* systemd: bad when a call of the group that exists here is in an allow
 * list, or missing from a deny list. */
static int group_member_bad(const char *name, void *ud)
{
	const struct facts *f = ((struct group_walk *)ud)->f;
	int nr = seccomp_syscall_resolve_name(name);
	bool in;

	if (nr < 0 || nr >= (int)sizeof(f->in_filter) * 8)
		return 0;
	in = f->in_filter[nr / 8] & (1U << (nr % 8));
	return in == f->filter_allow_list;
}

static uint64_t assess(const struct check *k, const struct facts *f)
{
	const char *u = f->user;
	mode_t m = f->umask;

	switch (k->kind) {
	case K_BOOL:
		return !fact(f, (enum fact)k->arg);
	case K_BOOL_INV:
		return fact(f, (enum fact)k->arg);
	case K_CAP:
		return (f->bounding & k->arg) != 0;
	case K_NS:
		return (f->namespaces & k->arg) != 0;
	case K_FILTER: {
		struct group_walk w = {f};
		const char *group = strchr(k->name, '@');
		if (!f->filter)
			return 10;
		if (syscall_group_expand(group, group_member_bad, &w) > 0)
			return f->filter_allow_list ? 9 : 10;
		return 0;
	}
	case K_USER:
		if (u && strcmp(u, "nobody") == 0)
			return 9;
		if (f->dynamic_user && !root_user(u))
			return 0;
		return u && *u && !root_user(u) ? 0 : 10;
	case K_GROUPS:
		return privileged(f) ? EXPOSURE_NA : f->supplementary_groups;
	case K_REMOVE_IPC:
		return privileged(f) ? EXPOSURE_NA : !f->remove_ipc;
	case K_HOME:
		return strcmp(f->protect_home, "yes") == 0	   ? 0
		       : strcmp(f->protect_home, "read-only") == 0 ? 5
		       : strcmp(f->protect_home, "tmpfs") == 0	   ? 1
								   : 10;
	case K_SYSTEM:
		return strcmp(f->protect_system, "strict") == 0 ? 0
		       : strcmp(f->protect_system, "full") == 0 ? 3
		       : strcmp(f->protect_system, "yes") == 0	? 5
								: 10;
	case K_ROOT:
		return !f->own_root;
	case K_UMASK:
		return !(m & 0002)   ? 10
		       : !(m & 0004) ? 5
		       : !(m & 0020) ? 2
		       : !(m & 0040) ? 1
				     : 0;
	case K_KEYRING:
		return strcmp(f->keyring_mode, "private") != 0;
	case K_PROC:
		return strcmp(f->protect_proc, "noaccess") == 0 ? 1
		       : strcmp(f->protect_proc, "invisible") == 0 ||
				       strcmp(f->protect_proc, "ptraceable") ==
					       0
			       ? 0
			       : 3;
	case K_SUBSET:
		return strcmp(f->proc_subset, "pid") != 0;
	case K_NOTIFY:
		return 0; /* NotifyAccess=all: the service manager's */
	case K_ARCHS:
		return f->archs == 0 ? 10 : f->archs == 1 ? 0 : 8;
	case K_IP:
		if (f->ip_custom)
			return 0;
		if (!f->ip_deny_v4 || !f->ip_deny_v6)
			return 10;
		return f->ip_allow_other ? 5 : f->ip_allow_localhost ? 2 : 0;
	case K_DEVICES:
		if (strcmp(f->device_policy, "strict") != 0 &&
		    strcmp(f->device_policy, "closed") != 0)
			return 10;
		return f->device_allow ? 5 : 0;
	case K_AMBIENT:
		return f->ambient != 0;
	}
	return 0;
}

/* systemd's integer arithmetic, rounding up at each step. */
static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static const struct {
	unsigned min; /* tenths */
	const char *name;
} levels[] = {
	{100, "DANGEROUS"}, {90, "UNSAFE"}, {75, "EXPOSED"}, {50, "MEDIUM"},
	{10, "OK"},	    {1, "SAFE"},    {0, "PERFECT"},
};

void exposure_compute(struct exposure *e, const struct config *c)
{
	struct facts f;
	uint64_t sum = 0;

	facts_build(&f, c);
	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < sizeof(checks) / sizeof(*checks); i++) {
		const struct check *k = &checks[i];
		struct exposure_check *x = &e->v[e->n++];

		*x = (struct exposure_check){k->name, k->what, k->weight,
					     k->range, assess(k, &f)};
		if (x->badness == EXPOSURE_NA)
			continue;
		sum += div_up(x->badness * k->weight, k->range);
		e->weight_sum += k->weight;
	}
	e->tenths = (unsigned)div_up(sum * 100, e->weight_sum);
	for (size_t i = 0; i < sizeof(levels) / sizeof(*levels); i++)
		if (e->tenths >= levels[i].min) {
			e->level = levels[i].name;
			break;
		}
}

/* One check's share of the score, in tenths, as systemd's table shows
 * it. */
static unsigned share(const struct exposure *e, const struct exposure_check *x)
{
	if (x->badness == EXPOSURE_NA || !x->badness)
		return 0;
	return (unsigned)div_up(div_up(x->badness * x->weight * 100, x->range),
				e->weight_sum);
}

void exposure_print(FILE *out, const struct exposure *e, bool verbose)
{
	fprintf(out, "exposure        %u.%u %s\n", e->tenths / 10,
		e->tenths % 10, e->level);
	if (!verbose)
		return;
	fprintf(out, "  %-4s %-58s %6s %7s %5s %8s\n", "", "check", "weight",
		"badness", "range", "exposure");
	for (size_t i = 0; i < e->n; i++) {
		const struct exposure_check *x = &e->v[i];
		unsigned s = share(e, x);
		int pad = 58;
		bool bad = x->badness && x->badness != EXPOSURE_NA;
		char b[24];

		if (x->badness == EXPOSURE_NA)
			snprintf(b, sizeof(b), "n/a");
		else
			snprintf(b, sizeof(b), "%llu",
				 (unsigned long long)x->badness);
		/* Padded by characters: "~\u2026" is three bytes, one
		 * column. */
		for (const char *q = x->name; *q; q++)
			pad -= (*q & 0xc0) != 0x80;
		fprintf(out, "  %-4s %s%*s %6u %7s %5u %6u.%u%s%s\n",
			x->badness == EXPOSURE_NA ? "n/a"
			: x->badness		  ? "BAD"
						  : "ok",
			x->name, pad > 0 ? pad : 0, "", x->weight, b, x->range,
			s / 10, s % 10, bad ? "  " : "", bad ? x->what : "");
	}
}

void exposure_print_json(FILE *out, const struct exposure *e)
{
	fprintf(out, "{\"score\": %u.%u, \"level\": \"%s\", \"checks\": [",
		e->tenths / 10, e->tenths % 10, e->level);
	for (size_t i = 0; i < e->n; i++) {
		const struct exposure_check *x = &e->v[i];
		unsigned s = share(e, x);

		fputs(i ? ",\n      {\"name\": " : "\n      {\"name\": ", out);
		json_str(out, x->name);
		fprintf(out, ", \"weight\": %u, \"range\": %u, \"badness\": ",
			x->weight, x->range);
		if (x->badness == EXPOSURE_NA)
			fputs("null", out);
		else
			fprintf(out, "%llu", (unsigned long long)x->badness);
		fprintf(out, ", \"exposure\": %u.%u}", s / 10, s % 10);
	}
	fputs("]}", out);
}
