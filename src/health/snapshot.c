/*
 * snapshot.c - the health_snapshot the prober publishes and the workers
 * read: each region's state and weight and its down endpoints, sorted so
 * that health_endpoint_up (per answer) is a binary search.
 *
 * build_snapshot makes one from the prober's state (region states, feed
 * endpoint states, admin overrides) under hp->lock; health_publish_unlock hands
 * it to the publish callback, which swaps it in with RCU like the zones.
 * Also here: the 17-byte endpoint keys that snapshots, endpoint states and
 * overrides are sorted by (key_lower_bound and key_find are in
 * health_internal.h, inline for health_endpoint_up).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health_internal.h"

#include "common/gd.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* An endpoint key as the address's text. */
void health_key_str(const uint8_t *key, char *buf, size_t cap)
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
			if (!rs->eps[k].h.up && health_override_of(hp, rs->eps[k].key) < 0)
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
void health_publish_unlock(struct health *hp)
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
