/* SPDX-License-Identifier: MIT */
/*
 * A cache of compiled seccomp filters, so a launch does not pay for
 * libseccomp's compiler every time (about 2-5 ms, more than the rest of the
 * launch; see docs/benchmarks.md).
 *
 * It must fail safe: the cache is only read through trusted_open() (the
 * file and every directory above it root-owned and not writable by anyone
 * else), its key is compared byte for byte with the key of this launch (the
 * seccomp directives as written, the launcher's version and binary identity
 * (its GNU build-id, or device, inode, size, mtime without one: this covers
 * the group table compiled into it), libseccomp's version and the identity
 * of the libseccomp actually loaded (its GNU build-id, or its file), the
 * running kernel's release and build, the architecture), and a checksum
 * covers the whole file.  An upgrade, of the
 * launcher or of libseccomp, never loads filters an older build compiled.
 * A stale, foreign-owned, truncated or corrupt file is never used:
 * the filter is built again and the file replaced (atomically, rename(2)).
 * The kernel still verifies every program when it is loaded.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "build-config.h"
#include "seccomp_plan.h"

#define MAGIC	  "OSLBPF3\n"
#define CACHE_MAX ((size_t)1024 * 1024)

static bool enabled;
static const char *status = "not used";

void seccomp_cache_enable(bool on)
{
	enabled = on;
	status = on ? "enabled" : "not used (--check builds the filters)";
}

const char *seccomp_cache_status(void)
{
	return status;
}

/*
 * FNV-1a's multiply, a word at a time: the file is read on every launch,
 * and a byte at a time cost about 1.3 ns a byte (4 us for the shipped
 * filters) for no better detection of a torn or corrupted file.
 */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t w;

	for (; len >= sizeof(w); p += sizeof(w), len -= sizeof(w)) {
		memcpy(&w, p, sizeof(w));
		h ^= w;
		h *= 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; len; p++, len--) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

struct buf {
	char *p;
	size_t n;
};

static void put(struct buf *b, const void *data, size_t len)
{
	b->p = xrealloc(b->p, b->n + len);
	memcpy(b->p + b->n, data, len);
	b->n += len;
}

static void put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s) + 1);
}

static void put_words(struct buf *b, const char *name, const struct words *w)
{
	put_str(b, name);
	for (size_t i = 0; i < w->n; i++)
		put_str(b, w->v[i].s);
}

/* The loaded object holding a libseccomp address, and its GNU build-id. */
struct lib_search {
	uintptr_t addr;
	const char *name; /* the loader's; "" for the executable itself */
	char build_id[2 * 64 + 1];
	bool found;
};

static void note_build_id(struct lib_search *ls, const char *p, const char *end,
			  size_t align)
{
	while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
		const ElfW(Nhdr) *n = (const void *)p;
		size_t name = (n->n_namesz + align - 1) & ~(align - 1);
		size_t desc = (n->n_descsz + align - 1) & ~(align - 1);
		const char *d = p + sizeof(*n) + name;

		if (name > (size_t)(end - p) - sizeof(*n) ||
		    desc > (size_t)(end - d))
			return;
		if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
		    memcmp(p + sizeof(*n), "GNU", 4) == 0 && n->n_descsz > 0 &&
		    n->n_descsz <= 64) {
			for (size_t i = 0; i < n->n_descsz; i++)
				snprintf(ls->build_id + 2 * i, 3, "%02x",
					 (unsigned char)d[i]);
			return;
		}
		p = d + desc;
	}
}

/* Read from the mapped image: the build-id of the code running now, even
 * if the file was replaced since it was loaded. */
static void object_build_id(struct lib_search *ls,
			    const struct dl_phdr_info *info)
{
	for (ElfW(Half) i = 0; i < info->dlpi_phnum && !ls->build_id[0]; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		if (ph->p_type == PT_NOTE)
			note_build_id(ls, p, p + ph->p_memsz,
				      ph->p_align == 8 ? 8 : 4);
	}
}

static int find_lib(struct dl_phdr_info *info, size_t size, void *data)
{
	struct lib_search *ls = data;
	bool inside = false;

	(void)size;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		inside |= ph->p_type == PT_LOAD && ls->addr >= start &&
			  ls->addr - start < ph->p_memsz;
	}
	if (!inside)
		return 0;
	ls->found = true;
	ls->name = info->dlpi_name ? info->dlpi_name : "";
	object_build_id(ls, info);
	return 1;
}

/*
 * The libseccomp that compiles the filters.  Its version string is not
 * enough: a distribution update can add syscalls to its tables without
 * changing it (Debian's 2.5.4-1 to 2.5.4-1+deb12u1 learnt the calls up to
 * Linux 6.7), and filters compiled before would be reused.  The build-id
 * names the code that is mapped; the file's identity (device, inode, size,
 * mtime) covers a library built without one, as a package update replaces
 * the file.  Linked statically, libseccomp is part of the executable,
 * whose identity is already in the key.  False when it cannot be known.
 */
static bool lib_identity(const void *lib_data, char *out, size_t len)
{
	struct lib_search ls = {.addr = (uintptr_t)lib_data};
	struct stat st;

	dl_iterate_phdr(find_lib, &ls);
	if (!ls.found)
		return false;
	if (!ls.name[0]) {
		snprintf(out, len, "lib in exe");
		return true;
	}
	if (ls.build_id[0]) {
		snprintf(out, len, "lib %s", ls.build_id);
		return true;
	}
	if (stat(ls.name, &st) < 0)
		return false;
	snprintf(out, len, "lib - %llu:%llu:%lld:%lld.%ld",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		 (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec);
	return true;
}

/* The executable is the first object the loader reports. */
static int find_exe(struct dl_phdr_info *info, size_t size, void *data)
{
	struct lib_search *ls = data;

	(void)size;
	object_build_id(ls, info);
	return 1;
}

/*
 * The launcher itself: the build-id of the image that is running, read
 * from memory, names its code whatever happened to the file since; only
 * a binary linked without one is named by its file (a lookup through
 * /proc/self/exe, about 15 us, the dearest part of a cache hit).
 */
static bool exe_identity(char *out, size_t len)
{
	struct lib_search ls = {0};
	struct stat st;

	dl_iterate_phdr(find_exe, &ls);
	if (ls.build_id[0]) {
		snprintf(out, len, "exe %s", ls.build_id);
		return true;
	}
	if (stat("/proc/self/exe", &st) < 0)
		return false;
	snprintf(out, len, "exe - %llu:%llu:%lld:%lld.%ld",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		 (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec);
	return true;
}

/*
 * Everything the compiled filters depend on, in a fixed order; false when
 * it cannot be known, and then the cache is not used.  The launcher
 * binary's identity stands for everything compiled into it (the group
 * table, the filter builder): a rebuilt or upgraded osapi-launch may
 * compile the same directives differently, and its version string alone
 * does not change with every build.  Without it (no build-id and no /proc)
 * a cached filter could be an older build's, so there is no cache.
 */
static bool cache_key(const struct config *c, struct buf *b)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	char tmp[512]; /* fits every field at its widest */

	put_str(b, MAGIC OSAPI_LAUNCH_VERSION);
	if (!exe_identity(tmp, sizeof(tmp)))
		return false;
	put_str(b, tmp);
	/*
	 * The kernel adds nothing to the compiled program (syscall numbers
	 * come from libseccomp's tables), but its seccomp API level decides
	 * which actions libseccomp accepts: a filter compiled where
	 * SystemCallLog= could log must not be loaded where it would be
	 * refused.  That level is the running kernel's, so the kernel names
	 * it: release and build string, one uname(2), where asking the level
	 * itself is libseccomp probing the kernel with nine seccomp(2) calls,
	 * each faulting on a NULL program (about 10 us of every launch).
	 */
	if (uname(&u) < 0)
		return false;
	snprintf(tmp, sizeof(tmp),
		 "libseccomp %u.%u.%u kernel %s %s %s arch %#x pers %#x",
		 v->major, v->minor, v->micro, u.release, u.version, u.machine,
		 seccomp_arch_native(), (unsigned)PER_LINUX);
	put_str(b, tmp);
	if (!lib_identity(v, tmp, sizeof(tmp)))
		return false;
	put_str(b, tmp);
	put_words(b, "SystemCallFilter", &c->syscall_filter);
	put_words(b, "SystemCallLog", &c->syscall_log);
	put_words(b, "SystemCallArchitectures", &c->syscall_archs);
	put_words(b, "RestrictAddressFamilies", &c->address_families);
	snprintf(tmp, sizeof(tmp),
		 "errno %d ns %d:%#llx lp %d rt %d suid %d mdwe %d "
		 "clock %d host %d dev %d",
		 c->syscall_errno, c->restrict_namespaces_set,
		 (unsigned long long)c->restrict_namespaces,
		 c->lock_personality, c->restrict_realtime,
		 c->restrict_suid_sgid, c->memory_deny_write_execute,
		 c->protect_clock, c->protect_hostname, c->private_devices);
	put_str(b, tmp);
	return true;
}

static char *cache_path(const struct buf *key)
{
	return xasprintf("%s/seccomp-%016llx.bpf", OSAPI_LAUNCH_CACHE_DIR,
			 (unsigned long long)fnv(FNV_INIT, key->p, key->n));
}

static bool take(const char **p, const char *end, void *out, size_t len)
{
	if ((size_t)(end - *p) < len)
		return false;
	memcpy(out, *p, len);
	*p += len;
	return true;
}

/* trusted_read() is for text and refuses NUL bytes; BPF is full of them. */
static char *read_binary(const char *path, size_t *len, const char **why,
			 int *err)
{
	int fd = trusted_open(path, O_RDONLY, false, why);
	struct stat st;
	char *data;

	if (fd < 0) {
		*err = -fd;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    (size_t)st.st_size > CACHE_MAX) {
		*err = EINVAL;
		*why = "has an unexpected size";
		close(fd);
		return NULL;
	}
	data = xmalloc((size_t)st.st_size);
	if (read(fd, data, (size_t)st.st_size) != st.st_size) {
		*err = EIO;
		*why = "cannot be read whole";
		free(data);
		close(fd);
		return NULL;
	}
	close(fd);
	*len = (size_t)st.st_size;
	return data;
}

/*
 * What the plan derives from SystemCallFilter= besides the programs, kept
 * with them: the call the launcher's own exec goes through and whether
 * write(2) is let through.  Each is a walk of the merged lines with their
 * groups expanded, about 20 us together; the key holds the lines.
 */
#define DERIVED_WRITE	  1u
#define DERIVED_EXEC_MASK 6u
#define DERIVED_EXECVE	  2u
#define DERIVED_EXECVEAT  4u
static const char *const exec_names[] = {
	[0] = NULL,
	[DERIVED_EXECVE] = "execve",
	[DERIVED_EXECVEAT] = "execveat",
};

static uint32_t derived_bits(const struct seccomp_plan *s)
{
	uint32_t d = s->write_ok ? DERIVED_WRITE : 0;

	if (s->exec_call && strcmp(s->exec_call, "execveat") == 0)
		d |= DERIVED_EXECVEAT;
	else if (s->exec_call && strcmp(s->exec_call, "execve") == 0)
		d |= DERIVED_EXECVE;
	return d;
}

/* Fills s->prog (and what is derived with it) from the cache; false (and
 * s untouched) on any doubt. */
static bool cache_read(struct seccomp_plan *s, const struct buf *key,
		       const char *path, bool *writable)
{
	const char *why = NULL;
	size_t len = 0;
	int err = 0;
	char *data = read_binary(path, &len, &why, &err);
	const char *p, *end;
	uint32_t klen, n, derived;
	uint64_t sum;
	struct seccomp_plan tmp = {0};

	if (!data) {
		/* A file that is merely missing or not root's is rebuilt and
		 * replaced; a directory that others can write is never
		 * written to. */
		*writable = err == ENOENT || !why ||
			    strncmp(why, "a directory", 11) != 0;
		status = err == ENOENT ? "miss (built and stored)"
				       : "untrusted or unreadable (rebuilt)";
		return false;
	}
	p = data;
	end = data + len;
	if (len < sizeof(sum) ||
	    (memcpy(&sum, end - sizeof(sum), sizeof(sum)),
	     fnv(FNV_INIT, data, len - sizeof(sum)) != sum)) {
		status = "corrupt (rebuilt)";
		goto fail;
	}
	end -= sizeof(sum);
	if (!take(&p, end, &klen, sizeof(klen)) || klen != key->n ||
	    (size_t)(end - p) < klen || memcmp(p, key->p, klen) != 0) {
		status = "stale (rebuilt)";
		goto fail;
	}
	p += klen;
	if (!take(&p, end, &n, sizeof(n)) || n > SECCOMP_MAX_PROGS)
		goto corrupt;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t plen;
		struct seccomp_prog *prog = &tmp.prog[tmp.n];
		if (!take(&p, end, &plen, sizeof(plen)) || plen == 0 ||
		    plen > BPF_MAXINSNS ||
		    (size_t)(end - p) < plen * sizeof(struct sock_filter))
			goto corrupt;
		prog->insns = xmalloc(plen * sizeof(struct sock_filter));
		memcpy(prog->insns, p, plen * sizeof(struct sock_filter));
		p += plen * sizeof(struct sock_filter);
		prog->len = (unsigned short)plen;
		prog->what = "cached";
		tmp.n++;
	}
	if (!take(&p, end, &derived, sizeof(derived)) ||
	    derived & ~(DERIVED_WRITE | DERIVED_EXEC_MASK) ||
	    (derived & DERIVED_EXEC_MASK) > DERIVED_EXECVEAT || p != end)
		goto corrupt;
	free(data);
	for (int i = 0; i < tmp.n; i++)
		s->prog[i] = tmp.prog[i];
	s->n = tmp.n;
	s->write_ok = derived & DERIVED_WRITE;
	s->exec_call = exec_names[derived & DERIVED_EXEC_MASK];
	status = "hit";
	return true;
corrupt:
	status = "corrupt (rebuilt)";
fail:
	for (int i = 0; i < tmp.n; i++)
		free(tmp.prog[i].insns);
	free(data);
	return false;
}

#define CACHE_KEEP 32

/*
 * Every config change and every upgrade writes a new file; the old ones are
 * never read again.  Written files beyond the newest CACHE_KEEP are removed
 * (a miss costs one compile, never correctness).
 */
static void prune(void)
{
	struct {
		char name[64];
		time_t mtime;
	} files[CACHE_KEEP + 1];
	size_t n = 0;
	DIR *d = opendir(OSAPI_LAUNCH_CACHE_DIR);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;
		size_t oldest = 0;
		if (strncmp(e->d_name, "seccomp-", 8) != 0 ||
		    strlen(e->d_name) >= sizeof(files[0].name) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		memcpy(files[n].name, e->d_name, strlen(e->d_name) + 1);
		files[n++].mtime = st.st_mtime;
		if (n <= CACHE_KEEP)
			continue;
		/* One too many: drop the oldest of them. */
		for (size_t i = 1; i < n; i++)
			if (files[i].mtime < files[oldest].mtime)
				oldest = i;
		unlinkat(dirfd(d), files[oldest].name, 0);
		files[oldest] = files[CACHE_KEEP];
		n = CACHE_KEEP;
	}
	closedir(d);
}

/* Best effort: a launch never fails because the cache cannot be written. */
static void cache_write(const struct seccomp_plan *s, const struct buf *key,
			const char *path)
{
	struct buf b = {0};
	uint32_t klen = (uint32_t)key->n, n = (uint32_t)s->n,
		 derived = derived_bits(s);
	uint64_t sum;
	char *tmp = xasprintf("%s.XXXXXX", path);
	struct stat st;
	int fd;

	/* The directory is created private; an existing one must already be
	 * root's and closed to others, or it is left alone. */
	if (mkdir(OSAPI_LAUNCH_CACHE_DIR, 0700) < 0 && errno == ENOENT) {
		/* The parent (/var/cache) may be missing under an unusual
		 * prefix: one level is created, as the FHS would have it. */
		char *parent = xstrdup(OSAPI_LAUNCH_CACHE_DIR);
		*strrchr(parent, '/') = '\0';
		if (mkdir(parent, 0755) == 0)
			(void)mkdir(OSAPI_LAUNCH_CACHE_DIR, 0700);
		free(parent);
	}
	if (lstat(OSAPI_LAUNCH_CACHE_DIR, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & 077))
		goto out;
	put(&b, &klen, sizeof(klen));
	put(&b, key->p, key->n);
	put(&b, &n, sizeof(n));
	for (int i = 0; i < s->n; i++) {
		uint32_t plen = s->prog[i].len;
		put(&b, &plen, sizeof(plen));
		put(&b, s->prog[i].insns, plen * sizeof(struct sock_filter));
	}
	put(&b, &derived, sizeof(derived));
	sum = fnv(FNV_INIT, b.p, b.n);
	put(&b, &sum, sizeof(sum));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto out;
	if (fchmod(fd, 0600) < 0 || write(fd, b.p, b.n) != (ssize_t)b.n ||
	    fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0)
		unlink(tmp);
	else
		prune();
out:
	free(b.p);
	free(tmp);
}

static bool writable = true;

bool seccomp_cache_lookup(struct seccomp_plan *s, const struct config *c)
{
	struct buf key = {0};
	char *path;
	bool hit;

	if (!enabled)
		return false;
	if (!cache_key(c, &key)) {
		status = "not used (the launcher's or libseccomp's file "
			 "cannot be identified)";
		writable = false;
		free(key.p);
		return false;
	}
	path = cache_path(&key);
	hit = cache_read(s, &key, path, &writable);
	free(path);
	free(key.p);
	return hit;
}

void seccomp_cache_store(const struct seccomp_plan *s, const struct config *c)
{
	struct buf key = {0};
	char *path;

	if (!enabled || !writable || s->n == 0 || !cache_key(c, &key)) {
		free(key.p);
		return;
	}
	path = cache_path(&key);
	cache_write(s, &key, path);
	free(path);
	free(key.p);
}
