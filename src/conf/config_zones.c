/*
 * config_zones.c - the zones array of the configuration: each entry's
 * origin, file and services, its transfer ACLs and NOTIFY targets, its
 * primaries and timers (a secondary), its catalog, its journal and serial
 * policy, its DNSSEC key; origins checked against each other
 * (config_check_zones).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/config.h"

#include "config_internal.h"

#include "common/diag.h"
#include "common/gd.h"
#include "conf/jsoncheck.h"
#include "conf/schema.h"
#include "dns/tsig.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct zone_key {
	const char *origin;
	size_t len;   /* without a trailing dot */
	size_t index;
};

/* An origin's length without a trailing dot. */
static size_t origin_len(const char *o)
{
	size_t l = strlen(o);
	return l && o[l - 1] == '.' ? l - 1 : l;
}

/* Origins compared as names: case-insensitive, trailing dot optional. */
static int origin_cmp(const struct zone_key *x, const struct zone_key *y)
{
	int c = strncasecmp(x->origin, y->origin, x->len < y->len ? x->len : y->len);
	if (c == 0 && x->len != y->len)
		c = x->len < y->len ? -1 : 1;
	return c;
}

/* By origin, then by index. */
static int zone_key_cmp(const void *a, const void *b)
{
	const struct zone_key *x = a, *y = b;
	int c = origin_cmp(x, y);
	if (c == 0)
		c = x->index < y->index ? -1 : x->index > y->index;
	return c;
}

void config_check_zones(const struct config *cfg, struct diag *diag)
{
	/* sorted, so the zones with one origin are neighbours (n log n for
	 * many zones); each zone is reported against every earlier one with
	 * its origin, in the order of the zones */
	size_t n = cfg->nzones;
	struct zone_key *k = xcalloc(n + 1, sizeof(*k));
	size_t *first = xcalloc(n + 1, sizeof(*first)), *pos = xcalloc(n + 1, sizeof(*pos));
	for (size_t i = 0; i < n; i++)
		k[i] = (struct zone_key){cfg->zones[i].origin, origin_len(cfg->zones[i].origin), i};
	qsort(k, n, sizeof(*k), zone_key_cmp);
	for (size_t j = 0; j < n; j++) {
		pos[k[j].index] = j;
		first[j] = j > 0 && origin_cmp(&k[j], &k[j - 1]) == 0 ? first[j - 1] : j;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t m = first[pos[i]]; m < pos[i]; m++)
			diag_error(diag, cfg->file, cfg->zones[i].line, cfg->zones[i].column,
				   "zones[%zu].origin: zone %s is configured twice (also zones[%zu])",
				   i, cfg->zones[i].origin, k[m].index);
	free(k);
	free(first);
	free(pos);
}

/* A "key" member naming one of tsig_keys (loaded before the zones): its
 * name and wire form into the out parameters; an error when unknown. */
static void get_key_ref(struct jcheck *c, const struct config *cfg, json_t *o,
                        enum conf_key_id id, char **name, uint8_t *wire, size_t *wire_len)
{
	get_str(c, o, id, name);
	if (!*name)
		return;
	uint8_t w[WIRE_NAME_MAX];
	size_t wl = tsig_name_from_text(*name, w);
	for (size_t i = 0; wl && i < cfg->ntsig_keys; i++) {
		if (wire_name_equal(cfg->tsig_keys[i].wire, w)) {
			memcpy(wire, w, wl);
			*wire_len = wl;
			return;
		}
	}
	jc_push_key(c, key_name(id));
	jc_error(c, false, "\"%s\" is not one of tsig_keys", *name);
	jc_pop(c);
	free(*name);
	*name = NULL;
}

/* Each object of the array member id (allow or notify), in turn, to fn. */
static size_t each_entry(struct jcheck *c, json_t *o, enum conf_key_id id,
                         bool (*fn)(struct jcheck *, const struct config *, json_t *, void *),
                         const struct config *cfg, void *out, size_t size)
{
	json_t *a = get_section(c, o, id);
	if (!a)
		return 0;
	jc_push_key(c, key_name(id));
	size_t n = 0, i;
	json_t *e;
	json_array_foreach(a, i, e) {
		jc_push_index(c, i);
		if (!json_is_object(e)) {
			jc_error(c, false, "expected an object, found %s", jc_type_name(e));
		} else {
			check_keys(c, e, id);
			if (fn(c, cfg, e, (char *)out + n * size))
				n++;
		}
		jc_pop(c);
	}
	jc_pop(c);
	return n;
}

static bool load_acl_entry(struct jcheck *c, const struct config *cfg, json_t *o, void *out)
{
	struct acl_entry *a = out;
	char *net = NULL;
	get_str(c, o, KEY_ZONE_TRANSFER_ALLOW_NETWORK, &net);
	if (!net) {
		if (!json_object_get(o, key_name(KEY_ZONE_TRANSFER_ALLOW_NETWORK)))
			jc_error(c, false, "missing \"network\"");
		return false;
	}
	/* an address alone is its host network */
	bool ok = netprefix_parse(net, &a->net) == 0;
	if (!ok) {
		jc_push_key(c, key_name(KEY_ZONE_TRANSFER_ALLOW_NETWORK));
		jc_error(c, false,
		         "\"%s\" is not a network such as 192.0.2.0/24 (host bits must be "
		         "zero) or an address",
		         net);
		jc_pop(c);
	}
	free(net);
	bool had_key = json_object_get(o, key_name(KEY_ZONE_TRANSFER_ALLOW_KEY)) != NULL;
	get_key_ref(c, cfg, o, KEY_ZONE_TRANSFER_ALLOW_KEY, &a->key, a->key_wire,
	            &a->key_wire_len);
	if (!ok || (had_key && !a->key)) {
		free(a->key);
		memset(a, 0, sizeof(*a));
		return false;
	}
	return true;
}

/* An object of address and key (notify[], primaries[]): the keys' ids. */
static bool load_remote(struct jcheck *c, const struct config *cfg, json_t *o,
                        struct notify_entry *t, enum conf_key_id addr_id, enum conf_key_id key_id)
{
	const struct conf_key *addr = &conf_schema[addr_id];
	get_str(c, o, addr_id, &t->text);
	if (!t->text) {
		if (!json_object_get(o, conf_key_name(addr)))
			jc_error(c, false, "missing \"address\"");
		return false;
	}
	bool ok = parse_hostport(t->text, (uint16_t)addr->port, &t->ss, &t->len) == 0;
	if (!ok) {
		jc_push_key(c, conf_key_name(addr));
		jc_error(c, false, "\"%s\" is not an address such as 192.0.2.53:53", t->text);
		jc_pop(c);
	}
	bool had_key = json_object_get(o, key_name(key_id)) != NULL;
	get_key_ref(c, cfg, o, key_id, &t->key, t->key_wire, &t->key_wire_len);
	if (!ok || (had_key && !t->key)) {
		free(t->text);
		free(t->key);
		memset(t, 0, sizeof(*t));
		return false;
	}
	return true;
}

static bool load_notify_entry(struct jcheck *c, const struct config *cfg, json_t *o, void *out)
{
	return load_remote(c, cfg, o, out, KEY_ZONE_TRANSFER_NOTIFY_ADDRESS,
	                   KEY_ZONE_TRANSFER_NOTIFY_KEY);
}

static bool load_primary_entry(struct jcheck *c, const struct config *cfg, json_t *o, void *out)
{
	return load_remote(c, cfg, o, out, KEY_ZONE_PRIMARY_ADDRESS, KEY_ZONE_PRIMARY_KEY);
}

static bool load_member_primary(struct jcheck *c, const struct config *cfg, json_t *o, void *out)
{
	return load_remote(c, cfg, o, out, KEY_ZONE_CATALOG_PRIMARY_ADDRESS,
	                   KEY_ZONE_CATALOG_PRIMARY_KEY);
}

/* zones[].catalog: a secondary whose members are served too. */
static void load_zone_catalog(struct jcheck *c, const struct config *cfg, json_t *z,
                              struct zone_entry *ze)
{
	json_t *o = get_section(c, z, KEY_ZONE_CATALOG);
	if (!o)
		return;
	jc_push_key(c, key_name(KEY_ZONE_CATALOG));
	check_keys(c, o, KEY_ZONE_CATALOG);
	get_path(c, cfg, o, KEY_ZONE_CATALOG_DIRECTORY, &ze->catalog_dir);
	if (!ze->catalog_dir)
		jc_error(c, false, "missing \"directory\"");
	json_t *p = json_object_get(o, key_name(KEY_ZONE_CATALOG_PRIMARIES));
	if (p) {
		ze->member_primaries = xcalloc(json_is_array(p) ? json_array_size(p) + 1 : 1,
		                               sizeof(struct notify_entry));
		ze->nmember_primaries =
		    each_entry(c, o, KEY_ZONE_CATALOG_PRIMARIES, load_member_primary, cfg,
		               ze->member_primaries, sizeof(struct notify_entry));
	}
	if (!ze->primaries)
		jc_error(c, false, "a catalog is a secondary zone: it needs primaries");
	jc_pop(c);
}

/* zones[].primaries and .timers: a secondary zone. */
static void load_zone_secondary(struct jcheck *c, const struct config *cfg, json_t *z,
                                struct zone_entry *ze)
{
	ze->refresh_min = conf_default_uint(KEY_ZONE_TIMERS_REFRESH_MIN);
	ze->refresh_max = conf_default_uint(KEY_ZONE_TIMERS_REFRESH_MAX);
	ze->retry_min = conf_default_uint(KEY_ZONE_TIMERS_RETRY_MIN);
	ze->retry_max = conf_default_uint(KEY_ZONE_TIMERS_RETRY_MAX);
	ze->expire_min = conf_default_uint(KEY_ZONE_TIMERS_EXPIRE_MIN);
	ze->expire_max = conf_default_uint(KEY_ZONE_TIMERS_EXPIRE_MAX);
	json_t *p = json_object_get(z, key_name(KEY_ZONE_PRIMARIES));
	if (p) {
		ze->primaries = xcalloc(json_is_array(p) ? json_array_size(p) + 1 : 1,
		                        sizeof(struct notify_entry));
		ze->nprimaries = each_entry(c, z, KEY_ZONE_PRIMARIES, load_primary_entry, cfg,
		                            ze->primaries, sizeof(struct notify_entry));
		if (json_is_array(p) && json_array_size(p) == 0) {
			jc_push_key(c, key_name(KEY_ZONE_PRIMARIES));
			jc_error(c, false, "an empty list: leave primaries out for a primary zone");
			jc_pop(c);
		}
	}
	json_t *t = get_section(c, z, KEY_ZONE_TIMERS);
	if (!t)
		return;
	jc_push_key(c, key_name(KEY_ZONE_TIMERS));
	check_keys(c, t, KEY_ZONE_TIMERS);
	get_uint(c, t, KEY_ZONE_TIMERS_REFRESH_MIN, &ze->refresh_min);
	get_uint(c, t, KEY_ZONE_TIMERS_REFRESH_MAX, &ze->refresh_max);
	get_uint(c, t, KEY_ZONE_TIMERS_RETRY_MIN, &ze->retry_min);
	get_uint(c, t, KEY_ZONE_TIMERS_RETRY_MAX, &ze->retry_max);
	get_uint(c, t, KEY_ZONE_TIMERS_EXPIRE_MIN, &ze->expire_min);
	get_uint(c, t, KEY_ZONE_TIMERS_EXPIRE_MAX, &ze->expire_max);
	if (ze->refresh_min > ze->refresh_max || ze->retry_min > ze->retry_max ||
	    ze->expire_min > ze->expire_max)
		jc_error(c, false, "a minimum above its maximum");
	jc_pop(c);
}

/* zones[].transfer, .journal and .serial_policy of one zone. */
static void load_zone_replication(struct jcheck *c, const struct config *cfg, json_t *z,
                                  struct zone_entry *ze)
{
	int policy = get_enum(c, z, KEY_ZONE_SERIAL_POLICY);
	ze->serial_policy = policy >= 0 ? policy : conf_default_enum(KEY_ZONE_SERIAL_POLICY);
	ze->journal_max_versions = conf_default_uint(KEY_ZONE_JOURNAL_MAX_VERSIONS);
	ze->journal_max_bytes = conf_default_uint(KEY_ZONE_JOURNAL_MAX_BYTES);
	json_t *t = get_section(c, z, KEY_ZONE_TRANSFER);
	if (t) {
		jc_push_key(c, key_name(KEY_ZONE_TRANSFER));
		check_keys(c, t, KEY_ZONE_TRANSFER);
		json_t *a = json_object_get(t, key_name(KEY_ZONE_TRANSFER_ALLOW));
		ze->allow = xcalloc(json_is_array(a) ? json_array_size(a) + 1 : 1,
		                    sizeof(struct acl_entry));
		ze->nallow = each_entry(c, t, KEY_ZONE_TRANSFER_ALLOW, load_acl_entry, cfg,
		                        ze->allow, sizeof(struct acl_entry));
		json_t *n = json_object_get(t, key_name(KEY_ZONE_TRANSFER_NOTIFY));
		ze->notify = xcalloc(json_is_array(n) ? json_array_size(n) + 1 : 1,
		                     sizeof(struct notify_entry));
		ze->nnotify = each_entry(c, t, KEY_ZONE_TRANSFER_NOTIFY, load_notify_entry, cfg,
		                         ze->notify, sizeof(struct notify_entry));
		jc_pop(c);
	}
	json_t *j = get_section(c, z, KEY_ZONE_JOURNAL);
	if (j) {
		jc_push_key(c, key_name(KEY_ZONE_JOURNAL));
		check_keys(c, j, KEY_ZONE_JOURNAL);
		get_uint(c, j, KEY_ZONE_JOURNAL_MAX_VERSIONS, &ze->journal_max_versions);
		get_uint(c, j, KEY_ZONE_JOURNAL_MAX_BYTES, &ze->journal_max_bytes);
		get_path(c, cfg, j, KEY_ZONE_JOURNAL_FILE, &ze->journal_file);
		jc_pop(c);
	}
}

/* zones[].dnssec: the signing key's base name and those of the keys
 * published beside it (their files are read by the build). */
static void load_zone_dnssec(struct jcheck *c, const struct config *cfg, json_t *z,
                             struct zone_entry *ze)
{
	json_t *d = get_section(c, z, KEY_ZONE_DNSSEC);
	if (!d)
		return;
	jc_push_key(c, key_name(KEY_ZONE_DNSSEC));
	check_keys(c, d, KEY_ZONE_DNSSEC);
	get_path(c, cfg, d, KEY_ZONE_DNSSEC_KEY, &ze->dnssec_key);
	get_path_list(c, cfg, d, KEY_ZONE_DNSSEC_PUBLISH, &ze->dnssec_publish, &ze->ndnssec_publish);
	if (!json_object_get(d, key_name(KEY_ZONE_DNSSEC_KEY)))
		jc_error(c, false, "missing \"key\": the key files' base name");
	jc_pop(c);
}

/* A list of address-and-key entries (notify, primaries). */
static void remotes_free(struct notify_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].text);
		free(v[i].key);
	}
	free(v);
}

void zone_entry_free(struct zone_entry *ze)
{
	free(ze->origin);
	free(ze->file);
	free(ze->services);
	for (size_t i = 0; i < ze->nallow; i++)
		free(ze->allow[i].key);
	free(ze->allow);
	remotes_free(ze->notify, ze->nnotify);
	remotes_free(ze->primaries, ze->nprimaries);
	remotes_free(ze->member_primaries, ze->nmember_primaries);
	free(ze->catalog_dir);
	free(ze->journal_file);
	free(ze->dnssec_key);
	for (size_t i = 0; i < ze->ndnssec_publish; i++)
		free(ze->dnssec_publish[i]);
	free(ze->dnssec_publish);
	memset(ze, 0, sizeof(*ze));
}

void load_zones(struct jcheck *c, struct config *cfg, json_t *a)
{
	size_t i;
	json_t *z;
	size_t n = json_array_size(a);
	cfg->zones = xcalloc(n + 1, sizeof(struct zone_entry));
	/* where each origin sits, for config_check_zones(): one pass over the
	 * array, not one from the top of the file per zone */
	int *oline = xcalloc(n + 1, sizeof(int)), *ocol = xcalloc(n + 1, sizeof(int));
	size_t adepth = c->depth < JC_DEPTH ? c->depth : JC_DEPTH;
	jsonpos_array_values(c->text, c->len, c->path, adepth, key_name(KEY_ZONE_ORIGIN), n, oline,
	                     ocol);
	json_array_foreach(a, i, z) {
		jc_push_index(c, i);
		if (!json_is_object(z)) {
			jc_error(c, false, "expected an object, found %s", jc_type_name(z));
			jc_pop(c);
			continue;
		}
		check_keys(c, z, KEY_ZONES);
		struct zone_entry *ze = &cfg->zones[cfg->nzones];
		get_str(c, z, KEY_ZONE_ORIGIN, &ze->origin);
		get_path(c, cfg, z, KEY_ZONE_FILE, &ze->file);
		get_path(c, cfg, z, KEY_ZONE_SERVICES, &ze->services);
		load_zone_replication(c, cfg, z, ze);
		load_zone_secondary(c, cfg, z, ze);
		load_zone_catalog(c, cfg, z, ze);
		load_zone_dnssec(c, cfg, z, ze);
		if (ze->primaries && ze->services) {
			jc_push_key(c, key_name(KEY_ZONE_SERVICES));
			jc_error(c, false, "a secondary's services come in its zone (TYPE65281 "
			                   "records), not from a file");
			jc_pop(c);
		}
		if (ze->primaries && ze->serial_policy != conf_default_enum(KEY_ZONE_SERIAL_POLICY)) {
			jc_push_key(c, key_name(KEY_ZONE_SERIAL_POLICY));
			jc_error(c, false, "a secondary keeps its primary's serials");
			jc_pop(c);
		}
		if (!ze->origin)
			jc_error(c, false, "missing \"origin\"");
		if (!ze->file)
			jc_error(c, false, "missing \"file\"");
		if (ze->origin && ze->file) {
			ze->line = oline[i] ? oline[i] : 1;
			ze->column = oline[i] ? ocol[i] : 1;
			cfg->nzones++;
		} else {
			zone_entry_free(ze);
		}
		jc_pop(c);
	}
	free(oline);
	free(ocol);
}

