/*
 * wire.c - DNS message reader and writer for the per-query path.
 *
 * Nothing here allocates or logs. The reader trusts no length in the packet;
 * the writer never writes past the capacity it was given and reports
 * GD_ESPACE instead, so the answer code can roll back and set TC.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "dns/wire.h"

#include "query/cookie.h"
#include "common/gd.h"

#include <stdio.h>

/* Names in a DNS message never start inside the 12-byte header; the public
 * reader (any buffer) allows targets from min_target = 0. */
static int read_name(const uint8_t *msg, size_t len, size_t *pos, uint8_t *out,
		     size_t *outlen, size_t min_target)
{
	size_t p = *pos;
	size_t n = 0;
	size_t end = 0;        /* position after the name in the stream */
	bool jumped = false;
	size_t limit = p;      /* pointers must point before this */

	for (;;) {
		if (p >= len)
			return GD_EFORMAT;
		uint8_t c = msg[p];
		if ((c & 0xC0) == 0xC0) {
			if (p + 1 >= len)
				return GD_EFORMAT;
			size_t target = ((size_t)(c & 0x3F) << 8) | msg[p + 1];
			if (!jumped)
				end = p + 2;
			/* strictly backwards (no loops, no forward references)
			 * and never into the header */
			if (target >= limit || target < min_target)
				return GD_EFORMAT;
			jumped = true;
			limit = target;
			p = target;
			continue;
		}
		if (c & 0xC0)
			return GD_EFORMAT; /* 0x40 / 0x80: reserved label types */
		if (p + 1 + c > len)
			return GD_EFORMAT;
		if (n + 1 + c > WIRE_NAME_MAX)
			return GD_EFORMAT;
		memcpy(out + n, msg + p, (size_t)c + 1);
		n += (size_t)c + 1;
		p += (size_t)c + 1;
		if (c == 0)
			break;
	}
	*pos = jumped ? end : p;
	*outlen = n;
	return GD_OK;
}

size_t wire_name_len(const uint8_t *name, size_t max)
{
	size_t n = 0;
	for (;;) {
		if (n >= max)
			return 0;
		uint8_t c = name[n];
		if (c > 63)
			return 0;
		n += (size_t)c + 1;
		if (n > WIRE_NAME_MAX)
			return 0;
		if (c == 0)
			return n;
	}
}

unsigned wire_name_labels(const uint8_t *name)
{
	unsigned k = 0;
	while (*name) {
		k++;
		name += *name + 1;
	}
	return k;
}

bool wire_name_equal(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		if (*a != *b)
			return false;
		uint8_t l = *a;
		if (l == 0)
			return true;
		for (uint8_t i = 1; i <= l; i++)
			if (lower_ascii(a[i]) != lower_ascii(b[i]))
				return false;
		a += l + 1;
		b += l + 1;
	}
}

/* Eight octets at a time: a label length (0..63) is never in 'A'..'Z', so
 * the whole name is lowered as one string. */
static inline uint64_t lower8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t low7 = x & ~high;
	uint64_t ge_a = low7 + ones * (0x80 - 'A'); /* bit 7 set: >= 'A' */
	uint64_t gt_z = low7 + ones * (0x7F - 'Z'); /* bit 7 set: > 'Z' */
	uint64_t upper = (ge_a ^ gt_z) & ~x & high;
	return x | (upper >> 2);                    /* +32 where upper */
}

void wire_name_lower(const uint8_t *name, size_t len, uint8_t *out)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t x;
		memcpy(&x, name + i, 8);
		x = lower8(x);
		memcpy(out + i, &x, 8);
	}
	for (; i < len; i++)
		out[i] = lower_ascii(name[i]);
}

/* The only octets of a word that belong to a name ending len - i octets
 * into it (little- or big-endian: the first octets in memory). */
static inline uint64_t word_head(uint64_t x, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return x & (~0ull >> (8 * (8 - n)));
#else
	return x & (~0ull << (8 * (8 - n)));
#endif
}

/* The question name lowered into lname, a word at a time, with the last
 * word zero-padded, and hashed (struct query's word_hash). Both arrays are
 * WIRE_NAME_MAX long: a last word that would pass the end is done by
 * octets. */
static uint32_t lower_and_hash(const uint8_t *name, size_t len, uint8_t *out)
{
	uint64_t h = len;
	size_t i = 0;
	for (; i < len; i += 8) {
		uint64_t x;
		if (i + 8 <= WIRE_NAME_MAX) {
			memcpy(&x, name + i, 8);
			if (len - i < 8)
				x = word_head(x, len - i); /* octets past the name: 0 */
			x = lower8(x);
			memcpy(out + i, &x, 8);
		} else {
			x = 0;
			for (size_t j = i; j < len; j++) {
				out[j] = lower_ascii(name[j]);
				x |= (uint64_t)out[j] << (8 * (j - i));
			}
		}
		h = (h ^ x) * 0x9E3779B97F4A7C15ull;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ (h >> 32));
}

void wire_suffix_hashes(const uint8_t *lname, const uint8_t *off, unsigned nlabels,
			uint32_t *out)
{
	uint32_t h = 2166136261u * 16777619u; /* the root label, octet 0 */
	out[nlabels] = h ^ (h >> 15);
	for (unsigned i = nlabels; i-- > 0;) {
		const uint8_t *l = lname + off[i];
		for (unsigned j = 0; j <= l[0]; j++)
			h = (h ^ l[j]) * 16777619u;
		out[i] = h ^ (h >> 15);
	}
}

unsigned wire_label_offsets(const uint8_t *name, uint8_t *off)
{
	unsigned k = 0;
	for (size_t i = 0; name[i]; i += name[i] + 1u)
		off[k++] = (uint8_t)i;
	return k;
}

bool wire_name_is_sub(const uint8_t *name, const uint8_t *parent)
{
	unsigned a = wire_name_labels(name), b = wire_name_labels(parent);
	if (a < b)
		return false;
	for (unsigned i = 0; i < a - b; i++)
		name += *name + 1;
	return wire_name_equal(name, parent);
}

char *wire_name_to_str(const uint8_t *name, char *buf, size_t cap)
{
	size_t n = 0;
	if (cap == 0)
		return buf;
	if (*name == 0) {
		snprintf(buf, cap, ".");
		return buf;
	}
	while (*name && n + 5 < cap) {
		uint8_t l = *name++;
		for (uint8_t i = 0; i < l && n + 5 < cap; i++) {
			uint8_t c = *name++;
			if (c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' ||
			    c == ')' || c == '@' || c == '$') {
				buf[n++] = '\\';
				buf[n++] = (char)c;
			} else if (c <= 0x20 || c >= 0x7f) {
				n += (size_t)snprintf(buf + n, cap - n, "\\%03u", c);
			} else {
				buf[n++] = (char)c;
			}
		}
		buf[n++] = '.';
	}
	buf[n < cap ? n : cap - 1] = '\0';
	return buf;
}

/* Skip one resource record of the answer or authority section;
 * bounds-checked. A TSIG there is out of place (RFC 8945 5.2): FORMERR. */
int wire_read_name(const uint8_t *msg, size_t len, size_t *pos, uint8_t *out, size_t *outlen)
{
	return read_name(msg, len, pos, out, outlen, DNS_HEADER_LEN);
}

static int skip_rr(const uint8_t *pkt, size_t len, size_t *pos)
{
	uint8_t name[WIRE_NAME_MAX];
	size_t nlen;
	if (read_name(pkt, len, pos, name, &nlen, DNS_HEADER_LEN) < 0)
		return GD_EFORMAT;
	if (*pos + 10 > len || rd16(pkt + *pos) == TYPE_TSIG)
		return GD_EFORMAT;
	size_t rdlen = rd16(pkt + *pos + 8);
	if (*pos + 10 + rdlen > len)
		return GD_EFORMAT;
	*pos += 10 + rdlen;
	return GD_OK;
}

/* Validate and store an ECS option (RFC 7871 section 6). */
static int parse_ecs(const uint8_t *p, size_t olen, struct ecs *e)
{
	if (olen < 4)
		return GD_EFORMAT;
	e->family = rd16(p);
	e->source = p[2];
	e->scope = p[3];
	size_t max;
	if (e->family == 1)
		max = 32;
	else if (e->family == 2)
		max = 128;
	else
		return GD_EFORMAT;
	if (e->source > max || e->scope != 0)
		return GD_EFORMAT;
	size_t need = ((size_t)e->source + 7) / 8;
	if (olen - 4 != need)
		return GD_EFORMAT;
	memset(e->addr, 0, sizeof(e->addr));
	memcpy(e->addr, p + 4, need);
	e->addr_len = (uint8_t)need;
	/* bits beyond SOURCE PREFIX-LENGTH must be zero */
	if (e->source % 8) {
		uint8_t mask = (uint8_t)(0xFF >> (e->source % 8));
		if (e->addr[need - 1] & mask)
			return GD_EFORMAT;
	}
	return GD_OK;
}

static int parse_opt(const uint8_t *pkt, size_t len, size_t pos, struct query *q,
		     unsigned opts)
{
	/* pos is on the OPT's TYPE field (owner name already read) */
	q->udp_size = rd16(pkt + pos + 2);
	if (q->udp_size < 512)
		q->udp_size = 512;
	q->edns_version = pkt[pos + 5];
	q->edns_flags = rd16(pkt + pos + 6);
	size_t rdlen = rd16(pkt + pos + 8);
	size_t p = pos + 10, end = p + rdlen;
	bool ecs_seen = false;
	while (p < end) {
		if (p + 4 > end)
			return GD_EFORMAT;
		uint16_t code = rd16(pkt + p), olen = rd16(pkt + p + 2);
		p += 4;
		if (p + olen > end)
			return GD_EFORMAT;
		switch (code) {
		case EDNS_OPT_NSID:
			q->nsid = true;
			break;
		case EDNS_OPT_ECS:
			if (opts & WIRE_IGNORE_ECS)
				break; /* ECS off: an unknown option like any other */
			/* RFC 7871 does not define two ECS options; which subnet
			 * the answer is for would be ambiguous: FORMERR */
			if (ecs_seen || parse_ecs(pkt + p, olen, &q->ecs) < 0) {
				q->ecs_malformed = true;
				return GD_EFORMAT;
			}
			q->ecs_present = true;
			ecs_seen = true;
			break;
		case EDNS_OPT_COOKIE:
			/* RFC 7873 5.2: the first COOKIE option counts; a length
			 * other than 8 or 16..40 is FORMERR (5.2.2) */
			if ((opts & WIRE_IGNORE_COOKIE) || q->cookie_present)
				break;
			if (!cookie_len_ok(olen)) {
				q->cookie_malformed = true;
				return GD_EFORMAT;
			}
			memcpy(q->cookie, pkt + p, olen);
			q->cookie_len = (uint8_t)olen;
			q->cookie_present = true;
			break;
		case EDNS_OPT_KEEPALIVE:
			/* clients send length 0; tolerate a TIMEOUT (RFC 7828 3.2.1) */
			q->keepalive = true;
			break;
		default:
			break; /* unknown options are ignored, never echoed */
		}
		p += olen;
	}
	(void)len;
	return GD_OK;
}

/* A TSIG record (RFC 8945 4.2): p is on its TYPE field, the owner (the key
 * name) already read. Every field must be there and the RDATA end exactly
 * after Other Data; the algorithm name must not be compressed. */
static int parse_tsig(const uint8_t *pkt, size_t start, size_t p, const uint8_t *owner,
                      size_t owner_len, struct tsig *t)
{
	uint16_t class = rd16(pkt + p + 2);
	uint32_t ttl = rd32(pkt + p + 4);
	size_t rdlen = rd16(pkt + p + 8);
	const uint8_t *rd = pkt + p + 10;
	if (class != CLASS_ANY || ttl != 0)
		return GD_EFORMAT;
	size_t alen = wire_name_len(rd, rdlen); /* a pointer's first octet is > 63: 0 */
	if (alen == 0 || rdlen - alen < 16)
		return GD_EFORMAT;
	const uint8_t *f = rd + alen;
	size_t mac = rd16(f + 8);
	if (rdlen - alen - 16 < mac)
		return GD_EFORMAT;
	size_t other = rd16(f + 14 + mac);
	if (rdlen != alen + 16 + mac + other)
		return GD_EFORMAT;
	memcpy(t->key, owner, owner_len);
	t->key_len = (uint8_t)owner_len;
	memcpy(t->alg, rd, alen);
	t->alg_len = (uint8_t)alen;
	t->time_signed = (uint64_t)rd16(f) << 32 | rd32(f + 2);
	t->fudge = rd16(f + 6);
	t->mac_size = (uint16_t)mac;
	t->original_id = rd16(f + 10 + mac);
	t->error = rd16(f + 12 + mac);
	t->other_len = (uint16_t)other;
	/* a query is at most 65535 octets (TCP), so every offset fits */
	t->rr_offset = (uint16_t)start;
	t->mac_offset = (uint16_t)(f + 10 - pkt);
	t->other_offset = (uint16_t)(f + 16 + mac - pkt);
	return GD_OK;
}

/* The additional section from pos to the message's end: a TSIG only as
 * its last record (RFC 8945 5.2) into *t and *have_tsig; with q, the OPT
 * record and its options into q (one OPT at most, at the root), without
 * q every other record skipped. Trailing octets are FORMERR. */
static int parse_additional(const uint8_t *pkt, size_t len, size_t pos, unsigned arcount,
                            struct query *q, unsigned opts, struct tsig *t, bool *have_tsig)
{
	bool opt_seen = false, tsig_misplaced = false;
	for (unsigned i = 0; i < arcount; i++) {
		size_t p = pos, pos_rr = pos, ol;
		uint8_t owner[WIRE_NAME_MAX];
		if (p < len && pkt[p] == 0) {
			ol = 1; /* the root, as an OPT's owner is */
			owner[0] = 0;
			p++;
		} else {
			if (read_name(pkt, len, &p, owner, &ol, DNS_HEADER_LEN) < 0)
				return GD_EFORMAT;
		}
		/* p is on TYPE */
		if (p + 10 > len)
			return GD_EFORMAT;
		size_t rdlen = rd16(pkt + p + 8);
		if (p + 10 + rdlen > len)
			return GD_EFORMAT;
		pos = p + 10 + rdlen;
		if (rd16(pkt + p) == TYPE_TSIG) {
			/* RFC 8945 5.2: only as the last record, so only one.
			 * One out of place is FORMERR after the loop, so that an
			 * OPT after it still gives the FORMERR its OPT. */
			if (i + 1 != arcount) {
				tsig_misplaced = true;
				continue;
			}
			if (parse_tsig(pkt, pos_rr, p, owner, ol, t) < 0)
				return GD_EFORMAT;
			*have_tsig = true;
			continue;
		}
		if (rd16(pkt + p) != TYPE_OPT || !q)
			continue;
		if (opt_seen || ol != 1)
			return GD_EFORMAT; /* two OPTs, or OPT not at the root */
		opt_seen = true;
		q->edns = true; /* a FORMERR for a bad option still carries OPT */
		if (parse_opt(pkt, len, p, q, opts) < 0)
			return GD_EFORMAT;
	}
	if (pos != len || tsig_misplaced)
		return GD_EFORMAT; /* trailing garbage, a TSIG not last */
	return GD_OK;
}

int wire_parse_query_opts(const uint8_t *pkt, size_t len, struct query *q, unsigned opts)
{
	if (len < DNS_HEADER_LEN)
		return GD_EDROP;
	q->id = rd16(pkt);
	q->flags = rd16(pkt + 2);
	if (q->flags & DNS_FLAG_QR)
		return GD_EDROP;
	q->opcode = (uint8_t)DNS_OPCODE(q->flags);
	q->have_question = false;
	q->edns = false;
	q->nsid = false;
	q->keepalive = false;
	q->ecs_present = false;
	q->ecs_malformed = false;
	q->cookie_present = false;
	q->cookie_malformed = false;
	q->tsig = false;
	q->qdcount = rd16(pkt + 4);
	if (q->opcode != OPCODE_QUERY && q->opcode != OPCODE_NOTIFY)
		return GD_OK; /* answered NOTIMP, header only */
	uint16_t ancount = rd16(pkt + 6), nscount = rd16(pkt + 8), arcount = rd16(pkt + 10);
	if (q->qdcount != 1)
		return GD_EFORMAT;

	/* The question name: no compression pointer can be valid here (it would
	 * point into the header or forwards), so labels are walked directly. */
	size_t pos = DNS_HEADER_LEN, nlen = 0;
	unsigned k = 0;
	for (;;) {
		if (pos >= len)
			return GD_EFORMAT;
		uint8_t c = pkt[pos];
		if (c & 0xC0)
			return GD_EFORMAT;
		if (pos + 1 + c > len || nlen + 1 + c > WIRE_NAME_MAX)
			return GD_EFORMAT;
		if (c == 0)
			break;
		q->label_off[k++] = (uint8_t)nlen;
		nlen += (size_t)c + 1;
		pos += (size_t)c + 1;
	}
	nlen++;
	memcpy(q->qname, pkt + DNS_HEADER_LEN, nlen);
	pos++;
	if (pos + 4 > len)
		return GD_EFORMAT;
	q->qname_len = (uint8_t)nlen;
	q->nlabels = (uint8_t)k;
	q->qtype = rd16(pkt + pos);
	q->qclass = rd16(pkt + pos + 2);
	pos += 4;
	q->word_hash = lower_and_hash(q->qname, nlen, q->lname);
	q->have_question = true;

	for (unsigned i = 0; i < (unsigned)ancount + nscount; i++)
		if (skip_rr(pkt, len, &pos) < 0)
			return GD_EFORMAT;
	return parse_additional(pkt, len, pos, arcount, q, opts, &q->tsig_rr, &q->tsig);
}

int wire_parse_message(const uint8_t *pkt, size_t len, struct wire_message *m)
{
	if (len < DNS_HEADER_LEN)
		return GD_EFORMAT;
	m->id = rd16(pkt);
	m->flags = rd16(pkt + 2);
	m->qdcount = rd16(pkt + 4);
	m->ancount = rd16(pkt + 6);
	m->nscount = rd16(pkt + 8);
	m->arcount = rd16(pkt + 10);
	m->qname_len = 0;
	m->tsig = false;
	if (m->qdcount > 1)
		return GD_EFORMAT;
	size_t pos = DNS_HEADER_LEN, nlen;
	if (m->qdcount == 1) {
		if (read_name(pkt, len, &pos, m->qname, &nlen, DNS_HEADER_LEN) < 0 || pos + 4 > len)
			return GD_EFORMAT;
		m->qname_len = (uint8_t)nlen;
		m->qtype = rd16(pkt + pos);
		m->qclass = rd16(pkt + pos + 2);
		pos += 4;
	}
	for (unsigned i = 0; i < (unsigned)m->ancount + m->nscount; i++)
		if (skip_rr(pkt, len, &pos) < 0)
			return GD_EFORMAT;
	return parse_additional(pkt, len, pos, m->arcount, NULL, 0, &m->tsig_rr, &m->tsig);
}

/* ---- writer ---- */

void wire_writer_init(struct wire_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->ncomp = 0;
	w->index = NULL;
}

int wire_put(struct wire_writer *w, const void *data, size_t n)
{
	if (w->len > w->cap || w->cap - w->len < n)
		return GD_ESPACE;
	memcpy(w->buf + w->len, data, n);
	w->len += n;
	return GD_OK;
}

int wire_put16(struct wire_writer *w, uint16_t v)
{
	if (w->len > w->cap || w->cap - w->len < 2)
		return GD_ESPACE;
	wr16(w->buf + w->len, v);
	w->len += 2;
	return GD_OK;
}

int wire_put32(struct wire_writer *w, uint32_t v)
{
	if (w->len > w->cap || w->cap - w->len < 4)
		return GD_ESPACE;
	wr32(w->buf + w->len, v);
	w->len += 4;
	return GD_OK;
}

/* Does the uncompressed name equal the (possibly compressed) name at off in
 * the buffer? Case-insensitive. Buffer names were written by us, so pointers
 * are trusted to be backwards. */
static bool buf_name_equal(const uint8_t *buf, size_t off, const uint8_t *name)
{
	for (;;) {
		uint8_t c = buf[off];
		if ((c & 0xC0) == 0xC0) {
			off = ((size_t)(c & 0x3F) << 8) | buf[off + 1];
			continue;
		}
		if (c != *name)
			return false;
		if (c == 0)
			return true;
		for (uint8_t i = 1; i <= c; i++)
			if (lower_ascii(buf[off + i]) != lower_ascii(name[i]))
				return false;
		off += (size_t)c + 1;
		name += c + 1;
	}
}

/* FNV-1a of a label (its length octet and its octets in lower case). */
static uint32_t label_hash(const uint8_t *label)
{
	uint32_t h = 2166136261u ^ label[0];
	h *= 16777619u;
	for (uint8_t i = 1; i <= label[0]; i++) {
		h ^= lower_ascii(label[i]);
		h *= 16777619u;
	}
	return h;
}

/* Index entry e (hash h): the first slot from h that is empty or holds an
 * entry a rollback removed (entries are only appended and rolled back, so
 * one at or past ncomp is gone). */
static void index_add(struct wire_writer *w, unsigned e, uint32_t h)
{
	struct wire_comp_index *x = w->index;
	x->hash[e] = h;
	for (unsigned n = 0, i = h & (WIRE_COMP_SLOTS - 1); n < WIRE_COMP_SLOTS;
	     n++, i = (i + 1) & (WIRE_COMP_SLOTS - 1)) {
		if (x->slot[i] == 0 || x->slot[i] - 1u >= e) {
			x->slot[i] = (uint8_t)(e + 1);
			return;
		}
	}
	/* no room (never, see index_find): the entry is not found by hash */
}

/* The entry with k labels whose name is s, through the index; SIZE_MAX
 * when there is none. */
static size_t index_find(const struct wire_writer *w, const uint8_t *s, unsigned k)
{
	const struct wire_comp_index *x = w->index;
	uint32_t h = label_hash(s);
	/* bounded: a table with no empty slot (never: at most WIRE_COMP_MAX
	 * entries and the ones a rollback left) is searched once round */
	for (unsigned n = 0, i = h & (WIRE_COMP_SLOTS - 1); n < WIRE_COMP_SLOTS;
	     n++, i = (i + 1) & (WIRE_COMP_SLOTS - 1)) {
		unsigned v = x->slot[i];
		if (v == 0)
			return SIZE_MAX;
		unsigned e = v - 1;
		if (e < w->ncomp && w->comp_labels[e] == k && x->hash[e] == h &&
		    buf_name_equal(w->buf, w->comp_off[e], s))
			return w->comp_off[e];
	}
	return SIZE_MAX;
}

static void add_comp_entry(struct wire_writer *w, size_t off, unsigned labels)
{
	if (w->ncomp < WIRE_COMP_MAX && off < 0x4000) {
		w->comp_off[w->ncomp] = (uint16_t)off;
		w->comp_labels[w->ncomp] = (uint8_t)labels;
		if (w->index)
			index_add(w, w->ncomp, label_hash(w->buf + off));
		w->ncomp++;
	}
}

int wire_put_name(struct wire_writer *w, const uint8_t *name, bool compress)
{
	size_t full = wire_name_len(name, WIRE_NAME_MAX);
	if (full == 0)
		return GD_EFORMAT; /* callers pass valid names; never copy garbage */
	unsigned labels = wire_name_labels(name);
	const uint8_t *s = name;
	size_t match = SIZE_MAX;
	unsigned lit = 0;   /* labels written literally before the pointer */
	if (compress) {
		for (unsigned k = labels; k > 0; k--, lit++) {
			if (w->index) {
				match = index_find(w, s, k);
				if (match != SIZE_MAX)
					break;
				s += *s + 1;
				continue;
			}
			for (unsigned e = 0; e < w->ncomp; e++) {
				if (w->comp_labels[e] == k &&
				    buf_name_equal(w->buf, w->comp_off[e], s)) {
					match = w->comp_off[e];
					break;
				}
			}
			if (match != SIZE_MAX)
				break;
			s += *s + 1;
		}
	}
	/* bytes needed: the literal labels plus either a pointer or the root */
	size_t litlen = (size_t)(s - name);
	if (match == SIZE_MAX) {
		litlen = full - 1;
		lit = labels;
	}
	size_t need = litlen + (match == SIZE_MAX ? 1 : 2);
	if (w->len > w->cap || w->cap - w->len < need)
		return GD_ESPACE;
	size_t off = w->len;
	memcpy(w->buf + off, name, litlen);
	const uint8_t *p = name;
	for (unsigned i = 0; i < lit; i++) {
		add_comp_entry(w, off, labels - i);
		off += *p + 1u;
		p += *p + 1;
	}
	if (match == SIZE_MAX) {
		w->buf[off] = 0;
	} else {
		w->buf[off] = (uint8_t)(0xC0 | (match >> 8));
		w->buf[off + 1] = (uint8_t)match;
	}
	w->len += need;
	return GD_OK;
}

int wire_put_rdata(struct wire_writer *w, uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	size_t rdlen_at = w->len;
	if (wire_put16(w, 0) < 0)
		return GD_ESPACE;
	size_t names = 0, pre = 0, post = 0;
	switch (type) {
	case TYPE_NS:
	case TYPE_CNAME:
	case TYPE_PTR:
		names = 1;
		break;
	case TYPE_MX:
		names = 1;
		pre = 2;
		break;
	case TYPE_SOA:
		names = 2;
		post = 20;
		break;
	default:
		break;
	}
	if (names) {
		/* zone data was validated by ldns; still never read past rdlen */
		size_t p = pre;
		if (pre > rdlen || wire_put(w, rdata, pre) < 0)
			return GD_ESPACE;
		for (size_t i = 0; i < names; i++) {
			size_t nl = wire_name_len(rdata + p, rdlen - p);
			if (!nl)
				return GD_EFORMAT;
			if (wire_put_name(w, rdata + p, true) < 0)
				return GD_ESPACE;
			p += nl;
		}
		if (p + post != rdlen || wire_put(w, rdata + p, post) < 0)
			return GD_ESPACE;
	} else if (wire_put(w, rdata, rdlen) < 0) {
		return GD_ESPACE;
	}
	wr16(w->buf + rdlen_at, (uint16_t)(w->len - rdlen_at - 2));
	return GD_OK;
}

bool wire_is_transfer_request(const uint8_t *pkt, size_t len)
{
	if (len < DNS_HEADER_LEN + 5 || (pkt[2] & 0xF8) != 0 || rd16(pkt + 4) != 1)
		return false;
	size_t p = DNS_HEADER_LEN;
	while (p < len && pkt[p] != 0) {
		if (pkt[p] > 63)
			return false;
		p += 1u + pkt[p];
	}
	if (p + 5 > len)
		return false;
	uint16_t type = rd16(pkt + p + 1);
	return type == TYPE_AXFR || type == TYPE_IXFR;
}
