/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_UNIT_H
#define OSAPI_LAUNCH_UNIT_H

#include <stdio.h>

#include "config.h"

/*
 * --unit FILE.service: a systemd unit's [Service] section read as the
 * launcher's config (src/parse/config.c), so one hardened unit serves systemd
 * hosts and every other host.  Its drop-ins (the .conf files in
 * NAME.service.d/, the dashed-prefix and service.d/ ones) are read as systemd
 * reads them, from the unit's own directory and systemd's system unit search
 * path.
 */
struct unit_import {
	bool drop_unsupported; /* --drop-unsupported */
	struct words applied;  /* "Name=" for each directive taken over */
	struct words ignored;  /* service-manager directives (Type=, ...) */
	struct words dropped;  /* exec directives osapi-launch lacks */
	struct words dropins;  /* drop-ins applied, in order */
	struct words masked;   /* drop-ins masked by a /dev/null symlink */
};

bool systemd_manager_directive(const char *name); /* src/lib/systemd_names.c */

bool config_load_unit(struct config *c, const char *path, struct unit_import *u,
		      struct diag *dg);
/* --check --unit: what became of each line. */
void unit_import_print(FILE *out, const struct unit_import *u);
/* --unit ... --print-config: the equivalent [Launch] config. */
void unit_import_print_config(FILE *out, const char *path,
			      const struct unit_import *u);
void unit_import_free(struct unit_import *u);

#endif
