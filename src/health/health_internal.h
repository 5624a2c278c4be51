/*
 * health_internal.h - the prober's state and the calls between the files
 * of src/health/; nothing outside the module includes it (its interface is
 * include/health/health.h).
 *
 * struct health owns the region states, the feed lists (each region's feed:
 * one URL or several, struct feed each) and the admin overrides.
 * The prober's loop changes them; the HTTP thread reads them (status,
 * metrics) and changes the overrides, both under hp->lock. Each function
 * below is described where it is defined.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_HEALTH_INTERNAL_H
#define GD_HEALTH_INTERNAL_H

#include "health/health.h"

#include "geo/service.h"

#include <event2/util.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

struct config;
struct event;
struct event_base;
struct evdns_base;
struct evdns_getaddrinfo_request;
struct evhttp_connection;
struct bufferevent;
typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

/* rs->eps: sorted by key, no duplicates (endpoint_checks keeps it so) */
struct endpoint_state {
	uint8_t key[17];       /* family + address */
	struct hysteresis h;
};

struct region_state {
	const char *name;
	struct hysteresis h;
	uint8_t weight;
	unsigned down_after, up_after, max_age;
	bool keep_on_loss;     /* feed failures do not count: state kept */
	bool drained;          /* admin override: weight 0 */
	time_t last_good;      /* last document that described this region */
	struct endpoint_state *eps;
	size_t neps;
	const char *last_reason;
	struct feed_list *list; /* its feed, or NULL */
};

/* One URL of a feed list: its poll (HTTP or file) and what that gave. */
struct feed {
	struct health *hp;
	struct feed_list *list; /* the list it is one URL of */
	char *spec;             /* the URL as configured */
	bool is_file;
	bool https;            /* https://: verified TLS (feed_tls.c) */
	char *path;            /* file path, or the HTTP path with query */
	char *host;            /* to resolve and verify (an IPv6 literal bare) */
	char *host_header;     /* the Host header: as in the URL, with its port */
	int port;
	struct event *deadline; /* ends an HTTP poll that takes longer than timeout */
	struct evhttp_connection *conn;
	char conn_addr[INET6_ADDRSTRLEN]; /* the address conn goes to */
	struct lookup *lookup;            /* the poll's pending name lookup, or NULL */
	bool in_flight;                   /* an HTTP poll started and has not ended */
	bool headers_read;                /* this poll's response head was complete */
	size_t head_bytes;                /* bytes received before it was */
	const char *http_error;           /* reason from the error or header callback */
	const char *http_detail;
	SSL *ssl;              /* https: conn's TLS session (freed with it) */
	char tls_detail[192];  /* http_detail of a TLS failure */
	const char *state;     /* "ok" or the last failure reason */
	struct stat last_stat; /* file feeds: re-read on change */
	char *last_text;
	size_t last_len;
	uint64_t polls_ok, polls_failed;
	time_t last_ok;      /* its last acceptable document (0 = never) */
	time_t generated_at; /* that document's generated_at (0: it had none) */
	/* this round's acceptable document, until the round ends */
	bool has_doc;
	struct feed_doc doc;
};

/*
 * A region's feed: its URLs, one or more, polled together every interval
 * (a round), the newest acceptable document applied (feed_list.c).
 * Regions configured with the same URLs in the same order share one.
 */
struct feed_list {
	struct health *hp;
	char *spec;        /* its name in logs and metrics: the URLs joined by spaces */
	struct feed *urls; /* in the configured order */
	size_t nurls;
	unsigned interval, timeout, max_age;
	const char *ca;         /* its regions' feed_ca (NULL: the system's store) */
	const char *token_file; /* its regions' feed_token_file, or NULL */
	SSL_CTX *tls;           /* https:// URLs' context (hp->tls owns it), or NULL */
	char *auth;             /* "Bearer TOKEN", or NULL; under hp->lock */
	size_t *regions; /* indexes of the regions it feeds */
	size_t nregions;
	struct event *timer;
	size_t pending;    /* polls of the round in progress still running (0: none) */
	const char *state; /* "ok", "older_than_applied" or why it was lost */
	uint64_t polls_ok, polls_older, polls_failed; /* rounds by outcome */
	time_t last_ok;     /* the last round that applied a document (0 = never) */
	bool applied;       /* a document was applied */
	time_t applied_at;  /* its generated_at (0: it had none) */
	size_t applied_url; /* the index of the URL that gave it */
};

/* A name lookup of an HTTP poll. Owned by its callback, which always comes
 * (evdns calls it even for a cancelled lookup) and frees it; feed is NULL
 * once the poll no longer wants the answer. */
struct lookup {
	struct feed *feed;
	struct evdns_getaddrinfo_request *req;
};

/* The TLS context of one feed_ca (NULL: the system's store). */
struct feed_tls {
	char *ca;
	SSL_CTX *ctx; /* NULL when it could not be made */
};

/* hp->overrides is sorted by key, without duplicates (key_lower_bound). */
struct endpoint_override {
	uint8_t key[17];       /* family + address: first, for key_lower_bound */
	bool up;               /* forced up, or forced down */
};

struct health {
	pthread_t thread;
	struct event_base *base;
	struct evdns_base *dns;       /* the feeds' host names, resolved on base */
	pid_t created_by;             /* the process that made base (a fork may follow) */
	struct region_table own_rt;   /* a copy: snapshots come and go */
	const struct region_table *rt;
	struct region_state *regions;
	size_t nregions;
	struct feed_list *lists;
	size_t nlists;
	struct feed_tls *tls; /* one per distinct feed_ca of https:// feeds */
	size_t ntls;
	health_publish_fn publish;
	void *arg;
	uint64_t generation;
	bool dirty;
	bool all_down;         /* every region down or drained (logged) */
	/* the prober's state is read by the HTTP thread (status, metrics) and
	 * changed by admin overrides: both under this lock */
	pthread_mutex_t lock;
	struct event *kick;    /* wakes the prober to publish after an override */
	struct endpoint_override *overrides;
	size_t noverrides;
	bool started;
	char *state_file;      /* overrides persisted here, or NULL */
	bool state_dirty;      /* overrides changed since the file was written */
	struct event *save_timer; /* writes the state file shortly after a change */
};

/*
 * Endpoint keys (family byte, then the address, an IPv4 address followed by
 * 12 zero bytes) are ordered as 17 bytes. Two arrays are kept in that order,
 * without duplicates: a snapshot's down lists (health_endpoint_up searches
 * them per answer) and the admin overrides (build_snapshot and the status
 * pages search them per endpoint). This is the one search for both: base
 * holds n elements of size bytes, each starting with its key; the index of
 * the first element whose key is not below key (n when none is).
 */
static inline size_t key_lower_bound(const void *base, size_t n, size_t size, const uint8_t *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp((const uint8_t *)base + mid * size, key, 17) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The element of base (as key_lower_bound) whose key is key, or NULL. */
static inline void *key_find(const void *base, size_t n, size_t size, const uint8_t *key)
{
	size_t i = key_lower_bound(base, n, size, key);
	const uint8_t *e = (const uint8_t *)base + i * size;
	return i < n && memcmp(e, key, 17) == 0 ? (void *)e : NULL;
}

/* snapshot.c */
void health_key_str(const uint8_t *key, char *buf, size_t cap);
void health_publish_unlock(struct health *hp);

/* state_machine.c */
int health_override_of(const struct health *hp, const uint8_t *key);
void health_list_apply(struct feed_list *l, const struct feed_doc *doc, const char *reason);

/* feed_list.c */
void health_poll_list(struct feed_list *l);
void health_feed_result(struct feed *f, struct feed_doc *doc, const char *reason,
                        const char *detail);
void health_feed_text(struct feed *f, const char *text, size_t len);

/* feed_file.c */
void health_poll_file(struct feed *f);

/* feed_http.c */
void health_poll_http(struct feed *f);
void health_http_deadline(evutil_socket_t fd, short what, void *arg);
void health_lookup_cancel(struct feed *f);
struct evdns_base *health_resolver_new(struct event_base *base, const struct config *cfg);

/* feed_tls.c */
SSL_CTX *health_tls_ctx(struct health *hp, const char *ca);
void health_tls_free(struct health *hp);
struct bufferevent *health_tls_bufferevent(struct feed *f);
bool health_tls_failure(struct feed *f);

/* state_file.c */
void health_state_changed(struct health *hp);
void health_save_state(struct health *hp);
void health_load_state(struct health *hp);

#endif
