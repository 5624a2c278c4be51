/*
 * status.c - the prober's state for the HTTP thread: each region's entry in
 * /status (state, weights, why, feed, endpoints, overrides) and the health
 * families of /metrics (regions, endpoints, overrides, feed polls, per feed
 * and per URL of a feed list).
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

/* Append ", \"key\": \"s\"" with s escaped. */
static void json_member(struct strbuf *sb, const char *key, const char *s)
{
	sb_printf(sb, ", \"%s\": \"", key);
	sb_json_string(sb, s);
	sb_puts(sb, "\"");
}

/* A region's feed in its /status entry: the URL (or the list of them, as
 * configured), the outcome of the last round, the URL whose document the
 * region follows and that document's time, and each URL's last poll. */
static void list_status(const struct feed_list *l, struct strbuf *sb)
{
	char t[32];
	if (l->nurls == 1) {
		json_member(sb, "feed", l->urls[0].spec);
	} else {
		sb_puts(sb, ", \"feed\": [");
		for (size_t i = 0; i < l->nurls; i++) {
			sb_puts(sb, i ? ", \"" : "\"");
			sb_json_string(sb, l->urls[i].spec);
			sb_puts(sb, "\"");
		}
		sb_puts(sb, "]");
	}
	sb_printf(sb, ", \"feed_state\": \"%s\"", l->state);
	if (l->applied) {
		json_member(sb, "feed_source", l->urls[l->applied_url].spec);
		if (l->applied_at) {
			iso_time(l->applied_at, t, sizeof(t));
			sb_printf(sb, ", \"feed_generated_at\": \"%s\"", t);
		}
	}
	sb_puts(sb, ", \"feed_urls\": [");
	for (size_t i = 0; i < l->nurls; i++) {
		const struct feed *f = &l->urls[i];
		sb_puts(sb, i ? ", { \"url\": \"" : " { \"url\": \"");
		sb_json_string(sb, f->spec);
		sb_printf(sb, "\", \"state\": \"%s\"", f->state);
		if (f->last_ok) {
			iso_time(f->last_ok, t, sizeof(t));
			sb_printf(sb, ", \"last_ok\": \"%s\"", t);
		}
		if (f->generated_at) {
			iso_time(f->generated_at, t, sizeof(t));
			sb_printf(sb, ", \"generated_at\": \"%s\"", t);
		}
		sb_puts(sb, " }");
	}
	sb_puts(sb, " ]");
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
		const char *why = rs->drained                  ? "override"
		                  : !rs->list                  ? "no_feed"
		                  : (rs->h.fails || rs->h.oks) ? "damping"
		                                               : "feed";
		sb_printf(sb, "\": { \"state\": \"%s\", \"effective_weight\": %u, "
			  "\"feed_weight\": %u, \"drained\": %s, \"why\": \"%s\"",
			  rs->h.up ? "up" : "down", rs->drained ? 0 : rs->weight, rs->weight,
			  rs->drained ? "true" : "false", why);
		if (rs->last_reason)
			sb_printf(sb, ", \"last_failure\": \"%s\"", rs->last_reason);
		if (rs->list)
			list_status(rs->list, sb);
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

/* The feed families: per feed (its name: the URL, or the URLs of a list
 * joined by spaces) the rounds and the document applied, per URL of it
 * the polls. */
static void feed_metrics(const struct health *hp, struct strbuf *sb)
{
	static const char *const results[] = {"ok", "older", "failed"};
	metrics_family(sb, "geodnsd_feed_polls_total", "counter",
	               "Feed polls by result: ok (a document applied), older (every document "
	               "older than the one applied), failed (none acceptable).");
	for (size_t k = 0; k < hp->nlists; k++) {
		const struct feed_list *l = &hp->lists[k];
		const uint64_t n[] = {l->polls_ok, l->polls_older, l->polls_failed};
		for (size_t r = 0; r < 3; r++) {
			const char *lb[] = {"feed", l->spec, "result", results[r], NULL};
			metrics_sample_u64(sb, "geodnsd_feed_polls_total", lb, n[r]);
		}
	}
	metrics_family(sb, "geodnsd_feed_last_success_timestamp_seconds", "gauge",
	               "When the feed last gave a good document (0: never).");
	for (size_t k = 0; k < hp->nlists; k++) {
		const struct feed_list *l = &hp->lists[k];
		const char *lb[] = {"feed", l->spec, NULL};
		metrics_sample(sb, "geodnsd_feed_last_success_timestamp_seconds", lb,
		               (double)l->last_ok);
	}
	metrics_family(sb, "geodnsd_feed_generated_timestamp_seconds", "gauge",
	               "generated_at of the document the feed's regions follow (0: none yet, "
	               "or it had none).");
	for (size_t k = 0; k < hp->nlists; k++) {
		const struct feed_list *l = &hp->lists[k];
		const char *lb[] = {"feed", l->spec, NULL};
		metrics_sample(sb, "geodnsd_feed_generated_timestamp_seconds", lb,
		               l->applied ? (double)l->applied_at : 0);
	}
	metrics_family(sb, "geodnsd_feed_url_polls_total", "counter",
	               "Polls of each URL of a feed by result: ok (an acceptable document), "
	               "failed.");
	for (size_t k = 0; k < hp->nlists; k++) {
		const struct feed_list *l = &hp->lists[k];
		for (size_t i = 0; i < l->nurls; i++) {
			const struct feed *f = &l->urls[i];
			const char *ok[] = {"feed", l->spec, "url", f->spec, "result", "ok", NULL};
			const char *bad[] = {"feed",   l->spec,  "url", f->spec,
			                     "result", "failed", NULL};
			metrics_sample_u64(sb, "geodnsd_feed_url_polls_total", ok, f->polls_ok);
			metrics_sample_u64(sb, "geodnsd_feed_url_polls_total", bad,
			                   f->polls_failed);
		}
	}
	metrics_family(sb, "geodnsd_feed_url_last_success_timestamp_seconds", "gauge",
	               "When the URL last gave an acceptable document (0: never).");
	for (size_t k = 0; k < hp->nlists; k++) {
		const struct feed_list *l = &hp->lists[k];
		for (size_t i = 0; i < l->nurls; i++) {
			const struct feed *f = &l->urls[i];
			const char *lb[] = {"feed", l->spec, "url", f->spec, NULL};
			metrics_sample(sb, "geodnsd_feed_url_last_success_timestamp_seconds", lb,
			               (double)f->last_ok);
		}
	}
	metrics_family(sb, "geodnsd_feed_url_applied", "gauge",
	               "1 for the URL whose document the feed's regions follow, else 0.");
	for (size_t k = 0; k < hp->nlists; k++) {
		const struct feed_list *l = &hp->lists[k];
		for (size_t i = 0; i < l->nurls; i++) {
			const char *lb[] = {"feed", l->spec, "url", l->urls[i].spec, NULL};
			metrics_sample_u64(sb, "geodnsd_feed_url_applied", lb,
			                   l->applied && l->applied_url == i);
		}
	}
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
	feed_metrics(hp, sb);
	pthread_mutex_unlock(&hp->lock);
}
