/*
 * log.c - the logging sink. A line is formatted into a local buffer and
 * written with one write(2) so that lines from different threads never
 * interleave on stderr.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static bool log_syslog;
static enum log_level log_min = LOG_LVL_INFO;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

void log_init(bool use_syslog, enum log_level min_level)
{
	log_syslog = use_syslog;
	log_min = min_level;
	if (use_syslog)
		openlog("geodnsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	if (strcmp(s, "warn") == 0)
		return LOG_LVL_WARN;
	return -1;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (level < log_min)
		return;
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	if (log_syslog) {
		static const int prio[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};
		int n = snprintf(line, sizeof(line), "level=%s ", level_names[level]);
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		syslog(prio[level], "%s", line);
	} else {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		int n = (int)strftime(line, sizeof(line), "ts=%Y-%m-%dT%H:%M:%SZ", &tm);
		n += snprintf(line + n, sizeof(line) - (size_t)n, " level=%s ",
			      level_names[level]);
		int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
		size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
		if (len > sizeof(line) - 2)
			len = sizeof(line) - 2;
		line[len++] = '\n';
		ssize_t w = write(STDERR_FILENO, line, len);
		(void)w;
	}
	va_end(ap);
}
