/* SPDX-License-Identifier: MIT */
/*
 * dlopen(3) for the optional libraries (include/dl.h).  Called only while
 * the plan is built, as root and before any privilege step, like the
 * allocations it makes.  The search is the dynamic loader's, exactly as for
 * the libraries linked at startup: the same caller-controlled environment
 * (LD_LIBRARY_PATH) applies to both, so nothing new is trusted.
 */
#include <dlfcn.h>
#include <stdio.h>

#include "dl.h"

const char *dl_open(const char *soname, void **handle,
		    const struct dl_symbol *syms, size_t n)
{
	static char msg[512];
	void *h;

	if (*handle)
		return NULL;
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(msg, sizeof(msg), "cannot load %s: %s", soname,
			 e ? e : "unknown error");
		return msg;
	}
	for (size_t i = 0; i < n; i++) {
		*syms[i].fn = dlsym(h, syms[i].name);
		if (!*syms[i].fn) {
			snprintf(msg, sizeof(msg), "%s has no symbol %s",
				 soname, syms[i].name);
			for (size_t j = 0; j < i; j++)
				*syms[j].fn = NULL;
			dlclose(h);
			return msg;
		}
	}
	*handle = h;
	return NULL;
}
