/*
 * rcache.c - the answer cache: whole response bodies per worker, replayed
 * for the same question (and, for a geo answer, the same client network and
 * health generation) without a lookup. A static entry holds a response no
 * client decided; a geo entry one service decision that holds for the
 * client's whole key network (IPv4 /24, IPv6 /56). Entries are for one
 * snapshot generation: a reload empties the cache by making it stale.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "resp.h"

#include "common/gd.h"
#include "common/hash.h"
#include "dns/wire.h"
#include "health/health.h"

#include <string.h>
#include <time.h>

#define RCACHE_SIGNED_HOURS 24 /* a signed body is replayed this long */

/* The hour of now, as signed_hour counts it. */
static uint16_t hour_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (uint16_t)(ts.tv_sec / 3600);
}

_Static_assert(sizeof(struct resp_cache_entry) == 256, "a cache entry is four lines");

/* The key of a geo entry: the client network's bits and a tag of the
 * family, whether ECS decided, and ECS SOURCE (it decides which reserved
 * networks apply). ctag 0 is a static entry's. */
static void rcache_client(const struct resp *r, uint64_t *client, uint16_t *ctag)
{
	const uint8_t *a = r->caddr;
	uint64_t k;
	if (r->cfamily == 2)
		k = rd64(a) >> (64 - ANSWER_GEO_CACHE_V6);
	else
		k = rd32(a) >> (32 - ANSWER_GEO_CACHE_V4);
	*client = k;
	*ctag = (uint16_t)(r->cfamily | (r->use_ecs ? 4u | (unsigned)r->q->ecs.source << 3 : 0u));
}

/* Two lower-cased names of len octets (at most ANSWER_RCACHE_NAME), both
 * zero-padded to a multiple of 8: a word at a time. */
static inline bool same_name(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint64_t diff = 0;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		diff |= x ^ y;
	}
	return diff == 0;
}

static struct resp_cache_entry *rcache_set(struct answer_worker *aw, uint32_t hash,
					   uint16_t qtype, uint64_t client, uint16_t ctag)
{
	uint64_t k = ((uint64_t)hash << 32 | (uint64_t)qtype << 16 | ctag) ^
		     client * 0x9E3779B97F4A7C15ull;
	return &aw->rcache[(mix64(k) & (ANSWER_RESP_CACHE / ANSWER_RESP_WAYS - 1)) *
			   ANSWER_RESP_WAYS];
}

static const struct resp_cache_entry *rcache_probe(const struct resp *r, uint32_t hash,
						   uint64_t client, uint16_t ctag)
{
	const struct query *q = r->q;
	const struct resp_cache_entry *e = rcache_set(r->aw, hash, q->qtype, client, ctag);
	uint64_t hgen = r->health ? r->health->generation : 0;
	for (int way = 0; way < ANSWER_RESP_WAYS; way++, e++) {
		if (e->hash == hash && e->qtype == q->qtype && e->ctag == ctag &&
		    e->qname_len == q->qname_len && e->generation == r->set->generation &&
		    (ctag == 0 || (e->client == client && e->health == hgen)) &&
		    (e->dnssec != 0) == r->dnssec && same_name(e->lname, q->lname, q->qname_len))
			return e->dnssec == 2 && (uint16_t)(hour_now() - e->signed_hour) >=
			                             RCACHE_SIGNED_HOURS
			           ? NULL
			           : e;
	}
	return NULL;
}

/* The cached response for this question and client, or NULL: a static one
 * first; for the types a service answers, a geo one for the client. */
const struct resp_cache_entry *rcache_find(struct resp *r, uint32_t hash)
{
	if (!service_qtype(r->q->qtype))
		return rcache_probe(r, hash, 0, 0); /* no service answers it */
	bool geo_first = r->aw->rkind[hash & (ANSWER_RKIND - 1)] == 2;
	const struct resp_cache_entry *e = geo_first ? NULL : rcache_probe(r, hash, 0, 0);
	if (e)
		return e;
	geoanswer_client_address(r);
	if (r->cfamily) {
		uint64_t client;
		uint16_t ctag;
		rcache_client(r, &client, &ctag);
		e = rcache_probe(r, hash, client, ctag);
	}
	/* after a geo hint no static probe: a static name that shares the
	 * hint's slot is answered afresh, and its store resets the hint */
	return e;
}

/* The cached body written after the question, with what it counts as. */
bool rcache_replay(struct resp *r, const struct resp_cache_entry *e)
{
	struct wire_writer *w = &r->w;
	if (w->len > w->cap || w->cap - w->len < e->body_len)
		return false; /* this client's limit is smaller: answered afresh */
	memcpy(w->buf + w->len, e->body, e->body_len);
	w->len += e->body_len;
	r->an = e->an;
	r->ns = e->ns;
	r->ar = e->ar;
	if (e->aa)
		r->flags |= DNS_FLAG_AA;
	r->zone = e->zone;
	r->ecs_scope = e->scope;
	struct answer_counters *ctr = &r->aw->counters;
	CTR_INC(ctr->answer_cache_hit);
	if (!e->ctag)
		return true;
	/* a geo answer counts as answer_service counts it */
	geoanswer_count_ecs_ignored(r);
	geoanswer_count(r, e->service, e->service_region, e->region, e->fail_open);
	return true;
}

/* Keep a complete response: a static one, or one service decision that
 * holds for the client's whole key network. */
void rcache_store(struct resp *r, uint32_t hash)
{
	const struct query *q = r->q;
	size_t body = r->w.len - r->question_end;
	if (r->nocache || r->rcode != RCODE_NOERROR || (r->flags & DNS_FLAG_TC) ||
	    r->nsvc > 1 || body > ANSWER_RCACHE_BODY || (r->nsvc && !geoanswer_net_wide(r)))
		return;
	uint64_t client = 0;
	uint16_t ctag = 0;
	if (r->nsvc)
		rcache_client(r, &client, &ctag);
	struct resp_cache_entry *e = rcache_set(r->aw, hash, q->qtype, client, ctag);
	/* a way that is empty or stale, else each in turn */
	unsigned way = 0;
	while (way < ANSWER_RESP_WAYS && e[way].qname_len &&
	       e[way].generation == r->set->generation)
		way++;
	if (way == ANSWER_RESP_WAYS)
		way = r->aw->rcache_turn++ % ANSWER_RESP_WAYS;
	e += way;
	e->generation = r->set->generation;
	e->health = r->nsvc && r->health ? r->health->generation : 0;
	e->client = client;
	e->zone = r->zone;
	e->hash = hash;
	e->qtype = q->qtype;
	e->ctag = ctag;
	e->an = r->an;
	e->ns = r->ns;
	e->ar = r->ar;
	e->region = r->svc_region;
	e->service_region = r->svc_sr;
	e->service = r->svc_index;
	e->qname_len = q->qname_len;
	e->body_len = (uint8_t)body;
	e->scope = r->ecs_scope;
	e->aa = r->flags & DNS_FLAG_AA;
	e->fail_open = r->svc_fail_open;
	e->dnssec = r->signed_any ? 2 : r->dnssec;
	e->signed_hour = r->signed_any ? hour_now() : 0;
	/* the whole array (the name, its padding and what follows in lname):
	 * a copy of constant size is a few moves, not a call */
	memcpy(e->lname, q->lname, sizeof(e->lname));
	memcpy(e->body, r->w.buf + r->question_end, body);
	if (service_qtype(q->qtype))
		r->aw->rkind[hash & (ANSWER_RKIND - 1)] = r->nsvc ? 2 : 1;
}
