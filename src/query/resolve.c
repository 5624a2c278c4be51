/*
 * resolve.c - the authoritative lookup (RFC 1034 4.3.2) against the
 * compiled zone database: longest-match zone, then a hash lookup of the
 * whole name (the common case: found, not below a cut), falling back to a
 * walk from the apex that finds zone cuts (referral), DNAMEs, the closest
 * encloser and its wildcard (RFC 4592). CNAMEs are followed within our
 * zones, at most ANSWER_CHAIN_MAX links, with a loop check. A service name
 * is answered by geo_answer.c; the TYPE65281 record that may define it is
 * never answered (NODATA when asked for, absent from ANY).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "resp.h"

#include "common/gd.h"
#include "dns/wire.h"
#include "zone/zone.h"

#include <string.h>

#define RFC8482_TTL 3600

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

/* RFC 8482: over UDP a single synthesized HINFO; over TCP every RRset but
 * a service's TYPE65281 record (zone data for transfers, never an answer). */
static int answer_any(struct resp *r, const struct name *cur, const struct node *n)
{
	if (r->tcp) {
		for (unsigned i = 0; i < n->nrrsets; i++) {
			const struct rrset *rs = &n->rrsets[i];
			if (rs->type == TYPE_GEO_SERVICE)
				continue;
			if (resp_put_rrset(r, cur->wire, rs, rs->ttl, &r->an) < 0)
				return GD_ESPACE;
		}
		return GD_OK;
	}
	static const uint8_t hinfo[] = {7, 'R', 'F', 'C', '8', '4', '8', '2', 0};
	if (resp_put_rr(r, cur->wire, TYPE_HINFO, RFC8482_TTL, hinfo, sizeof(hinfo)) < 0)
		return GD_ESPACE;
	r->an++;
	if (!r->key)
		return GD_OK;
	/* signed like any RRset of the zone: a validator takes an unsigned
	 * one as bogus */
	const uint8_t *rdata[1] = {hinfo};
	uint16_t rdlen[1] = {sizeof(hinfo)};
	return resp_sign_records(r, cur->wire, TYPE_HINFO, RFC8482_TTL, rdata, rdlen, 1, &r->an);
}

/* A negative answer in zone z for the name cur: the SOA (rcode set by the
 * caller), and when signing, the compact denial at cur with the types of
 * node n (NULL: cur does not exist; NOERROR then, NXDOMAIN only for a
 * resolver that sets Compact Answers OK, RFC 9824 5). */
static int negative(struct resp *r, const struct zone *z, const struct name *cur,
                    const struct node *n)
{
	/* the denial is of the name asked for, and the SOA the apex's: neither
	 * is signed as a wildcard's (a wildcard's NODATA comes here) */
	r->wild_owner = NULL;
	int rc = resp_put_soa(r, z);
	if (rc < 0 || !r->key)
		return rc;
	if (!n) {
		r->nxname = true;
		r->nocache = true; /* as NXDOMAIN: random names would churn it */
		if (!(r->q->edns_flags & EDNS_FLAG_CO))
			r->rcode = RCODE_NOERROR;
	}
	return resp_put_denial(r, z, cur->wire, cur->lname, cur->len, n, &r->ns);
}

/* An NSEC question in a signed response: the answer is the name's compact
 * NSEC itself (RFC 9824; n NULL: a name that does not exist, its NXNAME
 * NSEC), NOERROR. No NODATA could deny it, since that NSEC's bitmap lists
 * NSEC; nor is a CNAME there followed (RFC 4035 2.5: NSEC and RRSIG live
 * beside a CNAME). */
static int nsec_answer(struct resp *r, const struct zone *z, const struct name *cur,
                       const struct node *n)
{
	r->wild_owner = NULL;
	if (!n) {
		r->nxname = true;
		r->nocache = true;
	}
	return resp_put_denial(r, z, cur->wire, cur->lname, cur->len, n, &r->an);
}

/* A referral to the cut n: its NS (never signed, RFC 4035 2.2) and glue,
 * and when signing, the proof that there is no DS or the DS. */
static int referral(struct resp *r, const struct zone *z, const struct name *cur,
                    const struct node *n)
{
	r->flags &= (uint16_t)~DNS_FLAG_AA;
	const struct rrset *ns = node_rrset(n, TYPE_NS);
	/* owner: the cut, with the case of the query */
	const uint8_t *owner = cur->wire + cur->off[cur->nlabels - n->labels];
	const struct dnssec_key *key = r->key;
	r->key = NULL;
	int rc = resp_put_rrset(r, owner, ns, ns->ttl, &r->ns);
	r->key = key;
	if (rc < 0)
		return GD_ESPACE;
	resp_queue_targets(r, ns, n->name);
	return key ? resp_put_no_ds(r, z, owner, n) : GD_OK;
}

/* A name with data (found, or a wildcard's, n): the answer, NODATA, or
 * the CNAME to follow (*target). */
static int answer_node(struct resp *r, const struct zone *z, const struct name *cur,
                       const struct node *n, const uint8_t **target, size_t *tlen)
{
	const struct query *q = r->q;
	uint16_t qt = q->qtype;
	if (qt == TYPE_NSEC && r->key)
		return nsec_answer(r, z, cur, n);
	if ((n->flags & NODE_SERVICE) && (service_qtype(qt) || (qt == TYPE_ANY && r->tcp))) {
		if (qt == TYPE_ANY) {
			/* TCP ANY: both families (or the CNAME), then the static data */
			int rc = geoanswer_service(r, n->service, cur->wire, TYPE_A, target, tlen);
			if (rc != GD_ESPACE && !*target)
				rc = geoanswer_service(r, n->service, cur->wire, TYPE_AAAA, target,
				                       tlen);
			if (rc == GD_ESPACE)
				return rc;
			*target = NULL;
			return answer_any(r, cur, n);
		}
		int rc = geoanswer_service(r, n->service, cur->wire, qt, target, tlen);
		if (rc == GD_ENOTFOUND)
			return negative(r, z, cur, n); /* NODATA: no AAAA there */
		return rc;
	}
	if (qt == TYPE_ANY && (n->nrrsets || (n->flags & NODE_SERVICE))) {
		const struct rrset *cn = node_rrset(n, TYPE_CNAME);
		if (cn)
			return resp_put_rrset(r, cur->wire, cn, cn->ttl, &r->an);
		return answer_any(r, cur, n);
	}
	const struct dnssec_key *key;
	if ((qt == TYPE_DNSKEY || qt == TYPE_CDS || qt == TYPE_CDNSKEY) && (n->flags & NODE_APEX) &&
	    (key = answer_zone_key(r->set, z)))
		return resp_put_dnskey(r, cur->wire, key, qt, z->soa->ttl);
	/* a service's own record is NODATA like a type absent */
	const struct rrset *rs = qt == TYPE_GEO_SERVICE ? NULL : node_rrset(n, qt);
	if (rs) {
		if (resp_put_rrset(r, cur->wire, rs, rs->ttl, &r->an) < 0)
			return GD_ESPACE;
		if (rs->type == TYPE_NS || rs->type == TYPE_MX || rs->type == TYPE_SRV)
			resp_queue_targets(r, rs, NULL);
		return GD_OK;
	}
	const struct rrset *cn = (n->flags & NODE_CNAME) ? node_rrset(n, TYPE_CNAME) : NULL;
	if (!cn)
		return negative(r, z, cur, n); /* NODATA */
	if (resp_put_rrset(r, cur->wire, cn, cn->ttl, &r->an) < 0)
		return GD_ESPACE;
	*target = cn->rdata + 2;
	*tlen = wire_name_len(*target, rd16(cn->rdata));
	return *tlen ? GD_OK : GD_EFORMAT;
}

/* A wildcard's answer (RFC 4592) when signing: its records signed as the
 * wildcard's (answer_node with r->wild_owner), and unless the answer is a
 * denial (which is of the name itself) the NSEC that proves the next
 * closer name does not exist (RFC 4035 3.1.3.3), kept for the authority
 * section (query_resolve) since the chain may add to the answer yet. */
static int answer_wildcard(struct resp *r, const struct zone *z, const struct name *cur,
                           const struct node *n, const uint8_t **target, size_t *tlen)
{
	r->wild_owner = n->name;
	uint16_t ns = r->ns;
	int rc = answer_node(r, z, cur, n, target, tlen);
	/* a denial, or the NSEC an NSEC question gets, is of the name itself,
	 * as if it existed: no expansion to prove */
	bool own = r->ns != ns || r->q->qtype == TYPE_NSEC;
	r->wild_owner = NULL;
	if (rc < 0 || own || r->ncover == ANSWER_CHAIN_MAX)
		return rc;
	/* the next closer name: the closest encloser (the wildcard's parent)
	 * and one label more of the name */
	const uint8_t *closer = cur->lname + cur->off[cur->nlabels - n->labels];
	struct resp_cover *c = &r->cover[r->ncover++];
	c->zone = z;
	c->len = cur->len - (size_t)(closer - cur->lname);
	memcpy(c->lname, closer, c->len);
	return rc;
}

/* The answer and authority for the question and the chain from it. */
static int resolve_chain(struct resp *r, const struct zonedb *db, const struct zone *z,
                         unsigned zidx)
{
	const struct query *q = r->q;
	struct name names[2];
	struct name_buf bufs[2];
	uint8_t synth[WIRE_NAME_MAX];      /* DNAME-synthesized target */
	uint8_t seen[ANSWER_CHAIN_MAX][WIRE_NAME_MAX];
	struct name *cur = &names[0];
	name_of_query(cur, q);
	if (q->qtype == TYPE_RRSIG && r->dnssec && answer_zone_key(r->set, z)) {
		/* signatures exist only as made for an answer: none to list
		 * (Knot's onlinesign answers so too); without DO, NODATA as
		 * the zone unsigned answers */
		r->rcode = RCODE_REFUSED;
		return GD_OK;
	}
	r->flags |= DNS_FLAG_AA;
	resp_sign_zone(r, z);

	for (unsigned chain = 0;; chain++) {
		const struct node *n;
		enum lookup_kind k = lookup(z, cur, zidx, q->qtype, &n);
		const uint8_t *target = NULL;
		size_t tlen = 0;

		if (k == LK_DELEG) {
			if (chain > 0)
				return GD_OK; /* a CNAME led into a delegation */
			return referral(r, z, cur, n);
		}
		if (k == LK_NXDOMAIN) {
			if (q->qtype == TYPE_NSEC && r->key && !(q->edns_flags & EDNS_FLAG_CO))
				return nsec_answer(r, z, cur, NULL);
			r->rcode = RCODE_NXDOMAIN;
			return negative(r, z, cur, NULL);
		}
		if (k == LK_DNAME) {
			const struct rrset *dn = node_rrset(n, TYPE_DNAME);
			const uint8_t *owner = cur->wire + cur->off[cur->nlabels - n->labels];
			if (resp_put_rrset(r, owner, dn, dn->ttl, &r->an) < 0)
				return GD_ESPACE;
			/* synthesize: the labels above the DNAME owner + its target */
			size_t prefix = cur->off[cur->nlabels - n->labels];
			const uint8_t *dt = dn->rdata + 2;
			size_t dtl = wire_name_len(dt, rd16(dn->rdata));
			if (!dtl)
				return GD_EFORMAT;
			if (prefix + dtl > WIRE_NAME_MAX) {
				r->rcode = RCODE_YXDOMAIN; /* RFC 6672 2.2 */
				return GD_OK;
			}
			memcpy(synth, cur->wire, prefix);
			memcpy(synth + prefix, dt, dtl);
			r->nocache = true; /* the target has the question's case */
			/* never signed (RFC 6672 5.3.1): the DNAME's RRSIG proves it */
			if (resp_put_rr(r, cur->wire, TYPE_CNAME, dn->ttl, synth, prefix + dtl) < 0)
				return GD_ESPACE;
			r->an++;
			target = synth;
			tlen = prefix + dtl;
		} else {
			int rc = k == LK_WILDCARD && r->key
			             ? answer_wildcard(r, z, cur, n, &target, &tlen)
			             : answer_node(r, z, cur, n, &target, &tlen);
			if (rc < 0 || !target)
				return rc;
		}

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
		resp_sign_zone(r, z);
		cur = next;
	}
}

/* The authoritative part: fills answer, authority and the additional queue.
 * GD_ESPACE means the answer did not fit (TC). */
int query_resolve(struct resp *r, const struct zonedb *db, const struct zone *z, unsigned zidx)
{
	int rc = resolve_chain(r, db, z, zidx);
	for (unsigned i = 0; i < r->ncover && rc == GD_OK; i++) {
		const struct resp_cover *c = &r->cover[i];
		resp_sign_zone(r, c->zone);
		rc = resp_put_cover(r, c->zone, c->lname, c->len);
	}
	return rc;
}
