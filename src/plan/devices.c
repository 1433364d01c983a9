/* SPDX-License-Identifier: MIT */
/*
 * DevicePolicy= and DeviceAllow=, as systemd.resource-control(5): the
 * devices the agent may open (read, write) or create (mknod), enforced by
 * the kernel's device cgroup whatever the file permissions say.
 *
 * The rules, as systemd derives them (unit_patch_contexts() and the device
 * setup of its cgroup code):
 *   - PrivateDevices=yes turns DevicePolicy=auto into closed;
 *   - ProtectClock=yes adds "char-rtc r", but only where a policy applies
 *     already (not auto, or DeviceAllow= lines): on its own it restricts
 *     no device;
 *   - auto with no DeviceAllow= line: no restriction at all;
 *   - closed, and auto with lines: the pseudo devices /dev/null, zero,
 *     full, random, urandom, tty, ptmx ("rwm") and the pts major ("rw"),
 *     plus the lines;
 *   - strict: the lines alone.
 * A device node that does not exist here, or a char-/block- name that
 * /proc/devices does not list, is skipped, as systemd skips it (--check
 * says so).
 *
 * cgroup v1: the devices controller ("a" denied, then each rule allowed),
 * through src/plan/cgroup.c's write list.  cgroup v2: a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, a handful of instructions loaded
 * with bpf(2) in the plan and attached to the agent's group by
 * devices_apply(), right after cgroup_apply() made it.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup_prog.h"
#include "cgroup.h"
#include "plan.h"
#include "steps.h"

static void rule(struct cgroup_plan *g, char type, int major, int minor,
		 unsigned access)
{
	g->dev = xrealloc(g->dev, (g->ndev + 1) * sizeof(*g->dev));
	g->dev[g->ndev++] = (struct device_rule){type, major, minor, access};
}

static void note(struct cgroup_plan *g, char *s)
{
	g->notes = xrealloc(g->notes, (g->nnotes + 1) * sizeof(char *));
	g->notes[g->nnotes++] = s;
}

static unsigned access_bits(const char *a)
{
	unsigned bits = 0;

	for (; *a; a++)
		bits |= *a == 'r'   ? DEVICE_READ
			: *a == 'w' ? DEVICE_WRITE
				    : DEVICE_MKNOD;
	return bits;
}

/* "char-NAME"/"block-NAME": every major whose driver name in /proc/devices
 * matches the glob NAME.  Returns how many. */
static int by_driver(struct cgroup_plan *g, char type, const char *glob,
		     unsigned access)
{
	char line[256];
	bool in = false;
	int n = 0;
	FILE *f = fopen("/proc/devices", "re");

	while (f && fgets(line, sizeof(line), f)) {
		char *end, *name;
		long major;

		if (strncmp(line, "Character", 9) == 0) {
			in = type == 'c';
			continue;
		}
		if (strncmp(line, "Block", 5) == 0) {
			in = type == 'b';
			continue;
		}
		/* "%3d %s\n" in fs/char_dev.c and block/genhd.c */
		major = strtol(line, &end, 10);
		if (!in || end == line || *end != ' ' || major < 0)
			continue;
		name = end + strspn(end, " ");
		name[strcspn(name, "\n")] = '\0';
		if (fnmatch(glob, name, 0) == 0) {
			rule(g, type, (int)major, -1, access);
			n++;
		}
	}
	if (f)
		fclose(f);
	return n;
}

static void resolve(struct cgroup_plan *g, const char *spec, unsigned access)
{
	struct stat st;

	if (strncmp(spec, "char-", 5) == 0 || strncmp(spec, "block-", 6) == 0) {
		bool chr = spec[0] == 'c';
		if (!by_driver(g, chr ? 'c' : 'b', spec + (chr ? 5 : 6),
			       access))
			note(g, xasprintf("DeviceAllow=%s skipped: no such "
					  "driver in /proc/devices (as "
					  "systemd skips it)",
					  spec));
		return;
	}
	if (strncmp(spec, "/sys/dev/", 9) == 0) {
		const char *mm = strrchr(spec, '/') + 1;
		char *end1, *end2 = NULL;
		long maj = strtol(mm, &end1, 10), min = -1;

		if (end1 != mm && *end1 == ':' && end1[1] >= '0' &&
		    end1[1] <= '9')
			min = strtol(end1 + 1, &end2, 10);
		if (min >= 0 && maj >= 0 && end2 && !*end2 &&
		    mm - spec == (spec[9] == 'c' ? 14 : 15)) {
			rule(g, spec[9] == 'c' ? 'c' : 'b', (int)maj, (int)min,
			     access);
			return;
		}
		note(g, xasprintf("DeviceAllow=%s skipped: not "
				  "/sys/dev/{char,block}/MAJOR:MINOR",
				  spec));
		return;
	}
	if (stat(spec, &st) < 0 ||
	    !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
		note(g, xasprintf("DeviceAllow=%s skipped: %s on this host (as "
				  "systemd skips it)",
				  spec,
				  errno == ENOENT ? "no such device node"
						  : "not a device node"));
		return;
	}
	rule(g, S_ISCHR(st.st_mode) ? 'c' : 'b', (int)major(st.st_rdev),
	     (int)minor(st.st_rdev), access);
}

const char *device_policy_name(const struct config *c)
{
	enum device_policy pol = c->device_policy;

	if (c->private_devices && pol == DEVICE_POLICY_AUTO)
		pol = DEVICE_POLICY_CLOSED;
	return pol == DEVICE_POLICY_STRICT   ? "strict"
	       : pol == DEVICE_POLICY_CLOSED ? "closed"
					     : "auto";
}

bool devices_rules(struct cgroup_plan *g, const struct config *c)
{
	static const char *const pseudo[] = {
		"/dev/null",	"/dev/zero", "/dev/full", "/dev/random",
		"/dev/urandom", "/dev/tty",  "/dev/ptmx",
	};
	const char *pol = device_policy_name(c);
	bool lines = c->device_allow.n > 0;

	if (strcmp(pol, "auto") == 0 && !lines)
		return false;
	g->devices = true;
	if (strcmp(pol, "strict") != 0) {
		for (size_t i = 0; i < sizeof(pseudo) / sizeof(*pseudo); i++) {
			struct stat st;
			if (stat(pseudo[i], &st) == 0 && S_ISCHR(st.st_mode))
				rule(g, 'c', (int)major(st.st_rdev),
				     (int)minor(st.st_rdev),
				     DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD);
		}
		by_driver(g, 'c', "pts", DEVICE_READ | DEVICE_WRITE);
	}
	for (size_t i = 0; i < c->device_allow.n; i++) {
		char *spec = xstrdup(c->device_allow.v[i].s);
		char *sp = strrchr(spec, ' ');
		*sp = '\0';
		resolve(g, spec, access_bits(sp + 1));
		free(spec);
	}
	if (c->protect_clock)
		by_driver(g, 'c', "rtc", DEVICE_READ);
	return true;
}

char *device_rule_v1(const struct device_rule *r)
{
	char maj[16] = "*", min[16] = "*";

	if (r->major >= 0)
		snprintf(maj, sizeof(maj), "%d", r->major);
	if (r->minor >= 0)
		snprintf(min, sizeof(min), "%d", r->minor);
	return xasprintf("%c %s:%s %s%s%s", r->type, maj, min,
			 r->access & DEVICE_READ ? "r" : "",
			 r->access & DEVICE_WRITE ? "w" : "",
			 r->access & DEVICE_MKNOD ? "m" : "");
}

/* ------------------------------------------------------- the BPF program */

/*
 * r1 is the context, struct bpf_cgroup_dev_ctx: access_type (the device
 * type in the low 16 bits, the access asked for in the high 16), major,
 * minor.  Each rule is a block that jumps to the next unless the request
 * matches it (type, major, minor, and an access within the rule's), and
 * returns 1 (allow) if it does; falling off the last block returns 0.
 */
int devices_program_load(const struct cgroup_plan *g)
{
	size_t max = 8 + g->ndev * 8, n = 0;
	struct bpf_insn *p = xcalloc(max, sizeof(*p));
	char log[4096] = "";
	int fd;

	/* r2 = type, r3 = access, r4 = major, r5 = minor */
	p[n++] =
		BPF_INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_1, 0, 0);
	p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0,
			  0);
	p[n++] = BPF_INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	p[n++] = BPF_INSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	p[n++] = BPF_INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_1,
			  offsetof(struct bpf_cgroup_dev_ctx, major), 0);
	p[n++] = BPF_INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_1,
			  offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
	for (size_t i = 0; i < g->ndev; i++) {
		const struct device_rule *r = &g->dev[i];
		size_t len = 1 + (r->major >= 0) + (r->minor >= 0) + 3 + 2;
		size_t end = n + len;
		int type = r->type == 'c' ? BPF_DEVCG_DEV_CHAR
					  : BPF_DEVCG_DEV_BLOCK;

#define NEXT ((short)(end - n - 1))
		p[n] = BPF_INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, NEXT,
				type);
		n++;
		if (r->major >= 0) {
			p[n] = BPF_INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0,
					NEXT, r->major);
			n++;
		}
		if (r->minor >= 0) {
			p[n] = BPF_INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0,
					NEXT, r->minor);
			n++;
		}
		/* Asked for anything the rule does not give: next. */
		p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6,
				  BPF_REG_3, 0, 0);
		p[n++] = BPF_INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_6, 0, 0,
				  (int)(~r->access & 7U));
		p[n] = BPF_INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_6, 0, NEXT,
				0);
		n++;
#undef NEXT
		p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0,
				  1);
		p[n++] = BPF_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	p[n++] = BPF_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

	/* The program type has one attach point: no expected type. */
	fd = cgroup_prog_load(BPF_PROG_TYPE_CGROUP_DEVICE, 0, p, n, log,
			      sizeof(log));
	free(p);
	return fd;
}
