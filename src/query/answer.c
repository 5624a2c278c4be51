/*
 * answer.c - one query packet in, one response packet out: the header and
 * the question, the requests refused before any lookup (FORMERR, NOTIMP,
 * REFUSED, BADVERS, TSIG's NOTAUTH), the cookie and rate-limiting gates,
 * the answer cache, then the lookup (resolve.c), the additional section,
 * OPT and TSIG (opt.c). A response that does not fit gets TC=1 and keeps
 * only the question (and OPT).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "resp.h"

#include "common/gd.h"
#include "common/netaddr.h"
#include "dns/wire.h"
#include "dnssec/sigcache.h"
#include "health/health.h"
#include "query/cookie.h"
#include "zone/zone.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t finish(struct resp *r)
{
	resp_write_header(r);
	return r->w.len;
}

/* Header and, when have_question, the question as received. */
static void put_header(struct resp *r, const struct query *q, bool with_question)
{
	struct wire_writer *w = &r->w;
	size_t need = DNS_HEADER_LEN + (with_question ? q->qname_len + 4u : 0);
	if (w->cap < need)
		return; /* never: the limit is at least 512 */
	uint8_t *b = w->buf;
	memset(b, 0, DNS_HEADER_LEN);
	wr16(b, q->id);
	w->len = DNS_HEADER_LEN;
	if (!with_question)
		return;
	b[5] = 1; /* QDCOUNT */
	memcpy(b + DNS_HEADER_LEN, q->qname, q->qname_len);
	wr16(b + DNS_HEADER_LEN + q->qname_len, q->qtype);
	wr16(b + DNS_HEADER_LEN + q->qname_len + 2, q->qclass);
	w->len = need;
}

/* The question's labels as compression targets, before the first name is
 * written after it (not for a response from the answer cache, which
 * writes none). */
static void question_targets(struct resp *r, const struct query *q)
{
	struct wire_writer *w = &r->w;
	unsigned n = q->nlabels < WIRE_COMP_MAX ? q->nlabels : WIRE_COMP_MAX;
	for (unsigned i = 0; i < n; i++) {
		w->comp_off[i] = (uint16_t)(DNS_HEADER_LEN + q->label_off[i]);
		w->comp_labels[i] = (uint8_t)(q->nlabels - i);
	}
	w->ncomp = n;
}

/* DNS cookies (RFC 7873, RFC 9018): verify the client's, make the one to
 * send. Only a malformed option changes the rcode (FORMERR, in the parser). */
static void server_cookie(struct resp *r, const struct query *q)
{
	uint8_t family, addr[16];
	if (!netaddr_from_sockaddr(r->client, &family, addr))
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts); /* shared by anycast peers */
	r->cookie_check = cookie_answer(r->set->cookies, q->cookie, q->cookie_len, family, addr,
					(uint32_t)ts.tv_sec, r->cookie, &r->cookie_len);
	struct answer_counters *c = &r->aw->counters;
	if (r->cookie_check == COOKIE_VALID)
		CTR_INC(c->cookie_valid);
	else if (r->cookie_check == COOKIE_CLIENT_ONLY)
		CTR_INC(c->cookie_client_only);
	else if (r->cookie_check == COOKIE_BAD)
		CTR_INC(c->cookie_bad);
}

/* Rate limiting by the source address (never ECS: the source is who gets
 * the traffic). */
static enum rrl_verdict rate_limit(struct resp *r, const struct query *q)
{
	const struct rrl_config *c = &r->set->rrl;
	uint8_t family, addr[16];
	if (!netaddr_from_sockaddr(r->client, &family, addr))
		return RRL_PASS;
	if (rrl_exempt(c, family, addr))
		return RRL_PASS;
	enum rrl_kind kind;
	const uint8_t *name = NULL;
	size_t len = 0;
	if (r->rcode == RCODE_NXDOMAIN || r->nxname) { /* a compact denial too */
		kind = RRL_NXDOMAIN;
	} else if (r->rcode != RCODE_NOERROR) {
		kind = RRL_ERROR;
	} else if (r->an == 0 && !(r->flags & DNS_FLAG_AA)) {
		kind = RRL_REFERRAL;
	} else {
		kind = RRL_ANSWER;
		name = q->lname;
		len = q->qname_len;
	}
	if ((kind == RRL_NXDOMAIN || kind == RRL_REFERRAL) && r->zone) {
		name = r->zone->origin;
		len = r->zone->origin_len;
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return rrl_account(&r->aw->rrl, c, family, addr, kind, name, len, (uint32_t)ts.tv_sec);
}

/* RRL's slip: truncated, question (and OPT) only; the client retries over
 * TCP, which is never limited. */
static void slip(struct resp *r, const struct query *q)
{
	r->w.len = r->question_end;
	r->w.cap = r->limit;
	r->an = r->ns = r->ar = 0;
	r->flags |= DNS_FLAG_TC;
	r->flags &= (uint16_t)~DNS_FLAG_AA;
	if (q->edns)
		resp_put_opt(r, 0, false); /* with the cookie: RRL lets it pass */
	if (q->tsig)
		resp_put_tsig(r);
}

/*
 * RFC 8945 5.2: the TSIG is checked before the query is looked at (so
 * before BADVERS, REFUSED for AXFR/IXFR or class CH). An unknown key, a
 * wrong MAC or a time outside the fudge: r->tsig.error, answered NOTAUTH
 * without an answer. A MAC size the RFC forbids: FORMERR without a TSIG,
 * -1. A request that verified: the room for the signed TSIG is taken off
 * the limit, so that the answer and OPT leave it free. Never from or into
 * the answer cache.
 */
static int check_tsig(struct resp *r, const struct answer_request *req, struct query *q)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	r->tsig_space = 0;
	if (tsig_verify_request(req->pkt, req->len, &q->tsig_rr, r->set->tsig_keys,
	                        (uint64_t)ts.tv_sec, &r->tsig) < 0) {
		q->tsig = false;
		r->rcode = RCODE_FORMERR;
		if (q->edns)
			resp_put_opt(r, 0, false);
		return -1;
	}
	if (!r->tsig.sign)
		return 0;
	size_t space = tsig_response_space(&q->tsig_rr, &r->tsig);
	size_t keep = r->limit > r->question_end + space ? space : r->limit - r->question_end;
	r->tsig_space = keep;
	r->limit -= keep;
	r->w.cap = r->limit;
	return 0;
}

/* For the query log: the client as a network (ECS subnet, or the source
 * address cut to the hash prefix: no full client addresses in logs). */
static void fill_info(struct answer_worker *aw, struct resp *r, const struct query *q)
{
	struct answer_info *in = &aw->info;
	in->question = q->have_question;
	if (q->have_question)
		wire_name_to_str(q->qname, in->qname, sizeof(in->qname));
	in->qtype = q->qtype;
	in->rcode = (uint16_t)r->rcode;
	if (!r->addressed)
		geoanswer_client_address(r);
	in->ecs = r->use_ecs;
	in->family = r->cfamily;
	memset(in->addr, 0, sizeof(in->addr));
	unsigned bits = r->use_ecs ? q->ecs.source
				   : (r->cfamily == 2 ? r->set->hash_ipv6_prefix : r->set->hash_ipv4_prefix);
	for (unsigned b = 0; b < bits && b < 128; b++)
		if (r->caddr[b / 8] & (0x80 >> (b % 8)))
			in->addr[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	in->prefix = (uint8_t)bits;
}

/* A question for our zones: from the answer cache, or looked up (REFUSED
 * outside them), with the additional section; TC when it does not fit. */
/* Class CH (RFC 4892): the server's identity (the NSID) for id.server
 * and hostname.bind, server.version for version.server and version.bind,
 * as one TXT record (TXT or ANY asked; another type: NODATA); any other
 * name, or one without a value configured, REFUSED. */
static void chaos(struct resp *r, const struct query *q)
{
	static const struct {
		const char *name;
		bool identity;
	} names[] = {
	    {"\002id\006server", true},
	    {"\010hostname\004bind", true},
	    {"\007version\006server", false},
	    {"\007version\004bind", false},
	};
	const char *text = NULL;
	size_t len = 0;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		size_t n = strlen(names[i].name) + 1;
		if (q->qname_len != n || !wire_name_equal(q->qname, (const uint8_t *)names[i].name))
			continue;
		text = names[i].identity ? (const char *)r->set->nsid : r->set->version;
		len = names[i].identity ? r->set->nsid_len : (text ? strlen(text) : 0);
		break;
	}
	if (!text || len > 255) {
		r->rcode = RCODE_REFUSED;
		return;
	}
	r->flags |= DNS_FLAG_AA;
	if (q->qtype != TYPE_TXT && q->qtype != TYPE_ANY)
		return;
	struct wire_writer *w = &r->w;
	if (wire_put16(w, 0xC000 | DNS_HEADER_LEN) < 0 || wire_put16(w, TYPE_TXT) < 0 ||
	    wire_put16(w, CLASS_CH) < 0 || wire_put32(w, 0) < 0 ||
	    wire_put16(w, (uint16_t)(len + 1)) < 0 || wire_put(w, (uint8_t[]){(uint8_t)len}, 1) < 0 ||
	    wire_put(w, text, len) < 0)
		return; /* never: the question and this fit 512 octets */
	r->an = 1;
}

static void answer_from_zones(struct resp *r, const struct zonedb *db, struct query *q)
{
	const struct answer_settings *set = r->set;
	struct answer_counters *ctr = &r->aw->counters;
	/* the answer cache: for a question it can hold; a signed response is
	 * never kept or replayed (its MAC is per request) */
	bool cacheable = r->aw->rcache && !set->answer_cache_off && db && q->qtype != TYPE_ANY &&
	                 q->qname_len <= ANSWER_RCACHE_NAME && !q->tsig;
	uint32_t hash = q->word_hash;
	const struct resp_cache_entry *hit = cacheable ? rcache_find(r, hash) : NULL;
	if (hit && rcache_replay(r, hit))
		return;
	question_targets(r, q);
	wire_suffix_hashes(q->lname, q->label_off, q->nlabels, q->lhash);
	unsigned zidx;
	const struct zone *z = db ? zonedb_find_h(db, q->lname, q->qname_len, q->label_off,
						  q->nlabels, q->lhash, &zidx)
				  : NULL;
	r->zone = z;
	if (!z) {
		r->rcode = RCODE_REFUSED;
		return;
	}
	if (z->unavailable) { /* a secondary with no copy, or expired */
		r->rcode = RCODE_SERVFAIL;
		return;
	}
	size_t question_end = r->w.len;
	int rc = query_resolve(r, db, z, zidx);
	if (rc == GD_OK)
		rc = resp_put_additional(r);
	if (rc == GD_OK && cacheable)
		rcache_store(r, hash);
	if (rc < 0) {
		/* did not fit: question only, TC (or SERVFAIL on bad data) */
		r->w.len = question_end;
		r->an = r->ns = r->ar = 0;
		if (rc == GD_ESPACE) {
			r->flags |= DNS_FLAG_TC;
			CTR_INC(ctr->truncated);
		} else {
			r->rcode = RCODE_SERVFAIL;
		}
	}
}

size_t answer_query(const struct zonedb *db, const struct answer_settings *set,
		    const struct answer_request *req, uint8_t *out, size_t outcap,
		    struct answer_worker *aw)
{
	struct answer_counters *ctr = &aw->counters;
	struct query q;
	struct resp r;
	size_t len;
	int rc = wire_parse_query_opts(req->pkt, req->len, &q,
				       (set->ecs_enabled ? 0 : WIRE_IGNORE_ECS) |
					       (set->cookies ? 0 : WIRE_IGNORE_COOKIE));
	CTR_INC(ctr->queries);
	if (req->tcp)
		CTR_INC(ctr->queries_tcp);
	else
		CTR_INC(ctr->queries_udp);
	if (rc == GD_EDROP) {
		CTR_INC(ctr->dropped);
		return 0;
	}
	memset(&r, 0, offsetof(struct resp, w));
	r.q = &q;
	r.db = db;
	r.set = set;
	r.aw = aw;
	if (aw->want_info)
		aw->info.region = -1;
	r.client = req->client;
	r.health = req->health;
	r.tcp = req->tcp;
	r.dnssec = q.edns && (q.edns_flags & EDNS_FLAG_DO);
	r.flags = (uint16_t)(DNS_FLAG_QR | (q.flags & (DNS_FLAG_OPCODE | DNS_FLAG_RD | DNS_FLAG_CD)));
	if (req->tcp)
		r.limit = outcap < 65535 ? outcap : 65535;
	else
		r.limit = q.edns ? (q.udp_size < set->udp_payload ? q.udp_size : set->udp_payload)
				 : 512;
	if (r.limit > outcap)
		r.limit = outcap;
	/* every response below fits 512 octets before the answer is added */
	wire_writer_init(&r.w, out, r.limit);

	if (rc == GD_OK && q.opcode != OPCODE_QUERY &&
	    (q.opcode != OPCODE_NOTIFY || !set->notify_in)) {
		/* RD, CD, AD, RA, AA and Z are defined for QUERY alone */
		r.flags = (uint16_t)(DNS_FLAG_QR | (q.flags & DNS_FLAG_OPCODE));
		r.rcode = RCODE_NOTIMP;
		put_header(&r, &q, false);
		goto done;
	}
	if (rc == GD_EFORMAT) {
		r.rcode = RCODE_FORMERR;
		if (q.ecs_malformed)
			CTR_INC(ctr->ecs_malformed);
		if (q.cookie_malformed)
			CTR_INC(ctr->cookie_malformed);
		put_header(&r, &q, q.have_question);
		if (q.edns) {
			r.limit = r.w.cap;
			resp_put_opt(&r, 0, false);
		}
		goto done;
	}
	put_header(&r, &q, true);
	r.question_end = r.w.len;
	if (q.edns && set->cookies && q.cookie_present && req->client)
		server_cookie(&r, &q);
	if (q.tsig && check_tsig(&r, req, &q) < 0)
		goto done;
	if (q.tsig && r.tsig.error) {
		r.rcode = RCODE_NOTAUTH;
		goto answered;
	}
	if (q.edns && q.edns_version > 0) {
		r.rcode = RCODE_BADVERS;
		resp_put_opt(&r, RCODE_BADVERS, false);
		if (q.tsig)
			resp_put_tsig(&r);
		goto done;
	}
	if (q.edns) {
		r.opt_len = resp_opt_space(&r);
		r.w.cap = r.limit - r.opt_len;
	}
	if (q.opcode == OPCODE_NOTIFY) {
		/* RFC 1996 4.7: the response echoes the question; AA when
		 * taken. Not rate-limited: it comes from a primary. */
		r.rcode = set->notify_in(set->notify_ctx, req, &q, q.tsig ? &r.tsig : NULL);
		if (r.rcode == RCODE_NOERROR)
			r.flags |= DNS_FLAG_AA;
		if (q.edns)
			resp_put_opt(&r, 0, true);
		if (q.tsig)
			resp_put_tsig(&r);
		goto done;
	}
	if (q.qtype == TYPE_OPT || q.qtype == TYPE_NXNAME) {
		/* NXNAME: only in an NSEC's bitmap (RFC 9824 3.5) */
		r.rcode = RCODE_FORMERR;
	} else if (q.qtype == TYPE_TKEY || q.qtype == TYPE_TSIG || q.qtype == TYPE_MAILB ||
		   q.qtype == TYPE_MAILA) {
		r.rcode = RCODE_NOTIMP;
	} else if (q.qtype == TYPE_IXFR && q.qclass == CLASS_IN && !req->tcp && set->ixfr_udp &&
	           (len = set->ixfr_udp(set->ixfr_ctx, req, &q, q.tsig ? &r.tsig : NULL, out,
	                                r.limit)) > 0) {
		/* the whole response, from the journal (its TSIG and OPT too) */
		CTR_INC(ctr->rcode[RCODE_NOERROR]);
		CTR_INC(ctr->qtype[TYPE_IXFR]);
		return len;
	} else if (q.qclass == CLASS_CH && q.qtype != TYPE_AXFR && q.qtype != TYPE_IXFR) {
		chaos(&r, &q);
	} else if (q.qclass != CLASS_IN || q.qtype == TYPE_AXFR || q.qtype == TYPE_IXFR) {
		r.rcode = RCODE_REFUSED;
	} else {
		answer_from_zones(&r, db, &q);
	}
answered:
	if (q.edns)
		resp_put_opt(&r, 0, true);
	if (q.tsig)
		resp_put_tsig(&r);
	if (set->rrl.rate && !req->tcp && req->client && r.cookie_check != COOKIE_VALID) {
		enum rrl_verdict v = rate_limit(&r, &q);
		if (v == RRL_DROP) {
			CTR_INC(ctr->dropped);
			return 0;
		}
		if (v == RRL_SLIP)
			slip(&r, &q);
	}
done:
	CTR_INC(ctr->rcode[r.rcode < DNS_RCODES_COUNTED ? r.rcode : DNS_RCODES_COUNTED - 1]);
	if (q.have_question)
		CTR_INC(ctr->qtype[q.qtype < 256 ? q.qtype : 0]);
	if (aw->want_info)
		fill_info(aw, &r, &q);
	return finish(&r);
}

void answer_worker_init(struct answer_worker *aw)
{
	memset(aw, 0, sizeof(*aw));
	aw->cache = xcalloc_resident(ANSWER_RANK_CACHE, sizeof(struct rank_entry));
	aw->gcache = xcalloc_resident(ANSWER_GEO_CACHE, sizeof(struct geo_cache_entry));
	aw->lcache = xcalloc_resident(ANSWER_LOC_CACHE, sizeof(struct loc_entry));
	/* 4 MiB: resident only as far as it fills */
	aw->rcache = xcalloc(ANSWER_RESP_CACHE, sizeof(struct resp_cache_entry));
	aw->rkind = xcalloc(ANSWER_RKIND, 1);
	/* about 1.5 MiB, resident only as far as it fills */
	aw->sigcache = dnssec_sigcache_new(ANSWER_SIGCACHE);
}

void answer_worker_free(struct answer_worker *aw)
{
	free(aw->cache);
	aw->cache = NULL;
	free(aw->gcache);
	aw->gcache = NULL;
	free(aw->lcache);
	aw->lcache = NULL;
	free(aw->rcache);
	aw->rcache = NULL;
	free(aw->rkind);
	aw->rkind = NULL;
	rrl_table_free(&aw->rrl);
	dnssec_sigcache_free(aw->sigcache);
	aw->sigcache = NULL;
}
