/*
 * test_common.c - the common/ building blocks: SipHash-2-4 against its
 * published vectors, the 64-bit mixer, addresses and network prefixes
 * (netaddr.h).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/gd.h"
#include "common/hash.h"
#include "common/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

/* ---- SipHash-2-4 ---- */

static uint8_t sip_key[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static uint8_t sip_msg[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

START_TEST(test_siphash_paper_vector)
{
	/* SipHash paper, Appendix A: key 00..0f, message 00..0e */
	ck_assert_uint_eq(siphash24(sip_key, sip_msg, 15), UINT64_C(0xa129ca6149be45e5));
}
END_TEST

START_TEST(test_siphash_reference_lengths)
{
	/* the reference implementation's vectors (output octets read
	 * little-endian): the empty message, a 7-octet tail, one full word */
	ck_assert_uint_eq(siphash24(sip_key, sip_msg, 0), UINT64_C(0x726fdb47dd0e0e31));
	ck_assert_uint_eq(siphash24(sip_key, sip_msg, 7), UINT64_C(0xab0200f58b01d137));
	ck_assert_uint_eq(siphash24(sip_key, sip_msg, 8), UINT64_C(0x93f5f5799a932462));
}
END_TEST

START_TEST(test_siphash_key_matters)
{
	uint8_t k2[16];
	memcpy(k2, sip_key, 16);
	k2[15] ^= 1;
	ck_assert_uint_ne(siphash24(k2, sip_msg, 15), UINT64_C(0xa129ca6149be45e5));
}
END_TEST

/* ---- mix64 ---- */

START_TEST(test_mix64_values)
{
	/* splitmix64's finalizer: 0 stays 0, and the known image of 1 */
	ck_assert_uint_eq(mix64(0), 0);
	ck_assert_uint_eq(mix64(1), UINT64_C(0x5692161d100b05e5));
	ck_assert_uint_ne(mix64(2), mix64(1));
}
END_TEST

/* ---- netaddr ---- */

START_TEST(test_in_prefix)
{
	uint8_t a[16] = {192, 0, 2, 200}, net[16] = {192, 0, 2, 128};
	ck_assert(netaddr_in_prefix(a, net, 25));
	ck_assert(netaddr_in_prefix(a, net, 24));
	ck_assert(netaddr_in_prefix(a, net, 0));
	ck_assert(!netaddr_in_prefix(a, net, 32));
	a[3] = 127; /* 192.0.2.127: outside the /25 */
	ck_assert(!netaddr_in_prefix(a, net, 25));
	ck_assert(netaddr_in_prefix(a, net, 24));
	/* a partial last octet: 10.0.0.0/7 holds 11.255.0.0, not 12.0.0.0 */
	uint8_t n10[16] = {10}, b[16] = {11, 255}, c[16] = {12};
	ck_assert(netaddr_in_prefix(b, n10, 7));
	ck_assert(!netaddr_in_prefix(c, n10, 7));
}
END_TEST

START_TEST(test_prefix_list_by_family)
{
	struct netprefix list[2];
	ck_assert_int_eq(netprefix_parse("192.0.2.0/24", &list[0]), GD_OK);
	ck_assert_int_eq(netprefix_parse("2001:db8::/32", &list[1]), GD_OK);
	uint8_t v4[16] = {192, 0, 2, 9}, v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1};
	ck_assert(netprefix_list_match(list, 2, ADDR_IPV4, v4));
	ck_assert(netprefix_list_match(list, 2, ADDR_IPV6, v6));
	/* the same octets in the other family do not match */
	ck_assert(!netprefix_list_match(list, 2, ADDR_IPV6, v4));
	ck_assert(!netprefix_list_match(list, 2, ADDR_IPV4, v6));
	ck_assert(!netprefix_list_match(list, 0, ADDR_IPV4, v4));
	/* ::/0 matches every IPv6 address and no IPv4 one */
	struct netprefix all6;
	ck_assert_int_eq(netprefix_parse("::/0", &all6), GD_OK);
	ck_assert(netprefix_list_match(&all6, 1, ADDR_IPV6, v6));
	ck_assert(!netprefix_list_match(&all6, 1, ADDR_IPV4, v4));
}
END_TEST

START_TEST(test_from_sockaddr)
{
	uint8_t family, addr[16];
	struct sockaddr_in sin = {.sin_family = AF_INET};
	inet_pton(AF_INET, "198.51.100.7", &sin.sin_addr);
	memset(addr, 0xAA, sizeof(addr));
	ck_assert(netaddr_from_sockaddr((struct sockaddr *)&sin, &family, addr));
	ck_assert_uint_eq(family, ADDR_IPV4);
	ck_assert_mem_eq(addr, "\xC6\x33\x64\x07\0\0\0\0\0\0\0\0\0\0\0\0", 16);

	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, "2001:db8::5", &sin6.sin6_addr);
	ck_assert(netaddr_from_sockaddr((struct sockaddr *)&sin6, &family, addr));
	ck_assert_uint_eq(family, ADDR_IPV6);
	ck_assert_mem_eq(addr, &sin6.sin6_addr, 16);

	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	ck_assert(!netaddr_from_sockaddr((struct sockaddr *)&sun, &family, addr));
	ck_assert_uint_eq(family, ADDR_NONE);
	static const uint8_t zero[16];
	ck_assert_mem_eq(addr, zero, 16);
}
END_TEST

Suite *common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("siphash");
	tcase_add_test(tc, test_siphash_paper_vector);
	tcase_add_test(tc, test_siphash_reference_lengths);
	tcase_add_test(tc, test_siphash_key_matters);
	tcase_add_test(tc, test_mix64_values);
	suite_add_tcase(s, tc);
	tc = tcase_create("netaddr");
	tcase_add_test(tc, test_in_prefix);
	tcase_add_test(tc, test_prefix_list_by_family);
	tcase_add_test(tc, test_from_sockaddr);
	suite_add_tcase(s, tc);
	return s;
}
