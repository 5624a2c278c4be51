/*
 * net.c - listeners and worker threads.
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
#include "server/net.h"

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

#define UDP_BATCH 64
#define UDP_BUF 4096
#define TCP_BACKLOG 256
#define TCP_OUT_HIGH (256 * 1024) /* stop reading when this much is unsent */
#define TCP_TRIM_PEAK (256 * 1024) /* return freed heap after this much drained */
#define CMSG_SPACE_PKTINFO 64

struct worker;

struct udp_sock {
	int fd;
	bool pktinfo;
};

struct tcp_conn {
	struct bufferevent *bev;
	struct event *lifetime;     /* closes the connection at tcp_max_lifetime */
	uint32_t client_slot;       /* in the server's per-client count table */
	struct sockaddr_storage peer;
	struct worker *w;
	struct tcp_conn *prev, *next; /* LRU: head = longest idle */
	bool waiting;                 /* on the worker's wait list, not reading */
	struct tcp_conn *wait_prev, *wait_next;
};

struct worker {
	unsigned id;
	pthread_t thread;
	bool started;
	bool udp_thread;            /* one UDP socket, a blocking receive loop */
	int stopping;               /* UDP thread: leave the loop (atomic) */
	struct server *srv;
	struct event_base *base;
	struct udp_sock *udp;
	int *tcp_fds;
	struct evconnlistener **tcp;
	size_t nsock;
	struct answer_worker aw;
	unsigned tcp_open;
	unsigned tcp_max;
	struct tcp_conn *lru_head, *lru_tail;
	/* unsent TCP answers of all its connections (evbuffer callbacks keep
	 * the sum); over out_budget a connection with answers still unsent
	 * stops reading and waits on the wait list (FIFO) */
	size_t out_bytes, out_budget, out_peak;
	struct tcp_conn *wait_head, *wait_tail;
	struct event *resume_ev; /* resume waiters, return freed memory */
	uint64_t last_trim_ms;
	uint64_t out_hits_total;      /* holds for the worker's budget */
	uint64_t out_hits_connection; /* holds for one connection's TCP_OUT_HIGH */
	/* UDP batch buffers */
	struct mmsghdr rx_msgs[UDP_BATCH], tx_msgs[UDP_BATCH];
	struct iovec rx_iov[UDP_BATCH], tx_iov[UDP_BATCH];
	struct sockaddr_storage peer[UDP_BATCH];
	uint8_t rx_ctl[UDP_BATCH][CMSG_SPACE_PKTINFO];
	uint8_t tx_ctl[UDP_BATCH][CMSG_SPACE_PKTINFO];
	uint8_t (*rx)[UDP_BUF];
	uint8_t (*tx)[UDP_BUF];
	int rx_used;                   /* rx headers the kernel wrote since */
	uint8_t *tcp_in;
	uint8_t *tcp_out;
	uint64_t stop_deadline;
	struct event *drain_timer;
	int stop_fd;                /* eventfd: the main thread asks for a stop */
	struct event *stop_ev;
	/* sampled query log: 1 in qlog_sample queries is a candidate; the
	 * server's budget of qlog_rate lines a second decides */
	unsigned qlog_rate, qlog_sample, qlog_count;
};

/* Service answer counts of snapshots already replaced, so counters never
 * go backwards across reloads. Keyed by zone, service and region name. */
struct carry {
	char *zone, *service, *region;
	uint64_t answers, fail_open;
};

struct server {
	unsigned tcp_max_per_client; /* 0: no per-client cap */
	unsigned tcp_max_lifetime;   /* seconds, 0: none */
	uint32_t *client_conns;      /* SERVER_CLIENT_SLOTS counters, atomic */
	uint8_t client_key[COOKIE_SECRET_LEN]; /* random: keys server_client_slot */
	pthread_mutex_t carry_lock;
	struct carry *carry;
	size_t ncarry, capcarry;
	uint32_t *carry_index;      /* hash of the names -> entry + 1; 0 empty */
	size_t carry_mask;
	struct snapshot *snap;      /* RCU-protected */
	struct health_snapshot *health; /* RCU-protected, from the prober */
	unsigned tcp_max_message;
	unsigned tcp_idle;
	size_t rrl_table_size;      /* 0: no rate limiting tables */
	struct worker *workers;     /* TCP workers, then the UDP threads */
	unsigned nworkers;          /* all of them */
	unsigned ntcp;              /* the configured workers: TCP event loops */
	size_t nlisten;
	char **listen_text;
	uint64_t http_limits[HTTP_LIMIT_COUNT]; /* relaxed atomics */
	uint64_t qlog_window;       /* query log: second << 24 | lines in it */
};

/* ---- RCU read sections (with ThreadSanitizer annotations, see tsan.h) ---- */

static int rcu_grace __attribute__((unused)); /* grace-period address for TSan */

static inline void read_begin(void)
{
	urcu_memb_read_lock();
}

static inline void read_end(void)
{
	TSAN_RELEASE(&rcu_grace);
	urcu_memb_read_unlock();
}

static inline const struct snapshot *read_snapshot(struct server *srv)
{
	const struct snapshot *s = rcu_dereference(srv->snap);
	TSAN_ACQUIRE(s);
	return s;
}

static inline const struct health_snapshot *read_health(struct server *srv)
{
	const struct health_snapshot *h = rcu_dereference(srv->health);
	if (h)
		TSAN_ACQUIRE(h);
	return h;
}

/* ---- UDP ---- */

/* Before a query: should it be logged? Sample 1 in N, at most rate a second. */
static inline void qlog_before(struct worker *w)
{
	w->aw.want_info = false;
	if (!w->qlog_rate)
		return;
	if (++w->qlog_count < w->qlog_sample)
		return;
	w->qlog_count = 0;
	/* one budget for every thread: a compare-and-swap only for a line
	 * that is taken (at most qlog_rate a second), a load otherwise */
	uint64_t sec = now_ms() / 1000;
	uint64_t *win = &w->srv->qlog_window;
	uint64_t cur = __atomic_load_n(win, __ATOMIC_RELAXED);
	for (;;) {
		uint64_t next;
		if (cur >> 24 != sec)
			next = sec << 24 | 1;
		else if ((cur & 0xFFFFFF) < w->qlog_rate)
			next = cur + 1;
		else
			return;
		if (__atomic_compare_exchange_n(win, &cur, next, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			break;
	}
	w->aw.want_info = true;
}

static void qlog_after(struct worker *w, const struct snapshot *snap, bool tcp)
{
	if (!w->aw.want_info)
		return;
	const struct answer_info *in = &w->aw.info;
	char net[INET6_ADDRSTRLEN + 8] = "-", tb[16];
	if (in->family) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(in->family == 2 ? AF_INET6 : AF_INET, in->addr, a, sizeof(a));
		snprintf(net, sizeof(net), "%s/%u", a, in->prefix);
	}
	const char *region = in->region >= 0 && (size_t)in->region < snap->regions.n
				     ? snap->regions.regions[in->region].name
				     : "-";
	log_info("event=query proto=%s client=%s ecs=%s qname=%s qtype=%s region=%s rcode=%s",
		 tcp ? "tcp" : "udp", net, in->ecs ? "yes" : "no",
		 in->question ? in->qname : "-",
		 in->question ? dns_type_name(in->qtype, tb, sizeof(tb)) : "-", region,
		 dns_rcode_name(in->rcode));
	w->aw.want_info = false;
}

static bool is_wildcard(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == htonl(INADDR_ANY);
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;
	return IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr);
}

/* Turn the received destination (pktinfo) into the reply's source. */
static size_t reply_control(const struct msghdr *in, uint8_t *out, size_t cap)
{
	struct msghdr m = {.msg_control = out, .msg_controllen = cap};
	for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)in); c;
	     c = CMSG_NXTHDR((struct msghdr *)in, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			struct cmsghdr *o = CMSG_FIRSTHDR(&m);
			o->cmsg_level = IPPROTO_IP;
			o->cmsg_type = IP_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			struct cmsghdr *o = CMSG_FIRSTHDR(&m);
			o->cmsg_level = IPPROTO_IPV6;
			o->cmsg_type = IPV6_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
	}
	return 0;
}

/*
 * Receive one batch on a UDP thread's socket and answer it. flags:
 * MSG_WAITFORONE on the blocking socket (wait for one datagram, take what
 * else is queued). Returns the datagrams received, or -1 (errno set).
 */
static int udp_batch(struct worker *w, int flags)
{
	struct server *srv = w->srv;
	const struct udp_sock *us = &w->udp[0];
	/* the headers are set up once (udp_thread_start); after a batch only
	 * the fields the kernel wrote are reset (not 64 headers a datagram) */
	for (int i = 0; i < w->rx_used; i++) {
		struct msghdr *h = &w->rx_msgs[i].msg_hdr;
		h->msg_namelen = sizeof(w->peer[i]);
		h->msg_controllen = us->pktinfo ? CMSG_SPACE_PKTINFO : 0;
		h->msg_flags = 0;
	}
	w->rx_used = 0;
	int n = recvmmsg(us->fd, w->rx_msgs, UDP_BATCH, flags, NULL);
	if (n <= 0)
		return n;
	w->rx_used = n;
	int out = 0;
	read_begin();
	const struct snapshot *snap = read_snapshot(srv);
	const struct health_snapshot *hs = read_health(srv);
	for (int i = 0; i < n; i++) {
		struct msghdr *h = &w->rx_msgs[i].msg_hdr;
		if (h->msg_flags & MSG_TRUNC) {
			CTR_INC(w->aw.counters.dropped);
			continue;
		}
		struct answer_request req = {w->rx[i], w->rx_msgs[i].msg_len, false,
					     (const struct sockaddr *)&w->peer[i], hs};
		qlog_before(w);
		size_t len = answer_query(snap->db, &snap->settings, &req, w->tx[out], UDP_BUF,
					  &w->aw);
		qlog_after(w, snap, false);
		if (len == 0)
			continue;
		w->tx_iov[out].iov_base = w->tx[out];
		w->tx_iov[out].iov_len = len;
		struct msghdr *o = &w->tx_msgs[out].msg_hdr;
		o->msg_name = &w->peer[i];
		o->msg_namelen = h->msg_namelen;
		o->msg_iov = &w->tx_iov[out];
		o->msg_iovlen = 1;
		o->msg_control = NULL;
		o->msg_controllen = 0;
		o->msg_flags = 0;
		if (us->pktinfo) {
			size_t cl = reply_control(h, w->tx_ctl[out], CMSG_SPACE_PKTINFO);
			if (cl) {
				o->msg_control = w->tx_ctl[out];
				o->msg_controllen = cl;
			}
		}
		out++;
	}
	read_end();
	for (int sent = 0; sent < out;) {
		int r = sendmmsg(us->fd, w->tx_msgs + sent, (unsigned)(out - sent), 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN or a per-destination error: skip that one */
			CTR_INC(w->aw.counters.dropped);
			sent++;
			continue;
		}
		sent += r;
	}
	return n;
}

/* A UDP thread: blocking receives on its one socket, so no event loop and
 * no readiness call per batch (the receive timeout lets it see a stop). */
static void *udp_main(void *arg)
{
	struct worker *w = arg;
	urcu_memb_register_thread();
	while (!__atomic_load_n(&w->stopping, __ATOMIC_ACQUIRE)) {
		if (udp_batch(w, MSG_WAITFORONE) < 0 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR) {
			log_warn("event=udp_receive_failed worker=%u error=\"%s\"", w->id,
				 strerror(errno));
			usleep(10000);
		}
	}
	urcu_memb_unregister_thread();
	return NULL;
}

/* ---- TCP ---- */

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

static void tcp_close(struct tcp_conn *c)
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
		read_begin();
		const struct snapshot *snap = read_snapshot(srv);
		struct answer_request req = {w->tcp_in, mlen, true,
					     (const struct sockaddr *)&c->peer, read_health(srv)};
		qlog_before(w);
		size_t len = answer_query(snap->db, &snap->settings, &req, w->tcp_out + 2,
					  ANSWER_BUF_SIZE, &w->aw);
		qlog_after(w, snap, true);
		read_end();
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
static void tcp_resume_cb(evutil_socket_t fd, short what, void *arg)
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

static void tcp_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
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

/* ---- sockets ---- */

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
	pthread_mutex_init(&srv->carry_lock, NULL);
	srv->snap = snap;
	srv->tcp_max_message = cfg->tcp_max_message;
	srv->tcp_max_per_client = cfg->tcp_max_per_client;
	srv->tcp_max_lifetime = cfg->tcp_max_lifetime;
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
	srv->nworkers = srv->ntcp * (1 + (unsigned)cfg->nlisten);
	srv->workers = xcalloc(srv->nworkers, sizeof(struct worker));
	srv->nlisten = cfg->nlisten;
	srv->listen_text = xcalloc(cfg->nlisten, sizeof(char *));
	for (size_t i = 0; i < cfg->nlisten; i++)
		srv->listen_text[i] = xstrdup(cfg->listen[i].text);
	unsigned per_worker = cfg->tcp_max_connections / srv->ntcp;
	size_t out_budget = cfg->tcp_output_buffer_total / srv->ntcp;
	for (unsigned i = 0; i < srv->nworkers; i++)
		srv->workers[i].stop_fd = -1;
	for (unsigned i = 0; i < srv->nworkers; i++) {
		struct worker *w = &srv->workers[i];
		w->id = i;
		w->srv = srv;
		w->udp_thread = i >= srv->ntcp;
		w->nsock = w->udp_thread ? 1 : cfg->nlisten;
		w->tcp_max = per_worker ? per_worker : 1;
		w->out_budget = out_budget > 65536 ? out_budget : 65536;
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
	for (unsigned i = srv->ntcp; i < srv->nworkers; i++) {
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

/* Set up and start a UDP thread. */
static int udp_thread_start(struct server *srv, struct worker *w)
{
	answer_worker_init(&w->aw);
	w->aw.id = w->id;
	if (srv->rrl_table_size && rrl_table_init(&w->aw.rrl, srv->rrl_table_size) != GD_OK) {
		log_error("event=random_failed what=rrl_key worker=%u error=%s", w->id,
		          strerror(errno));
		return GD_EIO;
	}
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
	if (thread_start(&w->thread, udp_main, w) != 0) {
		log_error("event=thread_create_failed worker=%u", w->id);
		return GD_ENOMEM;
	}
	w->started = true;
	return GD_OK;
}

int server_start(struct server *srv)
{
	int rc = GD_OK;
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
		answer_worker_init(&w->aw);
		w->aw.id = i;
		if (srv->rrl_table_size &&
		    rrl_table_init(&w->aw.rrl, srv->rrl_table_size) != GD_OK) {
			log_error("event=random_failed what=rrl_key worker=%u error=%s", i,
			          strerror(errno));
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

static uint32_t carry_hash(const char *zone, const char *service, const char *region)
{
	uint32_t h = 2166136261u;
	const char *parts[3] = {zone, service, region};
	for (int i = 0; i < 3; i++) {
		for (const char *p = parts[i]; *p; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		h = (h ^ 0xFFu) * 16777619u; /* separator */
	}
	return h ^ (h >> 15);
}

static void carry_index_rebuild(struct server *srv, size_t size)
{
	free(srv->carry_index);
	srv->carry_index = xcalloc(size, sizeof(uint32_t));
	srv->carry_mask = size - 1;
	for (size_t i = 0; i < srv->ncarry; i++) {
		const struct carry *c = &srv->carry[i];
		size_t b = carry_hash(c->zone, c->service, c->region) & srv->carry_mask;
		while (srv->carry_index[b])
			b = (b + 1) & srv->carry_mask;
		srv->carry_index[b] = (uint32_t)(i + 1);
	}
}

/* The carried counts of (zone, service, region); made when create is set,
 * else NULL when there are none. Hashed: a reload or a scrape touches every
 * (service, region) of every zone, tens of thousands with many services. */
static struct carry *carry_get(struct server *srv, const char *zone, const char *service,
			       const char *region, bool create)
{
	uint32_t h = carry_hash(zone, service, region);
	if (srv->carry_index) {
		for (size_t b = h & srv->carry_mask; srv->carry_index[b];
		     b = (b + 1) & srv->carry_mask) {
			struct carry *c = &srv->carry[srv->carry_index[b] - 1];
			if (strcmp(c->zone, zone) == 0 && strcmp(c->service, service) == 0 &&
			    strcmp(c->region, region) == 0)
				return c;
		}
	}
	if (!create)
		return NULL;
	if (srv->ncarry == srv->capcarry) {
		srv->capcarry = srv->capcarry ? srv->capcarry * 2 : 64;
		srv->carry = xrealloc(srv->carry, srv->capcarry * sizeof(struct carry));
	}
	struct carry *c = &srv->carry[srv->ncarry++];
	c->zone = xstrdup(zone);
	c->service = xstrdup(service);
	c->region = xstrdup(region);
	c->answers = c->fail_open = 0;
	if (!srv->carry_index || srv->ncarry * 2 > srv->carry_mask + 1) {
		size_t size = srv->carry_index ? (srv->carry_mask + 1) * 2 : 128;
		carry_index_rebuild(srv, size); /* c included */
	} else {
		size_t b = h & srv->carry_mask;
		while (srv->carry_index[b])
			b = (b + 1) & srv->carry_mask;
		srv->carry_index[b] = (uint32_t)srv->ncarry;
	}
	return c;
}

/* Calls fn for every (zone, service, region) count of snap summed over
 * workers; region "" carries the service's fail-open count. */
static void snapshot_service_counts(const struct snapshot *snap,
				    void (*fn)(void *arg, const char *zone, const char *svc,
					       const char *region, uint64_t answers,
					       uint64_t fail_open),
				    void *arg)
{
	const struct answer_settings *set = &snap->settings;
	if (!set->svc_counts)
		return;
	for (size_t zi = 0; zi < snap->db->count; zi++) {
		const struct zone *z = snap->db->zones[zi];
		for (size_t k = 0; z->services && k < z->services->n; k++) {
			const struct service *svc = &z->services->svcs[k];
			uint64_t fo = 0;
			for (size_t w = 0; w < set->nworkers_max; w++)
				fo += CTR_GET(svc_counters(set, w, svc->index)[svc->nregions]);
			for (unsigned r = 0; r < svc->nregions; r++) {
				size_t reg = svc->regions[r].region;
				uint64_t n = 0;
				for (size_t w = 0; w < set->nworkers_max; w++)
					n += CTR_GET(svc_counters(set, w, svc->index)[r]);
				fn(arg, z->origin_str, svc->name_str, snap->regions.regions[reg].name,
				   n, 0);
			}
			fn(arg, z->origin_str, svc->name_str, "", 0, fo);
		}
	}
}

static void fold_cb(void *arg, const char *zone, const char *svc, const char *region,
		    uint64_t answers, uint64_t fail_open)
{
	if (!answers && !fail_open)
		return; /* nothing to carry */
	struct carry *c = carry_get(arg, zone, svc, region, true);
	c->answers += answers;
	c->fail_open += fail_open;
}

void server_publish(struct server *srv, struct snapshot *snap)
{
	struct snapshot *old = srv->snap;
	TSAN_RELEASE(snap);
	rcu_assign_pointer(srv->snap, snap);
	urcu_memb_synchronize_rcu();
	TSAN_ACQUIRE(&rcu_grace);
	/* no worker sees old any more: keep its counts */
	pthread_mutex_lock(&srv->carry_lock);
	snapshot_service_counts(old, fold_cb, srv);
	pthread_mutex_unlock(&srv->carry_lock);
	snapshot_free(old);
}

void server_publish_health(struct server *srv, struct health_snapshot *hs)
{
	struct health_snapshot *old = srv->health;
	TSAN_RELEASE(hs);
	rcu_assign_pointer(srv->health, hs);
	urcu_memb_synchronize_rcu();
	TSAN_ACQUIRE(&rcu_grace);
	health_snapshot_free(old);
}

void server_counters(const struct server *srv, struct answer_counters *sum)
{
	/* every field is a uint64_t counter: sum them as an array */
	memset(sum, 0, sizeof(*sum));
	uint64_t *out = (uint64_t *)sum;
	size_t n = sizeof(*sum) / sizeof(uint64_t);
	for (unsigned i = 0; i < srv->nworkers; i++) {
		uint64_t *in = (uint64_t *)&srv->workers[i].aw.counters;
		for (size_t k = 0; k < n; k++)
			out[k] += CTR_GET(in[k]);
	}
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
		if (w->udp_thread) {
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
	for (size_t i = 0; i < srv->nlisten; i++)
		free(srv->listen_text[i]);
	free(srv->listen_text);
	free(srv->workers);
	snapshot_free(srv->snap);
	health_snapshot_free(srv->health);
	for (size_t i = 0; i < srv->ncarry; i++) {
		free(srv->carry[i].zone);
		free(srv->carry[i].service);
		free(srv->carry[i].region);
	}
	free(srv->carry);
	free(srv->carry_index);
	pthread_mutex_destroy(&srv->carry_lock);
	free(srv->client_conns);
	free(srv);
}

/* ---- metrics ---- */

struct emit_ctx {
	struct strbuf *sb;
	struct server *srv;
	bool fail_open;
};

static void emit_cb(void *arg, const char *zone, const char *svc, const char *region,
		    uint64_t answers, uint64_t fail_open)
{
	struct emit_ctx *e = arg;
	/* the current counts plus what earlier snapshots carried */
	const struct carry *c = carry_get(e->srv, zone, svc, region, false);
	if (e->fail_open && !region[0]) {
		const char *l[] = {"zone", zone, "service", svc, NULL};
		metrics_sample_u64(e->sb, "geodnsd_service_fail_open_total", l,
				   (c ? c->fail_open : 0) + fail_open);
	} else if (!e->fail_open && region[0]) {
		const char *l[] = {"zone", zone, "service", svc, "region", region, NULL};
		metrics_sample_u64(e->sb, "geodnsd_service_answers_total", l,
				   (c ? c->answers : 0) + answers);
	}
}

void server_count_http_limit(struct server *srv, enum http_limit which)
{
	__atomic_add_fetch(&srv->http_limits[which], 1, __ATOMIC_RELAXED);
}

static bool endpoints_hold(const struct endpoint *eps, unsigned n, const uint8_t *addr, size_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (memcmp(eps[i].addr, addr, len) == 0)
			return true;
	return false;
}

bool server_has_endpoint(struct server *srv, const uint8_t key[17])
{
	bool found = false;
	read_begin();
	const struct zonedb *db = read_snapshot(srv)->db;
	for (size_t z = 0; !found && z < db->count; z++) {
		const struct service_set *set = db->zones[z]->services;
		for (size_t s = 0; !found && set && s < set->n; s++) {
			const struct service *svc = &set->svcs[s];
			for (unsigned r = 0; !found && r < svc->nregions; r++) {
				const struct service_region *sr = &svc->regions[r];
				found = key[0] == 1
				            ? endpoints_hold(sr->a, sr->na, key + 1, 4)
				            : endpoints_hold(sr->aaaa, sr->naaaa, key + 1, 16);
			}
		}
	}
	read_end();
	return found;
}

void server_metrics(struct server *srv, struct strbuf *sb)
{
	struct answer_counters c;
	server_counters(srv, &c);
	metrics_family(sb, "geodnsd_queries_total", "counter", "DNS queries received by protocol.");
	const char *udp[] = {"protocol", "udp", NULL}, *tcp[] = {"protocol", "tcp", NULL};
	metrics_sample_u64(sb, "geodnsd_queries_total", udp, c.queries_udp);
	metrics_sample_u64(sb, "geodnsd_queries_total", tcp, c.queries_tcp);
	metrics_family(sb, "geodnsd_queries_by_qtype_total", "counter",
		       "DNS queries with a question, by qtype.");
	for (unsigned t = 0; t < 256; t++) {
		if (!c.qtype[t])
			continue;
		char buf[16];
		const char *l[] = {"qtype", dns_type_name(t, buf, sizeof(buf)), NULL};
		metrics_sample_u64(sb, "geodnsd_queries_by_qtype_total", l, c.qtype[t]);
	}
	metrics_family(sb, "geodnsd_responses_total", "counter", "Responses sent, by rcode.");
	for (unsigned r = 0; r < DNS_RCODES_COUNTED; r++) {
		if (!c.rcode[r] && r != 0)
			continue;
		const char *l[] = {"rcode", dns_rcode_name(r), NULL};
		metrics_sample_u64(sb, "geodnsd_responses_total", l, c.rcode[r]);
	}
	metrics_single(sb, "geodnsd_truncated_total", "counter",
		       "Responses sent with TC=1 because they did not fit.",
		       c.truncated);
	metrics_single(sb, "geodnsd_dropped_total", "counter",
		       "Packets dropped without a response (QR=1, short, unsendable).",
		       c.dropped);
	metrics_family(sb, "geodnsd_ecs_queries_total", "counter",
		       "Queries with EDNS Client Subnet: used for a geo answer, ignored, "
		       "malformed.");
	const char *eu[] = {"result", "used", NULL}, *ei[] = {"result", "ignored", NULL},
		   *em[] = {"result", "malformed", NULL};
	metrics_sample_u64(sb, "geodnsd_ecs_queries_total", eu, c.ecs_used);
	metrics_sample_u64(sb, "geodnsd_ecs_queries_total", ei, c.ecs_ignored);
	metrics_sample_u64(sb, "geodnsd_ecs_queries_total", em, c.ecs_malformed);
	metrics_family(sb, "geodnsd_cookie_queries_total", "counter",
		       "Queries with a DNS COOKIE option by what it held.");
	const char *k1[] = {"cookie", "client_only", NULL}, *k2[] = {"cookie", "valid", NULL},
		   *k3[] = {"cookie", "bad", NULL}, *k4[] = {"cookie", "malformed", NULL};
	metrics_sample_u64(sb, "geodnsd_cookie_queries_total", k1, c.cookie_client_only);
	metrics_sample_u64(sb, "geodnsd_cookie_queries_total", k2, c.cookie_valid);
	metrics_sample_u64(sb, "geodnsd_cookie_queries_total", k3, c.cookie_bad);
	metrics_sample_u64(sb, "geodnsd_cookie_queries_total", k4, c.cookie_malformed);
	metrics_single(sb, "geodnsd_geo_answers_total", "counter",
		       "Answers for service names.",
		       c.geo_answers);
	metrics_single(sb, "geodnsd_rank_cache_misses_total", "counter",
		       "Region rankings computed (per service and GeoIP record, per thread).",
		       c.rank_cache_miss);
	metrics_single(sb, "geodnsd_geo_cache_misses_total", "counter",
		       "GeoIP tree walks (client networks not in the thread's cache).",
		       c.geo_cache_miss);
	metrics_single(sb, "geodnsd_location_cache_misses_total", "counter",
		       "GeoIP records decoded and every region placed by distance from them.",
		       c.loc_cache_miss);
	metrics_single(sb, "geodnsd_answer_cache_hits_total", "counter",
		       "Responses replayed from the thread's answer cache (static, or geo "
		       "for the same client network and health).",
		       c.answer_cache_hit);
	uint64_t rl = 0, rs = 0, rd = 0;
	for (unsigned i = 0; i < srv->nworkers; i++) {
		rl += CTR_GET(srv->workers[i].aw.rrl.limited);
		rs += CTR_GET(srv->workers[i].aw.rrl.slipped);
		rd += CTR_GET(srv->workers[i].aw.rrl.dropped);
	}
	metrics_family(sb, "geodnsd_rrl_responses_total", "counter",
		       "Responses over the rate limit: limited in all, of which slipped "
		       "(sent truncated) and dropped.");
	const char *ll[] = {"action", "limited", NULL}, *ls[] = {"action", "slipped", NULL},
		   *ld[] = {"action", "dropped", NULL};
	metrics_sample_u64(sb, "geodnsd_rrl_responses_total", ll, rl);
	metrics_sample_u64(sb, "geodnsd_rrl_responses_total", ls, rs);
	metrics_sample_u64(sb, "geodnsd_rrl_responses_total", ld, rd);
	metrics_single(sb, "geodnsd_tcp_connections_open", "gauge",
		       "TCP connections open.",
		       c.tcp_accepted - c.tcp_closed);
	metrics_single(sb, "geodnsd_tcp_connections_total", "counter",
		       "TCP connections accepted.",
		       c.tcp_accepted);
	metrics_single(sb, "geodnsd_tcp_connections_refused_total", "counter",
		       "TCP connections closed to make room under tcp_max_connections.",
		       c.tcp_evicted);
	metrics_family(sb, "geodnsd_limit_hits_total", "counter",
		       "Limits hit: tcp_per_client (connection refused), tcp_idle and "
		       "tcp_lifetime (connection closed), tcp_max_connections (oldest idle "
		       "closed), tcp_output_total (a connection stopped reading: its worker's "
		       "share of tcp_output_buffer_total is queued), tcp_output_connection (a "
		       "connection stopped reading: 256 KiB of its own answers unsent), "
		       "rrl (response limited), http_connections (accepting paused "
		       "at http.max_connections), http_request_size (413: body over 4 KiB), "
		       "http_bad_request (400 from the HTTP layer: headers over 8 KiB or a "
		       "malformed request), http_request_deadline (connection closed: a request "
		       "not complete within 5 s), http_connections_per_address (connection "
		       "closed at http.max_connections_per_address), http_admin_auth (429: "
		       "too many failed admin authentications).");
	const char *h1[] = {"limit", "tcp_per_client", NULL}, *h2[] = {"limit", "tcp_idle", NULL},
		   *h3[] = {"limit", "tcp_lifetime", NULL},
		   *h4[] = {"limit", "tcp_max_connections", NULL}, *h5[] = {"limit", "rrl", NULL};
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h1, c.tcp_client_refused);
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h2, c.tcp_idle_closed);
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h3, c.tcp_lifetime_closed);
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h4, c.tcp_evicted);
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h5, rl);
	uint64_t ot = 0, oc = 0;
	for (unsigned i = 0; i < srv->nworkers; i++) {
		ot += CTR_GET(srv->workers[i].out_hits_total);
		oc += CTR_GET(srv->workers[i].out_hits_connection);
	}
	const char *h9[] = {"limit", "tcp_output_total", NULL},
	           *h10[] = {"limit", "tcp_output_connection", NULL};
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h9, ot);
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h10, oc);
	static const char *const http_limit_names[HTTP_LIMIT_COUNT] = {
	    [HTTP_LIMIT_CONNECTIONS] = "http_connections",
	    [HTTP_LIMIT_REQUEST_SIZE] = "http_request_size",
	    [HTTP_LIMIT_BAD_REQUEST] = "http_bad_request",
	    [HTTP_LIMIT_REQUEST_DEADLINE] = "http_request_deadline",
	    [HTTP_LIMIT_PER_ADDRESS] = "http_connections_per_address",
	    [HTTP_LIMIT_ADMIN_AUTH] = "http_admin_auth"};
	for (int i = 0; i < HTTP_LIMIT_COUNT; i++) {
		const char *l[] = {"limit", http_limit_names[i], NULL};
		metrics_sample_u64(sb, "geodnsd_limit_hits_total", l,
		                   __atomic_load_n(&srv->http_limits[i], __ATOMIC_RELAXED));
	}

	read_begin();
	const struct snapshot *snap = read_snapshot(srv);
	metrics_family(sb, "geodnsd_zone_serial", "gauge", "SOA serial of each loaded zone.");
	for (size_t i = 0; i < snap->db->count; i++) {
		const char *l[] = {"zone", snap->db->zones[i]->origin_str, NULL};
		metrics_sample_u64(sb, "geodnsd_zone_serial", l, snap->db->zones[i]->serial);
	}
	pthread_mutex_lock(&srv->carry_lock);
	struct emit_ctx e = {sb, srv, false};
	metrics_family(sb, "geodnsd_service_answers_total", "counter",
		       "Answers per service and chosen region.");
	snapshot_service_counts(snap, emit_cb, &e);
	e.fail_open = true;
	metrics_family(sb, "geodnsd_service_fail_open_total", "counter",
		       "Answers that failed open (every region down or drained).");
	snapshot_service_counts(snap, emit_cb, &e);
	pthread_mutex_unlock(&srv->carry_lock);
	read_end();
}

void server_status_zones(struct server *srv, struct strbuf *sb)
{
	read_begin();
	const struct snapshot *snap = read_snapshot(srv);
	sb_puts(sb, "[");
	for (size_t i = 0; i < snap->db->count; i++) {
		const struct zone *z = snap->db->zones[i];
		sb_printf(sb, "%s\n    { \"zone\": \"", i ? "," : "");
		sb_json_string(sb, z->origin_str);
		sb_printf(sb, "\", \"serial\": %u, \"records\": %zu, \"services\": %zu, "
			  "\"file\": \"", z->serial, z->nrecords, z->services ? z->services->n : 0);
		sb_json_string(sb, z->file);
		sb_puts(sb, "\" }");
	}
	sb_puts(sb, "\n  ]");
	read_end();
}
