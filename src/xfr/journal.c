/*
 * journal.c - the journal of one zone (journal.h): a bounded list of
 * contiguous differences, appended by the reload thread and read by the
 * transfer thread through views, and its file.
 *
 * The list is an array of references, oldest first, changed and copied
 * under a mutex that is never held longer than that: the differences are
 * immutable, so a reader that holds references needs nothing else. With
 * max_versions in the tens, dropping the oldest is a memmove.
 *
 * The file is written from a view, so the reload thread can append while
 * it is written, and replaced by rename (temporary file, fsync, rename,
 * fsync of the directory). Reading it checks the CRC first and then every
 * field as if the CRC did not exist: a file is outside input.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr_internal.h"

#include "common/gd.h"
#include "dns/serial.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct journal {
	pthread_mutex_t lock;
	unsigned max_versions;
	size_t max_bytes;
	struct diff **diffs; /* oldest first; max_versions + 1 slots */
	size_t n;
	size_t bytes;
};

struct journal *journal_new(unsigned max_versions, size_t max_bytes)
{
	struct journal *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->diffs = calloc((size_t)max_versions + 1, sizeof(*j->diffs));
	if (!j->diffs) {
		free(j);
		return NULL;
	}
	pthread_mutex_init(&j->lock, NULL);
	j->max_versions = max_versions;
	j->max_bytes = max_bytes;
	return j;
}

/* Drop the oldest k differences (the lock held). */
static void drop_oldest(struct journal *j, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		j->bytes -= diff_bytes(j->diffs[i]);
		diff_free(j->diffs[i]);
	}
	memmove(j->diffs, j->diffs + k, (j->n - k) * sizeof(*j->diffs));
	j->n -= k;
}

void journal_free(struct journal *j)
{
	if (!j)
		return;
	drop_oldest(j, j->n);
	pthread_mutex_destroy(&j->lock);
	free(j->diffs);
	free(j);
}

void journal_clear(struct journal *j)
{
	pthread_mutex_lock(&j->lock);
	drop_oldest(j, j->n);
	pthread_mutex_unlock(&j->lock);
}

int journal_add(struct journal *j, struct diff *d)
{
	if (d->serial_from == d->serial_to && d->nremoved == 0 && d->nadded == 0) {
		struct diff_iter a, b;
		diff_iter_init(d, DIFF_SOA_OLD, &a);
		diff_iter_init(d, DIFF_SOA_NEW, &b);
		if (a.end - a.p == b.end - b.p && memcmp(a.p, b.p, (size_t)(a.end - a.p)) == 0) {
			diff_free(d); /* nothing changed: nothing to keep */
			return GD_OK;
		}
	}
	int rc = GD_OK;
	pthread_mutex_lock(&j->lock);
	if (!serial_gt(d->serial_to, d->serial_from))
		rc = GD_EINVAL;
	else if (diff_bytes(d) > j->max_bytes || j->max_versions == 0)
		rc = GD_ELIMIT;
	if (rc < 0 || (j->n && j->diffs[j->n - 1]->serial_to != d->serial_from))
		drop_oldest(j, j->n); /* history broken (or no room at all) */
	if (rc == GD_OK) {
		j->diffs[j->n++] = d;
		j->bytes += diff_bytes(d);
		/* d alone fits, so this stops before it */
		size_t k = 0, bytes = j->bytes;
		while (j->n - k > j->max_versions || bytes > j->max_bytes)
			bytes -= diff_bytes(j->diffs[k++]);
		drop_oldest(j, k);
	}
	pthread_mutex_unlock(&j->lock);
	if (rc < 0)
		diff_free(d);
	return rc;
}

bool journal_range(struct journal *j, uint32_t *first_serial, uint32_t *last_serial)
{
	pthread_mutex_lock(&j->lock);
	bool any = j->n > 0;
	if (any) {
		*first_serial = j->diffs[0]->serial_from;
		*last_serial = j->diffs[j->n - 1]->serial_to;
	}
	pthread_mutex_unlock(&j->lock);
	return any;
}

void journal_stats(struct journal *j, size_t *versions, size_t *bytes)
{
	pthread_mutex_lock(&j->lock);
	*versions = j->n;
	*bytes = j->bytes;
	pthread_mutex_unlock(&j->lock);
}

int journal_view_take(struct journal *j, struct journal_view *v)
{
	/* the array is allocated outside the lock, for the most there can be */
	v->n = 0;
	v->diffs = malloc(((size_t)j->max_versions + 1) * sizeof(*v->diffs));
	if (!v->diffs)
		return GD_ENOMEM;
	pthread_mutex_lock(&j->lock);
	for (size_t i = 0; i < j->n; i++)
		v->diffs[i] = diff_ref(j->diffs[i]);
	v->n = j->n;
	pthread_mutex_unlock(&j->lock);
	return GD_OK;
}

void journal_view_release(struct journal_view *v)
{
	for (size_t i = 0; i < v->n; i++)
		diff_free(v->diffs[i]);
	free(v->diffs);
	v->diffs = NULL;
	v->n = 0;
}

/* ---- the file ---- */

static const uint8_t journal_magic[8] = {'G', 'D', 'J', 'R', 'N', 'L', '\r', '\n'};
#define JOURNAL_VERSION 1

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zlib's
 * crc32(): crc32_update(0, p, n) of a whole buffer, or chained. Bit by bit:
 * a journal is written once per reload and read once per start. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* A file being written, with the CRC of what went in. */
struct jfile {
	FILE *f;
	uint32_t crc;
	bool failed;
};

static void jput(struct jfile *o, const void *data, size_t n)
{
	if (o->failed || fwrite(data, 1, n, o->f) != n)
		o->failed = true;
	else
		o->crc = crc32_update(o->crc, data, n);
}

static void jput32(struct jfile *o, uint32_t v)
{
	uint8_t b[4];
	wr32(b, v);
	jput(o, b, 4);
}

/* fsync the directory holding path, so that a rename in it is durable. */
static int sync_dir(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return GD_ENOMEM;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return GD_EIO;
	int rc = fsync(fd) == 0 ? GD_OK : GD_EIO;
	close(fd);
	return rc;
}

static void write_view(struct jfile *o, const struct journal_view *v, const uint8_t *origin)
{
	jput(o, journal_magic, sizeof(journal_magic));
	jput32(o, JOURNAL_VERSION);
	uint8_t ol = (uint8_t)wire_name_len(origin, WIRE_NAME_MAX);
	jput(o, &ol, 1);
	jput(o, origin, ol);
	jput32(o, (uint32_t)v->n);
	for (size_t i = 0; i < v->n; i++) {
		const struct diff *d = v->diffs[i];
		jput32(o, d->serial_from);
		jput32(o, d->serial_to);
		jput32(o, (uint32_t)d->nremoved);
		jput32(o, (uint32_t)d->nadded);
		jput32(o, (uint32_t)d->len);
		jput(o, d->data, d->len);
	}
	uint32_t crc = o->crc;
	jput32(o, crc);
}

int journal_save(struct journal *j, const uint8_t *origin, const char *path)
{
	struct journal_view v;
	if (journal_view_take(j, &v) < 0)
		return GD_ENOMEM;
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 5);
	if (!tmp) {
		journal_view_release(&v);
		return GD_ENOMEM;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp", 5);
	int rc = GD_EIO;
	struct jfile o = {fopen(tmp, "wbx"), 0, false};
	if (!o.f && errno == EEXIST && unlink(tmp) == 0)
		o.f = fopen(tmp, "wbx"); /* left by a save that died */
	if (o.f) {
		write_view(&o, &v, origin);
		bool ok = !o.failed && fflush(o.f) == 0 && fsync(fileno(o.f)) == 0;
		ok = fclose(o.f) == 0 && ok;
		if (ok && rename(tmp, path) == 0)
			rc = sync_dir(path);
		else {
			int e = errno;
			unlink(tmp);
			errno = e;
		}
	}
	free(tmp);
	journal_view_release(&v);
	return rc;
}

/* A reason for the caller's log; returns rc. */
static int load_error(int rc, char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "journal %s: %s", path, what);
	return rc;
}

/* The file's octets (len, CRC checked) into j. */
static int load_body(struct journal *j, const uint8_t *buf, size_t len, const uint8_t *origin,
                     const char *path, char *err, size_t errlen)
{
	size_t ol = wire_name_len(origin, WIRE_NAME_MAX);
	if (len < sizeof(journal_magic) + 4 + 1 + 4 ||
	    memcmp(buf, journal_magic, sizeof(journal_magic)) != 0)
		return load_error(GD_EFORMAT, err, errlen, path, "not a journal file");
	uint32_t version = rd32(buf + 8);
	if (version != JOURNAL_VERSION)
		return load_error(GD_EFORMAT, err, errlen, path, "version %u not supported",
		                  version);
	const uint8_t *p = buf + 12, *end = buf + len;
	if (p[0] != ol || (size_t)(end - p) < 1 + ol + 4 || memcmp(p + 1, origin, ol) != 0)
		return load_error(GD_EFORMAT, err, errlen, path, "of another zone");
	p += 1 + ol;
	uint32_t count = rd32(p);
	p += 4;
	uint32_t prev_to = 0;
	for (uint32_t i = 0; i < count; i++) {
		if (end - p < 20 || (size_t)(end - p - 20) < rd32(p + 16))
			return load_error(GD_EFORMAT, err, errlen, path,
			                  "difference %u of %u runs past the end", i + 1, count);
		uint32_t from = rd32(p), to = rd32(p + 4), dlen = rd32(p + 16);
		struct diff *d = NULL;
		int rc = diff_parse(origin, from, to, p + 20, dlen, rd32(p + 8), rd32(p + 12), &d);
		if (rc == GD_ENOMEM)
			return load_error(rc, err, errlen, path, "out of memory");
		if (rc < 0 || !serial_gt(to, from) || (i && from != prev_to)) {
			diff_free(d);
			return load_error(GD_EFORMAT, err, errlen, path,
			                  "difference %u of %u (serial %u to %u) is malformed",
			                  i + 1, count, from, to);
		}
		journal_add(j, d); /* the bounds of now apply */
		prev_to = to;
		p += 20 + dlen;
	}
	if (p != end)
		return load_error(GD_EFORMAT, err, errlen, path,
		                  "%zu octets after the last difference", (size_t)(end - p));
	return GD_OK;
}

int journal_load(const char *path, const uint8_t *origin, unsigned max_versions, size_t max_bytes,
                 struct journal **out, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	*out = journal_new(max_versions, max_bytes);
	if (!*out)
		return load_error(GD_ENOMEM, err, errlen, path, "out of memory");
	char *text = NULL;
	size_t len = 0;
	if (read_file(path, &text, &len) < 0) {
		int e = errno;
		if (e == ENOENT)
			return load_error(GD_ENOTFOUND, err, errlen, path, "no journal yet");
		return load_error(GD_EIO, err, errlen, path, "%s", strerror(e));
	}
	const uint8_t *buf = (const uint8_t *)text;
	int rc;
	if (len < 4 || crc32_update(0, buf, len - 4) != rd32(buf + len - 4))
		rc = load_error(GD_EFORMAT, err, errlen, path, "checksum mismatch (damaged)");
	else
		rc = load_body(*out, buf, len - 4, origin, path, err, errlen);
	free(text);
	if (rc < 0)
		journal_clear(*out); /* refused whole: an empty journal */
	return rc;
}
