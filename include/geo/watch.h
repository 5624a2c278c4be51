/*
 * watch.h - notice that a GeoIP database file was replaced on disk, so the
 * server loads it alone (geoip.watch) without a reload.
 *
 * geoipupdate and cron jobs replace a database by writing a new file and
 * renaming it over the old one; a copy over it in place happens too. A
 * file's identity here is what stat(2) says: device, inode, size and
 * modification time, or that it is missing. The watcher is polled (once
 * a second by the main loop); a file whose identity differs from the one
 * recorded when the databases were last read, and that has not changed
 * between two polls (a copy in progress is waited out), is due. The caller
 * records the identities again before it reads the files (geo_watch_mark),
 * also when the read fails, so a bad file is tried once, not every second,
 * and tried again when it changes.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_GEO_WATCH_H
#define GD_GEO_WATCH_H

#include <stdbool.h>
#include <stddef.h>

struct geo_watch;

/* A watcher of files[0..n) (copied); NULL for n 0. */
struct geo_watch *geo_watch_new(char *const *files, size_t n);
void geo_watch_free(struct geo_watch *w);

/* Record the files' identities as they are now: what a build about to
 * read them will see. */
void geo_watch_mark(struct geo_watch *w);

/* One poll: true when a file is due (changed since marked, the same as at
 * the previous poll), *which its index. */
bool geo_watch_poll(struct geo_watch *w, size_t *which);

/* File i's path. */
const char *geo_watch_path(const struct geo_watch *w, size_t i);

#endif
