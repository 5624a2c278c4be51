/*
 * server.c - the server's life: sockets, workers, publication, stop.
 *
 * Sockets are created and bound by server_create() in the main thread: one
 * UDP and one TCP socket per listen address per worker, all with
 * SO_REUSEPORT, so the kernel spreads clients over workers and no thread
 * shares a socket. Each worker runs a libevent base for its TCP listeners
 * and connections; each of its UDP sockets has a thread of its own that
 * blocks in recvmmsg() (MSG_WAITFORONE: one datagram, then whatever else is
 * queued) and answers the batch with sendmmsg(): no readiness call or event
 * dispatch per batch, which was most of what geodnsd added to the kernel's
 * UDP path under load. Every thread has its own counters and caches.
 *
 * Per query the UDP path does no allocation: receive and transmit buffers
 * and mmsghdr arrays are allocated once per thread. For wildcard addresses
 * the destination address is taken from IP_PKTINFO / IPV6_PKTINFO and used
 * as the source of the reply.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server_internal.h"

#include "ops/carry.h"

#include "conf/config.h"
#include "common/hash.h"
#include "query/cookie.h"
#include "common/gd.h"
#include "health/health.h"
#include "common/log.h"
#include "ops/metrics.h"
#include "server/snapshot.h"
#include "common/tsan.h"
#include "dns/wire.h"
#include "zone/zone.h"

#include <assert.h>
#include <errno.h>
#include <malloc.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

int server_rcu_grace; /* the grace period's address for TSan (tsan.h) */

/* A wildcard address (0.0.0.0 or ::): replies need IP_PKTINFO. */
static bool is_wildcard(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == htonl(INADDR_ANY);
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;
	return IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr);
}

static int bind_socket(const struct listen_addr *la, int type, bool *pktinfo)
{
	int fd = socket(la->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int on = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) < 0)
		goto fail;
	if (la->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	*pktinfo = false;
	if (type == SOCK_DGRAM && is_wildcard(&la->ss)) {
		if (la->ss.ss_family == AF_INET)
			setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
		else
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
		*pktinfo = true;
	}
	if (bind(fd, (const struct sockaddr *)&la->ss, la->len) < 0)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, TCP_BACKLOG) < 0)
		goto fail;
	return fd;
fail:;
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

struct server *server_create(const struct config *cfg, struct snapshot *snap)
{
	struct server *srv = xcalloc(1, sizeof(*srv));
	srv->carry = carry_table_new();
	srv->snap = snap;
	srv->tcp_max_message = cfg->tcp_max_message;
	srv->tcp_max_per_client = cfg->tcp_max_per_client;
	srv->tcp_max_lifetime = cfg->tcp_max_lifetime;
	srv->transfers_out = cfg->transfers_out;
	srv->transfers_out_per_client = cfg->transfers_out_per_client;
	srv->client_conns = xcalloc_resident(SERVER_CLIENT_SLOTS, sizeof(uint32_t));
	if (cookie_secret_generate(srv->client_key) != GD_OK) {
		log_error("event=random_failed what=tcp_client_key error=%s", strerror(errno));
		server_stop(srv);
		return NULL;
	}
	/* tables exist when RRL is configured at start (a reload may turn the
	 * rate on or off, not create tables) */
	srv->rrl_table_size = cfg->rrl_responses_per_second ? cfg->rrl_table_size : 0;
	srv->tcp_idle = cfg->tcp_idle_timeout;
	/* per configured worker: a TCP event loop, and a UDP thread for each
	 * listen address (each with its own SO_REUSEPORT socket) */
	srv->ntcp = config_workers(cfg);
	srv->udp_end = srv->ntcp * (1 + (unsigned)cfg->nlisten);
	/* and a worker per receive queue of each server.xdp interface */
	srv->nworkers = srv->udp_end + cfg->xdp_queues_total;
	srv->workers = xcalloc(srv->nworkers, sizeof(struct worker));
	srv->nlisten = cfg->nlisten;
	srv->listen_text = xcalloc(cfg->nlisten, sizeof(char *));
	for (size_t i = 0; i < cfg->nlisten; i++)
		srv->listen_text[i] = xstrdup(cfg->listen[i].text);
	unsigned per_worker = cfg->tcp_max_connections / srv->ntcp;
	size_t out_budget = cfg->tcp_output_buffer_total / srv->ntcp;
	for (unsigned i = 0; i < srv->nworkers; i++)
		srv->workers[i].stop_fd = -1;
	srv->dnstap = dnstap_new(cfg); /* its thread starts with the workers */
	for (unsigned i = 0; i < srv->nworkers; i++) {
		struct worker *w = &srv->workers[i];
		w->id = i;
		w->srv = srv;
		w->udp_thread = i >= srv->ntcp && i < srv->udp_end;
		w->nsock = w->udp_thread ? 1 : i < srv->ntcp ? cfg->nlisten : 0;
		w->tcp_max = per_worker ? per_worker : 1;
		w->out_budget = out_budget > 65536 ? out_budget : 65536;
		w->batch = cfg->udp_batch >= 1 && cfg->udp_batch <= UDP_BATCH ? cfg->udp_batch
									       : UDP_BATCH;
		w->coalesce_ns = (long)cfg->coalesce_us * 1000;
		w->coalesce_below = w->batch > 1 ? w->batch / 2 : 1;
		if (cfg->query_log_rate) {
			w->qlog_rate = cfg->query_log_rate < 0xFFFFFF ? cfg->query_log_rate : 0xFFFFFF;
			w->qlog_sample = cfg->query_log_sample ? cfg->query_log_sample : 1;
		}
		w->udp = xcalloc(w->nsock, sizeof(struct udp_sock));
		w->tcp_fds = xcalloc(w->nsock, sizeof(int));
		w->tcp = xcalloc(w->nsock, sizeof(struct evconnlistener *));
		for (size_t k = 0; k < w->nsock; k++)
			w->udp[k].fd = w->tcp_fds[k] = -1;
	}
	for (unsigned i = srv->ntcp; i < srv->udp_end; i++) {
		struct worker *w = &srv->workers[i];
		const struct listen_addr *la = &cfg->listen[(i - srv->ntcp) % cfg->nlisten];
		w->udp[0].fd = bind_socket(la, SOCK_DGRAM, &w->udp[0].pktinfo);
		/* blocking, with a receive timeout so that a stop is seen */
		struct timeval tv = {0, 200000};
		if (w->udp[0].fd < 0 || fcntl(w->udp[0].fd, F_SETFL, 0) < 0 ||
		    setsockopt(w->udp[0].fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
			log_error("event=bind_failed proto=udp listen=%s error=\"%s\"", la->text,
				  strerror(errno));
			server_stop(srv);
			return NULL;
		}
		socklen_t sl = sizeof(w->udp[0].local);
		getsockname(w->udp[0].fd, (struct sockaddr *)&w->udp[0].local, &sl);
	}
	for (unsigned i = 0; i < srv->ntcp; i++) {
		struct worker *w = &srv->workers[i];
		for (size_t k = 0; k < cfg->nlisten; k++) {
			const struct listen_addr *la = &cfg->listen[k];
			bool pi;
			w->tcp_fds[k] = bind_socket(la, SOCK_STREAM, &pi);
			if (w->tcp_fds[k] < 0) {
				log_error("event=bind_failed proto=tcp listen=%s error=\"%s\"",
					  la->text, strerror(errno));
				server_stop(srv);
				return NULL;
			}
		}
	}
	/* AF_XDP: before privileges are dropped (attaching needs them) */
	if (cfg->nxdp && !(srv->xdp = xdp_open(cfg, &srv->workers[srv->udp_end]))) {
		server_stop(srv);
		return NULL;
	}
	return srv;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	urcu_memb_register_thread();
	event_base_dispatch(w->base);
	urcu_memb_unregister_thread();
	return NULL;
}

static void begin_stop_cb(evutil_socket_t fd, short what, void *arg);

/* In the worker: the main thread wrote to stop_fd */
static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	uint64_t v;
	(void)what;
	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_warn("event=stop_read_failed error=\"%s\"", strerror(errno));
	begin_stop_cb(-1, 0, arg);
}

/* What every answering thread has: its answer state (caches, counters,
 * its row id), its dnstap queue and its RRL table. */
static int answer_setup(struct server *srv, struct worker *w)
{
	answer_worker_init(&w->aw);
	w->aw.id = w->id;
	dnstap_queue_init(&w->tap, srv->dnstap, w->id, &w->aw.counters.dnstap_sent,
	                  &w->aw.counters.dnstap_dropped);
	if (srv->rrl_table_size && rrl_table_init(&w->aw.rrl, srv->rrl_table_size) != GD_OK) {
		log_error("event=random_failed what=rrl_key worker=%u error=%s", w->id,
		          strerror(errno));
		return GD_EIO;
	}
	return GD_OK;
}

/* Set up and start a UDP thread, or an XDP worker (w->xq: its buffers
 * are its UMEM's). */
static int udp_thread_start(struct server *srv, struct worker *w)
{
	if (answer_setup(srv, w) != GD_OK)
		return GD_EIO;
	if (w->xq)
		goto start;
	w->rx = xcalloc_resident(UDP_BATCH, sizeof(*w->rx));
	w->tx = xcalloc_resident(UDP_BATCH, sizeof(*w->tx));
	for (int i = 0; i < UDP_BATCH; i++) {
		w->rx_iov[i].iov_base = w->rx[i];
		w->rx_iov[i].iov_len = UDP_BUF;
		struct msghdr *h = &w->rx_msgs[i].msg_hdr;
		h->msg_name = &w->peer[i];
		h->msg_iov = &w->rx_iov[i];
		h->msg_iovlen = 1;
		h->msg_control = w->udp[0].pktinfo ? w->rx_ctl[i] : NULL;
	}
	w->rx_used = UDP_BATCH; /* every header gets its lengths reset */
start:
	if (thread_start(&w->thread, w->xq ? xdp_main : udp_main, w) != 0) {
		log_error("event=thread_create_failed worker=%u", w->id);
		return GD_ENOMEM;
	}
	w->started = true;
	return GD_OK;
}

int server_start(struct server *srv)
{
	int rc = GD_OK;
	/* the answer counter row after the workers' (snapshot.c) */
	srv->xfr = xfrout_start(srv, srv->transfers_out, srv->transfers_out_per_client,
	                        srv->nworkers);
	if (!srv->xfr)
		return GD_ENOMEM;
	/* a queue for each UDP thread and TCP worker */
	if (srv->dnstap && dnstap_start(srv->dnstap, srv->nworkers) < 0)
		return GD_EIO;
	/* the UDP threads and the XDP workers */
	for (unsigned i = srv->ntcp; i < srv->nworkers && rc == GD_OK; i++)
		rc = udp_thread_start(srv, &srv->workers[i]);
	for (unsigned i = 0; i < srv->ntcp && rc == GD_OK; i++) {
		struct worker *w = &srv->workers[i];
		/* a worker's base is its own: no locks inside libevent (the main
		 * thread reaches it only through stop_fd) */
		struct event_config *ec = event_config_new();
		if (ec)
			event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK);
		w->base = ec ? event_base_new_with_config(ec) : NULL;
		event_config_free(ec);
		w->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (!w->base || w->stop_fd < 0) {
			log_error("event=worker_setup_failed worker=%u error=\"%s\"", i,
				  strerror(errno));
			rc = GD_ENOMEM;
			break;
		}
		w->stop_ev = event_new(w->base, w->stop_fd, EV_READ, stop_cb, w);
		event_add(w->stop_ev, NULL);
		w->resume_ev = event_new(w->base, -1, 0, tcp_resume_cb, w);
		if (answer_setup(srv, w) != GD_OK) {
			rc = GD_EIO;
			break;
		}
		w->tcp_in = xcalloc_resident(1, 65536);
		w->tcp_out = xcalloc_resident(1, ANSWER_BUF_SIZE + 2);
		for (size_t k = 0; k < w->nsock; k++) {
			w->tcp[k] = evconnlistener_new(w->base, tcp_accept_cb, w,
						       LEV_OPT_CLOSE_ON_FREE, -1, w->tcp_fds[k]);
			w->tcp_fds[k] = -1; /* owned by the listener now */
		}
		/* workers must not take the main thread's signals */
		if (thread_start(&w->thread, worker_main, w) != 0) {
			log_error("event=thread_create_failed worker=%u", i);
			rc = GD_ENOMEM;
			break;
		}
		w->started = true;
	}
	return rc;
}

void server_publish(struct server *srv, struct snapshot *snap)
{
	struct snapshot *old = srv->snap;
	TSAN_RELEASE(snap);
	rcu_assign_pointer(srv->snap, snap);
	urcu_memb_synchronize_rcu();
	TSAN_ACQUIRE(&server_rcu_grace);
	/* no worker sees old any more: keep its counts */
	carry_fold(srv->carry, old);
	snapshot_free(old);
}

void server_publish_health(struct server *srv, struct health_snapshot *hs)
{
	struct health_snapshot *old = srv->health;
	TSAN_RELEASE(hs);
	rcu_assign_pointer(srv->health, hs);
	urcu_memb_synchronize_rcu();
	TSAN_ACQUIRE(&server_rcu_grace);
	health_snapshot_free(old);
}

void server_counters(const struct server *srv, struct answer_counters *sum)
{
	/* every field is a uint64_t counter: sum them as an array */
	memset(sum, 0, sizeof(*sum));
	uint64_t *out = (uint64_t *)sum;
	size_t n = sizeof(*sum) / sizeof(uint64_t);
	const struct answer_worker *xw = xfrout_answer_worker(srv->xfr);
	for (unsigned i = 0; i <= srv->nworkers; i++) {
		const struct answer_worker *aw = i < srv->nworkers ? &srv->workers[i].aw : xw;
		if (!aw)
			continue;
		const uint64_t *in = (const uint64_t *)&aw->counters;
		for (size_t k = 0; k < n; k++)
			out[k] += CTR_GET(in[k]);
	}
}

void server_xfr_counts(const struct server *srv, uint64_t out[XFR_TYPES][XFR_RESULTS])
{
	xfrout_counts(srv->xfr, out);
}

void server_notify_counts(const struct server *srv, struct notify_counters *out)
{
	xfrout_notify_counts(srv->xfr, out);
}

bool server_notify_status(const struct server *srv, const uint8_t *origin, size_t len,
                          struct notify_status *st)
{
	return xfrout_notify_status(srv->xfr, origin, len, st);
}

#define STOP_GRACE_MS 2000 /* longest wait for unsent TCP answers at stop */

/* In the worker: are all TCP answers written? Then leave the loop. */
static void drain_check_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	(void)fd;
	(void)what;
	bool pending = false;
	for (struct tcp_conn *c = w->lru_head; c; c = c->next)
		pending |= evbuffer_get_length(bufferevent_get_output(c->bev)) > 0;
	if (!pending || now_ms() >= w->stop_deadline)
		event_base_loopbreak(w->base);
}

/* In the worker: stop taking queries, keep writing what is answered. */
static void begin_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	(void)fd;
	(void)what;
	for (size_t k = 0; k < w->nsock; k++)
		if (w->tcp[k])
			evconnlistener_disable(w->tcp[k]);
	for (struct tcp_conn *c = w->lru_head; c; c = c->next)
		bufferevent_disable(c->bev, EV_READ);
	w->stop_deadline = now_ms() + STOP_GRACE_MS;
	w->drain_timer = event_new(w->base, -1, EV_PERSIST, drain_check_cb, w);
	struct timeval tv = {0, 20000};
	event_add(w->drain_timer, &tv);
	drain_check_cb(-1, 0, w);
}

void server_stop(struct server *srv)
{
	if (!srv)
		return;
	/* graceful: each worker stops reading, finishes writing the TCP answers
	 * it has produced (bounded by STOP_GRACE_MS), then leaves its loop */
	for (unsigned i = 0; i < srv->nworkers; i++) {
		struct worker *w = &srv->workers[i];
		uint64_t one = 1;
		if (w->udp_thread || w->xq) {
			__atomic_store_n(&w->stopping, 1, __ATOMIC_RELEASE);
			continue;
		}
		if (w->started && write(w->stop_fd, &one, sizeof(one)) != sizeof(one))
			log_error("event=stop_signal_failed worker=%u error=\"%s\"", i,
				  strerror(errno));
	}
	for (unsigned i = 0; i < srv->nworkers; i++) {
		struct worker *w = &srv->workers[i];
		if (w->started)
			pthread_join(w->thread, NULL);
		while (w->lru_head)
			tcp_close(w->lru_head);
		for (size_t k = 0; k < w->nsock; k++) {
			if (w->udp[k].fd >= 0)
				close(w->udp[k].fd);
			if (w->tcp[k])
				evconnlistener_free(w->tcp[k]);
			if (w->tcp_fds[k] >= 0)
				close(w->tcp_fds[k]);
		}
		if (w->drain_timer)
			event_free(w->drain_timer);
		if (w->stop_ev)
			event_free(w->stop_ev);
		if (w->resume_ev)
			event_free(w->resume_ev);
		if (w->stop_fd >= 0)
			close(w->stop_fd);
		if (w->base)
			event_base_free(w->base);
		free(w->udp);
		free(w->tcp);
		free(w->tcp_fds);
		free(w->rx);
		free(w->tx);
		free(w->tcp_in);
		free(w->tcp_out);
		answer_worker_free(&w->aw);
	}
	/* after the workers: none hands a connection over any more */
	xfrout_stop(srv->xfr);
	srv->xfr = NULL;
	xdp_close(srv->xdp); /* sockets closed, programs detached */
	dnstap_close(srv->dnstap); /* flushes what the workers queued */
	for (size_t i = 0; i < srv->nlisten; i++)
		free(srv->listen_text[i]);
	free(srv->listen_text);
	free(srv->workers);
	snapshot_free(srv->snap);
	health_snapshot_free(srv->health);
	carry_table_free(srv->carry);
	free(srv->client_conns);
	free(srv);
}

struct carry_table *server_carry(struct server *srv)
{
	return srv->carry;
}

const struct snapshot *server_snapshot_enter(struct server *srv)
{
	read_begin();
	return read_snapshot(srv);
}

void server_snapshot_leave(void)
{
	read_end();
}

const struct health_snapshot *server_health_current(struct server *srv)
{
	return read_health(srv);
}

void server_limit_counts(const struct server *srv, struct server_limit_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < srv->nworkers; i++) {
		const struct worker *w = &srv->workers[i];
		out->rrl_limited += CTR_GET(w->aw.rrl.limited);
		out->rrl_slipped += CTR_GET(w->aw.rrl.slipped);
		out->rrl_dropped += CTR_GET(w->aw.rrl.dropped);
		out->tcp_output_total += CTR_GET(w->out_hits_total);
		out->tcp_output_connection += CTR_GET(w->out_hits_connection);
	}
}
