/*
 * cookie.h - DNS server cookies (RFC 7873), built the interoperable way of
 * RFC 9018 so that every server of an anycast set sharing the secret accepts
 * the cookies of the others, whatever their implementation.
 *
 * The COOKIE option (EDNS option 10) of a query holds an 8-octet Client
 * Cookie, optionally followed by a Server Cookie of 8 to 32 octets. The
 * Server Cookies this module makes are RFC 9018 version 1, 16 octets:
 *
 *   Version (1) | Reserved (3, zero) | Timestamp (4) | Hash (8)
 *   Hash = SipHash-2-4(key = server secret,
 *                      Client Cookie | Version | Reserved | Timestamp | Client-IP)
 *
 * with the Timestamp in seconds since the epoch (network order, compared in
 * serial number arithmetic, RFC 1982) and Client-IP the 4 or 16 octets of the
 * query's source address (never an ECS address). A received cookie is hashed
 * with the Reserved octets as received (RFC 9018 4.2: not enforced to zero).
 * A cookie is valid when its hash matches under the current secret or the
 * previous one (kept during a rollover, RFC 9018 section 5) and its
 * Timestamp is at most COOKIE_MAX_AGE seconds old and at most
 * COOKIE_MAX_FUTURE seconds ahead (RFC 9018 4.3: the server MUST check the
 * Timestamp against a defined period and SHOULD allow 1 hour in the past and
 * 5 minutes in the future).
 *
 * How geodnsd reads RFC 7873 section 5.2 (an authoritative server that does
 * not require cookies):
 *   5.2.1 no COOKIE option: answered as usual, no cookie in the response.
 *   5.2.2 malformed option (length < 8, 9..15 or > 40): FORMERR, the only
 *         case where a cookie changes the RCODE by itself. Only the first
 *         COOKIE option of a query is looked at; later ones are ignored
 *         (RFC 7873 5.2, "only the first ... is considered").
 *   5.2.3 Client Cookie only: the server may drop, answer BADCOOKIE or answer
 *         normally "based on server policy, including rate limiting"; it
 *         MUST at least occasionally answer so clients can learn a cookie,
 *         and over TCP it SHOULD answer normally. geodnsd answers normally
 *         (NOERROR or whatever the query earns) with a COOKIE option holding
 *         the Client Cookie and a fresh Server Cookie.
 *   5.2.4 Client Cookie and an invalid Server Cookie (bad hash, expired,
 *         unknown version or length, other client address): processed "as if
 *         the invalid Server Cookie was not present", i.e. as 5.2.3: a normal
 *         answer with a fresh cookie. Nothing requires BADCOOKIE here; it is
 *         only one of the policy choices of 5.2.3.
 *   5.2.5 valid Server Cookie: answered normally; the response echoes the
 *         received cookie, or a fresh one when it was made with the previous
 *         secret, has non-zero Reserved octets, or is at least
 *         COOKIE_RENEW_AGE seconds old (RFC 9018 4.3: a new Server Cookie
 *         SHOULD be made at least when the received one is older than half
 *         an hour).
 * So BADCOOKIE (extended RCODE 23) is never required of geodnsd; the one
 * place it may be used is as a rate-limiting outcome over UDP for a client
 * that sent a Client Cookie without a valid Server Cookie (5.2.3 choice 2),
 * always with the COOKIE option so the client can retry with it.
 *
 * Nothing here allocates, locks or logs: the per-query functions take the
 * secrets by const pointer and may run on every worker at once.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_COOKIE_H
#define GD_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COOKIE_CLIENT_LEN 8       /* Client Cookie */
#define COOKIE_SERVER_LEN 16      /* our (version 1) Server Cookie */
#define COOKIE_SERVER_MIN 8       /* Server Cookie lengths RFC 7873 allows */
#define COOKIE_SERVER_MAX 32
#define COOKIE_OPT_LEN (COOKIE_CLIENT_LEN + COOKIE_SERVER_LEN) /* we send 24 */
#define COOKIE_SECRET_LEN 16      /* SipHash-2-4 key */
#define COOKIE_VERSION 1          /* RFC 9018 */
#define COOKIE_MAX_AGE 3600       /* seconds a Server Cookie stays valid */
#define COOKIE_MAX_FUTURE 300     /* seconds of clock skew tolerated */
#define COOKIE_RENEW_AGE 1800     /* a cookie this old is replaced */
#define RCODE_BADCOOKIE 23        /* extended RCODE (RFC 7873 8) */

/* The server secrets. current makes and verifies cookies; previous, while
 * have_previous, only verifies (RFC 9018 section 5, stages 1 to 3: put the
 * new secret in previous and swap when every server knows it, then drop the
 * old one). */
struct cookie_secrets {
	uint8_t current[COOKIE_SECRET_LEN];
	uint8_t previous[COOKIE_SECRET_LEN];
	bool have_previous;
};

/* What a query's COOKIE option amounts to. */
enum cookie_check {
	COOKIE_NONE,        /* no COOKIE option */
	COOKIE_CLIENT_ONLY, /* 8 octets: a Client Cookie alone */
	COOKIE_VALID,       /* a Server Cookie of ours, in date, for this client */
	COOKIE_BAD,         /* a Server Cookie that is not (or no longer) valid */
	COOKIE_MALFORMED,   /* a length RFC 7873 5.2.2 answers with FORMERR */
};

/*
 * Parse a secret written as exactly 32 hexadecimal digits (either case, no
 * prefix, no spaces) into out. GD_OK, or GD_EINVAL (out untouched) when the
 * string has another length or a non-hex character.
 */
int cookie_secret_parse(const char *hex, uint8_t out[COOKIE_SECRET_LEN]);

/*
 * Fill out with a random secret from getrandom(2). GD_OK, or GD_EIO (errno
 * kept) when the kernel gives no randomness: the caller must not run with a
 * predictable secret.
 */
int cookie_secret_generate(uint8_t out[COOKIE_SECRET_LEN]);

/*
 * Is len a COOKIE option length RFC 7873 5.2.2 accepts: 8 (Client Cookie
 * only) or 16..40 (Client Cookie and an 8..32-octet Server Cookie)? The
 * query parser answers FORMERR for any other length.
 */
bool cookie_len_ok(size_t len);

/*
 * Write the COOKIE option data for a response into out: the Client Cookie
 * followed by a version 1 Server Cookie made with s->current for the client
 * address (family 1 = IPv4 with 4 octets at addr, 2 = IPv6 with 16; an
 * IPv4-mapped IPv6 address is hashed as its IPv4 address; any other family
 * hashes no address) at time now (seconds since the epoch, mod 2^32).
 * Returns COOKIE_OPT_LEN, the number of octets written.
 */
size_t cookie_make(const struct cookie_secrets *s, const uint8_t client[COOKIE_CLIENT_LEN],
		   int family, const uint8_t *addr, uint32_t now, uint8_t out[COOKIE_OPT_LEN]);

/*
 * Everything the answer path needs in one call: classify the COOKIE option
 * data opt (len octets) of a query from the client address family/addr (as
 * for cookie_make) at time now - opt == NULL means the query had no COOKIE
 * option (COOKIE_NONE); a Server Cookie is COOKIE_VALID only when it is 16
 * octets of version 1, its hash matches under the current or (while kept)
 * the previous secret, and its Timestamp is within COOKIE_MAX_AGE in the
 * past and COOKIE_MAX_FUTURE in the future; every other well-formed Server
 * Cookie is COOKIE_BAD - and write into out the COOKIE option data
 * the response must carry, setting *outlen to its length:
 *   COOKIE_NONE, COOKIE_MALFORMED  *outlen = 0, no COOKIE option;
 *   COOKIE_CLIENT_ONLY, COOKIE_BAD *outlen = 24, the Client Cookie and a
 *                                  fresh Server Cookie;
 *   COOKIE_VALID                   *outlen = 24, the cookie as received when
 *                                  it was made with the current secret, has
 *                                  zero Reserved octets and is younger than
 *                                  COOKIE_RENEW_AGE; a fresh one otherwise.
 */
enum cookie_check cookie_answer(const struct cookie_secrets *s, const uint8_t *opt,
				size_t len, int family, const uint8_t *addr, uint32_t now,
				uint8_t out[COOKIE_OPT_LEN], size_t *outlen);

#endif
