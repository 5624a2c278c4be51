/*
 * secondary.h - secondary zones (zones[].primaries): the registry of their
 * copies and a thread of their own that keeps them fresh (RFC 1034 4.3.5
 * SOA timers, RFC 1996 NOTIFY, RFC 1995 IXFR then RFC 5936 AXFR, RFC 8945
 * TSIG).
 *
 * The registry holds, per secondary zone, the copy served (a zone
 * reference: the last version transferred, the one read from its file at
 * start, or a stub answered SERVFAIL when there is none or it expired)
 * and its timers. snapshot_build_from() takes each secondary's zone from
 * here (secondaries_copy), so a reload never reads a secondary's file
 * again. A transfer's new version is written to the zone's file (aside,
 * then renamed: the file is always a whole version), loaded with
 * zone_load() (checked as a file is: a version whose services fail is
 * rejected, the previous one keeps serving) and handed to the publish
 * hook, which publishes a snapshot where only that zone changed and
 * calls secondaries_set_copy(). The timers are kept beside the file
 * (FILE.timers) so that a restart keeps the expiry.
 *
 * Threads: secondaries_copy, secondaries_set_copy, secondaries_configure
 * and the counters may be called from any thread; secondary_notify_in runs
 * on the DNS workers (the answer hook of a snapshot); the rest on the
 * thread that owns the registry (main).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_SERVER_SECONDARY_H
#define GD_SERVER_SECONDARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct answer_request;
struct config;
struct query;
struct region_table;
struct shared_networks;
struct snapshot;
struct strbuf;
struct tsig_verdict;
struct zone;

struct secondaries;

/* Publish z (loaded, one reference borrowed) as the zone of config origin
 * origin, every other zone as it is; 0, or -1 with the reason logged.
 * Called on the secondaries' thread. */
typedef int (*secondaries_publish_fn)(void *ctx, const char *origin, struct zone *z);

/* Whether z, loaded from a transfer, may replace the copy of origin
 * (before it is kept in its file): false with why to reject it. */
typedef bool (*secondaries_check_fn)(void *ctx, const char *origin, const struct zone *z,
                                     char *why, size_t cap);

/* An empty registry: its regions (a copy) check the services of received
 * versions; the regions are fixed for the life of the process. networks
 * (a reference taken; NULL: none) are the shared networks its copies'
 * services take: a snapshot builds a copy's services again when the
 * ones it serves differ. */
struct secondaries *secondaries_new(const struct region_table *regions,
                                    struct shared_networks *networks);

/* The copy of the secondary zone with config origin origin, a reference
 * for the caller; NULL when the registry has none (then the file). */
struct zone *secondaries_copy(struct secondaries *s, const char *origin);

/* The copy of origin is z now (a reference is taken): from the publish
 * hook, once the snapshot holding z is published. */
void secondaries_set_copy(struct secondaries *s, const char *origin, struct zone *z);

/* The secondary zones of cfg, with the copies snap serves (snap built from
 * cfg and published), after start and after every reload: zones added are
 * refreshed at once, zones removed forgotten (a transfer in progress
 * dropped), primaries, keys and timer bounds taken for the next refresh. */
void secondaries_configure(struct secondaries *s, const struct config *cfg,
                           const struct snapshot *snap);

/* Start the thread: refreshes every secondary zone at once. -1 when the
 * thread could not start. */
int secondaries_start(struct secondaries *s, secondaries_publish_fn publish,
                      secondaries_check_fn check, void *ctx);

/* Stop the thread (transfers in progress are dropped): nothing is
 * published after it returns. The registry stays for the other threads
 * (NOTIFY on the workers, /status and /metrics on the HTTP thread) until
 * secondaries_free, after they have stopped. */
void secondaries_stop(struct secondaries *s);

/* Stop the thread if it runs, and free; no other thread may use s. */
void secondaries_free(struct secondaries *s);

/*
 * The answer hook for NOTIFY (answer_settings.notify_in, ctx the
 * snapshot): NOTAUTH for a zone not served, REFUSED for a zone that is not
 * a secondary or a sender that is not one of its primaries (with its key
 * when it has one), FORMERR for a question other than <zone> SOA IN;
 * else NOERROR and the zone is refreshed (a NOTIFY during a refresh
 * starts one more after it, however many arrive). Counted by result.
 */
int secondary_notify_in(const void *ctx, const struct answer_request *req, const struct query *q,
                        const struct tsig_verdict *v);

/* Prometheus families xfr_in_total{type,result},
 * notify_received_total{result}, zone_refresh_timestamp_seconds{zone},
 * zone_expires_in_seconds{zone}. */
void secondaries_metrics(struct secondaries *s, struct strbuf *sb);

/* The "secondary" member of a zone's /status object (with a leading
 * comma), or nothing for a zone that is not a secondary. */
void secondaries_status(struct secondaries *s, const char *origin, struct strbuf *sb);

#endif
