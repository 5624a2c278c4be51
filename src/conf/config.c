/*
 * config.c - JSON configuration loading and validation.
 *
 * The document is parsed by jansson (duplicate keys rejected); the schema
 * walk below keeps the path of the element it is looking at, so an error can
 * be placed in the source with jsonpos and named by its dotted key.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/config.h"

#include "query/cookie.h"

#include "common/diag.h"
#include "common/gd.h"
#include "conf/jsoncheck.h"

#include <arpa/inet.h>
#include <event2/http.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

int parse_hostport(const char *s, uint16_t default_port, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	char host[256];
	const char *port = NULL;
	bool bracketed = s[0] == '[';
	memset(ss, 0, sizeof(*ss));
	if (bracketed) {
		const char *end = strchr(s, ']');
		if (!end || (size_t)(end - s - 1) >= sizeof(host))
			return GD_EINVAL;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return GD_EINVAL;
	} else {
		const char *colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL; /* bare IPv6 address */
		size_t hl = colon ? (size_t)(colon - s) : strlen(s);
		if (hl >= sizeof(host))
			return GD_EINVAL;
		memcpy(host, s, hl);
		host[hl] = '\0';
		if (colon)
			port = colon + 1;
	}
	unsigned long p = default_port;
	if (port) {
		char *end;
		if (!*port)
			return GD_EINVAL;
		if (port[strspn(port, "0123456789")] != '\0')
			return GD_EINVAL; /* digits only: no sign, no blanks */
		p = strtoul(port, &end, 10);
		if (*end || p > 65535)
			return GD_EINVAL;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (!bracketed && inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)p);
		*len = sizeof(*a4);
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*a6);
	} else {
		return GD_EINVAL;
	}
	return GD_OK;
}

static void get_prefixes(struct jcheck *c, json_t *obj, const char *key,
			 struct netprefix **out, size_t *n)
{
	char **list = NULL;
	size_t nl = 0;
	json_t *arr = json_object_get(obj, key);
	jc_get_str_list(c, obj, key, &list, &nl, false);
	if (!arr || !json_is_array(arr))
		goto done;
	*out = xcalloc(nl ? nl : 1, sizeof(struct netprefix));
	*n = 0;
	size_t k = 0, i;
	json_t *e;
	json_array_foreach(arr, i, e) {
		/* jc_get_str_list kept the non-empty strings, in order */
		if (!json_is_string(e) || json_string_length(e) == 0 || k >= nl)
			continue;
		if (netprefix_parse(list[k], &(*out)[*n]) < 0) {
			jc_push_key(c, key);
			jc_push_index(c, i);
			jc_error(c, false, "\"%s\" is not a network prefix such as "
				  "192.0.2.0/24 (host bits must be zero)", list[k]);
			jc_pop(c);
			jc_pop(c);
		} else {
			(*n)++;
		}
		k++;
	}
done:
	for (size_t i2 = 0; i2 < nl; i2++)
		free(list[i2]);
	free(list);
}

static void load_server(struct jcheck *c, struct config *cfg, json_t *o)
{
	static const char *const keys[] = {
		"listen", "workers", "nsid", "udp_payload", "tcp_idle_timeout",
		"tcp_max_connections", "tcp_max_message", "tcp_max_per_client", "tcp_max_lifetime", "log_level", "syslog",
		"user", "group", "chroot", "query_log_rate", "query_log_sample", "answer_cache",
		"tcp_output_buffer_total", NULL};
	jc_check_keys(c, o, keys);
	json_t *lv = json_object_get(o, "listen");
	if (lv && !json_is_string(lv) && !json_is_array(lv)) {
		jc_push_key(c, "listen");
		jc_error(c, false, "expected a string or an array of strings, found %s",
			 jc_type_name(lv));
		jc_pop(c);
	} else if (lv) {
		for (size_t i = 0; i < cfg->nlisten; i++)
			free(cfg->listen[i].text);
		free(cfg->listen);
		size_t n = json_is_array(lv) ? json_array_size(lv) : 1;
		cfg->listen = xcalloc(n + 1, sizeof(struct listen_addr));
		cfg->nlisten = 0;
		jc_push_key(c, "listen");
		if (n == 0)
			jc_error(c, false, "needs at least one address");
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_is_array(lv) ? json_array_get(lv, i) : lv;
			if (json_is_array(lv))
				jc_push_index(c, i);
			struct listen_addr *la = &cfg->listen[cfg->nlisten];
			if (!json_is_string(e) || json_string_length(e) == 0)
				jc_error(c, false, "expected a non-empty string, found %s",
					 json_is_string(e) ? "an empty string" : jc_type_name(e));
			else if (parse_hostport(json_string_value(e), 53, &la->ss, &la->len) < 0)
				jc_error(c, false, "\"%s\" is not an address such as "
					 "127.0.0.1:5353 or [::1]:5353", json_string_value(e));
			else {
				la->text = xstrdup(json_string_value(e));
				cfg->nlisten++;
			}
			if (json_is_array(lv))
				jc_pop(c);
		}
		jc_pop(c);
	}
	jc_get_uint(c, o, "workers", 0, 256, &cfg->workers);
	jc_get_str(c, o, "nsid", &cfg->nsid);
	if (cfg->nsid) {
		cfg->nsid_len = strlen(cfg->nsid);
		if (cfg->nsid_len > 128) {
			jc_push_key(c, "nsid");
			jc_error(c, false, "longer than 128 bytes");
			jc_pop(c);
		}
	}
	unsigned payload = cfg->udp_payload;
	jc_get_uint(c, o, "udp_payload", 512, 4096, &payload);
	cfg->udp_payload = (uint16_t)payload;
	jc_get_uint(c, o, "tcp_idle_timeout", 1, 3600, &cfg->tcp_idle_timeout);
	jc_get_uint(c, o, "tcp_max_connections", 1, 1000000, &cfg->tcp_max_connections);
	jc_get_uint(c, o, "tcp_max_message", 512, 65535, &cfg->tcp_max_message);
	jc_get_uint(c, o, "tcp_max_per_client", 0, 100000, &cfg->tcp_max_per_client);
	jc_get_uint(c, o, "tcp_max_lifetime", 0, 86400, &cfg->tcp_max_lifetime);
	jc_get_uint(c, o, "tcp_output_buffer_total", 65536, 1073741824,
		    &cfg->tcp_output_buffer_total);
	jc_get_str(c, o, "log_level", &cfg->log_level);
	if (cfg->log_level && strcmp(cfg->log_level, "debug") && strcmp(cfg->log_level, "info") &&
	    strcmp(cfg->log_level, "warning") && strcmp(cfg->log_level, "error")) {
		jc_push_key(c, "log_level");
		jc_error(c, false, "must be one of debug, info, warning, error");
		jc_pop(c);
	}
	jc_get_bool(c, o, "syslog", &cfg->log_syslog);
	/* user, group, chroot: applied by main after the sockets are bound */
	jc_get_uint(c, o, "query_log_rate", 0, 100000, &cfg->query_log_rate);
	jc_get_uint(c, o, "query_log_sample", 1, 1000000, &cfg->query_log_sample);
	jc_get_bool(c, o, "answer_cache", &cfg->answer_cache);
	jc_get_str(c, o, "user", &cfg->user);
	jc_get_str(c, o, "group", &cfg->group);
	jc_get_str(c, o, "chroot", &cfg->chroot);
}

/* "on_feed_loss": "down" (0) or "keep" (1); -1 when absent or wrong. */
static int get_feed_loss(struct jcheck *c, json_t *o)
{
	char *mode = NULL;
	int v = -1;
	jc_get_str(c, o, "on_feed_loss", &mode);
	if (!mode)
		return -1;
	if (strcmp(mode, "keep") == 0)
		v = 1;
	else if (strcmp(mode, "down") == 0)
		v = 0;
	else {
		jc_push_key(c, "on_feed_loss");
		jc_error(c, false, "must be \"down\" or \"keep\"");
		jc_pop(c);
	}
	free(mode);
	return v;
}

static bool feed_url_valid(const char *f)
{
	if (strncmp(f, "file:", 5) == 0)
		return f[5] != '\0';
	if (strncmp(f, "http://", 7) != 0)
		return false;
	struct evhttp_uri *u = evhttp_uri_parse(f);
	bool ok = u && evhttp_uri_get_host(u) && evhttp_uri_get_host(u)[0];
	if (u)
		evhttp_uri_free(u);
	return ok;
}

static void load_regions(struct jcheck *c, struct config *cfg, json_t *o)
{
	const char *name;
	json_t *r;
	cfg->regions = xcalloc(json_object_size(o) + 1, sizeof(struct region_config));
	json_object_foreach(o, name, r) {
		jc_push_key(c, name);
		if (!json_is_object(r)) {
			jc_error(c, false, "expected an object, found %s", jc_type_name(r));
			jc_pop(c);
			continue;
		}
		static const char *const keys[] = {"location", "feed", "interval", "timeout",
						   "down_after", "up_after", "max_age",
						   "on_feed_loss", NULL};
		jc_check_keys(c, r, keys);
		struct region_config *rc = &cfg->regions[cfg->nregions++];
		rc->name = xstrdup(name);
		json_t *loc = json_object_get(r, "location");
		jc_push_key(c, "location");
		if (!loc) {
			jc_pop(c);
			jc_error(c, true, "missing \"location\": [latitude, longitude]");
		} else if (!json_is_array(loc) || json_array_size(loc) != 2 ||
			   !json_is_number(json_array_get(loc, 0)) ||
			   !json_is_number(json_array_get(loc, 1))) {
			jc_error(c, false, "expected [latitude, longitude]");
			jc_pop(c);
		} else {
			rc->lat = json_number_value(json_array_get(loc, 0));
			rc->lon = json_number_value(json_array_get(loc, 1));
			if (rc->lat < -90 || rc->lat > 90 || rc->lon < -180 || rc->lon > 180)
				jc_error(c, false, "latitude must be in -90..90 and "
					  "longitude in -180..180");
			jc_pop(c);
		}
		jc_get_str(c, r, "feed", &rc->feed);
		if (rc->feed && !feed_url_valid(rc->feed)) {
			jc_push_key(c, "feed");
			jc_error(c, false, "\"%s\" is not a feed: use http://host:port/path "
				 "or file:PATH", rc->feed);
			jc_pop(c);
		}
		jc_get_uint(c, r, "interval", 1, 86400, &rc->interval);
		jc_get_uint(c, r, "timeout", 1, 3600, &rc->timeout);
		jc_get_uint(c, r, "down_after", 1, 100, &rc->down_after);
		jc_get_uint(c, r, "up_after", 1, 100, &rc->up_after);
		jc_get_uint(c, r, "max_age", 1, 86400 * 7, &rc->max_age);
		rc->on_feed_loss = get_feed_loss(c, r);
		jc_pop(c);
	}
}

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

static void load_zones(struct jcheck *c, struct config *cfg, json_t *a)
{
	size_t i;
	json_t *z;
	size_t n = json_array_size(a);
	cfg->zones = xcalloc(n + 1, sizeof(struct zone_entry));
	/* where each origin sits, for config_check_zones(): one pass over the
	 * array, not one from the top of the file per zone */
	int *oline = xcalloc(n + 1, sizeof(int)), *ocol = xcalloc(n + 1, sizeof(int));
	size_t adepth = c->depth < JC_DEPTH ? c->depth : JC_DEPTH;
	jsonpos_array_values(c->text, c->len, c->path, adepth, "origin", n, oline, ocol);
	json_array_foreach(a, i, z) {
		jc_push_index(c, i);
		if (!json_is_object(z)) {
			jc_error(c, false, "expected an object, found %s", jc_type_name(z));
			jc_pop(c);
			continue;
		}
		static const char *const keys[] = {"origin", "file", "services", NULL};
		jc_check_keys(c, z, keys);
		struct zone_entry *ze = &cfg->zones[cfg->nzones];
		jc_get_str(c, z, "origin", &ze->origin);
		jc_get_str(c, z, "file", &ze->file);
		jc_get_str(c, z, "services", &ze->services);
		if (!ze->origin)
			jc_error(c, false, "missing \"origin\"");
		if (!ze->file)
			jc_error(c, false, "missing \"file\"");
		if (ze->origin && ze->file) {
			ze->line = oline[i] ? oline[i] : 1;
			ze->column = oline[i] ? ocol[i] : 1;
			cfg->nzones++;
		} else {
			free(ze->origin);
			free(ze->file);
			free(ze->services);
			memset(ze, 0, sizeof(*ze));
		}
		jc_pop(c);
	}
	free(oline);
	free(ocol);
}

static void set_defaults(struct config *cfg)
{
	cfg->nlisten = 2;
	cfg->listen = xcalloc(2, sizeof(struct listen_addr));
	const char *def[] = {"127.0.0.1:53", "[::1]:53"};
	for (int i = 0; i < 2; i++) {
		parse_hostport(def[i], 53, &cfg->listen[i].ss, &cfg->listen[i].len);
		cfg->listen[i].text = xstrdup(def[i]);
	}
	cfg->udp_payload = 1232;
	cfg->query_log_sample = 1;
	cfg->answer_cache = true;
	cfg->tcp_idle_timeout = 10;
	cfg->tcp_max_connections = 1000;
	cfg->http_max_connections = 32;
	cfg->http_max_connections_per_address = 8;
	cfg->tcp_max_message = 65535;
	cfg->tcp_max_per_client = 64;
	cfg->tcp_max_lifetime = 300;
	cfg->tcp_output_buffer_total = 16 * 1024 * 1024;
	cfg->ecs_enabled = true;
	cfg->cookies_enabled = true;
	cfg->hash_ipv4_prefix = 24;
	cfg->hash_ipv6_prefix = 56;
	cfg->health_interval = 5;
	cfg->health_timeout = 2;
	cfg->health_down_after = 3;
	cfg->health_up_after = 2;
	cfg->health_max_age = 30;
	cfg->rrl_slip = 2;
	cfg->rrl_table_size = 65536;
	cfg->rrl_window = 5;
	cfg->rrl_ipv4_prefix = 24;
	cfg->rrl_ipv6_prefix = 56;
}

struct config *config_load(const char *path, struct diag *diag)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	cfg->file = xstrdup(path);
	set_defaults(cfg);
	char *text;
	size_t len;
	if (read_file(path, &text, &len) < 0) {
		diag_error(diag, path, 0, 0, "cannot read configuration: %s", strerror(errno));
		config_free(cfg);
		return NULL;
	}
	struct jcheck c = {.file = path, .text = text, .len = len, .diag = diag,
			   .errors_before = diag->errors};
	json_t *root = jc_load_object(&c, "the configuration must be a JSON object");
	if (!root)
		goto fail;
	static const char *const top[] = {"server", "geoip", "http", "regions", "health",
					  "ecs", "rrl", "cookies", "zones", NULL};
	jc_check_keys(&c, root, top);

	json_t *o;
	if ((o = jc_member(&c, root, "server", JSON_OBJECT))) {
		jc_push_key(&c, "server");
		load_server(&c, cfg, o);
		jc_pop(&c);
	}
	if ((o = jc_member(&c, root, "geoip", JSON_OBJECT))) {
		jc_push_key(&c, "geoip");
		static const char *const keys[] = {"database", "paths", NULL};
		jc_check_keys(&c, o, keys);
		jc_get_str_list(&c, o, "database", &cfg->geoip_databases, &cfg->ngeoip_databases,
			     true);
		json_t *paths = jc_member(&c, o, "paths", JSON_OBJECT);
		if (paths) {
			static const char *const pkeys[] = {"latitude", "longitude", "country",
							    "continent", NULL};
			jc_push_key(&c, "paths");
			jc_check_keys(&c, paths, pkeys);
			for (int k = 0; k < 4; k++) {
				size_t n = 0;
				jc_get_str_list(&c, paths, pkeys[k], &cfg->geoip_paths[k], &n,
						false);
				if (cfg->geoip_paths[k]) {
					cfg->geoip_paths[k] = xrealloc(cfg->geoip_paths[k],
								       (n + 1) * sizeof(char *));
					cfg->geoip_paths[k][n] = NULL;
				}
			}
			jc_pop(&c);
		}
		jc_pop(&c);
	}
	if ((o = jc_member(&c, root, "http", JSON_OBJECT))) {
		jc_push_key(&c, "http");
		static const char *const keys[] = {"listen", "token_file", "max_connections",
		                                   "max_connections_per_address", NULL};
		jc_check_keys(&c, o, keys);
		jc_get_str(&c, o, "listen", &cfg->http_listen);
		if (!json_object_get(o, "listen"))
			cfg->http_listen = xstrdup("127.0.0.1:8053"); /* the section turns it on */
		jc_get_str(&c, o, "token_file", &cfg->http_token_file);
		jc_get_uint(&c, o, "max_connections", 1, 10000, &cfg->http_max_connections);
		jc_get_uint(&c, o, "max_connections_per_address", 1, 10000,
		            &cfg->http_max_connections_per_address);
		struct sockaddr_storage ss;
		socklen_t sl;
		if (cfg->http_listen && parse_hostport(cfg->http_listen, 8053, &ss, &sl) < 0) {
			jc_push_key(&c, "listen");
			jc_error(&c, false, "\"%s\" is not an address such as 127.0.0.1:8053",
				  cfg->http_listen);
			jc_pop(&c);
		}
		jc_pop(&c);
	}
	if ((o = jc_member(&c, root, "regions", JSON_OBJECT))) {
		jc_push_key(&c, "regions");
		load_regions(&c, cfg, o);
		jc_pop(&c);
	}
	if ((o = jc_member(&c, root, "health", JSON_OBJECT))) {
		jc_push_key(&c, "health");
		static const char *const keys[] = {"interval", "timeout", "down_after", "up_after",
						   "max_age", "on_feed_loss", "start_state",
						   "cap_ttl", "state_file", "resolver", NULL};
		jc_check_keys(&c, o, keys);
		jc_get_uint(&c, o, "interval", 1, 86400, &cfg->health_interval);
		jc_get_uint(&c, o, "timeout", 1, 3600, &cfg->health_timeout);
		jc_get_uint(&c, o, "down_after", 1, 100, &cfg->health_down_after);
		jc_get_uint(&c, o, "up_after", 1, 100, &cfg->health_up_after);
		jc_get_uint(&c, o, "max_age", 1, 86400 * 7, &cfg->health_max_age);
		jc_get_bool(&c, o, "cap_ttl", &cfg->health_cap_ttl);
		jc_get_str(&c, o, "state_file", &cfg->health_state_file);
		jc_get_str(&c, o, "resolver", &cfg->health_resolver);
		struct sockaddr_storage rss;
		socklen_t rsl;
		bool resolver_ok = !cfg->health_resolver ||
				   parse_hostport(cfg->health_resolver, 53, &rss, &rsl) == 0;
		if (cfg->health_resolver && resolver_ok)
			resolver_ok = (rss.ss_family == AF_INET6
					       ? ((struct sockaddr_in6 *)&rss)->sin6_port
					       : ((struct sockaddr_in *)&rss)->sin_port) != 0;
		if (!resolver_ok) {
			jc_push_key(&c, "resolver");
			jc_error(&c, false, "\"%s\" is not an address such as 127.0.0.1:53",
				 cfg->health_resolver);
			jc_pop(&c);
		}
		cfg->health_keep_on_feed_loss = get_feed_loss(&c, o) == 1;
		char *mode = NULL;
		jc_get_str(&c, o, "start_state", &mode);
		if (mode) {
			if (strcmp(mode, "down") == 0)
				cfg->health_start_down = true;
			else if (strcmp(mode, "up") != 0) {
				jc_push_key(&c, "start_state");
				jc_error(&c, false, "must be \"up\" or \"down\"");
				jc_pop(&c);
			}
			free(mode);
		}
		jc_pop(&c);
	}
	if ((o = jc_member(&c, root, "ecs", JSON_OBJECT))) {
		jc_push_key(&c, "ecs");
		static const char *const keys[] = {"enabled", "trusted", "hash_ipv4_prefix",
						   "hash_ipv6_prefix", NULL};
		jc_check_keys(&c, o, keys);
		jc_get_bool(&c, o, "enabled", &cfg->ecs_enabled);
		get_prefixes(&c, o, "trusted", &cfg->ecs_trusted, &cfg->necs_trusted);
		cfg->ecs_trusted_set = json_object_get(o, "trusted") != NULL;
		jc_get_uint(&c, o, "hash_ipv4_prefix", 1, 32, &cfg->hash_ipv4_prefix);
		jc_get_uint(&c, o, "hash_ipv6_prefix", 1, 128, &cfg->hash_ipv6_prefix);
		jc_pop(&c);
	}
	if ((o = jc_member(&c, root, "cookies", JSON_OBJECT))) {
		jc_push_key(&c, "cookies");
		static const char *const keys[] = {"enabled", "secret", "previous_secret", NULL};
		jc_check_keys(&c, o, keys);
		jc_get_bool(&c, o, "enabled", &cfg->cookies_enabled);
		jc_get_str(&c, o, "secret", &cfg->cookie_secret);
		jc_get_str(&c, o, "previous_secret", &cfg->cookie_previous_secret);
		static const char *const sk[] = {"secret", "previous_secret"};
		char *const sv[] = {cfg->cookie_secret, cfg->cookie_previous_secret};
		for (int k = 0; k < 2; k++) {
			uint8_t tmp[COOKIE_SECRET_LEN];
			if (sv[k] && cookie_secret_parse(sv[k], tmp) < 0) {
				jc_push_key(&c, sk[k]);
				jc_error(&c, false, "must be 32 hexadecimal digits (16 octets)");
				jc_pop(&c);
			}
		}
		if (cfg->cookie_previous_secret && !cfg->cookie_secret) {
			jc_push_key(&c, "previous_secret");
			jc_error(&c, true, "needs \"secret\" too");
			jc_pop(&c);
		}
		jc_pop(&c);
	}
	if ((o = jc_member(&c, root, "rrl", JSON_OBJECT))) {
		jc_push_key(&c, "rrl");
		static const char *const keys[] = {"responses_per_second", "slip", "window",
						   "ipv4_prefix", "ipv6_prefix", "exempt",
						   "log_only", "table_size", NULL};
		jc_check_keys(&c, o, keys);
		jc_get_uint(&c, o, "responses_per_second", 0, 1000000,
			 &cfg->rrl_responses_per_second);
		jc_get_uint(&c, o, "slip", 0, 10, &cfg->rrl_slip);
		jc_get_uint(&c, o, "window", 1, 60, &cfg->rrl_window);
		jc_get_uint(&c, o, "ipv4_prefix", 1, 32, &cfg->rrl_ipv4_prefix);
		jc_get_uint(&c, o, "ipv6_prefix", 1, 128, &cfg->rrl_ipv6_prefix);
		get_prefixes(&c, o, "exempt", &cfg->rrl_exempt, &cfg->nrrl_exempt);
		jc_get_bool(&c, o, "log_only", &cfg->rrl_log_only);
		jc_get_uint(&c, o, "table_size", 64, 1u << 24, &cfg->rrl_table_size);
		jc_pop(&c);
	}
	if ((o = jc_member(&c, root, "zones", JSON_ARRAY))) {
		jc_push_key(&c, "zones");
		load_zones(&c, cfg, o);
		jc_pop(&c);
	}
	json_decref(root);
	root = NULL;
	if (diag->errors != c.errors_before)
		goto fail;
	free(text);
	return cfg;
fail:
	if (root)
		json_decref(root);
	free(text);
	config_free(cfg);
	return NULL;
}

unsigned config_workers(const struct config *cfg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	return cfg->workers ? cfg->workers : (unsigned)(ncpu > 0 ? ncpu : 1);
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nlisten; i++)
		free(cfg->listen[i].text);
	free(cfg->listen);
	free(cfg->nsid);
	free(cfg->log_level);
	free(cfg->user);
	free(cfg->cookie_secret);
	free(cfg->cookie_previous_secret);
	free(cfg->health_state_file);
	free(cfg->health_resolver);
	free(cfg->group);
	free(cfg->chroot);
	for (size_t i = 0; i < cfg->ngeoip_databases; i++)
		free(cfg->geoip_databases[i]);
	free(cfg->geoip_databases);
	for (int k = 0; k < 4; k++) {
		for (size_t i = 0; cfg->geoip_paths[k] && cfg->geoip_paths[k][i]; i++)
			free(cfg->geoip_paths[k][i]);
		free(cfg->geoip_paths[k]);
	}
	free(cfg->ecs_trusted);
	free(cfg->http_listen);
	free(cfg->http_token_file);
	free(cfg->rrl_exempt);
	for (size_t i = 0; i < cfg->nregions; i++) {
		free(cfg->regions[i].name);
		free(cfg->regions[i].feed);
	}
	free(cfg->regions);
	for (size_t i = 0; i < cfg->nzones; i++) {
		free(cfg->zones[i].origin);
		free(cfg->zones[i].file);
		free(cfg->zones[i].services);
	}
	free(cfg->zones);
	free(cfg->file);
	free(cfg);
}
