/* SPDX-License-Identifier: MIT */
/*
 * The read-back: just before exec, ask the kernel what the process now is
 * and refuse to exec unless it is exactly the plan.  setpriv, capsh and runc
 * each shipped a bug where ambient capabilities silently did not stick;
 * this check turns any such slip (ours, libcap-ng's, the kernel's) into a
 * refused launch instead of an agent with other privileges than configured.
 *
 * /proc/self/status was opened in the plan phase; it is read into a stack
 * buffer and scanned in place: no allocation after the drop.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <linux/mempolicy.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf_lsm.h"
#include "plan.h"
#include "steps.h"

#ifdef HAVE_BPF_LSM
#include "libbpf_dl.h"
#endif

#ifndef PR_GET_MEMORY_MERGE
#define PR_GET_MEMORY_MERGE 68
#endif

static const char *field(const char *buf, const char *name)
{
	size_t l = strlen(name);
	const char *p = buf;

	while (p && *p) {
		if (strncmp(p, name, l) == 0 && p[l] == ':')
			return p + l + 1;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	die(STEP_VERIFY, 0, "/proc/self/status has no %s: field", name);
}

static unsigned long long number(const char **pp, int base)
{
	const char *p = *pp;
	char *end;
	unsigned long long v;

	while (*p == ' ' || *p == '\t')
		p++;
	errno = 0;
	v = strtoull(p, &end, base);
	if (end == p || errno)
		die(STEP_VERIFY, errno, "/proc/self/status: unreadable number");
	*pp = end;
	return v;
}

static void expect_ids(const char *buf, const char *name, unsigned want)
{
	const char *p = field(buf, name);

	/* real, effective, saved, filesystem: all four or none. */
	for (int i = 0; i < 4; i++) {
		unsigned long long v = number(&p, 10);
		if (v != want)
			die(STEP_VERIFY, 0, "%s: reads %llu, planned %u", name,
			    v, want);
	}
}

static void expect_mask(const char *buf, const char *name, uint64_t want)
{
	const char *p = field(buf, name);
	unsigned long long v = number(&p, 16);

	if (v != want)
		die(STEP_VERIFY, 0, "%s: reads %016llx, planned %016llx", name,
		    v, (unsigned long long)want);
}

static void expect_groups(const char *buf, const struct plan *p)
{
	const char *s = field(buf, "Groups");
	size_t seen = 0;

	for (;;) {
		unsigned long long g;
		bool planned = false;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\n' || !*s)
			break;
		g = number(&s, 10);
		/* PrivateUsers=: a group mapped to nobody reads as the
		 * overflow gid. */
		for (size_t i = 0; i < p->ngroups; i++)
			planned |= (p->userns && p->groups[i] != 0 &&
						    p->groups[i] != p->gid
					    ? p->overflow_gid
					    : p->groups[i]) == g;
		if (!planned)
			die(STEP_VERIFY, 0,
			    "Groups: holds %llu, which the plan does not", g);
		seen++;
	}
	if (seen != p->ngroups)
		die(STEP_VERIFY, 0, "Groups: holds %zu groups, planned %zu",
		    seen, p->ngroups);
}

static void verify_apparmor(const struct plan *p)
{
	char buf[512];
	ssize_t n;
	size_t l = strlen(p->apparmor_profile);

	if (p->apparmor_exec_fd < 0)
		die(STEP_VERIFY, 0, "cannot read back the AppArmor exec label");
	n = pread(p->apparmor_exec_fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		die(STEP_VERIFY, errno,
		    "reading the AppArmor exec label failed");
	buf[n] = '\0';
	if (strncmp(buf, p->apparmor_profile, l) != 0 ||
	    (buf[l] && buf[l] != ' ' && buf[l] != '\n'))
		die(STEP_VERIFY, 0,
		    "AppArmor exec label reads \"%.*s\", planned \"%s\"",
		    (int)strcspn(buf, "\n"), buf, p->apparmor_profile);
}

/* /proc/self/stat, fields 1-based as in proc(5); the command name (2) may
 * hold spaces and parentheses, so counting starts after the last ')'. */
enum {
	STAT_PGRP = 5,
	STAT_SESSION = 6,
	STAT_TTY_NR = 7,
	STAT_NICE = 19,
	STAT_RT_PRIORITY = 40,
	STAT_POLICY = 41,
	STAT_N = 42,
};

static void read_stat(const struct plan *p, long long v[STAT_N])
{
	char buf[1024];
	ssize_t n = pread(p->stat_fd, buf, sizeof(buf) - 1, 0);
	char *s, *end;

	if (n <= 0)
		die(STEP_VERIFY, n < 0 ? errno : EIO,
		    "cannot read /proc/self/stat");
	buf[n] = '\0';
	s = strrchr(buf, ')');
	if (!s || s[1] != ' ')
		die(STEP_VERIFY, 0, "/proc/self/stat: unexpected format");
	s += 2;
	s += strcspn(s, " "); /* field 3, the state letter */
	for (int f = 4; f < STAT_N; f++) {
		errno = 0;
		/* Unsigned: rsslim reads 18446744073709551615. */
		v[f] = (long long)strtoull(s, &end, 10);
		if (end == s || errno)
			die(STEP_VERIFY, errno,
			    "/proc/self/stat: field %d unreadable", f);
		s = end;
	}
}

/* src/apply/session.c: a session of its own when the kernel allows one, no
 * controlling terminal, and no terminal descriptor the agent can read. */
static void verify_session(const struct plan *p, const long long *st)
{
	pid_t pid = getpid();

	if (st[STAT_TTY_NR] != 0)
		die(STEP_VERIFY, 0, "tty_nr: reads %lld, planned 0 (none)",
		    st[STAT_TTY_NR]);
	if (st[STAT_SESSION] != pid &&
	    !(p->session_action == SESSION_NOTTY && st[STAT_PGRP] == pid))
		die(STEP_VERIFY, 0,
		    "session: reads %lld, planned a session of its own (%d)",
		    st[STAT_SESSION], (int)pid);
	if (isatty(0))
		die(STEP_VERIFY, 0, "stdin is a terminal, planned /dev/null");
	for (int fd = 1; fd < 3; fd++) {
		int fl = fcntl(fd, F_GETFL);
		if (isatty(fd) && (fl < 0 || (fl & O_ACCMODE) != O_WRONLY))
			die(STEP_VERIFY, 0,
			    "fd %d is a terminal open for reading, planned "
			    "write-only",
			    fd);
	}
}

static void expect_int(long long got, long long want, const char *what)
{
	if (got != want)
		die(STEP_VERIFY, got < 0 ? errno : 0,
		    "%s: reads %lld, planned %lld", what, got, want);
}

/* src/apply/personality.c, sched.c, oom.c, mempolicy.c, prctl.c: each reset
 * read back through its own interface. */
static void verify_process_state(const struct plan *p, const long long *st)
{
	char buf[16];
	ssize_t n;
	int v = -1;

	int policy = p->sched_policy & ~SCHED_RESET_ON_FORK;
	long slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);

	{
		long long got = personality(0xffffffff);
		/* A supervisor's LockPersonality= (systemd's filter) refuses
		 * even the query; it also let personality_apply() set only
		 * the value it locks, so that value holds. */
		if (!(got < 0 && errno == EPERM))
			expect_int(got, (long long)p->personality,
				   "personality");
	}
	/* The system call: musl's wrapper answers ENOSYS (src/apply/sched.c).
	 */
	expect_int((int)syscall(SYS_sched_getscheduler, 0), p->sched_policy,
		   "scheduling policy");
	expect_int(st[STAT_RT_PRIORITY], p->sched_priority,
		   "real-time priority");
	/* The nice value only means something outside the real-time
	 * classes, whose /proc field reads 0. */
	if (policy != SCHED_FIFO && policy != SCHED_RR)
		expect_int(st[STAT_NICE], p->nice, "nice");
	expect_int(syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0), p->ioprio,
		   "I/O priority");
	/* Linux 6.7 on: a real-time task has no slack and ignores
	 * PR_SET_TIMERSLACK, so 0 is what the kernel makes of the plan. */
	if (!((policy == SCHED_FIFO || policy == SCHED_RR) && slack == 0))
		expect_int(slack, (long long)p->timer_slack, "timer slack");
	/* The affinity the kernel allows depends on the cpuset, which only
	 * the kernel knows exactly: it must already be the widest, so that
	 * asking for every CPU again changes nothing. */
	if (sched_getaffinity(0, p->cpus_size, p->cpus_read) < 0 ||
	    sched_setaffinity(0, p->cpus_size, p->cpus) < 0)
		die(STEP_VERIFY, errno, "reading the CPU affinity failed");
	{
		cpu_set_t *now = p->cpus_read;
		int before = CPU_COUNT_S(p->cpus_size, now);
		if (sched_getaffinity(0, p->cpus_size, now) < 0)
			die(STEP_VERIFY, errno,
			    "reading the CPU affinity failed");
		expect_int(before, CPU_COUNT_S(p->cpus_size, now),
			   "CPUs in the affinity mask");
		/* CPUAffinity=: nothing outside it. */
		CPU_AND_S(p->cpus_size, now, now, p->cpus);
		if (p->cpus_configured)
			expect_int(CPU_COUNT_S(p->cpus_size, now), before,
				   "CPUs of the affinity mask in CPUAffinity=");
	}
	n = pread(p->oom_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		die(STEP_VERIFY, n < 0 ? errno : EIO,
		    "cannot read /proc/self/oom_score_adj");
	buf[n] = '\0';
	expect_int(strtol(buf, NULL, 10), p->oom_score_adj, "oom_score_adj");
	if (p->numa) {
		if (syscall(SYS_get_mempolicy, &v, NULL, 0UL, NULL, 0UL) < 0)
			die(STEP_VERIFY, errno, "get_mempolicy failed");
		expect_int(v, MPOL_DEFAULT, "NUMA memory policy");
	}
	expect_int(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 0,
		   "PR_GET_THP_DISABLE");
	if (p->ksm)
		expect_int(prctl(PR_GET_MEMORY_MERGE, 0, 0, 0, 0), 0,
			   "PR_GET_MEMORY_MERGE");
	expect_int(prctl(PR_MCE_KILL_GET, 0, 0, 0, 0), PR_MCE_KILL_DEFAULT,
		   "PR_MCE_KILL_GET");
#if defined(__x86_64__) || defined(__i386__)
	if (prctl(PR_GET_TSC, &v, 0, 0, 0) < 0)
		die(STEP_VERIFY, errno, "PR_GET_TSC failed");
	expect_int(v, PR_TSC_ENABLE, "PR_GET_TSC");
#endif
	if (prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0) < 0)
		die(STEP_VERIFY, errno, "PR_GET_CHILD_SUBREAPER failed");
	expect_int(v, 0, "PR_GET_CHILD_SUBREAPER");
}

/* PrivateNetwork=, PrivateIPC=, ProtectHostname=: the process is in a
 * namespace other than the launcher's, by the inode of its link. */
static void verify_namespaces(const struct plan *p)
{
	static const struct {
		unsigned long flag;
		const char *path, *directive;
	} ns[] = {
		{CLONE_NEWNET, "/proc/self/ns/net", "PrivateNetwork"},
		{CLONE_NEWIPC, "/proc/self/ns/ipc", "PrivateIPC"},
		{CLONE_NEWUTS, "/proc/self/ns/uts", "ProtectHostname"},
	};
	struct stat sb;

	for (int i = 0; i < 3; i++) {
		if (!(p->new_ns & ns[i].flag))
			continue;
		if (stat(ns[i].path, &sb) < 0 ||
		    (unsigned long long)sb.st_ino == p->ns_ino[i])
			die(STEP_VERIFY, errno,
			    "%s=: %s is still the launcher's namespace",
			    ns[i].directive, ns[i].path);
	}
}

/*
 * RestrictFileSystems=: read back from the kernel what the file_open
 * program will look up for the agent's group: the pinned map's entry for
 * its cgroup id is the set the plan made, and that set holds the planned
 * mode and exactly the planned magics.  Called by bpf_lsm_apply() right
 * after the update: bpf(2) needs the root the launch gives up later.
 */
void verify_bpf_lsm(const struct bpf_lsm_plan *r, uint64_t cgroup)
{
#ifdef HAVE_BPF_LSM
	uint32_t id = 0, key = RFS_MODE_KEY, v = 0, next, *prev = NULL,
		 want = r->allow ? RFS_MODE_ALLOW : RFS_MODE_DENY;
	size_t n = 0;

	if (INJECT(STEP_VERIFY) ||
	    libbpf.map_lookup_elem(r->outer_fd, &cgroup, &id) < 0 ||
	    id != r->inner_id)
		die(STEP_VERIFY, errno,
		    "RestrictFileSystems=: the entry of cgroup %llu is set "
		    "%u, planned %u",
		    (unsigned long long)cgroup, id, r->inner_id);
	if (libbpf.map_lookup_elem(r->inner_fd, &key, &v) < 0 || v != want)
		die(STEP_VERIFY, errno,
		    "RestrictFileSystems=: the set's mode reads %u, planned "
		    "%u",
		    v, want);
	for (size_t i = 0; i < r->nmagic; i++)
		if (libbpf.map_lookup_elem(r->inner_fd, &r->magic[i], &v) < 0)
			die(STEP_VERIFY, errno,
			    "RestrictFileSystems=: magic %#x missing from the "
			    "set",
			    r->magic[i]);
	while (libbpf.map_get_next_key(r->inner_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		n++;
	}
	if (n != r->nmagic + 1)
		die(STEP_VERIFY, 0,
		    "RestrictFileSystems=: the set holds %zu entries, planned "
		    "%zu",
		    n, r->nmagic + 1);
#else
	(void)r;
	(void)cgroup;
#endif
}

void verify_apply(const struct plan *p)
{
	long long st[STAT_N] = {0};

	char buf[8192];
	ssize_t n;
	const char *nnp;

	n = INJECT(STEP_VERIFY) ? -1
				: pread(p->status_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		die(STEP_VERIFY, n < 0 ? errno : EIO,
		    "cannot read /proc/self/status");
	buf[n] = '\0';

	expect_ids(buf, "Uid", p->uid);
	expect_ids(buf, "Gid", p->gid);
	expect_groups(buf, p);
	expect_mask(buf, "CapInh", p->ambient);
	expect_mask(buf, "CapPrm", p->permitted);
	expect_mask(buf, "CapEff", p->permitted);
	expect_mask(buf, "CapBnd", p->bounding);
	expect_mask(buf, "CapAmb", p->ambient);
	/* Set by an outer supervisor is stricter, never weaker: accept it. */
	nnp = field(buf, "NoNewPrivs");
	if (p->no_new_privs && number(&nnp, 10) != 1)
		die(STEP_VERIFY, 0, "NoNewPrivs: reads 0, planned 1");
	if (p->set_securebits &&
	    prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != (int)p->securebits_verify)
		die(STEP_VERIFY, errno, "securebits: read %#x, planned %#x",
		    (unsigned)prctl(PR_GET_SECUREBITS, 0, 0, 0, 0),
		    p->securebits_verify);
	if (p->mdwe && mdwe_read() != 1)
		die(STEP_VERIFY, errno, "PR_GET_MDWE: reads %d, planned 1",
		    mdwe_read());
	if (p->apparmor_profile)
		verify_apparmor(p);
	verify_namespaces(p);
	read_stat(p, st);
	verify_session(p, st);
	verify_process_state(p, st);
}
