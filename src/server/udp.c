/*
 * udp.c - a UDP thread: one per worker and listen address, blocking in
 * recvmmsg() (MSG_WAITFORONE: one datagram, then whatever else is queued)
 * and answering the batch with sendmmsg(): no readiness call or event
 * dispatch per batch, which was most of what geodnsd added to the kernel's
 * UDP path under load. No allocation per query: the buffers and mmsghdr
 * arrays are the worker's. For wildcard addresses the destination address
 * is taken from IP_PKTINFO / IPV6_PKTINFO and used as the reply's source.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server_internal.h"

#include "common/gd.h"
#include "common/log.h"
#include "server/snapshot.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

/* The datagram's IP_PKTINFO or IPV6_PKTINFO (a wildcard listener), or NULL. */
static struct cmsghdr *pktinfo_of(const struct msghdr *in)
{
	struct msghdr *h = (struct msghdr *)in;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c))
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) ||
		    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO))
			return c;
	return NULL;
}

/* Turn the received destination (pktinfo) into the reply's source. */
static size_t reply_control(const struct msghdr *in, uint8_t *out, size_t cap)
{
	struct msghdr m = {.msg_control = out, .msg_controllen = cap};
	const struct cmsghdr *c = pktinfo_of(in);
	if (!c)
		return 0;
	struct cmsghdr *o = CMSG_FIRSTHDR(&m);
	o->cmsg_level = c->cmsg_level;
	o->cmsg_type = c->cmsg_type;
	if (c->cmsg_level == IPPROTO_IP) {
		struct in_pktinfo pi;
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		pi.ipi_spec_dst = pi.ipi_addr;
		pi.ipi_ifindex = 0;
		o->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(o), &pi, sizeof(pi));
		return CMSG_SPACE(sizeof(pi));
	}
	struct in6_pktinfo pi;
	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	o->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(o), &pi, sizeof(pi));
	return CMSG_SPACE(sizeof(pi));
}

/* The address a datagram arrived at: its pktinfo destination (a wildcard
 * listener) with the socket's port, else the socket's own address. */
static void udp_local(const struct udp_sock *us, const struct msghdr *h,
		      struct sockaddr_storage *out)
{
	*out = us->local;
	const struct cmsghdr *c = us->pktinfo ? pktinfo_of(h) : NULL;
	if (c && c->cmsg_level == IPPROTO_IP && out->ss_family == AF_INET) {
		struct in_pktinfo pi;
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		((struct sockaddr_in *)out)->sin_addr = pi.ipi_addr;
	} else if (c && c->cmsg_level == IPPROTO_IPV6 && out->ss_family == AF_INET6) {
		struct in6_pktinfo pi;
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		((struct sockaddr_in6 *)out)->sin6_addr = pi.ipi6_addr;
	}
}

/* A copy of the query and its answer (len 0: none) for dnstap. */
static void udp_tap(struct worker *w, const struct udp_sock *us, int i, const uint8_t *answer,
		    size_t len, const struct timespec *received)
{
	struct sockaddr_storage local;
	udp_local(us, &w->rx_msgs[i].msg_hdr, &local);
	struct dnstap_event ev = {.client = (const struct sockaddr *)&w->peer[i],
				  .server = (const struct sockaddr *)&local,
				  .query = w->rx[i],
				  .query_len = w->rx_msgs[i].msg_len,
				  .response = answer,
				  .response_len = len,
				  .query_time = *received};
	clock_gettime(CLOCK_REALTIME, &ev.response_time);
	dnstap_write(&w->tap, &ev);
}

void coalesce_setup(const struct worker *w)
{
	if (w->coalesce_ns)
		prctl(PR_SET_TIMERSLACK, 1000UL);
}

/*
 * Coalescing (server.coalesce_us): when a thread under load finds fewer
 * than half a batch of queries, it sleeps that long and takes the ones
 * that came meanwhile, so that they are answered with one system call and
 * the client is woken once for them. On this project's machine that cut
 * the CPU per query by 26-35% on the socket path and 43-46% on the XDP
 * path, whose costs are per system call and per wake-up more than per
 * query (doc/benchmarks.md). A query that finds the thread idle is
 * answered at once: only a thread that found queries already waiting as
 * it finished a batch waits.
 */
void coalesce_wait(struct worker *w)
{
	struct timespec ts = {0, w->coalesce_ns};
	nanosleep(&ts, NULL);
	CTR_INC(w->aw.counters.coalesce_waits);
}

/*
 * Receive one batch on a UDP thread's socket and answer it. flags:
 * MSG_WAITFORONE on the blocking socket (wait for one datagram, take what
 * else is queued), or MSG_DONTWAIT right after a batch; busy (under load,
 * the queries found without waiting): fewer than half a batch waits for
 * more (coalesce_wait). Returns the datagrams received, or -1 (errno set).
 */
static int udp_batch(struct worker *w, int flags, bool busy)
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
	int n = recvmmsg(us->fd, w->rx_msgs, w->batch, flags, NULL);
	if (n <= 0)
		return n;
	if (busy && (unsigned)n < w->coalesce_below) {
		coalesce_wait(w);
		int more = recvmmsg(us->fd, w->rx_msgs + n, w->batch - (unsigned)n, MSG_DONTWAIT,
				    NULL);
		if (more > 0)
			n += more;
	}
	w->rx_used = n;
	int out = 0;
	/* dnstap's query time: one clock read per batch, when it is on */
	struct timespec received = {0, 0};
	if (w->tap.dt)
		clock_gettime(CLOCK_REALTIME, &received);
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
		if (dnstap_take(&w->tap))
			udp_tap(w, us, i, w->tx[out], len, &received);
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
 * no readiness call per batch (the receive timeout lets it see a stop).
 * With coalescing, the receive after a batch does not block: queries
 * already there mean load; none, and the next receive blocks. */
void *udp_main(void *arg)
{
	struct worker *w = arg;
	urcu_memb_register_thread();
	coalesce_setup(w);
	bool busy = false;
	while (!__atomic_load_n(&w->stopping, __ATOMIC_ACQUIRE)) {
		int n = udp_batch(w, busy ? MSG_DONTWAIT : MSG_WAITFORONE, busy);
		busy = n > 0 && w->coalesce_ns;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			log_warn("event=udp_receive_failed worker=%u error=\"%s\"", w->id,
				 strerror(errno));
			usleep(10000);
		}
	}
	urcu_memb_unregister_thread();
	return NULL;
}
