/*
 * test_config.c - configuration loading: defaults, parsed values, and every
 * error reported as "FILE:LINE:COL: path: message" at the right place, all of
 * them at once.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/config.h"
#include "common/diag.h"
#include "common/gd.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

static const char *cfg_path;

static struct config *load(const char *name, const char *text, struct diag *d)
{
	cfg_path = unit_write_file(name, text);
	return config_load(cfg_path, d);
}

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

/* diag entry i must be exactly "cfg_path:line:col: msg" */
static void expect_msg(const struct diag *d, size_t i, int line, int col, const char *msg)
{
	char want[1024];
	snprintf(want, sizeof(want), "%s:%d:%d: %s", cfg_path, line, col, msg);
	if (i >= d->count)
		dump(d);
	ck_assert_uint_gt(d->count, i);
	ck_assert_str_eq(d->msgs[i], want);
}

/* Loading text must fail with exactly one error: "line:col: msg". */
static void expect_one_error(const char *name, const char *text, int line, int col,
			     const char *msg)
{
	struct diag d = {0};
	struct config *cfg = load(name, text, &d);
	if (d.count != 1)
		dump(&d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_uint_eq(d.count, 1);
	expect_msg(&d, 0, line, col, msg);
	diag_free(&d);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static const char *addr_of(const struct sockaddr_storage *ss, char *buf)
{
	if (ss->ss_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf,
				 INET6_ADDRSTRLEN);
	return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf,
			 INET6_ADDRSTRLEN);
}

#define LISTEN_HINT " is not an address such as 127.0.0.1:5353 or [::1]:5353"
#define PREFIX_HINT " is not a network prefix such as 192.0.2.0/24 (host bits must be zero)"

/* ---- accepted files ---- */

START_TEST(test_defaults)
{
	struct diag d = {0};
	char a[INET6_ADDRSTRLEN];
	struct config *cfg = load("cfg_defaults.json", "{}\n", &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_str_eq(cfg->file, cfg_path);
	ck_assert_uint_eq(cfg->udp_payload, 1232);
	ck_assert_uint_eq(cfg->tcp_idle_timeout, 10);
	ck_assert_uint_eq(cfg->tcp_max_connections, 1000);
	ck_assert_uint_eq(cfg->tcp_max_message, 65535);
	ck_assert_uint_eq(cfg->http_max_connections, 32);
	ck_assert_uint_eq(cfg->workers, 0);
	ck_assert_ptr_null(cfg->nsid);
	ck_assert_str_eq(cfg->version, "geodnsd " GD_VERSION);
	ck_assert_str_eq(cfg->log_level, "info");
	ck_assert(!cfg->log_json);
	ck_assert(!cfg->log_syslog);
	ck_assert(cfg->answer_cache);
	ck_assert(cfg->ecs_enabled);
	ck_assert_uint_eq(cfg->necs_trusted, 0);
	ck_assert(!cfg->ecs_trusted_set);
	ck_assert_uint_eq(cfg->hash_ipv4_prefix, 24);
	ck_assert_uint_eq(cfg->hash_ipv6_prefix, 56);
	ck_assert_uint_eq(cfg->nzones, 0);
	ck_assert_uint_eq(cfg->nlisten, 2);
	ck_assert_str_eq(cfg->listen[0].text, "127.0.0.1:53");
	ck_assert_int_eq(cfg->listen[0].ss.ss_family, AF_INET);
	ck_assert_uint_eq(cfg->listen[0].len, sizeof(struct sockaddr_in));
	ck_assert_str_eq(addr_of(&cfg->listen[0].ss, a), "127.0.0.1");
	ck_assert_uint_eq(port_of(&cfg->listen[0].ss), 53);
	ck_assert_str_eq(cfg->listen[1].text, "[::1]:53");
	ck_assert_int_eq(cfg->listen[1].ss.ss_family, AF_INET6);
	ck_assert_uint_eq(cfg->listen[1].len, sizeof(struct sockaddr_in6));
	ck_assert_str_eq(addr_of(&cfg->listen[1].ss, a), "::1");
	ck_assert_uint_eq(port_of(&cfg->listen[1].ss), 53);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

START_TEST(test_parsed_values)
{
	static const char text[] =
		"{\n"
		"  \"server\": {\n"
		"    \"listen\": [\"192.0.2.1:5353\", \"[2001:db8::53]:5300\", \"::1\"],\n"
		"    \"workers\": 4,\n"
		"    \"nsid\": \"ns1.example\",\n"
		"    \"udp_payload\": 1400,\n"
		"    \"tcp_idle_timeout\": 30,\n"
		"    \"tcp_max_connections\": 50,\n"
		"    \"tcp_max_message\": 4096,\n"
		"    \"log_level\": \"info\",\n"
		"    \"syslog\": true,\n"
		"    \"answer_cache\": false\n"
		"  },\n"
		"  \"ecs\": {\"enabled\": false, \"trusted\": [\"192.0.2.0/24\", \"2001:db8::/32\"],\n"
		"          \"hash_ipv4_prefix\": 20, \"hash_ipv6_prefix\": 48},\n"
		"  \"zones\": [\n"
		"    {\"origin\": \"example.com\", \"file\": \"example.com.zone\"},\n"
		"    {\"origin\": \"example.net\", \"file\": \"net.zone\", \"services\": \"s.json\"}\n"
		"  ]\n"
		"}\n";
	struct diag d = {0};
	char a[INET6_ADDRSTRLEN];
	struct config *cfg = load("cfg_values.json", text, &d);
	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(cfg->nlisten, 3);
	ck_assert_str_eq(cfg->listen[0].text, "192.0.2.1:5353");
	ck_assert_int_eq(cfg->listen[0].ss.ss_family, AF_INET);
	ck_assert_str_eq(addr_of(&cfg->listen[0].ss, a), "192.0.2.1");
	ck_assert_uint_eq(port_of(&cfg->listen[0].ss), 5353);
	ck_assert_str_eq(cfg->listen[1].text, "[2001:db8::53]:5300");
	ck_assert_int_eq(cfg->listen[1].ss.ss_family, AF_INET6);
	ck_assert_str_eq(addr_of(&cfg->listen[1].ss, a), "2001:db8::53");
	ck_assert_uint_eq(port_of(&cfg->listen[1].ss), 5300);
	ck_assert_int_eq(cfg->listen[2].ss.ss_family, AF_INET6);
	ck_assert_uint_eq(port_of(&cfg->listen[2].ss), 53);
	ck_assert_uint_eq(cfg->workers, 4);
	ck_assert_str_eq(cfg->nsid, "ns1.example");
	ck_assert_uint_eq(cfg->nsid_len, 11);
	ck_assert_uint_eq(cfg->udp_payload, 1400);
	ck_assert_uint_eq(cfg->tcp_idle_timeout, 30);
	ck_assert_uint_eq(cfg->tcp_max_connections, 50);
	ck_assert_uint_eq(cfg->tcp_max_message, 4096);
	ck_assert_str_eq(cfg->log_level, "info");
	ck_assert(cfg->log_syslog);
	ck_assert(!cfg->answer_cache);
	ck_assert(!cfg->ecs_enabled);
	ck_assert(cfg->ecs_trusted_set);
	ck_assert_uint_eq(cfg->hash_ipv4_prefix, 20);
	ck_assert_uint_eq(cfg->hash_ipv6_prefix, 48);
	ck_assert_uint_eq(cfg->necs_trusted, 2);
	ck_assert_int_eq(cfg->ecs_trusted[0].family, ADDR_IPV4);
	ck_assert_uint_eq(cfg->ecs_trusted[0].bits, 24);
	ck_assert_mem_eq(cfg->ecs_trusted[0].addr, "\xC0\x00\x02\x00", 4);
	ck_assert_int_eq(cfg->ecs_trusted[1].family, ADDR_IPV6);
	ck_assert_uint_eq(cfg->ecs_trusted[1].bits, 32);
	ck_assert_mem_eq(cfg->ecs_trusted[1].addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	ck_assert_uint_eq(cfg->nzones, 2);
	ck_assert_str_eq(cfg->zones[0].origin, "example.com");
	/* relative paths: from the configuration's directory */
	ck_assert_str_eq(cfg->zones[0].file, "tests/tmp/unit/example.com.zone");
	ck_assert_ptr_null(cfg->zones[0].services);
	ck_assert_str_eq(cfg->zones[1].origin, "example.net");
	ck_assert_str_eq(cfg->zones[1].file, "tests/tmp/unit/net.zone");
	ck_assert_str_eq(cfg->zones[1].services, "tests/tmp/unit/s.json");
	config_free(cfg);
	diag_free(&d);
}
END_TEST

/* Zones configured twice: each against every earlier one with its origin
 * (as names: case and trailing dot do not count), in the zones' order, at
 * the origin's place. */
START_TEST(test_zones_twice)
{
	struct diag d = {0};
	struct config *cfg = load("cfg_twice.json",
				  "{\"zones\": [\n"
				  "  {\"origin\": \"a.test\", \"file\": \"x\"},\n"
				  "  {\"file\": \"y\", \"origin\": \"B.test.\"},\n"
				  "  {\"origin\": \"a.test.\", \"file\": \"z\"},\n"
				  "  {\"origin\": \"b.test\", \"file\": \"w\"},\n"
				  "  {\"origin\": \"a.tes\", \"file\": \"u\"},\n"
				  "  {\"origin\": \"A.TEST\", \"file\": \"v\"}\n"
				  "]}\n",
				  &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.count, 0);
	config_check_zones(cfg, &d);
	ck_assert_uint_eq(d.count, 4);
	expect_msg(&d, 0, 4, 14, "zones[2].origin: zone a.test. is configured twice (also zones[0])");
	expect_msg(&d, 1, 5, 14, "zones[3].origin: zone b.test is configured twice (also zones[1])");
	expect_msg(&d, 2, 7, 14, "zones[5].origin: zone A.TEST is configured twice (also zones[0])");
	expect_msg(&d, 3, 7, 14, "zones[5].origin: zone A.TEST is configured twice (also zones[2])");
	diag_free(&d);
	config_free(cfg);
}
END_TEST

/* 20,000 zones: each origin's place found in one pass over the array (not
 * one from the top of the file per zone), the one configured twice found
 * among them. */
START_TEST(test_many_zones)
{
	enum { N = 20000 };
	size_t cap = (size_t)N * 64 + 64, len = 0;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text + len, cap - len, "{\"zones\": [\n");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"  {\"file\": \"z%d\", \"origin\": \"z%d.test\"}%s\n", i,
					i == N - 1 ? 7 : i, i == N - 1 ? "" : ",");
	snprintf(text + len, cap - len, "]}\n");
	struct diag d = {0};
	struct config *cfg = load("cfg_many.json", text, &d);
	free(text);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->nzones, N);
	for (int i = 0; i < N; i += 997) {
		ck_assert_int_eq(cfg->zones[i].line, i + 2);
		/* `  {"file": "zI", "origin": ` */
		int digits = snprintf(NULL, 0, "%d", i);
		ck_assert_int_eq(cfg->zones[i].column, 27 + digits);
	}
	config_check_zones(cfg, &d);
	ck_assert_uint_eq(d.count, 1);
	char want[128];
	snprintf(want, sizeof(want),
		 "zones[%d].origin: zone z7.test is configured twice (also zones[7])", N - 1);
	expect_msg(&d, 0, N + 1, 27 + 5, want);
	diag_free(&d);
	config_free(cfg);
}
END_TEST

START_TEST(test_listen_single_string)
{
	struct diag d = {0};
	char a[INET6_ADDRSTRLEN];
	struct config *cfg =
		load("cfg_listen1.json", "{\"server\": {\"listen\": \"[::]:5353\"}}", &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->nlisten, 1);
	ck_assert_str_eq(cfg->listen[0].text, "[::]:5353");
	ck_assert_int_eq(cfg->listen[0].ss.ss_family, AF_INET6);
	ck_assert_str_eq(addr_of(&cfg->listen[0].ss, a), "::");
	ck_assert_uint_eq(port_of(&cfg->listen[0].ss), 5353);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

START_TEST(test_range_limits_accepted)
{
	struct diag d = {0};
	struct config *cfg = load("cfg_limits.json",
				  "{\"server\": {\"udp_payload\": 4096, \"workers\": 256, "
				  "\"tcp_idle_timeout\": 1, \"nsid\": \"x\"}}",
				  &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->udp_payload, 4096);
	ck_assert_uint_eq(cfg->workers, 256);
	ck_assert_uint_eq(cfg->tcp_idle_timeout, 1);
	config_free(cfg);
	cfg = load("cfg_limits2.json", "{\"server\": {\"udp_payload\": 512}}", &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->udp_payload, 512);
	ck_assert_uint_eq(d.count, 0);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_missing_file)
{
	struct diag d = {0};
	struct config *cfg = config_load("tests/tmp/unit/cfg_does_not_exist.json", &d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_uint_eq(d.count, 1);
	ck_assert_str_eq(d.msgs[0], "tests/tmp/unit/cfg_does_not_exist.json: cannot read "
				    "configuration: No such file or directory");
	diag_free(&d);
}
END_TEST

START_TEST(test_unknown_server_key)
{
	expect_one_error("cfg_unknown.json",
			 "{\n"
			 "  \"server\": {\n"
			 "    \"workers\": 2,\n"
			 "      \"foo\": 1\n"
			 "  }\n"
			 "}\n",
			 4, 7, "server.foo: unknown key");
}
END_TEST

START_TEST(test_unknown_top_level_key)
{
	expect_one_error("cfg_unknown_top.json", "{\"zones\": [],\n \"sevrer\": {}}", 2, 2,
			 "sevrer: unknown key");
}
END_TEST

START_TEST(test_unknown_key_in_zone_entry)
{
	expect_one_error("cfg_unknown_zone.json",
			 "{\"zones\": [\n"
			 "  {\"origin\": \"a.example\", \"file\": \"a\"},\n"
			 "  {\"origin\": \"b.example\", \"file\": \"b\", \"flie\": \"c\"}\n"
			 "]}\n",
			 3, 40, "zones[1].flie: unknown key");
}
END_TEST

START_TEST(test_wrong_type_integer)
{
	expect_one_error("cfg_type.json",
			 "{\n"
			 "  \"server\": {\n"
			 "    \"workers\": \"two\"\n"
			 "  }\n"
			 "}\n",
			 3, 16, "server.workers: expected an integer, found a string");
}
END_TEST

START_TEST(test_wrong_type_other_kinds)
{
	expect_one_error("cfg_type2.json", "{\"server\": {\"workers\": 1.5}}", 1, 24,
			 "server.workers: expected an integer, found a number");
	expect_one_error("cfg_type3.json", "{\"server\": {\"syslog\": \"yes\"}}", 1, 23,
			 "server.syslog: expected a boolean, found a string");
	expect_one_error("cfg_type4.json", "{\"server\": []}", 1, 12,
			 "server: expected an object, found an array");
	expect_one_error("cfg_type5.json", "{\"zones\": {\"origin\": \"x\"}}", 1, 11,
			 "zones: expected an array, found an object");
	expect_one_error("cfg_type6.json", "{\"server\": {\"nsid\": null}}", 1, 21,
			 "server.nsid: expected a string, found null");
	expect_one_error("cfg_type7.json", "{\"server\": {\"listen\": 53}}", 1, 23,
			 "server.listen: expected a string or an array of strings, found an integer");
}
END_TEST

START_TEST(test_udp_payload_out_of_range)
{
	expect_one_error("cfg_range.json", "{\"server\": {\"udp_payload\": 100}}", 1, 28,
			 "server.udp_payload: 100 is out of range 512..4096");
	expect_one_error("cfg_range2.json", "{\"server\": {\"udp_payload\": 4097}}", 1, 28,
			 "server.udp_payload: 4097 is out of range 512..4096");
	expect_one_error("cfg_range3.json", "{\"server\": {\"tcp_idle_timeout\": -1}}", 1, 33,
			 "server.tcp_idle_timeout: -1 is out of range 1..3600");
}
END_TEST

START_TEST(test_bad_listen_string)
{
	expect_one_error("cfg_listen_bad.json",
			 "{\n"
			 "  \"server\": {\n"
			 "    \"listen\": \"localhost:53\"\n"
			 "  }\n"
			 "}\n",
			 3, 15, "server.listen: \"localhost:53\"" LISTEN_HINT);
}
END_TEST

START_TEST(test_bad_listen_array_element)
{
	expect_one_error("cfg_listen_bad2.json",
			 "{\n"
			 "  \"server\": {\n"
			 "    \"listen\": [\"127.0.0.1:5353\",\n"
			 "               \"[::1]:99999\"]\n"
			 "  }\n"
			 "}\n",
			 4, 16, "server.listen[1]: \"[::1]:99999\"" LISTEN_HINT);
}
END_TEST

START_TEST(test_listen_empty_array)
{
	expect_one_error("cfg_listen_empty.json", "{\"server\": {\"listen\": []}}", 1, 23,
			 "server.listen: needs at least one address");
}
END_TEST

/* A non-string element before a bad address must not shift the index (and
 * position) reported for the bad address. */
START_TEST(test_bad_listen_after_non_string)
{
	struct diag d = {0};
	struct config *cfg = load("cfg_listen_bad3.json",
				  "{\n"
				  "  \"server\": {\n"
				  "    \"listen\": [53,\n"
				  "               \"bogus\"]\n"
				  "  }\n"
				  "}\n",
				  &d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.errors, 2);
	expect_msg(&d, 0, 3, 16, "server.listen[0]: expected a non-empty string, found an integer");
	expect_msg(&d, 1, 4, 16, "server.listen[1]: \"bogus\"" LISTEN_HINT);
	diag_free(&d);
}
END_TEST

START_TEST(test_nsid_too_long)
{
	char text[512], want[512];
	char nsid[130];
	memset(nsid, 'n', 129);
	nsid[129] = '\0';
	snprintf(text, sizeof(text), "{\"server\": {\"nsid\": \"%s\"}}", nsid);
	snprintf(want, sizeof(want), "server.nsid: longer than 128 bytes");
	expect_one_error("cfg_nsid.json", text, 1, 21, want);
	expect_one_error("cfg_nsid2.json", "{\"server\": {\"nsid\": \"\"}}", 1, 21,
			 "server.nsid: must be a non-empty string without NUL");
}
END_TEST

/* server.version: a string, false (REFUSED), nothing else; log_format */
START_TEST(test_version_and_log_format)
{
	struct diag d = {0};
	struct config *cfg = load("cfg_version.json",
	                          "{\"server\": {\"version\": \"ns\", \"log_format\": \"json\"}}", &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->version, "ns");
	ck_assert(cfg->log_json);
	config_free(cfg);
	cfg = load("cfg_version2.json", "{\"server\": {\"version\": false}}", &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_ptr_null(cfg->version);
	config_free(cfg);
	diag_free(&d);
	expect_one_error("cfg_version3.json", "{\"server\": {\"version\": true}}", 1, 24,
			 "server.version: expected a string or false, found a boolean");
	char text[512], v[300];
	memset(v, 'v', 256);
	v[256] = '\0';
	snprintf(text, sizeof(text), "{\"server\": {\"version\": \"%s\"}}", v);
	expect_one_error("cfg_version4.json", text, 1, 24, "server.version: longer than 255 bytes");
	expect_one_error("cfg_logformat.json", "{\"server\": {\"log_format\": \"xml\"}}", 1, 27,
			 "server.log_format: must be \"logfmt\" or \"json\"");
}
END_TEST

START_TEST(test_bad_log_level)
{
	expect_one_error("cfg_loglevel.json", "{\"server\": {\"log_level\": \"loud\"}}", 1, 26,
			 "server.log_level: must be one of debug, info, warning, error");
}
END_TEST

START_TEST(test_bad_ecs_trusted_prefix)
{
	expect_one_error("cfg_ecs.json",
			 "{\n"
			 "  \"ecs\": {\n"
			 "    \"trusted\": [\"10.0.0.0/8\", \"192.0.2.1/24\"]\n"
			 "  }\n"
			 "}\n",
			 3, 31, "ecs.trusted[1]: \"192.0.2.1/24\"" PREFIX_HINT);
}
END_TEST

/* An empty string before a bad prefix must not shift the index (and
 * position) reported for the bad prefix. */
START_TEST(test_bad_trusted_after_empty_string)
{
	struct diag d = {0};
	struct config *cfg = load("cfg_ecs2.json",
				  "{\"ecs\": {\"trusted\": [\"\",\n"
				  "                     \"192.0.2.1/24\"]}}\n",
				  &d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_uint_eq(d.count, 2);
	char at0[512];
	snprintf(at0, sizeof(at0), "%s:1:22: ecs.trusted[0]: ", cfg_path);
	ck_assert_msg(strncmp(d.msgs[0], at0, strlen(at0)) == 0, "%s", d.msgs[0]);
	expect_msg(&d, 1, 2, 22, "ecs.trusted[1]: \"192.0.2.1/24\"" PREFIX_HINT);
	diag_free(&d);
}
END_TEST

START_TEST(test_empty_trusted_list)
{
	struct diag d = {0};
	struct config *cfg = load("cfg_ecs3.json", "{\"ecs\": {\"trusted\": []}}", &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert(cfg->ecs_trusted_set);
	ck_assert_uint_eq(cfg->necs_trusted, 0);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

START_TEST(test_ecs_hash_prefix_out_of_range)
{
	expect_one_error("cfg_ecs4.json", "{\"ecs\": {\"hash_ipv4_prefix\": 33}}", 1, 30,
			 "ecs.hash_ipv4_prefix: 33 is out of range 1..32");
}
END_TEST

START_TEST(test_bad_rrl_exempt_prefix)
{
	expect_one_error("cfg_rrl.json", "{\"rrl\": {\"exempt\": [\"2001:db8::/129\"]}}", 1, 21,
			 "rrl.exempt[0]: \"2001:db8::/129\"" PREFIX_HINT);
}
END_TEST

START_TEST(test_json_syntax_error)
{
	/* jansson's line and column: the '}' after the trailing comma */
	expect_one_error("cfg_syntax.json",
			 "{\n"
			 "  \"server\": {\n"
			 "    \"workers\": 2,\n"
			 "  }\n"
			 "}\n",
			 4, 3, "JSON: string or '}' expected near '}'");
	expect_one_error("cfg_syntax2.json", "{\"server\": {\"syslog\": tru}}", 1, 25,
			 "JSON: invalid token near 'tru'");
}
END_TEST

START_TEST(test_json_truncated)
{
	/* jansson reports column 0 at end of file; the loader says 1 */
	expect_one_error("cfg_trunc.json", "{\n  \"server\": {\n", 3, 1,
			 "JSON: string or '}' expected near end of file");
}
END_TEST

START_TEST(test_duplicate_key)
{
	expect_one_error("cfg_dup.json",
			 "{\n"
			 "  \"server\": {\"workers\": 1},\n"
			 "  \"server\": {\"workers\": 2}\n"
			 "}\n",
			 3, 10, "JSON: duplicate object key near '\"server\"'");
	expect_one_error("cfg_dup2.json", "{\"server\": {\"workers\": 1,\n \"workers\": 2}}", 2, 10,
			 "JSON: duplicate object key near '\"workers\"'");
}
END_TEST

START_TEST(test_not_an_object)
{
	expect_one_error("cfg_array.json", "\n  [1, 2]\n", 2, 3,
			 "the configuration must be a JSON object");
}
END_TEST

START_TEST(test_zone_missing_file)
{
	expect_one_error("cfg_zone.json",
			 "{\n"
			 "  \"zones\": [\n"
			 "    {\"origin\": \"example.com\", \"file\": \"a.zone\"},\n"
			 "    {\"origin\": \"example.net\"}\n"
			 "  ]\n"
			 "}\n",
			 4, 5, "zones[1]: missing \"file\"");
}
END_TEST

START_TEST(test_zone_entry_errors)
{
	struct diag d = {0};
	struct config *cfg = load("cfg_zone2.json",
				  "{\"zones\": [\n"
				  "  {},\n"
				  "  \"example.org\",\n"
				  "  {\"origin\": 5, \"file\": \"x\"}\n"
				  "]}\n",
				  &d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.errors, 5);
	ck_assert_uint_eq(d.count, 5);
	expect_msg(&d, 0, 2, 3, "zones[0]: missing \"origin\"");
	expect_msg(&d, 1, 2, 3, "zones[0]: missing \"file\"");
	expect_msg(&d, 2, 3, 3, "zones[1]: expected an object, found a string");
	expect_msg(&d, 3, 4, 14, "zones[2].origin: expected a string, found an integer");
	expect_msg(&d, 4, 4, 3, "zones[2]: missing \"origin\"");
	diag_free(&d);
}
END_TEST

START_TEST(test_bad_http_listen)
{
	expect_one_error("cfg_http.json", "{\"http\": {\"listen\": \"127.0.0.1:80:80\"}}", 1, 21,
			 "http.listen: \"127.0.0.1:80:80\" is not an address such as 127.0.0.1:8053");
}
END_TEST

START_TEST(test_http_max_connections)
{
	struct diag d = {0};
	struct config *cfg =
		load("cfg_http_mc.json", "{\"http\": {\"max_connections\": 7}}", &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->http_max_connections, 7);
	ck_assert_str_eq(cfg->http_listen, "127.0.0.1:8053");
	config_free(cfg);
	diag_free(&d);
	expect_one_error("cfg_http_mc0.json", "{\"http\": {\"max_connections\": 0}}", 1, 30,
			 "http.max_connections: 0 is out of range 1..10000");
}
END_TEST

START_TEST(test_region_errors)
{
	struct diag d = {0};
	struct config *cfg = load("cfg_regions.json",
				  "{\"regions\": {\n"
				  "  \"us-east\": {\"location\": [40.7, -74.0]},\n"
				  "  \"eu\": {\"location\": [91, 2]},\n"
				  "  \"ap\": {\"feed\": \"f\"}\n"
				  "}}\n",
				  &d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.errors, 3);
	expect_msg(&d, 0, 3, 22,
		   "regions.eu.location: latitude must be in -90..90 and longitude in -180..180");
	expect_msg(&d, 1, 4, 3, "regions.ap: missing \"location\": [latitude, longitude]");
	expect_msg(&d, 2, 4, 18,
	           "regions.ap.feed: \"f\" is not a feed: use http://host:port/path, "
	           "https://host:port/path or file:PATH");
	diag_free(&d);
}
END_TEST

/* regions.*.feed: one URL (a list of one), a list polled in the order
 * written, or none */
START_TEST(test_region_feed_forms)
{
	struct diag d = {0};
	struct config *cfg =
	    load("cfg_feeds.json",
	         "{\"regions\": {\n"
	         "  \"one\": {\"location\": [1, 2], \"feed\": \"file:/f/one.json\"},\n"
	         "  \"two\": {\"location\": [1, 2], \"feed\": [\n"
	         "    \"http://127.0.0.1:9053/b.json\", \"file:/f/a.json\"]},\n"
	         "  \"listed\": {\"location\": [1, 2], \"feed\": [\"file:/f/c.json\"]},\n"
	         "  \"none\": {\"location\": [1, 2]}\n"
	         "}}\n",
	         &d);
	if (d.count)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(cfg->nregions, 4);
	ck_assert_str_eq(cfg->regions[0].name, "one");
	ck_assert_uint_eq(cfg->regions[0].nfeeds, 1);
	ck_assert_str_eq(cfg->regions[0].feeds[0], "file:/f/one.json");
	ck_assert_str_eq(cfg->regions[1].name, "two");
	ck_assert_uint_eq(cfg->regions[1].nfeeds, 2);
	ck_assert_str_eq(cfg->regions[1].feeds[0], "http://127.0.0.1:9053/b.json");
	ck_assert_str_eq(cfg->regions[1].feeds[1], "file:/f/a.json");
	ck_assert_uint_eq(cfg->regions[2].nfeeds, 1);
	ck_assert_str_eq(cfg->regions[2].feeds[0], "file:/f/c.json");
	ck_assert_uint_eq(cfg->regions[3].nfeeds, 0);
	ck_assert_ptr_null(cfg->regions[3].feeds);
	config_free(cfg);
	diag_free(&d);
	/* eight is the most a list holds */
	cfg =
	    load("cfg_feeds8.json",
	         "{\"regions\": {\"r\": {\"location\": [1, 2], \"feed\": [\"file:1\", \"file:2\", "
	         "\"file:3\", \"file:4\", \"file:5\", \"file:6\", \"file:7\", \"file:8\"]}}}\n",
	         &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->regions[0].nfeeds, 8);
	/* a file feed's relative path: from the configuration's directory */
	ck_assert_str_eq(cfg->regions[0].feeds[7], "file:tests/tmp/unit/8");
	config_free(cfg);
	diag_free(&d);
}
END_TEST

/* Every error of a feed list at once, each at the value or entry it is
 * about: empty, too long, a URL twice, entries of the wrong kind, neither
 * a string nor a list. */
START_TEST(test_region_feed_errors)
{
	struct diag d = {0};
	struct config *cfg = load(
	    "cfg_feed_errors.json",
	    "{\"regions\": {\n"
	    "  \"e\": {\"location\": [1, 2], \"feed\": []},\n"
	    "  \"n\": {\"location\": [1, 2], \"feed\": [\"file:1\", \"file:2\", \"file:3\", "
	    "\"file:4\", \"file:5\", \"file:6\", \"file:7\", \"file:8\", \"file:9\"]},\n"
	    "  \"d\": {\"location\": [1, 2], \"feed\": [\"file:a\", \"http://h/x\", \"file:a\"]},\n"
	    "  \"t\": {\"location\": [1, 2], \"feed\": [\"file:a\", 7, \"\", \"ftp://h/x\"]},\n"
	    "  \"o\": {\"location\": [1, 2], \"feed\": {\"url\": \"file:a\"}},\n"
	    "  \"s\": {\"location\": [1, 2], \"feed\": \"file:\"}\n"
	    "}}\n",
	    &d);
	ck_assert_ptr_null(cfg);
	if (d.count != 8)
		dump(&d);
	ck_assert_uint_eq(d.errors, 8);
	expect_msg(&d, 0, 2, 37, "regions.e.feed: an empty list: give 1 to 8 feeds");
	expect_msg(&d, 1, 3, 37, "regions.n.feed: 9 feeds: at most 8");
	expect_msg(&d, 2, 4, 62, "regions.d.feed[2]: \"file:a\" is listed twice (first at [0])");
	expect_msg(&d, 3, 5, 48, "regions.t.feed[1]: expected a string, found an integer");
	expect_msg(&d, 4, 5, 51, "regions.t.feed[2]: must be a non-empty string without NUL");
	expect_msg(&d, 5, 5, 55,
	           "regions.t.feed[3]: \"ftp://h/x\" is not a feed: use http://host:port/path, "
	           "https://host:port/path or file:PATH");
	expect_msg(&d, 6, 6, 37,
	           "regions.o.feed: expected a feed or a list of feeds, found an object");
	expect_msg(&d, 7, 7, 37,
	           "regions.s.feed: \"file:\" is not a feed: use http://host:port/path, "
	           "https://host:port/path or file:PATH");
	diag_free(&d);
}
END_TEST

/* https:// feeds, feed_ca and feed_token_file: the CA file checked and the
 * token read at load, both from the configuration's directory; a token for
 * a plain http:// feed is a warning. */
START_TEST(test_region_feed_tls)
{
	unit_write_cert("feed-ca.pem");
	const char *tok = unit_write_file("feed.token", "feed-token-0123456789\n");
	ck_assert_int_eq(chmod(tok, 0600), 0);
	struct diag d = {0};
	struct config *cfg = load(
	    "cfg_feed_tls.json",
	    "{\"regions\": {\n"
	    "  \"a\": {\"location\": [1, 2], \"feed\": [\"https://feeds.example:8443/a.json\",\n"
	    "         \"https://[2001:db8::1]/a\"],\n"
	    "         \"feed_ca\": \"feed-ca.pem\", \"feed_token_file\": \"feed.token\"},\n"
	    "  \"b\": {\"location\": [1, 2], \"feed\": \"https://127.0.0.1/b\"},\n"
	    "  \"c\": {\"location\": [1, 2], \"feed\": \"http://127.0.0.1/c\",\n"
	    "         \"feed_token_file\": \"feed.token\"}\n"
	    "}}\n",
	    &d);
	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->regions[0].nfeeds, 2);
	ck_assert_str_eq(cfg->regions[0].feeds[0], "https://feeds.example:8443/a.json");
	ck_assert_str_eq(cfg->regions[0].feed_ca, "tests/tmp/unit/feed-ca.pem");
	ck_assert_str_eq(cfg->regions[0].feed_token_file, "tests/tmp/unit/feed.token");
	ck_assert_str_eq(cfg->regions[0].feed_token, "feed-token-0123456789");
	/* no feed_ca: the system's store; no token */
	ck_assert_ptr_null(cfg->regions[1].feed_ca);
	ck_assert_ptr_null(cfg->regions[1].feed_token);
	ck_assert_str_eq(cfg->regions[2].feed_token, "feed-token-0123456789");
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_uint_eq(d.count, 1);
	char want[512];
	snprintf(want, sizeof(want),
	         "%s: warning: regions.c.feed_token_file: the token goes to an http:// feed in "
	         "clear text "
	         "(use https://)",
	         cfg_path);
	ck_assert_str_eq(d.msgs[0], want);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

/* Every error of feed_ca and feed_token_file at once, each at its value
 * (or key) with its line and column: a missing CA file, one without a
 * certificate, a CA without an https:// feed, a token file others may
 * read, a short token, a token without an HTTP feed. */
START_TEST(test_region_feed_tls_errors)
{
	unit_write_file("not-a-ca.pem", "just text\n");
	const char *open_tok = unit_write_file("open.token", "feed-token-0123456789\n");
	ck_assert_int_eq(chmod(open_tok, 0644), 0);
	const char *short_tok = unit_write_file("short.token", "short\n");
	ck_assert_int_eq(chmod(short_tok, 0600), 0);
	struct diag d = {0};
	struct config *cfg = load(
	    "cfg_feed_tls_errors.json",
	    "{\"regions\": {\n"
	    "  \"m\": {\"location\": [1, 2], \"feed\": \"https://h/x\", \"feed_ca\": \"no.pem\"},\n"
	    "  \"p\": {\"location\": [1, 2], \"feed\": \"https://h/x\", \"feed_ca\": "
	    "\"not-a-ca.pem\"},\n"
	    "  \"f\": {\"location\": [1, 2], \"feed\": \"http://h/x\", \"feed_ca\": "
	    "\"not-a-ca.pem\"},\n"
	    "  \"o\": {\"location\": [1, 2], \"feed\": \"https://h/x\", \"feed_token_file\": "
	    "\"open.token\"},\n"
	    "  \"s\": {\"location\": [1, 2], \"feed\": \"https://h/x\", \"feed_token_file\": "
	    "\"short.token\"},\n"
	    "  \"n\": {\"location\": [1, 2], \"feed\": \"file:x\", \"feed_token_file\": "
	    "\"short.token\"}\n"
	    "}}\n",
	    &d);
	ck_assert_ptr_null(cfg);
	if (d.count != 6)
		dump(&d);
	ck_assert_uint_eq(d.errors, 6);
	expect_msg(&d, 0, 2, 63,
	           "regions.m.feed_ca: cannot read \"tests/tmp/unit/no.pem\": No such file or "
	           "directory");
	expect_msg(&d, 1, 3, 63,
	           "regions.p.feed_ca: \"tests/tmp/unit/not-a-ca.pem\" holds no PEM certificate");
	expect_msg(&d, 2, 4, 51,
	           "regions.f.feed_ca: is for https:// feeds, and this region has none");
	expect_msg(&d, 3, 5, 71,
	           "regions.o.feed_token_file: \"tests/tmp/unit/open.token\": the feed token file "
	           "is readable or writable by others (chmod 600 it)");
	expect_msg(&d, 4, 6, 71,
	           "regions.s.feed_token_file: \"tests/tmp/unit/short.token\": the feed token "
	           "must be one line of at least 16 characters");
	expect_msg(&d, 5, 7, 47,
	           "regions.n.feed_token_file: is for http:// and https:// feeds, and this "
	           "region has none");
	diag_free(&d);
}
END_TEST

/* tsig_keys: inline and file secrets, the algorithms, names in wire form */
START_TEST(test_tsig_keys)
{
	const char *secret = unit_write_file("tsig_secret", "c2VjcmV0c2VjcmV0\n");
	ck_assert_int_eq(chmod(secret, 0600), 0);
	/* the secret file by its name: it is next to the configuration */
	const char *text =
	    "{\"tsig_keys\": {\n"
	    "  \"Xfr.Example.\": {\"secret\": \"YWJj\"},\n"
	    "  \"k2\": {\"algorithm\": \"hmac-sha1\", \"secret_file\": \"tsig_secret\"}\n"
	    "}}\n";
	struct diag d = {0};
	struct config *cfg = load("cfg_tsig.json", text, &d);
	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->ntsig_keys, 2);
	const struct tsig_key_config *k = &cfg->tsig_keys[0];
	ck_assert_str_eq(k->name, "Xfr.Example.");
	ck_assert_uint_eq(k->wire_len, 13);
	ck_assert_mem_eq(k->wire, "\003xfr\007example", 13);
	ck_assert_int_eq(k->algorithm, 0); /* hmac-sha256, the default */
	ck_assert_uint_eq(k->secret_len, 3);
	ck_assert_mem_eq(k->secret, "abc", 3);
	k = &cfg->tsig_keys[1];
	ck_assert_int_eq(k->algorithm, 3);
	ck_assert_uint_eq(k->secret_len, 12);
	ck_assert_mem_eq(k->secret, "secretsecret", 12);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

START_TEST(test_tsig_key_errors)
{
	expect_one_error("cfg_tsig_b64.json", "{\"tsig_keys\": {\"k\": {\"secret\": \"abc\"}}}", 1,
	                 32, "tsig_keys.k.secret: the secret is not base64 (at most 1024 octets)");
	expect_one_error("cfg_tsig_empty.json", "{\"tsig_keys\": {\"k\": {\"secret\": \"\"}}}", 1,
	                 32, "tsig_keys.k.secret: must be a non-empty string without NUL");
	expect_one_error(
	    "cfg_tsig_alg.json",
	    "{\"tsig_keys\": {\"k\": {\"algorithm\": \"hmac-md5\", \"secret\": \"YWJj\"}}}", 1, 35,
	    "tsig_keys.k.algorithm: must be one of hmac-sha256, hmac-sha384, "
	    "hmac-sha512, hmac-sha1");
	expect_one_error("cfg_tsig_both.json",
	                 "{\"tsig_keys\": {\"k\": {\"secret\": \"YWJj\", \"secret_file\": \"x\"}}}",
	                 1, 40,
	                 "tsig_keys.k.secret_file: give \"secret\" or \"secret_file\", not both");
	expect_one_error("cfg_tsig_neither.json", "{\"tsig_keys\": {\"k\": {}}}", 1, 16,
	                 "tsig_keys.k: needs \"secret\" or \"secret_file\"");
	expect_one_error("cfg_tsig_name.json",
	                 "{\"tsig_keys\": {\"a..b\": {\"secret\": \"YWJj\"}}}", 1, 16,
	                 "tsig_keys.a..b: \"a..b\" is not a key name (a domain name such as "
	                 "xfr.example.)");
	expect_one_error("cfg_tsig_dup.json",
	                 "{\"tsig_keys\": {\"k.x\": {\"secret\": \"YWJj\"},\n"
	                 "               \"K.X.\": {\"secret\": \"YWJj\"}}}",
	                 2, 16,
	                 "tsig_keys.K.X.: the key \"K.X.\" is defined twice (names are compared "
	                 "without case)");
	/* a secret file others may read, a directory, a missing file, and one
	 * that is not base64: each named by its name next to the configuration,
	 * and in the error by the name it resolves to */
	const char *loose = unit_write_file("tsig_loose", "YWJj\n");
	ck_assert_int_eq(chmod(loose, 0640), 0);
	char text[512], msg[512];
	snprintf(text, sizeof(text), "{\"tsig_keys\": {\"k\": {\"secret_file\": \"tsig_loose\"}}}");
	snprintf(msg, sizeof(msg),
	         "tsig_keys.k.secret_file: \"%s\" may be read or written by its group or "
	         "others: only the daemon may read a TSIG secret (chmod 600 it)",
	         loose);
	expect_one_error("cfg_tsig_loose.json", text, 1, 37, msg);
	snprintf(text, sizeof(text), "{\"tsig_keys\": {\"k\": {\"secret_file\": \".\"}}}");
	expect_one_error("cfg_tsig_dir.json", text, 1, 37,
	                 "tsig_keys.k.secret_file: \"tests/tmp/unit/.\" is not a regular file");
	snprintf(text, sizeof(text),
	         "{\"tsig_keys\": {\"k\": {\"secret_file\": \"/nonexistent/k\"}}}");
	expect_one_error("cfg_tsig_missing.json", text, 1, 37,
	                 "tsig_keys.k.secret_file: cannot read \"/nonexistent/k\": No such file or "
	                 "directory");
	const char *bad = unit_write_file("tsig_bad", "not base64!\n");
	ck_assert_int_eq(chmod(bad, 0400), 0);
	snprintf(text, sizeof(text), "{\"tsig_keys\": {\"k\": {\"secret_file\": \"tsig_bad\"}}}");
	expect_one_error("cfg_tsig_badfile.json", text, 1, 37,
	                 "tsig_keys.k.secret_file: the secret is not base64 (at most 1024 octets)");
	ck_assert_int_eq(chmod(bad, 0600), 0);
	const char *empty = unit_write_file("tsig_empty", "\n");
	ck_assert_int_eq(chmod(empty, 0600), 0);
	snprintf(text, sizeof(text), "{\"tsig_keys\": {\"k\": {\"secret_file\": \"tsig_empty\"}}}");
	expect_one_error("cfg_tsig_emptyfile.json", text, 1, 37,
	                 "tsig_keys.k.secret_file: the secret is empty");
}
END_TEST

/* zones[].dnssec: the key's base name, relative to the configuration's
 * directory; an empty or missing key, another type or an unknown member
 * each one error. */
START_TEST(test_zone_dnssec)
{
	struct diag d = {0};
	struct config *cfg = load("cfg_dnssec.json",
	                          "{\"zones\": [{\"origin\": \"example.com\", \"file\": \"z\",\n"
	                          "  \"dnssec\": {\"key\": \"keys/Kexample.com.+013+12345\"}},\n"
	                          " {\"origin\": \"example.net\", \"file\": \"n\"}]}",
	                          &d);
	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->nzones, 2);
	ck_assert_str_eq(cfg->zones[0].dnssec_key, "tests/tmp/unit/keys/Kexample.com.+013+12345");
	ck_assert_ptr_null(cfg->zones[1].dnssec_key);
	config_free(cfg);
	diag_free(&d);
	const char *head = "{\"zones\": [{\"origin\": \"example.com\", \"file\": \"z\",\n";
	char text[512];
	snprintf(text, sizeof(text), "%s  \"dnssec\": {\"key\": \"\"}}]}", head);
	expect_one_error("cfg_dnssec_empty.json", text, 2, 21,
	                 "zones[0].dnssec.key: must be a non-empty string without NUL");
	snprintf(text, sizeof(text), "%s  \"dnssec\": {}}]}", head);
	expect_one_error("cfg_dnssec_missing.json", text, 2, 13,
	                 "zones[0].dnssec: missing \"key\": the key files' base name");
	snprintf(text, sizeof(text), "%s  \"dnssec\": {\"key\": 13}}]}", head);
	expect_one_error("cfg_dnssec_type.json", text, 2, 21,
	                 "zones[0].dnssec.key: expected a string, found an integer");
	snprintf(text, sizeof(text), "%s  \"dnssec\": {\"key\": \"k\", \"kye\": 1}}]}", head);
	expect_one_error("cfg_dnssec_unknown.json", text, 2, 26,
	                 "zones[0].dnssec.kye: unknown key");
}
END_TEST

START_TEST(test_all_errors_reported)
{
	struct diag d = {0};
	struct config *cfg = load("cfg_many.json",
				  "{\n"
				  "  \"server\": {\n"
				  "    \"foo\": true,\n"
				  "    \"workers\": \"two\",\n"
				  "    \"udp_payload\": 100\n"
				  "  },\n"
				  "  \"bogus\": 1,\n"
				  "  \"ecs\": {\"trusted\": [\"192.0.2.1/24\"]},\n"
				  "  \"zones\": [\n"
				  "    {\"file\": \"x.zone\"}\n"
				  "  ]\n"
				  "}\n",
				  &d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.errors, 6);
	ck_assert_uint_eq(d.count, 6);
	expect_msg(&d, 0, 7, 3, "bogus: unknown key");
	expect_msg(&d, 1, 3, 5, "server.foo: unknown key");
	expect_msg(&d, 2, 4, 16, "server.workers: expected an integer, found a string");
	expect_msg(&d, 3, 5, 20, "server.udp_payload: 100 is out of range 512..4096");
	expect_msg(&d, 4, 8, 23, "ecs.trusted[0]: \"192.0.2.1/24\"" PREFIX_HINT);
	expect_msg(&d, 5, 10, 5, "zones[0]: missing \"origin\"");
	diag_free(&d);
}
END_TEST

START_TEST(test_errors_appended_to_existing_diag)
{
	/* a diag already holding an error: the load still succeeds on its own */
	struct diag d = {0};
	diag_error(&d, "earlier", 1, 1, "something else");
	struct config *cfg = load("cfg_ok_after.json", "{\"server\": {\"workers\": 2}}", &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.count, 1);
	config_free(cfg);
	cfg = load("cfg_bad_after.json", "{\"server\": {\"workers\": -2}}", &d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.errors, 2);
	expect_msg(&d, 1, 1, 24, "server.workers: -2 is out of range 0..256");
	diag_free(&d);
}
END_TEST

/* ---- parse_hostport / netprefix_parse ---- */

START_TEST(test_hostport_good)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	char a[INET6_ADDRSTRLEN];
	ck_assert_int_eq(parse_hostport("192.0.2.1:5353", 53, &ss, &len), GD_OK);
	ck_assert_int_eq(ss.ss_family, AF_INET);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in));
	ck_assert_str_eq(addr_of(&ss, a), "192.0.2.1");
	ck_assert_uint_eq(port_of(&ss), 5353);

	ck_assert_int_eq(parse_hostport("10.1.2.3", 8053, &ss, &len), GD_OK);
	ck_assert_int_eq(ss.ss_family, AF_INET);
	ck_assert_uint_eq(port_of(&ss), 8053);

	ck_assert_int_eq(parse_hostport("[2001:db8::1]:53", 1, &ss, &len), GD_OK);
	ck_assert_int_eq(ss.ss_family, AF_INET6);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in6));
	ck_assert_str_eq(addr_of(&ss, a), "2001:db8::1");
	ck_assert_uint_eq(port_of(&ss), 53);

	ck_assert_int_eq(parse_hostport("::1", 5300, &ss, &len), GD_OK);
	ck_assert_int_eq(ss.ss_family, AF_INET6);
	ck_assert_str_eq(addr_of(&ss, a), "::1");
	ck_assert_uint_eq(port_of(&ss), 5300);

	ck_assert_int_eq(parse_hostport("[::]", 53, &ss, &len), GD_OK);
	ck_assert_int_eq(ss.ss_family, AF_INET6);
	ck_assert_uint_eq(port_of(&ss), 53);

	ck_assert_int_eq(parse_hostport("0.0.0.0:0", 53, &ss, &len), GD_OK);
	ck_assert_uint_eq(port_of(&ss), 0);
	ck_assert_int_eq(parse_hostport("127.0.0.1:65535", 53, &ss, &len), GD_OK);
	ck_assert_uint_eq(port_of(&ss), 65535);
}
END_TEST

START_TEST(test_hostport_bad)
{
	static const char *const bad[] = {
		"",          "localhost:53",  "1.2.3.4:",   "1.2.3.4:65536", "1.2.3.4:53x",
		"1.2.3.4:x", "[::1",          "[::1]53",    "[::1]:",        "[::1]:99999",
		"[]:53",     "256.1.1.1:53",  "1.2.3.4.5", "[fe80::1%]:53", ":53",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sockaddr_storage ss;
		socklen_t len = 0;
		ck_assert_msg(parse_hostport(bad[i], 53, &ss, &len) == GD_EINVAL,
			      "\"%s\" accepted", bad[i]);
	}
}
END_TEST

START_TEST(test_netprefix_good)
{
	struct netprefix p;
	ck_assert_int_eq(netprefix_parse("192.0.2.0/24", &p), GD_OK);
	ck_assert_int_eq(p.family, ADDR_IPV4);
	ck_assert_uint_eq(p.bits, 24);
	ck_assert_mem_eq(p.addr, "\xC0\x00\x02\x00", 4);

	ck_assert_int_eq(netprefix_parse("2001:db8::/32", &p), GD_OK);
	ck_assert_int_eq(p.family, ADDR_IPV6);
	ck_assert_uint_eq(p.bits, 32);
	ck_assert_mem_eq(p.addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\0", 16);

	ck_assert_int_eq(netprefix_parse("10.1.2.3", &p), GD_OK);
	ck_assert_int_eq(p.family, ADDR_IPV4);
	ck_assert_uint_eq(p.bits, 32);

	ck_assert_int_eq(netprefix_parse("2001:db8::1", &p), GD_OK);
	ck_assert_uint_eq(p.bits, 128);

	ck_assert_int_eq(netprefix_parse("0.0.0.0/0", &p), GD_OK);
	ck_assert_uint_eq(p.bits, 0);
	ck_assert_int_eq(netprefix_parse("::/0", &p), GD_OK);
	ck_assert_int_eq(p.family, ADDR_IPV6);
	ck_assert_uint_eq(p.bits, 0);

	ck_assert_int_eq(netprefix_parse("192.0.2.128/25", &p), GD_OK);
	ck_assert_uint_eq(p.addr[3], 128);
	ck_assert_int_eq(netprefix_parse("2001:db8:0:80::/57", &p), GD_OK);
	ck_assert_uint_eq(p.bits, 57);
}
END_TEST

START_TEST(test_netprefix_bad)
{
	static const char *const bad[] = {
		"192.0.2.1/24",   "192.0.2.128/24", "11.0.0.0/7",      "2001:db8::1/64",
		"2001:db8:0:80::/56", "192.0.2.0/33", "2001:db8::/129", "192.0.2.0/",
		"192.0.2.0/x",    "192.0.2.0/24/",  "192.0.2.0/24x",   "example.com/24",
		"",               "/24",            "192.0.2/24",      "192.0.2.0/-1",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct netprefix p;
		ck_assert_msg(netprefix_parse(bad[i], &p) == GD_EINVAL, "\"%s\" accepted", bad[i]);
	}
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_parsed_values);
	tcase_add_test(tc, test_zones_twice);
	tcase_add_test(tc, test_many_zones);
	tcase_add_test(tc, test_listen_single_string);
	tcase_add_test(tc, test_range_limits_accepted);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_unknown_server_key);
	tcase_add_test(tc, test_unknown_top_level_key);
	tcase_add_test(tc, test_unknown_key_in_zone_entry);
	tcase_add_test(tc, test_wrong_type_integer);
	tcase_add_test(tc, test_wrong_type_other_kinds);
	tcase_add_test(tc, test_udp_payload_out_of_range);
	tcase_add_test(tc, test_bad_listen_string);
	tcase_add_test(tc, test_bad_listen_array_element);
	tcase_add_test(tc, test_listen_empty_array);
	tcase_add_test(tc, test_bad_listen_after_non_string);
	tcase_add_test(tc, test_nsid_too_long);
	tcase_add_test(tc, test_bad_log_level);
	tcase_add_test(tc, test_version_and_log_format);
	tcase_add_test(tc, test_bad_ecs_trusted_prefix);
	tcase_add_test(tc, test_bad_trusted_after_empty_string);
	tcase_add_test(tc, test_empty_trusted_list);
	tcase_add_test(tc, test_ecs_hash_prefix_out_of_range);
	tcase_add_test(tc, test_bad_rrl_exempt_prefix);
	tcase_add_test(tc, test_json_syntax_error);
	tcase_add_test(tc, test_json_truncated);
	tcase_add_test(tc, test_duplicate_key);
	tcase_add_test(tc, test_not_an_object);
	tcase_add_test(tc, test_zone_missing_file);
	tcase_add_test(tc, test_zone_entry_errors);
	tcase_add_test(tc, test_bad_http_listen);
	tcase_add_test(tc, test_http_max_connections);
	tcase_add_test(tc, test_region_errors);
	tcase_add_test(tc, test_region_feed_forms);
	tcase_add_test(tc, test_region_feed_errors);
	tcase_add_test(tc, test_region_feed_tls);
	tcase_add_test(tc, test_region_feed_tls_errors);
	tcase_add_test(tc, test_tsig_keys);
	tcase_add_test(tc, test_tsig_key_errors);
	tcase_add_test(tc, test_all_errors_reported);
	tcase_add_test(tc, test_errors_appended_to_existing_diag);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, test_hostport_good);
	tcase_add_test(tc, test_hostport_bad);
	tcase_add_test(tc, test_netprefix_good);
	tcase_add_test(tc, test_netprefix_bad);
	tcase_add_test(tc, test_zone_dnssec);
	suite_add_tcase(s, tc);
	return s;
}
