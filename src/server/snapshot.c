/*
 * snapshot.c - building the serving state from a config: regions, GeoIP,
 * zones and their services files. Every zone is loaded even after an error
 * in another, so all problems are reported at once.
 *
 * On a reload a zone whose inputs did not change is not built again: the
 * new snapshot shares the previous one's zone object (zone_reuse, a
 * reference each; RCU frees the old snapshot, and with it a shared zone
 * only when the new snapshot no longer holds it).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server/snapshot.h"

#include "server_internal.h"

#include "conf/config.h"
#include "query/cookie.h"
#include "common/diag.h"
#include "dnssec/key.h"
#include "server/secondary.h"
#include "common/gd.h"
#include "geo/geo.h"
#include "geo/shared_networks.h"
#include "zone/zone.h"

#include <assert.h>
#include <stdlib.h>
#include <unistd.h>

/* A secondary zone without a copy in the registry (start-up, or added by
 * a reload): the copy kept in its file, else a stub answered SERVFAIL
 * until the first transfer. A copy that does not load is a warning. */
static struct zone *secondary_from_file(const struct zone_config *zc, struct diag *diag)
{
	struct zone *z = NULL;
	if (access(zc->file, F_OK) == 0) {
		struct diag own = {0};
		z = zone_load(zc, &own);
		for (size_t i = 0; i < own.count; i++)
			diag_warn(diag, NULL, 0, 0, "secondary %s: its copy is not used: %s",
			          zc->origin, own.msgs[i]);
		diag_free(&own);
	}
	if (!z)
		z = zone_stub(zc->origin, zc->file);
	if (z)
		z->secondary = true;
	return z;
}

/* Does src publish zone entry ze (cfg->zones[i]) as prev serves it, with
 * its DNSSEC keys (a publication of one other zone, or of new GeoIP
 * databases: nothing of ze read again)? */
static bool kept_as_served(const struct snapshot *prev, const struct snapshot_source *src,
                           const struct zone_entry *ze, size_t i)
{
	return src && prev && (src->keep_zones || src->only_origin) &&
	       !(src->only_origin && strcmp(ze->origin, src->only_origin) == 0) &&
	       i < prev->db->count && strcmp(prev->db->zones[i]->config_origin, ze->origin) == 0;
}

/* The zone of cfg->zones[i] when src says where it comes from (a
 * reference for the caller, *kept when it is not new), else NULL. */
static struct zone *source_zone(const struct snapshot *prev, const struct snapshot_source *src,
                                const struct zone_entry *ze, size_t i, bool *kept)
{
	*kept = true;
	if (src && (src->only_origin || src->keep_zones)) {
		if (src->only_origin && strcmp(ze->origin, src->only_origin) == 0) {
			*kept = false;
			return zone_ref(src->only_zone);
		}
		return kept_as_served(prev, src, ze, i) ? zone_ref(prev->db->zones[i]) : NULL;
	}
	if (ze->nprimaries && src && src->sec)
		return secondaries_copy(src->sec, ze->origin);
	return NULL;
}

/*
 * Zone i of the config: prev's when unchanged, else loaded. Every service
 * is numbered across the snapshot (service.index, the per-service counters)
 * in config order from *nsvc; a shared zone cannot be renumbered (workers
 * of prev read it), so one whose numbers would move is loaded anew.
 */
static struct zone *snapshot_zone(const struct snapshot *prev, const struct snapshot_source *src,
                                  const struct zone_entry *ze, size_t i,
                                  const struct zone_config *zc, size_t *nsvc, bool *kept,
                                  struct diag *diag)
{
	struct zone *z = source_zone(prev, src, ze, i, kept);
	if (!z) {
		z = ze->nprimaries ? NULL : zone_reuse(prev ? prev->db : NULL, zc);
		*kept = z != NULL;
	}
	if (z && z->services && z->services->n &&
	    (z->services->svcs[0].index != *nsvc ||
	     z->services->networks_digest != shared_networks_digest(zc->regions))) {
		/* a secondary's copy gets services of its own to number, or
		 * built with the shared networks now in use (its file may
		 * still be being written: never read it here) */
		struct zone *own = NULL;
		struct diag ignored = {0};
		if (z->secondary && !z->unavailable)
			zone_patch(z, NULL, 0, zc->regions, NULL, &ignored, &own);
		diag_free(&ignored);
		zone_free(z);
		z = own;
		*kept = false;
	}
	if (!z && ze->nprimaries)
		z = secondary_from_file(zc, diag);
	else if (!z)
		z = zone_load(zc, diag);
	if (!z)
		return NULL;
	for (size_t k = 0; z->services && k < z->services->n; k++) {
		if (*kept)
			assert(z->services->svcs[k].index == *nsvc + k);
		else
			z->services->svcs[k].index = (uint32_t)(*nsvc + k);
	}
	*nsvc += z->services ? z->services->n : 0;
	return z;
}

/* One key of zone entry ze (the signing key's or a published key's file
 * base), checked to be a key of z; NULL with an error in diag. */
static struct dnssec_key *zone_key_one(const struct config *cfg, const struct zone_entry *ze,
                                       const struct zone *z, const char *what, const char *base,
                                       struct diag *diag)
{
	struct dnssec_key *key = NULL;
	if (dnssec_key_load(base, &key, diag) != GD_OK)
		return NULL;
	if (z && (key->owner_len != z->origin_len ||
	          memcmp(key->owner, z->origin, z->origin_len) != 0)) {
		char owner[1024];
		wire_name_to_str(key->owner, owner, sizeof(owner));
		diag_error(diag, cfg->file, ze->line, ze->column,
		           "zone %s: %s %s.key is a key of %s, not of this zone", ze->origin, what,
		           base, owner);
		dnssec_key_free(key);
		return NULL;
	}
	return key;
}

/* The signing key of zone entry ze (zones[].dnssec.key) followed by the
 * keys published beside it (dnssec.publish), read again at every build so
 * that a reload takes a new key; NULL for an unsigned zone or with an
 * error in diag: a file that does not load, a key of another zone than
 * z's, or one key given twice. */
static struct dnssec_key *zone_key(const struct config *cfg, const struct zone_entry *ze,
                                   const struct zone *z, struct diag *diag)
{
	if (!ze->dnssec_key)
		return NULL;
	struct dnssec_key *key = zone_key_one(cfg, ze, z, "dnssec.key", ze->dnssec_key, diag);
	struct dnssec_key **tail = key ? &key->next : NULL;
	bool bad = !key;
	if (ze->ndnssec_publish + 1 > DNSSEC_KEYS_MAX) {
		diag_error(diag, cfg->file, ze->line, ze->column,
		           "zone %s: dnssec.publish lists %zu keys, at most %d", ze->origin,
		           ze->ndnssec_publish, DNSSEC_KEYS_MAX - 1);
		dnssec_key_free(key);
		return NULL;
	}
	for (size_t i = 0; i < ze->ndnssec_publish; i++) {
		const char *base = ze->dnssec_publish[i];
		struct dnssec_key *k = zone_key_one(cfg, ze, z, "dnssec.publish", base, diag);
		bad |= !k;
		if (!k || !key)
			continue;
		for (const struct dnssec_key *o = key; o && k; o = o->next) {
			if (o->dnskey_len == k->dnskey_len &&
			    memcmp(o->dnskey, k->dnskey, k->dnskey_len) == 0) {
				diag_error(diag, cfg->file, ze->line, ze->column,
				           "zone %s: dnssec.publish %s.key is a key given already "
				           "(key tag %u)", ze->origin, base, k->key_tag);
				dnssec_key_free(k);
				k = NULL;
				bad = true;
			}
		}
		if (k) {
			*tail = k;
			tail = &k->next;
		}
	}
	if (bad) {
		dnssec_key_free(key);
		return NULL;
	}
	return key;
}

/* A zone kept as served keeps prev's keys (its key files are a reload's
 * to read again); NULL otherwise. */
static struct dnssec_key *kept_key(const struct snapshot *prev, const struct snapshot_source *src,
                                   const struct zone_entry *ze, size_t i)
{
	if (!kept_as_served(prev, src, ze, i) || i >= prev->ndnssec_keys)
		return NULL;
	return dnssec_key_ref(prev->dnssec_keys[i]);
}

/* settings.zone_keys: the signed zones of db by address (answer_zone_key). */
static void build_zone_keys(struct snapshot *snap)
{
	struct answer_settings *s = &snap->settings;
	size_t n = 0, size = 2;
	for (size_t i = 0; i < snap->db->count; i++)
		n += snap->dnssec_keys[i] != NULL;
	if (!n)
		return;
	while (size < 2 * n)
		size <<= 1;
	snap->zone_keys = xcalloc(size, sizeof(*snap->zone_keys));
	for (size_t i = 0; i < snap->db->count; i++) {
		if (!snap->dnssec_keys[i])
			continue;
		size_t b = answer_zone_slot(snap->db->zones[i], size - 1);
		while (snap->zone_keys[b].zone)
			b = (b + 1) & (size - 1);
		snap->zone_keys[b].zone = snap->db->zones[i];
		snap->zone_keys[b].key = snap->dnssec_keys[i];
	}
	s->zone_keys = snap->zone_keys;
	s->zone_keys_mask = size - 1;
	s->nzone_keys = n;
}

/* The TSIG keys of the config, copied into the snapshot (the config is
 * freed after a reload; the keyring lives as long as the snapshot). */
static void build_tsig_keys(struct tsig_keyring *ring, const struct config *cfg)
{
	if (!cfg->ntsig_keys)
		return;
	ring->keys = xcalloc(cfg->ntsig_keys, sizeof(struct tsig_key));
	for (size_t i = 0; i < cfg->ntsig_keys; i++) {
		const struct tsig_key_config *kc = &cfg->tsig_keys[i];
		struct tsig_key *k = &ring->keys[ring->n++];
		memcpy(k->name, kc->wire, kc->wire_len);
		k->name_len = (uint8_t)kc->wire_len;
		k->algorithm = (enum tsig_algorithm)kc->algorithm;
		k->secret = xmalloc(kc->secret_len);
		memcpy(k->secret, kc->secret, kc->secret_len);
		k->secret_len = kc->secret_len;
	}
}

/* Who may transfer each zone, in the order of the config (and of db). */
static struct xfr_acl *build_xfr_allow(const struct config *cfg)
{
	struct xfr_acl *acls = xcalloc(cfg->nzones + 1, sizeof(*acls));
	for (size_t i = 0; i < cfg->nzones; i++) {
		const struct zone_entry *ze = &cfg->zones[i];
		acls[i].entries = xcalloc(ze->nallow + 1, sizeof(struct xfr_acl_entry));
		for (size_t k = 0; k < ze->nallow; k++) {
			struct xfr_acl_entry *e = &acls[i].entries[acls[i].n++];
			e->net = ze->allow[k].net;
			e->key_len = (uint8_t)ze->allow[k].key_wire_len;
			memcpy(e->key, ze->allow[k].key_wire, e->key_len);
		}
	}
	return acls;
}

/* Whose NOTIFY each zone takes: its primaries' addresses and keys. */
static struct xfr_acl *build_notify_from(const struct config *cfg)
{
	struct xfr_acl *acls = xcalloc(cfg->nzones + 1, sizeof(*acls));
	for (size_t i = 0; i < cfg->nzones; i++) {
		const struct zone_entry *ze = &cfg->zones[i];
		acls[i].entries = xcalloc(ze->nprimaries + 1, sizeof(struct xfr_acl_entry));
		for (size_t k = 0; k < ze->nprimaries; k++) {
			struct xfr_acl_entry *e = &acls[i].entries[acls[i].n++];
			netaddr_from_sockaddr((const struct sockaddr *)&ze->primaries[k].ss,
			                      &e->net.family, e->net.addr);
			e->net.bits = e->net.family == ADDR_IPV6 ? 128 : 32;
			e->key_len = (uint8_t)ze->primaries[k].key_wire_len;
			memcpy(e->key, ze->primaries[k].key_wire, e->key_len);
		}
	}
	return acls;
}

/* The answer settings of the config (the hooks and tables are set by the
 * caller). */
static void fill_settings(struct snapshot *snap, const struct config *cfg)
{
	struct answer_settings *s = &snap->settings;
	s->udp_payload = cfg->udp_payload;
	s->version = cfg->version ? xstrdup(cfg->version) : NULL;
	s->signatures_per_second = cfg->signatures_per_second;
	if (cfg->nsid) {
		uint8_t *nsid = xmalloc(cfg->nsid_len + 1);
		memcpy(nsid, cfg->nsid, cfg->nsid_len);
		s->nsid = nsid;
		s->nsid_len = (uint16_t)cfg->nsid_len;
	}
	s->ecs_enabled = cfg->ecs_enabled;
	s->answer_cache_off = !cfg->answer_cache;
	s->tcp_idle_timeout = (uint16_t)cfg->tcp_idle_timeout;
	s->service_ttl_cap = cfg->health_cap_ttl ? cfg->health_interval : 0;
	s->hash_ipv4_prefix = (uint8_t)cfg->hash_ipv4_prefix;
	s->hash_ipv6_prefix = (uint8_t)cfg->hash_ipv6_prefix;
	s->ecs_trust_all = !cfg->ecs_trusted_set;
	if (cfg->ecs_trusted_set) {
		struct netprefix *trusted = xcalloc(cfg->necs_trusted + 1, sizeof(*trusted));
		memcpy(trusted, cfg->ecs_trusted, cfg->necs_trusted * sizeof(*trusted));
		s->ecs_trusted = trusted;
		s->necs_trusted = cfg->necs_trusted;
		/* 0.0.0.0/0 together with ::/0 is the same as trusting everyone */
		bool all4 = false, all6 = false;
		for (size_t i = 0; i < s->necs_trusted; i++) {
			all4 |= s->ecs_trusted[i].family == ADDR_IPV4 && s->ecs_trusted[i].bits == 0;
			all6 |= s->ecs_trusted[i].family == ADDR_IPV6 && s->ecs_trusted[i].bits == 0;
		}
		s->ecs_trust_all = all4 && all6;
	}
	s->rrl.rate = cfg->rrl_responses_per_second;
	s->rrl.window = cfg->rrl_window;
	s->rrl.slip = cfg->rrl_slip;
	s->rrl.ipv4_prefix = cfg->rrl_ipv4_prefix;
	s->rrl.ipv6_prefix = cfg->rrl_ipv6_prefix;
	s->rrl.log_only = cfg->rrl_log_only;
	s->rrl.table_size = cfg->rrl_table_size;
	if (cfg->nrrl_exempt) {
		struct netprefix *ex = xcalloc(cfg->nrrl_exempt, sizeof(*ex));
		memcpy(ex, cfg->rrl_exempt, cfg->nrrl_exempt * sizeof(*ex));
		s->rrl.exempt = ex;
		s->rrl.nexempt = cfg->nrrl_exempt;
	}
	if (cfg->cookies_enabled) {
		/* a secret generated once per process: reloads keep it, so clients'
		 * cookies stay valid */
		static uint8_t generated[COOKIE_SECRET_LEN];
		static bool have_generated;
		snap->cookies = xcalloc(1, sizeof(*snap->cookies));
		if (cfg->cookie_secret) {
			cookie_secret_parse(cfg->cookie_secret, snap->cookies->current);
		} else {
			if (!have_generated && cookie_secret_generate(generated) == GD_OK)
				have_generated = true;
			memcpy(snap->cookies->current, generated, COOKIE_SECRET_LEN);
		}
		if (cfg->cookie_previous_secret) {
			cookie_secret_parse(cfg->cookie_previous_secret, snap->cookies->previous);
			snap->cookies->have_previous = true;
		}
		s->cookies = snap->cookies;
	}
}

struct snapshot *snapshot_build(const struct config *cfg, const struct snapshot *prev,
                                uint64_t generation, struct diag *diag)
{
	return snapshot_build_from(cfg, prev, generation, NULL, diag);
}

struct snapshot *snapshot_build_from(const struct config *cfg, const struct snapshot *prev,
                                     uint64_t generation, const struct snapshot_source *src,
                                     struct diag *diag)
{
	struct snapshot *snap = xcalloc(1, sizeof(*snap));
	size_t before = diag->errors;
	snap->generation = generation;
	snap->sec = src ? src->sec : NULL;

	snap->regions.n = cfg->nregions;
	snap->regions.regions = xcalloc(cfg->nregions + 1, sizeof(struct region));
	for (size_t i = 0; i < cfg->nregions; i++) {
		snap->regions.regions[i].name = xstrdup(cfg->regions[i].name);
		snap->regions.regions[i].lat = cfg->regions[i].lat;
		snap->regions.regions[i].lon = cfg->regions[i].lon;
	}

	if (src && !src->read_networks && prev) {
		/* the shared networks prev's zones were built with: the file
		 * is read at start and by a full reload only */
		snap->networks = shared_networks_ref(prev->networks);
	} else if (cfg->geoip_networks) {
		snap->networks = shared_networks_load(cfg->geoip_networks, &snap->regions, diag);
	}
	snap->regions.networks = snap->networks;

	if (src && src->only_origin && prev) {
		/* one zone published: the databases in use, not read again (a
		 * GeoIP file being replaced is geoip.watch's or a reload's) */
		snap->geo = geo_share(prev->geo);
	} else if (cfg->ngeoip_databases || cfg->geoip_asn_database) {
		struct geo_paths paths = {
			(const char *const *)cfg->geoip_paths[0],
			(const char *const *)cfg->geoip_paths[1],
			(const char *const *)cfg->geoip_paths[2],
			(const char *const *)cfg->geoip_paths[3]};
		snap->geo = geo_open(cfg->geoip_databases, cfg->ngeoip_databases, &paths, diag);
		/* the ASN database joins the city ones: shared, watched and
		 * published with them */
		if (snap->geo && cfg->geoip_asn_database &&
		    !geo_open_asn(snap->geo, cfg->geoip_asn_database, diag)) {
			geo_close(snap->geo);
			snap->geo = NULL;
		}
	}

	config_check_zones(cfg, diag);
	struct zone **zones = xcalloc(cfg->nzones + 1, sizeof(struct zone *));
	snap->dnssec_keys = xcalloc(cfg->nzones + 1, sizeof(struct dnssec_key *));
	snap->ndnssec_keys = cfg->nzones;
	size_t n = 0, nsvc = 0;
	for (size_t i = 0; i < cfg->nzones; i++) {
		struct zone_config zc = {cfg->zones[i].origin, cfg->zones[i].file,
					 cfg->zones[i].services, &snap->regions};
		bool kept;
		struct zone *z =
		    snapshot_zone(prev, src, &cfg->zones[i], i, &zc, &nsvc, &kept, diag);
		/* indexed as db->zones: the snapshot is built only when every
		 * zone loaded (n == i) */
		snap->dnssec_keys[i] = kept_key(prev, src, &cfg->zones[i], i);
		if (!snap->dnssec_keys[i])
			snap->dnssec_keys[i] = zone_key(cfg, &cfg->zones[i], z, diag);
		if (z) {
			zones[n++] = z;
			if (kept)
				snap->zones_kept++;
			else
				snap->zones_built++;
		}
	}
	/* "asns" with no database to find a client's AS number in */
	for (size_t i = 0; i < n && !cfg->geoip_asn_database; i++) {
		const struct service_set *set = zones[i]->services;
		for (size_t k = 0; set && k < set->n; k++)
			if (set->svcs[k].nasns)
				diag_error(diag, set->svcs[k].file, set->svcs[k].line,
				           set->svcs[k].column,
				           "service \"%s\" has \"asns\" but geoip.asn_database is "
				           "not set",
				           set->svcs[k].name_str);
	}
	if (diag->errors == before)
		replication_prepare(snap, cfg, prev, zones, n, diag);
	if (diag->errors != before) {
		for (size_t i = 0; i < n; i++)
			zone_free(zones[i]);
		free(zones);
		snapshot_free(snap);
		return NULL;
	}
	snap->db = zonedb_build(zones, n, diag);
	if (!snap->db) {
		snapshot_free(snap);
		return NULL;
	}
	build_zone_keys(snap);

	struct answer_settings *s = &snap->settings;
	fill_settings(snap, cfg);
	build_tsig_keys(&snap->tsig_keys, cfg);
	snap->xfr_allow = build_xfr_allow(cfg);
	snap->notify_from = build_notify_from(cfg);
	s->notify_in = secondary_notify_in; /* NOTIFY from zones[].primaries */
	s->notify_ctx = snap;
	s->ixfr_udp = xfr_ixfr_udp; /* from the journals, for transfer.allow */
	s->ixfr_ctx = snap;
	snap->nxfr_allow = cfg->nzones;
	s->tsig_keys = &snap->tsig_keys;
	s->regions = &snap->regions;
	s->geo = snap->geo;
	s->generation = generation;

	/* per-worker answer counters (services numbered by snapshot_zone), a
	 * row per worker with (its regions + 1) counters per service: sized by
	 * all regions instead, 10,000 services over 10,000 regions took 1.1 GB */
	size_t *row = xcalloc(nsvc + 1, sizeof(size_t));
	for (size_t i = 0; i < snap->db->count; i++) {
		const struct service_set *set = snap->db->zones[i]->services;
		for (size_t k = 0; set && k < set->n; k++) {
			size_t x = set->svcs[k].index;
			row[x + 1] = row[x] + set->svcs[k].nregions + 1u;
		}
	}
	s->nservices = nsvc;
	s->svc_row = row;
	/* a counter row for every thread that answers: the TCP workers and a
	 * UDP thread per worker and listen address (net.c), and the transfer
	 * thread (the queries it answers on connections handed to it) */
	s->nworkers_max = config_workers(cfg) * (1 + cfg->nlisten) + cfg->xdp_queues_total + 1;
	if (nsvc)
		s->svc_counts = xcalloc(s->nworkers_max * row[nsvc], sizeof(uint64_t));
	return snap;
}

void snapshot_free(struct snapshot *snap)
{
	if (!snap)
		return;
	replication_free(snap);
	for (size_t i = 0; i < snap->ndnssec_keys; i++)
		dnssec_key_free(snap->dnssec_keys[i]);
	free(snap->dnssec_keys);
	free(snap->zone_keys);
	zonedb_free(snap->db);
	geo_close(snap->geo);
	shared_networks_free(snap->networks);
	for (size_t i = 0; i < snap->regions.n; i++)
		free(snap->regions.regions[i].name);
	free(snap->regions.regions);
	free((void *)snap->settings.nsid);
	free((void *)snap->settings.version);
	free((void *)snap->settings.ecs_trusted);
	free((void *)snap->settings.rrl.exempt);
	free(snap->cookies);
	tsig_keyring_clear(&snap->tsig_keys);
	for (size_t i = 0; i < snap->nxfr_allow; i++) {
		free(snap->xfr_allow[i].entries);
		if (snap->notify_from)
			free(snap->notify_from[i].entries);
	}
	free(snap->xfr_allow);
	free(snap->notify_from);
	free(snap->settings.svc_counts);
	free((void *)snap->settings.svc_row);
	free(snap);
}
