/*
 * evilfeed.c - a hostile health feed for the integration tests, on loopback.
 *
 *   evilfeed -m MODE -l 127.0.0.1:0 --port-file FILE [--seconds N]
 *
 * Modes (TCP unless said otherwise), for every connection:
 *   headers  answer "HTTP/1.1 200 OK" and then header lines without end, as
 *            fast as the client takes them
 *   trickle  answer "HTTP/1.1 200 OK" and then one byte of a header line
 *            every 0.4 s
 *   silent   read the request and never answer
 *   udp      a UDP socket that reads and never answers: a resolver that
 *            does not respond
 *
 * It stops by itself after --seconds (default 60) and prints one line per
 * closed connection, "conn=N sent=BYTES", then "done connections=N
 * sent=BYTES" on stdout: a test can see how much a client took before it
 * gave up. Single-threaded, poll(2), at most 32 connections.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 32

enum mode { M_HEADERS, M_TRICKLE, M_SILENT, M_UDP };

struct conn {
	int fd;
	unsigned id;
	unsigned long long sent;
	double next_byte; /* trickle: when the next byte goes */
	size_t off;       /* headers: position in the current chunk */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int listen_on(const char *spec, int type, char *portfile)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	if (!colon || (size_t)(colon - spec) >= sizeof(host)) {
		fprintf(stderr, "evilfeed: bad address %s\n", spec);
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)atoi(colon + 1))};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "evilfeed: bad address %s\n", spec);
		return -1;
	}
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0)) {
		perror("evilfeed: bind");
		return -1;
	}
	socklen_t sl = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	if (portfile) {
		char tmp[4096];
		snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
		FILE *f = fopen(tmp, "w");
		if (!f || fprintf(f, "%u\n", ntohs(sa.sin_port)) < 0 || fclose(f) != 0 ||
		    rename(tmp, portfile) != 0) {
			perror("evilfeed: port file");
			return -1;
		}
	}
	return fd;
}

/* Send what the mode sends next; false when the client is gone. */
static int feed_more(struct conn *c, enum mode m, double t)
{
	static const char status[] = "HTTP/1.1 200 OK\r\n";
	if (c->sent == 0) {
		ssize_t n = send(c->fd, status, sizeof(status) - 1, MSG_NOSIGNAL);
		if (n != (ssize_t)sizeof(status) - 1)
			return 0;
		c->sent += (size_t)n;
		c->next_byte = t + 0.4;
		return 1;
	}
	if (m == M_TRICKLE) {
		if (t < c->next_byte)
			return 1;
		const char *line = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
		char b = line[c->off++ % strlen(line)];
		if (send(c->fd, &b, 1, MSG_NOSIGNAL) != 1)
			return errno == EAGAIN;
		c->sent++;
		c->next_byte = t + 0.4;
		return 1;
	}
	/* headers: as much as the socket takes */
	char chunk[16384];
	size_t len = 0;
	while (len + 64 < sizeof(chunk))
		len += (size_t)snprintf(chunk + len, sizeof(chunk) - len, "X-Evil-%llu: %s\r\n",
		                        c->sent + len, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	ssize_t n = send(c->fd, chunk, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN;
	c->sent += (size_t)n;
	return 1;
}

int main(int argc, char **argv)
{
	const char *listen_spec = "127.0.0.1:0", *modename = NULL;
	char *portfile = NULL;
	double seconds = 60;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
			modename = argv[++i];
		else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
			listen_spec = argv[++i];
		else if (strcmp(argv[i], "--port-file") == 0 && i + 1 < argc)
			portfile = argv[++i];
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else
			modename = NULL, i = argc;
	}
	enum mode m;
	if (!modename) {
		fprintf(stderr, "usage: evilfeed -m headers|trickle|silent|udp [-l ADDR:PORT] "
		                "[--port-file FILE] [--seconds N]\n");
		return 2;
	} else if (strcmp(modename, "headers") == 0) {
		m = M_HEADERS;
	} else if (strcmp(modename, "trickle") == 0) {
		m = M_TRICKLE;
	} else if (strcmp(modename, "silent") == 0) {
		m = M_SILENT;
	} else if (strcmp(modename, "udp") == 0) {
		m = M_UDP;
	} else {
		fprintf(stderr, "evilfeed: unknown mode %s\n", modename);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	int lfd = listen_on(listen_spec, m == M_UDP ? SOCK_DGRAM : SOCK_STREAM, portfile);
	if (lfd < 0)
		return 1;
	struct conn conns[MAX_CONNS];
	size_t nconns = 0;
	unsigned ids = 0;
	unsigned long long total = 0;
	double end = now_s() + seconds;
	for (double t = now_s(); t < end; t = now_s()) {
		struct pollfd p[MAX_CONNS + 1];
		p[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
		for (size_t i = 0; i < nconns; i++) {
			short ev = POLLIN;
			if (m == M_HEADERS || (m == M_TRICKLE && conns[i].sent == 0))
				ev |= POLLOUT;
			p[i + 1] = (struct pollfd){.fd = conns[i].fd, .events = ev};
		}
		poll(p, nconns + 1, 50);
		t = now_s();
		if (p[0].revents & POLLIN) {
			char buf[2048];
			if (m == M_UDP) {
				while (recv(lfd, buf, sizeof(buf), 0) > 0)
					; /* a resolver that never answers */
			} else {
				int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
				if (fd >= 0 && nconns < MAX_CONNS)
					conns[nconns++] = (struct conn){.fd = fd, .id = ++ids};
				else if (fd >= 0)
					close(fd);
			}
		}
		for (size_t i = 0; i < nconns; i++) {
			struct conn *c = &conns[i];
			int alive = 1;
			if (p[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) {
				char buf[4096];
				ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
				if (n == 0 || (n < 0 && errno != EAGAIN))
					alive = 0; /* the request is read and thrown away */
			}
			if (alive && m != M_SILENT)
				alive = feed_more(c, m, t);
			if (!alive) {
				printf("conn=%u sent=%llu\n", c->id, c->sent);
				total += c->sent;
				close(c->fd);
				conns[i--] = conns[--nconns];
			}
		}
	}
	for (size_t i = 0; i < nconns; i++) {
		printf("conn=%u sent=%llu open\n", conns[i].id, conns[i].sent);
		total += conns[i].sent;
		close(conns[i].fd);
	}
	printf("done connections=%u sent=%llu\n", ids, total);
	return 0;
}
