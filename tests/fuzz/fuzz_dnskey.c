/*
 * fuzz_dnskey.c - the DNSSEC key-file parser (src/dnssec/key.c): one input
 * is a .key file's text, a NUL octet, and a .private file's text (without
 * a NUL the whole input is the .key file and the .private file is empty).
 * Both go to dnssec_key_parse as the loader gives them.
 *
 * Properties checked (fuzz_check aborts): a refused pair leaves no key and
 * at least one error, each naming one of the two files; an accepted pair
 * has no error, an algorithm of 13 or 15, flags 256 or 257, the key tag of
 * its DNSKEY rdata, DS rdata of 36 and 52 octets, and signs an A record
 * of its apex into a 64-octet signature that OpenSSL verifies.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "dnssec/key.h"
#include "dnssec/sign.h"

#include "fuzz_util.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define KEY_FILE "Kfuzz.key"
#define PRIVATE_FILE "Kfuzz.private"

/* OpenSSL's verdict on the RRSIG's signature over data. */
static bool verifies(const struct dnssec_key *key, const uint8_t *data, size_t len,
                     const uint8_t *sig)
{
	bool ecdsa = key->algorithm == DNSSEC_ALG_ECDSAP256SHA256;
	uint8_t der[80];
	size_t der_len = DNSSEC_SIGNATURE_SIZE;
	const uint8_t *s = sig;
	if (ecdsa) {
		ECDSA_SIG *es = ECDSA_SIG_new();
		ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL), BN_bin2bn(sig + 32, 32, NULL));
		unsigned char *p = der;
		der_len = (size_t)i2d_ECDSA_SIG(es, &p);
		ECDSA_SIG_free(es);
		s = der;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok =
	    EVP_DigestVerifyInit(ctx, NULL, ecdsa ? EVP_sha256() : NULL, NULL, key->pkey) == 1 &&
	    EVP_DigestVerify(ctx, s, der_len, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static void check_key(const struct dnssec_key *key)
{
	fuzz_check(key->algorithm == 13 || key->algorithm == 15, "algorithm %u", key->algorithm);
	fuzz_check(key->flags == 256 || key->flags == 257, "flags %u", key->flags);
	fuzz_check(key->key_tag == dnssec_key_tag(key->dnskey, key->dnskey_len), "key tag");
	uint8_t ds[DNSSEC_DS_RDATA_MAX];
	fuzz_check(dnssec_key_ds(key, DNSSEC_DIGEST_SHA256, ds, sizeof(ds)) == 36, "DS SHA-256");
	fuzz_check(dnssec_key_ds(key, DNSSEC_DIGEST_SHA384, ds, sizeof(ds)) == 52, "DS SHA-384");
	static const uint8_t a[4] = {192, 0, 2, 1};
	const uint8_t *rd[1] = {a};
	const uint16_t rl[1] = {4};
	struct dnssec_rrset set = {key->owner, 1, 300, 1, rd, rl};
	static uint8_t scratch[4096];
	uint8_t rrsig[DNSSEC_RRSIG_MAX];
	size_t rrsig_len;
	long len = dnssec_signed_data(key, &set, 1, 2, scratch, sizeof(scratch), &rrsig_len);
	fuzz_check(len > 0, "signed data: %ld", len);
	long n = dnssec_sign_data(key, scratch, (size_t)len, rrsig_len, rrsig, sizeof(rrsig));
	fuzz_check(n == (long)rrsig_len + DNSSEC_SIGNATURE_SIZE, "RRSIG length %ld", n);
	fuzz_check(verifies(key, scratch, (size_t)len, rrsig + rrsig_len), "signature");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	char *text = malloc(size + 2);
	memcpy(text, data, size);
	text[size] = '\0';
	text[size + 1] = '\0';
	size_t key_len = strlen(text);
	const char *private_text = text + key_len + (key_len < size);
	struct diag d = {0};
	struct dnssec_key *key = NULL;
	int rc = dnssec_key_parse(KEY_FILE, text, PRIVATE_FILE, private_text, &key, &d);
	if (rc == GD_OK) {
		fuzz_check(key && d.count == 0, "accepted with %zu errors", d.count);
		check_key(key);
	} else {
		fuzz_check(!key && d.count > 0, "refused (%d) with no error", rc);
		for (size_t i = 0; i < d.count; i++)
			fuzz_check(strncmp(d.msgs[i], KEY_FILE, strlen(KEY_FILE)) == 0 ||
			               strncmp(d.msgs[i], PRIVATE_FILE, strlen(PRIVATE_FILE)) == 0,
			           "an error without its file: %s", d.msgs[i]);
	}
	if (fuzz_verbose())
		fprintf(stderr, "rc %d%s%s\n", rc, d.count ? ": " : "", d.count ? d.msgs[0] : "");
	dnssec_key_free(key);
	diag_free(&d);
	free(text);
	return 0;
}
