/*
 * test_service_records.c - services written in the zone as TYPE65281
 * records (zone/service_records.c, geo/service.c's service_set_add_json):
 * a zone with them answers every question octet for octet as the same zone
 * with the same JSON in a services file; a query for the type is NODATA;
 * ANY leaves the record out; the AXFR stream carries it; every error names
 * the zone file and the record's line with the services file's messages;
 * the regions are part of the zone's digest (zone_reuse).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/dns.h"
#include "dns/wire.h"
#include "geo/geo.h"
#include "geo/service.h"
#include "query/answer.h"
#include "xfr/axfr.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The configuration's regions: unit_regions (unit.h). */
static const struct region_table *const rt = &unit_regions;

/* The zone without its services; a record appended is line 8, 9, ... */
static const char *base_zone = "$ORIGIN example.com.\n"                           /* 1 */
                               "$TTL 3600\n"                                      /* 2 */
                               "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n" /* 3 */
                               "@ IN NS ns1\n"                                    /* 4 */
                               "ns1 IN A 192.0.2.1\n"                             /* 5 */
                               "static IN A 192.0.2.80\n"                         /* 6 */
                               "www IN TXT \"beside a service\"\n";               /* 7 */

/* Services, each as a services file has it for its name. */
static const struct {
	const char *name, *json;
} svcs[] = {
    {"www", "{\"ttl\": 30, \"fallback\": \"sa-east\", \"regions\": {"
            "\"us-east\": {\"A\": [\"192.0.2.10\"], \"AAAA\": [\"2001:db8:1::10\"]},"
            "\"eu-west\": {\"A\": [\"198.51.100.10\"]},"
            "\"ap-south\": {\"A\": [\"203.0.113.10\"]},"
            "\"sa-east\": {\"A\": [\"192.0.2.40\"]}}}"},
    {"multi", "{\"fallback\": \"sa-east\", \"max_answers\": 2, \"regions\": {"
              "\"us-east\": {\"A\": [\"192.0.2.11\", \"192.0.2.12\", \"192.0.2.13\"]},"
              "\"eu-west\": {\"A\": [\"198.51.100.11\", \"198.51.100.12\", "
              "\"198.51.100.13\"]},"
              "\"sa-east\": {\"A\": [\"192.0.2.41\"]}}}"},
    {"split", "{\"regions\": {\"eu-west\": {\"A\": [\"198.51.100.20\"], \"weight\": 50},"
              "\"us-east\": {\"A\": [\"192.0.2.20\"]}}, \"countries\": {\"SG\": "
              "\"eu-west\"}}"},
    {"cn", "{\"ttl\": 45, \"regions\": {\"us-east\": {\"A\": [\"192.0.2.30\"]},"
           "\"eu-west\": {\"cname\": \"static\"},"
           "\"ap-south\": {\"cname\": \"lb.example.net.\"}}}"},
    {"net", "{\"regions\": {\"us-east\": {\"A\": [\"192.0.2.60\"]},"
            "\"eu-west\": {\"A\": [\"198.51.100.60\"]}},"
            "\"networks\": {\"198.51.100.128/25\": \"us-east\", \"2001:db8::/32\": \"eu-west\"}}"},
    {"asn", "{\"regions\": {\"us-east\": {\"A\": [\"192.0.2.70\"]},"
            "\"eu-west\": {\"A\": [\"198.51.100.70\"]}},"
            "\"asns\": {\"AS64503\": \"us-east\"}}"},
    {"*.wild", "{\"regions\": {\"us-east\": {\"A\": [\"192.0.2.50\"]},"
               "\"eu-west\": {\"A\": [\"198.51.100.50\"]}}}"},
};

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

/* text + more, reallocated */
static char *append(char *text, const char *more)
{
	size_t a = text ? strlen(text) : 0, b = strlen(more);
	text = realloc(text, a + b + 1);
	memcpy(text + a, more, b + 1);
	return text;
}

/* One TYPE65281 record in RFC 3597 form for the len octets at data. */
static char *append_record(char *text, const char *owner, const char *data, size_t len)
{
	char *line = malloc(strlen(owner) + 2 * len + 64);
	int n = sprintf(line, "%s 600 IN TYPE65281 \\# %zu ", owner, len);
	for (size_t i = 0; i < len; i++)
		n += sprintf(line + n, "%02x", (unsigned char)data[i]);
	strcpy(line + n, "\n");
	text = append(text, line);
	free(line);
	return text;
}

/* The services of svcs[] as a services file, and as the base zone with one
 * record each. */
static const char *services_file(void)
{
	char *t = append(NULL, "{\n");
	for (size_t i = 0; i < ARRAY_SIZE(svcs); i++) {
		char head[64];
		snprintf(head, sizeof(head), "%s\"%s\": ", i ? ",\n" : "", svcs[i].name);
		t = append(append(t, head), svcs[i].json);
	}
	t = append(t, "\n}\n");
	const char *p = unit_write_file("svcrec.json", t);
	free(t);
	return p;
}

static const char *records_zone(void)
{
	char *t = append(NULL, base_zone);
	for (size_t i = 0; i < ARRAY_SIZE(svcs); i++)
		t = append_record(t, svcs[i].name, svcs[i].json, strlen(svcs[i].json));
	const char *p = unit_write_file("svcrec-records.zone", t);
	free(t);
	return p;
}

static struct zonedb *db_of(struct zone *z)
{
	struct diag d = {0};
	struct zone **zs = calloc(1, sizeof(*zs));
	zs[0] = z;
	struct zonedb *db = zonedb_build(zs, 1, &d);
	ck_assert_ptr_nonnull(db);
	diag_free(&d);
	return db;
}

static struct zone *load_ok(const char *zone_path, const char *services)
{
	struct diag d = {0};
	struct zone_config zc = {"example.com", zone_path, services, rt};
	struct zone *z = zone_load(&zc, &d);
	if (!z || d.count)
		dump(&d);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
	return z;
}

/* ---- answers ---- */

/* Both forms of the same zone, a worker each (their answer caches apart). */
static struct zonedb *file_db, *rec_db;
static struct geo_db *geo;
static struct answer_settings settings;
static struct answer_worker file_worker, rec_worker;

static void answers_setup(void)
{
	const char *zp = unit_write_file("svcrec-file.zone", base_zone);
	file_db = db_of(load_ok(zp, services_file()));
	rec_db = db_of(load_ok(records_zone(), NULL));
	geo = unit_geo_open();
	struct diag d = {0};
	ck_assert(geo_open_asn(geo, "tests/tmp/geo/asn.mmdb", &d));
	settings = unit_geo_settings(geo);
	answer_worker_init(&file_worker);
	answer_worker_init(&rec_worker);
}

static void answers_teardown(void)
{
	zonedb_free(file_db);
	zonedb_free(rec_db);
	geo_close(geo);
	answer_worker_free(&file_worker);
	answer_worker_free(&rec_worker);
}

/* A query with EDNS and, for subnet "ADDR/LEN", an ECS option. */
static size_t make_query(uint8_t *buf, size_t cap, const char *name, uint16_t type,
                         const char *subnet)
{
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&p, name, type, LDNS_RR_CLASS_IN, 0),
	                 LDNS_STATUS_OK);
	ldns_pkt_set_id(p, 0x5151);
	ldns_pkt_set_edns_udp_size(p, 1232);
	if (subnet) {
		char addr[64];
		unsigned bits;
		ck_assert_int_eq(sscanf(subnet, "%63[^/]/%u", addr, &bits), 2);
		uint8_t opt[4 + 4 + 16] = {0, 8, 0, 0, 0, 1, (uint8_t)bits, 0};
		bool v6 = strchr(addr, ':') != NULL;
		opt[5] = v6 ? 2 : 1;
		ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, addr, opt + 8), 1);
		size_t alen = (bits + 7) / 8;
		opt[3] = (uint8_t)(4 + alen);
		ldns_pkt_set_edns_data(p,
		                       ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, 8 + alen, opt));
	} else {
		ldns_pkt_set_edns_do(p, false); /* EDNS without options */
	}
	uint8_t *wire = NULL;
	size_t len = 0;
	ck_assert_int_eq(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	ck_assert_uint_le(len, cap);
	memcpy(buf, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

static size_t ask(const struct zonedb *db, struct answer_worker *w, const char *name, uint16_t type,
                  const char *subnet, bool tcp, uint8_t *out)
{
	uint8_t q[512];
	size_t qlen = make_query(q, sizeof(q), name, type, subnet);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	struct answer_request req = {
	    .pkt = q, .len = qlen, .tcp = tcp, .client = (const struct sockaddr *)&sin};
	size_t n = answer_query(db, &settings, &req, out, ANSWER_BUF_SIZE, w);
	ck_assert_uint_gt(n, 0);
	return n;
}

/* The answer section as "owner ttl type rdata" lines, and the counts. */
static const char *summary(const uint8_t *m, size_t len)
{
	static char buf[2048];
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&p, m, len), LDNS_STATUS_OK);
	int n = snprintf(buf, sizeof(buf), "%s aa=%d an=%u ns=%u\n",
	                 ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR    ? "NOERROR"
	                 : ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN ? "NXDOMAIN"
	                                                                : "other",
	                 (int)ldns_pkt_aa(p), (unsigned)ldns_pkt_ancount(p),
	                 (unsigned)ldns_pkt_nscount(p));
	const ldns_rr_list *lists[2] = {ldns_pkt_answer(p), ldns_pkt_authority(p)};
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < ldns_rr_list_rr_count(lists[l]); i++) {
			char *s = ldns_rr2str(ldns_rr_list_rr(lists[l], i));
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s", s);
			free(s);
		}
	ldns_pkt_free(p);
	return buf;
}

/* Every question to both forms: the same response, octet for octet. */
START_TEST(test_same_answers_as_services_file)
{
	static const char *names[] = {
	    "www.example.com",    "multi.example.com",  "split.example.com",  "cn.example.com",
	    "a.wild.example.com", "static.example.com", "nothere.example.com", "net.example.com",
	    "asn.example.com"};
	static const uint16_t types[] = {TYPE_A,   TYPE_AAAA, TYPE_CNAME,
	                                 TYPE_TXT, TYPE_MX,   TYPE_ANY};
	static const char *subnets[] = {
	    NULL,          "192.0.2.0/24",    "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/48",
	    "10.1.2.0/24", "198.51.100.77/32"};
	static uint8_t a[ANSWER_BUF_SIZE], b[ANSWER_BUF_SIZE];
	unsigned compared = 0;
	for (size_t n = 0; n < ARRAY_SIZE(names); n++)
		for (size_t t = 0; t < ARRAY_SIZE(types); t++)
			for (size_t s = 0; s < ARRAY_SIZE(subnets); s++)
				for (int tcp = 0; tcp < 2; tcp++) {
					size_t la = ask(file_db, &file_worker, names[n], types[t],
					                subnets[s], tcp, a);
					size_t lb = ask(rec_db, &rec_worker, names[n], types[t],
					                subnets[s], tcp, b);
					ck_assert_msg(
					    la == lb && memcmp(a, b, la) == 0,
					    "%s type %u from %s%s: services file\n%s"
					    "records\n%s",
					    names[n], types[t], subnets[s] ? subnets[s] : "-",
					    tcp ? " (TCP)" : "", summary(a, la), summary(b, lb));
					compared++;
				}
	ck_assert_uint_eq(compared, 9 * 6 * 7 * 2);
}
END_TEST

/* The geo answers themselves: the JSON's TTL, not the record's 600. */
START_TEST(test_record_service_answers)
{
	static uint8_t m[ANSWER_BUF_SIZE];
	size_t n = ask(rec_db, &rec_worker, "www.example.com", TYPE_A, "198.51.100.0/24", false, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=1 ns=0\n"
	                                "www.example.com.\t30\tIN\tA\t198.51.100.10\n");
	n = ask(rec_db, &rec_worker, "www.example.com", TYPE_AAAA, "192.0.2.0/24", false, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=1 ns=0\n"
	                                "www.example.com.\t30\tIN\tAAAA\t2001:db8:1::10\n");
	n = ask(rec_db, &rec_worker, "cn.example.com", TYPE_A, "198.51.100.0/24", false, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=2 ns=0\n"
	                                "cn.example.com.\t45\tIN\tCNAME\tstatic.example.com.\n"
	                                "static.example.com.\t3600\tIN\tA\t192.0.2.80\n");
	n = ask(rec_db, &rec_worker, "x.wild.example.com", TYPE_A, "203.0.113.0/24", false, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=1 ns=0\n"
	                                "x.wild.example.com.\t30\tIN\tA\t198.51.100.50\n");
	/* a network override in a record: 198.51.100.128/25 -> us-east */
	n = ask(rec_db, &rec_worker, "net.example.com", TYPE_A, "198.51.100.128/25", false, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=1 ns=0\n"
	                                "net.example.com.\t30\tIN\tA\t192.0.2.60\n");
	n = ask(rec_db, &rec_worker, "net.example.com", TYPE_A, "198.51.100.0/25", false, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=1 ns=0\n"
	                                "net.example.com.\t30\tIN\tA\t198.51.100.60\n");
	/* an ASN override in a record: AS64503 (198.51.100.0/24) -> us-east */
	n = ask(rec_db, &rec_worker, "asn.example.com", TYPE_A, "198.51.100.0/24", false, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=1 ns=0\n"
	                                "asn.example.com.\t30\tIN\tA\t192.0.2.70\n");
	n = ask(rec_db, &rec_worker, "asn.example.com", TYPE_A, "203.0.113.0/24", false, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=1 ns=0\n"
	                                "asn.example.com.\t30\tIN\tA\t198.51.100.70\n");
	/* the static data beside the service */
	n = ask(rec_db, &rec_worker, "www.example.com", TYPE_TXT, NULL, false, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=1 ns=0\n"
	                                "www.example.com.\t3600\tIN\tTXT\t\"beside a service\"\n");
}
END_TEST

static const char *soa_line =
    "example.com.\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 1 7200 900 "
    "1209600 300\n";

START_TEST(test_type65281_is_nodata)
{
	static uint8_t m[ANSWER_BUF_SIZE];
	char want[512];
	snprintf(want, sizeof(want), "NOERROR aa=1 an=0 ns=1\n%s", soa_line);
	static const char *names[] = {"www.example.com", "cn.example.com", "x.wild.example.com",
	                              "static.example.com"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		for (int tcp = 0; tcp < 2; tcp++) {
			size_t n = ask(rec_db, &rec_worker, names[i], TYPE_GEO_SERVICE,
			               "192.0.2.0/24", tcp, m);
			ck_assert_str_eq(summary(m, n), want);
		}
	/* a name that does not exist stays NXDOMAIN */
	size_t n =
	    ask(rec_db, &rec_worker, "nothere.example.com", TYPE_GEO_SERVICE, NULL, false, m);
	snprintf(want, sizeof(want), "NXDOMAIN aa=1 an=0 ns=1\n%s", soa_line);
	ck_assert_str_eq(summary(m, n), want);
}
END_TEST

START_TEST(test_any_leaves_the_record_out)
{
	static uint8_t m[ANSWER_BUF_SIZE];
	/* TCP: the geo answer of both families and the static TXT */
	size_t n = ask(rec_db, &rec_worker, "www.example.com", TYPE_ANY, "192.0.2.0/24", true, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=3 ns=0\n"
	                                "www.example.com.\t30\tIN\tA\t192.0.2.10\n"
	                                "www.example.com.\t30\tIN\tAAAA\t2001:db8:1::10\n"
	                                "www.example.com.\t3600\tIN\tTXT\t\"beside a service\"\n");
	n = ask(rec_db, &rec_worker, "multi.example.com", TYPE_ANY, "198.51.100.0/24", true, m);
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&p, m, n), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	for (size_t i = 0; i < 2; i++)
		ck_assert_int_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), i)),
		                 LDNS_RR_TYPE_A);
	ldns_pkt_free(p);
	/* UDP: RFC 8482's HINFO alone */
	n = ask(rec_db, &rec_worker, "www.example.com", TYPE_ANY, NULL, false, m);
	ck_assert_str_eq(summary(m, n), "NOERROR aa=1 an=1 ns=0\n"
	                                "www.example.com.\t3600\tIN\tHINFO\t\"RFC8482\" \"\"\n");
}
END_TEST

/* ---- zone transfers ---- */

/* The AXFR stream of z: every record between the SOAs, as text lines. */
static char *axfr_text(const struct zone *z)
{
	uint8_t *wire = NULL;
	size_t wlen = 0;
	ldns_pkt *qp = NULL;
	ck_assert_int_eq(
	    ldns_pkt_query_new_frm_str(&qp, "example.com.", LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN, 0),
	    LDNS_STATUS_OK);
	ck_assert_int_eq(ldns_pkt2wire(&wire, qp, &wlen), LDNS_STATUS_OK);
	ldns_pkt_free(qp);
	struct query q;
	ck_assert_int_eq(wire_parse_query_opts(wire, wlen, &q, 0), GD_OK);
	free(wire);
	struct axfr_state *s = axfr_begin(z, &q);
	ck_assert_ptr_nonnull(s);
	static uint8_t buf[AXFR_MESSAGE_SIZE];
	size_t len;
	char *text = NULL;
	int rc;
	while ((rc = axfr_next_message(s, buf, sizeof(buf), &len)) == 1) {
		ldns_pkt *p = NULL;
		ck_assert_int_eq(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK);
		for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(p)); i++) {
			char *l = ldns_rr2str(ldns_rr_list_rr(ldns_pkt_answer(p), i));
			text = append(text, l);
			free(l);
		}
		ldns_pkt_free(p);
	}
	ck_assert_int_eq(rc, 0);
	axfr_end(s);
	return text;
}

START_TEST(test_axfr_carries_the_records)
{
	/* records only: each service's record in the stream, its data the JSON */
	struct zone *z = load_ok(records_zone(), NULL);
	char *text = axfr_text(z);
	for (size_t i = 0; i < ARRAY_SIZE(svcs); i++) {
		char *want = append_record(NULL, "", svcs[i].json, strlen(svcs[i].json));
		/* "NAME.example.com.\t600\tIN\tTYPE65281\t\# LEN HEX" */
		char line[128], *hex = strstr(want, "\\# ");
		snprintf(line, sizeof(line), "%s.example.com.\t600\tIN\tTYPE65281\t", svcs[i].name);
		char *full = append(append(NULL, line), hex);
		ck_assert_msg(strstr(text, full), "no record %s in\n%s", full, text);
		free(full);
		free(want);
	}
	free(text);
	zone_free(z);
	/* a services file's services are no records: the stream is the zone
	 * file's alone; with one record more, that record is in it */
	const char *zp = unit_write_file("svcrec-file.zone", base_zone);
	z = load_ok(zp, services_file());
	text = axfr_text(z);
	ck_assert_ptr_null(strstr(text, "TYPE65281"));
	free(text);
	zone_free(z);
	char *t =
	    append_record(append(NULL, base_zone), "extra", svcs[0].json, strlen(svcs[0].json));
	zp = unit_write_file("svcrec-both.zone", t);
	free(t);
	z = load_ok(zp, services_file());
	ck_assert_uint_eq(z->services->n, ARRAY_SIZE(svcs) + 1);
	text = axfr_text(z);
	const char *at = strstr(text, "TYPE65281");
	ck_assert_ptr_nonnull(at);
	ck_assert_ptr_null(strstr(at + 1, "TYPE65281"));
	ck_assert_ptr_nonnull(strstr(text, "extra.example.com.\t600\tIN\tTYPE65281\t"));
	free(text);
	zone_free(z);
}
END_TEST

/* ---- errors ---- */

/* Load the base zone with the lines after it (a record is line 8 on) and
 * the services file text (NULL: none). NULL zone expected; the messages
 * are left in d. */
static void load_fails(const char *more, const char *services, const struct region_table *regions,
                       struct diag *d, const char **zpath, const char **spath)
{
	char *t = append(append(NULL, base_zone), more);
	*zpath = unit_write_file("svcrec-bad.zone", t);
	free(t);
	*spath = services ? unit_write_file("svcrec-bad.json", services) : NULL;
	struct zone_config zc = {"example.com", *zpath, *spath, regions};
	struct zone *z = zone_load(&zc, d);
	if (z)
		zone_free(z);
	ck_assert_ptr_null(z);
}

/* The messages, each "PATH:" + the text with %s for the zone's path. */
static void expect(const struct diag *d, const char *zpath, const char *const *want, size_t n)
{
	if (d->count != n)
		dump(d);
	ck_assert_uint_eq(d->count, n);
	for (size_t i = 0; i < n; i++) {
		char w[1024];
		snprintf(w, sizeof(w), want[i], zpath, zpath, zpath);
		ck_assert_str_eq(d->msgs[i], w);
	}
}

/* One record's data (len octets) after the base zone. */
static void expect_record_error(const char *owner, const char *data, size_t len, const char *msg)
{
	struct diag d = {0};
	const char *zp, *sp;
	char *more = append_record(NULL, owner, data, len);
	load_fails(more, NULL, rt, &d, &zp, &sp);
	free(more);
	const char *want[] = {msg};
	expect(&d, zp, want, 1);
	diag_free(&d);
}

START_TEST(test_errors_as_services_file)
{
	/* the same JSON in a services file and in a record: the same message,
	 * placed by line and column there, by the record's line here */
	static const char *json = "{\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\", "
	                          "\"192.0.2.1\"]}, \"mars\": {\"A\": [\"192.0.2.2\"]}},"
	                          " \"ttl\": 999999, \"colour\": \"red\"}";
	char *file = append(append(NULL, "{\"www2\": "), json);
	file = append(file, "}");
	struct diag d = {0};
	const char *zp, *sp;
	load_fails("", file, rt, &d, &zp, &sp);
	ck_assert_uint_eq(d.count, 4);
	char w[1024];
	snprintf(w, sizeof(w), "%s:1:115: www2.colour: unknown key", sp);
	ck_assert_str_eq(d.msgs[0], w);
	snprintf(w, sizeof(w), "%s:1:107: www2.ttl: 999999 is out of range 0..604800", sp);
	ck_assert_str_eq(d.msgs[1], w);
	snprintf(w, sizeof(w), "%s:1:54: www2.regions.us-east.A[1]: duplicate address 192.0.2.1",
	         sp);
	ck_assert_str_eq(d.msgs[2], w);
	snprintf(w, sizeof(w),
	         "%s:1:69: www2.regions.mars: unknown region \"mars\" (not in the config's "
	         "regions)",
	         sp);
	ck_assert_str_eq(d.msgs[3], w);
	diag_free(&d);
	free(file);
	char *more = append_record(NULL, "www2", json, strlen(json));
	load_fails(more, NULL, rt, &d, &zp, &sp);
	free(more);
	const char *want[] = {
	    "%s:8: service www2.example.com.: colour: unknown key",
	    "%s:8: service www2.example.com.: ttl: 999999 is out of range 0..604800",
	    "%s:8: service www2.example.com.: regions.us-east.A[1]: duplicate address 192.0.2.1",
	    "%s:8: service www2.example.com.: regions.mars: unknown region \"mars\" (not in the "
	    "config's regions)"};
	expect(&d, zp, want, 4);
	diag_free(&d);
	/* a message at the object itself */
	expect_record_error("www2", "{}", 2,
	                    "%s:8: service www2.example.com.: missing \"regions\"");
}
END_TEST

START_TEST(test_error_not_json)
{
	expect_record_error("a", "{\"regions\": ", 12,
	                    "%s:8: service a.example.com.: JSON: unexpected token near end of "
	                    "file (at octet 12 of 12)");
	expect_record_error("a", "[1, 2]", 6, "%s:8: service a.example.com.: not a JSON object");
	expect_record_error("a", "\"text\"", 6,
	                    "%s:8: service a.example.com.: JSON: '[' or '{' expected near "
	                    "'\"text\"' (at octet 6 of 6)");
	/* invalid UTF-8 (an octet never in UTF-8, an overlong form) */
	expect_record_error("a", "{\"x\xff\": 1}", 8,
	                    "%s:8: service a.example.com.: JSON: unable to decode byte 0xff near "
	                    "'\"x' (at octet 3 of 8)");
	expect_record_error("a", "{\"\xc0\xaf\": 1}", 8,
	                    "%s:8: service a.example.com.: JSON: unable to decode byte 0xc0 near "
	                    "'\"' (at octet 2 of 8)");
	/* a NUL octet inside */
	expect_record_error("a", "{}\0", 3,
	                    "%s:8: service a.example.com.: JSON: end of file expected near end "
	                    "of file (at octet 3 of 3)");
	expect_record_error("a", "", 0,
	                    "%s:8: service a.example.com.: JSON: '[' or '{' expected near end of "
	                    "file (at octet 0 of 0)");
}
END_TEST

/* A valid object padded with blanks to len octets. */
static char *padded(size_t len)
{
	static const char *core = "{\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"]}}";
	char *s = malloc(len + 1);
	size_t c = strlen(core);
	memcpy(s, core, c);
	memset(s + c, ' ', len - c - 1);
	s[len - 1] = '}';
	s[len] = '\0';
	return s;
}

START_TEST(test_error_size)
{
	/* 16 KiB is allowed; one octet more is not */
	char *s = padded(SERVICE_JSON_MAX);
	char *t = append_record(append(NULL, base_zone), "big", s, SERVICE_JSON_MAX);
	const char *zp = unit_write_file("svcrec-big.zone", t);
	free(t);
	struct zone *z = load_ok(zp, NULL);
	ck_assert_uint_eq(z->services->n, 1);
	ck_assert_str_eq(z->services->svcs[0].name_str, "big.example.com.");
	zone_free(z);
	free(s);
	s = padded(SERVICE_JSON_MAX + 1);
	expect_record_error("big", s, SERVICE_JSON_MAX + 1,
	                    "%s:8: service big.example.com.: the JSON object is 16385 octets, more "
	                    "than 16384 (16 KiB)");
	free(s);
}
END_TEST

static const char *r_us = "{\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"]}}}";

START_TEST(test_error_two_records_and_both_places)
{
	struct diag d = {0};
	const char *zp, *sp;
	/* two records at one name, even the same one twice; and another name
	 * fine between them */
	char *more = append_record(NULL, "svc", r_us, strlen(r_us));
	more = append_record(more, "other", r_us, strlen(r_us));
	more = append_record(more, "SVC.example.com.", r_us, strlen(r_us));
	more = append_record(more, "svc", "{}", 2);
	load_fails(more, NULL, rt, &d, &zp, &sp);
	free(more);
	const char *want2[] = {
	    "%s:10: more than one TYPE65281 record at svc.example.com. (the first at %s:8)",
	    "%s:11: more than one TYPE65281 record at svc.example.com. (the first at %s:8)",
	    "%s:10: warning: duplicate record ignored"};
	expect(&d, zp, want2, 3);
	diag_free(&d);
	/* a name in the services file too: both places named */
	more = append_record(NULL, "www", r_us, strlen(r_us));
	load_fails(more,
	           "{\"x\": {\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"]}}},\n"
	           "  \"www\": {\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"]}}}}\n",
	           rt, &d, &zp, &sp);
	free(more);
	char w[1024];
	ck_assert_uint_eq(d.count, 1);
	snprintf(w, sizeof(w), "%s:8: service www.example.com. is also defined at %s:2:3", zp, sp);
	ck_assert_str_eq(d.msgs[0], w);
	diag_free(&d);
}
END_TEST

START_TEST(test_error_static_data_and_cuts)
{
	struct diag d = {0};
	const char *zp, *sp;
	char *more = append(NULL, "alias IN CNAME static\n"       /* 8 */
	                          "sub IN NS ns.example.net.\n"   /* 9 */
	                          "v6 IN AAAA 2001:db8::1\n");    /* 10 */
	more = append_record(more, "static", r_us, strlen(r_us)); /* 11 */
	more = append_record(more, "alias", r_us, strlen(r_us));  /* 12 */
	more = append_record(more, "x.sub", r_us, strlen(r_us));  /* 13 */
	more = append_record(more, "v6", r_us, strlen(r_us));     /* 14 */
	more = append_record(more, "@", "{\"regions\": {\"us-east\": {\"cname\": \"www\"}}}",
	                     42); /* 15 */
	load_fails(more, NULL, rt, &d, &zp, &sp);
	free(more);
	const char *want[] = {
	    "%s:13: warning: x.sub.example.com. is below a zone cut and is ignored",
	    "%s:6: static A record at service name static.example.com. (%s:11 defines it)",
	    "%s:8: static CNAME record at service name alias.example.com. (%s:12 defines it)",
	    "%s:13: service x.sub.example.com. is at or below a zone cut or DNAME",
	    "%s:10: static AAAA record at service name v6.example.com. (%s:14 defines it)",
	    "%s:15: service example.com. at the zone apex cannot answer a cname"};
	expect(&d, zp, want, ARRAY_SIZE(want));
	diag_free(&d);
}
END_TEST

START_TEST(test_error_no_regions)
{
	static const struct region_table none = {NULL, 0, NULL};
	const struct region_table *tables[] = {&none, NULL};
	for (int i = 0; i < 2; i++) {
		struct diag d = {0};
		const char *zp, *sp;
		char *more = append(NULL, "txt IN TXT \"x\"\n");
		more = append_record(more, "a", r_us, strlen(r_us));
		more = append_record(more, "b", r_us, strlen(r_us));
		load_fails(more, NULL, tables[i], &d, &zp, &sp);
		free(more);
		const char *want[] = {"%s:9: a TYPE65281 record is a geo service, and the "
		                      "configuration has no \"regions\" for it"};
		expect(&d, zp, want, 1);
		diag_free(&d);
	}
}
END_TEST

/* ---- reuse ---- */

START_TEST(test_reuse_digests_the_regions)
{
	struct zone_config zc = {"example.com", records_zone(), NULL, rt};
	struct diag d = {0};
	struct zone *z = zone_load(&zc, &d);
	ck_assert_ptr_nonnull(z);
	ck_assert(z->service_records);
	struct zonedb *db = db_of(z);
	/* the same inputs: shared */
	struct zone *again = zone_reuse(db, &zc);
	ck_assert_ptr_eq(again, z);
	zone_free(again);
	/* a region moved: its services rank otherwise, so loaded anew */
	struct region moved[4];
	memcpy(moved, rt->regions, sizeof(moved));
	moved[2].lat = 10.0;
	struct region_table rt2 = {moved, 4, NULL};
	zc.regions = &rt2;
	ck_assert_ptr_null(zone_reuse(db, &zc));
	zc.regions = rt;
	zonedb_free(db);
	/* a zone without services does not depend on the regions */
	zc.file = unit_write_file("svcrec-plain.zone", base_zone);
	z = zone_load(&zc, &d);
	ck_assert_ptr_nonnull(z);
	ck_assert(!z->service_records);
	db = db_of(z);
	zc.regions = &rt2;
	again = zone_reuse(db, &zc);
	ck_assert_ptr_eq(again, z);
	zone_free(again);
	zonedb_free(db);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
}
END_TEST

Suite *service_records_suite(void)
{
	Suite *s = suite_create("service_records");
	TCase *tc = tcase_create("answers");
	tcase_add_checked_fixture(tc, answers_setup, answers_teardown);
	tcase_add_test(tc, test_same_answers_as_services_file);
	tcase_add_test(tc, test_record_service_answers);
	tcase_add_test(tc, test_type65281_is_nodata);
	tcase_add_test(tc, test_any_leaves_the_record_out);
	suite_add_tcase(s, tc);
	tc = tcase_create("zone");
	tcase_add_test(tc, test_axfr_carries_the_records);
	tcase_add_test(tc, test_errors_as_services_file);
	tcase_add_test(tc, test_error_not_json);
	tcase_add_test(tc, test_error_size);
	tcase_add_test(tc, test_error_two_records_and_both_places);
	tcase_add_test(tc, test_error_static_data_and_cuts);
	tcase_add_test(tc, test_error_no_regions);
	tcase_add_test(tc, test_reuse_digests_the_regions);
	suite_add_tcase(s, tc);
	return s;
}
