/*
 * test_geoanswer.c - geo answers through answer_query (the query module):
 * the ECS SCOPE of every kind of answer, the service answers themselves,
 * and the per-worker caches in front of them - the GeoIP walk cache, the
 * ranking cache and the response cache (answer cache), each check of the
 * response cache on a fresh worker of its own.
 *
 * A zone with services and the test GeoIP database (tests/tmp/geo), loaded
 * anew for every test by the checked fixture.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "query/answer.h"
#include "common/gd.h"
#include "conf/config.h"
#include "common/diag.h"
#include "geo/geo.h"
#include "health/health.h"
#include "geo/service.h"
#include "unit.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The regions of the configuration: unit_regions (unit.h). */
static const struct region_table *const rt = &unit_regions;

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

static const char *scope_zone =
	"$ORIGIN example.com.\n"
	"$TTL 3600\n"
	"@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
	"@ IN NS ns1\n"
	"ns1 IN A 192.0.2.1\n"
	"static IN A 192.0.2.80\n"
	"alias IN CNAME www\n"
	"sub IN NS ns.example.net.\n";

static const char *scope_services =
	"{\n"
	"  \"www\": {\"fallback\": \"sa-east\", \"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"], \"AAAA\": [\"2001:db8:1::10\"]},\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.10\"]},\n"
	"    \"ap-south\": {\"A\": [\"203.0.113.10\"]},\n"
	"    \"sa-east\": {\"A\": [\"192.0.2.40\"]}}},\n"
	"  \"multi\": {\"fallback\": \"sa-east\", \"max_answers\": 2, \"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.11\", \"192.0.2.12\", \"192.0.2.13\"]},\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.11\", \"198.51.100.12\", \"198.51.100.13\"],\n"
	"                \"AAAA\": [\"2001:db8:2::11\", \"2001:db8:2::12\", \"2001:db8:2::13\"]},\n"
	"    \"ap-south\": {\"A\": [\"203.0.113.11\"]},\n"
	"    \"sa-east\": {\"A\": [\"192.0.2.41\", \"192.0.2.42\", \"192.0.2.43\"]}}},\n"
	"  \"split\": {\"fallback\": \"sa-east\", \"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"]},\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.10\"], \"weight\": 50},\n"
	"    \"ap-south\": {\"A\": [\"203.0.113.10\"]},\n"
	"    \"sa-east\": {\"A\": [\"192.0.2.40\"]}}},\n"
	"  \"cn\": {\"ttl\": 45, \"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"]},\n"
	"    \"eu-west\": {\"cname\": \"static\"},\n"
	"    \"ap-south\": {\"cname\": \"lb.example.net.\"}}},\n"
	"  \"net\": {\"fallback\": \"sa-east\", \"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"]},\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.10\"]},\n"
	"    \"ap-south\": {\"A\": [\"203.0.113.10\"]},\n"
	"    \"sa-east\": {\"A\": [\"192.0.2.40\"]}},\n"
	"    \"networks\": {\"100.0.0.0/16\": \"ap-south\", \"100.0.1.0/24\": \"us-east\",\n"
	"      \"100.0.3.0/24\": \"ap-south\", \"100.0.9.128/25\": \"us-east\",\n"
	"      \"198.51.100.192/26\": \"us-east\", \"203.0.113.0/24\": \"eu-west\",\n"
	"      \"2001:db8:100::/40\": \"us-east\", \"2001:db8:100:ab00::/56\": \"ap-south\"}},\n"
	"  \"asn\": {\"fallback\": \"sa-east\", \"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"]},\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.10\"]},\n"
	"    \"ap-south\": {\"A\": [\"203.0.113.10\"]},\n"
	"    \"sa-east\": {\"A\": [\"192.0.2.40\"]}},\n"
	"    \"asns\": {\"64500\": \"ap-south\", \"AS64503\": \"ap-south\", \"64505\": \"eu-west\",\n"
	"      \"64506\": \"ap-south\"},\n"
	"    \"networks\": {\"198.51.100.128/27\": \"us-east\"}},\n"
	"  \"*.wild\": {\"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"]},\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.10\"]}}}\n"
	"}\n";

static struct zonedb *sdb;
static struct geo_db *sgeo;
static struct answer_settings settings;
static struct answer_worker worker;
static struct netprefix trusted[1];
static const struct health_snapshot *test_health; /* NULL: everything up */

static void scope_setup(void)
{
	struct diag d = {0};
	const char *zp = unit_write_file("svc-unit-scope.zone", scope_zone);
	const char *sp = unit_write_file("svc-unit-scope.json", scope_services);
	struct zone_config zc = {"example.com", zp, sp, rt};
	struct zone **zs = calloc(1, sizeof(*zs));
	zs[0] = zone_load(&zc, &d);
	if (d.count)
		dump(&d);
	ck_assert_ptr_nonnull(zs[0]);
	sdb = zonedb_build(zs, 1, &d);
	ck_assert_ptr_nonnull(sdb);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
	sgeo = unit_geo_open();
	ck_assert(geo_open_asn(sgeo, "tests/tmp/geo/asn.mmdb", &d));
	settings = unit_geo_settings(sgeo);
	answer_worker_init(&worker);
	test_health = NULL;
}

static void scope_teardown(void)
{
	zonedb_free(sdb);
	sdb = NULL;
	geo_close(sgeo);
	sgeo = NULL;
	answer_worker_free(&worker);
}

/* An ECS option to send; family 0 = no ECS option (EDNS still). */
struct ecs_opt {
	uint16_t family;
	uint8_t source;
	const char *addr;  /* textual; only the first ceil(source/8) bytes go */
};

/* Build a query: header, question, OPT with the ECS option. */
static size_t mkquery(uint8_t *buf, const char *name, uint16_t qtype, struct ecs_opt e)
{
	size_t n = 0;
	static const uint8_t head[12] = {0x4a, 0x4a, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
	memcpy(buf, head, 12);
	n = 12;
	const char *p = name;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		buf[n++] = (uint8_t)l;
		memcpy(buf + n, p, l);
		n += l;
		p += l + (dot ? 1 : 0);
	}
	buf[n++] = 0;
	buf[n++] = (uint8_t)(qtype >> 8);
	buf[n++] = (uint8_t)qtype;
	buf[n++] = 0;
	buf[n++] = 1;
	/* OPT: root, type 41, payload 1232, ttl 0 */
	static const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0};
	memcpy(buf + n, opt, sizeof(opt));
	n += sizeof(opt);
	if (!e.family) {
		buf[n++] = 0;
		buf[n++] = 0;
		return n;
	}
	uint8_t a[16] = {0};
	ck_assert_int_eq(inet_pton(e.family == 1 ? AF_INET : AF_INET6, e.addr, a), 1);
	size_t alen = ((size_t)e.source + 7) / 8;
	size_t olen = 4 + alen;
	buf[n++] = 0;
	buf[n++] = (uint8_t)(4 + olen);
	buf[n++] = 0; /* option 8 */
	buf[n++] = 8;
	buf[n++] = 0;
	buf[n++] = (uint8_t)olen;
	buf[n++] = 0;
	buf[n++] = (uint8_t)e.family;
	buf[n++] = e.source;
	buf[n++] = 0; /* SCOPE */
	memcpy(buf + n, a, alen);
	n += alen;
	return n;
}

struct reply {
	ldns_pkt *pkt;
	bool has_ecs;
	uint8_t ecs[20];   /* the option data as received */
	size_t ecs_len;
	char answer[1024]; /* rdata of the answer records, space separated */
};

static struct reply ask_from(const char *name, uint16_t qtype, struct ecs_opt e,
			     const struct sockaddr *client)
{
	uint8_t q[512];
	static uint8_t out[ANSWER_BUF_SIZE];
	size_t qlen = mkquery(q, name, qtype, e);
	struct answer_request req = {
		.pkt = q, .len = qlen, .tcp = false, .client = client, .health = test_health};
	size_t n = answer_query(sdb, &settings, &req, out, sizeof(out), &worker);
	ck_assert_uint_gt(n, 0);
	struct reply r;
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(ldns_wire2pkt(&r.pkt, out, n), LDNS_STATUS_OK);
	ck_assert(ldns_pkt_edns(r.pkt));
	ldns_rdf *data = ldns_pkt_edns_data(r.pkt);
	const uint8_t *d = data ? ldns_rdf_data(data) : NULL;
	size_t dl = data ? ldns_rdf_size(data) : 0;
	for (size_t i = 0; i + 4 <= dl;) {
		uint16_t code = (uint16_t)(d[i] << 8 | d[i + 1]);
		uint16_t len = (uint16_t)(d[i + 2] << 8 | d[i + 3]);
		ck_assert_uint_le(i + 4 + len, dl);
		if (code == 8) {
			ck_assert(!r.has_ecs);
			ck_assert_uint_le(len, sizeof(r.ecs));
			r.has_ecs = true;
			memcpy(r.ecs, d + i + 4, len);
			r.ecs_len = len;
		}
		i += 4 + len;
	}
	const ldns_rr_list *an = ldns_pkt_answer(r.pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(an, i), 0));
		if (i)
			strcat(r.answer, " ");
		strcat(r.answer, s);
		free(s);
	}
	return r;
}

/* From 127.0.0.1 (a trusted sender while ecs_trust_all; not located itself). */
static struct reply ask(const char *name, uint16_t qtype, struct ecs_opt e)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	return ask_from(name, qtype, e, (const struct sockaddr *)&sin);
}

/* The ECS option must echo family, source and address as sent, with scope. */
static void expect_ecs(const struct reply *r, struct ecs_opt e, unsigned scope)
{
	ck_assert_msg(r->has_ecs, "no ECS option in the response");
	uint8_t a[16] = {0};
	inet_pton(e.family == 1 ? AF_INET : AF_INET6, e.addr, a);
	size_t alen = ((size_t)e.source + 7) / 8;
	ck_assert_uint_eq(r->ecs_len, 4 + alen);
	ck_assert_uint_eq(r->ecs[0] << 8 | r->ecs[1], e.family);
	ck_assert_uint_eq(r->ecs[2], e.source);
	ck_assert_msg(r->ecs[3] == scope, "%s/%u: SCOPE %u, expected %u", e.addr, e.source,
		      r->ecs[3], scope);
	ck_assert_mem_eq(r->ecs + 4, a, alen);
}

static void done(struct reply *r)
{
	ldns_pkt_free(r->pkt);
}

#define ECS4(src, a) ((struct ecs_opt){1, (src), (a)})
#define ECS6(src, a) ((struct ecs_opt){2, (src), (a)})
#define NO_ECS ((struct ecs_opt){0, 0, NULL})

/* ask for name/A with e: the answer's rdata and the scope */
static void expect_answer(const char *name, uint16_t qtype, struct ecs_opt e,
			  const char *answer, unsigned scope)
{
	struct reply r = ask(name, qtype, e);
	ck_assert_int_eq(ldns_pkt_get_rcode(r.pkt), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(r.pkt));
	ck_assert_msg(strcmp(r.answer, answer) == 0, "%s from %s/%u: \"%s\", expected \"%s\"",
		      name, e.addr, e.source, r.answer, answer);
	expect_ecs(&r, e, scope);
	done(&r);
}

START_TEST(test_scope_geo_prefix)
{
	/* SCOPE = the prefix of the GeoIP network of the ECS address; longer
	 * than SOURCE where the network is (RFC 7871 7.2.1 allows it) */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "198.51.100.0"),
		      "198.51.100.10", 26);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(25, "198.51.100.128"),
		      "198.51.100.10", 25);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "192.0.2.0"), "192.0.2.10", 25);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "203.0.113.0"),
		      "203.0.113.10", 25);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(32, "192.0.2.77"), "192.0.2.10",
		      25);
	/* Beijing (203.0.113.128/26): closest is ap-south */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(26, "203.0.113.128"),
		      "203.0.113.10", 26);
	/* a short source: the network of its first address */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(16, "198.51.0.0"), "192.0.2.40",
		      18);
	/* IPv6 */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS6(48, "2001:db8::"), "192.0.2.10",
		      48);
	expect_answer("www.example.com", LDNS_RR_TYPE_AAAA, ECS6(56, "2001:db8::"),
		      "2001:db8:1::10", 48);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS6(40, "2001:db8:100::"),
		      "198.51.100.10", 40);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS6(40, "2001:db8:200::"),
		      "203.0.113.10", 40);
	/* a record without coordinates (FR, EU): the continent centre, eu-west */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
		      16);
	/* not in the database: fallback, SCOPE = the empty network 0.0.0.0/2 */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "8.8.8.0"), "192.0.2.40", 2);
	/* NODATA at a service (eu-west has no AAAA) depends on the client too */
	struct reply r = ask("www.example.com", LDNS_RR_TYPE_AAAA, ECS4(24, "198.51.100.0"));
	ck_assert_int_eq(ldns_pkt_get_rcode(r.pkt), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(r.pkt), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(r.pkt), 1);
	expect_ecs(&r, ECS4(24, "198.51.100.0"), 26);
	done(&r);
	ck_assert_uint_eq(worker.counters.ecs_used, 14);
	ck_assert_uint_eq(worker.counters.geo_answers, 14);
	ck_assert_uint_eq(worker.counters.ecs_ignored, 0);
}
END_TEST

/*
 * Network overrides (service "net"): the longest network holding the
 * client puts its region first; SCOPE covers only clients with the same
 * outcome. 100.0.0.0/16 (France in the database, GeoIP /16) -> ap-south
 * holds 100.0.1.0/24 -> us-east and 100.0.9.128/25 -> us-east, and
 * 100.0.3.0/24 -> ap-south, which answers as the /16 does.
 */
START_TEST(test_scope_networks)
{
	const char *name = "net.example.com";
	/* inside the /24: its region, SCOPE its /24 */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "192.0.2.10", 24);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.1.77"), "192.0.2.10", 24);
	/* the /16 outside it: the longest client network that leaves the /24
	 * out (100.0.5.0: 00000101 and 00000001 share 5 bits of the third
	 * octet: /22 = 100.0.4.0-100.0.7.255) */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(24, "100.0.5.0"), "203.0.113.10", 22);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(24, "100.0.128.0"), "203.0.113.10", 17);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(24, "100.0.0.0"), "203.0.113.10", 24);
	/* 100.0.2.0: /23 leaves 100.0.1.0/24 out; 100.0.3.0/24 is inside it but
	 * answers alike, so it does not count (else /24) */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(24, "100.0.2.0"), "203.0.113.10", 23);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(24, "100.0.3.0"), "203.0.113.10", 24);
	/* SOURCE /16: the /24 cannot be told; SCOPE /24 asks for more bits */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(16, "100.0.0.0"), "203.0.113.10", 24);
	/* no override holds 198.51.100.130 (Dublin, GeoIP /25): distance
	 * decides, and the SCOPE grows past 198.51.100.192/26 (/25 without it) */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "198.51.100.130"), "198.51.100.10", 26);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(32, "198.51.100.130"),
	              "198.51.100.10", 25);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "198.51.100.200"), "192.0.2.10", 26);
	/* the override alone decided: the GeoIP network (Beijing /26) does
	 * not narrow it */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "203.0.113.130"), "198.51.100.10", 24);
	/* IPv6: 2001:db8:100::/40 -> us-east holds 2001:db8:100:ab00::/56 ->
	 * ap-south (Frankfurt, GeoIP /40, would be eu-west) */
	expect_answer(name, LDNS_RR_TYPE_A, ECS6(56, "2001:db8:100:ab00::"), "203.0.113.10", 56);
	expect_answer(name, LDNS_RR_TYPE_A, ECS6(48, "2001:db8:100::"), "192.0.2.10", 49);
	expect_answer(name, LDNS_RR_TYPE_A, ECS6(56, "2001:db8:1ff:ff00::"), "192.0.2.10", 41);
	/* San Francisco: no override near, the GeoIP /48 */
	expect_answer(name, LDNS_RR_TYPE_A, ECS6(48, "2001:db8::"), "192.0.2.10", 48);
}
END_TEST

/* The override's region down: the ranking follows as for a country
 * override, and the GeoIP network decides the SCOPE too. */
START_TEST(test_networks_follow_health)
{
	struct health_region hr[4];
	for (int i = 0; i < 4; i++)
		hr[i] = (struct health_region){.up = true, .weight = 100};
	struct health_snapshot hs = {.generation = 1, .n = 4, .regions = hr};
	test_health = &hs;
	struct ecs_opt beijing = ECS4(32, "203.0.113.130");
	expect_answer("net.example.com", LDNS_RR_TYPE_A, beijing, "198.51.100.10", 24);
	hr[1].up = false; /* eu-west down: Beijing's closest, ap-south */
	expect_answer("net.example.com", LDNS_RR_TYPE_A, beijing, "203.0.113.10", 26);
	hr[1].up = true;
	hr[1].weight = 0; /* drained */
	expect_answer("net.example.com", LDNS_RR_TYPE_A, beijing, "203.0.113.10", 26);
	hr[1].weight = 100;
	expect_answer("net.example.com", LDNS_RR_TYPE_A, beijing, "198.51.100.10", 24);
	/* every region down: fail open with the override's region */
	for (int i = 0; i < 4; i++)
		hr[i].up = false;
	expect_answer("net.example.com", LDNS_RR_TYPE_A, beijing, "198.51.100.10", 24);
	test_health = NULL;
}
END_TEST

/*
 * ASN overrides (service "asn", tests/data/geo-asn.csv): with no network
 * override, the client's AS number in the service's "asns" puts its region
 * first; SCOPE is at least the ASN database's network of the client (and
 * the networks' scope of no match), whether the number is listed or not:
 * the outcome depended on the lookup.
 */
START_TEST(test_scope_asns)
{
	const char *name = "asn.example.com";
	/* AS64500 (192.0.2.0/26) -> ap-south: its /26, not the GeoIP /25 */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "192.0.2.5"), "203.0.113.10", 26);
	/* SOURCE /24 walks 192.0.2.0: AS64500's /26, longer than SOURCE */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(24, "192.0.2.0"), "203.0.113.10", 26);
	/* AS64501 (192.0.2.64/26) not listed: New York by distance, SCOPE the
	 * ASN /26 over the GeoIP /25 */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "192.0.2.70"), "192.0.2.10", 26);
	/* AS64502 (192.0.2.128/25), not listed: Toronto, /25 both */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "192.0.2.200"), "192.0.2.10", 25);
	/* AS64503 (198.51.100.0/24) -> ap-south, but the network override
	 * 198.51.100.128/27 inside it answers otherwise: SCOPE the /25 (the
	 * /26 beside it) that holds no network */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "198.51.100.10"), "203.0.113.10", 25);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "198.51.100.170"), "203.0.113.10", 27);
	/* inside the network override: it decides, the ASN is not asked */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "198.51.100.130"), "192.0.2.10", 27);
	/* IPv6: AS64505 (2001:db8::/32) -> eu-west instead of Mumbai's
	 * ap-south; the ASN /32, not the GeoIP /40 */
	expect_answer(name, LDNS_RR_TYPE_A, ECS6(48, "2001:db8:200::"), "198.51.100.10", 32);
	/* in no ASN network and no GeoIP network: fallback, the empty /2 */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(24, "8.8.8.0"), "192.0.2.40", 2);
	/* a reserved network is never located, nor its AS number asked */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(24, "10.1.2.0"), "192.0.2.40", 8);
}
END_TEST

/* The ASN walk goes through the GeoIP walk cache beside the city walk:
 * kept per /24 when the client's ASN network is that large or larger (an
 * empty /21 around 100.0.8.0), walked again for a /25 (100.0.7.0/25). */
START_TEST(test_asn_walk_cache)
{
	const struct answer_counters *c = &worker.counters;
	const char *name = "asn.example.com";
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.8.1"), "198.51.100.10", 21);
	ck_assert_uint_eq(c->geo_cache_miss, 2); /* the city walk and the ASN walk */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.8.2"), "198.51.100.10", 21);
	ck_assert_uint_eq(c->geo_cache_miss, 2);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.7.1"), "203.0.113.10", 25);
	ck_assert_uint_eq(c->geo_cache_miss, 4);
	/* the city /16 is cached for 100.0.7.0/24, the ASN /25 is not */
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.7.200"), "198.51.100.10", 25);
	ck_assert_uint_eq(c->geo_cache_miss, 5);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.7.2"), "203.0.113.10", 25);
	ck_assert_uint_eq(c->geo_cache_miss, 6);
	/* a service without asns never walks the ASN database */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(32, "100.0.7.3"), "198.51.100.10",
	              16);
	ck_assert_uint_eq(c->geo_cache_miss, 6);
}
END_TEST

/* The ASN override's region down or drained: the ranking follows, and the
 * GeoIP network decides the SCOPE too. */
START_TEST(test_asns_follow_health)
{
	struct health_region hr[4];
	for (int i = 0; i < 4; i++)
		hr[i] = (struct health_region){.up = true, .weight = 100};
	struct health_snapshot hs = {.generation = 1, .n = 4, .regions = hr};
	test_health = &hs;
	/* 198.51.100.0/26 is London (GeoIP /26) in AS64503 (/24) -> ap-south */
	struct ecs_opt london = ECS4(32, "198.51.100.5");
	expect_answer("asn.example.com", LDNS_RR_TYPE_A, london, "203.0.113.10", 25);
	hr[2].up = false; /* ap-south down: London's closest, eu-west */
	expect_answer("asn.example.com", LDNS_RR_TYPE_A, london, "198.51.100.10", 26);
	hr[2].up = true;
	hr[2].weight = 0; /* drained */
	expect_answer("asn.example.com", LDNS_RR_TYPE_A, london, "198.51.100.10", 26);
	test_health = NULL;
}
END_TEST

START_TEST(test_scope_hashed)
{
	/* max_answers decided: SCOPE at least the hashed /24 (/56) */
	struct reply r = ask("multi.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"));
	ck_assert_uint_eq(ldns_pkt_ancount(r.pkt), 2);
	expect_ecs(&r, ECS4(24, "100.0.1.0"), 24);
	done(&r);
	r = ask("multi.example.com", LDNS_RR_TYPE_A, ECS4(16, "100.0.0.0"));
	ck_assert_uint_eq(ldns_pkt_ancount(r.pkt), 2);
	expect_ecs(&r, ECS4(16, "100.0.0.0"), 24);
	done(&r);
	/* the GeoIP network already longer: it stays */
	r = ask("multi.example.com", LDNS_RR_TYPE_A, ECS4(24, "198.51.100.0"));
	ck_assert_uint_eq(ldns_pkt_ancount(r.pkt), 2);
	expect_ecs(&r, ECS4(24, "198.51.100.0"), 26);
	done(&r);
	/* one endpoint in the region (ap-south): nothing hashed */
	expect_answer("multi.example.com", LDNS_RR_TYPE_A, ECS4(24, "203.0.113.0"),
		      "203.0.113.11", 25);
	/* IPv6: /56 */
	r = ask("multi.example.com", LDNS_RR_TYPE_AAAA, ECS6(40, "2001:db8:100::"));
	ck_assert_uint_eq(ldns_pkt_ancount(r.pkt), 2);
	expect_ecs(&r, ECS6(40, "2001:db8:100::"), 56);
	done(&r);
	/* a weight split decided (eu-west 50): /24 */
	r = ask("split.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"));
	ck_assert_uint_eq(ldns_pkt_ancount(r.pkt), 1);
	expect_ecs(&r, ECS4(24, "100.0.1.0"), 24);
	done(&r);
	r = ask("split.example.com", LDNS_RR_TYPE_A, ECS4(8, "100.0.0.0"));
	expect_ecs(&r, ECS4(8, "100.0.0.0"), 24);
	done(&r);
	/* the split region is second for a US client: no split decided */
	expect_answer("split.example.com", LDNS_RR_TYPE_A, ECS4(24, "192.0.2.0"), "192.0.2.10",
		      25);
	/* the same client network, the same answer */
	struct reply a = ask("multi.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.7.0"));
	for (int i = 0; i < 5; i++) {
		struct reply b = ask("multi.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.7.0"));
		ck_assert_str_eq(a.answer, b.answer);
		done(&b);
	}
	done(&a);
	/* the split spreads /24s of one GeoIP network over both regions */
	unsigned eu = 0;
	for (unsigned i = 0; i < 200; i++) {
		char addr[32];
		snprintf(addr, sizeof(addr), "100.0.%u.0", i);
		r = ask("split.example.com", LDNS_RR_TYPE_A, ECS4(24, addr));
		ck_assert(strcmp(r.answer, "198.51.100.10") == 0 ||
			  strcmp(r.answer, "192.0.2.10") == 0); /* eu-west, else us-east */
		eu += strcmp(r.answer, "198.51.100.10") == 0;
		expect_ecs(&r, ECS4(24, addr), 24);
		done(&r);
	}
	ck_assert_uint_gt(eu, 60);
	ck_assert_uint_lt(eu, 140);
}
END_TEST

START_TEST(test_scope_static_and_errors)
{
	/* answers that do not depend on the client: SCOPE 0, echoed as sent */
	struct ecs_opt e = ECS4(24, "198.51.100.0");
	struct reply r = ask("static.example.com", LDNS_RR_TYPE_A, e);
	ck_assert_str_eq(r.answer, "192.0.2.80");
	expect_ecs(&r, e, 0);
	done(&r);
	r = ask("nothere.example.com", LDNS_RR_TYPE_A, e);
	ck_assert_int_eq(ldns_pkt_get_rcode(r.pkt), LDNS_RCODE_NXDOMAIN);
	expect_ecs(&r, e, 0);
	done(&r);
	r = ask("www.example.org", LDNS_RR_TYPE_A, e);
	ck_assert_int_eq(ldns_pkt_get_rcode(r.pkt), LDNS_RCODE_REFUSED);
	expect_ecs(&r, e, 0);
	done(&r);
	/* another type at a service name comes from the zone: NODATA */
	r = ask("www.example.com", LDNS_RR_TYPE_TXT, e);
	ck_assert_int_eq(ldns_pkt_get_rcode(r.pkt), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(r.pkt), 0);
	expect_ecs(&r, e, 0);
	done(&r);
	r = ask("static.example.com", LDNS_RR_TYPE_A, ECS6(56, "2001:db8::"));
	expect_ecs(&r, ECS6(56, "2001:db8::"), 0);
	done(&r);
	/* a referral */
	r = ask("www.sub.example.com", LDNS_RR_TYPE_A, e);
	ck_assert(!ldns_pkt_aa(r.pkt));
	ck_assert_uint_eq(ldns_pkt_nscount(r.pkt), 1);
	expect_ecs(&r, e, 0);
	done(&r);
	ck_assert_uint_eq(worker.counters.geo_answers, 0);
	/* a static CNAME leading to a service: the answer depends on the
	 * client again */
	r = ask("alias.example.com", LDNS_RR_TYPE_A, e);
	ck_assert_str_eq(r.answer, "www.example.com. 198.51.100.10");
	expect_ecs(&r, e, 26);
	done(&r);
}
END_TEST

START_TEST(test_scope_source_zero)
{
	/* SOURCE 0: the source address decides, SCOPE 0 */
	struct sockaddr_in sin = {.sin_family = AF_INET};
	inet_pton(AF_INET, "198.51.100.7", &sin.sin_addr);
	struct ecs_opt e = ECS4(0, "0.0.0.0");
	struct reply r = ask_from("www.example.com", LDNS_RR_TYPE_A, e, (struct sockaddr *)&sin);
	ck_assert_str_eq(r.answer, "198.51.100.10");
	expect_ecs(&r, e, 0);
	done(&r);
	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	r = ask_from("www.example.com", LDNS_RR_TYPE_A, e, (struct sockaddr *)&sin);
	ck_assert_str_eq(r.answer, "192.0.2.10");
	expect_ecs(&r, e, 0);
	done(&r);
	/* even when max_answers decides */
	r = ask_from("multi.example.com", LDNS_RR_TYPE_A, e, (struct sockaddr *)&sin);
	ck_assert_uint_eq(ldns_pkt_ancount(r.pkt), 2);
	expect_ecs(&r, e, 0);
	done(&r);
	/* IPv6 family, source 0, from an IPv6 client */
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, "2001:db8:200::5", &sin6.sin6_addr);
	r = ask_from("www.example.com", LDNS_RR_TYPE_A, ECS6(0, "::"), (struct sockaddr *)&sin6);
	ck_assert_str_eq(r.answer, "203.0.113.10");
	expect_ecs(&r, ECS6(0, "::"), 0);
	done(&r);
	ck_assert_uint_eq(worker.counters.ecs_used, 0);
	ck_assert_uint_eq(worker.counters.ecs_ignored, 4);
}
END_TEST

START_TEST(test_scope_private_ecs)
{
	/* private and reserved addresses are not located: the fallback,
	 * SCOPE = the reserved range */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "10.1.2.0"), "192.0.2.40", 8);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "192.168.1.0"), "192.0.2.40",
		      16);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.64.1.0"), "192.0.2.40",
		      10);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS6(48, "fd00:1:2::"), "192.0.2.40",
		      7);
	/* hashed: raised to /24 */
	struct reply r = ask("multi.example.com", LDNS_RR_TYPE_A, ECS4(24, "10.1.2.0"));
	ck_assert_uint_eq(ldns_pkt_ancount(r.pkt), 2);
	ck_assert(strstr(r.answer, "192.0.2.4") == r.answer); /* sa-east endpoints */
	expect_ecs(&r, ECS4(24, "10.1.2.0"), 24);
	done(&r);
}
END_TEST

START_TEST(test_scope_untrusted_sender)
{
	settings.ecs_trust_all = false;
	trusted[0] = (struct netprefix){.family = ADDR_IPV4, .addr = {192, 0, 2, 0}, .bits = 24};
	settings.ecs_trusted = trusted;
	settings.necs_trusted = 1;
	struct sockaddr_in sin = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	struct ecs_opt e = ECS4(24, "198.51.100.0");
	/* not trusted: ECS not used (the loopback source: fallback), SCOPE 0,
	 * the option still echoed */
	struct reply r = ask_from("www.example.com", LDNS_RR_TYPE_A, e, (struct sockaddr *)&sin);
	ck_assert_str_eq(r.answer, "192.0.2.40");
	expect_ecs(&r, e, 0);
	done(&r);
	ck_assert_uint_eq(worker.counters.ecs_ignored, 1);
	ck_assert_uint_eq(worker.counters.ecs_used, 0);
	/* a trusted sender: used */
	inet_pton(AF_INET, "192.0.2.53", &sin.sin_addr);
	r = ask_from("www.example.com", LDNS_RR_TYPE_A, e, (struct sockaddr *)&sin);
	ck_assert_str_eq(r.answer, "198.51.100.10");
	expect_ecs(&r, e, 26);
	done(&r);
	ck_assert_uint_eq(worker.counters.ecs_used, 1);
	/* no source address known: not trusted */
	r = ask_from("www.example.com", LDNS_RR_TYPE_A, e, NULL);
	ck_assert_str_eq(r.answer, "192.0.2.40");
	expect_ecs(&r, e, 0);
	done(&r);
}
END_TEST

START_TEST(test_scope_no_ecs)
{
	/* no ECS in the query: none in the response; the source decides */
	struct sockaddr_in sin = {.sin_family = AF_INET};
	inet_pton(AF_INET, "198.51.100.7", &sin.sin_addr);
	struct reply r = ask_from("www.example.com", LDNS_RR_TYPE_A, NO_ECS,
				  (struct sockaddr *)&sin);
	ck_assert_str_eq(r.answer, "198.51.100.10");
	ck_assert(!r.has_ecs);
	done(&r);
	/* ECS disabled: not used, not echoed */
	settings.ecs_enabled = false;
	r = ask_from("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "203.0.113.0"),
		     (struct sockaddr *)&sin);
	ck_assert_str_eq(r.answer, "198.51.100.10");
	ck_assert(!r.has_ecs);
	done(&r);
	/* an IPv4-mapped IPv6 source is an IPv4 client */
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, "::ffff:203.0.113.9", &sin6.sin6_addr);
	r = ask_from("www.example.com", LDNS_RR_TYPE_A, NO_ECS, (struct sockaddr *)&sin6);
	ck_assert_str_eq(r.answer, "203.0.113.10");
	done(&r);
	ck_assert_uint_eq(worker.counters.ecs_used, 0);
}
END_TEST

/* The answer section as "owner ttl type rdata" lines. */
static const char *answer_lines(const ldns_pkt *p)
{
	static char buf[1024];
	buf[0] = '\0';
	const ldns_rr_list *an = ldns_pkt_answer(p);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		char *o = ldns_rdf2str(ldns_rr_owner(rr));
		char *t = ldns_rr_type2str(ldns_rr_get_type(rr));
		char *d = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s %u %s %s\n", o,
			 ldns_rr_ttl(rr), t, d);
		free(o);
		free(t);
		free(d);
	}
	return buf;
}

START_TEST(test_service_answers)
{
	/* the default TTL 30 */
	struct reply r = ask("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "192.0.2.0"));
	ck_assert_str_eq(answer_lines(r.pkt), "www.example.com. 30 A 192.0.2.10\n");
	done(&r);
	/* a cname region: the CNAME (service TTL), followed inside the zone */
	r = ask("cn.example.com", LDNS_RR_TYPE_A, ECS4(24, "198.51.100.0"));
	ck_assert_int_eq(ldns_pkt_get_rcode(r.pkt), LDNS_RCODE_NOERROR);
	ck_assert_str_eq(answer_lines(r.pkt), "cn.example.com. 45 CNAME static.example.com.\n"
					      "static.example.com. 3600 A 192.0.2.80\n");
	expect_ecs(&r, ECS4(24, "198.51.100.0"), 26);
	done(&r);
	/* out of our zones: the CNAME only */
	r = ask("cn.example.com", LDNS_RR_TYPE_AAAA, ECS4(24, "203.0.113.0"));
	ck_assert_int_eq(ldns_pkt_get_rcode(r.pkt), LDNS_RCODE_NOERROR);
	ck_assert_str_eq(answer_lines(r.pkt), "cn.example.com. 45 CNAME lb.example.net.\n");
	expect_ecs(&r, ECS4(24, "203.0.113.0"), 25);
	done(&r);
	r = ask("cn.example.com", LDNS_RR_TYPE_A, ECS4(24, "192.0.2.0"));
	ck_assert_str_eq(answer_lines(r.pkt), "cn.example.com. 45 A 192.0.2.10\n");
	done(&r);
	/* a wildcard service answers the names it covers, with their owner */
	r = ask("a.wild.example.com", LDNS_RR_TYPE_A, ECS4(24, "198.51.100.0"));
	ck_assert_str_eq(answer_lines(r.pkt), "a.wild.example.com. 30 A 198.51.100.10\n");
	expect_ecs(&r, ECS4(24, "198.51.100.0"), 26);
	done(&r);
	r = ask("b.wild.example.com", LDNS_RR_TYPE_A, ECS6(48, "2001:db8::"));
	ck_assert_str_eq(answer_lines(r.pkt), "b.wild.example.com. 30 A 192.0.2.10\n");
	done(&r);
}
END_TEST

/* The GeoIP walk cache: per IPv4 /24 and IPv6 /56, and only for GeoIP
 * networks at least that large, so a finer network is never answered from
 * a neighbour's entry. */
START_TEST(test_geo_cache)
{
	/* Singapore is a /25: walked every time */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "203.0.113.0"), "203.0.113.10",
		      25);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "203.0.113.0"), "203.0.113.10",
		      25);
	ck_assert_uint_eq(worker.counters.geo_cache_miss, 2);
	/* San Francisco, 2001:db8::/48: cached per /56 */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS6(48, "2001:db8::"), "192.0.2.10", 48);
	ck_assert_uint_eq(worker.counters.geo_cache_miss, 3);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS6(64, "2001:db8:0:1::"), "192.0.2.10",
		      48);
	ck_assert_uint_eq(worker.counters.geo_cache_miss, 3);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS6(56, "2001:db8:0:ff00::"),
		      "192.0.2.10", 48);
	ck_assert_uint_eq(worker.counters.geo_cache_miss, 4);
	/* not in the database: cached, the same answer for the whole /24 */
	struct reply a = ask("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "8.8.8.0"));
	ck_assert_str_eq(a.answer, "192.0.2.40");
	done(&a);
	ck_assert_uint_eq(worker.counters.geo_cache_miss, 5);
	a = ask("www.example.com", LDNS_RR_TYPE_A, ECS4(32, "8.8.8.8"));
	ck_assert_str_eq(a.answer, "192.0.2.40");
	done(&a);
	ck_assert_uint_eq(worker.counters.geo_cache_miss, 5);
	/* London (198.51.100.0/26) inside Dublin's /24: the /26 is not cached,
	 * so the rest of the /24 still gets Dublin's network (/25 here) */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(32, "198.51.100.1"), "198.51.100.10",
		      26);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(32, "198.51.100.200"),
		      "198.51.100.10", 25);
	ck_assert_uint_eq(worker.counters.geo_cache_miss, 7);
	/* a new generation (reload, perhaps a new database): walked again */
	settings.generation = 9;
	a = ask("www.example.com", LDNS_RR_TYPE_A, ECS4(32, "8.8.8.8"));
	ck_assert_str_eq(a.answer, "192.0.2.40");
	done(&a);
	ck_assert_uint_eq(worker.counters.geo_cache_miss, 8);
	settings.generation = 1;
}
END_TEST

/* The closest region alone (a partial ranking, cached) answers while it is
 * up at full weight; when it is down or has no share the whole order is
 * used, and it answers again once it is back: the cache entry never hides
 * a health change. */
START_TEST(test_partial_rank_follows_health)
{
	struct health_region hr[4];
	for (int i = 0; i < 4; i++)
		hr[i] = (struct health_region){.up = true, .weight = 100};
	struct health_snapshot hs = {.generation = 1, .n = 4, .regions = hr};
	test_health = &hs;
	struct ecs_opt ny = ECS4(24, "192.0.2.0");
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ny, "192.0.2.10", 25);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 1);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ny, "192.0.2.10", 25);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 1); /* the partial entry */
	hr[0].up = false; /* us-east down: Dublin is next from New York */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ny, "198.51.100.10", 25);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 2); /* ranked fully */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ny, "198.51.100.10", 25);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 2);
	hr[0].up = true;
	hr[0].weight = 0; /* up, no share */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ny, "198.51.100.10", 25);
	hr[0].weight = 100;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ny, "192.0.2.10", 25);
	/* a fresh entry after a reload is partial again */
	settings.generation = 5;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ny, "192.0.2.10", 25);
	hr[0].up = false;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ny, "198.51.100.10", 25);
	hr[1].up = false; /* and eu-west too: sa-east, then ap-south */
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ny, "192.0.2.40", 25);
	settings.generation = 1;
	test_health = NULL;
}
END_TEST

/*
 * The answer cache replays a geo response for the same question from the
 * same client network, with the ECS option written afresh; never across a
 * network finer than its key, a health or snapshot generation, or a split
 * hashed on more bits than the key. Static responses are for any client,
 * with the question's own case. Each test starts from a fresh worker (an
 * empty cache, counters at 0), so each check stands alone.
 */

/* France is 100.0.0.0/16 in the test database: one result per /24, with
 * the option of this query */
START_TEST(test_answer_cache_same_network)
{
	const struct answer_counters *c = &worker.counters;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	ck_assert_uint_eq(c->answer_cache_hit, 1);
	ck_assert_uint_eq(c->geo_answers, 2);
	ck_assert_uint_eq(c->ecs_used, 2);
}
END_TEST

/* Two clients of one /24 on both sides of 100.0.9.128/25: never one's
 * answer for the other, in either order, with ECS or from the source
 * address; a client whose networks' outcome holds for its /24 is kept */
static void expect_from(const char *addr, const char *answer)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	ck_assert_int_eq(inet_pton(AF_INET, addr, &sin.sin_addr), 1);
	struct reply r = ask_from("net.example.com", LDNS_RR_TYPE_A, NO_ECS,
	                          (const struct sockaddr *)&sin);
	ck_assert_msg(strcmp(r.answer, answer) == 0, "from %s: %s, expected %s", addr, r.answer,
	              answer);
	done(&r);
}

START_TEST(test_answer_cache_network_split)
{
	const struct answer_counters *c = &worker.counters;
	const char *name = "net.example.com";
	for (int i = 0; i < 2; i++) {
		expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.9.1"), "203.0.113.10", 25);
		expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.9.200"), "192.0.2.10", 25);
	}
	for (int i = 0; i < 2; i++) {
		expect_from("100.0.9.1", "203.0.113.10");
		expect_from("100.0.9.200", "192.0.2.10");
	}
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.200.1"), "203.0.113.10", 17);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.200.2"), "203.0.113.10", 17);
	ck_assert_uint_eq(c->answer_cache_hit, 1);
}
END_TEST

/* Two clients of one /24 (France, GeoIP /16) in two ASN networks /25:
 * AS64506 -> ap-south, AS64507 not listed -> eu-west. Never one's answer
 * for the other, in either order; a /24 inside one ASN network (an empty
 * /21 of the ASN database) is kept. */
START_TEST(test_answer_cache_asn_split)
{
	const struct answer_counters *c = &worker.counters;
	const char *name = "asn.example.com";
	for (int i = 0; i < 2; i++) {
		expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.7.1"), "203.0.113.10", 25);
		expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.7.200"), "198.51.100.10", 25);
	}
	for (int i = 0; i < 2; i++) {
		expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.7.130"), "198.51.100.10", 25);
		expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.7.127"), "203.0.113.10", 25);
	}
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.8.1"), "198.51.100.10", 21);
	expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.8.2"), "198.51.100.10", 21);
	ck_assert_uint_eq(c->answer_cache_hit, 1);
}
END_TEST

START_TEST(test_answer_cache_network_split_reversed)
{
	const struct answer_counters *c = &worker.counters;
	const char *name = "net.example.com";
	for (int i = 0; i < 2; i++) {
		expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.9.200"), "192.0.2.10", 25);
		expect_answer(name, LDNS_RR_TYPE_A, ECS4(32, "100.0.9.1"), "203.0.113.10", 25);
	}
	for (int i = 0; i < 2; i++) {
		expect_from("100.0.9.200", "192.0.2.10");
		expect_from("100.0.9.1", "203.0.113.10");
	}
	ck_assert_uint_eq(c->answer_cache_hit, 0);
}
END_TEST

/* another SOURCE is another entry; the option echoes this query's */
START_TEST(test_answer_cache_other_source)
{
	const struct answer_counters *c = &worker.counters;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(32, "100.0.1.7"), "198.51.100.10",
	              16);
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(32, "100.0.1.9"), "198.51.100.10",
	              16);
	ck_assert_uint_eq(c->answer_cache_hit, 1);
}
END_TEST

/* another type, another entry: NODATA for AAAA (eu-west has none) */
START_TEST(test_answer_cache_other_type)
{
	const struct answer_counters *c = &worker.counters;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	struct reply a = ask("www.example.com", LDNS_RR_TYPE_AAAA, ECS4(24, "100.0.1.0"));
	ck_assert_uint_eq(ldns_pkt_ancount(a.pkt), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(a.pkt), 1);
	done(&a);
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	a = ask("www.example.com", LDNS_RR_TYPE_AAAA, ECS4(24, "100.0.1.0"));
	ck_assert_uint_eq(ldns_pkt_ancount(a.pkt), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(a.pkt), 1);
	expect_ecs(&a, ECS4(24, "100.0.1.0"), 16);
	done(&a);
	ck_assert_uint_eq(c->answer_cache_hit, 1);
	ck_assert_uint_eq(c->geo_answers, 3);
}
END_TEST

/* Singapore is a /25: never kept for its /24 */
START_TEST(test_answer_cache_finer_network)
{
	const struct answer_counters *c = &worker.counters;
	for (int i = 0; i < 2; i++)
		expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "203.0.113.0"),
		              "203.0.113.10", 25);
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	ck_assert_uint_eq(c->geo_answers, 2);
}
END_TEST

/* health: an entry made without a snapshot, or under one generation, is
 * never answered under another */
START_TEST(test_answer_cache_health_generation)
{
	const struct answer_counters *c = &worker.counters;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	struct health_region hr[4];
	for (int i = 0; i < 4; i++)
		hr[i] = (struct health_region){.up = true, .weight = 100};
	struct health_snapshot hs = {.generation = 1, .n = 4, .regions = hr};
	test_health = &hs;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	ck_assert_uint_eq(c->answer_cache_hit, 1);
	hr[1].up = false; /* eu-west down: us-east is next from France */
	hs.generation = 2;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "192.0.2.10", 16);
	ck_assert_uint_eq(c->answer_cache_hit, 1);
	test_health = NULL;
}
END_TEST

/* a reload: a new snapshot generation, whose entries are its own */
START_TEST(test_answer_cache_reload_generation)
{
	const struct answer_counters *c = &worker.counters;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	settings.generation = 7;
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	ck_assert_uint_eq(c->answer_cache_hit, 1);
}
END_TEST

/* a split hashed on /32 cannot be kept for a /24; hashed on /24 it is */
START_TEST(test_answer_cache_hashed_split)
{
	const struct answer_counters *c = &worker.counters;
	struct reply a;
	settings.hash_ipv4_prefix = 32;
	for (int i = 0; i < 2; i++) {
		a = ask("split.example.com", LDNS_RR_TYPE_A, ECS4(32, "100.0.1.7"));
		ck_assert_uint_eq(ldns_pkt_ancount(a.pkt), 1);
		done(&a);
	}
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	settings.hash_ipv4_prefix = 24;
	for (int i = 0; i < 2; i++) {
		a = ask("split.example.com", LDNS_RR_TYPE_A, ECS4(32, "100.0.1.7"));
		done(&a);
	}
	ck_assert_uint_eq(c->answer_cache_hit, 1);
}
END_TEST

/* static: one entry for every client, the question as asked */
START_TEST(test_answer_cache_static_any_client)
{
	const struct answer_counters *c = &worker.counters;
	expect_answer("static.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "192.0.2.80", 0);
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	uint64_t geo = c->geo_answers;
	expect_answer("STATIC.Example.com", LDNS_RR_TYPE_A, ECS4(24, "203.0.113.0"), "192.0.2.80",
	              0);
	ck_assert_uint_eq(c->answer_cache_hit, 1);
	ck_assert_uint_eq(c->geo_answers, geo);
	struct reply a = ask("sTaTiC.example.COM", LDNS_RR_TYPE_A, NO_ECS);
	ck_assert_uint_eq(c->answer_cache_hit, 2);
	char *qn = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(a.pkt), 0)));
	ck_assert_str_eq(qn, "sTaTiC.example.COM.");
	free(qn);
	ck_assert_str_eq(a.answer, "192.0.2.80");
	done(&a);
}
END_TEST

/* NXDOMAIN is not kept (random names would only churn the cache) */
START_TEST(test_answer_cache_no_nxdomain)
{
	const struct answer_counters *c = &worker.counters;
	for (int i = 0; i < 2; i++) {
		struct reply a = ask("nowhere.example.com", LDNS_RR_TYPE_A, NO_ECS);
		ck_assert_int_eq(ldns_pkt_get_rcode(a.pkt), LDNS_RCODE_NXDOMAIN);
		done(&a);
	}
	ck_assert_uint_eq(c->answer_cache_hit, 0);
}
END_TEST

/* server.answer_cache false: nothing replayed, not even what was kept */
START_TEST(test_answer_cache_off)
{
	const struct answer_counters *c = &worker.counters;
	struct reply a = ask("static.example.com", LDNS_RR_TYPE_A, NO_ECS);
	done(&a);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	settings.answer_cache_off = true;
	a = ask("static.example.com", LDNS_RR_TYPE_A, NO_ECS);
	ck_assert_str_eq(a.answer, "192.0.2.80");
	done(&a);
	expect_answer("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "100.0.1.0"), "198.51.100.10",
	              16);
	ck_assert_uint_eq(c->answer_cache_hit, 0);
	settings.answer_cache_off = false;
}
END_TEST

/* What the answer cache replays is, octet for octet, what would have been
 * computed: every name and type of the test zone, asked twice by clients
 * from every kind of network, against a worker without the cache. */
START_TEST(test_answer_cache_same_bytes)
{
	static const char *names[] = {"www.example.com",   "WwW.example.com",
				      "multi.example.com", "split.example.com",
				      "cn.example.com",    "alias.example.com",
				      "static.example.com", "x.sub.example.com",
				      "a.wild.example.com", "example.com",
				      "ns1.example.com",   "nowhere.example.com"};
	static const uint16_t types[] = {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_CNAME,
					 LDNS_RR_TYPE_NS, LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_MX};
	const struct ecs_opt clients[] = {
		NO_ECS,
		ECS4(24, "100.0.1.0"),
		ECS4(32, "100.0.1.7"),
		ECS4(24, "8.8.8.0"),
		ECS4(24, "203.0.113.0"),
		ECS4(24, "198.51.100.0"),
		ECS4(16, "10.1.0.0"),
		ECS6(48, "2001:db8::"),
		ECS6(56, "2001:db8:100:1::"),
		ECS6(128, "0:0:0:0:0:1::"), /* in ::/56, beside ::1/128 */
		ECS6(128, "::1"),
		ECS6(128, "::2"),
		ECS6(0, "::"),
	};
	struct answer_worker plain;
	answer_worker_init(&plain);
	free(plain.rcache);
	plain.rcache = NULL;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	static uint8_t out1[ANSWER_BUF_SIZE], out2[ANSWER_BUF_SIZE];
	uint8_t q[512];
	/* rounds 2 and 3 with an IPv6 database holding only 2001:db8::/32:
	 * there ::/56 is one network but ::1/128 within it is reserved */
	struct diag d = {0};
	char *f6[1] = {"tests/tmp/geo/flat6.mmdb"};
	struct geo_db *g6 = geo_open(f6, 1, NULL, &d);
	ck_assert_ptr_nonnull(g6);
	diag_free(&d);
	const struct geo_db *g4 = settings.geo;
	for (int round = 0; round < 4; round++) {
		if (round == 2) {
			settings.geo = g6;
			settings.generation = 2;
		}
		for (size_t n = 0; n < ARRAY_SIZE(names); n++)
			for (size_t t = 0; t < ARRAY_SIZE(types); t++)
				for (size_t k = 0; k < ARRAY_SIZE(clients); k++) {
					size_t ql = mkquery(q, names[n], types[t], clients[k]);
					struct answer_request req = {
						.pkt = q, .len = ql,
						.client = (const struct sockaddr *)&sin};
					size_t l1 = answer_query(sdb, &settings, &req, out1,
								 sizeof(out1), &worker);
					size_t l2 = answer_query(sdb, &settings, &req, out2,
								 sizeof(out2), &plain);
					ck_assert_msg(l1 == l2 && memcmp(out1, out2, l1) == 0,
						      "%s type %u client %zu round %d: %zu vs %zu "
						      "octets",
						      names[n], types[t], k, round, l1, l2);
				}
	}
	settings.geo = g4;
	settings.generation = 1;
	geo_close(g6);
	ck_assert_uint_gt(worker.counters.answer_cache_hit, 100);
	ck_assert_uint_eq(plain.counters.answer_cache_hit, 0);
	/* and they were counted alike */
	ck_assert_uint_eq(worker.counters.geo_answers, plain.counters.geo_answers);
	ck_assert_uint_eq(worker.counters.ecs_used, plain.counters.ecs_used);
	ck_assert_uint_eq(worker.counters.ecs_ignored, plain.counters.ecs_ignored);
	answer_worker_free(&plain);
}
END_TEST

START_TEST(test_rank_cache)
{
	struct ecs_opt e = ECS4(24, "198.51.100.0");
	struct reply r = ask("www.example.com", LDNS_RR_TYPE_A, e);
	done(&r);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 1);
	/* the same query: from the cache */
	r = ask("www.example.com", LDNS_RR_TYPE_A, e);
	ck_assert_str_eq(r.answer, "198.51.100.10");
	done(&r);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 1);
	/* another address of the same GeoIP record: cached too */
	r = ask("www.example.com", LDNS_RR_TYPE_A, ECS4(27, "198.51.100.32"));
	ck_assert_str_eq(r.answer, "198.51.100.10");
	done(&r);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 1);
	/* another record, another service: misses */
	r = ask("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "192.0.2.0"));
	done(&r);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 2);
	r = ask("multi.example.com", LDNS_RR_TYPE_A, e);
	done(&r);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 3);
	/* unknown locations share one entry per service */
	r = ask("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "8.8.8.0"));
	ck_assert_str_eq(r.answer, "192.0.2.40");
	done(&r);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 4);
	r = ask("www.example.com", LDNS_RR_TYPE_A, ECS4(24, "10.0.0.0"));
	ck_assert_str_eq(r.answer, "192.0.2.40");
	done(&r);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 4);
	/* a new generation (reload): ranked again, then cached */
	settings.generation = 2;
	r = ask("www.example.com", LDNS_RR_TYPE_A, e);
	ck_assert_str_eq(r.answer, "198.51.100.10");
	done(&r);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 5);
	r = ask("www.example.com", LDNS_RR_TYPE_A, e);
	done(&r);
	ck_assert_uint_eq(worker.counters.rank_cache_miss, 5);
}
END_TEST

Suite *geoanswer_suite(void)
{
	Suite *s = suite_create("geoanswer");
	TCase *tc = tcase_create("scope");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, scope_setup, scope_teardown);
	tcase_add_test(tc, test_scope_geo_prefix);
	tcase_add_test(tc, test_scope_hashed);
	tcase_add_test(tc, test_scope_networks);
	tcase_add_test(tc, test_networks_follow_health);
	tcase_add_test(tc, test_scope_asns);
	tcase_add_test(tc, test_asns_follow_health);
	tcase_add_test(tc, test_asn_walk_cache);
	tcase_add_test(tc, test_scope_static_and_errors);
	tcase_add_test(tc, test_scope_source_zero);
	tcase_add_test(tc, test_scope_private_ecs);
	tcase_add_test(tc, test_scope_untrusted_sender);
	tcase_add_test(tc, test_scope_no_ecs);
	tcase_add_test(tc, test_service_answers);
	tcase_add_test(tc, test_rank_cache);
	tcase_add_test(tc, test_geo_cache);
	tcase_add_test(tc, test_partial_rank_follows_health);
	suite_add_tcase(s, tc);

	/* each on a fresh worker (the fixture), none building on another */
	tc = tcase_create("answer_cache");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, scope_setup, scope_teardown);
	tcase_add_test(tc, test_answer_cache_same_network);
	tcase_add_test(tc, test_answer_cache_other_source);
	tcase_add_test(tc, test_answer_cache_network_split);
	tcase_add_test(tc, test_answer_cache_network_split_reversed);
	tcase_add_test(tc, test_answer_cache_asn_split);
	tcase_add_test(tc, test_answer_cache_other_type);
	tcase_add_test(tc, test_answer_cache_finer_network);
	tcase_add_test(tc, test_answer_cache_health_generation);
	tcase_add_test(tc, test_answer_cache_reload_generation);
	tcase_add_test(tc, test_answer_cache_hashed_split);
	tcase_add_test(tc, test_answer_cache_static_any_client);
	tcase_add_test(tc, test_answer_cache_no_nxdomain);
	tcase_add_test(tc, test_answer_cache_off);
	tcase_add_test(tc, test_answer_cache_same_bytes);
	suite_add_tcase(s, tc);
	return s;
}
