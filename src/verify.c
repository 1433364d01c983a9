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
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "steps.h"

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
		for (size_t i = 0; i < p->ngroups; i++)
			planned |= p->groups[i] == g;
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

void verify_apply(const struct plan *p)
{
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
}
