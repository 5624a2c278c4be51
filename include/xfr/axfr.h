/*
 * axfr.h - the AXFR response stream (RFC 5936) of a compiled zone, one DNS
 * message at a time.
 *
 * A transfer walks the zone's records as loaded: every RRset of every node,
 * glue and data occluded below a zone cut included (the answer code ignores
 * those; a secondary must still get them), a service's TYPE65281 record
 * included (the answer code never shows it), a services file's services
 * left out (they are not records). The SOA comes first and last; between them the apex's
 * other RRsets, then the other names in canonical order (RFC 4034 6.1), so
 * the stream of a zone is always the same octets.
 *
 * The state holds the request's header fields and question, the zone's
 * names sorted once at axfr_begin (8 octets per name with records: 8 MB for
 * a zone of 1M names) and a cursor; nothing else. A transfer thread calls
 * axfr_next_message for each message it sends, at its own pace, with no
 * lock and no RCU read section held: all it must keep is one reference to
 * the zone (zone_reuse/zone_free are the only places that count them).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_XFR_AXFR_H
#define GD_XFR_AXFR_H

#include <stddef.h>
#include <stdint.h>

struct query;
struct zone;
struct axfr_state;

/* The message size a transfer aims at: small enough that every name in
 * the message can be a compression target (offsets below 2^14), large
 * enough that headers and round trips are a small share of the stream. */
#define AXFR_MESSAGE_SIZE 16384

/*
 * Start the AXFR stream of z in answer to q (its ID, RD bit and question
 * are copied: the question as received, its type AXFR or, for an IXFR
 * answered in AXFR form (RFC 1995 4), IXFR). The caller must hold a
 * reference to z until axfr_end; the state takes none. Returns the state
 * (owned by the caller, freed by axfr_end), or NULL when memory ran out or
 * z has no SOA.
 */
struct axfr_state *axfr_begin(const struct zone *z, const struct query *q);

/*
 * Write the next message of the stream into buf (at most cap octets, and
 * never more than 65535): header (ID and RD of the request, QR, AA, opcode
 * QUERY, RCODE NOERROR), the question in the first message only (RFC 5936
 * 2.2.1 allows it in every message or in the first; QDCOUNT is 0 after),
 * then as many whole records in the answer section as fit, their owners
 * and the names in NS, CNAME, PTR, MX and SOA rdata compressed within the
 * message. No record is split across messages. The additional section is
 * empty: a caller that appends an OPT or a TSIG record passes cap less its
 * size, writes it after *len and raises ARCOUNT.
 *
 * Returns 1 with *len set while a message was written, 0 when the stream
 * had ended (nothing written), or a negative gd_err: GD_ESPACE when the
 * next record does not fit a message of cap octets even alone (or cap
 * cannot hold the header and question), GD_EFORMAT for a malformed name
 * in zone data. On an error the state is as before the call, so the caller
 * may retry with a larger buffer (up to 65535 octets) or give up.
 */
int axfr_next_message(struct axfr_state *s, uint8_t *buf, size_t cap, size_t *len);

/*
 * Sort z's names for transfers once (8 octets per name with records, kept
 * with the zone until it is freed); axfr_begin does it when it was not
 * done. The reload thread calls it for the zones that may be transferred,
 * so no transfer waits for the sort. GD_OK, GD_EINVAL, GD_ENOMEM. Safe
 * from several threads at once (one copy wins).
 */
int axfr_prepare(const struct zone *z);

/* Records and messages written so far (for the transfer's log line). */
void axfr_progress(const struct axfr_state *s, uint64_t *records, uint64_t *messages);

/* Free the state (NULL is ignored). The zone reference stays the caller's. */
void axfr_end(struct axfr_state *s);

#endif
