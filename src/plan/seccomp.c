/* SPDX-License-Identifier: MIT */
/*
 * Seccomp filters with systemd's directives and semantics, built with
 * libseccomp in the plan phase and exported as BPF; seccomp_apply() only
 * hands the prebuilt programs to the kernel, as the last step before exec.
 *
 * Up to three filters, stacked (the kernel applies the strictest verdict):
 *   1. SystemCallFilter= / SystemCallArchitectures=: no argument checks, so
 *      the kernel's per-syscall action cache serves every allowed call;
 *   2. the restrictions that inspect arguments (RestrictAddressFamilies=,
 *      RestrictNamespaces=, LockPersonality=, RestrictRealtime=,
 *      RestrictSUIDSGID=, MemoryDenyWriteExecute=), all on calls that are
 *      not hot;
 *   3. SystemCallLog=.
 * Keeping argument checks out of filter 1 keeps read/write/futex and the
 * like on the cached path; see bench/ and docs/benchmarks.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/ioctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"
#include "seccomp_merge.h"
#include "seccomp_plan.h"
#include "steps.h"
#include "seccomp_guards.h"
#include "syscall_groups.h"
#include "syscall_names.h"

/* The resolved SystemCallFilter= set, as systemd merges it. */
struct set {
	struct seccomp_entry *v;
	size_t n;
};

static struct seccomp_entry *set_find(const struct set *s, const char *name)
{
	for (size_t i = 0; s->v && i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

static void set_add(struct set *s, const char *name, int err)
{
	struct seccomp_entry *e = set_find(s, name);

	if (e) {
		e->err = err;
		return;
	}
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n].name = xstrdup(name);
	s->v[s->n++].err = err;
}

static void set_del(struct set *s, const char *name)
{
	for (size_t i = 0; s->v && i < s->n; i++) {
		if (strcmp(s->v[i].name, name) != 0)
			continue;
		free(s->v[i].name);
		s->v[i] = s->v[--s->n]; /* the last entry fills the hole */
		return;
	}
}

static void set_free(struct set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

struct apply_ctx {
	struct set *set;
	bool add;
	int err;
};

static int apply_one(const char *name, void *ud)
{
	struct apply_ctx *a = ud;

	if (a->add)
		set_add(a->set, name, a->err);
	else
		set_del(a->set, name);
	return 0;
}

static void apply_word(struct set *s, const char *name, bool add, int err)
{
	struct apply_ctx a = {s, add, err};

	if (name[0] == '@')
		syscall_group_expand(name, apply_one, &a);
	else
		apply_one(name, &a);
}

static void merge_one(const struct syscall_word *w, void *ud)
{
	apply_word(ud, w->name, w->add, w->err);
}

/* The resolved SystemCallFilter= set, merged as systemd merges it
 * (src/parse/seccomp_merge.c); *allow_list: its mode. */
static bool merge_lines(const struct words *lines, struct set *s,
			bool *allow_list)
{
	return syscall_lines_walk(lines, true, allow_list, merge_one, s);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct seccomp_entry *)a)->name,
		      ((const struct seccomp_entry *)b)->name);
}

static bool export_bpf(struct seccomp_prog *prog, scmp_filter_ctx ctx,
		       const char *what, struct diag *dg)
{
	int fd = memfd_create("osapi-launch-bpf", MFD_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0) {
		diag_add(dg, (struct origin){0}, "seccomp: memfd_create (%s)",
			 errno_name(errno));
		return false;
	}
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0 || fstat(fd, &st) < 0 || st.st_size == 0 ||
	    st.st_size % (off_t)sizeof(struct sock_filter) ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		diag_add(dg, (struct origin){0},
			 "seccomp: cannot export the %s filter (%s)", what,
			 errno_name(r < 0 ? -r : EINVAL));
		close(fd);
		return false;
	}
	prog->insns = xmalloc((size_t)st.st_size);
	if (pread(fd, prog->insns, (size_t)st.st_size, 0) != st.st_size) {
		diag_add(dg, (struct origin){0},
			 "seccomp: reading back the %s "
			 "filter failed",
			 what);
		close(fd);
		return false;
	}
	close(fd);
	prog->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	prog->what = what;
	prog->ctx = ctx;
	return true;
}

/* Secondary ABIs the native one can call into (x86-64: i386 and x32). */
static int secondary_archs(uint32_t native, uint32_t *out)
{
	if (native == SCMP_ARCH_X86_64) {
		out[0] = SCMP_ARCH_X86;
		out[1] = SCMP_ARCH_X32;
		return 2;
	}
	if (native == SCMP_ARCH_AARCH64) {
		out[0] = SCMP_ARCH_ARM;
		return 1;
	}
	return 0;
}

static scmp_filter_ctx new_ctx(uint32_t def, const struct seccomp_plan *s,
			       uint32_t badarch)
{
	scmp_filter_ctx ctx = seccomp_init(def);

	if (!ctx)
		return NULL;
	/* no_new_privs is the launcher's own explicit step, not a side
	 * effect of libseccomp (which would set it by default). */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, badarch) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		goto fail;
	for (int i = 0; i < s->narchs; i++) {
		if (s->archs[i] == seccomp_arch_native())
			continue;
		if (seccomp_arch_add(ctx, s->archs[i]) < 0)
			goto fail;
	}
	if (!s->narchs || s->archs[0] != seccomp_arch_native()) {
		bool native_listed = false;
		for (int i = 0; i < s->narchs; i++)
			native_listed |= s->archs[i] == seccomp_arch_native();
		if (s->narchs && !native_listed &&
		    seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0)
			goto fail;
	}
	return ctx;
fail:
	seccomp_release(ctx);
	return NULL;
}

/*
 * Puts five instructions in front of the exported program: on the native
 * ABI, a call numbered above every call the table knows returns ENOSYS.
 * They look only at the architecture and the number, so the kernel's
 * action cache still serves every call.  x32 numbers (bit 30) go on to
 * libseccomp's own architecture check.  BPF jumps are relative, so the
 * program behind the prefix is unchanged.
 */
static void enosys_prefix(struct seccomp_prog *prog, uint32_t arch, int max_nr)
{
	const struct sock_filter prefix[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max_nr, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	};
	size_t n = sizeof(prefix) / sizeof(*prefix);
	struct sock_filter *insns = xmalloc((prog->len + n) * sizeof(*insns));

	memcpy(insns, prefix, sizeof(prefix));
	memcpy(insns + n, prog->insns, prog->len * sizeof(*insns));
	free(prog->insns);
	prog->insns = insns;
	prog->len = (unsigned short)(prog->len + n);
}

struct allows {
	const char *name;
	bool in;
};

static void allows_one(const struct syscall_word *w, void *ud)
{
	struct allows *a = ud;

	if (syscall_word_covers(w->name, a->name))
		a->in = w->add;
}

/* Whether SystemCallFilter=, merged as systemd merges it, lets name
 * through. */
static bool config_allows(const struct config *c, const char *name)
{
	struct allows a = {name, false};
	bool allow_list;

	if (!syscall_lines_walk(&c->syscall_filter, true, &allow_list,
				allows_one, &a))
		return true;
	return allow_list ? a.in : !a.in;
}

/*
 * After the filters are loaded the launcher still has to execute the
 * agent.  It uses execveat on the checked descriptor, or execve on
 * /proc/self/fd/N when the filter denies execveat: either way through a
 * call the operator's filter allows, so no call is allowed behind the
 * operator's back and a denial in the config holds for the agent.
 */
bool seccomp_config_allows(const struct config *c, const char *name)
{
	return config_allows(c, name);
}

bool seccomp_covers_native(const struct seccomp_plan *s)
{
	for (int i = 0; i < s->narchs; i++)
		if (s->archs[i] == seccomp_arch_native())
			return true;
	return false;
}

const char *seccomp_exec_call(const struct config *c)
{
	if (config_allows(c, "execveat"))
		return "execveat";
	if (config_allows(c, "execve"))
		return "execve";
	return NULL;
}

struct highest {
	uint32_t arch;
	int max;
};

static int note_nr(const char *name, void *ud)
{
	struct highest *h = ud;
	int nr = seccomp_syscall_resolve_name_arch(h->arch, name);

	if (nr > h->max && nr < 0x40000000)
		h->max = nr;
	return 0;
}

/* The highest number on arch of any call in systemd's @known. */
static int highest_known_nr(uint32_t arch)
{
	struct highest h = {arch, 0};

	syscall_group_expand("@known", note_nr, &h);
	return h.max;
}

/* Filter 1: SystemCallFilter= and SystemCallArchitectures=. */
static bool build_main(struct seccomp_plan *s, const struct config *c,
		       struct diag *dg)
{
	struct set set = {0};
	bool filtering = merge_lines(&c->syscall_filter, &set, &s->allow_list);
	uint32_t def;
	scmp_filter_ctx ctx;
	struct origin at = c->at[D_SYSTEM_CALL_FILTER];

	if (!filtering && !c->syscall_archs.n)
		return true;
	s->default_errno = c->syscall_errno;
	if (filtering && s->allow_list)
		def = c->syscall_errno ? SCMP_ACT_ERRNO(c->syscall_errno)
				       : SCMP_ACT_KILL_PROCESS;
	else
		def = SCMP_ACT_ALLOW;
	ctx = new_ctx(def, s, SCMP_ACT_KILL_PROCESS);
	if (!ctx) {
		diag_add(dg, at, "seccomp: cannot set up a filter context");
		return false;
	}
	if (set.n)
		qsort(set.v, set.n, sizeof(*set.v), cmp_entry);
	for (size_t i = 0; i < set.n && filtering; i++) {
		int nr = seccomp_syscall_resolve_name(set.v[i].name);
		uint32_t act;
		int r;

		if (nr == __NR_SCMP_ERROR)
			continue; /* in a group, unknown to this libseccomp:
				     ignored, as systemd does */
		if (s->allow_list)
			act = SCMP_ACT_ALLOW;
		else if (set.v[i].err == -2 ||
			 (set.v[i].err == -1 && !c->syscall_errno))
			act = SCMP_ACT_KILL_PROCESS;
		else
			act = SCMP_ACT_ERRNO(set.v[i].err >= 0
						     ? set.v[i].err
						     : c->syscall_errno);
		r = seccomp_rule_add(ctx, act, nr, 0);
		if (r < 0 && r != -EDOM) {
			diag_add(dg, at, "seccomp: rule for %s failed (%s)",
				 set.v[i].name, errno_name(-r));
			goto fail;
		}
	}
	/*
	 * An allow list denies with EPERM (or SIGSYS) what it does not name,
	 * but a system call newer than our table is one the program may
	 * probe for and fall back from (clone3, faccessat2): those get
	 * ENOSYS, so glibc and Go take their fallback instead of failing.
	 */
	if (filtering && s->allow_list) {
		uint32_t native = seccomp_arch_native();
		int max_known = highest_known_nr(native);
		/* Named calls below the highest known number that the table
		 * lacks get a rule each (a handful); everything above it is
		 * cut off by the prefix added after export, one comparison
		 * instead of hundreds of rules for libseccomp to compile. */
		for (int nr = 0; nr <= max_known; nr++) {
			char *name =
				seccomp_syscall_resolve_num_arch(native, nr);
			bool skip = !name || syscall_known(name) ||
				    set_find(&set, name) != NULL;
			free(name);
			if (!skip)
				seccomp_rule_add_exact(
					ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
		}
		s->enosys_above = max_known;
	}
	s->syscalls = set.v;
	s->nsyscalls = filtering ? set.n : 0;
	if (!export_bpf(&s->prog[s->n], ctx, "SystemCallFilter=", dg))
		return false;
	if (s->enosys_above)
		enosys_prefix(&s->prog[s->n], seccomp_arch_native(),
			      s->enosys_above);
	/* Once per compile (then cached): the kernel's load time follows
	 * the length, and a tree over arch and nr is a quarter of it. */
	seccomp_bpf_compact((struct sock_filter **)&s->prog[s->n].insns,
			    &s->prog[s->n].len);
	s->n++;
	return true;
fail:
	seccomp_release(ctx);
	return false;
}

/* What the restrictions filter is built from: the config, resolved. */
struct restrict_in {
	bool on[GR__N];
	bool allowed[ADDRESS_FAMILIES];
	uint64_t ns_denied;
	unsigned long personality;
};

/* A guard on a call this libseccomp does not know, matched by number in
 * instructions put in front of the exported program. */
struct raw_guard {
	uint32_t arch;
	uint32_t nr;
	const struct guard *g;
};

struct restrict_out {
	struct raw_guard raw[32];
	int nraw;
	struct diag *dg;
};

static bool add_rule(scmp_filter_ctx ctx, uint32_t act, int nr,
		     const struct guard *g, unsigned n,
		     const struct scmp_arg_cmp *cmp, struct diag *dg)
{
	int r = seccomp_rule_add_array(ctx, act, nr, n, cmp);

	/* -EDOM: the call does not exist on this ABI (mmap2 on x86-64). */
	if (r < 0 && r != -EDOM) {
		diag_add(dg, (struct origin){0},
			 "seccomp: a rule on %s failed (%s)", g->call,
			 errno_name(-r));
		return false;
	}
	return true;
}

#define CMP(arg, op, a, b) SCMP_CMP((arg), (op), (scmp_datum_t)(a), (b))

/* The rules for one guard on the one ABI of ctx. */
static bool add_guard(scmp_filter_ctx ctx, int nr, const struct guard *g,
		      const struct restrict_in *in, struct diag *dg)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	const uint32_t nofamily = SCMP_ACT_ERRNO(EAFNOSUPPORT);
	const scmp_datum_t setid[] = {S_ISUID, S_ISGID};
	/* O_TMPFILE's own bit: glibc's __O_TMPFILE, unnamed in musl. */
	const scmp_datum_t create[] = {O_CREAT, O_TMPFILE & ~O_DIRECTORY};
	bool ok = true;

	switch (g->how) {
	case G_MODE:
		for (int i = 0; i < 2; i++) {
			struct scmp_arg_cmp c[] = {CMP(g->a, SCMP_CMP_MASKED_EQ,
						       setid[i], setid[i])};
			ok = ok && add_rule(ctx, eperm, nr, g, 1, c, dg);
		}
		break;
	case G_CREATE_MODE:
		for (int i = 0; i < 2; i++)
			for (int j = 0; j < 2; j++) {
				struct scmp_arg_cmp c[] = {
					CMP(g->a, SCMP_CMP_MASKED_EQ, create[j],
					    create[j]),
					CMP(g->b, SCMP_CMP_MASKED_EQ, setid[i],
					    setid[i])};
				ok = ok &&
				     add_rule(ctx, eperm, nr, g, 2, c, dg);
			}
		break;
	case G_WX: {
		const scmp_datum_t wx = PROT_WRITE | PROT_EXEC;
		struct scmp_arg_cmp c[] = {
			CMP(g->a, SCMP_CMP_MASKED_EQ, wx, wx)};
		ok = add_rule(ctx, eperm, nr, g, 1, c, dg);
		break;
	}
	case G_X: {
		struct scmp_arg_cmp c[] = {
			CMP(g->a, SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC)};
		ok = add_rule(ctx, eperm, nr, g, 1, c, dg);
		break;
	}
	case G_SHM_X: {
		struct scmp_arg_cmp c[] = {
			CMP(g->a, SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC)};
		ok = add_rule(ctx, eperm, nr, g, 1, c, dg);
		break;
	}
	case G_IPC_SHM_X: {
		/* The kernel takes the call from the low 16 bits only. */
		struct scmp_arg_cmp c[] = {
			CMP(0, SCMP_CMP_MASKED_EQ, 0xffff, 21 /* SHMAT */),
			CMP(g->a, SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC)};
		ok = add_rule(ctx, eperm, nr, g, 2, c, dg);
		break;
	}
	case G_FAMILY:
		for (int af = 0; af < ADDRESS_FAMILIES && ok; af++) {
			struct scmp_arg_cmp c[] = {
				CMP(g->a, SCMP_CMP_EQ, af, 0)};
			if (!in->allowed[af])
				ok = add_rule(ctx, nofamily, nr, g, 1, c, dg);
		}
		if (ok) {
			struct scmp_arg_cmp c[] = {
				CMP(g->a, SCMP_CMP_GE, ADDRESS_FAMILIES, 0)};
			ok = add_rule(ctx, nofamily, nr, g, 1, c, dg);
		}
		break;
	case G_SOCKETCALL: {
		/* SYS_SOCKET and SYS_SOCKETPAIR (linux/net.h). */
		struct scmp_arg_cmp c1[] = {CMP(0, SCMP_CMP_EQ, 1, 0)};
		struct scmp_arg_cmp c8[] = {CMP(0, SCMP_CMP_EQ, 8, 0)};
		ok = add_rule(ctx, nofamily, nr, g, 1, c1, dg) &&
		     add_rule(ctx, nofamily, nr, g, 1, c8, dg);
		break;
	}
	case G_NS_FLAGS:
	case G_SETNS:
		for (size_t i = 0; i < namespace_count; i++) {
			scmp_datum_t f = namespace_names[i].flag;
			struct scmp_arg_cmp c[] = {
				CMP(g->a, SCMP_CMP_MASKED_EQ, f, f)};
			if (in->ns_denied & f)
				ok = ok &&
				     add_rule(ctx, eperm, nr, g, 1, c, dg);
		}
		/* setns(fd, 0) joins whatever fd is.  nstype is an int: the
		 * kernel ignores the upper 32 bits, so must the compare. */
		if (g->how == G_SETNS && ok) {
			struct scmp_arg_cmp c[] = {
				CMP(g->a, SCMP_CMP_MASKED_EQ, 0xffffffffu, 0)};
			ok = add_rule(ctx, eperm, nr, g, 1, c, dg);
		}
		break;
	case G_PERSONALITY: {
		struct scmp_arg_cmp c[] = {
			CMP(g->a, SCMP_CMP_NE, in->personality, 0)};
		ok = add_rule(ctx, eperm, nr, g, 1, c, dg);
		break;
	}
	case G_SCHED_POLICY: {
		struct scmp_arg_cmp c[][1] = {
			{CMP(g->a, SCMP_CMP_EQ, SCHED_FIFO, 0)},
			{CMP(g->a, SCMP_CMP_EQ, SCHED_RR, 0)},
			/* SCHED_DEADLINE, and any policy or'ed with
			 * SCHED_RESET_ON_FORK. */
			{CMP(g->a, SCMP_CMP_GT, SCHED_IDLE, 0)},
		};
		for (int i = 0; i < 3 && ok; i++)
			ok = add_rule(ctx, eperm, nr, g, 1, c[i], dg);
		break;
	}
	case G_EPERM:
		ok = add_rule(ctx, eperm, nr, g, 0, NULL, dg);
		break;
	case G_ENOSYS:
		ok = add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, g, 0, NULL, dg);
		break;
	case G_EXEC:
		break; /* not a rule: see seccomp_exec_call() */
	}
	return ok;
}

/* Only what a BPF program can say without libseccomp's name table. */
static bool raw_guard_possible(const struct guard *g, uint32_t arch)
{
	return g->generic_nr &&
	       (g->how == G_MODE || g->how == G_EPERM || g->how == G_ENOSYS) &&
	       (arch == SCMP_ARCH_X86_64 || arch == SCMP_ARCH_X32 ||
		arch == SCMP_ARCH_X86 || arch == SCMP_ARCH_AARCH64 ||
		arch == SCMP_ARCH_ARM || arch == SCMP_ARCH_RISCV64);
}

#ifdef OSAPI_FAULT_INJECTION
/* Tests only: act as if this libseccomp did not know the listed calls, so
 * the raw-number path runs for real (tests/t/29-abi-attempts.t). */
static bool forgotten(const char *call)
{
	const char *l = getenv("OSAPI_LAUNCH_FORGET_SYSCALLS");
	size_t n = strlen(call);

	for (const char *p = l; p && *p; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, call, n) == 0 && (p[n] == ',' || !p[n]))
			return true;
	return false;
}
#else
static bool forgotten(const char *call)
{
	(void)call;
	return false;
}
#endif

static bool guards_for_abi(scmp_filter_ctx ctx, uint32_t arch,
			   const struct restrict_in *in,
			   struct restrict_out *out)
{
	for (int r = 0; r < GR__N; r++) {
		const struct guard_table *t = guard_table(r);
		if (!in->on[r])
			continue;
		for (size_t i = 0; i < t->nguards; i++) {
			const struct guard *g = &t->guards[i];
			int nr;
			if (!(g->abis & guard_abi_bit(arch)))
				continue;
			nr = forgotten(g->call)
				     ? __NR_SCMP_ERROR
				     : seccomp_syscall_resolve_name(g->call);
			if (nr != __NR_SCMP_ERROR) {
				if (!add_guard(ctx, nr, g, in, out->dg))
					return false;
				continue;
			}
			if (!raw_guard_possible(g, arch) ||
			    out->nraw == (int)(sizeof(out->raw) /
					       sizeof(*out->raw))) {
				diag_add(out->dg, (struct origin){0},
					 "seccomp: %s= cannot be enforced: "
					 "this libseccomp does not know %s",
					 t->directive, g->call);
				return false;
			}
			out->raw[out->nraw++] = (struct raw_guard){
				arch, (uint32_t)g->generic_nr, g};
		}
	}
	return true;
}

/*
 * Guards on calls libseccomp cannot name, in front of the exported
 * program: each block matches one ABI and number, and looks at no
 * argument for any other call, so the kernel's action cache still serves
 * everything else.  x32 calls arrive as x86-64 with bit 30 set.
 */
static void raw_guards_prefix(struct seccomp_prog *prog,
			      const struct restrict_out *out)
{
	struct sock_filter *insns, *p;
	size_t max = (size_t)out->nraw * 7;

	if (!out->nraw)
		return;
	insns = xmalloc((prog->len + max) * sizeof(*insns));
	p = insns;
	for (int i = 0; i < out->nraw; i++) {
		const struct raw_guard *rg = &out->raw[i];
		uint32_t arch = rg->arch, nr = rg->nr;
		bool mode = rg->g->how == G_MODE;
		unsigned char rest = mode ? 5 : 3; /* after the arch jump */
		uint32_t act = SECCOMP_RET_ERRNO |
			       (rg->g->how == G_ENOSYS ? ENOSYS : EPERM);

		if (arch == SCMP_ARCH_X32) {
			arch = SCMP_ARCH_X86_64;
			nr |= 0x40000000;
		}
		*p++ = (struct sock_filter)BPF_STMT(
			BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, arch));
		*p++ = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						    arch, 0, rest);
		*p++ = (struct sock_filter)BPF_STMT(
			BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr));
		*p++ = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						    nr, 0,
						    (unsigned char)(rest - 2));
		if (mode) {
			/* A mode fits in the argument's low 32 bits. */
			uint32_t off =
				(uint32_t)(offsetof(struct seccomp_data, args) +
					   sizeof(uint64_t) * rg->g->a);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			off += 4;
#endif
			*p++ = (struct sock_filter)BPF_STMT(
				BPF_LD | BPF_W | BPF_ABS, off);
			*p++ = (struct sock_filter)BPF_JUMP(
				BPF_JMP | BPF_JSET | BPF_K, S_ISUID | S_ISGID,
				0, 1);
		}
		*p++ = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, act);
	}
	memcpy(p, prog->insns, prog->len * sizeof(*insns));
	free(prog->insns);
	prog->len = (unsigned short)(prog->len + (p - insns));
	prog->insns = insns;
}

static scmp_filter_ctx new_ctx_abi(uint32_t arch)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (!ctx)
		return NULL;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW) <
		    0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0 ||
	    (arch != seccomp_arch_native() &&
	     (seccomp_arch_add(ctx, arch) < 0 ||
	      seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0))) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* ProtectClock=, ProtectHostname=, PrivateDevices=: whole calls fail with
 * EPERM, as systemd's filters for them (src/apply/uts.c, src/plan/devices.c).
 */
struct implied_deny {
	scmp_filter_ctx ctx;
	struct diag *dg;
	bool ok;
};

static int implied_deny_one(const char *name, void *ud)
{
	struct implied_deny *d = ud;
	int nr = seccomp_syscall_resolve_name(name);
	const struct guard g = {name, GA_ALL, G_EPERM, 0, 0, 0};

	if (nr != __NR_SCMP_ERROR &&
	    !add_rule(d->ctx, SCMP_ACT_ERRNO(EPERM), nr, &g, 0, NULL, d->dg))
		d->ok = false;
	return d->ok ? 0 : -1;
}

static bool implied_denies(scmp_filter_ctx ctx, const struct config *c,
			   struct diag *dg)
{
	struct implied_deny d = {ctx, dg, true};

	if (c->protect_clock)
		syscall_group_expand("@clock", implied_deny_one, &d);
	if (c->private_devices)
		syscall_group_expand("@raw-io", implied_deny_one, &d);
	if (c->protect_hostname) {
		implied_deny_one("sethostname", &d);
		implied_deny_one("setdomainname", &d);
	}
	return d.ok;
}

/* What the restrictions filter is built from, resolved from the config. */
static void restrict_in_build(struct restrict_in *in, const struct config *c)
{
	bool allow_list;

	in->on[GR_FAMILIES] = address_families_merge(&c->address_families,
						     in->allowed, &allow_list);
	if (c->restrict_namespaces_set)
		in->ns_denied = namespace_flags_all() & ~c->restrict_namespaces;
	in->on[GR_NAMESPACES] = in->ns_denied != 0;
	in->on[GR_PERSONALITY] = c->lock_personality;
	/* What src/apply/personality.c sets before exec, not the caller's
	 * (which "setarch -R" would otherwise lock in). */
	in->personality = c->personality_set ? c->personality : PER_LINUX;
	in->on[GR_REALTIME] = c->restrict_realtime;
	in->on[GR_SUID_SGID] = c->restrict_suid_sgid;
	in->on[GR_MDWE] = c->memory_deny_write_execute;
}

/* The rules of one ABI, in a context of its own (NULL on failure). */
static scmp_filter_ctx restrict_abi(uint32_t arch, const struct config *c,
				    const struct restrict_in *in,
				    struct restrict_out *out, struct diag *dg)
{
	/*
	 * Not a systemd directive: with any filter at all, the agent may not
	 * push input into a terminal it inherited (TIOCSTI, TIOCLINUX), the
	 * hole of CVE-2017-5226 in bubblewrap.  Only the low 32 bits of the
	 * request are compared, as the kernel does (CVE-2019-10063).
	 */
	static const struct guard ioctl_guard = {"ioctl", GA_ALL, G_EPERM,
						 1,	  0,	  0};
	const unsigned long tty[] = {TIOCSTI, TIOCLINUX};
	scmp_filter_ctx one = new_ctx_abi(arch);
	bool ok = one != NULL;

	for (int i = 0; i < 2 && ok; i++) {
		struct scmp_arg_cmp cmp[] = {
			CMP(1, SCMP_CMP_MASKED_EQ, 0xffffffffu, tty[i])};
		ok = add_rule(one, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl),
			      &ioctl_guard, 1, cmp, dg);
	}
	ok = ok && implied_denies(one, c, dg);
	ok = ok && guards_for_abi(one, arch, in, out);
	if (!ok && one) {
		seccomp_release(one);
		return NULL;
	}
	return one;
}

/*
 * Filter 2: the restrictions that look at arguments, from the tables in
 * src/lib/seccomp_guards.c.  One context per ABI, merged: a call can need a
 * different rule on each (old_mmap on i386 keeps its arguments in memory),
 * and a libseccomp rule goes to every ABI of its context.  ABIs the filters
 * do not cover are the main filter's business (killed there): allowed
 * here.
 */
static bool build_restrict(struct seccomp_plan *s, const struct config *c,
			   struct diag *dg)
{
	struct restrict_in in = {0};
	struct restrict_out out = {.dg = dg};
	scmp_filter_ctx ctx = NULL;

	restrict_in_build(&in, c);
	for (int a = 0; a < s->narchs; a++) {
		scmp_filter_ctx one =
			restrict_abi(s->archs[a], c, &in, &out, dg);
		bool ok = one != NULL;

		if (ok && ctx && seccomp_merge(ctx, one) < 0) {
			diag_add(dg, (struct origin){0},
				 "seccomp: cannot merge the %s rules",
				 seccomp_arch_name(s->archs[a]));
			ok = false;
		} else if (ok && ctx) {
			one = NULL; /* merged into ctx, which owns it now */
		}
		if (!ok) {
			if (one)
				seccomp_release(one);
			if (ctx)
				seccomp_release(ctx);
			if (!dg->n)
				diag_add(dg, (struct origin){0},
					 "seccomp: no filter context");
			return false;
		}
		if (!ctx)
			ctx = one;
	}
	if (!ctx)
		return true;
	if (!export_bpf(&s->prog[s->n], ctx, "restrictions", dg))
		return false;
	raw_guards_prefix(&s->prog[s->n], &out);
	s->n++;
	return true;
}

static void log_one(const struct syscall_word *w, void *ud)
{
	apply_word(ud, w->name, w->add, -1);
}

/* Filter 3: SystemCallLog=. */
static bool build_log(struct seccomp_plan *s, const struct config *c,
		      struct diag *dg)
{
	struct set set = {0};
	bool listed_only;
	/* Same merge rules as SystemCallFilter=, but no @default. */
	bool on = syscall_lines_walk(&c->syscall_log, false, &listed_only,
				     log_one, &set);
	scmp_filter_ctx ctx;

	if (!on)
		return true;
	ctx = new_ctx(listed_only ? SCMP_ACT_ALLOW : SCMP_ACT_LOG, s,
		      SCMP_ACT_ALLOW);
	if (!ctx) {
		diag_add(dg, (struct origin){0}, "seccomp: no filter context");
		goto fail_set;
	}
	for (size_t i = 0; i < set.n; i++) {
		int nr = seccomp_syscall_resolve_name(set.v[i].name);
		if (nr == __NR_SCMP_ERROR)
			continue;
		if (seccomp_rule_add(
			    ctx, listed_only ? SCMP_ACT_LOG : SCMP_ACT_ALLOW,
			    nr, 0) < 0)
			continue;
	}
	set_free(&set);
	return export_bpf(&s->prog[s->n++], ctx, "SystemCallLog=", dg);
fail_set:
	set_free(&set);
	return false;
}

static bool learning;

void seccomp_learn_enable(void)
{
	learning = true;
}

bool seccomp_learning(void)
{
	return learning;
}

bool seccomp_filter_allows(const struct seccomp_plan *s, const char *name)
{
	bool listed = false;

	for (size_t i = 0; i < s->nsyscalls; i++)
		listed |= strcmp(s->syscalls[i].name, name) == 0;
	if (!s->nsyscalls && !s->allow_list)
		return true;
	return s->allow_list ? listed : !listed;
}

/*
 * --learn: the main filter is replaced by one that sends every call to
 * the supervising parent (SECCOMP_RET_USER_NOTIF), which records it and
 * lets it continue; the other filters stay as configured.  The configured
 * set is still resolved, for the report.
 */
static bool build_learn(struct seccomp_plan *s, const struct config *c,
			struct diag *dg)
{
	struct set set = {0};
	int pipes[2][2];
	scmp_filter_ctx ctx;

	merge_lines(&c->syscall_filter, &set, &s->allow_list);
	if (set.n)
		qsort(set.v, set.n, sizeof(*set.v), cmp_entry);
	s->syscalls = set.v;
	s->nsyscalls = set.n;
	ctx = new_ctx(SCMP_ACT_NOTIFY, s, SCMP_ACT_KILL_PROCESS);
	if (!ctx || pipe2(pipes[0], O_CLOEXEC) < 0 ||
	    pipe2(pipes[1], O_CLOEXEC) < 0) {
		diag_add(dg, (struct origin){0}, "--learn: cannot set up (%s)",
			 errno_name(errno));
		return false;
	}
	/* The child writes on [0][1] and reads [1][0]; learn.c closes the
	 * other ends in each process after the fork. */
	s->learn_to_parent = pipes[0][1];
	s->learn_from_parent = pipes[1][0];
	s->learn_pipes[0] = pipes[0][0];
	s->learn_pipes[1] = pipes[1][1];
	if (!export_bpf(&s->prog[s->n], ctx, "learn (notify every call)", dg))
		return false;
	s->learn_prog = s->n++;
	return true;
}

/* What the launch needs of SystemCallFilter= besides the programs; a
 * cache hit reads it with them. */
static void derive(struct seccomp_plan *s, const struct config *c)
{
	s->exec_call = seccomp_exec_call(c);
	s->write_ok = seccomp_config_allows(c, "write");
}

bool seccomp_plan_build(struct seccomp_plan *s, const struct config *c,
			struct diag *dg)
{
	uint32_t native = seccomp_arch_native();

	memset(s, 0, sizeof(*s));
	s->learn_prog = s->learn_to_parent = s->learn_from_parent = -1;
	s->learn_pipes[0] = s->learn_pipes[1] = -1;
	/* The ABIs the filters cover.  SystemCallArchitectures= names them;
	 * otherwise an allow list covers only the native ABI (so i386 via
	 * int 0x80 and x32 are killed), and a deny list also covers the
	 * secondary ABIs so they cannot be used to go around it. */
	for (size_t i = 0; i < c->syscall_archs.n && s->narchs < 8; i++) {
		uint32_t t = seccomp_arch_token(c->syscall_archs.v[i].s);
		bool dup = false;
		for (int j = 0; j < s->narchs; j++)
			dup |= s->archs[j] == t;
		if (!dup)
			s->archs[s->narchs++] = t;
	}
	if (!s->narchs) {
		bool allow = c->syscall_filter.n &&
			     c->syscall_filter.v[0].s[0] != '~';
		s->archs[s->narchs++] = native;
		if (!allow)
			s->narchs += secondary_archs(native, s->archs + 1);
	}
	if (!c->syscall_filter.n && !c->syscall_archs.n && !c->syscall_log.n &&
	    !c->address_families.n &&
	    !(c->restrict_namespaces_set &&
	      c->restrict_namespaces != namespace_flags_all()) &&
	    !c->lock_personality && !c->restrict_realtime &&
	    !c->restrict_suid_sgid && !c->memory_deny_write_execute &&
	    !c->protect_clock && !c->protect_hostname && !c->private_devices) {
		derive(s, c);
		return true; /* nothing to filter */
	}
	/* Known without compiling, so a cache hit still says what it holds. */
	s->allow_list =
		c->syscall_filter.n && c->syscall_filter.v[0].s[0] != '~';
	s->default_errno = c->syscall_errno;
#ifdef OSAPI_FAULT_INJECTION
	if (getenv("OSAPI_LAUNCH_FORGET_SYSCALLS"))
		seccomp_cache_enable(false); /* not what a cache holds */
#endif
	if (seccomp_cache_lookup(s, c))
		return true;
	derive(s, c);
	/* The main filter goes last: it may deny seccomp(2) itself, which the
	 * two others still need to be loaded. */
	if (learning)
		return build_restrict(s, c, dg) && build_log(s, c, dg) &&
		       build_learn(s, c, dg);
	if (!build_restrict(s, c, dg) || !build_log(s, c, dg) ||
	    !build_main(s, c, dg))
		return false;
	/* Once per compile (then cached), as the main filter's tree. */
	for (int i = 0; i < s->n; i++)
		seccomp_bpf_peephole((struct sock_filter **)&s->prog[i].insns,
				     &s->prog[i].len);
	seccomp_cache_store(s, c);
	return true;
}

void seccomp_plan_free(struct seccomp_plan *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->prog[i].insns);
		if (s->prog[i].ctx)
			seccomp_release(s->prog[i].ctx);
	}
	for (size_t i = 0; i < s->nsyscalls; i++)
		free(s->syscalls[i].name);
	free(s->syscalls);
	memset(s, 0, sizeof(*s));
}

/* The filters, and what the launch needs of them: the call its own exec
 * goes through, write(2) for its last message, the native ABI.  Any
 * seccomp directive implies no_new_privs when the target lacks
 * CAP_SYS_ADMIN, as under systemd: the kernel requires one or the other to
 * load a filter. */
void seccomp_plan(struct plan *p, const struct config *c, struct diag *dg,
		  enum step *step)
{
	if (!seccomp_plan_build(&p->seccomp, c, dg))
		plan_fail(step, STEP_PLAN_SECCOMP);
	if (c->syscall_archs.n && !seccomp_covers_native(&p->seccomp)) {
		diag_add(
			dg, c->at[D_SYSTEM_CALL_ARCHITECTURES],
			"SystemCallArchitectures= leaves out the native ABI, "
			"which the launcher's own exec of the agent uses after "
			"the filter is loaded: it would be killed (SIGSYS); "
			"add \"native\"");
		plan_fail(step, STEP_CONFIG);
	}
	if (!p->seccomp.exec_call) {
		diag_add(dg, c->at[D_SYSTEM_CALL_FILTER],
			 "SystemCallFilter= denies both execveat and execve: "
			 "the launcher executes the agent with one of them "
			 "after the filter is loaded (as systemd needs "
			 "execve), so the agent could never start");
		plan_fail(step, STEP_CONFIG);
	}
	if (p->seccomp.n && !(p->permitted & (1ULL << CAP_SYS_ADMIN)) &&
	    !p->no_new_privs) {
		p->no_new_privs = true;
		p->no_new_privs_implied = true;
	}
}
