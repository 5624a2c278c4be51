/*
 * feed_parse.c - a feed document (JSON, see the feed format in the manual)
 * read into a struct feed_doc: each region's health and weight and its
 * endpoints' health, by index in the region table.
 *
 * A document is accepted whole or rejected whole, with a short reason (the
 * log's and /status's feed_state) and a detail for the log line, so a bad
 * poll never leaves half a state. Pure functions of the text and the time:
 * the prober calls feed_parse from health_feed_text (state_machine.c), the unit
 * tests and the feed fuzz target call it directly.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health/health.h"

#include "common/gd.h"
#include "geo/service.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exactly n digits at *p, as a number. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* RFC 3339 UTC, strictly: 2026-11-27T20:00:00Z, an optional fraction, then
 * Z or +00:00. */
static bool parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec;
	const char *p = s;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d) || (*p != 'T' && *p != 't') || !(++p, digits(&p, 2, &h)) ||
	    *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &sec))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (strcmp(p, "Z") != 0 && strcmp(p, "z") != 0 && strcmp(p, "+00:00") != 0)
		return false;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			.tm_hour = h, .tm_min = mi, .tm_sec = sec == 60 ? 59 : sec};
	time_t t = timegm(&tm);
	/* reject days that do not exist (timegm would normalize 31 Nov) */
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_mday != d || back.tm_mon != mo - 1)
		return false;
	*out = t;
	return true;
}

static bool reject(const char **reason, const char *r, char *detail, size_t cap,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static bool reject(const char **reason, const char *r, char *detail, size_t cap,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, cap, fmt, ap);
	va_end(ap);
	*reason = r;
	return false;
}

bool feed_parse(const char *text, size_t len, const struct region_table *rt, time_t now,
		unsigned max_age, struct feed_doc *doc, const char **reason, char *detail,
		size_t cap)
{
	memset(doc, 0, sizeof(*doc));
	detail[0] = '\0';
	if (len > FEED_MAX_BYTES)
		return reject(reason, "too_large", detail, cap, "document of %zu bytes", len);
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return reject(reason, "not_json", detail, cap, "line %d column %d: %s", jerr.line,
			      jerr.column, jerr.text);
	bool ok = false;
	if (!json_is_object(root)) {
		reject(reason, "wrong_type", detail, cap, "the document is not an object");
		goto done;
	}
	json_t *ga = json_object_get(root, "generated_at");
	if (ga) {
		if (!json_is_string(ga) || !parse_time(json_string_value(ga), &doc->generated_at)) {
			reject(reason, "bad_time", detail, cap,
			       "generated_at is not a UTC time such as 2026-11-27T20:00:00Z");
			goto done;
		}
		if (doc->generated_at + (time_t)max_age < now) {
			reject(reason, "stale", detail, cap, "generated_at is %lld s old (max_age %u)",
			       (long long)(now - doc->generated_at), max_age);
			goto done;
		}
		if (doc->generated_at > now + (time_t)max_age) {
			reject(reason, "bad_time", detail, cap,
			       "generated_at is %lld s in the future",
			       (long long)(doc->generated_at - now));
			goto done;
		}
	}
	json_t *regs = json_object_get(root, "regions");
	if (!json_is_object(regs)) {
		reject(reason, "wrong_type", detail, cap, "\"regions\" must be an object");
		goto done;
	}
	doc->regions = xcalloc(json_object_size(regs) + 1, sizeof(struct feed_region));
	const char *name;
	json_t *r;
	json_object_foreach(regs, name, r) {
		size_t idx = rt->n;
		for (size_t i = 0; i < rt->n; i++)
			if (strcmp(rt->regions[i].name, name) == 0)
				idx = i;
		if (idx == rt->n) {
			reject(reason, "unknown_region", detail, cap, "region \"%s\" is not configured",
			       name);
			goto done;
		}
		if (!json_is_object(r)) {
			reject(reason, "wrong_type", detail, cap, "regions.%s must be an object", name);
			goto done;
		}
		struct feed_region *fr = &doc->regions[doc->nregions++];
		fr->region = idx;
		fr->weight = -1;
		json_t *h = json_object_get(r, "healthy");
		if (!json_is_boolean(h)) {
			reject(reason, "wrong_type", detail, cap,
			       "regions.%s.healthy must be true or false", name);
			goto done;
		}
		fr->healthy = json_is_true(h);
		json_t *w = json_object_get(r, "weight");
		if (w) {
			if (!json_is_integer(w)) {
				reject(reason, "wrong_type", detail, cap,
				       "regions.%s.weight must be an integer", name);
				goto done;
			}
			json_int_t wv = json_integer_value(w);
			if (wv < 0 || wv > 100) {
				reject(reason, "bad_weight", detail, cap,
				       "regions.%s.weight %lld is not in 0..100", name,
				       (long long)wv);
				goto done;
			}
			fr->weight = (int)wv;
		}
		json_t *eps = json_object_get(r, "endpoints");
		if (!eps)
			continue;
		if (!json_is_object(eps)) {
			reject(reason, "wrong_type", detail, cap,
			       "regions.%s.endpoints must be an object", name);
			goto done;
		}
		fr->endpoints = xcalloc(json_object_size(eps) + 1, sizeof(struct feed_endpoint));
		const char *addr;
		json_t *e;
		json_object_foreach(eps, addr, e) {
			struct feed_endpoint *fe = &fr->endpoints[fr->nendpoints];
			if (inet_pton(AF_INET, addr, fe->addr) == 1) {
				fe->family = 1;
			} else if (inet_pton(AF_INET6, addr, fe->addr) == 1) {
				fe->family = 2;
			} else {
				reject(reason, "bad_address", detail, cap,
				       "regions.%s.endpoints: \"%s\" is not an address", name, addr);
				goto done;
			}
			json_t *eh = json_is_object(e) ? json_object_get(e, "healthy") : NULL;
			if (!json_is_boolean(eh)) {
				reject(reason, "wrong_type", detail, cap,
				       "regions.%s.endpoints.%s.healthy must be true or false", name,
				       addr);
				goto done;
			}
			fe->healthy = json_is_true(eh);
			fr->nendpoints++;
		}
	}
	ok = true;
done:
	json_decref(root);
	if (!ok)
		feed_doc_free(doc);
	return ok;
}

void feed_doc_free(struct feed_doc *doc)
{
	for (size_t i = 0; i < doc->nregions; i++)
		free(doc->regions[i].endpoints);
	free(doc->regions);
	memset(doc, 0, sizeof(*doc));
}
