/*
 * geo.c - libmaxminddb wrapper: loading, layout detection, lookups.
 *
 * A database is never mapped from its file: a file replaced in place (cp
 * over it, truncate, a writer still at work) would change or take away the
 * pages under a running lookup, and a truncated mapping kills the process
 * with SIGBUS. geo_open() reads each file once into private anonymous
 * memory, made read-only, and points libmaxminddb's MMDB_s at that copy
 * (mmdb_from_copy(): the same checks as MMDB_open, done on our bytes).
 * Nothing outside the process can change the copy, and loading needs
 * neither /proc nor a writable directory, so it works the same after the
 * chroot and privilege drop, where reloads happen.
 *
 * Copies are shared by content: a reload whose file has the same bytes as
 * a database in use takes that copy (one read and a compare, no second
 * copy); a changed file gets a new copy that goes live with the snapshot.
 * A file that is not a whole database (truncated, half written, garbage)
 * fails the open with the reason, and the caller keeps what it has.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "geo/geo.h"

#include "common/diag.h"
#include "common/gd.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define GEO_MAX_FILES 4
/* the city databases and one ASN database */
#define GEO_MAX_SLOTS (GEO_MAX_FILES + 1)
/* data offsets are 32-bit; the largest public databases are a few hundred MB */
#define GEO_MAX_BYTES ((off_t)4 << 30)

enum geo_layout { LAYOUT_MAXMIND, LAYOUT_FLAT, LAYOUT_ASN };

/* One file's bytes in private read-only memory and libmaxminddb's view of
 * them; shared by every geo_db opened on the same bytes (refs, under
 * copies_lock). mmdb.file_content is the mapping, owned here. */
struct geo_copy {
	MMDB_s mmdb;
	size_t refs;
	struct geo_copy *next;
};

static pthread_mutex_t copies_lock = PTHREAD_MUTEX_INITIALIZER;
static struct geo_copy *copies; /* every copy in use */

struct geo_file {
	struct geo_copy *copy;
	char *path; /* as configured */
	bool reused; /* the bytes were already loaded */
	enum geo_layout layout;
	const char *const *lat, *const *lon, *const *country, *const *continent;
};

/* files[0..n): the city databases, then the ASN database when asn */
struct geo_db {
	struct geo_file files[GEO_MAX_SLOTS];
	size_t n;
	bool asn;
};

static const char *const mm_lat[] = {"location", "latitude", NULL};
static const char *const mm_lon[] = {"location", "longitude", NULL};
static const char *const mm_country[] = {"country", "iso_code", NULL};
static const char *const mm_continent[] = {"continent", "code", NULL};
static const char *const flat_lat[] = {"latitude", NULL};
static const char *const flat_lon[] = {"longitude", NULL};
static const char *const flat_country[] = {"country_code", NULL};
static const char *const flat_continent[] = {"continent", NULL};
/* GeoLite2-ASN, GeoIP2-ISP, DB-IP ASN and ip-location-db's asn databases */
static const char *const asn_number[] = {"autonomous_system_number", NULL};

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
	MMDB_s *mm = &f->copy->mmdb;
	const char *type = mm->metadata.database_type;
	if (type && (strncmp(type, "GeoIP2", 6) == 0 || strncmp(type, "GeoLite2", 8) == 0)) {
		f->layout = LAYOUT_MAXMIND;
		return;
	}
	MMDB_entry_s e;
	if (first_record(mm, &e)) {
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

/*
 * Read the whole regular file at path into private anonymous memory, made
 * read-only. A file that changes while it is read (a writer at work) is
 * refused rather than copied half old, half new. Returns the mapping
 * (*size bytes; the caller munmaps it) or NULL with the reason in *why
 * (errno text or a fixed string).
 */
static uint8_t *read_copy(const char *path, size_t *size, const char **why)
{
	/* a FIFO in the database's place must not hang a reload */
	struct stat before, after;
	int fd = open_regular(path, &before);
	if (fd < 0) {
		*why = fd == -2 ? "not a regular file" : strerror(errno);
		return NULL;
	}
	uint8_t *buf = NULL;
	if (before.st_size == 0) {
		*why = "the file is empty (truncated, or still being written?)";
		goto done;
	}
	if (before.st_size > GEO_MAX_BYTES) {
		*why = "larger than 4 GiB";
		goto done;
	}
	size_t n = (size_t)before.st_size, got = 0;
	buf = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		buf = NULL;
		*why = strerror(errno);
		goto done;
	}
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	uint8_t extra;
	bool grown = got == n && pread(fd, &extra, 1, (off_t)n) != 0;
	if (got != n || grown || fstat(fd, &after) < 0 || after.st_size != before.st_size ||
	    after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
	    after.st_mtim.tv_nsec != before.st_mtim.tv_nsec) {
		*why = "the file changed while it was read (still being written?)";
		munmap(buf, n);
		buf = NULL;
		goto done;
	}
	mprotect(buf, n, PROT_READ);
	*size = n;
done:
	close(fd);
	return buf;
}

/* The metadata of a MaxMind DB follows the last marker in its final
 * 128 KiB. NULL when there is none. */
static const uint8_t *find_metadata(const uint8_t *buf, size_t size, size_t *meta_size)
{
	static const char marker[] = "\xab\xcd\xefMaxMind.com";
	const size_t len = sizeof(marker) - 1, window = 128 * 1024;
	size_t lowest = size > window ? size - window : 0;
	for (size_t at = size >= len ? size - len + 1 : 0; at-- > lowest;) {
		if (buf[at] == 0xab && memcmp(buf + at, marker, len) == 0) {
			*meta_size = size - at - len;
			return *meta_size ? buf + at + len : NULL;
		}
	}
	return NULL;
}

/* An unsigned metadata value of the given type; 0 when absent or of
 * another type (every one read here must be nonzero, except the minor
 * version). */
static uint64_t meta_uint(MMDB_entry_s *meta, const char *key, uint32_t type)
{
	MMDB_entry_data_s d;
	if (MMDB_get_value(meta, &d, key, NULL) != MMDB_SUCCESS || !d.has_data || d.type != type)
		return 0;
	switch (type) {
	case MMDB_DATA_TYPE_UINT16: return d.uint16;
	case MMDB_DATA_TYPE_UINT32: return d.uint32;
	default: return d.uint64;
	}
}

/*
 * Fill *mm for the database in buf (size bytes), as MMDB_open() would for a
 * mapped file: metadata (node_count, record_size, ip_version, format
 * version, build_epoch, database_type), the sizes of the search tree and
 * the data section checked against the file, the IPv4 subtree of an IPv6
 * tree. Languages and descriptions are not read (nothing here uses them).
 * On success mm->file_content is buf and mm->filename, database_type are
 * allocated: free_copy() releases all three. An MMDB_* error otherwise, mm
 * holding nothing.
 */
static int mmdb_from_copy(const uint8_t *buf, size_t size, const char *path, MMDB_s *mm)
{
	memset(mm, 0, sizeof(*mm));
	size_t meta_size;
	const uint8_t *meta = find_metadata(buf, size, &meta_size);
	if (!meta || meta_size > UINT32_MAX)
		return MMDB_INVALID_METADATA_ERROR;
	/* metadata decodes like a data section of its own */
	MMDB_s meta_db = {.data_section = meta, .data_section_size = (uint32_t)meta_size};
	MMDB_entry_s me = {.mmdb = &meta_db, .offset = 0};
	MMDB_metadata_s *md = &mm->metadata;
	md->node_count = (uint32_t)meta_uint(&me, "node_count", MMDB_DATA_TYPE_UINT32);
	md->record_size = (uint16_t)meta_uint(&me, "record_size", MMDB_DATA_TYPE_UINT16);
	md->ip_version = (uint16_t)meta_uint(&me, "ip_version", MMDB_DATA_TYPE_UINT16);
	md->binary_format_major_version =
	    (uint16_t)meta_uint(&me, "binary_format_major_version", MMDB_DATA_TYPE_UINT16);
	md->binary_format_minor_version =
	    (uint16_t)meta_uint(&me, "binary_format_minor_version", MMDB_DATA_TYPE_UINT16);
	md->build_epoch = meta_uint(&me, "build_epoch", MMDB_DATA_TYPE_UINT64);
	MMDB_entry_data_s type;
	/* a value missing (0) is invalid metadata, a value not understood an
	 * unknown format: MMDB_open's errors */
	if (!md->node_count || !md->record_size || !md->binary_format_major_version ||
	    !md->build_epoch || (md->ip_version != 4 && md->ip_version != 6) ||
	    MMDB_get_value(&me, &type, "database_type", NULL) != MMDB_SUCCESS || !type.has_data ||
	    type.type != MMDB_DATA_TYPE_UTF8_STRING)
		return MMDB_INVALID_METADATA_ERROR;
	if (md->record_size != 24 && md->record_size != 28 && md->record_size != 32)
		return MMDB_UNKNOWN_DATABASE_FORMAT_ERROR;
	if (md->binary_format_major_version != 2)
		return MMDB_UNKNOWN_DATABASE_FORMAT_ERROR;
	mm->full_record_byte_size = (uint16_t)(md->record_size * 2 / 8);
	mm->depth = md->ip_version == 4 ? 32 : 128;

	/* search tree, 16 zero bytes, data section, metadata marker, metadata */
	uint64_t tree = (uint64_t)md->node_count * mm->full_record_byte_size;
	if (tree + 16 > size)
		return MMDB_INVALID_METADATA_ERROR;
	uint64_t data = size - tree - 16;
	if (data == 0 || data > UINT32_MAX)
		return MMDB_INVALID_METADATA_ERROR;
	if (data < 3) /* lookups' bounds checks assume at least 3 */
		return MMDB_INVALID_DATA_ERROR;
	mm->file_content = buf;
	mm->file_size = (ssize_t)size;
	mm->data_section = buf + tree + 16;
	mm->data_section_size = (uint32_t)data;
	mm->metadata_section = meta;
	mm->metadata_section_size = (uint32_t)meta_size;

	/* IPv4 addresses in an IPv6 tree start at ::/96: the node 96 left
	 * turns down (or the record met before) */
	if (md->ip_version == 6) {
		uint64_t node = 0;
		uint16_t bits = 0;
		for (; bits < 96 && node < md->node_count; bits++) {
			MMDB_search_node_s sn;
			if (MMDB_read_node(mm, (uint32_t)node, &sn) != MMDB_SUCCESS) {
				memset(mm, 0, sizeof(*mm));
				return MMDB_CORRUPT_SEARCH_TREE_ERROR;
			}
			node = sn.left_record;
		}
		mm->ipv4_start_node.node_value = (uint32_t)node;
		mm->ipv4_start_node.netmask = bits;
	}
	char *name = xmalloc((size_t)type.data_size + 1);
	memcpy(name, type.utf8_string, type.data_size);
	name[type.data_size] = '\0';
	md->database_type = name;
	mm->filename = xstrdup(path);
	mm->flags = MMDB_MODE_MMAP;
	return MMDB_SUCCESS;
}

/* Release a copy whose last user is gone: its mapping and strings. */
static void free_copy(struct geo_copy *c)
{
	munmap((void *)c->mmdb.file_content, (size_t)c->mmdb.file_size);
	free((void *)c->mmdb.filename);
	free((void *)c->mmdb.metadata.database_type);
	free(c);
}

/* The copy of path's current bytes: one in use with the same bytes, else a
 * new one. NULL with the reason in *why. */
static struct geo_copy *load_copy(const char *path, bool *reused, const char **why)
{
	size_t size;
	uint8_t *buf = read_copy(path, &size, why);
	if (!buf)
		return NULL;
	pthread_mutex_lock(&copies_lock);
	for (struct geo_copy *c = copies; c; c = c->next) {
		if ((size_t)c->mmdb.file_size == size &&
		    memcmp(c->mmdb.file_content, buf, size) == 0) {
			c->refs++;
			pthread_mutex_unlock(&copies_lock);
			munmap(buf, size);
			*reused = true;
			return c;
		}
	}
	pthread_mutex_unlock(&copies_lock);
	struct geo_copy *c = xcalloc(1, sizeof(*c));
	int rc = mmdb_from_copy(buf, size, path, &c->mmdb);
	if (rc != MMDB_SUCCESS) {
		*why = MMDB_strerror(rc);
		munmap(buf, size);
		free(c);
		return NULL;
	}
	c->refs = 1;
	pthread_mutex_lock(&copies_lock);
	c->next = copies;
	copies = c;
	pthread_mutex_unlock(&copies_lock);
	*reused = false;
	return c;
}

static void release_copy(struct geo_copy *c)
{
	pthread_mutex_lock(&copies_lock);
	assert(c->refs > 0);
	bool last = --c->refs == 0;
	if (last) {
		struct geo_copy **p = &copies;
		while (*p != c)
			p = &(*p)->next;
		*p = c->next;
	}
	pthread_mutex_unlock(&copies_lock);
	if (last)
		free_copy(c);
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
		const char *why = NULL;
		f->copy = load_copy(files[i], &f->reused, &why);
		f->path = xstrdup(files[i]);
		if (!f->copy) {
			free(f->path);
			diag_error(diag, files[i], 0, 0, "cannot open GeoIP database: %s", why);
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
	for (size_t i = 0; i < g->n; i++) {
		release_copy(g->files[i].copy);
		free(g->files[i].path);
	}
	free(g);
}

struct geo_db *geo_share(const struct geo_db *g)
{
	if (!g)
		return NULL;
	struct geo_db *s = xcalloc(1, sizeof(*s));
	*s = *g;
	pthread_mutex_lock(&copies_lock);
	for (size_t i = 0; i < s->n; i++)
		s->files[i].copy->refs++;
	pthread_mutex_unlock(&copies_lock);
	for (size_t i = 0; i < s->n; i++) {
		s->files[i].path = xstrdup(g->files[i].path);
		s->files[i].reused = true;
	}
	return s;
}

size_t geo_files(const struct geo_db *g)
{
	return g ? g->n : 0;
}

const char *geo_file_path(const struct geo_db *g, size_t i)
{
	return g->files[i].path;
}

uint64_t geo_build_epoch(const struct geo_db *g, size_t i)
{
	return g->files[i].copy->mmdb.metadata.build_epoch;
}

bool geo_file_reused(const struct geo_db *g, size_t i)
{
	return g->files[i].reused;
}

const char *geo_layout_name(const struct geo_db *g, size_t i)
{
	switch (g->files[i].layout) {
	case LAYOUT_FLAT: return "flat";
	case LAYOUT_ASN: return "asn";
	default: return "maxmind";
	}
}

/* Walk file f's tree for an address; false when the file has no tree of
 * the address's family. *prefix is in the client's family. */
static bool find_in(const struct geo_file *f, int family, const uint8_t *addr, uint8_t *prefix,
                    bool *found, uint32_t *record)
{
	const MMDB_s *mm = &f->copy->mmdb;
	unsigned ver = mm->metadata.ip_version;
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
		return false;
	int bits = r.netmask;
	if (family == AF_INET && ver == 6)
		bits -= mm->ipv4_start_node.netmask;
	*prefix = (uint8_t)(bits < 0 ? 0 : bits);
	*found = r.found_entry;
	*record = r.found_entry ? r.entry.offset : 0;
	return true;
}

void geo_find(const struct geo_db *g, int family, const uint8_t *addr, struct geo_match *m)
{
	memset(m, 0, sizeof(*m));
	if (!g)
		return;
	size_t ncity = g->n - (g->asn ? 1 : 0);
	/* an IPv4 client: an IPv4 database first, else an IPv6 tree (::/96);
	 * an IPv6 client: IPv6 databases only */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ncity; i++) {
			unsigned ver = g->files[i].copy->mmdb.metadata.ip_version;
			if (family == AF_INET6 && ver != 6)
				continue;
			if (family == AF_INET && ver != (pass == 0 ? 4u : 6u))
				continue;
			if (!find_in(&g->files[i], family, addr, &m->prefix, &m->found, &m->record))
				continue;
			m->db = (uint8_t)i;
			return;
		}
		if (family != AF_INET)
			break;
	}
}

bool geo_open_asn(struct geo_db *g, const char *file, struct diag *diag)
{
	assert(!g->asn && g->n < GEO_MAX_SLOTS);
	struct geo_file *f = &g->files[g->n];
	const char *why = NULL;
	f->copy = load_copy(file, &f->reused, &why);
	if (!f->copy) {
		diag_error(diag, file, 0, 0, "cannot open ASN database: %s", why);
		return false;
	}
	/* the layout: the first record's number, or a database of no
	 * record whose type says ASN */
	MMDB_s *mm = &f->copy->mmdb;
	MMDB_entry_s e;
	const char *type = mm->metadata.database_type;
	bool asn =
	    first_record(mm, &e) ? has_path(&e, asn_number) : type && strstr(type, "ASN") != NULL;
	if (!asn) {
		diag_error(diag, file, 0, 0,
		           "not an ASN database (database type \"%s\", no "
		           "autonomous_system_number in its records)",
		           type ? type : "");
		release_copy(f->copy);
		memset(f, 0, sizeof(*f));
		return false;
	}
	f->path = xstrdup(file);
	f->layout = LAYOUT_ASN;
	g->n++;
	g->asn = true;
	return true;
}

bool geo_has_asn(const struct geo_db *g)
{
	return g && g->asn;
}

void geo_find_asn(const struct geo_db *g, int family, const uint8_t *addr, struct geo_asn *a)
{
	memset(a, 0, sizeof(*a));
	if (!g || !g->asn)
		return;
	const struct geo_file *f = &g->files[g->n - 1];
	unsigned ver = f->copy->mmdb.metadata.ip_version;
	bool found;
	uint32_t record;
	if ((family == AF_INET6 && ver != 6) ||
	    !find_in(f, family, addr, &a->prefix, &found, &record))
		return;
	a->walked = true;
	if (!found)
		return;
	MMDB_entry_s e = {.mmdb = &f->copy->mmdb, .offset = record};
	MMDB_entry_data_s d;
	if (MMDB_aget_value(&e, &d, asn_number) != MMDB_SUCCESS || !d.has_data)
		return;
	uint64_t v;
	switch (d.type) {
	case MMDB_DATA_TYPE_UINT16: v = d.uint16; break;
	case MMDB_DATA_TYPE_UINT32: v = d.uint32; break;
	case MMDB_DATA_TYPE_UINT64: v = d.uint64; break;
	case MMDB_DATA_TYPE_INT32: v = d.int32 > 0 ? (uint64_t)d.int32 : 0; break;
	case MMDB_DATA_TYPE_UTF8_STRING: /* "64500", as some converters write it */
		v = 0;
		for (uint32_t i = 0; i < d.data_size && d.data_size <= 10; i++) {
			char ch = d.utf8_string[i];
			if (ch < '0' || ch > '9') {
				v = 0;
				break;
			}
			v = v * 10 + (uint64_t)(ch - '0');
		}
		break;
	default: v = 0;
	}
	if (v == 0 || v > UINT32_MAX)
		return;
	a->found = true;
	a->asn = (uint32_t)v;
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
	MMDB_entry_s e = {.mmdb = &f->copy->mmdb, .offset = m->record};
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
