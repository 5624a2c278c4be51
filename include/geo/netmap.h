/*
 * netmap.h - a service's network overrides ("networks": { "CIDR":
 * "region" }): the longest-prefix match of a client address among IPv4 and
 * IPv6 networks, and the ECS SCOPE that match (or its absence) depends on.
 *
 * Built once at load into a path-compressed binary trie per family (at
 * most two nodes per network); a lookup walks the client's bits once, so it
 * costs O(prefix bits) whatever the number of networks. Each node knows the
 * values (regions) below it, which is what the scope needs: the shortest
 * prefix of the client that holds no network answering otherwise.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_NETMAP_H
#define GD_NETMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Values are below this: a bit each in a 64-bit set (SERVICE_MAX_REGIONS). */
#define NETMAP_MAX_VALUE 64

/* One network and its value, as given. */
struct netmap_entry {
	uint8_t family;   /* 1 IPv4, 2 IPv6 (ECS family numbers) */
	uint8_t bits;     /* prefix length */
	uint8_t value;    /* < NETMAP_MAX_VALUE */
	uint8_t mark;     /* the caller's label, returned with a match (where
	                   * the network came from) */
	uint8_t addr[16]; /* host bits zero; IPv4 in the first four octets */
	uint32_t tag;     /* the caller's (e.g. its place in the file) */
};

/*
 * A network as written: "192.0.2.0/24", "2001:db8::/32" or a bare address
 * (a host); an IPv4-mapped IPv6 network (::ffff:0:0/96 and inside it) is
 * the IPv4 network it maps, as a mapped client is located. Fills family,
 * bits and addr of e (the rest zero); false with the reason in why (a bad
 * network, a bad prefix length, host bits set).
 */
bool netmap_parse_network(const char *text, struct netmap_entry *e, char *why, size_t cap);

struct netmap;

/* Order entries by family, address, then prefix length: the order
 * netmap_build needs; equal networks end up next to each other. */
void netmap_sort(struct netmap_entry *e, size_t n);

/* Do two entries name the same network? */
bool netmap_same_network(const struct netmap_entry *a, const struct netmap_entry *b);

/* The map of n sorted entries (netmap_sort), no network twice. The caller
 * owns the result (netmap_free); the entries are copied. */
struct netmap *netmap_build(const struct netmap_entry *sorted, size_t n);
void netmap_free(struct netmap *m);

/* How many networks the map holds. */
size_t netmap_count(const struct netmap *m);

struct netmap_result {
	bool found;       /* a network holds the client */
	uint8_t value;    /* its value */
	uint8_t bits;     /* its prefix length */
	uint8_t mark;     /* its entry's mark */
	uint8_t addr[16]; /* its address */
	/*
	 * The shortest prefix of the client whose every address gets the
	 * same outcome (this network's value, or no network): at least bits,
	 * and past every network inside the client's network that answers
	 * otherwise - one of another value, or for no match any network. A
	 * network of the same value inside the match is left out: its
	 * clients get the same region first, the same answer. A network
	 * longer than the known bits that holds the client's known bits
	 * counts with its whole length (SCOPE > SOURCE: "ask with more").
	 */
	uint8_t scope;
};

/*
 * The longest network of m holding the first `known` bits of addr
 * (family 1 or 2; networks longer than known are never matched: those bits
 * are unknown, as with an ECS SOURCE), and the scope of that outcome.
 */
void netmap_lookup(const struct netmap *m, uint8_t family, const uint8_t *addr, unsigned known,
                   struct netmap_result *res);

#endif
