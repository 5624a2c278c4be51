/*
 * log.c - the logging sink. A line is formatted into a local buffer and
 * written with one write(2) so that lines from different threads never
 * interleave on stderr.
 *
 * Every string argument is a value that may come from outside (a feed key,
 * an endpoint, a URL path, a file name), so log_format() escapes each %s as
 * it substitutes it: one place for every call site, present and future. A
 * feed cannot forge a line or a key=value pair, nor send control bytes to the
 * operator's terminal. Inside a quoted value ("...%s..." in the format) a
 * quote and a backslash are escaped with a backslash and every byte outside
 * printable ASCII becomes \xNN; a bare value (key=%s) that needs any of that,
 * or holds a space, is written quoted with the same escapes.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
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

/* The output of log_format: a buffer that truncates, never overflows. */
struct out {
	char *buf;
	size_t cap, len; /* len may run past cap: what the whole line needed */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void out_mem(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_char(o, s[i]);
}

static bool plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* Escape n bytes of s into o; quoted says the format already put them
 * between quotes. Bare values are quoted when they need any escape or hold a
 * space, so a value is always one token. */
static void log_escape(struct out *o, const char *s, size_t n, bool quoted)
{
	static const char hex[] = "0123456789abcdef";
	bool wrap = false;
	if (!quoted)
		for (size_t i = 0; i < n && !wrap; i++)
			wrap = !plain_byte((unsigned char)s[i]) || s[i] == ' ';
	if (wrap)
		out_char(o, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (plain_byte(c)) {
			out_char(o, (char)c);
		} else if (c == '"' || c == '\\') {
			out_char(o, '\\');
			out_char(o, (char)c);
		} else {
			char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
			out_mem(o, e, 4);
		}
	}
	if (wrap)
		out_char(o, '"');
}

/* One conversion of the format other than %s and %%: its spec (with '*'
 * already replaced by the number) is handed to snprintf with an argument of
 * the type its length modifier and conversion say. */
static void out_number(struct out *o, const char *spec, const char *len, char conv, va_list *ap)
{
	char tmp[128];
	int n = 0;
	bool sgn = conv == 'd' || conv == 'i';
	if (conv == 'c') {
		char c = (char)va_arg(*ap, int);
		log_escape(o, &c, 1, true);
		return;
	} else if (conv == 'p') {
		n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, void *));
	} else if (strchr("fFeEgGaA", conv)) {
		if (strcmp(len, "L") == 0)
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, long double));
		else
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, double));
	} else if (strcmp(len, "ll") == 0) {
		if (sgn)
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, long long));
		else
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, unsigned long long));
	} else if (strcmp(len, "l") == 0) {
		if (sgn)
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, long));
		else
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, unsigned long));
	} else if (strcmp(len, "z") == 0) {
		if (sgn)
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, ssize_t));
		else
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, size_t));
	} else if (strcmp(len, "j") == 0) {
		if (sgn)
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, intmax_t));
		else
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, uintmax_t));
	} else if (strcmp(len, "t") == 0) {
		n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, ptrdiff_t));
	} else if (sgn) {
		n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, int)); /* h, hh promoted */
	} else {
		n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, unsigned));
	}
	if (n > 0)
		out_mem(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Append the digits of a width or precision ('*' taken from the arguments). */
static const char *spec_number(const char *p, char *spec, size_t *sl, size_t cap, va_list *ap,
                               int *value)
{
	if (*p == '*') {
		*value = va_arg(*ap, int);
		*sl += (size_t)snprintf(spec + *sl, cap - *sl, "%d", *value);
		return p + 1;
	}
	*value = -1;
	if (*p >= '0' && *p <= '9')
		*value = 0;
	while (*p >= '0' && *p <= '9') {
		*value = *value * 10 + (*p - '0');
		if (*sl + 1 < cap)
			spec[(*sl)++] = *p;
		p++;
	}
	return p;
}

size_t log_vformat(char *buf, size_t cap, const char *fmt, va_list ap0)
{
	struct out o = {buf, cap, 0};
	va_list ap;
	va_copy(ap, ap0);
	bool quoted = false; /* inside "..." of the format */
	for (const char *p = fmt; *p;) {
		if (*p != '%') {
			if (*p == '"' && (p == fmt || p[-1] != '\\'))
				quoted = !quoted;
			out_char(&o, *p++);
			continue;
		}
		if (p[1] == '%') {
			out_char(&o, '%');
			p += 2;
			continue;
		}
		char spec[64];
		size_t sl = 0;
		spec[sl++] = *p++;
		while (*p && strchr("-+ #0", *p) && sl < 16)
			spec[sl++] = *p++;
		int width, prec = -1;
		p = spec_number(p, spec, &sl, 48, &ap, &width);
		if (*p == '.') {
			spec[sl++] = *p++;
			p = spec_number(p, spec, &sl, 48, &ap, &prec);
			if (prec < 0)
				prec = 0;
		}
		char len[3] = "";
		size_t ll = 0;
		while (*p && strchr("hlzjtL", *p) && ll < 2)
			len[ll++] = *p++;
		len[ll] = '\0';
		char conv = *p ? *p++ : 's';
		if (conv == 's') {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			size_t n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
			log_escape(&o, s, n, quoted);
			continue;
		}
		memcpy(spec + sl, len, ll);
		sl += ll;
		spec[sl++] = conv;
		spec[sl] = '\0';
		out_number(&o, spec, len, conv, &ap);
	}
	va_end(ap);
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}

size_t log_format(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = log_vformat(buf, cap, fmt, ap);
	va_end(ap);
	return n;
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
		log_vformat(line + n, sizeof(line) - (size_t)n, fmt, ap);
		syslog(prio[level], "%s", line);
	} else {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		int n = (int)strftime(line, sizeof(line), "ts=%Y-%m-%dT%H:%M:%SZ", &tm);
		n += snprintf(line + n, sizeof(line) - (size_t)n, " level=%s ", level_names[level]);
		size_t len =
		    (size_t)n + log_vformat(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
		if (len > sizeof(line) - 2)
			len = sizeof(line) - 2;
		line[len++] = '\n';
		ssize_t w = write(STDERR_FILENO, line, len);
		(void)w;
	}
	va_end(ap);
}
