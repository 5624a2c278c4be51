/*
 * log.h - one line per event, key=value pairs, to stderr or syslog.
 *
 * Callers pass the pairs in the format string:
 *   log_msg(LOG_LVL_INFO, "event=reload result=ok zones=%d", n);
 * The line gets "level=info" prepended. Never called on the per-query path.
 * Every %s argument is escaped as it is substituted (see log.c): within
 * quotes in the format ("detail=\"%s\"") quote, backslash and bytes outside
 * printable ASCII become \", \\ and \xNN; a bare value (key=%s) is quoted
 * with the same escapes when it needs one or holds a space. So a %s is one
 * value, never several pairs: build no "key=value" fragments to pass as %s.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_LOG_H
#define GD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };

/* Configure the sink: syslog when use_syslog, else stderr. Thread-safe after.
 * On stderr connected to the journal (systemd's JOURNAL_STREAM names
 * stderr's device and inode), each line starts with its priority,
 * "<6>" for info (sd-daemon(3)), so journald keeps the level. */
void log_init(bool use_syslog, enum log_level min_level);

/* One JSON object per line instead of key=value pairs (server.log_format
 * "json"): "ts", "level", then each pair's key and value; a value of
 * digits (a sign, one point) a number, any other a string with the
 * escapes of the pairs kept as text (\xNN). Call before threads log. */
void log_set_json(bool json);

/* A key=value line (as log_vformat writes) as that JSON object into buf
 * (always terminated); returns the length the whole object needed. */
size_t log_logfmt_to_json(const char *line, char *buf, size_t cap);

/* Parse "debug", "info", "warning", "error"; -1 when unknown. */
int log_level_parse(const char *s);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Format a line's pairs as log_msg does (escaping every %s) into buf, which
 * is always terminated; returns the length the whole line needed. */
size_t log_vformat(char *buf, size_t cap, const char *fmt, va_list ap);
size_t log_format(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)

#endif
