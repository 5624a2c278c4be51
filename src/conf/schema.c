/*
 * schema.c - the configuration keys: one row each (see schema.h).
 *
 * Rows are indexed by enum conf_key_id, so the parser names a key by its id
 * and a misspelt id does not compile; the unit tests (test_schema.c) check
 * that every id has its row, and that ranges, defaults and paths hold
 * together.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/schema.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char *const log_levels[] = {"debug", "info", "warning", "error", NULL};
static const char *const log_formats[] = {"logfmt", "json", NULL};
static const char *const feed_loss_modes[] = {"down", "keep", NULL};
static const char *const start_states[] = {"up", "down", NULL};
/* in the order of enum conf_serial_policy */
static const char *const serial_policies[] = {"keep", "increment", "unixtime", NULL};
/* in the order of enum tsig_algorithm */
static const char *const tsig_algorithms[] = {"hmac-sha256", "hmac-sha384", "hmac-sha512",
                                              "hmac-sha1", NULL};

/* the table is laid out by hand, a row a key */
/* clang-format off */
#define OBJECT(p, d) {.path = p, .type = CONF_OBJECT, .doc = d}
#define UINT(p, lo, hi, def_, d) \
	{.path = p, .type = CONF_UINT, .min = lo, .max = hi, .def = def_, .doc = d}
#define BOOL(p, def_, d) {.path = p, .type = CONF_BOOL, .def = def_, .doc = d}
#define STRING(p, def_, d) {.path = p, .type = CONF_STRING, .def = def_, .doc = d}
/* a file, directory or socket name: a relative one is taken from the
 * configuration file's directory (conf_path) */
#define PATH(p, def_, d) {.path = p, .type = CONF_STRING, .is_path = true, .def = def_, .doc = d}
#define ENUM(p, n, def_, d) {.path = p, .type = CONF_ENUM, .names = n, .def = def_, .doc = d}

const struct conf_key conf_schema[KEY_COUNT] = {
	[KEY_SERVER] = OBJECT("server", "DNS listeners, limits, logging and privileges"),
	[KEY_SERVER_LISTEN] = {.path = "server.listen", .type = CONF_ADDRESS_LIST, .port = 53,
			       .def = "127.0.0.1:53,[::1]:53",
			       .doc = "addresses to answer on (port 53 when left out)"},
	[KEY_SERVER_WORKERS] = UINT("server.workers", 0, 256, "0",
				    "worker threads; 0 is one per CPU"),
	[KEY_SERVER_UDP_BATCH] = UINT("server.udp_batch", 1, 64, "32",
				      "datagrams a UDP thread takes and answers at once"),
	[KEY_SERVER_COALESCE_US] = UINT("server.coalesce_us", 0, 1000, "50",
					"under load, microseconds to wait for more queries; 0: never"),
	[KEY_SERVER_NSID] = {.path = "server.nsid", .type = CONF_STRING, .min = 1, .max = 128,
			     .doc = "NSID option value (RFC 5001); none: NSID not answered"},
	[KEY_SERVER_VERSION] = {.path = "server.version", .type = CONF_STRING_OR_FALSE, .min = 1,
	                        .max = 255,
	                        .doc = "CH version.bind/version.server answer; false: REFUSED"},
	[KEY_SERVER_UDP_PAYLOAD] = UINT("server.udp_payload", 512, 4096, "1232",
					"EDNS UDP payload size advertised and largest UDP "
					"response, bytes"),
	[KEY_SERVER_TCP_IDLE_TIMEOUT] = UINT("server.tcp_idle_timeout", 1, 3600, "10",
					     "seconds a TCP connection may stay idle"),
	[KEY_SERVER_TCP_MAX_CONNECTIONS] = UINT("server.tcp_max_connections", 1, 1000000, "1000",
						"open TCP connections, all workers together"),
	[KEY_SERVER_TCP_MAX_MESSAGE] = UINT("server.tcp_max_message", 512, 65535, "65535",
					    "largest TCP query accepted, bytes"),
	[KEY_SERVER_TCP_MAX_PER_CLIENT] = UINT("server.tcp_max_per_client", 0, 100000, "64",
					       "TCP connections one client address may hold; "
					       "0 is no cap"),
	[KEY_SERVER_TCP_MAX_LIFETIME] = UINT("server.tcp_max_lifetime", 0, 86400, "300",
					     "seconds a TCP connection may stay open; 0 is no "
					     "limit"),
	[KEY_SERVER_TCP_OUTPUT_BUFFER_TOTAL] = UINT("server.tcp_output_buffer_total", 65536,
						    1073741824, "16777216",
						    "bytes of unsent TCP answers, all "
						    "connections together"),
	[KEY_SERVER_TRANSFERS_OUT] = UINT("server.transfers_out", 1, 10000, "10",
					  "zone transfers (AXFR, IXFR over TCP) served at once"),
	[KEY_SERVER_TRANSFERS_OUT_PER_CLIENT] = UINT("server.transfers_out_per_client", 1, 10000,
						     "4", "zone transfers one client address may "
						     "hold at once"),
	[KEY_SERVER_LOG_LEVEL] = ENUM("server.log_level", log_levels, "info",
				      "least severe level logged"),
	[KEY_SERVER_LOG_FORMAT] = ENUM("server.log_format", log_formats, "logfmt",
				       "log lines as key=value pairs, or one JSON object each"),
	[KEY_SERVER_SYSLOG] = BOOL("server.syslog", "false",
				   "log to syslog (daemon) when not in the foreground"),
	[KEY_SERVER_QUERY_LOG_RATE] = UINT("server.query_log_rate", 0, 100000, "0",
					   "sampled query log lines a second; 0 is off"),
	[KEY_SERVER_QUERY_LOG_SAMPLE] = UINT("server.query_log_sample", 1, 1000000, "1",
					     "log one query in this many"),
	[KEY_SERVER_ANSWER_CACHE] = BOOL("server.answer_cache", "true",
					 "keep whole responses per thread and replay them"),
	[KEY_SERVER_SIGNATURES_PER_SECOND] = UINT("server.signatures_per_second", 0, 10000000,
	                                          "20000", "RRSIGs a worker makes a second for "
	                                          "UDP; over it TC=1; 0: no cap"),
	[KEY_SERVER_USER] = STRING("server.user", NULL,
				   "user to switch to after binding the sockets"),
	[KEY_SERVER_GROUP] = STRING("server.group", NULL,
				    "group to switch to after binding the sockets"),
	[KEY_SERVER_CHROOT] = PATH("server.chroot", NULL,
				     "directory to chroot to after binding the sockets"),
	[KEY_SERVER_XDP] = {.path = "server.xdp", .type = CONF_STRING_LIST,
			    .doc = "interfaces whose DNS over UDP is answered over AF_XDP"},

	[KEY_GEOIP] = OBJECT("geoip", "the MaxMind databases that locate clients"),
	[KEY_GEOIP_DATABASE] = {.path = "geoip.database", .type = CONF_STRING_OR_LIST,
				.is_path = true, .doc = "MaxMind DB files; none: every client unknown"},
	[KEY_GEOIP_ASN_DATABASE] = PATH("geoip.asn_database", NULL,
					"MaxMind DB of AS numbers for services' \"asns\""),
	[KEY_GEOIP_NETWORKS] = PATH("geoip.networks", NULL,
				    "CIDR to region for every service (JSON or CSV)"),
	[KEY_GEOIP_WATCH] = BOOL("geoip.watch", "true",
				 "load a database replaced on disk, no reload needed"),
	[KEY_GEOIP_PATHS] = OBJECT("geoip.paths", "record key paths overriding the detected "
				   "layout"),
	[KEY_GEOIP_PATHS_LATITUDE] = {.path = "geoip.paths.latitude", .type = CONF_STRING_LIST,
				      .doc = "keys leading to the latitude"},
	[KEY_GEOIP_PATHS_LONGITUDE] = {.path = "geoip.paths.longitude", .type = CONF_STRING_LIST,
				       .doc = "keys leading to the longitude"},
	[KEY_GEOIP_PATHS_COUNTRY] = {.path = "geoip.paths.country", .type = CONF_STRING_LIST,
				     .doc = "keys leading to the ISO country code"},
	[KEY_GEOIP_PATHS_CONTINENT] = {.path = "geoip.paths.continent", .type = CONF_STRING_LIST,
				       .doc = "keys leading to the continent code"},

	[KEY_HTTP] = OBJECT("http", "the operations endpoint (metrics, status, admin API); "
			    "off without it"),
	[KEY_HTTP_LISTEN] = {.path = "http.listen", .type = CONF_ADDRESS, .port = 8053,
			     .def = "127.0.0.1:8053",
			     .doc = "address of the endpoint (port 8053 when left out)"},
	[KEY_HTTP_TOKEN_FILE] = PATH("http.token_file", NULL,
				       "file of the admin bearer token; none: admin "
				       "calls refused"),
	[KEY_HTTP_MAX_CONNECTIONS] = UINT("http.max_connections", 1, 10000, "32",
					  "HTTP connections open at once"),
	[KEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS] = UINT("http.max_connections_per_address", 1,
						      10000, "8",
						      "HTTP connections one client may hold"),

	[KEY_CONTROL] = OBJECT("control", "the control socket of geodnsdctl"),
	[KEY_METRICS] = OBJECT("metrics", "a listener of its own for /metrics; off without it"),
	[KEY_METRICS_LISTEN] = {.path = "metrics.listen", .type = CONF_ADDRESS, .port = 9153,
	                        .def = "127.0.0.1:9153",
	                        .doc = "address of /metrics alone (port 9153 when left out)"},
	[KEY_CONTROL_SOCKET] = PATH("control.socket", NULL,
				      "Unix socket of geodnsdctl (mode 0660)"),

	[KEY_DNSTAP] = OBJECT("dnstap", "dnstap copies of queries and responses; off without it"),
	[KEY_DNSTAP_SOCKET] = PATH("dnstap.socket", NULL,
				     "Unix socket of the dnstap collector (fstrm)"),
	[KEY_DNSTAP_TCP] = STRING("dnstap.tcp", NULL,
				  "ADDRESS:PORT of a dnstap collector over TCP"),
	[KEY_DNSTAP_IDENTITY] = STRING("dnstap.identity", NULL,
				       "identity field; none: the host name"),
	[KEY_DNSTAP_VERSION] = STRING("dnstap.version", NULL,
				      "version field; none: geodnsd and its version"),
	[KEY_DNSTAP_SAMPLE] = UINT("dnstap.sample", 1, 1000000, "1",
				   "copy 1 query in N (with its response)"),
	[KEY_DNSTAP_LOG_QUERIES] = BOOL("dnstap.log_queries", "true",
					"write AUTH_QUERY messages"),
	[KEY_DNSTAP_LOG_RESPONSES] = BOOL("dnstap.log_responses", "true",
					  "write AUTH_RESPONSE messages"),
	[KEY_DNSTAP_TRUNCATE_CLIENT] = BOOL("dnstap.truncate_client", "false",
					    "client address cut to /24 (IPv4) and /56 (IPv6)"),
	[KEY_DNSTAP_QUEUE_SIZE] = UINT("dnstap.queue_size", 2, 16384, "512",
				       "messages each thread may queue; a power of 2"),
	[KEY_DNSTAP_RECONNECT] = UINT("dnstap.reconnect_interval", 1, 600, "5",
				      "seconds between attempts to reach the collector"),

	[KEY_REGIONS] = {.path = "regions", .type = CONF_MAP,
			 .doc = "regions by name, each an object of the keys regions.*"},
	[KEY_REGION_LOCATION] = {.path = "regions.*.location", .type = CONF_LOCATION,
				 .def = "required", .doc = "[latitude, longitude] in degrees"},
	[KEY_REGION_FEED] = {.path = "regions.*.feed", .type = CONF_FEED, .min = 1, .max = 8,
			     .is_path = true,
			     .doc = "health feed: http://, https:// or file:PATH, or a list; "
				    "none: always up"},
	[KEY_REGION_FEED_CA] = PATH("regions.*.feed_ca", NULL,
				    "PEM file of the CAs that verify https:// feeds; none: the "
				    "system's store"),
	[KEY_REGION_FEED_TOKEN_FILE] = PATH("regions.*.feed_token_file", NULL,
					    "file of the bearer token sent to the feeds; none: "
					    "no Authorization header"),
	[KEY_REGION_INTERVAL] = UINT("regions.*.interval", 1, 86400, "health.interval",
				     "health.interval for this region"),
	[KEY_REGION_TIMEOUT] = UINT("regions.*.timeout", 1, 3600, "health.timeout",
				    "health.timeout for this region"),
	[KEY_REGION_DOWN_AFTER] = UINT("regions.*.down_after", 1, 100, "health.down_after",
				       "health.down_after for this region"),
	[KEY_REGION_UP_AFTER] = UINT("regions.*.up_after", 1, 100, "health.up_after",
				     "health.up_after for this region"),
	[KEY_REGION_MAX_AGE] = UINT("regions.*.max_age", 1, 604800, "health.max_age",
				    "health.max_age for this region"),
	[KEY_REGION_ON_FEED_LOSS] = ENUM("regions.*.on_feed_loss", feed_loss_modes,
					 "health.on_feed_loss",
					 "health.on_feed_loss for this region"),

	[KEY_HEALTH] = OBJECT("health", "how feeds are polled and judged"),
	[KEY_HEALTH_INTERVAL] = UINT("health.interval", 1, 86400, "5",
				     "seconds between polls of each feed"),
	[KEY_HEALTH_TIMEOUT] = UINT("health.timeout", 1, 3600, "2",
				    "seconds an HTTP poll may take as a whole"),
	[KEY_HEALTH_DOWN_AFTER] = UINT("health.down_after", 1, 100, "3",
				       "consecutive failed checks that take a target down"),
	[KEY_HEALTH_UP_AFTER] = UINT("health.up_after", 1, 100, "2",
				     "consecutive healthy checks that bring it back"),
	[KEY_HEALTH_MAX_AGE] = UINT("health.max_age", 1, 604800, "30",
				    "seconds after which a feed document is stale"),
	[KEY_HEALTH_ON_FEED_LOSS] = ENUM("health.on_feed_loss", feed_loss_modes, "down",
					 "a lost feed counts as a failed check (down) or "
					 "changes nothing (keep)"),
	[KEY_HEALTH_START_STATE] = ENUM("health.start_state", start_states, "up",
					"state of every target before its first poll"),
	[KEY_HEALTH_CAP_TTL] = BOOL("health.cap_ttl", "false",
				    "service answer TTLs at most the poll interval"),
	[KEY_HEALTH_STATE_FILE] = PATH("health.state_file", NULL,
					 "file keeping admin overrides across restarts"),
	[KEY_HEALTH_RESOLVER] = {.path = "health.resolver", .type = CONF_ADDRESS, .port = 53,
				 .def = "system",
				 .doc = "DNS server for feed host names; system: "
					"/etc/resolv.conf"},

	[KEY_ECS] = OBJECT("ecs", "EDNS Client Subnet (RFC 7871)"),
	[KEY_ECS_ENABLED] = BOOL("ecs.enabled", "true", "echo and use ECS options"),
	[KEY_ECS_TRUSTED] = {.path = "ecs.trusted", .type = CONF_PREFIX_LIST, .def = "all",
			     .doc = "networks whose ECS options decide geo answers"},
	[KEY_ECS_HASH_IPV4_PREFIX] = UINT("ecs.hash_ipv4_prefix", 1, 32, "24",
					  "IPv4 client network hashed for splits, bits"),
	[KEY_ECS_HASH_IPV6_PREFIX] = UINT("ecs.hash_ipv6_prefix", 1, 128, "56",
					  "IPv6 client network hashed for splits, bits"),

	[KEY_COOKIES] = OBJECT("cookies", "DNS cookies (RFC 7873, RFC 9018)"),
	[KEY_COOKIES_ENABLED] = BOOL("cookies.enabled", "true", "answer DNS cookies"),
	[KEY_COOKIES_SECRET] = STRING("cookies.secret", "random",
				      "server secret, 32 hexadecimal digits"),
	[KEY_COOKIES_PREVIOUS_SECRET] = STRING("cookies.previous_secret", NULL,
					       "secret still accepted during a rotation"),

	[KEY_RRL] = OBJECT("rrl", "response rate limiting"),
	[KEY_RRL_RESPONSES_PER_SECOND] = UINT("rrl.responses_per_second", 0, 1000000, "0",
					      "answers a second per account; 0 is off"),
	[KEY_RRL_SLIP] = UINT("rrl.slip", 0, 10, "2",
			      "every Nth limited response sent truncated; 0 drops all"),
	[KEY_RRL_WINDOW] = UINT("rrl.window", 1, 60, "5",
				"seconds of credit a quiet account may save up"),
	[KEY_RRL_IPV4_PREFIX] = UINT("rrl.ipv4_prefix", 1, 32, "24",
				     "IPv4 client network of an account, bits"),
	[KEY_RRL_IPV6_PREFIX] = UINT("rrl.ipv6_prefix", 1, 128, "56",
				     "IPv6 client network of an account, bits"),
	[KEY_RRL_EXEMPT] = {.path = "rrl.exempt", .type = CONF_PREFIX_LIST,
			    .doc = "networks never limited"},
	[KEY_RRL_LOG_ONLY] = BOOL("rrl.log_only", "false",
				  "count limited responses but send them"),
	[KEY_RRL_TABLE_SIZE] = UINT("rrl.table_size", 64, 16777216, "65536",
				    "accounts per UDP thread"),

	[KEY_TSIG_KEYS] = {.path = "tsig_keys", .type = CONF_MAP,
			   .doc = "TSIG keys (RFC 8945) by key name, each an object of the "
				  "keys tsig_keys.*"},
	[KEY_TSIG_KEY_ALGORITHM] = ENUM("tsig_keys.*.algorithm", tsig_algorithms, "hmac-sha256",
					"the HMAC of the key"),
	[KEY_TSIG_KEY_SECRET] = STRING("tsig_keys.*.secret", NULL,
				       "the secret in base64; this or secret_file"),
	[KEY_TSIG_KEY_SECRET_FILE] = PATH("tsig_keys.*.secret_file", NULL,
					    "file of the secret in base64, readable by its "
					    "owner only; this or secret"),

	[KEY_ZONES] = {.path = "zones", .type = CONF_ARRAY,
		       .doc = "the zones served, each an object of the keys zones[]"},
	[KEY_ZONE_ORIGIN] = STRING("zones[].origin", "required", "the zone apex"),
	[KEY_ZONE_FILE] = PATH("zones[].file", "required", "the master file"),
	[KEY_ZONE_SERVICES] = PATH("zones[].services", NULL, "the services file of the zone"),
	[KEY_ZONE_SERIAL_POLICY] = ENUM("zones[].serial_policy", serial_policies, "keep",
					"who raises the serial when the zone changes: the "
					"file (keep), or geodnsd"),
	[KEY_ZONE_TRANSFER] = OBJECT("zones[].transfer", "zone transfers out and NOTIFY"),
	[KEY_ZONE_TRANSFER_ALLOW] = {.path = "zones[].transfer.allow", .type = CONF_ARRAY,
				     .doc = "who may transfer the zone (AXFR, IXFR); none: "
					    "nobody"},
	[KEY_ZONE_TRANSFER_ALLOW_NETWORK] = STRING("zones[].transfer.allow[].network", "required",
						   "client network, ADDR/BITS or an address"),
	[KEY_ZONE_TRANSFER_ALLOW_KEY] = STRING("zones[].transfer.allow[].key", NULL,
					       "TSIG key the request must be signed with"),
	[KEY_ZONE_TRANSFER_NOTIFY] = {.path = "zones[].transfer.notify", .type = CONF_ARRAY,
				      .doc = "where NOTIFY goes at every new serial"},
	[KEY_ZONE_TRANSFER_NOTIFY_ADDRESS] = {.path = "zones[].transfer.notify[].address",
					      .type = CONF_ADDRESS, .port = 53, .def = "required",
					      .doc = "secondary to notify (port 53 when left "
						     "out)"},
	[KEY_ZONE_TRANSFER_NOTIFY_KEY] = STRING("zones[].transfer.notify[].key", NULL,
						"TSIG key to sign the NOTIFY with"),
	[KEY_ZONE_JOURNAL] = OBJECT("zones[].journal", "the differences kept for IXFR"),
	[KEY_ZONE_JOURNAL_MAX_VERSIONS] = UINT("zones[].journal.max_versions", 0, 100000, "20",
					       "versions kept; 0: no journal (IXFR answered "
					       "as AXFR)"),
	[KEY_ZONE_JOURNAL_MAX_BYTES] = UINT("zones[].journal.max_bytes", 0, 2147483647,
					    "16777216", "bytes of differences kept"),
	[KEY_ZONE_JOURNAL_FILE] = PATH("zones[].journal.file", NULL,
					 "file that keeps the journal across restarts"),
	[KEY_ZONE_PRIMARIES] = {.path = "zones[].primaries", .type = CONF_ARRAY,
				.doc = "primaries to transfer from, in order: the zone is a secondary"},
	[KEY_ZONE_PRIMARY_ADDRESS] = {.path = "zones[].primaries[].address",
				      .type = CONF_ADDRESS, .port = 53, .def = "required",
				      .doc = "the primary (port 53 when left out); its NOTIFY "
					     "is taken from this address"},
	[KEY_ZONE_PRIMARY_KEY] = STRING("zones[].primaries[].key", NULL,
					"TSIG key of the requests to it and of its NOTIFY"),
	[KEY_ZONE_TIMERS] = OBJECT("zones[].timers",
				   "bounds of a secondary's SOA refresh, retry and expire"),
	[KEY_ZONE_TIMERS_REFRESH_MIN] = UINT("zones[].timers.refresh_min", 1, 86400, "2",
					     "seconds, least refresh interval"),
	[KEY_ZONE_TIMERS_REFRESH_MAX] = UINT("zones[].timers.refresh_max", 2, 2419200, "86400",
					     "seconds, greatest refresh interval"),
	[KEY_ZONE_TIMERS_RETRY_MIN] = UINT("zones[].timers.retry_min", 1, 86400, "1",
					   "seconds, least retry interval"),
	[KEY_ZONE_TIMERS_RETRY_MAX] = UINT("zones[].timers.retry_max", 1, 2419200, "86400",
					   "seconds, greatest retry interval"),
	[KEY_ZONE_TIMERS_EXPIRE_MIN] = UINT("zones[].timers.expire_min", 1, 2419200, "3",
					    "seconds, least expire time"),
	[KEY_ZONE_TIMERS_EXPIRE_MAX] = UINT("zones[].timers.expire_max", 3, 31536000,
					    "2419200", "seconds, greatest expire time"),
	[KEY_ZONE_CATALOG] = OBJECT("zones[].catalog",
				    "a catalog zone (RFC 9432): its members are served"),
	[KEY_ZONE_CATALOG_DIRECTORY] = PATH("zones[].catalog.directory", "required",
					      "where the members' copies are kept"),
	[KEY_ZONE_CATALOG_PRIMARIES] = {.path = "zones[].catalog.primaries", .type = CONF_ARRAY,
					.doc = "the members' primaries; the catalog's when left out"},
	[KEY_ZONE_CATALOG_PRIMARY_ADDRESS] = {.path = "zones[].catalog.primaries[].address",
					      .type = CONF_ADDRESS, .port = 53, .def = "required",
					      .doc = "a primary of the members"},
	[KEY_ZONE_CATALOG_PRIMARY_KEY] = STRING("zones[].catalog.primaries[].key", NULL,
						"TSIG key for it"),
	[KEY_ZONE_DNSSEC] = OBJECT("zones[].dnssec", "online DNSSEC signing of the zone"),
	[KEY_ZONE_DNSSEC_KEY] = PATH("zones[].dnssec.key", "required",
				       "base name of the key files (BASE.key, BASE.private)"),
	[KEY_ZONE_DNSSEC_PUBLISH] = {.path = "zones[].dnssec.publish", .type = CONF_STRING_LIST,
				     .is_path = true, .doc = "keys published beside it (a rollover)"},
};
/* clang-format on */

const char *conf_key_name(const struct conf_key *k)
{
	const char *dot = strrchr(k->path, '.');
	return dot ? dot + 1 : k->path;
}

size_t conf_key_children(const char *parent, const char **names)
{
	size_t n = 0, plen = strlen(parent);
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const char *p = conf_schema[i].path, *name = conf_key_name(&conf_schema[i]);
		/* the parent is what precedes ".name", or nothing */
		size_t before = name == p ? 0 : (size_t)(name - p) - 1;
		if (before == plen && strncmp(p, parent, plen) == 0)
			names[n++] = name;
	}
	names[n] = NULL;
	return n;
}

static long long default_number(enum conf_key_id id)
{
	const struct conf_key *k = &conf_schema[id];
	assert(k->type == CONF_UINT && k->def);
	char *end;
	long long v = strtoll(k->def, &end, 10);
	assert(*end == '\0' && v >= k->min && v <= k->max);
	return v;
}

unsigned conf_default_uint(enum conf_key_id id)
{
	return (unsigned)default_number(id);
}

bool conf_default_bool(enum conf_key_id id)
{
	const struct conf_key *k = &conf_schema[id];
	assert(k->type == CONF_BOOL && k->def);
	assert(strcmp(k->def, "true") == 0 || strcmp(k->def, "false") == 0);
	return strcmp(k->def, "true") == 0;
}

int conf_default_enum(enum conf_key_id id)
{
	const struct conf_key *k = &conf_schema[id];
	assert(k->type == CONF_ENUM && k->def);
	for (int i = 0; k->names[i]; i++)
		if (strcmp(k->names[i], k->def) == 0)
			return i;
	assert(!"an enumeration's default is one of its names");
	return 0;
}

const char *conf_type_name(enum conf_type t)
{
	switch (t) {
	case CONF_OBJECT: return "object";
	case CONF_MAP: return "map";
	case CONF_ARRAY: return "array";
	case CONF_BOOL: return "bool";
	case CONF_UINT: return "uint";
	case CONF_STRING: return "string";
	case CONF_STRING_OR_FALSE: return "string|false";
	case CONF_STRING_LIST: return "string-list";
	case CONF_STRING_OR_LIST: return "string|list";
	case CONF_ENUM: return "enum";
	case CONF_ADDRESS: return "address";
	case CONF_ADDRESS_LIST: return "address|list";
	case CONF_PREFIX_LIST: return "prefix-list";
	case CONF_LOCATION: return "location";
	case CONF_FEED: return "feed|list";
	}
	return "?";
}

const char *conf_key_type_name(const struct conf_key *k)
{
	if (k->is_path && k->type == CONF_STRING)
		return "path";
	if (k->is_path && k->type == CONF_STRING_OR_LIST)
		return "path|list";
	if (k->is_path && k->type == CONF_STRING_LIST)
		return "path-list";
	return conf_type_name(k->type);
}

const char *conf_range_str(const struct conf_key *k, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	if (k->type == CONF_ENUM) {
		for (size_t i = 0; k->names[i] && n < cap; i++)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? "," : "", k->names[i]);
	} else if (k->type == CONF_UINT || k->type == CONF_FEED ||
	           ((k->type == CONF_STRING || k->type == CONF_STRING_OR_FALSE) && k->max > 0)) {
		snprintf(buf, cap, "%lld..%lld", k->min, k->max);
	} else {
		snprintf(buf, cap, "-");
	}
	return buf;
}

void conf_schema_print(FILE *f)
{
	static const char *const head[] = {"KEY", "TYPE", "RANGE", "DEFAULT"};
	int w[4];
	char range[128];
	for (int c = 0; c < 4; c++)
		w[c] = (int)strlen(head[c]);
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct conf_key *k = &conf_schema[i];
		const char *col[4] = {k->path, conf_key_type_name(k),
		                      conf_range_str(k, range, sizeof(range)),
		                      k->def ? k->def : "-"};
		for (int c = 0; c < 4; c++)
			if ((int)strlen(col[c]) > w[c])
				w[c] = (int)strlen(col[c]);
	}
	fprintf(f, "%-*s  %-*s  %-*s  %-*s  %s\n", w[0], head[0], w[1], head[1], w[2], head[2],
	        w[3], head[3], "DESCRIPTION");
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct conf_key *k = &conf_schema[i];
		fprintf(f, "%-*s  %-*s  %-*s  %-*s  %s\n", w[0], k->path, w[1],
		        conf_key_type_name(k), w[2], conf_range_str(k, range, sizeof(range)), w[3],
		        k->def ? k->def : "-", k->doc);
	}
}
