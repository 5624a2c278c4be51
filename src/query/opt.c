/*
 * opt.c - the records written last: our OPT record (RFC 6891) with the
 * options the query asked for (NSID, ECS with its scope, edns-tcp-keepalive,
 * the server cookie), its space reserved before the answer so truncation
 * never drops EDNS; and the TSIG record of an unsigned error response.
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
	wr16(p + 7, q->edns_flags & EDNS_FLAG_DO);
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
 * The TSIG record of an unsigned error response (RFC 8945 5.3.2), last in
 * the additional section: the request's key name, algorithm name, time
 * signed, fudge and original ID; MAC size 0, error BADKEY, no other data;
 * class ANY, TTL 0. No key is configured, so every key is unknown (5.2.1).
 * When it does not fit (UDP, long names), TC: the client asks again over TCP.
 */
void resp_put_tsig(struct resp *r)
{
	const struct tsig *t = &r->q->tsig_rr;
	struct wire_writer *w = &r->w;
	w->cap = r->limit;
	size_t need = t->key_len + 10u + t->alg_len + 16u;
	if (w->len > w->cap || w->cap - w->len < need) {
		r->flags |= DNS_FLAG_TC;
		return;
	}
	uint8_t *p = w->buf + w->len;
	memcpy(p, t->key, t->key_len); /* uncompressed, as the MAC covers it */
	p += t->key_len;
	wr16(p, TYPE_TSIG);
	wr16(p + 2, CLASS_ANY);
	wr32(p + 4, 0);
	wr16(p + 8, (uint16_t)(t->alg_len + 16u));
	p += 10;
	memcpy(p, t->alg, t->alg_len);
	p += t->alg_len;
	wr16(p, (uint16_t)(t->time_signed >> 32));
	wr32(p + 2, (uint32_t)t->time_signed);
	wr16(p + 6, t->fudge);
	wr16(p + 8, 0); /* MAC size: unsigned */
	wr16(p + 10, t->original_id);
	wr16(p + 12, TSIG_ERROR_BADKEY);
	wr16(p + 14, 0); /* other len */
	w->len = (size_t)(p + 16 - w->buf);
	r->ar++;
}
