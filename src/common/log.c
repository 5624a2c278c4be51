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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static bool log_syslog;
static bool log_json;
static bool log_journal; /* stderr is the journal: priority prefixes */
static enum log_level log_min = LOG_LVL_INFO;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

/* systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it gave
 * stderr; a stderr redirected since is another file. */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_init(bool use_syslog, enum log_level min_level)
{
	log_syslog = use_syslog;
	log_min = min_level;
	log_journal = !use_syslog && stderr_is_journal();
	if (use_syslog)
		openlog("geodnsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_json(bool json)
{
	log_json = json;
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

/* Append s (n octets of printable ASCII) to o as a JSON string's inside. */
static void json_text(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			out_char(o, '\\');
		out_char(o, s[i]);
	}
}

static bool json_number(const char *s, size_t n)
{
	size_t i = s[0] == '-' ? 1 : 0, digits = 0, points = 0;
	if (n > 18 || i == n || (s[i] == '0' && n > i + 1 && s[i + 1] != '.'))
		return false;
	for (; i < n; i++) {
		if (s[i] == '.' && digits && !points++)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
		digits++;
	}
	return s[n - 1] != '.';
}

size_t log_logfmt_to_json(const char *line, char *buf, size_t cap)
{
	struct out o = {buf, cap, 0};
	const char *p = line;
	bool first = true;
	out_char(&o, '{');
	while (*p) {
		while (*p == ' ')
			p++;
		const char *k = p;
		while (*p && *p != '=' && *p != ' ')
			p++;
		if (p == k)
			break;
		size_t klen = (size_t)(p - k);
		const char *v = p;
		size_t vlen = 0;
		bool quoted = false;
		if (*p == '=') {
			p++;
			quoted = *p == '"';
			v = p + quoted;
			if (quoted) {
				for (p = v; *p && *p != '"'; p++)
					if (*p == '\\' && p[1])
						p++;
				vlen = (size_t)(p - v);
				if (*p)
					p++;
			} else {
				while (*p && *p != ' ')
					p++;
				vlen = (size_t)(p - v);
			}
		}
		out_mem(&o, first ? "\"" : ",\"", first ? 1 : 2);
		first = false;
		json_text(&o, k, klen);
		out_mem(&o, "\":", 2);
		if (!quoted && vlen && json_number(v, vlen)) {
			out_mem(&o, v, vlen);
			continue;
		}
		out_char(&o, '"');
		for (size_t i = 0; i < vlen; i++) {
			/* the pairs' escapes: \" and \\ are the characters, \xNN
			 * stays as its text */
			if (quoted && v[i] == '\\' && i + 1 < vlen && (v[i + 1] == '"' || v[i + 1] == '\\'))
				i++;
			json_text(&o, v + i, 1);
		}
		out_char(&o, '"');
	}
	out_char(&o, '}');
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (level < log_min)
		return;
	static const int prio[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	if (log_syslog) {
		int n = snprintf(line, sizeof(line), "level=%s ", level_names[level]);
		log_vformat(line + n, sizeof(line) - (size_t)n, fmt, ap);
		if (log_json) {
			char json[4096];
			log_logfmt_to_json(line, json, sizeof(json));
			syslog(prio[level], "%s", json);
		} else {
			syslog(prio[level], "%s", line);
		}
	} else {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		int n = log_journal ? snprintf(line, sizeof(line), "<%d>", prio[level]) : 0;
		int start = n;
		n += (int)strftime(line + n, sizeof(line) - (size_t)n, "ts=%Y-%m-%dT%H:%M:%SZ", &tm);
		n += snprintf(line + n, sizeof(line) - (size_t)n, " level=%s ", level_names[level]);
		size_t len =
		    (size_t)n + log_vformat(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
		if (len > sizeof(line) - 2)
			len = sizeof(line) - 2;
		line[len] = '\0';
		char json[4096];
		const char *text = line;
		if (log_json) {
			size_t jl = log_logfmt_to_json(line + start, json + start, sizeof(json) - 2 - start);
			memcpy(json, line, (size_t)start); /* the priority prefix */
			len = (size_t)start + (jl < sizeof(json) - 3 - start ? jl : sizeof(json) - 3 - start);
			text = json;
		}
		char *w = (char *)text;
		w[len++] = '\n';
		ssize_t r = write(STDERR_FILENO, w, len);
		(void)r;
	}
	va_end(ap);
}
