/*
 * cookie.c - DNS server cookies: the RFC 9018 version 1 Server
 * Cookie, its verification against the current and previous secrets, and the
 * choice of the cookie a response carries.
 *
 * The query parser (wire.c) only checks the option's length with
 * cookie_len_ok; the answer path (answer.c) calls cookie_answer with the
 * source address and the wall-clock second and writes what it returns into
 * the response's OPT record. Secrets come from the config or
 * cookie_secret_generate at start (config.c, main.c). See cookie.h for the
 * reading of RFC 7873 section 5.2 this follows.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "query/cookie.h"

#include "common/gd.h"
#include "common/hash.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

static inline void store_le64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- secrets ---- */

int cookie_secret_parse(const char *hex, uint8_t out[COOKIE_SECRET_LEN])
{
	uint8_t tmp[COOKIE_SECRET_LEN];
	if (!hex)
		return GD_EINVAL;
	for (size_t i = 0; i < COOKIE_SECRET_LEN; i++) {
		/* hi is checked before lo is read: no read past a short string */
		int hi = hex_digit((unsigned char)hex[2 * i]);
		if (hi < 0)
			return GD_EINVAL;
		int lo = hex_digit((unsigned char)hex[2 * i + 1]);
		if (lo < 0)
			return GD_EINVAL;
		tmp[i] = (uint8_t)(hi << 4 | lo);
	}
	if (hex[2 * COOKIE_SECRET_LEN] != '\0')
		return GD_EINVAL;
	memcpy(out, tmp, sizeof(tmp));
	return GD_OK;
}

int cookie_secret_generate(uint8_t out[COOKIE_SECRET_LEN])
{
	size_t n = 0;
	while (n < COOKIE_SECRET_LEN) {
		ssize_t r = getrandom(out + n, COOKIE_SECRET_LEN - n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return GD_EIO;
		}
		n += (size_t)r;
	}
	return GD_OK;
}

/* ---- Server Cookies ---- */

bool cookie_len_ok(size_t len)
{
	return len == COOKIE_CLIENT_LEN ||
	       (len >= COOKIE_CLIENT_LEN + COOKIE_SERVER_MIN &&
		len <= COOKIE_CLIENT_LEN + COOKIE_SERVER_MAX);
}

/* The Client-IP octets RFC 9018 hashes: 4 for IPv4 (an IPv4-mapped IPv6
 * source is an IPv4 client), 16 for IPv6, none for anything else. */
static size_t client_ip(int family, const uint8_t *addr, const uint8_t **ip)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (family == 1 && addr) {
		*ip = addr;
		return 4;
	}
	if (family == 2 && addr) {
		if (memcmp(addr, v4mapped, sizeof(v4mapped)) == 0) {
			*ip = addr + 12;
			return 4;
		}
		*ip = addr;
		return 16;
	}
	*ip = NULL;
	return 0;
}

/* The version 1 Hash over a cookie whose first 16 octets (Client Cookie,
 * Version, Reserved, Timestamp) are at cookie, written little-endian to hash. */
static void hash_v1(const uint8_t key[COOKIE_SECRET_LEN], const uint8_t *cookie, int family,
		    const uint8_t *addr, uint8_t hash[8])
{
	uint8_t msg[COOKIE_CLIENT_LEN + 8 + 16];
	const uint8_t *ip;
	size_t iplen = client_ip(family, addr, &ip);
	memcpy(msg, cookie, COOKIE_CLIENT_LEN + 8);
	if (iplen)
		memcpy(msg + COOKIE_CLIENT_LEN + 8, ip, iplen);
	store_le64(hash, siphash24(key, msg, COOKIE_CLIENT_LEN + 8 + iplen));
}

size_t cookie_make(const struct cookie_secrets *s, const uint8_t client[COOKIE_CLIENT_LEN],
		   int family, const uint8_t *addr, uint32_t now, uint8_t out[COOKIE_OPT_LEN])
{
	uint8_t *sc = out + COOKIE_CLIENT_LEN;
	memmove(out, client, COOKIE_CLIENT_LEN); /* client may point into out */
	sc[0] = COOKIE_VERSION;
	sc[1] = sc[2] = sc[3] = 0;
	wr32(sc + 4, now);
	hash_v1(s->current, out, family, addr, sc + 8);
	return COOKIE_OPT_LEN;
}

/* Equality of two 8-octet hashes in time independent of where they differ. */
static bool hash_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;
	for (unsigned i = 0; i < 8; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

/* Seconds ts lies before now, in serial number arithmetic (RFC 1982): the
 * unsigned difference wraps, so an hour-old stamp read after 2^32 rolls over
 * is still an hour old. */
static bool in_date(uint32_t ts, uint32_t now)
{
	return (uint32_t)(now - ts) <= COOKIE_MAX_AGE || (uint32_t)(ts - now) <= COOKIE_MAX_FUTURE;
}

static bool needs_renewal(uint32_t ts, uint32_t now)
{
	uint32_t age = now - ts;
	return age >= COOKIE_RENEW_AGE && age <= COOKIE_MAX_AGE;
}

struct verdict {
	enum cookie_check check;
	bool keep;             /* VALID and fit to be echoed unchanged */
};

static struct verdict classify(const struct cookie_secrets *s, const uint8_t *opt,
			       size_t len, int family, const uint8_t *addr, uint32_t now)
{
	struct verdict v = {COOKIE_NONE, false};
	if (!opt)
		return v;
	if (!cookie_len_ok(len)) {
		v.check = COOKIE_MALFORMED;
		return v;
	}
	if (len == COOKIE_CLIENT_LEN) {
		v.check = COOKIE_CLIENT_ONLY;
		return v;
	}
	v.check = COOKIE_BAD;
	const uint8_t *sc = opt + COOKIE_CLIENT_LEN;
	if (len != COOKIE_OPT_LEN || sc[0] != COOKIE_VERSION)
		return v;
	uint32_t ts = rd32(sc + 4);
	if (!in_date(ts, now))
		return v;
	uint8_t hash[8];
	hash_v1(s->current, opt, family, addr, hash);
	if (hash_equal(hash, sc + 8)) {
		v.check = COOKIE_VALID;
		v.keep = (sc[1] | sc[2] | sc[3]) == 0 && !needs_renewal(ts, now);
		return v;
	}
	if (s->have_previous) {
		hash_v1(s->previous, opt, family, addr, hash);
		if (hash_equal(hash, sc + 8))
			v.check = COOKIE_VALID; /* renewed under the current secret */
	}
	return v;
}

enum cookie_check cookie_answer(const struct cookie_secrets *s, const uint8_t *opt,
				size_t len, int family, const uint8_t *addr, uint32_t now,
				uint8_t out[COOKIE_OPT_LEN], size_t *outlen)
{
	struct verdict v = classify(s, opt, len, family, addr, now);
	*outlen = 0;
	switch (v.check) {
	case COOKIE_NONE:
	case COOKIE_MALFORMED:
		break;
	case COOKIE_VALID:
		if (v.keep) {
			memmove(out, opt, COOKIE_OPT_LEN);
			*outlen = COOKIE_OPT_LEN;
			break;
		}
		/* fall through */
	case COOKIE_CLIENT_ONLY:
	case COOKIE_BAD:
		*outlen = cookie_make(s, opt, family, addr, now, out);
		break;
	}
	return v.check;
}
