/*
 * dnstap.c - dnstap messages (the schema in dnstap.proto, packed by the
 * code protoc-c makes of it) handed to libfstrm's I/O thread, one input
 * queue per serving thread (single producer, single consumer): a thread
 * never waits for the collector; a full queue drops the message and
 * counts it. fstrm frames them (content type "protobuf:dnstap.Dnstap"),
 * writes them in batches, and reopens the collector's socket every
 * reconnect interval while it is away.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/dnstap.h"

#include "common/counter.h"
#include "common/gd.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "conf/config.h"

#include "dnstap.pb-c.h"

#include <errno.h>
#include <fstrm.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#define DNSTAP_CONTENT_TYPE "protobuf:dnstap.Dnstap"

struct dnstap {
	struct fstrm_iothr *iothr;    /* NULL until dnstap_start */
	char *collector;              /* socket path or ADDRESS:PORT */
	bool unix_socket;
	char *identity, *version;
	unsigned sample, queue_size, reconnect;
	bool log_queries, log_responses, truncate;
};

/* The writer of the collector: a Unix socket or "ADDRESS:PORT" (or
 * "[ADDRESS]:PORT", checked by the loader) over TCP. */
static struct fstrm_writer *collector_writer(const struct dnstap *dt)
{
	struct fstrm_writer_options *wopt = fstrm_writer_options_init();
	fstrm_writer_options_add_content_type(wopt, DNSTAP_CONTENT_TYPE,
					      sizeof(DNSTAP_CONTENT_TYPE) - 1);
	struct fstrm_writer *w = NULL;
	if (dt->unix_socket) {
		struct fstrm_unix_writer_options *uopt = fstrm_unix_writer_options_init();
		fstrm_unix_writer_options_set_socket_path(uopt, dt->collector);
		w = fstrm_unix_writer_init(uopt, wopt);
		fstrm_unix_writer_options_destroy(&uopt);
	} else {
		char *host = xstrdup(dt->collector);
		char *colon = strrchr(host, ':');
		*colon = '\0';
		char *addr = host;
		if (addr[0] == '[') {
			addr++;
			addr[strlen(addr) - 1] = '\0';
		}
		struct fstrm_tcp_writer_options *topt = fstrm_tcp_writer_options_init();
		fstrm_tcp_writer_options_set_socket_address(topt, addr);
		fstrm_tcp_writer_options_set_socket_port(topt, colon + 1);
		w = fstrm_tcp_writer_init(topt, wopt);
		fstrm_tcp_writer_options_destroy(&topt);
		free(host);
	}
	fstrm_writer_options_destroy(&wopt);
	return w;
}

/* Say at start when a Unix collector is not there yet (fstrm retries in
 * silence; geodnsd_dnstap_dropped_total counts what it misses). */
static void check_collector(const struct dnstap *dt)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	if (!dt->unix_socket)
		return;
	if (strlen(dt->collector) >= sizeof(sun.sun_path)) {
		log_warn("event=dnstap_collector_unreachable socket=%s error=\"path too long\"",
			 dt->collector);
		return;
	}
	memcpy(sun.sun_path, dt->collector, strlen(dt->collector));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		log_warn("event=dnstap_collector_unreachable socket=%s error=\"%s\" "
			 "note=\"retrying every %u s; messages are dropped until then\"",
			 dt->collector, strerror(errno), dt->reconnect);
	close(fd);
}

struct dnstap *dnstap_new(const struct config *cfg)
{
	if (!cfg->dnstap_socket && !cfg->dnstap_tcp)
		return NULL;
	struct dnstap *dt = xcalloc(1, sizeof(*dt));
	dt->unix_socket = cfg->dnstap_socket != NULL;
	dt->collector = xstrdup(cfg->dnstap_socket ? cfg->dnstap_socket : cfg->dnstap_tcp);
	if (cfg->dnstap_identity) {
		dt->identity = xstrdup(cfg->dnstap_identity);
	} else {
		char host[256] = "";
		gethostname(host, sizeof(host) - 1);
		dt->identity = xstrdup(host);
	}
	dt->version = xstrdup(cfg->dnstap_version ? cfg->dnstap_version : "geodnsd " GD_VERSION);
	dt->sample = cfg->dnstap_sample ? cfg->dnstap_sample : 1;
	dt->log_queries = cfg->dnstap_log_queries;
	dt->log_responses = cfg->dnstap_log_responses;
	dt->truncate = cfg->dnstap_truncate_client;
	dt->queue_size = cfg->dnstap_queue_size;
	dt->reconnect = cfg->dnstap_reconnect;
	return dt;
}

int dnstap_start(struct dnstap *dt, unsigned nqueues)
{
	struct fstrm_writer *w = collector_writer(dt);
	if (!w) {
		log_error("event=dnstap_failed collector=%s error=\"fstrm refused the writer\"",
			  dt->collector);
		return -1;
	}
	struct fstrm_iothr_options *iopt = fstrm_iothr_options_init();
	fstrm_iothr_options_set_num_input_queues(iopt, nqueues ? nqueues : 1);
	fstrm_iothr_options_set_input_queue_size(iopt, dt->queue_size);
	fstrm_iothr_options_set_queue_model(iopt, FSTRM_IOTHR_QUEUE_MODEL_SPSC);
	fstrm_iothr_options_set_reopen_interval(iopt, dt->reconnect);
	dt->iothr = fstrm_iothr_init(iopt, &w);
	fstrm_iothr_options_destroy(&iopt);
	if (!dt->iothr) {
		fstrm_writer_destroy(&w);
		log_error("event=dnstap_failed collector=%s error=\"fstrm I/O thread not started\"",
			  dt->collector);
		return -1;
	}
	check_collector(dt);
	log_info("event=dnstap_started collector=%s:%s queues=%u sample=%u",
		 dt->unix_socket ? "unix" : "tcp", dt->collector, nqueues, dt->sample);
	return 0;
}

void dnstap_close(struct dnstap *dt)
{
	if (!dt)
		return;
	if (dt->iothr)
		fstrm_iothr_destroy(&dt->iothr);
	free(dt->collector);
	free(dt->identity);
	free(dt->version);
	free(dt);
}

void dnstap_queue_init(struct dnstap_queue *q, struct dnstap *dt, unsigned idx, uint64_t *sent,
                       uint64_t *dropped)
{
	memset(q, 0, sizeof(*q));
	if (!dt || !dt->iothr)
		return;
	q->dt = dt;
	q->q = fstrm_iothr_get_input_queue_idx(dt->iothr, idx);
	q->sample = dt->sample;
	q->sent = sent;
	q->dropped = dropped;
}

/* An address as dnstap carries it: the raw 4 or 16 octets (cut to /24 or
 * /56 when asked) and the port. Returns the family, 0 when unknown. */
static int addr_bytes(const struct sockaddr *sa, bool truncate, uint8_t out[16], size_t *len,
                      uint32_t *port)
{
	uint8_t fam;
	if (!sa || !netaddr_from_sockaddr(sa, &fam, out))
		return 0;
	*len = fam == ADDR_IPV4 ? 4 : 16;
	if (truncate)
		memset(out + (fam == ADDR_IPV4 ? 3 : 7), 0, *len - (fam == ADDR_IPV4 ? 3 : 7));
	*port = netaddr_port(sa);
	return fam == ADDR_IPV4 ? AF_INET : AF_INET6;
}

uint8_t *dnstap_pack(const struct dnstap *dt, const struct dnstap_event *ev, bool response,
                     size_t *len)
{
	Dnstap__Message m = DNSTAP__MESSAGE__INIT;
	m.type = response ? DNSTAP__MESSAGE__TYPE__AUTH_RESPONSE : DNSTAP__MESSAGE__TYPE__AUTH_QUERY;
	uint8_t qa[16], ra[16];
	size_t qalen = 0, ralen = 0;
	uint32_t qport = 0, rport = 0;
	int fam = addr_bytes(ev->client, dt->truncate, qa, &qalen, &qport);
	if (fam) {
		m.has_socket_family = true;
		m.socket_family =
		    fam == AF_INET ? DNSTAP__SOCKET_FAMILY__INET : DNSTAP__SOCKET_FAMILY__INET6;
		m.has_query_address = m.has_query_port = true;
		m.query_address = (ProtobufCBinaryData){qalen, qa};
		m.query_port = qport;
	}
	if (addr_bytes(ev->server, false, ra, &ralen, &rport) == fam && fam) {
		m.has_response_address = m.has_response_port = true;
		m.response_address = (ProtobufCBinaryData){ralen, ra};
		m.response_port = rport;
	}
	m.has_socket_protocol = true;
	m.socket_protocol = ev->tcp ? DNSTAP__SOCKET_PROTOCOL__TCP : DNSTAP__SOCKET_PROTOCOL__UDP;
	m.has_query_time_sec = m.has_query_time_nsec = true;
	m.query_time_sec = (uint64_t)ev->query_time.tv_sec;
	m.query_time_nsec = (uint32_t)ev->query_time.tv_nsec;
	if (response) {
		m.has_response_time_sec = m.has_response_time_nsec = true;
		m.response_time_sec = (uint64_t)ev->response_time.tv_sec;
		m.response_time_nsec = (uint32_t)ev->response_time.tv_nsec;
		m.has_response_message = true;
		m.response_message = (ProtobufCBinaryData){ev->response_len, (uint8_t *)ev->response};
	} else {
		m.has_query_message = true;
		m.query_message = (ProtobufCBinaryData){ev->query_len, (uint8_t *)ev->query};
	}
	Dnstap__Dnstap d = DNSTAP__DNSTAP__INIT;
	d.type = DNSTAP__DNSTAP__TYPE__MESSAGE;
	d.has_identity = d.has_version = true;
	d.identity = (ProtobufCBinaryData){strlen(dt->identity), (uint8_t *)dt->identity};
	d.version = (ProtobufCBinaryData){strlen(dt->version), (uint8_t *)dt->version};
	d.message = &m;
	size_t n = dnstap__dnstap__get_packed_size(&d);
	uint8_t *buf = xmalloc(n);
	*len = dnstap__dnstap__pack(&d, buf);
	return buf;
}

/* Queue one message; a full queue (the collector slow or away) drops it. */
static void submit(struct dnstap_queue *q, const struct dnstap_event *ev, bool response)
{
	size_t len;
	uint8_t *buf = dnstap_pack(q->dt, ev, response, &len);
	if (fstrm_iothr_submit(q->dt->iothr, q->q, buf, len, fstrm_free_wrapper, NULL) ==
	    fstrm_res_success) {
		CTR_INC(*q->sent);
	} else {
		free(buf);
		CTR_INC(*q->dropped);
	}
}

void dnstap_write(struct dnstap_queue *q, const struct dnstap_event *ev)
{
	if (!q->dt)
		return;
	if (q->dt->log_queries)
		submit(q, ev, false);
	if (q->dt->log_responses && ev->response_len)
		submit(q, ev, true);
}
