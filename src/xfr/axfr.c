/*
 * axfr.c - the AXFR response stream (RFC 5936): a cursor over a compiled
 * zone's records (SOA, the apex's other RRsets, the other names in
 * canonical order, SOA again) and the writer that fills one message at a
 * time from it.
 *
 * The records are the zone's as loaded (zone/compile.c keeps every RRset,
 * glue and occluded data included, at its node; check.c only marks and
 * warns), so the stream is what the zone file said after duplicates were
 * dropped and each RRset's TTL made one. A geo service defined in the zone
 * is a TYPE65281 record at its name and goes out as any record does (the
 * secondary gets the policy with the records, under one serial); a service
 * from a services file is no record, its name a node without RRsets, and
 * never appears. The messages are message.c's, shared with the IXFR
 * stream: records go out with dns/wire.c's writer, as answers do (the same
 * name compression, the same rdata writer, wire_put_rdata).
 *
 * The names are sorted once per zone (axfr_prepare): an array of node
 * pointers (8 octets per name that has records) sorted with a comparison
 * that walks labels from the root, kept with the zone and shared by every
 * transfer of it. For 1M names that is 8 MB and about 0.7 s, which the
 * reload thread spends for the zones that may be transferred (a transfer
 * that started each sort of its own blocked the transfer thread's loop
 * that long). The question is written as received but
 * is not a compression target, so every owner and rdata name goes out in
 * the zone's own case whatever case the request used.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr/axfr.h"

#include "xfr_internal.h"

#include "common/gd.h"
#include "dns/wire.h"
#include "zone/zone.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum axfr_phase { AXFR_SOA_FIRST, AXFR_BODY, AXFR_SOA_LAST, AXFR_DONE };

/* The cursor: phase, pos the index in names[] (AXFR_BODY), rrset the
 * index in the node's RRsets, rec the record in the RRset, rd that
 * record's length field. */
struct axfr_state {
	struct xfr_stream st; /* first: the stream's callbacks get it */
	const struct zone *z;
	const struct node **names; /* the zone's xfr_order */
	size_t nnames;
};

/* The nodes in canonical order (RFC 4034 6.1) of their names. */
static int canonical_cmp(const void *a, const void *b)
{
	const struct node *x = *(const struct node *const *)a;
	const struct node *y = *(const struct node *const *)b;
	return xfr_name_cmp(x->name, y->name);
}

/* Move the cursor onto a record to write: past the apex's SOA (it opens
 * and closes the stream) and past names' ends; after the last name the
 * closing SOA. */
static void cursor_settle(const struct axfr_state *s, struct xfr_cursor *c)
{
	while (c->phase == AXFR_BODY) {
		if (c->pos == s->nnames) {
			c->phase = AXFR_SOA_LAST;
			return;
		}
		const struct node *n = s->names[c->pos];
		if (c->rrset == n->nrrsets) {
			c->pos++;
			c->rrset = 0;
			c->rec = 0;
			continue;
		}
		const struct rrset *rs = &n->rrsets[c->rrset];
		if (rs == s->z->soa || c->rec == rs->count) {
			c->rrset++;
			c->rec = 0;
			continue;
		}
		if (c->rec == 0)
			c->rd = rs->rdata;
		return;
	}
}

static void cursor_advance(const struct xfr_stream *st, struct xfr_cursor *c)
{
	const struct axfr_state *s = (const struct axfr_state *)st;
	switch (c->phase) {
	case AXFR_SOA_FIRST: *c = (struct xfr_cursor){.phase = AXFR_BODY}; break;
	case AXFR_BODY:
		c->rec++;
		c->rd = rrset_rdata_next(c->rd);
		break;
	case AXFR_SOA_LAST:
	case AXFR_DONE: c->phase = AXFR_DONE; return;
	}
	cursor_settle(s, c);
}

/* The record under the cursor (SOA in the first and last phases). */
static bool cursor_record(const struct xfr_stream *st, const struct xfr_cursor *c,
                          struct diff_rr *rr)
{
	const struct axfr_state *s = (const struct axfr_state *)st;
	const struct node *n = c->phase == AXFR_BODY ? s->names[c->pos] : s->z->apex;
	const struct rrset *rs = c->phase == AXFR_BODY ? &n->rrsets[c->rrset] : s->z->soa;
	const uint8_t *rd = c->phase == AXFR_BODY ? c->rd : rs->rdata;
	*rr = (struct diff_rr){n->name, n->namelen, rs->type, rs->ttl, rd16(rd), rd + 2};
	return c->phase != AXFR_DONE;
}

int axfr_prepare(const struct zone *z)
{
	if (__atomic_load_n(&z->xfr_order, __ATOMIC_ACQUIRE))
		return GD_OK;
	if (!z->apex)
		return GD_EINVAL;
	size_t n = 0;
	for (size_t b = 0; b <= z->mask; b++)
		if (z->table[b] && z->table[b]->nrrsets)
			n++;
	const struct node **names = malloc((n ? n : 1) * sizeof(*names));
	if (!names)
		return GD_ENOMEM;
	size_t k = 0;
	for (size_t b = 0; b <= z->mask; b++)
		if (z->table[b] && z->table[b]->nrrsets)
			names[k++] = z->table[b];
	qsort(names, n, sizeof(*names), canonical_cmp);
	/* every name is at or below the apex, so the apex sorts first */
	assert(n && names[0] == z->apex);
	/* the one change to a published zone: the count first, then the
	 * pointer, released; a thread that lost the race frees its copy */
	struct zone *w = (struct zone *)z;
	const struct node **none = NULL;
	__atomic_store_n(&w->xfr_norder, n, __ATOMIC_RELAXED);
	if (!__atomic_compare_exchange_n(&w->xfr_order, &none, names, false, __ATOMIC_RELEASE,
	                                 __ATOMIC_ACQUIRE))
		free(names);
	return GD_OK;
}

struct axfr_state *axfr_begin(const struct zone *z, const struct query *q)
{
	if (!z->soa || !z->apex || axfr_prepare(z) != GD_OK)
		return NULL;
	struct axfr_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->z = z;
	s->names = __atomic_load_n(&z->xfr_order, __ATOMIC_ACQUIRE);
	s->nnames = z->xfr_norder;
	xfr_request_copy(&s->st.req, q);
	s->st.cur.phase = AXFR_SOA_FIRST;
	s->st.record = cursor_record;
	s->st.advance = cursor_advance;
	return s;
}

int axfr_next_message(struct axfr_state *s, uint8_t *buf, size_t cap, size_t *len)
{
	return xfr_next_message(&s->st, buf, cap, len, 65535);
}

void axfr_progress(const struct axfr_state *s, uint64_t *records, uint64_t *messages)
{
	*records = s->st.records;
	*messages = s->st.messages;
}

void axfr_end(struct axfr_state *s)
{
	free(s); /* names are the zone's */
}
