/*
 * test_dnssec_key.c - DNSSEC keys (src/dnssec/key.c): key files written by
 * ldns (the library, in the test, and ldns-keygen and BIND's dnssec-keygen
 * as fixed vectors) read with the key tag and DS that ldns computes; keys
 * made by dnssec_key_generate read back by ldns; every key-file error with
 * its file, line and reason.
 *
 * The fixed vectors were made once with ldns-keygen 1.8.3
 * (Kexample.com.+013+07211, whose .ds file gave the DS below) and BIND
 * 9.18's dnssec-keygen (Kexample.org.+015+17324, tag in its name).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dnssec/key.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DIR "tests/tmp/unit/dnssec"

static const char ldns13_key[] =
    "example.com.\tIN\tDNSKEY\t257 3 13 rnjYcFXN72kjSkfrWf5pDr5fz1FsvQTAPi5epgxl07oKhsOquRgD"
    "eSsOU6PUXRzIzfg2ixqbcjpIW0IAYl4o6Q== ;{id = 7211 (ksk), size = 256b}\n";
static const char ldns13_private[] = "Private-key-format: v1.2\n"
                                     "Algorithm: 13 (ECDSAP256SHA256)\n"
                                     "PrivateKey: FLiJncFJoG8SutySHXjmEZ2CoSGz6g0mn8ZgPJhuM1w=\n";
static const char ldns13_ds[] =
    "example.com.\tIN\tDS\t7211 13 2 f021bbc4cab750ac710d404ffcb467144eee"
    "6c2ddf44e35732f9b53fb1d3cba0";
static const char ldns15_key[] = "example.com.\tIN\tDNSKEY\t256 3 15 GlKZc5YTWbIhIp48vvfoDc6Ue58/"
                                 "MI7G4CmUwvFumgI= ;{id = 9864 (zsk), size = 256b}\n";
/* ldns writes a P-256 scalar without its leading zero octets: this one
 * has 30 */
static const char short13_key[] =
    "example.net.\t3600\tIN\tDNSKEY\t257 3 13 82PYbNlnTzSAobnr1pTB6UJoM3UvoGr3oCUjpAT7u4cXpWdnM"
    "AVFoGFrFXs0LX/8m0K8Uqq3WvW3ua+aNu/VNQ== ;{id = 20678 (ksk), size = 256b}\n";
static const char short13_private[] = "Private-key-format: v1.2\n"
                                      "Algorithm: 13 (ECDSAP256SHA256)\n"
                                      "PrivateKey: TpwggEtrVtRtzBLcZ1S2MH/e2bzDrwpZ5/Wyfjlt\n";
static const char bind15_private[] = "Private-key-format: v1.3\n"
                                     "Algorithm: 15 (ED25519)\n"
                                     "PrivateKey: 9tiEIstp4sQMNZWqIx3xcjdtQXbX8CZA0CGmG4csoDU=\n"
                                     "Created: 20261203081052\n"
                                     "Publish: 20261203081052\n"
                                     "Activate: 20261203081052\n";
static const char bind15_key[] = "; This is a zone-signing key, keyid 17324, for example.org.\n"
                                 "; Created: 20261203081052 (Thu Dec  3 08:10:52 2026)\n"
                                 "example.org. IN DNSKEY 256 3 15 "
                                 "Whx8wymfoBoQOamDdpzhsd+HvV58W69/QSzjcjzRYsY=\n";

/* DIR/name with text and mode; its path (static per call slot). */
static const char *put(const char *name, const char *text, mode_t mode)
{
	static char path[4][512];
	static int slot;
	char *p = path[slot++ % 4];
	mkdir("tests/tmp", 0755);
	mkdir("tests/tmp/unit", 0755);
	mkdir(DIR, 0755);
	snprintf(p, 512, DIR "/%s", name);
	unlink(p);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(p, mode), 0);
	return p;
}

/* The key pair BASE.key and BASE.private under DIR; BASE's path. */
static const char *put_pair(const char *base, const char *key, const char *private,
                            mode_t private_mode)
{
	static char path[512];
	char name[256];
	snprintf(name, sizeof(name), "%s.key", base);
	put(name, key, 0644);
	snprintf(name, sizeof(name), "%s.private", base);
	put(name, private, private_mode);
	snprintf(path, sizeof(path), DIR "/%s", base);
	return path;
}

void unit_dnssec_ldns_key(unsigned algorithm, const char *origin, char *base, size_t cap)
{
	ldns_key *k = ldns_key_new_frm_algorithm(
	    algorithm == 13 ? LDNS_SIGN_ECDSAP256SHA256 : LDNS_SIGN_ED25519, 256);
	ck_assert_ptr_nonnull(k);
	ldns_key_set_pubkey_owner(k, ldns_dname_new_frm_str(origin));
	ldns_key_set_flags(k, 257);
	ldns_rr *rr = ldns_key2rr(k);
	char *key_text = ldns_rr2str(rr), *private_text = ldns_key2str(k);
	ck_assert_ptr_nonnull(private_text);
	char name[256];
	snprintf(name, sizeof(name), "K%s+%03u+%05u", origin, algorithm, ldns_calc_keytag(rr));
	snprintf(base, cap, "%s", put_pair(name, key_text, private_text, 0600));
	free(key_text);
	free(private_text);
	ldns_rr_free(rr);
	ldns_key_deep_free(k);
}

struct dnssec_key *unit_dnssec_fixed_key(uint16_t flags)
{
	char key_text[sizeof(ldns13_key)];
	memcpy(key_text, ldns13_key, sizeof(key_text));
	char digits[8];
	ck_assert(flags >= 100 && flags <= 999);
	snprintf(digits, sizeof(digits), "%u", (unsigned)flags);
	memcpy(strstr(key_text, "257 3 13"), digits, 3);
	return unit_dnssec_load(put_pair("Kfixed", key_text, ldns13_private, 0600));
}

struct dnssec_key *unit_dnssec_load(const char *base)
{
	struct diag d = {0};
	struct dnssec_key *key = NULL;
	int rc = dnssec_key_load(base, &key, &d);
	ck_assert_msg(rc == GD_OK, "%s: %s", base, d.count ? d.msgs[0] : "?");
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
	return key;
}

/* The key's DNSKEY as ldns reads it from its rdata. */
static ldns_rr *dnskey_rr(const struct dnssec_key *key)
{
	return unit_ldns_rr(key->owner, key->owner_len, LDNS_RR_TYPE_DNSKEY, 3600, key->dnskey,
	                    key->dnskey_len);
}

/* The key's tag, DS (both digests), CDS and CDNSKEY against ldns's. */
static void check_against_ldns(const struct dnssec_key *key)
{
	ldns_rr *rr = dnskey_rr(key);
	ck_assert_uint_eq(key->key_tag, ldns_calc_keytag(rr));
	ck_assert_uint_eq(dnssec_key_tag(key->dnskey, key->dnskey_len), key->key_tag);
	const unsigned types[2] = {DNSSEC_DIGEST_SHA256, DNSSEC_DIGEST_SHA384};
	const ldns_hash hashes[2] = {LDNS_SHA256, LDNS_SHA384};
	for (int i = 0; i < 2; i++) {
		ldns_rr *ds = ldns_key_rr2ds(rr, hashes[i]);
		ck_assert_ptr_nonnull(ds);
		ldns_buffer *b = ldns_buffer_new(128);
		ck_assert_int_eq(ldns_rr_rdata2buffer_wire(b, ds), LDNS_STATUS_OK);
		uint8_t ours[DNSSEC_DS_RDATA_MAX];
		int n = dnssec_key_ds(key, types[i], ours, sizeof(ours));
		ck_assert_int_eq(n, (int)ldns_buffer_position(b));
		ck_assert_int_eq(n, i == 0 ? 36 : 52);
		ck_assert_mem_eq(ours, ldns_buffer_begin(b), (size_t)n);
		ldns_buffer_free(b);
		ldns_rr_free(ds);
	}
	size_t len;
	const uint8_t *cdnskey = dnssec_key_cdnskey(key, &len);
	ck_assert_uint_eq(len, key->dnskey_len);
	ck_assert_mem_eq(cdnskey, key->dnskey, len);
	uint8_t small[35];
	ck_assert_int_eq(dnssec_key_ds(key, DNSSEC_DIGEST_SHA256, small, sizeof(small)), GD_ESPACE);
	ck_assert_int_eq(dnssec_key_ds(key, 1, small, sizeof(small)), GD_EINVAL);
	ldns_rr_free(rr);
}

START_TEST(test_ldns_library_keys)
{
	const unsigned algs[2] = {13, 15};
	for (int i = 0; i < 2; i++) {
		char base[512];
		unit_dnssec_ldns_key(algs[i], "Example.COM.", base, sizeof(base));
		struct dnssec_key *key = unit_dnssec_load(base);
		ck_assert_uint_eq(key->algorithm, algs[i]);
		ck_assert_uint_eq(key->flags, 257);
		ck_assert_uint_eq(key->owner_len, 13);
		ck_assert_mem_eq(key->owner, "\7example\3com", 13);
		ck_assert_uint_eq(key->dnskey_len, algs[i] == 13 ? 68 : 36);
		check_against_ldns(key);
		dnssec_key_free(key);
	}
}
END_TEST

START_TEST(test_fixed_vectors)
{
	struct dnssec_key *key =
	    unit_dnssec_load(put_pair("Kexample.com.+013+07211", ldns13_key, ldns13_private, 0600));
	ck_assert_uint_eq(key->key_tag, 7211);
	char text[512];
	ck_assert_int_eq(dnssec_key_ds_text(key, DNSSEC_DIGEST_SHA256, text, sizeof(text)), GD_OK);
	ck_assert_str_eq(text, ldns13_ds);
	ck_assert_int_eq(dnssec_key_dnskey_text(key, text, sizeof(text)), GD_OK);
	ck_assert_str_eq(text,
	                 "example.com.\tIN\tDNSKEY\t257 3 13 rnjYcFXN72kjSkfrWf5pDr5fz1FsvQTAPi5"
	                 "epgxl07oKhsOquRgDeSsOU6PUXRzIzfg2ixqbcjpIW0IAYl4o6Q==");
	ck_assert_int_eq(dnssec_key_dnskey_text(key, text, 40), GD_ESPACE);
	ck_assert_int_eq(dnssec_key_ds_text(key, DNSSEC_DIGEST_SHA256, text, 80), GD_ESPACE);
	check_against_ldns(key);
	dnssec_key_free(key);

	key = unit_dnssec_load(
	    put_pair("Kexample.net.+013+20678", short13_key, short13_private, 0600));
	ck_assert_uint_eq(key->key_tag, 20678);
	check_against_ldns(key);
	dnssec_key_free(key);

	key =
	    unit_dnssec_load(put_pair("Kexample.org.+015+17324", bind15_key, bind15_private, 0600));
	ck_assert_uint_eq(key->key_tag, 17324);
	ck_assert_uint_eq(key->flags, 256);
	ck_assert_uint_eq(key->algorithm, 15);
	check_against_ldns(key);
	dnssec_key_free(key);
}
END_TEST

/* Our generator's files, read by ldns: the same DNSKEY from the .private
 * alone (ldns derives the public key), and by us. */
START_TEST(test_generated_keys)
{
	const unsigned algs[2] = {13, 15};
	put("placeholder", "", 0644);
	for (int i = 0; i < 2; i++) {
		struct diag d = {0};
		char base[512];
		struct dnssec_key *made = NULL;
		ck_assert_int_eq(dnssec_key_generate("Gen.Example.", algs[i], DIR, 257, base,
		                                     sizeof(base), &made, &d),
		                 GD_OK);
		ck_assert_uint_eq(d.count, 0);
		char want[512];
		snprintf(want, sizeof(want), DIR "/Kgen.example.+%03u+%05u", algs[i],
		         made->key_tag);
		ck_assert_str_eq(base, want);
		char path[600];
		struct stat st;
		snprintf(path, sizeof(path), "%s.private", base);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_uint_eq(st.st_mode & 0777, 0600);
		FILE *f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		ldns_key *lk = NULL;
		ck_assert_int_eq(ldns_key_new_frm_fp(&lk, f), LDNS_STATUS_OK);
		fclose(f);
		ldns_key_set_pubkey_owner(lk, ldns_dname_new_frm_str("gen.example."));
		ldns_key_set_flags(lk, 257);
		ldns_rr *lrr = ldns_key2rr(lk);
		ldns_rr *ours = dnskey_rr(made);
		ck_assert_int_eq(ldns_rr_compare(lrr, ours), 0);
		ck_assert_uint_eq(ldns_calc_keytag(lrr), made->key_tag);

		snprintf(path, sizeof(path), "%s.key", base);
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		ldns_rr *filerr = NULL;
		ck_assert_int_eq(ldns_rr_new_frm_fp(&filerr, f, NULL, NULL, NULL), LDNS_STATUS_OK);
		fclose(f);
		ck_assert_int_eq(ldns_rr_compare(filerr, ours), 0);

		struct dnssec_key *loaded = unit_dnssec_load(base);
		ck_assert_uint_eq(loaded->key_tag, made->key_tag);
		ck_assert_mem_eq(loaded->dnskey, made->dnskey, made->dnskey_len);
		check_against_ldns(loaded);
		dnssec_key_free(loaded);
		dnssec_key_free(made);
		ldns_rr_free(filerr);
		ldns_rr_free(lrr);
		ldns_rr_free(ours);
		ldns_key_deep_free(lk);
		diag_free(&d);
	}
	struct diag d = {0};
	char base[512];
	ck_assert_int_eq(dnssec_key_generate("example.", 8, DIR, 257, base, sizeof(base), NULL, &d),
	                 GD_EINVAL);
	ck_assert_int_eq(dnssec_key_generate("a..b", 13, DIR, 257, base, sizeof(base), NULL, &d),
	                 GD_EINVAL);
	ck_assert_int_eq(
	    dnssec_key_generate("example.", 13, DIR, 385, base, sizeof(base), NULL, &d), GD_EINVAL);
	ck_assert_int_eq(
	    dnssec_key_generate("example.", 13, DIR "/none", 257, base, sizeof(base), NULL, &d),
	    GD_EIO);
	ck_assert_int_eq(dnssec_key_generate("example.", 13, DIR, 257, base, 10, NULL, &d),
	                 GD_ESPACE);
	ck_assert_uint_eq(d.count, 5);
	ck_assert_str_eq(d.msgs[0], "example.: algorithm 8 is not supported: only 13 "
	                            "(ECDSAP256SHA256) and 15 (ED25519)");
	ck_assert_str_eq(d.msgs[1], "a..b: not a domain name");
	ck_assert_str_eq(d.msgs[2], "example.: flags 385: only 257 and 256");
	ck_assert_ptr_nonnull(strstr(d.msgs[3], DIR "/none/Kexample.+013+"));
	ck_assert_ptr_nonnull(strstr(d.msgs[3],
	                             ".private: cannot write the private key: No such file "
	                             "or directory"));
	ck_assert_str_eq(d.msgs[4], DIR ": the key's file name is too long");
	diag_free(&d);
}
END_TEST

/* One broken pair: the key file, the private file, and the one error. */
struct bad_case {
	const char *key;
	const char *private;
	const char *error; /* after "DIR/Kbad." */
};

static const char p13[] = "Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\n"
                          "PrivateKey: FLiJncFJoG8SutySHXjmEZ2CoSGz6g0mn8ZgPJhuM1w=\n";

static const struct bad_case bad_cases[] = {
    {ldns13_key,
     "Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: "
     "FLiJncFJoG8Su!ySHXjmEZ2CoSGz6g0mn8ZgPJhuM1w=\n",
     "private:3: the private key is not base64"},
    {ldns15_key,
     "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\nPrivateKey: "
     "FLiJncFJoG8SutySHXjmEQ==\n",
     "private:3: the private key is 16 octets, not 32"},
    {ldns13_key,
     "Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: "
     "ARS4iZ3BSaBvErrckh145hGdgqEhs+oNJp/GYDyYbjNc\n",
     "private:3: the private key is 33 octets, not 32"},
    {ldns13_key, "Private-key-format: v1.2\nAlgorithm: 8 (RSASHA256)\nModulus: AAAA\n",
     "private:2: algorithm 8 is not supported: only 13 (ECDSAP256SHA256) and 15 (ED25519)"},
    {"example.com. IN DNSKEY 257 3 8 AwEAAbM=\n", p13,
     "key:1: algorithm 8 is not supported: only 13 (ECDSAP256SHA256) and 15 (ED25519)"},
    {ldns15_key, p13,
     "private:2: algorithm 13, but the DNSKEY in " DIR "/Kbad.key (line 1) is of algorithm 15"},
    {"; a comment\n\nexample.com. IN DNSKEY 257 3 13 4ZTQKND/juNUZJquI/4b1rwQqDrRSYEsS95iUnlHzxom"
     "AhuFSNmzaDjiYa5+QLSxw4N5FFHFCX8AmGhMnMOMEg==\n",
     p13,
     "key:3: the public key is not the one of the private key in " DIR
     "/Kbad.private: the two files are not one key"},
    {"example.com. IN DNSKEY 385 3 13 rnjYcFXN72kjSkfrWf5pDr5fz1FsvQTAPi5epgxl07oKhsOquRgDeSsOU6P"
     "UXRzIzfg2ixqbcjpIW0IAYl4o6Q==\n",
     p13,
     "key:1: the DNSKEY's flags are 385: only 257 (a key-signing key, expected) and 256 "
     "are used"},
    {"example.com. IN DNSKEY 257 3 13 AAAA\n", p13,
     "key:1: the public key is 3 octets, algorithm 13 has 64"},
    {"example.com. IN DNSKEY 257 3 13 rnjYcFXN72kjSkfrWf5pDr5fz1FsvQTAPi5epgxl07oKhsOquRgDeSsOU6P"
     "UXRzIzfg2ixqbcjpIW0IAYl4o6Q==\nexample.com. IN DNSKEY 257 3 13 AAAA\n",
     p13, "key:2: a second record: a key file holds one DNSKEY (the first is on line 1)"},
    {"; nothing\n", p13, "key: no DNSKEY record in the file"},
    {"example.com. IN A 192.0.2.1\n", p13, "key:1: a record of type 1, not a DNSKEY"},
    {"example.com. IN DNSKEY 257 3 13 %%%\n", p13,
     "key:1: not a DNSKEY record: Syntax error, could not parse the RR's rdata"},
    {ldns13_key, "Algorithm: 13\n",
     "private:1: expected \"Private-key-format: v1.x\" first: not a private key file"},
    {ldns13_key, "Private-key-format: v2.0\n",
     "private:1: private key format \"v2.0\": only v1.x (ldns-keygen, dnssec-keygen) is read"},
    {ldns13_key, "Private-key-format: v1.2\nAlgorithm: 13\n", "private: no PrivateKey field"},
    {ldns13_key,
     "Private-key-format: v1.2\nPrivateKey: FLiJncFJoG8SutySHXjmEZ2CoSGz6g0mn8ZgPJhuM1w=\n",
     "private: no Algorithm field"},
    {ldns13_key, "Private-key-format: v1.2\nAlgorithm: 13\nAlgorithm: 13\n",
     "private:3: Algorithm given twice (first on line 2)"},
    {ldns13_key, "Private-key-format: v1.2\nAlgorithm: thirteen\n",
     "private:2: the algorithm \"thirteen\" is not a number"},
    {ldns13_key, "Private-key-format: v1.2\nAlgorithm 13\n",
     "private:2: not a \"Field: value\" line"},
    {ldns13_key, "", "private: empty: not a private key file"},
    /* the scalar equal to P-256's order n: no key */
    {ldns13_key,
     "Private-key-format: v1.2\nAlgorithm: 13\n"
     "PrivateKey: /////wAAAAD//////////7zm+q2nF56E87nKwvxjJVE=\n",
     "private:3: the private key is not a valid key of algorithm 13"},
};

START_TEST(test_key_file_errors)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		const char *base = put_pair("Kbad", c->key, c->private, 0600);
		struct diag d = {0};
		struct dnssec_key *key = (struct dnssec_key *)1;
		ck_assert_int_eq(dnssec_key_load(base, &key, &d), GD_EFORMAT);
		ck_assert_ptr_null(key);
		ck_assert_msg(d.count == 1, "case %zu: %zu errors", i, d.count);
		char want[512];
		snprintf(want, sizeof(want), DIR "/Kbad.%s", c->error);
		ck_assert_msg(strcmp(d.msgs[0], want) == 0, "case %zu: \"%s\", not \"%s\"", i,
		              d.msgs[0], want);
		diag_free(&d);
	}
}
END_TEST

/* Lines over 4095 characters, in either file. */
START_TEST(test_key_file_long_lines)
{
	static char text[6000];
	memset(text, 'a', 5000);
	text[5000] = '\0';
	struct diag d = {0};
	struct dnssec_key *key;
	const char *base = put_pair("Klong", text, p13, 0600);
	ck_assert_int_eq(dnssec_key_load(base, &key, &d), GD_EFORMAT);
	snprintf(text, sizeof(text), "Private-key-format: v1.2\n");
	memset(text + 25, ' ', 4100);
	text[4125] = '\0';
	base = put_pair("Klong", ldns13_key, text, 0600);
	ck_assert_int_eq(dnssec_key_load(base, &key, &d), GD_EFORMAT);
	ck_assert_uint_eq(d.count, 2);
	ck_assert_str_eq(d.msgs[0], DIR "/Klong.key:1: the line is longer than 4095 characters");
	ck_assert_str_eq(d.msgs[1],
	                 DIR "/Klong.private:2: the line is longer than 4095 characters");
	diag_free(&d);
}
END_TEST

START_TEST(test_key_file_access)
{
	struct diag d = {0};
	struct dnssec_key *key;
	const char *base = put_pair("Kmode", ldns13_key, ldns13_private, 0640);
	ck_assert_int_eq(dnssec_key_load(base, &key, &d), GD_EFORMAT);
	base = put_pair("Kmode", ldns13_key, ldns13_private, 0604);
	ck_assert_int_eq(dnssec_key_load(base, &key, &d), GD_EFORMAT);
	base = put_pair("Kmode", ldns13_key, ldns13_private, 0400);
	key = unit_dnssec_load(base);
	ck_assert_uint_eq(key->key_tag, 7211);
	dnssec_key_free(key);
	ck_assert_int_eq(dnssec_key_load(DIR "/Kmissing", &key, &d), GD_EIO);
	put("Konlykey.key", ldns13_key, 0644);
	unlink(DIR "/Konlykey.private");
	ck_assert_int_eq(dnssec_key_load(DIR "/Konlykey", &key, &d), GD_EIO);
	put("Kdir.key", ldns13_key, 0644);
	mkdir(DIR "/Kdir.private", 0700);
	ck_assert_int_eq(dnssec_key_load(DIR "/Kdir", &key, &d), GD_EFORMAT);
	ck_assert_ptr_null(key);
	ck_assert_uint_eq(d.count, 5);
	const char *mode = ": may be read or written by its group or others: only the daemon may "
	                   "read a private key (chmod 600 it)";
	char want[512];
	snprintf(want, sizeof(want), DIR "/Kmode.private%s", mode);
	ck_assert_str_eq(d.msgs[0], want);
	ck_assert_str_eq(d.msgs[1], want);
	ck_assert_str_eq(d.msgs[2], DIR "/Kmissing.key: cannot read the key file: No such file or "
	                                "directory");
	ck_assert_str_eq(d.msgs[3], DIR "/Konlykey.private: cannot read the private key: No such "
	                                "file or directory");
	ck_assert_str_eq(d.msgs[4], DIR "/Kdir.private: not a regular file");
	diag_free(&d);
}
END_TEST

Suite *dnssec_key_suite(void)
{
	Suite *s = suite_create("dnssec_key");
	TCase *tc = tcase_create("dnssec_key");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ldns_library_keys);
	tcase_add_test(tc, test_fixed_vectors);
	tcase_add_test(tc, test_generated_keys);
	tcase_add_test(tc, test_key_file_errors);
	tcase_add_test(tc, test_key_file_long_lines);
	tcase_add_test(tc, test_key_file_access);
	suite_add_tcase(s, tc);
	return s;
}
