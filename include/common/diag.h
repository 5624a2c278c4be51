/*
 * diag.h - a list of load-time diagnostics, each "file:line[:column]: message".
 *
 * Loaders (config, zone, services) append every error they find instead of
 * stopping at the first, so `geodnsd -t` can print them all at once.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_DIAG_H
#define GD_DIAG_H

#include <stddef.h>

struct diag {
	char **msgs;
	size_t count;
	size_t errors;   /* entries that are errors (the rest are warnings) */
};

/* Append an error. line <= 0 omits line and column, column <= 0 omits column. */
void diag_error(struct diag *d, const char *file, int line, int column,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Append a warning (printed, but does not fail the load). */
void diag_warn(struct diag *d, const char *file, int line, int column,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Log every entry (level error/warning) and free them; the struct is reset. */
void diag_flush_log(struct diag *d);
/* Print every entry to stderr, one per line, and reset. */
void diag_flush_stderr(struct diag *d);
void diag_free(struct diag *d);

#endif
