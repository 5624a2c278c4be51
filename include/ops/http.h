/*
 * http.h - the operations endpoint: Prometheus metrics, status, health
 * check and the authenticated admin API, on libevent's evhttp server in a
 * thread of its own (it never runs on a DNS worker).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_HTTP_H
#define GD_HTTP_H

#include "common/gd.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct admin_hooks;
struct diag;
struct health;
struct server;
struct strbuf;
struct sockaddr;

enum http_route {
	ROUTE_NOT_FOUND,
	ROUTE_METRICS,      /* GET /metrics */
	ROUTE_STATUS,       /* GET /status */
	ROUTE_HEALTHZ,      /* GET /healthz */
	ROUTE_DRAIN,        /* POST /v1/regions/{name}/drain */
	ROUTE_UNDRAIN,      /* POST /v1/regions/{name}/undrain */
	ROUTE_ENDPOINT,     /* POST /v1/endpoints/{addr}/state */
	ROUTE_RELOAD,       /* POST /v1/reload */
};

/* HTTP limits hit, counted by the HTTP thread into the limit metrics. */
enum http_limit {
	HTTP_LIMIT_CONNECTIONS,
	HTTP_LIMIT_REQUEST_SIZE,
	HTTP_LIMIT_BAD_REQUEST,
	HTTP_LIMIT_REQUEST_DEADLINE, /* a request not complete in time: closed */
	HTTP_LIMIT_PER_ADDRESS,      /* over http.max_connections_per_address */
	HTTP_LIMIT_ADMIN_AUTH,       /* 429: too many failed admin authentications */
	HTTP_LIMIT_COUNT
};

/* Map a request path (without query) to a route; the {name} or {addr} part
 * goes to arg. *post is set when the route takes POST (else GET). */
enum http_route http_route_parse(const char *path, char *arg, size_t argcap, bool *post);

/* Admin tokens have at least this many characters. */
#define HTTP_TOKEN_MIN TOKEN_MIN

/* Is the Authorization header "Bearer <token>"? The lengths are compared
 * first (a token shorter than HTTP_TOKEN_MIN never matches), then every
 * byte: constant time in the token. */
bool http_token_ok(const char *header, const char *token, size_t token_len);

/* Read the admin token (token_read, common/gd.h): NULL with a diagnostic
 * naming the file when it is not one. The caller frees the token. */
char *http_read_token(const char *path, struct diag *diag);

/* The key a client is counted by (connections per address, failed
 * authentications): family 1 and the IPv4 address (an IPv4-mapped IPv6
 * address counts as IPv4), or family 2 and the first 64 bits of the IPv6
 * address, the rest zero. All zero for another kind of address. */
void http_client_key(const struct sockaddr *sa, uint8_t key[17]);

/* ---- failed admin authentications, per client ---- */

#define HTTP_AUTH_BUDGET 10       /* failures a client may make per window */
#define HTTP_AUTH_WINDOW_MS 10000 /* a window starts at a client's first failure */
#define HTTP_AUTH_CLIENTS 256     /* clients tracked at once */

/*
 * Failed admin authentications per client in fixed memory: a client's
 * first failure opens a window of HTTP_AUTH_WINDOW_MS in which it may fail
 * HTTP_AUTH_BUDGET times; after that http_auth_allowed() says no until the
 * window ends. The table holds HTTP_AUTH_CLIENTS clients; while it is full,
 * every client not in it shares one more budget (key all zero), so many
 * addresses buy no more than HTTP_AUTH_CLIENTS + 1 budgets per window and
 * cannot push a client out of the table to reset its count.
 */
struct http_auth_limit;
struct http_auth_limit *http_auth_limit_new(void);
void http_auth_limit_free(struct http_auth_limit *l);
/* May the client try a token now? false (counted as a refusal) when it has
 * used its budget in the current window. */
bool http_auth_allowed(struct http_auth_limit *l, const uint8_t key[17], uint64_t now_ms);
/* The client sent a wrong or no token. */
void http_auth_failed(struct http_auth_limit *l, const uint8_t key[17], uint64_t now_ms);
/* Close the windows that ended by now_ms (every window with all): report()
 * gets each one's client, failures and refusals, once. Returns how many
 * windows stay open. */
typedef void (*http_auth_report_fn)(const uint8_t key[17], unsigned failures, unsigned refused,
                                    void *arg);
size_t http_auth_expire(struct http_auth_limit *l, uint64_t now_ms, bool all,
                        http_auth_report_fn report, void *arg);

struct http;

/* Bind listen (e.g. "127.0.0.1:8053") now; token may be NULL (admin calls
 * refused); at most max_conns connections are open at once, at most
 * max_per_client of them from one client (http_client_key). The thread
 * starts with http_run(). NULL with a diagnostic. */
struct http *http_create(const char *listen, const char *token, unsigned max_conns,
                         unsigned max_per_client, struct server *srv,
                         const struct admin_hooks *hooks, struct diag *diag);
/* Serve /metrics and /healthz alone, every other path 404 (metrics.listen:
 * a scrape from outside reaches no status or admin call). Before
 * http_run. */
void http_metrics_only(struct http *h);
int http_run(struct http *h);
/* The HTTP thread's limit counts (HTTP_LIMIT_COUNT, read with relaxed
 * atomic loads from other threads), for the metrics the control socket
 * serves. */
const uint64_t *http_limit_counts(const struct http *h);
void http_stop(struct http *h);

#endif
