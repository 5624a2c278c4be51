/*
 * netmap.c - network overrides: a path-compressed binary trie per address
 * family, built once from the sorted networks, walked once per lookup.
 *
 * A node is a prefix: a network of the map, or the point where two groups
 * of networks part (so at most two nodes per network). Its `below` set has
 * a bit for every value of the networks at it and under it. A lookup walks
 * the client's bits from the root; every subtree it leaves aside holds
 * networks that share a known number of leading bits with the client, and
 * that number plus one is the prefix of the client that excludes them. The
 * scope is the largest of those over the subtrees holding a value other
 * than the outcome's (any value when no network matched).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "geo/netmap.h"

#include "common/gd.h"
#include "common/netaddr.h"

#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

struct nm_node {
	uint8_t addr[16];
	uint8_t bits;      /* the node's prefix length */
	bool has_net;      /* the prefix is a network of the map */
	uint8_t value;     /* its value */
	uint8_t mark;      /* its entry's mark */
	uint32_t child[2]; /* by the bit after the prefix; NONE */
	uint64_t below;    /* values at and under this node */
};

struct netmap {
	struct nm_node *nodes;
	size_t nnodes;
	uint32_t root[2]; /* IPv4, IPv6 */
	size_t count;
};

static unsigned family_bits(uint8_t family)
{
	return family == 2 ? 128u : 32u;
}

static bool bit_at(const uint8_t *a, unsigned i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

/* Leading bits a and b share, at most limit. */
static unsigned common_bits(const uint8_t *a, const uint8_t *b, unsigned limit)
{
	unsigned n = 0;
	for (unsigned i = 0; i < 16 && n < limit; i++) {
		uint8_t x = a[i] ^ b[i];
		if (x) {
			n += (unsigned)__builtin_clz((unsigned)x) - 24;
			break;
		}
		n += 8;
	}
	return n < limit ? n : limit;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct netmap_entry *a = pa, *b = pb;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	int c = memcmp(a->addr, b->addr, 16);
	if (c)
		return c;
	return a->bits < b->bits ? -1 : a->bits > b->bits;
}

void netmap_sort(struct netmap_entry *e, size_t n)
{
	qsort(e, n, sizeof(*e), entry_cmp);
}

bool netmap_same_network(const struct netmap_entry *a, const struct netmap_entry *b)
{
	return entry_cmp(a, b) == 0;
}

bool netmap_parse_network(const char *key, struct netmap_entry *e, char *why, size_t cap)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char host[64];
	const char *slash = strchr(key, '/');
	size_t hl = slash ? (size_t)(slash - key) : strlen(key);
	memset(e, 0, sizeof(*e));
	unsigned max;
	if (hl < sizeof(host)) {
		memcpy(host, key, hl);
		host[hl] = '\0';
	}
	if (hl < sizeof(host) && inet_pton(AF_INET, host, e->addr) == 1) {
		e->family = ADDR_IPV4;
		max = 32;
	} else if (hl < sizeof(host) && inet_pton(AF_INET6, host, e->addr) == 1) {
		e->family = ADDR_IPV6;
		max = 128;
	} else {
		snprintf(why, cap, "not a network such as 192.0.2.0/24 or 2001:db8::/32");
		return false;
	}
	unsigned long bits = max;
	if (slash) {
		const char *d = slash + 1;
		size_t nd = strspn(d, "0123456789");
		if (nd == 0 || d[nd] || nd > 3) {
			snprintf(why, cap, "\"%s\" is not a prefix length", d);
			return false;
		}
		bits = strtoul(d, NULL, 10);
		if (bits > max) {
			snprintf(why, cap, "prefix length /%lu is over /%u", bits, max);
			return false;
		}
	}
	e->bits = (uint8_t)bits;
	uint8_t net[16];
	memcpy(net, e->addr, 16);
	for (unsigned b = e->bits; b < 128; b++)
		net[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
	if (memcmp(net, e->addr, 16) != 0) {
		char text[INET6_ADDRSTRLEN];
		inet_ntop(e->family == ADDR_IPV4 ? AF_INET : AF_INET6, net, text, sizeof(text));
		snprintf(why, cap, "host bits set: the network would be %s/%u", text, e->bits);
		return false;
	}
	if (e->family == ADDR_IPV6 && e->bits >= 96 && memcmp(e->addr, mapped, 12) == 0) {
		e->family = ADDR_IPV4;
		e->bits = (uint8_t)(e->bits - 96);
		memmove(e->addr, e->addr + 12, 4);
		memset(e->addr + 4, 0, 12);
	}
	return true;
}

/* The subtree of n >= 1 sorted networks of one family; their node's index. */
static uint32_t build(struct netmap *m, const struct netmap_entry *e, size_t n)
{
	unsigned max = family_bits(e[0].family);
	/* sorted: what the first and last share, every one shares */
	unsigned p = common_bits(e[0].addr, e[n - 1].addr, max);
	for (size_t i = 0; i < n; i++)
		if (e[i].bits < p)
			p = e[i].bits;
	uint32_t idx = (uint32_t)m->nnodes++;
	struct nm_node *x = &m->nodes[idx];
	memset(x, 0, sizeof(*x));
	memcpy(x->addr, e[0].addr, 16);
	for (unsigned b = p; b < 128; b++)
		x->addr[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
	x->bits = (uint8_t)p;
	x->child[0] = x->child[1] = NONE;
	size_t start = 0;
	if (e[0].bits == p) {
		/* the network of the prefix itself sorts first (lowest address,
		 * then shortest) */
		x->has_net = true;
		x->value = e[0].value;
		x->mark = e[0].mark;
		x->below = 1ull << e[0].value;
		start = 1;
	}
	assert(start == 1 || n >= 2);
	if (start == n)
		return idx;
	assert(p < max);
	size_t k = start;
	while (k < n && !bit_at(e[k].addr, p))
		k++;
	uint64_t below = x->below;
	uint32_t c0 = k > start ? build(m, e + start, k - start) : NONE;
	uint32_t c1 = k < n ? build(m, e + k, n - k) : NONE;
	/* m->nodes did not move: sized for every node up front */
	x = &m->nodes[idx];
	x->child[0] = c0;
	x->child[1] = c1;
	if (c0 != NONE)
		below |= m->nodes[c0].below;
	if (c1 != NONE)
		below |= m->nodes[c1].below;
	x->below = below;
	return idx;
}

struct netmap *netmap_build(const struct netmap_entry *sorted, size_t n)
{
	struct netmap *m = xcalloc(1, sizeof(*m));
	m->nodes = xcalloc(2 * n + 1, sizeof(*m->nodes));
	m->root[0] = m->root[1] = NONE;
	m->count = n;
	size_t v4 = 0;
	while (v4 < n && sorted[v4].family == 1)
		v4++;
	for (size_t i = 0; i < n; i++) {
		assert(sorted[i].value < NETMAP_MAX_VALUE);
		assert(i == 0 || entry_cmp(&sorted[i - 1], &sorted[i]) < 0);
	}
	if (v4)
		m->root[0] = build(m, sorted, v4);
	if (n > v4)
		m->root[1] = build(m, sorted + v4, n - v4);
	assert(m->nnodes <= 2 * n);
	return m;
}

void netmap_free(struct netmap *m)
{
	if (!m)
		return;
	free(m->nodes);
	free(m);
}

size_t netmap_count(const struct netmap *m)
{
	return m ? m->count : 0;
}

/* A group of networks the walk left aside: the client's prefix length
 * that excludes them, and their values. */
struct aside {
	uint8_t len;
	uint64_t values;
};

void netmap_lookup(const struct netmap *m, uint8_t family, const uint8_t *addr, unsigned known,
                   struct netmap_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!m || (family != 1 && family != 2))
		return;
	unsigned max = family_bits(family);
	struct aside aside[2 * 129 + 1];
	unsigned naside = 0;
	const struct nm_node *best = NULL;
	uint32_t idx = m->root[family - 1];
	while (idx != NONE) {
		const struct nm_node *x = &m->nodes[idx];
		unsigned c = common_bits(addr, x->addr, x->bits);
		if (c < x->bits) {
			/* the client parts from every network here after c bits */
			aside[naside++] = (struct aside){(uint8_t)(c + 1), x->below};
			break;
		}
		if (x->has_net) {
			/* deeper is longer: the last one wins; one longer than
			 * the known bits only holds them */
			if (x->bits <= known)
				best = x;
			else
				aside[naside++] = (struct aside){x->bits, 1ull << x->value};
		}
		if (x->bits == max)
			break;
		bool b = bit_at(addr, x->bits);
		if (x->child[!b] != NONE)
			aside[naside++] =
			    (struct aside){(uint8_t)(x->bits + 1), m->nodes[x->child[!b]].below};
		idx = x->child[b];
	}
	uint64_t same = 0;
	if (best) {
		res->found = true;
		res->value = best->value;
		res->bits = best->bits;
		res->mark = best->mark;
		memcpy(res->addr, best->addr, 16);
		res->scope = best->bits;
		same = 1ull << best->value;
	}
	for (unsigned i = 0; i < naside; i++)
		if ((aside[i].values & ~same) && aside[i].len > res->scope)
			res->scope = aside[i].len;
	assert(res->scope <= max);
}
