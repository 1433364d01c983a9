/* SPDX-License-Identifier: MIT */
/*
 * The stand-in agent of the SELinux guest (tests/vm/selinux-guest.sh): the
 * real OSAPI agent cannot be built here, so this static binary, installed
 * as /usr/bin/osapi, attempts what the agent does and what it must not, and
 * reports each attempt as OP=ok or OP=ERRNO-NAME on stdout, so the test
 * tells a refusal from success without trusting the launcher.
 *
 *   selinux-agent OP...
 *     label            LABEL=<its own /proc/self/attr/current>
 *     read:PATH        open(2) + read(2)
 *     write:PATH       open(O_CREAT|O_WRONLY)
 *     connect:PORT     TCP connect to 127.0.0.1:PORT
 *     ping             ICMP echo over an ICMP datagram socket to 127.0.0.1
 *     kill:PID         kill(PID, 0) would skip the LSM check: SIGCONT
 *     out:PATH         stdout to PATH from here on (the agent's state dir: the
 *                      domain may not write the caller's pipe, which the
 *                      kernel would replace by /dev/null at exec)
 *     sleep:SECONDS    stay alive, so the test can look at /proc/PID
 *     exec:PATH        execv(PATH) as the last op (prints EXEC= only on
 * failure)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case EACCES:
		return "EACCES";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case ECONNREFUSED:
		return "ECONNREFUSED";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case EINVAL:
		return "EINVAL";
	case ESRCH:
		return "ESRCH";
	default:
		return "EOTHER";
	}
}

static void report(const char *op, int rc)
{
	printf("%s=%s\n", op, rc == 0 ? "ok" : errname(rc));
	fflush(stdout);
}

static int do_read(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	if (read(fd, buf, sizeof(buf)) < 0) {
		int e = errno;
		close(fd);
		return e;
	}
	close(fd);
	return 0;
}

static int do_write(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno;
	if (write(fd, "x\n", 2) != 2) {
		int e = errno;
		close(fd);
		return e;
	}
	close(fd);
	return 0;
}

static int do_connect(const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((unsigned short)atoi(port)),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		rc = errno;
	close(fd);
	return rc;
}

static int do_ping(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct icmphdr h = {.type = ICMP_ECHO};
	struct pollfd p;
	char reply[64];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP),
	    rc = 0;

	if (fd < 0)
		return errno;
	p.fd = fd;
	p.events = POLLIN;
	if (sendto(fd, &h, sizeof(h), 0, (struct sockaddr *)&a, sizeof(a)) < 0)
		rc = errno;
	else if (poll(&p, 1, 5000) != 1)
		rc = ETIMEDOUT;
	else if (recv(fd, reply, sizeof(reply), 0) < 0)
		rc = errno;
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *op = argv[i], *arg = strchr(op, ':');

		if (arg)
			*arg++ = '\0';
		if (strcmp(op, "label") == 0) {
			char l[256] = "";
			int fd = open("/proc/self/attr/current", O_RDONLY);
			ssize_t n = fd < 0 ? -1 : read(fd, l, sizeof(l) - 1);

			if (n > 0)
				l[strcspn(l, "\n")] = '\0';
			printf("LABEL=%s\n", l);
			fflush(stdout);
		} else if (strcmp(op, "read") == 0 && arg) {
			report("READ", do_read(arg));
		} else if (strcmp(op, "write") == 0 && arg) {
			report("WRITE", do_write(arg));
		} else if (strcmp(op, "connect") == 0 && arg) {
			report("CONNECT", do_connect(arg));
		} else if (strcmp(op, "ping") == 0) {
			report("PING", do_ping());
		} else if (strcmp(op, "kill") == 0 && arg) {
			report("KILL",
			       kill(atoi(arg), SIGCONT) < 0 ? errno : 0);
		} else if (strcmp(op, "out") == 0 && arg) {
			if (!freopen(arg, "w", stdout))
				return 3;
		} else if (strcmp(op, "sleep") == 0 && arg) {
			sleep((unsigned)atoi(arg));
		} else if (strcmp(op, "exec") == 0 && arg) {
			execv(arg, argv + i);
			report("EXEC", errno);
			return 1;
		} else {
			fprintf(stderr, "selinux-agent: unknown op %s\n", op);
			return 2;
		}
	}
	return 0;
}
