/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_PREFLIGHT_H
#define OSAPI_LAUNCH_PREFLIGHT_H

#include <stdio.h>

#include "plan.h"

enum finding_level { PF_OK, PF_INFO, PF_WARN, PF_FAIL };

struct finding {
	enum finding_level level;
	char *item;   /* what was checked */
	char *detail; /* what this host says */
	char *remedy; /* what to do, or NULL */
};

struct preflight {
	struct finding *v;
	size_t n;
	size_t failed;
};

/* --check on this host: can every directive be delivered here, as written?
 * (src/report/preflight.c).  Never changes anything. */
void preflight_run(struct preflight *pf, const struct plan *p);
void preflight_print(FILE *out, const struct preflight *pf);
void preflight_print_json(FILE *out, const struct preflight *pf);
void preflight_free(struct preflight *pf);

#endif
