/*
 * config.h - the JSON configuration (jansson) as validated structs.
 *
 * config_load() checks every key against the schema: unknown keys, wrong
 * types and out-of-range values are reported with file:line:column and the
 * key's path (e.g. "server.udp_payload"); all problems are collected, not
 * just the first. Sections for later features (geoip, regions, health, http,
 * rrl) are validated and kept here so that one file describes the server.
 *
 * Every key that names a file, directory or socket (the schema's is_path
 * rows: zones[].file, geoip.database, "file:PATH" feeds, ...) is resolved
 * once, at load: an absolute value is kept, a relative one is taken from
 * the directory of the configuration file (conf_path), as Knot and NSD do,
 * so the server does not depend on the directory it was started in. The
 * rest of the program, and every error message, sees the resolved name. A
 * reload reads the same file again, so the same directory applies; inside
 * a chroot, the file's name and so its directory are taken inside it.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_CONFIG_H
#define GD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/netaddr.h"

struct diag;

struct listen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char *text;
};

/* zones[].transfer.allow[]: a client network, and the TSIG key its
 * requests must be signed with (NULL: signed or not). */
struct acl_entry {
	struct netprefix net;
	char *key;             /* the tsig_keys name, or NULL */
	uint8_t key_wire[255]; /* its lower-case wire form (WIRE_NAME_MAX) */
	size_t key_wire_len;
};

/* zones[].transfer.notify[]: a secondary told of every new serial; also
 * zones[].primaries[]: a primary the zone is transferred from. */
struct notify_entry {
	struct sockaddr_storage ss;
	socklen_t len;
	char *text;            /* as written */
	char *key;             /* the tsig_keys name, or NULL */
	uint8_t key_wire[255];
	size_t key_wire_len;
};

struct zone_entry {
	char *origin;
	char *file;
	char *services;      /* may be NULL */
	int line, column;    /* of "origin" in the config */
	int serial_policy;   /* enum conf_serial_policy */
	struct acl_entry *allow;
	size_t nallow;
	struct notify_entry *notify;
	size_t nnotify;
	unsigned journal_max_versions;
	unsigned journal_max_bytes;
	char *journal_file;  /* may be NULL */
	/* a secondary: its primaries (none: a primary zone) and timer bounds */
	struct notify_entry *primaries;
	size_t nprimaries;
	unsigned refresh_min, refresh_max, retry_min, retry_max, expire_min, expire_max;
	/* a catalog zone: where its members' copies go (NULL: not a
	 * catalog) and their primaries (the zone's own when none) */
	/* zones[].dnssec.key: the base name of the signing key's files
	 * (NULL: the zone is not signed) */
	char *dnssec_key;
	char **dnssec_publish; /* dnssec.publish: further keys, published */
	size_t ndnssec_publish;
	char *catalog_dir;
	struct notify_entry *member_primaries;
	size_t nmember_primaries;
	bool catalog_member; /* an entry made for a member (catalogs.c) */
};

struct region_config {
	char *name;
	double lat, lon;
	/* the feed URLs ("http://host:port/path", "https://..." or "file:PATH") in the order
	 * they are polled, none twice; nfeeds 0 (no feed: always up) to the
	 * schema's limit (conf_schema[KEY_REGION_FEED].max) */
	char **feeds;
	size_t nfeeds;
	/* https:// feeds are verified against the PEM file feed_ca (NULL:
	 * the system's store); feed_token (read from feed_token_file at load,
	 * or NULL) goes to every feed as "Authorization: Bearer" */
	char *feed_ca;
	char *feed_token_file;
	char *feed_token;
	/* per-region health settings; 0 = the health section's value */
	unsigned interval, timeout, down_after, up_after, max_age;
	int on_feed_loss;    /* -1 = the health section's, 0 = down, 1 = keep */
};

/* A TSIG key (tsig_keys.NAME): the secret decoded, from "secret" or read
 * from "secret_file" when the configuration is loaded. */
struct tsig_key_config {
	char *name;        /* as written in the config */
	uint8_t wire[255]; /* lower-case wire form (WIRE_NAME_MAX) */
	size_t wire_len;
	int algorithm;   /* enum tsig_algorithm (dns/tsig.h) */
	uint8_t *secret; /* owned; wiped when freed */
	size_t secret_len;
};

struct config {
	char *file;
	/* the directory of file as it was named ("zones" for zones/geodnsd.conf,
	 * "" for a name without a slash: the current directory); relative
	 * paths in the file are taken from it */
	char *dir;

	/* server */
	struct listen_addr *listen;
	size_t nlisten;
	unsigned workers;            /* 0 = one per CPU */
	char *nsid;                  /* NULL = NSID not answered */
	char *version;               /* CHAOS version.bind; NULL: REFUSED */
	unsigned signatures_per_second; /* per worker, UDP; 0: no cap */
	size_t nsid_len;
	uint16_t udp_payload;        /* advertised and used as our UDP limit */
	unsigned tcp_idle_timeout;   /* seconds */
	unsigned tcp_max_connections;
	unsigned tcp_max_message;    /* bytes, <= 65535 */
	unsigned tcp_max_per_client; /* connections per client address, 0 = off */
	unsigned tcp_max_lifetime;   /* seconds a connection may live, 0 = off */
	unsigned tcp_output_buffer_total; /* bytes of unsent TCP answers, all workers */
	unsigned transfers_out;      /* zone transfers at once */
	unsigned transfers_out_per_client;
	char *log_level;
	bool log_json;               /* server.log_format "json" */
	bool log_syslog;
	char *user, *group, *chroot; /* privilege drop after binding, or NULL */
	unsigned query_log_rate;     /* sampled query log: lines/s, 0 = off */
	unsigned query_log_sample;   /* log 1 in N queries (before the bound) */
	bool answer_cache;           /* per-thread cache of whole responses */
	unsigned udp_batch;          /* datagrams per recvmmsg/sendmmsg */
	unsigned coalesce_us;        /* wait for more under load; 0 never */
	/* server.xdp: interfaces answered over AF_XDP, each with its number
	 * of receive queues (an AF_XDP socket and a thread each) */
	char **xdp;
	unsigned *xdp_queues;
	size_t nxdp;
	unsigned xdp_queues_total;

	/* geoip */
	char **geoip_databases;
	size_t ngeoip_databases;
	char *geoip_asn_database; /* services' "asns", or NULL */
	char *geoip_networks;     /* the shared networks file, or NULL */
	/* key paths overriding the detected layout, NULL-terminated or NULL:
	 * [0] latitude, [1] longitude, [2] country, [3] continent */
	char **geoip_paths[4];
	bool geoip_watch; /* a database replaced on disk is loaded alone */

	/* ecs */
	bool ecs_enabled;
	struct netprefix *ecs_trusted;
	size_t necs_trusted;
	bool ecs_trusted_set;        /* false: every sender trusted */
	unsigned hash_ipv4_prefix;   /* client network hashed for splits */
	unsigned hash_ipv6_prefix;

	/* http */
	char *http_listen;
	/* metrics.listen: /metrics (and /healthz) alone; NULL: none */
	char *metrics_listen;
	char *http_token_file;
	unsigned http_max_connections; /* open at once; default 32 */
	unsigned http_max_connections_per_address; /* open at once from one client; default 8 */
	/* control */
	char *control_socket; /* NULL: the default (none outside systemd) */

	/* dnstap: on when a collector is named (socket or tcp, not both) */
	char *dnstap_socket;          /* the collector's Unix socket */
	char *dnstap_tcp;             /* or its "ADDRESS:PORT" */
	char *dnstap_identity;        /* NULL: the host name */
	char *dnstap_version;         /* NULL: "geodnsd VERSION" */
	unsigned dnstap_sample;       /* 1 query in N, with its response */
	bool dnstap_log_queries, dnstap_log_responses;
	bool dnstap_truncate_client;  /* client address cut to /24, /56 */
	unsigned dnstap_queue_size;   /* messages a thread may queue */
	unsigned dnstap_reconnect;    /* seconds between connection attempts */

	/* health */
	unsigned health_interval, health_timeout, health_down_after, health_up_after,
		health_max_age;
	bool health_keep_on_feed_loss; /* on_feed_loss: "keep" */
	bool health_start_down;        /* start_state: "down" */
	bool health_cap_ttl;           /* answer TTL <= poll interval */
	char *health_state_file;       /* admin overrides persisted here */
	char *health_resolver;         /* "ADDR[:PORT]" for feed host names, or
					* NULL: the system's resolv.conf */

	/* cookies */
	bool cookies_enabled;
	char *cookie_secret;           /* 32 hex digits, or NULL: generated */
	char *cookie_previous_secret;  /* still accepted during a rotation */

	/* rrl */
	unsigned rrl_responses_per_second, rrl_slip, rrl_window, rrl_ipv4_prefix,
		rrl_ipv6_prefix;
	struct netprefix *rrl_exempt;
	size_t nrrl_exempt;
	bool rrl_log_only;
	unsigned rrl_table_size;

	/* tsig_keys */
	struct tsig_key_config *tsig_keys;
	size_t ntsig_keys;

	struct region_config *regions;
	size_t nregions;

	struct zone_entry *zones;
	size_t nzones;
};

/* Load and validate path; NULL with every error in diag. Caller frees.
 * Relative paths in it are resolved against its directory (conf_path). */
struct config *config_load(const char *path, struct diag *diag);

/* The name a path in the configuration stands for: value itself when it is
 * absolute, empty, or dir is "" (the current directory); else dir/value
 * (no lexical clean-up: "../x" stays, so symbolic links keep their
 * meaning). Caller frees. */
char *conf_path(const char *dir, const char *value);
void config_free(struct config *cfg);

/* Worker threads: server.workers, or one per CPU. */
unsigned config_workers(const struct config *cfg);

/* Zone entries naming the same origin: an error each, at the later entry's
 * position. Separate from config_load so that `geodnsd -t` reports it next to
 * the errors of the zones themselves. */
void config_check_zones(const struct config *cfg, struct diag *diag);

/* Parse "1.2.3.4:53", "[::1]:53", "::1" or "1.2.3.4" (port defaults to
 * default_port). */
int parse_hostport(const char *s, uint16_t default_port, struct sockaddr_storage *ss,
		   socklen_t *len);

#endif
