/*
 * notify.h - NOTIFY out (RFC 1996): tell a zone's secondaries that it has a
 * new serial, over UDP, retried with exponential backoff until answered.
 *
 * The notifier runs on an event loop it is given (the transfer thread's
 * libevent base). For every zone it keeps one notification per target:
 * a message (opcode NOTIFY, AA, the question <origin> SOA IN and, as Knot
 * and BIND send it, the new SOA in the answer section: RFC 1996 3.7 allows
 * it as a hint, and a secondary that trusts no hint still queries the SOA
 * itself), TSIG-signed when the target has a key. A new serial replaces
 * the notification in flight for that zone and target and restarts its
 * backoff, so there are never two for one zone and target.
 *
 * Threading contract: notifier_new may be called on any thread before the
 * loop runs; notifier_zone, notifier_zone_remove, notifier_set_keyring and
 * notifier_free only on the thread that runs the base's loop (or with the
 * loop not running), never from two threads. notifier_counters and
 * notifier_zone_status may be called from any thread (the metrics and
 * /status server): the counters are relaxed atomics written by the loop's
 * thread, the status is copied under the notifier's mutex.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_XFR_NOTIFY_H
#define GD_XFR_NOTIFY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

struct event_base;
struct tsig_keyring;
struct notifier;

/* Where one NOTIFY goes. */
struct notify_target {
	struct sockaddr_storage addr; /* AF_INET or AF_INET6, with the port */
	socklen_t addr_len;
	const char *key; /* a key name of the keyring ("xfr"), or NULL: unsigned */
};

/* The zone's SOA record as it goes in the answer section; the serial the
 * notification announces is the one in rdata. */
struct notify_soa {
	const uint8_t *rdata; /* uncompressed wire form, as the zone holds it */
	uint16_t rdlen;
	uint32_t ttl;
};

/* Retries: attempt k (from 1) waits min(first_wait_ms * 2^(k-1),
 * max_wait_ms) for its answer, then the next attempt is sent, up to
 * attempts; after the last one's wait the notification is given up. */
struct notify_params {
	unsigned first_wait_ms;
	unsigned max_wait_ms;
	unsigned attempts;
};

/* The defaults: 1 s doubling to at most 60 s, 6 attempts (given up 63 s
 * after the first; BIND tries 5 times, Knot's retry is per zone event). */
#define NOTIFY_FIRST_WAIT_MS 1000u
#define NOTIFY_MAX_WAIT_MS 60000u
#define NOTIFY_ATTEMPTS 6u

/* Totals since notifier_new, for notify_sent_total{result=...}. */
struct notify_counters {
	uint64_t sent;    /* ok: answered NOERROR (signed when it had to be) */
	uint64_t failed;  /* an answer with another rcode, an answer whose TSIG
	                   * does not verify (or is missing), a send error */
	uint64_t timeout; /* an attempt without an answer in its wait */
	uint64_t gave_up; /* notifications that ran out of attempts */
	uint64_t ignored; /* datagrams that answered nothing in flight: another
	                   * address or port, ID, no QR, opcode, question,
	                   * malformed */
};

enum notify_result {
	NOTIFY_NONE,       /* nothing happened yet */
	NOTIFY_OK,         /* answered NOERROR */
	NOTIFY_RCODE,      /* answered with rcode: final, not retried */
	NOTIFY_BADTSIG,    /* the answer's TSIG: missing or not verified */
	NOTIFY_TIMEOUT,    /* an attempt unanswered */
	NOTIFY_SEND_ERROR, /* sendto failed, or the target's key is not in
	                    * the keyring */
	NOTIFY_GAVE_UP,    /* the last attempt's wait ended unanswered */
};

/* A zone's last NOTIFY event (for /status). */
struct notify_status {
	enum notify_result result;
	uint32_t serial;     /* the serial it was about */
	uint8_t rcode;       /* NOTIFY_RCODE: the answer's rcode */
	uint16_t tsig_error; /* NOTIFY_BADTSIG: the answer's own TSIG error
	                      * when it was an unsigned error (BADKEY...),
	                      * else what its check found (0: no TSIG) */
	unsigned attempt;    /* of that notification, from 1 */
	time_t when;         /* wall clock */
	char target[64];     /* "192.0.2.53:53", "[2001:db8::53]:53" */
	unsigned pending;    /* notifications of the zone in flight now */
};

/*
 * A notifier on base, signing with the keys of ring (borrowed: the caller
 * keeps it alive until notifier_set_keyring replaces it or notifier_free),
 * retrying as params says (NULL: the defaults). NULL when params are
 * invalid (a zero, max_wait_ms below first_wait_ms) or memory ran out.
 * No socket is opened before the first NOTIFY of each address family.
 */
struct notifier *notifier_new(struct event_base *base, const struct tsig_keyring *ring,
                              const struct notify_params *params);

/* Use ring from now on (after a reload). The keys are looked up by name at
 * each attempt and at each answer: an answer to a request signed with a
 * key that changed since is checked with the new one and fails, and the
 * next attempt is signed with the new one. */
void notifier_set_keyring(struct notifier *nf, const struct tsig_keyring *ring);

/*
 * The zone origin (wire form, origin_len octets, any case) has the SOA soa
 * and the NOTIFY targets targets (n of them, the zone's whole list: copied).
 * Each target is notified unless it was already notified of this serial
 * (answered, given up or in flight) with the same key: a target new to
 * the list or given another key, and every target when the serial
 * changed. A notification in flight for another serial is replaced (its
 * backoff restarts at attempt 1). Notifications to targets no longer in
 * the list are dropped without being counted. The first attempts are sent
 * before the call returns. GD_OK; GD_EINVAL for a malformed origin or SOA
 * rdata, a target of another family or a key name that is not a name;
 * GD_ENOTFOUND when a target's key is not in the keyring (nothing changed
 * on these errors); GD_ENOMEM when memory ran out (some targets may then
 * not be notified of this serial: call again).
 */
int notifier_zone(struct notifier *nf, const uint8_t *origin, size_t origin_len,
                  const struct notify_soa *soa, const struct notify_target *targets, size_t n);

/* Forget the zone (no longer served): its notifications in flight are
 * dropped, its status too. Nothing when the notifier does not know it. */
void notifier_zone_remove(struct notifier *nf, const uint8_t *origin, size_t origin_len);

/* The counters (any thread). */
void notifier_counters(const struct notifier *nf, struct notify_counters *out);

/* The zone's last event into out (any thread); false when the notifier
 * does not know the zone. */
bool notifier_zone_status(struct notifier *nf, const uint8_t *origin, size_t origin_len,
                          struct notify_status *out);

/* Close the sockets, drop every notification; on the loop's thread or with
 * the loop stopped, before the base is freed. NULL is fine. */
void notifier_free(struct notifier *nf);

/* "none", "ok", "rcode", "badtsig", "timeout", "send_error", "gave_up". */
const char *notify_result_name(enum notify_result r);

/*
 * The NOTIFY message of origin (lower-case wire form) with soa into buf
 * (cap octets): ID id, opcode NOTIFY, AA, the question <origin> SOA IN and
 * the SOA in the answer section (its names compressed; none when soa is
 * NULL), no TSIG. Its length, or 0 when it does not fit.
 */
size_t notify_message(uint8_t *buf, size_t cap, uint16_t id, const uint8_t *origin,
                      const struct notify_soa *soa);

#endif
