/* SPDX-License-Identifier: MIT */
/*
 * The applied-policy record: one JSON line per launch that a fleet can
 * audit, stating what the agent was started with.  It is built from the
 * plan in the plan phase (allocation, hashing) and sent right after
 * verify_apply() has confirmed that the kernel reports exactly that plan,
 * so it states what was enforced, not what was hoped for.  It goes out
 * before the seccomp filters are loaded (they may deny the launcher's
 * write): if loading them fails, the launch stops with 228 and the agent
 * never runs.  Schema: docs/policy-record.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "build-config.h"
#include "policy.h"

int policy_record_targets(const char *arg, bool *syslog, int *fd)
{
	char *copy = xstrdup(arg), *save = NULL;
	int rc = 0;

	*syslog = false;
	*fd = -1;
	for (char *t = strtok_r(copy, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		char *end;
		long n;
		if (strcmp(t, "syslog") == 0) {
			*syslog = true;
		} else if (strcmp(t, "stderr") == 0) {
			*fd = STDERR_FILENO;
		} else if (strcmp(t, "none") == 0) {
			*syslog = false;
			*fd = -1;
		} else if (strncmp(t, "fd:", 3) == 0 &&
			   (n = strtol(t + 3, &end, 10)) >= 0 && !*end &&
			   end != t + 3 && n < 65536) {
			*fd = (int)n;
		} else {
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

/* Appends to a growing string; the record is built once, in the plan. */
struct str {
	char *s;
	size_t n;
};

static void add(struct str *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct str *b, const char *fmt, ...)
{
	va_list ap;
	char *piece;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&piece, fmt, ap);
	va_end(ap);
	if (len < 0)
		die(STEP_CONFIG, ENOMEM, "building the policy record");
	b->s = xrealloc(b->s, b->n + (size_t)len + 1);
	memcpy(b->s + b->n, piece, (size_t)len + 1);
	b->n += (size_t)len;
	free(piece);
}

static void add_str(struct str *b, const char *s)
{
	add(b, "\"");
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			add(b, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			add(b, "\\u%04x", ch);
		else
			add(b, "%c", ch);
	}
	add(b, "\"");
}

static void add_str_or_null(struct str *b, const char *s)
{
	if (s)
		add_str(b, s);
	else
		add(b, "null");
}

/* SHA-256 of an open file, read through the descriptor the plan checked. */
static void sha256_fd(int fd, char out[SHA256_DIGEST_STRING_LENGTH])
{
	SHA2_CTX ctx;
	char buf[65536];
	off_t off = 0;
	ssize_t n;

	SHA256Init(&ctx);
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		SHA256Update(&ctx, (const uint8_t *)buf, (size_t)n);
		off += n;
	}
	if (n < 0)
		snprintf(out, SHA256_DIGEST_STRING_LENGTH, "unreadable");
	else
		SHA256End(&ctx, out);
}

/*
 * The agent is a 30-40 MB static binary: hashing it costs more than the
 * rest of the launch.  The hash is kept in the cache directory, keyed by
 * what any change to the file changes (device, inode, size, mtime and
 * ctime; ctime cannot be set back by anyone), read only through the trust
 * checks, and recomputed on any mismatch.
 */
static void sha256_binary(int fd, char out[SHA256_DIGEST_STRING_LENGTH])
{
	struct stat st;
	char *path, *text, key[160], *line;
	const char *why;
	size_t len;
	int err, wfd;

	if (fstat(fd, &st) < 0) {
		sha256_fd(fd, out);
		return;
	}
	snprintf(key, sizeof(key), "%llu %llu %lld %lld.%09ld %lld.%09ld",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		 (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
		 st.st_ctim.tv_nsec);
	path = xasprintf("%s/sha256-%llu-%llu", OSAPI_LAUNCH_CACHE_DIR,
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
	text = trusted_read(path, 512, &len, &why, &err);
	if (text && len == strlen(key) + 1 + 64 + 1 &&
	    strncmp(text, key, strlen(key)) == 0 && text[strlen(key)] == ' ' &&
	    strspn(text + strlen(key) + 1, "0123456789abcdef") == 64) {
		memcpy(out, text + strlen(key) + 1, 64);
		out[64] = '\0';
		free(text);
		free(path);
		return;
	}
	free(text);
	sha256_fd(fd, out);
	/* Best effort, into the private directory the filter cache uses. */
	line = xasprintf("%s %s\n", key, out);
	{
		char *tmp = xasprintf("%s.XXXXXX", path);
		struct stat dst;
		if (stat(OSAPI_LAUNCH_CACHE_DIR, &dst) == 0 &&
		    dst.st_uid == 0 && !(dst.st_mode & 077) &&
		    (wfd = mkostemp(tmp, O_CLOEXEC)) >= 0) {
			if (write(wfd, line, strlen(line)) !=
				    (ssize_t)strlen(line) ||
			    fchmod(wfd, 0600) < 0 || close(wfd) < 0 ||
			    rename(tmp, path) < 0)
				unlink(tmp);
		}
		free(tmp);
	}
	free(line);
	free(path);
}

static void sha256_path(const char *path, char out[SHA256_DIGEST_STRING_LENGTH])
{
	const char *why;
	int fd = trusted_open(path, O_RDONLY, false, &why);

	if (fd < 0) {
		snprintf(out, SHA256_DIGEST_STRING_LENGTH, "unreadable");
		return;
	}
	sha256_fd(fd, out);
	close(fd);
}

static void add_mask(struct str *b, const char *name, uint64_t mask,
		     const struct plan *p, bool last)
{
	bool any = false;

	add(b, "\"%s\":{\"mask\":\"%016llx\",\"names\":[", name,
	    (unsigned long long)mask);
	for (int cap = 0; cap <= p->last_cap; cap++) {
		if (!(mask & (1ULL << cap)))
			continue;
		add(b, "%s\"%s\"", any ? "," : "", capability_name(cap));
		any = true;
	}
	add(b, "]}%s", last ? "" : ",");
}

static void add_seccomp(struct str *b, const struct plan *p)
{
	const struct seccomp_plan *s = &p->seccomp;
	SHA2_CTX ctx;
	char hash[SHA256_DIGEST_STRING_LENGTH];

	if (!s->n) {
		add(b, "\"seccomp\":null,");
		return;
	}
	SHA256Init(&ctx);
	for (int i = 0; i < s->n; i++)
		SHA256Update(&ctx, s->prog[i].insns,
			     (size_t)s->prog[i].len * 8 /* sock_filter */);
	SHA256End(&ctx, hash);
	add(b, "\"seccomp\":{\"filters\":%d,\"sha256\":\"%s\",", s->n, hash);
	if (!p->cfg->syscall_filter.n)
		add(b, "\"mode\":null,\"default_action\":\"allow\"},");
	else if (!s->allow_list)
		add(b, "\"mode\":\"deny-list\",\"default_action\":\"allow\"},");
	else if (s->default_errno)
		add(b,
		    "\"mode\":\"allow-list\",\"default_action\":\"errno:%s\"},",
		    errno_name(s->default_errno));
	else
		add(b, "\"mode\":\"allow-list\",\"default_action\":\"kill\"},");
}

/* Landlock ABI and rules, the cgroups joined, the file-system backend. */
static void add_sandbox(struct str *b, const struct plan *p)
{
	const struct sandbox_plan *s = &p->sandbox;
	const struct cgroup_plan *g = &p->cgroup;

	if (s->landlock.ruleset_fd >= 0)
		add(b,
		    "\"landlock\":{\"abi\":%d,\"rules\":%zu,"
		    "\"file_system\":%s},",
		    s->landlock.abi, s->landlock.nrules,
		    s->landlock_fs ? "true" : "false");
	else
		add(b, "\"landlock\":null,");
	add(b, "\"cgroup\":");
	if (g->version && g->ngroups) {
		add(b, "{\"version\":%d,\"paths\":[", g->version);
		for (size_t i = 0; i < g->ngroups; i++) {
			add(b, "%s", i ? "," : "");
			add_str(b, g->groups[i]);
		}
		add(b, "]},");
	} else {
		add(b, "null,");
	}
	add(b, "\"sandbox_backend\":");
	if ((s->backends & SANDBOX_MOUNT) && (s->backends & SANDBOX_LANDLOCK))
		add(b, "\"mount+landlock\"");
	else if (s->backends & SANDBOX_MOUNT)
		add(b, "\"mount\"");
	else if (s->landlock_fs)
		add(b, "\"landlock\"");
	else
		add(b, "null");
}

void policy_record_build(struct policy_record *r, const struct plan *p,
			 bool syslog, int fd)
{
	struct str b = {0};
	char hash[SHA256_DIGEST_STRING_LENGTH], host[256] = "", when[32];
	struct stat st;
	time_t now = time(NULL);
	struct tm tm;

	memset(r, 0, sizeof(*r));
	r->syslog_fd = -1;
	r->fd = fd;
	if (syslog) {
		/* RFC 3164 as /dev/log takes it: authpriv.info (86), the tag,
		 * our pid; the daemon adds the timestamp and host. */
		struct sockaddr_un sa = {.sun_family = AF_UNIX,
					 .sun_path = "/dev/log"};
		r->syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (r->syslog_fd >= 0 &&
		    connect(r->syslog_fd, (struct sockaddr *)&sa, sizeof(sa)) <
			    0) {
			/* No syslog daemon (a container): nothing to send to.
			 */
			close(r->syslog_fd);
			r->syslog_fd = -1;
		}
	}
	/* Nothing reachable to send to: no record, and no hashing for it. */
	if (r->syslog_fd < 0 && fd < 0)
		return;
	gethostname(host, sizeof(host) - 1);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	add(&b, "{\"event\":\"osapi-launch.exec\",\"version\":\"%s\",",
	    OSAPI_LAUNCH_VERSION);
	add(&b, "\"time\":\"%s\",\"host\":", when);
	add_str(&b, host);
	add(&b, ",\"pid\":%d,\"config\":{\"path\":", (int)getpid());
	add_str(&b, p->cfg->path);
	sha256_path(p->cfg->path, hash);
	add(&b, ",\"sha256\":\"%s\"},\"binary\":{\"path\":", hash);
	add_str(&b, p->exec_path);
	if (fstat(p->exec_fd, &st) == 0)
		add(&b, ",\"device\":\"%u:%u\",\"inode\":%llu,\"size\":%lld",
		    major(st.st_dev), minor(st.st_dev),
		    (unsigned long long)st.st_ino, (long long)st.st_size);
	sha256_binary(p->exec_fd, hash);
	add(&b, ",\"sha256\":\"%s\"},\"argv\":[", hash);
	for (char **a = p->argv; a && *a; a++) {
		add(&b, "%s", a == p->argv ? "" : ",");
		add_str(&b, *a);
	}
	add(&b, "],\"uid\":%u,\"gid\":%u,\"groups\":[", (unsigned)p->uid,
	    (unsigned)p->gid);
	for (size_t i = 0; i < p->ngroups; i++)
		add(&b, "%s%u", i ? "," : "", (unsigned)p->groups[i]);
	/* The sets as the launcher holds them at exec; after exec the kernel
	 * derives the agent's from them (capabilities(7)). */
	add(&b, "],\"capabilities\":{");
	add_mask(&b, "inheritable", p->ambient, p, false);
	add_mask(&b, "permitted", p->permitted, p, false);
	add_mask(&b, "effective", p->permitted, p, false);
	add_mask(&b, "bounding", p->bounding, p, false);
	add_mask(&b, "ambient", p->ambient, p, true);
	add(&b, "},\"no_new_privs\":%s,\"securebits\":%u,",
	    p->no_new_privs ? "true" : "false", p->securebits);
	add_seccomp(&b, p);
	add(&b, "\"lsm\":{\"apparmor\":");
	add_str_or_null(&b, p->apparmor_profile);
	add(&b, ",\"selinux\":");
	add_str_or_null(&b, p->selinux_context);
	add(&b, "},");
	add_sandbox(&b, p);
	add(&b, "}");
	r->line = b.s;
	if (r->syslog_fd >= 0)
		r->datagram = xasprintf("<86>osapi-launch[%d]: %s",
					(int)getpid(), r->line);
}

void policy_record_free(struct policy_record *r)
{
	free(r->line);
	free(r->datagram);
	if (r->syslog_fd >= 0)
		close(r->syslog_fd);
	memset(r, 0, sizeof(*r));
	r->syslog_fd = r->fd = -1;
}
