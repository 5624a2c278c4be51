/*
 * test_publication.c - the server module's snapshot (src/server/snapshot.c):
 * what snapshot_build makes of a config - the regions, the zones with their
 * services, the GeoIP databases and every answer setting - that a worker
 * then answers from without the config; that a build with errors in
 * several zones reports them all and publishes nothing; that each build has
 * its own generation and cookie secrets kept across builds.
 *
 * (Swapping a snapshot in under readers is server_publish's RCU scheme,
 * tested with threads in test_health.c's publish case.)
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "common/strbuf.h"
#include "conf/config.h"
#include "dns/wire.h"
#include "geo/service.h"
#include "geo/shared_networks.h"
#include "query/answer.h"
#include "query/cookie.h"
#include "server/snapshot.h"
#include "unit.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *zone_text = "$ORIGIN pub.test.\n$TTL 3600\n"
                               "@ IN SOA ns1 hostmaster 7 7200 900 1209600 300\n"
                               "@ IN NS ns1\nns1 IN A 192.0.2.1\nstatic IN A 192.0.2.80\n";

static const char *services_text = "{ \"www\": { \"fallback\": \"west\", \"regions\": {\n"
                                   "    \"east\": { \"A\": [\"10.0.0.1\"] }, \"west\": { \"A\": "
                                   "[\"10.0.1.1\", \"10.0.1.2\"] } } } }\n";

/* A config with two regions and the zone pub.test with its services, the
 * rest of its sections given by extra (JSON members after "zones", or ""). */
static struct config *load_config(const char *name, const char *extra, struct diag *d)
{
	/* the files by their names: the configuration is written next to them */
	unit_write_file("pub.zone", zone_text);
	unit_write_file("pub-services.json", services_text);
	char text[4096];
	snprintf(
	    text, sizeof(text),
	    "{ \"server\": { \"listen\": [\"127.0.0.1:5353\", \"[::1]:5353\"], \"workers\": 2 },\n"
	    "  \"regions\": { \"east\": { \"location\": [40, -74] },\n"
	    "               \"west\": { \"location\": [37, -122] } },\n"
	    "  \"zones\": [ { \"origin\": \"pub.test\", \"file\": \"pub.zone\",\n"
	    "               \"services\": \"pub-services.json\" } ]%s%s }\n",
	    extra[0] ? ",\n  " : "", extra);
	struct config *cfg = config_load(unit_write_file(name, text), d);
	if (!cfg)
		for (size_t i = 0; i < d->count; i++)
			fprintf(stderr, "  diag: %s\n", d->msgs[i]);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

/* Ask the snapshot for name/qtype from 198.51.100.7; the response's rcode,
 * and its first answer's rdata as text in rdata (empty when none). */
static int ask(const struct snapshot *snap, const char *name, ldns_rr_type qtype, char *rdata,
               size_t cap)
{
	ldns_pkt *q = NULL;
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, qtype, LDNS_RR_CLASS_IN, 0),
	                 LDNS_STATUS_OK);
	uint8_t *wire;
	size_t len;
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	static uint8_t out[ANSWER_BUF_SIZE];
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0xc6336407)};
	struct answer_request req = {.pkt = wire, .len = len, .client = (struct sockaddr *)&sin};
	struct answer_worker aw;
	answer_worker_init(&aw);
	size_t n = answer_query(snap->db, &snap->settings, &req, out, sizeof(out), &aw);
	answer_worker_free(&aw);
	free(wire);
	ck_assert_uint_ge(n, DNS_HEADER_LEN);
	ldns_pkt *r = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&r, out, n), LDNS_STATUS_OK);
	rdata[0] = '\0';
	if (ldns_pkt_ancount(r) > 0) {
		char *s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(ldns_pkt_answer(r), 0), 0));
		snprintf(rdata, cap, "%s", s);
		free(s);
	}
	int rcode = ldns_pkt_get_rcode(r);
	ldns_pkt_free(r);
	return rcode;
}

/* Every answer setting follows its config key. */
START_TEST(test_build_settings)
{
	struct diag d = {0};
	struct config *cfg = load_config(
	    "pub-settings.conf",
	    "\"ecs\": { \"trusted\": [\"192.0.2.0/24\", \"2001:db8::/32\"],\n"
	    "           \"hash_ipv4_prefix\": 20, \"hash_ipv6_prefix\": 48 },\n"
	    "  \"rrl\": { \"responses_per_second\": 5, \"window\": 3, \"slip\": 4,\n"
	    "           \"ipv4_prefix\": 22, \"ipv6_prefix\": 52, \"exempt\": [\"10.9.0.0/16\"],\n"
	    "           \"log_only\": true, \"table_size\": 128 },\n"
	    "  \"health\": { \"interval\": 7, \"cap_ttl\": true },\n"
	    "  \"cookies\": { \"enabled\": false }",
	    &d);
	free(cfg->nsid);
	cfg->nsid = xstrdup("unit-7");
	cfg->nsid_len = 6;
	cfg->udp_payload = 1400;
	cfg->tcp_idle_timeout = 25;
	cfg->answer_cache = false;
	struct snapshot *snap = snapshot_build(cfg, NULL, 42, &d);
	ck_assert_ptr_nonnull(snap);
	ck_assert_uint_eq(d.count, 0);
	const struct answer_settings *s = &snap->settings;
	ck_assert_uint_eq(snap->generation, 42);
	ck_assert_uint_eq(s->generation, 42);
	ck_assert_uint_eq(s->udp_payload, 1400);
	ck_assert_uint_eq(s->nsid_len, 6);
	ck_assert_mem_eq(s->nsid, "unit-7", 6);
	ck_assert_ptr_ne(s->nsid, cfg->nsid); /* its own copy */
	ck_assert(s->answer_cache_off);
	ck_assert_uint_eq(s->tcp_idle_timeout, 25);
	ck_assert_uint_eq(s->service_ttl_cap, 7);
	ck_assert_uint_eq(s->hash_ipv4_prefix, 20);
	ck_assert_uint_eq(s->hash_ipv6_prefix, 48);
	ck_assert(s->ecs_enabled);
	ck_assert(!s->ecs_trust_all);
	ck_assert_uint_eq(s->necs_trusted, 2);
	ck_assert_int_eq(s->ecs_trusted[0].family, ADDR_IPV4);
	ck_assert_uint_eq(s->ecs_trusted[0].bits, 24);
	ck_assert_mem_eq(s->ecs_trusted[0].addr, "\xc0\x00\x02\x00", 4);
	ck_assert_int_eq(s->ecs_trusted[1].family, ADDR_IPV6);
	ck_assert_uint_eq(s->ecs_trusted[1].bits, 32);
	ck_assert_uint_eq(s->rrl.rate, 5);
	ck_assert_uint_eq(s->rrl.window, 3);
	ck_assert_uint_eq(s->rrl.slip, 4);
	ck_assert_uint_eq(s->rrl.ipv4_prefix, 22);
	ck_assert_uint_eq(s->rrl.ipv6_prefix, 52);
	ck_assert(s->rrl.log_only);
	ck_assert_uint_eq(s->rrl.table_size, 128);
	ck_assert_uint_eq(s->rrl.nexempt, 1);
	ck_assert_uint_eq(s->rrl.exempt[0].bits, 16);
	ck_assert_ptr_null(s->cookies);
	ck_assert_ptr_null(snap->cookies);
	ck_assert_ptr_null(snap->geo);
	ck_assert_ptr_null(s->geo);
	/* the regions, by configured index, as the snapshot's own */
	ck_assert_ptr_eq(s->regions, &snap->regions);
	ck_assert_uint_eq(snap->regions.n, 2);
	ck_assert_str_eq(snap->regions.regions[0].name, "east");
	ck_assert_str_eq(snap->regions.regions[1].name, "west");
	ck_assert_ptr_ne(snap->regions.regions[0].name, cfg->regions[0].name);
	ck_assert(snap->regions.regions[1].lat == 37 && snap->regions.regions[1].lon == -122);
	/* one service of two regions: a counter row of 2 + 1 per answering
	 * thread, 2 workers x (1 + 2 listen addresses), and the transfer thread */
	ck_assert_uint_eq(s->nservices, 1);
	ck_assert_uint_eq(s->svc_row[0], 0);
	ck_assert_uint_eq(s->svc_row[1], 3);
	ck_assert_uint_eq(s->nworkers_max, 7);
	ck_assert_ptr_nonnull(s->svc_counts);
	snapshot_free(snap);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

/* Trusting 0.0.0.0/0 and ::/0 is trusting every sender; either alone is
 * not; no ecs.trusted at all trusts everyone. */
START_TEST(test_build_ecs_trust_all)
{
	static const struct {
		const char *extra;
		bool all;
		size_t n;
	} cases[] = {
	    {"\"ecs\": { \"trusted\": [\"0.0.0.0/0\", \"::/0\"] }", true, 2},
	    {"\"ecs\": { \"trusted\": [\"0.0.0.0/0\"] }", false, 1},
	    {"\"ecs\": { \"trusted\": [\"::/0\", \"192.0.2.0/24\"] }", false, 2},
	    {"\"ecs\": { \"enabled\": true }", true, 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct diag d = {0};
		struct config *cfg = load_config("pub-trust.conf", cases[i].extra, &d);
		struct snapshot *snap = snapshot_build(cfg, NULL, 1, &d);
		ck_assert_ptr_nonnull(snap);
		ck_assert_msg(snap->settings.ecs_trust_all == cases[i].all, "case %zu", i);
		ck_assert_uint_eq(snap->settings.necs_trusted, cases[i].n);
		snapshot_free(snap);
		config_free(cfg);
		diag_free(&d);
	}
}
END_TEST

/* The snapshot answers on its own: the config it was built from is gone
 * (a reload frees it) and the static and service names still answer. */
START_TEST(test_build_answers_without_config)
{
	struct diag d = {0};
	struct config *cfg = load_config("pub-answers.conf", "", &d);
	struct snapshot *snap = snapshot_build(cfg, NULL, 3, &d);
	ck_assert_ptr_nonnull(snap);
	config_free(cfg);
	ck_assert_uint_eq(snap->db->count, 1);
	ck_assert_str_eq(snap->db->zones[0]->origin_str, "pub.test.");
	ck_assert_uint_eq(snap->db->zones[0]->serial, 7);
	ck_assert_ptr_nonnull(snap->db->zones[0]->services);
	ck_assert_uint_eq(snap->db->zones[0]->services->n, 1);
	char rdata[128];
	ck_assert_int_eq(ask(snap, "static.pub.test.", LDNS_RR_TYPE_A, rdata, sizeof(rdata)),
	                 LDNS_RCODE_NOERROR);
	ck_assert_str_eq(rdata, "192.0.2.80");
	/* no GeoIP: an unknown location, the fallback region west */
	ck_assert_int_eq(ask(snap, "www.pub.test.", LDNS_RR_TYPE_A, rdata, sizeof(rdata)),
	                 LDNS_RCODE_NOERROR);
	ck_assert_str_eq(rdata, "10.0.1.1");
	ck_assert_int_eq(ask(snap, "nowhere.pub.test.", LDNS_RR_TYPE_A, rdata, sizeof(rdata)),
	                 LDNS_RCODE_NXDOMAIN);
	ck_assert_int_eq(ask(snap, "example.org.", LDNS_RR_TYPE_A, rdata, sizeof(rdata)),
	                 LDNS_RCODE_REFUSED);
	snapshot_free(snap);
	diag_free(&d);
}
END_TEST

/* With the GeoIP database configured the snapshot opens it and the
 * settings point at it. */
START_TEST(test_build_geoip)
{
	struct diag d = {0};
	struct config *cfg =
	    load_config("pub-geo.conf", "\"geoip\": { \"database\": \"../geo/city.mmdb\" }", &d);
	struct snapshot *snap = snapshot_build(cfg, NULL, 1, &d);
	ck_assert_ptr_nonnull(snap);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_ptr_nonnull(snap->geo);
	ck_assert_ptr_eq(snap->settings.geo, snap->geo);
	snapshot_free(snap);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

/* Every zone is loaded even after another failed: a build reports the
 * errors of all of them and returns nothing to publish. */
START_TEST(test_build_reports_every_zone)
{
	unit_write_file("pub-bad1.zone", "$ORIGIN one.test.\n$TTL 3600\n"
	                                 "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
	                                 "@ IN NS ns1\nns1 IN A 192.0.2.1\nbad IN A 300.1.2.3\n");
	unit_write_file("pub-bad2.zone", "$ORIGIN two.test.\n$TTL 3600\n"
	                                 "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
	                                 "@ IN NS ns1\nns1 IN A 192.0.2.1\nworse IN AAAA nope\n");
	const char *conf =
	    unit_write_file("pub-bad.conf", "{ \"server\": { \"listen\": [\"127.0.0.1:5353\"] },\n"
	                                    "  \"zones\": [ { \"origin\": \"one.test\", \"file\": "
	                                    "\"pub-bad1.zone\" },\n"
	                                    "             { \"origin\": \"two.test\", \"file\": "
	                                    "\"pub-bad2.zone\" } ] }\n");
	struct diag d = {0};
	struct config *cfg = config_load(conf, &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_ptr_null(snapshot_build(cfg, NULL, 1, &d));
	ck_assert_uint_ge(d.errors, 2);
	bool one = false, two = false;
	for (size_t i = 0; i < d.count; i++) {
		one |= strstr(d.msgs[i], "pub-bad1.zone:6") != NULL;
		two |= strstr(d.msgs[i], "pub-bad2.zone:6") != NULL;
	}
	ck_assert_msg(one && two, "want an error on line 6 of each zone, got %zu: %s", d.count,
	              d.count ? d.msgs[0] : "");
	config_free(cfg);
	diag_free(&d);
}
END_TEST

/* Cookies: the configured secrets, or else one secret generated per
 * process that every later build reuses (a reload must not invalidate the
 * clients' cookies). */
START_TEST(test_build_cookie_secrets)
{
	struct diag d = {0};
	struct config *cfg = load_config(
	    "pub-cookie.conf",
	    "\"cookies\": { \"enabled\": true, \"secret\": \"000102030405060708090a0b0c0d0e0f\",\n"
	    "  \"previous_secret\": \"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\" }",
	    &d);
	struct snapshot *snap = snapshot_build(cfg, NULL, 1, &d);
	ck_assert_ptr_nonnull(snap);
	ck_assert_ptr_nonnull(snap->cookies);
	ck_assert_ptr_eq(snap->settings.cookies, snap->cookies);
	ck_assert_mem_eq(snap->cookies->current,
	                 "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f",
	                 COOKIE_SECRET_LEN);
	ck_assert(snap->cookies->have_previous);
	ck_assert_mem_eq(snap->cookies->previous,
	                 "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff",
	                 COOKIE_SECRET_LEN);
	snapshot_free(snap);
	config_free(cfg);

	cfg = load_config("pub-cookie2.conf", "\"cookies\": { \"enabled\": true }", &d);
	struct snapshot *a = snapshot_build(cfg, NULL, 1, &d);
	struct snapshot *b = snapshot_build(cfg, NULL, 2, &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(!a->cookies->have_previous);
	static const uint8_t zero[COOKIE_SECRET_LEN];
	ck_assert_int_ne(memcmp(a->cookies->current, zero, COOKIE_SECRET_LEN), 0);
	ck_assert_mem_eq(a->cookies->current, b->cookies->current, COOKIE_SECRET_LEN);
	ck_assert_ptr_ne(a->cookies, b->cookies);
	ck_assert_uint_eq(a->generation, 1);
	ck_assert_uint_eq(b->generation, 2);
	snapshot_free(a);
	snapshot_free(b);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

/* geoip.networks: read by a build without a source or with read_networks
 * (start, a full reload), kept from prev by every other build (a zone or
 * the databases published alone); a changed file rebuilds the zone, the
 * same one keeps it; a bad one fails the build. The client 198.51.100.7
 * is unknown to GeoIP (none configured): the fallback west, unless a
 * network says otherwise. */
START_TEST(test_build_shared_networks)
{
	struct diag d = {0};
	unit_write_file("pub-nets.csv", "198.51.100.0/24,east\n");
	struct config *cfg =
	    load_config("pub-nets.conf", "\"geoip\": { \"networks\": \"pub-nets.csv\" }", &d);
	ck_assert_str_eq(cfg->geoip_networks, "tests/tmp/unit/pub-nets.csv");
	struct snapshot *a = snapshot_build(cfg, NULL, 1, &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(a->networks);
	ck_assert_ptr_eq(a->regions.networks, a->networks);
	ck_assert_uint_eq(a->networks->n, 1);
	char rd[64];
	ck_assert_int_eq(ask(a, "www.pub.test.", LDNS_RR_TYPE_A, rd, sizeof(rd)),
	                 LDNS_RCODE_NOERROR);
	ck_assert_str_eq(rd, "10.0.0.1");
	/* the file changed: a build of the databases alone keeps the networks
	 * and the zone as served */
	unit_write_file("pub-nets.csv", "198.51.100.0/24,west\n");
	struct snapshot_source keep = {.keep_zones = true};
	struct snapshot *b = snapshot_build_from(cfg, a, 2, &keep, &d);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_eq(b->networks, a->networks);
	ck_assert_uint_eq(b->networks->refs, 2);
	ck_assert_int_eq(ask(b, "www.pub.test.", LDNS_RR_TYPE_A, rd, sizeof(rd)),
	                 LDNS_RCODE_NOERROR);
	ck_assert_str_eq(rd, "10.0.0.1");
	/* a full reload reads it: the zone built again with west's network */
	struct snapshot_source full = {.read_networks = true};
	struct snapshot *c = snapshot_build_from(cfg, b, 3, &full, &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(c->networks, a->networks);
	ck_assert_uint_eq(c->zones_built, 1);
	ck_assert_int_eq(ask(c, "www.pub.test.", LDNS_RR_TYPE_A, rd, sizeof(rd)),
	                 LDNS_RCODE_NOERROR);
	ck_assert_str_eq(rd, "10.0.1.1");
	ck_assert_uint_eq(c->db->zones[0]->services->networks_digest, c->networks->digest);
	/* the same file again: the zone shared */
	struct snapshot *e = snapshot_build_from(cfg, c, 4, &full, &d);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->zones_kept, 1);
	ck_assert_ptr_eq(e->db->zones[0], c->db->zones[0]);
	ck_assert_uint_eq(d.count, 0);
	/* a bad file: no snapshot, the line named */
	unit_write_file("pub-nets.csv", "198.51.100.0/24,west\n198.51.100.1/24,east\n");
	ck_assert_ptr_null(snapshot_build_from(cfg, e, 5, &full, &d));
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_str_eq(d.msgs[0], "tests/tmp/unit/pub-nets.csv:2: \"198.51.100.1/24\": host bits "
	                            "set: the network would be 198.51.100.0/24");
	snapshot_free(e);
	snapshot_free(c);
	snapshot_free(b);
	ck_assert_uint_eq(a->networks->refs, 1);
	snapshot_free(a);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

/* A secondary's copy whose services were built with other shared networks
 * (before a reload changed the file) has them built again by the snapshot
 * that publishes it: the copy is never served with stale networks. */
START_TEST(test_build_secondary_copy_networks)
{
	static const char svc[] = "{\"regions\": {\"east\": {\"A\": [\"10.0.0.1\"]}, \"west\": "
	                          "{\"A\": [\"10.0.1.1\"]}}, \"fallback\": \"west\"}";
	struct strbuf zt;
	sb_init(&zt);
	sb_puts(&zt,
	        "$ORIGIN sec.test.\n$TTL 3600\n@ IN SOA ns1 hostmaster 7 7200 900 1209600 300\n"
	        "@ IN NS ns1\nns1 IN A 192.0.2.1\n");
	sb_printf(&zt, "www IN TYPE65281 \\# %zu ", strlen(svc));
	for (size_t i = 0; svc[i]; i++)
		sb_printf(&zt, "%02x", (unsigned char)svc[i]);
	sb_puts(&zt, "\n");
	unit_write_file("pub-sec.zone", zt.buf);
	sb_free(&zt);
	unit_write_file("pub-sec-nets.csv", "198.51.100.0/24,east\n");
	static const char head[] =
	    "{ \"server\": { \"listen\": [\"127.0.0.1:5353\"] },\n"
	    "  \"regions\": { \"east\": { \"location\": [40, -74] },\n"
	    "               \"west\": { \"location\": [37, -122] } },\n"
	    "  \"zones\": [ { \"origin\": \"sec.test\", \"file\": \"pub-sec.zone\",\n"
	    "               \"primaries\": [ { \"address\": \"127.0.0.1\" } ] } ]";
	char text[1024];
	struct diag d = {0};
	snprintf(text, sizeof(text), "%s }\n", head);
	struct config *before = config_load(unit_write_file("pub-sec1.conf", text), &d);
	snprintf(text, sizeof(text), "%s,\n  \"geoip\": { \"networks\": \"pub-sec-nets.csv\" } }\n",
	         head);
	struct config *after = config_load(unit_write_file("pub-sec2.conf", text), &d);
	ck_assert_ptr_nonnull(before);
	ck_assert_ptr_nonnull(after);
	struct snapshot *a = snapshot_build(before, NULL, 1, &d);
	ck_assert_ptr_nonnull(a);
	ck_assert(a->db->zones[0]->secondary);
	ck_assert_uint_eq(a->db->zones[0]->services->networks_digest, 0);
	char rd[64];
	ck_assert_int_eq(ask(a, "www.sec.test.", LDNS_RR_TYPE_A, rd, sizeof(rd)),
	                 LDNS_RCODE_NOERROR);
	ck_assert_str_eq(rd, "10.0.1.1");
	/* the copy made under the old networks, published under the new */
	struct snapshot_source src = {
	    .only_origin = "sec.test", .only_zone = a->db->zones[0], .read_networks = true};
	struct snapshot *b = snapshot_build_from(after, a, 2, &src, &d);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(b->db->zones[0], a->db->zones[0]);
	ck_assert(b->db->zones[0]->secondary);
	ck_assert_uint_eq(b->db->zones[0]->services->networks_digest, b->networks->digest);
	ck_assert_int_eq(ask(b, "www.sec.test.", LDNS_RR_TYPE_A, rd, sizeof(rd)),
	                 LDNS_RCODE_NOERROR);
	ck_assert_str_eq(rd, "10.0.0.1");
	ck_assert_uint_eq(d.errors, 0);
	snapshot_free(b);
	snapshot_free(a);
	config_free(after);
	config_free(before);
	diag_free(&d);
}
END_TEST

Suite *publication_suite(void)
{
	Suite *s = suite_create("publication");
	TCase *tc = tcase_create("build");
	tcase_add_test(tc, test_build_settings);
	tcase_add_test(tc, test_build_ecs_trust_all);
	tcase_add_test(tc, test_build_answers_without_config);
	tcase_add_test(tc, test_build_geoip);
	tcase_add_test(tc, test_build_reports_every_zone);
	tcase_add_test(tc, test_build_cookie_secrets);
	tcase_add_test(tc, test_build_shared_networks);
	tcase_add_test(tc, test_build_secondary_copy_networks);
	suite_add_tcase(s, tc);
	return s;
}
