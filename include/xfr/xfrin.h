/*
 * xfrin.h - a zone transfer read as a secondary (RFC 5936 AXFR, RFC 1995
 * IXFR, RFC 8945 TSIG on every message), and the requests that start it.
 *
 * Pure code: no sockets, no threads. The caller (server/xfrin.c) sends the
 * request xfrin_request() builds, feeds each DNS message of the response
 * (TCP length prefix removed) to xfrin_feed() until XFRIN_DONE, then
 * writes the zone the transfer leads to as zone-file text
 * (xfrin_write_zone), which zone_load() then reads like any zone file: a
 * received version is checked exactly as a file is (services included).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_XFR_XFRIN_H
#define GD_XFR_XFRIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tsig_key;
struct zone;
struct zone_record;
struct zone_rrset_change;

/*
 * A request for origin (lower-case wire, origin_len octets) of type qtype
 * (SOA, AXFR or IXFR), class IN, ID id, RD clear. IXFR carries in its
 * authority section the SOA of the version we have (soa_rdata, soa_rdlen:
 * uncompressed SOA rdata, e.g. the served zone's; the TTL is 0 or the
 * zone's). Signed with key when key is not NULL (tsig_sign_request, Time
 * Signed now, fudge TSIG_FUDGE), the request MAC copied to mac
 * (TSIG_MAC_MAX) and its length to *mac_len (0 unsigned). Into buf (cap
 * octets); returns the length, 0 when it does not fit or the HMAC failed.
 */
size_t xfrin_request(uint8_t *buf, size_t cap, const uint8_t *origin, size_t origin_len,
                     uint16_t qtype, const uint8_t *soa_rdata, size_t soa_rdlen, uint16_t id,
                     const struct tsig_key *key, uint64_t now, uint8_t *mac, uint16_t *mac_len);

/*
 * The answer to an SOA request made by xfrin_request(): GD_OK with the
 * serial of the SOA of origin in the answer section; *truncated is set
 * (and GD_OK returned without a serial) when TC is set, so the caller asks
 * again over TCP. Else a negative gd_err with the reason in err: another
 * ID, not a response, another question, an RCODE other than NOERROR (and
 * *rcode set to it; 0 otherwise), no SOA of origin, a malformed message;
 * with key: no TSIG, or one that does not verify against the request's MAC
 * (tsig_verify_response).
 */
int xfrin_soa_response(const uint8_t *msg, size_t len, const uint8_t *origin, size_t origin_len,
                       uint16_t id, const struct tsig_key *key, const uint8_t *mac,
                       uint16_t mac_len, uint64_t now, uint32_t *serial, bool *truncated,
                       int *rcode, char *err, size_t errlen);

/* The reader of one AXFR or IXFR response. */
struct xfrin;

/*
 * Start reading the response to an xfrin_request() of qtype AXFR or IXFR
 * for origin: serial is the SOA serial the IXFR request carried (ignored
 * for AXFR); id, key, mac and mac_len those of the request (key NULL:
 * unsigned). max_records caps the records of the response (0: no cap).
 * NULL when memory ran out.
 */
struct xfrin *xfrin_new(const uint8_t *origin, size_t origin_len, uint16_t qtype, uint32_t serial,
                        uint16_t id, const struct tsig_key *key, const uint8_t *mac,
                        uint16_t mac_len, size_t max_records);
void xfrin_free(struct xfrin *x);

enum {
	XFRIN_MORE = 0, /* the response goes on: feed the next message */
	XFRIN_DONE = 1, /* complete: xfrin_kind() says what it is */
};

/*
 * The next message of the response (len octets, no length prefix), now the
 * local time in seconds. XFRIN_MORE, XFRIN_DONE, or a negative gd_err with
 * the reason in err, after which the reader takes nothing more:
 *   - another ID, not a response (QR clear), opcode not QUERY, TC set,
 *     the first message's question not the request's (later messages may
 *     have none, RFC 5936 2.2.1);
 *   - an RCODE other than NOERROR (xfrin_rcode() then tells which, so the
 *     caller can fall back from IXFR to AXFR on NOTIMP, FORMERR and the
 *     like);
 *   - TSIG (with a key, RFC 8945 5.3.1): the first message signed over the
 *     request MAC, every later one over the prior signed message's MAC and
 *     the unsigned messages since it (at most 99 unsigned in a row), the
 *     last message signed, Time Signed within fudge of now;
 *   - records: malformed, of a class other than IN, an owner not at or
 *     below origin, the first record not origin's SOA, a stream going on
 *     after its closing SOA, more than max_records;
 *   - IXFR (RFC 1995 4): a sequence of differences whose SOA serials do
 *     not chain from the request's serial to the first SOA's; a response
 *     that is one SOA (up to date or newer: xfrin_kind UPTODATE) or the
 *     AXFR form (first SOA, then a record that is not an SOA) is accepted.
 * A response that is the request's SOA alone over an AXFR is malformed.
 */
int xfrin_feed(struct xfrin *x, const uint8_t *msg, size_t len, uint64_t now, char *err,
               size_t errlen);

enum xfrin_kind {
	XFRIN_KIND_NONE,        /* not complete */
	XFRIN_KIND_UPTODATE,    /* IXFR answered with the SOA alone */
	XFRIN_KIND_FULL,        /* every record of the zone (AXFR, or IXFR in AXFR form) */
	XFRIN_KIND_INCREMENTAL, /* differences from the request's serial */
};

enum xfrin_kind xfrin_kind(const struct xfrin *x);
uint32_t xfrin_serial(const struct xfrin *x);  /* the first SOA's serial */
int xfrin_rcode(const struct xfrin *x);        /* the last message's RCODE */
/* messages, records and octets (DNS messages, no length prefixes) read */
void xfrin_counts(const struct xfrin *x, uint64_t *messages, uint64_t *records, uint64_t *octets);
/* INCREMENTAL: the number of differences, and the records they remove and
 * add in all */
void xfrin_changes(const struct xfrin *x, size_t *diffs, size_t *removed, size_t *added);

/*
 * The zone the completed transfer leads to, as zone-file text on out:
 * FULL, its records; INCREMENTAL, base's records (base is the version the
 * request named, its serial the request's) with each difference applied in
 * order, each RRset's records as a set (a removal of a record base lacks,
 * an addition of one it has: the difference is inconsistent, GD_EFORMAT
 * with the record in err, and the caller asks for AXFR). Records of one
 * type at one name take the TTL of the last added (RFC 2181 5.2).
 *
 * The text: a comment line with the origin and serial, $ORIGIN, then one
 * record per line with its absolute owner and TTL, class IN, in canonical
 * order with the SOA first; types ldns does not know (TYPE65281 among
 * them) in RFC 3597 generic form (TYPEn \# len hex). ldns-read-zone and
 * zone_load() accept it and read back the same records. GD_OK, or an error
 * in err (GD_EIO when writing failed, GD_ENOMEM).
 */
int xfrin_write_zone(const struct xfrin *x, const struct zone *base, FILE *out, char *err,
                     size_t errlen);

/* The RRsets an INCREMENTAL transfer changes (xfrin_rrsets). */
struct xfrin_rrsets {
	struct zone_rrset_change *changes;
	size_t n;
	uint8_t *data; /* their records */
};

/*
 * What the completed INCREMENTAL transfer x changes in base (the version
 * the request named), for zone_patch(): every (owner, type) a difference
 * touches, with its records after the last difference (base's with each
 * difference applied in order, as xfrin_write_zone does; count 0 when none
 * are left) and the TTL of the one added last, then the new SOA. The
 * changes point into x, base and r->data: free with xfrin_rrsets_free()
 * before either goes. GD_OK; GD_EFORMAT when a difference does not apply
 * (the record in err: ask for AXFR); GD_EINVAL for another transfer or
 * base; GD_ENOMEM.
 */
int xfrin_rrsets(const struct xfrin *x, const struct zone *base, struct xfrin_rrsets *r, char *err,
                 size_t errlen);
void xfrin_rrsets_free(struct xfrin_rrsets *r);

/*
 * The records of the completed FULL transfer x for zone_load_records():
 * its SOA first, then every record as received (owners lower-case, names
 * in rdata uncompressed), each named source and its place in the
 * transfer as its line. The array is the caller's (freed by
 * zone_load_records); the records point into x. NULL when x is not FULL
 * or memory ran out; *n their number.
 */
struct zone_record *xfrin_records(const struct xfrin *x, const char *source, size_t *n);

/*
 * A zone as zone-file text on out, in the form xfrin_write_zone writes:
 * what a secondary keeps of a version it built in memory (zone_patch).
 * GD_OK or an error in err.
 */
int xfrin_write_copy(const struct zone *z, FILE *out, char *err, size_t errlen);

#endif
