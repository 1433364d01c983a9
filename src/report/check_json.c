/* SPDX-License-Identifier: MIT */
/*
 * --check --json: the config's directives with the line each came from,
 * the plan, each confinement's own section, the exposure score and the
 * host's preflight findings, for fleets.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "exposure.h"
#include "json.h"
#include "plan.h"
#include "preflight.h"

static void jsrc(FILE *out, const struct origin *at)
{
	char b[4096];
	json_str(out, origin_text(at, b, sizeof(b)));
}

static void jcaps(FILE *out, uint64_t mask, int last)
{
	bool any = false;

	fputc('[', out);
	for (int cap = 0; cap <= last; cap++) {
		if (mask & (1ULL << cap)) {
			fputs(any ? ", " : "", out);
			json_str(out, capability_name(cap));
			any = true;
		}
	}
	fputc(']', out);
}

static void jwords(FILE *out, const char *name, const struct words *w)
{
	fprintf(out, ",\n    \"%s\": [", name);
	for (size_t i = 0; i < w->n; i++) {
		fputs(i ? ", " : "", out);
		fputs("{\"value\": ", out);
		json_str(out, w->v[i].s);
		fputs(", \"source\": ", out);
		jsrc(out, &w->v[i].at);
		fputc('}', out);
	}
	fputc(']', out);
}

static void jvalue(FILE *out, const char *name, const char *value,
		   const struct origin *at)
{
	fprintf(out, ",\n    \"%s\": {\"value\": ", name);
	json_str_or_null(out, value);
	fputs(", \"source\": ", out);
	jsrc(out, at);
	fputc('}', out);
}

/* Every directive as {"value", "source"}, ExecStart= included. */
static void json_directives(FILE *out, const struct config *c)
{
	char b[64];

	fputs(",\n  \"directives\": {\n    \"ExecStart\": {\"value\": [", out);
	for (size_t i = 0; i < c->exec_start.n; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, c->exec_start.v[i].s);
	}
	fputs("], \"source\": ", out);
	jsrc(out, &c->at[D_EXEC_START]);
	fputc('}', out);
	jvalue(out, "User", c->user, &c->at[D_USER]);
	jvalue(out, "Group", c->group, &c->at[D_GROUP]);
	jwords(out, "SupplementaryGroups", &c->supplementary_groups);
	fputs(",\n    \"AmbientCapabilities\": {\"value\": ", out);
	jcaps(out, c->ambient.mask, capability_last());
	fputs(", \"source\": ", out);
	jsrc(out, &c->at[D_AMBIENT_CAPABILITIES]);
	fputs("},\n    \"CapabilityBoundingSet\": {\"value\": ", out);
	if (c->bounding.set)
		jcaps(out, c->bounding.mask, capability_last());
	else
		fputs("null", out);
	fputs(", \"source\": ", out);
	jsrc(out, &c->at[D_CAPABILITY_BOUNDING_SET]);
	fputc('}', out);
	jvalue(out, "NoNewPrivileges", c->no_new_privileges ? "yes" : "no",
	       &c->at[D_NO_NEW_PRIVILEGES]);
	snprintf(b, sizeof(b), "%#x", c->securebits);
	jvalue(out, "SecureBits", b, &c->at[D_SECURE_BITS]);
	snprintf(b, sizeof(b), "%04o", (unsigned)c->umask);
	jvalue(out, "UMask", b, &c->at[D_UMASK]);
	jvalue(out, "WorkingDirectory", c->working_directory,
	       &c->at[D_WORKING_DIRECTORY]);
	jwords(out, "Environment", &c->environment);
	jwords(out, "EnvironmentFile", &c->environment_files);
	jwords(out, "PassEnvironment", &c->pass_environment);
	jwords(out, "UnsetEnvironment", &c->unset_environment);
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		const struct limit *l = &c->limits[r];
		char v[64];
		if (!l->at.line)
			continue;
		snprintf(v, sizeof(v), "%llu:%llu",
			 (unsigned long long)l->value.rlim_cur,
			 (unsigned long long)l->value.rlim_max);
		if (l->value.rlim_cur == RLIM_INFINITY ||
		    l->value.rlim_max == RLIM_INFINITY)
			snprintf(v, sizeof(v), "%s:%s",
				 l->value.rlim_cur == RLIM_INFINITY ? "infinity"
								    : "",
				 l->value.rlim_max == RLIM_INFINITY ? "infinity"
								    : "");
		jvalue(out, rlimit_directive_name(r), v, &l->at);
	}
	jvalue(out, "AppArmorProfile", c->apparmor_profile,
	       &c->at[D_APPARMOR_PROFILE]);
	jvalue(out, "SELinuxContext", c->selinux_context,
	       &c->at[D_SELINUX_CONTEXT]);
	fputs("\n  }", out);
}

/* What the plan resolved: ids, the command, the environment, the sets. */
static void json_plan(FILE *out, const struct plan *p)
{
	fputs(",\n  \"plan\": {\n", out);
	fprintf(out, "    \"uid\": %u,\n    \"gid\": %u,\n    \"groups\": [",
		(unsigned)p->uid, (unsigned)p->gid);
	for (size_t i = 0; i < p->ngroups; i++)
		fprintf(out, "%s%u", i ? ", " : "", (unsigned)p->groups[i]);
	fputs("],\n    \"user\": ", out);
	json_str(out, p->user_name);
	fputs(",\n    \"binary\": ", out);
	json_str(out, p->exec_path);
	fputs(",\n    \"argv\": [", out);
	for (char **a = p->argv; a && *a; a++) {
		fputs(a == p->argv ? "" : ", ", out);
		json_str(out, *a);
	}
	fputs("],\n    \"environment\": [", out);
	for (char **e = p->envp; e && *e; e++) {
		fputs(e == p->envp ? "" : ", ", out);
		json_str(out, *e);
	}
	fputs("],\n    \"capabilities\": {\"bounding\": ", out);
	jcaps(out, p->bounding, p->last_cap);
	fputs(", \"ambient\": ", out);
	jcaps(out, p->ambient, p->last_cap);
	fputs(", \"inheritable\": ", out);
	jcaps(out, p->ambient, p->last_cap);
	fputs(", \"permitted\": ", out);
	jcaps(out, p->permitted, p->last_cap);
	fprintf(out, "},\n    \"no_new_privs\": %s,\n    \"securebits\": %u,\n",
		p->no_new_privs ? "true" : "false", p->securebits);
	fprintf(out, "    \"umask\": \"%04o\",\n    \"workdir\": ",
		(unsigned)p->umask);
	json_str(out, p->workdir);
	fputs(",\n    \"apparmor\": ", out);
	json_str_or_null(out, p->apparmor_profile);
	fputs(",\n    \"apparmor_skipped\": ", out);
	json_str_or_null(out, p->apparmor_skipped);
	fputs(",\n    \"selinux\": ", out);
	json_str_or_null(out, p->selinux_context);
	fputs("\n  }", out);
}

/* PrivateNetwork=, PrivateIPC=, ProtectHostname=, KeyringMode=, the device
 * policy. */
static void json_namespaces(FILE *out, const struct plan *p)
{
	static const char *const kj[] = {"private", "inherit", "shared"};
	const struct cgroup_plan *g = &p->cgroup;
	const struct config *c = p->cfg;

	fprintf(out,
		",\n  \"namespaces\": {\"net\": %s, \"ipc\": %s, "
		"\"uts\": %s},\n  \"keyring\": \"%s\",\n  "
		"\"devices\": {\"policy\": \"%s\", \"rules\": [",
		p->new_ns & CLONE_NEWNET ? "true" : "false",
		p->new_ns & CLONE_NEWIPC ? "true" : "false",
		p->new_ns & CLONE_NEWUTS ? "true" : "false",
		kj[c->keyring_mode],
		g->devices ? device_policy_name(c) : "auto");
	for (size_t i = 0; i < g->ndev; i++) {
		char *r = device_rule_v1(&g->dev[i]);
		fputs(i ? ", " : "", out);
		json_str(out, r);
		free(r);
	}
	fputs("]}", out);
}

void plan_print_json(FILE *out, const struct plan *p, const struct diag *dg,
		     const struct preflight *pf)
{
	const struct config *c = p ? p->cfg : NULL;
	struct exposure ex;

	fputs("{\n  \"valid\": ", out);
	fputs(dg->n ? "false" : "true", out);
	fputs(",\n  \"errors\": [", out);
	for (size_t i = 0; i < dg->n; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, dg->msg[i]);
	}
	fputc(']', out);
	if (!c || dg->n) {
		fputs("\n}\n", out);
		return;
	}
	fputs(",\n  \"config\": ", out);
	json_str(out, c->path);
	json_directives(out, c);
	fputs(",\n  \"exposure\": ", out);
	exposure_compute(&ex, c);
	exposure_print_json(out, &ex);
	json_plan(out, p);
	sandbox_print_json(out, p);
	cgroup_print_json(out, &p->cgroup);
	json_namespaces(out, p);
	if (pf) {
		fputs(",\n  \"preflight\": ", out);
		preflight_print_json(out, pf);
		fprintf(out, ",\n  \"enforceable\": %s",
			pf->failed ? "false" : "true");
	}
	fputs("\n}\n", out);
}
