/* SPDX-License-Identifier: MIT */
/*
 * IPAddressAllow= and IPAddressDeny=: the two packet filters the plan loaded
 * (src/plan/cgroup_skb.c) on the agent's group of the cgroup v2 hierarchy.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cgroup_prog.h"
#include "plan.h"
#include "steps.h"

/*
 * The agent's v2 group loses the IP filters a launch before left there
 * (groups are reused), then gets the plan's, with BPF_F_ALLOW_MULTI so a
 * filter the host put on an ancestor still runs: a packet passes only when
 * every program lets it.  After cgroup_apply() made the group and moved
 * the launcher in; a socket is charged to the group it is created in, and
 * the agent's are all created after exec.
 */
void cgroup_skb_apply(const struct plan *p)
{
	const struct cgroup_plan *g = &p->cgroup;
	/* [0] ingress, [1] egress, as the plan's skb_fd[] and skb_id[]. */
	const struct cgroup_bpf_slot slots[2] = {
		{STEP_IP_FILTER, BPF_CGROUP_INET_INGRESS, g->bpf_group,
		 "IPAddressDeny=", "ingress filter", "IP filter"},
		{STEP_IP_FILTER, BPF_CGROUP_INET_EGRESS, g->bpf_group,
		 "IPAddressDeny=", "egress filter", "IP filter"},
	};
	int cg;

	if (!g->bpf_group)
		return;
	if (INJECT(STEP_IP_FILTER))
		die(STEP_IP_FILTER, errno, "IP address filter: injected");
	cg = open(g->bpf_group, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		die(STEP_IP_FILTER, errno, "cannot open %s", g->bpf_group);
	for (int t = 0; t < 2; t++)
		cgroup_prog_replace(cg, &slots[t], g->skb ? g->skb_fd[t] : -1,
				    &g->skb_id[t]);
	close(cg);
}
