/*
 * test_cookie.c - DNS server cookies: SipHash-2-4 against the reference
 * vectors of the SipHash paper, the RFC 9018 Appendix A exchanges byte for
 * byte (generation, verification and the cookie each response carries),
 * secret rollover, the timestamp window with serial wrap-around, every way a
 * Server Cookie can be wrong, every malformed option length, and secret
 * parsing and generation.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/hash.h"
#include "query/cookie.h"
#include "common/gd.h"
#include "unit.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* ---- helpers ---- */

/* Decode a hex string that the test itself wrote (must be well formed). */
static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void secret_of(const char *hex, uint8_t out[COOKIE_SECRET_LEN])
{
	ck_assert_int_eq(cookie_secret_parse(hex, out), GD_OK);
}

/* An address as cookie.h takes it: family 1 with 4 octets or 2 with 16. */
struct addr {
	int family;
	uint8_t a[16];
};

static struct addr ip(const char *s)
{
	struct addr r = {0, {0}};
	if (inet_pton(AF_INET, s, r.a) == 1)
		r.family = 1;
	else if (inet_pton(AF_INET6, s, r.a) == 1)
		r.family = 2;
	ck_assert_int_ne(r.family, 0);
	return r;
}

/* RFC 9018 Appendix A */
#define SECRET_A "e5e973e5a6b2a43f48e7dc849e37bfcf"   /* A.1 to A.3 */
#define SECRET_A4_OLD "dd3bdf9344b678b185a6f5cb60fca715"
#define SECRET_A4_NEW "445536bcd2513298075a5d379663c962"
#define CLIENT_A1 "2464c4abcf10c957"
#define IP_A1 "198.51.100.100"
#define TIME_A1 1559731985u
#define RESP_A1 "2464c4abcf10c957010000005cf79f111f8130c3eee29480"
#define TIME_A2 1559734385u
#define RESP_A2 "2464c4abcf10c957010000005cf7a871d4a564a1442aca77"
#define CLIENT_A3 "fc93fc62807ddb86"
#define IP_A3 "203.0.113.203"
#define QUERY_A3 "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5"
#define QTIME_A3 1559727985u  /* the Timestamp in QUERY_A3 */
#define TIME_A3 1559734700u
#define RESP_A3 "fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e"
#define CLIENT_A4 "22681ab97d52c298"
#define IP_A4 "2001:db8:220:1:59de:d0f4:8769:82b8"
#define QUERY_A4 "22681ab97d52c298010000005cf7c57926556bd0934c72f8"
#define QTIME_A4 1559741817u
#define TIME_A4 1559741961u
#define RESP_A4 "22681ab97d52c298010000005cf7c609a6bb79d16625507a"

static struct cookie_secrets secrets_a(void)
{
	struct cookie_secrets s;
	memset(&s, 0, sizeof(s));
	secret_of(SECRET_A, s.current);
	return s;
}

/* Make a cookie for CLIENT_A1 at IP_A1 at time t with the current secret. */
static void make_a1(const struct cookie_secrets *s, uint32_t t, uint8_t out[COOKIE_OPT_LEN])
{
	uint8_t client[8];
	struct addr a = ip(IP_A1);
	unhex(CLIENT_A1, client);
	ck_assert_uint_eq(cookie_make(s, client, a.family, a.a, t, out), COOKIE_OPT_LEN);
}

/* What the answer path concludes of a query's cookie option (cookie_answer
 * without the cookie it writes). */
static enum cookie_check cookie_verify(const struct cookie_secrets *s, const uint8_t *opt,
				       size_t len, int family, const uint8_t *addr, uint32_t now)
{
	uint8_t out[COOKIE_OPT_LEN];
	size_t outlen;
	return cookie_answer(s, opt, len, family, addr, now, out, &outlen);
}

static enum cookie_check verify_a1(const struct cookie_secrets *s, const uint8_t *opt,
				   size_t len, uint32_t now)
{
	struct addr a = ip(IP_A1);
	return cookie_verify(s, opt, len, a.family, a.a, now);
}

/* ====================================================================== */
/* RFC 9018 Appendix A                                                     */
/* ====================================================================== */

/* A.1: a client-only query gets its Client Cookie back with a new Server
 * Cookie. */
START_TEST(test_a1_make)
{
	struct cookie_secrets s = secrets_a();
	uint8_t out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	unhex(RESP_A1, want);
	make_a1(&s, TIME_A1, out);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

START_TEST(test_a1_answer)
{
	struct cookie_secrets s = secrets_a();
	uint8_t q[8], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	size_t outlen = 99;
	struct addr a = ip(IP_A1);
	unhex(CLIENT_A1, q);
	unhex(RESP_A1, want);
	ck_assert_int_eq(cookie_answer(&s, q, 8, a.family, a.a, TIME_A1, out, &outlen),
			 COOKIE_CLIENT_ONLY);
	ck_assert_uint_eq(outlen, COOKIE_OPT_LEN);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

START_TEST(test_a1_cookie_verifies)
{
	struct cookie_secrets s = secrets_a();
	uint8_t c[COOKIE_OPT_LEN];
	unhex(RESP_A1, c);
	ck_assert_int_eq(verify_a1(&s, c, sizeof(c), TIME_A1), COOKIE_VALID);
}
END_TEST

/* A.2: 40 minutes later the cookie is still valid but older than half an
 * hour: the response carries a renewed one. */
START_TEST(test_a2_make)
{
	struct cookie_secrets s = secrets_a();
	uint8_t out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	unhex(RESP_A2, want);
	make_a1(&s, TIME_A2, out);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

START_TEST(test_a2_answer)
{
	struct cookie_secrets s = secrets_a();
	uint8_t q[COOKIE_OPT_LEN], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	size_t outlen = 0;
	struct addr a = ip(IP_A1);
	unhex(RESP_A1, q);
	unhex(RESP_A2, want);
	ck_assert_int_eq(cookie_answer(&s, q, sizeof(q), a.family, a.a, TIME_A2, out, &outlen),
			 COOKIE_VALID);
	ck_assert_uint_eq(outlen, COOKIE_OPT_LEN);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
	/* and the renewed cookie is itself valid */
	ck_assert_int_eq(verify_a1(&s, out, outlen, TIME_A2), COOKIE_VALID);
}
END_TEST

/* A.3: another client's cookie has non-zero Reserved octets, which are part
 * of the hash; the response carries a fresh cookie with them zero. */
START_TEST(test_a3_make)
{
	struct cookie_secrets s = secrets_a();
	uint8_t client[8], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	struct addr a = ip(IP_A3);
	unhex(CLIENT_A3, client);
	unhex(RESP_A3, want);
	ck_assert_uint_eq(cookie_make(&s, client, a.family, a.a, TIME_A3, out), COOKIE_OPT_LEN);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

START_TEST(test_a3_reserved_hashed_as_received)
{
	struct cookie_secrets s = secrets_a();
	uint8_t q[COOKIE_OPT_LEN];
	struct addr a = ip(IP_A3);
	unhex(QUERY_A3, q);
	/* within its hour the hash (over Reserved = abcdef) matches */
	ck_assert_int_eq(cookie_verify(&s, q, sizeof(q), a.family, a.a, QTIME_A3), COOKIE_VALID);
	ck_assert_int_eq(cookie_verify(&s, q, sizeof(q), a.family, a.a, QTIME_A3 + 3600),
			 COOKIE_VALID);
	/* Reserved zeroed: the hash no longer matches */
	q[9] = q[10] = q[11] = 0;
	ck_assert_int_eq(cookie_verify(&s, q, sizeof(q), a.family, a.a, QTIME_A3), COOKIE_BAD);
}
END_TEST

START_TEST(test_a3_reserved_not_echoed)
{
	/* valid and young, but not echoed: ours have zero Reserved octets */
	struct cookie_secrets s = secrets_a();
	uint8_t q[COOKIE_OPT_LEN], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	uint8_t client[8];
	size_t outlen = 0;
	struct addr a = ip(IP_A3);
	unhex(QUERY_A3, q);
	unhex(CLIENT_A3, client);
	ck_assert_int_eq(cookie_answer(&s, q, sizeof(q), a.family, a.a, QTIME_A3 + 10, out, &outlen),
			 COOKIE_VALID);
	ck_assert_uint_eq(outlen, COOKIE_OPT_LEN);
	cookie_make(&s, client, a.family, a.a, QTIME_A3 + 10, want);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

START_TEST(test_a3_answer)
{
	/* The appendix's query arrives 6715 s (1 h 52 min) after its
	 * Timestamp: beyond the hour RFC 9018 4.3 allows, so this server
	 * counts it bad; either way the response carries a fresh cookie, and
	 * that is the appendix's response byte for byte. */
	struct cookie_secrets s = secrets_a();
	uint8_t q[COOKIE_OPT_LEN], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	size_t outlen = 0;
	struct addr a = ip(IP_A3);
	unhex(QUERY_A3, q);
	unhex(RESP_A3, want);
	ck_assert_int_eq(cookie_answer(&s, q, sizeof(q), a.family, a.a, TIME_A3, out, &outlen),
			 COOKIE_BAD);
	ck_assert_uint_eq(outlen, COOKIE_OPT_LEN);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

/* A.4: an IPv6 client holds a cookie made with the old secret; the server
 * has rolled over, still accepts it, and answers with one made with the new
 * secret. */
START_TEST(test_a4_old_cookie_make)
{
	struct cookie_secrets s;
	uint8_t client[8], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	struct addr a = ip(IP_A4);
	memset(&s, 0, sizeof(s));
	secret_of(SECRET_A4_OLD, s.current);
	unhex(CLIENT_A4, client);
	unhex(QUERY_A4, want);
	cookie_make(&s, client, a.family, a.a, QTIME_A4, out);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

START_TEST(test_a4_make)
{
	struct cookie_secrets s;
	uint8_t client[8], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	struct addr a = ip(IP_A4);
	memset(&s, 0, sizeof(s));
	secret_of(SECRET_A4_NEW, s.current);
	unhex(CLIENT_A4, client);
	unhex(RESP_A4, want);
	cookie_make(&s, client, a.family, a.a, TIME_A4, out);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

START_TEST(test_a4_answer)
{
	struct cookie_secrets s;
	uint8_t q[COOKIE_OPT_LEN], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	size_t outlen = 0;
	struct addr a = ip(IP_A4);
	memset(&s, 0, sizeof(s));
	secret_of(SECRET_A4_NEW, s.current);
	secret_of(SECRET_A4_OLD, s.previous);
	s.have_previous = true;
	unhex(QUERY_A4, q);
	unhex(RESP_A4, want);
	/* only 144 s old, but made with the previous secret: renewed */
	ck_assert_int_eq(cookie_answer(&s, q, sizeof(q), a.family, a.a, TIME_A4, out, &outlen),
			 COOKIE_VALID);
	ck_assert_uint_eq(outlen, COOKIE_OPT_LEN);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

START_TEST(test_a4_without_previous_is_bad)
{
	struct cookie_secrets s;
	uint8_t q[COOKIE_OPT_LEN], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	size_t outlen = 0;
	struct addr a = ip(IP_A4);
	memset(&s, 0, sizeof(s));
	secret_of(SECRET_A4_NEW, s.current);
	secret_of(SECRET_A4_OLD, s.previous); /* present but not kept */
	unhex(QUERY_A4, q);
	unhex(RESP_A4, want);
	ck_assert_int_eq(cookie_answer(&s, q, sizeof(q), a.family, a.a, TIME_A4, out, &outlen),
			 COOKIE_BAD);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

/* ====================================================================== */
/* rollover                                                                */
/* ====================================================================== */

START_TEST(test_rollover_stages)
{
	/* RFC 9018 section 5 with two slots: stage 1 learns the new secret
	 * (previous = new), stage 2 swaps, stage 3 drops the old one */
	uint8_t old_key[16], new_key[16];
	secret_of(SECRET_A4_OLD, old_key);
	secret_of(SECRET_A4_NEW, new_key);
	struct cookie_secrets before, stage1, stage2, stage3;
	memset(&before, 0, sizeof(before));
	memcpy(before.current, old_key, 16);
	stage1 = before;
	memcpy(stage1.previous, new_key, 16);
	stage1.have_previous = true;
	memset(&stage2, 0, sizeof(stage2));
	memcpy(stage2.current, new_key, 16);
	memcpy(stage2.previous, old_key, 16);
	stage2.have_previous = true;
	stage3 = stage2;
	stage3.have_previous = false;

	uint32_t t = TIME_A1;
	uint8_t by_old[COOKIE_OPT_LEN], by_new[COOKIE_OPT_LEN];
	make_a1(&before, t, by_old);
	make_a1(&stage2, t, by_new);
	ck_assert_mem_ne(by_old, by_new, COOKIE_OPT_LEN);

	ck_assert_int_eq(verify_a1(&before, by_old, COOKIE_OPT_LEN, t), COOKIE_VALID);
	ck_assert_int_eq(verify_a1(&before, by_new, COOKIE_OPT_LEN, t), COOKIE_BAD);
	/* stage 1: a server already in stage 2 hands out new-secret cookies */
	ck_assert_int_eq(verify_a1(&stage1, by_old, COOKIE_OPT_LEN, t), COOKIE_VALID);
	ck_assert_int_eq(verify_a1(&stage1, by_new, COOKIE_OPT_LEN, t), COOKIE_VALID);
	/* stage 2: both still verify */
	ck_assert_int_eq(verify_a1(&stage2, by_old, COOKIE_OPT_LEN, t), COOKIE_VALID);
	ck_assert_int_eq(verify_a1(&stage2, by_new, COOKIE_OPT_LEN, t), COOKIE_VALID);
	/* stage 3: the old secret is gone */
	ck_assert_int_eq(verify_a1(&stage3, by_old, COOKIE_OPT_LEN, t), COOKIE_BAD);
	ck_assert_int_eq(verify_a1(&stage3, by_new, COOKIE_OPT_LEN, t), COOKIE_VALID);
}
END_TEST

START_TEST(test_rollover_previous_is_renewed)
{
	/* a young cookie valid only under the previous secret is replaced by
	 * one made with the current secret; a current one is echoed */
	struct cookie_secrets old = secrets_a(), now;
	memset(&now, 0, sizeof(now));
	secret_of(SECRET_A4_NEW, now.current);
	memcpy(now.previous, old.current, 16);
	now.have_previous = true;
	uint8_t held[COOKIE_OPT_LEN], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	size_t outlen;
	struct addr a = ip(IP_A1);
	make_a1(&old, TIME_A1, held);
	ck_assert_int_eq(cookie_answer(&now, held, COOKIE_OPT_LEN, a.family, a.a, TIME_A1 + 5,
				       out, &outlen),
			 COOKIE_VALID);
	make_a1(&now, TIME_A1 + 5, want);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
	ck_assert_int_eq(cookie_answer(&now, want, COOKIE_OPT_LEN, a.family, a.a, TIME_A1 + 6,
				       out, &outlen),
			 COOKIE_VALID);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
}
END_TEST

/* ====================================================================== */
/* timestamps                                                              */
/* ====================================================================== */

/* verdict on a cookie made at `made` and presented at `now` */
static enum cookie_check aged(uint32_t made, uint32_t now)
{
	struct cookie_secrets s = secrets_a();
	uint8_t c[COOKIE_OPT_LEN];
	make_a1(&s, made, c);
	return verify_a1(&s, c, sizeof(c), now);
}

START_TEST(test_time_hour_old_ok)
{
	ck_assert_int_eq(aged(TIME_A1, TIME_A1), COOKIE_VALID);
	ck_assert_int_eq(aged(TIME_A1, TIME_A1 + 3599), COOKIE_VALID);
	ck_assert_int_eq(aged(TIME_A1, TIME_A1 + 3600), COOKIE_VALID);
}
END_TEST

START_TEST(test_time_hour_and_a_second_bad)
{
	ck_assert_int_eq(aged(TIME_A1, TIME_A1 + 3601), COOKIE_BAD);
	ck_assert_int_eq(aged(TIME_A1, TIME_A1 + 86400), COOKIE_BAD);
	/* half the serial space away: neither past nor future */
	ck_assert_int_eq(aged(TIME_A1, TIME_A1 + 0x80000000u), COOKIE_BAD);
}
END_TEST

START_TEST(test_time_future_five_minutes_ok)
{
	ck_assert_int_eq(aged(TIME_A1 + 1, TIME_A1), COOKIE_VALID);
	ck_assert_int_eq(aged(TIME_A1 + 300, TIME_A1), COOKIE_VALID);
}
END_TEST

START_TEST(test_time_future_301_bad)
{
	ck_assert_int_eq(aged(TIME_A1 + 301, TIME_A1), COOKIE_BAD);
	ck_assert_int_eq(aged(TIME_A1 + 3600, TIME_A1), COOKIE_BAD);
}
END_TEST

START_TEST(test_time_serial_wrap_past)
{
	/* made just before 2^32 seconds, presented after the counter wrapped */
	uint32_t made = 0xFFFFFF00u;
	ck_assert_int_eq(aged(made, made + 256), COOKIE_VALID);   /* now = 0 */
	ck_assert_int_eq(aged(made, made + 3600), COOKIE_VALID);  /* now = 3344 */
	ck_assert_int_eq(aged(made, made + 3601), COOKIE_BAD);
}
END_TEST

START_TEST(test_time_serial_wrap_future)
{
	/* made by a server whose clock already wrapped, presented to one
	 * whose clock has not */
	ck_assert_int_eq(aged(100, 0xFFFFFFFFu - 199), COOKIE_VALID); /* 300 ahead */
	ck_assert_int_eq(aged(100, 0xFFFFFFFFu - 200), COOKIE_BAD);   /* 301 ahead */
}
END_TEST

/* what cookie_answer echoes for a valid cookie made at `made` */
static bool echoed(uint32_t made, uint32_t now)
{
	struct cookie_secrets s = secrets_a();
	uint8_t c[COOKIE_OPT_LEN], out[COOKIE_OPT_LEN];
	size_t outlen = 0;
	struct addr a = ip(IP_A1);
	make_a1(&s, made, c);
	ck_assert_int_eq(cookie_answer(&s, c, sizeof(c), a.family, a.a, now, out, &outlen),
			 COOKIE_VALID);
	ck_assert_uint_eq(outlen, COOKIE_OPT_LEN);
	ck_assert_mem_eq(out, c, COOKIE_CLIENT_LEN);
	if (memcmp(out, c, COOKIE_OPT_LEN) == 0)
		return true;
	/* renewed: stamped now */
	uint8_t fresh[COOKIE_OPT_LEN];
	make_a1(&s, now, fresh);
	ck_assert_mem_eq(out, fresh, COOKIE_OPT_LEN);
	return false;
}

START_TEST(test_renewal_after_half_an_hour)
{
	ck_assert(echoed(TIME_A1, TIME_A1));
	ck_assert(echoed(TIME_A1, TIME_A1 + 1799));
	ck_assert(!echoed(TIME_A1, TIME_A1 + 1800));
	ck_assert(!echoed(TIME_A1, TIME_A1 + 3600));
	ck_assert(echoed(TIME_A1 + 300, TIME_A1)); /* ahead of our clock */
	ck_assert(echoed(0xFFFFFF00u, 0xFFFFFF00u + 1000)); /* across the wrap */
	ck_assert(!echoed(0xFFFFFF00u, 0xFFFFFF00u + 1800));
}
END_TEST

/* ====================================================================== */
/* verification                                                            */
/* ====================================================================== */

START_TEST(test_tampered_hash_bad)
{
	struct cookie_secrets s = secrets_a();
	uint8_t c[COOKIE_OPT_LEN];
	unhex(RESP_A1, c);
	for (unsigned i = 16; i < COOKIE_OPT_LEN; i++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			c[i] ^= (uint8_t)(1u << bit);
			ck_assert_int_eq(verify_a1(&s, c, sizeof(c), TIME_A1), COOKIE_BAD);
			c[i] ^= (uint8_t)(1u << bit);
		}
	}
	ck_assert_int_eq(verify_a1(&s, c, sizeof(c), TIME_A1), COOKIE_VALID);
}
END_TEST

START_TEST(test_tampered_fields_bad)
{
	/* Client Cookie, Reserved and Timestamp are all under the hash */
	struct cookie_secrets s = secrets_a();
	uint8_t c[COOKIE_OPT_LEN];
	unhex(RESP_A1, c);
	for (unsigned i = 0; i < 16; i++) {
		if (i == 8)
			continue; /* the Version: test_wrong_version_bad */
		c[i] ^= 0x01;
		ck_assert_int_eq(verify_a1(&s, c, sizeof(c), TIME_A1), COOKIE_BAD);
		c[i] ^= 0x01;
	}
}
END_TEST

START_TEST(test_wrong_client_ip_bad)
{
	struct cookie_secrets s = secrets_a();
	uint8_t c[COOKIE_OPT_LEN];
	unhex(RESP_A1, c);
	struct addr other = ip("198.51.100.101");
	ck_assert_int_eq(cookie_verify(&s, c, sizeof(c), other.family, other.a, TIME_A1),
			 COOKIE_BAD);
	struct addr v6 = ip("2001:db8::1");
	ck_assert_int_eq(cookie_verify(&s, c, sizeof(c), v6.family, v6.a, TIME_A1), COOKIE_BAD);
	/* the A.4 IPv6 cookie from another IPv6 address */
	struct cookie_secrets s4;
	memset(&s4, 0, sizeof(s4));
	secret_of(SECRET_A4_OLD, s4.current);
	unhex(QUERY_A4, c);
	struct addr a4 = ip(IP_A4), near = ip("2001:db8:220:1:59de:d0f4:8769:82b9");
	ck_assert_int_eq(cookie_verify(&s4, c, sizeof(c), a4.family, a4.a, QTIME_A4),
			 COOKIE_VALID);
	ck_assert_int_eq(cookie_verify(&s4, c, sizeof(c), near.family, near.a, QTIME_A4),
			 COOKIE_BAD);
}
END_TEST

START_TEST(test_v4_mapped_is_ipv4)
{
	/* an IPv4 client seen through a dual-stack socket hashes as IPv4,
	 * as a server on an IPv4 socket in the same anycast set does */
	struct cookie_secrets s = secrets_a();
	uint8_t c[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN], client[8];
	struct addr mapped = ip("::ffff:198.51.100.100");
	ck_assert_int_eq(mapped.family, 2);
	unhex(RESP_A1, want);
	unhex(CLIENT_A1, client);
	cookie_make(&s, client, mapped.family, mapped.a, TIME_A1, c);
	ck_assert_mem_eq(c, want, COOKIE_OPT_LEN);
	ck_assert_int_eq(cookie_verify(&s, want, sizeof(want), mapped.family, mapped.a, TIME_A1),
			 COOKIE_VALID);
}
END_TEST

START_TEST(test_wrong_version_bad)
{
	struct cookie_secrets s = secrets_a();
	uint8_t c[COOKIE_OPT_LEN];
	unhex(RESP_A1, c);
	const uint8_t versions[] = {0, 2, 0x81, 0xff};
	for (size_t i = 0; i < sizeof(versions); i++) {
		c[8] = versions[i];
		ck_assert_int_eq(verify_a1(&s, c, sizeof(c), TIME_A1), COOKIE_BAD);
	}
}
END_TEST

START_TEST(test_other_server_cookie_lengths_bad)
{
	/* 8..32-octet Server Cookies other than ours are well formed (no
	 * FORMERR) but not valid: answered with a fresh cookie */
	struct cookie_secrets s = secrets_a();
	uint8_t q[40], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	struct addr a = ip(IP_A1);
	unhex(RESP_A1, q);
	memset(q + COOKIE_OPT_LEN, 0, sizeof(q) - COOKIE_OPT_LEN);
	make_a1(&s, TIME_A1 + 7, want);
	for (size_t len = 16; len <= 40; len++) {
		if (len == COOKIE_OPT_LEN)
			continue;
		size_t outlen = 0;
		ck_assert_int_eq(cookie_verify(&s, q, len, a.family, a.a, TIME_A1), COOKIE_BAD);
		ck_assert_int_eq(cookie_answer(&s, q, len, a.family, a.a, TIME_A1 + 7, out, &outlen),
				 COOKIE_BAD);
		ck_assert_uint_eq(outlen, COOKIE_OPT_LEN);
		ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
	}
}
END_TEST

START_TEST(test_malformed_lengths)
{
	struct cookie_secrets s = secrets_a();
	uint8_t q[128], out[COOKIE_OPT_LEN];
	struct addr a = ip(IP_A1);
	memset(q, 0x5a, sizeof(q));
	for (size_t len = 0; len < sizeof(q); len++) {
		bool ok = len == 8 || (len >= 16 && len <= 40);
		ck_assert_int_eq(cookie_len_ok(len), ok);
		if (ok)
			continue;
		size_t outlen = 99;
		ck_assert_int_eq(cookie_verify(&s, q, len, a.family, a.a, TIME_A1),
				 COOKIE_MALFORMED);
		ck_assert_int_eq(cookie_answer(&s, q, len, a.family, a.a, TIME_A1, out, &outlen),
				 COOKIE_MALFORMED);
		ck_assert_uint_eq(outlen, 0);
	}
	ck_assert(!cookie_len_ok(65535));
	ck_assert(!cookie_len_ok(SIZE_MAX));
}
END_TEST

START_TEST(test_client_only)
{
	struct cookie_secrets s = secrets_a();
	uint8_t q[8], out[COOKIE_OPT_LEN];
	size_t outlen = 0;
	struct addr a = ip("2001:db8::53");
	memset(q, 0xab, sizeof(q));
	ck_assert_int_eq(cookie_verify(&s, q, 8, a.family, a.a, 12345), COOKIE_CLIENT_ONLY);
	ck_assert_int_eq(cookie_answer(&s, q, 8, a.family, a.a, 12345, out, &outlen),
			 COOKIE_CLIENT_ONLY);
	ck_assert_uint_eq(outlen, COOKIE_OPT_LEN);
	ck_assert_mem_eq(out, q, 8);
	ck_assert_mem_eq(out + 8, "\x01\x00\x00\x00\x00\x00\x30\x39", 8);
	/* what the client gets back is valid when it returns it */
	ck_assert_int_eq(cookie_verify(&s, out, outlen, a.family, a.a, 12345 + 60), COOKIE_VALID);
}
END_TEST

START_TEST(test_no_option)
{
	struct cookie_secrets s = secrets_a();
	uint8_t out[COOKIE_OPT_LEN];
	size_t outlen = 99;
	struct addr a = ip(IP_A1);
	ck_assert_int_eq(cookie_verify(&s, NULL, 0, a.family, a.a, TIME_A1), COOKIE_NONE);
	ck_assert_int_eq(cookie_answer(&s, NULL, 0, a.family, a.a, TIME_A1, out, &outlen),
			 COOKIE_NONE);
	ck_assert_uint_eq(outlen, 0);
}
END_TEST

START_TEST(test_bad_cookie_answered_fresh)
{
	/* a cookie of another server (another secret) gets ours, which then
	 * verifies */
	struct cookie_secrets s = secrets_a(), other;
	uint8_t q[COOKIE_OPT_LEN], out[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	size_t outlen = 0;
	struct addr a = ip(IP_A1);
	memset(&other, 0, sizeof(other));
	secret_of(SECRET_A4_NEW, other.current);
	make_a1(&other, TIME_A1, q);
	make_a1(&s, TIME_A1, want);
	ck_assert_int_eq(cookie_answer(&s, q, sizeof(q), a.family, a.a, TIME_A1, out, &outlen),
			 COOKIE_BAD);
	ck_assert_mem_eq(out, want, COOKIE_OPT_LEN);
	ck_assert_int_eq(verify_a1(&s, out, outlen, TIME_A1), COOKIE_VALID);
}
END_TEST

START_TEST(test_answer_in_place)
{
	/* the query's option data and the output may be the same buffer */
	struct cookie_secrets s = secrets_a();
	uint8_t buf[COOKIE_OPT_LEN], want[COOKIE_OPT_LEN];
	size_t outlen = 0;
	struct addr a = ip(IP_A1);
	unhex(RESP_A1, buf);
	unhex(RESP_A2, want);
	ck_assert_int_eq(cookie_answer(&s, buf, sizeof(buf), a.family, a.a, TIME_A2, buf, &outlen),
			 COOKIE_VALID);
	ck_assert_mem_eq(buf, want, COOKIE_OPT_LEN);
}
END_TEST

/* ====================================================================== */
/* secrets                                                                 */
/* ====================================================================== */

START_TEST(test_secret_parse_good)
{
	uint8_t k[16];
	ck_assert_int_eq(cookie_secret_parse("000102030405060708090a0b0c0d0e0f", k), GD_OK);
	ck_assert_mem_eq(k, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16);
	ck_assert_int_eq(cookie_secret_parse("E5E973E5A6B2A43F48E7DC849E37BFCF", k), GD_OK);
	ck_assert_mem_eq(k, "\xe5\xe9\x73\xe5\xa6\xb2\xa4\x3f\x48\xe7\xdc\x84\x9e\x37\xbf\xcf", 16);
	ck_assert_int_eq(cookie_secret_parse("e5E973e5A6b2a43f48e7dc849e37BfcF", k), GD_OK);
	ck_assert_mem_eq(k, "\xe5\xe9\x73\xe5\xa6\xb2\xa4\x3f\x48\xe7\xdc\x84\x9e\x37\xbf\xcf", 16);
}
END_TEST

START_TEST(test_secret_parse_wrong_length)
{
	uint8_t k[16];
	memset(k, 0x77, sizeof(k));
	const char *bad[] = {
		"",
		"0",
		"000102030405060708090a0b0c0d0e0",    /* 31 */
		"000102030405060708090a0b0c0d0e",     /* 30 */
		"000102030405060708090a0b0c0d0e0f0",  /* 33 */
		"000102030405060708090a0b0c0d0e0f00", /* 34 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_int_eq(cookie_secret_parse(bad[i], k), GD_EINVAL);
	ck_assert_int_eq(cookie_secret_parse(NULL, k), GD_EINVAL);
	for (size_t i = 0; i < sizeof(k); i++)
		ck_assert_uint_eq(k[i], 0x77); /* untouched */
}
END_TEST

START_TEST(test_secret_parse_non_hex)
{
	uint8_t k[16];
	memset(k, 0x77, sizeof(k));
	const char *bad[] = {
		"g00102030405060708090a0b0c0d0e0f",
		"000102030405060708090a0b0c0d0e0g",
		"0x0102030405060708090a0b0c0d0e0f",
		" 00102030405060708090a0b0c0d0e0f",
		"000102030405060708090a0b0c0d0e0 ",
		"00010203-0405060708090a0b0c0d0e0",
		"000102030405060708090a0b0c0d0e0f\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_int_eq(cookie_secret_parse(bad[i], k), GD_EINVAL);
	for (size_t i = 0; i < sizeof(k); i++)
		ck_assert_uint_eq(k[i], 0x77);
}
END_TEST

START_TEST(test_secret_generate)
{
	struct cookie_secrets a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(cookie_secret_generate(a.current), GD_OK);
	ck_assert_int_eq(cookie_secret_generate(b.current), GD_OK);
	/* 2^-128 chance of a false failure */
	ck_assert_mem_ne(a.current, b.current, COOKIE_SECRET_LEN);
	uint8_t c[COOKIE_OPT_LEN];
	make_a1(&a, TIME_A1, c);
	ck_assert_int_eq(verify_a1(&a, c, sizeof(c), TIME_A1), COOKIE_VALID);
	ck_assert_int_eq(verify_a1(&b, c, sizeof(c), TIME_A1), COOKIE_BAD);
}
END_TEST

Suite *cookie_suite(void)
{
	Suite *s = suite_create("cookie");
	TCase *tc = tcase_create("siphash");
	suite_add_tcase(s, tc);

	tc = tcase_create("rfc9018");
	tcase_add_test(tc, test_a1_make);
	tcase_add_test(tc, test_a1_answer);
	tcase_add_test(tc, test_a1_cookie_verifies);
	tcase_add_test(tc, test_a2_make);
	tcase_add_test(tc, test_a2_answer);
	tcase_add_test(tc, test_a3_make);
	tcase_add_test(tc, test_a3_reserved_hashed_as_received);
	tcase_add_test(tc, test_a3_reserved_not_echoed);
	tcase_add_test(tc, test_a3_answer);
	tcase_add_test(tc, test_a4_old_cookie_make);
	tcase_add_test(tc, test_a4_make);
	tcase_add_test(tc, test_a4_answer);
	tcase_add_test(tc, test_a4_without_previous_is_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("rollover");
	tcase_add_test(tc, test_rollover_stages);
	tcase_add_test(tc, test_rollover_previous_is_renewed);
	suite_add_tcase(s, tc);

	tc = tcase_create("timestamps");
	tcase_add_test(tc, test_time_hour_old_ok);
	tcase_add_test(tc, test_time_hour_and_a_second_bad);
	tcase_add_test(tc, test_time_future_five_minutes_ok);
	tcase_add_test(tc, test_time_future_301_bad);
	tcase_add_test(tc, test_time_serial_wrap_past);
	tcase_add_test(tc, test_time_serial_wrap_future);
	tcase_add_test(tc, test_renewal_after_half_an_hour);
	suite_add_tcase(s, tc);

	tc = tcase_create("verify");
	tcase_add_test(tc, test_tampered_hash_bad);
	tcase_add_test(tc, test_tampered_fields_bad);
	tcase_add_test(tc, test_wrong_client_ip_bad);
	tcase_add_test(tc, test_v4_mapped_is_ipv4);
	tcase_add_test(tc, test_wrong_version_bad);
	tcase_add_test(tc, test_other_server_cookie_lengths_bad);
	tcase_add_test(tc, test_malformed_lengths);
	tcase_add_test(tc, test_client_only);
	tcase_add_test(tc, test_no_option);
	tcase_add_test(tc, test_bad_cookie_answered_fresh);
	tcase_add_test(tc, test_answer_in_place);
	suite_add_tcase(s, tc);

	tc = tcase_create("secrets");
	tcase_add_test(tc, test_secret_parse_good);
	tcase_add_test(tc, test_secret_parse_wrong_length);
	tcase_add_test(tc, test_secret_parse_non_hex);
	tcase_add_test(tc, test_secret_generate);
	suite_add_tcase(s, tc);
	return s;
}
