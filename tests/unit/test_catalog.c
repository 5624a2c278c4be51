/*
 * test_catalog.c - catalog zones as a consumer (RFC 9432): the members,
 * groups and coo read from small catalog zones loaded with zone_load, each
 * broken catalog rejected whole with its exact reason, what is ignored,
 * and the difference of two versions (added, removed, reset, changed).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/dns.h"
#include "conf/config.h"
#include "server/catalogs.h"
#include "xfr/catalog.h"
#include "zone/zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#define CAT_HEAD                                                                                   \
	"$ORIGIN cat.example.\n$TTL 0\n"                                                           \
	"@ IN SOA invalid. invalid. 1 3600 600 86400 0\n"                                          \
	"@ IN NS invalid.\n"

/* The catalog zone text (after CAT_HEAD) in file name, loaded. */
static struct zone *load_catalog(const char *name, const char *body, const char **path)
{
	char text[4096];
	snprintf(text, sizeof(text), "%s%s", CAT_HEAD, body);
	*path = unit_write_file(name, text);
	return unit_load_zone("cat.example.", *path, NULL);
}

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

/* Read name's catalog; expect GD_OK and no diagnostic. */
static void read_ok(const char *name, const char *body, struct catalog *c)
{
	const char *path;
	struct zone *z = load_catalog(name, body, &path);
	struct diag d = {0};
	int rc = catalog_read(z, c, &d);
	if (rc != GD_OK || d.count)
		dump(&d);
	ck_assert_int_eq(rc, GD_OK);
	ck_assert_uint_eq(d.count, 0);
	diag_free(&d);
	zone_free(z);
}

/* Read name's catalog; expect it broken with exactly the one error
 * "<path>: want" and the catalog left empty. */
static void read_broken(const char *name, const char *body, const char *want)
{
	const char *path;
	struct zone *z = load_catalog(name, body, &path);
	struct diag d = {0};
	struct catalog c;
	memset(&c, 0xA5, sizeof(c));
	int rc = catalog_read(z, &c, &d);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s: %s", path, want);
	if (d.count != 1 || strcmp(d.msgs[0], msg) != 0) {
		fprintf(stderr, "  want: %s\n", msg);
		dump(&d);
	}
	ck_assert_int_eq(rc, GD_EFORMAT);
	ck_assert_uint_eq(d.count, 1);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_str_eq(d.msgs[0], msg);
	ck_assert_ptr_null(c.members);
	ck_assert_ptr_null(c.origin);
	ck_assert_uint_eq(c.count, 0);
	catalog_free(&c);
	diag_free(&d);
	zone_free(z);
}

static void check_member(const struct catalog_member *m, const char *origin, const char *wire,
                         size_t wire_len, const char *id, const char *coo)
{
	ck_assert_str_eq(m->origin, origin);
	ck_assert_uint_eq(m->wire_len, wire_len);
	ck_assert_mem_eq(m->wire, wire, wire_len);
	ck_assert_str_eq(m->id, id);
	if (coo)
		ck_assert_str_eq(m->coo, coo);
	else
		ck_assert_ptr_null(m->coo);
}

/* A zone loaded with m's origin has m's names. */
static void check_origin(const struct catalog_member *m)
{
	char text[512];
	snprintf(text, sizeof(text),
	         "$TTL 60\n@ IN SOA invalid. invalid. 1 3600 600 86400 0\n@ IN NS invalid.\n");
	const char *path = unit_write_file("catalog-member.zone", text);
	struct zone *z = unit_load_zone(m->origin, path, NULL);
	ck_assert_str_eq(z->origin_str, m->origin);
	ck_assert_uint_eq(z->origin_len, m->wire_len);
	ck_assert_mem_eq(z->origin, m->wire, m->wire_len);
	zone_free(z);
}

START_TEST(test_catalog_members)
{
	struct catalog c;
	read_ok("catalog-members.zone",
	        "version IN TXT \"2\"\n"
	        "m1.zones IN PTR Example.COM.\n"
	        "m1.zones IN TXT \"not a property\"\n"
	        "group.m1.zones IN TXT \"beta\"\n"
	        "group.m1.zones IN TXT \"alpha\"\n"
	        "group.m1.zones IN TXT \"two\" \"parts\"\n"
	        "group.m1.zones IN TXT \"twoparts\"\n"
	        "group.m1.zones IN A 192.0.2.1\n"
	        "coo.m1.zones IN PTR New-Cat.example.\n"
	        "ext.m1.zones IN TXT \"custom\"\n"
	        "x.y.ext.m1.zones IN PTR custom.example.\n"
	        "unknown.m1.zones IN TXT \"unknown property\"\n"
	        "Two.zones IN PTR example.net.\n"
	        "coo.two.zones IN TXT \"coo of another type\"\n"
	        "m3.zones IN PTR a\\.b.example.org.\n"
	        "m4.zones IN PTR Sp\\032ace.example.\n"
	        "ext IN TXT \"global custom property\"\n"
	        "zones IN PTR at-zones.example.\n"
	        "a.b.zones IN PTR deeper.example.\n"
	        "group.orphan.zones IN TXT \"no member\"\n"
	        "other IN PTR elsewhere.example.\n"
	        "m9.other IN PTR elsewhere.example.\n"
	        "m9.zones.other IN PTR elsewhere.example.\n",
	        &c);
	ck_assert_str_eq(c.origin, "cat.example.");
	ck_assert_uint_eq(c.serial, 1);
	ck_assert_uint_eq(c.count, 4);
	/* sorted by origin; names lower-cased, the unique-id too */
	static const struct {
		const char *origin, *wire;
		size_t wire_len;
		const char *id, *coo;
		size_t ngroups;
	} want[] = {
	    {"a\\.b.example.org.", "\003a.b\007example\003org", 17, "m3", NULL, 0},
	    {"example.com.", "\007example\003com", 13, "m1", "new-cat.example.", 3},
	    {"example.net.", "\007example\003net", 13, "two", NULL, 0},
	    {"sp\\032ace.example.", "\006sp ace\007example", 16, "m4", NULL, 0},
	};
	for (size_t i = 0; i < 4; i++) {
		check_member(&c.members[i], want[i].origin, want[i].wire, want[i].wire_len,
		             want[i].id, want[i].coo);
		ck_assert_uint_eq(c.members[i].ngroups, want[i].ngroups);
	}
	ck_assert_str_eq(c.members[1].groups[0], "alpha");
	ck_assert_str_eq(c.members[1].groups[1], "beta");
	ck_assert_str_eq(c.members[1].groups[2], "twoparts");
	/* the presentation form is an origin zone_load takes as it is, and
	 * names the same zone */
	for (size_t i = 0; i < c.count; i++)
		check_origin(&c.members[i]);

	const struct catalog_member *m = catalog_find(&c, "example.net.");
	ck_assert_ptr_eq(m, &c.members[2]);
	ck_assert_ptr_eq(catalog_find(&c, "a\\.b.example.org."), &c.members[0]);
	ck_assert_ptr_null(catalog_find(&c, "example.org."));
	ck_assert_ptr_null(catalog_find(&c, "at-zones.example."));
	catalog_free(&c);
	ck_assert_ptr_null(c.members);
	ck_assert_uint_eq(c.count, 0);
	catalog_free(&c); /* an empty catalog again: nothing */
	ck_assert_ptr_null(catalog_find(&c, "example.net."));
}
END_TEST

START_TEST(test_catalog_empty)
{
	/* a catalog without members is a catalog: every member goes */
	struct catalog c;
	read_ok("catalog-empty.zone", "version IN TXT \"2\"\n", &c);
	ck_assert_uint_eq(c.count, 0);
	ck_assert_str_eq(c.origin, "cat.example.");
	catalog_free(&c);
}
END_TEST

START_TEST(test_catalog_version)
{
	read_broken("catalog-noversion.zone", "m1.zones IN PTR example.com.\n",
	            "catalog cat.example.: no version property (a TXT \"2\" at "
	            "version.cat.example., RFC 9432 4.3.1): not processed");
	read_broken("catalog-version-a.zone",
	            "version IN A 192.0.2.2\nm1.zones IN PTR example.com.\n",
	            "catalog cat.example.: no version property (a TXT \"2\" at "
	            "version.cat.example., RFC 9432 4.3.1): not processed");
	read_broken("catalog-version1.zone", "version IN TXT \"1\"\nm1.zones IN PTR example.com.\n",
	            "catalog cat.example.: version.cat.example. TXT \"1\" is not the schema "
	            "version 2 (RFC 9432 4.3.1): not processed");
	read_broken("catalog-version2x.zone",
	            "version IN TXT \"2\" \"x\"\nm1.zones IN PTR example.com.\n",
	            "catalog cat.example.: version.cat.example. TXT \"2\" \"x\" is not the "
	            "schema version 2 (RFC 9432 4.3.1): not processed");
	read_broken("catalog-version20.zone",
	            "version IN TXT \"2.0\"\nm1.zones IN PTR example.com.\n",
	            "catalog cat.example.: version.cat.example. TXT \"2.0\" is not the schema "
	            "version 2 (RFC 9432 4.3.1): not processed");
	read_broken("catalog-version-two.zone",
	            "version IN TXT \"2\"\nversion IN TXT \"1\"\nm1.zones IN PTR example.com.\n",
	            "catalog cat.example.: version.cat.example. has 2 TXT records, want one "
	            "(RFC 9432 4.3.1): not processed");
	/* the label is a name: any case */
	struct catalog c;
	read_ok("catalog-version-case.zone", "VERSION IN TXT \"2\"\nm1.zones IN PTR example.com.\n",
	        &c);
	ck_assert_uint_eq(c.count, 1);
	catalog_free(&c);
}
END_TEST

START_TEST(test_catalog_broken_members)
{
	/* RFC 9432 4.2: one PTR per member node, one node per member zone;
	 * anything else breaks the whole catalog, the good members too */
	read_broken("catalog-two-ptr.zone",
	            "version IN TXT \"2\"\n"
	            "good.zones IN PTR example.org.\n"
	            "m1.zones IN PTR example.com.\n"
	            "m1.zones IN PTR example.net.\n",
	            "catalog cat.example.: member m1.zones.cat.example. has 2 PTR records, want "
	            "one (RFC 9432 4.2): not processed");
	read_broken("catalog-twice.zone",
	            "version IN TXT \"2\"\n"
	            "good.zones IN PTR example.org.\n"
	            "b.zones IN PTR Example.com.\n"
	            "a.zones IN PTR example.COM.\n",
	            "catalog cat.example.: member zone example.com. is listed twice, under "
	            "unique-ids a and b (RFC 9432 4.2): not processed");
	read_broken("catalog-coo-two.zone",
	            "version IN TXT \"2\"\n"
	            "m1.zones IN PTR example.com.\n"
	            "coo.m1.zones IN PTR new1.example.\n"
	            "coo.m1.zones IN PTR new2.example.\n",
	            "catalog cat.example.: coo property coo.m1.zones.cat.example. has 2 PTR "
	            "records, want one (RFC 9432 4.4.1): not processed");
}
END_TEST

START_TEST(test_catalog_bad_member_name)
{
	/* ldns writes a PTR's name whole, so a zone file cannot give a bad
	 * one; a zone built otherwise could: the name patched in place */
	const char *path;
	struct zone *z = load_catalog("catalog-badname.zone",
	                              "version IN TXT \"2\"\n"
	                              "m1.zones IN PTR example.com.\n",
	                              &path);
	const uint8_t name[] = "\002m1\005zones\003cat\007example";
	const struct node *n = zone_lookup(z, name, sizeof(name));
	ck_assert_ptr_nonnull(n);
	const struct rrset *ptr = node_rrset(n, TYPE_PTR);
	ck_assert_ptr_nonnull(ptr);
	uint8_t *rd = (uint8_t *)ptr->rdata;
	ck_assert_uint_eq(rd16(rd), 13);
	char want[512];
	snprintf(want, sizeof(want),
	         "%s: catalog cat.example.: member m1.zones.cat.example.: the PTR is not one "
	         "domain name: not processed",
	         path);
	/* a label over 63 octets, a compression pointer, a name shorter than
	 * its rdata */
	const uint8_t bad[][2] = {{2, 0x40}, {2, 0xC0}, {10, 0}};
	for (size_t i = 0; i < 3; i++) {
		uint8_t saved = rd[bad[i][0]];
		rd[bad[i][0]] = bad[i][1];
		struct diag d = {0};
		struct catalog c;
		ck_assert_int_eq(catalog_read(z, &c, &d), GD_EFORMAT);
		ck_assert_uint_eq(d.count, 1);
		ck_assert_str_eq(d.msgs[0], want);
		ck_assert_uint_eq(c.count, 0);
		diag_free(&d);
		rd[bad[i][0]] = saved;
	}
	struct diag d = {0};
	struct catalog c;
	ck_assert_int_eq(catalog_read(z, &c, &d), GD_OK);
	ck_assert_uint_eq(c.count, 1);
	ck_assert_str_eq(c.members[0].origin, "example.com.");
	catalog_free(&c);
	zone_free(z);
}
END_TEST

START_TEST(test_catalog_warnings)
{
	/* a member naming the catalog itself (RFC 9432 5.2) and a group with
	 * a NUL octet are dropped with a warning; the rest is read */
	const char *path;
	struct zone *z = load_catalog("catalog-warn.zone",
	                              "version IN TXT \"2\"\n"
	                              "self.zones IN PTR CAT.example.\n"
	                              "m1.zones IN PTR example.com.\n"
	                              "group.m1.zones IN TXT \"a\\000b\"\n"
	                              "group.m1.zones IN TXT \"ok\"\n",
	                              &path);
	struct diag d = {0};
	struct catalog c;
	ck_assert_int_eq(catalog_read(z, &c, &d), GD_OK);
	ck_assert_uint_eq(d.count, 2);
	ck_assert_uint_eq(d.errors, 0);
	char want[2][512];
	snprintf(want[0], sizeof(want[0]),
	         "%s: warning: catalog cat.example.: member self.zones.cat.example. is the "
	         "catalog zone itself: ignored (RFC 9432 5.2)",
	         path);
	snprintf(want[1], sizeof(want[1]),
	         "%s: warning: catalog cat.example.: a group of group.m1.zones.cat.example. holds "
	         "a NUL octet: that group is ignored",
	         path);
	/* the table's order decides which comes first */
	bool first = strcmp(d.msgs[0], want[0]) == 0;
	if (!first)
		dump(&d);
	ck_assert_str_eq(d.msgs[first ? 0 : 1], want[0]);
	ck_assert_str_eq(d.msgs[first ? 1 : 0], want[1]);
	ck_assert_uint_eq(c.count, 1);
	check_member(&c.members[0], "example.com.", "\007example\003com", 13, "m1", NULL);
	ck_assert_uint_eq(c.members[0].ngroups, 1);
	ck_assert_str_eq(c.members[0].groups[0], "ok");
	catalog_free(&c);
	diag_free(&d);
	zone_free(z);
}
END_TEST

/* The calls of catalog_diff as text, one line each. */
struct changes {
	char text[1024];
};

static void record_change(void *arg, enum catalog_change change, const struct catalog_member *old_m,
                          const struct catalog_member *new_m)
{
	static const char *const names[] = {"added", "removed", "reset", "changed"};
	struct changes *ch = arg;
	size_t n = strlen(ch->text);
	const struct catalog_member *m = new_m ? new_m : old_m;
	snprintf(ch->text + n, sizeof(ch->text) - n, "%s %s %s %s\n", names[change], m->origin,
	         old_m ? old_m->id : "-", new_m ? new_m->id : "-");
}

static const char *diff_text(const struct catalog *old, const struct catalog *new,
                             struct changes *ch)
{
	ch->text[0] = '\0';
	catalog_diff(old, new, record_change, ch);
	return ch->text;
}

START_TEST(test_catalog_diff)
{
	struct catalog old, new;
	read_ok("catalog-diff-old.zone",
	        "version IN TXT \"2\"\n"
	        "a.zones IN PTR keep.example.\n"
	        "group.a.zones IN TXT \"g\"\n"
	        "b.zones IN PTR regroup.example.\n"
	        "group.b.zones IN TXT \"g1\"\n"
	        "c.zones IN PTR reset.example.\n"
	        "d.zones IN PTR gone.example.\n"
	        "e.zones IN PTR coo.example.\n",
	        &old);
	read_ok("catalog-diff-new.zone",
	        "version IN TXT \"2\"\n"
	        "a.zones IN PTR keep.example.\n"
	        "group.a.zones IN TXT \"g\"\n"
	        "b.zones IN PTR regroup.example.\n"
	        "group.b.zones IN TXT \"g2\"\n"
	        "c2.zones IN PTR reset.example.\n"
	        "group.c2.zones IN TXT \"g9\"\n"
	        "e.zones IN PTR coo.example.\n"
	        "coo.e.zones IN PTR other-cat.example.\n"
	        "f.zones IN PTR new.example.\n",
	        &new);
	struct changes ch;
	ck_assert_str_eq(diff_text(&old, &new, &ch), "changed coo.example. e e\n"
	                                             "removed gone.example. d -\n"
	                                             "added new.example. - f\n"
	                                             "changed regroup.example. b b\n"
	                                             "reset reset.example. c c2\n");
	/* and back: the coo goes, the groups change back, the unique-id too */
	ck_assert_str_eq(diff_text(&new, &old, &ch), "changed coo.example. e e\n"
	                                             "added gone.example. - d\n"
	                                             "removed new.example. f -\n"
	                                             "changed regroup.example. b b\n"
	                                             "reset reset.example. c2 c\n");
	ck_assert_str_eq(diff_text(&new, &new, &ch), "");
	ck_assert_str_eq(diff_text(NULL, &old, &ch), "added coo.example. - e\n"
	                                             "added gone.example. - d\n"
	                                             "added keep.example. - a\n"
	                                             "added regroup.example. - b\n"
	                                             "added reset.example. - c\n");
	ck_assert_str_eq(diff_text(&old, NULL, &ch), "removed coo.example. e -\n"
	                                             "removed gone.example. d -\n"
	                                             "removed keep.example. a -\n"
	                                             "removed regroup.example. b -\n"
	                                             "removed reset.example. c -\n");
	struct catalog empty = {0};
	ck_assert_str_eq(diff_text(&empty, NULL, &ch), "");
	ck_assert_str_eq(diff_text(&new, &empty, &ch), "removed coo.example. e -\n"
	                                               "removed keep.example. a -\n"
	                                               "removed new.example. f -\n"
	                                               "removed regroup.example. b -\n"
	                                               "removed reset.example. c2 -\n");
	catalog_free(&old);
	catalog_free(&new);
}
END_TEST

START_TEST(test_catalog_diff_groups)
{
	/* a group added to a member with none, and one more group: changes;
	 * the same groups written in another order: none */
	struct catalog a, b;
	read_ok("catalog-groups-a.zone",
	        "version IN TXT \"2\"\n"
	        "m1.zones IN PTR one.example.\n"
	        "m2.zones IN PTR two.example.\n"
	        "group.m2.zones IN TXT \"x\"\n"
	        "m3.zones IN PTR three.example.\n"
	        "group.m3.zones IN TXT \"p\"\n"
	        "group.m3.zones IN TXT \"q\"\n",
	        &a);
	read_ok("catalog-groups-b.zone",
	        "version IN TXT \"2\"\n"
	        "m1.zones IN PTR one.example.\n"
	        "group.m1.zones IN TXT \"x\"\n"
	        "m2.zones IN PTR two.example.\n"
	        "group.m2.zones IN TXT \"x\"\n"
	        "group.m2.zones IN TXT \"y\"\n"
	        "m3.zones IN PTR three.example.\n"
	        "group.m3.zones IN TXT \"q\"\n"
	        "group.m3.zones IN TXT \"p\"\n",
	        &b);
	struct changes ch;
	ck_assert_str_eq(diff_text(&a, &b, &ch), "changed one.example. m1 m1\n"
	                                         "changed two.example. m2 m2\n");
	catalog_free(&a);
	catalog_free(&b);
}
END_TEST


/* ---- the consumer (server/catalogs.c) ---- */

/* The members appended to the config as secondaries: file names encoded,
 * a member with a configured zone's origin left out, the template's
 * primaries; an update without change says so; a removed member's copy
 * deleted by catalogs_remove_files. */
START_TEST(test_catalogs_config)
{
	const char *path;
	struct zone *z = load_catalog("catalogs-1.zone",
	                              "version IN TXT \"2\"\n"
	                              "a.zones IN PTR m1.example.\n"
	                              "b.zones IN PTR 0/26.2.0.192.in-addr.arpa.\n"
	                              "c.zones IN PTR Taken.example.\n",
	                              &path);
	ck_assert_ptr_nonnull(z);
	struct notify_entry prim = {.text = (char *)"192.0.2.1", .len = sizeof(struct sockaddr_in)};
	struct notify_entry tmpl = {.text = (char *)"192.0.2.2", .len = sizeof(struct sockaddr_in)};
	struct zone_entry zones[2] = {
	    {.origin = (char *)"cat.example", .file = (char *)path, .primaries = &prim,
	     .nprimaries = 1, .catalog_dir = (char *)"tests/tmp/unit/members",
	     .member_primaries = &tmpl, .nmember_primaries = 1, .refresh_min = 7},
	    {.origin = (char *)"taken.example", .file = (char *)"x.zone"}};
	struct config cfg = {.zones = zones, .nzones = 2};
	struct catalogs *c = catalogs_new();
	ck_assert_ptr_eq(catalogs_config(c, &cfg), &cfg); /* no members yet */
	ck_assert(catalogs_update(c, &cfg, "cat.example", z));
	ck_assert(!catalogs_update(c, &cfg, "cat.example", z)); /* the same members */
	ck_assert(!catalogs_update(c, &cfg, "taken.example", z)); /* not a catalog */
	struct config *eff = catalogs_config(c, &cfg);
	ck_assert_uint_eq(eff->nzones, 4);
	ck_assert_str_eq(eff->zones[2].origin, "0/26.2.0.192.in-addr.arpa.");
	ck_assert_str_eq(eff->zones[2].file, "tests/tmp/unit/members/0%2F26.2.0.192.in-addr.arpa.zone");
	ck_assert_str_eq(eff->zones[3].origin, "m1.example.");
	ck_assert_str_eq(eff->zones[3].file, "tests/tmp/unit/members/m1.example.zone");
	ck_assert_ptr_eq(eff->zones[3].primaries, &tmpl);
	ck_assert_uint_eq(eff->zones[3].refresh_min, 7);
	ck_assert(eff->zones[3].catalog_member);
	catalogs_config_free(eff, &cfg);
	/* m1 leaves: its copy goes once the caller has published */
	mkdir("tests/tmp/unit/members", 0755);
	unit_write_file("members/m1.example.zone", "x");
	struct zone *z2 = load_catalog("catalogs-2.zone",
	                               "version IN TXT \"2\"\n"
	                               "b.zones IN PTR 0/26.2.0.192.in-addr.arpa.\n",
	                               &path);
	ck_assert(catalogs_update(c, &cfg, "cat.example", z2));
	ck_assert_int_eq(access("tests/tmp/unit/members/m1.example.zone", F_OK), 0);
	catalogs_remove_files(c);
	ck_assert_int_eq(access("tests/tmp/unit/members/m1.example.zone", F_OK), -1);
	eff = catalogs_config(c, &cfg);
	ck_assert_uint_eq(eff->nzones, 3);
	catalogs_config_free(eff, &cfg);
	/* a version that is not a catalog: rejected by catalogs_check */
	char why[256] = "";
	struct zone *bad = load_catalog("catalogs-3.zone", "version IN TXT \"1\"\n", &path);
	ck_assert(!catalogs_check(&cfg, "cat.example", bad, why, sizeof(why)));
	ck_assert_msg(strstr(why, "not a catalog: ") == why, "%s", why);
	ck_assert(catalogs_check(&cfg, "taken.example", bad, why, sizeof(why)));
	ck_assert(catalogs_forget(c, &(struct config){.zones = zones + 1, .nzones = 1}));
	catalogs_free(c);
	zone_free(z);
	zone_free(z2);
	zone_free(bad);
}
END_TEST

Suite *catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("read");
	tcase_add_test(tc, test_catalog_members);
	tcase_add_test(tc, test_catalog_empty);
	tcase_add_test(tc, test_catalog_version);
	tcase_add_test(tc, test_catalog_broken_members);
	tcase_add_test(tc, test_catalog_bad_member_name);
	tcase_add_test(tc, test_catalog_warnings);
	suite_add_tcase(s, tc);
	tc = tcase_create("diff");
	tcase_add_test(tc, test_catalog_diff);
	tcase_add_test(tc, test_catalog_diff_groups);
	suite_add_tcase(s, tc);
	tc = tcase_create("consumer");
	tcase_add_test(tc, test_catalogs_config);
	suite_add_tcase(s, tc);
	return s;
}
