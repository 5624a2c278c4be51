/*
 * test_journal.c - xfr/diff.c, xfr/journal.c and xfr/ixfr.c: differences
 * of compiled zones (additions, removals, TTL and rdata changes, glue,
 * TYPE65281, nothing at all), the journal's bounds and history, its views
 * under a concurrent writer, its file (round trip, truncated, garbled,
 * well-summed nonsense, another zone), condensation over three versions,
 * and the IXFR stream parsed back with ldns record by record: SOA alone
 * for a current or newer serial, the fallback, the condensed sequence,
 * several messages, UDP, the request's serial.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "unit.h"

#include "common/gd.h"
#include "dns/wire.h"
#include "xfr/axfr.h"
#include "xfr/ixfr.h"
#include "xfr/journal.h"
#include "zone/zone.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- zones and records as text ---- */

#define ORIGIN "j.test."

/* Version serial of the test zone: a fixed head (the SOA's refresh
 * given) and body. */
static struct zone *ver_refresh(unsigned serial, unsigned refresh, const char *body)
{
	char name[64], *text = NULL;
	snprintf(name, sizeof(name), "journal-%u.zone", serial);
	ck_assert_int_gt(asprintf(&text,
	                          "$ORIGIN " ORIGIN "\n$TTL 3600\n"
	                          "@ IN SOA ns1.j.test. Host.j.test. %u %u 900 1209600 300\n"
	                          "@ IN NS ns1\n@ IN MX 10 Mail.j.test.\n"
	                          "ns1 IN A 192.0.2.1\nmail IN A 192.0.2.25\n%s",
	                          serial, refresh, body),
	                 0);
	struct zone *z = unit_load_zone(ORIGIN, unit_write_file(name, text), NULL);
	free(text);
	return z;
}

static struct zone *ver(unsigned serial, const char *body)
{
	return ver_refresh(serial, 7200, body);
}

static const char *body1 = "www IN A 192.0.2.80\nwww IN A 192.0.2.81\n"
                           "txt 600 IN TXT \"hello\"\n"
                           "sub IN NS ns.sub\nns.sub IN A 192.0.2.53\n"
                           "svc IN TYPE65281 \\# 43 7b22726567696f6e73223a7b2275732d65617374223a7b2241223a5b223139322e302e322e31225d7d7d7d\n"
                           "gone IN A 192.0.2.99\ngone IN TXT \"bye\"\n";
/* 1 -> 2: an rdata change (www), a TTL change (txt), glue (ns.sub), the
 * service record, a name gone, a name new */
static const char *body2 = "www IN A 192.0.2.80\nwww IN A 192.0.2.82\n"
                           "txt 900 IN TXT \"hello\"\n"
                           "sub IN NS ns.sub\nns.sub IN A 192.0.2.54\n"
                           "svc IN TYPE65281 \\# 43 7b22726567696f6e73223a7b2275732d65617374223a7b2241223a5b223139322e302e322e32225d7d7d7d\n"
                           "new IN AAAA 2001:db8::1\n";
/* 2 -> 3: new removed again, gone's A back, www and txt back as in 1,
 * late added */
static const char *body3 = "www IN A 192.0.2.80\nwww IN A 192.0.2.81\n"
                           "txt 600 IN TXT \"hello\"\n"
                           "sub IN NS ns.sub\nns.sub IN A 192.0.2.54\n"
                           "svc IN TYPE65281 \\# 43 7b22726567696f6e73223a7b2275732d65617374223a7b2241223a5b223139322e302e322e32225d7d7d7d\n"
                           "gone IN A 192.0.2.99\nlate IN A 192.0.2.7\n";

/* A record in ldns's presentation form. */
static char *rr_string(const uint8_t *owner, size_t ownerlen, uint16_t type, uint32_t ttl,
                       const uint8_t *rdata, size_t rdlen)
{
	ldns_rr *rr = unit_ldns_rr(owner, ownerlen, type, ttl, rdata, rdlen);
	char *s = ldns_rr2str(rr);
	ldns_rr_free(rr);
	return s;
}

/* The same form of a record written in a test. */
static char *want_string(const char *text)
{
	ldns_rr *rr = NULL;
	ck_assert_msg(ldns_rr_new_frm_str(&rr, text, 3600, NULL, NULL) == LDNS_STATUS_OK, "%s",
	              text);
	char *s = ldns_rr2str(rr);
	ldns_rr_free(rr);
	return s;
}

/* got[0..n-1] (freed here) against want (NULL-terminated), in order. */
static void check_strings(char **got, size_t n, const char *const *want, const char *what)
{
	size_t k = 0;
	for (; want[k]; k++) {
		ck_assert_msg(k < n, "%s: %zu records, want more: %s", what, n, want[k]);
		char *w = want_string(want[k]);
		ck_assert_msg(strcmp(got[k], w) == 0, "%s %zu: got %s want %s", what, k, got[k], w);
		free(w);
	}
	ck_assert_msg(k == n, "%s: %zu records, want %zu; extra: %s", what, n, k,
	              n > k ? got[k] : "");
	for (size_t i = 0; i < n; i++)
		free(got[i]);
	free(got);
}

static char **part_strings(const struct diff *d, enum diff_part part, size_t *n)
{
	struct diff_iter it;
	struct diff_rr rr;
	char **out = NULL;
	*n = 0;
	diff_iter_init(d, part, &it);
	while (diff_iter_next(&it, &rr)) {
		out = realloc(out, (*n + 1) * sizeof(*out));
		out[(*n)++] =
		    rr_string(rr.owner, rr.owner_len, rr.type, rr.ttl, rr.rdata, rr.rdlen);
	}
	return out;
}

static void check_part(const struct diff *d, enum diff_part part, const char *const *want)
{
	static const char *names[] = {"old SOA", "removed", "new SOA", "added"};
	size_t n;
	char **got = part_strings(d, part, &n);
	check_strings(got, n, want, names[part]);
}

#define SOA(n) "j.test. 3600 IN SOA ns1.j.test. Host.j.test. " #n " 7200 900 1209600 300"

static const char *const removed12[] = {"gone.j.test. 3600 IN A 192.0.2.99",
                                        "gone.j.test. 3600 IN TXT \"bye\"",
                                        "ns.sub.j.test. 3600 IN A 192.0.2.53",
                                        "svc.j.test. 3600 IN TYPE65281 \\# 43 7b22726567696f6e73223a7b2275732d65617374223a7b2241223a5b223139322e302e322e31225d7d7d7d",
                                        "txt.j.test. 600 IN TXT \"hello\"",
                                        "www.j.test. 3600 IN A 192.0.2.81",
                                        NULL};
static const char *const added12[] = {
    "new.j.test. 3600 IN AAAA 2001:db8::1",       "ns.sub.j.test. 3600 IN A 192.0.2.54",
    "svc.j.test. 3600 IN TYPE65281 \\# 43 7b22726567696f6e73223a7b2275732d65617374223a7b2241223a5b223139322e302e322e32225d7d7d7d", "txt.j.test. 900 IN TXT \"hello\"",
    "www.j.test. 3600 IN A 192.0.2.82",           NULL};
static const char *const removed23[] = {"new.j.test. 3600 IN AAAA 2001:db8::1",
                                        "txt.j.test. 900 IN TXT \"hello\"",
                                        "www.j.test. 3600 IN A 192.0.2.82", NULL};
static const char *const added23[] = {
    "gone.j.test. 3600 IN A 192.0.2.99", "late.j.test. 3600 IN A 192.0.2.7",
    "txt.j.test. 600 IN TXT \"hello\"", "www.j.test. 3600 IN A 192.0.2.81", NULL};
/* 1 -> 3 condensed: new came and went, gone's A, www and txt are as
 * they were; what is left */
static const char *const removed13[] = {"gone.j.test. 3600 IN TXT \"bye\"",
                                        "ns.sub.j.test. 3600 IN A 192.0.2.53",
                                        "svc.j.test. 3600 IN TYPE65281 \\# 43 7b22726567696f6e73223a7b2275732d65617374223a7b2241223a5b223139322e302e322e31225d7d7d7d", NULL};
static const char *const added13[] = {"late.j.test. 3600 IN A 192.0.2.7",
                                      "ns.sub.j.test. 3600 IN A 192.0.2.54",
                                      "svc.j.test. 3600 IN TYPE65281 \\# 43 7b22726567696f6e73223a7b2275732d65617374223a7b2241223a5b223139322e302e322e32225d7d7d7d", NULL};

static struct diff *diff_of(const struct zone *a, const struct zone *b)
{
	struct diff *d = NULL;
	ck_assert_int_eq(diff_zones(a, b, &d), GD_OK);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* ---- differences ---- */

START_TEST(test_diff_changes)
{
	struct zone *z1 = ver(1, body1), *z2 = ver(2, body2);
	struct diff *d = diff_of(z1, z2);
	ck_assert_uint_eq(diff_serial_from(d), 1);
	ck_assert_uint_eq(diff_serial_to(d), 2);
	ck_assert_uint_eq(diff_removed(d), 6);
	ck_assert_uint_eq(diff_added(d), 5);
	check_part(d, DIFF_SOA_OLD, (const char *[]){SOA(1), NULL});
	check_part(d, DIFF_REMOVED, removed12);
	check_part(d, DIFF_SOA_NEW, (const char *[]){SOA(2), NULL});
	check_part(d, DIFF_ADDED, added12);
	/* the memory is the change's: far below the zone's */
	ck_assert_uint_lt(diff_bytes(d), 1024);
	diff_free(d);
	/* the other way round: removed and added swap */
	d = diff_of(z2, z1);
	check_part(d, DIFF_REMOVED, added12);
	check_part(d, DIFF_ADDED, removed12);
	diff_free(d);
	zone_free(z1);
	zone_free(z2);
}
END_TEST

START_TEST(test_diff_nothing_and_soa_only)
{
	struct zone *a = ver(1, body1), *b = ver(1, body1), *c = ver(7, body1);
	struct diff *d = diff_of(a, b);
	ck_assert_uint_eq(diff_removed(d), 0);
	ck_assert_uint_eq(diff_added(d), 0);
	ck_assert_uint_eq(diff_serial_from(d), diff_serial_to(d));
	diff_free(d);
	/* the serial alone */
	d = diff_of(a, c);
	ck_assert_uint_eq(diff_removed(d) + diff_added(d), 0);
	check_part(d, DIFF_SOA_NEW, (const char *[]){SOA(7), NULL});
	diff_free(d);
	/* another origin */
	struct zone *o =
	    unit_load_zone("k.test.",
	                   unit_write_file("journal-k.zone", "k.test. 60 IN SOA a b 1 2 3 4 5\n"
	                                                     "k.test. 60 IN NS a.example.\n"),
	                   NULL);
	ck_assert_int_eq(diff_zones(a, o, &d), GD_EINVAL);
	zone_free(o);
	zone_free(a);
	zone_free(b);
	zone_free(c);
}
END_TEST

/* A whole RRset's TTL: every old record out, every new one in; case in
 * rdata is a change too; occluded data below a cut counts. */
START_TEST(test_diff_ttl_case_occluded)
{
	struct zone *a = ver(1, "m IN A 192.0.2.1\nm IN A 192.0.2.2\n"
	                        "c IN CNAME Target.j.test.\n"
	                        "sub IN NS ns.sub\nns.sub IN A 192.0.2.53\n"
	                        "x.y.sub IN TXT \"hidden\"\n");
	struct zone *b = ver(2, "m 60 IN A 192.0.2.1\nm 60 IN A 192.0.2.2\n"
	                        "c IN CNAME target.j.test.\n"
	                        "sub IN NS ns.sub\nns.sub IN A 192.0.2.53\n"
	                        "x.y.sub IN TXT \"shown\"\n");
	struct diff *d = diff_of(a, b);
	check_part(d, DIFF_REMOVED,
	           (const char *[]){"c.j.test. 3600 IN CNAME Target.j.test.",
	                            "m.j.test. 3600 IN A 192.0.2.1",
	                            "m.j.test. 3600 IN A 192.0.2.2",
	                            "x.y.sub.j.test. 3600 IN TXT \"hidden\"", NULL});
	check_part(d, DIFF_ADDED,
	           (const char *[]){"c.j.test. 3600 IN CNAME target.j.test.",
	                            "m.j.test. 60 IN A 192.0.2.1", "m.j.test. 60 IN A 192.0.2.2",
	                            "x.y.sub.j.test. 3600 IN TXT \"shown\"", NULL});
	diff_free(d);
	zone_free(a);
	zone_free(b);
}
END_TEST

START_TEST(test_condense)
{
	struct zone *z1 = ver(1, body1), *z2 = ver(2, body2), *z3 = ver(3, body3);
	struct diff *seq[2] = {diff_of(z1, z2), diff_of(z2, z3)}, *c = NULL;
	check_part(seq[1], DIFF_REMOVED, removed23);
	check_part(seq[1], DIFF_ADDED, added23);
	ck_assert_int_eq(diff_condense(seq, 2, &c), GD_OK);
	ck_assert_uint_eq(diff_serial_from(c), 1);
	ck_assert_uint_eq(diff_serial_to(c), 3);
	check_part(c, DIFF_SOA_OLD, (const char *[]){SOA(1), NULL});
	check_part(c, DIFF_REMOVED, removed13);
	check_part(c, DIFF_SOA_NEW, (const char *[]){SOA(3), NULL});
	check_part(c, DIFF_ADDED, added13);
	/* the same as the difference of the two ends */
	struct diff *direct = diff_of(z1, z3);
	check_part(direct, DIFF_REMOVED, removed13);
	check_part(direct, DIFF_ADDED, added13);
	diff_free(direct);
	diff_free(c);
	/* one is itself; none and a gap are refused */
	ck_assert_int_eq(diff_condense(seq, 1, &c), GD_OK);
	ck_assert_ptr_eq(c, seq[0]);
	diff_free(c);
	ck_assert_int_eq(diff_condense(seq, 0, &c), GD_EINVAL);
	struct diff *gap[2] = {seq[1], seq[0]};
	ck_assert_int_eq(diff_condense(gap, 2, &c), GD_EINVAL);
	diff_free(seq[0]);
	diff_free(seq[1]);
	zone_free(z1);
	zone_free(z2);
	zone_free(z3);
}
END_TEST

/* ---- the journal ---- */

/* Versions 1..n of a zone, one A record changing each time, and the
 * differences between them (d[i]: i+1 -> i+2). */
static void versions(struct zone **z, struct diff **d, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char body[128];
		snprintf(body, sizeof(body), "r IN A 192.0.2.%u\nr IN TXT \"version %u\"\n", i + 1,
		         i + 1);
		z[i] = ver(i + 1, body);
		if (i)
			d[i - 1] = diff_of(z[i - 1], z[i]);
	}
}

static void free_versions(struct zone **z, struct diff **d, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		zone_free(z[i]);
		if (i + 1 < n)
			diff_free(d[i]);
	}
}

static void check_range(struct journal *j, size_t versions, uint32_t first, uint32_t last)
{
	size_t n, bytes;
	uint32_t f = 0, l = 0;
	journal_stats(j, &n, &bytes);
	ck_assert_uint_eq(n, versions);
	ck_assert_int_eq(journal_range(j, &f, &l), versions > 0);
	if (versions) {
		ck_assert_uint_eq(f, first);
		ck_assert_uint_eq(l, last);
	} else {
		ck_assert_uint_eq(bytes, 0);
	}
}

START_TEST(test_journal_bounds)
{
	struct zone *z[7];
	struct diff *d[6];
	versions(z, d, 7);
	size_t one = diff_bytes(d[0]);
	/* versions: the oldest go first */
	struct journal *j = journal_new(3, 1 << 20);
	for (unsigned i = 0; i < 5; i++)
		ck_assert_int_eq(journal_add(j, diff_ref(d[i])), GD_OK);
	check_range(j, 3, 3, 6);
	size_t n, bytes;
	journal_stats(j, &n, &bytes);
	ck_assert_uint_eq(bytes, diff_bytes(d[2]) + diff_bytes(d[3]) + diff_bytes(d[4]));
	journal_free(j);
	/* octets: room for two and a bit */
	j = journal_new(10, 2 * one + one / 2);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(journal_add(j, diff_ref(d[i])), GD_OK);
	check_range(j, 2, 3, 5);
	/* one larger than the bound: nothing kept */
	journal_free(j);
	j = journal_new(10, one - 1);
	ck_assert_int_eq(journal_add(j, diff_ref(d[0])), GD_ELIMIT);
	check_range(j, 0, 0, 0);
	journal_free(j);
	j = journal_new(0, 1 << 20);
	ck_assert_int_eq(journal_add(j, diff_ref(d[0])), GD_ELIMIT);
	check_range(j, 0, 0, 0);
	journal_free(j);
	for (unsigned i = 0; i < 6; i++)
		ck_assert_uint_eq(diff_bytes(d[i]), one); /* the same size each */
	free_versions(z, d, 7);
}
END_TEST

START_TEST(test_journal_history)
{
	struct zone *z[5];
	struct diff *d[4];
	versions(z, d, 5);
	struct journal *j = journal_new(10, 1 << 20);
	ck_assert_int_eq(journal_add(j, diff_ref(d[0])), GD_OK);
	ck_assert_int_eq(journal_add(j, diff_ref(d[1])), GD_OK);
	check_range(j, 2, 1, 3);
	/* not from the last serial: the history is broken, d[3] alone */
	ck_assert_int_eq(journal_add(j, diff_ref(d[3])), GD_OK);
	check_range(j, 1, 4, 5);
	/* nothing changed at all: not stored, kept as it was */
	struct zone *again = ver(5, "r IN A 192.0.2.5\nr IN TXT \"version 5\"\n");
	ck_assert_int_eq(journal_add(j, diff_of(z[4], again)), GD_OK);
	check_range(j, 1, 4, 5);
	/* a change without a new serial: every difference is now wrong */
	struct zone *same_serial = ver(5, "r IN A 192.0.2.55\n");
	ck_assert_int_eq(journal_add(j, diff_of(z[4], same_serial)), GD_EINVAL);
	check_range(j, 0, 0, 0);
	/* a serial going backwards */
	ck_assert_int_eq(journal_add(j, diff_of(z[4], z[2])), GD_EINVAL);
	check_range(j, 0, 0, 0);
	/* cleared on request */
	ck_assert_int_eq(journal_add(j, diff_ref(d[0])), GD_OK);
	journal_clear(j);
	check_range(j, 0, 0, 0);
	journal_free(j);
	journal_free(NULL);
	zone_free(again);
	zone_free(same_serial);
	free_versions(z, d, 5);
}
END_TEST

/* A view keeps its differences whatever the journal does after. */
START_TEST(test_journal_view)
{
	struct zone *z[4];
	struct diff *d[3];
	versions(z, d, 4);
	struct journal *j = journal_new(2, 1 << 20);
	journal_add(j, diff_ref(d[0]));
	journal_add(j, diff_ref(d[1]));
	struct journal_view v;
	ck_assert_int_eq(journal_view_take(j, &v), GD_OK);
	ck_assert_uint_eq(v.n, 2);
	journal_add(j, diff_ref(d[2])); /* drops d[0] from the journal */
	free_versions(z, d, 4);         /* and the test's own references */
	journal_free(j);
	ck_assert_uint_eq(diff_serial_from(v.diffs[0]), 1);
	ck_assert_uint_eq(diff_serial_to(v.diffs[1]), 3);
	check_part(v.diffs[0], DIFF_ADDED,
	           (const char *[]){"r.j.test. 3600 IN A 192.0.2.2",
	                            "r.j.test. 3600 IN TXT \"version 2\"", NULL});
	journal_view_release(&v);
	ck_assert_uint_eq(v.n, 0);
}
END_TEST

struct writer_arg {
	struct journal *j;
	struct diff **d;
	unsigned n;
};

static void *writer(void *p)
{
	struct writer_arg *a = p;
	for (unsigned round = 0; round < 200; round++) {
		for (unsigned i = 0; i < a->n; i++)
			journal_add(a->j, diff_ref(a->d[i]));
		if (round % 7 == 0)
			journal_clear(a->j);
	}
	return NULL;
}

/* The reload thread appends while a transfer thread takes views: each
 * view is contiguous (ThreadSanitizer checks the rest in its build). */
START_TEST(test_journal_concurrent)
{
	struct zone *z[6];
	struct diff *d[5];
	versions(z, d, 6);
	struct journal *j = journal_new(3, 1 << 20);
	struct writer_arg a = {j, d, 5};
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, writer, &a), 0);
	for (unsigned k = 0; k < 2000; k++) {
		struct journal_view v;
		ck_assert_int_eq(journal_view_take(j, &v), GD_OK);
		ck_assert_uint_le(v.n, 3);
		for (size_t i = 1; i < v.n; i++)
			ck_assert_uint_eq(diff_serial_from(v.diffs[i]),
			                  diff_serial_to(v.diffs[i - 1]));
		journal_view_release(&v);
	}
	pthread_join(t, NULL);
	check_range(j, 3, 3, 6);
	journal_free(j);
	free_versions(z, d, 6);
}
END_TEST

/* ---- the file ---- */

static const uint8_t origin_wire[] = "\001j\004test";

static void check_same(struct diff *a, struct diff *b)
{
	ck_assert_uint_eq(diff_serial_from(a), diff_serial_from(b));
	ck_assert_uint_eq(diff_serial_to(a), diff_serial_to(b));
	ck_assert_uint_eq(diff_removed(a), diff_removed(b));
	ck_assert_uint_eq(diff_added(a), diff_added(b));
	ck_assert_uint_eq(diff_bytes(a), diff_bytes(b));
	for (int part = DIFF_SOA_OLD; part <= DIFF_ADDED; part++) {
		struct diff_iter x, y;
		diff_iter_init(a, part, &x);
		diff_iter_init(b, part, &y);
		ck_assert_uint_eq(x.end - x.p, y.end - y.p);
		ck_assert(memcmp(x.p, y.p, (size_t)(x.end - x.p)) == 0);
	}
}

/* The file's octets. */
static uint8_t *slurp(const char *path, size_t *len)
{
	char *text = NULL;
	ck_assert_int_eq(read_file(path, &text, len), GD_OK);
	return (uint8_t *)text;
}

static void spill(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* CRC-32 as zlib computes it, table-driven (journal.c goes bit by bit). */
static uint32_t ref_crc32(const uint8_t *p, size_t n)
{
	uint32_t table[256];
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	uint32_t crc = 0xFFFFFFFFu;
	while (n--)
		crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return crc ^ 0xFFFFFFFFu;
}

/* Load path expecting rc; the journal is empty unless rc is GD_OK. */
static struct journal *load_expect(const char *path, int rc, const char *reason)
{
	struct journal *j = NULL;
	char err[256];
	ck_assert_int_eq(journal_load(path, origin_wire, 10, 1 << 20, &j, err, sizeof(err)), rc);
	ck_assert_ptr_nonnull(j);
	if (rc != GD_OK) {
		ck_assert_msg(strstr(err, reason) != NULL, "error \"%s\" lacks \"%s\"", err,
		              reason);
		check_range(j, 0, 0, 0);
	}
	return j;
}

START_TEST(test_journal_file)
{
	struct zone *z[4];
	struct diff *d[3];
	versions(z, d, 4);
	struct journal *j = journal_new(10, 1 << 20);
	for (unsigned i = 0; i < 3; i++)
		journal_add(j, diff_ref(d[i]));
	char path[512];
	snprintf(path, sizeof(path), "%s", unit_write_file("j.test.journal", ""));
	unlink(path);
	struct journal *back = load_expect(path, GD_ENOTFOUND, "no journal yet");
	journal_free(back);
	ck_assert_int_eq(journal_save(j, origin_wire, path), GD_OK);
	/* the temporary file is gone */
	char tmp[600];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	back = load_expect(path, GD_OK, "");
	check_range(back, 3, 1, 4);
	struct journal_view v;
	journal_view_take(back, &v);
	for (unsigned i = 0; i < 3; i++)
		check_same(v.diffs[i], d[i]);
	journal_view_release(&v);
	journal_free(back);
	/* with tighter bounds the oldest go */
	char err[256];
	ck_assert_int_eq(journal_load(path, origin_wire, 2, 1 << 20, &back, err, sizeof(err)),
	                 GD_OK);
	check_range(back, 2, 2, 4);
	journal_free(back);
	/* of another zone */
	ck_assert_int_eq(
	    journal_load(path, (const uint8_t *)"\001k\004test", 10, 1 << 20, &back, err, 256),
	    GD_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err, "of another zone"));
	journal_free(back);

	size_t len;
	uint8_t *good = slurp(path, &len);
	/* truncated anywhere */
	for (size_t cut = 0; cut < len; cut += 7) {
		spill(path, good, cut);
		journal_free(load_expect(path, GD_EFORMAT, "checksum"));
	}
	/* one octet flipped anywhere */
	uint8_t *bad = malloc(len);
	for (size_t at = 0; at < len; at += 5) {
		memcpy(bad, good, len);
		bad[at] ^= 0x20;
		spill(path, bad, len);
		journal_free(load_expect(path, GD_EFORMAT, "checksum"));
	}
	/* well summed but wrong inside: the checks do not trust the CRC.
	 * Offsets: count at 21 (after magic, version and the 8 octets of
	 * the origin with its length), the first difference's header at 25,
	 * its records at 45 (the old SOA's owner length, then its owner) */
	struct {
		size_t at;
		uint8_t value;
		const char *reason;
	} lies[] = {
	    {0, 'X', "not a journal"},
	    {11, 2, "version 2 not supported"},
	    {24, 4, "difference 4 of 4 runs past the end"},
	    {32, 9, "difference 1 of 3 (serial 1 to 9) is malformed"},
	    {44, 0, "difference 1 of 3 (serial 1 to 2) is malformed"}, /* its length */
	    {45, 200, "difference 1 of 3 (serial 1 to 2) is malformed"},
	    {47, 'J', "difference 1 of 3 (serial 1 to 2) is malformed"}, /* not lower case */
	    {24, 2, "octets after the last difference"},
	};
	ck_assert_uint_eq(good[47], 'j');
	for (size_t i = 0; i < ARRAY_SIZE(lies); i++) {
		memcpy(bad, good, len);
		ck_assert_uint_ne(bad[lies[i].at], lies[i].value);
		bad[lies[i].at] = lies[i].value;
		wr32(bad + len - 4, ref_crc32(bad, len - 4));
		spill(path, bad, len);
		journal_free(load_expect(path, GD_EFORMAT, lies[i].reason));
	}
	/* and the unchanged file summed the same way loads */
	memcpy(bad, good, len);
	wr32(bad + len - 4, ref_crc32(bad, len - 4));
	ck_assert(memcmp(bad, good, len) == 0);
	free(bad);
	free(good);
	journal_free(j);
	free_versions(z, d, 4);
}
END_TEST

/* ---- IXFR ---- */

/* A stream's records in presentation form; every message checked. */
struct istream {
	char **rrs;
	size_t n, messages;
};

static void collect_answer(struct istream *st, const uint8_t *buf, size_t len,
                           const struct query *q, bool first)
{
	ck_assert(unit_whole_records(buf, len));
	ldns_pkt *p = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK);
	unit_xfr_check_header(p, q, first);
	ldns_rr_list *an = ldns_pkt_answer(p);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		st->rrs = realloc(st->rrs, (st->n + 1) * sizeof(char *));
		st->rrs[st->n++] = ldns_rr2str(ldns_rr_list_rr(an, i));
	}
	ldns_pkt_free(p);
	st->messages++;
}

static struct istream run_ixfr(struct ixfr_state *s, const struct query *q, size_t cap)
{
	struct istream st = {NULL, 0, 0};
	uint8_t *buf = malloc(cap);
	size_t len;
	int rc;
	while ((rc = ixfr_next_message(s, buf, cap, &len)) == 1) {
		ck_assert_uint_le(len, cap);
		collect_answer(&st, buf, len, q, st.messages == 0);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(ixfr_next_message(s, buf, cap, &len), 0);
	uint64_t records, messages;
	uint32_t from, to;
	ixfr_progress(s, &records, &messages, &from, &to);
	ck_assert_uint_eq(records, st.n);
	ck_assert_uint_eq(messages, st.messages);
	free(buf);
	return st;
}

/* The RFC 1995 4 sequence: current SOA, old SOA, removed, new SOA (the
 * current), added, current SOA. */
static void check_incremental(struct istream *st, const char *cur, const char *old,
                              const char *const *removed, const char *const *added)
{
	const char *want[64];
	size_t k = 0;
	want[k++] = cur;
	want[k++] = old;
	for (size_t i = 0; removed[i]; i++)
		want[k++] = removed[i];
	want[k++] = cur;
	for (size_t i = 0; added[i]; i++)
		want[k++] = added[i];
	want[k++] = cur;
	want[k] = NULL;
	check_strings(st->rrs, st->n, want, "ixfr");
}

/* begin for the client's serial expecting rc; the stream when GD_OK. */
static struct ixfr_state *begin(struct journal *j, const struct zone *z, const struct query *q,
                                uint32_t serial, int rc)
{
	struct ixfr_state *s = (struct ixfr_state *)1;
	ck_assert_int_eq(ixfr_begin(j, z, q, serial, &s), rc);
	if (rc != GD_OK) {
		ck_assert_ptr_eq(s, (struct ixfr_state *)1); /* untouched */
		return NULL;
	}
	return s;
}

static void check_uptodate(struct ixfr_state *s, const struct query *q, const char *soa)
{
	ck_assert_int_eq(ixfr_kind(s), IXFR_UPTODATE);
	struct istream st = run_ixfr(s, q, AXFR_MESSAGE_SIZE);
	ck_assert_uint_eq(st.messages, 1);
	check_strings(st.rrs, st.n, (const char *[]){soa, NULL}, "uptodate");
	ixfr_end(s);
}

START_TEST(test_ixfr_decisions)
{
	struct zone *z1 = ver(1, body1), *z2 = ver(2, body2), *z3 = ver(3, body3);
	struct journal *j = journal_new(10, 1 << 20);
	journal_add(j, diff_of(z1, z2));
	journal_add(j, diff_of(z2, z3));
	struct query q;
	unit_xfr_request(&q, "J.test.", 0x1234, false, LDNS_RR_TYPE_IXFR);
	/* two versions behind: condensed */
	struct ixfr_state *s = begin(j, z3, &q, 1, GD_OK);
	ck_assert_int_eq(ixfr_kind(s), IXFR_INCREMENTAL);
	struct istream st = run_ixfr(s, &q, AXFR_MESSAGE_SIZE);
	ck_assert_uint_eq(st.messages, 1);
	check_incremental(&st, SOA(3), SOA(1), removed13, added13);
	uint64_t records, messages;
	uint32_t from, to;
	ixfr_progress(s, &records, &messages, &from, &to);
	ck_assert_uint_eq(from, 1);
	ck_assert_uint_eq(to, 3);
	ixfr_end(s);
	/* one behind */
	s = begin(j, z3, &q, 2, GD_OK);
	st = run_ixfr(s, &q, AXFR_MESSAGE_SIZE);
	check_incremental(&st, SOA(3), SOA(2), removed23, added23);
	ixfr_end(s);
	/* current, and newer than ours: our SOA alone */
	check_uptodate(begin(j, z3, &q, 3, GD_OK), &q, SOA(3));
	check_uptodate(begin(j, z3, &q, 4, GD_OK), &q, SOA(3));
	check_uptodate(begin(j, z3, &q, 3 + 0x7fffffffu, GD_OK), &q, SOA(3));
	check_uptodate(begin(NULL, z3, &q, 3, GD_OK), &q, SOA(3));
	check_uptodate(ixfr_begin_soa(z3, &q), &q, SOA(3));
	/* not in the journal, or 2^31 away (undefined): AXFR */
	begin(j, z3, &q, 0, IXFR_FALLBACK);
	begin(j, z3, &q, 3 + 0x80000000u, IXFR_FALLBACK);
	begin(NULL, z3, &q, 1, IXFR_FALLBACK);
	/* a journal that does not lead to the zone served: AXFR */
	struct journal *behind = journal_new(10, 1 << 20);
	journal_add(behind, diff_of(z1, z2));
	begin(behind, z3, &q, 1, IXFR_FALLBACK);
	struct zone *other = ver_refresh(3, 3600, body3); /* same serial, another SOA */
	begin(j, other, &q, 1, IXFR_FALLBACK);
	check_uptodate(begin(j, other, &q, 3, GD_OK), &q,
	               "j.test. 3600 IN SOA ns1.j.test. Host.j.test. 3 3600 900 1209600 300");
	zone_free(other);
	journal_free(behind);
	/* the journal may go meanwhile: the stream owns what it sends */
	s = begin(j, z3, &q, 1, GD_OK);
	journal_free(j);
	zone_free(z1);
	zone_free(z2);
	zone_free(z3);
	st = run_ixfr(s, &q, AXFR_MESSAGE_SIZE);
	check_incremental(&st, SOA(3), SOA(1), removed13, added13);
	ixfr_end(s);
	ixfr_end(NULL);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A large difference: many messages, none over the limit, the same
 * records whatever the limit. */
START_TEST(test_ixfr_large)
{
	enum { HOSTS = 1200 };
	size_t cap = 64 * HOSTS;
	char *b1 = malloc(cap), *b2 = malloc(cap);
	size_t l1 = 0, l2 = 0;
	for (unsigned i = 0; i < HOSTS; i++) {
		l1 += (size_t)snprintf(b1 + l1, cap - l1, "host%u.g%u IN A 10.1.%u.%u\n", i, i % 13,
		                       i / 256, i % 256);
		l2 += (size_t)snprintf(b2 + l2, cap - l2,
		                       "host%u.g%u IN A 10.2.%u.%u\nhost%u.g%u IN TXT \"v2 %u\"\n",
		                       i, i % 13, i / 256, i % 256, i, i % 13, i);
	}
	struct zone *z1 = ver(10, b1), *z2 = ver(11, b2);
	struct journal *j = journal_new(2, 1 << 22);
	ck_assert_int_eq(journal_add(j, diff_of(z1, z2)), GD_OK);
	struct query q;
	unit_xfr_request(&q, ORIGIN, 9, true, LDNS_RR_TYPE_IXFR);
	struct ixfr_state *s = begin(j, z2, &q, 10, GD_OK);
	struct istream big = run_ixfr(s, &q, AXFR_MESSAGE_SIZE);
	ixfr_end(s);
	ck_assert_uint_ge(big.messages, 4);
	ck_assert_uint_eq(big.n, 4 + 3 * HOSTS);
	/* removed: the old addresses; added: the new ones and the TXTs */
	char **want = malloc(3 * HOSTS * sizeof(char *));
	for (unsigned i = 0; i < HOSTS; i++) {
		char text[128];
		snprintf(text, sizeof(text), "host%u.g%u.j.test. 3600 IN A 10.1.%u.%u", i, i % 13,
		         i / 256, i % 256);
		want[i] = want_string(text);
	}
	qsort(want, HOSTS, sizeof(char *), cmp_str);
	char **got = malloc(3 * HOSTS * sizeof(char *));
	memcpy(got, big.rrs + 2, HOSTS * sizeof(char *));
	qsort(got, HOSTS, sizeof(char *), cmp_str);
	for (unsigned i = 0; i < HOSTS; i++)
		ck_assert_str_eq(got[i], want[i]);
	for (unsigned i = 0; i < HOSTS; i++)
		free(want[i]);
	for (unsigned i = 0; i < HOSTS; i++) {
		char text[128];
		snprintf(text, sizeof(text), "host%u.g%u.j.test. 3600 IN A 10.2.%u.%u", i, i % 13,
		         i / 256, i % 256);
		want[2 * i] = want_string(text);
		snprintf(text, sizeof(text), "host%u.g%u.j.test. 3600 IN TXT \"v2 %u\"", i, i % 13,
		         i);
		want[2 * i + 1] = want_string(text);
	}
	qsort(want, 2 * HOSTS, sizeof(char *), cmp_str);
	memcpy(got, big.rrs + 3 + HOSTS, 2 * HOSTS * sizeof(char *));
	qsort(got, 2 * HOSTS, sizeof(char *), cmp_str);
	for (unsigned i = 0; i < 2 * HOSTS; i++) {
		ck_assert_str_eq(got[i], want[i]);
		free(want[i]);
	}
	/* small messages: the same records in the same order */
	s = begin(j, z2, &q, 10, GD_OK);
	struct istream small = run_ixfr(s, &q, 512);
	ixfr_end(s);
	ck_assert_uint_ge(small.messages, 100);
	ck_assert_uint_eq(small.n, big.n);
	for (size_t i = 0; i < big.n; i++)
		ck_assert_str_eq(small.rrs[i], big.rrs[i]);
	/* over UDP it does not fit: our SOA alone, no TC */
	uint8_t buf[1232];
	size_t len;
	bool whole = true;
	s = begin(j, z2, &q, 10, GD_OK);
	ck_assert_int_eq(ixfr_udp_message(s, buf, sizeof(buf), &len, &whole), GD_OK);
	ck_assert(!whole);
	ck_assert_uint_eq(rd16(buf + 6), 1);
	ck_assert_uint_eq(buf[2] & 0x02, 0); /* TC */
	struct istream udp = {NULL, 0, 0};
	collect_answer(&udp, buf, len, &q, true);
	check_strings(udp.rrs, udp.n,
	              (const char *[]){"j.test. 3600 IN SOA ns1.j.test. Host.j.test. 11 7200 900 "
	                               "1209600 300",
	                               NULL},
	              "udp");
	ck_assert_int_eq(ixfr_next_message(s, buf, sizeof(buf), &len), 0);
	ck_assert_int_eq(ixfr_udp_message(s, buf, 20, &len, &whole), GD_ESPACE);
	ixfr_end(s);
	for (size_t i = 0; i < big.n; i++) {
		free(big.rrs[i]);
		free(small.rrs[i]);
	}
	free(big.rrs);
	free(small.rrs);
	free(got);
	free(want);
	free(b1);
	free(b2);
	journal_free(j);
	zone_free(z1);
	zone_free(z2);
}
END_TEST

/* A small difference over UDP: the whole stream in one message. */
START_TEST(test_ixfr_udp_fits)
{
	struct zone *z1 = ver(1, body1), *z2 = ver(2, body2);
	struct journal *j = journal_new(10, 1 << 20);
	journal_add(j, diff_of(z1, z2));
	struct query q;
	unit_xfr_request(&q, ORIGIN, 77, true, LDNS_RR_TYPE_IXFR);
	struct ixfr_state *s = begin(j, z2, &q, 1, GD_OK);
	uint8_t buf[1232];
	size_t len;
	bool whole = false;
	ck_assert_int_eq(ixfr_udp_message(s, buf, sizeof(buf), &len, &whole), GD_OK);
	ck_assert(whole);
	struct istream st = {NULL, 0, 0};
	collect_answer(&st, buf, len, &q, true);
	check_incremental(&st, SOA(2), SOA(1), removed12, added12);
	ck_assert_int_eq(ixfr_next_message(s, buf, sizeof(buf), &len), 0);
	ixfr_end(s);
	journal_free(j);
	zone_free(z1);
	zone_free(z2);
}
END_TEST

/* An IXFR request with the client's SOA in the authority section. */
static uint8_t *ixfr_request(const char *qname, const char *const *authority, size_t *len)
{
	ldns_pkt *p = NULL;
	ck_assert_int_eq(
	    ldns_pkt_query_new_frm_str(&p, qname, LDNS_RR_TYPE_IXFR, LDNS_RR_CLASS_IN, 0),
	    LDNS_STATUS_OK);
	for (size_t i = 0; authority[i]; i++) {
		ldns_rr *rr = NULL;
		ck_assert_int_eq(ldns_rr_new_frm_str(&rr, authority[i], 0, NULL, NULL),
		                 LDNS_STATUS_OK);
		ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
	}
	uint8_t *wire = NULL;
	ck_assert_int_eq(ldns_pkt2wire(&wire, p, len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
	return wire;
}

static int request_serial(const char *qname, const char *const *authority, uint32_t *serial)
{
	size_t len;
	uint8_t *wire = ixfr_request(qname, authority, &len);
	struct query q;
	ck_assert_int_eq(wire_parse_query_opts(wire, len, &q, 0), GD_OK);
	int rc = ixfr_request_serial(wire, len, &q, serial);
	free(wire);
	return rc;
}

START_TEST(test_ixfr_request_serial)
{
	uint32_t serial = 0;
	const char *soa = "j.test. 0 IN SOA ns1.j.test. host.j.test. 4000000000 1 2 3 4";
	ck_assert_int_eq(request_serial("j.test.", (const char *[]){soa, NULL}, &serial), GD_OK);
	ck_assert_uint_eq(serial, 4000000000u);
	/* the owner's case does not matter; another record before it neither */
	ck_assert_int_eq(request_serial("J.TEST.",
	                                (const char *[]){"j.test. 0 IN NS ns1.j.test.",
	                                                 "j.Test. 0 IN SOA a. b. 42 1 2 3 4", NULL},
	                                &serial),
	                 GD_OK);
	ck_assert_uint_eq(serial, 42);
	/* none, or another zone's */
	ck_assert_int_eq(request_serial("j.test.", (const char *[]){NULL}, &serial), GD_EFORMAT);
	ck_assert_int_eq(request_serial("j.test.",
	                                (const char *[]){"k.test. 0 IN SOA a. b. 1 1 2 3 4", NULL},
	                                &serial),
	                 GD_EFORMAT);
	/* an SOA whose rdata is an octet short */
	size_t len;
	uint8_t *wire = ixfr_request("j.test.", (const char *[]){soa, NULL}, &len);
	size_t rdlen = 0;
	for (size_t r = 20; r < 80 && !rdlen; r++)
		if (rd16(wire + len - r - 2) == r)
			rdlen = r;
	ck_assert_uint_gt(rdlen, 0);
	wr16(wire + len - rdlen - 2, (uint16_t)(rdlen - 1));
	struct query q;
	ck_assert_int_eq(wire_parse_query_opts(wire, len - 1, &q, 0), GD_OK);
	ck_assert_int_eq(ixfr_request_serial(wire, len - 1, &q, &serial), GD_EFORMAT);
	free(wire);
}
END_TEST

Suite *journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("diff");
	tcase_add_test(tc, test_diff_changes);
	tcase_add_test(tc, test_diff_nothing_and_soa_only);
	tcase_add_test(tc, test_diff_ttl_case_occluded);
	tcase_add_test(tc, test_condense);
	suite_add_tcase(s, tc);
	tc = tcase_create("journal");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_journal_bounds);
	tcase_add_test(tc, test_journal_history);
	tcase_add_test(tc, test_journal_view);
	tcase_add_test(tc, test_journal_concurrent);
	tcase_add_test(tc, test_journal_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("ixfr");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ixfr_decisions);
	tcase_add_test(tc, test_ixfr_large);
	tcase_add_test(tc, test_ixfr_udp_fits);
	tcase_add_test(tc, test_ixfr_request_serial);
	suite_add_tcase(s, tc);
	return s;
}
