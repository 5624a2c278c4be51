/*
 * test_rrl.c - response rate limiting accounts: credits, the slip ratio,
 * the window cap, account keys (network, kind, name), exemptions, log-only;
 * and the keyed hashes of the RRL index and of the per-client TCP slots
 * against address sets an attacker computes offline.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/hash.h"
#include "conf/config.h"
#include "server/net.h"
#include "query/rrl.h"
#include "geo/service.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t c1[4] = {192, 0, 2, 1}, c1b[4] = {192, 0, 2, 200},
		     c2[4] = {192, 0, 3, 1};
static const uint8_t n1[] = {3, 'w', 'w', 'w', 0}, n2[] = {3, 'f', 't', 'p', 0};

static struct rrl_config cfg(void)
{
	struct rrl_config c = {.rate = 10, .window = 2, .slip = 2, .ipv4_prefix = 24,
			       .ipv6_prefix = 56, .table_size = 1024};
	return c;
}

/* count verdicts of n responses at second now */
static void run(struct rrl_table *t, const struct rrl_config *c, const uint8_t *a,
		const uint8_t *name, enum rrl_kind k, unsigned n, uint32_t now, unsigned out[3])
{
	out[0] = out[1] = out[2] = 0;
	for (unsigned i = 0; i < n; i++)
		out[rrl_account(t, c, 1, a, k, name, name ? sizeof(n1) : 0, now)]++;
}

START_TEST(test_credits_and_slip)
{
	struct rrl_table t;
	struct rrl_config c = cfg();
	rrl_table_init(&t, c.table_size);
	unsigned v[3];
	run(&t, &c, c1, n1, RRL_ANSWER, 30, 100, v);
	/* 10 in hand pass; of the 20 limited, every 2nd slips */
	ck_assert_uint_eq(v[RRL_PASS], 10);
	ck_assert_uint_eq(v[RRL_SLIP], 10);
	ck_assert_uint_eq(v[RRL_DROP], 10);
	ck_assert_uint_eq(t.limited, 20);
	ck_assert_uint_eq(t.slipped, 10);
	ck_assert_uint_eq(t.dropped, 10);
	/* the next second brings 10 more credits, no more */
	run(&t, &c, c1, n1, RRL_ANSWER, 30, 101, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	/* quiet for 5 s: credit capped at window (2 s) x rate = 20 */
	run(&t, &c, c1, n1, RRL_ANSWER, 30, 106, v);
	ck_assert_uint_eq(v[RRL_PASS], 20);
	/* serial arithmetic across the 32-bit wrap */
	run(&t, &c, c2, n1, RRL_ANSWER, 10, 0xFFFFFFFFu, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	run(&t, &c, c2, n1, RRL_ANSWER, 11, 0, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	rrl_table_free(&t);
}
END_TEST

START_TEST(test_accounts)
{
	struct rrl_table t;
	struct rrl_config c = cfg();
	rrl_table_init(&t, c.table_size);
	unsigned v[3];
	run(&t, &c, c1, n1, RRL_ANSWER, 10, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	/* same /24: the same account, already spent */
	run(&t, &c, c1b, n1, RRL_ANSWER, 1, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 0);
	/* another name, another kind, another network: accounts of their own */
	run(&t, &c, c1, n2, RRL_ANSWER, 10, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	run(&t, &c, c1, n1, RRL_NXDOMAIN, 10, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	run(&t, &c, c2, n1, RRL_ANSWER, 10, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	/* a finer prefix separates the two hosts of the /24 */
	c.ipv4_prefix = 32;
	run(&t, &c, c1b, n1, RRL_ANSWER, 10, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	rrl_table_free(&t);
}
END_TEST

START_TEST(test_slip_zero_and_one_log_only_off)
{
	struct rrl_table t;
	struct rrl_config c = cfg();
	rrl_table_init(&t, c.table_size);
	unsigned v[3];
	c.slip = 0; /* never truncate: drop all limited */
	run(&t, &c, c1, n1, RRL_ANSWER, 20, 1, v);
	ck_assert_uint_eq(v[RRL_DROP], 10);
	ck_assert_uint_eq(v[RRL_SLIP], 0);
	c.slip = 1; /* truncate every limited one */
	run(&t, &c, c1, n2, RRL_ANSWER, 20, 1, v);
	ck_assert_uint_eq(v[RRL_SLIP], 10);
	ck_assert_uint_eq(v[RRL_DROP], 0);
	c.log_only = true; /* counted, never limited */
	uint64_t before = t.limited;
	run(&t, &c, c2, n1, RRL_ANSWER, 20, 1, v);
	ck_assert_uint_eq(v[RRL_PASS], 20);
	ck_assert_uint_eq(t.limited - before, 10);
	c.log_only = false;
	c.rate = 0; /* off */
	run(&t, &c, c2, n2, RRL_ANSWER, 100, 1, v);
	ck_assert_uint_eq(v[RRL_PASS], 100);
	rrl_table_free(&t);
}
END_TEST

START_TEST(test_exempt)
{
	struct netprefix ex[2];
	ck_assert_int_eq(netprefix_parse("192.0.2.0/25", &ex[0]), 0);
	ck_assert_int_eq(netprefix_parse("2001:db8::/32", &ex[1]), 0);
	struct rrl_config c = cfg();
	c.exempt = ex;
	c.nexempt = 2;
	ck_assert(rrl_exempt(&c, 1, c1));
	ck_assert(!rrl_exempt(&c, 1, c1b)); /* .200 is outside the /25 */
	uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	ck_assert(rrl_exempt(&c, 2, v6));
	ck_assert(!rrl_exempt(&c, 1, v6)); /* family matters */
}
END_TEST

/* two fixed keys: the server's are random, the tests must be exact */
static const uint8_t key_a[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t key_b[16] = {0xa5, 0x5a, 0x0f, 0xf0, 0x33, 0xcc, 0x96, 0x69,
                                  0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};

static struct sockaddr_in v4(uint32_t host_order)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(host_order);
	return a;
}

/* The unkeyed slot geodnsd used before (anyone can compute it). */
static uint32_t old_client_slot(uint32_t host_order)
{
	uint8_t b[4] = {(uint8_t)(host_order >> 24), (uint8_t)(host_order >> 16),
	                (uint8_t)(host_order >> 8), (uint8_t)host_order};
	return (uint32_t)(svc_client_hash(1, b, 32) % SERVER_CLIENT_SLOTS);
}

/* 64 loopback addresses whose old slot is 127.0.0.1's, as an attacker
 * computes them offline; the same search as tests/data/tcp-collide.txt. */
static size_t crafted_tcp_set(uint32_t out[64])
{
	uint32_t victim = 0x7F000001, vs = old_client_slot(victim);
	size_t n = 0;
	for (uint32_t a = 0x7F000002; a < 0x7F400000 && n < 64; a++)
		if ((a & 0xFF) != 0 && (a & 0xFF) != 0xFF && old_client_slot(a) == vs)
			out[n++] = a;
	return n;
}

START_TEST(test_tcp_slots_keyed)
{
	uint32_t crafted[64];
	ck_assert_uint_eq(crafted_tcp_set(crafted), 64);
	struct sockaddr_in victim = v4(0x7F000001);
	const uint8_t *keys[2] = {key_a, key_b};
	uint32_t vslot[2];
	for (int k = 0; k < 2; k++) {
		/* the 64 addresses each hold tcp_max_per_client (3) connections */
		static uint32_t counts[SERVER_CLIENT_SLOTS];
		memset(counts, 0, sizeof(counts));
		unsigned shared = 0;
		vslot[k] = server_client_slot(keys[k], (const struct sockaddr *)&victim);
		for (size_t i = 0; i < 64; i++) {
			struct sockaddr_in a = v4(crafted[i]);
			uint32_t s = server_client_slot(keys[k], (const struct sockaddr *)&a);
			counts[s] += 3;
			shared += s == vslot[k];
		}
		ck_assert_uint_eq(shared, 0);
		/* so the victim's first connection is admitted: its slot is empty */
		ck_assert_uint_eq(counts[vslot[k]], 0);
		ck_assert_uint_lt(vslot[k], SERVER_CLIENT_SLOTS);
	}
	/* the key decides the slot */
	ck_assert_uint_ne(vslot[0], vslot[1]);
	/* and IPv6 is hashed over all 16 octets: two addresses differing only
	 * in the last octet land apart under these keys */
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6}, b6 = {.sin6_family = AF_INET6};
	a6.sin6_addr.s6_addr[0] = b6.sin6_addr.s6_addr[0] = 0x20;
	b6.sin6_addr.s6_addr[15] = 1;
	ck_assert_uint_ne(server_client_slot(key_a, (const struct sockaddr *)&a6),
	                  server_client_slot(key_a, (const struct sockaddr *)&b6));
}
END_TEST

/* The unkeyed account index rrl_account used before (public code). */
static size_t old_rrl_index(const uint8_t *addr, enum rrl_kind kind, const uint8_t *name,
                            size_t len, size_t mask)
{
	uint64_t h = svc_client_hash(1, addr, 24) ^ ((uint64_t)kind << 56);
	for (size_t i = 0; i < len; i++)
		h = mix64(h ^ name[i]);
	return (size_t)((mix64(h) | 1) & mask);
}

/*
 * A reflection attack on RRL: answers for www are sent to the spoofed
 * victim 192.0.2.1 while other /24s whose old index is the victim's are
 * interleaved. Under the old index each of them took the entry over and
 * the victim's account restarted full every time: nothing was limited.
 * Keyed, the victim's account keeps its balance: exactly `rate` pass.
 */
START_TEST(test_rrl_index_keyed)
{
	struct rrl_config c = cfg();
	uint8_t crafted[8][4];
	size_t n = 0;
	size_t vidx = old_rrl_index(c1, RRL_ANSWER, n1, sizeof(n1), 1023);
	for (uint32_t net = 0x0A000000; net < 0x0B000000 && n < 8; net += 0x100) {
		uint8_t a[4] = {(uint8_t)(net >> 24), (uint8_t)(net >> 16), (uint8_t)(net >> 8), 1};
		if (old_rrl_index(a, RRL_ANSWER, n1, sizeof(n1), 1023) == vidx)
			memcpy(crafted[n++], a, 4);
	}
	ck_assert_uint_eq(n, 8);
	const uint8_t *keys[2] = {key_a, key_b};
	for (int k = 0; k < 2; k++) {
		struct rrl_table t;
		ck_assert_int_eq(rrl_table_init(&t, c.table_size), 0);
		ck_assert_uint_eq(t.mask, 1023);
		memcpy(t.key, keys[k], sizeof(t.key));
		unsigned v[3] = {0, 0, 0};
		for (unsigned i = 0; i < 100; i++) {
			v[rrl_account(&t, &c, 1, c1, RRL_ANSWER, n1, sizeof(n1), 7)]++;
			rrl_account(&t, &c, 1, crafted[i % 8], RRL_ANSWER, n1, sizeof(n1), 7);
		}
		ck_assert_uint_eq(v[RRL_PASS], 10);
		ck_assert_uint_eq(v[RRL_SLIP], 45);
		ck_assert_uint_eq(v[RRL_DROP], 45);
		rrl_table_free(&t);
		/* a flood from the crafted networks does not limit the victim's
		 * own traffic either: its 10 pass, the 11th is the first limited */
		ck_assert_int_eq(rrl_table_init(&t, c.table_size), 0);
		memcpy(t.key, keys[k], sizeof(t.key));
		for (unsigned i = 0; i < 800; i++)
			rrl_account(&t, &c, 1, crafted[i % 8], RRL_ANSWER, n1, sizeof(n1), 7);
		run(&t, &c, c1, n1, RRL_ANSWER, 11, 7, v);
		ck_assert_uint_eq(v[RRL_PASS], 10);
		ck_assert_uint_eq(v[RRL_DROP], 1);
		rrl_table_free(&t);
	}
}
END_TEST

Suite *rrl_suite(void)
{
	Suite *s = suite_create("rrl");
	TCase *tc = tcase_create("accounts");
	tcase_add_test(tc, test_credits_and_slip);
	tcase_add_test(tc, test_accounts);
	tcase_add_test(tc, test_slip_zero_and_one_log_only_off);
	tcase_add_test(tc, test_exempt);
	suite_add_tcase(s, tc);
	TCase *tk = tcase_create("keyed");
	tcase_add_test(tk, test_tcp_slots_keyed);
	tcase_add_test(tk, test_rrl_index_keyed);
	suite_add_tcase(s, tk);
	return s;
}
