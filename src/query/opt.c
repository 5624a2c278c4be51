/*
 * opt.c - the records written last: our OPT record (RFC 6891) with the
 * options the query asked for (NSID, ECS with its scope, edns-tcp-keepalive,
 * the server cookie), its space reserved before the answer so truncation
 * never drops EDNS; and the TSIG record, signed or an unsigned error.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "resp.h"

#include "common/gd.h"
#include "dns/wire.h"

#include <string.h>

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
size_t resp_opt_space(const struct resp *r)
{
	return 11 + opt_parts(r, true).rdlen;
}

void resp_put_opt(struct resp *r, unsigned ext_rcode, bool with_options)
{
	const struct query *q = r->q;
	const struct answer_settings *set = r->set;
	struct wire_writer *w = &r->w;
	w->cap = r->limit; /* the reserved space */
	struct opt_parts o = opt_parts(r, with_options);
	size_t rdlen = o.rdlen;
	if (w->len > w->cap || w->cap - w->len < 11 + rdlen)
		return; /* never: resp_opt_space() reserved it */
	/* written in place: one bounds check for the whole record */
	uint8_t *p = w->buf + w->len;
	p[0] = 0; /* root owner */
	wr16(p + 1, TYPE_OPT);
	wr16(p + 3, set->udp_payload);
	p[5] = (uint8_t)(ext_rcode >> 4);
	p[6] = 0; /* version 0 */
	/* DO echoed (RFC 3225); CO too when with DO (RFC 9824 5.1: we send
	 * NXDOMAIN to a resolver that sets it) */
	wr16(p + 7,
	     (q->edns_flags & EDNS_FLAG_DO) ? q->edns_flags & (EDNS_FLAG_DO | EDNS_FLAG_CO) : 0);
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
 * The TSIG record of the response, last in the additional section (RFC 8945
 * 5.3): a request that verified gets its response signed with the key (a
 * BADTIME too, with the server's time); an unknown key or a wrong MAC an
 * unsigned error, MAC size 0 (5.3.2), echoing the request's key name,
 * algorithm, time signed, fudge and original ID. The signed TSIG's room was
 * kept after r->limit (r->tsig_space) before the answer was written.
 */
void resp_put_tsig(struct resp *r)
{
	const struct tsig *t = &r->q->tsig_rr;
	struct wire_writer *w = &r->w;
	w->cap = r->limit + r->tsig_space;
	if (r->tsig.sign)
		resp_write_header(r); /* the MAC covers the header's counts */
	size_t n = tsig_append_response(w->buf, w->len, w->cap, t, &r->tsig);
	if (n == 0 && r->tsig.sign && w->len > r->question_end) {
		/* 5.3: the question alone, TC, signed */
		w->len = r->question_end;
		r->an = r->ns = r->ar = 0;
		r->flags |= DNS_FLAG_TC;
		resp_write_header(r);
		n = tsig_append_response(w->buf, w->len, w->cap, t, &r->tsig);
	}
	if (n == 0) {
		r->flags |= DNS_FLAG_TC; /* UDP, long names: over TCP then */
		return;
	}
	w->len = n;
	r->ar++;
}
