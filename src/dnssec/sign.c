/*
 * sign.c - an RRset's RRSIG (include/dnssec/sign.h): the canonical form of
 * RFC 4034 6.2, the data signed, the signature by libcrypto's EVP, and the
 * quantized validity windows.
 *
 * The signed data is built in the caller's scratch buffer: the RRSIG
 * fields, then the records in the order given (each in canonical form),
 * then the records again behind them in canonical order without
 * duplicates, moved down over the first copy. Nothing is allocated here
 * but what OpenSSL allocates per signature.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "dnssec/sign.h"

#include "common/gd.h"
#include "dns/dns.h"
#include "dns/wire.h"
#include "dnssec/key.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

void dnssec_window(uint64_t now, uint32_t *inception, uint32_t *expiration)
{
	uint64_t start = now - now % DNSSEC_WINDOW_QUANTUM - DNSSEC_INCEPTION_BACK;
	*inception = (uint32_t)start;
	*expiration = (uint32_t)(start + DNSSEC_VALIDITY);
}

bool dnssec_needs_refresh(uint64_t now, uint32_t inception, uint32_t expiration)
{
	uint32_t t = (uint32_t)now;
	int32_t since = (int32_t)(t - inception), left = (int32_t)(expiration - t);
	return since < 0 || left < DNSSEC_REFRESH_LEFT;
}

unsigned dnssec_rrsig_labels(const uint8_t *owner)
{
	unsigned labels = wire_name_labels(owner);
	if (labels && owner[0] == 1 && owner[1] == '*')
		labels--;
	return labels;
}

/*
 * Where the names are in the rdata of the types whose names are
 * lower-cased (RFC 4034 6.2 item 3, amended by RFC 6840 5.1: NSEC's next
 * name keeps its case, HINFO holds character strings, not names). A spec
 * is read left to right: a digit skips that many octets ("18" is one and
 * eight: the fixed part of SIG and RRSIG is written "99"), 'n' is a name
 * lower-cased, 's' a character-string skipped; what follows the last item
 * is left as it is. A6 is read by its own rule.
 */
static const char *name_spec(uint16_t type)
{
	switch (type) {
	case 2:  /* NS */
	case 3:  /* MD */
	case 4:  /* MF */
	case 5:  /* CNAME */
	case 7:  /* MB */
	case 8:  /* MG */
	case 9:  /* MR */
	case 12: /* PTR */
	case 30: /* NXT */
	case 39: /* DNAME */ return "n";
	case 6:  /* SOA */
	case 14: /* MINFO */
	case 17: /* RP */ return "nn";
	case 15: /* MX */
	case 18: /* AFSDB */
	case 21: /* RT */
	case 36: /* KX */ return "2n";
	case 26: /* PX */ return "2nn";
	case 33: /* SRV */ return "6n";
	case 35: /* NAPTR */ return "4sssn";
	case 24: /* SIG */
	case 46: /* RRSIG */ return "99n";
	default: return NULL;
	}
}

/* Lower-case the uncompressed name at rd[*pos] of an rdata of len octets
 * and move *pos past it; false when it is not a whole name there. */
static bool lower_name(uint8_t *rd, size_t len, size_t *pos)
{
	size_t p = *pos, start = p;
	for (;;) {
		if (p >= len || rd[p] > 63 || p - start + 1 + rd[p] > WIRE_NAME_MAX)
			return false;
		uint8_t l = rd[p++];
		if (l == 0)
			break;
		if (p + l > len)
			return false;
		for (size_t i = 0; i < l; i++, p++)
			rd[p] = lower_ascii(rd[p]);
	}
	*pos = p;
	return true;
}

/* The names of rdata rd (len octets) of type in canonical form, in place;
 * false when the rdata is malformed where a name should be. */
static bool canonical_rdata(uint16_t type, uint8_t *rd, size_t len)
{
	size_t pos = 0;
	if (type == 38) { /* A6: prefix length, address suffix, prefix name */
		if (len < 1 || rd[0] > 128)
			return false;
		pos = 1 + (size_t)(128 - rd[0] + 7) / 8;
		if (pos > len)
			return false;
		return rd[0] == 0 || lower_name(rd, len, &pos);
	}
	const char *spec = name_spec(type);
	for (; spec && *spec; spec++) {
		if (*spec == 'n') {
			if (!lower_name(rd, len, &pos))
				return false;
		} else if (*spec == 's') {
			if (pos >= len || pos + 1 + rd[pos] > len)
				return false;
			pos += 1 + (size_t)rd[pos];
		} else {
			pos += (size_t)(*spec - '0');
			if (pos > len)
				return false;
		}
	}
	return true;
}

/* One record in canonical form: where its rdata is in the buffer. */
struct record_ref {
	const uint8_t *rdata;
	uint16_t rdlen;
	uint32_t offset; /* of the whole record from the first record */
};

/* RFC 4034 6.3: rdata compared as left-justified unsigned octet
 * sequences, a shorter one first where the longer continues it. */
static int rdata_compare(const void *a, const void *b)
{
	const struct record_ref *x = a, *y = b;
	size_t n = x->rdlen < y->rdlen ? x->rdlen : y->rdlen;
	int c = memcmp(x->rdata, y->rdata, n);
	if (c)
		return c;
	return (x->rdlen > y->rdlen) - (x->rdlen < y->rdlen);
}

/* The RRSIG rdata before the signature into buf; its length (0 when it
 * does not fit). */
static size_t rrsig_fields(const struct dnssec_key *key, const struct dnssec_rrset *set,
                           const uint8_t *owner, uint32_t inception, uint32_t expiration,
                           uint8_t *buf, size_t cap)
{
	size_t n = DNSSEC_RRSIG_FIXED + key->owner_len;
	if (cap < n)
		return 0;
	wr16(buf, set->type);
	buf[2] = key->algorithm;
	buf[3] = (uint8_t)dnssec_rrsig_labels(owner);
	wr32(buf + 4, set->ttl);
	wr32(buf + 8, expiration);
	wr32(buf + 12, inception);
	wr16(buf + 16, key->key_tag);
	memcpy(buf + DNSSEC_RRSIG_FIXED, key->owner, key->owner_len);
	return n;
}

long dnssec_signed_data(const struct dnssec_key *key, const struct dnssec_rrset *set,
                        uint32_t inception, uint32_t expiration, uint8_t *buf, size_t cap,
                        size_t *rrsig_len)
{
	uint8_t owner[WIRE_NAME_MAX];
	size_t owner_len = wire_name_len(set->owner, WIRE_NAME_MAX);
	if (owner_len == 0 || set->count == 0 || set->count > DNSSEC_RRSET_MAX)
		return GD_EINVAL;
	wire_name_lower(set->owner, owner_len, owner);
	if (!wire_name_is_sub(owner, key->owner))
		return GD_EINVAL;
	size_t head = rrsig_fields(key, set, owner, inception, expiration, buf, cap);
	if (head == 0)
		return GD_ESPACE;
	*rrsig_len = head;

	/* the records in the order given, each in canonical form */
	struct record_ref refs[DNSSEC_RRSET_MAX];
	size_t pos = head;
	for (size_t i = 0; i < set->count; i++) {
		size_t rdlen = set->rdata_len[i];
		if (cap - pos < owner_len + 10 + rdlen)
			return GD_ESPACE;
		uint8_t *r = buf + pos;
		memcpy(r, owner, owner_len);
		wr16(r + owner_len, set->type);
		wr16(r + owner_len + 2, CLASS_IN);
		wr32(r + owner_len + 4, set->ttl);
		wr16(r + owner_len + 8, (uint16_t)rdlen);
		memcpy(r + owner_len + 10, set->rdata[i], rdlen);
		if (!canonical_rdata(set->type, r + owner_len + 10, rdlen))
			return GD_EFORMAT;
		refs[i] = (struct record_ref){r + owner_len + 10, (uint16_t)rdlen,
		                              (uint32_t)(pos - head)};
		pos += owner_len + 10 + rdlen;
	}
	size_t unsorted = pos - head;
	if (cap - pos < unsorted)
		return GD_ESPACE;

	/* again behind them, sorted, each rdata once; then moved down */
	qsort(refs, set->count, sizeof(refs[0]), rdata_compare);
	size_t out = pos;
	for (size_t i = 0; i < set->count; i++) {
		if (i > 0 && rdata_compare(&refs[i - 1], &refs[i]) == 0)
			continue;
		size_t rl = owner_len + 10 + refs[i].rdlen;
		memcpy(buf + out, buf + head + refs[i].offset, rl);
		out += rl;
	}
	memmove(buf + head, buf + pos, out - pos);
	return (long)(head + out - pos);
}

/* An ECDSA signature's DER (SEQUENCE of r and s) as RFC 6605's r||s. */
static bool ecdsa_raw(const uint8_t *der, size_t len, uint8_t *out)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (!sig)
		return false;
	const BIGNUM *r, *s;
	ECDSA_SIG_get0(sig, &r, &s);
	bool ok = BN_bn2binpad(r, out, 32) == 32 && BN_bn2binpad(s, out + 32, 32) == 32;
	ECDSA_SIG_free(sig);
	return ok;
}

long dnssec_sign_data(const struct dnssec_key *key, const uint8_t *data, size_t len,
                      size_t rrsig_len, uint8_t *out, size_t cap)
{
	if (cap < rrsig_len + DNSSEC_SIGNATURE_SIZE || rrsig_len > len)
		return GD_ESPACE;
	bool ecdsa = key->algorithm == DNSSEC_ALG_ECDSAP256SHA256;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t sig[80]; /* a P-256 DER signature is at most 72 octets */
	size_t siglen = sizeof(sig);
	bool ok =
	    ctx &&
	    EVP_DigestSignInit(ctx, NULL, ecdsa ? EVP_sha256() : NULL, NULL, key->pkey) == 1 &&
	    EVP_DigestSign(ctx, sig, &siglen, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	if (ok && ecdsa)
		ok = ecdsa_raw(sig, siglen, out + rrsig_len);
	else if (ok)
		ok = siglen == DNSSEC_SIGNATURE_SIZE;
	if (!ok)
		return GD_ENOMEM;
	if (!ecdsa)
		memcpy(out + rrsig_len, sig, DNSSEC_SIGNATURE_SIZE);
	memcpy(out, data, rrsig_len);
	return (long)(rrsig_len + DNSSEC_SIGNATURE_SIZE);
}

long dnssec_sign(const struct dnssec_key *key, const struct dnssec_rrset *set, uint32_t inception,
                 uint32_t expiration, uint8_t *scratch, size_t scratch_cap, uint8_t *out,
                 size_t cap)
{
	size_t rrsig_len;
	long len =
	    dnssec_signed_data(key, set, inception, expiration, scratch, scratch_cap, &rrsig_len);
	if (len < 0)
		return len;
	return dnssec_sign_data(key, scratch, (size_t)len, rrsig_len, out, cap);
}
