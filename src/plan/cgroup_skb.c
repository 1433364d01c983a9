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

#include "cgroup_prog.h"
#include "cgroup.h"
#include "plan.h"
#include "steps.h"

#define RET(v)                                                                 \
	do {                                                                   \
		p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0,   \
				  0, (v));                                     \
		p[n++] = BPF_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);             \
	} while (0)
/* r0 = bpf_skb_load_bytes(r6, off, r10 - 16, len); allowed on failure. */
#define LOAD(off, len)                                                         \
	do {                                                                   \
		p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1,      \
				  BPF_REG_6, 0, 0);                            \
		p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0,   \
				  0, (off));                                   \
		p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3,      \
				  BPF_REG_10, 0, 0);                           \
		p[n++] = BPF_INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0,   \
				  0, -16);                                     \
		p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0,   \
				  0, (len));                                   \
		p[n++] = BPF_INSN(BPF_JMP | BPF_CALL, 0, 0, 0,                 \
				  BPF_FUNC_skb_load_bytes);                    \
		p[n++] = BPF_INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2,  \
				  0);                                          \
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
			p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_X,
					  BPF_REG_7, BPF_REG_2 + (int)k, 0, 0);
			p[n++] = BPF_INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_7,
					  0, 0, (int32_t)mask[k]);
			p[n] = BPF_INSN(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_7,
					0, (short)(end - n - 1),
					(int32_t)net[k]);
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
		p[n++] = BPF_INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2 + k,
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
	int fd;

	p[n++] = BPF_INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0,
			  0);
	/* The IP version, from the first byte of the network header, where
	 * the data of a cgroup skb program starts. */
	LOAD(0, 1);
	p[n++] = BPF_INSN(BPF_LDX | BPF_B | BPF_MEM, BPF_REG_7, BPF_REG_10, -16,
			  0);
	p[n++] = BPF_INSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_7, 0, 0, 4);
	v6_jump = n++; /* if r7 == 6: the IPv6 part, patched below */
	p[n++] = BPF_INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_7, 0, 2, 4);
	RET(1); /* neither: not IP, not ours to judge */
	/* IPv4: source at 12, destination at 16. */
	n = family_program(p, n, c, AF_INET, ingress ? 12 : 16);
	p[v6_jump] = BPF_INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_7, 0,
			      (short)(n - v6_jump - 1), 6);
	/* IPv6: source at 8, destination at 24. */
	n = family_program(p, n, c, AF_INET6, ingress ? 8 : 24);

	fd = cgroup_prog_load(BPF_PROG_TYPE_CGROUP_SKB,
			      ingress ? BPF_CGROUP_INET_INGRESS
				      : BPF_CGROUP_INET_EGRESS,
			      p, n, NULL, 0);
	free(p);
	return fd;
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
		g->skb_id[i] = cgroup_prog_id(fd);
	}
	g->skb = true;
}
