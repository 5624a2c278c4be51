/*
 * test_netmap.c - the network overrides' table (geo/netmap.c): the
 * longest-prefix match and the ECS scope of its outcome, checked against
 * examples worked by hand and, over random tables, against every address
 * of the client's networks: all of the client's /scope get its outcome,
 * and, unless the scope is the matched network's own length (the least it
 * gives), its /(scope - 1) holds one that does not.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/gd.h"
#include "geo/netmap.h"
#include "unit.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static struct netmap_entry net(const char *text, unsigned bits, unsigned value)
{
	struct netmap_entry e = {0};
	bool v6 = strchr(text, ':') != NULL;
	e.family = v6 ? 2 : 1;
	e.bits = (uint8_t)bits;
	e.value = (uint8_t)value;
	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, text, e.addr), 1);
	return e;
}

static struct netmap *map_of(struct netmap_entry *e, size_t n)
{
	netmap_sort(e, n);
	return netmap_build(e, n);
}

/* lookup of text with known bits: found, value, bits, scope */
static void expect(const struct netmap *m, const char *text, unsigned known, bool found,
                   unsigned value, unsigned bits, unsigned scope)
{
	uint8_t a[16] = {0};
	bool v6 = strchr(text, ':') != NULL;
	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, text, a), 1);
	struct netmap_result r;
	netmap_lookup(m, v6 ? 2 : 1, a, known, &r);
	ck_assert_msg(r.found == found, "%s/%u: found %d", text, known, r.found);
	if (found) {
		ck_assert_msg(r.value == value && r.bits == bits, "%s/%u: value %u bits %u", text,
		              known, r.value, r.bits);
	}
	ck_assert_msg(r.scope == scope, "%s/%u: scope %u, expected %u", text, known, r.scope,
	              scope);
}

START_TEST(test_examples)
{
	struct netmap_entry e[] = {
	    net("10.1.0.0", 16, 1),   net("10.1.1.0", 24, 2),          net("10.1.3.0", 24, 1),
	    net("2001:db8::", 32, 1), net("2001:db8:0:ab00::", 56, 3), net("192.0.2.7", 32, 0),
	};
	struct netmap *m = map_of(e, ARRAY_SIZE(e));
	ck_assert_uint_eq(netmap_count(m), 6);
	/* the /24 inside the /16 answering otherwise */
	expect(m, "10.1.1.9", 32, true, 2, 24, 24);
	expect(m, "10.1.5.1", 32, true, 1, 16, 22); /* 10.1.4.0/22 leaves 10.1.1.0/24 out */
	expect(m, "10.1.128.1", 32, true, 1, 16, 17);
	expect(m, "10.1.0.1", 32, true, 1, 16, 24);
	/* 10.1.3.0/24 answers as the /16: it does not count */
	expect(m, "10.1.2.1", 32, true, 1, 16, 23);
	expect(m, "10.1.3.1", 32, true, 1, 24, 24);
	/* SOURCE /16: the /24 is not known; the scope asks for it */
	expect(m, "10.1.0.0", 16, true, 1, 16, 24);
	/* SOURCE /8: nothing known matches; the /16 holds the known bits */
	expect(m, "10.0.0.0", 8, false, 0, 0, 16);
	/* no match, next to networks */
	expect(m, "10.0.0.1", 32, false, 0, 0, 16);
	expect(m, "10.128.0.1", 32, false, 0, 0, 9);
	expect(m, "11.0.0.1", 32, false, 0, 0, 8);
	expect(m, "192.0.2.6", 32, false, 0, 0, 32);
	expect(m, "192.0.2.7", 32, true, 0, 32, 32);
	/* IPv6 */
	expect(m, "2001:db8:0:ab00::1", 128, true, 3, 56, 56);
	expect(m, "2001:db8::", 48, true, 1, 32, 49);
	expect(m, "2001:db8:ffff::", 48, true, 1, 32, 33);
	expect(m, "2001:db9::", 48, false, 0, 0, 32);
	expect(m, "3000::", 48, false, 0, 0, 4); /* 0x2001 vs 0x3000: 001 alike */
	netmap_free(m);
	/* an empty family, an empty map */
	struct netmap_entry one[] = {net("10.0.0.0", 8, 1)};
	m = map_of(one, 1);
	expect(m, "2001:db8::1", 128, false, 0, 0, 0);
	expect(m, "10.2.3.4", 32, true, 1, 8, 8);
	netmap_free(m);
	struct netmap_result r;
	uint8_t a[16] = {10};
	netmap_lookup(NULL, 1, a, 32, &r);
	ck_assert(!r.found);
	ck_assert_uint_eq(r.scope, 0);
}
END_TEST

START_TEST(test_default_route)
{
	struct netmap_entry e[] = {net("0.0.0.0", 0, 1), net("203.0.113.0", 24, 2),
	                           net("::", 0, 3)};
	struct netmap *m = map_of(e, ARRAY_SIZE(e));
	expect(m, "8.8.8.8", 32, true, 1, 0, 1);
	expect(m, "203.0.113.5", 32, true, 2, 24, 24);
	expect(m, "203.0.112.5", 32, true, 1, 0, 24);
	expect(m, "2001:db8::1", 128, true, 3, 0, 0);
	netmap_free(m);
}
END_TEST

START_TEST(test_sort_finds_duplicates)
{
	struct netmap_entry e[] = {net("10.1.0.0", 16, 1), net("10.0.0.0", 8, 0),
	                           net("10.1.0.0", 16, 2), net("10.1.0.0", 24, 1)};
	netmap_sort(e, ARRAY_SIZE(e));
	ck_assert_uint_eq(e[0].bits, 8);
	ck_assert(netmap_same_network(&e[1], &e[2]));
	ck_assert(!netmap_same_network(&e[2], &e[3]));
	ck_assert(!netmap_same_network(&e[0], &e[1]));
}
END_TEST

/* The outcome of one address by a linear scan: the value of the longest
 * network holding it, or -1. */
static int brute(const struct netmap_entry *e, size_t n, uint32_t a)
{
	int best = -1, bits = -1;
	for (size_t i = 0; i < n; i++) {
		uint32_t na = (uint32_t)e[i].addr[0] << 24 | (uint32_t)e[i].addr[1] << 16 |
		              (uint32_t)e[i].addr[2] << 8 | e[i].addr[3];
		uint32_t mask = e[i].bits ? ~0u << (32 - e[i].bits) : 0;
		if ((a & mask) == na && (int)e[i].bits > bits) {
			bits = e[i].bits;
			best = e[i].value;
		}
	}
	return best;
}

/* Do all addresses of the /p of a in 10.0.0.0/20 (every network lies
 * there) get the outcome want? Outside it nothing matches. */
static bool alike(const struct netmap_entry *e, size_t n, uint32_t a, unsigned p, int want)
{
	if (p < 20 && want != -1)
		return false;
	unsigned from = p < 20 ? 20 : p;
	uint32_t mask = from ? ~0u << (32 - from) : 0;
	uint32_t first = a & mask, count = 1u << (32 - from);
	for (uint32_t i = 0; i < count; i++)
		if (brute(e, n, first + i) != want)
			return false;
	return true;
}

START_TEST(test_random_tables_exact_scope)
{
	srandom(20);
	for (int round = 0; round < 60; round++) {
		size_t n = 1 + (size_t)(random() % 24);
		struct netmap_entry e[24];
		size_t k = 0;
		while (k < n) {
			unsigned bits = 20 + (unsigned)(random() % 13);
			uint32_t a = 0x0A000000u | ((uint32_t)random() & 0xFFFu);
			a &= bits == 32 ? ~0u : ~0u << (32 - bits);
			struct netmap_entry x = {
			    .family = 1, .bits = (uint8_t)bits, .value = (uint8_t)(random() % 3)};
			x.addr[0] = (uint8_t)(a >> 24);
			x.addr[1] = (uint8_t)(a >> 16);
			x.addr[2] = (uint8_t)(a >> 8);
			x.addr[3] = (uint8_t)a;
			bool dup = false;
			for (size_t i = 0; i < k; i++)
				dup |= netmap_same_network(&e[i], &x);
			if (!dup)
				e[k++] = x;
		}
		struct netmap *m = map_of(e, n);
		for (int q = 0; q < 40; q++) {
			uint32_t a = 0x0A000000u | ((uint32_t)random() & 0xFFFu);
			uint8_t addr[16] = {(uint8_t)(a >> 24), (uint8_t)(a >> 16),
			                    (uint8_t)(a >> 8), (uint8_t)a};
			struct netmap_result r;
			netmap_lookup(m, 1, addr, 32, &r);
			int want = brute(e, n, a);
			ck_assert_int_eq(r.found ? r.value : -1, want);
			ck_assert_msg(alike(e, n, a, r.scope, want), "round %d: /%u not alike",
			              round, r.scope);
			/* shortest: but never shorter than the network matched */
			if (r.scope > (r.found ? r.bits : 0))
				ck_assert_msg(!alike(e, n, a, r.scope - 1u, want),
				              "round %d: /%u alike too", round, r.scope - 1u);
		}
		netmap_free(m);
	}
}
END_TEST

Suite *netmap_suite(void)
{
	Suite *s = suite_create("netmap");
	TCase *tc = tcase_create("lookup");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_examples);
	tcase_add_test(tc, test_default_route);
	tcase_add_test(tc, test_sort_finds_duplicates);
	tcase_add_test(tc, test_random_tables_exact_scope);
	suite_add_tcase(s, tc);
	return s;
}
