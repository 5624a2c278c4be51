/*
 * health.c - the prober thread, the feed parser and the hysteresis.
 *
 * Each distinct feed in the config is polled on a timer at the smallest
 * interval of the regions it feeds. A poll ends in a parsed document or a
 * failure reason (feed_timeout, feed_unreachable, http_status, too_large,
 * headers_too_large, not_regular_file, not_json, stale, ...). Either way
 * every region the feed is responsible for takes one check: healthy or not.
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
#include "health/health.h"

#include "conf/config.h"
#include "common/gd.h"
#include "common/log.h"
#include "ops/metrics.h"
#include "geo/service.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- hysteresis ---- */

bool hysteresis_step(struct hysteresis *h, bool ok, unsigned down_after, unsigned up_after)
{
	if (h->up) {
		h->oks = 0;
		if (ok) {
			h->fails = 0;
			return false;
		}
		if (++h->fails >= down_after) {
			h->up = false;
			h->fails = 0;
			return true;
		}
		return false;
	}
	h->fails = 0;
	if (!ok) {
		h->oks = 0;
		return false;
	}
	if (++h->oks >= up_after) {
		h->up = true;
		h->oks = 0;
		return true;
	}
	return false;
}

/* ---- feed documents ---- */

/* Exactly n digits at *p, as a number. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* RFC 3339 UTC, strictly: 2026-11-27T20:00:00Z, an optional fraction, then
 * Z or +00:00. */
static bool parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec;
	const char *p = s;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d) || (*p != 'T' && *p != 't') || !(++p, digits(&p, 2, &h)) ||
	    *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &sec))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (strcmp(p, "Z") != 0 && strcmp(p, "z") != 0 && strcmp(p, "+00:00") != 0)
		return false;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			.tm_hour = h, .tm_min = mi, .tm_sec = sec == 60 ? 59 : sec};
	time_t t = timegm(&tm);
	/* reject days that do not exist (timegm would normalize 31 Nov) */
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_mday != d || back.tm_mon != mo - 1)
		return false;
	*out = t;
	return true;
}

static bool reject(const char **reason, const char *r, char *detail, size_t cap,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static bool reject(const char **reason, const char *r, char *detail, size_t cap,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, cap, fmt, ap);
	va_end(ap);
	*reason = r;
	return false;
}

bool feed_parse(const char *text, size_t len, const struct region_table *rt, time_t now,
		unsigned max_age, struct feed_doc *doc, const char **reason, char *detail,
		size_t cap)
{
	memset(doc, 0, sizeof(*doc));
	detail[0] = '\0';
	if (len > FEED_MAX_BYTES)
		return reject(reason, "too_large", detail, cap, "document of %zu bytes", len);
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return reject(reason, "not_json", detail, cap, "line %d column %d: %s", jerr.line,
			      jerr.column, jerr.text);
	bool ok = false;
	if (!json_is_object(root)) {
		reject(reason, "wrong_type", detail, cap, "the document is not an object");
		goto done;
	}
	json_t *ga = json_object_get(root, "generated_at");
	if (ga) {
		if (!json_is_string(ga) || !parse_time(json_string_value(ga), &doc->generated_at)) {
			reject(reason, "bad_time", detail, cap,
			       "generated_at is not a UTC time such as 2026-11-27T20:00:00Z");
			goto done;
		}
		if (doc->generated_at + (time_t)max_age < now) {
			reject(reason, "stale", detail, cap, "generated_at is %lld s old (max_age %u)",
			       (long long)(now - doc->generated_at), max_age);
			goto done;
		}
		if (doc->generated_at > now + (time_t)max_age) {
			reject(reason, "bad_time", detail, cap,
			       "generated_at is %lld s in the future",
			       (long long)(doc->generated_at - now));
			goto done;
		}
	}
	json_t *regs = json_object_get(root, "regions");
	if (!json_is_object(regs)) {
		reject(reason, "wrong_type", detail, cap, "\"regions\" must be an object");
		goto done;
	}
	doc->regions = xcalloc(json_object_size(regs) + 1, sizeof(struct feed_region));
	const char *name;
	json_t *r;
	json_object_foreach(regs, name, r) {
		size_t idx = rt->n;
		for (size_t i = 0; i < rt->n; i++)
			if (strcmp(rt->regions[i].name, name) == 0)
				idx = i;
		if (idx == rt->n) {
			reject(reason, "unknown_region", detail, cap, "region \"%s\" is not configured",
			       name);
			goto done;
		}
		if (!json_is_object(r)) {
			reject(reason, "wrong_type", detail, cap, "regions.%s must be an object", name);
			goto done;
		}
		struct feed_region *fr = &doc->regions[doc->nregions++];
		fr->region = idx;
		fr->weight = -1;
		json_t *h = json_object_get(r, "healthy");
		if (!json_is_boolean(h)) {
			reject(reason, "wrong_type", detail, cap,
			       "regions.%s.healthy must be true or false", name);
			goto done;
		}
		fr->healthy = json_is_true(h);
		json_t *w = json_object_get(r, "weight");
		if (w) {
			if (!json_is_integer(w)) {
				reject(reason, "wrong_type", detail, cap,
				       "regions.%s.weight must be an integer", name);
				goto done;
			}
			json_int_t wv = json_integer_value(w);
			if (wv < 0 || wv > 100) {
				reject(reason, "bad_weight", detail, cap,
				       "regions.%s.weight %lld is not in 0..100", name,
				       (long long)wv);
				goto done;
			}
			fr->weight = (int)wv;
		}
		json_t *eps = json_object_get(r, "endpoints");
		if (!eps)
			continue;
		if (!json_is_object(eps)) {
			reject(reason, "wrong_type", detail, cap,
			       "regions.%s.endpoints must be an object", name);
			goto done;
		}
		fr->endpoints = xcalloc(json_object_size(eps) + 1, sizeof(struct feed_endpoint));
		const char *addr;
		json_t *e;
		json_object_foreach(eps, addr, e) {
			struct feed_endpoint *fe = &fr->endpoints[fr->nendpoints];
			if (inet_pton(AF_INET, addr, fe->addr) == 1) {
				fe->family = 1;
			} else if (inet_pton(AF_INET6, addr, fe->addr) == 1) {
				fe->family = 2;
			} else {
				reject(reason, "bad_address", detail, cap,
				       "regions.%s.endpoints: \"%s\" is not an address", name, addr);
				goto done;
			}
			json_t *eh = json_is_object(e) ? json_object_get(e, "healthy") : NULL;
			if (!json_is_boolean(eh)) {
				reject(reason, "wrong_type", detail, cap,
				       "regions.%s.endpoints.%s.healthy must be true or false", name,
				       addr);
				goto done;
			}
			fe->healthy = json_is_true(eh);
			fr->nendpoints++;
		}
	}
	ok = true;
done:
	json_decref(root);
	if (!ok)
		feed_doc_free(doc);
	return ok;
}

void feed_doc_free(struct feed_doc *doc)
{
	for (size_t i = 0; i < doc->nregions; i++)
		free(doc->regions[i].endpoints);
	free(doc->regions);
	memset(doc, 0, sizeof(*doc));
}

/* ---- snapshots ---- */

/*
 * Endpoint keys (family byte, then the address, an IPv4 address followed by
 * 12 zero bytes) are ordered as 17 bytes. Two arrays are kept in that order,
 * without duplicates: a snapshot's down lists (health_endpoint_up searches
 * them per answer) and the admin overrides (build_snapshot and the status
 * pages search them per endpoint). This is the one search for both: base
 * holds n elements of size bytes, each starting with its key; the index of
 * the first element whose key is not below key (n when none is).
 */
static size_t key_lower_bound(const void *base, size_t n, size_t size, const uint8_t *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp((const uint8_t *)base + mid * size, key, 17) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The element of base (as key_lower_bound) whose key is key, or NULL. */
static void *key_find(const void *base, size_t n, size_t size, const uint8_t *key)
{
	size_t i = key_lower_bound(base, n, size, key);
	const uint8_t *e = (const uint8_t *)base + i * size;
	return i < n && memcmp(e, key, 17) == 0 ? (void *)e : NULL;
}

/* An endpoint key as the address's text. */
static void key_str(const uint8_t *key, char *buf, size_t cap)
{
	inet_ntop(key[0] == 2 ? AF_INET6 : AF_INET, key + 1, buf, (socklen_t)cap);
}

static int key_compare(const void *a, const void *b)
{
	return memcmp(a, b, 17);
}

bool health_endpoint_up(const struct health_snapshot *hs, size_t region, uint8_t family,
			const uint8_t *addr)
{
	if (!hs || region >= hs->n)
		return true;
	const struct health_region *r = &hs->regions[region];
	uint8_t key[17] = {family};
	memcpy(key + 1, addr, family == 2 ? 16 : 4);
	return !key_find(r->down, r->ndown, 17, key);
}

void health_snapshot_free(struct health_snapshot *hs)
{
	if (!hs)
		return;
	for (size_t i = 0; i < hs->n; i++)
		free((void *)hs->regions[i].down);
	free(hs->regions);
	free(hs);
}

/* ---- the prober ---- */

/* rs->eps: sorted by key, no duplicates (endpoint_checks keeps it so) */
struct endpoint_state {
	uint8_t key[17];       /* family + address */
	struct hysteresis h;
};

struct region_state {
	const char *name;
	struct hysteresis h;
	uint8_t weight;
	unsigned down_after, up_after, max_age;
	bool keep_on_loss;     /* feed failures do not count: state kept */
	bool drained;          /* admin override: weight 0 */
	time_t last_good;      /* last document that described this region */
	struct endpoint_state *eps;
	size_t neps;
	const char *last_reason;
	struct feed *feed;
};

struct feed {
	struct health *hp;
	char *spec;            /* as configured */
	bool is_file;
	char *path;            /* file path, or the HTTP path with query */
	char *host;
	int port;
	unsigned interval, timeout, max_age;
	size_t *regions;       /* indexes of the regions it feeds */
	size_t nregions;
	struct event *timer;
	struct event *deadline; /* ends an HTTP poll that takes longer than timeout */
	struct evhttp_connection *conn;
	char conn_addr[INET6_ADDRSTRLEN]; /* the address conn goes to */
	struct lookup *lookup;            /* the poll's pending name lookup, or NULL */
	bool in_flight;                   /* an HTTP poll started and has not ended */
	bool headers_read;                /* this poll's response head was complete */
	size_t head_bytes;                /* bytes received before it was */
	const char *http_error;           /* reason from the error or header callback */
	const char *http_detail;
	const char *state;     /* "ok" or the last failure reason */
	struct stat last_stat; /* file feeds: re-read on change */
	char *last_text;
	size_t last_len;
	uint64_t polls_ok, polls_failed;
	time_t last_ok;        /* 0 = never */
};

/* A name lookup of an HTTP poll. Owned by its callback, which always comes
 * (evdns calls it even for a cancelled lookup) and frees it; feed is NULL
 * once the poll no longer wants the answer. */
struct lookup {
	struct feed *feed;
	struct evdns_getaddrinfo_request *req;
};

/* hp->overrides is sorted by key, without duplicates (key_lower_bound). */
struct endpoint_override {
	uint8_t key[17];       /* family + address: first, for key_lower_bound */
	bool up;               /* forced up, or forced down */
};

struct health {
	pthread_t thread;
	struct event_base *base;
	struct evdns_base *dns;       /* the feeds' host names, resolved on base */
	pid_t created_by;             /* the process that made base (a fork may follow) */
	struct region_table own_rt;   /* a copy: snapshots come and go */
	const struct region_table *rt;
	struct region_state *regions;
	size_t nregions;
	struct feed *feeds;
	size_t nfeeds;
	health_publish_fn publish;
	void *arg;
	uint64_t generation;
	bool dirty;
	bool all_down;         /* every region down or drained (logged) */
	/* the prober's state is read by the HTTP thread (status, metrics) and
	 * changed by admin overrides: both under this lock */
	pthread_mutex_t lock;
	struct event *kick;    /* wakes the prober to publish after an override */
	struct endpoint_override *overrides;
	size_t noverrides;
	bool started;
	char *state_file;      /* overrides persisted here, or NULL */
	bool state_dirty;      /* overrides changed since the file was written */
	struct event *save_timer; /* writes the state file shortly after a change */
};

/* The admin override of an endpoint: 1 up, 0 down, -1 none. O(log n). */
static int override_of(const struct health *hp, const uint8_t *key)
{
	const struct endpoint_override *o =
	    key_find(hp->overrides, hp->noverrides, sizeof(*hp->overrides), key);
	return o ? o->up : -1;
}

/*
 * A region's endpoint is down when an admin forced it down (whether its
 * feed lists it or not), or when its feed reports it down after damping
 * and no override says otherwise. Each region's down list is the merge of
 * two sorted lists with no key in common: the feed's down endpoints without
 * an override, and the forced down overrides. O(e log e + o) per region
 * for e endpoints and o overrides.
 */
static struct health_snapshot *build_snapshot(struct health *hp)
{
	struct health_snapshot *hs = xcalloc(1, sizeof(*hs));
	hs->generation = ++hp->generation;
	hs->n = hp->nregions;
	hs->regions = xcalloc(hp->nregions + 1, sizeof(struct health_region));
	uint8_t(*feed_down)[17] = NULL; /* scratch, for every region */
	size_t feed_down_cap = 0;
	const struct endpoint_override *ov = hp->overrides;
	size_t nov = hp->noverrides;
	for (size_t i = 0; i < hp->nregions; i++) {
		const struct region_state *rs = &hp->regions[i];
		struct health_region *r = &hs->regions[i];
		r->up = rs->h.up;
		r->weight = rs->drained ? 0 : rs->weight;
		if (rs->neps > feed_down_cap) {
			feed_down_cap = rs->neps;
			feed_down = xrealloc(feed_down, feed_down_cap * 17);
		}
		size_t nf = 0;
		for (size_t k = 0; k < rs->neps; k++)
			if (!rs->eps[k].h.up && override_of(hp, rs->eps[k].key) < 0)
				memcpy(feed_down[nf++], rs->eps[k].key, 17);
		if (nf > 1)
			qsort(feed_down, nf, 17, key_compare);
		uint8_t(*d)[17] = xcalloc(nf + nov + 1, 17);
		size_t j = 0, f = 0, o = 0;
		while (f < nf || o < nov) {
			if (o < nov && ov[o].up) {
				o++;
				continue;
			}
			bool from_feed =
			    o == nov || (f < nf && memcmp(feed_down[f], ov[o].key, 17) < 0);
			const uint8_t *key = from_feed ? feed_down[f++] : ov[o++].key;
			assert(j == 0 || memcmp(d[j - 1], key, 17) <= 0);
			if (j == 0 || memcmp(d[j - 1], key, 17) != 0)
				memcpy(d[j++], key, 17);
		}
		if (j) {
			r->down = (const uint8_t(*)[17])xrealloc(d, j * 17);
			r->ndown = j;
		} else {
			free(d);
		}
	}
	free(feed_down);
	return hs;
}

/* Called with hp->lock held; releases it before handing the snapshot over
 * (the hand-over waits for an RCU grace period). */
static void publish_unlock(struct health *hp)
{
	if (!hp->dirty) {
		pthread_mutex_unlock(&hp->lock);
		return;
	}
	hp->dirty = false;
	/* services fail open when nothing qualifies: say so once per change */
	size_t usable = 0;
	for (size_t i = 0; i < hp->nregions; i++)
		usable += hp->regions[i].h.up && hp->regions[i].weight > 0 &&
			  !hp->regions[i].drained;
	bool none = hp->nregions > 0 && usable == 0;
	if (none != hp->all_down) {
		hp->all_down = none;
		if (none)
			log_warn("event=all_regions_down action=fail_open regions=%zu",
				 hp->nregions);
		else
			log_info("event=regions_available regions_usable=%zu", usable);
	}
	struct health_snapshot *hs = build_snapshot(hp);
	pthread_mutex_unlock(&hp->lock);
	hp->publish(hs, hp->arg);
}

/* A document's endpoint for one region, as its key; idx keeps the document's
 * order among addresses written twice (::1 and 0::1). */
struct named_endpoint {
	uint8_t key[17];
	uint32_t idx;
};

static int named_cmp(const void *a, const void *b)
{
	const struct named_endpoint *x = a, *y = b;
	int c = memcmp(x->key, y->key, 17);
	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * One document's checks for a region's endpoints. rs->eps is sorted by key
 * and holds the endpoints the last document named and those still down: an
 * endpoint the document does not name takes a healthy check, and once it is
 * up it is dropped (up with no pending check is what an unknown endpoint
 * is). So the state is bounded by what the last documents named, however
 * many new addresses a feed invents each poll, and a poll costs
 * O(n log n) in the endpoints of the document and the state, not their
 * product.
 */
static void endpoint_checks(struct health *hp, struct region_state *rs,
			    const struct feed_region *fr)
{
	size_t n = fr->nendpoints;
	struct named_endpoint *nm = xcalloc(n + 1, sizeof(*nm));
	for (size_t e = 0; e < n; e++) {
		nm[e].key[0] = fr->endpoints[e].family;
		memcpy(nm[e].key + 1, fr->endpoints[e].addr, 16);
		nm[e].idx = (uint32_t)e;
	}
	qsort(nm, n, sizeof(*nm), named_cmp);
	size_t keep = 0;
	for (size_t k = 0; k < rs->neps; k++) {
		if (!key_find(nm, n, sizeof(*nm), rs->eps[k].key)) {
			if (hysteresis_step(&rs->eps[k].h, true, rs->down_after, rs->up_after))
				hp->dirty = true;
			if (rs->eps[k].h.up)
				continue;
		}
		rs->eps[keep++] = rs->eps[k];
	}
	rs->neps = keep;
	/* the named ones in key order, each run of one address in the
	 * document's order; addresses not known yet start up, in added */
	struct endpoint_state *added = xcalloc(n + 1, sizeof(*added));
	size_t nadded = 0;
	struct endpoint_state *es = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!es || memcmp(es->key, nm[i].key, 17) != 0) {
			es = key_find(rs->eps, rs->neps, sizeof(*rs->eps), nm[i].key);
			if (!es) {
				es = &added[nadded++];
				memcpy(es->key, nm[i].key, 17);
				es->h = (struct hysteresis){.up = true};
			}
		}
		if (hysteresis_step(&es->h, fr->endpoints[nm[i].idx].healthy, rs->down_after,
				    rs->up_after)) {
			char a[INET6_ADDRSTRLEN];
			key_str(es->key, a, sizeof(a));
			log_info("region=%s endpoint=%s state=%s", rs->name, a,
				 es->h.up ? "up" : "down");
			hp->dirty = true;
		}
	}
	/* merge the two sorted lists */
	struct endpoint_state *merged = xcalloc(rs->neps + nadded + 1, sizeof(*merged));
	size_t m = 0, x = 0, y = 0;
	while (x < rs->neps || y < nadded) {
		if (y == nadded || (x < rs->neps && memcmp(rs->eps[x].key, added[y].key, 17) < 0))
			merged[m++] = rs->eps[x++];
		else
			merged[m++] = added[y++];
	}
	free(rs->eps);
	rs->eps = merged;
	rs->neps = m;
	free(added);
	free(nm);
}

static void region_check(struct health *hp, struct region_state *rs, bool ok,
			 const char *reason)
{
	unsigned checks = ok ? rs->h.oks + 1 : rs->h.fails + 1;
	if (hysteresis_step(&rs->h, ok, rs->down_after, rs->up_after)) {
		log_info("region=%s state=%s reason=%s checks=%u", rs->name,
			 rs->h.up ? "up" : "down", ok ? "healthy" : reason, checks);
		hp->dirty = true;
	}
	rs->last_reason = ok ? NULL : reason;
}

/* One poll of feed f ended: doc on success, or reason on failure. */
static void feed_result(struct feed *f, const struct feed_doc *doc, const char *reason,
			const char *detail)
{
	struct health *hp = f->hp;
	pthread_mutex_lock(&hp->lock);
	const char *new_state = doc ? "ok" : reason;
	if (strcmp(new_state, f->state) != 0) {
		if (doc)
			log_info("event=feed_ok feed=%s", f->spec);
		else
			log_warn("event=feed_failed feed=%s reason=%s detail=\"%s\"", f->spec, reason,
				 detail ? detail : "");
		f->state = new_state;
	}
	if (doc) {
		f->polls_ok++;
		f->last_ok = time(NULL);
	} else {
		f->polls_failed++;
	}
	for (size_t i = 0; i < f->nregions; i++) {
		struct region_state *rs = &hp->regions[f->regions[i]];
		if (!doc) {
			if (!rs->keep_on_loss)
				region_check(hp, rs, false, reason);
			continue;
		}
		const struct feed_region *fr = NULL;
		for (size_t k = 0; k < doc->nregions; k++)
			if (doc->regions[k].region == f->regions[i])
				fr = &doc->regions[k];
		if (!fr) {
			region_check(hp, rs, false, "missing_from_feed");
			continue;
		}
		rs->last_good = time(NULL);
		region_check(hp, rs, fr->healthy, "reported_unhealthy");
		uint8_t w = (uint8_t)(fr->weight < 0 ? 100 : fr->weight);
		if (w != rs->weight) {
			log_info("region=%s weight=%u previous=%u", rs->name, w, rs->weight);
			rs->weight = w;
			hp->dirty = true;
		}
		/* endpoints named in the document take a check; others are healthy
		 * (a feed lists the exceptions) and take a healthy check */
		endpoint_checks(hp, rs, fr);
	}
	publish_unlock(hp);
}

static void feed_text(struct feed *f, const char *text, size_t len)
{
	struct feed_doc doc;
	const char *reason = NULL;
	char detail[256];
	if (feed_parse(text, len, f->hp->rt, time(NULL), f->max_age, &doc, &reason, detail,
		       sizeof(detail))) {
		feed_result(f, &doc, NULL, NULL);
		feed_doc_free(&doc);
	} else {
		feed_result(f, NULL, reason, detail);
	}
}

static const char *file_kind(mode_t m)
{
	return S_ISFIFO(m)                ? "a FIFO"
	       : S_ISDIR(m)               ? "a directory"
	       : S_ISSOCK(m)              ? "a socket"
	       : S_ISCHR(m) || S_ISBLK(m) ? "a device"
	                                  : "not a regular file";
}

/*
 * A file feed, read without blocking the loop: opened with O_NONBLOCK (a
 * FIFO's open would otherwise wait for a writer, its read for data), then
 * read only when fstat says it is a regular file, and at most
 * FEED_MAX_BYTES + 1 bytes of it.
 */
static void poll_file(struct feed *f)
{
	char detail[160];
	struct stat st;
	int fd = open_regular(f->path, &st);
	if (fd == -2) {
		snprintf(detail, sizeof(detail), "the feed file is %s", file_kind(st.st_mode));
		feed_result(f, NULL, "not_regular_file", detail);
		return;
	}
	if (fd < 0) {
		feed_result(f, NULL, "feed_unreachable", strerror(errno));
		return;
	}
	if (st.st_size > FEED_MAX_BYTES) {
		close(fd);
		feed_result(f, NULL, "too_large", "file larger than 1 MiB");
		return;
	}
	bool same = f->last_text && st.st_mtim.tv_sec == f->last_stat.st_mtim.tv_sec &&
		    st.st_mtim.tv_nsec == f->last_stat.st_mtim.tv_nsec &&
		    st.st_size == f->last_stat.st_size && st.st_ino == f->last_stat.st_ino;
	if (!same) {
		/* the size may change while it is read: read up to one byte over
		 * the limit to see that */
		char *text = xmalloc(FEED_MAX_BYTES + 2);
		size_t len = 0;
		while (len <= FEED_MAX_BYTES) {
			ssize_t n = read(fd, text + len, FEED_MAX_BYTES + 1 - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				int e = errno;
				free(text);
				close(fd);
				feed_result(f, NULL, "feed_unreachable", strerror(e));
				return;
			}
			if (n == 0)
				break;
			len += (size_t)n;
		}
		if (len > FEED_MAX_BYTES) {
			free(text);
			close(fd);
			feed_result(f, NULL, "too_large", "file larger than 1 MiB");
			return;
		}
		text[len] = '\0';
		free(f->last_text);
		f->last_text = text;
		f->last_len = len;
		f->last_stat = st;
	}
	close(fd);
	/* unchanged files are parsed again: staleness depends on the time */
	feed_text(f, f->last_text, f->last_len);
}

/* The HTTP poll of f ended (answer, failure or deadline): it is no longer in
 * flight and its deadline is off. Every end of a poll passes here once. */
static void http_poll_end(struct feed *f)
{
	f->in_flight = false;
	event_del(f->deadline);
}

static void http_done(struct evhttp_request *req, void *arg)
{
	struct feed *f = arg;
	if (!f->in_flight)
		return; /* the poll already ended (cannot happen: checked, not assumed) */
	http_poll_end(f);
	int code = req ? evhttp_request_get_response_code(req) : 0;
	if (code == 0) {
		/* no HTTP response: the error callback, when it ran, said why */
		const char *reason = f->http_error ? f->http_error : "feed_unreachable";
		const char *detail = f->http_detail ? f->http_detail : "no HTTP response";
		f->http_error = NULL;
		f->http_detail = NULL;
		feed_result(f, NULL, reason, detail);
		return;
	}
	f->http_error = NULL;
	f->http_detail = NULL;
	if (code != 200) {
		char d[64];
		snprintf(d, sizeof(d), "HTTP %d", code);
		feed_result(f, NULL, "http_status", d);
		return;
	}
	struct evbuffer *b = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(b);
	if (len > FEED_MAX_BYTES) {
		feed_result(f, NULL, "too_large", "body larger than 1 MiB");
		return;
	}
	char *text = xmalloc(len + 1);
	evbuffer_remove(b, text, len);
	text[len] = '\0';
	feed_text(f, text, len);
	free(text);
}

_Static_assert(FEED_MAX_HEADER_BYTES == 16 * 1024 && FEED_MAX_HEADERS == 64,
               "the details below name the limits");

/* Runs before http_done(NULL) on failures: keep the reason for it (unless
 * the header callback already gave one). */
static void http_error(enum evhttp_request_error err, void *arg)
{
	struct feed *f = arg;
	if (f->http_error)
		return;
	f->http_error = "feed_unreachable";
	if (err == EVREQ_HTTP_TIMEOUT) {
		f->http_error = "feed_timeout";
	} else if (err == EVREQ_HTTP_INVALID_HEADER && !f->headers_read &&
	           f->head_bytes > FEED_MAX_HEADER_BYTES) {
		/* libevent reports a head over its cap as an invalid one */
		f->http_error = "headers_too_large";
		f->http_detail = "response head over 16 KiB";
	} else if (err == EVREQ_HTTP_INVALID_HEADER) {
		f->http_detail = "invalid HTTP response head";
	} else if (err == EVREQ_HTTP_DATA_TOO_LONG) {
		f->http_error = "too_large";
		f->http_detail = "body larger than 1 MiB";
	}
}

/* Counts what arrives on the connection until the response head is
 * complete, to tell a head over the cap from a malformed one. */
static void http_input_added(struct evbuffer *b, const struct evbuffer_cb_info *info, void *arg)
{
	struct feed *f = arg;
	(void)b;
	if (!f->headers_read)
		f->head_bytes += info->n_added;
}

/* The response head is complete: libevent caps its bytes
 * (FEED_MAX_HEADER_BYTES), this its header lines. A negative return fails
 * the request. */
static int http_headers(struct evhttp_request *req, void *arg)
{
	struct feed *f = arg;
	size_t n = 0;
	const struct evkeyval *kv;
	for (kv = evhttp_request_get_input_headers(req)->tqh_first; kv; kv = kv->next.tqe_next)
		n++;
	if (n > FEED_MAX_HEADERS) {
		f->http_error = "headers_too_large";
		f->http_detail = "more than 64 header lines";
		return -1;
	}
	f->headers_read = true;
	return 0;
}

/* Stop f's name lookup, if one is pending. Its callback still comes (now,
 * or later from the loop) and frees the lookup without touching f. */
static void lookup_cancel(struct feed *f)
{
	struct lookup *l = f->lookup;
	if (!l)
		return;
	f->lookup = NULL;
	l->feed = NULL;
	evdns_getaddrinfo_cancel(l->req);
}

/* The whole poll took longer than the feed's timeout (a resolver or a
 * server that never answers, a feed that trickles a byte at a time). The
 * lookup is cancelled; freeing the connection drops its request without a
 * callback, and the next poll opens a new one. */
static void http_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct feed *f = arg;
	(void)fd;
	(void)what;
	if (!f->in_flight)
		return;
	lookup_cancel(f);
	if (f->conn)
		evhttp_connection_free(f->conn);
	f->conn = NULL;
	f->http_error = NULL;
	f->http_detail = NULL;
	http_poll_end(f);
	char d[64];
	snprintf(d, sizeof(d), "no complete answer within %u s", f->timeout);
	feed_result(f, NULL, "feed_timeout", d);
}

/* Send the poll's request to addr (a numeric address, the host name's
 * first), reusing the connection while the address stays the same. */
static void http_send(struct feed *f, const char *addr)
{
	if (f->conn && strcmp(f->conn_addr, addr) != 0) {
		evhttp_connection_free(f->conn);
		f->conn = NULL;
	}
	if (!f->conn) {
		f->conn = evhttp_connection_base_new(f->hp->base, f->hp->dns, addr,
		                                     (unsigned short)f->port);
		if (!f->conn) {
			http_poll_end(f);
			feed_result(f, NULL, "feed_unreachable", "cannot create connection");
			return;
		}
		snprintf(f->conn_addr, sizeof(f->conn_addr), "%s", addr);
		evhttp_connection_set_timeout(f->conn, (int)f->timeout);
		evhttp_connection_set_max_body_size(f->conn, FEED_MAX_BYTES);
		evhttp_connection_set_max_headers_size(f->conn, FEED_MAX_HEADER_BYTES);
		evhttp_connection_set_retries(f->conn, 0);
		evbuffer_add_cb(bufferevent_get_input(evhttp_connection_get_bufferevent(f->conn)),
		                http_input_added, f);
	}
	struct evhttp_request *req = evhttp_request_new(http_done, f);
	evhttp_request_set_error_cb(req, http_error);
	evhttp_request_set_header_cb(req, http_headers);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", f->host);
	evhttp_add_header(h, "User-Agent", "geodnsd/" GD_VERSION);
	evhttp_add_header(h, "Accept", "application/json");
	if (evhttp_make_request(f->conn, req, EVHTTP_REQ_GET, f->path) != 0 && f->in_flight) {
		/* refused before any callback ran */
		http_poll_end(f);
		feed_result(f, NULL, "feed_unreachable", "cannot send request");
	}
}

/* The feed's host name resolved, or not. Runs inside evdns_getaddrinfo for
 * a numeric address or a hosts-file name, later from the loop otherwise;
 * after lookup_cancel only to free the lookup. */
static void http_resolved(int err, struct evutil_addrinfo *ai, void *arg)
{
	struct lookup *l = arg;
	struct feed *f = l->feed;
	if (f && f->lookup == l)
		f->lookup = NULL;
	free(l);
	if (!f || !f->in_flight) {
		if (ai)
			evutil_freeaddrinfo(ai);
		return;
	}
	char addr[INET6_ADDRSTRLEN] = "";
	if (err == 0 && ai && ai->ai_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, addr,
		          sizeof(addr));
	else if (err == 0 && ai && ai->ai_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, addr,
		          sizeof(addr));
	if (ai)
		evutil_freeaddrinfo(ai);
	if (!addr[0]) {
		char d[128];
		snprintf(d, sizeof(d), "host name not resolved: %s",
		         err ? evutil_gai_strerror(err) : "no address");
		http_poll_end(f);
		feed_result(f, NULL, "feed_unreachable", d);
		return;
	}
	http_send(f, addr);
}

/*
 * An HTTP poll: resolve the host name (evdns, on the loop), then send the
 * request. The poll is in flight from the start until exactly one of
 * http_done, a failure on the way or http_deadline ends it.
 */
static void poll_http(struct feed *f)
{
	if (f->in_flight)
		return; /* the previous poll is still waiting for its deadline */
	/* in flight from here: a callback may run inside the calls below (a
	 * numeric address resolves at once, a failure may be found at once)
	 * and must find it so */
	f->in_flight = true;
	f->headers_read = false;
	f->head_bytes = 0;
	f->http_error = NULL;
	f->http_detail = NULL;
	struct timeval tv = {(time_t)f->timeout, 0};
	event_add(f->deadline, &tv);
	struct lookup *l = xcalloc(1, sizeof(*l));
	l->feed = f;
	f->lookup = l;
	struct evutil_addrinfo hints = {
	    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_TCP};
	struct evdns_getaddrinfo_request *req =
	    evdns_getaddrinfo(f->hp->dns, f->host, NULL, &hints, http_resolved, l);
	if (f->lookup != l)
		return; /* http_resolved ran already */
	if (!req) {
		/* no lookup and no callback (not seen in libevent 2.1) */
		f->lookup = NULL;
		free(l);
		http_poll_end(f);
		feed_result(f, NULL, "feed_unreachable", "cannot start the name lookup");
		return;
	}
	l->req = req; /* pending */
}

static void poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct feed *f = arg;
	(void)fd;
	(void)what;
	log_debug("event=feed_poll feed=%s in_flight=%d", f->spec, f->in_flight);
	if (f->is_file)
		poll_file(f);
	else
		poll_http(f);
}

static void load_state(struct health *hp);
static void save_state(struct health *hp);

static void save_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	save_state(arg);
}

static void kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct health *hp = arg;
	(void)fd;
	(void)what;
	pthread_mutex_lock(&hp->lock);
	publish_unlock(hp);
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

/*
 * The resolver for the feeds' host names, on the prober's loop. With
 * health.resolver, that server alone (and no hosts file); else the system's
 * /etc/resolv.conf and /etc/hosts, read now (health_create runs before a
 * chroot). Without a usable resolv.conf, 127.0.0.1 as the C library does:
 * numeric feed addresses work whatever the resolver.
 */
static struct evdns_base *resolver_new(struct event_base *base, const struct config *cfg)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	if (!dns)
		return NULL;
	if (cfg->health_resolver) {
		if (evdns_base_nameserver_ip_add(dns, cfg->health_resolver) != 0)
			log_error("event=resolver_failed resolver=%s", cfg->health_resolver);
		return dns;
	}
	static const char *const conf = "/etc/resolv.conf";
	int rc = evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL, conf);
	if (evdns_base_count_nameservers(dns) == 0)
		evdns_base_nameserver_ip_add(dns, "127.0.0.1");
	if (rc != 0)
		log_warn("event=resolver_config file=%s result=%s nameservers=%d", conf,
		         rc == 1   ? "missing"
		         : rc == 6 ? "no_nameserver"
		                   : "unreadable",
		         evdns_base_count_nameservers(dns));
	return dns;
}

struct health *health_start(const struct config *cfg, const struct region_table *rt,
			    health_publish_fn publish_fn, void *arg)
{
	return health_run(health_create(cfg, rt, publish_fn, arg));
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
	hp->feeds = xcalloc(cfg->nregions + 1, sizeof(struct feed));
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
		if (!rc->feed)
			continue;
		struct feed *f = NULL;
		for (size_t k = 0; k < hp->nfeeds; k++)
			if (strcmp(hp->feeds[k].spec, rc->feed) == 0)
				f = &hp->feeds[k];
		unsigned interval = pick(rc->interval, cfg->health_interval);
		unsigned timeout = pick(rc->timeout, cfg->health_timeout);
		if (!f) {
			f = &hp->feeds[hp->nfeeds++];
			f->hp = hp;
			f->spec = xstrdup(rc->feed);
			f->state = "ok";
			f->interval = interval;
			f->timeout = timeout;
			f->max_age = rs->max_age;
			if (strncmp(rc->feed, "file:", 5) == 0) {
				f->is_file = true;
				f->path = xstrdup(rc->feed + 5);
			} else {
				struct evhttp_uri *u = evhttp_uri_parse(rc->feed);
				f->host = xstrdup(evhttp_uri_get_host(u));
				f->port = evhttp_uri_get_port(u) > 0 ? evhttp_uri_get_port(u) : 80;
				const char *path = evhttp_uri_get_path(u);
				const char *query = evhttp_uri_get_query(u);
				char buf[2048];
				snprintf(buf, sizeof(buf), "%s%s%s", path && *path ? path : "/",
					 query ? "?" : "", query ? query : "");
				f->path = xstrdup(buf);
				evhttp_uri_free(u);
			}
		}
		/* a shared feed polls as often as its most demanding region */
		if (interval < f->interval)
			f->interval = interval;
		if (timeout > f->timeout)
			f->timeout = timeout;
		if (rs->max_age < f->max_age)
			f->max_age = rs->max_age;
		f->regions = xrealloc(f->regions, (f->nregions + 1) * sizeof(size_t));
		f->regions[f->nregions++] = i;
		rs->feed = f;
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
	for (size_t k = 0; k < hp->nfeeds; k++) {
		struct feed *f = &hp->feeds[k];
		f->timer = event_new(hp->base, -1, EV_PERSIST, poll_cb, f);
		f->deadline = evtimer_new(hp->base, http_deadline, f);
		http_feeds |= !f->is_file;
	}
	if (http_feeds)
		hp->dns = resolver_new(hp->base, cfg);
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
		load_state(hp);
	/* the start-up state, before any feed answered */
	pthread_mutex_lock(&hp->lock);
	hp->dirty = true;
	publish_unlock(hp);
	for (size_t k = 0; k < hp->nfeeds; k++) {
		struct feed *f = &hp->feeds[k];
		struct timeval tv = {(time_t)f->interval, 0};
		event_add(f->timer, &tv);
		event_active(f->timer, EV_TIMEOUT, 0); /* first poll now */
		log_info("event=feed_configured feed=%s interval=%u timeout=%u regions=%zu",
			 f->spec, f->interval, f->timeout, f->nregions);
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
	for (size_t k = 0; k < hp->nfeeds; k++) {
		struct feed *f = &hp->feeds[k];
		if (f->timer)
			event_free(f->timer);
		if (f->deadline)
			event_free(f->deadline);
		lookup_cancel(f);
		if (f->conn)
			evhttp_connection_free(f->conn);
		free(f->spec);
		free(f->path);
		free(f->host);
		free(f->regions);
		free(f->last_text);
	}
	for (size_t i = 0; i < hp->nregions; i++)
		free(hp->regions[i].eps);
	if (hp->kick)
		event_free(hp->kick);
	if (hp->save_timer)
		event_free(hp->save_timer);
	save_state(hp); /* a change the timer had not written yet */
	/* a cancelled lookup ends in a callback the loop delivers (deferred):
	 * let it run those before the resolver goes */
	for (int round = 0; hp->base && round < 4; round++)
		event_base_loop(hp->base, EVLOOP_NONBLOCK);
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
	free(hp->feeds);
	free(hp->regions);
	free(hp);
}

/* ---- admin overrides, status and metrics (HTTP thread) ---- */

/* Delay between an override and the write of the state file: the changes
 * made meanwhile go out in the same write. */
#define STATE_SAVE_DELAY_MS 200

/* The overrides changed: the state file is written from the prober's loop
 * STATE_SAVE_DELAY_MS later (and by health_stop), once for every change made
 * until then. Rewriting the whole file per change made n overrides cost
 * O(n^2). Called with hp->lock held. */
static void state_changed(struct health *hp)
{
	if (!hp->state_file || hp->state_dirty)
		return;
	hp->state_dirty = true;
	static const struct timeval delay = {0, STATE_SAVE_DELAY_MS * 1000};
	if (hp->save_timer)
		event_add(hp->save_timer, &delay);
}

/* Write the overrides to the state file (temporary file + rename, so a
 * crash never leaves half a file) when they changed since the last write.
 * The text is made under hp->lock, the file written outside it. From the
 * prober thread, or after it stopped: one writer at a time. */
static void save_state(struct health *hp)
{
	pthread_mutex_lock(&hp->lock);
	if (!hp->state_dirty) {
		pthread_mutex_unlock(&hp->lock);
		return;
	}
	hp->state_dirty = false;
	size_t noverrides = hp->noverrides;
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "{ \"drained\": [");
	bool first = true;
	for (size_t i = 0; i < hp->nregions; i++)
		if (hp->regions[i].drained) {
			sb_puts(&sb, first ? "\"" : ", \"");
			sb_json_string(&sb, hp->regions[i].name);
			sb_puts(&sb, "\"");
			first = false;
		}
	sb_puts(&sb, "],\n  \"endpoints\": {");
	for (size_t k = 0; k < hp->noverrides; k++) {
		char a[INET6_ADDRSTRLEN];
		key_str(hp->overrides[k].key, a, sizeof(a));
		sb_printf(&sb, "%s \"%s\": \"%s\"", k ? "," : "", a,
		          hp->overrides[k].up ? "up" : "down");
	}
	sb_puts(&sb, " } }\n");
	pthread_mutex_unlock(&hp->lock);

	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", hp->state_file);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		log_error("event=state_save_failed file=%s error=\"%s\"", tmp, strerror(errno));
	} else {
		bool ok = fwrite(sb.buf, 1, sb.len, f) == sb.len;
		ok = fclose(f) == 0 && ok;
		if (!ok || rename(tmp, hp->state_file) != 0)
			log_error("event=state_save_failed file=%s error=\"%s\"", hp->state_file,
			          strerror(errno));
		else
			log_debug("event=state_saved file=%s endpoints=%zu", hp->state_file,
			          noverrides);
	}
	sb_free(&sb);
}

int health_endpoint_key(const char *text, uint8_t key[17])
{
	memset(key, 0, 17);
	if (inet_pton(AF_INET, text, key + 1) == 1)
		key[0] = 1;
	else if (inet_pton(AF_INET6, text, key + 1) == 1)
		key[0] = 2;
	else
		return GD_EINVAL;
	return GD_OK;
}

/* An override read from the state file, and its place there. */
struct loaded_override {
	struct endpoint_override o;
	size_t seq;
};

static int loaded_override_compare(const void *a, const void *b)
{
	const struct loaded_override *x = a, *y = b;
	int c = memcmp(x->o.key, y->o.key, 17);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Read overrides saved by an earlier run; a bad file is logged and ignored
 * (the feeds decide then). Before the prober thread starts. */
static void load_state(struct health *hp)
{
	json_error_t err;
	json_t *root = json_load_file(hp->state_file, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		if (access(hp->state_file, F_OK) == 0)
			log_error("event=state_load_failed file=%s line=%d error=\"%s\"",
				  hp->state_file, err.line, err.text);
		return;
	}
	json_t *drained = json_object_get(root, "drained"), *v;
	size_t i;
	json_array_foreach(drained, i, v) {
		for (size_t k = 0; json_is_string(v) && k < hp->nregions; k++)
			if (strcmp(hp->regions[k].name, json_string_value(v)) == 0)
				hp->regions[k].drained = true;
	}
	const char *addr;
	json_t *eps = json_object_get(root, "endpoints");
	struct loaded_override *lo = xcalloc(json_object_size(eps) + 1, sizeof(*lo));
	size_t n = 0;
	json_object_foreach(eps, addr, v) {
		if (health_endpoint_key(addr, lo[n].o.key) != GD_OK || !json_is_string(v))
			continue;
		lo[n].o.up = strcmp(json_string_value(v), "up") == 0;
		lo[n].seq = n;
		n++;
	}
	json_decref(root);
	/* sorted, and of two spellings of one address the later counts */
	qsort(lo, n, sizeof(*lo), loaded_override_compare);
	hp->overrides = xrealloc(hp->overrides, (n + 1) * sizeof(*hp->overrides));
	hp->noverrides = 0;
	for (size_t k = 0; k < n; k++)
		if (k + 1 == n || memcmp(lo[k].o.key, lo[k + 1].o.key, 17) != 0)
			hp->overrides[hp->noverrides++] = lo[k].o;
	free(lo);
	log_info("event=state_loaded file=%s endpoints=%zu", hp->state_file, hp->noverrides);
}

int health_drain(struct health *hp, const char *region, bool drain)
{
	int rc = GD_ENOTFOUND;
	pthread_mutex_lock(&hp->lock);
	for (size_t i = 0; i < hp->nregions; i++) {
		struct region_state *rs = &hp->regions[i];
		if (strcmp(rs->name, region) != 0)
			continue;
		if (rs->drained != drain) {
			rs->drained = drain;
			hp->dirty = true;
			state_changed(hp);
		}
		rc = GD_OK;
	}
	pthread_mutex_unlock(&hp->lock);
	if (rc == GD_OK)
		event_active(hp->kick, EV_TIMEOUT, 0);
	return rc;
}

int health_endpoint_override(struct health *hp, const uint8_t key[17], int state)
{
	pthread_mutex_lock(&hp->lock);
	size_t n = hp->noverrides;
	size_t i = key_lower_bound(hp->overrides, n, sizeof(*hp->overrides), key);
	bool found = i < n && memcmp(hp->overrides[i].key, key, 17) == 0;
	if (state < 0) {
		if (!found) {
			pthread_mutex_unlock(&hp->lock);
			return GD_ENOTFOUND; /* nothing to undo: no change, no write */
		}
		memmove(&hp->overrides[i], &hp->overrides[i + 1],
		        (n - i - 1) * sizeof(*hp->overrides));
		hp->noverrides--;
	} else {
		if (!found) { /* inserted at its place: the array stays sorted */
			hp->overrides = xrealloc(hp->overrides, (n + 1) * sizeof(*hp->overrides));
			memmove(&hp->overrides[i + 1], &hp->overrides[i],
			        (n - i) * sizeof(*hp->overrides));
			memcpy(hp->overrides[i].key, key, 17);
			hp->noverrides++;
		}
		hp->overrides[i].up = state > 0;
	}
	hp->dirty = true;
	state_changed(hp);
	pthread_mutex_unlock(&hp->lock);
	event_active(hp->kick, EV_TIMEOUT, 0);
	return GD_OK;
}

static void iso_time(time_t t, char *buf, size_t cap)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void health_status_json(struct health *hp, struct strbuf *sb)
{
	pthread_mutex_lock(&hp->lock);
	sb_puts(sb, "{");
	for (size_t i = 0; i < hp->nregions; i++) {
		const struct region_state *rs = &hp->regions[i];
		char t[32];
		sb_printf(sb, "%s\n    \"", i ? "," : "");
		sb_json_string(sb, rs->name);
		const char *why = rs->drained ? "override" :
				  !rs->feed ? "no_feed" :
				  (rs->h.fails || rs->h.oks) ? "damping" : "feed";
		sb_printf(sb, "\": { \"state\": \"%s\", \"effective_weight\": %u, "
			  "\"feed_weight\": %u, \"drained\": %s, \"why\": \"%s\"",
			  rs->h.up ? "up" : "down", rs->drained ? 0 : rs->weight, rs->weight,
			  rs->drained ? "true" : "false", why);
		if (rs->last_reason)
			sb_printf(sb, ", \"last_failure\": \"%s\"", rs->last_reason);
		if (rs->feed) {
			sb_puts(sb, ", \"feed\": \"");
			sb_json_string(sb, rs->feed->spec);
			sb_printf(sb, "\", \"feed_state\": \"%s\"", rs->feed->state);
		}
		if (rs->last_good) {
			iso_time(rs->last_good, t, sizeof(t));
			sb_printf(sb, ", \"last_feed\": \"%s\"", t);
		}
		sb_puts(sb, ", \"endpoints\": {");
		bool first = true;
		for (size_t k = 0; k < rs->neps; k++) {
			char a[64];
			key_str(rs->eps[k].key, a, sizeof(a));
			int forced = override_of(hp, rs->eps[k].key);
			bool up = forced < 0 ? rs->eps[k].h.up : forced == 1;
			sb_printf(sb, "%s \"%s\": { \"state\": \"%s\", \"why\": \"%s\" }",
				  first ? "" : ",", a, up ? "up" : "down",
				  forced >= 0 ? "override" : "feed");
			first = false;
		}
		sb_puts(sb, " } }");
	}
	sb_puts(sb, "\n  }");
	if (hp->noverrides) {
		sb_puts(sb, ",\n  \"endpoint_overrides\": {");
		for (size_t k = 0; k < hp->noverrides; k++) {
			char a[64];
			key_str(hp->overrides[k].key, a, sizeof(a));
			sb_printf(sb, "%s \"%s\": \"%s\"", k ? "," : "", a,
				  hp->overrides[k].up ? "up" : "down");
		}
		sb_puts(sb, " }");
	}
	pthread_mutex_unlock(&hp->lock);
}

void health_metrics(struct health *hp, struct strbuf *sb)
{
	pthread_mutex_lock(&hp->lock);
	metrics_family(sb, "geodnsd_region_up", "gauge",
		       "1 when the region is up after damping, else 0.");
	for (size_t i = 0; i < hp->nregions; i++) {
		const char *l[] = {"region", hp->regions[i].name, NULL};
		metrics_sample_u64(sb, "geodnsd_region_up", l, hp->regions[i].h.up);
	}
	metrics_family(sb, "geodnsd_region_weight", "gauge",
		       "Effective weight of the region, 0..100 (0 when drained).");
	for (size_t i = 0; i < hp->nregions; i++) {
		const char *l[] = {"region", hp->regions[i].name, NULL};
		metrics_sample_u64(sb, "geodnsd_region_weight", l,
				   hp->regions[i].drained ? 0 : hp->regions[i].weight);
	}
	metrics_family(sb, "geodnsd_region_drained", "gauge",
		       "1 when an admin override drains the region.");
	for (size_t i = 0; i < hp->nregions; i++) {
		const char *l[] = {"region", hp->regions[i].name, NULL};
		metrics_sample_u64(sb, "geodnsd_region_drained", l, hp->regions[i].drained);
	}
	metrics_family(sb, "geodnsd_endpoint_up", "gauge",
		       "1 when an endpoint named by a feed or an override is up.");
	for (size_t i = 0; i < hp->nregions; i++) {
		const struct region_state *rs = &hp->regions[i];
		for (size_t k = 0; k < rs->neps; k++) {
			char a[64];
			key_str(rs->eps[k].key, a, sizeof(a));
			int forced = override_of(hp, rs->eps[k].key);
			const char *l[] = {"region", rs->name, "endpoint", a, NULL};
			metrics_sample_u64(sb, "geodnsd_endpoint_up", l,
					   forced < 0 ? rs->eps[k].h.up : forced == 1);
		}
	}
	metrics_family(sb, "geodnsd_endpoint_override", "gauge",
		       "Admin endpoint overrides: 1 forced up, 0 forced down.");
	for (size_t k = 0; k < hp->noverrides; k++) {
		char a[64];
		key_str(hp->overrides[k].key, a, sizeof(a));
		const char *l[] = {"endpoint", a, NULL};
		metrics_sample_u64(sb, "geodnsd_endpoint_override", l, hp->overrides[k].up);
	}
	metrics_family(sb, "geodnsd_feed_polls_total", "counter", "Feed polls by result.");
	for (size_t k = 0; k < hp->nfeeds; k++) {
		const char *ok[] = {"feed", hp->feeds[k].spec, "result", "ok", NULL};
		const char *bad[] = {"feed", hp->feeds[k].spec, "result", "failed", NULL};
		metrics_sample_u64(sb, "geodnsd_feed_polls_total", ok, hp->feeds[k].polls_ok);
		metrics_sample_u64(sb, "geodnsd_feed_polls_total", bad, hp->feeds[k].polls_failed);
	}
	metrics_family(sb, "geodnsd_feed_seconds_since_success", "gauge",
		       "Seconds since the feed last gave a good document (-1: never).");
	time_t now = time(NULL);
	for (size_t k = 0; k < hp->nfeeds; k++) {
		const char *l[] = {"feed", hp->feeds[k].spec, NULL};
		metrics_sample(sb, "geodnsd_feed_seconds_since_success", l,
			       hp->feeds[k].last_ok ? (double)(now - hp->feeds[k].last_ok) : -1);
	}
	pthread_mutex_unlock(&hp->lock);
}
