/*
 * admin.c - the operator's actions (drain, endpoint overrides, reload) and
 * views (/status, the zones' status, the metrics document), shared by the
 * HTTP admin API and the control socket so that both doors do exactly the
 * same thing and log it the same way: one audit line per action,
 * "event=admin action=... from=... result=...".
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/admin.h"

#include "common/gd.h"
#include "common/log.h"
#include "health/health.h"
#include "ops/http.h"
#include "ops/metrics.h"
#include "ops/serving.h"

#include <string.h>

static struct health *admin_health(const struct admin *a)
{
	return a->hooks.health ? a->hooks.health(a->hooks.arg) : NULL;
}

int admin_drain(const struct admin *a, const char *region, bool drain, const char *from)
{
	struct health *hp = admin_health(a);
	int rc = hp ? health_drain(hp, region, drain) : GD_ENOTFOUND;
	log_info("event=admin action=%s region=%s from=%s result=%s", drain ? "drain" : "undrain",
	         region, from, rc == GD_OK ? "ok" : "unknown_region");
	return rc;
}

int admin_endpoint_state(const char *word)
{
	if (strcmp(word, "up") == 0)
		return 1;
	if (strcmp(word, "down") == 0)
		return 0;
	if (strcmp(word, "auto") == 0)
		return -1;
	return -2;
}

int admin_endpoint(const struct admin *a, const char *addr, int state, const char *from)
{
	/* only the endpoints of the services loaded now; "auto" also clears
	 * an override left from an earlier configuration */
	struct health *hp = admin_health(a);
	uint8_t key[17];
	const char *result = "bad_address";
	int rc = GD_EINVAL;
	if (health_endpoint_key(addr, key) == GD_OK) {
		bool known = serving_has_endpoint(a->srv, key);
		rc = hp && (known || state < 0) ? health_endpoint_override(hp, key, state)
		                                : GD_ENOTFOUND;
		if (known && state < 0)
			rc = GD_OK;
		result = rc == GD_OK ? "ok" : "not_an_endpoint";
	}
	static const char *const names[] = {"auto", "down", "up"};
	log_info("event=admin action=endpoint_state endpoint=%s state=%s from=%s result=%s", addr,
	         names[state + 1], from, result);
	return rc;
}

int admin_reload(const struct admin *a, const char *zone, struct strbuf *errors, const char *from)
{
	int rc = a->hooks.reload(a->hooks.arg, zone, errors);
	if (zone)
		log_info("event=admin action=reload zone=%s from=%s result=%s", zone, from,
		         rc == 0 ? "ok" : "failed");
	else
		log_info("event=admin action=reload from=%s result=%s", from,
		         rc == 0 ? "ok" : "failed");
	return rc;
}

void admin_status(const struct admin *a, struct strbuf *sb)
{
	sb_printf(sb, "{\n  \"version\": \"%s\",\n  \"zones\": ", GD_VERSION);
	serving_status_zones(a->srv, NULL, sb);
	sb_puts(sb, ",\n  \"regions\": ");
	struct health *hp = admin_health(a);
	if (hp)
		health_status_json(hp, sb);
	else
		sb_puts(sb, "{}");
	sb_puts(sb, "\n}\n");
}

int admin_zone_status(const struct admin *a, const char *zone, struct strbuf *sb)
{
	struct strbuf zones;
	sb_init(&zones);
	int rc = serving_status_zones(a->srv, zone, &zones) == 0 && zone ? GD_ENOTFOUND : GD_OK;
	if (rc == GD_OK)
		sb_printf(sb, "%s\n", zones.buf);
	sb_free(&zones);
	return rc;
}

void admin_metrics(const struct admin *a, const uint64_t *http_limits, struct strbuf *sb)
{
	static const uint64_t no_limits[HTTP_LIMIT_COUNT];
	metrics_family(sb, "geodnsd_build_info", "gauge", "Version of the running geodnsd.");
	const char *l[] = {"version", GD_VERSION, NULL};
	metrics_sample_u64(sb, "geodnsd_build_info", l, 1);
	serving_metrics(a->srv, http_limits ? http_limits : no_limits, sb);
	struct health *hp = admin_health(a);
	if (hp)
		health_metrics(hp, sb);
	if (a->hooks.metrics)
		a->hooks.metrics(a->hooks.arg, sb);
}
