/*
 * ixfr.h - the IXFR response stream (RFC 1995) of a zone from its journal,
 * one DNS message at a time, in the style of axfr.h.
 *
 * The decision (ixfr_begin), per RFC 1995 and as Knot and BIND 9 answer:
 *   - the client's serial is ours, or newer than ours (RFC 1982): one
 *     message with our current SOA only (RFC 1995 2: "replied to with a
 *     single SOA record of the server's current version"). Knot answers a
 *     newer serial with that one SOA (its test suite checks one message,
 *     one record); BIND 9 treats a serial at or above its own as up to
 *     date the same way. A client that is ahead of us (a primary rolled
 *     back) learns our serial and its operator has to act; a full transfer
 *     would silently roll it back with no serial increase to show it.
 *   - the client's serial is the serial_from of a difference in the
 *     journal, and the differences from there run contiguously to the
 *     zone's current serial and SOA: the condensed difference in RFC 1995
 *     4's form: current SOA, old SOA (the client's), the records removed,
 *     new SOA (current), the records added, current SOA.
 *   - otherwise (not in the journal, no journal, the journal behind the
 *     zone, a serial 2^31 away from ours): IXFR_FALLBACK, and the caller
 *     answers with axfr_begin(z, q) for the same query, which keeps the
 *     IXFR question (RFC 1995 4: the whole zone in AXFR form).
 *
 * The state owns what it sends (a reference to the condensed difference
 * and a copy of the current SOA) so the caller may drop its zone reference
 * right after ixfr_begin, and it needs no lock and no RCU read section.
 *
 * Over UDP (RFC 1995 2 and 4): the whole stream is sent when it fits one
 * message; when it does not, the reply is one message with the current
 * SOA only (TC clear), which tells the client to retry over TCP.
 * ixfr_udp_message does both. For IXFR_FALLBACK over UDP the caller may
 * try the AXFR stream in one message the same way and send
 * ixfr_begin_soa's message when it takes more.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_XFR_IXFR_H
#define GD_XFR_IXFR_H

#include "common/gd.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct journal;
struct query;
struct zone;
struct ixfr_state;

/* ixfr_begin's answer that the journal cannot serve this client: send the
 * AXFR stream (axfr_begin with the same query) instead. */
#define IXFR_FALLBACK GD_ENOTFOUND

enum ixfr_kind {
	IXFR_UPTODATE,    /* the current SOA alone */
	IXFR_INCREMENTAL, /* the condensed difference */
};

/*
 * The serial of the client's version: the SOA in the authority section of
 * the IXFR request pkt (len octets), already parsed into q by
 * wire_parse_query_opts. RFC 1995 3 requires it; its owner must be the
 * question's name. GD_OK with *serial, GD_EFORMAT when it is missing or
 * malformed (answer FORMERR).
 */
int ixfr_request_serial(const uint8_t *pkt, size_t len, const struct query *q, uint32_t *serial);

/*
 * Start the IXFR stream of zone z (the version served now) for request q
 * from a client at client_serial, with the differences of journal j (NULL:
 * none kept). The caller holds a reference to z during the call only.
 * Takes a view of the journal for the time it condenses (the journal's
 * lock for a moment only). Returns GD_OK with *out (owned by the caller,
 * freed by ixfr_end), IXFR_FALLBACK (nothing to free), GD_EINVAL when z
 * has no SOA, GD_ENOMEM.
 */
int ixfr_begin(struct journal *j, const struct zone *z, const struct query *q,
               uint32_t client_serial, struct ixfr_state **out);

/* A stream of the current SOA alone for q: the UDP reply to an IXFR that
 * does not fit (see above). NULL when memory ran out or z has no SOA. */
struct ixfr_state *ixfr_begin_soa(const struct zone *z, const struct query *q);

/* What the stream sends. */
enum ixfr_kind ixfr_kind(const struct ixfr_state *s);

/*
 * The next message, exactly as axfr_next_message: header (ID and RD of the
 * request, QR, AA, NOERROR), the question in the first message only, as
 * many whole records as fit in cap octets (at most 65535), owners and the
 * names in NS, CNAME, PTR, MX and SOA rdata compressed within the message,
 * an empty additional section (a caller that adds OPT or TSIG passes cap
 * less its size). Returns 1 with *len, 0 when the stream had ended, or
 * GD_ESPACE / GD_EFORMAT with the state unchanged (retry with more room).
 */
int ixfr_next_message(struct ixfr_state *s, uint8_t *buf, size_t cap, size_t *len);

/*
 * The one message of a UDP reply, written from the start of the stream
 * (call it instead of ixfr_next_message, once): the whole stream when it
 * fits cap octets (*whole set true), else the current SOA alone (*whole
 * false). The stream has ended after it either way. GD_OK, or GD_ESPACE
 * when not even the SOA fits.
 */
int ixfr_udp_message(struct ixfr_state *s, uint8_t *buf, size_t cap, size_t *len, bool *whole);

/* Records and messages written so far, and the serials the stream goes
 * from and to (equal for IXFR_UPTODATE), for the transfer's log line. */
void ixfr_progress(const struct ixfr_state *s, uint64_t *records, uint64_t *messages,
                   uint32_t *serial_from, uint32_t *serial_to);

/* Free the state (NULL is ignored). */
void ixfr_end(struct ixfr_state *s);

#endif
