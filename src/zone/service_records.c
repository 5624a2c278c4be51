/*
 * service_records.c - services written in the zone itself: records of the
 * private type TYPE65281, each the JSON object a services file has for its
 * owner (geodnsd-services(5)). Between reading and compiling, the records
 * are handed to geo/service.c, which checks them exactly as a services
 * file's members and adds them to the zone's services after the file's.
 *
 * The records stay zone data: compile.c makes them an RRset at their node
 * like any other, so a zone transfer carries them (xfr/axfr.c), while the
 * answer code never shows them (query/resolve.c: NODATA for the type, left
 * out of ANY). Rules here: at most one such record per name, and regions in
 * the configuration to check them against; the rest (the JSON, a name
 * also in the services file, static data beside a service, cuts) is the
 * same as for services from a file.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "zone_internal.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/dns.h"
#include "dns/wire.h"
#include "geo/service.h"

#include <stdlib.h>
#include <string.h>

/* The service records, by owner, in the order read among one owner's. */
static int cmp_owner(const void *a, const void *b)
{
	const struct zone_record *x = *(const struct zone_record *const *)a, *y = *(const struct zone_record *const *)b;
	if (x->ownerlen != y->ownerlen)
		return x->ownerlen < y->ownerlen ? -1 : 1;
	int c = memcmp(x->owner, y->owner, x->ownerlen);
	if (c)
		return c;
	return (x > y) - (x < y); /* recs[] is in the order read */
}

void zone_record_services(struct loader *ld, const struct region_table *rt)
{
	struct zone *z = ld->z;
	size_t n = 0;
	for (size_t i = 0; i < ld->nrecs; i++)
		n += ld->recs[i].type == TYPE_GEO_SERVICE;
	if (n == 0)
		return;
	z->service_records = true;
	ld->digest = digest_regions(ld->digest, rt);
	const struct zone_record **by_owner = xcalloc(n, sizeof(*by_owner));
	size_t k = 0;
	for (size_t i = 0; i < ld->nrecs; i++)
		if (ld->recs[i].type == TYPE_GEO_SERVICE)
			by_owner[k++] = &ld->recs[i];
	if (!rt || rt->n == 0) {
		diag_error(ld->diag, by_owner[0]->file, by_owner[0]->line, 0,
		           "a TYPE65281 record is a geo service, and the configuration has no "
		           "\"regions\" for it");
		free(by_owner);
		return;
	}
	qsort(by_owner, n, sizeof(*by_owner), cmp_owner);
	/* the first record of each owner is its service; a second one is an
	 * error (even with the same data: the tool's output appended twice) */
	bool *second = xcalloc(ld->nrecs, sizeof(*second));
	for (size_t i = 1; i < n; i++) {
		const struct zone_record *r = by_owner[i], *p = by_owner[i - 1];
		if (r->ownerlen != p->ownerlen || memcmp(r->owner, p->owner, r->ownerlen) != 0)
			continue;
		size_t first = i - 1;
		while (second[by_owner[first] - ld->recs])
			first--;
		char s[1024];
		diag_error(ld->diag, r->file, r->line, 0,
		           "more than one TYPE65281 record at %s (the first at %s:%d)",
		           wire_name_to_str(r->owner, s, sizeof(s)), by_owner[first]->file,
		           by_owner[first]->line);
		second[r - ld->recs] = true;
	}
	free(by_owner);
	/* in the order read: the services are numbered in it */
	struct service_json *items = xcalloc(n, sizeof(*items));
	k = 0;
	for (size_t i = 0; i < ld->nrecs; i++) {
		const struct zone_record *r = &ld->recs[i];
		if (r->type != TYPE_GEO_SERVICE || second[i])
			continue;
		items[k++] = (struct service_json){.name = r->owner,
		                                   .text = (const char *)r->rdata,
		                                   .len = r->rdlen,
		                                   .file = r->file,
		                                   .line = r->line};
	}
	free(second);
	service_set_add_json(&z->services, items, k, z->origin, rt, ld->diag);
	free(items);
}
