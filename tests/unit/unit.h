/*
 * unit.h - the Check suites of the unit test binary, one per module, and
 * helpers shared by them.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_UNIT_H
#define GD_UNIT_H

#include <check.h>

Suite *wire_suite(void);
Suite *jsonpos_suite(void);
Suite *config_suite(void);
Suite *schema_suite(void);
Suite *jsoncheck_suite(void);
Suite *zone_suite(void);
Suite *publication_suite(void);
Suite *answer_suite(void);
Suite *geo_suite(void);
Suite *service_suite(void);
Suite *geoanswer_suite(void);
Suite *health_suite(void);
Suite *http_suite(void);
Suite *metrics_suite(void);
Suite *rrl_suite(void);
Suite *cookie_suite(void);
Suite *log_suite(void);
Suite *common_suite(void);
Suite *dns_suite(void);
Suite *tsig_suite(void);
Suite *axfr_suite(void);
Suite *notify_suite(void);

/* Write text to a new file under tests/tmp/unit and return its path
 * (static buffer per call slot: valid until the next call with that slot). */
const char *unit_write_file(const char *name, const char *text);

#endif
