/*
 * jsoncheck.c - schema checking helpers shared by every JSON reader.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/jsoncheck.h"

#include "common/diag.h"
#include "common/gd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



void jc_push_key(struct jcheck *c, const char *key)
{
	if (c->depth < JC_DEPTH)
		c->path[c->depth] = (struct json_path_elem){.key = key};
	c->depth++;
}

void jc_push_index(struct jcheck *c, size_t i)
{
	if (c->depth < JC_DEPTH)
		c->path[c->depth] = (struct json_path_elem){.key = NULL, .index = i};
	c->depth++;
}

void jc_pop(struct jcheck *c)
{
	c->depth--;
}

void jc_path_str(const struct jcheck *c, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->depth && i < JC_DEPTH && n < cap; i++) {
		if (c->path[i].key)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? "." : "",
					      c->path[i].key);
		else
			n += (size_t)snprintf(buf + n, cap - n, "[%zu]", c->path[i].index);
	}
}

/* Report an error at the current path: at the key when at_key. */
void jc_error(struct jcheck *c, bool at_key, const char *fmt, ...)
{
	char msg[512], path[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jc_path_str(c, path, sizeof(path));
	if (c->line > 0) {
		diag_error(c->diag, c->file, c->line, 0, "%s%s%s%s", c->prefix ? c->prefix : "",
		           path, path[0] ? ": " : "", msg);
		return;
	}
	int line = 0, col = 0;
	size_t d = c->depth < JC_DEPTH ? c->depth : JC_DEPTH;
	if (!jsonpos_find(c->text, c->len, c->path, d, at_key, &line, &col))
		line = col = 0;
	if (line == 0)
		line = 1, col = 1;
	diag_error(c->diag, c->file, line, col, "%s%s%s", path, path[0] ? ": " : "", msg);
}

const char *jc_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* Unknown keys in obj are errors. allowed is NULL-terminated. */
void jc_check_keys(struct jcheck *c, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], key) == 0)
				ok = true;
		if (!ok) {
			jc_push_key(c, key);
			jc_error(c, true, "unknown key");
			jc_pop(c);
		}
	}
}

/* Fetch a member, checking its type; NULL when absent or wrong (reported).
 * The member's key is left pushed only while the caller works on it. */
json_t *jc_member(struct jcheck *c, json_t *obj, const char *key, json_type type)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return NULL;
	bool ok = json_typeof(v) == type ||
		  (type == JSON_TRUE && json_is_boolean(v)) ||
		  (type == JSON_REAL && json_is_number(v));
	if (!ok) {
		jc_push_key(c, key);
		const char *want = type == JSON_OBJECT ? "an object" :
				   type == JSON_ARRAY ? "an array" :
				   type == JSON_STRING ? "a string" :
				   type == JSON_INTEGER ? "an integer" :
				   type == JSON_REAL ? "a number" : "a boolean";
		jc_error(c, false, "expected %s, found %s", want, jc_type_name(v));
		jc_pop(c);
		return NULL;
	}
	return v;
}

void jc_get_uint(struct jcheck *c, json_t *obj, const char *key, long long min,
		     long long max, unsigned *out)
{
	json_t *v = jc_member(c, obj, key, JSON_INTEGER);
	if (!v)
		return;
	long long x = json_integer_value(v);
	if (x < min || x > max) {
		jc_push_key(c, key);
		jc_error(c, false, "%lld is out of range %lld..%lld", x, min, max);
		jc_pop(c);
		return;
	}
	*out = (unsigned)x;
}

void jc_get_bool(struct jcheck *c, json_t *obj, const char *key, bool *out)
{
	json_t *v = jc_member(c, obj, key, JSON_TRUE);
	if (v)
		*out = json_is_true(v);
}

void jc_get_str(struct jcheck *c, json_t *obj, const char *key, char **out)
{
	json_t *v = jc_member(c, obj, key, JSON_STRING);
	if (!v)
		return;
	if (json_string_length(v) == 0 || strlen(json_string_value(v)) != json_string_length(v)) {
		jc_push_key(c, key);
		jc_error(c, false, "must be a non-empty string without NUL");
		jc_pop(c);
		return;
	}
	free(*out);
	*out = xstrdup(json_string_value(v));
}

/* A string or an array of strings; each validated by check (may be NULL). */
void jc_get_str_list(struct jcheck *c, json_t *obj, const char *key, char ***out,
			 size_t *n, bool allow_single)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return;
	jc_push_key(c, key);
	if (allow_single && json_is_string(v)) {
		*out = xrealloc(*out, (*n + 1) * sizeof(char *));
		(*out)[(*n)++] = xstrdup(json_string_value(v));
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			jc_push_index(c, i);
			if (!json_is_string(e) || json_string_length(e) == 0)
				jc_error(c, false, "expected a non-empty string, found %s",
					 json_is_string(e) ? "an empty string" : jc_type_name(e));
			else {
				*out = xrealloc(*out, (*n + 1) * sizeof(char *));
				(*out)[(*n)++] = xstrdup(json_string_value(e));
			}
			jc_pop(c);
		}
	} else {
		jc_error(c, false, "expected %san array of strings, found %s",
			  allow_single ? "a string or " : "", jc_type_name(v));
	}
	jc_pop(c);
}


json_t *jc_load_object(struct jcheck *c, const char *not_object)
{
	json_error_t jerr;
	json_t *root = json_loadb(c->text, c->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root && c->line > 0) {
		diag_error(c->diag, c->file, c->line, 0, "%sJSON: %s (at octet %d of %zu)",
		           c->prefix ? c->prefix : "", jerr.text, jerr.position, c->len);
		return NULL;
	}
	if (!root) {
		diag_error(c->diag, c->file, jerr.line > 0 ? jerr.line : 1,
			   jerr.column > 0 ? jerr.column : 1, "JSON: %s", jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		jc_error(c, false, "%s", not_object);
		json_decref(root);
		return NULL;
	}
	return root;
}
