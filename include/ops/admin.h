/*
 * admin.h - the operator's actions and views, one code behind both doors:
 * the HTTP admin API (ops/http.c, for remote automation) and the control
 * socket (ops/control.c, for geodnsdctl on the host). Each action is
 * logged once here as an audit line naming where it came from.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_ADMIN_H
#define GD_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

struct health;
struct server;
struct strbuf;

/* What the application gives the operator's side. */
struct admin_hooks {
	/* reload config, zones, services and GeoIP (zone NULL), or only the
	 * zone of that origin from its files; 0 when it succeeded, else every
	 * error in msg, one per line */
	int (*reload)(void *arg, const char *zone, struct strbuf *msg);
	/* the current health prober (for overrides and status) */
	struct health *(*health)(void *arg);
	/* extra metrics of the application */
	void (*metrics)(void *arg, struct strbuf *sb);
	void *arg;
};

struct admin {
	struct server *srv;
	struct admin_hooks hooks;
};

/* Drain (or undrain) a region. GD_OK, or GD_ENOTFOUND for an unknown
 * region. from names the caller in the audit log. */
int admin_drain(const struct admin *a, const char *region, bool drain, const char *from);

/* Force an endpoint (IPv4 or IPv6 text) up (state 1), down (0) or back to
 * its feed (-1, auto; also clears an override left from an earlier
 * configuration). GD_OK; GD_EINVAL when addr is not an address;
 * GD_ENOTFOUND when it is no endpoint of a service loaded now. */
int admin_endpoint(const struct admin *a, const char *addr, int state, const char *from);

/* "up", "down", "auto" as admin_endpoint's state; -2 for anything else. */
int admin_endpoint_state(const char *word);

/* Reload everything (zone NULL) or one zone; synchronous. 0, or -1 with
 * every error in errors (one per line). */
int admin_reload(const struct admin *a, const char *zone, struct strbuf *errors, const char *from);

/* The /status document: version, zones, regions (JSON). From a registered
 * RCU reader thread. */
void admin_status(const struct admin *a, struct strbuf *sb);

/* The zones of /status as a JSON array, or only the zone of origin zone
 * (any case, with or without the final dot). GD_ENOTFOUND when zone is
 * not served. From a registered RCU reader thread. */
int admin_zone_status(const struct admin *a, const char *zone, struct strbuf *sb);

/* The Prometheus exposition of the serving side, the health prober and
 * the application; http_limits: the HTTP thread's limit counts
 * (HTTP_LIMIT_COUNT of them), or NULL when there is no HTTP endpoint.
 * From a registered RCU reader thread. */
void admin_metrics(const struct admin *a, const uint64_t *http_limits, struct strbuf *sb);

#endif
