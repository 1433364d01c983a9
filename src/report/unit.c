/* SPDX-License-Identifier: MIT */
/* --unit: what became of each line, for --check and --print-config. */
#include <stdio.h>

#include "unit.h"

void unit_import_print(FILE *out, const struct unit_import *u)
{
	const struct {
		const char *what;
		const struct words *w;
	} parts[] = {
		{"applied", &u->applied},
		{"ignored (service manager)", &u->ignored},
		{"DROPPED (not implemented)", &u->dropped},
	};

	fputs("\nunit translation:\n", out);
	for (size_t j = 0; j < u->dropins.n; j++)
		fprintf(out, "  %-26s %s\n", "drop-in", u->dropins.v[j].s);
	for (size_t j = 0; j < u->masked.n; j++)
		fprintf(out, "  %-26s %s\n", "drop-in masked",
			u->masked.v[j].s);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (size_t j = 0; j < parts[i].w->n; j++) {
			const struct word *w = &parts[i].w->v[j];
			bool dropin = w->at.file &&
				      words_contain(&u->dropins, w->at.file);

			fprintf(out, "  %-26s line %-4u %s%s%s\n",
				parts[i].what, w->at.line, w->s,
				dropin ? "  in " : "",
				dropin ? w->at.file : "");
		}
}

void unit_import_print_config(FILE *out, const char *path,
			      const struct unit_import *u)
{
	fprintf(out, "# osapi-launch config translated from %s\n", path);
	for (size_t j = 0; j < u->dropins.n; j++)
		fprintf(out, "# and its drop-in %s\n", u->dropins.v[j].s);
	for (size_t j = 0; j < u->masked.n; j++)
		fprintf(out, "# masked drop-in: %s\n", u->masked.v[j].s);
	for (size_t j = 0; j < u->ignored.n; j++)
		fprintf(out, "# ignored (service manager): %s\n",
			u->ignored.v[j].s);
	for (size_t j = 0; j < u->dropped.n; j++)
		fprintf(out, "# DROPPED (not implemented): %s\n",
			u->dropped.v[j].s);
	fputs("[Launch]\n", out);
	for (size_t j = 0; j < u->applied.n; j++)
		fprintf(out, "%s\n", u->applied.v[j].s);
}
