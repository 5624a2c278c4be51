/*
 * test_config_paths.c - relative paths in the configuration are taken from
 * the directory of the configuration file, not from the directory the
 * program runs in: conf_path itself, the directory of a file named with
 * and without one, every key that names a file (the schema's is_path rows)
 * resolved at load, absolute values and HTTP feeds kept, and an error
 * naming the file by the name it was looked for under.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/config.h"
#include "conf/schema.h"
#include "common/diag.h"
#include "common/strbuf.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

static void expect_path(const char *dir, const char *value, const char *want)
{
	char *p = conf_path(dir, value);
	ck_assert_msg(strcmp(p, want) == 0, "conf_path(\"%s\", \"%s\") = \"%s\", want \"%s\"", dir,
	              value, p, want);
	free(p);
}

START_TEST(test_conf_path)
{
	expect_path("zones", "example.com.zone", "zones/example.com.zone");
	expect_path("/etc/geodnsd", "zones/example.com.zone",
	            "/etc/geodnsd/zones/example.com.zone");
	expect_path("/etc/geodnsd/", "a.zone", "/etc/geodnsd/a.zone"); /* no double slash */
	expect_path("/", "a.zone", "/a.zone");
	/* absolute: kept */
	expect_path("/etc/geodnsd", "/var/lib/geodnsd/a.zone", "/var/lib/geodnsd/a.zone");
	/* no directory (a configuration named without one): the current one */
	expect_path("", "a.zone", "a.zone");
	/* no lexical clean-up: ".." stays, so a symbolic link keeps its meaning */
	expect_path("/etc/geodnsd", "../a.zone", "/etc/geodnsd/../a.zone");
	expect_path("zones", "./a.zone", "zones/./a.zone");
	/* empty stays empty (the key's own check reports it) */
	expect_path("zones", "", "");
}
END_TEST

/* cfg->dir: the directory part of the name the configuration was loaded
 * by: relative, absolute, or none (the current directory). */
START_TEST(test_config_dir)
{
	const char *path = unit_write_file("paths_dir.json", "{}\n");
	struct diag d = {0};
	struct config *cfg = config_load(path, &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->dir, "tests/tmp/unit");
	config_free(cfg);

	cfg = config_load(unit_abs(path), &d);
	ck_assert_ptr_nonnull(cfg);
	char want[1024];
	snprintf(want, sizeof(want), "%s", unit_abs("tests/tmp/unit"));
	ck_assert_str_eq(cfg->dir, want);
	config_free(cfg);

	/* a name without a directory: paths stay relative to the current
	 * directory (this test runs in a process of its own) */
	unit_write_file("paths_here.json",
	                "{\"zones\": [{\"origin\": \"a.test\", \"file\": \"a.zone\"}]}\n");
	ck_assert_int_eq(chdir("tests/tmp/unit"), 0);
	cfg = config_load("paths_here.json", &d);
	ck_assert_int_eq(chdir("../../.."), 0);
	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->dir, "");
	ck_assert_str_eq(cfg->zones[0].file, "a.zone");
	config_free(cfg);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
}
END_TEST

/* Every key that names a file, relative and absolute, in one document:
 * each resolved as the program sees it. */
START_TEST(test_every_path_key)
{
	const char *secret = unit_write_file("paths_secret", "c2VjcmV0c2VjcmV0\n");
	ck_assert_int_eq(chmod(secret, 0600), 0);
	unit_write_cert("paths_ca.pem");
	const char *token = unit_write_file("paths_feed.token", "feed-token-0123456789\n");
	ck_assert_int_eq(chmod(token, 0600), 0);
	static const char text[] =
	    "{\"server\": {\"chroot\": \"jail\"},\n"
	    " \"geoip\": {\"database\": [\"city.mmdb\", \"/abs/asn.mmdb\"],\n"
	    "   \"asn_database\": \"geo/GeoLite2-ASN.mmdb\", \"networks\": \"nets.csv\"},\n"
	    " \"http\": {\"token_file\": \"admin.token\"},\n"
	    " \"control\": {\"socket\": \"run/control.sock\"},\n"
	    " \"health\": {\"state_file\": \"../state/health.state\"},\n"
	    " \"regions\": {\"r\": {\"location\": [1, 2], \"feed\": [\"file:feeds/r.json\",\n"
	    "   \"http://127.0.0.1:9/file:r.json\", \"file:/abs/r.json\", "
	    "\"https://127.0.0.1/r\"],\n"
	    "   \"feed_ca\": \"paths_ca.pem\", \"feed_token_file\": \"paths_feed.token\"}},\n"
	    " \"tsig_keys\": {\"k\": {\"secret_file\": \"paths_secret\"}},\n"
	    " \"zones\": [\n"
	    "  {\"origin\": \"example.com\", \"file\": \"example.com.zone\",\n"
	    "   \"services\": \"svc/example.com.json\", \"journal\": {\"file\": "
	    "\"journal/example.com\"},\n"
	    "   \"dnssec\": {\"key\": \"keys/Kexample.com.+013+00001\",\n"
	    "     \"publish\": [\"keys/Kexample.com.+013+00002\", \"/abs/K3\"]}},\n"
	    "  {\"origin\": \"cat.test\", \"file\": \"/var/lib/geodnsd/cat.zone\",\n"
	    "   \"primaries\": [{\"address\": \"127.0.0.1\"}], \"catalog\": {\"directory\": "
	    "\"members\"}}]}\n";
	struct diag d = {0};
	struct config *cfg = config_load(unit_write_file("paths_all.json", text), &d);
	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->chroot, "tests/tmp/unit/jail");
	ck_assert_uint_eq(cfg->ngeoip_databases, 2);
	ck_assert_str_eq(cfg->geoip_databases[0], "tests/tmp/unit/city.mmdb");
	ck_assert_str_eq(cfg->geoip_databases[1], "/abs/asn.mmdb");
	ck_assert_str_eq(cfg->geoip_asn_database, "tests/tmp/unit/geo/GeoLite2-ASN.mmdb");
	ck_assert_str_eq(cfg->geoip_networks, "tests/tmp/unit/nets.csv");
	ck_assert_str_eq(cfg->http_token_file, "tests/tmp/unit/admin.token");
	ck_assert_str_eq(cfg->control_socket, "tests/tmp/unit/run/control.sock");
	ck_assert_str_eq(cfg->health_state_file, "tests/tmp/unit/../state/health.state");
	ck_assert_uint_eq(cfg->regions[0].nfeeds, 4);
	ck_assert_str_eq(cfg->regions[0].feeds[0], "file:tests/tmp/unit/feeds/r.json");
	ck_assert_str_eq(cfg->regions[0].feeds[1], "http://127.0.0.1:9/file:r.json");
	ck_assert_str_eq(cfg->regions[0].feeds[2], "file:/abs/r.json");
	ck_assert_str_eq(cfg->regions[0].feeds[3], "https://127.0.0.1/r");
	ck_assert_str_eq(cfg->regions[0].feed_ca, "tests/tmp/unit/paths_ca.pem");
	ck_assert_str_eq(cfg->regions[0].feed_token_file, "tests/tmp/unit/paths_feed.token");
	ck_assert_str_eq(cfg->regions[0].feed_token, "feed-token-0123456789");
	/* the secret was read from tests/tmp/unit/paths_secret */
	ck_assert_uint_eq(cfg->tsig_keys[0].secret_len, 12);
	ck_assert_mem_eq(cfg->tsig_keys[0].secret, "secretsecret", 12);
	ck_assert_uint_eq(cfg->nzones, 2);
	ck_assert_str_eq(cfg->zones[0].file, "tests/tmp/unit/example.com.zone");
	ck_assert_str_eq(cfg->zones[0].services, "tests/tmp/unit/svc/example.com.json");
	ck_assert_str_eq(cfg->zones[0].journal_file, "tests/tmp/unit/journal/example.com");
	ck_assert_str_eq(cfg->zones[0].dnssec_key, "tests/tmp/unit/keys/Kexample.com.+013+00001");
	ck_assert_uint_eq(cfg->zones[0].ndnssec_publish, 2);
	ck_assert_str_eq(cfg->zones[0].dnssec_publish[0],
	                 "tests/tmp/unit/keys/Kexample.com.+013+00002");
	ck_assert_str_eq(cfg->zones[0].dnssec_publish[1], "/abs/K3");
	ck_assert_str_eq(cfg->zones[1].file, "/var/lib/geodnsd/cat.zone");
	ck_assert_str_eq(cfg->zones[1].catalog_dir, "tests/tmp/unit/members");
	config_free(cfg);
	diag_free(&d);
}
END_TEST

/* The keys that name files, as the schema marks them (is_path): the list
 * above covers each; a new one is resolved by get_path and added here. */
START_TEST(test_path_rows)
{
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < KEY_COUNT; i++)
		if (conf_schema[i].is_path)
			sb_printf(&sb, "%s %s\n", conf_schema[i].path,
			          conf_key_type_name(&conf_schema[i]));
	ck_assert_str_eq(sb.buf, "server.chroot path\n"
	                         "geoip.database path|list\n"
	                         "geoip.asn_database path\n"
	                         "geoip.networks path\n"
	                         "http.token_file path\n"
	                         "control.socket path\n" "dnstap.socket path\n"
	                         "regions.*.feed feed|list\n"
	                         "regions.*.feed_ca path\n"
	                         "regions.*.feed_token_file path\n"
	                         "health.state_file path\n"
	                         "tsig_keys.*.secret_file path\n"
	                         "zones[].file path\n"
	                         "zones[].services path\n"
	                         "zones[].journal.file path\n"
	                         "zones[].catalog.directory path\n"
	                         "zones[].dnssec.key path\n"
	                         "zones[].dnssec.publish path-list\n");
	sb_free(&sb);
}
END_TEST

/* A missing file is reported by the name it was looked for under. */
START_TEST(test_error_names_resolved_path)
{
	struct diag d = {0};
	const char *path =
	    unit_write_file("paths_missing.json",
	                    "{\"tsig_keys\": {\"k\": {\"secret_file\": \"no-such.secret\"}}}\n");
	struct config *cfg = config_load(path, &d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.count, 1);
	char want[512];
	snprintf(want, sizeof(want),
	         "%s:1:37: tsig_keys.k.secret_file: cannot read "
	         "\"tests/tmp/unit/no-such.secret\": No such file or directory",
	         path);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
}
END_TEST

Suite *config_paths_suite(void)
{
	Suite *s = suite_create("config_paths");
	TCase *tc = tcase_create("relative");
	tcase_add_test(tc, test_conf_path);
	tcase_add_test(tc, test_config_dir);
	tcase_add_test(tc, test_every_path_key);
	tcase_add_test(tc, test_path_rows);
	tcase_add_test(tc, test_error_names_resolved_path);
	suite_add_tcase(s, tc);
	return s;
}
