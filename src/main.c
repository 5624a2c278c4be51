/*
 * main.c - command line, start-up, signals.
 *
 * Start-up order: parse options, load and validate the config and every
 * zone (all errors reported at once), bind every socket, detach unless -f,
 * start workers, then run the main thread's event loop, which only handles
 * signals: SIGHUP reloads the zones (built aside, swapped in atomically, the
 * old data kept serving on any error), SIGTERM and SIGINT stop.
 */
#include "config.h"
#include "diag.h"
#include "gd.h"
#include "log.h"
#include "net.h"
#include "snapshot.h"
#include "geo.h"
#include "health.h"
#include "service.h"
#include "zone.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

static const char usage_text[] =
	"Usage: geodnsd [-f] [-t] [-c FILE] [-p PIDFILE]\n"
	"Authoritative DNS server with geographic load balancing.\n"
	"\n"
	"  -c FILE   configuration file (default: zones/geodnsd.conf when it\n"
	"            exists in the current directory, else " SYSCONFDIR "/geodnsd/geodnsd.conf)\n"
	"  -t        check the configuration and every zone, print each error\n"
	"            as file:line: message, and exit (0 = valid)\n"
	"  -f        stay in the foreground and log to stderr\n"
	"  -p FILE   write the process id to FILE\n"
	"  -h        show this help\n"
	"  -V        show the version\n"
	"\n"
	"Signals: HUP reloads zones, TERM and INT stop.\n"
	"See geodnsd(8) and geodnsd.conf(5).\n";

struct app {
	struct health *health;
	const char *config_path;
	struct config *cfg;
	struct server *srv;
	struct event_base *base;
	uint64_t generation;
};

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
	for (size_t i = 0; snap->geo && i < cfg->ngeoip_databases; i++)
		log_info("event=geoip_loaded file=%s layout=%s", cfg->geoip_databases[i],
			 geo_layout_name(snap->geo, i));
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct app *app = arg;
	(void)sig;
	(void)what;
	uint64_t t0 = now_ms();
	struct diag diag = {0};
	struct snapshot *snap = snapshot_build(app->cfg, app->generation + 1, &diag);
	if (!snap) {
		size_t errors = diag.errors;
		diag_flush_log(&diag);
		log_error("event=reload result=failed errors=%zu action=keeping_old_data",
			  errors);
		return;
	}
	app->generation++;
	diag_flush_log(&diag);
	log_snapshot(snap, app->cfg);
	server_publish(app->srv, snap);
	log_info("event=reload result=ok zones=%zu ms=%llu", app->cfg->nzones,
		 (unsigned long long)(now_ms() - t0));
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
	event_base_loopbreak(app->base);
}

static const char *default_config(void)
{
	struct stat st;
	if (stat("zones/geodnsd.conf", &st) == 0)
		return "zones/geodnsd.conf";
	return SYSCONFDIR "/geodnsd/geodnsd.conf";
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

int main(int argc, char **argv)
{
	struct app app = {0};
	bool check_only = false, foreground = false;
	const char *pidfile = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "c:tfp:hV")) != -1) {
		switch (opt) {
		case 'c': app.config_path = optarg; break;
		case 't': check_only = true; break;
		case 'f': foreground = true; break;
		case 'p': pidfile = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("geodnsd %s\n", GD_VERSION); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "geodnsd: unexpected argument %s\n%s", argv[optind], usage_text);
		return 2;
	}
	if (!app.config_path)
		app.config_path = default_config();

	struct diag diag = {0};
	app.cfg = config_load(app.config_path, &diag);
	struct snapshot *snap = NULL;
	app.generation = 1;
	if (app.cfg) {
		if (app.cfg->nzones == 0)
			diag_warn(&diag, app.config_path, 0, 0,
				  "no zones configured: every query will be REFUSED");
		snap = snapshot_build(app.cfg, app.generation, &diag);
	}
	if (check_only) {
		size_t errors = diag.errors;
		diag_flush_stderr(&diag);
		if (snap) {
			const struct zonedb *db = snap->db;
			for (size_t i = 0; i < db->count; i++) {
				const struct zone *z = db->zones[i];
				printf("zone %s serial %u: %zu records", z->origin_str, z->serial,
				       z->nrecords);
				if (z->services)
					printf(", %zu services", z->services->n);
				printf(" OK\n");
			}
			snapshot_free(snap);
		}
		config_free(app.cfg);
		if (errors || !app.cfg) {
			fprintf(stderr, "geodnsd: %zu error%s\n", errors, errors == 1 ? "" : "s");
			return 1;
		}
		printf("configuration %s OK\n", app.config_path);
		return 0;
	}
	if (!app.cfg || !snap) {
		diag_flush_stderr(&diag);
		fprintf(stderr, "geodnsd: not started: the configuration or a zone has errors\n");
		snapshot_free(snap);
		config_free(app.cfg);
		return 1;
	}
	enum log_level lvl = LOG_LVL_INFO;
	if (app.cfg->log_level)
		lvl = (enum log_level)log_level_parse(app.cfg->log_level);
	log_init(!foreground && app.cfg->log_syslog, lvl);
	diag_flush_log(&diag);

	signal(SIGPIPE, SIG_IGN);
	evthread_use_pthreads();
	app.srv = server_create(app.cfg, snap);
	if (!app.srv) {
		config_free(app.cfg);
		return 1;
	}
	if (!foreground) {
		if (daemon(1, app.cfg->log_syslog ? 0 : 1) < 0) {
			log_error("event=daemon_failed error=\"%s\"", strerror(errno));
			return 1;
		}
	}
	if (pidfile && write_pidfile(pidfile) < 0)
		log_warn("event=pidfile_failed file=%s error=\"%s\"", pidfile, strerror(errno));

	log_snapshot(snap, app.cfg);
	app.health = health_start(app.cfg, &snap->regions, on_health, app.srv);
	if (server_start(app.srv) < 0) {
		health_stop(app.health);
		server_stop(app.srv);
		config_free(app.cfg);
		return 1;
	}
	app.base = event_base_new();
	struct event *ev_hup = evsignal_new(app.base, SIGHUP, on_hup, &app);
	struct event *ev_term = evsignal_new(app.base, SIGTERM, on_stop, &app);
	struct event *ev_int = evsignal_new(app.base, SIGINT, on_stop, &app);
	event_add(ev_hup, NULL);
	event_add(ev_term, NULL);
	event_add(ev_int, NULL);
	char listen[512] = "";
	for (size_t i = 0, n = 0; i < app.cfg->nlisten && n < sizeof(listen); i++)
		n += (size_t)snprintf(listen + n, sizeof(listen) - n, "%s%s", i ? "," : "",
				      app.cfg->listen[i].text);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	log_info("event=started version=%s config=%s listen=%s workers=%u zones=%zu pid=%ld",
		 GD_VERSION, app.config_path, listen,
		 app.cfg->workers ? app.cfg->workers : (unsigned)(ncpu > 0 ? ncpu : 1),
		 app.cfg->nzones, (long)getpid());

	event_base_dispatch(app.base);

	health_stop(app.health);
	server_stop(app.srv);
	event_free(ev_hup);
	event_free(ev_term);
	event_free(ev_int);
	event_base_free(app.base);
	config_free(app.cfg);
	if (pidfile)
		unlink(pidfile);
	log_info("event=stopped");
	return 0;
}
