/* SPDX-License-Identifier: MIT */
/*
 * A load generator for nats-server on loopback, for bench/run's (c): what
 * the confinement costs a server's real work.  The NATS text protocol only
 * (CONNECT, SUB, PUB, MSG, PING/PONG), no client library.
 *
 *   nats-load PORT MESSAGES SIZE ROUNDTRIPS
 *
 * Prints "msgs_per_s X", "rtt_median_us Y", "rtt_p99_us Z":
 *   throughput: one connection publishes MESSAGES messages of SIZE bytes
 *   as fast as the server takes them, another receives them all through
 *   the server; from the first byte sent to the last message received;
 *   latency: ROUNDTRIPS times, publish one small message and wait for it
 *   to come back through the server on the same connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void fail(const char *what)
{
	fprintf(stderr, "nats-load: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			fail("write");
		p += w;
		n -= (size_t)w;
	}
}

/* A receive buffer with line and payload parsing. */
struct conn {
	int fd;
	char buf[1 << 16];
	size_t have, off;
};

/* Reads more; false at EOF. */
static void fill(struct conn *c)
{
	ssize_t r;

	if (c->off) {
		memmove(c->buf, c->buf + c->off, c->have - c->off);
		c->have -= c->off;
		c->off = 0;
	}
	r = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);
	if (r <= 0)
		fail("read (server gone?)");
	c->have += (size_t)r;
}

/*
 * Consumes one protocol item if a whole one is buffered: 1 for a MSG, 2
 * for a PONG, 0 for anything else (INFO, +OK, a PING, answered), -1 if
 * more bytes are needed.
 */
static int next_item(struct conn *c)
{
	char *line = c->buf + c->off, *end;
	size_t avail = c->have - c->off;

	end = memmem(line, avail, "\r\n", 2);
	if (!end)
		return -1;
	if (strncmp(line, "MSG ", 4) == 0) {
		/* MSG subject sid [reply] size */
		char *sp = end;
		size_t size, need;
		while (sp > line && sp[-1] != ' ')
			sp--;
		size = strtoul(sp, NULL, 10);
		need = (size_t)(end - line) + 2 + size + 2;
		if (avail < need)
			return -1;
		c->off += need;
		return 1;
	}
	c->off += (size_t)(end - line) + 2;
	if (strncmp(line, "PING", 4) == 0) {
		send_all(c->fd, "PONG\r\n", 6);
		return 0;
	}
	if (strncmp(line, "PONG", 4) == 0)
		return 2;
	if (strncmp(line, "-ERR", 4) == 0) {
		fprintf(stderr, "nats-load: server: %.*s\n", (int)(end - line),
			line);
		exit(1);
	}
	return 0;
}

static int wait_item(struct conn *c)
{
	int r;

	while ((r = next_item(c)) == -1)
		fill(c);
	return r;
}

static void connect_to(struct conn *c, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port)};
	int one = 1;
	static const char hello[] =
		"CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n";

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0)
		fail("socket");
	for (int i = 0; connect(c->fd, (void *)&a, sizeof(a)) < 0; i++) {
		if (i == 500)
			fail("connect");
		usleep(10000);
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->have = c->off = 0;
	send_all(c->fd, hello, sizeof(hello) - 1);
	while (wait_item(c) != 2)
		;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int port, size, rtts;
	long msgs, got = 0, sent = 0;
	struct conn *sub = calloc(1, sizeof(*sub)),
		    *pub = calloc(1, sizeof(*pub));
	char *frame, *batch;
	size_t flen, per_batch = 256;
	double t0, t1, *rtt;

	if (argc != 5)
		return 2;
	port = atoi(argv[1]);
	msgs = atol(argv[2]);
	size = atoi(argv[3]);
	rtts = atoi(argv[4]);
	connect_to(sub, port);
	connect_to(pub, port);
	send_all(sub->fd, "SUB bench 1\r\nPING\r\n", 19);
	while (wait_item(sub) != 2)
		;

	frame = malloc((size_t)size + 64);
	flen = (size_t)sprintf(frame, "PUB bench %d\r\n", size);
	memset(frame + flen, 'x', (size_t)size);
	flen += (size_t)size;
	memcpy(frame + flen, "\r\n", 2);
	flen += 2;
	batch = malloc(flen * per_batch);
	for (size_t i = 0; i < per_batch; i++)
		memcpy(batch + i * flen, frame, flen);

	t0 = now_us();
	while (got < msgs) {
		struct pollfd p[2] = {
			{sub->fd, POLLIN, 0},
			{pub->fd, POLLIN | (sent < msgs ? POLLOUT : 0), 0}};
		if (poll(p, 2, 10000) <= 0)
			fail("poll (stalled)");
		if (p[1].revents & POLLOUT) {
			long n = msgs - sent < (long)per_batch
					 ? msgs - sent
					 : (long)per_batch;
			send_all(pub->fd, batch, flen * (size_t)n);
			sent += n;
		}
		if (p[0].revents & POLLIN) {
			int r;
			fill(sub);
			while ((r = next_item(sub)) != -1)
				got += r == 1;
		}
		/* The server's PINGs to the publisher, if any. */
		if (p[1].revents & POLLIN) {
			fill(pub);
			while (next_item(pub) != -1)
				;
		}
	}
	t1 = now_us();
	printf("msgs_per_s %.0f\n", msgs / ((t1 - t0) / 1e6));

	send_all(pub->fd, "SUB lat 2\r\nPING\r\n", 17);
	while (wait_item(pub) != 2)
		;
	rtt = malloc(sizeof(*rtt) * (size_t)rtts);
	for (int i = 0; i < rtts; i++) {
		double a = now_us();
		send_all(pub->fd, "PUB lat 8\r\n12345678\r\n", 21);
		while (wait_item(pub) != 1)
			;
		rtt[i] = now_us() - a;
	}
	qsort(rtt, (size_t)rtts, sizeof(*rtt), cmp_double);
	printf("rtt_median_us %.2f\n", rtt[rtts / 2]);
	printf("rtt_p99_us %.2f\n", rtt[rtts * 99 / 100]);
	return 0;
}
