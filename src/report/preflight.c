/* SPDX-License-Identifier: MIT */
/*
 * The host-aware half of --check.  The plan already refuses what cannot
 * work at all (an unknown user, a capability the launcher lacks, a profile
 * that is not loaded); this adds, for each facility, what this kernel,
 * container and host deliver, and what to do where they fall short, so a
 * sandbox weaker than configured is noticed before the agent runs, not
 * after.  FAIL means the config cannot be enforced as written here (exit
 * 78); WARN means it can, but something around it will not work as an
 * operator expects (the agent's own ping, for instance).
 */
#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "json.h"
#include "preflight.h"
#include "steps.h"

static void add(struct preflight *pf, enum finding_level level,
		const char *item, const char *remedy, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void add(struct preflight *pf, enum finding_level level,
		const char *item, const char *remedy, const char *fmt, ...)
{
	va_list ap;
	struct finding *f;

	pf->v = xrealloc(pf->v, (pf->n + 1) * sizeof(*pf->v));
	f = &pf->v[pf->n++];
	f->level = level;
	f->item = xstrdup(item);
	va_start(ap, fmt);
	if (vasprintf(&f->detail, fmt, ap) < 0)
		f->detail = xstrdup("?");
	va_end(ap);
	f->remedy = remedy ? xstrdup(remedy) : NULL;
	pf->failed += level == PF_FAIL;
}

static bool in_container(void)
{
	char buf[256] = "";
	FILE *f;

	if (access("/.dockerenv", F_OK) == 0 ||
	    access("/run/.containerenv", F_OK) == 0)
		return true;
	f = fopen("/proc/1/environ", "re");
	if (f) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
		for (size_t i = 0; i + 10 < n; i++)
			if (memcmp(buf + i, "container=", 10) == 0)
				return true;
	}
	return false;
}

static void check_launcher_caps(struct preflight *pf, const struct plan *p)
{
	static const struct {
		int cap;
		const char *why;
	} need[] = {
		{CAP_SETUID, "to change to User="},
		{CAP_SETGID, "to set Group= and the supplementary groups"},
		{CAP_SETPCAP, "to cut the bounding set and set securebits"},
	};

	capng_get_caps_process();
	for (size_t i = 0; i < sizeof(need) / sizeof(*need); i++) {
		bool needed = need[i].cap == CAP_SETPCAP
				      ? p->set_bounding || p->set_securebits
				      : p->change_id;
		bool have = capng_have_capability(CAPNG_EFFECTIVE,
						  (unsigned)need[i].cap);
		if (!needed)
			continue;
		if (have)
			add(pf, PF_OK, capability_name(need[i].cap), NULL,
			    "held by osapi-launch, %s", need[i].why);
		else
			add(pf, PF_FAIL, capability_name(need[i].cap),
			    "start osapi-launch as root (in a container: keep "
			    "SETUID, SETGID and SETPCAP in its capabilities)",
			    "missing, needed %s", need[i].why);
	}
	for (int cap = 0; cap <= p->last_cap; cap++) {
		char remedy[128];
		if (!(p->ambient & (1ULL << cap)))
			continue;
		snprintf(remedy, sizeof(remedy),
			 "in a container: start it with "
			 "--cap-add %s",
			 capability_name(cap) + 4);
		if (capng_have_capability(CAPNG_PERMITTED, (unsigned)cap))
			add(pf, PF_OK, capability_name(cap), NULL,
			    "in osapi-launch's bounding and permitted sets: "
			    "AmbientCapabilities= can grant it");
		else
			add(pf, PF_FAIL, capability_name(cap), remedy,
			    "not permitted to osapi-launch here, so "
			    "AmbientCapabilities= cannot grant it");
	}
}

static void check_binary(struct preflight *pf, const struct plan *p)
{
	struct stat st;

	if (p->exec_fd < 0 || fstat(p->exec_fd, &st) < 0)
		return;
	add(pf, PF_OK, "binary", NULL,
	    "%s: regular, owned by root, mode %04o, not writable by group "
	    "or others; executed through the checked descriptor",
	    p->exec_path, (unsigned)(st.st_mode & 07777));
}

static void check_nnp(struct preflight *pf, const struct plan *p)
{
	if (p->no_new_privs)
		add(pf, PF_OK, "no_new_privs", NULL, "set before exec%s",
		    p->no_new_privs_implied ? " (implied by seccomp)" : "");
	else if (p->change_id)
		add(pf, PF_WARN, "no_new_privs",
		    "NoNewPrivileges=yes, unless the agent must run sudo",
		    "not set: a setuid binary or file capabilities can give "
		    "the agent's commands more than the config grants");
}

static void check_seccomp(struct preflight *pf, const struct plan *p)
{
	const struct config *c = p->cfg;
	char avail[256] = "";
	FILE *f;

	if (!p->seccomp.n)
		return;
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
		add(pf, PF_FAIL, "seccomp",
		    "use a kernel built with "
		    "CONFIG_SECCOMP_FILTER",
		    "this kernel has no seccomp");
		return;
	}
	f = fopen("/proc/sys/kernel/seccomp/actions_avail", "re");
	if (f) {
		if (!fgets(avail, sizeof(avail), f))
			avail[0] = '\0';
		fclose(f);
		avail[strcspn(avail, "\n")] = '\0';
	}
	add(pf, PF_OK, "seccomp", NULL,
	    "%d filter(s) ready; kernel actions: %s", p->seccomp.n,
	    avail[0] ? avail : "(unknown)");
	if (c->syscall_log.n && !strstr(avail, "log"))
		add(pf, PF_FAIL, "SystemCallLog=", "use Linux 4.14 or later",
		    "this kernel cannot log seccomp actions");
	/* Names the operator wrote, on every ABI the filter covers. */
	for (size_t i = 0; i < c->syscall_filter.n; i++) {
		struct words w = {0};
		const char *line = c->syscall_filter.v[i].s, *why;
		if (split_words(line[0] == '~' ? line + 1 : line, &w,
				c->syscall_filter.v[i].at, &why) < 0)
			continue;
		for (size_t j = 0; j < w.n; j++) {
			char *name = w.v[j].s;
			name[strcspn(name, ":")] = '\0';
			if (name[0] == '@')
				continue;
			for (int a = 0; a < p->seccomp.narchs; a++) {
				uint32_t arch = p->seccomp.archs[a];
				int nr = seccomp_syscall_resolve_name_arch(
					arch, name);
				/* libseccomp numbers a call an ABI lacks
				 * below -10000 (socketcall and ipc calls sit
				 * above, multiplexed but real). */
				if (nr != __NR_SCMP_ERROR && nr > -10000)
					continue;
				add(pf, PF_WARN, "SystemCallFilter=",
				    "nothing to do unless that ABI matters",
				    "%s:%u: \"%s\" does not exist on "
				    "architecture "
				    "%#x: the entry has no effect there",
				    w.v[j].at.file, w.v[j].at.line, name, arch);
			}
		}
		words_clear(&w);
	}
}

static void check_lsm(struct preflight *pf, const struct plan *p)
{
	const struct config *c = p->cfg;

	if (p->apparmor_unavailable)
		add(pf, PF_FAIL, "AppArmor",
		    strstr(p->apparmor_unavailable, "not loaded")
			    ? "load it (apparmor_parser -r <file>), or mark it "
			      "optional: AppArmorProfile=-NAME"
			    : "boot with AppArmor enabled, or mark the profile "
			      "optional: AppArmorProfile=-NAME",
		    "AppArmorProfile=%s cannot be applied here: %s",
		    c->apparmor_profile, p->apparmor_unavailable);
	else if (p->apparmor_profile)
		add(pf, PF_OK, "AppArmor", NULL,
		    "enabled; profile %s loaded, applied at exec",
		    p->apparmor_profile);
	else if (p->apparmor_skipped)
		add(pf, PF_WARN, "AppArmor",
		    strstr(p->apparmor_skipped, "not loaded")
			    ? "load it: apparmor_parser -r "
			      "/etc/apparmor.d/osapi-agent"
			    : "boot with AppArmor enabled (the Debian and "
			      "Ubuntu default) to confine the agent",
		    "AppArmorProfile=-%s is skipped: %s", c->apparmor_profile,
		    p->apparmor_skipped);
	else
		add(pf, PF_INFO, "AppArmor", NULL,
		    "AppArmorProfile= not set (on Debian/Ubuntu, see "
		    "contrib/apparmor/osapi-agent)");
	if (p->selinux_unavailable)
		add(pf, PF_FAIL, "SELinux",
		    "load the policy module (contrib/selinux), or mark the "
		    "context optional: SELinuxContext=-CONTEXT",
		    "SELinuxContext=%s cannot be applied here: %s",
		    c->selinux_context, p->selinux_unavailable);
	else if (selinux_built()) {
		int state = selinux_state();
		add(pf,
		    c->selinux_context && p->selinux_skipped ? PF_WARN
							     : PF_INFO,
		    "SELinux",
		    c->selinux_context && p->selinux_skipped
			    ? "build and load contrib/selinux/osapi_agent.te"
			    : NULL,
		    "%s%s%s",
		    state >= 0	  ? (state == 1 ? "enforcing" : "permissive")
		    : state == -2 ? "selinuxfs is mounted, but "
				    "libselinux.so.1 cannot be loaded"
				  : "disabled or not present",
		    c->selinux_context ? "; SELinuxContext= " : "",
		    c->selinux_context
			    ? (p->selinux_skipped ? "skipped"
						  : "applied at exec")
			    : "");
	}
}

static void check_landlock(struct preflight *pf)
{
	/* LANDLOCK_CREATE_RULESET_VERSION: the ABI, without a ruleset. */
	long abi = syscall(444 /* landlock_create_ruleset */, NULL, 0, 1U);

	if (abi > 0)
		add(pf, PF_INFO, "Landlock", NULL, "ABI %ld available", abi);
	else
		add(pf, PF_INFO, "Landlock", NULL, "not available (%s)",
		    errno_name(errno));
}

static void check_cgroup(struct preflight *pf, const struct plan *p)
{
	struct statfs sf;

	/* A container usually mounts /sys/fs/cgroup read-only: the limits
	 * cannot be set there, whatever the config says. */
	if (p->cgroup.version && statfs("/sys/fs/cgroup", &sf) == 0 &&
	    (sf.f_flags & ST_RDONLY))
		add(pf, PF_FAIL, "cgroups",
		    "in a container: give it a writable cgroup (Docker: "
		    "--cgroupns=private with cgroup v2), or mark the limits "
		    "\"-\" for best effort",
		    "/sys/fs/cgroup is read-only here: MemoryMax=, CPUQuota=, "
		    "TasksMax= cannot be set");
	else if (p->cgroup.version && access("/sys/fs/cgroup", W_OK) < 0 &&
		 errno != EROFS)
		add(pf, PF_WARN, "cgroups", NULL,
		    "/sys/fs/cgroup is not writable by osapi-launch (%s)",
		    errno_name(errno));

	if (statfs("/sys/fs/cgroup", &sf) < 0)
		add(pf, PF_INFO, "cgroups", NULL, "/sys/fs/cgroup is missing");
	else if (sf.f_type == 0x63677270 /* CGROUP2_SUPER_MAGIC */)
		add(pf, PF_INFO, "cgroups", NULL, "v2 (unified)");
	else
		add(pf, PF_INFO, "cgroups", NULL,
		    "v1 or hybrid (/sys/fs/cgroup is not cgroup2)");
}

/* The agent's own ping uses ICMP datagram sockets, which the kernel opens
 * only to a gid inside net.ipv4.ping_group_range: CAP_NET_RAW does not
 * help it. */
static void check_ping(struct preflight *pf, const struct plan *p)
{
	unsigned long lo = 1, hi = 0;
	bool covered = false;
	char remedy[128];
	char buf[64] = "", *end;
	FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "re");

	if (!f)
		return;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	errno = 0;
	lo = strtoul(buf, &end, 10);
	hi = strtoul(end, &end, 10);
	if (errno || end == buf)
		return;
	covered = p->gid >= lo && p->gid <= hi;
	for (size_t i = 0; i < p->ngroups; i++)
		covered |= p->groups[i] >= lo && p->groups[i] <= hi;
	snprintf(remedy, sizeof(remedy),
		 "sysctl -w net.ipv4.ping_group_range=\"%u %u\" (and in "
		 "/etc/sysctl.d)",
		 (unsigned)p->gid, (unsigned)p->gid);
	if (covered)
		add(pf, PF_OK, "ping_group_range", NULL,
		    "\"%lu %lu\" covers the agent's groups: its ping "
		    "provider works",
		    lo, hi);
	else
		add(pf, PF_WARN, "ping_group_range", remedy,
		    "\"%lu %lu\" excludes gid %u: the agent's ping provider "
		    "will fail whatever its capabilities",
		    lo, hi, (unsigned)p->gid);
}

/* A number from a /proc/sys file; false if it is missing or not one. */
static bool read_sysctl_number(const char *path, long long *out)
{
	char buf[32] = "", *end;
	FILE *f = fopen(path, "re");
	bool ok = false;

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		errno = 0;
		*out = strtoll(buf, &end, 10);
		ok = !errno && end != buf && (*end == '\n' || !*end);
	}
	fclose(f);
	return ok;
}

/* The launch sets every Limit*= while still root, but root may raise a
 * hard limit only with CAP_SYS_RESOURCE (containers often drop it), and
 * never RLIMIT_NOFILE above fs.nr_open: setrlimit(2) would fail there. */
static void check_rlimits(struct preflight *pf, const struct plan *p)
{
	long long nr_open = 0;
	bool resource;

	if (!read_sysctl_number("/proc/sys/fs/nr_open", &nr_open) ||
	    nr_open < 0)
		nr_open = 0;
	capng_get_caps_process();
	resource = capng_have_capability(CAPNG_EFFECTIVE, CAP_SYS_RESOURCE);
	for (int i = 0; i < p->nlimits; i++) {
		int r = p->limit_resource[i];
		rlim_t want = p->limit_value[i].rlim_max;
		struct rlimit cur;
		const char *name = rlimit_directive_name(r);

		if (r == RLIMIT_NOFILE && nr_open && want > (rlim_t)nr_open)
			add(pf, PF_FAIL, name,
			    "lower it, or raise fs.nr_open (sysctl)",
			    "hard limit above fs.nr_open (%llu): the kernel "
			    "refuses it, even to root",
			    nr_open);
		else if (!resource && getrlimit(r, &cur) == 0 &&
			 want > cur.rlim_max)
			add(pf, PF_FAIL, name,
			    "keep it at or below the current hard limit, or "
			    "give osapi-launch CAP_SYS_RESOURCE (in a "
			    "container: --cap-add SYS_RESOURCE)",
			    "raises the hard limit above osapi-launch's own, "
			    "which needs CAP_SYS_RESOURCE: osapi-launch "
			    "lacks it");
	}
}

/* The launch enters WorkingDirectory= as the agent, after the uid change:
 * try the same in a child with the agent's identity, so a directory that
 * is missing or closed to the agent fails here and not at the launch.
 * The sandbox's mounts are not made here; they only take access away. */
static void check_workdir(struct preflight *pf, const struct plan *p)
{
	int st = 0, err;
	pid_t pid = fork();

	if (pid < 0)
		return;
	if (pid == 0) {
		if (p->change_id && (setgroups(p->ngroups, p->groups) < 0 ||
				     setresgid(p->gid, p->gid, p->gid) < 0 ||
				     setresuid(p->uid, p->uid, p->uid) < 0))
			_exit(255);
		_exit(chdir(p->workdir) < 0 ? (errno & 0xff) : 0);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) == 255)
		return;
	err = WEXITSTATUS(st);
	/* A StateDirectory= or the like that the launch creates first. */
	for (size_t i = 0; err == ENOENT && i < p->ndirs; i++) {
		const struct exec_dir_plan *d = &p->dirs[i];
		if (strcmp(d->path, p->workdir) != 0 ||
		    !((d->uid == p->uid && (d->mode & 0100)) ||
		      (d->mode & 0001)))
			continue;
		add(pf, PF_OK, "WorkingDirectory=", NULL,
		    "%s is created by %s= before the agent enters it",
		    p->workdir, exec_dir_directive(d->type));
		return;
	}
	if (!err)
		add(pf, PF_OK, "WorkingDirectory=", NULL,
		    "%s can be entered by uid %u", p->workdir,
		    (unsigned)p->uid);
	else if (p->workdir_optional && err == ENOENT)
		add(pf, PF_INFO, "WorkingDirectory=", NULL,
		    "%s does not exist: the agent starts in / (\"-\")",
		    p->workdir);
	else
		add(pf, PF_FAIL, "WorkingDirectory=",
		    "create it for the agent's user, or mark it optional "
		    "with \"-\"",
		    "%s cannot be entered by uid %u (%s)", p->workdir,
		    (unsigned)p->uid, errno_name(err));
}

/* Whether the kernel will find the agent's binary unreadable to the agent
 * at exec (would_dump() in fs/exec.c), which makes the agent non-dumpable.
 * Mode bits only: an ACL may grant more, so a file with one counts as
 * readable.  A script's interpreter is what runs, so it never counts. */
static bool binary_unreadable_to_agent(const struct plan *p)
{
	struct stat st;
	char path[64];
	mode_t bit = S_IROTH;

	if (p->exec_is_script || p->exec_fd < 0 || fstat(p->exec_fd, &st) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p->exec_fd);
	if (getxattr(path, "system.posix_acl_access", NULL, 0) >= 0)
		return false;
	if (st.st_uid == p->uid)
		bit = S_IRUSR;
	else {
		bool group = st.st_gid == p->gid;
		for (size_t i = 0; i < p->ngroups; i++)
			group |= st.st_gid == p->groups[i];
		if (group)
			bit = S_IRGRP;
	}
	return !(st.st_mode & bit);
}

/*
 * Who can read the agent's memory and environment from outside (ptrace,
 * /proc/PID/mem, /proc/PID/environ, process_vm_readv): by default any
 * process of its uid.  The kernel refuses a tracer whose permitted set is
 * not a superset of the agent's (cap_ptrace_access_check()) or, for a
 * non-dumpable agent, one without CAP_SYS_PTRACE; Yama (ptrace_scope >= 1)
 * refuses attaching, though not reading /proc/PID/environ.  Landlock does
 * not help here: it confines the agent, not the processes around it.  The
 * launcher cannot make the agent non-dumpable itself (execve(2) resets
 * PR_SET_DUMPABLE), so when none of these holds, it says so.
 */
static void check_ptrace(struct preflight *pf, const struct plan *p)
{
	char remedy[512];
	long long scope = -1;

	if (!p->change_id)
		return; /* a root agent: only root can trace it */
	if (!read_sysctl_number("/proc/sys/kernel/yama/ptrace_scope", &scope))
		scope = -1;
	if (p->permitted) {
		add(pf, PF_OK, "ptrace", NULL,
		    "the agent holds capabilities: a process of uid %u "
		    "without all of them cannot trace it or read its memory "
		    "and environment",
		    (unsigned)p->uid);
		return;
	}
	if (binary_unreadable_to_agent(p)) {
		add(pf, PF_OK, "ptrace", NULL,
		    "%s is not readable by uid %u: the kernel makes the agent "
		    "non-dumpable, so no process of that uid can trace it or "
		    "read its memory and environment",
		    p->exec_path, (unsigned)p->uid);
		return;
	}
	if (scope >= 1) {
		add(pf, PF_INFO, "ptrace", NULL,
		    "Yama ptrace_scope=%lld: processes of uid %u cannot attach "
		    "to the agent%s, but can read its /proc/PID/environ",
		    scope, (unsigned)p->uid,
		    scope == 1 ? " unless it is their descendant" : "");
		return;
	}
	snprintf(remedy, sizeof(remedy),
		 "%s, or make %s execute-only (chmod 0711: the kernel then "
		 "makes the agent non-dumpable); run nothing else as uid %u",
		 scope < 0 ? "boot with yama in lsm= and set "
			     "kernel.yama.ptrace_scope=1"
			   : "sysctl -w kernel.yama.ptrace_scope=1 (and in "
			     "/etc/sysctl.d)",
		 p->exec_path, (unsigned)p->uid);
	add(pf, PF_WARN, "ptrace", remedy,
	    "%s and the agent holds no capability: any process of uid %u "
	    "can ptrace it and read its memory and environment",
	    scope < 0 ? "no Yama (/proc/sys/kernel/yama/ptrace_scope is "
			"missing)"
		      : "Yama ptrace_scope=0",
	    (unsigned)p->uid);
}

void preflight_run(struct preflight *pf, const struct plan *p)
{
	memset(pf, 0, sizeof(*pf));
	if (in_container())
		add(pf, PF_INFO, "host", NULL,
		    "running in a container: the capabilities and LSMs below "
		    "are the container's");
	check_launcher_caps(pf, p);
	check_binary(pf, p);
	check_nnp(pf, p);
	check_seccomp(pf, p);
	check_lsm(pf, p);
	check_landlock(pf);
	check_cgroup(pf, p);
	check_rlimits(pf, p);
	check_workdir(pf, p);
	check_ping(pf, p);
	check_ptrace(pf, p);
}

static const char *const level_name[] = {"ok", "info", "WARN", "FAIL"};

void preflight_print(FILE *out, const struct preflight *pf)
{
	fputs("\npreflight on this host:\n", out);
	for (size_t i = 0; i < pf->n; i++) {
		const struct finding *f = &pf->v[i];
		fprintf(out, "  %-4s  %-18s %s\n", level_name[f->level],
			f->item, f->detail);
		if (f->remedy && f->level >= PF_WARN)
			fprintf(out, "        %-18s -> %s\n", "", f->remedy);
	}
	fprintf(out, "%zu finding(s) fail: %s\n", pf->failed,
		pf->failed ? "the config cannot be enforced as written here"
			   : "the config can be enforced as written here");
}

void preflight_print_json(FILE *out, const struct preflight *pf)
{
	fputs("[", out);
	for (size_t i = 0; i < pf->n; i++) {
		const struct finding *f = &pf->v[i];
		fprintf(out,
			"%s\n    {\"level\": \"%s\", \"item\": ", i ? "," : "",
			level_name[f->level]);
		json_str(out, f->item);
		fputs(", \"detail\": ", out);
		json_str(out, f->detail);
		fputs(", \"remedy\": ", out);
		json_str_or_null(out, f->remedy);
		fputc('}', out);
	}
	fputs("\n  ]", out);
}

void preflight_free(struct preflight *pf)
{
	for (size_t i = 0; i < pf->n; i++) {
		free(pf->v[i].item);
		free(pf->v[i].detail);
		free(pf->v[i].remedy);
	}
	free(pf->v);
	memset(pf, 0, sizeof(*pf));
}
