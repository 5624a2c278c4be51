/*
 * config.c - JSON configuration loading and validation.
 *
 * The document is parsed by jansson (duplicate keys rejected); the schema
 * walk below keeps the path of the element it is looking at, so an error can
 * be placed in the source with jsonpos and named by its dotted key.
 */
#include "config.h"

#include "diag.h"
#include "gd.h"
#include "jsonpos.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define CFG_DEPTH 16

struct cfg_ctx {
	const char *file;
	const char *text;
	size_t len;
	struct diag *diag;
	struct json_path_elem path[CFG_DEPTH];
	size_t depth;
	size_t errors_before;
};

static void push_key(struct cfg_ctx *c, const char *key)
{
	if (c->depth < CFG_DEPTH)
		c->path[c->depth] = (struct json_path_elem){.key = key};
	c->depth++;
}

static void push_index(struct cfg_ctx *c, size_t i)
{
	if (c->depth < CFG_DEPTH)
		c->path[c->depth] = (struct json_path_elem){.key = NULL, .index = i};
	c->depth++;
}

static void pop(struct cfg_ctx *c)
{
	c->depth--;
}

static void path_str(const struct cfg_ctx *c, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->depth && i < CFG_DEPTH && n < cap; i++) {
		if (c->path[i].key)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? "." : "",
					      c->path[i].key);
		else
			n += (size_t)snprintf(buf + n, cap - n, "[%zu]", c->path[i].index);
	}
}

/* Report an error at the current path: at the key when at_key. */
static void cfg_error(struct cfg_ctx *c, bool at_key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void cfg_error(struct cfg_ctx *c, bool at_key, const char *fmt, ...)
{
	char msg[512], path[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	path_str(c, path, sizeof(path));
	int line = 0, col = 0;
	size_t d = c->depth < CFG_DEPTH ? c->depth : CFG_DEPTH;
	if (!jsonpos_find(c->text, c->len, c->path, d, at_key, &line, &col))
		line = col = 0;
	if (line == 0)
		line = 1, col = 1;
	diag_error(c->diag, c->file, line, col, "%s%s%s", path, path[0] ? ": " : "", msg);
}

static const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* Unknown keys in obj are errors. allowed is NULL-terminated. */
static void check_keys(struct cfg_ctx *c, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], key) == 0)
				ok = true;
		if (!ok) {
			push_key(c, key);
			cfg_error(c, true, "unknown key");
			pop(c);
		}
	}
}

/* Fetch a member, checking its type; NULL when absent or wrong (reported).
 * The member's key is left pushed only while the caller works on it. */
static json_t *member(struct cfg_ctx *c, json_t *obj, const char *key, json_type type)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return NULL;
	bool ok = json_typeof(v) == type ||
		  (type == JSON_TRUE && json_is_boolean(v)) ||
		  (type == JSON_REAL && json_is_number(v));
	if (!ok) {
		push_key(c, key);
		const char *want = type == JSON_OBJECT ? "an object" :
				   type == JSON_ARRAY ? "an array" :
				   type == JSON_STRING ? "a string" :
				   type == JSON_INTEGER ? "an integer" :
				   type == JSON_REAL ? "a number" : "a boolean";
		cfg_error(c, false, "expected %s, found %s", want, json_type_name(v));
		pop(c);
		return NULL;
	}
	return v;
}

static void get_uint(struct cfg_ctx *c, json_t *obj, const char *key, long long min,
		     long long max, unsigned *out)
{
	json_t *v = member(c, obj, key, JSON_INTEGER);
	if (!v)
		return;
	long long x = json_integer_value(v);
	if (x < min || x > max) {
		push_key(c, key);
		cfg_error(c, false, "%lld is out of range %lld..%lld", x, min, max);
		pop(c);
		return;
	}
	*out = (unsigned)x;
}

static void get_bool(struct cfg_ctx *c, json_t *obj, const char *key, bool *out)
{
	json_t *v = member(c, obj, key, JSON_TRUE);
	if (v)
		*out = json_is_true(v);
}

static void get_str(struct cfg_ctx *c, json_t *obj, const char *key, char **out)
{
	json_t *v = member(c, obj, key, JSON_STRING);
	if (!v)
		return;
	if (json_string_length(v) == 0 || strlen(json_string_value(v)) != json_string_length(v)) {
		push_key(c, key);
		cfg_error(c, false, "must be a non-empty string without NUL");
		pop(c);
		return;
	}
	free(*out);
	*out = xstrdup(json_string_value(v));
}

/* A string or an array of strings; each validated by check (may be NULL). */
static void get_str_list(struct cfg_ctx *c, json_t *obj, const char *key, char ***out,
			 size_t *n, bool allow_single)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return;
	push_key(c, key);
	if (allow_single && json_is_string(v)) {
		*out = xrealloc(*out, (*n + 1) * sizeof(char *));
		(*out)[(*n)++] = xstrdup(json_string_value(v));
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			push_index(c, i);
			if (!json_is_string(e) || json_string_length(e) == 0)
				cfg_error(c, false, "expected a non-empty string, found %s",
					  json_type_name(e));
			else {
				*out = xrealloc(*out, (*n + 1) * sizeof(char *));
				(*out)[(*n)++] = xstrdup(json_string_value(e));
			}
			pop(c);
		}
	} else {
		cfg_error(c, false, "expected %san array of strings, found %s",
			  allow_single ? "a string or " : "", json_type_name(v));
	}
	pop(c);
}

int parse_hostport(const char *s, uint16_t default_port, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	char host[256];
	const char *port = NULL;
	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
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
		p = strtoul(port, &end, 10);
		if (*end || p > 65535)
			return GD_EINVAL;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
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

int parse_netprefix(const char *s, struct netprefix *out)
{
	char buf[128];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	if (hl >= sizeof(buf))
		return GD_EINVAL;
	memcpy(buf, s, hl);
	buf[hl] = '\0';
	memset(out, 0, sizeof(*out));
	unsigned max;
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		return GD_EINVAL;
	}
	unsigned long bits = max;
	if (slash) {
		char *end;
		if (!slash[1])
			return GD_EINVAL;
		bits = strtoul(slash + 1, &end, 10);
		if (*end || bits > max)
			return GD_EINVAL;
	}
	out->bits = (uint8_t)bits;
	for (unsigned b = (unsigned)bits; b < max; b++)
		if (out->addr[b / 8] & (0x80 >> (b % 8)))
			return GD_EINVAL; /* host bits set */
	return GD_OK;
}

static void get_prefixes(struct cfg_ctx *c, json_t *obj, const char *key,
			 struct netprefix **out, size_t *n)
{
	char **list = NULL;
	size_t nl = 0;
	json_t *arr = json_object_get(obj, key);
	get_str_list(c, obj, key, &list, &nl, false);
	if (!arr || !json_is_array(arr))
		goto done;
	*out = xcalloc(nl ? nl : 1, sizeof(struct netprefix));
	*n = 0;
	size_t k = 0, i;
	json_t *e;
	json_array_foreach(arr, i, e) {
		if (!json_is_string(e) || k >= nl)
			continue;
		if (parse_netprefix(list[k], &(*out)[*n]) < 0) {
			push_key(c, key);
			push_index(c, i);
			cfg_error(c, false, "\"%s\" is not a network prefix such as "
				  "192.0.2.0/24 (host bits must be zero)", list[k]);
			pop(c);
			pop(c);
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

static void load_server(struct cfg_ctx *c, struct config *cfg, json_t *o)
{
	static const char *const keys[] = {
		"listen", "workers", "nsid", "udp_payload", "tcp_idle_timeout",
		"tcp_max_connections", "tcp_max_message", "log_level", "syslog",
		"user", "group", "chroot", NULL};
	check_keys(c, o, keys);
	char **listen = NULL;
	size_t nl = 0;
	get_str_list(c, o, "listen", &listen, &nl, true);
	json_t *lv = json_object_get(o, "listen");
	if (lv) {
		for (size_t i = 0; i < cfg->nlisten; i++)
			free(cfg->listen[i].text);
		free(cfg->listen);
		cfg->listen = xcalloc(nl ? nl : 1, sizeof(struct listen_addr));
		cfg->nlisten = 0;
		for (size_t i = 0; i < nl; i++) {
			struct listen_addr *la = &cfg->listen[cfg->nlisten];
			if (parse_hostport(listen[i], 53, &la->ss, &la->len) < 0) {
				push_key(c, "listen");
				if (json_is_array(lv))
					push_index(c, i);
				cfg_error(c, false, "\"%s\" is not an address such as "
					  "127.0.0.1:5353 or [::1]:5353", listen[i]);
				if (json_is_array(lv))
					pop(c);
				pop(c);
				free(listen[i]);
			} else {
				la->text = listen[i];
				cfg->nlisten++;
			}
		}
		if (nl == 0 && json_is_array(lv)) {
			push_key(c, "listen");
			cfg_error(c, false, "needs at least one address");
			pop(c);
		}
	}
	free(listen);
	get_uint(c, o, "workers", 0, 256, &cfg->workers);
	get_str(c, o, "nsid", &cfg->nsid);
	if (cfg->nsid) {
		cfg->nsid_len = strlen(cfg->nsid);
		if (cfg->nsid_len > 128) {
			push_key(c, "nsid");
			cfg_error(c, false, "longer than 128 bytes");
			pop(c);
		}
	}
	unsigned payload = cfg->udp_payload;
	get_uint(c, o, "udp_payload", 512, 4096, &payload);
	cfg->udp_payload = (uint16_t)payload;
	get_uint(c, o, "tcp_idle_timeout", 1, 3600, &cfg->tcp_idle_timeout);
	get_uint(c, o, "tcp_max_connections", 1, 1000000, &cfg->tcp_max_connections);
	get_uint(c, o, "tcp_max_message", 512, 65535, &cfg->tcp_max_message);
	get_str(c, o, "log_level", &cfg->log_level);
	if (cfg->log_level && strcmp(cfg->log_level, "debug") && strcmp(cfg->log_level, "info") &&
	    strcmp(cfg->log_level, "warning") && strcmp(cfg->log_level, "error")) {
		push_key(c, "log_level");
		cfg_error(c, false, "must be one of debug, info, warning, error");
		pop(c);
	}
	get_bool(c, o, "syslog", &cfg->log_syslog);
	/* user, group, chroot: validated as strings; used by the ops release */
	char *tmp = NULL;
	get_str(c, o, "user", &tmp);
	free(tmp);
	tmp = NULL;
	get_str(c, o, "group", &tmp);
	free(tmp);
	tmp = NULL;
	get_str(c, o, "chroot", &tmp);
	free(tmp);
}

static void load_regions(struct cfg_ctx *c, struct config *cfg, json_t *o)
{
	const char *name;
	json_t *r;
	cfg->regions = xcalloc(json_object_size(o) + 1, sizeof(struct region_config));
	json_object_foreach(o, name, r) {
		push_key(c, name);
		if (!json_is_object(r)) {
			cfg_error(c, false, "expected an object, found %s", json_type_name(r));
			pop(c);
			continue;
		}
		static const char *const keys[] = {"location", "feed", "interval", "timeout",
						   "down_after", "up_after", "max_age", NULL};
		check_keys(c, r, keys);
		struct region_config *rc = &cfg->regions[cfg->nregions++];
		rc->name = xstrdup(name);
		json_t *loc = json_object_get(r, "location");
		push_key(c, "location");
		if (!loc) {
			pop(c);
			cfg_error(c, true, "missing \"location\": [latitude, longitude]");
		} else if (!json_is_array(loc) || json_array_size(loc) != 2 ||
			   !json_is_number(json_array_get(loc, 0)) ||
			   !json_is_number(json_array_get(loc, 1))) {
			cfg_error(c, false, "expected [latitude, longitude]");
			pop(c);
		} else {
			rc->lat = json_number_value(json_array_get(loc, 0));
			rc->lon = json_number_value(json_array_get(loc, 1));
			if (rc->lat < -90 || rc->lat > 90 || rc->lon < -180 || rc->lon > 180)
				cfg_error(c, false, "latitude must be in -90..90 and "
					  "longitude in -180..180");
			pop(c);
		}
		get_str(c, r, "feed", &rc->feed);
		unsigned dummy = 0;
		get_uint(c, r, "interval", 1, 86400, &dummy);
		get_uint(c, r, "timeout", 1, 3600, &dummy);
		get_uint(c, r, "down_after", 1, 100, &dummy);
		get_uint(c, r, "up_after", 1, 100, &dummy);
		get_uint(c, r, "max_age", 1, 86400 * 7, &dummy);
		pop(c);
	}
}

static void load_zones(struct cfg_ctx *c, struct config *cfg, json_t *a)
{
	size_t i;
	json_t *z;
	cfg->zones = xcalloc(json_array_size(a) + 1, sizeof(struct zone_entry));
	json_array_foreach(a, i, z) {
		push_index(c, i);
		if (!json_is_object(z)) {
			cfg_error(c, false, "expected an object, found %s", json_type_name(z));
			pop(c);
			continue;
		}
		static const char *const keys[] = {"origin", "file", "services", NULL};
		check_keys(c, z, keys);
		struct zone_entry *ze = &cfg->zones[cfg->nzones];
		get_str(c, z, "origin", &ze->origin);
		get_str(c, z, "file", &ze->file);
		get_str(c, z, "services", &ze->services);
		if (!ze->origin)
			cfg_error(c, false, "missing \"origin\"");
		if (!ze->file)
			cfg_error(c, false, "missing \"file\"");
		if (ze->origin && ze->file) {
			cfg->nzones++;
		} else {
			free(ze->origin);
			free(ze->file);
			free(ze->services);
			memset(ze, 0, sizeof(*ze));
		}
		pop(c);
	}
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
	cfg->tcp_idle_timeout = 10;
	cfg->tcp_max_connections = 1000;
	cfg->tcp_max_message = 65535;
	cfg->ecs_enabled = true;
	cfg->health_interval = 5;
	cfg->health_timeout = 2;
	cfg->health_down_after = 3;
	cfg->health_up_after = 2;
	cfg->health_max_age = 30;
	cfg->rrl_slip = 2;
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
	struct cfg_ctx c = {.file = path, .text = text, .len = len, .diag = diag,
			    .errors_before = diag->errors};
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		diag_error(diag, path, jerr.line > 0 ? jerr.line : 1,
			   jerr.column > 0 ? jerr.column : 1, "JSON: %s", jerr.text);
		goto fail;
	}
	if (!json_is_object(root)) {
		cfg_error(&c, false, "the configuration must be a JSON object");
		goto fail;
	}
	static const char *const top[] = {"server", "geoip", "http", "regions", "health",
					  "ecs", "rrl", "zones", NULL};
	check_keys(&c, root, top);

	json_t *o;
	if ((o = member(&c, root, "server", JSON_OBJECT))) {
		push_key(&c, "server");
		load_server(&c, cfg, o);
		pop(&c);
	}
	if ((o = member(&c, root, "geoip", JSON_OBJECT))) {
		push_key(&c, "geoip");
		static const char *const keys[] = {"database", "paths", NULL};
		check_keys(&c, o, keys);
		get_str_list(&c, o, "database", &cfg->geoip_databases, &cfg->ngeoip_databases,
			     true);
		if (json_object_get(o, "paths"))
			member(&c, o, "paths", JSON_OBJECT);
		pop(&c);
	}
	if ((o = member(&c, root, "http", JSON_OBJECT))) {
		push_key(&c, "http");
		static const char *const keys[] = {"listen", "token_file", NULL};
		check_keys(&c, o, keys);
		get_str(&c, o, "listen", &cfg->http_listen);
		get_str(&c, o, "token_file", &cfg->http_token_file);
		struct sockaddr_storage ss;
		socklen_t sl;
		if (cfg->http_listen && parse_hostport(cfg->http_listen, 8053, &ss, &sl) < 0) {
			push_key(&c, "listen");
			cfg_error(&c, false, "\"%s\" is not an address such as 127.0.0.1:8053",
				  cfg->http_listen);
			pop(&c);
		}
		pop(&c);
	}
	if ((o = member(&c, root, "regions", JSON_OBJECT))) {
		push_key(&c, "regions");
		load_regions(&c, cfg, o);
		pop(&c);
	}
	if ((o = member(&c, root, "health", JSON_OBJECT))) {
		push_key(&c, "health");
		static const char *const keys[] = {"interval", "timeout", "down_after", "up_after",
						   "max_age", "on_feed_loss", "start_state",
						   "cap_ttl", NULL};
		check_keys(&c, o, keys);
		get_uint(&c, o, "interval", 1, 86400, &cfg->health_interval);
		get_uint(&c, o, "timeout", 1, 3600, &cfg->health_timeout);
		get_uint(&c, o, "down_after", 1, 100, &cfg->health_down_after);
		get_uint(&c, o, "up_after", 1, 100, &cfg->health_up_after);
		get_uint(&c, o, "max_age", 1, 86400 * 7, &cfg->health_max_age);
		pop(&c);
	}
	if ((o = member(&c, root, "ecs", JSON_OBJECT))) {
		push_key(&c, "ecs");
		static const char *const keys[] = {"enabled", "trusted", NULL};
		check_keys(&c, o, keys);
		get_bool(&c, o, "enabled", &cfg->ecs_enabled);
		get_prefixes(&c, o, "trusted", &cfg->ecs_trusted, &cfg->necs_trusted);
		pop(&c);
	}
	if ((o = member(&c, root, "rrl", JSON_OBJECT))) {
		push_key(&c, "rrl");
		static const char *const keys[] = {"responses_per_second", "slip", "window",
						   "ipv4_prefix", "ipv6_prefix", "exempt",
						   "log_only", "table_size", NULL};
		check_keys(&c, o, keys);
		get_uint(&c, o, "responses_per_second", 0, 1000000,
			 &cfg->rrl_responses_per_second);
		get_uint(&c, o, "slip", 0, 10, &cfg->rrl_slip);
		get_uint(&c, o, "window", 1, 60, &cfg->rrl_window);
		get_uint(&c, o, "ipv4_prefix", 1, 32, &cfg->rrl_ipv4_prefix);
		get_uint(&c, o, "ipv6_prefix", 1, 128, &cfg->rrl_ipv6_prefix);
		get_prefixes(&c, o, "exempt", &cfg->rrl_exempt, &cfg->nrrl_exempt);
		pop(&c);
	}
	if ((o = member(&c, root, "zones", JSON_ARRAY))) {
		push_key(&c, "zones");
		load_zones(&c, cfg, o);
		pop(&c);
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

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nlisten; i++)
		free(cfg->listen[i].text);
	free(cfg->listen);
	free(cfg->nsid);
	free(cfg->log_level);
	for (size_t i = 0; i < cfg->ngeoip_databases; i++)
		free(cfg->geoip_databases[i]);
	free(cfg->geoip_databases);
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
