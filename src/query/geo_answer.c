/*
 * geo_answer.c - the answer of a service name: who the client is (the
 * source address, or the ECS subnet when the sender is trusted), where it is
 * (the GeoIP walk, through the worker's caches), the region order for it
 * (ranked once per service and GeoIP record, cached), the choice among the
 * regions with the health snapshot (geo/service.c), the records written,
 * the ECS scope, and the per-service counters.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "resp.h"

#include "common/gd.h"
#include "common/netaddr.h"
#include "dns/wire.h"
#include "geo/geo.h"
#include "geo/netmap.h"
#include "geo/service.h"
#include "health/health.h"

#include <assert.h>
#include <netinet/in.h>
#include <string.h>

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

static bool sender_trusted(const struct answer_settings *set, uint8_t family, const uint8_t *addr)
{
	if (set->ecs_trust_all)
		return true;
	return netprefix_list_match(set->ecs_trusted, set->necs_trusted, family, addr);
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

/* One walk of the client: the city databases' (into *m) or the ASN
 * database's (asn: into *an). Its network's prefix. */
static unsigned walk(const struct resp *r, bool asn, struct geo_match *m, struct geo_asn *an)
{
	int family = r->cfamily == 1 ? AF_INET : AF_INET6;
	if (asn) {
		geo_find_asn(r->set->geo, family, r->caddr, an);
		return an->prefix;
	}
	geo_find(r->set->geo, family, r->caddr, m);
	return m->prefix;
}

/* The GeoIP tree walk for the client (asn: the ASN database's, into *an;
 * else the city databases', into r->match), through the worker's cache:
 * the two kinds share it, told apart by a key bit. */
static void geo_find_cached(struct resp *r, bool asn, struct geo_asn *an)
{
	const struct answer_settings *set = r->set;
	int family = r->cfamily == 1 ? AF_INET : AF_INET6;
	struct geo_cache_entry *gc = r->aw->gcache;
	if (!gc) {
		walk(r, asn, &r->match, an);
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
	if (asn)
		key |= 1ull << 61; /* above every address bit of the key */
	/* two ways per set: the newest entry first */
	struct geo_cache_entry *e = &gc[(mix64(key) & (ANSWER_GEO_CACHE / 2 - 1)) * 2];
	for (int way = 0; way < 2; way++) {
		if (e[way].generation == set->generation && e[way].key == key) {
			if (asn)
				*an = e[way].asn;
			else
				r->match = e[way].m;
			return;
		}
	}
	CTR_INC(r->aw->counters.geo_cache_miss);
	if (walk(r, asn, &r->match, an) <= bits) {
		/* the whole key network has this result */
		e[1] = e[0];
		e[0].generation = set->generation;
		e[0].key = key;
		if (asn)
			e[0].asn = *an;
		else
			e[0].m = r->match;
	}
}

/* Who the answer is for: the source address, or the ECS subnet when the
 * sender may send one. */
void geoanswer_client_address(struct resp *r)
{
	r->addressed = true;
	const struct query *q = r->q;
	const struct answer_settings *set = r->set;
	uint8_t sfam = 0, saddr[16] = {0};
	/* located like the IPv4 address it is when it arrives IPv4-mapped */
	if (r->client && netaddr_from_sockaddr(r->client, &sfam, saddr) && sfam == 2 &&
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
void geoanswer_count_ecs_ignored(struct resp *r)
{
	if (r->q->ecs_present && r->set->ecs_enabled && !r->use_ecs)
		CTR_INC(r->aw->counters.ecs_ignored);
}

bool answer_reserved_network(uint8_t family, const uint8_t *addr, unsigned known, unsigned *bits)
{
	if (!may_be_reserved(family, addr[0]))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(reserved_nets); i++) {
		const struct reserved_net *n = &reserved_nets[i];
		if (n->family == family && n->bits <= known &&
		    netaddr_in_prefix(addr, n->addr, n->bits)) {
			*bits = n->bits;
			return true;
		}
	}
	return false;
}

static void client_locate(struct resp *r)
{
	if (r->located)
		return;
	r->located = true;
	const struct query *q = r->q;
	if (!r->addressed)
		geoanswer_client_address(r);
	geoanswer_count_ecs_ignored(r);
	if (!r->cfamily)
		return;
	/* with ECS only SOURCE bits are known: a reserved range longer than
	 * that cannot be told apart from the rest of the client's network */
	unsigned known = r->use_ecs ? q->ecs.source : (r->cfamily == 2 ? 128u : 32u);
	unsigned bits;
	if (answer_reserved_network(r->cfamily, r->caddr, known, &bits)) {
		r->reserved = true;
		r->reserved_prefix = (uint8_t)bits;
		return;
	}
	geo_find_cached(r, false, NULL);
}

/* The client's GeoIP record decoded, with the place of every region from
 * it: from the worker's cache, or computed. */
static const struct loc_entry *loc_for(struct resp *r, struct loc_entry *scratch)
{
	const struct answer_settings *set = r->set;
	uint64_t key = ((uint64_t)r->match.db << 32) | r->match.record;
	struct loc_entry *le = scratch; /* a worker without caches */
	if (r->aw->lcache) {
		le = &r->aw->lcache[mix64(key) & (ANSWER_LOC_CACHE - 1)];
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
		e = &r->aw->cache[mix64(ks * 31 + kr) & (ANSWER_RANK_CACHE - 1)];
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
void geoanswer_count(struct resp *r, uint32_t service, uint8_t sr, uint16_t region,
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

/* Does the service decision just made hold for every client of the key
 * network (IPv4 /24, IPv6 /56, as the GeoIP cache)? Only then may the
 * answer cache keep it for that network. */
bool geoanswer_net_wide(const struct resp *r)
{
	if (!r->cfamily)
		return false;
	unsigned kbits = r->cfamily == 2 ? ANSWER_GEO_CACHE_V6 : ANSWER_GEO_CACHE_V4;
	unsigned hprefix = r->cfamily == 2 ? r->set->hash_ipv6_prefix : r->set->hash_ipv4_prefix;
	if (r->svc_hashed && hprefix > kbits)
		return false;
	/* a network override inside the key network (or one longer than it
	 * holding the client) may answer its neighbours otherwise */
	if (r->svc_net_scope > kbits)
		return false;
	/* the ASN database's network of the client, when it was asked */
	if (r->svc_asn_scope > kbits)
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
		    netaddr_in_prefix(r->caddr, n->addr, kbits))
			return false;
	}
	return true;
}

/* The RRSIG of the addresses answered: the set this client got, one of a
 * few per service that the signature cache keeps. */
static int sign_addresses(struct resp *r, const uint8_t *owner, uint16_t type, uint32_t ttl,
                          const struct svc_choice *ch)
{
	const uint8_t *rd[SERVICE_MAX_ENDPOINTS];
	uint16_t rdlen[SERVICE_MAX_ENDPOINTS];
	for (unsigned i = 0; i < ch->n; i++) {
		rd[i] = ch->eps[i]->addr;
		rdlen[i] = type == TYPE_AAAA ? 16 : 4;
	}
	return resp_sign_records(r, owner, type, ttl, rd, rdlen, ch->n, &r->an);
}

/*
 * Answer a service name: choose the region, write its A/AAAA records or its
 * CNAME. *target is set to the CNAME target to follow (or left NULL).
 * Returns GD_ESPACE when it did not fit; GD_ENOTFOUND for NODATA.
 */
int geoanswer_service(struct resp *r, const struct service *svc, const uint8_t *owner,
			  uint16_t qtype, const uint8_t **target, size_t *tlen)
{
	const struct answer_settings *set = r->set;
	client_locate(r);
	unsigned hprefix = r->cfamily == 2 ? set->hash_ipv6_prefix : set->hash_ipv4_prefix;
	struct svc_client ch = {.family = r->cfamily, .addr = r->caddr, .prefix = hprefix};
	struct svc_choice ch_out;
	/* a network override: its region first, then the ranking as ever */
	struct netmap_result net = {0};
	if (svc->networks && r->cfamily) {
		unsigned known = r->use_ecs ? r->q->ecs.source : (r->cfamily == 2 ? 128u : 32u);
		netmap_lookup(svc->networks, r->cfamily, r->caddr, known, &net);
	}
	/* no network override: an ASN override, the client's AS number in
	 * the service's "asns" (a walk of the ASN database, only for a
	 * service that has some) */
	struct geo_asn asn = {0};
	int first = net.found ? net.value : -1;
	if (!net.found && svc->nasns && r->cfamily && !r->reserved) {
		geo_find_cached(r, true, &asn);
		if (asn.found)
			first = svc_asn_region(svc, asn.asn);
	}
	struct rank_entry scratch;
	if (first >= 0) {
		if (!svc_choose_first(svc, (unsigned)first, &ch, qtype, r->health, &ch_out)) {
			const struct rank_entry *rank = rank_for(r, svc, &scratch, false);
			uint8_t order[SERVICE_MAX_REGIONS];
			unsigned n = svc_order_first((unsigned)first, rank->order, rank->n, order);
			svc_choose_client(svc, order, n, &ch, qtype, r->health, &ch_out);
		}
	} else {
		const struct rank_entry *rank = rank_for(r, svc, &scratch, true);
		if (!rank->partial ||
		    !svc_choose_first(svc, rank->order[0], &ch, qtype, r->health, &ch_out)) {
			if (rank->partial) /* the closest cannot take it: the whole order */
				rank = rank_for(r, svc, &scratch, false);
			svc_choose_client(svc, rank->order, rank->n, &ch, qtype, r->health,
			                  &ch_out);
		}
	}
	r->nsvc++;
	r->svc_index = (uint32_t)svc->index;
	r->svc_region = (uint16_t)ch_out.sr->region;
	r->svc_sr = (uint8_t)(ch_out.sr - svc->regions);
	r->svc_fail_open = ch_out.fail_open;
	r->svc_hashed = ch_out.hashed;
	r->svc_net_scope = net.scope;
	r->svc_asn_scope = asn.walked ? asn.prefix : 0;
	uint32_t ttl = svc->ttl;
	if (set->service_ttl_cap && ttl > set->service_ttl_cap)
		ttl = set->service_ttl_cap;
	geoanswer_count(r, r->svc_index, r->svc_sr, r->svc_region, r->svc_fail_open);
	if (r->use_ecs) {
		/* the networks' outcome holds for the client's /net.scope; the
		 * ASN lookup's (in the service's asns or not) for its ASN
		 * database network; the GeoIP network decided too unless an
		 * override's region took the answer without looking further */
		unsigned scope = net.scope;
		if (asn.walked && asn.prefix > scope)
			scope = asn.prefix;
		if (first < 0 || ch_out.past_first) {
			unsigned geo = r->reserved ? r->reserved_prefix : r->match.prefix;
			if (geo > scope)
				scope = geo;
		}
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
		if (resp_put_rr(r, owner, TYPE_CNAME, ttl, sr->cname, sr->cname_len) < 0)
			return GD_ESPACE;
		r->an++;
		if (r->key) {
			const uint8_t *rd[1] = {sr->cname};
			uint16_t rdlen[1] = {(uint16_t)sr->cname_len};
			int rc = resp_sign_records(r, owner, TYPE_CNAME, ttl, rd, rdlen, 1, &r->an);
			if (rc < 0)
				return rc;
		}
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
		if (resp_put_rr(r, owner, type, ttl, ch_out.eps[i]->addr, alen) < 0) {
			wire_rollback(&r->w, m);
			return GD_ESPACE;
		}
	}
	r->an += (uint16_t)ch_out.n;
	return r->key ? sign_addresses(r, owner, type, ttl, &ch_out) : GD_OK;
}
