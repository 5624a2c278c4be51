/*
 * watch.c - GeoIP database files replaced on disk (include/geo/watch.h).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "geo/watch.h"

#include "common/gd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What stat(2) says of a file; all 0 when it is missing or unreadable. */
struct identity {
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec;
	bool present;
};

struct watched {
	char *path;
	struct identity marked; /* when the databases were last read */
	struct identity seen;   /* at the previous poll */
};

struct geo_watch {
	struct watched *files;
	size_t n;
};

static struct identity identity_of(const char *path)
{
	struct identity id = {0};
	struct stat st;
	if (stat(path, &st) != 0)
		return id;
	id.present = true;
	id.dev = (uint64_t)st.st_dev;
	id.ino = (uint64_t)st.st_ino;
	id.size = (uint64_t)st.st_size;
	id.mtime_sec = (int64_t)st.st_mtim.tv_sec;
	id.mtime_nsec = (int64_t)st.st_mtim.tv_nsec;
	return id;
}

static bool same(const struct identity *a, const struct identity *b)
{
	return a->present == b->present && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec;
}

struct geo_watch *geo_watch_new(char *const *files, size_t n)
{
	if (!n)
		return NULL;
	struct geo_watch *w = xcalloc(1, sizeof(*w));
	w->files = xcalloc(n, sizeof(*w->files));
	w->n = n;
	for (size_t i = 0; i < n; i++)
		w->files[i].path = xstrdup(files[i]);
	geo_watch_mark(w);
	return w;
}

void geo_watch_free(struct geo_watch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->files[i].path);
	free(w->files);
	free(w);
}

void geo_watch_mark(struct geo_watch *w)
{
	for (size_t i = 0; w && i < w->n; i++) {
		w->files[i].marked = identity_of(w->files[i].path);
		w->files[i].seen = w->files[i].marked;
	}
}

bool geo_watch_poll(struct geo_watch *w, size_t *which)
{
	bool due = false;
	for (size_t i = 0; w && i < w->n; i++) {
		struct watched *f = &w->files[i];
		struct identity now = identity_of(f->path);
		bool settled = same(&now, &f->seen);
		f->seen = now;
		if (!due && settled && !same(&now, &f->marked)) {
			due = true;
			*which = i;
		}
	}
	return due;
}

const char *geo_watch_path(const struct geo_watch *w, size_t i)
{
	return w->files[i].path;
}
