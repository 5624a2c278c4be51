/*
 * xfr_internal.h - what the files of src/xfr/ share and nobody else needs:
 * the message writer of both transfer streams (axfr.c, ixfr.c), the
 * canonical name order, the packed record of differences and the
 * difference itself (diff.c builds it, journal.c saves and loads it,
 * ixfr.c sends it).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_XFR_INTERNAL_H
#define GD_XFR_INTERNAL_H

#include "dns/wire.h"
#include "xfr/journal.h"
#include "xfr/xfrin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- messages of a transfer stream (message.c) ---- */

/* What every message of a response copies from the request. */
struct xfr_request {
	uint16_t id;
	uint16_t rd_flag; /* the request's RD, copied */
	uint16_t qtype, qclass;
	uint8_t qname_len;
	uint8_t qname[WIRE_NAME_MAX];
};

void xfr_request_copy(struct xfr_request *r, const struct query *q);

/* One message being filled. */
struct xfr_msg {
	struct wire_writer w;
	unsigned an;
	struct wire_comp_index index; /* w's: names looked up by hash */
};

/* xfr_msg_add's answer that the message is full: the record opens the
 * next message. */
#define XFR_MSG_FULL 1

/*
 * Start a message in buf (cap octets, at most 65535 used): header (the
 * request's ID and RD, QR, AA, opcode QUERY, NOERROR) and, in the first
 * message only, the question as received, which is not a compression
 * target (owners and rdata names go out in the zone's case). GD_OK or
 * GD_ESPACE.
 */
int xfr_msg_begin(struct xfr_msg *m, const struct xfr_request *r, uint8_t *buf, size_t cap,
                  bool first);

/*
 * Append one record, whole or not at all, its owner and the names in its
 * rdata compressed (wire_put_rdata). GD_OK; XFR_MSG_FULL when it does not
 * fit but the message already holds a record (the record opens the next
 * message); GD_ESPACE when it does not fit even an empty message (or the
 * answer count is at its limit with no record: cannot happen),
 * GD_EFORMAT for a malformed name in rdata.
 */
int xfr_msg_add(struct xfr_msg *m, const uint8_t *owner, uint16_t type, uint32_t ttl,
                const uint8_t *rdata, size_t rdlen);

/* Set ANCOUNT; returns the message's length. */
size_t xfr_msg_end(struct xfr_msg *m);

/* Where a stream is: the next record to write. Each stream gives the
 * fields their meaning (axfr.c: phase, name index, RRset, record and its
 * rdata; ixfr.c: phase and offset in the difference). */
struct xfr_cursor {
	unsigned phase;
	size_t pos;
	unsigned rrset, rec;
	const uint8_t *rd;
};

/* What both streams are: the request, the cursor, the counts, and how
 * the stream reads its records (the state of a stream begins with it). */
struct xfr_stream {
	struct xfr_request req;
	struct xfr_cursor cur;
	uint64_t records, messages;
	/* the record under c into rr; false when the stream has ended */
	bool (*record)(const struct xfr_stream *s, const struct xfr_cursor *c, struct diff_rr *rr);
	void (*advance)(const struct xfr_stream *s, struct xfr_cursor *c);
};

/*
 * The next message of a stream with at most max records (see
 * axfr_next_message): 1 with *len, 0 when the stream had ended, or a
 * negative gd_err with the stream as it was.
 */
int xfr_next_message(struct xfr_stream *s, uint8_t *buf, size_t cap, size_t *len, unsigned max);

/* Canonical order (RFC 4034 6.1) of two lower-case wire names: label by
 * label from the root, each label as an octet string (a shorter label
 * that is a prefix of the other first), a name before the names below
 * it. */
int xfr_name_cmp(const uint8_t *a, const uint8_t *b);

/* The serial of SOA rdata (two uncompressed names then five u32); false
 * when it is not that. */
bool xfr_soa_serial(const uint8_t *rdata, size_t rdlen, uint32_t *serial);

/* ---- packed records (diff.c) ----
 *
 * [owner length u8][owner][type u16][ttl u32][rdlength u16][rdata], the
 * owner lower-case wire. Trusted once built or checked (diff_parse). */

#define XRR_FIXED 9 /* octets besides owner and rdata */

/* Read the packed record at p into rr; returns the next one. */
const uint8_t *xrr_read(const uint8_t *p, struct diff_rr *rr);

/* Order of records: owner canonical, type, rdata length, rdata, TTL. */
int xrr_cmp(const struct diff_rr *a, const struct diff_rr *b);

/* A growing byte buffer; a failed allocation sticks (failed) and every
 * later put is ignored, so a builder checks once at the end. */
struct xbuf {
	uint8_t *p;
	size_t len, cap;
	bool failed;
};

void xbuf_put_rr(struct xbuf *b, const struct diff_rr *rr);
void xbuf_free(struct xbuf *b);

/* ---- the difference (diff.c) ---- */

struct diff {
	unsigned refs; /* atomic */
	uint32_t serial_from, serial_to;
	size_t nremoved, nadded;
	/* data: old SOA, removed, new SOA, added (packed records) */
	size_t off_removed, off_soa_new, off_added, len;
	uint8_t data[];
};

/*
 * A difference from its parts (copied into one allocation with one
 * reference): the SOAs, and removed and added as packed records
 * (nremoved and nadded of them). NULL when memory ran out.
 */
struct diff *diff_make(const struct diff_rr *soa_old, const struct xbuf *removed, size_t nremoved,
                       const struct diff_rr *soa_new, const struct xbuf *added, size_t nadded);

/*
 * A difference from untrusted octets (a journal file): len octets of
 * packed records, the old SOA, nremoved records, the new SOA, nadded
 * records and nothing more, every owner a well-formed lower-case name at
 * or below origin (the SOAs' the origin itself), the SOAs' serials
 * serial_from and serial_to. GD_OK with *out, GD_EFORMAT, GD_ENOMEM.
 */
int diff_parse(const uint8_t *origin, uint32_t serial_from, uint32_t serial_to, const uint8_t *data,
               size_t len, size_t nremoved, size_t nadded, struct diff **out);

/* ---- the transfer-in reader (xfrin.c reads, xfrin_write.c writes) ---- */

/* What a completed transfer holds for xfrin_write_zone: the first SOA,
 * and the records of a FULL transfer (SOAs of the origin left out) or the
 * differences of an INCREMENTAL one, in the order received. */
struct xfrin_data {
	uint8_t origin[WIRE_NAME_MAX]; /* lower-case wire */
	size_t origin_len;
	int kind;             /* enum xfrin_kind */
	uint32_t serial_from; /* the request's (IXFR) */
	struct xbuf soa;      /* the first SOA: one packed record */
	struct xbuf records;  /* FULL: packed records */
	size_t nrecords;
	struct diff **diffs; /* INCREMENTAL, in order */
	size_t ndiffs;
};

/* Where the names are in the rdata of the types whose names a receiver
 * decompresses (RFC 3597 4: the RFC 1035 types, and RP, AFSDB, RT, PX,
 * NAPTR and SRV): fixed octets, character-strings, names, fixed octets,
 * nothing after. xfrin.c decompresses them; xfrin_write.c compares those
 * names without case. */
struct xfr_name_layout {
	uint16_t type;
	uint8_t pre, strings, names, post;
};

/* The layout of type, NULL for a type without such names. */
const struct xfr_name_layout *xfr_name_layout(uint16_t type);

/* The reason of an error into err (errlen octets; nothing when NULL). */
void xfrin_say(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The data of x (xfrin.c). */
const struct xfrin_data *xfrin_data(const struct xfrin *x);

#endif
