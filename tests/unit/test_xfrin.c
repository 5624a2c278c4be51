/*
 * test_xfrin.c - xfr/xfrin.c and xfrin_write.c, the transfer read as a
 * secondary: the requests octet for octet (and signed ones verified as the
 * server verifies them); the SOA answer (serial, TC, another ID or
 * question, an RCODE, TSIG); AXFR and IXFR streams written by the
 * server's own code (axfr.c, ixfr.c from a journal) in one message and in
 * many, signed with tsig_append_stream, read back and written as a zone
 * file that zone_load() and ldns read into the records the primary has;
 * streams built by hand for what the server never sends (two differences
 * in a row, differences that do not chain or do not apply, unsigned
 * runs, records out of the zone, another class, a closing SOA too early).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "xfr/axfr.h"
#include "xfr/ixfr.h"
#include "xfr/journal.h"
#include "xfr/xfrin.h"
#include "zone/zone.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN "x.test."
#define NOW 1700000000u
#define MSG_MAX 65535
#define MSGS_MAX 512

static const uint8_t origin[] = "\001x\004test"; /* 8 octets with the root */
#define ORIGIN_LEN 8

static uint8_t secret[] = "xfrin-test-secret";
static struct tsig_key key, other_key;
static struct tsig_keyring ring;

static void setup(void)
{
	key.name_len = (uint8_t)tsig_name_from_text("xfr.key.", key.name);
	key.algorithm = TSIG_HMAC_SHA256;
	key.secret = secret;
	key.secret_len = sizeof(secret) - 1;
	other_key = key;
	other_key.name_len = (uint8_t)tsig_name_from_text("other.key.", other_key.name);
	ring.keys = &key;
	ring.n = 1;
}

/* ---- zones ---- */

static const char *head = "$ORIGIN " ORIGIN "\n$TTL 300\n"
                          "@ IN SOA ns1 hostmaster %u 3600 600 86400 300\n"
                          "@ IN NS ns1\n@ IN NS ns2.example.net.\n@ IN MX 10 Mail\n"
                          "ns1 IN A 192.0.2.1\nmail IN A 192.0.2.25\n";

/* version 1, 2, 3 of x.test. */
static const char *bodies[] = {
    NULL,
    "www IN A 192.0.2.80\nwww IN A 192.0.2.81\ntxt IN TXT \"v1\"\n"
    "sub IN NS ns.sub\nns.sub IN A 192.0.2.53\nold IN A 192.0.2.9\n",
    "www IN A 192.0.2.80\nwww IN A 192.0.2.82\ntxt 600 IN TXT \"v2\"\n"
    "sub IN NS ns.sub\nns.sub IN A 192.0.2.54\nnew IN AAAA 2001:db8::2\n",
    "www IN A 192.0.2.80\nwww IN A 192.0.2.83\ntxt 600 IN TXT \"v3\"\n"
    "sub IN NS ns.sub\nns.sub IN A 192.0.2.54\nnew IN AAAA 2001:db8::3\n"
    "svc IN TYPE65281 \\# 43 "
    "7b22726567696f6e73223a7b2275732d65617374223a7b2241223a5b223139322e302e322e31225d7d7d7d\n",
};

static struct zone *version(unsigned v)
{
	char name[32], *text = NULL, *h = NULL;
	ck_assert_int_gt(asprintf(&h, head, v), 0);
	ck_assert_int_gt(asprintf(&text, "%s%s", h, bodies[v]), 0);
	snprintf(name, sizeof(name), "xfrin-v%u.zone", v);
	struct zone *z = unit_load_zone(ORIGIN, unit_write_file(name, text), NULL);
	free(h);
	free(text);
	return z;
}

/* A record as a line: "owner type ttl rdata-hex", or with fold for the
 * types whose names the server compresses (NS, CNAME, PTR, MX, SOA: their
 * case may be the case of the name a pointer points to) ldns's text of
 * its canonical form (RFC 4034 6.2: those names in lower case). */
static char *record_line(const uint8_t *owner, size_t owner_len, uint16_t type, uint32_t ttl,
                         const uint8_t *rd, size_t rdlen, bool fold)
{
	char name[1024], *line = NULL;
	if (fold && (type == TYPE_NS || type == TYPE_CNAME || type == TYPE_PTR || type == TYPE_MX ||
	             type == TYPE_SOA)) {
		ldns_rr *rr = unit_ldns_rr(owner, owner_len, type, ttl, rd, rdlen);
		ldns_rr2canonical(rr);
		line = ldns_rr2str(rr);
		ldns_rr_free(rr);
		return line;
	}
	char *hex = malloc(2 * rdlen + 1);
	for (size_t o = 0; o < rdlen; o++)
		sprintf(hex + 2 * o, "%02x", rd[o]);
	hex[2 * rdlen] = '\0';
	ck_assert_int_gt(asprintf(&line, "%s %u %u %s", wire_name_to_str(owner, name, sizeof(name)),
	                          type, ttl, hex),
	                 0);
	free(hex);
	return line;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A zone's records as lines, sorted. */
static char **zone_lines(const struct zone *z, size_t *n, bool fold)
{
	size_t cap = 64, k = 0;
	char **out = malloc(cap * sizeof(*out));
	for (size_t b = 0; b <= z->mask; b++) {
		const struct node *nd = z->table[b];
		for (unsigned r = 0; nd && r < nd->nrrsets; r++) {
			const struct rrset *rs = &nd->rrsets[r];
			const uint8_t *rd = rs->rdata;
			for (unsigned i = 0; i < rs->count; i++, rd = rrset_rdata_next(rd)) {
				if (k == cap)
					out = realloc(out, (cap *= 2) * sizeof(*out));
				out[k++] = record_line(nd->name, nd->namelen, rs->type, rs->ttl,
				                       rd + 2, rd16(rd), fold);
			}
		}
	}
	qsort(out, k, sizeof(*out), str_cmp);
	*n = k;
	return out;
}

static void lines_free(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* The same records, TTLs included; with fold the names in rdata in any
 * case. */
static void check_same_zone(const struct zone *got, const struct zone *want, bool fold)
{
	size_t ng, nw;
	char **g = zone_lines(got, &ng, fold), **w = zone_lines(want, &nw, fold);
	for (size_t i = 0; i < ng && i < nw; i++)
		ck_assert_msg(strcmp(g[i], w[i]) == 0, "record %zu: got %s want %s", i, g[i], w[i]);
	ck_assert_uint_eq(ng, nw);
	ck_assert_uint_eq(got->serial, want->serial);
	lines_free(g, ng);
	lines_free(w, nw);
}

/* ---- messages ---- */

struct msgs {
	uint8_t *m[MSGS_MAX];
	size_t len[MSGS_MAX];
	size_t n;
};

static void msgs_add(struct msgs *s, const uint8_t *m, size_t len)
{
	ck_assert_uint_lt(s->n, MSGS_MAX);
	s->m[s->n] = malloc(len ? len : 1);
	memcpy(s->m[s->n], m, len);
	s->len[s->n++] = len;
}

static void msgs_free(struct msgs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->m[i]);
	s->n = 0;
}

/* Our request for qtype, with base's SOA for IXFR, signed with k when set. */
static size_t request(uint8_t *buf, uint16_t qtype, const struct zone *base, uint16_t id,
                      const struct tsig_key *k, uint8_t *mac, uint16_t *mac_len)
{
	const uint8_t *soa = base ? base->soa->rdata : NULL;
	size_t len = xfrin_request(buf, MSG_MAX, origin, ORIGIN_LEN, qtype, soa ? soa + 2 : NULL,
	                           soa ? rd16(soa) : 0, id, k, NOW, mac, mac_len);
	ck_assert_uint_gt(len, DNS_HEADER_LEN);
	return len;
}

/* The server's answer to req (as the transfer thread gives it: parsed,
 * its TSIG verified, the IXFR decided from journal j or AXFR), messages of
 * cap octets, each signed when the request was. */
static void serve(const uint8_t *req, size_t reqlen, const struct zone *z, struct journal *j,
                  size_t cap, struct msgs *out)
{
	struct query q;
	ck_assert_int_eq(wire_parse_query_opts(req, reqlen, &q, 0), GD_OK);
	struct tsig_verdict v = {0};
	if (q.tsig) {
		ck_assert_int_eq(tsig_verify_request(req, reqlen, &q.tsig_rr, &ring, NOW, &v),
		                 GD_OK);
		ck_assert_uint_eq(v.error, 0);
	}
	struct ixfr_state *i = NULL;
	struct axfr_state *a = NULL;
	if (q.qtype == TYPE_IXFR) {
		uint32_t serial;
		ck_assert_int_eq(ixfr_request_serial(req, reqlen, &q, &serial), GD_OK);
		int rc = ixfr_begin(j, z, &q, serial, &i);
		ck_assert(rc == GD_OK || rc == IXFR_FALLBACK);
	}
	if (!i)
		a = axfr_begin(z, &q);
	size_t room = q.tsig ? tsig_response_space(&q.tsig_rr, &v) : 0;
	uint8_t *buf = malloc(MSG_MAX);
	for (out->n = 0;;) {
		size_t len = 0;
		int rc = i ? ixfr_next_message(i, buf, cap - room, &len)
		           : axfr_next_message(a, buf, cap - room, &len);
		if (rc == 0)
			break;
		ck_assert_int_eq(rc, 1);
		if (q.tsig) {
			len = tsig_append_stream(buf, len, MSG_MAX, &q.tsig_rr, &v, out->n == 0);
			ck_assert_uint_gt(len, 0);
			wr16(buf + 10, (uint16_t)(rd16(buf + 10) + 1));
		}
		msgs_add(out, buf, len);
	}
	free(buf);
	axfr_end(a);
	ixfr_end(i);
}

/* Feed every message; each but the last must ask for more. The last
 * one's result. */
static int feed_all(struct xfrin *x, const struct msgs *s, char *err, size_t errlen)
{
	int rc = XFRIN_MORE;
	for (size_t i = 0; i < s->n; i++) {
		err[0] = '\0';
		rc = xfrin_feed(x, s->m[i], s->len[i], NOW, err, errlen);
		if (i + 1 < s->n)
			ck_assert_msg(rc == XFRIN_MORE, "message %zu of %zu: %d (%s)", i, s->n, rc,
			              err);
	}
	return rc;
}

/* Write x's zone over base to a file and load it; the file must also be
 * read by ldns as ldns-read-zone reads it, with as many records. */
static struct zone *write_load(const struct xfrin *x, const struct zone *base, const char *name)
{
	char err[512] = "", path[512];
	snprintf(path, sizeof(path), "%s", unit_write_file(name, ""));
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	int rc = xfrin_write_zone(x, base, f, err, sizeof(err));
	ck_assert_msg(rc == GD_OK, "xfrin_write_zone %d: %s", rc, err);
	ck_assert_int_eq(fclose(f), 0);
	f = fopen(path, "r");
	ldns_zone *lz = NULL;
	int line = 0;
	ldns_status st = ldns_zone_new_frm_fp_l(&lz, f, NULL, 0, LDNS_RR_CLASS_IN, &line);
	ck_assert_msg(st == LDNS_STATUS_OK, "ldns: %s at line %d", ldns_get_errorstr_by_id(st),
	              line);
	fclose(f);
	struct zone *z = unit_load_zone(ORIGIN, path, NULL);
	size_t n;
	char **lines = zone_lines(z, &n, false);
	ck_assert_uint_eq(ldns_rr_list_rr_count(ldns_zone_rrs(lz)) + 1, n);
	lines_free(lines, n);
	ldns_zone_deep_free(lz);
	if (xfrin_kind(x) == XFRIN_KIND_FULL) {
		/* built from the records in memory: the same zone */
		size_t nr;
		struct zone_record *recs = xfrin_records(x, "AXFR", &nr);
		ck_assert_ptr_nonnull(recs);
		struct zone_config zc = {ORIGIN, path, NULL, &unit_regions};
		struct diag d = {0};
		struct zone *m = zone_load_records(&zc, recs, nr, &d);
		for (size_t i = 0; !m && i < d.count; i++)
			fprintf(stderr, "  records: %s\n", d.msgs[i]);
		ck_assert_ptr_nonnull(m);
		diag_free(&d);
		check_same_zone(m, z, false);
		zone_free(m);
	}
	return z;
}

/* x's differences applied to base in memory (xfrin_rrsets, zone_patch):
 * the same records as the text loaded (want), and its copy written with
 * xfrin_write_copy loads as the same zone again. */
static void check_patch(const struct xfrin *x, const struct zone *base, const struct zone *want)
{
	struct xfrin_rrsets r;
	char err[512] = "";
	ck_assert_int_eq(xfrin_rrsets(x, base, &r, err, sizeof(err)), GD_OK);
	struct diag d = {0};
	struct zone *got = NULL;
	int rc = zone_patch(base, r.changes, r.n, &unit_regions, NULL, &d, &got);
	for (size_t i = 0; rc != GD_OK && i < d.count; i++)
		fprintf(stderr, "  patch: %s\n", d.msgs[i]);
	ck_assert_int_eq(rc, GD_OK);
	xfrin_rrsets_free(&r);
	diag_free(&d);
	check_same_zone(got, want, false);
	char path[512];
	snprintf(path, sizeof(path), "%s", unit_write_file("xfrin-copy.zone", ""));
	FILE *f = fopen(path, "w");
	ck_assert_int_eq(xfrin_write_copy(got, f, err, sizeof(err)), GD_OK);
	ck_assert_int_eq(fclose(f), 0);
	struct zone *again = unit_load_zone(ORIGIN, path, NULL);
	check_same_zone(again, want, false);
	zone_free(again);
	zone_free(got);
}

/* ---- hand-made messages ---- */

struct mb {
	uint8_t buf[MSG_MAX];
	struct wire_writer w;
	unsigned an;
};

/* A response: ID, flags (QR and the rest), the question when qname. */
static void mb_begin(struct mb *b, uint16_t id, uint16_t flags, const char *qname, uint16_t qtype)
{
	wire_writer_init(&b->w, b->buf, sizeof(b->buf));
	b->an = 0;
	wire_put16(&b->w, id);
	wire_put16(&b->w, flags);
	wire_put16(&b->w, qname ? 1 : 0);
	wire_put16(&b->w, 0);
	wire_put16(&b->w, 0);
	wire_put16(&b->w, 0);
	if (qname) {
		ldns_rdf *n = ldns_dname_new_frm_str(qname);
		ck_assert_ptr_nonnull(n);
		wire_put(&b->w, ldns_rdf_data(n), ldns_rdf_size(n));
		wire_put16(&b->w, qtype);
		wire_put16(&b->w, CLASS_IN);
		ldns_rdf_deep_free(n);
	}
}

/* A record as the server writes one: owner and the rdata names of its
 * type compressed (wire_put_rdata). */
static void mb_put(struct mb *b, const uint8_t *owner, uint16_t type, uint16_t class, uint32_t ttl,
                   const uint8_t *rdata, size_t rdlen)
{
	ck_assert_int_eq(wire_put_name(&b->w, owner, true), GD_OK);
	wire_put16(&b->w, type);
	wire_put16(&b->w, class);
	wire_put32(&b->w, ttl);
	ck_assert_int_eq(wire_put_rdata(&b->w, type, rdata, rdlen), GD_OK);
	b->an++;
}

/* A record from its text (names absolute, case kept). */
static void mb_rr(struct mb *b, const char *text)
{
	ldns_rr *rr = NULL;
	ck_assert_msg(ldns_rr_new_frm_str(&rr, text, 300, NULL, NULL) == LDNS_STATUS_OK, "%s",
	              text);
	ldns_buffer *rd = ldns_buffer_new(512);
	ck_assert_int_eq(ldns_rr_rdata2buffer_wire(rd, rr), LDNS_STATUS_OK);
	mb_put(b, ldns_rdf_data(ldns_rr_owner(rr)), ldns_rr_get_type(rr), ldns_rr_get_class(rr),
	       ldns_rr_ttl(rr), ldns_buffer_begin(rd), ldns_buffer_position(rd));
	ldns_buffer_free(rd);
	ldns_rr_free(rr);
}

/* A record with its rdata as given, never compressed. */
static void mb_raw(struct mb *b, const uint8_t *owner, uint16_t type, const uint8_t *rdata,
                   size_t rdlen)
{
	ck_assert_int_eq(wire_put_name(&b->w, owner, true), GD_OK);
	wire_put16(&b->w, type);
	wire_put16(&b->w, CLASS_IN);
	wire_put32(&b->w, 300);
	wire_put16(&b->w, (uint16_t)rdlen);
	wire_put(&b->w, rdata, rdlen);
	b->an++;
}

static void mb_diff_rr(struct mb *b, const struct diff_rr *rr)
{
	mb_put(b, rr->owner, rr->type, CLASS_IN, rr->ttl, rr->rdata, rr->rdlen);
}

/* The SOA of zone z with another serial (0: its own). */
static void mb_soa(struct mb *b, const struct zone *z, uint32_t serial)
{
	uint8_t rd[600];
	size_t n = rd16(z->soa->rdata);
	memcpy(rd, z->soa->rdata + 2, n);
	if (serial)
		wr32(rd + n - 20, serial);
	mb_put(b, z->origin, TYPE_SOA, CLASS_IN, z->soa->ttl, rd, n);
}

/* The records of one part of a difference. */
static void mb_part(struct mb *b, struct diff *d, enum diff_part part)
{
	struct diff_iter it;
	struct diff_rr rr;
	diff_iter_init(d, part, &it);
	while (diff_iter_next(&it, &rr))
		mb_diff_rr(b, &rr);
}

/* The message into s, ANCOUNT set. */
static void mb_end(struct mb *b, struct msgs *s)
{
	wr16(b->buf + 6, (uint16_t)b->an);
	msgs_add(s, b->buf, b->w.len);
}

#define RESPONSE (DNS_FLAG_QR | DNS_FLAG_AA)

/* ---- requests ---- */

START_TEST(test_requests)
{
	uint8_t buf[MSG_MAX], want[512], mac[TSIG_MAC_MAX];
	uint16_t mac_len = 99;
	/* SOA and AXFR: ID, no flag, one question, origin as given */
	size_t len = xfrin_request(buf, sizeof(buf), origin, ORIGIN_LEN, TYPE_SOA, NULL, 0, 0x1234,
	                           NULL, NOW, mac, &mac_len);
	size_t wl = unit_unhex("123400000001000000000000"
	                       "0178047465737400"
	                       "00060001",
	                       want);
	ck_assert_uint_eq(len, wl);
	ck_assert_mem_eq(buf, want, wl);
	ck_assert_uint_eq(mac_len, 0);
	len = xfrin_request(buf, sizeof(buf), origin, ORIGIN_LEN, TYPE_AXFR, NULL, 0, 0xBEEF, NULL,
	                    NOW, mac, &mac_len);
	wl = unit_unhex("beef00000001000000000000"
	                "0178047465737400"
	                "00fc0001",
	                want);
	ck_assert_uint_eq(len, wl);
	ck_assert_mem_eq(buf, want, wl);
	/* IXFR: the SOA in the authority section, owner a pointer to the
	 * question, TTL 0, the rdata as given */
	struct zone *z = version(1);
	const uint8_t *soa = z->soa->rdata + 2;
	size_t soalen = rd16(z->soa->rdata);
	len = xfrin_request(buf, sizeof(buf), origin, ORIGIN_LEN, TYPE_IXFR, soa, soalen, 7, NULL,
	                    NOW, mac, &mac_len);
	wl = unit_unhex("000700000001000000010000"
	                "0178047465737400"
	                "00fb0001"
	                "c00c"
	                "0006"
	                "0001"
	                "00000000"
	                "0033"
	                "036e7331"
	                "0178047465737400"
	                "0a686f73746d6173746572"
	                "0178047465737400"
	                "00000001"
	                "00000e10"
	                "00000258"
	                "00015180"
	                "0000012c",
	                want);
	ck_assert_uint_eq(soalen, 0x33);
	ck_assert_uint_eq(len, wl);
	ck_assert_mem_eq(buf, want, wl);
	/* as the server reads it */
	struct query q;
	uint32_t serial = 0;
	ck_assert_int_eq(wire_parse_query_opts(buf, len, &q, 0), GD_OK);
	ck_assert_int_eq(ixfr_request_serial(buf, len, &q, &serial), GD_OK);
	ck_assert_uint_eq(serial, 1);
	/* signed: the same message with a TSIG the server verifies, the MAC
	 * handed back */
	for (int t = 0; t < 3; t++) {
		uint16_t qtype = t == 0 ? TYPE_SOA : t == 1 ? TYPE_AXFR : TYPE_IXFR;
		size_t plain = xfrin_request(want, sizeof(want), origin, ORIGIN_LEN, qtype, soa,
		                             soalen, 42, NULL, NOW, NULL, NULL);
		len = xfrin_request(buf, sizeof(buf), origin, ORIGIN_LEN, qtype, soa, soalen, 42,
		                    &key, NOW, mac, &mac_len);
		ck_assert_uint_eq(len, plain + 9 + 10 + 13 + 16 + 32);
		ck_assert_mem_eq(buf, want, 10);
		ck_assert_uint_eq(rd16(buf + 10), 1); /* ARCOUNT */
		ck_assert_mem_eq(buf + 12, want + 12, plain - 12);
		ck_assert_uint_eq(mac_len, 32);
		ck_assert_int_eq(wire_parse_query_opts(buf, len, &q, 0), GD_OK);
		ck_assert(q.tsig);
		ck_assert_uint_eq(q.tsig_rr.time_signed, NOW);
		ck_assert_uint_eq(q.tsig_rr.fudge, TSIG_FUDGE);
		struct tsig_verdict v;
		ck_assert_int_eq(tsig_verify_request(buf, len, &q.tsig_rr, &ring, NOW + 100, &v),
		                 GD_OK);
		ck_assert_uint_eq(v.error, 0);
		ck_assert(v.sign);
		ck_assert_mem_eq(v.mac, mac, 32);
	}
	/* no room: 0; no SOA for IXFR, a malformed SOA or origin: 0 */
	len = xfrin_request(buf, 23, origin, ORIGIN_LEN, TYPE_SOA, NULL, 0, 1, NULL, NOW, mac,
	                    &mac_len);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(xfrin_request(buf, 24, origin, ORIGIN_LEN, TYPE_SOA, NULL, 0, 1, NULL,
	                                NOW, mac, &mac_len),
	                  24);
	ck_assert_uint_eq(xfrin_request(buf, 100, origin, ORIGIN_LEN, TYPE_SOA, NULL, 0, 1, &key,
	                                NOW, mac, &mac_len),
	                  0);
	ck_assert_uint_eq(xfrin_request(buf, sizeof(buf), origin, ORIGIN_LEN, TYPE_IXFR, NULL, 0, 1,
	                                NULL, NOW, mac, &mac_len),
	                  0);
	ck_assert_uint_eq(xfrin_request(buf, sizeof(buf), origin, ORIGIN_LEN, TYPE_IXFR, soa,
	                                soalen - 1, 1, NULL, NOW, mac, &mac_len),
	                  0);
	ck_assert_uint_eq(xfrin_request(buf, sizeof(buf), origin, ORIGIN_LEN - 1, TYPE_AXFR, NULL,
	                                0, 1, NULL, NOW, mac, &mac_len),
	                  0);
	zone_free(z);
}
END_TEST

/* ---- the SOA answer ---- */

/* The answer to an SOA request: flags, question name and type, the zone's
 * SOA (owner as given, names compressed) when soa_owner is set, signed
 * over request MAC rmac when k is set. */
static size_t soa_answer(uint8_t *out, const struct zone *z, uint16_t id, uint16_t flags,
                         const char *qname, uint16_t qtype, const char *soa_owner,
                         const struct tsig_key *k, const uint8_t *rmac)
{
	static struct mb b;
	struct msgs s = {0};
	mb_begin(&b, id, flags, qname, qtype);
	if (soa_owner) {
		mb_rr(&b, "x.test. 300 IN A 192.0.2.1"); /* not the SOA: skipped */
		ldns_rdf *n = ldns_dname_new_frm_str(soa_owner);
		mb_put(&b, ldns_rdf_data(n), TYPE_SOA, CLASS_IN, 300, z->soa->rdata + 2,
		       rd16(z->soa->rdata));
		ldns_rdf_deep_free(n);
	}
	mb_end(&b, &s);
	size_t len = s.len[0];
	memcpy(out, s.m[0], len);
	msgs_free(&s);
	if (k) {
		/* the server's signature of a response */
		struct tsig t = {0};
		memcpy(t.key, k->name, k->name_len);
		t.key_len = k->name_len;
		memcpy(t.alg, "\013hmac-sha256", 13);
		t.alg_len = 13;
		t.fudge = TSIG_FUDGE;
		t.original_id = id;
		struct tsig_verdict v = {.key = k, .sign = true, .now = NOW, .mac_len = 32};
		memcpy(v.mac, rmac, 32);
		len = tsig_append_response(out, len, MSG_MAX, &t, &v);
		ck_assert_uint_gt(len, 0);
		wr16(out + 10, 1);
	}
	return len;
}

START_TEST(test_soa_response)
{
	struct zone *z = version(1);
	static uint8_t msg[MSG_MAX];
	uint8_t mac[TSIG_MAC_MAX], req[512];
	uint16_t mac_len;
	request(req, TYPE_SOA, NULL, 77, &key, mac, &mac_len);
	uint32_t serial = 0;
	bool tc = true;
	int rcode = -1;
	char err[256];
	/* unsigned: the serial; the owner in any case, names compressed */
	size_t len = soa_answer(msg, z, 77, RESPONSE, "X.Test.", TYPE_SOA, "x.TEST.", NULL, NULL);
	ck_assert_int_eq(xfrin_soa_response(msg, len, origin, ORIGIN_LEN, 77, NULL, NULL, 0, NOW,
	                                    &serial, &tc, &rcode, err, sizeof(err)),
	                 GD_OK);
	ck_assert_uint_eq(serial, 1);
	ck_assert(!tc);
	ck_assert_int_eq(rcode, 0);
	/* signed over our request's MAC: verified */
	serial = 0;
	len = soa_answer(msg, z, 77, RESPONSE, "x.test.", TYPE_SOA, "x.test.", &key, mac);
	ck_assert_int_eq(xfrin_soa_response(msg, len, origin, ORIGIN_LEN, 77, &key, mac, mac_len,
	                                    NOW + 5, &serial, &tc, &rcode, err, sizeof(err)),
	                 GD_OK);
	ck_assert_uint_eq(serial, 1);
	/* what is refused, and why */
	static const struct {
		uint16_t id, flags;
		const char *qname;
		uint16_t qtype;
		const char *soa_owner;
		bool sign, flip, with_key;
		int rcode;
		const char *why;
	} cases[] = {
	    {78, RESPONSE, "x.test.", TYPE_SOA, "x.test.", false, false, false, 0, "ID 78"},
	    {77, DNS_FLAG_AA, "x.test.", TYPE_SOA, "x.test.", false, false, false, 0, "QR clear"},
	    {77, RESPONSE | (OPCODE_NOTIFY << 11), "x.test.", TYPE_SOA, "x.test.", false, false,
	     false, 0, "opcode 4"},
	    {77, RESPONSE, "y.test.", TYPE_SOA, "x.test.", false, false, false, 0, "question"},
	    {77, RESPONSE, "x.test.", TYPE_A, "x.test.", false, false, false, 0, "question"},
	    {77, RESPONSE, NULL, 0, NULL, false, false, false, 0, "question"},
	    {77, RESPONSE | RCODE_REFUSED, "x.test.", TYPE_SOA, NULL, false, false, false,
	     RCODE_REFUSED, "rcode REFUSED"},
	    {77, RESPONSE | RCODE_SERVFAIL, NULL, 0, NULL, false, false, false, RCODE_SERVFAIL,
	     "rcode SERVFAIL"},
	    {77, RESPONSE, "x.test.", TYPE_SOA, NULL, false, false, false, 0, "no SOA"},
	    {77, RESPONSE, "x.test.", TYPE_SOA, "www.x.test.", false, false, false, 0, "no SOA"},
	    {77, RESPONSE, "x.test.", TYPE_SOA, "x.test.", false, false, true, 0, "no TSIG"},
	    {77, RESPONSE, "x.test.", TYPE_SOA, "x.test.", true, true, true, 0, "BADSIG"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		len =
		    soa_answer(msg, z, cases[i].id, cases[i].flags, cases[i].qname, cases[i].qtype,
		               cases[i].soa_owner, cases[i].sign ? &key : NULL, mac);
		if (cases[i].flip)
			msg[len - 80 - 18] ^= 1; /* the SOA's serial, before the TSIG */
		err[0] = '\0';
		rcode = -1;
		int rc = xfrin_soa_response(msg, len, origin, ORIGIN_LEN, 77,
		                            cases[i].with_key ? &key : NULL, mac, mac_len, NOW,
		                            &serial, &tc, &rcode, err, sizeof(err));
		ck_assert_msg(rc == GD_EFORMAT, "case %zu: %d", i, rc);
		ck_assert_msg(strstr(err, cases[i].why) != NULL, "case %zu: %s", i, err);
		ck_assert_int_eq(rcode, cases[i].rcode);
	}
	/* signed by another key, or over another request MAC */
	len = soa_answer(msg, z, 77, RESPONSE, "x.test.", TYPE_SOA, "x.test.", &other_key, mac);
	ck_assert_int_eq(xfrin_soa_response(msg, len, origin, ORIGIN_LEN, 77, &key, mac, mac_len,
	                                    NOW, &serial, &tc, &rcode, err, sizeof(err)),
	                 GD_EFORMAT);
	ck_assert_str_eq(err, "TSIG: BADKEY (another key or algorithm)");
	len = soa_answer(msg, z, 77, RESPONSE, "x.test.", TYPE_SOA, "x.test.", &key, mac);
	mac[3] ^= 1;
	ck_assert_int_eq(xfrin_soa_response(msg, len, origin, ORIGIN_LEN, 77, &key, mac, mac_len,
	                                    NOW, &serial, &tc, &rcode, err, sizeof(err)),
	                 GD_EFORMAT);
	ck_assert_str_eq(err, "TSIG: BADSIG (the MAC does not verify)");
	mac[3] ^= 1;
	ck_assert_int_eq(xfrin_soa_response(msg, len, origin, ORIGIN_LEN, 77, &key, mac, mac_len,
	                                    NOW + TSIG_FUDGE + 1, &serial, &tc, &rcode, err,
	                                    sizeof(err)),
	                 GD_EFORMAT);
	ck_assert_str_eq(err, "TSIG: BADTIME (signed too far from now)");
	/* TC: asked again over TCP, no serial, no TSIG needed */
	serial = 12345;
	len = soa_answer(msg, z, 77, RESPONSE | DNS_FLAG_TC, "x.test.", TYPE_SOA, NULL, NULL, NULL);
	ck_assert_int_eq(xfrin_soa_response(msg, len, origin, ORIGIN_LEN, 77, &key, mac, mac_len,
	                                    NOW, &serial, &tc, &rcode, err, sizeof(err)),
	                 GD_OK);
	ck_assert(tc);
	ck_assert_uint_eq(serial, 12345);
	/* malformed: cut short */
	len = soa_answer(msg, z, 77, RESPONSE, "x.test.", TYPE_SOA, "x.test.", NULL, NULL);
	ck_assert_int_eq(xfrin_soa_response(msg, len - 1, origin, ORIGIN_LEN, 77, NULL, NULL, 0,
	                                    NOW, &serial, &tc, &rcode, err, sizeof(err)),
	                 GD_EFORMAT);
	ck_assert_str_eq(err, "malformed message of 96 octets");
	zone_free(z);
}
END_TEST

/* ---- AXFR ---- */

/* AXFR of z in messages of cap octets, signed or not: complete, FULL,
 * the counts right; written and loaded, the same zone. */
static void check_axfr(const struct zone *z, size_t cap, bool sign, size_t min_msgs)
{
	uint8_t req[512], mac[TSIG_MAC_MAX];
	uint16_t mac_len = 0;
	size_t rl = request(req, TYPE_AXFR, NULL, 4321, sign ? &key : NULL, mac, &mac_len);
	struct msgs s = {0};
	serve(req, rl, z, NULL, cap, &s);
	ck_assert_uint_ge(s.n, min_msgs);
	struct xfrin *x =
	    xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 4321, sign ? &key : NULL, mac, mac_len, 0);
	char err[256];
	ck_assert_int_eq(xfrin_kind(x), XFRIN_KIND_NONE);
	int rc = feed_all(x, &s, err, sizeof(err));
	ck_assert_msg(rc == XFRIN_DONE, "%d: %s", rc, err);
	ck_assert_int_eq(xfrin_kind(x), XFRIN_KIND_FULL);
	ck_assert_uint_eq(xfrin_serial(x), z->serial);
	ck_assert_int_eq(xfrin_rcode(x), 0);
	uint64_t m, r, o, octets = 0;
	xfrin_counts(x, &m, &r, &o);
	for (size_t i = 0; i < s.n; i++)
		octets += s.len[i];
	ck_assert_uint_eq(m, s.n);
	size_t nrec;
	char **lines = zone_lines(z, &nrec, false);
	ck_assert_uint_eq(r, nrec + 1); /* the SOA twice */
	ck_assert_uint_eq(o, octets);
	size_t d, rm, ad;
	xfrin_changes(x, &d, &rm, &ad);
	ck_assert_uint_eq(d + rm + ad, 0);
	struct zone *got = write_load(x, NULL, "xfrin-axfr.zone");
	check_same_zone(got, z, true);
	/* the stream ended: nothing more taken */
	ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW, err, sizeof(err)), GD_EINVAL);
	ck_assert_str_eq(err, "the transfer is complete");
	lines_free(lines, nrec);
	zone_free(got);
	xfrin_free(x);
	msgs_free(&s);
}

/* Every type the server serves, and then some: names compressed by the
 * primary and mixed case, TXT with quotes and backslashes, a wildcard,
 * glue, a name occluded below a cut, a service (TYPE65281), a type ldns
 * does not know, types ldns writes. */
static const char *many_types =
    "$ORIGIN x.test.\n$TTL 3600\n"
    "@ IN SOA NS1.x.test. Host\\.Master.x.test. 2024010101 7200 900 1209600 300\n"
    "@ IN NS ns1\n@ IN NS NS2.Example.NET.\n@ IN MX 10 Mail.X.test.\n@ IN MX 20 .\n"
    "@ IN TXT \"quote \\\" backslash \\\\ semicolon ; parens ( ) tab\\009end\" \"second\"\n"
    "@ IN TXT \"\\255\\000\" \"\"\n"
    "@ IN CAA 0 issue \"ca.example.net; account=\\\"1\\\"\"\n"
    "@ 60 IN AAAA ::ffff:192.0.2.1\n"
    "ns1 IN A 192.0.2.1\nns1 IN AAAA 2001:db8::1\nmail IN A 192.0.2.25\n"
    "www IN CNAME @\n"
    "alias IN DNAME Target.Example.NET.\n"
    "_sip._tcp IN SRV 10 60 5060 Sip.x.test.\n"
    "1.2.0.192.in-addr IN PTR www.x.test.\n"
    "*.wild IN A 192.0.2.77\n*.wild IN TXT \"wild\"\n"
    "sub IN NS ns.sub\nsub IN NS ns.elsewhere.example.\nns.sub IN A 192.0.2.53\n"
    "deep.below.sub IN A 192.0.2.54\n"
    "svc IN TYPE65281 \\# 43 "
    "7b22726567696f6e73223a7b2275732d65617374223a7b2241223a5b223139322e302e322e31225d7d7d7d\n"
    "h IN HINFO \"PC\" \"Linux 6\"\n"
    "n IN NAPTR 100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .\n"
    "ssh IN SSHFP 1 1 123456789abcdef67890123456789abcdef67890\n"
    "_443._tcp IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
    "ds IN DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
    "rp IN RP Admin.x.test. txt.x.test.\n"
    "unk IN TYPE999 \\# 3 010203\nunk IN TYPE999 \\# 0\n"
    "a\\.b IN A 192.0.2.9\n"
    "\\(odd\\)\\059\\032name IN TXT \"odd owner\"\n"
    "big 86400 IN TXT \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaa\" \"b\"\n";

START_TEST(test_axfr_round_trip)
{
	struct zone *z =
	    unit_load_zone(ORIGIN, unit_write_file("xfrin-many.zone", many_types), NULL);
	check_axfr(z, AXFR_MESSAGE_SIZE, false, 1);
	check_axfr(z, AXFR_MESSAGE_SIZE, true, 1);
	check_axfr(z, 512, false, 3);
	check_axfr(z, 512, true, 3);
	zone_free(z);
}
END_TEST

/* The text itself for a small zone: header lines, SOA first, canonical
 * order, one TTL per RRset, the generic form, a type ldns writes. */
START_TEST(test_write_text)
{
	struct zone *z = version(1);
	struct msgs s = {0};
	static struct mb b;
	mb_begin(&b, 9, RESPONSE, "x.test.", TYPE_AXFR);
	mb_soa(&b, z, 5);
	mb_rr(&b, "u.X.test. 300 IN TYPE999 \\# 2 abcd");
	mb_rr(&b, "ns1.x.test. 300 IN A 192.0.2.1");
	mb_rr(&b, "x.test. 300 IN NS ns1.x.test.");
	mb_rr(&b, "b.x.test. 300 IN TXT \"a\\\"b\" \"c;d\"");
	mb_rr(&b, "c.x.test. 300 IN CAA 0 issue \"ca.example.net\"");
	mb_rr(&b, "a.x.test. 300 IN AAAA 2001:db8::1");
	mb_rr(&b, "a.x.test. 600 IN AAAA 2001:db8::2"); /* its TTL for the RRset */
	mb_rr(&b, "ns1.x.test. 300 IN A 192.0.2.1");    /* again: once */
	mb_rr(&b, "m.x.test. 300 IN MX 5 Mail.x.test.");
	mb_rr(&b, "s.x.test. 300 IN SRV 1 2 3 x.test.");
	mb_soa(&b, z, 5);
	mb_end(&b, &s);
	struct xfrin *x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 9, NULL, NULL, 0, 0);
	char err[256];
	ck_assert_int_eq(feed_all(x, &s, err, sizeof(err)), XFRIN_DONE);
	char *text = NULL;
	size_t tl = 0;
	FILE *f = open_memstream(&text, &tl);
	ck_assert_int_eq(xfrin_write_zone(x, NULL, f, err, sizeof(err)), GD_OK);
	fclose(f);
	ck_assert_str_eq(text, "; x.test. serial 5\n"
	                       "$ORIGIN x.test.\n"
	                       "x.test.\t300\tIN\tSOA\tns1.x.test. hostmaster.x.test. 5 3600 600 "
	                       "86400 300\n"
	                       "x.test.\t300\tIN\tNS\tns1.x.test.\n"
	                       "a.x.test.\t600\tIN\tAAAA\t2001:db8::1\n"
	                       "a.x.test.\t600\tIN\tAAAA\t2001:db8::2\n"
	                       "b.x.test.\t300\tIN\tTXT\t\"a\\\"b\" \"c;d\"\n"
	                       "c.x.test.\t300\tIN\tCAA\t0 issue \"ca.example.net\"\n"
	                       "m.x.test.\t300\tIN\tMX\t5 Mail.x.test.\n"
	                       "ns1.x.test.\t300\tIN\tA\t192.0.2.1\n"
	                       "s.x.test.\t300\tIN\tSRV\t1 2 3 x.test.\n"
	                       "u.x.test.\t300\tIN\tTYPE999\t\\# 2 abcd\n");
	free(text);
	/* writing that fails */
	f = fopen("/dev/full", "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(xfrin_write_zone(x, NULL, f, err, sizeof(err)), GD_EIO);
	ck_assert_str_eq(err, "writing the zone: No space left on device");
	fclose(f);
	/* a base is not needed for FULL, and is ignored */
	f = fopen("/dev/null", "w");
	ck_assert_int_eq(xfrin_write_zone(x, z, f, err, sizeof(err)), GD_OK);
	fclose(f);
	xfrin_free(x);
	msgs_free(&s);
	zone_free(z);
}
END_TEST

/* Rdata that cannot be written as its type reads (an A of 5 octets, a
 * CAA cut short or with a tag ldns does not print, an AAAA of 3): an
 * error at writing, not another record. */
/* An AXFR of z's SOA and one record (owner, type, rdata as given, never
 * compressed), read; what writing it gives, the reason in err. */
static int write_one(const struct zone *z, const uint8_t *owner, uint16_t type,
                     const uint8_t *rdata, size_t rdlen, char *err, size_t errlen)
{
	struct msgs s = {0};
	static struct mb b;
	mb_begin(&b, 9, RESPONSE, "x.test.", TYPE_AXFR);
	mb_soa(&b, z, 0);
	mb_raw(&b, owner, type, rdata, rdlen);
	mb_soa(&b, z, 0);
	mb_end(&b, &s);
	struct xfrin *x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 9, NULL, NULL, 0, 0);
	ck_assert_int_eq(feed_all(x, &s, err, errlen), XFRIN_DONE);
	FILE *f = fopen("/dev/null", "w");
	int rc = xfrin_write_zone(x, NULL, f, err, errlen);
	fclose(f);
	xfrin_free(x);
	msgs_free(&s);
	return rc;
}

START_TEST(test_write_bad_rdata)
{
	struct zone *z = version(1);
	static const struct {
		uint16_t type;
		const char *hex;
		const char *why;
	} cases[] = {
	    {TYPE_A, "c000020101",
	     "x.test. A: no zone-file text reads back as it (rdata of 5 octets)"},
	    {257, "0005697373",
	     "x.test. CAA: no zone-file text reads back as it (rdata of 5 octets)"},
	    {TYPE_AAAA, "200102",
	     "x.test. AAAA: no zone-file text reads back as it (rdata of 3 octets)"},
	    /* a tag ldns does not print (ldns_rr2str fails: once taken for
	     * running out of memory; found by fuzz_xfrin) */
	    {257, "0005ff7373756563612e6e6574",
	     "x.test. CAA: no zone-file text reads back as it (rdata of 13 octets)"},
	};
	char err[512];
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t rd[64];
		size_t n = unit_unhex(cases[i].hex, rd);
		ck_assert_msg(write_one(z, origin, cases[i].type, rd, n, err, sizeof(err)) ==
		                  GD_EFORMAT,
		              "case %zu", i);
		ck_assert_str_eq(err, cases[i].why);
	}
	/* an owner whose text is longer than ldns reads (found by
	 * fuzz_xfrin): a first label of n octets of 0, \000 each, is 4n + 8
	 * characters with ".x.test.", and ldns reads 254 at most: 62 octets
	 * are too many, of a type written here or of one ldns writes; 61 are
	 * written */
	uint8_t owner[WIRE_NAME_MAX] = {62};
	memcpy(owner + 63, origin, ORIGIN_LEN);
	ck_assert_int_eq(
	    write_one(z, owner, TYPE_A, (const uint8_t *)"\300\000\002\001", 4, err, sizeof(err)),
	    GD_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err, ".x.test. A: no zone-file text reads back as it"));
	ck_assert_int_eq(
	    write_one(z, owner, 257, (const uint8_t *)"\000\005issuea", 8, err, sizeof(err)),
	    GD_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err, ".x.test. CAA: no zone-file text reads back as it"));
	owner[0] = 61;
	memcpy(owner + 62, origin, ORIGIN_LEN);
	ck_assert_int_eq(
	    write_one(z, owner, TYPE_A, (const uint8_t *)"\300\000\002\001", 4, err, sizeof(err)),
	    GD_OK);
	ck_assert_int_eq(
	    write_one(z, owner, 257, (const uint8_t *)"\000\005issuea", 8, err, sizeof(err)),
	    GD_OK);
	zone_free(z);
}
END_TEST

/* A signed stream: every message verified; a bit flipped anywhere in a
 * message (its records or its MAC) fails that message. */
START_TEST(test_axfr_signed_tamper)
{
	struct zone *z =
	    unit_load_zone(ORIGIN, unit_write_file("xfrin-many.zone", many_types), NULL);
	uint8_t req[512], mac[TSIG_MAC_MAX];
	uint16_t mac_len;
	size_t rl = request(req, TYPE_AXFR, NULL, 99, &key, mac, &mac_len);
	struct msgs s = {0};
	serve(req, rl, z, NULL, 512, &s);
	ck_assert_uint_ge(s.n, 4);
	char err[256];
	size_t where[] = {40, s.len[2] / 2, s.len[2] - 20};
	for (size_t k = 0; k < ARRAY_SIZE(where); k++) {
		s.m[2][where[k]] ^= 0x01;
		struct xfrin *x =
		    xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 99, &key, mac, mac_len, 0);
		ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW, err, sizeof(err)),
		                 XFRIN_MORE);
		ck_assert_int_eq(xfrin_feed(x, s.m[1], s.len[1], NOW, err, sizeof(err)),
		                 XFRIN_MORE);
		int rc = xfrin_feed(x, s.m[2], s.len[2], NOW, err, sizeof(err));
		ck_assert_int_eq(rc, GD_EFORMAT);
		ck_assert_msg(strstr(err, "TSIG of message 3: BADSIG") || strstr(err, "malformed"),
		              "%zu: %s", k, err);
		ck_assert_int_eq(xfrin_kind(x), XFRIN_KIND_NONE);
		/* the reader takes nothing more */
		ck_assert_int_eq(xfrin_feed(x, s.m[3], s.len[3], NOW, err, sizeof(err)), GD_EINVAL);
		ck_assert_str_eq(err, "the transfer failed");
		xfrin_free(x);
		s.m[2][where[k]] ^= 0x01;
	}
	/* a bit in the records of a message: the MAC does not verify */
	s.m[1][30] ^= 0x20;
	struct xfrin *x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 99, &key, mac, mac_len, 0);
	ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW, err, sizeof(err)), XFRIN_MORE);
	ck_assert_int_eq(xfrin_feed(x, s.m[1], s.len[1], NOW, err, sizeof(err)), GD_EFORMAT);
	ck_assert_str_eq(err, "TSIG of message 2: BADSIG (the MAC does not verify)");
	xfrin_free(x);
	s.m[1][30] ^= 0x20;
	/* the unsigned stream given to a reader with a key: the first message */
	struct msgs u = {0};
	rl = request(req, TYPE_AXFR, NULL, 99, NULL, NULL, NULL);
	serve(req, rl, z, NULL, 512, &u);
	x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 99, &key, mac, mac_len, 0);
	ck_assert_int_eq(xfrin_feed(x, u.m[0], u.len[0], NOW, err, sizeof(err)), GD_EFORMAT);
	ck_assert_str_eq(err, "TSIG: the first message is not signed");
	xfrin_free(x);
	/* signed with another request MAC, too late */
	mac[0] ^= 1;
	x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 99, &key, mac, mac_len, 0);
	ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW, err, sizeof(err)), GD_EFORMAT);
	ck_assert_str_eq(err, "TSIG of message 1: BADSIG (the MAC does not verify)");
	xfrin_free(x);
	mac[0] ^= 1;
	x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 99, &key, mac, mac_len, 0);
	ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW + 301, err, sizeof(err)), GD_EFORMAT);
	ck_assert_str_eq(err, "TSIG of message 1: BADTIME (signed too far from now)");
	xfrin_free(x);
	/* a reader without a key takes the signed stream */
	x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 99, NULL, NULL, 0, 0);
	ck_assert_int_eq(feed_all(x, &s, err, sizeof(err)), XFRIN_DONE);
	xfrin_free(x);
	msgs_free(&s);
	msgs_free(&u);
	zone_free(z);
}
END_TEST

/* A stream of n messages of one record each (the zone's SOA, n - 2
 * records, the SOA), the ones in sign[] signed as RFC 8945 5.3.1 says:
 * an unsigned run goes into the next signed message's MAC (the server's
 * signer is handed the run and the message as one). */
static void one_record_stream(const struct zone *z, size_t n, const bool *sign, const uint8_t *rmac,
                              struct msgs *out)
{
	static uint8_t run[MSGS_MAX * 128];
	static struct mb b;
	size_t run_len = 0;
	struct tsig t = {0};
	memcpy(t.key, key.name, key.name_len);
	t.key_len = key.name_len;
	memcpy(t.alg, "\013hmac-sha256", 13);
	t.alg_len = 13;
	t.fudge = TSIG_FUDGE;
	t.original_id = 5;
	struct tsig_verdict v = {.key = &key, .sign = true, .now = NOW, .mac_len = 32};
	memcpy(v.mac, rmac, 32);
	out->n = 0;
	for (size_t i = 0; i < n; i++) {
		mb_begin(&b, 5, RESPONSE, i == 0 ? "x.test." : NULL, TYPE_AXFR);
		if (i == 0 || i == n - 1) {
			mb_soa(&b, z, 0);
		} else {
			char text[128];
			snprintf(text, sizeof(text), "h%zu.x.test. 300 IN A 198.51.100.%zu", i,
			         i % 250);
			mb_rr(&b, text);
		}
		wr16(b.buf + 6, (uint16_t)b.an);
		size_t len = b.w.len;
		memcpy(run + run_len, b.buf, len);
		if (!sign[i]) {
			msgs_add(out, b.buf, len);
			run_len += len;
			continue;
		}
		size_t end = tsig_append_stream(run, run_len + len, sizeof(run), &t, &v, i == 0);
		ck_assert_uint_gt(end, 0);
		wr16(run + run_len + 10, 1);
		msgs_add(out, run + run_len, end - run_len);
		run_len = 0;
	}
}

START_TEST(test_axfr_unsigned_runs)
{
	struct zone *z = version(1);
	uint8_t req[512], mac[TSIG_MAC_MAX];
	uint16_t mac_len;
	request(req, TYPE_AXFR, NULL, 5, &key, mac, &mac_len);
	static bool sign[MSGS_MAX];
	struct msgs s = {0};
	char err[256];
	/* 1 signed, 99 unsigned, 1 signed, 2 unsigned, the last signed */
	memset(sign, 0, sizeof(sign));
	sign[0] = sign[100] = sign[103] = true;
	one_record_stream(z, 104, sign, mac, &s);
	struct xfrin *x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 5, &key, mac, mac_len, 0);
	ck_assert_int_eq(feed_all(x, &s, err, sizeof(err)), XFRIN_DONE);
	uint64_t m, r, o;
	xfrin_counts(x, &m, &r, &o);
	ck_assert_uint_eq(m, 104);
	ck_assert_uint_eq(r, 104);
	xfrin_free(x);
	msgs_free(&s);
	/* 100 unsigned in a row: the 100th is refused */
	memset(sign, 0, sizeof(sign));
	sign[0] = sign[101] = true;
	one_record_stream(z, 102, sign, mac, &s);
	x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 5, &key, mac, mac_len, 0);
	for (size_t i = 0; i < 100; i++)
		ck_assert_int_eq(xfrin_feed(x, s.m[i], s.len[i], NOW, err, sizeof(err)),
		                 XFRIN_MORE);
	ck_assert_int_eq(xfrin_feed(x, s.m[100], s.len[100], NOW, err, sizeof(err)), GD_EFORMAT);
	ck_assert_str_eq(err, "TSIG: more than 99 unsigned messages in a row");
	xfrin_free(x);
	msgs_free(&s);
	/* the last unsigned */
	memset(sign, 0, sizeof(sign));
	sign[0] = sign[2] = true;
	one_record_stream(z, 4, sign, mac, &s);
	x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 5, &key, mac, mac_len, 0);
	ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW, err, sizeof(err)), XFRIN_MORE);
	ck_assert_int_eq(xfrin_feed(x, s.m[1], s.len[1], NOW, err, sizeof(err)), XFRIN_MORE);
	ck_assert_int_eq(xfrin_feed(x, s.m[2], s.len[2], NOW, err, sizeof(err)), XFRIN_MORE);
	ck_assert_int_eq(xfrin_feed(x, s.m[3], s.len[3], NOW, err, sizeof(err)), GD_EFORMAT);
	ck_assert_str_eq(err, "TSIG: the last message is not signed");
	ck_assert_int_eq(xfrin_kind(x), XFRIN_KIND_NONE);
	xfrin_free(x);
	msgs_free(&s);
	/* an unsigned message taken out of a run: the next signed fails */
	memset(sign, 0, sizeof(sign));
	sign[0] = sign[3] = true;
	one_record_stream(z, 4, sign, mac, &s);
	x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 5, &key, mac, mac_len, 0);
	ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW, err, sizeof(err)), XFRIN_MORE);
	ck_assert_int_eq(xfrin_feed(x, s.m[2], s.len[2], NOW, err, sizeof(err)), XFRIN_MORE);
	ck_assert_int_eq(xfrin_feed(x, s.m[3], s.len[3], NOW, err, sizeof(err)), GD_EFORMAT);
	ck_assert_str_eq(err, "TSIG of message 3: BADSIG (the MAC does not verify)");
	xfrin_free(x);
	msgs_free(&s);
	zone_free(z);
}
END_TEST

/* What a reader refuses in a message or a record, and the counts. */
START_TEST(test_feed_errors)
{
	struct zone *z = version(1);
	static struct mb b;
	static const struct {
		uint16_t id, flags;
		const char *qname;
		uint16_t qtype;
		const char *rr; /* a record after the SOA (NULL: none) */
		int rc, rcode;
		const char *err;
	} cases[] = {
	    {8, RESPONSE, "x.test.", TYPE_AXFR, NULL, GD_EFORMAT, 0, "ID 8, not the request's 9"},
	    {9, DNS_FLAG_AA, "x.test.", TYPE_AXFR, NULL, GD_EFORMAT, 0,
	     "not a response (QR clear)"},
	    {9, RESPONSE | (OPCODE_UPDATE << 11), "x.test.", TYPE_AXFR, NULL, GD_EFORMAT, 0,
	     "opcode 5, not QUERY"},
	    {9, RESPONSE | DNS_FLAG_TC, "x.test.", TYPE_AXFR, NULL, GD_EFORMAT, 0,
	     "truncated (TC set)"},
	    {9, RESPONSE, "y.test.", TYPE_AXFR, NULL, GD_EFORMAT, 0, "not the question asked"},
	    {9, RESPONSE, "x.test.", TYPE_IXFR, NULL, GD_EFORMAT, 0, "not the question asked"},
	    {9, RESPONSE, NULL, 0, NULL, GD_EFORMAT, 0, "not the question asked"},
	    {9, RESPONSE | RCODE_NOTIMP, "x.test.", TYPE_AXFR, NULL, GD_EFORMAT, RCODE_NOTIMP,
	     "rcode NOTIMP"},
	    {9, RESPONSE | RCODE_REFUSED, NULL, 0, NULL, GD_EFORMAT, RCODE_REFUSED,
	     "rcode REFUSED"},
	    {9, RESPONSE, "X.TEST.", TYPE_AXFR, "www.other.test. 300 IN A 192.0.2.1", GD_EFORMAT, 0,
	     "www.other.test. class 1 A: outside the zone"},
	    {9, RESPONSE, "x.test.", TYPE_AXFR, "www.x.test. 300 CH A 192.0.2.1", GD_EFORMAT, 0,
	     "www.x.test. class 3 A: class not IN"},
	    {9, RESPONSE, "x.test.", TYPE_AXFR, "www.x.test. 300 IN TYPE255 \\# 0", GD_EFORMAT, 0,
	     "www.x.test. class 1 ANY: a type that cannot be zone data"},
	    {9, RESPONSE, "x.test.", TYPE_AXFR, "x.test. 300 IN SOA a. b. 7 1 1 1 1", GD_EFORMAT, 0,
	     "the closing SOA's serial 7 is not the first's 1"},
	};
	char err[256];
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct msgs s = {0};
		mb_begin(&b, cases[i].id, cases[i].flags, cases[i].qname, cases[i].qtype);
		mb_soa(&b, z, 0);
		if (cases[i].rr)
			mb_rr(&b, cases[i].rr);
		mb_end(&b, &s);
		struct xfrin *x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 9, NULL, NULL, 0, 0);
		err[0] = '\0';
		ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW, err, sizeof(err)),
		                 cases[i].rc);
		ck_assert_str_eq(err, cases[i].err);
		ck_assert_int_eq(xfrin_rcode(x), cases[i].rcode);
		xfrin_free(x);
		msgs_free(&s);
	}
	/* the first record not the SOA; no record at all; records after the
	 * closing SOA; a malformed record */
	struct msgs s = {0};
	mb_begin(&b, 9, RESPONSE, "x.test.", TYPE_AXFR);
	mb_rr(&b, "www.x.test. 300 IN A 192.0.2.1");
	mb_end(&b, &s);
	mb_begin(&b, 9, RESPONSE, "x.test.", TYPE_AXFR);
	mb_end(&b, &s);
	mb_begin(&b, 9, RESPONSE, "x.test.", TYPE_AXFR);
	mb_soa(&b, z, 0);
	mb_soa(&b, z, 0);
	mb_rr(&b, "www.x.test. 300 IN A 192.0.2.1");
	mb_end(&b, &s);
	mb_begin(&b, 9, RESPONSE, "x.test.", TYPE_AXFR);
	mb_soa(&b, z, 0);
	mb_raw(&b, origin, TYPE_MX, (const uint8_t *)"\0\012\003abc", 6);
	mb_end(&b, &s);
	static const char *const why[] = {
	    "the first record is not the zone's SOA", "the first message has no record",
	    "a record after the closing SOA", "x.test. class 1 MX: malformed rdata"};
	for (size_t i = 0; i < s.n; i++) {
		struct xfrin *x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 9, NULL, NULL, 0, 0);
		ck_assert_int_eq(xfrin_feed(x, s.m[i], s.len[i], NOW, err, sizeof(err)),
		                 GD_EFORMAT);
		ck_assert_str_eq(err, why[i]);
		xfrin_free(x);
	}
	/* a message cut short */
	struct xfrin *x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 9, NULL, NULL, 0, 0);
	ck_assert_int_eq(xfrin_feed(x, s.m[2], s.len[2] - 1, NOW, err, sizeof(err)), GD_EFORMAT);
	ck_assert_uint_eq(s.len[2], 137);
	ck_assert_str_eq(err, "malformed message of 136 octets");
	xfrin_free(x);
	msgs_free(&s);
	zone_free(z);
}
END_TEST

/* An AXFR whose first message is the SOA alone goes on (one record per
 * message is allowed, RFC 5936 2.2); later messages without a question;
 * the counts. */
START_TEST(test_axfr_split_and_counts)
{
	struct zone *z = version(1);
	static struct mb b;
	struct msgs s = {0};
	mb_begin(&b, 3, RESPONSE, "x.test.", TYPE_AXFR);
	mb_soa(&b, z, 0);
	mb_end(&b, &s);
	mb_begin(&b, 3, RESPONSE, NULL, 0);
	mb_rr(&b, "x.test. 300 IN NS ns1.x.test.");
	mb_rr(&b, "NS1.X.TEST. 300 IN A 192.0.2.1");
	mb_end(&b, &s);
	mb_begin(&b, 3, RESPONSE, "x.test.", TYPE_AXFR); /* a question again: the same */
	mb_soa(&b, z, 0);
	mb_end(&b, &s);
	for (size_t max = 3; max <= 4; max++) {
		struct xfrin *x =
		    xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 3, NULL, NULL, 0, max);
		char err[256];
		ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW, err, sizeof(err)),
		                 XFRIN_MORE);
		ck_assert_int_eq(xfrin_feed(x, s.m[1], s.len[1], NOW, err, sizeof(err)),
		                 XFRIN_MORE);
		int rc = xfrin_feed(x, s.m[2], s.len[2], NOW, err, sizeof(err));
		uint64_t m, r, o;
		xfrin_counts(x, &m, &r, &o);
		ck_assert_uint_eq(m, 3);
		ck_assert_uint_eq(o, s.len[0] + s.len[1] + s.len[2]);
		if (max == 3) {
			ck_assert_int_eq(rc, GD_ELIMIT);
			ck_assert_str_eq(err, "more than 3 records");
			ck_assert_uint_eq(r, 3);
		} else {
			ck_assert_int_eq(rc, XFRIN_DONE);
			ck_assert_uint_eq(r, 4);
			ck_assert_int_eq(xfrin_kind(x), XFRIN_KIND_FULL);
			char *text = NULL;
			size_t tl;
			FILE *f = open_memstream(&text, &tl);
			ck_assert_int_eq(xfrin_write_zone(x, NULL, f, err, sizeof(err)), GD_OK);
			fclose(f);
			ck_assert_str_eq(text,
			                 "; x.test. serial 1\n$ORIGIN x.test.\n"
			                 "x.test.\t300\tIN\tSOA\tns1.x.test. hostmaster.x.test. 1 "
			                 "3600 600 86400 300\n"
			                 "x.test.\t300\tIN\tNS\tns1.x.test.\n"
			                 "ns1.x.test.\t300\tIN\tA\t192.0.2.1\n");
			free(text);
		}
		xfrin_free(x);
	}
	/* a later question that is not the request's */
	mb_begin(&b, 3, RESPONSE, "x.test.", TYPE_SOA);
	mb_soa(&b, z, 0);
	mb_end(&b, &s);
	struct xfrin *x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 3, NULL, NULL, 0, 0);
	char err[256];
	ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW, err, sizeof(err)), XFRIN_MORE);
	ck_assert_int_eq(xfrin_feed(x, s.m[3], s.len[3], NOW, err, sizeof(err)), GD_EFORMAT);
	ck_assert_str_eq(err, "not the question asked");
	xfrin_free(x);
	msgs_free(&s);
	zone_free(z);
}
END_TEST

/* ---- IXFR ---- */

/* Read s as the answer to an IXFR from serial; the result. */
static struct xfrin *read_ixfr(const struct msgs *s, uint32_t serial, const struct tsig_key *k,
                               const uint8_t *mac, int want)
{
	struct xfrin *x = xfrin_new(origin, ORIGIN_LEN, TYPE_IXFR, serial, 11, k, mac, 32, 0);
	char err[256] = "";
	int rc = feed_all(x, s, err, sizeof(err));
	ck_assert_msg(rc == want, "%d (%s), want %d", rc, err, want);
	return x;
}

START_TEST(test_ixfr_server_forms)
{
	struct zone *v1 = version(1), *v2 = version(2), *v3 = version(3);
	struct diff *d12, *d23;
	ck_assert_int_eq(diff_zones(v1, v2, &d12), GD_OK);
	ck_assert_int_eq(diff_zones(v2, v3, &d23), GD_OK);
	struct journal *j = journal_new(10, 1 << 20);
	ck_assert_int_eq(journal_add(j, diff_ref(d12)), GD_OK);
	ck_assert_int_eq(journal_add(j, diff_ref(d23)), GD_OK);
	uint8_t req[1024], mac[TSIG_MAC_MAX];
	uint16_t mac_len;
	struct msgs s = {0};
	char err[256];
	for (int sign = 0; sign < 2; sign++) {
		const struct tsig_key *k = sign ? &key : NULL;
		/* up to date: our SOA alone */
		size_t rl = request(req, TYPE_IXFR, v3, 11, k, mac, &mac_len);
		serve(req, rl, v3, j, AXFR_MESSAGE_SIZE, &s);
		ck_assert_uint_eq(s.n, 1);
		struct xfrin *x = read_ixfr(&s, 3, k, mac, XFRIN_DONE);
		ck_assert_int_eq(xfrin_kind(x), XFRIN_KIND_UPTODATE);
		ck_assert_uint_eq(xfrin_serial(x), 3);
		ck_assert_int_eq(xfrin_write_zone(x, v3, stdout, err, sizeof(err)), GD_EINVAL);
		ck_assert_str_eq(err, "no complete transfer with records to write");
		xfrin_free(x);
		msgs_free(&s);
		/* the condensed difference from 1, in one message and in many */
		for (size_t cap = 256; cap <= AXFR_MESSAGE_SIZE; cap += AXFR_MESSAGE_SIZE - 256) {
			rl = request(req, TYPE_IXFR, v1, 11, k, mac, &mac_len);
			serve(req, rl, v3, j, cap, &s);
			ck_assert_msg(cap == 256 ? s.n >= 2 : s.n == 1, "cap %zu: %zu messages",
			              cap, s.n);
			x = read_ixfr(&s, 1, k, mac, XFRIN_DONE);
			ck_assert_int_eq(xfrin_kind(x), XFRIN_KIND_INCREMENTAL);
			ck_assert_uint_eq(xfrin_serial(x), 3);
			size_t nd, rm, ad;
			xfrin_changes(x, &nd, &rm, &ad);
			ck_assert_uint_eq(nd, 1);
			ck_assert_uint_eq(rm, 4); /* www .81, txt v1, ns.sub .53, old */
			ck_assert_uint_eq(ad, 5); /* www .83, txt v3, ns.sub .54, new, svc */
			struct zone *got = write_load(x, v1, "xfrin-ixfr.zone");
			check_same_zone(got, v3, true);
			zone_free(got);
			/* the base must be the version asked from */
			ck_assert_int_eq(xfrin_write_zone(x, v2, stdout, err, sizeof(err)),
			                 GD_EINVAL);
			ck_assert_str_eq(err, "the base zone is not the version 1 of the zone");
			ck_assert_int_eq(xfrin_write_zone(x, NULL, stdout, err, sizeof(err)),
			                 GD_EINVAL);
			xfrin_free(x);
			msgs_free(&s);
		}
		/* from 2: the one difference */
		rl = request(req, TYPE_IXFR, v2, 11, k, mac, &mac_len);
		serve(req, rl, v3, j, 512, &s);
		x = read_ixfr(&s, 2, k, mac, XFRIN_DONE);
		struct zone *got = write_load(x, v2, "xfrin-ixfr2.zone");
		check_same_zone(got, v3, true);
		zone_free(got);
		xfrin_free(x);
		msgs_free(&s);
		/* not in the journal: the AXFR form */
		struct zone *v1b = version(1);
		zone_set_serial(v1b, 4000000000u); /* before 3 (RFC 1982), not in the journal */
		rl = request(req, TYPE_IXFR, v1b, 11, k, mac, &mac_len);
		serve(req, rl, v3, j, 512, &s);
		x = read_ixfr(&s, 4000000000u, k, mac, XFRIN_DONE);
		ck_assert_int_eq(xfrin_kind(x), XFRIN_KIND_FULL);
		got = write_load(x, NULL, "xfrin-ixfr-axfr.zone");
		check_same_zone(got, v3, true);
		zone_free(got);
		xfrin_free(x);
		msgs_free(&s);
		zone_free(v1b);
	}
	/* newer than the primary: its SOA alone, UPTODATE with its serial */
	struct zone *v9 = version(1);
	zone_set_serial(v9, 9);
	size_t rl = request(req, TYPE_IXFR, v9, 11, NULL, mac, &mac_len);
	serve(req, rl, v3, j, 512, &s);
	struct xfrin *x = read_ixfr(&s, 9, NULL, NULL, XFRIN_DONE);
	ck_assert_int_eq(xfrin_kind(x), XFRIN_KIND_UPTODATE);
	ck_assert_uint_eq(xfrin_serial(x), 3);
	xfrin_free(x);
	msgs_free(&s);
	zone_free(v9);
	/* the IXFR answer read by an AXFR reader: the second SOA closes it
	 * early, records follow */
	rl = request(req, TYPE_IXFR, v1, 11, NULL, mac, &mac_len);
	serve(req, rl, v3, j, AXFR_MESSAGE_SIZE, &s);
	x = xfrin_new(origin, ORIGIN_LEN, TYPE_AXFR, 0, 11, NULL, NULL, 0, 0);
	ck_assert_int_eq(xfrin_feed(x, s.m[0], s.len[0], NOW, err, sizeof(err)), GD_EFORMAT);
	ck_assert_str_eq(err, "not the question asked");
	xfrin_free(x);
	msgs_free(&s);
	diff_free(d12);
	diff_free(d23);
	journal_free(j);
	zone_free(v1);
	zone_free(v2);
	zone_free(v3);
}
END_TEST

/* Two differences in a row (the server condenses; other primaries do
 * not), one message per part or all in one; chains that break. */
START_TEST(test_ixfr_chain)
{
	struct zone *v1 = version(1), *v2 = version(2), *v3 = version(3);
	struct diff *d12, *d23;
	ck_assert_int_eq(diff_zones(v1, v2, &d12), GD_OK);
	ck_assert_int_eq(diff_zones(v2, v3, &d23), GD_OK);
	static struct mb b;
	struct msgs s = {0};
	char err[256];
	/* serials: of the first SOA, the chain's (from, to of each), the end */
	static const struct {
		uint32_t first, chain[4], last;
		int rc;
		const char *err;
	} cases[] = {
	    {3, {1, 2, 2, 3}, 3, XFRIN_DONE, ""},
	    {3,
	     {1, 2, 5, 3},
	     3,
	     GD_EFORMAT,
	     "the differences do not chain: one to serial 2, the next from 5 (the zone's is 3)"},
	    {3,
	     {1, 2, 2, 4},
	     3,
	     GD_EFORMAT,
	     "the differences do not chain: one to serial 4, the next from 3 (the zone's is 3)"},
	    {3,
	     {6, 2, 2, 3},
	     3,
	     GD_EFORMAT,
	     "the second SOA's serial 6 is neither the request's 1 nor the first's 3"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int split = 0; split < 2; split++) {
			mb_begin(&b, 11, RESPONSE, "x.test.", TYPE_IXFR);
			mb_soa(&b, v3, cases[i].first);
			mb_soa(&b, v1, cases[i].chain[0]);
			mb_part(&b, d12, DIFF_REMOVED);
			if (split)
				mb_end(&b, &s), mb_begin(&b, 11, RESPONSE, NULL, 0);
			mb_soa(&b, v2, cases[i].chain[1]);
			mb_part(&b, d12, DIFF_ADDED);
			if (split)
				mb_end(&b, &s), mb_begin(&b, 11, RESPONSE, NULL, 0);
			mb_soa(&b, v2, cases[i].chain[2]);
			mb_part(&b, d23, DIFF_REMOVED);
			mb_soa(&b, v3, cases[i].chain[3]);
			if (split)
				mb_end(&b, &s), mb_begin(&b, 11, RESPONSE, NULL, 0);
			mb_part(&b, d23, DIFF_ADDED);
			mb_soa(&b, v3, cases[i].last);
			mb_end(&b, &s);
			struct xfrin *x =
			    xfrin_new(origin, ORIGIN_LEN, TYPE_IXFR, 1, 11, NULL, NULL, 0, 0);
			int rc = XFRIN_MORE;
			err[0] = '\0';
			for (size_t m = 0; m < s.n && rc == XFRIN_MORE; m++)
				rc = xfrin_feed(x, s.m[m], s.len[m], NOW, err, sizeof(err));
			ck_assert_msg(rc == cases[i].rc, "case %zu: %d %s", i, rc, err);
			ck_assert_str_eq(err, cases[i].err);
			if (rc == XFRIN_DONE) {
				size_t nd, rm, ad;
				xfrin_changes(x, &nd, &rm, &ad);
				ck_assert_uint_eq(nd, 2);
				ck_assert_uint_eq(rm, diff_removed(d12) + diff_removed(d23));
				ck_assert_uint_eq(ad, diff_added(d12) + diff_added(d23));
				uint64_t m, r, o;
				xfrin_counts(x, &m, &r, &o);
				ck_assert_uint_eq(r, 6 + rm + ad);
				struct zone *got = write_load(x, v1, "xfrin-chain.zone");
				check_same_zone(got, v3, true);
				check_patch(x, v1, got);
				zone_free(got);
			}
			xfrin_free(x);
			msgs_free(&s);
		}
	}
	/* the AXFR form of a zone of the SOA alone: complete, no record */
	mb_begin(&b, 11, RESPONSE, "x.test.", TYPE_IXFR);
	mb_soa(&b, v3, 0);
	mb_soa(&b, v3, 0);
	mb_end(&b, &s);
	struct xfrin *x = read_ixfr(&s, 1, NULL, NULL, XFRIN_DONE);
	ck_assert_int_eq(xfrin_kind(x), XFRIN_KIND_FULL);
	xfrin_free(x);
	msgs_free(&s);
	diff_free(d12);
	diff_free(d23);
	zone_free(v1);
	zone_free(v2);
	zone_free(v3);
}
END_TEST

/* A difference that does not apply to the base: a removal of a record it
 * lacks, an addition of one it has; a TTL taken from the last added. */
START_TEST(test_ixfr_apply)
{
	struct zone *v1 = version(1);
	static struct mb b;
	struct msgs s = {0};
	char err[256];
	static const struct {
		const char *del, *add;
		int rc;
		const char *err;
	} cases[] = {
	    {"gone.x.test. 300 IN A 192.0.2.99", NULL, GD_EFORMAT,
	     "difference 1 removes gone.x.test. A 4 octets: the zone lacks it"},
	    {NULL, "NS1.x.test. 300 IN A 192.0.2.1", GD_EFORMAT,
	     "difference 1 adds ns1.x.test. A 4 octets: the zone has it"},
	    /* the zone says Mail.x.test.: the same name */
	    {"x.test. 300 IN MX 10 mail.X.TEST.", NULL, GD_OK, ""},
	    /* a removal with another TTL is the record; added back with a new
	     * one, the whole RRset takes it */
	    {"www.x.test. 999 IN A 192.0.2.81", "www.x.test. 900 IN A 192.0.2.81", GD_OK, ""},
	    {NULL, "www.x.test. 60 IN A 192.0.2.99", GD_OK, ""},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		mb_begin(&b, 11, RESPONSE, "x.test.", TYPE_IXFR);
		mb_soa(&b, v1, 2);
		mb_soa(&b, v1, 1);
		if (cases[i].del)
			mb_rr(&b, cases[i].del);
		mb_soa(&b, v1, 2);
		if (cases[i].add)
			mb_rr(&b, cases[i].add);
		mb_soa(&b, v1, 2);
		mb_end(&b, &s);
		struct xfrin *x = read_ixfr(&s, 1, NULL, NULL, XFRIN_DONE);
		err[0] = '\0';
		char *text = NULL;
		size_t tl;
		FILE *f = open_memstream(&text, &tl);
		ck_assert_int_eq(xfrin_write_zone(x, v1, f, err, sizeof(err)), cases[i].rc);
		fclose(f);
		ck_assert_str_eq(err, cases[i].err);
		/* in memory: the same refusal, or the same zone */
		char err2[256] = "";
		struct xfrin_rrsets r;
		ck_assert_int_eq(xfrin_rrsets(x, v1, &r, err2, sizeof(err2)), cases[i].rc);
		ck_assert_str_eq(err2, cases[i].err);
		if (cases[i].rc == GD_OK) {
			xfrin_rrsets_free(&r);
			const char *path = unit_write_file("xfrin-apply.zone", text);
			struct zone *want = unit_load_zone(ORIGIN, path, NULL);
			check_patch(x, v1, want);
			zone_free(want);
		}
		if (i == 2)
			ck_assert_ptr_null(strstr(text, "MX"));
		if (i == 3)
			ck_assert_ptr_nonnull(strstr(text,
			                             "www.x.test.\t900\tIN\tA\t192.0.2.80\n"
			                             "www.x.test.\t900\tIN\tA\t192.0.2.81\n"));
		if (i == 4)
			ck_assert_ptr_nonnull(strstr(text, "www.x.test.\t60\tIN\tA\t192.0.2.80\n"
			                                   "www.x.test.\t60\tIN\tA\t192.0.2.81\n"
			                                   "www.x.test.\t60\tIN\tA\t192.0.2.99\n"));
		free(text);
		xfrin_free(x);
		msgs_free(&s);
	}
	/* removed and added back in one difference, removed in the next */
	mb_begin(&b, 11, RESPONSE, "x.test.", TYPE_IXFR);
	mb_soa(&b, v1, 3);
	mb_soa(&b, v1, 1);
	mb_rr(&b, "old.x.test. 300 IN A 192.0.2.9");
	mb_soa(&b, v1, 2);
	mb_rr(&b, "old.x.test. 300 IN A 192.0.2.9");
	mb_soa(&b, v1, 2);
	mb_rr(&b, "old.x.test. 300 IN A 192.0.2.9");
	mb_soa(&b, v1, 3);
	mb_soa(&b, v1, 3);
	mb_end(&b, &s);
	struct xfrin *x = read_ixfr(&s, 1, NULL, NULL, XFRIN_DONE);
	char *text = NULL;
	size_t tl;
	FILE *f = open_memstream(&text, &tl);
	ck_assert_int_eq(xfrin_write_zone(x, v1, f, err, sizeof(err)), GD_OK);
	fclose(f);
	ck_assert_ptr_null(strstr(text, "old.x.test."));
	ck_assert_ptr_nonnull(strstr(text, "; x.test. serial 3\n"));
	struct zone *want = unit_load_zone(ORIGIN, unit_write_file("xfrin-apply.zone", text), NULL);
	check_patch(x, v1, want);
	ck_assert_uint_eq(want->serial, 3);
	zone_free(want);
	free(text);
	xfrin_free(x);
	msgs_free(&s);
	zone_free(v1);
}
END_TEST

Suite *xfrin_suite(void)
{
	Suite *s = suite_create("xfrin");
	TCase *tc = tcase_create("xfrin");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_requests);
	tcase_add_test(tc, test_soa_response);
	tcase_add_test(tc, test_axfr_round_trip);
	tcase_add_test(tc, test_write_text);
	tcase_add_test(tc, test_write_bad_rdata);
	tcase_add_test(tc, test_axfr_signed_tamper);
	tcase_add_test(tc, test_axfr_unsigned_runs);
	tcase_add_test(tc, test_feed_errors);
	tcase_add_test(tc, test_axfr_split_and_counts);
	tcase_add_test(tc, test_ixfr_server_forms);
	tcase_add_test(tc, test_ixfr_chain);
	tcase_add_test(tc, test_ixfr_apply);
	suite_add_tcase(s, tc);
	return s;
}
