/*
 * test_tsig.c - TSIG (RFC 8945): the request's verification and the
 * response's signature with a fixed key and a fixed time; known-answer
 * vectors; BADKEY, BADSIG, BADTIME and the MAC sizes of 5.2.2.1.
 *
 * The known-answer MACs were computed independently of this code, with
 * OpenSSL's command line over digest inputs assembled by hand from the
 * RFC's field list (4.3.3), e.g. for the request:
 *   echo "$QUERY$VARS" | xxd -r -p |
 *     openssl dgst -sha256 -mac HMAC -macopt hexkey:$(printf secretsecretsecretsecret | xxd -p)
 * with QUERY and VARS the hex strings kat_query and kat_vars below (the
 * response's: "0020" REQUEST-MAC RESPONSE RESPONSE-VARS).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/gd.h"
#include "dns/tsig.h"
#include "dns/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KAT_TIME 1700000000u /* 0x6553f100 */

/* www.example.com/A, ID 0x1234, RD, ARCOUNT 0 (the TSIG not counted) */
static const char kat_query[] =
    "12340100000100000000000003777777076578616d706c6503636f6d0000010001";
/* the TSIG variables: k1.example., ANY, 0, hmac-sha256., KAT_TIME, 300, 0, 0 */
static const char kat_vars[] = "026b31076578616d706c650000ff000000000b686d61632d736861323536000000"
                               "6553f100012c00000000";
static const char kat_mac[] = "058a585e2e45b3edb177e4ab6599f92f7bc51bfdfa012dc4053a38852df87fe7";
/* the response: ID 0x1234, QR AA RD, the question; signed at KAT_TIME + 10 */
static const char kat_response[] =
    "12348500000100000000000003777777076578616d706c6503636f6d0000010001";
static const char kat_response_mac[] =
    "2a34bee237d036d08b109674415e831abf1d5be6873d5922459f5ce4a9991e99";
/* the BADTIME response: QR RD NOTAUTH; Time Signed the request's, Other
 * Data the server's time KAT_TIME + 1000 (0x6553f4e8) */
static const char kat_badtime_response[] =
    "12348109000100000000000003777777076578616d706c6503636f6d0000010001";
static const char kat_badtime_mac[] =
    "48a22915a0853a1f68e601f1d4bf92bb2b5b59e75e5bb2947c2fb0a8d95fdcef";

static uint8_t secret[] = "secretsecretsecretsecret";

static struct tsig_key keys[TSIG_ALGORITHMS];
static struct tsig_keyring ring;

/* k1.example. with each algorithm: keys[a] is named k1.example. for a = 0,
 * k<a+1>.example. for the others */
static void setup(void)
{
	for (int a = 0; a < TSIG_ALGORITHMS; a++) {
		char name[32];
		snprintf(name, sizeof(name), "k%d.example.", a + 1);
		keys[a].name_len = (uint8_t)tsig_name_from_text(name, keys[a].name);
		keys[a].algorithm = (enum tsig_algorithm)a;
		keys[a].secret = secret;
		keys[a].secret_len = sizeof(secret) - 1;
	}
	ring.keys = keys;
	ring.n = TSIG_ALGORITHMS;
}

/* A query (kat_query) with a TSIG record appended: owner as given (any
 * case), algorithm of key a, time, fudge 300, the MAC given (mac_len
 * octets), original ID 0x1234, error 0, no other data. ARCOUNT 1. */
static size_t build_request(uint8_t *pkt, const char *owner, int a, uint64_t time,
                            const uint8_t *mac, size_t mac_len)
{
	size_t n = unit_unhex(kat_query, pkt);
	pkt[11] = 1;
	uint8_t name[WIRE_NAME_MAX];
	size_t nl = 0;
	/* as given, case kept */
	for (const char *p = owner; *p;) {
		const char *dot = strchr(p, '.');
		size_t ll = dot ? (size_t)(dot - p) : strlen(p);
		name[nl++] = (uint8_t)ll;
		memcpy(name + nl, p, ll);
		nl += ll;
		p += ll + (dot != NULL);
		if (!dot)
			break;
	}
	name[nl++] = 0;
	memcpy(pkt + n, name, nl);
	n += nl;
	static const char *const algs[] = {"\013hmac-sha256", "\013hmac-sha384", "\013hmac-sha512",
	                                   "\011hmac-sha1"};
	size_t al = strlen(algs[a]) + 1;
	wr16(pkt + n, TYPE_TSIG);
	wr16(pkt + n + 2, CLASS_ANY);
	wr32(pkt + n + 4, 0);
	wr16(pkt + n + 8, (uint16_t)(al + 16 + mac_len));
	n += 10;
	memcpy(pkt + n, algs[a], al);
	n += al;
	wr16(pkt + n, (uint16_t)(time >> 32));
	wr32(pkt + n + 2, (uint32_t)time);
	wr16(pkt + n + 6, 300);
	wr16(pkt + n + 8, (uint16_t)mac_len);
	memcpy(pkt + n + 10, mac, mac_len);
	n += 10 + mac_len;
	wr16(pkt + n, 0x1234);
	wr16(pkt + n + 2, 0);
	wr16(pkt + n + 4, 0);
	return n + 6;
}

/* The request MAC of key a over kat_query at time, computed in the test:
 * the digest input assembled here, the HMAC by tsig_hmac. */
static size_t request_mac(int a, uint64_t time, uint8_t *mac)
{
	uint8_t q[64], vars_a[6] = {0, 255, 0, 0, 0, 0}, vars_b[12] = {0};
	size_t ql = unit_unhex(kat_query, q);
	static const char *const algs[] = {"\013hmac-sha256", "\013hmac-sha384", "\013hmac-sha512",
	                                   "\011hmac-sha1"};
	wr16(vars_b, (uint16_t)(time >> 32));
	wr32(vars_b + 2, (uint32_t)time);
	wr16(vars_b + 6, 300);
	const uint8_t *parts[] = {q, keys[a].name, vars_a, (const uint8_t *)algs[a], vars_b};
	size_t lens[] = {ql, keys[a].name_len, 6, strlen(algs[a]) + 1, 12};
	return tsig_hmac(&keys[a], parts, lens, 5, mac);
}

static void parse(const uint8_t *pkt, size_t len, struct query *q)
{
	ck_assert_int_eq(wire_parse_query_opts(pkt, len, q, 0), GD_OK);
	ck_assert(q->tsig);
}

START_TEST(test_known_answer_request)
{
	uint8_t in[512], want[TSIG_MAC_MAX], pkt[512];
	size_t n = unit_unhex(kat_query, in);
	n += unit_unhex(kat_vars, in + n);
	ck_assert_uint_eq(unit_unhex(kat_mac, want), 32);
	/* the digest input, MACed by tsig_hmac: the independent digest */
	uint8_t mac[TSIG_MAC_MAX];
	const uint8_t *parts[] = {in};
	size_t lens[] = {n};
	ck_assert_uint_eq(tsig_hmac(&keys[0], parts, lens, 1, mac), 32);
	ck_assert_mem_eq(mac, want, 32);
	/* and the request carrying it verifies */
	size_t len = build_request(pkt, "k1.example", 0, KAT_TIME, want, 32);
	struct query q;
	parse(pkt, len, &q);
	struct tsig_verdict v;
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME + 10, &v),
	                 GD_OK);
	ck_assert_ptr_eq(v.key, &keys[0]);
	ck_assert_uint_eq(v.error, 0);
	ck_assert(v.sign);
	ck_assert_uint_eq(v.mac_len, 32);
	ck_assert_mem_eq(v.mac, want, 32);
}
END_TEST

/* The known request (kat_query with kat_mac) into pkt, parsed into q and
 * verified at KAT_TIME + 10 into v. */
static void known_request(uint8_t *pkt, struct query *q, struct tsig_verdict *v)
{
	uint8_t mac[TSIG_MAC_MAX];
	unit_unhex(kat_mac, mac);
	size_t len = build_request(pkt, "k1.example", 0, KAT_TIME, mac, 32);
	parse(pkt, len, q);
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q->tsig_rr, &ring, KAT_TIME + 10, v),
	                 GD_OK);
}

START_TEST(test_known_answer_response)
{
	uint8_t pkt[512], msg[512], want[TSIG_MAC_MAX];
	struct query q;
	struct tsig_verdict v;
	known_request(pkt, &q, &v);
	size_t ml = unit_unhex(kat_response, msg);
	size_t out = tsig_append_response(msg, ml, sizeof(msg), &q.tsig_rr, &v);
	ck_assert_uint_eq(out, ml + tsig_response_space(&q.tsig_rr, &v));
	/* owner k1.example. (12), TYPE CLASS TTL RDLEN (10), algorithm (13),
	 * time 6, fudge 2, MAC size 2, MAC 32, original ID, error, other len */
	ck_assert_uint_eq(out - ml, 12 + 10 + 13 + 10 + 32 + 6);
	const uint8_t *f = msg + ml + 12 + 10 + 13;
	ck_assert_uint_eq(rd16(f) * 4294967296ull + rd32(f + 2), KAT_TIME + 10);
	ck_assert_uint_eq(rd16(f + 6), 300);
	ck_assert_uint_eq(rd16(f + 8), 32);
	unit_unhex(kat_response_mac, want);
	ck_assert_mem_eq(f + 10, want, 32);
	ck_assert_uint_eq(rd16(f + 42), 0x1234);
	ck_assert_uint_eq(rd16(f + 44), 0);
	ck_assert_uint_eq(rd16(f + 46), 0);
}
END_TEST

START_TEST(test_badtime)
{
	uint8_t pkt[512], msg[512], mac[TSIG_MAC_MAX];
	unit_unhex(kat_mac, mac);
	size_t len = build_request(pkt, "k1.example", 0, KAT_TIME, mac, 32);
	struct query q;
	parse(pkt, len, &q);
	struct tsig_verdict v;
	/* inside the fudge at both ends: verified */
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME + 300, &v),
	                 GD_OK);
	ck_assert_uint_eq(v.error, 0);
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME - 300, &v),
	                 GD_OK);
	ck_assert_uint_eq(v.error, 0);
	/* one second outside either way: BADTIME, signed */
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME - 301, &v),
	                 GD_OK);
	ck_assert_uint_eq(v.error, TSIG_ERROR_BADTIME);
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME + 1000, &v),
	                 GD_OK);
	ck_assert_uint_eq(v.error, TSIG_ERROR_BADTIME);
	ck_assert(v.sign);
	ck_assert_ptr_eq(v.key, &keys[0]);
	size_t ml = unit_unhex(kat_badtime_response, msg);
	size_t out = tsig_append_response(msg, ml, sizeof(msg), &q.tsig_rr, &v);
	ck_assert_uint_eq(out - ml, 12 + 10 + 13 + 10 + 32 + 6 + 6);
	const uint8_t *f = msg + ml + 12 + 10 + 13;
	/* Time Signed: the request's; Other Data: the server's time */
	ck_assert_uint_eq(rd16(f) * 4294967296ull + rd32(f + 2), KAT_TIME);
	uint8_t want[TSIG_MAC_MAX];
	unit_unhex(kat_badtime_mac, want);
	ck_assert_mem_eq(f + 10, want, 32);
	ck_assert_uint_eq(rd16(f + 44), TSIG_ERROR_BADTIME);
	ck_assert_uint_eq(rd16(f + 46), 6);
	ck_assert_uint_eq(rd16(f + 48) * 4294967296ull + rd32(f + 50), KAT_TIME + 1000);
}
END_TEST

/* every algorithm: a request MACed here verifies, and the key name is
 * matched without case */
START_TEST(test_round_trip_algorithms)
{
	for (int a = 0; a < TSIG_ALGORITHMS; a++) {
		uint8_t pkt[512], mac[TSIG_MAC_MAX];
		size_t ml = request_mac(a, KAT_TIME, mac);
		ck_assert_uint_eq(ml, tsig_mac_size((enum tsig_algorithm)a));
		char owner[32];
		snprintf(owner, sizeof(owner), "K%d.ExAmple", a + 1);
		size_t len = build_request(pkt, owner, a, KAT_TIME, mac, ml);
		struct query q;
		parse(pkt, len, &q);
		struct tsig_verdict v;
		ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME, &v),
		                 GD_OK);
		ck_assert_ptr_eq(v.key, &keys[a]);
		ck_assert_uint_eq(v.error, 0);
		ck_assert(v.sign);
		/* the response signed, then checked as a client would: the
		 * request MAC, the response without the TSIG, the variables */
		uint8_t msg[512];
		size_t rl = unit_unhex(kat_response, msg);
		size_t out = tsig_append_response(msg, rl, sizeof(msg), &q.tsig_rr, &v);
		ck_assert_uint_gt(out, rl);
		const uint8_t *rr = msg + rl;
		size_t owner_len = keys[a].name_len, alg_len = q.tsig_rr.alg_len;
		const uint8_t *f = rr + owner_len + 10 + alg_len;
		ck_assert_uint_eq(rd16(f + 8), ml);
		uint8_t prefix[2 + TSIG_MAC_MAX], vars_a[6] = {0, 255, 0, 0, 0, 0}, vars_b[12];
		wr16(prefix, (uint16_t)ml);
		memcpy(prefix + 2, mac, ml);
		memcpy(vars_b, f, 8);                   /* time signed, fudge */
		memcpy(vars_b + 8, f + 10 + ml + 2, 4); /* error, other len */
		uint8_t lower_alg[WIRE_NAME_MAX];
		wire_name_lower(q.tsig_rr.alg, alg_len, lower_alg);
		const uint8_t *parts[] = {prefix, msg, keys[a].name, vars_a, lower_alg, vars_b};
		size_t lens[] = {2 + ml, rl, owner_len, 6, alg_len, 12};
		uint8_t check[TSIG_MAC_MAX];
		ck_assert_uint_eq(tsig_hmac(&keys[a], parts, lens, 6, check), ml);
		ck_assert_mem_eq(check, f + 10, ml);
	}
}
END_TEST

START_TEST(test_badkey)
{
	uint8_t pkt[512], mac[TSIG_MAC_MAX], msg[512];
	size_t ml = request_mac(0, KAT_TIME, mac);
	/* a name we do not have */
	size_t len = build_request(pkt, "k9.example", 0, KAT_TIME, mac, ml);
	struct query q;
	parse(pkt, len, &q);
	struct tsig_verdict v;
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME, &v), GD_OK);
	ck_assert_ptr_null(v.key);
	ck_assert_uint_eq(v.error, TSIG_ERROR_BADKEY);
	ck_assert(!v.sign);
	/* the unsigned error: MAC size 0, the request's time, BADKEY */
	size_t rl = unit_unhex(kat_response, msg);
	size_t out = tsig_append_response(msg, rl, sizeof(msg), &q.tsig_rr, &v);
	ck_assert_uint_eq(out - rl, 12 + 10 + 13 + 16);
	const uint8_t *f = msg + rl + 12 + 10 + 13;
	ck_assert_uint_eq(rd32(f + 2), KAT_TIME);
	ck_assert_uint_eq(rd16(f + 8), 0);
	ck_assert_uint_eq(rd16(f + 12), TSIG_ERROR_BADKEY);
	/* our name with another algorithm than the key's: BADKEY too */
	len = build_request(pkt, "k1.example", 3, KAT_TIME, mac, 20);
	parse(pkt, len, &q);
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME, &v), GD_OK);
	ck_assert_uint_eq(v.error, TSIG_ERROR_BADKEY);
	/* no keys at all */
	struct tsig_keyring none = {0};
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &none, KAT_TIME, &v), GD_OK);
	ck_assert_uint_eq(v.error, TSIG_ERROR_BADKEY);
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, NULL, KAT_TIME, &v), GD_OK);
	ck_assert_uint_eq(v.error, TSIG_ERROR_BADKEY);
}
END_TEST

START_TEST(test_badsig)
{
	uint8_t pkt[512], mac[TSIG_MAC_MAX];
	size_t ml = request_mac(0, KAT_TIME, mac);
	size_t len = build_request(pkt, "k1.example", 0, KAT_TIME, mac, ml);
	struct query q;
	parse(pkt, len, &q);
	struct tsig_verdict v;
	/* one bit of the MAC */
	size_t mo = q.tsig_rr.mac_offset;
	for (size_t bit = 0; bit < 8 * ml; bit += 37) {
		pkt[mo + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME, &v),
		                 GD_OK);
		ck_assert_uint_eq(v.error, TSIG_ERROR_BADSIG);
		ck_assert(!v.sign);
		ck_assert_ptr_eq(v.key, &keys[0]);
		pkt[mo + bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* one bit of the message: the header's flags, the question's type,
	 * the ID (the original ID is what is signed: an ID changed on the way
	 * still verifies) */
	static const size_t flips[] = {2, 3, 20, 32};
	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		pkt[flips[i]] ^= 0x01;
		struct query q2;
		if (wire_parse_query_opts(pkt, len, &q2, 0) == GD_OK && q2.tsig) {
			ck_assert_int_eq(
			    tsig_verify_request(pkt, len, &q2.tsig_rr, &ring, KAT_TIME, &v), GD_OK);
			ck_assert_uint_eq(v.error, TSIG_ERROR_BADSIG);
		}
		pkt[flips[i]] ^= 0x01;
	}
	pkt[0] ^= 0x80;
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME, &v), GD_OK);
	ck_assert_uint_eq(v.error, 0);
	pkt[0] ^= 0x80;
	/* the time signed is covered too */
	len = build_request(pkt, "k1.example", 0, KAT_TIME + 1, mac, ml);
	parse(pkt, len, &q);
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME, &v), GD_OK);
	ck_assert_uint_eq(v.error, TSIG_ERROR_BADSIG);
	/* a wrong MAC with the time outside the fudge: BADSIG (the MAC is
	 * checked first, 5.2) */
	mac[0] ^= 1;
	len = build_request(pkt, "k1.example", 0, KAT_TIME, mac, ml);
	parse(pkt, len, &q);
	ck_assert_int_eq(tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME + 5000, &v),
	                 GD_OK);
	ck_assert_uint_eq(v.error, TSIG_ERROR_BADSIG);
}
END_TEST

/* RFC 8945 5.2.2.1: longer than the hash or shorter than max(10, half the
 * hash) is FORMERR; a truncation in between verifies on its octets */
START_TEST(test_truncated_mac)
{
	static const struct {
		int a;
		size_t least;
	} cases[] = {{0, 16}, {1, 24}, {2, 32}, {3, 10}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int a = cases[i].a;
		uint8_t pkt[600], mac[TSIG_MAC_MAX + 8] = {0};
		size_t full = request_mac(a, KAT_TIME, mac);
		struct query q;
		struct tsig_verdict v;
		size_t sizes[] = {cases[i].least, full - 1, full};
		char owner[32];
		snprintf(owner, sizeof(owner), "k%d.example", a + 1);
		for (size_t k = 0; k < 3; k++) {
			size_t len = build_request(pkt, owner, a, KAT_TIME, mac, sizes[k]);
			parse(pkt, len, &q);
			ck_assert_int_eq(
			    tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME, &v), GD_OK);
			ck_assert_uint_eq(v.error, 0);
			ck_assert_uint_eq(v.mac_len, sizes[k]);
			/* a bit flipped in the kept octets: BADSIG */
			pkt[q.tsig_rr.mac_offset + sizes[k] - 1] ^= 1;
			ck_assert_int_eq(
			    tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME, &v), GD_OK);
			ck_assert_uint_eq(v.error, TSIG_ERROR_BADSIG);
		}
		size_t bad[] = {cases[i].least - 1, full + 1, 0};
		for (size_t k = 0; k < 3; k++) {
			size_t len = build_request(pkt, owner, a, KAT_TIME, mac, bad[k]);
			parse(pkt, len, &q);
			ck_assert_int_eq(
			    tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME, &v),
			    GD_EFORMAT);
		}
	}
}
END_TEST

/* a response that does not fit: nothing written */
START_TEST(test_no_room)
{
	uint8_t pkt[512], mac[TSIG_MAC_MAX], msg[512];
	size_t ml = request_mac(0, KAT_TIME, mac);
	size_t len = build_request(pkt, "k1.example", 0, KAT_TIME, mac, ml);
	struct query q;
	parse(pkt, len, &q);
	struct tsig_verdict v;
	tsig_verify_request(pkt, len, &q.tsig_rr, &ring, KAT_TIME, &v);
	size_t rl = unit_unhex(kat_response, msg);
	size_t need = tsig_response_space(&q.tsig_rr, &v);
	memset(msg + rl, 0xAA, need);
	ck_assert_uint_eq(tsig_append_response(msg, rl, rl + need - 1, &q.tsig_rr, &v), 0);
	ck_assert_uint_eq(msg[rl], 0xAA);
	ck_assert_uint_eq(tsig_append_response(msg, rl, rl + need, &q.tsig_rr, &v), rl + need);
}
END_TEST

/* tsig_sign_request over kat_query at KAT_TIME: the known MAC, and the
 * record as build_request writes it by hand, octet for octet; the request
 * verifies */
START_TEST(test_sign_request_known_answer)
{
	uint8_t msg[512], want[512], kmac[TSIG_MAC_MAX], mac[TSIG_MAC_MAX];
	uint16_t mac_len = 0;
	unit_unhex(kat_mac, kmac);
	size_t ql = unit_unhex(kat_query, msg);
	size_t len =
	    tsig_sign_request(msg, ql, sizeof(msg), &keys[0], KAT_TIME, 300, mac, &mac_len);
	size_t wl = build_request(want, "k1.example", 0, KAT_TIME, kmac, 32);
	ck_assert_uint_eq(len, wl);
	ck_assert_mem_eq(msg, want, wl);
	ck_assert_uint_eq(mac_len, 32);
	ck_assert_mem_eq(mac, kmac, 32);
	struct query q;
	parse(msg, len, &q);
	struct tsig_verdict v;
	ck_assert_int_eq(tsig_verify_request(msg, len, &q.tsig_rr, &ring, KAT_TIME, &v), GD_OK);
	ck_assert_uint_eq(v.error, 0);
	ck_assert(v.sign);
	/* every algorithm: signed here, verified by the server's check */
	for (int a = 0; a < TSIG_ALGORITHMS; a++) {
		ql = unit_unhex(kat_query, msg);
		len = tsig_sign_request(msg, ql, sizeof(msg), &keys[a], KAT_TIME + 5, TSIG_FUDGE,
		                        mac, &mac_len);
		ck_assert_uint_gt(len, ql);
		ck_assert_uint_eq(mac_len, tsig_mac_size((enum tsig_algorithm)a));
		ck_assert_uint_eq(rd16(msg + 10), 1);
		parse(msg, len, &q);
		ck_assert_uint_eq(q.tsig_rr.fudge, TSIG_FUDGE);
		ck_assert_int_eq(tsig_verify_request(msg, len, &q.tsig_rr, &ring, KAT_TIME, &v),
		                 GD_OK);
		ck_assert_ptr_eq(v.key, &keys[a]);
		ck_assert_uint_eq(v.error, 0);
		ck_assert_mem_eq(v.mac, mac, mac_len);
	}
	/* no room: nothing written, ARCOUNT unchanged */
	ql = unit_unhex(kat_query, msg);
	memset(msg + ql, 0xAA, 100);
	size_t need = wl - ql;
	ck_assert_uint_eq(
	    tsig_sign_request(msg, ql, ql + need - 1, &keys[0], KAT_TIME, 300, mac, &mac_len), 0);
	ck_assert_uint_eq(msg[ql], 0xAA);
	ck_assert_uint_eq(rd16(msg + 10), 0);
	ck_assert_uint_eq(
	    tsig_sign_request(msg, ql, ql + need, &keys[0], KAT_TIME, 300, mac, &mac_len), wl);
}
END_TEST

/* The known response (kat_response signed at KAT_TIME + 10 over kat_mac),
 * as a client checks it: accepted; any change, another request MAC,
 * another key, the time outside the fudge and an unsigned error are not */
START_TEST(test_verify_response)
{
	uint8_t pkt[512], msg[512], kmac[TSIG_MAC_MAX];
	unit_unhex(kat_mac, kmac);
	struct query q;
	struct tsig_verdict v;
	known_request(pkt, &q, &v);
	size_t ml = unit_unhex(kat_response, msg);
	size_t rl = tsig_append_response(msg, ml, sizeof(msg), &q.tsig_rr, &v);
	msg[11] = 1; /* the TSIG counted */
	uint8_t want[TSIG_MAC_MAX];
	unit_unhex(kat_response_mac, want);
	ck_assert_mem_eq(msg + ml + 12 + 10 + 13 + 10, want, 32);
	struct wire_message m;
	ck_assert_int_eq(wire_parse_message(msg, rl, &m), GD_OK);
	ck_assert(m.tsig);
	struct tsig_key other = keys[0];
	other.algorithm = TSIG_HMAC_SHA512;
	static const struct {
		int key;          /* keys[key], or -1: other */
		uint16_t mac_len; /* of the request MAC given */
		uint64_t now;
		size_t flip_mac, flip_msg; /* an octet to change, 0: none */
		int want;
	} cases[] = {
	    {0, 32, KAT_TIME + 10, 0, 0, 0},
	    {0, 32, KAT_TIME + 310, 0, 0, 0},
	    {0, 32, KAT_TIME + 311, 0, 0, TSIG_ERROR_BADTIME},
	    {0, 32, KAT_TIME + 10, 5, 0, TSIG_ERROR_BADSIG},  /* another request MAC */
	    {0, 31, KAT_TIME + 10, 0, 0, TSIG_ERROR_BADSIG},  /* a truncated one */
	    {0, 32, KAT_TIME + 10, 0, 3, TSIG_ERROR_BADSIG},  /* the rcode changed */
	    {1, 32, KAT_TIME + 10, 0, 0, TSIG_ERROR_BADKEY},  /* another key name */
	    {-1, 32, KAT_TIME + 10, 0, 0, TSIG_ERROR_BADKEY}, /* another algorithm */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct tsig_key *k = cases[i].key < 0 ? &other : &keys[cases[i].key];
		kmac[cases[i].flip_mac] ^= cases[i].flip_mac ? 1 : 0;
		msg[cases[i].flip_msg] ^= cases[i].flip_msg ? 1 : 0;
		ck_assert_int_eq(tsig_verify_response(msg, rl, &m.tsig_rr, k, kmac,
		                                      cases[i].mac_len, cases[i].now),
		                 cases[i].want);
		kmac[cases[i].flip_mac] ^= cases[i].flip_mac ? 1 : 0;
		msg[cases[i].flip_msg] ^= cases[i].flip_msg ? 1 : 0;
	}
	/* the server's unsigned error (BADSIG: MAC size 0) is not signed */
	v.sign = false;
	v.error = TSIG_ERROR_BADSIG;
	ml = unit_unhex(kat_response, msg);
	rl = tsig_append_response(msg, ml, sizeof(msg), &q.tsig_rr, &v);
	msg[11] = 1;
	ck_assert_int_eq(wire_parse_message(msg, rl, &m), GD_OK);
	ck_assert_uint_eq(m.tsig_rr.mac_size, 0);
	ck_assert_uint_eq(m.tsig_rr.error, TSIG_ERROR_BADSIG);
	ck_assert_int_eq(
	    tsig_verify_response(msg, rl, &m.tsig_rr, &keys[0], kmac, 32, KAT_TIME + 10),
	    TSIG_ERROR_BADSIG);
}
END_TEST

/* ---- a multi-message response (RFC 8945 5.3.1) ---- */

#define STREAM_MSGS 204

/* The messages of a response: kat_response with the question's type i,
 * those in sign[] signed by the server's tsig_append_stream (the first
 * over the request MAC). An unsigned run before a signed message goes
 * into its MAC as the RFC says: the signer is handed the run and the
 * message as one (its MAC is then over the prior MAC, the unsigned
 * messages, this message and the timers), and the TSIG lands at the end
 * of the message. */
struct stream {
	uint8_t m[STREAM_MSGS][256];
	size_t len[STREAM_MSGS];
	size_t n;
};

static void make_stream(struct stream *st, size_t n, const bool *sign, struct tsig_verdict *v,
                        const struct query *q, uint64_t later)
{
	static uint8_t run[STREAM_MSGS * 256];
	size_t run_len = 0;
	st->n = n;
	for (size_t i = 0; i < n; i++) {
		size_t ml = unit_unhex(kat_response, st->m[i]);
		wr16(st->m[i] + ml - 4, (uint16_t)(i + 1));
		if (!sign[i]) {
			st->len[i] = ml;
			memcpy(run + run_len, st->m[i], ml);
			run_len += ml;
			continue;
		}
		memcpy(run + run_len, st->m[i], ml);
		size_t out =
		    tsig_append_stream(run, run_len + ml, sizeof(run), &q->tsig_rr, v, i == 0);
		ck_assert_uint_gt(out, run_len + ml);
		memcpy(st->m[i], run + run_len, out - run_len);
		st->len[i] = out - run_len;
		st->m[i][11] = 1; /* the TSIG counted */
		run_len = 0;
		if (i == 0)
			v->now += later; /* the later messages' Time Signed */
	}
}

/* Check st's messages from..to-1 with a new stream check at now: each
 * verified but message at, which gives code (and ends the check; code 0:
 * every message verified). */
static void check_stream(const struct stream *st, const struct tsig_key *key, const uint8_t *mac,
                         size_t from, size_t to, uint64_t now, size_t at, int code)
{
	struct tsig_stream ts;
	tsig_stream_init(&ts, key, mac, 32);
	for (size_t i = from; i < to; i++) {
		struct wire_message m;
		ck_assert_int_eq(wire_parse_message(st->m[i], st->len[i], &m), GD_OK);
		int rc =
		    tsig_verify_stream(&ts, st->m[i], st->len[i], m.tsig ? &m.tsig_rr : NULL, now);
		int want = i == at ? code : 0;
		ck_assert_msg(rc == want, "message %zu: %d, want %d", i, rc, want);
		if (rc)
			break;
		ck_assert_int_eq(tsig_stream_complete(&ts), m.tsig);
	}
	tsig_stream_clear(&ts);
}

/* tsig_verify_stream against the server's own signer: every message
 * signed, unsigned runs, 99 and 100 unsigned in a row, a flipped bit, a
 * message left out, the time, another key */
START_TEST(test_verify_stream)
{
	uint8_t pkt[512], kmac[TSIG_MAC_MAX];
	unit_unhex(kat_mac, kmac);
	struct query q;
	struct tsig_verdict v;
	static struct stream st;
	static bool sign[STREAM_MSGS];
	uint64_t now = KAT_TIME + 10;

	/* four messages, each signed, all at now */
	for (size_t i = 0; i < 4; i++)
		sign[i] = true;
	known_request(pkt, &q, &v);
	make_stream(&st, 4, sign, &v, &q, 0);
	check_stream(&st, &keys[0], kmac, 0, 4, now, 0, 0);
	check_stream(&st, &keys[0], kmac, 0, 4, now + 300, 0, 0);
	check_stream(&st, &keys[0], kmac, 0, 4, now + 301, 0, TSIG_ERROR_BADTIME);
	/* the later messages signed 400 s after the first */
	known_request(pkt, &q, &v);
	make_stream(&st, 4, sign, &v, &q, 400);
	check_stream(&st, &keys[0], kmac, 0, 4, now, 1, TSIG_ERROR_BADTIME);
	check_stream(&st, &keys[0], kmac, 0, 4, now + 400, 0, TSIG_ERROR_BADTIME);
	known_request(pkt, &q, &v);
	make_stream(&st, 4, sign, &v, &q, 0);
	/* another request MAC, another key, another algorithm */
	kmac[0] ^= 1;
	check_stream(&st, &keys[0], kmac, 0, 4, now, 0, TSIG_ERROR_BADSIG);
	kmac[0] ^= 1;
	check_stream(&st, &keys[1], kmac, 0, 4, now, 0, TSIG_ERROR_BADKEY);
	struct tsig_key other = keys[0];
	other.algorithm = TSIG_HMAC_SHA384;
	check_stream(&st, &other, kmac, 0, 4, now, 0, TSIG_ERROR_BADKEY);
	/* a bit of message 2 flipped (its question's type) */
	st.m[2][30] ^= 1;
	ck_assert_uint_eq(rd16(st.m[2] + 29), 3 ^ 1);
	check_stream(&st, &keys[0], kmac, 0, 4, now, 2, TSIG_ERROR_BADSIG);
	st.m[2][30] ^= 1;
	check_stream(&st, &keys[0], kmac, 0, 4, now, 0, 0);
	/* message 1 left out: message 2's prior MAC is not message 0's */
	struct stream gap = st;
	memcpy(gap.m[1], st.m[2], st.len[2]);
	gap.len[1] = st.len[2];
	check_stream(&gap, &keys[0], kmac, 0, 2, now, 1, TSIG_ERROR_BADSIG);

	/* unsigned runs between signed messages: 1 and 2, then 4 to 102
	 * (99 in a row), the last signed */
	memset(sign, 0, sizeof(sign));
	sign[0] = sign[3] = sign[103] = true;
	known_request(pkt, &q, &v);
	make_stream(&st, 104, sign, &v, &q, 0);
	check_stream(&st, &keys[0], kmac, 0, 104, now, 0, 0);
	/* a bit flipped in an unsigned message: the next signed one fails */
	st.m[50][3] ^= 0x10;
	check_stream(&st, &keys[0], kmac, 0, 104, now, 103, TSIG_ERROR_BADSIG);
	st.m[50][3] ^= 0x10;
	/* 100 in a row: the 100th is refused */
	memset(sign, 0, sizeof(sign));
	sign[0] = sign[101] = true;
	known_request(pkt, &q, &v);
	make_stream(&st, 102, sign, &v, &q, 0);
	check_stream(&st, &keys[0], kmac, 0, 102, now, 100, GD_ELIMIT);
	/* the first unsigned */
	check_stream(&st, &keys[0], kmac, 1, 3, now, 1, GD_EFORMAT);
	/* a TSIG with an error (the server's BADTIME, signed): refused */
	known_request(pkt, &q, &v);
	v.error = TSIG_ERROR_BADTIME;
	v.now = KAT_TIME + 10;
	size_t ml = unit_unhex(kat_badtime_response, st.m[0]);
	st.len[0] = tsig_append_stream(st.m[0], ml, sizeof(st.m[0]), &q.tsig_rr, &v, true);
	st.m[0][11] = 1;
	check_stream(&st, &keys[0], kmac, 0, 1, KAT_TIME, 0, TSIG_ERROR_BADTIME);
}
END_TEST

START_TEST(test_names_and_base64)
{
	uint8_t out[WIRE_NAME_MAX];
	ck_assert_uint_eq(tsig_name_from_text("Xfr.Example.", out), 13);
	ck_assert_mem_eq(out, "\003xfr\007example", 13);
	ck_assert_uint_eq(tsig_name_from_text("xfr", out), 5);
	ck_assert_uint_eq(tsig_name_from_text(".", out), 1);
	ck_assert_uint_eq(tsig_name_from_text("", out), 0);
	ck_assert_uint_eq(tsig_name_from_text("a..b", out), 0);
	ck_assert_uint_eq(tsig_name_from_text("a b", out), 0);
	ck_assert_uint_eq(tsig_name_from_text("a\\.b", out), 0);
	char longlabel[80];
	memset(longlabel, 'a', 64);
	longlabel[64] = 0;
	ck_assert_uint_eq(tsig_name_from_text(longlabel, out), 0);
	longlabel[63] = 0;
	ck_assert_uint_eq(tsig_name_from_text(longlabel, out), 65);

	uint8_t b[64];
	ck_assert_int_eq(tsig_base64_decode("c2VjcmV0", b, sizeof(b)), 6);
	ck_assert_mem_eq(b, "secret", 6);
	ck_assert_int_eq(tsig_base64_decode("YQ==", b, sizeof(b)), 1);
	ck_assert_int_eq(tsig_base64_decode("YWI=", b, sizeof(b)), 2);
	ck_assert_int_eq(tsig_base64_decode("", b, sizeof(b)), 0);
	ck_assert_int_eq(tsig_base64_decode("YQ=", b, sizeof(b)), -1);
	ck_assert_int_eq(tsig_base64_decode("Y===", b, sizeof(b)), -1);
	ck_assert_int_eq(tsig_base64_decode("YQ=a", b, sizeof(b)), -1);
	ck_assert_int_eq(tsig_base64_decode("c2Vj cmV0", b, sizeof(b)), -1);
	ck_assert_int_eq(tsig_base64_decode("c2V!", b, sizeof(b)), -1);
	ck_assert_int_eq(tsig_base64_decode("c2VjcmV0", b, 5), -1);
}
END_TEST

Suite *tsig_suite(void)
{
	Suite *s = suite_create("tsig");
	TCase *tc = tcase_create("tsig");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_known_answer_request);
	tcase_add_test(tc, test_known_answer_response);
	tcase_add_test(tc, test_badtime);
	tcase_add_test(tc, test_round_trip_algorithms);
	tcase_add_test(tc, test_badkey);
	tcase_add_test(tc, test_badsig);
	tcase_add_test(tc, test_truncated_mac);
	tcase_add_test(tc, test_no_room);
	tcase_add_test(tc, test_names_and_base64);
	tcase_add_test(tc, test_sign_request_known_answer);
	tcase_add_test(tc, test_verify_response);
	tcase_add_test(tc, test_verify_stream);
	suite_add_tcase(s, tc);
	return s;
}
