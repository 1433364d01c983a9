/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_UNIT_H
#define OSAPI_LAUNCH_UNIT_H

#include <stdio.h>

#include "config.h"

/*
 * --unit FILE.service: a systemd unit's [Service] section read as the
 * launcher's config (src/parse/unit.c), so one hardened unit serves systemd
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
/* The syntax layer (src/parse/config.c): path read with the trust checks
 * and parsed into c, its values' origin named file; [Service] and a note of
 * what became of each line when u is set (--unit), else [Launch].  False
 * (and a message) when the file cannot be read, whatever its content. */
bool config_load_file(struct config *c, const char *path, const char *file,
		      struct unit_import *u, struct diag *dg);
/* --check --unit: what became of each line (src/report/unit.c). */
void unit_import_print(FILE *out, const struct unit_import *u);
/* --unit ... --print-config: the equivalent [Launch] config. */
void unit_import_print_config(FILE *out, const char *path,
			      const struct unit_import *u);
void unit_import_free(struct unit_import *u);

#endif
