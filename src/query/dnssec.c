/*
 * dnssec.c - online signing of a response (RFC 4034, RFC 4035) for a query
 * with DO=1 in a zone with a key (zones[].dnssec.key): each RRset written
 * into the answer or authority section is followed by its RRSIG from the
 * worker's signature cache (dnssec/sigcache.h), so that a geo answer, one
 * of a few distinct RRsets, is signed once per validity window per thread.
 * Denial of existence is compact (RFC 9824): one NSEC at the name asked
 * for whose next name is its minimal successor, which proves nothing about
 * any other name and so needs no zone walk and no precomputed chain.
 *
 * resolve.c, write.c and geo_answer.c decide what goes into the response
 * and call here after each RRset they write; nothing here runs for a query
 * without DO or a zone without a key (r->key NULL), whose responses are
 * the octets they were before signing existed.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "resp.h"

#include "common/gd.h"
#include "dns/wire.h"
#include "dnssec/key.h"
#include "dnssec/sigcache.h"
#include "dnssec/sign.h"
#include "zone/zone.h"

#include <string.h>
#include <time.h>

#define BITMAP_TYPES 80 /* the most types one NSEC of ours lists */
/* an NSEC's rdata: the next name and a bitmap of windows 0 and 1 (types
 * up to 511: a type above is left out of the bitmap) */
#define NSEC_RDATA_MAX (WIRE_NAME_MAX + 2 * (2 + 32))

/* One RRSIG of set by key, appended as owner; *counter counts it. */
static int sign_with(struct resp *r, const struct dnssec_key *key, const uint8_t *owner,
                     const struct dnssec_rrset *set, uint16_t *counter)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	uint8_t rrsig[DNSSEC_RRSIG_MAX];
	bool made = false;
	struct answer_worker *aw = r->aw;
	unsigned cap = r->set->signatures_per_second;
	if (cap && aw->sign_second != (uint64_t)ts.tv_sec) {
		aw->sign_second = (uint64_t)ts.tv_sec;
		aw->sign_budget = cap;
	}
	bool may_sign = !cap || r->tcp || aw->sign_budget > 0;
	long len = dnssec_sigcache_sign_if(aw->sigcache, key, set, (uint64_t)ts.tv_sec, rrsig,
	                                   sizeof(rrsig), &made, may_sign);
	if (len == GD_ELIMIT) {
		/* the budget is spent: truncated, so the resolver asks over TCP
		 * (where cookies and rate limits apply, and nobody spoofs) */
		CTR_INC(aw->counters.signing_cap_hits);
		return GD_ESPACE;
	}
	if (len < 0)
		return GD_EFORMAT; /* a record the signer refuses: SERVFAIL */
	if (made && cap && !r->tcp)
		aw->sign_budget--;
	if (made)
		CTR_INC(r->aw->counters.signatures);
	else
		CTR_INC(r->aw->counters.signature_cache_hits);
	if (resp_put_rr(r, owner, TYPE_RRSIG, set->ttl, rrsig, (size_t)len) < 0)
		return GD_ESPACE;
	(*counter)++;
	r->signed_any = true;
	return GD_OK;
}

/* Does key k of the chain from first sign an RRset of this type? The
 * first key signs all; the others (a rollover, dnssec.publish) sign the
 * apex's key RRsets, and everything when theirs is an algorithm no key
 * before them has (RFC 4035 2.2, RFC 6781 4.1.4: an RRset is signed with
 * every algorithm of the DNSKEY RRset). */
static bool signs(const struct dnssec_key *first, const struct dnssec_key *k, uint16_t type)
{
	if (k == first || type == TYPE_DNSKEY || type == TYPE_CDS || type == TYPE_CDNSKEY)
		return true;
	for (const struct dnssec_key *o = first; o != k; o = o->next)
		if (o->algorithm == k->algorithm)
			return false;
	return true;
}

int resp_sign_records(struct resp *r, const uint8_t *owner, uint16_t type, uint32_t ttl,
                      const uint8_t *const *rdata, const uint16_t *rdlen, size_t count,
                      uint16_t *counter)
{
	if (!r->aw->sigcache)
		return GD_EFORMAT;
	struct dnssec_rrset set = {.owner = r->wild_owner ? r->wild_owner : owner,
	                           .type = type,
	                           .ttl = ttl,
	                           .count = count,
	                           .rdata = rdata,
	                           .rdata_len = rdlen};
	for (const struct dnssec_key *k = r->key; k; k = k->next) {
		if (!signs(r->key, k, type))
			continue;
		int rc = sign_with(r, k, owner, &set, counter);
		if (rc < 0)
			return rc;
	}
	return GD_OK;
}

int resp_sign_rrset(struct resp *r, const uint8_t *owner, const struct rrset *rs, uint32_t ttl,
                    uint16_t *counter)
{
	const uint8_t *rdata[DNSSEC_RRSET_MAX];
	uint16_t rdlen[DNSSEC_RRSET_MAX];
	if (rs->count > DNSSEC_RRSET_MAX)
		return GD_EFORMAT;
	const uint8_t *rd = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++, rd = rrset_rdata_next(rd)) {
		rdata[i] = rd + 2;
		rdlen[i] = rd16(rd);
	}
	return resp_sign_records(r, owner, rs->type, ttl, rdata, rdlen, rs->count, counter);
}

int resp_put_dnskey(struct resp *r, const uint8_t *owner, const struct dnssec_key *key,
                    uint16_t type, uint32_t ttl)
{
	/* one record per key of the zone (a rollover publishes two); CDS and
	 * CDNSKEY (RFC 7344) say what the parent's DS should be: the keys'
	 * own, SHA-256 */
	uint8_t ds[DNSSEC_KEYS_MAX][DNSSEC_DS_RDATA_MAX];
	const uint8_t *rdata[DNSSEC_KEYS_MAX];
	uint16_t rdlen[DNSSEC_KEYS_MAX];
	size_t n = 0;
	for (const struct dnssec_key *k = key; k && n < DNSSEC_KEYS_MAX; k = k->next, n++) {
		rdata[n] = k->dnskey;
		rdlen[n] = (uint16_t)k->dnskey_len;
		if (type == TYPE_CDS) {
			int len = dnssec_key_ds(k, DNSSEC_DIGEST_SHA256, ds[n], sizeof(ds[n]));
			if (len < 0)
				return len;
			rdata[n] = ds[n];
			rdlen[n] = (uint16_t)len;
		}
	}
	struct wire_mark m = wire_mark(&r->w);
	uint16_t an = r->an;
	for (size_t i = 0; i < n; i++) {
		if (resp_put_rr(r, owner, type, ttl, rdata[i], rdlen[i]) < 0) {
			wire_rollback(&r->w, m);
			r->an = an;
			return GD_ESPACE;
		}
		r->an++;
	}
	if (!r->key)
		return GD_OK;
	int rc = resp_sign_records(r, owner, type, ttl, rdata, rdlen, n, &r->an);
	if (rc < 0) {
		wire_rollback(&r->w, m);
		r->an = an;
	}
	return rc;
}

/* The type bitmap of RFC 4034 4.1.2 for types[0..n) (any order, repeats
 * allowed) into out; its length. Types above 511 are left out (none of
 * ours is one a validator asks for). */
static size_t type_bitmap(uint16_t *types, size_t n, uint8_t *out)
{
	uint8_t win[2][32];
	unsigned used[2] = {0, 0};
	memset(win, 0, sizeof(win));
	for (size_t i = 0; i < n; i++) {
		unsigned t = types[i], w = t >> 8, octet = (t & 0xFF) >> 3;
		if (w > 1)
			continue;
		win[w][octet] |= (uint8_t)(0x80 >> (t & 7));
		if (octet + 1 > used[w])
			used[w] = octet + 1;
	}
	size_t len = 0;
	for (unsigned w = 0; w < 2; w++) {
		if (!used[w])
			continue;
		out[len] = (uint8_t)w;
		out[len + 1] = (uint8_t)used[w];
		memcpy(out + len + 2, win[w], used[w]);
		len += 2 + used[w];
	}
	return len;
}

/* The types an NSEC at node n lists (n NULL: none) besides RRSIG and
 * NSEC: its RRsets but a service's own TYPE65281 record (answered NODATA);
 * at a cut only NS and DS (the rest is glue, not the zone's); DNSKEY at a
 * signed apex; at a service name A and AAAA, so that no client's answer
 * is denied by another's proof, but the type denied (a region without
 * AAAA: the proof is this client's). Never CNAME, which a region may
 * answer with: an NSEC with the CNAME bit proves no NODATA (RFC 4035
 * 5.4), and a validator takes the CNAME answer on its own RRSIG. */
static size_t node_types(const struct resp *r, const struct node *n, uint16_t *types)
{
	size_t k = 0;
	if (!n)
		return 0;
	for (unsigned i = 0; i < n->nrrsets && k < BITMAP_TYPES - 8; i++) {
		uint16_t t = n->rrsets[i].type;
		if (t == TYPE_GEO_SERVICE || t == TYPE_DNSKEY || t == TYPE_CDS || t == TYPE_CDNSKEY)
			continue;
		if ((n->flags & NODE_DELEG) && t != TYPE_NS && t != TYPE_DS)
			continue;
		types[k++] = t;
	}
	if (n->flags & NODE_SERVICE) {
		if (r->q->qtype != TYPE_A)
			types[k++] = TYPE_A;
		if (r->q->qtype != TYPE_AAAA)
			types[k++] = TYPE_AAAA;
	}
	if (n->flags & NODE_APEX) {
		types[k++] = TYPE_DNSKEY;
		types[k++] = TYPE_CDS;
		types[k++] = TYPE_CDNSKEY;
	}
	return k;
}

/* One NSEC record of owner (written as owner) with next name next (wire,
 * nlen octets) and these types plus RRSIG and NSEC, and its RRSIG, in the
 * section whose count is counter (the authority's, or the answer's for an
 * NSEC question) with the zone's negative TTL (RFC 4034 4: the SOA's
 * MINIMUM, RFC 9077: no more than the SOA's TTL). */
static int put_nsec(struct resp *r, const struct zone *z, const uint8_t *owner, const uint8_t *next,
                    size_t nlen, uint16_t *types, size_t ntypes, uint16_t *counter)
{
	uint8_t rdata[NSEC_RDATA_MAX];
	if (nlen > WIRE_NAME_MAX)
		return GD_EFORMAT;
	types[ntypes++] = TYPE_RRSIG;
	types[ntypes++] = TYPE_NSEC;
	memcpy(rdata, next, nlen);
	size_t len = nlen + type_bitmap(types, ntypes, rdata + nlen);
	struct wire_mark m = wire_mark(&r->w);
	uint16_t before = *counter;
	if (resp_put_rr(r, owner, TYPE_NSEC, z->neg_ttl, rdata, len) < 0)
		return GD_ESPACE;
	(*counter)++;
	const uint8_t *rd[1] = {rdata};
	uint16_t rdlen[1] = {(uint16_t)len};
	const uint8_t *wild = r->wild_owner;
	r->wild_owner = NULL; /* an NSEC is never a wildcard's */
	int rc = resp_sign_records(r, owner, TYPE_NSEC, z->neg_ttl, rd, rdlen, 1, counter);
	r->wild_owner = wild;
	if (rc < 0) {
		wire_rollback(&r->w, m);
		*counter = before;
	}
	return rc;
}

/* The minimal successor of a name (RFC 9824 2): "\000" prefixed; 0 when
 * that is longer than a name may be. */
static size_t successor(const uint8_t *lname, size_t len, uint8_t *out)
{
	if (len + 2 > WIRE_NAME_MAX)
		return 0;
	out[0] = 1;
	out[1] = 0;
	memcpy(out + 2, lname, len);
	return len + 2;
}

int resp_put_denial(struct resp *r, const struct zone *z, const uint8_t *owner,
                    const uint8_t *lname, size_t len, const struct node *n, uint16_t *counter)
{
	uint16_t types[BITMAP_TYPES];
	uint8_t next[WIRE_NAME_MAX];
	size_t nlen = successor(lname, len, next);
	if (!nlen)
		return GD_EFORMAT;
	size_t k = node_types(r, n, types);
	if (!n)
		types[k++] = TYPE_NXNAME;
	return put_nsec(r, z, owner, next, nlen, types, k, counter);
}

/*
 * The predecessor of a name that does not exist (RFC 4471 3.1.2, the
 * absolute method): the leftmost label made one smaller (its last octet
 * dropped when it is 0, else decremented, never to an upper-case letter,
 * which sorts as its lower case) then filled with 0xFF to 63 octets, and
 * labels of 0xFF prepended while the name has room. No name lies between
 * it and lname but names that would be below lname or equal to it. 0 when
 * the leftmost label is a single 0 octet (the predecessor is the parent,
 * which exists).
 */
static size_t predecessor(const uint8_t *lname, size_t len, uint8_t *out)
{
	size_t l = lname[0], rest = len - 1 - l;
	uint8_t label[63];
	if (l == 0 || (l == 1 && lname[1] == 0))
		return 0;
	memcpy(label, lname + 1, l);
	if (label[l - 1] == 0) {
		l--;
	} else {
		label[l - 1]--;
		if (label[l - 1] >= 'A' && label[l - 1] <= 'Z')
			label[l - 1] = 'A' - 1;
		while (l < 63 && 1 + l + 1 + rest <= WIRE_NAME_MAX)
			label[l++] = 0xFF;
	}
	size_t total = 1 + l + rest, at = 0;
	while (total + 2 <= WIRE_NAME_MAX) {
		size_t add = WIRE_NAME_MAX - total - 1;
		if (add > 63)
			add = 63;
		out[at] = (uint8_t)add;
		memset(out + at + 1, 0xFF, add);
		at += 1 + add;
		total += 1 + add;
	}
	out[at] = (uint8_t)l;
	memcpy(out + at + 1, label, l);
	memcpy(out + at + 1 + l, lname + len - rest, rest);
	return at + 1 + l + rest;
}

/*
 * The first name after lname and every name below it (len octets,
 * lower-case): its leftmost label with a 0 octet appended (a next name of
 * \000.lname would say that lname is an empty non-terminal). When that
 * does not fit (a label of 63 octets, a name of 255), the label cut after
 * its last octet below 0xFF, that octet made one greater: a longer label
 * does not fit either, so none sorts between (an upper-case letter sorts
 * as its lower case: past them to '['). 0 when every octet is 0xFF.
 */
static size_t after_subtree(const uint8_t *lname, size_t len, uint8_t *out)
{
	size_t l = lname[0], rest = len - 1 - l;
	if (l < 63 && len + 1 <= WIRE_NAME_MAX) {
		out[0] = (uint8_t)(l + 1);
		memcpy(out + 1, lname + 1, l);
		out[1 + l] = 0;
		memcpy(out + 2 + l, lname + 1 + l, rest);
		return len + 1;
	}
	size_t i = l; /* lname[i]: the label's last octet below 0xFF */
	while (i > 0 && lname[i] == 0xFF)
		i--;
	if (i == 0)
		return 0;
	uint8_t c = (uint8_t)(lname[i] + 1);
	if (c >= 'A' && c <= 'Z')
		c = 'Z' + 1;
	out[0] = (uint8_t)i;
	memcpy(out + 1, lname + 1, i - 1);
	out[i] = c;
	memcpy(out + 1 + i, lname + 1 + l, rest);
	return 1 + i + rest;
}

int resp_put_cover(struct resp *r, const struct zone *z, const uint8_t *lname, size_t len)
{
	uint16_t types[BITMAP_TYPES];
	uint8_t owner[WIRE_NAME_MAX], next[WIRE_NAME_MAX];
	size_t olen = predecessor(lname, len, owner), nlen = after_subtree(lname, len, next);
	if (!olen || !nlen)
		return GD_OK; /* no proof: a validator takes the answer as bogus */
	return put_nsec(r, z, owner, next, nlen, types, 0, &r->ns);
}

int resp_put_no_ds(struct resp *r, const struct zone *z, const uint8_t *owner,
                   const struct node *cut)
{
	const struct rrset *ds = node_rrset(cut, TYPE_DS);
	if (ds)
		return resp_put_rrset(r, owner, ds, ds->ttl, &r->ns);
	uint16_t types[BITMAP_TYPES];
	uint8_t next[WIRE_NAME_MAX];
	size_t nlen = successor(cut->name, cut->namelen, next);
	if (!nlen)
		return GD_EFORMAT;
	return put_nsec(r, z, owner, next, nlen, types, node_types(r, cut, types), &r->ns);
}
