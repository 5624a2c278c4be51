/*
 * test_jsoncheck.c - the conf module's JSON schema helpers
 * (src/conf/jsoncheck.c) that the config, services and feed readers share:
 * the path of the element being checked, and each check's diagnostic as
 * the reader prints it, "file:line:column: path: message", placed at the
 * key or at the value; what a check leaves in its output when it fails.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "conf/jsoncheck.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

/* A checker over text, reporting into d as file "t.json". */
static struct jcheck checker(const char *text, struct diag *d)
{
	return (struct jcheck){.file = "t.json", .text = text, .len = strlen(text), .diag = d};
}

/* d holds exactly the messages want[0..n-1], in order. */
static void expect_diags(const struct diag *d, const char *const *want, size_t n)
{
	for (size_t i = 0; i < d->count && i < n; i++)
		ck_assert_str_eq(d->msgs[i], want[i]);
	ck_assert_uint_eq(d->count, n);
	ck_assert_uint_eq(d->errors, n);
}

static void expect_one(const struct diag *d, const char *want)
{
	expect_diags(d, &want, 1);
}

START_TEST(test_path_str)
{
	struct diag d = {0};
	struct jcheck c = checker("{}", &d);
	char buf[64];
	jc_path_str(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	jc_push_key(&c, "a");
	jc_push_key(&c, "b");
	jc_push_index(&c, 2);
	jc_push_key(&c, "c");
	jc_path_str(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a.b[2].c");
	jc_pop(&c);
	jc_pop(&c);
	jc_path_str(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a.b");
	/* a path that does not fit is cut, NUL terminated */
	char small[4];
	jc_path_str(&c, small, sizeof(small));
	ck_assert_str_eq(small, "a.b");
	jc_push_key(&c, "long");
	jc_path_str(&c, small, sizeof(small));
	ck_assert_uint_eq(strlen(small), 3);
	ck_assert_str_eq(small, "a.b");
	ck_assert_uint_eq(d.count, 0);
}
END_TEST

/* Deeper than JC_DEPTH: the path keeps its first JC_DEPTH elements and
 * the depth still balances. */
START_TEST(test_path_deeper_than_limit)
{
	struct diag d = {0};
	struct jcheck c = checker("{}", &d);
	for (int i = 0; i < JC_DEPTH + 3; i++)
		jc_push_key(&c, "k");
	ck_assert_uint_eq(c.depth, JC_DEPTH + 3);
	char buf[256];
	jc_path_str(&c, buf, sizeof(buf));
	ck_assert_uint_eq(strlen(buf), 2 * JC_DEPTH - 1); /* k.k....k */
	for (int i = 0; i < JC_DEPTH + 3; i++)
		jc_pop(&c);
	ck_assert_uint_eq(c.depth, 0);
}
END_TEST

START_TEST(test_type_names)
{
	const char *text = "[{}, [], \"s\", 1, 1.5, true, false, null]";
	json_t *a = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(jc_type_name(json_array_get(a, 0)), "an object");
	ck_assert_str_eq(jc_type_name(json_array_get(a, 1)), "an array");
	ck_assert_str_eq(jc_type_name(json_array_get(a, 2)), "a string");
	ck_assert_str_eq(jc_type_name(json_array_get(a, 3)), "an integer");
	ck_assert_str_eq(jc_type_name(json_array_get(a, 4)), "a number");
	ck_assert_str_eq(jc_type_name(json_array_get(a, 5)), "a boolean");
	ck_assert_str_eq(jc_type_name(json_array_get(a, 6)), "a boolean");
	ck_assert_str_eq(jc_type_name(json_array_get(a, 7)), "null");
	json_decref(a);
}
END_TEST

START_TEST(test_load_object)
{
	struct diag d = {0};
	struct jcheck c = checker("{ \"a\": 1 }", &d);
	json_t *root = jc_load_object(&c, "must be an object");
	ck_assert_ptr_nonnull(root);
	ck_assert(json_is_object(root));
	ck_assert_uint_eq(d.count, 0);
	json_decref(root);

	/* valid JSON, not an object: the caller's message at 1:1 */
	c = checker("[1, 2]", &d);
	ck_assert_ptr_null(jc_load_object(&c, "the file must hold an object"));
	expect_one(&d, "t.json:1:1: the file must hold an object");
	diag_free(&d);

	/* duplicate keys are refused, at the parser's line */
	c = checker("{\n  \"a\": 1,\n  \"a\": 2\n}", &d);
	ck_assert_ptr_null(jc_load_object(&c, "x"));
	ck_assert_uint_eq(d.count, 1);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_msg(strncmp(d.msgs[0], "t.json:3:", 9) == 0 && strstr(d.msgs[0], ": JSON: "),
	              "%s", d.msgs[0]);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "duplicate"));
	diag_free(&d);

	/* not JSON: "JSON: " and the parser's message, at its line */
	c = checker("{\n\n  \"a\" 1 }", &d);
	ck_assert_ptr_null(jc_load_object(&c, "x"));
	ck_assert_uint_eq(d.count, 1);
	ck_assert_msg(strncmp(d.msgs[0], "t.json:3:", 9) == 0 && strstr(d.msgs[0], ": JSON: "),
	              "%s", d.msgs[0]);
	diag_free(&d);
}
END_TEST

/* Unknown keys: each one, at its key, with its path. */
START_TEST(test_check_keys)
{
	struct diag d = {0};
	const char *text = "{ \"server\": {\n"
	                   "    \"listen\": 1,\n"
	                   "    \"lisen\": 2,\n"
	                   "    \"workers\": 3, \"wrokers\": 4 } }";
	struct jcheck c = checker(text, &d);
	json_t *root = jc_load_object(&c, "x");
	ck_assert_ptr_nonnull(root);
	static const char *const allowed[] = {"listen", "workers", NULL};
	jc_push_key(&c, "server");
	jc_check_keys(&c, json_object_get(root, "server"), allowed);
	jc_pop(&c);
	const char *want[] = {"t.json:3:5: server.lisen: unknown key",
	                      "t.json:4:19: server.wrokers: unknown key"};
	expect_diags(&d, want, 2);
	ck_assert_uint_eq(c.depth, 0);
	json_decref(root);
	diag_free(&d);
}
END_TEST

/* A member of the wrong type is reported at its value; JSON_TRUE takes any
 * boolean and JSON_REAL any number; absent is NULL without a report. */
START_TEST(test_member_types)
{
	struct diag d = {0};
	const char *text = "{ \"s\": \"x\", \"i\": 7, \"f\": false, \"r\": 2.5,\n"
	                   "  \"o\": {}, \"a\": [] }";
	struct jcheck c = checker(text, &d);
	json_t *root = jc_load_object(&c, "x");
	ck_assert_ptr_nonnull(root);
	ck_assert_ptr_nonnull(jc_member(&c, root, "s", JSON_STRING));
	ck_assert_ptr_nonnull(jc_member(&c, root, "i", JSON_INTEGER));
	ck_assert_ptr_nonnull(jc_member(&c, root, "i", JSON_REAL));
	ck_assert_ptr_nonnull(jc_member(&c, root, "r", JSON_REAL));
	ck_assert_ptr_nonnull(jc_member(&c, root, "f", JSON_TRUE));
	ck_assert_ptr_nonnull(jc_member(&c, root, "o", JSON_OBJECT));
	ck_assert_ptr_nonnull(jc_member(&c, root, "a", JSON_ARRAY));
	ck_assert_ptr_null(jc_member(&c, root, "absent", JSON_STRING));
	ck_assert_uint_eq(d.count, 0);

	ck_assert_ptr_null(jc_member(&c, root, "s", JSON_INTEGER));
	ck_assert_ptr_null(jc_member(&c, root, "r", JSON_INTEGER));
	ck_assert_ptr_null(jc_member(&c, root, "i", JSON_TRUE));
	ck_assert_ptr_null(jc_member(&c, root, "o", JSON_ARRAY));
	ck_assert_ptr_null(jc_member(&c, root, "a", JSON_OBJECT));
	ck_assert_ptr_null(jc_member(&c, root, "f", JSON_STRING));
	const char *want[] = {
	    "t.json:1:8: s: expected an integer, found a string",
	    "t.json:1:38: r: expected an integer, found a number",
	    "t.json:1:18: i: expected a boolean, found an integer",
	    "t.json:2:8: o: expected an array, found an object",
	    "t.json:2:17: a: expected an object, found an array",
	    "t.json:1:26: f: expected a string, found a boolean",
	};
	expect_diags(&d, want, 6);
	ck_assert_uint_eq(c.depth, 0);
	json_decref(root);
	diag_free(&d);
}
END_TEST

/* Typed getters: a good value is stored, a bad or absent one leaves the
 * output as it was (the default), with one report for the bad. */
START_TEST(test_get_uint)
{
	struct diag d = {0};
	const char *text =
	    "{ \"ok\": 53, \"low\": 0, \"high\": 70000, \"neg\": -1, \"str\": \"5\" }";
	struct jcheck c = checker(text, &d);
	json_t *root = jc_load_object(&c, "x");
	ck_assert_ptr_nonnull(root);
	unsigned v = 9;
	jc_get_uint(&c, root, "ok", 1, 65535, &v);
	ck_assert_uint_eq(v, 53);
	jc_get_uint(&c, root, "absent", 1, 65535, &v);
	ck_assert_uint_eq(v, 53);
	jc_get_uint(&c, root, "low", 1, 65535, &v);
	jc_get_uint(&c, root, "high", 1, 65535, &v);
	jc_get_uint(&c, root, "neg", 0, 10, &v);
	jc_get_uint(&c, root, "str", 0, 10, &v);
	ck_assert_uint_eq(v, 53);
	const char *want[] = {
	    "t.json:1:20: low: 0 is out of range 1..65535",
	    "t.json:1:31: high: 70000 is out of range 1..65535",
	    "t.json:1:45: neg: -1 is out of range 0..10",
	    "t.json:1:56: str: expected an integer, found a string",
	};
	expect_diags(&d, want, 4);
	json_decref(root);
	diag_free(&d);
}
END_TEST

START_TEST(test_get_bool_and_str)
{
	struct diag d = {0};
	const char *text = "{ \"t\": true, \"f\": false, \"n\": 1,\n"
	                   "  \"s\": \"name\", \"e\": \"\" }";
	struct jcheck c = checker(text, &d);
	json_t *root = jc_load_object(&c, "x");
	ck_assert_ptr_nonnull(root);
	bool b = false;
	jc_get_bool(&c, root, "t", &b);
	ck_assert(b);
	jc_get_bool(&c, root, "f", &b);
	ck_assert(!b);
	b = true;
	jc_get_bool(&c, root, "n", &b);
	ck_assert(b);
	char *s = strdup("default");
	jc_get_str(&c, root, "absent", &s);
	ck_assert_str_eq(s, "default");
	jc_get_str(&c, root, "s", &s); /* the default is freed (ASan) */
	ck_assert_str_eq(s, "name");
	jc_get_str(&c, root, "e", &s);
	jc_get_str(&c, root, "t", &s);
	ck_assert_str_eq(s, "name");
	const char *want[] = {
	    "t.json:1:31: n: expected a boolean, found an integer",
	    "t.json:2:21: e: must be a non-empty string without NUL",
	    "t.json:1:8: t: expected a string, found a boolean",
	};
	expect_diags(&d, want, 3);
	free(s);
	json_decref(root);
	diag_free(&d);
}
END_TEST

/* A string (when allowed) or an array of strings, appended; each bad
 * element reported at its index, the good ones kept. */
START_TEST(test_get_str_list)
{
	struct diag d = {0};
	const char *text = "{ \"one\": \"a\",\n"
	                   "  \"many\": [\"b\", 2, \"\", \"c\"],\n"
	                   "  \"obj\": {} }";
	struct jcheck c = checker(text, &d);
	json_t *root = jc_load_object(&c, "x");
	ck_assert_ptr_nonnull(root);
	char **list = NULL;
	size_t n = 0;
	jc_get_str_list(&c, root, "one", &list, &n, true);
	jc_get_str_list(&c, root, "many", &list, &n, true);
	jc_get_str_list(&c, root, "absent", &list, &n, true);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(list[0], "a");
	ck_assert_str_eq(list[1], "b");
	ck_assert_str_eq(list[2], "c");
	jc_get_str_list(&c, root, "one", &list, &n, false);
	jc_get_str_list(&c, root, "obj", &list, &n, true);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(c.depth, 0);
	const char *want[] = {
	    "t.json:2:17: many[1]: expected a non-empty string, found an integer",
	    "t.json:2:20: many[2]: expected a non-empty string, found an empty string",
	    "t.json:1:10: one: expected an array of strings, found a string",
	    "t.json:3:10: obj: expected a string or an array of strings, found an object",
	};
	expect_diags(&d, want, 4);
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
	json_decref(root);
	diag_free(&d);
}
END_TEST

/* jc_error at a path the text does not hold (an element built by the
 * reader): placed at 1:1 rather than nowhere. */
START_TEST(test_error_unplaced)
{
	struct diag d = {0};
	struct jcheck c = checker("{ \"a\": 1 }", &d);
	jc_push_key(&c, "nope");
	jc_error(&c, false, "bad %s %d", "thing", 3);
	jc_pop(&c);
	jc_push_key(&c, "a");
	jc_error(&c, true, "at the key");
	jc_error(&c, false, "at the value");
	jc_pop(&c);
	const char *want[] = {"t.json:1:1: nope: bad thing 3", "t.json:1:3: a: at the key",
	                      "t.json:1:8: a: at the value"};
	expect_diags(&d, want, 3);
	diag_free(&d);
}
END_TEST

Suite *jsoncheck_suite(void)
{
	Suite *s = suite_create("jsoncheck");
	TCase *tc = tcase_create("path");
	tcase_add_test(tc, test_path_str);
	tcase_add_test(tc, test_path_deeper_than_limit);
	tcase_add_test(tc, test_type_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("checks");
	tcase_add_test(tc, test_load_object);
	tcase_add_test(tc, test_check_keys);
	tcase_add_test(tc, test_member_types);
	tcase_add_test(tc, test_get_uint);
	tcase_add_test(tc, test_get_bool_and_str);
	tcase_add_test(tc, test_get_str_list);
	tcase_add_test(tc, test_error_unplaced);
	suite_add_tcase(s, tc);
	return s;
}
