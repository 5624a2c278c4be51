/*
 * test_dns.c - dns/names.c: the mnemonics of rcodes and types the query log
 * and the metrics print.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "dns/dns.h"
#include "dns/serial.h"

START_TEST(test_rcode_names)
{
	ck_assert_str_eq(dns_rcode_name(RCODE_NOERROR), "NOERROR");
	ck_assert_str_eq(dns_rcode_name(RCODE_NXDOMAIN), "NXDOMAIN");
	ck_assert_str_eq(dns_rcode_name(RCODE_YXDOMAIN), "YXDOMAIN");
	ck_assert_str_eq(dns_rcode_name(RCODE_NOTAUTH), "NOTAUTH");
	ck_assert_str_eq(dns_rcode_name(RCODE_BADVERS), "BADVERS");
	ck_assert_str_eq(dns_rcode_name(22), "RCODE22");
	/* the last counted slot, and everything above it */
	ck_assert_str_eq(dns_rcode_name(DNS_RCODES_COUNTED - 1), "OTHER");
	ck_assert_str_eq(dns_rcode_name(4095), "OTHER");
}
END_TEST

START_TEST(test_type_names)
{
	char buf[16];
	ck_assert_str_eq(dns_type_name(TYPE_A, buf, sizeof(buf)), "A");
	ck_assert_str_eq(dns_type_name(TYPE_AAAA, buf, sizeof(buf)), "AAAA");
	ck_assert_str_eq(dns_type_name(TYPE_HTTPS, buf, sizeof(buf)), "HTTPS");
	ck_assert_str_eq(dns_type_name(257, buf, sizeof(buf)), "CAA");
	/* 0 is the metrics' slot of types above 255 */
	ck_assert_str_eq(dns_type_name(0, buf, sizeof(buf)), "OTHER");
	/* unknown: RFC 3597's form, written into buf */
	const char *n = dns_type_name(65280, buf, sizeof(buf));
	ck_assert_str_eq(n, "TYPE65280");
	ck_assert_ptr_eq(n, buf);
}
END_TEST

/* RFC 1982 with SERIAL_BITS 32: the circle, its wrap and the undefined
 * pairs exactly 2^31 apart. */
START_TEST(test_serial)
{
	ck_assert(serial_lt(1, 2) && serial_gt(2, 1));
	ck_assert(!serial_lt(5, 5) && !serial_gt(5, 5));
	/* the wrap: 0xffffffff + 1 is 0 */
	ck_assert(serial_lt(0xffffffffu, 0) && serial_gt(0, 0xffffffffu));
	ck_assert(serial_lt(0xfffffff0u, 0x10));
	/* the farthest still defined: 2^31 - 1 ahead */
	ck_assert(serial_lt(0, 0x7fffffffu) && serial_gt(0x7fffffffu, 0));
	ck_assert(serial_lt(0x80000001u, 0) && serial_gt(0, 0x80000001u));
	/* 2^31 apart: neither, both ways */
	ck_assert(!serial_lt(0, 0x80000000u) && !serial_gt(0, 0x80000000u));
	ck_assert(!serial_lt(0x80000000u, 0) && !serial_gt(0x80000000u, 0));
	ck_assert(!serial_lt(7, 0x80000007u) && !serial_gt(0x80000007u, 7));
	/* addition wraps and is bounded to 2^31 - 1 */
	ck_assert_uint_eq(serial_add(0xffffffffu, 2), 1);
	ck_assert_uint_eq(serial_add(10, 0xffffffffu), 10 + 0x7fffffffu);
	ck_assert(serial_gt(serial_add(10, 0xffffffffu), 10));
}
END_TEST

Suite *dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, test_rcode_names);
	tcase_add_test(tc, test_type_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("serial");
	tcase_add_test(tc, test_serial);
	suite_add_tcase(s, tc);
	return s;
}
