/*
 * diff.c - the difference between two versions of a zone (journal.h):
 * computed from two compiled zones, condensed over several versions,
 * checked when read back from a journal file.
 *
 * Computing it walks each zone's node table once: a node of the new zone
 * is looked up in the old one and their RRsets compared (the RRsets of a
 * node are sorted by type, and two equal RRsets have the same records in
 * the same order since compile.c sorts them, so an unchanged RRset costs a
 * memcmp); a node of the old zone only when the new zone has no node of
 * its name. Only the names found changed are kept, sorted, and walked
 * again to copy their changed records, so the time is that of the two
 * tables and the memory that of the change.
 *
 * Condensing keys each record by all it is (owner, type, TTL, rdata: the
 * packed record's octets) in a hash table and toggles it: a removal of a
 * record the sequence added earlier cancels it and so does an addition of
 * a record it removed earlier. In a contiguous sequence a record's
 * operations alternate (each difference removes only what the version
 * before it had), so what is left is exactly the difference between the
 * first version and the last.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr_internal.h"

#include "common/gd.h"
#include "zone/zone.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* ---- packed records ---- */

const uint8_t *xrr_read(const uint8_t *p, struct diff_rr *rr)
{
	rr->owner_len = p[0];
	rr->owner = p + 1;
	p += 1 + rr->owner_len;
	rr->type = rd16(p);
	rr->ttl = rd32(p + 2);
	rr->rdlen = rd16(p + 6);
	rr->rdata = p + 8;
	return p + 8 + rr->rdlen;
}

/* rdata in the order compile.c keeps an RRset's: length, then octets */
static int rdata_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

int xrr_cmp(const struct diff_rr *a, const struct diff_rr *b)
{
	int c = xfr_name_cmp(a->owner, b->owner);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	c = rdata_cmp(a->rdata, a->rdlen, b->rdata, b->rdlen);
	if (c)
		return c;
	return (a->ttl > b->ttl) - (a->ttl < b->ttl);
}

static size_t xrr_size(const struct diff_rr *rr)
{
	return XRR_FIXED + rr->owner_len + rr->rdlen;
}

/* The one writer of a packed record: into memory with room for it. */
static void put_rr(uint8_t **p, const struct diff_rr *rr)
{
	uint8_t *q = *p;
	q[0] = rr->owner_len;
	memcpy(q + 1, rr->owner, rr->owner_len);
	q += 1 + rr->owner_len;
	wr16(q, rr->type);
	wr32(q + 2, rr->ttl);
	wr16(q + 6, rr->rdlen);
	memcpy(q + 8, rr->rdata, rr->rdlen);
	*p = q + 8 + rr->rdlen;
}

void xbuf_put_rr(struct xbuf *b, const struct diff_rr *rr)
{
	size_t n = xrr_size(rr);
	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	uint8_t *at = b->p + b->len;
	put_rr(&at, rr);
	b->len += n;
}

void xbuf_free(struct xbuf *b)
{
	free(b->p);
	*b = (struct xbuf){0};
}

/* ---- the difference ---- */

static void put_raw(uint8_t **p, const void *data, size_t n)
{
	memcpy(*p, data, n);
	*p += n;
}

/* A difference of len octets of records with one reference; the caller
 * fills data and the offsets. */
static struct diff *diff_alloc(size_t len, size_t nremoved, size_t nadded)
{
	struct diff *d = malloc(sizeof(*d) + len);
	if (d)
		*d = (struct diff){.refs = 1, .nremoved = nremoved, .nadded = nadded, .len = len};
	return d;
}

struct diff *diff_make(const struct diff_rr *soa_old, const struct xbuf *removed, size_t nremoved,
                       const struct diff_rr *soa_new, const struct xbuf *added, size_t nadded)
{
	size_t len = xrr_size(soa_old) + removed->len + xrr_size(soa_new) + added->len;
	struct diff *d = diff_alloc(len, nremoved, nadded);
	if (!d)
		return NULL;
	uint8_t *p = d->data;
	put_rr(&p, soa_old);
	d->off_removed = (size_t)(p - d->data);
	if (removed->len)
		put_raw(&p, removed->p, removed->len);
	d->off_soa_new = (size_t)(p - d->data);
	put_rr(&p, soa_new);
	d->off_added = (size_t)(p - d->data);
	if (added->len)
		put_raw(&p, added->p, added->len);
	assert((size_t)(p - d->data) == len);
	d->serial_from = d->serial_to = 0; /* a zone's SOA has them (check.c) */
	xfr_soa_serial(soa_old->rdata, soa_old->rdlen, &d->serial_from);
	xfr_soa_serial(soa_new->rdata, soa_new->rdlen, &d->serial_to);
	return d;
}

struct diff *diff_ref(struct diff *d)
{
	__atomic_add_fetch(&d->refs, 1, __ATOMIC_RELAXED);
	return d;
}

void diff_free(struct diff *d)
{
	if (d && __atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(d);
}

uint32_t diff_serial_from(const struct diff *d)
{
	return d->serial_from;
}

uint32_t diff_serial_to(const struct diff *d)
{
	return d->serial_to;
}

size_t diff_removed(const struct diff *d)
{
	return d->nremoved;
}

size_t diff_added(const struct diff *d)
{
	return d->nadded;
}

size_t diff_bytes(const struct diff *d)
{
	return sizeof(*d) + d->len;
}

void diff_iter_init(const struct diff *d, enum diff_part part, struct diff_iter *it)
{
	size_t from = 0, to = d->off_removed;
	switch (part) {
	case DIFF_SOA_OLD: break;
	case DIFF_REMOVED: from = d->off_removed, to = d->off_soa_new; break;
	case DIFF_SOA_NEW: from = d->off_soa_new, to = d->off_added; break;
	case DIFF_ADDED: from = d->off_added, to = d->len; break;
	}
	it->p = d->data + from;
	it->end = d->data + to;
}

bool diff_iter_next(struct diff_iter *it, struct diff_rr *rr)
{
	if (it->p >= it->end)
		return false;
	it->p = xrr_read(it->p, rr);
	return true;
}

/* ---- two zones ---- */

/* The next RRset of n from *i on that is records of a difference: the
 * apex's SOA is kept apart. NULL at the end (or for no node). */
static const struct rrset *next_rrset(const struct node *n, unsigned *i)
{
	while (n && *i < n->nrrsets) {
		const struct rrset *rs = &n->rrsets[(*i)++];
		if (rs->count && !(rs->type == TYPE_SOA && (n->flags & NODE_APEX)))
			return rs;
	}
	return NULL;
}

static size_t rrset_octets(const struct rrset *rs)
{
	const uint8_t *p = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++)
		p = rrset_rdata_next(p);
	return (size_t)(p - rs->rdata);
}

static bool rrset_same(const struct rrset *a, const struct rrset *b)
{
	if (!a || !b || a->ttl != b->ttl || a->count != b->count)
		return false;
	size_t n = rrset_octets(a);
	return n == rrset_octets(b) && memcmp(a->rdata, b->rdata, n) == 0;
}

/* What the walk of one changed name writes to. */
struct diff_build {
	struct xbuf removed, added;
	size_t nremoved, nadded;
	const uint8_t **ra, **rb; /* scratch: the records of two RRsets */
	size_t scratch;
	bool nomem;
};

static int rdptr_cmp(const void *a, const void *b)
{
	const uint8_t *x = *(const uint8_t *const *)a, *y = *(const uint8_t *const *)b;
	return rdata_cmp(x + 2, rd16(x), y + 2, rd16(y));
}

/* The records of rs into out, sorted; count returned (0 for NULL). */
static size_t sorted_records(const struct rrset *rs, const uint8_t **out)
{
	if (!rs)
		return 0;
	const uint8_t *p = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++, p = rrset_rdata_next(p))
		out[i] = p;
	qsort(out, rs->count, sizeof(*out), rdptr_cmp);
	return rs->count;
}

static void emit(struct xbuf *b, size_t *count, const struct node *n, const struct rrset *rs,
                 const uint8_t *rd)
{
	struct diff_rr rr = {n->name, n->namelen, rs->type, rs->ttl, rd16(rd), rd + 2};
	xbuf_put_rr(b, &rr);
	(*count)++;
}

/* The difference of one RRset (either may be NULL): a merge of the sorted
 * records; with another TTL no record is the same. */
static void rrset_diff(struct diff_build *b, const struct node *on, const struct rrset *o,
                       const struct node *nn, const struct rrset *n)
{
	size_t ca = o ? o->count : 0, cb = n ? n->count : 0, need = ca > cb ? ca : cb;
	if (need > b->scratch) {
		const uint8_t **ra = realloc(b->ra, need * sizeof(*ra));
		const uint8_t **rb = ra ? realloc(b->rb, need * sizeof(*rb)) : NULL;
		if (ra)
			b->ra = ra;
		if (!rb) {
			b->nomem = true;
			return;
		}
		b->rb = rb;
		b->scratch = need;
	}
	size_t na = sorted_records(o, b->ra), nb = sorted_records(n, b->rb);
	bool same_ttl = o && n && o->ttl == n->ttl;
	size_t i = 0, k = 0;
	while (i < na || k < nb) {
		int c;
		if (i == na)
			c = 1;
		else if (k == nb)
			c = -1;
		else if (!same_ttl)
			c = -1; /* all of the old first, then all of the new */
		else
			c = rdptr_cmp(&b->ra[i], &b->rb[k]);
		if (c < 0)
			emit(&b->removed, &b->nremoved, on, o, b->ra[i++]);
		else if (c > 0)
			emit(&b->added, &b->nadded, nn, n, b->rb[k++]);
		else
			i++, k++;
	}
}

/*
 * The RRsets of two nodes of one name (either may be NULL) paired by type.
 * With b NULL: is any pair different? With b: the differences written.
 */
static bool node_pairs(const struct node *on, const struct node *nn, struct diff_build *b)
{
	unsigned i = 0, k = 0;
	const struct rrset *x = next_rrset(on, &i), *y = next_rrset(nn, &k);
	while (x || y) {
		const struct rrset *o = x && (!y || x->type <= y->type) ? x : NULL;
		const struct rrset *n = y && (!x || y->type <= x->type) ? y : NULL;
		if (!rrset_same(o, n)) {
			if (!b)
				return true;
			rrset_diff(b, on, o, nn, n);
		}
		if (o)
			x = next_rrset(on, &i);
		if (n)
			y = next_rrset(nn, &k);
	}
	return false;
}

static int name_ptr_cmp(const void *a, const void *b)
{
	return xfr_name_cmp(*(const uint8_t *const *)a, *(const uint8_t *const *)b);
}

/* The names whose records differ, collected from one walk of each table. */
static const uint8_t **changed_names(const struct zone *old, const struct zone *new, size_t *n)
{
	const uint8_t **names = NULL;
	size_t count = 0, cap = 0;
	for (int side = 0; side < 2; side++) {
		const struct zone *z = side ? old : new, *other = side ? new : old;
		for (size_t b = 0; b <= z->mask; b++) {
			const struct node *x = z->table[b];
			/* one node in the same place of both tables: a version
			 * made by zone_patch shares the nodes it did not change */
			if (!x || (other->mask == z->mask && other->table[b] == x))
				continue;
			const struct node *y = zone_lookup(other, x->name, x->namelen);
			/* a name in both zones was compared from the new one */
			if ((side && y) ||
			    !(side ? node_pairs(x, NULL, NULL) : node_pairs(y, x, NULL)))
				continue;
			if (count == cap) {
				cap = cap ? cap * 2 : 64;
				const uint8_t **p = realloc(names, cap * sizeof(*p));
				if (!p) {
					free(names);
					return NULL;
				}
				names = p;
			}
			names[count++] = x->name;
		}
	}
	*n = count;
	return names ? names : malloc(sizeof(*names));
}

static struct diff_rr soa_rr(const struct zone *z)
{
	const uint8_t *rd = z->soa->rdata;
	return (struct diff_rr){z->apex->name, z->apex->namelen, TYPE_SOA,
	                        z->soa->ttl,   rd16(rd),         rd + 2};
}

int diff_zones(const struct zone *old, const struct zone *new, struct diff **out)
{
	if (!old->soa || !new->soa || !old->apex || !new->apex ||
	    old->origin_len != new->origin_len || memcmp(old->origin, new->origin, old->origin_len))
		return GD_EINVAL;
	size_t n = 0;
	const uint8_t **names = changed_names(old, new, &n);
	if (!names)
		return GD_ENOMEM;
	qsort(names, n, sizeof(*names), name_ptr_cmp);
	struct diff_build b = {0};
	for (size_t i = 0; i < n && !b.nomem; i++) {
		size_t len = wire_name_len(names[i], WIRE_NAME_MAX);
		node_pairs(zone_lookup(old, names[i], len), zone_lookup(new, names[i], len), &b);
	}
	free(names);
	free(b.ra);
	free(b.rb);
	struct diff_rr so = soa_rr(old), sn = soa_rr(new);
	struct diff *d = NULL;
	if (!b.nomem && !b.removed.failed && !b.added.failed)
		d = diff_make(&so, &b.removed, b.nremoved, &sn, &b.added, b.nadded);
	xbuf_free(&b.removed);
	xbuf_free(&b.added);
	if (!d)
		return GD_ENOMEM;
	*out = d;
	return GD_OK;
}

/* ---- condensing ---- */

struct toggle {
	const uint8_t *rec; /* packed record; NULL: empty slot */
	size_t len;
	uint64_t hash;
	bool added;
	bool live; /* false: cancelled (the slot stays for the key) */
};

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void toggle(struct toggle *t, size_t mask, const uint8_t *rec, size_t len, bool added)
{
	uint64_t h = fnv1a(rec, len);
	size_t i = h & mask;
	while (t[i].rec && !(t[i].hash == h && t[i].len == len && memcmp(t[i].rec, rec, len) == 0))
		i = (i + 1) & mask;
	if (!t[i].rec) {
		t[i] = (struct toggle){rec, len, h, added, true};
		return;
	}
	if (!t[i].live) {
		t[i].live = true;
		t[i].added = added;
		t[i].rec = rec;
	} else if (t[i].added != added) {
		t[i].live = false; /* the two cancel */
	}
	/* the same operation twice cannot come from a contiguous sequence;
	 * the record stays as the first one left it */
}

static void toggle_part(struct toggle *t, size_t mask, const struct diff *d, enum diff_part part)
{
	struct diff_iter it;
	struct diff_rr rr;
	diff_iter_init(d, part, &it);
	const uint8_t *p = it.p;
	while (diff_iter_next(&it, &rr)) {
		toggle(t, mask, p, (size_t)(it.p - p), part == DIFF_ADDED);
		p = it.p;
	}
}

static int rr_cmp(const void *a, const void *b)
{
	return xrr_cmp(a, b);
}

/* The live records of one kind, sorted, into out. */
static bool collect(const struct toggle *t, size_t size, bool added, struct diff_rr *scratch,
                    struct xbuf *out, size_t *count)
{
	size_t n = 0;
	for (size_t i = 0; i < size; i++)
		if (t[i].rec && t[i].live && t[i].added == added)
			xrr_read(t[i].rec, &scratch[n++]);
	qsort(scratch, n, sizeof(*scratch), rr_cmp);
	for (size_t i = 0; i < n; i++)
		xbuf_put_rr(out, &scratch[i]);
	*count = n;
	return !out->failed;
}

int diff_condense(struct diff *const *seq, size_t n, struct diff **out)
{
	if (n == 0)
		return GD_EINVAL;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && seq[i]->serial_from != seq[i - 1]->serial_to)
			return GD_EINVAL;
		total += seq[i]->nremoved + seq[i]->nadded;
	}
	if (n == 1) {
		*out = diff_ref(seq[0]);
		return GD_OK;
	}
	size_t size = 16;
	while (size < 2 * total)
		size *= 2;
	struct toggle *t = calloc(size, sizeof(*t));
	struct diff_rr *scratch = malloc((total ? total : 1) * sizeof(*scratch));
	struct xbuf removed = {0}, added = {0};
	size_t nremoved = 0, nadded = 0;
	struct diff *d = NULL;
	if (t && scratch) {
		for (size_t i = 0; i < n; i++) {
			toggle_part(t, size - 1, seq[i], DIFF_REMOVED);
			toggle_part(t, size - 1, seq[i], DIFF_ADDED);
		}
		struct diff_iter it;
		struct diff_rr so, sn;
		diff_iter_init(seq[0], DIFF_SOA_OLD, &it);
		diff_iter_next(&it, &so);
		diff_iter_init(seq[n - 1], DIFF_SOA_NEW, &it);
		diff_iter_next(&it, &sn);
		if (collect(t, size, false, scratch, &removed, &nremoved) &&
		    collect(t, size, true, scratch, &added, &nadded))
			d = diff_make(&so, &removed, nremoved, &sn, &added, nadded);
	}
	free(t);
	free(scratch);
	xbuf_free(&removed);
	xbuf_free(&added);
	if (!d)
		return GD_ENOMEM;
	*out = d;
	return GD_OK;
}

/* ---- from a file ---- */

static bool name_is_lower(const uint8_t *name)
{
	for (; *name; name += *name + 1)
		for (unsigned i = 1; i <= *name; i++)
			if (name[i] >= 'A' && name[i] <= 'Z')
				return false;
	return true;
}

/* One packed record of untrusted octets [*p, end) for a zone at origin;
 * *p moves past it. */
static bool check_rr(const uint8_t **p, const uint8_t *end, const uint8_t *origin,
                     struct diff_rr *rr)
{
	size_t left = (size_t)(end - *p);
	if (left < XRR_FIXED || left < (size_t)XRR_FIXED + (*p)[0])
		return false;
	uint8_t ol = (*p)[0];
	if (!ol || wire_name_len(*p + 1, ol) != ol || !name_is_lower(*p + 1) ||
	    !wire_name_is_sub(*p + 1, origin))
		return false;
	size_t rdlen = rd16(*p + 1 + ol + 6);
	if (left < (size_t)XRR_FIXED + ol + rdlen)
		return false;
	*p = xrr_read(*p, rr);
	return rr->type != 0;
}

/* An SOA of the origin with this serial. */
static bool check_soa(const uint8_t **p, const uint8_t *end, const uint8_t *origin, uint32_t serial)
{
	struct diff_rr rr;
	uint32_t s;
	return check_rr(p, end, origin, &rr) && rr.type == TYPE_SOA &&
	       wire_name_equal(rr.owner, origin) && xfr_soa_serial(rr.rdata, rr.rdlen, &s) &&
	       s == serial;
}

static bool check_records(const uint8_t **p, const uint8_t *end, const uint8_t *origin, size_t n)
{
	struct diff_rr rr;
	for (size_t i = 0; i < n; i++)
		if (!check_rr(p, end, origin, &rr) || rr.type == TYPE_SOA)
			return false;
	return true;
}

int diff_parse(const uint8_t *origin, uint32_t serial_from, uint32_t serial_to, const uint8_t *data,
               size_t len, size_t nremoved, size_t nadded, struct diff **out)
{
	const uint8_t *p = data, *end = data + len;
	size_t off_removed, off_soa_new, off_added;
	if (!check_soa(&p, end, origin, serial_from))
		return GD_EFORMAT;
	off_removed = (size_t)(p - data);
	if (!check_records(&p, end, origin, nremoved))
		return GD_EFORMAT;
	off_soa_new = (size_t)(p - data);
	if (!check_soa(&p, end, origin, serial_to))
		return GD_EFORMAT;
	off_added = (size_t)(p - data);
	if (!check_records(&p, end, origin, nadded) || p != end)
		return GD_EFORMAT;
	struct diff *d = diff_alloc(len, nremoved, nadded);
	if (!d)
		return GD_ENOMEM;
	memcpy(d->data, data, len);
	d->serial_from = serial_from;
	d->serial_to = serial_to;
	d->off_removed = off_removed;
	d->off_soa_new = off_soa_new;
	d->off_added = off_added;
	*out = d;
	return GD_OK;
}
