/*
 * http.c - /metrics, /status, /healthz and the admin API.
 *
 * Admin calls need "Authorization: Bearer <token>" (compared in constant
 * time); without a configured token they are refused with 403. A missing or
 * wrong token is 401 with no detail, an unknown resource 404, a wrong method
 * 405. Request bodies are limited to 4 KiB and headers to 8 KiB. Every admin
 * call is logged as an audit line, except failed authentications: those are
 * counted per client (http_auth_limit), refused with 429 after
 * HTTP_AUTH_BUDGET in a window, and logged as one summary line per client
 * and window, so a flood of guesses neither runs fast nor floods the log.
 *
 * Connections: at most max_connections are open at once, at most
 * max_per_client from one client. libevent 2.1's evhttp has neither cap, so
 * connections are counted as they are made (the evhttp_set_bevcb callback)
 * and as they close (the connection's close callback, see conn_watch). At
 * the cap the listener stops accepting (new connections wait in the
 * kernel's backlog) until one closes; a connection over the per-client cap
 * is closed at once. evhttp's timeout restarts with every byte read, so a
 * client sending one byte every few seconds (slowloris) would hold its
 * connection for ever: each connection has its own timer instead, and must
 * deliver a whole request within HTTP_REQUEST_DEADLINE seconds of opening or
 * of the previous response, or it is closed. The 413s and 400s libevent
 * sends by itself (body or headers over the limits, malformed requests) are
 * counted as they go out (out_watch).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/http.h"

#include "ops/admin.h"

#include "conf/config.h"
#include "common/diag.h"
#include "common/gd.h"
#include "health/health.h"
#include "common/log.h"
#include "ops/metrics.h"
#include "server/net.h"
#include "ops/serving.h"
#include "common/counter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <urcu/urcu-memb.h>

#define HTTP_MAX_BODY 4096
#define HTTP_MAX_HEADERS 8192
/* seconds a connection has for each whole request (head and body) */
#define HTTP_REQUEST_DEADLINE 5
/* at most one log line per this many ms for per-client cap refusals */
#define HTTP_REFUSAL_LOG_MS 10000

struct http_conn;

struct http {
	struct event_base *base;
	struct evhttp *evh;
	pthread_t thread;
	bool started;
	struct admin admin; /* the server and the application's hooks */
	char *token;
	size_t token_len;
	struct evconnlistener *lev;
	unsigned max_conns, max_per_client;
	bool metrics_only; /* metrics.listen: /metrics and /healthz alone */
	/* the rest: HTTP thread only */
	unsigned open_conns;
	bool paused;
	bool stopping;           /* evhttp_free is closing every connection */
	struct http_conn *conns; /* every connection counted in open_conns */
	uint64_t refusals_unlogged, refusal_logged_ms;
	struct http_auth_limit *auth;
	struct event *auth_timer; /* logs the windows that ended */
	uint64_t auth_failures;   /* wrong or missing tokens (401, 403) */
	uint64_t limits[HTTP_LIMIT_COUNT]; /* limits hit (HTTP thread only) */
};

static void count_limit(struct http *h, enum http_limit which)
{
	CTR_INC(h->limits[which]);
}

enum http_route http_route_parse(const char *path, char *arg, size_t argcap, bool *post)
{
	arg[0] = '\0';
	*post = false;
	if (strcmp(path, "/metrics") == 0)
		return ROUTE_METRICS;
	if (strcmp(path, "/status") == 0)
		return ROUTE_STATUS;
	if (strcmp(path, "/healthz") == 0)
		return ROUTE_HEALTHZ;
	*post = true;
	if (strcmp(path, "/v1/reload") == 0)
		return ROUTE_RELOAD;
	const char *p;
	enum http_route r = ROUTE_NOT_FOUND;
	const char *suffix = NULL;
	if (strncmp(path, "/v1/regions/", 12) == 0) {
		p = path + 12;
		const char *slash = strchr(p, '/');
		if (slash && strcmp(slash, "/drain") == 0)
			r = ROUTE_DRAIN, suffix = slash;
		else if (slash && strcmp(slash, "/undrain") == 0)
			r = ROUTE_UNDRAIN, suffix = slash;
	} else if (strncmp(path, "/v1/endpoints/", 14) == 0) {
		p = path + 14;
		const char *slash = strchr(p, '/');
		if (slash && strcmp(slash, "/state") == 0)
			r = ROUTE_ENDPOINT, suffix = slash;
	}
	if (r == ROUTE_NOT_FOUND) {
		*post = false;
		return r;
	}
	size_t n = (size_t)(suffix - p);
	if (n == 0 || n >= argcap) {
		*post = false;
		return ROUTE_NOT_FOUND;
	}
	memcpy(arg, p, n);
	arg[n] = '\0';
	return r;
}

bool http_token_ok(const char *header, const char *token, size_t token_len)
{
	if (!header || !token || token_len < HTTP_TOKEN_MIN || strncmp(header, "Bearer ", 7) != 0)
		return false;
	const char *given = header + 7;
	if (strlen(given) != token_len)
		return false;
	/* compare every byte of the token: the time does not depend on where a
	 * guess goes wrong */
	unsigned char diff = 0;
	for (size_t i = 0; i < token_len; i++)
		diff |= (unsigned char)(token[i] ^ given[i]);
	return diff == 0;
}

char *http_read_token(const char *path, struct diag *diag)
{
	char err[256];
	char *token = token_read(path, "admin token", err, sizeof(err));
	if (!token)
		diag_error(diag, path, 0, 0, "%s", err);
	return token;
}

void http_client_key(const struct sockaddr *sa, uint8_t key[17])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memset(key, 0, 17);
	if (sa->sa_family == AF_INET) {
		key[0] = 1;
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		if (memcmp(a, mapped, 12) == 0) {
			key[0] = 1;
			memcpy(key + 1, a + 12, 4);
		} else {
			key[0] = 2;
			memcpy(key + 1, a, 8); /* the /64: one site, one client */
		}
	}
}

/* The client of a connection as http_client_key; all zero when unknown. */
static void conn_client_key(struct evhttp_connection *evcon, uint8_t key[17])
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	memset(key, 0, 17);
	if (bev && getpeername(bufferevent_getfd(bev), (struct sockaddr *)&ss, &sl) == 0)
		http_client_key((struct sockaddr *)&ss, key);
}

/* A client key as text for the log: the address, or the /64 for IPv6. */
static void client_key_str(const uint8_t key[17], char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	if (key[0] == 1 && inet_ntop(AF_INET, key + 1, a, sizeof(a)))
		snprintf(buf, cap, "%s", a);
	else if (key[0] == 2 && inet_ntop(AF_INET6, key + 1, a, sizeof(a)))
		snprintf(buf, cap, "%s/64", a);
	else
		snprintf(buf, cap, "%s", "other");
}

/* ---- failed admin authentications ---- */

struct auth_window {
	uint8_t key[17];
	bool open;
	uint64_t start_ms;
	unsigned failures, refused;
};

struct http_auth_limit {
	struct auth_window clients[HTTP_AUTH_CLIENTS];
	size_t open;             /* windows open in clients[] */
	struct auth_window rest; /* the clients with no room in clients[] */
};

struct http_auth_limit *http_auth_limit_new(void)
{
	return xcalloc(1, sizeof(struct http_auth_limit));
}

void http_auth_limit_free(struct http_auth_limit *l)
{
	free(l);
}

/* The window counting key: its own, or the shared one while the table is
 * full; with add, a new one when there is none. NULL: none open. */
static struct auth_window *auth_window(struct http_auth_limit *l, const uint8_t key[17], bool add,
                                       uint64_t now_ms)
{
	struct auth_window *room = NULL;
	for (size_t i = 0; i < HTTP_AUTH_CLIENTS; i++) {
		struct auth_window *w = &l->clients[i];
		if (w->open && memcmp(w->key, key, 17) == 0)
			return w;
		if (!w->open && !room)
			room = w;
	}
	struct auth_window *w = room ? room : &l->rest;
	if (w->open || !add)
		return w->open ? w : NULL;
	memset(w, 0, sizeof(*w));
	if (room) {
		memcpy(w->key, key, 17);
		l->open++;
	}
	w->open = true;
	w->start_ms = now_ms;
	return w;
}

bool http_auth_allowed(struct http_auth_limit *l, const uint8_t key[17], uint64_t now_ms)
{
	struct auth_window *w = auth_window(l, key, false, now_ms);
	if (!w || w->failures < HTTP_AUTH_BUDGET)
		return true;
	w->refused++;
	return false;
}

void http_auth_failed(struct http_auth_limit *l, const uint8_t key[17], uint64_t now_ms)
{
	auth_window(l, key, true, now_ms)->failures++;
}

size_t http_auth_expire(struct http_auth_limit *l, uint64_t now_ms, bool all,
                        http_auth_report_fn report, void *arg)
{
	for (size_t i = 0; i <= HTTP_AUTH_CLIENTS; i++) {
		struct auth_window *w = i < HTTP_AUTH_CLIENTS ? &l->clients[i] : &l->rest;
		if (!w->open || (!all && now_ms - w->start_ms < HTTP_AUTH_WINDOW_MS))
			continue;
		report(w->key, w->failures, w->refused, arg);
		w->open = false;
		if (i < HTTP_AUTH_CLIENTS)
			l->open--;
	}
	return l->open + l->rest.open;
}

/* set while one of our handlers writes its reply (HTTP thread only): the
 * responses out_watch sees without it are libevent's own */
static bool own_reply;

static void reply(struct evhttp_request *req, int code, const char *reason, const char *ctype,
		  const char *body)
{
	struct evbuffer *out = evhttp_request_get_output_buffer(req);
	if (body)
		evbuffer_add(out, body, strlen(body));
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Cache-Control", "no-store");
	own_reply = true;
	evhttp_send_reply(req, code, reason, NULL);
	own_reply = false;
}

static void peer_str(struct evhttp_request *req, char *buf, size_t cap)
{
	char *addr = NULL;
	ev_uint16_t port = 0;
	evhttp_connection_get_peer(evhttp_request_get_connection(req), &addr, &port);
	snprintf(buf, cap, "%s", addr ? addr : "?");
}

static void handle_metrics(struct http *h, struct evhttp_request *req)
{
	struct strbuf sb;
	sb_init(&sb);
	admin_metrics(&h->admin, h->limits, &sb);
	metrics_family(&sb, "geodnsd_http_connections_open", "gauge",
		       "HTTP connections open (this one included); at most http.max_connections.");
	metrics_sample_u64(&sb, "geodnsd_http_connections_open", NULL, h->open_conns);
	metrics_single(&sb, "geodnsd_http_admin_auth_failures_total", "counter",
	               "Admin calls refused for a wrong or missing token (401, or 403 without a "
	               "token configured); the 429s are in geodnsd_limit_hits_total.",
	               h->auth_failures);
	reply(req, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", sb.buf);
	sb_free(&sb);
}

static void handle_status(struct http *h, struct evhttp_request *req)
{
	struct strbuf sb;
	sb_init(&sb);
	admin_status(&h->admin, &sb);
	reply(req, 200, "OK", "application/json", sb.buf);
	sb_free(&sb);
}

/* The body of a state request: "up", "down", "auto", or {"state": "..."}. */
static int parse_state(struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	char body[HTTP_MAX_BODY + 1];
	size_t n = evbuffer_copyout(in, body, HTTP_MAX_BODY);
	body[n] = '\0';
	char *s = body;
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	char word[16] = "";
	if (*s == '{') {
		char *k = strstr(s, "\"state\"");
		char *q1 = k ? strchr(k + 7, '"') : NULL;
		char *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
		if (!q2 || (size_t)(q2 - q1 - 1) >= sizeof(word))
			return -2;
		memcpy(word, q1 + 1, (size_t)(q2 - q1 - 1));
		word[q2 - q1 - 1] = '\0';
	} else {
		size_t wl = strcspn(s, " \r\n\t");
		if (wl >= sizeof(word))
			return -2;
		memcpy(word, s, wl);
		word[wl] = '\0';
	}
	return admin_endpoint_state(word);
}

static void auth_report(const uint8_t key[17], unsigned failures, unsigned refused, void *arg)
{
	(void)arg;
	char from[INET6_ADDRSTRLEN + 4];
	client_key_str(key, from, sizeof(from));
	log_warn("event=admin_auth_failed from=%s failures=%u refused=%u seconds=%u", from,
	         failures, refused, HTTP_AUTH_WINDOW_MS / 1000);
}

/* Log the windows of failed authentications that ended; again in a second
 * while some are open. */
static void auth_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;
	(void)fd;
	(void)what;
	if (http_auth_expire(h->auth, now_ms(), false, auth_report, h) > 0) {
		static const struct timeval second = {1, 0};
		event_add(h->auth_timer, &second);
	}
}

/* A wrong or missing token from client: counted, logged in the summary. */
static void auth_failed(struct http *h, const uint8_t client[17], uint64_t now)
{
	http_auth_failed(h->auth, client, now);
	h->auth_failures++;
	if (!event_pending(h->auth_timer, EV_TIMEOUT, NULL))
		auth_timer_cb(-1, EV_TIMEOUT, h);
}

static void handle_admin(struct http *h, struct evhttp_request *req, enum http_route route,
			 const char *arg)
{
	char peer[64];
	peer_str(req, peer, sizeof(peer));
	uint8_t client[17];
	conn_client_key(evhttp_request_get_connection(req), client);
	uint64_t now = now_ms();
	http_auth_expire(h->auth, now, false, auth_report, h);
	/* over the budget the token is not even looked at */
	if (!http_auth_allowed(h->auth, client, now)) {
		count_limit(h, HTTP_LIMIT_ADMIN_AUTH);
		char retry[16];
		snprintf(retry, sizeof(retry), "%u", HTTP_AUTH_WINDOW_MS / 1000);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", retry);
		reply(req, 429, "Too Many Requests", "text/plain",
		      "too many failed authentications\n");
		return;
	}
	if (!h->token) {
		auth_failed(h, client, now);
		reply(req, 403, "Forbidden", "text/plain", "admin API disabled: no token configured\n");
		return;
	}
	const char *auth = evhttp_find_header(evhttp_request_get_input_headers(req),
					      "Authorization");
	if (!http_token_ok(auth, h->token, h->token_len)) {
		auth_failed(h, client, now);
		reply(req, 401, "Unauthorized", "text/plain", NULL);
		return;
	}
	switch (route) {
	case ROUTE_DRAIN:
	case ROUTE_UNDRAIN: {
		bool drain = route == ROUTE_DRAIN;
		if (admin_drain(&h->admin, arg, drain, peer) == GD_OK)
			reply(req, 200, "OK", "application/json", drain ? "{\"drained\": true}\n"
									: "{\"drained\": false}\n");
		else
			reply(req, 404, "Not Found", "text/plain", "unknown region\n");
		return;
	}
	case ROUTE_ENDPOINT: {
		int state = parse_state(req);
		if (state == -2) {
			reply(req, 400, "Bad Request", "text/plain",
			      "body must be up, down or auto\n");
			return;
		}
		if (admin_endpoint(&h->admin, arg, state, peer) == GD_OK)
			reply(req, 200, "OK", "application/json", "{\"ok\": true}\n");
		else
			reply(req, 404, "Not Found", "text/plain",
			      "not an endpoint of a service\n");
		return;
	}
	case ROUTE_RELOAD: {
		struct strbuf msg;
		sb_init(&msg);
		if (admin_reload(&h->admin, NULL, &msg, peer) == 0) {
			reply(req, 200, "OK", "application/json", "{\"reloaded\": true}\n");
		} else {
			struct strbuf body;
			sb_init(&body);
			sb_puts(&body, "{\"reloaded\": false, \"errors\": \"");
			sb_json_string(&body, msg.buf);
			sb_puts(&body, "\"}\n");
			reply(req, 409, "Conflict", "application/json", body.buf);
			sb_free(&body);
		}
		sb_free(&msg);
		return;
	}
	default:
		reply(req, 404, "Not Found", "text/plain", "not found\n");
	}
}

static void handle(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	char rarg[256];
	bool post;
	enum http_route route = http_route_parse(path ? path : "", rarg, sizeof(rarg), &post);
	if (route == ROUTE_NOT_FOUND ||
	    (h->metrics_only && route != ROUTE_METRICS && route != ROUTE_HEALTHZ)) {
		reply(req, 404, "Not Found", "text/plain", "not found\n");
		return;
	}
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	bool ok = post ? cmd == EVHTTP_REQ_POST : (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD);
	if (!ok) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
				  post ? "POST" : "GET, HEAD");
		reply(req, 405, "Method Not Allowed", "text/plain", "method not allowed\n");
		return;
	}
	switch (route) {
	case ROUTE_METRICS: handle_metrics(h, req); break;
	case ROUTE_STATUS: handle_status(h, req); break;
	case ROUTE_HEALTHZ: reply(req, 200, "OK", "text/plain", "ok\n"); break;
	default: handle_admin(h, req, route, rarg); break;
	}
}

/* ---- connection accounting (HTTP thread only) ---- */

/*
 * A connection counted in open_conns. evhttp makes the connection (evcon)
 * right after conn_new() returns our bufferevent, sets the bufferevent's
 * callbacks with the evcon as their argument and its socket. conn_watch()
 * runs before anything is read from it (an event made active at once runs
 * in the same turn of the loop, before the next poll), reads the evcon from
 * there, applies the per-client cap, asks for the close callback and starts
 * the request deadline. Our reference on the bufferevent keeps it alive
 * until then even if evhttp is already done with the connection (its
 * callbacks are then NULL: counted as closed at once).
 */
struct http_conn {
	struct http *h;
	struct bufferevent *bev;
	struct evhttp_connection *evcon; /* set by conn_watch */
	struct event *deadline;          /* for the request being read */
	uint8_t client[17];              /* http_client_key; zero until conn_watch */
	struct http_conn *prev, *next;   /* h->conns */
};

static void out_watch(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg);

/* Forget a connection that closed (or never opened): uncount it and free
 * what is ours. The bufferevent is evhttp's (and our reference's). */
static void conn_free(struct http_conn *c)
{
	struct http *h = c->h;
	if (c->prev)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	evbuffer_remove_cb(bufferevent_get_output(c->bev), out_watch, c);
	event_free(c->deadline);
	free(c);
	h->open_conns--;
	if (h->paused && h->open_conns < h->max_conns && !h->stopping) {
		h->paused = false;
		evconnlistener_enable(h->lev);
	}
}

static void conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	evhttp_connection_set_closecb(evcon, NULL, NULL); /* once */
	conn_free(arg);
}

static void arm_deadline(struct http_conn *c)
{
	static const struct timeval tv = {HTTP_REQUEST_DEADLINE, 0};
	event_add(c->deadline, &tv);
}

/* A request not complete within HTTP_REQUEST_DEADLINE: the connection goes
 * (its close callback frees c). */
static void conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *c = arg;
	(void)fd;
	(void)what;
	count_limit(c->h, HTTP_LIMIT_REQUEST_DEADLINE);
	char from[INET6_ADDRSTRLEN + 4];
	client_key_str(c->client, from, sizeof(from));
	log_debug("event=http_limit limit=request_deadline from=%s seconds=%d", from,
	          HTTP_REQUEST_DEADLINE);
	evhttp_connection_free(c->evcon);
}

/* Is the client of c at its cap already (c not counted)? */
static bool client_full(const struct http *h, const struct http_conn *c)
{
	unsigned n = 0;
	for (const struct http_conn *o = h->conns; o; o = o->next)
		n += o != c && o->evcon && memcmp(o->client, c->client, 17) == 0;
	return n >= h->max_per_client;
}

static void refuse_client(struct http *h, const struct http_conn *c)
{
	count_limit(h, HTTP_LIMIT_PER_ADDRESS);
	h->refusals_unlogged++;
	uint64_t now = now_ms();
	if (h->refusal_logged_ms && now - h->refusal_logged_ms < HTTP_REFUSAL_LOG_MS)
		return;
	char from[INET6_ADDRSTRLEN + 4];
	client_key_str(c->client, from, sizeof(from));
	/* one line per HTTP_REFUSAL_LOG_MS at most: the refusals since the last */
	log_warn("event=http_limit limit=max_connections_per_address max=%u from=%s refused=%llu",
	         h->max_per_client, from, (unsigned long long)h->refusals_unlogged);
	h->refusals_unlogged = 0;
	h->refusal_logged_ms = now;
}

static void conn_watch(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *c = arg;
	struct http *h = c->h;
	struct bufferevent *bev = c->bev;
	(void)fd;
	(void)what;
	bufferevent_data_cb rd = NULL;
	void *evcon = NULL;
	bufferevent_getcb(bev, &rd, NULL, NULL, &evcon);
	if (!rd || !evcon) {
		conn_free(c);
	} else {
		conn_client_key(evcon, c->client);
		if (client_full(h, c)) {
			refuse_client(h, c);
			conn_free(c); /* first: no close callback was asked for */
			evhttp_connection_free(evcon);
		} else {
			c->evcon = evcon;
			evhttp_connection_set_closecb(evcon, conn_close_cb, c);
			arm_deadline(c);
		}
	}
	bufferevent_decref(bev);
}

/* Data going out on a connection: a response begins, so the request is
 * complete and the deadline starts again for the next one. A response not
 * from our handlers is one libevent sent by itself: 413 for a body over the
 * limit, 400 for headers over the limit or a malformed request (our
 * handlers never see those). A status line is one write. */
static void out_watch(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct http_conn *c = arg;
	if (info->n_added == 0)
		return;
	if (c->evcon)
		arm_deadline(c);
	char head[13];
	if (own_reply || info->orig_size != 0 ||
	    evbuffer_copyout(buf, head, sizeof(head)) != (ev_ssize_t)sizeof(head) ||
	    memcmp(head, "HTTP/1.", 7) != 0)
		return;
	if (memcmp(head + 8, " 413 ", 5) == 0)
		count_limit(c->h, HTTP_LIMIT_REQUEST_SIZE);
	else if (memcmp(head + 8, " 400 ", 5) == 0)
		count_limit(c->h, HTTP_LIMIT_BAD_REQUEST);
}

static struct bufferevent *conn_new(struct event_base *base, void *arg)
{
	struct http *h = arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!bev)
		return NULL;
	struct http_conn *c = xcalloc(1, sizeof(*c));
	c->h = h;
	c->bev = bev;
	c->deadline = evtimer_new(base, conn_deadline_cb, c);
	static const struct timeval now = {0, 0};
	if (!c->deadline || event_base_once(base, -1, EV_TIMEOUT, conn_watch, c, &now) < 0) {
		if (c->deadline)
			event_free(c->deadline);
		free(c);
		return bev; /* not counted: cannot happen short of memory */
	}
	bufferevent_incref(bev);
	evbuffer_add_cb(bufferevent_get_output(bev), out_watch, c);
	c->next = h->conns;
	if (h->conns)
		h->conns->prev = c;
	h->conns = c;
	if (++h->open_conns >= h->max_conns && !h->paused) {
		h->paused = true;
		evconnlistener_disable(h->lev);
		count_limit(h, HTTP_LIMIT_CONNECTIONS);
		log_warn("event=http_limit limit=max_connections open=%u", h->open_conns);
	}
	return bev;
}

struct http *http_create(const char *listen, const char *token, unsigned max_conns,
                         unsigned max_per_client, struct server *srv,
                         const struct admin_hooks *hooks, struct diag *diag)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (parse_hostport(listen, 8053, &ss, &sl) < 0) {
		diag_error(diag, listen, 0, 0, "bad http.listen address");
		return NULL;
	}
	struct http *h = xcalloc(1, sizeof(*h));
	h->admin.srv = srv;
	h->admin.hooks = *hooks;
	h->max_conns = max_conns ? max_conns : 1;
	h->max_per_client = max_per_client ? max_per_client : 1;
	h->auth = http_auth_limit_new();
	if (token) {
		h->token = xstrdup(token);
		h->token_len = strlen(token);
	}
	h->base = event_base_new();
	h->auth_timer = evtimer_new(h->base, auth_timer_cb, h);
	h->evh = evhttp_new(h->base);
	evhttp_set_max_body_size(h->evh, HTTP_MAX_BODY);
	evhttp_set_max_headers_size(h->evh, HTTP_MAX_HEADERS);
	evhttp_set_timeout(h->evh, 10);
	evhttp_set_allowed_methods(h->evh, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
						   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_gencb(h->evh, handle, h);
	evhttp_set_bevcb(h->evh, conn_new, h);
	/* our listener (evhttp sets its callback), so accepting can pause */
	h->lev = evconnlistener_new_bind(h->base, NULL, NULL,
					 LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE |
						 LEV_OPT_CLOSE_ON_EXEC,
					 128, (struct sockaddr *)&ss, (int)sl);
	if (!h->lev) {
		diag_error(diag, listen, 0, 0, "cannot listen for HTTP: %s", strerror(errno));
		http_stop(h);
		return NULL;
	}
	if (!evhttp_bind_listener(h->evh, h->lev)) { /* only fails allocating */
		evconnlistener_free(h->lev);
		diag_error(diag, listen, 0, 0, "cannot listen for HTTP: out of memory");
		http_stop(h);
		return NULL;
	}
	return h;
}

const uint64_t *http_limit_counts(const struct http *h)
{
	return h->limits;
}

static void *http_main(void *arg)
{
	struct http *h = arg;
	urcu_memb_register_thread();
	event_base_dispatch(h->base);
	urcu_memb_unregister_thread();
	return NULL;
}

void http_metrics_only(struct http *h)
{
	h->metrics_only = true;
}

int http_run(struct http *h)
{
	if (thread_start(&h->thread, http_main, h) != 0)
		return GD_ENOMEM;
	h->started = true;
	return GD_OK;
}

void http_stop(struct http *h)
{
	if (!h)
		return;
	if (h->started) {
		event_base_loopbreak(h->base);
		pthread_join(h->thread, NULL);
	}
	h->stopping = true; /* the listener goes first: no re-enabling it */
	evhttp_free(h->evh);
	/* connections evhttp no longer knew (conn_watch had not run) */
	while (h->conns) {
		struct bufferevent *bev = h->conns->bev;
		conn_free(h->conns);
		bufferevent_decref(bev);
	}
	http_auth_expire(h->auth, now_ms(), true, auth_report, h);
	http_auth_limit_free(h->auth);
	if (h->auth_timer)
		event_free(h->auth_timer);
	event_base_free(h->base);
	free(h->token);
	free(h);
}
