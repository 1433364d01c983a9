/* SPDX-License-Identifier: MIT */
/* --check: the plan, for people (plan_print) and for fleets (JSON). */
#include <linux/securebits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build-config.h"
#include "exposure.h"
#include "json.h"
#include "plan.h"
#include "preflight.h"
#include "steps.h"

static void caps_text(FILE *out, uint64_t mask, int last)
{
	bool any = false;

	for (int cap = 0; cap <= last; cap++) {
		if (mask & (1ULL << cap)) {
			fprintf(out, "%s%s", any ? " " : "",
				capability_name(cap));
			any = true;
		}
	}
	if (!any)
		fputs("(none)", out);
}

static const char *src(const struct origin *at, char *buf, size_t len)
{
	if (!at->line)
		return "default";
	snprintf(buf, len, "%s:%u", at->file, at->line);
	return buf;
}

/* PrivateNetwork=, PrivateIPC=, ProtectHostname=, KeyringMode=, the
 * device policy: one line each, or in JSON. */
static void ns_print(FILE *out, const struct plan *p, bool json)
{
	static const char *const keyring[] = {
		"private: a new session keyring, linked to no other",
		"inherit: the caller's session keyring",
		"shared: a new session keyring with the user keyring of User=",
	};
	static const char *const kj[] = {"private", "inherit", "shared"};
	const struct cgroup_plan *g = &p->cgroup;
	const struct config *c = p->cfg;

	if (json) {
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
		return;
	}
	if (p->new_ns)
		fprintf(out, "namespaces     %s%s%s\n",
			p->new_ns & CLONE_NEWNET
				? " net (PrivateNetwork=: lo only, up)"
				: "",
			p->new_ns & CLONE_NEWIPC ? " ipc (PrivateIPC=)" : "",
			p->new_ns & CLONE_NEWUTS ? " uts (ProtectHostname=)"
						 : "");
	if (c->remove_ipc)
		fprintf(out, "remove-ipc      %s\n",
			p->change_id ? "by PrivateIPC= and PrivateDevices=: "
				       "the agent's objects go with its "
				       "namespaces"
				     : "nothing to do for root (as systemd)");
	fprintf(out, "keyring         %s\n", keyring[c->keyring_mode]);
	if (!g->devices)
		return;
	fprintf(out, "devices         DevicePolicy=%s through %s:",
		device_policy_name(c),
		g->version == 2 ? "a cgroup v2 device program"
				: "the cgroup v1 devices controller");
	for (size_t i = 0; i < g->ndev; i++) {
		char *r = device_rule_v1(&g->dev[i]);
		fprintf(out, "%s%s", i ? ", " : " ", r);
		free(r);
	}
	fputc('\n', out);
}

/* RuntimeDirectory= and friends, one line each. */
static void directories_print(FILE *out, const struct plan *p)
{
	for (size_t i = 0; i < p->ndirs; i++) {
		const struct exec_dir_plan *d = &p->dirs[i];
		fprintf(out,
			"directory       %s  mode %04o, owner %u:%u%s  [%s]\n",
			d->path, (unsigned)d->mode, (unsigned)d->uid,
			(unsigned)d->gid,
			d->empty ? ", emptied if left over" : "",
			exec_dir_directive(d->type));
	}
}

/* RestrictFileSystems=: the set, the program and its map. */
static void bpf_lsm_print(FILE *out, const struct bpf_lsm_plan *r)
{
	if (!r->on)
		return;
	fprintf(out, "filesystems     %s:", r->allow ? "allow" : "deny");
	for (size_t i = 0; i < r->nnames; i++)
		fprintf(out, " %s", r->names[i]);
	fprintf(out,
		"%s\nfilesystems     BPF LSM program %u (%s), set map %u "
		"for %s\n",
		r->nnames ? "" : " (none: every open is refused)", r->prog_id,
		r->loaded ? "loaded and pinned now" : BPF_LSM_PIN_LINK,
		r->inner_id, r->group);
	if (r->mounted)
		fprintf(out, "filesystems     mounted bpffs on %s\n",
			r->mounted);
	if (r->stale)
		fprintf(out,
			"filesystems     removed %zu entries of groups "
			"gone\n",
			r->stale);
}

void plan_print(FILE *out, const struct plan *p, bool verbose)
{
	const struct config *c = p->cfg;
	struct exposure ex;
	char b[4096];

	fprintf(out, "config          %s\n", c->path);
	fputs("command        ", out);
	for (char **a = p->argv; a && *a; a++)
		fprintf(out, " %s", *a);
	fprintf(out, "\nbinary          %s%s\n", p->exec_path,
		p->exec_is_script ? " (#! script)" : "");
	fprintf(out, "user            %s (uid %u)  [%s]\n", p->user_name,
		(unsigned)p->uid, src(&c->at[D_USER], b, sizeof(b)));
	fprintf(out, "group           gid %u  [%s]\n", (unsigned)p->gid,
		src(&c->at[D_GROUP], b, sizeof(b)));
	fputs("groups         ", out);
	if (!p->ngroups)
		fputs(" (none)", out);
	for (size_t i = 0; i < p->ngroups; i++)
		fprintf(out, " %u", (unsigned)p->groups[i]);
	fputs("\nbounding set    ", out);
	caps_text(out, p->bounding, p->last_cap);
	fprintf(out, "  [%s]\n",
		p->set_bounding
			? src(&c->at[D_CAPABILITY_BOUNDING_SET], b, sizeof(b))
			: "not set: left as inherited");
	fputs("ambient         ", out);
	caps_text(out, p->ambient, p->last_cap);
	fprintf(out, "  [%s]\n",
		src(&c->at[D_AMBIENT_CAPABILITIES], b, sizeof(b)));
	fputs("permitted       ", out);
	caps_text(out, p->permitted, p->last_cap);
	fprintf(out, "\nno_new_privs    %s  [%s]\n",
		p->no_new_privs ? "yes" : "no",
		p->no_new_privs_for_landlock ? "implied by Landlock"
		: p->no_new_privs_implied
			? "implied by a seccomp directive"
			: src(&c->at[D_NO_NEW_PRIVILEGES], b, sizeof(b)));
	fprintf(out, "securebits      %#x%s\n", p->securebits,
		p->securebits & SECBIT_KEEP_CAPS
			? "  (keep-caps: execve(2) always clears it, so the "
			  "agent starts without it, as under systemd)"
			: "");
	if (c->memory_deny_write_execute)
		fprintf(out,
			"mdwe            seccomp on every ABI the filters "
			"cover (i386 old_mmap refused)%s\n",
			p->mdwe ? ", and the kernel's PR_SET_MDWE"
				: "; this kernel has no PR_SET_MDWE (6.3+)");
	fprintf(out, "umask           %04o  [%s]\n", (unsigned)p->umask,
		src(&c->at[D_UMASK], b, sizeof(b)));
	fprintf(out, "workdir         %s%s\n", p->workdir,
		p->workdir_optional ? " (optional)" : "");
	fprintf(out,
		"process         policy %d, rt priority %d, nice %d, ioprio "
		"%#x, oom_score_adj %d, personality %#lx, timer slack %lu "
		"ns%s\n",
		p->sched_policy, p->sched_priority, p->nice,
		(unsigned)p->ioprio, p->oom_score_adj, p->personality,
		p->timer_slack, p->cpus_configured ? ", CPUAffinity=" : "");
	directories_print(out, p);
	for (int i = 0; i < p->nlimits; i++) {
		const struct rlimit *l = &p->limit_value[i];
		fprintf(out, "limit           %s=",
			rlimit_directive_name(p->limit_resource[i]));
		if (l->rlim_cur == RLIM_INFINITY)
			fputs("infinity", out);
		else
			fprintf(out, "%llu", (unsigned long long)l->rlim_cur);
		if (l->rlim_max == RLIM_INFINITY)
			fputs(":infinity\n", out);
		else
			fprintf(out, ":%llu\n",
				(unsigned long long)l->rlim_max);
	}
	for (char **e = p->envp; e && *e; e++)
		fprintf(out, "environment     %s\n", *e);
	sandbox_print(out, p);
	cgroup_print(out, &p->cgroup);
	bpf_lsm_print(out, &p->rfs);
	ns_print(out, p, false);
	seccomp_print(out, &p->seccomp);
	if (p->seccomp.n)
		fprintf(out, "seccomp cache   %s\n", OSAPI_LAUNCH_CACHE_DIR);
	if (c->apparmor_profile && p->apparmor_unavailable)
		fprintf(out, "apparmor        %s: cannot be applied here, %s\n",
			c->apparmor_profile, p->apparmor_unavailable);
	else if (c->apparmor_profile)
		fprintf(out, "apparmor        %s%s%s\n", c->apparmor_profile,
			p->apparmor_skipped ? ": skipped, " : " (loaded)",
			p->apparmor_skipped ? p->apparmor_skipped : "");
	else
		fprintf(out, "apparmor        not configured%s\n",
			apparmor_built() ? "" : " (built without)");
	if (c->selinux_context && p->selinux_unavailable)
		fprintf(out, "selinux         %s: cannot be applied here, %s\n",
			c->selinux_context, p->selinux_unavailable);
	else if (c->selinux_context)
		fprintf(out, "selinux         %s%s%s\n", c->selinux_context,
			p->selinux_skipped ? ": skipped, " : " (valid)",
			p->selinux_skipped ? p->selinux_skipped : "");
	else
		fprintf(out, "selinux         not configured%s\n",
			selinux_built() ? "" : " (built without)");
	exposure_compute(&ex, c);
	exposure_print(out, &ex, verbose);
}

static void jsrc(FILE *out, const struct origin *at)
{
	char b[4096];
	json_str(out, src(at, b, sizeof(b)));
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

void plan_print_json(FILE *out, const struct plan *p, const struct diag *dg,
		     const struct preflight *pf)
{
	const struct config *c = p ? p->cfg : NULL;
	struct exposure ex;
	char b[64];

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
	/* Every directive as {"value", "source"}, ExecStart= included. */
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
	fputs("\n  },\n  \"exposure\": ", out);
	exposure_compute(&ex, c);
	exposure_print_json(out, &ex);
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
	sandbox_print_json(out, p);
	cgroup_print_json(out, &p->cgroup);
	ns_print(out, p, true);
	if (pf) {
		fputs(",\n  \"preflight\": ", out);
		preflight_print_json(out, pf);
		fprintf(out, ",\n  \"enforceable\": %s",
			pf->failed ? "false" : "true");
	}
	fputs("\n}\n", out);
}
