/*
 * hash.c - SipHash-2-4 (Aumasson and Bernstein, 2012), the keyed hash of
 * everything a client can choose: DNS cookies, rate-limiting accounts, the
 * TCP per-client slots.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/hash.h"

#include <endian.h>
#include <string.h>

static inline uint64_t rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

/* one load (and a byte swap on big-endian machines), not eight: SipHash
 * runs per query for cookies and RRL */
static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return le64toh(v);
}

struct sip {
	uint64_t v0, v1, v2, v3;
};

/* One SipRound: the ARX network of the paper's section 2.1. */
static inline void sip_round(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = rotl64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl64(s->v2, 32);
}

/* Compression of one 64-bit message word: c = 2 rounds. */
static inline void sip_word(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const uint8_t *msg, size_t len)
{
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	/* "somepseudorandomlygeneratedbytes" */
	struct sip s = {
		k0 ^ UINT64_C(0x736f6d6570736575),
		k1 ^ UINT64_C(0x646f72616e646f6d),
		k0 ^ UINT64_C(0x6c7967656e657261),
		k1 ^ UINT64_C(0x7465646279746573),
	};
	size_t full = len - len % 8;
	for (size_t i = 0; i < full; i += 8)
		sip_word(&s, load_le64(msg + i));
	/* last word: the remaining octets, and len mod 256 in the top octet */
	uint8_t tail[8] = {0};
	memcpy(tail, msg + full, len % 8);
	sip_word(&s, load_le64(tail) | (uint64_t)(len & 0xff) << 56);
	/* finalization: d = 4 rounds */
	s.v2 ^= 0xff;
	for (unsigned i = 0; i < 4; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
