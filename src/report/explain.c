/* SPDX-License-Identifier: MIT */
/*
 * --explain-syscall: replays systemd's merge rules for one call and says
 * which line decided its fate, so an operator whose agent died of SIGSYS
 * or got EPERM can find the line to change.  About the config alone: no
 * plan, so it also works where the agent's binary is not installed.
 */
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "seccomp_guards.h"
#include "seccomp_merge.h"
#include "seccomp_plan.h"

/* "x86-64, x32" for an ABI mask of include/seccomp_guards.h. */
static const char *abis_text(unsigned abis, char *buf, size_t len)
{
	static const char *const names[] = {"x86-64", "x32", "i386", "s390",
					    "others"};
	size_t n = 0;

	if (abis == GA_ALL)
		return "every ABI";
	buf[0] = '\0';
	for (unsigned i = 0; i < 5; i++)
		if (abis & (1u << i))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
					      "%s%s", n ? ", " : "", names[i]);
	return buf;
}

static const char *act_text(int err, int def, char *buf, size_t len)
{
	int e = err >= 0 ? err : (err == -2 ? 0 : def);

	if (!e)
		return "killed (SIGSYS)";
	snprintf(buf, len, "fails with %s", strerrorname_np(e));
	return buf;
}

/* The line that decided, as the filter merges them. */
struct verdict {
	const char *name;
	bool in;
	int err;
	struct origin at;
	char via[128];
};

static void verdict_one(const struct syscall_word *w, void *ud)
{
	struct verdict *v = ud;

	if (!syscall_word_covers(w->name, v->name))
		return;
	v->in = w->add;
	v->err = w->err;
	v->at = w->at;
	if (w->implicit)
		snprintf(v->via, sizeof(v->via), "@default (implicit)");
	else
		snprintf(v->via, sizeof(v->via), "%s%s", w->invert ? "~" : "",
			 w->name);
}

/* SystemCallFilter='s verdict on name, and the line that made it. */
static void explain_filter(FILE *out, const struct config *c, const char *name)
{
	struct verdict v = {name, false, -1, {0}, ""};
	struct origin errno_at = c->at[D_SYSTEM_CALL_ERROR_NUMBER];
	bool allow_list;
	char buf[64];

	if (!syscall_lines_walk(&c->syscall_filter, true, &allow_list,
				verdict_one, &v)) {
		fprintf(out, "%s: allowed: no SystemCallFilter= is set\n",
			name);
		return;
	}
	if (allow_list && v.in) {
		fprintf(out, "%s: allowed by SystemCallFilter=%s at %s:%u\n",
			name, v.via, v.at.file, v.at.line);
	} else if (allow_list && !syscall_known(name)) {
		fprintf(out,
			"%s: fails with ENOSYS: newer than the launcher's "
			"system call table, so callers can fall back\n",
			name);
	} else if (allow_list) {
		fprintf(out, "%s: %s: not in the allow list", name,
			act_text(-1, c->syscall_errno, buf, sizeof(buf)));
		if (v.at.line)
			fprintf(out,
				" (removed by SystemCallFilter=%s at %s:%u)",
				v.via, v.at.file, v.at.line);
		if (errno_at.line)
			fprintf(out,
				"; the errno is SystemCallErrorNumber= at "
				"%s:%u",
				errno_at.file, errno_at.line);
		fputc('\n', out);
	} else if (v.in) {
		fprintf(out, "%s: %s: denied by SystemCallFilter=%s at %s:%u\n",
			name,
			act_text(v.err, c->syscall_errno, buf, sizeof(buf)),
			v.via, v.at.file, v.at.line);
	} else {
		fprintf(out, "%s: allowed: not in the deny list%s", name,
			v.at.line ? "" : "\n");
		if (v.at.line)
			fprintf(out,
				" (removed by SystemCallFilter=%s at %s:%u)\n",
				v.via, v.at.file, v.at.line);
	}
}

/* Calls whose fate also depends on their arguments, from the same tables
 * the filter is built from. */
static void explain_guards(FILE *out, const struct config *c, const char *name)
{
	static const int directive_of[GR__N] = {
		[GR_SUID_SGID] = D_RESTRICT_SUID_SGID,
		[GR_MDWE] = D_MEMORY_DENY_WRITE_EXECUTE,
		[GR_NAMESPACES] = D_RESTRICT_NAMESPACES,
		[GR_FAMILIES] = D_RESTRICT_ADDRESS_FAMILIES,
		[GR_REALTIME] = D_RESTRICT_REALTIME,
		[GR_PERSONALITY] = D_LOCK_PERSONALITY,
		[GR_EXEC] = D_SYSTEM_CALL_FILTER,
	};
	char abuf[64];

	for (int r = 0; r < GR__N; r++) {
		const struct guard_table *t = guard_table(r);
		const struct origin *o = &c->at[directive_of[r]];
		for (size_t i = 0; i < t->nguards; i++) {
			const struct guard *g = &t->guards[i];
			if (strcmp(g->call, name) != 0)
				continue;
			if (g->how == G_EXEC) {
				const char *use = seccomp_exec_call(c);
				fprintf(out,
					"%s: %s the launcher to exec the agent "
					"(it uses %s)%s\n",
					name,
					use && strcmp(use, name) == 0
						? "used by"
						: "not used by",
					use ? use : "neither: refused",
					use && strcmp(use, name) == 0
						? "; the agent may use it too"
						: "");
				break;
			}
			if (o->line &&
			    (r != GR_NAMESPACES ||
			     namespace_flags_all() & ~c->restrict_namespaces))
				fprintf(out,
					"%s: also restricted by its arguments "
					"(%s): %s= at %s:%u: %s\n",
					name,
					abis_text(g->abis, abuf, sizeof(abuf)),
					t->directive, o->file, o->line,
					guard_how_text(g->how));
		}
	}
}

int seccomp_explain(FILE *out, const struct config *c, const char *name)
{
	if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR) {
		fprintf(out, "%s: not a system call libseccomp knows\n", name);
		return 78;
	}
	explain_filter(out, c, name);
	explain_guards(out, c, name);
	if (c->syscall_archs.n)
		fprintf(out,
			"%s: only through the ABIs of SystemCallArchitectures= "
			"at %s:%u; other ABIs are killed\n",
			name, c->at[D_SYSTEM_CALL_ARCHITECTURES].file,
			c->at[D_SYSTEM_CALL_ARCHITECTURES].line);
	if (c->syscall_log.n)
		fprintf(out, "%s: SystemCallLog= at %s:%u may log it\n", name,
			c->at[D_SYSTEM_CALL_LOG].file,
			c->at[D_SYSTEM_CALL_LOG].line);
	return 0;
}
