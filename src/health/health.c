/*
 * health.c - the prober: its thread, its loop and the feeds' timers.
 *
 * health_create turns the config into region states and feed lists,
 * health_run reads the state file, publishes the start-up state and starts
 * the thread, health_stop ends it and frees everything. Each distinct feed
 * in the config (one URL, or a list of them) is polled on a timer at the
 * smallest interval of the regions it feeds. The other files of the module:
 *
 *   feed_list.c      a round: every URL of a feed polled, the newest applied
 *   feed_http.c      an HTTP poll: evdns lookup, request, response, deadline
 *   feed_tls.c       https:// feeds: verifying contexts, a poll's TLS session
 *   feed_file.c      a file poll, without blocking the loop
 *   feed_parse.c     a feed document (JSON) as region and endpoint states
 *   state_machine.c  hysteresis, the checks of one poll, admin overrides
 *   snapshot.c       the published health_snapshot and the endpoint keys
 *   state_file.c     the overrides kept across restarts
 *   status.c         /status and /metrics from the prober's state
 *   health_internal.h  the structs they share
 *
 * A poll of one URL ends in a parsed document or a failure reason
 * (feed_timeout, feed_unreachable, http_status, too_large,
 * headers_too_large, tls_failed, not_regular_file, not_json, stale, ...); a round ends
 * when every URL of the feed has, in the newest document or the feed lost.
 * Either way every region the feed is responsible for takes one check:
 * healthy or not (none when every document is older than the one applied).
 * State changes are logged as one line each; a feed's own failures are
 * logged when its reason changes, not on every poll. When anything visible
 * changed, a new snapshot is published.
 *
 * The prober's loop never blocks (a feed must not hold up the others or an
 * admin change): names resolve through an evdns_base on the loop, a feed
 * file is opened with O_NONBLOCK and read only when it is a regular file,
 * and an HTTP poll ends at its deadline (a timer armed when it starts, which
 * drops the connection) however slowly the feed trickles.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health_internal.h"

#include "conf/config.h"
#include "common/gd.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "geo/service.h"

#include <errno.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct feed_list *l = arg;
	(void)fd;
	(void)what;
	log_debug("event=feed_poll feed=%s", l->spec);
	health_poll_list(l);
}

static void save_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	health_save_state(arg);
}

static void kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct health *hp = arg;
	(void)fd;
	(void)what;
	pthread_mutex_lock(&hp->lock);
	health_publish_unlock(hp);
}

static void *health_main(void *arg)
{
	struct health *hp = arg;
	/* keep running without feeds: overrides still arrive */
	event_base_loop(hp->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

static unsigned pick(unsigned region_value, unsigned global)
{
	return region_value ? region_value : global;
}

/* URL f of list l, from the configuration (checked there). */
static void feed_init(struct feed *f, struct feed_list *l, const char *url)
{
	f->hp = l->hp;
	f->list = l;
	f->spec = xstrdup(url);
	f->state = "ok";
	if (strncmp(url, "file:", 5) == 0) {
		f->is_file = true;
		f->path = xstrdup(url + 5);
		return;
	}
	struct evhttp_uri *u = evhttp_uri_parse(url);
	f->https = strncmp(url, "https://", 8) == 0;
	/* the Host header names the host as written, with the port when the
	 * URL gives one (RFC 9110 7.2); the host to resolve, verify and send
	 * as SNI is an IPv6 literal without its brackets */
	const char *host = evhttp_uri_get_host(u);
	char hh[300];
	if (evhttp_uri_get_port(u) > 0)
		snprintf(hh, sizeof(hh), "%s:%d", host, evhttp_uri_get_port(u));
	else
		snprintf(hh, sizeof(hh), "%s", host);
	f->host_header = xstrdup(hh);
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		f->host = strndup(host + 1, n - 2);
	else
		f->host = xstrdup(host);
	if (!f->host)
		abort();
	f->port = evhttp_uri_get_port(u) > 0 ? evhttp_uri_get_port(u) : f->https ? 443 : 80;
	const char *path = evhttp_uri_get_path(u);
	const char *query = evhttp_uri_get_query(u);
	char buf[2048];
	snprintf(buf, sizeof(buf), "%s%s%s", path && *path ? path : "/", query ? "?" : "",
	         query ? query : "");
	f->path = xstrdup(buf);
	evhttp_uri_free(u);
}

/* "Bearer TOKEN" for token, or NULL. Caller frees. */
static char *bearer(const char *token)
{
	if (!token)
		return NULL;
	size_t n = strlen("Bearer ") + strlen(token) + 1;
	char *auth = xmalloc(n);
	snprintf(auth, n, "Bearer %s", token);
	return auth;
}

static void auth_free(char *auth)
{
	if (auth)
		explicit_bzero(auth, strlen(auth));
	free(auth);
}

void health_feed_tokens(struct health *hp, const struct config *cfg)
{
	if (!hp)
		return;
	pthread_mutex_lock(&hp->lock);
	for (size_t k = 0; k < hp->nlists; k++) {
		struct feed_list *l = &hp->lists[k];
		if (!l->auth || !l->nregions || l->regions[0] >= cfg->nregions)
			continue;
		/* every region of a list has the same token file */
		auth_free(l->auth);
		l->auth = bearer(cfg->regions[l->regions[0]].feed_token);
	}
	pthread_mutex_unlock(&hp->lock);
}

/* The list of region rc's feed: the one with the same URLs in the same
 * order, the same feed_ca and feed_token_file, or a new one. */
static struct feed_list *list_for(struct health *hp, const struct region_config *rc)
{
	for (size_t k = 0; k < hp->nlists; k++) {
		struct feed_list *l = &hp->lists[k];
		bool same = l->nurls == rc->nfeeds && str_same(l->ca, rc->feed_ca) &&
		            str_same(l->token_file, rc->feed_token_file);
		for (size_t i = 0; same && i < l->nurls; i++)
			same = strcmp(l->urls[i].spec, rc->feeds[i]) == 0;
		if (same)
			return l;
	}
	struct feed_list *l = &hp->lists[hp->nlists++];
	l->hp = hp;
	l->state = "ok";
	l->nurls = rc->nfeeds;
	l->urls = xcalloc(rc->nfeeds, sizeof(struct feed));
	l->ca = rc->feed_ca;
	l->token_file = rc->feed_token_file;
	l->auth = bearer(rc->feed_token);
	struct strbuf name;
	sb_init(&name);
	for (size_t i = 0; i < rc->nfeeds; i++) {
		feed_init(&l->urls[i], l, rc->feeds[i]);
		sb_printf(&name, "%s%s", i ? " " : "", rc->feeds[i]);
	}
	l->spec = xstrdup(name.buf);
	sb_free(&name);
	return l;
}

struct health *health_create(const struct config *cfg, const struct region_table *rt,
                             health_publish_fn publish_fn, void *arg)
{
	struct health *hp = xcalloc(1, sizeof(*hp));
	pthread_mutex_init(&hp->lock, NULL);
	hp->own_rt.n = rt->n;
	hp->own_rt.regions = xcalloc(rt->n + 1, sizeof(struct region));
	for (size_t i = 0; i < rt->n; i++) {
		hp->own_rt.regions[i] = rt->regions[i];
		hp->own_rt.regions[i].name = xstrdup(rt->regions[i].name);
	}
	hp->rt = &hp->own_rt;
	rt = hp->rt;
	hp->publish = publish_fn;
	hp->arg = arg;
	hp->nregions = rt->n;
	hp->regions = xcalloc(rt->n + 1, sizeof(struct region_state));
	hp->lists = xcalloc(cfg->nregions + 1, sizeof(struct feed_list));
	for (size_t i = 0; i < rt->n; i++) {
		const struct region_config *rc = &cfg->regions[i];
		struct region_state *rs = &hp->regions[i];
		rs->name = rt->regions[i].name;
		rs->h.up = !cfg->health_start_down;
		rs->weight = 100;
		rs->down_after = pick(rc->down_after, cfg->health_down_after);
		rs->up_after = pick(rc->up_after, cfg->health_up_after);
		rs->max_age = pick(rc->max_age, cfg->health_max_age);
		rs->keep_on_loss = rc->on_feed_loss < 0 ? cfg->health_keep_on_feed_loss
							 : rc->on_feed_loss == 1;
		if (!rc->nfeeds)
			continue;
		unsigned interval = pick(rc->interval, cfg->health_interval);
		unsigned timeout = pick(rc->timeout, cfg->health_timeout);
		struct feed_list *l = list_for(hp, rc);
		/* a shared feed polls as often as its most demanding region */
		if (l->nregions == 0 || interval < l->interval)
			l->interval = interval;
		if (timeout > l->timeout)
			l->timeout = timeout;
		if (l->nregions == 0 || rs->max_age < l->max_age)
			l->max_age = rs->max_age;
		l->regions = xrealloc(l->regions, (l->nregions + 1) * sizeof(size_t));
		l->regions[l->nregions++] = i;
		rs->list = l;
	}
	if (cfg->health_state_file)
		hp->state_file = xstrdup(cfg->health_state_file);
	/* admin changes wake the loop from other threads (event_active on
	 * kick): that needs a base made after libevent's threading is on */
	evthread_use_pthreads();
	hp->base = event_base_new();
	hp->created_by = getpid();
	hp->kick = event_new(hp->base, -1, 0, kick_cb, hp);
	hp->save_timer = evtimer_new(hp->base, save_cb, hp);
	bool http_feeds = false;
	for (size_t k = 0; k < hp->nlists; k++) {
		struct feed_list *l = &hp->lists[k];
		l->timer = event_new(hp->base, -1, EV_PERSIST, poll_cb, l);
		for (size_t i = 0; i < l->nurls; i++) {
			struct feed *f = &l->urls[i];
			f->deadline = evtimer_new(hp->base, health_http_deadline, f);
			http_feeds |= !f->is_file;
			if (f->https && !l->tls)
				l->tls = health_tls_ctx(hp, l->ca);
		}
		/* the paths are the config's, which the prober outlives */
		l->ca = l->token_file = NULL;
	}
	if (http_feeds)
		hp->dns = health_resolver_new(hp->base, cfg);
	return hp;
}

struct health *health_run(struct health *hp)
{
	if (!hp)
		return NULL;
	/* a daemon forked since health_create: not every backend survives */
	if (getpid() != hp->created_by && event_reinit(hp->base) != 0)
		log_warn("event=health_reinit_failed");
	if (hp->state_file)
		health_load_state(hp);
	/* the start-up state, before any feed answered */
	pthread_mutex_lock(&hp->lock);
	hp->dirty = true;
	health_publish_unlock(hp);
	for (size_t k = 0; k < hp->nlists; k++) {
		struct feed_list *l = &hp->lists[k];
		struct timeval tv = {(time_t)l->interval, 0};
		event_add(l->timer, &tv);
		event_active(l->timer, EV_TIMEOUT, 0); /* first poll now */
		log_info(
		    "event=feed_configured feed=%s interval=%u timeout=%u regions=%zu urls=%zu",
		    l->spec, l->interval, l->timeout, l->nregions, l->nurls);
	}
	int rc = thread_start(&hp->thread, health_main, hp);
	if (rc != 0) {
		log_error("event=health_thread_failed error=\"%s\"", strerror(rc));
		health_stop(hp);
		return NULL;
	}
	hp->started = true;
	return hp;
}

void health_stop(struct health *hp)
{
	if (!hp)
		return;
	if (hp->base && hp->started) {
		event_base_loopbreak(hp->base);
		pthread_join(hp->thread, NULL);
	}
	for (size_t k = 0; k < hp->nlists; k++) {
		struct feed_list *l = &hp->lists[k];
		if (l->timer)
			event_free(l->timer);
		for (size_t i = 0; i < l->nurls; i++) {
			struct feed *f = &l->urls[i];
			if (f->deadline)
				event_free(f->deadline);
			health_lookup_cancel(f);
			if (f->conn)
				evhttp_connection_free(f->conn);
			free(f->spec);
			free(f->path);
			free(f->host);
			free(f->host_header);
			free(f->last_text);
			feed_doc_free(&f->doc);
		}
		free(l->urls);
		free(l->spec);
		auth_free(l->auth);
		free(l->regions);
	}
	for (size_t i = 0; i < hp->nregions; i++)
		free(hp->regions[i].eps);
	if (hp->kick)
		event_free(hp->kick);
	if (hp->save_timer)
		event_free(hp->save_timer);
	health_save_state(hp); /* a change the timer had not written yet */
	/* a cancelled lookup ends in a callback the loop delivers (deferred):
	 * let it run those before the resolver goes */
	for (int round = 0; hp->base && round < 4; round++)
		event_base_loop(hp->base, EVLOOP_NONBLOCK);
	health_tls_free(hp); /* after the connections, whose sessions hold them */
	if (hp->dns)
		evdns_base_free(hp->dns, 0);
	if (hp->base)
		event_base_free(hp->base);
	free(hp->overrides);
	free(hp->state_file);
	pthread_mutex_destroy(&hp->lock);
	for (size_t i = 0; i < hp->own_rt.n; i++)
		free(hp->own_rt.regions[i].name);
	free(hp->own_rt.regions);
	free(hp->lists);
	free(hp->regions);
	free(hp);
}
