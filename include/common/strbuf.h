/*
 * strbuf.h - a growable text buffer. Allocation failure aborts (xmalloc),
 * so appending never fails.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_STRBUF_H
#define GD_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf; /* always NUL-terminated (from sb_init on) */
	size_t len, cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
/* Append s escaped as a JSON string body (without the quotes). */
void sb_json_string(struct strbuf *sb, const char *s);

#endif
