/*
 * tcp.c - DNS over TCP (RFC 7766) on a worker's event loop: length-prefixed,
 * pipelined, answered in order; an idle timeout and a lifetime per
 * connection; a cap on open connections that closes the longest idle one
 * first (LRU); a per-client cap counted in SipHash-keyed slots; and a
 * budget of unsent answers per worker: over it a connection stops reading
 * and waits its turn (FIFO) until the output drains.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server_internal.h"

#include "common/gd.h"
#include "common/hash.h"
#include "common/log.h"
#include "server/snapshot.h"

#include <errno.h>
#include <event2/buffer.h>
#include <malloc.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void lru_unlink(struct worker *w, struct tcp_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		w->lru_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		w->lru_tail = c->prev;
	c->prev = c->next = NULL;
}

static void lru_push(struct worker *w, struct tcp_conn *c)
{
	c->prev = w->lru_tail;
	c->next = NULL;
	if (w->lru_tail)
		w->lru_tail->next = c;
	else
		w->lru_head = c;
	w->lru_tail = c;
}

uint32_t server_client_slot(const uint8_t key[COOKIE_SECRET_LEN], const struct sockaddr *sa)
{
	/* family octet and address: SipHash under the per-process key, so the
	 * slots of other clients cannot be computed (collisions only make the
	 * cap stricter for the colliding clients, and now only by chance) */
	uint8_t in[17];
	size_t n = 1;
	if (sa->sa_family == AF_INET6) {
		in[0] = 6;
		memcpy(in + 1, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		n += 16;
	} else {
		in[0] = 4;
		memcpy(in + 1, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		n += 4;
	}
	return (uint32_t)(siphash24(key, in, n) % SERVER_CLIENT_SLOTS);
}

/* The wait list: connections that stopped reading for the worker's output
 * budget, resumed in the order they stopped. */
static void wait_push(struct worker *w, struct tcp_conn *c)
{
	assert(!c->waiting);
	c->waiting = true;
	c->wait_prev = w->wait_tail;
	c->wait_next = NULL;
	if (w->wait_tail)
		w->wait_tail->wait_next = c;
	else
		w->wait_head = c;
	w->wait_tail = c;
}

static void wait_unlink(struct worker *w, struct tcp_conn *c)
{
	if (!c->waiting)
		return;
	if (c->wait_prev)
		c->wait_prev->wait_next = c->wait_next;
	else
		w->wait_head = c->wait_next;
	if (c->wait_next)
		c->wait_next->wait_prev = c->wait_prev;
	else
		w->wait_tail = c->wait_prev;
	c->wait_prev = c->wait_next = NULL;
	c->waiting = false;
}

/* Output went down: if waiters may go on, or much memory was released,
 * let the loop call tcp_resume_cb (never from inside a bufferevent). */
static void out_released(struct worker *w)
{
	if (w->out_bytes > w->out_budget / 2)
		return;
	if (w->wait_head || (w->out_peak >= TCP_TRIM_PEAK && w->out_bytes <= w->out_peak / 8))
		event_active(w->resume_ev, EV_TIMEOUT, 0);
}

/* Every change of a connection's output buffer: keep the worker's sum. */
static void tcp_out_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct worker *w = ((struct tcp_conn *)arg)->w;
	(void)buf;
	w->out_bytes += info->n_added;
	assert(w->out_bytes >= info->n_deleted);
	w->out_bytes -= info->n_deleted;
	if (w->out_bytes > w->out_peak)
		w->out_peak = w->out_bytes;
	if (info->n_deleted)
		out_released(w);
}

void tcp_close(struct tcp_conn *c)
{
	struct worker *w = c->w;
	lru_unlink(w, c);
	wait_unlink(w, c);
	/* freeing the buffer calls no callback: take its bytes off here */
	size_t left = evbuffer_get_length(bufferevent_get_output(c->bev));
	assert(w->out_bytes >= left);
	w->out_bytes -= left;
	if (left && w->resume_ev)
		out_released(w);
	if (w->srv->tcp_max_per_client)
		__atomic_sub_fetch(&w->srv->client_conns[c->client_slot], 1, __ATOMIC_RELAXED);
	if (c->lifetime)
		event_free(c->lifetime);
	bufferevent_free(c->bev);
	w->tcp_open--;
	CTR_INC(w->aw.counters.tcp_closed);
	free(c);
}

/* The connection goes to the transfer thread with everything it holds:
 * the answers not yet written, the request (w->tcp_in, mlen octets) and
 * whatever the client sent after it. */
static void tcp_handoff(struct tcp_conn *c, size_t mlen)
{
	struct worker *w = c->w;
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer *out = bufferevent_get_output(c->bev);
	int fd = dup(bufferevent_getfd(c->bev));
	if (fd < 0) {
		log_warn("event=xfr_handoff_failed error=\"%s\"", strerror(errno));
		tcp_close(c);
		return;
	}
	struct xfr_handoff *h = xcalloc(1, sizeof(*h));
	h->fd = fd;
	h->peer = c->peer;
	h->out_len = evbuffer_get_length(out);
	h->out = xmalloc(h->out_len + 1);
	evbuffer_remove(out, h->out, h->out_len);
	size_t rest = evbuffer_get_length(in);
	h->in_len = 2 + mlen + rest;
	h->in = xmalloc(h->in_len);
	wr16(h->in, (uint16_t)mlen);
	memcpy(h->in + 2, w->tcp_in, mlen);
	evbuffer_remove(in, h->in + 2 + mlen, rest);
	tcp_close(c);
	xfrout_adopt(w->srv->xfr, h);
}

static void tcp_read_cb(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;
	struct worker *w = c->w;
	struct server *srv = w->srv;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer *outb = bufferevent_get_output(bev);
	lru_unlink(w, c);
	lru_push(w, c);
	for (;;) {
		size_t own = evbuffer_get_length(outb);
		if (own >= TCP_OUT_HIGH) {
			/* the client is not reading its answers: wait for it
			 * (tcp_write_cb resumes at the low watermark) */
			bufferevent_disable(bev, EV_READ);
			CTR_INC(w->out_hits_connection);
			return;
		}
		if (own > 0 && w->out_bytes >= w->out_budget) {
			/* the worker's budget is spent: a connection with answers
			 * still unsent waits (its queries stay unread, none is
			 * lost); one whose answers are all written may still have
			 * one queued, so clients that read are served */
			bufferevent_disable(bev, EV_READ);
			wait_push(w, c);
			CTR_INC(w->out_hits_total);
			return;
		}
		uint8_t lenbuf[2];
		if (evbuffer_copyout(in, lenbuf, 2) < 2)
			return;
		size_t mlen = rd16(lenbuf);
		if (mlen < DNS_HEADER_LEN || mlen > srv->tcp_max_message) {
			tcp_close(c);
			return;
		}
		if (evbuffer_get_length(in) < 2 + mlen)
			return;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, w->tcp_in, mlen);
		if (srv->xfr && wire_is_transfer_request(w->tcp_in, mlen)) {
			tcp_handoff(c, mlen);
			return;
		}
		read_begin();
		const struct snapshot *snap = read_snapshot(srv);
		struct answer_request req = {w->tcp_in, mlen, true,
					     (const struct sockaddr *)&c->peer, read_health(srv)};
		struct dnstap_event tap = {.tcp = true};
		bool tapped = dnstap_take(&w->tap);
		if (tapped)
			clock_gettime(CLOCK_REALTIME, &tap.query_time);
		qlog_before(w);
		size_t len = answer_query(snap->db, &snap->settings, &req, w->tcp_out + 2,
					  ANSWER_BUF_SIZE, &w->aw);
		qlog_after(w, snap, true);
		read_end();
		if (tapped) {
			clock_gettime(CLOCK_REALTIME, &tap.response_time);
			tap.client = (const struct sockaddr *)&c->peer;
			tap.server = (const struct sockaddr *)&c->local;
			tap.query = w->tcp_in;
			tap.query_len = mlen;
			tap.response = w->tcp_out + 2;
			tap.response_len = len;
			dnstap_write(&w->tap, &tap);
		}
		if (len == 0)
			continue;
		wr16(w->tcp_out, (uint16_t)len);
		/* length and message in one write (RFC 7766 8) */
		evbuffer_add(outb, w->tcp_out, len + 2);
	}
}

static void tcp_write_cb(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;
	struct worker *w = c->w;
	if (w->stop_deadline)
		return; /* stopping: no more queries are read */
	if (c->waiting) {
		/* waiting for the budget: go on once all its answers are out */
		if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
			return;
		wait_unlink(w, c);
	}
	/* output drained below the low watermark: resume reading */
	if (!(bufferevent_get_enabled(bev) & EV_READ)) {
		bufferevent_enable(bev, EV_READ);
		tcp_read_cb(bev, arg);
	}
}

/* From the loop (out_released): resume waiting connections in order while
 * the budget allows, and give the heap's free pages back to the kernel
 * after much output was released (glibc keeps them otherwise; at most once
 * a second per worker). */
void tcp_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	(void)fd;
	(void)what;
	while (w->wait_head && w->out_bytes < w->out_budget && !w->stop_deadline) {
		struct tcp_conn *c = w->wait_head;
		wait_unlink(w, c);
		bufferevent_enable(c->bev, EV_READ);
		tcp_read_cb(c->bev, c); /* may wait again, or close c */
	}
	if (w->out_peak < TCP_TRIM_PEAK || w->out_bytes > w->out_peak / 8)
		return;
	uint64_t now = now_ms();
	if (now < w->last_trim_ms + 1000) {
		/* trimmed less than a second ago: come back then */
		uint64_t ms = w->last_trim_ms + 1000 - now;
		struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
		event_add(w->resume_ev, &tv);
		return;
	}
	w->last_trim_ms = now;
	w->out_peak = w->out_bytes;
	malloc_trim(0);
}

static void tcp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct tcp_conn *c = arg;
	(void)bev;
	if (what & BEV_EVENT_TIMEOUT)
		CTR_INC(c->w->aw.counters.tcp_idle_closed);
	/* EOF, error or idle timeout: unsent answers are dropped (RFC 7766 6.2.4) */
	tcp_close(c);
}

static void tcp_lifetime_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_conn *c = arg;
	(void)fd;
	(void)what;
	CTR_INC(c->w->aw.counters.tcp_lifetime_closed);
	tcp_close(c);
}

void tcp_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
			  struct sockaddr *sa, int salen, void *arg)
{
	struct worker *w = arg;
	struct server *srv = w->srv;
	(void)l;
	uint32_t slot = 0;
	if (srv->tcp_max_per_client && salen > 0) {
		struct sockaddr_storage ss;
		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, sa, (size_t)salen < sizeof(ss) ? (size_t)salen : sizeof(ss));
		slot = server_client_slot(srv->client_key, (const struct sockaddr *)&ss);
		if (__atomic_add_fetch(&srv->client_conns[slot], 1, __ATOMIC_RELAXED) >
		    srv->tcp_max_per_client) {
			__atomic_sub_fetch(&srv->client_conns[slot], 1, __ATOMIC_RELAXED);
			CTR_INC(w->aw.counters.tcp_client_refused);
			evutil_closesocket(fd);
			return;
		}
	}
	if (w->tcp_open >= w->tcp_max && w->lru_head) {
		tcp_close(w->lru_head); /* make room: the longest idle goes */
		CTR_INC(w->aw.counters.tcp_evicted);
	}
	struct tcp_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		if (srv->tcp_max_per_client)
			__atomic_sub_fetch(&srv->client_conns[slot], 1, __ATOMIC_RELAXED);
		evutil_closesocket(fd);
		return;
	}
	c->w = w;
	c->client_slot = slot;
	if (salen > 0 && (size_t)salen <= sizeof(c->peer))
		memcpy(&c->peer, sa, (size_t)salen);
	if (w->tap.dt) {
		socklen_t ll = sizeof(c->local);
		getsockname(fd, (struct sockaddr *)&c->local, &ll);
	}
	c->bev = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		if (srv->tcp_max_per_client)
			__atomic_sub_fetch(&srv->client_conns[slot], 1, __ATOMIC_RELAXED);
		evutil_closesocket(fd);
		free(c);
		return;
	}
	if (srv->tcp_max_lifetime) {
		c->lifetime = evtimer_new(w->base, tcp_lifetime_cb, c);
		struct timeval life = {(time_t)srv->tcp_max_lifetime, 0};
		evtimer_add(c->lifetime, &life);
	}
	w->tcp_open++;
	CTR_INC(w->aw.counters.tcp_accepted);
	lru_push(w, c);
	struct timeval idle = {(time_t)w->srv->tcp_idle, 0};
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	bufferevent_setcb(c->bev, tcp_read_cb, tcp_write_cb, tcp_event_cb, c);
	evbuffer_add_cb(bufferevent_get_output(c->bev), tcp_out_cb, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, TCP_OUT_HIGH / 4, 0);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}
