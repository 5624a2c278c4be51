/*
 * test_health.c - region and endpoint health: the hysteresis state machine
 * (every transition), the feed parser (a valid document field by field and
 * every rejection with its exact reason, leaving the document empty), the
 * publication of health snapshots to concurrent readers with liburcu,
 * reproducing the scheme of server_publish_health (run it under ASan and
 * under TSan), and the prober thread against feeds that would block it (a
 * FIFO, a silent resolver). How svc_choose reads a snapshot is
 * test_service.c's.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/hash.h"
#include "conf/config.h"
#include "common/diag.h"
#include "common/gd.h"
#include "health/health.h"
#include "ops/metrics.h"
#include "geo/service.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

/* ====================================================================== */
/* hysteresis                                                              */
/* ====================================================================== */

#define DOWN_AFTER 3
#define UP_AFTER 2

static bool step(struct hysteresis *h, bool ok)
{
	return hysteresis_step(h, ok, DOWN_AFTER, UP_AFTER);
}

START_TEST(test_hyst_up_stays_up_on_ok)
{
	struct hysteresis h = {.up = true};
	for (int i = 0; i < 10; i++) {
		ck_assert(!step(&h, true));
		ck_assert(h.up);
		ck_assert_uint_eq(h.fails, 0);
		ck_assert_uint_eq(h.oks, 0);
	}
}
END_TEST

START_TEST(test_hyst_goes_down_on_third_failure)
{
	struct hysteresis h = {.up = true};
	ck_assert(!step(&h, false));
	ck_assert(h.up);
	ck_assert_uint_eq(h.fails, 1);
	ck_assert(!step(&h, false));
	ck_assert(h.up);
	ck_assert_uint_eq(h.fails, 2);
	ck_assert(step(&h, false)); /* the flip, reported exactly once */
	ck_assert(!h.up);
	ck_assert_uint_eq(h.fails, 0);
	ck_assert_uint_eq(h.oks, 0);
	/* further failures keep it down without reporting a flip */
	for (int i = 0; i < 5; i++) {
		ck_assert(!step(&h, false));
		ck_assert(!h.up);
	}
}
END_TEST

START_TEST(test_hyst_ok_resets_failures)
{
	struct hysteresis h = {.up = true};
	ck_assert(!step(&h, false));
	ck_assert(!step(&h, false));
	ck_assert(!step(&h, true)); /* resets: 2 failures forgotten */
	ck_assert(h.up);
	ck_assert_uint_eq(h.fails, 0);
	ck_assert(!step(&h, false));
	ck_assert(!step(&h, false));
	ck_assert(h.up); /* only 2 consecutive since the ok */
	ck_assert(step(&h, false));
	ck_assert(!h.up);
}
END_TEST

START_TEST(test_hyst_down_comes_up_on_second_ok)
{
	struct hysteresis h = {.up = false};
	ck_assert(!step(&h, true));
	ck_assert(!h.up);
	ck_assert_uint_eq(h.oks, 1);
	ck_assert(step(&h, true));
	ck_assert(h.up);
	ck_assert_uint_eq(h.oks, 0);
	ck_assert_uint_eq(h.fails, 0);
	/* a single failure right after coming up does not take it down */
	ck_assert(!step(&h, false));
	ck_assert(h.up);
}
END_TEST

START_TEST(test_hyst_down_stays_down_on_failure)
{
	struct hysteresis h = {.up = false};
	for (int i = 0; i < 10; i++) {
		ck_assert(!step(&h, false));
		ck_assert(!h.up);
		ck_assert_uint_eq(h.oks, 0);
		ck_assert_uint_eq(h.fails, 0);
	}
}
END_TEST

START_TEST(test_hyst_failure_resets_oks)
{
	struct hysteresis h = {.up = false};
	ck_assert(!step(&h, true));
	ck_assert(!step(&h, false)); /* resets */
	ck_assert(!h.up);
	ck_assert_uint_eq(h.oks, 0);
	ck_assert(!step(&h, true));
	ck_assert(!h.up); /* 1 ok since the failure */
	ck_assert(step(&h, true));
	ck_assert(h.up);
}
END_TEST

START_TEST(test_hyst_immediate_flips)
{
	struct hysteresis h = {.up = true};
	ck_assert(hysteresis_step(&h, false, 1, 1));
	ck_assert(!h.up);
	ck_assert(!hysteresis_step(&h, false, 1, 1));
	ck_assert(!h.up);
	ck_assert(hysteresis_step(&h, true, 1, 1));
	ck_assert(h.up);
	ck_assert(!hysteresis_step(&h, true, 1, 1));
	ck_assert(h.up);
	ck_assert(hysteresis_step(&h, false, 1, 1));
	ck_assert(!h.up);
}
END_TEST

START_TEST(test_hyst_flip_flop_sequence)
{
	/* counters reset after each flip: every flip needs the full count again */
	struct hysteresis h = {.up = true};
	static const struct {
		bool ok, flip, up_after;
	} seq[] = {
	    {false, false, true},  {false, false, true},  {false, true, false}, /* down */
	    {true, false, false},  {true, true, true},                          /* up */
	    {false, false, true},  {false, false, true},  {false, true, false}, /* down */
	    {false, false, false},                                              /* stays */
	    {true, false, false},  {false, false, false}, {true, false, false}, /* reset */
	    {true, true, true},                                                 /* up */
	    {false, false, true},  {true, false, true},                         /* reset */
	    {false, false, true},  {false, false, true},  {false, true, false}, /* down */
	    {true, false, false},  {true, true, true},                          /* up */
	};
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		bool flipped = step(&h, seq[i].ok);
		if (flipped != seq[i].flip || h.up != seq[i].up_after)
			ck_abort_msg("step %zu (ok=%d): flipped=%d up=%d, want flipped=%d up=%d", i,
			             seq[i].ok, flipped, h.up, seq[i].flip, seq[i].up_after);
	}
}
END_TEST

/* ====================================================================== */
/* feed_parse                                                              */
/* ====================================================================== */

static struct region fregs[] = {
    {(char *)"us-east", 38.9, -77.0},
    {(char *)"eu-west", 53.3, -6.3},
    {(char *)"ap-south", 1.35, 103.8},
};
static const struct region_table frt = {fregs, 3, NULL};

#define MAX_AGE 60u

/* 2026-11-27T20:00:00Z */
static time_t base_time(void)
{
	struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 27, .tm_hour = 20};
	return timegm(&tm);
}

static void fmt_time(time_t t, char *buf, size_t cap)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A document with generated_at (NULL: absent) around a regions body. */
static char *doc_with_time(const char *gen, const char *regions)
{
	size_t cap = strlen(regions) + (gen ? strlen(gen) : 0) + 64;
	char *s = malloc(cap);
	if (gen)
		snprintf(s, cap, "{\"generated_at\": \"%s\", \"regions\": %s}", gen, regions);
	else
		snprintf(s, cap, "{\"regions\": %s}", regions);
	return s;
}

/* The document must be rejected with exactly reason, a non-empty detail,
 * and an empty doc that feed_doc_free accepts. */
static void expect_reject_len(const char *text, size_t len, time_t now, const char *want)
{
	struct feed_doc doc;
	memset(&doc, 0x5a, sizeof(doc)); /* garbage in: must come back empty */
	const char *reason = NULL;
	char detail[256];
	memset(detail, 'X', sizeof(detail));
	bool ok = feed_parse(text, len, &frt, now, MAX_AGE, &doc, &reason, detail, sizeof(detail));
	if (ok || !reason || strcmp(reason, want) != 0)
		ck_abort_msg("document %.200s: ok=%d reason=%s detail=%.*s, want reason %s", text,
		             ok, reason ? reason : "(null)", (int)strnlen(detail, sizeof(detail)),
		             detail, want);
	size_t dl = strnlen(detail, sizeof(detail));
	ck_assert_uint_lt(dl, sizeof(detail)); /* NUL terminated */
	ck_assert_uint_gt(dl, 0);
	ck_assert_uint_eq(doc.nregions, 0);
	ck_assert_ptr_null(doc.regions);
	ck_assert_int_eq((long long)doc.generated_at, 0);
	feed_doc_free(&doc);
	feed_doc_free(&doc); /* twice: still safe */
}

static void expect_reject(const char *text, time_t now, const char *want)
{
	expect_reject_len(text, strlen(text), now, want);
}

/* The document must be accepted. */
static void expect_accept(const char *text, time_t now, struct feed_doc *doc)
{
	const char *reason = NULL;
	char detail[256] = "";
	bool ok = feed_parse(text, strlen(text), &frt, now, MAX_AGE, doc, &reason, detail,
	                     sizeof(detail));
	if (!ok)
		ck_abort_msg("document %.200s rejected: %s (%s)", text, reason ? reason : "(null)",
		             detail);
}

static const struct feed_region *find_fr(const struct feed_doc *doc, size_t region)
{
	const struct feed_region *found = NULL;
	for (size_t i = 0; i < doc->nregions; i++)
		if (doc->regions[i].region == region) {
			ck_assert_msg(!found, "region %zu appears twice", region);
			found = &doc->regions[i];
		}
	ck_assert_msg(found != NULL, "region %zu missing", region);
	return found;
}

static const struct feed_endpoint *find_fe(const struct feed_region *fr, uint8_t family,
                                           const char *addr)
{
	uint8_t a[16] = {0};
	ck_assert_int_eq(inet_pton(family == 2 ? AF_INET6 : AF_INET, addr, a), 1);
	const struct feed_endpoint *found = NULL;
	for (size_t i = 0; i < fr->nendpoints; i++)
		if (fr->endpoints[i].family == family &&
		    memcmp(fr->endpoints[i].addr, a, 16) == 0) {
			ck_assert_msg(!found, "endpoint %s appears twice", addr);
			found = &fr->endpoints[i];
		}
	ck_assert_msg(found != NULL, "endpoint %s missing", addr);
	return found;
}

START_TEST(test_feed_valid_document)
{
	time_t now = time(NULL);
	char gen[64];
	fmt_time(now, gen, sizeof(gen));
	char *text =
	    doc_with_time(gen, "{\"us-east\": {\"healthy\": true, \"weight\": 40,"
	                       "  \"endpoints\": {\"192.0.2.11\": {\"healthy\": false},"
	                       "                 \"2001:db8::1\": {\"healthy\": true},"
	                       "                 \"192.0.2.12\": {\"healthy\": true}}},"
	                       " \"ap-south\": {\"healthy\": false, \"weight\": 0,"
	                       "  \"endpoints\": {\"2001:db8:0:1::5\": {\"healthy\": false}}}}");
	struct feed_doc doc;
	expect_accept(text, now, &doc);
	ck_assert_int_eq((long long)doc.generated_at, (long long)now);
	ck_assert_uint_eq(doc.nregions, 2);

	const struct feed_region *ue = find_fr(&doc, 0);
	ck_assert(ue->healthy);
	ck_assert_int_eq(ue->weight, 40);
	ck_assert_uint_eq(ue->nendpoints, 3);
	const struct feed_endpoint *e = find_fe(ue, 1, "192.0.2.11");
	ck_assert(!e->healthy);
	static const uint8_t v4[16] = {192, 0, 2, 11}; /* the rest zero: keys compare 16 bytes */
	ck_assert_mem_eq(e->addr, v4, 16);
	e = find_fe(ue, 1, "192.0.2.12");
	ck_assert(e->healthy);
	e = find_fe(ue, 2, "2001:db8::1");
	ck_assert(e->healthy);
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	ck_assert_mem_eq(e->addr, v6, 16);

	const struct feed_region *as = find_fr(&doc, 2);
	ck_assert(!as->healthy);
	ck_assert_int_eq(as->weight, 0);
	ck_assert_uint_eq(as->nendpoints, 1);
	ck_assert(!find_fe(as, 2, "2001:db8:0:1::5")->healthy);

	feed_doc_free(&doc);
	ck_assert_uint_eq(doc.nregions, 0);
	ck_assert_ptr_null(doc.regions);
	free(text);
}
END_TEST

START_TEST(test_feed_optional_fields)
{
	time_t now = base_time();
	struct feed_doc doc;
	/* no generated_at, no weight, no endpoints */
	expect_accept("{\"regions\": {\"eu-west\": {\"healthy\": true}}}", now, &doc);
	ck_assert_int_eq((long long)doc.generated_at, 0);
	ck_assert_uint_eq(doc.nregions, 1);
	ck_assert_uint_eq(doc.regions[0].region, 1);
	ck_assert(doc.regions[0].healthy);
	ck_assert_int_eq(doc.regions[0].weight, -1);
	ck_assert_uint_eq(doc.regions[0].nendpoints, 0);
	feed_doc_free(&doc);

	/* no regions listed at all: a valid, empty document */
	expect_accept("{\"regions\": {}}", now, &doc);
	ck_assert_uint_eq(doc.nregions, 0);
	feed_doc_free(&doc);

	/* weight bounds 0 and 100 are accepted; empty endpoints object */
	expect_accept("{\"regions\": {\"us-east\": {\"healthy\": false, \"weight\": 0},"
	              " \"eu-west\": {\"healthy\": true, \"weight\": 100, \"endpoints\": {}}}}",
	              now, &doc);
	ck_assert_uint_eq(doc.nregions, 2);
	ck_assert_int_eq(find_fr(&doc, 0)->weight, 0);
	ck_assert(!find_fr(&doc, 0)->healthy);
	ck_assert_int_eq(find_fr(&doc, 1)->weight, 100);
	ck_assert_uint_eq(find_fr(&doc, 1)->nendpoints, 0);
	feed_doc_free(&doc);
}
END_TEST

START_TEST(test_feed_unknown_keys_ignored)
{
	time_t now = base_time();
	char gen[64];
	fmt_time(now, gen, sizeof(gen));
	char text[1024];
	snprintf(text, sizeof(text),
	         "{\"version\": 3, \"meta\": {\"source\": [1, {\"x\": null}]},"
	         " \"generated_at\": \"%s\","
	         " \"regions\": {\"us-east\": {\"comment\": \"maintenance\", \"healthy\": true,"
	         "   \"weight\": 70, \"extra\": [true, false],"
	         "   \"endpoints\": {\"192.0.2.1\": {\"healthy\": false, \"why\": \"disk\","
	         "                                  \"since\": 12}}}},"
	         " \"trailer\": \"x\"}",
	         gen);
	struct feed_doc doc;
	expect_accept(text, now, &doc);
	ck_assert_int_eq((long long)doc.generated_at, (long long)now);
	ck_assert_uint_eq(doc.nregions, 1);
	const struct feed_region *fr = find_fr(&doc, 0);
	ck_assert(fr->healthy);
	ck_assert_int_eq(fr->weight, 70);
	ck_assert_uint_eq(fr->nendpoints, 1);
	ck_assert(!find_fe(fr, 1, "192.0.2.1")->healthy);
	feed_doc_free(&doc);

	/* moderately deep nesting inside an unknown key is fine */
	char deep[1024];
	int n = 0;
	n += snprintf(deep + n, sizeof(deep) - (size_t)n, "{\"junk\": ");
	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	for (int i = 0; i < 100; i++)
		deep[n++] = ']';
	snprintf(deep + n, sizeof(deep) - (size_t)n, ", \"regions\": {}}");
	expect_accept(deep, now, &doc);
	ck_assert_uint_eq(doc.nregions, 0);
	feed_doc_free(&doc);
}
END_TEST

START_TEST(test_feed_reject_json_and_types)
{
	time_t now = base_time();
	expect_reject("this is not json", now, "not_json");
	expect_reject("", now, "not_json");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true}}", now, "not_json");
	expect_reject("{\"regions\": {}} trailing", now, "not_json");
	expect_reject("[]", now, "wrong_type");
	expect_reject("[{\"regions\": {}}]", now, "wrong_type");
	expect_reject("{}", now, "wrong_type"); /* regions missing */
	expect_reject("{\"regions\": []}", now, "wrong_type");
	expect_reject("{\"regions\": \"us-east\"}", now, "wrong_type");
	expect_reject("{\"regions\": null}", now, "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": true}}", now, "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": {}}}", now, "wrong_type"); /* healthy missing */
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": \"true\"}}}", now, "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": 1}}}", now, "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": null}}}", now, "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true, \"weight\": \"50\"}}}", now,
	              "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true, \"weight\": 50.5}}}", now,
	              "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true, \"weight\": null}}}", now,
	              "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true, \"weight\": true}}}", now,
	              "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true, \"endpoints\": []}}}", now,
	              "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true,"
	              " \"endpoints\": {\"192.0.2.1\": {}}}}}",
	              now, "wrong_type"); /* endpoint healthy missing */
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true,"
	              " \"endpoints\": {\"192.0.2.1\": {\"healthy\": \"no\"}}}}}",
	              now, "wrong_type");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true,"
	              " \"endpoints\": {\"192.0.2.1\": false}}}}",
	              now, "wrong_type");
}
END_TEST

START_TEST(test_feed_reject_values)
{
	time_t now = base_time();
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true, \"weight\": -1}}}", now,
	              "bad_weight");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true, \"weight\": 101}}}", now,
	              "bad_weight");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true, \"weight\": 4294967396}}}",
	              now, "bad_weight");
	expect_reject("{\"regions\": {\"mars-north\": {\"healthy\": true}}}", now,
	              "unknown_region");
	expect_reject("{\"regions\": {\"US-EAST\": {\"healthy\": true}}}", now, "unknown_region");
	expect_reject("{\"regions\": {\"\": {\"healthy\": true}}}", now, "unknown_region");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true,"
	              " \"endpoints\": {\"server-1\": {\"healthy\": true}}}}}",
	              now, "bad_address");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true,"
	              " \"endpoints\": {\"192.0.2.300\": {\"healthy\": true}}}}}",
	              now, "bad_address");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true,"
	              " \"endpoints\": {\"192.0.2.0/24\": {\"healthy\": true}}}}}",
	              now, "bad_address");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true,"
	              " \"endpoints\": {\"\": {\"healthy\": true}}}}}",
	              now, "bad_address");
}
END_TEST

START_TEST(test_feed_reject_after_good_parts)
{
	/* a bad part after good regions and endpoints: rejected whole, the
	 * partly built doc is freed and left empty (ASan sees any leak or
	 * double free) */
	time_t now = base_time();
	expect_reject("{\"regions\": {"
	              " \"us-east\": {\"healthy\": true, \"weight\": 10,"
	              "   \"endpoints\": {\"192.0.2.1\": {\"healthy\": false}}},"
	              " \"eu-west\": {\"healthy\": true,"
	              "   \"endpoints\": {\"2001:db8::1\": {\"healthy\": true},"
	              "                   \"bogus\": {\"healthy\": true}}}}}",
	              now, "bad_address");
	expect_reject("{\"regions\": {"
	              " \"us-east\": {\"healthy\": true,"
	              "   \"endpoints\": {\"192.0.2.1\": {\"healthy\": false}}},"
	              " \"eu-west\": {\"healthy\": true, \"weight\": 200}}}",
	              now, "bad_weight");
	expect_reject("{\"regions\": {"
	              " \"us-east\": {\"healthy\": true,"
	              "   \"endpoints\": {\"192.0.2.1\": {\"healthy\": false}}},"
	              " \"nowhere\": {\"healthy\": true}}}",
	              now, "unknown_region");
}
END_TEST

START_TEST(test_feed_reject_duplicates)
{
	time_t now = base_time();
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true},"
	              " \"us-east\": {\"healthy\": false}}}",
	              now, "not_json");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true, \"weight\": 10,"
	              " \"weight\": 20}}}",
	              now, "not_json");
	expect_reject("{\"regions\": {\"us-east\": {\"healthy\": true, \"healthy\": false}}}", now,
	              "not_json");
	expect_reject(
	    "{\"regions\": {\"us-east\": {\"healthy\": true, \"endpoints\": {"
	    " \"192.0.2.1\": {\"healthy\": true}, \"192.0.2.1\": {\"healthy\": false}}}}}",
	    now, "not_json");
	expect_reject("{\"regions\": {}, \"regions\": {}}", now, "not_json");
}
END_TEST

START_TEST(test_feed_reject_too_large)
{
	time_t now = base_time();
	/* a valid document padded with spaces to 1 MiB + 1: rejected on size
	 * alone; exactly 1 MiB is accepted */
	static const char body[] = "{\"regions\": {\"us-east\": {\"healthy\": true}}}";
	size_t len = FEED_MAX_BYTES + 1;
	char *big = malloc(len + 1);
	memset(big, ' ', len);
	memcpy(big, body, strlen(body));
	big[len] = '\0';
	expect_reject_len(big, len, now, "too_large");

	struct feed_doc doc;
	const char *reason = NULL;
	char detail[256] = "";
	ck_assert(feed_parse(big, FEED_MAX_BYTES, &frt, now, MAX_AGE, &doc, &reason, detail,
	                     sizeof(detail)));
	ck_assert_uint_eq(doc.nregions, 1);
	feed_doc_free(&doc);
	free(big);
}
END_TEST

START_TEST(test_feed_reject_deep_nesting)
{
	/* 100000 levels inside an unknown key: jansson refuses past its depth
	 * limit instead of recursing off the stack */
	time_t now = base_time();
	enum { DEPTH = 100000 };
	static const char head[] = "{\"junk\": ";
	static const char tail[] = ", \"regions\": {\"us-east\": {\"healthy\": true}}}";
	size_t cap = sizeof(head) + 6 * (size_t)DEPTH + sizeof(tail) + 16;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	size_t n = (size_t)snprintf(text, cap, "%s", head);
	for (size_t i = 0; i < DEPTH; i++)
		text[n++] = '[';
	for (size_t i = 0; i < DEPTH; i++)
		text[n++] = ']';
	n += (size_t)snprintf(text + n, cap - n, "%s", tail);
	ck_assert_uint_eq(strlen(text), n);
	expect_reject(text, now, "not_json");

	/* the same depth as objects: {"a":{"a":...1...}} */
	n = (size_t)snprintf(text, cap, "%s", head);
	for (size_t i = 0; i < DEPTH; i++)
		n += (size_t)snprintf(text + n, cap - n, "{\"a\":");
	text[n++] = '1';
	for (size_t i = 0; i < DEPTH; i++)
		text[n++] = '}';
	n += (size_t)snprintf(text + n, cap - n, "%s", tail);
	ck_assert_uint_lt(n, cap);
	ck_assert_uint_eq(strlen(text), n);
	expect_reject(text, now, "not_json");
	free(text);
}
END_TEST

START_TEST(test_feed_time_window)
{
	time_t now = base_time();
	static const char regions[] = "{\"us-east\": {\"healthy\": true}}";
	char gen[64];
	struct feed_doc doc;

	fmt_time(now - MAX_AGE - 1, gen, sizeof(gen));
	char *text = doc_with_time(gen, regions);
	expect_reject(text, now, "stale");
	free(text);

	fmt_time(now - MAX_AGE, gen, sizeof(gen)); /* exactly max_age old */
	text = doc_with_time(gen, regions);
	expect_accept(text, now, &doc);
	ck_assert_int_eq((long long)doc.generated_at, (long long)(now - MAX_AGE));
	ck_assert_uint_eq(doc.nregions, 1);
	feed_doc_free(&doc);
	free(text);

	fmt_time(now - 86400 * 365, gen, sizeof(gen)); /* a year old */
	text = doc_with_time(gen, regions);
	expect_reject(text, now, "stale");
	free(text);

	fmt_time(now + MAX_AGE, gen, sizeof(gen)); /* clock skew within max_age */
	text = doc_with_time(gen, regions);
	expect_accept(text, now, &doc);
	ck_assert_int_eq((long long)doc.generated_at, (long long)(now + MAX_AGE));
	feed_doc_free(&doc);
	free(text);

	fmt_time(now + MAX_AGE + 1, gen, sizeof(gen));
	text = doc_with_time(gen, regions);
	expect_reject(text, now, "bad_time");
	free(text);

	fmt_time(now + 86400, gen, sizeof(gen));
	text = doc_with_time(gen, regions);
	expect_reject(text, now, "bad_time");
	free(text);
}
END_TEST

START_TEST(test_feed_time_formats)
{
	time_t now = base_time();
	static const char regions[] = "{\"us-east\": {\"healthy\": true}}";
	static const char *const bad[] = {
	    "2026-11-27 20:00:00",
	    "2026-11-27 20:00:00Z",
	    "2026-11-27T20:00:00+01:00",
	    "2026-11-27T20:00:00-05:00",
	    "2026-11-27T20:00:00",
	    "2026-11-27T20:00:00Zjunk",
	    "2026-11-27T20:00:00.Z",
	    "2026-11-27",
	    "yesterday",
	    "",
	    NULL,
	};
	for (int i = 0; bad[i]; i++) {
		char *text = doc_with_time(bad[i], regions);
		expect_reject(text, now, "bad_time");
		free(text);
	}
	/* not a string */
	expect_reject("{\"generated_at\": 1795809600, \"regions\": {}}", now, "bad_time");
	expect_reject("{\"generated_at\": null, \"regions\": {}}", now, "bad_time");

	static const char *const good[] = {
	    "2026-11-27T20:00:00Z",
	    "2026-11-27T20:00:00.123Z",
	    "2026-11-27T20:00:00.5Z",
	    "2026-11-27T20:00:00+00:00",
	    NULL,
	};
	for (int i = 0; good[i]; i++) {
		char *text = doc_with_time(good[i], regions);
		struct feed_doc doc;
		expect_accept(text, now, &doc);
		ck_assert_msg(doc.generated_at == now, "%s: generated_at %lld, want %lld", good[i],
		              (long long)doc.generated_at, (long long)now);
		feed_doc_free(&doc);
		free(text);
	}
}
END_TEST

START_TEST(test_feed_time_not_rfc3339)
{
	/* health.c parses "RFC 3339 UTC: 2026-11-27T20:00:00Z, optional fraction,
	 * Z or +00:00": two-digit fields, no blanks, seconds up to 60 (a leap
	 * second). Each of these denotes a time within the window when read
	 * leniently, so only the format can reject them. */
	time_t now = base_time();
	static const char regions[] = "{\"us-east\": {\"healthy\": true}}";
	static const char *const bad[] = {
	    " 2026-11-27T20:00:00Z", /* leading blank */
	    "2026-11-27T20: 0: 0Z",  /* blank-padded fields */
	    "2026-11-27T20:0:0Z",    /* one-digit minute and second */
	    "2026-11-27T19:59:61Z",  /* second 61 (20:00:01 when normalized) */
	    NULL,
	};
	char accepted[512] = "";
	for (int i = 0; bad[i]; i++) {
		char *text = doc_with_time(bad[i], regions);
		struct feed_doc doc;
		const char *reason = NULL;
		char detail[256];
		if (feed_parse(text, strlen(text), &frt, now, MAX_AGE, &doc, &reason, detail,
		               sizeof(detail))) {
			size_t n = strlen(accepted);
			snprintf(accepted + n, sizeof(accepted) - n, " \"%s\"", bad[i]);
			feed_doc_free(&doc);
		} else if (strcmp(reason, "bad_time") != 0) {
			ck_abort_msg("\"%s\": reason %s, want bad_time", bad[i], reason);
		}
		free(text);
	}
	ck_assert_msg(accepted[0] == '\0', "accepted as generated_at:%s", accepted);
}
END_TEST

START_TEST(test_feed_detail_truncated)
{
	/* a small detail buffer is still NUL terminated */
	struct feed_doc doc;
	const char *reason = NULL;
	char detail[8];
	memset(detail, 'X', sizeof(detail));
	const char *text = "{\"regions\": {\"a-very-long-region-name\": {\"healthy\": true}}}";
	ck_assert(!feed_parse(text, strlen(text), &frt, base_time(), MAX_AGE, &doc, &reason, detail,
	                      sizeof(detail)));
	ck_assert_str_eq(reason, "unknown_region");
	ck_assert_uint_eq(strnlen(detail, sizeof(detail)), sizeof(detail) - 1);
}
END_TEST

/* ====================================================================== */
/* snapshot publication under concurrent readers (liburcu memb)           */
/* ====================================================================== */

/*
 * ThreadSanitizer cannot see liburcu's own synchronization: the distro's
 * liburcu (0.13) is not instrumented, publishes with plain stores behind
 * inline-asm fences and waits for readers with membarrier() and futexes.
 * Under TSan the test states the two orderings liburcu guarantees, and only
 * those:
 *  - publication: what the writer wrote before rcu_assign_pointer() is
 *    visible to a reader that rcu_dereference()s the pointer;
 *  - grace period: a read-side section that has ended happens before
 *    urcu_memb_synchronize_rcu() returns.
 * The reader releases just before each read_unlock, so its reads inside a
 * section that is still running are NOT ordered before the writer's free:
 * a reclamation that did not wait for a reader is still reported as a race
 * (and under ASan, which needs no annotation, as a use after free).
 */
#if defined(__SANITIZE_THREAD__)
#define PUB_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PUB_TSAN 1
#endif
#endif
#ifdef PUB_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
static char tsan_grace_period;
#define PUB_PUBLISHED(p) __tsan_release((void *)(p))
#define PUB_DEREFERENCED(p) __tsan_acquire((void *)(p))
#define PUB_SECTION_END() __tsan_release(&tsan_grace_period)
#define PUB_GRACE_PERIOD_DONE() __tsan_acquire(&tsan_grace_period)
#else
#define PUB_PUBLISHED(p) ((void)0)
#define PUB_DEREFERENCED(p) ((void)0)
#define PUB_SECTION_END() ((void)0)
#define PUB_GRACE_PERIOD_DONE() ((void)0)
#endif

#define PUB_REGIONS 8
#define PUB_ROUNDS 2000
#define PUB_READERS 2

static struct health_snapshot *shared_hs;
static atomic_int readers_ready;
static atomic_bool writer_done;

struct reader_result {
	unsigned long reads;
	unsigned long inconsistent; /* regions disagreeing, wrong shape */
	unsigned long backwards;    /* a generation older than one seen before */
	unsigned long changes;      /* generation different from the previous read */
	uint64_t first, last;
};

static void gen_addr(uint64_t gen, uint8_t *a)
{
	a[0] = (uint8_t)(gen >> 24);
	a[1] = (uint8_t)(gen >> 16);
	a[2] = (uint8_t)(gen >> 8);
	a[3] = (uint8_t)gen;
}

/* Every region has weight generation % 101, up = generation odd, and one
 * down endpoint: the IPv4 address made of the generation. */
static struct health_snapshot *make_hs(uint64_t gen)
{
	struct health_snapshot *hs = calloc(1, sizeof(*hs));
	hs->generation = gen;
	hs->n = PUB_REGIONS;
	hs->regions = calloc(PUB_REGIONS, sizeof(struct health_region));
	for (size_t i = 0; i < PUB_REGIONS; i++) {
		uint8_t(*d)[17] = calloc(1, 17);
		d[0][0] = 1;
		gen_addr(gen, d[0] + 1);
		hs->regions[i].weight = (uint8_t)(gen % 101);
		hs->regions[i].up = gen & 1;
		hs->regions[i].ndown = 1;
		hs->regions[i].down = (const uint8_t(*)[17])d;
	}
	return hs;
}

static void *pub_reader(void *arg)
{
	struct reader_result *res = arg;
	urcu_memb_register_thread();
	atomic_fetch_add(&readers_ready, 1);
	uint64_t prev = 0;
	/* bounded by the writer's fixed rounds; the cap is a safety net */
	for (unsigned long k = 0; k < 200000000ul; k++) {
		bool done = atomic_load(&writer_done);
		urcu_memb_read_lock();
		const struct health_snapshot *hs = rcu_dereference(shared_hs);
		PUB_DEREFERENCED(hs);
		uint64_t gen = hs->generation;
		bool bad = hs->n != PUB_REGIONS || gen == 0 || gen > PUB_ROUNDS + 1;
		uint8_t w = hs->n ? hs->regions[0].weight : 0;
		bad |= w != gen % 101;
		uint8_t addr[4], other[4];
		gen_addr(gen, addr);
		gen_addr(gen + 1, other);
		for (size_t i = 0; i < hs->n && i < PUB_REGIONS; i++) {
			const struct health_region *r = &hs->regions[i];
			bad |= r->weight != w || r->up != (bool)(gen & 1) || r->ndown != 1;
			bad |= health_endpoint_up(hs, i, 1, addr);   /* must be down */
			bad |= !health_endpoint_up(hs, i, 1, other); /* must be up */
		}
		PUB_SECTION_END();
		urcu_memb_read_unlock();
		res->reads++;
		res->inconsistent += bad;
		if (res->reads == 1)
			res->first = gen;
		else if (gen < prev)
			res->backwards++;
		else if (gen != prev)
			res->changes++;
		prev = gen;
		res->last = gen;
		if (done)
			break; /* one more read after the last publication */
		if ((k & 1023) == 0)
			sched_yield();
	}
	urcu_memb_unregister_thread();
	return NULL;
}

static void *pub_writer(void *arg)
{
	(void)arg;
	/* wait (bounded) until both readers are registered and reading */
	for (int i = 0; i < 5000 && atomic_load(&readers_ready) < PUB_READERS; i++) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	for (uint64_t gen = 2; gen <= PUB_ROUNDS + 1; gen++) {
		struct health_snapshot *hs = make_hs(gen);
		struct health_snapshot *old = shared_hs; /* the only writer */
		PUB_PUBLISHED(hs);
		rcu_assign_pointer(shared_hs, hs);
		urcu_memb_synchronize_rcu();
		PUB_GRACE_PERIOD_DONE();
		health_snapshot_free(old);
		if ((gen & 63) == 0)
			sched_yield();
	}
	atomic_store(&writer_done, true);
	return NULL;
}

START_TEST(test_publish_concurrent_readers)
{
	shared_hs = make_hs(1);
	atomic_store(&readers_ready, 0);
	atomic_store(&writer_done, false);
	struct reader_result res[PUB_READERS];
	memset(res, 0, sizeof(res));
	pthread_t rd[PUB_READERS], wr;
	for (int i = 0; i < PUB_READERS; i++)
		ck_assert_int_eq(pthread_create(&rd[i], NULL, pub_reader, &res[i]), 0);
	ck_assert_int_eq(pthread_create(&wr, NULL, pub_writer, NULL), 0);
	ck_assert_int_eq(pthread_join(wr, NULL), 0);
	for (int i = 0; i < PUB_READERS; i++)
		ck_assert_int_eq(pthread_join(rd[i], NULL), 0);
	ck_assert_int_eq(atomic_load(&readers_ready), PUB_READERS);
	ck_assert_uint_eq(shared_hs->generation, PUB_ROUNDS + 1);
	for (int i = 0; i < PUB_READERS; i++) {
		fprintf(stderr, "reader %d: %lu reads, %lu generation changes, %llu..%llu\n", i,
		        res[i].reads, res[i].changes, (unsigned long long)res[i].first,
		        (unsigned long long)res[i].last);
		ck_assert_uint_eq(res[i].inconsistent, 0);
		ck_assert_uint_eq(res[i].backwards, 0);
		ck_assert_uint_gt(res[i].reads, 0);
		ck_assert_uint_ge(res[i].changes, 1); /* saw different generations */
		/* read after the writer was done: the last generation */
		ck_assert_uint_eq(res[i].last, PUB_ROUNDS + 1);
	}
	ck_assert_uint_ge(res[0].changes + res[1].changes, 10);
	health_snapshot_free(shared_hs);
	shared_hs = NULL;
}
END_TEST

/* ====================================================================== */
/* the prober: nothing a feed does blocks it                               */
/* ====================================================================== */

/* What the prober published last, for the test thread. */
struct published {
	pthread_mutex_t lock;
	unsigned count;
	uint8_t weight[2];
	struct health_snapshot *last; /* under lock; freed by prober_stop */
};

static void on_publish(struct health_snapshot *hs, void *arg)
{
	struct published *p = arg;
	pthread_mutex_lock(&p->lock);
	p->count++;
	for (size_t i = 0; i < 2 && i < hs->n; i++)
		p->weight[i] = hs->regions[i].weight;
	health_snapshot_free(p->last);
	p->last = hs;
	pthread_mutex_unlock(&p->lock);
}

static uint8_t published_weight(struct published *p, size_t region)
{
	pthread_mutex_lock(&p->lock);
	uint8_t w = p->weight[region];
	pthread_mutex_unlock(&p->lock);
	return w;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Wait (at most max_s, polling every 10 ms) until /status names the feed
 * state want; the seconds it took, or -1. */
static double wait_feed_state(struct health *hp, const char *want, double max_s)
{
	char needle[96];
	snprintf(needle, sizeof(needle), "\"feed_state\": \"%s\"", want);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (seconds_since(&t0) < max_s) {
		struct strbuf sb;
		sb_init(&sb);
		health_status_json(hp, &sb);
		bool found = strstr(sb.buf, needle) != NULL;
		sb_free(&sb);
		if (found)
			return seconds_since(&t0);
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* Drain region 1 and wait (at most 1 s) for the snapshot saying so; the
 * seconds it took, or -1. */
static double drain_published(struct health *hp, struct published *pub)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(health_drain(hp, "plain", true), GD_OK);
	while (seconds_since(&t0) < 1.0) {
		if (published_weight(pub, 1) == 0)
			return seconds_since(&t0);
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* Start the prober on a config of two regions: "fed" with the given feed
 * (and health settings), "plain" without a feed. The config is written to
 * tests/tmp/unit/, so a "file:NAME" feed or a state file written there by
 * unit_write_file is named by its name alone (relative paths are taken
 * from the configuration's directory). */
static struct health *prober_start(const char *feed, const char *health, struct config **cfgp,
                                   struct region_table *rt, struct published *pub)
{
	char text[1024];
	snprintf(text, sizeof(text),
	         "{ \"regions\": { \"fed\": { \"location\": [38.9, -77.0], \"feed\": \"%s\" },\n"
	         "  \"plain\": { \"location\": [53.3, -6.3] } },\n"
	         "  \"health\": { %s } }\n",
	         feed, health);
	struct diag d = {0};
	struct config *cfg = config_load(unit_write_file("prober.conf", text), &d);
	for (size_t i = 0; i < d.count; i++)
		fprintf(stderr, "  diag: %s\n", d.msgs[i]);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.errors, 0);
	diag_free(&d);
	ck_assert_uint_eq(cfg->nregions, 2);
	rt->n = 2;
	rt->regions = calloc(2, sizeof(struct region));
	for (size_t i = 0; i < 2; i++)
		rt->regions[i] =
		    (struct region){cfg->regions[i].name, cfg->regions[i].lat, cfg->regions[i].lon};
	memset(pub, 0, sizeof(*pub));
	pthread_mutex_init(&pub->lock, NULL);
	struct health *hp = health_run(health_create(cfg, rt, on_publish, pub));
	ck_assert_ptr_nonnull(hp);
	/* the start-up state, before it returned (a feed read may follow at once) */
	pthread_mutex_lock(&pub->lock);
	unsigned count = pub->count;
	pthread_mutex_unlock(&pub->lock);
	ck_assert_uint_ge(count, 1);
	ck_assert_uint_eq(published_weight(pub, 1), 100);
	*cfgp = cfg;
	return hp;
}

static void prober_stop(struct health *hp, struct config *cfg, struct region_table *rt,
                        struct published *pub)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	health_stop(hp);
	ck_assert_double_lt(seconds_since(&t0), 1.0);
	free(rt->regions);
	config_free(cfg);
	health_snapshot_free(pub->last);
	pthread_mutex_destroy(&pub->lock);
}

/* A FIFO as the feed file: refused at once (its open or read would wait
 * for a writer forever and hold the thread); a drain is published at once
 * and health_stop returns. */
START_TEST(test_prober_fifo_feed_refused)
{
	const char *fifo = "tests/tmp/unit/prober.fifo";
	mkdir("tests/tmp", 0755);
	mkdir("tests/tmp/unit", 0755);
	unlink(fifo);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	struct config *cfg;
	struct region_table rt;
	struct published pub;
	struct health *hp = prober_start("file:prober.fifo", "\"interval\": 1", &cfg, &rt, &pub);
	double t = wait_feed_state(hp, "not_regular_file", 3.0);
	ck_assert_msg(t >= 0, "the FIFO feed was not refused within 3 s");
	t = drain_published(hp, &pub);
	ck_assert_msg(t >= 0, "a drain was not published within 1 s");
	prober_stop(hp, cfg, &rt, &pub);
	unlink(fifo);
}
END_TEST

/* A resolver that never answers (a UDP socket nobody reads): the poll ends
 * at its deadline (feed_timeout, 1 s) with the lookup cancelled, and a
 * drain is published at once all the while. */
START_TEST(test_prober_silent_resolver)
{
	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	ck_assert_int_eq(bind(udp, (struct sockaddr *)&sa, sizeof(sa)), 0);
	socklen_t sl = sizeof(sa);
	ck_assert_int_eq(getsockname(udp, (struct sockaddr *)&sa, &sl), 0);
	char health[128];
	snprintf(health, sizeof(health),
	         "\"interval\": 1, \"timeout\": 1, \"resolver\": \"127.0.0.1:%u\"",
	         ntohs(sa.sin_port));
	struct config *cfg;
	struct region_table rt;
	struct published pub;
	struct health *hp =
	    prober_start("http://feed.example.invalid:8080/f.json", health, &cfg, &rt, &pub);
	char resolver[32];
	snprintf(resolver, sizeof(resolver), "127.0.0.1:%u", ntohs(sa.sin_port));
	ck_assert_str_eq(cfg->health_resolver, resolver);
	double t = drain_published(hp, &pub);
	ck_assert_msg(t >= 0, "a drain was not published within 1 s");
	t = wait_feed_state(hp, "feed_timeout", 2.5);
	ck_assert_msg(t >= 0, "no feed_timeout within 2.5 s");
	prober_stop(hp, cfg, &rt, &pub);
	close(udp);
}
END_TEST

/* ====================================================================== */
/* the published down lists: built once per snapshot, searched per answer  */
/* ====================================================================== */

/* Is the endpoint (address text) up in region r of the last snapshot? */
static bool published_up(struct published *pub, size_t region, const char *addr)
{
	uint8_t key[17];
	ck_assert_int_eq(health_endpoint_key(addr, key), GD_OK);
	pthread_mutex_lock(&pub->lock);
	bool up = health_endpoint_up(pub->last, region, key[0], key + 1);
	pthread_mutex_unlock(&pub->lock);
	return up;
}

/* A copy of the down list of region r of the last snapshot (the caller
 * frees it), so that no assertion fails with the lock held. */
static uint8_t (*published_down(struct published *pub, size_t region, size_t *n))[17]
{
	pthread_mutex_lock(&pub->lock);
	const struct health_region *r = &pub->last->regions[region];
	*n = r->ndown;
	uint8_t(*d)[17] = malloc(*n * 17 + 1);
	if (*n)
		memcpy(d, r->down, *n * 17);
	pthread_mutex_unlock(&pub->lock);
	return d;
}

/* The down list of region r of the last snapshot is exactly want[], in
 * ascending key order (want[] is given in that order). */
static void expect_down_list(struct published *pub, size_t region, const char *const want[],
                             size_t n)
{
	size_t ndown;
	uint8_t(*d)[17] = published_down(pub, region, &ndown);
	ck_assert_uint_eq(ndown, n);
	for (size_t i = 0; i < n; i++) {
		uint8_t key[17];
		ck_assert_int_eq(health_endpoint_key(want[i], key), GD_OK);
		ck_assert_msg(memcmp(d[i], key, 17) == 0, "region %zu down[%zu] is not %s", region,
		              i, want[i]);
	}
	free(d);
}

#define MANY_DOWN 70000

/* The address of the i-th of MANY_DOWN endpoints: 10.1.0.0 up. */
static void many_addr(unsigned i, char *buf, size_t cap)
{
	snprintf(buf, cap, "10.%u.%u.%u", 1 + i / 65536, (i / 256) % 256, i % 256);
}

/* 70,000 endpoints forced down (from the state file, in shuffled order):
 * every one of them is down in every region, the count does not wrap at
 * 65,535, and the list is sorted without duplicates. */
START_TEST(test_snapshot_many_down)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "{ \"drained\": [], \"endpoints\": {");
	for (unsigned k = 0; k < MANY_DOWN; k++) {
		char a[32];
		many_addr((unsigned)((k * 7919ull) % MANY_DOWN), a, sizeof(a)); /* a permutation */
		sb_printf(&sb, "%s\"%s\": \"down\"", k ? ", " : "", a);
	}
	sb_puts(&sb, "} }\n");
	const char *state = unit_write_file("many-down.state", sb.buf);
	sb_free(&sb);
	const char *health = "\"interval\": 60, \"state_file\": \"many-down.state\"";
	struct config *cfg;
	struct region_table rt;
	struct published pub;
	struct health *hp = prober_start("file:no-such-feed.json", health, &cfg, &rt, &pub);
	char first[32], middle[32], last[32];
	many_addr(0, first, sizeof(first));
	many_addr(MANY_DOWN / 2 + 1, middle, sizeof(middle));
	many_addr(MANY_DOWN - 1, last, sizeof(last));
	ck_assert_str_eq(last, "10.2.17.111");
	for (size_t r = 0; r < 2; r++) {
		size_t ndown;
		uint8_t(*d)[17] = published_down(&pub, r, &ndown);
		ck_assert_uint_eq(ndown, MANY_DOWN);
		for (size_t i = 1; i < ndown; i++)
			ck_assert_int_lt(memcmp(d[i - 1], d[i], 17), 0);
		free(d);
		ck_assert(!published_up(&pub, r, first));
		ck_assert(!published_up(&pub, r, middle));
		ck_assert(!published_up(&pub, r, last));
		ck_assert(published_up(&pub, r, "10.2.17.112"));  /* just past the last */
		ck_assert(published_up(&pub, r, "10.0.255.255")); /* just before the first */
		ck_assert(published_up(&pub, r, "::a01:0"));      /* 10.1.0.0's bytes, IPv6 */
	}
	prober_stop(hp, cfg, &rt, &pub);
	unlink(state);
}
END_TEST

/* Overrides over a feed's states, endpoint by endpoint: forced down is down,
 * forced up is up whatever the feed says, auto (an override taken back)
 * follows the feed, and a forced down endpoint the feed does not list is
 * down in every region. The lists are sorted and hold each endpoint once. */
START_TEST(test_snapshot_overrides_over_feed)
{
	/* listed in the feed, in no particular order: F E D C B A G */
	unit_write_file(
	    "overrides-feed.json",
	    "{ \"regions\": { \"fed\": { \"healthy\": true, \"endpoints\": {\n"
	    "  \"192.0.2.6\": { \"healthy\": false }, \"192.0.2.5\": { \"healthy\": false },\n"
	    "  \"192.0.2.4\": { \"healthy\": true }, \"192.0.2.3\": { \"healthy\": true },\n"
	    "  \"192.0.2.2\": { \"healthy\": false }, \"192.0.2.1\": { \"healthy\": false },\n"
	    "  \"192.0.2.7\": { \"healthy\": true } } } } }\n");
	struct config *cfg;
	struct region_table rt;
	struct published pub;
	struct health *hp =
	    prober_start("file:overrides-feed.json",
	                 "\"interval\": 1, \"down_after\": 1, \"up_after\": 1", &cfg, &rt, &pub);
	ck_assert_msg(wait_feed_state(hp, "ok", 3.0) >= 0, "the feed was not read within 3 s");
	static const struct {
		const char *addr;
		int state;
	} ops[] = {
	    {"2001:db8::1", 0},  /* J: not listed, down */
	    {"198.51.100.1", 0}, /* H: not listed, down */
	    {"198.51.100.2", 1}, /* I: not listed, up */
	    {"192.0.2.2", 1},    /* B: feed down, forced up */
	    {"192.0.2.5", 0},    /* E: feed down, forced down too */
	    {"192.0.2.6", 0},    /* F: feed down, forced down, then auto */
	    {"192.0.2.7", 0},    /* G: feed up, forced down, then auto */
	    {"192.0.2.6", -1},    {"192.0.2.7", -1},
	    {"198.51.100.3", 1},                    /* K: up, then auto: never down */
	    {"198.51.100.3", -1}, {"192.0.2.3", 0}, /* C: feed up, forced down; the last change */
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		uint8_t key[17];
		ck_assert_int_eq(health_endpoint_key(ops[i].addr, key), GD_OK);
		ck_assert_int_eq(health_endpoint_override(hp, key, ops[i].state), GD_OK);
	}
	/* snapshots are built in order: once C is down, all the rest is in */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (published_up(&pub, 0, "192.0.2.3") && seconds_since(&t0) < 2.0) {
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
	static const struct {
		const char *addr;
		bool up_fed, up_plain;
	} want[] = {
	    {"192.0.2.1", false, true},     /* A: feed down */
	    {"192.0.2.2", true, true},      /* B: forced up over the feed */
	    {"192.0.2.3", false, false},    /* C: forced down over the feed */
	    {"192.0.2.4", true, true},      /* D: feed up */
	    {"192.0.2.5", false, false},    /* E: both */
	    {"192.0.2.6", false, true},     /* F: auto, the feed says down */
	    {"192.0.2.7", true, true},      /* G: auto, the feed says up */
	    {"198.51.100.1", false, false}, /* H: forced down, not listed */
	    {"198.51.100.2", true, true},   /* I: forced up, not listed */
	    {"198.51.100.3", true, true},   /* K: no override left */
	    {"2001:db8::1", false, false},  /* J */
	    {"2001:db8::2", true, true},    /* never named */
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_msg(published_up(&pub, 0, want[i].addr) == want[i].up_fed,
		              "%s in fed: want %s", want[i].addr, want[i].up_fed ? "up" : "down");
		ck_assert_msg(published_up(&pub, 1, want[i].addr) == want[i].up_plain,
		              "%s in plain: want %s", want[i].addr,
		              want[i].up_plain ? "up" : "down");
	}
	static const char *const down_fed[] = {"192.0.2.1", "192.0.2.3",    "192.0.2.5",
	                                       "192.0.2.6", "198.51.100.1", "2001:db8::1"};
	static const char *const down_plain[] = {"192.0.2.3", "192.0.2.5", "198.51.100.1",
	                                         "2001:db8::1"};
	expect_down_list(&pub, 0, down_fed, 6);
	expect_down_list(&pub, 1, down_plain, 4);
	prober_stop(hp, cfg, &rt, &pub);
}
END_TEST

/* ====================================================================== */
/* the prober's endpoint state: bounded by what the last documents named   */
/* ====================================================================== */

#define INVENTED 2000

/* Write the feed document for region "fed" (endpoints: pairs, then
 * INVENTED healthy addresses 10.<net>.x.y unless net is 0), by rename. */
static void write_feed(const char *path, const char *pairs, unsigned net)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "{ \"regions\": { \"fed\": { \"healthy\": true, \"endpoints\": { %s",
	          pairs);
	for (unsigned i = 0; net && i < INVENTED; i++)
		sb_printf(&sb, "%s\"10.%u.%u.%u\": { \"healthy\": true }", *pairs || i ? ", " : "",
		          net, i / 256, i % 256);
	sb_puts(&sb, " } } } }\n");
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	fputs(sb.buf, f);
	fclose(f);
	ck_assert_int_eq(rename(tmp, path), 0);
	sb_free(&sb);
}

/* The "endpoints" object of region "fed" in /status as the prober has it. */
static char *fed_endpoints(struct health *hp)
{
	struct strbuf sb;
	sb_init(&sb);
	health_status_json(hp, &sb);
	const char *a = strstr(sb.buf, "\"endpoints\": {");
	ck_assert_ptr_nonnull(a);
	a += strlen("\"endpoints\": {");
	/* fed's block ends where plain's begins, with " } }" closing the
	 * endpoints and the region */
	const char *b = strstr(a, ",\n    \"plain\"");
	ck_assert_ptr_nonnull(b);
	ck_assert(b - a >= 4 && strncmp(b - 4, " } }", 4) == 0);
	char *out = strndup(a, (size_t)(b - 4 - a));
	sb_free(&sb);
	return out;
}

/* Wait (at most 4 s) until region fed's endpoints in /status are want. */
static void expect_fed_endpoints(struct health *hp, const char *want)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *got = fed_endpoints(hp);
	while (strcmp(got, want) != 0 && seconds_since(&t0) < 4.0) {
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
		free(got);
		got = fed_endpoints(hp);
	}
	ck_assert_msg(strcmp(got, want) == 0, "endpoints of fed: want %.300s..., got %.300s...",
	              want, got);
	free(got);
}

/* Whether addr is up in region of the last published snapshot, once it is
 * want or after 1 s. The prober publishes just after /status shows a
 * change (outside its lock), so a check made right after /status must
 * wait for the snapshot. */
static bool published_up_within(struct published *pub, size_t region, const char *addr, bool want)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (published_up(pub, region, addr) != want && seconds_since(&t0) < 1.0) {
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
	return published_up(pub, region, addr);
}

/* Expect fed's endpoints in /status: the invented addresses of net, up,
 * then 192.0.2.1 down and 192.0.2.<last> up. */
static void expect_invented_and(struct health *hp, unsigned net, unsigned last)
{
	struct strbuf sb;
	sb_init(&sb);
	for (unsigned i = 0; i < INVENTED; i++)
		sb_printf(&sb, "%s \"10.%u.%u.%u\": { \"state\": \"up\", \"why\": \"feed\" }",
		          i ? "," : "", net, i / 256, i % 256);
	sb_printf(&sb,
	          ", \"192.0.2.1\": { \"state\": \"down\", \"why\": \"feed\" }, "
	          "\"192.0.2.%u\": { \"state\": \"up\", \"why\": \"feed\" }",
	          last);
	expect_fed_endpoints(hp, sb.buf);
	sb_free(&sb);
}

/* A feed that invents new addresses every poll does not grow the prober's
 * state: an endpoint the document no longer names takes a healthy check and
 * is forgotten once up; one still down is kept until it is up. (It kept
 * every address ever named, and matched documents against the state
 * endpoint by endpoint: a hostile feed grew memory and lock time without
 * bound.) */
START_TEST(test_feed_state_bounded)
{
	const char *feed = unit_write_file("bounded-feed.json", "{}");
	const char *spec = "file:bounded-feed.json";
	write_feed(feed,
	           "\"192.0.2.1\": { \"healthy\": false }, \"192.0.2.2\": { \"healthy\": true }",
	           9);
	struct config *cfg;
	struct region_table rt;
	struct published pub;
	struct health *hp = prober_start(
	    spec, "\"interval\": 1, \"down_after\": 1, \"up_after\": 2", &cfg, &rt, &pub);
	expect_invented_and(hp, 9, 2);
	ck_assert(!published_up_within(&pub, 0, "192.0.2.1", false));

	/* the next document names other addresses: 192.0.2.1 is still down
	 * (one healthy check of up_after 2), the rest of the first is gone */
	write_feed(feed, "\"192.0.2.3\": { \"healthy\": true }", 8);
	expect_invented_and(hp, 8, 3);
	ck_assert(!published_up(&pub, 0, "192.0.2.1"));

	/* none named: 192.0.2.1 comes up and nothing is left */
	write_feed(feed, "", 0);
	expect_fed_endpoints(hp, "");
	ck_assert(published_up_within(&pub, 0, "192.0.2.1", true));
	size_t ndown;
	free(published_down(&pub, 0, &ndown));
	ck_assert_uint_eq(ndown, 0);
	prober_stop(hp, cfg, &rt, &pub);
}
END_TEST

/* An address written twice in one document (::1 and 0::1) takes both
 * checks, in the document's order, as one endpoint. */
START_TEST(test_feed_address_twice)
{
	unit_write_file("twice-feed.json",
	                "{ \"regions\": { \"fed\": { \"healthy\": true, \"endpoints\": {\n"
	                "  \"2001:db8::1\": { \"healthy\": false },\n"
	                "  \"2001:db8:0::1\": { \"healthy\": false } } } } }\n");
	struct config *cfg;
	struct region_table rt;
	struct published pub;
	/* down after two failed checks: both spellings count */
	struct health *hp =
	    prober_start("file:twice-feed.json",
	                 "\"interval\": 60, \"down_after\": 2, \"up_after\": 1", &cfg, &rt, &pub);
	expect_fed_endpoints(hp, " \"2001:db8::1\": { \"state\": \"down\", \"why\": \"feed\" }");
	prober_stop(hp, cfg, &rt, &pub);
}
END_TEST

/* health.resolver: an address with an optional port, checked with the
 * file:line of the value. */
START_TEST(test_config_resolver)
{
	struct diag d = {0};
	const char *path =
	    unit_write_file("resolver.conf", "{\n  \"health\": {\n"
	                                     "    \"resolver\": \"ns.example\" } }\n");
	struct config *cfg = config_load(path, &d);
	ck_assert_uint_eq(d.errors, 1);
	char want[512];
	snprintf(want, sizeof(want),
	         "%s:3:17: health.resolver: \"ns.example\" is not an address such as "
	         "127.0.0.1:53",
	         path);
	ck_assert_str_eq(d.msgs[0], want);
	config_free(cfg);
	diag_free(&d);
	static const char *const good[] = {"127.0.0.1", "127.0.0.1:5353", "[::1]:53", "::1"};
	for (size_t i = 0; i < 4; i++) {
		char text[128];
		snprintf(text, sizeof(text), "{ \"health\": { \"resolver\": \"%s\" } }", good[i]);
		cfg = config_load(unit_write_file("resolver.conf", text), &d);
		ck_assert_uint_eq(d.errors, 0);
		ck_assert_str_eq(cfg->health_resolver, good[i]);
		config_free(cfg);
	}
	cfg = config_load(
	    unit_write_file("resolver.conf", "{ \"health\": { \"resolver\": \"127.0.0.1:0\" } }"),
	    &d);
	ck_assert_uint_eq(d.errors, 1);
	config_free(cfg);
	diag_free(&d);
}
END_TEST

Suite *health_suite(void)
{
	Suite *s = suite_create("health");
	TCase *tc = tcase_create("hysteresis");
	tcase_add_test(tc, test_hyst_up_stays_up_on_ok);
	tcase_add_test(tc, test_hyst_goes_down_on_third_failure);
	tcase_add_test(tc, test_hyst_ok_resets_failures);
	tcase_add_test(tc, test_hyst_down_comes_up_on_second_ok);
	tcase_add_test(tc, test_hyst_down_stays_down_on_failure);
	tcase_add_test(tc, test_hyst_failure_resets_oks);
	tcase_add_test(tc, test_hyst_immediate_flips);
	tcase_add_test(tc, test_hyst_flip_flop_sequence);
	suite_add_tcase(s, tc);

	tc = tcase_create("feed");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_feed_valid_document);
	tcase_add_test(tc, test_feed_optional_fields);
	tcase_add_test(tc, test_feed_unknown_keys_ignored);
	tcase_add_test(tc, test_feed_reject_json_and_types);
	tcase_add_test(tc, test_feed_reject_values);
	tcase_add_test(tc, test_feed_reject_after_good_parts);
	tcase_add_test(tc, test_feed_reject_duplicates);
	tcase_add_test(tc, test_feed_reject_too_large);
	tcase_add_test(tc, test_feed_reject_deep_nesting);
	tcase_add_test(tc, test_feed_time_window);
	tcase_add_test(tc, test_feed_time_formats);
	tcase_add_test(tc, test_feed_time_not_rfc3339);
	tcase_add_test(tc, test_feed_detail_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("publish");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_publish_concurrent_readers);
	suite_add_tcase(s, tc);

	/* a blocked prober never returns: the timeout ends the test (failed) */
	tc = tcase_create("prober");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_prober_fifo_feed_refused);
	tcase_add_test(tc, test_prober_silent_resolver);
	tcase_add_test(tc, test_config_resolver);
	suite_add_tcase(s, tc);

	tc = tcase_create("snapshot");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_snapshot_many_down);
	tcase_add_test(tc, test_snapshot_overrides_over_feed);
	tcase_add_test(tc, test_feed_state_bounded);
	tcase_add_test(tc, test_feed_address_twice);
	suite_add_tcase(s, tc);
	return s;
}
