/*
 * jsoncheck.h - schema checking helpers for JSON documents read with jansson
 * (config, services files, health feeds).
 *
 * A struct jcheck follows the path of the element being checked; every
 * error is placed in the source text with jsonpos and reported as
 * "file:line:column: dotted.path: message" into a struct diag (or, for a
 * document embedded in another file, "file:line: PREFIXdotted.path: message").
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_JSONCHECK_H
#define GD_JSONCHECK_H

#include "conf/jsonpos.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct diag;

#define JC_DEPTH 16

struct jcheck {
	const char *file;
	const char *text;
	size_t len;
	struct diag *diag;
	struct json_path_elem path[JC_DEPTH];
	size_t depth;
	size_t errors_before;
	/* A document that is one item of another file (a zone record's data)
	 * when line > 0: every error goes to file:line, its text after
	 * prefix, and a position inside the document is given as the path
	 * (or, for a syntax error, the octet) rather than a line and column */
	int line;
	const char *prefix;
};

/* Parse c->text (duplicate keys rejected) as a JSON object. NULL, with the
 * error reported at its line and column, when it is not. */
json_t *jc_load_object(struct jcheck *c, const char *not_object);

void jc_push_key(struct jcheck *c, const char *key);
void jc_push_index(struct jcheck *c, size_t i);
void jc_pop(struct jcheck *c);
/* The current path as "a.b[2].c". */
void jc_path_str(const struct jcheck *c, char *buf, size_t cap);
/* An error at the current path: at its key when at_key, else at its value. */
void jc_error(struct jcheck *c, bool at_key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "an object", "a string", ... */
const char *jc_type_name(const json_t *v);
/* Unknown keys of obj are errors; allowed is NULL-terminated. */
void jc_check_keys(struct jcheck *c, json_t *obj, const char *const *allowed);
/* Member key of obj when present and of the type (JSON_TRUE = any boolean,
 * JSON_REAL = any number); NULL when absent, or wrong (reported). */
json_t *jc_member(struct jcheck *c, json_t *obj, const char *key, json_type type);
/* Typed getters: leave *out alone when the key is absent; report errors. */
void jc_get_uint(struct jcheck *c, json_t *obj, const char *key, long long min, long long max,
		 unsigned *out);
void jc_get_bool(struct jcheck *c, json_t *obj, const char *key, bool *out);
void jc_get_str(struct jcheck *c, json_t *obj, const char *key, char **out);
/* A string (when allow_single) or an array of strings, appended to *out. */
void jc_get_str_list(struct jcheck *c, json_t *obj, const char *key, char ***out, size_t *n,
		     bool allow_single);

#endif
