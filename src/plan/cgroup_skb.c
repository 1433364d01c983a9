/* SPDX-License-Identifier: MIT */
/*
 * IPAddressAllow= and IPAddressDeny=, as systemd.resource-control(5): the
 * agent's IP packets, sent (by destination) and received (by source), are
 * dropped when the address matches a deny prefix and no allow prefix.
 *
 * Two BPF_PROG_TYPE_CGROUP_SKB programs, one for BPF_CGROUP_INET_EGRESS
 * and one for BPF_CGROUP_INET_INGRESS, attached to the agent's group on
 * the cgroup v2 hierarchy: /sys/fs/cgroup, or /sys/fs/cgroup/unified on a
 * hybrid host, where systemd attaches its own IP filters too.  The
 * prefixes are compiled into the program as compare-and-branch blocks, as
 * src/plan/devices.c compiles device rules: a few instructions each, loaded
 * with bpf(2) in the plan, no map and no library.  systemd keeps the
 * prefixes in LPM-trie maps so that it can change them on a running unit;
 * a launch never changes them, so constants are the smaller and simpler
 * program (libbpf would add a dependency for two dozen instructions).
 *
 * systemd merely warns when the kernel cannot filter; the launcher
 * refuses instead (exit 219), as it refuses any directive it cannot
 * enforce.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "plan.h"
#include "steps.h"

/* ------------------------------------------------------------- the parser */

static void add(struct ip_prefixes *l, int family, const void *addr,
		unsigned len)
{
	struct ip_prefix x = {(unsigned char)family, (unsigned char)len, {0}};
	size_t n = family == AF_INET ? 4 : 16;

	memcpy(x.addr, addr, n);
	/* Host bits cleared: the program compares the masked address. */
	for (size_t i = 0; i < n; i++) {
		unsigned keep = len >= 8 * (i + 1) ? 8
				: len > 8 * i	   ? len - 8 * (unsigned)i
						   : 0;
		x.addr[i] &= (unsigned char)(0xff00U >> keep);
	}
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = x;
}

static bool special(struct ip_prefixes *l, const char *w)
{
	static const struct {
		const char *name, *v4, *v6;
		unsigned l4, l6;
	} sp[] = {
		{"any", "0.0.0.0", "::", 0, 0},
		{"localhost", "127.0.0.0", "::1", 8, 128},
		{"link-local", "169.254.0.0", "fe80::", 16, 64},
		{"multicast", "224.0.0.0", "ff00::", 4, 8},
	};
	unsigned char a[16];

	for (size_t i = 0; i < sizeof(sp) / sizeof(*sp); i++) {
		if (strcmp(w, sp[i].name) != 0)
			continue;
		inet_pton(AF_INET, sp[i].v4, a);
		add(l, AF_INET, a, sp[i].l4);
		inet_pton(AF_INET6, sp[i].v6, a);
		add(l, AF_INET6, a, sp[i].l6);
		return true;
	}
	return false;
}

/* "ADDRESS[/PREFIXLEN]" words, or any, localhost, link-local, multicast;
 * lines accumulate, an empty one resets (systemd.resource-control(5)). */
int p_ip_address(struct config *c, const struct directive *d, const char *v,
		 struct origin at, struct diag *dg)
{
	struct ip_prefixes *l = d->arg ? &c->ip_deny : &c->ip_allow;
	struct words w = {0};
	const char *why = NULL;
	int bad = 0;

	if (!*v) {
		free(l->v);
		l->v = NULL;
		l->n = 0;
		return 0;
	}
	if (split_words(v, &w, at, &why) < 0) {
		diag_add(dg, at, "%s=: %s", d->name, why ? why : "bad quoting");
		return -EINVAL;
	}
	for (size_t i = 0; i < w.n; i++) {
		char *s = w.v[i].s, *slash = strchr(s, '/'), *end = NULL;
		unsigned char a[16];
		int fam;
		long len = -1;

		if (special(l, s))
			continue;
		if (slash) {
			*slash = '\0';
			errno = 0;
			len = strtol(slash + 1, &end, 10);
			if (end == slash + 1 || *end || errno || len < 0)
				len = 999;
		}
		fam = inet_pton(AF_INET, s, a) == 1    ? AF_INET
		      : inet_pton(AF_INET6, s, a) == 1 ? AF_INET6
						       : 0;
		if (!fam || len > (fam == AF_INET ? 32 : 128)) {
			if (slash)
				*slash = '/';
			diag_add(dg, at,
				 "%s=: \"%s\" is not an IPv4 or IPv6 address "
				 "prefix, any, localhost, link-local or "
				 "multicast",
				 d->name, s);
			bad++;
			continue;
		}
		add(l, fam, a,
		    len >= 0	     ? (unsigned)len
		    : fam == AF_INET ? 32
				     : 128);
	}
	words_clear(&w);
	return bad ? -EINVAL : 0;
}

/* ---------------------------------------------------------- the programs */

#define INSN(c, d, s, o, i)                                                    \
	((struct bpf_insn){.code = (c),                                        \
			   .dst_reg = (d),                                     \
			   .src_reg = (s),                                     \
			   .off = (o),                                         \
			   .imm = (i)})
#define RET(v)                                                                 \
	do {                                                                   \
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0,    \
			      (v));                                            \
		p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);                 \
	} while (0)
/* r0 = bpf_skb_load_bytes(r6, off, r10 - 16, len); allowed on failure. */
#define LOAD(off, len)                                                         \
	do {                                                                   \
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1,          \
			      BPF_REG_6, 0, 0);                                \
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0,    \
			      (off));                                          \
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3,          \
			      BPF_REG_10, 0, 0);                               \
		p[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0,    \
			      -16);                                            \
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0,    \
			      (len));                                          \
		p[n++] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0,                     \
			      BPF_FUNC_skb_load_bytes);                        \
		p[n++] = INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0);  \
		RET(1);                                                        \
	} while (0)

/* One block per prefix of the family: the address words are in r2-r5
 * (memory order, as the packet has them, so the prefix is compared as
 * bytes); a match returns the verdict, a mismatch falls to the next.  A
 * /0 prefix matches all: nothing after it could run, and the verifier
 * refuses unreachable code, so *all is set and the family ends there. */
static size_t blocks(struct bpf_insn *p, size_t n, const struct ip_prefixes *l,
		     int family, int verdict, bool *all)
{
	for (size_t i = 0; i < l->n && !*all; i++) {
		const struct ip_prefix *x = &l->v[i];
		size_t words = family == AF_INET ? 1 : 4, len = 2, end;
		uint32_t mask[4], net[4];

		if (x->family != family)
			continue;
		if (x->len == 0) {
			*all = true;
			RET(verdict);
			break;
		}
		for (size_t k = 0; k < words; k++) {
			unsigned char m[4];
			for (size_t b = 0; b < 4; b++) {
				size_t bit = 8 * (4 * k + b);
				unsigned keep = x->len >= bit + 8 ? 8
						: x->len > bit
							? x->len - (unsigned)bit
							: 0;
				m[b] = (unsigned char)(0xff00U >> keep);
			}
			memcpy(&mask[k], m, 4);
			memcpy(&net[k], x->addr + 4 * k, 4);
			if (mask[k])
				len += 3;
		}
		end = n + len;
		for (size_t k = 0; k < words; k++) {
			if (!mask[k])
				continue;
			p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_7,
				      BPF_REG_2 + (int)k, 0, 0);
			p[n++] = INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_7, 0,
				      0, (int32_t)mask[k]);
			p[n] = INSN(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_7, 0,
				    (short)(end - n - 1), (int32_t)net[k]);
			n++;
		}
		RET(verdict);
	}
	return n;
}

static size_t family_program(struct bpf_insn *p, size_t n,
			     const struct config *c, int family, int off)
{
	LOAD(off, family == AF_INET ? 4 : 16);
	/* r2-r5: the address, one 32-bit word each. */
	for (int k = 0; k < (family == AF_INET ? 1 : 4); k++)
		p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2 + k,
			      BPF_REG_10, (short)(-16 + 4 * k), 0);
	bool all = false;

	n = blocks(p, n, &c->ip_allow, family, 1, &all);
	n = blocks(p, n, &c->ip_deny, family, 0, &all);
	if (!all)
		RET(1);
	return n;
}

/* Returns the program's fd, or -errno. */
static int skb_program_load(const struct config *c, bool ingress)
{
	size_t max = 64 + 16 * (c->ip_allow.n + c->ip_deny.n), n = 0, v6_jump;
	struct bpf_insn *p = xcalloc(max, sizeof(*p));
	union bpf_attr attr;
	int fd;

	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0);
	/* The IP version, from the first byte of the network header, where
	 * the data of a cgroup skb program starts. */
	LOAD(0, 1);
	p[n++] = INSN(BPF_LDX | BPF_B | BPF_MEM, BPF_REG_7, BPF_REG_10, -16, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_7, 0, 0, 4);
	v6_jump = n++; /* if r7 == 6: the IPv6 part, patched below */
	p[n++] = INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_7, 0, 2, 4);
	RET(1); /* neither: not IP, not ours to judge */
	/* IPv4: source at 12, destination at 16. */
	n = family_program(p, n, c, AF_INET, ingress ? 12 : 16);
	p[v6_jump] = INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_7, 0,
			  (short)(n - v6_jump - 1), 6);
	/* IPv6: source at 8, destination at 24. */
	n = family_program(p, n, c, AF_INET6, ingress ? 8 : 24);

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_SKB;
	attr.expected_attach_type =
		ingress ? BPF_CGROUP_INET_INGRESS : BPF_CGROUP_INET_EGRESS;
	attr.insns = (uint64_t)(uintptr_t)p;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "MIT";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		fd = -errno;
	free(p);
	return fd;
}

static long bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	return bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0 ? 0 : info.id;
}

/* The plan: both programs loaded, as root, with the ids the read-back
 * compares against.  g->bpf_group is the agent's group on cgroup v2. */
void cgroup_skb_plan(struct cgroup_plan *g, const struct config *c,
		     struct diag *dg)
{
	struct origin at = c->at[D_IP_ADDRESS_DENY].line
				   ? c->at[D_IP_ADDRESS_DENY]
				   : c->at[D_IP_ADDRESS_ALLOW];

	g->skb_fd[0] = g->skb_fd[1] = -1;
	if (!c->ip_allow.n && !c->ip_deny.n)
		return;
	if (!g->bpf_group) {
		diag_add(dg, at,
			 "IPAddressDeny=/IPAddressAllow=: this host has no "
			 "cgroup v2 hierarchy (at /sys/fs/cgroup or "
			 "/sys/fs/cgroup/unified) to attach the "
			 "BPF_PROG_TYPE_CGROUP_SKB filter to");
		return;
	}
	for (int i = 0; i < 2; i++) {
		int fd = skb_program_load(c, i == 0);
		if (fd < 0) {
			diag_add(dg, at,
				 "IPAddressDeny=/IPAddressAllow=: the kernel "
				 "refused the BPF_PROG_TYPE_CGROUP_SKB program "
				 "(%s): it needs CONFIG_CGROUP_BPF and "
				 "CAP_BPF or CAP_SYS_ADMIN",
				 errno_name(-fd));
			return;
		}
		g->skb_fd[i] = fd;
		g->skb_id[i] = prog_id(fd);
	}
	g->skb = true;
}

/* ------------------------------------------------------------------ apply */

/* The attach types of the two programs: [0] ingress, [1] egress. */
static const enum bpf_attach_type types[2] = {BPF_CGROUP_INET_INGRESS,
					      BPF_CGROUP_INET_EGRESS};

/*
 * The agent's v2 group loses the IP filters a launch before left there
 * (groups are reused), then gets the plan's, with BPF_F_ALLOW_MULTI so a
 * filter the host put on an ancestor still runs: a packet passes only when
 * every program lets it.  After cgroup_apply() made the group and moved
 * the launcher in; a socket is charged to the group it is created in, and
 * the agent's are all created after exec.
 */
void cgroup_skb_apply(const struct plan *p)
{
	const struct cgroup_plan *g = &p->cgroup;
	uint32_t ids[64];
	union bpf_attr a;
	int cg;

	if (!g->bpf_group)
		return;
	if (INJECT(STEP_IP_FILTER))
		die(STEP_IP_FILTER, errno, "IP address filter: injected");
	cg = open(g->bpf_group, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		die(STEP_IP_FILTER, errno, "cannot open %s", g->bpf_group);
	for (int t = 0; t < 2; t++) {
		memset(&a, 0, sizeof(a));
		a.query.target_fd = (uint32_t)cg;
		a.query.attach_type = types[t];
		a.query.prog_ids = (uint64_t)(uintptr_t)ids;
		a.query.prog_cnt = sizeof(ids) / sizeof(*ids);
		if (bpf(BPF_PROG_QUERY, &a) < 0) {
			if (g->skb)
				die(STEP_IP_FILTER, errno,
				    "BPF_PROG_QUERY on %s failed",
				    g->bpf_group);
			a.query.prog_cnt = 0;
		}
		for (uint32_t i = 0; i < a.query.prog_cnt && i < 64; i++) {
			union bpf_attr b;
			int fd;

			memset(&b, 0, sizeof(b));
			b.prog_id = ids[i];
			fd = (int)bpf(BPF_PROG_GET_FD_BY_ID, &b);
			if (fd < 0)
				die(STEP_IP_FILTER, errno, "IP filter %u",
				    ids[i]);
			memset(&b, 0, sizeof(b));
			b.target_fd = (uint32_t)cg;
			b.attach_bpf_fd = (uint32_t)fd;
			b.attach_type = types[t];
			if (bpf(BPF_PROG_DETACH, &b) < 0)
				die(STEP_IP_FILTER, errno,
				    "cannot detach the IP filter %u a launch "
				    "before left on %s",
				    ids[i], g->bpf_group);
			close(fd);
		}
		if (!g->skb)
			continue;
		memset(&a, 0, sizeof(a));
		a.target_fd = (uint32_t)cg;
		a.attach_bpf_fd = (uint32_t)g->skb_fd[t];
		a.attach_type = types[t];
		a.attach_flags = BPF_F_ALLOW_MULTI;
		if (bpf(BPF_PROG_ATTACH, &a) < 0)
			die(STEP_IP_FILTER, errno,
			    "IPAddressDeny=: attaching the %s filter to %s "
			    "failed",
			    t ? "egress" : "ingress", g->bpf_group);
		/* The read-back: the group holds exactly this program. */
		memset(&a, 0, sizeof(a));
		a.query.target_fd = (uint32_t)cg;
		a.query.attach_type = types[t];
		a.query.prog_ids = (uint64_t)(uintptr_t)ids;
		a.query.prog_cnt = sizeof(ids) / sizeof(*ids);
		if (bpf(BPF_PROG_QUERY, &a) < 0 || a.query.prog_cnt != 1 ||
		    ids[0] != g->skb_id[t])
			die(STEP_VERIFY, errno,
			    "IPAddressDeny=: %s does not hold the %s filter "
			    "after the attach",
			    g->bpf_group, t ? "egress" : "ingress");
	}
	close(cg);
}
