/*
 * secondary.c - the registry of secondary zones and the thread that keeps
 * their copies fresh (see server/secondary.h for the contract).
 *
 * A refresh (SOA timer, NOTIFY, start) asks the zone's primaries in order:
 * with a copy, the primary's SOA over UDP (TCP when truncated is not worth
 * it: the IXFR that follows answers the same question), then, when its
 * serial is newer (RFC 1982), an IXFR over TCP with our SOA; without a
 * copy, or when the IXFR cannot be applied, an AXFR. Every message is read
 * by xfr/xfrin.c (TSIG checked when the primary has a key). The first
 * primary that answers ends the refresh; when none does, the retry timer.
 *
 * Timers (RFC 1034 4.3.5, RFC 1996): refresh, retry and expire from the
 * copy's SOA, each bounded by zones[].timers, refresh and retry less up to
 * a tenth at random (jitter: a fleet does not ask at the same second).
 * Expire counts from the last refresh that reached a primary; when it
 * passes, the zone is published as a stub (SERVFAIL) until a transfer.
 *
 * Locking: s->lock guards the zone list and what other threads read (the
 * copies, the timers and results for /status and metrics, the NOTIFY
 * flags, the keys); the thread alone touches a zone's sockets, events and
 * transfer reader, and it alone frees a zone.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server/secondary.h"

#include "secondary_internal.h"

#include "common/diag.h"
#include "common/gd.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "conf/config.h"
#include "dns/serial.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "geo/service.h"
#include "geo/shared_networks.h"
#include "ops/metrics.h"
#include "query/answer.h"
#include "server/snapshot.h"
#include "xfr/acl.h"
#include "zone/zone.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const sec_result_names[SEC_RESULTS] = {"ok", "uptodate", "failed", "rejected"};
const char *const sec_notify_names[SEC_NOTIFY_RESULTS] = {"ok", "refused", "notauth",
                                                          "formerr"};

/* ---- the registry ---- */

static struct sec_zone *find_zone(struct secondaries *s, const char *origin)
{
	for (struct sec_zone *z = s->zones; z; z = z->next)
		if (!z->removed && strcmp(z->origin_cfg, origin) == 0)
			return z;
	return NULL;
}

struct secondaries *secondaries_new(const struct region_table *regions,
                                    struct shared_networks *networks)
{
	struct secondaries *s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->regions.n = regions->n;
	s->regions.regions = xcalloc(regions->n + 1, sizeof(struct region));
	for (size_t i = 0; i < regions->n; i++) {
		s->regions.regions[i] = regions->regions[i];
		s->regions.regions[i].name = xstrdup(regions->regions[i].name);
	}
	/* the shared networks at start: a copy built with others is built
	 * again by the snapshot that takes it (its networks digest) */
	s->networks = shared_networks_ref(networks);
	s->regions.networks = s->networks;
	return s;
}

struct zone *secondaries_copy(struct secondaries *s, const char *origin)
{
	pthread_mutex_lock(&s->lock);
	struct sec_zone *z = find_zone(s, origin);
	struct zone *copy = z && z->copy ? zone_ref(z->copy) : NULL;
	pthread_mutex_unlock(&s->lock);
	return copy;
}

void secondaries_set_copy(struct secondaries *s, const char *origin, struct zone *copy)
{
	pthread_mutex_lock(&s->lock);
	struct sec_zone *z = find_zone(s, origin);
	struct zone *old = NULL;
	if (z) {
		old = z->copy;
		z->copy = zone_ref(copy);
	}
	pthread_mutex_unlock(&s->lock);
	zone_free(old);
}

/* The primaries and bounds of ze into z (under the lock). */
static void take_config(struct sec_zone *z, const struct zone_entry *ze)
{
	free(z->primaries);
	z->primaries = xcalloc(ze->nprimaries + 1, sizeof(*z->primaries));
	z->nprimaries = ze->nprimaries;
	for (size_t k = 0; k < ze->nprimaries; k++) {
		struct sec_primary *p = &z->primaries[k];
		memcpy(&p->addr, &ze->primaries[k].ss, ze->primaries[k].len);
		p->addr_len = ze->primaries[k].len;
		snprintf(p->text, sizeof(p->text), "%s", ze->primaries[k].text);
		p->key_len = (uint8_t)ze->primaries[k].key_wire_len;
		memcpy(p->key, ze->primaries[k].key_wire, p->key_len);
	}
	/* the loop reads the bounds without the lock */
	const uint32_t b[3][2] = {{ze->refresh_min, ze->refresh_max},
	                          {ze->retry_min, ze->retry_max},
	                          {ze->expire_min, ze->expire_max}};
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			__atomic_store_n(&z->bounds[i][j], b[i][j], __ATOMIC_RELAXED);
	/* the loop's own z->file follows at its next refresh (sec_sync_file) */
	if (!z->file_cfg || strcmp(z->file_cfg, ze->file) != 0) {
		free(z->file_cfg);
		z->file_cfg = xstrdup(ze->file);
	}
}

void sec_sync_file(struct sec_zone *z)
{
	if (z->file && strcmp(z->file, z->file_cfg) == 0)
		return;
	free(z->file);
	z->file = xstrdup(z->file_cfg);
}

void secondaries_configure(struct secondaries *s, const struct config *cfg,
                           const struct snapshot *snap)
{
	pthread_mutex_lock(&s->lock);
	for (struct sec_zone *z = s->zones; z; z = z->next)
		z->seen = false;
	for (size_t i = 0; i < cfg->nzones; i++) {
		const struct zone_entry *ze = &cfg->zones[i];
		if (!ze->nprimaries)
			continue;
		struct sec_zone *z = find_zone(s, ze->origin);
		if (!z) {
			z = xcalloc(1, sizeof(*z));
			z->s = s;
			z->origin_cfg = xstrdup(ze->origin);
			const struct zone *served = snap->db->zones[i];
			memcpy(z->origin, served->origin, served->origin_len);
			z->origin_len = served->origin_len;
			z->name = xstrdup(served->origin_str);
			z->copy = zone_ref(served);
			z->fd = -1;
			z->fresh = true;
			z->next = s->zones;
			s->zones = z;
		}
		take_config(z, ze);
		z->seen = true;
	}
	for (struct sec_zone *z = s->zones; z; z = z->next)
		if (!z->seen)
			z->removed = true;
	tsig_keyring_clear(&s->ring);
	tsig_keyring_copy(&s->ring, &snap->tsig_keys);
	struct event *wake = s->wake;
	pthread_mutex_unlock(&s->lock);
	if (wake)
		event_active(wake, EV_READ, 0);
}

/* ---- timers ---- */

/* The SOA's refresh (0), retry (1) or expire (2) of the copy, bounded. */
static uint32_t soa_timer(const struct sec_zone *z, int which)
{
	uint32_t v = 0;
	const struct zone *c = z->copy;
	if (c && !c->unavailable && c->soa) {
		const uint8_t *rd = c->soa->rdata; /* [len][rdata]: the last 20 octets */
		size_t len = rd16(rd);
		v = rd32(rd + 2 + len - 16 + 4 * (unsigned)which);
	}
	uint32_t lo = __atomic_load_n(&z->bounds[which][0], __ATOMIC_RELAXED);
	uint32_t hi = __atomic_load_n(&z->bounds[which][1], __ATOMIC_RELAXED);
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return v;
}

/* v less up to a tenth at random */
static uint32_t jitter(uint32_t v)
{
	uint32_t r = 0;
	if (v < 10 || getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		return v;
	return v - r % (v / 10 + 1);
}

void sec_schedule(struct sec_zone *z, uint32_t seconds)
{
	struct timeval tv = {seconds, 0};
	pthread_mutex_lock(&z->s->lock);
	z->next_refresh = time(NULL) + seconds;
	pthread_mutex_unlock(&z->s->lock);
	evtimer_add(z->timer, &tv);
}

static void timers_path(const struct sec_zone *z, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s.timers", z->file);
}

/* FILE.timers: "serial refreshed expire\n", written aside and renamed. */
static void timers_save(const struct sec_zone *z)
{
	char path[4096], text[128];
	timers_path(z, path, sizeof(path));
	int n = snprintf(text, sizeof(text), "geodnsd-timers 1 serial=%u refreshed=%lld expire=%lld\n",
	                 z->copy ? z->copy->serial : 0, (long long)z->last_ok,
	                 (long long)z->expire_at);
	if (write_file_replace(path, text, (size_t)n) != GD_OK)
		log_warn("event=secondary_timers_save_failed zone=%s file=%s error=\"%s\"", z->name,
		         path, strerror(errno));
}

/* The timers of the copy served at start: from FILE.timers when they are
 * the copy's serial's, else as if refreshed now. */
static void timers_load(struct sec_zone *z)
{
	time_t now = time(NULL);
	if (!z->copy || z->copy->unavailable) {
		z->last_ok = z->expire_at = 0; /* nothing to expire */
		return;
	}
	z->last_ok = now;
	z->expire_at = now + soa_timer(z, 2);
	char path[4096], *text;
	size_t len;
	timers_path(z, path, sizeof(path));
	if (read_file(path, &text, &len) != GD_OK)
		return;
	unsigned serial;
	long long refreshed, expire;
	if (sscanf(text, "geodnsd-timers 1 serial=%u refreshed=%lld expire=%lld", &serial,
	           &refreshed, &expire) == 3 &&
	    z->copy && serial == z->copy->serial) {
		z->last_ok = (time_t)refreshed;
		z->expire_at = (time_t)expire;
	}
	free(text);
}

/* Publish a stub for z: its data is no longer to be served. */
static void expire_now(struct sec_zone *z)
{
	struct zone *stub = zone_stub(z->origin_cfg, z->file);
	if (!stub)
		return;
	stub->secondary = true;
	if (z->s->publish(z->s->ctx, z->origin_cfg, stub) == 0) {
		log_warn("event=secondary_expired zone=%s refreshed=%lld note=\"answered SERVFAIL "
		         "until a transfer succeeds\"",
		         z->name, (long long)z->last_ok);
		__atomic_add_fetch(&z->s->expired_total, 1, __ATOMIC_RELAXED);
	}
	zone_free(stub);
}

static void on_expire(evutil_socket_t fd, short what, void *arg)
{
	struct sec_zone *z = arg;
	(void)fd;
	(void)what;
	if (z->copy && !z->copy->unavailable && time(NULL) >= z->expire_at)
		expire_now(z);
}

void sec_arm_expire(struct sec_zone *z)
{
	if (!z->copy || z->copy->unavailable)
		return;
	time_t now = time(NULL);
	struct timeval tv = {z->expire_at > now ? z->expire_at - now : 0, 0};
	evtimer_add(z->expire_ev, &tv);
}

/* ---- the outcome of a refresh (secondary_xfr.c calls these) ---- */

void sec_done(struct sec_zone *z, enum sec_result result, int type, const char *why)
{
	struct secondaries *s = z->s;
	time_t now = time(NULL);
	__atomic_add_fetch(&s->results[type][result], 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&s->lock);
	z->last_result = result;
	z->last_attempt = now;
	snprintf(z->last_error, sizeof(z->last_error), "%s", why ? why : "");
	if (result == SEC_OK || result == SEC_UPTODATE) {
		z->last_ok = now;
		z->expire_at = now + soa_timer(z, 2);
		/* the exchange's copy: a reload may have shortened the list */
		snprintf(z->last_primary, sizeof(z->last_primary), "%s", z->peer.text);
	}
	pthread_mutex_unlock(&s->lock);
	z->phase = SEC_IDLE;
	if (result == SEC_OK || result == SEC_UPTODATE) {
		timers_save(z);
		sec_arm_expire(z);
	}
	bool again = z->notified;
	z->notified = false;
	if (again) /* a NOTIFY came meanwhile */
		sec_schedule(z, 0);
	else if (result == SEC_FAILED)
		sec_schedule(z, jitter(soa_timer(z, 1)));
	else
		sec_schedule(z, jitter(soa_timer(z, 0)));
}

/* ---- the thread ---- */

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct sec_zone *z = arg;
	(void)fd;
	(void)what;
	if (z->phase != SEC_IDLE) {
		z->notified = true;
		return;
	}
	z->primary = 0;
	sec_attempt(z);
}

static void zone_free_io(struct sec_zone *z)
{
	sec_abort(z);
	if (z->timer)
		event_free(z->timer);
	if (z->expire_ev)
		event_free(z->expire_ev);
	zone_free(z->copy);
	free(z->primaries);
	free(z->origin_cfg);
	free(z->name);
	free(z->file);
	free(z->file_cfg);
	free(z);
}

/* The loop's view of the registry: new zones get their events and a
 * refresh, removed ones go, NOTIFYs start refreshes. */
static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	struct secondaries *s = arg;
	(void)fd;
	(void)what;
	struct sec_zone *gone = NULL;
	pthread_mutex_lock(&s->lock);
	for (struct sec_zone **pp = &s->zones; *pp;) {
		struct sec_zone *z = *pp;
		if (z->removed) {
			*pp = z->next;
			z->next = gone;
			gone = z;
			continue;
		}
		pp = &z->next;
	}
	pthread_mutex_unlock(&s->lock);
	while (gone) {
		struct sec_zone *n = gone->next;
		log_info("event=secondary_removed zone=%s", gone->name);
		zone_free_io(gone);
		gone = n;
	}
	for (struct sec_zone *z = s->zones; z; z = z->next) {
		if (z->fresh) {
			z->fresh = false;
			pthread_mutex_lock(&s->lock);
			sec_sync_file(z);
			pthread_mutex_unlock(&s->lock);
			z->timer = evtimer_new(s->base, on_timer, z);
			z->expire_ev = evtimer_new(s->base, on_expire, z);
			timers_load(z);
			sec_arm_expire(z);
			sec_schedule(z, 0);
		}
		if (__atomic_exchange_n(&z->notify_pending, false, __ATOMIC_ACQ_REL)) {
			if (z->phase != SEC_IDLE) {
				z->notified = true; /* coalesced: one more refresh after */
			} else {
				evtimer_del(z->timer);
				sec_schedule(z, 0);
			}
		}
	}
}

static void *sec_main(void *arg)
{
	struct secondaries *s = arg;
	event_base_loop(s->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

int secondaries_start(struct secondaries *s, secondaries_publish_fn publish,
                      secondaries_check_fn check, void *ctx)
{
	s->publish = publish;
	s->check = check;
	s->ctx = ctx;
	s->base = event_base_new();
	if (!s->base)
		return -1;
	struct event *wake = event_new(s->base, -1, EV_PERSIST | EV_READ, on_wake, s);
	pthread_mutex_lock(&s->lock);
	s->wake = wake;
	pthread_mutex_unlock(&s->lock);
	if (thread_start(&s->thread, sec_main, s) != 0)
		return -1;
	s->running = true;
	event_active(wake, EV_READ, 0);
	return 0;
}

void secondaries_stop(struct secondaries *s)
{
	if (!s || !s->running)
		return;
	event_base_loopbreak(s->base);
	pthread_join(s->thread, NULL);
	s->running = false;
}

void secondaries_free(struct secondaries *s)
{
	if (!s)
		return;
	secondaries_stop(s);
	while (s->zones) {
		struct sec_zone *z = s->zones;
		s->zones = z->next;
		zone_free_io(z);
	}
	if (s->wake)
		event_free(s->wake);
	if (s->base)
		event_base_free(s->base);
	tsig_keyring_clear(&s->ring);
	for (size_t i = 0; i < s->regions.n; i++)
		free(s->regions.regions[i].name);
	free(s->regions.regions);
	shared_networks_free(s->networks);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* ---- NOTIFY in ---- */

static int notify_result(struct secondaries *s, enum sec_notify_result r, int rcode)
{
	if (s)
		__atomic_add_fetch(&s->notify[r], 1, __ATOMIC_RELAXED);
	return rcode;
}

int secondary_notify_in(const void *ctx, const struct answer_request *req, const struct query *q,
                        const struct tsig_verdict *v)
{
	const struct snapshot *snap = ctx;
	struct secondaries *s = snap->sec;
	if (q->qtype != TYPE_SOA || q->qclass != CLASS_IN)
		return notify_result(s, SEC_NOTIFY_FORMERR, RCODE_FORMERR);
	const struct zone *z = zonedb_origin(snap->db, q->lname, q->qname_len);
	if (!z)
		return notify_result(s, SEC_NOTIFY_NOTAUTH, RCODE_NOTAUTH);
	size_t i = zonedb_index(snap->db, z, 0);
	if (!s || !z->secondary || i == SIZE_MAX || !req->client ||
	    !xfr_acl_allows(&snap->notify_from[i], req->client, v ? v->key : NULL)) {
		char name[1024], client[64] = "?";
		if (req->client)
			netaddr_sockaddr_str(req->client, client, sizeof(client));
		log_info("event=notify_in zone=%s client=%s result=refused",
		         wire_name_to_str(q->lname, name, sizeof(name)), client);
		return notify_result(s, SEC_NOTIFY_REFUSED, RCODE_REFUSED);
	}
	pthread_mutex_lock(&s->lock);
	struct sec_zone *sz = find_zone(s, snap->db->zones[i]->config_origin);
	if (sz)
		__atomic_store_n(&sz->notify_pending, true, __ATOMIC_RELEASE);
	struct event *wake = s->wake;
	pthread_mutex_unlock(&s->lock);
	if (wake)
		event_active(wake, EV_READ, 0);
	log_debug("event=notify_in zone=%s result=ok", z->origin_str);
	return notify_result(s, SEC_NOTIFY_OK, RCODE_NOERROR);
}

/* ---- metrics and status ---- */

void secondaries_metrics(struct secondaries *s, struct strbuf *sb)
{
	metrics_family(sb, "geodnsd_xfr_in_total", "counter",
	               "Refreshes of secondary zones by the transfer they ended with and result.");
	for (int t = 0; t < SEC_TYPES; t++)
		for (int r = 0; r < SEC_RESULTS; r++) {
			const char *l[] = {"type", sec_type_names[t], "result", sec_result_names[r],
			                   NULL};
			metrics_sample_u64(sb, "geodnsd_xfr_in_total", l,
			                   __atomic_load_n(&s->results[t][r], __ATOMIC_RELAXED));
		}
	metrics_family(sb, "geodnsd_notify_received_total", "counter",
	               "NOTIFY messages received by result.");
	for (int r = 0; r < SEC_NOTIFY_RESULTS; r++) {
		const char *l[] = {"result", sec_notify_names[r], NULL};
		metrics_sample_u64(sb, "geodnsd_notify_received_total", l,
		                   __atomic_load_n(&s->notify[r], __ATOMIC_RELAXED));
	}
	metrics_single(sb, "geodnsd_zone_expired_total", "counter",
	               "Secondary zones that expired (answered SERVFAIL until a transfer).",
	               __atomic_load_n(&s->expired_total, __ATOMIC_RELAXED));
	time_t now = time(NULL);
	pthread_mutex_lock(&s->lock);
	metrics_family(sb, "geodnsd_zone_refresh_timestamp_seconds", "gauge",
	               "Unix time a secondary zone last reached a primary (0: never).");
	for (struct sec_zone *z = s->zones; z; z = z->next) {
		const char *l[] = {"zone", z->name, NULL};
		metrics_sample_u64(sb, "geodnsd_zone_refresh_timestamp_seconds", l,
		                   z->copy && !z->copy->unavailable ? (uint64_t)z->last_ok : 0);
	}
	metrics_family(sb, "geodnsd_zone_expires_in_seconds", "gauge",
	               "Seconds until a secondary zone expires (0: expired or no copy).");
	for (struct sec_zone *z = s->zones; z; z = z->next) {
		const char *l[] = {"zone", z->name, NULL};
		bool live = z->copy && !z->copy->unavailable && z->expire_at > now;
		metrics_sample_u64(sb, "geodnsd_zone_expires_in_seconds", l,
		                   live ? (uint64_t)(z->expire_at - now) : 0);
	}
	pthread_mutex_unlock(&s->lock);
}

void secondaries_status(struct secondaries *s, const char *origin, struct strbuf *sb)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	struct sec_zone *z = find_zone(s, origin);
	if (z) {
		bool live = z->copy && !z->copy->unavailable;
		sb_printf(sb, ", \"secondary\": {\"state\": \"%s\", \"primary\": \"",
		          live ? "serving" : z->last_ok ? "expired" : "no_copy");
		sb_json_string(sb, z->last_primary);
		sb_printf(sb,
		          "\", \"last_refresh\": %lld, \"next_refresh\": %lld, \"expire\": %lld, "
		          "\"last_result\": \"%s\", \"last_attempt\": %lld, \"error\": \"",
		          live ? (long long)z->last_ok : 0LL, (long long)z->next_refresh,
		          live ? (long long)z->expire_at : 0LL,
		          z->last_attempt ? sec_result_names[z->last_result] : "none",
		          (long long)z->last_attempt);
		sb_json_string(sb, z->last_error);
		sb_puts(sb, "\"}");
	}
	pthread_mutex_unlock(&s->lock);
}
