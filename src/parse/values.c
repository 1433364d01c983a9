/* SPDX-License-Identifier: MIT */
/* Value syntax of systemd.exec(5), for the plan phase. */
#include <sys/prctl.h>
#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config.h"

/* systemd's parse_boolean(): the same words, case-insensitive. */
int parse_boolean(const char *v)
{
	static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};
	static const char *const no[] = {"0", "no", "n", "false", "f", "off"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -EINVAL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One C escape after a backslash, as systemd's cunescape() reads them.
 * Returns the number of input bytes used, or -1. */
static int unescape_one(const char *p, char *out)
{
	static const char from[] = "abfnrtvs\\\"' $";
	static const char to[] = "\a\b\f\n\r\t\v \\\"' $";
	const char *hit = *p ? strchr(from, *p) : NULL;

	if (hit) {
		*out = to[hit - from];
		return 1;
	}
	switch (*p) {
	case 'x': {
		int a = hexval(p[1]), b = a < 0 ? -1 : hexval(p[2]);
		if (a < 0 || b < 0 || (a == 0 && b == 0))
			return -1;
		*out = (char)(a * 16 + b);
		return 3;
	}
	case '0':
	case '1':
	case '2':
	case '3': {
		int v = 0;
		for (int i = 0; i < 3; i++) {
			if (p[i] < '0' || p[i] > '7')
				return -1;
			v = v * 8 + (p[i] - '0');
		}
		if (v == 0)
			return -1; /* an embedded NUL would cut the word */
		*out = (char)v;
		return 3;
	}
	default:
		return -1;
	}
}

/*
 * Splits a value into words the way systemd does for command lines and
 * lists: whitespace separates, single and double quotes group (also in the
 * middle of a word), backslash escapes follow C.  An unbalanced quote or an
 * unknown escape is an error, never guessed at.
 */
int split_words(const char *v, struct words *out, struct origin at,
		const char **why)
{
	size_t len = strlen(v);
	char *buf = xmalloc(len + 1);
	const char *p = v;

	for (;;) {
		size_t n = 0;
		char quote = 0;
		bool any = false;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		for (; *p; p++) {
			if (!quote && isspace((unsigned char)*p))
				break;
			if (!quote && (*p == '"' || *p == '\'')) {
				quote = *p;
				any = true;
				continue;
			}
			if (quote && *p == quote) {
				quote = 0;
				continue;
			}
			if (*p == '\\' && quote != '\'') {
				int used;
				if (!p[1]) {
					*why = "trailing backslash";
					goto fail;
				}
				used = unescape_one(p + 1, &buf[n]);
				if (used < 0) {
					*why = "invalid escape sequence";
					goto fail;
				}
				n++;
				p += used;
				any = true;
				continue;
			}
			buf[n++] = *p;
			any = true;
		}
		if (quote) {
			*why = "unbalanced quoting";
			goto fail;
		}
		if (any)
			words_push(out, buf, n, at, false);
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return -EINVAL;
}

/* "CAP_NET_RAW", "cap_net_raw" or a number, as systemd accepts. */
int parse_capability(const char *name)
{
	char low[64];
	size_t i;
	int cap;

	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	else if (isdigit((unsigned char)name[0])) {
		char *end;
		long v;
		errno = 0;
		v = strtol(name, &end, 10);
		if (errno || *end || v < 0 || v > capability_last())
			return -EINVAL;
		return (int)v;
	} else
		return -EINVAL; /* systemd wants the CAP_ prefix too */
	for (i = 0; i < sizeof(low) - 1 && name[i]; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	if (name[i])
		return -EINVAL;
	low[i] = '\0';
	cap = capng_name_to_capability(low);
	if (cap < 0 || cap > capability_last())
		return -EINVAL;
	return cap;
}

int parse_umask(const char *v, mode_t *out)
{
	char *end;
	unsigned long m;

	if (!*v || strspn(v, "01234567") != strlen(v))
		return -EINVAL;
	errno = 0;
	m = strtoul(v, &end, 8);
	if (errno || *end || m > 0777)
		return -EINVAL;
	*out = (mode_t)m;
	return 0;
}

static const struct {
	const char *name;
	int resource;
	enum { L_COUNT, L_BYTES, L_SEC, L_USEC, L_NICE } kind;
} limits[] = {
	{"LimitAS", RLIMIT_AS, L_BYTES},
	{"LimitCORE", RLIMIT_CORE, L_BYTES},
	{"LimitCPU", RLIMIT_CPU, L_SEC},
	{"LimitDATA", RLIMIT_DATA, L_BYTES},
	{"LimitFSIZE", RLIMIT_FSIZE, L_BYTES},
	{"LimitLOCKS", RLIMIT_LOCKS, L_COUNT},
	{"LimitMEMLOCK", RLIMIT_MEMLOCK, L_BYTES},
	{"LimitMSGQUEUE", RLIMIT_MSGQUEUE, L_BYTES},
	{"LimitNICE", RLIMIT_NICE, L_NICE},
	{"LimitNOFILE", RLIMIT_NOFILE, L_COUNT},
	{"LimitNPROC", RLIMIT_NPROC, L_COUNT},
	{"LimitRSS", RLIMIT_RSS, L_BYTES},
	{"LimitRTPRIO", RLIMIT_RTPRIO, L_COUNT},
	{"LimitRTTIME", RLIMIT_RTTIME, L_USEC},
	{"LimitSIGPENDING", RLIMIT_SIGPENDING, L_COUNT},
	{"LimitSTACK", RLIMIT_STACK, L_BYTES},
};

const char *rlimit_directive_name(int resource)
{
	for (size_t i = 0; i < sizeof(limits) / sizeof(*limits); i++)
		if (limits[i].resource == resource)
			return limits[i].name;
	return "Limit?";
}

static int mul_overflows(unsigned long long a, unsigned long long b,
			 unsigned long long *r)
{
	return __builtin_mul_overflow(a, b, r);
}

/* Parses one side of "soft:hard". */
static int parse_limit_value(const char *v, size_t len, int kind, rlim_t *out,
			     const char **why)
{
	char num[64], *end;
	unsigned long long n, mult = 1;
	const char *suffix;

	if (len == 0 || len >= sizeof(num)) {
		*why = "empty or overlong value";
		return -EINVAL;
	}
	memcpy(num, v, len);
	num[len] = '\0';
	if (strcmp(num, "infinity") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (kind == L_NICE && (num[0] == '+' || num[0] == '-')) {
		long nice = strtol(num, &end, 10);
		if (*end || nice < -20 || nice > 19) {
			*why = "nice value must be within -20...19";
			return -ERANGE;
		}
		*out = (rlim_t)(20 - nice);
		return 0;
	}
	if (!isdigit((unsigned char)num[0])) {
		*why = "not a number";
		return -EINVAL;
	}
	errno = 0;
	n = strtoull(num, &end, 10);
	if (errno) {
		*why = "number out of range";
		return -ERANGE;
	}
	suffix = end;
	if (*suffix) {
		static const struct {
			const char *s;
			int kind;
			unsigned long long mult;
		} units[] = {
			{"K", L_BYTES, 1ULL << 10},
			{"M", L_BYTES, 1ULL << 20},
			{"G", L_BYTES, 1ULL << 30},
			{"T", L_BYTES, 1ULL << 40},
			{"P", L_BYTES, 1ULL << 50},
			{"E", L_BYTES, 1ULL << 60},
			{"s", L_SEC, 1},
			{"sec", L_SEC, 1},
			{"min", L_SEC, 60},
			{"h", L_SEC, 3600},
			{"d", L_SEC, 86400},
			{"us", L_USEC, 1},
			{"ms", L_USEC, 1000},
			{"s", L_USEC, 1000000},
			{"min", L_USEC, 60000000},
		};
		bool found = false;
		for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++) {
			if (units[i].kind == kind &&
			    strcmp(units[i].s, suffix) == 0) {
				mult = units[i].mult;
				found = true;
				break;
			}
		}
		if (!found) {
			*why = "unknown unit suffix";
			return -EINVAL;
		}
	}
	if (mul_overflows(n, mult, &n) ||
	    n >= (unsigned long long)RLIM_INFINITY) {
		*why = "value out of range";
		return -ERANGE;
	}
	if (kind == L_NICE && n > 40) {
		*why = "raw nice limit must be within 0...40";
		return -ERANGE;
	}
	*out = (rlim_t)n;
	return 0;
}

int parse_rlimit(const char *v, int resource, struct rlimit *out,
		 const char **why)
{
	const char *colon = strchr(v, ':');
	int kind = L_COUNT;
	int r;

	for (size_t i = 0; i < sizeof(limits) / sizeof(*limits); i++)
		if (limits[i].resource == resource)
			kind = limits[i].kind;
	if (!colon) {
		r = parse_limit_value(v, strlen(v), kind, &out->rlim_cur, why);
		out->rlim_max = out->rlim_cur;
		return r;
	}
	r = parse_limit_value(v, (size_t)(colon - v), kind, &out->rlim_cur,
			      why);
	if (r < 0)
		return r;
	r = parse_limit_value(colon + 1, strlen(colon + 1), kind,
			      &out->rlim_max, why);
	if (r < 0)
		return r;
	if (out->rlim_cur > out->rlim_max) {
		*why = "soft limit above hard limit";
		return -EINVAL;
	}
	return 0;
}

bool env_name_valid(const char *s, size_t len)
{
	if (len == 0 || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

bool env_assignment_valid(const char *s)
{
	const char *eq = strchr(s, '=');
	return eq && env_name_valid(s, (size_t)(eq - s));
}

/* A quoted value, from its opening quote, into value: "..." takes
 * backslash escapes, and either goes on across newlines; only blanks may
 * follow the closing quote.  Returns the end of its last line. */
static const char *quoted_value(const char *p, char *value, size_t *n,
				unsigned *lineno, struct origin at,
				struct diag *dg, int *errors)
{
	const char *eol;
	char q = *p++;

	for (;;) {
		if (!*p) {
			diag_add(dg, at, "unbalanced quoting");
			(*errors)++;
			break;
		}
		if (*p == q) {
			p++;
			break;
		}
		if (*p == '\n')
			(*lineno)++;
		if (q == '"' && *p == '\\' && p[1]) {
			if (p[1] != '\n')
				value[(*n)++] = p[1];
			else
				(*lineno)++;
			p += 2;
			continue;
		}
		value[(*n)++] = *p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p && *p != '\n') {
		diag_add(dg, at, "text after the closing quote");
		(*errors)++;
	}
	eol = strchr(p, '\n');
	return eol ? eol : p + strlen(p);
}

/* An unquoted value: the rest of the line, a backslash-newline going on to
 * the next, trailing blanks cut.  Returns where it ends. */
static const char *plain_value(const char *p, char *value, size_t *n,
			       unsigned *lineno)
{
	for (; *p && *p != '\n'; p++) {
		if (p[0] == '\\' && p[1] == '\n') {
			/* continuation: the value goes on */
			(*lineno)++;
			p++;
			continue;
		}
		value[(*n)++] = *p;
	}
	while (*n && isspace((unsigned char)value[*n - 1]))
		(*n)--;
	return p;
}

/*
 * EnvironmentFile= format (systemd.exec(5)): NAME=VALUE lines, "#" and ";"
 * comments, optional "export ", single or double quotes around the value,
 * backslash escapes inside double quotes, backslash-newline continuation.
 */
int parse_env_file(const char *text, const char *file, struct words *out,
		   struct diag *dg)
{
	const char *p = text;
	unsigned lineno = 0;
	int errors = 0;

	while (*p) {
		const char *eol, *name, *val;
		size_t nlen;
		char *value = xmalloc(strlen(p) + 1);
		size_t n = 0;
		struct origin at = {file, ++lineno};

		while (*p == ' ' || *p == '\t')
			p++;
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		if (p == eol || *p == '#' || *p == ';') {
			free(value);
			p = *eol ? eol + 1 : eol;
			continue;
		}
		if (strncmp(p, "export ", 7) == 0)
			p += 7;
		name = p;
		while (p < eol && *p != '=')
			p++;
		nlen = (size_t)(p - name);
		while (nlen && isspace((unsigned char)name[nlen - 1]))
			nlen--;
		if (p == eol || !env_name_valid(name, nlen)) {
			diag_add(dg, at, "not a NAME=VALUE assignment");
			errors++;
			free(value);
			p = *eol ? eol + 1 : eol;
			continue;
		}
		p++;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		val = p;
		if (*val == '"' || *val == '\'')
			eol = quoted_value(val, value, &n, &lineno, at, dg,
					   &errors);
		else
			eol = plain_value(val, value, &n, &lineno);
		{
			char *assign = xasprintf("%.*s=%.*s", (int)nlen, name,
						 (int)n, value);
			words_push(out, assign, strlen(assign), at, false);
			free(assign);
		}
		free(value);
		p = *eol ? eol + 1 : eol;
	}
	return errors ? -EINVAL : 0;
}

/* An errno name (glibc's strerrorname_np() spelling) or number 0-4095, as
 * systemd's SystemCallErrorNumber= takes. */
int parse_errno(const char *v)
{
	char *end;
	long n;

	if (isdigit((unsigned char)v[0])) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || n < 0 || n > 4095)
			return -EINVAL;
		return (int)n;
	}
	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);
		if (name && strcmp(name, v) == 0)
			return e;
	}
	return -EINVAL;
}
