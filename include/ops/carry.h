/*
 * carry.h - per-service answer counts that survive reloads: the counts of
 * every snapshot replaced, folded by zone, service and region name.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_CARRY_H
#define GD_CARRY_H

#include <stdint.h>

struct carry_table;
struct snapshot;

/* Called per (zone, service, region) with its answers; region "" carries
 * the service's fail-open count (answers 0). */
typedef void carry_count_fn(void *arg, const char *zone, const char *svc, const char *region,
			    uint64_t answers, uint64_t fail_open);

struct carry_table *carry_table_new(void);
void carry_table_free(struct carry_table *t);

/* Keep the counts of a snapshot no worker can see any more. */
void carry_fold(struct carry_table *t, const struct snapshot *old);

/* fn for every (zone, service, region) of snap: its counts summed over the
 * workers, plus what replaced snapshots carried for the same names. */
void carry_service_counts(struct carry_table *t, const struct snapshot *snap, carry_count_fn *fn,
			  void *arg);

/* fn for every (zone, service, region) of snap, its own counts only. */
void snapshot_service_counts(const struct snapshot *snap, carry_count_fn *fn, void *arg);

#endif
