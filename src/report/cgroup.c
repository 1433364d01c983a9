/* SPDX-License-Identifier: MIT */
/* --check: the agent's cgroups, the writes to them, what was skipped. */
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "json.h"

void cgroup_print(FILE *out, const struct cgroup_plan *g)
{
	if (!g->version)
		return;
	for (size_t i = 0; i < g->ngroups; i++)
		fprintf(out, "cgroup          v%d %.*s\n",
			g->bpf_group && strncmp(g->groups[i], g->bpf_group,
						strlen(g->bpf_group)) == 0
				? 2
				: g->version,
			(int)(strlen(g->groups[i]) - strlen("/cgroup.procs")),
			g->groups[i]);
	for (size_t i = 0; i < g->n; i++)
		if (!g->v[i].mkdir && strcmp(g->v[i].value, "0") != 0)
			fprintf(out, "cgroup write    %s = %s%s\n",
				g->v[i].path, g->v[i].value,
				g->v[i].optional ? " (best effort)" : "");
	if (g->skb)
		fprintf(out,
			"cgroup bpf      %s: IP filter, ingress and egress\n",
			g->bpf_group);
	for (size_t i = 0; i < g->nnotes; i++)
		fprintf(out, "cgroup note     %s\n", g->notes[i]);
}

void cgroup_print_json(FILE *out, const struct cgroup_plan *g)
{
	fprintf(out, ",\n  \"cgroup\": {\"version\": %d, \"groups\": [",
		g->version);
	for (size_t i = 0; i < g->ngroups; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, g->groups[i]);
	}
	fputs("], \"writes\": [", out);
	for (size_t i = 0, k = 0; i < g->n; i++) {
		if (g->v[i].mkdir)
			continue;
		fputs(k++ ? ", " : "", out);
		fputs("{\"path\": ", out);
		json_str(out, g->v[i].path);
		fputs(", \"value\": ", out);
		json_str(out, g->v[i].value);
		fputc('}', out);
	}
	fputs("], \"notes\": [", out);
	for (size_t i = 0; i < g->nnotes; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, g->notes[i]);
	}
	fputs("]}", out);
}
