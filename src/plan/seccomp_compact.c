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
