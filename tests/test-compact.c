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

/* The main (last) filter of config text, with or without compaction. */
static struct progs main_filter(const char *text, bool compact)
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
	p.len = s.prog[s.n - 1].len;
	p.f = malloc(p.len * sizeof(*p.f));
	memcpy(p.f, s.prog[s.n - 1].insns, p.len * sizeof(*p.f));
	seccomp_plan_free(&s);
	config_free(&c);
	diag_free(&dg);
	free(t);
	return p;
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

int main(void)
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
			struct progs bent = {malloc(tree.len * sizeof(*tree.f)),
					     tree.len};
			uint32_t bad_nr = 0;
			long bad = 0;
			memcpy(bent.f, tree.f, tree.len * sizeof(*tree.f));
			for (int i = tree.len - 1; i >= 0; i--)
				if (bent.f[i].code == (BPF_RET | BPF_K) &&
				    bent.f[i].k == SECCOMP_RET_ALLOW) {
					bent.f[i].k = SECCOMP_RET_ERRNO | EPERM;
					break;
				}
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
	return done_testing();
}
