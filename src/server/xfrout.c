/*
 * xfrout.c - the transfer thread: zone transfers out (RFC 5936), off the
 * DNS workers.
 *
 * A TCP worker that reads an AXFR or IXFR request hands the whole
 * connection over (tcp.c: the socket, the answers it has not sent yet, the
 * input it has not read, the request first) and forgets it. This thread
 * runs its own event loop: it checks the request (TSIG, the zone's
 * transfer.allow, the caps on transfers at once), takes a reference on the
 * zone inside a short RCU read section and then streams the zone from that
 * reference, a message at a time as the client reads, so a transfer of a
 * million records never holds a read section nor stalls a worker. Every
 * message is TSIG-signed when the request was (RFC 8945 5.3.1).
 *
 * What it does not transfer - a request refused by the access list, a bad
 * or unknown key, a zone we do not serve, any other query on a connection
 * it holds - it answers with the workers' answer code (answer_query, with
 * its own answer_worker), so REFUSED, NOTAUTH with the TSIG error, BADVERS
 * and FORMERR are the same octets as on any worker.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server_internal.h"

#include "common/gd.h"
#include "common/log.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "server/snapshot.h"
#include "xfr/acl.h"
#include "xfr/axfr.h"
#include "xfr/ixfr.h"
#include "xfr/journal.h"
#include "xfr/notify.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Output kept queued per connection while streaming: enough to keep the
 * socket busy, little enough that 10 transfers cost next to nothing. */
#define XFR_OUT_QUEUE (128 * 1024)
#define XFR_NICE 10 /* when SCHED_IDLE is refused */
#define XFR_SEND_MAX (16 * 1024 + 2)

struct xconn {
	struct xfr_out *x;
	struct bufferevent *bev;
	struct evbuffer *backlog; /* read, not yet handled */
	struct sockaddr_storage peer;
	char client[INET6_ADDRSTRLEN];
	struct xconn *prev, *next;
	/* the transfer in progress (zone != NULL) */
	struct zone *zone;
	struct axfr_state *axfr; /* the stream: an AXFR (or IXFR in AXFR form) */
	struct ixfr_state *ixfr; /* or an IXFR */
	int type;                /* XFR_AXFR or XFR_IXFR */
	bool signing, first;
	uint16_t opt_payload; /* the request had EDNS: an OPT in every message */
	struct tsig tsig_rr;
	struct tsig_verdict verdict;
	struct tsig_key key; /* a copy: the snapshot's keyring may go first */
	uint64_t started_ms, bytes;
};

/* A NOTIFY to send (replication.c, through xfrout_notify). */
struct xfr_job {
	struct xfr_job *next;
	uint8_t origin[WIRE_NAME_MAX];
	size_t origin_len;
	uint8_t *soa; /* the SOA rdata */
	uint16_t soa_len;
	uint32_t soa_ttl;
	struct notify_target *targets; /* keys owned */
	size_t n;
	struct tsig_keyring ring;
};

struct xfr_out {
	struct server *srv;
	pthread_t thread;
	bool started;
	struct event_base *base;
	struct event *wake_ev;
	pthread_mutex_t lock;
	struct xfr_handoff *queue; /* under lock */
	struct xfr_job *jobs;      /* under lock */
	struct notifier *nf;
	struct tsig_keyring ring;  /* the notifier's keys: the last job's */
	bool stopping;             /* under lock */
	struct xconn *conns;
	unsigned active; /* transfers streaming */
	unsigned max_total, max_per_client, idle;
	struct answer_worker aw;
	uint8_t *in;  /* the message being handled */
	uint8_t *out; /* one message with its length prefix */
	uint64_t results[XFR_TYPES][XFR_RESULTS]; /* CTR_* */
};

static const char *const type_names[XFR_TYPES] = {"AXFR", "IXFR"};
static const char *const result_names[XFR_RESULTS] = {"ok", "refused", "notauth", "limit",
                                                      "aborted"};

const char *xfr_type_name(int t)
{
	return t >= 0 && t < XFR_TYPES ? type_names[t] : "?";
}

const char *xfr_result_name(int r)
{
	return r >= 0 && r < XFR_RESULTS ? result_names[r] : "?";
}

static void conn_close(struct xconn *c);
static bool read_messages(struct xconn *c);

/* ---- the transfer in progress ---- */

static void transfer_end(struct xconn *c, int result)
{
	struct xfr_out *x = c->x;
	uint64_t records = 0, messages = 0;
	uint32_t from = 0, to = 0;
	if (c->ixfr)
		ixfr_progress(c->ixfr, &records, &messages, &from, &to);
	else
		axfr_progress(c->axfr, &records, &messages);
	char key[256] = "-";
	if (c->signing)
		wire_name_to_str(c->key.name, key, sizeof(key));
	char range[16] = "-";
	if (c->ixfr)
		snprintf(range, sizeof(range), "%u", from);
	log_info("event=xfr_out zone=%s client=%s key=%s type=%s from=%s serial=%u form=%s records=%llu "
	         "messages=%llu bytes=%llu ms=%llu result=%s",
	         c->zone->origin_str, c->client, key, type_names[c->type], range, c->zone->serial,
	         c->ixfr ? "ixfr" : "axfr",
	         (unsigned long long)records, (unsigned long long)messages,
	         (unsigned long long)c->bytes, (unsigned long long)(now_ms() - c->started_ms),
	         result_names[result]);
	CTR_INC(x->results[c->type][result]);
	axfr_end(c->axfr);
	c->axfr = NULL;
	ixfr_end(c->ixfr);
	c->ixfr = NULL;
	zone_free(c->zone);
	c->zone = NULL;
	if (c->key.secret) {
		OPENSSL_cleanse(c->key.secret, c->key.secret_len);
		free(c->key.secret);
		c->key.secret = NULL;
	}
	x->active--;
}

#define OPT_RR_LEN 11

/* Append an OPT record (root owner, payload size, no flags, no options;
 * RFC 6891 7: a response to a request with EDNS carries one) to msg of
 * len octets, counting it in ARCOUNT; the new length. */
static size_t put_opt(uint8_t *msg, size_t len, uint16_t payload)
{
	uint8_t *o = msg + len;
	o[0] = 0;
	wr16(o + 1, TYPE_OPT);
	wr16(o + 3, payload);
	wr32(o + 5, 0);
	wr16(o + 9, 0);
	wr16(msg + 10, (uint16_t)(rd16(msg + 10) + 1));
	return len + OPT_RR_LEN;
}

static int next_message(struct xconn *c, uint8_t *buf, size_t cap, size_t *len)
{
	return c->ixfr ? ixfr_next_message(c->ixfr, buf, cap, len)
	               : axfr_next_message(c->axfr, buf, cap, len);
}

/* Write the next messages until XFR_OUT_QUEUE is queued or the stream
 * ended; at its end the connection reads again. False when c was closed
 * (and freed). */
static bool pump(struct xconn *c)
{
	struct xfr_out *x = c->x;
	struct evbuffer *out = bufferevent_get_output(c->bev);
	while (c->zone && evbuffer_get_length(out) < XFR_OUT_QUEUE) {
		size_t room = (c->signing ? tsig_response_space(&c->tsig_rr, &c->verdict) : 0) +
		              (c->opt_payload ? OPT_RR_LEN : 0);
		size_t len = 0;
		int rc = next_message(c, x->out + 2, AXFR_MESSAGE_SIZE - room, &len);
		if (rc == GD_ESPACE) /* one record larger than our messages */
			rc = next_message(c, x->out + 2, 65535 - room, &len);
		if (rc == 0) {
			transfer_end(c, XFR_OK);
			bufferevent_enable(c->bev, EV_READ);
			return read_messages(c); /* what was pipelined after it */
		}
		if (rc < 0) {
			log_error("event=xfr_out_failed zone=%s client=%s error=\"%s\"",
			          c->zone->origin_str, c->client,
			          rc == GD_ESPACE ? "a record does not fit a message"
			                          : "malformed zone data");
			transfer_end(c, XFR_ABORTED);
			conn_close(c);
			return false;
		}
		if (c->opt_payload)
			len = put_opt(x->out + 2, len, c->opt_payload);
		if (c->signing) {
			size_t n = tsig_append_stream(x->out + 2, len, 65535, &c->tsig_rr,
			                              &c->verdict, c->first);
			if (n == 0) {
				transfer_end(c, XFR_ABORTED);
				conn_close(c);
				return false;
			}
			len = n;
			wr16(x->out + 2 + 10, (uint16_t)(rd16(x->out + 2 + 10) + 1));
		}
		c->first = false;
		wr16(x->out, (uint16_t)len);
		evbuffer_add(out, x->out, len + 2);
		c->bytes += len + 2;
	}
	return true;
}

static unsigned client_transfers(const struct xfr_out *x, const struct xconn *c)
{
	unsigned n = 0;
	uint8_t fam, addr[16], f2, a2[16];
	netaddr_from_sockaddr((const struct sockaddr *)&c->peer, &fam, addr);
	for (const struct xconn *o = x->conns; o; o = o->next) {
		if (!o->zone)
			continue;
		netaddr_from_sockaddr((const struct sockaddr *)&o->peer, &f2, a2);
		n += f2 == fam && memcmp(a2, addr, 16) == 0;
	}
	return n;
}

/* A response of the header, the question and rcode only, signed when the
 * request was: for the caps. Its length. */
static size_t refuse_with(struct xconn *c, const struct snapshot *snap, const uint8_t *msg,
                          const struct query *q, const struct tsig_verdict *v, uint8_t rcode)
{
	uint8_t *out = c->x->out + 2;
	size_t qend = DNS_HEADER_LEN + q->qname_len + 4u;
	memcpy(out, msg, qend);
	wr16(out + 2, (uint16_t)(DNS_FLAG_QR | (q->flags & (DNS_FLAG_OPCODE | DNS_FLAG_RD)) | rcode));
	wr16(out + 4, 1);
	wr16(out + 6, 0);
	wr16(out + 8, 0);
	wr16(out + 10, 0);
	if (q->edns)
		qend = put_opt(out, qend, snap->settings.udp_payload);
	if (!q->tsig)
		return qend;
	size_t n = tsig_append_response(out, qend, 65535, &q->tsig_rr, v);
	if (n)
		wr16(out + 10, (uint16_t)(rd16(out + 10) + 1));
	return n ? n : qend;
}

enum start { START_DECLINED, START_ANSWERED, START_STREAMING };

/* The zone q transfers, exactly at its apex, and its index in db. */
static const struct zone *find_apex(const struct zonedb *db, struct query *q, size_t *index)
{
	if (!db)
		return NULL;
	wire_suffix_hashes(q->lname, q->label_off, q->nlabels, q->lhash);
	unsigned zidx;
	const struct zone *z =
	    zonedb_find_h(db, q->lname, q->qname_len, q->label_off, q->nlabels, q->lhash, &zidx);
	if (!z || z->origin_len != q->qname_len)
		return NULL;
	*index = zonedb_index(db, z, 0);
	return *index != SIZE_MAX ? z : NULL;
}

/* Inside the read section: start streaming the zone q asks for, or leave
 * the answer to answer_query (START_DECLINED), or answer a cap hit here. */
static enum start transfer_start(struct xconn *c, const struct snapshot *snap, struct query *q,
                                 const uint8_t *msg, size_t len, size_t *answer_len)
{
	struct xfr_out *x = c->x;
	int type = q->qtype == TYPE_IXFR ? XFR_IXFR : XFR_AXFR;
	struct tsig_verdict v = {0};
	if (q->edns && q->edns_version > 0)
		return START_DECLINED; /* BADVERS */
	if (q->tsig) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		if (tsig_verify_request(msg, len, &q->tsig_rr, &snap->tsig_keys,
		                        (uint64_t)ts.tv_sec, &v) < 0 ||
		    v.error) {
			CTR_INC(x->results[type][XFR_NOTAUTH]);
			log_info("event=xfr_out client=%s type=%s result=notauth tsig_error=%u",
			         c->client, type_names[type], v.error);
			return START_DECLINED; /* FORMERR, or NOTAUTH with the TSIG error */
		}
	}
	size_t index = 0;
	const struct zone *z = find_apex(snap->db, q, &index);
	if (!z || !xfr_acl_allows(&snap->xfr_allow[index], (const struct sockaddr *)&c->peer,
	                          q->tsig ? v.key : NULL)) {
		CTR_INC(x->results[type][XFR_REFUSED]);
		char name[1024];
		log_info("event=xfr_out zone=%s client=%s type=%s result=refused",
		         wire_name_to_str(q->lname, name, sizeof(name)), c->client,
		         type_names[type]);
		return START_DECLINED; /* REFUSED */
	}
	if (z->unavailable) { /* a secondary with no copy, or expired */
		CTR_INC(x->results[type][XFR_REFUSED]);
		log_info("event=xfr_out zone=%s client=%s type=%s result=unavailable",
		         z->origin_str, c->client, type_names[type]);
		*answer_len = refuse_with(c, snap, msg, q, &v, RCODE_SERVFAIL);
		return START_ANSWERED;
	}
	if (x->active >= x->max_total || client_transfers(x, c) >= x->max_per_client) {
		CTR_INC(x->results[type][XFR_LIMIT]);
		log_warn("event=xfr_out zone=%s client=%s type=%s result=limit active=%u",
		         z->origin_str, c->client, type_names[type], x->active);
		*answer_len = refuse_with(c, snap, msg, q, &v, RCODE_SERVFAIL);
		return START_ANSWERED;
	}
	if (type == XFR_IXFR) {
		uint32_t serial;
		if (ixfr_request_serial(msg, len, q, &serial) != GD_OK) {
			*answer_len = refuse_with(c, snap, msg, q, &v, RCODE_FORMERR);
			return START_ANSWERED;
		}
		/* from the journal, or the whole zone (IXFR_FALLBACK) */
		if (ixfr_begin(snapshot_journal(snap, index), z, q, serial, &c->ixfr) != GD_OK)
			c->ixfr = NULL;
	}
	if (!c->ixfr)
		c->axfr = axfr_begin(z, q);
	if (!c->ixfr && !c->axfr) {
		*answer_len = refuse_with(c, snap, msg, q, &v, RCODE_SERVFAIL);
		return START_ANSWERED;
	}
	c->zone = zone_ref(z);
	c->type = type;
	c->signing = q->tsig;
	c->opt_payload = q->edns ? snap->settings.udp_payload : 0;
	c->first = true;
	c->bytes = 0;
	c->started_ms = now_ms();
	if (q->tsig) {
		c->tsig_rr = q->tsig_rr;
		c->key = *v.key;
		c->key.secret = xmalloc(v.key->secret_len ? v.key->secret_len : 1);
		memcpy(c->key.secret, v.key->secret, v.key->secret_len);
		c->verdict = v;
		c->verdict.key = &c->key;
	}
	x->active++;
	return START_STREAMING;
}

/* One message read from the client: a transfer, or an answer. False when
 * c was closed. */
static bool handle_message(struct xconn *c, const uint8_t *msg, size_t len)
{
	struct xfr_out *x = c->x;
	struct query q;
	int rc = wire_parse_query_opts(msg, len, &q, WIRE_IGNORE_ECS | WIRE_IGNORE_COOKIE);
	size_t out_len = 0;
	enum start st = START_DECLINED;
	read_begin();
	const struct snapshot *snap = read_snapshot(x->srv);
	if (rc == GD_OK && q.opcode == OPCODE_QUERY && q.qclass == CLASS_IN &&
	    (q.qtype == TYPE_AXFR || q.qtype == TYPE_IXFR))
		st = transfer_start(c, snap, &q, msg, len, &out_len);
	if (st == START_DECLINED) {
		struct answer_request req = {msg, len, true, (const struct sockaddr *)&c->peer,
		                             read_health(x->srv)};
		out_len = answer_query(snap->db, &snap->settings, &req, x->out + 2, ANSWER_BUF_SIZE,
		                       &x->aw);
	}
	read_end();
	if (st != START_DECLINED) { /* answer_query counts the others */
		CTR_INC(x->aw.counters.queries);
		CTR_INC(x->aw.counters.queries_tcp);
	}
	if (st == START_STREAMING) {
		bufferevent_disable(c->bev, EV_READ);
		return pump(c);
	}
	if (out_len) {
		wr16(x->out, (uint16_t)out_len);
		evbuffer_add(bufferevent_get_output(c->bev), x->out, out_len + 2);
	}
	return true;
}

/* ---- IXFR over UDP, on the DNS workers ---- */

size_t xfr_ixfr_udp(const void *ctx, const struct answer_request *req, struct query *q,
                    const struct tsig_verdict *v, uint8_t *out, size_t cap)
{
	const struct snapshot *snap = ctx;
	size_t index = 0;
	uint32_t serial;
	const struct zone *z = find_apex(snap->db, q, &index);
	if (!z || z->unavailable ||
	    !xfr_acl_allows(&snap->xfr_allow[index], req->client, v ? v->key : NULL) ||
	    ixfr_request_serial(req->pkt, req->len, q, &serial) != GD_OK)
		return 0;
	struct ixfr_state *st = NULL;
	/* a serial the journal does not lead from: the SOA alone and TC, the
	 * client comes back over TCP for the whole zone */
	bool fallback = ixfr_begin(snapshot_journal(snap, index), z, q, serial, &st) != GD_OK;
	if (fallback)
		st = ixfr_begin_soa(z, q);
	if (!st)
		return 0;
	size_t opt = q->edns ? OPT_RR_LEN : 0, sig = v ? tsig_response_space(&q->tsig_rr, v) : 0;
	size_t len = 0;
	bool whole = false;
	int rc = cap > opt + sig ? ixfr_udp_message(st, out, cap - opt - sig, &len, &whole)
	                         : GD_ESPACE;
	ixfr_end(st);
	if (rc != GD_OK)
		return 0;
	if (!whole || fallback)
		out[2] |= DNS_FLAG_TC >> 8; /* as well as the SOA alone (RFC 1995 2) */
	if (opt)
		len = put_opt(out, len, snap->settings.udp_payload);
	if (v) {
		size_t n = tsig_append_response(out, len, cap, &q->tsig_rr, v);
		if (n == 0)
			return 0;
		len = n;
		wr16(out + 10, (uint16_t)(rd16(out + 10) + 1));
	}
	return len;
}

/* ---- connections ---- */

static void conn_close(struct xconn *c)
{
	struct xfr_out *x = c->x;
	if (c->zone)
		transfer_end(c, XFR_ABORTED);
	if (c->prev)
		c->prev->next = c->next;
	else
		x->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	bufferevent_free(c->bev);
	evbuffer_free(c->backlog);
	free(c);
}

/* Handle the messages read while no transfer streams. False when c was
 * closed. */
static bool read_messages(struct xconn *c)
{
	/* messages are taken from the backlog: what the worker had read, then
	 * what arrived since (a socket buffer's input takes no writes) */
	struct evbuffer *in = c->backlog;
	evbuffer_add_buffer(in, bufferevent_get_input(c->bev));
	while (!c->zone) {
		uint8_t lenbuf[2];
		if (evbuffer_copyout(in, lenbuf, 2) < 2)
			return true;
		size_t mlen = rd16(lenbuf);
		if (mlen < DNS_HEADER_LEN || mlen > c->x->srv->tcp_max_message) {
			conn_close(c);
			return false;
		}
		if (evbuffer_get_length(in) < 2 + mlen)
			return true;
		/* taken out first: handling it may come back here (the end of
		 * a transfer reads what was pipelined after it) */
		evbuffer_drain(in, 2);
		evbuffer_remove(in, c->x->in, mlen);
		if (!handle_message(c, c->x->in, mlen))
			return false;
	}
	return true;
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	read_messages(arg);
}

static void conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct xconn *c = arg;
	(void)bev;
	if (c->zone)
		pump(c);
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct xconn *c = arg;
	(void)bev;
	(void)what;
	/* EOF, an error, or the client stopped reading (or sending) for the
	 * idle timeout */
	conn_close(c);
}

static void adopt(struct xfr_out *x, struct xfr_handoff *h)
{
	struct xconn *c = calloc(1, sizeof(*c));
	struct bufferevent *bev =
	    c ? bufferevent_socket_new(x->base, h->fd, BEV_OPT_CLOSE_ON_FREE) : NULL;
	struct evbuffer *backlog = bev ? evbuffer_new() : NULL;
	if (!backlog) {
		if (bev)
			bufferevent_free(bev);
		else
			close(h->fd);
		free(c);
		return;
	}
	c->backlog = backlog;
	c->x = x;
	c->bev = bev;
	c->peer = h->peer;
	uint8_t fam, addr[16];
	if (!netaddr_from_sockaddr((const struct sockaddr *)&c->peer, &fam, addr) ||
	    !inet_ntop(fam == ADDR_IPV6 ? AF_INET6 : AF_INET, addr, c->client, sizeof(c->client)))
		strcpy(c->client, "-");
	c->next = x->conns;
	if (x->conns)
		x->conns->prev = c;
	x->conns = c;
	struct timeval idle = {(time_t)x->idle, 0};
	bufferevent_set_timeouts(bev, &idle, &idle);
	bufferevent_setcb(bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_setwatermark(bev, EV_WRITE, XFR_OUT_QUEUE / 2, 0);
	/* one message per send: each send runs the loopback's (or the NIC
	 * queue's) work for what it carries in one stretch of kernel time, a
	 * DNS worker sharing the core waits at most for that */
	bufferevent_set_max_single_write(bev, XFR_SEND_MAX);
	/* the worker's unsent answers go first, in order */
	if (h->out_len)
		evbuffer_add(bufferevent_get_output(bev), h->out, h->out_len);
	evbuffer_add(backlog, h->in, h->in_len);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	read_messages(c);
}

/* ---- the thread ---- */

static void job_free(struct xfr_job *j)
{
	for (size_t k = 0; k < j->n; k++)
		free((char *)j->targets[k].key);
	free(j->targets);
	free(j->soa);
	tsig_keyring_clear(&j->ring);
	free(j);
}

/* The NOTIFY jobs, oldest first (the list is newest first). */
static void run_jobs(struct xfr_out *x, struct xfr_job *jobs, bool stop)
{
	struct xfr_job *order = NULL;
	while (jobs) {
		struct xfr_job *next = jobs->next;
		jobs->next = order;
		order = jobs;
		jobs = next;
	}
	for (struct xfr_job *j = order, *next; j; j = next) {
		next = j->next;
		if (!stop && x->nf) {
			/* the job's keys from now on: the notifier borrows them */
			struct tsig_keyring old = x->ring;
			x->ring = j->ring;
			j->ring = old;
			notifier_set_keyring(x->nf, &x->ring);
			struct notify_soa soa = {j->soa, j->soa_len, j->soa_ttl};
			if (j->n == 0) { /* its last targets removed */
				notifier_zone_remove(x->nf, j->origin, j->origin_len);
				job_free(j);
				continue;
			}
			int rc = notifier_zone(x->nf, j->origin, j->origin_len, &soa, j->targets, j->n);
			if (rc != GD_OK) {
				char name[1024];
				log_error("event=notify_failed zone=%s error=%s",
				          wire_name_to_str(j->origin, name, sizeof(name)),
				          rc == GD_ENOTFOUND ? "unknown_key" : "bad_target");
			}
		}
		job_free(j);
	}
}

static void wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xfr_out *x = arg;
	(void)fd;
	(void)what;
	pthread_mutex_lock(&x->lock);
	struct xfr_handoff *q = x->queue;
	x->queue = NULL;
	struct xfr_job *jobs = x->jobs;
	x->jobs = NULL;
	bool stop = x->stopping;
	pthread_mutex_unlock(&x->lock);
	run_jobs(x, jobs, stop);
	while (q) {
		struct xfr_handoff *next = q->next;
		if (stop)
			close(q->fd);
		else
			adopt(x, q);
		xfr_handoff_free(q);
		q = next;
	}
	if (stop)
		event_base_loopbreak(x->base);
}

static void *xfr_main(void *arg)
{
	struct xfr_out *x = arg;
	/* transfers are background work: they run on CPU time that answers
	 * leave (SCHED_IDLE, this thread only: a worker that wakes takes the
	 * core at once; a core of its own is still used whole); where that
	 * policy is refused, nice 10 (an unprivileged thread may lower its
	 * priority) */
	struct sched_param sp = {.sched_priority = 0};
	if (sched_setscheduler(0, SCHED_IDLE, &sp) < 0 &&
	    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), XFR_NICE) < 0)
		log_warn("event=xfr_nice_failed error=\"%s\"", strerror(errno));
	urcu_memb_register_thread();
	/* the wake event has no descriptor: the loop must not take itself for
	 * empty while no connection is open */
	event_base_loop(x->base, EVLOOP_NO_EXIT_ON_EMPTY);
	urcu_memb_unregister_thread();
	return NULL;
}

struct xfr_out *xfrout_start(struct server *srv, unsigned max_total, unsigned max_per_client,
                             unsigned answer_id)
{
	struct xfr_out *x = xcalloc(1, sizeof(*x));
	x->srv = srv;
	x->max_total = max_total;
	x->max_per_client = max_per_client;
	x->idle = srv->tcp_idle;
	pthread_mutex_init(&x->lock, NULL);
	answer_worker_init(&x->aw);
	x->aw.id = answer_id;
	x->in = xmalloc(65535);
	x->out = xmalloc(2 + 65535);
	x->base = event_base_new(); /* locking: other threads wake it */
	x->wake_ev = x->base ? event_new(x->base, -1, EV_PERSIST, wake_cb, x) : NULL;
	x->nf = x->base ? notifier_new(x->base, &x->ring, NULL) : NULL;
	if (!x->wake_ev || !x->nf || event_add(x->wake_ev, NULL) < 0 ||
	    thread_start(&x->thread, xfr_main, x) != 0) {
		log_error("event=thread_create_failed what=transfers");
		xfrout_stop(x);
		return NULL;
	}
	x->started = true;
	return x;
}

void xfrout_adopt(struct xfr_out *x, struct xfr_handoff *h)
{
	pthread_mutex_lock(&x->lock);
	bool stop = x->stopping;
	if (!stop) {
		h->next = x->queue;
		x->queue = h;
	}
	pthread_mutex_unlock(&x->lock);
	if (stop) {
		close(h->fd);
		xfr_handoff_free(h);
		return;
	}
	event_active(x->wake_ev, EV_READ, 0);
}

void xfrout_notify(struct xfr_out *x, const struct zone *z, const struct notify_target *targets,
                   size_t n, const struct tsig_keyring *ring)
{
	if (!x)
		return;
	struct xfr_job *j = xcalloc(1, sizeof(*j));
	memcpy(j->origin, z->origin, z->origin_len);
	j->origin_len = z->origin_len;
	j->soa_len = rd16(z->soa->rdata);
	j->soa = xmalloc(j->soa_len);
	memcpy(j->soa, z->soa->rdata + 2, j->soa_len);
	j->soa_ttl = z->soa->ttl;
	j->targets = xcalloc(n + 1, sizeof(*targets));
	j->n = n;
	for (size_t k = 0; k < n; k++) {
		j->targets[k] = targets[k];
		j->targets[k].key = targets[k].key ? xstrdup(targets[k].key) : NULL;
	}
	tsig_keyring_copy(&j->ring, ring);
	pthread_mutex_lock(&x->lock);
	bool stop = x->stopping;
	if (!stop) {
		j->next = x->jobs;
		x->jobs = j;
	}
	pthread_mutex_unlock(&x->lock);
	if (stop)
		job_free(j);
	else
		event_active(x->wake_ev, EV_READ, 0);
}

void xfrout_notify_counts(const struct xfr_out *x, struct notify_counters *out)
{
	memset(out, 0, sizeof(*out));
	if (x && x->nf)
		notifier_counters(x->nf, out);
}

bool xfrout_notify_status(const struct xfr_out *x, const uint8_t *origin, size_t len,
                          struct notify_status *st)
{
	return x && x->nf && notifier_zone_status(x->nf, origin, len, st);
}

void xfr_handoff_free(struct xfr_handoff *h)
{
	if (!h)
		return;
	free(h->out);
	free(h->in);
	free(h);
}

void xfrout_counts(const struct xfr_out *x, uint64_t out[XFR_TYPES][XFR_RESULTS])
{
	for (int t = 0; t < XFR_TYPES; t++)
		for (int r = 0; r < XFR_RESULTS; r++)
			out[t][r] = x ? CTR_GET(x->results[t][r]) : 0;
}

const struct answer_worker *xfrout_answer_worker(const struct xfr_out *x)
{
	return x ? &x->aw : NULL;
}

void xfrout_stop(struct xfr_out *x)
{
	if (!x)
		return;
	if (x->started) {
		pthread_mutex_lock(&x->lock);
		x->stopping = true;
		pthread_mutex_unlock(&x->lock);
		event_active(x->wake_ev, EV_READ, 0);
		pthread_join(x->thread, NULL);
	}
	while (x->conns)
		conn_close(x->conns);
	notifier_free(x->nf);
	run_jobs(x, x->jobs, true);
	x->jobs = NULL;
	tsig_keyring_clear(&x->ring);
	struct xfr_handoff *q = x->queue;
	while (q) {
		struct xfr_handoff *next = q->next;
		close(q->fd);
		xfr_handoff_free(q);
		q = next;
	}
	if (x->wake_ev)
		event_free(x->wake_ev);
	if (x->base)
		event_base_free(x->base);
	answer_worker_free(&x->aw);
	pthread_mutex_destroy(&x->lock);
	free(x->in);
	free(x->out);
	free(x);
}
