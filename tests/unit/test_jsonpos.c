/*
 * test_jsonpos.c - positions of keys and values found by path in JSON text:
 * exact lines and byte columns, escapes in keys, absent paths, and text that
 * is malformed or nested deeper than the scanner follows.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/jsonpos.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K(k) {.key = (k)}
#define I(i) {.key = NULL, .index = (i)}

static const char doc[] = "{\n"
			  "  \"server\": {\n"
			  "    \"listen\": [\"127.0.0.1:53\", \"[::1]:53\"],\n"
			  "    \"workers\": 4\n"
			  "  },\n"
			  "  \"a\\u0062\": true,\n"
			  "  \"zones\": [\n"
			  "    {\"origin\": \"example.com\", \"file\": \"x\"},\n"
			  "    {\"origin\": \"example.net\"}\n"
			  "  ]\n"
			  "}\n";

/* Find path in text; the position goes to line and col (-1 when not found). */
static bool find(const char *text, const struct json_path_elem *path, size_t depth,
		 bool want_key, int *line, int *col)
{
	*line = *col = -1;
	return jsonpos_find(text, strlen(text), path, depth, want_key, line, col);
}

#define ASSERT_AT(text, path, want_key, l, c)                                              \
	do {                                                                               \
		int line_, col_;                                                           \
		ck_assert_msg(find((text), (path), sizeof(path) / sizeof((path)[0]),        \
				   (want_key), &line_, &col_),                              \
			      "path not found");                                           \
		ck_assert_int_eq(line_, (l));                                              \
		ck_assert_int_eq(col_, (c));                                               \
	} while (0)

#define ASSERT_ABSENT(text, path)                                                          \
	do {                                                                               \
		int line_, col_;                                                           \
		ck_assert(!find((text), (path), sizeof(path) / sizeof((path)[0]), false,    \
				&line_, &col_));                                            \
		ck_assert(!find((text), (path), sizeof(path) / sizeof((path)[0]), true,     \
				&line_, &col_));                                            \
	} while (0)

START_TEST(test_root)
{
	int line, col;
	ck_assert(find(doc, NULL, 0, false, &line, &col));
	ck_assert_int_eq(line, 1);
	ck_assert_int_eq(col, 1);
	ck_assert(find("\n\n  \t[1]", NULL, 0, true, &line, &col));
	ck_assert_int_eq(line, 3);
	ck_assert_int_eq(col, 4);
}
END_TEST

START_TEST(test_top_level_member)
{
	static const struct json_path_elem p[] = {K("server")};
	ASSERT_AT(doc, p, true, 2, 3);
	ASSERT_AT(doc, p, false, 2, 13);
}
END_TEST

START_TEST(test_nested_member_key_and_value)
{
	static const struct json_path_elem p[] = {K("server"), K("workers")};
	ASSERT_AT(doc, p, true, 4, 5);
	ASSERT_AT(doc, p, false, 4, 16);
}
END_TEST

START_TEST(test_array_index)
{
	static const struct json_path_elem p0[] = {K("server"), K("listen"), I(0)};
	static const struct json_path_elem p1[] = {K("server"), K("listen"), I(1)};
	static const struct json_path_elem arr[] = {K("server"), K("listen")};
	ASSERT_AT(doc, p0, false, 3, 16);
	ASSERT_AT(doc, p1, false, 3, 32);
	/* want_key has no meaning for an index: the element itself */
	ASSERT_AT(doc, p1, true, 3, 32);
	ASSERT_AT(doc, arr, false, 3, 15);
}
END_TEST

START_TEST(test_member_inside_array_element)
{
	static const struct json_path_elem z1[] = {K("zones"), I(1)};
	static const struct json_path_elem z1o[] = {K("zones"), I(1), K("origin")};
	static const struct json_path_elem z0f[] = {K("zones"), I(0), K("file")};
	ASSERT_AT(doc, z1, false, 9, 5);
	ASSERT_AT(doc, z1o, true, 9, 6);
	ASSERT_AT(doc, z1o, false, 9, 16);
	ASSERT_AT(doc, z0f, true, 8, 31);
	ASSERT_AT(doc, z0f, false, 8, 39);
}
END_TEST

START_TEST(test_key_with_unicode_escape)
{
	static const struct json_path_elem p[] = {K("ab")};
	static const struct json_path_elem raw[] = {K("a\\u0062")};
	ASSERT_AT(doc, p, true, 6, 3);
	ASSERT_AT(doc, p, false, 6, 14);
	ASSERT_ABSENT(doc, raw);
}
END_TEST

START_TEST(test_key_with_other_escapes)
{
	static const char text[] = "{\"q\\\"k\": 1, \"t\\\\\": 2, \"n\\n\\/\\u00e9\": 3}";
	static const struct json_path_elem q[] = {K("q\"k")};
	static const struct json_path_elem t[] = {K("t\\")};
	static const struct json_path_elem n[] = {K("n\n/\xc3\xa9")};
	ASSERT_AT(text, q, true, 1, 2);
	ASSERT_AT(text, t, false, 1, 20);
	ASSERT_AT(text, n, true, 1, 23);
	ASSERT_AT(text, n, false, 1, 38);
}
END_TEST

START_TEST(test_skips_strings_with_brackets)
{
	static const char text[] = "{\"a\": \"}],{\\\"\", \"b\": [1, {\"c\": \"]\"}, -2.5e3, null],\n"
				   " \"d\": false}";
	static const struct json_path_elem d[] = {K("d")};
	static const struct json_path_elem c[] = {K("b"), I(1), K("c")};
	static const struct json_path_elem b3[] = {K("b"), I(3)};
	ASSERT_AT(text, d, true, 2, 2);
	ASSERT_AT(text, d, false, 2, 7);
	ASSERT_AT(text, c, false, 1, 32);
	ASSERT_AT(text, b3, false, 1, 46);
}
END_TEST

START_TEST(test_missing_paths)
{
	static const struct json_path_elem nokey[] = {K("server"), K("nope")};
	static const struct json_path_elem noidx[] = {K("zones"), I(2)};
	static const struct json_path_elem idx_in_obj[] = {K("server"), I(0)};
	static const struct json_path_elem key_in_arr[] = {K("zones"), K("origin")};
	static const struct json_path_elem in_scalar[] = {K("server"), K("workers"), K("x")};
	static const struct json_path_elem in_string[] = {K("server"), K("listen"), I(0), I(0)};
	static const struct json_path_elem prefix[] = {K("serve")};
	ASSERT_ABSENT(doc, nokey);
	ASSERT_ABSENT(doc, noidx);
	ASSERT_ABSENT(doc, idx_in_obj);
	ASSERT_ABSENT(doc, key_in_arr);
	ASSERT_ABSENT(doc, in_scalar);
	ASSERT_ABSENT(doc, in_string);
	ASSERT_ABSENT(doc, prefix);
	static const struct json_path_elem x[] = {K("x")};
	static const struct json_path_elem i0[] = {I(0)};
	ASSERT_ABSENT("{}", x);
	ASSERT_ABSENT("[]", i0);
	ASSERT_ABSENT("{ }", x);
	ASSERT_ABSENT("[ ]", i0);
}
END_TEST

START_TEST(test_columns_count_bytes)
{
	/* "é" is two bytes, a tab one */
	static const struct json_path_elem x[] = {K("x")};
	ASSERT_AT("{\"\xc3\xa9\": 1, \"x\": 2}", x, true, 1, 11);
	ASSERT_AT("{\t\"x\":\t2}", x, true, 1, 3);
	ASSERT_AT("{\t\"x\":\t2}", x, false, 1, 8);
}
END_TEST

START_TEST(test_crlf_lines)
{
	static const struct json_path_elem x[] = {K("a"), K("x")};
	ASSERT_AT("{\r\n \"a\": {\r\n\r\n   \"x\": 1\r\n }\r\n}", x, true, 4, 4);
	ASSERT_AT("{\r\n \"a\": {\r\n\r\n   \"x\": 1\r\n }\r\n}", x, false, 4, 9);
}
END_TEST

START_TEST(test_multiline_values_advance_lines)
{
	static const char text[] = "[\n"
				   "  {\"a\": [1,\n"
				   "          2],\n"
				   "   \"b\": \"x\"},\n"
				   "\n"
				   "  \"last\"\n"
				   "]";
	static const struct json_path_elem last[] = {I(1)};
	static const struct json_path_elem b[] = {I(0), K("b")};
	static const struct json_path_elem a1[] = {I(0), K("a"), I(1)};
	ASSERT_AT(text, last, false, 6, 3);
	ASSERT_AT(text, b, true, 4, 4);
	ASSERT_AT(text, a1, false, 3, 11);
}
END_TEST

START_TEST(test_malformed_text)
{
	static const struct json_path_elem b[] = {K("b")};
	static const struct json_path_elem a2[] = {K("a"), I(2)};
	static const struct json_path_elem ab[] = {K("a"), K("b")};
	ASSERT_ABSENT("{\"a\": 1, \"b", b);          /* key cut short */
	ASSERT_ABSENT("{\"a\": 1 \"b\": 2}", b);     /* missing comma */
	ASSERT_ABSENT("{\"a\" 1, \"b\": 2}", b);     /* missing colon */
	ASSERT_ABSENT("{\"a\": , \"b\": 2}", b);     /* missing value */
	ASSERT_ABSENT("{a: 1, \"b\": 2}", b);        /* unquoted key */
	ASSERT_ABSENT("{\"a\": \"x, \"b\": 2", b);   /* string never closed */
	ASSERT_ABSENT("{\"a\": [1, 2", a2);          /* array cut short */
	ASSERT_ABSENT("{\"a\": {\"b\"", ab);         /* cut after the key */
	ASSERT_ABSENT("{\"a\": \"\\u12", b);         /* cut inside an escape */
	ASSERT_ABSENT("{\"a\": \"\\u12zz\", \"b\": 2}", b); /* bad escape */
	ASSERT_ABSENT("{\"a\": [1}, \"b\": 2}", b);  /* mismatched bracket */
	ASSERT_ABSENT("", b);
	ASSERT_ABSENT("   ", b);
	ASSERT_ABSENT("{", b);
	ASSERT_ABSENT("{\"a\": 1,", b);
	ASSERT_ABSENT("{\"a\\", b);
}
END_TEST

START_TEST(test_length_bounds_the_scan)
{
	/* the text continues past len: nothing beyond len may be found */
	static const char text[] = "{\"a\": 1, \"b\": 2}";
	static const struct json_path_elem b[] = {K("b")};
	int line, col;
	ck_assert(!jsonpos_find(text, 9, b, 1, true, &line, &col));
	ck_assert(!jsonpos_find(text, 12, b, 1, true, &line, &col)); /* no ':' yet */
	ck_assert(jsonpos_find(text, 13, b, 1, true, &line, &col));
	ck_assert_int_eq(line, 1);
	ck_assert_int_eq(col, 10);
}
END_TEST

/* "[" * n + "\"x\"" + "]" * n, optionally wrapped as {"deep": ..., "after": 1} */
static char *nested(size_t n, bool wrap)
{
	char *s = malloc(2 * n + 64);
	size_t k = 0;
	if (wrap)
		k += (size_t)sprintf(s + k, "{\"deep\": ");
	memset(s + k, '[', n);
	k += n;
	k += (size_t)sprintf(s + k, "\"x\"");
	memset(s + k, ']', n);
	k += n;
	if (wrap)
		k += (size_t)sprintf(s + k, ", \"after\": 1}");
	s[k] = '\0';
	return s;
}

/* Every top-level member with its key's position, in one pass; the first of
 * duplicate keys; escapes decoded as jsonpos_find decodes them; agrees with
 * jsonpos_find for every member. */
/* One pass over an array: the value of each element's member, the same
 * place jsonpos_find gives; 0 where an element is no object or lacks the
 * member; the first of duplicates; nothing past the array's end. */
START_TEST(test_array_values_one_pass)
{
	static const struct json_path_elem zones[] = {K("zones")};
	int line[3], col[3];
	jsonpos_array_values(doc, strlen(doc), zones, 1, "origin", 3, line, col);
	ck_assert_int_eq(line[0], 8);
	ck_assert_int_eq(col[0], 16);
	ck_assert_int_eq(line[1], 9);
	ck_assert_int_eq(col[1], 16);
	ck_assert_int_eq(line[2], 0); /* only two elements */
	static const struct json_path_elem z0o[] = {K("zones"), I(0), K("origin")};
	ASSERT_AT(doc, z0o, false, 8, 16);

	static const char *text = "[\n"
				  " {\"x\": {\"k\": 1}, \"k\": \"a,]\"},\n"
				  " 7,\n"
				  " {\"j\": 2},\n"
				  " {\"k\": [1, 2], \"k\": 3},\n"
				  " {}\n"
				  "]";
	int l[6], c[6];
	jsonpos_array_values(text, strlen(text), NULL, 0, "k", 6, l, c);
	ck_assert_int_eq(l[0], 2); /* the member of the element, not of x */
	ck_assert_int_eq(c[0], 23);
	ck_assert_int_eq(l[1], 0);
	ck_assert_int_eq(l[2], 0);
	ck_assert_int_eq(l[3], 5); /* the first k */
	ck_assert_int_eq(c[3], 8);
	ck_assert_int_eq(l[4], 0);
	ck_assert_int_eq(l[5], 0);
	/* not an array, an absent path, an empty array */
	static const struct json_path_elem srv[] = {K("server")}, none[] = {K("nope")};
	jsonpos_array_values(doc, strlen(doc), srv, 1, "origin", 2, l, c);
	ck_assert_int_eq(l[0] + l[1], 0);
	jsonpos_array_values(doc, strlen(doc), none, 1, "origin", 2, l, c);
	ck_assert_int_eq(l[0] + l[1], 0);
	jsonpos_array_values("[ ]", 3, NULL, 0, "k", 2, l, c);
	ck_assert_int_eq(l[0] + l[1], 0);
}
END_TEST

START_TEST(test_members_one_pass)
{
	static const char *text = "{\n"
				  "  \"www\": {\"a\": [1, {\"b\": \"}\"}]},\n"
				  "  \"api\" : 2,\n"
				  "\t\"caf\\u00e9\": null,\n"
				  "  \"www\": 3, \"z\": \"x\"\n"
				  "}\n";
	struct jsonpos_member *m;
	size_t n = jsonpos_members(text, strlen(text), &m);
	ck_assert_uint_eq(n, 5);
	/* sorted by key, duplicates in text order */
	ck_assert_str_eq(m[0].key, "api");
	ck_assert_str_eq(m[1].key, "caf\xc3\xa9");
	ck_assert_str_eq(m[2].key, "www");
	ck_assert_str_eq(m[3].key, "www");
	ck_assert_str_eq(m[4].key, "z");
	const struct jsonpos_member *f = jsonpos_member_find(m, n, "www");
	ck_assert_ptr_eq(f, &m[2]);
	ck_assert_int_eq(f->line, 2);
	ck_assert_int_eq(f->column, 3);
	f = jsonpos_member_find(m, n, "api");
	ck_assert_int_eq(f->line, 3);
	ck_assert_int_eq(f->column, 3);
	f = jsonpos_member_find(m, n, "caf\xc3\xa9");
	ck_assert_int_eq(f->line, 4);
	ck_assert_int_eq(f->column, 2);
	f = jsonpos_member_find(m, n, "z");
	ck_assert_int_eq(f->line, 5);
	ck_assert_int_eq(f->column, 13);
	ck_assert_ptr_null(jsonpos_member_find(m, n, "ww"));
	ck_assert_ptr_null(jsonpos_member_find(m, n, "zz"));
	/* the same positions as a jsonpos_find for each key */
	const char *keys[] = {"www", "api", "caf\xc3\xa9", "z"};
	for (size_t i = 0; i < 4; i++) {
		struct json_path_elem p[1] = {K(keys[i])};
		int line, col;
		ck_assert(jsonpos_find(text, strlen(text), p, 1, true, &line, &col));
		f = jsonpos_member_find(m, n, keys[i]);
		ck_assert_int_eq(f->line, line);
		ck_assert_int_eq(f->column, col);
	}
	jsonpos_members_free(m, n);
	/* not an object, empty, and malformed after the first member */
	ck_assert_uint_eq(jsonpos_members("[1]", 3, &m), 0);
	ck_assert_ptr_null(m);
	ck_assert_uint_eq(jsonpos_members("{}", 2, &m), 0);
	n = jsonpos_members("{\"a\": 1, \"b\" 2}", 16, &m);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(m[0].key, "a");
	jsonpos_members_free(m, n);
}
END_TEST

START_TEST(test_deep_path_followed)
{
	char *s = nested(70, false);
	struct json_path_elem p[70];
	for (size_t i = 0; i < 70; i++)
		p[i] = (struct json_path_elem){.key = NULL, .index = 0};
	int line, col;
	ck_assert(jsonpos_find(s, strlen(s), p, 70, false, &line, &col));
	ck_assert_int_eq(line, 1);
	ck_assert_int_eq(col, 71);
	p[69].index = 1;
	ck_assert(!jsonpos_find(s, strlen(s), p, 70, false, &line, &col));
	free(s);
}
END_TEST

START_TEST(test_deep_value_skipped_up_to_limit)
{
	/* by design the scanner skips values of up to 64 nested containers;
	 * beyond that it gives up (returns false) rather than recurse further */
	static const struct json_path_elem after[] = {K("after")};
	int line, col;
	char *s = nested(64, true);
	ck_assert(jsonpos_find(s, strlen(s), after, 1, true, &line, &col));
	ck_assert_int_eq(line, 1);
	ck_assert_int_eq(col, 9 + 64 + 3 + 64 + 3);
	free(s);
	s = nested(70, true);
	ck_assert(!jsonpos_find(s, strlen(s), after, 1, true, &line, &col));
	free(s);
}
END_TEST

START_TEST(test_very_deep_text_no_crash)
{
	static const struct json_path_elem after[] = {K("after")};
	int line, col;
	char *s = nested(200000, true);
	ck_assert(!jsonpos_find(s, strlen(s), after, 1, false, &line, &col));
	s[9 + 200000] = '\0'; /* unterminated: only the opening brackets */
	ck_assert(!jsonpos_find(s, strlen(s), after, 1, false, &line, &col));
	free(s);
}
END_TEST

/* A key longer than 255 bytes must still be found (and only by its full
 * name); config keys are reported by this position. */
START_TEST(test_long_key)
{
	char key[301], text[400];
	memset(key, 'k', 300);
	key[300] = '\0';
	snprintf(text, sizeof(text), "{\"a\": 1,\n \"%s\": 2}", key);
	const struct json_path_elem full[] = {K(key)};
	ASSERT_AT(text, full, true, 2, 2);
	ASSERT_AT(text, full, false, 2, 2 + 302 + 2);
	key[255] = '\0';
	const struct json_path_elem prefix[] = {K(key)};
	ASSERT_ABSENT(text, prefix);
}
END_TEST

/* jansson decodes "\ud83d\ude00" to the 4-byte UTF-8 of U+1F600; the key must
 * match that name. */
START_TEST(test_key_with_surrogate_pair)
{
	static const char text[] = "{\"a\": 1, \"\\ud83d\\ude00\": 2}";
	static const struct json_path_elem p[] = {K("\xf0\x9f\x98\x80")};
	ASSERT_AT(text, p, true, 1, 10);
}
END_TEST

Suite *jsonpos_suite(void)
{
	Suite *s = suite_create("jsonpos");
	TCase *tc = tcase_create("find");
	tcase_add_test(tc, test_root);
	tcase_add_test(tc, test_top_level_member);
	tcase_add_test(tc, test_nested_member_key_and_value);
	tcase_add_test(tc, test_array_index);
	tcase_add_test(tc, test_member_inside_array_element);
	tcase_add_test(tc, test_array_values_one_pass);
	tcase_add_test(tc, test_key_with_unicode_escape);
	tcase_add_test(tc, test_key_with_other_escapes);
	tcase_add_test(tc, test_skips_strings_with_brackets);
	tcase_add_test(tc, test_missing_paths);
	tcase_add_test(tc, test_columns_count_bytes);
	tcase_add_test(tc, test_crlf_lines);
	tcase_add_test(tc, test_multiline_values_advance_lines);
	tcase_add_test(tc, test_length_bounds_the_scan);
	tcase_add_test(tc, test_long_key);
	tcase_add_test(tc, test_key_with_surrogate_pair);
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_add_test(tc, test_malformed_text);
	tcase_add_test(tc, test_deep_path_followed);
	tcase_add_test(tc, test_deep_value_skipped_up_to_limit);
	tcase_add_test(tc, test_very_deep_text_no_crash);
	tcase_add_test(tc, test_members_one_pass);
	suite_add_tcase(s, tc);
	return s;
}
