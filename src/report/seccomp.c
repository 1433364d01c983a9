/* SPDX-License-Identifier: MIT */
/* --check's seccomp lines, and --print-filter (libseccomp's PFC). */
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "seccomp_plan.h"

void seccomp_print(FILE *out, const struct seccomp_plan *s)
{
	if (!s->n) {
		fputs("seccomp         none\n", out);
		return;
	}
	if (s->exec_call)
		fprintf(out,
			"seccomp exec    the launcher execs the agent with %s, "
			"which the filters allow\n",
			s->exec_call);
	for (int i = 0; i < s->n; i++)
		fprintf(out,
			"seccomp         filter %d: %s, %u BPF instructions\n",
			i + 1, s->prog[i].what, s->prog[i].len);
	for (int a = 0; a < s->narchs; a++) {
		fprintf(out,
			"seccomp arch    %s:", seccomp_arch_name(s->archs[a]));
		if (!s->nsyscalls)
			fputs(" (no SystemCallFilter=)", out);
		else
			fprintf(out, " %s list, default %s\n               ",
				s->allow_list ? "allow" : "deny",
				s->allow_list
					? (s->default_errno
						   ? strerrorname_np(
							     s->default_errno)
						   : "kill")
					: "allow");
		for (size_t i = 0; i < s->nsyscalls; i++) {
			int nr = seccomp_syscall_resolve_name_arch(
				s->archs[a], s->syscalls[i].name);
			if (nr == __NR_SCMP_ERROR || nr < 0)
				continue;
			fprintf(out, " %s", s->syscalls[i].name);
			if (!s->allow_list && s->syscalls[i].err >= 0)
				fprintf(out, ":%s",
					strerrorname_np(s->syscalls[i].err));
		}
		fputc('\n', out);
	}
}

int seccomp_print_pfc(FILE *out, const struct seccomp_plan *s)
{
	fflush(out);
	for (int i = 0; i < s->n; i++) {
		fprintf(out, "# osapi-launch filter %d of %d: %s\n", i + 1,
			s->n, s->prog[i].what);
		fflush(out);
		if (seccomp_export_pfc(s->prog[i].ctx, fileno(out)) < 0)
			return -1;
	}
	return 0;
}
