/*
 * fuzz_xfr.c - transfer requests (src/xfr/axfr.c, ixfr.c, message.c, the
 * journal's condensing): one input is one request message, parsed as the
 * transfer thread parses it (wire_parse_query_opts, ECS and cookies
 * ignored). An AXFR or IXFR of class IN, opcode QUERY, EDNS version 0 or
 * none, for the apex of the one zone xfr.test. is then served as the
 * transfer thread (src/server/xfrout.c) and the UDP path of the workers
 * (xfr_ixfr_udp) serve it:
 *   - a TSIG is checked with the keys of fuzz_keys.h (the server's time is
 *     the request's Time Signed); a request that does not verify is not
 *     served (the answer code answers it), one that does gets every
 *     message signed (tsig_append_stream);
 *   - IXFR: the serial of the authority section's SOA (ixfr_request_serial;
 *     a FORMERR ends there), then ixfr_begin with the zone's journal, or the
 *     AXFR stream for IXFR_FALLBACK, to the end with messages of 512, of
 *     16384 and of 256 to 1279 octets (bits 1-10 of the DNS ID; a record
 *     that does not fit is retried in 65535, as the transfer thread does),
 *     then the UDP reply (ixfr_udp_message, or the SOA alone for a
 *     fallback) in 512 octets, or the client's EDNS size up to 1232;
 *   - AXFR: the AXFR stream with the three sizes.
 * The zone is loaded once in three versions (serials 1, 2, 3); the journal
 * holds the differences 1->2 and 2->3 (diff_zones, journal_add) and the
 * version served is 3. Bit 0 of the DNS ID set: no journal (as with
 * journal.max_versions 0), so every IXFR from an older serial falls back.
 *
 * Properties checked (fuzz_check aborts): the decision is the one ixfr.h
 * describes (serial 3 or newer: our SOA alone; 1 or 2 with the journal: the
 * condensed difference; else the fallback); every message walks (fuzz_dns.h,
 * strict), has the request's ID and RD, QR and AA, NOERROR, the question in
 * the first message only, records in the answer section only, a length
 * within its cap; the stream opens and closes with the SOA of serial 3 (an
 * incremental one has the client's SOA second); the three sizes carry the
 * same number of records, the number the kind of stream has (the zone's AXFR,
 * 4 plus the condensed difference's records, or 1), as the progress
 * counters say; a stream that ended stays ended; the UDP reply is the whole
 * stream exactly when its first message at that size is all of it (the same
 * octets), else the SOA alone. Nothing leaks (LeakSanitizer).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "dns/serial.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "xfr/axfr.h"
#include "xfr/ixfr.h"
#include "xfr/journal.h"
#include "zone/zone.h"

#include "fuzz_dns.h"
#include "fuzz_keys.h"
#include "fuzz_util.h"

#include <stdlib.h>
#include <string.h>

#define ORIGIN "xfr.test."
#define SERIAL 3u /* the version served */
#define MSG_MAX 65535

static struct zone *zone;        /* version 3 */
static struct journal *journal;  /* 1->2, 2->3 */
static uint64_t axfr_records;    /* records of the zone's AXFR stream */
static uint64_t ixfr_records[3]; /* [s]: of the IXFR from serial s (1, 2) */
static uint8_t *blk;             /* MSG_MAX octets, a heap block of its own */
static struct tsig_key keys[TSIG_ALGORITHMS];
static struct tsig_keyring ring;

/* ---- the zone, in three versions ---- */

static void zone_text(char *buf, size_t cap, unsigned version)
{
	char big[3][201];
	for (int i = 0; i < 3; i++) {
		/* a record of 600 octets and more: larger than a 512-octet message */
		memset(big[i], version == 3 ? 'z' : 'a' + i, 200);
		big[i][200] = '\0';
	}
	int n =
	    snprintf(buf, cap,
	             "$TTL 300\n"
	             "@ IN SOA ns1 hostmaster %u 3600 600 86400 300\n"
	             "@ IN NS ns1\n@ IN NS ns2.example.net.\n@ IN MX %u mail\n"
	             "ns1 IN A 192.0.2.1\nmail IN A 192.0.2.25\n"
	             "www IN A %s\nwww IN AAAA 2001:db8::80\n"
	             "alias %s IN CNAME www\n"
	             "sub IN NS ns.sub\nns.sub IN A 192.0.2.53\n"
	             "big IN TXT \"%s\" \"%s\" \"%s\"\n"
	             "txt IN TXT \"version %u\"\n"
	             "%s\n",
	             version, version == 1 ? 10 : 20, version == 2 ? "192.0.2.81" : "192.0.2.80",
	             version == 1 ? "300" : "600", big[0], big[1], big[2], version,
	             version == 2   ? "new1 IN A 192.0.2.101"
	             : version == 3 ? "new2 IN AAAA 2001:db8::102"
	                            : "");
	for (unsigned h = 1; h <= 24; h++) {
		if (h == 24 && version > 1)
			continue; /* removed in version 2 */
		n += snprintf(buf + n, cap - (size_t)n, "h%u IN A 198.51.100.%u\n", h, h);
	}
}

static struct zone *load_version(unsigned version)
{
	static char text[8192];
	char name[32], path[PATH_MAX];
	zone_text(text, sizeof(text), version);
	snprintf(name, sizeof(name), "xfr-v%u.zone", version);
	fuzz_write_file(name, (const uint8_t *)text, strlen(text), path);
	struct zone_config zc = {ORIGIN, path, NULL, NULL};
	struct diag d = {0};
	struct zone *z = zone_load(&zc, &d);
	for (size_t i = 0; !z && i < d.count; i++)
		fprintf(stderr, "fuzz_xfr: version %u: %s\n", version, d.msgs[i]);
	diag_free(&d);
	fuzz_check(z && z->serial == version, "the zone of version %u did not load", version);
	return z;
}

static void cleanup(void)
{
	zone_free(zone);
	journal_free(journal);
	free(blk);
}

/* ---- checking the messages ---- */

/* What a stream carried. */
struct seen {
	uint64_t records, messages;
	uint16_t first_type, second_type, last_type;
	uint32_t first_serial, second_serial, last_serial;
};

static void seen_record(struct seen *s, uint16_t type, uint32_t serial)
{
	if (s->records == 0) {
		s->first_type = type;
		s->first_serial = serial;
	} else if (s->records == 1) {
		s->second_type = type;
		s->second_serial = serial;
	}
	s->last_type = type;
	s->last_serial = serial;
	s->records++;
}

/* Check message m (n octets, a TSIG already appended when signed) of a
 * stream for q and note its records in s. */
static void check_message(const uint8_t *m, size_t n, const struct query *q, bool signed_,
                          struct seen *s)
{
	struct walk w = {.strict = true};
	fuzz_check(walk_msg(m, n, &w), "message %llu does not walk",
	           (unsigned long long)s->messages);
	bool first = s->messages == 0;
	fuzz_check(w.id == q->id, "ID %u, not the request's %u", w.id, q->id);
	fuzz_check(w.flags == (DNS_FLAG_QR | DNS_FLAG_AA | (q->flags & DNS_FLAG_RD)), "flags %04x",
	           w.flags);
	fuzz_check(w.counts[0] == (first ? 1 : 0) && w.counts[1] > 0 && w.counts[2] == 0 &&
	               w.counts[3] == (signed_ ? 1 : 0) && w.tsig == signed_ && !w.opt,
	           "counts %u %u %u %u", w.counts[0], w.counts[1], w.counts[2], w.counts[3]);
	size_t pos = DNS_HEADER_LEN;
	if (first) {
		fuzz_check(n >= pos + q->qname_len + 4u &&
		               memcmp(m + pos, q->qname, q->qname_len) == 0 &&
		               rd16(m + pos + q->qname_len) == q->qtype &&
		               rd16(m + pos + q->qname_len + 2) == CLASS_IN,
		           "the question is not the request's");
		pos += q->qname_len + 4u;
	}
	for (unsigned i = 0; i < w.counts[1]; i++) {
		walk_name(m, n, &pos); /* walk_msg checked it */
		uint16_t type = rd16(m + pos);
		size_t rd = pos + 10, end = rd + rd16(m + pos + 8);
		uint32_t serial = 0;
		if (type == TYPE_SOA) {
			walk_name(m, end, &rd);
			walk_name(m, end, &rd);
			serial = rd32(m + rd);
		}
		seen_record(s, type, serial);
		pos = end;
	}
	s->messages++;
}

/* ---- the streams ---- */

static int next_message(struct axfr_state *a, struct ixfr_state *i, uint8_t *buf, size_t cap,
                        size_t *len)
{
	return i ? ixfr_next_message(i, buf, cap, len) : axfr_next_message(a, buf, cap, len);
}

/* Write the stream a or i to its end, messages of cap octets (65535 for a
 * record that does not fit), signed with a copy of v when v is set. */
static void run_stream(struct axfr_state *a, struct ixfr_state *i, const struct query *q,
                       const struct tsig_verdict *v, size_t cap, struct seen *s)
{
	struct tsig_verdict sv = v ? *v : (struct tsig_verdict){0};
	size_t room = v ? tsig_response_space(&q->tsig_rr, v) : 0;
	*s = (struct seen){0};
	for (;;) {
		size_t len = 0, lim = cap - room;
		int rc = next_message(a, i, blk, lim, &len);
		if (rc == GD_ESPACE) {
			lim = MSG_MAX - room;
			rc = next_message(a, i, blk, lim, &len);
		}
		if (rc == 0)
			break;
		fuzz_check(rc == 1, "the stream failed (%d) after %llu messages", rc,
		           (unsigned long long)s->messages);
		fuzz_check(len > DNS_HEADER_LEN && len <= lim, "a message of %zu octets in %zu",
		           len, lim);
		if (v) {
			size_t n = tsig_append_stream(blk, len, MSG_MAX, &q->tsig_rr, &sv,
			                              s->messages == 0);
			fuzz_check(n > len && n <= len + room, "the TSIG took %zu octets, room %zu",
			           n - len, room);
			len = n;
			wr16(blk + 10, (uint16_t)(rd16(blk + 10) + 1));
		}
		check_message(blk, len, q, v != NULL, s);
	}
	size_t len = 0;
	fuzz_check(next_message(a, i, blk, cap, &len) == 0, "the stream did not stay ended");
	uint64_t records, messages;
	uint32_t from, to;
	if (i)
		ixfr_progress(i, &records, &messages, &from, &to);
	else
		axfr_progress(a, &records, &messages);
	fuzz_check(records == s->records && messages == s->messages,
	           "progress %llu records %llu messages, sent %llu %llu",
	           (unsigned long long)records, (unsigned long long)messages,
	           (unsigned long long)s->records, (unsigned long long)s->messages);
	fuzz_check(s->first_type == TYPE_SOA && s->first_serial == SERIAL &&
	               s->last_type == TYPE_SOA && s->last_serial == SERIAL,
	           "the stream does not open and close with the SOA of serial %u", SERIAL);
}

/* What the request should get: the kind, or -1 for the fallback. */
static int expected_kind(struct journal *j, uint32_t serial)
{
	if (serial == SERIAL || serial_gt(serial, SERIAL))
		return IXFR_UPTODATE;
	if (j && (serial == 1 || serial == 2))
		return IXFR_INCREMENTAL;
	return -1;
}

static void serve_tcp(struct journal *j, const struct query *q, const struct tsig_verdict *v,
                      bool ixfr, uint32_t serial)
{
	/* the third size from the ID: 256 to 1279 octets, message boundaries
	 * everywhere, the big record never fitting */
	const size_t caps[] = {512, AXFR_MESSAGE_SIZE, 256 + (size_t)(q->id >> 1) % 1024};
	int kind = ixfr ? expected_kind(j, serial) : -1;
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		struct ixfr_state *i = NULL;
		struct axfr_state *a = NULL;
		if (ixfr) {
			int rc = ixfr_begin(j, zone, q, serial, &i);
			fuzz_check(kind < 0 ? rc == IXFR_FALLBACK
			                    : rc == GD_OK && (int)ixfr_kind(i) == kind,
			           "serial %u: ixfr_begin %d, expected kind %d", serial, rc, kind);
		}
		if (!i)
			a = axfr_begin(zone, q);
		fuzz_check(i || a, "no stream");
		struct seen s;
		run_stream(a, i, q, v, caps[c], &s);
		uint64_t want = kind < 0                ? axfr_records
		                : kind == IXFR_UPTODATE ? 1
		                                        : ixfr_records[serial];
		fuzz_check(s.records == want, "%llu records in %zu-octet messages, not %llu",
		           (unsigned long long)s.records, caps[c], (unsigned long long)want);
		if (kind == IXFR_INCREMENTAL)
			fuzz_check(s.second_type == TYPE_SOA && s.second_serial == serial,
			           "the second record is not the client's SOA");
		axfr_end(a);
		ixfr_end(i);
	}
}

/* The UDP reply, as xfr_ixfr_udp writes it: into the end of blk. */
static void serve_udp(struct journal *j, const struct query *q, const struct tsig_verdict *v,
                      uint32_t serial)
{
	size_t cap = 512;
	if (q->edns)
		cap = q->udp_size < 512 ? 512 : q->udp_size > 1232 ? 1232 : q->udp_size;
	size_t opt = q->edns ? 11 : 0, sig = v ? tsig_response_space(&q->tsig_rr, v) : 0;
	if (cap <= opt + sig)
		return;
	size_t lim = cap - opt - sig;
	int kind = expected_kind(j, serial);
	struct ixfr_state *st = NULL;
	if (ixfr_begin(j, zone, q, serial, &st) != GD_OK)
		st = ixfr_begin_soa(zone, q);
	fuzz_check(st != NULL, "no UDP stream");
	uint8_t *out = blk + MSG_MAX - lim;
	size_t len = 0;
	bool whole = false;
	int rc = ixfr_udp_message(st, out, lim, &len, &whole);
	fuzz_check(rc == GD_OK && len <= lim, "ixfr_udp_message %d, %zu octets in %zu", rc, len,
	           lim);
	struct seen s = {0};
	check_message(out, len, q, false, &s);
	fuzz_check(s.first_type == TYPE_SOA && s.first_serial == SERIAL,
	           "the UDP reply does not open with our SOA");
	fuzz_check(whole ? s.records == (kind == IXFR_INCREMENTAL ? ixfr_records[serial] : 1)
	                 : s.records == 1,
	           "UDP: %llu records (whole %d, kind %d)", (unsigned long long)s.records, whole,
	           kind);
	fuzz_check(ixfr_next_message(st, blk, MSG_MAX, &len) == 0, "UDP: the stream goes on");
	ixfr_end(st);

	/* whole exactly when the first message of a new stream is all of it */
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, out, len);
	size_t ulen = len;
	st = NULL;
	if (ixfr_begin(j, zone, q, serial, &st) != GD_OK)
		st = ixfr_begin_soa(zone, q);
	fuzz_check(st != NULL, "no stream");
	rc = ixfr_next_message(st, out, lim, &len);
	size_t rest = 0;
	bool one = rc == 1 && ixfr_next_message(st, blk, MSG_MAX, &rest) == 0;
	fuzz_check(one == whole, "UDP whole %d, but the stream in %zu octets is one message: %d",
	           whole, lim, one);
	fuzz_check(!whole || (len == ulen && memcmp(copy, out, len) == 0),
	           "the UDP reply is not the stream's one message");
	free(copy);
	ixfr_end(st);
}

/* ---- set up once ---- */

static void init(void)
{
	fuzz_root();
	fuzz_keyring(keys, &ring);

	struct zone *v1 = load_version(1), *v2 = load_version(2);
	zone = load_version(3);
	struct diff *d[2] = {NULL, NULL}, *all = NULL;
	fuzz_check(diff_zones(v1, v2, &d[0]) == GD_OK && diff_zones(v2, zone, &d[1]) == GD_OK &&
	               diff_condense(d, 2, &all) == GD_OK,
	           "the differences");
	ixfr_records[1] = 4 + diff_removed(all) + diff_added(all);
	ixfr_records[2] = 4 + diff_removed(d[1]) + diff_added(d[1]);
	diff_free(all);
	journal = journal_new(10, 1 << 20);
	fuzz_check(journal && journal_add(journal, d[0]) == GD_OK &&
	               journal_add(journal, d[1]) == GD_OK,
	           "the journal");
	zone_free(v1);
	zone_free(v2);
	blk = malloc(MSG_MAX);
	if (!blk)
		abort();

	/* the AXFR stream's length, from a request of our own */
	static const uint8_t req[] = {0,   0,   0,   0, 0,   1,   0,   0,   0, 0, 0,   0, 3,
	                              'x', 'f', 'r', 4, 't', 'e', 's', 't', 0, 0, 252, 0, 1};
	struct query q;
	fuzz_check(wire_parse_query_opts(req, sizeof(req), &q, 0) == GD_OK, "our AXFR request");
	struct axfr_state *a = axfr_begin(zone, &q);
	size_t len;
	fuzz_check(a != NULL, "axfr_begin");
	while (axfr_next_message(a, blk, MSG_MAX, &len) == 1)
		;
	uint64_t messages;
	axfr_progress(a, &axfr_records, &messages);
	axfr_end(a);
	fuzz_check(axfr_records == zone->nrecords + 1 && ixfr_records[2] > 4 &&
	               ixfr_records[1] > ixfr_records[2],
	           "AXFR %llu records, IXFR %llu and %llu", (unsigned long long)axfr_records,
	           (unsigned long long)ixfr_records[1], (unsigned long long)ixfr_records[2]);
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		init();
		ready = 1;
	}
	if (size > MSG_MAX)
		return 0; /* a request is at most 65535 octets (TCP) */
	struct query q;
	if (wire_parse_query_opts(data, size, &q, WIRE_IGNORE_ECS | WIRE_IGNORE_COOKIE) != GD_OK ||
	    q.opcode != OPCODE_QUERY || q.qclass != CLASS_IN ||
	    (q.qtype != TYPE_AXFR && q.qtype != TYPE_IXFR) || (q.edns && q.edns_version > 0))
		return 0;
	struct tsig_verdict v = {0};
	if (q.tsig && (tsig_verify_request(data, size, &q.tsig_rr, &ring, q.tsig_rr.time_signed,
	                                   &v) != GD_OK ||
	               v.error))
		return 0; /* FORMERR or NOTAUTH: the answer code's */
	if (q.qname_len != zone->origin_len || memcmp(q.lname, zone->origin, q.qname_len) != 0)
		return 0; /* not the apex of a zone of ours: REFUSED */
	const struct tsig_verdict *sig = q.tsig ? &v : NULL;
	struct journal *j = (q.id & 1) ? NULL : journal;
	bool ixfr = q.qtype == TYPE_IXFR;
	uint32_t serial = 0;
	if (ixfr && ixfr_request_serial(data, size, &q, &serial) != GD_OK) {
		if (fuzz_verbose())
			fprintf(stderr, "xfr: IXFR FORMERR\n");
		return 0;
	}
	if (fuzz_verbose())
		fprintf(stderr, "xfr: %s serial %u journal %d signed %d kind %d\n",
		        ixfr ? "IXFR" : "AXFR", serial, j != NULL, q.tsig,
		        ixfr ? expected_kind(j, serial) : -1);
	serve_tcp(j, &q, sig, ixfr, serial);
	if (ixfr)
		serve_udp(j, &q, sig, serial);
	return 0;
}
