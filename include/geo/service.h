/*
 * service.h - geo services: names that answer A/AAAA (or a CNAME) with the
 * endpoints of the closest healthy region to the client.
 *
 * A services file (JSON, one per zone), and the zone's own records of the
 * private type TYPE65281 (each the JSON object of one service, handed over
 * by the zone loader), are compiled into one service_set at load, checked
 * by one code. At query time the answer code asks svc_rank() for the order of
 * regions for a client location (cached per worker) and svc_choose_client() for
 * the region and endpoints given that order and the client's hash.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_SERVICE_H
#define GD_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hash.h"

struct diag;
struct geo_location;
struct netmap;
struct svc_network_map;

#define SERVICE_MAX_REGIONS 64
#define SERVICE_MAX_ENDPOINTS 64
/* The most "networks" one service may have. */
#define SERVICE_MAX_NETWORKS 10000
/* Where a network of a service's map comes from (its netmap mark): its
 * own "networks", or the shared networks file (geoip.networks). */
#define SVC_NETWORK_OWN 0
#define SVC_NETWORK_SHARED 1
/* The most "asns" one service may have. */
#define SERVICE_MAX_ASNS 10000
/* The largest JSON object of one service given on its own (a record's
 * data): 16 KiB. */
#define SERVICE_JSON_MAX 16384

/* A region from the configuration. */
struct region {
	char *name;
	double lat, lon;
};

struct shared_networks;

struct region_table {
	struct region *regions;
	size_t n;
	/* geoip.networks (shared_networks.h), for every service; NULL when
	 * not set */
	const struct shared_networks *networks;
};

struct endpoint {
	uint8_t addr[16];      /* 4 bytes used for A */
	uint64_t hash;         /* stable per address, for rendezvous choice */
};

struct service_region {
	uint16_t region;       /* index in the region table */
	uint8_t weight;        /* 0..100: share of its nearest clients it keeps */
	uint8_t na, naaaa;
	struct endpoint *a, *aaaa;
	uint8_t *cname;        /* wire form target, or NULL */
	size_t cname_len;
};

struct override {
	char code[3];
	uint8_t sr;            /* index into service->regions */
};

/* An "asns" override: AS number -> region. */
struct asn_override {
	uint32_t asn;
	uint8_t sr; /* index into service->regions */
};

struct service {
	uint8_t name[255];     /* lower-case wire form */
	size_t name_len;
	char *name_str;
	uint32_t id;           /* index in its set */
	uint32_t index;        /* index across every zone of a snapshot */
	uint64_t seed;         /* hash seed: the name */
	uint32_t ttl;
	uint8_t max_answers;   /* 0 = every healthy endpoint */
	uint8_t fallback;      /* index into regions */
	uint8_t nregions;
	struct service_region *regions;
	struct override *countries, *continents;
	size_t ncountries, ncontinents;
	/* "networks" with the shared ones naming its regions (marked
	 * SVC_NETWORK_OWN or SVC_NETWORK_SHARED; its own win for the same
	 * network): the longest match puts its region first (values are
	 * indexes into regions); NULL when none */
	struct netmap *networks;
	/* networks is the set's (shared networks only, one trie for every
	 * service of the set with the same regions in the same order) */
	bool networks_shared;
	/* "asns": sorted by AS number, after networks and before countries
	 * (the client's AS number from geoip.asn_database) */
	struct asn_override *asns;
	size_t nasns;
	/* svc_rank for an unknown location, computed at load */
	uint8_t unknown_order[SERVICE_MAX_REGIONS];
	uint8_t nunknown;
	/* where it is defined: its key in the services file (line and
	 * column), or its record in a zone file (line, column 0); file is
	 * the set's copy */
	const char *file;
	int line, column;
};

struct service_set {
	char *file; /* the services file, or NULL */
	struct service *svcs;
	size_t n;
	char **files; /* the files services from JSON objects name */
	size_t nfiles;
	/* the shared networks the services took (shared_networks_digest of
	 * the region table they were built with): a copy built before the
	 * file changed is built again */
	uint64_t networks_digest;
	/* the tries of shared networks its services without "networks" of
	 * their own point to, one per list of regions (service.c) */
	struct svc_network_map *maps;
	size_t nmaps;
};

/* The index in rt of the region named name, or -1. */
int region_find(const struct region_table *rt, const char *name);

/* Parse a services file for the zone with the given origin (lower-case wire).
 * NULL with every problem in diag. */
struct service_set *service_set_load(const char *path, const uint8_t *origin,
				     const char *origin_str, const struct region_table *rt,
				     struct diag *diag);
void service_set_free(struct service_set *set);

/* A service given as the JSON text of its object (the data of a zone's
 * TYPE65281 record), named by its owner. */
struct service_json {
	const uint8_t *name; /* wire form, inside the zone */
	const char *text;    /* not NUL-terminated */
	size_t len;
	const char *file; /* where it is defined, for errors */
	int line;
};

/*
 * Add services given one by one as JSON objects to *set (created when
 * NULL): each checked exactly as a services file's member is, with the
 * same messages, reported at its file and line after "service NAME: "
 * (the JSON path in the message says where inside the object). Also
 * errors: a name already in the set or given twice (naming both places),
 * text over SERVICE_JSON_MAX octets, text that is not a JSON object
 * (invalid UTF-8 included). Relative names inside are relative to origin
 * (lower-case wire). Returns GD_OK, or GD_EINVAL with every problem in
 * diag: the set then holds the services that parsed, fit for the zone's
 * remaining checks and for service_set_free only.
 */
int service_set_add_json(struct service_set **set, const struct service_json *items, size_t n,
                         const uint8_t *origin, const struct region_table *rt, struct diag *diag);

/* Where a service is defined, "file:line:column" or "file:line", into buf. */
const char *service_place(const struct service *s, char *buf, size_t cap);

/*
 * Order the service's regions for a client location (NULL = unknown):
 * a country override, then a continent override, then by great-circle
 * distance; unknown location: the fallback, then by distance from it.
 * Writes indexes into s->regions to order[]; returns how many.
 */
unsigned svc_rank(const struct service *s, const struct region_table *rt,
		  const struct geo_location *loc, uint8_t *order);

/* The region (index into s->regions) of AS number asn in s's "asns", or
 * -1 when it has none. A binary search. */
int svc_asn_region(const struct service *s, uint32_t asn);

/* The order with region sr (an index into s->regions) first, then the
 * others of order[] (n of them) as they come: a network override in front
 * of the ranking. Returns how many went to out (which holds
 * SERVICE_MAX_REGIONS). */
unsigned svc_order_first(unsigned sr, const uint8_t *order, unsigned n, uint8_t *out);

/* The point distances are measured from for a location: its coordinates,
 * else its continent's centre. false when it has neither. */
bool svc_location_point(const struct geo_location *loc, double *lat, double *lon);

/* Regions a position table covers (svc_region_positions); with more regions
 * configured, svc_rank is used. */
#define SVC_POSITIONS_MAX 128

/*
 * The place of every configured region (rt->n <= SVC_POSITIONS_MAX) in the
 * order of distance from a point, equal distances in configuration order:
 * pos[region index] = 0 for the closest. Computed once per client location
 * and shared by every service.
 */
void svc_region_positions(const struct region_table *rt, double lat, double lon, uint8_t *pos);

/* svc_rank for a location with a point, given the positions of the regions
 * from that point: the same order, without a distance per service. */
unsigned svc_rank_pos(const struct service *s, const struct geo_location *loc,
		      const uint8_t *pos, uint8_t *order);

struct svc_choice {
	const struct service_region *sr;
	bool fail_open;        /* every region was down */
	bool hashed;           /* a weight split or max_answers decided it */
	bool past_first;       /* the regions after order[0] decided it */
	unsigned n;            /* endpoints chosen for the qtype */
	const struct endpoint *eps[SERVICE_MAX_ENDPOINTS];
};

struct health_snapshot;


/* The client as svc_choose_client hashes it (weight splits, max_answers):
 * its network is hashed (svc_client_hash) only when an answer depends on
 * it; known with hash set when the caller has it already. */
struct svc_client {
	int family;            /* 1 IPv4, 2 IPv6 (ECS family numbers) */
	const uint8_t *addr;
	unsigned prefix;       /* bits of the network hashed */
	bool known;            /* hash is set */
	uint64_t hash;
};

/*
 * Choose for a client: the first region in order that is up, has a healthy
 * endpoint (or a cname) and keeps the client under its weight (the
 * service's static weight times the feed's weight / 100), then its healthy
 * endpoints of the family for qtype (A or AAAA; others choose the region
 * only), at most max_answers, chosen stably by rendezvous hashing of the
 * client network's hash (computed on first need). health NULL: every region
 * up at full feed weight, every endpoint healthy. When no region qualifies
 * the closest one answers (fail open) with its healthy endpoints, or all of
 * them when none is healthy.
 */
void svc_choose_client(const struct service *s, const uint8_t *order, unsigned norder,
		       struct svc_client *c, uint16_t qtype, const struct health_snapshot *hs,
		       struct svc_choice *out);

/* Region sr (an index into s->regions) as svc_choose_client sees it for
 * client c: the operator's explanation of a choice (geodnsdctl explain). */
struct svc_region_state {
	bool usable;                      /* up, with something healthy to answer */
	bool up;                          /* the region's own state in the snapshot */
	unsigned feed_weight;             /* 0..100 from the feed (0 when drained) */
	unsigned weight;                  /* the service's weight times the feed's / 100 */
	unsigned bucket;                  /* the client's place 0..99: kept when below weight */
	unsigned healthy_a, healthy_aaaa; /* endpoints not down */
};
void svc_region_state(const struct service *s, unsigned sr, struct svc_client *c,
                      const struct health_snapshot *hs, struct svc_region_state *st);

/*
 * The common case without a full ranking: when region `first` (an index into
 * s->regions: the closest) is usable at full weight, svc_choose would pick it
 * whatever followed it in the order. Then fills out as svc_choose does and
 * returns true; else false (rank fully and use svc_choose).
 */
bool svc_choose_first(const struct service *s, unsigned first, struct svc_client *c,
		      uint16_t qtype, const struct health_snapshot *hs, struct svc_choice *out);

/* The service's region closest by position (svc_region_positions): the
 * first of svc_rank_pos's order for a service without overrides. */
unsigned svc_first_by_pos(const struct service *s, const uint8_t *pos);

/* Stable 64-bit hash of the client network: addr masked to prefix bits;
 * family as in ECS (1 = IPv4, 2 = IPv6). */
uint64_t svc_client_hash(int family, const uint8_t *addr, unsigned prefix);

#endif
