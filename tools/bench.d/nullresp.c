/*
 * nullresp - a "null responder": the performance floor for tools/bench.
 *
 *   nullresp -l ADDR:PORT [-b BATCH]
 *
 * It binds one UDP socket and bounces every datagram straight back to its
 * sender: receive up to BATCH datagrams with one recvmmsg() (blocking for the
 * first, then taking whatever else is already queued), set the QR bit
 * (octet 2 |= 0x80) in each one that is at least a DNS header long (12
 * octets), leave every other octet untouched, and return the whole batch
 * with sendmmsg().  It does no DNS parsing, no lookups and no allocation
 * once it is running.
 *
 * Why: whatever a DNS server does, each query still costs one trip through
 * the kernel's UDP receive path and one through its send path, plus the
 * system calls to get there.  nullresp pays exactly that and nothing more,
 * so the rate dnsperf measures against it, on the same machine and with the
 * same number of sockets/threads, is the ceiling a single-socket server
 * cannot beat; the gap between it and a real server is the server's own
 * cost.  dnsperf accepts the replies because they carry the query's ID and
 * question, and the QR bit marks them as responses (RCODE stays NOERROR).
 *
 * ADDR is an IPv4 address (127.0.0.1:5300) or an IPv6 address in brackets
 * ([::1]:5300).  Port 0 picks a free port; the bound address is printed on
 * stderr at start.  SIGTERM or SIGINT stop it with exit status 0 after
 * printing the datagram counters on stderr.
 *
 * Build: gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
 *            -o nullresp nullresp.c
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#define DEFAULT_BATCH 64
#define MAX_BATCH 1024   /* the kernel caps vlen at UIO_MAXIOV (1024) */
#define SLOT_SIZE 65536  /* larger than any UDP payload: never truncates */
#define DNS_HEADER 12

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *fp, const char *prog)
{
	fprintf(fp,
		"usage: %s -l ADDR:PORT [-b BATCH]\n"
		"  UDP null responder: echoes every datagram to its sender with\n"
		"  the DNS QR bit set, as the performance floor for benchmarks.\n"
		"  -l ADDR:PORT  address to bind: 127.0.0.1:5300 or [::1]:5300\n"
		"  -b BATCH      datagrams per recvmmsg/sendmmsg (1..%d, "
		"default %d)\n"
		"  -h            show this help\n"
		"  SIGTERM/SIGINT stop it (exit status 0).\n",
		prog, MAX_BATCH, DEFAULT_BATCH);
}

/* Parse "A.B.C.D:PORT" or "[IPV6]:PORT" into ss; return its length or 0. */
static socklen_t parse_addr(const char *arg, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port_str;
	size_t host_len;
	int v6 = 0;

	if (arg[0] == '[') {
		const char *end = strchr(arg, ']');
		if (end == NULL || end[1] != ':')
			return 0;
		host_len = (size_t)(end - arg - 1);
		if (host_len >= sizeof(host))
			return 0;
		memcpy(host, arg + 1, host_len);
		port_str = end + 2;
		v6 = 1;
	} else {
		const char *colon = strrchr(arg, ':');
		if (colon == NULL)
			return 0;
		host_len = (size_t)(colon - arg);
		if (host_len >= sizeof(host))
			return 0;
		memcpy(host, arg, host_len);
		port_str = colon + 1;
	}
	host[host_len] = '\0';

	char *endp;
	errno = 0;
	long port = strtol(port_str, &endp, 10);
	if (*port_str == '\0' || *endp != '\0' || errno != 0 || port < 0 ||
	    port > 65535)
		return 0;

	memset(ss, 0, sizeof(*ss));
	if (v6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return 0;
		return sizeof(*sin6);
	}
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return 0;
	return sizeof(*sin);
}

static void print_addr(const struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN];
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		fprintf(stderr, "nullresp: listening on [%s]:%u\n", host,
			(unsigned)ntohs(sin6->sin6_port));
	} else {
		const struct sockaddr_in *sin = (const void *)ss;
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		fprintf(stderr, "nullresp: listening on %s:%u\n", host,
			(unsigned)ntohs(sin->sin_port));
	}
}

int main(int argc, char **argv)
{
	const char *listen_arg = NULL;
	long batch = DEFAULT_BATCH;
	int opt;

	while ((opt = getopt(argc, argv, "l:b:h")) != -1) {
		switch (opt) {
		case 'l':
			listen_arg = optarg;
			break;
		case 'b': {
			char *endp;
			errno = 0;
			batch = strtol(optarg, &endp, 10);
			if (*optarg == '\0' || *endp != '\0' || errno != 0 ||
			    batch < 1 || batch > MAX_BATCH) {
				fprintf(stderr, "nullresp: bad batch size: %s "
					"(1..%d)\n", optarg, MAX_BATCH);
				return 2;
			}
			break;
		}
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (listen_arg == NULL || optind != argc) {
		usage(stderr, argv[0]);
		return 2;
	}

	struct sockaddr_storage local;
	socklen_t local_len = parse_addr(listen_arg, &local);
	if (local_len == 0) {
		fprintf(stderr, "nullresp: bad address: %s "
			"(want A.B.C.D:PORT or [IPV6]:PORT)\n", listen_arg);
		return 2;
	}

	int fd = socket(local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("nullresp: socket");
		return 1;
	}
	if (local.ss_family == AF_INET6) {
		int on = 1;
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
				 sizeof(on));
	}
	if (bind(fd, (struct sockaddr *)&local, local_len) < 0) {
		fprintf(stderr, "nullresp: bind %s: %s\n", listen_arg,
			strerror(errno));
		return 1;
	}
	/*
	 * A signal that lands between the stop check and recvmmsg() would go
	 * unnoticed until the next datagram; a receive timeout bounds that
	 * window to 250 ms without adding a system call per batch.
	 */
	struct timeval tv = { .tv_sec = 0, .tv_usec = 250000 };
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		perror("nullresp: SO_RCVTIMEO");
		return 1;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: let recvmmsg return EINTR */
	if (sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0) {
		perror("nullresp: sigaction");
		return 1;
	}
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);

	/* Everything the loop needs is set up here, once. */
	size_t n = (size_t)batch;
	unsigned char *bufs = malloc(n * SLOT_SIZE);
	struct mmsghdr *msgs = calloc(n, sizeof(*msgs));
	struct iovec *iovs = calloc(n, sizeof(*iovs));
	struct sockaddr_storage *peers = calloc(n, sizeof(*peers));
	if (bufs == NULL || msgs == NULL || iovs == NULL || peers == NULL) {
		fprintf(stderr, "nullresp: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		iovs[i].iov_base = bufs + i * SLOT_SIZE;
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &peers[i];
	}

	struct sockaddr_storage bound;
	socklen_t bound_len = sizeof(bound);
	if (getsockname(fd, (struct sockaddr *)&bound, &bound_len) == 0)
		print_addr(&bound);

	unsigned long long received = 0, sent = 0, send_errors = 0;
	int status = 0;

	while (!stop_requested) {
		/* Reset what recvmmsg/the previous send changed. */
		for (size_t i = 0; i < n; i++) {
			iovs[i].iov_len = SLOT_SIZE;
			msgs[i].msg_hdr.msg_namelen = sizeof(peers[i]);
			msgs[i].msg_hdr.msg_control = NULL;
			msgs[i].msg_hdr.msg_controllen = 0;
			msgs[i].msg_hdr.msg_flags = 0;
		}

		int got = recvmmsg(fd, msgs, (unsigned)n, MSG_WAITFORONE, NULL);
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK || errno == ENOMEM ||
			    errno == ENOBUFS)
				continue;
			perror("nullresp: recvmmsg");
			status = 1;
			break;
		}
		received += (unsigned)got;

		for (int i = 0; i < got; i++) {
			unsigned len = msgs[i].msg_len;
			if (len >= DNS_HEADER)
				((unsigned char *)iovs[i].iov_base)[2] |= 0x80;
			iovs[i].iov_len = len; /* send back what arrived */
		}

		/* sendmmsg may stop early; send the rest, skip ones that fail. */
		int off = 0;
		while (off < got) {
			int r = sendmmsg(fd, msgs + off, (unsigned)(got - off),
					 0);
			if (r > 0) {
				off += r;
				sent += (unsigned)r;
			} else if (r < 0 && errno == EINTR) {
				if (stop_requested)
					break;
			} else {
				/* this datagram cannot go out: drop it */
				off++;
				send_errors++;
			}
		}
	}

	fprintf(stderr,
		"nullresp: %llu datagrams received, %llu sent, "
		"%llu send errors\n", received, sent, send_errors);
	close(fd);
	free(peers);
	free(iovs);
	free(msgs);
	free(bufs);
	return status;
}
