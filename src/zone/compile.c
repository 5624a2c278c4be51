/*
 * compile.c - pass 2 of loading a zone: the records sorted by owner and
 * type and turned into nodes and RRsets in one arena, empty non-terminals
 * added, RRsets pre-rendered, the negative SOA rendered, NS/MX/SRV targets
 * resolved within the zone (targets in other zones are found through the
 * zone database when answering).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "zone_internal.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/wire.h"
#include "geo/service.h"

#include <ldns/ldns.h>

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_rec(const void *a, const void *b)
{
	const struct zone_record *x = a, *y = b;
	/* group by owner (any total order will do), then type, then rdata */
	if (x->ownerlen != y->ownerlen)
		return x->ownerlen < y->ownerlen ? -1 : 1;
	int c = memcmp(x->owner, y->owner, x->ownerlen);
	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->rdlen != y->rdlen)
		return x->rdlen < y->rdlen ? -1 : 1;
	c = memcmp(x->rdata, y->rdata, x->rdlen);
	if (c)
		return c;
	/* keep file order among duplicates: the first one's line is reported */
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

struct node *zone_lookup_h(const struct zone *z, const uint8_t *lname, size_t len, uint32_t h)
{
	for (size_t i = h & z->mask;; i = (i + 1) & z->mask) {
		struct node *n = z->table[i];
		if (!n)
			return NULL;
		if (n->hash == h && n->namelen == len && memcmp(n->name, lname, len) == 0)
			return n;
	}
}

struct node *zone_lookup(const struct zone *z, const uint8_t *lname, size_t len)
{
	return zone_lookup_h(z, lname, len, name_hash(lname, len));
}

void table_insert(struct zone *z, struct node *n)
{
	for (size_t i = n->hash & z->mask;; i = (i + 1) & z->mask) {
		if (!z->table[i]) {
			z->table[i] = n;
			return;
		}
	}
}

static struct node *new_node(struct zone *z, const uint8_t *lname, size_t len)
{
	struct node *n = arena_alloc(&z->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->name = arena_dup(&z->arena, lname, len);
	n->namelen = (uint8_t)len;
	n->labels = (uint8_t)wire_name_labels(lname);
	n->hash = name_hash(lname, len);
	table_insert(z, n);
	z->nnodes++;
	return n;
}

void zone_stub_apex(struct zone *z)
{
	z->mask = 1;
	z->table = xcalloc(2, sizeof(struct node *));
	z->apex = new_node(z, z->origin, z->origin_len);
	z->apex->flags = NODE_APEX;
}

/* Does the answer code compress names inside this type's rdata? */
static bool rdata_has_names(uint16_t type)
{
	return type == TYPE_NS || type == TYPE_CNAME || type == TYPE_PTR || type == TYPE_MX ||
	       type == TYPE_SOA;
}

/* The records pre-rendered for the common answer: owned by the question
 * name (a pointer to offset 12), TTL and class as they go out. */
void render_rrset(struct zone *z, struct rrset *rs, size_t rdata_bytes)
{
	rs->wire = NULL;
	rs->wire_len = 0;
	if (rdata_has_names(rs->type))
		return;
	size_t len = rdata_bytes + (size_t)rs->count * 10;
	uint8_t *p = arena_alloc(&z->arena, len);
	rs->wire = p;
	rs->wire_len = (uint32_t)len;
	const uint8_t *rd = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++, rd = rrset_rdata_next(rd)) {
		size_t rdlen = rd16(rd);
		p[0] = 0xC0;
		p[1] = DNS_HEADER_LEN;
		wr16(p + 2, rs->type);
		wr16(p + 4, CLASS_IN);
		wr32(p + 6, rs->ttl);
		memcpy(p + 10, rd, 2 + rdlen);
		p += 12 + rdlen;
	}
}

/* The label of name directly under the apex, if name is below it. */
static void label_under_apex(const struct zone *z, const uint8_t *name, uint8_t out[64])
{
	out[0] = 0;
	unsigned labels = wire_name_labels(name);
	if (labels <= z->labels || !wire_name_is_sub(name, z->origin))
		return;
	const uint8_t *p = name;
	for (unsigned i = 0; i + 1 < labels - z->labels; i++)
		p += *p + 1;
	memcpy(out, p, *p + 1u);
}

/* Render the negative answer's SOA record (struct soa_template): through
 * wire_put_name after a question that is the apex alone, then note where
 * each compression pointer went. */
void render_neg_soa(struct zone *z)
{
	struct soa_template *t = &z->neg_soa;
	memset(t, 0, sizeof(*t));
	if (z->labels == 0)
		return; /* the root's owner is never a pointer */
	const struct rrset *soa = z->soa;
	uint8_t buf[DNS_HEADER_LEN + WIRE_NAME_MAX + 10 + 2 * WIRE_NAME_MAX + 20];
	struct wire_writer w;
	wire_writer_init(&w, buf, sizeof(buf));
	memset(buf, 0, DNS_HEADER_LEN);
	w.len = DNS_HEADER_LEN;
	if (wire_put_name(&w, z->origin, true) < 0)
		return;
	size_t start = w.len;
	const uint8_t *rd = soa->rdata + 2;
	size_t rdlen = rd16(soa->rdata);
	size_t l1 = wire_name_len(rd, rdlen);
	if (wire_put_name(&w, z->origin, true) < 0 || wire_put16(&w, TYPE_SOA) < 0 ||
	    wire_put16(&w, CLASS_IN) < 0 || wire_put32(&w, z->neg_ttl) < 0 ||
	    wire_put16(&w, 0) < 0)
		return;
	size_t rdata_at = w.len;
	if (wire_put_name(&w, rd, true) < 0 || wire_put_name(&w, rd + l1, true) < 0 ||
	    wire_put(&w, rd + rdlen - 20, 20) < 0)
		return;
	wr16(buf + rdata_at - 2, (uint16_t)(w.len - rdata_at));
	/* the pointers: the owner's, and at most one ending each name */
	size_t at[3] = {start, 0, 0};
	size_t p = rdata_at;
	for (int i = 1; i < 3; i++) {
		while (buf[p] && (buf[p] & 0xC0) != 0xC0)
			p += buf[p] + 1u;
		at[i] = p;
		p += buf[p] ? 2 : 1;
	}
	for (int i = 0; i < 3; i++) {
		if ((buf[at[i]] & 0xC0) != 0xC0)
			continue;
		size_t target = rd16(buf + at[i]) & 0x3FFF;
		bool in_record = target >= start;
		t->fix[t->nfix].at = (uint16_t)(at[i] - start);
		t->fix[t->nfix].base = (uint16_t)(target - (in_record ? start : DNS_HEADER_LEN));
		t->fix[t->nfix].in_record = in_record;
		t->nfix++;
	}
	t->len = (uint16_t)(w.len - start);
	t->wire = arena_dup(&z->arena, buf + start, t->len);
	label_under_apex(z, rd, t->under[0]);
	label_under_apex(z, rd + l1, t->under[1]);
}

bool zone_take_soa(struct zone *z, const struct rrset *soa)
{
	/* serial and MINIMUM: after two names, 5 x 32 bits */
	const uint8_t *rd = soa->rdata + 2;
	size_t rdlen = rd16(soa->rdata);
	size_t l1 = wire_name_len(rd, rdlen);
	size_t l2 = l1 ? wire_name_len(rd + l1, rdlen - l1) : 0;
	if (!l1 || !l2 || l1 + l2 + 20 != rdlen)
		return false;
	z->serial = rd32(rd + l1 + l2);
	uint32_t minimum = rd32(rd + l1 + l2 + 16);
	z->neg_ttl = soa->ttl < minimum ? soa->ttl : minimum;
	z->soa = soa;
	render_neg_soa(z);
	return true;
}

/* Find or create the node for lname and all its ancestors up to the apex. */
static struct node *ensure_node(struct zone *z, const uint8_t *lname, size_t len)
{
	struct node *n = zone_lookup(z, lname, len);
	if (n)
		return n;
	n = new_node(z, lname, len);
	if (len > z->origin_len) {
		const uint8_t *parent = lname + lname[0] + 1;
		n->parent = ensure_node(z, parent, len - lname[0] - 1u);
		n->parent->children++;
		if (lname[0] == 1 && lname[1] == '*')
			n->parent->wildcard = n;
	}
	return n;
}

const struct rrset *node_rrset(const struct node *n, uint16_t type)
{
	for (unsigned i = 0; i < n->nrrsets; i++)
		if (n->rrsets[i].type == type)
			return &n->rrsets[i];
	return NULL;
}

static const uint8_t *rdata_name_at(const struct rrset *rs, const uint8_t *rd)
{
	/* the target name of an NS (offset 0), MX (2) or SRV (6) record */
	size_t off = rs->type == TYPE_NS ? 0 : rs->type == TYPE_MX ? 2 : 6;
	return rd + 2 + off;
}

int target_name_of(const struct rrset *rs, const uint8_t *rd, struct target_name *t,
                          uint8_t *lname, uint8_t *label_off, uint32_t *hashes)
{
	size_t rdlen = rd16(rd);
	size_t off = rs->type == TYPE_NS ? 0 : rs->type == TYPE_MX ? 2 : 6;
	if (rdlen <= off)
		return -1;
	const uint8_t *name = rdata_name_at(rs, rd);
	size_t nl = wire_name_len(name, rdlen - off);
	if (!nl)
		return -1;
	wire_name_lower(name, nl, lname);
	t->nlabels = wire_label_offsets(lname, label_off);
	wire_suffix_hashes(lname, label_off, t->nlabels, hashes);
	t->lname = lname;
	t->label_off = label_off;
	t->hashes = hashes;
	t->len = nl;
	return 0;
}

bool resolve_rrset_targets(struct zone *z, struct rrset *rs)
{
	bool inside = false;
	rs->targets = arena_alloc(&z->arena, rs->count * sizeof(struct node *));
	rs->outside = NULL;
	const uint8_t *rd = rs->rdata;
	for (unsigned k = 0; k < rs->count; k++, rd = rrset_rdata_next(rd)) {
		rs->targets[k] = NULL;
		struct target_name t;
		uint8_t lname[WIRE_NAME_MAX], off[WIRE_LABELS_MAX];
		uint32_t hashes[WIRE_LABELS_MAX + 1];
		if (target_name_of(rs, rd, &t, lname, off, hashes) < 0)
			continue;
		if (wire_name_is_sub(lname, z->origin)) {
			rs->targets[k] = zone_lookup_h(z, lname, t.len, hashes[0]);
			inside = true;
			continue;
		}
		if (!rs->outside) {
			size_t sz = rs->count * sizeof(*rs->outside);
			rs->outside = memset(arena_alloc(&z->arena, sz), 0, sz);
		}
		struct target_name *kept = arena_alloc(&z->arena, sizeof(*kept));
		kept->lname = arena_dup(&z->arena, lname, t.len);
		kept->label_off = arena_dup(&z->arena, off, t.nlabels ? t.nlabels : 1);
		kept->hashes = arena_dup(&z->arena, hashes, (t.nlabels + 1) * sizeof(*hashes));
		kept->len = t.len;
		kept->nlabels = t.nlabels;
		rs->outside[k] = kept;
	}
	return inside;
}

static bool has_targets(uint16_t type)
{
	return type == TYPE_NS || type == TYPE_MX || type == TYPE_SRV;
}

/* Point each NS/MX/SRV record at its target's node when the target is in
 * the zone's names; keep the others as names for zonedb_target. */
static void resolve_targets(struct zone *z)
{
	size_t cap = 0;
	for (size_t b = 0; b <= z->mask; b++) {
		struct node *n = z->table[b];
		if (!n)
			continue;
		bool inside = false;
		for (unsigned i = 0; i < n->nrrsets; i++)
			if (has_targets(n->rrsets[i].type))
				inside |= resolve_rrset_targets(z, &n->rrsets[i]);
		if (!inside)
			continue;
		if (z->ntnodes == cap) {
			cap = cap ? 2 * cap : 16;
			z->tnodes = xrealloc(z->tnodes, cap * sizeof(*z->tnodes));
		}
		z->tnodes[z->ntnodes++] = n;
	}
}

uint16_t rrset_node_flags(uint16_t type, bool apex)
{
	if (type == TYPE_CNAME)
		return NODE_CNAME;
	if (type == TYPE_DNAME)
		return NODE_DNAME;
	if (type == TYPE_NS && !apex)
		return NODE_DELEG;
	return 0;
}

void zone_compile(struct loader *ld)
{
	struct zone *z = ld->z;
	if (ld->nrecs)
		qsort(ld->recs, ld->nrecs, sizeof(struct zone_record), cmp_rec);
	/* bound the node count: each distinct owner brings at most its labels
	 * below the apex as new nodes (itself and empty non-terminals) */
	size_t bound = 1;
	for (size_t i = 0; i < ld->nrecs; i++) {
		const struct zone_record *r = &ld->recs[i];
		if (i > 0 && r->ownerlen == r[-1].ownerlen &&
		    memcmp(r->owner, r[-1].owner, r->ownerlen) == 0)
			continue;
		bound += wire_name_labels(r->owner) - z->labels;
	}
	for (size_t i = 0; z->services && i < z->services->n; i++)
		bound += wire_name_labels(z->services->svcs[i].name) - z->labels;
	size_t size = 64;
	while (size < bound * 2)
		size <<= 1;
	z->table = xcalloc(size, sizeof(struct node *));
	z->mask = size - 1;
	z->apex = ensure_node(z, z->origin, z->origin_len);
	z->apex->flags |= NODE_APEX;

	size_t i = 0;
	while (i < ld->nrecs) {
		size_t j = i;
		while (j < ld->nrecs && ld->recs[j].ownerlen == ld->recs[i].ownerlen &&
		       memcmp(ld->recs[j].owner, ld->recs[i].owner, ld->recs[i].ownerlen) == 0)
			j++;
		struct node *n = ensure_node(z, ld->recs[i].owner, ld->recs[i].ownerlen);
		/* count types */
		unsigned ntypes = 0;
		for (size_t k = i; k < j; k++)
			if (k == i || ld->recs[k].type != ld->recs[k - 1].type)
				ntypes++;
		n->rrsets = arena_alloc(&z->arena, ntypes * sizeof(struct rrset));
		n->nrrsets = (uint16_t)ntypes;
		unsigned t = 0;
		size_t k = i;
		while (k < j) {
			size_t m = k;
			size_t bytes = 0;
			unsigned count = 0;
			while (m < j && ld->recs[m].type == ld->recs[k].type) {
				bool dup = m > k && ld->recs[m].rdlen == ld->recs[m - 1].rdlen &&
					   memcmp(ld->recs[m].rdata, ld->recs[m - 1].rdata,
						  ld->recs[m].rdlen) == 0;
				if (dup) {
					diag_warn(ld->diag, ld->recs[m].file, ld->recs[m].line, 0,
						  "duplicate record ignored");
					ld->recs[m].line = -ld->recs[m].line; /* mark */
				} else {
					bytes += 2u + ld->recs[m].rdlen;
					count++;
					if (ld->recs[m].ttl != ld->recs[k].ttl)
						diag_warn(ld->diag, ld->recs[m].file,
							  ld->recs[m].line, 0,
							  "TTL %u differs from %u of the rest of "
							  "the RRset; using %u",
							  ld->recs[m].ttl, ld->recs[k].ttl,
							  ld->recs[k].ttl);
				}
				m++;
			}
			struct rrset *rs = &n->rrsets[t++];
			rs->type = ld->recs[k].type;
			rs->ttl = ld->recs[k].ttl;
			rs->count = (uint16_t)(count > 65535 ? 65535 : count);
			uint8_t *rd = arena_alloc(&z->arena, bytes);
			rs->rdata = rd;
			rs->targets = NULL;
			rs->outside = NULL;
			for (size_t x = k; x < m; x++) {
				if (ld->recs[x].line < 0)
					continue;
				wr16(rd, ld->recs[x].rdlen);
				memcpy(rd + 2, ld->recs[x].rdata, ld->recs[x].rdlen);
				rd += 2 + ld->recs[x].rdlen;
			}
			render_rrset(z, rs, bytes);
			n->flags |= rrset_node_flags(rs->type, n == z->apex);
			k = m;
		}
		i = j;
	}
	z->nrecords = ld->nrecs;
	for (size_t x = 0; z->services && x < z->services->n; x++) {
		struct service *svc = &z->services->svcs[x];
		struct node *n = ensure_node(z, svc->name, svc->name_len);
		n->flags |= NODE_SERVICE;
		n->service = svc;
	}
	resolve_targets(z);
}
