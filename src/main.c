/*
 * main.c - command line, start-up, signals.
 *
 * Start-up order: parse options, load and validate the config and every
 * zone (all errors reported at once), bind every socket, detach unless -f,
 * start workers, then run the main thread's event loop, which only handles
 * signals: SIGHUP reloads the zones (built aside, swapped in atomically, the
 * old data kept serving on any error), SIGTERM and SIGINT stop.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/config.h"
#include "dnssec/key.h"
#include "conf/schema.h"
#include "common/diag.h"
#include "common/gd.h"
#include "common/log.h"
#include "server/catalogs.h"
#include "server/net.h"
#include "server/secondary.h"
#include "server/snapshot.h"
#include "geo/geo.h"
#include "geo/shared_networks.h"
#include "geo/watch.h"
#include "health/health.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "ops/admin.h"
#include "ops/control.h"
#include "ops/http.h"
#include "ops/metrics.h"
#include "geo/service.h"
#include "zone/zone.h"

#include <errno.h>
#include <fcntl.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <getopt.h>
#include <malloc.h>
#include <grp.h>
#include <pwd.h>
#include <pthread.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include <urcu/urcu-memb.h>

#ifndef SYSCONFDIR
#error "SYSCONFDIR comes from configure (config.mk, -DSYSCONFDIR)"
#endif

static const char usage_text[] =
	"Usage: geodnsd [-f] [-t] [-c FILE] [-p PIDFILE]\n"
	"Authoritative DNS server with geographic load balancing.\n"
	"\n"
	"  -c, --config FILE   configuration file (default:\n"
	"                      " SYSCONFDIR "/geodnsd/geodnsd.conf)\n"
	"  -t, --check         check the configuration and every zone, print each\n"
	"                      error as file:line: message, and exit (0 = valid)\n"
	"  -f, --foreground    stay in the foreground and log to stderr\n"
	"  -p, --pidfile FILE  write the process id to FILE\n"
	"  -h, --help          show this help\n"
	"      --help-config   list every configuration key: type, range, default\n"
	"                      and meaning\n"
	"  -V, --version       show the version\n"
	"\n"
	"Signals: HUP reloads zones, TERM and INT stop.\n"
	"See geodnsd(8) and geodnsd.conf(5).\n";

struct app {
	pthread_mutex_t lock;      /* one reload at a time (SIGHUP or HTTP) */
	struct health *health;
	struct http *http;
	struct http *metrics_http; /* metrics.listen, or NULL */
	struct admin admin;         /* what the HTTP API and the control socket act on */
	struct control *control;    /* the control socket, or NULL */
	uint64_t reloads_ok, reloads_failed;
	/* geoip.watch: the databases' files as last read (under lock) */
	struct geo_watch *geowatch;
	uint64_t geoip_reloads_ok, geoip_reloads_failed;
	time_t last_reload_ok, started_at;
	const char *config_path;
	struct config *cfg;
	struct server *srv;
	struct secondaries *sec;    /* secondary zones' copies and refreshes */
	struct catalogs *catalogs;  /* catalog zones' members */
	struct event_base *base;
	uint64_t generation;
	/* the snapshot last published: a reload shares its unchanged zones;
	 * freed by the publication that replaces it (under lock) */
	const struct snapshot *published;
};

/* geoip.watch's files: the city databases and the ASN database. */
static struct geo_watch *geoip_watch_new(const struct config *cfg)
{
	char *files[8];
	size_t n = 0;
	for (size_t i = 0; i < cfg->ngeoip_databases && n < 7; i++)
		files[n++] = cfg->geoip_databases[i];
	if (cfg->geoip_asn_database)
		files[n++] = cfg->geoip_asn_database;
	return geo_watch_new(files, n);
}

static void log_snapshot(const struct snapshot *snap, const struct config *cfg)
{
	const struct zonedb *db = snap->db;
	for (size_t i = 0; i < db->count; i++) {
		const struct zone *z = db->zones[i];
		log_info("event=zone_loaded zone=%s serial=%u records=%zu nodes=%zu services=%zu "
			 "file=%s",
			 z->origin_str, z->serial, z->nrecords, z->nnodes,
			 z->services ? z->services->n : 0, z->file);
	}
	for (size_t i = 0; i < geo_files(snap->geo); i++)
		log_info("event=geoip_loaded file=%s layout=%s content=%s",
		         geo_file_path(snap->geo, i), geo_layout_name(snap->geo, i),
		         geo_file_reused(snap->geo, i) ? "unchanged" : "new");
	if (snap->networks)
		log_info("event=networks_loaded file=%s networks=%zu", snap->networks->file,
		         snap->networks->n);
}

/* The same feed URLs in the same order (the order decides ties). */
static bool same_feeds(const struct region_config *x, const struct region_config *y)
{
	if (x->nfeeds != y->nfeeds)
		return false;
	for (size_t i = 0; i < x->nfeeds; i++)
		if (strcmp(x->feeds[i], y->feeds[i]) != 0)
			return false;
	return true;
}

/* Do two configs describe the same regions and health settings? Those are
 * fixed for the life of the process (the prober and its overrides hang on
 * them); everything else reloads. */
static bool same_regions(const struct config *a, const struct config *b)
{
	if (a->nregions != b->nregions || a->health_interval != b->health_interval ||
	    a->health_timeout != b->health_timeout || a->health_down_after != b->health_down_after ||
	    a->health_up_after != b->health_up_after || a->health_max_age != b->health_max_age ||
	    a->health_keep_on_feed_loss != b->health_keep_on_feed_loss ||
	    (a->health_resolver == NULL) != (b->health_resolver == NULL) ||
	    (a->health_resolver && strcmp(a->health_resolver, b->health_resolver) != 0))
		return false;
	for (size_t i = 0; i < a->nregions; i++) {
		const struct region_config *x = &a->regions[i], *y = &b->regions[i];
		if (strcmp(x->name, y->name) != 0 || x->lat != y->lat || x->lon != y->lon ||
		    !same_feeds(x, y) || x->interval != y->interval || x->timeout != y->timeout ||
		    x->down_after != y->down_after || x->up_after != y->up_after ||
		    x->max_age != y->max_age || x->on_feed_loss != y->on_feed_loss ||
		    !str_same(x->feed_ca, y->feed_ca) ||
		    !str_same(x->feed_token_file, y->feed_token_file))
			return false;
	}
	return true;
}

/* Settings read only at start (sockets, threads, limits bound at start-up,
 * logging, privileges): a reload keeps them; the warning names each one
 * that changed. */
static void warn_start_only(const struct config *cfg, const struct config *old)
{
	char changed[512] = "";
	size_t n = 0;
#define START_ONLY(cond, name)                                                                     \
	do {                                                                                       \
		if ((cond) && n < sizeof(changed))                                                 \
			n += (size_t)snprintf(changed + n, sizeof(changed) - n, "%s%s", n ? "," : "", \
					      name);                                               \
	} while (0)
	bool listen_changed = cfg->nlisten != old->nlisten;
	for (size_t i = 0; !listen_changed && i < cfg->nlisten; i++)
		listen_changed = strcmp(cfg->listen[i].text, old->listen[i].text) != 0;
	START_ONLY(listen_changed, "server.listen");
	START_ONLY(cfg->workers != old->workers, "server.workers");
	START_ONLY(cfg->udp_batch != old->udp_batch, "server.udp_batch");
	START_ONLY(cfg->coalesce_us != old->coalesce_us, "server.coalesce_us");
	START_ONLY(cfg->tcp_idle_timeout != old->tcp_idle_timeout, "server.tcp_idle_timeout");
	START_ONLY(cfg->tcp_max_connections != old->tcp_max_connections,
		   "server.tcp_max_connections");
	START_ONLY(cfg->tcp_max_per_client != old->tcp_max_per_client, "server.tcp_max_per_client");
	START_ONLY(cfg->tcp_max_lifetime != old->tcp_max_lifetime, "server.tcp_max_lifetime");
	START_ONLY(cfg->tcp_max_message != old->tcp_max_message, "server.tcp_max_message");
	START_ONLY(cfg->tcp_output_buffer_total != old->tcp_output_buffer_total,
		   "server.tcp_output_buffer_total");
	START_ONLY(!str_same(cfg->log_level, old->log_level), "server.log_level");
	START_ONLY(cfg->log_json != old->log_json, "server.log_format");
	START_ONLY(cfg->log_syslog != old->log_syslog, "server.syslog");
	START_ONLY(cfg->query_log_rate != old->query_log_rate, "server.query_log_rate");
	START_ONLY(cfg->query_log_sample != old->query_log_sample, "server.query_log_sample");
	START_ONLY(!str_same(cfg->user, old->user), "server.user");
	START_ONLY(!str_same(cfg->group, old->group), "server.group");
	START_ONLY(!str_same(cfg->chroot, old->chroot), "server.chroot");
	bool xdp_changed = cfg->nxdp != old->nxdp;
	for (size_t i = 0; !xdp_changed && i < cfg->nxdp; i++)
		xdp_changed = strcmp(cfg->xdp[i], old->xdp[i]) != 0;
	START_ONLY(xdp_changed, "server.xdp");
	START_ONLY(cfg->health_start_down != old->health_start_down, "health.start_state");
	START_ONLY(!str_same(cfg->health_state_file, old->health_state_file), "health.state_file");
	START_ONLY(!str_same(cfg->http_listen, old->http_listen), "http.listen");
	START_ONLY(!str_same(cfg->metrics_listen, old->metrics_listen), "metrics.listen");
	START_ONLY(!str_same(cfg->http_token_file, old->http_token_file), "http.token_file");
	START_ONLY(!str_same(cfg->dnstap_socket, old->dnstap_socket) ||
		       !str_same(cfg->dnstap_tcp, old->dnstap_tcp) ||
		       !str_same(cfg->dnstap_identity, old->dnstap_identity) ||
		       !str_same(cfg->dnstap_version, old->dnstap_version) ||
		       cfg->dnstap_sample != old->dnstap_sample ||
		       cfg->dnstap_log_queries != old->dnstap_log_queries ||
		       cfg->dnstap_log_responses != old->dnstap_log_responses ||
		       cfg->dnstap_truncate_client != old->dnstap_truncate_client ||
		       cfg->dnstap_queue_size != old->dnstap_queue_size ||
		       cfg->dnstap_reconnect != old->dnstap_reconnect,
		   "dnstap");
	START_ONLY(cfg->http_max_connections != old->http_max_connections, "http.max_connections");
	START_ONLY(cfg->http_max_connections_per_address != old->http_max_connections_per_address,
		   "http.max_connections_per_address");
#undef START_ONLY
	if (n)
		log_warn("event=reload note=\"these settings change only with a restart\" "
			 "changed=%s",
			 changed);
}

/* A reload failed: every error logged, and into msg (may be NULL), one
 * per line; counted. */
static void reload_failed(struct app *app, struct diag *diag, struct strbuf *msg)
{
	size_t errors = diag->errors;
	if (msg)
		for (size_t i = 0; i < diag->count; i++)
			sb_printf(msg, "%s%s", i ? "\n" : "", diag->msgs[i]);
	diag_flush_log(diag);
	log_error("event=reload result=failed errors=%zu action=keeping_old_data", errors);
	__atomic_add_fetch(&app->reloads_failed, 1, __ATOMIC_RELAXED);
}

/*
 * Reload the configuration, zones, services files and GeoIP databases: all
 * built aside, swapped in together, or nothing changes. Returns 0 on
 * success; on failure every error is logged and summarized in msg (may be
 * NULL). Serialized by app->lock: SIGHUP and POST /v1/reload may race.
 */
static int app_reload_here(struct app *app, struct strbuf *msg)
{
	pthread_mutex_lock(&app->lock);
	uint64_t t0 = now_ms();
	struct diag diag = {0};
	struct config *cfg = config_load(app->config_path, &diag);
	struct config *eff = NULL;
	struct snapshot *snap = NULL;
	/* what the build reads of the GeoIP files: watched from now on */
	struct geo_watch *gw = cfg && cfg->geoip_watch ? geoip_watch_new(cfg) : NULL;
	if (cfg && !same_regions(cfg, app->cfg)) {
		diag_error(&diag, app->config_path, 0, 0,
			   "regions or health settings changed: restart geodnsd to apply them");
	} else if (cfg) {
		catalogs_forget(app->catalogs, cfg);
		eff = catalogs_config(app->catalogs, cfg);
		struct snapshot_source src = {.sec = app->sec, .read_networks = true};
		snap = snapshot_build_from(eff, app->published, app->generation + 1, &src, &diag);
	}
	if (!snap) {
		geo_watch_free(gw);
		reload_failed(app, &diag, msg);
		catalogs_config_free(eff, cfg);
		config_free(cfg);
		pthread_mutex_unlock(&app->lock);
		return -1;
	}
	diag_flush_log(&diag);
	warn_start_only(cfg, app->cfg);
	geo_watch_free(app->geowatch);
	app->geowatch = gw;
	app->generation++;
	log_snapshot(snap, cfg);
	app->published = snap;
	server_publish(app->srv, snap);
	server_replication_commit(app->srv, snap);
	secondaries_configure(app->sec, eff, snap);
	catalogs_config_free(eff, cfg);
	catalogs_remove_files(app->catalogs);
	/* the feed tokens were read again: a rotated token is sent from the
	 * next poll on */
	health_feed_tokens(app->health, cfg);
	struct config *old = app->cfg;
	app->cfg = cfg;
	config_free(old);
	__atomic_store_n(&app->last_reload_ok, time(NULL), __ATOMIC_RELAXED);
	__atomic_add_fetch(&app->reloads_ok, 1, __ATOMIC_RELAXED);
	log_info("event=reload result=ok zones=%zu rebuilt=%zu kept=%zu ms=%llu", cfg->nzones,
	         snap->zones_built, snap->zones_kept, (unsigned long long)(now_ms() - t0));
	pthread_mutex_unlock(&app->lock);
	return 0;
}

/*
 * The secondaries' hook: publish z as the zone of config origin origin,
 * every other zone as served (no file read again), under the reload lock.
 */
static struct snapshot *app_build(struct app *app, const struct config *eff,
                                   const char *only_origin, struct zone *only_zone)
{
	struct diag diag = {0};
	struct snapshot_source src = {
	    .sec = app->sec, .only_origin = only_origin, .only_zone = only_zone};
	struct snapshot *snap =
	    snapshot_build_from(eff, app->published, app->generation + 1, &src, &diag);
	diag_flush_log(&diag);
	diag_free(&diag);
	return snap;
}

/* Publish snap (built from eff) and tell the secondaries' registry. */
static void app_publish(struct app *app, struct snapshot *snap, const struct config *eff)
{
	app->generation++;
	app->published = snap;
	server_publish(app->srv, snap);
	server_replication_commit(app->srv, snap);
	secondaries_configure(app->sec, eff, snap);
}

/*
 * geoip.watch: a GeoIP database file was replaced (file which of the
 * watched ones). The databases are read again and published alone, every
 * zone shared as served; a file that does not load (truncated, corrupt,
 * missing) is refused with its reason and the last good database keeps
 * answering until the file changes again. Main thread, under the lock.
 */
static void app_geoip_reload(struct app *app, size_t which)
{
	uint64_t t0 = now_ms();
	const char *path = geo_watch_path(app->geowatch, which);
	geo_watch_mark(app->geowatch);
	struct config *eff = catalogs_config(app->catalogs, app->cfg);
	struct diag diag = {0};
	struct snapshot_source src = {.sec = app->sec, .keep_zones = true};
	struct snapshot *snap =
	    snapshot_build_from(eff, app->published, app->generation + 1, &src, &diag);
	diag_flush_log(&diag);
	diag_free(&diag);
	if (snap) {
		app_publish(app, snap, eff);
		__atomic_add_fetch(&app->geoip_reloads_ok, 1, __ATOMIC_RELAXED);
		size_t i = 0;
		while (i + 1 < geo_files(snap->geo) && strcmp(geo_file_path(snap->geo, i), path))
			i++;
		log_info("event=geoip_reload result=ok database=%s build_epoch=%llu ms=%llu", path,
		         (unsigned long long)geo_build_epoch(snap->geo, i),
		         (unsigned long long)(now_ms() - t0));
	} else {
		__atomic_add_fetch(&app->geoip_reloads_failed, 1, __ATOMIC_RELAXED);
		log_error(
		    "event=geoip_reload result=failed database=%s action=keeping_old_database",
		    path);
	}
	catalogs_config_free(eff, app->cfg);
}

/* Once a second: a watched GeoIP file replaced? (A reload under way holds
 * the lock: the next tick looks.) */
static void on_geo_tick(evutil_socket_t fd, short what, void *arg)
{
	struct app *app = arg;
	if (pthread_mutex_trylock(&app->lock) != 0)
		return;
	size_t which;
	if (app->geowatch && geo_watch_poll(app->geowatch, &which))
		app_geoip_reload(app, which);
	pthread_mutex_unlock(&app->lock);
}

/* The catalogs' members changed: every zone again (shared, not read),
 * the members added and removed; twice when members were reset. */
static void app_republish_members(struct app *app)
{
	do {
		struct config *eff = catalogs_config(app->catalogs, app->cfg);
		struct snapshot *snap = app_build(app, eff, NULL, NULL);
		if (snap) {
			app_publish(app, snap, eff);
			log_info("event=catalog_published zones=%zu", eff->nzones);
		} else {
			log_error("event=catalog_published result=failed");
		}
		catalogs_config_free(eff, app->cfg);
		catalogs_remove_files(app->catalogs);
	} while (catalogs_end_reset(app->catalogs));
}

/*
 * The secondaries' hook: publish z as the zone of config origin origin,
 * every other zone as served (no file read again), under the reload lock;
 * a catalog's new members then join.
 */
static int app_publish_zone(void *arg, const char *origin, struct zone *z)
{
	struct app *app = arg;
	pthread_mutex_lock(&app->lock);
	struct config *eff = catalogs_config(app->catalogs, app->cfg);
	bool known = false;
	for (size_t i = 0; i < eff->nzones && !known; i++)
		known = eff->zones[i].nprimaries && strcmp(eff->zones[i].origin, origin) == 0;
	struct snapshot *snap = known ? app_build(app, eff, origin, z) : NULL;
	if (!snap) {
		if (known)
			log_error("event=publish_zone zone=%s result=failed", origin);
		catalogs_config_free(eff, app->cfg);
		pthread_mutex_unlock(&app->lock);
		return -1;
	}
	app_publish(app, snap, eff);
	secondaries_set_copy(app->sec, origin, z);
	catalogs_config_free(eff, app->cfg);
	log_info("event=zone_loaded zone=%s serial=%u records=%zu nodes=%zu services=%zu file=%s%s",
	         z->origin_str, z->serial, z->nrecords, z->nnodes,
	         z->services ? z->services->n : 0, z->file, z->unavailable ? " state=expired" : "");
	if (catalogs_update(app->catalogs, app->cfg, origin, z))
		app_republish_members(app);
	pthread_mutex_unlock(&app->lock);
	return 0;
}

/* The secondaries' check: a catalog's version must read as a catalog. */
static bool app_check_zone(void *arg, const char *origin, const struct zone *z, char *why,
                           size_t cap)
{
	struct app *app = arg;
	pthread_mutex_lock(&app->lock);
	bool ok = catalogs_check(app->cfg, origin, z, why, cap);
	pthread_mutex_unlock(&app->lock);
	return ok;
}

/* The entry of eff whose origin is zone (any case, the final dot
 * optional), or NULL. */
static const struct zone_entry *find_zone_entry(const struct config *eff, const char *zone)
{
	uint8_t want[WIRE_NAME_MAX], have[WIRE_NAME_MAX];
	size_t len = tsig_name_from_text(zone, want);
	for (size_t i = 0; len && i < eff->nzones; i++)
		if (tsig_name_from_text(eff->zones[i].origin, have) == len &&
		    memcmp(have, want, len) == 0)
			return &eff->zones[i];
	return NULL;
}

/*
 * Reload one zone from its files (zone file, $INCLUDEs, services file)
 * under the configuration being served: every other zone stays as served,
 * nothing else is read. As app_reload_here otherwise.
 */
static int app_reload_zone_here(struct app *app, const char *zone, struct strbuf *msg)
{
	pthread_mutex_lock(&app->lock);
	uint64_t t0 = now_ms();
	struct diag diag = {0};
	struct config *eff = catalogs_config(app->catalogs, app->cfg);
	const struct zone_entry *ze = find_zone_entry(eff, zone);
	struct snapshot *snap = NULL;
	if (!ze) {
		diag_error(&diag, app->config_path, 0, 0, "zone %s is not configured", zone);
	} else if (ze->nprimaries) {
		diag_error(&diag, app->config_path, 0, 0,
		           "zone %s is a secondary: its copy comes from its primaries", zone);
	} else {
		struct zone_config zc = {ze->origin, ze->file, ze->services,
		                         &app->published->regions};
		struct zone *z = zone_load(&zc, &diag);
		struct snapshot_source src = {
		    .sec = app->sec, .only_origin = ze->origin, .only_zone = z};
		if (z)
			snap = snapshot_build_from(eff, app->published, app->generation + 1, &src,
			                           &diag);
		zone_free(z); /* the snapshot holds its own reference */
	}
	if (!snap) {
		reload_failed(app, &diag, msg);
		catalogs_config_free(eff, app->cfg);
		pthread_mutex_unlock(&app->lock);
		return -1;
	}
	diag_flush_log(&diag);
	app_publish(app, snap, eff);
	for (size_t i = 0; i < snap->db->count; i++) {
		const struct zone *z = snap->db->zones[i];
		if (strcmp(z->config_origin, ze->origin) == 0)
			log_info("event=zone_loaded zone=%s serial=%u records=%zu nodes=%zu "
			         "services=%zu file=%s",
			         z->origin_str, z->serial, z->nrecords, z->nnodes,
			         z->services ? z->services->n : 0, z->file);
	}
	catalogs_config_free(eff, app->cfg);
	__atomic_store_n(&app->last_reload_ok, time(NULL), __ATOMIC_RELAXED);
	__atomic_add_fetch(&app->reloads_ok, 1, __ATOMIC_RELAXED);
	log_info("event=reload result=ok zone=%s ms=%llu", zone,
	         (unsigned long long)(now_ms() - t0));
	pthread_mutex_unlock(&app->lock);
	return 0;
}

struct reload_job {
	struct app *app;
	const char *zone; /* NULL: everything */
	struct strbuf *msg;
	int rc;
};

static void *reload_thread(void *arg)
{
	struct reload_job *job = arg;
	job->rc = job->zone ? app_reload_zone_here(job->app, job->zone, job->msg)
	                    : app_reload_here(job->app, job->msg);
	return NULL;
}

/*
 * A reload runs in a thread of its own that ends with it. Building the new
 * data and freeing the old are thousands of small allocations; glibc keeps
 * some freed blocks per thread (tcache) where they cannot merge with their
 * neighbours, and in a long-lived thread that slowly fragments the heap:
 * RSS crept up by a few KiB a minute under one reload a second. A thread's
 * cache goes back when it exits, which keeps RSS flat (tools/soak).
 */
static int app_reload(struct app *app, const char *zone, struct strbuf *msg)
{
	struct reload_job job = {app, zone, msg, -1};
	pthread_t t;
	struct timespec mono;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	/* systemd: reloading since now, then ready again with the result
	 * (nothing happens without NOTIFY_SOCKET) */
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading%s%s",
	           (unsigned long long)mono.tv_sec * 1000000ull +
	               (unsigned long long)mono.tv_nsec / 1000ull,
	           zone ? " zone " : "", zone ? zone : "");
	if (thread_start(&t, reload_thread, &job) != 0) /* no thread: reload here */
		reload_thread(&job);
	else
		pthread_join(t, NULL);
	sd_notifyf(0, "READY=1\nSTATUS=serving; last reload%s%s %s", zone ? " of " : "",
	           zone ? zone : "", job.rc == 0 ? "ok" : "failed, the old data kept");
	malloc_trim(0); /* and the free pages inside the heaps */
	return job.rc;
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	app_reload(arg, NULL, NULL);
}

static int hook_reload(void *arg, const char *zone, struct strbuf *msg)
{
	return app_reload(arg, zone, msg);
}

static struct health *hook_health(void *arg)
{
	return ((struct app *)arg)->health;
}

static void hook_metrics(void *arg, struct strbuf *sb)
{
	struct app *app = arg;
	metrics_family(sb, "geodnsd_reloads_total", "counter", "Reloads by result.");
	const char *ok[] = {"result", "ok", NULL}, *bad[] = {"result", "failed", NULL};
	metrics_sample_u64(sb, "geodnsd_reloads_total", ok,
			   __atomic_load_n(&app->reloads_ok, __ATOMIC_RELAXED));
	metrics_sample_u64(sb, "geodnsd_reloads_total", bad,
			   __atomic_load_n(&app->reloads_failed, __ATOMIC_RELAXED));
	metrics_family(sb, "geodnsd_geoip_reloads_total", "counter",
	               "GeoIP databases replaced on disk and loaded alone (geoip.watch), by "
	               "result.");
	metrics_sample_u64(sb, "geodnsd_geoip_reloads_total", ok,
	                   __atomic_load_n(&app->geoip_reloads_ok, __ATOMIC_RELAXED));
	metrics_sample_u64(sb, "geodnsd_geoip_reloads_total", bad,
	                   __atomic_load_n(&app->geoip_reloads_failed, __ATOMIC_RELAXED));
	metrics_single(sb, "geodnsd_last_reload_success_timestamp_seconds", "gauge",
		       "Unix time of the last good load (start-up or reload).",
		       (uint64_t)__atomic_load_n(&app->last_reload_ok, __ATOMIC_RELAXED));
	metrics_single(sb, "geodnsd_start_timestamp_seconds", "gauge",
		       "Unix time geodnsd started.",
		       (uint64_t)app->started_at);
	if (app->sec)
		secondaries_metrics(app->sec, sb);
	if (app->catalogs)
		catalogs_metrics(app->catalogs, sb);
}

static void on_health(struct health_snapshot *hs, void *arg)
{
	server_publish_health(arg, hs);
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct app *app = arg;
	(void)what;
	log_info("event=stopping signal=%s", sig == SIGINT ? "INT" : "TERM");
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	event_base_loopbreak(app->base);
}

/*
 * Drop privileges after every socket is bound: chroot (optional), then the
 * configured group and user. Any failure is fatal: a server that was told
 * to run as a user never goes on as root.
 */
static int drop_privileges(const struct config *cfg)
{
	if (!cfg->user && !cfg->group && !cfg->chroot)
		return 0;
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (cfg->user) {
		struct passwd *pw = getpwnam(cfg->user);
		if (!pw) {
			log_error("event=privileges_failed reason=\"unknown user %s\"", cfg->user);
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (cfg->group) {
		struct group *gr = getgrnam(cfg->group);
		if (!gr) {
			log_error("event=privileges_failed reason=\"unknown group %s\"", cfg->group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (cfg->chroot) {
		if (chroot(cfg->chroot) < 0 || chdir("/") < 0) {
			log_error("event=privileges_failed reason=\"chroot %s: %s\"", cfg->chroot,
				  strerror(errno));
			return -1;
		}
	}
	if (getuid() == 0 && setgroups(1, &gid) < 0) {
		log_error("event=privileges_failed reason=\"setgroups: %s\"", strerror(errno));
		return -1;
	}
	if (setgid(gid) < 0 || setuid(uid) < 0) {
		log_error("event=privileges_failed reason=\"cannot switch to uid %u gid %u: %s\"",
			  (unsigned)uid, (unsigned)gid, strerror(errno));
		return -1;
	}
	if (cfg->user && uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
		log_error("event=privileges_failed reason=\"root privileges could be regained\"");
		return -1;
	}
	if (cfg->chroot)
		log_info("event=privileges_dropped uid=%u gid=%u chroot=%s", (unsigned)getuid(),
			 (unsigned)getgid(), cfg->chroot);
	else
		log_info("event=privileges_dropped uid=%u gid=%u", (unsigned)getuid(),
			 (unsigned)getgid());
	return 0;
}

/*
 * Detach from the terminal without -f: fork, and the parent waits on a
 * pipe for the child's word and exits with it, so that `geodnsd && dig`
 * finds the server answering: 0 once the child serves (detach_ready), or
 * 1 when the child ends first (every failure exits; its error is logged
 * to the inherited stderr or to syslog). Returns the pipe's write end in
 * the child (its new session), -1 when the fork failed.
 */
static int detach(bool close_std)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		unsigned char word = 1;
		ssize_t n;
		do
			n = read(p[0], &word, 1);
		while (n < 0 && errno == EINTR);
		_exit(n == 1 ? word : 1);
	}
	close(p[0]);
	setsid();
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		if (close_std) {
			dup2(null, 1);
			dup2(null, 2);
		}
		if (null > 2)
			close(null);
	}
	return p[1];
}

/* The child serves: its parent exits 0. */
static void detach_ready(int *fd)
{
	if (*fd < 0)
		return;
	unsigned char ok = 0;
	if (write(*fd, &ok, 1) != 1)
		log_warn("event=detach_notify_failed error=\"%s\"", strerror(errno));
	close(*fd);
	*fd = -1;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

/* At start, the members of the catalogs whose copies were read: snap
 * again with them (members from their files; a stub for those without). */
static struct snapshot *start_catalogs(struct app *app, struct snapshot *snap,
                                       struct diag *diag)
{
	bool changed = false;
	for (size_t i = 0; i < app->cfg->nzones; i++)
		if (app->cfg->zones[i].catalog_dir)
			changed |= catalogs_update(app->catalogs, app->cfg, app->cfg->zones[i].origin,
			                           snap->db->zones[i]);
	catalogs_end_reset(app->catalogs);
	catalogs_remove_files(app->catalogs);
	if (!changed)
		return snap;
	struct config *eff = catalogs_config(app->catalogs, app->cfg);
	struct snapshot *with = snapshot_build(eff, snap, app->generation, diag);
	catalogs_config_free(eff, app->cfg);
	if (!with)
		return snap; /* the members' errors are in diag, logged */
	snapshot_free(snap);
	return with;
}

/* getopt_long's value for the options without a short form */
enum { OPT_HELP_CONFIG = 256 };

/* -t: every error of the configuration and the zones, then each zone's
 * summary; the exit status. */
static int check_report(struct app *app, struct snapshot *snap, struct diag *diag)
{
	size_t errors = diag->errors;
	diag_flush_stderr(diag);
	if (snap) {
		const struct zonedb *db = snap->db;
		for (size_t i = 0; i < db->count; i++) {
			const struct zone *z = db->zones[i];
			if (z->unavailable) {
				printf("zone %s: secondary without a copy yet (%s) OK\n", z->origin_str,
				       z->file);
				continue;
			}
			printf("zone %s serial %u: %zu records", z->origin_str, z->serial,
			       z->nrecords);
			if (z->services)
				printf(", %zu services", z->services->n);
			const struct dnssec_key *k = snap->dnssec_keys[i];
			if (k)
				printf(", signed (key tag %u, algorithm %u", k->key_tag,
				       k->algorithm);
			for (const struct dnssec_key *p = k ? k->next : NULL; p; p = p->next)
				printf("; published key tag %u, algorithm %u", p->key_tag,
				       p->algorithm);
			if (k)
				printf(")");
			printf(" OK\n");
		}
		snapshot_free(snap);
	}
	config_free(app->cfg);
	if (errors || !app->cfg) {
		fprintf(stderr, "geodnsd: %zu error%s\n", errors, errors == 1 ? "" : "s");
		return 1;
	}
	printf("configuration %s OK\n", app->config_path);
	return 0;
}

/* The HTTP endpoint, bound now with the DNS sockets, before privileges are
 * dropped. -1 after reporting why. */
static int http_setup(struct app *app)
{
	struct diag hd = {0};
	char *token = app->cfg->http_token_file ? http_read_token(app->cfg->http_token_file, &hd)
						: NULL;
	if (!hd.errors)
		app->http = http_create(app->cfg->http_listen, token, app->cfg->http_max_connections,
					app->cfg->http_max_connections_per_address, app->srv,
					&app->admin.hooks, &hd);
	free(token);
	if (hd.errors) {
		diag_flush_stderr(&hd);
		return -1;
	}
	log_info("event=http_listening listen=%s admin=%s", app->cfg->http_listen,
		 app->cfg->http_token_file ? "enabled" : "disabled");
	return 0;
}

/* metrics.listen: a second HTTP endpoint serving /metrics alone, bound now
 * with the others. -1 after reporting why. */
static int metrics_setup(struct app *app)
{
	struct diag md = {0};
	app->metrics_http = http_create(app->cfg->metrics_listen, NULL,
	                                app->cfg->http_max_connections,
	                                app->cfg->http_max_connections_per_address, app->srv,
	                                &app->admin.hooks, &md);
	if (!app->metrics_http) {
		diag_flush_stderr(&md);
		return -1;
	}
	http_metrics_only(app->metrics_http);
	log_info("event=metrics_listening listen=%s", app->cfg->metrics_listen);
	return 0;
}

/* The control socket's path: control.socket; by default
 * RUNTIME_DIRECTORY/control.sock when systemd gives a runtime directory,
 * /run/geodnsd/control.sock as root under systemd, else none. */
static const char *control_path(const struct config *cfg, char *buf, size_t cap)
{
	if (cfg->control_socket)
		return cfg->control_socket;
	if (!getenv("INVOCATION_ID") && !getenv("NOTIFY_SOCKET"))
		return NULL;
	const char *rt = getenv("RUNTIME_DIRECTORY");
	if (rt && rt[0]) {
		snprintf(buf, cap, "%.*s/control.sock", (int)strcspn(rt, ":"), rt);
		return buf;
	}
	if (geteuid() != 0)
		return NULL;
	mkdir("/run/geodnsd", 0755);
	return "/run/geodnsd/control.sock";
}

/* The control socket, bound now with the DNS sockets, before privileges are
 * dropped, and given to server.user and server.group. -1 after reporting
 * why. */
static int control_setup(struct app *app)
{
	char buf[512];
	const char *path = control_path(app->cfg, buf, sizeof(buf));
	if (!path)
		return 0;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	struct passwd *pw = app->cfg->user && geteuid() == 0 ? getpwnam(app->cfg->user) : NULL;
	struct group *gr = app->cfg->group && geteuid() == 0 ? getgrnam(app->cfg->group) : NULL;
	if (pw) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (gr)
		gid = gr->gr_gid;
	struct diag d = {0};
	app->control = control_create(path, &app->admin,
	                              app->http ? http_limit_counts(app->http) : NULL, uid, gid,
	                              &d);
	if (!app->control) {
		diag_flush_stderr(&d);
		return -1;
	}
	log_info("event=control_listening socket=%s", path);
	return 0;
}

/* The main thread's loop: SIGHUP reloads, SIGTERM and SIGINT stop; the
 * signals held since start-up arrive once the handlers exist. Returns when
 * stopped, everything stopped and freed. */
static void serve_until_stopped(struct app *app, const sigset_t *startup_old, const char *pidfile,
                                int *ready_fd)
{
	app->base = event_base_new();
	struct event *ev_hup = evsignal_new(app->base, SIGHUP, on_hup, app);
	struct event *ev_term = evsignal_new(app->base, SIGTERM, on_stop, app);
	struct event *ev_int = evsignal_new(app->base, SIGINT, on_stop, app);
	event_add(ev_hup, NULL);
	event_add(ev_term, NULL);
	event_add(ev_int, NULL);
	struct event *ev_geo = event_new(app->base, -1, EV_PERSIST, on_geo_tick, app);
	event_add(ev_geo, &(struct timeval){1, 0});
	/* the handlers are in place: signals held since start-up arrive now */
	sigprocmask(SIG_SETMASK, startup_old, NULL);
	char listen[512] = "";
	for (size_t i = 0, n = 0; i < app->cfg->nlisten && n < sizeof(listen); i++)
		n += (size_t)snprintf(listen + n, sizeof(listen) - n, "%s%s", i ? "," : "",
				      app->cfg->listen[i].text);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	log_info("event=started version=%s config=%s listen=%s workers=%u zones=%zu pid=%ld",
		 GD_VERSION, app->config_path, listen,
		 app->cfg->workers ? app->cfg->workers : (unsigned)(ncpu > 0 ? ncpu : 1),
		 app->cfg->nzones, (long)getpid());
	/* every socket bound, every zone loaded, every thread started, the
	 * signals handled: the parent (without -f) and systemd hear it */
	detach_ready(ready_fd);
	sd_notifyf(0, "READY=1\nMAINPID=%ld\nSTATUS=serving %zu zones", (long)getpid(),
	           app->cfg->nzones);

	event_base_dispatch(app->base);

	control_stop(app->control); /* its reloads publish: first */
	secondaries_stop(app->sec); /* it publishes: before the server stops */
	/* the HTTP thread's metrics and /status read the secondaries and catalogs */
	http_stop(app->http);
	http_stop(app->metrics_http);
	health_stop(app->health);
	server_stop(app->srv);
	/* the workers (NOTIFY) read the registry until here */
	secondaries_free(app->sec);
	app->sec = NULL;
	catalogs_free(app->catalogs);
	app->catalogs = NULL;
	event_free(ev_hup);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_geo);
	event_base_free(app->base);
	geo_watch_free(app->geowatch);
	app->geowatch = NULL;
	config_free(app->cfg);
	if (pidfile)
		unlink(pidfile);
}

/* Start-up failed after the server was made: everything made so far
 * stopped and freed; the exit status. */
static int start_failed(struct app *app)
{
	control_stop(app->control);
	health_stop(app->health);
	http_stop(app->http);
	http_stop(app->metrics_http);
	server_stop(app->srv);
	secondaries_free(app->sec);
	catalogs_free(app->catalogs);
	config_free(app->cfg);
	return 1;
}

/* The health, DNS, HTTP and control threads, in that order: /status and
 * the control socket read what server_start sets up (the notifier, the
 * transfer thread). -1 after logging why. */
static int start_threads(struct app *app)
{
	app->health = health_run(app->health);
	if (server_start(app->srv) < 0) {
		health_stop(app->health);
		server_stop(app->srv);
		config_free(app->cfg);
		return -1;
	}
	if ((app->http && http_run(app->http) < 0) ||
	    (app->metrics_http && http_run(app->metrics_http) < 0)) {
		log_error("event=http_thread_failed");
		return -1;
	}
	if (app->control && control_run(app->control) < 0) {
		log_error("event=control_thread_failed");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* Before anything is loaded. Zone arenas are 1 MiB chunks, freed at
	 * every reload: keep them mmapped (glibc would otherwise raise its
	 * threshold after the first free and serve them from a heap that
	 * fragments), so memory goes back to the system and RSS stays flat
	 * across reloads. And a fixed trim threshold: ldns takes and frees a
	 * buffer of some 64 KiB per record it parses, and with the default
	 * (128 KiB, raised as it goes) the top of the heap went up and down
	 * with brk() three times a record: 74 s to load a 1M-record zone
	 * instead of 4. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
	struct app app = {0};
	bool check_only = false, foreground = false;
	const char *pidfile = NULL;
	int opt;
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check", no_argument, NULL, 't'},
		{"foreground", no_argument, NULL, 'f'},
		{"pidfile", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"help-config", no_argument, NULL, OPT_HELP_CONFIG},
		{NULL, 0, NULL, 0}};
	while ((opt = getopt_long(argc, argv, "c:tfp:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': app.config_path = optarg; break;
		case 't': check_only = true; break;
		case 'f': foreground = true; break;
		case 'p': pidfile = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("geodnsd %s\n", GD_VERSION); return 0;
		case OPT_HELP_CONFIG: conf_schema_print(stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "geodnsd: unexpected argument %s\n%s", argv[optind], usage_text);
		return 2;
	}
	if (!app.config_path)
		app.config_path = SYSCONFDIR "/geodnsd/geodnsd.conf";

	/* HUP, TERM and INT wait until their handlers exist: a reload asked for
	 * during start-up must not kill the process */
	sigset_t startup_block, startup_old;
	sigemptyset(&startup_block);
	sigaddset(&startup_block, SIGHUP);
	sigaddset(&startup_block, SIGTERM);
	sigaddset(&startup_block, SIGINT);
	sigprocmask(SIG_BLOCK, &startup_block, &startup_old);

	struct diag diag = {0};
	app.cfg = config_load(app.config_path, &diag);
	struct snapshot *snap = NULL;
	app.generation = 1;
	if (app.cfg) {
		if (app.cfg->nzones == 0)
			diag_warn(&diag, app.config_path, 0, 0,
				  "no zones configured: every query will be REFUSED");
		if (app.cfg->geoip_watch && !check_only)
			app.geowatch = geoip_watch_new(app.cfg);
		snap = snapshot_build(app.cfg, NULL, app.generation, &diag);
		if (check_only && app.cfg->http_token_file)
			free(http_read_token(app.cfg->http_token_file, &diag));
	}
	if (check_only)
		return check_report(&app, snap, &diag);
	if (!app.cfg || !snap) {
		diag_flush_stderr(&diag);
		fprintf(stderr, "geodnsd: not started: the configuration or a zone has errors\n");
		snapshot_free(snap);
		config_free(app.cfg);
		geo_watch_free(app.geowatch);
		return 1;
	}
	app.catalogs = catalogs_new();
	snap = start_catalogs(&app, snap, &diag);
	malloc_trim(0); /* what loading freed (jansson trees, ldns buffers) */
	enum log_level lvl = LOG_LVL_INFO;
	if (app.cfg->log_level)
		lvl = (enum log_level)log_level_parse(app.cfg->log_level);
	log_init(!foreground && app.cfg->log_syslog, lvl);
	log_set_json(app.cfg->log_json);
	diag_flush_log(&diag);

	signal(SIGPIPE, SIG_IGN);
	evthread_use_pthreads();
	app.srv = server_create(app.cfg, snap);
	if (!app.srv) {
		catalogs_free(app.catalogs);
		geo_watch_free(app.geowatch);
		config_free(app.cfg);
		return 1;
	}
	app.published = snap;
	app.sec = secondaries_new(&snap->regions, snap->networks);
	snap->sec = app.sec; /* for NOTIFY: before any worker answers */
	struct config *eff = catalogs_config(app.catalogs, app.cfg);
	secondaries_configure(app.sec, eff, snap);
	catalogs_config_free(eff, app.cfg);
	pthread_mutex_init(&app.lock, NULL);
	app.started_at = app.last_reload_ok = time(NULL);
	app.admin = (struct admin){app.srv, {hook_reload, hook_health, hook_metrics, &app}};
	if ((app.cfg->http_listen && http_setup(&app) < 0) ||
	    (app.cfg->metrics_listen && metrics_setup(&app) < 0) || control_setup(&app) < 0)
		return start_failed(&app);
	/* the prober reads /etc/resolv.conf and /etc/hosts here, before a chroot
	 * hides them; it starts polling after the fork (health_run) */
	app.health = health_create(app.cfg, &snap->regions, on_health, app.srv);
	/* detach before privileges are dropped, so that the pidfile (the
	 * child's pid) is written with them: /run/geodnsd.pid works with
	 * server.user set */
	int ready_fd = -1;
	if (!foreground && (ready_fd = detach(app.cfg->log_syslog)) < 0) {
		log_error("event=daemon_failed error=\"%s\"", strerror(errno));
		return 1;
	}
	if (pidfile && write_pidfile(pidfile) < 0)
		log_warn("event=pidfile_failed file=%s error=\"%s\"", pidfile, strerror(errno));
	if (drop_privileges(app.cfg) < 0)
		return start_failed(&app);

	log_snapshot(snap, app.cfg);
	if (start_threads(&app) < 0)
		return 1;
	server_replication_commit(app.srv, snap);
	if (secondaries_start(app.sec, app_publish_zone, app_check_zone, &app) < 0)
		log_error("event=secondaries_thread_failed note=\"secondary zones are not "
		          "refreshed\"");
	serve_until_stopped(&app, &startup_old, pidfile, &ready_fd);
	log_info("event=stopped");
	return 0;
}
