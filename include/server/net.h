/*
 * net.h - the serving side: one worker thread per CPU, each with its own
 * event base and its own SO_REUSEPORT UDP and TCP sockets per listen
 * address. UDP is read and written in batches (recvmmsg/sendmmsg); TCP
 * (RFC 7766) is length-prefixed, pipelined, with an idle timeout and a cap on
 * open connections that closes the longest-idle one first.
 *
 * Workers read the snapshot (zones, services, GeoIP, settings) through an
 * RCU-protected pointer (liburcu, memb flavour): server_publish() swaps in a
 * new one and frees the old one after every worker has left its read-side
 * section.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_NET_H
#define GD_NET_H

#include "query/answer.h"

#include <stdbool.h>
#include <stdint.h>

struct config;
struct snapshot;
struct server;
struct sockaddr;

/* Per-client TCP connection counts (tcp_max_per_client) are kept in this
 * many slots shared by all clients. */
#define SERVER_CLIENT_SLOTS 4096

/*
 * The count slot of a client address (AF_INET or AF_INET6): SipHash-2-4 of
 * the family and address under key (16 octets; the server's is random per
 * process), so that addresses sharing a client's slot cannot be chosen
 * without the key.
 */
uint32_t server_client_slot(const uint8_t key[16], const struct sockaddr *sa);

/* Create the server and bind every socket (before privileges are dropped).
 * Returns NULL after logging what could not be bound. */
struct server *server_create(const struct config *cfg, struct snapshot *snap);

/* Start the worker threads. */
int server_start(struct server *srv);

/* Publish a new snapshot (takes ownership); frees the old one once no
 * worker can still see it. Called from the main thread only. */
void server_publish(struct server *srv, struct snapshot *snap);

/* Publish a health snapshot (takes ownership), from any one thread at a
 * time (the prober); the old one is freed after a grace period. */
struct health_snapshot;
void server_publish_health(struct server *srv, struct health_snapshot *hs);

/* After publishing snap (at start: after server_start): add each zone's
 * difference to its journal (and journal.file), and have the transfer
 * thread send NOTIFY for each new serial. The thread that publishes. */
void server_replication_commit(struct server *srv, struct snapshot *snap);

/* Stop workers, join them, close sockets and free everything. */
void server_stop(struct server *srv);

/* Sum of every worker's counters. */
void server_counters(const struct server *srv, struct answer_counters *sum);

/* Limits hit on the serving side, summed over the workers. */
struct server_limit_counts {
	uint64_t rrl_limited, rrl_slipped, rrl_dropped;
	uint64_t tcp_output_total;      /* a connection held for the worker's budget */
	uint64_t tcp_output_connection; /* held for its own unsent answers */
};
void server_limit_counts(const struct server *srv, struct server_limit_counts *out);

/* Zone transfers out, by type and result (xfr_out_total{type,result}). */
enum xfr_type { XFR_AXFR, XFR_IXFR, XFR_TYPES };
enum xfr_result { XFR_OK, XFR_REFUSED, XFR_NOTAUTH, XFR_LIMIT, XFR_ABORTED, XFR_RESULTS };
const char *xfr_type_name(int t);     /* "AXFR", "IXFR" */
const char *xfr_result_name(int r);   /* "ok", "refused", ... */
struct xfr_out;
void xfrout_counts(const struct xfr_out *x, uint64_t out[XFR_TYPES][XFR_RESULTS]);
void server_xfr_counts(const struct server *srv, uint64_t out[XFR_TYPES][XFR_RESULTS]);
/* NOTIFY out (notify_sent_total{result}). */
struct notify_counters;
void server_notify_counts(const struct server *srv, struct notify_counters *out);
/* The last NOTIFY event of the zone origin (wire form, len octets, any
 * case) into st (xfr/notify.h); false when the transfer thread was never
 * given NOTIFY targets for it (or transfers are not running). Any thread. */
struct notify_status;
bool server_notify_status(const struct server *srv, const uint8_t *origin, size_t len,
                          struct notify_status *st);

/* The current snapshot for the calling thread (a registered RCU reader),
 * valid until server_snapshot_leave(); the read section must be short. */
const struct snapshot *server_snapshot_enter(struct server *srv);
void server_snapshot_leave(void);

/* The health snapshot the workers answer with now, inside a
 * server_snapshot_enter section (valid until its leave); NULL before the
 * prober's first. */
const struct health_snapshot *server_health_current(struct server *srv);

/* The answer counts of the snapshots replaced (ops/carry.h). */
struct carry_table *server_carry(struct server *srv);

#endif
