/*
 * serving.h - the serving side as the operator sees it: metrics, the zone
 * list of /status, the admin API's endpoint check.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_SERVING_H
#define GD_SERVING_H

#include "ops/http.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct server;
struct strbuf;

/* Prometheus samples of the serving side (queries, rcodes, ECS, TCP, the
 * limits hit, with the HTTP thread's http_limits, zone serials, answers per
 * service and region). From a registered RCU reader thread; never blocks
 * a worker. */
void serving_metrics(struct server *srv, const uint64_t http_limits[HTTP_LIMIT_COUNT],
		     struct strbuf *sb);

/* The loaded zones as a JSON array (for /status), or only the zone named
 * only (presentation form, any case, the final dot optional; NULL: all);
 * how many were written. */
size_t serving_status_zones(struct server *srv, const char *only, struct strbuf *sb);

/* Is the address (family 1 IPv4 or 2 IPv6, then 16 bytes, 4 used for IPv4)
 * an endpoint of a service in the current snapshot? From a registered RCU
 * reader thread (the HTTP thread); a walk of every service: admin calls only. */
bool serving_has_endpoint(struct server *srv, const uint8_t key[17]);

#endif
