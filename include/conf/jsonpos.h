/*
 * jsonpos.h - find where a value sits in JSON source text.
 *
 * jansson keeps no source positions for values, but every config, services
 * and feed error must name line and column. After jansson has parsed a
 * document, the loader asks jsonpos for the position of the offending path
 * (e.g. regions -> "us-east" -> location -> [1]) by rescanning the text.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_JSONPOS_H
#define GD_JSONPOS_H

#include <stdbool.h>
#include <stddef.h>

struct json_path_elem {
	const char *key; /* object member name, or NULL for an array index */
	size_t index;
};

/*
 * Find the element at path (depth elements; depth 0 is the root value).
 * With want_key and a last element that is an object member, the position of
 * its key is returned, else the position of the value. Lines and columns
 * count from 1; columns count bytes. Returns false when the path is absent.
 */
bool jsonpos_find(const char *text, size_t len, const struct json_path_elem *path,
		  size_t depth, bool want_key, int *line, int *column);

/*
 * For the first n elements of the array at path (depth elements, as for
 * jsonpos_find), the position of the value of each one's member key (the
 * first such member), in one pass over the array: 0 and 0 where an
 * element is not an object or has no such member.
 */
void jsonpos_array_values(const char *text, size_t len, const struct json_path_elem *path,
			  size_t depth, const char *key, size_t n, int *line, int *column);

/*
 * The members of the root object, each with the position of its key, in one
 * pass (for files of many members, where a jsonpos_find per member would
 * rescan the text each time). Sorted by key; returns the count and sets *out
 * (free with jsonpos_members_free). Stops at the first malformed member.
 */
struct jsonpos_member {
	char *key;
	int line, column;
};

size_t jsonpos_members(const char *text, size_t len, struct jsonpos_member **out);

/* The first member (in the text) with this key, or NULL. */
const struct jsonpos_member *jsonpos_member_find(const struct jsonpos_member *m, size_t n,
						 const char *key);

void jsonpos_members_free(struct jsonpos_member *m, size_t n);

#endif
