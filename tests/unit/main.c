/*
 * main.c - runs every Check suite. The summary line Check prints
 * ("NN%: Checks: N, Failures: F, Errors: E") is what tests/run-all counts.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/diag.h"
#include "common/gd.h"
#include "geo/geo.h"
#include "geo/service.h"
#include "query/answer.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct region unit_region_list[] = {
	{(char *)"us-east", 38.9, -77.0},
	{(char *)"eu-west", 53.3, -6.3},
	{(char *)"ap-south", 1.35, 103.8},
	{(char *)"sa-east", -23.5, -46.6},
};
const struct region_table unit_regions = {unit_region_list, 4, NULL};

struct geo_db *unit_geo_open(void)
{
	struct diag d = {0};
	char *files[1] = {"tests/tmp/geo/city.mmdb"};
	struct geo_db *geo = geo_open(files, 1, NULL, &d);
	ck_assert_ptr_nonnull(geo);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
	return geo;
}

struct answer_settings unit_geo_settings(const struct geo_db *geo)
{
	return (struct answer_settings){.udp_payload = 1232,
	                                .ecs_enabled = true,
	                                .ecs_trust_all = true,
	                                .hash_ipv4_prefix = 24,
	                                .hash_ipv6_prefix = 56,
	                                .tcp_idle_timeout = 10,
	                                .geo = geo,
	                                .regions = &unit_regions,
	                                .generation = 1};
}

const char *unit_write_file(const char *name, const char *text)
{
	static char path[8][512];
	static int slot;
	char *p = path[slot++ % 8];
	mkdir("tests/tmp", 0755);
	mkdir("tests/tmp/unit", 0755);
	snprintf(p, 512, "tests/tmp/unit/%s", name);
	FILE *f = fopen(p, "w");
	if (!f) {
		perror(p);
		abort();
	}
	fputs(text, f);
	fclose(f);
	return p;
}

const char *unit_abs(const char *path)
{
	static char abs[8][1024];
	static int slot;
	char *p = abs[slot++ % 8], cwd[512];
	if (!getcwd(cwd, sizeof(cwd)))
		abort();
	snprintf(p, sizeof(abs[0]), "%s/%s", cwd, path);
	return p;
}

const char *unit_write_cert(const char *name)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	if (!key || !x)
		abort();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"unit CA", -1, -1,
	                           0);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, key);
	if (X509_sign(x, key, EVP_sha256()) == 0)
		abort();
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(b, x);
	char *pem;
	long len = BIO_get_mem_data(b, &pem);
	char *text = strndup(pem, (size_t)len);
	const char *path = unit_write_file(name, text);
	free(text);
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(key);
	return path;
}

size_t unit_unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;
	for (; hex[0] && hex[1]; hex += 2)
		out[n++] = (uint8_t)(hex_digit(hex[0]) << 4 | hex_digit(hex[1]));
	return n;
}

/* Every suite, by the name suite_create gives it (tests/run-all runs each
 * in a process of its own: CK_RUN_SUITE=NAME; `unit-tests --suites` lists
 * them). */
static const struct {
	const char *name;
	Suite *(*make)(void);
} suites[] = {
	    {"wire", wire_suite},
	    {"jsonpos", jsonpos_suite},
	    {"config", config_suite},
	    {"config_paths", config_paths_suite},
	    {"schema", schema_suite},
	    {"jsoncheck", jsoncheck_suite},
	    {"zone", zone_suite},
	    {"publication", publication_suite},
	    {"answer", answer_suite},
	    {"geo", geo_suite},
	    {"service", service_suite},
	    {"netmap", netmap_suite},
	    {"dnstap", dnstap_suite},
	    {"xdp_packet", xdp_packet_suite},
	    {"shared_networks", shared_networks_suite},
	    {"geoanswer", geoanswer_suite},
	    {"health", health_suite},
	    {"feedlist", feedlist_suite},
	    {"http", http_suite},
	    {"metrics", metrics_suite},
	    {"rrl", rrl_suite},
	    {"cookie", cookie_suite},
	    {"log", log_suite},
	    {"common", common_suite},
	    {"dns", dns_suite},
	    {"tsig", tsig_suite},
	    {"axfr", axfr_suite},
	    {"journal", journal_suite},
	    {"service_records", service_records_suite},
	    {"notify", notify_suite},
	    {"catalog", catalog_suite},
	    {"xfrin", xfrin_suite},
	    {"patch", patch_suite},
	    {"dnssec_key", dnssec_key_suite},
	    {"dnssec_sign", dnssec_sign_suite},
	    {"dnssec_answer", dnssec_answer_suite},
};

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--suites") == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(suites); i++)
			printf("%s\n", suites[i].name);
		return EXIT_SUCCESS;
	}
	SRunner *sr = srunner_create(suites[0].make());
	for (size_t i = 1; i < ARRAY_SIZE(suites); i++)
		srunner_add_suite(sr, suites[i].make());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
