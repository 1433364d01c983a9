/* SPDX-License-Identifier: MIT */
/*
 * Escape attempts, run as the launched agent under the shipped config by
 * tests/t/94-escape.t.  Each attempt tries to get back something the
 * launcher took away and prints one line:
 *
 *   ESCAPE name=refused (detail)
 *   ESCAPE name=SUCCEEDED (detail)
 *   ESCAPE name=skipped (why)
 *
 *   escape [--suid PATH] [--caps] [--fd N] [--ptrace PID] [--attr]
 *          [--tiocsti] [--environ NAME]
 *   escape --report-euid    (the setuid-root copy's own mode)
 *
 * Attempts that could do harm if they succeeded are made harmless: TIOCSTI
 * pushes a single space, a ptrace attach is detached at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int succeeded;

static const char *ename(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "?";
}

static void report(const char *name, int escaped, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(const char *name, int escaped, const char *fmt, ...)
{
	va_list ap;

	printf("ESCAPE %s=%s (", name, escaped ? "SUCCEEDED" : "refused");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
	fflush(stdout);
	succeeded += escaped;
}

static void skipped(const char *name, const char *why)
{
	printf("ESCAPE %s=skipped (%s)\n", name, why);
	fflush(stdout);
}

/* A setuid-root copy of this program, placed by the test: exec it and read
 * back the euid it got. */
static void try_suid(const char *path)
{
	int pfd[2];
	char buf[64] = "";
	ssize_t n;
	pid_t pid;
	int st;

	if (pipe(pfd) < 0) {
		report("setuid-binary", 0, "pipe: %s", ename(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		report("setuid-binary", 0, "fork: %s", ename(errno));
		return;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		execl(path, path, "--report-euid", (char *)NULL);
		printf("exec-failed %s\n", ename(errno));
		_exit(127);
	}
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	close(pfd[0]);
	waitpid(pid, &st, 0);
	if (strncmp(buf, "euid=", 5) == 0)
		report("setuid-binary", atoi(buf + 5) == 0,
		       "setuid-root copy ran with %s", buf);
	else
		report("setuid-binary", 0, "%s", buf[0] ? buf : "no output");
}

/* capset(2) adding CAP_SYS_ADMIN to permitted and effective. */
static void try_capset(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	int r;

	if (syscall(SYS_capget, &h, d) < 0) {
		report("capset-sys-admin", 0, "capget: %s", ename(errno));
		return;
	}
	d[0].permitted |= 1U << CAP_SYS_ADMIN;
	d[0].effective |= 1U << CAP_SYS_ADMIN;
	r = (int)syscall(SYS_capset, &h, d);
	if (r < 0) {
		report("capset-sys-admin", 0, "capset: %s", ename(errno));
		return;
	}
	syscall(SYS_capget, &h, d);
	report("capset-sys-admin",
	       (d[0].effective & (1U << CAP_SYS_ADMIN)) != 0,
	       "capset returned 0, effective now %08x", d[0].effective);
}

/* PR_CAP_AMBIENT_RAISE of capabilities the agent does not hold. */
static void try_ambient(void)
{
	static const int caps[] = {CAP_SYS_ADMIN, CAP_SETUID, CAP_DAC_OVERRIDE,
				   CAP_NET_ADMIN};
	static const char *const names[] = {"cap_sys_admin", "cap_setuid",
					    "cap_dac_override",
					    "cap_net_admin"};

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char name[64];
		int r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
			      (unsigned long)caps[i], 0UL, 0UL);
		int e = errno;

		snprintf(name, sizeof(name), "ambient-raise-%s", names[i]);
		if (r == 0)
			report(name,
			       prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET,
				     (unsigned long)caps[i], 0UL, 0UL) == 1,
			       "PR_CAP_AMBIENT_RAISE returned 0");
		else
			report(name, 0, "PR_CAP_AMBIENT_RAISE: %s", ename(e));
	}
}

/* A descriptor the launcher's caller had open. */
static void try_fd(int fd)
{
	int r = fcntl(fd, F_GETFD);

	if (r < 0)
		report("inherited-fd", 0, "fcntl(%d, F_GETFD): %s", fd,
		       ename(errno));
	else
		report("inherited-fd", 1, "fd %d is open", fd);
}

/* Another process of the same user, started outside the launcher. */
static void try_ptrace(pid_t pid)
{
	char path[64], line[256];
	unsigned long lo = 0;
	FILE *f;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0) {
		int st;
		waitpid(pid, &st, __WALL);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		report("ptrace-attach", 1,
		       "PTRACE_ATTACH to same-user pid %d worked", (int)pid);
	} else {
		report("ptrace-attach", 0, "PTRACE_ATTACH pid %d: %s", (int)pid,
		       ename(errno));
	}

	/* The same access check without ptrace(2): process_vm_readv(2),
	 * which systemd's @system-service allows, and /proc/PID/mem. */
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f) {
		report("proc-maps", 0, "open %s: %s", path, ename(errno));
	} else {
		if (fgets(line, sizeof(line), f))
			lo = strtoul(line, NULL, 16);
		fclose(f);
		report("proc-maps", lo != 0, "read %s: first mapping at %#lx",
		       path, lo);
	}
	if (lo) {
		char buf[16];
		struct iovec l = {buf, sizeof(buf)};
		struct iovec r = {(void *)lo, sizeof(buf)};
		ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
		if (n < 0)
			report("process-vm-readv", 0, "pid %d: %s", (int)pid,
			       ename(errno));
		else
			report("process-vm-readv", 1,
			       "read %zd bytes of pid %d's memory", n,
			       (int)pid);
	} else {
		/* No address known: any address answers EPERM before EFAULT
		 * when the access check refuses. */
		char buf[16];
		struct iovec l = {buf, sizeof(buf)};
		struct iovec r = {(void *)0x10000, sizeof(buf)};
		ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
		int e = errno;
		report("process-vm-readv", n >= 0 || e == EFAULT, "pid %d: %s",
		       (int)pid, n >= 0 ? "read" : ename(e));
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	{
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			report("proc-mem", 0, "open %s: %s", path,
			       ename(errno));
		else {
			close(fd);
			report("proc-mem", 1, "opened %s", path);
		}
	}
}

/* Changing the LSM label from inside (AppArmor's change_profile, SELinux's
 * setcon).  With no LSM loaded the write fails too: still refused. */
static void try_attr(void)
{
	static const struct {
		const char *name, *path, *text;
	} a[] = {
		{"attr-current", "/proc/self/attr/current",
		 "changeprofile unconfined"},
		{"attr-apparmor-current", "/proc/self/attr/apparmor/current",
		 "changeprofile unconfined"},
		{"attr-exec", "/proc/self/attr/exec", "exec unconfined"},
	};

	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		int fd = open(a[i].path, O_WRONLY | O_CLOEXEC);
		ssize_t n;

		if (fd < 0) {
			report(a[i].name, 0, "open: %s", ename(errno));
			continue;
		}
		n = write(fd, a[i].text, strlen(a[i].text));
		if (n < 0)
			report(a[i].name, 0, "write: %s", ename(errno));
		else
			report(a[i].name, 1, "wrote \"%s\"", a[i].text);
		close(fd);
	}
}

/* Pushing input into the terminal the launcher was started from: the
 * classic sandbox escape (CVE-2017-5226, bubblewrap; CVE-2016-7545). */
static void try_tiocsti(void)
{
	char c = ' ';
	int fd, t;

	/* stdin may be /dev/null (the launcher replaces a terminal there);
	 * stdout and stderr may still be the terminal, write-only. */
	for (t = 0; t < 3 && !isatty(t); t++)
		;
	if (t == 3) {
		skipped("tiocsti", "no terminal on fds 0-2");
		return;
	}
	if (ioctl(t, TIOCSTI, &c) == 0) {
		report("tiocsti", 1, "TIOCSTI on fd %d (%s) pushed a byte", t,
		       ttyname(t) ? ttyname(t) : "?");
		return;
	}
	report("tiocsti", 0, "TIOCSTI on fd %d: %s", t, ename(errno));
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		report("tiocsti-dev-tty", 0, "open /dev/tty: %s", ename(errno));
		return;
	}
	if (ioctl(fd, TIOCSTI, &c) == 0)
		report("tiocsti-dev-tty", 1,
		       "TIOCSTI on /dev/tty pushed a byte");
	else
		report("tiocsti-dev-tty", 0, "TIOCSTI on /dev/tty: %s",
		       ename(errno));
	close(fd);
}

/* The caller's environment: no launcher process is left to read (it exec'd
 * into us), so check our own environment and pid 1's. */
static void try_environ(const char *secret)
{
	extern char **environ;
	size_t l = strlen(secret);
	char buf[4096];
	int fd, found = 0;
	ssize_t n;

	for (char **e = environ; *e; e++)
		found |= strncmp(*e, secret, l) == 0 && (*e)[l] == '=';
	fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = '\0';
			for (char *p = buf; p < buf + n; p += strlen(p) + 1)
				found |= strncmp(p, secret, l) == 0 &&
					 p[l] == '=';
		}
		close(fd);
	}
	report("caller-environ", found, "%s %s in the agent's environment",
	       secret, found ? "is" : "is not");

	fd = open("/proc/1/environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		report("pid1-environ", 0, "open /proc/1/environ: %s",
		       ename(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf));
	report("pid1-environ", n >= 0, "read /proc/1/environ: %s",
	       n >= 0 ? "ok" : ename(errno));
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--report-euid") == 0) {
		printf("euid=%d\n", (int)geteuid());
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--suid") == 0 && v) {
			try_suid(v);
			i++;
		} else if (strcmp(a, "--caps") == 0) {
			try_capset();
			try_ambient();
		} else if (strcmp(a, "--fd") == 0 && v) {
			try_fd(atoi(v));
			i++;
		} else if (strcmp(a, "--ptrace") == 0 && v) {
			try_ptrace((pid_t)atoi(v));
			i++;
		} else if (strcmp(a, "--attr") == 0) {
			try_attr();
		} else if (strcmp(a, "--tiocsti") == 0) {
			try_tiocsti();
		} else if (strcmp(a, "--environ") == 0 && v) {
			try_environ(v);
			i++;
		} else {
			fprintf(stderr, "escape: unknown argument %s\n", a);
			return 2;
		}
	}
	printf("ESCAPES_SUCCEEDED=%d\n", succeeded);
	return succeeded ? 1 : 0;
}
