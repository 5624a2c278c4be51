/*
 * test_dnssec_answer.c - signed answers (query/dnssec.c) from a snapshot
 * built from a configuration with zones[].dnssec.key, for keys of both
 * algorithms made by the ldns library: every RRSIG of the answer and
 * authority sections verified by ldns (ldns_verify_rrsig_keylist) against
 * the zone's DNSKEY, for a static name, a geo answer for two clients, a
 * CNAME, a wildcard (with the NSEC of its next closer name), NODATA,
 * NXDOMAIN as compact denial (RFC 9824, with and without Compact Answers
 * OK), a wildcard's NODATA, the RFC 8482 HINFO, an NSEC question
 * (answered with the name's NSEC), a referral (NS unsigned, an NSEC for
 * the absent DS) and the DNSKEY query; and responses without DO octet
 * for octet those of the same zones unsigned, the answer cache included.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "conf/config.h"
#include "dnssec/key.h"
#include "query/answer.h"
#include "server/snapshot.h"
#include "unit.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned algorithms[2] = {13, 15};

static struct config *cfg_signed, *cfg_plain;
static struct snapshot *snap_signed, *snap_plain;
static struct answer_worker worker, plain_worker;
static ldns_rr_list *dnskeys; /* the zone's DNSKEY as ldns reads it */

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

/* The demo zones with their services, example.com signed with key base
 * (NULL: unsigned), in the regions and GeoIP database of the geo tests. */
static struct config *demo_config_publish(const char *name, const char *base,
                                          const char *publish)
{
	char dnssec[2048] = "";
	if (base)
		snprintf(dnssec, sizeof(dnssec), ", \"dnssec\": {\"key\": \"%s\"%s%s}", unit_abs(base),
		         publish ? ", \"publish\": " : "", publish ? publish : "");
	char text[4096];
	snprintf(text, sizeof(text),
	         "{\"geoip\": {\"database\": \"%s\"},\n"
	         " \"regions\": {\"us-east\": {\"location\": [38.9, -77.0]},\n"
	         "   \"eu-west\": {\"location\": [53.3, -6.3]},\n"
	         "   \"ap-south\": {\"location\": [1.35, 103.8]}},\n"
	         " \"zones\": [{\"origin\": \"example.com\", \"file\": \"%s\",\n"
	         "   \"services\": \"%s\"%s},\n"
	         "  {\"origin\": \"example.net\", \"file\": \"%s\"}]}\n",
	         unit_abs("tests/tmp/geo/city.mmdb"), unit_abs("zones/example.com.zone"),
	         unit_abs("zones/example.com.services.json"), dnssec,
	         unit_abs("zones/example.net.zone"));
	struct diag d = {0};
	struct config *cfg = config_load(unit_write_file(name, text), &d);
	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	diag_free(&d);
	return cfg;
}

static struct config *demo_config(const char *name, const char *base)
{
	return demo_config_publish(name, base, NULL);
}

static struct snapshot *build(const struct config *cfg)
{
	struct diag d = {0};
	struct snapshot *s = snapshot_build(cfg, NULL, 1, &d);
	if (!s || d.count)
		dump(&d);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
	return s;
}

static void setup_algorithm(unsigned algorithm)
{
	char base[512];
	unit_dnssec_ldns_key(algorithm, "example.com.", base, sizeof(base));
	cfg_signed = demo_config("dnssec-signed.json", base);
	cfg_plain = demo_config("dnssec-plain.json", NULL);
	snap_signed = build(cfg_signed);
	snap_plain = build(cfg_plain);
	/* the key is example.com's (db->zones[0]); example.net is unsigned */
	ck_assert_uint_eq(snap_signed->settings.nzone_keys, 1);
	ck_assert_ptr_nonnull(snap_signed->dnssec_keys[0]);
	ck_assert_ptr_null(snap_signed->dnssec_keys[1]);
	ck_assert_uint_eq(snap_signed->dnssec_keys[0]->algorithm, algorithm);
	ck_assert_ptr_eq(answer_zone_key(&snap_signed->settings, snap_signed->db->zones[0]),
	                 snap_signed->dnssec_keys[0]);
	ck_assert_ptr_null(answer_zone_key(&snap_signed->settings, snap_signed->db->zones[1]));
	ck_assert_uint_eq(snap_plain->settings.nzone_keys, 0);
	const struct dnssec_key *k = snap_signed->dnssec_keys[0];
	dnskeys = ldns_rr_list_new();
	ldns_rr_list_push_rr(dnskeys, unit_ldns_rr(k->owner, k->owner_len, LDNS_RR_TYPE_DNSKEY,
	                                           3600, k->dnskey, k->dnskey_len));
	answer_worker_init(&worker);
	answer_worker_init(&plain_worker);
}

static void teardown(void)
{
	snapshot_free(snap_signed);
	snapshot_free(snap_plain);
	config_free(cfg_signed);
	config_free(cfg_plain);
	ldns_rr_list_deep_free(dnskeys);
	answer_worker_free(&worker);
	answer_worker_free(&plain_worker);
}

struct ask {
	bool edns, dnssec, compact; /* EDNS, DO, CO */
	bool tcp;
	const char *client;         /* IPv4 source address; NULL: 192.0.2.10 */
};

/* The response to name/type from the snapshot into out (its length). */
static size_t ask_wire(struct snapshot *s, struct answer_worker *aw, const char *name,
                       ldns_rr_type type, struct ask a, uint8_t *out, size_t cap)
{
	ldns_pkt *q = NULL;
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, type, LDNS_RR_CLASS_IN, 0),
	                 LDNS_STATUS_OK);
	ldns_pkt_set_id(q, 4711);
	if (a.edns || a.dnssec) {
		ldns_pkt_set_edns_udp_size(q, 1232);
		ldns_pkt_set_edns_do(q, a.dnssec);
		if (a.compact)
			ldns_pkt_set_edns_z(q, EDNS_FLAG_DO | EDNS_FLAG_CO);
		ldns_pkt_set_edns_data(q, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, 0, ""));
	}
	uint8_t *wire;
	size_t len;
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(5353)};
	ck_assert_int_eq(inet_pton(AF_INET, a.client ? a.client : "192.0.2.10", &sin.sin_addr), 1);
	struct answer_request req = {
	    .pkt = wire, .len = len, .client = (const struct sockaddr *)&sin, .tcp = a.tcp};
	size_t n = answer_query(s->db, &s->settings, &req, out, cap, aw);
	free(wire);
	ck_assert_uint_gt(n, 0);
	return n;
}

static ldns_pkt *ask(const char *name, ldns_rr_type type, struct ask a)
{
	static uint8_t out[ANSWER_BUF_SIZE];
	size_t n = ask_wire(snap_signed, &worker, name, type, a, out, sizeof(out));
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&p, out, n), LDNS_STATUS_OK);
	return p;
}

#define DO ((struct ask){.dnssec = true})

/* Verify every RRSIG of the section with ldns against the zone's DNSKEY;
 * every other RRset of it must have one, but the type unsigned (an NS
 * set in a referral's authority: 0 for none). The signatures verified. */
static unsigned verify_section(const ldns_rr_list *sec, ldns_rr_type unsigned_type)
{
	unsigned verified = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(sec); i++) {
		ldns_rr *rr = ldns_rr_list_rr(sec, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		ldns_rr_type covered = t;
		if (t == LDNS_RR_TYPE_RRSIG)
			covered = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
		ldns_rr_list *set = ldns_rr_list_new(), *sigs = ldns_rr_list_new();
		for (size_t k = 0; k < ldns_rr_list_rr_count(sec); k++) {
			ldns_rr *o = ldns_rr_list_rr(sec, k);
			if (ldns_dname_compare(ldns_rr_owner(o), ldns_rr_owner(rr)) != 0)
				continue;
			if (ldns_rr_get_type(o) == covered)
				ldns_rr_list_push_rr(set, o);
			else if (ldns_rr_get_type(o) == LDNS_RR_TYPE_RRSIG &&
			         ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(o)) == covered)
				ldns_rr_list_push_rr(sigs, o);
		}
		char *s = ldns_rr2str(rr);
		if (t == unsigned_type) {
			ck_assert_msg(ldns_rr_list_rr_count(sigs) == 0, "signed: %s", s);
		} else if (t == LDNS_RR_TYPE_RRSIG) {
			ck_assert_msg(ldns_rr_list_rr_count(set) > 0, "nothing signed: %s", s);
			ldns_rr_list *good = ldns_rr_list_new();
			ldns_status st = ldns_verify_rrsig_keylist(set, rr, dnskeys, good);
			ck_assert_msg(st == LDNS_STATUS_OK, "%s: %s", ldns_get_errorstr_by_id(st),
			              s);
			ldns_rr_list_free(good);
			verified++;
		} else {
			ck_assert_msg(ldns_rr_list_rr_count(sigs) == 1, "not signed once: %s", s);
		}
		free(s);
		ldns_rr_list_free(set);
		ldns_rr_list_free(sigs);
	}
	return verified;
}

static unsigned verify(const ldns_pkt *p, ldns_rr_type unsigned_type)
{
	return verify_section(ldns_pkt_answer(p), 0) +
	       verify_section(ldns_pkt_authority(p), unsigned_type);
}

/* Record i of a section in presentation form, tabs as spaces, no newline. */
static char *rr_text(const ldns_rr_list *l, size_t i)
{
	static char buf[1024];
	char *s = ldns_rr2str(ldns_rr_list_rr(l, i));
	snprintf(buf, sizeof(buf), "%s", s);
	free(s);
	for (char *t = buf; *t; t++)
		if (*t == '\t')
			*t = ' ';
	size_t n = strcspn(buf, "\n");
	while (n > 0 && buf[n - 1] == ' ')
		n--; /* ldns ends an NSEC's bitmap with one */
	buf[n] = '\0';
	return buf;
}

static void expect_rr(const ldns_rr_list *l, size_t i, const char *text)
{
	ck_assert_uint_gt(ldns_rr_list_rr_count(l), i);
	ck_assert_str_eq(rr_text(l, i), text);
}

/* Record i of the section is an RRSIG of this type with these labels. */
static void expect_rrsig(const ldns_rr_list *l, size_t i, ldns_rr_type covered, unsigned labels)
{
	ck_assert_uint_gt(ldns_rr_list_rr_count(l), i);
	ldns_rr *rr = ldns_rr_list_rr(l, i);
	ck_assert_int_eq(ldns_rr_get_type(rr), LDNS_RR_TYPE_RRSIG);
	ck_assert_int_eq(ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)), covered);
	ck_assert_uint_eq(ldns_rdf2native_int8(ldns_rr_rrsig_labels(rr)), labels);
	ck_assert_uint_eq(ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rr)),
	                  snap_signed->dnssec_keys[0]->key_tag);
}

START_TEST(test_static_signed)
{
	setup_algorithm(algorithms[_i]);
	ldns_pkt *p = ask("static.example.com.", LDNS_RR_TYPE_A, DO);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(p));
	ck_assert(ldns_pkt_edns_do(p));
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	expect_rr(ldns_pkt_answer(p), 0, "static.example.com. 3600 IN A 192.0.2.80");
	expect_rrsig(ldns_pkt_answer(p), 1, LDNS_RR_TYPE_A, 3);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 0);
	ck_assert_uint_eq(verify(p, 0), 1);
	ldns_pkt_free(p);
	/* again: the same from the answer cache (and the signature cache) */
	p = ask("static.example.com.", LDNS_RR_TYPE_A, DO);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ck_assert_uint_eq(verify(p, 0), 1);
	ldns_pkt_free(p);
	ck_assert_uint_ge(worker.counters.answer_cache_hit, 1);
	/* one signature made; the replay needed none */
	ck_assert_uint_eq(worker.counters.signatures, 1);
	ck_assert_uint_eq(worker.counters.signature_cache_hits, 0);
	teardown();
}
END_TEST

/* Two clients, two regions: each its own address set, each signed. */
START_TEST(test_geo_signed)
{
	setup_algorithm(algorithms[_i]);
	ldns_pkt *p = ask("www.example.com.", LDNS_RR_TYPE_A,
	                  (struct ask){.dnssec = true, .client = "192.0.2.10"});
	ck_assert_uint_eq(ldns_pkt_ancount(p), 3); /* max_answers 2, and the RRSIG */
	ck_assert(strstr(rr_text(ldns_pkt_answer(p), 0), "IN A 192.0.2.1"));
	ck_assert(strstr(rr_text(ldns_pkt_answer(p), 1), "IN A 192.0.2.1"));
	expect_rrsig(ldns_pkt_answer(p), 2, LDNS_RR_TYPE_A, 3);
	ck_assert_uint_eq(verify(p, 0), 1);
	ldns_pkt_free(p);
	p = ask("www.example.com.", LDNS_RR_TYPE_A,
	        (struct ask){.dnssec = true, .client = "198.51.100.70"});
	ck_assert_uint_eq(ldns_pkt_ancount(p), 3);
	expect_rr(ldns_pkt_answer(p), 0, "www.example.com. 30 IN A 198.51.100.10");
	expect_rr(ldns_pkt_answer(p), 1, "www.example.com. 30 IN A 198.51.100.11");
	expect_rrsig(ldns_pkt_answer(p), 2, LDNS_RR_TYPE_A, 3);
	ck_assert_uint_eq(verify(p, 0), 1);
	ldns_pkt_free(p);
	teardown();
}
END_TEST

START_TEST(test_cname_signed)
{
	setup_algorithm(algorithms[_i]);
	ldns_pkt *p = ask("chain.example.com.", LDNS_RR_TYPE_A, DO);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 6);
	expect_rr(ldns_pkt_answer(p), 0, "chain.example.com. 3600 IN CNAME alias.example.com.");
	expect_rrsig(ldns_pkt_answer(p), 1, LDNS_RR_TYPE_CNAME, 3);
	expect_rr(ldns_pkt_answer(p), 2, "alias.example.com. 3600 IN CNAME static.example.com.");
	expect_rr(ldns_pkt_answer(p), 4, "static.example.com. 3600 IN A 192.0.2.80");
	ck_assert_uint_eq(verify(p, 0), 3);
	ldns_pkt_free(p);
	/* with the answer cache off, the same RRsets from the signature cache */
	snap_signed->settings.answer_cache_off = true;
	p = ask("chain.example.com.", LDNS_RR_TYPE_A, DO);
	ck_assert_uint_eq(verify(p, 0), 3);
	ldns_pkt_free(p);
	ck_assert_uint_eq(worker.counters.signatures, 3);
	ck_assert_uint_eq(worker.counters.signature_cache_hits, 3);
	teardown();
}
END_TEST

/* The answer signed as the wildcard's (Labels 2 under *.wild: 3), and the
 * NSEC that covers exactly the next closer name. */
START_TEST(test_wildcard_signed)
{
	setup_algorithm(algorithms[_i]);
	ldns_pkt *p = ask("x.y.wild.example.com.", LDNS_RR_TYPE_A, DO);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	expect_rr(ldns_pkt_answer(p), 0, "x.y.wild.example.com. 3600 IN A 192.0.2.99");
	expect_rrsig(ldns_pkt_answer(p), 1, LDNS_RR_TYPE_A, 3);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 2);
	ldns_rr *nsec = ldns_rr_list_rr(ldns_pkt_authority(p), 0);
	ck_assert_int_eq(ldns_rr_get_type(nsec), LDNS_RR_TYPE_NSEC);
	ldns_rdf *closer = ldns_dname_new_frm_str("y.wild.example.com.");
	ldns_rdf *below = ldns_dname_new_frm_str("a.b.y.wild.example.com.");
	ldns_rdf *exists = ldns_dname_new_frm_str("exists.wild.example.com.");
	ldns_rdf *next = ldns_rr_rdf(nsec, 0);
	ck_assert_int_lt(ldns_dname_compare(ldns_rr_owner(nsec), closer), 0);
	ck_assert_int_gt(ldns_dname_compare(next, below), 0);
	/* nothing that exists is covered */
	ck_assert_int_gt(ldns_dname_compare(ldns_rr_owner(nsec), exists), 0);
	ldns_rdf *parent = ldns_dname_new_frm_str("wild.example.com.");
	ck_assert(ldns_dname_is_subdomain(ldns_rr_owner(nsec), parent));
	ldns_rdf_deep_free(parent);
	ldns_rdf_deep_free(closer);
	ldns_rdf_deep_free(below);
	ldns_rdf_deep_free(exists);
	/* the predecessor: three labels of 0xFF octets, "w" and 62 of them */
	expect_rrsig(ldns_pkt_authority(p), 1, LDNS_RR_TYPE_NSEC, 7);
	ck_assert_uint_eq(verify(p, 0), 2);
	ldns_pkt_free(p);
	teardown();
}
END_TEST

/* A signed denial of name/type: no answer, the SOA and the NSEC (its
 * text nsec) with their RRSIGs, both verified, this rcode and CO bit. */
static void expect_denial(const char *name, ldns_rr_type type, struct ask a, const char *nsec,
                          ldns_pkt_rcode rcode)
{
	ldns_pkt *p = ask(name, type, a);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), rcode);
	ck_assert(ldns_pkt_aa(p));
	ck_assert_uint_eq(ldns_pkt_ancount(p), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 4);
	const ldns_rr_list *ns = ldns_pkt_authority(p);
	ck_assert(strstr(rr_text(ns, 0), "example.com. 300 IN SOA ns1.example.com."));
	expect_rrsig(ns, 1, LDNS_RR_TYPE_SOA, 2);
	expect_rr(ns, 2, nsec);
	ck_assert_uint_eq(verify(p, 0), 2);
	ck_assert_uint_eq(ldns_pkt_edns_z(p) & EDNS_FLAG_CO, a.compact ? EDNS_FLAG_CO : 0);
	ldns_pkt_free(p);
}

/* NODATA: the SOA and the NSEC of the name with its types, signed. */
START_TEST(test_nodata_signed)
{
	setup_algorithm(algorithms[_i]);
	expect_denial("mail.example.com.", LDNS_RR_TYPE_TXT, DO,
	              "mail.example.com. 300 IN NSEC \\000.mail.example.com. A AAAA RRSIG NSEC",
	              LDNS_RCODE_NOERROR);
	/* a service name: A and AAAA in the bitmap whatever the client got,
	 * never the CNAME a region answers with (no NODATA proof then) */
	expect_denial("www.example.com.", LDNS_RR_TYPE_TXT, DO,
	              "www.example.com. 300 IN NSEC \\000.www.example.com. A AAAA RRSIG NSEC",
	              LDNS_RCODE_NOERROR);
	/* a region without AAAA (eu-west): the proof of this client's NODATA */
	expect_denial("www.example.com.", LDNS_RR_TYPE_AAAA,
	              (struct ask){.dnssec = true, .client = "198.51.100.70"},
	              "www.example.com. 300 IN NSEC \\000.www.example.com. A RRSIG NSEC",
	              LDNS_RCODE_NOERROR);
	/* the apex lists the DNSKEY it answers */
	expect_denial(
	    "example.com.", LDNS_RR_TYPE_SSHFP, DO,
	    "example.com. 300 IN NSEC \\000.example.com. NS SOA MX TXT RRSIG NSEC DNSKEY CDS CDNSKEY "
	    "CAA",
	    LDNS_RCODE_NOERROR);
	teardown();
}
END_TEST

/* NXDOMAIN: NOERROR with the NXNAME NSEC; NXDOMAIN when the query sets
 * Compact Answers OK, which the response echoes. */
START_TEST(test_nxdomain_compact)
{
	setup_algorithm(algorithms[_i]);
	const char *nsec =
	    "nope.example.com. 300 IN NSEC \\000.nope.example.com. RRSIG NSEC TYPE128";
	expect_denial("nope.example.com.", LDNS_RR_TYPE_A, DO, nsec, LDNS_RCODE_NOERROR);
	expect_denial("nope.example.com.", LDNS_RR_TYPE_A,
	              (struct ask){.dnssec = true, .compact = true}, nsec, LDNS_RCODE_NXDOMAIN);
	teardown();
}
END_TEST

/* A wildcard's NODATA: the NSEC of the name asked for with the wildcard's
 * types, and the SOA signed as the apex's (Labels 2). Regression: the SOA
 * was signed as if its owner were the wildcard (Labels 3), which a
 * validator (unbound: "signature labelcount out of range") takes as bogus. */
START_TEST(test_wildcard_nodata_signed)
{
	setup_algorithm(algorithms[_i]);
	const char *nsec =
	    "x.wild.example.com. 300 IN NSEC \\000.x.wild.example.com. A TXT RRSIG NSEC";
	for (int round = 0; round < 2; round++) /* the second from the caches */
		expect_denial("x.wild.example.com.", LDNS_RR_TYPE_MX, DO, nsec, LDNS_RCODE_NOERROR);
	teardown();
}
END_TEST

/* The answer to name/type with DO: text, then its RRSIG (labels), nothing
 * else; NOERROR, the signature verified. */
static void expect_signed_answer(const char *name, ldns_rr_type type, const char *text,
                                 unsigned labels)
{
	ldns_pkt *p = ask(name, type, DO);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(p));
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	expect_rr(ldns_pkt_answer(p), 0, text);
	expect_rrsig(ldns_pkt_answer(p), 1,
	             ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), 0)), labels);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 0);
	ck_assert_uint_eq(verify(p, 0), 1);
	ldns_pkt_free(p);
}

/* RFC 8482 over UDP: the synthesized HINFO is signed like any RRset of the
 * zone (regression: it went out unsigned, bogus to a validator); at a
 * wildcard as the wildcard's, with the NSEC of the next closer name. */
START_TEST(test_any_signed)
{
	setup_algorithm(algorithms[_i]);
	expect_signed_answer("static.example.com.", LDNS_RR_TYPE_ANY,
	                     "static.example.com. 3600 IN HINFO \"RFC8482\" \"\"", 3);
	ldns_pkt *p = ask("x.wild.example.com.", LDNS_RR_TYPE_ANY, DO);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	expect_rr(ldns_pkt_answer(p), 0, "x.wild.example.com. 3600 IN HINFO \"RFC8482\" \"\"");
	expect_rrsig(ldns_pkt_answer(p), 1, LDNS_RR_TYPE_HINFO, 3);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 2);
	ck_assert_int_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_authority(p), 0)),
	                 LDNS_RR_TYPE_NSEC);
	ck_assert_uint_eq(verify(p, 0), 2);
	ldns_pkt_free(p);
	teardown();
}
END_TEST

static void expect_nsec_answer(const char *name, const char *text, unsigned labels)
{
	expect_signed_answer(name, LDNS_RR_TYPE_NSEC, text, labels);
}

/* An NSEC question is answered with the name's compact NSEC. Regression:
 * it got a NODATA whose own NSEC lists NSEC, a proof that fails (unbound:
 * "nodata proof failed"). A CNAME there is not followed (the NSEC lives
 * beside it); a name that does not exist gets its NXNAME NSEC, or with
 * Compact Answers OK the NXDOMAIN denial; without DO nothing changed. */
START_TEST(test_nsec_question)
{
	setup_algorithm(algorithms[_i]);
	expect_nsec_answer(
	    "static.example.com.",
	    "static.example.com. 300 IN NSEC \\000.static.example.com. A AAAA RRSIG NSEC", 3);
	expect_nsec_answer(
	    "alias.example.com.",
	    "alias.example.com. 300 IN NSEC \\000.alias.example.com. CNAME RRSIG NSEC", 3);
	expect_nsec_answer("www.example.com.",
	                   "www.example.com. 300 IN NSEC \\000.www.example.com. A AAAA RRSIG NSEC",
	                   3);
	/* under a wildcard: the name's own, no wildcard expansion to prove */
	expect_nsec_answer(
	    "x.wild.example.com.",
	    "x.wild.example.com. 300 IN NSEC \\000.x.wild.example.com. A TXT RRSIG NSEC", 4);
	const char *nx = "nope.example.com. 300 IN NSEC \\000.nope.example.com. RRSIG NSEC TYPE128";
	expect_nsec_answer("nope.example.com.", nx, 3);
	expect_denial("nope.example.com.", LDNS_RR_TYPE_NSEC,
	              (struct ask){.dnssec = true, .compact = true}, nx, LDNS_RCODE_NXDOMAIN);
	ldns_pkt *p = ask("static.example.com.", LDNS_RR_TYPE_NSEC, (struct ask){.edns = true});
	ck_assert_uint_eq(ldns_pkt_ancount(p), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 1); /* the SOA */
	ldns_pkt_free(p);
	teardown();
}
END_TEST

/* A referral: NS unsigned; the cut's DS signed, or when it has none
 * (the zone without the DS record) the NSEC of the cut, signed. */
START_TEST(test_referral_signed)
{
	setup_algorithm(algorithms[_i]);
	ldns_pkt *p = ask("www.sub.example.com.", LDNS_RR_TYPE_A, DO);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert(!ldns_pkt_aa(p));
	ck_assert_uint_eq(ldns_pkt_ancount(p), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 4);
	const ldns_rr_list *ns = ldns_pkt_authority(p);
	expect_rr(ns, 0, "sub.example.com. 3600 IN NS ns1.example.com.");
	expect_rr(ns, 1, "sub.example.com. 3600 IN NS ns.sub.example.com.");
	expect_rr(ns, 2,
	          "sub.example.com. 3600 IN DS 12345 13 2 "
	          "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	expect_rrsig(ns, 3, LDNS_RR_TYPE_DS, 3);
	ck_assert_uint_eq(verify(p, LDNS_RR_TYPE_NS), 1);
	ck_assert_uint_ge(ldns_pkt_arcount(p), 2); /* the glue and OPT */
	ldns_pkt_free(p);
	teardown();

	/* the same delegation without its DS */
	char base[512], text[2048];
	unit_dnssec_ldns_key(algorithms[_i], "example.com.", base, sizeof(base));
	const char *zone =
	    unit_write_file("dnssec-nods.zone", "$ORIGIN example.com.\n$TTL 3600\n"
	                                        "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
	                                        "@ IN NS ns1\nns1 IN A 192.0.2.1\n"
	                                        "sub IN NS ns.sub\nns.sub IN A 192.0.2.53\n");
	snprintf(text, sizeof(text),
	         "{\"zones\": [{\"origin\": \"example.com\", \"file\": \"%s\",\n"
	         "  \"dnssec\": {\"key\": \"%s\"}}]}\n",
	         unit_abs(zone), unit_abs(base));
	struct diag d = {0};
	cfg_signed = config_load(unit_write_file("dnssec-nods.json", text), &d);
	ck_assert_ptr_nonnull(cfg_signed);
	snap_signed = build(cfg_signed);
	const struct dnssec_key *k = snap_signed->dnssec_keys[0];
	dnskeys = ldns_rr_list_new();
	ldns_rr_list_push_rr(dnskeys, unit_ldns_rr(k->owner, k->owner_len, LDNS_RR_TYPE_DNSKEY,
	                                           3600, k->dnskey, k->dnskey_len));
	answer_worker_init(&worker);
	p = ask("www.sub.example.com.", LDNS_RR_TYPE_A, DO);
	ns = ldns_pkt_authority(p);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 3);
	expect_rr(ns, 0, "sub.example.com. 3600 IN NS ns.sub.example.com.");
	expect_rr(ns, 1, "sub.example.com. 300 IN NSEC \\000.sub.example.com. NS RRSIG NSEC");
	expect_rrsig(ns, 2, LDNS_RR_TYPE_NSEC, 3);
	ck_assert_uint_eq(verify(p, LDNS_RR_TYPE_NS), 1);
	ldns_pkt_free(p);
	snapshot_free(snap_signed);
	config_free(cfg_signed);
	ldns_rr_list_deep_free(dnskeys);
	answer_worker_free(&worker);
	diag_free(&d);
}
END_TEST

START_TEST(test_dnskey_signed)
{
	setup_algorithm(algorithms[_i]);
	ldns_pkt *p = ask("example.com.", LDNS_RR_TYPE_DNSKEY, DO);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ldns_rr *k = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
	ck_assert_int_eq(ldns_rr_compare(k, ldns_rr_list_rr(dnskeys, 0)), 0);
	ck_assert_uint_eq(ldns_rr_ttl(k), 3600); /* the SOA's */
	expect_rrsig(ldns_pkt_answer(p), 1, LDNS_RR_TYPE_DNSKEY, 2);
	ck_assert_uint_eq(verify(p, 0), 1);
	ldns_pkt_free(p);
	/* CDNSKEY: the same key; CDS: its DS (SHA-256) as ldns computes it
	 * (RFC 7344), each signed */
	p = ask("example.com.", LDNS_RR_TYPE_CDNSKEY, DO);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ldns_rr *c = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
	ck_assert_int_eq(ldns_rr_get_type(c), LDNS_RR_TYPE_CDNSKEY);
	ck_assert_int_eq(ldns_rdf_compare(ldns_rr_rdf(c, 3), ldns_rr_rdf(ldns_rr_list_rr(dnskeys, 0), 3)), 0);
	expect_rrsig(ldns_pkt_answer(p), 1, LDNS_RR_TYPE_CDNSKEY, 2);
	ck_assert_uint_eq(verify(p, 0), 1);
	ldns_pkt_free(p);
	p = ask("example.com.", LDNS_RR_TYPE_CDS, DO);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ldns_rr *ds = ldns_key_rr2ds(ldns_rr_list_rr(dnskeys, 0), LDNS_SHA256);
	c = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
	ck_assert_int_eq(ldns_rr_get_type(c), LDNS_RR_TYPE_CDS);
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(ldns_rdf_compare(ldns_rr_rdf(c, i), ldns_rr_rdf(ds, i)), 0);
	ldns_rr_free(ds);
	expect_rrsig(ldns_pkt_answer(p), 1, LDNS_RR_TYPE_CDS, 2);
	ck_assert_uint_eq(verify(p, 0), 1);
	ldns_pkt_free(p);
	teardown();
}
END_TEST

/* server.signatures_per_second: over UDP a worker makes at most that many
 * RRSIGs a second; an answer that needs one more is truncated (and
 * counted), one from the signature cache is not; TCP is not capped. */
START_TEST(test_signing_cap)
{
	setup_algorithm(algorithms[_i]);
	snap_signed->settings.signatures_per_second = 2;
	/* the first answer (one RRset, one RRSIG) and the DNSKEY fit; the
	 * third signature of this second does not */
	uint64_t before = worker.counters.signing_cap_hits;
	ldns_pkt *p = ask("static.example.com.", LDNS_RR_TYPE_A, DO);
	ck_assert(!ldns_pkt_tc(p));
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ldns_pkt_free(p);
	uint64_t second = worker.sign_second;
	p = ask("example.com.", LDNS_RR_TYPE_DNSKEY, DO);
	ck_assert(!ldns_pkt_tc(p));
	ldns_pkt_free(p);
	p = ask("mail.example.com.", LDNS_RR_TYPE_A, DO);
	/* the budget is per second of the signer's clock: the third signature
	 * is refused when the three asked in one second (nearly always); a
	 * second that turned in between gave a new budget, and it is made */
	bool refused = worker.sign_second == second;
	ck_assert(ldns_pkt_tc(p) == refused);
	ck_assert_uint_eq(ldns_pkt_ancount(p), refused ? 0 : 2);
	ck_assert_uint_eq(worker.counters.signing_cap_hits, before + refused);
	ldns_pkt_free(p);
	/* cached signatures cost nothing: the first answer again */
	p = ask("static.example.com.", LDNS_RR_TYPE_A, DO);
	ck_assert(!ldns_pkt_tc(p));
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ldns_pkt_free(p);
	/* over TCP the answer is signed whatever the budget */
	p = ask("mail.example.com.", LDNS_RR_TYPE_A, (struct ask){.dnssec = true, .tcp = true});
	ck_assert(!ldns_pkt_tc(p));
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ck_assert_uint_eq(verify(p, 0), 1);
	ldns_pkt_free(p);
	snap_signed->settings.signatures_per_second = 0;
	teardown();
}
END_TEST

/* Without DO the signed zone answers as the unsigned one, octet for
 * octet, whether or not the same question was answered with DO before
 * (the answer cache keys on DO). */
START_TEST(test_without_do_unchanged)
{
	setup_algorithm(algorithms[_i]);
	static const struct {
		const char *name;
		ldns_rr_type type;
		const char *client;
	} qs[] = {
	    {"static.example.com.", LDNS_RR_TYPE_A, NULL},
	    {"www.example.com.", LDNS_RR_TYPE_A, "192.0.2.10"},
	    {"www.example.com.", LDNS_RR_TYPE_A, "198.51.100.70"},
	    {"chain.example.com.", LDNS_RR_TYPE_A, NULL},
	    {"x.wild.example.com.", LDNS_RR_TYPE_A, NULL},
	    {"mail.example.com.", LDNS_RR_TYPE_TXT, NULL},
	    {"nope.example.com.", LDNS_RR_TYPE_A, NULL},
	    {"www.sub.example.com.", LDNS_RR_TYPE_A, NULL},
	    {"example.com.", LDNS_RR_TYPE_SOA, NULL},
	    {"x.wild.example.com.", LDNS_RR_TYPE_MX, NULL},
	    {"static.example.com.", LDNS_RR_TYPE_ANY, NULL},
	    {"static.example.com.", LDNS_RR_TYPE_NSEC, NULL},
	    {"alias.example.com.", LDNS_RR_TYPE_NSEC, NULL},
	};
	static uint8_t a[ANSWER_BUF_SIZE], b[ANSWER_BUF_SIZE], c[ANSWER_BUF_SIZE];
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
			for (int edns = 0; edns < 2; edns++) {
				struct ask o = {.edns = edns, .client = qs[i].client};
				struct ask d = {.dnssec = true, .client = qs[i].client};
				size_t ns = ask_wire(snap_signed, &worker, qs[i].name, qs[i].type,
				                     d, c, sizeof(c));
				size_t n1 = ask_wire(snap_signed, &worker, qs[i].name, qs[i].type,
				                     o, a, sizeof(a));
				size_t n2 = ask_wire(snap_plain, &plain_worker, qs[i].name,
				                     qs[i].type, o, b, sizeof(b));
				ck_assert_msg(n1 == n2 && memcmp(a, b, n1) == 0,
				              "%s differs (edns %d)", qs[i].name, edns);
				ck_assert_uint_gt(ns, n1); /* the DO answer is the signed one */
			}
		}
	}
	ck_assert_uint_gt(worker.counters.answer_cache_hit, 0);
	teardown();
}
END_TEST

/* Queries for NSEC in a signed zone: the NSEC that compact denial gives
 * the name, in the answer (as Knot's onlinesign answers), for a name with
 * data, a wildcard's name (the name's own NSEC, not the wildcard's) and a
 * name that does not exist (its NXNAME NSEC; with Compact Answers OK the
 * NXDOMAIN denial); RRSIG: REFUSED with DO (signatures are made for an
 * answer, none to list), NODATA without, as in an unsigned zone; the
 * NXNAME meta-type: FORMERR (RFC 9824 3.5). */
START_TEST(test_nsec_rrsig_queries)
{
	setup_algorithm(algorithms[_i]);
	static const struct {
		const char *name, *nsec;
		unsigned labels;
	} nsecs[] = {
	    {"mail.example.com.",
	     "mail.example.com. 300 IN NSEC \\000.mail.example.com. A AAAA RRSIG NSEC", 3},
	    {"www.example.com.",
	     "www.example.com. 300 IN NSEC \\000.www.example.com. A AAAA RRSIG NSEC", 3},
	    {"x.wild.example.com.",
	     "x.wild.example.com. 300 IN NSEC \\000.x.wild.example.com. A TXT RRSIG NSEC", 4},
	    {"nope.example.com.",
	     "nope.example.com. 300 IN NSEC \\000.nope.example.com. RRSIG NSEC TYPE128", 3},
	};
	for (size_t i = 0; i < sizeof(nsecs) / sizeof(nsecs[0]); i++) {
		ldns_pkt *p = ask(nsecs[i].name, LDNS_RR_TYPE_NSEC, DO);
		ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
		ck_assert(ldns_pkt_aa(p));
		ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
		ck_assert_uint_eq(ldns_pkt_nscount(p), 0);
		expect_rr(ldns_pkt_answer(p), 0, nsecs[i].nsec);
		expect_rrsig(ldns_pkt_answer(p), 1, LDNS_RR_TYPE_NSEC, nsecs[i].labels);
		ck_assert_uint_eq(verify(p, 0), 1);
		ldns_pkt_free(p);
	}
	expect_denial("nope.example.com.", LDNS_RR_TYPE_NSEC,
	              (struct ask){.dnssec = true, .compact = true}, nsecs[3].nsec,
	              LDNS_RCODE_NXDOMAIN);
	/* without DO: NODATA, the NSEC being made for DO queries only */
	ldns_pkt *p = ask("mail.example.com.", LDNS_RR_TYPE_NSEC, (struct ask){.edns = true});
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 1);
	ldns_pkt_free(p);

	p = ask("mail.example.com.", LDNS_RR_TYPE_RRSIG, DO);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_REFUSED);
	ck_assert(!ldns_pkt_aa(p));
	ck_assert_uint_eq(ldns_pkt_ancount(p) + ldns_pkt_nscount(p), 0);
	ldns_pkt_free(p);
	p = ask("mail.example.com.", LDNS_RR_TYPE_RRSIG, (struct ask){.edns = true});
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(p));
	ck_assert_uint_eq(ldns_pkt_ancount(p), 0);
	ldns_pkt_free(p);
	/* example.net is not signed: NODATA with DO too */
	p = ask("example.net.", LDNS_RR_TYPE_RRSIG, DO);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(p));
	ck_assert_uint_eq(ldns_pkt_ancount(p), 0);
	ldns_pkt_free(p);

	for (int d = 0; d < 2; d++) {
		p = ask("mail.example.com.", (ldns_rr_type)128, (struct ask){.edns = true, .dnssec = d});
		ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_FORMERR);
		ck_assert_uint_eq(ldns_pkt_ancount(p) + ldns_pkt_nscount(p), 0);
		ldns_pkt_free(p);
	}
	teardown();
}
END_TEST

/* A wildcard answer whose next closer name has a label of 63 octets (no
 * room for a 0 octet after it): the NSEC covering it ends at the label cut
 * after its last octet below 0xFF, that octet one greater; verified. A
 * regression: no NSEC was given, and a validator took the answer as
 * bogus. */
START_TEST(test_wildcard_long_label)
{
	setup_algorithm(algorithms[_i]);
	char label[64], name[128], next[128];
	memset(label, 'a', 63);
	label[63] = '\0';
	snprintf(name, sizeof(name), "%s.wild.example.com.", label);
	label[62] = 'b';
	snprintf(next, sizeof(next), "%s.wild.example.com.", label);
	ldns_pkt *p = ask(name, LDNS_RR_TYPE_A, DO);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 2);
	ldns_rr *nsec = ldns_rr_list_rr(ldns_pkt_authority(p), 0);
	ck_assert_int_eq(ldns_rr_get_type(nsec), LDNS_RR_TYPE_NSEC);
	ldns_rdf *want = ldns_dname_new_frm_str(next);
	ck_assert_int_eq(ldns_dname_compare(ldns_rr_rdf(nsec, 0), want), 0);
	ldns_rdf_deep_free(want);
	ldns_rdf *q = ldns_dname_new_frm_str(name);
	ck_assert_int_lt(ldns_dname_compare(ldns_rr_owner(nsec), q), 0);
	ldns_rdf_deep_free(q);
	ck_assert_uint_eq(verify(p, 0), 2);
	ldns_pkt_free(p);

	/* the label's last octet 0xFF: cut before it */
	memset(label, 'a', 63);
	snprintf(name, sizeof(name), "%.62s\\255.wild.example.com.", label);
	label[61] = 'b';
	snprintf(next, sizeof(next), "%.62s.wild.example.com.", label);
	p = ask(name, LDNS_RR_TYPE_A, DO);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 2);
	nsec = ldns_rr_list_rr(ldns_pkt_authority(p), 0);
	want = ldns_dname_new_frm_str(next);
	ck_assert_int_eq(ldns_dname_compare(ldns_rr_rdf(nsec, 0), want), 0);
	ldns_rdf_deep_free(want);
	ck_assert_uint_eq(verify(p, 0), 2);
	ldns_pkt_free(p);
	teardown();
}
END_TEST

/* Every RRSIG of the answer verified by ldns against keys; the key tags
 * of those covering type, in order, into tags (their number). */
static size_t verify_tags(const ldns_pkt *p, ldns_rr_list *keys, ldns_rr_type type,
                          uint16_t *tags)
{
	const ldns_rr_list *an = ldns_pkt_answer(p);
	ldns_rr_list *set = ldns_rr_list_new();
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) == type)
			ldns_rr_list_push_rr(set, ldns_rr_list_rr(an, i));
	size_t n = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG)
			continue;
		ck_assert_int_eq(ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)), type);
		ldns_rr_list *good = ldns_rr_list_new();
		ldns_status st = ldns_verify_rrsig_keylist(set, rr, keys, good);
		ck_assert_msg(st == LDNS_STATUS_OK, "%s", ldns_get_errorstr_by_id(st));
		ldns_rr_list_free(good);
		tags[n++] = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rr));
	}
	ldns_rr_list_free(set);
	return n;
}

/* A rollover (dnssec.publish): the published key is in the DNSKEY, CDS
 * and CDNSKEY RRsets beside the signing key, and both sign them; the
 * data is signed by the signing key alone, and by the published key too
 * when its algorithm differs (every algorithm of the DNSKEY RRset signs
 * every RRset, RFC 4035 2.2, RFC 6781 4.1.4). */
START_TEST(test_rollover)
{
	unsigned alg = algorithms[_i / 2], palg = _i % 2 ? algorithms[1 - _i / 2] : alg;
	char base[512], pub[512], publish[600];
	unit_dnssec_ldns_key(alg, "example.com.", base, sizeof(base));
	unit_dnssec_ldns_key(palg, "example.com.", pub, sizeof(pub));
	snprintf(publish, sizeof(publish), "[\"%s\"]", unit_abs(pub));
	cfg_signed = demo_config_publish("dnssec-rollover.json", base, publish);
	snap_signed = build(cfg_signed);
	answer_worker_init(&worker);
	answer_worker_init(&plain_worker);
	const struct dnssec_key *k = snap_signed->dnssec_keys[0];
	ck_assert_ptr_nonnull(k->next);
	ck_assert_ptr_null(k->next->next);
	ck_assert_uint_eq(k->algorithm, alg);
	ck_assert_uint_eq(k->next->algorithm, palg);
	dnskeys = ldns_rr_list_new();
	for (const struct dnssec_key *o = k; o; o = o->next)
		ldns_rr_list_push_rr(dnskeys, unit_ldns_rr(o->owner, o->owner_len,
		                                           LDNS_RR_TYPE_DNSKEY, 3600, o->dnskey,
		                                           o->dnskey_len));
	static const ldns_rr_type keytypes[] = {LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_CDS,
	                                        LDNS_RR_TYPE_CDNSKEY};
	uint16_t tags[4];
	for (size_t t = 0; t < 3; t++) {
		ldns_pkt *p = ask("example.com.", keytypes[t], DO);
		ck_assert_uint_eq(ldns_pkt_ancount(p), 4);
		for (size_t i = 0; i < 2; i++)
			ck_assert_int_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), i)),
			                 keytypes[t]);
		ck_assert_uint_eq(verify_tags(p, dnskeys, keytypes[t], tags), 2);
		ck_assert_uint_eq(tags[0], k->key_tag);
		ck_assert_uint_eq(tags[1], k->next->key_tag);
		ldns_pkt_free(p);
	}
	/* the data, static and geo */
	static const char *const names[] = {"mail.example.com.", "www.example.com."};
	for (size_t i = 0; i < 2; i++) {
		ldns_pkt *p = ask(names[i], LDNS_RR_TYPE_A, DO);
		size_t n = verify_tags(p, dnskeys, LDNS_RR_TYPE_A, tags);
		ck_assert_uint_eq(n, palg == alg ? 1 : 2);
		ck_assert_uint_eq(tags[0], k->key_tag);
		if (n == 2)
			ck_assert_uint_eq(tags[1], k->next->key_tag);
		ldns_pkt_free(p);
	}
	teardown();
}
END_TEST

/* dnssec.publish refused: a key of another zone, the signing key again,
 * more than three keys beside it; each error names the zone and key. */
START_TEST(test_rollover_errors)
{
	char base[512], other[512], publish[4096];
	unit_dnssec_ldns_key(13, "example.com.", base, sizeof(base));
	unit_dnssec_ldns_key(13, "example.net.", other, sizeof(other));
	char keys[4][512];
	for (size_t i = 0; i < 4; i++)
		unit_dnssec_ldns_key(15, "example.com.", keys[i], sizeof(keys[i]));
	char want[3][1200];
	snprintf(want[0], sizeof(want[0]),
	         "zone example.com: dnssec.publish %s.key is a key of example.net., not of this "
	         "zone", unit_abs(other));
	snprintf(want[1], sizeof(want[1]),
	         "zone example.com: dnssec.publish %s.key is a key given already (key tag %d)",
	         unit_abs(base), atoi(strrchr(base, '+') + 1));
	snprintf(want[2], sizeof(want[2]), "zone example.com: dnssec.publish lists 4 keys, at most 3");
	for (int c = 0; c < 3; c++) {
		if (c == 0)
			snprintf(publish, sizeof(publish), "[\"%s\"]", unit_abs(other));
		else if (c == 1)
			snprintf(publish, sizeof(publish), "[\"%s\", \"%s\"]", unit_abs(keys[0]),
			         unit_abs(base));
		else
			snprintf(publish, sizeof(publish), "[\"%s\", \"%s\", \"%s\", \"%s\"]", keys[0],
			         keys[1], keys[2], keys[3]);
		struct config *cfg = demo_config_publish("dnssec-badpublish.json", base, publish);
		struct diag d = {0};
		struct snapshot *s = snapshot_build(cfg, NULL, 1, &d);
		ck_assert_ptr_null(s);
		ck_assert_uint_ge(d.count, 1);
		ck_assert_msg(strstr(d.msgs[0], want[c]), "%s", d.msgs[0]);
		diag_free(&d);
		config_free(cfg);
	}
}
END_TEST

/* A publication of one zone (geodnsdctl reload ZONE, a secondary's new
 * serial) keeps the other zones' keys as they are, not reading their
 * files, and one of new GeoIP databases keeps every zone's: a broken key file of example.net does not hold example.com back,
 * and the key outlives the snapshot it was read for; a full build reads
 * every key and fails on it. (Issue 20 item 4: the errors of that zone
 * only.) */
START_TEST(test_one_zone_keeps_keys)
{
	char com[512], net[512], text[4096];
	unit_dnssec_ldns_key(13, "example.com.", com, sizeof(com));
	unit_dnssec_ldns_key(15, "example.net.", net, sizeof(net));
	snprintf(text, sizeof(text),
	         "{\"zones\": [{\"origin\": \"example.com\", \"file\": \"%s\",\n"
	         "   \"dnssec\": {\"key\": \"%s\"}},\n"
	         "  {\"origin\": \"example.net\", \"file\": \"%s\",\n"
	         "   \"dnssec\": {\"key\": \"%s\"}}]}\n",
	         unit_abs("zones/example.com.zone"), unit_abs(com),
	         unit_abs("zones/example.net.zone"), unit_abs(net));
	struct diag d = {0};
	cfg_signed = config_load(unit_write_file("dnssec-onezone.json", text), &d);
	ck_assert_ptr_nonnull(cfg_signed);
	struct snapshot *first = build(cfg_signed);
	struct dnssec_key *netkey = first->dnssec_keys[1];
	ck_assert_ptr_nonnull(netkey);
	/* example.net's private key file broken */
	char priv[600];
	snprintf(priv, sizeof(priv), "%s.private", net);
	FILE *f = fopen(priv, "w");
	ck_assert_ptr_nonnull(f);
	fputs("garbage\n", f);
	fclose(f);
	struct zone_config zc = {"example.com", cfg_signed->zones[0].file, NULL, &first->regions};
	struct zone *z = zone_load(&zc, &d);
	ck_assert_ptr_nonnull(z);
	struct snapshot_source src = {.only_origin = "example.com", .only_zone = z};
	snap_signed = snapshot_build_from(cfg_signed, first, 2, &src, &d);
	zone_free(z);
	if (!snap_signed || d.count)
		dump(&d);
	ck_assert_ptr_nonnull(snap_signed);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_ptr_eq(snap_signed->dnssec_keys[1], netkey);                /* kept */
	ck_assert_ptr_ne(snap_signed->dnssec_keys[0], first->dnssec_keys[0]); /* read */
	ck_assert_uint_eq(snap_signed->dnssec_keys[0]->key_tag, first->dnssec_keys[0]->key_tag);
	snapshot_free(first);
	/* the kept key signs after the snapshot that read it is gone */
	answer_worker_init(&worker);
	answer_worker_init(&plain_worker);
	dnskeys = ldns_rr_list_new();
	ldns_rr_list_push_rr(dnskeys,
	                     unit_ldns_rr(netkey->owner, netkey->owner_len, LDNS_RR_TYPE_DNSKEY,
	                                  3600, netkey->dnskey, netkey->dnskey_len));
	ldns_pkt *p = ask("example.net.", LDNS_RR_TYPE_DNSKEY, DO);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ck_assert_uint_eq(verify(p, 0), 1);
	ldns_pkt_free(p);
	/* a publication of new GeoIP databases (geoip.watch) keeps every
	 * zone's keys too: the broken file does not hold it back */
	struct snapshot_source geo_only = {.keep_zones = true};
	struct snapshot *geo = snapshot_build_from(cfg_signed, snap_signed, 3, &geo_only, &d);
	if (!geo || d.count)
		dump(&d);
	ck_assert_ptr_nonnull(geo);
	ck_assert_ptr_eq(geo->dnssec_keys[0], snap_signed->dnssec_keys[0]);
	ck_assert_ptr_eq(geo->dnssec_keys[1], netkey);
	snapshot_free(geo);
	/* a whole build reads every key: the broken one fails it, named */
	struct snapshot *all = snapshot_build(cfg_signed, snap_signed, 3, &d);
	ck_assert_ptr_null(all);
	ck_assert_uint_ge(d.count, 1);
	ck_assert_msg(strstr(d.msgs[0], priv) != NULL, "%s", d.msgs[0]);
	diag_free(&d);
	teardown();
}
END_TEST

Suite *dnssec_answer_suite(void)
{
	Suite *s = suite_create("dnssec_answer");
	TCase *tc = tcase_create("signed");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_static_signed, 0, 2);
	tcase_add_loop_test(tc, test_geo_signed, 0, 2);
	tcase_add_loop_test(tc, test_cname_signed, 0, 2);
	tcase_add_loop_test(tc, test_wildcard_signed, 0, 2);
	tcase_add_loop_test(tc, test_nodata_signed, 0, 2);
	tcase_add_loop_test(tc, test_nxdomain_compact, 0, 2);
	tcase_add_loop_test(tc, test_wildcard_nodata_signed, 0, 2);
	tcase_add_loop_test(tc, test_any_signed, 0, 2);
	tcase_add_loop_test(tc, test_nsec_question, 0, 2);
	tcase_add_loop_test(tc, test_referral_signed, 0, 2);
	tcase_add_loop_test(tc, test_dnskey_signed, 0, 2);
	tcase_add_loop_test(tc, test_signing_cap, 0, 2);
	tcase_add_loop_test(tc, test_without_do_unchanged, 0, 2);
	tcase_add_loop_test(tc, test_nsec_rrsig_queries, 0, 2);
	tcase_add_loop_test(tc, test_wildcard_long_label, 0, 2);
	tcase_add_loop_test(tc, test_rollover, 0, 4);
	tcase_add_test(tc, test_rollover_errors);
	tcase_add_test(tc, test_one_zone_keeps_keys);
	suite_add_tcase(s, tc);
	return s;
}
