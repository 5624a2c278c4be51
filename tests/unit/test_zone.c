/*
 * test_zone.c - zone file loading and validation: every rule reports its
 * error with the file and line of the offending record.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "unit.h"
#include "dns/wire.h"
#include "zone/zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct zone *load(const char *origin, const char *name, const char *text,
			 struct diag *d)
{
	const char *path = unit_write_file(name, text);
	struct zone_config zc = {.origin = origin, .file = path};
	return zone_load(&zc, d);
}

/* lower-case wire form of a presentation name with trailing dot */
static size_t to_wire(const char *s, uint8_t *out)
{
	size_t n = 0;
	while (*s && strcmp(s, ".") != 0) {
		const char *dot = strchr(s, '.');
		size_t l = (size_t)(dot - s);
		out[n++] = (uint8_t)l;
		memcpy(out + n, s, l);
		n += l;
		s = dot + 1;
	}
	out[n++] = 0;
	return n;
}

static const struct node *find(const struct zone *z, const char *name)
{
	uint8_t w[256];
	size_t n = to_wire(name, w);
	return zone_lookup(z, w, n);
}

/* Does any diagnostic equal want exactly? */
static bool has_msg(const struct diag *d, const char *want)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->msgs[i], want) == 0)
			return true;
	return false;
}

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

#define HEAD "$ORIGIN example.com.\n$TTL 3600\n" \
	     "@ IN SOA ns1 host 1 7200 900 1209600 300\n" \
	     "  IN NS ns1\n" \
	     "ns1 IN A 192.0.2.1\n"

/* zonedb_find_h with the suffix hashes computed here, as the parser does. */
static const struct zone *zonedb_find(const struct zonedb *db, const uint8_t *lname,
			       const uint8_t *label_off, unsigned nlabels,
			       unsigned *label_index)
{
	uint32_t h[WIRE_LABELS_MAX + 1];
	size_t len = wire_name_len(lname, WIRE_NAME_MAX);
	if (!len)
		return NULL;
	wire_suffix_hashes(lname, label_off, nlabels, h);
	return zonedb_find_h(db, lname, len, label_off, nlabels, h, label_index);
}

START_TEST(test_valid_zone)
{
	struct diag d = {0};
	struct zone *z = load("example.com", "valid.zone",
			      HEAD "www IN A 192.0.2.10\n"
				   "www IN A 192.0.2.11\n"
				   "www IN A 192.0.2.10\n" /* duplicate: dropped */
				   "b.a.ent IN TXT \"x\"\n"
				   "*.wild IN A 192.0.2.99\n",
			      &d);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_uint_eq(z->serial, 1);
	ck_assert_uint_eq(z->neg_ttl, 300);
	const struct node *www = find(z, "www.example.com.");
	ck_assert_ptr_nonnull(www);
	const struct rrset *a = node_rrset(www, TYPE_A);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->count, 2);
	ck_assert_uint_eq(a->ttl, 3600);
	/* the empty non-terminal exists as a node without data */
	const struct node *ent = find(z, "a.ent.example.com.");
	ck_assert_ptr_nonnull(ent);
	ck_assert_uint_eq(ent->nrrsets, 0);
	const struct node *wild = find(z, "wild.example.com.");
	ck_assert_ptr_nonnull(wild);
	ck_assert_ptr_eq(wild->wildcard, find(z, "*.wild.example.com."));
	ck_assert(z->apex->flags & NODE_APEX);
	ck_assert_uint_eq(d.count, 1); /* the duplicate warning */
	ck_assert_msg(strstr(d.msgs[0], "valid.zone:8: warning: duplicate record ignored"),
		      "%s", d.msgs[0]);
	zone_free(z);
	diag_free(&d);
}
END_TEST

START_TEST(test_directives_and_owner_inheritance)
{
	struct diag d = {0};
	unit_write_file("inc.part", "$TTL 60\nincluded IN A 192.0.2.44\n  IN AAAA 2001:db8::44\n");
	struct zone *z = load("example.com", "dir.zone",
			      HEAD "$ORIGIN sub\n" /* relative: sub.example.com. */
				   "host IN A 192.0.2.5\n"
				   "$ORIGIN example.com.\n"
				   "$INCLUDE inc.part\n"
				   "after IN A 192.0.2.6\n"
				   "multi IN TXT ( \"a\"\n   \"b\" ) ; comment\n"
				   "unk IN TYPE65534 \\# 2 0a0b\n",
			      &d);
	dump(&d);
	ck_assert_ptr_nonnull(z);
	ck_assert_ptr_nonnull(find(z, "host.sub.example.com."));
	const struct node *inc = find(z, "included.example.com.");
	ck_assert_ptr_nonnull(inc);
	ck_assert_uint_eq(node_rrset(inc, TYPE_A)->ttl, 60);
	ck_assert_ptr_nonnull(node_rrset(inc, TYPE_AAAA)); /* owner inherited */
	/* $TTL of the included file does not leak back */
	ck_assert_uint_eq(node_rrset(find(z, "after.example.com."), TYPE_A)->ttl, 3600);
	const struct rrset *txt = node_rrset(find(z, "multi.example.com."), TYPE_TXT);
	ck_assert_uint_eq(rd16(txt->rdata), 4); /* "a" "b": 2 + 2 */
	const struct rrset *unk = node_rrset(find(z, "unk.example.com."), 65534);
	ck_assert_ptr_nonnull(unk);
	ck_assert_uint_eq(rd16(unk->rdata), 2);
	ck_assert_uint_eq(unk->rdata[2], 0x0a);
	zone_free(z);
	diag_free(&d);
}
END_TEST

/* One error case: the zone must fail with exactly this message present. */
static void expect_error(const char *name, const char *text, const char *want)
{
	struct diag d = {0};
	struct zone *z = load("example.com", name, text, &d);
	if (!has_msg(&d, want))
		dump(&d);
	ck_assert_ptr_null(z);
	ck_assert_msg(has_msg(&d, want), "missing: %s", want);
	diag_free(&d);
}

START_TEST(test_error_cname_and_other_data)
{
	expect_error("cname.zone", HEAD "x IN CNAME www\nx IN TXT \"t\"\nwww IN A 192.0.2.1\n",
		     "tests/tmp/unit/cname.zone:7: CNAME and other data at x.example.com.");
}
END_TEST

START_TEST(test_error_two_cnames)
{
	expect_error("cname2.zone", HEAD "x IN CNAME a\nx IN CNAME b\n",
		     "tests/tmp/unit/cname2.zone:6: more than one CNAME at x.example.com.");
}
END_TEST

START_TEST(test_error_no_soa)
{
	expect_error("nosoa.zone", "$ORIGIN example.com.\n@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\n",
		     "tests/tmp/unit/nosoa.zone:1: no SOA record at the zone apex example.com.");
}
END_TEST

START_TEST(test_error_two_soa)
{
	expect_error("twosoa.zone", HEAD "@ IN SOA ns1 host 2 7200 900 1209600 300\n",
		     "tests/tmp/unit/twosoa.zone:6: more than one SOA record at the zone apex");
}
END_TEST

START_TEST(test_error_soa_not_at_apex)
{
	expect_error("soa2.zone", HEAD "x IN SOA ns1 host 2 7200 900 1209600 300\n",
		     "tests/tmp/unit/soa2.zone:6: SOA record at x.example.com., not at the "
		     "zone apex example.com.");
}
END_TEST

START_TEST(test_error_no_apex_ns)
{
	expect_error("nons.zone", "$ORIGIN example.com.\n$TTL 60\n\n@ IN SOA ns1 host 1 2 3 4 5\n",
		     "tests/tmp/unit/nons.zone:4: no NS records at the zone apex example.com.");
}
END_TEST

START_TEST(test_error_outside_origin)
{
	expect_error("outside.zone", HEAD "www.example.org. IN A 192.0.2.1\n",
		     "tests/tmp/unit/outside.zone:6: www.example.org. is outside the zone "
		     "origin example.com.");
}
END_TEST

START_TEST(test_error_missing_glue)
{
	expect_error("glue.zone", HEAD "sub IN NS ns.sub\nsub IN NS ns.example.org.\n",
		     "tests/tmp/unit/glue.zone:6: missing glue: NS target ns.sub.example.com. "
		     "in the zone has no A or AAAA");
	expect_error("glue2.zone", HEAD "@ IN NS ns2\n",
		     "tests/tmp/unit/glue2.zone:6: missing glue: NS target ns2.example.com. "
		     "in the zone has no A or AAAA");
}
END_TEST

START_TEST(test_error_syntax_line)
{
	/* the bad record starts on line 7 although the entry spans lines */
	expect_error("syntax.zone", HEAD "ok IN A 192.0.2.1\nbad IN A ( 192.0.2.300\n )\n",
		     "tests/tmp/unit/syntax.zone:7: cannot parse \"bad IN A   192.0.2.300\": "
		     "Syntax error, could not parse the RR's rdata");
}
END_TEST

START_TEST(test_error_unbalanced)
{
	expect_error("paren.zone", HEAD "x IN TXT ( \"a\"\n",
		     "tests/tmp/unit/paren.zone:6: unbalanced parentheses: missing ')'");
}
END_TEST

START_TEST(test_error_include_missing)
{
	expect_error("incmiss.zone", HEAD "\n$INCLUDE nothere.part\n",
		     "tests/tmp/unit/incmiss.zone:7: cannot read tests/tmp/unit/nothere.part: "
		     "No such file or directory");
}
END_TEST

/* regression (found reading the code after fuzzing): a zone that includes
 * itself was read 2^16 times before the depth limit stopped it */
START_TEST(test_error_include_loop)
{
	unit_write_file("loop.part", "$INCLUDE loop.part\n$INCLUDE loop.part\n");
	struct diag d = {0};
	struct zone *z = load("example.com", "loop.zone", HEAD "$INCLUDE loop.part\n", &d);
	ck_assert_ptr_null(z);
	ck_assert_uint_eq(d.errors, 2);
	ck_assert(has_msg(&d, "tests/tmp/unit/loop.part:1: $INCLUDE loop: "
			      "tests/tmp/unit/loop.part is already being read"));
	ck_assert(has_msg(&d, "tests/tmp/unit/loop.part:2: $INCLUDE loop: "
			      "tests/tmp/unit/loop.part is already being read"));
	diag_free(&d);
}
END_TEST

START_TEST(test_error_in_included_file)
{
	unit_write_file("badinc.part", "; comment\nx IN A nonsense\n");
	expect_error("incbad.zone", HEAD "$INCLUDE badinc.part\n",
		     "tests/tmp/unit/badinc.part:2: cannot parse \"x IN A nonsense\": "
		     "Syntax error, could not parse the RR's rdata");
}
END_TEST

START_TEST(test_error_unknown_directive)
{
	expect_error("dir.zone", HEAD "$GENERATE 1-2 x$ A 192.0.2.$\n",
		     "tests/tmp/unit/dir.zone:6: unsupported directive $GENERATE");
}
END_TEST

START_TEST(test_all_errors_reported)
{
	struct diag d = {0};
	struct zone *z = load("example.com", "many.zone",
			      HEAD "a IN A 1.2.3\nb IN AAAA zz\nc IN MX x\n", &d);
	ck_assert_ptr_null(z);
	ck_assert_uint_eq(d.errors, 3);
	diag_free(&d);
}
END_TEST

START_TEST(test_delegation_flags)
{
	struct diag d = {0};
	struct zone *z = load("example.com", "deleg.zone",
			      HEAD "sub IN NS ns.sub\nns.sub IN A 192.0.2.53\n"
				   "deep.ns.sub IN TXT \"occluded\"\n"
				   "legacy IN DNAME example.net.\n",
			      &d);
	ck_assert_ptr_nonnull(z);
	const struct node *sub = find(z, "sub.example.com.");
	ck_assert(sub->flags & NODE_DELEG);
	ck_assert(!(sub->flags & NODE_OCCLUDED));
	ck_assert(find(z, "ns.sub.example.com.")->flags & NODE_OCCLUDED);
	ck_assert(find(z, "deep.ns.sub.example.com.")->flags & NODE_OCCLUDED);
	ck_assert(find(z, "legacy.example.com.")->flags & NODE_DNAME);
	ck_assert(!(z->apex->flags & NODE_DELEG));
	/* occluded non-address data is a warning, not an error */
	ck_assert_uint_eq(d.errors, 0);
	ck_assert(has_msg(&d, "tests/tmp/unit/deleg.zone:8: warning: deep.ns.sub.example.com. "
			      "is below a zone cut and is ignored"));
	zone_free(z);
	diag_free(&d);
}
END_TEST

START_TEST(test_zonedb_longest_match)
{
	struct diag d = {0};
	struct zone **zs = calloc(2, sizeof(*zs));
	zs[0] = load("example.com", "lm1.zone", HEAD, &d);
	zs[1] = load("sub.example.com", "lm2.zone",
		     "$ORIGIN sub.example.com.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n"
		     "@ IN NS ns1.example.com.\n",
		     &d);
	ck_assert_ptr_nonnull(zs[0]);
	ck_assert_ptr_nonnull(zs[1]);
	struct zonedb *db = zonedb_build(zs, 2, &d);
	ck_assert_ptr_nonnull(db);
	uint8_t w[256], off[128];
	size_t n = to_wire("a.b.sub.example.com.", w);
	(void)n;
	unsigned k = 0;
	for (size_t i = 0; w[i]; i += w[i] + 1u)
		off[k++] = (uint8_t)i;
	unsigned li;
	const struct zone *z = zonedb_find(db, w, off, k, &li);
	ck_assert_ptr_eq(z, zs[1]);
	ck_assert_uint_eq(li, 2);
	to_wire("www.example.com.", w);
	k = 0;
	for (size_t i = 0; w[i]; i += w[i] + 1u)
		off[k++] = (uint8_t)i;
	ck_assert_ptr_eq(zonedb_find(db, w, off, k, &li), zs[0]);
	to_wire("example.org.", w);
	k = 0;
	for (size_t i = 0; w[i]; i += w[i] + 1u)
		off[k++] = (uint8_t)i;
	ck_assert_ptr_null(zonedb_find(db, w, off, k, &li));
	zonedb_free(db);
	diag_free(&d);
}
END_TEST

START_TEST(test_zonedb_duplicate_origin)
{
	struct diag d = {0};
	struct zone **zs = calloc(2, sizeof(*zs));
	zs[0] = load("example.com", "dup1.zone", HEAD, &d);
	zs[1] = load("EXAMPLE.com.", "dup2.zone", HEAD, &d);
	struct zonedb *db = zonedb_build(zs, 2, &d);
	ck_assert_ptr_null(db);
	ck_assert(has_msg(&d, "tests/tmp/unit/dup2.zone: zone example.com. is configured twice"));
	diag_free(&d);
}
END_TEST

/* A reference taken with zone_ref keeps the zone after every other one is
 * dropped (a zone transfer outliving the snapshot); the last frees it. */
START_TEST(test_zone_ref_outlives_the_loader)
{
	struct diag d = {0};
	struct zone *z = load("example.com", "ref.zone", HEAD, &d);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_eq(__atomic_load_n(&z->refs, __ATOMIC_RELAXED), 1);
	struct zone *held = zone_ref(z);
	ck_assert_ptr_eq(held, z);
	ck_assert_uint_eq(__atomic_load_n(&z->refs, __ATOMIC_RELAXED), 2);
	zone_free(z); /* the loader's reference */
	ck_assert_uint_eq(__atomic_load_n(&held->refs, __ATOMIC_RELAXED), 1);
	/* still whole: its apex and SOA are there (ASan would see a use
	 * after free) */
	uint8_t w[256];
	size_t n = to_wire("example.com.", w);
	ck_assert_ptr_eq(zone_lookup(held, w, n), held->apex);
	ck_assert_ptr_nonnull(node_rrset(held->apex, TYPE_SOA));
	zone_free(held);
	diag_free(&d);
}
END_TEST

Suite *zone_suite(void)
{
	Suite *s = suite_create("zone");
	TCase *tc = tcase_create("load");
	tcase_add_test(tc, test_valid_zone);
	tcase_add_test(tc, test_directives_and_owner_inheritance);
	tcase_add_test(tc, test_error_cname_and_other_data);
	tcase_add_test(tc, test_error_two_cnames);
	tcase_add_test(tc, test_error_no_soa);
	tcase_add_test(tc, test_error_two_soa);
	tcase_add_test(tc, test_error_soa_not_at_apex);
	tcase_add_test(tc, test_error_no_apex_ns);
	tcase_add_test(tc, test_error_outside_origin);
	tcase_add_test(tc, test_error_missing_glue);
	tcase_add_test(tc, test_error_syntax_line);
	tcase_add_test(tc, test_error_unbalanced);
	tcase_add_test(tc, test_error_include_missing);
	tcase_add_test(tc, test_error_in_included_file);
	tcase_add_test(tc, test_error_include_loop);
	tcase_add_test(tc, test_error_unknown_directive);
	tcase_add_test(tc, test_all_errors_reported);
	tcase_add_test(tc, test_delegation_flags);
	tcase_add_test(tc, test_zonedb_longest_match);
	tcase_add_test(tc, test_zonedb_duplicate_origin);
	tcase_add_test(tc, test_zone_ref_outlives_the_loader);
	suite_add_tcase(s, tc);
	return s;
}
