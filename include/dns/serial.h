/*
 * serial.h - SOA serial number arithmetic (RFC 1982, SERIAL_BITS 32).
 *
 * Serials live on a circle of 2^32 values: s1 is less than s2 when s2 is
 * reached from s1 by adding less than 2^31, greater when s1 is reached from
 * s2 that way. Two serials exactly 2^31 apart are neither: RFC 1982 3.2
 * leaves that comparison undefined, and here both serial_lt and serial_gt
 * are false for it (so are they for equal serials). Callers that must
 * decide something for the undefined pair treat it as "not newer", which
 * for a zone transfer means a full transfer rather than a wrong increment.
 *
 * Used by the zone transfer code (xfr/journal.c, xfr/ixfr.c) and meant for
 * zone/ and server/ (reload checks, SOA refresh of a secondary) alike.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_DNS_SERIAL_H
#define GD_DNS_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#define SERIAL_HALF 0x80000000u /* 2^(SERIAL_BITS - 1) */

/* s1 < s2 in serial arithmetic (false for equal and for undefined pairs). */
static inline bool serial_lt(uint32_t s1, uint32_t s2)
{
	return s1 != s2 && (uint32_t)(s2 - s1) < SERIAL_HALF;
}

/* s1 > s2 in serial arithmetic (false for equal and for undefined pairs). */
static inline bool serial_gt(uint32_t s1, uint32_t s2)
{
	return serial_lt(s2, s1);
}

/* s + n for 0 <= n <= 2^31 - 1 (RFC 1982 3.1); n is clipped to that. */
static inline uint32_t serial_add(uint32_t s, uint32_t n)
{
	return s + (n < SERIAL_HALF ? n : SERIAL_HALF - 1);
}

#endif
