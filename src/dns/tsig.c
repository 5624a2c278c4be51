/*
 * tsig.c - TSIG (RFC 8945) on the raw wire message: the keys, the request's
 * verification and the response's signature (see dns/tsig.h).
 *
 * The MAC is computed over parts handed to EVP_MAC one after the other, so
 * neither the request nor the response is copied: the header (12 octets,
 * with the original ID and the ARCOUNT without the TSIG), the rest of the
 * message up to the TSIG record, and the TSIG variables (4.3.3).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "dns/tsig.h"

#include "common/gd.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;    /* as the config names it */
	const char *digest;  /* OpenSSL's name */
	const uint8_t *wire; /* the algorithm name on the wire, lower case */
	size_t wire_len;
	size_t mac_size;
} algorithms[TSIG_ALGORITHMS] = {
    [TSIG_HMAC_SHA256] = {"hmac-sha256", "SHA256", (const uint8_t *)"\013hmac-sha256", 13, 32},
    [TSIG_HMAC_SHA384] = {"hmac-sha384", "SHA384", (const uint8_t *)"\013hmac-sha384", 13, 48},
    [TSIG_HMAC_SHA512] = {"hmac-sha512", "SHA512", (const uint8_t *)"\013hmac-sha512", 13, 64},
    [TSIG_HMAC_SHA1] = {"hmac-sha1", "SHA1", (const uint8_t *)"\011hmac-sha1", 11, 20},
};

const char *tsig_algorithm_name(enum tsig_algorithm a)
{
	return algorithms[a].name;
}

size_t tsig_mac_size(enum tsig_algorithm a)
{
	return algorithms[a].mac_size;
}

size_t tsig_name_from_text(const char *text, uint8_t *out)
{
	size_t n = 0, tl = strlen(text);
	if (tl == 0)
		return 0;
	if (strcmp(text, ".") == 0) {
		out[0] = 0;
		return 1;
	}
	if (text[tl - 1] == '.')
		tl--;
	const char *p = text, *end = text + tl;
	while (p < end) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		size_t ll = dot ? (size_t)(dot - p) : (size_t)(end - p);
		if (ll == 0 || ll > 63 || n + 1 + ll + 1 > WIRE_NAME_MAX)
			return 0;
		out[n++] = (uint8_t)ll;
		for (size_t i = 0; i < ll; i++) {
			unsigned char c = (unsigned char)p[i];
			if (c <= ' ' || c >= 0x7f || c == '\\')
				return 0; /* no escapes: key names are host-name like */
			out[n++] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		p += ll + (dot != NULL);
	}
	out[n++] = 0;
	return n;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long tsig_base64_decode(const char *text, uint8_t *out, size_t cap)
{
	size_t tl = strlen(text), n = 0;
	if (tl % 4 != 0)
		return -1;
	for (size_t i = 0; i < tl; i += 4) {
		int v[4];
		unsigned pad = 0;
		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)text[i + (size_t)k];
			if (c == '=' && i + 4 == tl && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad) /* "=" only at the end */
				return -1;
			v[k] = b64_value(c);
			if (v[k] < 0)
				return -1;
		}
		uint32_t word = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
		                (uint32_t)v[3];
		size_t bytes = 3 - pad;
		if (n + bytes > cap)
			return -1;
		for (size_t k = 0; k < bytes; k++)
			out[n++] = (uint8_t)(word >> (16 - 8 * k));
	}
	return (long)n;
}

const struct tsig_key *tsig_key_find(const struct tsig_keyring *ring, const uint8_t *name)
{
	for (size_t i = 0; ring && i < ring->n; i++)
		if (wire_name_equal(ring->keys[i].name, name))
			return &ring->keys[i];
	return NULL;
}

void tsig_keyring_clear(struct tsig_keyring *ring)
{
	for (size_t i = 0; i < ring->n; i++) {
		OPENSSL_cleanse(ring->keys[i].secret, ring->keys[i].secret_len);
		free(ring->keys[i].secret);
	}
	free(ring->keys);
	ring->keys = NULL;
	ring->n = 0;
}

void tsig_keyring_copy(struct tsig_keyring *dst, const struct tsig_keyring *src)
{
	dst->n = 0;
	dst->keys = xcalloc(src->n + 1, sizeof(struct tsig_key));
	for (size_t i = 0; i < src->n; i++) {
		struct tsig_key *k = &dst->keys[dst->n++];
		*k = src->keys[i];
		k->secret = xmalloc(k->secret_len + 1);
		memcpy(k->secret, src->keys[i].secret, k->secret_len);
	}
}

/* EVP_MAC_fetch once: it looks the implementation up in the provider
 * tables, which is slower than the HMAC of a short message. */
static EVP_MAC *hmac_impl;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_fetch(void)
{
	hmac_impl = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

/* An HMAC with key, started; NULL on a library failure. */
static EVP_MAC_CTX *hmac_begin(const struct tsig_key *key)
{
	pthread_once(&hmac_once, hmac_fetch);
	if (!hmac_impl)
		return NULL;
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(hmac_impl);
	if (!ctx)
		return NULL;
	OSSL_PARAM params[2] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	                                     (char *)algorithms[key->algorithm].digest, 0),
	    OSSL_PARAM_construct_end()};
	if (!EVP_MAC_init(ctx, key->secret, key->secret_len, params)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* The parts into ctx, then its MAC into mac (TSIG_MAC_MAX); ctx is freed.
 * The MAC's length, 0 on a library failure. */
static size_t hmac_finish(EVP_MAC_CTX *ctx, const uint8_t *const *parts, const size_t *lens,
                          size_t n, uint8_t *mac)
{
	size_t out = 0;
	int ok = ctx != NULL;
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_MAC_update(ctx, parts[i], lens[i]);
	if (ok && !EVP_MAC_final(ctx, mac, &out, TSIG_MAC_MAX))
		out = 0;
	EVP_MAC_CTX_free(ctx);
	return ok ? out : 0;
}

size_t tsig_hmac(const struct tsig_key *key, const uint8_t *const *parts, const size_t *lens,
                 size_t n, uint8_t *mac)
{
	return hmac_finish(hmac_begin(key), parts, lens, n, mac);
}

/* The TSIG variables after the names (4.3.3): class, TTL, algorithm name
 * and the fields from Time Signed to Other Len; the key name goes first,
 * Other Data last, as separate parts. vars_a: CLASS and TTL (6 octets);
 * vars_b: Time Signed, Fudge, Error, Other Len (12 octets). */
static void tsig_vars(uint8_t *vars_a, uint8_t *vars_b, uint64_t time_signed, uint16_t fudge,
                      uint16_t error, uint16_t other_len)
{
	wr16(vars_a, CLASS_ANY);
	wr32(vars_a + 2, 0);
	wr16(vars_b, (uint16_t)(time_signed >> 32));
	wr32(vars_b + 2, (uint32_t)time_signed);
	wr16(vars_b + 6, fudge);
	wr16(vars_b + 8, error);
	wr16(vars_b + 10, other_len);
}

/* The MAC of a message (msg, len: up to where the TSIG record starts) with
 * the ID replaced by original_id and ARCOUNT by arcount, after the request
 * MAC with its length first for a response (4.3.1; request_mac NULL for a
 * request), and the TSIG variables. */
static size_t message_mac(const struct tsig_key *key, const uint8_t *request_mac,
                          uint16_t request_mac_len, const uint8_t *msg, size_t len,
                          uint16_t original_id, uint16_t arcount, uint64_t time_signed,
                          uint16_t fudge, uint16_t error, const uint8_t *other, uint16_t other_len,
                          uint8_t *mac)
{
	uint8_t prefix[2], header[DNS_HEADER_LEN], vars_a[6], vars_b[12];
	wr16(prefix, request_mac_len);
	memcpy(header, msg, DNS_HEADER_LEN);
	wr16(header, original_id);
	wr16(header + 10, arcount);
	tsig_vars(vars_a, vars_b, time_signed, fudge, error, other_len);
	const uint8_t *alg = algorithms[key->algorithm].wire;
	const uint8_t *parts[] = {prefix,    request_mac, header, msg + DNS_HEADER_LEN,
	                          key->name, vars_a,      alg,    vars_b,
	                          other};
	size_t lens[] = {request_mac ? 2u : 0u,
	                 request_mac ? request_mac_len : 0u,
	                 DNS_HEADER_LEN,
	                 len - DNS_HEADER_LEN,
	                 key->name_len,
	                 sizeof(vars_a),
	                 algorithms[key->algorithm].wire_len,
	                 sizeof(vars_b),
	                 other_len};
	/* EVP_MAC_update takes a length of 0 with any pointer; NULLs skipped */
	const uint8_t *p2[ARRAY_SIZE(parts)];
	size_t l2[ARRAY_SIZE(parts)], n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (lens[i] == 0)
			continue;
		p2[n] = parts[i];
		l2[n++] = lens[i];
	}
	return tsig_hmac(key, p2, l2, n, mac);
}

/* The MAC of t in pkt (len octets) checked against the message's, after
 * the request MAC of a response (NULL for a request), then the time: 0,
 * TSIG_ERROR_BADSIG or TSIG_ERROR_BADTIME; GD_EFORMAT for a MAC size the
 * key's algorithm does not allow (5.2.2.1: longer than the hash, or
 * shorter than the larger of 10 and half the hash). */
static int check_signed(const struct tsig_key *key, const uint8_t *request_mac,
                        uint16_t request_mac_len, const uint8_t *pkt, size_t len,
                        const struct tsig *t, uint64_t now)
{
	size_t full = algorithms[key->algorithm].mac_size;
	size_t least = full / 2 > 10 ? full / 2 : 10;
	if (t->mac_size > full || t->mac_size < least)
		return GD_EFORMAT;
	if (t->rr_offset < DNS_HEADER_LEN || t->other_offset + (size_t)t->other_len > len)
		return GD_EFORMAT; /* never: the parser placed them */
	uint8_t mac[TSIG_MAC_MAX];
	size_t n = message_mac(key, request_mac, request_mac_len, pkt, t->rr_offset, t->original_id,
	                       (uint16_t)(rd16(pkt + 10) - 1), t->time_signed, t->fudge, t->error,
	                       pkt + t->other_offset, t->other_len, mac);
	/* 5.2.2: only the octets sent are compared (a truncated MAC), in
	 * constant time */
	if (n != full || CRYPTO_memcmp(mac, pkt + t->mac_offset, t->mac_size) != 0)
		return TSIG_ERROR_BADSIG;
	/* 5.2.3: the time within Time Signed ± Fudge */
	uint64_t lo = t->time_signed > t->fudge ? t->time_signed - t->fudge : 0;
	if (now < lo || now > t->time_signed + t->fudge)
		return TSIG_ERROR_BADTIME;
	return 0;
}

int tsig_verify_request(const uint8_t *pkt, size_t len, const struct tsig *t,
                        const struct tsig_keyring *ring, uint64_t now, struct tsig_verdict *v)
{
	v->key = NULL;
	v->sign = false;
	v->now = now;
	v->mac_len = 0;
	/* 5.2.1: a key we do not have, or not with this algorithm */
	const struct tsig_key *key = tsig_key_find(ring, t->key);
	if (!key || !wire_name_equal(t->alg, algorithms[key->algorithm].wire)) {
		v->error = TSIG_ERROR_BADKEY;
		return GD_OK;
	}
	v->key = key;
	int rc = check_signed(key, NULL, 0, pkt, len, t, now);
	if (rc < 0)
		return rc;
	if (rc == TSIG_ERROR_BADSIG) {
		v->error = TSIG_ERROR_BADSIG;
		return GD_OK;
	}
	memcpy(v->mac, pkt + t->mac_offset, t->mac_size);
	v->mac_len = t->mac_size;
	v->sign = true;
	v->error = (uint16_t)rc;
	return GD_OK;
}

/* The fields of a TSIG record as written. */
struct tsig_fields {
	const uint8_t *key;
	size_t key_len;
	const uint8_t *alg;
	size_t alg_len;
	uint64_t time_signed;
	uint16_t fudge;
	const uint8_t *mac;
	uint16_t mac_len;
	uint16_t original_id;
	uint16_t error;
	const uint8_t *other;
	uint16_t other_len;
};

/* Octets of a TSIG record: owner, TYPE to RDLENGTH, the algorithm, the
 * 16 octets of fixed fields, the MAC and Other Data. */
static size_t tsig_rr_size(size_t key_len, size_t alg_len, size_t mac_len, size_t other_len)
{
	return key_len + 10u + alg_len + 16u + mac_len + other_len;
}

/* Write the TSIG record f at p (room checked by the caller); the end. */
static uint8_t *put_tsig_rr(uint8_t *p, const struct tsig_fields *f)
{
	memcpy(p, f->key, f->key_len); /* uncompressed, as the MAC covers it */
	p += f->key_len;
	wr16(p, TYPE_TSIG);
	wr16(p + 2, CLASS_ANY);
	wr32(p + 4, 0);
	wr16(p + 8, (uint16_t)(f->alg_len + 16u + f->mac_len + f->other_len));
	p += 10;
	memcpy(p, f->alg, f->alg_len);
	p += f->alg_len;
	wr16(p, (uint16_t)(f->time_signed >> 32));
	wr32(p + 2, (uint32_t)f->time_signed);
	wr16(p + 6, f->fudge);
	wr16(p + 8, f->mac_len);
	if (f->mac_len)
		memcpy(p + 10, f->mac, f->mac_len);
	p += 10 + f->mac_len;
	wr16(p, f->original_id);
	wr16(p + 2, f->error);
	wr16(p + 4, f->other_len);
	if (f->other_len)
		memcpy(p + 6, f->other, f->other_len);
	return p + 6 + f->other_len;
}

size_t tsig_response_space(const struct tsig *t, const struct tsig_verdict *v)
{
	size_t mac = v->sign ? algorithms[v->key->algorithm].mac_size : 0;
	size_t other = v->error == TSIG_ERROR_BADTIME ? TSIG_OTHER_TIME_LEN : 0;
	return tsig_rr_size(t->key_len, t->alg_len, mac, other);
}

/* The MAC of a later message of a multi-message response (RFC 8945
 * 5.3.1): the prior MAC with its length, the message as sent (its
 * ARCOUNT not counting the TSIG), Time Signed and Fudge. */
static size_t next_message_mac(const struct tsig_key *key, const uint8_t *prior,
                               uint16_t prior_len, const uint8_t *msg, size_t len,
                               uint64_t time_signed, uint16_t fudge, uint8_t *mac)
{
	uint8_t plen[2], timers[8];
	wr16(plen, prior_len);
	wr16(timers, (uint16_t)(time_signed >> 32));
	wr32(timers + 2, (uint32_t)time_signed);
	wr16(timers + 6, fudge);
	const uint8_t *parts[] = {plen, prior, msg, timers};
	size_t lens[] = {2, prior_len, len, sizeof(timers)};
	return tsig_hmac(key, parts, lens, ARRAY_SIZE(parts), mac);
}

enum sign_mode { SIGN_NONE, SIGN_FIRST, SIGN_NEXT };

/* Append the TSIG record of a response, signed per mode or unsigned with
 * v->error; the new length, 0 when it does not fit. The MAC into mac. */
static size_t append_tsig(uint8_t *msg, size_t len, size_t cap, const struct tsig *t,
                          const struct tsig_verdict *v, enum sign_mode mode, uint8_t *mac,
                          size_t *mac_len)
{
	size_t need = tsig_response_space(t, v);
	if (len > cap || cap - len < need)
		return 0;
	/* 4.5.2, 5.2.3: a BADTIME's Time Signed is the request's (the client
	 * finds its own clock there), its Other Data the server's time; an
	 * unsigned error echoes the request's */
	uint64_t signed_at = v->sign && v->error == 0 ? v->now : t->time_signed;
	uint8_t other[TSIG_OTHER_TIME_LEN];
	uint16_t other_len = 0;
	if (v->error == TSIG_ERROR_BADTIME) {
		wr16(other, (uint16_t)(v->now >> 32));
		wr32(other + 2, (uint32_t)v->now);
		other_len = TSIG_OTHER_TIME_LEN;
	}
	*mac_len = 0;
	if (mode == SIGN_FIRST)
		*mac_len = message_mac(v->key, v->mac, v->mac_len, msg, len, t->original_id,
		                       rd16(msg + 10), signed_at, t->fudge, v->error, other,
		                       other_len, mac);
	else if (mode == SIGN_NEXT)
		*mac_len = next_message_mac(v->key, v->mac, v->mac_len, msg, len, signed_at,
		                            t->fudge, mac);
	if (mode != SIGN_NONE && *mac_len != algorithms[v->key->algorithm].mac_size)
		return 0;
	struct tsig_fields f = {t->key,         t->key_len, t->alg, t->alg_len,
	                        signed_at,      t->fudge,   mac,    (uint16_t)*mac_len,
	                        t->original_id, v->error,   other,  other_len};
	return (size_t)(put_tsig_rr(msg + len, &f) - msg);
}

size_t tsig_append_response(uint8_t *msg, size_t len, size_t cap, const struct tsig *t,
                            const struct tsig_verdict *v)
{
	uint8_t mac[TSIG_MAC_MAX];
	size_t mac_len;
	return append_tsig(msg, len, cap, t, v, v->sign ? SIGN_FIRST : SIGN_NONE, mac, &mac_len);
}

size_t tsig_append_stream(uint8_t *msg, size_t len, size_t cap, const struct tsig *t,
                          struct tsig_verdict *v, bool first)
{
	if (!v->sign || v->error)
		return tsig_append_response(msg, len, cap, t, v);
	uint8_t mac[TSIG_MAC_MAX];
	size_t mac_len;
	size_t n = append_tsig(msg, len, cap, t, v, first ? SIGN_FIRST : SIGN_NEXT, mac, &mac_len);
	if (n) {
		memcpy(v->mac, mac, mac_len);
		v->mac_len = (uint16_t)mac_len;
	}
	return n;
}

size_t tsig_sign_request(uint8_t *msg, size_t len, size_t cap, const struct tsig_key *key,
                         uint64_t now, uint16_t fudge, uint8_t *mac, uint16_t *mac_len)
{
	const uint8_t *alg = algorithms[key->algorithm].wire;
	size_t alg_len = algorithms[key->algorithm].wire_len;
	size_t full = algorithms[key->algorithm].mac_size;
	size_t need = tsig_rr_size(key->name_len, alg_len, full, 0);
	if (len < DNS_HEADER_LEN || len > cap || cap - len < need)
		return 0;
	uint16_t id = rd16(msg), arcount = rd16(msg + 10);
	if (arcount == UINT16_MAX)
		return 0;
	/* 4.3.3: the request's digest: the message as it is (its ID the
	 * original ID), the TSIG variables */
	if (message_mac(key, NULL, 0, msg, len, id, arcount, now, fudge, 0, NULL, 0, mac) != full)
		return 0;
	*mac_len = (uint16_t)full;
	struct tsig_fields f = {key->name, key->name_len,  alg, alg_len, now,  fudge,
	                        mac,       (uint16_t)full, id,  0,       NULL, 0};
	uint8_t *end = put_tsig_rr(msg + len, &f);
	wr16(msg + 10, (uint16_t)(arcount + 1));
	return (size_t)(end - msg);
}

int tsig_verify_response(const uint8_t *pkt, size_t len, const struct tsig *t,
                         const struct tsig_key *key, const uint8_t *request_mac,
                         uint16_t request_mac_len, uint64_t now)
{
	if (!wire_name_equal(t->key, key->name) ||
	    !wire_name_equal(t->alg, algorithms[key->algorithm].wire))
		return TSIG_ERROR_BADKEY;
	int rc = check_signed(key, request_mac, request_mac_len, pkt, len, t, now);
	/* a MAC size out of range, an unsigned error (size 0): not signed */
	return rc < 0 ? TSIG_ERROR_BADSIG : rc;
}

/* ---- a multi-message response's TSIGs (RFC 8945 5.3.1) ---- */

void tsig_stream_init(struct tsig_stream *s, const struct tsig_key *key, const uint8_t *request_mac,
                      uint16_t request_mac_len)
{
	*s = (struct tsig_stream){.key = key, .mac_len = request_mac_len};
	if (request_mac_len)
		memcpy(s->mac, request_mac, request_mac_len);
}

void tsig_stream_clear(struct tsig_stream *s)
{
	EVP_MAC_CTX_free(s->hmac);
	s->hmac = NULL;
}

/* The running HMAC of a later message: the prior MAC with its length
 * first, then the unsigned messages as they come. */
static bool stream_start(struct tsig_stream *s)
{
	if (s->hmac)
		return true;
	s->hmac = hmac_begin(s->key);
	uint8_t plen[2];
	wr16(plen, s->mac_len);
	if (!s->hmac || !EVP_MAC_update(s->hmac, plen, 2) ||
	    !EVP_MAC_update(s->hmac, s->mac, s->mac_len)) {
		tsig_stream_clear(s);
		return false;
	}
	return true;
}

/* A later signed message (5.3.1): the running HMAC over the prior MAC and
 * the unsigned messages since, then this message up to its TSIG (the ID
 * the original ID, ARCOUNT without the TSIG) and the timers. */
static int stream_verify_next(struct tsig_stream *s, const uint8_t *pkt, const struct tsig *t,
                              uint64_t now)
{
	size_t full = algorithms[s->key->algorithm].mac_size;
	size_t least = full / 2 > 10 ? full / 2 : 10;
	if (!wire_name_equal(t->key, s->key->name) ||
	    !wire_name_equal(t->alg, algorithms[s->key->algorithm].wire))
		return TSIG_ERROR_BADKEY;
	if (t->mac_size > full || t->mac_size < least)
		return TSIG_ERROR_BADSIG;
	if (!stream_start(s))
		return GD_ENOMEM;
	uint8_t header[DNS_HEADER_LEN], timers[8], mac[TSIG_MAC_MAX];
	memcpy(header, pkt, DNS_HEADER_LEN);
	wr16(header, t->original_id);
	wr16(header + 10, (uint16_t)(rd16(pkt + 10) - 1));
	wr16(timers, (uint16_t)(t->time_signed >> 32));
	wr32(timers + 2, (uint32_t)t->time_signed);
	wr16(timers + 6, t->fudge);
	const uint8_t *parts[] = {header, pkt + DNS_HEADER_LEN, timers};
	size_t lens[] = {DNS_HEADER_LEN, (size_t)t->rr_offset - DNS_HEADER_LEN, sizeof(timers)};
	size_t n = hmac_finish(s->hmac, parts, lens, ARRAY_SIZE(parts), mac);
	s->hmac = NULL;
	if (n != full)
		return n ? TSIG_ERROR_BADSIG : GD_ENOMEM;
	if (CRYPTO_memcmp(mac, pkt + t->mac_offset, t->mac_size) != 0)
		return TSIG_ERROR_BADSIG;
	uint64_t lo = t->time_signed > t->fudge ? t->time_signed - t->fudge : 0;
	if (now < lo || now > t->time_signed + t->fudge)
		return TSIG_ERROR_BADTIME;
	return 0;
}

int tsig_verify_stream(struct tsig_stream *s, const uint8_t *pkt, size_t len, const struct tsig *t,
                       uint64_t now)
{
	if (!t) {
		if (s->messages == 0)
			return GD_EFORMAT; /* the first message must be signed */
		if (s->unsigned_run >= TSIG_STREAM_UNSIGNED_MAX)
			return GD_ELIMIT;
		if (!stream_start(s) || !EVP_MAC_update(s->hmac, pkt, len)) {
			tsig_stream_clear(s);
			return GD_ENOMEM;
		}
		s->messages++;
		s->unsigned_run++;
		return 0;
	}
	if (t->rr_offset < DNS_HEADER_LEN || rd16(pkt + 10) == 0)
		return GD_EFORMAT; /* never: the parser placed it */
	int rc = s->messages == 0
	             ? tsig_verify_response(pkt, len, t, s->key, s->mac, s->mac_len, now)
	             : stream_verify_next(s, pkt, t, now);
	if (rc != 0)
		return rc;
	if (t->error)
		return t->error; /* signed, but the server refused ours */
	/* the MAC as received is the next message's prior MAC */
	memcpy(s->mac, pkt + t->mac_offset, t->mac_size);
	s->mac_len = t->mac_size;
	s->messages++;
	s->unsigned_run = 0;
	return 0;
}
