/* SPDX-License-Identifier: MIT */
/*
 * Resources through cgroups: MemoryMax=, MemoryHigh=, CPUQuota=, TasksMax=,
 * with systemd's syntax, on cgroup v2 where /sys/fs/cgroup is the unified
 * hierarchy, else on the v1 controllers (memory, cpu, pids).
 *
 * The agent's group is CgroupParent=/<name>, <name> being the config file's
 * name without ".conf" (launch.conf: "launch"), so each config is one group
 * as each systemd service is one: every process started from that config
 * counts against its limits.  CgroupParent= defaults to "/osapi-launch",
 * beside the caller's group (as systemd's system.slice); "." nests the
 * group under the launcher's own, so a supervisor's limits still apply
 * (on v2 that needs the supervisor to have delegated controllers to a
 * group without processes: the "no internal processes" rule).
 *
 * Groups are reused: the next launch writes the limits again and joins.
 * They are not removed when the agent exits (nobody is left to do it, the
 * launcher having become the agent); an empty group costs nothing, and
 * "rmdir" removes it.
 *
 * The plan turns all of that into a list of mkdir and write actions with
 * their values already formatted; the apply step, as root before any drop
 * (the cgroup files are root's), runs the list and writes "0" (itself) to
 * each group's cgroup.procs, so the agent and its children are born there.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup.h"
#include "plan.h"
#include "steps.h"

#define CPU_PERIOD_US 100000ULL /* systemd's default CPUQuotaPeriodSec= */

/* Where the hierarchy is mounted: /sys/fs/cgroup.  A fault-injection
 * build (tests only) may name another v2 mount in
 * OSAPI_LAUNCH_CGROUP_V2, e.g. the unified hierarchy of a hybrid host, to
 * test the v2 paths where the host runs v1. */
static const char *cg_root = "/sys/fs/cgroup";
#define CG_ROOT cg_root

static void act(struct cgroup_plan *g, bool mk, char *path, char *value,
		bool optional)
{
	g->v = xrealloc(g->v, (g->n + 1) * sizeof(*g->v));
	g->v[g->n++] = (struct cgroup_action){mk, path, value, optional};
}

static void cg_note(struct cgroup_plan *g, char *s)
{
	g->notes = xrealloc(g->notes, (g->nnotes + 1) * sizeof(char *));
	g->notes[g->nnotes++] = s;
}

/* The launcher's own group in a hierarchy, from /proc/self/cgroup:
 * ctrl NULL for v2 ("0::/path"). */
static char *own_group(const char *ctrl)
{
	char line[4096];
	char *found = NULL;
	FILE *f = fopen("/proc/self/cgroup", "re");

	while (f && !found && fgets(line, sizeof(line), f)) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = '\0';
		b[1 + strcspn(b + 1, "\n")] = '\0';
		if (ctrl ? strstr(a + 1, ctrl) != NULL &&
				    strlen(a + 1) >= strlen(ctrl)
			 : a[1] == '\0') {
			/* "cpu" must not match "cpuacct" or "cpuset". */
			if (ctrl) {
				bool exact = false;
				char *save = NULL;
				for (char *t = strtok_r(a + 1, ",", &save); t;
				     t = strtok_r(NULL, ",", &save))
					exact |= strcmp(t, ctrl) == 0;
				if (!exact)
					continue;
			}
			found = xstrdup(b + 1);
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* "launch" for /etc/osapi/launch.conf; only [A-Za-z0-9_.-]. */
static char *group_name(const struct config *c)
{
	const char *base = c->path ? strrchr(c->path, '/') : NULL;
	char *n = xstrdup(base ? base + 1 : c->path ? c->path : "osapi-agent");
	size_t l = strlen(n);

	if (l > 5 && strcmp(n + l - 5, ".conf") == 0)
		n[l - 5] = '\0';
	for (char *p = n; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
			    "YZ"
			    "0123456789_.-",
			    *p))
			*p = '_';
	if (!*n || n[0] == '.') {
		free(n);
		n = xstrdup("osapi-agent");
	}
	return n;
}

/* The first number in a small file, after prefix on some line. */
static uint64_t number_in(const char *path, const char *prefix)
{
	char buf[256];
	uint64_t v = 0;
	FILE *f = fopen(path, "re");

	while (f && fgets(buf, sizeof(buf), f)) {
		size_t l = strlen(prefix);
		if (strncmp(buf, prefix, l) == 0) {
			v = strtoull(buf + l, NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	return v;
}

static uint64_t host_total(bool memory)
{
	uint64_t v, w;

	if (memory)
		return number_in("/proc/meminfo", "MemTotal:") * 1024;
	/* systemd: the smaller of kernel.pid_max and kernel.threads-max. */
	v = number_in("/proc/sys/kernel/pid_max", "");
	w = number_in("/proc/sys/kernel/threads-max", "");
	return w && w < v ? w : v;
}

static char *value_text(const struct resource *r, bool memory, bool v1)
{
	if (r->infinity)
		return xstrdup(v1 && memory ? "-1" : "max");
	if (r->percent) {
		unsigned long long total = host_total(memory);
		return xasprintf("%llu", total / 10000 * r->percent);
	}
	return xasprintf("%llu", (unsigned long long)r->value);
}

static bool controller_v2(const char *ctrl)
{
	char buf[1024], *save = NULL;
	ssize_t n;
	char path[256];
	bool found = false;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", CG_ROOT);
	fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (char *t = strtok_r(buf, " \n", &save); t;
	     t = strtok_r(NULL, " \n", &save))
		found |= strcmp(t, ctrl) == 0;
	return found;
}

static bool controller_v1(const char *ctrl, const char *probe)
{
	char path[256];
	struct statfs sf;

	snprintf(path, sizeof(path), "%s/%s/%s", CG_ROOT, ctrl, probe);
	return statfs(path, &sf) == 0 && sf.f_type == CGROUP_SUPER_MAGIC &&
	       access(path, F_OK) == 0;
}

/* mkdir actions for every component of group below the mount root, and
 * on v2 (enable: "+memory") the controller enabled on the way down. */
static void mkdirs(struct cgroup_plan *g, const char *root, const char *group,
		   bool optional, const char *enable)
{
	if (enable)
		act(g, false, xasprintf("%s/cgroup.subtree_control", root),
		    xstrdup(enable), optional);
	for (const char *p = group;;) {
		size_t l;

		p = strchr(p + 1, '/');
		l = p ? (size_t)(p - group) : strlen(group);
		act(g, true, xasprintf("%s%.*s", root, (int)l, group), NULL,
		    optional);
		if (!p)
			break;
		if (enable)
			act(g, false,
			    xasprintf("%s%.*s/cgroup.subtree_control", root,
				      (int)l, group),
			    xstrdup(enable), optional);
	}
}

/* The agent's group in the hierarchy of ctrl (v2: the one hierarchy), or
 * NULL with an error in dg. */
static char *agent_group(const struct cgroup_plan *g, const struct config *c,
			 const char *ctrl, const char *name, struct diag *dg)
{
	char *parent, *group;

	if (c->cgroup_parent && strcmp(c->cgroup_parent, ".") == 0) {
		parent = own_group(
			g->version == 2 || strcmp(ctrl, "unified") == 0 ? NULL
									: ctrl);
		if (!parent) {
			diag_add(dg, c->at[D_CGROUP_PARENT],
				 "CgroupParent=.: cannot find the "
				 "launcher's own %s group",
				 ctrl);
			return NULL;
		}
	} else {
		parent = xstrdup(c->cgroup_parent ? c->cgroup_parent
						  : "/osapi-launch");
	}
	group = xasprintf("%s/%s", strcmp(parent, "/") ? parent : "", name);
	free(parent);
	return group;
}

/* The group's cgroup.procs, joined last, once per group. */
static void join(struct cgroup_plan *g, const char *root, const char *group)
{
	char *procs = xasprintf("%s%s/cgroup.procs", root, group);
	bool dup = false;

	for (size_t k = 0; k < g->ngroups; k++)
		dup |= strcmp(g->groups[k], procs) == 0;
	if (dup) {
		free(procs);
		return;
	}
	g->groups = xrealloc(g->groups, (g->ngroups + 1) * sizeof(char *));
	g->groups[g->ngroups++] = procs;
}

/*
 * DevicePolicy=, DeviceAllow= (src/plan/devices.c): on v1 the devices
 * controller denies "a" and allows each rule; on v2 the group gets a
 * device program, loaded now.  On v2 the agent's group is also cleared of
 * a program an earlier launch left (groups are reused), policy or not.
 */
static void plan_devices(struct cgroup_plan *g, const struct config *c,
			 const char *name, struct diag *dg)
{
	struct origin at = c->at[D_DEVICE_POLICY].line ? c->at[D_DEVICE_POLICY]
			   : c->at[D_DEVICE_ALLOW].line
				   ? c->at[D_DEVICE_ALLOW]
				   : c->at[D_PRIVATE_DEVICES];
	char *group, *root;
	int fd;

	if (!g->devices) {
		if (g->version == 2 && g->ngroups) {
			group = agent_group(g, c, "devices", name, dg);
			if (group)
				g->dev_group =
					xasprintf("%s%s", CG_ROOT, group);
			free(group);
		}
		return;
	}
	if (g->version == 1 && !controller_v1("devices", "devices.allow")) {
		diag_add(dg, at,
			 "DevicePolicy=%s: this host has no cgroup v1 devices "
			 "controller (and /sys/fs/cgroup is not cgroup v2)",
			 device_policy_name(c));
		return;
	}
	group = agent_group(g, c, "devices", name, dg);
	if (!group)
		return;
	root = g->version == 2 ? xstrdup(CG_ROOT)
			       : xasprintf("%s/devices", CG_ROOT);
	mkdirs(g, root, group, false, NULL);
	if (g->version == 1) {
		act(g, false, xasprintf("%s%s/devices.deny", root, group),
		    xstrdup("a"), false);
		for (size_t i = 0; i < g->ndev; i++)
			act(g, false,
			    xasprintf("%s%s/devices.allow", root, group),
			    device_rule_v1(&g->dev[i]), false);
	} else {
		g->dev_group = xasprintf("%s%s", root, group);
		fd = devices_program_load(g);
		if (fd < 0)
			diag_add(dg, at,
				 "DevicePolicy=%s: the kernel refused the "
				 "BPF_PROG_TYPE_CGROUP_DEVICE program (%s): "
				 "cgroup v2 device control needs "
				 "CONFIG_CGROUP_BPF and CAP_BPF or "
				 "CAP_SYS_ADMIN",
				 device_policy_name(c), errno_name(-fd));
		else {
			g->dev_bpf = true;
			g->dev_prog_fd = fd;
		}
	}
	join(g, root, group);
	free(group);
	free(root);
}

/* The agent's group on cgroup v2 for the BPF directives (src/plan/cgroup_skb.c,
 * src/plan/bpf_lsm.c); on a v2 host also without them, so that a filter an
 * earlier launch left there is removed. */
static void plan_bpf_group(struct cgroup_plan *g, const struct config *c,
			   const char *name, bool wanted, struct diag *dg)
{
	struct statfs sf;
	char *root, *group;

	if (!wanted && !(g->version == 2 && g->ngroups))
		return;
	root = g->version == 2 ? xstrdup(CG_ROOT)
			       : xasprintf("%s/unified", CG_ROOT);
	if (statfs(root, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC) {
		free(root);
		return; /* the directives' plans say why */
	}
	group = agent_group(g, c, "unified", name, dg);
	if (group) {
		mkdirs(g, root, group, false, NULL);
		join(g, root, group);
		g->bpf_group = xasprintf("%s%s", root, group);
	}
	free(group);
	free(root);
}

/* A resource directive, its controller, and the file that tells whether v1
 * has it (NULL: v1 has no equivalent). */
struct cgroup_resource {
	const struct resource *r;
	const char *name, *ctrl, *v1_probe;
	bool memory;
};

/* One resource directive: its controller found (or its absence noted or
 * refused), the group made on the way down, the value written. */
static void plan_resource(struct cgroup_plan *g, const struct config *c,
			  const struct cgroup_resource *x, const char *name,
			  struct diag *dg)
{
	const struct resource *r = x->r;
	const char *ctrl = x->ctrl;
	char *group, *root;
	bool have;

	have = g->version == 2 ? controller_v2(ctrl)
	       : x->v1_probe   ? controller_v1(ctrl, x->v1_probe)
			       : false;
	if (!have && g->version == 1 && !x->v1_probe) {
		/* MemoryHigh=: v1 has no throttling threshold
		 * (memory.soft_limit_in_bytes acts only under global
		 * pressure).  systemd ignores it on v1; so do we, and
		 * --check says so.  MemoryMax= still holds. */
		cg_note(g, xasprintf("%s= skipped: cgroup v1 has no "
				     "equivalent (as under systemd)",
				     x->name));
		return;
	}
	if (!have) {
		if (r->optional) {
			cg_note(g, xasprintf("%s= skipped: no cgroup v%d "
					     "%s controller here",
					     x->name, g->version, ctrl));
			return;
		}
		diag_add(dg, r->at,
			 "%s=: this host has no cgroup v%d %s "
			 "controller",
			 x->name, g->version, ctrl);
		return;
	}

	group = agent_group(g, c, ctrl, name, dg);
	if (!group)
		return;
	root = g->version == 2 ? xstrdup(CG_ROOT)
			       : xasprintf("%s/%s", CG_ROOT, ctrl);
	{
		char *enable = g->version == 2 ? xasprintf("+%s", ctrl) : NULL;
		mkdirs(g, root, group, r->optional, enable);
		free(enable);
	}
	if (strcmp(x->name, "CPUQuota") == 0) {
		uint64_t q = r->value * CPU_PERIOD_US / 10000;
		if (q < 1000)
			q = 1000; /* the kernel's minimum, 1 ms */
		if (g->version == 2)
			act(g, false, xasprintf("%s%s/cpu.max", root, group),
			    xasprintf("%llu %llu", (unsigned long long)q,
				      CPU_PERIOD_US),
			    r->optional);
		else {
			act(g, false,
			    xasprintf("%s%s/cpu.cfs_period_us", root, group),
			    xasprintf("%llu", CPU_PERIOD_US), r->optional);
			act(g, false,
			    xasprintf("%s%s/cpu.cfs_quota_us", root, group),
			    xasprintf("%llu", (unsigned long long)q),
			    r->optional);
		}
	} else {
		const char *file = strcmp(x->name, "TasksMax") == 0 ? "pids.max"
				   : strcmp(x->name, "MemoryHigh") == 0
					   ? "memory.high"
				   : g->version == 2 ? "memory.max"
						     : "memory.limit_in_bytes";
		act(g, false, xasprintf("%s%s/%s", root, group, file),
		    value_text(r, x->memory, g->version == 1), r->optional);
	}
	join(g, root, group);
	free(group);
	free(root);
}

bool cgroup_plan_build(struct cgroup_plan *g, const struct config *c,
		       struct diag *dg, enum step *step)
{
	const struct cgroup_resource res[] = {
		{&c->memory_max, "MemoryMax", "memory", "memory.limit_in_bytes",
		 true},
		{&c->memory_high, "MemoryHigh", "memory", NULL, true},
		{&c->cpu_quota, "CPUQuota", "cpu", "cpu.cfs_quota_us", false},
		{&c->tasks_max, "TasksMax", "pids", "cgroup.procs", false},
	};
	struct statfs sf;
	char *name;
	size_t before = dg->n;
	bool any = false, bpf;

	for (size_t i = 0; i < sizeof(res) / sizeof(*res); i++)
		any |= res[i].r->set;
#ifdef OSAPI_FAULT_INJECTION
	if (getenv("OSAPI_LAUNCH_CGROUP_V2"))
		cg_root = getenv("OSAPI_LAUNCH_CGROUP_V2");
#endif
	any |= devices_rules(g, c);
	bpf = c->ip_allow.n || c->ip_deny.n || c->restrict_filesystems.n;
	if (!any && !bpf)
		return true;
	g->version =
		statfs(CG_ROOT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC
			? 2
			: 1;
	name = group_name(c);

	for (size_t i = 0; i < sizeof(res) / sizeof(*res); i++)
		if (res[i].r->set)
			plan_resource(g, c, &res[i], name, dg);
	plan_devices(g, c, name, dg);
	plan_bpf_group(g, c, name, bpf, dg);
	cgroup_skb_plan(g, c, dg);
	for (size_t k = 0; k < g->ngroups; k++)
		act(g, false, xstrdup(g->groups[k]), xstrdup("0"), false);
	free(name);
	if (dg->n != before && *step == STEP__ALL)
		*step = STEP_PLAN_CGROUP;
	return dg->n == before;
}

void cgroup_plan_free(struct cgroup_plan *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].path);
		free(g->v[i].value);
	}
	free(g->v);
	for (size_t i = 0; i < g->ngroups; i++)
		free(g->groups[i]);
	free(g->groups);
	for (size_t i = 0; i < g->nnotes; i++)
		free(g->notes[i]);
	free(g->notes);
	free(g->dev);
	free(g->dev_group);
	if (g->dev_bpf)
		close(g->dev_prog_fd);
	free(g->bpf_group);
	for (int i = 0; g->skb && i < 2; i++)
		close(g->skb_fd[i]);
	memset(g, 0, sizeof(*g));
}
