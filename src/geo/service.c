/*
 * service.c - services files and the closest-healthy-region choice.
 *
 * Loading checks every rule with file:line:column (jsoncheck): unknown
 * regions, bad addresses, a region with nothing to answer, duplicate names
 * (also "www" vs "www.example.com."), names outside the zone, overrides to
 * regions the service does not have; for "networks" (geo/netmap.c) bad
 * networks, host bits set, the same network twice in any spelling; for
 * "asns" bad AS numbers and the same number twice ("64500", "AS64500").
 * A service's trie of networks also holds the shared ones of
 * geoip.networks (shared_networks.c) that name its regions, its own
 * winning for the same network.
 *
 * The choice is pure: given the ranked order, the client hash and the
 * health view it always gives the same answer, so it is unit-tested without
 * a network and a resolver sees one answer per client network.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "geo/service.h"

#include "common/diag.h"
#include "common/gd.h"
#include "common/netaddr.h"
#include "geo/geo.h"
#include "geo/netmap.h"
#include "geo/shared_networks.h"
#include "health/health.h"
#include "conf/jsoncheck.h"
#include "dns/wire.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERVICE_DEFAULT_TTL 30

static const char *const continent_codes[] = {"AF", "AN", "AS", "EU", "NA", "OC", "SA", NULL};

/* Rough continent centres, for databases with a country but no coordinates
 * (GeoLite2 Country): better than no distance at all. */
static const struct {
	const char *code;
	double lat, lon;
} continent_centre[] = {
	{"AF", 8.8, 34.5},   {"AN", -82.9, 135.0}, {"AS", 34.0, 100.6}, {"EU", 54.5, 15.3},
	{"NA", 54.5, -105.3}, {"OC", -22.7, 140.0}, {"SA", -8.8, -55.5},
};

static uint64_t hash_bytes(const uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < n; i++)
		h = mix64(h ^ p[i]);
	return h;
}

uint64_t svc_client_hash(int family, const uint8_t *addr, unsigned prefix)
{
	uint8_t net[17] = {(uint8_t)family};
	size_t len = family == 2 ? 16 : 4; /* 2 = ECS family IPv6 */
	unsigned bits = prefix < len * 8 ? prefix : (unsigned)len * 8;
	memcpy(net + 1, addr, bits / 8);
	if (bits % 8)
		net[1 + bits / 8] = (uint8_t)(addr[bits / 8] & (0xFF << (8 - bits % 8)));
	return hash_bytes(net, 1 + len, prefix);
}

/* Parse a name relative to origin ("@" = origin) into lower-case wire. */
static int parse_name(const char *s, const uint8_t *origin, size_t origin_len, uint8_t *out,
		      size_t *outlen, bool lower)
{
	if (strcmp(s, "@") == 0) {
		memcpy(out, origin, origin_len);
		*outlen = origin_len;
		return GD_OK;
	}
	ldns_rdf *d = NULL;
	if (ldns_str2rdf_dname(&d, s) != LDNS_STATUS_OK)
		return GD_EINVAL;
	size_t n = ldns_rdf_size(d);
	const uint8_t *w = ldns_rdf_data(d);
	size_t sl = strlen(s);
	bool absolute = sl > 0 && s[sl - 1] == '.' && (sl < 2 || s[sl - 2] != '\\');
	if (!absolute) {
		if (n - 1 + origin_len > WIRE_NAME_MAX) {
			ldns_rdf_deep_free(d);
			return GD_EINVAL;
		}
		memcpy(out, w, n - 1);
		memcpy(out + n - 1, origin, origin_len);
		n = n - 1 + origin_len;
	} else {
		memcpy(out, w, n);
	}
	ldns_rdf_deep_free(d);
	if (lower)
		wire_name_lower(out, n, out);
	*outlen = n;
	return GD_OK;
}

int region_find(const struct region_table *rt, const char *name)
{
	for (size_t i = 0; i < rt->n; i++)
		if (strcmp(rt->regions[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int find_sr(const struct service *s, const struct region_table *rt, const char *name)
{
	for (unsigned i = 0; i < s->nregions; i++)
		if (strcmp(rt->regions[s->regions[i].region].name, name) == 0)
			return (int)i;
	return -1;
}

/* "A" or "AAAA": an array of addresses of the family. */
static void load_addrs(struct jcheck *c, json_t *r, const char *key, int af,
		       struct endpoint **out, uint8_t *n)
{
	json_t *a = json_object_get(r, key);
	if (!a)
		return;
	jc_push_key(c, key);
	if (!json_is_array(a) || json_array_size(a) == 0) {
		jc_error(c, false, "expected a non-empty array of %s addresses",
			 af == AF_INET ? "IPv4" : "IPv6");
		jc_pop(c);
		return;
	}
	if (json_array_size(a) > SERVICE_MAX_ENDPOINTS) {
		jc_error(c, false, "more than %d addresses", SERVICE_MAX_ENDPOINTS);
		jc_pop(c);
		return;
	}
	*out = xcalloc(json_array_size(a), sizeof(struct endpoint));
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		jc_push_index(c, i);
		struct endpoint *ep = &(*out)[*n];
		if (!json_is_string(e) || inet_pton(af, json_string_value(e), ep->addr) != 1) {
			jc_error(c, false, "not an %s address",
				 af == AF_INET ? "IPv4" : "IPv6");
		} else {
			bool dup = false;
			for (unsigned k = 0; k < *n; k++)
				dup |= memcmp((*out)[k].addr, ep->addr, 16) == 0;
			if (dup)
				jc_error(c, false, "duplicate address %s", json_string_value(e));
			ep->hash = hash_bytes(ep->addr, af == AF_INET ? 4 : 16, (uint64_t)af);
			(*n)++;
		}
		jc_pop(c);
	}
	jc_pop(c);
}

/* An override's value: the name of one of the service's regions, its
 * index in s->regions; -1 when it is not (reported). */
static int override_region(struct jcheck *c, const struct service *s,
                           const struct region_table *rt, json_t *v)
{
	if (!json_is_string(v)) {
		jc_error(c, false, "expected a region name, found %s", jc_type_name(v));
		return -1;
	}
	int sr = find_sr(s, rt, json_string_value(v));
	if (sr < 0)
		jc_error(c, false, "region \"%s\" is not one of this service's regions",
		         json_string_value(v));
	return sr;
}

static void load_overrides(struct jcheck *c, json_t *o, const char *key, struct service *s,
			   const struct region_table *rt, struct override **out, size_t *n)
{
	json_t *m = jc_member(c, o, key, JSON_OBJECT);
	if (!m)
		return;
	jc_push_key(c, key);
	*out = xcalloc(json_object_size(m) + 1, sizeof(struct override));
	const char *code;
	json_t *v;
	json_object_foreach(m, code, v) {
		jc_push_key(c, code);
		bool continent = strcmp(key, "continents") == 0;
		bool ok = strlen(code) == 2 && code[0] >= 'A' && code[0] <= 'Z' &&
			  code[1] >= 'A' && code[1] <= 'Z';
		if (ok && continent) {
			ok = false;
			for (int i = 0; continent_codes[i]; i++)
				ok |= strcmp(continent_codes[i], code) == 0;
		}
		if (!ok) {
			jc_error(c, true, continent ? "not a continent code (AF AN AS EU NA OC SA)"
						    : "not an ISO 3166-1 alpha-2 country code such "
						      "as US");
		} else {
			int sr = override_region(c, s, rt, v);
			if (sr >= 0) {
				memcpy((*out)[*n].code, code, 3);
				(*out)[*n].sr = (uint8_t)sr;
				(*n)++;
			}
		}
		jc_pop(c);
	}
	jc_pop(c);
}

/* The object of a map override ("networks", "asns") of at most max
 * members (what: "networks"), entered (jc_push_key: the caller pops);
 * NULL when absent or an error (reported). */
static json_t *override_map(struct jcheck *c, json_t *o, const char *key, size_t max,
                            const char *what)
{
	json_t *m = jc_member(c, o, key, JSON_OBJECT);
	if (!m)
		return NULL;
	jc_push_key(c, key);
	if (json_object_size(m) > max) {
		jc_error(c, false, "%zu %s, more than %zu", json_object_size(m), what, max);
		jc_pop(c);
		return NULL;
	}
	return m;
}

/* The service's own networks e[0..n) (sorted, no network twice) and the
 * shared ones (geoip.networks) naming one of its regions, into one map:
 * for the same network its own wins. NULL when there are none. */
static struct netmap *merge_networks(struct service *s, const struct region_table *rt,
                                     struct netmap_entry *e, size_t n)
{
	const struct shared_networks *sh = rt->networks;
	size_t nsh = sh ? sh->n : 0;
	if (n + nsh == 0)
		return NULL;
	struct netmap_entry *all = xcalloc(n + nsh + 1, sizeof(*all));
	if (n)
		memcpy(all, e, n * sizeof(*e));
	size_t total = n;
	if (nsh) {
		/* the service's region of each configured one, or none */
		uint8_t *sr_of = xmalloc(rt->n + 1);
		memset(sr_of, 0xff, rt->n + 1);
		for (unsigned k = 0; k < s->nregions; k++)
			sr_of[s->regions[k].region] = (uint8_t)k;
		for (size_t i = 0; i < nsh; i++) {
			uint32_t region = sh->nets[i].tag;
			if (region >= rt->n || sr_of[region] == 0xff)
				continue;
			all[total] = sh->nets[i];
			all[total].value = sr_of[region];
			all[total].mark = SVC_NETWORK_SHARED;
			total++;
		}
		free(sr_of);
	}
	netmap_sort(all, total);
	/* equal networks are next to each other: keep the service's own */
	size_t k = 0;
	for (size_t i = 0; i < total; i++) {
		if (k && netmap_same_network(&all[k - 1], &all[i])) {
			if (all[i].mark == SVC_NETWORK_OWN)
				all[k - 1] = all[i];
			continue;
		}
		all[k++] = all[i];
	}
	struct netmap *m = k ? netmap_build(all, k) : NULL;
	free(all);
	return m;
}

/* A trie of shared networks alone, for every service of a set with the
 * same regions in the same order and no "networks" of its own: 10000
 * shared networks take some 800 KB a trie, so 10000 such services on the
 * same regions share one instead of taking 8 GB. */
struct svc_network_map {
	uint64_t key; /* of the region list */
	uint8_t nregions;
	uint16_t regions[SERVICE_MAX_REGIONS];
	struct netmap *map; /* NULL: no shared network names these regions */
};

/* The set's trie of shared networks for s's regions, built on first need. */
static struct netmap *shared_map(struct service_set *set, struct service *s,
                                 const struct region_table *rt)
{
	if (!rt->networks || rt->networks->n == 0)
		return NULL;
	uint16_t regions[SERVICE_MAX_REGIONS];
	for (unsigned k = 0; k < s->nregions; k++)
		regions[k] = s->regions[k].region;
	size_t bytes = s->nregions * sizeof(regions[0]);
	uint64_t key = hash_bytes((const uint8_t *)regions, bytes, s->nregions);
	for (size_t i = 0; i < set->nmaps; i++) {
		const struct svc_network_map *m = &set->maps[i];
		if (m->key == key && m->nregions == s->nregions &&
		    memcmp(m->regions, regions, bytes) == 0)
			return m->map;
	}
	set->maps = xrealloc(set->maps, (set->nmaps + 1) * sizeof(*set->maps));
	struct svc_network_map *m = &set->maps[set->nmaps++];
	m->key = key;
	m->nregions = s->nregions;
	memcpy(m->regions, regions, bytes);
	m->map = merge_networks(s, rt, NULL, 0);
	return m->map;
}

/* "networks": CIDR -> one of the service's regions, no network twice
 * (however written), at most SERVICE_MAX_NETWORKS; with the shared
 * networks that name its regions (merge_networks). */
static void load_networks(struct jcheck *c, struct service_set *set, json_t *o, struct service *s,
                          const struct region_table *rt)
{
	json_t *m = override_map(c, o, "networks", SERVICE_MAX_NETWORKS, "networks");
	if (!m) {
		if (!json_object_get(o, "networks")) {
			s->networks = shared_map(set, s, rt);
			s->networks_shared = true;
		}
		return;
	}
	size_t total = json_object_size(m);
	struct netmap_entry *e = xcalloc(total + 1, sizeof(*e));
	const char **keys = xcalloc(total + 1, sizeof(*keys));
	size_t n = 0, errors = c->diag->errors;
	const char *key;
	json_t *v;
	json_object_foreach(m, key, v) {
		jc_push_key(c, key);
		char why[160];
		if (!netmap_parse_network(key, &e[n], why, sizeof(why))) {
			jc_error(c, true, "%s", why);
		} else {
			int sr = override_region(c, s, rt, v);
			if (sr >= 0) {
				e[n].value = (uint8_t)sr;
				e[n].mark = SVC_NETWORK_OWN;
				e[n].tag = (uint32_t)n;
				keys[n++] = key;
			}
		}
		jc_pop(c);
	}
	netmap_sort(e, n);
	/* the same network twice: reported at the one written later */
	for (size_t i = 1; i < n; i++) {
		if (!netmap_same_network(&e[i - 1], &e[i]))
			continue;
		size_t first = e[i - 1].tag < e[i].tag ? e[i - 1].tag : e[i].tag;
		size_t later = e[i - 1].tag < e[i].tag ? e[i].tag : e[i - 1].tag;
		jc_push_key(c, keys[later]);
		jc_error(c, true, "overlapping duplicate: the same network as \"%s\"", keys[first]);
		jc_pop(c);
	}
	if (c->diag->errors == errors)
		s->networks = merge_networks(s, rt, e, n);
	free(keys);
	free(e);
	jc_pop(c);
}

/* An "asns" key: a decimal AS number 1..4294967295, "64500" or "AS64500"
 * (either case), no sign or leading zero; 0 when it is not one. */
static uint32_t parse_asn(const char *key)
{
	if ((key[0] == 'A' || key[0] == 'a') && (key[1] == 'S' || key[1] == 's'))
		key += 2;
	size_t nd = strspn(key, "0123456789");
	if (nd == 0 || nd > 10 || key[nd] || key[0] == '0')
		return 0;
	unsigned long long v = strtoull(key, NULL, 10);
	return v <= UINT32_MAX ? (uint32_t)v : 0;
}

static int cmp_asn(const void *a, const void *b)
{
	const struct asn_override *x = a, *y = b;
	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return 0;
}

/* "asns": AS number -> one of the service's regions, no number twice
 * (however written), at most SERVICE_MAX_ASNS. */
static void load_asns(struct jcheck *c, json_t *o, struct service *s, const struct region_table *rt)
{
	json_t *m = override_map(c, o, "asns", SERVICE_MAX_ASNS, "AS numbers");
	if (!m)
		return;
	size_t total = json_object_size(m);
	struct asn_override *a = xcalloc(total + 1, sizeof(*a));
	const char **keys = xcalloc(total + 1, sizeof(*keys));
	size_t n = 0, errors = c->diag->errors;
	const char *key;
	json_t *v;
	json_object_foreach(m, key, v) {
		jc_push_key(c, key);
		uint32_t asn = parse_asn(key);
		size_t dup = n;
		for (size_t i = 0; asn && i < n; i++)
			if (a[i].asn == asn)
				dup = i;
		if (!asn) {
			jc_error(c, true,
			         "not an AS number such as 64500 or AS64500 "
			         "(1 to 4294967295)");
		} else if (dup < n) {
			jc_error(c, true, "duplicate: the same AS number as \"%s\"", keys[dup]);
		} else {
			int sr = override_region(c, s, rt, v);
			if (sr >= 0) {
				a[n].asn = asn;
				a[n].sr = (uint8_t)sr;
				keys[n++] = key;
			}
		}
		jc_pop(c);
	}
	if (c->diag->errors == errors && n) {
		qsort(a, n, sizeof(*a), cmp_asn);
		s->asns = a;
		s->nasns = n;
	} else {
		free(a);
	}
	free(keys);
	jc_pop(c);
}

int svc_asn_region(const struct service *s, uint32_t asn)
{
	size_t lo = 0, hi = s->nasns;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->asns[mid].asn == asn)
			return s->asns[mid].sr;
		if (s->asns[mid].asn < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void load_service(struct jcheck *c, struct service_set *set, struct service *s, json_t *o,
                         const uint8_t *origin, size_t origin_len, const struct region_table *rt)
{
	static const char *const keys[] = {"ttl",        "regions",     "countries",
	                                   "continents", "networks",    "asns",
	                                   "fallback",   "max_answers", NULL};
	jc_check_keys(c, o, keys);
	unsigned ttl = SERVICE_DEFAULT_TTL, max = 0;
	jc_get_uint(c, o, "ttl", 0, 604800, &ttl);
	jc_get_uint(c, o, "max_answers", 0, SERVICE_MAX_ENDPOINTS, &max);
	s->ttl = ttl;
	s->max_answers = (uint8_t)max;
	json_t *regs = jc_member(c, o, "regions", JSON_OBJECT);
	if (!regs) {
		if (!json_object_get(o, "regions"))
			jc_error(c, false, "missing \"regions\"");
		return;
	}
	jc_push_key(c, "regions");
	if (json_object_size(regs) == 0 || json_object_size(regs) > SERVICE_MAX_REGIONS)
		jc_error(c, false, "needs 1 to %d regions", SERVICE_MAX_REGIONS);
	s->regions = xcalloc(json_object_size(regs) + 1, sizeof(struct service_region));
	const char *rname;
	json_t *r;
	json_object_foreach(regs, rname, r) {
		if (s->nregions == SERVICE_MAX_REGIONS)
			break;
		jc_push_key(c, rname);
		int ri = region_find(rt, rname);
		if (ri < 0) {
			jc_error(c, true, "unknown region \"%s\" (not in the config's regions)",
				 rname);
			jc_pop(c);
			continue;
		}
		if (!json_is_object(r)) {
			jc_error(c, false, "expected an object, found %s", jc_type_name(r));
			jc_pop(c);
			continue;
		}
		static const char *const rkeys[] = {"A", "AAAA", "cname", "weight", NULL};
		jc_check_keys(c, r, rkeys);
		struct service_region *sr = &s->regions[s->nregions];
		sr->region = (uint16_t)ri;
		unsigned w = 100;
		jc_get_uint(c, r, "weight", 0, 100, &w);
		sr->weight = (uint8_t)w;
		load_addrs(c, r, "A", AF_INET, &sr->a, &sr->na);
		load_addrs(c, r, "AAAA", AF_INET6, &sr->aaaa, &sr->naaaa);
		char *cname = NULL;
		jc_get_str(c, r, "cname", &cname);
		if (cname) {
			uint8_t w2[WIRE_NAME_MAX];
			size_t wl;
			jc_push_key(c, "cname");
			if (json_object_get(r, "A") || json_object_get(r, "AAAA"))
				jc_error(c, true, "a region answers either addresses or a cname");
			else if (parse_name(cname, origin, origin_len, w2, &wl, false) < 0)
				jc_error(c, false, "\"%s\" is not a domain name", cname);
			else {
				sr->cname = xmalloc(wl);
				memcpy(sr->cname, w2, wl);
				sr->cname_len = wl;
			}
			jc_pop(c);
			free(cname);
		} else if (!json_object_get(r, "A") && !json_object_get(r, "AAAA")) {
			jc_error(c, true, "region has no \"A\", \"AAAA\" or \"cname\"");
		}
		s->nregions++;
		jc_pop(c);
	}
	jc_pop(c);
	if (s->nregions == 0)
		return;
	char *fb = NULL;
	jc_get_str(c, o, "fallback", &fb);
	s->fallback = 0; /* default: the first region listed */
	if (fb) {
		int k = find_sr(s, rt, fb);
		if (k < 0) {
			jc_push_key(c, "fallback");
			jc_error(c, false, "region \"%s\" is not one of this service's regions",
				 fb);
			jc_pop(c);
		} else {
			s->fallback = (uint8_t)k;
		}
		free(fb);
	}
	load_overrides(c, o, "countries", s, rt, &s->countries, &s->ncountries);
	load_overrides(c, o, "continents", s, rt, &s->continents, &s->ncontinents);
	load_networks(c, set, o, s, rt);
	load_asns(c, o, s, rt);
}

/* Service names seen so far (other spellings of one name are one name):
 * open addressing over the services, sized for every name of a load. */
struct name_set {
	const struct service **slot;
	size_t mask;
};

static void name_set_init(struct name_set *ns, size_t n)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap <<= 1;
	ns->slot = xcalloc(cap, sizeof(*ns->slot));
	ns->mask = cap - 1;
}

/* The slot of a name: the service there with that name, or an empty slot
 * for it. */
static const struct service **name_set_slot(struct name_set *ns, const uint8_t *name, size_t len)
{
	size_t i = hash_bytes(name, len, 0) & ns->mask;
	while (ns->slot[i] && !wire_name_equal(ns->slot[i]->name, name))
		i = (i + 1) & ns->mask;
	return &ns->slot[i];
}

/* The service at set->svcs[set->n], its name set: its identity, then its
 * object loaded and checked (the part every source of services shares). */
static void add_service(struct jcheck *c, struct service_set *set, json_t *o, const char *file,
                        int line, int column, const uint8_t *origin, size_t origin_len,
                        const struct region_table *rt)
{
	struct service *s = &set->svcs[set->n];
	char buf[1024];
	s->name_str = xstrdup(wire_name_to_str(s->name, buf, sizeof(buf)));
	s->id = (uint32_t)set->n;
	s->seed = hash_bytes(s->name, s->name_len, 0x5eed);
	s->file = file;
	s->line = line;
	s->column = column;
	set->n++;
	load_service(c, set, s, o, origin, origin_len, rt);
}

/* svc_rank for an unknown location, of the services from index first on
 * (only for services loaded without errors: it needs their regions). */
static void rank_unknown(struct service_set *set, size_t first, const struct region_table *rt)
{
	for (size_t i = first; i < set->n; i++)
		set->svcs[i].nunknown =
		    (uint8_t)svc_rank(&set->svcs[i], rt, NULL, set->svcs[i].unknown_order);
}

const char *service_place(const struct service *s, char *buf, size_t cap)
{
	if (s->column > 0)
		snprintf(buf, cap, "%s:%d:%d", s->file, s->line, s->column);
	else
		snprintf(buf, cap, "%s:%d", s->file, s->line);
	return buf;
}

struct service_set *service_set_load(const char *path, const uint8_t *origin,
				     const char *origin_str, const struct region_table *rt,
				     struct diag *diag)
{
	char *text;
	size_t len;
	if (read_file(path, &text, &len) < 0) {
		diag_error(diag, path, 0, 0, "cannot read services file: %s", strerror(errno));
		return NULL;
	}
	struct service_set *set = xcalloc(1, sizeof(*set));
	set->file = xstrdup(path);
	set->networks_digest = shared_networks_digest(rt);
	struct jcheck c = {.file = path, .text = text, .len = len, .diag = diag,
			   .errors_before = diag->errors};
	json_t *root = jc_load_object(&c, "a services file is a JSON object of service names");
	if (!root)
		goto done;
	size_t origin_len = wire_name_len(origin, WIRE_NAME_MAX);
	set->svcs = xcalloc(json_object_size(root) + 1, sizeof(struct service));
	/* every service's position in one pass over the text */
	struct jsonpos_member *members;
	size_t nmembers = jsonpos_members(text, len, &members);
	struct name_set seen;
	name_set_init(&seen, json_object_size(root));
	const char *name;
	json_t *o;
	json_object_foreach(root, name, o) {
		jc_push_key(&c, name);
		struct service *s = &set->svcs[set->n];
		int line = 1, col = 1;
		const struct jsonpos_member *mp = jsonpos_member_find(members, nmembers, name);
		if (mp) {
			line = mp->line;
			col = mp->column;
		}
		if (parse_name(name, origin, origin_len, s->name, &s->name_len, true) < 0) {
			jc_error(&c, true, "\"%s\" is not a domain name", name);
			jc_pop(&c);
			continue;
		}
		if (!wire_name_is_sub(s->name, origin)) {
			jc_error(&c, true, "service %s is outside the zone %s", name, origin_str);
			jc_pop(&c);
			continue;
		}
		const struct service **slot = name_set_slot(&seen, s->name, s->name_len);
		if (*slot) {
			jc_error(&c, true, "duplicate service name %s", name);
			jc_pop(&c);
			continue;
		}
		if (!json_is_object(o)) {
			jc_error(&c, false, "expected an object, found %s", jc_type_name(o));
			jc_pop(&c);
			continue;
		}
		*slot = s;
		add_service(&c, set, o, set->file, line, col, origin, origin_len, rt);
		jc_pop(&c);
	}
	free(seen.slot);
	jsonpos_members_free(members, nmembers);
	if (diag->errors == c.errors_before)
		rank_unknown(set, 0, rt);
done:
	if (root)
		json_decref(root);
	free(text);
	if (diag->errors != c.errors_before) {
		service_set_free(set);
		return NULL;
	}
	return set;
}

/* The set's copy of a file name that services from JSON objects name
 * (consecutive items usually share one). */
static const char *set_file(struct service_set *set, const char *file)
{
	if (set->nfiles && strcmp(set->files[set->nfiles - 1], file) == 0)
		return set->files[set->nfiles - 1];
	set->files = xrealloc(set->files, (set->nfiles + 1) * sizeof(*set->files));
	set->files[set->nfiles] = xstrdup(file);
	return set->files[set->nfiles++];
}

/* One service from its JSON object's text: the checks a services file's
 * member gets, errors at the item's line after "service NAME: ". */
static void add_json(struct service_set *set, struct name_set *seen, const struct service_json *it,
                     const uint8_t *origin, size_t origin_len, const struct region_table *rt,
                     struct diag *diag)
{
	const char *file = set_file(set, it->file);
	struct service *s = &set->svcs[set->n];
	memset(s, 0, sizeof(*s));
	s->name_len = wire_name_len(it->name, WIRE_NAME_MAX);
	assert(s->name_len > 0);
	wire_name_lower(it->name, s->name_len, s->name);
	char name[1024], prefix[1100];
	wire_name_to_str(s->name, name, sizeof(name));
	snprintf(prefix, sizeof(prefix), "service %s: ", name);
	const struct service **slot = name_set_slot(seen, s->name, s->name_len);
	if (*slot) {
		char place[1100];
		diag_error(diag, file, it->line, 0, "service %s is also defined at %s", name,
		           service_place(*slot, place, sizeof(place)));
		return;
	}
	if (it->len > SERVICE_JSON_MAX) {
		diag_error(diag, file, it->line, 0,
		           "%sthe JSON object is %zu octets, more than %d (16 KiB)", prefix,
		           it->len, SERVICE_JSON_MAX);
		return;
	}
	struct jcheck c = {.file = file,
	                   .text = it->text,
	                   .len = it->len,
	                   .diag = diag,
	                   .errors_before = diag->errors,
	                   .line = it->line,
	                   .prefix = prefix};
	json_t *o = jc_load_object(&c, "not a JSON object");
	if (!o)
		return;
	*slot = s;
	add_service(&c, set, o, file, it->line, 0, origin, origin_len, rt);
	json_decref(o);
}

int service_set_add_json(struct service_set **setp, const struct service_json *items, size_t n,
                         const uint8_t *origin, const struct region_table *rt, struct diag *diag)
{
	if (!*setp)
		*setp = xcalloc(1, sizeof(**setp));
	struct service_set *set = *setp;
	set->networks_digest = shared_networks_digest(rt);
	size_t before = diag->errors, first = set->n;
	size_t origin_len = wire_name_len(origin, WIRE_NAME_MAX);
	set->svcs = xrealloc(set->svcs, (set->n + n + 1) * sizeof(struct service));
	memset(set->svcs + set->n, 0, (n + 1) * sizeof(struct service));
	/* the names already in the set (a services file's) and the new ones */
	struct name_set seen;
	name_set_init(&seen, set->n + n);
	for (size_t i = 0; i < set->n; i++)
		*name_set_slot(&seen, set->svcs[i].name, set->svcs[i].name_len) = &set->svcs[i];
	for (size_t i = 0; i < n; i++)
		add_json(set, &seen, &items[i], origin, origin_len, rt, diag);
	free(seen.slot);
	if (diag->errors != before)
		return GD_EINVAL;
	rank_unknown(set, first, rt);
	return GD_OK;
}

void service_set_free(struct service_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		struct service *s = &set->svcs[i];
		for (unsigned k = 0; k < s->nregions; k++) {
			free(s->regions[k].a);
			free(s->regions[k].aaaa);
			free(s->regions[k].cname);
		}
		free(s->regions);
		free(s->countries);
		free(s->continents);
		if (!s->networks_shared)
			netmap_free(s->networks);
		free(s->asns);
		free(s->name_str);
	}
	for (size_t i = 0; i < set->nmaps; i++)
		netmap_free(set->maps[i].map);
	free(set->maps);
	for (size_t i = 0; i < set->nfiles; i++)
		free(set->files[i]);
	free(set->files);
	free(set->svcs);
	free(set->file);
	free(set);
}

/* ---- ranking ---- */

/* The overrides that come before distance: country, then continent. */
static unsigned rank_overrides(const struct service *s, const struct geo_location *loc,
			       uint8_t *order, bool *used)
{
	unsigned n = 0;
	for (size_t i = 0; i < s->ncountries; i++)
		if (strcmp(s->countries[i].code, loc->country) == 0) {
			order[n++] = s->countries[i].sr;
			used[s->countries[i].sr] = true;
			break;
		}
	for (size_t i = 0; i < s->ncontinents; i++)
		if (strcmp(s->continents[i].code, loc->continent) == 0 &&
		    !used[s->continents[i].sr]) {
			order[n++] = s->continents[i].sr;
			used[s->continents[i].sr] = true;
			break;
		}
	return n;
}

unsigned svc_order_first(unsigned sr, const uint8_t *order, unsigned n, uint8_t *out)
{
	unsigned k = 0;
	out[k++] = (uint8_t)sr;
	for (unsigned i = 0; i < n && k < SERVICE_MAX_REGIONS; i++)
		if (order[i] != sr)
			out[k++] = order[i];
	return k;
}

bool svc_location_point(const struct geo_location *loc, double *lat, double *lon)
{
	if (loc->has_coords) {
		*lat = loc->lat;
		*lon = loc->lon;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(continent_centre); i++)
		if (strcmp(continent_centre[i].code, loc->continent) == 0) {
			*lat = continent_centre[i].lat;
			*lon = continent_centre[i].lon;
			return true;
		}
	return false;
}

unsigned svc_rank(const struct service *s, const struct region_table *rt,
		  const struct geo_location *loc, uint8_t *order)
{
	unsigned n = 0;
	bool used[SERVICE_MAX_REGIONS] = {false};
	double lat = 0, lon = 0;
	bool have_point = false;
	if (loc) {
		n = rank_overrides(s, loc, order, used);
		have_point = svc_location_point(loc, &lat, &lon);
	}
	if (!have_point) {
		/* unknown: the fallback first, then the regions closest to it */
		const struct region *fb = &rt->regions[s->regions[s->fallback].region];
		lat = fb->lat;
		lon = fb->lon;
		if (!used[s->fallback]) {
			order[n++] = s->fallback;
			used[s->fallback] = true;
		}
	}
	/* the rest by distance, equal distances by the region's place in the
	 * configuration (as svc_region_positions orders them): insertion sort,
	 * n is small and this is cached */
	double dist[SERVICE_MAX_REGIONS];
	unsigned first = n;
	for (unsigned i = 0; i < s->nregions; i++) {
		if (used[i])
			continue;
		uint16_t g = s->regions[i].region;
		const struct region *r = &rt->regions[g];
		double d = geo_distance_km(lat, lon, r->lat, r->lon);
		unsigned k = n++;
		while (k > first && (dist[k - 1] > d ||
				     (dist[k - 1] == d && s->regions[order[k - 1]].region > g))) {
			dist[k] = dist[k - 1];
			order[k] = order[k - 1];
			k--;
		}
		dist[k] = d;
		order[k] = (uint8_t)i;
	}
	return n;
}

void svc_region_positions(const struct region_table *rt, double lat, double lon, uint8_t *pos)
{
	double dist[SVC_POSITIONS_MAX];
	uint8_t idx[SVC_POSITIONS_MAX];
	size_t n = rt->n < SVC_POSITIONS_MAX ? rt->n : SVC_POSITIONS_MAX;
	for (size_t i = 0; i < n; i++) {
		double d = geo_distance_km(lat, lon, rt->regions[i].lat, rt->regions[i].lon);
		size_t k = i;
		while (k > 0 && dist[k - 1] > d) { /* ties keep configuration order */
			dist[k] = dist[k - 1];
			idx[k] = idx[k - 1];
			k--;
		}
		dist[k] = d;
		idx[k] = (uint8_t)i;
	}
	for (size_t k = 0; k < n; k++)
		pos[idx[k]] = (uint8_t)k;
}

unsigned svc_rank_pos(const struct service *s, const struct geo_location *loc,
		      const uint8_t *pos, uint8_t *order)
{
	bool used[SERVICE_MAX_REGIONS];
	unsigned n = 0;
	if (s->ncountries || s->ncontinents) {
		memset(used, 0, s->nregions);
		n = rank_overrides(s, loc, order, used);
	}
	/* the rest by position: positions are distinct and below
	 * SVC_POSITIONS_MAX (two words of bits), so a bit per position sorts
	 * them */
	uint64_t lo = 0, hi = 0;
	uint8_t at[SVC_POSITIONS_MAX];
	for (unsigned i = 0; i < s->nregions; i++) {
		if (n && used[i])
			continue;
		unsigned p = pos[s->regions[i].region];
		if (p < 64)
			lo |= 1ull << p;
		else
			hi |= 1ull << (p - 64);
		at[p] = (uint8_t)i;
	}
	for (; lo; lo &= lo - 1)
		order[n++] = at[__builtin_ctzll(lo)];
	for (; hi; hi &= hi - 1)
		order[n++] = at[64 + __builtin_ctzll(hi)];
	return n;
}

/* ---- choosing ---- */

static bool ep_up(const struct health_snapshot *hs, const struct service_region *sr,
		  uint8_t family, const struct endpoint *ep)
{
	return !hs || health_endpoint_up(hs, sr->region, family, ep->addr);
}

/* No endpoint of the region is reported down: every one is healthy. */
static bool none_down(const struct service_region *sr, const struct health_snapshot *hs)
{
	return !hs || sr->region >= hs->n || hs->regions[sr->region].ndown == 0;
}

/* Up, with something healthy to answer: a region with no healthy endpoint
 * is down. */
static bool region_usable(const struct service_region *sr, const struct health_snapshot *hs)
{
	if (hs && sr->region < hs->n && !hs->regions[sr->region].up)
		return false;
	if (sr->cname)
		return true;
	if (none_down(sr, hs))
		return sr->na || sr->naaaa;
	for (unsigned i = 0; i < sr->na; i++)
		if (ep_up(hs, sr, 1, &sr->a[i]))
			return true;
	for (unsigned i = 0; i < sr->naaaa; i++)
		if (ep_up(hs, sr, 2, &sr->aaaa[i]))
			return true;
	return false;
}

static unsigned region_weight(const struct service_region *sr, const struct health_snapshot *hs)
{
	unsigned feed = hs && sr->region < hs->n ? hs->regions[sr->region].weight : 100;
	return sr->weight * feed / 100;
}

static void choose_endpoints(const struct service *s, struct svc_client *c, uint16_t qtype,
			     const struct health_snapshot *hs, struct svc_choice *out);

/* The client's hash mixed with the service's seed; the client network is
 * hashed on first use (most answers need no hash at all). */
static uint64_t client_mix(const struct service *s, struct svc_client *c)
{
	if (!c->known) {
		c->hash = svc_client_hash(c->family, c->addr, c->prefix);
		c->known = true;
	}
	return mix64(c->hash ^ s->seed);
}

/* The client's place 0..99 in region sr's split: the region keeps the
 * client when it is below the region's weight. */
static unsigned client_bucket(const struct service *s, struct svc_client *c,
                              const struct service_region *sr)
{
	uint64_t hr = mix64(client_mix(s, c) ^ ((uint64_t)sr->region * 0x9e3779b97f4a7c15ull));
	return (unsigned)(hr % 100);
}

void svc_region_state(const struct service *s, unsigned sr, struct svc_client *c,
                      const struct health_snapshot *hs, struct svc_region_state *st)
{
	const struct service_region *r = &s->regions[sr];
	st->usable = region_usable(r, hs);
	st->up = !hs || r->region >= hs->n || hs->regions[r->region].up;
	st->feed_weight = hs && r->region < hs->n ? hs->regions[r->region].weight : 100;
	st->weight = region_weight(r, hs);
	st->bucket = client_bucket(s, c, r);
	st->healthy_a = st->healthy_aaaa = 0;
	for (unsigned i = 0; i < r->na; i++)
		st->healthy_a += ep_up(hs, r, ADDR_IPV4, &r->a[i]);
	for (unsigned i = 0; i < r->naaaa; i++)
		st->healthy_aaaa += ep_up(hs, r, ADDR_IPV6, &r->aaaa[i]);
}

void svc_choose_client(const struct service *s, const uint8_t *order, unsigned norder,
		       struct svc_client *c, uint16_t qtype, const struct health_snapshot *hs,
		       struct svc_choice *out)
{
	out->sr = NULL;
	out->fail_open = false;
	out->hashed = false;
	out->past_first = false;
	out->n = 0;
	const struct service_region *first_live = NULL;
	for (unsigned i = 0; i < norder; i++) {
		const struct service_region *sr = &s->regions[order[i]];
		if (!region_usable(sr, hs))
			continue;
		unsigned w = region_weight(sr, hs);
		if (w > 0 && !first_live)
			first_live = sr;
		if (w < 100) {
			if (w > 0)
				out->hashed = true; /* the split depends on the client */
			if (client_bucket(s, c, sr) >= w)
				continue;
		}
		out->sr = sr;
		out->past_first = i > 0;
		break;
	}
	if (!out->sr && first_live) {
		/* spilled past every region although some are up with a share:
		 * the closest of those takes the remainder (not a fail-open) */
		out->sr = first_live;
		out->past_first = true;
	}
	if (!out->sr) {
		/* every region down or drained: fail open with the closest */
		out->sr = &s->regions[order[0]];
		out->fail_open = true;
		out->hashed = false;
	}
	choose_endpoints(s, c, qtype, hs, out);
}

bool svc_choose_first(const struct service *s, unsigned first, struct svc_client *c,
		      uint16_t qtype, const struct health_snapshot *hs, struct svc_choice *out)
{
	const struct service_region *sr = &s->regions[first];
	if (!region_usable(sr, hs) || region_weight(sr, hs) < 100)
		return false;
	out->sr = sr;
	out->fail_open = false;
	out->hashed = false;
	out->past_first = false;
	out->n = 0;
	choose_endpoints(s, c, qtype, hs, out);
	return true;
}

unsigned svc_first_by_pos(const struct service *s, const uint8_t *pos)
{
	unsigned best = 0, bp = pos[s->regions[0].region];
	for (unsigned i = 1; i < s->nregions; i++) {
		unsigned p = pos[s->regions[i].region];
		if (p < bp) {
			bp = p;
			best = i;
		}
	}
	return best;
}

/* The endpoints of out->sr for the qtype: the healthy ones (all when failing
 * open with none healthy), at most max_answers by rendezvous hashing. */
static void choose_endpoints(const struct service *s, struct svc_client *c, uint16_t qtype,
			     const struct health_snapshot *hs, struct svc_choice *out)
{
	const struct service_region *sr = out->sr;
	uint8_t family = qtype == TYPE_AAAA ? ADDR_IPV6 : ADDR_IPV4;
	const struct endpoint *eps = family == 2 ? sr->aaaa : sr->a;
	unsigned n = family == ADDR_IPV6 ? sr->naaaa : (qtype == TYPE_A ? sr->na : 0);
	if (n == 0)
		return;
	/* healthy endpoints; when failing open with none healthy, all of them */
	unsigned idx[SERVICE_MAX_ENDPOINTS], m = 0;
	bool all_up = none_down(sr, hs);
	for (unsigned i = 0; i < n; i++)
		if (all_up || ep_up(hs, sr, family, &eps[i]))
			idx[m++] = i;
	if (m == 0) {
		if (!out->fail_open)
			return; /* e.g. every AAAA down while A is up: NODATA */
		for (unsigned i = 0; i < n; i++)
			idx[m++] = i;
	}
	unsigned k = s->max_answers && s->max_answers < m ? s->max_answers : m;
	if (k == m) {
		for (unsigned i = 0; i < m; i++)
			out->eps[i] = &eps[idx[i]];
		out->n = m;
		return;
	}
	/* rendezvous hashing: the k endpoints with the highest score for this
	 * client; an endpoint leaving moves only the clients it had */
	out->hashed = true;
	uint64_t h = client_mix(s, c);
	uint64_t score[SERVICE_MAX_ENDPOINTS];
	for (unsigned i = 0; i < m; i++)
		score[i] = mix64(h ^ eps[idx[i]].hash);
	bool taken[SERVICE_MAX_ENDPOINTS] = {false};
	for (unsigned j = 0; j < k; j++) {
		unsigned best = m;
		for (unsigned i = 0; i < m; i++)
			if (!taken[i] && (best == m || score[i] > score[best]))
				best = i;
		taken[best] = true;
	}
	/* keep the configured order among the chosen */
	for (unsigned i = 0; i < m; i++)
		if (taken[i])
			out->eps[out->n++] = &eps[idx[i]];
}
