/* SPDX-License-Identifier: MIT */
/*
 * The launched target in tests: reports what it was given as KEY=VALUE lines
 * on stdout, read from the kernel (/proc/self/status, /proc/self/fd), not
 * from anything the launcher could have told it.
 *
 *   probe [--marker FILE] [--exec PATH ARG...] [--try NAME...]
 *
 * --marker creates FILE first, so a test can prove the target never ran.
 * --try NAME attempts a privileged action and prints TRY_NAME=ok or
 * TRY_NAME=ERRNO-NAME, so a test can tell "refused" from "allowed".
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <signal.h>
#include <unistd.h>

extern char **environ;

/* When the suite runs in a sanitizer build the probe is instrumented too;
 * ASan would otherwise zero RLIMIT_CORE and skew what the probe reports, and
 * LeakSanitizer cannot stop the world under the seccomp filters it tests. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "disable_coredump=0:detect_leaks=0";
}

static void status_fields(void)
{
	static const char *const keys[] = {
		"Uid",	      "Gid",	 "Groups",	    "CapInh",
		"CapPrm",     "CapEff",	 "CapBnd",	    "CapAmb",
		"NoNewPrivs", "Seccomp", "Seccomp_filters", "SigIgn",
		"SigBlk",     NULL,
	};
	char line[1024];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f) {
		perror("probe: /proc/self/status");
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		for (int i = 0; keys[i]; i++) {
			if (strcmp(line, keys[i]) == 0) {
				char *v = colon + 1;
				v += strspn(v, " \t");
				v[strcspn(v, "\n")] = '\0';
				/* Tabs between ids become single spaces. */
				for (char *t = v; *t; t++)
					if (*t == '\t')
						*t = ' ';
				printf("%s=%s\n", keys[i], v);
			}
		}
	}
	fclose(f);
}

static void fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self = d ? dirfd(d) : -1;

	printf("FDS=");
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == self)
			continue;
		printf("%s ", e->d_name);
	}
	printf("\n");
	if (d)
		closedir(d);
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "?";
}

static int close_ok(int fd)
{
	if (fd >= 0)
		close(fd);
	return fd;
}

/* getpid through the i386 ABI (int 0x80, eax 20), which a 64-bit process
 * can still reach: SystemCallArchitectures=native must kill it. */
static int int80_getpid(void)
{
#if defined(__x86_64__)
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (int)ret;
#else
	errno = ENOSYS;
	return -1;
#endif
}

static void try(const char *what)
{
	int r = -1;

	errno = 0;
	if (strcmp(what, "setuid0") == 0)
		r = setuid(0);
	else if (strcmp(what, "raw-socket") == 0) {
		r = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		if (r >= 0)
			close(r);
	} else if (strcmp(what, "ambient-raise-sys-admin") == 0)
		r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 21, 0, 0);
	else if (strcmp(what, "chown-root-file") == 0)
		r = chown("/etc/hostname", 0, 0);
	/* Seccomp probes: bad pointers or harmless arguments, so a call the
	 * filter lets through fails (or succeeds) without doing anything. */
	else if (strcmp(what, "tiocsti") == 0) {
		char ch = '#';
		r = ioctl(0, TIOCSTI, &ch);
	} else if (strcmp(what, "mount") == 0)
		r = mount(NULL, NULL, NULL, 0, NULL);
	else if (strcmp(what, "ptrace") == 0)
		r = (int)ptrace(PTRACE_PEEKDATA, getppid(), NULL, NULL);
	else if (strcmp(what, "kexec_load") == 0)
		r = (int)syscall(SYS_kexec_load, 0, 0, NULL, 0);
	else if (strcmp(what, "newer-than-table") == 0)
		/* lsm_list_modules (461, Linux 6.8): newer than libseccomp 2.5
		 * and systemd 252's tables. */
		r = (int)syscall(461, NULL, NULL, 0);
	else if (strcmp(what, "int80-getpid") == 0)
		r = int80_getpid();
	else if (strcmp(what, "af-packet") == 0)
		r = close_ok(socket(AF_PACKET, SOCK_RAW, 0));
	else if (strcmp(what, "af-inet") == 0)
		r = close_ok(socket(AF_INET, SOCK_DGRAM, 0));
	else if (strcmp(what, "af-netlink") == 0)
		r = close_ok(socket(AF_NETLINK, SOCK_RAW, 0));
	else if (strcmp(what, "unshare-user") == 0)
		r = unshare(CLONE_NEWUSER);
	else if (strcmp(what, "personality-linux32") == 0)
		r = personality(PER_LINUX32);
	else if (strcmp(what, "sched-fifo") == 0) {
		struct sched_param sp = {.sched_priority = 1};
		r = sched_setscheduler(0, SCHED_FIFO, &sp);
	} else if (strcmp(what, "chmod-suid") == 0) {
		char path[] = "/tmp/osapi-probe-suid.XXXXXX";
		int fd = mkstemp(path);
		r = fd < 0 ? -1 : fchmod(fd, 04755);
		if (fd >= 0) {
			int e = errno;
			close(fd);
			unlink(path);
			errno = e;
		}
	} else if (strcmp(what, "mmap-wx") == 0) {
		void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		r = m == MAP_FAILED ? -1 : munmap(m, 4096);
	} else {
		fprintf(stderr, "probe: unknown --try %s\n", what);
		exit(2);
	}
	printf("TRY_%s=%s\n", what, r >= 0 ? "ok" : errname(errno));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	char cwd[4096];
	mode_t m;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--marker") == 0 && i + 1 < argc) {
			int fd = open(argv[++i], O_CREAT | O_WRONLY | O_CLOEXEC,
				      0644);
			if (fd < 0) {
				perror("probe: marker");
				return 2;
			}
			close(fd);
		} else if (strcmp(argv[i], "--try") == 0 && i + 1 < argc) {
			try(argv[++i]);
		} else if (strcmp(argv[i], "--exec") == 0 && i + 1 < argc) {
			fflush(stdout);
			execv(argv[i + 1], argv + i + 1);
			perror("probe: exec");
			return 127;
		} else {
			printf("ARG=%s\n", argv[i]);
		}
	}
	status_fields();
	fds();
	m = umask(0);
	printf("UMASK=%04o\n", (unsigned)m);
	if (getcwd(cwd, sizeof(cwd)))
		printf("CWD=%s\n", cwd);
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("RLIMIT_NOFILE=%llu:%llu\n", (unsigned long long)rl.rlim_cur,
	       (unsigned long long)rl.rlim_max);
	getrlimit(RLIMIT_CORE, &rl);
	printf("RLIMIT_CORE=%llu:%llu\n", (unsigned long long)rl.rlim_cur,
	       (unsigned long long)rl.rlim_max);
	getrlimit(RLIMIT_NPROC, &rl);
	printf("RLIMIT_NPROC=%llu:%llu\n", (unsigned long long)rl.rlim_cur,
	       (unsigned long long)rl.rlim_max);
	{
		char label[256] = "";
		int fd = open("/proc/self/attr/current", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = read(fd, label, sizeof(label) - 1);
			label[n > 0 ? n : 0] = '\0';
			label[strcspn(label, "\n")] = '\0';
			close(fd);
		}
		printf("LSM_LABEL=%s\n", label);
	}
	{
		sigset_t s;
		sigprocmask(SIG_SETMASK, NULL, &s);
		printf("SIGMASK_EMPTY=%d\n", sigisemptyset(&s));
	}
	for (char **e = environ; *e; e++)
		printf("ENV=%s\n", *e);
	return 0;
}
