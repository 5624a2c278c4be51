/*
 * metrics.h - the Prometheus text exposition
 * writer (version 0.0.4): one HELP and TYPE line per family, then samples
 * with label values escaped.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_METRICS_H
#define GD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

/* Append s escaped for a Prometheus label value (\\, \", \n). */
void sb_label_value(struct strbuf *sb, const char *s);

/* "# HELP name help\n# TYPE name type\n" */
void metrics_family(struct strbuf *sb, const char *name, const char *type, const char *help);

/*
 * One sample: name{k1="v1",k2="v2"} value. labels is a NULL-terminated list
 * of alternating keys and values (NULL for no labels).
 */
void metrics_sample(struct strbuf *sb, const char *name, const char *const *labels,
		    double value);
void metrics_sample_u64(struct strbuf *sb, const char *name, const char *const *labels,
			uint64_t value);

/* A family of one unlabelled sample: metrics_family, then its value. */
void metrics_single(struct strbuf *sb, const char *name, const char *type, const char *help,
		    uint64_t value);

/* The process_* families every Prometheus client library exports (CPU
 * seconds, resident and virtual memory, start time, open and maximum file
 * descriptors), from /proc/self. */
void metrics_process(struct strbuf *sb);

#endif
