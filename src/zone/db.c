/*
 * db.c - the database of every zone served: the longest-match zone of a
 * name by one hash probe per suffix, and targets in other zones found when
 * answering.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "zone_internal.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/wire.h"
#include "geo/service.h"

#include <ldns/ldns.h>

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct zone *zonedb_find_h(const struct zonedb *db, const uint8_t *lname, size_t len,
				 const uint8_t *label_off, unsigned nlabels, const uint32_t *hashes,
				 unsigned *label_index)
{
	unsigned first = nlabels > db->max_labels ? nlabels - db->max_labels : 0;
	for (unsigned i = first; i <= nlabels; i++) {
		unsigned labels = nlabels - i;
		if (labels < db->min_labels)
			break;
		size_t off = i < nlabels ? label_off[i] : len - 1;
		const struct zone *z = zonedb_exact(db, lname + off, len - off, hashes[i]);
		if (z) {
			*label_index = i;
			return z;
		}
	}
	return NULL;
}

const struct node *zonedb_target(const struct zonedb *db, const struct rrset *rs, unsigned i,
                                 const uint8_t *rd)
{
	const struct target_name *t = rs->outside ? rs->outside[i] : NULL;
	struct target_name here;
	uint8_t lname[WIRE_NAME_MAX], off[WIRE_LABELS_MAX];
	uint32_t hashes[WIRE_LABELS_MAX + 1];
	if (!t) {
		/* in the zone's names: its own node unless a hosted zone may
		 * sit between its origin and the target */
		if (!db->nested)
			return rs->targets[i];
		if (target_name_of(rs, rd, &here, lname, off, hashes) < 0)
			return NULL;
		t = &here;
	}
	unsigned label_index;
	const struct zone *tz =
	    zonedb_find_h(db, t->lname, t->len, t->label_off, t->nlabels, t->hashes, &label_index);
	return tz ? zone_lookup_h(tz, t->lname, t->len, t->hashes[0]) : NULL;
}

struct zonedb *zonedb_build(struct zone **zones, size_t count, struct diag *diag)
{
	struct zonedb *db = xcalloc(1, sizeof(*db));
	db->zones = zones;
	db->count = count;
	size_t size = 16;
	while (size < count * 2)
		size <<= 1;
	db->table = xcalloc(size, sizeof(struct zone *));
	db->mask = size - 1;
	db->min_labels = 255;
	bool ok = true;
	for (size_t i = 0; i < count; i++) {
		struct zone *z = zones[i];
		uint32_t h = name_hash(z->origin, z->origin_len);
		size_t b = h & db->mask;
		for (; db->table[b]; b = (b + 1) & db->mask) {
			if (db->table[b]->origin_len == z->origin_len &&
			    memcmp(db->table[b]->origin, z->origin, z->origin_len) == 0) {
				diag_error(diag, z->file, 0, 0, "zone %s is configured twice",
					   z->origin_str);
				ok = false;
			}
		}
		db->table[b] = z;
		if (z->labels < db->min_labels)
			db->min_labels = z->labels;
		if (z->labels > db->max_labels)
			db->max_labels = z->labels;
	}
	if (!ok) {
		zonedb_free(db);
		return NULL;
	}
	/* an origin with another hosted origin above it */
	for (size_t i = 0; i < count && !db->nested; i++) {
		const struct zone *z = zones[i];
		uint8_t off[WIRE_LABELS_MAX];
		uint32_t h[WIRE_LABELS_MAX + 1];
		unsigned nl = wire_label_offsets(z->origin, off);
		wire_suffix_hashes(z->origin, off, nl, h);
		for (unsigned k = 1; k <= nl && !db->nested; k++) {
			size_t at = k < nl ? off[k] : z->origin_len - 1;
			db->nested = zonedb_exact(db, z->origin + at, z->origin_len - at, h[k]);
		}
	}
	return db;
}

void zonedb_free(struct zonedb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->count; i++)
		zone_free(db->zones[i]);
	free(db->zones);
	free(db->table);
	free(db);
}
