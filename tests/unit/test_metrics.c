/*
 * test_metrics.c - the ops module's text output (src/ops/metrics.c): the
 * growable strbuf (appends past its first capacity, always NUL terminated,
 * printf of any length), the escapes of a Prometheus label value, a HELP
 * line and a JSON string body, and the exposition lines of a family and its
 * samples, byte for byte.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/metrics.h"
#include "unit.h"

#include <stdint.h>
#include <string.h>

START_TEST(test_strbuf_init_empty)
{
	struct strbuf sb;
	sb_init(&sb);
	ck_assert_ptr_nonnull(sb.buf);
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_str_eq(sb.buf, "");
	sb_free(&sb);
	ck_assert_ptr_null(sb.buf);
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_uint_eq(sb.cap, 0);
}
END_TEST

START_TEST(test_strbuf_append)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "abc");
	sb_add(&sb, "defXYZ", 3);
	sb_printf(&sb, "-%d-%s-", 42, "x");
	ck_assert_str_eq(sb.buf, "abcdef-42-x-");
	ck_assert_uint_eq(sb.len, 12);
	/* sb_add takes n bytes, a NUL among them included */
	sb_add(&sb, "a\0b", 3);
	ck_assert_uint_eq(sb.len, 15);
	ck_assert_mem_eq(sb.buf + 12, "a\0b", 4);
	sb_free(&sb);
}
END_TEST

/* Appends that cross the first capacity (4096) keep every byte and the
 * terminating NUL, at every length around the boundary. */
START_TEST(test_strbuf_grows)
{
	struct strbuf sb;
	sb_init(&sb);
	size_t first = sb.cap;
	char expect[3 * 4096 + 64];
	size_t n = 0;
	for (unsigned i = 0; n + 8 < sizeof(expect) - 8; i++) {
		char c = (char)('a' + i % 26);
		size_t k = 1 + i % 7;
		for (size_t j = 0; j < k; j++) {
			expect[n++] = c;
			sb_add(&sb, &c, 1);
		}
		ck_assert_uint_eq(sb.len, n);
		ck_assert_uint_lt(sb.len, sb.cap);
		ck_assert_int_eq(sb.buf[sb.len], '\0');
	}
	ck_assert_uint_gt(sb.cap, first);
	ck_assert_mem_eq(sb.buf, expect, n);
	sb_free(&sb);
}
END_TEST

/* One sb_printf longer than the whole first capacity. */
START_TEST(test_strbuf_printf_long)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "<");
	static char big[10001];
	memset(big, 'q', sizeof(big) - 1);
	sb_printf(&sb, "%s|%u", big, 7u);
	ck_assert_uint_eq(sb.len, 1 + 10000 + 2);
	ck_assert_int_eq(sb.buf[0], '<');
	ck_assert_int_eq(sb.buf[10000], 'q');
	ck_assert_str_eq(sb.buf + 10001, "|7");
	sb_free(&sb);
}
END_TEST

/* A label value escapes backslash, double quote and newline, nothing else. */
START_TEST(test_label_value_escapes)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_label_value(&sb, "a\\b\"c\nd\te/{}=,");
	ck_assert_str_eq(sb.buf, "a\\\\b\\\"c\\nd\te/{}=,");
	sb_free(&sb);
}
END_TEST

/* A JSON string body: quote and backslash escaped, every control character
 * as \u00XX, the rest (UTF-8 included) as it is. */
START_TEST(test_json_string_escapes)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_json_string(&sb, "q\"b\\n\n\x01\x1f/\xc3\xa9");
	ck_assert_str_eq(sb.buf, "q\\\"b\\\\n\\u000a\\u0001\\u001f/\xc3\xa9");
	sb_free(&sb);
}
END_TEST

/* HELP escapes backslash and newline only (not quotes), TYPE follows. */
START_TEST(test_family_lines)
{
	struct strbuf sb;
	sb_init(&sb);
	metrics_family(&sb, "geodnsd_x_total", "counter", "Said \"x\"\\ here\nand there.");
	ck_assert_str_eq(sb.buf, "# HELP geodnsd_x_total Said \"x\"\\\\ here\\nand there.\n"
	                         "# TYPE geodnsd_x_total counter\n");
	sb_free(&sb);
}
END_TEST

START_TEST(test_sample_labels)
{
	struct strbuf sb;
	sb_init(&sb);
	const char *none[] = {NULL};
	const char *one[] = {"region", "eu-west", NULL};
	const char *two[] = {"feed", "http://h/\"f\"", "result", "ok", NULL};
	/* a key without its value is not written */
	const char *odd[] = {"a", "1", "b", NULL};
	metrics_sample_u64(&sb, "m", NULL, 0);
	metrics_sample_u64(&sb, "m", none, 1);
	metrics_sample_u64(&sb, "m", one, UINT64_MAX);
	metrics_sample_u64(&sb, "m", two, 3);
	metrics_sample_u64(&sb, "m", odd, 4);
	ck_assert_str_eq(sb.buf, "m 0\n"
	                         "m 1\n"
	                         "m{region=\"eu-west\"} 18446744073709551615\n"
	                         "m{feed=\"http://h/\\\"f\\\"\",result=\"ok\"} 3\n"
	                         "m{a=\"1\"} 4\n");
	sb_free(&sb);
}
END_TEST

/* Doubles with %.17g: integers without a point, -1, fractions exact. */
START_TEST(test_sample_double)
{
	struct strbuf sb;
	sb_init(&sb);
	const char *l[] = {"feed", "f", NULL};
	metrics_sample(&sb, "s", l, -1);
	metrics_sample(&sb, "s", NULL, 12.0);
	metrics_sample(&sb, "s", NULL, 0.5);
	metrics_sample(&sb, "s", NULL, 1e20);
	ck_assert_str_eq(sb.buf, "s{feed=\"f\"} -1\ns 12\ns 0.5\ns 1e+20\n");
	sb_free(&sb);
}
END_TEST

START_TEST(test_single)
{
	struct strbuf sb;
	sb_init(&sb);
	metrics_single(&sb, "geodnsd_up", "gauge", "Up.", 1);
	ck_assert_str_eq(sb.buf, "# HELP geodnsd_up Up.\n# TYPE geodnsd_up gauge\ngeodnsd_up 1\n");
	sb_free(&sb);
}
END_TEST

Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("strbuf");
	tcase_add_test(tc, test_strbuf_init_empty);
	tcase_add_test(tc, test_strbuf_append);
	tcase_add_test(tc, test_strbuf_grows);
	tcase_add_test(tc, test_strbuf_printf_long);
	tcase_add_test(tc, test_label_value_escapes);
	tcase_add_test(tc, test_json_string_escapes);
	suite_add_tcase(s, tc);

	tc = tcase_create("exposition");
	tcase_add_test(tc, test_family_lines);
	tcase_add_test(tc, test_sample_labels);
	tcase_add_test(tc, test_sample_double);
	tcase_add_test(tc, test_single);
	suite_add_tcase(s, tc);
	return s;
}
