/*
 * unit.h - the Check suites of the unit test binary, one per module, and
 * helpers shared by them.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_UNIT_H
#define GD_UNIT_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

Suite *wire_suite(void);
Suite *jsonpos_suite(void);
Suite *config_suite(void);
Suite *config_paths_suite(void);
Suite *schema_suite(void);
Suite *jsoncheck_suite(void);
Suite *zone_suite(void);
Suite *publication_suite(void);
Suite *answer_suite(void);
Suite *geo_suite(void);
Suite *service_suite(void);
Suite *netmap_suite(void);
Suite *dnstap_suite(void);
Suite *xdp_packet_suite(void);
Suite *shared_networks_suite(void);
Suite *geoanswer_suite(void);
Suite *health_suite(void);
Suite *feedlist_suite(void);
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
Suite *journal_suite(void);
Suite *service_records_suite(void);
Suite *catalog_suite(void);
Suite *xfrin_suite(void);
Suite *patch_suite(void);
Suite *dnssec_key_suite(void);
Suite *dnssec_sign_suite(void);
Suite *dnssec_answer_suite(void);

struct answer_settings;
struct geo_db;
struct region_table;

/* The configuration's regions of the geo tests, by index: 0 us-east
 * (38.9, -77.0), 1 eu-west (53.3, -6.3), 2 ap-south (1.35, 103.8),
 * 3 sa-east (-23.5, -46.6). */
extern const struct region_table unit_regions;

/* The test GeoIP database, tests/tmp/geo/city.mmdb (the test fails when it
 * does not open); geo_close frees it. */
struct geo_db *unit_geo_open(void);

/* The answer settings of the geo tests: UDP payload 1232, ECS on and
 * trusted from every sender, hashes of /24 and /56, a TCP idle timeout of
 * 10 s, geo and unit_regions, generation 1. */
struct answer_settings unit_geo_settings(const struct geo_db *geo);

/* Write text to a new file under tests/tmp/unit and return its path
 * (static buffer per call slot: valid until the next call with that slot). */
const char *unit_write_file(const char *name, const char *text);

/* A new self-signed certificate (its key thrown away) as a PEM file under
 * tests/tmp/unit (the path as unit_write_file). */
const char *unit_write_cert(const char *name);

/* path, relative to the working directory (the source tree), made
 * absolute: how a configuration written under tests/tmp/unit names a file
 * elsewhere, since relative paths in it are taken from its own directory
 * (static buffer per call slot, as unit_write_file). */
const char *unit_abs(const char *path);

/* The octets of a hex string (two digits each, no blanks) into out; their
 * number. */
size_t unit_unhex(const char *hex, uint8_t *out);

/* ---- zone transfers (xfr_helpers.c) ---- */
struct ldns_struct_pkt;
struct ldns_struct_rr;
struct query;
struct zone;

/* The zone at path (services: a services file or NULL, with a fixed table
 * of three regions); the test fails with the diagnostics when it does not
 * load. The caller frees it (zone_free). */
struct zone *unit_load_zone(const char *origin, const char *path, const char *services);

/* q as the server parses a query for name of type (an ldns_rr_type) with
 * this ID and RD bit. */
void unit_xfr_request(struct query *q, const char *name, uint16_t id, bool rd, int type);

/* Does the message hold exactly its header's records, each whole? */
bool unit_whole_records(const uint8_t *m, size_t len);

/* The record (owner in wire form, type, TTL, rdata; class IN) as ldns
 * reads it from the wire; the test fails when ldns does not. The caller
 * frees it (ldns_rr_free). */
struct ldns_struct_rr *unit_ldns_rr(const uint8_t *owner, size_t owner_len, uint16_t type,
                                    uint32_t ttl, const uint8_t *rdata, size_t rdlen);

/* A message of a transfer stream against its request: ID, flags, opcode,
 * NOERROR, counts, and in the first message the question as received. */
void unit_xfr_check_header(const struct ldns_struct_pkt *p, const struct query *q, bool first);

/* ---- DNSSEC (test_dnssec_key.c) ---- */
struct dnssec_key;

/* A key of algorithm 13 or 15 for origin made by the ldns library and
 * written as ldns-keygen writes it (flags 257, the .private mode 0600)
 * under tests/tmp/unit/dnssec; its base name into base. */
void unit_dnssec_ldns_key(unsigned algorithm, const char *origin, char *base, size_t cap);

/* The ldns-keygen key of the tests (example.com, algorithm 13, tag 7211
 * with flags 257) with these DNSKEY flags: the same key every run. The
 * caller frees it (dnssec_key_free). */
struct dnssec_key *unit_dnssec_fixed_key(uint16_t flags);

/* The key of base name base; the test fails with the error when it does
 * not load. The caller frees it (dnssec_key_free). */
struct dnssec_key *unit_dnssec_load(const char *base);

#endif
