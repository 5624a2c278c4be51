/*
 * test_shared_networks.c - the shared networks file (geoip.networks,
 * geo/shared_networks.c): both forms read to the same sorted list, every
 * error at its exact line (and column, for JSON), and each service's table
 * made of the shared networks naming its regions with its own "networks",
 * its own winning for the same network, every match marked with where it
 * came from.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "common/strbuf.h"
#include "geo/netmap.h"
#include "geo/service.h"
#include "geo/shared_networks.h"
#include "unit.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t origin[] = "\7example\3com";

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  %s\n", d->msgs[i]);
}

static struct shared_networks *load_ok(const char *name, const char *text)
{
	struct diag d = {0};
	struct shared_networks *nets =
	    shared_networks_load(unit_write_file(name, text), &unit_regions, &d);
	if (!nets)
		dump(&d);
	ck_assert_ptr_nonnull(nets);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
	return nets;
}

/* The file fails with exactly these messages (after "tests/tmp/unit/"). */
static void expect_errors(const char *name, const char *text, const char *const *msgs, size_t n)
{
	struct diag d = {0};
	const char *path = unit_write_file(name, text);
	ck_assert_ptr_null(shared_networks_load(path, &unit_regions, &d));
	if (d.count != n)
		dump(&d);
	ck_assert_uint_eq(d.count, n);
	ck_assert_uint_eq(d.errors, n);
	for (size_t i = 0; i < n; i++) {
		char want[512];
		snprintf(want, sizeof(want), "tests/tmp/unit/%s", msgs[i]);
		ck_assert_str_eq(d.msgs[i], want);
	}
	diag_free(&d);
}

/* entry i of nets: "network/bits region" */
static void expect_entry(const struct shared_networks *nets, size_t i, const char *text)
{
	char got[128], addr[INET6_ADDRSTRLEN];
	const struct netmap_entry *e = &nets->nets[i];
	inet_ntop(e->family == 1 ? AF_INET : AF_INET6, e->addr, addr, sizeof(addr));
	snprintf(got, sizeof(got), "%s/%u %s", addr, e->bits, unit_regions.regions[e->tag].name);
	ck_assert_str_eq(got, text);
	ck_assert_uint_eq(e->value, 0);
	ck_assert_uint_eq(e->mark, 0);
}

START_TEST(test_csv)
{
	struct shared_networks *nets = load_ok("nets-ok.csv", "# the office networks\n"
	                                                      "\n"
	                                                      "10.1.0.0/16,eu-west\n"
	                                                      "  2001:db8::/32 , ap-south  \n"
	                                                      "192.0.2.7,us-east # one host\n"
	                                                      "\t10.0.0.0/8,\tus-east\r\n"
	                                                      "::ffff:172.16.0.0/108,sa-east");
	ck_assert_uint_eq(nets->n, 5);
	/* sorted: IPv4 first, by address then length; the mapped one is IPv4 */
	expect_entry(nets, 0, "10.0.0.0/8 us-east");
	expect_entry(nets, 1, "10.1.0.0/16 eu-west");
	expect_entry(nets, 2, "172.16.0.0/12 sa-east");
	expect_entry(nets, 3, "192.0.2.7/32 us-east");
	expect_entry(nets, 4, "2001:db8::/32 ap-south");
	ck_assert_uint_ne(nets->digest, 0);
	/* the same networks in JSON: the same list, the same digest */
	struct shared_networks *same = load_ok(
	    "nets-ok.json", "  {\"10.1.0.0/16\": \"eu-west\", \"2001:db8::/32\": \"ap-south\",\n"
	                    "   \"192.0.2.7\": \"us-east\", \"10.0.0.0/8\": \"us-east\",\n"
	                    "   \"::ffff:172.16.0.0/108\": \"sa-east\"}\n");
	ck_assert_uint_eq(same->n, 5);
	expect_entry(same, 2, "172.16.0.0/12 sa-east");
	ck_assert_uint_eq(same->digest, nets->digest);
	/* a region changed: another digest */
	struct shared_networks *other = load_ok("nets-other.csv", "10.1.0.0/16,us-east\n"
	                                                          "2001:db8::/32,ap-south\n"
	                                                          "192.0.2.7,us-east\n"
	                                                          "10.0.0.0/8,us-east\n"
	                                                          "172.16.0.0/12,sa-east\n");
	ck_assert_uint_eq(other->n, 5);
	ck_assert_uint_ne(other->digest, nets->digest);
	/* references: the last one frees */
	ck_assert_ptr_eq(shared_networks_ref(nets), nets);
	ck_assert_uint_eq(nets->refs, 2);
	shared_networks_free(nets);
	ck_assert_uint_eq(nets->refs, 1);
	shared_networks_free(nets);
	shared_networks_free(same);
	shared_networks_free(other);
	/* empty and comment-only files hold no network */
	struct shared_networks *empty = load_ok("nets-empty.csv", "\n# nothing yet\n\n");
	ck_assert_uint_eq(empty->n, 0);
	shared_networks_free(empty);
	empty = load_ok("nets-empty.json", "\n {}\n");
	ck_assert_uint_eq(empty->n, 0);
	shared_networks_free(empty);
}
END_TEST

START_TEST(test_csv_errors)
{
	static const char *const msgs[] = {
	    "nets-bad.csv:2: \"10.1.2.3/16\": host bits set: the network would be 10.1.0.0/16",
	    "nets-bad.csv:3: \"10.1.2/24\": not a network such as 192.0.2.0/24 or 2001:db8::/32",
	    "nets-bad.csv:5: unknown region \"mars\" (not in the config's regions)",
	    "nets-bad.csv:6: expected CIDR,region (e.g. 192.0.2.0/24,us-east)",
	    "nets-bad.csv:7: expected CIDR,region (e.g. 192.0.2.0/24,us-east)",
	    "nets-bad.csv:8: \"10.0.0.0/33\": prefix length /33 is over /32",
	    "nets-bad.csv:9: unknown region \"\" (not in the config's regions)",
	};
	expect_errors("nets-bad.csv",
	              "10.0.0.0/8,us-east\n"
	              "10.1.2.3/16,us-east\n"
	              "10.1.2/24,us-east\n"
	              "# fine\n"
	              "10.2.0.0/16,mars\n"
	              "10.3.0.0/16\n"
	              "10.4.0.0/16,us-east,eu-west\n"
	              "10.0.0.0/33,us-east\n"
	              "10.5.0.0/16,\n",
	              msgs, ARRAY_SIZE(msgs));
	/* the same network in another spelling, at the later line */
	static const char *const dup[] = {
	    "nets-dup.csv:4: \"::ffff:10.0.0.0/104\": overlapping duplicate: the same network as "
	    "\"10.0.0.0/8\" (line 2)",
	    "nets-dup.csv:5: \"2001:DB8:0::/32\": overlapping duplicate: the same network as "
	    "\"2001:db8::/32\" (line 3)",
	};
	expect_errors("nets-dup.csv",
	              "# duplicates\n"
	              "10.0.0.0/8,us-east\n"
	              "2001:db8::/32,eu-west\n"
	              "::ffff:10.0.0.0/104,eu-west\n"
	              "2001:DB8:0::/32,eu-west\n",
	              dup, ARRAY_SIZE(dup));
}
END_TEST

START_TEST(test_json_errors)
{
	static const char *const msgs[] = {
	    "nets-bad.json:2:3: 10.1.2.3/16: host bits set: the network would be 10.1.0.0/16",
	    "nets-bad.json:3:18: 10.2.0.0/16: unknown region \"mars\" (not in the config's "
	    "regions)",
	    "nets-bad.json:4:18: 10.3.0.0/16: expected a region name, found an integer",
	    "nets-bad.json:5:3: ::ffff:10.0.0.0/104: overlapping duplicate: the same network as "
	    "\"10.0.0.0/8\"",
	};
	expect_errors("nets-bad.json",
	              "{\"10.0.0.0/8\": \"us-east\",\n"
	              "  \"10.1.2.3/16\": \"us-east\",\n"
	              "  \"10.2.0.0/16\": \"mars\",\n"
	              "  \"10.3.0.0/16\": 1,\n"
	              "  \"::ffff:10.0.0.0/104\": \"eu-west\"}\n",
	              msgs, ARRAY_SIZE(msgs));
	struct diag d = {0};
	ck_assert_ptr_null(shared_networks_load(
	    unit_write_file("nets-syntax.json", "{\"10.0.0.0/8\": \"us-east\",\n"), &unit_regions,
	    &d));
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_msg(strncmp(d.msgs[0], "tests/tmp/unit/nets-syntax.json:", 32) == 0, "%s",
	              d.msgs[0]);
	diag_free(&d);
	/* a missing file is named */
	ck_assert_ptr_null(
	    shared_networks_load("tests/tmp/unit/no-such-nets.csv", &unit_regions, &d));
	ck_assert_uint_eq(d.count, 1);
	ck_assert_str_eq(d.msgs[0], "tests/tmp/unit/no-such-nets.csv: cannot read networks file: "
	                            "No such file or directory");
	diag_free(&d);
}
END_TEST

/* More than SHARED_NETWORKS_MAX: an error at the first line over, once. */
START_TEST(test_cap)
{
	struct strbuf sb;
	sb_init(&sb);
	for (unsigned i = 0; i < SHARED_NETWORKS_MAX + 2; i++)
		sb_printf(&sb, "10.%u.%u.0/24,us-east\n", i / 256, i % 256);
	static const char *const over[] = {"nets-cap.csv:10001: more than 10000 networks"};
	expect_errors("nets-cap.csv", sb.buf, over, 1);
	/* exactly the cap loads */
	sb.len = 0;
	sb.buf[0] = '\0';
	for (unsigned i = 0; i < SHARED_NETWORKS_MAX; i++)
		sb_printf(&sb, "10.%u.%u.0/24,us-east\n", i / 256, i % 256);
	struct shared_networks *nets = load_ok("nets-cap-ok.csv", sb.buf);
	ck_assert_uint_eq(nets->n, SHARED_NETWORKS_MAX);
	shared_networks_free(nets);
	/* JSON: at the object */
	sb.len = 0;
	sb.buf[0] = '\0';
	sb_puts(&sb, "{");
	for (unsigned i = 0; i < SHARED_NETWORKS_MAX + 1; i++)
		sb_printf(&sb, "%s\"10.%u.%u.0/24\": \"us-east\"", i ? ", " : "", i / 256, i % 256);
	sb_puts(&sb, "}\n");
	static const char *const jover[] = {"nets-cap.json:1:1: 10001 networks, more than 10000"};
	expect_errors("nets-cap.json", sb.buf, jover, 1);
	sb_free(&sb);
}
END_TEST

static const struct service *svc_named(const struct service_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->svcs[i].name_str, name) == 0)
			return &set->svcs[i];
	ck_abort_msg("no service %s", name);
	return NULL;
}

/* lookup of a full address in s's table: "region/bits mark scope", or
 * "none scope" */
static void expect_lookup(const struct service *s, const struct region_table *rt, const char *addr,
                          const char *want)
{
	uint8_t a[16] = {0};
	bool v6 = strchr(addr, ':') != NULL;
	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, addr, a), 1);
	struct netmap_result r;
	netmap_lookup(s->networks, v6 ? 2 : 1, a, v6 ? 128 : 32, &r);
	char got[128];
	if (r.found)
		snprintf(got, sizeof(got), "%s/%u %s scope %u",
		         rt->regions[s->regions[r.value].region].name, r.bits,
		         r.mark == SVC_NETWORK_SHARED ? "shared" : "own", r.scope);
	else
		snprintf(got, sizeof(got), "none scope %u", r.scope);
	ck_assert_msg(strcmp(got, want) == 0, "%s %s: %s, expected %s", s->name_str, addr, got,
	              want);
}

#define R_US_EU                                                                                    \
	"\"regions\": {\"us-east\": {\"A\": [\"192.0.2.1\"]}, \"eu-west\": {\"A\": "               \
	"[\"198.51.100.1\"]}}"

/* Each service: the shared networks of its regions, its own winning for the
 * same network, longest match across both. */
START_TEST(test_merge)
{
	struct shared_networks *nets = load_ok("nets-merge.csv", "10.0.0.0/8,eu-west\n"
	                                                         "10.1.0.0/16,us-east\n"
	                                                         "10.2.0.0/16,ap-south\n"
	                                                         "2001:db8::/32,eu-west\n");
	struct region_table rt = unit_regions;
	rt.networks = nets;
	struct diag d = {0};
	const char *path = unit_write_file(
	    "svc-merge.json",
	    "{\"www\": {" R_US_EU ",\n"
	    "   \"networks\": {\"10.1.0.0/16\": \"eu-west\", \"10.1.2.0/24\": \"us-east\"}},\n"
	    " \"plain\": {" R_US_EU "},\n"
	    " \"plain2\": {" R_US_EU ", \"ttl\": 60},\n"
	    " \"rev\": {\"regions\": {\"eu-west\": {\"A\": [\"198.51.100.1\"]}, \"us-east\": "
	    "{\"A\": [\"192.0.2.1\"]}}},\n"
	    " \"ap\": {\"regions\": {\"ap-south\": {\"A\": [\"192.0.2.9\"]}}},\n"
	    " \"sa\": {\"regions\": {\"sa-east\": {\"A\": [\"192.0.2.8\"]}}}}\n");
	struct service_set *set = service_set_load(path, origin, "example.com", &rt, &d);
	if (!set)
		dump(&d);
	ck_assert_ptr_nonnull(set);
	ck_assert_uint_eq(set->networks_digest, nets->digest);
	const struct service *www = svc_named(set, "www.example.com.");
	/* 10/8 and 2001:db8::/32 shared; 10.1/16 its own (the shared one
	 * dropped); 10.1.2/24 its own; 10.2/16 names ap-south: skipped */
	ck_assert_uint_eq(netmap_count(www->networks), 4);
	expect_lookup(www, &rt, "10.1.2.3", "us-east/24 own scope 24");
	expect_lookup(www, &rt, "10.1.3.3", "eu-west/16 own scope 24");
	expect_lookup(www, &rt, "10.2.0.1", "eu-west/8 shared scope 15");
	expect_lookup(www, &rt, "10.200.0.1", "eu-west/8 shared scope 9");
	expect_lookup(www, &rt, "2001:db8::1", "eu-west/32 shared scope 32");
	expect_lookup(www, &rt, "11.0.0.1", "none scope 8");
	/* no "networks" of its own: the shared ones of its regions */
	const struct service *plain = svc_named(set, "plain.example.com.");
	ck_assert_uint_eq(netmap_count(plain->networks), 3);
	expect_lookup(plain, &rt, "10.1.2.3", "us-east/16 shared scope 16");
	expect_lookup(plain, &rt, "10.2.0.1", "eu-west/8 shared scope 15");
	/* one trie for the services of the same regions in the same order
	 * without networks of their own, owned by the set */
	const struct service *plain2 = svc_named(set, "plain2.example.com.");
	ck_assert(plain->networks_shared);
	ck_assert(!www->networks_shared);
	ck_assert_ptr_eq(plain2->networks, plain->networks);
	/* the same regions in another order: values differ, a trie of its own
	 * with the same outcomes */
	const struct service *rev = svc_named(set, "rev.example.com.");
	ck_assert_ptr_ne(rev->networks, plain->networks);
	expect_lookup(rev, &rt, "10.1.2.3", "us-east/16 shared scope 16");
	expect_lookup(rev, &rt, "10.2.0.1", "eu-west/8 shared scope 15");
	ck_assert_uint_eq(set->nmaps, 4); /* us+eu, eu+us, ap, sa */
	const struct service *ap = svc_named(set, "ap.example.com.");
	ck_assert_uint_eq(netmap_count(ap->networks), 1);
	expect_lookup(ap, &rt, "10.2.0.1", "ap-south/16 shared scope 16");
	expect_lookup(ap, &rt, "10.1.0.1", "none scope 15");
	/* none of its regions named: no table at all */
	ck_assert_ptr_null(svc_named(set, "sa.example.com.")->networks);
	service_set_free(set);
	/* the same services without the shared file: only their own */
	set = service_set_load(path, origin, "example.com", &unit_regions, &d);
	ck_assert_ptr_nonnull(set);
	ck_assert_uint_eq(set->networks_digest, 0);
	ck_assert_uint_eq(netmap_count(svc_named(set, "www.example.com.")->networks), 2);
	ck_assert_ptr_null(svc_named(set, "plain.example.com.")->networks);
	service_set_free(set);
	/* a service given as a record's JSON takes them too */
	struct service_set *rec = NULL;
	struct service_json item = {.name = (const uint8_t *)"\3rec\7example\3com",
	                            .text = "{" R_US_EU ", \"networks\": {\"10.0.0.0/8\": "
	                                    "\"us-east\"}}",
	                            .file = "zone.db",
	                            .line = 7};
	item.len = strlen(item.text);
	ck_assert_int_eq(service_set_add_json(&rec, &item, 1, origin, &rt, &d), GD_OK);
	ck_assert_uint_eq(rec->networks_digest, nets->digest);
	expect_lookup(&rec->svcs[0], &rt, "10.9.0.1", "us-east/8 own scope 8");
	expect_lookup(&rec->svcs[0], &rt, "10.1.0.1", "us-east/16 shared scope 16");
	expect_lookup(&rec->svcs[0], &rt, "2001:db8::1", "eu-west/32 shared scope 32");
	service_set_free(rec);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
	shared_networks_free(nets);
}
END_TEST

Suite *shared_networks_suite(void)
{
	Suite *s = suite_create("shared_networks");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_csv_errors);
	tcase_add_test(tc, test_json_errors);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_merge);
	suite_add_tcase(s, tc);
	return s;
}
