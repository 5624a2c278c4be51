/*
 * zone.h - the compiled, immutable zone database.
 *
 * Zone files are parsed once (RFC 1035 master format through ldns, with
 * $ORIGIN, $TTL and $INCLUDE handled here) and compiled into a hash table of
 * nodes keyed by the lower-cased wire name. Every name between the apex and
 * each owner exists as a node, so empty non-terminals are found by lookup.
 *
 * A zone's memory refers to nothing outside itself. Targets of NS/MX/SRV
 * records in the zone's own names are resolved to its nodes at load, so the
 * answer code adds their additional-section addresses without searching;
 * targets under another origin are kept as a name with its label offsets
 * and suffix hashes and found through the zone database when answering
 * (zonedb_target), as CNAME and DNAME targets are.
 *
 * Ownership: a zone is reference counted. zone_load() hands the caller one
 * reference; zone_reuse() takes another on a zone of a previous database
 * whose inputs are unchanged, so two snapshots share it; zone_free() drops
 * one and frees the zone with the last. Nothing in a zone changes after
 * zone_load() returns except that count (and the snapshot numbering its
 * services and zone_set_serial, before it is published; and xfr_order,
 * set once by an atomic store), so a shared zone is read by the
 * workers of both snapshots without locks. The count is atomic: snapshot
 * builders change it (reload, start, stop), and a thread that must keep a
 * zone beyond its RCU read section (a zone transfer) takes a reference
 * with zone_ref() inside the section and drops it with zone_free(). No
 * worker answering a query touches it.
 *
 * A struct zonedb (all configured zones) is built aside on load and reload
 * and published to workers by pointer swap; it is never modified after
 * zonedb_build() returns.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_ZONE_H
#define GD_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diag;
struct node;
struct region_table;
struct service_set;
struct target_name;
struct zone_keep;

struct rrset {
	uint16_t type;
	uint16_t count;      /* records */
	uint32_t ttl;
	const uint8_t *rdata; /* count entries of [u16 length][rdata] */
	/* NS/MX/SRV: node of each record's target in this zone, or NULL */
	struct node **targets;
	/* NS/MX/SRV with a target outside the zone's names: per record, the
	 * target to find through the zone database (zonedb_target), NULL for
	 * the ones in the zone; NULL for a set with none outside */
	const struct target_name **outside;
	/* The records as they go out when the owner is the question name:
	 * [C0 0C][type][class IN][ttl][rdlength][rdata] each. NULL for types
	 * whose rdata names are compressed (NS, CNAME, PTR, MX, SOA). */
	const uint8_t *wire;
	uint32_t wire_len;
};

enum node_flags {
	NODE_APEX = 1 << 0,
	NODE_DELEG = 1 << 1,    /* NS below the apex: a zone cut */
	NODE_OCCLUDED = 1 << 2, /* below a zone cut or a DNAME */
	NODE_CNAME = 1 << 3,
	NODE_DNAME = 1 << 4,
	NODE_SERVICE = 1 << 5,  /* a geo service name (answers A/AAAA/CNAME) */
};

struct node {
	const uint8_t *name;   /* lower-case wire form */
	uint32_t hash;
	uint8_t namelen;
	uint8_t labels;
	uint16_t flags;
	uint16_t nrrsets;
	uint32_t children;     /* nodes directly below it */
	struct rrset *rrsets;  /* sorted by type */
	/* NULL at the apex. In a version made by zone_patch() it may be an
	 * earlier copy of the parent (the same name, maybe other data): take
	 * the name from it, look the node up for anything else */
	struct node *parent;
	struct node *wildcard; /* the "*" child, if any */
	const void *service;   /* struct service when NODE_SERVICE */
};

/* The SOA record as the authority section of a negative answer that
 * directly follows the question: owner, MNAME and RNAME compressed as
 * wire_put_name() would against a question ending in the apex, with each
 * compression pointer's offset fixed up per answer. */
#define ZONE_SOA_FIX_MAX 3
struct soa_template {
	const uint8_t *wire;   /* NULL: none (the root zone, a malformed SOA) */
	uint16_t len;
	uint8_t nfix;
	struct {
		uint16_t at;     /* the pointer's place in wire */
		uint16_t base;   /* its target, from the apex in the question or
				  * from the record's start */
		bool in_record;
	} fix[ZONE_SOA_FIX_MAX];
	/* MNAME's and RNAME's label directly under the apex (length octet
	 * first), or an empty label when not below it: a question with that
	 * label there shares more than the apex with them */
	uint8_t under[2][64];
};

struct zone {
	char *origin_str;      /* presentation form, with trailing dot */
	uint8_t origin[255];   /* lower-case wire form */
	size_t origin_len;
	unsigned labels;
	char *file;
	uint32_t serial;
	uint32_t neg_ttl;      /* min(SOA TTL, SOA MINIMUM), RFC 2308 */
	struct node *apex;
	const struct rrset *soa;
	struct soa_template neg_soa;
	struct node **table;   /* open addressing, power-of-two size */
	size_t mask;
	size_t nnodes;
	size_t nrecords;
	/* owned; the services file's then the TYPE65281 records'; NULL
	 * without either */
	struct service_set *services;
	/* the nodes with records in canonical order, for AXFR: computed once
	 * (axfr_prepare) and published by an atomic pointer store; owned */
	const struct node **xfr_order;
	size_t xfr_norder;
	void *arena;           /* every node, name, rrset and rdata made for it */
	/* the arena's keeper, and through it those of the versions a
	 * zone_patch() version shares nodes with (freed with the last) */
	struct zone_keep *keep;
	/* the nodes with an NS/MX/SRV RRset whose target is below the origin
	 * (found or not): what zone_patch() checks when nodes change */
	struct node **tnodes;
	size_t ntnodes;
	/* zone_patch(): versions since the last full load, and the records
	 * they changed in all */
	unsigned patches;
	size_t patched;
	unsigned refs;         /* references: zone_load, zone_reuse, zone_free */
	/* what it was built from, for zone_reuse: the config entry, and every
	 * file read (the zone file, its $INCLUDEs in the order read, the
	 * services file), digested with the regions table when it has
	 * services (after the files when they are in TYPE65281 records:
	 * service_records) */
	char *config_origin, *config_services;
	char **inputs;
	size_t ninputs;
	uint64_t digest;
	bool service_records;
	/* a secondary's: received from its primaries (never zone_reuse'd: the
	 * secondary code hands the snapshot its copy) */
	bool secondary;
	/* no data to serve (a secondary with no copy yet, or expired): every
	 * query in it is answered SERVFAIL; the apex node alone, no SOA */
	bool unavailable;
};

/* One record before compiling: read from a zone file, or given by
 * zone_load_records() (then owner and rdata stay the caller's). */
struct zone_record {
	const uint8_t *owner; /* lower-case wire */
	uint8_t ownerlen;
	uint16_t type;
	uint32_t ttl;
	const uint8_t *rdata; /* uncompressed */
	uint16_t rdlen;
	int line;         /* where errors are reported: file and line */
	const char *file;
};

/* One RRset of a new version for zone_patch(): its owner (lower-case
 * wire, at or below the origin), type, TTL and records (count entries of
 * [u16 length][rdata] in rdata_len octets, any order; a duplicate is
 * dropped). count 0: the version has no RRset of that type there. */
struct zone_rrset_change {
	const uint8_t *owner;
	uint8_t owner_len;
	uint16_t type;
	uint16_t count;
	uint32_t ttl;
	const uint8_t *rdata;
	size_t rdata_len;
};

struct zone_config {
	const char *origin;    /* presentation form */
	const char *file;
	const char *services;  /* services file, or NULL */
	const struct region_table *regions; /* needed with services (a file
	                                     * or TYPE65281 records) */
};

struct zonedb {
	struct zone **zones;
	size_t count;
	unsigned min_labels, max_labels;
	struct zone **table;   /* apex hash */
	size_t mask;
	uint64_t generation;
	/* an origin below another hosted origin: in-zone targets may then
	 * belong to the inner zone and are looked up too (zonedb_target) */
	bool nested;
};

/*
 * Parse and compile one zone. Every problem is appended to diag with file and
 * line; returns NULL when any error was found. The caller owns the zone (one
 * reference).
 */
struct zone *zone_load(const struct zone_config *zc, struct diag *diag);

/*
 * A zone built from records given (a secondary's full transfer) instead
 * of zc->file's text, compiled and checked exactly as zone_load() does
 * (services from TYPE65281 records against zc->regions), each error at
 * its record's file and line; zc->file is only kept as the zone's file.
 * Each record's owner must be at or below the origin; A and AAAA records
 * must have 4 and 16 octets. recs[] is taken (freed); the owners and
 * rdata it points to must outlive the call only. NULL on errors.
 */
struct zone *zone_load_records(const struct zone_config *zc, struct zone_record *recs, size_t n,
                               struct diag *diag);

/*
 * The zone of prev with zc's origin when it was built from exactly what
 * zone_load(zc) would read now: the same config entry, the same bytes (and
 * real paths) of every file it read, the same regions table when it has
 * services. Every file is read again and digested; no time stamps are
 * trusted. Returns it with a reference taken for the caller, or NULL: then
 * load it.
 */
struct zone *zone_reuse(const struct zonedb *prev, const struct zone_config *zc);

/*
 * A new version of base (a loaded or patched zone, not a stub) with each
 * RRset of changes[] put in place (an SOA among them gives the new serial),
 * built beside base without copying it: the new version shares base's
 * unchanged nodes and RRsets (a reference on their memory), and has its
 * own node table, copies of the nodes that change and of those that point
 * at them (wildcard parents, NS/MX/SRV targets), and its own services,
 * compiled again from its TYPE65281 records against rt. Checked by the
 * rules zone_load() applies (one SOA at the apex, NS there, CNAME alone,
 * one DNAME, nothing below a DNAME, glue of in-zone NS targets, services),
 * errors in diag named by source (as a file name, line 0; NULL: the
 * zone's file).
 *
 * n may be 0: a copy that owns its services (numbered apart from base's).
 * GD_OK with *out (one reference); GD_EINVAL with the errors in diag;
 * GD_ELIMIT without one when base has been patched too often or too much
 * (the versions would keep too much replaced memory alive): load it whole.
 */
int zone_patch(const struct zone *base, const struct zone_rrset_change *changes, size_t n,
               const struct region_table *rt, const char *source, struct diag *diag,
               struct zone **out);

/* A zone of origin (presentation form) with no data, flagged unavailable
 * (answered SERVFAIL), file kept for the logs; NULL for a bad origin. */
struct zone *zone_stub(const char *origin, const char *file);

/* Take one more reference on z and return it: for a thread that keeps a
 * zone beyond its RCU read section. Call it inside the section (the
 * snapshot holding z cannot be freed before it ends). */
struct zone *zone_ref(const struct zone *z);

/* Give a zone just loaded (one reference, not yet shared) another SOA
 * serial: the SOA record, the negative answers' SOA and z->serial. For
 * zones[].serial_policy "increment" and "unixtime". */
void zone_set_serial(struct zone *z, uint32_t serial);

/* The zone of db whose origin is exactly the lower-case wire name lname
 * (len octets), or NULL. */
const struct zone *zonedb_origin(const struct zonedb *db, const uint8_t *lname, size_t len);

/* The index of z in db->zones (config order), trying hint first; SIZE_MAX
 * when db does not hold it. */
size_t zonedb_index(const struct zonedb *db, const struct zone *z, size_t hint);

/* Drop one reference; the last frees the zone. NULL is ignored. */
void zone_free(struct zone *z);

/* Node by lower-case wire name, or NULL. */
struct node *zone_lookup(const struct zone *z, const uint8_t *lname, size_t len);

/* The same with the name's hash (name_hash) already known. */
struct node *zone_lookup_h(const struct zone *z, const uint8_t *lname, size_t len, uint32_t h);

/* The rrset of a type at a node, or NULL. */
const struct rrset *node_rrset(const struct node *n, uint16_t type);

/*
 * Assemble loaded zones into a database (takes ownership of zones[] and of
 * one reference to each zone; the zones are not modified). Returns NULL and
 * reports through diag on duplicate origins.
 */
struct zonedb *zonedb_build(struct zone **zones, size_t count, struct diag *diag);
void zonedb_free(struct zonedb *db);

/*
 * The node for NS/MX/SRV record i of rs (rd: its length field) to take
 * additional-section addresses from: rs->targets[i] when the target is in
 * rs's zone and no hosted origin is below another, else the
 * target found through db as a CNAME target is. NULL when we have none.
 * Callers use rs->targets[i] directly unless rs->outside or db->nested.
 */
const struct node *zonedb_target(const struct zonedb *db, const struct rrset *rs, unsigned i,
                                 const uint8_t *rd);

/* Iterate records of an rrset: returns a pointer to rdata i's length field. */
static inline const uint8_t *rrset_rdata_next(const uint8_t *p)
{
	return p + 2 + (((size_t)p[0] << 8) | p[1]);
}

/* The same with the name's length and the hash of every suffix known
 * (wire_suffix_hashes). */
const struct zone *zonedb_find_h(const struct zonedb *db, const uint8_t *lname, size_t len,
				 const uint8_t *label_off, unsigned nlabels, const uint32_t *hashes,
				 unsigned *label_index);

/* The hash of a lower-case wire name in zone and node tables: hashes[0] of
 * wire_suffix_hashes. */
uint32_t name_hash(const uint8_t *lname, size_t len);

#endif
