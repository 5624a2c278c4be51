/*
 * snapshot.h - everything a worker needs to answer, built together and
 * published as one immutable object: zones with their services, the GeoIP
 * databases, the regions and the answer settings.
 *
 * Built aside by snapshot_build() at start and on reload; swapped in by
 * pointer (RCU) so a query sees either the old or the new whole, never a mix.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_SNAPSHOT_H
#define GD_SNAPSHOT_H

#include "query/answer.h"
#include "dns/tsig.h"
#include "geo/service.h"
#include "xfr/acl.h"

#include <stdint.h>

struct config;
struct diag;
struct geo_db;
struct secondaries;
struct zone;
struct zonedb;

struct snapshot {
	struct zonedb *db;
	struct geo_db *geo;            /* NULL without geoip.database */
	struct region_table regions;
	/* geoip.networks as read (regions.networks), a reference; NULL */
	struct shared_networks *networks;
	struct answer_settings settings;
	struct cookie_secrets *cookies;  /* NULL when cookies are off */
	struct tsig_keyring tsig_keys;   /* tsig_keys of the config */
	/* zones[].transfer.allow of db->zones[i] (config order) */
	struct xfr_acl *xfr_allow;
	size_t nxfr_allow;
	/* zones[].primaries of db->zones[i]: whose NOTIFY is taken (empty
	 * for a primary zone) */
	struct xfr_acl *notify_from;
	/* the secondaries' registry NOTIFY goes to (NULL: none) */
	struct secondaries *sec;
	/* per zone of db: its journal, the difference this version brings,
	 * its NOTIFY targets (replication.c) */
	struct zone_replication *repl;
	size_t nrepl;
	/* per zone of db: its DNSSEC signing key (zones[].dnssec.key, read at
	 * every build), NULL for an unsigned zone; owned */
	struct dnssec_key **dnssec_keys;
	size_t ndnssec_keys;
	struct answer_zone_key *zone_keys; /* settings.zone_keys; owned */
	uint64_t generation;           /* unique per build: invalidates caches */
	size_t zones_built, zones_kept; /* zones loaded, and shared with prev */
};

/*
 * Build from a validated config; NULL with every problem in diag. prev (NULL
 * at start) is the snapshot being replaced: its zones whose inputs are
 * unchanged are shared, not built again (zone_reuse). prev must stay alive
 * until this returns; it may be freed at any time after.
 */
struct snapshot *snapshot_build(const struct config *cfg, const struct snapshot *prev,
                                uint64_t generation, struct diag *diag);

/* Where snapshot_build_from takes zones from besides their files. */
struct snapshot_source {
	/* the secondaries' copies (secondaries_copy); a secondary zone it has
	 * none of is read from its file, or a stub (zone_stub) when there is
	 * none or it does not load (a warning, not an error: the primary
	 * sends a good one) */
	struct secondaries *sec;
	/* a publication of one zone: the zone whose config origin is
	 * only_origin is only_zone (borrowed; the snapshot takes a
	 * reference), every other one prev's as it is with its DNSSEC keys,
	 * and prev's GeoIP databases, none read again (prev built from the
	 * same config); NULL: every zone as snapshot_build finds it */
	const char *only_origin;
	struct zone *only_zone;
	/* a publication of new GeoIP databases (geoip.watch): every zone
	 * prev's as it is with its DNSSEC keys (prev built from the same
	 * config) */
	bool keep_zones;
	/* a full reload: geoip.networks is read again; else prev's shared
	 * networks are kept (a snapshot built with no src or no prev reads
	 * the file) */
	bool read_networks;
};

struct snapshot *snapshot_build_from(const struct config *cfg, const struct snapshot *prev,
                                     uint64_t generation, const struct snapshot_source *src,
                                     struct diag *diag);
void snapshot_free(struct snapshot *snap);

/* ---- replication.c ---- */

struct journal;
struct zone;

/* For each zone (zones[i] of cfg->zones[i]): the journal (prev's for the
 * same origin and settings, else a new one, read from journal.file), the
 * serial under zones[].serial_policy (a changed zone whose serial did not
 * increase is an error in diag under "keep") and the difference from the
 * zone of prev it replaces. Nothing is added to a journal here. */
void replication_prepare(struct snapshot *snap, const struct config *cfg,
                         const struct snapshot *prev, struct zone **zones, size_t n,
                         struct diag *diag);
void replication_free(struct snapshot *snap);

/* The journal of zone index of snap's db (never NULL for a zone of it). */
struct journal *snapshot_journal(const struct snapshot *snap, size_t index);

#endif
