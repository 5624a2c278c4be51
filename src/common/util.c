/*
 * util.c - error strings, checked allocation and file helpers used by every
 * module at load time (never on the per-query path).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/gd.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(size_t n)
{
	fprintf(stderr, "level=fatal event=out_of_memory bytes=%zu\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		oom(n * m);
	return p;
}

void *xcalloc_resident(size_t n, size_t m)
{
	uint8_t *p = xcalloc(n, m);
	/* one write per page: a volatile store the compiler cannot drop as it
	 * would a memset of memory calloc already zeroed */
	volatile uint8_t *v = p;
	for (size_t i = 0; i < n * m; i += 4096)
		v[i] = 0;
	return p;
}

int thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xmalloc(n);
	memcpy(d, s, n);
	return d;
}

int open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -2;
	}
	return fd;
}

int read_fd(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (cap - n < 2) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			errno = EIO;
			return GD_EIO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return GD_OK;
}

int read_private_file(const char *path, char **out, size_t *len)
{
	/* one open, its fstat checked: nothing can be swapped in between */
	struct stat st;
	int fd = open_regular(path, &st);
	if (fd == -2)
		return GD_EFORMAT;
	if (fd < 0)
		return GD_EIO;
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return GD_EINVAL;
	}
	int rc = read_fd(fd, out, len);
	close(fd);
	return rc;
}

char *token_read(const char *path, const char *what, char *err, size_t errcap)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		snprintf(err, errcap, "cannot read the %s: %s", what, strerror(errno));
		return NULL;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(err, errcap,
		         "the %s file is readable or writable by others (chmod 600 it)", what);
		return NULL;
	}
	char *text;
	size_t len;
	if (read_file(path, &text, &len) < 0) {
		snprintf(err, errcap, "cannot read the %s: %s", what, strerror(errno));
		return NULL;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		text[--len] = '\0';
	/* by bytes, not as a C string: a NUL would end the token early */
	if (len < TOKEN_MIN || memchr(text, '\n', len)) {
		snprintf(err, errcap, "the %s must be one line of at least %d characters", what,
		         TOKEN_MIN);
		free(text);
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c <= ' ' || c >= 0x7f) {
			snprintf(err, errcap,
			         "the %s must be printable ASCII without spaces (byte 0x%02x at "
			         "offset %zu)",
			         what, c, i);
			free(text);
			return NULL;
		}
	}
	return text;
}

int read_file(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return GD_EIO;
	int rc = read_fd(fd, out, len);
	close(fd);
	return rc;
}

int write_file_replace(const char *path, const void *data, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = xmalloc(plen + sizeof(".tmp"));
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp", sizeof(".tmp"));
	FILE *f = fopen(tmp, "w");
	bool ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, path) == 0) {
		free(tmp);
		return GD_OK;
	}
	int e = errno;
	unlink(tmp);
	free(tmp);
	errno = e;
	return GD_EIO;
}

uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- diagnostics ---- */

#include "common/diag.h"
#include "common/log.h"
#include <stdarg.h>

static void diag_vadd(struct diag *d, const char *kind, const char *file, int line,
		      int column, const char *fmt, va_list ap)
{
	char msg[1024];
	int n;
	if (line > 0 && column > 0)
		n = snprintf(msg, sizeof(msg), "%s:%d:%d: %s", file, line, column, kind);
	else if (line > 0)
		n = snprintf(msg, sizeof(msg), "%s:%d: %s", file, line, kind);
	else
		n = snprintf(msg, sizeof(msg), "%s: %s", file, kind);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = (int)sizeof(msg) - 1;
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	d->msgs = xrealloc(d->msgs, (d->count + 1) * sizeof(char *));
	d->msgs[d->count++] = xstrdup(msg);
}

void diag_error(struct diag *d, const char *file, int line, int column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, "", file, line, column, fmt, ap);
	va_end(ap);
	d->errors++;
}

void diag_warn(struct diag *d, const char *file, int line, int column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, "warning: ", file, line, column, fmt, ap);
	va_end(ap);
}

void diag_free(struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		free(d->msgs[i]);
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}

void diag_flush_log(struct diag *d)
{
	for (size_t i = 0; i < d->count; i++) {
		int warn = strstr(d->msgs[i], ": warning: ") != NULL;
		log_msg(warn ? LOG_LVL_WARN : LOG_LVL_ERROR, "event=load_%s msg=\"%s\"",
			warn ? "warning" : "error", d->msgs[i]);
	}
	diag_free(d);
}

void diag_flush_stderr(struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "%s\n", d->msgs[i]);
	diag_free(d);
}
