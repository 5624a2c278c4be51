/*
 * tsig.h - TSIG (RFC 8945): the keys, the verification of a signed request
 * and the signature of its response, on the raw wire message.
 *
 * The parser (wire.c) reads the TSIG record into a struct tsig with the
 * offsets of its parts in the packet; this module finds the key, computes
 * the HMAC (OpenSSL 3 libcrypto, EVP_MAC) over the digest input of RFC 8945
 * 4.3.3 and decides the TSIG error. The answer path (src/query/answer.c,
 * opt.c) turns the verdict into NOTAUTH or a signed answer. For the
 * requests the server sends (NOTIFY, xfr/notify.c) it signs the request
 * and checks the response's TSIG against the request's MAC.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_TSIG_H
#define GD_TSIG_H

#include "dns/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The algorithms, in the order of their names in the config schema. */
enum tsig_algorithm {
	TSIG_HMAC_SHA256,
	TSIG_HMAC_SHA384,
	TSIG_HMAC_SHA512,
	TSIG_HMAC_SHA1,
	TSIG_ALGORITHMS
};

#define TSIG_MAC_MAX 64       /* HMAC-SHA512 */
#define TSIG_SECRET_MAX 1024  /* octets of a decoded secret */
#define TSIG_OTHER_TIME_LEN 6 /* BADTIME's Other Data: the server's time */

struct tsig_key {
	uint8_t name[WIRE_NAME_MAX]; /* lower-case wire form */
	uint8_t name_len;
	enum tsig_algorithm algorithm;
	uint8_t *secret; /* owned by the key */
	size_t secret_len;
};

struct tsig_keyring {
	struct tsig_key *keys; /* owned */
	size_t n;
};

/* The outcome of tsig_verify_request: what the response carries. */
struct tsig_verdict {
	const struct tsig_key *key; /* NULL: the key is unknown (BADKEY) */
	uint16_t error;             /* 0, TSIG_ERROR_BADSIG, _BADKEY or _BADTIME */
	bool sign;                  /* the response is signed with key */
	uint64_t now;               /* the server's time (48 bits) */
	uint16_t mac_len;           /* the request's MAC as received */
	uint8_t mac[TSIG_MAC_MAX];
};

/* "hmac-sha256" ... as the config names them. */
const char *tsig_algorithm_name(enum tsig_algorithm a);
/* Octets of the algorithm's full MAC. */
size_t tsig_mac_size(enum tsig_algorithm a);

/* A key name in presentation form ("xfr", "k1.example.") as lower-case wire
 * form into out (WIRE_NAME_MAX); its length, or 0 when it is not a name. */
size_t tsig_name_from_text(const char *text, uint8_t *out);

/* Strict base64 (RFC 4648, padding required, no blanks) into out of cap
 * octets; the decoded length, or -1 when malformed or too long. */
long tsig_base64_decode(const char *text, uint8_t *out, size_t cap);

/* The key named name (wire form, any case), or NULL. */
const struct tsig_key *tsig_key_find(const struct tsig_keyring *ring, const uint8_t *name);

/* A deep copy of src into dst (for a thread that keeps the keys beyond
 * the snapshot they came with); free it with tsig_keyring_clear. */
void tsig_keyring_copy(struct tsig_keyring *dst, const struct tsig_keyring *src);

/* Free the keys (their secrets wiped) and the ring's array; not ring. */
void tsig_keyring_clear(struct tsig_keyring *ring);

/*
 * Check the TSIG of a request (RFC 8945 5.2): t as the parser read it from
 * pkt, now the server's time in seconds. Fills v and returns GD_OK; the
 * checks in the RFC's order: an unknown key or an algorithm other than the
 * key's: BADKEY, unsigned; a MAC size longer than the hash or shorter than
 * max(10, half the hash) (5.2.2.1): GD_EFORMAT (FORMERR, no TSIG); a MAC
 * that does not verify: BADSIG, unsigned; the time outside Time Signed ±
 * Fudge: BADTIME, signed. Any truncation the RFC allows is accepted, so
 * BADTRUNC (5.2.4) is not produced.
 */
int tsig_verify_request(const uint8_t *pkt, size_t len, const struct tsig *t,
                        const struct tsig_keyring *ring, uint64_t now, struct tsig_verdict *v);

/*
 * Append the TSIG record of a response to msg (len octets, its header's
 * ARCOUNT not counting the TSIG; cap the room in msg) for the request t
 * and its verdict v: signed when v->sign (the request MAC, the response,
 * the TSIG variables: 4.3.1, 4.3.3), else MAC size 0 with v->error
 * (5.3.2). Time Signed is v->now, or the request's for an error; a BADTIME
 * carries the server's time in Other Data. The caller adds one to ARCOUNT.
 * Returns the new length, or 0 when the record does not fit (nothing
 * written).
 */
size_t tsig_append_response(uint8_t *msg, size_t len, size_t cap, const struct tsig *t,
                            const struct tsig_verdict *v);

/*
 * The same for each message of a multi-message response (a zone transfer,
 * RFC 8945 5.3.1): the first (first true) signed as tsig_append_response
 * does, every later one over the prior message's MAC, itself and the TSIG
 * timers only. v->mac holds the request's MAC before the first call and
 * each message's MAC after it (the next one's prior MAC). Unsigned
 * verdicts are appended as tsig_append_response does. Returns the new
 * length, or 0 when it does not fit (v unchanged).
 */
size_t tsig_append_stream(uint8_t *msg, size_t len, size_t cap, const struct tsig *t,
                          struct tsig_verdict *v, bool first);

/* Octets the TSIG record of a response takes (as tsig_append_response
 * writes it). */
size_t tsig_response_space(const struct tsig *t, const struct tsig_verdict *v);

/* The fudge a request signed here carries (RFC 8945 10: 300 s). */
#define TSIG_FUDGE 300

/*
 * Sign a request (RFC 8945 4.3.3, 5.1): append its TSIG record with key,
 * Time Signed now, fudge, the full MAC, the message's ID as the original
 * ID, to msg (len octets, ARCOUNT not yet counting the TSIG; cap the room
 * in msg), and add one to ARCOUNT. The MAC is copied to mac (TSIG_MAC_MAX)
 * and its length to *mac_len: the response's check needs them
 * (tsig_verify_response). Returns the new length, or 0 when the record
 * does not fit or the HMAC failed (msg unchanged). Used by xfr/notify.c.
 */
size_t tsig_sign_request(uint8_t *msg, size_t len, size_t cap, const struct tsig_key *key,
                         uint64_t now, uint16_t fudge, uint8_t *mac, uint16_t *mac_len);

/*
 * Check the TSIG t (as wire_parse_message read it from pkt) of a response
 * to a request signed with key whose MAC was request_mac (RFC 8945 4.3.1,
 * 5.3), now the local time in seconds. Returns 0 when it is signed by key
 * over the request MAC and the response and its Time Signed is within
 * Fudge of now; else TSIG_ERROR_BADKEY (another key name or algorithm),
 * TSIG_ERROR_BADSIG (an unsigned error - MAC size 0 -, a MAC size out of
 * range, a MAC that does not verify) or TSIG_ERROR_BADTIME. A response
 * without a TSIG record is the caller's to refuse.
 */
int tsig_verify_response(const uint8_t *pkt, size_t len, const struct tsig *t,
                         const struct tsig_key *key, const uint8_t *request_mac,
                         uint16_t request_mac_len, uint64_t now);

/*
 * The check of the TSIGs of a multi-message response (a zone transfer
 * read as a secondary, RFC 8945 5.3.1), the counterpart of
 * tsig_append_stream: the first message signed over the request's MAC as
 * tsig_verify_response checks it; every later signed one over the prior
 * signed message's MAC (its length first), the unsigned messages since
 * it whole, this message up to its TSIG (the original ID, ARCOUNT without
 * the TSIG) and the TSIG timers only; at most TSIG_STREAM_UNSIGNED_MAX
 * unsigned messages in a row. The running HMAC over the unsigned
 * messages is kept, not the messages. The caller checks at the end that
 * the last message was signed (tsig_stream_complete).
 */
#define TSIG_STREAM_UNSIGNED_MAX 99

struct tsig_stream {
	const struct tsig_key *key;
	void *hmac;                /* the running HMAC (libcrypto's EVP_MAC_CTX); NULL: none */
	uint8_t mac[TSIG_MAC_MAX]; /* the request's MAC, then the last signed message's */
	uint16_t mac_len;
	uint64_t messages;     /* messages taken */
	unsigned unsigned_run; /* unsigned messages since the last signed one */
};

/* Start the check of the response to a request signed with key whose MAC
 * was request_mac. */
void tsig_stream_init(struct tsig_stream *s, const struct tsig_key *key, const uint8_t *request_mac,
                      uint16_t request_mac_len);

/*
 * Take the next message pkt (len octets) with its TSIG t as
 * wire_parse_message read it, NULL when it has none. 0: signed and
 * verified, or unsigned where that is allowed; TSIG_ERROR_BADKEY (another
 * key name or algorithm), TSIG_ERROR_BADSIG (a MAC that does not verify,
 * or of a size out of range), TSIG_ERROR_BADTIME (Time Signed not within
 * Fudge of now), or the TSIG's error field when a verified TSIG carries
 * one (the server refused the request's signature); GD_EFORMAT for an unsigned first
 * message, GD_ELIMIT for the 100th unsigned message in a row, GD_ENOMEM
 * when the HMAC could not be computed. After anything but 0 the stream is
 * not to be used further (only tsig_stream_clear).
 */
int tsig_verify_stream(struct tsig_stream *s, const uint8_t *pkt, size_t len, const struct tsig *t,
                       uint64_t now);

/* Was the last message taken signed (the response may end there)? */
static inline bool tsig_stream_complete(const struct tsig_stream *s)
{
	return s->messages > 0 && s->unsigned_run == 0;
}

/* Free what the check holds (the running HMAC); s may be initialized again. */
void tsig_stream_clear(struct tsig_stream *s);

/* The HMAC of the parts (ptr, len pairs, n of them) with the key into mac
 * (TSIG_MAC_MAX); its length, 0 on a library failure. */
size_t tsig_hmac(const struct tsig_key *key, const uint8_t *const *parts, const size_t *lens,
                 size_t n, uint8_t *mac);

#endif
