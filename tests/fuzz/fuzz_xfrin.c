/*
 * fuzz_xfrin.c - a zone transfer read as a secondary (src/xfr/xfrin.c,
 * xfrin_write.c, and dns/tsig.c's stream check): the input is the
 * response to one request of ours, fed message by message to xfrin_feed,
 * and on XFRIN_DONE the zone written by xfrin_write_zone against a small
 * base zone (xfrin.test. at serial 1).
 *
 * Input: octet 0 says what was asked: bit 0 IXFR (from serial 1, the
 * base's SOA in the request) else AXFR, bit 1 signed, bits 2-3 the key
 * (fuzz_keys.h, by algorithm); octet 1 the record cap (0: none, else 8
 * times it); then messages, each a big-endian u16 length and that many
 * octets (a length past the end takes what is left). The request is ID
 * 0x5a5a, signed at FUZZ_NOW, and every message is read at FUZZ_NOW.
 *
 * Properties checked (fuzz_check aborts): xfrin_feed answers XFRIN_MORE,
 * XFRIN_DONE or an error, and after DONE or an error takes nothing more
 * (GD_EINVAL); at DONE the kind is set, the counts are the messages and
 * octets fed; UPTODATE has nothing to write (GD_EINVAL); FULL and
 * INCREMENTAL write GD_OK or GD_EFORMAT (a difference that does not
 * apply, rdata that cannot be written), and a text written is written
 * the same the second time and every record line of it is read by ldns
 * (ldns_rr_new_frm_str, as zone_load reads it) as a record of class IN at
 * or below the origin. Nothing leaks (LeakSanitizer).
 *
 * The seeds (tests/fuzz/corpus/xfrin/seed-*) are real streams: the
 * server's own AXFR and IXFR (axfr.c, ixfr.c from a journal of versions
 * 1, 2 and 3 of the zone), signed with tsig_append_stream, and an IXFR of
 * two differences in a row made here. They are written by this target:
 *   FUZZ_XFRIN_SEEDS=tests/fuzz/corpus/xfrin build-check/fuzz-xfrin /dev/null
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "xfr/axfr.h"
#include "xfr/ixfr.h"
#include "xfr/journal.h"
#include "xfr/xfrin.h"
#include "zone/zone.h"

#include "fuzz_keys.h"
#include "fuzz_util.h"

#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN "xfrin.test."
#define FUZZ_NOW 1700000000u
#define FUZZ_ID 0x5a5a
#define MSG_MAX 65535

static const uint8_t origin[] = "\005xfrin\004test";
#define ORIGIN_LEN 12

static struct zone *zones[4]; /* versions 1 (the base), 2 and 3 */
static struct tsig_key keys[TSIG_ALGORITHMS];
static struct tsig_keyring ring;

static struct zone *load_version(unsigned v)
{
	char text[2048], name[32], path[PATH_MAX];
	snprintf(text, sizeof(text),
	         "$TTL 300\n@ IN SOA ns1 hostmaster %u 3600 600 86400 300\n"
	         "@ IN NS ns1\n@ IN NS ns2.example.net.\n@ IN MX 10 Mail\n"
	         "ns1 IN A 192.0.2.1\nmail IN A 192.0.2.25\n"
	         "www IN A 192.0.2.%u\nwww IN AAAA 2001:db8::80\n"
	         "txt IN TXT \"version %u\" \"a\\\"b\"\n"
	         "sub IN NS ns.sub\nns.sub IN A 192.0.2.53\n"
	         "_sip._tcp IN SRV 0 5 5060 Sip\n"
	         "caa IN CAA 0 issue \"ca.example.net\"\n"
	         "unk IN TYPE999 \\# 2 %04x\n%s",
	         v, 80 + v, v, v, v == 1 ? "old IN A 192.0.2.9\n" : "new IN CNAME www\n");
	snprintf(name, sizeof(name), "xfrin-v%u.zone", v);
	fuzz_write_file(name, (const uint8_t *)text, strlen(text), path);
	struct zone_config zc = {ORIGIN, path, NULL, NULL};
	struct diag d = {0};
	struct zone *z = zone_load(&zc, &d);
	for (size_t i = 0; !z && i < d.count; i++)
		fprintf(stderr, "fuzz_xfrin: version %u: %s\n", v, d.msgs[i]);
	diag_free(&d);
	fuzz_check(z && z->serial == v, "version %u of the zone did not load", v);
	return z;
}

static void cleanup(void)
{
	for (int v = 1; v <= 3; v++)
		zone_free(zones[v]);
}

/* Our request for the input's octet 0, its MAC into mac. */
static size_t request(uint8_t *buf, unsigned what, uint8_t *mac, uint16_t *mac_len)
{
	bool ixfr = what & 1;
	const struct tsig_key *k = (what & 2) ? &keys[(what >> 2) & 3] : NULL;
	const uint8_t *soa = zones[1]->soa->rdata;
	size_t len = xfrin_request(buf, MSG_MAX, origin, ORIGIN_LEN, ixfr ? TYPE_IXFR : TYPE_AXFR,
	                           soa + 2, rd16(soa), FUZZ_ID, k, FUZZ_NOW, mac, mac_len);
	fuzz_check(len > 0, "our request");
	return len;
}

/* ---- the seeds ---- */

struct seed {
	uint8_t *data;
	size_t len, cap;
};

static void seed_add(struct seed *s, const uint8_t *p, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->data = realloc(s->data, s->cap);
		fuzz_check(s->data != NULL, "memory");
	}
	memcpy(s->data + s->len, p, n);
	s->len += n;
}

static void seed_message(struct seed *s, const uint8_t *m, size_t len)
{
	uint8_t l[2];
	wr16(l, (uint16_t)len);
	seed_add(s, l, 2);
	seed_add(s, m, len);
}

static void seed_write(const char *dir, const char *name, struct seed *s)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	FILE *f = fopen(path, "wb");
	fuzz_check(f && fwrite(s->data, 1, s->len, f) == s->len && fclose(f) == 0, "writing %s",
	           path);
	free(s->data);
	*s = (struct seed){0};
}

/* The server's answer to our request (what) from version v with journal
 * j, messages of cap octets, signed as the transfer thread signs them. */
static void seed_served(const char *dir, const char *name, unsigned what, unsigned max, unsigned v,
                        struct journal *j, size_t cap)
{
	uint8_t req[1024], mac[TSIG_MAC_MAX];
	uint16_t mac_len;
	size_t rl = request(req, what, mac, &mac_len);
	struct query q;
	struct tsig_verdict tv = {0};
	fuzz_check(wire_parse_query_opts(req, rl, &q, 0) == GD_OK, "our request parses");
	if (q.tsig)
		fuzz_check(tsig_verify_request(req, rl, &q.tsig_rr, &ring, FUZZ_NOW, &tv) ==
		                   GD_OK &&
		               tv.error == 0,
		           "our request verifies");
	struct ixfr_state *is = NULL;
	struct axfr_state *as = NULL;
	if (what & 1) {
		uint32_t serial = 0;
		fuzz_check(ixfr_request_serial(req, rl, &q, &serial) == GD_OK && serial == 1,
		           "our IXFR's serial");
		if (ixfr_begin(j, zones[v], &q, serial, &is) != GD_OK)
			is = NULL;
	}
	if (!is)
		as = axfr_begin(zones[v], &q);
	size_t room = q.tsig ? tsig_response_space(&q.tsig_rr, &tv) : 0;
	static uint8_t buf[MSG_MAX];
	struct seed s = {0};
	uint8_t head[2] = {(uint8_t)what, (uint8_t)max};
	seed_add(&s, head, 2);
	for (unsigned n = 0;; n++) {
		size_t len = 0;
		int rc = is ? ixfr_next_message(is, buf, cap - room, &len)
		            : axfr_next_message(as, buf, cap - room, &len);
		if (rc != 1)
			break;
		if (q.tsig) {
			len = tsig_append_stream(buf, len, sizeof(buf), &q.tsig_rr, &tv, n == 0);
			wr16(buf + 10, (uint16_t)(rd16(buf + 10) + 1));
		}
		seed_message(&s, buf, len);
	}
	axfr_end(as);
	ixfr_end(is);
	seed_write(dir, name, &s);
}

static void put_rr(struct wire_writer *w, const struct diff_rr *rr)
{
	fuzz_check(wire_put_name(w, rr->owner, true) == GD_OK && wire_put16(w, rr->type) == GD_OK &&
	               wire_put16(w, CLASS_IN) == GD_OK && wire_put32(w, rr->ttl) == GD_OK &&
	               wire_put_rdata(w, rr->type, rr->rdata, rr->rdlen) == GD_OK,
	           "a record of the chain");
}

/* An IXFR of two differences in a row (the server sends one, condensed)
 * in one message, names compressed as the server compresses them: SOA 3,
 * each difference's four parts, SOA 3. */
static void seed_chain(const char *dir, struct diff **d)
{
	static uint8_t buf[MSG_MAX];
	static const uint8_t header[] = {0x5a, 0x5a, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0};
	struct wire_writer w;
	struct diff_iter it;
	struct diff_rr rr, soa;
	unsigned an = 0;
	wire_writer_init(&w, buf, sizeof(buf));
	wire_put(&w, header, sizeof(header));
	wire_put(&w, origin, ORIGIN_LEN);
	wire_put16(&w, TYPE_IXFR);
	wire_put16(&w, CLASS_IN);
	diff_iter_init(d[1], DIFF_SOA_NEW, &it);
	diff_iter_next(&it, &soa);
	put_rr(&w, &soa);
	an++;
	for (int k = 0; k < 2; k++)
		for (int part = DIFF_SOA_OLD; part <= DIFF_ADDED; part++) {
			diff_iter_init(d[k], (enum diff_part)part, &it);
			for (; diff_iter_next(&it, &rr); an++)
				put_rr(&w, &rr);
		}
	put_rr(&w, &soa);
	an++;
	wr16(buf + 6, (uint16_t)an);
	struct seed s = {0};
	uint8_t head[2] = {1, 0};
	seed_add(&s, head, 2);
	seed_message(&s, buf, w.len);
	seed_write(dir, "ixfr-two-differences", &s);
}

static void write_seeds(const char *dir)
{
	struct diff *d[2];
	fuzz_check(diff_zones(zones[1], zones[2], &d[0]) == GD_OK &&
	               diff_zones(zones[2], zones[3], &d[1]) == GD_OK,
	           "the differences");
	struct journal *j = journal_new(10, 1 << 20);
	fuzz_check(j && journal_add(j, diff_ref(d[0])) == GD_OK &&
	               journal_add(j, diff_ref(d[1])) == GD_OK,
	           "the journal");
	seed_served(dir, "axfr", 0, 0, 3, NULL, AXFR_MESSAGE_SIZE);
	seed_served(dir, "axfr-small-messages", 0, 0, 3, NULL, 128);
	seed_served(dir, "axfr-cap", 0, 1, 3, NULL, AXFR_MESSAGE_SIZE);
	seed_served(dir, "axfr-signed-sha256", 2 | TSIG_HMAC_SHA256 << 2, 0, 3, NULL, 512);
	seed_served(dir, "axfr-signed-sha1", 2 | TSIG_HMAC_SHA1 << 2, 0, 3, NULL, 512);
	seed_served(dir, "ixfr", 1, 0, 3, j, AXFR_MESSAGE_SIZE);
	seed_served(dir, "ixfr-small-messages", 1, 0, 3, j, 128);
	seed_served(dir, "ixfr-signed-sha512", 3 | TSIG_HMAC_SHA512 << 2, 0, 3, j, 512);
	seed_served(dir, "ixfr-uptodate", 1, 0, 1, j, AXFR_MESSAGE_SIZE);
	seed_served(dir, "ixfr-axfr-form", 1, 0, 3, NULL, AXFR_MESSAGE_SIZE);
	seed_served(dir, "ixfr-axfr-form-signed", 3 | TSIG_HMAC_SHA384 << 2, 0, 3, NULL, 512);
	seed_chain(dir, d);
	journal_free(j);
	diff_free(d[0]);
	diff_free(d[1]);
}

/* ---- one input ---- */

static void init(void)
{
	fuzz_root();
	fuzz_keyring(keys, &ring);
	for (unsigned v = 1; v <= 3; v++)
		zones[v] = load_version(v);
	atexit(cleanup);
	const char *dir = getenv("FUZZ_XFRIN_SEEDS");
	if (dir && *dir)
		write_seeds(dir);
}

/* The text written: every record line read by ldns as zone_load reads it. */
static void check_text(const char *text, size_t len)
{
	fuzz_check(len > 0 && text[len - 1] == '\n', "the text does not end a line");
	const char *p = text;
	unsigned line = 0;
	static char buf[4 * 65536];
	while (p < text + len) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = (size_t)(nl - p);
		line++;
		if (line > 2) {
			fuzz_check(n < sizeof(buf), "line %u of %zu octets", line, n);
			memcpy(buf, p, n);
			buf[n] = '\0';
			ldns_rr *rr = NULL;
			ldns_status st = ldns_rr_new_frm_str(&rr, buf, 0, NULL, NULL);
			fuzz_check(st == LDNS_STATUS_OK, "line %u not read by ldns (%s): %.200s",
			           line, ldns_get_errorstr_by_id(st), buf);
			uint8_t lname[WIRE_NAME_MAX];
			const ldns_rdf *o = ldns_rr_owner(rr);
			wire_name_lower(ldns_rdf_data(o), ldns_rdf_size(o), lname);
			fuzz_check(ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
			               wire_name_is_sub(lname, origin),
			           "line %u: not a record of the zone: %.200s", line, buf);
			ldns_rr_free(rr);
		}
		p = nl + 1;
	}
}

/* Write the zone of a complete transfer, twice. */
static void write_zone(const struct xfrin *x)
{
	enum xfrin_kind kind = xfrin_kind(x);
	char err[512], *text[2] = {NULL, NULL};
	size_t len[2] = {0, 0};
	int rc[2];
	for (int i = 0; i < 2; i++) {
		FILE *f = open_memstream(&text[i], &len[i]);
		fuzz_check(f != NULL, "open_memstream");
		rc[i] = xfrin_write_zone(x, zones[1], f, err, sizeof(err));
		fclose(f);
	}
	if (kind == XFRIN_KIND_UPTODATE)
		fuzz_check(rc[0] == GD_EINVAL, "UPTODATE written: %d", rc[0]);
	else
		fuzz_check(rc[0] == GD_OK || rc[0] == GD_EFORMAT, "write: %d (%s)", rc[0], err);
	fuzz_check(rc[1] == rc[0] && (rc[0] != GD_OK ||
	                              (len[0] == len[1] && memcmp(text[0], text[1], len[0]) == 0)),
	           "a second write differs");
	if (fuzz_verbose())
		fprintf(stderr, "xfrin: kind %d write %d %s\n", kind, rc[0], rc[0] ? err : "");
	if (rc[0] == GD_OK)
		check_text(text[0], len[0]);
	free(text[0]);
	free(text[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		init();
		ready = 1;
	}
	if (size < 2)
		return 0;
	unsigned what = data[0];
	uint8_t req[1024], mac[TSIG_MAC_MAX];
	uint16_t mac_len = 0;
	request(req, what, mac, &mac_len);
	const struct tsig_key *k = (what & 2) ? &keys[(what >> 2) & 3] : NULL;
	struct xfrin *x = xfrin_new(origin, ORIGIN_LEN, (what & 1) ? TYPE_IXFR : TYPE_AXFR, 1,
	                            FUZZ_ID, k, mac, mac_len, (size_t)data[1] * 8);
	fuzz_check(x != NULL, "xfrin_new");
	size_t pos = 2;
	uint64_t fed = 0, octets = 0;
	int rc = XFRIN_MORE;
	char err[512];
	while (pos + 2 <= size && rc == XFRIN_MORE) {
		size_t n = rd16(data + pos);
		pos += 2;
		if (n > size - pos)
			n = size - pos;
		rc = xfrin_feed(x, data + pos, n, FUZZ_NOW, err, sizeof(err));
		fed++;
		octets += n;
		pos += n;
		fuzz_check(rc == XFRIN_MORE || rc == XFRIN_DONE || rc < 0, "xfrin_feed %d", rc);
	}
	if (fuzz_verbose())
		fprintf(stderr, "xfrin: %llu messages, rc %d %s\n", (unsigned long long)fed, rc,
		        rc < 0 ? err : "");
	if (rc != XFRIN_MORE) {
		fuzz_check(xfrin_feed(x, data, size, FUZZ_NOW, err, sizeof(err)) == GD_EINVAL,
		           "the reader took a message after the end");
	}
	if (rc == XFRIN_DONE) {
		uint64_t m, r, o;
		xfrin_counts(x, &m, &r, &o);
		fuzz_check(m == fed && o == octets && r > 0, "counts %llu %llu, fed %llu %llu",
		           (unsigned long long)m, (unsigned long long)o, (unsigned long long)fed,
		           (unsigned long long)octets);
		fuzz_check(xfrin_kind(x) != XFRIN_KIND_NONE, "DONE without a kind");
		write_zone(x);
	} else {
		fuzz_check(xfrin_kind(x) == XFRIN_KIND_NONE, "a kind before DONE");
	}
	xfrin_free(x);
	return 0;
}
