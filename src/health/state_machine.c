/*
 * state_machine.c - the health state machine: hysteresis, the checks one
 * poll gives each region and endpoint, and the admin overrides.
 *
 * A round of a feed's polls ends in a document to apply or the feed lost
 * (feed_list.c). Every region the feed is responsible for then takes one
 * check (health_list_apply), healthy or not, and its endpoints take one each;
 * a region or endpoint flips after down_after failed or up_after healthy
 * checks in a row (hysteresis_step). State changes are logged as one line
 * each, and when anything visible changed a new snapshot is published
 * (health_publish_unlock, snapshot.c). Admin overrides (drain, endpoint up/down)
 * come from the HTTP thread, take effect at once and are saved by
 * state_file.c.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health_internal.h"

#include "common/gd.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* The admin override of an endpoint: 1 up, 0 down, -1 none. O(log n). */
int health_override_of(const struct health *hp, const uint8_t *key)
{
	const struct endpoint_override *o =
	    key_find(hp->overrides, hp->noverrides, sizeof(*hp->overrides), key);
	return o ? o->up : -1;
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
			health_key_str(es->key, a, sizeof(a));
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

/* The outcome of a round of l's polls (feed_list.c), for every region l
 * feeds: doc, the document applied, or the feed lost with reason. Called
 * with hp->lock held; the caller publishes. */
void health_list_apply(struct feed_list *l, const struct feed_doc *doc, const char *reason)
{
	struct health *hp = l->hp;
	for (size_t i = 0; i < l->nregions; i++) {
		struct region_state *rs = &hp->regions[l->regions[i]];
		if (!doc) {
			if (!rs->keep_on_loss)
				region_check(hp, rs, false, reason);
			continue;
		}
		const struct feed_region *fr = NULL;
		for (size_t k = 0; k < doc->nregions; k++)
			if (doc->regions[k].region == l->regions[i])
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
			health_state_changed(hp);
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
	health_state_changed(hp);
	pthread_mutex_unlock(&hp->lock);
	event_active(hp->kick, EV_TIMEOUT, 0);
	return GD_OK;
}
