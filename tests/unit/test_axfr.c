/*
 * test_axfr.c - xfr/axfr.c: the AXFR stream of a zone, every message parsed
 * with ldns. SOA first and last; between them exactly the zone file's
 * records (read again with ldns, compared in canonical form with their
 * TTLs); names in canonical order; each message's header and question; no
 * message above the limit and no record split; a zone that needs many
 * messages; the errors and the retry they allow.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/wire.h"
#include "geo/service.h"
#include "xfr/axfr.h"
#include "zone/zone.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a stream was: its records in order, its messages' count. */
struct stream {
	ldns_rr_list *rrs;
	size_t messages;
	size_t bytes;
	uint8_t *raw; /* every message, back to back (determinism) */
};

static void stream_free(struct stream *st)
{
	ldns_rr_list_deep_free(st->rrs);
	free(st->raw);
}

/* Run the whole stream of z for q with messages of cap octets. */
static struct stream run(const struct zone *z, const struct query *q, size_t cap)
{
	struct stream st = {ldns_rr_list_new(), 0, 0, NULL};
	struct axfr_state *s = axfr_begin(z, q);
	ck_assert_ptr_nonnull(s);
	uint8_t *buf = malloc(cap);
	size_t len = 0;
	int rc;
	while ((rc = axfr_next_message(s, buf, cap, &len)) == 1) {
		ck_assert_uint_le(len, cap);
		ck_assert_msg(unit_whole_records(buf, len), "message %zu: records not whole",
		              st.messages);
		ldns_pkt *p = NULL;
		ck_assert_int_eq(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK);
		unit_xfr_check_header(p, q, st.messages == 0);
		ldns_rr_list *an = ldns_pkt_answer(p);
		for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++)
			ldns_rr_list_push_rr(st.rrs, ldns_rr_clone(ldns_rr_list_rr(an, i)));
		ldns_pkt_free(p);
		st.raw = realloc(st.raw, st.bytes + len);
		memcpy(st.raw + st.bytes, buf, len);
		st.bytes += len;
		st.messages++;
	}
	ck_assert_int_eq(rc, 0);
	/* and stays ended */
	ck_assert_int_eq(axfr_next_message(s, buf, cap, &len), 0);
	uint64_t records, messages;
	axfr_progress(s, &records, &messages);
	ck_assert_uint_eq(records, ldns_rr_list_rr_count(st.rrs));
	ck_assert_uint_eq(messages, st.messages);
	axfr_end(s);
	free(buf);
	return st;
}

/* A zone file read by ldns into list: $INCLUDE lines dropped (the test
 * reads included files itself, with their own origin and TTL). */
static void ref_read(ldns_rr_list *list, const char *path, const char *origin)
{
	FILE *in = fopen(path, "r");
	ck_assert_ptr_nonnull(in);
	char *text = NULL;
	size_t cap = 0, len = 0;
	char line[4096];
	while (fgets(line, sizeof(line), in)) {
		if (strncmp(line, "$INCLUDE", 8) == 0)
			continue;
		size_t l = strlen(line);
		text = realloc(text, cap = len + l + 1);
		memcpy(text + len, line, l + 1);
		len += l;
	}
	fclose(in);
	const char *copy = unit_write_file("axfr-ref.zone", text ? text : "");
	free(text);
	FILE *f = fopen(copy, "r");
	ldns_rdf *o = ldns_dname_new_frm_str(origin);
	ldns_zone *zone = NULL;
	int line_nr = 0;
	ldns_status st = ldns_zone_new_frm_fp_l(&zone, f, o, 3600, LDNS_RR_CLASS_IN, &line_nr);
	ck_assert_msg(st == LDNS_STATUS_OK, "%s line %d: %s", path, line_nr,
	              ldns_get_errorstr_by_id(st));
	fclose(f);
	ldns_rdf_deep_free(o);
	if (ldns_zone_soa(zone))
		ldns_rr_list_push_rr(list, ldns_rr_clone(ldns_zone_soa(zone)));
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_zone_rrs(zone)); i++)
		ldns_rr_list_push_rr(list, ldns_rr_clone(ldns_rr_list_rr(ldns_zone_rrs(zone), i)));
	ldns_zone_deep_free(zone);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The records of list from index from to to (exclusive), canonical
 * presentation form (RFC 4034 6.2, TTL kept), sorted. */
static char **canonical(const ldns_rr_list *list, size_t from, size_t to)
{
	char **out = calloc(to - from + 1, sizeof(char *));
	for (size_t i = from; i < to; i++) {
		ldns_rr *rr = ldns_rr_clone(ldns_rr_list_rr(list, i));
		ldns_rr2canonical(rr);
		out[i - from] = ldns_rr2str(rr);
		ldns_rr_free(rr);
	}
	qsort(out, to - from, sizeof(char *), cmp_str);
	return out;
}

/* The stream: SOA first and last, the zone's SOA; between them exactly
 * the reference records (the multiset, TTLs included); names in canonical
 * order after the apex's. */
static void check_stream(const struct stream *st, const ldns_rr_list *ref)
{
	size_t n = ldns_rr_list_rr_count(st->rrs);
	size_t nref = ldns_rr_list_rr_count(ref);
	ck_assert_uint_ge(n, 2);
	const ldns_rr *first = ldns_rr_list_rr(st->rrs, 0);
	const ldns_rr *last = ldns_rr_list_rr(st->rrs, n - 1);
	ck_assert_int_eq(ldns_rr_get_type(first), LDNS_RR_TYPE_SOA);
	ck_assert_int_eq(ldns_rr_get_type(last), LDNS_RR_TYPE_SOA);
	ck_assert_int_eq(ldns_rr_compare(first, last), 0);
	ck_assert_uint_eq(ldns_rr_ttl(first), ldns_rr_ttl(last));
	for (size_t i = 1; i + 1 < n; i++)
		ck_assert_int_ne(ldns_rr_get_type(ldns_rr_list_rr(st->rrs, i)), LDNS_RR_TYPE_SOA);
	char **got = canonical(st->rrs, 0, n - 1);
	char **want = canonical(ref, 0, nref);
	for (size_t i = 0; i < n - 1 || i < nref; i++) {
		const char *g = i < n - 1 ? got[i] : "(end)", *w = i < nref ? want[i] : "(end)";
		ck_assert_msg(strcmp(g, w) == 0, "record %zu: got %s want %s", i, g, w);
	}
	for (size_t i = 0; got[i]; i++)
		free(got[i]);
	for (size_t i = 0; want[i]; i++)
		free(want[i]);
	free(got);
	free(want);
	/* the apex's records first, then each name after the one before */
	const ldns_rdf *apex = ldns_rr_owner(first);
	size_t i = 1;
	while (i + 1 < n &&
	       ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(st->rrs, i)), apex) == 0)
		i++;
	for (; i + 2 < n; i++) {
		const ldns_rdf *a = ldns_rr_owner(ldns_rr_list_rr(st->rrs, i));
		const ldns_rdf *b = ldns_rr_owner(ldns_rr_list_rr(st->rrs, i + 1));
		ck_assert_msg(ldns_dname_compare(a, b) <= 0, "names out of canonical order at %zu",
		              i);
		ck_assert_int_gt(ldns_dname_compare(a, apex), 0);
	}
}

/* The zone at path (and its included files) against its stream. */
static void check_zone(const char *origin, const char *path, const char *const *includes,
                       const char *services, size_t cap, size_t min_messages)
{
	struct zone *z = unit_load_zone(origin, path, services);
	struct query q;
	unit_xfr_request(&q, origin, 0x4d2, true, LDNS_RR_TYPE_AXFR);
	struct stream st = run(z, &q, cap);
	ldns_rr_list *ref = ldns_rr_list_new();
	ref_read(ref, path, origin);
	for (size_t i = 0; includes && includes[i]; i++)
		ref_read(ref, includes[i], origin);
	check_stream(&st, ref);
	ck_assert_uint_ge(st.messages, min_messages);
	ldns_rr_list_deep_free(ref);
	stream_free(&st);
	zone_free(z);
}

START_TEST(test_demo_zones)
{
	/* example.com with its services: www and api are not records */
	const char *inc[] = {"zones/example.com.include", NULL};
	check_zone("example.com.", "zones/example.com.zone", inc, "zones/example.com.services.json",
	           AXFR_MESSAGE_SIZE, 1);
	check_zone("example.net.", "zones/example.net.zone", NULL, NULL, AXFR_MESSAGE_SIZE, 1);
	check_zone("edge.test.", "tests/data/edge.test.zone", NULL, NULL, AXFR_MESSAGE_SIZE, 1);
	/* the same in small messages: several, none over the limit */
	check_zone("example.com.", "zones/example.com.zone", inc, NULL, 512, 4);
}
END_TEST

/* Delegations with glue, data occluded below a cut (kept: a secondary
 * needs it), a wildcard, a DNAME, an empty non-terminal, names in rdata in
 * mixed case, an unknown type. */
static const char *cut_zone =
    "$ORIGIN cut.test.\n$TTL 3600\n"
    "@ IN SOA ns1.cut.test. Host.Master.cut.test. 5 7200 900 1209600 300\n"
    "  IN NS ns1\n  IN NS NS.Other.example.\n"
    "  IN MX 10 Mail.cut.test.\n"
    "ns1 IN A 192.0.2.1\n"
    "mail 120 IN A 192.0.2.25\n"
    "sub IN NS ns.sub\nsub IN NS ns1\n"
    "ns.sub IN A 192.0.2.53\nns.sub IN AAAA 2001:db8::53\n"
    "www.sub IN TXT \"occluded\"\n"
    "deep.www.sub IN MX 5 mail.cut.test.\n"
    "ext IN NS ns.elsewhere.example.\n"
    "*.wild IN A 192.0.2.99\n*.wild IN TXT \"wildcard\"\n"
    "legacy IN DNAME Example.NET.\n"
    "b.a.ent IN PTR Target.cut.test.\n"
    "z IN TYPE65534 \\# 3 010203\n"
    "a IN CNAME Z.cut.test.\n"
    "_sip._udp IN SRV 10 60 5060 ns1.cut.test.\n";

START_TEST(test_cuts_and_occluded)
{
	const char *path = unit_write_file("axfr-cut.zone", cut_zone);
	check_zone("cut.test.", path, NULL, NULL, AXFR_MESSAGE_SIZE, 1);
	check_zone("cut.test.", path, NULL, NULL, 256, 3);
}
END_TEST

/* A zone of a few thousand records, written in a shuffled order. */
static const char *big_zone(void)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s", unit_write_file("axfr-big.zone", ""));
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "$ORIGIN big.test.\n$TTL 600\n"
	           "@ IN SOA ns big 2026 7200 900 1209600 300\n@ IN NS ns\nns IN A 192.0.2.1\n");
	for (unsigned i = 0; i < 1500; i++) {
		unsigned k = (i * 7919u) % 1500; /* a permutation */
		fprintf(f, "host%u.g%u IN A 10.%u.%u.1\n", k, k % 37, k / 256, k % 256);
		fprintf(f, "host%u.g%u 60 IN TXT \"record %u of the big zone\"\n", k, k % 37, k);
		if (k % 3 == 0)
			fprintf(f, "g%u IN MX %u host%u.g%u\n", k % 37, k, k, k % 37);
	}
	fclose(f);
	return path;
}

START_TEST(test_big_zone)
{
	const char *path = big_zone();
	/* about 100 kB of records: at least six messages of 16 KiB */
	check_zone("big.test.", path, NULL, NULL, AXFR_MESSAGE_SIZE, 6);
	/* the limit is kept whatever it is */
	check_zone("big.test.", path, NULL, NULL, 1000, 100);
}
END_TEST

/* The same zone and request give the same octets; the request's ID, RD
 * and question case are what the header and question carry. */
START_TEST(test_deterministic_and_request)
{
	struct zone *z =
	    unit_load_zone("cut.test.", unit_write_file("axfr-cut.zone", cut_zone), NULL);
	struct query q;
	unit_xfr_request(&q, "CuT.TeSt.", 7, false, LDNS_RR_TYPE_AXFR);
	struct stream a = run(z, &q, 300);
	struct stream b = run(z, &q, 300);
	ck_assert_uint_eq(a.bytes, b.bytes);
	ck_assert(memcmp(a.raw, b.raw, a.bytes) == 0);
	/* owners in the zone's lower case, not the question's */
	const ldns_rdf *owner = ldns_rr_owner(ldns_rr_list_rr(a.rrs, 0));
	ck_assert_mem_eq(ldns_rdf_data(owner), "\003cut\004test", 10);
	/* an IXFR answered in AXFR form keeps its question type */
	unit_xfr_request(&q, "cut.test.", 65535, true, LDNS_RR_TYPE_IXFR);
	struct stream c = run(z, &q, AXFR_MESSAGE_SIZE);
	ck_assert_uint_eq(c.raw[0], 0xff);
	ck_assert_uint_eq(c.raw[1], 0xff);
	stream_free(&a);
	stream_free(&b);
	stream_free(&c);
	zone_free(z);
}
END_TEST

/* A record that does not fit an empty message is an error that leaves the
 * stream where it was: a larger buffer then goes on. */
START_TEST(test_too_large)
{
	char text[2048];
	snprintf(text, sizeof(text),
	         "$ORIGIN large.test.\n$TTL 60\n"
	         "@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\nns IN A 192.0.2.1\n"
	         "t IN TXT \"%0200d\" \"%0200d\" \"%0200d\"\n",
	         0, 1, 2);
	struct zone *z =
	    unit_load_zone("large.test.", unit_write_file("axfr-large.zone", text), NULL);
	struct query q;
	unit_xfr_request(&q, "large.test.", 1, false, LDNS_RR_TYPE_AXFR);
	struct axfr_state *s = axfr_begin(z, &q);
	uint8_t buf[1024];
	size_t len = 0;
	/* not even the header and question */
	ck_assert_int_eq(axfr_next_message(s, buf, 20, &len), GD_ESPACE);
	/* SOA, NS, A in the first; the TXT (about 630 octets) alone does not
	 * fit 300 */
	ck_assert_int_eq(axfr_next_message(s, buf, 300, &len), 1);
	ck_assert_uint_eq(rd16(buf + 6), 3);
	ck_assert_int_eq(axfr_next_message(s, buf, 300, &len), GD_ESPACE);
	ck_assert_int_eq(axfr_next_message(s, buf, 300, &len), GD_ESPACE);
	ck_assert_int_eq(axfr_next_message(s, buf, sizeof(buf), &len), 1);
	ck_assert_uint_eq(rd16(buf + 4), 0);
	ck_assert_uint_eq(rd16(buf + 6), 2); /* the TXT and the closing SOA */
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK);
	ck_assert_int_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), 0)),
	                 LDNS_RR_TYPE_TXT);
	ck_assert_int_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), 1)),
	                 LDNS_RR_TYPE_SOA);
	ldns_pkt_free(p);
	ck_assert_int_eq(axfr_next_message(s, buf, sizeof(buf), &len), 0);
	axfr_end(s);
	axfr_end(NULL);
	zone_free(z);
}
END_TEST

Suite *axfr_suite(void)
{
	Suite *s = suite_create("axfr");
	TCase *tc = tcase_create("axfr");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_demo_zones);
	tcase_add_test(tc, test_cuts_and_occluded);
	tcase_add_test(tc, test_big_zone);
	tcase_add_test(tc, test_deterministic_and_request);
	tcase_add_test(tc, test_too_large);
	suite_add_tcase(s, tc);
	return s;
}
