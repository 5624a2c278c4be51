/*
 * catalog.c - a catalog zone (RFC 9432, version 2) read from a compiled
 * zone, and the difference of two versions of it.
 *
 * The zone's node table is walked once for member nodes (the names two
 * labels below the apex whose second label is "zones"); each member's
 * properties are found by lookup of group.<node> and coo.<node>, so the
 * whole read is linear in the zone's nodes, then a sort of the members.
 * The members are sorted by origin so that a duplicate is a neighbour and
 * the difference of two versions is one merge walk.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr/catalog.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/dns.h"
#include "dns/wire.h"
#include "zone/zone.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for any name in wire_name_to_str's form (at most four characters
 * per octet). */
#define NAME_STR_MAX 1024

struct reader {
	const struct zone *z;
	struct diag *diag;
	struct catalog_member *members;
	size_t count, cap;
};

/* label.parent into out (wire form); false when it would be too long. */
static bool child_name(const char *label, const uint8_t *parent, size_t parent_len,
                       uint8_t out[WIRE_NAME_MAX], size_t *out_len)
{
	size_t l = strlen(label);
	assert(l > 0 && l < 64);
	if (1 + l + parent_len > WIRE_NAME_MAX)
		return false;
	out[0] = (uint8_t)l;
	memcpy(out + 1, label, l);
	memcpy(out + 1 + l, parent, parent_len);
	*out_len = 1 + l + parent_len;
	return true;
}

/* The RRset of type at label.parent, or NULL; out holds the name. */
static const struct rrset *child_rrset(const struct zone *z, const char *label,
                                       const uint8_t *parent, size_t parent_len, uint16_t type,
                                       uint8_t out[WIRE_NAME_MAX])
{
	size_t len;
	if (!child_name(label, parent, parent_len, out, &len))
		return NULL;
	const struct node *n = zone_lookup(z, out, len);
	return n ? node_rrset(n, type) : NULL;
}

/* A TXT record's character-strings as they would be written in a zone
 * file, for messages; cut short to fit cap. */
static const char *txt_str(const uint8_t *rd, size_t rdlen, char *buf, size_t cap)
{
	size_t n = 0, p = 0;
	buf[0] = '\0';
	while (p < rdlen && n + 8 < cap) {
		size_t l = rd[p++];
		if (n > 0)
			buf[n++] = ' ';
		buf[n++] = '"';
		for (size_t i = 0; i < l && p < rdlen && n + 8 < cap; i++, p++) {
			uint8_t c = rd[p];
			if (c == '"' || c == '\\')
				n += (size_t)snprintf(buf + n, cap - n, "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				n += (size_t)snprintf(buf + n, cap - n, "\\%03u", c);
			else
				buf[n++] = (char)c;
		}
		buf[n++] = '"';
		buf[n] = '\0';
	}
	return buf;
}

/* RFC 9432 4.3.1: version.<catalog> TXT, one record, the one string "2". */
static void read_version(struct reader *r)
{
	const struct zone *z = r->z;
	uint8_t name[WIRE_NAME_MAX];
	char s[NAME_STR_MAX], v[256];
	const struct rrset *rs =
	    child_rrset(z, "version", z->origin, z->origin_len, TYPE_TXT, name);
	if (!rs) {
		diag_error(r->diag, z->file, 0, 0,
		           "catalog %s: no version property (a TXT \"2\" at version.%s, RFC 9432 "
		           "4.3.1): not processed",
		           z->origin_str, z->labels ? z->origin_str : "");
		return;
	}
	wire_name_to_str(name, s, sizeof(s));
	if (rs->count != 1) {
		diag_error(r->diag, z->file, 0, 0,
		           "catalog %s: %s has %u TXT records, want one (RFC 9432 4.3.1): not "
		           "processed",
		           z->origin_str, s, rs->count);
		return;
	}
	/* rdlength 2: one character-string of length 1, "2" */
	const uint8_t *rd = rs->rdata;
	if (rd16(rd) != 2 || rd[2] != 1 || rd[3] != '2')
		diag_error(r->diag, z->file, 0, 0,
		           "catalog %s: %s TXT %s is not the schema version 2 (RFC 9432 4.3.1): "
		           "not processed",
		           z->origin_str, s, txt_str(rd + 2, rd16(rd), v, sizeof(v)));
}

/* The one name of a PTR RRset in lower-case wire form (out, *len), or an
 * error naming what is wrong at owner, with the section of RFC 9432 that
 * allows one record only. */
static bool ptr_target(struct reader *r, const struct rrset *ptr, const uint8_t *owner,
                       const char *what, const char *section, uint8_t out[WIRE_NAME_MAX],
                       size_t *len)
{
	char s[NAME_STR_MAX];
	if (ptr->count != 1) {
		diag_error(r->diag, r->z->file, 0, 0,
		           "catalog %s: %s %s has %u PTR records, want one (RFC 9432 %s): not "
		           "processed",
		           r->z->origin_str, what, wire_name_to_str(owner, s, sizeof(s)),
		           ptr->count, section);
		return false;
	}
	/* ldns writes whole names only; a zone from elsewhere is checked */
	size_t rdlen = rd16(ptr->rdata);
	if (rdlen == 0 || wire_name_len(ptr->rdata + 2, rdlen) != rdlen) {
		diag_error(r->diag, r->z->file, 0, 0,
		           "catalog %s: %s %s: the PTR is not one domain name: not processed",
		           r->z->origin_str, what, wire_name_to_str(owner, s, sizeof(s)));
		return false;
	}
	wire_name_lower(ptr->rdata + 2, rdlen, out);
	*len = rdlen;
	return true;
}

static int str_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The group property (RFC 9432 4.4.2): one value per TXT record, its
 * character-strings joined; sorted, duplicates dropped. */
static void read_groups(struct reader *r, struct catalog_member *m, const struct node *member)
{
	uint8_t name[WIRE_NAME_MAX];
	const struct rrset *rs =
	    child_rrset(r->z, "group", member->name, member->namelen, TYPE_TXT, name);
	if (!rs)
		return;
	m->groups = xcalloc(rs->count, sizeof(char *));
	const uint8_t *rd = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++, rd = rrset_rdata_next(rd)) {
		size_t rdlen = rd16(rd), n = 0;
		char *v = xmalloc(rdlen + 1);
		bool nul = false;
		for (size_t p = 0; p < rdlen;) {
			size_t l = rd[2 + p++];
			if (l > rdlen - p)
				l = rdlen - p;
			nul |= memchr(rd + 2 + p, 0, l) != NULL;
			memcpy(v + n, rd + 2 + p, l);
			n += l;
			p += l;
		}
		v[n] = '\0';
		if (nul) {
			char s[NAME_STR_MAX];
			diag_warn(r->diag, r->z->file, 0, 0,
			          "catalog %s: a group of %s holds a NUL octet: that group is "
			          "ignored",
			          r->z->origin_str, wire_name_to_str(name, s, sizeof(s)));
			free(v);
			continue;
		}
		m->groups[m->ngroups++] = v;
	}
	qsort(m->groups, m->ngroups, sizeof(char *), str_compare);
	size_t kept = 0;
	for (size_t i = 0; i < m->ngroups; i++) {
		if (kept > 0 && strcmp(m->groups[kept - 1], m->groups[i]) == 0)
			free(m->groups[i]);
		else
			m->groups[kept++] = m->groups[i];
	}
	m->ngroups = kept;
}

/* The coo property (RFC 9432 4.4.1); false when it is broken. */
static bool read_coo(struct reader *r, struct catalog_member *m, const struct node *member)
{
	uint8_t name[WIRE_NAME_MAX], target[WIRE_NAME_MAX];
	size_t len;
	char s[NAME_STR_MAX];
	const struct rrset *rs =
	    child_rrset(r->z, "coo", member->name, member->namelen, TYPE_PTR, name);
	if (!rs)
		return true;
	if (!ptr_target(r, rs, name, "coo property", "4.4.1", target, &len))
		return false;
	m->coo = xstrdup(wire_name_to_str(target, s, sizeof(s)));
	return true;
}

static void member_free(struct catalog_member *m)
{
	free(m->origin);
	free(m->wire);
	free(m->id);
	for (size_t i = 0; i < m->ngroups; i++)
		free(m->groups[i]);
	free(m->groups);
	free(m->coo);
}

/* A member node (<unique-id>.zones.<catalog>) with its PTR. */
static void read_member(struct reader *r, const struct node *n, const struct rrset *ptr)
{
	const struct zone *z = r->z;
	uint8_t target[WIRE_NAME_MAX], label[66];
	size_t len;
	char s[NAME_STR_MAX];
	if (!ptr_target(r, ptr, n->name, "member", "4.2", target, &len))
		return;
	if (len == z->origin_len && memcmp(target, z->origin, len) == 0) {
		diag_warn(
		    r->diag, z->file, 0, 0,
		    "catalog %s: member %s is the catalog zone itself: ignored (RFC 9432 5.2)",
		    z->origin_str, wire_name_to_str(n->name, s, sizeof(s)));
		return;
	}
	struct catalog_member m = {0};
	m.origin = xstrdup(wire_name_to_str(target, s, sizeof(s)));
	m.wire = xmalloc(len);
	memcpy(m.wire, target, len);
	m.wire_len = len;
	/* the unique-id as a name of one label, without its final dot */
	memcpy(label, n->name, n->name[0] + 1u);
	label[n->name[0] + 1] = 0;
	wire_name_to_str(label, s, sizeof(s));
	s[strlen(s) - 1] = '\0';
	m.id = xstrdup(s);
	read_groups(r, &m, n);
	if (!read_coo(r, &m, n)) {
		member_free(&m);
		return;
	}
	if (r->count == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->members = xrealloc(r->members, r->cap * sizeof(*r->members));
	}
	r->members[r->count++] = m;
}

/* By origin, then unique-id: duplicates are neighbours, in a stable order. */
static int member_compare(const void *a, const void *b)
{
	const struct catalog_member *x = a, *y = b;
	int c = strcmp(x->origin, y->origin);
	return c ? c : strcmp(x->id, y->id);
}

int catalog_read(const struct zone *z, struct catalog *out, struct diag *diag)
{
	struct reader r = {.z = z, .diag = diag};
	size_t errors = diag->errors;
	memset(out, 0, sizeof(*out));
	read_version(&r);
	for (size_t i = 0; i <= z->mask; i++) {
		const struct node *n = z->table[i];
		if (!n || n->labels != z->labels + 2)
			continue;
		const uint8_t *second = n->name + n->name[0] + 1;
		if (second[0] != 5 || memcmp(second + 1, "zones", 5) != 0)
			continue;
		const struct rrset *ptr = node_rrset(n, TYPE_PTR);
		if (ptr)
			read_member(&r, n, ptr);
	}
	if (r.count > 1)
		qsort(r.members, r.count, sizeof(*r.members), member_compare);
	for (size_t i = 1; i < r.count; i++)
		if (strcmp(r.members[i - 1].origin, r.members[i].origin) == 0)
			diag_error(
			    diag, z->file, 0, 0,
			    "catalog %s: member zone %s is listed twice, under unique-ids %s "
			    "and %s (RFC 9432 4.2): not processed",
			    z->origin_str, r.members[i].origin, r.members[i - 1].id,
			    r.members[i].id);
	if (diag->errors > errors) {
		for (size_t i = 0; i < r.count; i++)
			member_free(&r.members[i]);
		free(r.members);
		return GD_EFORMAT;
	}
	out->origin = xstrdup(z->origin_str);
	out->serial = z->serial;
	out->members = r.members;
	out->count = r.count;
	return GD_OK;
}

void catalog_free(struct catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++)
		member_free(&c->members[i]);
	free(c->members);
	free(c->origin);
	memset(c, 0, sizeof(*c));
}

static int find_compare(const void *key, const void *elem)
{
	return strcmp(key, ((const struct catalog_member *)elem)->origin);
}

const struct catalog_member *catalog_find(const struct catalog *c, const char *origin)
{
	if (!c || !c->count)
		return NULL;
	return bsearch(origin, c->members, c->count, sizeof(*c->members), find_compare);
}

/* The same properties: groups and coo. */
static bool same_properties(const struct catalog_member *a, const struct catalog_member *b)
{
	if (a->ngroups != b->ngroups || !str_same(a->coo, b->coo))
		return false;
	for (size_t i = 0; i < a->ngroups; i++)
		if (strcmp(a->groups[i], b->groups[i]) != 0)
			return false;
	return true;
}

void catalog_diff(const struct catalog *old, const struct catalog *new, catalog_change_fn fn,
                  void *arg)
{
	size_t i = 0, j = 0;
	size_t nold = old ? old->count : 0, nnew = new ? new->count : 0;
	while (i < nold || j < nnew) {
		int c = i == nold   ? 1
		        : j == nnew ? -1
		                    : strcmp(old->members[i].origin, new->members[j].origin);
		if (c < 0) {
			fn(arg, CATALOG_REMOVED, &old->members[i++], NULL);
		} else if (c > 0) {
			fn(arg, CATALOG_ADDED, NULL, &new->members[j++]);
		} else {
			const struct catalog_member *a = &old->members[i++],
			                            *b = &new->members[j++];
			if (strcmp(a->id, b->id) != 0)
				fn(arg, CATALOG_RESET, a, b);
			else if (!same_properties(a, b))
				fn(arg, CATALOG_CHANGED, a, b);
		}
	}
}
