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

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static struct region unit_region_list[] = {
	{(char *)"us-east", 38.9, -77.0},
	{(char *)"eu-west", 53.3, -6.3},
	{(char *)"ap-south", 1.35, 103.8},
	{(char *)"sa-east", -23.5, -46.6},
};
const struct region_table unit_regions = {unit_region_list, 4};

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

size_t unit_unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;
	for (; hex[0] && hex[1]; hex += 2)
		out[n++] = (uint8_t)(hex_digit(hex[0]) << 4 | hex_digit(hex[1]));
	return n;
}

int main(void)
{
	SRunner *sr = srunner_create(wire_suite());
	srunner_add_suite(sr, jsonpos_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, schema_suite());
	srunner_add_suite(sr, jsoncheck_suite());
	srunner_add_suite(sr, zone_suite());
	srunner_add_suite(sr, publication_suite());
	srunner_add_suite(sr, answer_suite());
	srunner_add_suite(sr, geo_suite());
	srunner_add_suite(sr, service_suite());
	srunner_add_suite(sr, geoanswer_suite());
	srunner_add_suite(sr, health_suite());
	srunner_add_suite(sr, feedlist_suite());
	srunner_add_suite(sr, http_suite());
	srunner_add_suite(sr, metrics_suite());
	srunner_add_suite(sr, rrl_suite());
	srunner_add_suite(sr, cookie_suite());
	srunner_add_suite(sr, log_suite());
	srunner_add_suite(sr, common_suite());
	srunner_add_suite(sr, dns_suite());
	srunner_add_suite(sr, tsig_suite());
	srunner_add_suite(sr, axfr_suite());
	srunner_add_suite(sr, journal_suite());
	srunner_add_suite(sr, service_records_suite());
	srunner_add_suite(sr, notify_suite());
	srunner_add_suite(sr, catalog_suite());
	srunner_add_suite(sr, xfrin_suite());
	srunner_add_suite(sr, patch_suite());
	srunner_add_suite(sr, dnssec_key_suite());
	srunner_add_suite(sr, dnssec_sign_suite());
	srunner_add_suite(sr, dnssec_answer_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
