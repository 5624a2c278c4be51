/*
 * answer.c - builds authoritative responses.
 *
 * The lookup follows RFC 1034 4.3.2 against the compiled zone database:
 * longest-match zone, then a hash lookup of the whole name (the common case:
 * found, not below a cut), falling back to a walk from the apex that finds
 * zone cuts (referral), DNAMEs, the closest encloser and its wildcard
 * (RFC 4592). CNAMEs are followed within our zones, at most
 * ANSWER_CHAIN_MAX links, with a loop check.
 *
 * Responses are written with the wire writer; room for the OPT record is
 * reserved first so that truncation never drops EDNS. A response that does
 * not fit gets TC=1 and keeps only the question (and OPT).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "query/answer.h"
#include "health/health.h"

#include "conf/config.h"
#include "query/cookie.h"
#include "common/gd.h"
#include "geo/geo.h"
#include "geo/service.h"
#include "dns/wire.h"
#include "zone/zone.h"

#include <assert.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#define ANSWER_CHAIN_MAX 8
#define ANSWER_ADDITIONAL_MAX 32
#define RFC8482_TTL 3600

struct additional {
	const struct node *node;
	const uint8_t *name;      /* target as written in the rdata */
	bool required;            /* in-domain glue of a referral */
};

struct resp {
	const struct query *q;
	const struct zonedb *db;
	const struct answer_settings *set;
	struct answer_worker *aw;
	const struct sockaddr *client;
	const struct health_snapshot *health;
	bool tcp;
	/* the client as the geo choice sees it (computed on first need) */
	bool addressed;         /* cfamily, caddr and use_ecs are set */
	bool located;           /* and reserved or match too */
	bool use_ecs;           /* the ECS address decides */
	bool reserved;          /* private/reserved address: not located */
	uint8_t reserved_prefix;
	uint8_t cfamily;        /* 1 = IPv4, 2 = IPv6, 0 = unknown */
	uint8_t caddr[16];
	struct geo_match match;
	uint8_t ecs_scope;      /* SCOPE PREFIX-LENGTH to echo */
	const struct zone *zone; /* of the question, for rate limiting */
	uint8_t cookie[COOKIE_OPT_LEN]; /* the COOKIE option to send */
	size_t cookie_len;
	enum cookie_check cookie_check;
	size_t question_end;
	uint16_t flags;           /* QR, opcode, AA, TC, RD, CD */
	unsigned rcode;
	uint16_t an, ns, ar;
	size_t limit;             /* message size limit for this client */
	size_t opt_len;           /* bytes reserved for our OPT */
	unsigned nadd;
	/* for the answer cache: the service decisions made, the last one's
	 * outcome, and whether anything else keeps the response out */
	unsigned nsvc;
	bool svc_hashed;          /* the client's network hash decided it */
	bool svc_fail_open;
	uint16_t svc_region;
	uint8_t svc_sr; /* svc_region's index in the service's regions */
	uint32_t svc_index;
	bool nocache;
	/* not cleared per query: the writer is initialized, add[] is used up
	 * to nadd */
	struct wire_writer w;
	struct additional add[ANSWER_ADDITIONAL_MAX];
};

/* Write one record: owner (uncompressed wire), type, class IN, ttl, rdata.
 * Names inside the rdata of RFC 1035 types are compressed (RFC 3597 4). */
static int put_rr(struct resp *r, const uint8_t *owner, uint16_t type, uint32_t ttl,
		  const uint8_t *rdata, size_t rdlen)
{
	struct wire_writer *w = &r->w;
	if (owner == r->q->qname) {
		/* the question's name: a pointer to it */
		static const uint8_t ptr[2] = {0xC0, DNS_HEADER_LEN};
		if (wire_put(w, ptr, 2) < 0)
			return GD_ESPACE;
	} else if (wire_put_name(w, owner, true) < 0) {
		return GD_ESPACE;
	}
	if (wire_put16(w, type) < 0 ||
	    wire_put16(w, CLASS_IN) < 0 || wire_put32(w, ttl) < 0)
		return GD_ESPACE;
	size_t rdlen_at = w->len;
	if (wire_put16(w, 0) < 0)
		return GD_ESPACE;
	size_t names = 0, pre = 0, post = 0;
	switch (type) {
	case TYPE_NS:
	case TYPE_CNAME:
	case TYPE_PTR:
		names = 1;
		break;
	case TYPE_MX:
		names = 1;
		pre = 2;
		break;
	case TYPE_SOA:
		names = 2;
		post = 20;
		break;
	default:
		break;
	}
	if (names) {
		/* zone data was validated by ldns; still never read past rdlen */
		size_t p = pre;
		if (pre > rdlen || wire_put(w, rdata, pre) < 0)
			return GD_ESPACE;
		for (size_t i = 0; i < names; i++) {
			size_t nl = wire_name_len(rdata + p, rdlen - p);
			if (!nl)
				return GD_EFORMAT;
			if (wire_put_name(w, rdata + p, true) < 0)
				return GD_ESPACE;
			p += nl;
		}
		if (p + post != rdlen || wire_put(w, rdata + p, post) < 0)
			return GD_ESPACE;
	} else if (wire_put(w, rdata, rdlen) < 0) {
		return GD_ESPACE;
	}
	wr16(w->buf + rdlen_at, (uint16_t)(w->len - rdlen_at - 2));
	return GD_OK;
}

/* Write a whole rrset or nothing. */
static int put_rrset(struct resp *r, const uint8_t *owner, const struct rrset *rs,
		     uint32_t ttl, uint16_t *count)
{
	if (rs->wire && owner == r->q->qname && ttl == rs->ttl) {
		/* pre-rendered: the owner is a pointer to the question */
		if (wire_put(&r->w, rs->wire, rs->wire_len) < 0)
			return GD_ESPACE;
		*count += rs->count;
		return GD_OK;
	}
	struct wire_mark m = wire_mark(&r->w);
	const uint8_t *rd = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++, rd = rrset_rdata_next(rd)) {
		if (put_rr(r, owner, rs->type, ttl, rd + 2, rd16(rd)) < 0) {
			wire_rollback(&r->w, m);
			return GD_ESPACE;
		}
	}
	*count += rs->count;
	return GD_OK;
}

/* Queue additional-section addresses for the targets of an NS/MX/SRV set. */
static void queue_targets(struct resp *r, const struct rrset *rs, const uint8_t *cut)
{
	if (!rs->targets)
		return;
	/* targets in rs's own zone are its nodes; others (in another zone,
	 * or possibly in a zone nested in this one) are found in the db */
	bool find = rs->outside || r->db->nested;
	const uint8_t *rd = rs->rdata;
	size_t off = rs->type == TYPE_NS ? 0 : rs->type == TYPE_MX ? 2 : 6;
	for (unsigned i = 0; i < rs->count; i++, rd = rrset_rdata_next(rd)) {
		const struct node *t = find ? zonedb_target(r->db, rs, i, rd) : rs->targets[i];
		if (!t || r->nadd == ANSWER_ADDITIONAL_MAX)
			continue;
		/* below a cut only as glue of that very referral */
		if ((t->flags & NODE_OCCLUDED) && !(cut && rs->type == TYPE_NS))
			continue;
		if (t->flags & NODE_SERVICE)
			continue;
		bool dup = false;
		for (unsigned k = 0; k < r->nadd; k++)
			dup |= r->add[k].node == t;
		if (dup)
			continue;
		r->add[r->nadd].node = t;
		r->add[r->nadd].name = rd + 2 + off;
		r->add[r->nadd].required = cut && wire_name_is_sub(t->name, cut);
		r->nadd++;
	}
}

/* Returns GD_ESPACE when required glue did not fit (caller sets TC). */
static int put_additional(struct resp *r)
{
	for (unsigned i = 0; i < r->nadd; i++) {
		static const uint16_t types[2] = {TYPE_A, TYPE_AAAA};
		for (int t = 0; t < 2; t++) {
			const struct rrset *rs = node_rrset(r->add[i].node, types[t]);
			if (!rs)
				continue;
			if (put_rrset(r, r->add[i].name, rs, rs->ttl, &r->ar) < 0) {
				if (r->add[i].required)
					return GD_ESPACE;
				r->nocache = true; /* a larger limit would hold more */
			}
		}
	}
	return GD_OK;
}

static int put_soa(struct resp *r, const struct zone *z)
{
	/* The zone's rendered record (struct soa_template) when it directly
	 * follows the question, so the names before it are the question's
	 * (z is then its zone), and the question shares no more than the apex
	 * with MNAME or RNAME: the octets put_rr would write. */
	const struct soa_template *t = &z->neg_soa;
	const struct query *q = r->q;
	struct wire_writer *w = &r->w;
	if (t->wire && !r->set->soa_template_off && r->an == 0 && r->ns == 0 &&
	    w->ncomp == q->nlabels && w->len + t->len < 0x4000) {
		unsigned below = q->nlabels - z->labels;
		if (below > 0) {
			const uint8_t *l = q->lname + q->label_off[below - 1];
			for (int i = 0; i < 2; i++)
				if (t->under[i][0] == *l && memcmp(l + 1, t->under[i] + 1, *l) == 0)
					goto general;
		}
		size_t start = w->len;
		if (wire_put(w, t->wire, t->len) < 0)
			return GD_ESPACE;
		size_t apex = DNS_HEADER_LEN + q->label_off[below];
		for (unsigned i = 0; i < t->nfix; i++)
			wr16(w->buf + start + t->fix[i].at,
			     (uint16_t)(0xC000 | ((t->fix[i].in_record ? start : apex) +
						 t->fix[i].base)));
		r->ns++;
		return GD_OK;
	}
general:
	return put_rrset(r, z->origin, z->soa, z->neg_ttl, &r->ns);
}

enum lookup_kind { LK_EXACT, LK_WILDCARD, LK_DELEG, LK_DNAME, LK_NXDOMAIN };

/* A name being answered: the question's own arrays, or a chain target's
 * copy in a struct name_buf. */
struct name {
	const uint8_t *wire;       /* as to be written (case preserved) */
	const uint8_t *lname;
	const uint8_t *off;        /* label offsets */
	const uint32_t *hash;      /* of each suffix, [nlabels] the root */
	size_t len;
	unsigned nlabels;
};

struct name_buf {
	uint8_t wire[WIRE_NAME_MAX];
	uint8_t lname[WIRE_NAME_MAX];
	uint8_t off[WIRE_LABELS_MAX];
	uint32_t hash[WIRE_LABELS_MAX + 1];
};

static void name_of_query(struct name *n, const struct query *q)
{
	n->wire = q->qname;
	n->lname = q->lname;
	n->off = q->label_off;
	n->hash = q->lhash;
	n->len = q->qname_len;
	n->nlabels = q->nlabels;
}

static void name_set(struct name *n, struct name_buf *b, const uint8_t *wire, size_t len)
{
	memcpy(b->wire, wire, len);
	wire_name_lower(wire, len, b->lname);
	n->nlabels = wire_label_offsets(b->lname, b->off);
	wire_suffix_hashes(b->lname, b->off, n->nlabels, b->hash);
	n->wire = b->wire;
	n->lname = b->lname;
	n->off = b->off;
	n->hash = b->hash;
	n->len = len;
}

static enum lookup_kind lookup(const struct zone *z, const struct name *nm, unsigned zidx,
			       uint16_t qtype, const struct node **out)
{
	const struct node *n = zone_lookup_h(z, nm->lname, nm->len, nm->hash[0]);
	if (n && !(n->flags & NODE_OCCLUDED)) {
		*out = n;
		if ((n->flags & NODE_DELEG) && qtype != TYPE_DS)
			return LK_DELEG;
		return LK_EXACT;
	}
	/* walk down from the apex: cuts and DNAMEs above the name win */
	const struct node *prev = z->apex;
	if ((prev->flags & NODE_DNAME) && zidx > 0) {
		*out = prev;
		return LK_DNAME;
	}
	for (unsigned i = zidx; i-- > 0;) {
		const uint8_t *suffix = nm->lname + nm->off[i];
		const struct node *m = zone_lookup_h(z, suffix, nm->len - nm->off[i], nm->hash[i]);
		if (!m)
			break;
		if ((m->flags & NODE_DELEG) && (i > 0 || qtype != TYPE_DS)) {
			*out = m;
			return LK_DELEG;
		}
		if ((m->flags & NODE_DNAME) && i > 0) {
			*out = m;
			return LK_DNAME;
		}
		prev = m;
		if (i == 0) {
			*out = m;
			return LK_EXACT;
		}
	}
	if (prev->wildcard) {
		*out = prev->wildcard;
		return LK_WILDCARD;
	}
	*out = prev;
	return LK_NXDOMAIN;
}

/* RFC 8482: over UDP a single synthesized HINFO; over TCP every RRset. */
static int answer_any(struct resp *r, const struct name *cur, const struct node *n)
{
	if (r->tcp) {
		for (unsigned i = 0; i < n->nrrsets; i++)
			if (put_rrset(r, cur->wire, &n->rrsets[i], n->rrsets[i].ttl, &r->an) < 0)
				return GD_ESPACE;
		return GD_OK;
	}
	static const uint8_t hinfo[] = {7, 'R', 'F', 'C', '8', '4', '8', '2', 0};
	if (put_rr(r, cur->wire, TYPE_HINFO, RFC8482_TTL, hinfo, sizeof(hinfo)) < 0)
		return GD_ESPACE;
	r->an++;
	return GD_OK;
}


/* ---- geo services ---- */

struct reserved_net {
	uint8_t family;         /* 1 or 2 */
	uint8_t bits;
	uint8_t addr[16];
};

/* Networks never located (answered from the fallback region). The
 * documentation ranges are deliberately absent: test and demo databases use
 * them. */
static const struct reserved_net reserved_nets[] = {
	{1, 8, {0}},                       /* 0.0.0.0/8 "this network" */
	{1, 8, {10}},                      /* RFC 1918 */
	{1, 10, {100, 64}},                /* RFC 6598 shared address space */
	{1, 8, {127}},                     /* loopback */
	{1, 16, {169, 254}},               /* link local */
	{1, 12, {172, 16}},                /* RFC 1918 */
	{1, 16, {192, 168}},               /* RFC 1918 */
	{1, 4, {224}},                     /* multicast */
	{1, 4, {240}},                     /* reserved, broadcast */
	{2, 128, {0}},                     /* :: unspecified */
	{2, 128, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}, /* ::1 */
	{2, 7, {0xfc}},                    /* unique local */
	{2, 10, {0xfe, 0x80}},             /* link local */
	{2, 8, {0xff}},                    /* multicast */
};

static bool prefix_match(const uint8_t *addr, const uint8_t *net, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	if (memcmp(addr, net, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xFF << (8 - rest));
	return (addr[full] & mask) == (net[full] & mask);
}

static bool sender_trusted(const struct answer_settings *set, int family, const uint8_t *addr)
{
	if (set->ecs_trust_all)
		return true;
	for (size_t i = 0; i < set->necs_trusted; i++) {
		const struct netprefix *p = &set->ecs_trusted[i];
		if ((p->family == AF_INET) == (family == 1) &&
		    prefix_match(addr, p->addr, p->bits))
			return true;
	}
	return false;
}

/* The source address as family 1/2 and bytes (never ECS). */
static bool source_addr(const struct sockaddr *sa, uint8_t *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (sa->sa_family == AF_INET) {
		*family = 1;
		memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		*family = 2;
		memcpy(addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	} else {
		return false;
	}
	return true;
}

/* Can an address starting with this octet be in reserved_nets? (Most
 * cannot: the table is walked only for those that can.) */
static bool may_be_reserved(uint8_t family, uint8_t first)
{
	if (family == 1)
		return first == 0 || first == 10 || first == 100 || first == 127 || first == 169 ||
		       first == 172 || first == 192 || first >= 224;
	return first == 0 || first >= 0xfc;
}

/* The GeoIP tree walk for the client, through the worker's cache. */
static void geo_find_cached(struct resp *r)
{
	const struct answer_settings *set = r->set;
	int family = r->cfamily == 1 ? AF_INET : AF_INET6;
	struct geo_cache_entry *gc = r->aw->gcache;
	if (!gc) {
		geo_find(set->geo, family, r->caddr, &r->match);
		return;
	}
	const uint8_t *a = r->caddr;
	uint64_t key;
	unsigned bits;
	if (family == AF_INET) {
		key = (1ull << 62) | ((uint64_t)a[0] << 16) | ((uint64_t)a[1] << 8) | a[2];
		bits = ANSWER_GEO_CACHE_V4;
	} else {
		key = 2ull << 62;
		for (int i = 0; i < 7; i++)
			key |= (uint64_t)a[i] << (48 - 8 * i);
		bits = ANSWER_GEO_CACHE_V6;
	}
	/* two ways per set: the newest entry first */
	struct geo_cache_entry *e = &gc[(svc_mix(key) & (ANSWER_GEO_CACHE / 2 - 1)) * 2];
	for (int way = 0; way < 2; way++) {
		if (e[way].generation == set->generation && e[way].key == key) {
			r->match = e[way].m;
			return;
		}
	}
	CTR_INC(r->aw->counters.geo_cache_miss);
	geo_find(set->geo, family, r->caddr, &r->match);
	if (r->match.prefix <= bits) {
		/* the whole key network has this result */
		e[1] = e[0];
		e[0].generation = set->generation;
		e[0].key = key;
		e[0].m = r->match;
	}
}

/* Who the answer is for: the source address, or the ECS subnet when the
 * sender may send one. */
static void client_address(struct resp *r)
{
	r->addressed = true;
	const struct query *q = r->q;
	const struct answer_settings *set = r->set;
	uint8_t sfam = 0, saddr[16] = {0};
	/* located like the IPv4 address it is when it arrives IPv4-mapped */
	if (r->client && source_addr(r->client, &sfam, saddr) && sfam == 2 &&
	    IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)saddr)) {
		sfam = 1;
		memmove(saddr, saddr + 12, 4);
		memset(saddr + 4, 0, 12);
	}
	r->cfamily = sfam;
	memcpy(r->caddr, saddr, 16);
	if (q->ecs_present && set->ecs_enabled) {
		/* SOURCE 0 means "do not use my address": the source decides,
		 * SCOPE 0 (RFC 7871 7.1.2) */
		if (q->ecs.source > 0 && sfam && sender_trusted(set, sfam, saddr)) {
			r->use_ecs = true;
			r->cfamily = (uint8_t)q->ecs.family;
			memcpy(r->caddr, q->ecs.addr, 16);
		}
	}
}

/* ECS present but not used for a geo answer (untrusted sender, SOURCE 0). */
static void count_ecs_ignored(struct resp *r)
{
	if (r->q->ecs_present && r->set->ecs_enabled && !r->use_ecs)
		CTR_INC(r->aw->counters.ecs_ignored);
}

static void client_locate(struct resp *r)
{
	if (r->located)
		return;
	r->located = true;
	const struct query *q = r->q;
	if (!r->addressed)
		client_address(r);
	count_ecs_ignored(r);
	if (!r->cfamily)
		return;
	/* with ECS only SOURCE bits are known: a reserved range longer than
	 * that cannot be told apart from the rest of the client's network */
	unsigned known = r->use_ecs ? q->ecs.source : (r->cfamily == 2 ? 128u : 32u);
	if (may_be_reserved(r->cfamily, r->caddr[0])) {
		for (size_t i = 0; i < ARRAY_SIZE(reserved_nets); i++) {
			const struct reserved_net *n = &reserved_nets[i];
			if (n->family == r->cfamily && n->bits <= known &&
			    prefix_match(r->caddr, n->addr, n->bits)) {
				r->reserved = true;
				r->reserved_prefix = n->bits;
				return;
			}
		}
	}
	geo_find_cached(r);
}

/* The client's GeoIP record decoded, with the place of every region from
 * it: from the worker's cache, or computed. */
static const struct loc_entry *loc_for(struct resp *r, struct loc_entry *scratch)
{
	const struct answer_settings *set = r->set;
	uint64_t key = ((uint64_t)r->match.db << 32) | r->match.record;
	struct loc_entry *le = scratch; /* a worker without caches */
	if (r->aw->lcache) {
		le = &r->aw->lcache[svc_mix(key) & (ANSWER_LOC_CACHE - 1)];
		if (le->generation == set->generation && le->key == key)
			return le;
	}
	CTR_INC(r->aw->counters.loc_cache_miss);
	geo_decode(set->geo, &r->match, &le->loc);
	le->known = le->loc.has_coords || le->loc.country[0] || le->loc.continent[0];
	double lat, lon;
	le->has_pos = le->known && set->regions->n <= SVC_POSITIONS_MAX &&
		      svc_location_point(&le->loc, &lat, &lon);
	if (le->has_pos)
		svc_region_positions(set->regions, lat, lon, le->pos);
	le->generation = set->generation;
	le->key = key;
	return le;
}

/*
 * The region order for this client: from the worker's cache, or ranked.
 * With allow_partial, a service without overrides for a client with a
 * position table gets only its closest region (partial: n = 1), which is
 * all svc_choose_first needs; the caller ranks fully (allow_partial false)
 * when that region cannot take the answer. With many services, most
 * rankings are computed once and used once: this keeps them cheap.
 */
static struct rank_entry *rank_for(struct resp *r, const struct service *svc,
				   struct rank_entry *scratch, bool allow_partial)
{
	const struct answer_settings *set = r->set;
	uint64_t ks = (uint64_t)(uintptr_t)svc;
	uint64_t kr = r->match.found ? ((1ull << 40) | ((uint64_t)r->match.db << 32) |
					r->match.record)
				     : 0;
	struct rank_entry *e = scratch;
	if (r->aw->cache) {
		e = &r->aw->cache[svc_mix(ks * 31 + kr) & (ANSWER_RANK_CACHE - 1)];
		if (e->generation == set->generation && e->key_service == ks &&
		    e->key_record == kr && (allow_partial || !e->partial))
			return e;
	}
	CTR_INC(r->aw->counters.rank_cache_miss);
	struct loc_entry lscratch;
	const struct loc_entry *le = r->match.found ? loc_for(r, &lscratch) : NULL;
	e->partial = false;
	if (!le || !le->known) {
		e->n = svc->nunknown;
		memcpy(e->order, svc->unknown_order, svc->nunknown);
	} else if (le->has_pos && allow_partial && !svc->ncountries && !svc->ncontinents) {
		e->order[0] = (uint8_t)svc_first_by_pos(svc, le->pos);
		e->n = 1;
		e->partial = true;
	} else if (le->has_pos) {
		e->n = (uint8_t)svc_rank_pos(svc, &le->loc, le->pos, e->order);
	} else {
		e->n = (uint8_t)svc_rank(svc, set->regions, &le->loc, e->order);
	}
	e->generation = set->generation;
	e->key_service = ks;
	e->key_record = kr;
	return e;
}

/* A geo answer counted: in all, per (service, region), fail-open, ECS used;
 * and its region for the query log. The same for a computed answer and one
 * replayed from the answer cache. sr is the region's index in the service's
 * regions, region its index in the region table. */
static void count_geo_answer(struct resp *r, uint32_t service, uint8_t sr, uint16_t region,
                             bool fail_open)
{
	const struct answer_settings *set = r->set;
	struct answer_counters *ctr = &r->aw->counters;
	CTR_INC(ctr->geo_answers);
	if (set->svc_counts && r->aw->id < set->nworkers_max && service < set->nservices) {
		uint64_t *row = svc_counters(set, r->aw->id, service);
		size_t fail_open_at = set->svc_row[service + 1] - set->svc_row[service] - 1;
		assert(sr < fail_open_at);
		CTR_INC(row[sr]);
		if (r->aw->want_info)
			r->aw->info.region = region;
		if (fail_open)
			CTR_INC(row[fail_open_at]);
	}
	if (fail_open)
		CTR_INC(ctr->fail_open);
	if (r->use_ecs)
		CTR_INC(ctr->ecs_used);
}

/* The question types a service name answers (ANY only over TCP). */
static inline bool service_qtype(uint16_t qt)
{
	return qt == TYPE_A || qt == TYPE_AAAA || qt == TYPE_CNAME;
}

/* Does the service decision just made hold for every client of the key
 * network (IPv4 /24, IPv6 /56, as the GeoIP cache)? Only then may the
 * answer cache keep it for that network. */
static bool net_wide(const struct resp *r)
{
	if (!r->cfamily)
		return false;
	unsigned kbits = r->cfamily == 2 ? ANSWER_GEO_CACHE_V6 : ANSWER_GEO_CACHE_V4;
	unsigned hprefix = r->cfamily == 2 ? r->set->hash_ipv6_prefix : r->set->hash_ipv4_prefix;
	if (r->svc_hashed && hprefix > kbits)
		return false;
	if (r->reserved)
		return r->reserved_prefix <= kbits;
	if (r->match.prefix > kbits)
		return false;
	/* a longer reserved network (::1/128) would be answered otherwise */
	if (!may_be_reserved(r->cfamily, r->caddr[0]))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(reserved_nets); i++) {
		const struct reserved_net *n = &reserved_nets[i];
		if (n->family == r->cfamily && n->bits > kbits &&
		    prefix_match(r->caddr, n->addr, kbits))
			return false;
	}
	return true;
}

/*
 * Answer a service name: choose the region, write its A/AAAA records or its
 * CNAME. *target is set to the CNAME target to follow (or left NULL).
 * Returns GD_ESPACE when it did not fit; GD_ENOTFOUND for NODATA.
 */
static int answer_service(struct resp *r, const struct service *svc, const uint8_t *owner,
			  uint16_t qtype, const uint8_t **target, size_t *tlen)
{
	const struct answer_settings *set = r->set;
	client_locate(r);
	struct rank_entry scratch;
	const struct rank_entry *rank = rank_for(r, svc, &scratch, true);
	unsigned hprefix = r->cfamily == 2 ? set->hash_ipv6_prefix : set->hash_ipv4_prefix;
	struct svc_client ch = {.family = r->cfamily, .addr = r->caddr, .prefix = hprefix};
	struct svc_choice ch_out;
	if (!rank->partial ||
	    !svc_choose_first(svc, rank->order[0], &ch, qtype, r->health, &ch_out)) {
		if (rank->partial) /* the closest cannot take it: the whole order */
			rank = rank_for(r, svc, &scratch, false);
		svc_choose_client(svc, rank->order, rank->n, &ch, qtype, r->health, &ch_out);
	}
	r->nsvc++;
	r->svc_index = (uint32_t)svc->index;
	r->svc_region = (uint16_t)ch_out.sr->region;
	r->svc_sr = (uint8_t)(ch_out.sr - svc->regions);
	r->svc_fail_open = ch_out.fail_open;
	r->svc_hashed = ch_out.hashed;
	uint32_t ttl = svc->ttl;
	if (set->service_ttl_cap && ttl > set->service_ttl_cap)
		ttl = set->service_ttl_cap;
	count_geo_answer(r, r->svc_index, r->svc_sr, r->svc_region, r->svc_fail_open);
	if (r->use_ecs) {
		unsigned scope = r->reserved ? r->reserved_prefix : r->match.prefix;
		if (ch_out.hashed && scope < hprefix)
			scope = hprefix;
		unsigned max = r->cfamily == 2 ? 128 : 32;
		if (scope > max)
			scope = max;
		if (scope > r->ecs_scope)
			r->ecs_scope = (uint8_t)scope;
	}
	const struct service_region *sr = ch_out.sr;
	if (sr->cname) {
		if (put_rr(r, owner, TYPE_CNAME, ttl, sr->cname, sr->cname_len) < 0)
			return GD_ESPACE;
		r->an++;
		if (qtype != TYPE_CNAME) {
			*target = sr->cname;
			*tlen = sr->cname_len;
		}
		return GD_OK;
	}
	if (ch_out.n == 0)
		return GD_ENOTFOUND;
	struct wire_mark m = wire_mark(&r->w);
	uint16_t type = qtype == TYPE_AAAA ? TYPE_AAAA : TYPE_A;
	size_t alen = type == TYPE_AAAA ? 16 : 4;
	for (unsigned i = 0; i < ch_out.n; i++) {
		if (put_rr(r, owner, type, ttl, ch_out.eps[i]->addr, alen) < 0) {
			wire_rollback(&r->w, m);
			return GD_ESPACE;
		}
	}
	r->an += (uint16_t)ch_out.n;
	return GD_OK;
}

/* The authoritative part: fills answer, authority and the additional queue.
 * GD_ESPACE means the answer did not fit (TC). */
static int resolve(struct resp *r, const struct zonedb *db, const struct zone *z,
		   unsigned zidx)
{
	const struct query *q = r->q;
	struct name names[2];
	struct name_buf bufs[2];
	uint8_t synth[WIRE_NAME_MAX];      /* DNAME-synthesized target */
	uint8_t seen[ANSWER_CHAIN_MAX][WIRE_NAME_MAX];
	struct name *cur = &names[0];
	name_of_query(cur, q);
	r->flags |= DNS_FLAG_AA;

	for (unsigned chain = 0;; chain++) {
		const struct node *n;
		enum lookup_kind k = lookup(z, cur, zidx, q->qtype, &n);
		const uint8_t *target = NULL;
		size_t tlen = 0;

		if (k == LK_DELEG) {
			if (chain > 0)
				return GD_OK; /* a CNAME led into a delegation */
			r->flags &= (uint16_t)~DNS_FLAG_AA;
			const struct rrset *ns = node_rrset(n, TYPE_NS);
			/* owner: the cut, with the case of the query */
			const uint8_t *owner = cur->wire + cur->off[cur->nlabels - n->labels];
			if (put_rrset(r, owner, ns, ns->ttl, &r->ns) < 0)
				return GD_ESPACE;
			queue_targets(r, ns, n->name);
			return GD_OK;
		}
		if (k == LK_NXDOMAIN) {
			r->rcode = RCODE_NXDOMAIN;
			return put_soa(r, z);
		}
		if (k == LK_DNAME) {
			const struct rrset *dn = node_rrset(n, TYPE_DNAME);
			const uint8_t *owner = cur->wire + cur->off[cur->nlabels - n->labels];
			if (put_rrset(r, owner, dn, dn->ttl, &r->an) < 0)
				return GD_ESPACE;
			/* synthesize: the labels above the DNAME owner + its target */
			size_t prefix = cur->off[cur->nlabels - n->labels];
			const uint8_t *dt = dn->rdata + 2;
			size_t dtl = wire_name_len(dt, rd16(dn->rdata));
			if (!dtl)
				return GD_EFORMAT;
			if (prefix + dtl > WIRE_NAME_MAX) {
				r->rcode = 6; /* YXDOMAIN, RFC 6672 2.2 */
				return GD_OK;
			}
			memcpy(synth, cur->wire, prefix);
			memcpy(synth + prefix, dt, dtl);
			r->nocache = true; /* the target has the question's case */
			if (put_rr(r, cur->wire, TYPE_CNAME, dn->ttl, synth, prefix + dtl) < 0)
				return GD_ESPACE;
			r->an++;
			target = synth;
			tlen = prefix + dtl;
		} else {
			/* LK_EXACT or LK_WILDCARD: n holds the data */
			uint16_t qt = q->qtype;
			if ((n->flags & NODE_SERVICE) &&
			    (service_qtype(qt) || (qt == TYPE_ANY && r->tcp))) {
				if (qt == TYPE_ANY) {
					/* TCP ANY: both families (or the CNAME), then the
					 * static data */
					int rc = answer_service(r, n->service, cur->wire, TYPE_A,
								&target, &tlen);
					if (rc != GD_ESPACE && !target)
						rc = answer_service(r, n->service, cur->wire,
								    TYPE_AAAA, &target, &tlen);
					if (rc == GD_ESPACE)
						return rc;
					return answer_any(r, cur, n);
				}
				int rc = answer_service(r, n->service, cur->wire, qt, &target,
							&tlen);
				if (rc == GD_ENOTFOUND)
					return put_soa(r, z); /* NODATA: no AAAA there */
				if (rc < 0)
					return rc;
				if (!target)
					return GD_OK;
				goto follow;
			}
			if (q->qtype == TYPE_ANY && (n->nrrsets || (n->flags & NODE_SERVICE))) {
				const struct rrset *cn = node_rrset(n, TYPE_CNAME);
				if (cn)
					return put_rrset(r, cur->wire, cn, cn->ttl, &r->an);
				return answer_any(r, cur, n);
			}
			const struct rrset *rs = node_rrset(n, q->qtype);
			if (rs) {
				if (put_rrset(r, cur->wire, rs, rs->ttl, &r->an) < 0)
					return GD_ESPACE;
				if (rs->type == TYPE_NS || rs->type == TYPE_MX ||
				    rs->type == TYPE_SRV)
					queue_targets(r, rs, NULL);
				return GD_OK;
			}
			const struct rrset *cn = (n->flags & NODE_CNAME) ?
							 node_rrset(n, TYPE_CNAME) : NULL;
			if (!cn)
				return put_soa(r, z); /* NODATA */
			if (put_rrset(r, cur->wire, cn, cn->ttl, &r->an) < 0)
				return GD_ESPACE;
			target = cn->rdata + 2;
			tlen = wire_name_len(target, rd16(cn->rdata));
			if (!tlen)
				return GD_EFORMAT;
		}

	follow:
		/* follow the chain within our zones, at most ANSWER_CHAIN_MAX */
		memcpy(seen[chain], cur->lname, cur->len);
		if (chain + 1 >= ANSWER_CHAIN_MAX)
			return GD_OK;
		for (unsigned i = 0; i <= chain; i++)
			if (wire_name_equal(seen[i], target))
				return GD_OK; /* loop: answer what we have */
		unsigned nx = cur == &names[0] ? 1 : 0;
		struct name *next = &names[nx];
		name_set(next, &bufs[nx], target, tlen);
		const struct zone *nz = zonedb_find_h(db, next->lname, next->len, next->off,
						      next->nlabels, next->hash, &zidx);
		if (!nz)
			return GD_OK; /* outside our zones: the resolver goes on */
		z = nz;
		cur = next;
	}
}

/* Which options our OPT record carries (the options only when with_options:
 * a FORMERR or BADVERS has the cookie alone), and its RDATA length. */
struct opt_parts {
	bool nsid, ecs, keepalive;
	size_t rdlen;
};

/* inline: out of line it cost 70 instructions a geo query (callgrind) */
static inline struct opt_parts opt_parts(const struct resp *r, bool with_options)
{
	const struct query *q = r->q;
	const struct answer_settings *set = r->set;
	struct opt_parts o = {
		.nsid = with_options && q->nsid && set->nsid,
		.ecs = with_options && q->ecs_present && set->ecs_enabled,
		.keepalive = with_options && q->keepalive && r->tcp,
	};
	o.rdlen = (o.nsid ? 4u + set->nsid_len : 0) + (o.ecs ? 8u + q->ecs.addr_len : 0) +
		  (o.keepalive ? 6u : 0) + (r->cookie_len ? 4 + r->cookie_len : 0);
	return o;
}

/* Octets the full OPT record takes: reserved before the answer is written. */
static size_t opt_space(const struct resp *r)
{
	return 11 + opt_parts(r, true).rdlen;
}

static void put_opt(struct resp *r, unsigned ext_rcode, bool with_options)
{
	const struct query *q = r->q;
	const struct answer_settings *set = r->set;
	struct wire_writer *w = &r->w;
	w->cap = r->limit; /* the reserved space */
	struct opt_parts o = opt_parts(r, with_options);
	size_t rdlen = o.rdlen;
	if (w->len > w->cap || w->cap - w->len < 11 + rdlen)
		return; /* never: opt_space() reserved it */
	/* written in place: one bounds check for the whole record */
	uint8_t *p = w->buf + w->len;
	p[0] = 0; /* root owner */
	wr16(p + 1, TYPE_OPT);
	wr16(p + 3, set->udp_payload);
	p[5] = (uint8_t)(ext_rcode >> 4);
	p[6] = 0; /* version 0 */
	wr16(p + 7, q->edns_flags & EDNS_FLAG_DO);
	wr16(p + 9, (uint16_t)rdlen);
	p += 11;
	if (o.nsid) {
		wr16(p, EDNS_OPT_NSID);
		wr16(p + 2, set->nsid_len);
		memcpy(p + 4, set->nsid, set->nsid_len);
		p += 4 + set->nsid_len;
	}
	if (o.ecs) {
		wr16(p, EDNS_OPT_ECS);
		wr16(p + 2, (uint16_t)(4 + q->ecs.addr_len));
		wr16(p + 4, q->ecs.family);
		/* SCOPE: the prefix the answer depends on, 0 if it does not */
		p[6] = q->ecs.source;
		p[7] = r->ecs_scope;
		memcpy(p + 8, q->ecs.addr, q->ecs.addr_len);
		p += 8 + q->ecs.addr_len;
	}
	if (o.keepalive) {
		wr16(p, EDNS_OPT_KEEPALIVE);
		wr16(p + 2, 2);
		wr16(p + 4, (uint16_t)(set->tcp_idle_timeout * 10));
		p += 6;
	}
	if (r->cookie_len) {
		/* also on BADVERS and truncated answers: the client learns it */
		wr16(p, EDNS_OPT_COOKIE);
		wr16(p + 2, (uint16_t)r->cookie_len);
		memcpy(p + 4, r->cookie, r->cookie_len);
		p += 4 + r->cookie_len;
	}
	w->len = (size_t)(p - w->buf);
	r->ar++;
}

/*
 * The TSIG record of an unsigned error response (RFC 8945 5.3.2), last in
 * the additional section: the request's key name, algorithm name, time
 * signed, fudge and original ID; MAC size 0, error BADKEY, no other data;
 * class ANY, TTL 0. No key is configured, so every key is unknown (5.2.1).
 * When it does not fit (UDP, long names), TC: the client asks again over TCP.
 */
static void put_tsig(struct resp *r)
{
	const struct tsig *t = &r->q->tsig_rr;
	struct wire_writer *w = &r->w;
	w->cap = r->limit;
	size_t need = t->key_len + 10u + t->alg_len + 16u;
	if (w->len > w->cap || w->cap - w->len < need) {
		r->flags |= DNS_FLAG_TC;
		return;
	}
	uint8_t *p = w->buf + w->len;
	memcpy(p, t->key, t->key_len); /* uncompressed, as the MAC covers it */
	p += t->key_len;
	wr16(p, TYPE_TSIG);
	wr16(p + 2, CLASS_ANY);
	wr32(p + 4, 0);
	wr16(p + 8, (uint16_t)(t->alg_len + 16u));
	p += 10;
	memcpy(p, t->alg, t->alg_len);
	p += t->alg_len;
	wr16(p, (uint16_t)(t->time_signed >> 32));
	wr32(p + 2, (uint32_t)t->time_signed);
	wr16(p + 6, t->fudge);
	wr16(p + 8, 0); /* MAC size: unsigned */
	wr16(p + 10, t->original_id);
	wr16(p + 12, TSIG_ERROR_BADKEY);
	wr16(p + 14, 0); /* other len */
	w->len = (size_t)(p + 16 - w->buf);
	r->ar++;
}

static size_t finish(struct resp *r)
{
	uint8_t *b = r->w.buf;
	wr16(b + 2, (uint16_t)(r->flags | (r->rcode & 0xF)));
	wr16(b + 6, r->an);
	wr16(b + 8, r->ns);
	wr16(b + 10, r->ar);
	return r->w.len;
}

/* Header and, when have_question, the question as received. */
static void put_header(struct resp *r, const struct query *q, bool with_question)
{
	struct wire_writer *w = &r->w;
	size_t need = DNS_HEADER_LEN + (with_question ? q->qname_len + 4u : 0);
	if (w->cap < need)
		return; /* never: the limit is at least 512 */
	uint8_t *b = w->buf;
	memset(b, 0, DNS_HEADER_LEN);
	wr16(b, q->id);
	w->len = DNS_HEADER_LEN;
	if (!with_question)
		return;
	b[5] = 1; /* QDCOUNT */
	memcpy(b + DNS_HEADER_LEN, q->qname, q->qname_len);
	wr16(b + DNS_HEADER_LEN + q->qname_len, q->qtype);
	wr16(b + DNS_HEADER_LEN + q->qname_len + 2, q->qclass);
	w->len = need;
}

/* The question's labels as compression targets, before the first name is
 * written after it (not for a response from the answer cache, which
 * writes none). */
static void question_targets(struct resp *r, const struct query *q)
{
	struct wire_writer *w = &r->w;
	unsigned n = q->nlabels < WIRE_COMP_MAX ? q->nlabels : WIRE_COMP_MAX;
	for (unsigned i = 0; i < n; i++) {
		w->comp_off[i] = (uint16_t)(DNS_HEADER_LEN + q->label_off[i]);
		w->comp_labels[i] = (uint8_t)(q->nlabels - i);
	}
	w->ncomp = n;
}

/* DNS cookies (RFC 7873, RFC 9018): verify the client's, make the one to
 * send. Only a malformed option changes the rcode (FORMERR, in the parser). */
static void server_cookie(struct resp *r, const struct query *q)
{
	uint8_t family, addr[16];
	if (!source_addr(r->client, &family, addr))
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts); /* shared by anycast peers */
	r->cookie_check = cookie_answer(r->set->cookies, q->cookie, q->cookie_len, family, addr,
					(uint32_t)ts.tv_sec, r->cookie, &r->cookie_len);
	struct answer_counters *c = &r->aw->counters;
	if (r->cookie_check == COOKIE_VALID)
		CTR_INC(c->cookie_valid);
	else if (r->cookie_check == COOKIE_CLIENT_ONLY)
		CTR_INC(c->cookie_client_only);
	else if (r->cookie_check == COOKIE_BAD)
		CTR_INC(c->cookie_bad);
}

/* Rate limiting by the source address (never ECS: the source is who gets
 * the traffic). */
static enum rrl_verdict rate_limit(struct resp *r, const struct query *q)
{
	const struct rrl_config *c = &r->set->rrl;
	uint8_t family, addr[16];
	if (!source_addr(r->client, &family, addr))
		return RRL_PASS;
	if (rrl_exempt(c, family, addr))
		return RRL_PASS;
	enum rrl_kind kind;
	const uint8_t *name = NULL;
	size_t len = 0;
	if (r->rcode == RCODE_NXDOMAIN) {
		kind = RRL_NXDOMAIN;
	} else if (r->rcode != RCODE_NOERROR) {
		kind = RRL_ERROR;
	} else if (r->an == 0 && !(r->flags & DNS_FLAG_AA)) {
		kind = RRL_REFERRAL;
	} else {
		kind = RRL_ANSWER;
		name = q->lname;
		len = q->qname_len;
	}
	if ((kind == RRL_NXDOMAIN || kind == RRL_REFERRAL) && r->zone) {
		name = r->zone->origin;
		len = r->zone->origin_len;
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return rrl_account(&r->aw->rrl, c, family, addr, kind, name, len, (uint32_t)ts.tv_sec);
}

/* For the query log: the client as a network (ECS subnet, or the source
 * address cut to the hash prefix: no full client addresses in logs). */
static void fill_info(struct answer_worker *aw, struct resp *r, const struct query *q)
{
	struct answer_info *in = &aw->info;
	in->question = q->have_question;
	if (q->have_question)
		wire_name_to_str(q->qname, in->qname, sizeof(in->qname));
	in->qtype = q->qtype;
	in->rcode = (uint16_t)r->rcode;
	if (!r->addressed)
		client_address(r);
	in->ecs = r->use_ecs;
	in->family = r->cfamily;
	memset(in->addr, 0, sizeof(in->addr));
	unsigned bits = r->use_ecs ? q->ecs.source
				   : (r->cfamily == 2 ? r->set->hash_ipv6_prefix : r->set->hash_ipv4_prefix);
	for (unsigned b = 0; b < bits && b < 128; b++)
		if (r->caddr[b / 8] & (0x80 >> (b % 8)))
			in->addr[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	in->prefix = (uint8_t)bits;
}

/* ---- the answer cache (struct resp_cache_entry) ---- */

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
	return &aw->rcache[(svc_mix(k) & (ANSWER_RESP_CACHE / ANSWER_RESP_WAYS - 1)) *
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
		    same_name(e->lname, q->lname, q->qname_len))
			return e;
	}
	return NULL;
}

/* The cached response for this question and client, or NULL: a static one
 * first; for the types a service answers, a geo one for the client. */
static const struct resp_cache_entry *rcache_find(struct resp *r, uint32_t hash)
{
	if (!service_qtype(r->q->qtype))
		return rcache_probe(r, hash, 0, 0); /* no service answers it */
	bool geo_first = r->aw->rkind[hash & (ANSWER_RKIND - 1)] == 2;
	const struct resp_cache_entry *e = geo_first ? NULL : rcache_probe(r, hash, 0, 0);
	if (e)
		return e;
	client_address(r);
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
static bool rcache_replay(struct resp *r, const struct resp_cache_entry *e)
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
	count_ecs_ignored(r);
	count_geo_answer(r, e->service, e->service_region, e->region, e->fail_open);
	return true;
}

/* Keep a complete response: a static one, or one service decision that
 * holds for the client's whole key network. */
static void rcache_store(struct resp *r, uint32_t hash)
{
	const struct query *q = r->q;
	size_t body = r->w.len - r->question_end;
	if (r->nocache || r->rcode != RCODE_NOERROR || (r->flags & DNS_FLAG_TC) ||
	    r->nsvc > 1 || body > ANSWER_RCACHE_BODY || (r->nsvc && !net_wide(r)))
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
	/* the whole array (the name, its padding and what follows in lname):
	 * a copy of constant size is a few moves, not a call */
	memcpy(e->lname, q->lname, sizeof(e->lname));
	memcpy(e->body, r->w.buf + r->question_end, body);
	if (service_qtype(q->qtype))
		r->aw->rkind[hash & (ANSWER_RKIND - 1)] = r->nsvc ? 2 : 1;
}

size_t answer_query(const struct zonedb *db, const struct answer_settings *set,
		    const struct answer_request *req, uint8_t *out, size_t outcap,
		    struct answer_worker *aw)
{
	struct answer_counters *ctr = &aw->counters;
	struct query q;
	struct resp r;
	int rc = wire_parse_query_opts(req->pkt, req->len, &q,
				       (set->ecs_enabled ? 0 : WIRE_IGNORE_ECS) |
					       (set->cookies ? 0 : WIRE_IGNORE_COOKIE));
	CTR_INC(ctr->queries);
	if (req->tcp)
		CTR_INC(ctr->queries_tcp);
	else
		CTR_INC(ctr->queries_udp);
	if (rc == GD_EDROP) {
		CTR_INC(ctr->dropped);
		return 0;
	}
	memset(&r, 0, offsetof(struct resp, w));
	r.q = &q;
	r.db = db;
	r.set = set;
	r.aw = aw;
	if (aw->want_info)
		aw->info.region = -1;
	r.client = req->client;
	r.health = req->health;
	r.tcp = req->tcp;
	r.flags = (uint16_t)(DNS_FLAG_QR | (q.flags & (0x7800u | DNS_FLAG_RD | DNS_FLAG_CD)));
	if (req->tcp)
		r.limit = outcap < 65535 ? outcap : 65535;
	else
		r.limit = q.edns ? (q.udp_size < set->udp_payload ? q.udp_size : set->udp_payload)
				 : 512;
	if (r.limit > outcap)
		r.limit = outcap;
	/* every response below fits 512 octets before the answer is added */
	wire_writer_init(&r.w, out, r.limit);

	if (rc == GD_OK && q.opcode != 0) {
		r.rcode = RCODE_NOTIMP;
		put_header(&r, &q, false);
		goto done;
	}
	if (rc == GD_EFORMAT) {
		r.rcode = RCODE_FORMERR;
		if (q.ecs_malformed)
			CTR_INC(ctr->ecs_malformed);
		if (q.cookie_malformed)
			CTR_INC(ctr->cookie_malformed);
		put_header(&r, &q, q.have_question);
		if (q.edns) {
			r.limit = r.w.cap;
			put_opt(&r, 0, false);
		}
		goto done;
	}
	put_header(&r, &q, true);
	r.question_end = r.w.len;
	if (q.edns && set->cookies && q.cookie_present && req->client)
		server_cookie(&r, &q);
	if (q.tsig) {
		/* RFC 8945 5.2: the TSIG is checked before the query is looked
		 * at (so before BADVERS, REFUSED for AXFR/IXFR or class CH):
		 * NOTAUTH, no answer, a TSIG with BADKEY. Never from or into
		 * the answer cache. */
		r.rcode = RCODE_NOTAUTH;
		goto answered;
	}
	if (q.edns && q.edns_version > 0) {
		r.rcode = RCODE_BADVERS;
		put_opt(&r, RCODE_BADVERS, false);
		goto done;
	}
	if (q.edns) {
		r.opt_len = opt_space(&r);
		r.w.cap = r.limit - r.opt_len;
	}
	if (q.qtype == TYPE_OPT) {
		r.rcode = RCODE_FORMERR;
	} else if (q.qtype == 249 || q.qtype == 250 || q.qtype == 253 || q.qtype == 254) {
		r.rcode = RCODE_NOTIMP; /* TKEY, TSIG, MAILB, MAILA */
	} else if (q.qclass != CLASS_IN || q.qtype == TYPE_AXFR || q.qtype == TYPE_IXFR) {
		r.rcode = RCODE_REFUSED;
	} else {
		/* the answer cache: for a question it can hold */
		bool cacheable = aw->rcache && !set->answer_cache_off && db &&
				 q.qtype != TYPE_ANY && q.qname_len <= ANSWER_RCACHE_NAME;
		uint32_t hash = q.word_hash;
		const struct resp_cache_entry *hit = cacheable ? rcache_find(&r, hash) : NULL;
		if (hit && rcache_replay(&r, hit))
			goto answered;
		question_targets(&r, &q);
		wire_suffix_hashes(q.lname, q.label_off, q.nlabels, q.lhash);
		unsigned zidx;
		const struct zone *z = db ? zonedb_find_h(db, q.lname, q.qname_len, q.label_off,
							  q.nlabels, q.lhash, &zidx)
					  : NULL;
		r.zone = z;
		if (!z) {
			r.rcode = RCODE_REFUSED;
		} else {
			size_t question_end = r.w.len;
			rc = resolve(&r, db, z, zidx);
			if (rc == GD_OK)
				rc = put_additional(&r);
			if (rc == GD_OK && cacheable)
				rcache_store(&r, hash);
			if (rc < 0) {
				/* did not fit: question only, TC (or SERVFAIL on bad data) */
				r.w.len = question_end;
				r.an = r.ns = r.ar = 0;
				if (rc == GD_ESPACE) {
					r.flags |= DNS_FLAG_TC;
					CTR_INC(ctr->truncated);
				} else {
					r.rcode = RCODE_SERVFAIL;
				}
			}
		}
	}
answered:
	if (q.edns)
		put_opt(&r, 0, true);
	if (q.tsig)
		put_tsig(&r);
	if (set->rrl.rate && !req->tcp && req->client && r.cookie_check != COOKIE_VALID) {
		enum rrl_verdict v = rate_limit(&r, &q);
		if (v == RRL_DROP) {
			CTR_INC(ctr->dropped);
			return 0;
		}
		if (v == RRL_SLIP) {
			/* truncated: question (and OPT) only, the client retries
			 * over TCP, which is never limited */
			r.w.len = r.question_end;
			r.w.cap = r.limit;
			r.an = r.ns = r.ar = 0;
			r.flags |= DNS_FLAG_TC;
			r.flags &= (uint16_t)~DNS_FLAG_AA;
			if (q.edns)
				put_opt(&r, 0, false); /* with the cookie: RRL lets it pass */
			if (q.tsig)
				put_tsig(&r);
		}
	}
done:
	CTR_INC(ctr->rcode[r.rcode < 24 ? r.rcode : 23]);
	if (q.have_question)
		CTR_INC(ctr->qtype[q.qtype < 256 ? q.qtype : 0]);
	if (aw->want_info)
		fill_info(aw, &r, &q);
	return finish(&r);
}

void answer_worker_init(struct answer_worker *aw)
{
	memset(aw, 0, sizeof(*aw));
	aw->cache = xcalloc_resident(ANSWER_RANK_CACHE, sizeof(struct rank_entry));
	aw->gcache = xcalloc_resident(ANSWER_GEO_CACHE, sizeof(struct geo_cache_entry));
	aw->lcache = xcalloc_resident(ANSWER_LOC_CACHE, sizeof(struct loc_entry));
	/* 4 MiB: resident only as far as it fills */
	aw->rcache = xcalloc(ANSWER_RESP_CACHE, sizeof(struct resp_cache_entry));
	aw->rkind = xcalloc(ANSWER_RKIND, 1);
}

void answer_worker_free(struct answer_worker *aw)
{
	free(aw->cache);
	aw->cache = NULL;
	free(aw->gcache);
	aw->gcache = NULL;
	free(aw->lcache);
	aw->lcache = NULL;
	free(aw->rcache);
	aw->rcache = NULL;
	free(aw->rkind);
	aw->rkind = NULL;
	rrl_table_free(&aw->rrl);
}
