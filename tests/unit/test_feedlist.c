/*
 * test_feedlist.c - a region's feed as a list of URLs: the rule of a round
 * (feed_pick: the newest acceptable document wins, the first among equals,
 * an older one never replaces a fresh applied one, none acceptable is a
 * lost feed), then the prober polling two file URLs whose documents change
 * under it, seen through /status and /metrics. The configuration forms and
 * their errors are test_config.c's.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "common/strbuf.h"
#include "conf/config.h"
#include "geo/service.h"
#include "health/health.h"
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ====================================================================== */
/* feed_pick                                                               */
/* ====================================================================== */

#define T0 ((time_t)1800000000) /* 2027-01-15T08:00:00Z */
#define MAX_AGE 30

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* feed_pick over c with nothing applied before, at T0. */
static enum feed_verdict pick_fresh(const struct feed_candidate *c, size_t n, size_t *best)
{
	return feed_pick(c, n, 0, T0, MAX_AGE, best);
}

/* The newest acceptable document wins wherever it is in the list. */
START_TEST(test_pick_newest_wins)
{
	size_t best = 99;
	const struct feed_candidate second_newer[] = {{true, T0 - 20}, {true, T0 - 10}};
	ck_assert_int_eq(pick_fresh(second_newer, 2, &best), FEED_APPLY);
	ck_assert_uint_eq(best, 1);
	const struct feed_candidate first_newer[] = {{true, T0 - 5}, {true, T0 - 10}};
	ck_assert_int_eq(pick_fresh(first_newer, 2, &best), FEED_APPLY);
	ck_assert_uint_eq(best, 0);
	/* the newest of eight, in the middle */
	const struct feed_candidate eight[] = {{true, T0 - 8}, {true, T0 - 7}, {true, T0 - 6},
	                                       {true, T0 - 9}, {true, T0 - 3}, {true, T0 - 1},
	                                       {true, T0 - 4}, {true, T0 - 2}};
	ck_assert_int_eq(pick_fresh(eight, N(eight), &best), FEED_APPLY);
	ck_assert_uint_eq(best, 5);
}
END_TEST

/* Among equals the first in the list; a document without generated_at
 * ranks below any with one; failed URLs take no part, whatever their time. */
START_TEST(test_pick_ties_and_unversioned)
{
	size_t best = 99;
	const struct feed_candidate equal[] = {{true, T0 - 3}, {true, T0}, {true, T0}};
	ck_assert_int_eq(pick_fresh(equal, 3, &best), FEED_APPLY);
	ck_assert_uint_eq(best, 1);
	const struct feed_candidate unversioned_first[] = {{true, 0}, {true, T0 - 25}};
	ck_assert_int_eq(pick_fresh(unversioned_first, 2, &best), FEED_APPLY);
	ck_assert_uint_eq(best, 1);
	const struct feed_candidate all_unversioned[] = {{false, 0}, {true, 0}, {true, 0}};
	ck_assert_int_eq(pick_fresh(all_unversioned, 3, &best), FEED_APPLY);
	ck_assert_uint_eq(best, 1);
	const struct feed_candidate failed_newest[] = {{false, T0}, {true, T0 - 30}, {false, 0}};
	ck_assert_int_eq(pick_fresh(failed_newest, 3, &best), FEED_APPLY);
	ck_assert_uint_eq(best, 1);
}
END_TEST

/* A document older than the applied one never replaces it while that one
 * is fresh; the same version is applied again; a newer one replaces it. */
START_TEST(test_pick_older_never_replaces)
{
	size_t best = 99;
	time_t applied = T0 - 10;
	const struct feed_candidate older[] = {{true, T0 - 20}, {true, T0 - 15}};
	ck_assert_int_eq(feed_pick(older, 2, applied, T0, MAX_AGE, &best), FEED_OLDER);
	ck_assert_uint_eq(best, 1); /* the newest of the older ones, for the log */
	const struct feed_candidate same[] = {{true, T0 - 20}, {true, T0 - 10}};
	ck_assert_int_eq(feed_pick(same, 2, applied, T0, MAX_AGE, &best), FEED_APPLY);
	ck_assert_uint_eq(best, 1);
	const struct feed_candidate newer[] = {{true, T0 - 9}, {false, T0}};
	ck_assert_int_eq(feed_pick(newer, 2, applied, T0, MAX_AGE, &best), FEED_APPLY);
	ck_assert_uint_eq(best, 0);
	/* without generated_at: older than any versioned document */
	const struct feed_candidate unversioned[] = {{true, 0}};
	ck_assert_int_eq(feed_pick(unversioned, 1, applied, T0, MAX_AGE, &best), FEED_OLDER);
	/* still fresh at exactly max_age old (any versioned document older
	 * than that is stale, rejected before it is a candidate) */
	ck_assert_int_eq(feed_pick(unversioned, 1, T0 - MAX_AGE, T0, MAX_AGE, &best), FEED_OLDER);
	/* once the applied document is stale it protects nothing */
	ck_assert_int_eq(feed_pick(unversioned, 1, T0 - MAX_AGE - 1, T0, MAX_AGE, &best),
	                 FEED_APPLY);
	ck_assert_uint_eq(best, 0);
	/* an applied document without generated_at protects nothing either */
	ck_assert_int_eq(feed_pick(older, 2, 0, T0, MAX_AGE, &best), FEED_APPLY);
	ck_assert_uint_eq(best, 1);
}
END_TEST

/* No acceptable document: the feed is lost, whatever was applied. */
START_TEST(test_pick_all_failing_lost)
{
	size_t best = 99;
	const struct feed_candidate failed[] = {{false, T0}, {false, 0}, {false, T0 - 1}};
	ck_assert_int_eq(feed_pick(failed, 3, 0, T0, MAX_AGE, &best), FEED_LOST);
	ck_assert_int_eq(feed_pick(failed, 3, T0 - 5, T0, MAX_AGE, &best), FEED_LOST);
	ck_assert_int_eq(feed_pick(failed, 0, T0 - 5, T0, MAX_AGE, &best), FEED_LOST);
	ck_assert_uint_eq(best, 99); /* not set */
}
END_TEST

/* ====================================================================== */
/* the prober: two file URLs                                               */
/* ====================================================================== */

static void free_snapshot(struct health_snapshot *hs, void *arg)
{
	(void)arg;
	health_snapshot_free(hs);
}

/* Write the document of region "fed" (healthy, weight) to path by rename,
 * generated age seconds before now. */
static void write_doc(const char *path, time_t age, unsigned weight)
{
	char t[32], tmp[512];
	time_t when = time(NULL) - age;
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "{ \"generated_at\": \"%s\", \"regions\": { \"fed\": { \"healthy\": true, "
	        "\"weight\": %u } } }\n",
	        t, weight);
	fclose(f);
	ck_assert_int_eq(rename(tmp, path), 0);
}

static char *status_of(struct health *hp)
{
	struct strbuf sb;
	sb_init(&sb);
	health_status_json(hp, &sb);
	char *s = strdup(sb.buf);
	sb_free(&sb);
	return s;
}

/* Wait (at most 4 s) until /status holds every one of the needles;
 * fail with the last /status otherwise. */
static void wait_status(struct health *hp, const char *const *needles, size_t n)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		char *s = status_of(hp);
		size_t found = 0;
		while (found < n && strstr(s, needles[found]))
			found++;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (found == n || t.tv_sec - t0.tv_sec > 4) {
			ck_assert_msg(found == n, "no %s within 4 s in %s", needles[found], s);
			free(s);
			return;
		}
		free(s);
		struct timespec ts = {0, 20000000};
		nanosleep(&ts, NULL);
	}
}

static bool metrics_have(struct health *hp, const char *line)
{
	struct strbuf sb;
	sb_init(&sb);
	health_metrics(hp, &sb);
	bool found = strstr(sb.buf, line) != NULL;
	if (!found)
		fprintf(stderr, "no \"%s\" in\n%s", line, sb.buf);
	sb_free(&sb);
	return found;
}

/*
 * Region "fed" follows two file URLs, a then b. The newer document wins
 * whichever URL gives it; documents older than the applied one change
 * nothing (and say so); a newer one of the first URL takes over; both
 * failing is a lost feed with the first URL's reason, and takes the region
 * down (down_after 1).
 */
START_TEST(test_prober_two_files)
{
	char a[256], b[256];
	snprintf(a, sizeof(a), "%s", unit_write_file("list-a.json", "{}"));
	snprintf(b, sizeof(b), "%s", unit_write_file("list-b.json", "{}"));
	write_doc(a, 20, 30);
	write_doc(b, 10, 60);
	/* the files by their names, next to the configuration: the prober
	 * (and /status and /metrics) sees them resolved, as a and b */
	const char *text = "{ \"regions\": { \"fed\": { \"location\": [38.9, -77.0],\n"
	                   "    \"feed\": [\"file:list-a.json\", \"file:list-b.json\"] },\n"
	                   "  \"plain\": { \"location\": [53.3, -6.3] } },\n"
	                   "  \"health\": { \"interval\": 1, \"down_after\": 1, \"up_after\": 1,"
	                   " \"max_age\": 3600 } }\n";
	struct diag d = {0};
	struct config *cfg = config_load(unit_write_file("feedlist.conf", text), &d);
	ck_assert_ptr_nonnull(cfg);
	diag_free(&d);
	struct region rg[2] = {{cfg->regions[0].name, 38.9, -77.0},
	                       {cfg->regions[1].name, 53.3, -6.3}};
	struct region_table rt = {rg, 2, NULL};
	struct health *hp = health_run(health_create(cfg, &rt, free_snapshot, NULL));
	ck_assert_ptr_nonnull(hp);
	char fa[300], fb[300], list[700];
	snprintf(fa, sizeof(fa), "\"feed_source\": \"file:%s\"", a);
	snprintf(fb, sizeof(fb), "\"feed_source\": \"file:%s\"", b);
	snprintf(list, sizeof(list), "\"feed\": [\"file:%s\", \"file:%s\"], \"feed_state\": ", a,
	         b);

	/* b's document is newer, though b is second */
	const char *const step1[] = {"\"feed_weight\": 60", fb, "\"feed_state\": \"ok\"", list};
	wait_status(hp, step1, N(step1));
	char *s = status_of(hp);
	ck_assert_ptr_nonnull(strstr(s, "\"state\": \"up\""));
	ck_assert_ptr_null(strstr(s, "\"state\": \"down\""));
	free(s);

	/* both documents now older than the applied one: nothing changes */
	write_doc(b, 40, 10);
	const char *const step2[] = {"\"feed_state\": \"older_than_applied\""};
	wait_status(hp, step2, N(step2));
	s = status_of(hp);
	ck_assert_msg(strstr(s, "\"feed_weight\": 60") && strstr(s, fb), "%s", s);
	free(s);
	ck_assert(metrics_have(hp, "geodnsd_feed_url_applied{feed=\"file:"));
	char m[900];
	snprintf(m, sizeof(m),
	         "geodnsd_feed_url_applied{feed=\"file:%s file:%s\",url=\"file:%s\"} 1\n", a, b, b);
	ck_assert(metrics_have(hp, m));

	/* a newer document from a takes over */
	write_doc(a, 0, 80);
	const char *const step3[] = {"\"feed_weight\": 80", fa, "\"feed_state\": \"ok\""};
	wait_status(hp, step3, N(step3));
	snprintf(m, sizeof(m),
	         "geodnsd_feed_url_applied{feed=\"file:%s file:%s\",url=\"file:%s\"} 1\n", a, b, a);
	ck_assert(metrics_have(hp, m));
	snprintf(m, sizeof(m),
	         "geodnsd_feed_polls_total{feed=\"file:%s file:%s\",result=\"older\"} ", a, b);
	ck_assert(metrics_have(hp, m));

	/* neither gives an acceptable document: lost, with a's reason */
	FILE *f = fopen(a, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not json {", f);
	fclose(f);
	ck_assert_int_eq(unlink(b), 0);
	const char *const step4[] = {
	    "\"feed_state\": \"not_json\"", "\"state\": \"down\", \"effective_weight\": 80",
	    "\"last_failure\": \"not_json\"", "\"state\": \"feed_unreachable\""};
	wait_status(hp, step4, N(step4));
	health_stop(hp);
	config_free(cfg);
}
END_TEST

Suite *feedlist_suite(void)
{
	Suite *s = suite_create("feedlist");
	TCase *tc = tcase_create("pick");
	tcase_add_test(tc, test_pick_newest_wins);
	tcase_add_test(tc, test_pick_ties_and_unversioned);
	tcase_add_test(tc, test_pick_older_never_replaces);
	tcase_add_test(tc, test_pick_all_failing_lost);
	suite_add_tcase(s, tc);

	tc = tcase_create("prober");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_prober_two_files);
	suite_add_tcase(s, tc);
	return s;
}
