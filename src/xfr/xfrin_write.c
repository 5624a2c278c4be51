/*
 * xfrin_write.c - the zone a completed transfer leads to, as zone-file
 * text (xfrin_write_zone in xfr/xfrin.h) that zone_load() reads back into
 * the same records.
 *
 * The records come in canonical order (RFC 4034 6.1 for owners, then
 * type, then rdata as compile.c orders an RRset's), each record once:
 *   - a full transfer's records as received (xfrin.c keeps them packed),
 *     sorted unless they came sorted, as geodnsd's own AXFR sends them;
 *   - an incremental one merges the base zone's records, walked in the
 *     order axfr_prepare keeps with the zone, with the differences'
 *     removals and additions, sorted (by record, then difference, a
 *     difference's removals before its additions). Each record's
 *     operations are replayed on whether the base has it, so a removal of
 *     a record that is not there or an addition of one that is shows as
 *     soon as it is met. The time is the base's walk and the sort of the
 *     change; no record is looked for in the whole zone.
 * A record is its owner, type and rdata, the names in the rdata of the
 * types xfrin.c decompresses compared without case (RFC 4343: a
 * primary's name compression may leave another case than its zone's, as
 * geodnsd's own does); the TTL is the RRset's, that of its last added
 * record (RFC 2181 5.2: one TTL per RRset).
 *
 * The text is written by hand for the types that make up nearly every
 * zone (A, AAAA, NS, CNAME, PTR, DNAME, MX, SRV, SOA, TXT), in the form
 * ldns prints them; types ldns does not know (TYPE65281 among them) in
 * RFC 3597's generic form; and every other type by ldns itself
 * (ldns_rr2str), read back with ldns at once and compared, so that a
 * record whose text would load as anything else is an error here rather
 * than a different zone later; so is an owner whose text is longer than
 * ldns reads (octets that need escapes make it up to four times longer).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr/xfrin.h"

#include "xfr_internal.h"

#include "common/gd.h"
#include "dns/wire.h"
#include "xfr/axfr.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

/* ---- the text ---- */

#define OUT_FLUSH 65536

/* Text on its way to the file: flushed every OUT_FLUSH octets. A failure
 * sticks (rc) and every later append is ignored. */
struct out {
	FILE *f;
	char *buf;
	size_t len, cap;
	int rc;
};

static void out_flush(struct out *o)
{
	if (o->rc == GD_OK && o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->rc = GD_EIO;
	o->len = 0;
}

/* Room for n more octets (and a NUL) at o->buf + o->len, or NULL. */
static char *out_room(struct out *o, size_t n)
{
	if (o->rc != GD_OK)
		return NULL;
	if (o->len + n + 1 > OUT_FLUSH)
		out_flush(o);
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : OUT_FLUSH;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *p = realloc(o->buf, cap);
		if (!p) {
			o->rc = GD_ENOMEM;
			return NULL;
		}
		o->buf = p;
		o->cap = cap;
	}
	return o->rc == GD_OK ? o->buf + o->len : NULL;
}

static void out_add(struct out *o, const char *s, size_t n)
{
	char *p = out_room(o, n);
	if (p) {
		memcpy(p, s, n);
		o->len += n;
	}
}

static void out_str(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

static void out_u32(struct out *o, uint32_t v)
{
	char tmp[12];
	size_t n = 0;
	do
		tmp[sizeof(tmp) - ++n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	out_add(o, tmp + sizeof(tmp) - n, n);
}

/* The longest owner ldns reads (ldns_rr_new_frm_str takes the owner
 * token into LDNS_MAX_DOMAINLEN octets): a name of octets that need
 * escapes may be longer as text. */
#define OWNER_TEXT_MAX 254

/* An uncompressed wire name, absolute, escaped as ldns reads it back. */
static void out_name(struct out *o, const uint8_t *name)
{
	char s[4 * WIRE_NAME_MAX + 8];
	out_str(o, wire_name_to_str(name, s, sizeof(s)));
}

/* A character-string (RFC 1035 5.1) of n octets, quoted. */
static void out_string(struct out *o, const uint8_t *p, size_t n)
{
	char *q = out_room(o, 4 * n + 2);
	if (!q)
		return;
	char *start = q;
	*q++ = '"';
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '"' || c == '\\') {
			*q++ = '\\';
			*q++ = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			*q++ = '\\';
			*q++ = (char)('0' + c / 100);
			*q++ = (char)('0' + c / 10 % 10);
			*q++ = (char)('0' + c % 10);
		} else {
			*q++ = (char)c;
		}
	}
	*q++ = '"';
	o->len += (size_t)(q - start);
}

static void out_hex(struct out *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *q = out_room(o, 2 * n);
	if (!q)
		return;
	for (size_t i = 0; i < n; i++) {
		q[2 * i] = digits[p[i] >> 4];
		q[2 * i + 1] = digits[p[i] & 15];
	}
	o->len += 2 * n;
}

/* Is the rdata exactly pre octets, then one name, then post octets? */
static bool one_name(const struct diff_rr *rr, size_t pre, size_t post)
{
	return rr->rdlen > pre &&
	       wire_name_len(rr->rdata + pre, rr->rdlen - pre) + pre + post == rr->rdlen;
}

/* Is the rdata character-strings and nothing else (one at least)? */
static bool strings_only(const struct diff_rr *rr)
{
	size_t p = 0;
	while (p < rr->rdlen)
		p += 1u + rr->rdata[p];
	return rr->rdlen && p == rr->rdlen;
}

/* Is the rdata of the form of its type (one of those written here)? */
static bool form_ok(const struct diff_rr *rr)
{
	size_t m, r;
	switch (rr->type) {
	case TYPE_A: return rr->rdlen == 4;
	case TYPE_AAAA: return rr->rdlen == 16;
	case TYPE_NS:
	case TYPE_CNAME:
	case TYPE_PTR:
	case TYPE_DNAME: return one_name(rr, 0, 0);
	case TYPE_MX: return one_name(rr, 2, 0);
	case TYPE_SRV: return one_name(rr, 6, 0);
	case TYPE_SOA:
		m = wire_name_len(rr->rdata, rr->rdlen);
		r = m ? wire_name_len(rr->rdata + m, rr->rdlen - m) : 0;
		return r && m + r + 20 == rr->rdlen;
	case TYPE_TXT: return strings_only(rr);
	default: return false;
	}
}

/* The rdata of a type written here, of its form (form_ok). */
static void out_rdata(struct out *o, const struct diff_rr *rr)
{
	const uint8_t *d = rr->rdata;
	char addr[INET6_ADDRSTRLEN];
	size_t m;
	switch (rr->type) {
	case TYPE_A:
		for (int i = 0; i < 4; i++) {
			out_u32(o, d[i]);
			out_add(o, ".", i < 3);
		}
		break;
	case TYPE_AAAA: out_str(o, inet_ntop(AF_INET6, d, addr, sizeof(addr))); break;
	case TYPE_MX:
		out_u32(o, rd16(d));
		out_add(o, " ", 1);
		out_name(o, d + 2);
		break;
	case TYPE_SRV:
		for (int i = 0; i < 3; i++) {
			out_u32(o, rd16(d + 2 * i));
			out_add(o, " ", 1);
		}
		out_name(o, d + 6);
		break;
	case TYPE_SOA:
		m = wire_name_len(d, rr->rdlen);
		out_name(o, d);
		out_add(o, " ", 1);
		out_name(o, d + m);
		m += wire_name_len(d + m, rr->rdlen - m);
		for (int i = 0; i < 5; i++) {
			out_add(o, " ", 1);
			out_u32(o, rd32(d + m + 4 * i));
		}
		break;
	case TYPE_TXT:
		for (size_t p = 0; p < rr->rdlen; p += 1u + d[p]) {
			out_add(o, " ", p != 0);
			out_string(o, d + p + 1, d[p]);
		}
		break;
	default: /* NS, CNAME, PTR, DNAME */ out_name(o, d); break;
	}
}

static const char *type_text(uint16_t type)
{
	switch (type) {
	case TYPE_A: return "A";
	case TYPE_AAAA: return "AAAA";
	case TYPE_NS: return "NS";
	case TYPE_CNAME: return "CNAME";
	case TYPE_PTR: return "PTR";
	case TYPE_DNAME: return "DNAME";
	case TYPE_MX: return "MX";
	case TYPE_SRV: return "SRV";
	case TYPE_SOA: return "SOA";
	case TYPE_TXT: return "TXT";
	default: return NULL;
	}
}

/* Does ldns know the type (its own presentation form)? */
static bool ldns_knows(uint16_t type)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);
	return d && d->_name && (uint16_t)d->_type == type;
}

/* What writing a record by ldns needs, kept across records. */
struct ldns_scratch {
	uint8_t *wire; /* a whole record */
	ldns_buffer *buf;
};

/* The record by ldns, checked by reading the text back: GD_OK, or
 * GD_EFORMAT when ldns cannot read the rdata or its text is another
 * record. */
static int out_ldns(struct out *o, struct ldns_scratch *s, const struct diff_rr *rr, uint32_t ttl)
{
	if (!s->wire && !(s->wire = malloc(WIRE_NAME_MAX + 10 + 65535)))
		return GD_ENOMEM;
	if (!s->buf && !(s->buf = ldns_buffer_new(1024)))
		return GD_ENOMEM;
	uint8_t *w = s->wire;
	memcpy(w, rr->owner, rr->owner_len);
	size_t n = rr->owner_len;
	wr16(w + n, rr->type);
	wr16(w + n + 2, CLASS_IN);
	wr32(w + n + 4, ttl);
	wr16(w + n + 8, rr->rdlen);
	memcpy(w + n + 10, rr->rdata, rr->rdlen);
	ldns_rr *lr = NULL, *back = NULL;
	size_t pos = 0;
	char *text = NULL;
	int rc = GD_EFORMAT;
	if (ldns_wire2rr(&lr, w, n + 10 + rr->rdlen, &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK)
		goto done;
	if (!(text = ldns_rr2str(lr)))
		goto done; /* ldns cannot print it (or ran out of memory) */
	size_t tl = strlen(text);
	if (tl && text[tl - 1] == '\n')
		text[--tl] = '\0';
	ldns_buffer_clear(s->buf);
	if (ldns_rr_new_frm_str(&back, text, 0, NULL, NULL) != LDNS_STATUS_OK ||
	    ldns_rr_get_type(back) != rr->type ||
	    ldns_rr_rdata2buffer_wire(s->buf, back) != LDNS_STATUS_OK ||
	    ldns_buffer_position(s->buf) != rr->rdlen ||
	    memcmp(ldns_buffer_begin(s->buf), rr->rdata, rr->rdlen) != 0)
		goto done;
	out_add(o, text, tl);
	out_add(o, "\n", 1);
	rc = GD_OK;
done:
	free(text);
	ldns_rr_free(lr);
	ldns_rr_free(back);
	return rc;
}

/* One record line with the RRset's TTL. */
static int out_record(struct out *o, struct ldns_scratch *s, const struct diff_rr *rr, uint32_t ttl)
{
	const char *type = type_text(rr->type);
	char owner[4 * WIRE_NAME_MAX + 8];
	/* a type written here but not of its form: ldns reads it or refuses
	 * it */
	if ((type && !form_ok(rr)) || (!type && ldns_knows(rr->type)))
		return out_ldns(o, s, rr, ttl);
	if (strlen(wire_name_to_str(rr->owner, owner, sizeof(owner))) > OWNER_TEXT_MAX)
		return GD_EFORMAT;
	out_str(o, owner);
	out_add(o, "\t", 1);
	out_u32(o, ttl);
	out_add(o, "\tIN\t", 4);
	if (type) {
		out_str(o, type);
		out_add(o, "\t", 1);
		out_rdata(o, rr);
	} else {
		out_add(o, "TYPE", 4);
		out_u32(o, rr->type);
		out_add(o, "\t\\# ", 4);
		out_u32(o, rr->rdlen);
		if (rr->rdlen)
			out_add(o, " ", 1);
		out_hex(o, rr->rdata, rr->rdlen);
	}
	out_add(o, "\n", 1);
	return GD_OK;
}

/* ---- records in order ---- */

/* A record with its place among the operations: 0 for the base's and
 * for a full transfer's order received, the later the larger. */
struct item {
	struct diff_rr rr;
	size_t seq;
	bool add;
};

/* Two rdata of n octets and one type, the names of the type's layout
 * without case (RFC 4343: a primary's name compression may change their
 * case, the record is the same), the rest octet by octet. */
static int rdata_cmp(uint16_t type, const uint8_t *a, const uint8_t *b, size_t n)
{
	const struct xfr_name_layout *l = xfr_name_layout(type);
	if (!l)
		return memcmp(a, b, n);
	size_t p = l->pre;
	for (unsigned i = 0; i < l->strings && p < n; i++)
		p += 1u + a[p];
	p = p < n ? p : n;
	int c = memcmp(a, b, p);
	for (unsigned i = 0; !c && i < l->names && p < n; i++) {
		for (;;) {
			if (a[p] != b[p])
				return a[p] < b[p] ? -1 : 1;
			size_t len = a[p++];
			for (size_t k = 0; k < len && p < n; k++, p++) {
				uint8_t x = lower_ascii(a[p]), y = lower_ascii(b[p]);
				if (x != y)
					return x < y ? -1 : 1;
			}
			if (!len || p >= n)
				break;
		}
	}
	return c ? c : memcmp(a + p, b + p, n - p);
}

/* A record by owner (canonical), type, rdata (length, then octets with
 * names without case). */
static int key_cmp(const struct diff_rr *a, const struct diff_rr *b)
{
	/* the records of one name mostly come together: equal owners first */
	bool same = a->owner_len == b->owner_len && memcmp(a->owner, b->owner, a->owner_len) == 0;
	int c = same ? 0 : xfr_name_cmp(a->owner, b->owner);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->rdlen != b->rdlen)
		return a->rdlen < b->rdlen ? -1 : 1;
	return rdata_cmp(a->type, a->rdata, b->rdata, a->rdlen);
}

static int item_cmp(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	int c = key_cmp(&a->rr, &b->rr);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static bool same_rrset(const struct diff_rr *a, const struct diff_rr *b)
{
	return a->type == b->type && a->owner_len == b->owner_len &&
	       memcmp(a->owner, b->owner, a->owner_len) == 0;
}

/* The records of one RRset gathered, written when the next RRset starts:
 * each once, with the TTL of the one added last. */
struct sink {
	struct out *o;
	struct ldns_scratch ls;
	struct item *set;
	size_t n, cap;
	int rc;
	char *err;
	size_t errlen;
};

static void sink_flush(struct sink *s)
{
	size_t last = 0;
	for (size_t i = 1; i < s->n; i++)
		if (s->set[i].seq > s->set[last].seq)
			last = i;
	for (size_t i = 0; i < s->n && s->rc == GD_OK; i++) {
		int rc = out_record(s->o, &s->ls, &s->set[i].rr, s->set[last].rr.ttl);
		if (rc == GD_EFORMAT) {
			char name[4 * WIRE_NAME_MAX + 8], type[16];
			xfrin_say(s->err, s->errlen,
			          "%s %s: no zone-file text reads back as it (rdata of %u octets)",
			          wire_name_to_str(s->set[i].rr.owner, name, sizeof(name)),
			          dns_type_name(s->set[i].rr.type, type, sizeof(type)),
			          s->set[i].rr.rdlen);
		}
		s->rc = rc;
	}
	s->n = 0;
}

/* The next record in canonical order (a repeated one replaces the one
 * before when it came later). */
static void sink_put(struct sink *s, const struct item *it)
{
	if (s->rc != GD_OK)
		return;
	if (s->n && !same_rrset(&s->set[0].rr, &it->rr))
		sink_flush(s);
	if (s->n && key_cmp(&s->set[s->n - 1].rr, &it->rr) == 0) {
		if (it->seq > s->set[s->n - 1].seq)
			s->set[s->n - 1] = *it;
		return;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct item *p = realloc(s->set, cap * sizeof(*p));
		if (!p) {
			s->rc = GD_ENOMEM;
			return;
		}
		s->set = p;
		s->cap = cap;
	}
	s->set[s->n++] = *it;
}

/* A full transfer's records in order. */
static int write_full(struct sink *s, const struct xfrin_data *d)
{
	struct item *items = malloc((d->nrecords ? d->nrecords : 1) * sizeof(*items));
	if (!items)
		return GD_ENOMEM;
	const uint8_t *p = d->records.p;
	bool sorted = true;
	for (size_t i = 0; i < d->nrecords; i++) {
		p = xrr_read(p, &items[i].rr);
		items[i].seq = i;
		items[i].add = true;
		if (sorted && i && key_cmp(&items[i - 1].rr, &items[i].rr) > 0)
			sorted = false;
	}
	if (!sorted)
		qsort(items, d->nrecords, sizeof(*items), item_cmp);
	for (size_t i = 0; i < d->nrecords; i++)
		sink_put(s, &items[i]);
	free(items);
	return GD_OK;
}

/* The differences' operations, sorted: seq 1 + 2 * difference, one more
 * for an addition. */
static struct item *collect_ops(const struct xfrin_data *d, size_t *n)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < d->ndiffs; i++)
		total += diff_removed(d->diffs[i]) + diff_added(d->diffs[i]);
	struct item *ops = malloc((total ? total : 1) * sizeof(*ops));
	if (!ops)
		return NULL;
	for (size_t i = 0; i < d->ndiffs; i++) {
		for (int part = 0; part < 2; part++) {
			struct diff_iter it;
			struct diff_rr rr;
			diff_iter_init(d->diffs[i], part ? DIFF_ADDED : DIFF_REMOVED, &it);
			while (diff_iter_next(&it, &rr))
				ops[k++] = (struct item){rr, 1 + 2 * i + (size_t)part, part == 1};
		}
	}
	qsort(ops, total, sizeof(*ops), item_cmp);
	*n = total;
	return ops;
}

/* The base zone's records, walked in canonical order: node by node in
 * the zone's transfer order, an RRset at a time in key order (compile.c
 * orders its records by octets; with names of another case that may be
 * another order). */
struct base_walk {
	const struct node *const *names;
	size_t nnames, pos;
	unsigned rrset;
	struct item *set; /* the RRset's records */
	size_t n, next, cap;
	bool have, nomem;
	struct item cur;
};

/* The records of rs at n into b->set, sorted. */
static bool base_rrset(struct base_walk *b, const struct node *n, const struct rrset *rs)
{
	if (rs->count > b->cap) {
		struct item *p = realloc(b->set, rs->count * sizeof(*p));
		if (!p)
			return false;
		b->set = p;
		b->cap = rs->count;
	}
	const uint8_t *rd = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++, rd = rrset_rdata_next(rd))
		b->set[i] = (struct item){
		    {n->name, n->namelen, rs->type, rs->ttl, rd16(rd), rd + 2}, 0, false};
	b->n = rs->count;
	b->next = 0;
	if (b->n > 1 && xfr_name_layout(rs->type))
		qsort(b->set, b->n, sizeof(*b->set), item_cmp);
	return true;
}

static void base_next(struct base_walk *b)
{
	b->have = false;
	while (b->next == b->n) {
		if (b->pos == b->nnames)
			return;
		const struct node *n = b->names[b->pos];
		if (b->rrset == n->nrrsets) {
			b->pos++;
			b->rrset = 0;
			continue;
		}
		const struct rrset *rs = &n->rrsets[b->rrset++];
		if (rs->type == TYPE_SOA && (n->flags & NODE_APEX))
			continue; /* the SOA goes first, the transfer's */
		if (!base_rrset(b, n, rs)) {
			b->nomem = true;
			return;
		}
	}
	b->cur = b->set[b->next++];
	b->have = true;
}

/* The record of ops[*i...] (all of one key): applied in order to whether
 * the base has it (base: its record or NULL); the survivor to the sink. */
static int replay(struct sink *s, const struct item *base, const struct item *ops, size_t n)
{
	const struct item *cur = base;
	for (size_t i = 0; i < n; i++) {
		const struct item *op = &ops[i];
		if (op->add == (cur != NULL)) {
			char name[4 * WIRE_NAME_MAX + 8], type[16];
			xfrin_say(s->err, s->errlen,
			          "difference %zu %s %s %s %u octets: the zone %s it",
			          (op->seq - 1) / 2 + 1, op->add ? "adds" : "removes",
			          wire_name_to_str(op->rr.owner, name, sizeof(name)),
			          dns_type_name(op->rr.type, type, sizeof(type)), op->rr.rdlen,
			          op->add ? "has" : "lacks");
			return GD_EFORMAT;
		}
		cur = op->add ? op : NULL;
	}
	if (cur)
		sink_put(s, cur);
	return GD_OK;
}

/* An incremental transfer: the base merged with the operations (none:
 * the base alone). */
static int write_incremental(struct sink *s, const struct xfrin_data *d, const struct zone *base)
{
	int rc = axfr_prepare(base);
	if (rc < 0)
		return rc;
	size_t nops = 0, i = 0;
	struct item *ops = d ? collect_ops(d, &nops) : malloc(sizeof(*ops));
	if (!ops)
		return GD_ENOMEM;
	struct base_walk b = {.names = __atomic_load_n(&base->xfr_order, __ATOMIC_ACQUIRE),
	                      .nnames = base->xfr_norder};
	base_next(&b);
	while ((b.have || i < nops) && rc == GD_OK && s->rc == GD_OK && !b.nomem) {
		int c = !b.have ? 1 : i == nops ? -1 : key_cmp(&b.cur.rr, &ops[i].rr);
		size_t k = i;
		if (c >= 0)
			while (k < nops && key_cmp(&ops[i].rr, &ops[k].rr) == 0)
				k++;
		rc = replay(s, c <= 0 ? &b.cur : NULL, ops + i, k - i);
		i = k;
		if (c <= 0)
			base_next(&b);
	}
	free(ops);
	free(b.set);
	return rc == GD_OK && b.nomem ? GD_ENOMEM : rc;
}

static int write_text(const struct xfrin *x, const struct zone *base, FILE *out, char *err,
                      size_t errlen);

/* ---- the changed RRsets, for zone_patch ---- */

/* One RRset's survivors gathered by replay (through a sink without an
 * output): packed into r when the next RRset starts. */
static void rrsets_flush(struct sink *s, struct xfrin_rrsets *r, struct xbuf *data)
{
	if (!s->n || s->rc != GD_OK)
		return;
	size_t last = 0;
	for (size_t i = 1; i < s->n; i++)
		if (s->set[i].seq > s->set[last].seq)
			last = i;
	struct zone_rrset_change *c = &r->changes[r->n++];
	const struct diff_rr *rr = &s->set[0].rr;
	*c = (struct zone_rrset_change){rr->owner, (uint8_t)rr->owner_len, rr->type,
	                                (uint16_t)(s->n > 65535 ? 65535 : s->n),
	                                s->set[last].rr.ttl, NULL, data->len};
	for (size_t i = 0; i < s->n && i < 65535; i++) {
		uint8_t len[2] = {(uint8_t)(s->set[i].rr.rdlen >> 8), (uint8_t)s->set[i].rr.rdlen};
		struct xbuf *b = data;
		if (b->len + 2 + s->set[i].rr.rdlen > b->cap) {
			size_t cap = b->cap ? 2 * b->cap : 4096;
			while (cap < b->len + 2 + s->set[i].rr.rdlen)
				cap *= 2;
			uint8_t *p = b->failed ? NULL : realloc(b->p, cap);
			if (!p) {
				b->failed = true;
				s->rc = GD_ENOMEM;
				return;
			}
			b->p = p;
			b->cap = cap;
		}
		memcpy(b->p + b->len, len, 2);
		memcpy(b->p + b->len + 2, s->set[i].rr.rdata, s->set[i].rr.rdlen);
		b->len += 2 + s->set[i].rr.rdlen;
	}
	s->n = 0;
}

/* The records of the RRset ops[0...n) touch that base has, sorted as
 * base_walk gives them, into b->set. */
static bool base_of(struct base_walk *b, const struct zone *base, const struct diff_rr *rr)
{
	b->n = b->next = 0;
	const struct node *nd = zone_lookup(base, rr->owner, rr->owner_len);
	const struct rrset *rs = nd ? node_rrset(nd, rr->type) : NULL;
	return !rs || base_rrset(b, nd, rs);
}

int xfrin_rrsets(const struct xfrin *x, const struct zone *base, struct xfrin_rrsets *r, char *err,
                 size_t errlen)
{
	const struct xfrin_data *d = xfrin_data(x);
	memset(r, 0, sizeof(*r));
	if (xfrin_kind(x) != XFRIN_KIND_INCREMENTAL || !base || !base->soa ||
	    base->serial != d->serial_from) {
		xfrin_say(err, errlen, "no incremental transfer from the version given");
		return GD_EINVAL;
	}
	size_t nops = 0;
	struct item *ops = collect_ops(d, &nops);
	if (!ops)
		return GD_ENOMEM;
	/* at most one change per operation, and the SOA */
	r->changes = malloc((nops + 1) * sizeof(*r->changes));
	struct sink s = {.err = err, .errlen = errlen};
	struct base_walk b = {0};
	struct xbuf data = {0};
	int rc = r->changes ? GD_OK : GD_ENOMEM;
	for (size_t i = 0; i < nops && rc == GD_OK && s.rc == GD_OK;) {
		size_t end = i;
		while (end < nops && same_rrset(&ops[i].rr, &ops[end].rr))
			end++;
		if (!base_of(&b, base, &ops[i].rr)) {
			rc = GD_ENOMEM;
			break;
		}
		/* base's records and the operations, both in key order */
		size_t k = i;
		while ((b.next < b.n || k < end) && rc == GD_OK && s.rc == GD_OK) {
			int c = b.next == b.n ? 1 : k == end ? -1 : key_cmp(&b.set[b.next].rr, &ops[k].rr);
			size_t m = k;
			if (c >= 0)
				while (m < end && key_cmp(&ops[k].rr, &ops[m].rr) == 0)
					m++;
			rc = replay(&s, c <= 0 ? &b.set[b.next] : NULL, ops + k, m - k);
			k = m;
			if (c <= 0)
				b.next++;
		}
		if (s.n)
			rrsets_flush(&s, r, &data);
		else if (rc == GD_OK) /* the RRset went */
			r->changes[r->n++] = (struct zone_rrset_change){
			    ops[i].rr.owner, (uint8_t)ops[i].rr.owner_len, ops[i].rr.type, 0, 0, NULL, 0};
		i = end;
	}
	if (rc == GD_OK)
		rc = s.rc;
	if (rc == GD_OK) {
		struct diff_rr soa;
		xrr_read(d->soa.p, &soa);
		s.set = s.set ? s.set : malloc(sizeof(*s.set));
		if (!s.set) {
			rc = GD_ENOMEM;
		} else {
			s.set[0] = (struct item){soa, 1, true};
			s.n = 1;
			rrsets_flush(&s, r, &data);
			rc = s.rc;
		}
	}
	free(ops);
	free(b.set);
	free(s.set);
	r->data = data.p;
	/* the records' places, now that the buffer stopped moving */
	for (size_t i = 0; rc == GD_OK && i < r->n; i++)
		if (r->changes[i].count) {
			size_t at = r->changes[i].rdata_len, len = 0;
			const uint8_t *p = data.p + at;
			for (unsigned k = 0; k < r->changes[i].count; k++)
				len += 2u + rd16(p + len);
			r->changes[i].rdata = p;
			r->changes[i].rdata_len = len;
		}
	if (rc == GD_ENOMEM)
		xfrin_say(err, errlen, "out of memory");
	if (rc != GD_OK)
		xfrin_rrsets_free(r);
	return rc;
}

struct zone_record *xfrin_records(const struct xfrin *x, const char *source, size_t *n)
{
	const struct xfrin_data *d = xfrin_data(x);
	*n = 0;
	if (xfrin_kind(x) != XFRIN_KIND_FULL)
		return NULL;
	struct zone_record *recs = malloc((d->nrecords + 1) * sizeof(*recs));
	if (!recs)
		return NULL;
	struct diff_rr rr;
	xrr_read(d->soa.p, &rr);
	const uint8_t *p = d->records.p;
	for (size_t i = 0; i <= d->nrecords; i++) {
		if (i)
			p = xrr_read(p, &rr);
		recs[i] = (struct zone_record){rr.owner, (uint8_t)rr.owner_len, rr.type, rr.ttl,
		                               rr.rdata, (uint16_t)rr.rdlen, (int)(i + 1), source};
	}
	*n = d->nrecords + 1;
	return recs;
}

void xfrin_rrsets_free(struct xfrin_rrsets *r)
{
	free(r->changes);
	free(r->data);
	memset(r, 0, sizeof(*r));
}

int xfrin_write_copy(const struct zone *z, FILE *out, char *err, size_t errlen)
{
	return write_text(NULL, z, out, err, errlen);
}

/* The zone x leads to from base (x NULL: base itself) as text on out. */
static int write_text(const struct xfrin *x, const struct zone *base, FILE *out, char *err,
                      size_t errlen)
{
	const struct xfrin_data *d = x ? xfrin_data(x) : NULL;
	enum xfrin_kind kind = x ? xfrin_kind(x) : XFRIN_KIND_INCREMENTAL;
	struct diff_rr soa;
	uint32_t serial = 0;
	if (kind != XFRIN_KIND_FULL && kind != XFRIN_KIND_INCREMENTAL) {
		xfrin_say(err, errlen, "no complete transfer with records to write");
		return GD_EINVAL;
	}
	if (!x && (!base || !base->soa)) {
		xfrin_say(err, errlen, "the zone has no data");
		return GD_EINVAL;
	}
	if (x && kind == XFRIN_KIND_INCREMENTAL &&
	    (!base || !base->soa || base->origin_len != d->origin_len ||
	     memcmp(base->origin, d->origin, d->origin_len) != 0 ||
	     base->serial != d->serial_from)) {
		xfrin_say(err, errlen, "the base zone is not the version %u of the zone",
		          d->serial_from);
		return GD_EINVAL;
	}
	if (x)
		xrr_read(d->soa.p, &soa);
	else
		soa = (struct diff_rr){base->apex->name, base->apex->namelen, TYPE_SOA,
		                       base->soa->ttl, rd16(base->soa->rdata), base->soa->rdata + 2};
	xfr_soa_serial(soa.rdata, soa.rdlen, &serial);
	struct out o = {.f = out};
	struct sink s = {.o = &o, .err = err, .errlen = errlen};
	char name[4 * WIRE_NAME_MAX + 8];
	wire_name_to_str(x ? d->origin : base->origin, name, sizeof(name));
	out_str(&o, "; ");
	out_str(&o, name);
	out_str(&o, " serial ");
	out_u32(&o, serial);
	out_str(&o, "\n$ORIGIN ");
	out_str(&o, name);
	out_str(&o, "\n");
	int rc = out_record(&o, &s.ls, &soa, soa.ttl);
	if (rc == GD_EFORMAT)
		xfrin_say(err, errlen, "the SOA cannot be written"); /* never: xfrin.c read it */
	if (rc == GD_OK)
		rc = kind == XFRIN_KIND_FULL ? write_full(&s, d) : write_incremental(&s, d, base);
	if (rc == GD_OK && s.rc == GD_OK && s.n)
		sink_flush(&s);
	if (rc == GD_OK)
		rc = s.rc;
	out_flush(&o);
	if (rc == GD_OK && (o.rc != GD_OK || fflush(out) != 0))
		rc = o.rc != GD_OK ? o.rc : GD_EIO;
	if (rc == GD_EIO)
		xfrin_say(err, errlen, "writing the zone: %s", strerror(errno));
	else if (rc == GD_ENOMEM)
		xfrin_say(err, errlen, "out of memory");
	free(o.buf);
	free(s.set);
	free(s.ls.wire);
	if (s.ls.buf)
		ldns_buffer_free(s.ls.buf);
	return rc;
}

int xfrin_write_zone(const struct xfrin *x, const struct zone *base, FILE *out, char *err,
                     size_t errlen)
{
	return write_text(x, base, out, err, errlen);
}
