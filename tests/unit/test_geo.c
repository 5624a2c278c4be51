/*
 * test_geo.c - GeoIP lookups through libmaxminddb on the test databases
 * built from tests/data/geo-test.csv by tools/mkgeodb (see the Makefile):
 *
 *   tests/tmp/geo/city.mmdb   MaxMind City layout, IPv6 tree, IPv4 aliased
 *   tests/tmp/geo/city4.mmdb  MaxMind City layout, IPv4 tree
 *   tests/tmp/geo/flat4.mmdb  DB-IP flat layout, IPv4 only
 *   tests/tmp/geo/flat6.mmdb  DB-IP flat layout, IPv6 only
 *
 * Layout detection, tree walks (record and network prefix, in the client's
 * family), decoding of both layouts, the key-path override, two files
 * together, open errors, and the great-circle distance. Loading: the
 * private copy gives the same walks as libmaxminddb's own MMDB_open, a
 * file changed after the open (overwritten, truncated, garbage) changes
 * nothing, unchanged bytes share the copy, and truncated or garbled files
 * fail the open cleanly.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "geo/geo.h"
#include "geo/watch.h"
#include "unit.h"

#include <arpa/inet.h>
#include <math.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CITY "tests/tmp/geo/city.mmdb"
#define CITY4 "tests/tmp/geo/city4.mmdb"
#define FLAT4 "tests/tmp/geo/flat4.mmdb"
#define FLAT6 "tests/tmp/geo/flat6.mmdb"

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

/* Open one or two files; the open must succeed without any diagnostic. */
static struct geo_db *open2(const char *a, const char *b, const struct geo_paths *paths)
{
	char *files[2] = {(char *)a, (char *)b};
	struct diag d = {0};
	struct geo_db *g = geo_open(files, b ? 2 : 1, paths, &d);
	if (d.count)
		dump(&d);
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
	return g;
}

static struct geo_db *open1(const char *a)
{
	return open2(a, NULL, NULL);
}

/* Walk the tree for a textual address (IPv4 or IPv6) and decode the record. */
static void find(const struct geo_db *g, const char *addr, struct geo_match *m,
		 struct geo_location *loc)
{
	uint8_t buf[16];
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(family, addr, buf), 1);
	geo_find(g, family, buf, m);
	geo_decode(g, m, loc);
}

/* A found record with coordinates, country and continent. */
static void expect_loc(const struct geo_db *g, const char *addr, unsigned prefix,
		       const char *country, const char *continent, double lat, double lon)
{
	struct geo_match m;
	struct geo_location loc;
	find(g, addr, &m, &loc);
	ck_assert_msg(m.found, "%s not found", addr);
	ck_assert_msg(m.prefix == prefix, "%s: prefix %u, expected %u", addr, m.prefix, prefix);
	ck_assert(loc.has_coords);
	ck_assert_double_eq_tol(loc.lat, lat, 1e-9);
	ck_assert_double_eq_tol(loc.lon, lon, 1e-9);
	ck_assert_str_eq(loc.country, country);
	ck_assert_str_eq(loc.continent, continent);
}

/* ---- opening and layout detection ---- */

START_TEST(test_open_layouts)
{
	static const struct {
		const char *file, *layout;
	} cases[] = {
		{CITY, "maxmind"}, {CITY4, "maxmind"}, {FLAT4, "flat"}, {FLAT6, "flat"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct geo_db *g = open1(cases[i].file);
		ck_assert_str_eq(geo_layout_name(g, 0), cases[i].layout);
		geo_close(g);
	}
	/* two files: each one has its own layout */
	struct geo_db *g = open2(CITY, FLAT6, NULL);
	ck_assert_str_eq(geo_layout_name(g, 0), "maxmind");
	ck_assert_str_eq(geo_layout_name(g, 1), "flat");
	geo_close(g);
}
END_TEST

/* Build a database with tools/mkgeodb into tests/tmp/unit; returns its path. */
static const char *mkgeodb(const char *name, const char *layout, const char *type)
{
	const char *csv = unit_write_file("geo-unit-detect.csv",
					  "network,continent,country,lat,lon,city\n"
					  "192.0.2.0/24,EU,GB,51.5,-0.1,London\n");
	static char out[256];
	char cmd[1024];
	snprintf(out, sizeof(out), "tests/tmp/unit/%s", name);
	snprintf(cmd, sizeof(cmd),
		 "tools/mkgeodb --layout %s --ip-version 4 --type %s -o %s %s 2>/dev/null",
		 layout, type, out, csv);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	return out;
}

START_TEST(test_layout_from_first_record)
{
	/* database types that name neither GeoIP2 nor dbip: the layout comes
	 * from the keys of the first record */
	struct geo_db *g = open1(mkgeodb("geo-unit-custom-flat.mmdb", "flat", "Custom-Flat"));
	ck_assert_str_eq(geo_layout_name(g, 0), "flat");
	expect_loc(g, "192.0.2.77", 24, "GB", "", 51.5, -0.1);
	geo_close(g);
	g = open1(mkgeodb("geo-unit-custom-mm.mmdb", "maxmind", "Custom-City"));
	ck_assert_str_eq(geo_layout_name(g, 0), "maxmind");
	expect_loc(g, "192.0.2.77", 24, "GB", "EU", 51.5, -0.1);
	geo_close(g);
	/* a type naming dbip, but MaxMind keys (DB-IP also ships its databases
	 * in the GeoIP2 layout): the record decides */
	g = open1(mkgeodb("geo-unit-dbip-mm.mmdb", "maxmind", "dbip-city-lite"));
	ck_assert_str_eq(geo_layout_name(g, 0), "maxmind");
	expect_loc(g, "192.0.2.77", 24, "GB", "EU", 51.5, -0.1);
	geo_close(g);
}
END_TEST

#define OPEN_ERR ": cannot open GeoIP database: "

START_TEST(test_open_missing_file)
{
	/* the reason is the system's, as for every other file the server
	 * cannot read ("cannot read services file: No such file or directory") */
	char *files[1] = {"tests/tmp/unit/geo-unit-missing.mmdb"};
	struct diag d = {0};
	ck_assert_ptr_null(geo_open(files, 1, NULL, &d));
	ck_assert_uint_eq(d.count, 1);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_str_eq(d.msgs[0],
			 "tests/tmp/unit/geo-unit-missing.mmdb" OPEN_ERR "No such file or directory");
	diag_free(&d);
}
END_TEST

START_TEST(test_open_second_file_missing)
{
	/* the second of two files missing: NULL, the first one is closed again
	 * (no leak under ASan) and the error names the second */
	const char *missing = "tests/tmp/unit/geo-unit-missing6.mmdb";
	char *two[2] = {CITY, (char *)missing};
	struct diag d = {0};
	ck_assert_ptr_null(geo_open(two, 2, NULL, &d));
	ck_assert_uint_eq(d.count, 1);
	ck_assert_uint_eq(d.errors, 1);
	char want[256];
	snprintf(want, sizeof(want), "%s%s", missing, OPEN_ERR);
	ck_assert_msg(strncmp(d.msgs[0], want, strlen(want)) == 0, "got \"%s\"", d.msgs[0]);
	ck_assert_uint_gt(strlen(d.msgs[0]), strlen(want));
	diag_free(&d);
	/* more files than the server takes */
	char *five[5] = {CITY, CITY4, FLAT4, FLAT6, CITY};
	ck_assert_ptr_null(geo_open(five, 5, NULL, &d));
	ck_assert_uint_eq(d.count, 1);
	ck_assert_str_eq(d.msgs[0], CITY ": at most 4 GeoIP databases");
	diag_free(&d);
}
END_TEST

START_TEST(test_open_not_a_database)
{
	const char *p = unit_write_file("geo-unit-garbage.mmdb", "this is not a MaxMind DB\n");
	char *files[1] = {(char *)p};
	struct diag d = {0};
	ck_assert_ptr_null(geo_open(files, 1, NULL, &d));
	ck_assert_uint_eq(d.count, 1);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s" OPEN_ERR "The MaxMind DB file contains invalid metadata",
		 p);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
}
END_TEST

/* ---- the private copy: files changed under a running server ---- */

/* The whole file at path (malloc'd, *len bytes). */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, r;
	do {
		if (n == cap)
			buf = realloc(buf, cap = cap ? cap * 2 : 4096);
		ck_assert_ptr_nonnull(buf);
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return buf;
}

/* Write len bytes over path in place, as cp does: same inode, truncated
 * first (O_TRUNC), then written. */
static void overwrite(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "r+b");
	if (!f)
		f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftruncate(fileno(f), 0), 0);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* The bytes of CITY and FLAT4; two_dbs_at() also puts CITY's at path. */
struct two_dbs {
	uint8_t *city, *flat;
	size_t city_len, flat_len;
};

static void two_dbs_at(struct two_dbs *t, const char *path)
{
	t->city = slurp(CITY, &t->city_len);
	t->flat = slurp(FLAT4, &t->flat_len);
	overwrite(path, t->city, t->city_len);
}

static void two_dbs_free(struct two_dbs *t)
{
	free(t->city);
	free(t->flat);
}

static const char *const probe_addrs[] = {
    "192.0.2.1",       "192.0.2.200",      "198.51.100.5", "198.51.100.200",  "203.0.113.1",
    "203.0.113.150",   "203.0.113.250",    "100.0.1.1",    "8.8.8.8",         "192.0.3.1",
    "0.0.0.0",         "255.255.255.255",  "2001:db8::1",  "2001:db8:100::1", "2001:db8:2ff::1",
    "2001:db8:300::1", "::ffff:192.0.2.1", "::",           "ffff::1"};

START_TEST(test_copy_walks_like_mmdb_open)
{
	/* the copy is described to libmaxminddb by geo.c itself (no
	 * MMDB_open): every walk must end exactly where MMDB_open's would,
	 * record and prefix, IPv4 through ::/96 included */
	static const char *const files[] = {CITY, CITY4, FLAT4, FLAT6};
	for (size_t i = 0; i < 4; i++) {
		MMDB_s mm;
		ck_assert_int_eq(MMDB_open(files[i], MMDB_MODE_MMAP, &mm), MMDB_SUCCESS);
		struct geo_db *g = open1(files[i]);
		size_t compared = 0;
		for (size_t k = 0; k < sizeof(probe_addrs) / sizeof(probe_addrs[0]); k++) {
			const char *a = probe_addrs[k];
			int family = strchr(a, ':') ? AF_INET6 : AF_INET;
			if (family == AF_INET6 && mm.metadata.ip_version == 4)
				continue;
			int gai, err;
			MMDB_lookup_result_s r = MMDB_lookup_string(&mm, a, &gai, &err);
			ck_assert_int_eq(gai, 0);
			ck_assert_int_eq(err, MMDB_SUCCESS);
			int prefix = r.netmask;
			if (family == AF_INET && mm.metadata.ip_version == 6)
				prefix -= mm.ipv4_start_node.netmask;
			struct geo_match m;
			struct geo_location loc;
			find(g, a, &m, &loc);
			ck_assert_msg(m.found == r.found_entry, "%s in %s", a, files[i]);
			ck_assert_msg(m.prefix == prefix, "%s in %s: prefix %u, MMDB_open %d", a,
			              files[i], m.prefix, prefix);
			if (r.found_entry)
				ck_assert_uint_eq(m.record, r.entry.offset);
			compared++;
		}
		ck_assert_uint_ge(compared, 12);
		geo_close(g);
		MMDB_close(&mm);
	}
}
END_TEST

START_TEST(test_file_changed_after_open)
{
	/* the server's database overwritten in place with another database
	 * (cp), then truncated, then filled with garbage: the open database
	 * answers as before every time (a mapping of the file died of SIGBUS
	 * at the first lookup after the truncation) */
	const char *path = "tests/tmp/unit/geo-unit-live.mmdb";
	struct two_dbs t;
	two_dbs_at(&t, path);
	struct geo_db *g = open1(path);
	for (int step = 0; step < 3; step++) {
		if (step == 0) {
			overwrite(path, t.flat, t.flat_len);
		} else if (step == 1) {
			ck_assert_int_eq(truncate(path, 0), 0);
		} else {
			uint8_t junk[8192];
			for (size_t i = 0; i < sizeof(junk); i++)
				junk[i] = (uint8_t)(i * 131 + 7);
			overwrite(path, junk, sizeof(junk));
		}
		expect_loc(g, "192.0.2.1", 25, "US", "NA", 40.7, -74.0);
		expect_loc(g, "198.51.100.5", 26, "GB", "EU", 51.5, -0.1);
		expect_loc(g, "2001:db8:100::1", 40, "DE", "EU", 50.1, 8.7);
		ck_assert_str_eq(geo_layout_name(g, 0), "maxmind");
	}
	geo_close(g);
	two_dbs_free(&t);
}
END_TEST

START_TEST(test_reopen_shares_unchanged_bytes)
{
	const char *path = "tests/tmp/unit/geo-unit-reload.mmdb";
	struct two_dbs t;
	two_dbs_at(&t, path);
	struct geo_db *a = open1(path);
	ck_assert(!geo_file_reused(a, 0));
	/* a reload of the same bytes: the copy in use */
	struct geo_db *b = open1(path);
	ck_assert(geo_file_reused(b, 0));
	/* the same bytes under another name are the same database too */
	struct geo_db *c = open1(CITY);
	ck_assert(geo_file_reused(c, 0));
	geo_close(a);
	geo_close(c);
	/* b holds the copy alone now: still answering */
	expect_loc(b, "192.0.2.1", 25, "US", "NA", 40.7, -74.0);
	/* changed bytes: a new database; the old one stays for its holder */
	overwrite(path, t.flat, t.flat_len);
	struct geo_db *d = open1(path);
	ck_assert(!geo_file_reused(d, 0));
	ck_assert_str_eq(geo_layout_name(d, 0), "flat");
	expect_loc(d, "192.0.2.1", 25, "US", "", 40.7, -74.0);
	expect_loc(b, "192.0.2.1", 25, "US", "NA", 40.7, -74.0);
	geo_close(b);
	geo_close(d);
	/* nothing open any more: the next open is a new copy */
	a = open1(path);
	ck_assert(!geo_file_reused(a, 0));
	geo_close(a);
	two_dbs_free(&t);
}
END_TEST

/* geo_share: the databases of a geo_db again with no file read (what a
 * publication of one zone keeps): the same answers, its layout and path,
 * after the original is closed and after the file changed on disk. */
START_TEST(test_share_reads_nothing)
{
	const char *path = "tests/tmp/unit/geo-unit-share.mmdb";
	struct two_dbs t;
	two_dbs_at(&t, path);
	struct geo_db *a = open1(path);
	struct geo_db *s = geo_share(a);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(geo_files(s), 1);
	ck_assert_str_eq(geo_file_path(s, 0), path);
	ck_assert(geo_file_reused(s, 0));
	ck_assert_str_eq(geo_layout_name(s, 0), geo_layout_name(a, 0));
	ck_assert_uint_eq(geo_build_epoch(s, 0), geo_build_epoch(a, 0));
	/* the file replaced: the shared databases are the ones read before */
	overwrite(path, t.flat, t.flat_len);
	geo_close(a);
	expect_loc(s, "192.0.2.1", 25, "US", "NA", 40.7, -74.0);
	struct geo_db *s2 = geo_share(s);
	geo_close(s);
	expect_loc(s2, "192.0.2.1", 25, "US", "NA", 40.7, -74.0);
	geo_close(s2);
	ck_assert_ptr_null(geo_share(NULL));
	two_dbs_free(&t);
}
END_TEST

/* The ASN of addr in g's ASN database: walked, found, AS number, prefix. */
static void expect_asn(const struct geo_db *g, const char *addr, bool walked, bool found,
                       uint32_t asn, unsigned prefix)
{
	uint8_t buf[16] = {0};
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(family, addr, buf), 1);
	struct geo_asn a;
	geo_find_asn(g, family, buf, &a);
	ck_assert_msg(a.walked == walked && a.found == found && a.asn == asn &&
	                  (!walked || a.prefix == prefix),
	              "%s: walked %d found %d AS%u /%u", addr, a.walked, a.found, a.asn, a.prefix);
}

/* geoip.asn_database: the GeoLite2-ASN layout (IPv6 tree, IPv4 through
 * ::/96) and the DB-IP one (IPv4 tree), beside the city databases or
 * alone; its networks are its own, not the city database's */
START_TEST(test_asn_database)
{
	char *files[1] = {"tests/tmp/geo/city.mmdb"};
	struct diag d = {0};
	struct geo_db *g = geo_open(files, 1, NULL, &d);
	ck_assert_ptr_nonnull(g);
	ck_assert(!geo_has_asn(g));
	expect_asn(g, "192.0.2.5", false, false, 0, 0);
	ck_assert(geo_open_asn(g, "tests/tmp/geo/asn.mmdb", &d));
	ck_assert_uint_eq(d.count, 0);
	ck_assert(geo_has_asn(g));
	ck_assert_uint_eq(geo_files(g), 2);
	ck_assert_str_eq(geo_file_path(g, 1), "tests/tmp/geo/asn.mmdb");
	ck_assert_str_eq(geo_layout_name(g, 1), "asn");
	ck_assert_str_eq(geo_layout_name(g, 0), "maxmind");
	expect_asn(g, "192.0.2.5", true, true, 64500, 26);
	expect_asn(g, "192.0.2.70", true, true, 64501, 26);
	expect_asn(g, "192.0.2.200", true, true, 64502, 25);
	expect_asn(g, "198.51.100.10", true, true, 64503, 24);
	expect_asn(g, "100.0.7.200", true, true, 64507, 25);
	expect_asn(g, "2001:db8:200::1", true, true, 64505, 32);
	expect_asn(g, "::ffff:203.0.113.9", true, true, 64504, 120);
	/* in no network of the database: walked, the empty network's prefix */
	expect_asn(g, "8.8.8.8", true, false, 0, 2);
	/* the city lookups never see the ASN file */
	struct geo_match m;
	struct geo_location loc;
	find(g, "192.0.2.5", &m, &loc);
	ck_assert(m.found);
	ck_assert_uint_eq(m.db, 0);
	ck_assert_uint_eq(m.prefix, 25);
	find(g, "8.8.8.8", &m, &loc);
	ck_assert(!m.found);
	/* shared with a one-zone publication */
	struct geo_db *s = geo_share(g);
	ck_assert(geo_has_asn(s));
	ck_assert(geo_file_reused(s, 1));
	expect_asn(s, "192.0.2.70", true, true, 64501, 26);
	geo_close(s);
	geo_close(g);

	/* DB-IP's layout, an IPv4 tree, and no city database */
	g = geo_open(NULL, 0, NULL, &d);
	ck_assert_ptr_nonnull(g);
	ck_assert(geo_open_asn(g, "tests/tmp/geo/asn-dbip.mmdb", &d));
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(geo_files(g), 1);
	expect_asn(g, "192.0.2.5", true, true, 64500, 26);
	expect_asn(g, "100.0.7.1", true, true, 64506, 25);
	expect_asn(g, "2001:db8::1", false, false, 0, 0);
	find(g, "192.0.2.5", &m, &loc);
	ck_assert(!m.found);
	geo_close(g);
	diag_free(&d);
}
END_TEST

/* An ASN database that is not one, or not there: the error names the
 * file, and g keeps what it had. */
START_TEST(test_asn_database_refused)
{
	char *files[1] = {"tests/tmp/geo/city.mmdb"};
	struct diag d = {0};
	struct geo_db *g = geo_open(files, 1, NULL, &d);
	ck_assert_ptr_nonnull(g);
	ck_assert(!geo_open_asn(g, "tests/tmp/geo/flat4.mmdb", &d));
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_str_eq(d.msgs[0], "tests/tmp/geo/flat4.mmdb: not an ASN database (database "
	                            "type \"dbip-city-lite\", no autonomous_system_number in its "
	                            "records)");
	ck_assert(!geo_open_asn(g, "tests/tmp/geo/no-such.mmdb", &d));
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_str_eq(d.msgs[1], "tests/tmp/geo/no-such.mmdb: cannot open ASN database: No "
	                            "such file or directory");
	ck_assert(!geo_has_asn(g));
	ck_assert_uint_eq(geo_files(g), 1);
	expect_asn(g, "192.0.2.5", false, false, 0, 0);
	/* and a good one after them */
	ck_assert(geo_open_asn(g, "tests/tmp/geo/asn.mmdb", &d));
	expect_asn(g, "192.0.2.5", true, true, 64500, 26);
	diag_free(&d);
	geo_close(g);
}
END_TEST

/* geo_open of path must fail with "PATH: cannot open GeoIP database: why". */
static void expect_refused(const char *path, const char *why)
{
	char *files[1] = {(char *)path};
	struct diag d = {0};
	ck_assert_ptr_null(geo_open(files, 1, NULL, &d));
	ck_assert_uint_eq(d.count, 1);
	ck_assert_uint_eq(d.errors, 1);
	char want[512];
	snprintf(want, sizeof(want), "%s" OPEN_ERR "%s", path, why ? why : "");
	if (why)
		ck_assert_str_eq(d.msgs[0], want);
	else
		ck_assert_msg(strncmp(d.msgs[0], want, strlen(want)) == 0, "got \"%s\"", d.msgs[0]);
	diag_free(&d);
}

START_TEST(test_truncated_and_half_written_refused)
{
	/* a copy caught halfway (cp writes from the start, the metadata is at
	 * the end): every prefix of a database is refused, none crashes */
	const char *path = "tests/tmp/unit/geo-unit-partial.mmdb";
	size_t len;
	uint8_t *city = slurp(CITY, &len);
	overwrite(path, city, 0);
	expect_refused(path, "the file is empty (truncated, or still being written?)");
	for (size_t n = 1; n < len; n += (n < 64 || n > len - 64) ? 1 : 37) {
		overwrite(path, city, n);
		expect_refused(path, NULL);
	}
	/* the last byte missing: the metadata is cut, not the tree */
	overwrite(path, city, len - 1);
	expect_refused(path, "The MaxMind DB file contains invalid metadata");
	/* a FIFO in its place: refused at once, not waited on */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	expect_refused(path, "not a regular file");
	ck_assert_int_eq(unlink(path), 0);
	free(city);
}
END_TEST

START_TEST(test_garbled_bytes_never_crash)
{
	/* every 3rd byte of the database inverted in turn (tree, separator,
	 * data, marker, metadata): each variant is either refused with a
	 * reason or opened and then walked and decoded for every probe
	 * address without a fault (ASan watches the reads) */
	const char *path = "tests/tmp/unit/geo-unit-garbled.mmdb";
	size_t len;
	uint8_t *city = slurp(CITY, &len);
	size_t opened = 0, refused = 0;
	for (size_t at = 0; at < len; at += 3) {
		city[at] ^= 0xff;
		overwrite(path, city, len);
		city[at] ^= 0xff;
		char *files[1] = {(char *)path};
		struct diag d = {0};
		struct geo_db *g = geo_open(files, 1, NULL, &d);
		if (!g) {
			ck_assert_uint_eq(d.errors, 1);
			ck_assert_msg(strstr(d.msgs[0], OPEN_ERR) != NULL, "got \"%s\"", d.msgs[0]);
			refused++;
		} else {
			ck_assert_uint_eq(d.count, 0);
			for (size_t k = 0; k < sizeof(probe_addrs) / sizeof(probe_addrs[0]); k++) {
				struct geo_match m;
				struct geo_location loc;
				find(g, probe_addrs[k], &m, &loc);
				ck_assert_uint_le(m.prefix, 128);
			}
			geo_close(g);
			opened++;
		}
		diag_free(&d);
	}
	/* a broken marker or metadata is refused; most of the tree and data
	 * still opens (a bad record is the lookup's error, not the open's) */
	ck_assert_uint_gt(refused, 0);
	ck_assert_uint_gt(opened, 0);
	ck_assert_uint_eq(opened + refused, (len + 2) / 3);
	free(city);
}
END_TEST

/* ---- lookups ---- */

START_TEST(test_ipv4_in_ipv6_tree_and_ipv4_tree)
{
	struct geo_db *g6 = open1(CITY), *g4 = open1(CITY4);
	/* the same answers from an IPv6 tree (through ::/96) and an IPv4 tree,
	 * with the prefix in IPv4 bits in both */
	for (int i = 0; i < 2; i++) {
		const struct geo_db *g = i ? g4 : g6;
		expect_loc(g, "192.0.2.5", 25, "US", "NA", 40.7, -74.0);
		expect_loc(g, "192.0.2.200", 25, "CA", "NA", 43.7, -79.4);
		expect_loc(g, "203.0.113.1", 25, "SG", "AS", 1.35, 103.8);
		expect_loc(g, "203.0.113.130", 26, "CN", "AS", 39.9, 116.4);
		expect_loc(g, "203.0.113.255", 26, "AU", "OC", -33.9, 151.2);
	}
	struct geo_match m6, m4;
	struct geo_location l6, l4;
	find(g6, "192.0.2.5", &m6, &l6);
	find(g4, "192.0.2.5", &m4, &l4);
	ck_assert_int_eq(memcmp(&l6, &l4, sizeof(l6)), 0);
	ck_assert_uint_eq(m6.prefix, m4.prefix);
	ck_assert_uint_eq(m6.db, 0);
	ck_assert_uint_eq(m4.db, 0);
	/* two addresses of one network: the same record */
	struct geo_match a, b;
	struct geo_location la;
	find(g6, "192.0.2.1", &a, &la);
	find(g6, "192.0.2.127", &b, &la);
	ck_assert_uint_eq(a.record, b.record);
	find(g6, "192.0.2.128", &b, &la);
	ck_assert_uint_ne(a.record, b.record);
	geo_close(g6);
	geo_close(g4);
}
END_TEST

START_TEST(test_nested_networks)
{
	/* 198.51.100.0/24 IE with 198.51.100.0/26 GB inserted inside it: the
	 * tree holds GB 198.51.100.0/26, and the rest of the /24 as IE
	 * 198.51.100.64/26 + 198.51.100.128/25 */
	static const char *const files[] = {CITY, CITY4};
	for (int i = 0; i < 2; i++) {
		struct geo_db *g = open1(files[i]);
		expect_loc(g, "198.51.100.5", 26, "GB", "EU", 51.5, -0.1);
		expect_loc(g, "198.51.100.0", 26, "GB", "EU", 51.5, -0.1);
		expect_loc(g, "198.51.100.63", 26, "GB", "EU", 51.5, -0.1);
		expect_loc(g, "198.51.100.64", 26, "IE", "EU", 53.3, -6.3);
		expect_loc(g, "198.51.100.127", 26, "IE", "EU", 53.3, -6.3);
		expect_loc(g, "198.51.100.128", 25, "IE", "EU", 53.3, -6.3);
		expect_loc(g, "198.51.100.200", 25, "IE", "EU", 53.3, -6.3);
		/* both IE pieces are one record */
		struct geo_match a, b;
		struct geo_location l;
		find(g, "198.51.100.64", &a, &l);
		find(g, "198.51.100.200", &b, &l);
		ck_assert_uint_eq(a.record, b.record);
		geo_close(g);
	}
}
END_TEST

START_TEST(test_ipv6_lookups)
{
	struct geo_db *g = open1(CITY);
	expect_loc(g, "2001:db8::1", 48, "US", "NA", 37.8, -122.4);
	expect_loc(g, "2001:db8:0:ffff::1", 48, "US", "NA", 37.8, -122.4);
	expect_loc(g, "2001:db8:100::1", 40, "DE", "EU", 50.1, 8.7);
	expect_loc(g, "2001:db8:1ff:ffff::1", 40, "DE", "EU", 50.1, 8.7);
	expect_loc(g, "2001:db8:200::1", 40, "IN", "AS", 19.1, 72.9);
	/* an IPv4-mapped address asked as IPv6 reaches the IPv4 data through the
	 * alias, with the prefix counted in IPv6 bits */
	expect_loc(g, "::ffff:192.0.2.5", 96 + 25, "US", "NA", 40.7, -74.0);
	geo_close(g);
}
END_TEST

START_TEST(test_not_found)
{
	struct geo_match m;
	struct geo_location loc;
	/*
	 * Not in the database: found false, and the prefix is the depth of the
	 * empty record the walk ended on, i.e. the largest network around the
	 * address that holds no data. 8.8.8.8 = 00001000...: the only network
	 * starting with bit 0 is 100.0.0.0/16 (01100100), so the walk leaves the
	 * data at bit 1 and the empty record is 0.0.0.0/2.
	 */
	static const char *const v4files[] = {CITY, CITY4, FLAT4};
	for (int i = 0; i < 3; i++) {
		struct geo_db *g = open1(v4files[i]);
		find(g, "8.8.8.8", &m, &loc);
		ck_assert(!m.found);
		ck_assert_uint_eq(m.record, 0);
		ck_assert_uint_eq(m.prefix, 2);
		ck_assert(!loc.has_coords);
		ck_assert_str_eq(loc.country, "");
		ck_assert_str_eq(loc.continent, "");
		/* 192.0.3.1 leaves 192.0.2.0/24 at bit 23: empty 192.0.3.0/24 */
		find(g, "192.0.3.1", &m, &loc);
		ck_assert(!m.found);
		ck_assert_uint_eq(m.prefix, 24);
		geo_close(g);
	}
	/* 2001:db8:300::1: its bits 32..39 are 00000011, the closest data is
	 * 2001:db8:200::/40 (00000010), so the walk ends at depth 40 */
	static const char *const v6files[] = {CITY, FLAT6};
	for (int i = 0; i < 2; i++) {
		struct geo_db *g = open1(v6files[i]);
		find(g, "2001:db8:300::1", &m, &loc);
		ck_assert(!m.found);
		ck_assert_uint_eq(m.prefix, 40);
		geo_close(g);
	}
}
END_TEST

START_TEST(test_record_without_coordinates)
{
	static const char *const files[] = {CITY, CITY4};
	for (int i = 0; i < 2; i++) {
		struct geo_db *g = open1(files[i]);
		struct geo_match m;
		struct geo_location loc;
		find(g, "100.0.1.1", &m, &loc);
		ck_assert(m.found);
		ck_assert_uint_eq(m.prefix, 16);
		ck_assert(!loc.has_coords);
		ck_assert_double_eq(loc.lat, 0);
		ck_assert_double_eq(loc.lon, 0);
		ck_assert_str_eq(loc.country, "FR");
		ck_assert_str_eq(loc.continent, "EU");
		geo_close(g);
	}
	struct geo_db *g = open1(FLAT4);
	struct geo_match m;
	struct geo_location loc;
	find(g, "100.0.255.255", &m, &loc);
	ck_assert(m.found);
	ck_assert_uint_eq(m.prefix, 16);
	ck_assert(!loc.has_coords);
	ck_assert_str_eq(loc.country, "FR");
	ck_assert_str_eq(loc.continent, "");
	geo_close(g);
}
END_TEST

START_TEST(test_flat_layout)
{
	struct geo_db *g = open1(FLAT4);
	/* country and coordinates, no continent in this layout */
	expect_loc(g, "192.0.2.5", 25, "US", "", 40.7, -74.0);
	expect_loc(g, "198.51.100.5", 26, "GB", "", 51.5, -0.1);
	expect_loc(g, "198.51.100.200", 25, "IE", "", 53.3, -6.3);
	geo_close(g);
	g = open1(FLAT6);
	expect_loc(g, "2001:db8::1", 48, "US", "", 37.8, -122.4);
	expect_loc(g, "2001:db8:100::1", 40, "DE", "", 50.1, 8.7);
	geo_close(g);
}
END_TEST

START_TEST(test_two_files)
{
	/* in either order: IPv4 from the IPv4 file, IPv6 from the IPv6 one */
	for (int order = 0; order < 2; order++) {
		struct geo_db *g = order ? open2(FLAT6, FLAT4, NULL) : open2(FLAT4, FLAT6, NULL);
		unsigned v4 = order ? 1 : 0, v6 = order ? 0 : 1;
		struct geo_match m;
		struct geo_location loc;
		find(g, "192.0.2.5", &m, &loc);
		ck_assert(m.found);
		ck_assert_uint_eq(m.db, v4);
		ck_assert_uint_eq(m.prefix, 25);
		ck_assert_str_eq(loc.country, "US");
		find(g, "2001:db8:100::1", &m, &loc);
		ck_assert(m.found);
		ck_assert_uint_eq(m.db, v6);
		ck_assert_uint_eq(m.prefix, 40);
		ck_assert_str_eq(loc.country, "DE");
		/* not found in the IPv4 file: that file's answer (no second try) */
		find(g, "8.8.8.8", &m, &loc);
		ck_assert(!m.found);
		ck_assert_uint_eq(m.db, v4);
		ck_assert_uint_eq(m.prefix, 2);
		geo_close(g);
	}
	/* an IPv6-tree City database and an IPv4 flat one: IPv4 clients are
	 * looked up in the IPv4 file first */
	struct geo_db *g = open2(CITY, FLAT4, NULL);
	struct geo_match m;
	struct geo_location loc;
	find(g, "192.0.2.5", &m, &loc);
	ck_assert(m.found);
	ck_assert_uint_eq(m.db, 1);
	ck_assert_str_eq(loc.continent, ""); /* flat: no continent */
	find(g, "2001:db8::1", &m, &loc);
	ck_assert_uint_eq(m.db, 0);
	ck_assert_str_eq(loc.continent, "NA");
	geo_close(g);
}
END_TEST

START_TEST(test_family_mismatch)
{
	struct geo_match m;
	struct geo_location loc;
	/* an IPv6 client against IPv4-only databases: not found, no prefix */
	static const char *const v4only[] = {CITY4, FLAT4};
	for (int i = 0; i < 2; i++) {
		struct geo_db *g = open1(v4only[i]);
		find(g, "2001:db8::1", &m, &loc);
		ck_assert(!m.found);
		ck_assert_uint_eq(m.prefix, 0);
		ck_assert_uint_eq(m.record, 0);
		ck_assert(!loc.has_coords);
		ck_assert_str_eq(loc.country, "");
		geo_close(g);
	}
	/* an IPv4 client against the IPv6-only flat file (its IPv4 space holds
	 * no data): not found */
	struct geo_db *g = open1(FLAT6);
	find(g, "192.0.2.5", &m, &loc);
	ck_assert(!m.found);
	ck_assert_str_eq(loc.country, "");
	geo_close(g);
	/* no database at all */
	uint8_t a[4] = {192, 0, 2, 5};
	geo_find(NULL, AF_INET, a, &m);
	ck_assert(!m.found);
	ck_assert_uint_eq(m.prefix, 0);
}
END_TEST

/* ---- key paths from the config ---- */

START_TEST(test_path_override)
{
	/* country read from a path that does not exist: empty; the other
	 * fields keep their layout defaults */
	static const char *const nosuch[] = {"country", "no_such_key", NULL};
	struct geo_paths p = {.country = nosuch};
	struct geo_db *g = open2(CITY, NULL, &p);
	struct geo_match m;
	struct geo_location loc;
	find(g, "198.51.100.5", &m, &loc);
	ck_assert(m.found);
	ck_assert_str_eq(loc.country, "");
	ck_assert_str_eq(loc.continent, "EU");
	ck_assert(loc.has_coords);
	ck_assert_double_eq_tol(loc.lat, 51.5, 1e-9);
	geo_close(g);

	/* country from "city"."names"."en": a string, but not a 2-letter code */
	static const char *const cityname[] = {"city", "names", "en", NULL};
	p = (struct geo_paths){.country = cityname};
	g = open2(CITY, NULL, &p);
	find(g, "198.51.100.5", &m, &loc);
	ck_assert_str_eq(loc.country, "");
	geo_close(g);

	/* every field moved: latitude from the longitude, continent from the
	 * country code, country from the continent code */
	static const char *const lon[] = {"location", "longitude", NULL};
	static const char *const lat[] = {"location", "latitude", NULL};
	static const char *const cc[] = {"country", "iso_code", NULL};
	static const char *const ct[] = {"continent", "code", NULL};
	p = (struct geo_paths){.latitude = lon, .longitude = lat, .country = ct, .continent = cc};
	g = open2(CITY, NULL, &p);
	find(g, "192.0.2.5", &m, &loc);
	ck_assert(loc.has_coords);
	ck_assert_double_eq_tol(loc.lat, -74.0, 1e-9);
	ck_assert_double_eq_tol(loc.lon, 40.7, 1e-9);
	ck_assert_str_eq(loc.country, "NA");
	ck_assert_str_eq(loc.continent, "US");
	/* a latitude path whose value is out of range (Sydney's longitude
	 * 151.2 as a latitude): no coordinates */
	find(g, "203.0.113.200", &m, &loc);
	ck_assert(m.found);
	ck_assert(!loc.has_coords);
	ck_assert_str_eq(loc.country, "OC");
	geo_close(g);

	/* a latitude path that is a map, not a number: no coordinates */
	static const char *const locmap[] = {"location", NULL};
	p = (struct geo_paths){.latitude = locmap};
	g = open2(CITY, NULL, &p);
	find(g, "192.0.2.5", &m, &loc);
	ck_assert(!loc.has_coords);
	ck_assert_str_eq(loc.country, "US");
	geo_close(g);

	/* the override applies to the flat layout too: the continent read from
	 * the flat file's country_code */
	static const char *const flatcc[] = {"country_code", NULL};
	p = (struct geo_paths){.continent = flatcc};
	g = open2(FLAT4, NULL, &p);
	find(g, "192.0.2.5", &m, &loc);
	ck_assert_str_eq(loc.country, "US");
	ck_assert_str_eq(loc.continent, "US");
	geo_close(g);
}
END_TEST

/* ---- distance ---- */

START_TEST(test_distance)
{
	/* London - Paris: 343.5 km */
	double d = geo_distance_km(51.5074, -0.1278, 48.8566, 2.3522);
	ck_assert_double_eq_tol(d, 343.5, 1.0);
	/* symmetric */
	ck_assert_double_eq_tol(geo_distance_km(48.8566, 2.3522, 51.5074, -0.1278), d, 1e-9);
	/* antipodes: half the circumference of a 6371 km sphere, 20015.1 km */
	ck_assert_double_eq_tol(geo_distance_km(0, 0, 0, 180), 20015.1, 1.0);
	ck_assert_double_eq_tol(geo_distance_km(90, 0, -90, 0), 20015.1, 1.0);
	ck_assert_double_eq_tol(geo_distance_km(40.7, -74.0, -40.7, 106.0), 20015.1, 1.0);
	/* the same point */
	ck_assert_double_eq_tol(geo_distance_km(53.3, -6.3, 53.3, -6.3), 0, 1e-9);
	/* across the antimeridian: 1 degree of longitude on the equator */
	ck_assert_double_eq_tol(geo_distance_km(0, 179.5, 0, -179.5), 111.19, 0.01);
	/* New York - Dublin (regions of the service tests): 5114 km */
	ck_assert_double_eq_tol(geo_distance_km(40.7, -74.0, 53.3, -6.3), 5114, 1.0);
}
END_TEST

/* geo/watch.c: a file replaced (renamed over, rewritten in place with
 * another size, removed) is due at the second poll that sees it the same
 * (a copy in progress is waited out), once; a mark (what a build reads)
 * settles it; an untouched file is never due. */
START_TEST(test_watch)
{
	char *files[2];
	files[0] = xstrdup(unit_write_file("geo-watch-a.mmdb", "one"));
	files[1] = xstrdup(unit_write_file("geo-watch-b.mmdb", "two"));
	struct geo_watch *w = geo_watch_new(files, 2);
	ck_assert_ptr_nonnull(w);
	ck_assert_str_eq(geo_watch_path(w, 1), files[1]);
	size_t which = 99;
	ck_assert(!geo_watch_poll(w, &which));
	ck_assert(!geo_watch_poll(w, &which));
	/* renamed over: a new inode */
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", files[1]);
	FILE *f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	fputs("three", f);
	fclose(f);
	ck_assert_int_eq(rename(tmp, files[1]), 0);
	ck_assert(!geo_watch_poll(w, &which)); /* first seen: not settled */
	ck_assert(geo_watch_poll(w, &which));
	ck_assert_uint_eq(which, 1);
	ck_assert(geo_watch_poll(w, &which)); /* due until marked */
	geo_watch_mark(w);
	ck_assert(!geo_watch_poll(w, &which));
	/* rewritten in place, growing at each poll: due once it stops */
	f = fopen(files[0], "a");
	ck_assert_ptr_nonnull(f);
	fputs("x", f);
	fflush(f);
	ck_assert(!geo_watch_poll(w, &which));
	fputs("y", f);
	fflush(f);
	ck_assert(!geo_watch_poll(w, &which));
	fclose(f);
	ck_assert(geo_watch_poll(w, &which));
	ck_assert_uint_eq(which, 0);
	geo_watch_mark(w);
	/* removed: due (the build then fails on it); marked: not again */
	ck_assert_int_eq(unlink(files[0]), 0);
	ck_assert(!geo_watch_poll(w, &which));
	ck_assert(geo_watch_poll(w, &which));
	ck_assert_uint_eq(which, 0);
	geo_watch_mark(w);
	ck_assert(!geo_watch_poll(w, &which));
	ck_assert(!geo_watch_poll(w, &which));
	geo_watch_free(w);
	ck_assert_ptr_null(geo_watch_new(files, 0));
	free(files[0]);
	free(files[1]);
}
END_TEST

Suite *geo_suite(void)
{
	Suite *s = suite_create("geo");
	TCase *tc = tcase_create("open");
	tcase_set_timeout(tc, 60); /* runs tools/mkgeodb (Perl) three times */
	tcase_add_test(tc, test_open_layouts);
	tcase_add_test(tc, test_layout_from_first_record);
	tcase_add_test(tc, test_open_missing_file);
	tcase_add_test(tc, test_open_second_file_missing);
	tcase_add_test(tc, test_open_not_a_database);
	suite_add_tcase(s, tc);
	tc = tcase_create("copy");
	tcase_set_timeout(tc, 60); /* thousands of small opens under ASan */
	tcase_add_test(tc, test_copy_walks_like_mmdb_open);
	tcase_add_test(tc, test_file_changed_after_open);
	tcase_add_test(tc, test_reopen_shares_unchanged_bytes);
	tcase_add_test(tc, test_share_reads_nothing);
	tcase_add_test(tc, test_truncated_and_half_written_refused);
	tcase_add_test(tc, test_garbled_bytes_never_crash);
	suite_add_tcase(s, tc);
	tc = tcase_create("lookup");
	tcase_add_test(tc, test_ipv4_in_ipv6_tree_and_ipv4_tree);
	tcase_add_test(tc, test_nested_networks);
	tcase_add_test(tc, test_ipv6_lookups);
	tcase_add_test(tc, test_not_found);
	tcase_add_test(tc, test_record_without_coordinates);
	tcase_add_test(tc, test_flat_layout);
	tcase_add_test(tc, test_two_files);
	tcase_add_test(tc, test_family_mismatch);
	tcase_add_test(tc, test_path_override);
	suite_add_tcase(s, tc);
	tc = tcase_create("distance");
	tcase_add_test(tc, test_distance);
	tcase_add_test(tc, test_watch);
	tcase_add_test(tc, test_asn_database);
	tcase_add_test(tc, test_asn_database_refused);
	suite_add_tcase(s, tc);
	return s;
}
