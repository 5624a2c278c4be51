/*
 * feed_http.c - a poll of an HTTP feed, on the prober's loop with the
 * evhttp client: name lookup (evdns), request, response and its limits,
 * and one deadline for the whole of it.
 *
 * Nothing blocks: the feed's host name resolves through an evdns_base on
 * the loop (health_resolver_new makes it at health_create), and a poll ends at its
 * deadline (a timer armed when it starts, which drops the connection)
 * however slowly the feed trickles. A response head or body over its limit
 * fails the poll with its own reason. Every poll ends in exactly one call
 * of health_feed_text or health_feed_result (feed_list.c). An https://
 * poll is the same over a verified TLS connection (feed_tls.c), a new one
 * each poll. f is one URL of
 * a region's feed list; the others are polled beside it, each with its own
 * lookup, connection and deadline.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health_internal.h"

#include "conf/config.h"
#include "common/gd.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <assert.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The HTTP poll of f ended (answer, failure or deadline): it is no longer in
 * flight and its deadline is off. Every end of a poll passes here once. */
static void http_poll_end(struct feed *f)
{
	f->in_flight = false;
	event_del(f->deadline);
}

static void http_done(struct evhttp_request *req, void *arg)
{
	struct feed *f = arg;
	if (!f->in_flight)
		return; /* the poll already ended (cannot happen: checked, not assumed) */
	http_poll_end(f);
	int code = req ? evhttp_request_get_response_code(req) : 0;
	if (code == 0) {
		/* no HTTP response: the error callback, when it ran, said why,
		 * or the TLS session does */
		if (!f->http_error || strcmp(f->http_error, "feed_unreachable") == 0)
			health_tls_failure(f);
		const char *reason = f->http_error ? f->http_error : "feed_unreachable";
		const char *detail = f->http_detail ? f->http_detail : "no HTTP response";
		f->http_error = NULL;
		f->http_detail = NULL;
		health_feed_result(f, NULL, reason, detail);
		return;
	}
	f->http_error = NULL;
	f->http_detail = NULL;
	if (code != 200) {
		char d[64];
		snprintf(d, sizeof(d), "HTTP %d", code);
		health_feed_result(f, NULL, "http_status", d);
		return;
	}
	struct evbuffer *b = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(b);
	if (len > FEED_MAX_BYTES) {
		health_feed_result(f, NULL, "too_large", "body larger than 1 MiB");
		return;
	}
	char *text = xmalloc(len + 1);
	evbuffer_remove(b, text, len);
	text[len] = '\0';
	health_feed_text(f, text, len);
	free(text);
}

_Static_assert(FEED_MAX_HEADER_BYTES == 16 * 1024 && FEED_MAX_HEADERS == 64,
               "the details below name the limits");

/* Runs before http_done(NULL) on failures: keep the reason for it (unless
 * the header callback already gave one). */
static void http_error(enum evhttp_request_error err, void *arg)
{
	struct feed *f = arg;
	if (f->http_error)
		return;
	f->http_error = "feed_unreachable";
	if (err == EVREQ_HTTP_TIMEOUT) {
		f->http_error = "feed_timeout";
	} else if (err == EVREQ_HTTP_INVALID_HEADER && !f->headers_read &&
	           f->head_bytes > FEED_MAX_HEADER_BYTES) {
		/* libevent reports a head over its cap as an invalid one */
		f->http_error = "headers_too_large";
		f->http_detail = "response head over 16 KiB";
	} else if (err == EVREQ_HTTP_INVALID_HEADER) {
		f->http_detail = "invalid HTTP response head";
	} else if (err == EVREQ_HTTP_DATA_TOO_LONG) {
		f->http_error = "too_large";
		f->http_detail = "body larger than 1 MiB";
	}
}

/* Counts what arrives on the connection until the response head is
 * complete, to tell a head over the cap from a malformed one. */
static void http_input_added(struct evbuffer *b, const struct evbuffer_cb_info *info, void *arg)
{
	struct feed *f = arg;
	(void)b;
	if (!f->headers_read)
		f->head_bytes += info->n_added;
}

/* The response head is complete: libevent caps its bytes
 * (FEED_MAX_HEADER_BYTES), this its header lines. A negative return fails
 * the request. */
static int http_headers(struct evhttp_request *req, void *arg)
{
	struct feed *f = arg;
	size_t n = 0;
	const struct evkeyval *kv;
	for (kv = evhttp_request_get_input_headers(req)->tqh_first; kv; kv = kv->next.tqe_next)
		n++;
	if (n > FEED_MAX_HEADERS) {
		f->http_error = "headers_too_large";
		f->http_detail = "more than 64 header lines";
		return -1;
	}
	f->headers_read = true;
	return 0;
}

/* Stop f's name lookup, if one is pending. Its callback still comes (now,
 * or later from the loop) and frees the lookup without touching f. */
void health_lookup_cancel(struct feed *f)
{
	struct lookup *l = f->lookup;
	if (!l)
		return;
	f->lookup = NULL;
	l->feed = NULL;
	evdns_getaddrinfo_cancel(l->req);
}

/* The whole poll took longer than the feed's timeout (a resolver or a
 * server that never answers, a feed that trickles a byte at a time). The
 * lookup is cancelled; freeing the connection drops its request without a
 * callback, and the next poll opens a new one. */
void health_http_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct feed *f = arg;
	(void)fd;
	(void)what;
	if (!f->in_flight)
		return;
	health_lookup_cancel(f);
	if (f->conn)
		evhttp_connection_free(f->conn);
	f->conn = NULL;
	f->ssl = NULL;
	f->http_error = NULL;
	f->http_detail = NULL;
	http_poll_end(f);
	char d[64];
	snprintf(d, sizeof(d), "no complete answer within %u s", f->list->timeout);
	health_feed_result(f, NULL, "feed_timeout", d);
}

/* Send the poll's request to addr (a numeric address, the host name's
 * first), reusing the connection while the address stays the same. */
static void http_send(struct feed *f, const char *addr)
{
	/* https: a new connection (and TLS session) every poll, verified
	 * afresh; libevent cannot reconnect a TLS bufferevent */
	if (f->conn && (f->https || strcmp(f->conn_addr, addr) != 0)) {
		evhttp_connection_free(f->conn);
		f->conn = NULL;
		f->ssl = NULL;
	}
	if (!f->conn) {
		struct bufferevent *bev = f->https ? health_tls_bufferevent(f) : NULL;
		if (f->https && !bev) {
			const char *reason = f->http_error, *detail = f->http_detail;
			f->http_error = f->http_detail = NULL;
			http_poll_end(f);
			health_feed_result(f, NULL, reason, detail);
			return;
		}
		f->conn = bev ? evhttp_connection_base_bufferevent_new(
		                    f->hp->base, f->hp->dns, bev, addr, (unsigned short)f->port)
		              : evhttp_connection_base_new(f->hp->base, f->hp->dns, addr,
		                                           (unsigned short)f->port);
		if (!f->conn) {
			if (bev)
				bufferevent_free(bev);
			f->ssl = NULL;
			http_poll_end(f);
			health_feed_result(f, NULL, "feed_unreachable", "cannot create connection");
			return;
		}
		snprintf(f->conn_addr, sizeof(f->conn_addr), "%s", addr);
		evhttp_connection_set_timeout(f->conn, (int)f->list->timeout);
		evhttp_connection_set_max_body_size(f->conn, FEED_MAX_BYTES);
		evhttp_connection_set_max_headers_size(f->conn, FEED_MAX_HEADER_BYTES);
		evhttp_connection_set_retries(f->conn, 0);
		evbuffer_add_cb(bufferevent_get_input(evhttp_connection_get_bufferevent(f->conn)),
		                http_input_added, f);
	}
	struct evhttp_request *req = evhttp_request_new(http_done, f);
	evhttp_request_set_error_cb(req, http_error);
	evhttp_request_set_header_cb(req, http_headers);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", f->host_header);
	evhttp_add_header(h, "User-Agent", "geodnsd/" GD_VERSION);
	evhttp_add_header(h, "Accept", "application/json");
	pthread_mutex_lock(&f->hp->lock);
	if (f->list->auth)
		evhttp_add_header(h, "Authorization", f->list->auth);
	pthread_mutex_unlock(&f->hp->lock);
	if (evhttp_make_request(f->conn, req, EVHTTP_REQ_GET, f->path) != 0 && f->in_flight) {
		/* refused before any callback ran */
		http_poll_end(f);
		health_feed_result(f, NULL, "feed_unreachable", "cannot send request");
	}
}

/* The feed's host name resolved, or not. Runs inside evdns_getaddrinfo for
 * a numeric address or a hosts-file name, later from the loop otherwise;
 * after health_lookup_cancel only to free the lookup. */
static void http_resolved(int err, struct evutil_addrinfo *ai, void *arg)
{
	struct lookup *l = arg;
	struct feed *f = l->feed;
	if (f && f->lookup == l)
		f->lookup = NULL;
	free(l);
	if (!f || !f->in_flight) {
		if (ai)
			evutil_freeaddrinfo(ai);
		return;
	}
	char addr[INET6_ADDRSTRLEN] = "";
	if (err == 0 && ai && ai->ai_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, addr,
		          sizeof(addr));
	else if (err == 0 && ai && ai->ai_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, addr,
		          sizeof(addr));
	if (ai)
		evutil_freeaddrinfo(ai);
	if (!addr[0]) {
		char d[128];
		snprintf(d, sizeof(d), "host name not resolved: %s",
		         err ? evutil_gai_strerror(err) : "no address");
		http_poll_end(f);
		health_feed_result(f, NULL, "feed_unreachable", d);
		return;
	}
	http_send(f, addr);
}

/*
 * An HTTP poll: resolve the host name (evdns, on the loop), then send the
 * request. The poll is in flight from the start until exactly one of
 * http_done, a failure on the way or health_http_deadline ends it.
 */
void health_poll_http(struct feed *f)
{
	/* a round (feed_list.c) starts a poll only once every poll of the
	 * previous one has ended */
	assert(!f->in_flight);
	/* in flight from here: a callback may run inside the calls below (a
	 * numeric address resolves at once, a failure may be found at once)
	 * and must find it so */
	f->in_flight = true;
	f->headers_read = false;
	f->head_bytes = 0;
	f->http_error = NULL;
	f->http_detail = NULL;
	struct timeval tv = {(time_t)f->list->timeout, 0};
	event_add(f->deadline, &tv);
	struct lookup *l = xcalloc(1, sizeof(*l));
	l->feed = f;
	f->lookup = l;
	struct evutil_addrinfo hints = {
	    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_TCP};
	struct evdns_getaddrinfo_request *req =
	    evdns_getaddrinfo(f->hp->dns, f->host, NULL, &hints, http_resolved, l);
	if (f->lookup != l)
		return; /* http_resolved ran already */
	if (!req) {
		/* no lookup and no callback (not seen in libevent 2.1) */
		f->lookup = NULL;
		free(l);
		http_poll_end(f);
		health_feed_result(f, NULL, "feed_unreachable", "cannot start the name lookup");
		return;
	}
	l->req = req; /* pending */
}

/*
 * The resolver for the feeds' host names, on the prober's loop. With
 * health.resolver, that server alone (and no hosts file); else the system's
 * /etc/resolv.conf and /etc/hosts, read now (health_create runs before a
 * chroot). Without a usable resolv.conf, 127.0.0.1 as the C library does:
 * numeric feed addresses work whatever the resolver.
 */
struct evdns_base *health_resolver_new(struct event_base *base, const struct config *cfg)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	if (!dns)
		return NULL;
	if (cfg->health_resolver) {
		if (evdns_base_nameserver_ip_add(dns, cfg->health_resolver) != 0)
			log_error("event=resolver_failed resolver=%s", cfg->health_resolver);
		return dns;
	}
	static const char *const conf = "/etc/resolv.conf";
	int rc = evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL, conf);
	if (evdns_base_count_nameservers(dns) == 0)
		evdns_base_nameserver_ip_add(dns, "127.0.0.1");
	if (rc != 0)
		log_warn("event=resolver_config file=%s result=%s nameservers=%d", conf,
		         rc == 1   ? "missing"
		         : rc == 6 ? "no_nameserver"
		                   : "unreadable",
		         evdns_base_count_nameservers(dns));
	return dns;
}
