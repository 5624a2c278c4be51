/*
 * fuzz_services.c - services files: the input is written to a file and
 * loaded by service_set_load() for the zone example.com with the demo's
 * three regions (us-east, eu-west, ap-south).
 *
 * A set that loads is checked (every index within its table, counts within
 * the limits, names under the origin) and then used as the answer code uses
 * it: svc_rank() for unknown and several known client locations, and
 * svc_choose() for A, AAAA and another type, with and without a health
 * snapshot; the rankings and choices must stay within the service.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "geo/geo.h"
#include "health/health.h"
#include "geo/service.h"
#include "dns/wire.h"

#include "fuzz_util.h"

static struct region regs[] = {
	{(char *)"us-east", 38.9, -77.0},
	{(char *)"eu-west", 53.3, -6.3},
	{(char *)"ap-south", 1.35, 103.8},
};
static const struct region_table rt = {regs, 3, NULL};
static const uint8_t origin[] = "\7example\3com"; /* and the final 0 */

static const struct geo_location locs[] = {
	{true, 40.7, -74.0, "US", "NA"},
	{true, 53.3, -6.3, "IE", "EU"},
	{true, 39.9, 116.4, "CN", "AS"},   /* the demo's country override */
	{true, -33.9, 151.2, "AU", "OC"},  /* the demo's continent override */
	{false, 0, 0, "", "SA"},           /* continent only */
	{true, -90, 180, "", ""},          /* coordinates only, at the edge */
};

/* health: us-east at weight 30 without 192.0.2.10, eu-west down */
static const uint8_t down[1][17] = {{1, 192, 0, 2, 10}};
static struct health_region hregs[3] = {
	{true, 30, 1, down}, {false, 100, 0, NULL}, {true, 100, 0, NULL}};
static const struct health_snapshot health = {1, 3, hregs};

/* svc_choose_client for a client whose network hash is given. */
static void svc_choose(const struct service *s, const uint8_t *order, unsigned norder,
		       uint64_t client_hash, uint16_t qtype, const struct health_snapshot *hs,
		       struct svc_choice *out)
{
	struct svc_client c = {.known = true, .hash = client_hash};
	svc_choose_client(s, order, norder, &c, qtype, hs, out);
}

static void check_rank(const struct service *s, const uint8_t *order, unsigned n)
{
	fuzz_check(n >= 1 && n <= s->nregions, "svc_rank gave %u of %u regions", n,
		   s->nregions);
	bool seen[SERVICE_MAX_REGIONS] = {false};
	for (unsigned i = 0; i < n; i++) {
		fuzz_check(order[i] < s->nregions, "rank %u: region %u of %u", i, order[i],
			   s->nregions);
		fuzz_check(!seen[order[i]], "region %u ranked twice", order[i]);
		seen[order[i]] = true;
	}
}

static void check_choice(const struct service *s, const struct svc_choice *ch, uint16_t qtype)
{
	fuzz_check(ch->sr >= s->regions && ch->sr < s->regions + s->nregions,
		   "chosen region outside the service");
	fuzz_check(ch->n <= SERVICE_MAX_ENDPOINTS, "%u endpoints", ch->n);
	if (s->max_answers)
		fuzz_check(ch->n <= s->max_answers, "%u endpoints, max_answers %u", ch->n,
			   s->max_answers);
	const struct endpoint *base = qtype == TYPE_AAAA ? ch->sr->aaaa : ch->sr->a;
	unsigned nb = qtype == TYPE_AAAA ? ch->sr->naaaa : ch->sr->na;
	if (qtype != TYPE_A && qtype != TYPE_AAAA)
		nb = 0;
	fuzz_check(ch->n <= nb, "%u endpoints of %u", ch->n, nb);
	for (unsigned i = 0; i < ch->n; i++) {
		fuzz_check(ch->eps[i] >= base && ch->eps[i] < base + nb,
			   "endpoint %u outside the region", i);
		for (unsigned k = 0; k < i; k++)
			fuzz_check(ch->eps[k] != ch->eps[i], "endpoint chosen twice");
	}
}

static void use_service(const struct service *s)
{
	static const uint16_t qtypes[] = {TYPE_A, TYPE_AAAA, TYPE_TXT};
	static const uint8_t addrs[][16] = {
		{192, 0, 2, 1}, {198, 51, 100, 7},
		{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
	uint8_t order[SERVICE_MAX_REGIONS];
	for (size_t li = 0; li <= ARRAY_SIZE(locs); li++) {
		const struct geo_location *loc = li < ARRAY_SIZE(locs) ? &locs[li] : NULL;
		memset(order, 0xAA, sizeof(order));
		unsigned n = svc_rank(s, &rt, loc, order);
		check_rank(s, order, n);
		for (size_t a = 0; a < ARRAY_SIZE(addrs); a++) {
			int fam = a < 2 ? 1 : 2;
			uint64_t h = svc_client_hash(fam, addrs[a], fam == 1 ? 24 : 56);
			for (size_t q = 0; q < ARRAY_SIZE(qtypes); q++) {
				struct svc_choice ch;
				svc_choose(s, order, n, h, qtypes[q], NULL, &ch);
				check_choice(s, &ch, qtypes[q]);
				svc_choose(s, order, n, h, qtypes[q], &health, &ch);
				check_choice(s, &ch, qtypes[q]);
			}
		}
	}
}

static void check_set(const struct service_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct service *s = &set->svcs[i];
		fuzz_check(s->name_len > 0 && s->name_len <= WIRE_NAME_MAX &&
			   wire_name_len(s->name, s->name_len) == s->name_len,
			   "service %zu: bad name", i);
		fuzz_check(wire_name_is_sub(s->name, origin), "service %s outside the zone",
			   s->name_str ? s->name_str : "?");
		fuzz_check(s->nregions >= 1 && s->nregions <= SERVICE_MAX_REGIONS &&
			   s->nregions <= rt.n,
			   "service %zu: %u regions", i, s->nregions);
		fuzz_check(s->fallback < s->nregions, "service %zu: fallback %u of %u", i,
			   s->fallback, s->nregions);
		for (unsigned k = 0; k < s->nregions; k++) {
			const struct service_region *sr = &s->regions[k];
			fuzz_check(sr->region < rt.n, "region index %u", sr->region);
			fuzz_check(sr->weight <= 100, "weight %u", sr->weight);
			fuzz_check(sr->na <= SERVICE_MAX_ENDPOINTS &&
				   sr->naaaa <= SERVICE_MAX_ENDPOINTS,
				   "%u + %u endpoints", sr->na, sr->naaaa);
			fuzz_check(!sr->cname || (sr->cname_len > 0 &&
						  sr->cname_len <= WIRE_NAME_MAX &&
						  wire_name_len(sr->cname, sr->cname_len) ==
							  sr->cname_len),
				   "bad cname");
			fuzz_check(sr->cname || sr->na || sr->naaaa, "region without answers");
		}
		for (size_t k = 0; k < s->ncountries; k++)
			fuzz_check(s->countries[k].sr < s->nregions, "country override");
		for (size_t k = 0; k < s->ncontinents; k++)
			fuzz_check(s->continents[k].sr < s->nregions, "continent override");
		use_service(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_root();
	char path[PATH_MAX];
	fuzz_write_file("services.json", data, size, path);
	struct diag d = {0};
	struct service_set *set = service_set_load(path, origin, "example.com.", &rt, &d);
	unlink(path);
	const char *ok_str = set ? "loaded" : "rejected";
	fuzz_check(set || d.errors > 0, "service_set_load failed without an error");
	if (set) {
		check_set(set);
		service_set_free(set);
	}
	for (size_t i = 0; i < d.count; i++)
		fuzz_check(strlen(d.msgs[i]) > 0, "empty diagnostic");
	if (fuzz_verbose()) {
		fprintf(stderr, "services: %s, %zu errors\n", ok_str, d.errors);
		diag_flush_stderr(&d);
	}
	diag_free(&d);
	return 0;
}
