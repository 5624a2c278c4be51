/*
 * sigcache.h - a worker's cache of RRSIGs, so that an RRset is signed once
 * per validity window per thread and not once per answer: a geo answer is
 * one of a small set of distinct RRsets (region x family x address
 * subset), each signed on its first answer and replayed after.
 *
 * One cache per worker thread, used by that thread only: no lock. Another
 * thread may read the counters (dnssec_sigcache_stats, relaxed atomics as
 * include/common/counter.h).
 *
 * The key of an entry is a SHA-256 over the signing key's DNSKEY rdata and
 * every octet the RRSIG signs but the inception and the expiration: the
 * RRSIG fields (type covered, algorithm, labels, original TTL, key tag,
 * signer) and the RRset in canonical form (owner, class, TTL, every
 * record). Two RRsets that differ in any octet signed, or signed by two
 * keys, never share an entry. The window is left out of the key on
 * purpose: it moves every hour (include/dnssec/sign.h) and a signature
 * stays good for days, so the entry keeps its own window and is a miss
 * only once dnssec_needs_refresh says so (less than two days left).
 *
 * Replacement: two-way set associative (the set from the digest's first
 * octets, which are uniform), the way not used last replaced, an empty or
 * stale way first. Chosen over CLOCK for a bounded cost: a lookup or an
 * insert compares two entries and never sweeps; and as the answer cache
 * (query/rcache.c) does with its four-way sets.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_DNSSEC_SIGCACHE_H
#define GD_DNSSEC_SIGCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dnssec_key;
struct dnssec_rrset;
struct dnssec_sigcache;

#define DNSSEC_DIGEST_SIZE 32

struct dnssec_sigcache_stats {
	uint64_t hits;      /* lookups that found a fresh signature */
	uint64_t misses;    /* lookups that found none, or a stale one */
	uint64_t inserts;   /* signatures stored */
	uint64_t evictions; /* inserts that replaced a fresh entry of another RRset */
};

/* A cache of at least entries signatures (rounded up to a power of two,
 * at least 2), all memory allocated here (about 400 octets an entry, and
 * a scratch buffer of DNSSEC_SCRATCH_SIZE). The caller frees it
 * (dnssec_sigcache_free); NULL when entries is 0 or too large. */
struct dnssec_sigcache *dnssec_sigcache_new(size_t entries);
void dnssec_sigcache_free(struct dnssec_sigcache *c);

/* The entries the cache holds (entries rounded up). */
size_t dnssec_sigcache_capacity(const struct dnssec_sigcache *c);

/* The key of the signature over data (from dnssec_signed_data, rrsig_len
 * its RRSIG part) made with key: see above. */
void dnssec_sigcache_digest(struct dnssec_sigcache *c, const struct dnssec_key *key,
                            const uint8_t *data, size_t len, uint8_t digest[DNSSEC_DIGEST_SIZE]);

/* The RRSIG rdata stored under digest when it is fresh at now (see
 * dnssec_needs_refresh): true with *rrsig (valid until the next insert)
 * and *len, counted as a hit; else false, counted as a miss. */
bool dnssec_sigcache_lookup(struct dnssec_sigcache *c, const uint8_t digest[DNSSEC_DIGEST_SIZE],
                            uint64_t now, const uint8_t **rrsig, size_t *len);

/* Store RRSIG rdata (len octets, at most DNSSEC_RRSIG_MAX, at least the
 * 18 fixed octets) under digest; at now, a stale entry is replaced before
 * a fresh one. */
void dnssec_sigcache_insert(struct dnssec_sigcache *c, const uint8_t digest[DNSSEC_DIGEST_SIZE],
                            uint64_t now, const uint8_t *rrsig, size_t len);

/* What a worker calls: the RRSIG rdata of set with key at now into out of
 * cap octets (DNSSEC_RRSIG_MAX is enough), from the cache, or signed in
 * the window of now (dnssec_window) and stored. Its length, or an error of
 * dnssec_signed_data / dnssec_sign_data. *signed_now (when not NULL) says
 * whether a signature was made. */
long dnssec_sigcache_sign(struct dnssec_sigcache *c, const struct dnssec_key *key,
                          const struct dnssec_rrset *set, uint64_t now, uint8_t *out, size_t cap,
                          bool *signed_now);

/* The same, but when the cache does not have it and may_sign is false
 * (the worker's signing budget is spent), GD_ELIMIT without signing. */
long dnssec_sigcache_sign_if(struct dnssec_sigcache *c, const struct dnssec_key *key,
                             const struct dnssec_rrset *set, uint64_t now, uint8_t *out,
                             size_t cap, bool *signed_now, bool may_sign);

/* The counters, readable from any thread. */
void dnssec_sigcache_stats(const struct dnssec_sigcache *c, struct dnssec_sigcache_stats *out);

#endif
