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

#include "config_internal.h"

#include "dns/tsig.h"
#include "query/cookie.h"

#include "common/diag.h"
#include "common/gd.h"
#include "common/netaddr.h"
#include "conf/jsoncheck.h"
#include "conf/schema.h"
#include "server/xdp_maps.h"

#include <arpa/inet.h>
#include <assert.h>
#include <dirent.h>
#include <event2/http.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
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

/* ---- the schema's rows applied (conf/schema.h) ---- */

const char *key_name(enum conf_key_id id)
{
	return conf_key_name(&conf_schema[id]);
}

/* Unknown keys of obj, the object at parent ("" for the top level), are
 * errors. */
void check_keys_under(struct jcheck *c, json_t *obj, const char *parent)
{
	const char *names[KEY_COUNT + 1];
	conf_key_children(parent, names);
	jc_check_keys(c, obj, names);
}

/* Unknown keys of obj, an object of the row id (a CONF_OBJECT, or one entry
 * of a CONF_MAP or a CONF_ARRAY), are errors. */
void check_keys(struct jcheck *c, json_t *obj, enum conf_key_id id)
{
	const struct conf_key *k = &conf_schema[id];
	const char *entry = ""; /* one entry of a map or an array */
	if (k->type == CONF_MAP)
		entry = ".*";
	else if (k->type == CONF_ARRAY)
		entry = "[]";
	char parent[128];
	snprintf(parent, sizeof(parent), "%s%s", k->path, entry);
	check_keys_under(c, obj, parent);
}

/* The member of obj for a container row, when it has the row's type. */
json_t *get_section(struct jcheck *c, json_t *obj, enum conf_key_id id)
{
	const struct conf_key *k = &conf_schema[id];
	assert(k->type == CONF_OBJECT || k->type == CONF_MAP || k->type == CONF_ARRAY);
	return jc_member(c, obj, conf_key_name(k),
	                 k->type == CONF_ARRAY ? JSON_ARRAY : JSON_OBJECT);
}

void get_uint(struct jcheck *c, json_t *obj, enum conf_key_id id, unsigned *out)
{
	const struct conf_key *k = &conf_schema[id];
	assert(k->type == CONF_UINT);
	jc_get_uint(c, obj, conf_key_name(k), k->min, k->max, out);
}

void get_bool(struct jcheck *c, json_t *obj, enum conf_key_id id, bool *out)
{
	assert(conf_schema[id].type == CONF_BOOL);
	jc_get_bool(c, obj, key_name(id), out);
}

void get_str(struct jcheck *c, json_t *obj, enum conf_key_id id, char **out)
{
	assert(!conf_schema[id].is_path); /* get_path resolves those */
	jc_get_str(c, obj, key_name(id), out);
}

/* ---- paths: relative to the configuration file's directory ---- */

char *conf_path(const char *dir, const char *value)
{
	if (value[0] == '/' || value[0] == '\0' || dir[0] == '\0')
		return xstrdup(value);
	size_t dl = strlen(dir), vl = strlen(value);
	bool slash = dir[dl - 1] != '/';
	char *p = xmalloc(dl + slash + vl + 1);
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, value, vl + 1);
	return p;
}

/* The directory part of a file's name: "" when it has none ("/" for a file
 * in the root). Caller frees. */
static char *file_dir(const char *file)
{
	const char *slash = strrchr(file, '/');
	if (!slash)
		return xstrdup("");
	size_t n = slash == file ? 1 : (size_t)(slash - file);
	char *d = xmalloc(n + 1);
	memcpy(d, file, n);
	d[n] = '\0';
	return d;
}

/* *p, a path read from the configuration, replaced by its resolved name. */
static void resolve(const struct config *cfg, char **p)
{
	if (!*p)
		return;
	char *r = conf_path(cfg->dir, *p);
	free(*p);
	*p = r;
}

void get_path(struct jcheck *c, const struct config *cfg, json_t *obj, enum conf_key_id id,
              char **out)
{
	assert(conf_schema[id].is_path && conf_schema[id].type == CONF_STRING);
	jc_get_str(c, obj, key_name(id), out);
	resolve(cfg, out);
}

void get_path_list(struct jcheck *c, const struct config *cfg, json_t *obj, enum conf_key_id id,
                   char ***out, size_t *n)
{
	enum conf_type t = conf_schema[id].type;
	assert(conf_schema[id].is_path && (t == CONF_STRING_LIST || t == CONF_STRING_OR_LIST));
	size_t before = *n;
	jc_get_str_list(c, obj, key_name(id), out, n, t == CONF_STRING_OR_LIST);
	for (size_t i = before; i < *n; i++)
		resolve(cfg, &(*out)[i]);
}

/* A string key's value longer than its row's max: an error at the key. */
void check_len(struct jcheck *c, enum conf_key_id id, const char *s)
{
	const struct conf_key *k = &conf_schema[id];
	if (s && strlen(s) > (size_t)k->max) {
		jc_push_key(c, conf_key_name(k));
		jc_error(c, false, "longer than %lld bytes", k->max);
		jc_pop(c);
	}
}

/* The index in the row's names of the member's value; -1 when absent or not
 * one of them (reported as 'must be "a" or "b"', or 'must be one of a, b,
 * c' for more). */
int get_enum(struct jcheck *c, json_t *obj, enum conf_key_id id)
{
	const struct conf_key *k = &conf_schema[id];
	assert(k->type == CONF_ENUM);
	char *value = NULL;
	int v = -1;
	jc_get_str(c, obj, conf_key_name(k), &value);
	if (!value)
		return -1;
	size_t n = 0;
	for (; k->names[n]; n++)
		if (strcmp(value, k->names[n]) == 0)
			v = (int)n;
	if (v < 0) {
		char msg[256];
		size_t len =
		    (size_t)snprintf(msg, sizeof(msg), "must be %s", n == 2 ? "" : "one of ");
		for (size_t i = 0; i < n && len < sizeof(msg); i++) {
			const char *sep = i == 0 ? "" : n == 2 ? " or " : ", ";
			const char *quote = n == 2 ? "\"" : "";
			len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s%s%s", sep,
			                        quote, k->names[i], quote);
		}
		jc_push_key(c, conf_key_name(k));
		jc_error(c, false, "%s", msg);
		jc_pop(c);
	}
	free(value);
	return v;
}

void get_prefixes(struct jcheck *c, json_t *obj, enum conf_key_id id, struct netprefix **out,
                  size_t *n)
{
	const char *key = key_name(id);
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

/* The receive queues of interface name (its AF_XDP sockets): the rx-N
 * folders in sysfs, at least one. */
static unsigned interface_queues(const char *name)
{
	char path[64 + IFNAMSIZ];
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", name);
	DIR *d = opendir(path);
	unsigned n = 0;
	if (d) {
		for (struct dirent *e; (e = readdir(d));)
			n += strncmp(e->d_name, "rx-", 3) == 0;
		closedir(d);
	}
	return n ? n : 1;
}

/* server.xdp: names of interfaces that exist, each once. */
static void load_xdp(struct jcheck *c, struct config *cfg, json_t *o)
{
	json_t *list = json_object_get(o, key_name(KEY_SERVER_XDP));
	if (!list)
		return;
	jc_push_key(c, key_name(KEY_SERVER_XDP));
	if (!json_is_array(list)) {
		jc_error(c, false, "expected an array of interface names, found %s",
			 jc_type_name(list));
		jc_pop(c);
		return;
	}
	size_t n = json_array_size(list), i;
	json_t *e;
	cfg->xdp = xcalloc(n ? n : 1, sizeof(char *));
	cfg->xdp_queues = xcalloc(n ? n : 1, sizeof(unsigned));
	json_array_foreach(list, i, e) {
		jc_push_index(c, i);
		const char *name = json_string_value(e);
		bool dup = false;
		for (size_t k = 0; name && k < cfg->nxdp; k++)
			dup |= strcmp(cfg->xdp[k], name) == 0;
		if (!name || !name[0])
			jc_error(c, false, "expected an interface name, found %s",
				 json_is_string(e) ? "an empty string" : jc_type_name(e));
		else if (strlen(name) >= IFNAMSIZ)
			jc_error(c, false, "\"%s\" is longer than an interface name may be", name);
		else if (dup)
			jc_error(c, false, "interface \"%s\" is named twice", name);
		else if (!if_nametoindex(name))
			jc_error(c, false, "no network interface \"%s\" on this host", name);
		else {
			unsigned q = interface_queues(name);
			q = q < XDP_MAX_QUEUES ? q : XDP_MAX_QUEUES;
			cfg->xdp[cfg->nxdp] = xstrdup(name);
			cfg->xdp_queues[cfg->nxdp++] = q;
			cfg->xdp_queues_total += q;
		}
		jc_pop(c);
	}
	jc_pop(c);
}

static void load_server(struct jcheck *c, struct config *cfg, json_t *o)
{
	const struct conf_key *listen = &conf_schema[KEY_SERVER_LISTEN];
	check_keys(c, o, KEY_SERVER);
	json_t *lv = json_object_get(o, conf_key_name(listen));
	if (lv && !json_is_string(lv) && !json_is_array(lv)) {
		jc_push_key(c, conf_key_name(listen));
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
		jc_push_key(c, conf_key_name(listen));
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
			else if (parse_hostport(json_string_value(e), (uint16_t)listen->port,
			                        &la->ss, &la->len) < 0)
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
	get_uint(c, o, KEY_SERVER_WORKERS, &cfg->workers);
	get_uint(c, o, KEY_SERVER_UDP_BATCH, &cfg->udp_batch);
	get_uint(c, o, KEY_SERVER_COALESCE_US, &cfg->coalesce_us);
	get_uint(c, o, KEY_SERVER_SIGNATURES_PER_SECOND, &cfg->signatures_per_second);
	get_str(c, o, KEY_SERVER_NSID, &cfg->nsid);
	check_len(c, KEY_SERVER_NSID, cfg->nsid);
	cfg->nsid_len = cfg->nsid ? strlen(cfg->nsid) : 0;
	json_t *version = json_object_get(o, key_name(KEY_SERVER_VERSION));
	if (json_is_false(version)) {
		free(cfg->version);
		cfg->version = NULL;
	} else if (version && !json_is_string(version)) {
		jc_push_key(c, key_name(KEY_SERVER_VERSION));
		jc_error(c, false, "expected a string or false, found %s", jc_type_name(version));
		jc_pop(c);
	} else {
		get_str(c, o, KEY_SERVER_VERSION, &cfg->version);
		check_len(c, KEY_SERVER_VERSION, cfg->version);
	}
	unsigned payload = cfg->udp_payload;
	get_uint(c, o, KEY_SERVER_UDP_PAYLOAD, &payload);
	cfg->udp_payload = (uint16_t)payload;
	get_uint(c, o, KEY_SERVER_TCP_IDLE_TIMEOUT, &cfg->tcp_idle_timeout);
	get_uint(c, o, KEY_SERVER_TCP_MAX_CONNECTIONS, &cfg->tcp_max_connections);
	get_uint(c, o, KEY_SERVER_TCP_MAX_MESSAGE, &cfg->tcp_max_message);
	get_uint(c, o, KEY_SERVER_TCP_MAX_PER_CLIENT, &cfg->tcp_max_per_client);
	get_uint(c, o, KEY_SERVER_TCP_MAX_LIFETIME, &cfg->tcp_max_lifetime);
	get_uint(c, o, KEY_SERVER_TCP_OUTPUT_BUFFER_TOTAL, &cfg->tcp_output_buffer_total);
	get_uint(c, o, KEY_SERVER_TRANSFERS_OUT, &cfg->transfers_out);
	get_uint(c, o, KEY_SERVER_TRANSFERS_OUT_PER_CLIENT, &cfg->transfers_out_per_client);
	int level = get_enum(c, o, KEY_SERVER_LOG_LEVEL);
	if (level >= 0) {
		free(cfg->log_level);
		cfg->log_level = xstrdup(conf_schema[KEY_SERVER_LOG_LEVEL].names[level]);
	}
	int format = get_enum(c, o, KEY_SERVER_LOG_FORMAT);
	if (format >= 0)
		cfg->log_json = format == 1;
	get_bool(c, o, KEY_SERVER_SYSLOG, &cfg->log_syslog);
	/* user, group, chroot: applied by main after the sockets are bound */
	get_uint(c, o, KEY_SERVER_QUERY_LOG_RATE, &cfg->query_log_rate);
	get_uint(c, o, KEY_SERVER_QUERY_LOG_SAMPLE, &cfg->query_log_sample);
	get_bool(c, o, KEY_SERVER_ANSWER_CACHE, &cfg->answer_cache);
	get_str(c, o, KEY_SERVER_USER, &cfg->user);
	get_str(c, o, KEY_SERVER_GROUP, &cfg->group);
	get_path(c, cfg, o, KEY_SERVER_CHROOT, &cfg->chroot);
	load_xdp(c, cfg, o);
}

static bool feed_url_valid(const char *f)
{
	if (strncmp(f, "file:", 5) == 0)
		return f[5] != '\0';
	if (strncmp(f, "http://", 7) != 0 && strncmp(f, "https://", 8) != 0)
		return false;
	struct evhttp_uri *u = evhttp_uri_parse(f);
	bool ok = u && evhttp_uri_get_host(u) && evhttp_uri_get_host(u)[0];
	if (u)
		evhttp_uri_free(u);
	return ok;
}

/* A feed as the prober takes it: a "file:PATH" feed's PATH resolved
 * (conf_path), an HTTP feed as written. Caller frees. */
static char *feed_resolve(const struct config *cfg, const char *f)
{
	if (strncmp(f, "file:", 5) != 0)
		return xstrdup(f);
	char *path = conf_path(cfg->dir, f + 5);
	char *r = xmalloc(5 + strlen(path) + 1);
	memcpy(r, "file:", 5);
	strcpy(r + 5, path);
	free(path);
	return r;
}

/* regions.*.feed: one feed URL, or a list of them (as many as the schema
 * row's range) polled in order, none twice (file feeds compared resolved).
 * Each error at the value or the list entry it is about. */
static void get_feeds(struct jcheck *c, const struct config *cfg, json_t *r,
                      struct region_config *rc)
{
	const struct conf_key *k = &conf_schema[KEY_REGION_FEED];
	json_t *v = json_object_get(r, conf_key_name(k));
	if (!v)
		return;
	jc_push_key(c, conf_key_name(k));
	bool list = json_is_array(v);
	size_t n = list ? json_array_size(v) : 1;
	if (!list && !json_is_string(v)) {
		jc_error(c, false, "expected a feed or a list of feeds, found %s", jc_type_name(v));
		n = 0;
	} else if (list && n == 0) {
		jc_error(c, false, "an empty list: give %lld to %lld feeds", k->min, k->max);
	} else if (list && (long long)n > k->max) {
		jc_error(c, false, "%zu feeds: at most %lld", n, k->max);
		n = 0;
	}
	rc->feeds = n ? xcalloc(n, sizeof(char *)) : NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *e = list ? json_array_get(v, i) : v;
		if (list)
			jc_push_index(c, i);
		const char *s = json_is_string(e) ? json_string_value(e) : NULL;
		char *feed = s ? feed_resolve(cfg, s) : NULL;
		size_t dup = rc->nfeeds;
		for (size_t j = 0; feed && j < rc->nfeeds; j++)
			if (strcmp(rc->feeds[j], feed) == 0)
				dup = j;
		if (!s)
			jc_error(c, false, "expected a string, found %s", jc_type_name(e));
		else if (json_string_length(e) == 0 || strlen(s) != json_string_length(e))
			jc_error(c, false, "must be a non-empty string without NUL");
		else if (!feed_url_valid(s))
			jc_error(c, false,
			         "\"%s\" is not a feed: use http://host:port/path, "
			         "https://host:port/path or file:PATH",
			         s);
		else if (dup < rc->nfeeds)
			jc_error(c, false, "\"%s\" is listed twice (first at [%zu])", s, dup);
		else {
			rc->feeds[rc->nfeeds++] = feed;
			feed = NULL;
		}
		free(feed);
		if (list)
			jc_pop(c);
	}
	jc_pop(c);
}

/* regions.*.feed_ca: a PEM file of at least one certificate (OpenSSL reads
 * it again when the prober starts); an error at its value otherwise. */
static void check_feed_ca(struct jcheck *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		jc_error(c, false, "cannot read \"%s\": %s", path, strerror(errno));
		return;
	}
	STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read(f, NULL, NULL, NULL);
	fclose(f);
	int certs = 0;
	for (int i = 0; infos && i < sk_X509_INFO_num(infos); i++)
		certs += sk_X509_INFO_value(infos, i)->x509 != NULL;
	if (!infos)
		jc_error(c, false, "\"%s\" is not a PEM file of certificates: %s", path,
		         ERR_reason_error_string(ERR_peek_last_error()));
	else if (certs == 0)
		jc_error(c, false, "\"%s\" holds no PEM certificate", path);
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	ERR_clear_error();
}

/* regions.*.feed_ca and feed_token_file, beside the feed they are for:
 * the CA file checked, the token read (token_read: again at each reload,
 * so a reload with a broken token file fails). A token that would go over
 * plain http:// is allowed, with a warning. */
static void get_feed_tls(struct jcheck *c, const struct config *cfg, json_t *r,
                         struct region_config *rc)
{
	get_path(c, cfg, r, KEY_REGION_FEED_CA, &rc->feed_ca);
	get_path(c, cfg, r, KEY_REGION_FEED_TOKEN_FILE, &rc->feed_token_file);
	bool https = false, http = false;
	for (size_t i = 0; i < rc->nfeeds; i++) {
		https |= strncmp(rc->feeds[i], "https://", 8) == 0;
		http |= strncmp(rc->feeds[i], "http://", 7) == 0;
	}
	if (rc->feed_ca) {
		jc_push_key(c, key_name(KEY_REGION_FEED_CA));
		if (!https)
			jc_error(c, true, "is for https:// feeds, and this region has none");
		else
			check_feed_ca(c, rc->feed_ca);
		jc_pop(c);
	}
	if (!rc->feed_token_file)
		return;
	jc_push_key(c, key_name(KEY_REGION_FEED_TOKEN_FILE));
	char err[256];
	if (!https && !http)
		jc_error(c, true, "is for http:// and https:// feeds, and this region has none");
	else if (!(rc->feed_token =
	               token_read(rc->feed_token_file, "feed token", err, sizeof(err))))
		jc_error(c, false, "\"%s\": %s", rc->feed_token_file, err);
	else if (http)
		diag_warn(c->diag, c->file, 0, 0,
		          "regions.%s.feed_token_file: the token goes to an http:// feed in clear "
		          "text (use https://)",
		          rc->name);
	jc_pop(c);
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
		check_keys(c, r, KEY_REGIONS);
		struct region_config *rc = &cfg->regions[cfg->nregions++];
		rc->name = xstrdup(name);
		json_t *loc = json_object_get(r, key_name(KEY_REGION_LOCATION));
		jc_push_key(c, key_name(KEY_REGION_LOCATION));
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
			if (fabs(rc->lat) > CONF_LATITUDE_MAX || fabs(rc->lon) > CONF_LONGITUDE_MAX)
				jc_error(c, false,
				         "latitude must be in %g..%g and longitude in %g..%g",
				         -CONF_LATITUDE_MAX, CONF_LATITUDE_MAX, -CONF_LONGITUDE_MAX,
				         CONF_LONGITUDE_MAX);
			jc_pop(c);
		}
		get_feeds(c, cfg, r, rc);
		get_feed_tls(c, cfg, r, rc);
		/* 0 and -1 (unset): the health section's values */
		get_uint(c, r, KEY_REGION_INTERVAL, &rc->interval);
		get_uint(c, r, KEY_REGION_TIMEOUT, &rc->timeout);
		get_uint(c, r, KEY_REGION_DOWN_AFTER, &rc->down_after);
		get_uint(c, r, KEY_REGION_UP_AFTER, &rc->up_after);
		get_uint(c, r, KEY_REGION_MAX_AGE, &rc->max_age);
		rc->on_feed_loss = get_enum(c, r, KEY_REGION_ON_FEED_LOSS);
		jc_pop(c);
	}
}

static void load_geoip(struct jcheck *c, struct config *cfg, json_t *o)
{
	check_keys(c, o, KEY_GEOIP);
	get_path_list(c, cfg, o, KEY_GEOIP_DATABASE, &cfg->geoip_databases, &cfg->ngeoip_databases);
	get_path(c, cfg, o, KEY_GEOIP_ASN_DATABASE, &cfg->geoip_asn_database);
	get_path(c, cfg, o, KEY_GEOIP_NETWORKS, &cfg->geoip_networks);
	get_bool(c, o, KEY_GEOIP_WATCH, &cfg->geoip_watch);
	json_t *paths = get_section(c, o, KEY_GEOIP_PATHS);
	if (!paths)
		return;
	jc_push_key(c, key_name(KEY_GEOIP_PATHS));
	check_keys(c, paths, KEY_GEOIP_PATHS);
	for (int k = 0; k < 4; k++) {
		size_t n = 0;
		jc_get_str_list(c, paths, key_name(KEY_GEOIP_PATHS_LATITUDE + k),
		                &cfg->geoip_paths[k], &n, false);
		if (cfg->geoip_paths[k]) {
			cfg->geoip_paths[k] =
			    xrealloc(cfg->geoip_paths[k], (n + 1) * sizeof(char *));
			cfg->geoip_paths[k][n] = NULL;
		}
	}
	jc_pop(c);
}

/* The listen address of a section that turns a listener on: the row's
 * default when the section leaves it out; an error when it is not one. */
static void get_listen(struct jcheck *c, json_t *o, enum conf_key_id id, const char *example,
                       char **out)
{
	const struct conf_key *listen = &conf_schema[id];
	get_str(c, o, id, out);
	if (!json_object_get(o, conf_key_name(listen)))
		*out = xstrdup(listen->def); /* the section turns it on */
	struct sockaddr_storage ss;
	socklen_t sl;
	if (*out && parse_hostport(*out, (uint16_t)listen->port, &ss, &sl) < 0) {
		jc_push_key(c, conf_key_name(listen));
		jc_error(c, false, "\"%s\" is not an address such as %s", *out, example);
		jc_pop(c);
	}
}

static void load_http(struct jcheck *c, struct config *cfg, json_t *o)
{
	check_keys(c, o, KEY_HTTP);
	get_listen(c, o, KEY_HTTP_LISTEN, "127.0.0.1:8053", &cfg->http_listen);
	get_path(c, cfg, o, KEY_HTTP_TOKEN_FILE, &cfg->http_token_file);
	get_uint(c, o, KEY_HTTP_MAX_CONNECTIONS, &cfg->http_max_connections);
	get_uint(c, o, KEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS,
	         &cfg->http_max_connections_per_address);
}

static void load_control(struct jcheck *c, struct config *cfg, json_t *o)
{
	check_keys(c, o, KEY_CONTROL);
	get_path(c, cfg, o, KEY_CONTROL_SOCKET, &cfg->control_socket);
}

static void load_dnstap(struct jcheck *c, struct config *cfg, json_t *o)
{
	check_keys(c, o, KEY_DNSTAP);
	get_path(c, cfg, o, KEY_DNSTAP_SOCKET, &cfg->dnstap_socket);
	get_str(c, o, KEY_DNSTAP_TCP, &cfg->dnstap_tcp);
	get_str(c, o, KEY_DNSTAP_IDENTITY, &cfg->dnstap_identity);
	get_str(c, o, KEY_DNSTAP_VERSION, &cfg->dnstap_version);
	get_uint(c, o, KEY_DNSTAP_SAMPLE, &cfg->dnstap_sample);
	get_bool(c, o, KEY_DNSTAP_LOG_QUERIES, &cfg->dnstap_log_queries);
	get_bool(c, o, KEY_DNSTAP_LOG_RESPONSES, &cfg->dnstap_log_responses);
	get_bool(c, o, KEY_DNSTAP_TRUNCATE_CLIENT, &cfg->dnstap_truncate_client);
	get_uint(c, o, KEY_DNSTAP_QUEUE_SIZE, &cfg->dnstap_queue_size);
	get_uint(c, o, KEY_DNSTAP_RECONNECT, &cfg->dnstap_reconnect);
	if (cfg->dnstap_socket && cfg->dnstap_tcp)
		jc_error(c, false, "\"socket\" and \"tcp\" name two collectors; give one");
	else if (!cfg->dnstap_socket && !cfg->dnstap_tcp)
		jc_error(c, false, "name the collector: \"socket\" or \"tcp\"");
	struct sockaddr_storage ss;
	socklen_t sl;
	if (cfg->dnstap_tcp && (parse_hostport(cfg->dnstap_tcp, 0, &ss, &sl) < 0 ||
				netaddr_port((struct sockaddr *)&ss) == 0)) {
		jc_push_key(c, key_name(KEY_DNSTAP_TCP));
		jc_error(c, false, "\"%s\" is not an address and port such as 127.0.0.1:6000",
			 cfg->dnstap_tcp);
		jc_pop(c);
	}
	unsigned q = cfg->dnstap_queue_size;
	if (q & (q - 1)) {
		jc_push_key(c, key_name(KEY_DNSTAP_QUEUE_SIZE));
		jc_error(c, false, "%u is not a power of 2", q);
		jc_pop(c);
	}
}

static void load_metrics(struct jcheck *c, struct config *cfg, json_t *o)
{
	check_keys(c, o, KEY_METRICS);
	get_listen(c, o, KEY_METRICS_LISTEN, "0.0.0.0:9153", &cfg->metrics_listen);
}

static void load_health(struct jcheck *c, struct config *cfg, json_t *o)
{
	const struct conf_key *resolver = &conf_schema[KEY_HEALTH_RESOLVER];
	check_keys(c, o, KEY_HEALTH);
	get_uint(c, o, KEY_HEALTH_INTERVAL, &cfg->health_interval);
	get_uint(c, o, KEY_HEALTH_TIMEOUT, &cfg->health_timeout);
	get_uint(c, o, KEY_HEALTH_DOWN_AFTER, &cfg->health_down_after);
	get_uint(c, o, KEY_HEALTH_UP_AFTER, &cfg->health_up_after);
	get_uint(c, o, KEY_HEALTH_MAX_AGE, &cfg->health_max_age);
	get_bool(c, o, KEY_HEALTH_CAP_TTL, &cfg->health_cap_ttl);
	get_path(c, cfg, o, KEY_HEALTH_STATE_FILE, &cfg->health_state_file);
	get_str(c, o, KEY_HEALTH_RESOLVER, &cfg->health_resolver);
	struct sockaddr_storage rss;
	socklen_t rsl;
	bool resolver_ok =
	    !cfg->health_resolver ||
	    parse_hostport(cfg->health_resolver, (uint16_t)resolver->port, &rss, &rsl) == 0;
	if (cfg->health_resolver && resolver_ok)
		resolver_ok = netaddr_port((struct sockaddr *)&rss) != 0;
	if (!resolver_ok) {
		jc_push_key(c, conf_key_name(resolver));
		jc_error(c, false, "\"%s\" is not an address such as 127.0.0.1:53",
		         cfg->health_resolver);
		jc_pop(c);
	}
	int loss = get_enum(c, o, KEY_HEALTH_ON_FEED_LOSS);
	if (loss >= 0)
		cfg->health_keep_on_feed_loss = loss == FEED_LOSS_KEEP;
	int start = get_enum(c, o, KEY_HEALTH_START_STATE);
	if (start >= 0)
		cfg->health_start_down = start == START_STATE_DOWN;
}

static void load_ecs(struct jcheck *c, struct config *cfg, json_t *o)
{
	check_keys(c, o, KEY_ECS);
	get_bool(c, o, KEY_ECS_ENABLED, &cfg->ecs_enabled);
	get_prefixes(c, o, KEY_ECS_TRUSTED, &cfg->ecs_trusted, &cfg->necs_trusted);
	cfg->ecs_trusted_set = json_object_get(o, key_name(KEY_ECS_TRUSTED)) != NULL;
	get_uint(c, o, KEY_ECS_HASH_IPV4_PREFIX, &cfg->hash_ipv4_prefix);
	get_uint(c, o, KEY_ECS_HASH_IPV6_PREFIX, &cfg->hash_ipv6_prefix);
}

static void load_cookies(struct jcheck *c, struct config *cfg, json_t *o)
{
	check_keys(c, o, KEY_COOKIES);
	get_bool(c, o, KEY_COOKIES_ENABLED, &cfg->cookies_enabled);
	get_str(c, o, KEY_COOKIES_SECRET, &cfg->cookie_secret);
	get_str(c, o, KEY_COOKIES_PREVIOUS_SECRET, &cfg->cookie_previous_secret);
	static const enum conf_key_id sk[] = {KEY_COOKIES_SECRET, KEY_COOKIES_PREVIOUS_SECRET};
	char *const sv[] = {cfg->cookie_secret, cfg->cookie_previous_secret};
	for (int k = 0; k < 2; k++) {
		uint8_t tmp[COOKIE_SECRET_LEN];
		if (sv[k] && cookie_secret_parse(sv[k], tmp) < 0) {
			jc_push_key(c, key_name(sk[k]));
			jc_error(c, false, "must be 32 hexadecimal digits (16 octets)");
			jc_pop(c);
		}
	}
	if (cfg->cookie_previous_secret && !cfg->cookie_secret) {
		jc_push_key(c, key_name(KEY_COOKIES_PREVIOUS_SECRET));
		jc_error(c, true, "needs \"secret\" too");
		jc_pop(c);
	}
}

static void load_rrl(struct jcheck *c, struct config *cfg, json_t *o)
{
	check_keys(c, o, KEY_RRL);
	get_uint(c, o, KEY_RRL_RESPONSES_PER_SECOND, &cfg->rrl_responses_per_second);
	get_uint(c, o, KEY_RRL_SLIP, &cfg->rrl_slip);
	get_uint(c, o, KEY_RRL_WINDOW, &cfg->rrl_window);
	get_uint(c, o, KEY_RRL_IPV4_PREFIX, &cfg->rrl_ipv4_prefix);
	get_uint(c, o, KEY_RRL_IPV6_PREFIX, &cfg->rrl_ipv6_prefix);
	get_prefixes(c, o, KEY_RRL_EXEMPT, &cfg->rrl_exempt, &cfg->nrrl_exempt);
	get_bool(c, o, KEY_RRL_LOG_ONLY, &cfg->rrl_log_only);
	get_uint(c, o, KEY_RRL_TABLE_SIZE, &cfg->rrl_table_size);
}

/* The secret of a key from its secret_file: a regular file that neither its
 * group nor others may read or write (the key signs zone transfers), one
 * line of base64. The text into *out (caller frees); false after an error
 * at the current path (secret_file). */
static bool read_secret_file(struct jcheck *c, const char *path, char **out)
{
	char *text;
	size_t len;
	int rc = read_private_file(path, &text, &len);
	if (rc == GD_EFORMAT) {
		jc_error(c, false, "\"%s\" is not a regular file", path);
		return false;
	}
	if (rc == GD_EINVAL) {
		jc_error(c, false,
		         "\"%s\" may be read or written by its group or others: only the "
		         "daemon may read a TSIG secret (chmod 600 it)",
		         path);
		return false;
	}
	if (rc < 0) {
		jc_error(c, false, "cannot read \"%s\": %s", path, strerror(errno));
		return false;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		text[--len] = '\0';
	if (strlen(text) != len) {
		jc_error(c, false, "\"%s\" holds a NUL byte, not base64", path);
		OPENSSL_cleanse(text, len);
		free(text);
		return false;
	}
	*out = text;
	return true;
}

static void load_tsig_keys(struct jcheck *c, struct config *cfg, json_t *o)
{
	const char *name;
	json_t *k;
	cfg->tsig_keys = xcalloc(json_object_size(o) + 1, sizeof(struct tsig_key_config));
	json_object_foreach(o, name, k) {
		jc_push_key(c, name);
		if (!json_is_object(k)) {
			jc_error(c, false, "expected an object, found %s", jc_type_name(k));
			jc_pop(c);
			continue;
		}
		check_keys(c, k, KEY_TSIG_KEYS);
		struct tsig_key_config *tk = &cfg->tsig_keys[cfg->ntsig_keys];
		tk->wire_len = tsig_name_from_text(name, tk->wire);
		if (tk->wire_len == 0) {
			jc_error(c, true,
			         "\"%s\" is not a key name (a domain name such as "
			         "xfr.example.)",
			         name);
			jc_pop(c);
			continue;
		}
		bool dup = false;
		for (size_t i = 0; i < cfg->ntsig_keys && !dup; i++)
			dup = wire_name_equal(cfg->tsig_keys[i].wire, tk->wire);
		if (dup) {
			jc_error(c, true,
			         "the key \"%s\" is defined twice (names are compared "
			         "without case)",
			         name);
			jc_pop(c);
			continue;
		}
		tk->name = xstrdup(name);
		cfg->ntsig_keys++;
		int alg = get_enum(c, k, KEY_TSIG_KEY_ALGORITHM);
		tk->algorithm = alg >= 0 ? alg : conf_default_enum(KEY_TSIG_KEY_ALGORITHM);
		char *secret = NULL, *secret_file = NULL;
		get_str(c, k, KEY_TSIG_KEY_SECRET, &secret);
		get_path(c, cfg, k, KEY_TSIG_KEY_SECRET_FILE, &secret_file);
		bool has_secret = json_object_get(k, key_name(KEY_TSIG_KEY_SECRET)) != NULL;
		bool has_file = json_object_get(k, key_name(KEY_TSIG_KEY_SECRET_FILE)) != NULL;
		enum conf_key_id at = KEY_TSIG_KEY_SECRET;
		if (has_secret && has_file) {
			jc_push_key(c, key_name(KEY_TSIG_KEY_SECRET_FILE));
			jc_error(c, true, "give \"secret\" or \"secret_file\", not both");
			jc_pop(c);
		} else if (!has_secret && !has_file) {
			jc_error(c, true, "needs \"secret\" or \"secret_file\"");
		} else if (secret_file) {
			at = KEY_TSIG_KEY_SECRET_FILE;
			jc_push_key(c, key_name(at));
			if (!read_secret_file(c, secret_file, &secret))
				secret = NULL;
			jc_pop(c);
		}
		if (secret && !(has_secret && has_file)) {
			uint8_t buf[TSIG_SECRET_MAX];
			long n = tsig_base64_decode(secret, buf, sizeof(buf));
			jc_push_key(c, key_name(at));
			if (n < 0)
				jc_error(c, false, "the secret is not base64 (at most %d octets)",
				         TSIG_SECRET_MAX);
			else if (n == 0)
				jc_error(c, false, "the secret is empty");
			else {
				tk->secret = xmalloc((size_t)n);
				memcpy(tk->secret, buf, (size_t)n);
				tk->secret_len = (size_t)n;
			}
			jc_pop(c);
			OPENSSL_cleanse(buf, sizeof(buf));
		}
		if (secret) {
			OPENSSL_cleanse(secret, strlen(secret));
			free(secret);
		}
		free(secret_file);
		jc_pop(c);
	}
}

/* The defaults of the schema's rows. Keys without one stay NULL or zero;
 * the per-region keys stay unset (0, -1): the health section's apply. */
static void set_defaults(struct config *cfg)
{
	/* server.listen: the comma-separated addresses of its default */
	const struct conf_key *listen = &conf_schema[KEY_SERVER_LISTEN];
	size_t n = 1;
	for (const char *p = listen->def; *p; p++)
		n += *p == ',';
	cfg->listen = xcalloc(n, sizeof(struct listen_addr));
	for (const char *p = listen->def; *p;) {
		size_t len = strcspn(p, ",");
		struct listen_addr *la = &cfg->listen[cfg->nlisten++];
		la->text = xcalloc(len + 1, 1);
		memcpy(la->text, p, len);
		int rc = parse_hostport(la->text, (uint16_t)listen->port, &la->ss, &la->len);
		assert(rc == GD_OK);
		(void)rc;
		p += len + (p[len] == ',');
	}
	cfg->workers = conf_default_uint(KEY_SERVER_WORKERS);
	cfg->udp_batch = conf_default_uint(KEY_SERVER_UDP_BATCH);
	cfg->coalesce_us = conf_default_uint(KEY_SERVER_COALESCE_US);
	cfg->version = xstrdup("geodnsd " GD_VERSION);
	cfg->signatures_per_second = conf_default_uint(KEY_SERVER_SIGNATURES_PER_SECOND);
	cfg->udp_payload = (uint16_t)conf_default_uint(KEY_SERVER_UDP_PAYLOAD);
	cfg->tcp_idle_timeout = conf_default_uint(KEY_SERVER_TCP_IDLE_TIMEOUT);
	cfg->tcp_max_connections = conf_default_uint(KEY_SERVER_TCP_MAX_CONNECTIONS);
	cfg->tcp_max_message = conf_default_uint(KEY_SERVER_TCP_MAX_MESSAGE);
	cfg->tcp_max_per_client = conf_default_uint(KEY_SERVER_TCP_MAX_PER_CLIENT);
	cfg->tcp_max_lifetime = conf_default_uint(KEY_SERVER_TCP_MAX_LIFETIME);
	cfg->tcp_output_buffer_total = conf_default_uint(KEY_SERVER_TCP_OUTPUT_BUFFER_TOTAL);
	cfg->transfers_out = conf_default_uint(KEY_SERVER_TRANSFERS_OUT);
	cfg->transfers_out_per_client = conf_default_uint(KEY_SERVER_TRANSFERS_OUT_PER_CLIENT);
	cfg->log_level = xstrdup(conf_schema[KEY_SERVER_LOG_LEVEL].def);
	cfg->log_syslog = conf_default_bool(KEY_SERVER_SYSLOG);
	cfg->query_log_rate = conf_default_uint(KEY_SERVER_QUERY_LOG_RATE);
	cfg->query_log_sample = conf_default_uint(KEY_SERVER_QUERY_LOG_SAMPLE);
	cfg->answer_cache = conf_default_bool(KEY_SERVER_ANSWER_CACHE);
	cfg->geoip_watch = conf_default_bool(KEY_GEOIP_WATCH);
	cfg->dnstap_sample = conf_default_uint(KEY_DNSTAP_SAMPLE);
	cfg->dnstap_log_queries = conf_default_bool(KEY_DNSTAP_LOG_QUERIES);
	cfg->dnstap_log_responses = conf_default_bool(KEY_DNSTAP_LOG_RESPONSES);
	cfg->dnstap_truncate_client = conf_default_bool(KEY_DNSTAP_TRUNCATE_CLIENT);
	cfg->dnstap_queue_size = conf_default_uint(KEY_DNSTAP_QUEUE_SIZE);
	cfg->dnstap_reconnect = conf_default_uint(KEY_DNSTAP_RECONNECT);
	cfg->http_max_connections = conf_default_uint(KEY_HTTP_MAX_CONNECTIONS);
	cfg->http_max_connections_per_address =
	    conf_default_uint(KEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS);
	cfg->health_interval = conf_default_uint(KEY_HEALTH_INTERVAL);
	cfg->health_timeout = conf_default_uint(KEY_HEALTH_TIMEOUT);
	cfg->health_down_after = conf_default_uint(KEY_HEALTH_DOWN_AFTER);
	cfg->health_up_after = conf_default_uint(KEY_HEALTH_UP_AFTER);
	cfg->health_max_age = conf_default_uint(KEY_HEALTH_MAX_AGE);
	cfg->health_keep_on_feed_loss =
	    conf_default_enum(KEY_HEALTH_ON_FEED_LOSS) == FEED_LOSS_KEEP;
	cfg->health_start_down = conf_default_enum(KEY_HEALTH_START_STATE) == START_STATE_DOWN;
	cfg->health_cap_ttl = conf_default_bool(KEY_HEALTH_CAP_TTL);
	cfg->ecs_enabled = conf_default_bool(KEY_ECS_ENABLED);
	cfg->hash_ipv4_prefix = conf_default_uint(KEY_ECS_HASH_IPV4_PREFIX);
	cfg->hash_ipv6_prefix = conf_default_uint(KEY_ECS_HASH_IPV6_PREFIX);
	cfg->cookies_enabled = conf_default_bool(KEY_COOKIES_ENABLED);
	cfg->rrl_responses_per_second = conf_default_uint(KEY_RRL_RESPONSES_PER_SECOND);
	cfg->rrl_slip = conf_default_uint(KEY_RRL_SLIP);
	cfg->rrl_window = conf_default_uint(KEY_RRL_WINDOW);
	cfg->rrl_ipv4_prefix = conf_default_uint(KEY_RRL_IPV4_PREFIX);
	cfg->rrl_ipv6_prefix = conf_default_uint(KEY_RRL_IPV6_PREFIX);
	cfg->rrl_log_only = conf_default_bool(KEY_RRL_LOG_ONLY);
	cfg->rrl_table_size = conf_default_uint(KEY_RRL_TABLE_SIZE);
}

struct config *config_load(const char *path, struct diag *diag)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	cfg->file = xstrdup(path);
	cfg->dir = file_dir(path);
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
	check_keys_under(&c, root, "");
	/* the sections in the order of the table, the order of their errors */
	static const struct {
		enum conf_key_id id;
		void (*load)(struct jcheck *c, struct config *cfg, json_t *o);
	} sections[] = {
	    {KEY_SERVER, load_server},   {KEY_GEOIP, load_geoip},   {KEY_HTTP, load_http},
	    {KEY_CONTROL, load_control}, {KEY_METRICS, load_metrics},  {KEY_DNSTAP, load_dnstap},
	    {KEY_REGIONS, load_regions}, {KEY_HEALTH, load_health}, {KEY_ECS, load_ecs},
	    {KEY_COOKIES, load_cookies}, {KEY_RRL, load_rrl},       {KEY_TSIG_KEYS, load_tsig_keys},
	    {KEY_ZONES, load_zones},
	};
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		json_t *o = get_section(&c, root, sections[i].id);
		if (o) {
			jc_push_key(&c, key_name(sections[i].id));
			sections[i].load(&c, cfg, o);
			jc_pop(&c);
		}
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
	free(cfg->version);
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
	free(cfg->geoip_asn_database);
	free(cfg->geoip_networks);
	for (int k = 0; k < 4; k++) {
		for (size_t i = 0; cfg->geoip_paths[k] && cfg->geoip_paths[k][i]; i++)
			free(cfg->geoip_paths[k][i]);
		free(cfg->geoip_paths[k]);
	}
	free(cfg->ecs_trusted);
	free(cfg->http_listen);
	free(cfg->http_token_file);
	free(cfg->metrics_listen);
	free(cfg->control_socket);
	for (size_t i = 0; i < cfg->nxdp; i++)
		free(cfg->xdp[i]);
	free(cfg->xdp);
	free(cfg->xdp_queues);
	free(cfg->dnstap_socket);
	free(cfg->dnstap_tcp);
	free(cfg->dnstap_identity);
	free(cfg->dnstap_version);
	free(cfg->rrl_exempt);
	for (size_t i = 0; i < cfg->nregions; i++) {
		free(cfg->regions[i].name);
		for (size_t k = 0; k < cfg->regions[i].nfeeds; k++)
			free(cfg->regions[i].feeds[k]);
		free(cfg->regions[i].feeds);
		free(cfg->regions[i].feed_ca);
		free(cfg->regions[i].feed_token_file);
		if (cfg->regions[i].feed_token)
			OPENSSL_cleanse(cfg->regions[i].feed_token,
			                strlen(cfg->regions[i].feed_token));
		free(cfg->regions[i].feed_token);
	}
	free(cfg->regions);
	for (size_t i = 0; i < cfg->ntsig_keys; i++) {
		free(cfg->tsig_keys[i].name);
		if (cfg->tsig_keys[i].secret)
			OPENSSL_cleanse(cfg->tsig_keys[i].secret, cfg->tsig_keys[i].secret_len);
		free(cfg->tsig_keys[i].secret);
	}
	free(cfg->tsig_keys);
	for (size_t i = 0; i < cfg->nzones; i++)
		zone_entry_free(&cfg->zones[i]);
	free(cfg->zones);
	free(cfg->file);
	free(cfg->dir);
	free(cfg);
}
