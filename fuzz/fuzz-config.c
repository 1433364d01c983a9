/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness over the config syntax layer and every value parser:
 * the code that reads what root wrote before any privilege changes.  The
 * first input byte picks the parser, the rest is its text:
 *
 *   0 config_parse_text   4 parse_rlimit (2nd byte: resource)
 *   1 split_words         5 parse_boolean
 *   2 parse_capability    6 parse_errno
 *   3 parse_umask         7 parse_env_file
 *
 * Built by fuzz/build.sh (clang, -fsanitize=fuzzer,address,undefined);
 * run by tests/t/92-fuzz.t.  Nothing here touches the filesystem: the
 * directive parsers only record EnvironmentFile= paths, the plan opens them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "config.h"

enum {
	F_CONFIG,
	F_WORDS,
	F_CAP,
	F_UMASK,
	F_RLIMIT,
	F_BOOL,
	F_ERRNO,
	F_ENV,
	F__MAX
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy: the parsers take C strings, and an embedded NUL
 * simply ends the text early, as it would for a file read by trusted_read. */
static char *text_of(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1);

	if (!t)
		abort();
	memcpy(t, data, size);
	t[size] = '\0';
	return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct origin at = {"fuzz.conf", 1};
	const char *why = NULL;
	unsigned which;
	char *text;

	if (size < 1)
		return 0;
	which = data[0] % F__MAX;
	data++;
	size--;

	switch (which) {
	case F_CONFIG: {
		struct config c;
		struct diag dg = {0};

		config_init(&c);
		c.path = xstrdup("fuzz.conf");
		text = text_of(data, size);
		(void)config_parse_text(&c, text, &dg);
		free(text);
		config_free(&c);
		diag_free(&dg);
		return 0;
	}
	case F_WORDS: {
		struct words w = {0};

		text = text_of(data, size);
		if (split_words(text, &w, at, &why) < 0 && !why)
			abort(); /* a failure must say why */
		words_clear(&w);
		break;
	}
	case F_CAP: {
		int cap;

		text = text_of(data, size);
		cap = parse_capability(text);
		if (cap >= 0 && cap > capability_last())
			abort();
		break;
	}
	case F_UMASK: {
		mode_t m = 0;

		text = text_of(data, size);
		if (parse_umask(text, &m) == 0 && m > 0777)
			abort();
		break;
	}
	case F_RLIMIT: {
		struct rlimit rl;
		int resource = 0;

		if (size > 0) {
			resource = data[0] % RLIM_NLIMITS;
			data++;
			size--;
		}
		text = text_of(data, size);
		if (parse_rlimit(text, resource, &rl, &why) == 0 &&
		    rl.rlim_cur > rl.rlim_max)
			abort();
		break;
	}
	case F_BOOL:
		text = text_of(data, size);
		(void)parse_boolean(text);
		break;
	case F_ERRNO: {
		int e;

		text = text_of(data, size);
		e = parse_errno(text);
		if (e > 4095)
			abort();
		break;
	}
	default: {
		struct words w = {0};
		struct diag dg = {0};

		text = text_of(data, size);
		if (parse_env_file(text, "fuzz.env", &w, &dg) < 0 && dg.n == 0)
			abort(); /* a refused file must say why */
		for (size_t i = 0; i < w.n; i++)
			if (!env_assignment_valid(w.v[i].s))
				abort();
		words_clear(&w);
		diag_free(&dg);
		break;
	}
	}
	free(text);
	return 0;
}
