/*
 * status.c - the prober's state for the HTTP thread: each region's entry in
 * /status (state, weights, why, feed, endpoints, overrides) and the health
 * families of /metrics (regions, endpoints, overrides, feed polls).
 *
 * Both read the live state under hp->lock, not a snapshot: they show what
 * the snapshots leave out (damping, feed state, last failure).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health_internal.h"

#include "ops/metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

static void iso_time(time_t t, char *buf, size_t cap)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void health_status_json(struct health *hp, struct strbuf *sb)
{
	pthread_mutex_lock(&hp->lock);
	sb_puts(sb, "{");
	for (size_t i = 0; i < hp->nregions; i++) {
		const struct region_state *rs = &hp->regions[i];
		char t[32];
		sb_printf(sb, "%s\n    \"", i ? "," : "");
		sb_json_string(sb, rs->name);
		const char *why = rs->drained ? "override" :
				  !rs->feed ? "no_feed" :
				  (rs->h.fails || rs->h.oks) ? "damping" : "feed";
		sb_printf(sb, "\": { \"state\": \"%s\", \"effective_weight\": %u, "
			  "\"feed_weight\": %u, \"drained\": %s, \"why\": \"%s\"",
			  rs->h.up ? "up" : "down", rs->drained ? 0 : rs->weight, rs->weight,
			  rs->drained ? "true" : "false", why);
		if (rs->last_reason)
			sb_printf(sb, ", \"last_failure\": \"%s\"", rs->last_reason);
		if (rs->feed) {
			sb_puts(sb, ", \"feed\": \"");
			sb_json_string(sb, rs->feed->spec);
			sb_printf(sb, "\", \"feed_state\": \"%s\"", rs->feed->state);
		}
		if (rs->last_good) {
			iso_time(rs->last_good, t, sizeof(t));
			sb_printf(sb, ", \"last_feed\": \"%s\"", t);
		}
		sb_puts(sb, ", \"endpoints\": {");
		bool first = true;
		for (size_t k = 0; k < rs->neps; k++) {
			char a[64];
			health_key_str(rs->eps[k].key, a, sizeof(a));
			int forced = health_override_of(hp, rs->eps[k].key);
			bool up = forced < 0 ? rs->eps[k].h.up : forced == 1;
			sb_printf(sb, "%s \"%s\": { \"state\": \"%s\", \"why\": \"%s\" }",
				  first ? "" : ",", a, up ? "up" : "down",
				  forced >= 0 ? "override" : "feed");
			first = false;
		}
		sb_puts(sb, " } }");
	}
	sb_puts(sb, "\n  }");
	if (hp->noverrides) {
		sb_puts(sb, ",\n  \"endpoint_overrides\": {");
		for (size_t k = 0; k < hp->noverrides; k++) {
			char a[64];
			health_key_str(hp->overrides[k].key, a, sizeof(a));
			sb_printf(sb, "%s \"%s\": \"%s\"", k ? "," : "", a,
				  hp->overrides[k].up ? "up" : "down");
		}
		sb_puts(sb, " }");
	}
	pthread_mutex_unlock(&hp->lock);
}

void health_metrics(struct health *hp, struct strbuf *sb)
{
	pthread_mutex_lock(&hp->lock);
	metrics_family(sb, "geodnsd_region_up", "gauge",
		       "1 when the region is up after damping, else 0.");
	for (size_t i = 0; i < hp->nregions; i++) {
		const char *l[] = {"region", hp->regions[i].name, NULL};
		metrics_sample_u64(sb, "geodnsd_region_up", l, hp->regions[i].h.up);
	}
	metrics_family(sb, "geodnsd_region_weight", "gauge",
		       "Effective weight of the region, 0..100 (0 when drained).");
	for (size_t i = 0; i < hp->nregions; i++) {
		const char *l[] = {"region", hp->regions[i].name, NULL};
		metrics_sample_u64(sb, "geodnsd_region_weight", l,
				   hp->regions[i].drained ? 0 : hp->regions[i].weight);
	}
	metrics_family(sb, "geodnsd_region_drained", "gauge",
		       "1 when an admin override drains the region.");
	for (size_t i = 0; i < hp->nregions; i++) {
		const char *l[] = {"region", hp->regions[i].name, NULL};
		metrics_sample_u64(sb, "geodnsd_region_drained", l, hp->regions[i].drained);
	}
	metrics_family(sb, "geodnsd_endpoint_up", "gauge",
		       "1 when an endpoint named by a feed or an override is up.");
	for (size_t i = 0; i < hp->nregions; i++) {
		const struct region_state *rs = &hp->regions[i];
		for (size_t k = 0; k < rs->neps; k++) {
			char a[64];
			health_key_str(rs->eps[k].key, a, sizeof(a));
			int forced = health_override_of(hp, rs->eps[k].key);
			const char *l[] = {"region", rs->name, "endpoint", a, NULL};
			metrics_sample_u64(sb, "geodnsd_endpoint_up", l,
					   forced < 0 ? rs->eps[k].h.up : forced == 1);
		}
	}
	metrics_family(sb, "geodnsd_endpoint_override", "gauge",
		       "Admin endpoint overrides: 1 forced up, 0 forced down.");
	for (size_t k = 0; k < hp->noverrides; k++) {
		char a[64];
		health_key_str(hp->overrides[k].key, a, sizeof(a));
		const char *l[] = {"endpoint", a, NULL};
		metrics_sample_u64(sb, "geodnsd_endpoint_override", l, hp->overrides[k].up);
	}
	metrics_family(sb, "geodnsd_feed_polls_total", "counter", "Feed polls by result.");
	for (size_t k = 0; k < hp->nfeeds; k++) {
		const char *ok[] = {"feed", hp->feeds[k].spec, "result", "ok", NULL};
		const char *bad[] = {"feed", hp->feeds[k].spec, "result", "failed", NULL};
		metrics_sample_u64(sb, "geodnsd_feed_polls_total", ok, hp->feeds[k].polls_ok);
		metrics_sample_u64(sb, "geodnsd_feed_polls_total", bad, hp->feeds[k].polls_failed);
	}
	metrics_family(sb, "geodnsd_feed_seconds_since_success", "gauge",
		       "Seconds since the feed last gave a good document (-1: never).");
	time_t now = time(NULL);
	for (size_t k = 0; k < hp->nfeeds; k++) {
		const char *l[] = {"feed", hp->feeds[k].spec, NULL};
		metrics_sample(sb, "geodnsd_feed_seconds_since_success", l,
			       hp->feeds[k].last_ok ? (double)(now - hp->feeds[k].last_ok) : -1);
	}
	pthread_mutex_unlock(&hp->lock);
}
