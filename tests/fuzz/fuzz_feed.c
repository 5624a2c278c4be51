/*
 * fuzz_feed.c - health feed documents: the input is one document given to
 * feed_parse() (as read from a file or an HTTP body: not NUL terminated) for
 * the demo's three regions, at a fixed time (2026-11-27T20:00:00Z) with
 * max_age 60.
 *
 * Properties: accepted, every region index within the table and each region
 * at most once, weights -1 or 0..100, endpoint families 1 or 2; rejected, a
 * reason and a non-empty NUL-terminated detail, and an empty document.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health/health.h"
#include "geo/service.h"

#include "fuzz_util.h"

#include <time.h>

static struct region regs[] = {
	{(char *)"us-east", 38.9, -77.0},
	{(char *)"eu-west", 53.3, -6.3},
	{(char *)"ap-south", 1.35, 103.8},
};
static const struct region_table rt = {regs, 3, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static time_t now;
	if (!now) {
		struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 27,
				.tm_hour = 20};
		now = timegm(&tm);
	}
	struct feed_doc doc;
	memset(&doc, 0x5a, sizeof(doc)); /* must be set whatever the outcome */
	const char *reason = NULL;
	char detail[256];
	memset(detail, 'X', sizeof(detail));
	bool ok = feed_parse((const char *)data, size, &rt, now, 60, &doc, &reason, detail,
			     sizeof(detail));
	size_t dl = strnlen(detail, sizeof(detail));
	fuzz_check(dl < sizeof(detail), "detail not NUL terminated");
	if (ok) {
		fuzz_check(doc.nregions <= rt.n, "%zu regions", doc.nregions);
		bool seen[3] = {false};
		for (size_t i = 0; i < doc.nregions; i++) {
			const struct feed_region *fr = &doc.regions[i];
			fuzz_check(fr->region < rt.n, "region index %zu", fr->region);
			fuzz_check(!seen[fr->region], "region %zu twice", fr->region);
			seen[fr->region] = true;
			fuzz_check(fr->weight >= -1 && fr->weight <= 100, "weight %d", fr->weight);
			for (size_t k = 0; k < fr->nendpoints; k++)
				fuzz_check(fr->endpoints[k].family == 1 ||
					   fr->endpoints[k].family == 2,
					   "endpoint family %u", fr->endpoints[k].family);
		}
		fuzz_check(doc.generated_at == 0 ||
			   (doc.generated_at >= now - 60 && doc.generated_at <= now + 60),
			   "accepted a document generated at %lld", (long long)doc.generated_at);
	} else {
		fuzz_check(reason && reason[0], "rejected without a reason");
		fuzz_check(dl > 0, "rejected (%s) without a detail", reason);
		fuzz_check(doc.nregions == 0 && doc.regions == NULL && doc.generated_at == 0,
			   "rejected document not empty");
	}
	feed_doc_free(&doc);
	return 0;
}
