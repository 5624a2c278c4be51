/*
 * test_dnssec_sign.c - RRSIGs (src/dnssec/sign.c) and the signature cache
 * (src/dnssec/sigcache.c): RRsets signed with keys that ldns made, each
 * signature verified by ldns (ldns_verify_rrsig_keylist_time) against the
 * DNSKEY, for both algorithms; a record changed after signing fails; the
 * canonical form and order octet for octet; the windows' exact values; the
 * cache's hits, misses, inserts and evictions counted exactly.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/gd.h"
#include "dnssec/key.h"
#include "dnssec/sigcache.h"
#include "dnssec/sign.h"

#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

/* 2023-11-14 22:13:20 UTC */
#define NOW 1700000000u

#define N(s) ((const uint8_t *)(s)), sizeof(s)

static uint8_t *scratch;

static void setup(void)
{
	scratch = malloc(DNSSEC_SCRATCH_SIZE);
}

static void teardown(void)
{
	free(scratch);
}

static struct dnssec_key *ldns_made_key(unsigned algorithm)
{
	char base[512];
	unit_dnssec_ldns_key(algorithm, "example.com.", base, sizeof(base));
	return unit_dnssec_load(base);
}

/* An RRset to sign and to verify. */
struct test_set {
	const uint8_t *owner;  /* signed */
	const uint8_t *answer; /* the owner ldns verifies (the query name for a wildcard) */
	size_t answer_len;
	uint16_t type;
	uint32_t ttl;
	size_t count;
	const uint8_t *rdata[8];
	uint16_t len[8];
};

static struct dnssec_rrset rrset_of(const struct test_set *t)
{
	return (struct dnssec_rrset){t->owner, t->type, t->ttl, t->count, t->rdata, t->len};
}

/* ldns's verdict on rrsig over the set (record `tamper` with its second
 * octet changed when it is not -1) at time when. */
static ldns_status ldns_verdict(const struct dnssec_key *key, const struct test_set *t,
                                const uint8_t *rrsig, size_t len, int tamper, uint32_t when)
{
	ldns_rr_list *set = ldns_rr_list_new(), *keys = ldns_rr_list_new(),
	             *good = ldns_rr_list_new();
	for (size_t i = 0; i < t->count; i++) {
		/* a record given twice is once in the answer */
		bool again = false;
		for (size_t j = 0; j < i; j++)
			again |= t->len[j] == t->len[i] &&
			         memcmp(t->rdata[j], t->rdata[i], t->len[i]) == 0;
		if (again)
			continue;
		uint8_t rd[512];
		memcpy(rd, t->rdata[i], t->len[i]);
		if ((int)i == tamper)
			rd[1] ^= 1; /* in a label, an address, a preference, a string */
		ldns_rr_list_push_rr(
		    set, unit_ldns_rr(t->answer, t->answer_len, t->type, t->ttl, rd, t->len[i]));
	}
	ldns_rr *sig =
	    unit_ldns_rr(t->answer, t->answer_len, LDNS_RR_TYPE_RRSIG, t->ttl, rrsig, len);
	ldns_rr_list_push_rr(keys, unit_ldns_rr(key->owner, key->owner_len, LDNS_RR_TYPE_DNSKEY,
	                                        3600, key->dnskey, key->dnskey_len));
	ldns_status st = ldns_verify_rrsig_keylist_time(set, sig, keys, when, good);
	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_free(good);
	ldns_rr_free(sig);
	return st;
}

static const uint8_t soa_rdata[] =
    "\3NS1\7Example\3COM\0\12HostMaster\7EXAMPLE\3com\0"
    "\x78\x01\x02\x03\0\0\x0e\x10\0\0\x02\x58\0\x09\x3a\x80\0\0\1\x2c";
static const uint8_t mx1[] = "\0\12\4Mail\7Example\3COM";
static const uint8_t mx2[] = "\0\24\5Mail2\7example\3com";
static const uint8_t txt1[] = "\13Hello World\3ABC";
static const uint8_t txt2[] = "\5Zebra";
static const uint8_t ns1[] = "\3NS1\7Example\3COM";
static const uint8_t ns2[] = "\3ns2\7EXAMPLE\3com";

/* The sets of the verification test; rdata lengths are sizeof - 1 where
 * the literal's own NUL is not part of the data (TXT, SOA's end). */
static size_t build_sets(struct test_set *s)
{
	static const uint8_t a1[] = {192, 0, 2, 3}, a2[] = {192, 0, 2, 1}, a3[] = {192, 0, 2, 2};
	size_t n = 0;
	/* A: three records in shuffled order, one given twice */
	s[n++] = (struct test_set){(const uint8_t *)"\3WwW\7Example\3cOm",
	                           N("\3www\7example\3com"),
	                           1,
	                           300,
	                           4,
	                           {a1, a2, a3, a2},
	                           {4, 4, 4, 4}};
	/* NS at the apex, names in mixed case */
	s[n++] = (struct test_set){
	    (const uint8_t *)"\7example\3com", N("\7example\3com"), 2, 3600, 2, {ns2, ns1},
	    {sizeof(ns2), sizeof(ns1)}};
	s[n++] = (struct test_set){
	    (const uint8_t *)"\7example\3com", N("\7example\3com"), 15, 3600, 2, {mx2, mx1},
	    {sizeof(mx2), sizeof(mx1)}};
	s[n++] = (struct test_set){(const uint8_t *)"\3txt\7example\3com",
	                           N("\3txt\7example\3com"),
	                           16,
	                           60,
	                           2,
	                           {txt2, txt1},
	                           {sizeof(txt2) - 1, sizeof(txt1) - 1}};
	/* a wildcard: signed as *.example.com, answered as foo.bar.example.com */
	s[n++] = (struct test_set){(const uint8_t *)"\1*\7example\3com",
	                           N("\3foo\3bar\7example\3com"),
	                           1,
	                           300,
	                           2,
	                           {a2, a1},
	                           {4, 4}};
	s[n++] = (struct test_set){(const uint8_t *)"\7example\3com",
	                           N("\7example\3com"),
	                           6,
	                           3600,
	                           1,
	                           {soa_rdata},
	                           {sizeof(soa_rdata) - 1}};
	return n;
}

START_TEST(test_sign_and_verify)
{
	const unsigned algs[2] = {13, 15};
	const unsigned labels[6] = {3, 2, 2, 3, 2, 2};
	for (int k = 0; k < 2; k++) {
		struct dnssec_key *key = ldns_made_key(algs[k]);
		struct test_set sets[8];
		size_t n = build_sets(sets);
		uint32_t inception, expiration;
		dnssec_window(NOW, &inception, &expiration);
		for (size_t i = 0; i < n; i++) {
			struct dnssec_rrset rs = rrset_of(&sets[i]);
			uint8_t rrsig[DNSSEC_RRSIG_MAX];
			long len = dnssec_sign(key, &rs, inception, expiration, scratch,
			                       DNSSEC_SCRATCH_SIZE, rrsig, sizeof(rrsig));
			ck_assert_int_eq(len, DNSSEC_RRSIG_FIXED + 13 + 64);
			ck_assert_uint_eq(rd16(rrsig), sets[i].type);
			ck_assert_uint_eq(rrsig[2], algs[k]);
			ck_assert_uint_eq(rrsig[3], labels[i]);
			ck_assert_uint_eq(rd32(rrsig + 4), sets[i].ttl);
			ck_assert_uint_eq(rd32(rrsig + 8), expiration);
			ck_assert_uint_eq(rd32(rrsig + 12), inception);
			ck_assert_uint_eq(rd16(rrsig + 16), key->key_tag);
			ck_assert_mem_eq(rrsig + 18, "\7example\3com", 13);
			ck_assert_msg(ldns_verdict(key, &sets[i], rrsig, (size_t)len, -1, NOW) ==
			                  LDNS_STATUS_OK,
			              "alg %u set %zu does not verify", algs[k], i);
			/* one record changed: bogus */
			ck_assert_int_eq(ldns_verdict(key, &sets[i], rrsig, (size_t)len, 0, NOW),
			                 LDNS_STATUS_CRYPTO_BOGUS);
			/* outside the window */
			ck_assert_int_eq(
			    ldns_verdict(key, &sets[i], rrsig, (size_t)len, -1, expiration + 1),
			    LDNS_STATUS_CRYPTO_SIG_EXPIRED);
		}
		dnssec_key_free(key);
	}
}
END_TEST

/* Many ECDSA signatures: r or s with leading zero octets (one in 128)
 * must still come out as 32 octets each. Ed25519 is deterministic. */
START_TEST(test_signature_forms)
{
	struct dnssec_key *ec = ldns_made_key(13), *ed = ldns_made_key(15);
	struct test_set sets[8];
	build_sets(sets);
	struct dnssec_rrset rs = rrset_of(&sets[0]);
	uint32_t inception, expiration;
	dnssec_window(NOW, &inception, &expiration);
	uint8_t first[DNSSEC_RRSIG_MAX], sig[DNSSEC_RRSIG_MAX];
	for (int i = 0; i < 400; i++) {
		long len = dnssec_sign(ec, &rs, inception, expiration, scratch, DNSSEC_SCRATCH_SIZE,
		                       sig, sizeof(sig));
		ck_assert_int_eq(len, 95);
		ck_assert_int_eq(ldns_verdict(ec, &sets[0], sig, (size_t)len, -1, NOW),
		                 LDNS_STATUS_OK);
	}
	ck_assert_int_eq(dnssec_sign(ed, &rs, inception, expiration, scratch, DNSSEC_SCRATCH_SIZE,
	                             first, sizeof(first)),
	                 95);
	ck_assert_int_eq(dnssec_sign(ed, &rs, inception, expiration, scratch, DNSSEC_SCRATCH_SIZE,
	                             sig, sizeof(sig)),
	                 95);
	ck_assert_mem_eq(first, sig, 95);
	dnssec_key_free(ec);
	dnssec_key_free(ed);
}
END_TEST

/* The data signed, octet for octet: the NS set of mixed case, given in
 * the wrong order and with a duplicate. */
START_TEST(test_canonical_form)
{
	struct dnssec_key *key = ldns_made_key(15);
	const uint8_t *rd[3] = {ns2, ns1, ns2};
	const uint16_t rl[3] = {sizeof(ns2), sizeof(ns1), sizeof(ns2)};
	struct dnssec_rrset rs = {(const uint8_t *)"\7EXAMPLE\3com", 2, 3600, 3, rd, rl};
	size_t rrsig_len = 0;
	long len = dnssec_signed_data(key, &rs, 100, 200, scratch, DNSSEC_SCRATCH_SIZE, &rrsig_len);
	uint8_t want[256];
	size_t n = 0;
	memcpy(want, "\0\2\17\2\0\0\16\20\0\0\0\310\0\0\0\144", 16);
	n = 16;
	wr16(want + n, key->key_tag);
	n += 2;
	memcpy(want + n, "\7example\3com", 13);
	n += 13;
	ck_assert_uint_eq(rrsig_len, n);
	const char *names[2] = {"\3ns1\7example\3com", "\3ns2\7example\3com"};
	for (int i = 0; i < 2; i++) {
		memcpy(want + n, "\7example\3com\0\0\2\0\1\0\0\16\20\0\21", 23);
		n += 23;
		memcpy(want + n, names[i], 17);
		n += 17;
	}
	ck_assert_int_eq(len, (long)n);
	ck_assert_mem_eq(scratch, want, n);

	/* TXT keeps its case; an rdata that is a prefix of another sorts first */
	const uint8_t t1[] = "\3abcd", t2[] = "\3abc";
	const uint8_t *trd[2] = {t1, t2};
	const uint16_t trl[2] = {5, 4};
	struct dnssec_rrset ts = {(const uint8_t *)"\1T\7example\3com", 16, 1, 2, trd, trl};
	len = dnssec_signed_data(key, &ts, 100, 200, scratch, DNSSEC_SCRATCH_SIZE, &rrsig_len);
	ck_assert_int_eq(len, 31 + 2 * (15 + 10) + 4 + 5);
	ck_assert_mem_eq(scratch + 31, "\1t\7example\3com", 15);
	ck_assert_mem_eq(scratch + 31 + 25, "\3abc", 4);
	ck_assert_mem_eq(scratch + 31 + 25 + 4 + 25, "\3abcd", 5);
	dnssec_key_free(key);
}
END_TEST

START_TEST(test_sign_errors)
{
	struct dnssec_key *key = ldns_made_key(13);
	const uint8_t a[4] = {192, 0, 2, 1};
	const uint8_t *rd[1] = {a};
	const uint16_t rl[1] = {4};
	uint8_t out[DNSSEC_RRSIG_MAX];
	struct dnssec_rrset rs = {(const uint8_t *)"\3www\7example\3org", 1, 300, 1, rd, rl};
	ck_assert_int_eq(
	    dnssec_sign(key, &rs, 1, 2, scratch, DNSSEC_SCRATCH_SIZE, out, sizeof(out)), GD_EINVAL);
	rs.owner = (const uint8_t *)"\3www\7example\3com";
	rs.count = 0;
	ck_assert_int_eq(
	    dnssec_sign(key, &rs, 1, 2, scratch, DNSSEC_SCRATCH_SIZE, out, sizeof(out)), GD_EINVAL);
	rs.count = 1;
	ck_assert_int_eq(dnssec_sign(key, &rs, 1, 2, scratch, 60, out, sizeof(out)), GD_ESPACE);
	ck_assert_int_eq(dnssec_sign(key, &rs, 1, 2, scratch, DNSSEC_SCRATCH_SIZE, out, 94),
	                 GD_ESPACE);
	/* an NS whose name runs past its rdata, an MX too short for its name */
	const uint8_t bad_ns[] = "\3ns1\7exam";
	const uint8_t bad_mx[] = "\0";
	rd[0] = bad_ns;
	uint16_t l2[1] = {sizeof(bad_ns) - 1};
	struct dnssec_rrset ns = {(const uint8_t *)"\7example\3com", 2, 300, 1, rd, l2};
	ck_assert_int_eq(
	    dnssec_sign(key, &ns, 1, 2, scratch, DNSSEC_SCRATCH_SIZE, out, sizeof(out)),
	    GD_EFORMAT);
	rd[0] = bad_mx;
	l2[0] = 1;
	ns.type = 15;
	ck_assert_int_eq(
	    dnssec_sign(key, &ns, 1, 2, scratch, DNSSEC_SCRATCH_SIZE, out, sizeof(out)),
	    GD_EFORMAT);
	/* the same octets as an unknown type: signed as they are */
	ns.type = 65280;
	ck_assert_int_eq(
	    dnssec_sign(key, &ns, 1, 2, scratch, DNSSEC_SCRATCH_SIZE, out, sizeof(out)), 95);
	dnssec_key_free(key);
}
END_TEST

START_TEST(test_window)
{
	uint32_t inception, expiration;
	dnssec_window(NOW, &inception, &expiration);
	/* NOW is 22:13:20: the hour 22:00:00 is 1699999200, a day before */
	ck_assert_uint_eq(inception, 1699912800u);
	ck_assert_uint_eq(expiration, 1700604000u);
	uint32_t i2, e2;
	dnssec_window(1699999200u, &i2, &e2);
	ck_assert_uint_eq(i2, inception);
	dnssec_window(1699999200u + 3599, &i2, &e2);
	ck_assert_uint_eq(i2, inception);
	dnssec_window(1699999200u + 3600, &i2, &e2);
	ck_assert_uint_eq(i2, inception + 3600);
	ck_assert_uint_eq(e2, expiration + 3600);
	/* refreshed with less than two days left, or before its inception */
	ck_assert(!dnssec_needs_refresh(NOW, inception, expiration));
	ck_assert(!dnssec_needs_refresh(1700431200u, inception, expiration));
	ck_assert(dnssec_needs_refresh(1700431201u, inception, expiration));
	ck_assert(dnssec_needs_refresh(expiration + 10, inception, expiration));
	ck_assert(!dnssec_needs_refresh(inception, inception, expiration));
	ck_assert(dnssec_needs_refresh(inception - 1, inception, expiration));
	/* past 2106 the times wrap as serial numbers (RFC 4034 3.1.5) */
	uint64_t late = (1ull << 32) + 7200;
	dnssec_window(late, &i2, &e2);
	/* 2^32 is 1696 s past an hour: 7200 - 1696 - 86400 modulo 2^32 */
	ck_assert_uint_eq(i2, 4294886400u);
	ck_assert_uint_eq(e2, 610304u); /* and eight days on, past the wrap */
	ck_assert(!dnssec_needs_refresh(late, i2, e2));
	ck_assert_uint_eq(dnssec_rrsig_labels((const uint8_t *)"\1*\7example\3com"), 2);
	ck_assert_uint_eq(dnssec_rrsig_labels((const uint8_t *)"\1a\1*\7example\3com"), 4);
	ck_assert_uint_eq(dnssec_rrsig_labels((const uint8_t *)""), 0);
}
END_TEST

static void digest_for_set(uint8_t *d, uint8_t set, uint8_t id)
{
	memset(d, 0, DNSSEC_DIGEST_SIZE);
	d[7] = set;
	d[31] = id;
}

/* A made-up RRSIG rdata of this window, its first octet id. */
static size_t fake_rrsig(uint8_t *r, uint8_t id, uint32_t inception, uint32_t expiration)
{
	memset(r, id, 95);
	wr32(r + 8, expiration);
	wr32(r + 12, inception);
	return 95;
}

static void check_stats(const struct dnssec_sigcache *c, uint64_t hits, uint64_t misses,
                        uint64_t inserts, uint64_t evictions)
{
	struct dnssec_sigcache_stats st;
	dnssec_sigcache_stats(c, &st);
	ck_assert_uint_eq(st.hits, hits);
	ck_assert_uint_eq(st.misses, misses);
	ck_assert_uint_eq(st.inserts, inserts);
	ck_assert_uint_eq(st.evictions, evictions);
}

START_TEST(test_cache_sets)
{
	ck_assert_ptr_null(dnssec_sigcache_new(0));
	struct dnssec_sigcache *c = dnssec_sigcache_new(3);
	ck_assert_uint_eq(dnssec_sigcache_capacity(c), 4); /* two sets of two */
	uint32_t inception, expiration;
	dnssec_window(NOW, &inception, &expiration);
	uint8_t d[5][DNSSEC_DIGEST_SIZE], r[DNSSEC_RRSIG_MAX];
	const uint8_t *got;
	size_t len;
	for (int i = 0; i < 3; i++)
		digest_for_set(d[i], 0, (uint8_t)i);
	digest_for_set(d[3], 1, 3);
	digest_for_set(d[4], 3, 4); /* set 1 again: 3 & 1 */

	ck_assert(!dnssec_sigcache_lookup(c, d[0], NOW, &got, &len));
	dnssec_sigcache_insert(c, d[0], NOW, r, fake_rrsig(r, 0, inception, expiration));
	ck_assert(dnssec_sigcache_lookup(c, d[0], NOW, &got, &len));
	ck_assert_uint_eq(len, 95);
	ck_assert_uint_eq(got[0], 0);
	dnssec_sigcache_insert(c, d[1], NOW, r, fake_rrsig(r, 1, inception, expiration));
	check_stats(c, 1, 1, 2, 0);
	/* the set is full: d[0] was used before d[1], so it goes */
	dnssec_sigcache_insert(c, d[2], NOW, r, fake_rrsig(r, 2, inception, expiration));
	check_stats(c, 1, 1, 3, 1);
	ck_assert(!dnssec_sigcache_lookup(c, d[0], NOW, &got, &len));
	ck_assert(dnssec_sigcache_lookup(c, d[1], NOW, &got, &len));
	ck_assert_uint_eq(got[0], 1);
	ck_assert(dnssec_sigcache_lookup(c, d[2], NOW, &got, &len));
	ck_assert_uint_eq(got[0], 2);
	/* d[2] used last: d[1] goes for d[0] */
	dnssec_sigcache_insert(c, d[0], NOW, r, fake_rrsig(r, 0, inception, expiration));
	check_stats(c, 3, 2, 4, 2);
	ck_assert(!dnssec_sigcache_lookup(c, d[1], NOW, &got, &len));
	/* the same digest again replaces its own entry: no eviction */
	dnssec_sigcache_insert(c, d[0], NOW, r, fake_rrsig(r, 9, inception, expiration));
	ck_assert(dnssec_sigcache_lookup(c, d[0], NOW, &got, &len));
	ck_assert_uint_eq(got[0], 9);
	check_stats(c, 4, 3, 5, 2);

	/* set 1: a stale entry (one day left) is a miss, and is replaced
	 * before a fresh one even when it was used last */
	dnssec_sigcache_insert(c, d[4], NOW, r, fake_rrsig(r, 4, inception, expiration));
	dnssec_sigcache_insert(c, d[3], NOW, r, fake_rrsig(r, 3, inception, (uint32_t)NOW + 86400));
	ck_assert(!dnssec_sigcache_lookup(c, d[3], NOW, &got, &len));
	check_stats(c, 4, 4, 7, 2);
	digest_for_set(d[1], 1, 1);
	dnssec_sigcache_insert(c, d[1], NOW, r, fake_rrsig(r, 1, inception, expiration));
	ck_assert(dnssec_sigcache_lookup(c, d[4], NOW, &got, &len));
	ck_assert_uint_eq(got[0], 4);
	ck_assert(dnssec_sigcache_lookup(c, d[1], NOW, &got, &len));
	ck_assert_uint_eq(got[0], 1);
	check_stats(c, 6, 4, 8, 2);
	/* every entry is stale once less than two days are left */
	ck_assert(dnssec_sigcache_lookup(c, d[4], expiration - 2 * 86400, &got, &len));
	ck_assert(!dnssec_sigcache_lookup(c, d[4], expiration - 2 * 86400 + 1, &got, &len));
	check_stats(c, 7, 5, 8, 2);
	dnssec_sigcache_free(c);
}
END_TEST

/* Fixed keys, so that the digests and the sets they fall in are the same
 * every run: the counts below hold exactly. */
START_TEST(test_cache_sign)
{
	struct dnssec_key *key = unit_dnssec_fixed_key(257), *other = unit_dnssec_fixed_key(256);
	ck_assert_uint_eq(key->key_tag, 7211);
	ck_assert_uint_ne(other->key_tag, 7211);
	struct dnssec_sigcache *c = dnssec_sigcache_new(64);
	struct test_set sets[8];
	size_t n = build_sets(sets);
	uint8_t first[DNSSEC_RRSIG_MAX], out[DNSSEC_RRSIG_MAX];
	bool made;
	struct dnssec_rrset rs = rrset_of(&sets[0]);
	long len = dnssec_sigcache_sign(c, key, &rs, NOW, first, sizeof(first), &made);
	ck_assert_int_eq(len, 95);
	ck_assert(made);
	check_stats(c, 0, 1, 1, 0);
	/* an hour later the window has moved, the signature is still good:
	 * the same octets (ECDSA would differ if it were signed again) */
	ck_assert_int_eq(dnssec_sigcache_sign(c, key, &rs, NOW + 3600, out, sizeof(out), &made),
	                 95);
	ck_assert(!made);
	ck_assert_mem_eq(out, first, 95);
	ck_assert_int_eq(ldns_verdict(key, &sets[0], out, 95, -1, NOW + 3600), LDNS_STATUS_OK);
	check_stats(c, 1, 1, 1, 0);
	/* the records in another order, one given twice: the same RRset */
	const uint8_t *rd[3] = {sets[0].rdata[2], sets[0].rdata[0], sets[0].rdata[1]};
	struct dnssec_rrset shuffled = rs;
	shuffled.rdata = rd;
	shuffled.count = 3;
	ck_assert_int_eq(dnssec_sigcache_sign(c, key, &shuffled, NOW, out, sizeof(out), &made), 95);
	ck_assert(!made);
	check_stats(c, 2, 1, 1, 0);
	/* a TTL, a record, a key of another: each its own signature */
	struct dnssec_rrset ttl = rs;
	ttl.ttl = 301;
	ck_assert_int_eq(dnssec_sigcache_sign(c, key, &ttl, NOW, out, sizeof(out), &made), 95);
	ck_assert(made);
	struct dnssec_rrset fewer = rs;
	fewer.count = 2;
	ck_assert_int_eq(dnssec_sigcache_sign(c, key, &fewer, NOW, out, sizeof(out), &made), 95);
	ck_assert(made);
	ck_assert_int_eq(dnssec_sigcache_sign(c, other, &rs, NOW, out, sizeof(out), &made), 95);
	ck_assert(made);
	check_stats(c, 2, 4, 4, 0);
	/* five days and more on, two days or less are left: signed anew */
	uint64_t later = NOW + 5 * 86400 + 3600;
	ck_assert_int_eq(dnssec_sigcache_sign(c, key, &rs, later, out, sizeof(out), &made), 95);
	ck_assert(made);
	uint32_t inception, expiration;
	dnssec_window(later, &inception, &expiration);
	ck_assert_uint_eq(rd32(out + 12), inception);
	ck_assert_int_eq(ldns_verdict(key, &sets[0], out, 95, -1, (uint32_t)later), LDNS_STATUS_OK);
	check_stats(c, 2, 5, 5, 0);
	/* every set of the verification test, from the cache, verifies */
	for (size_t i = 0; i < n; i++) {
		struct dnssec_rrset s = rrset_of(&sets[i]);
		len = dnssec_sigcache_sign(c, key, &s, NOW, out, sizeof(out), NULL);
		ck_assert_int_eq(ldns_verdict(key, &sets[i], out, (size_t)len, -1, NOW),
		                 LDNS_STATUS_OK);
	}
	ck_assert_int_eq(dnssec_sigcache_sign(c, key, &rs, NOW, out, 10, NULL), GD_ESPACE);
	dnssec_sigcache_free(c);
	dnssec_key_free(key);
	dnssec_key_free(other);
}
END_TEST

Suite *dnssec_sign_suite(void)
{
	Suite *s = suite_create("dnssec_sign");
	TCase *tc = tcase_create("dnssec_sign");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sign_and_verify);
	tcase_add_test(tc, test_signature_forms);
	tcase_add_test(tc, test_canonical_form);
	tcase_add_test(tc, test_sign_errors);
	tcase_add_test(tc, test_window);
	tcase_add_test(tc, test_cache_sets);
	tcase_add_test(tc, test_cache_sign);
	suite_add_tcase(s, tc);
	return s;
}
