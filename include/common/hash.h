/*
 * hash.h - the project's two hashes: SipHash-2-4 for keys a client can
 * choose (cookies, rate-limiting accounts, TCP per-client slots), and a
 * fast 64-bit mixer (splitmix64's finalizer) for cache slots and
 * rendezvous scores over values the client does not choose.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_HASH_H
#define GD_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16

/*
 * SipHash-2-4 of msg under a 16-octet key. The value is the 64-bit result;
 * its octets on the wire are little-endian (cookie_make writes them that
 * way), as in the reference implementation.
 */
uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const uint8_t *msg, size_t len);

/* 64-bit mixing function (splitmix64 finalizer). */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

#endif
