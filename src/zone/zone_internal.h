/*
 * zone_internal.h - private to src/zone/: the loader shared by the three
 * passes of loading (read.c, compile.c, check.c), the zone's arena, the
 * digest of its inputs, and the names of targets in other zones.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_ZONE_INTERNAL_H
#define GD_ZONE_INTERNAL_H

#include "zone/zone.h"

#include <ldns/ldns.h>
#include <stddef.h>
#include <stdint.h>

struct diag;
struct region_table;
struct zone_config;

#define ZONE_INCLUDE_DEPTH 16

/* The state of loading one zone, shared by the three passes. */
struct loader {
	struct zone *z;
	struct diag *diag;
	struct zone_record *recs;
	size_t nrecs, caprecs;
	char **files; /* names of every file read, in order */
	size_t nfiles;
	uint64_t digest; /* digest_file of each, in order */
	ldns_buffer *buf;
	int depth;
	char *chain[ZONE_INCLUDE_DEPTH + 1]; /* real paths of the files being read */
};

/* A target as zonedb_find_h wants it: lower-case, labels, suffix hashes
 * (kept in the zone's arena for a target in another zone). */
struct target_name {
	const uint8_t *lname;
	const uint8_t *label_off;
	const uint32_t *hashes; /* nlabels + 1 */
	size_t len;
	unsigned nlabels;
};

/* ---- db.c ---- */

/* The zone whose origin is exactly the lower-case name with hash h. */
static inline struct zone *zonedb_exact(const struct zonedb *db, const uint8_t *lname, size_t len,
                                        uint32_t h)
{
	for (size_t b = h & db->mask;; b = (b + 1) & db->mask) {
		struct zone *z = db->table[b];
		if (!z || (z->origin_len == len && memcmp(z->origin, lname, len) == 0))
			return z;
	}
}

/* ---- zone.c ---- */

/* What keeps a zone's arena (struct zone's keep): the zone itself, and
 * every version zone_patch() made from it, through their own keepers. */
struct zone_keep {
	unsigned refs; /* atomic */
	void *arena;   /* set by zone_free, freed by the last reference */
	struct zone_keep *prior;
};

/* A keeper (one reference) holding a reference on prior (may be NULL). */
struct zone_keep *zone_keep_new(struct zone_keep *prior);

/* The apex node alone, in a table of its own (zone_stub). */
void zone_stub_apex(struct zone *z);

/* Memory from the zone's arena (freed only with the zone). */
void *arena_alloc(void **arena, size_t n);
void *arena_dup(void **arena, const void *src, size_t n);
void arena_free(void *arena);
/* The digest of one file read (path, what it resolves to, its bytes). */
uint64_t digest_file(uint64_t h, const char *path, const char *text, size_t len);
/* The digest of a regions table (NULL too). */
uint64_t digest_regions(uint64_t h, const struct region_table *rt);

/* ---- read.c ---- */

/* The loader's copy of a file name (named in diagnostics). */
const char *loader_file(struct loader *ld, const char *path);
/* Read a master file into the loader's records; from_file/from_line name
 * the $INCLUDE that asked for it (NULL for the zone file). GD_EIO when it
 * cannot be read (reported). */
int read_file_into(struct loader *ld, const char *path, ldns_rdf *origin_in,
		   const char *from_file, int from_line);

/* ---- service_records.c ---- */

/* The services in the zone's TYPE65281 records (read, not yet compiled)
 * added to z->services, checked as a services file's members are, each
 * error at its record's file and line; with any such record the regions
 * are digested after the files (zone_reuse does the same). */
void zone_record_services(struct loader *ld, const struct region_table *rt);

/* ---- compile.c ---- */

/* The records into nodes and RRsets (pass 2). */
void zone_compile(struct loader *ld);
/* The negative SOA's template (struct soa_template), once the SOA is known. */
void render_neg_soa(struct zone *z);
/* The apex's one SOA record (soa) taken: z->serial, neg_ttl (RFC 2308),
 * z->soa and the negative template; false when its rdata is malformed. */
bool zone_take_soa(struct zone *z, const struct rrset *soa);
/* rs->wire from its records (rdata_bytes: their length fields and data). */
void render_rrset(struct zone *z, struct rrset *rs, size_t rdata_bytes);
/* n into z's table (there is room). */
void table_insert(struct zone *z, struct node *n);
/* rs->targets and rs->outside of an NS/MX/SRV RRset at a node of z; true
 * when a target is at or below the origin (the node joins z->tnodes). */
bool resolve_rrset_targets(struct zone *z, struct rrset *rs);
/* The flags an RRset of type gives its node (n not the apex). */
uint16_t rrset_node_flags(uint16_t type, bool apex);
/* The target of the NS/MX/SRV record at rd (its length field) into t, its
 * arrays in the buffers given; -1 when the record has no valid name. */
int target_name_of(const struct rrset *rs, const uint8_t *rd, struct target_name *t,
		   uint8_t *lname, uint8_t *label_off, uint32_t *hashes);

/* ---- check.c ---- */

/* The rules of RFC 1034/1035 (pass 3), each error with file and line. */
void zone_validate(struct loader *ld);

#endif
