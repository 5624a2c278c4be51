/*
 * xfrin.c - a zone transfer read as a secondary (xfr/xfrin.h): the SOA,
 * AXFR and IXFR requests, the check of the SOA answer, and the reader that
 * takes the messages of an AXFR (RFC 5936) or IXFR (RFC 1995) response one
 * at a time, checks each (header, question, TSIG per RFC 8945 5.3.1 with
 * dns/tsig.c's tsig_verify_stream, records) and keeps what it carries as
 * packed records: every record of a full transfer, or the differences of
 * an incremental one as struct diff (diff_make, the journal's own form).
 * xfrin_write.c turns that into zone-file text.
 *
 * A record is kept as the zone keeps one (zone/read.c): the owner
 * lower-cased, the names in its rdata decompressed in their own case
 * (the types of RFC 1035 that dns/wire.c compresses, and those RFC 3597 4
 * asks a receiver to decompress too), any other type's rdata as received.
 * So a record received is the same octets as the one the zone file
 * written from it loads, and a difference's removal is found in the base
 * zone by comparing octets.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr/xfrin.h"

#include "xfr_internal.h"

#include "common/gd.h"
#include "dns/tsig.h"
#include "dns/wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MESSAGE_MAX 65535

void xfrin_say(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static const char *rcode_name(unsigned rcode)
{
	return rcode < DNS_RCODES_COUNTED - 1 ? dns_rcode_name(rcode) : "OTHER";
}

/* ---- requests ---- */

size_t xfrin_request(uint8_t *buf, size_t cap, const uint8_t *origin, size_t origin_len,
                     uint16_t qtype, const uint8_t *soa_rdata, size_t soa_rdlen, uint16_t id,
                     const struct tsig_key *key, uint64_t now, uint8_t *mac, uint16_t *mac_len)
{
	uint32_t serial;
	bool ixfr = qtype == TYPE_IXFR;
	if (mac_len)
		*mac_len = 0;
	if (cap > MESSAGE_MAX)
		cap = MESSAGE_MAX;
	if (wire_name_len(origin, origin_len) != origin_len ||
	    (ixfr && (!soa_rdata || !xfr_soa_serial(soa_rdata, soa_rdlen, &serial))))
		return 0;
	struct wire_writer w;
	wire_writer_init(&w, buf, cap);
	/* opcode QUERY, RD clear; an IXFR's SOA in the authority section */
	if (wire_put16(&w, id) < 0 || wire_put16(&w, 0) < 0 || wire_put16(&w, 1) < 0 ||
	    wire_put16(&w, 0) < 0 || wire_put16(&w, ixfr ? 1 : 0) < 0 || wire_put16(&w, 0) < 0 ||
	    wire_put(&w, origin, origin_len) < 0 || wire_put16(&w, qtype) < 0 ||
	    wire_put16(&w, CLASS_IN) < 0)
		return 0;
	/* the SOA's owner a pointer to the question's name, its rdata as
	 * given (uncompressed), TTL 0 */
	if (ixfr &&
	    (wire_put16(&w, 0xC000 | DNS_HEADER_LEN) < 0 || wire_put16(&w, TYPE_SOA) < 0 ||
	     wire_put16(&w, CLASS_IN) < 0 || wire_put32(&w, 0) < 0 ||
	     wire_put16(&w, (uint16_t)soa_rdlen) < 0 || wire_put(&w, soa_rdata, soa_rdlen) < 0))
		return 0;
	if (!key)
		return w.len;
	uint8_t own_mac[TSIG_MAC_MAX];
	uint16_t own_len;
	return tsig_sign_request(buf, w.len, cap, key, now, TSIG_FUDGE, mac ? mac : own_mac,
	                         mac_len ? mac_len : &own_len);
}

/* ---- records ---- */

/* by type: every one of them is below 36 */
static const struct xfr_name_layout layouts[36] = {
    [TYPE_NS] = {TYPE_NS, 0, 0, 1, 0},       [3] = {3 /* MD */, 0, 0, 1, 0},
    [4] = {4 /* MF */, 0, 0, 1, 0},          [TYPE_CNAME] = {TYPE_CNAME, 0, 0, 1, 0},
    [TYPE_SOA] = {TYPE_SOA, 0, 0, 2, 20},    [7] = {7 /* MB */, 0, 0, 1, 0},
    [8] = {8 /* MG */, 0, 0, 1, 0},          [9] = {9 /* MR */, 0, 0, 1, 0},
    [TYPE_PTR] = {TYPE_PTR, 0, 0, 1, 0},     [14] = {14 /* MINFO */, 0, 0, 2, 0},
    [TYPE_MX] = {TYPE_MX, 2, 0, 1, 0},       [17] = {17 /* RP */, 0, 0, 2, 0},
    [18] = {18 /* AFSDB */, 2, 0, 1, 0},     [21] = {21 /* RT */, 2, 0, 1, 0},
    [26] = {26 /* PX */, 2, 0, 2, 0},        [TYPE_SRV] = {TYPE_SRV, 6, 0, 1, 0},
    [TYPE_NAPTR] = {TYPE_NAPTR, 4, 3, 1, 0},
};

const struct xfr_name_layout *xfr_name_layout(uint16_t type)
{
	return type < ARRAY_SIZE(layouts) && layouts[type].names ? &layouts[type] : NULL;
}

/* A record's fixed part as read from a message. */
struct rr_head {
	uint8_t owner[WIRE_NAME_MAX]; /* lower-cased */
	size_t owner_len;
	uint16_t type, class;
	uint32_t ttl;
	size_t rdata, rdlen; /* the rdata's offset in the message, its length */
};

/* The record at *pos of msg (len octets): its owner and fixed fields into
 * h, *pos past it. GD_OK or GD_EFORMAT. */
static int read_head(const uint8_t *msg, size_t len, size_t *pos, struct rr_head *h)
{
	uint8_t name[WIRE_NAME_MAX];
	if (wire_read_name(msg, len, pos, name, &h->owner_len) < 0 || *pos + 10 > len)
		return GD_EFORMAT;
	wire_name_lower(name, h->owner_len, h->owner);
	const uint8_t *p = msg + *pos;
	h->type = rd16(p);
	h->class = rd16(p + 2);
	h->ttl = rd32(p + 4);
	h->rdlen = rd16(p + 8);
	h->rdata = *pos + 10;
	if (h->rdata + h->rdlen > len)
		return GD_EFORMAT;
	*pos = h->rdata + h->rdlen;
	return GD_OK;
}

/* Copy n octets at *p (within end) to out (cap) at *o. */
static bool copy_octets(const uint8_t *msg, size_t *p, size_t end, size_t n, uint8_t *out,
                        size_t cap, size_t *o)
{
	if (n > end - *p || n > cap - *o)
		return false;
	memcpy(out + *o, msg + *p, n);
	*p += n;
	*o += n;
	return true;
}

/* The rdata of h with the names of its type's layout decompressed, into
 * out (cap octets); its length, or -1 when it is malformed (a name or
 * string running past the rdata, octets left over) or over cap. */
static long read_rdata(const uint8_t *msg, const struct rr_head *h, uint8_t *out, size_t cap)
{
	const struct xfr_name_layout *l = xfr_name_layout(h->type);
	size_t p = h->rdata, end = h->rdata + h->rdlen, o = 0;
	if (!l)
		return copy_octets(msg, &p, end, h->rdlen, out, cap, &o) ? (long)o : -1;
	if (!copy_octets(msg, &p, end, l->pre, out, cap, &o))
		return -1;
	for (unsigned i = 0; i < l->strings; i++)
		if (p >= end || !copy_octets(msg, &p, end, 1u + msg[p], out, cap, &o))
			return -1;
	for (unsigned i = 0; i < l->names; i++) {
		size_t nl;
		/* a pointer may go anywhere before; the labels stay in the rdata */
		if (cap - o < WIRE_NAME_MAX || wire_read_name(msg, end, &p, out + o, &nl) < 0)
			return -1;
		o += nl;
	}
	if (end - p != l->post || !copy_octets(msg, &p, end, l->post, out, cap, &o))
		return -1;
	return (long)o;
}

/* Skip the question of a message whose header says qdcount; *pos after. */
static int skip_question(const uint8_t *msg, size_t len, unsigned qdcount, size_t *pos)
{
	uint8_t name[WIRE_NAME_MAX];
	size_t nl;
	*pos = DNS_HEADER_LEN;
	if (qdcount && (wire_read_name(msg, len, pos, name, &nl) < 0 || *pos + 4 > len))
		return GD_EFORMAT;
	*pos += qdcount ? 4 : 0;
	return GD_OK;
}

static bool is_question(const struct wire_message *m, const uint8_t *origin, uint16_t qtype)
{
	return m->qname_len && wire_name_equal(m->qname, origin) && m->qtype == qtype &&
	       m->qclass == CLASS_IN;
}

/* The rcode of a response with the TSIG error when there is one, in err. */
static void say_rcode(const struct wire_message *m, char *err, size_t errlen)
{
	unsigned rcode = m->flags & 0xF;
	if (m->tsig && m->tsig_rr.error)
		xfrin_say(err, errlen, "rcode %s (TSIG error %u)", rcode_name(rcode),
		          m->tsig_rr.error);
	else
		xfrin_say(err, errlen, "rcode %s", rcode_name(rcode));
}

static const char *tsig_reason(int rc)
{
	switch (rc) {
	case TSIG_ERROR_BADKEY: return "BADKEY (another key or algorithm)";
	case TSIG_ERROR_BADSIG: return "BADSIG (the MAC does not verify)";
	case TSIG_ERROR_BADTIME: return "BADTIME (signed too far from now)";
	case GD_ENOMEM: return "the HMAC failed";
	default: return "an error in the TSIG";
	}
}

/* The header checks both answers share: the message parsed into m, ID,
 * QR, opcode, then the rcode (into *rcode) */
static int check_header(const uint8_t *msg, size_t len, uint16_t id, struct wire_message *m,
                        int *rcode, char *err, size_t errlen)
{
	*rcode = 0;
	if (len > MESSAGE_MAX || wire_parse_message(msg, len, m) < 0) {
		xfrin_say(err, errlen, "malformed message of %zu octets", len);
		return GD_EFORMAT;
	}
	if (m->id != id) {
		xfrin_say(err, errlen, "ID %u, not the request's %u", m->id, id);
		return GD_EFORMAT;
	}
	if (!(m->flags & DNS_FLAG_QR)) {
		xfrin_say(err, errlen, "not a response (QR clear)");
		return GD_EFORMAT;
	}
	if (DNS_OPCODE(m->flags) != OPCODE_QUERY) {
		xfrin_say(err, errlen, "opcode %u, not QUERY", DNS_OPCODE(m->flags));
		return GD_EFORMAT;
	}
	*rcode = m->flags & 0xF;
	if (*rcode) {
		say_rcode(m, err, errlen);
		return GD_EFORMAT;
	}
	return GD_OK;
}

int xfrin_soa_response(const uint8_t *msg, size_t len, const uint8_t *origin, size_t origin_len,
                       uint16_t id, const struct tsig_key *key, const uint8_t *mac,
                       uint16_t mac_len, uint64_t now, uint32_t *serial, bool *truncated,
                       int *rcode, char *err, size_t errlen)
{
	struct wire_message m;
	*truncated = false;
	int rc = check_header(msg, len, id, &m, rcode, err, errlen);
	if (rc < 0)
		return rc;
	if (!is_question(&m, origin, TYPE_SOA)) {
		xfrin_say(err, errlen, "not the question asked");
		return GD_EFORMAT;
	}
	if (m.flags & DNS_FLAG_TC) {
		*truncated = true;
		return GD_OK;
	}
	if (key && !m.tsig) {
		xfrin_say(err, errlen, "no TSIG");
		return GD_EFORMAT;
	}
	if (key && (rc = tsig_verify_response(msg, len, &m.tsig_rr, key, mac, mac_len, now))) {
		xfrin_say(err, errlen, "TSIG: %s", tsig_reason(rc));
		return GD_EFORMAT;
	}
	size_t pos;
	skip_question(msg, len, m.qdcount, &pos); /* the parser walked it */
	for (unsigned i = 0; i < m.ancount; i++) {
		struct rr_head h;
		uint8_t rd[2 * WIRE_NAME_MAX + 20];
		long n;
		if (read_head(msg, len, &pos, &h) < 0)
			break; /* never: the parser walked it */
		if (h.type != TYPE_SOA || h.class != CLASS_IN || h.owner_len != origin_len ||
		    !wire_name_equal(h.owner, origin))
			continue;
		if ((n = read_rdata(msg, &h, rd, sizeof(rd))) < 0 ||
		    !xfr_soa_serial(rd, (size_t)n, serial)) {
			xfrin_say(err, errlen, "a malformed SOA");
			return GD_EFORMAT;
		}
		return GD_OK;
	}
	xfrin_say(err, errlen, "no SOA of the zone in the answer");
	return GD_EFORMAT;
}

/* ---- the reader ---- */

enum phase {
	PH_FIRST,  /* the first SOA next */
	PH_SECOND, /* IXFR: what follows the first SOA tells the form */
	PH_BODY,   /* AXFR (or IXFR in AXFR form): records up to the closing SOA */
	PH_DEL,    /* IXFR: a difference's removals, up to its new SOA */
	PH_ADD,    /* IXFR: a difference's additions, up to the next SOA */
	PH_DONE,
	PH_FAILED,
};

struct xfrin {
	struct xfrin_data d;
	uint16_t qtype, id;
	const struct tsig_key *key;
	struct tsig_stream ts;
	size_t max_records;
	enum phase phase;
	uint32_t serial; /* the first SOA's */
	uint64_t messages, records, octets;
	int rcode;
	/* the difference being read */
	struct xbuf soa_old, soa_new, removed, added;
	size_t nremoved, nadded, total_removed, total_added;
	uint32_t diff_to;
	size_t diffs_cap;
	uint8_t rdata[MESSAGE_MAX]; /* a record's rdata, decompressed */
};

struct xfrin *xfrin_new(const uint8_t *origin, size_t origin_len, uint16_t qtype, uint32_t serial,
                        uint16_t id, const struct tsig_key *key, const uint8_t *mac,
                        uint16_t mac_len, size_t max_records)
{
	if (wire_name_len(origin, origin_len) != origin_len)
		return NULL;
	struct xfrin *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	wire_name_lower(origin, origin_len, x->d.origin);
	x->d.origin_len = origin_len;
	x->d.kind = XFRIN_KIND_NONE;
	x->d.serial_from = serial;
	x->qtype = qtype;
	x->id = id;
	x->key = key;
	x->max_records = max_records;
	if (key)
		tsig_stream_init(&x->ts, key, mac, mac_len > TSIG_MAC_MAX ? TSIG_MAC_MAX : mac_len);
	return x;
}

void xfrin_free(struct xfrin *x)
{
	if (!x)
		return;
	if (x->key)
		tsig_stream_clear(&x->ts);
	xbuf_free(&x->d.soa);
	xbuf_free(&x->d.records);
	for (size_t i = 0; i < x->d.ndiffs; i++)
		diff_free(x->d.diffs[i]);
	free(x->d.diffs);
	xbuf_free(&x->soa_old);
	xbuf_free(&x->soa_new);
	xbuf_free(&x->removed);
	xbuf_free(&x->added);
	free(x);
}

const struct xfrin_data *xfrin_data(const struct xfrin *x)
{
	return &x->d;
}

enum xfrin_kind xfrin_kind(const struct xfrin *x)
{
	return x->phase == PH_DONE ? (enum xfrin_kind)x->d.kind : XFRIN_KIND_NONE;
}

uint32_t xfrin_serial(const struct xfrin *x)
{
	return x->serial;
}

int xfrin_rcode(const struct xfrin *x)
{
	return x->rcode;
}

void xfrin_counts(const struct xfrin *x, uint64_t *messages, uint64_t *records, uint64_t *octets)
{
	*messages = x->messages;
	*records = x->records;
	*octets = x->octets;
}

void xfrin_changes(const struct xfrin *x, size_t *diffs, size_t *removed, size_t *added)
{
	*diffs = x->d.ndiffs;
	*removed = x->total_removed;
	*added = x->total_added;
}

/* One packed record alone in b (an SOA kept aside). */
static void keep_one(struct xbuf *b, const struct diff_rr *rr)
{
	b->len = 0;
	xbuf_put_rr(b, rr);
}

/* The difference read so far (soa_old, removed, soa_new, added) appended
 * to the data. */
static int end_diff(struct xfrin *x)
{
	struct diff_rr so, sn;
	if (x->soa_old.failed || x->soa_new.failed || x->removed.failed || x->added.failed)
		return GD_ENOMEM;
	xrr_read(x->soa_old.p, &so);
	xrr_read(x->soa_new.p, &sn);
	if (x->d.ndiffs == x->diffs_cap) {
		size_t cap = x->diffs_cap ? 2 * x->diffs_cap : 8;
		struct diff **p = realloc(x->d.diffs, cap * sizeof(*p));
		if (!p)
			return GD_ENOMEM;
		x->d.diffs = p;
		x->diffs_cap = cap;
	}
	struct diff *d = diff_make(&so, &x->removed, x->nremoved, &sn, &x->added, x->nadded);
	if (!d)
		return GD_ENOMEM;
	x->d.diffs[x->d.ndiffs++] = d;
	x->total_removed += x->nremoved;
	x->total_added += x->nadded;
	x->removed.len = x->added.len = 0;
	x->nremoved = x->nadded = 0;
	return GD_OK;
}

static void begin_diff(struct xfrin *x, const struct diff_rr *soa_old)
{
	keep_one(&x->soa_old, soa_old);
	x->phase = PH_DEL;
}

static void finish(struct xfrin *x, int kind)
{
	x->d.kind = kind;
	x->phase = PH_DONE;
}

/* The second record of an IXFR: an SOA of the request's serial opens the
 * first difference, one of the first SOA's closes a zone of no other
 * record (AXFR form), any other record is the AXFR form's first. */
static int second_record(struct xfrin *x, const struct diff_rr *rr, bool soa, uint32_t serial,
                         char *err, size_t errlen)
{
	if (!soa) {
		x->phase = PH_BODY;
		xbuf_put_rr(&x->d.records, rr);
		x->d.nrecords++;
		return GD_OK;
	}
	if (serial == x->d.serial_from) {
		begin_diff(x, rr);
		return GD_OK;
	}
	if (serial == x->serial) {
		finish(x, XFRIN_KIND_FULL);
		return GD_OK;
	}
	xfrin_say(err, errlen,
	          "the second SOA's serial %u is neither the request's %u nor the first's %u",
	          serial, x->d.serial_from, x->serial);
	return GD_EFORMAT;
}

/* The end of a difference's additions at an SOA: the stream's end when it
 * is the first SOA's serial and the difference led there, else the next
 * difference, which must start where this one ended. */
static int after_additions(struct xfrin *x, const struct diff_rr *rr, uint32_t serial, char *err,
                           size_t errlen)
{
	int rc = end_diff(x);
	if (rc < 0) {
		xfrin_say(err, errlen, "out of memory");
		return rc;
	}
	if (serial == x->serial && x->diff_to == x->serial) {
		finish(x, XFRIN_KIND_INCREMENTAL);
		return GD_OK;
	}
	if (serial != x->diff_to) {
		xfrin_say(
		    err, errlen,
		    "the differences do not chain: one to serial %u, the next from %u (the zone's "
		    "is %u)",
		    x->diff_to, serial, x->serial);
		return GD_EFORMAT;
	}
	begin_diff(x, rr);
	return GD_OK;
}

/* One record of the answer section, in the phase the stream is in. */
static int take_record(struct xfrin *x, const struct diff_rr *rr, char *err, size_t errlen)
{
	bool soa = rr->type == TYPE_SOA && rr->owner_len == x->d.origin_len &&
	           memcmp(rr->owner, x->d.origin, rr->owner_len) == 0;
	uint32_t serial = 0;
	if (soa && !xfr_soa_serial(rr->rdata, rr->rdlen, &serial)) {
		xfrin_say(err, errlen, "a malformed SOA");
		return GD_EFORMAT;
	}
	switch (x->phase) {
	case PH_FIRST:
		if (!soa) {
			xfrin_say(err, errlen, "the first record is not the zone's SOA");
			return GD_EFORMAT;
		}
		x->serial = serial;
		keep_one(&x->d.soa, rr);
		x->phase = x->qtype == TYPE_IXFR ? PH_SECOND : PH_BODY;
		return GD_OK;
	case PH_SECOND: return second_record(x, rr, soa, serial, err, errlen);
	case PH_BODY:
		if (!soa) {
			xbuf_put_rr(&x->d.records, rr);
			x->d.nrecords++;
		} else if (serial != x->serial) {
			xfrin_say(err, errlen, "the closing SOA's serial %u is not the first's %u",
			          serial, x->serial);
			return GD_EFORMAT;
		} else {
			finish(x, XFRIN_KIND_FULL);
		}
		return GD_OK;
	case PH_DEL:
		if (soa) {
			keep_one(&x->soa_new, rr);
			x->diff_to = serial;
			x->phase = PH_ADD;
		} else {
			xbuf_put_rr(&x->removed, rr);
			x->nremoved++;
		}
		return GD_OK;
	case PH_ADD:
		if (soa)
			return after_additions(x, rr, serial, err, errlen);
		xbuf_put_rr(&x->added, rr);
		x->nadded++;
		return GD_OK;
	default: xfrin_say(err, errlen, "a record after the closing SOA"); return GD_EFORMAT;
	}
}

/* Read the record at *pos and take it. */
static int read_record(struct xfrin *x, const uint8_t *msg, size_t len, size_t *pos, char *err,
                       size_t errlen)
{
	struct rr_head h;
	const char *why = NULL;
	long n = -1;
	if (read_head(msg, len, pos, &h) < 0) {
		xfrin_say(err, errlen, "a malformed record");
		return GD_EFORMAT;
	}
	if (h.class != CLASS_IN)
		why = "class not IN";
	else if (!wire_name_is_sub(h.owner, x->d.origin))
		why = "outside the zone";
	else if (h.type == 0 || h.type == TYPE_OPT || (h.type >= TYPE_TKEY && h.type <= TYPE_ANY))
		why = "a type that cannot be zone data";
	else if ((n = read_rdata(msg, &h, x->rdata, sizeof(x->rdata))) < 0)
		why = "malformed rdata";
	if (why) {
		char name[1024], type[16];
		xfrin_say(err, errlen, "%s class %u %s: %s",
		          wire_name_to_str(h.owner, name, sizeof(name)), h.class,
		          dns_type_name(h.type, type, sizeof(type)), why);
		return GD_EFORMAT;
	}
	if (x->max_records && x->records >= x->max_records) {
		xfrin_say(err, errlen, "more than %zu records", x->max_records);
		return GD_ELIMIT;
	}
	x->records++;
	struct diff_rr rr = {h.owner, (uint8_t)h.owner_len, h.type, h.ttl, (uint16_t)n, x->rdata};
	return take_record(x, &rr, err, errlen);
}

/* The header, question and TSIG of the next message of the stream. */
static int check_message(struct xfrin *x, const uint8_t *msg, size_t len, uint64_t now,
                         struct wire_message *m, char *err, size_t errlen)
{
	int rc = check_header(msg, len, x->id, m, &x->rcode, err, errlen);
	if (rc < 0)
		return rc;
	if (m->flags & DNS_FLAG_TC) {
		xfrin_say(err, errlen, "truncated (TC set)");
		return GD_EFORMAT;
	}
	if ((x->messages == 1 || m->qdcount) && !is_question(m, x->d.origin, x->qtype)) {
		xfrin_say(err, errlen, "not the question asked");
		return GD_EFORMAT;
	}
	if (!x->key)
		return GD_OK;
	rc = tsig_verify_stream(&x->ts, msg, len, m->tsig ? &m->tsig_rr : NULL, now);
	if (rc == GD_EFORMAT)
		xfrin_say(err, errlen, "TSIG: the first message is not signed");
	else if (rc == GD_ELIMIT)
		xfrin_say(err, errlen, "TSIG: more than %d unsigned messages in a row",
		          TSIG_STREAM_UNSIGNED_MAX);
	else if (rc)
		xfrin_say(err, errlen, "TSIG of message %llu: %s", (unsigned long long)x->messages,
		          tsig_reason(rc));
	return rc ? GD_EFORMAT : GD_OK;
}

static int feed(struct xfrin *x, const uint8_t *msg, size_t len, uint64_t now, char *err,
                size_t errlen)
{
	struct wire_message m;
	x->messages++;
	x->octets += len;
	int rc = check_message(x, msg, len, now, &m, err, errlen);
	if (rc < 0)
		return rc;
	size_t pos;
	skip_question(msg, len, m.qdcount, &pos); /* the parser walked it */
	if (x->messages == 1 && m.ancount == 0) {
		xfrin_say(err, errlen, "the first message has no record");
		return GD_EFORMAT;
	}
	for (unsigned i = 0; i < m.ancount; i++)
		if ((rc = read_record(x, msg, len, &pos, err, errlen)) < 0)
			return rc;
	if (x->removed.failed || x->added.failed || x->d.records.failed || x->d.soa.failed ||
	    x->soa_old.failed || x->soa_new.failed) {
		xfrin_say(err, errlen, "out of memory");
		return GD_ENOMEM;
	}
	/* RFC 1995 2, 4: one SOA alone is the whole answer of an IXFR */
	if (x->phase == PH_SECOND && x->messages == 1)
		finish(x, XFRIN_KIND_UPTODATE);
	if (x->phase != PH_DONE)
		return XFRIN_MORE;
	if (x->key && !tsig_stream_complete(&x->ts)) {
		xfrin_say(err, errlen, "TSIG: the last message is not signed");
		return GD_EFORMAT;
	}
	return XFRIN_DONE;
}

int xfrin_feed(struct xfrin *x, const uint8_t *msg, size_t len, uint64_t now, char *err,
               size_t errlen)
{
	if (x->phase == PH_DONE || x->phase == PH_FAILED) {
		xfrin_say(err, errlen, "the transfer %s",
		          x->phase == PH_DONE ? "is complete" : "failed");
		return GD_EINVAL;
	}
	int rc = feed(x, msg, len, now, err, errlen);
	if (rc < 0)
		x->phase = PH_FAILED;
	return rc;
}
