/*
 * test_notify.c - NOTIFY out (xfr/notify.c): the message read back by
 * ldns, signed and verified by ldns; the notifier on a real event loop
 * against a small UDP responder on 127.0.0.1 in this process (answers,
 * NOTAUTH, silence then an answer, answers from the wrong port or with the
 * wrong ID, a newer serial, TSIG both ways), with waits of milliseconds.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/gd.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "xfr/notify.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const uint8_t origin[] = "\007example\003com";
#define ORIGIN_LEN 13

static uint8_t secret[] = "secretsecretsecretsecret";
static const char secret_b64[] = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0";
static struct tsig_key key;
static struct tsig_keyring ring;

static void setup(void)
{
	key.name_len = (uint8_t)tsig_name_from_text("k1.example", key.name);
	key.algorithm = TSIG_HMAC_SHA256;
	key.secret = secret;
	key.secret_len = sizeof(secret) - 1;
	ring.keys = &key;
	ring.n = 1;
}

/* ns1.example.com. hostmaster.example.com. serial 3600 600 86400 300 */
static struct notify_soa make_soa(uint8_t *rdata, uint32_t serial)
{
	static const uint8_t names[] = "\003ns1\007example\003com\000"
	                               "\012hostmaster\007example\003com";
	size_t n = sizeof(names); /* both names, the last root included */
	memcpy(rdata, names, n);
	static const uint32_t rest[] = {0, 3600, 600, 86400, 300};
	for (int i = 0; i < 5; i++)
		wr32(rdata + n + 4 * i, i == 0 ? serial : rest[i]);
	struct notify_soa soa = {rdata, (uint16_t)(n + 20), 3600};
	return soa;
}

static char *rdf_str(const ldns_rdf *r)
{
	return ldns_rdf2str(r);
}

START_TEST(test_message_ldns)
{
	uint8_t rdata[64], buf[512];
	struct notify_soa soa = make_soa(rdata, 2026120101);
	size_t len = notify_message(buf, sizeof(buf), 0x4242, origin, &soa);
	ck_assert_uint_gt(len, 0);
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_id(p), 0x4242);
	ck_assert_int_eq(ldns_pkt_get_opcode(p), LDNS_PACKET_NOTIFY);
	ck_assert(ldns_pkt_aa(p));
	ck_assert(!ldns_pkt_qr(p));
	ck_assert(!ldns_pkt_rd(p));
	ck_assert(!ldns_pkt_tc(p));
	ck_assert_int_eq(ldns_pkt_get_rcode(p), 0);
	ck_assert_uint_eq(ldns_pkt_qdcount(p), 1);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 1);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 0);
	ck_assert_uint_eq(ldns_pkt_arcount(p), 0);
	ldns_rr *q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	char *s = rdf_str(ldns_rr_owner(q));
	ck_assert_str_eq(s, "example.com.");
	free(s);
	ck_assert_int_eq(ldns_rr_get_type(q), LDNS_RR_TYPE_SOA);
	ck_assert_int_eq(ldns_rr_get_class(q), LDNS_RR_CLASS_IN);
	ldns_rr *a = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
	ck_assert_int_eq(ldns_rr_get_type(a), LDNS_RR_TYPE_SOA);
	ck_assert_int_eq(ldns_rr_get_class(a), LDNS_RR_CLASS_IN);
	ck_assert_uint_eq(ldns_rr_ttl(a), 3600);
	s = ldns_rr2str(a);
	ck_assert_str_eq(s, "example.com.\t3600\tIN\tSOA\tns1.example.com. "
	                    "hostmaster.example.com. 2026120101 3600 600 86400 300\n");
	free(s);
	ldns_pkt_free(p);
	/* the answer's owner is a pointer to the question; MNAME and RNAME
	 * end in one too */
	ck_assert_uint_eq(buf[12 + 13 + 4], 0xC0);
	ck_assert_uint_eq(buf[12 + 13 + 5], 12);
	ck_assert_uint_eq(len, 12 + 13 + 4 + 2 + 10 + (4 + 2) + (11 + 2) + 20);
	/* without the SOA: the question alone */
	size_t l2 = notify_message(buf, sizeof(buf), 1, origin, NULL);
	ck_assert_uint_eq(l2, 12 + 13 + 4);
	ck_assert_uint_eq(rd16(buf + 6), 0);
	/* no room */
	ck_assert_uint_eq(notify_message(buf, len - 1, 1, origin, &soa), 0);
	ck_assert_uint_eq(notify_message(buf, len, 1, origin, &soa), len);
}
END_TEST

/* signed by tsig_sign_request, verified by ldns (another implementation) */
START_TEST(test_message_signed_ldns)
{
	uint8_t rdata[64], buf[512], mac[TSIG_MAC_MAX];
	uint16_t mac_len;
	struct notify_soa soa = make_soa(rdata, 7);
	size_t len = notify_message(buf, sizeof(buf), 0x1111, origin, &soa);
	len = tsig_sign_request(buf, len, sizeof(buf), &key, (uint64_t)time(NULL), TSIG_FUDGE, mac,
	                        &mac_len);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(mac_len, 32);
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK);
	ck_assert_ptr_nonnull(ldns_pkt_tsig(p));
	ck_assert(ldns_pkt_tsig_verify(p, buf, len, "k1.example.", secret_b64, NULL));
	ldns_pkt_free(p);
	/* the serial in the answer changed: ldns finds the MAC wrong */
	buf[12 + 13 + 4 + 12 + 6 + 13 + 3] ^= 1;
	ck_assert_int_eq(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK);
	ck_assert(!ldns_pkt_tsig_verify(p, buf, len, "k1.example.", secret_b64, NULL));
	ldns_pkt_free(p);
}
END_TEST

/* ---- the responder ---- */

enum mode {
	RESP_OK,             /* NOERROR */
	RESP_NOTAUTH,        /* NOTAUTH */
	RESP_SILENT_2,       /* nothing to the first two, then NOERROR */
	RESP_SILENT,         /* never */
	RESP_WRONG,          /* to the first: from another port, another ID, QR clear,
	                      * another question; then NOERROR */
	RESP_SUPERSEDE,      /* nothing to serial 1 (a newer serial is announced
	                      * then), NOERROR to serial 2 */
	RESP_SIGNED,         /* verifies the TSIG, answers signed (by ldns) */
	RESP_UNSIGNED_FIRST, /* answers the first unsigned, then signed */
	RESP_BADKEY,         /* answers NOTAUTH with an unsigned BADKEY TSIG */
};

#define MAX_REQ 16

struct responder {
	enum mode mode;
	int fd, fd2;
	struct event *ev;
	struct sockaddr_in addr;
	struct notifier *nf;
	int requests;
	uint32_t serial[MAX_REQ]; /* the SOA serial in the answer section */
	int tsig_error[MAX_REQ];  /* tsig_verify_request's, -1 unsigned */
	uint16_t id[MAX_REQ];
	uint8_t superseding_rdata[64];
};

static void reply(struct responder *r, int fd, const uint8_t *req, size_t qend, uint16_t id,
                  uint16_t flags, const struct sockaddr_in *to)
{
	uint8_t out[512];
	memcpy(out, req, qend);
	wr16(out, id);
	wr16(out + 2, flags);
	wr16(out + 6, 0);
	wr16(out + 8, 0);
	wr16(out + 10, 0);
	ck_assert_int_eq(sendto(fd, out, qend, 0, (const struct sockaddr *)to, sizeof(*to)),
	                 (ssize_t)qend);
}

/* NOERROR signed by ldns over the request's MAC */
static void reply_signed(struct responder *r, const uint8_t *req, size_t len,
                         const struct sockaddr_in *to)
{
	ldns_pkt *q = NULL, *a = ldns_pkt_new();
	ck_assert_int_eq(ldns_wire2pkt(&q, req, len), LDNS_STATUS_OK);
	ldns_pkt_set_id(a, ldns_pkt_id(q));
	ldns_pkt_set_qr(a, true);
	ldns_pkt_set_aa(a, true);
	ldns_pkt_set_opcode(a, LDNS_PACKET_NOTIFY);
	ldns_pkt_push_rr(a, LDNS_SECTION_QUESTION,
	                 ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q), 0)));
	ck_assert_int_eq(ldns_pkt_tsig_sign(a, "k1.example.", secret_b64, 300, "hmac-sha256.",
	                                    ldns_rr_rdf(ldns_pkt_tsig(q), 3)),
	                 LDNS_STATUS_OK);
	uint8_t *wire = NULL;
	size_t wl = 0;
	ck_assert_int_eq(ldns_pkt2wire(&wire, a, &wl), LDNS_STATUS_OK);
	ck_assert_int_eq(sendto(r->fd, wire, wl, 0, (const struct sockaddr *)to, sizeof(*to)),
	                 (ssize_t)wl);
	free(wire);
	ldns_pkt_free(a);
	ldns_pkt_free(q);
}

/* NOTAUTH with the unsigned TSIG error BADKEY, as a server without the key
 * answers (RFC 8945 5.3.2) */
static void reply_badkey(struct responder *r, const uint8_t *req, size_t qend,
                         const struct wire_message *m, const struct sockaddr_in *to)
{
	uint8_t out[512];
	memcpy(out, req, qend);
	wr16(out + 2, DNS_FLAG_QR | DNS_FLAG_AA | OPCODE_NOTIFY << 11 | RCODE_NOTAUTH);
	wr16(out + 6, 0);
	wr16(out + 8, 0);
	wr16(out + 10, 0);
	struct tsig_verdict v = {.key = NULL, .error = TSIG_ERROR_BADKEY, .sign = false};
	size_t n = tsig_append_response(out, qend, sizeof(out), &m->tsig_rr, &v);
	ck_assert_uint_gt(n, qend);
	wr16(out + 10, 1);
	ck_assert_int_eq(sendto(r->fd, out, n, 0, (const struct sockaddr *)to, sizeof(*to)),
	                 (ssize_t)n);
}

static void on_request(evutil_socket_t fd, short what, void *arg)
{
	struct responder *r = arg;
	uint8_t buf[2048];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	if (n <= 0)
		return;
	ck_assert_int_lt(r->requests, MAX_REQ);
	int k = r->requests++;
	struct wire_message m;
	ck_assert_int_eq(wire_parse_message(buf, (size_t)n, &m), GD_OK);
	ck_assert_uint_eq(DNS_OPCODE(m.flags), OPCODE_NOTIFY);
	ck_assert(m.flags & DNS_FLAG_AA);
	ck_assert(!(m.flags & DNS_FLAG_QR));
	r->id[k] = m.id;
	r->tsig_error[k] = -1;
	if (m.tsig) {
		struct tsig_verdict v;
		ck_assert_int_eq(tsig_verify_request(buf, (size_t)n, &m.tsig_rr, &ring,
		                                     (uint64_t)time(NULL), &v),
		                 GD_OK);
		r->tsig_error[k] = v.error;
	}
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&p, buf, (size_t)n), LDNS_STATUS_OK);
	ldns_rr *soa = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
	r->serial[k] = ldns_rdf2native_int32(ldns_rr_rdf(soa, 2));
	ldns_pkt_free(p);
	size_t qend = DNS_HEADER_LEN + m.qname_len + 4;
	uint16_t ok = DNS_FLAG_QR | DNS_FLAG_AA | OPCODE_NOTIFY << 11;
	switch (r->mode) {
	case RESP_OK: reply(r, fd, buf, qend, m.id, ok, &from); break;
	case RESP_NOTAUTH: reply(r, fd, buf, qend, m.id, ok | RCODE_NOTAUTH, &from); break;
	case RESP_SILENT_2:
		if (k >= 2)
			reply(r, fd, buf, qend, m.id, ok, &from);
		break;
	case RESP_SILENT: break;
	case RESP_WRONG:
		if (k > 0) {
			reply(r, fd, buf, qend, m.id, ok, &from);
			break;
		}
		reply(r, r->fd2, buf, qend, m.id, ok, &from);
		reply(r, fd, buf, qend, (uint16_t)(m.id ^ 1), ok, &from);
		reply(r, fd, buf, qend, m.id, ok & ~DNS_FLAG_QR, &from);
		reply(r, fd, buf, qend, m.id, DNS_FLAG_QR | DNS_FLAG_AA, &from); /* QUERY */
		wr16(buf + qend - 4, TYPE_A);
		reply(r, fd, buf, qend, m.id, ok, &from);
		break;
	case RESP_SUPERSEDE:
		if (r->serial[k] == 1) {
			struct notify_soa s2 = make_soa(r->superseding_rdata, 2);
			struct notify_target t = {.addr_len = sizeof(r->addr)};
			memcpy(&t.addr, &r->addr, sizeof(r->addr));
			ck_assert_int_eq(notifier_zone(r->nf, origin, ORIGIN_LEN, &s2, &t, 1),
			                 GD_OK);
		} else {
			reply(r, fd, buf, qend, m.id, ok, &from);
		}
		break;
	case RESP_SIGNED: reply_signed(r, buf, (size_t)n, &from); break;
	case RESP_UNSIGNED_FIRST:
		if (k == 0)
			reply(r, fd, buf, qend, m.id, ok, &from);
		else
			reply_signed(r, buf, (size_t)n, &from);
		break;
	case RESP_BADKEY: reply_badkey(r, buf, qend, &m, &from); break;
	}
}

static int udp_socket(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(fd, 0);
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)addr, sizeof(*addr)), 0);
	socklen_t al = sizeof(*addr);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)addr, &al), 0);
	return fd;
}

struct run {
	struct event_base *base;
	struct responder r;
	struct notifier *nf;
	struct notify_target target;
	struct event *tick;
	int (*done)(struct run *);
	int want; /* requests, for served() */
};

static const struct notify_params fast = {20, 80, 4};

static void run_start(struct run *x, enum mode mode, const struct notify_params *params,
                      const char *key_name)
{
	memset(x, 0, sizeof(*x));
	x->base = event_base_new();
	ck_assert_ptr_nonnull(x->base);
	x->r.mode = mode;
	x->r.fd = udp_socket(&x->r.addr);
	struct sockaddr_in other;
	x->r.fd2 = udp_socket(&other);
	x->r.ev = event_new(x->base, x->r.fd, EV_READ | EV_PERSIST, on_request, &x->r);
	event_add(x->r.ev, NULL);
	x->nf = notifier_new(x->base, &ring, params);
	ck_assert_ptr_nonnull(x->nf);
	x->r.nf = x->nf;
	memcpy(&x->target.addr, &x->r.addr, sizeof(x->r.addr));
	x->target.addr_len = sizeof(x->r.addr);
	x->target.key = key_name;
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct run *x = arg;
	if (x->done(x))
		event_base_loopbreak(x->base);
}

/* Run the loop until done(x) or 5 s (a failure). */
static void run_until(struct run *x, int (*done)(struct run *))
{
	x->done = done;
	x->tick = event_new(x->base, -1, EV_PERSIST, on_tick, x);
	struct timeval tv = {0, 2000};
	event_add(x->tick, &tv);
	uint64_t end = now_ms() + 5000;
	while (!done(x) && now_ms() < end)
		event_base_loop(x->base, EVLOOP_ONCE);
	ck_assert_msg(done(x), "the notifier did not finish in time");
	event_free(x->tick);
}

static void run_end(struct run *x)
{
	notifier_free(x->nf);
	event_free(x->r.ev);
	close(x->r.fd);
	close(x->r.fd2);
	event_base_free(x->base);
}

static struct notify_status status(struct run *x)
{
	struct notify_status s;
	ck_assert(notifier_zone_status(x->nf, origin, ORIGIN_LEN, &s));
	return s;
}

static int idle(struct run *x)
{
	return status(x).pending == 0;
}

/* x->want requests received, none in flight */
static int served(struct run *x)
{
	return x->r.requests >= x->want && idle(x);
}

static void announce(struct run *x, uint32_t serial)
{
	static uint8_t rdata[64];
	struct notify_soa soa = make_soa(rdata, serial);
	ck_assert_int_eq(notifier_zone(x->nf, origin, ORIGIN_LEN, &soa, &x->target, 1), GD_OK);
}

static void expect_counters(struct run *x, uint64_t sent, uint64_t failed, uint64_t timeout,
                            uint64_t gave_up, uint64_t ignored)
{
	struct notify_counters c;
	notifier_counters(x->nf, &c);
	ck_assert_uint_eq(c.sent, sent);
	ck_assert_uint_eq(c.failed, failed);
	ck_assert_uint_eq(c.timeout, timeout);
	ck_assert_uint_eq(c.gave_up, gave_up);
	ck_assert_uint_eq(c.ignored, ignored);
}

START_TEST(test_answered)
{
	struct run x;
	run_start(&x, RESP_OK, &fast, NULL);
	announce(&x, 41);
	ck_assert_uint_eq(status(&x).pending, 1);
	run_until(&x, idle);
	ck_assert_int_eq(x.r.requests, 1);
	ck_assert_uint_eq(x.r.serial[0], 41);
	ck_assert_int_eq(x.r.tsig_error[0], -1);
	expect_counters(&x, 1, 0, 0, 0, 0);
	struct notify_status s = status(&x);
	ck_assert_int_eq(s.result, NOTIFY_OK);
	ck_assert_uint_eq(s.serial, 41);
	ck_assert_uint_eq(s.attempt, 1);
	ck_assert_uint_ge(s.when, time(NULL) - 5);
	char want[64];
	snprintf(want, sizeof(want), "127.0.0.1:%u", ntohs(x.r.addr.sin_port));
	ck_assert_str_eq(s.target, want);
	ck_assert_str_eq(notify_result_name(s.result), "ok");
	/* the same serial again: nothing sent */
	announce(&x, 41);
	ck_assert_uint_eq(status(&x).pending, 0);
	/* a new one: sent */
	announce(&x, 42);
	run_until(&x, idle);
	ck_assert_int_eq(x.r.requests, 2);
	ck_assert_uint_eq(x.r.serial[1], 42);
	ck_assert_uint_ne(x.r.id[0], x.r.id[1]);
	expect_counters(&x, 2, 0, 0, 0, 0);
	run_end(&x);
}
END_TEST

START_TEST(test_notauth)
{
	struct run x;
	run_start(&x, RESP_NOTAUTH, &fast, NULL);
	announce(&x, 5);
	run_until(&x, idle);
	/* final: not retried */
	struct timeval tv = {0, 200000};
	event_base_loopexit(x.base, &tv);
	event_base_dispatch(x.base);
	ck_assert_int_eq(x.r.requests, 1);
	expect_counters(&x, 0, 1, 0, 0, 0);
	struct notify_status s = status(&x);
	ck_assert_int_eq(s.result, NOTIFY_RCODE);
	ck_assert_uint_eq(s.rcode, RCODE_NOTAUTH);
	ck_assert_uint_eq(s.attempt, 1);
	run_end(&x);
}
END_TEST

/* silent twice, answered the third time: 3 attempts, 2 timeouts, the
 * waits doubling */
START_TEST(test_retried)
{
	struct run x;
	struct notify_params p = {40, 1000, 5};
	run_start(&x, RESP_SILENT_2, &p, NULL);
	uint64_t t0 = now_ms();
	announce(&x, 9);
	x.want = 3;
	run_until(&x, served);
	uint64_t took = now_ms() - t0;
	ck_assert_int_eq(x.r.requests, 3);
	/* 40 + 80 ms; libevent measures from its cached time, a little
	 * earlier: 100 is still above the 80 of two waits that did not double */
	ck_assert_uint_ge(took, 100);
	ck_assert_uint_lt(took, 1000); /* not the cap's 1 s each */
	expect_counters(&x, 1, 0, 2, 0, 0);
	struct notify_status s = status(&x);
	ck_assert_int_eq(s.result, NOTIFY_OK);
	ck_assert_uint_eq(s.attempt, 3);
	/* each attempt its own ID */
	ck_assert(x.r.id[0] != x.r.id[1] || x.r.id[1] != x.r.id[2]);
	run_end(&x);
}
END_TEST

static int gave_up(struct run *x)
{
	struct notify_counters c;
	notifier_counters(x->nf, &c);
	return c.gave_up == 1;
}

START_TEST(test_gave_up)
{
	struct run x;
	run_start(&x, RESP_SILENT, &fast, NULL);
	announce(&x, 9);
	run_until(&x, gave_up);
	ck_assert_int_eq(x.r.requests, 4);
	expect_counters(&x, 0, 0, 4, 1, 0);
	struct notify_status s = status(&x);
	ck_assert_int_eq(s.result, NOTIFY_GAVE_UP);
	ck_assert_uint_eq(s.attempt, 4);
	ck_assert_uint_eq(s.pending, 0);
	run_end(&x);
}
END_TEST

/* answers from another port, with another ID, QR clear, opcode QUERY,
 * another question: all ignored; the next attempt's answer taken */
START_TEST(test_wrong_answers_ignored)
{
	struct run x;
	run_start(&x, RESP_WRONG, &fast, NULL);
	announce(&x, 3);
	run_until(&x, idle);
	ck_assert_int_eq(x.r.requests, 2);
	expect_counters(&x, 1, 0, 1, 0, 5);
	ck_assert_uint_eq(status(&x).attempt, 2);
	run_end(&x);
}
END_TEST

/* serial 2 while serial 1 is unanswered: replaced at once, attempt 1 */
START_TEST(test_superseded)
{
	struct run x;
	struct notify_params p = {400, 1000, 3};
	run_start(&x, RESP_SUPERSEDE, &p, NULL);
	announce(&x, 1);
	uint64_t t0 = now_ms();
	x.want = 2;
	run_until(&x, served);
	ck_assert_uint_lt(now_ms() - t0, 300); /* no wait for serial 1's timer */
	ck_assert_int_eq(x.r.requests, 2);
	ck_assert_uint_eq(x.r.serial[0], 1);
	ck_assert_uint_eq(x.r.serial[1], 2);
	struct notify_status s = status(&x);
	ck_assert_int_eq(s.result, NOTIFY_OK);
	ck_assert_uint_eq(s.serial, 2);
	ck_assert_uint_eq(s.attempt, 1);
	/* serial 1's timer is gone: nothing more is sent */
	struct timeval tv = {0, 500000};
	event_base_loopexit(x.base, &tv);
	event_base_dispatch(x.base);
	ck_assert_int_eq(x.r.requests, 2);
	expect_counters(&x, 1, 0, 0, 0, 0);
	run_end(&x);
}
END_TEST

/* signed: the responder verifies the request (tsig_verify_request), ldns
 * signs the answer, the notifier verifies it */
START_TEST(test_signed)
{
	struct run x;
	run_start(&x, RESP_SIGNED, &fast, "K1.Example.");
	announce(&x, 77);
	run_until(&x, idle);
	ck_assert_int_eq(x.r.requests, 1);
	ck_assert_int_eq(x.r.tsig_error[0], 0);
	expect_counters(&x, 1, 0, 0, 0, 0);
	ck_assert_int_eq(status(&x).result, NOTIFY_OK);
	run_end(&x);
}
END_TEST

/* an unsigned answer to a signed request: a failure, not the end; the
 * next attempt's signed answer is taken */
START_TEST(test_unsigned_answer_fails)
{
	struct run x;
	run_start(&x, RESP_UNSIGNED_FIRST, &fast, "k1.example");
	announce(&x, 78);
	x.want = 2;
	run_until(&x, served);
	ck_assert_int_eq(x.r.requests, 2);
	ck_assert_int_eq(x.r.tsig_error[0], 0);
	ck_assert_int_eq(x.r.tsig_error[1], 0);
	/* the failed attempt is not also a timeout */
	expect_counters(&x, 1, 1, 0, 0, 0);
	struct notify_status s = status(&x);
	ck_assert_int_eq(s.result, NOTIFY_OK);
	ck_assert_uint_eq(s.attempt, 2);
	run_end(&x);
}
END_TEST

/* NOTAUTH with an unsigned BADKEY: each attempt a failure, then given up */
START_TEST(test_badkey_answer)
{
	struct run x;
	run_start(&x, RESP_BADKEY, &fast, "k1.example");
	announce(&x, 79);
	run_until(&x, gave_up);
	ck_assert_int_eq(x.r.requests, 4);
	expect_counters(&x, 0, 4, 0, 1, 0);
	struct notify_status s = status(&x);
	ck_assert_int_eq(s.result, NOTIFY_GAVE_UP);
	run_end(&x);
}
END_TEST

/* status of a BADTSIG before the give-up */
static int one_request(struct run *x)
{
	return x->r.requests >= 1 && status(x).result == NOTIFY_BADTSIG;
}

START_TEST(test_badkey_status)
{
	struct run x;
	struct notify_params p = {500, 500, 1};
	run_start(&x, RESP_BADKEY, &p, "k1.example");
	announce(&x, 80);
	run_until(&x, one_request);
	struct notify_status s = status(&x);
	ck_assert_uint_eq(s.tsig_error, TSIG_ERROR_BADKEY);
	ck_assert_uint_eq(s.pending, 1);
	ck_assert_uint_eq(s.serial, 80);
	run_end(&x);
}
END_TEST

/* a target dropped from the list, a zone removed; the errors */
START_TEST(test_targets_and_errors)
{
	struct run x;
	run_start(&x, RESP_SILENT, &fast, NULL);
	announce(&x, 1);
	ck_assert_uint_eq(status(&x).pending, 1);
	uint8_t rdata[64];
	struct notify_soa soa = make_soa(rdata, 1);
	ck_assert_int_eq(notifier_zone(x.nf, origin, ORIGIN_LEN, &soa, NULL, 0), GD_OK);
	ck_assert_uint_eq(status(&x).pending, 0);
	/* an unknown key, a key that is not a name, another family, bad SOA
	 * rdata, a bad origin: refused, nothing changes */
	struct notify_target t = x.target;
	t.key = "nokey";
	ck_assert_int_eq(notifier_zone(x.nf, origin, ORIGIN_LEN, &soa, &t, 1), GD_ENOTFOUND);
	t.key = "a..b";
	ck_assert_int_eq(notifier_zone(x.nf, origin, ORIGIN_LEN, &soa, &t, 1), GD_EINVAL);
	t.key = NULL;
	t.addr.ss_family = AF_UNIX;
	ck_assert_int_eq(notifier_zone(x.nf, origin, ORIGIN_LEN, &soa, &t, 1), GD_EINVAL);
	struct notify_soa bad = soa;
	bad.rdlen--;
	ck_assert_int_eq(notifier_zone(x.nf, origin, ORIGIN_LEN, &bad, &x.target, 1), GD_EINVAL);
	ck_assert_int_eq(notifier_zone(x.nf, origin, ORIGIN_LEN - 1, &soa, &x.target, 1),
	                 GD_EINVAL);
	ck_assert_uint_eq(status(&x).pending, 0);
	/* the zone forgotten (the name in another case) */
	static const uint8_t upper[] = "\007EXAMPLE\003COM";
	notifier_zone_remove(x.nf, upper, ORIGIN_LEN);
	struct notify_status s;
	ck_assert(!notifier_zone_status(x.nf, origin, ORIGIN_LEN, &s));
	struct timeval tv = {0, 100000};
	event_base_loopexit(x.base, &tv);
	event_base_dispatch(x.base);
	ck_assert_int_eq(x.r.requests, 1);
	expect_counters(&x, 0, 0, 0, 0, 0);
	struct notify_params zero = {0, 10, 1}, inverted = {20, 10, 1};
	ck_assert_ptr_null(notifier_new(x.base, &ring, &zero));
	ck_assert_ptr_null(notifier_new(x.base, &ring, &inverted));
	run_end(&x);
}
END_TEST

/* the key gone from the keyring (a reload) while a signed notification
 * is unanswered: each later attempt a send error, then given up */
START_TEST(test_key_removed)
{
	struct run x;
	run_start(&x, RESP_SILENT, &fast, "k1.example");
	struct tsig_keyring empty = {0};
	announce(&x, 1);
	notifier_set_keyring(x.nf, &empty);
	run_until(&x, gave_up);
	ck_assert_int_eq(x.r.requests, 1);
	ck_assert_int_eq(x.r.tsig_error[0], 0);
	expect_counters(&x, 0, 3, 1, 1, 0);
	ck_assert_int_eq(status(&x).result, NOTIFY_GAVE_UP);
	run_end(&x);
}
END_TEST

Suite *notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("message");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_message_ldns);
	tcase_add_test(tc, test_message_signed_ldns);
	suite_add_tcase(s, tc);
	tc = tcase_create("loop");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_answered);
	tcase_add_test(tc, test_notauth);
	tcase_add_test(tc, test_retried);
	tcase_add_test(tc, test_gave_up);
	tcase_add_test(tc, test_wrong_answers_ignored);
	tcase_add_test(tc, test_superseded);
	tcase_add_test(tc, test_signed);
	tcase_add_test(tc, test_unsigned_answer_fails);
	tcase_add_test(tc, test_badkey_answer);
	tcase_add_test(tc, test_badkey_status);
	tcase_add_test(tc, test_targets_and_errors);
	tcase_add_test(tc, test_key_removed);
	suite_add_tcase(s, tc);
	return s;
}
