/*
 * httpclient.c - HTTP test client for what curl cannot do (integration
 * tests of the operations endpoint): many requests over one connection, and
 * slow clients.
 *
 * Usage: httpclient -p PORT [-s SOURCE-ADDRESS] [-H HEADER]... MODE
 *
 *   --requests       read requests from stdin, one a line: METHOD PATH
 *                    [BODY]; send them one after another over one
 *                    connection (a new one when the server closed it) and
 *                    print how many answers had each status code, one line
 *                    "CODE COUNT" per code, in increasing order
 *   --slow N MS LO HI
 *                    open N connections, then on each send the start of a
 *                    GET /healthz request and one more header byte every MS
 *                    milliseconds, never ending the head; print "ready N"
 *                    once every connection is open (flushed, so a script
 *                    can wait for it), then, when every connection is
 *                    closed or HI + 2000 ms passed:
 *                      closed_at_once C   closed by the server within 1 s
 *                      closed_in_window W closed by the server between LO
 *                                         and HI ms after it opened
 *                      closed_other O     closed by the server at another time
 *                      still_open S       not closed by the server
 *
 * Every read and connect has a timeout; the program never runs much longer
 * than its waits (2 s per answer in --requests, HI + 2 s in --slow).
 * Exit status 0, or 1 with a message on stderr.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADERS 16
#define MAX_SLOW 256
#define READ_TIMEOUT_MS 2000

static int port;
static const char *source;
static const char *headers[MAX_HEADERS];
static int nheaders;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void die(const char *what)
{
	fprintf(stderr, "httpclient: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A connection to 127.0.0.1:port, from source when given. */
static int open_conn(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	struct sockaddr_in sa = {.sin_family = AF_INET};
	if (source) {
		if (inet_pton(AF_INET, source, &sa.sin_addr) != 1) {
			fprintf(stderr, "httpclient: bad source address %s\n", source);
			exit(1);
		}
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			die("bind");
	}
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	return fd;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			die("write");
		p += w;
		n -= (size_t)w;
	}
}

/* Read into buf (at most cap - 1 more bytes after *len); 0 at EOF, -1 on a
 * timeout or error. */
static int read_some(int fd, char *buf, size_t *len, size_t cap)
{
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, READ_TIMEOUT_MS) <= 0)
		return -1;
	ssize_t r = read(fd, buf + *len, cap - 1 - *len);
	if (r < 0)
		return errno == ECONNRESET ? 0 : -1;
	*len += (size_t)r;
	buf[*len] = '\0';
	return r > 0 ? 1 : 0;
}

/* One whole response on fd: its status code; 0 when the server closed the
 * connection before any of it. */
static int read_response(int fd, bool *closes)
{
	static char buf[1 << 16];
	size_t len = 0;
	char *end;
	buf[0] = '\0';
	while (!(end = strstr(buf, "\r\n\r\n"))) {
		if (len + 1 >= sizeof(buf)) {
			fprintf(stderr, "httpclient: response head too long\n");
			exit(1);
		}
		int r = read_some(fd, buf, &len, sizeof(buf));
		if (r == 0 && len == 0)
			return 0;
		if (r <= 0) {
			fprintf(stderr, "httpclient: %s in a response head\n",
			        r == 0 ? "end of stream" : "timeout");
			exit(1);
		}
	}
	int code = 0;
	if (sscanf(buf, "HTTP/1.%*d %d", &code) != 1) {
		fprintf(stderr, "httpclient: bad status line\n");
		exit(1);
	}
	*end = '\0'; /* the head only, for the header searches */
	const char *cl = strcasestr(buf, "\r\nContent-Length:");
	size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;
	*closes = strcasestr(buf, "\r\nConnection: close") != NULL;
	size_t have = len - (size_t)(end + 4 - buf);
	while (have < body) { /* the body is not looked at */
		char tmp[4096];
		size_t want = body - have < sizeof(tmp) ? body - have : sizeof(tmp);
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t r = poll(&p, 1, READ_TIMEOUT_MS) > 0 ? read(fd, tmp, want) : -1;
		if (r <= 0) {
			fprintf(stderr, "httpclient: short body\n");
			exit(1);
		}
		have += (size_t)r;
	}
	return code;
}

static int run_requests(void)
{
	static unsigned counts[600];
	char line[8192];
	int fd = -1;
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		char method[16], path[4096];
		int used = 0;
		if (sscanf(line, "%15s %4095s %n", method, path, &used) < 2)
			continue;
		const char *body = line + used;
		char req[16384];
		int n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method,
		                 path);
		for (int i = 0; i < nheaders; i++)
			n += snprintf(req + n, sizeof(req) - (size_t)n, "%s\r\n", headers[i]);
		n += snprintf(req + n, sizeof(req) - (size_t)n, "Content-Length: %zu\r\n\r\n%s",
		              strlen(body), body);
		for (int attempt = 0;; attempt++) {
			if (fd < 0)
				fd = open_conn();
			write_all(fd, req, (size_t)n);
			bool closes = false;
			int code = read_response(fd, &closes);
			if (code == 0 && attempt == 0) { /* closed while idle: again */
				close(fd);
				fd = -1;
				continue;
			}
			if (code <= 0 || code >= 600) {
				fprintf(stderr, "httpclient: no response to %s %s\n", method, path);
				return 1;
			}
			counts[code]++;
			if (closes) {
				close(fd);
				fd = -1;
			}
			break;
		}
	}
	if (fd >= 0)
		close(fd);
	for (int c = 0; c < 600; c++)
		if (counts[c])
			printf("%d %u\n", c, counts[c]);
	return 0;
}

static int run_slow(int n, int gap_ms, int lo, int hi)
{
	int fds[MAX_SLOW];
	uint64_t opened[MAX_SLOW], closed[MAX_SLOW] = {0};
	if (n < 1 || n > MAX_SLOW) {
		fprintf(stderr, "httpclient: 1..%d slow connections\n", MAX_SLOW);
		return 1;
	}
	static const char start[] = "GET /healthz HTTP/1.1\r\nX-Slow: ";
	for (int i = 0; i < n; i++) {
		fds[i] = open_conn();
		opened[i] = now_ms();
		/* the server may already have closed it: a failed write is a close */
		if (send(fds[i], start, sizeof(start) - 1, MSG_NOSIGNAL) < 0)
			closed[i] = now_ms();
	}
	printf("ready %d\n", n);
	fflush(stdout);
	uint64_t t0 = now_ms(), next = t0 + (uint64_t)gap_ms;
	int open = n;
	while (open > 0 && now_ms() < t0 + (uint64_t)hi + 2000) {
		struct pollfd p[MAX_SLOW];
		for (int i = 0; i < n; i++)
			p[i] = (struct pollfd){closed[i] ? -1 : fds[i], POLLIN, 0};
		uint64_t now = now_ms();
		int wait = next > now ? (int)(next - now) : 0;
		poll(p, (nfds_t)n, wait);
		now = now_ms();
		for (int i = 0; i < n; i++) {
			if (closed[i])
				continue;
			char b[512];
			if (p[i].revents && read(fds[i], b, sizeof(b)) <= 0)
				closed[i] = now;
			else if (now >= next && send(fds[i], "x", 1, MSG_NOSIGNAL) < 0)
				closed[i] = now;
			if (closed[i])
				open--;
		}
		if (now >= next)
			next = now + (uint64_t)gap_ms;
	}
	int at_once = 0, in_window = 0, other = 0, still = 0;
	for (int i = 0; i < n; i++) {
		uint64_t after = closed[i] - opened[i];
		if (!closed[i])
			still++;
		else if (after < 1000)
			at_once++;
		else if (after >= (uint64_t)lo && after <= (uint64_t)hi)
			in_window++;
		else
			other++;
		close(fds[i]);
	}
	printf("closed_at_once %d\nclosed_in_window %d\nclosed_other %d\nstill_open %d\n", at_once,
	       in_window, other, still);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			source = argv[++i];
		else if (strcmp(argv[i], "-H") == 0 && i + 1 < argc && nheaders < MAX_HEADERS)
			headers[nheaders++] = argv[++i];
		else
			break;
	}
	if (port <= 0 || i >= argc) {
		fprintf(stderr, "usage: httpclient -p PORT [-s SOURCE] [-H HEADER]... "
		                "--requests | --slow N MS LO HI\n");
		return 1;
	}
	if (strcmp(argv[i], "--requests") == 0)
		return run_requests();
	if (strcmp(argv[i], "--slow") == 0 && i + 4 < argc)
		return run_slow(atoi(argv[i + 1]), atoi(argv[i + 2]), atoi(argv[i + 3]),
		                atoi(argv[i + 4]));
	fprintf(stderr, "httpclient: unknown mode %s\n", argv[i]);
	return 1;
}
