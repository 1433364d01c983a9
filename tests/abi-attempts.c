/* SPDX-License-Identifier: MIT */
/*
 * Real attempts at every guarded system call, through every ABI this kernel
 * runs (tests/t/29-abi-attempts.t): run as the launched agent, it makes the
 * call with the arguments the restriction forbids and prints
 *   RESULT=<errno name>|ok|killed
 * The numbers come from libseccomp's table for the ABI (derived, not
 * written here), and pointers handed to the i386 ABI live below 4 GiB.
 *
 *   abi-attempts --abis                 the ABIs this kernel answers on
 *   abi-attempts --calls                the calls and variants known here
 *   abi-attempts ABI CALL[:VARIANT] DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum abi { NATIVE, X32, I386 };

static enum abi abi;
static char *low; /* 64 KiB below 4 GiB, for the i386 ABI's pointers */

static uint32_t abi_token(void)
{
	return abi == NATIVE ? SCMP_ARCH_X86_64
	       : abi == X32  ? SCMP_ARCH_X32
			     : SCMP_ARCH_X86;
}

/*
 * libseccomp's number for name on this ABI.  On i386, libseccomp 2.5
 * answers a pseudo number for calls it routes through socketcall/ipc;
 * the direct number (Linux 4.3/5.1) is found by walking its table.
 */
static long nr_of(const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(abi_token(), name);

	if (nr >= 0)
		return nr;
	for (int n = 0; n < 1024; n++) {
		char *s = seccomp_syscall_resolve_num_arch(abi_token(), n);
		bool same = s && strcmp(s, name) == 0;
		free(s);
		if (same)
			return n;
	}
	/* Newer than this libseccomp: the asm-generic number. */
	if (strcmp(name, "fchmodat2") == 0)
		return abi == X32 ? 452 | 0x40000000 : 452;
	/* Not a call of this ABI (mmap2 on x86-64). */
	printf("RESULT=absent\n");
	exit(0);
}

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long r;

	if (abi != I386)
		return syscall(nr, a, b, c, d, e, f);
#if defined(__x86_64__)
	{
		/* ebp carries the sixth argument; the file is built with
		 * -mno-red-zone, so the push below rsp clobbers nothing. */
		register long f_ __asm__("r12") = f;
		__asm__ volatile("push %%rbp\n\tmov %%r12, %%rbp\n\t"
				 "int $0x80\n\tpop %%rbp"
				 : "=a"(r)
				 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d),
				   "D"(e), "r"(f_)
				 : "memory", "r8", "r9", "r10", "r11");
	}
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
#else
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	errno = ENOSYS;
	return -1;
#endif
}

#define SYS(name, ...) sys_(nr_of(name), __VA_ARGS__)
static long sys_(long nr, long a, long b, long c, long d, long e, long f)
{
	return sys6(nr, a, b, c, d, e, f);
}

/* Copies s below 4 GiB; returns its address there. */
static long str(const char *s)
{
	static size_t used;
	char *p = low + used;

	used += strlen(s) + 1;
	strcpy(p, s);
	return (long)(uintptr_t)p;
}

static long lowbuf(size_t n)
{
	static size_t used = 32768;
	char *p = low + used;

	used += (n + 15) & ~(size_t)15;
	memset(p, 0, n);
	return (long)(uintptr_t)p;
}

static void result(long r)
{
	if (r < 0)
		printf("RESULT=%s\n", strerrorname_np(errno));
	else
		printf("RESULT=ok\n");
}

static long file(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s-%d", dir, name, (int)abi);
	unlink(path);
	rmdir(path);
	return str(path);
}

/* A fresh file, made natively with an ordinary mode. */
static long plain(const char *dir, const char *name)
{
	long p = file(dir, name);
	int fd = open((const char *)(uintptr_t)p, O_CREAT | O_WRONLY, 0644);

	if (fd < 0) {
		perror("abi-attempts: making the test file");
		exit(2);
	}
	close(fd);
	return p;
}

static long rw_page(void)
{
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	return m == MAP_FAILED ? -1 : (long)(uintptr_t)m;
}

static long attempt(const char *call, const char *variant, const char *dir)
{
	const long wx = PROT_READ | PROT_WRITE | PROT_EXEC;
	const long anon = MAP_PRIVATE | MAP_ANONYMOUS;

	if (!strcmp(call, "chmod"))
		return SYS("chmod", plain(dir, call), 04755, 0, 0, 0, 0);
	if (!strcmp(call, "fchmod")) {
		int fd = open((const char *)(uintptr_t)plain(dir, call),
			      O_RDONLY);
		return SYS("fchmod", fd, 04755, 0, 0, 0, 0);
	}
	if (!strcmp(call, "fchmodat"))
		return SYS("fchmodat", AT_FDCWD, plain(dir, call), 04755, 0, 0,
			   0);
	if (!strcmp(call, "fchmodat2"))
		return SYS("fchmodat2", AT_FDCWD, plain(dir, call), 04755, 0, 0,
			   0);
	if (!strcmp(call, "mkdir"))
		return SYS("mkdir", file(dir, call), 02755, 0, 0, 0, 0);
	if (!strcmp(call, "mkdirat"))
		return SYS("mkdirat", AT_FDCWD, file(dir, call), 02755, 0, 0,
			   0);
	if (!strcmp(call, "mknod"))
		return SYS("mknod", file(dir, call), S_IFREG | 04755, 0, 0, 0,
			   0);
	if (!strcmp(call, "mknodat"))
		return SYS("mknodat", AT_FDCWD, file(dir, call),
			   S_IFREG | 04755, 0, 0, 0);
	if (!strcmp(call, "creat"))
		return SYS("creat", file(dir, call), 04755, 0, 0, 0, 0);
	if (!strcmp(call, "open") || !strcmp(call, "openat")) {
		bool at = call[4] == 'a';
		bool tmp = variant && !strcmp(variant, "tmpfile");
		long path = tmp ? str(dir) : file(dir, call);
		long flags = tmp ? O_TMPFILE | O_RDWR : O_CREAT | O_WRONLY;
		return at ? SYS("openat", AT_FDCWD, path, flags, 04755, 0, 0)
			  : SYS("open", path, flags, 04755, 0, 0, 0);
	}
	if (!strcmp(call, "openat2")) {
		uint64_t *how = (uint64_t *)(uintptr_t)lowbuf(24);
		how[0] = O_CREAT | O_WRONLY;
		how[1] = 04755;
		return SYS("openat2", AT_FDCWD, file(dir, call),
			   (long)(uintptr_t)how, 24, 0, 0);
	}
	if (!strcmp(call, "io_uring_setup"))
		return SYS("io_uring_setup", 4, lowbuf(120), 0, 0, 0, 0);
	if (!strcmp(call, "io_uring_enter"))
		return SYS("io_uring_enter", -1, 0, 0, 0, 0, 0);
	if (!strcmp(call, "io_uring_register"))
		return SYS("io_uring_register", -1, 0, 0, 0, 0, 0);
	if (!strcmp(call, "mmap") && abi == I386) {
		/* old_mmap: the six arguments are a struct in memory. */
		uint32_t *a = (uint32_t *)(uintptr_t)lowbuf(24);
		a[2] = (uint32_t)wx;
		a[3] = (uint32_t)anon;
		a[4] = (uint32_t)-1;
		a[1] = 4096;
		return SYS("mmap", (long)(uintptr_t)a, 0, 0, 0, 0, 0);
	}
	if (!strcmp(call, "mmap") || !strcmp(call, "mmap2"))
		return SYS(call, 0, 4096, wx, anon, -1, 0);
	if (!strcmp(call, "mprotect"))
		return SYS("mprotect", rw_page(), 4096, PROT_READ | PROT_EXEC,
			   0, 0, 0);
	if (!strcmp(call, "pkey_mprotect"))
		return SYS("pkey_mprotect", rw_page(), 4096,
			   PROT_READ | PROT_EXEC, -1, 0, 0);
	if (!strcmp(call, "shmat") || !strcmp(call, "ipc")) {
		int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		long r;
		if (id < 0)
			return -1;
		if (!strcmp(call, "shmat"))
			r = SYS("shmat", id, 0, SHM_EXEC, 0, 0, 0);
		else
			/* ipc(SHMAT | version << 16, id, flags, &raddr, addr):
			 * the kernel ignores the version's bits. */
			r = SYS("ipc",
				21 | (variant && !strcmp(variant, "v2")
					      ? 2 << 16
					      : 0),
				id, SHM_EXEC, lowbuf(8), 0, 0);
		shmctl(id, IPC_RMID, NULL);
		return r;
	}
	if (!strcmp(call, "socket"))
		return SYS("socket", AF_UNIX, SOCK_STREAM, 0, 0, 0, 0);
	if (!strcmp(call, "socketpair"))
		return SYS("socketpair", AF_UNIX, SOCK_STREAM, 0, lowbuf(8), 0,
			   0);
	if (!strcmp(call, "socketcall")) {
		uint32_t *a = (uint32_t *)(uintptr_t)lowbuf(16);
		bool pair = variant && !strcmp(variant, "socketpair");
		a[0] = AF_UNIX;
		a[1] = SOCK_STREAM;
		a[3] = (uint32_t)lowbuf(8);
		return SYS("socketcall", pair ? 8 : 1, (long)(uintptr_t)a, 0, 0,
			   0, 0);
	}
	if (!strcmp(call, "unshare"))
		return SYS("unshare", CLONE_NEWUSER, 0, 0, 0, 0, 0);
	if (!strcmp(call, "clone")) {
		long r = SYS("clone", CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0, 0);
		if (r == 0)
			_exit(0); /* the child, in its new namespace */
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
		return r;
	}
	if (!strcmp(call, "clone3")) {
		uint64_t *args = (uint64_t *)(uintptr_t)lowbuf(88);
		long r;
		args[0] = CLONE_NEWUSER;
		args[4] = SIGCHLD; /* exit_signal */
		r = SYS("clone3", (long)(uintptr_t)args, 88, 0, 0, 0, 0);
		if (r == 0)
			_exit(0);
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
		return r;
	}
	if (!strcmp(call, "setns")) {
		/* The user namespace it is in: the kernel says EINVAL, the
		 * restriction EPERM. */
		int fd = open("/proc/self/ns/user", O_RDONLY);
		/* "high": nstype 0 with garbage above the int the kernel
		 * reads. */
		long nstype = variant && !strcmp(variant, "high") && abi != I386
				      ? 1L << 32
				      : 0;
		return SYS("setns", fd, nstype, 0, 0, 0, 0);
	}
	if (!strcmp(call, "sched_setscheduler")) {
		int *prio = (int *)(uintptr_t)lowbuf(4);
		*prio = 1;
		return SYS("sched_setscheduler", 0, SCHED_FIFO,
			   (long)(uintptr_t)prio, 0, 0, 0);
	}
	if (!strcmp(call, "sched_setattr")) {
		uint32_t *attr = (uint32_t *)(uintptr_t)lowbuf(48);
		attr[0] = 48;	      /* size: SCHED_ATTR_SIZE_VER0 */
		attr[1] = SCHED_FIFO; /* policy */
		attr[5] = 1;	      /* sched_priority */
		return SYS("sched_setattr", 0, (long)(uintptr_t)attr, 0, 0, 0,
			   0);
	}
	if (!strcmp(call, "personality"))
		return SYS("personality", PER_LINUX32, 0, 0, 0, 0, 0);
	if (!strcmp(call, "execve") || !strcmp(call, "execveat")) {
		/* In a child: a denied exec kills it with SIGSYS. */
		pid_t pid = fork();
		int st;
		if (pid == 0) {
			long argv = lowbuf(16);
			((uint32_t *)(uintptr_t)argv)[0] =
				(uint32_t)str("/bin/true");
			if (abi == NATIVE) /* x32 and i386: 32-bit pointers */
				*(char **)(uintptr_t)argv = "/bin/true";
			if (!strcmp(call, "execve"))
				SYS("execve", str("/bin/true"), argv, 0, 0, 0,
				    0);
			else
				SYS("execveat", AT_FDCWD, str("/bin/true"),
				    argv, 0, 0, 0);
			_exit(100 + (errno & 0x1f));
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0)
			return -1;
		if (WIFSIGNALED(st)) {
			printf("RESULT=killed\n");
			exit(0);
		}
		if (WEXITSTATUS(st) >= 100) {
			errno = WEXITSTATUS(st) - 100;
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "abi-attempts: no attempt written for %s\n", call);
	exit(3);
}

int main(int argc, char **argv)
{
	low = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED)
		return 2;
	if (argc == 2 && !strcmp(argv[1], "--abis")) {
		/* getpid through each: ENOSYS means the kernel lacks it. */
		const char *names[] = {"x86-64", "x32", "i386"};
		for (abi = NATIVE; abi <= I386; abi++)
			if (sys6(nr_of("getpid"), 0, 0, 0, 0, 0, 0) > 0)
				printf("%s\n", names[abi]);
		return 0;
	}
	if (argc != 4)
		return 2;
	if (!strcmp(argv[1], "x86-64"))
		abi = NATIVE;
	else if (!strcmp(argv[1], "x32"))
		abi = X32;
	else if (!strcmp(argv[1], "i386"))
		abi = I386;
	else
		return 2;
	{
		char *call = argv[2], *variant = strchr(call, ':');
		long r;
		if (variant)
			*variant++ = '\0';
		setvbuf(stdout, NULL, _IONBF, 0);
		r = attempt(call, variant, argv[3]);
		result(r);
	}
	return 0;
}
