/*
 * log.h - one line per event, key=value pairs, to stderr or syslog.
 *
 * Callers pass the pairs in the format string:
 *   log_msg(LOG_LVL_INFO, "event=reload result=ok zones=%d", n);
 * The line gets "level=info" prepended. Never called on the per-query path.
 */
#ifndef GD_LOG_H
#define GD_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };

/* Configure the sink: syslog when use_syslog, else stderr. Thread-safe after. */
void log_init(bool use_syslog, enum log_level min_level);

/* Parse "debug", "info", "warning", "error"; -1 when unknown. */
int log_level_parse(const char *s);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)

#endif
