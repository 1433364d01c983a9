/* SPDX-License-Identifier: MIT */
/*
 * The main filter as a range tree with shared returns, generated from the
 * program libseccomp exported (ENOSYS prefix included) when the filter is
 * compiled, so only a cache miss pays for it.
 *
 * Why: the kernel's cost of loading a filter grows with its length (the
 * checker, the JIT and, above all, the action cache, which runs the
 * program once for every syscall number of every ABI).  libseccomp's
 * @system-service allow list is 373 instructions, but as a function of
 * (arch, nr) it has about 75 runs of equal action: a binary search over
 * those runs, with one return per distinct action, is about a quarter of
 * the length and gives the same action for every input
 * (tests/test-compact.c checks every number on every ABI).
 *
 * How: a program that loads only seccomp_data.arch and .nr and compares
 * them with constants (JEQ, JGT, JGE) gives the same result for all values
 * between two consecutive constants.  The program is run on one
 * representative of each such interval until no run compares with a
 * constant not yet seen; then every interval's action is known exactly,
 * and adjacent intervals with the same action form one run.  Anything
 * else in the program (an argument, JSET, arithmetic) and the program is
 * left as it is.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_plan.h"

static bool compact_on = true;

void seccomp_compact_enable(bool on)
{
	compact_on = on;
}

/* Sorted, unique 32-bit values: the starts of the intervals. */
struct points {
	uint32_t *v;
	size_t n, cap;
	bool grew;
};

static void points_add(struct points *p, uint32_t x)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->n && p->v[lo] == x)
		return;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	memmove(p->v + lo + 1, p->v + lo, (p->n - lo) * sizeof(*p->v));
	p->v[lo] = x;
	p->n++;
	p->grew = true;
}

/* A comparison with k splits the values at k and at k + 1. */
static void points_split(struct points *p, uint32_t k)
{
	points_add(p, k);
	if (k != UINT32_MAX)
		points_add(p, k + 1);
}

enum { SRC_NONE, SRC_NR, SRC_ARCH };

/*
 * Runs the program for one (arch, nr), noting every constant compared with
 * either; false if the program does anything this analysis does not model.
 */
static bool run(const struct sock_filter *f, size_t len, uint32_t arch,
		uint32_t nr, struct points *archs, struct points *nrs,
		uint32_t *ret)
{
	uint32_t a = 0;
	int src = SRC_NONE;
	size_t pc = 0;

	while (pc < len) {
		const struct sock_filter *i = &f[pc];
		bool taken;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k == offsetof(struct seccomp_data, nr)) {
				a = nr;
				src = SRC_NR;
			} else if (i->k ==
				   offsetof(struct seccomp_data, arch)) {
				a = arch;
				src = SRC_ARCH;
			} else {
				return false;
			}
			pc++;
			continue;
		case BPF_RET | BPF_K:
			*ret = i->k;
			return true;
		case BPF_JMP | BPF_JA:
			if (i->k >= len - pc - 1)
				return false;
			pc += 1 + i->k;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			taken = a == i->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			taken = a > i->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			taken = a >= i->k;
			break;
		default:
			return false;
		}
		if (src == SRC_NONE)
			return false;
		points_split(src == SRC_NR ? nrs : archs, i->k);
		pc += 1 + (taken ? i->jt : i->jf);
	}
	return false; /* fell off the end: not a valid program */
}

/* A run of equal action: from start up to the next run's start. */
struct run {
	uint32_t start;
	uint32_t action; /* for nr runs: the action; for arch runs: a block */
};

struct table {
	struct run *v;
	size_t n;
};

static void table_add(struct table *t, uint32_t start, uint32_t action)
{
	if (t->n && t->v[t->n - 1].action == action)
		return;
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = (struct run){start, action};
}

static bool same_table(const struct table *a, const struct table *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].start != b->v[i].start ||
		    a->v[i].action != b->v[i].action)
			return false;
	return true;
}

/*
 * A binary search over runs r[0..n) (n >= 2), laid out at out[at]: n - 1
 * JGE instructions, the left half right behind each node; target(i) is
 * where run i's leaf jumps.  False if a jump would be longer than a
 * conditional jump can reach.
 */
static bool emit_tree(struct sock_filter *out, size_t at, const struct run *r,
		      const size_t *target, size_t n)
{
	size_t mid = n / 2, left_at = at + 1, right_at = left_at + (mid - 1);
	size_t jt = n - mid > 1 ? right_at : target[mid];
	size_t jf = mid > 1 ? left_at : target[0];

	if (jt - (at + 1) > 255 || jf - (at + 1) > 255)
		return false;
	out[at] = (struct sock_filter)BPF_JUMP(
		BPF_JMP | BPF_JGE | BPF_K, r[mid].start,
		(unsigned char)(jt - (at + 1)), (unsigned char)(jf - (at + 1)));
	return (mid < 2 || emit_tree(out, left_at, r, target, mid)) &&
	       (n - mid < 2 ||
		emit_tree(out, right_at, r + mid, target + mid, n - mid));
}

/* The distinct actions of a table, in order of first use. */
static size_t actions_of(const struct table *t, uint32_t *rets)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		size_t j = 0;
		while (j < n && rets[j] != t->v[i].action)
			j++;
		if (j == n)
			rets[n++] = t->v[i].action;
	}
	return n;
}

/* One block per distinct nr table; the table of block b. */
struct blocks {
	const struct table **t;
	size_t *at; /* where each block starts */
	size_t n;
};

/* Instructions of block b: its return alone when it has one run; else
 * load nr, the tree and its own returns (so no jump crosses a block). */
static size_t block_len(const struct table *t, uint32_t *scratch)
{
	return t->n == 1 ? 1 : 1 + (t->n - 1) + actions_of(t, scratch);
}

/*
 * Lays the program out into out (NULL: only its length); with tramp, the
 * arch tree jumps to one JA per block, for blocks further away than a
 * conditional jump reaches.  0 when a jump cannot reach.
 */
static size_t layout(struct sock_filter *out, const struct table *arch_runs,
		     struct blocks *bl, bool tramp, uint32_t *rets, size_t *tgt)
{
	size_t first = 1 + (arch_runs->n - 1),
	       pos = first + (tramp ? bl->n : 0);
	size_t *block_at = bl->at;

	for (size_t b = 0; b < bl->n; b++) {
		block_at[b] = pos;
		pos += block_len(bl->t[b], rets);
	}
	if (!out)
		return pos;
	out[0] = (struct sock_filter)BPF_STMT(
		BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	for (size_t b = 0; b < bl->n; b++) {
		const struct table *t = bl->t[b];
		size_t at = block_at[b], nrets, rets_at;
		if (tramp)
			out[first + b] = (struct sock_filter)BPF_STMT(
				BPF_JMP | BPF_JA,
				(uint32_t)(at - (first + b + 1)));
		if (t->n == 1) {
			out[at] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
							       t->v[0].action);
			continue;
		}
		nrets = actions_of(t, rets);
		rets_at = at + 1 + (t->n - 1);
		out[at] = (struct sock_filter)BPF_STMT(
			BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr));
		for (size_t j = 0; j < nrets; j++)
			out[rets_at + j] = (struct sock_filter)BPF_STMT(
				BPF_RET | BPF_K, rets[j]);
		for (size_t i = 0; i < t->n; i++) {
			size_t j = 0;
			while (rets[j] != t->v[i].action)
				j++;
			tgt[i] = rets_at + j;
		}
		if (!emit_tree(out, at + 1, t->v, tgt, t->n))
			return 0;
	}
	/* With one arch run (every arch alike) its block follows at 1. */
	if (arch_runs->n > 1) {
		for (size_t i = 0; i < arch_runs->n; i++)
			tgt[i] = tramp ? first + arch_runs->v[i].action
				       : block_at[arch_runs->v[i].action];
		if (!emit_tree(out, 1, arch_runs->v, tgt, arch_runs->n))
			return 0;
	}
	return pos;
}

bool seccomp_bpf_compact(struct sock_filter **insns, unsigned short *len)
{
	struct points archs = {0}, nrs = {0};
	struct table *per_arch = NULL, arch_runs = {0};
	struct blocks bl = {0};
	uint32_t *rets = NULL;
	size_t *tgt = NULL, maxruns = 2, total = 0;
	struct sock_filter *out = NULL;
	bool ok = false;

	if (!compact_on)
		return false;
	points_add(&archs, 0);
	points_add(&nrs, 0);
	/* Until every interval's representative compares only with known
	 * constants: then no two values in one interval can part ways. */
	do {
		archs.grew = nrs.grew = false;
		for (size_t a = 0; a < archs.n; a++)
			for (size_t i = 0; i < nrs.n; i++) {
				uint32_t r;
				if (!run(*insns, *len, archs.v[a], nrs.v[i],
					 &archs, &nrs, &r))
					goto out;
			}
	} while (archs.grew || nrs.grew);

	/* Each arch interval's action for every nr interval, as runs; arch
	 * intervals with the same runs share one block. */
	per_arch = xcalloc(archs.n, sizeof(*per_arch));
	bl.t = xcalloc(archs.n, sizeof(const struct table *));
	bl.at = xcalloc(archs.n, sizeof(*bl.at));
	for (size_t a = 0; a < archs.n; a++) {
		size_t b = 0;
		for (size_t i = 0; i < nrs.n; i++) {
			uint32_t r;
			if (!run(*insns, *len, archs.v[a], nrs.v[i], &archs,
				 &nrs, &r))
				goto out;
			table_add(&per_arch[a], nrs.v[i], r);
		}
		while (b < bl.n && !same_table(bl.t[b], &per_arch[a]))
			b++;
		if (b == bl.n)
			bl.t[bl.n++] = &per_arch[a];
		table_add(&arch_runs, archs.v[a], (uint32_t)b);
		if (per_arch[a].n > maxruns)
			maxruns = per_arch[a].n;
	}
	if (arch_runs.n > maxruns)
		maxruns = arch_runs.n;
	rets = xcalloc(maxruns, sizeof(*rets));
	tgt = xcalloc(maxruns, sizeof(*tgt));
	for (int tramp = 0; tramp < 2 && !ok; tramp++) {
		total = layout(NULL, &arch_runs, &bl, tramp, rets, tgt);
		if (total >= *len || total > BPF_MAXINSNS)
			goto out; /* nothing gained */
		free(out);
		out = xcalloc(total, sizeof(*out));
		ok = layout(out, &arch_runs, &bl, tramp, rets, tgt) == total;
	}
	if (!ok)
		goto out;
	free(*insns);
	*insns = out;
	*len = (unsigned short)total;
	out = NULL;
out:
	for (size_t a = 0; per_arch && a < archs.n; a++)
		free(per_arch[a].v);
	free(per_arch);
	free(bl.t);
	free(bl.at);
	free(arch_runs.v);
	free(rets);
	free(tgt);
	free(out);
	free(archs.v);
	free(nrs.v);
	return ok;
}

/*
 * Programs that look at arguments (the restrictions filter) cannot be a
 * range tree, but libseccomp's code for them repeats itself: each
 * argument test loads the upper 32 bits, masks them with 0 and compares
 * with 0 (always true), and each bit test is load, mask, compare, even
 * when the word is already in the accumulator.  The rewrites below keep
 * every path's result and shorten the program (the shipped restrictions
 * from 247 to 159 instructions): the kernel's load time follows the
 * length.  tests/test-compact.c runs both programs on numbers 0-1199 and
 * their x32 form, with arguments drawn from every constant either
 * program tests, on every arch token.
 */
enum { PH_LIVE, PH_NOOP, PH_DEAD };

struct ph_node {
	uint16_t code;
	uint32_t k;
	size_t t, f; /* absolute targets; t is the next one for non-jumps */
	int state;
	size_t refs; /* jumps and fall-throughs into it */
};

#define PH_LD	(BPF_LD | BPF_W | BPF_ABS)
#define PH_AND	(BPF_ALU | BPF_AND | BPF_K)
#define PH_JA	(BPF_JMP | BPF_JA)
#define PH_RET	(BPF_RET | BPF_K)
#define PH_NONE SIZE_MAX

static bool ph_cond(uint16_t code)
{
	return code == (BPF_JMP | BPF_JEQ | BPF_K) ||
	       code == (BPF_JMP | BPF_JGT | BPF_K) ||
	       code == (BPF_JMP | BPF_JGE | BPF_K) ||
	       code == (BPF_JMP | BPF_JSET | BPF_K);
}

/* Where control really goes from x: past removed loads and jumps. */
static size_t ph_final(const struct ph_node *n, size_t len, size_t x)
{
	while (x < len && n[x].state == PH_NOOP)
		x = n[x].t;
	return x;
}

/* Whether the code from x on may read A before it writes A. */
static bool ph_reads_a(const struct ph_node *n, size_t len, size_t x)
{
	for (;;) {
		if (x >= len || n[x].state == PH_DEAD)
			return true;
		if (n[x].state == PH_NOOP || n[x].code == PH_JA) {
			x = n[x].t;
			continue;
		}
		return n[x].code != PH_LD && n[x].code != PH_RET;
	}
}

bool seccomp_bpf_peephole(struct sock_filter **insns, unsigned short *len)
{
	const struct sock_filter *f = *insns;
	size_t m = *len, *at = NULL, out_len = 0;
	struct ph_node *n;
	uint64_t *in = NULL; /* A's source: LD offset + 1, 0 unknown */
	struct sock_filter *out = NULL;
	bool ok = false, changed;

	if (!compact_on || m < 3)
		return false;
	n = xcalloc(m, sizeof(*n));
	for (size_t i = 0; i < m; i++) {
		n[i].code = f[i].code;
		n[i].k = f[i].k;
		n[i].t = n[i].f = PH_NONE;
		if (f[i].code == PH_LD || f[i].code == PH_AND)
			n[i].t = i + 1;
		else if (f[i].code == PH_JA)
			n[i].t = i + 1 + f[i].k;
		else if (ph_cond(f[i].code)) {
			n[i].t = i + 1 + f[i].jt;
			n[i].f = i + 1 + f[i].jf;
		} else if (f[i].code != PH_RET)
			goto out; /* anything else: left as it is */
		if ((n[i].t != PH_NONE && n[i].t >= m) ||
		    (n[i].f != PH_NONE && n[i].f >= m))
			goto out;
		if (n[i].t != PH_NONE)
			n[n[i].t].refs++;
		if (n[i].f != PH_NONE)
			n[n[i].f].refs++;
	}
	/* "and #0; jeq #0": always true, whatever A held. */
	for (size_t j = 0; j + 1 < m; j++)
		if (n[j].state == PH_LIVE && n[j + 1].state == PH_LIVE &&
		    n[j].code == PH_AND && n[j].k == 0 &&
		    n[j + 1].code == (BPF_JMP | BPF_JEQ | BPF_K) &&
		    n[j + 1].k == 0 && n[j + 1].refs == 1 &&
		    !ph_reads_a(n, m, n[j + 1].t)) {
			n[j].code = PH_JA;
			n[j].t = n[j + 1].t;
			n[j + 1].state = PH_DEAD;
		}
	/* "and #bit; jeq #bit" (or #0) is "jset #bit" (or its negation),
	 * leaving A unmasked for targets that do not read it. */
	for (size_t j = 0; j + 1 < m; j++) {
		struct ph_node *a = &n[j], *q = &n[j + 1];
		if (a->state != PH_LIVE || q->state != PH_LIVE ||
		    a->code != PH_AND || !a->k || (a->k & (a->k - 1)) ||
		    q->code != (BPF_JMP | BPF_JEQ | BPF_K) ||
		    (q->k != a->k && q->k != 0) || q->refs != 1 ||
		    ph_reads_a(n, m, q->t) || ph_reads_a(n, m, q->f))
			continue;
		a->code = BPF_JMP | BPF_JSET | BPF_K;
		a->t = q->k ? q->t : q->f;
		a->f = q->k ? q->f : q->t;
		q->state = PH_DEAD;
	}
	/* A load nobody reads. */
	for (size_t i = 0; i < m; i++)
		if (n[i].state == PH_LIVE && n[i].code == PH_LD &&
		    !ph_reads_a(n, m, i + 1))
			n[i].state = PH_NOOP;
	/* A load of what A already holds on every path into it. */
	in = xcalloc(m, sizeof(*in));
	for (size_t i = 0; i < m; i++)
		in[i] = UINT64_MAX; /* no path seen yet */
	in[0] = 0;
	for (size_t i = 0; i < m; i++) {
		uint64_t o;
		if (n[i].state == PH_DEAD)
			continue;
		if (in[i] == UINT64_MAX)
			in[i] = 0;
		if (n[i].state == PH_LIVE && n[i].code == PH_LD &&
		    in[i] == (uint64_t)n[i].k + 1)
			n[i].state = PH_NOOP;
		o = n[i].state == PH_NOOP ? in[i]
		    : n[i].code == PH_LD  ? (uint64_t)n[i].k + 1
		    : n[i].code == PH_AND ? 0
					  : in[i];
		for (int e = 0; e < 2; e++) {
			size_t t = e ? n[i].f : n[i].t;
			if (t == PH_NONE)
				continue;
			in[t] = in[t] == UINT64_MAX ? o : in[t] == o ? o : 0;
		}
	}
	/* Jumps to the next instruction left go; then every target is
	 * where control really goes. */
	do {
		size_t next = PH_NONE;
		changed = false;
		for (size_t i = m; i-- > 0;) {
			if (n[i].state != PH_LIVE)
				continue;
			if (n[i].code == PH_JA &&
			    ph_final(n, m, n[i].t) == next) {
				n[i].state = PH_NOOP;
				changed = true;
				continue;
			}
			next = i;
		}
	} while (changed);
	at = xcalloc(m + 1, sizeof(*at));
	for (size_t i = 0; i < m; i++)
		at[i] = n[i].state == PH_LIVE ? out_len++ : PH_NONE;
	if (out_len >= m)
		goto out; /* nothing gained */
	out = xcalloc(out_len, sizeof(*out));
	for (size_t i = 0, next; i < m; i++) {
		size_t t, e;
		if (n[i].state != PH_LIVE)
			continue;
		for (next = i + 1; next < m && n[next].state != PH_LIVE; next++)
			;
		out[at[i]] =
			(struct sock_filter){.code = n[i].code, .k = n[i].k};
		if (n[i].code == PH_RET)
			continue;
		t = ph_final(n, m, n[i].t);
		if (t >= m || n[t].state != PH_LIVE || t <= i)
			goto out;
		if (n[i].code == PH_LD || n[i].code == PH_AND) {
			if (t != next)
				goto out; /* a fall-through that moved */
			continue;
		}
		if (n[i].code == PH_JA) {
			out[at[i]].k = (uint32_t)(at[t] - at[i] - 1);
			continue;
		}
		e = ph_final(n, m, n[i].f);
		if (e >= m || n[e].state != PH_LIVE || e <= i ||
		    at[t] - at[i] - 1 > 255 || at[e] - at[i] - 1 > 255)
			goto out;
		out[at[i]].jt = (uint8_t)(at[t] - at[i] - 1);
		out[at[i]].jf = (uint8_t)(at[e] - at[i] - 1);
	}
	free(*insns);
	*insns = out;
	*len = (unsigned short)out_len;
	out = NULL;
	ok = true;
out:
	free(n);
	free(in);
	free(at);
	free(out);
	return ok;
}
