/*
 * secondary_internal.h - what secondary.c (registry, timers, NOTIFY in,
 * metrics) and secondary_xfr.c (one refresh's SOA query and transfer)
 * share.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_SECONDARY_INTERNAL_H
#define GD_SECONDARY_INTERNAL_H

#include "dns/tsig.h"
#include "dns/wire.h"
#include "geo/service.h"
#include "server/secondary.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

struct bufferevent;
struct event;
struct event_base;
struct xfrin;

/* What a refresh ended with (xfr_in_total{type,result}). */
enum sec_result { SEC_OK, SEC_UPTODATE, SEC_FAILED, SEC_REJECTED, SEC_RESULTS };
/* The last exchange of a refresh: the SOA query (up to date, or it
 * failed), or the transfer. */
enum sec_type { SEC_AXFR, SEC_IXFR, SEC_SOA, SEC_TYPES };
enum sec_notify_result {
	SEC_NOTIFY_OK,
	SEC_NOTIFY_REFUSED,
	SEC_NOTIFY_NOTAUTH,
	SEC_NOTIFY_FORMERR,
	SEC_NOTIFY_RESULTS
};
enum sec_phase { SEC_IDLE, SEC_QUERY, SEC_TRANSFER };

extern const char *const sec_result_names[SEC_RESULTS];
extern const char *const sec_type_names[SEC_TYPES];
extern const char *const sec_notify_names[SEC_NOTIFY_RESULTS];

struct sec_primary {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	char text[80];
	uint8_t key[WIRE_NAME_MAX]; /* the key's name; key_len 0: unsigned */
	uint8_t key_len;
};

struct sec_zone {
	struct secondaries *s;
	struct sec_zone *next;
	char *origin_cfg; /* as the config writes it (the registry's key) */
	char *name;       /* presentation form, for logs */
	uint8_t origin[WIRE_NAME_MAX];
	size_t origin_len;
	/* under s->lock: config, copy, status */
	char *file_cfg; /* the config's file: a reload may replace it */
	struct sec_primary *primaries;
	size_t nprimaries;
	uint32_t bounds[3][2]; /* refresh, retry, expire: min, max */
	struct zone *copy;     /* served: a reference */
	time_t last_ok, expire_at, next_refresh, last_attempt;
	enum sec_result last_result;
	char last_error[256];
	char last_primary[80];
	bool seen, removed, fresh;
	bool notify_pending; /* atomic: a NOTIFY for the loop */
	/* the loop's alone */
	char *file; /* where the copy is kept: file_cfg as of the last refresh */
	enum sec_phase phase;
	bool notified; /* a NOTIFY or timer during a refresh: one more after */
	bool want_axfr;
	size_t primary; /* the one being asked */
	struct event *timer, *expire_ev;
	/* the exchange in progress */
	enum sec_type type;
	struct sec_primary peer; /* a copy of primaries[primary] */
	bool signed_;
	struct tsig_key key;
	uint8_t secret[TSIG_SECRET_MAX];
	uint16_t id;
	uint8_t mac[TSIG_MAC_MAX];
	uint16_t mac_len;
	uint32_t their_serial;
	int fd;
	struct event *io;
	struct bufferevent *bev;
	struct xfrin *rd;
	struct zone *base; /* the copy an IXFR starts from: a reference */
	uint64_t started_ms;
};

struct secondaries {
	pthread_mutex_t lock;
	struct sec_zone *zones;
	struct tsig_keyring ring; /* a copy of the config's keys */
	struct region_table regions;
	struct shared_networks *networks; /* regions.networks: a reference */
	struct event_base *base;
	struct event *wake;
	pthread_t thread;
	bool running;
	secondaries_publish_fn publish;
	secondaries_check_fn check; /* NULL: every version that loads */
	void *ctx;
	uint64_t results[SEC_TYPES][SEC_RESULTS]; /* atomic */
	uint64_t notify[SEC_NOTIFY_RESULTS];      /* atomic */
	uint64_t expired_total;                   /* atomic */
};

/* secondary.c */
void sec_done(struct sec_zone *z, enum sec_result result, int type, const char *why);
void sec_schedule(struct sec_zone *z, uint32_t seconds);
void sec_arm_expire(struct sec_zone *z);
/* z->file made file_cfg (under s->lock): the loop uses z->file without the
 * lock while a reload may replace file_cfg. */
void sec_sync_file(struct sec_zone *z);

/* secondary_xfr.c */
/* Ask primaries[z->primary] (then the next ones on failure); ends with
 * sec_done. */
void sec_attempt(struct sec_zone *z);
/* Drop the exchange in progress (sockets, reader, base). */
void sec_abort(struct sec_zone *z);

#endif
