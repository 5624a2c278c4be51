/*
 * journal.h - the differences between versions of a zone, and the journal
 * of one zone that keeps the last few of them for IXFR (RFC 1995).
 *
 * A difference (struct diff) is computed from two compiled zones of the
 * same origin, the one served before a reload and the one after: per RRset
 * (owner, type) the records removed and the records added, glue, data
 * occluded below a cut and TYPE65281 service records included, as an AXFR
 * of either zone would carry them. A record is its owner (lower-case wire,
 * as the zone keeps it), type, TTL and rdata as stored (the zone keeps
 * rdata as the file spelled it, names in their own case), class IN always;
 * two records are the same when all of these are. So a name in rdata whose
 * case changed is a removal and an addition, which is what gets the new
 * case to a secondary, and an RRset whose TTL changed is all its old
 * records removed and all its new ones added (one TTL per RRset). The SOA
 * is not among the records: a difference holds the old SOA and the new one
 * apart. A difference owns copies of just those records, packed (owner,
 * type, TTL, rdata: 9 octets besides the owner and rdata), so its memory
 * follows the size of the change, never the zone's.
 *
 * Differences are immutable once built and reference counted: the journal
 * holds one reference to each of its differences and a reader (the
 * transfer thread) takes its own on the ones it uses, so neither waits for
 * the other beyond the journal's short lock.
 *
 * The journal of a zone is a sequence of contiguous differences (each one's
 * serial_from is the previous one's serial_to), oldest first, bounded by a
 * number of versions and a number of octets; the oldest are dropped first.
 *
 * Thread safety: the reload thread appends (journal_add, journal_clear);
 * any thread reads (journal_range, journal_stats, journal_view_take,
 * journal_save). Each call holds the journal's mutex for the time it takes
 * to copy or change a small array of pointers; none holds it while
 * building, writing or sending anything. A reader that needs the
 * differences for a long transfer takes a view (journal_view_take): its
 * own references to the differences of that moment, consistent with each
 * other, valid until journal_view_release however the journal changes
 * meanwhile. journal_new's and journal_load's caller owns the journal and
 * frees it (journal_free) when no thread can call into it any more; views
 * taken from it stay valid after that.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_XFR_JOURNAL_H
#define GD_XFR_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct zone;
struct diff;
struct journal;

/* ---- differences ---- */

/* One record of a difference. owner points at its lower-case wire name,
 * rdata at rdlen octets; both live as long as the difference. */
struct diff_rr {
	const uint8_t *owner;
	uint8_t owner_len;
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	const uint8_t *rdata;
};

/* The parts of a difference, in the order an IXFR carries them. */
enum diff_part {
	DIFF_SOA_OLD, /* one record: the SOA of serial_from */
	DIFF_REMOVED, /* the records removed, canonical order */
	DIFF_SOA_NEW, /* one record: the SOA of serial_to */
	DIFF_ADDED,   /* the records added, canonical order */
};

/*
 * The difference from zone old to zone new (same origin, both with a SOA):
 * every record of old that new does not have and every record of new that
 * old does not have, each set in canonical order (owner per RFC 4034 6.1,
 * then type, then rdata length and octets, then TTL). O(nodes of both
 * zones) time; memory for the changed records only. The zones are only
 * read, so they may be served meanwhile. Returns GD_OK with *out holding
 * one reference for the caller (possibly a difference with no record: only
 * the SOA or nothing changed), GD_EINVAL when the origins differ or a zone
 * has no SOA, GD_ENOMEM.
 */
int diff_zones(const struct zone *old, const struct zone *new, struct diff **out);

/*
 * The differences seq[0..n-1], contiguous (each one's serial_from the
 * previous one's serial_to), condensed into one from seq[0]'s serial_from
 * to seq[n-1]'s serial_to: a record added and later removed (or removed
 * and added back with the same TTL) is in neither set, the old SOA is
 * seq[0]'s and the new SOA seq[n-1]'s. Applying the result is applying
 * the sequence. n == 1 returns another reference to seq[0]. Returns GD_OK
 * with *out (one reference for the caller), GD_EINVAL for n == 0 or a
 * sequence that is not contiguous, GD_ENOMEM.
 */
int diff_condense(struct diff *const *seq, size_t n, struct diff **out);

/* Take one more reference (from any thread); returns d. */
struct diff *diff_ref(struct diff *d);

/* Drop one reference; the last frees the difference. NULL is ignored. */
void diff_free(struct diff *d);

uint32_t diff_serial_from(const struct diff *d);
uint32_t diff_serial_to(const struct diff *d);

/* Records removed and added (the SOAs not counted). */
size_t diff_removed(const struct diff *d);
size_t diff_added(const struct diff *d);

/* The memory the difference holds, counted against a journal's max_bytes. */
size_t diff_bytes(const struct diff *d);

/* Reading a part's records in order:
 *   struct diff_iter it; struct diff_rr rr;
 *   diff_iter_init(d, DIFF_ADDED, &it);
 *   while (diff_iter_next(&it, &rr)) ...                                  */
struct diff_iter {
	const uint8_t *p, *end;
};
void diff_iter_init(const struct diff *d, enum diff_part part, struct diff_iter *it);
bool diff_iter_next(struct diff_iter *it, struct diff_rr *rr);

/* ---- the journal of one zone ---- */

/*
 * An empty journal keeping at most max_versions differences and
 * max_bytes of them (diff_bytes summed). NULL when memory ran out. The
 * caller owns it (journal_free).
 */
struct journal *journal_new(unsigned max_versions, size_t max_bytes);

/* Free the journal and drop its references (NULL is ignored). No thread
 * may call into it any more; views already taken stay valid. */
void journal_free(struct journal *j);

/*
 * Append the difference d, taking over the caller's reference whatever
 * the result (the caller must not use d after the call unless it took
 * another reference). Called by the reload thread after a new version of
 * the zone was built, with diff_zones(served, new).
 *   - GD_OK: appended; the oldest differences were dropped until at most
 *     max_versions and max_bytes are held. When d does not start at the
 *     journal's last serial the history is broken (the zone was replaced
 *     by other means): the journal is emptied first and holds d alone.
 *     A difference with no change at all (same serial, same SOA, no
 *     record) is not stored and returns GD_OK too.
 *   - GD_EINVAL: d's serial_to is not greater than its serial_from
 *     (RFC 1982) while something changed: a secondary would never ask for
 *     it and every stored difference now leads to a version that is not
 *     the one served, so the journal is emptied.
 *   - GD_ELIMIT: d alone is larger than max_bytes (or max_versions is 0):
 *     the journal is emptied and keeps nothing; IXFR falls back to AXFR
 *     until the next difference.
 */
int journal_add(struct journal *j, struct diff *d);

/* Drop every difference (a zone loaded from scratch, a secondary's AXFR). */
void journal_clear(struct journal *j);

/* The serial of the oldest version the journal leads from and of the
 * newest it leads to; false (and nothing set) when it is empty. */
bool journal_range(struct journal *j, uint32_t *first_serial, uint32_t *last_serial);

/* The metrics: differences held and diff_bytes summed. */
void journal_stats(struct journal *j, size_t *versions, size_t *bytes);

/* A consistent copy of the journal's list at one moment, with a
 * reference on each difference: diffs[0] the oldest. */
struct journal_view {
	struct diff **diffs;
	size_t n;
};

/* Take a view (holding the journal's lock only to copy n pointers and
 * count references). GD_OK or GD_ENOMEM (then v is empty). */
int journal_view_take(struct journal *j, struct journal_view *v);

/* Drop the view's references and its array; v is empty after. */
void journal_view_release(struct journal_view *v);

/* ---- persistence ----
 *
 * A journal file (all integers big-endian):
 *   magic     8 octets  "GDJRNL\r\n"
 *   version   u32       1
 *   origin    u8 length, then the zone's lower-case wire origin
 *   count     u32       differences that follow, oldest first
 *   per difference:
 *     serial_from u32, serial_to u32, removed u32, added u32,
 *     length u32, then length octets: the records (old SOA, removed,
 *     new SOA, added), each one as
 *       owner length u8, owner (lower-case wire), type u16, ttl u32,
 *       rdlength u16, rdata
 *   checksum  u32       CRC-32 (the IEEE 802.3 polynomial, as zlib's
 *                       crc32) of every octet before it
 * Nothing follows the checksum. Every length, name, count and serial is
 * checked on load, not only the checksum.
 */

/*
 * Write the journal to path: a temporary file next to it (path with
 * ".tmp" appended), fsync'd, then renamed over path and the directory
 * fsync'd, so path is always the old file or the new one whole. origin is
 * the zone's lower-case wire origin. Runs on a view: the journal's lock is
 * held only while taking it. GD_OK, GD_EIO (errno kept, the temporary file
 * removed), GD_ENOMEM.
 */
int journal_save(struct journal *j, const uint8_t *origin, const char *path);

/*
 * Read a journal saved by journal_save for the zone of this origin (lower-
 * case wire), with the bounds the configuration gives now (the oldest
 * differences beyond them are dropped). *out is always set to a journal
 * the caller owns: the file's on GD_OK, an empty one otherwise (NULL only
 * when memory ran out). GD_ENOTFOUND when path does not exist (a zone's
 * first start: not an error), GD_EIO when it cannot be read, GD_EFORMAT
 * when it is damaged or of another zone or version, GD_ENOMEM; the reason
 * is written to err (errlen octets, NUL-terminated) for the caller's log.
 * The caller then compares journal_range's last serial with the zone it
 * loaded: IXFR checks it too and falls back to AXFR when they differ.
 */
int journal_load(const char *path, const uint8_t *origin, unsigned max_versions, size_t max_bytes,
                 struct journal **out, char *err, size_t errlen);

#endif
