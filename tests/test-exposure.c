/* SPDX-License-Identifier: MIT */
/*
 * test-exposure UNIT: the exposure score of a unit, for the corpus test
 * (tests/t/45-exposure.t), including the scored directives the launcher's
 * parser does not take yet.  Those are what --drop-unsupported drops; here
 * each is put into the config's accepted-assignment list, as the parser
 * will once it implements the directive, so the scoring of every systemd
 * check is compared with systemd-analyze today.  Prints what
 * `osapi-launch --check --verbose` prints for the score.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "exposure.h"
#include "unit.h"

int main(int argc, char **argv)
{
	struct config c;
	struct unit_import u = {.drop_unsupported = true};
	struct diag dg = {0};
	struct exposure e;

	if (argc != 2) {
		fputs("usage: test-exposure UNIT\n", stderr);
		return 64;
	}
	config_init(&c);
	if (!config_load_unit(&c, argv[1], &u, &dg)) {
		diag_print(&dg);
		return 78;
	}
	for (size_t i = 0; i < u.dropped.n; i++) {
		const struct word *w = &u.dropped.v[i];
		words_push(&c.raw, w->s, strlen(w->s), w->at, false);
	}
	exposure_compute(&e, &c);
	exposure_print(stdout, &e, true);
	unit_import_free(&u);
	config_free(&c);
	diag_free(&dg);
	return 0;
}
