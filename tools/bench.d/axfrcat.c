/*
 * axfrcat - an AXFR client for tools/bench --xfr that reads the stream and
 * counts it, nothing more.
 *
 *   axfrcat -p PORT -z ZONE [-s ADDR] [-n COUNT] [-t SECONDS]
 *
 * It connects to ADDR (IPv4, default 127.0.0.1) port PORT over TCP, sends
 * one AXFR query for ZONE (class IN, no recursion, no EDNS) and reads the
 * answer messages (RFC 5936: each one a 2-octet length and a DNS message)
 * until the second SOA record, which ends a transfer. Per message it checks
 * the ID and the RCODE and walks the answer records only as far as their
 * owner name, type and RDLENGTH: enough to count records and find the
 * closing SOA; it decodes no RDATA and builds nothing, so what it measures is
 * the server's stream, not the client's parsing (kdig +noall still parses
 * every record into its own structures).
 *
 * Without -t it runs COUNT transfers (default 1) one after another and
 * prints one line per transfer:
 *
 *   axfr ms=WALL first_ms=F bytes=B messages=M records=R
 *
 * (WALL from connect to the closing SOA; F from connect to the first octets
 * of the answer, which shows work the server does before it sends anything;
 * B the octets read, length prefixes included; R the answer records, both
 * SOAs included). With -t it repeats transfers until SECONDS have passed (a
 * transfer still running then is dropped and not counted) or until SIGTERM;
 * it prints "first_ms=F" (and flushes it) when the first octets of its first
 * transfer come, so a caller can wait until the server streams, and one line
 * at the end:
 *
 *   loop transfers=N errors=E bytes=B seconds=S
 *
 * (N transfers completed, E failed, B the octets read by all of them, those
 * of the transfer cut short included); after a failed transfer it waits
 * 0.2 s and starts the next.
 *
 * Either form ends with "cpu_ms=U" on its own line: the client's own user
 * and system time, to show it is not what limits a transfer. A server may
 * think for a while before its first message (geodnsd sorts the names), so
 * a transfer fails only after 60 s without data. Exit status 0 when no
 * transfer failed, 1 otherwise; a refused or broken transfer is reported
 * on stderr.
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -o axfrcat axfrcat.c
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define DNS_HEADER 12
#define TYPE_SOA 6
#define TYPE_AXFR 252
#define BUF_SIZE (256 * 1024) /* several messages per read() */

static volatile sig_atomic_t stop_requested;
static bool announce_first; /* -t: say when the first octets came */

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct xfr_count {
	unsigned long long bytes, messages, records;
	double first_s; /* when the first octets came, from connect */
	int soas;
};

/* skip_name: the offset after the name at OFF in MSG (LEN octets), or -1
 * when it runs past the end. A compression pointer ends the name. */
static long skip_name(const uint8_t *msg, size_t len, size_t off)
{
	while (off < len) {
		uint8_t l = msg[off];
		if (l == 0)
			return (long)off + 1;
		if ((l & 0xc0) == 0xc0)
			return off + 2 <= len ? (long)off + 2 : -1;
		if (l & 0xc0)
			return -1;
		off += 1u + l;
	}
	return -1;
}

/* count_message: check one answer message and count its records; 0 when
 * it is well formed and NOERROR, else -1 with the reason on stderr. */
static int count_message(const uint8_t *msg, size_t len, uint16_t id, struct xfr_count *c)
{
	if (len < DNS_HEADER) {
		fprintf(stderr, "axfrcat: short message (%zu octets)\n", len);
		return -1;
	}
	if (((msg[0] << 8) | msg[1]) != id || !(msg[2] & 0x80)) {
		fprintf(stderr, "axfrcat: a message that is not our answer\n");
		return -1;
	}
	if (msg[3] & 0x0f) {
		fprintf(stderr, "axfrcat: rcode %d\n", msg[3] & 0x0f);
		return -1;
	}
	unsigned qd = (msg[4] << 8) | msg[5], an = (msg[6] << 8) | msg[7];
	size_t off = DNS_HEADER;
	for (unsigned i = 0; i < qd; i++) {
		long o = skip_name(msg, len, off);
		if (o < 0 || (size_t)o + 4 > len)
			goto bad;
		off = (size_t)o + 4;
	}
	for (unsigned i = 0; i < an; i++) {
		long o = skip_name(msg, len, off);
		if (o < 0 || (size_t)o + 10 > len)
			goto bad;
		off = (size_t)o;
		unsigned type = (msg[off] << 8) | msg[off + 1];
		unsigned rdlen = (msg[off + 8] << 8) | msg[off + 9];
		off += 10u + rdlen;
		if (off > len)
			goto bad;
		if (type == TYPE_SOA)
			c->soas++;
	}
	c->messages++;
	c->records += an;
	return 0;
bad:
	fprintf(stderr, "axfrcat: malformed message\n");
	return -1;
}

/* query: the AXFR query for ZONE with its length prefix into OUT (at least
 * 2 + 12 + 255 + 4 octets); its length, or 0 when ZONE is not a name. */
static size_t query(uint8_t *out, const char *zone, uint16_t id)
{
	uint8_t *p = out + 2;
	memset(p, 0, DNS_HEADER);
	p[0] = id >> 8;
	p[1] = id & 0xff;
	p[5] = 1; /* QDCOUNT */
	size_t off = DNS_HEADER, total = 0;
	const char *s = zone;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		if (l == 0 || l > 63 || (total += l + 1) > 254)
			return 0;
		p[off++] = (uint8_t)l;
		memcpy(p + off, s, l);
		off += l;
		s += l;
		if (*s == '.')
			s++;
	}
	p[off++] = 0;
	p[off++] = 0;
	p[off++] = TYPE_AXFR;
	p[off++] = 0;
	p[off++] = 1; /* IN */
	out[0] = (uint8_t)(off >> 8);
	out[1] = (uint8_t)(off & 0xff);
	return off + 2;
}

/* transfer: one AXFR; 0 when it ran to the closing SOA, 1 when DEADLINE
 * (or a signal) cut it short, -1 on an error. */
static int transfer(const struct sockaddr_in *sa, const char *zone, uint8_t *buf, double deadline,
                    struct xfr_count *c)
{
	double t0 = now_s();
	uint8_t q[2 + DNS_HEADER + 256 + 4];
	uint16_t id = (uint16_t)(rand() & 0xffff);
	size_t qlen = query(q, zone, id);
	if (!qlen) {
		fprintf(stderr, "axfrcat: bad zone name %s\n", zone);
		return -1;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc = -1;
	if (fd < 0) {
		perror("axfrcat: socket");
		return -1;
	}
	struct timeval tv = {.tv_sec = 1};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		perror("axfrcat: connect");
		goto out;
	}
	if (write(fd, q, qlen) != (ssize_t)qlen) {
		perror("axfrcat: write");
		goto out;
	}
	size_t have = 0;
	int idle = 0;
	while (c->soas < 2) {
		if (stop_requested || (deadline > 0 && now_s() >= deadline)) {
			rc = 1;
			goto out;
		}
		ssize_t n = read(fd, buf + have, BUF_SIZE - have);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			if (++idle >= 60) {
				fprintf(stderr, "axfrcat: no data for 60 s\n");
				goto out;
			}
			continue;
		}
		if (n <= 0) {
			fprintf(stderr, "axfrcat: %s before the closing SOA\n",
			        n == 0 ? "connection closed" : strerror(errno));
			goto out;
		}
		idle = 0;
		if (!c->bytes) {
			c->first_s = now_s() - t0;
			if (announce_first) {
				printf("first_ms=%.1f\n", c->first_s * 1000);
				fflush(stdout);
				announce_first = false;
			}
		}
		c->bytes += (unsigned long long)n;
		have += (size_t)n;
		size_t off = 0;
		while (have - off >= 2) {
			size_t mlen = (buf[off] << 8) | buf[off + 1];
			if (have - off < 2 + mlen)
				break;
			if (count_message(buf + off + 2, mlen, id, c) < 0)
				goto out;
			off += 2 + mlen;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

static void usage(void)
{
	fprintf(stderr, "usage: axfrcat -p PORT -z ZONE [-s ADDR] [-n COUNT] [-t SECONDS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *zone = NULL;
	int port = 0, count = 1, opt;
	double seconds = 0;
	while ((opt = getopt(argc, argv, "s:p:z:n:t:")) != -1) {
		switch (opt) {
		case 's': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'z': zone = optarg; break;
		case 'n': count = atoi(optarg); break;
		case 't': seconds = atof(optarg); break;
		default: usage();
		}
	}
	if (!zone || port <= 0 || port > 65535 || count < 1 || seconds < 0)
		usage();
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		usage();
	struct sigaction act = {.sa_handler = on_signal};
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	uint8_t *buf = malloc(BUF_SIZE);
	if (!buf)
		return 1;

	int status = 0;
	if (seconds > 0) {
		double t0 = now_s(), deadline = t0 + seconds;
		announce_first = true;
		unsigned long long done = 0, errors = 0, bytes = 0;
		while (!stop_requested && now_s() < deadline) {
			struct xfr_count c = {0};
			int rc = transfer(&sa, zone, buf, deadline, &c);
			bytes += c.bytes;
			if (rc < 0) {
				errors++;
				status = 1;
				usleep(200 * 1000);
			} else if (rc == 0) {
				done++;
			}
		}
		printf("loop transfers=%llu errors=%llu bytes=%llu seconds=%.2f\n", done, errors,
		       bytes, now_s() - t0);
	} else {
		for (int i = 0; i < count && !stop_requested; i++) {
			struct xfr_count c = {0};
			double t0 = now_s();
			if (transfer(&sa, zone, buf, 0, &c) != 0) {
				status = 1;
				break;
			}
			printf("axfr ms=%.1f first_ms=%.1f bytes=%llu messages=%llu records=%llu\n",
			       (now_s() - t0) * 1000, c.first_s * 1000, c.bytes, c.messages,
			       c.records);
		}
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("cpu_ms=%.0f\n", (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
	                            (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0);
	free(buf);
	return status;
}
