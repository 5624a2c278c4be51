/*
 * key.h - a zone's DNSSEC signing key: read from the key files that
 * ldns-keygen and BIND's dnssec-keygen write, or generated and written in
 * the same form, and what is derived from it for the zone's apex (the
 * DNSKEY, DS, CDS and CDNSKEY record data, RFC 4034 and RFC 7344).
 *
 * One combined signing key per zone (KSK and ZSK in one, as Knot's
 * onlinesign): algorithm 13 (ECDSA P-256 with SHA-256, RFC 6605) or 15
 * (Ed25519, RFC 8080); other algorithms are refused. A key is loaded once
 * (at start or reload, never on a worker) and is then read only: any
 * number of threads may sign with it at once (include/dnssec/sign.h).
 *
 * The files, for a base name BASE such as keys/Kexample.com.+013+12345:
 *   BASE.key      the DNSKEY record in presentation form (lines starting
 *                 with ";" are comments), as ldns-keygen and dnssec-keygen
 *                 write it;
 *   BASE.private  "Private-key-format: v1.x", "Algorithm: 13 (...)",
 *                 "PrivateKey: <base64>" (the P-256 scalar or the Ed25519
 *                 seed, 32 octets), one field a line; other fields (BIND's
 *                 Created:, Publish:, ...) are ignored. Only its owner may
 *                 read or write it (mode 0600 or stricter), as the TSIG
 *                 secret files.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_DNSSEC_KEY_H
#define GD_DNSSEC_KEY_H

#include "dns/dns.h"

#include <stddef.h>
#include <stdint.h>

struct diag;
struct evp_pkey_st; /* OpenSSL's EVP_PKEY */

#define DNSSEC_ALG_ECDSAP256SHA256 13
#define DNSSEC_ALG_ED25519 15

#define DNSSEC_DIGEST_SHA256 2
#define DNSSEC_DIGEST_SHA384 4

/* DNSKEY flags: a key-signing key (Zone Key and Secure Entry Point, what
 * a combined key carries) and a zone-signing key (Zone Key only) */
#define DNSSEC_FLAGS_KSK 257
#define DNSSEC_FLAGS_ZSK 256

/* the public key in the DNSKEY: P-256's X||Y is the longest */
#define DNSSEC_PUBKEY_MAX 64
/* DNSKEY rdata: flags, protocol 3, algorithm, public key */
#define DNSSEC_DNSKEY_RDATA_MAX (4 + DNSSEC_PUBKEY_MAX)
/* DS rdata: key tag, algorithm, digest type, digest (SHA-384 the longest) */
#define DNSSEC_DS_RDATA_MAX (4 + 48)
/* the most keys a zone has at once: its signing key and those published
 * beside it (zones[].dnssec.publish) */
#define DNSSEC_KEYS_MAX 4

struct dnssec_key {
	uint8_t owner[WIRE_NAME_MAX]; /* the zone's apex, lower-case wire form */
	size_t owner_len;
	uint8_t algorithm;                       /* DNSSEC_ALG_* */
	uint16_t flags;                          /* DNSSEC_FLAGS_KSK or DNSSEC_FLAGS_ZSK */
	uint16_t key_tag;                        /* RFC 4034 appendix B */
	uint8_t dnskey[DNSSEC_DNSKEY_RDATA_MAX]; /* the DNSKEY (and CDNSKEY) rdata */
	size_t dnskey_len;
	struct evp_pkey_st *pkey; /* the private key, for signing */
	/* a zone's further keys (zones[].dnssec.publish, a rollover): each is
	 * in the DNSKEY, CDS and CDNSKEY RRsets and signs them; the data is
	 * signed by the first key and by one key of each other algorithm */
	struct dnssec_key *next;
	/* holders of the key and the keys after it (dnssec_key_ref): 1 when
	 * made, freed by the last dnssec_key_free (atomic: snapshots go on
	 * several threads) */
	unsigned refs;
};

/* The name of an algorithm this module knows as the key files write it
 * ("ECDSAP256SHA256", "ED25519"), or NULL for any other. */
const char *dnssec_algorithm_name(unsigned algorithm);

/* The key tag of DNSKEY rdata (RFC 4034 appendix B: the one's-complement
 * style sum of the rdata as 16-bit words, algorithm 1 excepted). */
uint16_t dnssec_key_tag(const uint8_t *rdata, size_t len);

/* Read the key of base name base (BASE.key and BASE.private, see above).
 * Refused, with an error appended to d naming the file, the line where
 * there is one, and why: a file missing or unreadable, BASE.private not a
 * regular file or open to its group or others, a line that is not a
 * record or not a field, no DNSKEY or two, bad base64, an algorithm other
 * than 13 and 15 or not the same in both files, flags other than 257 and
 * 256, a private key of the wrong size or not a valid key, or a public key
 * in BASE.key that is not the private key's. GD_OK with *out (the caller
 * frees it with dnssec_key_free), else GD_EIO or GD_EFORMAT and *out NULL. */
int dnssec_key_load(const char *base, struct dnssec_key **out, struct diag *d);

/* The same from the two files' text (NUL-terminated), named key_file and
 * private_file in the errors; no file is read and the private file's mode
 * is not checked (the caller does it). What dnssec_key_load and the
 * key-file fuzz target call. */
int dnssec_key_parse(const char *key_file, const char *key_text, const char *private_file,
                     const char *private_text, struct dnssec_key **out, struct diag *d);

/* One more holder of key (and the keys after it); key returned. A
 * publication of one zone keeps the other zones' keys so. */
struct dnssec_key *dnssec_key_ref(struct dnssec_key *key);

/* Drop a holder: the last frees the key and the keys after it (next;
 * their private keys cleared from memory first); NULL is fine. */
void dnssec_key_free(struct dnssec_key *key);

/* The DS rdata of the key (RFC 4034 5.1, RFC 4509, RFC 6605): key tag,
 * algorithm, digest type, and the digest of owner || DNSKEY rdata, with
 * digest_type DNSSEC_DIGEST_SHA256 or DNSSEC_DIGEST_SHA384. The CDS rdata
 * is the same octets (RFC 7344 3.1). Into out of cap octets
 * (DNSSEC_DS_RDATA_MAX is enough); its length, or GD_EINVAL for another
 * digest type, GD_ESPACE when it does not fit. */
int dnssec_key_ds(const struct dnssec_key *key, unsigned digest_type, uint8_t *out, size_t cap);

/* The CDNSKEY rdata (RFC 7344 3.2) is the DNSKEY rdata: key->dnskey. */
static inline const uint8_t *dnssec_key_cdnskey(const struct dnssec_key *key, size_t *len)
{
	*len = key->dnskey_len;
	return key->dnskey;
}

/* The key's records in presentation form, one line each with no newline,
 * as ldns-keygen writes them ("example.com.<TAB>IN<TAB>DNSKEY<TAB>257 3 13
 * <base64>", "example.com.<TAB>IN<TAB>DS<TAB>12345 13 2 <hex>"). The text
 * into buf of cap octets; GD_OK, GD_ESPACE when it does not fit,
 * GD_EINVAL for a digest type dnssec_key_ds does not know. */
int dnssec_key_dnskey_text(const struct dnssec_key *key, char *buf, size_t cap);
int dnssec_key_ds_text(const struct dnssec_key *key, unsigned digest_type, char *buf, size_t cap);

/* Generate a new key for the zone origin (presentation form, "example.com"
 * or "example.com.") of algorithm 13 or 15 with these DNSKEY flags (257
 * or 256), and write it into directory as ldns-keygen does:
 * K<origin>.+<algorithm, 3 digits>+<key tag, 5 digits>.key (mode 0644) and
 * .private (mode 0600), each written to a temporary file beside it and
 * linked into place, never over an existing file (on a key tag taken
 * already a new key is drawn). The base name (directory/K...) into base of
 * base_cap octets; the key into *out when out is not NULL (the caller
 * frees it). GD_OK; else an error in d and GD_EINVAL (origin, algorithm,
 * flags), GD_EIO (the files) or GD_ESPACE (base_cap). */
int dnssec_key_generate(const char *origin, unsigned algorithm, const char *directory,
                        uint16_t flags, char *base, size_t base_cap, struct dnssec_key **out,
                        struct diag *d);

#endif
