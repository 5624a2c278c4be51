/*
 * jsonpos.c - a small JSON scanner that walks source text to a path and
 * reports the line and column where the element starts. It tolerates (and
 * stops at) malformed text: the document has normally been validated by
 * jansson already, this only recovers positions for error messages.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "conf/jsonpos.h"

#include "common/gd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct scan {
	const char *s;
	size_t len, pos;
	int line, col;
	int depth;
};

#define SCAN_MAX_DEPTH 64

static void advance(struct scan *sc)
{
	if (sc->pos >= sc->len)
		return;
	if (sc->s[sc->pos] == '\n') {
		sc->line++;
		sc->col = 1;
	} else {
		sc->col++;
	}
	sc->pos++;
}

static void skip_ws(struct scan *sc)
{
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		advance(sc);
	}
}

static int peek(const struct scan *sc)
{
	return sc->pos < sc->len ? (unsigned char)sc->s[sc->pos] : -1;
}

static bool read_hex4(struct scan *sc, uint32_t *cp)
{
	*cp = 0;
	for (int i = 0; i < 4; i++) {
		int h = hex_digit(peek(sc));
		if (h < 0)
			return false;
		*cp = *cp * 16 + (uint32_t)h;
		advance(sc);
	}
	return true;
}

/* Scan a string at the cursor (which is on '"'); decode it into out (UTF-8)
 * when out is non-NULL. Returns false on malformed text. *outlen is set to the
 * decoded length, capped at cap-1 and NUL terminated. */
static bool scan_string(struct scan *sc, char *out, size_t cap, size_t *outlen)
{
	size_t n = 0;
	if (outlen)
		*outlen = 0;
	if (peek(sc) != '"')
		return false;
	advance(sc);
	for (;;) {
		int c = peek(sc);
		if (c < 0)
			return false;
		advance(sc);
		if (c == '"')
			break;
		uint32_t cp = (uint32_t)c;
		if (c == '\\') {
			int e = peek(sc);
			if (e < 0)
				return false;
			advance(sc);
			switch (e) {
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (!read_hex4(sc, &cp))
					return false;
				/* a surrogate pair is one code point, as jansson
				 * decodes it */
				if (cp >= 0xD800 && cp < 0xDC00 && peek(sc) == '\\') {
					struct scan save = *sc;
					uint32_t lo;
					advance(sc);
					if (peek(sc) == 'u') {
						advance(sc);
						if (read_hex4(sc, &lo) && lo >= 0xDC00 &&
						    lo < 0xE000) {
							cp = 0x10000 + ((cp - 0xD800) << 10) +
							     (lo - 0xDC00);
							break;
						}
					}
					*sc = save;
				}
				break;
			default: cp = (uint32_t)e; break;
			}
			if (out && n + 4 >= cap)
				*outlen = SIZE_MAX; /* too long: cannot match */
			if (out && n + 4 < cap) {
				/* encode as UTF-8 (surrogate pairs are rare in keys and
				 * only matter for matching; they are kept as-is) */
				if (cp < 0x80) {
					out[n++] = (char)cp;
				} else if (cp < 0x800) {
					out[n++] = (char)(0xC0 | (cp >> 6));
					out[n++] = (char)(0x80 | (cp & 0x3F));
				} else if (cp >= 0x10000) {
					out[n++] = (char)(0xF0 | (cp >> 18));
					out[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
					out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					out[n++] = (char)(0x80 | (cp & 0x3F));
				} else {
					out[n++] = (char)(0xE0 | (cp >> 12));
					out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					out[n++] = (char)(0x80 | (cp & 0x3F));
				}
			}
			continue;
		}
		if (out && n + 1 < cap)
			out[n++] = (char)c;
		else if (out)
			*outlen = SIZE_MAX;
	}
	if (out)
		out[n] = '\0';
	if (outlen && *outlen != SIZE_MAX)
		*outlen = n;
	return true;
}

/* An object member's key at the cursor: its position, the key decoded
 * (key may be NULL: skipped), the ':' passed; the cursor is left on the
 * value. false on anything else (the object's end included). */
static bool member_key(struct scan *sc, char *key, size_t cap, size_t *klen, int *line,
		       int *col)
{
	skip_ws(sc);
	*line = sc->line;
	*col = sc->col;
	if (!scan_string(sc, key, cap, klen))
		return false;
	skip_ws(sc);
	if (peek(sc) != ':')
		return false;
	advance(sc);
	skip_ws(sc);
	return true;
}

static bool skip_value(struct scan *sc);

static bool skip_container(struct scan *sc, char open, char close)
{
	if (++sc->depth > SCAN_MAX_DEPTH)
		return false;
	advance(sc); /* open */
	skip_ws(sc);
	if (peek(sc) == close) {
		advance(sc);
		sc->depth--;
		return true;
	}
	for (;;) {
		int line, col;
		skip_ws(sc);
		if (open == '{' && !member_key(sc, NULL, 0, NULL, &line, &col))
			return false;
		if (!skip_value(sc))
			return false;
		skip_ws(sc);
		int c = peek(sc);
		advance(sc);
		if (c == close)
			break;
		if (c != ',')
			return false;
	}
	sc->depth--;
	return true;
}

static bool skip_value(struct scan *sc)
{
	skip_ws(sc);
	int c = peek(sc);
	if (c == '{')
		return skip_container(sc, '{', '}');
	if (c == '[')
		return skip_container(sc, '[', ']');
	if (c == '"')
		return scan_string(sc, NULL, 0, NULL);
	if (c < 0)
		return false;
	/* number, true, false, null: run of non-delimiters */
	size_t start = sc->pos;
	while (sc->pos < sc->len && !strchr(",]} \t\r\n", sc->s[sc->pos]))
		advance(sc);
	return sc->pos > start;
}

/* Past the value at the cursor and its ',': true when another member or
 * element follows. */
static bool next_item(struct scan *sc)
{
	if (!skip_value(sc))
		return false;
	skip_ws(sc);
	int sep = peek(sc);
	advance(sc);
	return sep == ',';
}

/* In the object at the cursor (on '{'), the member key: true with the
 * cursor on its value and the key's place in *kl, *kc; false when the
 * object has no such member (the first one counts) or is malformed. */
static bool find_member(struct scan *sc, const char *key, int *kl, int *kc)
{
	size_t want = strlen(key);
	advance(sc);
	for (;;) {
		char k[4096];
		size_t klen;
		if (!member_key(sc, k, sizeof(k), &klen, kl, kc))
			return false;
		if (klen == want && memcmp(k, key, klen) == 0)
			return true;
		if (!next_item(sc))
			return false;
	}
}

/* Walk sc (at the text's start) to the element at path; the cursor is
 * left on the value (or on the key, with want_key). */
static bool walk(struct scan *scp, const struct json_path_elem *path, size_t depth,
		 bool want_key, int *line, int *column)
{
	struct scan sc = *scp;
	skip_ws(&sc);
	for (size_t d = 0; d < depth; d++) {
		const struct json_path_elem *pe = &path[d];
		int c = peek(&sc);
		bool found = false;
		if (pe->key && c == '{') {
			int kl, kc;
			if (!find_member(&sc, pe->key, &kl, &kc))
				return false;
			if (d + 1 == depth && want_key) {
				*line = kl;
				*column = kc;
				*scp = sc;
				return true;
			}
			found = true;
		} else if (!pe->key && c == '[') {
			advance(&sc);
			for (size_t i = 0;; i++) {
				skip_ws(&sc);
				if (peek(&sc) == ']')
					return false;
				if (i == pe->index) {
					found = true;
					break;
				}
				if (!next_item(&sc))
					return false;
			}
		}
		if (!found)
			return false;
	}
	*line = sc.line;
	*column = sc.col;
	*scp = sc;
	return true;
}

bool jsonpos_find(const char *text, size_t len, const struct json_path_elem *path,
		  size_t depth, bool want_key, int *line, int *column)
{
	struct scan sc = {.s = text, .len = len, .pos = 0, .line = 1, .col = 1, .depth = 0};
	return walk(&sc, path, depth, want_key, line, column);
}

void jsonpos_array_values(const char *text, size_t len, const struct json_path_elem *path,
			  size_t depth, const char *key, size_t n, int *line, int *column)
{
	for (size_t i = 0; i < n; i++)
		line[i] = column[i] = 0;
	struct scan sc = {.s = text, .len = len, .pos = 0, .line = 1, .col = 1, .depth = 0};
	int al, ac;
	if (!walk(&sc, path, depth, false, &al, &ac))
		return;
	if (peek(&sc) != '[')
		return;
	advance(&sc);
	skip_ws(&sc);
	if (peek(&sc) == ']')
		return;
	for (size_t i = 0; i < n; i++) {
		skip_ws(&sc);
		struct scan el = sc; /* element i's members, on a copy */
		int kl, kc;
		if (peek(&el) == '{' && find_member(&el, key, &kl, &kc)) {
			line[i] = el.line;
			column[i] = el.col;
		}
		if (!next_item(&sc))
			return;
	}
}

static int member_cmp(const void *a, const void *b)
{
	const struct jsonpos_member *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->line != y->line ? (x->line < y->line ? -1 : 1)
				  : (x->column < y->column ? -1 : x->column > y->column);
}

size_t jsonpos_members(const char *text, size_t len, struct jsonpos_member **out)
{
	struct scan sc = {.s = text, .len = len, .pos = 0, .line = 1, .col = 1, .depth = 0};
	struct jsonpos_member *m = NULL;
	size_t n = 0, cap = 0;
	*out = NULL;
	skip_ws(&sc);
	if (peek(&sc) != '{')
		return 0;
	advance(&sc);
	for (;;) {
		int kl, kc;
		char key[4096];
		size_t klen;
		if (!member_key(&sc, key, sizeof(key), &klen, &kl, &kc) || klen == SIZE_MAX)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct jsonpos_member *nm = realloc(m, cap * sizeof(*m));
			if (!nm)
				break;
			m = nm;
		}
		char *k = malloc(klen + 1);
		if (!k)
			break;
		memcpy(k, key, klen + 1);
		m[n++] = (struct jsonpos_member){k, kl, kc};
		if (!next_item(&sc))
			break;
	}
	if (n)
		qsort(m, n, sizeof(*m), member_cmp);
	*out = m;
	return n;
}

const struct jsonpos_member *jsonpos_member_find(const struct jsonpos_member *m, size_t n,
						 const char *key)
{
	/* the first member with this key: the lowest index that compares equal */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(m[lo].key, key) == 0 ? &m[lo] : NULL;
}

void jsonpos_members_free(struct jsonpos_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].key);
	free(m);
}
