/*
 * test_patch.c - zone_patch: a version made from the one before and the
 * RRsets that change must be the zone that loading its text gives, node
 * for node (flags, RRsets, children, wildcard, NS/MX/SRV targets,
 * services, the negative SOA), and must be refused exactly when loading
 * refuses it. A seeded random walk of changes over a zone with cuts, glue,
 * wildcards, DNAMEs, CNAMEs, MX/SRV targets and services checks both, and
 * a few named cases check the messages.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/wire.h"
#include "geo/service.h"
#include "zone/zone.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN "p.test."
#define MAX_LINES 400

/* The zone as text: one record per line, owners absolute. */
struct model {
	char *line[MAX_LINES];
	size_t n;
	uint32_t serial;
};

static void model_add(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void model_add(struct model *m, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ck_assert_uint_lt(m->n, MAX_LINES);
	m->line[m->n++] = strdup(buf);
}

/* Lines whose owner is owner (and type, when not NULL) removed. */
static void model_del(struct model *m, const char *owner, const char *type)
{
	size_t k = 0, ol = strlen(owner);
	for (size_t i = 0; i < m->n; i++) {
		const char *l = m->line[i];
		bool hit = strncmp(l, owner, ol) == 0 && l[ol] == ' ';
		if (hit && type) {
			char t[32] = "";
			sscanf(l + ol, " %*u IN %31s", t);
			hit = strcmp(t, type) == 0;
		}
		if (hit)
			free(m->line[i]);
		else
			m->line[k++] = m->line[i];
	}
	m->n = k;
}

static void model_copy(struct model *dst, const struct model *src)
{
	dst->n = src->n;
	dst->serial = src->serial;
	for (size_t i = 0; i < src->n; i++)
		dst->line[i] = strdup(src->line[i]);
}

static void model_free(struct model *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->line[i]);
	m->n = 0;
}

static const char *model_file(const struct model *m)
{
	size_t cap = 256;
	for (size_t i = 0; i < m->n; i++)
		cap += strlen(m->line[i]) + 1;
	char *text = malloc(cap), *p = text;
	p += sprintf(p, ORIGIN " 3600 IN SOA ns1." ORIGIN " h." ORIGIN " %u 60 60 600 120\n",
	             m->serial);
	for (size_t i = 0; i < m->n; i++)
		p += sprintf(p, "%s\n", m->line[i]);
	const char *path = unit_write_file("patch.zone", text);
	free(text);
	return path;
}

static struct zone *model_load(const struct model *m, struct diag *d)
{
	struct zone_config zc = {ORIGIN, model_file(m), NULL, &unit_regions};
	return zone_load(&zc, d);
}

/* ---- comparing two zones ---- */

static const char *nm(const struct node *n, char *buf)
{
	return n ? wire_name_to_str(n->name, buf, 1024) : "(none)";
}

static void same_target(const struct node *a, const struct node *b, const char *where)
{
	char x[1024], y[1024];
	ck_assert_msg((a == NULL) == (b == NULL) && (!a || wire_name_equal(a->name, b->name)),
	              "%s: target %s against %s", where, nm(a, x), nm(b, y));
}

static void same_rrset(const struct node *n, const struct rrset *a, const struct rrset *b)
{
	char s[1024];
	const char *w = nm(n, s);
	ck_assert_msg(a->type == b->type && a->ttl == b->ttl && a->count == b->count,
	              "%s: type %u/%u ttl %u/%u count %u/%u", w, a->type, b->type, a->ttl, b->ttl,
	              a->count, b->count);
	const uint8_t *ea = a->rdata, *eb = b->rdata;
	for (unsigned i = 0; i < a->count; i++) {
		ea = rrset_rdata_next(ea);
		eb = rrset_rdata_next(eb);
	}
	ck_assert_msg(ea - a->rdata == eb - b->rdata &&
	                  memcmp(a->rdata, b->rdata, (size_t)(ea - a->rdata)) == 0,
	              "%s type %u: other records", w, a->type);
	ck_assert_msg(a->wire_len == b->wire_len &&
	                  (!a->wire_len || memcmp(a->wire, b->wire, a->wire_len) == 0),
	              "%s type %u: other wire", w, a->type);
	ck_assert_msg((a->targets == NULL) == (b->targets == NULL), "%s type %u: targets", w,
	              a->type);
	for (unsigned i = 0; a->targets && i < a->count; i++) {
		bool oa = a->outside && a->outside[i], ob = b->outside && b->outside[i];
		ck_assert_msg(oa == ob, "%s type %u: target %u inside/outside", w, a->type, i);
		if (!oa)
			same_target(a->targets[i], b->targets[i], w);
	}
}

static bool in_tnodes(const struct zone *z, const struct node *n)
{
	for (size_t i = 0; i < z->ntnodes; i++)
		if (z->tnodes[i] == n)
			return true;
	return false;
}

/* got (patched) is want (loaded), node for node. */
static void same_zone(const struct zone *got, const struct zone *want)
{
	char s[1024];
	ck_assert_uint_eq(got->nnodes, want->nnodes);
	ck_assert_uint_eq(got->serial, want->serial);
	ck_assert_uint_eq(got->neg_ttl, want->neg_ttl);
	ck_assert_uint_eq(got->neg_soa.len, want->neg_soa.len);
	ck_assert_mem_eq(got->neg_soa.wire, want->neg_soa.wire, want->neg_soa.len);
	ck_assert_ptr_eq(got->soa, node_rrset(got->apex, TYPE_SOA));
	ck_assert_ptr_eq(got->apex, zone_lookup(got, got->origin, got->origin_len));
	ck_assert_uint_eq(got->ntnodes, want->ntnodes);
	size_t seen = 0;
	for (size_t b = 0; b <= want->mask; b++) {
		const struct node *w = want->table[b];
		if (!w)
			continue;
		seen++;
		const struct node *g = zone_lookup(got, w->name, w->namelen);
		ck_assert_msg(g != NULL, "%s: missing in the patched zone", nm(w, s));
		ck_assert_msg(g->flags == w->flags, "%s: flags %#x, loaded %#x", nm(w, s), g->flags,
		              w->flags);
		ck_assert_msg(g->children == w->children, "%s: children %u, loaded %u", nm(w, s),
		              g->children, w->children);
		ck_assert_msg(g->nrrsets == w->nrrsets, "%s: %u RRsets, loaded %u", nm(w, s),
		              g->nrrsets, w->nrrsets);
		for (unsigned i = 0; i < w->nrrsets; i++)
			same_rrset(w, &g->rrsets[i], &w->rrsets[i]);
		same_target(g->wildcard, w->wildcard, nm(w, s));
		ck_assert_msg(g->wildcard == NULL ||
		                  g->wildcard == zone_lookup(got, g->wildcard->name, g->wildcard->namelen),
		              "%s: the wildcard is not the version's node", nm(w, s));
		ck_assert_msg((g->service == NULL) == (w->service == NULL), "%s: service", nm(w, s));
		if (g->service) {
			const struct service *a = g->service, *c = w->service;
			ck_assert_str_eq(a->name_str, c->name_str);
			ck_assert_uint_eq(a->nregions, c->nregions);
			ck_assert_uint_eq(a->ttl, c->ttl);
			ck_assert_ptr_eq(a, &got->services->svcs[a->id]);
		}
		ck_assert_msg(in_tnodes(got, g) == in_tnodes(want, w), "%s: tnodes", nm(w, s));
		/* what a patched zone points at is its own current node */
		for (unsigned i = 0; i < g->nrrsets; i++)
			for (unsigned k = 0; g->rrsets[i].targets && k < g->rrsets[i].count; k++) {
				const struct node *t = g->rrsets[i].targets[k];
				ck_assert_msg(!t || t == zone_lookup(got, t->name, t->namelen),
				              "%s: a target is not the version's node", nm(w, s));
			}
	}
	ck_assert_uint_eq(seen, want->nnodes);
	ck_assert_uint_eq(got->services ? got->services->n : 0,
	                  want->services ? want->services->n : 0);
}

/* ---- changes from the loaded version ---- */

struct key {
	char owner[256];
	char type[16];
};

static uint16_t type_code(const char *t)
{
	if (strncmp(t, "TYPE", 4) == 0)
		return (uint16_t)atoi(t + 4);
	return (uint16_t)ldns_get_rr_type_by_name(t);
}

static size_t owner_wire(const char *text, uint8_t *out)
{
	ldns_rdf *r = NULL;
	ck_assert_int_eq(ldns_str2rdf_dname(&r, text), LDNS_STATUS_OK);
	size_t len = ldns_rdf_size(r);
	wire_name_lower(ldns_rdf_data(r), len, out);
	ldns_rdf_deep_free(r);
	return len;
}

/* Room for the records of one change. */
struct change_buf {
	uint8_t owner[256];
	uint8_t rdata[8192];
};

static bool line_is(const char *line, const char *owner, uint16_t type)
{
	size_t ol = strlen(owner);
	char t[32] = "";
	if (strncmp(line, owner, ol) != 0 || line[ol] != ' ')
		return false;
	sscanf(line + ol, " %*u IN %31s", t);
	return type_code(t) == type;
}

/* The RRset of owner and type as the lines say, into c (its records as
 * ldns reads them; the TTL of the record loading keeps first: the least
 * rdata by length then octets). */
static void change_of(char *const *lines, size_t n, const char *owner, uint16_t type,
                      struct zone_rrset_change *c, struct change_buf *b)
{
	*c = (struct zone_rrset_change){b->owner, (uint8_t)owner_wire(owner, b->owner), type, 0, 0,
	                                b->rdata, 0};
	size_t best_len = SIZE_MAX;
	const uint8_t *best = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!line_is(lines[i], owner, type))
			continue;
		ldns_rr *rr = NULL;
		ck_assert_int_eq(ldns_rr_new_frm_str(&rr, lines[i], 0, NULL, NULL), LDNS_STATUS_OK);
		ldns_buffer *buf = ldns_buffer_new(1024);
		ck_assert_int_eq(ldns_rr_rdata2buffer_wire(buf, rr), LDNS_STATUS_OK);
		size_t len = ldns_buffer_position(buf);
		uint8_t *at = b->rdata + c->rdata_len;
		ck_assert_uint_lt(c->rdata_len + 2 + len, sizeof(b->rdata));
		at[0] = (uint8_t)(len >> 8);
		at[1] = (uint8_t)len;
		memcpy(at + 2, ldns_buffer_begin(buf), len);
		if (!best || len < best_len || (len == best_len && memcmp(at + 2, best, len) < 0)) {
			best = at + 2;
			best_len = len;
			c->ttl = ldns_rr_ttl(rr);
		}
		c->rdata_len += 2 + len;
		c->count++;
		ldns_buffer_free(buf);
		ldns_rr_free(rr);
	}
}

/* The changes keys[] name, and the SOA, as m's text has them. */
static size_t model_changes(const struct model *m, const struct key *keys, size_t nkeys,
                            struct zone_rrset_change *ch, struct change_buf *bufs)
{
	char soa[256];
	char *soa_line[1] = {soa};
	snprintf(soa, sizeof(soa), ORIGIN " 3600 IN SOA ns1." ORIGIN " h." ORIGIN " %u 60 60 600 120",
	         m->serial);
	for (size_t i = 0; i < nkeys; i++)
		change_of(m->line, m->n, keys[i].owner, type_code(keys[i].type), &ch[i], &bufs[i]);
	change_of(soa_line, 1, ORIGIN, TYPE_SOA, &ch[nkeys], &bufs[nkeys]);
	return nkeys + 1;
}

/* ---- the random walk ---- */

static const char *const names[] = {
    "a." ORIGIN,       "b.a." ORIGIN,   "c.b.a." ORIGIN, "w." ORIGIN,   "*.w." ORIGIN,
    "x.w." ORIGIN,     "d." ORIGIN,     "ns.d." ORIGIN,  "e.d." ORIGIN, "mail." ORIGIN,
    "*." ORIGIN,       "s." ORIGIN,     "t.s." ORIGIN,   "dn." ORIGIN,  "q.dn." ORIGIN,
    "svc." ORIGIN,     "svc2.a." ORIGIN, "deep.z.y.x." ORIGIN,
};

static const char *const service_json[] = {
    "{\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"]}, \"eu-west\": {\"A\": "
    "[\"192.0.2.2\"]}}}",
    "{\"ttl\": 30, \"regions\": {\"eu-west\": {\"A\": [\"192.0.2.3\"], \"AAAA\": "
    "[\"2001:db8::3\"]}}}",
    "{\"regions\": {\"nowhere\": {\"A\": [\"192.0.2.9\"]}}}", /* unknown region: refused */
};

static void add_service(struct model *m, const char *owner, const char *json)
{
	char hex[2048];
	size_t len = strlen(json);
	for (size_t i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", (unsigned char)json[i]);
	model_add(m, "%s 600 IN TYPE65281 \\# %zu %s", owner, len, hex);
}

/* One random change to m: the keys it touches into keys (returns how
 * many). */
static size_t random_change(struct model *m, unsigned *seed, struct key *keys)
{
	const char *o = names[rand_r(seed) % ARRAY_SIZE(names)];
	const char *t = names[rand_r(seed) % ARRAY_SIZE(names)];
	unsigned v = (unsigned)rand_r(seed) % 250 + 1;
	size_t n = 0;
#define KEY(OWNER, TYPE)                                                                       \
	do {                                                                                   \
		snprintf(keys[n].owner, sizeof(keys[n].owner), "%s", OWNER);                   \
		snprintf(keys[n].type, sizeof(keys[n].type), "%s", TYPE);                      \
		n++;                                                                           \
	} while (0)
	switch (rand_r(seed) % 12) {
	case 0:
	case 1:
		model_add(m, "%s 300 IN A 192.0.2.%u", o, v);
		KEY(o, "A");
		break;
	case 2: { /* a name emptied: every type it had */
		static const char *const types[] = {"A", "AAAA", "MX", "SRV", "NS", "CNAME",
		                                    "DNAME", "TXT", "TYPE65281"};
		for (size_t i = 0; i < ARRAY_SIZE(types); i++)
			KEY(o, types[i]);
		model_del(m, o, NULL);
		break;
	}
	case 3:
		model_add(m, "%s 300 IN MX %u %s", o, v, t);
		KEY(o, "MX");
		break;
	case 4:
		model_add(m, "%s 300 IN SRV 0 0 %u %s", o, v, t);
		KEY(o, "SRV");
		break;
	case 5: /* a delegation with its glue */
		model_add(m, "%s 300 IN NS %s", o, t);
		model_add(m, "%s 300 IN A 198.51.100.%u", t, v);
		KEY(o, "NS");
		KEY(t, "A");
		break;
	case 6:
		model_del(m, o, "NS");
		KEY(o, "NS");
		break;
	case 7:
		model_add(m, "%s 300 IN CNAME %s", o, t);
		KEY(o, "CNAME");
		break;
	case 8:
		model_add(m, "%s 300 IN DNAME %s", o, t);
		KEY(o, "DNAME");
		break;
	case 9:
		model_del(m, o, "A");
		model_add(m, "%s %u IN AAAA 2001:db8::%x", o, v, v);
		KEY(o, "A");
		KEY(o, "AAAA");
		break;
	case 10:
		model_del(m, o, "TYPE65281");
		add_service(m, o, service_json[v % ARRAY_SIZE(service_json)]);
		KEY(o, "TYPE65281");
		break;
	default:
		model_add(m, "%s 300 IN TXT \"v%u\"", o, v);
		KEY(o, "TXT");
		break;
	}
#undef KEY
	return n;
}

static void base_model(struct model *m)
{
	m->serial = 1;
	model_add(m, ORIGIN " 3600 IN NS ns1." ORIGIN);
	model_add(m, ORIGIN " 3600 IN NS ns.d." ORIGIN);
	model_add(m, ORIGIN " 300 IN MX 10 mail." ORIGIN);
	model_add(m, "ns1." ORIGIN " 300 IN A 192.0.2.53");
	model_add(m, "mail." ORIGIN " 300 IN A 192.0.2.25");
	model_add(m, "d." ORIGIN " 300 IN NS ns.d." ORIGIN);
	model_add(m, "ns.d." ORIGIN " 300 IN A 192.0.2.54");
	model_add(m, "*.w." ORIGIN " 300 IN A 192.0.2.80");
	model_add(m, "c.b.a." ORIGIN " 300 IN TXT \"deep\"");
	model_add(m, "s." ORIGIN " 300 IN SRV 0 0 53 ns1." ORIGIN);
	add_service(m, "svc." ORIGIN, service_json[0]);
}

START_TEST(random_walk_matches_loading)
{
	unsigned seed = 20261203u + (unsigned)_i;
	struct model m = {0};
	base_model(&m);
	struct diag d = {0};
	struct zone *cur = model_load(&m, &d);
	ck_assert_ptr_nonnull(cur);
	diag_free(&d);
	unsigned accepted = 0, refused = 0, full = 0;
	for (int step = 0; step < 150; step++) {
		struct model next = {0};
		model_copy(&next, &m);
		next.serial = m.serial + 1;
		struct key keys[16];
		size_t nkeys = random_change(&next, &seed, keys);
		struct diag dl = {0}, dp = {0};
		struct zone *want = model_load(&next, &dl);
		static struct zone_rrset_change ch[17];
		static struct change_buf bufs[17];
		size_t nch = model_changes(&next, keys, nkeys, ch, bufs);
		struct zone *got = NULL;
		int rc = zone_patch(cur, ch, nch, &unit_regions, NULL, &dp, &got);
		if (rc == GD_ELIMIT && want) {
			full++;
			zone_free(cur);
			cur = want;
			model_free(&m);
			m = next;
			diag_free(&dl);
			diag_free(&dp);
			continue;
		}
		if (want) {
			for (size_t i = 0; rc != GD_OK && i < dp.count; i++)
				fprintf(stderr, "step %d: %s\n", step, dp.msgs[i]);
			ck_assert_int_eq(rc, GD_OK);
			same_zone(got, want);
			accepted++;
			zone_free(cur);
			zone_free(want);
			cur = got;
			model_free(&m);
			m = next;
		} else {
			/* refused by both, each naming a rule */
			for (size_t i = 0; rc == GD_OK && i < dl.count; i++)
				fprintf(stderr, "step %d: loading: %s\n", step, dl.msgs[i]);
			ck_assert_int_eq(rc, GD_EINVAL);
			ck_assert_ptr_null(got);
			ck_assert_uint_gt(dp.errors, 0);
			refused++;
			model_free(&next);
		}
		diag_free(&dl);
		diag_free(&dp);
	}
	ck_assert_uint_gt(accepted, 50);
	ck_assert_uint_gt(refused, 5);
	ck_assert_uint_ge(full, 1); /* PATCH_MAX_DEPTH reached at least once */
	zone_free(cur);
	model_free(&m);
}
END_TEST

/* A change that loading refuses is refused by zone_patch with its
 * message, and the base is untouched. */
static void refused(const char *line, const char *owner, const char *type, const char *message)
{
	struct model m = {0};
	base_model(&m);
	struct diag d = {0};
	struct zone *base = model_load(&m, &d);
	ck_assert_ptr_nonnull(base);
	uint32_t serial = base->serial;
	size_t nnodes = base->nnodes;
	struct model next = {0};
	model_copy(&next, &m);
	next.serial = 2;
	if (line[0] == '-')
		model_del(&next, owner, type);
	else
		model_add(&next, "%s", line);
	/* the change: the RRset as the model now has it, read by ldns */
	static struct change_buf buf;
	struct zone_rrset_change ch[1];
	size_t nch = 1;
	change_of(next.line, next.n, owner, type_code(type), &ch[0], &buf);
	struct diag dp = {0};
	struct zone *got = NULL;
	ck_assert_int_eq(zone_patch(base, ch, nch, &unit_regions, NULL, &dp, &got), GD_EINVAL);
	ck_assert_ptr_null(got);
	bool found = false;
	for (size_t i = 0; i < dp.count; i++)
		found |= strstr(dp.msgs[i], message) != NULL;
	ck_assert_msg(found, "no \"%s\" in %zu messages (first: %s)", message, dp.count,
	              dp.count ? dp.msgs[0] : "");
	/* loading says the same */
	struct diag dl = {0};
	ck_assert_ptr_null(model_load(&next, &dl));
	found = false;
	for (size_t i = 0; i < dl.count; i++)
		found |= strstr(dl.msgs[i], message) != NULL;
	ck_assert_msg(found, "loading: no \"%s\"", message);
	ck_assert_uint_eq(base->serial, serial);
	ck_assert_uint_eq(base->nnodes, nnodes);
	zone_free(base);
	diag_free(&d);
	diag_free(&dp);
	diag_free(&dl);
	model_free(&m);
	model_free(&next);
}

START_TEST(refusals_name_the_rule)
{
	refused("mail." ORIGIN " 300 IN CNAME ns1." ORIGIN, "mail." ORIGIN, "CNAME",
	        "CNAME and other data at mail." ORIGIN);
	refused("-", "ns.d." ORIGIN, "A", "missing glue: NS target ns.d." ORIGIN);
	refused("-", ORIGIN, "NS", "no NS records at the zone apex");
	refused("svc." ORIGIN " 300 IN A 192.0.2.99", "svc." ORIGIN, "A",
	        "static A record at service name svc." ORIGIN);
	refused("b.a." ORIGIN " 300 IN DNAME x." ORIGIN, "b.a." ORIGIN, "DNAME",
	        "c.b.a." ORIGIN " is below a DNAME");
}
END_TEST

/* Unchanged nodes are shared, not copied; the base outlives nothing it
 * lends: freeing the base first leaves the version whole. */
START_TEST(shares_unchanged_nodes)
{
	struct model m = {0};
	base_model(&m);
	struct diag d = {0};
	struct zone *base = model_load(&m, &d);
	ck_assert_ptr_nonnull(base);
	struct model next = {0};
	model_copy(&next, &m);
	next.serial = 7;
	model_add(&next, "new.a." ORIGIN " 300 IN A 192.0.2.7");
	struct zone *want = model_load(&next, &d);
	ck_assert_ptr_nonnull(want);
	struct key k = {"new.a." ORIGIN, "A"};
	struct zone_rrset_change ch[2];
	static struct change_buf bufs[2];
	size_t nch = model_changes(&next, &k, 1, ch, bufs);
	struct zone *got = NULL;
	ck_assert_int_eq(zone_patch(base, ch, nch, &unit_regions, NULL, &d, &got), GD_OK);
	uint8_t w[256];
	size_t len = owner_wire("ns1." ORIGIN, w);
	ck_assert_ptr_eq(zone_lookup(got, w, len), zone_lookup(base, w, len));
	len = owner_wire("a." ORIGIN, w); /* its children count moved */
	ck_assert_ptr_ne(zone_lookup(got, w, len), zone_lookup(base, w, len));
	ck_assert_uint_eq(zone_lookup(got, w, len)->children, 2);
	ck_assert_uint_eq(zone_lookup(base, w, len)->children, 1);
	ck_assert_uint_eq(base->serial, 1);
	ck_assert_uint_eq(got->serial, 7);
	ck_assert_uint_eq(got->nrecords, want->nrecords);
	zone_free(base);
	same_zone(got, want);
	/* a copy with no change owns its services */
	struct zone *copy = NULL;
	ck_assert_int_eq(zone_patch(got, NULL, 0, &unit_regions, NULL, &d, &copy), GD_OK);
	ck_assert_ptr_ne(copy->services, got->services);
	same_zone(copy, want);
	zone_free(got);
	same_zone(copy, want);
	zone_free(copy);
	zone_free(want);
	diag_free(&d);
	model_free(&m);
	model_free(&next);
}
END_TEST

/* zone_load_records: the checks a record from the wire has not had, at
 * its file and line; a good set builds the zone loading its text gives. */
START_TEST(load_records_checks)
{
	static uint8_t apex[64], www[64], out[64], soa_rd[128], ns_rd[64];
	size_t la = owner_wire(ORIGIN, apex), lw = owner_wire("www." ORIGIN, www),
	       lo = owner_wire("www.other.", out);
	size_t n1 = owner_wire("ns1." ORIGIN, soa_rd);
	size_t n2 = owner_wire("h." ORIGIN, soa_rd + n1);
	memset(soa_rd + n1 + n2, 0, 20);
	soa_rd[n1 + n2 + 3] = 9; /* serial 9 */
	size_t ln = owner_wire("ns1." ORIGIN, ns_rd);
	static const uint8_t a3[3] = {192, 0, 2}, a4[4] = {192, 0, 2, 1};
	struct zone_record good[] = {
	    {apex, (uint8_t)la, TYPE_SOA, 3600, soa_rd, (uint16_t)(n1 + n2 + 20), 1, "T"},
	    {apex, (uint8_t)la, TYPE_NS, 3600, ns_rd, (uint16_t)ln, 2, "T"},
	    {ns_rd, (uint8_t)ln, TYPE_A, 300, a4, 4, 3, "T"},
	};
	struct zone_config zc = {ORIGIN, "copy.zone", NULL, &unit_regions};
	struct diag d = {0};
	struct zone_record *recs = malloc(sizeof(good));
	memcpy(recs, good, sizeof(good));
	struct zone *z = zone_load_records(&zc, recs, 3, &d);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_eq(z->serial, 9);
	ck_assert_uint_eq(z->nrecords, 3);
	ck_assert_str_eq(z->file, "copy.zone");
	zone_free(z);
	struct zone_record bad[] = {
	    good[0], good[1], good[2],
	    {www, (uint8_t)lw, TYPE_A, 300, a3, 3, 4, "T"},
	    {out, (uint8_t)lo, TYPE_A, 300, a4, 4, 5, "T"},
	    {www, (uint8_t)lw, 0, 300, a4, 4, 6, "T"},
	};
	recs = malloc(sizeof(bad));
	memcpy(recs, bad, sizeof(bad));
	ck_assert_ptr_null(zone_load_records(&zc, recs, 6, &d));
	ck_assert_uint_eq(d.errors, 3);
	ck_assert_str_eq(d.msgs[0],
	                 "T:4: record www." ORIGIN " type 1 of a length its type cannot have");
	ck_assert_str_eq(d.msgs[1], "T:5: record www.other. type 1 outside the zone");
	ck_assert_str_eq(d.msgs[2],
	                 "T:6: record www." ORIGIN " type 0 of a type that cannot be zone data");
	diag_free(&d);
}
END_TEST

Suite *patch_suite(void)
{
	Suite *s = suite_create("patch");
	TCase *tc = tcase_create("patch");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, random_walk_matches_loading, 0, 4);
	tcase_add_test(tc, refusals_name_the_rule);
	tcase_add_test(tc, shares_unchanged_nodes);
	tcase_add_test(tc, load_records_checks);
	suite_add_tcase(s, tc);
	return s;
}
