/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_CGROUP_H
#define OSAPI_LAUNCH_CGROUP_H

#include <stdio.h>

#include "config.h"

/*
 * MemoryMax=, MemoryHigh=, CPUQuota=, TasksMax= through cgroups
 * (src/plan/cgroup.c).  The plan resolves the hierarchy (v2, or the v1
 * controllers), the group's path and each value into a list of mkdir and
 * write actions; the apply step runs the list and moves the launcher into
 * the group, so the agent and all it starts stay there.
 */
struct cgroup_action {
	bool mkdir; /* else write value to path */
	char *path;
	char *value;
	bool optional; /* "-": a failure is skipped */
};

/* One DevicePolicy=/DeviceAllow= rule, resolved (src/plan/devices.c). */
struct device_rule {
	char type;	 /* 'c' or 'b' */
	int major;	 /* -1: any */
	int minor;	 /* -1: any */
	unsigned access; /* DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD */
};

struct cgroup_plan {
	int version; /* 0: no resource directive; 1 or 2 */
	struct cgroup_action *v;
	size_t n;
	char **groups; /* the agent's group, per hierarchy (--check) */
	size_t ngroups;
	char **notes;
	size_t nnotes;

	/* DevicePolicy=, DeviceAllow= (src/plan/devices.c): on v1 the devices
	 * controller's writes are actions above; on v2 a
	 * BPF_PROG_TYPE_CGROUP_DEVICE program, loaded in the plan, is
	 * attached to dev_group, which also loses any program a launch
	 * before left there. */
	bool devices; /* a device policy applies */
	struct device_rule *dev;
	size_t ndev;
	char *dev_group; /* v2: the agent's group directory */
	bool dev_bpf;	 /* dev_prog_fd holds the loaded program */
	int dev_prog_fd;

	/* IPAddressAllow=/IPAddressDeny= (src/plan/cgroup_skb.c) and
	 * RestrictFileSystems= (src/plan/bpf_lsm.c) key on the agent's group in
	 * the cgroup v2 hierarchy, which a hybrid host mounts at
	 * /sys/fs/cgroup/unified: bpf_group is its directory (NULL: none),
	 * which also loses the IP filters a launch before left there. */
	char *bpf_group;
	bool skb;      /* skb_fd holds the loaded ingress, egress filters */
	int skb_fd[2]; /* [0] ingress, [1] egress */
	uint32_t skb_id[2]; /* their ids, for the read-back */
};

/* src/plan/devices.c: the rules the config and its implications make, resolved
 * against this host's /dev and /proc/devices (false: no policy; notes for
 * what was skipped, as systemd skips it); the v1 rule text; the v2
 * program, loaded now (an fd, or -errno). */
bool devices_rules(struct cgroup_plan *g, const struct config *c);
char *device_rule_v1(const struct device_rule *r);
int devices_program_load(const struct cgroup_plan *g);
const char *device_policy_name(const struct config *c);

/* src/plan/cgroup_skb.c: the IP filters, loaded now. */
void cgroup_skb_plan(struct cgroup_plan *g, const struct config *c,
		     struct diag *dg);

bool cgroup_plan_build(struct cgroup_plan *g, const struct config *c,
		       struct diag *dg, enum step *step);
void cgroup_plan_free(struct cgroup_plan *g);
void cgroup_print(FILE *out, const struct cgroup_plan *g);
void cgroup_print_json(FILE *out, const struct cgroup_plan *g);

#endif
