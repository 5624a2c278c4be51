/*
 * catalogs.h - catalog zones as a consumer (RFC 9432): each configured
 * catalog (a secondary zone with zones[].catalog) brings its members in as
 * secondary zones of their own.
 *
 * The members live beside the config: catalogs_config() gives the config
 * with an entry appended per member (origin from the catalog, file
 * zones[].catalog.directory/NAME.zone, the template's primaries, the
 * catalog's timers), which every snapshot build and the secondaries'
 * registry take instead of the config itself. catalogs_update() reads a
 * catalog's new version (xfr/catalog.c) and says whether the member set
 * changed; then the caller builds and publishes the effective config
 * again, so members are added and removed within the catalog's own
 * transfer. A catalog that does not read (RFC 9432 version other than 2,
 * a broken member) changes nothing (RFC 9432 5.1).
 *
 * Called under the caller's reload lock only; not thread-safe itself.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_SERVER_CATALOGS_H
#define GD_SERVER_CATALOGS_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct strbuf;
struct zone;

struct catalogs;

struct catalogs *catalogs_new(void);
void catalogs_free(struct catalogs *c);

/* cfg with the members of its catalogs appended (cfg itself when there
 * are none): a member whose origin is a configured zone's, or another
 * catalog's member's, is left out. Free with catalogs_config_free. */
struct config *catalogs_config(struct catalogs *c, const struct config *cfg);
void catalogs_config_free(struct config *eff, const struct config *cfg);

/* z (config origin origin) was just published: when it is a catalog of
 * cfg, read its members; true when the member set changed (each change
 * logged). A member removed, or reset (a new unique-id, RFC 9432 5.4),
 * has its copy queued for catalogs_remove_files; a reset member is left
 * out of the next catalogs_config() once (catalogs_end_reset). */
bool catalogs_update(struct catalogs *c, const struct config *cfg, const char *origin,
                     const struct zone *z);

/* Whether z, a new version of the zone of config origin origin, may be
 * taken: false (why) for a catalog of cfg that does not read as one; a
 * secondary then keeps the version it has, as RFC 9432 5.1 asks. */
bool catalogs_check(const struct config *cfg, const char *origin, const struct zone *z,
                    char *why, size_t cap);

/* Catalogs no longer in cfg: their members go (true when any did). */
bool catalogs_forget(struct catalogs *c, const struct config *cfg);

/* Delete the copies (and FILE.timers) of the members removed, once the
 * snapshot without them is published. */
void catalogs_remove_files(struct catalogs *c);

/* The members being reset are back in the next catalogs_config(): true
 * when there were any (build and publish once more). */
bool catalogs_end_reset(struct catalogs *c);

/* Prometheus family catalog_members{catalog}. */
void catalogs_metrics(struct catalogs *c, struct strbuf *sb);

#endif
