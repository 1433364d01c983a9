/* SPDX-License-Identifier: MIT */
/*
 * The directive table: one sorted row per directive, driving the parser,
 * --check and the test that every directive is documented.  Each parser
 * follows systemd.exec(5) for syntax and for how repeated and empty
 * assignments combine (lists accumulate, an empty value resets).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <linux/securebits.h>

#include "config.h"
#include "seccomp_plan.h"

/* An empty assignment resets a list, as in systemd. */
static bool reset_list(struct words *w, const char *v)
{
	if (*v)
		return false;
	words_clear(w);
	return true;
}

static int split_or_report(const char *v, struct words *out, struct origin at,
			   const struct directive *d, struct diag *dg)
{
	const char *why = NULL;

	if (split_words(v, out, at, &why) < 0) {
		diag_add(dg, at, "%s=: %s", d->name, why);
		words_clear(out);
		return -EINVAL;
	}
	return 0;
}

static int p_exec_start(struct config *c, const struct directive *d,
			const char *v, struct origin at, struct diag *dg)
{
	struct words w = {0};
	size_t first = 0;

	if (!*v) {
		words_clear(&c->exec_start);
		free(c->exec_argv0);
		c->exec_argv0 = NULL;
		return 0;
	}
	if (c->exec_start.n) {
		diag_add(dg, at,
			 "ExecStart= is already set at line %u; one command "
			 "only (an empty ExecStart= resets it)",
			 c->at[D_EXEC_START].line);
		return -EINVAL;
	}
	if (split_or_report(v, &w, at, d, dg) < 0)
		return -EINVAL;
	if (w.n == 0) {
		diag_add(dg, at, "ExecStart=: no command");
		return -EINVAL;
	}
	if (strchr("-:+!|", w.v[0].s[0])) {
		/* "+" and "!" run with full privileges under systemd: exactly
		 * what a least-privilege launcher must never do. */
		diag_add(dg, at,
			 "ExecStart=: the \"%c\" prefix is not supported by "
			 "osapi-launch",
			 w.v[0].s[0]);
		goto fail;
	}
	if (w.v[0].s[0] == '@') {
		if (w.n < 2) {
			diag_add(dg, at,
				 "ExecStart=: \"@\" needs a path and "
				 "an argv[0]");
			goto fail;
		}
		memmove(w.v[0].s, w.v[0].s + 1, strlen(w.v[0].s));
		c->exec_argv0 = xstrdup(w.v[1].s);
		free(w.v[1].s);
		memmove(&w.v[1], &w.v[2], (w.n - 2) * sizeof(*w.v));
		w.n--;
	}
	if (w.v[first].s[0] != '/') {
		diag_add(dg, at, "ExecStart=: \"%s\" is not an absolute path",
			 w.v[first].s);
		goto fail;
	}
	c->exec_start = w;
	return 0;
fail:
	words_clear(&w);
	free(c->exec_argv0);
	c->exec_argv0 = NULL;
	return -EINVAL;
}

static int p_name(struct config *c, const struct directive *d, const char *v,
		  struct origin at, struct diag *dg)
{
	char **dst = d->id == D_USER ? &c->user : &c->group;

	if (strpbrk(v, " \t\"'\\:/")) {
		diag_add(dg, at,
			 "%s=: \"%s\" is not a valid user or group "
			 "name",
			 d->name, v);
		return -EINVAL;
	}
	free(*dst);
	*dst = *v ? xstrdup(v) : NULL;
	return 0;
}

static int p_words(struct config *c, const struct directive *d, const char *v,
		   struct origin at, struct diag *dg)
{
	struct words *w;
	struct words add = {0};
	int bad = 0;

	switch (d->id) {
	case D_SUPPLEMENTARY_GROUPS:
		w = &c->supplementary_groups;
		break;
	case D_ENVIRONMENT:
		w = &c->environment;
		break;
	case D_PASS_ENVIRONMENT:
		w = &c->pass_environment;
		break;
	case D_UNSET_ENVIRONMENT:
		w = &c->unset_environment;
		break;
	default:
		abort();
	}
	if (reset_list(w, v))
		return 0;
	if (split_or_report(v, &add, at, d, dg) < 0)
		return -EINVAL;
	for (size_t i = 0; i < add.n; i++) {
		const char *s = add.v[i].s;
		bool valid;
		switch (d->id) {
		case D_ENVIRONMENT:
			valid = env_assignment_valid(s);
			break;
		case D_PASS_ENVIRONMENT:
			valid = env_name_valid(s, strlen(s));
			break;
		case D_UNSET_ENVIRONMENT:
			valid = env_assignment_valid(s) ||
				env_name_valid(s, strlen(s));
			break;
		default:
			valid = !strpbrk(s, ":/");
			break;
		}
		if (!valid) {
			diag_add(dg, at, "%s=: invalid entry \"%s\"", d->name,
				 s);
			bad++;
			continue;
		}
		words_push(w, s, strlen(s), at, false);
	}
	words_clear(&add);
	return bad ? -EINVAL : 0;
}

/* "-/path": optional, as systemd's "-" prefix. */
static const char *optional_prefix(const char *v, bool *optional)
{
	*optional = v[0] == '-';
	return *optional ? v + 1 : v;
}

static int p_environment_file(struct config *c, const struct directive *d,
			      const char *v, struct origin at, struct diag *dg)
{
	bool optional;

	(void)d;
	if (reset_list(&c->environment_files, v))
		return 0;
	v = optional_prefix(v, &optional);
	if (v[0] != '/') {
		diag_add(dg, at,
			 "EnvironmentFile=: \"%s\" is not an absolute "
			 "path",
			 v);
		return -EINVAL;
	}
	words_push(&c->environment_files, v, strlen(v), at, optional);
	return 0;
}

static int p_capset(struct config *c, const struct directive *d, const char *v,
		    struct origin at, struct diag *dg)
{
	struct capset *cs =
		d->id == D_AMBIENT_CAPABILITIES ? &c->ambient : &c->bounding;
	uint64_t all = (capability_last() >= 63)
			       ? UINT64_MAX
			       : (1ULL << (capability_last() + 1)) - 1;
	uint64_t sum = 0;
	bool invert = false;
	struct words w = {0};
	int bad = 0;

	if (!*v) {
		cs->set = true;
		cs->mask = 0;
		return 0;
	}
	if (*v == '~') {
		invert = true;
		v++;
	}
	if (split_or_report(v, &w, at, d, dg) < 0)
		return -EINVAL;
	for (size_t i = 0; i < w.n; i++) {
		int cap = parse_capability(w.v[i].s);
		if (cap < 0) {
			diag_add(dg, at, "%s=: unknown capability \"%s\"",
				 d->name, w.v[i].s);
			bad++;
			continue;
		}
		sum |= 1ULL << cap;
	}
	if (bad) {
		words_clear(&w);
		return -EINVAL;
	}
	if (invert && w.n == 0) {
		cs->set = true;
		cs->mask = all;
	} else if (invert) {
		sum = all & ~sum;
		cs->mask = cs->set ? (cs->mask & sum) : sum;
		cs->set = true;
	} else {
		cs->mask = cs->set ? (cs->mask | sum) : sum;
		cs->set = true;
	}
	words_clear(&w);
	return 0;
}

static int p_bool(struct config *c, const struct directive *d, const char *v,
		  struct origin at, struct diag *dg)
{
	int b = parse_boolean(v);

	if (b < 0) {
		diag_add(dg, at, "%s=: \"%s\" is not a boolean", d->name, v);
		return -EINVAL;
	}
	switch (d->id) {
	case D_NO_NEW_PRIVILEGES:
		c->no_new_privileges = b;
		break;
	case D_LOCK_PERSONALITY:
		c->lock_personality = b;
		break;
	case D_RESTRICT_REALTIME:
		c->restrict_realtime = b;
		break;
	case D_RESTRICT_SUID_SGID:
		c->restrict_suid_sgid = b;
		break;
	case D_MEMORY_DENY_WRITE_EXECUTE:
		c->memory_deny_write_execute = b;
		break;
	default:
		abort();
	}
	return 0;
}

static int p_securebits(struct config *c, const struct directive *d,
			const char *v, struct origin at, struct diag *dg)
{
	static const struct {
		const char *name;
		unsigned bit;
	} bits[] = {
		{"keep-caps", SECBIT_KEEP_CAPS},
		{"keep-caps-locked", SECBIT_KEEP_CAPS_LOCKED},
		{"no-setuid-fixup", SECBIT_NO_SETUID_FIXUP},
		{"no-setuid-fixup-locked", SECBIT_NO_SETUID_FIXUP_LOCKED},
		{"noroot", SECBIT_NOROOT},
		{"noroot-locked", SECBIT_NOROOT_LOCKED},
	};
	struct words w = {0};
	int bad = 0;

	if (!*v) {
		c->securebits = 0;
		return 0;
	}
	if (split_or_report(v, &w, at, d, dg) < 0)
		return -EINVAL;
	for (size_t i = 0; i < w.n; i++) {
		size_t j;
		for (j = 0; j < sizeof(bits) / sizeof(*bits); j++)
			if (strcmp(w.v[i].s, bits[j].name) == 0)
				break;
		if (j == sizeof(bits) / sizeof(*bits)) {
			diag_add(dg, at, "SecureBits=: unknown flag \"%s\"",
				 w.v[i].s);
			bad++;
			continue;
		}
		c->securebits |= bits[j].bit;
	}
	words_clear(&w);
	return bad ? -EINVAL : 0;
}

static int p_umask(struct config *c, const struct directive *d, const char *v,
		   struct origin at, struct diag *dg)
{
	(void)d;
	if (parse_umask(v, &c->umask) < 0) {
		diag_add(dg, at,
			 "UMask=: \"%s\" is not an octal mode "
			 "(0000-0777)",
			 v);
		return -EINVAL;
	}
	return 0;
}

static int p_limit(struct config *c, const struct directive *d, const char *v,
		   struct origin at, struct diag *dg)
{
	struct limit *l = &c->limits[d->arg];
	const char *why = NULL;

	if (!*v) {
		memset(l, 0, sizeof(*l));
		return 0;
	}
	if (parse_rlimit(v, d->arg, &l->value, &why) < 0) {
		diag_add(dg, at, "%s=: \"%s\": %s", d->name, v, why);
		return -EINVAL;
	}
	l->at = at;
	return 0;
}

static int p_working_directory(struct config *c, const struct directive *d,
			       const char *v, struct origin at, struct diag *dg)
{
	bool optional;

	(void)d;
	free(c->working_directory);
	c->working_directory = NULL;
	if (!*v)
		return 0;
	v = optional_prefix(v, &optional);
	if (v[0] != '/' && strcmp(v, "~") != 0) {
		diag_add(dg, at,
			 "WorkingDirectory=: \"%s\" is neither an "
			 "absolute path nor \"~\"",
			 v);
		return -EINVAL;
	}
	c->working_directory = xstrdup(v);
	c->working_directory_optional = optional;
	return 0;
}

static int p_label(struct config *c, const struct directive *d, const char *v,
		   struct origin at, struct diag *dg)
{
	char **dst = d->id == D_APPARMOR_PROFILE ? &c->apparmor_profile
						 : &c->selinux_context;
	bool *opt = d->id == D_APPARMOR_PROFILE ? &c->apparmor_optional
						: &c->selinux_optional;
	bool optional;

	free(*dst);
	*dst = NULL;
	if (!*v)
		return 0;
	v = optional_prefix(v, &optional);
	if (!*v || strpbrk(v, " \t\n")) {
		diag_add(dg, at, "%s=: \"%s\" is not a label", d->name, v);
		return -EINVAL;
	}
	*dst = xstrdup(v);
	*opt = optional;
	return 0;
}

/*
 * SystemCallFilter= and SystemCallLog=: every name is checked now so that an
 * unknown syscall or group is an error at its line; the line itself is kept
 * as written, because how it combines with the others depends on which kind
 * of line (allow or "~" deny) came first.
 */
static int p_syscalls(struct config *c, const struct directive *d,
		      const char *v, struct origin at, struct diag *dg)
{
	struct words *lines = d->id == D_SYSTEM_CALL_FILTER ? &c->syscall_filter
							    : &c->syscall_log;
	struct words w = {0};
	int bad = 0;

	if (reset_list(lines, v))
		return 0;
	if (split_or_report(v[0] == '~' ? v + 1 : v, &w, at, d, dg) < 0)
		return -EINVAL;
	for (size_t i = 0; i < w.n; i++) {
		char *name = w.v[i].s;
		char *colon = strchr(name, ':');
		if (colon) {
			*colon = '\0';
			if (d->id != D_SYSTEM_CALL_FILTER || v[0] != '~') {
				diag_add(dg, at,
					 "%s=: \"%s:%s\": an error number is "
					 "only "
					 "allowed in a \"~\" deny list",
					 d->name, name, colon + 1);
				bad++;
			} else if (strcmp(colon + 1, "kill") != 0 &&
				   parse_errno(colon + 1) < 0) {
				diag_add(dg, at,
					 "%s=: \"%s\" is not an errno name or "
					 "number (0-4095)",
					 d->name, colon + 1);
				bad++;
			}
		}
		if (!seccomp_name_known(name)) {
			diag_add(dg, at, "%s=: unknown %s \"%s\"", d->name,
				 name[0] == '@' ? "system call group"
						: "system call",
				 name);
			bad++;
		}
	}
	words_clear(&w);
	if (bad)
		return -EINVAL;
	words_push(lines, v, strlen(v), at, false);
	return 0;
}

static int p_syscall_archs(struct config *c, const struct directive *d,
			   const char *v, struct origin at, struct diag *dg)
{
	struct words w = {0};
	int bad = 0;

	if (reset_list(&c->syscall_archs, v))
		return 0;
	if (split_or_report(v, &w, at, d, dg) < 0)
		return -EINVAL;
	for (size_t i = 0; i < w.n; i++) {
		if (seccomp_arch_token(w.v[i].s) == 0) {
			diag_add(dg, at,
				 "SystemCallArchitectures=: unknown "
				 "architecture \"%s\"",
				 w.v[i].s);
			bad++;
			continue;
		}
		words_push(&c->syscall_archs, w.v[i].s, strlen(w.v[i].s), at,
			   false);
	}
	words_clear(&w);
	return bad ? -EINVAL : 0;
}

static int p_syscall_errno(struct config *c, const struct directive *d,
			   const char *v, struct origin at, struct diag *dg)
{
	int e;

	(void)d;
	if (!*v || strcmp(v, "kill") == 0) {
		c->syscall_errno = 0;
		return 0;
	}
	e = parse_errno(v);
	if (e <= 0) {
		diag_add(dg, at,
			 "SystemCallErrorNumber=: \"%s\" is not \"kill\", an "
			 "errno name or a number (1-4095)",
			 v);
		return -EINVAL;
	}
	c->syscall_errno = e;
	return 0;
}

static int p_address_families(struct config *c, const struct directive *d,
			      const char *v, struct origin at, struct diag *dg)
{
	struct words w = {0};
	int bad = 0;

	if (reset_list(&c->address_families, v))
		return 0;
	if (strcmp(v, "none") != 0) {
		if (split_or_report(v[0] == '~' ? v + 1 : v, &w, at, d, dg) < 0)
			return -EINVAL;
		for (size_t i = 0; i < w.n; i++) {
			if (address_family(w.v[i].s) < 0) {
				diag_add(dg, at,
					 "RestrictAddressFamilies=: unknown "
					 "address family \"%s\"",
					 w.v[i].s);
				bad++;
			}
		}
		words_clear(&w);
	}
	if (bad)
		return -EINVAL;
	words_push(&c->address_families, v, strlen(v), at, false);
	return 0;
}

static int p_namespaces(struct config *c, const struct directive *d,
			const char *v, struct origin at, struct diag *dg)
{
	uint64_t all = namespace_flags_all(), sum = 0;
	struct words w = {0};
	bool invert = v[0] == '~';
	int b = parse_boolean(v), bad = 0;

	if (!*v || b == 0) {
		c->restrict_namespaces_set = false;
		return 0;
	}
	if (b == 1) {
		c->restrict_namespaces_set = true;
		c->restrict_namespaces = 0;
		return 0;
	}
	if (split_or_report(invert ? v + 1 : v, &w, at, d, dg) < 0)
		return -EINVAL;
	for (size_t i = 0; i < w.n; i++) {
		uint64_t f = namespace_flag(w.v[i].s);
		if (!f) {
			diag_add(dg, at,
				 "RestrictNamespaces=: unknown namespace type "
				 "\"%s\" (cgroup ipc net mnt pid user uts)",
				 w.v[i].s);
			bad++;
		}
		sum |= f;
	}
	words_clear(&w);
	if (bad)
		return -EINVAL;
	/* As CapabilityBoundingSet=: the first line sets, later ones merge by
	 * OR, or by AND NOT with "~". */
	if (invert)
		sum = all & ~sum;
	if (!c->restrict_namespaces_set)
		c->restrict_namespaces = sum;
	else if (invert)
		c->restrict_namespaces &= sum;
	else
		c->restrict_namespaces |= sum;
	c->restrict_namespaces_set = true;
	return 0;
}

#define LIMIT(n, r)                                                            \
	{                                                                      \
		"Limit" #n, D_LIMIT, p_limit, RLIMIT_##r,                      \
			"setrlimit(2) RLIMIT_" #r " soft[:hard]"               \
	}

/* Sorted by name (strcmp); tests/t/10-config.t checks the order. */
static const struct directive table[] = {
	{"AmbientCapabilities", D_AMBIENT_CAPABILITIES, p_capset, 0,
	 "capabilities kept across the user change and exec"},
	{"AppArmorProfile", D_APPARMOR_PROFILE, p_label, 0,
	 "AppArmor profile the target is executed under"},
	{"CapabilityBoundingSet", D_CAPABILITY_BOUNDING_SET, p_capset, 0,
	 "capability bounding set"},
	{"Environment", D_ENVIRONMENT, p_words, 0,
	 "NAME=VALUE assignments for the target"},
	{"EnvironmentFile", D_ENVIRONMENT_FILE, p_environment_file, 0,
	 "file of NAME=VALUE lines, root-owned"},
	{"ExecStart", D_EXEC_START, p_exec_start, 0,
	 "absolute path of the target and its arguments"},
	{"Group", D_GROUP, p_name, 0, "primary group of the target"},
	LIMIT(AS, AS),
	LIMIT(CORE, CORE),
	LIMIT(CPU, CPU),
	LIMIT(DATA, DATA),
	LIMIT(FSIZE, FSIZE),
	LIMIT(LOCKS, LOCKS),
	LIMIT(MEMLOCK, MEMLOCK),
	LIMIT(MSGQUEUE, MSGQUEUE),
	LIMIT(NICE, NICE),
	LIMIT(NOFILE, NOFILE),
	LIMIT(NPROC, NPROC),
	LIMIT(RSS, RSS),
	LIMIT(RTPRIO, RTPRIO),
	LIMIT(RTTIME, RTTIME),
	LIMIT(SIGPENDING, SIGPENDING),
	LIMIT(STACK, STACK),
	{"LockPersonality", D_LOCK_PERSONALITY, p_bool, 0,
	 "seccomp: personality(2) cannot change the execution domain"},
	{"MemoryDenyWriteExecute", D_MEMORY_DENY_WRITE_EXECUTE, p_bool, 0,
	 "seccomp: no writable and executable memory"},
	{"NoNewPrivileges", D_NO_NEW_PRIVILEGES, p_bool, 0,
	 "set no_new_privs before exec"},
	{"PassEnvironment", D_PASS_ENVIRONMENT, p_words, 0,
	 "names passed from the launcher's own environment"},
	{"RestrictAddressFamilies", D_RESTRICT_ADDRESS_FAMILIES,
	 p_address_families, 0, "seccomp: socket(2) address families"},
	{"RestrictNamespaces", D_RESTRICT_NAMESPACES, p_namespaces, 0,
	 "seccomp: namespace types unshare/clone/setns may use"},
	{"RestrictRealtime", D_RESTRICT_REALTIME, p_bool, 0,
	 "seccomp: no realtime scheduling"},
	{"RestrictSUIDSGID", D_RESTRICT_SUID_SGID, p_bool, 0,
	 "seccomp: no setuid/setgid bits on files"},
	{"SELinuxContext", D_SELINUX_CONTEXT, p_label, 0,
	 "SELinux context the target is executed in"},
	{"SecureBits", D_SECURE_BITS, p_securebits, 0,
	 "securebits flags (capabilities(7))"},
	{"SupplementaryGroups", D_SUPPLEMENTARY_GROUPS, p_words, 0,
	 "groups added to the user's own"},
	{"SystemCallArchitectures", D_SYSTEM_CALL_ARCHITECTURES,
	 p_syscall_archs, 0, "seccomp: ABIs allowed (\"native\")"},
	{"SystemCallErrorNumber", D_SYSTEM_CALL_ERROR_NUMBER, p_syscall_errno,
	 0, "seccomp: errno for filtered calls instead of SIGSYS"},
	{"SystemCallFilter", D_SYSTEM_CALL_FILTER, p_syscalls, 0,
	 "seccomp: allowed (or \"~\" denied) system calls and groups"},
	{"SystemCallLog", D_SYSTEM_CALL_LOG, p_syscalls, 0,
	 "seccomp: system calls logged to the audit log"},
	{"UMask", D_UMASK, p_umask, 0, "file mode creation mask"},
	{"UnsetEnvironment", D_UNSET_ENVIRONMENT, p_words, 0,
	 "names or assignments removed from the environment"},
	{"User", D_USER, p_name, 0, "user the target runs as"},
	{"WorkingDirectory", D_WORKING_DIRECTORY, p_working_directory, 0,
	 "working directory (\"~\": home)"},
};

static int cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct directive *)elem)->name);
}

const struct directive *directive_find(const char *name)
{
	return bsearch(name, table, sizeof(table) / sizeof(*table),
		       sizeof(*table), cmp);
}

size_t directive_count(void)
{
	return sizeof(table) / sizeof(*table);
}

const struct directive *directive_at(size_t i)
{
	return &table[i];
}
