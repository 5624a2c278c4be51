/*
 * test_log.c - log_format escapes every %s so that no value from outside
 * (feed keys, endpoints, URL paths) can forge a line or a key=value pair.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/log.h"
#include "unit.h"

#include <string.h>

static char line[256];

START_TEST(test_plain_values_unchanged)
{
	size_t n = log_format(line, sizeof(line), "event=feed_ok feed=%s region=%s",
	                      "http://127.0.0.1:9053/us-east.json?a=b", "us-east");
	ck_assert_str_eq(line, "event=feed_ok feed=http://127.0.0.1:9053/us-east.json?a=b "
	                       "region=us-east");
	ck_assert_uint_eq(n, strlen(line));
	log_format(line, sizeof(line), "file=%s empty=%s", "zones/a.zone", "");
	ck_assert_str_eq(line, "file=zones/a.zone empty=");
}
END_TEST

/* the attack of issue 14: a feed key forging a whole admin line */
START_TEST(test_forged_pairs_and_lines)
{
	log_format(line, sizeof(line), "event=feed_failed feed=%s reason=%s",
	           "x event=admin action=drain result=ok", "stale");
	ck_assert_str_eq(line, "event=feed_failed feed=\"x event=admin action=drain "
	                       "result=ok\" reason=stale");
	log_format(line, sizeof(line), "region=%s endpoint=%s",
	           "a\nts=2026-01-01T00:00:00Z level=info event=admin", "1.2.3.4");
	ck_assert_str_eq(line, "region=\"a\\x0ats=2026-01-01T00:00:00Z level=info "
	                       "event=admin\" endpoint=1.2.3.4");
	ck_assert_ptr_null(strchr(line, '\n'));
	/* a quote or backslash alone makes a bare value quoted */
	log_format(line, sizeof(line), "k=%s k2=%s", "a\"b", "c\\d");
	ck_assert_str_eq(line, "k=\"a\\\"b\" k2=\"c\\\\d\"");
}
END_TEST

START_TEST(test_quoted_values)
{
	log_format(line, sizeof(line), "event=feed_failed detail=\"%s\" next=%s",
	           "region \"x\" \\ \x1b[2J\r\x7f\xc3\xa9", "ok");
	ck_assert_str_eq(line, "event=feed_failed detail=\"region \\\"x\\\" \\\\ "
	                       "\\x1b[2J\\x0d\\x7f\\xc3\\xa9\" next=ok");
	/* a quoted value that needs nothing is left alone */
	log_format(line, sizeof(line), "error=\"%s\"", "No such file or directory");
	ck_assert_str_eq(line, "error=\"No such file or directory\"");
}
END_TEST

START_TEST(test_other_conversions)
{
	log_format(line, sizeof(line),
	           "a=%u b=%zu c=%llu d=%d e=%ld f=%x g=%.2f h=%% i=%5d j=%-3u|", 4000000000u,
	           (size_t)7, 18446744073709551615ull, -5, -7L, 255u, 2.5, 42, 1u);
	ck_assert_str_eq(line, "a=4000000000 b=7 c=18446744073709551615 d=-5 e=-7 f=ff g=2.50 "
	                       "h=% i=   42 j=1  |");
	log_format(line, sizeof(line), "p=%.*s q=%.3s r=%*d s=%c t=%c", 2, "abcdef", "xy z", 4, 9,
	           'k', '\n');
	ck_assert_str_eq(line, "p=ab q=\"xy \" r=   9 s=k t=\\x0a");
}
END_TEST

START_TEST(test_truncation)
{
	char small[16];
	size_t n = log_format(small, sizeof(small), "key=%s n=%d", "0123456789abcdef", 12);
	ck_assert_uint_eq(n, strlen("key=0123456789abcdef n=12"));
	ck_assert_str_eq(small, "key=0123456789a");
	n = log_format(small, sizeof(small), "v=%s", "\n\n\n\n\n");
	ck_assert_uint_eq(n, 2 + 2 + 5 * 4);
	ck_assert_str_eq(small, "v=\"\\x0a\\x0a\\x0a");
}
END_TEST

/* server.log_format json: each pair a member, numbers as numbers, the
 * escapes of the pairs kept (a forged value stays one string) */
START_TEST(test_json_lines)
{
	static char json[512];
	log_format(line, sizeof(line), "event=reload result=ok zones=%d ms=%.1f neg=%d id=%s",
	           3, 12.5, -4, "0123");
	size_t n = log_logfmt_to_json(line, json, sizeof(json));
	ck_assert_str_eq(json, "{\"event\":\"reload\",\"result\":\"ok\",\"zones\":3,\"ms\":12.5,"
	                       "\"neg\":-4,\"id\":\"0123\"}");
	ck_assert_uint_eq(n, strlen(json));
	log_format(line, sizeof(line), "event=feed_failed feed=%s detail=\"%s\" empty=",
	           "x event=admin", "a\"b\\c\nd");
	log_logfmt_to_json(line, json, sizeof(json));
	ck_assert_str_eq(json, "{\"event\":\"feed_failed\",\"feed\":\"x event=admin\","
	                       "\"detail\":\"a\\\"b\\\\c\\\\x0ad\",\"empty\":\"\"}");
	/* a key without a value, and truncation keeps the buffer terminated */
	log_logfmt_to_json("flag ts=1", json, sizeof(json));
	ck_assert_str_eq(json, "{\"flag\":\"\",\"ts\":1}");
	n = log_logfmt_to_json("event=x", json, 8);
	ck_assert_uint_eq(n, strlen("{\"event\":\"x\"}"));
	ck_assert_uint_eq(strlen(json), 7);
}
END_TEST

Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("format");
	tcase_add_test(tc, test_plain_values_unchanged);
	tcase_add_test(tc, test_forged_pairs_and_lines);
	tcase_add_test(tc, test_quoted_values);
	tcase_add_test(tc, test_other_conversions);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_json_lines);
	suite_add_tcase(s, tc);
	return s;
}
