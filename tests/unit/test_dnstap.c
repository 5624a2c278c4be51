/*
 * test_dnstap.c - dnstap: the configuration's checks, the messages as a
 * dnstap reader decodes them (every field, with protoc-c's own unpacker),
 * the client address cut to /24 and /56, sampling 1 in N, and a thread's
 * queue that drops and counts what does not fit.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "conf/config.h"
#include "ops/dnstap.h"
#include "unit.h"

#include "dnstap.pb-c.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The configuration text's errors, one per line ("" when it loads). */
static const char *conf_errors(const char *text)
{
	static char out[2048];
	struct diag d = {0};
	struct config *cfg = config_load(unit_write_file("dnstap.json", text), &d);
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < d.count && n < sizeof(out); i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s\n", d.msgs[i]);
	config_free(cfg);
	diag_free(&d);
	return out;
}

static struct config *conf(const char *dnstap)
{
	char text[512];
	snprintf(text, sizeof(text), "{\"dnstap\": %s}", dnstap);
	struct diag d = {0};
	struct config *cfg = config_load(unit_write_file("dnstap.json", text), &d);
	ck_assert_msg(cfg, "%s: %s", text, d.count ? d.msgs[0] : "");
	diag_free(&d);
	return cfg;
}

START_TEST(test_config)
{
	struct config *cfg = conf("{\"socket\": \"/run/tap.sock\"}");
	ck_assert_str_eq(cfg->dnstap_socket, "/run/tap.sock");
	ck_assert_ptr_null(cfg->dnstap_tcp);
	ck_assert_uint_eq(cfg->dnstap_sample, 1);
	ck_assert(cfg->dnstap_log_queries && cfg->dnstap_log_responses);
	ck_assert(!cfg->dnstap_truncate_client);
	ck_assert_uint_eq(cfg->dnstap_queue_size, 512);
	ck_assert_uint_eq(cfg->dnstap_reconnect, 5);
	config_free(cfg);
	cfg = conf("{\"tcp\": \"[::1]:6000\", \"sample\": 10, \"log_queries\": false, "
	           "\"truncate_client\": true, \"queue_size\": 64, \"reconnect_interval\": 1}");
	ck_assert_str_eq(cfg->dnstap_tcp, "[::1]:6000");
	ck_assert_uint_eq(cfg->dnstap_sample, 10);
	ck_assert(!cfg->dnstap_log_queries && cfg->dnstap_log_responses);
	ck_assert(cfg->dnstap_truncate_client);
	ck_assert_uint_eq(cfg->dnstap_queue_size, 64);
	ck_assert_uint_eq(cfg->dnstap_reconnect, 1);
	config_free(cfg);
	/* no dnstap section: off */
	struct diag d = {0};
	cfg = config_load(unit_write_file("dnstap.json", "{}"), &d);
	ck_assert_ptr_null(cfg->dnstap_socket);
	ck_assert_ptr_null(cfg->dnstap_tcp);
	ck_assert_ptr_null(dnstap_new(cfg));
	config_free(cfg);
	diag_free(&d);
}
END_TEST

START_TEST(test_config_errors)
{
	const char *f = "tests/tmp/unit/dnstap.json";
	char want[512];
	snprintf(want, sizeof(want),
	         "%s:1:12: dnstap: \"socket\" and \"tcp\" name two collectors; give one\n", f);
	ck_assert_str_eq(conf_errors("{\"dnstap\": {\"socket\": \"/s\", \"tcp\": \"127.0.0.1:1\"}}"),
	                 want);
	snprintf(want, sizeof(want), "%s:1:12: dnstap: name the collector: \"socket\" or \"tcp\"\n",
	         f);
	ck_assert_str_eq(conf_errors("{\"dnstap\": {\"sample\": 2}}"), want);
	snprintf(want, sizeof(want),
	         "%s:1:20: dnstap.tcp: \"127.0.0.1\" is not an address and port such as "
	         "127.0.0.1:6000\n",
	         f);
	ck_assert_str_eq(conf_errors("{\"dnstap\": {\"tcp\": \"127.0.0.1\"}}"), want);
	snprintf(want, sizeof(want), "%s:1:43: dnstap.queue_size: 100 is not a power of 2\n", f);
	ck_assert_str_eq(conf_errors("{\"dnstap\": {\"socket\": \"/s\", \"queue_size\": 100}}"),
	                 want);
}
END_TEST

static const uint8_t query[] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                                0x00, 0x00, 0x03, 'w',  'w',  'w',  0x00, 0x00, 0x01, 0x00,
                                0x01};
static const uint8_t response[] = {0x12, 0x34, 0x85, 0x00, 0x00, 0x01, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x03, 'w',  'w',  'w',
                                   0x00, 0x00, 0x01, 0x00, 0x01};

/* Pack one side of ev with dt and decode it again. */
static Dnstap__Dnstap *roundtrip(const struct dnstap *dt, const struct dnstap_event *ev,
                                 bool resp)
{
	size_t len;
	uint8_t *buf = dnstap_pack(dt, ev, resp, &len);
	Dnstap__Dnstap *d = dnstap__dnstap__unpack(NULL, len, buf);
	free(buf);
	ck_assert_ptr_nonnull(d);
	return d;
}

START_TEST(test_messages)
{
	struct config *cfg = conf("{\"socket\": \"/nonexistent/tap.sock\", \"identity\": \"pop-7\"}");
	struct dnstap *dt = dnstap_new(cfg);
	struct sockaddr_in client = {.sin_family = AF_INET, .sin_port = htons(40000)};
	struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons(53)};
	inet_pton(AF_INET, "198.51.100.77", &client.sin_addr);
	inet_pton(AF_INET, "192.0.2.53", &server.sin_addr);
	struct dnstap_event ev = {.tcp = false,
	                          .client = (struct sockaddr *)&client,
	                          .server = (struct sockaddr *)&server,
	                          .query = query,
	                          .query_len = sizeof(query),
	                          .response = response,
	                          .response_len = sizeof(response),
	                          .query_time = {1764770000, 123456789},
	                          .response_time = {1764770000, 123999999}};
	Dnstap__Dnstap *d = roundtrip(dt, &ev, false);
	ck_assert_int_eq(d->type, DNSTAP__DNSTAP__TYPE__MESSAGE);
	ck_assert(d->has_identity && d->identity.len == 5 && !memcmp(d->identity.data, "pop-7", 5));
	ck_assert(d->has_version && d->version.len == strlen("geodnsd " GD_VERSION) &&
	          !memcmp(d->version.data, "geodnsd " GD_VERSION, d->version.len));
	Dnstap__Message *m = d->message;
	ck_assert_int_eq(m->type, DNSTAP__MESSAGE__TYPE__AUTH_QUERY);
	ck_assert(m->has_socket_family && m->socket_family == DNSTAP__SOCKET_FAMILY__INET);
	ck_assert(m->has_socket_protocol && m->socket_protocol == DNSTAP__SOCKET_PROTOCOL__UDP);
	ck_assert(m->has_query_address && m->query_address.len == 4 &&
	          !memcmp(m->query_address.data, "\xc6\x33\x64\x4d", 4));
	ck_assert(m->has_response_address && m->response_address.len == 4 &&
	          !memcmp(m->response_address.data, "\xc0\x00\x02\x35", 4));
	ck_assert(m->has_query_port && m->query_port == 40000);
	ck_assert(m->has_response_port && m->response_port == 53);
	ck_assert(m->has_query_time_sec && m->query_time_sec == 1764770000);
	ck_assert(m->has_query_time_nsec && m->query_time_nsec == 123456789);
	ck_assert(m->has_query_message && m->query_message.len == sizeof(query) &&
	          !memcmp(m->query_message.data, query, sizeof(query)));
	ck_assert(!m->has_response_message && !m->has_response_time_sec);
	dnstap__dnstap__free_unpacked(d, NULL);

	ev.tcp = true;
	d = roundtrip(dt, &ev, true);
	m = d->message;
	ck_assert_int_eq(m->type, DNSTAP__MESSAGE__TYPE__AUTH_RESPONSE);
	ck_assert(m->socket_protocol == DNSTAP__SOCKET_PROTOCOL__TCP);
	ck_assert(m->has_query_time_sec && m->query_time_nsec == 123456789);
	ck_assert(m->has_response_time_sec && m->response_time_sec == 1764770000);
	ck_assert(m->has_response_time_nsec && m->response_time_nsec == 123999999);
	ck_assert(m->has_response_message && m->response_message.len == sizeof(response) &&
	          !memcmp(m->response_message.data, response, sizeof(response)));
	ck_assert(!m->has_query_message);
	dnstap__dnstap__free_unpacked(d, NULL);
	dnstap_close(dt);
	config_free(cfg);
}
END_TEST

/* truncate_client: the client cut to /24 and /56, the server's address and
 * both ports whole; without it the client whole. */
START_TEST(test_truncate)
{
	struct config *cfg = conf("{\"socket\": \"/s\", \"truncate_client\": true}");
	struct dnstap *dt = dnstap_new(cfg);
	struct sockaddr_in6 client = {.sin6_family = AF_INET6, .sin6_port = htons(5353)};
	struct sockaddr_in6 server = {.sin6_family = AF_INET6, .sin6_port = htons(53)};
	inet_pton(AF_INET6, "2001:db8:aabb:ccdd:eeff:1122:3344:5566", &client.sin6_addr);
	inet_pton(AF_INET6, "2001:db8::53", &server.sin6_addr);
	struct dnstap_event ev = {.client = (struct sockaddr *)&client,
	                          .server = (struct sockaddr *)&server,
	                          .query = query,
	                          .query_len = sizeof(query)};
	Dnstap__Dnstap *d = roundtrip(dt, &ev, false);
	struct in6_addr want, srv6;
	inet_pton(AF_INET6, "2001:db8:aabb:cc00::", &want);
	inet_pton(AF_INET6, "2001:db8::53", &srv6);
	ck_assert(d->message->socket_family == DNSTAP__SOCKET_FAMILY__INET6);
	ck_assert(d->message->query_address.len == 16 &&
	          !memcmp(d->message->query_address.data, &want, 16));
	ck_assert(!memcmp(d->message->response_address.data, &srv6, 16));
	ck_assert_uint_eq(d->message->query_port, 5353);
	dnstap__dnstap__free_unpacked(d, NULL);

	struct sockaddr_in c4 = {.sin_family = AF_INET, .sin_port = htons(1)};
	inet_pton(AF_INET, "203.0.113.201", &c4.sin_addr);
	ev.client = (struct sockaddr *)&c4;
	ev.server = NULL;
	d = roundtrip(dt, &ev, false);
	ck_assert(d->message->query_address.len == 4 &&
	          !memcmp(d->message->query_address.data, "\xcb\x00\x71\x00", 4));
	ck_assert(!d->message->has_response_address && !d->message->has_response_port);
	dnstap__dnstap__free_unpacked(d, NULL);
	dnstap_close(dt);
	config_free(cfg);

	cfg = conf("{\"socket\": \"/s\"}");
	dt = dnstap_new(cfg);
	d = roundtrip(dt, &ev, false);
	ck_assert(!memcmp(d->message->query_address.data, "\xcb\x00\x71\xc9", 4));
	dnstap__dnstap__free_unpacked(d, NULL);
	dnstap_close(dt);
	config_free(cfg);
}
END_TEST

/* sample 3: the 3rd, 6th, 9th query are taken; a queue of a dnstap that
 * has not started (or is off) takes none. */
START_TEST(test_sample)
{
	struct config *cfg = conf("{\"socket\": \"/s\", \"sample\": 3}");
	struct dnstap *dt = dnstap_new(cfg);
	struct dnstap_queue q;
	uint64_t sent = 0, dropped = 0;
	dnstap_queue_init(&q, dt, 0, &sent, &dropped);
	ck_assert(!dnstap_take(&q)); /* not started: off */
	dnstap_queue_init(&q, NULL, 0, &sent, &dropped);
	ck_assert(!dnstap_take(&q));
	mkdir("tests/tmp/unit/tap-none", 0755);
	char path[512];
	snprintf(path, sizeof(path), "%s/absent.sock", unit_abs("tests/tmp/unit/tap-none"));
	free(cfg->dnstap_socket);
	cfg->dnstap_socket = strdup(path);
	dnstap_close(dt);
	dt = dnstap_new(cfg);
	ck_assert_int_eq(dnstap_start(dt, 1), 0);
	dnstap_queue_init(&q, dt, 0, &sent, &dropped);
	char taken[10];
	for (int i = 0; i < 9; i++)
		taken[i] = dnstap_take(&q) ? 'y' : 'n';
	taken[9] = '\0';
	ck_assert_str_eq(taken, "nnynnynny");
	dnstap_close(dt);
	config_free(cfg);
}
END_TEST

/* No collector: the thread's queue of 2 fills; what does not fit is
 * dropped and counted, never waited for; every message is one or the
 * other. */
START_TEST(test_queue_full)
{
	char text[512];
	mkdir("tests/tmp/unit/tap-none", 0755);
	snprintf(text, sizeof(text), "{\"socket\": \"%s/absent.sock\", \"queue_size\": 2}",
	         unit_abs("tests/tmp/unit/tap-none"));
	struct config *cfg = conf(text);
	struct dnstap *dt = dnstap_new(cfg);
	ck_assert_int_eq(dnstap_start(dt, 2), 0);
	struct dnstap_queue q;
	uint64_t sent = 0, dropped = 0;
	dnstap_queue_init(&q, dt, 1, &sent, &dropped);
	struct dnstap_event ev = {.query = query,
	                          .query_len = sizeof(query),
	                          .response = response,
	                          .response_len = sizeof(response)};
	for (int i = 0; i < 1000; i++)
		dnstap_write(&q, &ev);
	ck_assert_uint_eq(sent + dropped, 2000);
	ck_assert_uint_gt(dropped, 0);
	/* a dropped query (no response): AUTH_QUERY alone */
	ev.response_len = 0;
	dnstap_write(&q, &ev);
	ck_assert_uint_eq(sent + dropped, 2001);
	dnstap_close(dt);
	config_free(cfg);
}
END_TEST

Suite *dnstap_suite(void)
{
	Suite *s = suite_create("dnstap");
	TCase *tc = tcase_create("dnstap");
	tcase_add_test(tc, test_config);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_messages);
	tcase_add_test(tc, test_truncate);
	tcase_add_test(tc, test_sample);
	tcase_add_test(tc, test_queue_full);
	suite_add_tcase(s, tc);
	return s;
}
