/*
 * xfr_helpers.c - what the zone transfer suites (test_axfr.c,
 * test_journal.c) share: zones loaded from files, requests parsed as the
 * server parses them, and the checks every message of a transfer stream
 * must pass (whole records; header and question against the request).
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

static struct region regs[] = {
    {(char *)"us-east", 38.9, -77.0},
    {(char *)"eu-west", 53.3, -6.3},
    {(char *)"ap-south", 1.35, 103.8},
};
static const struct region_table rt = {regs, 3, NULL};

struct zone *unit_load_zone(const char *origin, const char *path, const char *services)
{
	struct diag d = {0};
	/* the regions always: a TYPE65281 record in the zone is a service too */
	struct zone_config zc = {origin, path, services, &rt};
	struct zone *z = zone_load(&zc, &d);
	for (size_t i = 0; !z && i < d.count; i++)
		fprintf(stderr, "  diag: %s\n", d.msgs[i]);
	diag_free(&d);
	ck_assert_ptr_nonnull(z);
	return z;
}

/* A transfer request (or other type) for name, parsed as the server would. */
void unit_xfr_request(struct query *q, const char *name, uint16_t id, bool rd, int type)
{
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&p, name, (ldns_rr_type)type, LDNS_RR_CLASS_IN,
	                                            rd ? LDNS_RD : 0),
	                 LDNS_STATUS_OK);
	ldns_pkt_set_id(p, id);
	uint8_t *wire = NULL;
	size_t len = 0;
	ck_assert_int_eq(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	ck_assert_int_eq(wire_parse_query_opts(wire, len, q, 0), GD_OK);
	free(wire);
	ldns_pkt_free(p);
}

struct ldns_struct_rr *unit_ldns_rr(const uint8_t *owner, size_t owner_len, uint16_t type,
                                    uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	static uint8_t wire[WIRE_NAME_MAX + 10 + 65535];
	memcpy(wire, owner, owner_len);
	wr16(wire + owner_len, type);
	wr16(wire + owner_len + 2, CLASS_IN);
	wr32(wire + owner_len + 4, ttl);
	wr16(wire + owner_len + 8, (uint16_t)rdlen);
	memcpy(wire + owner_len + 10, rdata, rdlen);
	ldns_rr *rr = NULL;
	size_t pos = 0;
	ck_assert_int_eq(ldns_wire2rr(&rr, wire, owner_len + 10 + rdlen, &pos, LDNS_SECTION_ANSWER),
	                 LDNS_STATUS_OK);
	return rr;
}

/* Past a (possibly compressed) name; 0 when it runs out of the message or
 * a pointer does not point backwards. */
static size_t skip_name(const uint8_t *m, size_t len, size_t p)
{
	for (;;) {
		if (p >= len)
			return 0;
		uint8_t c = m[p];
		if ((c & 0xC0) == 0xC0) {
			if (p + 2 > len || (size_t)(((c & 0x3F) << 8) | m[p + 1]) >= p)
				return 0;
			return p + 2;
		}
		if (c == 0)
			return p + 1;
		p += c + 1u;
	}
}

/* Does the message hold exactly its header's records, each whole? */
bool unit_whole_records(const uint8_t *m, size_t len)
{
	size_t p = DNS_HEADER_LEN;
	for (unsigned i = 0; i < rd16(m + 4); i++) {
		if (!(p = skip_name(m, len, p)) || p + 4 > len)
			return false;
		p += 4;
	}
	for (unsigned i = 0; i < rd16(m + 6); i++) {
		if (!(p = skip_name(m, len, p)) || p + 10 > len)
			return false;
		p += 10 + rd16(m + p + 8);
		if (p > len)
			return false;
	}
	return p == len;
}

/* Check one message's header and question against the request. */
void unit_xfr_check_header(const ldns_pkt *p, const struct query *q, bool first)
{
	ck_assert_uint_eq(ldns_pkt_id(p), q->id);
	ck_assert(ldns_pkt_qr(p));
	ck_assert(ldns_pkt_aa(p));
	ck_assert(!ldns_pkt_tc(p));
	ck_assert_int_eq(ldns_pkt_rd(p), (q->flags & DNS_FLAG_RD) != 0);
	ck_assert(!ldns_pkt_ra(p) && !ldns_pkt_ad(p) && !ldns_pkt_cd(p));
	ck_assert_int_eq(ldns_pkt_get_opcode(p), LDNS_PACKET_QUERY);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_qdcount(p), first ? 1 : 0);
	ck_assert_uint_gt(ldns_pkt_ancount(p), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 0);
	ck_assert_uint_eq(ldns_pkt_arcount(p), 0);
	if (!first)
		return;
	const ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	const ldns_rdf *owner = ldns_rr_owner(qr);
	/* as received: the same octets, case included */
	ck_assert_uint_eq(ldns_rdf_size(owner), q->qname_len);
	ck_assert(memcmp(ldns_rdf_data(owner), q->qname, q->qname_len) == 0);
	ck_assert_uint_eq(ldns_rr_get_type(qr), q->qtype);
	ck_assert_uint_eq(ldns_rr_get_class(qr), LDNS_RR_CLASS_IN);
}
