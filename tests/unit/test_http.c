/*
 * test_http.c - the pieces of the operations endpoint that need no socket:
 * the Prometheus exposition writer, route parsing, the token check and the
 * token file rules, the client key and the limit on failed authentications.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "ops/http.h"
#include "ops/metrics.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

START_TEST(test_exposition_family_and_samples)
{
	struct strbuf sb;
	sb_init(&sb);
	metrics_family(&sb, "geodnsd_x_total", "counter", "Help with a \\ and\na newline.");
	const char *l[] = {"zone", "ex\"am\\ple.\n", "region", "us-east", NULL};
	metrics_sample_u64(&sb, "geodnsd_x_total", l, 18446744073709551615ull);
	metrics_sample_u64(&sb, "geodnsd_x_total", NULL, 0);
	metrics_sample(&sb, "geodnsd_g", NULL, -1);
	metrics_sample(&sb, "geodnsd_g", NULL, 0.5);
	ck_assert_str_eq(sb.buf, "# HELP geodnsd_x_total Help with a \\\\ and\\na newline.\n"
				 "# TYPE geodnsd_x_total counter\n"
				 "geodnsd_x_total{zone=\"ex\\\"am\\\\ple.\\n\",region=\"us-east\"} "
				 "18446744073709551615\n"
				 "geodnsd_x_total 0\n"
				 "geodnsd_g -1\n"
				 "geodnsd_g 0.5\n");
	sb_free(&sb);
}
END_TEST

START_TEST(test_strbuf_grows_and_json_escapes)
{
	struct strbuf sb;
	sb_init(&sb);
	for (int i = 0; i < 3000; i++)
		sb_printf(&sb, "%04d", i % 10000);
	ck_assert_uint_eq(sb.len, 12000);
	ck_assert_uint_eq(strlen(sb.buf), 12000);
	ck_assert(memcmp(sb.buf + 11996, "2999", 4) == 0);
	sb_free(&sb);
	sb_init(&sb);
	sb_json_string(&sb, "a\"b\\c\n\x01");
	ck_assert_str_eq(sb.buf, "a\\\"b\\\\c\\u000a\\u0001");
	sb_free(&sb);
}
END_TEST

static enum http_route route(const char *path, char *arg, bool *post)
{
	return http_route_parse(path, arg, 64, post);
}

START_TEST(test_routes)
{
	char arg[64];
	bool post;
	ck_assert_int_eq(route("/metrics", arg, &post), ROUTE_METRICS);
	ck_assert(!post);
	ck_assert_int_eq(route("/status", arg, &post), ROUTE_STATUS);
	ck_assert_int_eq(route("/healthz", arg, &post), ROUTE_HEALTHZ);
	ck_assert_int_eq(route("/v1/reload", arg, &post), ROUTE_RELOAD);
	ck_assert(post);
	ck_assert_int_eq(route("/v1/regions/us-east/drain", arg, &post), ROUTE_DRAIN);
	ck_assert_str_eq(arg, "us-east");
	ck_assert(post);
	ck_assert_int_eq(route("/v1/regions/eu-west/undrain", arg, &post), ROUTE_UNDRAIN);
	ck_assert_str_eq(arg, "eu-west");
	ck_assert_int_eq(route("/v1/endpoints/2001:db8::1/state", arg, &post), ROUTE_ENDPOINT);
	ck_assert_str_eq(arg, "2001:db8::1");
	/* everything else is not found, with no argument */
	static const char *const bad[] = {
		"/", "", "/metrics/", "/v1/regions//drain", "/v1/regions/us-east/drain/",
		"/v1/regions/us-east", "/v1/regions/a/b/drain", "/v1/endpoints/x/stat",
		"/v1/reload/now", "/V1/reload", "/v1/endpoints//state", "/status?x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(route(bad[i], arg, &post) == ROUTE_NOT_FOUND, "%s", bad[i]);
		ck_assert_str_eq(arg, "");
		ck_assert(!post);
	}
	/* an argument longer than the buffer is not found, never truncated */
	char longp[200];
	snprintf(longp, sizeof(longp), "/v1/regions/%0100d/drain", 7);
	ck_assert_int_eq(route(longp, arg, &post), ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(test_token_check)
{
	const char *tok = "s3cret-token-0123";
	size_t n = strlen(tok);
	ck_assert(http_token_ok("Bearer s3cret-token-0123", tok, n));
	ck_assert(!http_token_ok(NULL, tok, n));
	ck_assert(!http_token_ok("", tok, n));
	ck_assert(!http_token_ok("Bearer ", tok, n));
	ck_assert(!http_token_ok("bearer s3cret-token-0123", tok, n));
	ck_assert(!http_token_ok("Basic s3cret-token-0123", tok, n));
	ck_assert(!http_token_ok("Bearer s3cret-token-012", tok, n));   /* prefix */
	ck_assert(!http_token_ok("Bearer s3cret-token-01234", tok, n)); /* longer */
	ck_assert(!http_token_ok("Bearer s3cret-token-0124", tok, n));  /* last byte */
	ck_assert(!http_token_ok("Bearer S3cret-token-0123", tok, n));  /* first byte */
	ck_assert(!http_token_ok("Bearer s3cret-token-0123", NULL, 0));
}
END_TEST

START_TEST(test_token_file_rules)
{
	struct diag d = {0};
	const char *p = unit_write_file("http-token-ok", "abcdefghijklmnopqrstuvwxyz\n");
	chmod(p, 0600);
	char *t = http_read_token(p, &d);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t, "abcdefghijklmnopqrstuvwxyz");
	free(t);
	ck_assert_uint_eq(d.errors, 0);

	chmod(p, 0644);
	ck_assert_ptr_null(http_read_token(p, &d));
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_str_eq(d.msgs[0], "tests/tmp/unit/http-token-ok: the admin token file is "
				    "readable or writable by others (chmod 600 it)");
	p = unit_write_file("http-token-short", "short\n");
	chmod(p, 0600);
	ck_assert_ptr_null(http_read_token(p, &d));
	ck_assert_str_eq(d.msgs[1], "tests/tmp/unit/http-token-short: the admin token must be "
				    "one line of at least 16 characters");
	ck_assert_ptr_null(http_read_token("tests/tmp/unit/http-token-none", &d));
	ck_assert_str_eq(d.msgs[2], "tests/tmp/unit/http-token-none: cannot read the admin "
				    "token: No such file or directory");
	diag_free(&d);
}
END_TEST

/* A token file with exactly these bytes (a NUL included), mode 0600. */
static const char *write_token(const char *name, const char *bytes, size_t n)
{
	static char path[256];
	snprintf(path, sizeof(path), "tests/tmp/unit/%s", name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
	fclose(f);
	chmod(path, 0600);
	return path;
}

START_TEST(test_token_file_bytes)
{
	/* the file's bytes, the byte refused and its offset */
	static const struct {
		const char *name, *bytes;
		size_t len;
		const char *refused;
	} bad[] = {
	    /* 21 bytes, but a C string of 4: it opened the API with "abcd" */
	    {"http-token-nul", "abcd\0efghijklmnopqrst\n", 22, "0x00 at offset 4"},
	    {"http-token-tab", "abcdefgh\tijklmnopqrst\n", 22, "0x09 at offset 8"},
	    {"http-token-space", "abcdefgh ijklmnopqrst\n", 22, "0x20 at offset 8"},
	    {"http-token-utf8", "abcdefgh\xc3\xa9ijklmnopqrst\n", 23, "0xc3 at offset 8"},
	};
	struct diag d = {0};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_ptr_null(
		    http_read_token(write_token(bad[i].name, bad[i].bytes, bad[i].len), &d));
		ck_assert_uint_eq(d.errors, i + 1);
		char want[256];
		snprintf(want, sizeof(want),
		         "tests/tmp/unit/%s: the admin token must be printable ASCII without "
		         "spaces (byte %s)",
		         bad[i].name, bad[i].refused);
		ck_assert_str_eq(d.msgs[i], want);
	}
	/* every printable character is fine, and CR LF at the end is dropped */
	static const char ok[] = "!~azAZ09-._+/=:\"\\x\r\n";
	char *t = http_read_token(write_token("http-token-chars", ok, sizeof(ok) - 1), &d);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t, "!~azAZ09-._+/=:\"\\x");
	free(t);
	ck_assert_uint_eq(d.errors, 4);
	diag_free(&d);
}
END_TEST

START_TEST(test_token_lengths)
{
	/* lengths first: a token under 16 characters never matches, even the
	 * same bytes (an empty one matched "Bearer " before) */
	ck_assert(!http_token_ok("Bearer ", "", 0));
	ck_assert(!http_token_ok("Bearer abcd", "abcd", 4));
	ck_assert(!http_token_ok("Bearer abcdefghijklmno", "abcdefghijklmno", 15));
	ck_assert(http_token_ok("Bearer abcdefghijklmnop", "abcdefghijklmnop", 16));
	/* the length given, not the C string: a NUL inside is compared */
	static const char nul[] = "abcd\0efghijklmnopq";
	ck_assert(!http_token_ok("Bearer abcd", nul, sizeof(nul) - 1));
	ck_assert(!http_token_ok("Bearer abcdefghijklmnopq", nul, sizeof(nul) - 1));
}
END_TEST

static void key4(uint8_t key[17], unsigned n)
{
	memset(key, 0, 17);
	key[0] = 1;
	key[1] = 10;
	key[3] = (uint8_t)(n >> 8);
	key[4] = (uint8_t)n;
}

struct reports {
	unsigned calls, failures, refused;
	uint8_t last[17];
};

static void count_report(const uint8_t key[17], unsigned failures, unsigned refused, void *arg)
{
	struct reports *r = arg;
	r->calls++;
	r->failures += failures;
	r->refused += refused;
	memcpy(r->last, key, 17);
}

START_TEST(test_auth_limit_budget_and_window)
{
	struct http_auth_limit *l = http_auth_limit_new();
	uint8_t a[17], b[17];
	key4(a, 1);
	key4(b, 2);
	uint64_t t = 1000000;
	for (int i = 0; i < HTTP_AUTH_BUDGET; i++) {
		ck_assert(http_auth_allowed(l, a, t + (uint64_t)i));
		http_auth_failed(l, a, t + (uint64_t)i);
	}
	/* the budget is spent: refused, counted, whatever the token */
	for (int i = 0; i < 5; i++)
		ck_assert(!http_auth_allowed(l, a, t + 100));
	ck_assert(http_auth_allowed(l, b, t + 100)); /* another client is not */
	struct reports r = {0};
	ck_assert_uint_eq(http_auth_expire(l, t + HTTP_AUTH_WINDOW_MS - 1, false, count_report, &r),
	                  1);
	ck_assert_uint_eq(r.calls, 0);
	ck_assert(!http_auth_allowed(l, a, t + HTTP_AUTH_WINDOW_MS - 1));
	/* the window ends: one report with the counts, then a new budget */
	ck_assert_uint_eq(http_auth_expire(l, t + HTTP_AUTH_WINDOW_MS, false, count_report, &r), 0);
	ck_assert_uint_eq(r.calls, 1);
	ck_assert_uint_eq(r.failures, HTTP_AUTH_BUDGET);
	ck_assert_uint_eq(r.refused, 6);
	ck_assert(memcmp(r.last, a, 17) == 0);
	ck_assert(http_auth_allowed(l, a, t + HTTP_AUTH_WINDOW_MS));
	ck_assert_uint_eq(http_auth_expire(l, t + 2 * HTTP_AUTH_WINDOW_MS, true, count_report, &r),
	                  0);
	ck_assert_uint_eq(r.calls, 1);
	http_auth_limit_free(l);
}
END_TEST

START_TEST(test_auth_limit_full_table)
{
	struct http_auth_limit *l = http_auth_limit_new();
	uint8_t k[17], zero[17] = {0};
	uint64_t t = 5000;
	for (unsigned i = 0; i < HTTP_AUTH_CLIENTS; i++) {
		key4(k, i);
		http_auth_failed(l, k, t);
	}
	/* the table is full: new clients share one budget, and cannot push
	 * anyone out of the table */
	for (unsigned i = 0; i < HTTP_AUTH_BUDGET; i++) {
		key4(k, 1000 + i);
		ck_assert(http_auth_allowed(l, k, t));
		http_auth_failed(l, k, t);
	}
	key4(k, 2000);
	ck_assert(!http_auth_allowed(l, k, t));
	key4(k, 0);
	ck_assert(http_auth_allowed(l, k, t)); /* its own window: 1 failure */
	for (unsigned i = 1; i < HTTP_AUTH_BUDGET; i++)
		http_auth_failed(l, k, t);
	ck_assert(!http_auth_allowed(l, k, t));
	struct reports r = {0};
	ck_assert_uint_eq(http_auth_expire(l, t, true, count_report, &r), 0);
	ck_assert_uint_eq(r.calls, HTTP_AUTH_CLIENTS + 1);
	ck_assert_uint_eq(r.failures, HTTP_AUTH_CLIENTS + 2 * HTTP_AUTH_BUDGET - 1);
	ck_assert_uint_eq(r.refused, 2);
	ck_assert(memcmp(r.last, zero, 17) == 0); /* the shared window, last */
	http_auth_limit_free(l);
}
END_TEST

START_TEST(test_client_key)
{
	uint8_t key[17];
	struct sockaddr_in sin = {.sin_family = AF_INET};
	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	http_client_key((struct sockaddr *)&sin, key);
	static const uint8_t v4[17] = {1, 192, 0, 2, 7};
	ck_assert(memcmp(key, v4, 17) == 0);
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, "::ffff:192.0.2.7", &sin6.sin6_addr);
	http_client_key((struct sockaddr *)&sin6, key);
	ck_assert(memcmp(key, v4, 17) == 0);
	inet_pton(AF_INET6, "2001:db8:1:2:3:4:5:6", &sin6.sin6_addr);
	http_client_key((struct sockaddr *)&sin6, key);
	static const uint8_t v6[17] = {2, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2};
	ck_assert(memcmp(key, v6, 17) == 0);
}
END_TEST

Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("ops");
	tcase_add_test(tc, test_exposition_family_and_samples);
	tcase_add_test(tc, test_strbuf_grows_and_json_escapes);
	tcase_add_test(tc, test_routes);
	tcase_add_test(tc, test_token_check);
	tcase_add_test(tc, test_token_file_rules);
	tcase_add_test(tc, test_token_file_bytes);
	tcase_add_test(tc, test_token_lengths);
	tcase_add_test(tc, test_auth_limit_budget_and_window);
	tcase_add_test(tc, test_auth_limit_full_table);
	tcase_add_test(tc, test_client_key);
	suite_add_tcase(s, tc);
	return s;
}
