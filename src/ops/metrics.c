/*
 * metrics.c - text buffers and the Prometheus exposition format.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/metrics.h"

#include "common/gd.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void sb_init(struct strbuf *sb)
{
	sb->cap = 4096;
	sb->len = 0;
	sb->buf = xmalloc(sb->cap);
	sb->buf[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

static void sb_reserve(struct strbuf *sb, size_t n)
{
	if (sb->cap - sb->len > n)
		return;
	while (sb->cap - sb->len <= n)
		sb->cap *= 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	sb_reserve(sb, n + 1);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_reserve(sb, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_label_value(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sb_add(sb, "\\\\", 2);
		else if (*s == '"')
			sb_add(sb, "\\\"", 2);
		else if (*s == '\n')
			sb_add(sb, "\\n", 2);
		else
			sb_add(sb, s, 1);
	}
}

void sb_json_string(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			sb_add(sb, e, 2);
		} else if (c < 0x20) {
			sb_printf(sb, "\\u%04x", c);
		} else {
			sb_add(sb, s, 1);
		}
	}
}

void metrics_family(struct strbuf *sb, const char *name, const char *type, const char *help)
{
	sb_printf(sb, "# HELP %s ", name);
	/* HELP text escapes only backslash and newline */
	for (const char *p = help; *p; p++) {
		if (*p == '\\')
			sb_add(sb, "\\\\", 2);
		else if (*p == '\n')
			sb_add(sb, "\\n", 2);
		else
			sb_add(sb, p, 1);
	}
	sb_printf(sb, "\n# TYPE %s %s\n", name, type);
}

static void labels_out(struct strbuf *sb, const char *const *labels)
{
	if (!labels || !labels[0])
		return;
	sb_add(sb, "{", 1);
	for (size_t i = 0; labels[i] && labels[i + 1]; i += 2) {
		sb_printf(sb, "%s%s=\"", i ? "," : "", labels[i]);
		sb_label_value(sb, labels[i + 1]);
		sb_add(sb, "\"", 1);
	}
	sb_add(sb, "}", 1);
}

void metrics_sample(struct strbuf *sb, const char *name, const char *const *labels, double value)
{
	sb_printf(sb, "%s", name);
	labels_out(sb, labels);
	sb_printf(sb, " %.17g\n", value);
}

void metrics_sample_u64(struct strbuf *sb, const char *name, const char *const *labels,
			uint64_t value)
{
	sb_printf(sb, "%s", name);
	labels_out(sb, labels);
	sb_printf(sb, " %" PRIu64 "\n", value);
}

void metrics_single(struct strbuf *sb, const char *name, const char *type, const char *help,
		    uint64_t value)
{
	metrics_family(sb, name, type, help);
	metrics_sample_u64(sb, name, NULL, value);
}
