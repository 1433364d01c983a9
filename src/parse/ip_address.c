/* SPDX-License-Identifier: MIT */
/*
 * IPAddressAllow= and IPAddressDeny= (systemd.resource-control(5)): address
 * prefixes, and systemd's names for four pairs of them.  The prefixes are
 * stored masked, as the packet filters compare them (src/plan/cgroup_skb.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
static void add(struct ip_prefixes *l, int family, const void *addr,
		unsigned len)
{
	struct ip_prefix x = {(unsigned char)family, (unsigned char)len, {0}};
	size_t n = family == AF_INET ? 4 : 16;

	memcpy(x.addr, addr, n);
	/* Host bits cleared: the program compares the masked address. */
	for (size_t i = 0; i < n; i++) {
		unsigned keep = len >= 8 * (i + 1) ? 8
				: len > 8 * i	   ? len - 8 * (unsigned)i
						   : 0;
		x.addr[i] &= (unsigned char)(0xff00U >> keep);
	}
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = x;
}

static bool special(struct ip_prefixes *l, const char *w)
{
	static const struct {
		const char *name, *v4, *v6;
		unsigned l4, l6;
	} sp[] = {
		{"any", "0.0.0.0", "::", 0, 0},
		{"localhost", "127.0.0.0", "::1", 8, 128},
		{"link-local", "169.254.0.0", "fe80::", 16, 64},
		{"multicast", "224.0.0.0", "ff00::", 4, 8},
	};
	unsigned char a[16];

	for (size_t i = 0; i < sizeof(sp) / sizeof(*sp); i++) {
		if (strcmp(w, sp[i].name) != 0)
			continue;
		inet_pton(AF_INET, sp[i].v4, a);
		add(l, AF_INET, a, sp[i].l4);
		inet_pton(AF_INET6, sp[i].v6, a);
		add(l, AF_INET6, a, sp[i].l6);
		return true;
	}
	return false;
}

/* "ADDRESS[/PREFIXLEN]" words, or any, localhost, link-local, multicast;
 * lines accumulate, an empty one resets (systemd.resource-control(5)). */
int p_ip_address(struct config *c, const struct directive *d, const char *v,
		 struct origin at, struct diag *dg)
{
	struct ip_prefixes *l = d->arg ? &c->ip_deny : &c->ip_allow;
	struct words w = {0};
	const char *why = NULL;
	int bad = 0;

	if (!*v) {
		free(l->v);
		l->v = NULL;
		l->n = 0;
		return 0;
	}
	if (split_words(v, &w, at, &why) < 0) {
		diag_add(dg, at, "%s=: %s", d->name, why ? why : "bad quoting");
		return -EINVAL;
	}
	for (size_t i = 0; i < w.n; i++) {
		char *s = w.v[i].s, *slash = strchr(s, '/'), *end = NULL;
		unsigned char a[16];
		int fam;
		long len = -1;

		if (special(l, s))
			continue;
		if (slash) {
			*slash = '\0';
			errno = 0;
			len = strtol(slash + 1, &end, 10);
			if (end == slash + 1 || *end || errno || len < 0)
				len = 999;
		}
		fam = inet_pton(AF_INET, s, a) == 1    ? AF_INET
		      : inet_pton(AF_INET6, s, a) == 1 ? AF_INET6
						       : 0;
		if (!fam || len > (fam == AF_INET ? 32 : 128)) {
			if (slash)
				*slash = '/';
			diag_add(dg, at,
				 "%s=: \"%s\" is not an IPv4 or IPv6 address "
				 "prefix, any, localhost, link-local or "
				 "multicast",
				 d->name, s);
			bad++;
			continue;
		}
		add(l, fam, a,
		    len >= 0	     ? (unsigned)len
		    : fam == AF_INET ? 32
				     : 128);
	}
	words_clear(&w);
	return bad ? -EINVAL : 0;
}
