/*
 * ixfr.c - the IXFR response stream (RFC 1995, ixfr.h): the decision
 * between our SOA alone, the condensed difference and the AXFR fallback,
 * and the writer that fills one message at a time from the result.
 *
 * The stream is the current SOA, then the condensed difference's packed
 * records as they lie in it (old SOA, removed, new SOA, added: the order
 * RFC 1995 4 sends them in), then the current SOA again; a cursor is an
 * offset into the difference. The messages are axfr.c's (message.c): the
 * same header, question and compression.
 *
 * A client's serial that appears twice in the journal (a serial that went
 * round the 2^32 circle within the journal's history) is served from its
 * newest appearance: the shortest difference that leads to the zone.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr/ixfr.h"

#include "xfr_internal.h"

#include "common/gd.h"
#include "dns/serial.h"
#include "zone/zone.h"

#include <stdlib.h>
#include <string.h>

enum ixfr_phase { IXFR_SOA_FIRST, IXFR_BODY, IXFR_SOA_LAST, IXFR_DONE };

/* The cursor: phase, and pos the offset of the next record in d->data
 * (IXFR_BODY). */
struct ixfr_state {
	struct xfr_stream st; /* first: the stream's callbacks get it */
	enum ixfr_kind kind;
	struct diff *d; /* IXFR_INCREMENTAL: the condensed difference (a reference) */
	uint32_t serial_from, serial_to;
	size_t soa_len;
	uint8_t soa[]; /* the current SOA, a packed record */
};

int ixfr_request_serial(const uint8_t *pkt, size_t len, const struct query *q, uint32_t *serial)
{
	uint8_t name[WIRE_NAME_MAX];
	size_t nlen, pos = DNS_HEADER_LEN + (size_t)q->qname_len + 4;
	if (!q->have_question || len < DNS_HEADER_LEN || pos > len)
		return GD_EFORMAT;
	unsigned an = rd16(pkt + 6), ns = rd16(pkt + 8);
	for (unsigned i = 0; i < an + ns; i++) {
		if (wire_read_name(pkt, len, &pos, name, &nlen) < 0 || len - pos < 10)
			return GD_EFORMAT;
		uint16_t type = rd16(pkt + pos);
		size_t rdlen = rd16(pkt + pos + 8), rd = pos + 10, end = rd + rdlen;
		if (end > len)
			return GD_EFORMAT;
		pos = end;
		/* RFC 1995 3: the authority section holds the client's SOA */
		if (i < an || type != TYPE_SOA)
			continue;
		uint8_t mname[WIRE_NAME_MAX], rname[WIRE_NAME_MAX];
		size_t ml, rl;
		if (!wire_name_equal(name, q->qname) ||
		    wire_read_name(pkt, end, &rd, mname, &ml) < 0 ||
		    wire_read_name(pkt, end, &rd, rname, &rl) < 0 || end - rd != 20)
			return GD_EFORMAT;
		*serial = rd32(pkt + rd);
		return GD_OK;
	}
	return GD_EFORMAT;
}

static bool cursor_record(const struct xfr_stream *st, const struct xfr_cursor *c,
                          struct diff_rr *rr)
{
	const struct ixfr_state *s = (const struct ixfr_state *)st;
	xrr_read(c->phase == IXFR_BODY ? s->d->data + c->pos : s->soa, rr);
	return c->phase != IXFR_DONE;
}

static void cursor_advance(const struct xfr_stream *st, struct xfr_cursor *c)
{
	const struct ixfr_state *s = (const struct ixfr_state *)st;
	struct diff_rr rr;
	switch (c->phase) {
	case IXFR_SOA_FIRST:
		*c = (struct xfr_cursor){.phase =
		                             s->kind == IXFR_INCREMENTAL ? IXFR_BODY : IXFR_DONE};
		break;
	case IXFR_BODY:
		c->pos = (size_t)(xrr_read(s->d->data + c->pos, &rr) - s->d->data);
		if (c->pos == s->d->len)
			c->phase = IXFR_SOA_LAST;
		break;
	case IXFR_SOA_LAST:
	default: c->phase = IXFR_DONE; break;
	}
}

static struct ixfr_state *state_new(const struct zone *z, const struct query *q)
{
	const uint8_t *rd = z->soa->rdata;
	struct diff_rr soa = {z->apex->name, z->apex->namelen, TYPE_SOA,
	                      z->soa->ttl,   rd16(rd),         rd + 2};
	struct xbuf b = {0};
	xbuf_put_rr(&b, &soa);
	struct ixfr_state *s = b.failed ? NULL : calloc(1, sizeof(*s) + b.len);
	if (s) {
		memcpy(s->soa, b.p, b.len);
		s->soa_len = b.len;
		xfr_request_copy(&s->st.req, q);
		s->st.cur.phase = IXFR_SOA_FIRST;
		s->st.record = cursor_record;
		s->st.advance = cursor_advance;
		s->kind = IXFR_UPTODATE;
		s->serial_from = s->serial_to = z->serial;
	}
	xbuf_free(&b);
	return s;
}

struct ixfr_state *ixfr_begin_soa(const struct zone *z, const struct query *q)
{
	if (!z->soa || !z->apex)
		return NULL;
	return state_new(z, q);
}

/* The condensed difference from client_serial to the zone s holds the SOA
 * of, from a view of the journal; NULL when the journal cannot lead there
 * (*rc IXFR_FALLBACK) or memory ran out (*rc GD_ENOMEM). */
static struct diff *journal_path(struct journal *j, const struct ixfr_state *s,
                                 uint32_t client_serial, int *rc)
{
	struct journal_view v;
	*rc = journal_view_take(j, &v);
	if (*rc < 0)
		return NULL;
	*rc = IXFR_FALLBACK;
	size_t i = v.n;
	while (i > 0 && v.diffs[i - 1]->serial_from != client_serial)
		i--;
	struct diff *d = NULL;
	if (i > 0) {
		/* the newest version must be the one served, SOA and all */
		struct diff_iter it;
		diff_iter_init(v.diffs[v.n - 1], DIFF_SOA_NEW, &it);
		if ((size_t)(it.end - it.p) == s->soa_len &&
		    memcmp(it.p, s->soa, s->soa_len) == 0) {
			*rc = diff_condense(v.diffs + i - 1, v.n - i + 1, &d);
			if (*rc == GD_EINVAL)
				*rc = IXFR_FALLBACK; /* not contiguous: cannot happen */
		}
	}
	journal_view_release(&v);
	return d;
}

int ixfr_begin(struct journal *j, const struct zone *z, const struct query *q,
               uint32_t client_serial, struct ixfr_state **out)
{
	if (!z->soa || !z->apex)
		return GD_EINVAL;
	struct ixfr_state *s = state_new(z, q);
	if (!s)
		return GD_ENOMEM;
	if (client_serial == z->serial || serial_gt(client_serial, z->serial)) {
		*out = s; /* up to date, or ahead of us: our SOA alone */
		return GD_OK;
	}
	int rc = IXFR_FALLBACK;
	struct diff *d = j ? journal_path(j, s, client_serial, &rc) : NULL;
	if (!d) {
		ixfr_end(s);
		return rc;
	}
	s->kind = IXFR_INCREMENTAL;
	s->d = d;
	s->serial_from = d->serial_from;
	*out = s;
	return GD_OK;
}

enum ixfr_kind ixfr_kind(const struct ixfr_state *s)
{
	return s->kind;
}

int ixfr_next_message(struct ixfr_state *s, uint8_t *buf, size_t cap, size_t *len)
{
	return xfr_next_message(&s->st, buf, cap, len, 65535);
}

/* Back to the first record, nothing sent. */
static void rewind_stream(struct ixfr_state *s)
{
	s->st.cur = (struct xfr_cursor){.phase = IXFR_SOA_FIRST};
	s->st.records = s->st.messages = 0;
}

int ixfr_udp_message(struct ixfr_state *s, uint8_t *buf, size_t cap, size_t *len, bool *whole)
{
	rewind_stream(s);
	int rc = xfr_next_message(&s->st, buf, cap, len, 65535);
	*whole = rc == 1 && s->st.cur.phase == IXFR_DONE;
	if (!*whole) {
		/* RFC 1995 2 and 4: what does not fit is the current SOA alone */
		rewind_stream(s);
		rc = xfr_next_message(&s->st, buf, cap, len, 1);
		if (rc != 1)
			return rc < 0 ? rc : GD_ESPACE;
	}
	s->st.cur.phase = IXFR_DONE;
	return GD_OK;
}

void ixfr_progress(const struct ixfr_state *s, uint64_t *records, uint64_t *messages,
                   uint32_t *serial_from, uint32_t *serial_to)
{
	*records = s->st.records;
	*messages = s->st.messages;
	*serial_from = s->serial_from;
	*serial_to = s->serial_to;
}

void ixfr_end(struct ixfr_state *s)
{
	if (!s)
		return;
	diff_free(s->d);
	free(s);
}
