/* SPDX-License-Identifier: MIT */
/*
 * The compacted main filter (src/plan/seccomp_compact.c) against the program
 * libseccomp exported, for every syscall number on every covered ABI;
 * prints TAP (tests/t/26-seccomp-compact.t).
 *
 * Both programs run through a classic-BPF interpreter written here, apart
 * from the compactor's own analysis, rather than through the kernel: the
 * kernel could only be asked by making each call, and an allowed reboot,
 * kexec_load or an i386 call with garbage arguments is not something to
 * make 4 billion times.  The interpreter can be given every number: all of
 * 0-65535 on x86-64, i386 and x32 (bit 30), the top 64K (-1 and the other
 * negative numbers), every power of two and its neighbours, and a million
 * random ones, each also under foreign architecture tokens.  The kernel
 * is asked what only it can say: that it accepts the compacted program.
 *
 * The other filters (the restrictions, which test arguments) are only
 * shortened by rewrites (seccomp_bpf_peephole()); they are compared on
 * every number 0-1199 (and x32's) with arguments too: each of the twelve
 * argument words alone set to every constant either program compares or
 * masks with (and its neighbours and complement), and random mixes of
 * those, on each arch token.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "seccomp_plan.h"
#include "tap.h"

/* Classic BPF as seccomp runs it (the subset the kernel's checker lets
 * through), over a seccomp_data; 0xdead0000 | pc for a malformed program. */
static uint32_t interpret(const struct sock_filter *f, unsigned len,
			  const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};

	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		uint32_t k = i->k, src = BPF_SRC(i->code) == BPF_X ? x : k;
		bool t;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (i->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (k > sizeof(*d) - 4 || k % 4)
					return 0xdead0000 | pc;
				memcpy(&a, (const char *)d + k, 4);
			} else if (i->code == (BPF_LD | BPF_IMM)) {
				a = k;
			} else if (i->code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = sizeof(*d);
			} else if (i->code == (BPF_LD | BPF_MEM)) {
				a = mem[k % BPF_MEMWORDS];
			} else {
				return 0xdead0000 | pc;
			}
			break;
		case BPF_LDX:
			if (i->code == (BPF_LDX | BPF_IMM))
				x = k;
			else if (i->code == (BPF_LDX | BPF_MEM))
				x = mem[k % BPF_MEMWORDS];
			else if (i->code == (BPF_LDX | BPF_W | BPF_LEN))
				x = sizeof(*d);
			else
				return 0xdead0000 | pc;
			break;
		case BPF_ST:
			mem[k % BPF_MEMWORDS] = a;
			break;
		case BPF_STX:
			mem[k % BPF_MEMWORDS] = x;
			break;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_ADD:
				a += src;
				break;
			case BPF_SUB:
				a -= src;
				break;
			case BPF_MUL:
				a *= src;
				break;
			case BPF_DIV:
				if (!src)
					return 0;
				a /= src;
				break;
			case BPF_MOD:
				if (!src)
					return 0;
				a %= src;
				break;
			case BPF_AND:
				a &= src;
				break;
			case BPF_OR:
				a |= src;
				break;
			case BPF_XOR:
				a ^= src;
				break;
			case BPF_LSH:
				a = src < 32 ? a << src : 0;
				break;
			case BPF_RSH:
				a = src < 32 ? a >> src : 0;
				break;
			case BPF_NEG:
				a = -a;
				break;
			default:
				return 0xdead0000 | pc;
			}
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA) {
				pc += k;
				break;
			}
			switch (BPF_OP(i->code)) {
			case BPF_JEQ:
				t = a == src;
				break;
			case BPF_JGT:
				t = a > src;
				break;
			case BPF_JGE:
				t = a >= src;
				break;
			case BPF_JSET:
				t = (a & src) != 0;
				break;
			default:
				return 0xdead0000 | pc;
			}
			pc += t ? i->jt : i->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? a : k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	return 0xdead0000 | len; /* fell off the end */
}

struct progs {
	struct sock_filter *f;
	unsigned short len;
};

/* Program `which` (-1: the main, last one) of config text, with or
 * without compaction; len 0 when there is no such program. */
static struct progs filter(const char *text, bool compact, int which)
{
	struct config c;
	struct diag dg = {0};
	struct seccomp_plan s;
	char *t = strdup(text);
	struct progs p = {0};

	config_init(&c);
	c.path = strdup("t.conf");
	if (!config_parse_text(&c, t, &dg)) {
		for (size_t i = 0; i < dg.n; i++)
			printf("# %s\n", dg.msg[i]);
		exit(1);
	}
	seccomp_compact_enable(compact);
	if (!seccomp_plan_build(&s, &c, &dg) || !s.n) {
		printf("# no filter built\n");
		exit(1);
	}
	if (which < 0)
		which = s.n - 1;
	if (which < s.n) {
		p.len = s.prog[which].len;
		p.f = malloc(p.len * sizeof(*p.f));
		memcpy(p.f, s.prog[which].insns, p.len * sizeof(*p.f));
	}
	seccomp_plan_free(&s);
	config_free(&c);
	diag_free(&dg);
	free(t);
	return p;
}

static struct progs main_filter(const char *text, bool compact)
{
	return filter(text, compact, -1);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Every number worth trying, on one arch token; the first disagreement,
 * if any, in *bad_nr.  Returns how many numbers were compared. */
static long compare_arch(const struct progs *a, const struct progs *b,
			 uint32_t arch, uint32_t *bad_nr, long *bad)
{
	struct seccomp_data d = {.arch = arch};
	long count = 0;

#define TRY(v)                                                                 \
	do {                                                                   \
		d.nr = (int)(uint32_t)(v);                                     \
		count++;                                                       \
		if (interpret(a->f, a->len, &d) !=                             \
		    interpret(b->f, b->len, &d)) {                             \
			if (!*bad)                                             \
				*bad_nr = (uint32_t)d.nr;                      \
			(*bad)++;                                              \
		}                                                              \
	} while (0)
	for (uint32_t v = 0; v < 0x10000; v++) {
		TRY(v);
		TRY(0x40000000u | v); /* x32 */
		TRY(0xffff0000u | v); /* -1 and the other negative numbers */
	}
	for (int bit = 0; bit < 32; bit++) {
		TRY((1u << bit) - 1);
		TRY(1u << bit);
		TRY((1u << bit) + 1);
		TRY(0x40000000u | (1u << bit));
	}
	for (int i = 0; i < 1000000; i++)
		TRY(next_random());
#undef TRY
	return count;
}

static const struct {
	const char *name;
	uint32_t arch;
} arch_tokens[] = {
	{"x86-64 (and x32, bit 30)", AUDIT_ARCH_X86_64},
	{"i386", AUDIT_ARCH_I386},
	{"aarch64 (foreign)", AUDIT_ARCH_AARCH64},
	{"arm (foreign)", AUDIT_ARCH_ARM},
	{"token 0", 0},
	{"token 0xffffffff", 0xffffffff},
	{"token x86-64 + 1", AUDIT_ARCH_X86_64 + 1},
};

static bool compare(const char *what, const struct progs *lib,
		    const struct progs *tree)
{
	bool all = true;

	for (size_t i = 0; i < sizeof(arch_tokens) / sizeof(*arch_tokens);
	     i++) {
		uint32_t bad_nr = 0;
		long bad = 0,
		     count = compare_arch(lib, tree, arch_tokens[i].arch,
					  &bad_nr, &bad);
		ok(bad == 0, "%s: same action on %s for all %ld numbers tried",
		   what, arch_tokens[i].name, count);
		if (bad)
			printf("#   %ld differ, first nr %#x\n", bad, bad_nr);
		all &= bad == 0;
	}
	return all;
}

/* Every constant either program compares or masks with, its neighbours
 * and complement: the values at which a test can change its answer. */
struct pool {
	uint32_t v[4096];
	size_t n;
};

static void pool_add(struct pool *p, uint32_t x)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i] == x)
			return;
	if (p->n < sizeof(p->v) / sizeof(*p->v))
		p->v[p->n++] = x;
}

static void pool_of(struct pool *p, const struct progs *a)
{
	for (unsigned i = 0; i < a->len; i++) {
		uint16_t c = a->f[i].code;
		uint32_t k = a->f[i].k;
		if (BPF_CLASS(c) != BPF_JMP && BPF_CLASS(c) != BPF_ALU)
			continue;
		pool_add(p, k);
		pool_add(p, k - 1);
		pool_add(p, k + 1);
		pool_add(p, ~k);
	}
	pool_add(p, 0);
	pool_add(p, 0xffffffff);
}

static bool in_pool(const struct pool *p, uint32_t x)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i] == x)
			return true;
	return false;
}

/* With arguments: numbers 0-1199 and their x32 form, on one arch token. */
static long compare_args(const struct progs *a, const struct progs *b,
			 uint32_t arch, uint32_t *bad_nr, long *bad)
{
	struct pool pool = {0};
	struct seccomp_data d;
	long count = 0;

	pool_of(&pool, a);
	pool_of(&pool, b);
#define RUN()                                                                  \
	do {                                                                   \
		count++;                                                       \
		if (interpret(a->f, a->len, &d) !=                             \
		    interpret(b->f, b->len, &d)) {                             \
			if (!*bad)                                             \
				*bad_nr = (uint32_t)d.nr;                      \
			(*bad)++;                                              \
		}                                                              \
	} while (0)
	static const uint32_t edge[] = {0xffffffff, 0x3fffffff, 0x7fffffff,
					0x80000000};
	for (uint32_t v = 0; v < 2400 + 4; v++) {
		uint32_t nr = v < 1200	 ? v
			      : v < 2400 ? 0x40000000u | (v - 1200)
					 : edge[v - 2400];
		uint32_t words[12];
		memset(&d, 0, sizeof(d));
		d.arch = arch;
		d.nr = (int)nr;
		RUN();
		/* Each argument word alone at each value of the pool, for
		 * the numbers either program names (the others reach no
		 * argument test but through the mixes below). */
		for (int w = 0; w < 12 && in_pool(&pool, nr); w++)
			for (size_t i = 0; i < pool.n; i++) {
				memset(d.args, 0, sizeof(d.args));
				memcpy((char *)d.args + 4 * w, &pool.v[i], 4);
				RUN();
			}
		/* Mixes: every word from the pool or random. */
		for (int r = 0; r < 200; r++) {
			for (int w = 0; w < 12; w++)
				words[w] =
					next_random() & 1
						? pool.v[next_random() % pool.n]
						: next_random();
			memcpy(d.args, words, sizeof(words));
			RUN();
		}
	}
#undef RUN
	return count;
}

static bool compare_with_args(const char *what, const struct progs *lib,
			      const struct progs *opt)
{
	bool all = true;

	for (size_t i = 0; i < sizeof(arch_tokens) / sizeof(*arch_tokens);
	     i++) {
		uint32_t bad_nr = 0;
		long bad = 0,
		     count = compare_args(lib, opt, arch_tokens[i].arch,
					  &bad_nr, &bad);
		ok(bad == 0,
		   "%s: same action on %s for all %ld numbers and arguments "
		   "tried",
		   what, arch_tokens[i].name, count);
		if (bad)
			printf("#   %ld differ, first nr %#x\n", bad, bad_nr);
		all &= bad == 0;
	}
	return all;
}

/* A copy of p with its last ALLOW return changed to EPERM: a control
 * that the comparisons can fail. */
static struct progs bend_last_allow(const struct progs *p)
{
	struct progs bent = {malloc(p->len * sizeof(*p->f)), p->len};

	memcpy(bent.f, p->f, p->len * sizeof(*p->f));
	for (int i = p->len - 1; i >= 0; i--)
		if (bent.f[i].code == (BPF_RET | BPF_K) &&
		    bent.f[i].k == SECCOMP_RET_ALLOW) {
			bent.f[i].k = SECCOMP_RET_ERRNO | EPERM;
			break;
		}
	return bent;
}

/* The kernel's own checker on the compacted program, in a child. */
static bool kernel_accepts(const struct progs *p)
{
	struct sock_fprog prog = {p->len, p->f};
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			_exit(1);
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static const char shipped[] = "[Launch]\n"
			      "SystemCallFilter=@system-service\n"
			      "SystemCallFilter=~@privileged @resources\n"
			      "SystemCallFilter=capset @setuid\n"
			      "SystemCallArchitectures=native\n"
			      "SystemCallErrorNumber=EPERM\n";

static const struct {
	const char *what, *text;
	unsigned max_len; /* what the tree must get down to */
} cases[] = {
	{"shipped allow list", shipped, 120},
	{"shipped allow list on x86-64, x32 and i386",
	 "[Launch]\n"
	 "SystemCallFilter=@system-service\n"
	 "SystemCallFilter=~@privileged @resources\n"
	 "SystemCallErrorNumber=EPERM\n"
	 "SystemCallArchitectures=native x32 x86\n",
	 0},
	{"allow list, SIGSYS default, three ABIs",
	 "[Launch]\n"
	 "SystemCallFilter=@basic-io @file-system @io-event\n"
	 "SystemCallArchitectures=native x86 x32\n",
	 0},
	{"deny list with per-call errno (secondary ABIs covered)",
	 "[Launch]\n"
	 "SystemCallFilter=~@mount @reboot:EACCES @swap:kill\n"
	 "SystemCallErrorNumber=EPERM\n",
	 0},
	{"architectures only", "[Launch]\nSystemCallArchitectures=native\n", 0},
};

/*
 * Every path through a program, each checked on an input that takes it.
 * Sampling arguments can miss a test that needs two of them at once (a
 * review bent one jset of the i386 ipc(SHMAT) check to ALLOW and the
 * samples never noticed), so each path is walked instead: every
 * condition on it reads one 32-bit word of seccomp_data, masked, so the
 * path's conditions fall apart by word, and a value for each word is
 * searched for separately.  A path with a word no value satisfies is
 * infeasible (arch is x86-64 and then i386) and pruned as soon as it is.
 */
struct cond {
	uint32_t off, mask, k;
	uint16_t op;
	bool truth;
};

static bool cond_holds(const struct cond *c, uint32_t x)
{
	uint32_t a = x & c->mask;
	bool t;

	switch (c->op) {
	case BPF_JEQ:
		t = a == c->k;
		break;
	case BPF_JGT:
		t = a > c->k;
		break;
	case BPF_JGE:
		t = a >= c->k;
		break;
	default:
		t = (a & c->k) != 0;
	}
	return t == c->truth;
}

/* A value of word off meeting every condition on it: the constants and
 * their neighbours first, then repairs of the first condition broken. */
static bool solve_word(const struct cond *cs, int n, uint32_t off,
		       uint32_t *out)
{
	uint32_t cand[1024];
	size_t nc = 0;

	cand[nc++] = 0;
	cand[nc++] = 0xffffffff;
	for (int i = 0; i < n && nc + 4 <= sizeof(cand) / sizeof(*cand); i++)
		if (cs[i].off == off) {
			cand[nc++] = cs[i].k;
			cand[nc++] = cs[i].k + 1;
			cand[nc++] = cs[i].k - 1;
			cand[nc++] = ~cs[i].k;
		}
	for (int tries = 0; tries < 3000; tries++) {
		uint32_t x = (size_t)tries < nc	 ? cand[tries]
			     : next_random() & 1 ? cand[next_random() % nc]
						 : next_random();
		for (int round = 0; round < 64; round++) {
			const struct cond *c = NULL;
			uint32_t r = next_random() % 3, m;
			for (int i = 0; i < n && !c; i++)
				if (cs[i].off == off && !cond_holds(&cs[i], x))
					c = &cs[i];
			if (!c) {
				*out = x;
				return true;
			}
			switch (c->op) {
			case BPF_JEQ:
				if (c->truth)
					x = (x & ~c->mask) | (c->k & c->mask);
				else if (c->mask) {
					uint32_t bit =
						(1u << (next_random() % 32)) &
						c->mask;
					x ^= bit ? bit : c->mask & -c->mask;
				}
				break;
			case BPF_JGT:
				x = c->truth ? c->k + 1 + r : c->k - r;
				break;
			case BPF_JGE:
				x = c->truth ? c->k + r : c->k - 1 - r;
				break;
			default:
				m = c->k & c->mask;
				if (!c->truth)
					x &= ~m;
				else if (m) {
					uint32_t bit =
						(1u << (next_random() % 32)) &
						m;
					x |= bit ? bit : m & -m;
				}
			}
		}
	}
	return false;
}

struct walk {
	const struct progs *prog, *other;
	struct cond cs[512];
	int n;
	long paths, pruned, differ, unwalkable;
	struct seccomp_data bad;
};

static bool word_solvable(const struct walk *w, uint32_t off)
{
	uint32_t x;

	return solve_word(w->cs, w->n, off, &x);
}

/* At a return: one input for the path, run through both programs. */
static void walk_leaf(struct walk *w, uint32_t ret)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	for (uint32_t off = 0; off < sizeof(d); off += 4) {
		uint32_t x;
		bool used = false;
		for (int i = 0; i < w->n; i++)
			used |= w->cs[i].off == off;
		if (!used)
			continue;
		if (!solve_word(w->cs, w->n, off, &x)) {
			w->pruned++;
			return;
		}
		memcpy((char *)&d + off, &x, 4);
	}
	w->paths++;
	if (interpret(w->prog->f, w->prog->len, &d) != ret ||
	    interpret(w->other->f, w->other->len, &d) != ret) {
		if (!w->differ)
			w->bad = d;
		w->differ++;
	}
}

static void walk(struct walk *w, unsigned pc, uint32_t off, uint32_t mask)
{
	for (; pc < w->prog->len; pc++) {
		const struct sock_filter *i = &w->prog->f[pc];
		if (i->code == (BPF_LD | BPF_W | BPF_ABS)) {
			off = i->k;
			mask = 0xffffffff;
		} else if (i->code == (BPF_ALU | BPF_AND | BPF_K)) {
			mask &= i->k;
		} else if (i->code == (BPF_JMP | BPF_JA)) {
			pc += i->k;
		} else if (i->code == (BPF_RET | BPF_K)) {
			walk_leaf(w, i->k);
			return;
		} else if (BPF_CLASS(i->code) == BPF_JMP &&
			   BPF_SRC(i->code) == BPF_K && off != UINT32_MAX &&
			   w->n < (int)(sizeof(w->cs) / sizeof(*w->cs))) {
			for (int t = 1; t >= 0; t--) {
				w->cs[w->n++] = (struct cond){
					off, mask, i->k, BPF_OP(i->code), t};
				if (word_solvable(w, off))
					walk(w, pc + 1 + (t ? i->jt : i->jf),
					     off, mask);
				else
					w->pruned++;
				w->n--;
			}
			return;
		} else {
			w->unwalkable++; /* anything else: not this model */
			return;
		}
	}
	w->unwalkable++;
}

/* Both directions: every path of each program, on the other. */
static bool compare_paths(const char *what, const struct progs *lib,
			  const struct progs *opt)
{
	struct walk *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	bool same;

	a->prog = lib;
	a->other = opt;
	b->prog = opt;
	b->other = lib;
	walk(a, 0, UINT32_MAX, 0);
	walk(b, 0, UINT32_MAX, 0);
	same = a->paths > 0 && b->paths > 0 && !a->differ && !b->differ &&
	       !a->unwalkable && !b->unwalkable;
	ok(same,
	   "%s: same action on every path of both programs (%ld and %ld "
	   "paths, %ld and %ld infeasible branches pruned)",
	   what, a->paths, b->paths, a->pruned, b->pruned);
	if (a->differ || b->differ) {
		const struct seccomp_data *d = a->differ ? &a->bad : &b->bad;
		printf("#   %ld differ, first arch %#x nr %#x args %#llx %#llx "
		       "%#llx\n",
		       a->differ + b->differ, d->arch, (uint32_t)d->nr,
		       (unsigned long long)d->args[0],
		       (unsigned long long)d->args[1],
		       (unsigned long long)d->args[2]);
	}
	if (a->unwalkable || b->unwalkable)
		printf("#   %ld paths with an instruction the walk does not "
		       "model\n",
		       a->unwalkable + b->unwalkable);
	free(a);
	free(b);
	return same;
}

/* The filters before the main one: the restrictions.  The first case is
 * the shipped config itself (argv[1]). */
static const struct {
	const char *what, *text;
	unsigned max_len;
} restrict_cases[] = {
	{"shipped restrictions", NULL, 180},
	{"shipped restrictions on x86-64 and i386",
	 "SystemCallArchitectures=native x86\n", 0},
	{"deny-list families, some namespaces, clock, hostname, devices, x32",
	 "[Launch]\n"
	 "RestrictAddressFamilies=~AF_PACKET AF_NETLINK\n"
	 "RestrictNamespaces=cgroup ipc net\n"
	 "ProtectClock=yes\nProtectHostname=yes\nPrivateDevices=yes\n"
	 "SystemCallArchitectures=native x32\n",
	 0},
	{"no families, namespaces denied by name, W^X, SUID",
	 "[Launch]\n"
	 "RestrictAddressFamilies=none\n"
	 "RestrictNamespaces=~user mnt\n"
	 "MemoryDenyWriteExecute=yes\nRestrictSUIDSGID=yes\n"
	 "LockPersonality=yes\nRestrictRealtime=yes\n",
	 0},
};

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0, got;
	char chunk[4096];

	if (!f) {
		printf("# cannot read %s\n", path);
		exit(1);
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = realloc(buf, n + got + 1);
		memcpy(buf + n, chunk, got);
		n += got;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void restrictions(const char *shipped_path)
{
	char *file = read_all(shipped_path);

	for (size_t c = 0; c < sizeof(restrict_cases) / sizeof(*restrict_cases);
	     c++) {
		char *text;
		struct progs lib, opt;
		if (!restrict_cases[c].text)
			text = strdup(file);
		else if (restrict_cases[c].text[0] != '[') {
			text = malloc(strlen(file) +
				      strlen(restrict_cases[c].text) + 1);
			strcpy(text, file);
			strcat(text, restrict_cases[c].text);
		} else
			text = strdup(restrict_cases[c].text);
		lib = filter(text, false, 0);
		opt = filter(text, true, 0);
		printf("# %s: libseccomp %u instructions, rewritten %u\n",
		       restrict_cases[c].what, lib.len, opt.len);
		ok(lib.len && opt.len && opt.len < lib.len,
		   "%s: the rewrites shorten it (%u < %u)",
		   restrict_cases[c].what, opt.len, lib.len);
		if (restrict_cases[c].max_len)
			ok(opt.len <= restrict_cases[c].max_len,
			   "%s: down to %u instructions (at most %u)",
			   restrict_cases[c].what, opt.len,
			   restrict_cases[c].max_len);
		compare_with_args(restrict_cases[c].what, &lib, &opt);
		compare_paths(restrict_cases[c].what, &lib, &opt);
		ok(kernel_accepts(&opt), "%s: the kernel loads it",
		   restrict_cases[c].what);
		/* The comparison can fail: one return changed. */
		if (c == 0) {
			struct progs bent = bend_last_allow(&opt);
			uint32_t bad_nr = 0;
			long bad = 0;
			compare_args(&lib, &bent, AUDIT_ARCH_X86_64, &bad_nr,
				     &bad);
			ok(bad > 0,
			   "control: a rewritten program with one return "
			   "changed differs (%ld inputs, first nr %#x)",
			   bad, bad_nr);
			{
				struct walk *w = calloc(1, sizeof(*w));
				w->prog = &lib;
				w->other = &bent;
				walk(w, 0, UINT32_MAX, 0);
				ok(w->differ > 0,
				   "control: the path walk finds it too (%ld "
				   "of %ld paths)",
				   w->differ, w->paths);
				free(w);
			}
			free(bent.f);
		}
		/* The review's bend: one argument test (MemoryDenyWrite
		 * Execute's SHM_EXEC on i386 ipc(SHMAT)) sent to ALLOW, which
		 * sampling arguments one word at a time missed. */
		if (c == 1) {
			struct progs bent = {malloc(opt.len * sizeof(*opt.f)),
					     opt.len};
			struct walk *w = calloc(1, sizeof(*w));
			int at = -1, allow = -1;
			memcpy(bent.f, opt.f, opt.len * sizeof(*opt.f));
			for (int i = opt.len - 1; i >= 0 && at < 0; i--)
				if (bent.f[i].code ==
					    (BPF_JMP | BPF_JSET | BPF_K) &&
				    bent.f[i].k == 0x8000 /* SHM_EXEC */)
					at = i;
			for (int i = at + 1;
			     at >= 0 && i < opt.len && i <= at + 256; i++)
				if (bent.f[i].code == (BPF_RET | BPF_K) &&
				    bent.f[i].k == SECCOMP_RET_ALLOW) {
					allow = i;
					break;
				}
			if (at >= 0 && allow >= 0) {
				bent.f[at].jt = (uint8_t)(allow - at - 1);
				w->prog = &lib;
				w->other = &bent;
				walk(w, 0, UINT32_MAX, 0);
			}
			ok(at >= 0 && allow >= 0 && w->differ > 0,
			   "control: the SHM_EXEC test of i386 ipc() sent to "
			   "ALLOW is found by the path walk (%ld of %ld "
			   "paths)",
			   w->differ, w->paths);
			free(w);
			free(bent.f);
		}
		free(lib.f);
		free(opt.f);
		free(text);
	}
	free(file);
}

int main(int argc, char **argv)
{
	for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
		struct progs lib = main_filter(cases[c].text, false),
			     tree = main_filter(cases[c].text, true);

		printf("# %s: libseccomp %u instructions, tree %u\n",
		       cases[c].what, lib.len, tree.len);
		ok(tree.len <= lib.len, "%s: the tree is no longer (%u <= %u)",
		   cases[c].what, tree.len, lib.len);
		if (cases[c].max_len)
			ok(tree.len <= cases[c].max_len,
			   "%s: compacted to %u instructions (at most %u)",
			   cases[c].what, tree.len, cases[c].max_len);
		compare(cases[c].what, &lib, &tree);
		ok(kernel_accepts(&tree), "%s: the kernel loads the tree",
		   cases[c].what);
		/* The comparison can fail: change one return of the tree. */
		if (c == 0) {
			struct progs bent = bend_last_allow(&tree);
			uint32_t bad_nr = 0;
			long bad = 0;
			compare_arch(&lib, &bent, AUDIT_ARCH_X86_64, &bad_nr,
				     &bad);
			ok(bad > 0,
			   "control: a tree with one return changed differs "
			   "(%ld numbers, first %#x)",
			   bad, bad_nr);
			free(bent.f);
		}
		free(lib.f);
		free(tree.f);
	}
	if (argc > 1)
		restrictions(argv[1]);
	else
		ok(false, "the shipped config's path as the first argument");
	return done_testing();
}
