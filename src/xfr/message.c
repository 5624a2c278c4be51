/*
 * message.c - the messages of a zone transfer stream, written the same way
 * for AXFR (axfr.c) and IXFR (ixfr.c): header and question copied from the
 * request, whole records with names compressed within the message by
 * dns/wire.c's writer (the one that writes answers), and the canonical
 * name order both streams and the differences use.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr_internal.h"

#include "common/gd.h"

#include <string.h>

void xfr_request_copy(struct xfr_request *r, const struct query *q)
{
	r->id = q->id;
	r->rd_flag = q->flags & DNS_FLAG_RD;
	r->qtype = q->qtype;
	r->qclass = q->qclass;
	r->qname_len = q->qname_len;
	memcpy(r->qname, q->qname, q->qname_len);
}

int xfr_msg_begin(struct xfr_msg *m, const struct xfr_request *r, uint8_t *buf, size_t cap,
                  bool first)
{
	if (cap > 65535)
		cap = 65535;
	struct wire_writer *w = &m->w;
	wire_writer_init(w, buf, cap);
	memset(m->index.slot, 0, sizeof(m->index.slot));
	w->index = &m->index;
	m->an = 0;
	uint16_t flags = DNS_FLAG_QR | DNS_FLAG_AA | r->rd_flag; /* opcode QUERY, NOERROR */
	if (wire_put16(w, r->id) < 0 || wire_put16(w, flags) < 0 ||
	    wire_put16(w, first ? 1 : 0) < 0 || wire_put16(w, 0) < 0 || wire_put16(w, 0) < 0 ||
	    wire_put16(w, 0) < 0)
		return GD_ESPACE;
	/* the question as received, not a compression target */
	if (first && (wire_put(w, r->qname, r->qname_len) < 0 || wire_put16(w, r->qtype) < 0 ||
	              wire_put16(w, r->qclass) < 0))
		return GD_ESPACE;
	return GD_OK;
}

int xfr_msg_add(struct xfr_msg *m, const uint8_t *owner, uint16_t type, uint32_t ttl,
                const uint8_t *rdata, size_t rdlen)
{
	struct wire_writer *w = &m->w;
	if (m->an == 65535)
		return XFR_MSG_FULL;
	struct wire_mark mark = wire_mark(w);
	int rc = wire_put_name(w, owner, true);
	if (rc == GD_OK &&
	    (wire_put16(w, type) < 0 || wire_put16(w, CLASS_IN) < 0 || wire_put32(w, ttl) < 0))
		rc = GD_ESPACE;
	if (rc == GD_OK)
		rc = wire_put_rdata(w, type, rdata, rdlen);
	if (rc < 0) {
		wire_rollback(w, mark);
		return rc == GD_ESPACE && m->an > 0 ? XFR_MSG_FULL : rc;
	}
	m->an++;
	return GD_OK;
}

size_t xfr_msg_end(struct xfr_msg *m)
{
	wr16(m->w.buf + 6, (uint16_t)m->an);
	return m->w.len;
}

int xfr_next_message(struct xfr_stream *s, uint8_t *buf, size_t cap, size_t *len, unsigned max)
{
	struct xfr_cursor c = s->cur;
	struct diff_rr rr;
	if (!s->record(s, &c, &rr))
		return 0;
	struct xfr_msg m;
	int rc = xfr_msg_begin(&m, &s->req, buf, cap, s->messages == 0);
	if (rc < 0)
		return rc;
	while (m.an < max && s->record(s, &c, &rr)) {
		rc = xfr_msg_add(&m, rr.owner, rr.type, rr.ttl, rr.rdata, rr.rdlen);
		if (rc == XFR_MSG_FULL)
			break; /* the record opens the next message */
		if (rc < 0)
			return rc; /* s->cur untouched: the caller may retry */
		s->advance(s, &c);
	}
	*len = xfr_msg_end(&m);
	s->cur = c;
	s->records += m.an;
	s->messages++;
	return 1;
}

int xfr_name_cmp(const uint8_t *a, const uint8_t *b)
{
	uint8_t ao[WIRE_LABELS_MAX], bo[WIRE_LABELS_MAX];
	unsigned al = wire_label_offsets(a, ao);
	unsigned bl = wire_label_offsets(b, bo);
	while (al && bl) {
		const uint8_t *p = a + ao[--al];
		const uint8_t *q = b + bo[--bl];
		int c = memcmp(p + 1, q + 1, *p < *q ? *p : *q);
		if (c)
			return c;
		if (*p != *q)
			return *p < *q ? -1 : 1;
	}
	return (al > bl) - (al < bl);
}

bool xfr_soa_serial(const uint8_t *rdata, size_t rdlen, uint32_t *serial)
{
	size_t mname = wire_name_len(rdata, rdlen);
	if (!mname)
		return false;
	size_t rname = wire_name_len(rdata + mname, rdlen - mname);
	if (!rname || mname + rname + 20 != rdlen)
		return false;
	*serial = rd32(rdata + mname + rname);
	return true;
}
