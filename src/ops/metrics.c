/*
 * metrics.c - the Prometheus text exposition format (the buffer is
 * common/strbuf.c).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/metrics.h"

#include "common/gd.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
