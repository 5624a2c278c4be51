/*
 * geo.c - libmaxminddb wrapper: opening, layout detection, lookups.
 */
#include "geo.h"

#include "diag.h"
#include "gd.h"

#include <errno.h>
#include <math.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define GEO_MAX_FILES 4

enum geo_layout { LAYOUT_MAXMIND, LAYOUT_FLAT };

struct geo_file {
	MMDB_s mmdb;
	enum geo_layout layout;
	const char *const *lat, *const *lon, *const *country, *const *continent;
};

struct geo_db {
	struct geo_file files[GEO_MAX_FILES];
	size_t n;
};

static const char *const mm_lat[] = {"location", "latitude", NULL};
static const char *const mm_lon[] = {"location", "longitude", NULL};
static const char *const mm_country[] = {"country", "iso_code", NULL};
static const char *const mm_continent[] = {"continent", "code", NULL};
static const char *const flat_lat[] = {"latitude", NULL};
static const char *const flat_lon[] = {"longitude", NULL};
static const char *const flat_country[] = {"country_code", NULL};
static const char *const flat_continent[] = {"continent", NULL};

/* The first data record in the tree (leftmost), to probe the layout. */
static bool first_record(MMDB_s *mm, MMDB_entry_s *out)
{
	uint32_t node = 0;
	for (unsigned depth = 0; depth < 129; depth++) {
		MMDB_search_node_s sn;
		if (MMDB_read_node(mm, node, &sn) != MMDB_SUCCESS)
			return false;
		/* prefer the left branch; fall back to the right one */
		for (int side = 0; side < 2; side++) {
			uint8_t type = side ? sn.right_record_type : sn.left_record_type;
			uint64_t rec = side ? sn.right_record : sn.left_record;
			if (type == MMDB_RECORD_TYPE_DATA) {
				*out = side ? sn.right_record_entry : sn.left_record_entry;
				return true;
			}
			if (type == MMDB_RECORD_TYPE_SEARCH_NODE) {
				node = (uint32_t)rec;
				goto next;
			}
		}
		return false;
	next:;
	}
	return false;
}

static bool has_path(MMDB_entry_s *e, const char *const *path)
{
	MMDB_entry_data_s d;
	return MMDB_aget_value(e, &d, path) == MMDB_SUCCESS && d.has_data;
}

static void detect_layout(struct geo_file *f)
{
	const char *type = f->mmdb.metadata.database_type;
	if (type && (strncmp(type, "GeoIP2", 6) == 0 || strncmp(type, "GeoLite2", 8) == 0)) {
		f->layout = LAYOUT_MAXMIND;
		return;
	}
	MMDB_entry_s e;
	if (first_record(&f->mmdb, &e)) {
		if (has_path(&e, mm_lat) || has_path(&e, mm_country)) {
			f->layout = LAYOUT_MAXMIND;
			return;
		}
		if (has_path(&e, flat_lat) || has_path(&e, flat_country)) {
			f->layout = LAYOUT_FLAT;
			return;
		}
	}
	f->layout = (type && strstr(type, "dbip")) ? LAYOUT_FLAT : LAYOUT_MAXMIND;
}

struct geo_db *geo_open(char *const *files, size_t n, const struct geo_paths *paths,
			struct diag *diag)
{
	if (n > GEO_MAX_FILES) {
		diag_error(diag, files[0], 0, 0, "at most %d GeoIP databases", GEO_MAX_FILES);
		return NULL;
	}
	struct geo_db *g = xcalloc(1, sizeof(*g));
	for (size_t i = 0; i < n; i++) {
		struct geo_file *f = &g->files[i];
		errno = 0;
		int rc = MMDB_open(files[i], MMDB_MODE_MMAP, &f->mmdb);
		if (rc != MMDB_SUCCESS) {
			bool sys = (rc == MMDB_IO_ERROR || rc == MMDB_FILE_OPEN_ERROR) && errno;
			diag_error(diag, files[i], 0, 0, "cannot open GeoIP database: %s",
				   sys ? strerror(errno) : MMDB_strerror(rc));
			geo_close(g);
			return NULL;
		}
		g->n++;
		detect_layout(f);
		bool mm = f->layout == LAYOUT_MAXMIND;
		f->lat = paths && paths->latitude ? paths->latitude : mm ? mm_lat : flat_lat;
		f->lon = paths && paths->longitude ? paths->longitude : mm ? mm_lon : flat_lon;
		f->country = paths && paths->country ? paths->country
						      : mm ? mm_country : flat_country;
		f->continent = paths && paths->continent ? paths->continent
							  : mm ? mm_continent : flat_continent;
	}
	return g;
}

void geo_close(struct geo_db *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		MMDB_close(&g->files[i].mmdb);
	free(g);
}

const char *geo_layout_name(const struct geo_db *g, size_t i)
{
	return g->files[i].layout == LAYOUT_FLAT ? "flat" : "maxmind";
}

void geo_find(const struct geo_db *g, int family, const uint8_t *addr, struct geo_match *m)
{
	memset(m, 0, sizeof(*m));
	if (!g)
		return;
	/* an IPv4 client: an IPv4 database first, else an IPv6 tree (::/96);
	 * an IPv6 client: IPv6 databases only */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < g->n; i++) {
			const MMDB_s *mm = &g->files[i].mmdb;
			unsigned ver = mm->metadata.ip_version;
			if (family == AF_INET6 && ver != 6)
				continue;
			if (family == AF_INET && ver != (pass == 0 ? 4u : 6u))
				continue;
			union {
				struct sockaddr sa;
				struct sockaddr_in in;
				struct sockaddr_in6 in6;
			} sa;
			memset(&sa, 0, sizeof(sa));
			if (family == AF_INET) {
				sa.in.sin_family = AF_INET;
				memcpy(&sa.in.sin_addr, addr, 4);
			} else {
				sa.in6.sin6_family = AF_INET6;
				memcpy(&sa.in6.sin6_addr, addr, 16);
			}
			int err = 0;
			MMDB_lookup_result_s r = MMDB_lookup_sockaddr(mm, &sa.sa, &err);
			if (err != MMDB_SUCCESS)
				continue;
			int prefix = r.netmask;
			if (family == AF_INET && ver == 6)
				prefix -= mm->ipv4_start_node.netmask;
			if (prefix < 0)
				prefix = 0;
			m->prefix = (uint8_t)prefix;
			m->db = (uint8_t)i;
			if (r.found_entry) {
				m->found = true;
				m->record = r.entry.offset;
			}
			return;
		}
		if (family != AF_INET)
			break;
	}
}

static bool get_double(MMDB_entry_s *e, const char *const *path, double *out)
{
	MMDB_entry_data_s d;
	if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data)
		return false;
	switch (d.type) {
	case MMDB_DATA_TYPE_DOUBLE: *out = d.double_value; return true;
	case MMDB_DATA_TYPE_FLOAT: *out = d.float_value; return true;
	case MMDB_DATA_TYPE_UINT16: *out = d.uint16; return true;
	case MMDB_DATA_TYPE_UINT32: *out = d.uint32; return true;
	case MMDB_DATA_TYPE_INT32: *out = d.int32; return true;
	case MMDB_DATA_TYPE_UTF8_STRING: {
		char buf[32];
		if (d.data_size >= sizeof(buf))
			return false;
		memcpy(buf, d.utf8_string, d.data_size);
		buf[d.data_size] = '\0';
		char *end;
		*out = strtod(buf, &end);
		return end != buf && *end == '\0';
	}
	default: return false;
	}
}

static void get_code(MMDB_entry_s *e, const char *const *path, char out[3])
{
	MMDB_entry_data_s d;
	out[0] = '\0';
	if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2)
		return;
	out[0] = (char)(d.utf8_string[0] & ~0x20); /* upper case */
	out[1] = (char)(d.utf8_string[1] & ~0x20);
	out[2] = '\0';
}

void geo_decode(const struct geo_db *g, const struct geo_match *m, struct geo_location *loc)
{
	memset(loc, 0, sizeof(*loc));
	if (!m->found || m->db >= g->n)
		return;
	const struct geo_file *f = &g->files[m->db];
	MMDB_entry_s e = {.mmdb = &f->mmdb, .offset = m->record};
	double lat, lon;
	if (get_double(&e, f->lat, &lat) && get_double(&e, f->lon, &lon) && lat >= -90 &&
	    lat <= 90 && lon >= -180 && lon <= 180) {
		loc->has_coords = true;
		loc->lat = lat;
		loc->lon = lon;
	}
	get_code(&e, f->country, loc->country);
	get_code(&e, f->continent, loc->continent);
}

double geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371.0, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * atan2(sqrt(a), sqrt(1 - a));
}
