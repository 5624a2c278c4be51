/*
 * tcpclient.c - DNS test client for what dig cannot do (integration tests).
 *
 * Usage: tcpclient -p PORT [-6] [-u] [-w MS] [--edns] [MODE] QUERY...
 *   QUERY is NAME TYPE (a query with ID 1, 2, ... in order, RD=0, no EDNS
 *   unless --edns) or raw:HEX (a whole DNS message given in hex, sent as is).
 *
 *   -u               UDP: send each query in its own datagram, print the
 *                    reply or "id=N no reply" after -w milliseconds
 *   (default TCP)    one connection; each query written (length and message
 *                    in one write) after the previous answer was read
 *   --pipeline       TCP: every query in a single write, then read answers
 *   --bytewise       TCP: the whole stream one byte per write, 2 ms apart
 *   --split          TCP: writes cut inside the length prefix and inside
 *                    each message, so segments straddle message boundaries
 *   --close-early    TCP: write every query in one write and close at once
 *                    without reading
 *   --stall          TCP: write the length prefix and 6 octets of the first
 *                    query, then nothing more (use with --idle-check)
 *   --idle-check S   TCP: after the answers, report whether the connection
 *                    is still open after 1 s and closed by the server
 *                    between S-0.5 and S+1.5 s after the last answer
 *   --max-conn N --limit L --per-worker K
 *                    TCP: open N connections one after another, each asking
 *                    the first query and reading its answer; then report
 *                    which the server closed (see run_max_conn below)
 *   --source ADDR    bind every socket to the address ADDR (any of 127/8 or
 *                    ::1) before connecting
 *   --hold FILE --per-source N --hold-ms MS
 *                    TCP: for each address in FILE (one a line, at most
 *                    1024), open N connections from it, ask the first query
 *                    on each and read the answer; print how many were
 *                    answered and how many closed by the server, then
 *                    "hold: holding" (flushed) and keep every connection
 *                    open for MS milliseconds before closing them
 *   --flood N --hold-ms MS
 *                    TCP: open N connections, write every query on each
 *                    (pipelined) without reading, print "flood: written"
 *                    (flushed), wait MS milliseconds, then read every answer
 *                    on every connection and print a summary of them
 *   --gap MS         (default TCP mode) wait MS milliseconds between queries
 *   --repeat N       send the query list N times (built queries get new IDs)
 *   --summary        instead of one line per answer: whether every query ID
 *                    was answered exactly once, and a count of each distinct
 *                    answer line (without its ID)
 *
 * Each answer is printed as one line:
 *   id=1 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0
 *   q=static.example.com./IN/A first=A:192.0.2.80 [opt=v0,udp1232,do0,opts:3+8]
 * Answers to pipelined queries are printed sorted by ID. A connection the
 * server closed prints "closed by server"; a read that timed out prints
 * "timeout". Every read has a timeout; the program never runs much longer
 * than the sum of its waits.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAXQ 1024
#define MAXCONN 256

struct msg {
	uint8_t *buf;
	size_t len;
};

static int port;
static bool ipv6;
static int wait_ms = 1000;
static bool use_edns;
static int gap_ms;             /* --gap: pause between sequential queries */
static bool summary_mode;      /* --summary: counts instead of one line each */
static const char *source;     /* --source: local address to bind */
static const struct msg *sent; /* the queries, for --summary's ID check */
static size_t nsent;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, struct msg *m)
{
	size_t n = strlen(s);
	m->buf = malloc(n / 2 + 1);
	m->len = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ' || s[i] == ':' || s[i] == '.') {
			i++;
			continue;
		}
		int h = hexval(s[i]), l = i + 1 < n ? hexval(s[i + 1]) : -1;
		if (h < 0 || l < 0) {
			free(m->buf);
			m->buf = NULL;
			return -1;
		}
		m->buf[m->len++] = (uint8_t)(h * 16 + l);
		i += 2;
	}
	return 0;
}

static int build_query(const char *name, const char *type, uint16_t id, struct msg *m)
{
	ldns_rr_type t = ldns_get_rr_type_by_name(type);
	if (t == 0 && strcasecmp(type, "TYPE0") != 0) {
		fprintf(stderr, "tcpclient: unknown type %s\n", type);
		return -1;
	}
	ldns_pkt *p = NULL;
	if (ldns_pkt_query_new_frm_str(&p, name, t, LDNS_RR_CLASS_IN, 0) != LDNS_STATUS_OK) {
		fprintf(stderr, "tcpclient: bad name %s\n", name);
		return -1;
	}
	ldns_pkt_set_id(p, id);
	if (use_edns)
		ldns_pkt_set_edns_udp_size(p, 1232);
	if (ldns_pkt2wire(&m->buf, p, &m->len) != LDNS_STATUS_OK) {
		ldns_pkt_free(p);
		return -1;
	}
	ldns_pkt_free(p);
	return 0;
}

static const char *rcode_name(unsigned r, char *buf, size_t cap)
{
	static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
	                                    "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
	                                    "NXRRSET", "NOTAUTH", "NOTZONE"};
	if (r < sizeof(names) / sizeof(names[0]))
		return names[r];
	if (r == 16)
		return "BADVERS";
	snprintf(buf, cap, "RCODE%u", r);
	return buf;
}

static const char *opcode_name(unsigned o, char *buf, size_t cap)
{
	static const char *const names[] = {"QUERY",   "IQUERY", "STATUS",
	                                    "OPCODE3", "NOTIFY", "UPDATE"};
	if (o < sizeof(names) / sizeof(names[0]))
		return names[o];
	snprintf(buf, cap, "OPCODE%u", o);
	return buf;
}

/* One summary line for a response. */
static void summarize(const uint8_t *b, size_t len, char *out, size_t cap)
{
	char t1[32], t2[32];
	if (len < 12) {
		snprintf(out, cap, "short response len=%zu", len);
		return;
	}
	unsigned id = (unsigned)(b[0] << 8 | b[1]);
	unsigned fl = (unsigned)(b[2] << 8 | b[3]);
	unsigned qd = (unsigned)(b[4] << 8 | b[5]), an = (unsigned)(b[6] << 8 | b[7]);
	unsigned ns = (unsigned)(b[8] << 8 | b[9]), ar = (unsigned)(b[10] << 8 | b[11]);
	char flags[64] = "";
	static const struct {
		unsigned bit;
		const char *name;
	} fb[] = {{0x8000, "qr"}, {0x0400, "aa"}, {0x0200, "tc"}, {0x0100, "rd"},
	          {0x0080, "ra"}, {0x0040, "z"},  {0x0020, "ad"}, {0x0010, "cd"}};
	for (size_t i = 0; i < sizeof(fb) / sizeof(fb[0]); i++) {
		if (fl & fb[i].bit) {
			if (flags[0])
				strcat(flags, ",");
			strcat(flags, fb[i].name);
		}
	}
	if (!flags[0])
		strcpy(flags, "-");
	unsigned rcode = fl & 0xF;
	ldns_pkt *p = NULL;
	char q[600] = "-", first[700] = "-", opt[200] = "";
	if (ldns_wire2pkt(&p, b, len) == LDNS_STATUS_OK) {
		if (ldns_pkt_qdcount(p) > 0) {
			ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(p), 0);
			char *n = ldns_rdf2str(ldns_rr_owner(qr));
			char *c = ldns_rr_class2str(ldns_rr_get_class(qr));
			char *t = ldns_rr_type2str(ldns_rr_get_type(qr));
			snprintf(q, sizeof(q), "%s/%s/%s", n, c, t);
			free(n);
			free(c);
			free(t);
		}
		if (ldns_pkt_ancount(p) > 0) {
			ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
			char *t = ldns_rr_type2str(ldns_rr_get_type(rr));
			size_t k = (size_t)snprintf(first, sizeof(first), "%s:", t);
			free(t);
			for (size_t i = 0; i < ldns_rr_rd_count(rr) && k < sizeof(first); i++) {
				char *s = ldns_rdf2str(ldns_rr_rdf(rr, i));
				k += (size_t)snprintf(first + k, sizeof(first) - k, "%s%s",
				                      i ? " " : "", s ? s : "?");
				free(s);
			}
		}
		if (ldns_pkt_edns(p)) {
			rcode |= (unsigned)ldns_pkt_edns_extended_rcode(p) << 4;
			size_t k = (size_t)snprintf(
			    opt, sizeof(opt), " opt=v%u,udp%u,do%d", ldns_pkt_edns_version(p),
			    ldns_pkt_edns_udp_size(p), ldns_pkt_edns_do(p) ? 1 : 0);
			ldns_rdf *d = ldns_pkt_edns_data(p);
			if (d) {
				const uint8_t *o = ldns_rdf_data(d);
				size_t ol = ldns_rdf_size(d), i = 0;
				const char *sep = ",opts:";
				while (i + 4 <= ol && k < sizeof(opt)) {
					unsigned code = (unsigned)(o[i] << 8 | o[i + 1]);
					unsigned l = (unsigned)(o[i + 2] << 8 | o[i + 3]);
					k += (size_t)snprintf(opt + k, sizeof(opt) - k, "%s%u", sep,
					                      code);
					sep = "+";
					i += 4 + l;
				}
			}
		}
		ldns_pkt_free(p);
	} else {
		snprintf(first, sizeof(first), "unparsable");
	}
	snprintf(out, cap,
	         "id=%u opcode=%s rcode=%s flags=%s qd=%u an=%u ns=%u ar=%u q=%s first=%s%s", id,
	         opcode_name((fl >> 11) & 0xF, t1, sizeof(t1)), rcode_name(rcode, t2, sizeof(t2)),
	         flags, qd, an, ns, ar, q, first, opt);
}

static int connect_to(int type)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	if (ipv6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	}
	int fd = socket(ss.ss_family, type, 0);
	if (fd < 0) {
		perror("tcpclient: socket");
		return -1;
	}
	struct timeval tv = {wait_ms / 1000, (wait_ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (type == SOCK_STREAM) {
		int on = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	}
	if (source) {
		struct sockaddr_storage ls;
		memset(&ls, 0, sizeof(ls));
		socklen_t ll;
		if (ipv6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ls;
			a->sin6_family = AF_INET6;
			ll = sizeof(*a);
			if (inet_pton(AF_INET6, source, &a->sin6_addr) != 1)
				ll = 0;
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)&ls;
			a->sin_family = AF_INET;
			ll = sizeof(*a);
			if (inet_pton(AF_INET, source, &a->sin_addr) != 1)
				ll = 0;
		}
		if (ll == 0 || bind(fd, (struct sockaddr *)&ls, ll) < 0) {
			fprintf(stderr, "tcpclient: cannot bind to %s\n", source);
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		perror("tcpclient: connect");
		close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const uint8_t *b, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read exactly n bytes before the deadline: 1 ok, 0 EOF, -1 timeout/error. */
static int read_full(int fd, uint8_t *b, size_t n, double deadline)
{
	size_t got = 0;
	while (got < n) {
		int left = (int)((deadline - now_s()) * 1000);
		if (left <= 0)
			return -1;
		struct pollfd pfd = {fd, POLLIN, 0};
		int pr = poll(&pfd, 1, left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		ssize_t r = recv(fd, b + got, n - got, 0);
		if (r == 0)
			return 0;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return errno == ECONNRESET ? 0 : -1;
		}
		got += (size_t)r;
	}
	return 1;
}

/* Read one length-prefixed response: 1 ok, 0 EOF, -1 timeout. */
static int read_tcp_msg(int fd, struct msg *m, double deadline)
{
	uint8_t lb[2];
	int r = read_full(fd, lb, 2, deadline);
	if (r <= 0)
		return r;
	m->len = (size_t)(lb[0] << 8 | lb[1]);
	m->buf = malloc(m->len ? m->len : 1);
	r = read_full(fd, m->buf, m->len, deadline);
	if (r <= 0) {
		free(m->buf);
		m->buf = NULL;
	}
	return r;
}

static size_t stream_of(struct msg *qs, size_t nq, uint8_t **out)
{
	size_t total = 0;
	for (size_t i = 0; i < nq; i++)
		total += 2 + qs[i].len;
	uint8_t *s = malloc(total ? total : 1);
	size_t k = 0;
	for (size_t i = 0; i < nq; i++) {
		s[k++] = (uint8_t)(qs[i].len >> 8);
		s[k++] = (uint8_t)qs[i].len;
		memcpy(s + k, qs[i].buf, qs[i].len);
		k += qs[i].len;
	}
	*out = s;
	return total;
}

static int cmp_line(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	long ix = strtol(x + 3, NULL, 10), iy = strtol(y + 3, NULL, 10);
	if (ix != iy)
		return ix < iy ? -1 : 1;
	return strcmp(x, y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --summary: is every query ID answered exactly once, and how many answers
 * of each kind (the line without its ID) were there. */
static void print_summary(char **lines, size_t got)
{
	size_t dup_or_unknown = 0, missing = 0;
	unsigned char *seen = calloc(65536, 1);
	for (size_t i = 0; i < got; i++) {
		unsigned id = (unsigned)strtoul(lines[i] + 3, NULL, 10);
		if (seen[id & 0xFFFF] == 0)
			seen[id & 0xFFFF] = 1;
		else
			dup_or_unknown++;
	}
	for (size_t i = 0; i < nsent; i++) {
		unsigned id =
		    sent[i].len >= 2 ? (unsigned)(sent[i].buf[0] << 8 | sent[i].buf[1]) : 0;
		if (seen[id] == 1)
			seen[id] = 2;
		else if (seen[id] == 0)
			missing++;
	}
	for (size_t i = 0; i < 65536; i++)
		if (seen[i] == 1)
			dup_or_unknown++; /* an ID we never sent */
	free(seen);
	printf("%zu queries, %zu answers, every ID answered once: %s\n", nsent, got,
	       missing == 0 && dup_or_unknown == 0 && got == nsent ? "yes" : "no");
	char **rest = calloc(got + 1, sizeof(char *));
	for (size_t i = 0; i < got; i++) {
		const char *sp = strchr(lines[i], ' ');
		rest[i] = (char *)(sp ? sp + 1 : lines[i]);
	}
	qsort(rest, got, sizeof(char *), cmp_str);
	for (size_t i = 0; i < got;) {
		size_t j = i;
		while (j < got && strcmp(rest[j], rest[i]) == 0)
			j++;
		printf("%zux %s\n", j - i, rest[i]);
		i = j;
	}
	free(rest);
}

/* Read up to n answers (until EOF or the per-answer timeout); print sorted. */
static int read_answers(int fd, size_t n, bool sorted)
{
	char **lines = calloc(n + 1, sizeof(char *));
	size_t got = 0;
	const char *end = NULL;
	while (got < n) {
		struct msg m;
		int r = read_tcp_msg(fd, &m, now_s() + wait_ms / 1000.0);
		if (r == 0) {
			end = "closed by server";
			break;
		}
		if (r < 0) {
			end = "timeout";
			break;
		}
		lines[got] = malloc(2048);
		summarize(m.buf, m.len, lines[got], 2048);
		free(m.buf);
		got++;
		if (!sorted) {
			puts(lines[got - 1]);
			fflush(stdout);
		}
	}
	if (summary_mode) {
		print_summary(lines, got);
	} else if (sorted) {
		qsort(lines, got, sizeof(char *), cmp_line);
		for (size_t i = 0; i < got; i++)
			puts(lines[i]);
	}
	if (end)
		puts(end);
	for (size_t i = 0; i < got; i++)
		free(lines[i]);
	free(lines);
	fflush(stdout);
	return end ? 1 : 0;
}

static int run_udp(struct msg *qs, size_t nq)
{
	int fd = connect_to(SOCK_DGRAM);
	if (fd < 0)
		return 2;
	for (size_t i = 0; i < nq; i++) {
		if (send(fd, qs[i].buf, qs[i].len, 0) < 0) {
			perror("tcpclient: send");
			close(fd);
			return 2;
		}
		uint8_t buf[65536];
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		unsigned id = qs[i].len >= 2 ? (unsigned)(qs[i].buf[0] << 8 | qs[i].buf[1]) : 0;
		if (r < 0) {
			printf("id=%u no reply\n", id);
		} else {
			char line[2048];
			summarize(buf, (size_t)r, line, sizeof(line));
			puts(line);
		}
		fflush(stdout);
	}
	close(fd);
	return 0;
}

enum mode { M_SEQ, M_PIPELINE, M_BYTEWISE, M_SPLIT, M_CLOSE_EARLY, M_STALL };

static int run_tcp(struct msg *qs, size_t nq, enum mode mode, double idle)
{
	int fd = connect_to(SOCK_STREAM);
	if (fd < 0)
		return 2;
	int rc = 0;
	uint8_t *s;
	size_t sl = stream_of(qs, nq, &s);
	switch (mode) {
	case M_SEQ:
		for (size_t i = 0; i < nq && rc == 0; i++) {
			if (i > 0 && gap_ms > 0)
				sleep_ms(gap_ms);
			uint8_t *one;
			size_t ol = stream_of(qs + i, 1, &one);
			if (write_all(fd, one, ol) < 0) {
				puts("write failed");
				rc = 1;
			} else {
				rc = read_answers(fd, 1, false);
			}
			free(one);
		}
		break;
	case M_PIPELINE:
		if (write_all(fd, s, sl) < 0)
			puts("write failed");
		rc = read_answers(fd, nq, true);
		break;
	case M_BYTEWISE:
		for (size_t i = 0; i < sl; i++) {
			if (write_all(fd, s + i, 1) < 0) {
				puts("write failed");
				break;
			}
			sleep_ms(2);
		}
		rc = read_answers(fd, nq, true);
		break;
	case M_SPLIT: {
		/* cut points: inside each length prefix and in the middle of each
		 * message; a chunk thus ends one message and starts the next */
		size_t cuts[2 * MAXQ + 1], nc = 0, off = 0;
		for (size_t i = 0; i < nq; i++) {
			cuts[nc++] = off + 1;
			cuts[nc++] = off + 2 + qs[i].len / 2;
			off += 2 + qs[i].len;
		}
		cuts[nc++] = sl;
		size_t from = 0;
		for (size_t i = 0; i < nc; i++) {
			if (cuts[i] <= from)
				continue;
			if (write_all(fd, s + from, cuts[i] - from) < 0) {
				puts("write failed");
				break;
			}
			from = cuts[i];
			sleep_ms(30);
		}
		rc = read_answers(fd, nq, true);
		break;
	}
	case M_STALL:
		/* the length prefix and part of the header, then nothing */
		if (write_all(fd, s, sl < 8 ? sl : 8) < 0) {
			puts("write failed");
			rc = 1;
		} else {
			printf("sent %zu of %zu octets, stalling\n", sl < 8 ? sl : (size_t)8, sl);
		}
		break;
	case M_CLOSE_EARLY:
		if (write_all(fd, s, sl) < 0)
			puts("write failed");
		else
			printf("sent %zu queries, closing without reading\n", nq);
		break;
	}
	free(s);
	if (idle > 0 && rc == 0) {
		/* the last answer has been read: time the server's idle close */
		double t0 = now_s();
		struct pollfd pfd = {fd, POLLIN, 0};
		int pr = poll(&pfd, 1, 1000);
		if (pr == 0) {
			puts("idle: still open after 1 s");
		} else {
			printf("idle: closed or readable after %.1f s (expected open at 1 s)\n",
			       now_s() - t0);
			rc = 1;
		}
		double deadline = t0 + idle + 1.5;
		bool closed = false;
		while (rc == 0 && now_s() < deadline) {
			int left = (int)((deadline - now_s()) * 1000) + 1;
			pr = poll(&pfd, 1, left);
			if (pr < 0 && errno == EINTR)
				continue;
			if (pr <= 0)
				break;
			uint8_t junk[512];
			ssize_t r = recv(fd, junk, sizeof(junk), 0);
			if (r == 0 || (r < 0 && errno == ECONNRESET)) {
				closed = true;
				break;
			}
			if (r > 0) {
				puts("idle: unexpected data from the server");
				rc = 1;
			}
		}
		double at = now_s() - t0;
		if (rc == 0 && closed && at >= idle - 0.5) {
			printf("idle: closed by the server between %.1f and %.1f s\n", idle - 0.5,
			       idle + 1.5);
		} else if (rc == 0 && closed) {
			printf("idle: closed too early, after %.1f s\n", at);
			rc = 1;
		} else if (rc == 0) {
			printf("idle: not closed within %.1f s\n", idle + 1.5);
			rc = 1;
		}
	}
	close(fd);
	return rc;
}

/* Is the connection closed by the peer? Waits at most ms. */
static bool peer_closed(int fd, int ms)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	if (poll(&pfd, 1, ms) <= 0)
		return false;
	uint8_t junk[512];
	ssize_t r = recv(fd, junk, sizeof(junk), MSG_DONTWAIT);
	return r == 0 || (r < 0 && errno == ECONNRESET);
}

/*
 * Open n connections in turn, each asking qs[0] and reading the answer.
 * With a limit of L connections in total (split evenly over W workers, the
 * kernel choosing the worker), the server must close some of the oldest:
 * at least n - L are closed, no connection among the newest L/W is closed
 * (on any worker fewer than L/W newer ones exist), every query was answered
 * and the newest connection still answers.
 */
static int run_max_conn(struct msg *qs, int n, int limit, int per_worker)
{
	int fds[MAXCONN];
	int answered = 0, rc = 0;
	for (int i = 0; i < n; i++) {
		fds[i] = connect_to(SOCK_STREAM);
		if (fds[i] < 0)
			return 2;
		uint8_t *one;
		size_t ol = stream_of(qs, 1, &one);
		struct msg m;
		if (write_all(fds[i], one, ol) == 0 &&
		    read_tcp_msg(fds[i], &m, now_s() + wait_ms / 1000.0) == 1) {
			answered++;
			free(m.buf);
		}
		free(one);
	}
	sleep_ms(200);
	int closed = 0, newest_closed = 0;
	for (int i = 0; i < n; i++) {
		bool c = peer_closed(fds[i], 10);
		closed += c;
		if (c && i >= n - per_worker)
			newest_closed++;
	}
	printf("max-conn: opened %d, answered %d\n", n, answered);
	printf("max-conn: at least %d closed by the server: %s\n", n - limit,
	       closed >= n - limit ? "yes" : "no");
	printf("max-conn: the %d newest still open: %s\n", per_worker,
	       newest_closed == 0 ? "yes" : "no");
	if (closed < n - limit || newest_closed)
		fprintf(stderr, "max-conn: closed=%d newest_closed=%d\n", closed, newest_closed);
	/* the newest connection answers again */
	uint8_t *one;
	size_t ol = stream_of(qs, 1, &one);
	struct msg m;
	if (write_all(fds[n - 1], one, ol) == 0 &&
	    read_tcp_msg(fds[n - 1], &m, now_s() + wait_ms / 1000.0) == 1) {
		char line[2048];
		summarize(m.buf, m.len, line, sizeof(line));
		printf("max-conn: newest again: %s\n", line);
		free(m.buf);
	} else {
		puts("max-conn: newest again: no answer");
		rc = 1;
	}
	free(one);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return rc;
}

/* --hold: per-source connections, each asked qs[0]; held for hold_ms. */
static int run_hold(struct msg *qs, const char *file, int per_source, int hold_ms)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		perror("tcpclient: hold file");
		return 2;
	}
	char line[64];
	static char addrs[1024][64];
	int nsrc = 0;
	while (nsrc < 1024 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \t\r\n")] = 0;
		if (line[0])
			snprintf(addrs[nsrc++], sizeof(addrs[0]), "%s", line);
	}
	fclose(f);
	int *fds = calloc((size_t)nsrc * (size_t)per_source, sizeof(int));
	int nfd = 0, answered = 0, closed = 0, other = 0;
	uint8_t *one;
	size_t ol = stream_of(qs, 1, &one);
	for (int s = 0; s < nsrc; s++) {
		source = addrs[s];
		for (int k = 0; k < per_source; k++) {
			int fd = connect_to(SOCK_STREAM);
			if (fd < 0) {
				other++;
				continue;
			}
			fds[nfd++] = fd;
			struct msg m;
			int r = write_all(fd, one, ol) == 0
					? read_tcp_msg(fd, &m, now_s() + wait_ms / 1000.0)
					: 0;
			if (r == 1) {
				answered++;
				free(m.buf);
			} else if (r == 0) {
				closed++;
			} else {
				other++;
			}
		}
	}
	free(one);
	source = NULL;
	printf("hold: %d sources x %d connections: %d answered, %d closed by server, %d other\n",
	       nsrc, per_source, answered, closed, other);
	puts("hold: holding");
	fflush(stdout);
	sleep_ms(hold_ms);
	for (int i = 0; i < nfd; i++)
		close(fds[i]);
	free(fds);
	return 0;
}

/*
 * --flood: n connections that each write the whole query list (pipelined)
 * and read nothing for hold_ms; then every answer is read (each connection
 * in turn, wait_ms for each read) and summarized over all connections:
 * whether every query of every connection was answered exactly once.
 */
static int run_flood(struct msg *qs, size_t nq, int n, int hold_ms)
{
	int *fds = calloc((size_t)n, sizeof(int));
	uint8_t *stream;
	size_t sl = stream_of(qs, nq, &stream);
	int written = 0;
	for (int i = 0; i < n; i++) {
		fds[i] = connect_to(SOCK_STREAM);
		if (fds[i] >= 0 && write_all(fds[i], stream, sl) == 0)
			written++;
	}
	free(stream);
	printf("flood: %d connections, %d wrote %zu queries\n", n, written, nq);
	puts("flood: written");
	fflush(stdout);
	sleep_ms(hold_ms);
	uint8_t *seen = malloc(65536);
	int complete = 0;
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		memset(seen, 0, 65536);
		size_t got = 0, dup = 0;
		struct msg m;
		while (got + dup < nq && read_tcp_msg(fds[i], &m, now_s() + wait_ms / 1000.0) == 1) {
			if (m.len >= 2 && seen[m.buf[0] << 8 | m.buf[1]]++)
				dup++;
			else
				got++;
			free(m.buf);
		}
		total += got;
		complete += got == nq && dup == 0;
		close(fds[i]);
	}
	free(seen);
	free(fds);
	printf("flood: %zu answers read, %d of %d connections answered every query once\n", total,
	       complete, n);
	return 0;
}

static void usage(void)
{
	fputs("usage: tcpclient -p PORT [-6] [-u] [-w MS] [--edns] [--repeat N] [--summary] [--gap "
	      "MS]\n"
	      "         [--pipeline|--bytewise|--split|--close-early|--stall] [--idle-check S]\n"
	      "         [--max-conn N --limit L --per-worker K] [--source ADDR]\n"
	      "         [--hold FILE --per-source N --hold-ms MS] [--flood N --hold-ms MS] QUERY...\n"
	      "  QUERY: NAME TYPE | raw:HEX\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	enum mode mode = M_SEQ;
	bool udp = false;
	double idle = 0;
	int max_conn = 0, limit = 0, per_worker = 0, repeat = 1;
	const char *hold_file = NULL;
	int per_source = 0, hold_ms = 0, flood = 0;
	static struct msg qs[MAXQ];
	static bool built[MAXQ];
	size_t nq = 0;
	uint16_t next_id = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-p") && i + 1 < argc) {
			port = atoi(argv[++i]);
		} else if (!strcmp(a, "-6")) {
			ipv6 = true;
		} else if (!strcmp(a, "-u")) {
			udp = true;
		} else if (!strcmp(a, "-w") && i + 1 < argc) {
			wait_ms = atoi(argv[++i]);
		} else if (!strcmp(a, "--gap") && i + 1 < argc) {
			gap_ms = atoi(argv[++i]);
		} else if (!strcmp(a, "--summary")) {
			summary_mode = true;
		} else if (!strcmp(a, "--repeat") && i + 1 < argc) {
			repeat = atoi(argv[++i]);
		} else if (!strcmp(a, "--edns")) {
			use_edns = true;
		} else if (!strcmp(a, "--pipeline")) {
			mode = M_PIPELINE;
		} else if (!strcmp(a, "--bytewise")) {
			mode = M_BYTEWISE;
		} else if (!strcmp(a, "--split")) {
			mode = M_SPLIT;
		} else if (!strcmp(a, "--stall")) {
			mode = M_STALL;
		} else if (!strcmp(a, "--close-early")) {
			mode = M_CLOSE_EARLY;
		} else if (!strcmp(a, "--idle-check") && i + 1 < argc) {
			idle = atof(argv[++i]);
		} else if (!strcmp(a, "--max-conn") && i + 1 < argc) {
			max_conn = atoi(argv[++i]);
		} else if (!strcmp(a, "--limit") && i + 1 < argc) {
			limit = atoi(argv[++i]);
		} else if (!strcmp(a, "--per-worker") && i + 1 < argc) {
			per_worker = atoi(argv[++i]);
		} else if (!strcmp(a, "--source") && i + 1 < argc) {
			source = argv[++i];
		} else if (!strcmp(a, "--hold") && i + 1 < argc) {
			hold_file = argv[++i];
		} else if (!strcmp(a, "--per-source") && i + 1 < argc) {
			per_source = atoi(argv[++i]);
		} else if (!strcmp(a, "--hold-ms") && i + 1 < argc) {
			hold_ms = atoi(argv[++i]);
		} else if (!strcmp(a, "--flood") && i + 1 < argc) {
			flood = atoi(argv[++i]);
		} else if (!strncmp(a, "raw:", 4)) {
			if (nq == MAXQ || parse_hex(a + 4, &qs[nq]) < 0) {
				fprintf(stderr, "tcpclient: bad raw query %s\n", a);
				return 2;
			}
			nq++;
		} else if (a[0] == '-') {
			usage();
		} else {
			if (i + 1 >= argc || nq == MAXQ)
				usage();
			if (build_query(a, argv[i + 1], next_id++, &qs[nq]) < 0)
				return 2;
			built[nq] = true;
			nq++;
			i++;
		}
	}
	if (port <= 0 || port > 65535 || nq == 0 || wait_ms <= 0 || wait_ms > 10000 || gap_ms < 0 ||
	    gap_ms > 10000 || repeat < 1 || (size_t)repeat * nq > MAXQ)
		usage();
	/* --repeat N: the list N times; built queries get fresh IDs */
	size_t base = nq;
	for (int r = 1; r < repeat; r++) {
		for (size_t i = 0; i < base; i++, nq++) {
			qs[nq].len = qs[i].len;
			qs[nq].buf = malloc(qs[i].len);
			memcpy(qs[nq].buf, qs[i].buf, qs[i].len);
			if (qs[nq].len >= 2 && built[i]) {
				qs[nq].buf[0] = (uint8_t)(next_id >> 8);
				qs[nq].buf[1] = (uint8_t)next_id;
				next_id++;
			}
		}
	}
	sent = qs;
	nsent = nq;
	int rc;
	if (hold_file || flood) {
		if (hold_ms < 0 || hold_ms > 30000 || (hold_file && (per_source < 1 || per_source > 64)) ||
		    (flood && (flood < 1 || flood > 4096)))
			usage();
		rc = hold_file ? run_hold(qs, hold_file, per_source, hold_ms)
			       : run_flood(qs, nq, flood, hold_ms);
	} else if (max_conn) {
		if (max_conn < 2 || max_conn > MAXCONN || limit <= 0 || per_worker <= 0)
			usage();
		rc = run_max_conn(qs, max_conn, limit, per_worker);
	} else if (udp) {
		rc = run_udp(qs, nq);
	} else {
		if (idle < 0 || idle > 30)
			usage();
		rc = run_tcp(qs, nq, mode, idle);
	}
	for (size_t i = 0; i < nq; i++)
		free(qs[i].buf);
	return rc;
}
