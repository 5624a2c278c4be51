/*
 * resp.h - private to src/query/: the response being built (struct resp),
 * the worker's caches, and the functions the stages of the answer share.
 * The stages: answer.c (the query: header, FORMERR/NOTIMP/REFUSED, cookie
 * and RRL gates, the answer cache), resolve.c (RFC 1034 lookup), geo_answer.c
 * (service names), write.c (records), opt.c (OPT, TSIG), rcache.c (the
 * answer cache).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_QUERY_RESP_H
#define GD_QUERY_RESP_H

#include "query/answer.h"
#include "query/cookie.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "common/gd.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dnssec_key;
struct node;
struct rrset;
struct service;
struct zone;
struct zonedb;

/* One cached region order: per (service, GeoIP record), per worker. */
struct rank_entry {
	uint64_t generation;
	uint64_t key_service;
	uint64_t key_record;
	uint8_t n;
	bool partial;              /* only order[0], the closest (rank_for) */
	uint8_t order[SERVICE_MAX_REGIONS];
};

#define ANSWER_RANK_CACHE 4096 /* entries per worker, a power of two */

/* One cached GeoIP tree walk: per client network (IPv4 /24, IPv6 /56), per
 * worker. Only results for networks of that size or larger are kept, so
 * every address of the key's network has the same result. The walks of
 * the city databases and of the ASN database share the table. */
struct geo_cache_entry {
	uint64_t generation;
	uint64_t key;              /* family tag, ASN bit and the network's bits */
	union {
		struct geo_match m;  /* the city databases' walk */
		struct geo_asn asn;  /* the ASN database's (key bit 61) */
	};
};

/* One decoded GeoIP record with the order of every region from it: per
 * worker, shared by all services (their rankings are cut from it). */
struct loc_entry {
	uint64_t generation;
	uint64_t key;              /* database and record */
	bool known;                /* a country, a continent or a point */
	bool has_pos;              /* pos[] is filled (a point, few regions) */
	struct geo_location loc;
	uint8_t pos[SVC_POSITIONS_MAX];
};

#define ANSWER_LOC_CACHE 1024  /* entries per worker, a power of two */

#define ANSWER_GEO_CACHE 16384 /* entries per worker (two-way sets), a power of two */
#define ANSWER_GEO_CACHE_V4 24 /* cached network sizes */
#define ANSWER_GEO_CACHE_V6 56

/*
 * One cached response body (answer, authority and additional sections as
 * written after the question), per worker. A static entry (ctag 0) holds a
 * response that no client decided; a geo entry one service decision, for
 * the client network of its key (IPv4 /24, IPv6 /56, as the GeoIP cache),
 * kept only when nothing finer than that network decided it. Both are for
 * one snapshot generation; a geo entry also for one health generation.
 */
#define ANSWER_RCACHE_NAME 48      /* longest question name kept */
#define ANSWER_RCACHE_BODY 144     /* longest body kept */
struct resp_cache_entry {
	uint64_t generation;       /* of the snapshot */
	uint64_t health;           /* generation of the health snapshot (geo) */
	uint64_t client;           /* the client network's bits (geo) */
	const struct zone *zone;   /* of the question, for rate limiting */
	uint32_t hash;             /* of the lower-cased question name */
	uint16_t qtype;
	uint16_t ctag;             /* 0 static; else family, ECS use, SOURCE */
	uint16_t an, ns, ar;
	uint16_t region;           /* the service's chosen region (geo) */
	uint8_t service_region;    /* its index in the service's regions */
	uint32_t service;          /* the service's index (geo) */
	uint8_t qname_len;         /* 0: an empty entry */
	uint8_t body_len;
	uint8_t scope;             /* ECS SCOPE PREFIX-LENGTH to send */
	bool aa;
	bool fail_open;
	/* DNSSEC: 0 for a query with DO=0, 1 with DO=1, 2 with DO=1 and
	 * RRSIGs in the body, made in the hour signed_hour (replayed for a
	 * day: the signatures have six more left, dnssec/sign.h) */
	uint8_t dnssec;
	uint16_t signed_hour;
	uint8_t lname[ANSWER_RCACHE_NAME];
	uint8_t body[ANSWER_RCACHE_BODY];
};

#define ANSWER_RESP_CACHE 16384 /* entries per worker, a power of two */
#define ANSWER_RESP_WAYS 4      /* entries per set */
/* Per question-name hash, for A, AAAA and CNAME questions: 1 static, 2 geo
 * was last kept for it, so a geo name's cache lookup tries only its
 * client's entry (a static name sharing the slot is answered afresh once,
 * and its entry resets the hint). */
#define ANSWER_RKIND 16384

#define ANSWER_ADDITIONAL_MAX 32
#define ANSWER_SIGCACHE 4096 /* signatures per worker (dnssec/sigcache.h) */
#define ANSWER_CHAIN_MAX 8   /* CNAMEs followed in our zones */

/* The next closer name of a wildcard answered in a signed response, whose
 * NSEC (dnssec.c, resp_put_cover) the authority section gets. */
struct resp_cover {
	const struct zone *zone;
	uint8_t lname[WIRE_NAME_MAX];
	size_t len;
};

struct additional {
	const struct node *node;
	const uint8_t *name;      /* target as written in the rdata */
	bool required;            /* in-domain glue of a referral */
};

struct resp {
	const struct query *q;
	const struct zonedb *db;
	const struct answer_settings *set;
	struct answer_worker *aw;
	const struct sockaddr *client;
	const struct health_snapshot *health;
	bool tcp;
	/* the client as the geo choice sees it (computed on first need) */
	bool addressed;         /* cfamily, caddr and use_ecs are set */
	bool located;           /* and reserved or match too */
	bool use_ecs;           /* the ECS address decides */
	bool reserved;          /* private/reserved address: not located */
	uint8_t reserved_prefix;
	uint8_t cfamily;        /* 1 = IPv4, 2 = IPv6, 0 = unknown */
	uint8_t caddr[16];
	struct geo_match match;
	uint8_t ecs_scope;      /* SCOPE PREFIX-LENGTH to echo */
	const struct zone *zone; /* of the question, for rate limiting */
	uint8_t cookie[COOKIE_OPT_LEN]; /* the COOKIE option to send */
	size_t cookie_len;
	enum cookie_check cookie_check;
	size_t question_end;
	uint16_t flags;           /* QR, opcode, AA, TC, RD, CD */
	unsigned rcode;
	uint16_t an, ns, ar;
	size_t limit;             /* message size limit for this client */
	size_t opt_len;           /* bytes reserved for our OPT */
	unsigned nadd;
	/* for the answer cache: the service decisions made, the last one's
	 * outcome, and whether anything else keeps the response out */
	unsigned nsvc;
	bool svc_hashed;          /* the client's network hash decided it */
	bool svc_fail_open;
	uint8_t svc_net_scope;    /* the network overrides' scope (netmap.h) */
	uint8_t svc_asn_scope;    /* the ASN database's network, when asked */
	uint16_t svc_region;
	uint8_t svc_sr; /* svc_region's index in the service's regions */
	uint32_t svc_index;
	bool nocache;
	/* DNSSEC (dnssec.c): the query has DO=1; the key of the zone whose
	 * records are being written when it is signed (NULL: nothing signed);
	 * the wildcard's owner while a wildcard's records are written; a
	 * compact denial of a name that does not exist was written */
	bool dnssec;
	const struct dnssec_key *key;
	const uint8_t *wild_owner;
	bool nxname;
	bool signed_any; /* an RRSIG was written */
	unsigned ncover; /* entries of cover[] */
	/* not cleared per query: the writer is initialized, add[] is used up
	 * to nadd */
	struct wire_writer w;
	struct additional add[ANSWER_ADDITIONAL_MAX];
	struct resp_cover cover[ANSWER_CHAIN_MAX];
	/* a query with a TSIG (q->tsig) only, set before they are read: the
	 * verdict, and the octets kept after limit for the signed TSIG */
	struct tsig_verdict tsig;
	size_t tsig_space;
};

/* The header's flags, rcode and counts as they stand (the final write, and
 * before the response is signed). */
static inline void resp_write_header(struct resp *r)
{
	uint8_t *b = r->w.buf;
	wr16(b + 2, (uint16_t)(r->flags | (r->rcode & 0xF)));
	wr16(b + 6, r->an);
	wr16(b + 8, r->ns);
	wr16(b + 10, r->ar);
}

/* The question types a service name answers (ANY only over TCP). */
static inline bool service_qtype(uint16_t qt)
{
	return qt == TYPE_A || qt == TYPE_AAAA || qt == TYPE_CNAME;
}

/* ---- write.c: records into the response ---- */

/* One record: owner (uncompressed wire, or the question's name itself for a
 * pointer to it), type, class IN, ttl, rdata with the names of RFC 1035
 * types compressed (RFC 3597 4). GD_ESPACE when it does not fit. */
int resp_put_rr(struct resp *r, const uint8_t *owner, uint16_t type, uint32_t ttl,
		const uint8_t *rdata, size_t rdlen);
/* A whole RRset or nothing (GD_ESPACE); *count grows by its records. */
int resp_put_rrset(struct resp *r, const uint8_t *owner, const struct rrset *rs, uint32_t ttl,
		   uint16_t *count);
/* The zone's SOA in the authority section, with the negative TTL. */
int resp_put_soa(struct resp *r, const struct zone *z);
/* Queue the addresses of an NS/MX/SRV set's targets for the additional
 * section; cut is the delegation's owner for a referral (its glue is
 * required), else NULL. */
void resp_queue_targets(struct resp *r, const struct rrset *rs, const uint8_t *cut);
/* The queued additional addresses; GD_ESPACE when required glue did not
 * fit (the caller sets TC). */
int resp_put_additional(struct resp *r);

/* ---- dnssec.c: online signing (DO=1, a signed zone) ---- */

/* The records being written are zone z's: sign them when the query has
 * DO=1 and z has a key. */
static inline void resp_sign_zone(struct resp *r, const struct zone *z)
{
	r->key = r->dnssec ? answer_zone_key(r->set, z) : NULL;
}
/* The RRSIG of the records just written (owner as written, count rdata
 * uncompressed), after them in the same section; counter grows by one.
 * Signed with r->wild_owner as the owner when set (RFC 4034 3.1.3).
 * GD_ESPACE when it did not fit, GD_EFORMAT when signing failed. */
int resp_sign_records(struct resp *r, const uint8_t *owner, uint16_t type, uint32_t ttl,
                      const uint8_t *const *rdata, const uint16_t *rdlen, size_t count,
                      uint16_t *counter);
/* The same for a zone RRset. */
int resp_sign_rrset(struct resp *r, const uint8_t *owner, const struct rrset *rs, uint32_t ttl,
                    uint16_t *counter);
/* The RRset of type DNSKEY, CDNSKEY (the same key) or CDS (its DS, SHA-256;
 * RFC 7344) that key gives the apex (owner as written) in the answer,
 * signed when r->key is set. */
int resp_put_dnskey(struct resp *r, const uint8_t *owner, const struct dnssec_key *key,
                    uint16_t type, uint32_t ttl);
/* Compact denial (RFC 9824): the NSEC of owner (written as owner, lname
 * lower-case, len octets) whose next name is its minimal successor, with
 * the types of node n (NULL: a name that does not exist, the NXNAME
 * bitmap) plus RRSIG and NSEC, signed; TTL the zone's negative TTL. In the
 * section whose count is counter: &r->ns after the SOA of a negative
 * answer, &r->an as the answer to an NSEC question. */
int resp_put_denial(struct resp *r, const struct zone *z, const uint8_t *owner,
                    const uint8_t *lname, size_t len, const struct node *n, uint16_t *counter);
/* The NSEC covering only the name lname and the names below it (len
 * octets, lower-case; the next closer name of a wildcard answer, RFC 4035
 * 3.1.3.3): owner its predecessor, next name the first name after them,
 * bitmap RRSIG and NSEC, signed. */
int resp_put_cover(struct resp *r, const struct zone *z, const uint8_t *lname, size_t len);
/* A referral's proof of no DS (RFC 4035 3.1.4): the cut's DS RRset when
 * the zone has one, else its NSEC (NS, RRSIG, NSEC), signed. */
int resp_put_no_ds(struct resp *r, const struct zone *z, const uint8_t *owner,
                   const struct node *cut);

/* ---- resolve.c: the authoritative part ---- */

/* Fills answer, authority and the additional queue for the question in
 * zone z (zidx: the zone's label index in the question). GD_ESPACE means
 * the answer did not fit (TC), GD_EFORMAT bad zone data (SERVFAIL). */
int query_resolve(struct resp *r, const struct zonedb *db, const struct zone *z, unsigned zidx);

/* ---- geo_answer.c: service names ---- */

/* Answer a service name: choose the region, write its A/AAAA records or its
 * CNAME. *target is set to the CNAME target to follow (or left NULL).
 * GD_ESPACE when it did not fit; GD_ENOTFOUND for NODATA. */
int geoanswer_service(struct resp *r, const struct service *svc, const uint8_t *owner,
		      uint16_t qtype, const uint8_t **target, size_t *tlen);
/* Who the answer is for (r->cfamily, r->caddr, r->use_ecs). */
void geoanswer_client_address(struct resp *r);
/* ECS present but not used for a geo answer (untrusted sender, SOURCE 0). */
void geoanswer_count_ecs_ignored(struct resp *r);
/* A geo answer counted (computed or replayed from the answer cache). */
void geoanswer_count(struct resp *r, uint32_t service, uint8_t sr, uint16_t region,
		     bool fail_open);
/* Does the decision just made hold for the client's whole key network? */
bool geoanswer_net_wide(const struct resp *r);

/* ---- opt.c: OPT and TSIG ---- */

/* Octets the full OPT record takes: reserved before the answer is written. */
size_t resp_opt_space(const struct resp *r);
/* Our OPT record, in the space reserved (r->limit); the options only when
 * with_options (a FORMERR or BADVERS has the cookie alone). */
void resp_put_opt(struct resp *r, unsigned ext_rcode, bool with_options);
/* The TSIG record, last: signed when the request verified (r->tsig.sign),
 * else an unsigned error (BADKEY, BADSIG). A signed response that does not
 * fit is cut to the question with TC, signed (RFC 8945 5.3); an unsigned
 * error that does not fit gets TC. */
void resp_put_tsig(struct resp *r);

/* ---- rcache.c: the answer cache ---- */

/* The cached response for this question and client, or NULL. */
const struct resp_cache_entry *rcache_find(struct resp *r, uint32_t hash);
/* Write the cached body after the question; false when this client's
 * limit is smaller (answered afresh). */
bool rcache_replay(struct resp *r, const struct resp_cache_entry *e);
/* Keep a complete response when it may be replayed. */
void rcache_store(struct resp *r, uint32_t hash);

#endif
