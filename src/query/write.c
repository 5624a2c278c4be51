/*
 * write.c - writing records into a response: one record with its rdata
 * names compressed, a whole RRset or nothing, the negative SOA (from the
 * zone's pre-rendered template when the octets would be the same), and the
 * additional section's addresses for NS, MX and SRV targets.
 *
 * resolve.c decides what goes into the response; this file only writes it.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "resp.h"

#include "common/gd.h"
#include "dns/wire.h"
#include "zone/zone.h"

#include <string.h>

/* Write one record: owner (uncompressed wire), type, class IN, ttl, rdata.
 * Names inside the rdata of RFC 1035 types are compressed (RFC 3597 4) by
 * wire_put_rdata, which AXFR (xfr/axfr.c) writes its records with too. */
int resp_put_rr(struct resp *r, const uint8_t *owner, uint16_t type, uint32_t ttl,
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
	return wire_put_rdata(w, type, rdata, rdlen);
}

/* Its RRSIG after an RRset just written (from mark m, count before it
 * was) in the answer or authority section of a signed response; the
 * additional section is not signed. */
static int sign_after(struct resp *r, const uint8_t *owner, const struct rrset *rs, uint32_t ttl,
                      uint16_t *count, struct wire_mark m, uint16_t before)
{
	if (!r->key || count == &r->ar)
		return GD_OK;
	int rc = resp_sign_rrset(r, owner, rs, ttl, count);
	if (rc < 0) {
		wire_rollback(&r->w, m);
		*count = before;
	}
	return rc;
}

/* Write a whole rrset or nothing (with its RRSIG when signing). */
int resp_put_rrset(struct resp *r, const uint8_t *owner, const struct rrset *rs,
		     uint32_t ttl, uint16_t *count)
{
	struct wire_mark m = wire_mark(&r->w);
	uint16_t before = *count;
	if (rs->wire && owner == r->q->qname && ttl == rs->ttl) {
		/* pre-rendered: the owner is a pointer to the question */
		if (wire_put(&r->w, rs->wire, rs->wire_len) < 0)
			return GD_ESPACE;
		*count += rs->count;
		return sign_after(r, owner, rs, ttl, count, m, before);
	}
	const uint8_t *rd = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++, rd = rrset_rdata_next(rd)) {
		if (resp_put_rr(r, owner, rs->type, ttl, rd + 2, rd16(rd)) < 0) {
			wire_rollback(&r->w, m);
			return GD_ESPACE;
		}
	}
	*count += rs->count;
	return sign_after(r, owner, rs, ttl, count, m, before);
}

/* Queue additional-section addresses for the targets of an NS/MX/SRV set. */
void resp_queue_targets(struct resp *r, const struct rrset *rs, const uint8_t *cut)
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
int resp_put_additional(struct resp *r)
{
	for (unsigned i = 0; i < r->nadd; i++) {
		static const uint16_t types[2] = {TYPE_A, TYPE_AAAA};
		for (int t = 0; t < 2; t++) {
			const struct rrset *rs = node_rrset(r->add[i].node, types[t]);
			if (!rs)
				continue;
			if (resp_put_rrset(r, r->add[i].name, rs, rs->ttl, &r->ar) < 0) {
				if (r->add[i].required)
					return GD_ESPACE;
				r->nocache = true; /* a larger limit would hold more */
			}
		}
	}
	return GD_OK;
}

int resp_put_soa(struct resp *r, const struct zone *z)
{
	/* The zone's rendered record (struct soa_template) when it directly
	 * follows the question, so the names before it are the question's
	 * (z is then its zone), and the question shares no more than the apex
	 * with MNAME or RNAME: the octets put_rr would write. */
	const struct soa_template *t = &z->neg_soa;
	const struct query *q = r->q;
	struct wire_writer *w = &r->w;
	if (t->wire && !r->set->soa_template_off && !r->key && r->an == 0 && r->ns == 0 &&
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
	return resp_put_rrset(r, z->origin, z->soa, z->neg_ttl, &r->ns);
}
