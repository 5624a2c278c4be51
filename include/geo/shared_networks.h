/*
 * shared_networks.h - the shared networks file (geoip.networks): network
 * overrides { "CIDR": "region" } for every geo service of every zone.
 *
 * The file is JSON (an object, the same as a service's "networks") or CSV
 * (a "CIDR,region" line each, blank lines and '#' comments allowed),
 * told apart by its first non-blank character ('{' is JSON). It is read at
 * start and at every full reload into one sorted list of networks, each
 * naming a region of the configuration; each service then takes the ones
 * naming its own regions into its trie (service.c), its own "networks"
 * winning for the same network. The list is only needed while services
 * are built: the snapshot keeps it for the zones built later (a zone
 * published alone, a secondary's copy), by reference.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_SHARED_NETWORKS_H
#define GD_SHARED_NETWORKS_H

#include <stddef.h>
#include <stdint.h>

struct diag;
struct netmap_entry;
struct region_table;

/* The most networks the file may hold (as a service's "networks"). */
#define SHARED_NETWORKS_MAX 10000

struct shared_networks {
	char *file;
	/* netmap_sort order, no network twice; tag is the region's index
	 * in the region table, value and mark zero */
	struct netmap_entry *nets;
	size_t n;
	/* of the networks and their regions, never 0: tells a changed list
	 * (zone_reuse, a secondary's copy) from an unchanged one */
	uint64_t digest;
	unsigned refs;
};

/*
 * Read and check the file at path against the configuration's regions rt.
 * Errors, each at file:line:column (JSON) or file:line (CSV): a bad
 * network, host bits set, a region not in rt, the same network twice in
 * any spelling (at the later one, naming the first), more than
 * SHARED_NETWORKS_MAX networks, a file that cannot be read or parsed.
 * NULL with every problem in diag; else the caller's reference
 * (shared_networks_free).
 */
struct shared_networks *shared_networks_load(const char *path, const struct region_table *rt,
                                             struct diag *diag);

/* Another reference to nets (NULL stays NULL); any thread. */
struct shared_networks *shared_networks_ref(struct shared_networks *nets);

/* Drop a reference; the last one frees. */
void shared_networks_free(struct shared_networks *nets);

/* The digest of the networks a region table carries, 0 for none. */
uint64_t shared_networks_digest(const struct region_table *rt);

#endif
