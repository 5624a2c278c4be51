/*
 * server_internal.h - private to src/server/: the server, its workers and
 * their TCP connections, and the RCU read sections every worker thread
 * opens around a query. udp.c and tcp.c serve, querylog.c samples the
 * query log, server.c creates, starts, publishes and stops.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_SERVER_INTERNAL_H
#define GD_SERVER_INTERNAL_H

#include "server/net.h"

#include "common/tsan.h"
#include "ops/dnstap.h"
#include "query/answer.h"
#include "query/cookie.h"

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <urcu/urcu-memb.h>

struct carry_table;
struct config;
struct listen_addr;
struct xdp_queue;
struct xdp_set;

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
	struct sockaddr_storage local; /* bound address (dnstap's response address) */
};

struct tcp_conn {
	struct bufferevent *bev;
	struct event *lifetime;     /* closes the connection at tcp_max_lifetime */
	uint32_t client_slot;       /* in the server's per-client count table */
	struct sockaddr_storage peer;
	struct sockaddr_storage local; /* for dnstap, when it is on */
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
	struct xdp_queue *xq;       /* an AF_XDP socket and its loop (xdp.c), or NULL */
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
	unsigned batch;                /* server.udp_batch, at most UDP_BATCH */
	/* server.coalesce_us: under load, a receive of fewer than
	 * coalesce_below queries waits coalesce_ns for more (0: never) */
	long coalesce_ns;
	unsigned coalesce_below;
	uint8_t *tcp_in;
	uint8_t *tcp_out;
	uint64_t stop_deadline;
	struct event *drain_timer;
	int stop_fd;                /* eventfd: the main thread asks for a stop */
	struct event *stop_ev;
	/* sampled query log: 1 in qlog_sample queries is a candidate; the
	 * server's budget of qlog_rate lines a second decides */
	unsigned qlog_rate, qlog_sample, qlog_count;
	struct dnstap_queue tap;      /* dnstap copies (dt NULL: off) */
};

/* A connection a TCP worker hands to the transfer thread (xfrout.c). */
struct xfr_handoff {
	struct xfr_handoff *next;
	int fd;                       /* the socket, now the transfer thread's */
	struct sockaddr_storage peer;
	uint8_t *out;                 /* answers not sent yet: written first */
	size_t out_len;
	uint8_t *in;                  /* unread input, the transfer request first */
	size_t in_len;
};

struct server {
	struct xfr_out *xfr;        /* the transfer thread, or NULL */
	unsigned transfers_out, transfers_out_per_client;
	unsigned tcp_max_per_client; /* 0: no per-client cap */
	unsigned tcp_max_lifetime;   /* seconds, 0: none */
	uint32_t *client_conns;      /* SERVER_CLIENT_SLOTS counters, atomic */
	uint8_t client_key[COOKIE_SECRET_LEN]; /* random: keys server_client_slot */
	struct carry_table *carry;  /* counts of the snapshots replaced */
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
	uint64_t qlog_window;       /* query log: second << 24 | lines in it */
	struct dnstap *dnstap;      /* dnstap's I/O thread, or NULL */
	unsigned udp_end;           /* workers [ntcp, udp_end): UDP threads; after: XDP */
	struct xdp_set *xdp;        /* server.xdp's programs and sockets, or NULL */
};

/* ---- RCU read sections (with ThreadSanitizer annotations, see tsan.h) ---- */

extern int server_rcu_grace; /* grace-period address for TSan (server.c) */

static inline void read_begin(void)
{
	urcu_memb_read_lock();
}

static inline void read_end(void)
{
	TSAN_RELEASE(&server_rcu_grace);
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

/* ---- querylog.c ---- */

/* Before a query: should it be logged? Sample 1 in N, at most rate a second. */
void qlog_before(struct worker *w);
/* After it: the log line, when qlog_before asked for one. */
void qlog_after(struct worker *w, const struct snapshot *snap, bool tcp);

/* ---- udp.c ---- */

/* A UDP thread: receive, answer and send in batches until stopping. */
void *udp_main(void *arg);
/* server.coalesce_us: make the thread's timer slack small, so that a wait
 * lasts what is configured (no-op when coalescing is off). */
void coalesce_setup(const struct worker *w);
/* Under load, with few queries in hand: wait server.coalesce_us for more. */
void coalesce_wait(struct worker *w);

/* ---- xdp.c ---- */

/* Attach the XDP program to each interface of server.xdp and open an
 * AF_XDP socket per receive queue, one for each of workers[0..] in turn
 * (w->xq); NULL with the cause logged, nothing left attached. */
struct xdp_set *xdp_open(const struct config *cfg, struct worker *workers);
/* An XDP worker's loop (w->xq) until stopping. */
void *xdp_main(void *arg);
/* Close the sockets and detach the programs (after the workers stop). */
void xdp_close(struct xdp_set *x);

/* ---- tcp.c ---- */

void tcp_accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
		   void *arg);
/* Resume the connections waiting for the worker's output budget. */
void tcp_resume_cb(evutil_socket_t fd, short what, void *arg);
/* Close and free a connection (its slot, its LRU and wait list places). */
void tcp_close(struct tcp_conn *c);

/* ---- xfrout.c ---- */

/* The transfer thread: started by server_start (answer_id: its row in the
 * answer counters), given connections by the TCP workers (xfrout_adopt,
 * from any thread; takes h), stopped after the workers. */
struct xfr_out *xfrout_start(struct server *srv, unsigned max_total, unsigned max_per_client,
                             unsigned answer_id);
void xfrout_adopt(struct xfr_out *x, struct xfr_handoff *h);
void xfr_handoff_free(struct xfr_handoff *h);
void xfrout_stop(struct xfr_out *x);
/* Have the transfer thread notify z's targets of its serial, signing with
 * the keys of ring (copied, as are the targets and the SOA). */
struct notify_target;
struct tsig_keyring;
struct zone;
/* IXFR over UDP from the journals of the snapshot ctx (answer_ixfr_udp_fn;
 * on the workers, inside their read section). */
size_t xfr_ixfr_udp(const void *ctx, const struct answer_request *req, struct query *q,
                    const struct tsig_verdict *v, uint8_t *out, size_t cap);
struct notify_counters;
void xfrout_notify_counts(const struct xfr_out *x, struct notify_counters *out);
struct notify_status;
bool xfrout_notify_status(const struct xfr_out *x, const uint8_t *origin, size_t len,
                          struct notify_status *st);
void xfrout_notify(struct xfr_out *x, const struct zone *z, const struct notify_target *targets,
                   size_t n, const struct tsig_keyring *ring);
const struct answer_worker *xfrout_answer_worker(const struct xfr_out *x);

#endif
