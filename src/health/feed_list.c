/*
 * feed_list.c - a region's feed as a list of URLs (redundant aggregators):
 * the round that polls all of them each interval and the rule that picks
 * the document its regions follow.
 *
 * A round starts every URL's poll in the configured order, the first
 * first (HTTP polls then run side by side on the loop, each with its own
 * name lookup, connection, limits and deadline, so the round ends within
 * one health.timeout however many URLs there are). Every poll ends in
 * exactly one health_feed_result: an acceptable document, kept until the
 * round ends, or a failure reason. When the last one has ended, feed_pick
 * judges the round: the newest document is applied to the regions
 * (health_list_apply, state_machine.c), or the applied one stays because
 * every document is older, or, when no URL gave an acceptable document,
 * the feed is lost and on_feed_loss decides. Polling every URL each round,
 * rather than stopping at the first that answers, is what lets a lagging
 * first aggregator never hide a newer document of the second.
 *
 * A list of one URL is today's single feed: its logs, reasons and states
 * are those of that URL.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health_internal.h"

#include "common/gd.h"
#include "common/log.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Does candidate a rank above b? A later generated_at; any before none. */
static bool newer(const struct feed_candidate *a, const struct feed_candidate *b)
{
	return a->generated_at > b->generated_at;
}

enum feed_verdict feed_pick(const struct feed_candidate *c, size_t n, time_t applied_at, time_t now,
                            unsigned max_age, size_t *best)
{
	size_t pick = n;
	for (size_t i = 0; i < n; i++)
		if (c[i].accepted && (pick == n || newer(&c[i], &c[pick])))
			pick = i; /* strictly newer: the first among equals stays */
	if (pick == n)
		return FEED_LOST;
	*best = pick;
	bool applied_fresh = applied_at > 0 && applied_at + (time_t)max_age >= now;
	if (applied_fresh && c[pick].generated_at < applied_at)
		return FEED_OLDER;
	return FEED_APPLY;
}

static void iso_time(time_t t, char *buf, size_t cap)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The list's state changed to state: one log line for what it means. */
static void list_state(struct feed_list *l, const char *state, size_t best)
{
	if (strcmp(state, l->state) == 0)
		return;
	l->state = state;
	if (strcmp(state, "older_than_applied") == 0) {
		char got[32], have[32];
		iso_time(l->urls[best].doc.generated_at, got, sizeof(got));
		iso_time(l->applied_at, have, sizeof(have));
		log_info("event=feed_older feed=%s url=%s generated_at=%s applied=%s", l->spec,
		         l->urls[best].spec, got, have);
	} else if (strcmp(state, "ok") != 0 && l->nurls > 1) {
		/* a single URL's failure has its own line already */
		log_warn("event=feed_lost feed=%s reason=%s urls=%zu", l->spec, state, l->nurls);
	}
}

/* Every poll of l's round has ended: judge it and apply the outcome. */
static void round_end(struct feed_list *l)
{
	struct health *hp = l->hp;
	struct feed_candidate *c = xcalloc(l->nurls, sizeof(*c));
	for (size_t i = 0; i < l->nurls; i++)
		c[i] = (struct feed_candidate){l->urls[i].has_doc, l->urls[i].doc.generated_at};
	time_t now = time(NULL);
	size_t best = 0;
	pthread_mutex_lock(&hp->lock);
	enum feed_verdict v = feed_pick(c, l->nurls, l->applied_at, now, l->max_age, &best);
	free(c);
	if (v == FEED_APPLY) {
		const struct feed *w = &l->urls[best];
		if (l->nurls > 1 && (!l->applied || l->applied_url != best)) {
			char t[32] = "none";
			if (w->doc.generated_at)
				iso_time(w->doc.generated_at, t, sizeof(t));
			log_info("event=feed_source feed=%s url=%s generated_at=%s", l->spec,
			         w->spec, t);
		}
		list_state(l, "ok", best);
		l->polls_ok++;
		l->last_ok = now;
		l->applied = true;
		l->applied_at = w->doc.generated_at;
		l->applied_url = best;
		health_list_apply(l, &w->doc, NULL);
	} else if (v == FEED_OLDER) {
		/* no check: the regions keep what the newer document said */
		list_state(l, "older_than_applied", best);
		l->polls_older++;
	} else {
		/* the reason of the first URL, the one the list prefers */
		const char *reason = l->urls[0].state;
		list_state(l, reason, best);
		l->polls_failed++;
		health_list_apply(l, NULL, reason);
	}
	for (size_t i = 0; i < l->nurls; i++) {
		feed_doc_free(&l->urls[i].doc);
		l->urls[i].has_doc = false;
	}
	health_publish_unlock(hp);
}

/* One poll of URL f ended: doc on success (its contents taken over, doc
 * left empty), or reason on failure. The round ends with the last one. */
void health_feed_result(struct feed *f, struct feed_doc *doc, const char *reason,
                        const char *detail)
{
	struct feed_list *l = f->list;
	struct health *hp = f->hp;
	pthread_mutex_lock(&hp->lock);
	const char *new_state = doc ? "ok" : reason;
	if (strcmp(new_state, f->state) != 0) {
		if (doc && l->nurls == 1)
			log_info("event=feed_ok feed=%s", f->spec);
		else if (doc)
			log_info("event=feed_ok feed=%s url=%s", l->spec, f->spec);
		else if (l->nurls == 1)
			log_warn("event=feed_failed feed=%s reason=%s detail=\"%s\"", f->spec,
			         reason, detail ? detail : "");
		else
			log_warn("event=feed_failed feed=%s url=%s reason=%s detail=\"%s\"",
			         l->spec, f->spec, reason, detail ? detail : "");
		f->state = new_state;
	}
	if (doc) {
		f->polls_ok++;
		f->last_ok = time(NULL);
		f->generated_at = doc->generated_at;
		f->doc = *doc;
		f->has_doc = true;
		memset(doc, 0, sizeof(*doc));
	} else {
		f->polls_failed++;
	}
	pthread_mutex_unlock(&hp->lock);
	assert(l->pending > 0); /* one end per poll, and only in a round */
	if (--l->pending == 0)
		round_end(l);
}

void health_feed_text(struct feed *f, const char *text, size_t len)
{
	struct feed_doc doc;
	const char *reason = NULL;
	char detail[256];
	if (feed_parse(text, len, f->hp->rt, time(NULL), f->list->max_age, &doc, &reason, detail,
	               sizeof(detail))) {
		health_feed_result(f, &doc, NULL, NULL);
		feed_doc_free(&doc);
	} else {
		health_feed_result(f, NULL, reason, detail);
	}
}

/*
 * A round: every URL of l polled, in order. The count holds one more than
 * the polls while they start, so a poll that ends at once (a file, a
 * numeric address refused) cannot end the round before the last has
 * started. A round still running at the next tick (a timeout longer than
 * the interval) lets that tick pass.
 */
void health_poll_list(struct feed_list *l)
{
	if (l->pending) {
		log_debug("event=feed_round_busy feed=%s pending=%zu", l->spec, l->pending);
		return;
	}
	l->pending = l->nurls + 1;
	for (size_t i = 0; i < l->nurls; i++) {
		struct feed *f = &l->urls[i];
		if (f->is_file)
			health_poll_file(f);
		else
			health_poll_http(f);
	}
	if (--l->pending == 0)
		round_end(l);
}
