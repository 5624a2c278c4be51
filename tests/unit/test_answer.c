/*
 * test_answer.c - the answer logic on the demo zones, query packet in,
 * response packet out, checked with ldns: rcode, flags, every section.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "query/answer.h"
#include "conf/config.h"
#include "common/diag.h"
#include "health/health.h"
#include "server/snapshot.h"
#include "common/gd.h"
#include "unit.h"
#include "dns/wire.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <ctype.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

static struct zonedb *db;
static struct answer_settings settings = {
	.udp_payload = 1232, .nsid = (const uint8_t *)"unit", .nsid_len = 4,
	.ecs_enabled = true, .tcp_idle_timeout = 10, .version = "geodnsd test"};
static struct answer_worker worker;

static void setup(void)
{
	struct diag d = {0};
	struct zone **zs = calloc(2, sizeof(*zs));
	struct zone_config a = {.origin = "example.com", .file = "zones/example.com.zone"};
	struct zone_config b = {.origin = "example.net", .file = "zones/example.net.zone"};
	zs[0] = zone_load(&a, &d);
	zs[1] = zone_load(&b, &d);
	ck_assert_ptr_nonnull(zs[0]);
	ck_assert_ptr_nonnull(zs[1]);
	db = zonedb_build(zs, 2, &d);
	ck_assert_ptr_nonnull(db);
	diag_free(&d);
	answer_worker_init(&worker);
}

static void teardown(void)
{
	zonedb_free(db);
	db = NULL;
	answer_worker_free(&worker);
}

struct opts {
	bool edns;
	uint16_t bufsize;
	bool tcp;
	bool rd;
};

static ldns_pkt *ask_raw(const uint8_t *wire, size_t len, bool tcp, size_t *outlen)
{
	static uint8_t out[ANSWER_BUF_SIZE];
	struct answer_request req = {.pkt = wire, .len = len, .tcp = tcp};
	size_t n = answer_query(db, &settings, &req, out, sizeof(out), &worker);
	*outlen = n;
	if (n == 0)
		return NULL;
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&p, out, n), LDNS_STATUS_OK);
	return p;
}

static ldns_pkt *ask(const char *name, ldns_rr_type type, struct opts o, size_t *outlen)
{
	ldns_pkt *q = NULL;
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, type, LDNS_RR_CLASS_IN,
						    o.rd ? LDNS_RD : 0),
			 LDNS_STATUS_OK);
	ldns_pkt_set_id(q, 4242);
	if (o.edns) {
		ldns_pkt_set_edns_udp_size(q, o.bufsize ? o.bufsize : 1232);
		ldns_pkt_set_edns_data(q, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, 0, ""));
	}
	uint8_t *wire;
	size_t len;
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	size_t dummy;
	ldns_pkt *r = ask_raw(wire, len, o.tcp, outlen ? outlen : &dummy);
	free(wire);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ldns_pkt_id(r), 4242);
	ck_assert(ldns_pkt_qr(r));
	return r;
}

/* The section as presentation lines joined by '\n' (owner TTL class type rdata). */
static char *section(const ldns_rr_list *l)
{
	static char buf[8192];
	buf[0] = '\0';
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		char *s = ldns_rr2str(ldns_rr_list_rr(l, i));
		for (char *t = s; *t; t++)
			if (*t == '\t')
				*t = ' ';
		strncat(buf, s, sizeof(buf) - strlen(buf) - 1);
		free(s);
	}
	return buf;
}

#define NOEDNS ((struct opts){0})
#define EDNS ((struct opts){.edns = true})

START_TEST(test_positive_answer)
{
	ldns_pkt *r = ask("static.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(r));
	ck_assert(!ldns_pkt_tc(r));
	ck_assert(!ldns_pkt_ra(r));
	ck_assert_str_eq(section(ldns_pkt_answer(r)),
			 "static.example.com. 3600 IN A 192.0.2.80\n");
	ck_assert_uint_eq(ldns_pkt_nscount(r), 0);
	ck_assert_uint_eq(ldns_pkt_arcount(r), 0);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_case_preserved)
{
	ldns_pkt *r = ask("StAtIc.ExAmPlE.CoM.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_str_eq(section(ldns_pkt_answer(r)),
			 "StAtIc.ExAmPlE.CoM. 3600 IN A 192.0.2.80\n");
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_nxdomain_and_nodata)
{
	ldns_pkt *r = ask("nothere.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NXDOMAIN);
	ck_assert(ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	/* negative TTL: min(SOA TTL 3600, MINIMUM 300) */
	ck_assert_str_eq(section(ldns_pkt_authority(r)),
			 "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. "
			 "2026112701 7200 900 1209600 300\n");
	ldns_pkt_free(r);
	r = ask("static.example.com.", LDNS_RR_TYPE_MX, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(r), 1);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_empty_non_terminal_is_nodata)
{
	ldns_pkt *r = ask("a.ent.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(r), 1);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_refused_outside)
{
	ldns_pkt *r = ask("www.example.org.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ck_assert(!ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r) + ldns_pkt_nscount(r) + ldns_pkt_arcount(r), 0);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_cname_chain)
{
	ldns_pkt *r = ask("chain.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(r));
	ck_assert_str_eq(section(ldns_pkt_answer(r)),
			 "chain.example.com. 3600 IN CNAME alias.example.com.\n"
			 "alias.example.com. 3600 IN CNAME static.example.com.\n"
			 "static.example.com. 3600 IN A 192.0.2.80\n");
	ldns_pkt_free(r);
	/* asking for the CNAME itself does not follow it */
	r = ask("chain.example.com.", LDNS_RR_TYPE_CNAME, NOEDNS, NULL);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_cname_loop)
{
	ldns_pkt *r = ask("loop1.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_str_eq(section(ldns_pkt_answer(r)),
			 "loop1.example.com. 3600 IN CNAME loop2.example.com.\n"
			 "loop2.example.com. 3600 IN CNAME loop1.example.com.\n");
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_cname_out_of_zone)
{
	ldns_pkt *r = ask("external.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_str_eq(section(ldns_pkt_answer(r)),
			 "external.example.com. 3600 IN CNAME www.example.org.\n");
	ck_assert_uint_eq(ldns_pkt_nscount(r), 0);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_dname)
{
	ldns_pkt *r = ask("www.legacy.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_str_eq(section(ldns_pkt_answer(r)),
			 "legacy.example.com. 3600 IN DNAME example.net.\n"
			 "www.legacy.example.com. 3600 IN CNAME www.example.net.\n"
			 "www.example.net. 3600 IN A 198.51.100.80\n");
	ldns_pkt_free(r);
	/* the DNAME owner itself is not redirected */
	r = ask("legacy.example.com.", LDNS_RR_TYPE_DNAME, NOEDNS, NULL);
	ck_assert_str_eq(section(ldns_pkt_answer(r)),
			 "legacy.example.com. 3600 IN DNAME example.net.\n");
	ldns_pkt_free(r);
	/* chain ends in NXDOMAIN in the other zone: its SOA */
	r = ask("x.legacy.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NXDOMAIN);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 2);
	ck_assert_str_eq(section(ldns_pkt_authority(r)),
			 "example.net. 600 IN SOA ns1.example.com. hostmaster.example.net. "
			 "2026112701 7200 900 1209600 600\n");
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_referral)
{
	ldns_pkt *r = ask("www.sub.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert(!ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert_str_eq(section(ldns_pkt_authority(r)),
			 "sub.example.com. 3600 IN NS ns1.example.com.\n"
			 "sub.example.com. 3600 IN NS ns.sub.example.com.\n");
	ck_assert_str_eq(section(ldns_pkt_additional(r)),
			 "ns1.example.com. 3600 IN A 192.0.2.1\n"
			 "ns1.example.com. 3600 IN AAAA 2001:db8::1\n"
			 "ns.sub.example.com. 3600 IN A 192.0.2.53\n");
	ldns_pkt_free(r);
	/* the cut itself, and glue names below it, are referrals too */
	r = ask("ns.sub.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert(!ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(r), 2);
	ldns_pkt_free(r);
	/* DS is answered from the parent side, authoritatively */
	r = ask("sub.example.com.", LDNS_RR_TYPE_DS, NOEDNS, NULL);
	ck_assert(ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_wildcard)
{
	ldns_pkt *r = ask("a.b.wild.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(r));
	ck_assert_str_eq(section(ldns_pkt_answer(r)),
			 "a.b.wild.example.com. 3600 IN A 192.0.2.99\n");
	ldns_pkt_free(r);
	/* an existing name is not wildcard-matched, nor are names below it */
	r = ask("exists.wild.example.com.", LDNS_RR_TYPE_TXT, NOEDNS, NULL);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ldns_pkt_free(r);
	r = ask("x.exists.wild.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NXDOMAIN);
	ldns_pkt_free(r);
	/* wildcard NODATA */
	r = ask("q.wild.example.com.", LDNS_RR_TYPE_MX, NOEDNS, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(r), 1);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_additional_mx_srv_ns)
{
	ldns_pkt *r = ask("example.com.", LDNS_RR_TYPE_MX, NOEDNS, NULL);
	ck_assert_str_eq(section(ldns_pkt_additional(r)),
			 "mail.example.com. 300 IN A 192.0.2.25\n"
			 "mail.example.com. 300 IN AAAA 2001:db8::25\n");
	ldns_pkt_free(r);
	r = ask("_sip._udp.example.com.", LDNS_RR_TYPE_SRV, NOEDNS, NULL);
	ck_assert_str_eq(section(ldns_pkt_additional(r)),
			 "sip.example.com. 3600 IN A 192.0.2.60\n");
	ldns_pkt_free(r);
	r = ask("example.com.", LDNS_RR_TYPE_NS, NOEDNS, NULL);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 2);
	ck_assert_uint_eq(ldns_pkt_arcount(r), 3);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_any)
{
	ldns_pkt *r = ask("example.com.", LDNS_RR_TYPE_ANY, NOEDNS, NULL);
	ck_assert_str_eq(section(ldns_pkt_answer(r)),
			 "example.com. 3600 IN HINFO \"RFC8482\" \"\"\n");
	ldns_pkt_free(r);
	r = ask("static.example.com.", LDNS_RR_TYPE_ANY, (struct opts){.tcp = true}, NULL);
	ck_assert_str_eq(section(ldns_pkt_answer(r)),
			 "static.example.com. 3600 IN A 192.0.2.80\n"
			 "static.example.com. 3600 IN AAAA 2001:db8::80\n");
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_truncation)
{
	size_t len;
	ldns_pkt *r = ask("big.example.com.", LDNS_RR_TYPE_TXT, NOEDNS, &len);
	ck_assert(ldns_pkt_tc(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert_uint_eq(ldns_pkt_qdcount(r), 1);
	ck_assert_uint_le(len, 512);
	ldns_pkt_free(r);
	r = ask("big.example.com.", LDNS_RR_TYPE_TXT, (struct opts){.edns = true, .bufsize = 512},
		&len);
	ck_assert(ldns_pkt_tc(r));
	ck_assert_uint_le(len, 512);
	ck_assert_ptr_nonnull(ldns_pkt_edns_data(r) ? (void *)1 : (void *)1);
	ck_assert(ldns_pkt_edns(r));
	ldns_pkt_free(r);
	r = ask("big.example.com.", LDNS_RR_TYPE_TXT, EDNS, &len);
	ck_assert(!ldns_pkt_tc(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 3);
	ck_assert_uint_gt(len, 512);
	ldns_pkt_free(r);
	r = ask("big.example.com.", LDNS_RR_TYPE_TXT, (struct opts){.tcp = true}, &len);
	ck_assert(!ldns_pkt_tc(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 3);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_compression)
{
	size_t len;
	ldns_pkt *r = ask("example.com.", LDNS_RR_TYPE_NS, NOEDNS, &len);
	/* header 12 + question 17 + 2 NS (owner pointer 2 + 10 + "ns1"/"ns2"
	 * label and pointer 6) + additional ns1 A, ns1 AAAA, ns2 A each with a
	 * pointer owner (2 + 10 + 4, 2 + 10 + 16, 2 + 10 + 4) */
	ck_assert_uint_eq(len, 12 + 17 + 18 + 18 + 16 + 28 + 16);
	ldns_pkt_free(r);
}
END_TEST

/* The negative answer's SOA from the zone's template (struct
 * soa_template) is, octet for octet, what the general writer makes: SOAs
 * whose names are under the apex, outside it, equal to it or to each
 * other, asked about names that share labels with them or not, in any
 * case, and names with more labels than the writer tracks. */
START_TEST(test_negative_soa_template)
{
	static const char *zones[][2] = {
		{"a.test", "ns1.a.test. hostmaster.a.test."},
		{"b.test", "ns.other.test. host.other.test."},
		{"c.example", "c.example. c.example."},
		{"d.test", "ns1.d.test. ns1.d.test."},
		{"deep.e.test", "x.y.deep.e.test. hostmaster.y.deep.e.test."},
		{"f.org", "ns.f.net. root.f.org."},
	};
	struct diag d = {0};
	struct zone **zs = calloc(ARRAY_SIZE(zones), sizeof(*zs));
	char text[512], file[64];
	for (size_t i = 0; i < ARRAY_SIZE(zones); i++) {
		snprintf(text, sizeof(text),
			 "$ORIGIN %s.\n$TTL 600\n@ 300 IN SOA %s 1 7200 900 1209600 60\n"
			 "@ IN NS ns1\nns1 IN A 192.0.2.1\nx.y IN A 192.0.2.2\n",
			 zones[i][0], zones[i][1]);
		snprintf(file, sizeof(file), "neg%zu.zone", i);
		struct zone_config zc = {.origin = zones[i][0],
					 .file = unit_write_file(file, text)};
		zs[i] = zone_load(&zc, &d);
		ck_assert_msg(zs[i] != NULL, "%s", zones[i][0]);
		ck_assert_ptr_nonnull(zs[i]->neg_soa.wire);
	}
	struct zonedb *ndb = zonedb_build(zs, ARRAY_SIZE(zones), &d);
	ck_assert_ptr_nonnull(ndb);
	diag_free(&d);

	/* one by hand: NXDOMAIN for nx.a.test, the apex at offset 15 */
	static const uint8_t soa_a[] = {
		0xC0, 15, 0, 6, 0, 1, 0, 0, 0, 60, 0, 39,
		3, 'n', 's', '1', 0xC0, 15,
		10, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r', 0xC0, 15,
		0, 0, 0, 1, 0, 0, 0x1C, 0x20, 0, 0, 0x03, 0x84, 0, 0x12, 0x75, 0, 0, 0, 0, 60};
	static uint8_t out1[ANSWER_BUF_SIZE], out2[ANSWER_BUF_SIZE];
	uint8_t q[600];
	static const uint8_t nxq[] = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
				      2, 'n', 'x', 1, 'a', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1};
	struct answer_request req = {.pkt = nxq, .len = sizeof(nxq)};
	settings.answer_cache_off = true;
	size_t l1 = answer_query(ndb, &settings, &req, out1, sizeof(out1), &worker);
	ck_assert_uint_eq(l1, sizeof(nxq) + sizeof(soa_a));
	ck_assert_uint_eq(out1[3] & 0xF, LDNS_RCODE_NXDOMAIN);
	ck_assert_mem_eq(out1 + sizeof(nxq), soa_a, sizeof(soa_a));

	/* names under each apex: apex, new label, the SOA names' labels, in
	 * other case, and 100 labels (beyond WIRE_COMP_MAX) */
	static const char *prefixes[] = {"", "nx.", "ns1.", "NS1.", "hostmaster.", "HostMaster.",
					 "a.b.hostmaster.", "y.", "x.y.", "q.x.Y.", "ns.", "root.",
					 "host.", "deep.", "x.", "LONG"};
	static const uint16_t types[] = {LDNS_RR_TYPE_A, LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_MX,
					 LDNS_RR_TYPE_SOA};
	char name[600];
	unsigned compared = 0;
	for (size_t z = 0; z < ARRAY_SIZE(zones); z++)
		for (size_t p = 0; p < ARRAY_SIZE(prefixes); p++)
			for (size_t t = 0; t < ARRAY_SIZE(types); t++)
				for (int mode = 0; mode < 3; mode++) {
					name[0] = '\0';
					if (strcmp(prefixes[p], "LONG") == 0)
						for (int k = 0; k < 100; k++)
							strcat(name, "l.");
					else
						strcat(name, prefixes[p]);
					strcat(name, zones[z][0]);
					if (p % 2)
						for (char *c = name; *c; c++)
							*c = (char)(c - name) % 3 ? *c : (char)toupper(*c);
					ldns_pkt *lq = NULL;
					ck_assert_int_eq(ldns_pkt_query_new_frm_str(&lq, name, types[t],
										     LDNS_RR_CLASS_IN, 0),
							 LDNS_STATUS_OK);
					if (mode > 0) {
						ldns_pkt_set_edns_udp_size(lq, 1232);
						ldns_pkt_set_edns_data(
							lq, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN,
										  0, ""));
					}
					uint8_t *wire;
					size_t ql;
					ck_assert_int_eq(ldns_pkt2wire(&wire, lq, &ql), LDNS_STATUS_OK);
					ldns_pkt_free(lq);
					ck_assert_uint_le(ql, sizeof(q));
					memcpy(q, wire, ql);
					free(wire);
					req = (struct answer_request){.pkt = q, .len = ql,
								      .tcp = mode == 2};
					settings.soa_template_off = false;
					l1 = answer_query(ndb, &settings, &req, out1, sizeof(out1),
							  &worker);
					settings.soa_template_off = true;
					size_t l2 = answer_query(ndb, &settings, &req, out2,
								 sizeof(out2), &worker);
					settings.soa_template_off = false;
					ck_assert_msg(l1 > 0 && l1 == l2 && memcmp(out1, out2, l1) == 0,
						      "%s type %u mode %d: %zu vs %zu octets", name,
						      types[t], mode, l1, l2);
					compared += rd16(out1 + 8) > 0; /* an authority */
				}
	ck_assert_uint_gt(compared, 500);
	settings.answer_cache_off = false;
	zonedb_free(ndb);
}
END_TEST

START_TEST(test_edns_badvers_and_nsid)
{
	ldns_pkt *q = NULL;
	ldns_pkt_query_new_frm_str(&q, "example.com.", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN, 0);
	ldns_pkt_set_edns_udp_size(q, 1232);
	ldns_pkt_set_edns_version(q, 1);
	ldns_pkt_set_edns_data(q, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, 0, ""));
	uint8_t *wire;
	size_t len, outlen;
	ldns_pkt2wire(&wire, q, &len);
	ldns_pkt_free(q);
	ldns_pkt *r = ask_raw(wire, len, false, &outlen);
	free(wire);
	ck_assert_uint_eq(ldns_pkt_get_rcode(r), 0); /* low bits of 16 */
	ck_assert_uint_eq(ldns_pkt_edns_extended_rcode(r), 1);
	ck_assert_uint_eq(ldns_pkt_edns_version(r), 0);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert(!ldns_pkt_aa(r));
	ldns_pkt_free(r);

	/* NSID: query with option 3 of length 0 */
	static const uint8_t nsidq[] = {
		0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 6, 0, 1,
		0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 4, 0, 3, 0, 0};
	r = ask_raw(nsidq, sizeof(nsidq), false, &outlen);
	ck_assert(ldns_pkt_edns(r));
	ck_assert(ldns_pkt_edns_do(r)); /* DO copied */
	ldns_rdf *data = ldns_pkt_edns_data(r);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(ldns_rdf_size(data), 8);
	ck_assert_mem_eq(ldns_rdf_data(data), "\x00\x03\x00\x04unit", 8);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_header_rules)
{
	size_t outlen;
	/* QR=1: dropped */
	uint8_t resp[] = {0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
	ck_assert_ptr_null(ask_raw(resp, sizeof(resp), false, &outlen));
	ck_assert_uint_eq(outlen, 0);
	/* opcode 15: NOTIMP, no sections, opcode echoed */
	uint8_t op15[] = {0, 2, 0x78, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1};
	ldns_pkt *r = ask_raw(op15, sizeof(op15), false, &outlen);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOTIMPL);
	ck_assert_uint_eq(outlen, 12);
	ck_assert_uint_eq(ldns_pkt_get_opcode(r), 15);
	ldns_pkt_free(r);
	/* QDCOUNT 2: FORMERR */
	uint8_t qd2[] = {0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1, 0, 0, 6, 0, 1};
	r = ask_raw(qd2, sizeof(qd2), false, &outlen);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_FORMERR);
	ck_assert_uint_eq(ldns_pkt_qdcount(r), 0);
	ldns_pkt_free(r);
	/* class CH: REFUSED; RD and CD copied, Z and AD cleared */
	uint8_t ch[] = {0, 4, 0x01, 0x70, 0, 1, 0, 0, 0, 0, 0, 0,
			7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 6, 0, 3};
	r = ask_raw(ch, sizeof(ch), false, &outlen);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ck_assert(ldns_pkt_rd(r));
	ck_assert(ldns_pkt_cd(r));
	ck_assert(!ldns_pkt_ad(r));
	ldns_pkt_free(r);
	/* another opcode with RD, AD, CD and Z set: only QR and the opcode
	 * come back (they are defined for QUERY alone) */
	uint8_t op15f[] = {0, 5, 0x79, 0x70, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1};
	uint8_t out[ANSWER_BUF_SIZE];
	struct answer_request req = {.pkt = op15f, .len = sizeof(op15f)};
	size_t n = answer_query(db, &settings, &req, out, sizeof(out), &worker);
	ck_assert_uint_eq(n, 12);
	ck_assert_uint_eq(rd16(out + 2), 0xF804);
}
END_TEST

/* A class CH query for name/type; the response. */
static ldns_pkt *ask_ch(const char *name, ldns_rr_type type)
{
	ldns_pkt *q = NULL;
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, type, LDNS_RR_CLASS_CH, 0),
	                 LDNS_STATUS_OK);
	uint8_t *wire;
	size_t len, outlen;
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	ldns_pkt *r = ask_raw(wire, len, false, &outlen);
	free(wire);
	return r;
}

/* RFC 4892: the identity and the version as TXT in class CH, AA set; any
 * other name REFUSED; version false (NULL) REFUSED. */
START_TEST(test_chaos)
{
	static const struct {
		const char *name;
		ldns_rr_type type;
		ldns_pkt_rcode rcode;
		const char *txt; /* NULL: no answer */
	} cases[] = {
	    {"version.bind.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR, "\"geodnsd test\""},
	    {"VERSION.server.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR, "\"geodnsd test\""},
	    {"id.server.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR, "\"unit\""},
	    {"hostname.bind.", LDNS_RR_TYPE_ANY, LDNS_RCODE_NOERROR, "\"unit\""},
	    {"hostname.bind.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, NULL},
	    {"authors.bind.", LDNS_RR_TYPE_TXT, LDNS_RCODE_REFUSED, NULL},
	    {"example.com.", LDNS_RR_TYPE_TXT, LDNS_RCODE_REFUSED, NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ldns_pkt *r = ask_ch(cases[i].name, cases[i].type);
		ck_assert_msg(ldns_pkt_get_rcode(r) == cases[i].rcode, "%s", cases[i].name);
		ck_assert(ldns_pkt_aa(r) == (cases[i].rcode == LDNS_RCODE_NOERROR));
		ck_assert_uint_eq(ldns_pkt_ancount(r), cases[i].txt ? 1 : 0);
		if (cases[i].txt) {
			ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(r), 0);
			ck_assert_int_eq(ldns_rr_get_class(rr), LDNS_RR_CLASS_CH);
			ck_assert_int_eq(ldns_rr_get_type(rr), LDNS_RR_TYPE_TXT);
			ck_assert_uint_eq(ldns_rr_ttl(rr), 0);
			char *t = ldns_rdf2str(ldns_rr_rdf(rr, 0));
			ck_assert_str_eq(t, cases[i].txt);
			free(t);
		}
		ldns_pkt_free(r);
	}
	const char *v = settings.version;
	const uint8_t *nsid = settings.nsid;
	settings.version = NULL;
	settings.nsid = NULL;
	ldns_pkt *r = ask_ch("version.bind.", LDNS_RR_TYPE_TXT);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ldns_pkt_free(r);
	r = ask_ch("id.server.", LDNS_RR_TYPE_TXT);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ldns_pkt_free(r);
	settings.version = v;
	settings.nsid = nsid;
}
END_TEST

/* ---- per-service counters (issue 14, defect 12) ---- */

/* A query for name/A from 1.2.3.4 through a snapshot's settings; the
 * response's rcode. */
static int ask_snap(const struct snapshot *snap, struct answer_worker *aw, const char *name,
                    const struct health_snapshot *hs)
{
	ldns_pkt *q = NULL;
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0),
	                 LDNS_STATUS_OK);
	uint8_t *wire;
	size_t len;
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	static uint8_t out[ANSWER_BUF_SIZE];
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x01020304)};
	struct answer_request req = {
	    .pkt = wire, .len = len, .client = (const struct sockaddr *)&sin, .health = hs};
	size_t n = answer_query(snap->db, &snap->settings, &req, out, sizeof(out), aw);
	free(wire);
	ck_assert_uint_ge(n, DNS_HEADER_LEN);
	ck_assert_uint_eq(rd16(out + 6), 1); /* one A record */
	return out[3] & 0xF;
}

static const struct service *find_service(const struct snapshot *snap, const char *name)
{
	const struct service_set *set = snap->db->zones[0]->services;
	for (size_t k = 0; k < set->n; k++)
		if (strcmp(set->svcs[k].name_str, name) == 0)
			return &set->svcs[k];
	ck_abort_msg("no service %s", name);
	return NULL;
}

START_TEST(test_service_counters_sized_by_service_regions)
{
	/* five regions; services with 2, 3 and 1 of them. No GeoIP database:
	 * every client is unknown and gets the service's fallback region */
	unit_write_file("svccount.zone", "$ORIGIN svc.test.\n$TTL 3600\n"
	                                 "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
	                                 "@ IN NS ns1\nns1 IN A 192.0.2.1\n");
	unit_write_file(
	    "svccount.json",
	    "{ \"a\": { \"fallback\": \"r3\", \"regions\": {\n"
	    "    \"r1\": { \"A\": [\"10.0.1.1\"] }, \"r3\": { \"A\": [\"10.0.3.1\"] } } },\n"
	    "  \"b\": { \"fallback\": \"r2\", \"regions\": { \"r0\": { \"A\": [\"10.1.0.1\"] },\n"
	    "    \"r2\": { \"A\": [\"10.1.2.1\"] }, \"r4\": { \"A\": [\"10.1.4.1\"] } } },\n"
	    "  \"c\": { \"regions\": { \"r4\": { \"A\": [\"10.2.4.1\"] } } } }\n");
	/* the files by their names: the configuration is written next to them */
	const char *conf =
	    "{ \"server\": { \"listen\": [\"127.0.0.1:5353\"], \"workers\": 2 },\n"
	    "  \"regions\": { \"r0\": { \"location\": [0, 0] }, \"r1\": { \"location\": [10, 10] "
	    "},\n"
	    "    \"r2\": { \"location\": [20, 20] }, \"r3\": { \"location\": [30, 30] },\n"
	    "    \"r4\": { \"location\": [40, 40] } },\n"
	    "  \"zones\": [ { \"origin\": \"svc.test\", \"file\": \"svccount.zone\",\n"
	    "    \"services\": \"svccount.json\" } ] }\n";
	struct diag d = {0};
	struct config *cfg = config_load(unit_write_file("svccount.conf", conf), &d);
	ck_assert_ptr_nonnull(cfg);
	struct snapshot *snap = snapshot_build(cfg, NULL, 7, &d);
	ck_assert_ptr_nonnull(snap);
	ck_assert_uint_eq(d.errors, 0);
	const struct answer_settings *set = &snap->settings;
	ck_assert_uint_eq(set->nservices, 3);
	/* 2 workers x (1 + 1 listen address) answering threads, and the
	 * transfer thread */
	ck_assert_uint_eq(set->nworkers_max, 5);
	/* a row per worker: (2 + 1) + (3 + 1) + (1 + 1) = 9 counters, not
	 * 3 services x (5 regions + 1) = 18 */
	ck_assert_uint_eq(set->svc_row[set->nservices], 9);
	const struct service *a = find_service(snap, "a.svc.test."),
	                     *b = find_service(snap, "b.svc.test."),
	                     *c = find_service(snap, "c.svc.test.");
	ck_assert_uint_eq(set->svc_row[a->index + 1] - set->svc_row[a->index], 3);
	ck_assert_uint_eq(set->svc_row[b->index + 1] - set->svc_row[b->index], 4);
	ck_assert_uint_eq(set->svc_row[c->index + 1] - set->svc_row[c->index], 2);

	struct answer_worker aw;
	answer_worker_init(&aw);
	aw.id = 2;
	ck_assert_int_eq(ask_snap(snap, &aw, "a.svc.test.", NULL), 0);
	ck_assert_int_eq(ask_snap(snap, &aw, "b.svc.test.", NULL), 0);
	/* the second from the answer cache: counted in the same place */
	ck_assert_int_eq(ask_snap(snap, &aw, "b.svc.test.", NULL), 0);
	ck_assert_uint_eq(aw.counters.answer_cache_hit, 1);
	/* every region down: c fails open to its only region */
	struct health_region down[5] = {{0}};
	struct health_snapshot hs = {.generation = 1, .n = 5, .regions = down};
	ck_assert_int_eq(ask_snap(snap, &aw, "c.svc.test.", &hs), 0);
	ck_assert_uint_eq(aw.counters.fail_open, 1);

	/* a's region r3 is its second (index 1), b's r2 its second, c's r4 its
	 * first; c's fail-open count after its one region */
	uint64_t expect[9] = {0};
	expect[set->svc_row[a->index] + 1] = 1;
	expect[set->svc_row[b->index] + 1] = 2;
	expect[set->svc_row[c->index] + 0] = 1;
	expect[set->svc_row[c->index] + 1] = 1;
	for (size_t w = 0; w < set->nworkers_max; w++)
		for (size_t k = 0; k < 9; k++)
			ck_assert_msg(set->svc_counts[w * 9 + k] == (w == 2 ? expect[k] : 0),
			              "worker %zu counter %zu", w, k);
	ck_assert_uint_eq(svc_counters(set, 2, b->index)[1], 2);
	ck_assert_uint_eq(svc_counters(set, 2, c->index)[c->nregions], 1);
	answer_worker_free(&aw);
	snapshot_free(snap);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

#define ALPHA86                                                                                    \
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh"

/* ---- TSIG: NOTAUTH with BADKEY, never an answer (issue 14, defect 14) ---- */

/* The wire form of a presentation name at b; its length. */
static size_t name_at(uint8_t *b, const char *name)
{
	ldns_rdf *d = ldns_dname_new_frm_str(name);
	ck_assert_ptr_nonnull(d);
	size_t n = ldns_rdf_size(d);
	memcpy(b, ldns_rdf_data(d), n);
	ldns_rdf_deep_free(d);
	return n;
}

/* A query for name/qtype IN, id 0x4242, RD; OPT (udp 1232, NSID asked)
 * when edns; version as given; then a TSIG of key k, algorithm alg, time
 * 0x5F5E1000, fudge 300, a 32-octet MAC, original ID 0x4242. */
static size_t tsig_query(uint8_t *b, const char *name, uint16_t qtype, uint16_t qclass, bool edns,
                         uint8_t version, const char *key, const char *alg)
{
	size_t n = 0;
	memcpy(b, "\x42\x42\x01\x00\x00\x01\x00\x00\x00\x00\x00", 11);
	b[11] = edns ? 2 : 1;
	n = 12;
	n += name_at(b + n, name);
	wr16(b + n, qtype);
	wr16(b + n + 2, qclass);
	n += 4;
	if (edns) {
		static const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 4, 0, 3, 0, 0};
		memcpy(b + n, opt, sizeof(opt));
		b[n + 6] = version;
		n += sizeof(opt);
	}
	n += name_at(b + n, key);
	memcpy(b + n, "\x00\xfa\x00\xff\x00\x00\x00\x00", 8);
	n += 8;
	size_t rdlen_at = n;
	n += 2;
	n += name_at(b + n, alg);
	memcpy(b + n, "\x00\x00\x5f\x5e\x10\x00\x01\x2c\x00\x20", 10);
	n += 10;
	memset(b + n, 0xAB, 32);
	n += 32;
	memcpy(b + n, "\x42\x42\x00\x00\x00\x00", 6);
	n += 6;
	wr16(b + rdlen_at, (uint16_t)(n - rdlen_at - 2));
	return n;
}

/* The response to a packet: its length, the octets in out. */
static size_t answer_raw(const struct answer_settings *set, const uint8_t *pkt, size_t len,
                         bool tcp, const struct sockaddr *client, uint8_t *out)
{
	struct answer_request req = {.pkt = pkt, .len = len, .tcp = tcp, .client = client};
	return answer_query(db, set, &req, out, ANSWER_BUF_SIZE, &worker);
}

/* The TSIG a BADKEY response ends with for key k1.example. and hmac-sha256. */
static const uint8_t badkey_tsig[] = {
    2,    'k',  '1',  7,    'e',  'x',  'a',  'm',  'p',  'l',
    'e',  0,    0x00, 0xfa, 0x00, 0xff, 0,    0,    0,    0, /* TSIG, class ANY, TTL 0 */
    0x00, 29,                                                /* RDLENGTH: 13 + 16 */
    11,   'h',  'm',  'a',  'c',  '-',  's',  'h',  'a',  '2',
    '5',  '6',  0,    0x00, 0x00, 0x5f, 0x5e, 0x10, 0x00, /* time signed, echoed */
    0x01, 0x2c,                                           /* fudge 300 */
    0x00, 0x00,                                           /* MAC size 0 */
    0x42, 0x42,                                           /* original ID */
    0x00, 0x11,                                           /* error BADKEY (17) */
    0x00, 0x00};                                          /* other len */

START_TEST(test_tsig_badkey_exact)
{
	uint8_t q[512], out[ANSWER_BUF_SIZE];
	size_t qlen = tsig_query(q, "static.example.com.", TYPE_A, CLASS_IN, false, 0,
	                         "k1.example.", "hmac-sha256.");
	size_t n = answer_raw(&settings, q, qlen, false, NULL, out);
	static const uint8_t head[] = {
	    0x42, 0x42, 0x81, 0x09,                   /* QR RD, rcode NOTAUTH (9): no AA */
	    0,    1,    0,    0,    0,   0,   0,   1, /* the question, no answer, the TSIG */
	    6,    's',  't',  'a',  't', 'i', 'c', 7, 'e', 'x', 'a', 'm',
	    'p',  'l',  'e',  3,    'c', 'o', 'm', 0, 0,   1,   0,   1};
	ck_assert_uint_eq(n, sizeof(head) + sizeof(badkey_tsig));
	ck_assert_mem_eq(out, head, sizeof(head));
	ck_assert_mem_eq(out + sizeof(head), badkey_tsig, sizeof(badkey_tsig));
	ck_assert_uint_eq(worker.counters.rcode[RCODE_NOTAUTH], 1);

	/* the same over TCP */
	memset(out, 0, sizeof(head) + sizeof(badkey_tsig));
	n = answer_raw(&settings, q, qlen, true, NULL, out);
	ck_assert_uint_eq(n, sizeof(head) + sizeof(badkey_tsig));
	ck_assert_mem_eq(out, head, sizeof(head));
	ck_assert_mem_eq(out + sizeof(head), badkey_tsig, sizeof(badkey_tsig));
}
END_TEST

START_TEST(test_tsig_badkey_after_opt)
{
	/* EDNS with NSID asked: OPT as in any response, then the TSIG last */
	uint8_t q[512], out[ANSWER_BUF_SIZE];
	size_t qlen = tsig_query(q, "static.example.com.", TYPE_A, CLASS_IN, true, 0, "k1.example.",
	                         "hmac-sha256.");
	size_t n = answer_raw(&settings, q, qlen, false, NULL, out);
	static const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0,   0,   0,   0,  0,
	                              8, 0, 3,  0,    4,    'u', 'n', 'i', 't'};
	size_t qend = 12 + 20 + 4;
	ck_assert_uint_eq(n, qend + sizeof(opt) + sizeof(badkey_tsig));
	ck_assert_uint_eq(rd16(out + 2), 0x8109);
	ck_assert_uint_eq(rd16(out + 6), 0);
	ck_assert_uint_eq(rd16(out + 8), 0);
	ck_assert_uint_eq(rd16(out + 10), 2);
	ck_assert_mem_eq(out + qend, opt, sizeof(opt));
	ck_assert_mem_eq(out + qend + sizeof(opt), badkey_tsig, sizeof(badkey_tsig));

	/* EDNS version 1: the TSIG is checked first, NOTAUTH, not BADVERS
	 * (the OPT's extended rcode 0, version 0) */
	qlen = tsig_query(q, "static.example.com.", TYPE_A, CLASS_IN, true, 1, "k1.example.",
	                  "hmac-sha256.");
	n = answer_raw(&settings, q, qlen, false, NULL, out);
	ck_assert_uint_eq(n, qend + sizeof(opt) + sizeof(badkey_tsig));
	ck_assert_uint_eq(rd16(out + 2), 0x8109);
	ck_assert_mem_eq(out + qend, opt, sizeof(opt));
	ck_assert_mem_eq(out + qend + sizeof(opt), badkey_tsig, sizeof(badkey_tsig));
}
END_TEST

START_TEST(test_tsig_checked_first)
{
	/* AXFR, IXFR (REFUSED unsigned), class CH (REFUSED), qtype TSIG
	 * (NOTIMP), a name outside our zones (REFUSED): all NOTAUTH/BADKEY */
	static const struct {
		const char *name;
		uint16_t qtype, qclass;
	} cases[] = {{"example.com.", TYPE_AXFR, CLASS_IN},
	             {"example.com.", TYPE_IXFR, CLASS_IN},
	             {"example.com.", TYPE_SOA, CLASS_CH},
	             {"example.com.", TYPE_TSIG, CLASS_IN},
	             {"example.org.", TYPE_A, CLASS_IN}};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t q[512], out[ANSWER_BUF_SIZE];
		size_t qlen = tsig_query(q, cases[i].name, cases[i].qtype, cases[i].qclass, false,
		                         0, "k1.example.", "hmac-sha256.");
		size_t n = answer_raw(&settings, q, qlen, true, NULL, out);
		size_t qend = 12 + strlen(cases[i].name) + 1 + 4;
		ck_assert_uint_eq(n, qend + sizeof(badkey_tsig));
		ck_assert_msg(rd16(out + 2) == 0x8109, "case %zu: flags %04x", i, rd16(out + 2));
		ck_assert_uint_eq(rd16(out + 6), 0);
		ck_assert_uint_eq(rd16(out + 10), 1);
		ck_assert_mem_eq(out + qend, badkey_tsig, sizeof(badkey_tsig));
	}
}
END_TEST

START_TEST(test_tsig_answer_cache)
{
	uint8_t q[512], out[ANSWER_BUF_SIZE];
	size_t qlen = tsig_query(q, "static.example.com.", TYPE_A, CLASS_IN, false, 0,
	                         "k1.example.", "hmac-sha256.");
	/* the TSIG query first: nothing kept, so the next plain one is
	 * answered afresh */
	size_t n = answer_raw(&settings, q, qlen, false, NULL, out);
	ck_assert_uint_eq(rd16(out + 2) & 0xF, RCODE_NOTAUTH);
	ldns_pkt *r = ask("static.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
	ck_assert_uint_eq(worker.counters.answer_cache_hit, 0);
	r = ask("static.example.com.", LDNS_RR_TYPE_A, NOEDNS, NULL);
	ldns_pkt_free(r);
	ck_assert_uint_eq(worker.counters.answer_cache_hit, 1);
	/* now cached: the TSIG query is still not answered from it */
	n = answer_raw(&settings, q, qlen, false, NULL, out);
	ck_assert_uint_eq(worker.counters.answer_cache_hit, 1);
	ck_assert_uint_eq(n, 12 + 20 + 4 + sizeof(badkey_tsig));
	ck_assert_uint_eq(rd16(out + 2), 0x8109);
	ck_assert_uint_eq(rd16(out + 6), 0);
	ck_assert_mem_eq(out + 12 + 20 + 4, badkey_tsig, sizeof(badkey_tsig));
}
END_TEST

START_TEST(test_tsig_does_not_fit_udp)
{
	/* 512 octets without EDNS: a question, key and algorithm names of
	 * 100 + 200 + 200 octets do not fit with the TSIG: TC, no TSIG */
	char name[128], key[256], alg[256];
	snprintf(name, sizeof(name), "%.63s.%.22s.example.com.", ALPHA86, ALPHA86);
	snprintf(key, sizeof(key), "%.63s.%.63s.%.63s.%.6s.", ALPHA86, ALPHA86, ALPHA86, ALPHA86);
	snprintf(alg, sizeof(alg), "%.63s.%.63s.%.63s.%.6s.", ALPHA86, ALPHA86, ALPHA86, ALPHA86);
	uint8_t q[1024], out[ANSWER_BUF_SIZE];
	size_t qlen = tsig_query(q, name, TYPE_A, CLASS_IN, false, 0, key, alg);
	size_t n = answer_raw(&settings, q, qlen, false, NULL, out);
	ck_assert_uint_eq(n, 12 + 100 + 4);
	ck_assert_uint_eq(rd16(out + 2), 0x8309); /* QR TC RD, NOTAUTH */
	ck_assert_uint_eq(rd16(out + 10), 0);
	/* over TCP it fits */
	n = answer_raw(&settings, q, qlen, true, NULL, out);
	ck_assert_uint_eq(n, 12 + 100 + 4 + 200 + 10 + 200 + 16);
	ck_assert_uint_eq(rd16(out + 2), 0x8109);
	ck_assert_uint_eq(rd16(out + 10), 1);
	ck_assert_uint_eq(rd16(out + n - 4), TSIG_ERROR_BADKEY);
}
END_TEST

START_TEST(test_tsig_rrl_slip_keeps_tsig)
{
	/* rate 1: of five BADKEY responses to one client at least one is
	 * limited and, slip 1, sent truncated: still NOTAUTH, with the TSIG */
	struct answer_settings set = settings;
	set.rrl = (struct rrl_config){.rate = 1,
	                              .window = 1,
	                              .slip = 1,
	                              .ipv4_prefix = 24,
	                              .ipv6_prefix = 56,
	                              .table_size = 64};
	rrl_table_init(&worker.rrl, 64);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0xC0000201)};
	uint8_t q[512], out[ANSWER_BUF_SIZE];
	size_t qlen = tsig_query(q, "static.example.com.", TYPE_A, CLASS_IN, false, 0,
	                         "k1.example.", "hmac-sha256.");
	unsigned slipped = 0;
	for (int i = 0; i < 5; i++) {
		size_t n = answer_raw(&set, q, qlen, false, (const struct sockaddr *)&sin, out);
		ck_assert_uint_eq(n, 12 + 20 + 4 + sizeof(badkey_tsig));
		ck_assert_uint_eq(rd16(out + 2) & ~(unsigned)DNS_FLAG_TC, 0x8109);
		ck_assert_uint_eq(rd16(out + 10), 1);
		ck_assert_mem_eq(out + 12 + 20 + 4, badkey_tsig, sizeof(badkey_tsig));
		slipped += (rd16(out + 2) & DNS_FLAG_TC) != 0;
	}
	ck_assert_uint_ge(slipped, 1);
	ck_assert_uint_eq(worker.rrl.slipped, slipped);
}
END_TEST

/* ---- zones shared between snapshots (snapshot_build with a previous one) ---- */

/* The configurations name the files unit_write_file wrote by their names
 * alone (not by its returned paths, which it reuses after a few calls):
 * share.conf is written next to them, in tests/tmp/unit/, and relative
 * paths are taken from the configuration's directory. */

static const char share_regions[] =
    "  \"regions\": { \"r0\": { \"location\": [0, 0] }, \"r1\": { \"location\": [10, 10] } },\n";

/* A zone file for the sharing tests: SOA, NS ns1.a.test and extra lines;
 * each file written has a serial above the last (a changed zone must
 * raise it, serial_policy "keep"). */
static const char *share_zone(const char *name, const char *origin, const char *extra)
{
	static unsigned serial;
	char text[1024];
	snprintf(text, sizeof(text),
	         "$ORIGIN %s.\n$TTL 3600\n@ IN SOA ns1.a.test. hostmaster %u 7200 900 1209600 300\n"
	         "@ IN NS ns1.a.test.\n%s",
	         origin, ++serial, extra);
	return unit_write_file(name, text);
}

static struct config *share_config(const char *zones)
{
	char conf[2048];
	snprintf(conf, sizeof(conf),
	         "{ \"server\": { \"listen\": [\"127.0.0.1:5353\"], \"workers\": 1 },\n%s"
	         "  \"zones\": [ %s ] }\n",
	         share_regions, zones);
	struct diag d = {0};
	struct config *cfg = config_load(unit_write_file("share.conf", conf), &d);
	ck_assert_msg(cfg != NULL, "%s", d.count ? d.msgs[0] : "");
	diag_free(&d);
	return cfg;
}

static struct snapshot *share_build(const struct config *cfg, const struct snapshot *prev,
                                    uint64_t generation)
{
	struct diag d = {0};
	struct snapshot *snap = snapshot_build(cfg, prev, generation, &d);
	ck_assert_msg(snap != NULL, "%s", d.count ? d.msgs[0] : "");
	ck_assert_uint_eq(d.errors, 0);
	diag_free(&d);
	return snap;
}

/* The additional section of name's answer for type from snap, as section()
 * writes it. */
static char *share_additional(const struct snapshot *snap, const char *name, ldns_rr_type type)
{
	ldns_pkt *q = NULL;
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, type, LDNS_RR_CLASS_IN, 0),
	                 LDNS_STATUS_OK);
	uint8_t *wire;
	size_t len;
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	static uint8_t out[ANSWER_BUF_SIZE];
	struct answer_request req = {.pkt = wire, .len = len};
	struct answer_worker aw;
	answer_worker_init(&aw);
	size_t n = answer_query(snap->db, &snap->settings, &req, out, sizeof(out), &aw);
	answer_worker_free(&aw);
	free(wire);
	ldns_pkt *r = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&r, out, n), LDNS_STATUS_OK);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	char *add = section(ldns_pkt_additional(r));
	ldns_pkt_free(r);
	return add;
}

START_TEST(test_snapshots_share_unchanged_zones)
{
	/* a.test with services, b.test plain, c.test with services */
	unit_write_file("share-a.json",
	                "{ \"geo\": { \"regions\": { \"r0\": { \"A\": [\"10.0.0.1\"] } } } }\n");
	unit_write_file("share-c.json",
	                "{ \"geo\": { \"regions\": { \"r1\": { \"A\": [\"10.0.1.1\"] } } } }\n");
	share_zone("share-a.zone", "a.test", "ns1 IN A 192.0.2.1\n");
	share_zone("share-b.zone", "b.test", "www IN A 192.0.2.2\n");
	share_zone("share-c.zone", "c.test", "");
	struct config *cfg =
	    share_config("{ \"origin\": \"a.test\", \"file\": \"share-a.zone\",\n"
	                 "  \"services\": \"share-a.json\" },\n"
	                 "{ \"origin\": \"b.test\", \"file\": \"share-b.zone\" },\n"
	                 "{ \"origin\": \"c.test\", \"file\": \"share-c.zone\",\n"
	                 "  \"services\": \"share-c.json\" }");

	struct snapshot *s1 = share_build(cfg, NULL, 1);
	ck_assert_uint_eq(s1->zones_built, 3);
	ck_assert_uint_eq(s1->zones_kept, 0);
	/* the same inputs: the same zone objects */
	struct snapshot *s2 = share_build(cfg, s1, 2);
	ck_assert_uint_eq(s2->zones_built, 0);
	ck_assert_uint_eq(s2->zones_kept, 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert_ptr_eq(s2->db->zones[i], s1->db->zones[i]);
	ck_assert_uint_eq(s2->db->zones[2]->services->svcs[0].index, 1);
	snapshot_free(s1); /* the shared zones live on in s2 */

	/* b.test's file changed (same length): b.test alone rebuilt */
	share_zone("share-b.zone", "b.test", "www IN A 192.0.2.3\n");
	struct snapshot *s3 = share_build(cfg, s2, 3);
	ck_assert_uint_eq(s3->zones_built, 1);
	ck_assert_uint_eq(s3->zones_kept, 2);
	ck_assert_ptr_eq(s3->db->zones[0], s2->db->zones[0]);
	ck_assert_ptr_ne(s3->db->zones[1], s2->db->zones[1]);
	ck_assert_ptr_eq(s3->db->zones[2], s2->db->zones[2]);
	snapshot_free(s2);

	/* a services file changed: its zone rebuilt */
	unit_write_file("share-c.json",
	                "{ \"geo\": { \"regions\": { \"r1\": { \"A\": [\"10.0.1.2\"] } } } }\n");
	struct snapshot *s4 = share_build(cfg, s3, 4);
	ck_assert_uint_eq(s4->zones_built, 1);
	ck_assert_ptr_eq(s4->db->zones[0], s3->db->zones[0]);
	ck_assert_ptr_eq(s4->db->zones[1], s3->db->zones[1]);
	ck_assert_ptr_ne(s4->db->zones[2], s3->db->zones[2]);
	snapshot_free(s3);

	/* a service more in a.test: c.test's services would be numbered
	 * differently, and a shared zone is never renumbered, so c.test is
	 * rebuilt too; b.test (no services) is kept */
	unit_write_file("share-a.json",
	                "{ \"geo\": { \"regions\": { \"r0\": { \"A\": [\"10.0.0.1\"] } } },\n"
	                "  \"geo2\": { \"regions\": { \"r0\": { \"A\": [\"10.0.0.2\"] } } } }\n");
	struct snapshot *s5 = share_build(cfg, s4, 5);
	ck_assert_uint_eq(s5->zones_built, 2);
	ck_assert_uint_eq(s5->zones_kept, 1);
	ck_assert_ptr_eq(s5->db->zones[1], s4->db->zones[1]);
	ck_assert_uint_eq(s5->db->zones[2]->services->svcs[0].index, 2);
	ck_assert_uint_eq(s5->settings.nservices, 3);
	snapshot_free(s4);

	/* another config entry for the same origin and file (a services file
	 * added) is another zone */
	config_free(cfg);
	unit_write_file("share-b.json", "{}\n");
	cfg = share_config("{ \"origin\": \"a.test\", \"file\": \"share-a.zone\",\n"
	                   "  \"services\": \"share-a.json\" },\n"
	                   "{ \"origin\": \"b.test\", \"file\": \"share-b.zone\",\n"
	                   "  \"services\": \"share-b.json\" },\n"
	                   "{ \"origin\": \"c.test\", \"file\": \"share-c.zone\",\n"
	                   "  \"services\": \"share-c.json\" }");
	struct snapshot *s6 = share_build(cfg, s5, 6);
	ck_assert_uint_eq(s6->zones_built, 1);
	ck_assert_ptr_ne(s6->db->zones[1], s5->db->zones[1]);
	snapshot_free(s5);
	snapshot_free(s6);
	config_free(cfg);
}
END_TEST

START_TEST(test_out_of_zone_targets_follow_reload)
{
	/* c.test's NS, MX and SRV targets are in a.test and b.test */
	share_zone("tgt-a.zone", "a.test", "ns1 IN A 192.0.2.1\n");
	share_zone("tgt-b.zone", "b.test", "mail IN A 192.0.2.20\nsip IN AAAA 2001:db8::20\n");
	share_zone("tgt-c.zone", "c.test",
	           "@ IN MX 10 mail.b.test.\n_sip._udp IN SRV 10 60 5060 sip.b.test.\n");
	struct config *cfg = share_config("{ \"origin\": \"a.test\", \"file\": \"tgt-a.zone\" },\n"
	                                  "{ \"origin\": \"b.test\", \"file\": \"tgt-b.zone\" },\n"
	                                  "{ \"origin\": \"c.test\", \"file\": \"tgt-c.zone\" }");
	settings.answer_cache_off = true;
	struct snapshot *s1 = share_build(cfg, NULL, 1);
	ck_assert_str_eq(share_additional(s1, "c.test.", LDNS_RR_TYPE_MX),
	                 "mail.b.test. 3600 IN A 192.0.2.20\n");
	ck_assert_str_eq(share_additional(s1, "_sip._udp.c.test.", LDNS_RR_TYPE_SRV),
	                 "sip.b.test. 3600 IN AAAA 2001:db8::20\n");
	ck_assert_str_eq(share_additional(s1, "c.test.", LDNS_RR_TYPE_NS),
	                 "ns1.a.test. 3600 IN A 192.0.2.1\n");

	/* b.test rebuilt with new addresses, c.test and a.test kept: c.test's
	 * answers take them from the new b.test */
	share_zone("tgt-b.zone", "b.test", "mail IN A 192.0.2.21\nsip IN AAAA 2001:db8::21\n");
	struct snapshot *s2 = share_build(cfg, s1, 2);
	ck_assert_uint_eq(s2->zones_built, 1);
	ck_assert_ptr_eq(s2->db->zones[2], s1->db->zones[2]);
	ck_assert_ptr_eq(s2->db->zones[0], s1->db->zones[0]);
	snapshot_free(s1); /* the old b.test is gone */
	ck_assert_str_eq(share_additional(s2, "c.test.", LDNS_RR_TYPE_MX),
	                 "mail.b.test. 3600 IN A 192.0.2.21\n");
	ck_assert_str_eq(share_additional(s2, "_sip._udp.c.test.", LDNS_RR_TYPE_SRV),
	                 "sip.b.test. 3600 IN AAAA 2001:db8::21\n");

	/* a.test rebuilt: the NS target's address follows, c.test kept */
	share_zone("tgt-a.zone", "a.test", "ns1 IN A 192.0.2.2\n");
	struct snapshot *s3 = share_build(cfg, s2, 3);
	ck_assert_uint_eq(s3->zones_built, 1);
	ck_assert_ptr_eq(s3->db->zones[2], s2->db->zones[2]);
	snapshot_free(s2);
	ck_assert_str_eq(share_additional(s3, "c.test.", LDNS_RR_TYPE_NS),
	                 "ns1.a.test. 3600 IN A 192.0.2.2\n");
	snapshot_free(s3);
	config_free(cfg);
	settings.answer_cache_off = false;
}
END_TEST

START_TEST(test_nested_zone_targets)
{
	/* sub.p.test is hosted inside p.test without a delegation: p.test's MX
	 * target under it is answered from sub.p.test, as a query for it is */
	struct diag d = {0};
	struct zone **zs = calloc(2, sizeof(*zs));
	struct zone_config p = {.origin = "p.test",
	                        .file =
	                            share_zone("nest-p.zone", "p.test",
	                                       "@ IN MX 10 mail.sub\nmail.sub IN A 192.0.2.1\n")};
	struct zone_config sub = {
	    .origin = "sub.p.test",
	    .file = share_zone("nest-sub.zone", "sub.p.test", "mail IN A 192.0.2.2\n")};
	zs[0] = zone_load(&p, &d);
	zs[1] = zone_load(&sub, &d);
	ck_assert_ptr_nonnull(zs[0]);
	ck_assert_ptr_nonnull(zs[1]);
	struct zonedb *ndb = zonedb_build(zs, 2, &d);
	ck_assert_ptr_nonnull(ndb);
	ck_assert(ndb->nested);
	struct snapshot snap = {.db = ndb, .settings = settings};
	snap.settings.answer_cache_off = true;
	ck_assert_str_eq(share_additional(&snap, "p.test.", LDNS_RR_TYPE_MX),
	                 "mail.sub.p.test. 3600 IN A 192.0.2.2\n");
	zonedb_free(ndb);
	diag_free(&d);
}
END_TEST

Suite *answer_suite(void)
{
	Suite *s = suite_create("answer");
	TCase *tc = tcase_create("rules");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_positive_answer);
	tcase_add_test(tc, test_chaos);
	tcase_add_test(tc, test_case_preserved);
	tcase_add_test(tc, test_nxdomain_and_nodata);
	tcase_add_test(tc, test_empty_non_terminal_is_nodata);
	tcase_add_test(tc, test_refused_outside);
	tcase_add_test(tc, test_cname_chain);
	tcase_add_test(tc, test_cname_loop);
	tcase_add_test(tc, test_cname_out_of_zone);
	tcase_add_test(tc, test_dname);
	tcase_add_test(tc, test_referral);
	tcase_add_test(tc, test_wildcard);
	tcase_add_test(tc, test_additional_mx_srv_ns);
	tcase_add_test(tc, test_any);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_compression);
	tcase_add_test(tc, test_negative_soa_template);
	tcase_add_test(tc, test_edns_badvers_and_nsid);
	tcase_add_test(tc, test_header_rules);
	suite_add_tcase(s, tc);
	tc = tcase_create("tsig");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tsig_badkey_exact);
	tcase_add_test(tc, test_tsig_badkey_after_opt);
	tcase_add_test(tc, test_tsig_checked_first);
	tcase_add_test(tc, test_tsig_answer_cache);
	tcase_add_test(tc, test_tsig_does_not_fit_udp);
	tcase_add_test(tc, test_tsig_rrl_slip_keeps_tsig);
	suite_add_tcase(s, tc);
	tc = tcase_create("service_counters");
	tcase_add_test(tc, test_service_counters_sized_by_service_regions);
	suite_add_tcase(s, tc);
	tc = tcase_create("zone_sharing");
	tcase_add_test(tc, test_snapshots_share_unchanged_zones);
	tcase_add_test(tc, test_out_of_zone_targets_follow_reload);
	tcase_add_test(tc, test_nested_zone_targets);
	suite_add_tcase(s, tc);
	return s;
}
