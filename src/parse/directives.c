/* SPDX-License-Identifier: MIT */
/*
 * The directive table: one sorted row per directive, driving the parser,
 * --check and the test that every directive is documented.  Each parser
 * follows systemd.exec(5) for syntax and for how repeated and empty
 * assignments combine (lists accumulate, an empty value resets).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <linux/securebits.h>

#include "config.h"
#include "fs_groups.h"
#include "syscall_names.h"

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

/* The list a list directive accumulates into. */
static struct words *list_of(struct config *c, enum directive_id id)
{
	switch (id) {
	case D_SUPPLEMENTARY_GROUPS:
		return &c->supplementary_groups;
	case D_ENVIRONMENT:
		return &c->environment;
	case D_PASS_ENVIRONMENT:
		return &c->pass_environment;
	case D_UNSET_ENVIRONMENT:
		return &c->unset_environment;
	case D_READ_WRITE_PATHS:
		return &c->read_write_paths;
	case D_READ_ONLY_PATHS:
		return &c->read_only_paths;
	case D_INACCESSIBLE_PATHS:
		return &c->inaccessible_paths;
	case D_EXEC_PATHS:
		return &c->exec_paths;
	case D_NO_EXEC_PATHS:
		return &c->no_exec_paths;
	default:
		abort(); /* the table pairs only list directives with these */
	}
}

static int p_words(struct config *c, const struct directive *d, const char *v,
		   struct origin at, struct diag *dg)
{
	struct words *w;
	struct words add = {0};
	int bad = 0;

	w = list_of(c, d->id);
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
	case D_PRIVATE_MOUNTS:
		c->private_mounts = b;
		break;
	case D_PROTECT_CLOCK:
		c->protect_clock = b;
		break;
	case D_PROTECT_HOSTNAME:
		c->protect_hostname = b;
		break;
	case D_PRIVATE_IPC:
		c->private_ipc = b;
		break;
	case D_PRIVATE_NETWORK:
		c->private_network = b;
		break;
	case D_PRIVATE_USERS:
		c->private_users = b;
		break;
	case D_REMOVE_IPC:
		c->remove_ipc = b;
		break;
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
	case D_PRIVATE_TMP:
		c->private_tmp = b;
		break;
	case D_PRIVATE_DEVICES:
		c->private_devices = b;
		break;
	case D_PROTECT_KERNEL_TUNABLES:
		c->protect_kernel_tunables = b;
		break;
	case D_PROTECT_KERNEL_MODULES:
		c->protect_kernel_modules = b;
		break;
	case D_PROTECT_KERNEL_LOGS:
		c->protect_kernel_logs = b;
		break;
	case D_PROTECT_CONTROL_GROUPS:
		c->protect_control_groups = b;
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

	if (!*v) {
		c->restrict_namespaces_set = false;
		return 0;
	}
	/* "no" allows every type, and later lists merge into that (systemd:
	 * NAMESPACE_FLAGS_ALL, not the initial value). */
	if (b == 0) {
		c->restrict_namespaces_set = true;
		c->restrict_namespaces = all;
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

/*
 * ReadWritePaths=, ReadOnlyPaths=, InaccessiblePaths=, ExecPaths=,
 * NoExecPaths=: space-separated absolute paths, each optionally prefixed
 * with "-" (ignored when missing).  systemd's "+" (relative to
 * RootDirectory=) has no meaning without RootDirectory=: refused.
 */
static int p_paths(struct config *c, const struct directive *d, const char *v,
		   struct origin at, struct diag *dg)
{
	struct words *w;
	struct words add = {0};
	int bad = 0;

	w = list_of(c, d->id);
	if (reset_list(w, v))
		return 0;
	if (split_or_report(v, &add, at, d, dg) < 0)
		return -EINVAL;
	for (size_t i = 0; i < add.n; i++) {
		bool optional;
		const char *s = optional_prefix(add.v[i].s, &optional);
		size_t l = strlen(s);

		if (s[0] != '/' || strstr(s, "/../") ||
		    (l >= 3 && strcmp(s + l - 3, "/..") == 0)) {
			diag_add(dg, at,
				 "%s=: \"%s\" is not an absolute path without "
				 "\"..\"%s",
				 d->name, add.v[i].s,
				 s[0] == '+' ? " (\"+\" needs RootDirectory=, "
					       "which osapi-launch does not "
					       "implement)"
					     : "");
			bad++;
			continue;
		}
		/* "/a//b/" and "/a/b" name the same place. */
		char *norm = xstrdup(s), *o = norm;
		for (const char *r = s; *r; r++)
			if (!(r[0] == '/' &&
			      (r[1] == '/' || (!r[1] && o > norm))))
				*o++ = *r;
		*o = '\0';
		words_push(w, norm, strlen(norm), at, optional);
		free(norm);
	}
	words_clear(&add);
	return bad ? -EINVAL : 0;
}

static int p_protect(struct config *c, const struct directive *d, const char *v,
		     struct origin at, struct diag *dg)
{
	int b = parse_boolean(v);
	bool optional = false;

	if (d->id == D_PROTECT_SYSTEM) {
		if (!*v || b >= 0)
			c->protect_system =
				b > 0 ? PROTECT_SYSTEM_YES : PROTECT_SYSTEM_NO;
		else if (strcmp(v, "full") == 0)
			c->protect_system = PROTECT_SYSTEM_FULL;
		else if (strcmp(v, "strict") == 0)
			c->protect_system = PROTECT_SYSTEM_STRICT;
		else
			goto bad;
		return 0;
	}
	if (*v && b < 0)
		v = optional_prefix(v, &optional);
	if (!*v || b >= 0)
		c->protect_home = b > 0 ? PROTECT_HOME_YES : PROTECT_HOME_NO;
	else if (strcmp(v, "read-only") == 0)
		c->protect_home = PROTECT_HOME_READ_ONLY;
	else if (strcmp(v, "tmpfs") == 0)
		c->protect_home = PROTECT_HOME_TMPFS;
	else
		goto bad;
	/* Only "-tmpfs" means anything: Landlock's fallback to "yes". */
	if (optional && c->protect_home != PROTECT_HOME_TMPFS)
		goto bad;
	c->protect_home_optional = optional;
	return 0;
bad:
	diag_add(dg, at, "%s=: \"%s%s\" is not %s", d->name,
		 optional ? "-" : "", v,
		 d->id == D_PROTECT_SYSTEM
			 ? "a boolean, \"full\" or \"strict\""
			 : "a boolean, \"read-only\", \"tmpfs\" or \"-tmpfs\"");
	return -EINVAL;
}

/*
 * RestrictNetworkPorts= (osapi-launch's own; Landlock ABI 4): the TCP ports
 * the target may connect to and bind, as "connect:PORT" and "bind:PORT";
 * "none" allows neither.  Lines accumulate, an empty value resets (no
 * restriction); a "-" before the value skips it where Landlock lacks
 * network rules.
 */
static int p_net_ports(struct config *c, const struct directive *d,
		       const char *v, struct origin at, struct diag *dg)
{
	struct words w = {0};
	bool optional;
	int bad = 0;

	if (!*v) {
		free(c->net_ports);
		c->net_ports = NULL;
		c->n_net_ports = 0;
		c->net_ports_set = false;
		c->net_ports_optional = false;
		return 0;
	}
	v = optional_prefix(v, &optional);
	if (strcmp(v, "none") != 0) {
		if (split_or_report(v, &w, at, d, dg) < 0)
			return -EINVAL;
	}
	for (size_t i = 0; i < w.n; i++) {
		const char *s = w.v[i].s, *colon = strchr(s, ':');
		unsigned what = 0;
		char *end;
		unsigned long port = 0;

		if (colon && colon - s == 7 && strncmp(s, "connect", 7) == 0)
			what = NET_PORT_CONNECT;
		else if (colon && colon - s == 4 && strncmp(s, "bind", 4) == 0)
			what = NET_PORT_BIND;
		if (what) {
			errno = 0;
			port = strtoul(colon + 1, &end, 10);
			if (errno || end == colon + 1 || *end ||
			    colon[1] == '-' || port > 65535)
				what = 0;
		}
		if (!what) {
			diag_add(dg, at,
				 "RestrictNetworkPorts=: \"%s\" is not "
				 "connect:PORT or bind:PORT (0-65535)",
				 s);
			bad++;
			continue;
		}
		c->net_ports =
			xrealloc(c->net_ports,
				 (c->n_net_ports + 1) * sizeof(*c->net_ports));
		c->net_ports[c->n_net_ports++] =
			(struct net_port){what, (unsigned)port, at};
	}
	words_clear(&w);
	if (bad)
		return -EINVAL;
	c->net_ports_set = true;
	c->net_ports_optional = optional;
	return 0;
}

/*
 * MemoryMax=, MemoryHigh=: bytes with K, M, G, T (base 1024), a percentage
 * of physical memory, or "infinity".  TasksMax=: a number, a percentage of
 * the kernel's task limit, or "infinity".  CPUQuota=: a percentage of one
 * CPU, above 100% for more than one.  A "-" before the value: best effort,
 * skipped where the controller is missing (osapi-launch's own).
 */
static int p_resource(struct config *c, const struct directive *d,
		      const char *v, struct origin at, struct diag *dg)
{
	struct resource *r;
	const char *why = "not a valid value";
	size_t len;
	bool optional;

	switch (d->id) {
	case D_MEMORY_MAX:
		r = &c->memory_max;
		break;
	case D_MEMORY_HIGH:
		r = &c->memory_high;
		break;
	case D_TASKS_MAX:
		r = &c->tasks_max;
		break;
	default:
		r = &c->cpu_quota;
		break;
	}
	memset(r, 0, sizeof(*r));
	if (!*v)
		return 0;
	v = optional_prefix(v, &optional);
	len = strlen(v);
	if (len > 1 && v[len - 1] == '%') {
		/* "N%" or "N.NN%", kept in hundredths of a percent. */
		unsigned long whole = 0, frac = 0;
		int fdigits = 0;
		const char *q = v;

		while (*q >= '0' && *q <= '9' && whole < 100000000)
			whole = whole * 10 + (unsigned long)(*q++ - '0');
		if (*q == '.')
			for (q++; *q >= '0' && *q <= '9' && fdigits < 2;
			     fdigits++)
				frac = frac * 10 + (unsigned long)(*q++ - '0');
		if (fdigits == 1)
			frac *= 10;
		if (q != v + len - 1 || q == v || whole >= 100000000)
			goto bad;
		whole = whole * 100 + frac;
		if (d->id == D_CPU_QUOTA) {
			if (!whole) {
				why = "must be above 0%";
				goto bad;
			}
			r->value = whole;
		} else {
			if (whole > 10000) {
				why = "above 100%";
				goto bad;
			}
			r->percent = (unsigned)whole;
		}
	} else if (d->id == D_CPU_QUOTA) {
		why = "not a percentage (\"20%\")";
		goto bad;
	} else if (strcmp(v, "infinity") == 0) {
		r->infinity = true;
	} else {
		struct rlimit rl;
		if (strchr(v, ':') ||
		    parse_rlimit(
			    v, d->id == D_TASKS_MAX ? RLIMIT_NPROC : RLIMIT_AS,
			    &rl, &why) < 0)
			goto bad;
		r->value = (uint64_t)rl.rlim_cur;
	}
	r->set = true;
	r->optional = optional;
	r->at = at;
	return 0;
bad:
	memset(r, 0, sizeof(*r));
	diag_add(dg, at, "%s=: \"%s\": %s", d->name, v, why);
	return -EINVAL;
}

static int p_cgroup_parent(struct config *c, const struct directive *d,
			   const char *v, struct origin at, struct diag *dg)
{
	(void)d;
	free(c->cgroup_parent);
	c->cgroup_parent = NULL;
	if (!*v)
		return 0;
	if ((strcmp(v, ".") != 0 && v[0] != '/') || strstr(v, "..") ||
	    strpbrk(v, " \t\n")) {
		diag_add(dg, at,
			 "CgroupParent=: \"%s\" is neither \".\" nor an "
			 "absolute cgroup path without \"..\"",
			 v);
		return -EINVAL;
	}
	c->cgroup_parent = xstrdup(v);
	return 0;
}

/* SandboxBackend=: "auto", or one or both of "mount" and "landlock". */
static int p_sandbox_backend(struct config *c, const struct directive *d,
			     const char *v, struct origin at, struct diag *dg)
{
	struct words w = {0};
	unsigned set = 0;
	int bad = 0;

	if (!*v || strcmp(v, "auto") == 0) {
		c->sandbox_backend = 0;
		return 0;
	}
	if (split_or_report(v, &w, at, d, dg) < 0)
		return -EINVAL;
	for (size_t i = 0; i < w.n; i++) {
		if (strcmp(w.v[i].s, "mount") == 0)
			set |= SANDBOX_MOUNT;
		else if (strcmp(w.v[i].s, "landlock") == 0)
			set |= SANDBOX_LANDLOCK;
		else {
			diag_add(dg, at,
				 "SandboxBackend=: \"%s\" is not \"auto\", "
				 "\"mount\" or \"landlock\"",
				 w.v[i].s);
			bad++;
		}
	}
	words_clear(&w);
	if (bad || !set)
		return -EINVAL;
	c->sandbox_backend = set;
	return 0;
}

/* ------------------------------------- process and directory directives */

/* A decimal integer in [lo, hi], all of v. */
static bool int_in(const char *v, long lo, long hi, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < lo || n > hi)
		return false;
	*out = (int)n;
	return true;
}

/* Nice=, CPUSchedulingPriority=, IOSchedulingPriority=, OOMScoreAdjust=:
 * a number in systemd's range; empty: unset. */
static int p_process_int(struct config *c, const struct directive *d,
			 const char *v, struct origin at, struct diag *dg)
{
	static const struct {
		enum directive_id id;
		long lo, hi;
	} ranges[] = {
		{D_NICE, -20, 19},
		{D_CPU_SCHEDULING_PRIORITY, 0, 99},
		{D_IO_SCHEDULING_PRIORITY, 0, 7},
		{D_OOM_SCORE_ADJUST, -1000, 1000},
	};
	bool *set;
	int *val, n;
	size_t i;

	switch (d->id) {
	case D_NICE:
		set = &c->nice_set, val = &c->nice;
		break;
	case D_CPU_SCHEDULING_PRIORITY:
		set = &c->sched_priority_set, val = &c->sched_priority;
		break;
	case D_IO_SCHEDULING_PRIORITY:
		set = &c->ioprio_prio_set, val = &c->ioprio_prio;
		break;
	default:
		set = &c->oom_score_adjust_set, val = &c->oom_score_adjust;
		break;
	}
	for (i = 0; ranges[i].id != d->id; i++)
		;
	if (!*v) {
		*set = false;
		*val = 0;
		return 0;
	}
	if (!int_in(v, ranges[i].lo, ranges[i].hi, &n)) {
		diag_add(dg, at, "%s=: \"%s\" is not a number from %ld to %ld",
			 d->name, v, ranges[i].lo, ranges[i].hi);
		return -EINVAL;
	}
	*set = true;
	*val = n;
	return 0;
}

static int p_sched_policy(struct config *c, const struct directive *d,
			  const char *v, struct origin at, struct diag *dg)
{
	static const struct {
		const char *name;
		int policy;
	} names[] = {
		{"other", SCHED_OTHER}, {"batch", SCHED_BATCH},
		{"idle", SCHED_IDLE},	{"fifo", SCHED_FIFO},
		{"rr", SCHED_RR},
	};

	(void)d;
	c->sched_policy_set = false;
	c->sched_policy = SCHED_OTHER;
	if (!*v)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(v, names[i].name) == 0) {
			c->sched_policy_set = true;
			c->sched_policy = names[i].policy;
			return 0;
		}
	diag_add(dg, at,
		 "CPUSchedulingPolicy=: \"%s\" is not other, batch, idle, "
		 "fifo or rr",
		 v);
	return -EINVAL;
}

static int p_process_bool(struct config *c, const struct directive *d,
			  const char *v, struct origin at, struct diag *dg)
{
	int b = *v ? parse_boolean(v) : 0;

	if (b < 0) {
		diag_add(dg, at, "%s=: \"%s\" is not a boolean", d->name, v);
		return -EINVAL;
	}
	c->sched_reset_on_fork_set = *v != '\0';
	c->sched_reset_on_fork = b;
	return 0;
}

/* IOSchedulingClass=: realtime, best-effort, idle (or none, 0-3, as
 * systemd's ioprio_class_from_string()). */
static int p_io_class(struct config *c, const struct directive *d,
		      const char *v, struct origin at, struct diag *dg)
{
	static const char *const names[] = {"none", "realtime", "best-effort",
					    "idle"};
	int n = -1;

	(void)d;
	if (!*v) {
		/* systemd: resets both I/O scheduling directives. */
		c->ioprio_class_set = c->ioprio_prio_set = false;
		return 0;
	}
	for (int i = 0; i < 4; i++)
		if (strcmp(v, names[i]) == 0)
			n = i;
	if (n < 0 && !int_in(v, 0, 3, &n)) {
		diag_add(dg, at,
			 "IOSchedulingClass=: \"%s\" is not realtime, "
			 "best-effort or idle",
			 v);
		return -EINVAL;
	}
	c->ioprio_class_set = true;
	c->ioprio_class = n;
	return 0;
}

/* CPUAffinity=: CPU numbers and ranges ("0 2-3,5"), accumulating; empty
 * resets.  "numa" needs NUMAPolicy=, which osapi-launch does not have. */
static int p_cpu_affinity(struct config *c, const struct directive *d,
			  const char *v, struct origin at, struct diag *dg)
{
	char *copy, *save = NULL;
	int bad = 0;

	(void)d;
	if (!*v) {
		free(c->cpu_affinity);
		c->cpu_affinity = NULL;
		c->n_cpu_affinity = 0;
		c->cpu_affinity_set = false;
		return 0;
	}
	if (strcmp(v, "numa") == 0) {
		diag_add(dg, at,
			 "CPUAffinity=numa follows NUMAPolicy=, which "
			 "osapi-launch does not implement: list the CPUs");
		return -EINVAL;
	}
	copy = xstrdup(v);
	for (char *t = strtok_r(copy, " \t,", &save); t;
	     t = strtok_r(NULL, " \t,", &save)) {
		int lo, hi;
		char *dash = strchr(t, '-');

		if (dash)
			*dash = '\0';
		/* systemd's CPU_SET_MAX_CPU: 8192 CPUs. */
		if (!int_in(t, 0, 8191, &lo) ||
		    !int_in(dash ? dash + 1 : t, 0, 8191, &hi) || hi < lo) {
			if (dash)
				*dash = '-';
			diag_add(dg, at,
				 "CPUAffinity=: \"%s\" is not a CPU number or "
				 "range (0-8191)",
				 t);
			bad++;
			continue;
		}
		for (int cpu = lo; cpu <= hi; cpu++) {
			c->cpu_affinity = xrealloc(c->cpu_affinity,
						   (c->n_cpu_affinity + 1) *
							   sizeof(unsigned));
			c->cpu_affinity[c->n_cpu_affinity++] = (unsigned)cpu;
		}
	}
	free(copy);
	if (bad)
		return -EINVAL;
	c->cpu_affinity_set = true;
	return 0;
}

/* Personality=: systemd's architecture names, for this host's own
 * architecture (the only ones the kernel can run here). */
static int p_personality(struct config *c, const struct directive *d,
			 const char *v, struct origin at, struct diag *dg)
{
	static const struct {
		const char *name;
		unsigned long per;
	} names[] = {
#if defined(__x86_64__)
		{"x86-64", PER_LINUX},
		{"x86", PER_LINUX32},
#elif defined(__i386__)
		{"x86", PER_LINUX},
#elif defined(__aarch64__)
		{"arm64", PER_LINUX},
		{"arm", PER_LINUX32},
#elif defined(__s390x__)
		{"s390x", PER_LINUX},
		{"s390", PER_LINUX32},
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		{"ppc64-le", PER_LINUX},
#elif defined(__powerpc64__)
		{"ppc64", PER_LINUX},
		{"ppc", PER_LINUX32},
#endif
	};

	(void)d;
	c->personality_set = false;
	c->personality = PER_LINUX;
	if (!*v)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(v, names[i].name) == 0) {
			c->personality_set = true;
			c->personality = names[i].per;
			return 0;
		}
	diag_add(dg, at,
		 "Personality=: \"%s\" is not an architecture this host "
		 "runs (%s)",
		 v, sizeof(names) ? names[0].name : "none");
	return -EINVAL;
}

/* TimerSlackNSec=: a time span, nanoseconds without a unit (systemd's
 * parse_nsec()). */
static int p_timer_slack(struct config *c, const struct directive *d,
			 const char *v, struct origin at, struct diag *dg)
{
	static const struct {
		const char *unit;
		unsigned long long ns;
	} units[] = {
		{"", 1},	   {"ns", 1},	      {"nsec", 1},
		{"us", 1000},	   {"usec", 1000},    {"ms", 1000000},
		{"msec", 1000000}, {"s", 1000000000}, {"sec", 1000000000},
	};
	unsigned long long total = 0;
	const char *s = v;

	(void)d;
	c->timer_slack_set = false;
	if (!*v)
		return 0;
	while (*s) {
		char *end;
		unsigned long long n;
		size_t ul, i;

		s += strspn(s, " ");
		errno = 0;
		if (*s < '0' || *s > '9')
			goto bad;
		n = strtoull(s, &end, 10);
		if (errno)
			goto bad;
		ul = strcspn(end, "0123456789 ");
		for (i = 0; i < sizeof(units) / sizeof(*units); i++)
			if (strlen(units[i].unit) == ul &&
			    strncmp(end, units[i].unit, ul) == 0)
				break;
		if (i == sizeof(units) / sizeof(*units) ||
		    n > ULONG_MAX / units[i].ns)
			goto bad;
		total += n * units[i].ns;
		if (total > ULONG_MAX)
			goto bad;
		s = end + ul;
		s += strspn(s, " ");
	}
	c->timer_slack_set = true;
	c->timer_slack_ns = (unsigned long)total;
	return 0;
bad:
	diag_add(dg, at,
		 "TimerSlackNSec=: \"%s\" is not a time span (nanoseconds, "
		 "or with ns, us, ms, s)",
		 v);
	return -EINVAL;
}

/* An absolute path without "..", as the other path directives take. */
static bool plain_abs_path(const char *s, size_t l)
{
	if (!l || s[0] != '/')
		return false;
	for (size_t i = 0; i < l; i++)
		if (s[i] == '.' && (i == 0 || s[i - 1] == '/') && i + 1 < l &&
		    s[i + 1] == '.' && (i + 2 == l || s[i + 2] == '/'))
			return false;
	return true;
}

/* TemporaryFileSystem=PATH[:OPTIONS]; BindPaths= and
 * BindReadOnlyPaths=[-]SRC[:DST[:rbind|norbind]].  Checked now, split
 * again in the plan (src/plan/mountns.c). */
static int p_mount_list(struct config *c, const struct directive *d,
			const char *v, struct origin at, struct diag *dg)
{
	struct words *w = d->id == D_TEMPORARY_FILE_SYSTEM
				  ? &c->temporary_file_system
			  : d->id == D_BIND_PATHS ? &c->bind_paths
						  : &c->bind_read_only_paths;
	struct words add = {0};
	int bad = 0;

	if (reset_list(w, v))
		return 0;
	if (split_or_report(v, &add, at, d, dg) < 0)
		return -EINVAL;
	for (size_t i = 0; i < add.n; i++) {
		const char *s = add.v[i].s;
		const char *c1, *c2 = NULL;
		bool ok;

		if (d->id == D_TEMPORARY_FILE_SYSTEM) {
			c1 = strchr(s, ':');
			ok = plain_abs_path(s,
					    c1 ? (size_t)(c1 - s) : strlen(s));
		} else {
			const char *src = s[0] == '-' ? s + 1 : s;
			c1 = strchr(src, ':');
			c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			ok = plain_abs_path(src, c1 ? (size_t)(c1 - src)
						    : strlen(src)) &&
			     (!c1 ||
			      plain_abs_path(c1 + 1, c2 ? (size_t)(c2 - c1 - 1)
							: strlen(c1 + 1))) &&
			     (!c2 || strcmp(c2 + 1, "rbind") == 0 ||
			      strcmp(c2 + 1, "norbind") == 0);
		}
		if (!ok) {
			diag_add(dg, at, "%s=: \"%s\" is not %s", d->name, s,
				 d->id == D_TEMPORARY_FILE_SYSTEM
					 ? "an absolute path without \"..\", "
					   "optionally followed by "
					   "\":OPTIONS\""
					 : "[-]SOURCE[:DESTINATION[:rbind|"
					   "norbind]] with absolute paths "
					   "without \"..\"");
			bad++;
			continue;
		}
		words_push(w, s, strlen(s), at, false);
	}
	words_clear(&add);
	return bad ? -EINVAL : 0;
}

/* RuntimeDirectory= and friends: relative paths beneath the type's root,
 * without "..", accumulating; empty resets. */
static int p_exec_dir(struct config *c, const struct directive *d,
		      const char *v, struct origin at, struct diag *dg)
{
	struct words *w = &c->exec_dirs[d->arg];
	struct words add = {0};
	int bad = 0;

	if (reset_list(w, v))
		return 0;
	if (split_or_report(v, &add, at, d, dg) < 0)
		return -EINVAL;
	for (size_t i = 0; i < add.n; i++) {
		const char *s = add.v[i].s;
		char *norm = xasprintf("/%s", s);
		size_t l = 0;

		/* "a//b/" is "a/b", as systemd's path_simplify(). */
		for (char *r = norm, *o = norm;; r++) {
			if (!(r[0] == '/' && (r[1] == '/' || !r[1])))
				*o++ = *r;
			if (!*r) {
				l = (size_t)(o - norm - 1);
				break;
			}
		}
		if (s[0] == '/' || strchr(s, ':') || l < 2 ||
		    !plain_abs_path(norm, l) || strstr(norm, "/./") ||
		    strcmp(norm + l - 2, "/.") == 0) {
			diag_add(dg, at,
				 "%s=: \"%s\" is not a relative path without "
				 "\".\" or \"..\"%s",
				 d->name, s,
				 strchr(s, ':') ? " (the \":SYMLINK\" form is "
						  "not implemented)"
						: "");
			bad++;
		} else {
			words_push(w, norm + 1, l - 1, at, false);
		}
		free(norm);
	}
	words_clear(&add);
	return bad ? -EINVAL : 0;
}

static int p_exec_dir_mode(struct config *c, const struct directive *d,
			   const char *v, struct origin at, struct diag *dg)
{
	mode_t m;

	if (!*v) {
		c->exec_dir_mode[d->arg] = 0755;
		return 0;
	}
	/* Octal, as UMask=; systemd allows the sticky and set-id bits. */
	if (strspn(v, "01234567") != strlen(v) || strlen(v) > 5 ||
	    (m = (mode_t)strtoul(v, NULL, 8)) > 07777) {
		diag_add(dg, at, "%s=: \"%s\" is not an octal mode (0-7777)",
			 d->name, v);
		return -EINVAL;
	}
	c->exec_dir_mode[d->arg] = m;
	return 0;
}

/* RuntimeDirectoryPreserve=: a boolean or "restart". */
static int p_runtime_preserve(struct config *c, const struct directive *d,
			      const char *v, struct origin at, struct diag *dg)
{
	int b = parse_boolean(v);

	(void)d;
	if (!*v || b == 0)
		c->runtime_preserve = RUNTIME_PRESERVE_NO;
	else if (b == 1)
		c->runtime_preserve = RUNTIME_PRESERVE_YES;
	else if (strcmp(v, "restart") == 0)
		c->runtime_preserve = RUNTIME_PRESERVE_RESTART;
	else {
		diag_add(dg, at,
			 "RuntimeDirectoryPreserve=: \"%s\" is not a boolean "
			 "or \"restart\"",
			 v);
		return -EINVAL;
	}
	return 0;
}

void config_init_process(struct config *c)
{
	for (int t = 0; t < EXEC_DIR__MAX; t++)
		c->exec_dir_mode[t] = 0755;
	c->personality = PER_LINUX;
}

void config_free_process(struct config *c)
{
	for (int t = 0; t < EXEC_DIR__MAX; t++)
		words_clear(&c->exec_dirs[t]);
	words_clear(&c->temporary_file_system);
	words_clear(&c->bind_paths);
	words_clear(&c->bind_read_only_paths);
	free(c->cpu_affinity);
	c->cpu_affinity = NULL;
}

/* RestrictFileSystems=. Every name is checked at its line; the line is kept as
 * written, since what it does depends on which kind of line came first. */
static int p_restrict_filesystems(struct config *c, const struct directive *d,
				  const char *v, struct origin at,
				  struct diag *dg)
{
	struct words w = {0};
	const char *why = NULL;
	int bad = 0;

	if (!*v) {
		words_clear(&c->restrict_filesystems);
		return 0;
	}
	if (split_words(v[0] == '~' ? v + 1 : v, &w, at, &why) < 0) {
		diag_add(dg, at, "%s=: %s", d->name, why ? why : "bad quoting");
		words_clear(&w);
		return -EINVAL;
	}
	for (size_t i = 0; i < w.n; i++) {
		const char *s = w.v[i].s;
		if (s[0] == '@' ? fs_group_find(s) != NULL
				: fs_type_find(s) != NULL)
			continue;
		diag_add(dg, at,
			 "%s=: \"%s\" is not a file system %s systemd 252 "
			 "knows (osapi-launch.conf(5) lists them)",
			 d->name, s, s[0] == '@' ? "group" : "type");
		bad++;
	}
	words_clear(&w);
	if (bad)
		return -EINVAL;
	words_push(&c->restrict_filesystems, v, strlen(v), at, false);
	return 0;
}

/* ------------------------------------------------------------------------
 * Namespaces, procfs, devices and the keyring (src/apply/uts.c,
 * src/apply/ipcns.c, src/apply/netns.c, src/apply/keyring.c,
 * src/plan/devices.c, src/plan/mountns.c).
 */

/* The enumerated values: the word's index in its list, as systemd's
 * names for them. */
static int p_ns_enum(struct config *c, const struct directive *d, const char *v,
		     struct origin at, struct diag *dg)
{
	static const char *const proc[] = {"default", "noaccess", "invisible",
					   "ptraceable", NULL};
	static const char *const subset[] = {"all", "pid", NULL};
	static const char *const keyring[] = {"private", "inherit", "shared",
					      NULL};
	static const char *const policy[] = {"auto", "closed", "strict", NULL};
	const char *const *names = d->id == D_PROTECT_PROC    ? proc
				   : d->id == D_PROC_SUBSET   ? subset
				   : d->id == D_KEYRING_MODE  ? keyring
				   : d->id == D_DEVICE_POLICY ? policy
							      : NULL;
	int i;

	if (!names)
		abort();
	for (i = 0; names[i] && strcmp(names[i], v) != 0; i++)
		;
	if (!names[i]) {
		diag_add(dg, at, "%s=: \"%s\" is not one of %s%s%s%s%s%s%s",
			 d->name, v, names[0], ", ", names[1],
			 names[2] ? ", " : "", names[2] ? names[2] : "",
			 names[2] && names[3] ? ", " : "",
			 names[2] && names[3] ? names[3] : "");
		return -EINVAL;
	}
	switch (d->id) {
	case D_PROTECT_PROC:
		c->protect_proc = (enum protect_proc)i;
		break;
	case D_PROC_SUBSET:
		c->proc_subset_pid = i == 1;
		break;
	case D_KEYRING_MODE:
		c->keyring_mode = (enum keyring_mode)i;
		break;
	default:
		c->device_policy = (enum device_policy)i;
		break;
	}
	return 0;
}

/*
 * DeviceAllow=: "SPEC [ACCESS]", SPEC a device node under /dev, a
 * /sys/dev/char/M:N or /sys/dev/block/M:N name, or char-NAME/block-NAME
 * (a driver name or glob from /proc/devices); ACCESS letters of "rwm",
 * "rwm" when left out.  Lines accumulate; an empty one resets the list.
 * What a SPEC names is looked up in the plan, on the launch's host.
 */
static int p_device_allow(struct config *c, const struct directive *d,
			  const char *v, struct origin at, struct diag *dg)
{
	struct words w = {0};
	const char *spec, *acc;
	char *one;

	if (reset_list(&c->device_allow, v))
		return 0;
	if (split_or_report(v, &w, at, d, dg) < 0)
		return -EINVAL;
	if (w.n < 1 || w.n > 2) {
		diag_add(dg, at, "DeviceAllow=: \"%s\" is not SPEC [rwm]", v);
		goto bad;
	}
	spec = w.v[0].s;
	acc = w.n == 2 ? w.v[1].s : "rwm";
	if (!*acc || strspn(acc, "rwm") != strlen(acc)) {
		diag_add(dg, at,
			 "DeviceAllow=: access \"%s\" is not made of the "
			 "letters r, w and m",
			 acc);
		goto bad;
	}
	if (strncmp(spec, "/dev/", 5) != 0 &&
	    strncmp(spec, "/sys/dev/char/", 14) != 0 &&
	    strncmp(spec, "/sys/dev/block/", 15) != 0 &&
	    strncmp(spec, "char-", 5) != 0 && strncmp(spec, "block-", 6) != 0) {
		diag_add(dg, at,
			 "DeviceAllow=: \"%s\" is neither a path under /dev "
			 "or /sys/dev/{char,block} nor char-NAME or "
			 "block-NAME",
			 spec);
		goto bad;
	}
	one = xasprintf("%s %s", spec, acc);
	words_push(&c->device_allow, one, strlen(one), at, false);
	free(one);
	words_clear(&w);
	return 0;
bad:
	words_clear(&w);
	return -EINVAL;
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
	{"BindPaths", D_BIND_PATHS, p_mount_list, 0,
	 "mount: SRC[:DST] bound into the agent's namespace"},
	{"BindReadOnlyPaths", D_BIND_READ_ONLY_PATHS, p_mount_list, 0,
	 "mount: SRC[:DST] bound read-only"},
	{"CPUAffinity", D_CPU_AFFINITY, p_cpu_affinity, 0,
	 "sched_setaffinity(2): the CPUs the agent may run on"},
	{"CPUQuota", D_CPU_QUOTA, p_resource, 0,
	 "cgroup: CPU time, as a percentage of one CPU"},
	{"CPUSchedulingPolicy", D_CPU_SCHEDULING_POLICY, p_sched_policy, 0,
	 "sched_setscheduler(2): other, batch, idle, fifo, rr"},
	{"CPUSchedulingPriority", D_CPU_SCHEDULING_PRIORITY, p_process_int, 0,
	 "real-time priority for fifo and rr (1-99)"},
	{"CPUSchedulingResetOnFork", D_CPU_SCHEDULING_RESET_ON_FORK,
	 p_process_bool, 0, "SCHED_RESET_ON_FORK: children start unprivileged"},
	{"CacheDirectory", D_CACHE_DIRECTORY, p_exec_dir, EXEC_DIR_CACHE,
	 "directories created under /var/cache, owned by User="},
	{"CacheDirectoryMode", D_CACHE_DIRECTORY_MODE, p_exec_dir_mode,
	 EXEC_DIR_CACHE, "access mode of CacheDirectory= (0755)"},
	{"CapabilityBoundingSet", D_CAPABILITY_BOUNDING_SET, p_capset, 0,
	 "capability bounding set"},
	{"CgroupParent", D_CGROUP_PARENT, p_cgroup_parent, 0,
	 "osapi-launch: where the agent's cgroup is made"},
	{"ConfigurationDirectory", D_CONFIGURATION_DIRECTORY, p_exec_dir,
	 EXEC_DIR_CONFIGURATION,
	 "directories created under /etc, owned by root"},
	{"ConfigurationDirectoryMode", D_CONFIGURATION_DIRECTORY_MODE,
	 p_exec_dir_mode, EXEC_DIR_CONFIGURATION,
	 "access mode of ConfigurationDirectory= (0755)"},
	{"DeviceAllow", D_DEVICE_ALLOW, p_device_allow, 0,
	 "cgroup: a device the agent may use, and how (rwm)"},
	{"DevicePolicy", D_DEVICE_POLICY, p_ns_enum, 0,
	 "cgroup: auto, closed (pseudo devices) or strict"},
	{"Environment", D_ENVIRONMENT, p_words, 0,
	 "NAME=VALUE assignments for the target"},
	{"EnvironmentFile", D_ENVIRONMENT_FILE, p_environment_file, 0,
	 "file of NAME=VALUE lines, root-owned"},
	{"ExecPaths", D_EXEC_PATHS, p_paths, 0,
	 "paths where execve(2) is allowed under NoExecPaths="},
	{"ExecStart", D_EXEC_START, p_exec_start, 0,
	 "absolute path of the target and its arguments"},
	{"Group", D_GROUP, p_name, 0, "primary group of the target"},
	{"IOSchedulingClass", D_IO_SCHEDULING_CLASS, p_io_class, 0,
	 "ioprio_set(2): realtime, best-effort, idle"},
	{"IOSchedulingPriority", D_IO_SCHEDULING_PRIORITY, p_process_int, 0,
	 "ioprio_set(2) priority within the class (0-7)"},
	{"IPAddressAllow", D_IP_ADDRESS_ALLOW, p_ip_address, 0,
	 "cgroup BPF: address prefixes the agent may talk to (wins)"},
	{"IPAddressDeny", D_IP_ADDRESS_DENY, p_ip_address, 1,
	 "cgroup BPF: address prefixes the agent may not talk to"},
	{"InaccessiblePaths", D_INACCESSIBLE_PATHS, p_paths, 0,
	 "paths the target can neither read, write nor execute"},
	{"KeyringMode", D_KEYRING_MODE, p_ns_enum, 0,
	 "session keyring: private (default), shared or inherit"},
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
	{"LogsDirectory", D_LOGS_DIRECTORY, p_exec_dir, EXEC_DIR_LOGS,
	 "directories created under /var/log, owned by User="},
	{"LogsDirectoryMode", D_LOGS_DIRECTORY_MODE, p_exec_dir_mode,
	 EXEC_DIR_LOGS, "access mode of LogsDirectory= (0755)"},
	{"MemoryDenyWriteExecute", D_MEMORY_DENY_WRITE_EXECUTE, p_bool, 0,
	 "seccomp: no writable and executable memory"},
	{"MemoryHigh", D_MEMORY_HIGH, p_resource, 0,
	 "cgroup v2: memory use above which the agent is throttled"},
	{"MemoryMax", D_MEMORY_MAX, p_resource, 0,
	 "cgroup: memory use above which the OOM killer acts"},
	{"Nice", D_NICE, p_process_int, 0,
	 "setpriority(2) nice value (-20-19)"},
	{"NoExecPaths", D_NO_EXEC_PATHS, p_paths, 0,
	 "paths where execve(2) is refused"},
	{"NoNewPrivileges", D_NO_NEW_PRIVILEGES, p_bool, 0,
	 "set no_new_privs before exec"},
	{"OOMScoreAdjust", D_OOM_SCORE_ADJUST, p_process_int, 0,
	 "/proc/self/oom_score_adj (-1000-1000)"},
	{"PassEnvironment", D_PASS_ENVIRONMENT, p_words, 0,
	 "names passed from the launcher's own environment"},
	{"Personality", D_PERSONALITY, p_personality, 0,
	 "personality(2) execution domain, e.g. x86-64 or x86"},
	{"PrivateDevices", D_PRIVATE_DEVICES, p_bool, 0,
	 "mount: a minimal /dev (null zero full random urandom tty)"},
	{"PrivateIPC", D_PRIVATE_IPC, p_bool, 0,
	 "an IPC namespace: System V IPC and POSIX queues of its own"},
	{"PrivateMounts", D_PRIVATE_MOUNTS, p_bool, 0,
	 "a mount namespace of its own, even with no other mount"},
	{"PrivateNetwork", D_PRIVATE_NETWORK, p_bool, 0,
	 "a network namespace with only the loopback device, up"},
	{"PrivateTmp", D_PRIVATE_TMP, p_bool, 0,
	 "mount: fresh /tmp and /var/tmp"},
	{"PrivateUsers", D_PRIVATE_USERS, p_bool, 0,
	 "a user namespace mapping only root and User= to themselves"},
	{"ProcSubset", D_PROC_SUBSET, p_ns_enum, 0,
	 "mount: all, or pid (a procfs of process directories only)"},
	{"ProtectClock", D_PROTECT_CLOCK, p_bool, 0,
	 "seccomp: no setting the clocks; no CAP_SYS_TIME, CAP_WAKE_ALARM"},
	{"ProtectControlGroups", D_PROTECT_CONTROL_GROUPS, p_bool, 0,
	 "mount: /sys/fs/cgroup read-only"},
	{"ProtectHome", D_PROTECT_HOME, p_protect, 0,
	 "/home, /root, /run/user: inaccessible or read-only"},
	{"ProtectHostname", D_PROTECT_HOSTNAME, p_bool, 0,
	 "a UTS namespace; sethostname/setdomainname fail with EPERM"},
	{"ProtectKernelLogs", D_PROTECT_KERNEL_LOGS, p_bool, 0,
	 "mount: /dev/kmsg, /proc/kmsg inaccessible; no CAP_SYSLOG"},
	{"ProtectKernelModules", D_PROTECT_KERNEL_MODULES, p_bool, 0,
	 "mount: /usr/lib/modules inaccessible; no CAP_SYS_MODULE"},
	{"ProtectKernelTunables", D_PROTECT_KERNEL_TUNABLES, p_bool, 0,
	 "mount: /proc/sys, /sys read-only"},
	{"ProtectProc", D_PROTECT_PROC, p_ns_enum, 0,
	 "mount: a procfs with hidepid= (noaccess, invisible, ptraceable)"},
	{"ProtectSystem", D_PROTECT_SYSTEM, p_protect, 0,
	 "/usr, /boot, /efi (full: /etc; strict: all) read-only"},
	{"ReadOnlyPaths", D_READ_ONLY_PATHS, p_paths, 0,
	 "paths the target may read but not write"},
	{"ReadWritePaths", D_READ_WRITE_PATHS, p_paths, 0,
	 "paths the target may write (under ProtectSystem=strict)"},
	{"RemoveIPC", D_REMOVE_IPC, p_bool, 0,
	 "the agent's IPC objects go with it (needs PrivateIPC=)"},
	{"RestrictAddressFamilies", D_RESTRICT_ADDRESS_FAMILIES,
	 p_address_families, 0, "seccomp: socket(2) address families"},
	{"RestrictFileSystems", D_RESTRICT_FILE_SYSTEMS, p_restrict_filesystems,
	 0, "BPF LSM: file system types the agent may open files on"},
	{"RestrictNamespaces", D_RESTRICT_NAMESPACES, p_namespaces, 0,
	 "seccomp: namespace types unshare/clone/setns may use"},
	{"RestrictNetworkPorts", D_RESTRICT_NETWORK_PORTS, p_net_ports, 0,
	 "osapi-launch, Landlock: TCP ports to connect:N and bind:N"},
	{"RestrictRealtime", D_RESTRICT_REALTIME, p_bool, 0,
	 "seccomp: no realtime scheduling"},
	{"RestrictSUIDSGID", D_RESTRICT_SUID_SGID, p_bool, 0,
	 "seccomp: no setuid/setgid bits on files"},
	{"RuntimeDirectory", D_RUNTIME_DIRECTORY, p_exec_dir, EXEC_DIR_RUNTIME,
	 "directories created under /run, owned by User="},
	{"RuntimeDirectoryMode", D_RUNTIME_DIRECTORY_MODE, p_exec_dir_mode,
	 EXEC_DIR_RUNTIME, "access mode of RuntimeDirectory= (0755)"},
	{"RuntimeDirectoryPreserve", D_RUNTIME_DIRECTORY_PRESERVE,
	 p_runtime_preserve, 0, "no (emptied at start), yes or restart (kept)"},
	{"SELinuxContext", D_SELINUX_CONTEXT, p_label, 0,
	 "SELinux context the target is executed in"},
	{"SandboxBackend", D_SANDBOX_BACKEND, p_sandbox_backend, 0,
	 "osapi-launch: auto, mount and/or landlock"},
	{"SecureBits", D_SECURE_BITS, p_securebits, 0,
	 "securebits flags (capabilities(7))"},
	{"StateDirectory", D_STATE_DIRECTORY, p_exec_dir, EXEC_DIR_STATE,
	 "directories created under /var/lib, owned by User="},
	{"StateDirectoryMode", D_STATE_DIRECTORY_MODE, p_exec_dir_mode,
	 EXEC_DIR_STATE, "access mode of StateDirectory= (0755)"},
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
	{"TasksMax", D_TASKS_MAX, p_resource, 0,
	 "cgroup: processes and threads at most"},
	{"TemporaryFileSystem", D_TEMPORARY_FILE_SYSTEM, p_mount_list, 0,
	 "mount: an empty tmpfs over PATH[:OPTIONS]"},
	{"TimerSlackNSec", D_TIMER_SLACK_NSEC, p_timer_slack, 0,
	 "PR_SET_TIMERSLACK: timer slack in nanoseconds"},
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

bool directive_verbatim(const struct directive *d)
{
	return d->parse == p_resource;
}

const struct directive *directive_at(size_t i)
{
	return &table[i];
}
