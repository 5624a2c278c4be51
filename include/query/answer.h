/*
 * answer.h - the authoritative answer: one query packet in, one response
 * packet out, written into a caller-owned buffer (RFC 1034 section 4.3.2 and
 * the later RFCs listed in the README). No allocation, lock or log.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_ANSWER_H
#define GD_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/counter.h"
#include "dns/dns.h"
#include "geo/geo.h"
#include "query/rrl.h"
#include "geo/service.h"

struct cookie_secrets;
struct dnssec_key;
struct dnssec_sigcache;
struct geo_cache_entry;
struct health_snapshot;
struct loc_entry;
struct rank_entry;
struct resp_cache_entry;
struct geo_db;
struct netprefix;
struct sockaddr;
struct tsig_keyring;
struct zone;
struct zonedb;

struct answer_request;
struct query;
struct tsig_verdict;

/* IXFR over UDP (RFC 1995 2), answered by the serving side from its
 * journals: the response into out (at most cap octets), or 0 when the
 * request is not one it serves (then REFUSED). v: the request's verified
 * TSIG, or NULL when unsigned. */
typedef size_t (*answer_ixfr_udp_fn)(const void *ctx, const struct answer_request *req,
                                     struct query *q, const struct tsig_verdict *v, uint8_t *out,
                                     size_t cap);

/* A NOTIFY (RFC 1996) that passed the TSIG check: the RCODE of its
 * response (NOERROR: a refresh is on its way). v as for the IXFR hook. */
typedef int (*answer_notify_fn)(const void *ctx, const struct answer_request *req,
                                const struct query *q, const struct tsig_verdict *v);

/* A signed zone's key, in the table answer_zone_key searches. */
struct answer_zone_key {
	const struct zone *zone; /* NULL: an empty slot */
	const struct dnssec_key *key;
};

/* Settings the answer depends on, fixed for the life of a snapshot. */
struct answer_settings {
	uint16_t udp_payload;      /* our EDNS payload size and UDP limit */
	answer_notify_fn notify_in; /* NULL: NOTIFY answered NOTIMP */
	const void *notify_ctx;
	answer_ixfr_udp_fn ixfr_udp; /* NULL: IXFR over UDP REFUSED */
	const void *ixfr_ctx;
	const uint8_t *nsid;       /* NULL: NSID not answered */
	uint16_t nsid_len;
	/* class CH version.bind/version.server (RFC 4892); NULL: REFUSED */
	const char *version;
	/* RRSIGs a worker may make in a second for UDP answers; over it an
	 * answer that needs one more is truncated (TC=1: the resolver asks
	 * again over TCP, which is not capped). 0: no cap */
	unsigned signatures_per_second;
	bool ecs_enabled;
	bool ecs_trust_all;        /* every sender may send ECS */
	const struct netprefix *ecs_trusted;
	size_t necs_trusted;
	uint8_t hash_ipv4_prefix;  /* client network hashed for splits: /24 */
	uint8_t hash_ipv6_prefix;  /* and /56 */
	uint16_t tcp_idle_timeout; /* seconds, for edns-tcp-keepalive */
	uint32_t service_ttl_cap;  /* 0, or the health poll interval */
	const struct geo_db *geo;  /* NULL: every client location unknown */
	const struct region_table *regions;
	uint64_t generation;       /* of the snapshot, for the worker caches */
	bool answer_cache_off;     /* no whole responses kept or replayed */
	bool soa_template_off;     /* tests: negative SOAs through the general writer */
	struct rrl_config rrl;     /* rate 0: off */
	const struct cookie_secrets *cookies; /* NULL: DNS cookies off */
	const struct tsig_keyring *tsig_keys; /* the keys TSIG requests are checked with */
	/* the signed zones (zones[].dnssec.key), open addressing by the zone's
	 * address, zone_keys_mask + 1 slots (a power of two, at least twice
	 * nzone_keys); nzone_keys 0: no zone is signed, zone_keys NULL */
	const struct answer_zone_key *zone_keys;
	size_t zone_keys_mask, nzone_keys;
	/* Per-service answer counters, owned by the snapshot: a row per worker
	 * of svc_row[nservices] counters; service index i's run from
	 * svc_row[i], one per region of the service (in the order of its
	 * regions), then its fail-open count. Sized by the regions each
	 * service has, not by all regions (see svc_counters). */
	uint64_t *svc_counts;
	const size_t *svc_row; /* nservices + 1 offsets into a row */
	size_t nservices, nworkers_max;
};

/* Worker w's counters of service index svc (set->svc_counts non-NULL):
 * [k] answers from the service's region k (an index into its regions),
 * [nregions] its fail-open answers. */
static inline uint64_t *svc_counters(const struct answer_settings *set, size_t w, uint32_t svc)
{
	return set->svc_counts + w * set->svc_row[set->nservices] + set->svc_row[svc];
}

/* The slot of zone z in a table of mask + 1 slots. */
static inline size_t answer_zone_slot(const struct zone *z, size_t mask)
{
	return (size_t)(((uintptr_t)z >> 4) * 0x9E3779B97F4A7C15ull >> 32) & mask;
}

/* The signing key of zone z, or NULL when it is not signed. */
static inline const struct dnssec_key *answer_zone_key(const struct answer_settings *set,
                                                       const struct zone *z)
{
	if (!set->nzone_keys)
		return NULL;
	for (size_t i = answer_zone_slot(z, set->zone_keys_mask); set->zone_keys[i].zone;
	     i = (i + 1) & set->zone_keys_mask)
		if (set->zone_keys[i].zone == z)
			return set->zone_keys[i].key;
	return NULL;
}

/* Per-worker counters (summed on read by the stats module). */
struct answer_counters {
	uint64_t queries;
	uint64_t queries_udp, queries_tcp;
	uint64_t qtype[256];       /* by qtype; [0] counts types >= 256 */
	uint64_t rcode[DNS_RCODES_COUNTED];
	uint64_t truncated;
	uint64_t dropped;
	uint64_t geo_answers;
	uint64_t fail_open;
	uint64_t ecs_used;         /* ECS decided a geo answer */
	uint64_t ecs_ignored;      /* ECS present but not used (untrusted, /0) */
	uint64_t ecs_malformed;
	uint64_t rank_cache_miss;
	uint64_t geo_cache_miss;   /* GeoIP tree walks (not from the cache) */
	uint64_t loc_cache_miss;   /* GeoIP records decoded (not from the cache) */
	uint64_t answer_cache_hit; /* responses replayed from the answer cache */
	uint64_t signatures;       /* RRSIGs made (query/dnssec.c) */
	uint64_t signature_cache_hits; /* RRSIGs from the signature cache */
	uint64_t signing_cap_hits; /* UDP answers truncated: the signing budget spent */
	uint64_t cookie_client_only, cookie_valid, cookie_bad, cookie_malformed;
	uint64_t tcp_accepted;
	uint64_t tcp_closed;
	uint64_t tcp_evicted;      /* closed to make room under the cap */
	uint64_t tcp_client_refused; /* over tcp_max_per_client */
	uint64_t tcp_idle_closed;
	uint64_t tcp_lifetime_closed;
	uint64_t dnstap_sent;      /* dnstap messages queued for the collector */
	uint64_t dnstap_dropped;   /* dnstap messages dropped: the queue full */
	uint64_t xdp_answered;     /* replies sent from an AF_XDP socket */
	uint64_t xdp_dropped;      /* AF_XDP frames not answered (malformed) */
	uint64_t coalesce_waits;   /* waits for more queries (server.coalesce_us) */
};

/* What the sampled query log prints about one query (filled only when the
 * worker asks, so the unsampled path does no extra work). */
struct answer_info {
	bool question;
	char qname[256];           /* presentation form */
	uint16_t qtype;
	uint16_t rcode;
	int region;                /* chosen region, -1 when none */
	bool ecs;                  /* the client below is the ECS subnet */
	uint8_t family;            /* 1 IPv4, 2 IPv6, 0 unknown */
	uint8_t addr[16];
	uint8_t prefix;
};

/* A worker's private answer state: counters and the ranking cache. */
struct answer_worker {
	unsigned id;               /* worker index, for per-snapshot counters */
	bool want_info;            /* fill info for this query (query log) */
	struct rrl_table rrl;      /* this worker's rate limiting accounts */
	struct answer_info info;
	struct answer_counters counters;
	struct rank_entry *cache;  /* ANSWER_RANK_CACHE entries */
	struct geo_cache_entry *gcache; /* ANSWER_GEO_CACHE entries */
	struct loc_entry *lcache;  /* ANSWER_LOC_CACHE entries */
	struct resp_cache_entry *rcache; /* ANSWER_RESP_CACHE entries, or NULL */
	uint8_t *rkind;            /* ANSWER_RKIND hints: 2 the name was geo */
	unsigned rcache_turn;      /* the way replaced next in a full set */
	/* the RRSIGs this worker made (dnssec/sigcache.h), for DO=1 answers
	 * from signed zones */
	struct dnssec_sigcache *sigcache;
	/* signatures this worker may still make this second (the budget of
	 * settings.signatures_per_second over UDP), and the second it is for */
	unsigned sign_budget;
	uint64_t sign_second;
};

void answer_worker_init(struct answer_worker *aw);
void answer_worker_free(struct answer_worker *aw);

struct answer_request {
	const uint8_t *pkt;
	size_t len;
	bool tcp;
	const struct sockaddr *client; /* source address; may be NULL in tests */
	const struct health_snapshot *health; /* NULL: everything up */
};

/* Space an answer buffer must have: the largest TCP message. */
#define ANSWER_BUF_SIZE 65535

/*
 * Answer req into out (at least ANSWER_BUF_SIZE bytes for TCP, or
 * settings->udp_payload for UDP). Returns the response length, or 0 when the
 * packet is dropped without a response.
 */
size_t answer_query(const struct zonedb *db, const struct answer_settings *settings,
		    const struct answer_request *req, uint8_t *out, size_t outcap,
		    struct answer_worker *aw);

/* Is the client address (family 1 IPv4 or 2 IPv6, known bits of it: all,
 * or an ECS SOURCE) in a network the geo answer never locates (RFC 1918,
 * loopback, link local, ...; answered from the service's fallback)? Its
 * prefix length in *bits. */
bool answer_reserved_network(uint8_t family, const uint8_t *addr, unsigned known, unsigned *bits);

#endif
