/*
 * shared_networks.c - the shared networks file (geoip.networks), read
 * into one sorted list that every service's trie takes its part of.
 *
 * Both forms go through the same steps: each network parsed as a
 * service's "networks" key is (netmap_parse_network), its region looked up
 * in the configuration's regions, then the list sorted and the same
 * network twice reported at the later one. Only the way an error is
 * placed differs: JSON with the line and column of its key or value
 * (jsoncheck), CSV with its line.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "geo/shared_networks.h"

#include "common/diag.h"
#include "common/gd.h"
#include "conf/jsoncheck.h"
#include "geo/netmap.h"
#include "geo/service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The list being read: entries (tag: the item's index), and per item
 * where it was written, for errors. */
struct reading {
	const char *path;
	struct diag *diag;
	const struct region_table *rt;
	struct netmap_entry *e;
	uint16_t *region;  /* per item */
	int *line;         /* per item (CSV) */
	const char **text; /* per item: the network as written */
	size_t n, cap;
	bool over; /* more than SHARED_NETWORKS_MAX: reported */
};

/* 64-bit FNV-1a: only to tell a changed list from an unchanged one. */
static uint64_t digest_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Room for one more item; false past the cap. */
static bool reading_room(struct reading *r)
{
	if (r->n == SHARED_NETWORKS_MAX)
		return false;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->e = xrealloc(r->e, r->cap * sizeof(*r->e));
		r->region = xrealloc(r->region, r->cap * sizeof(*r->region));
		r->line = xrealloc(r->line, r->cap * sizeof(*r->line));
		r->text = xrealloc(r->text, r->cap * sizeof(*r->text));
	}
	return true;
}

/* ---- CSV ---- */

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* s[0..*n) without blanks around it. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && is_blank(s[0]))
		s++, (*n)--;
	while (*n && is_blank(s[*n - 1]))
		(*n)--;
	return s;
}

/* One line (without its newline): "CIDR,region", blank, or a comment
 * ('#' to the end of the line). */
static void csv_line(struct reading *r, const char *s, size_t len, int lineno, char **owned)
{
	const char *hash = memchr(s, '#', len);
	if (hash)
		len = (size_t)(hash - s);
	s = trim(s, &len);
	if (len == 0)
		return;
	if (memchr(s, '\0', len)) {
		diag_error(r->diag, r->path, lineno, 0, "a NUL octet in the line");
		return;
	}
	const char *comma = memchr(s, ',', len);
	if (!comma || memchr(comma + 1, ',', len - (size_t)(comma + 1 - s))) {
		diag_error(r->diag, r->path, lineno, 0,
		           "expected CIDR,region (e.g. 192.0.2.0/24,us-east)");
		return;
	}
	size_t nl = (size_t)(comma - s), rl = len - nl - 1;
	const char *net = trim(s, &nl), *reg = trim(comma + 1, &rl);
	char *item = xmalloc(nl + rl + 2);
	memcpy(item, net, nl);
	item[nl] = '\0';
	memcpy(item + nl + 1, reg, rl);
	item[nl + 1 + rl] = '\0';
	*owned = item;
	if (!reading_room(r)) {
		if (!r->over)
			diag_error(r->diag, r->path, lineno, 0, "more than %d networks",
			           SHARED_NETWORKS_MAX);
		r->over = true;
		return;
	}
	char why[160];
	int ri = region_find(r->rt, item + nl + 1);
	if (!netmap_parse_network(item, &r->e[r->n], why, sizeof(why))) {
		diag_error(r->diag, r->path, lineno, 0, "\"%s\": %s", item, why);
	} else if (ri < 0) {
		diag_error(r->diag, r->path, lineno, 0,
		           "unknown region \"%s\" (not in the config's regions)", item + nl + 1);
	} else {
		r->e[r->n].tag = (uint32_t)r->n;
		r->region[r->n] = (uint16_t)ri;
		r->line[r->n] = lineno;
		r->text[r->n] = item;
		r->n++;
	}
}

/* Every line; the items' texts go to owned[] (one per line at most). */
static void csv_read(struct reading *r, const char *text, size_t len, char **owned)
{
	size_t pos = 0;
	int lineno = 1;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		csv_line(r, text + pos, end - pos, lineno, &owned[lineno - 1]);
		pos = end + 1;
		lineno++;
	}
}

/* ---- JSON ---- */

static void json_read(struct reading *r, const char *text, size_t len)
{
	struct jcheck c = {.file = r->path,
	                   .text = text,
	                   .len = len,
	                   .diag = r->diag,
	                   .errors_before = r->diag->errors};
	json_t *root = jc_load_object(&c, "a networks file in JSON is an object "
	                                  "{\"CIDR\": \"region\", ...}");
	if (!root)
		return;
	if (json_object_size(root) > SHARED_NETWORKS_MAX) {
		jc_error(&c, false, "%zu networks, more than %d", json_object_size(root),
		         SHARED_NETWORKS_MAX);
		json_decref(root);
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		jc_push_key(&c, key);
		char why[160];
		reading_room(r);
		int ri = json_is_string(v) ? region_find(r->rt, json_string_value(v)) : -1;
		if (!netmap_parse_network(key, &r->e[r->n], why, sizeof(why))) {
			jc_error(&c, true, "%s", why);
		} else if (!json_is_string(v)) {
			jc_error(&c, false, "expected a region name, found %s", jc_type_name(v));
		} else if (ri < 0) {
			jc_error(&c, false, "unknown region \"%s\" (not in the config's regions)",
			         json_string_value(v));
		} else {
			r->e[r->n].tag = (uint32_t)r->n;
			r->region[r->n] = (uint16_t)ri;
			r->line[r->n] = 0;
			/* the key lives in root until the checks below end */
			r->text[r->n] = key;
			r->n++;
		}
		jc_pop(&c);
	}
	/* the same network twice, at the later key (its place in the text) */
	netmap_sort(r->e, r->n);
	for (size_t i = 1; i < r->n; i++) {
		if (!netmap_same_network(&r->e[i - 1], &r->e[i]))
			continue;
		uint32_t a = r->e[i - 1].tag, b = r->e[i].tag;
		jc_push_key(&c, r->text[a > b ? a : b]);
		jc_error(&c, true, "overlapping duplicate: the same network as \"%s\"",
		         r->text[a < b ? a : b]);
		jc_pop(&c);
	}
	json_decref(root);
}

/* CSV's duplicates, at the later line. */
static void csv_duplicates(struct reading *r)
{
	netmap_sort(r->e, r->n);
	for (size_t i = 1; i < r->n; i++) {
		if (!netmap_same_network(&r->e[i - 1], &r->e[i]))
			continue;
		uint32_t a = r->e[i - 1].tag, b = r->e[i].tag;
		uint32_t first = a < b ? a : b, later = a < b ? b : a;
		diag_error(r->diag, r->path, r->line[later], 0,
		           "\"%s\": overlapping duplicate: the same network as \"%s\" (line %d)",
		           r->text[later], r->text[first], r->line[first]);
	}
}

static bool json_form(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
			return text[i] == '{';
	return false;
}

struct shared_networks *shared_networks_load(const char *path, const struct region_table *rt,
                                             struct diag *diag)
{
	char *text;
	size_t len;
	if (read_file(path, &text, &len) < 0) {
		diag_error(diag, path, 0, 0, "cannot read networks file: %s", strerror(errno));
		return NULL;
	}
	size_t before = diag->errors;
	struct reading r = {.path = path, .diag = diag, .rt = rt};
	reading_room(&r);
	char **owned = NULL;
	size_t nlines = 1;
	if (json_form(text, len)) {
		json_read(&r, text, len);
	} else {
		for (size_t i = 0; i < len; i++)
			nlines += text[i] == '\n';
		owned = xcalloc(nlines, sizeof(*owned));
		csv_read(&r, text, len, owned);
		csv_duplicates(&r);
	}
	struct shared_networks *nets = NULL;
	if (diag->errors == before) {
		nets = xcalloc(1, sizeof(*nets));
		nets->file = xstrdup(path);
		nets->refs = 1;
		nets->n = r.n;
		nets->nets = xcalloc(r.n + 1, sizeof(*nets->nets));
		for (size_t i = 0; i < r.n; i++) {
			nets->nets[i] = r.e[i];
			nets->nets[i].tag = r.region[r.e[i].tag];
		}
		nets->digest = digest_bytes(nets->nets, r.n * sizeof(*nets->nets));
		if (nets->digest == 0)
			nets->digest = 1;
	}
	for (size_t i = 0; owned && i < nlines; i++)
		free(owned[i]);
	free(owned);
	free(r.e);
	free(r.region);
	free(r.line);
	free(r.text);
	free(text);
	return nets;
}

struct shared_networks *shared_networks_ref(struct shared_networks *nets)
{
	if (nets)
		__atomic_add_fetch(&nets->refs, 1, __ATOMIC_RELAXED);
	return nets;
}

void shared_networks_free(struct shared_networks *nets)
{
	if (!nets || __atomic_sub_fetch(&nets->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	free(nets->nets);
	free(nets->file);
	free(nets);
}

uint64_t shared_networks_digest(const struct region_table *rt)
{
	return rt && rt->networks ? rt->networks->digest : 0;
}
