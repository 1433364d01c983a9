/* SPDX-License-Identifier: MIT */
/*
 * User=, Group=, SupplementaryGroups=: names resolved to numbers here, with
 * NSS, so the uid change (src/apply/credentials.c) only sets numbers.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static bool numeric_id(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && *out < 4294967295UL;
}

void credentials_plan(struct plan *p, const struct config *c, struct diag *dg,
		      enum step *step)
{
	struct passwd *pw = NULL;
	unsigned long id;

	errno = 0;
	if (!c->user)
		pw = getpwuid(0);
	else if (numeric_id(c->user, &id))
		pw = getpwuid((uid_t)id);
	else
		pw = getpwnam(c->user);
	if (!pw) {
		if (c->user && numeric_id(c->user, &id)) {
			/* systemd accepts a uid with no passwd entry. */
			p->uid = (uid_t)id;
			p->gid = (gid_t)id;
			p->user_name = xstrdup(c->user);
			p->home = xstrdup("/");
			p->shell = xstrdup("/usr/sbin/nologin");
		} else {
			diag_add(dg, c->at[D_USER],
				 "User=: unknown user \"%s\"",
				 c->user ? c->user : "root");
			plan_fail(step, STEP_PLAN_USER);
			return;
		}
	} else {
		p->uid = pw->pw_uid;
		p->gid = pw->pw_gid;
		p->user_name = xstrdup(pw->pw_name);
		p->home = xstrdup(pw->pw_dir);
		p->shell = xstrdup(pw->pw_shell[0] ? pw->pw_shell : "/bin/sh");
	}
	p->change_id = p->uid != 0;

	if (c->group) {
		struct group *gr;
		if (numeric_id(c->group, &id)) {
			p->gid = (gid_t)id;
		} else if ((gr = getgrnam(c->group))) {
			p->gid = gr->gr_gid;
		} else {
			diag_add(dg, c->at[D_GROUP],
				 "Group=: unknown group \"%s\"", c->group);
			plan_fail(step, STEP_PLAN_GROUP);
		}
	}

	/* The user's own memberships, as initgroups(3) under systemd, minus
	 * the primary group (already the gid), plus SupplementaryGroups=. */
	if (c->user && pw) {
		int n = 64;
		gid_t *g = xmalloc(sizeof(gid_t) * (size_t)n);
		while (getgrouplist(pw->pw_name, p->gid, g, &n) < 0)
			g = xrealloc(g, sizeof(gid_t) * (size_t)n);
		p->groups = g;
		for (int i = 0; i < n; i++)
			if (g[i] != p->gid)
				p->groups[p->ngroups++] = g[i];
	}
	for (size_t i = 0; i < c->supplementary_groups.n; i++) {
		const struct word *w = &c->supplementary_groups.v[i];
		struct group *gr;
		gid_t gid;
		bool dup = false;

		if (numeric_id(w->s, &id))
			gid = (gid_t)id;
		else if ((gr = getgrnam(w->s)))
			gid = gr->gr_gid;
		else {
			diag_add(dg, w->at,
				 "SupplementaryGroups=: unknown group \"%s\"",
				 w->s);
			plan_fail(step, STEP_PLAN_GROUP);
			continue;
		}
		for (size_t j = 0; j < p->ngroups; j++)
			dup |= p->groups[j] == gid;
		if (dup || gid == p->gid)
			continue;
		p->groups = xrealloc(p->groups,
				     (p->ngroups + 1) * sizeof(*p->groups));
		p->groups[p->ngroups++] = gid;
	}
}
