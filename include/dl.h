/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_DL_H
#define OSAPI_LAUNCH_DL_H

#include <stddef.h>

/*
 * Optional libraries (libapparmor, libselinux) are opened with dlopen(3)
 * when a directive needs them, not linked: a launch that sets neither
 * AppArmorProfile= nor SELinuxContext= on a host without those LSMs never
 * maps them (libselinux alone, with libpcre2 and its constructor, cost a
 * quarter of a millisecond per launch; docs/benchmarks.md), and the agent
 * is not started from a process holding code it did not need.
 */
struct dl_symbol {
	const char *name;
	void **fn;
};

/*
 * Opens soname (RTLD_NOW, so a missing symbol fails here, in the plan, not
 * half-way through the launch) and fills every symbol, once per process.
 * NULL on success, else a sentence for the operator (dlerror()'s text).
 */
const char *dl_open(const char *soname, void **handle,
		    const struct dl_symbol *syms, size_t n);

/* The formatter would split this initializer over four lines. */
/* clang-format off */
#define DL_SYM(fn_ptr, symbol) {#symbol, (void **)&(fn_ptr)}
/* clang-format on */

/*
 * The ELF note of the systemd/freedesktop.org "dlopen metadata" spec
 * (https://systemd.io/ELF_DLOPEN_METADATA/): owner "FDO", type 0x407c0c0a,
 * a JSON array naming the sonames, so packaging tools that read it (and
 * `readelf --notes`) see what the binary may open, as ldd shows what it
 * links.
 */
#define DL_NOTE_TYPE 0x407c0c0aU
#define DL_NOTE_JSON(ident, json)                                              \
	__attribute__((used, section(".note.dlopen"),                          \
		       aligned(4))) static const struct {                      \
		unsigned namesz, descsz, type;                                 \
		char name[4];                                                  \
		char desc[(sizeof(json) + 3) & ~(size_t)3];                    \
	}(ident) = {4, sizeof(json), DL_NOTE_TYPE, "FDO", (json)}

/* One optional library.  priority, as the spec has it: "recommended" when
 * the shipped config uses the feature (with "-", so it still runs without),
 * else "suggested". */
#define DL_NOTE(ident, feature, description, priority, soname)                 \
	DL_NOTE_JSON(ident, "[{\"feature\":\"" feature                         \
			    "\",\"description\":\"" description                \
			    "\",\"priority\":\"" priority                      \
			    "\",\"soname\":[\"" soname "\"]}]")

#endif
