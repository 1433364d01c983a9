/* SPDX-License-Identifier: MIT */
/*
 * Trust checks for the files that decide what runs as whom: the config, any
 * EnvironmentFile= and the target binary.  A file is trusted when it and
 * every directory above it belong to root and nobody else can write them,
 * the rule doas(1) and OpenSSH's StrictModes apply.  The checks run on the
 * opened descriptors (fstat), so what was checked is what gets read.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static const char *dir_untrusted(const struct stat *st)
{
	if (st->st_uid != 0)
		return "a directory on the path is not owned by root";
	/*
	 * A root-owned sticky directory (/tmp) is the one exception: others
	 * may create entries there, but cannot rename or remove root's, so
	 * the root-owned entry below it stays put.
	 */
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(st->st_mode & S_ISVTX))
		return "a directory on the path is writable by group or others";
	return NULL;
}

static const char *file_untrusted(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return "is not a regular file";
	if (st->st_uid != 0)
		return "is not owned by root";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "is writable by group or others";
	return NULL;
}

/* Walks an absolute path from "/" without following any symlink, checking
 * each directory on the way, and opens the last component: a file, or with
 * dir set a directory whose entries are read (unit drop-ins). */
static int walk_open(const char *path, int flags, bool dir, const char **why)
{
	char buf[PATH_MAX];
	char *comp, *next;
	int dirfd, fd;
	struct stat st;

	if (path[0] != '/') {
		*why = "is not an absolute path";
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(buf)) {
		*why = "path too long";
		return -ENAMETOOLONG;
	}
	memcpy(buf, path, strlen(path) + 1);
	dirfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		*why = "cannot open /";
		return -errno;
	}
	comp = buf + 1;
	for (;;) {
		if (fstat(dirfd, &st) < 0) {
			*why = "cannot stat a directory on the path";
			fd = -errno;
			goto out;
		}
		if ((*why = dir_untrusted(&st))) {
			fd = -EPERM;
			goto out;
		}
		while (*comp == '/')
			comp++;
		next = strchr(comp, '/');
		if (!next)
			break;
		*next = '\0';
		fd = openat(dirfd, comp,
			    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			*why = (e == ENOTDIR || e == ELOOP)
				       ? "a directory on the path is a symlink "
					 "or not a directory"
				       : "cannot open a directory on the path";
			fd = -e;
			goto out;
		}
		close(dirfd);
		dirfd = fd;
		comp = next + 1;
	}
	if (!*comp) {
		*why = "names a directory";
		fd = -EISDIR;
		goto out;
	}
	fd = openat(dirfd, comp, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		*why = e == ELOOP ? "is a symlink" : "cannot be opened";
		fd = -e;
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		int e = errno;
		*why = "cannot stat";
		close(fd);
		fd = -e;
		goto out;
	}
	if (dir)
		/* Sticky is no excuse here: whoever can add an entry can add a
		 * drop-in, or a mask that hides one. */
		*why = !S_ISDIR(st.st_mode) ? "is not a directory"
		       : (st.st_mode & (S_IWGRP | S_IWOTH))
			       ? "is writable by group or others"
			       : dir_untrusted(&st);
	else
		*why = file_untrusted(&st);
	if (*why) {
		close(fd);
		fd = -EPERM;
	}
out:
	close(dirfd);
	return fd;
}

/*
 * follow=false (config, EnvironmentFile=): no symlink anywhere on the path.
 * follow=true (binaries): Debian's merged /usr makes /bin a symlink, so the
 * directories of the path as written are checked, then the canonical path
 * is walked and opened as strictly as above.
 */
int trusted_open(const char *path, int flags, bool follow, const char **why)
{
	char real[PATH_MAX];
	int fd;

	if (!follow)
		return walk_open(path, flags, false, why);
	if (path[0] != '/') {
		*why = "is not an absolute path";
		return -EINVAL;
	}
	{
		char dir[PATH_MAX];
		struct stat st;
		size_t len = strlen(path);

		if (len >= sizeof(dir)) {
			*why = "path too long";
			return -ENAMETOOLONG;
		}
		for (size_t i = 1; i <= len; i++) {
			if (path[i] != '/')
				continue;
			memcpy(dir, path, i);
			dir[i] = '\0';
			if (stat(dir, &st) < 0) {
				*why = "cannot stat a directory on the path";
				return -errno;
			}
			if ((*why = dir_untrusted(&st)))
				return -EPERM;
		}
	}
	if (!realpath(path, real)) {
		*why = errno == ENOENT ? "does not exist"
				       : "cannot be resolved";
		return -errno;
	}
	fd = walk_open(real, flags, false, why);
	return fd;
}

int trusted_dir_open(const char *path, const char **why)
{
	return walk_open(path, O_RDONLY | O_DIRECTORY, true, why);
}

char *trusted_read(const char *path, size_t max, size_t *len, const char **why,
		   int *err)
{
	int fd = trusted_open(path, O_RDONLY, false, why);
	struct stat st;
	char *buf;
	size_t n = 0, cap = max + 1;

	if (fd < 0) {
		*err = -fd;
		return NULL;
	}
	/* The file's size, plus one byte to see the end: a buffer of the
	 * largest size allowed would cost an mmap(), its page faults and a
	 * munmap() at every launch.  A file that grows meanwhile still
	 * reads whole, up to max. */
	if (fstat(fd, &st) == 0 && st.st_size >= 0 && (size_t)st.st_size < max)
		cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			cap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			*why = "cannot be read";
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			*err = EFBIG;
			*why = "is too large";
			goto fail;
		}
	}
	close(fd);
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		*err = EINVAL;
		*why = "contains a NUL byte";
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}
