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
 * never appears. Records go out with dns/wire.c's
 * writer, as answers do: the same name compression, the same rdata writer
 * (wire_put_rdata).
 *
 * The one cost per transfer is sorting the names: an array of node
 * pointers (8 octets per name that has records) sorted with a comparison
 * that walks labels from the root. For 1M names that is 8 MB and about
 * 0.8 s of the transfer thread (one-off measurement, 4-label names, qsort);
 * if it matters next to the time of sending, the order can be computed once
 * per zone load and shared by every transfer of it. The question is written as received but
 * is not a compression target, so every owner and rdata name goes out in
 * the zone's own case whatever case the request used.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr/axfr.h"

#include "common/gd.h"
#include "dns/wire.h"
#include "zone/zone.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum axfr_phase { AXFR_SOA_FIRST, AXFR_BODY, AXFR_SOA_LAST, AXFR_DONE };

/* Where the stream is: the next record to write. */
struct axfr_cursor {
	enum axfr_phase phase;
	size_t name;       /* index in names[] (AXFR_BODY) */
	unsigned rrset;    /* index in the node's rrsets */
	unsigned rec;      /* record in the rrset */
	const uint8_t *rd; /* that record's length field */
};

struct axfr_state {
	const struct zone *z;
	const struct node **names; /* the nodes with records, canonical order */
	size_t nnames;
	struct axfr_cursor cur;
	uint16_t id;
	uint16_t rd_flag; /* the request's RD, copied */
	uint16_t qtype, qclass;
	uint8_t qname_len;
	uint8_t qname[WIRE_NAME_MAX];
	uint64_t records, messages;
};

/* Canonical order (RFC 4034 6.1) of two lower-case wire names: label by
 * label from the root, each label as an octet string (a shorter label that
 * is a prefix of the other first), a name before the names below it. */
static int canonical_cmp(const void *a, const void *b)
{
	const struct node *x = *(const struct node *const *)a;
	const struct node *y = *(const struct node *const *)b;
	uint8_t xo[WIRE_LABELS_MAX], yo[WIRE_LABELS_MAX];
	unsigned xl = wire_label_offsets(x->name, xo);
	unsigned yl = wire_label_offsets(y->name, yo);
	while (xl && yl) {
		const uint8_t *p = x->name + xo[--xl];
		const uint8_t *q = y->name + yo[--yl];
		int c = memcmp(p + 1, q + 1, *p < *q ? *p : *q);
		if (c)
			return c;
		if (*p != *q)
			return *p < *q ? -1 : 1;
	}
	return (xl > yl) - (xl < yl);
}

/* Move the cursor onto a record to write: past the apex's SOA (it opens
 * and closes the stream) and past names' ends; after the last name the
 * closing SOA. */
static void cursor_settle(const struct axfr_state *s, struct axfr_cursor *c)
{
	while (c->phase == AXFR_BODY) {
		if (c->name == s->nnames) {
			c->phase = AXFR_SOA_LAST;
			return;
		}
		const struct node *n = s->names[c->name];
		if (c->rrset == n->nrrsets) {
			c->name++;
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

static void cursor_advance(const struct axfr_state *s, struct axfr_cursor *c)
{
	switch (c->phase) {
	case AXFR_SOA_FIRST: *c = (struct axfr_cursor){.phase = AXFR_BODY}; break;
	case AXFR_BODY:
		c->rec++;
		c->rd = rrset_rdata_next(c->rd);
		break;
	case AXFR_SOA_LAST:
	case AXFR_DONE: c->phase = AXFR_DONE; return;
	}
	cursor_settle(s, c);
}

struct axfr_state *axfr_begin(const struct zone *z, const struct query *q)
{
	if (!z->soa || !z->apex)
		return NULL;
	struct axfr_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->z = z;
	for (size_t b = 0; b <= z->mask; b++)
		if (z->table[b] && z->table[b]->nrrsets)
			s->nnames++;
	s->names = malloc((s->nnames ? s->nnames : 1) * sizeof(*s->names));
	if (!s->names) {
		free(s);
		return NULL;
	}
	size_t k = 0;
	for (size_t b = 0; b <= z->mask; b++)
		if (z->table[b] && z->table[b]->nrrsets)
			s->names[k++] = z->table[b];
	qsort(s->names, s->nnames, sizeof(*s->names), canonical_cmp);
	/* every name is at or below the apex, so the apex sorts first */
	assert(s->nnames && s->names[0] == z->apex);
	s->id = q->id;
	s->rd_flag = q->flags & DNS_FLAG_RD;
	s->qtype = q->qtype;
	s->qclass = q->qclass;
	s->qname_len = q->qname_len;
	memcpy(s->qname, q->qname, q->qname_len);
	s->cur.phase = AXFR_SOA_FIRST;
	return s;
}

/* The record under the cursor (SOA in the first and last phases). */
static void cursor_record(const struct axfr_state *s, const struct axfr_cursor *c,
                          const uint8_t **owner, const struct rrset **rs, const uint8_t **rd)
{
	if (c->phase == AXFR_BODY) {
		const struct node *n = s->names[c->name];
		*owner = n->name;
		*rs = &n->rrsets[c->rrset];
		*rd = c->rd;
	} else {
		*owner = s->z->apex->name;
		*rs = s->z->soa;
		*rd = s->z->soa->rdata;
	}
}

/* One record, whole or not at all (the writer rolled back). */
static int put_record(struct wire_writer *w, const uint8_t *owner, const struct rrset *rs,
                      const uint8_t *rd)
{
	struct wire_mark m = wire_mark(w);
	int rc = wire_put_name(w, owner, true);
	if (rc == GD_OK && (wire_put16(w, rs->type) < 0 || wire_put16(w, CLASS_IN) < 0 ||
	                    wire_put32(w, rs->ttl) < 0))
		rc = GD_ESPACE;
	if (rc == GD_OK)
		rc = wire_put_rdata(w, rs->type, rd + 2, rd16(rd));
	if (rc < 0)
		wire_rollback(w, m);
	return rc;
}

int axfr_next_message(struct axfr_state *s, uint8_t *buf, size_t cap, size_t *len)
{
	if (s->cur.phase == AXFR_DONE)
		return 0;
	if (cap > 65535)
		cap = 65535;
	bool first = s->messages == 0;
	struct wire_writer w;
	wire_writer_init(&w, buf, cap);
	uint16_t flags = DNS_FLAG_QR | DNS_FLAG_AA | s->rd_flag; /* opcode QUERY, NOERROR */
	if (wire_put16(&w, s->id) < 0 || wire_put16(&w, flags) < 0 ||
	    wire_put16(&w, first ? 1 : 0) < 0 || wire_put16(&w, 0) < 0 || wire_put16(&w, 0) < 0 ||
	    wire_put16(&w, 0) < 0)
		return GD_ESPACE;
	/* the question as received, not a compression target (see above) */
	if (first && (wire_put(&w, s->qname, s->qname_len) < 0 || wire_put16(&w, s->qtype) < 0 ||
	              wire_put16(&w, s->qclass) < 0))
		return GD_ESPACE;
	struct axfr_cursor c = s->cur;
	unsigned an = 0;
	while (c.phase != AXFR_DONE && an < 65535) {
		const uint8_t *owner, *rd;
		const struct rrset *rs;
		cursor_record(s, &c, &owner, &rs, &rd);
		int rc = put_record(&w, owner, rs, rd);
		if (rc == GD_ESPACE && an > 0)
			break; /* the message is full: the record opens the next */
		if (rc < 0)
			return rc; /* s->cur untouched: the caller may retry */
		an++;
		cursor_advance(s, &c);
	}
	wr16(buf + 6, (uint16_t)an);
	s->cur = c;
	s->records += an;
	s->messages++;
	*len = w.len;
	return 1;
}

void axfr_progress(const struct axfr_state *s, uint64_t *records, uint64_t *messages)
{
	*records = s->records;
	*messages = s->messages;
}

void axfr_end(struct axfr_state *s)
{
	if (!s)
		return;
	free(s->names);
	free(s);
}
