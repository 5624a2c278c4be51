/*
 * schema.h - every configuration key in one table: its path, type, range,
 * default and a one-line description.
 *
 * The config parser (config.c) takes the accepted keys of each object, the
 * range of each number, the names of each enumeration and every default from
 * this table; `geodnsd --help-config` prints it; and a test compares it with
 * geodnsd.conf(5) (tests/integration/confdoc.sh). A new key is a new row here
 * (and its parse line in config.c and its entry in the manual page).
 *
 * Paths name a key from the top of the document: "server.udp_payload";
 * "regions.*.interval" for a key of every region (regions is an object of
 * names); "zones[].origin" for a key of every entry of the zones array.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_SCHEMA_H
#define GD_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum conf_type {
	CONF_OBJECT, /* an object of the keys below it */
	CONF_MAP,    /* an object of names, each an object of the keys "PATH.*." */
	CONF_ARRAY,  /* an array of objects, each of the keys "PATH[]." */
	CONF_BOOL,
	CONF_UINT,           /* an integer in min..max */
	CONF_STRING,         /* non-empty; when max > 0, min..max bytes */
	CONF_STRING_OR_FALSE, /* as CONF_STRING, or false (turned off) */
	CONF_STRING_LIST,    /* an array of non-empty strings */
	CONF_STRING_OR_LIST, /* a string or an array of them */
	CONF_ENUM,           /* one of names */
	CONF_ADDRESS,        /* "ADDR[:PORT]", port defaulting to the row's port */
	CONF_ADDRESS_LIST,   /* an address or an array of them */
	CONF_PREFIX_LIST,    /* an array of network prefixes "ADDR/BITS" */
	CONF_LOCATION,       /* [latitude, longitude] in degrees */
	CONF_FEED,           /* "http://host:port/path" or "file:PATH", or an array
	                      * of min..max of them, none twice */
};

/* One row per key, in the order --help-config prints them. */
enum conf_key_id {
	KEY_SERVER,
	KEY_SERVER_LISTEN,
	KEY_SERVER_WORKERS,
	KEY_SERVER_UDP_BATCH,
	KEY_SERVER_COALESCE_US,
	KEY_SERVER_NSID,
	KEY_SERVER_VERSION,
	KEY_SERVER_UDP_PAYLOAD,
	KEY_SERVER_TCP_IDLE_TIMEOUT,
	KEY_SERVER_TCP_MAX_CONNECTIONS,
	KEY_SERVER_TCP_MAX_MESSAGE,
	KEY_SERVER_TCP_MAX_PER_CLIENT,
	KEY_SERVER_TCP_MAX_LIFETIME,
	KEY_SERVER_TCP_OUTPUT_BUFFER_TOTAL,
	KEY_SERVER_TRANSFERS_OUT,
	KEY_SERVER_TRANSFERS_OUT_PER_CLIENT,
	KEY_SERVER_LOG_LEVEL,
	KEY_SERVER_LOG_FORMAT,
	KEY_SERVER_SYSLOG,
	KEY_SERVER_QUERY_LOG_RATE,
	KEY_SERVER_QUERY_LOG_SAMPLE,
	KEY_SERVER_ANSWER_CACHE,
	KEY_SERVER_SIGNATURES_PER_SECOND,
	KEY_SERVER_USER,
	KEY_SERVER_GROUP,
	KEY_SERVER_CHROOT,
	KEY_SERVER_XDP,

	KEY_GEOIP,
	KEY_GEOIP_DATABASE,
	KEY_GEOIP_ASN_DATABASE,
	KEY_GEOIP_NETWORKS,
	KEY_GEOIP_WATCH,
	KEY_GEOIP_PATHS,
	KEY_GEOIP_PATHS_LATITUDE, /* the four in the order of config.geoip_paths */
	KEY_GEOIP_PATHS_LONGITUDE,
	KEY_GEOIP_PATHS_COUNTRY,
	KEY_GEOIP_PATHS_CONTINENT,

	KEY_HTTP,
	KEY_HTTP_LISTEN,
	KEY_HTTP_TOKEN_FILE,
	KEY_HTTP_MAX_CONNECTIONS,
	KEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS,

	KEY_CONTROL,
	KEY_CONTROL_SOCKET,
	KEY_METRICS,
	KEY_METRICS_LISTEN,

	KEY_DNSTAP,
	KEY_DNSTAP_SOCKET,
	KEY_DNSTAP_TCP,
	KEY_DNSTAP_IDENTITY,
	KEY_DNSTAP_VERSION,
	KEY_DNSTAP_SAMPLE,
	KEY_DNSTAP_LOG_QUERIES,
	KEY_DNSTAP_LOG_RESPONSES,
	KEY_DNSTAP_TRUNCATE_CLIENT,
	KEY_DNSTAP_QUEUE_SIZE,
	KEY_DNSTAP_RECONNECT,

	KEY_REGIONS,
	KEY_REGION_LOCATION,
	KEY_REGION_FEED,
	KEY_REGION_FEED_CA,
	KEY_REGION_FEED_TOKEN_FILE,
	KEY_REGION_INTERVAL,
	KEY_REGION_TIMEOUT,
	KEY_REGION_DOWN_AFTER,
	KEY_REGION_UP_AFTER,
	KEY_REGION_MAX_AGE,
	KEY_REGION_ON_FEED_LOSS,

	KEY_HEALTH,
	KEY_HEALTH_INTERVAL,
	KEY_HEALTH_TIMEOUT,
	KEY_HEALTH_DOWN_AFTER,
	KEY_HEALTH_UP_AFTER,
	KEY_HEALTH_MAX_AGE,
	KEY_HEALTH_ON_FEED_LOSS,
	KEY_HEALTH_START_STATE,
	KEY_HEALTH_CAP_TTL,
	KEY_HEALTH_STATE_FILE,
	KEY_HEALTH_RESOLVER,

	KEY_ECS,
	KEY_ECS_ENABLED,
	KEY_ECS_TRUSTED,
	KEY_ECS_HASH_IPV4_PREFIX,
	KEY_ECS_HASH_IPV6_PREFIX,

	KEY_COOKIES,
	KEY_COOKIES_ENABLED,
	KEY_COOKIES_SECRET,
	KEY_COOKIES_PREVIOUS_SECRET,

	KEY_RRL,
	KEY_RRL_RESPONSES_PER_SECOND,
	KEY_RRL_SLIP,
	KEY_RRL_WINDOW,
	KEY_RRL_IPV4_PREFIX,
	KEY_RRL_IPV6_PREFIX,
	KEY_RRL_EXEMPT,
	KEY_RRL_LOG_ONLY,
	KEY_RRL_TABLE_SIZE,

	KEY_TSIG_KEYS,
	KEY_TSIG_KEY_ALGORITHM,
	KEY_TSIG_KEY_SECRET,
	KEY_TSIG_KEY_SECRET_FILE,

	KEY_ZONES,
	KEY_ZONE_ORIGIN,
	KEY_ZONE_FILE,
	KEY_ZONE_SERVICES,
	KEY_ZONE_SERIAL_POLICY,
	KEY_ZONE_TRANSFER,
	KEY_ZONE_TRANSFER_ALLOW,
	KEY_ZONE_TRANSFER_ALLOW_NETWORK,
	KEY_ZONE_TRANSFER_ALLOW_KEY,
	KEY_ZONE_TRANSFER_NOTIFY,
	KEY_ZONE_TRANSFER_NOTIFY_ADDRESS,
	KEY_ZONE_TRANSFER_NOTIFY_KEY,
	KEY_ZONE_JOURNAL,
	KEY_ZONE_JOURNAL_MAX_VERSIONS,
	KEY_ZONE_JOURNAL_MAX_BYTES,
	KEY_ZONE_JOURNAL_FILE,
	KEY_ZONE_PRIMARIES,
	KEY_ZONE_PRIMARY_ADDRESS,
	KEY_ZONE_PRIMARY_KEY,
	KEY_ZONE_TIMERS,
	KEY_ZONE_TIMERS_REFRESH_MIN,
	KEY_ZONE_TIMERS_REFRESH_MAX,
	KEY_ZONE_TIMERS_RETRY_MIN,
	KEY_ZONE_TIMERS_RETRY_MAX,
	KEY_ZONE_TIMERS_EXPIRE_MIN,
	KEY_ZONE_TIMERS_EXPIRE_MAX,
	KEY_ZONE_CATALOG,
	KEY_ZONE_CATALOG_DIRECTORY,
	KEY_ZONE_CATALOG_PRIMARIES,
	KEY_ZONE_CATALOG_PRIMARY_ADDRESS,
	KEY_ZONE_CATALOG_PRIMARY_KEY,
	KEY_ZONE_DNSSEC,
	KEY_ZONE_DNSSEC_KEY,
	KEY_ZONE_DNSSEC_PUBLISH,

	KEY_COUNT
};

/* CONF_LOCATION: degrees either side of 0 */
#define CONF_LATITUDE_MAX 90.0
#define CONF_LONGITUDE_MAX 180.0

/* The values of the enumerations whose names config.c maps to numbers, in
 * the order of their names in the table. */
enum conf_feed_loss { FEED_LOSS_DOWN, FEED_LOSS_KEEP };
enum conf_start_state { START_STATE_UP, START_STATE_DOWN };
enum conf_serial_policy { SERIAL_POLICY_KEEP, SERIAL_POLICY_INCREMENT, SERIAL_POLICY_UNIXTIME };
/* tsig_keys.*.algorithm: the names in the order of enum tsig_algorithm
 * (dns/tsig.h) */

struct conf_key {
	const char *path;
	enum conf_type type;
	long long min, max;       /* CONF_UINT: the range; CONF_STRING: max bytes;
	                           * CONF_FEED: how many URLs a list holds */
	const char *const *names; /* CONF_ENUM: NULL-terminated */
	unsigned port;            /* CONF_ADDRESS(_LIST): the port when left out */
	/* CONF_STRING, CONF_STRING_OR_LIST: the value names a file, directory
	 * or socket; CONF_FEED: a "file:PATH" feed's PATH does. A relative
	 * one is taken from the configuration file's directory (conf_path in
	 * conf/config.h); the parser reads these rows with get_path only. */
	bool is_path;
	/* The default as text: a value the parser applies ("1232", "true",
	 * "info", "127.0.0.1:53,[::1]:53"), the path of the key whose value
	 * applies ("health.interval"), "required", or a word for what the
	 * absence means ("all", "random", "system"); NULL: none. */
	const char *def;
	const char *doc; /* one line */
};

extern const struct conf_key conf_schema[KEY_COUNT];

/* The key's own name: the path after its last dot ("udp_payload"). */
const char *conf_key_name(const struct conf_key *k);
/* The names of the keys directly under parent ("" for the top level,
 * "regions.*", "zones[]", "geoip.paths"), NULL-terminated, into names
 * (room for KEY_COUNT + 1). Returns how many. */
size_t conf_key_children(const char *parent, const char **names);
/* The default of a CONF_UINT or CONF_BOOL row whose default is a value. */
unsigned conf_default_uint(enum conf_key_id id);
bool conf_default_bool(enum conf_key_id id);
/* The index in names of a CONF_ENUM row's default. */
int conf_default_enum(enum conf_key_id id);
/* "uint", "bool", "enum", ... */
const char *conf_type_name(enum conf_type t);
/* The type column of a row: conf_type_name, but "path" and "path|list"
 * for the rows that name files (is_path). */
const char *conf_key_type_name(const struct conf_key *k);
/* The range column: "512..4096", "debug,info,warning,error" or "-". Returns
 * buf. */
const char *conf_range_str(const struct conf_key *k, char *buf, size_t cap);
/* The table as `geodnsd --help-config` prints it: a header, then one key a
 * line: path, type, range, default ("-" for none) and the description. */
void conf_schema_print(FILE *f);

#endif
