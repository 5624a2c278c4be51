/*
 * main.c - runs every Check suite. The summary line Check prints
 * ("NN%: Checks: N, Failures: F, Errors: E") is what tests/run-all counts.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

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
	srunner_add_suite(sr, http_suite());
	srunner_add_suite(sr, metrics_suite());
	srunner_add_suite(sr, rrl_suite());
	srunner_add_suite(sr, cookie_suite());
	srunner_add_suite(sr, log_suite());
	srunner_add_suite(sr, common_suite());
	srunner_add_suite(sr, dns_suite());
	srunner_add_suite(sr, tsig_suite());
	srunner_add_suite(sr, axfr_suite());
	srunner_add_suite(sr, notify_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
