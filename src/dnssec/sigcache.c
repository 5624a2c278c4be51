/*
 * sigcache.c - a worker's RRSIG cache (include/dnssec/sigcache.h): two-way
 * sets keyed by a SHA-256 of what is signed less the window, each entry
 * with its window, fresh until dnssec_needs_refresh.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "dnssec/sigcache.h"

#include "common/counter.h"
#include "common/gd.h"
#include "dnssec/key.h"
#include "dnssec/sign.h"

#include <assert.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define WAYS 2
/* at most 2^24 entries (about 6 GiB): more is a configuration error */
#define ENTRIES_MAX ((size_t)1 << 24)

struct sig_entry {
	uint8_t digest[DNSSEC_DIGEST_SIZE];
	uint32_t inception, expiration; /* as in the RRSIG */
	uint16_t len;                   /* 0: empty */
	uint8_t rrsig[DNSSEC_RRSIG_MAX];
};

struct sig_set {
	struct sig_entry way[WAYS];
	uint8_t recent; /* the way used last */
};

struct dnssec_sigcache {
	struct sig_set *sets;
	size_t nsets; /* a power of two */
	EVP_MD_CTX *md;
	const EVP_MD *sha256;
	uint8_t *scratch; /* DNSSEC_SCRATCH_SIZE: the signed data is built here */
	struct dnssec_sigcache_stats stats;
};

struct dnssec_sigcache *dnssec_sigcache_new(size_t entries)
{
	if (entries == 0 || entries > ENTRIES_MAX)
		return NULL;
	size_t nsets = 1;
	while (nsets * WAYS < entries)
		nsets <<= 1;
	struct dnssec_sigcache *c = xcalloc(1, sizeof(*c));
	c->md = EVP_MD_CTX_new();
	c->sha256 = EVP_sha256();
	if (!c->md) {
		free(c);
		return NULL;
	}
	c->sets = xcalloc(nsets, sizeof(struct sig_set));
	c->nsets = nsets;
	c->scratch = xmalloc(DNSSEC_SCRATCH_SIZE);
	return c;
}

void dnssec_sigcache_free(struct dnssec_sigcache *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->md);
	free(c->sets);
	free(c->scratch);
	free(c);
}

size_t dnssec_sigcache_capacity(const struct dnssec_sigcache *c)
{
	return c->nsets * WAYS;
}

void dnssec_sigcache_digest(struct dnssec_sigcache *c, const struct dnssec_key *key,
                            const uint8_t *data, size_t len, uint8_t digest[DNSSEC_DIGEST_SIZE])
{
	/* octets 8 to 15 of the RRSIG fields are the expiration and inception */
	unsigned out = 0;
	int ok = len >= DNSSEC_RRSIG_FIXED && EVP_DigestInit_ex(c->md, c->sha256, NULL) == 1 &&
	         EVP_DigestUpdate(c->md, key->dnskey, key->dnskey_len) == 1 &&
	         EVP_DigestUpdate(c->md, data, 8) == 1 &&
	         EVP_DigestUpdate(c->md, data + 16, len - 16) == 1 &&
	         EVP_DigestFinal_ex(c->md, digest, &out) == 1;
	/* SHA-256 in libcrypto's default provider does not fail on memory it
	 * already has; the data comes from dnssec_signed_data */
	assert(ok && out == DNSSEC_DIGEST_SIZE);
	(void)ok;
}

static struct sig_set *set_of(const struct dnssec_sigcache *c,
                              const uint8_t digest[DNSSEC_DIGEST_SIZE])
{
	return &c->sets[rd64(digest) & (c->nsets - 1)];
}

static bool fresh(const struct sig_entry *e, uint64_t now)
{
	return e->len && !dnssec_needs_refresh(now, e->inception, e->expiration);
}

bool dnssec_sigcache_lookup(struct dnssec_sigcache *c, const uint8_t digest[DNSSEC_DIGEST_SIZE],
                            uint64_t now, const uint8_t **rrsig, size_t *len)
{
	struct sig_set *s = set_of(c, digest);
	for (unsigned w = 0; w < WAYS; w++) {
		struct sig_entry *e = &s->way[w];
		if (e->len && memcmp(e->digest, digest, DNSSEC_DIGEST_SIZE) == 0 && fresh(e, now)) {
			s->recent = (uint8_t)w;
			*rrsig = e->rrsig;
			*len = e->len;
			CTR_INC(c->stats.hits);
			return true;
		}
	}
	CTR_INC(c->stats.misses);
	return false;
}

void dnssec_sigcache_insert(struct dnssec_sigcache *c, const uint8_t digest[DNSSEC_DIGEST_SIZE],
                            uint64_t now, const uint8_t *rrsig, size_t len)
{
	assert(len >= DNSSEC_RRSIG_FIXED && len <= DNSSEC_RRSIG_MAX);
	struct sig_set *s = set_of(c, digest);
	int w = -1;
	/* the same RRset's old signature, else an empty or stale way, else the
	 * way not used last */
	for (unsigned i = 0; i < WAYS && w < 0; i++)
		if (s->way[i].len && memcmp(s->way[i].digest, digest, DNSSEC_DIGEST_SIZE) == 0)
			w = (int)i;
	for (unsigned i = 0; i < WAYS && w < 0; i++)
		if (!fresh(&s->way[i], now))
			w = (int)i;
	if (w < 0) {
		w = !s->recent;
		CTR_INC(c->stats.evictions);
	}
	struct sig_entry *e = &s->way[w];
	memcpy(e->digest, digest, DNSSEC_DIGEST_SIZE);
	e->expiration = rd32(rrsig + 8);
	e->inception = rd32(rrsig + 12);
	e->len = (uint16_t)len;
	memcpy(e->rrsig, rrsig, len);
	s->recent = (uint8_t)w;
	CTR_INC(c->stats.inserts);
}

long dnssec_sigcache_sign(struct dnssec_sigcache *c, const struct dnssec_key *key,
                          const struct dnssec_rrset *set, uint64_t now, uint8_t *out, size_t cap,
                          bool *signed_now)
{
	return dnssec_sigcache_sign_if(c, key, set, now, out, cap, signed_now, true);
}

long dnssec_sigcache_sign_if(struct dnssec_sigcache *c, const struct dnssec_key *key,
                             const struct dnssec_rrset *set, uint64_t now, uint8_t *out,
                             size_t cap, bool *signed_now, bool may_sign)
{
	if (signed_now)
		*signed_now = false;
	uint32_t inception, expiration;
	dnssec_window(now, &inception, &expiration);
	size_t rrsig_len;
	long len = dnssec_signed_data(key, set, inception, expiration, c->scratch,
	                              DNSSEC_SCRATCH_SIZE, &rrsig_len);
	if (len < 0)
		return len;
	uint8_t digest[DNSSEC_DIGEST_SIZE];
	dnssec_sigcache_digest(c, key, c->scratch, (size_t)len, digest);
	const uint8_t *cached;
	size_t clen;
	if (dnssec_sigcache_lookup(c, digest, now, &cached, &clen)) {
		if (clen > cap)
			return GD_ESPACE;
		memcpy(out, cached, clen);
		return (long)clen;
	}
	if (!may_sign)
		return GD_ELIMIT;
	long n = dnssec_sign_data(key, c->scratch, (size_t)len, rrsig_len, out, cap);
	if (n < 0)
		return n;
	dnssec_sigcache_insert(c, digest, now, out, (size_t)n);
	if (signed_now)
		*signed_now = true;
	return n;
}

void dnssec_sigcache_stats(const struct dnssec_sigcache *c, struct dnssec_sigcache_stats *out)
{
	out->hits = CTR_GET(c->stats.hits);
	out->misses = CTR_GET(c->stats.misses);
	out->inserts = CTR_GET(c->stats.inserts);
	out->evictions = CTR_GET(c->stats.evictions);
}
