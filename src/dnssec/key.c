/*
 * key.c - DNSSEC keys (include/dnssec/key.h): the BIND/ldns key files read
 * and written, the private key turned into an OpenSSL EVP_PKEY, and what
 * the apex publishes derived from it (DNSKEY, DS, CDS, CDNSKEY).
 *
 * The .key file's record is parsed by ldns, one line at a time so that an
 * error has its line; the .private file is a few "Field: value" lines read
 * here. The public key is always derived from the private one and must
 * equal the one in the .key file: a pair of files that do not belong
 * together is refused at load, not found out by a validator later.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "dnssec/key.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/tsig.h"
#include "dns/wire.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <ldns/ldns.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* both algorithms' private keys: the P-256 scalar, the Ed25519 seed */
#define PRIVATE_KEY_SIZE 32
/* the longest line of a key file read */
#define LINE_MAX_LEN 4096

const char *dnssec_algorithm_name(unsigned algorithm)
{
	switch (algorithm) {
	case DNSSEC_ALG_ECDSAP256SHA256: return "ECDSAP256SHA256";
	case DNSSEC_ALG_ED25519: return "ED25519";
	default: return NULL;
	}
}

static size_t public_key_size(unsigned algorithm)
{
	return algorithm == DNSSEC_ALG_ED25519 ? 32 : 64;
}

uint16_t dnssec_key_tag(const uint8_t *rdata, size_t len)
{
	uint32_t ac = 0;
	for (size_t i = 0; i < len; i++)
		ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	ac += (ac >> 16) & 0xffff;
	return (uint16_t)(ac & 0xffff);
}

/* ---- the private key as an EVP_PKEY ---- */

/* An EC key pair on P-256 from the scalar d: the public point d*G computed
 * here (OpenSSL 3's fromdata does not derive it), X||Y into pub. */
static EVP_PKEY *p256_from_private(const uint8_t *priv, uint8_t *pub)
{
	EVP_PKEY *pkey = NULL;
	EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	BIGNUM *d = BN_bin2bn(priv, PRIVATE_KEY_SIZE, NULL);
	EC_POINT *point = group ? EC_POINT_new(group) : NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t encoded[1 + 64];
	if (!group || !d || !point || !bld)
		goto done;
	/* 0 < d < n, else there is no key */
	if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(group)) >= 0)
		goto done;
	if (!EC_POINT_mul(group, point, d, NULL, NULL, NULL) ||
	    EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, encoded,
	                       sizeof(encoded), NULL) != sizeof(encoded))
		goto done;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, encoded,
	                                      sizeof(encoded)))
		goto done;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0) {
		pkey = NULL;
		goto done;
	}
	memcpy(pub, encoded + 1, 64);
done:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(point);
	BN_clear_free(d);
	EC_GROUP_free(group);
	return pkey;
}

/* The key pair of a private key of either algorithm, its public key (as
 * the DNSKEY carries it) into pub; NULL when priv is not a valid key. */
static EVP_PKEY *pkey_from_private(unsigned algorithm, const uint8_t *priv, uint8_t *pub)
{
	if (algorithm == DNSSEC_ALG_ECDSAP256SHA256)
		return p256_from_private(priv, pub);
	EVP_PKEY *pkey =
	    EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, priv, PRIVATE_KEY_SIZE);
	size_t len = 32;
	if (pkey && (EVP_PKEY_get_raw_public_key(pkey, pub, &len) != 1 || len != 32)) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

/* The private key octets of a freshly generated key pair. */
static bool private_octets(unsigned algorithm, EVP_PKEY *pkey, uint8_t *priv)
{
	if (algorithm == DNSSEC_ALG_ED25519) {
		size_t len = PRIVATE_KEY_SIZE;
		return EVP_PKEY_get_raw_private_key(pkey, priv, &len) == 1 &&
		       len == PRIVATE_KEY_SIZE;
	}
	BIGNUM *d = NULL;
	bool ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1 &&
	          BN_bn2binpad(d, priv, PRIVATE_KEY_SIZE) == PRIVATE_KEY_SIZE;
	BN_clear_free(d);
	return ok;
}

/* A key from its parts; NULL when priv is not a valid private key of the
 * algorithm. pub receives the public key derived. */
static struct dnssec_key *key_build(const uint8_t *owner, size_t owner_len, unsigned algorithm,
                                    uint16_t flags, const uint8_t *priv, uint8_t *pub)
{
	EVP_PKEY *pkey = pkey_from_private(algorithm, priv, pub);
	if (!pkey)
		return NULL;
	struct dnssec_key *key = xcalloc(1, sizeof(*key));
	key->refs = 1;
	wire_name_lower(owner, owner_len, key->owner);
	key->owner_len = owner_len;
	key->algorithm = (uint8_t)algorithm;
	key->flags = flags;
	key->pkey = pkey;
	size_t publen = public_key_size(algorithm);
	wr16(key->dnskey, flags);
	key->dnskey[2] = 3;
	key->dnskey[3] = (uint8_t)algorithm;
	memcpy(key->dnskey + 4, pub, publen);
	key->dnskey_len = 4 + publen;
	key->key_tag = dnssec_key_tag(key->dnskey, key->dnskey_len);
	return key;
}

struct dnssec_key *dnssec_key_ref(struct dnssec_key *key)
{
	if (key)
		__atomic_add_fetch(&key->refs, 1, __ATOMIC_RELAXED);
	return key;
}

void dnssec_key_free(struct dnssec_key *key)
{
	if (key && __atomic_sub_fetch(&key->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	while (key) {
		struct dnssec_key *next = key->next;
		EVP_PKEY_free(key->pkey);
		free(key);
		key = next;
	}
}

/* ---- the files read ---- */

/* The next line of *text into line (its end, CR and LF, cut off) and
 * its number into *n: 1; 0 at the end of the text; -1 after an error in d
 * for a line over LINE_MAX_LEN. */
static int next_line(const char **text, char *line, const char *file, int *n, struct diag *d)
{
	const char *p = *text;
	if (!*p)
		return 0;
	size_t len = strcspn(p, "\n");
	*text = p + len + (p[len] == '\n');
	++*n;
	if (len >= LINE_MAX_LEN) {
		diag_error(d, file, *n, 0, "the line is longer than %d characters",
		           LINE_MAX_LEN - 1);
		return -1;
	}
	memcpy(line, p, len);
	while (len && line[len - 1] == '\r')
		len--;
	line[len] = '\0';
	return 1;
}

static bool blank_or_comment(const char *line)
{
	line += strspn(line, " \t");
	return *line == '\0' || *line == ';';
}

/* What the .key file says: the DNSKEY record's parts. */
struct key_record {
	int line;
	uint8_t owner[WIRE_NAME_MAX];
	size_t owner_len;
	uint16_t flags;
	uint8_t algorithm;
	uint8_t pub[DNSSEC_PUBKEY_MAX];
	size_t publen;
};

/* The DNSKEY of one line as ldns reads it into *rec; false after an error
 * at file:line. */
static bool key_record_read(const char *file, int line, const char *text, struct key_record *rec,
                            struct diag *d)
{
	ldns_rr *rr = NULL;
	ldns_status st = ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL);
	if (st != LDNS_STATUS_OK) {
		diag_error(d, file, line, 0, "not a DNSKEY record: %s",
		           ldns_get_errorstr_by_id(st));
		return false;
	}
	bool ok = false;
	const ldns_rdf *owner = ldns_rr_owner(rr);
	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY || ldns_rr_rd_count(rr) != 4) {
		diag_error(d, file, line, 0, "a record of type %u, not a DNSKEY",
		           (unsigned)ldns_rr_get_type(rr));
	} else if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		diag_error(d, file, line, 0, "the DNSKEY is not of class IN");
	} else if (ldns_rdf_size(owner) > WIRE_NAME_MAX) {
		diag_error(d, file, line, 0, "the owner is not a domain name");
	} else {
		rec->line = line;
		rec->owner_len = ldns_rdf_size(owner);
		memcpy(rec->owner, ldns_rdf_data(owner), rec->owner_len);
		rec->flags = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		unsigned protocol = ldns_rdf2native_int8(ldns_rr_rdf(rr, 1));
		rec->algorithm = ldns_rdf2native_int8(ldns_rr_rdf(rr, 2));
		const ldns_rdf *pub = ldns_rr_rdf(rr, 3);
		rec->publen = ldns_rdf_size(pub);
		if (protocol != 3) {
			diag_error(d, file, line, 0, "the DNSKEY's protocol is %u, not 3",
			           protocol);
		} else if (rec->flags != DNSSEC_FLAGS_KSK && rec->flags != DNSSEC_FLAGS_ZSK) {
			diag_error(d, file, line, 0,
			           "the DNSKEY's flags are %u: only 257 (a key-signing key, "
			           "expected) and 256 are used",
			           (unsigned)rec->flags);
		} else if (!dnssec_algorithm_name(rec->algorithm)) {
			diag_error(d, file, line, 0,
			           "algorithm %u is not supported: only 13 (ECDSAP256SHA256) "
			           "and 15 (ED25519)",
			           (unsigned)rec->algorithm);
		} else if (rec->publen != public_key_size(rec->algorithm)) {
			diag_error(
			    d, file, line, 0, "the public key is %zu octets, algorithm %u has %zu",
			    rec->publen, (unsigned)rec->algorithm, public_key_size(rec->algorithm));
		} else {
			memcpy(rec->pub, ldns_rdf_data(pub), rec->publen);
			ok = true;
		}
	}
	ldns_rr_free(rr);
	return ok;
}

/* The one DNSKEY record of a .key file; false after an error. */
static bool key_text_read(const char *file, const char *text, struct key_record *rec,
                          struct diag *d)
{
	char line[LINE_MAX_LEN];
	bool found = false;
	int n = 0, more;
	while ((more = next_line(&text, line, file, &n, d)) > 0) {
		if (blank_or_comment(line))
			continue;
		if (found) {
			diag_error(d, file, n, 0,
			           "a second record: a key file holds one DNSKEY (the first is "
			           "on line %d)",
			           rec->line);
			return false;
		}
		if (!key_record_read(file, n, line, rec, d))
			return false;
		found = true;
	}
	if (more < 0)
		return false;
	if (!found)
		diag_error(d, file, 0, 0, "no DNSKEY record in the file");
	return found;
}

/* What the .private file says. */
struct private_fields {
	int format_line, algorithm_line, key_line;
	unsigned algorithm;
	uint8_t key[PRIVATE_KEY_SIZE];
	size_t key_len;
};

/* One "Field: value" line of a .private file; false after an error. */
static bool private_field(const char *file, int n, char *line, struct private_fields *pf,
                          struct diag *d)
{
	char *colon = strchr(line, ':');
	if (!colon) {
		diag_error(d, file, n, 0, "not a \"Field: value\" line");
		return false;
	}
	*colon = '\0';
	char *value = colon + 1 + strspn(colon + 1, " \t");
	size_t vl = strlen(value);
	while (vl && (value[vl - 1] == ' ' || value[vl - 1] == '\t'))
		value[--vl] = '\0';
	int *seen = strcmp(line, "Private-key-format") == 0 ? &pf->format_line
	            : strcmp(line, "Algorithm") == 0        ? &pf->algorithm_line
	            : strcmp(line, "PrivateKey") == 0       ? &pf->key_line
	                                                    : NULL;
	if (!seen)
		return true; /* BIND's Created:, Publish:, Activate: ... */
	if (*seen) {
		diag_error(d, file, n, 0, "%s given twice (first on line %d)", line, *seen);
		return false;
	}
	*seen = n;
	if (seen == &pf->format_line) {
		if (strncmp(value, "v1.", 3) != 0 || !value[3] ||
		    strspn(value + 3, "0123456789") != strlen(value + 3)) {
			diag_error(d, file, n, 0,
			           "private key format \"%s\": only v1.x (ldns-keygen, "
			           "dnssec-keygen) is read",
			           value);
			return false;
		}
	} else if (seen == &pf->algorithm_line) {
		char *end;
		errno = 0;
		unsigned long alg = strtoul(value, &end, 10);
		if (end == value || errno || (*end && *end != ' ' && *end != '\t')) {
			diag_error(d, file, n, 0, "the algorithm \"%s\" is not a number", value);
			return false;
		}
		if (!dnssec_algorithm_name((unsigned)alg) || alg > 255) {
			diag_error(d, file, n, 0,
			           "algorithm %lu is not supported: only 13 (ECDSAP256SHA256) "
			           "and 15 (ED25519)",
			           alg);
			return false;
		}
		pf->algorithm = (unsigned)alg;
	} else {
		uint8_t buf[3 * LINE_MAX_LEN / 4];
		long len = tsig_base64_decode(value, buf, sizeof(buf));
		if (len < 0) {
			diag_error(d, file, n, 0, "the private key is not base64");
			return false;
		}
		if (len == 0 || len > PRIVATE_KEY_SIZE) {
			OPENSSL_cleanse(buf, (size_t)len);
			diag_error(d, file, n, 0, "the private key is %ld octets, not %d", len,
			           PRIVATE_KEY_SIZE);
			return false;
		}
		/* ldns writes an ECDSA scalar without its leading zero octets:
		 * right-aligned here, the length checked once the algorithm
		 * is known */
		pf->key_len = (size_t)len;
		memcpy(pf->key + PRIVATE_KEY_SIZE - len, buf, (size_t)len);
		OPENSSL_cleanse(buf, sizeof(buf));
	}
	return true;
}

/* The fields of a .private file; false after an error. */
static bool private_text_read(const char *file, const char *text, struct private_fields *pf,
                              struct diag *d)
{
	char line[LINE_MAX_LEN];
	bool ok = true;
	int n = 0, more;
	while (ok && (more = next_line(&text, line, file, &n, d)) != 0) {
		if (more < 0) {
			ok = false;
		} else if (blank_or_comment(line)) {
			continue;
		} else if (!pf->format_line && strncmp(line, "Private-key-format:", 19) != 0) {
			diag_error(d, file, n, 0,
			           "expected \"Private-key-format: v1.x\" first: not a private "
			           "key file");
			ok = false;
		} else {
			ok = private_field(file, n, line, pf, d);
		}
	}
	OPENSSL_cleanse(line, sizeof(line));
	if (ok && !pf->format_line) {
		diag_error(d, file, 0, 0, "empty: not a private key file");
		ok = false;
	} else if (ok && !pf->algorithm_line) {
		diag_error(d, file, 0, 0, "no Algorithm field");
		ok = false;
	} else if (ok && !pf->key_line) {
		diag_error(d, file, 0, 0, "no PrivateKey field");
		ok = false;
	} else if (ok && pf->algorithm == DNSSEC_ALG_ED25519 && pf->key_len != PRIVATE_KEY_SIZE) {
		diag_error(d, file, pf->key_line, 0, "the private key is %zu octets, not %d",
		           pf->key_len, PRIVATE_KEY_SIZE);
		ok = false;
	}
	return ok;
}

int dnssec_key_parse(const char *key_file, const char *key_text, const char *private_file,
                     const char *private_text, struct dnssec_key **out, struct diag *d)
{
	*out = NULL;
	struct key_record rec = {0};
	struct private_fields pf = {0};
	if (!key_text_read(key_file, key_text, &rec, d))
		return GD_EFORMAT;
	if (!private_text_read(private_file, private_text, &pf, d)) {
		OPENSSL_cleanse(&pf, sizeof(pf));
		return GD_EFORMAT;
	}
	if (pf.algorithm != rec.algorithm) {
		diag_error(d, private_file, pf.algorithm_line, 0,
		           "algorithm %u, but the DNSKEY in %s (line %d) is of algorithm %u",
		           pf.algorithm, key_file, rec.line, (unsigned)rec.algorithm);
		OPENSSL_cleanse(&pf, sizeof(pf));
		return GD_EFORMAT;
	}
	uint8_t pub[DNSSEC_PUBKEY_MAX];
	struct dnssec_key *key =
	    key_build(rec.owner, rec.owner_len, rec.algorithm, rec.flags, pf.key, pub);
	int key_line = pf.key_line;
	OPENSSL_cleanse(&pf, sizeof(pf));
	if (!key) {
		diag_error(d, private_file, key_line, 0,
		           "the private key is not a valid key of algorithm %u",
		           (unsigned)rec.algorithm);
		return GD_EFORMAT;
	}
	if (memcmp(pub, rec.pub, rec.publen) != 0) {
		diag_error(d, key_file, rec.line, 0,
		           "the public key is not the one of the private key in %s: the two "
		           "files are not one key",
		           private_file);
		dnssec_key_free(key);
		return GD_EFORMAT;
	}
	*out = key;
	return GD_OK;
}

/* path = base + suffix into buf; false when it does not fit (an error in d). */
static bool file_name(char *buf, size_t cap, const char *base, const char *suffix, struct diag *d)
{
	if ((size_t)snprintf(buf, cap, "%s%s", base, suffix) < cap)
		return true;
	diag_error(d, base, 0, 0, "the key's file name is too long");
	return false;
}

int dnssec_key_load(const char *base, struct dnssec_key **out, struct diag *d)
{
	*out = NULL;
	char key_file[4096], private_file[4096];
	if (!file_name(key_file, sizeof(key_file), base, ".key", d) ||
	    !file_name(private_file, sizeof(private_file), base, ".private", d))
		return GD_EINVAL;
	char *key_text = NULL, *private_text = NULL;
	size_t key_len, private_len;
	if (read_file(key_file, &key_text, &key_len) < 0) {
		diag_error(d, key_file, 0, 0, "cannot read the key file: %s", strerror(errno));
		return GD_EIO;
	}
	int rc = read_private_file(private_file, &private_text, &private_len);
	if (rc == GD_EFORMAT) {
		diag_error(d, private_file, 0, 0, "not a regular file");
	} else if (rc == GD_EINVAL) {
		diag_error(d, private_file, 0, 0,
		           "may be read or written by its group or others: only the daemon "
		           "may read a private key (chmod 600 it)");
	} else if (rc < 0) {
		diag_error(d, private_file, 0, 0, "cannot read the private key: %s",
		           strerror(errno));
	} else if (strlen(key_text) != key_len) {
		diag_error(d, key_file, 0, 0, "holds a NUL byte: not a key file");
		rc = GD_EFORMAT;
	} else if (strlen(private_text) != private_len) {
		diag_error(d, private_file, 0, 0, "holds a NUL byte: not a private key file");
		rc = GD_EFORMAT;
	} else {
		rc = dnssec_key_parse(key_file, key_text, private_file, private_text, out, d);
	}
	free(key_text);
	if (private_text) {
		OPENSSL_cleanse(private_text, private_len);
		free(private_text);
	}
	return rc == GD_EIO || rc == GD_OK ? rc : GD_EFORMAT;
}

/* ---- what the key publishes ---- */

int dnssec_key_ds(const struct dnssec_key *key, unsigned digest_type, uint8_t *out, size_t cap)
{
	const EVP_MD *md = digest_type == DNSSEC_DIGEST_SHA256   ? EVP_sha256()
	                   : digest_type == DNSSEC_DIGEST_SHA384 ? EVP_sha384()
	                                                         : NULL;
	if (!md)
		return GD_EINVAL;
	size_t size = (size_t)EVP_MD_get_size(md);
	if (cap < 4 + size)
		return GD_ESPACE;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned len = 0;
	bool ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	          EVP_DigestUpdate(ctx, key->owner, key->owner_len) == 1 &&
	          EVP_DigestUpdate(ctx, key->dnskey, key->dnskey_len) == 1 &&
	          EVP_DigestFinal_ex(ctx, out + 4, &len) == 1 && len == size;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return GD_ENOMEM;
	wr16(out, key->key_tag);
	out[2] = key->algorithm;
	out[3] = (uint8_t)digest_type;
	return (int)(4 + size);
}

/* "owner.<TAB>IN<TAB>" into buf; its length, or 0 when it does not fit. */
static size_t owner_text(const struct dnssec_key *key, char *buf, size_t cap)
{
	char name[WIRE_NAME_MAX * 4 + 2];
	wire_name_to_str(key->owner, name, sizeof(name));
	int n = snprintf(buf, cap, "%s\tIN\t", name);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

int dnssec_key_dnskey_text(const struct dnssec_key *key, char *buf, size_t cap)
{
	size_t n = owner_text(key, buf, cap);
	char b64[4 * ((DNSSEC_PUBKEY_MAX + 2) / 3) + 1];
	EVP_EncodeBlock((unsigned char *)b64, key->dnskey + 4, (int)key->dnskey_len - 4);
	if (!n || (size_t)snprintf(buf + n, cap - n, "DNSKEY\t%u 3 %u %s", (unsigned)key->flags,
	                           (unsigned)key->algorithm, b64) >= cap - n)
		return GD_ESPACE;
	return GD_OK;
}

int dnssec_key_ds_text(const struct dnssec_key *key, unsigned digest_type, char *buf, size_t cap)
{
	uint8_t ds[DNSSEC_DS_RDATA_MAX];
	int len = dnssec_key_ds(key, digest_type, ds, sizeof(ds));
	if (len < 0)
		return len;
	size_t n = owner_text(key, buf, cap);
	int m = n ? snprintf(buf + n, cap - n, "DS\t%u %u %u ", (unsigned)key->key_tag,
	                     (unsigned)key->algorithm, digest_type)
	          : -1;
	if (m < 0 || n + (size_t)m + 2 * (size_t)(len - 4) >= cap)
		return GD_ESPACE;
	n += (size_t)m;
	for (int i = 4; i < len; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%02x", ds[i]);
	return GD_OK;
}

/* ---- generation ---- */

/* Write text to path, a new file of this mode: written to a temporary file
 * beside it, then linked to its name, which must not exist yet. GD_OK,
 * GD_EEXIST when path exists, GD_EIO with errno. */
static int write_new_file(const char *path, const char *text, mode_t mode)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return GD_EIO;
	}
	int fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0)
		return GD_EIO;
	size_t len = strlen(text);
	bool ok = fchmod(fd, mode) == 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	int e = errno;
	if (close(fd) < 0 && ok) {
		ok = false;
		e = errno;
	}
	int rc = GD_OK;
	if (!ok) {
		rc = GD_EIO;
	} else if (link(tmp, path) < 0) {
		e = errno;
		rc = e == EEXIST ? GD_EEXIST : GD_EIO;
	}
	unlink(tmp);
	errno = e;
	return rc;
}

/* The two files of a new key under base: GD_OK, GD_EEXIST (a file of that
 * name is there: nothing written), GD_EIO with an error in d. */
static int key_files_write(const struct dnssec_key *key, const uint8_t *priv, const char *base,
                           struct diag *d)
{
	char path[4096], text[1024], b64[4 * ((PRIVATE_KEY_SIZE + 2) / 3) + 1];
	if (!file_name(path, sizeof(path), base, ".private", d))
		return GD_EIO;
	EVP_EncodeBlock((unsigned char *)b64, priv, PRIVATE_KEY_SIZE);
	snprintf(text, sizeof(text),
	         "Private-key-format: v1.2\nAlgorithm: %u (%s)\nPrivateKey: %s\n",
	         (unsigned)key->algorithm, dnssec_algorithm_name(key->algorithm), b64);
	int rc = write_new_file(path, text, 0600);
	OPENSSL_cleanse(text, sizeof(text));
	OPENSSL_cleanse(b64, sizeof(b64));
	if (rc == GD_EIO)
		diag_error(d, path, 0, 0, "cannot write the private key: %s", strerror(errno));
	if (rc < 0)
		return rc;
	char private_path[4096];
	memcpy(private_path, path, sizeof(path));
	if (!file_name(path, sizeof(path), base, ".key", d)) {
		unlink(private_path);
		return GD_EIO;
	}
	int n = dnssec_key_dnskey_text(key, text, sizeof(text));
	assert(n == GD_OK); /* 1024 octets hold any owner and key */
	(void)n;
	size_t len = strlen(text);
	snprintf(text + len, sizeof(text) - len, " ;{id = %u (%s), size = 256b}\n",
	         (unsigned)key->key_tag, key->flags == DNSSEC_FLAGS_KSK ? "ksk" : "zsk");
	rc = write_new_file(path, text, 0644);
	if (rc == GD_EIO)
		diag_error(d, path, 0, 0, "cannot write the key: %s", strerror(errno));
	if (rc < 0)
		unlink(private_path);
	return rc;
}

/* A new key pair of the algorithm as a key of owner; NULL on failure. */
static struct dnssec_key *key_new(const uint8_t *owner, size_t owner_len, unsigned algorithm,
                                  uint16_t flags, uint8_t *priv)
{
	EVP_PKEY *pkey = algorithm == DNSSEC_ALG_ED25519
	                     ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
	                     : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	bool ok = pkey && private_octets(algorithm, pkey, priv);
	EVP_PKEY_free(pkey);
	uint8_t pub[DNSSEC_PUBKEY_MAX];
	return ok ? key_build(owner, owner_len, algorithm, flags, priv, pub) : NULL;
}

int dnssec_key_generate(const char *origin, unsigned algorithm, const char *directory,
                        uint16_t flags, char *base, size_t base_cap, struct dnssec_key **out,
                        struct diag *d)
{
	if (out)
		*out = NULL;
	ldns_rdf *name = NULL;
	if (ldns_str2rdf_dname(&name, origin) != LDNS_STATUS_OK ||
	    ldns_rdf_size(name) > WIRE_NAME_MAX) {
		ldns_rdf_deep_free(name);
		diag_error(d, origin, 0, 0, "not a domain name");
		return GD_EINVAL;
	}
	uint8_t owner[WIRE_NAME_MAX];
	size_t owner_len = ldns_rdf_size(name);
	memcpy(owner, ldns_rdf_data(name), owner_len);
	ldns_rdf_deep_free(name);
	if (!dnssec_algorithm_name(algorithm)) {
		diag_error(d, origin, 0, 0,
		           "algorithm %u is not supported: only 13 (ECDSAP256SHA256) and 15 "
		           "(ED25519)",
		           algorithm);
		return GD_EINVAL;
	}
	if (flags != DNSSEC_FLAGS_KSK && flags != DNSSEC_FLAGS_ZSK) {
		diag_error(d, origin, 0, 0, "flags %u: only 257 and 256", (unsigned)flags);
		return GD_EINVAL;
	}
	char text[WIRE_NAME_MAX * 4 + 2];
	wire_name_lower(owner, owner_len, owner);
	wire_name_to_str(owner, text, sizeof(text));
	/* a key tag taken in the directory: draw another key */
	for (int attempt = 0; attempt < 16; attempt++) {
		uint8_t priv[PRIVATE_KEY_SIZE];
		struct dnssec_key *key = key_new(owner, owner_len, algorithm, flags, priv);
		if (!key) {
			diag_error(d, origin, 0, 0, "the key could not be generated (libcrypto)");
			return GD_ENOMEM;
		}
		int n = snprintf(base, base_cap, "%s/K%s+%03u+%05u", directory, text, algorithm,
		                 (unsigned)key->key_tag);
		if (n < 0 || (size_t)n >= base_cap) {
			OPENSSL_cleanse(priv, sizeof(priv));
			dnssec_key_free(key);
			diag_error(d, directory, 0, 0, "the key's file name is too long");
			return GD_ESPACE;
		}
		int rc = key_files_write(key, priv, base, d);
		OPENSSL_cleanse(priv, sizeof(priv));
		if (rc == GD_OK && out)
			*out = key;
		else
			dnssec_key_free(key);
		if (rc != GD_EEXIST)
			return rc;
	}
	diag_error(d, directory, 0, 0, "every key drawn had a key tag taken in the directory");
	return GD_EEXIST;
}
