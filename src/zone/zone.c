/*
 * zone.c - a zone's life: loading (the three passes in read.c, compile.c
 * and check.c), its arena, the digest of its inputs, and sharing it with
 * the next snapshot when they did not change (zone_reuse).
 *
 * Loading runs in three passes:
 *   1. read: the file (and its $INCLUDEs) is split into entries by our own
 *      tokenizer, which knows parentheses, quotes, comments and omitted
 *      owners and remembers each entry's first line; directives are handled
 *      here, records are parsed by ldns (ldns_rr_new_frm_str) and copied out
 *      as (owner, type, ttl, rdata, file, line) before the ldns object is
 *      freed, so ldns never holds more than one record;
 *   2. compile: records are sorted by owner and type and turned into nodes
 *      and rrsets in one arena; empty non-terminals are added;
 *   3. validate: the RFC 1034/1035 rules, each error with file:line.
 *
 * Every byte read is digested on the way (with the config entry and, for a
 * zone with services from a file or from its own TYPE65281 records, the
 * regions table) so that zone_reuse() can tell on a reload that reading
 * again would build the same zone, and share it.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "zone_internal.h"

#include "common/diag.h"
#include "common/gd.h"
#include "geo/service.h"
#include "geo/shared_networks.h"
#include "dns/wire.h"

#include <ldns/ldns.h>

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- arena: one owner for all of a zone's memory ---- */

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

void *arena_alloc(void **arena, size_t n)
{
	struct arena_chunk *c = *arena;
	n = (n + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 1u << 20 ? n : 1u << 20;
		struct arena_chunk *nc = xmalloc(sizeof(*nc) + cap);
		nc->cap = cap;
		nc->used = 0;
		/* keep the partly used chunk first when the new one is a one-off */
		if (c && n > 1u << 19) {
			nc->next = c->next;
			c->next = nc;
			nc->used = n;
			return nc->data;
		}
		nc->next = c;
		*arena = c = nc;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

void *arena_dup(void **arena, const void *src, size_t n)
{
	void *p = arena_alloc(arena, n);
	memcpy(p, src, n);
	return p;
}

void arena_free(void *arena)
{
	struct arena_chunk *c = arena;
	while (c) {
		struct arena_chunk *n = c->next;
		free(c);
		c = n;
	}
}

struct zone_keep *zone_keep_new(struct zone_keep *prior)
{
	struct zone_keep *k = xcalloc(1, sizeof(*k));
	k->refs = 1;
	k->prior = prior;
	if (prior)
		__atomic_add_fetch(&prior->refs, 1, __ATOMIC_RELAXED);
	return k;
}

static void keep_drop(struct zone_keep *k)
{
	while (k && __atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		struct zone_keep *prior = k->prior;
		arena_free(k->arena);
		free(k);
		k = prior;
	}
}

uint32_t name_hash(const uint8_t *lname, size_t len)
{
	uint8_t off[WIRE_LABELS_MAX];
	uint32_t h[WIRE_LABELS_MAX + 1];
	(void)len;
	unsigned k = wire_label_offsets(lname, off);
	wire_suffix_hashes(lname, off, k, h);
	return h[0];
}

/* ---- what a zone is built from: the digest zone_reuse compares ---- */

/* 64-bit FNV-1a: not for adversaries (the inputs are the operator's own
 * files), only to tell changed inputs from unchanged ones. */
#define DIGEST_SEED 0xcbf29ce484222325ull

static uint64_t digest_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t digest_str(uint64_t h, const char *s)
{
	return digest_bytes(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* The regions services are checked against (names and places:
 * unknown_order is computed from them), and the shared networks their
 * tries take (geoip.networks). */
uint64_t digest_regions(uint64_t h, const struct region_table *rt)
{
	if (!rt)
		return digest_str(h, NULL);
	h = digest_bytes(h, &rt->n, sizeof(rt->n));
	for (size_t i = 0; i < rt->n; i++) {
		const struct region *r = &rt->regions[i];
		h = digest_str(h, r->name);
		h = digest_bytes(h, &r->lat, sizeof(r->lat));
		h = digest_bytes(h, &r->lon, sizeof(r->lon));
	}
	uint64_t nets = shared_networks_digest(rt);
	return digest_bytes(h, &nets, sizeof(nets));
}

/* The config entry, and the regions when it names a services file (a zone
 * with service records adds them after its files: zone_record_services). */
static uint64_t digest_config(const struct zone_config *zc)
{
	uint64_t h = digest_str(DIGEST_SEED, zc->origin);
	h = digest_str(h, zc->file);
	h = digest_str(h, zc->services);
	if (zc->services && zc->regions)
		h = digest_regions(h, zc->regions);
	return h;
}

/* One file read: its path, what it resolves to now, its bytes. */
uint64_t digest_file(uint64_t h, const char *path, const char *text, size_t len)
{
	char *real = realpath(path, NULL);
	h = digest_str(h, path);
	h = digest_str(h, real);
	free(real);
	h = digest_bytes(h, &len, sizeof(len));
	return digest_bytes(h, text, len);
}

/* The origin of a config entry as ldns reads it (relative names are taken
 * as absolute), NULL when it is not a name. */
static ldns_rdf *config_origin(const char *text)
{
	ldns_rdf *origin = NULL;
	char abs[1024];
	snprintf(abs, sizeof(abs), "%s%s", text,
	         text[0] && text[strlen(text) - 1] == '.' ? "" : ".");
	if (ldns_str2rdf_dname(&origin, abs) != LDNS_STATUS_OK)
		return NULL;
	return origin;
}

/* Records given (zone_load_records): the checks read.c makes of a record
 * it parsed that a record from the wire has not had. */
static void take_records(struct loader *ld, struct zone_record *recs, size_t n)
{
	struct zone *z = ld->z;
	char s[1024];
	ld->recs = recs;
	ld->caprecs = n;
	for (size_t i = 0; i < n; i++) {
		struct zone_record r = recs[i];
		const char *bad = NULL;
		if (!wire_name_is_sub(r.owner, z->origin))
			bad = "outside the zone";
		else if (r.type == TYPE_OPT || r.type == TYPE_ANY || r.type == TYPE_AXFR ||
		         r.type == TYPE_IXFR || r.type == 0)
			bad = "of a type that cannot be zone data";
		else if ((r.type == TYPE_A && r.rdlen != 4) || (r.type == TYPE_AAAA && r.rdlen != 16))
			bad = "of a length its type cannot have";
		if (!bad) {
			recs[ld->nrecs++] = r;
			continue;
		}
		diag_error(ld->diag, r.file, r.line, 0, "record %s type %u %s",
		           wire_name_to_str(r.owner, s, sizeof(s)), r.type, bad);
	}
}

/* zone_load (recs NULL: from zc->file) and zone_load_records. */
static struct zone *load(const struct zone_config *zc, struct zone_record *recs, size_t n,
                         struct diag *diag)
{
	struct zone *z = xcalloc(1, sizeof(*z));
	z->refs = 1;
	z->keep = zone_keep_new(NULL);
	z->file = xstrdup(zc->file);
	z->config_origin = xstrdup(zc->origin);
	z->config_services = zc->services ? xstrdup(zc->services) : NULL;
	size_t before = diag->errors;
	ldns_rdf *origin = config_origin(zc->origin);
	if (!origin) {
		diag_error(diag, zc->file, 0, 0, "bad zone origin %s", zc->origin);
		free(recs);
		zone_free(z);
		return NULL;
	}
	z->origin_len = ldns_rdf_size(origin);
	wire_name_lower(ldns_rdf_data(origin), z->origin_len, z->origin);
	z->labels = wire_name_labels(z->origin);
	char s[1024];
	z->origin_str = xstrdup(wire_name_to_str(z->origin, s, sizeof(s)));

	struct loader ld = {
	    .z = z, .diag = diag, .buf = ldns_buffer_new(65536), .digest = digest_config(zc)};
	bool readable = true;
	if (recs)
		take_records(&ld, recs, n);
	else
		readable = read_file_into(&ld, zc->file, origin, NULL, 0) == GD_OK;
	ldns_rdf_deep_free(origin);
	if (zc->services) {
		static const struct region_table none = {NULL, 0, NULL};
		/* digested as read here, before the services code reads it:
		 * a change in between then only costs a rebuild on the next
		 * reload, never keeps a stale zone */
		char *text;
		size_t len;
		if (read_file(zc->services, &text, &len) == GD_OK) {
			loader_file(&ld, zc->services);
			ld.digest = digest_file(ld.digest, zc->services, text, len);
			free(text);
		}
		z->services = service_set_load(zc->services, z->origin, z->origin_str,
					       zc->regions ? zc->regions : &none, diag);
	}
	/* the services in TYPE65281 records join the file's (before compiling:
	 * their names are flagged with the others) */
	zone_record_services(&ld, zc->regions);
	/* check what did parse even after syntax errors: -t then reports every
	 * problem of the zone at once (a broken line may add its consequence,
	 * e.g. missing glue, which is true of the zone as written) */
	if (readable) {
		zone_compile(&ld);
		zone_validate(&ld);
	}
	/* the source records are no longer needed: rdata lives in the arena
	 * already, and the record structs are load-time only */
	free(ld.recs);
	z->inputs = ld.files;
	z->ninputs = ld.nfiles;
	z->digest = ld.digest;
	ldns_buffer_free(ld.buf);
	if (diag->errors != before) {
		zone_free(z);
		return NULL;
	}
	return z;
}

struct zone *zone_load(const struct zone_config *zc, struct diag *diag)
{
	return load(zc, NULL, 0, diag);
}

struct zone *zone_load_records(const struct zone_config *zc, struct zone_record *recs, size_t n,
                               struct diag *diag)
{
	return load(zc, recs ? recs : xcalloc(1, sizeof(*recs)), recs ? n : 0, diag);
}

struct zone *zone_stub(const char *origin, const char *file)
{
	ldns_rdf *o = config_origin(origin);
	if (!o)
		return NULL;
	struct zone *z = xcalloc(1, sizeof(*z));
	z->refs = 1;
	z->keep = zone_keep_new(NULL);
	z->unavailable = true;
	z->file = xstrdup(file);
	z->config_origin = xstrdup(origin);
	z->origin_len = ldns_rdf_size(o);
	wire_name_lower(ldns_rdf_data(o), z->origin_len, z->origin);
	ldns_rdf_deep_free(o);
	z->labels = wire_name_labels(z->origin);
	char s[1024];
	z->origin_str = xstrdup(wire_name_to_str(z->origin, s, sizeof(s)));
	zone_stub_apex(z);
	return z;
}

void zone_free(struct zone *z)
{
	if (!z || __atomic_sub_fetch(&z->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	free(z->table);
	free(z->tnodes);
	free((void *)z->xfr_order);
	service_set_free(z->services);
	z->keep->arena = z->arena;
	keep_drop(z->keep);
	free(z->origin_str);
	free(z->file);
	free(z->config_origin);
	free(z->config_services);
	for (size_t i = 0; i < z->ninputs; i++)
		free(z->inputs[i]);
	free(z->inputs);
	free(z);
}

struct zone *zone_reuse(const struct zonedb *prev, const struct zone_config *zc)
{
	if (!prev)
		return NULL;
	ldns_rdf *origin = config_origin(zc->origin);
	if (!origin)
		return NULL;
	uint8_t lname[WIRE_NAME_MAX];
	size_t len = ldns_rdf_size(origin);
	wire_name_lower(ldns_rdf_data(origin), len, lname);
	ldns_rdf_deep_free(origin);
	struct zone *z = zonedb_exact(prev, lname, len, name_hash(lname, len));
	if (!z || z->unavailable || z->secondary || strcmp(z->config_origin, zc->origin) != 0 ||
	    strcmp(z->file, zc->file) != 0 ||
	    !str_same(z->config_services, zc->services))
		return NULL;
	uint64_t h = digest_config(zc);
	for (size_t i = 0; i < z->ninputs; i++) {
		char *text;
		size_t n;
		if (read_file(z->inputs[i], &text, &n) != GD_OK)
			return NULL; /* gone: loading it reports why */
		h = digest_file(h, z->inputs[i], text, n);
		free(text);
	}
	if (z->service_records)
		h = digest_regions(h, zc->regions);
	if (h != z->digest)
		return NULL;
	return zone_ref(z);
}

struct zone *zone_ref(const struct zone *z)
{
	/* the zone is immutable but for this count: the cast is the one
	 * write the const caller may make */
	struct zone *w = (struct zone *)z;
	__atomic_add_fetch(&w->refs, 1, __ATOMIC_RELAXED);
	return w;
}

void zone_set_serial(struct zone *z, uint32_t serial)
{
	/* the serial is the first of the last five fields (20 octets) of the
	 * SOA's rdata, in the record and in the negative answers' template */
	uint8_t *rd = (uint8_t *)z->soa->rdata;
	wr32(rd + 2 + rd16(rd) - 20, serial);
	if (z->neg_soa.wire)
		wr32((uint8_t *)z->neg_soa.wire + z->neg_soa.len - 20, serial);
	z->serial = serial;
}

const struct zone *zonedb_origin(const struct zonedb *db, const uint8_t *lname, size_t len)
{
	return db && db->count ? zonedb_exact(db, lname, len, name_hash(lname, len)) : NULL;
}

size_t zonedb_index(const struct zonedb *db, const struct zone *z, size_t hint)
{
	if (hint < db->count && db->zones[hint] == z)
		return hint;
	for (size_t i = 0; i < db->count; i++)
		if (db->zones[i] == z)
			return i;
	return SIZE_MAX;
}
