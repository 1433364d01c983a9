/* SPDX-License-Identifier: MIT */
/* --check: the plan, for people (the JSON for fleets is check_json.c). */
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

const char *origin_text(const struct origin *at, char *buf, size_t len)
{
	if (!at->line)
		return "default";
	snprintf(buf, len, "%s:%u", at->file, at->line);
	return buf;
}

/* PrivateNetwork=, PrivateIPC=, ProtectHostname=, KeyringMode=, the
 * device policy: one line each. */
static void ns_print(FILE *out, const struct plan *p)
{
	static const char *const keyring[] = {
		"private: a new session keyring, linked to no other",
		"inherit: the caller's session keyring",
		"shared: a new session keyring with the user keyring of User=",
	};
	const struct cgroup_plan *g = &p->cgroup;
	const struct config *c = p->cfg;

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
		!r->loaded   ? r->pin_link
		: r->persist ? "loaded and pinned now"
			     : "loaded for this check; the launch pins it",
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

/* Who runs what. */
static void print_identity(FILE *out, const struct plan *p)
{
	const struct config *c = p->cfg;
	char b[4096];

	fprintf(out, "config          %s\n", c->path);
	fputs("command        ", out);
	for (char **a = p->argv; a && *a; a++)
		fprintf(out, " %s", *a);
	fprintf(out, "\nbinary          %s%s\n", p->exec_path,
		p->exec_is_script ? " (#! script)" : "");
	fprintf(out, "user            %s (uid %u)  [%s]\n", p->user_name,
		(unsigned)p->uid, origin_text(&c->at[D_USER], b, sizeof(b)));
	fprintf(out, "group           gid %u  [%s]\n", (unsigned)p->gid,
		origin_text(&c->at[D_GROUP], b, sizeof(b)));
	fputs("groups         ", out);
	if (!p->ngroups)
		fputs(" (none)", out);
	for (size_t i = 0; i < p->ngroups; i++)
		fprintf(out, " %u", (unsigned)p->groups[i]);
	fputc('\n', out);
}

/* What the agent may do: capabilities, no_new_privs, securebits. */
static void print_privileges(FILE *out, const struct plan *p)
{
	const struct config *c = p->cfg;
	char b[4096];

	fputs("bounding set    ", out);
	caps_text(out, p->bounding, p->last_cap);
	fprintf(out, "  [%s]\n",
		p->set_bounding ? origin_text(&c->at[D_CAPABILITY_BOUNDING_SET],
					      b, sizeof(b))
				: "not set: left as inherited");
	fputs("ambient         ", out);
	caps_text(out, p->ambient, p->last_cap);
	fprintf(out, "  [%s]\n",
		origin_text(&c->at[D_AMBIENT_CAPABILITIES], b, sizeof(b)));
	fputs("permitted       ", out);
	caps_text(out, p->permitted, p->last_cap);
	fprintf(out, "\nno_new_privs    %s  [%s]\n",
		p->no_new_privs ? "yes" : "no",
		p->no_new_privs_for_landlock ? "implied by Landlock"
		: p->no_new_privs_implied
			? "implied by a seccomp directive"
			: origin_text(&c->at[D_NO_NEW_PRIVILEGES], b,
				      sizeof(b)));
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
}

/* The process state the launch sets: umask, directory, scheduling,
 * directories, limits, environment. */
static void print_process(FILE *out, const struct plan *p)
{
	const struct config *c = p->cfg;
	char b[4096];

	fprintf(out, "umask           %04o  [%s]\n", (unsigned)p->umask,
		origin_text(&c->at[D_UMASK], b, sizeof(b)));
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
}

/* The exec labels, or why none applies. */
static void print_lsm(FILE *out, const struct plan *p)
{
	const struct config *c = p->cfg;

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
}

void plan_print(FILE *out, const struct plan *p, bool verbose)
{
	struct exposure ex;

	print_identity(out, p);
	print_privileges(out, p);
	print_process(out, p);
	sandbox_print(out, p);
	cgroup_print(out, &p->cgroup);
	bpf_lsm_print(out, &p->rfs);
	ns_print(out, p);
	seccomp_print(out, &p->seccomp);
	if (p->seccomp.n)
		fprintf(out, "seccomp cache   %s\n", OSAPI_LAUNCH_CACHE_DIR);
	print_lsm(out, p);
	exposure_compute(&ex, p->cfg);
	exposure_print(out, &ex, verbose);
}
