/*
 * secondary_xfr.c - one refresh of a secondary zone on the secondaries'
 * thread: the SOA query over UDP, the IXFR or AXFR over TCP, and the
 * version it leads to written, loaded, checked and published.
 *
 * A primary that fails (no answer within SEC_QUERY_TIMEOUT, a transfer
 * idle for SEC_XFR_IDLE, an error RCODE to the SOA query or AXFR, a TSIG
 * that does not verify, a malformed stream) hands over to the next one;
 * an IXFR refused with an RCODE, or one whose differences do not apply to
 * our copy, is asked again as AXFR of the same primary. A version that
 * does not load (its services name a region unknown here, a syntax error)
 * or whose serial is not newer than ours is rejected: the copy served
 * stays, and the next refresh tries again.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "secondary_internal.h"

#include "common/diag.h"
#include "common/gd.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "dns/serial.h"
#include "xfr/xfrin.h"
#include "zone/zone.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define SEC_QUERY_TIMEOUT 3 /* seconds for the SOA answer */
#define SEC_XFR_IDLE 20     /* seconds a transfer may stand still */
#define SEC_MSG_MAX 65535

const char *const sec_type_names[SEC_TYPES] = {"AXFR", "IXFR", "SOA"};

void sec_abort(struct sec_zone *z)
{
	if (z->io) {
		event_free(z->io);
		z->io = NULL;
	}
	if (z->fd >= 0) {
		close(z->fd);
		z->fd = -1;
	}
	if (z->bev) {
		bufferevent_free(z->bev);
		z->bev = NULL;
	}
	xfrin_free(z->rd);
	z->rd = NULL;
	zone_free(z->base);
	z->base = NULL;
	if (z->signed_) {
		memset(z->secret, 0, sizeof(z->secret));
		z->signed_ = false;
	}
}

static bool have_copy(const struct sec_zone *z)
{
	return z->copy && !z->copy->unavailable;
}

/* The refresh ends with result (the exchange in progress dropped). */
static void finish(struct sec_zone *z, enum sec_result result, const char *why)
{
	sec_abort(z);
	sec_done(z, result, z->type, why);
}

static void xfr_start(struct sec_zone *z, enum sec_type type);

/* Ask the same primary again with type (the exchange in progress
 * dropped). */
static void ask_again(struct sec_zone *z, enum sec_type type)
{
	sec_abort(z);
	xfr_start(z, type);
}

/* This primary failed: the next one, or the retry timer. */
static void primary_failed(struct sec_zone *z, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void primary_failed(struct sec_zone *z, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warn("event=xfr_in zone=%s primary=%s type=%s result=failed error=\"%s\"", z->name,
	         z->peer.text, sec_type_names[z->type], why);
	sec_abort(z);
	z->want_axfr = false;
	pthread_mutex_lock(&z->s->lock); /* a reload may change the list */
	bool more = ++z->primary < z->nprimaries;
	pthread_mutex_unlock(&z->s->lock);
	if (more) {
		sec_attempt(z);
		return;
	}
	finish(z, SEC_FAILED, why);
}

static uint16_t random_id(void)
{
	uint16_t id = 0;
	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = (uint16_t)(now_ms() * 2654435761u >> 16);
	return id;
}

/* The request of the current exchange into buf; its length, 0 on failure. */
static size_t make_request(struct sec_zone *z, uint16_t qtype, uint8_t *buf, size_t cap)
{
	z->id = random_id();
	const uint8_t *soa = NULL;
	size_t soa_len = 0;
	if (qtype == TYPE_IXFR) {
		soa = z->base->soa->rdata + 2;
		soa_len = rd16(z->base->soa->rdata);
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	z->mac_len = 0;
	return xfrin_request(buf, cap, z->origin, z->origin_len, qtype, soa, soa_len, z->id,
	                     z->signed_ ? &z->key : NULL, (uint64_t)ts.tv_sec, z->mac, &z->mac_len);
}

static uint64_t wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

/* ---- the version a transfer leads to ---- */

enum take {
	TAKE_OK,
	TAKE_INCONSISTENT, /* differences that do not apply to our copy */
	TAKE_FAILED,       /* here: the file could not be written */
	TAKE_REJECTED,     /* the version: it does not load, an older serial */
	TAKE_TEXT,         /* not in memory: write it out and load it */
};

/* The rejected version's reasons logged, the first in why. */
static enum take rejected(struct sec_zone *z, struct diag *diag, char *why, size_t cap)
{
	for (size_t i = 0; i < diag->count; i++)
		log_warn("event=xfr_in_rejected zone=%s msg=\"%s\"", z->name, diag->msgs[i]);
	snprintf(why, cap, "%s", diag->count ? diag->msgs[0] : "the version does not load");
	diag_free(diag);
	return TAKE_REJECTED;
}

/* An incremental transfer applied to our copy in memory (zone_patch).
 * TAKE_TEXT when the copy has been patched too often: load it whole. */
static enum take patch_version(struct sec_zone *z, struct zone **nz, char *why, size_t cap)
{
	struct xfrin_rrsets r;
	char err[256] = "";
	int rc = xfrin_rrsets(z->rd, z->base, &r, err, sizeof(err));
	if (rc != GD_OK) {
		snprintf(why, cap, "%s", err[0] ? err : "cannot apply the differences");
		return rc == GD_EFORMAT ? TAKE_INCONSISTENT : TAKE_FAILED;
	}
	struct diag diag = {0};
	char source[512];
	snprintf(source, sizeof(source), "IXFR of %s serial %u", z->name, xfrin_serial(z->rd));
	rc = zone_patch(z->base, r.changes, r.n, &z->s->regions, source, &diag, nz);
	xfrin_rrsets_free(&r);
	if (rc == GD_ELIMIT) {
		diag_free(&diag);
		return TAKE_TEXT;
	}
	if (rc != GD_OK)
		return rejected(z, &diag, why, cap);
	diag_free(&diag);
	return TAKE_OK;
}

/* A full transfer's records compiled into a zone in memory. */
static enum take build_version(struct sec_zone *z, struct zone **nz, char *why, size_t cap)
{
	char source[512];
	snprintf(source, sizeof(source), "%s of %s serial %u", sec_type_names[z->type], z->name,
	         xfrin_serial(z->rd));
	size_t n;
	struct zone_record *recs = xfrin_records(z->rd, source, &n);
	if (!recs) {
		snprintf(why, cap, "out of memory");
		return TAKE_FAILED;
	}
	struct diag diag = {0};
	struct zone_config zc = {z->origin_cfg, z->file, NULL, &z->s->regions};
	*nz = zone_load_records(&zc, recs, n, &diag);
	if (!*nz)
		return rejected(z, &diag, why, cap);
	diag_free(&diag);
	return TAKE_OK;
}

/* The version written as zone-file text to tmp and loaded from it. */
static enum take load_version(struct sec_zone *z, const char *tmp, struct zone **nz, char *why,
                              size_t cap)
{
	FILE *f = fopen(tmp, "w");
	if (!f) {
		snprintf(why, cap, "cannot write %.300s: %s", tmp, strerror(errno));
		return TAKE_FAILED;
	}
	char err[256] = "";
	int rc = xfrin_write_zone(z->rd, z->base, f, err, sizeof(err));
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = rc == GD_OK ? GD_EIO : rc;
	if (fclose(f) != 0 && rc == GD_OK)
		rc = GD_EIO;
	if (rc != GD_OK) {
		unlink(tmp);
		snprintf(why, cap, "%s", err[0] ? err : "cannot write the zone");
		return rc == GD_EFORMAT ? TAKE_INCONSISTENT : TAKE_FAILED;
	}
	struct diag diag = {0};
	struct zone_config zc = {z->origin_cfg, tmp, NULL, &z->s->regions};
	*nz = zone_load(&zc, &diag);
	if (!*nz) {
		unlink(tmp);
		return rejected(z, &diag, why, cap);
	}
	diag_free(&diag);
	free((*nz)->file);
	(*nz)->file = xstrdup(z->file);
	return TAKE_OK;
}

/* A version built in memory kept in the zone's file (after it is
 * served: a restart before this ends serves the version before, and the
 * next refresh brings it back). */
static void save_copy(struct sec_zone *z, const struct zone *nz)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.xfr-tmp", z->file);
	uint64_t t0 = now_ms();
	FILE *f = fopen(tmp, "w");
	char err[256] = "";
	int rc = f ? xfrin_write_copy(nz, f, err, sizeof(err)) : GD_EIO;
	if (f && (fflush(f) != 0 || fsync(fileno(f)) != 0) && rc == GD_OK)
		rc = GD_EIO;
	if (f && fclose(f) != 0 && rc == GD_OK)
		rc = GD_EIO;
	if (rc == GD_OK && rename(tmp, z->file) != 0)
		rc = GD_EIO;
	if (rc != GD_OK) {
		log_warn("event=xfr_in_save zone=%s file=%s serial=%u result=failed error=\"%s\"",
		         z->name, z->file, nz->serial, err[0] ? err : strerror(errno));
		unlink(tmp);
		return;
	}
	log_info("event=xfr_in_save zone=%s file=%s serial=%u ms=%llu", z->name, z->file,
	          nz->serial, (unsigned long long)(now_ms() - t0));
}

/* Build (in memory from an IXFR, else by writing and loading), check and
 * publish; else why. *kept: the version published when it was built in
 * memory and still has to be saved (a reference for the caller). */
static enum take take_version(struct sec_zone *z, char *why, size_t cap, uint32_t *serial,
                              struct zone **kept)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.xfr-tmp", z->file);
	struct zone *nz = NULL;
	enum take t = TAKE_TEXT;
	if (xfrin_kind(z->rd) == XFRIN_KIND_INCREMENTAL)
		t = patch_version(z, &nz, why, cap);
	else
		t = build_version(z, &nz, why, cap);
	bool in_memory = t == TAKE_OK;
	if (t == TAKE_TEXT)
		t = load_version(z, tmp, &nz, why, cap);
	if (t != TAKE_OK)
		return t;
	if (have_copy(z) && !serial_gt(nz->serial, z->copy->serial)) {
		snprintf(why, cap, "serial %u is not newer than ours (%u)", nz->serial,
		         z->copy->serial);
		t = TAKE_REJECTED;
	} else if (z->s->check && !z->s->check(z->s->ctx, z->origin_cfg, nz, why, cap)) {
		t = TAKE_REJECTED;
	} else if (!in_memory && rename(tmp, z->file) != 0) {
		snprintf(why, cap, "cannot rename %.200s to %.200s: %s", tmp, z->file,
		         strerror(errno));
		t = TAKE_FAILED;
	}
	if (t != TAKE_OK) {
		zone_free(nz);
		if (!in_memory)
			unlink(tmp);
		return t;
	}
	nz->secondary = true;
	*serial = nz->serial;
	int published = z->s->publish(z->s->ctx, z->origin_cfg, nz);
	if (published != 0) {
		zone_free(nz);
		snprintf(why, cap, "the new version could not be published (see the log)");
		return TAKE_REJECTED;
	}
	if (in_memory)
		*kept = nz;
	else
		zone_free(nz);
	return TAKE_OK;
}

/* The transfer is complete. */
static void transfer_done(struct sec_zone *z)
{
	enum xfrin_kind kind = xfrin_kind(z->rd);
	uint64_t msgs, recs, octets;
	xfrin_counts(z->rd, &msgs, &recs, &octets);
	uint32_t from = have_copy(z) ? z->copy->serial : 0;
	if (kind == XFRIN_KIND_UPTODATE) {
		log_debug("event=xfr_in zone=%s primary=%s type=IXFR result=uptodate serial=%u",
		          z->name, z->peer.text, from);
		finish(z, SEC_UPTODATE, NULL);
		return;
	}
	char why[512];
	uint32_t serial = 0;
	struct zone *kept = NULL;
	uint64_t t0 = now_ms();
	enum take taken = take_version(z, why, sizeof(why), &serial, &kept);
	uint64_t apply_ms = now_ms() - t0;
	if (taken != TAKE_OK) {
		if (taken == TAKE_INCONSISTENT && kind == XFRIN_KIND_INCREMENTAL) {
			log_warn("event=xfr_in zone=%s primary=%s type=IXFR result=inconsistent "
			         "error=\"%s\" action=axfr",
			         z->name, z->peer.text, why);
			ask_again(z, SEC_AXFR);
			return;
		}
		if (taken != TAKE_REJECTED) {
			primary_failed(z, "%s", why);
			return;
		}
		log_warn("event=xfr_in zone=%s primary=%s type=%s result=rejected serial=%u "
		         "error=\"%s\" action=keeping_serial_%u",
		         z->name, z->peer.text, sec_type_names[z->type], xfrin_serial(z->rd), why,
		         from);
		finish(z, SEC_REJECTED, why);
		return;
	}
	log_info("event=xfr_in zone=%s primary=%s key=%s type=%s form=%s applied=%s from=%u "
	         "serial=%u messages=%llu records=%llu bytes=%llu apply_ms=%llu ms=%llu result=ok",
	         z->name, z->peer.text, z->signed_ ? "yes" : "none", sec_type_names[z->type],
	         kind == XFRIN_KIND_INCREMENTAL ? "incremental" : "full",
	         kept ? "memory" : "file", from, serial, (unsigned long long)msgs,
	         (unsigned long long)recs, (unsigned long long)octets, (unsigned long long)apply_ms,
	         (unsigned long long)(now_ms() - z->started_ms));
	if (kept) {
		save_copy(z, kept);
		zone_free(kept);
	}
	finish(z, SEC_OK, NULL);
}

/* Each whole message in the input, to the reader. */
static void on_xfr_read(struct bufferevent *bev, void *arg)
{
	struct sec_zone *z = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	for (;;) {
		uint8_t pfx[2];
		if (evbuffer_copyout(in, pfx, 2) < 2)
			return;
		size_t len = (size_t)pfx[0] << 8 | pfx[1];
		if (evbuffer_get_length(in) < 2 + len)
			return;
		const uint8_t *msg = evbuffer_pullup(in, (ev_ssize_t)(2 + len)) + 2;
		char err[256] = "";
		int rc = xfrin_feed(z->rd, msg, len, wall_now(), err, sizeof(err));
		evbuffer_drain(in, 2 + len);
		if (rc == XFRIN_DONE) {
			transfer_done(z);
			return;
		}
		if (rc < 0) {
			int rcode = xfrin_rcode(z->rd);
			if (z->type == SEC_IXFR && rcode != 0) {
				/* the primary does not serve this IXFR: the whole zone */
				log_info("event=xfr_in zone=%s primary=%s type=IXFR rcode=%d "
				         "action=axfr",
				         z->name, z->peer.text, rcode);
				ask_again(z, SEC_AXFR);
				return;
			}
			primary_failed(z, "%s", err);
			return;
		}
	}
}

static void on_xfr_event(struct bufferevent *bev, short what, void *arg)
{
	struct sec_zone *z = arg;
	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & BEV_EVENT_TIMEOUT)
		primary_failed(z, "no data for %d s", SEC_XFR_IDLE);
	else if (what & BEV_EVENT_EOF)
		primary_failed(z, "the primary closed the connection mid-transfer");
	else
		primary_failed(z, "connection: %s", strerror(EVUTIL_SOCKET_ERROR()));
}

static void xfr_start(struct sec_zone *z, enum sec_type type)
{
	struct secondaries *s = z->s;
	z->type = type;
	z->phase = SEC_TRANSFER;
	if (type == SEC_IXFR)
		z->base = zone_ref(z->copy);
	uint8_t req[1024];
	size_t len = make_request(z, type == SEC_IXFR ? TYPE_IXFR : TYPE_AXFR, req + 2,
	                          sizeof(req) - 2);
	if (!len) {
		primary_failed(z, "cannot make the request (key)");
		return;
	}
	req[0] = (uint8_t)(len >> 8);
	req[1] = (uint8_t)len;
	z->rd = xfrin_new(z->origin, z->origin_len, type == SEC_IXFR ? TYPE_IXFR : TYPE_AXFR,
	                  z->base ? z->base->serial : 0, z->id, z->signed_ ? &z->key : NULL, z->mac,
	                  z->mac_len, 0);
	z->bev = bufferevent_socket_new(s->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!z->rd || !z->bev) {
		primary_failed(z, "out of memory");
		return;
	}
	bufferevent_setcb(z->bev, on_xfr_read, NULL, on_xfr_event, z);
	struct timeval idle = {SEC_XFR_IDLE, 0};
	bufferevent_set_timeouts(z->bev, &idle, &idle);
	bufferevent_enable(z->bev, EV_READ | EV_WRITE);
	bufferevent_write(z->bev, req, len + 2);
	if (bufferevent_socket_connect(z->bev, (struct sockaddr *)&z->peer.addr,
	                               (int)z->peer.addr_len) < 0)
		primary_failed(z, "connect: %s", strerror(errno));
}

/* ---- the SOA query ---- */

static void on_soa(evutil_socket_t fd, short what, void *arg)
{
	struct sec_zone *z = arg;
	if (what & EV_TIMEOUT) {
		primary_failed(z, "no answer to the SOA query within %d s", SEC_QUERY_TIMEOUT);
		return;
	}
	uint8_t buf[SEC_MSG_MAX];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		primary_failed(z, "SOA query: %s", strerror(errno));
		return;
	}
	uint32_t serial = 0;
	bool tc = false;
	int rcode = 0;
	char err[256] = "";
	int rc = xfrin_soa_response(buf, (size_t)n, z->origin, z->origin_len, z->id,
	                            z->signed_ ? &z->key : NULL, z->mac, z->mac_len, wall_now(),
	                            &serial, &tc, &rcode, err, sizeof(err));
	if (rc != GD_OK && rcode == 0) {
		primary_failed(z, "SOA query: %s", err);
		return;
	}
	event_free(z->io);
	z->io = NULL;
	close(z->fd);
	z->fd = -1;
	if (rc != GD_OK) {
		/* an error RCODE (Knot refuses queries for the catalogs it
		 * generates, some primaries serve only transfers): the IXFR
		 * answers the same question */
		log_debug("event=xfr_in zone=%s primary=%s type=SOA rcode=%d action=ixfr", z->name,
		          z->peer.text, rcode);
		xfr_start(z, SEC_IXFR);
		return;
	}
	if (!tc && !serial_gt(serial, z->copy->serial)) {
		log_debug("event=xfr_in zone=%s primary=%s type=SOA result=uptodate serial=%u "
		          "primary_serial=%u",
		          z->name, z->peer.text, z->copy->serial, serial);
		finish(z, SEC_UPTODATE, NULL); /* the SOA query's type */
		return;
	}
	z->their_serial = serial;
	xfr_start(z, SEC_IXFR);
}

static void soa_query(struct sec_zone *z)
{
	z->type = SEC_SOA;
	z->phase = SEC_QUERY;
	uint8_t req[1024];
	size_t len = make_request(z, TYPE_SOA, req, sizeof(req));
	if (!len) {
		primary_failed(z, "cannot make the request (key)");
		return;
	}
	z->fd = socket(z->peer.addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (z->fd < 0 || connect(z->fd, (struct sockaddr *)&z->peer.addr, z->peer.addr_len) < 0 ||
	    send(z->fd, req, len, 0) != (ssize_t)len) {
		primary_failed(z, "SOA query: %s", strerror(errno));
		return;
	}
	z->io = event_new(z->s->base, z->fd, EV_READ | EV_PERSIST, on_soa, z);
	struct timeval tv = {SEC_QUERY_TIMEOUT, 0};
	event_add(z->io, &tv);
}

void sec_attempt(struct sec_zone *z)
{
	struct secondaries *s = z->s;
	z->started_ms = now_ms();
	z->type = have_copy(z) && !z->want_axfr ? SEC_SOA : SEC_AXFR;
	pthread_mutex_lock(&s->lock);
	if (z->primary >= z->nprimaries) { /* the list shrank meanwhile */
		pthread_mutex_unlock(&s->lock);
		sec_done(z, SEC_FAILED, z->type, "no primary left");
		return;
	}
	z->peer = z->primaries[z->primary];
	sec_sync_file(z);
	bool key_ok = true;
	if (z->peer.key_len) {
		const struct tsig_key *k = tsig_key_find(&s->ring, z->peer.key);
		key_ok = k && k->secret_len <= sizeof(z->secret);
		if (key_ok) {
			z->key = *k;
			memcpy(z->secret, k->secret, k->secret_len);
			z->key.secret = z->secret;
			z->signed_ = true;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (!key_ok) {
		primary_failed(z, "its key is not in tsig_keys");
		return;
	}
	if (z->type == SEC_SOA)
		soa_query(z);
	else
		xfr_start(z, SEC_AXFR);
}
