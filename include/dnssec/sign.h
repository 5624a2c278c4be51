/*
 * sign.h - the RRSIG of one RRset (RFC 4034 section 3, RFC 4035 2.2) with a
 * zone's key (include/dnssec/key.h), and the signature validity windows
 * every instance of a fleet computes alike.
 *
 * What is signed (RFC 4034 3.1.8.1) is the RRSIG rdata before its
 * signature followed by the RRset in canonical form (RFC 4034 6.2): the
 * owner lower-cased, the original TTL, the domain names inside the rdata
 * lower-cased for the types of 6.2 item 3 as RFC 6840 5.1 amends it (NSEC
 * not, RRSIG yes; HINFO holds no name), the records sorted by their
 * canonical rdata and duplicates removed. ECDSA signatures are the 64
 * octets r||s of RFC 6605, Ed25519 the 64 octets of RFC 8080.
 *
 * Wildcards: for an answer synthesized from a wildcard (RFC 4592), pass
 * the wildcard's owner ("*.example.com") as the RRset's owner, not the
 * query name the answer carries. The Labels field then counts the
 * wildcard's labels without the "*" (RFC 4034 3.1.3), which is how a
 * validator knows the answer was expanded and rebuilds the owner signed.
 *
 * No allocation but OpenSSL's per signature; the caller gives the scratch
 * buffer the signed data is built in (per thread), so any number of
 * threads may sign with one key at once.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_DNSSEC_SIGN_H
#define GD_DNSSEC_SIGN_H

#include "dns/dns.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dnssec_key;

/* both algorithms' signatures are 64 octets */
#define DNSSEC_SIGNATURE_SIZE 64
/* RRSIG rdata before the signer's name: type covered, algorithm, labels,
 * original TTL, expiration, inception, key tag */
#define DNSSEC_RRSIG_FIXED 18
/* the longest RRSIG rdata: the fields, the longest signer, the signature */
#define DNSSEC_RRSIG_MAX (DNSSEC_RRSIG_FIXED + WIRE_NAME_MAX + DNSSEC_SIGNATURE_SIZE)
/* the most records of one RRset signed */
#define DNSSEC_RRSET_MAX 1024
/* a scratch buffer of this size holds the signed data of any RRset that
 * fits in a DNS message (the signed data twice while it is sorted) */
#define DNSSEC_SCRATCH_SIZE (2 * (65536 + DNSSEC_RRSIG_FIXED + WIRE_NAME_MAX))

/* The validity window: inception a day before the start of the current
 * hour, expiration eight days after inception. Every instance that signs
 * within the same hour writes the same window; a signature is valid from a
 * day back (clocks that lag) to at least seven days ahead. */
#define DNSSEC_WINDOW_QUANTUM 3600
#define DNSSEC_INCEPTION_BACK 86400
#define DNSSEC_VALIDITY (8 * 86400)
/* a cached signature with less than this left is signed again */
#define DNSSEC_REFRESH_LEFT (2 * 86400)

/* One RRset to sign: class IN; its records' rdata uncompressed (names in
 * it in wire form without compression pointers, as the zone keeps them),
 * in any order, duplicates allowed (signed once). */
struct dnssec_rrset {
	const uint8_t *owner; /* wire form, any case; the wildcard
	                       * owner for a wildcard expansion */
	uint16_t type;
	uint32_t ttl;                /* the original TTL, as in the zone */
	size_t count;                /* 1 to DNSSEC_RRSET_MAX */
	const uint8_t *const *rdata; /* count entries */
	const uint16_t *rdata_len;   /* count entries */
};

/* The window for a signature made at now (seconds since 1970): see
 * DNSSEC_VALIDITY. Times in RRSIGs are 32-bit serial numbers (RFC 4034
 * 3.1.5): the values are now's modulo 2^32. */
void dnssec_window(uint64_t now, uint32_t *inception, uint32_t *expiration);

/* Must a signature that expires at expiration be made again at now: has
 * it less than DNSSEC_REFRESH_LEFT left (or expired, or is its inception
 * still ahead)? Serial-number arithmetic, so it holds past 2106. */
bool dnssec_needs_refresh(uint64_t now, uint32_t inception, uint32_t expiration);

/* The Labels field for an owner (wire form): its labels, without a
 * leading "*" label (RFC 4034 3.1.3). */
unsigned dnssec_rrsig_labels(const uint8_t *owner);

/* The data an RRSIG signs (RFC 4034 3.1.8.1) into buf of cap octets (see
 * DNSSEC_SCRATCH_SIZE; twice the signed data's size is needed while it is
 * sorted): the RRSIG rdata without the signature (its first *rrsig_len
 * octets: 18 fixed octets and the key's owner as signer), then the
 * records in canonical form and order. Its length; GD_EINVAL when the
 * owner is not at or below the key's owner, the set is empty or larger
 * than DNSSEC_RRSET_MAX, GD_EFORMAT when an rdata is malformed for its
 * type (a name in it that does not end in its rdata), GD_ESPACE when buf
 * is too small. */
long dnssec_signed_data(const struct dnssec_key *key, const struct dnssec_rrset *set,
                        uint32_t inception, uint32_t expiration, uint8_t *buf, size_t cap,
                        size_t *rrsig_len);

/* Sign data (from dnssec_signed_data) and write the RRSIG rdata into out
 * of cap octets (DNSSEC_RRSIG_MAX is enough): data's first rrsig_len
 * octets, then the 64-octet signature. Its length; GD_ESPACE when out is
 * too small, GD_ENOMEM when libcrypto fails. */
long dnssec_sign_data(const struct dnssec_key *key, const uint8_t *data, size_t len,
                      size_t rrsig_len, uint8_t *out, size_t cap);

/* Both in one: the RRSIG rdata of set into out, the signed data built in
 * scratch. Its length or an error of either. */
long dnssec_sign(const struct dnssec_key *key, const struct dnssec_rrset *set, uint32_t inception,
                 uint32_t expiration, uint8_t *scratch, size_t scratch_cap, uint8_t *out,
                 size_t cap);

#endif
