/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_EXPOSURE_H
#define OSAPI_LAUNCH_EXPOSURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* A check that does not apply (SupplementaryGroups= for a root service):
 * left out of the weights, as systemd leaves it out. */
#define EXPOSURE_NA UINT64_MAX

#define EXPOSURE_CHECKS_MAX 96

struct exposure_check {
	const char *name; /* systemd's name for the check */
	const char *what; /* what a bad score means */
	unsigned weight;
	unsigned range;
	uint64_t badness; /* 0..range, or EXPOSURE_NA */
};

struct exposure {
	struct exposure_check v[EXPOSURE_CHECKS_MAX];
	size_t n;
	uint64_t weight_sum;
	unsigned tenths; /* the score x10: 15 is "1.5" */
	const char *level;
};

/* The exposure `systemd-analyze security` (systemd 252) gives the unit
 * equivalent to c (src/report/exposure.c).  A report: never on the launch
 * path. */
void exposure_compute(struct exposure *e, const struct config *c);
/* "exposure        1.5 OK", and with verbose the table of checks. */
void exposure_print(FILE *out, const struct exposure *e, bool verbose);
/* The "exposure" member of --check --json, without its name. */
void exposure_print_json(FILE *out, const struct exposure *e);

#endif
