/*
 * zone.c - master-file loading and the compiled zone database.
 *
 * Loading runs in three passes:
 *   1. read: the file (and its $INCLUDEs) is split into entries by our own
 *      tokenizer, which knows parentheses, quotes, comments and omitted
 *      owners and remembers each entry's first line; directives are handled
 *      here, records are parsed by ldns (ldns_rr_new_frm_str) and copied out
 *      as (owner, type, ttl, rdata, file, line) before the ldns object is
 *      freed, so ldns never holds more than one record;
 *   2. compile: records are sorted by owner and type and turned into nodes
 *      and rrsets in one arena; empty non-terminals are added;
 *   3. validate: the RFC 1034/1035 rules, each error with file:line.
 *
 * Every byte read is digested on the way (with the config entry and, for a
 * zone with services, the regions table) so that zone_reuse() can tell on
 * a reload that reading again would build the same zone, and share it.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "zone/zone.h"

#include "common/diag.h"
#include "common/gd.h"
#include "geo/service.h"
#include "dns/wire.h"

#include <ldns/ldns.h>

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- arena: one owner for all of a zone's memory ---- */

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

static void *arena_alloc(void **arena, size_t n)
{
	struct arena_chunk *c = *arena;
	n = (n + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 1u << 20 ? n : 1u << 20;
		struct arena_chunk *nc = xmalloc(sizeof(*nc) + cap);
		nc->cap = cap;
		nc->used = 0;
		/* keep the partly used chunk first when the new one is a one-off */
		if (c && n > 1u << 19) {
			nc->next = c->next;
			c->next = nc;
			nc->used = n;
			return nc->data;
		}
		nc->next = c;
		*arena = c = nc;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

static void *arena_dup(void **arena, const void *src, size_t n)
{
	void *p = arena_alloc(arena, n);
	memcpy(p, src, n);
	return p;
}

static void arena_free(void *arena)
{
	struct arena_chunk *c = arena;
	while (c) {
		struct arena_chunk *n = c->next;
		free(c);
		c = n;
	}
}

uint32_t name_hash(const uint8_t *lname, size_t len)
{
	uint8_t off[WIRE_LABELS_MAX];
	uint32_t h[WIRE_LABELS_MAX + 1];
	(void)len;
	unsigned k = wire_label_offsets(lname, off);
	wire_suffix_hashes(lname, off, k, h);
	return h[0];
}

/* ---- what a zone is built from: the digest zone_reuse compares ---- */

/* 64-bit FNV-1a: not for adversaries (the inputs are the operator's own
 * files), only to tell changed inputs from unchanged ones. */
#define DIGEST_SEED 0xcbf29ce484222325ull

static uint64_t digest_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t digest_str(uint64_t h, const char *s)
{
	return digest_bytes(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* The config entry, and the regions the services file is checked against
 * (names and places: unknown_order is computed from them). */
static uint64_t digest_config(const struct zone_config *zc)
{
	uint64_t h = digest_str(DIGEST_SEED, zc->origin);
	h = digest_str(h, zc->file);
	h = digest_str(h, zc->services);
	if (zc->services && zc->regions) {
		h = digest_bytes(h, &zc->regions->n, sizeof(zc->regions->n));
		for (size_t i = 0; i < zc->regions->n; i++) {
			const struct region *r = &zc->regions->regions[i];
			h = digest_str(h, r->name);
			h = digest_bytes(h, &r->lat, sizeof(r->lat));
			h = digest_bytes(h, &r->lon, sizeof(r->lon));
		}
	}
	return h;
}

/* One file read: its path, what it resolves to now, its bytes. */
static uint64_t digest_file(uint64_t h, const char *path, const char *text, size_t len)
{
	char *real = realpath(path, NULL);
	h = digest_str(h, path);
	h = digest_str(h, real);
	free(real);
	h = digest_bytes(h, &len, sizeof(len));
	return digest_bytes(h, text, len);
}

/* ---- pass 1: reading ---- */

struct rec {
	const uint8_t *owner; /* lower-case wire, in arena */
	uint8_t ownerlen;
	uint16_t type;
	uint32_t ttl;
	const uint8_t *rdata; /* in arena */
	uint16_t rdlen;
	int line;
	const char *file;     /* in the loader's file list */
};

#define ZONE_INCLUDE_DEPTH 16

struct loader {
	struct zone *z;
	struct diag *diag;
	struct rec *recs;
	size_t nrecs, caprecs;
	char **files; /* names of every file read, in order */
	size_t nfiles;
	uint64_t digest; /* digest_file of each, in order */
	ldns_buffer *buf;
	int depth;
	char *chain[ZONE_INCLUDE_DEPTH + 1]; /* real paths of the files being read */
};

#define ZONE_ENTRY_MAX 65536

/*
 * Split the next entry off text at *pos: parentheses join lines, comments are
 * dropped, quotes and backslash escapes are kept verbatim. Sets *start_line
 * to the entry's first line and *owner_omitted when it starts with blanks.
 * Returns 1 with an entry, 0 at the end, -1 on error (message in err).
 */
static int next_entry(const char *text, size_t len, size_t *pos, int *line,
		      char *out, size_t cap, int *start_line, bool *owner_omitted,
		      const char **err)
{
	size_t p = *pos;
	for (;;) {
		size_t n = 0;
		int depth = 0;
		bool inq = false;
		bool at_start = true;
		*owner_omitted = false;
		*start_line = *line;
		if (p >= len) {
			*pos = p;
			return 0;
		}
		for (;;) {
			if (p >= len) {
				if (inq) {
					*err = "unterminated quoted string";
					return -1;
				}
				if (depth > 0) {
					*err = "unbalanced parentheses: missing ')'";
					return -1;
				}
				break;
			}
			char c = text[p++];
			if (at_start) {
				at_start = false;
				if (c == ' ' || c == '\t')
					*owner_omitted = true;
			}
			if (c == '\r')
				continue;
			if (c == '\n') {
				(*line)++;
				if (inq) {
					*err = "newline inside quoted string";
					return -1;
				}
				if (depth > 0) {
					c = ' ';
				} else {
					break;
				}
			} else if (!inq && c == ';') {
				while (p < len && text[p] != '\n')
					p++;
				continue;
			} else if (!inq && c == '(') {
				depth++;
				c = ' ';
			} else if (!inq && c == ')') {
				if (--depth < 0) {
					*err = "unbalanced parentheses: extra ')'";
					return -1;
				}
				c = ' ';
			} else if (c == '"') {
				inq = !inq;
			} else if (c == '\\' && p < len && text[p] != '\n') {
				if (n + 2 >= cap) {
					*err = "entry too long";
					return -1;
				}
				out[n++] = c;
				out[n++] = text[p++];
				continue;
			}
			if (n + 1 >= cap) {
				*err = "entry too long";
				return -1;
			}
			out[n++] = c;
		}
		while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
			n--;
		out[n] = '\0';
		size_t lead = 0;
		while (out[lead] == ' ' || out[lead] == '\t')
			lead++;
		if (out[lead] == '\0')
			continue; /* blank or comment-only */
		if (lead)
			memmove(out, out + lead, n - lead + 1);
		*pos = p;
		return 1;
	}
}

static const char *loader_file(struct loader *ld, const char *path)
{
	ld->files = xrealloc(ld->files, (ld->nfiles + 1) * sizeof(char *));
	ld->files[ld->nfiles] = xstrdup(path);
	return ld->files[ld->nfiles++];
}

static void add_rec(struct loader *ld, const char *file, int line, ldns_rr *rr)
{
	struct zone *z = ld->z;
	const ldns_rdf *owner = ldns_rr_owner(rr);
	size_t olen = ldns_rdf_size(owner);
	uint8_t lname[WIRE_NAME_MAX];
	if (olen > WIRE_NAME_MAX) {
		diag_error(ld->diag, file, line, 0, "owner name too long");
		return;
	}
	wire_name_lower(ldns_rdf_data(owner), olen, lname);
	if (!wire_name_is_sub(lname, z->origin)) {
		char s[1024];
		diag_error(ld->diag, file, line, 0, "%s is outside the zone origin %s",
			   wire_name_to_str(lname, s, sizeof(s)), z->origin_str);
		return;
	}
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		diag_error(ld->diag, file, line, 0, "class other than IN");
		return;
	}
	uint16_t type = (uint16_t)ldns_rr_get_type(rr);
	if (type == TYPE_OPT || type == TYPE_ANY || type == TYPE_AXFR || type == TYPE_IXFR ||
	    type == 0) {
		diag_error(ld->diag, file, line, 0, "type %u cannot be zone data", type);
		return;
	}
	ldns_buffer_clear(ld->buf);
	if (ldns_rr_rdata2buffer_wire(ld->buf, rr) != LDNS_STATUS_OK ||
	    ldns_buffer_position(ld->buf) > 65535) {
		diag_error(ld->diag, file, line, 0, "cannot encode record data");
		return;
	}
	size_t rdlen = ldns_buffer_position(ld->buf);
	if (ld->nrecs == ld->caprecs) {
		ld->caprecs = ld->caprecs ? ld->caprecs * 2 : 1024;
		ld->recs = xrealloc(ld->recs, ld->caprecs * sizeof(struct rec));
	}
	struct rec *r = &ld->recs[ld->nrecs++];
	r->owner = arena_dup(&z->arena, lname, olen);
	r->ownerlen = (uint8_t)olen;
	r->type = type;
	r->ttl = ldns_rr_ttl(rr);
	r->rdata = arena_dup(&z->arena, ldns_buffer_begin(ld->buf), rdlen);
	r->rdlen = (uint16_t)rdlen;
	r->line = line;
	r->file = file;
}

/* A directive's arguments: split on blanks, at most max. */
static int split_args(char *s, char **argv, int max)
{
	int n = 0;
	while (*s && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		argv[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return *s ? -1 : n;
}

static int read_file_into(struct loader *ld, const char *path, ldns_rdf *origin_in,
			  const char *from_file, int from_line)
{
	char *text;
	size_t len;
	if (read_file(path, &text, &len) < 0) {
		if (from_file)
			diag_error(ld->diag, from_file, from_line, 0, "cannot read %s: %s",
				   path, strerror(errno));
		else
			diag_error(ld->diag, path, 0, 0, "cannot read zone file: %s",
				   strerror(errno));
		return GD_EIO;
	}
	const char *file = loader_file(ld, path);
	ld->digest = digest_file(ld->digest, path, text, len);
	char *entry = xmalloc(ZONE_ENTRY_MAX + 256 + 1024);
	ldns_rdf *origin = ldns_rdf_clone(origin_in);
	ldns_rdf *prev = NULL;   /* owner of the previous record */
	uint32_t default_ttl = 3600;
	bool have_ttl = false;
	size_t pos = 0;
	int line = 1;
	ld->chain[ld->depth] = realpath(path, NULL);
	ld->depth++;
	for (;;) {
		int start;
		bool omitted;
		const char *err = NULL;
		int rc = next_entry(text, len, &pos, &line, entry + 1024, ZONE_ENTRY_MAX,
				    &start, &omitted, &err);
		if (rc == 0)
			break;
		if (rc < 0) {
			diag_error(ld->diag, file, start, 0, "%s", err);
			break;
		}
		char *e = entry + 1024;
		if (e[0] == '$' && !omitted) {
			char *argv[4];
			size_t dl = strcspn(e, " \t");
			if (!((dl == 7 && strncasecmp(e, "$ORIGIN", 7) == 0) ||
			      (dl == 4 && strncasecmp(e, "$TTL", 4) == 0) ||
			      (dl == 8 && strncasecmp(e, "$INCLUDE", 8) == 0))) {
				e[dl] = '\0';
				diag_error(ld->diag, file, start, 0, "unsupported directive %s", e);
				continue;
			}
			int argc = split_args(e, argv, 4);
			if (argc < 0) {
				diag_error(ld->diag, file, start, 0, "too many arguments to %s",
					   e);
				continue;
			}
			if (strcasecmp(argv[0], "$ORIGIN") == 0 && argc == 2) {
				ldns_rdf *o = NULL;
				ldns_status st;
				size_t al = strlen(argv[1]);
				if (al && argv[1][al - 1] != '.' && origin) {
					/* relative $ORIGIN: append the current origin */
					ldns_rdf *rel = NULL;
					st = ldns_str2rdf_dname(&rel, argv[1]);
					if (st == LDNS_STATUS_OK) {
						o = ldns_dname_cat_clone(rel, origin);
						ldns_rdf_deep_free(rel);
						if (!o)
							st = LDNS_STATUS_DOMAINNAME_OVERFLOW;
					}
				} else {
					st = ldns_str2rdf_dname(&o, argv[1]);
				}
				if (st != LDNS_STATUS_OK) {
					diag_error(ld->diag, file, start, 0, "bad $ORIGIN %s: %s",
						   argv[1], ldns_get_errorstr_by_id(st));
					continue;
				}
				ldns_rdf_deep_free(origin);
				origin = o;
			} else if (strcasecmp(argv[0], "$TTL") == 0 && argc == 2) {
				const char *endp = NULL;
				uint32_t t = ldns_str2period(argv[1], &endp);
				if (!endp || *endp || !isdigit((unsigned char)argv[1][0])) {
					diag_error(ld->diag, file, start, 0, "bad $TTL %s", argv[1]);
					continue;
				}
				default_ttl = t;
				have_ttl = true;
			} else if (strcasecmp(argv[0], "$INCLUDE") == 0 &&
				   (argc == 2 || argc == 3)) {
				if (ld->depth >= ZONE_INCLUDE_DEPTH) {
					diag_error(ld->diag, file, start, 0,
						   "$INCLUDE nested deeper than %d", ZONE_INCLUDE_DEPTH);
					continue;
				}
				char incpath[4096];
				if (argv[1][0] == '/') {
					snprintf(incpath, sizeof(incpath), "%s", argv[1]);
				} else {
					char *dup = xstrdup(path);
					snprintf(incpath, sizeof(incpath), "%s/%s", dirname(dup),
						 argv[1]);
					free(dup);
				}
				/* a file that includes itself, directly or not, would be
				 * read 2^16 times before the depth limit stops it */
				char *real = realpath(incpath, NULL);
				bool loop = false;
				for (int d = 0; real && d < ld->depth; d++)
					loop |= ld->chain[d] && strcmp(ld->chain[d], real) == 0;
				free(real);
				if (loop) {
					diag_error(ld->diag, file, start, 0,
						   "$INCLUDE loop: %s is already being read", incpath);
					continue;
				}
				ldns_rdf *io = NULL;
				if (argc == 3) {
					ldns_status st = ldns_str2rdf_dname(&io, argv[2]);
					if (st != LDNS_STATUS_OK || argv[2][strlen(argv[2]) - 1] != '.') {
						diag_error(ld->diag, file, start, 0,
							   "$INCLUDE origin must be absolute: %s",
							   argv[2]);
						if (io)
							ldns_rdf_deep_free(io);
						continue;
					}
				}
				read_file_into(ld, incpath, io ? io : origin, file, start);
				if (io)
					ldns_rdf_deep_free(io);
			} else {
				diag_error(ld->diag, file, start, 0,
					   "wrong number of arguments to %s", argv[0]);
			}
			continue;
		}
		if (omitted) {
			if (!prev) {
				diag_error(ld->diag, file, start, 0,
					   "record without owner and no previous owner");
				continue;
			}
			/* make the owner explicit: ldns then parses a plain record */
			char *ps = ldns_rdf2str(prev);
			size_t pl = ps ? strlen(ps) : 0;
			if (!ps || pl + 2 > 1024) {
				free(ps);
				continue;
			}
			e -= pl + 1;
			memcpy(e, ps, pl);
			e[pl] = ' ';
			free(ps);
		}
		ldns_rr *rr = NULL;
		ldns_rdf *dummy_prev = NULL;
		ldns_status st = ldns_rr_new_frm_str(&rr, e, default_ttl, origin, &dummy_prev);
		if (dummy_prev)
			ldns_rdf_deep_free(dummy_prev);
		if (st != LDNS_STATUS_OK) {
			diag_error(ld->diag, file, start, 0, "cannot parse \"%.120s\": %s", e,
				   ldns_get_errorstr_by_id(st));
			continue;
		}
		if (!have_ttl && ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
			/* RFC 2308: without $TTL the SOA's TTL is the default */
			default_ttl = ldns_rr_ttl(rr);
		}
		if (prev)
			ldns_rdf_deep_free(prev);
		prev = ldns_rdf_clone(ldns_rr_owner(rr));
		add_rec(ld, file, start, rr);
		ldns_rr_free(rr);
	}
	ld->depth--;
	free(ld->chain[ld->depth]);
	ld->chain[ld->depth] = NULL;
	if (prev)
		ldns_rdf_deep_free(prev);
	ldns_rdf_deep_free(origin);
	free(entry);
	free(text);
	return GD_OK;
}

/* ---- pass 2: compiling ---- */

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	/* group by owner (any total order will do), then type, then rdata */
	if (x->ownerlen != y->ownerlen)
		return x->ownerlen < y->ownerlen ? -1 : 1;
	int c = memcmp(x->owner, y->owner, x->ownerlen);
	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->rdlen != y->rdlen)
		return x->rdlen < y->rdlen ? -1 : 1;
	c = memcmp(x->rdata, y->rdata, x->rdlen);
	if (c)
		return c;
	/* keep file order among duplicates: the first one's line is reported */
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

struct node *zone_lookup_h(const struct zone *z, const uint8_t *lname, size_t len, uint32_t h)
{
	for (size_t i = h & z->mask;; i = (i + 1) & z->mask) {
		struct node *n = z->table[i];
		if (!n)
			return NULL;
		if (n->hash == h && n->namelen == len && memcmp(n->name, lname, len) == 0)
			return n;
	}
}

struct node *zone_lookup(const struct zone *z, const uint8_t *lname, size_t len)
{
	return zone_lookup_h(z, lname, len, name_hash(lname, len));
}

static void table_insert(struct zone *z, struct node *n)
{
	for (size_t i = n->hash & z->mask;; i = (i + 1) & z->mask) {
		if (!z->table[i]) {
			z->table[i] = n;
			return;
		}
	}
}

static struct node *new_node(struct zone *z, const uint8_t *lname, size_t len)
{
	struct node *n = arena_alloc(&z->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->name = arena_dup(&z->arena, lname, len);
	n->namelen = (uint8_t)len;
	n->labels = (uint8_t)wire_name_labels(lname);
	n->hash = name_hash(lname, len);
	table_insert(z, n);
	z->nnodes++;
	return n;
}

/* Does the answer code compress names inside this type's rdata? */
static bool rdata_has_names(uint16_t type)
{
	return type == TYPE_NS || type == TYPE_CNAME || type == TYPE_PTR || type == TYPE_MX ||
	       type == TYPE_SOA;
}

/* The records pre-rendered for the common answer: owned by the question
 * name (a pointer to offset 12), TTL and class as they go out. */
static void render_rrset(struct zone *z, struct rrset *rs, size_t rdata_bytes)
{
	rs->wire = NULL;
	rs->wire_len = 0;
	if (rdata_has_names(rs->type))
		return;
	size_t len = rdata_bytes + (size_t)rs->count * 10;
	uint8_t *p = arena_alloc(&z->arena, len);
	rs->wire = p;
	rs->wire_len = (uint32_t)len;
	const uint8_t *rd = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++, rd = rrset_rdata_next(rd)) {
		size_t rdlen = rd16(rd);
		p[0] = 0xC0;
		p[1] = DNS_HEADER_LEN;
		wr16(p + 2, rs->type);
		wr16(p + 4, CLASS_IN);
		wr32(p + 6, rs->ttl);
		memcpy(p + 10, rd, 2 + rdlen);
		p += 12 + rdlen;
	}
}

/* The label of name directly under the apex, if name is below it. */
static void label_under_apex(const struct zone *z, const uint8_t *name, uint8_t out[64])
{
	out[0] = 0;
	unsigned labels = wire_name_labels(name);
	if (labels <= z->labels || !wire_name_is_sub(name, z->origin))
		return;
	const uint8_t *p = name;
	for (unsigned i = 0; i + 1 < labels - z->labels; i++)
		p += *p + 1;
	memcpy(out, p, *p + 1u);
}

/* Render the negative answer's SOA record (struct soa_template): through
 * wire_put_name after a question that is the apex alone, then note where
 * each compression pointer went. */
static void render_neg_soa(struct zone *z)
{
	struct soa_template *t = &z->neg_soa;
	memset(t, 0, sizeof(*t));
	if (z->labels == 0)
		return; /* the root's owner is never a pointer */
	const struct rrset *soa = z->soa;
	uint8_t buf[DNS_HEADER_LEN + WIRE_NAME_MAX + 10 + 2 * WIRE_NAME_MAX + 20];
	struct wire_writer w;
	wire_writer_init(&w, buf, sizeof(buf));
	memset(buf, 0, DNS_HEADER_LEN);
	w.len = DNS_HEADER_LEN;
	if (wire_put_name(&w, z->origin, true) < 0)
		return;
	size_t start = w.len;
	const uint8_t *rd = soa->rdata + 2;
	size_t rdlen = rd16(soa->rdata);
	size_t l1 = wire_name_len(rd, rdlen);
	if (wire_put_name(&w, z->origin, true) < 0 || wire_put16(&w, TYPE_SOA) < 0 ||
	    wire_put16(&w, CLASS_IN) < 0 || wire_put32(&w, z->neg_ttl) < 0 ||
	    wire_put16(&w, 0) < 0)
		return;
	size_t rdata_at = w.len;
	if (wire_put_name(&w, rd, true) < 0 || wire_put_name(&w, rd + l1, true) < 0 ||
	    wire_put(&w, rd + rdlen - 20, 20) < 0)
		return;
	wr16(buf + rdata_at - 2, (uint16_t)(w.len - rdata_at));
	/* the pointers: the owner's, and at most one ending each name */
	size_t at[3] = {start, 0, 0};
	size_t p = rdata_at;
	for (int i = 1; i < 3; i++) {
		while (buf[p] && (buf[p] & 0xC0) != 0xC0)
			p += buf[p] + 1u;
		at[i] = p;
		p += buf[p] ? 2 : 1;
	}
	for (int i = 0; i < 3; i++) {
		if ((buf[at[i]] & 0xC0) != 0xC0)
			continue;
		size_t target = rd16(buf + at[i]) & 0x3FFF;
		bool in_record = target >= start;
		t->fix[t->nfix].at = (uint16_t)(at[i] - start);
		t->fix[t->nfix].base = (uint16_t)(target - (in_record ? start : DNS_HEADER_LEN));
		t->fix[t->nfix].in_record = in_record;
		t->nfix++;
	}
	t->len = (uint16_t)(w.len - start);
	t->wire = arena_dup(&z->arena, buf + start, t->len);
	label_under_apex(z, rd, t->under[0]);
	label_under_apex(z, rd + l1, t->under[1]);
}

/* Find or create the node for lname and all its ancestors up to the apex. */
static struct node *ensure_node(struct zone *z, const uint8_t *lname, size_t len)
{
	struct node *n = zone_lookup(z, lname, len);
	if (n)
		return n;
	n = new_node(z, lname, len);
	if (len > z->origin_len) {
		const uint8_t *parent = lname + lname[0] + 1;
		n->parent = ensure_node(z, parent, len - lname[0] - 1u);
		if (lname[0] == 1 && lname[1] == '*')
			n->parent->wildcard = n;
	}
	return n;
}

const struct rrset *node_rrset(const struct node *n, uint16_t type)
{
	for (unsigned i = 0; i < n->nrrsets; i++)
		if (n->rrsets[i].type == type)
			return &n->rrsets[i];
	return NULL;
}

static const uint8_t *rdata_name_at(const struct rrset *rs, const uint8_t *rd)
{
	/* the target name of an NS (offset 0), MX (2) or SRV (6) record */
	size_t off = rs->type == TYPE_NS ? 0 : rs->type == TYPE_MX ? 2 : 6;
	return rd + 2 + off;
}

/* A target as zonedb_find_h wants it: lower-case, labels, suffix hashes. */
struct target_name {
	const uint8_t *lname;
	const uint8_t *label_off;
	const uint32_t *hashes; /* nlabels + 1 */
	size_t len;
	unsigned nlabels;
};

/* The target of the NS/MX/SRV record at rd (its length field) into t, its
 * arrays in the buffers given; -1 when the record has no valid name. */
static int target_name_of(const struct rrset *rs, const uint8_t *rd, struct target_name *t,
                          uint8_t *lname, uint8_t *label_off, uint32_t *hashes)
{
	size_t rdlen = rd16(rd);
	size_t off = rs->type == TYPE_NS ? 0 : rs->type == TYPE_MX ? 2 : 6;
	if (rdlen <= off)
		return -1;
	const uint8_t *name = rdata_name_at(rs, rd);
	size_t nl = wire_name_len(name, rdlen - off);
	if (!nl)
		return -1;
	wire_name_lower(name, nl, lname);
	t->nlabels = wire_label_offsets(lname, label_off);
	wire_suffix_hashes(lname, label_off, t->nlabels, hashes);
	t->lname = lname;
	t->label_off = label_off;
	t->hashes = hashes;
	t->len = nl;
	return 0;
}

/* Point each NS/MX/SRV record at its target's node when the target is in
 * the zone's names; keep the others as names for zonedb_target. */
static void resolve_targets(struct zone *z)
{
	for (size_t b = 0; b <= z->mask; b++) {
		struct node *n = z->table[b];
		if (!n)
			continue;
		for (unsigned i = 0; i < n->nrrsets; i++) {
			struct rrset *rs = &n->rrsets[i];
			if (rs->type != TYPE_NS && rs->type != TYPE_MX && rs->type != TYPE_SRV)
				continue;
			rs->targets = arena_alloc(&z->arena, rs->count * sizeof(struct node *));
			rs->outside = NULL;
			const uint8_t *rd = rs->rdata;
			for (unsigned k = 0; k < rs->count; k++, rd = rrset_rdata_next(rd)) {
				rs->targets[k] = NULL;
				struct target_name t;
				uint8_t lname[WIRE_NAME_MAX], off[WIRE_LABELS_MAX];
				uint32_t hashes[WIRE_LABELS_MAX + 1];
				if (target_name_of(rs, rd, &t, lname, off, hashes) < 0)
					continue;
				if (wire_name_is_sub(lname, z->origin)) {
					rs->targets[k] = zone_lookup_h(z, lname, t.len, hashes[0]);
					continue;
				}
				if (!rs->outside) {
					size_t sz = rs->count * sizeof(*rs->outside);
					rs->outside = memset(arena_alloc(&z->arena, sz), 0, sz);
				}
				struct target_name *kept = arena_alloc(&z->arena, sizeof(*kept));
				kept->lname = arena_dup(&z->arena, lname, t.len);
				kept->label_off =
				    arena_dup(&z->arena, off, t.nlabels ? t.nlabels : 1);
				kept->hashes =
				    arena_dup(&z->arena, hashes, (t.nlabels + 1) * sizeof(*hashes));
				kept->len = t.len;
				kept->nlabels = t.nlabels;
				rs->outside[k] = kept;
			}
		}
	}
}

static void compile(struct loader *ld)
{
	struct zone *z = ld->z;
	if (ld->nrecs)
		qsort(ld->recs, ld->nrecs, sizeof(struct rec), cmp_rec);
	/* bound the node count: each distinct owner brings at most its labels
	 * below the apex as new nodes (itself and empty non-terminals) */
	size_t bound = 1;
	for (size_t i = 0; i < ld->nrecs; i++) {
		const struct rec *r = &ld->recs[i];
		if (i > 0 && r->ownerlen == r[-1].ownerlen &&
		    memcmp(r->owner, r[-1].owner, r->ownerlen) == 0)
			continue;
		bound += wire_name_labels(r->owner) - z->labels;
	}
	for (size_t i = 0; z->services && i < z->services->n; i++)
		bound += wire_name_labels(z->services->svcs[i].name) - z->labels;
	size_t size = 64;
	while (size < bound * 2)
		size <<= 1;
	z->table = xcalloc(size, sizeof(struct node *));
	z->mask = size - 1;
	z->apex = ensure_node(z, z->origin, z->origin_len);
	z->apex->flags |= NODE_APEX;

	size_t i = 0;
	while (i < ld->nrecs) {
		size_t j = i;
		while (j < ld->nrecs && ld->recs[j].ownerlen == ld->recs[i].ownerlen &&
		       memcmp(ld->recs[j].owner, ld->recs[i].owner, ld->recs[i].ownerlen) == 0)
			j++;
		struct node *n = ensure_node(z, ld->recs[i].owner, ld->recs[i].ownerlen);
		/* count types */
		unsigned ntypes = 0;
		for (size_t k = i; k < j; k++)
			if (k == i || ld->recs[k].type != ld->recs[k - 1].type)
				ntypes++;
		n->rrsets = arena_alloc(&z->arena, ntypes * sizeof(struct rrset));
		n->nrrsets = (uint16_t)ntypes;
		unsigned t = 0;
		size_t k = i;
		while (k < j) {
			size_t m = k;
			size_t bytes = 0;
			unsigned count = 0;
			while (m < j && ld->recs[m].type == ld->recs[k].type) {
				bool dup = m > k && ld->recs[m].rdlen == ld->recs[m - 1].rdlen &&
					   memcmp(ld->recs[m].rdata, ld->recs[m - 1].rdata,
						  ld->recs[m].rdlen) == 0;
				if (dup) {
					diag_warn(ld->diag, ld->recs[m].file, ld->recs[m].line, 0,
						  "duplicate record ignored");
					ld->recs[m].line = -ld->recs[m].line; /* mark */
				} else {
					bytes += 2u + ld->recs[m].rdlen;
					count++;
					if (ld->recs[m].ttl != ld->recs[k].ttl)
						diag_warn(ld->diag, ld->recs[m].file,
							  ld->recs[m].line, 0,
							  "TTL %u differs from %u of the rest of "
							  "the RRset; using %u",
							  ld->recs[m].ttl, ld->recs[k].ttl,
							  ld->recs[k].ttl);
				}
				m++;
			}
			struct rrset *rs = &n->rrsets[t++];
			rs->type = ld->recs[k].type;
			rs->ttl = ld->recs[k].ttl;
			rs->count = (uint16_t)(count > 65535 ? 65535 : count);
			uint8_t *rd = arena_alloc(&z->arena, bytes);
			rs->rdata = rd;
			rs->targets = NULL;
			rs->outside = NULL;
			for (size_t x = k; x < m; x++) {
				if (ld->recs[x].line < 0)
					continue;
				wr16(rd, ld->recs[x].rdlen);
				memcpy(rd + 2, ld->recs[x].rdata, ld->recs[x].rdlen);
				rd += 2 + ld->recs[x].rdlen;
			}
			render_rrset(z, rs, bytes);
			if (rs->type == TYPE_CNAME)
				n->flags |= NODE_CNAME;
			else if (rs->type == TYPE_DNAME)
				n->flags |= NODE_DNAME;
			else if (rs->type == TYPE_NS && n != z->apex)
				n->flags |= NODE_DELEG;
			k = m;
		}
		i = j;
	}
	z->nrecords = ld->nrecs;
	for (size_t x = 0; z->services && x < z->services->n; x++) {
		struct service *svc = &z->services->svcs[x];
		struct node *n = ensure_node(z, svc->name, svc->name_len);
		n->flags |= NODE_SERVICE;
		n->service = svc;
	}
	resolve_targets(z);
}

/* ---- pass 3: validation ---- */

static const struct rec *first_rec(struct loader *ld, const struct node *n, uint16_t type)
{
	for (size_t i = 0; i < ld->nrecs; i++) {
		const struct rec *r = &ld->recs[i];
		if (r->ownerlen == n->namelen && memcmp(r->owner, n->name, n->namelen) == 0 &&
		    (type == 0 || r->type == type))
			return r;
	}
	return NULL;
}

static void validate(struct loader *ld)
{
	struct zone *z = ld->z;
	char s[1024];
	/* SOA: exactly one, at the apex; NS at the apex */
	for (size_t i = 0; i < ld->nrecs; i++) {
		const struct rec *r = &ld->recs[i];
		if (r->type == TYPE_SOA && !(r->ownerlen == z->origin_len &&
					      memcmp(r->owner, z->origin, z->origin_len) == 0))
			diag_error(ld->diag, r->file, r->line, 0,
				   "SOA record at %s, not at the zone apex %s",
				   wire_name_to_str(r->owner, s, sizeof(s)), z->origin_str);
	}
	const struct rrset *soa = node_rrset(z->apex, TYPE_SOA);
	if (!soa) {
		diag_error(ld->diag, z->file, 1, 0, "no SOA record at the zone apex %s",
			   z->origin_str);
	} else if (soa->count != 1) {
		const struct rec *second = NULL;
		for (size_t i = 0, seen = 0; i < ld->nrecs; i++)
			if (ld->recs[i].type == TYPE_SOA && ld->recs[i].line > 0 && ++seen == 2)
				second = &ld->recs[i];
		diag_error(ld->diag, second ? second->file : z->file, second ? second->line : 1,
			   0, "more than one SOA record at the zone apex");
	} else {
		/* serial and MINIMUM: after two names, 5 x 32 bits */
		const uint8_t *rd = soa->rdata + 2;
		size_t rdlen = rd16(soa->rdata);
		size_t l1 = wire_name_len(rd, rdlen);
		size_t l2 = l1 ? wire_name_len(rd + l1, rdlen - l1) : 0;
		if (!l1 || !l2 || l1 + l2 + 20 != rdlen) {
			diag_error(ld->diag, z->file, 1, 0, "malformed SOA record");
		} else {
			z->serial = rd32(rd + l1 + l2);
			uint32_t minimum = rd32(rd + l1 + l2 + 16);
			z->neg_ttl = soa->ttl < minimum ? soa->ttl : minimum;
			z->soa = soa;
			render_neg_soa(z);
		}
	}
	if (!node_rrset(z->apex, TYPE_NS)) {
		const struct rec *r = first_rec(ld, z->apex, TYPE_SOA);
		diag_error(ld->diag, r ? r->file : z->file, r ? r->line : 1, 0,
			   "no NS records at the zone apex %s", z->origin_str);
	}

	for (size_t b = 0; b <= z->mask; b++) {
		struct node *n = z->table[b];
		if (!n)
			continue;
		const struct rrset *cn = node_rrset(n, TYPE_CNAME);
		if (cn && cn->count > 1) {
			const struct rec *r = first_rec(ld, n, TYPE_CNAME);
			diag_error(ld->diag, r->file, r->line, 0, "more than one CNAME at %s",
				   wire_name_to_str(n->name, s, sizeof(s)));
		}
		if (cn && n->nrrsets > 1) {
			for (unsigned i = 0; i < n->nrrsets; i++) {
				uint16_t t = n->rrsets[i].type;
				if (t == TYPE_CNAME || t == TYPE_RRSIG || t == TYPE_NSEC)
					continue;
				const struct rec *r = first_rec(ld, n, t);
				diag_error(ld->diag, r->file, r->line, 0,
					   "CNAME and other data at %s",
					   wire_name_to_str(n->name, s, sizeof(s)));
				break;
			}
		}
		if (cn && (n->flags & NODE_APEX)) {
			const struct rec *r = first_rec(ld, n, TYPE_CNAME);
			diag_error(ld->diag, r->file, r->line, 0, "CNAME at the zone apex");
		}
		const struct rrset *dn = node_rrset(n, TYPE_DNAME);
		if (dn && dn->count > 1) {
			const struct rec *r = first_rec(ld, n, TYPE_DNAME);
			diag_error(ld->diag, r->file, r->line, 0, "more than one DNAME at %s",
				   wire_name_to_str(n->name, s, sizeof(s)));
		}
	}

	/* occlusion: parents before children, so walk by label count */
	unsigned maxl = 0;
	for (size_t b = 0; b <= z->mask; b++)
		if (z->table[b] && z->table[b]->labels > maxl)
			maxl = z->table[b]->labels;
	for (unsigned l = z->labels + 1; l <= maxl; l++) {
		for (size_t b = 0; b <= z->mask; b++) {
			struct node *n = z->table[b];
			if (!n || n->labels != l)
				continue;
			const struct node *p = n->parent;
			if ((p->flags & (NODE_OCCLUDED | NODE_DNAME)) ||
			    (p->flags & NODE_DELEG))
				n->flags |= NODE_OCCLUDED;
			if (!(n->flags & NODE_OCCLUDED))
				continue;
			if (p->flags & NODE_DNAME && n->nrrsets) {
				const struct rec *r = first_rec(ld, n, 0);
				diag_error(ld->diag, r->file, r->line, 0,
					   "%s is below a DNAME",
					   wire_name_to_str(n->name, s, sizeof(s)));
			}
			for (unsigned i = 0; i < n->nrrsets; i++) {
				uint16_t t = n->rrsets[i].type;
				if (t == TYPE_A || t == TYPE_AAAA)
					continue; /* glue */
				const struct rec *r = first_rec(ld, n, t);
				diag_warn(ld->diag, r->file, r->line, 0,
					  "%s is below a zone cut and is ignored",
					  wire_name_to_str(n->name, s, sizeof(s)));
				break;
			}
		}
	}

	/* service names: no static A/AAAA/CNAME, not below a cut or DNAME */
	for (size_t i = 0; z->services && i < z->services->n; i++) {
		const struct service *svc = &z->services->svcs[i];
		const struct node *n = zone_lookup(z, svc->name, svc->name_len);
		static const uint16_t banned[] = {TYPE_A, TYPE_AAAA, TYPE_CNAME, TYPE_DNAME};
		for (size_t k = 0; k < ARRAY_SIZE(banned); k++) {
			const struct rec *r = node_rrset(n, banned[k]) ? first_rec(ld, n, banned[k])
								  : NULL;
			if (r)
				diag_error(ld->diag, r->file, r->line, 0,
					   "static %s record at service name %s (%s:%d:%d "
					   "defines it)",
					   banned[k] == TYPE_A ? "A" : banned[k] == TYPE_AAAA ? "AAAA" :
					   banned[k] == TYPE_CNAME ? "CNAME" : "DNAME",
					   svc->name_str, z->services->file, svc->line, svc->column);
		}
		if (n->flags & (NODE_OCCLUDED | NODE_DELEG))
			diag_error(ld->diag, z->services->file, svc->line, svc->column,
				   "service %s is at or below a zone cut or DNAME", svc->name_str);
		for (unsigned k = 0; k < svc->nregions; k++)
			if ((n->flags & NODE_APEX) && svc->regions[k].cname)
				diag_error(ld->diag, z->services->file, svc->line, svc->column,
					   "service %s at the zone apex cannot answer a cname",
					   svc->name_str);
	}

	/* in-zone NS targets need addresses */
	for (size_t i = 0; i < ld->nrecs; i++) {
		const struct rec *r = &ld->recs[i];
		if (r->type != TYPE_NS || r->line < 0)
			continue;
		uint8_t target[WIRE_NAME_MAX];
		size_t tl = wire_name_len(r->rdata, r->rdlen);
		if (!tl)
			continue;
		wire_name_lower(r->rdata, tl, target);
		if (!wire_name_is_sub(target, z->origin))
			continue;
		struct node *t = zone_lookup(z, target, tl);
		if (!t || (!node_rrset(t, TYPE_A) && !node_rrset(t, TYPE_AAAA)))
			diag_error(ld->diag, r->file, r->line, 0,
				   "missing glue: NS target %s in the zone has no A or AAAA",
				   wire_name_to_str(target, s, sizeof(s)));
	}
}

/* The origin of a config entry as ldns reads it (relative names are taken
 * as absolute), NULL when it is not a name. */
static ldns_rdf *config_origin(const char *text)
{
	ldns_rdf *origin = NULL;
	char abs[1024];
	snprintf(abs, sizeof(abs), "%s%s", text,
	         text[0] && text[strlen(text) - 1] == '.' ? "" : ".");
	if (ldns_str2rdf_dname(&origin, abs) != LDNS_STATUS_OK)
		return NULL;
	return origin;
}

struct zone *zone_load(const struct zone_config *zc, struct diag *diag)
{
	struct zone *z = xcalloc(1, sizeof(*z));
	z->refs = 1;
	z->file = xstrdup(zc->file);
	z->config_origin = xstrdup(zc->origin);
	z->config_services = zc->services ? xstrdup(zc->services) : NULL;
	size_t before = diag->errors;
	ldns_rdf *origin = config_origin(zc->origin);
	if (!origin) {
		diag_error(diag, zc->file, 0, 0, "bad zone origin %s", zc->origin);
		zone_free(z);
		return NULL;
	}
	z->origin_len = ldns_rdf_size(origin);
	wire_name_lower(ldns_rdf_data(origin), z->origin_len, z->origin);
	z->labels = wire_name_labels(z->origin);
	char s[1024];
	z->origin_str = xstrdup(wire_name_to_str(z->origin, s, sizeof(s)));

	struct loader ld = {
	    .z = z, .diag = diag, .buf = ldns_buffer_new(65536), .digest = digest_config(zc)};
	bool readable = read_file_into(&ld, zc->file, origin, NULL, 0) == GD_OK;
	ldns_rdf_deep_free(origin);
	if (zc->services) {
		static const struct region_table none = {NULL, 0};
		/* digested as read here, before the services code reads it:
		 * a change in between then only costs a rebuild on the next
		 * reload, never keeps a stale zone */
		char *text;
		size_t len;
		if (read_file(zc->services, &text, &len) == GD_OK) {
			loader_file(&ld, zc->services);
			ld.digest = digest_file(ld.digest, zc->services, text, len);
			free(text);
		}
		z->services = service_set_load(zc->services, z->origin, z->origin_str,
					       zc->regions ? zc->regions : &none, diag);
	}
	/* check what did parse even after syntax errors: -t then reports every
	 * problem of the zone at once (a broken line may add its consequence,
	 * e.g. missing glue, which is true of the zone as written) */
	if (readable) {
		compile(&ld);
		validate(&ld);
	}
	/* the source records are no longer needed: rdata lives in the arena
	 * already, and rec structs are load-time only */
	free(ld.recs);
	z->inputs = ld.files;
	z->ninputs = ld.nfiles;
	z->digest = ld.digest;
	ldns_buffer_free(ld.buf);
	if (diag->errors != before) {
		zone_free(z);
		return NULL;
	}
	return z;
}

void zone_free(struct zone *z)
{
	if (!z || __atomic_sub_fetch(&z->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	free(z->table);
	service_set_free(z->services);
	arena_free(z->arena);
	free(z->origin_str);
	free(z->file);
	free(z->config_origin);
	free(z->config_services);
	for (size_t i = 0; i < z->ninputs; i++)
		free(z->inputs[i]);
	free(z->inputs);
	free(z);
}

/* ---- the database of all zones ---- */

/* The zone whose origin is exactly the lower-case name with hash h. */
static inline struct zone *zonedb_exact(const struct zonedb *db, const uint8_t *lname, size_t len,
                                        uint32_t h)
{
	for (size_t b = h & db->mask;; b = (b + 1) & db->mask) {
		struct zone *z = db->table[b];
		if (!z || (z->origin_len == len && memcmp(z->origin, lname, len) == 0))
			return z;
	}
}

const struct zone *zonedb_find_h(const struct zonedb *db, const uint8_t *lname, size_t len,
				 const uint8_t *label_off, unsigned nlabels, const uint32_t *hashes,
				 unsigned *label_index)
{
	unsigned first = nlabels > db->max_labels ? nlabels - db->max_labels : 0;
	for (unsigned i = first; i <= nlabels; i++) {
		unsigned labels = nlabels - i;
		if (labels < db->min_labels)
			break;
		size_t off = i < nlabels ? label_off[i] : len - 1;
		const struct zone *z = zonedb_exact(db, lname + off, len - off, hashes[i]);
		if (z) {
			*label_index = i;
			return z;
		}
	}
	return NULL;
}

const struct zone *zonedb_find(const struct zonedb *db, const uint8_t *lname,
			       const uint8_t *label_off, unsigned nlabels,
			       unsigned *label_index)
{
	uint32_t h[WIRE_LABELS_MAX + 1];
	size_t len = wire_name_len(lname, WIRE_NAME_MAX);
	if (!len)
		return NULL;
	wire_suffix_hashes(lname, label_off, nlabels, h);
	return zonedb_find_h(db, lname, len, label_off, nlabels, h, label_index);
}

const struct node *zonedb_target(const struct zonedb *db, const struct rrset *rs, unsigned i,
                                 const uint8_t *rd)
{
	const struct target_name *t = rs->outside ? rs->outside[i] : NULL;
	struct target_name here;
	uint8_t lname[WIRE_NAME_MAX], off[WIRE_LABELS_MAX];
	uint32_t hashes[WIRE_LABELS_MAX + 1];
	if (!t) {
		/* in the zone's names: its own node unless a hosted zone may
		 * sit between its origin and the target */
		if (!db->nested)
			return rs->targets[i];
		if (target_name_of(rs, rd, &here, lname, off, hashes) < 0)
			return NULL;
		t = &here;
	}
	unsigned label_index;
	const struct zone *tz =
	    zonedb_find_h(db, t->lname, t->len, t->label_off, t->nlabels, t->hashes, &label_index);
	return tz ? zone_lookup_h(tz, t->lname, t->len, t->hashes[0]) : NULL;
}

struct zonedb *zonedb_build(struct zone **zones, size_t count, struct diag *diag)
{
	struct zonedb *db = xcalloc(1, sizeof(*db));
	db->zones = zones;
	db->count = count;
	size_t size = 16;
	while (size < count * 2)
		size <<= 1;
	db->table = xcalloc(size, sizeof(struct zone *));
	db->mask = size - 1;
	db->min_labels = 255;
	bool ok = true;
	for (size_t i = 0; i < count; i++) {
		struct zone *z = zones[i];
		uint32_t h = name_hash(z->origin, z->origin_len);
		size_t b = h & db->mask;
		for (; db->table[b]; b = (b + 1) & db->mask) {
			if (db->table[b]->origin_len == z->origin_len &&
			    memcmp(db->table[b]->origin, z->origin, z->origin_len) == 0) {
				diag_error(diag, z->file, 0, 0, "zone %s is configured twice",
					   z->origin_str);
				ok = false;
			}
		}
		db->table[b] = z;
		if (z->labels < db->min_labels)
			db->min_labels = z->labels;
		if (z->labels > db->max_labels)
			db->max_labels = z->labels;
	}
	if (!ok) {
		zonedb_free(db);
		return NULL;
	}
	/* an origin with another hosted origin above it */
	for (size_t i = 0; i < count && !db->nested; i++) {
		const struct zone *z = zones[i];
		uint8_t off[WIRE_LABELS_MAX];
		uint32_t h[WIRE_LABELS_MAX + 1];
		unsigned nl = wire_label_offsets(z->origin, off);
		wire_suffix_hashes(z->origin, off, nl, h);
		for (unsigned k = 1; k <= nl && !db->nested; k++) {
			size_t at = k < nl ? off[k] : z->origin_len - 1;
			db->nested = zonedb_exact(db, z->origin + at, z->origin_len - at, h[k]);
		}
	}
	return db;
}

void zonedb_free(struct zonedb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->count; i++)
		zone_free(db->zones[i]);
	free(db->zones);
	free(db->table);
	free(db);
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

struct zone *zone_reuse(const struct zonedb *prev, const struct zone_config *zc)
{
	if (!prev)
		return NULL;
	ldns_rdf *origin = config_origin(zc->origin);
	if (!origin)
		return NULL;
	uint8_t lname[WIRE_NAME_MAX];
	size_t len = ldns_rdf_size(origin);
	wire_name_lower(ldns_rdf_data(origin), len, lname);
	ldns_rdf_deep_free(origin);
	struct zone *z = zonedb_exact(prev, lname, len, name_hash(lname, len));
	if (!z || strcmp(z->config_origin, zc->origin) != 0 || strcmp(z->file, zc->file) != 0 ||
	    !same_str(z->config_services, zc->services))
		return NULL;
	uint64_t h = digest_config(zc);
	for (size_t i = 0; i < z->ninputs; i++) {
		char *text;
		size_t n;
		if (read_file(z->inputs[i], &text, &n) != GD_OK)
			return NULL; /* gone: loading it reports why */
		h = digest_file(h, z->inputs[i], text, n);
		free(text);
	}
	if (h != z->digest)
		return NULL;
	__atomic_add_fetch(&z->refs, 1, __ATOMIC_RELAXED);
	return z;
}
