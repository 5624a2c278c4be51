/*
 * health.h - region and endpoint health from JSON feeds.
 *
 * One prober thread with its own libevent base polls every feed
 * (http://host:port/path with the evhttp client, https:// the same over
 * verified TLS with an optional bearer token, or file:PATH re-read when
 * it changes; a region's feed may list several, all polled each interval
 * and the newest document applied), parses documents with jansson, runs the hysteresis state
 * machine per region and per endpoint, and publishes an immutable
 * health_snapshot that workers read without locks (same RCU scheme as the
 * zones). A bad document is rejected whole and the last good state stays.
 *
 * Nothing on the prober's loop blocks: host names are resolved with evdns on
 * the same loop, feed files are opened non-blocking (and only regular files
 * are read), and every HTTP poll has one deadline (health.timeout) for the
 * whole of it, name resolution included. An admin change is published by
 * the loop at once, whatever a feed is doing.
 *
 * The parser and the state machine are plain functions so they are
 * unit-tested without threads or sockets.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_HEALTH_H
#define GD_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct config;
struct region_table;

#define FEED_MAX_BYTES (1024 * 1024)
/* An HTTP feed's response head: status line and headers together at most
 * this many bytes, and at most this many header lines; more fails the poll
 * (reason headers_too_large) and closes the connection. */
#define FEED_MAX_HEADER_BYTES (16 * 1024)
#define FEED_MAX_HEADERS 64

/* ---- hysteresis ---- */

struct hysteresis {
	bool up;
	unsigned fails;   /* consecutive failed checks while up */
	unsigned oks;     /* consecutive healthy checks while down */
};

/* Apply one check. Down after down_after consecutive failures, up after
 * up_after consecutive successes. Returns true when the state flipped. */
bool hysteresis_step(struct hysteresis *h, bool ok, unsigned down_after, unsigned up_after);

/* ---- feed documents ---- */

struct feed_endpoint {
	uint8_t family;       /* 1 = IPv4, 2 = IPv6 */
	uint8_t addr[16];
	bool healthy;
};

struct feed_region {
	size_t region;        /* index in the region table */
	bool healthy;
	int weight;           /* 0..100, or -1 when absent (keeps 100) */
	struct feed_endpoint *endpoints;
	size_t nendpoints;
};

struct feed_doc {
	time_t generated_at;  /* 0 when absent */
	struct feed_region *regions;
	size_t nregions;
};

/*
 * Parse a feed document. now and max_age decide staleness (a document whose
 * generated_at is older than max_age seconds, or later than now + max_age,
 * is rejected). On rejection returns false with a short reason such as
 * "not_json", "wrong_type", "bad_weight", "unknown_region", "too_large",
 * "stale", "bad_time", "bad_address" in reason and a longer explanation in
 * detail (both always NUL terminated).
 */
bool feed_parse(const char *text, size_t len, const struct region_table *rt, time_t now,
		unsigned max_age, struct feed_doc *doc, const char **reason, char *detail,
		size_t detail_cap);
void feed_doc_free(struct feed_doc *doc);

/* ---- a round of a feed list ---- */

/* One URL's part in a round: whether its document was acceptable (read,
 * parsed and valid), and its generated_at (0: it had none). */
struct feed_candidate {
	bool accepted;
	time_t generated_at;
};

enum feed_verdict {
	FEED_APPLY, /* apply the document of *best */
	FEED_OLDER, /* only documents older than the one applied: it stays */
	FEED_LOST,  /* no acceptable document: the feed is lost (on_feed_loss) */
};

/*
 * The rule of a round, in which every URL of a region's feed (c[0..n), in
 * the configured order) was polled: the newest acceptable document wins,
 * the first in the list among equals, one without generated_at below any
 * with one (*best: its index). It is applied unless it is older than the
 * document applied before (generated_at applied_at; 0 when none was, or it
 * had none) while that one is still fresh (applied_at + max_age >= now):
 * an older document never replaces a newer one. A document as old as the
 * applied one is the same version, applied again (one more check).
 */
enum feed_verdict feed_pick(const struct feed_candidate *c, size_t n, time_t applied_at, time_t now,
                            unsigned max_age, size_t *best);

/* ---- the published view ---- */

/* A region's down endpoints: those its feed reports unhealthy (after
 * damping) and not overridden, and every endpoint an admin forced down.
 * down holds their keys (family byte, then the address; an IPv4 address is
 * followed by 12 zero bytes) in ascending byte order without duplicates, so
 * that health_endpoint_up is a binary search: the builder sorts them once
 * per snapshot, never per query. */
struct health_region {
	bool up;
	uint8_t weight;        /* 0..100 from the feed */
	size_t ndown;
	const uint8_t (*down)[17];
};

struct health_snapshot {
	uint64_t generation;
	size_t n;              /* regions, as in the region table */
	struct health_region *regions;
};

/* Is the endpoint (family 1/2, address: 4 or 16 bytes) of a region healthy
 * in hs? O(log ndown). */
bool health_endpoint_up(const struct health_snapshot *hs, size_t region, uint8_t family,
			const uint8_t *addr);

void health_snapshot_free(struct health_snapshot *hs);

/* ---- the prober ---- */

struct health;
typedef void (*health_publish_fn)(struct health_snapshot *hs, void *arg);

/* Start the prober thread for cfg's regions (regions without a feed stay as
 * start_state says). publish() is called from the prober thread with each
 * new snapshot (ownership passes) and once before health_run returns with
 * the start-up state. The thread runs even without feeds, for overrides.
 * In two halves, for a daemon: health_create sets up the
 * feeds and the resolver (it reads /etc/resolv.conf and /etc/hosts unless
 * health.resolver is set, so call it before a chroot hides them); nothing is
 * polled or published yet, and it may be followed by a fork. health_run
 * reads the state file, publishes the start-up state and starts the thread
 * (NULL and h freed when the thread cannot start). */
struct health *health_create(const struct config *cfg, const struct region_table *rt,
                             health_publish_fn publish, void *arg);
struct health *health_run(struct health *h);
void health_stop(struct health *h);

/* A reload read the feed tokens again (regions.*.feed_token_file, the same
 * files as at health_create: same_regions in main.c): each feed list takes
 * its regions' token from cfg, sent from its next poll on. Any thread. */
void health_feed_tokens(struct health *h, const struct config *cfg);

/* An endpoint address (IPv4 or IPv6 text) as the 17-byte key of overrides and
 * snapshots: family 1 or 2, then the address. GD_EINVAL when it is neither. */
int health_endpoint_key(const char *text, uint8_t key[17]);

/* Admin overrides, from any thread; they take effect at once (a new
 * snapshot), and the state file (health.state_file) is written within
 * 0.2 s, once for all the changes made meanwhile, and at health_stop.
 * health_drain: GD_ENOTFOUND for an unknown region.
 * health_endpoint_override: state 1 up, 0 down, -1 back to the feeds
 * (auto; GD_ENOTFOUND when the address had no override). The address counts
 * in every region; the caller checks that it is an endpoint. */
int health_drain(struct health *h, const char *region, bool drain);
int health_endpoint_override(struct health *h, const uint8_t key[17], int state);

struct strbuf;
/* The regions as a JSON object body (for /status), and the health metrics. */
void health_status_json(struct health *h, struct strbuf *sb);
void health_metrics(struct health *h, struct strbuf *sb);

#endif
