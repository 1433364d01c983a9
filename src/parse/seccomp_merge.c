/* SPDX-License-Identifier: MIT */
/* systemd's merge rules for SystemCallFilter=, SystemCallLog= and
 * RestrictAddressFamilies= (include/seccomp_merge.h). */
#include <stdlib.h>
#include <string.h>

#include "seccomp_merge.h"

bool syscall_lines_walk(const struct words *lines, bool with_default,
			bool *allow_list,
			void (*fn)(const struct syscall_word *w, void *ud),
			void *ud)
{
	bool initialized = false;

	*allow_list = false;
	for (size_t i = 0; i < lines->n; i++) {
		const char *line = lines->v[i].s;
		bool invert = line[0] == '~';
		struct words w = {0};
		const char *why;

		if (!initialized) {
			*allow_list = !invert;
			initialized = true;
			if (*allow_list && with_default)
				fn(&(struct syscall_word){"@default", true, -1,
							  false, true,
							  lines->v[i].at},
				   ud);
		}
		if (split_words(invert ? line + 1 : line, &w, lines->v[i].at,
				&why) < 0)
			abort(); /* validated by the parser */
		for (size_t j = 0; j < w.n; j++) {
			char *name = w.v[j].s, *colon = strchr(name, ':');
			int err = -1;
			if (colon) {
				*colon = '\0';
				err = strcmp(colon + 1, "kill") == 0
					      ? -2
					      : parse_errno(colon + 1);
			}
			fn(&(struct syscall_word){name, invert != *allow_list,
						  err, invert, false,
						  lines->v[i].at},
			   ud);
		}
		words_clear(&w);
	}
	return initialized;
}

bool address_families_merge(const struct words *lines,
			    bool allowed[ADDRESS_FAMILIES], bool *allow_list)
{
	bool initialized = false, none = false;

	*allow_list = false;
	for (size_t i = 0; i < lines->n; i++) {
		const char *line = lines->v[i].s;
		bool invert = line[0] == '~';
		struct words w = {0};
		const char *why;

		/* systemd's config_parse_address_families(). */
		if (strcmp(line, "none") == 0) {
			for (int af = 0; af < ADDRESS_FAMILIES; af++)
				allowed[af] = false;
			*allow_list = true;
			initialized = false;
			none = true;
			continue;
		}
		if (!initialized) {
			*allow_list = !invert;
			for (int af = 0; af < ADDRESS_FAMILIES; af++)
				allowed[af] = invert;
		}
		initialized = true;
		if (split_words(invert ? line + 1 : line, &w, lines->v[i].at,
				&why) < 0)
			abort(); /* validated by the parser */
		for (size_t j = 0; j < w.n; j++) {
			int af = address_family(w.v[j].s);
			if (af > 0)
				allowed[af] = !invert;
		}
		words_clear(&w);
	}
	return initialized || none;
}
