/*
 * test_service.c - geo services: loading services files (every rule with
 * its "file:line:column: path: message"), services in zones, the region
 * ranking (distance, overrides, fallback, continent centres), the choice
 * (weights, drain, fail open, max_answers by rendezvous hashing, client
 * network hashing), and the choice under health snapshots (region down,
 * endpoints down, drain, spill shares, fail open, health_endpoint_up).
 * Answers through answer_query are test_geoanswer.c's.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/hash.h"
#include "common/gd.h"
#include "conf/config.h"
#include "common/diag.h"
#include "geo/geo.h"
#include "geo/netmap.h"
#include "health/health.h"
#include "geo/service.h"
#include "unit.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The regions of the configuration, by index: 0 us-east, 1 eu-west,
 * 2 ap-south, 3 sa-east (unit_regions, unit.h). */
static const struct region_table *const rt = &unit_regions;

static const uint8_t origin[] = "\7example\3com";   /* + the final 0 */
#define ORIGIN_STR "example.com."

static const char *svc_path;

/* svc_choose_client for a client whose network hash is given. */
static void svc_choose(const struct service *s, const uint8_t *order, unsigned norder,
		       uint64_t client_hash, uint16_t qtype, const struct health_snapshot *hs,
		       struct svc_choice *out)
{
	struct svc_client c = {.known = true, .hash = client_hash};
	svc_choose_client(s, order, norder, &c, qtype, hs, out);
}

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

static struct service_set *load(const char *name, const char *text, struct diag *d)
{
	svc_path = unit_write_file(name, text);
	return service_set_load(svc_path, origin, ORIGIN_STR, rt, d);
}

/* Must load without any diagnostic. */
static struct service_set *load_ok(const char *name, const char *text)
{
	struct diag d = {0};
	struct service_set *set = load(name, text, &d);
	if (d.count)
		dump(&d);
	ck_assert_ptr_nonnull(set);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
	return set;
}

/* diag entry i must be exactly "svc_path:line:col: msg" */
static void expect_msg(const struct diag *d, size_t i, int line, int col, const char *msg)
{
	char want[1024];
	snprintf(want, sizeof(want), "%s:%d:%d: %s", svc_path, line, col, msg);
	if (i >= d->count)
		dump(d);
	ck_assert_uint_gt(d->count, i);
	ck_assert_str_eq(d->msgs[i], want);
}

/* Loading text must fail with exactly one error at line:col. */
static void expect_one_error(const char *name, const char *text, int line, int col,
			     const char *msg)
{
	struct diag d = {0};
	struct service_set *set = load(name, text, &d);
	if (d.count != 1)
		dump(&d);
	ck_assert_ptr_null(set);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_uint_eq(d.count, 1);
	expect_msg(&d, 0, line, col, msg);
	diag_free(&d);
}

static const char *region_name(const struct service *s, unsigned sr)
{
	return rt->regions[s->regions[sr].region].name;
}

static struct service *svc_named(struct service_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->svcs[i].name_str, name) == 0)
			return &set->svcs[i];
	ck_abort_msg("no service %s", name);
	return NULL;
}

/* ---- loading ---- */

START_TEST(test_load_ok)
{
	struct service_set *set = load_ok(
		"svc-unit-ok.json",
		"{\n"
		"  \"www\": {\"regions\": {\"eu-west\": {\"A\": [\"198.51.100.10\"]},\n"
		"                      \"us-east\": {\"A\": [\"192.0.2.10\", \"192.0.2.11\"],\n"
		"                                  \"AAAA\": [\"2001:db8:1::10\"], \"weight\": 40}}},\n"
		"  \"@\": {\"ttl\": 60, \"fallback\": \"us-east\", \"max_answers\": 1,\n"
		"        \"regions\": {\"eu-west\": {\"A\": [\"198.51.100.10\"]},\n"
		"                    \"us-east\": {\"A\": [\"192.0.2.20\"], \"weight\": 0}},\n"
		"        \"countries\": {\"CN\": \"us-east\"},\n"
		"        \"continents\": {\"OC\": \"eu-west\", \"SA\": \"us-east\"}},\n"
		"  \"API.Example.COM.\": {\"regions\": {\"ap-south\": {\"cname\": \"lb-ap\"}}},\n"
		"  \"cdn.Sub\": {\"regions\": {\"sa-east\": {\"cname\": \"lb.example.NET.\"},\n"
		"                          \"ap-south\": {\"cname\": \"@\"}}}\n"
		"}\n");
	ck_assert_str_eq(set->file, svc_path);
	ck_assert_uint_eq(set->n, 4);

	/* a relative name, every default */
	struct service *s = &set->svcs[0];
	ck_assert_uint_eq(s->name_len, 17);
	ck_assert_mem_eq(s->name, "\3www\7example\3com\0", 17);
	ck_assert_str_eq(s->name_str, "www.example.com.");
	ck_assert_uint_eq(s->id, 0);
	ck_assert_uint_eq(s->ttl, 30);
	ck_assert_uint_eq(s->max_answers, 0);
	ck_assert_uint_eq(s->nregions, 2);
	ck_assert_uint_eq(s->fallback, 0); /* the first listed: eu-west */
	ck_assert_str_eq(region_name(s, s->fallback), "eu-west");
	ck_assert_int_eq(s->line, 2);
	ck_assert_int_eq(s->column, 3);
	ck_assert_uint_eq(s->ncountries, 0);
	ck_assert_uint_eq(s->ncontinents, 0);
	const struct service_region *sr = &s->regions[0];
	ck_assert_uint_eq(sr->region, 1);
	ck_assert_uint_eq(sr->weight, 100);
	ck_assert_uint_eq(sr->na, 1);
	ck_assert_uint_eq(sr->naaaa, 0);
	ck_assert_ptr_null(sr->cname);
	ck_assert_mem_eq(sr->a[0].addr, "\xc6\x33\x64\x0a", 4);
	sr = &s->regions[1];
	ck_assert_uint_eq(sr->region, 0);
	ck_assert_uint_eq(sr->weight, 40);
	ck_assert_uint_eq(sr->na, 2);
	ck_assert_uint_eq(sr->naaaa, 1);
	ck_assert_mem_eq(sr->a[0].addr, "\xc0\x00\x02\x0a", 4);
	ck_assert_mem_eq(sr->a[1].addr, "\xc0\x00\x02\x0b", 4);
	ck_assert_mem_eq(sr->aaaa[0].addr,
			 "\x20\x01\x0d\xb8\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10", 16);
	ck_assert(sr->a[0].hash != sr->a[1].hash);

	/* "@": the origin; every option */
	s = &set->svcs[1];
	ck_assert_uint_eq(s->name_len, 13);
	ck_assert_mem_eq(s->name, origin, 13);
	ck_assert_str_eq(s->name_str, "example.com.");
	ck_assert_uint_eq(s->ttl, 60);
	ck_assert_uint_eq(s->max_answers, 1);
	ck_assert_uint_eq(s->fallback, 1);
	ck_assert_str_eq(region_name(s, 1), "us-east");
	ck_assert_uint_eq(s->regions[1].weight, 0);
	ck_assert_uint_eq(s->ncountries, 1);
	ck_assert_str_eq(s->countries[0].code, "CN");
	ck_assert_uint_eq(s->countries[0].sr, 1);
	ck_assert_uint_eq(s->ncontinents, 2);
	ck_assert_str_eq(s->continents[0].code, "OC");
	ck_assert_uint_eq(s->continents[0].sr, 0);
	ck_assert_str_eq(s->continents[1].code, "SA");
	ck_assert_uint_eq(s->continents[1].sr, 1);
	/* an endpoint's hash is per address: the same in two services */
	ck_assert(s->regions[0].a[0].hash == set->svcs[0].regions[0].a[0].hash);
	/* the hash seed is per service name */
	ck_assert(s->seed != set->svcs[0].seed);

	/* absolute, mixed case: stored lower-case; a relative cname target */
	s = &set->svcs[2];
	ck_assert_str_eq(s->name_str, "api.example.com.");
	ck_assert_mem_eq(s->name, "\3api\7example\3com\0", 17);
	ck_assert_uint_eq(s->id, 2);
	ck_assert_uint_eq(s->regions[0].region, 2);
	ck_assert_uint_eq(s->regions[0].na + s->regions[0].naaaa, 0);
	ck_assert_uint_eq(s->regions[0].cname_len, 19);
	ck_assert_mem_eq(s->regions[0].cname, "\5lb-ap\7example\3com\0", 19);

	/* relative with two labels; an absolute target keeps its case; "@" */
	s = &set->svcs[3];
	ck_assert_str_eq(s->name_str, "cdn.sub.example.com.");
	ck_assert_uint_eq(s->regions[0].region, 3);
	ck_assert_uint_eq(s->regions[0].cname_len, 16);
	ck_assert_mem_eq(s->regions[0].cname, "\2lb\7example\3NET\0", 16);
	ck_assert_uint_eq(s->regions[1].cname_len, 13);
	ck_assert_mem_eq(s->regions[1].cname, origin, 13);
	service_set_free(set);
}
END_TEST

START_TEST(test_load_limits)
{
	/* 64 endpoints and 0 / 604800 bounds are accepted */
	char text[4096];
	size_t n = (size_t)snprintf(text, sizeof(text),
				    "{\"www\": {\"ttl\": 604800, \"max_answers\": 64, "
				    "\"regions\": {\"us-east\": {\"A\": [");
	for (int i = 0; i < 64; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\"192.0.2.%d\"", i ? ", " : "",
				      i + 1);
	snprintf(text + n, sizeof(text) - n, "], \"weight\": 0}}}}");
	struct service_set *set = load_ok("svc-unit-64.json", text);
	ck_assert_uint_eq(set->svcs[0].regions[0].na, 64);
	ck_assert_uint_eq(set->svcs[0].ttl, 604800);
	ck_assert_uint_eq(set->svcs[0].max_answers, 64);
	ck_assert_uint_eq(set->svcs[0].regions[0].weight, 0);
	service_set_free(set);
	/* an empty file object: no services */
	set = load_ok("svc-unit-empty.json", "{}");
	ck_assert_uint_eq(set->n, 0);
	service_set_free(set);
}
END_TEST

#define R_US "\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"]}}"

START_TEST(test_error_regions)
{
	expect_one_error("svc-unit-e1.json",
			 "{\"www\": {\"regions\": {\"mars\": {\"A\": [\"192.0.2.1\"]}}}}", 1, 22,
			 "www.regions.mars: unknown region \"mars\" (not in the config's regions)");
	expect_one_error("svc-unit-e2.json", "{\"www\": {\"regions\": {\"us-east\": {\"weight\": 50}}}}",
			 1, 22,
			 "www.regions.us-east: region has no \"A\", \"AAAA\" or \"cname\"");
	expect_one_error("svc-unit-e3.json", "{\"www\": {\"regions\": {\"us-east\": {}}}}", 1, 22,
			 "www.regions.us-east: region has no \"A\", \"AAAA\" or \"cname\"");
	expect_one_error("svc-unit-e4.json",
			 "{\"www\": {\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"], \"cname\": \"x\"}}}}",
			 1, 54, "www.regions.us-east.cname: a region answers either addresses or a cname");
	expect_one_error("svc-unit-e5.json", "{\"www\": {\"regions\": {}}}", 1, 21,
			 "www.regions: needs 1 to 64 regions");
	expect_one_error("svc-unit-e6.json", "{\"www\": {\"ttl\": 30}}", 1, 9,
			 "www: missing \"regions\"");
	expect_one_error("svc-unit-e7.json", "{\"www\": {\"regions\": {\"us-east\": []}}}", 1, 33,
			 "www.regions.us-east: expected an object, found an array");
	expect_one_error("svc-unit-e8.json",
			 "{\"www\": {\"regions\": {\"us-east\": {\"cname\": \"a..b\"}}}}", 1, 43,
			 "www.regions.us-east.cname: \"a..b\" is not a domain name");
	expect_one_error("svc-unit-e9.json", "{\"www\": {\"regions\": [\"us-east\"]}}", 1, 21,
			 "www.regions: expected an object, found an array");
}
END_TEST

START_TEST(test_error_addresses)
{
	expect_one_error("svc-unit-a1.json",
			 "{\"www\": {\"regions\": {\"us-east\": {\"A\": [\"192.0.2.300\"]}}}}", 1, 40,
			 "www.regions.us-east.A[0]: not an IPv4 address");
	expect_one_error("svc-unit-a2.json",
			 "{\"www\": {\"regions\": {\"us-east\": {\"A\": [\"2001:db8::1\"]}}}}", 1, 40,
			 "www.regions.us-east.A[0]: not an IPv4 address");
	expect_one_error("svc-unit-a3.json",
			 "{\"www\": {\"regions\": {\"us-east\": {\"A\": [17]}}}}", 1, 40,
			 "www.regions.us-east.A[0]: not an IPv4 address");
	expect_one_error("svc-unit-a4.json",
			 "{\"www\": {\"regions\": {\"us-east\": {\"AAAA\": [\"192.0.2.1\"]}}}}", 1, 43,
			 "www.regions.us-east.AAAA[0]: not an IPv6 address");
	expect_one_error("svc-unit-a5.json",
			 "{\"www\": {\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\", \"192.0.2.1\"]}}}}",
			 1, 53, "www.regions.us-east.A[1]: duplicate address 192.0.2.1");
	/* the same IPv6 address written two ways */
	expect_one_error(
		"svc-unit-a6.json",
		"{\"www\": {\"regions\": {\"us-east\": {\"AAAA\": [\"2001:db8::1\", \"2001:DB8:0::1\"]}}}}",
		1, 58, "www.regions.us-east.AAAA[1]: duplicate address 2001:DB8:0::1");
	expect_one_error("svc-unit-a7.json", "{\"www\": {\"regions\": {\"us-east\": {\"A\": []}}}}", 1,
			 39, "www.regions.us-east.A: expected a non-empty array of IPv4 addresses");
	expect_one_error("svc-unit-a8.json",
			 "{\"www\": {\"regions\": {\"us-east\": {\"AAAA\": \"2001:db8::1\"}}}}", 1, 42,
			 "www.regions.us-east.AAAA: expected a non-empty array of IPv6 addresses");
	/* 65 endpoints: too many */
	char text[4096];
	size_t n = (size_t)snprintf(text, sizeof(text),
				    "{\"www\": {\"regions\": {\"us-east\": {\"A\": [");
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\"192.0.2.%d\"", i ? ", " : "",
				      i + 1);
	snprintf(text + n, sizeof(text) - n, "]}}}}");
	expect_one_error("svc-unit-a9.json", text, 1, 39,
			 "www.regions.us-east.A: more than 64 addresses");
}
END_TEST

START_TEST(test_error_names)
{
	expect_one_error("svc-unit-n1.json", "{\"www.example.org.\": {" R_US "}}", 1, 2,
			 "www.example.org.: service www.example.org. is outside the zone "
			 "example.com.");
	/* a name that merely ends in the origin's text is outside too */
	expect_one_error("svc-unit-n2.json", "{\"wwwexample.com.\": {" R_US "}}", 1, 2,
			 "wwwexample.com.: service wwwexample.com. is outside the zone "
			 "example.com.");
	expect_one_error("svc-unit-n3.json",
			 "{\"www\": {" R_US "},\n"
			 " \"www.example.com.\": {" R_US "}}",
			 2, 2, "www.example.com.: duplicate service name www.example.com.");
	/* names compare without case */
	expect_one_error("svc-unit-n4.json",
			 "{\"www\": {" R_US "},\n"
			 " \"WWW\": {" R_US "}}",
			 2, 2, "WWW: duplicate service name WWW");
	expect_one_error("svc-unit-n5.json", "{\"a..b\": {" R_US "}}", 1, 2,
			 "a..b: \"a..b\" is not a domain name");
	expect_one_error("svc-unit-n6.json", "{\"www\": 5}", 1, 9,
			 "www: expected an object, found an integer");
	expect_one_error("svc-unit-n7.json", "[]", 1, 1,
			 "a services file is a JSON object of service names");
}
END_TEST

START_TEST(test_error_json)
{
	/* jansson's own message for a duplicate key, at its position */
	expect_one_error("svc-unit-j1.json",
			 "{\"www\": {" R_US "},\n"
			 " \"www\": {" R_US "}}",
			 2, 6, "JSON: duplicate object key near '\"www\"'");
	expect_one_error("svc-unit-j2.json", "{\"www\": }", 1, 9,
			 "JSON: unexpected token near '}'");
	/* a missing file */
	struct diag d = {0};
	ck_assert_ptr_null(service_set_load("tests/tmp/unit/svc-unit-none.json", origin,
					    ORIGIN_STR, rt, &d));
	ck_assert_uint_eq(d.count, 1);
	ck_assert_str_eq(d.msgs[0], "tests/tmp/unit/svc-unit-none.json: cannot read services "
				    "file: No such file or directory");
	diag_free(&d);
}
END_TEST

START_TEST(test_error_options)
{
	expect_one_error("svc-unit-o1.json", "{\"www\": {\"fallback\": \"sa-east\", " R_US "}}", 1,
			 22, "www.fallback: region \"sa-east\" is not one of this service's regions");
	expect_one_error("svc-unit-o2.json", "{\"www\": {\"fallback\": \"nowhere\", " R_US "}}", 1,
			 22, "www.fallback: region \"nowhere\" is not one of this service's regions");
	expect_one_error("svc-unit-o3.json", "{\"www\": {" R_US ", \"countries\": {\"usa\": \"us-east\"}}}",
			 1, 70, "www.countries.usa: not an ISO 3166-1 alpha-2 country code such as US");
	expect_one_error("svc-unit-o4.json", "{\"www\": {" R_US ", \"countries\": {\"us\": \"us-east\"}}}",
			 1, 70, "www.countries.us: not an ISO 3166-1 alpha-2 country code such as US");
	expect_one_error("svc-unit-o5.json", "{\"www\": {" R_US ", \"continents\": {\"XX\": \"us-east\"}}}",
			 1, 71, "www.continents.XX: not a continent code (AF AN AS EU NA OC SA)");
	expect_one_error("svc-unit-o6.json", "{\"www\": {" R_US ", \"countries\": {\"CN\": \"ap-south\"}}}",
			 1, 76,
			 "www.countries.CN: region \"ap-south\" is not one of this service's regions");
	expect_one_error("svc-unit-o7.json", "{\"www\": {" R_US ", \"continents\": {\"AS\": \"nowhere\"}}}",
			 1, 77,
			 "www.continents.AS: region \"nowhere\" is not one of this service's regions");
	expect_one_error("svc-unit-o8.json", "{\"www\": {" R_US ", \"countries\": {\"CN\": 1}}}", 1, 76,
			 "www.countries.CN: expected a region name, found an integer");
	expect_one_error("svc-unit-o9.json", "{\"www\": {\"tll\": 30, " R_US "}}", 1, 10,
			 "www.tll: unknown key");
	expect_one_error(
		"svc-unit-o10.json",
		"{\"www\": {\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"], \"AAA\": [\"2001:db8::1\"]}}}}",
		1, 54, "www.regions.us-east.AAA: unknown key");
	expect_one_error("svc-unit-o11.json", "{\"www\": {\"ttl\": 604801, " R_US "}}", 1, 17,
			 "www.ttl: 604801 is out of range 0..604800");
	expect_one_error("svc-unit-o12.json", "{\"www\": {\"max_answers\": 65, " R_US "}}", 1, 25,
			 "www.max_answers: 65 is out of range 0..64");
	expect_one_error("svc-unit-o13.json", "{\"www\": {\"ttl\": \"30\", " R_US "}}", 1, 17,
			 "www.ttl: expected an integer, found a string");
	expect_one_error(
		"svc-unit-o14.json",
		"{\"www\": {\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"], \"weight\": 101}}}}", 1,
		64, "www.regions.us-east.weight: 101 is out of range 0..100");
}
END_TEST

/* "networks": each key a network of either family, each value one of the
 * service's regions; an IPv4-mapped network is the IPv4 one */
START_TEST(test_load_networks)
{
	struct service_set *set = load_ok(
	    "svc-unit-net.json",
	    "{\"www\": {\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"]},\n"
	    "                     \"eu-west\": {\"A\": [\"198.51.100.1\"]}},\n"
	    " \"networks\": {\"10.1.0.0/16\": \"eu-west\", \"10.1.2.0/24\": \"us-east\",\n"
	    "              \"::ffff:172.16.0.0/108\": \"eu-west\", \"2001:db8::/32\": \"us-east\",\n"
	    "              \"192.0.2.9\": \"eu-west\", \"::/0\": \"eu-west\"}},\n"
	    " \"plain\": {" R_US "}}\n");
	const struct service *s = svc_named(set, "www.example.com.");
	ck_assert_uint_eq(netmap_count(s->networks), 6);
	ck_assert_ptr_null(svc_named(set, "plain.example.com.")->networks);
	static const struct {
		uint8_t family;
		const char *addr;
		bool found;
		const char *region;
		unsigned bits, scope;
	} cases[] = {
	    {1, "10.1.2.3", true, "us-east", 24, 24},
	    {1, "10.1.3.3", true, "eu-west", 16, 24},
	    {1, "172.16.9.1", true, "eu-west", 12, 12}, /* the mapped /108 */
	    {1, "192.0.2.9", true, "eu-west", 32, 32},
	    {1, "192.0.2.8", false, NULL, 0, 32},
	    {2, "2001:db8:5::1", true, "us-east", 32, 32},
	    {2, "2001:db9::1", true, "eu-west", 0, 32},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t a[16] = {0};
		ck_assert_int_eq(inet_pton(cases[i].family == 1 ? AF_INET : AF_INET6,
		                           cases[i].addr, a), 1);
		struct netmap_result r;
		netmap_lookup(s->networks, cases[i].family, a, 128, &r);
		ck_assert_msg(r.found == cases[i].found, "%s", cases[i].addr);
		if (r.found) {
			ck_assert_str_eq(region_name(s, r.value), cases[i].region);
			ck_assert_uint_eq(r.bits, cases[i].bits);
		}
		ck_assert_msg(r.scope == cases[i].scope, "%s: scope %u", cases[i].addr, r.scope);
	}
	service_set_free(set);
}
END_TEST

#define NETS "{\"www\": {" R_US ", \"networks\": {"
START_TEST(test_error_networks)
{
	expect_one_error("svc-unit-n1.json", NETS "\"10.1.2/16\": \"us-east\"}}}", 1, 69,
	                 "www.networks.10.1.2/16: not a network such as 192.0.2.0/24 or "
	                 "2001:db8::/32");
	expect_one_error("svc-unit-n2.json", NETS "\"10.1.0.0/33\": \"us-east\"}}}", 1, 69,
	                 "www.networks.10.1.0.0/33: prefix length /33 is over /32");
	expect_one_error("svc-unit-n3.json", NETS "\"2001:db8::/129\": \"us-east\"}}}", 1, 69,
	                 "www.networks.2001:db8::/129: prefix length /129 is over /128");
	expect_one_error("svc-unit-n4.json", NETS "\"10.1.2.3/16\": \"us-east\"}}}", 1, 69,
	                 "www.networks.10.1.2.3/16: host bits set: the network would be "
	                 "10.1.0.0/16");
	expect_one_error("svc-unit-n5.json", NETS "\"2001:db8::1/32\": \"us-east\"}}}", 1, 69,
	                 "www.networks.2001:db8::1/32: host bits set: the network would be "
	                 "2001:db8::/32");
	/* inet_pton takes no leading zeros */
	expect_one_error("svc-unit-n6.json", NETS "\"10.01.0.0/16\": \"us-east\"}}}", 1, 69,
	                 "www.networks.10.01.0.0/16: not a network such as 192.0.2.0/24 or "
	                 "2001:db8::/32");
	expect_one_error("svc-unit-n7.json", NETS "\"10.1.0.0/\": \"us-east\"}}}", 1, 69,
	                 "www.networks.10.1.0.0/: \"\" is not a prefix length");
	expect_one_error("svc-unit-n8.json", NETS "\"10.1.0.0/16\": \"eu-west\"}}}", 1, 84,
	                 "www.networks.10.1.0.0/16: region \"eu-west\" is not one of this "
	                 "service's regions");
	expect_one_error("svc-unit-n9.json", NETS "\"10.1.0.0/16\": \"mars\"}}}", 1, 84,
	                 "www.networks.10.1.0.0/16: region \"mars\" is not one of this "
	                 "service's regions");
	expect_one_error("svc-unit-n10.json", NETS "\"10.1.0.0/16\": 1}}}", 1, 84,
	                 "www.networks.10.1.0.0/16: expected a region name, found an integer");
	/* the same network written twice: at the later one, naming the first */
	expect_one_error("svc-unit-n11.json",
	                 NETS "\"2001:db8::/32\": \"us-east\",\n"
	                      "  \"2001:DB8:0::/32\": \"us-east\"}}}",
	                 2, 3,
	                 "www.networks.2001:DB8:0::/32: overlapping duplicate: the same network "
	                 "as \"2001:db8::/32\"");
	expect_one_error("svc-unit-n12.json",
	                 NETS "\"::ffff:10.0.0.0/104\": \"us-east\", \"10.0.0.0/8\": \"us-east\"}}}",
	                 1, 103,
	                 "www.networks.10.0.0.0/8: overlapping duplicate: the same network as "
	                 "\"::ffff:10.0.0.0/104\"");
	expect_one_error("svc-unit-n13.json", "{\"www\": {" R_US ", \"networks\": [1]}}", 1, 68,
	                 "www.networks: expected an object, found an array");
	/* at most SERVICE_MAX_NETWORKS */
	size_t cap = 64 + 40 * (SERVICE_MAX_NETWORKS + 1);
	char *text = malloc(cap);
	size_t n = (size_t)snprintf(text, cap, "%s", NETS);
	for (unsigned i = 0; i <= SERVICE_MAX_NETWORKS; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s\"10.%u.%u.0/24\": \"us-east\"",
		                      i ? ", " : "", i / 256, i % 256);
	snprintf(text + n, cap - n, "}}}");
	expect_one_error("svc-unit-n14.json", text, 1, 68,
	                 "www.networks: 10001 networks, more than 10000");
	/* and exactly SERVICE_MAX_NETWORKS load */
	char *last = strrchr(text, ',');
	strcpy(last, "}}}");
	struct service_set *set = load_ok("svc-unit-n15.json", text);
	ck_assert_uint_eq(netmap_count(set->svcs[0].networks), SERVICE_MAX_NETWORKS);
	service_set_free(set);
	free(text);
}
END_TEST

/* "asns": decimal AS numbers or AS-prefixed ones, each to one of the
 * service's regions; sorted for svc_asn_region */
START_TEST(test_load_asns)
{
	struct service_set *set = load_ok(
	    "svc-unit-asn.json",
	    "{\"www\": {\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"]},\n"
	    "                     \"eu-west\": {\"A\": [\"198.51.100.1\"]}},\n"
	    " \"asns\": {\"64500\": \"eu-west\", \"AS15169\": \"us-east\", \"as4294967295\": "
	    "\"eu-west\", \"1\": \"us-east\"}},\n"
	    " \"plain\": {" R_US "}}\n");
	const struct service *s = svc_named(set, "www.example.com.");
	ck_assert_uint_eq(s->nasns, 4);
	ck_assert_uint_eq(svc_named(set, "plain.example.com.")->nasns, 0);
	ck_assert_int_eq(svc_asn_region(svc_named(set, "plain.example.com."), 64500), -1);
	ck_assert_str_eq(region_name(s, (unsigned)svc_asn_region(s, 64500)), "eu-west");
	ck_assert_str_eq(region_name(s, (unsigned)svc_asn_region(s, 15169)), "us-east");
	ck_assert_str_eq(region_name(s, (unsigned)svc_asn_region(s, 4294967295u)), "eu-west");
	ck_assert_str_eq(region_name(s, (unsigned)svc_asn_region(s, 1)), "us-east");
	ck_assert_int_eq(svc_asn_region(s, 64501), -1);
	ck_assert_int_eq(svc_asn_region(s, 0), -1);
	ck_assert_int_eq(svc_asn_region(s, 2), -1);
	service_set_free(set);
}
END_TEST

#define ASNS "{\"www\": {" R_US ", \"asns\": {"
START_TEST(test_error_asns)
{
	static const char *const bad[] = {"0",  "064500", "4294967296", "AS",   "-1",
	                                  "+5", "64500 ", "ASN64500",   "6.45", "99999999999"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char text[200], msg[200];
		snprintf(text, sizeof(text), ASNS "\"%s\": \"us-east\"}}}", bad[i]);
		snprintf(msg, sizeof(msg),
		         "www.asns.%s: not an AS number such as 64500 or AS64500 (1 to "
		         "4294967295)",
		         bad[i]);
		expect_one_error("svc-unit-a1.json", text, 1, 65, msg);
	}
	expect_one_error("svc-unit-a2.json", ASNS "\"64500\": \"eu-west\"}}}", 1, 74,
	                 "www.asns.64500: region \"eu-west\" is not one of this service's "
	                 "regions");
	expect_one_error("svc-unit-a3.json", ASNS "\"64500\": 7}}}", 1, 74,
	                 "www.asns.64500: expected a region name, found an integer");
	/* the same number written twice: at the later one, naming the first */
	expect_one_error("svc-unit-a4.json",
	                 ASNS "\"64500\": \"us-east\",\n  \"AS64500\": \"us-east\"}}}", 2, 3,
	                 "www.asns.AS64500: duplicate: the same AS number as \"64500\"");
	expect_one_error("svc-unit-a5.json", "{\"www\": {" R_US ", \"asns\": [64500]}}", 1, 64,
	                 "www.asns: expected an object, found an array");
	/* at most SERVICE_MAX_ASNS */
	size_t cap = 64 + 24 * (SERVICE_MAX_ASNS + 1);
	char *text = malloc(cap);
	size_t n = (size_t)snprintf(text, cap, "%s", ASNS);
	for (unsigned i = 0; i <= SERVICE_MAX_ASNS; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s\"%u\": \"us-east\"", i ? ", " : "",
		                      i + 1);
	snprintf(text + n, cap - n, "}}}");
	expect_one_error("svc-unit-a6.json", text, 1, 64,
	                 "www.asns: 10001 AS numbers, more than 10000");
	char *last = strrchr(text, ',');
	strcpy(last, "}}}");
	struct service_set *set = load_ok("svc-unit-a7.json", text);
	ck_assert_uint_eq(set->svcs[0].nasns, SERVICE_MAX_ASNS);
	ck_assert_int_eq(svc_asn_region(&set->svcs[0], SERVICE_MAX_ASNS), 0);
	ck_assert_int_eq(svc_asn_region(&set->svcs[0], SERVICE_MAX_ASNS + 1), -1);
	service_set_free(set);
	free(text);
}
END_TEST

START_TEST(test_error_all_at_once)
{
	struct diag d = {0};
	struct service_set *set = load("svc-unit-many.json",
				       "{\n"
				       "  \"a\": {\"regions\": {\"mars\": {\"A\": [\"192.0.2.1\"]}}},\n"
				       "  \"b\": {\"regions\": {\"us-east\": {\"A\": [\"192.0.2.256\"]}}},\n"
				       "  \"c.example.net.\": {" R_US "},\n"
				       "  \"d\": {\"fallback\": \"eu-west\", " R_US "}\n"
				       "}\n",
				       &d);
	ck_assert_ptr_null(set);
	if (d.count != 4)
		dump(&d);
	ck_assert_uint_eq(d.count, 4);
	ck_assert_uint_eq(d.errors, 4);
	expect_msg(&d, 0, 2, 21, "a.regions.mars: unknown region \"mars\" (not in the config's "
				 "regions)");
	expect_msg(&d, 1, 3, 39, "b.regions.us-east.A[0]: not an IPv4 address");
	expect_msg(&d, 2, 4, 3, "c.example.net.: service c.example.net. is outside the zone "
				"example.com.");
	expect_msg(&d, 3, 5, 21, "d.fallback: region \"eu-west\" is not one of this service's "
				 "regions");
	diag_free(&d);
}
END_TEST

/* ---- services in a zone ---- */

static const char *zone_text =
	"$ORIGIN example.com.\n"                       /* 1 */
	"$TTL 3600\n"                                  /* 2 */
	"@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n" /* 3 */
	"@ IN NS ns1\n"                                /* 4 */
	"ns1 IN A 192.0.2.1\n"                         /* 5 */
	"www IN A 192.0.2.80\n"                        /* 6 */
	"v6 IN AAAA 2001:db8::80\n"                    /* 7 */
	"alias IN CNAME www\n"                         /* 8 */
	"info IN TXT \"static data beside a service\"\n" /* 9 */
	"sub IN NS ns1.example.net.\n"                 /* 10 */
	"legacy IN DNAME example.net.\n";              /* 11 */

static struct zone *load_zone(const char *services, struct diag *d, const char **zpath)
{
	*zpath = unit_write_file("svc-unit.zone", zone_text);
	svc_path = unit_write_file("svc-unit-zone.json", services);
	struct zone_config zc = {"example.com", *zpath, svc_path, rt};
	return zone_load(&zc, d);
}

START_TEST(test_zone_with_services)
{
	struct diag d = {0};
	const char *zp;
	struct zone *z = load_zone("{\n"
				   "  \"info\": {" R_US "},\n"
				   "  \"@\": {" R_US "},\n"
				   "  \"new.name\": {" R_US "}\n"
				   "}\n",
				   &d, &zp);
	if (d.count)
		dump(&d);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_ptr_nonnull(z->services);
	ck_assert_uint_eq(z->services->n, 3);
	/* a service beside static TXT data; at the apex; at a new name (and
	 * its empty non-terminal parent exists) */
	const struct node *n = zone_lookup(z, (const uint8_t *)"\4info\7example\3com", 18);
	ck_assert_ptr_nonnull(n);
	ck_assert(n->flags & NODE_SERVICE);
	ck_assert_ptr_eq(n->service, &z->services->svcs[0]);
	ck_assert_ptr_nonnull(node_rrset(n, LDNS_RR_TYPE_TXT));
	ck_assert(z->apex->flags & NODE_SERVICE);
	n = zone_lookup(z, (const uint8_t *)"\3new\4name\7example\3com", 22);
	ck_assert_ptr_nonnull(n);
	ck_assert(n->flags & NODE_SERVICE);
	ck_assert_ptr_eq(n->service, &z->services->svcs[2]);
	n = zone_lookup(z, (const uint8_t *)"\4name\7example\3com", 18);
	ck_assert_ptr_nonnull(n);
	ck_assert(!(n->flags & NODE_SERVICE));
	zone_free(z);
}
END_TEST

START_TEST(test_zone_static_records_at_service)
{
	struct diag d = {0};
	const char *zp;
	struct zone *z = load_zone("{\n"
				   "  \"www\": {" R_US "},\n"
				   "  \"v6\": {" R_US "},\n"
				   "  \"alias\": {" R_US "}\n"
				   "}\n",
				   &d, &zp);
	ck_assert_ptr_null(z);
	if (d.count != 3)
		dump(&d);
	ck_assert_uint_eq(d.count, 3);
	char want[1024];
	snprintf(want, sizeof(want),
		 "%s:6: static A record at service name www.example.com. (%s:2:3 defines it)", zp,
		 svc_path);
	ck_assert_str_eq(d.msgs[0], want);
	snprintf(want, sizeof(want),
		 "%s:7: static AAAA record at service name v6.example.com. (%s:3:3 defines it)",
		 zp, svc_path);
	ck_assert_str_eq(d.msgs[1], want);
	snprintf(want, sizeof(want),
		 "%s:8: static CNAME record at service name alias.example.com. (%s:4:3 defines "
		 "it)",
		 zp, svc_path);
	ck_assert_str_eq(d.msgs[2], want);
	diag_free(&d);
}
END_TEST

START_TEST(test_zone_service_at_cut)
{
	struct diag d = {0};
	const char *zp;
	struct zone *z = load_zone("{\n"
				   "  \"sub\": {" R_US "},\n"
				   "  \"www.sub\": {" R_US "},\n"
				   "  \"x.legacy\": {" R_US "}\n"
				   "}\n",
				   &d, &zp);
	ck_assert_ptr_null(z);
	if (d.count != 3)
		dump(&d);
	ck_assert_uint_eq(d.count, 3);
	expect_msg(&d, 0, 2, 3, "service sub.example.com. is at or below a zone cut or DNAME");
	expect_msg(&d, 1, 3, 3, "service www.sub.example.com. is at or below a zone cut or DNAME");
	expect_msg(&d, 2, 4, 3,
		   "service x.legacy.example.com. is at or below a zone cut or DNAME");
	diag_free(&d);
}
END_TEST

START_TEST(test_zone_apex_cname_and_dname)
{
	struct diag d = {0};
	const char *zp;
	struct zone *z = load_zone("{\n"
				   "  \"@\": {\"regions\": {\"us-east\": {\"cname\": \"www\"}}},\n"
				   "  \"legacy\": {" R_US "}\n"
				   "}\n",
				   &d, &zp);
	ck_assert_ptr_null(z);
	if (d.count != 2)
		dump(&d);
	ck_assert_uint_eq(d.count, 2);
	expect_msg(&d, 0, 2, 3, "service example.com. at the zone apex cannot answer a cname");
	char want[1024];
	snprintf(want, sizeof(want),
		 "%s:11: static DNAME record at service name legacy.example.com. (%s:3:3 defines "
		 "it)",
		 zp, svc_path);
	ck_assert_str_eq(d.msgs[1], want);
	diag_free(&d);
}
END_TEST

START_TEST(test_zone_services_file_errors)
{
	/* errors of the services file fail the zone */
	struct diag d = {0};
	const char *zp;
	struct zone *z = load_zone("{\"www2\": {\"regions\": {\"mars\": {\"A\": [\"192.0.2.1\"]}}}}",
				   &d, &zp);
	ck_assert_ptr_null(z);
	ck_assert_uint_eq(d.count, 1);
	expect_msg(&d, 0, 1, 23,
		   "www2.regions.mars: unknown region \"mars\" (not in the config's regions)");
	diag_free(&d);
}
END_TEST

/* ---- ranking ---- */

static const char *rank_services =
	"{\n"
	"  \"r\": {\"fallback\": \"ap-south\", \"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"]}, \"eu-west\": {\"A\": [\"198.51.100.10\"]},\n"
	"    \"ap-south\": {\"A\": [\"203.0.113.10\"]}, \"sa-east\": {\"A\": [\"192.0.2.40\"]}}},\n"
	"  \"ov\": {\"fallback\": \"sa-east\", \"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"]}, \"eu-west\": {\"A\": [\"198.51.100.10\"]},\n"
	"    \"ap-south\": {\"A\": [\"203.0.113.10\"]}, \"sa-east\": {\"A\": [\"192.0.2.40\"]}},\n"
	"    \"countries\": {\"CN\": \"sa-east\", \"GB\": \"us-east\", \"DE\": \"eu-west\"},\n"
	"    \"continents\": {\"OC\": \"us-east\", \"EU\": \"sa-east\"}},\n"
	"  \"same\": {\"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"]}, \"eu-west\": {\"A\": [\"198.51.100.10\"]},\n"
	"    \"ap-south\": {\"A\": [\"203.0.113.10\"]}, \"sa-east\": {\"A\": [\"192.0.2.40\"]}},\n"
	"    \"countries\": {\"DE\": \"eu-west\"}, \"continents\": {\"EU\": \"eu-west\"}}\n"
	"}\n";

/* The ranked region names joined by ','. */
static const char *ranked(const struct service *s, const struct geo_location *loc)
{
	static char buf[256];
	uint8_t order[SERVICE_MAX_REGIONS];
	unsigned n = svc_rank(s, rt, loc, order);
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		ck_assert_uint_lt(order[i], s->nregions);
		strcat(buf, i ? "," : "");
		strcat(buf, region_name(s, order[i]));
	}
	return buf;
}

static struct geo_location at(double lat, double lon, const char *cc, const char *ct)
{
	struct geo_location l = {.has_coords = true, .lat = lat, .lon = lon};
	snprintf(l.country, sizeof(l.country), "%s", cc);
	snprintf(l.continent, sizeof(l.continent), "%s", ct);
	return l;
}

static struct geo_location nocoords(const char *cc, const char *ct)
{
	struct geo_location l = at(0, 0, cc, ct);
	l.has_coords = false;
	return l;
}

START_TEST(test_rank_distance)
{
	struct service_set *set = load_ok("svc-unit-rank.json", rank_services);
	const struct service *s = svc_named(set, "r.example.com.");
	struct geo_location l;
	/* near each region: it comes first, the rest by distance */
	l = at(40.7, -74.0, "US", "NA"); /* New York */
	ck_assert_str_eq(ranked(s, &l), "us-east,eu-west,sa-east,ap-south");
	l = at(51.5, -0.1, "GB", "EU"); /* London */
	ck_assert_str_eq(ranked(s, &l), "eu-west,us-east,sa-east,ap-south");
	l = at(1.35, 103.8, "SG", "AS"); /* Singapore */
	ck_assert_str_eq(ranked(s, &l), "ap-south,eu-west,us-east,sa-east");
	l = at(-23.5, -46.6, "BR", "SA"); /* Sao Paulo */
	ck_assert_str_eq(ranked(s, &l), "sa-east,us-east,eu-west,ap-south");
	l = at(-33.9, 151.2, "AU", "OC"); /* Sydney */
	ck_assert_str_eq(ranked(s, &l), "ap-south,sa-east,us-east,eu-west");
	/* coordinates alone decide, not the codes */
	l = at(40.7, -74.0, "", "");
	ck_assert_str_eq(ranked(s, &l), "us-east,eu-west,sa-east,ap-south");
	set->svcs[0].regions[0].weight = 0; /* weights do not change the rank */
	ck_assert_str_eq(ranked(s, &l), "us-east,eu-west,sa-east,ap-south");
	service_set_free(set);
}
END_TEST

START_TEST(test_rank_overrides)
{
	struct service_set *set = load_ok("svc-unit-rank.json", rank_services);
	const struct service *s = svc_named(set, "ov.example.com.");
	struct geo_location l;
	/* country override beats distance: Beijing (CN) to sa-east, then the
	 * rest by distance from Beijing */
	l = at(39.9, 116.4, "CN", "AS");
	ck_assert_str_eq(ranked(s, &l), "sa-east,ap-south,eu-west,us-east");
	/* continent override: Sydney (AU, OC) to us-east */
	l = at(-33.9, 151.2, "AU", "OC");
	ck_assert_str_eq(ranked(s, &l), "us-east,ap-south,sa-east,eu-west");
	/* both: the country's region, then the continent's, then distance */
	l = at(51.5, -0.1, "GB", "EU");
	ck_assert_str_eq(ranked(s, &l), "us-east,sa-east,eu-west,ap-south");
	/* continent only (FR has no country override) */
	l = at(48.9, 2.35, "FR", "EU");
	ck_assert_str_eq(ranked(s, &l), "sa-east,eu-west,us-east,ap-south");
	/* DE: the country override, then the continent's region */
	l = at(50.1, 8.7, "DE", "EU");
	ck_assert_str_eq(ranked(s, &l), "eu-west,sa-east,us-east,ap-south");
	/* no override applies */
	l = at(40.7, -74.0, "US", "NA");
	ck_assert_str_eq(ranked(s, &l), "us-east,eu-west,sa-east,ap-south");
	/* country and continent naming the same region: listed once */
	s = svc_named(set, "same.example.com.");
	l = at(50.1, 8.7, "DE", "EU");
	ck_assert_str_eq(ranked(s, &l), "eu-west,us-east,sa-east,ap-south");
	l = at(1.35, 103.8, "DE", "EU"); /* the codes win over the coordinates */
	ck_assert_str_eq(ranked(s, &l), "eu-west,ap-south,us-east,sa-east");
	service_set_free(set);
}
END_TEST

/* The shared-position ranking (one table of region places per client
 * location, cut per service) gives svc_rank's order everywhere, with
 * overrides, continent centres and the precomputed unknown order. */
START_TEST(test_rank_positions_agree)
{
	struct service_set *set = load_ok("svc-unit-rank.json", rank_services);
	static const char *ccs[] = {"", "CN", "GB", "DE", "US"};
	static const char *cts[] = {"", "EU", "OC", "AS", "NA"};
	unsigned compared = 0;
	for (size_t k = 0; k < set->n; k++) {
		const struct service *s = &set->svcs[k];
		uint8_t a[SERVICE_MAX_REGIONS], b[SERVICE_MAX_REGIONS], pos[SVC_POSITIONS_MAX];
		unsigned na = svc_rank(s, rt, NULL, a);
		ck_assert_uint_eq(s->nunknown, na);
		ck_assert_mem_eq(s->unknown_order, a, na);
		for (int lat = -80; lat <= 80; lat += 20)
			for (int lon = -180; lon < 180; lon += 40)
				for (size_t c = 0; c < 5; c++)
					for (size_t t = 0; t < 5; t++) {
						struct geo_location l = at(lat, lon, ccs[c], cts[t]);
						if ((lat + lon) % 60 == 0)
							l.has_coords = false; /* continent centre */
						double plat, plon;
						if (!svc_location_point(&l, &plat, &plon))
							continue;
						svc_region_positions(rt, plat, plon, pos);
						na = svc_rank(s, rt, &l, a);
						unsigned nb = svc_rank_pos(s, &l, pos, b);
						ck_assert_uint_eq(na, s->nregions);
						ck_assert_uint_eq(nb, na);
						ck_assert_mem_eq(a, b, na);
						compared++;
					}
	}
	ck_assert_uint_gt(compared, 1000);
	service_set_free(set);

	/* equal distances: configuration order, not the services file's */
	struct region tie[] = {{(char *)"a", 10, 10}, {(char *)"b", 10, 10}, {(char *)"c", 40, 40}};
	struct region_table trt = {tie, 3, NULL};
	const char *path = unit_write_file("svc-unit-tie.json",
					   "{\"t\": {\"fallback\": \"c\", \"regions\": {"
					   "\"c\": {\"A\": [\"192.0.2.3\"]}, \"b\": {\"A\": [\"192.0.2.2\"]}, "
					   "\"a\": {\"A\": [\"192.0.2.1\"]}}}}\n");
	struct diag d = {0};
	set = service_set_load(path, origin, ORIGIN_STR, &trt, &d);
	ck_assert_ptr_nonnull(set);
	diag_free(&d);
	const struct service *s = &set->svcs[0];
	struct geo_location l = at(0, 0, "", "");
	uint8_t a[SERVICE_MAX_REGIONS], b[SERVICE_MAX_REGIONS], pos[SVC_POSITIONS_MAX];
	ck_assert_uint_eq(svc_rank(s, &trt, &l, a), 3);
	ck_assert_str_eq(tie[s->regions[a[0]].region].name, "a");
	ck_assert_str_eq(tie[s->regions[a[1]].region].name, "b");
	ck_assert_str_eq(tie[s->regions[a[2]].region].name, "c");
	svc_region_positions(&trt, 0, 0, pos);
	ck_assert_uint_eq(pos[0], 0);
	ck_assert_uint_eq(pos[1], 1);
	ck_assert_uint_eq(pos[2], 2);
	ck_assert_uint_eq(svc_rank_pos(s, &l, pos, b), 3);
	ck_assert_mem_eq(a, b, 3);
	/* unknown: the fallback c, then a before b */
	ck_assert_uint_eq(s->nunknown, 3);
	ck_assert_str_eq(tie[s->regions[s->unknown_order[0]].region].name, "c");
	ck_assert_str_eq(tie[s->regions[s->unknown_order[1]].region].name, "a");
	ck_assert_str_eq(tie[s->regions[s->unknown_order[2]].region].name, "b");
	service_set_free(set);
}
END_TEST

START_TEST(test_rank_unknown_and_no_coords)
{
	struct service_set *set = load_ok("svc-unit-rank.json", rank_services);
	const struct service *s = svc_named(set, "r.example.com.");
	/* unknown: the fallback (ap-south), then by distance from it */
	ck_assert_str_eq(ranked(s, NULL), "ap-south,eu-west,us-east,sa-east");
	/* a country without coordinates or continent: no point, fallback */
	struct geo_location l = nocoords("FR", "");
	ck_assert_str_eq(ranked(s, &l), "ap-south,eu-west,us-east,sa-east");
	/* no coordinates: the continent's centre, 54.5 15.3 for EU: unlike
	 * London's order, ap-south before sa-east */
	l = nocoords("FR", "EU");
	ck_assert_str_eq(ranked(s, &l), "eu-west,us-east,ap-south,sa-east");
	l = nocoords("", "AF"); /* 8.8 34.5 */
	ck_assert_str_eq(ranked(s, &l), "eu-west,ap-south,sa-east,us-east");
	l = nocoords("CA", "NA"); /* 54.5 -105.3 */
	ck_assert_str_eq(ranked(s, &l), "us-east,eu-west,sa-east,ap-south");
	l = nocoords("", "OC"); /* -22.7 140.0 */
	ck_assert_str_eq(ranked(s, &l), "ap-south,sa-east,eu-west,us-east");
	/* the other service: fallback sa-east */
	s = svc_named(set, "ov.example.com.");
	ck_assert_str_eq(ranked(s, NULL), "sa-east,us-east,eu-west,ap-south");
	/* override, then the continent centre (AS 34.0 100.6) */
	l = nocoords("CN", "AS");
	ck_assert_str_eq(ranked(s, &l), "sa-east,ap-south,eu-west,us-east");
	/* the default fallback is the first listed region */
	s = svc_named(set, "same.example.com.");
	ck_assert_str_eq(ranked(s, NULL), "us-east,eu-west,sa-east,ap-south");
	service_set_free(set);
}
END_TEST

START_TEST(test_rank_property)
{
	/* many points: a permutation, in non-decreasing distance */
	struct service_set *set = load_ok("svc-unit-rank.json", rank_services);
	const struct service *s = svc_named(set, "r.example.com.");
	uint64_t x = 12345;
	unsigned bad = 0;
	for (int i = 0; i < 2000; i++) {
		x = mix64(x + 1);
		double lat = (double)(x % 18000) / 100.0 - 90.0;
		double lon = (double)((x >> 20) % 36000) / 100.0 - 180.0;
		struct geo_location l = at(lat, lon, "", "");
		uint8_t order[SERVICE_MAX_REGIONS];
		unsigned n = svc_rank(s, rt, &l, order);
		/* (counted, not asserted per point: every Check assertion costs
		 * a message to the runner) */
		bad += n != 4;
		bool seen[4] = {false};
		double prev = -1;
		for (unsigned k = 0; k < n && k < 4; k++) {
			if (order[k] >= 4 || seen[order[k]]) {
				bad++;
				break;
			}
			seen[order[k]] = true;
			const struct region *r = &rt->regions[s->regions[order[k]].region];
			double d = geo_distance_km(lat, lon, r->lat, r->lon);
			bad += d < prev;
			prev = d;
		}
	}
	ck_assert_uint_eq(bad, 0);
	service_set_free(set);
}
END_TEST

/* ---- choosing ---- */

static const char *choose_services =
	"{\n"
	"  \"plain\": {\"regions\": {\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.10\", \"198.51.100.11\"]},\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"], \"AAAA\": [\"2001:db8:1::10\"]}}},\n"
	"  \"drained\": {\"regions\": {\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.10\"], \"weight\": 0},\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"]}}},\n"
	"  \"dead\": {\"regions\": {\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.10\", \"198.51.100.11\"], \"weight\": 0},\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"], \"weight\": 0}}},\n"
	"  \"split\": {\"regions\": {\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.10\"], \"weight\": 30},\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"]}}},\n"
	"  \"splitdead\": {\"regions\": {\n"
	"    \"eu-west\": {\"A\": [\"198.51.100.10\"], \"weight\": 30},\n"
	"    \"us-east\": {\"A\": [\"192.0.2.10\"], \"weight\": 0}}},\n"
	"  \"multi\": {\"max_answers\": 2, \"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.1\", \"192.0.2.2\", \"192.0.2.3\", \"192.0.2.4\",\n"
	"                      \"192.0.2.5\"], \"AAAA\": [\"2001:db8::1\"]}}}\n"
	"}\n";

/* The same "multi" service without 192.0.2.3. */
static const char *choose_services4 =
	"{\n"
	"  \"multi\": {\"max_answers\": 2, \"regions\": {\n"
	"    \"us-east\": {\"A\": [\"192.0.2.1\", \"192.0.2.2\", \"192.0.2.4\", \"192.0.2.5\"]}}}\n"
	"}\n";

#define NCLIENTS 100000

/* The hash of client network i: 100000 distinct /24s (host byte set too,
 * it is masked away). */
static uint64_t client(unsigned i)
{
	uint8_t a[4] = {(uint8_t)(1 + (i >> 16)), (uint8_t)(i >> 8), (uint8_t)i, 77};
	return svc_client_hash(1, a, 24);
}

static const uint8_t order01[] = {0, 1}, order10[] = {1, 0}, order0[] = {0};

START_TEST(test_choose_plain)
{
	struct service_set *set = load_ok("svc-unit-choose.json", choose_services);
	const struct service *s = svc_named(set, "plain.example.com.");
	struct svc_choice c;
	/* every weight 100: the first in order, every endpoint in order */
	unsigned bad = 0;
	for (unsigned i = 0; i < 1000; i++) {
		svc_choose(s, order01, 2, client(i), LDNS_RR_TYPE_A, NULL, &c);
		bad += c.sr != &s->regions[0] || c.fail_open || c.hashed || c.n != 2 ||
		       c.eps[0] != &s->regions[0].a[0] || c.eps[1] != &s->regions[0].a[1];
	}
	ck_assert_uint_eq(bad, 0);
	svc_choose(s, order01, 2, client(7), LDNS_RR_TYPE_A, NULL, &c);
	ck_assert_ptr_eq(c.sr, &s->regions[0]);
	ck_assert(!c.fail_open);
	ck_assert(!c.hashed);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_ptr_eq(c.eps[0], &s->regions[0].a[0]);
	ck_assert_ptr_eq(c.eps[1], &s->regions[0].a[1]);
	svc_choose(s, order10, 2, client(1), LDNS_RR_TYPE_A, NULL, &c);
	ck_assert_ptr_eq(c.sr, &s->regions[1]);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_mem_eq(c.eps[0]->addr, "\xc0\x00\x02\x0a", 4);
	svc_choose(s, order10, 2, client(1), LDNS_RR_TYPE_AAAA, NULL, &c);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_ptr_eq(c.eps[0], &s->regions[1].aaaa[0]);
	/* AAAA where the region has none: the region, no endpoints */
	svc_choose(s, order01, 2, client(1), LDNS_RR_TYPE_AAAA, NULL, &c);
	ck_assert_ptr_eq(c.sr, &s->regions[0]);
	ck_assert_uint_eq(c.n, 0);
	ck_assert(!c.fail_open);
	/* other types choose the region only */
	svc_choose(s, order10, 2, client(1), LDNS_RR_TYPE_CNAME, NULL, &c);
	ck_assert_ptr_eq(c.sr, &s->regions[1]);
	ck_assert_uint_eq(c.n, 0);
	service_set_free(set);
}
END_TEST

START_TEST(test_choose_drained_and_fail_open)
{
	struct service_set *set = load_ok("svc-unit-choose.json", choose_services);
	const struct service *s = svc_named(set, "drained.example.com.");
	struct svc_choice c;
	unsigned bad = 0;
	for (unsigned i = 0; i < 1000; i++) {
		/* weight 0: drained, every client to the next region; that
		 * does not depend on the client */
		svc_choose(s, order01, 2, client(i), LDNS_RR_TYPE_A, NULL, &c);
		bad += c.sr != &s->regions[1] || c.fail_open || c.hashed || c.n != 1;
	}
	ck_assert_uint_eq(bad, 0);
	svc_choose(s, order01, 2, client(7), LDNS_RR_TYPE_A, NULL, &c);
	ck_assert_ptr_eq(c.sr, &s->regions[1]);
	ck_assert(!c.fail_open);
	ck_assert(!c.hashed);
	ck_assert_uint_eq(c.n, 1);
	/* drained and alone: fail open with it */
	svc_choose(s, order0, 1, client(5), LDNS_RR_TYPE_A, NULL, &c);
	ck_assert_ptr_eq(c.sr, &s->regions[0]);
	ck_assert(c.fail_open);
	s = svc_named(set, "dead.example.com.");
	for (unsigned i = 0; i < 1000; i++) {
		/* every region drained: fail open with the closest (first in
		 * order), all of its endpoints, nothing hashed */
		svc_choose(s, order01, 2, client(i), LDNS_RR_TYPE_A, NULL, &c);
		bad += c.sr != &s->regions[0] || !c.fail_open || c.hashed || c.n != 2;
		svc_choose(s, order10, 2, client(i), LDNS_RR_TYPE_A, NULL, &c);
		bad += c.sr != &s->regions[1] || !c.fail_open || c.hashed || c.n != 1;
	}
	ck_assert_uint_eq(bad, 0);
	svc_choose(s, order01, 2, client(7), LDNS_RR_TYPE_A, NULL, &c);
	ck_assert_ptr_eq(c.sr, &s->regions[0]);
	ck_assert(c.fail_open);
	ck_assert(!c.hashed);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_ptr_eq(c.eps[0], &s->regions[0].a[0]);
	ck_assert_ptr_eq(c.eps[1], &s->regions[0].a[1]);
	service_set_free(set);
}
END_TEST

START_TEST(test_choose_weight_split)
{
	struct service_set *set = load_ok("svc-unit-choose.json", choose_services);
	const struct service *s = svc_named(set, "split.example.com.");
	struct svc_choice c, c2;
	unsigned kept = 0, bad = 0, unstable = 0;
	for (unsigned i = 0; i < NCLIENTS; i++) {
		uint64_t h = client(i);
		svc_choose(s, order01, 2, h, LDNS_RR_TYPE_A, NULL, &c);
		bad += !c.hashed || c.fail_open || c.n != 1 ||
		       (c.sr != &s->regions[0] && c.sr != &s->regions[1]) ||
		       c.eps[0] != &c.sr->a[0];
		if (c.sr == &s->regions[0])
			kept++;
		/* stable: the same client, the same answer */
		svc_choose(s, order01, 2, h, LDNS_RR_TYPE_A, NULL, &c2);
		unstable += c2.sr != c.sr || c2.eps[0] != c.eps[0];
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(unstable, 0);
	/* weight 30: 30% +-2% of the clients stay */
	ck_assert_msg(kept >= 28000 && kept <= 32000, "kept %u of %u", kept, NCLIENTS);
	/* the second region (weight 100) first: it keeps everyone, no split */
	svc_choose(s, order10, 2, client(3), LDNS_RR_TYPE_A, NULL, &c);
	ck_assert_ptr_eq(c.sr, &s->regions[1]);
	ck_assert(!c.hashed);
	/* 30% kept, the rest spill to a drained region and have nowhere to go:
	 * the closest region with a share (the first) takes them; that is not
	 * a fail-open (a region is up with a share), and the split was hashed */
	s = svc_named(set, "splitdead.example.com.");
	unsigned open = 0;
	bad = 0;
	for (unsigned i = 0; i < NCLIENTS; i++) {
		svc_choose(s, order01, 2, client(i), LDNS_RR_TYPE_A, NULL, &c);
		bad += c.sr != &s->regions[0] || c.n != 1 || !c.hashed;
		open += c.fail_open;
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(open, 0);
	service_set_free(set);
}
END_TEST

START_TEST(test_choose_stable_across_loads)
{
	/* the choice depends on the service name, the client network and the
	 * addresses only: a reload gives the same answers */
	struct service_set *a = load_ok("svc-unit-choose.json", choose_services);
	struct service_set *b = load_ok("svc-unit-choose2.json", choose_services);
	const struct service *sa = svc_named(a, "multi.example.com.");
	const struct service *sb = svc_named(b, "multi.example.com.");
	const struct service *pa = svc_named(a, "split.example.com.");
	const struct service *pb = svc_named(b, "split.example.com.");
	unsigned differ = 0;
	for (unsigned i = 0; i < 10000; i++) {
		struct svc_choice ca, cb;
		svc_choose(sa, order0, 1, client(i), LDNS_RR_TYPE_A, NULL, &ca);
		svc_choose(sb, order0, 1, client(i), LDNS_RR_TYPE_A, NULL, &cb);
		differ += ca.n != 2 || cb.n != 2 || memcmp(ca.eps[0]->addr, cb.eps[0]->addr, 4) ||
			  memcmp(ca.eps[1]->addr, cb.eps[1]->addr, 4);
		svc_choose(pa, order01, 2, client(i), LDNS_RR_TYPE_A, NULL, &ca);
		svc_choose(pb, order01, 2, client(i), LDNS_RR_TYPE_A, NULL, &cb);
		differ += ca.sr - pa->regions != cb.sr - pb->regions;
	}
	ck_assert_uint_eq(differ, 0);
	service_set_free(a);
	service_set_free(b);
}
END_TEST

/* Index of the chosen endpoint's last address byte (192.0.2.X). */
static unsigned last_byte(const struct endpoint *e)
{
	return e->addr[3];
}

START_TEST(test_choose_max_answers)
{
	struct service_set *set = load_ok("svc-unit-choose.json", choose_services);
	const struct service *s = svc_named(set, "multi.example.com.");
	unsigned used[6] = {0}, bad = 0, unstable = 0;
	for (unsigned i = 0; i < NCLIENTS; i++) {
		struct svc_choice c, c2;
		uint64_t h = client(i);
		svc_choose(s, order0, 1, h, LDNS_RR_TYPE_A, NULL, &c);
		/* two different endpoints, in the configured order */
		if (!c.hashed || c.fail_open || c.n != 2 || c.eps[0] >= c.eps[1]) {
			bad++;
			continue;
		}
		used[last_byte(c.eps[0])]++;
		used[last_byte(c.eps[1])]++;
		svc_choose(s, order0, 1, h, LDNS_RR_TYPE_A, NULL, &c2);
		unstable += c2.n != 2 || c2.eps[0] != c.eps[0] || c2.eps[1] != c.eps[1];
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(unstable, 0);
	/* every endpoint serves 2/5 of the clients, +-2% */
	for (unsigned k = 1; k <= 5; k++)
		ck_assert_msg(used[k] >= 38000 && used[k] <= 42000, "192.0.2.%u: %u clients", k,
			      used[k]);
	/* AAAA: one endpoint, max_answers 2 takes all: nothing hashed */
	struct svc_choice c;
	svc_choose(s, order0, 1, client(9), LDNS_RR_TYPE_AAAA, NULL, &c);
	ck_assert_uint_eq(c.n, 1);
	ck_assert(!c.hashed);
	service_set_free(set);
}
END_TEST

START_TEST(test_choose_rendezvous_removal)
{
	struct service_set *s5 = load_ok("svc-unit-choose.json", choose_services);
	struct service_set *s4 = load_ok("svc-unit-choose4.json", choose_services4);
	const struct service *a = svc_named(s5, "multi.example.com.");
	const struct service *b = svc_named(s4, "multi.example.com.");
	unsigned had_removed = 0, moved_without_cause = 0, lost_other = 0, bad = 0;
	for (unsigned i = 0; i < NCLIENTS; i++) {
		struct svc_choice c5, c4;
		svc_choose(a, order0, 1, client(i), LDNS_RR_TYPE_A, NULL, &c5);
		svc_choose(b, order0, 1, client(i), LDNS_RR_TYPE_A, NULL, &c4);
		if (c5.n != 2 || c4.n != 2) {
			bad++;
			continue;
		}
		unsigned x0 = last_byte(c5.eps[0]), x1 = last_byte(c5.eps[1]);
		unsigned y0 = last_byte(c4.eps[0]), y1 = last_byte(c4.eps[1]);
		if (x0 == 3 || x1 == 3) {
			/* it had the removed endpoint: it keeps its other one */
			had_removed++;
			unsigned other = x0 == 3 ? x1 : x0;
			if (y0 != other && y1 != other)
				lost_other++;
		} else if (x0 != y0 || x1 != y1) {
			moved_without_cause++;
		}
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(moved_without_cause, 0);
	ck_assert_uint_eq(lost_other, 0);
	ck_assert_msg(had_removed >= 38000 && had_removed <= 42000, "%u", had_removed);
	service_set_free(s5);
	service_set_free(s4);
}
END_TEST

START_TEST(test_client_hash)
{
	uint8_t a[16] = {192, 0, 2, 5}, b[16] = {192, 0, 2, 200}, c[16] = {192, 0, 3, 5};
	/* host bits are masked: one /24, one hash */
	ck_assert(svc_client_hash(1, a, 24) == svc_client_hash(1, b, 24));
	ck_assert(svc_client_hash(1, a, 24) != svc_client_hash(1, c, 24));
	ck_assert(svc_client_hash(1, a, 32) != svc_client_hash(1, b, 32));
	ck_assert(svc_client_hash(1, a, 16) == svc_client_hash(1, c, 16));
	/* the prefix length is part of the identity */
	ck_assert(svc_client_hash(1, a, 24) != svc_client_hash(1, a, 23));
	/* the family matters: the same bytes as IPv6 */
	ck_assert(svc_client_hash(1, a, 24) != svc_client_hash(2, a, 24));
	/* IPv6 /56: bytes 0..6 count, byte 7 and beyond do not */
	uint8_t x[16], y[16], z[16];
	inet_pton(AF_INET6, "2001:db8:0:1::1", x);
	inet_pton(AF_INET6, "2001:db8:0:ff:ffff::1", y);
	inet_pton(AF_INET6, "2001:db8:0:100::1", z);
	ck_assert(svc_client_hash(2, x, 56) == svc_client_hash(2, y, 56));
	ck_assert(svc_client_hash(2, x, 56) != svc_client_hash(2, z, 56));
	ck_assert(svc_client_hash(2, x, 64) != svc_client_hash(2, y, 64));
	/* 100000 distinct /24s: no collision among their hashes */
	uint64_t *h = malloc(NCLIENTS * sizeof(*h));
	for (unsigned i = 0; i < NCLIENTS; i++)
		h[i] = client(i);
	unsigned coll = 0;
	for (unsigned i = 0; i < NCLIENTS; i++)
		for (unsigned j = i + 1; j < i + 300 && j < NCLIENTS; j++)
			coll += h[i] == h[j];
	free(h);
	ck_assert_uint_eq(coll, 0);
}
END_TEST

/* ---- choosing with health snapshots ---- */

/* A service of up to 4 regions built by hand: region r of the service is
 * region table index r (us-east 0, eu-west 1, ap-south 2, sa-east 3). */
struct test_svc {
	struct service s;
	struct service_region regions[4];
	struct endpoint a[4][4], aaaa[4][4];
};

static void set_v4(struct endpoint *e, const char *s)
{
	memset(e, 0, sizeof(*e));
	ck_assert_int_eq(inet_pton(AF_INET, s, e->addr), 1);
	e->hash = mix64(((uint64_t)e->addr[0] << 24 | (uint64_t)e->addr[1] << 16 |
	                   (uint64_t)e->addr[2] << 8 | e->addr[3]) ^
	                  0x4444);
}

static void set_v6(struct endpoint *e, const char *s)
{
	memset(e, 0, sizeof(*e));
	ck_assert_int_eq(inet_pton(AF_INET6, s, e->addr), 1);
	uint64_t h = 0x6666;
	for (int i = 0; i < 16; i++)
		h = mix64(h ^ e->addr[i]);
	e->hash = h;
}

/* Region r: A 10.0.r.1 .. 10.0.r.na, AAAA 2001:db8:r::1 .. ::naaaa, weight w. */
static void svc_init(struct test_svc *t, unsigned nregions, unsigned na, unsigned naaaa)
{
	memset(t, 0, sizeof(*t));
	t->s.name_str = (char *)"www.example.com.";
	t->s.seed = 0x1234567890abcdefull;
	t->s.ttl = 30;
	t->s.nregions = (uint8_t)nregions;
	t->s.regions = t->regions;
	for (unsigned r = 0; r < nregions; r++) {
		struct service_region *sr = &t->regions[r];
		sr->region = (uint16_t)r;
		sr->weight = 100;
		sr->na = (uint8_t)na;
		sr->naaaa = (uint8_t)naaaa;
		sr->a = na ? t->a[r] : NULL;
		sr->aaaa = naaaa ? t->aaaa[r] : NULL;
		char buf[64];
		for (unsigned i = 0; i < na; i++) {
			snprintf(buf, sizeof(buf), "10.0.%u.%u", r, i + 1);
			set_v4(&t->a[r][i], buf);
		}
		for (unsigned i = 0; i < naaaa; i++) {
			snprintf(buf, sizeof(buf), "2001:db8:%u::%u", r, i + 1);
			set_v6(&t->aaaa[r][i], buf);
		}
	}
}

/* A snapshot of n regions, all up at weight 100 with nothing down. */
struct test_hs {
	struct health_snapshot hs;
	struct health_region regions[4];
	uint8_t down[4][8][17];
};

static void hs_init(struct test_hs *t, size_t n)
{
	memset(t, 0, sizeof(*t));
	t->hs.generation = 1;
	t->hs.n = n;
	t->hs.regions = t->regions;
	for (size_t r = 0; r < n; r++) {
		t->regions[r].up = true;
		t->regions[r].weight = 100;
		t->regions[r].down = (const uint8_t(*)[17])t->down[r];
	}
}

/* Add a down endpoint; a down list is sorted (include/health.h), so they
 * must come in ascending order. */
static void hs_down(struct test_hs *t, size_t region, uint8_t family, const uint8_t *addr)
{
	struct health_region *r = &t->regions[region];
	ck_assert_uint_lt(r->ndown, 8);
	uint8_t *d = t->down[region][r->ndown++];
	memset(d, 0, 17);
	d[0] = family;
	memcpy(d + 1, addr, family == 2 ? 16 : 4);
	if (r->ndown > 1)
		ck_assert_int_lt(memcmp(d - 17, d, 17), 0);
}

static uint64_t hs_client(unsigned i)
{
	uint8_t a[4] = {(uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, 77};
	return svc_client_hash(1, a, 24);
}

static const uint8_t order012[] = {0, 1, 2};

/* out must be region sr_index of t with exactly the endpoints want[] (in
 * configured order) of the family. */
static void expect_eps(const struct svc_choice *c, const struct endpoint *want[], unsigned n)
{
	ck_assert_uint_eq(c->n, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_ptr_eq(c->eps[i], want[i]);
}

START_TEST(test_choose_no_health_is_all_up)
{
	struct test_svc t;
	svc_init(&t, 3, 2, 2);
	struct svc_choice c;
	for (unsigned i = 0; i < 200; i++) {
		svc_choose(&t.s, order012, 3, hs_client(i), 1, NULL, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[0]);
		ck_assert(!c.fail_open);
		ck_assert(!c.hashed);
		const struct endpoint *w[] = {&t.a[0][0], &t.a[0][1]};
		expect_eps(&c, w, 2);
	}
	/* a full-health snapshot gives the same answers */
	struct test_hs h;
	hs_init(&h, 3);
	svc_choose(&t.s, order012, 3, hs_client(1), 28, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[0]);
	ck_assert(!c.fail_open);
	ck_assert(!c.hashed);
	const struct endpoint *w6[] = {&t.aaaa[0][0], &t.aaaa[0][1]};
	expect_eps(&c, w6, 2);
}
END_TEST

START_TEST(test_choose_region_down_skipped)
{
	struct test_svc t;
	svc_init(&t, 3, 2, 1);
	struct test_hs h;
	hs_init(&h, 3);
	h.regions[0].up = false;
	struct svc_choice c;
	for (unsigned i = 0; i < 200; i++) {
		svc_choose(&t.s, order012, 3, hs_client(i), 1, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[1]);
		ck_assert(!c.fail_open);
		const struct endpoint *w[] = {&t.a[1][0], &t.a[1][1]};
		expect_eps(&c, w, 2);
	}
	/* the second down too: the third */
	h.regions[1].up = false;
	svc_choose(&t.s, order012, 3, hs_client(5), 28, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[2]);
	ck_assert(!c.fail_open);
	const struct endpoint *w6[] = {&t.aaaa[2][0]};
	expect_eps(&c, w6, 1);
	/* qtype other than A/AAAA chooses the region only */
	svc_choose(&t.s, order012, 3, hs_client(5), 16, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[2]);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

START_TEST(test_choose_all_endpoints_down_skipped)
{
	/* region 0 has A endpoints only, every one of them down: the region is
	 * down although its flag says up */
	struct test_svc t;
	svc_init(&t, 3, 2, 0);
	struct test_hs h;
	hs_init(&h, 3);
	hs_down(&h, 0, 1, t.a[0][0].addr);
	hs_down(&h, 0, 1, t.a[0][1].addr);
	struct svc_choice c;
	for (unsigned i = 0; i < 200; i++) {
		svc_choose(&t.s, order012, 3, hs_client(i), 1, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[1]);
		ck_assert(!c.fail_open);
		const struct endpoint *w[] = {&t.a[1][0], &t.a[1][1]};
		expect_eps(&c, w, 2);
	}
	/* one of them back: region 0 again, with only that endpoint */
	h.regions[0].ndown = 1; /* only 10.0.0.1 down */
	svc_choose(&t.s, order012, 3, hs_client(3), 1, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[0]);
	const struct endpoint *w[] = {&t.a[0][1]};
	expect_eps(&c, w, 1);

	/* every A endpoint down but an AAAA one healthy: the region is usable,
	 * an A query gets NODATA from it (no fallback to the next region) */
	svc_init(&t, 3, 2, 1);
	hs_init(&h, 3);
	hs_down(&h, 0, 1, t.a[0][0].addr);
	hs_down(&h, 0, 1, t.a[0][1].addr);
	svc_choose(&t.s, order012, 3, hs_client(3), 1, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[0]);
	ck_assert(!c.fail_open);
	ck_assert_uint_eq(c.n, 0);
	svc_choose(&t.s, order012, 3, hs_client(3), 28, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[0]);
	const struct endpoint *w6[] = {&t.aaaa[0][0]};
	expect_eps(&c, w6, 1);

	/* a down entry with the same bytes in the other family does not count */
	svc_init(&t, 3, 1, 0);
	hs_init(&h, 3);
	uint8_t v6[16] = {0};
	memcpy(v6, t.a[0][0].addr, 4);
	hs_down(&h, 0, 2, v6);
	svc_choose(&t.s, order012, 3, hs_client(3), 1, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[0]);
	const struct endpoint *w1[] = {&t.a[0][0]};
	expect_eps(&c, w1, 1);
	/* the down list of another region does not count either */
	hs_init(&h, 3);
	hs_down(&h, 1, 1, t.a[0][0].addr);
	svc_choose(&t.s, order012, 3, hs_client(3), 1, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[0]);
	expect_eps(&c, w1, 1);
}
END_TEST

START_TEST(test_choose_unhealthy_endpoints_left_out)
{
	struct test_svc t;
	svc_init(&t, 2, 4, 3);
	struct test_hs h;
	hs_init(&h, 2);
	hs_down(&h, 0, 1, t.a[0][1].addr);
	hs_down(&h, 0, 1, t.a[0][3].addr);
	hs_down(&h, 0, 2, t.aaaa[0][0].addr);
	struct svc_choice c;
	for (unsigned i = 0; i < 100; i++) {
		svc_choose(&t.s, order012, 2, hs_client(i), 1, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[0]);
		ck_assert(!c.fail_open);
		const struct endpoint *w[] = {&t.a[0][0], &t.a[0][2]};
		expect_eps(&c, w, 2);
		svc_choose(&t.s, order012, 2, hs_client(i), 28, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[0]);
		const struct endpoint *w6[] = {&t.aaaa[0][1], &t.aaaa[0][2]};
		expect_eps(&c, w6, 2);
	}
	/* max_answers 1 among the healthy: never a down endpoint, and both
	 * healthy ones are used by some clients */
	t.s.max_answers = 1;
	unsigned seen[4] = {0};
	for (unsigned i = 0; i < 2000; i++) {
		svc_choose(&t.s, order012, 2, hs_client(i), 1, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[0]);
		ck_assert_uint_eq(c.n, 1);
		ck_assert(c.hashed);
		seen[c.eps[0] - t.a[0]]++;
	}
	ck_assert_uint_eq(seen[1], 0);
	ck_assert_uint_eq(seen[3], 0);
	ck_assert_uint_gt(seen[0], 0);
	ck_assert_uint_gt(seen[2], 0);
	ck_assert_uint_eq(seen[0] + seen[2], 2000);
}
END_TEST

START_TEST(test_choose_drain)
{
	struct test_svc t;
	svc_init(&t, 3, 1, 0);
	struct test_hs h;
	hs_init(&h, 3);
	h.regions[0].weight = 0;
	struct svc_choice c;
	for (unsigned i = 0; i < 5000; i++) {
		svc_choose(&t.s, order012, 3, hs_client(i), 1, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[1]);
		ck_assert(!c.fail_open);
		const struct endpoint *w[] = {&t.a[1][0]};
		expect_eps(&c, w, 1);
	}
	/* the next one drained too: the third */
	h.regions[1].weight = 0;
	for (unsigned i = 0; i < 1000; i++) {
		svc_choose(&t.s, order012, 3, hs_client(i), 1, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[2]);
		ck_assert(!c.fail_open);
	}
	/* a static weight of 0 drains the same way under full feed weight */
	hs_init(&h, 3);
	t.regions[0].weight = 0;
	for (unsigned i = 0; i < 1000; i++) {
		svc_choose(&t.s, order012, 3, hs_client(i), 1, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[1]);
	}
}
END_TEST

START_TEST(test_choose_fail_open)
{
	struct test_svc t;
	svc_init(&t, 3, 3, 2);
	struct test_hs h;
	hs_init(&h, 3);
	for (int r = 0; r < 3; r++)
		h.regions[r].up = false;
	hs_down(&h, 0, 1, t.a[0][0].addr);
	hs_down(&h, 1, 1, t.a[1][0].addr);
	hs_down(&h, 2, 1, t.a[2][2].addr);
	struct svc_choice c;
	/* the closest region in the order, with its healthy endpoints */
	svc_choose(&t.s, order012, 3, hs_client(1), 1, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[0]);
	ck_assert(c.fail_open);
	ck_assert(!c.hashed);
	const struct endpoint *w0[] = {&t.a[0][1], &t.a[0][2]};
	expect_eps(&c, w0, 2);
	static const uint8_t order201[] = {2, 0, 1};
	svc_choose(&t.s, order201, 3, hs_client(1), 1, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[2]);
	ck_assert(c.fail_open);
	const struct endpoint *w2[] = {&t.a[2][0], &t.a[2][1]};
	expect_eps(&c, w2, 2);
	svc_choose(&t.s, order201, 3, hs_client(1), 28, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[2]);
	ck_assert(c.fail_open);
	const struct endpoint *w26[] = {&t.aaaa[2][0], &t.aaaa[2][1]};
	expect_eps(&c, w26, 2);

	/* none healthy in the closest: all of its endpoints */
	for (unsigned i = 1; i < 3; i++)
		hs_down(&h, 0, 1, t.a[0][i].addr);
	hs_down(&h, 0, 2, t.aaaa[0][0].addr);
	hs_down(&h, 0, 2, t.aaaa[0][1].addr);
	h.regions[1].up = true; /* region 1 up: no fail open, region 1 answers */
	svc_choose(&t.s, order012, 3, hs_client(1), 1, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[1]);
	ck_assert(!c.fail_open);
	const struct endpoint *w1[] = {&t.a[1][1], &t.a[1][2]};
	expect_eps(&c, w1, 2);
	h.regions[1].up = false;
	svc_choose(&t.s, order012, 3, hs_client(1), 1, &h.hs, &c);
	ck_assert_ptr_eq(c.sr, &t.regions[0]);
	ck_assert(c.fail_open);
	const struct endpoint *wall[] = {&t.a[0][0], &t.a[0][1], &t.a[0][2]};
	expect_eps(&c, wall, 3);
	svc_choose(&t.s, order012, 3, hs_client(1), 28, &h.hs, &c);
	ck_assert(c.fail_open);
	const struct endpoint *wall6[] = {&t.aaaa[0][0], &t.aaaa[0][1]};
	expect_eps(&c, wall6, 2);

	/* every region up but drained: fail open with the closest too */
	hs_init(&h, 3);
	for (int r = 0; r < 3; r++)
		h.regions[r].weight = 0;
	for (unsigned i = 0; i < 500; i++) {
		svc_choose(&t.s, order201, 3, hs_client(i), 1, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[2]);
		ck_assert(c.fail_open);
		const struct endpoint *w[] = {&t.a[2][0], &t.a[2][1], &t.a[2][2]};
		expect_eps(&c, w, 3);
	}
}
END_TEST

/* Share of 100000 clients that region 0 keeps, the rest must go to region 1. */
static unsigned spill_count(struct test_svc *t, const struct test_hs *h)
{
	unsigned kept = 0, spilled = 0;
	struct svc_choice c, c2;
	for (unsigned i = 0; i < 100000; i++) {
		uint64_t ch = hs_client(i);
		svc_choose(&t->s, order012, 2, ch, 1, &h->hs, &c);
		ck_assert(!c.fail_open);
		ck_assert(c.hashed); /* the split depends on the client */
		if (c.sr == &t->regions[0])
			kept++;
		else if (c.sr == &t->regions[1])
			spilled++;
		else
			ck_abort_msg("client %u: region %td", i, c.sr - t->regions);
		if (i % 97 == 0) { /* stable per client */
			svc_choose(&t->s, order012, 2, ch, 1, &h->hs, &c2);
			ck_assert_ptr_eq(c2.sr, c.sr);
		}
	}
	ck_assert_uint_eq(kept + spilled, 100000);
	return kept;
}

START_TEST(test_choose_spill_feed_weight)
{
	struct test_svc t;
	svc_init(&t, 2, 1, 0);
	struct test_hs h;
	hs_init(&h, 2);
	h.regions[0].weight = 30;
	unsigned kept = spill_count(&t, &h);
	ck_assert_msg(kept >= 28000 && kept <= 32000, "kept %u of 100000, want 30%% +-2%%", kept);
}
END_TEST

START_TEST(test_choose_spill_both_weights)
{
	struct test_svc t;
	svc_init(&t, 2, 1, 0);
	t.regions[0].weight = 50;
	struct test_hs h;
	hs_init(&h, 2);
	h.regions[0].weight = 50;
	unsigned kept = spill_count(&t, &h);
	ck_assert_msg(kept >= 23000 && kept <= 27000, "kept %u of 100000, want 25%% +-2%%", kept);
}
END_TEST

START_TEST(test_choose_spill_static_weight_full_feed)
{
	/* static 70, feed 100 (the default when absent): 70% */
	struct test_svc t;
	svc_init(&t, 2, 1, 0);
	t.regions[0].weight = 70;
	struct test_hs h;
	hs_init(&h, 2);
	unsigned kept = spill_count(&t, &h);
	ck_assert_msg(kept >= 68000 && kept <= 72000, "kept %u of 100000, want 70%% +-2%%", kept);
}
END_TEST

START_TEST(test_choose_spill_past_last_region)
{
	/* every region up and none drained, but none at full weight: some
	 * clients are kept by neither. That is not "every region down"
	 * (service.h: fail_open = every region was down; health.c logs fail
	 * open only when every region is down or at weight 0), and the region
	 * they get was decided by the weight split for their hash (hashed:
	 * "a weight split or max_answers decided it"), which answer.c needs to
	 * widen the ECS scope to the hashing prefix. */
	struct test_svc t;
	svc_init(&t, 2, 1, 0);
	struct test_hs h;
	hs_init(&h, 2);
	h.regions[0].weight = 30;
	h.regions[1].weight = 50;
	unsigned fail_open = 0, not_hashed = 0, kept0 = 0, kept1 = 0;
	struct svc_choice c;
	for (unsigned i = 0; i < 100000; i++) {
		svc_choose(&t.s, order012, 2, hs_client(i), 1, &h.hs, &c);
		fail_open += c.fail_open;
		not_hashed += !c.hashed;
		kept0 += c.sr == &t.regions[0];
		kept1 += c.sr == &t.regions[1];
		ck_assert_uint_eq(c.n, 1);
	}
	ck_assert_uint_eq(kept0 + kept1, 100000);
	ck_assert_msg(fail_open == 0 && not_hashed == 0,
	              "both regions up at weights 30 and 50: of 100000 answers %u are "
	              "flagged fail_open and %u are not flagged hashed (want 0 and 0)",
	              fail_open, not_hashed);
	/* the remainder (70% x 50% = 35%) goes to the closest region with a
	 * share: region 0 ends with 30% + 35%, region 1 with 35% */
	ck_assert_msg(kept0 >= 63000 && kept0 <= 67000, "region 0: %u of 100000, want 65%% +-2%%",
	              kept0);
	ck_assert_msg(kept1 >= 33000 && kept1 <= 37000, "region 1: %u of 100000, want 35%% +-2%%",
	              kept1);

	/* the closest drained (weight 0) and the closest with a share down:
	 * the remainder goes to the closest that is up with a share */
	svc_init(&t, 3, 1, 0);
	hs_init(&h, 3);
	h.regions[0].weight = 0;
	h.regions[1].weight = 40;
	h.regions[2].weight = 50;
	unsigned kept[3] = {0};
	for (unsigned i = 0; i < 100000; i++) {
		svc_choose(&t.s, order012, 3, hs_client(i), 1, &h.hs, &c);
		ck_assert(!c.fail_open);
		ck_assert(c.hashed);
		kept[c.sr - t.regions]++;
	}
	/* region 1: 40% + 60% x 50% = 70%; region 2: 30% */
	ck_assert_uint_eq(kept[0], 0);
	ck_assert_msg(kept[1] >= 68000 && kept[1] <= 72000, "region 1: %u, want 70%% +-2%%",
	              kept[1]);
	ck_assert_msg(kept[2] >= 28000 && kept[2] <= 32000, "region 2: %u, want 30%% +-2%%",
	              kept[2]);
	h.regions[1].up = false;
	memset(kept, 0, sizeof(kept));
	for (unsigned i = 0; i < 100000; i++) {
		svc_choose(&t.s, order012, 3, hs_client(i), 1, &h.hs, &c);
		ck_assert(!c.fail_open);
		kept[c.sr - t.regions]++;
	}
	ck_assert_uint_eq(kept[2], 100000); /* the only one left with a share */
}
END_TEST

START_TEST(test_choose_single_region_partial_weight)
{
	/* one region at feed weight 50, the only one: everyone gets it, and it
	 * is up and not drained: no fail open */
	struct test_svc t;
	svc_init(&t, 1, 1, 0);
	struct test_hs h;
	hs_init(&h, 1);
	h.regions[0].weight = 50;
	unsigned fail_open = 0;
	struct svc_choice c;
	for (unsigned i = 0; i < 10000; i++) {
		svc_choose(&t.s, order012, 1, hs_client(i), 1, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[0]);
		const struct endpoint *w[] = {&t.a[0][0]};
		expect_eps(&c, w, 1);
		fail_open += c.fail_open;
	}
	ck_assert_msg(fail_open == 0,
	              "%u of 10000 answers flagged fail_open with the only region up at "
	              "weight 50",
	              fail_open);
}
END_TEST

START_TEST(test_endpoint_up)
{
	struct test_hs h;
	hs_init(&h, 2);
	uint8_t v4[16] = {192, 0, 2, 1};
	uint8_t v4b[16] = {192, 0, 2, 2};
	uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	uint8_t v6b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
	hs_down(&h, 0, 1, v4);
	hs_down(&h, 0, 2, v6);

	ck_assert(!health_endpoint_up(&h.hs, 0, 1, v4));
	ck_assert(health_endpoint_up(&h.hs, 0, 1, v4b));
	ck_assert(!health_endpoint_up(&h.hs, 0, 2, v6));
	ck_assert(health_endpoint_up(&h.hs, 0, 2, v6b));
	/* same leading bytes, other family */
	uint8_t v6_like_v4[16] = {192, 0, 2, 1}; /* c000:201:: */
	ck_assert(health_endpoint_up(&h.hs, 0, 2, v6_like_v4));
	uint8_t v4_like_v6[4] = {0x20, 0x01, 0x0d, 0xb8}; /* 32.1.13.184 */
	ck_assert(health_endpoint_up(&h.hs, 0, 1, v4_like_v6));
	/* an IPv6 address that differs from the down one only after byte 4 */
	uint8_t v6c[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 1};
	ck_assert(health_endpoint_up(&h.hs, 0, 2, v6c));
	/* another region's list does not apply */
	ck_assert(health_endpoint_up(&h.hs, 1, 1, v4));
	ck_assert(health_endpoint_up(&h.hs, 1, 2, v6));
	/* out of range region index, NULL snapshot: up */
	ck_assert(health_endpoint_up(&h.hs, 2, 1, v4));
	ck_assert(health_endpoint_up(&h.hs, 1000, 2, v6));
	ck_assert(health_endpoint_up(NULL, 0, 1, v4));
	/* a down region does not make its endpoints down by itself */
	h.regions[0].up = false;
	ck_assert(health_endpoint_up(&h.hs, 0, 1, v4b));
}
END_TEST

START_TEST(test_choose_region_outside_snapshot)
{
	/* a snapshot with fewer regions than the table (e.g. built before a
	 * region was added): the others count as up at full weight */
	struct test_svc t;
	svc_init(&t, 3, 1, 0);
	struct test_hs h;
	hs_init(&h, 1);
	h.regions[0].up = false;
	struct svc_choice c;
	for (unsigned i = 0; i < 200; i++) {
		svc_choose(&t.s, order012, 3, hs_client(i), 1, &h.hs, &c);
		ck_assert_ptr_eq(c.sr, &t.regions[1]);
		ck_assert(!c.fail_open);
		ck_assert(!c.hashed);
	}
}
END_TEST

Suite *service_suite(void)
{
	Suite *s = suite_create("service");
	TCase *tc = tcase_create("load");
	tcase_add_test(tc, test_load_ok);
	tcase_add_test(tc, test_load_limits);
	tcase_add_test(tc, test_error_regions);
	tcase_add_test(tc, test_error_addresses);
	tcase_add_test(tc, test_error_names);
	tcase_add_test(tc, test_error_json);
	tcase_add_test(tc, test_error_options);
	tcase_add_test(tc, test_load_networks);
	tcase_add_test(tc, test_error_networks);
	tcase_add_test(tc, test_load_asns);
	tcase_add_test(tc, test_error_asns);
	tcase_add_test(tc, test_error_all_at_once);
	suite_add_tcase(s, tc);
	tc = tcase_create("zone");
	tcase_add_test(tc, test_zone_with_services);
	tcase_add_test(tc, test_zone_static_records_at_service);
	tcase_add_test(tc, test_zone_service_at_cut);
	tcase_add_test(tc, test_zone_apex_cname_and_dname);
	tcase_add_test(tc, test_zone_services_file_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("rank");
	tcase_add_test(tc, test_rank_distance);
	tcase_add_test(tc, test_rank_overrides);
	tcase_add_test(tc, test_rank_unknown_and_no_coords);
	tcase_add_test(tc, test_rank_positions_agree);
	tcase_add_test(tc, test_rank_property);
	suite_add_tcase(s, tc);
	tc = tcase_create("choose");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_choose_plain);
	tcase_add_test(tc, test_choose_drained_and_fail_open);
	tcase_add_test(tc, test_choose_weight_split);
	tcase_add_test(tc, test_choose_stable_across_loads);
	tcase_add_test(tc, test_choose_max_answers);
	tcase_add_test(tc, test_choose_rendezvous_removal);
	tcase_add_test(tc, test_client_hash);
	suite_add_tcase(s, tc);
	tc = tcase_create("choose_health");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_choose_no_health_is_all_up);
	tcase_add_test(tc, test_choose_region_down_skipped);
	tcase_add_test(tc, test_choose_all_endpoints_down_skipped);
	tcase_add_test(tc, test_choose_unhealthy_endpoints_left_out);
	tcase_add_test(tc, test_choose_drain);
	tcase_add_test(tc, test_choose_fail_open);
	tcase_add_test(tc, test_choose_spill_feed_weight);
	tcase_add_test(tc, test_choose_spill_both_weights);
	tcase_add_test(tc, test_choose_spill_static_weight_full_feed);
	tcase_add_test(tc, test_choose_spill_past_last_region);
	tcase_add_test(tc, test_choose_single_region_partial_weight);
	tcase_add_test(tc, test_endpoint_up);
	tcase_add_test(tc, test_choose_region_outside_snapshot);
	suite_add_tcase(s, tc);
	return s;
}
