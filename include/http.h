/*
 * http.h - the operations endpoint: Prometheus metrics, status, health
 * check and the authenticated admin API, on libevent's evhttp server in a
 * thread of its own (it never runs on a DNS worker).
 */
#ifndef GD_HTTP_H
#define GD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Map a request path (without query) to a route; the {name} or {addr} part
 * goes to arg. *post is set when the route takes POST (else GET). */
enum http_route http_route_parse(const char *path, char *arg, size_t argcap, bool *post);

/* Admin tokens have at least this many characters. */
#define HTTP_TOKEN_MIN 16

/* Is the Authorization header "Bearer <token>"? The lengths are compared
 * first (a token shorter than HTTP_TOKEN_MIN never matches), then every
 * byte: constant time in the token. */
bool http_token_ok(const char *header, const char *token, size_t token_len);

/* Read the admin token: the file must exist, not be readable by others and
 * hold one line of at least HTTP_TOKEN_MIN printable ASCII characters with
 * no space (a trailing newline or spaces are dropped; a NUL or other control
 * byte is an error). NULL with a diagnostic naming the file otherwise. The
 * caller frees the token. */
char *http_read_token(const char *path, struct diag *diag);

/* The key a client is counted by (connections per address): family 1 and
 * the IPv4 address (an IPv4-mapped IPv6 address counts as IPv4), or family 2
 * and the first 64 bits of the IPv6 address, the rest zero. All zero for
 * another kind of address. */
void http_client_key(const struct sockaddr *sa, uint8_t key[17]);

struct http_hooks {
	/* reload config, zones, services and GeoIP; 0 when it succeeded, with
	 * the reason in msg otherwise */
	int (*reload)(void *arg, struct strbuf *msg);
	/* the current health prober (for overrides and status) */
	struct health *(*health)(void *arg);
	/* extra metrics and status fields of the application */
	void (*metrics)(void *arg, struct strbuf *sb);
	void *arg;
};

struct http;

/* Bind listen (e.g. "127.0.0.1:8053") now; token may be NULL (admin calls
 * refused); at most max_conns connections are open at once, at most
 * max_per_client of them from one client (http_client_key). The thread
 * starts with http_run(). NULL with a diagnostic. */
struct http *http_create(const char *listen, const char *token, unsigned max_conns,
                         unsigned max_per_client, struct server *srv,
                         const struct http_hooks *hooks, struct diag *diag);
int http_run(struct http *h);
void http_stop(struct http *h);

#endif
