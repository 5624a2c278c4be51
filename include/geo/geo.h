/*
 * geo.h - client location from MaxMind DB files (libmaxminddb).
 *
 * Each file is read once into private read-only memory (geo.c says why:
 * a file changed in place never reaches a running lookup); files with the
 * same bytes as a database still open share its copy.
 *
 * Two record layouts are understood: MaxMind GeoIP2/GeoLite2 City and
 * Country (location.latitude, location.longitude, country.iso_code,
 * continent.code) and the flat layout of DB-IP / ip-location-db
 * (latitude, longitude, country_code). The layout is detected per file from
 * its metadata and first record; config may override the key paths. One
 * more file may be an ASN database (geo_open_asn: GeoLite2-ASN and the
 * DB-IP / ip-location-db ASN databases, autonomous_system_number), walked
 * on its own by geo_find_asn for services' "asns".
 *
 * A lookup is split in two so workers can cache: geo_find() walks the tree
 * and returns the record id and the network prefix (cheap); geo_decode()
 * reads the fields of a record (the costly part), done once per record per
 * worker.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_GEO_H
#define GD_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diag;

/* Key paths inside a record, each NULL-terminated; NULL = layout default. */
struct geo_paths {
	const char *const *latitude;
	const char *const *longitude;
	const char *const *country;
	const char *const *continent;
};

struct geo_location {
	bool has_coords;
	double lat, lon;       /* degrees */
	char country[3];       /* ISO 3166-1 alpha-2, "" when unknown */
	char continent[3];     /* two-letter code, "" when unknown */
};

/* The result of the tree walk. */
struct geo_match {
	bool found;
	uint8_t prefix;        /* network prefix length, in the client's family */
	uint8_t db;            /* which database file */
	uint32_t record;       /* data offset: identifies the record when found
				* (0 is a valid offset: test found, not this) */
};

struct geo_db;

/* Open the files (one, or an IPv4 and an IPv6 one, at most 4): each read
 * whole into memory now, the files are not used afterwards. NULL with
 * diagnostics ("cannot open GeoIP database: REASON") when a file cannot be
 * read, changes while it is read, or is not a whole MaxMind DB. The caller
 * owns the result (geo_close). */
struct geo_db *geo_open(char *const *files, size_t n, const struct geo_paths *paths,
			struct diag *diag);
void geo_close(struct geo_db *g);

/* The databases of g again, sharing its copies (no file read): what a
 * publication of one zone keeps. NULL for NULL; the caller closes it. */
struct geo_db *geo_share(const struct geo_db *g);

/* Did file i have the same bytes as a database already open when g was
 * opened (so g shares that copy: unchanged since the last load)? */
bool geo_file_reused(const struct geo_db *g, size_t i);

/* Open file as g's ASN database (one; after geo_open, which may have
 * opened no city database), read into memory as the others and shared by
 * content and by geo_share the same way; it is the last of geo_files(g).
 * Its layout must have autonomous_system_number in its records
 * (GeoLite2-ASN, GeoIP2-ISP, DB-IP and ip-location-db ASN). false with
 * diagnostics ("cannot open ASN database: REASON", "not an ASN
 * database ...") and g unchanged otherwise. */
bool geo_open_asn(struct geo_db *g, const char *file, struct diag *diag);

/* Has g an ASN database? false for NULL. */
bool geo_has_asn(const struct geo_db *g);

/* The ASN of a client. */
struct geo_asn {
	bool walked;    /* the ASN database has a tree of the family */
	bool found;     /* a record with an AS number holds the address */
	uint8_t prefix; /* its network's prefix (found or not), client family */
	uint32_t asn;
};

/* Walk the ASN database's tree for an address (as geo_find) and read the AS
 * number of the record found. All zero without an ASN database. */
void geo_find_asn(const struct geo_db *g, int family, const uint8_t *addr, struct geo_asn *a);

/* Walk the tree for an address (family AF_INET with 4 bytes or AF_INET6 with
 * 16). IPv4 addresses are found in IPv6-tree databases through ::/96. */
void geo_find(const struct geo_db *g, int family, const uint8_t *addr, struct geo_match *m);

/* Read the location fields of a found record. */
void geo_decode(const struct geo_db *g, const struct geo_match *m, struct geo_location *loc);

/* The files of g (0 for NULL; the ASN database is the last), file i's path as configured, and the
 * time its database was built (its metadata's build_epoch, seconds). */
size_t geo_files(const struct geo_db *g);
const char *geo_file_path(const struct geo_db *g, size_t i);
uint64_t geo_build_epoch(const struct geo_db *g, size_t i);

/* Layout name of file i ("maxmind", "flat" or "asn"), for logs. */
const char *geo_layout_name(const struct geo_db *g, size_t i);

/* Great-circle distance in kilometres (haversine). */
double geo_distance_km(double lat1, double lon1, double lat2, double lon2);

#endif
