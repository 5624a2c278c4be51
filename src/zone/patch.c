/*
 * patch.c - a new version of a zone made from the one served and the
 * RRsets that change (zone_patch), in time proportional to the change,
 * not to the zone: what a secondary does with an IXFR.
 *
 * The new version has its own node table (a copy of the old one's
 * pointers), and shares every node it does not change with the old
 * version. A node that changes is copied first (copy on write), and so is
 * every node that points at one that changed or went: the parent whose
 * wildcard it is, the nodes whose NS/MX/SRV records target it (the
 * zone's tnodes list says which may), the parent whose count of children
 * moves. Nothing of the old version is written: its workers go on reading
 * it while the new one is built.
 *
 * Memory: the new version's nodes live in its own arena, and it keeps
 * the old version's arena (struct zone_keep, a chain back to the last
 * full load) alive as long as it lives. Nodes replaced stay in the old
 * arenas until the whole chain goes, so after PATCH_MAX_DEPTH versions,
 * or once the records changed reach a fraction of the zone, zone_patch
 * asks for a full load instead (GD_ELIMIT).
 *
 * The rules checked are those of check.c for what a change can break:
 * the nodes that change, the NS records whose targets changed, every
 * service (compiled again from the TYPE65281 records: a handful), and
 * occlusion below a cut or DNAME that appeared or went at a name that has
 * names below it (the whole table is walked then).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "zone_internal.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/wire.h"
#include "geo/service.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATCH_MAX_DEPTH 64
/* the records changed over the chain of versions, against the zone's */
#define PATCH_MAX_SHARE 4
/* ... unless they are this few */
#define PATCH_FREE_RECORDS 4096

/* ---- pointer maps ---- */

/* Open addressing by pointer; a key is never NULL. */
struct pmap {
	const void **key;
	void **val;
	size_t mask, n;
};

static size_t ptr_slot(const void *p, size_t mask)
{
	uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 32) & mask;
}

static bool pmap_get(const struct pmap *m, const void *key, void **val)
{
	if (!m->n)
		return false;
	for (size_t i = ptr_slot(key, m->mask);; i = (i + 1) & m->mask) {
		if (!m->key[i])
			return false;
		if (m->key[i] == key) {
			if (val)
				*val = m->val[i];
			return true;
		}
	}
}

static void pmap_put(struct pmap *m, const void *key, void *val)
{
	if (2 * (m->n + 1) > (m->key ? m->mask + 1 : 0)) {
		struct pmap g = {0};
		size_t size = m->key ? 2 * (m->mask + 1) : 64;
		g.key = xcalloc(size, sizeof(*g.key));
		g.val = xcalloc(size, sizeof(*g.val));
		g.mask = size - 1;
		for (size_t i = 0; m->key && i <= m->mask; i++)
			if (m->key[i])
				pmap_put(&g, m->key[i], m->val[i]);
		free(m->key);
		free(m->val);
		*m = g;
	}
	size_t i = ptr_slot(key, m->mask);
	while (m->key[i] && m->key[i] != key)
		i = (i + 1) & m->mask;
	if (!m->key[i])
		m->n++;
	m->key[i] = key;
	m->val[i] = val;
}

static void pmap_free(struct pmap *m)
{
	free(m->key);
	free(m->val);
}

/* ---- the patch ---- */

struct patch {
	struct zone *z;
	const struct zone *base;
	struct diag *diag;
	const char *source; /* what errors are named by */
	/* base's nodes that this version replaced (value: the copy) or
	 * dropped (value: NULL) */
	struct pmap replaced;
	/* the nodes made here, writable (value: the base node copied, or NULL
	 * for a name new to the zone) */
	struct pmap mine;
	struct pmap dropped;     /* nodes of mine taken out of the table */
	struct node **mine_list; /* mine's keys in the order made */
	size_t nmine, capmine;
	bool added;        /* a name new to the zone */
	bool cuts_changed; /* a cut or DNAME appeared or went above other names */
};

static void errorf(struct patch *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void errorf(struct patch *p, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(p->diag, p->source, 0, 0, "%s", msg);
}

static const char *name_text(const uint8_t *name, char *buf, size_t cap)
{
	return wire_name_to_str(name, buf, cap);
}

static size_t slot_of(const struct zone *z, const struct node *n)
{
	for (size_t i = n->hash & z->mask;; i = (i + 1) & z->mask)
		if (z->table[i] == n)
			return i;
}

static void grow_table(struct zone *z)
{
	struct node **old = z->table;
	size_t size = old ? 2 * (z->mask + 1) : 64;
	z->table = xcalloc(size, sizeof(*z->table));
	size_t oldmask = z->mask;
	z->mask = size - 1;
	for (size_t i = 0; old && i <= oldmask; i++)
		if (old[i])
			table_insert(z, old[i]);
	free(old);
}

static void mark_mine(struct patch *p, struct node *n, const struct node *from)
{
	pmap_put(&p->mine, n, (void *)from);
	if (p->nmine == p->capmine) {
		p->capmine = p->capmine ? 2 * p->capmine : 64;
		p->mine_list = xrealloc(p->mine_list, p->capmine * sizeof(*p->mine_list));
	}
	p->mine_list[p->nmine++] = n;
}

static bool is_mine(const struct patch *p, const struct node *n)
{
	return pmap_get(&p->mine, n, NULL);
}

static bool is_wildcard(const struct node *n)
{
	return n->name[0] == 1 && n->name[1] == '*';
}

static struct node *lookup(const struct zone *z, const uint8_t *name, size_t len)
{
	return zone_lookup(z, name, len);
}

/* The node of n's parent name in the new version. */
static struct node *parent_of(const struct patch *p, const struct node *n)
{
	return lookup(p->z, n->name + n->name[0] + 1, n->namelen - n->name[0] - 1u);
}

/* n writable: n itself when made here, else a copy put in its place. */
static struct node *own(struct patch *p, struct node *n)
{
	if (is_mine(p, n))
		return n;
	struct node *c = arena_dup(&p->z->arena, n, sizeof(*n));
	c->rrsets = n->nrrsets ? arena_dup(&p->z->arena, n->rrsets,
	                                   n->nrrsets * sizeof(*n->rrsets))
	                       : NULL;
	p->z->table[slot_of(p->z, n)] = c;
	pmap_put(&p->replaced, n, c);
	mark_mine(p, c, n);
	if (n->flags & NODE_APEX)
		p->z->apex = c;
	if (is_wildcard(c) && !(c->flags & NODE_APEX)) {
		struct node *parent = own(p, parent_of(p, c));
		parent->wildcard = c;
	}
	return c;
}

/* The node of name in the new version, made (with the names between it
 * and the apex) when missing; writable. */
static struct node *add_node(struct patch *p, const uint8_t *name, size_t len)
{
	struct zone *z = p->z;
	struct node *n = lookup(z, name, len);
	if (n)
		return own(p, n);
	if (2 * (z->nnodes + 1) > z->mask + 1)
		grow_table(z);
	n = arena_alloc(&z->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->name = arena_dup(&z->arena, name, len);
	n->namelen = (uint8_t)len;
	n->labels = (uint8_t)wire_name_labels(name);
	n->hash = name_hash(name, len);
	table_insert(z, n);
	z->nnodes++;
	mark_mine(p, n, NULL);
	p->added = true;
	struct node *parent = add_node(p, name + name[0] + 1, len - name[0] - 1u);
	parent->children++;
	n->parent = parent;
	if (is_wildcard(n))
		parent->wildcard = n;
	return n;
}

/* Take n (writable, empty, without children, not the apex) out of the
 * table, and its parent after it when that leaves it the same. */
static void drop_node(struct patch *p, struct node *n)
{
	struct zone *z = p->z;
	size_t i = slot_of(z, n);
	/* backward-shift deletion: later entries of the run move up */
	z->table[i] = NULL;
	for (size_t j = (i + 1) & z->mask; z->table[j]; j = (j + 1) & z->mask) {
		size_t home = z->table[j]->hash & z->mask;
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (stays)
			continue;
		z->table[i] = z->table[j];
		z->table[j] = NULL;
		i = j;
	}
	z->nnodes--;
	void *from = NULL;
	pmap_get(&p->mine, n, &from);
	if (from)
		pmap_put(&p->replaced, from, NULL);
	pmap_put(&p->dropped, n, n);
	struct node *parent = own(p, parent_of(p, n));
	parent->children--;
	if (parent->wildcard && is_wildcard(n))
		parent->wildcard = NULL;
	if (!(parent->flags & (NODE_APEX | NODE_SERVICE)) && !parent->nrrsets && !parent->children)
		drop_node(p, parent);
}

/* ---- RRsets ---- */

static int cmp_rdata(const void *a, const void *b)
{
	const uint8_t *x = *(const uint8_t *const *)a, *y = *(const uint8_t *const *)b;
	size_t lx = rd16(x), ly = rd16(y);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return memcmp(x + 2, y + 2, lx);
}

/* The change's records as compile.c keeps an RRset's: ordered by length
 * then octets, each once. */
static struct rrset build_rrset(struct patch *p, const struct zone_rrset_change *c)
{
	struct rrset rs = {.type = c->type, .ttl = c->ttl};
	const uint8_t **recs = xcalloc(c->count, sizeof(*recs));
	const uint8_t *rd = c->rdata;
	for (unsigned i = 0; i < c->count; i++, rd = rrset_rdata_next(rd))
		recs[i] = rd;
	qsort(recs, c->count, sizeof(*recs), cmp_rdata);
	size_t bytes = 0;
	unsigned count = 0;
	for (unsigned i = 0; i < c->count; i++) {
		if (i && cmp_rdata(&recs[i - 1], &recs[i]) == 0) {
			recs[i - 1] = NULL;
			continue;
		}
		bytes += 2u + rd16(recs[i]);
	}
	uint8_t *out = arena_alloc(&p->z->arena, bytes ? bytes : 1);
	rs.rdata = out;
	for (unsigned i = 0; i < c->count; i++) {
		if (!recs[i])
			continue;
		memcpy(out, recs[i], 2u + rd16(recs[i]));
		out += 2u + rd16(recs[i]);
		count++;
	}
	free(recs);
	rs.count = (uint16_t)count;
	render_rrset(p->z, &rs, bytes);
	return rs;
}

/* The flags n's RRsets give it, with the others it has kept. */
static void node_flags(struct node *n)
{
	uint16_t f = n->flags & ~(NODE_CNAME | NODE_DNAME | NODE_DELEG);
	for (unsigned i = 0; i < n->nrrsets; i++)
		f |= rrset_node_flags(n->rrsets[i].type, n->flags & NODE_APEX);
	n->flags = f;
}

/* Put the change's RRset in n (writable), in type order. */
static void set_rrset(struct patch *p, struct node *n, const struct zone_rrset_change *c)
{
	unsigned k = 0, m = 0;
	struct rrset *sets = arena_alloc(&p->z->arena, (n->nrrsets + 1u) * sizeof(*sets));
	bool placed = c->count == 0;
	for (k = 0; k < n->nrrsets; k++) {
		const struct rrset *old = &n->rrsets[k];
		if (!placed && old->type >= c->type) {
			sets[m++] = build_rrset(p, c);
			placed = true;
		}
		if (old->type != c->type)
			sets[m++] = *old;
		else
			p->z->nrecords -= old->count;
	}
	if (!placed)
		sets[m++] = build_rrset(p, c);
	for (k = 0; k < m; k++)
		if (sets[k].type == c->type)
			p->z->nrecords += sets[k].count;
	n->rrsets = m ? sets : NULL;
	n->nrrsets = (uint16_t)m;
	node_flags(n);
}

/* ---- the rules ---- */

static bool rdata_ok(struct patch *p, const struct zone_rrset_change *c)
{
	char s[1024];
	const uint8_t *rd = c->rdata, *end = c->rdata + c->rdata_len;
	for (unsigned i = 0; i < c->count; i++) {
		if (end - rd < 2 || (size_t)(end - rd) < 2u + rd16(rd)) {
			errorf(p, "malformed records at %s", name_text(c->owner, s, sizeof(s)));
			return false;
		}
		size_t len = rd16(rd);
		if ((c->type == TYPE_A && len != 4) || (c->type == TYPE_AAAA && len != 16)) {
			errorf(p, "%s record at %s of %zu octets", c->type == TYPE_A ? "A" : "AAAA",
			       name_text(c->owner, s, sizeof(s)), len);
			return false;
		}
		rd = rrset_rdata_next(rd);
	}
	if (rd != end) {
		errorf(p, "malformed records at %s", name_text(c->owner, s, sizeof(s)));
		return false;
	}
	bool apex = c->owner_len == p->z->origin_len &&
	            memcmp(c->owner, p->z->origin, c->owner_len) == 0;
	if (!wire_name_is_sub(c->owner, p->z->origin)) {
		errorf(p, "%s is not in the zone %s", name_text(c->owner, s, sizeof(s)),
		       p->z->origin_str);
		return false;
	}
	if (c->type == TYPE_SOA && c->count && !apex) {
		errorf(p, "SOA record at %s, not at the zone apex %s",
		       name_text(c->owner, s, sizeof(s)), p->z->origin_str);
		return false;
	}
	return true;
}

/* CNAME alone and not at the apex, one DNAME, one service record. */
static void check_node(struct patch *p, const struct node *n)
{
	char s[1024];
	const struct rrset *cn = node_rrset(n, TYPE_CNAME);
	if (cn && cn->count > 1)
		errorf(p, "more than one CNAME at %s", name_text(n->name, s, sizeof(s)));
	for (unsigned i = 0; cn && i < n->nrrsets; i++) {
		uint16_t t = n->rrsets[i].type;
		if (t != TYPE_CNAME && t != TYPE_RRSIG && t != TYPE_NSEC && t != TYPE_GEO_SERVICE) {
			errorf(p, "CNAME and other data at %s", name_text(n->name, s, sizeof(s)));
			break;
		}
	}
	if (cn && (n->flags & NODE_APEX))
		errorf(p, "CNAME at the zone apex");
	const struct rrset *dn = node_rrset(n, TYPE_DNAME);
	if (dn && dn->count > 1)
		errorf(p, "more than one DNAME at %s", name_text(n->name, s, sizeof(s)));
	const struct rrset *sv = node_rrset(n, TYPE_GEO_SERVICE);
	if (sv && sv->count > 1)
		errorf(p, "more than one TYPE65281 record at %s", name_text(n->name, s, sizeof(s)));
}

/* Below a cut or a DNAME above it (checked by names, not parent
 * pointers: see struct node). */
static bool occluded(const struct zone *z, const struct node *n, bool *by_dname)
{
	const uint8_t *name = n->name;
	size_t len = n->namelen;
	*by_dname = false;
	while (len > z->origin_len) {
		len -= name[0] + 1u;
		name += name[0] + 1u;
		const struct node *a = lookup(z, name, len);
		if (a && (a->flags & (NODE_DELEG | NODE_DNAME))) {
			*by_dname = a->flags & NODE_DNAME;
			return true;
		}
	}
	return false;
}

static void set_occlusion(struct patch *p, struct node *n)
{
	char s[1024];
	bool by_dname;
	bool occ = occluded(p->z, n, &by_dname);
	if (occ != !!(n->flags & NODE_OCCLUDED)) {
		n = own(p, n);
		n->flags ^= NODE_OCCLUDED;
	}
	if (occ && by_dname && n->nrrsets)
		errorf(p, "%s is below a DNAME", name_text(n->name, s, sizeof(s)));
}

/* Occlusion of every node that may have changed it: the ones made here,
 * or every node when a cut moved above other names. */
static void occlusion(struct patch *p)
{
	struct zone *z = p->z;
	if (p->cuts_changed) {
		for (size_t b = 0; b <= z->mask; b++) {
			struct node *n = z->table[b];
			if (n && !(n->flags & NODE_APEX))
				set_occlusion(p, n);
		}
		return;
	}
	for (size_t i = 0; i < p->nmine; i++) {
		struct node *n = p->mine_list[i];
		if (!(n->flags & NODE_APEX) && !pmap_get(&p->dropped, n, NULL))
			set_occlusion(p, n);
	}
}

static bool has_targets(uint16_t type)
{
	return type == TYPE_NS || type == TYPE_MX || type == TYPE_SRV;
}

/* Where target k of rs (at its node) is now: its node when the name is in
 * the zone, NULL else. *inside when the name is below the origin. */
static struct node *target_now(const struct patch *p, const struct rrset *rs, const uint8_t *rd,
                               bool *inside)
{
	struct target_name t;
	uint8_t lname[WIRE_NAME_MAX], off[WIRE_LABELS_MAX];
	uint32_t hashes[WIRE_LABELS_MAX + 1];
	*inside = false;
	if (target_name_of(rs, rd, &t, lname, off, hashes) < 0 ||
	    !wire_name_is_sub(lname, p->z->origin))
		return NULL;
	*inside = true;
	return zone_lookup_h(p->z, lname, t.len, hashes[0]);
}

/* NS targets in the zone need addresses (check.c validate_glue). */
static void check_glue(struct patch *p, const struct node *n, const struct rrset *rs)
{
	const uint8_t *rd = rs->rdata;
	for (unsigned k = 0; k < rs->count; k++, rd = rrset_rdata_next(rd)) {
		bool inside;
		const struct node *t = target_now(p, rs, rd, &inside);
		if (inside && (!t || (!node_rrset(t, TYPE_A) && !node_rrset(t, TYPE_AAAA)))) {
			char s[1024], tn[1024];
			size_t nl = wire_name_len(rd + 2, rd16(rd));
			uint8_t lower[WIRE_NAME_MAX];
			wire_name_lower(rd + 2, nl, lower);
			errorf(p, "missing glue: NS target %s in the zone has no A or AAAA (NS at %s)",
			       name_text(lower, tn, sizeof(tn)), name_text(n->name, s, sizeof(s)));
		}
	}
}

/* The targets of *np's NS/MX/SRV RRsets brought up to date: an RRset
 * made here is resolved whole; an old one gets a new targets array (and
 * the node is copied) when a target node was replaced or dropped, or
 * when a name it lacked may now exist. *inside when a target is at or
 * below the origin (the node stays in tnodes). */
static void retarget(struct patch *p, struct node **np, bool *inside)
{
	*inside = false;
	for (unsigned i = 0; i < (*np)->nrrsets; i++) {
		struct rrset *rs = &(*np)->rrsets[i];
		if (!has_targets(rs->type))
			continue;
		if (!rs->targets) { /* made here */
			*inside |= resolve_rrset_targets(p->z, rs);
			if (rs->type == TYPE_NS)
				check_glue(p, *np, rs);
			continue;
		}
		struct node **fresh = NULL;
		const uint8_t *rd = rs->rdata;
		for (unsigned k = 0; k < rs->count; k++, rd = rrset_rdata_next(rd)) {
			if (rs->outside && rs->outside[k])
				continue; /* another zone's */
			*inside = true;
			struct node *t = rs->targets[k];
			void *now = t;
			if (t ? !pmap_get(&p->replaced, t, &now) : !p->added)
				continue;
			if (!now) { /* dropped, or a name the zone lacked */
				bool in;
				now = target_now(p, rs, rd, &in);
			}
			if (now == t)
				continue;
			if (!fresh) {
				*np = own(p, *np);
				rs = &(*np)->rrsets[i];
				fresh = arena_dup(&p->z->arena, rs->targets, rs->count * sizeof(*fresh));
				rs->targets = fresh;
			}
			fresh[k] = now;
		}
		if (fresh && rs->type == TYPE_NS)
			check_glue(p, *np, rs);
	}
}

/* The new tnodes list: base's (as replaced) and the nodes made here, each
 * retargeted until no copy made for a target moves another. */
static void targets(struct patch *p)
{
	struct zone *z = p->z;
	const struct zone *base = p->base;
	struct pmap seen = {0};
	size_t cap = base->ntnodes + p->nmine + 16, n = 0;
	struct node **list = xcalloc(cap, sizeof(*list));
	for (size_t i = 0; i < base->ntnodes + p->nmine; i++) {
		struct node *x = i < base->ntnodes ? base->tnodes[i] : p->mine_list[i - base->ntnodes];
		void *now = x;
		if (i < base->ntnodes && pmap_get(&p->replaced, x, &now) && !now)
			continue; /* dropped */
		if (i >= base->ntnodes && pmap_get(&p->dropped, x, NULL))
			continue;
		x = now;
		if (pmap_get(&seen, x, NULL))
			continue;
		pmap_put(&seen, x, x);
		list[n++] = x;
	}
	/* copies made while retargeting may be targets of others */
	for (bool again = true; again;) {
		again = false;
		size_t kept = 0;
		for (size_t i = 0; i < n; i++) {
			struct node *x = list[i];
			void *now;
			if (pmap_get(&p->replaced, x, &now))
				x = now; /* copied since */
			if (!x)
				continue;
			size_t before = p->replaced.n;
			bool inside;
			retarget(p, &x, &inside);
			again |= p->replaced.n != before;
			if (inside)
				list[kept++] = x;
		}
		n = kept;
	}
	pmap_free(&seen);
	z->tnodes = list;
	z->ntnodes = n;
}

/* ---- services ---- */

static int cmp_json(const void *a, const void *b)
{
	const struct service_json *x = a, *y = b;
	size_t lx = wire_name_len(x->name, WIRE_NAME_MAX), ly = wire_name_len(y->name, WIRE_NAME_MAX);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return memcmp(x->name, y->name, lx);
}

/* The services compiled again from the version's TYPE65281 records (base's
 * service names and the changed records' owners), their nodes flagged. */
static void services(struct patch *p, const struct region_table *rt,
                     const struct zone_rrset_change *changes, size_t n)
{
	struct zone *z = p->z;
	const struct service_set *old = p->base->services;
	size_t cand = old ? old->n : 0;
	for (size_t i = 0; i < n; i++)
		cand += changes[i].type == TYPE_GEO_SERVICE;
	if (!cand)
		return;
	struct service_json *items = xcalloc(cand, sizeof(*items));
	size_t k = 0;
	for (size_t i = 0; i < cand; i++) {
		const uint8_t *name;
		size_t len;
		if (old && i < old->n) {
			name = old->svcs[i].name;
			len = old->svcs[i].name_len;
		} else {
			size_t c = 0, seen = old ? old->n : 0;
			while (changes[c].type != TYPE_GEO_SERVICE || seen++ < i)
				c++;
			name = changes[c].owner;
			len = changes[c].owner_len;
		}
		const struct node *nd = lookup(z, name, len);
		const struct rrset *rs = nd ? node_rrset(nd, TYPE_GEO_SERVICE) : NULL;
		if (rs)
			items[k++] = (struct service_json){.name = nd->name,
			                                   .text = (const char *)rs->rdata + 2,
			                                   .len = rd16(rs->rdata),
			                                   .file = p->source};
	}
	qsort(items, k, sizeof(*items), cmp_json);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (!u || cmp_json(&items[u - 1], &items[i]) != 0)
			items[u++] = items[i];
	for (size_t i = 0; old && i < old->n; i++) {
		struct node *nd = lookup(z, old->svcs[i].name, old->svcs[i].name_len);
		if (nd && (nd->flags & NODE_SERVICE)) {
			nd = own(p, nd);
			nd->flags &= (uint16_t)~NODE_SERVICE;
			nd->service = NULL;
		}
	}
	if (u && (!rt || !rt->n)) {
		errorf(p, "a TYPE65281 record is a geo service, and the configuration has no "
		          "\"regions\" for it");
		u = 0;
	}
	if (u) {
		service_set_add_json(&z->services, items, u, z->origin, rt, p->diag);
		z->service_records = true;
	}
	free(items);
	for (size_t i = 0; z->services && i < z->services->n; i++) {
		struct service *svc = &z->services->svcs[i];
		struct node *nd = own(p, lookup(z, svc->name, svc->name_len));
		nd->flags |= NODE_SERVICE;
		nd->service = svc;
	}
}

/* check.c validate_services, for every service of the version. */
static void check_services(struct patch *p)
{
	struct zone *z = p->z;
	for (size_t i = 0; z->services && i < z->services->n; i++) {
		const struct service *svc = &z->services->svcs[i];
		const struct node *nd = lookup(z, svc->name, svc->name_len);
		static const uint16_t banned[] = {TYPE_A, TYPE_AAAA, TYPE_CNAME, TYPE_DNAME};
		static const char *const names[] = {"A", "AAAA", "CNAME", "DNAME"};
		for (size_t k = 0; k < ARRAY_SIZE(banned); k++)
			if (node_rrset(nd, banned[k]))
				errorf(p, "static %s record at service name %s", names[k],
				       svc->name_str);
		if (nd->flags & (NODE_OCCLUDED | NODE_DELEG))
			errorf(p, "service %s is at or below a zone cut or DNAME", svc->name_str);
		for (unsigned k = 0; k < svc->nregions; k++)
			if ((nd->flags & NODE_APEX) && svc->regions[k].cname)
				errorf(p, "service %s at the zone apex cannot answer a cname",
				       svc->name_str);
	}
}

/* ---- the version ---- */

/* The apex: one SOA (serial, negative TTL, the negative answers' SOA) and
 * NS records. */
static void check_apex(struct patch *p)
{
	struct zone *z = p->z;
	const struct rrset *soa = node_rrset(z->apex, TYPE_SOA);
	if (!soa) {
		errorf(p, "no SOA record at the zone apex %s", z->origin_str);
	} else if (soa->count != 1) {
		errorf(p, "more than one SOA record at the zone apex");
	} else if (!zone_take_soa(z, soa)) {
		errorf(p, "malformed SOA record");
	}
	if (!node_rrset(z->apex, TYPE_NS))
		errorf(p, "no NS records at the zone apex %s", z->origin_str);
}

/* The new zone: base's names and fields, its own table. */
static struct zone *begin(const struct zone *base, size_t changed)
{
	struct zone *z = xcalloc(1, sizeof(*z));
	z->refs = 1;
	z->keep = zone_keep_new(base->keep);
	z->origin_str = xstrdup(base->origin_str);
	memcpy(z->origin, base->origin, base->origin_len);
	z->origin_len = base->origin_len;
	z->labels = base->labels;
	z->file = xstrdup(base->file);
	z->config_origin = base->config_origin ? xstrdup(base->config_origin) : NULL;
	z->serial = base->serial;
	z->neg_ttl = base->neg_ttl;
	z->apex = base->apex;
	z->soa = base->soa;
	z->mask = base->mask;
	z->table = xmalloc((base->mask + 1) * sizeof(*z->table));
	memcpy(z->table, base->table, (base->mask + 1) * sizeof(*z->table));
	z->nnodes = base->nnodes;
	z->nrecords = base->nrecords;
	z->secondary = base->secondary;
	z->patches = base->patches + 1;
	z->patched = base->patched + changed;
	return z;
}

int zone_patch(const struct zone *base, const struct zone_rrset_change *changes, size_t n,
               const struct region_table *rt, const char *source, struct diag *diag,
               struct zone **out)
{
	*out = NULL;
	if (base->unavailable || !base->soa)
		return GD_EINVAL;
	size_t changed = 0;
	for (size_t i = 0; i < n; i++)
		changed += changes[i].count + 1u;
	size_t total = base->patched + changed;
	if (n && (base->patches >= PATCH_MAX_DEPTH ||
	          (total > PATCH_FREE_RECORDS && total * PATCH_MAX_SHARE > base->nrecords)))
		return GD_ELIMIT;
	struct patch p = {
	    .z = begin(base, changed), .base = base, .diag = diag, .source = source ? source : base->file};
	struct zone *z = p.z;
	size_t errors = diag->errors;
	for (size_t i = 0; i < n; i++) {
		const struct zone_rrset_change *c = &changes[i];
		if (!rdata_ok(&p, c))
			continue;
		struct node *nd = lookup(z, c->owner, c->owner_len);
		if (!c->count && (!nd || !node_rrset(nd, c->type)))
			continue;
		nd = c->count ? add_node(&p, c->owner, c->owner_len) : own(&p, nd);
		set_rrset(&p, nd, c);
	}
	for (size_t i = 0; i < p.nmine; i++) {
		void *from = NULL;
		const struct node *nd = p.mine_list[i];
		pmap_get(&p.mine, nd, &from);
		const struct node *was = from;
		if (was && nd->children && ((was->flags ^ nd->flags) & (NODE_DELEG | NODE_DNAME)))
			p.cuts_changed = true;
	}
	services(&p, rt, changes, n);
	for (size_t i = 0; i < p.nmine; i++) {
		struct node *nd = p.mine_list[i];
		if (!pmap_get(&p.dropped, nd, NULL) && !(nd->flags & (NODE_APEX | NODE_SERVICE)) &&
		    !nd->nrrsets && !nd->children)
			drop_node(&p, nd);
	}
	occlusion(&p);
	for (size_t i = 0; i < p.nmine; i++)
		if (!pmap_get(&p.dropped, p.mine_list[i], NULL))
			check_node(&p, p.mine_list[i]);
	check_apex(&p);
	check_services(&p);
	targets(&p);
	pmap_free(&p.replaced);
	pmap_free(&p.mine);
	pmap_free(&p.dropped);
	free(p.mine_list);
	if (diag->errors != errors) {
		zone_free(z);
		return GD_EINVAL;
	}
	*out = z;
	return GD_OK;
}
