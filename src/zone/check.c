/*
 * check.c - pass 3 of loading a zone: the RFC 1034/1035 rules (one SOA,
 * NS at the apex, CNAME alone, DNAME single, occlusion below cuts and
 * DNAMEs, service names free of static data, glue), each error with its
 * file and line.
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

static const struct zone_record *first_rec(struct loader *ld, const struct node *n, uint16_t type)
{
	for (size_t i = 0; i < ld->nrecs; i++) {
		const struct zone_record *r = &ld->recs[i];
		if (r->ownerlen == n->namelen && memcmp(r->owner, n->name, n->namelen) == 0 &&
		    (type == 0 || r->type == type))
			return r;
	}
	return NULL;
}

/* The apex: exactly one SOA, there (its serial and negative TTL read, the
 * negative SOA rendered), and NS records. */
static void validate_apex(struct loader *ld)
{
	struct zone *z = ld->z;
	char s[1024];
	for (size_t i = 0; i < ld->nrecs; i++) {
		const struct zone_record *r = &ld->recs[i];
		if (r->type == TYPE_SOA && !(r->ownerlen == z->origin_len &&
					      memcmp(r->owner, z->origin, z->origin_len) == 0))
			diag_error(ld->diag, r->file, r->line, 0,
				   "SOA record at %s, not at the zone apex %s",
				   wire_name_to_str(r->owner, s, sizeof(s)), z->origin_str);
	}
	const struct rrset *soa = node_rrset(z->apex, TYPE_SOA);
	if (!soa) {
		diag_error(ld->diag, z->file, 1, 0, "no SOA record at the zone apex %s",
			   z->origin_str);
	} else if (soa->count != 1) {
		const struct zone_record *second = NULL;
		for (size_t i = 0, seen = 0; i < ld->nrecs; i++)
			if (ld->recs[i].type == TYPE_SOA && ld->recs[i].line > 0 && ++seen == 2)
				second = &ld->recs[i];
		diag_error(ld->diag, second ? second->file : z->file, second ? second->line : 1,
			   0, "more than one SOA record at the zone apex");
	} else if (!zone_take_soa(z, soa)) {
		diag_error(ld->diag, z->file, 1, 0, "malformed SOA record");
	}
	if (!node_rrset(z->apex, TYPE_NS)) {
		const struct zone_record *r = first_rec(ld, z->apex, TYPE_SOA);
		diag_error(ld->diag, r ? r->file : z->file, r ? r->line : 1, 0,
			   "no NS records at the zone apex %s", z->origin_str);
	}
}

/* Per name: at most one CNAME and nothing else beside it, none at the
 * apex, at most one DNAME. */
static void validate_nodes(struct loader *ld)
{
	struct zone *z = ld->z;
	char s[1024];
	for (size_t b = 0; b <= z->mask; b++) {
		struct node *n = z->table[b];
		if (!n)
			continue;
		const struct rrset *cn = node_rrset(n, TYPE_CNAME);
		if (cn && cn->count > 1) {
			const struct zone_record *r = first_rec(ld, n, TYPE_CNAME);
			diag_error(ld->diag, r->file, r->line, 0, "more than one CNAME at %s",
				   wire_name_to_str(n->name, s, sizeof(s)));
		}
		if (cn && n->nrrsets > 1) {
			for (unsigned i = 0; i < n->nrrsets; i++) {
				uint16_t t = n->rrsets[i].type;
				/* a service record beside it: validate_services */
				if (t == TYPE_CNAME || t == TYPE_RRSIG || t == TYPE_NSEC ||
				    t == TYPE_GEO_SERVICE)
					continue;
				const struct zone_record *r = first_rec(ld, n, t);
				diag_error(ld->diag, r->file, r->line, 0,
					   "CNAME and other data at %s",
					   wire_name_to_str(n->name, s, sizeof(s)));
				break;
			}
		}
		if (cn && (n->flags & NODE_APEX)) {
			const struct zone_record *r = first_rec(ld, n, TYPE_CNAME);
			diag_error(ld->diag, r->file, r->line, 0, "CNAME at the zone apex");
		}
		const struct rrset *dn = node_rrset(n, TYPE_DNAME);
		if (dn && dn->count > 1) {
			const struct zone_record *r = first_rec(ld, n, TYPE_DNAME);
			diag_error(ld->diag, r->file, r->line, 0, "more than one DNAME at %s",
				   wire_name_to_str(n->name, s, sizeof(s)));
		}
	}
}

/* Occlusion: what lies below a zone cut or a DNAME is marked (glue kept,
 * the rest warned about and ignored). */
static void mark_occluded(struct loader *ld)
{
	struct zone *z = ld->z;
	char s[1024];
	/* parents before children, so walk by label count */
	unsigned maxl = 0;
	for (size_t b = 0; b <= z->mask; b++)
		if (z->table[b] && z->table[b]->labels > maxl)
			maxl = z->table[b]->labels;
	for (unsigned l = z->labels + 1; l <= maxl; l++) {
		for (size_t b = 0; b <= z->mask; b++) {
			struct node *n = z->table[b];
			if (!n || n->labels != l)
				continue;
			const struct node *p = n->parent;
			if ((p->flags & (NODE_OCCLUDED | NODE_DNAME)) ||
			    (p->flags & NODE_DELEG))
				n->flags |= NODE_OCCLUDED;
			if (!(n->flags & NODE_OCCLUDED))
				continue;
			if (p->flags & NODE_DNAME && n->nrrsets) {
				const struct zone_record *r = first_rec(ld, n, 0);
				diag_error(ld->diag, r->file, r->line, 0,
					   "%s is below a DNAME",
					   wire_name_to_str(n->name, s, sizeof(s)));
			}
			for (unsigned i = 0; i < n->nrrsets; i++) {
				uint16_t t = n->rrsets[i].type;
				if (t == TYPE_A || t == TYPE_AAAA)
					continue; /* glue */
				const struct zone_record *r = first_rec(ld, n, t);
				diag_warn(ld->diag, r->file, r->line, 0,
					  "%s is below a zone cut and is ignored",
					  wire_name_to_str(n->name, s, sizeof(s)));
				break;
			}
		}
	}
}

/* Service names (from the services file or TYPE65281 records alike): no
 * static A/AAAA/CNAME/DNAME, not at or below a cut or DNAME, no CNAME
 * answer at the apex. */
static void validate_services(struct loader *ld)
{
	struct zone *z = ld->z;
	for (size_t i = 0; z->services && i < z->services->n; i++) {
		const struct service *svc = &z->services->svcs[i];
		const struct node *n = zone_lookup(z, svc->name, svc->name_len);
		char place[1100];
		service_place(svc, place, sizeof(place));
		static const uint16_t banned[] = {TYPE_A, TYPE_AAAA, TYPE_CNAME, TYPE_DNAME};
		for (size_t k = 0; k < ARRAY_SIZE(banned); k++) {
			const struct zone_record *r = node_rrset(n, banned[k]) ? first_rec(ld, n, banned[k])
								  : NULL;
			if (r)
				diag_error(ld->diag, r->file, r->line, 0,
				           "static %s record at service name %s (%s defines it)",
				           banned[k] == TYPE_A       ? "A"
				           : banned[k] == TYPE_AAAA  ? "AAAA"
				           : banned[k] == TYPE_CNAME ? "CNAME"
				                                     : "DNAME",
				           svc->name_str, place);
		}
		if (n->flags & (NODE_OCCLUDED | NODE_DELEG))
			diag_error(ld->diag, svc->file, svc->line, svc->column,
			           "service %s is at or below a zone cut or DNAME", svc->name_str);
		for (unsigned k = 0; k < svc->nregions; k++)
			if ((n->flags & NODE_APEX) && svc->regions[k].cname)
				diag_error(ld->diag, svc->file, svc->line, svc->column,
				           "service %s at the zone apex cannot answer a cname",
				           svc->name_str);
	}
}

/* In-zone NS targets need addresses. */
static void validate_glue(struct loader *ld)
{
	struct zone *z = ld->z;
	char s[1024];
	for (size_t i = 0; i < ld->nrecs; i++) {
		const struct zone_record *r = &ld->recs[i];
		if (r->type != TYPE_NS || r->line < 0)
			continue;
		uint8_t target[WIRE_NAME_MAX];
		size_t tl = wire_name_len(r->rdata, r->rdlen);
		if (!tl)
			continue;
		wire_name_lower(r->rdata, tl, target);
		if (!wire_name_is_sub(target, z->origin))
			continue;
		struct node *t = zone_lookup(z, target, tl);
		if (!t || (!node_rrset(t, TYPE_A) && !node_rrset(t, TYPE_AAAA)))
			diag_error(ld->diag, r->file, r->line, 0,
				   "missing glue: NS target %s in the zone has no A or AAAA",
				   wire_name_to_str(target, s, sizeof(s)));
	}
}

void zone_validate(struct loader *ld)
{
	validate_apex(ld);
	validate_nodes(ld);
	mark_occluded(ld);
	validate_services(ld);
	validate_glue(ld);
}
