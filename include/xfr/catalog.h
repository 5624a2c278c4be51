/*
 * catalog.h - a catalog zone read as a consumer (RFC 9432, schema version
 * 2): which member zones a catalog lists, with their unique-ids and
 * properties, and what changed between two versions of it.
 *
 * Pure code: no I/O, no threads, no log. The catalog arrives as any
 * secondary zone does (a transfer written as zone-file text, then
 * zone_load()); catalog_read() interprets the compiled zone and
 * catalog_diff() tells the caller which members to add, remove, reset or
 * reconfigure. What the members are served with (a template's primaries
 * and key, the state directory) is the caller's.
 *
 * What is read (RFC 9432 4 and 5.1):
 *   - version.<catalog> TXT: exactly one record holding the one string
 *     "2", else the catalog is broken;
 *   - members: the PTR at <unique-id>.zones.<catalog>, exactly one record
 *     per RRset (more: broken); one member zone under two unique-ids is
 *     broken too (RFC 9432 4.2);
 *   - per member, group.<unique-id>.zones.<catalog> TXT (any number of
 *     records, each one group) and coo.<unique-id>.zones.<catalog> PTR
 *     (exactly one record, more: broken);
 *   - everything else is ignored (RFC 9432 3 and 4.3): the apex's NS,
 *     custom properties under ext, unknown properties, known properties
 *     of another type, records elsewhere.
 * A broken catalog is rejected whole. The caller then keeps the members
 * of the last good version as they are (RFC 9432 5.1: a catalog that
 * turns broken loses its meaning, nothing is removed or reconfigured)
 * and reads the next version again.
 *
 * Name clashes (RFC 9432 5.2) with zones configured otherwise or listed
 * by another catalog are the caller's to find, since only it knows them;
 * a member naming the catalog zone itself is dropped here with a warning.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_XFR_CATALOG_H
#define GD_XFR_CATALOG_H

#include <stddef.h>
#include <stdint.h>

struct diag;
struct zone;

struct catalog_member {
	/* presentation form: lower case, trailing dot, special octets
	 * escaped as wire_name_to_str() does (the form of zone->origin_str,
	 * which zone_load() accepts as an origin); it may hold '/' (RFC 2317
	 * names), so it is not a file name as it stands */
	char *origin;
	uint8_t *wire; /* lower-case wire form, wire_len octets */
	size_t wire_len;
	char *id; /* the unique-id label in presentation form, lower case */
	/* the group property: one value per TXT record (its character-strings
	 * joined), sorted (strcmp), no duplicates; values holding a NUL octet
	 * are left out with a warning (no configured group can match them) */
	char **groups;
	size_t ngroups;
	char *coo; /* the coo property's target catalog (presentation form,
	            * lower case), or NULL */
};

struct catalog {
	char *origin;                   /* the catalog zone's, presentation form */
	uint32_t serial;                /* the SOA serial of the version read */
	struct catalog_member *members; /* sorted by origin (strcmp) */
	size_t count;
};

/*
 * Read the catalog in zone z (a compiled catalog zone) into *out, which
 * then owns all its memory (catalog_free). GD_OK, with any warnings
 * appended to diag; or GD_EFORMAT when the catalog is broken, every reason
 * appended to diag as an error (named after z->file and the owner
 * concerned) and *out left empty.
 */
int catalog_read(const struct zone *z, struct catalog *out, struct diag *diag);

/* Free what c owns and leave it empty. An empty catalog ({0}) is fine. */
void catalog_free(struct catalog *c);

/* The member of c whose origin is the presentation form origin (as
 * zone->origin_str: lower case, trailing dot), or NULL. */
const struct catalog_member *catalog_find(const struct catalog *c, const char *origin);

enum catalog_change {
	CATALOG_ADDED,   /* only in new: configure it (old_m NULL) */
	CATALOG_REMOVED, /* only in old: stop serving it, remove its copy and
	                  * state (new_m NULL) */
	/* in both under another unique-id (RFC 9432 5.4 and 5.6): remove it
	 * with all its state as for CATALOG_REMOVED, then configure it anew
	 * as for CATALOG_ADDED */
	CATALOG_RESET,
	/* in both under the same unique-id with other groups or another
	 * coo: reconfigure it, keeping its copy */
	CATALOG_CHANGED,
};

typedef void (*catalog_change_fn)(void *arg, enum catalog_change change,
                                  const struct catalog_member *old_m,
                                  const struct catalog_member *new_m);

/*
 * The changes from old to new, one call of fn per member that changed, in
 * order of origin; members alike in both get none. old NULL (or empty):
 * every member of new is added; new NULL: every member of old is
 * removed. The members passed point into old and new.
 */
void catalog_diff(const struct catalog *old, const struct catalog *new, catalog_change_fn fn,
                  void *arg);

#endif
