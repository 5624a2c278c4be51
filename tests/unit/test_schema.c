/*
 * test_schema.c - the config schema table (conf/schema.c): every row is
 * complete and consistent (a doc line, a default within its range, no path
 * twice, a parent for every key), and the parser applies the table's ranges
 * and enumeration names to every key of those types.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/config.h"
#include "conf/schema.h"
#include "common/diag.h"
#include "common/gd.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_container(const struct conf_key *k)
{
	return k->type == CONF_OBJECT || k->type == CONF_MAP || k->type == CONF_ARRAY;
}

/* A default that is a word for what leaving the key out means, or marks the
 * key required: no value the parser applies. */
static bool default_is_word(const char *def)
{
	static const char *const words[] = {"required", "all", "random", "system"};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(def, words[i]) == 0)
			return true;
	return false;
}

/* The row of path, or NULL. */
static const struct conf_key *conf_key_find(const char *path)
{
	for (size_t i = 0; i < KEY_COUNT; i++)
		if (strcmp(conf_schema[i].path, path) == 0)
			return &conf_schema[i];
	return NULL;
}

START_TEST(test_every_row_filled)
{
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct conf_key *k = &conf_schema[i];
		ck_assert_msg(k->path != NULL, "row %zu has no path", i);
		ck_assert_msg(k->doc && k->doc[0], "%s has no doc", k->path);
		ck_assert_msg(!strchr(k->doc, '\n'), "%s: doc is more than one line", k->path);
		ck_assert_msg(strlen(k->doc) <= 80, "%s: doc longer than 80 characters", k->path);
		ck_assert_msg(!k->def || (k->def[0] && !strchr(k->def, ' ')),
		              "%s: default \"%s\" empty or with a space", k->path, k->def);
		ck_assert_msg(strspn(k->path, "abcdefghijklmnopqrstuvwxyz0123456789_.*[]") ==
		                  strlen(k->path),
		              "%s: character outside [a-z0-9_.*[]]", k->path);
	}
}
END_TEST

START_TEST(test_no_duplicate_paths)
{
	for (size_t i = 0; i < KEY_COUNT; i++)
		for (size_t j = i + 1; j < KEY_COUNT; j++)
			ck_assert_msg(strcmp(conf_schema[i].path, conf_schema[j].path) != 0,
			              "%s twice (rows %zu and %zu)", conf_schema[i].path, i, j);
}
END_TEST

/* Each key sits under a container row: "a.b" under the object "a",
 * "a.*.b" under the map "a", "a[].b" under the array "a"; a top-level row is
 * a container. */
START_TEST(test_every_key_has_its_parent)
{
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct conf_key *k = &conf_schema[i];
		const char *name = conf_key_name(k);
		if (name == k->path) {
			ck_assert_msg(is_container(k), "top-level %s is not a section", k->path);
			continue;
		}
		char parent[128];
		snprintf(parent, sizeof(parent), "%.*s", (int)(name - k->path - 1), k->path);
		enum conf_type want = CONF_OBJECT;
		size_t pl = strlen(parent);
		if (pl > 2 && strcmp(parent + pl - 2, ".*") == 0) {
			parent[pl - 2] = '\0';
			want = CONF_MAP;
		} else if (pl > 2 && strcmp(parent + pl - 2, "[]") == 0) {
			parent[pl - 2] = '\0';
			want = CONF_ARRAY;
		}
		const struct conf_key *p = conf_key_find(parent);
		ck_assert_msg(p != NULL, "%s: no row for its parent %s", k->path, parent);
		ck_assert_msg(p->type == want, "%s: parent %s is a %s", k->path, parent,
		              conf_type_name(p->type));
		ck_assert_msg(p < k, "%s listed before its parent", k->path);
		ck_assert_msg(!strchr(name, '*') && !strchr(name, '['), "%s: bad name", k->path);
	}
}
END_TEST

START_TEST(test_defaults_within_range)
{
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct conf_key *k = &conf_schema[i];
		if (is_container(k)) {
			ck_assert_msg(!k->def, "%s: a section with a default", k->path);
			continue;
		}
		if (k->type == CONF_UINT) {
			ck_assert_msg(k->min <= k->max && k->max > 0 && k->max <= 0xffffffffLL,
			              "%s: range %lld..%lld", k->path, k->min, k->max);
			ck_assert_msg(k->def != NULL, "%s: a number without a default", k->path);
		}
		if (k->type == CONF_STRING && k->max)
			ck_assert_msg(k->min >= 1 && k->min <= k->max, "%s: length range", k->path);
		if (k->type == CONF_ENUM) {
			size_t n = 0;
			for (; k->names && k->names[n]; n++)
				for (size_t j = 0; j < n; j++)
					ck_assert_msg(strcmp(k->names[j], k->names[n]) != 0,
					              "%s: %s twice", k->path, k->names[n]);
			ck_assert_msg(n >= 2, "%s: fewer than two names", k->path);
		}
		if (!k->def || default_is_word(k->def))
			continue;
		/* a default naming another key: that key's value applies, so it has
		 * this key's type, range and names */
		const struct conf_key *from = conf_key_find(k->def);
		if (from) {
			ck_assert_msg(from->type == k->type && from->min == k->min &&
			                  from->max == k->max && from->names == k->names,
			              "%s: default %s differs in type or range", k->path, k->def);
			continue;
		}
		switch (k->type) {
		case CONF_UINT: {
			char *end;
			long long v = strtoll(k->def, &end, 10);
			ck_assert_msg(*end == '\0' && v >= k->min && v <= k->max,
			              "%s: default %s outside %lld..%lld", k->path, k->def, k->min,
			              k->max);
			ck_assert_uint_eq(conf_default_uint((enum conf_key_id)i), (unsigned)v);
			break;
		}
		case CONF_BOOL:
			ck_assert_msg(strcmp(k->def, "true") == 0 || strcmp(k->def, "false") == 0,
			              "%s: default %s", k->path, k->def);
			break;
		case CONF_ENUM:
			ck_assert_str_eq(k->names[conf_default_enum((enum conf_key_id)i)], k->def);
			break;
		case CONF_ADDRESS:
		case CONF_ADDRESS_LIST: {
			char *list = strdup(k->def), *save = NULL;
			for (char *a = strtok_r(list, ",", &save); a;
			     a = strtok_r(NULL, ",", &save)) {
				struct sockaddr_storage ss;
				socklen_t len;
				ck_assert_msg(parse_hostport(a, (uint16_t)k->port, &ss, &len) ==
				                  GD_OK,
				              "%s: default %s is not an address", k->path, a);
			}
			free(list);
			break;
		}
		default:
			ck_abort_msg("%s: default %s for a %s", k->path, k->def,
			             conf_type_name(k->type));
		}
	}
}
END_TEST

START_TEST(test_children)
{
	const char *names[KEY_COUNT + 1];
	ck_assert_uint_eq(conf_key_children("", names), 13);
	static const char *const top[] = {"server",  "geoip",   "http",   "control", "metrics",
	                                  "dnstap",  "regions", "health", "ecs",     "cookies",
	                                  "rrl",     "tsig_keys", "zones"};
	for (size_t i = 0; i < ARRAY_SIZE(top); i++)
		ck_assert_str_eq(names[i], top[i]);
	ck_assert_ptr_null(names[13]);
	ck_assert_uint_eq(conf_key_children("tsig_keys.*", names), 3);
	ck_assert_uint_eq(conf_key_children("zones[]", names), 10);
	ck_assert_str_eq(names[0], "origin");
	ck_assert_str_eq(names[9], "dnssec");
	ck_assert_str_eq(names[4], "transfer");
	ck_assert_str_eq(names[6], "primaries");
	ck_assert_uint_eq(conf_key_children("zones[].primaries[]", names), 2);
	ck_assert_str_eq(names[0], "address");
	ck_assert_uint_eq(conf_key_children("zones[].transfer", names), 2);
	ck_assert_uint_eq(conf_key_children("zones[].dnssec", names), 2);
	ck_assert_str_eq(names[0], "key");
	ck_assert_str_eq(names[1], "publish");
	ck_assert_uint_eq(conf_key_children("zones[].transfer.allow[]", names), 2);
	ck_assert_str_eq(names[0], "network");
	ck_assert_uint_eq(conf_key_children("geoip", names), 5);
	ck_assert_str_eq(names[2], "networks");
	ck_assert_uint_eq(conf_key_children("geoip.paths", names), 4);
	ck_assert_str_eq(names[3], "continent");
	ck_assert_uint_eq(conf_key_children("regions.*", names), 10);
	ck_assert_uint_eq(conf_key_children("regions", names), 0);
	ck_assert_uint_eq(conf_key_children("serv", names), 0);
	ck_assert_ptr_null(names[0]);
	ck_assert_ptr_eq(conf_key_find("server.udp_payload"), &conf_schema[KEY_SERVER_UDP_PAYLOAD]);
	ck_assert_ptr_null(conf_key_find("server.udp"));
}
END_TEST

START_TEST(test_print)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	conf_schema_print(f);
	fclose(f);
	size_t lines = 0;
	for (char *p = buf; *p; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, KEY_COUNT + 1);
	ck_assert(strncmp(buf, "KEY  ", 5) == 0);
	const char *row = strstr(buf, "\nserver.udp_payload ");
	ck_assert_ptr_nonnull(row);
	char path[64], type[32], range[64], def[64];
	ck_assert_int_eq(sscanf(row, "%63s %31s %63s %63s", path, type, range, def), 4);
	ck_assert_str_eq(type, "uint");
	ck_assert_str_eq(range, "512..4096");
	ck_assert_str_eq(def, "1232");
	row = strstr(buf, "\nserver.log_level ");
	ck_assert_ptr_nonnull(row);
	ck_assert_int_eq(sscanf(row, "%63s %31s %63s %63s", path, type, range, def), 4);
	ck_assert_str_eq(range, "debug,info,warning,error");
	ck_assert_str_eq(def, "info");
	/* a feed or a list of 1 to 8 of them */
	row = strstr(buf, "\nregions.*.feed ");
	ck_assert_ptr_nonnull(row);
	ck_assert_int_eq(sscanf(row, "%63s %31s %63s %63s", path, type, range, def), 4);
	ck_assert_str_eq(type, "feed|list");
	ck_assert_str_eq(range, "1..8");
	ck_assert_str_eq(def, "-");
	free(buf);
}
END_TEST

/* A config setting the key at path (regions.*.k in region "r", zones[].k in
 * the first zone) to the JSON value; the path as errors name it in *shown. */
static void config_with(const char *path, const char *value, char *text, size_t cap, char *shown,
                        size_t shown_cap)
{
	char head[128], tail[128];
	size_t h = 0, t = 0;
	if (strncmp(path, "regions.*.", 10) == 0) {
		const char *name = path + 10;
		snprintf(text, cap, "{\"regions\": {\"r\": {%s\"%s\": %s}}}",
		         strcmp(name, "location") ? "\"location\": [0, 0], " : "", name, value);
		snprintf(shown, shown_cap, "regions.r.%s", name);
		return;
	}
	if (strncmp(path, "dnstap.", 7) == 0) {
		/* dnstap needs its collector, unless name is one */
		const char *name = path + 7;
		snprintf(text, cap, "{\"dnstap\": {%s\"%s\": %s}}",
		         strcmp(name, "socket") && strcmp(name, "tcp") ? "\"socket\": \"/s\", "
		                                                        : "",
		         name, value);
		snprintf(shown, shown_cap, "%s", path);
		return;
	}
	if (strncmp(path, "tsig_keys.*.", 12) == 0) {
		/* a key needs its secret, unless name is where it comes from */
		const char *name = path + 12;
		snprintf(text, cap, "{\"tsig_keys\": {\"k\": {%s\"%s\": %s}}}",
		         strncmp(name, "secret", 6) ? "\"secret\": \"YWJj\", " : "", name, value);
		snprintf(shown, shown_cap, "tsig_keys.k.%s", name);
		return;
	}
	if (strncmp(path, "zones[].", 8) == 0) {
		const char *name = path + 8;
		/* the two required keys, unless name is one of them; a key
		 * below it (transfer.allow[].network) in objects and arrays of
		 * one object, one per component */
		char nested[256];
		size_t n = 0, close = 0;
		char closers[16];
		const char *p = name;
		while (p[strcspn(p, ".[")]) {
			size_t len = strcspn(p, ".[");
			bool array = p[len] == '[';
			n += (size_t)snprintf(nested + n, sizeof(nested) - n, "\"%.*s\": %s",
			                      (int)len, p, array ? "[{" : "{");
			closers[close++] = array ? ']' : '}';
			p += len + (array ? 3 : 1);
		}
		snprintf(nested + n, sizeof(nested) - n, "\"%s\": %s", p, value);
		n = strlen(nested);
		while (close > 0) {
			char c = closers[--close];
			n += (size_t)snprintf(nested + n, sizeof(nested) - n, "%s",
			                      c == ']' ? "}]" : "}");
		}
		snprintf(text, cap, "{\"zones\": [{%s%s%s}]}",
		         strcmp(name, "origin") ? "\"origin\": \"a.example\", " : "",
		         strcmp(name, "file") ? "\"file\": \"f\", " : "", nested);
		/* errors name array entries by index */
		size_t k = (size_t)snprintf(shown, shown_cap, "zones[0].");
		for (const char *q = name; *q && k + 2 < shown_cap; q++) {
			if (q[0] == '[' && q[1] == ']') {
				k += (size_t)snprintf(shown + k, shown_cap - k, "[0]");
				q++;
			} else {
				shown[k++] = *q;
				shown[k] = '\0';
			}
		}
		return;
	}
	/* nested objects, one per component */
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ".");
		h += (size_t)snprintf(head + h, sizeof(head) - h, "{\"%.*s\": ", (int)len, p);
		t += (size_t)snprintf(tail + t, sizeof(tail) - t, "}");
		p += len + (p[len] == '.');
	}
	snprintf(text, cap, "%s%s%s", head, value, tail);
	snprintf(shown, shown_cap, "%s", path);
}

/* Load text; the errors joined by newlines into msgs (empty: it loaded). */
static void load_errors(const char *text, char *msgs, size_t cap)
{
	struct diag d = {0};
	struct config *cfg = config_load(unit_write_file("schema.json", text), &d);
	size_t n = 0;
	msgs[0] = '\0';
	for (size_t i = 0; i < d.count && n < cap; i++)
		n += (size_t)snprintf(msgs + n, cap - n, "%s\n", d.msgs[i]);
	ck_assert_msg((cfg == NULL) == (d.errors > 0), "%s", text);
	config_free(cfg);
	diag_free(&d);
}

/* Every number the table bounds is bounded so by the parser: min and max
 * load, min - 1 and max + 1 fail with the table's range in the message. */
START_TEST(test_parser_applies_ranges)
{
	char text[512], shown[128], value[32], msgs[2048], want[256];
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct conf_key *k = &conf_schema[i];
		if (k->type != CONF_UINT)
			continue;
		const long long edge[] = {k->min, k->max, k->min - 1, k->max + 1};
		for (size_t e = 0; e < ARRAY_SIZE(edge); e++) {
			snprintf(value, sizeof(value), "%lld", edge[e]);
			config_with(k->path, value, text, sizeof(text), shown, sizeof(shown));
			load_errors(text, msgs, sizeof(msgs));
			if (e < 2) {
				ck_assert_msg(msgs[0] == '\0', "%s = %s: %s", k->path, value, msgs);
				continue;
			}
			snprintf(want, sizeof(want), ": %s: %lld is out of range %lld..%lld\n",
			         shown, edge[e], k->min, k->max);
			ck_assert_msg(strstr(msgs, want) && !strchr(strchr(msgs, '\n') + 1, '\n'),
			              "%s = %s: want \"%s\", got \"%s\"", k->path, value, want,
			              msgs);
		}
	}
}
END_TEST

/* Every enumeration takes each of its names and rejects others, naming
 * them all. */
START_TEST(test_parser_applies_names)
{
	char text[512], shown[128], value[64], msgs[2048];
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct conf_key *k = &conf_schema[i];
		if (k->type != CONF_ENUM)
			continue;
		for (size_t n = 0; k->names[n]; n++) {
			snprintf(value, sizeof(value), "\"%s\"", k->names[n]);
			config_with(k->path, value, text, sizeof(text), shown, sizeof(shown));
			load_errors(text, msgs, sizeof(msgs));
			ck_assert_msg(msgs[0] == '\0', "%s = %s: %s", k->path, value, msgs);
		}
		config_with(k->path, "\"none-of-them\"", text, sizeof(text), shown, sizeof(shown));
		load_errors(text, msgs, sizeof(msgs));
		char *m = strstr(msgs, shown);
		ck_assert_msg(m && strstr(m, ": must be "), "%s: %s", k->path, msgs);
		for (size_t n = 0; k->names[n]; n++)
			ck_assert_msg(strstr(m, k->names[n]), "%s: %s not named in %s", k->path,
			              k->names[n], msgs);
	}
}
END_TEST

/* Every key of the table is accepted where the table puts it (no "unknown
 * key"), and a misspelt one is not. */
START_TEST(test_parser_knows_every_key)
{
	char text[512], shown[128], msgs[2048], bad[160];
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct conf_key *k = &conf_schema[i];
		/* a value of a wrong type for most keys: reported, but not as unknown */
		config_with(k->path, "null", text, sizeof(text), shown, sizeof(shown));
		load_errors(text, msgs, sizeof(msgs));
		ck_assert_msg(!strstr(msgs, "unknown key"), "%s: %s", k->path, msgs);
		snprintf(bad, sizeof(bad), "%sx", k->path);
		config_with(bad, "null", text, sizeof(text), shown, sizeof(shown));
		load_errors(text, msgs, sizeof(msgs));
		ck_assert_msg(strstr(msgs, "unknown key"), "%s: %s", bad, msgs);
	}
}
END_TEST

Suite *schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, test_every_row_filled);
	tcase_add_test(tc, test_no_duplicate_paths);
	tcase_add_test(tc, test_every_key_has_its_parent);
	tcase_add_test(tc, test_defaults_within_range);
	tcase_add_test(tc, test_children);
	tcase_add_test(tc, test_print);
	suite_add_tcase(s, tc);

	tc = tcase_create("parser");
	tcase_add_test(tc, test_parser_applies_ranges);
	tcase_add_test(tc, test_parser_applies_names);
	tcase_add_test(tc, test_parser_knows_every_key);
	suite_add_tcase(s, tc);
	return s;
}
