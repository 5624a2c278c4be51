/*
 * carry.c - answer counts of snapshots already replaced. Each snapshot owns
 * its per-service, per-region answer counters; when a reload replaces it,
 * server_publish folds its counts in here, keyed by zone, service and
 * region name, so the metrics never go backwards across reloads.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/carry.h"

#include "common/counter.h"
#include "common/gd.h"
#include "geo/service.h"
#include "server/snapshot.h"
#include "zone/zone.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct carry {
	char *zone, *service, *region;
	uint64_t answers, fail_open;
};

struct carry_table {
	pthread_mutex_t lock;
	struct carry *entries;
	size_t n, cap;
	uint32_t *index; /* hash of the names -> entry + 1; 0 empty */
	size_t mask;
};

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

static void carry_index_rebuild(struct carry_table *t, size_t size)
{
	free(t->index);
	t->index = xcalloc(size, sizeof(uint32_t));
	t->mask = size - 1;
	for (size_t i = 0; i < t->n; i++) {
		const struct carry *c = &t->entries[i];
		size_t b = carry_hash(c->zone, c->service, c->region) & t->mask;
		while (t->index[b])
			b = (b + 1) & t->mask;
		t->index[b] = (uint32_t)(i + 1);
	}
}

/* The carried counts of (zone, service, region); made when create is set,
 * else NULL when there are none. Hashed: a reload or a scrape touches every
 * (service, region) of every zone, tens of thousands with many services. */
static struct carry *carry_get(struct carry_table *t, const char *zone, const char *service,
			       const char *region, bool create)
{
	uint32_t h = carry_hash(zone, service, region);
	if (t->index) {
		for (size_t b = h & t->mask; t->index[b];
		     b = (b + 1) & t->mask) {
			struct carry *c = &t->entries[t->index[b] - 1];
			if (strcmp(c->zone, zone) == 0 && strcmp(c->service, service) == 0 &&
			    strcmp(c->region, region) == 0)
				return c;
		}
	}
	if (!create)
		return NULL;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->entries = xrealloc(t->entries, t->cap * sizeof(struct carry));
	}
	struct carry *c = &t->entries[t->n++];
	c->zone = xstrdup(zone);
	c->service = xstrdup(service);
	c->region = xstrdup(region);
	c->answers = c->fail_open = 0;
	if (!t->index || t->n * 2 > t->mask + 1) {
		size_t size = t->index ? (t->mask + 1) * 2 : 128;
		carry_index_rebuild(t, size); /* c included */
	} else {
		size_t b = h & t->mask;
		while (t->index[b])
			b = (b + 1) & t->mask;
		t->index[b] = (uint32_t)t->n;
	}
	return c;
}

void snapshot_service_counts(const struct snapshot *snap, carry_count_fn *fn, void *arg)
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

struct carry_table *carry_table_new(void)
{
	struct carry_table *t = xcalloc(1, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void carry_table_free(struct carry_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->entries[i].zone);
		free(t->entries[i].service);
		free(t->entries[i].region);
	}
	free(t->entries);
	free(t->index);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void carry_fold(struct carry_table *t, const struct snapshot *old)
{
	pthread_mutex_lock(&t->lock);
	snapshot_service_counts(old, fold_cb, t);
	pthread_mutex_unlock(&t->lock);
}

struct with_carry {
	struct carry_table *t;
	carry_count_fn *fn;
	void *arg;
};

static void add_carried(void *arg, const char *zone, const char *svc, const char *region,
			uint64_t answers, uint64_t fail_open)
{
	struct with_carry *wc = arg;
	const struct carry *c = carry_get(wc->t, zone, svc, region, false);
	if (c) {
		answers += c->answers;
		fail_open += c->fail_open;
	}
	wc->fn(wc->arg, zone, svc, region, answers, fail_open);
}

void carry_service_counts(struct carry_table *t, const struct snapshot *snap, carry_count_fn *fn,
			  void *arg)
{
	struct with_carry wc = {t, fn, arg};
	pthread_mutex_lock(&t->lock);
	snapshot_service_counts(snap, add_carried, &wc);
	pthread_mutex_unlock(&t->lock);
}
