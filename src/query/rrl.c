/*
 * rrl.c - per-worker response rate limiting accounts (see rrl.h).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "query/rrl.h"

#include "common/counter.h"
#include "common/hash.h"
#include "common/netaddr.h"
#include "conf/config.h"
#include "query/cookie.h"
#include "common/gd.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int rrl_table_init(struct rrl_table *t, size_t size)
{
	size_t n = 64;
	while (n < size)
		n <<= 1;
	t->entries = NULL;
	t->limited = t->slipped = t->dropped = 0;
	if (cookie_secret_generate(t->key) != GD_OK)
		return GD_EIO;
	t->entries = xcalloc_resident(n, sizeof(struct rrl_entry));
	t->mask = n - 1;
	return GD_OK;
}

void rrl_table_free(struct rrl_table *t)
{
	free(t->entries);
	t->entries = NULL;
}

bool rrl_exempt(const struct rrl_config *c, int family, const uint8_t *addr)
{
	return netprefix_list_match(c->exempt, c->nexempt, (uint8_t)family, addr);
}

enum rrl_verdict rrl_account(struct rrl_table *t, const struct rrl_config *c, int family,
			     const uint8_t *addr, enum rrl_kind kind, const uint8_t *name,
			     size_t name_len, uint32_t now)
{
	if (!c->rate || !t->entries)
		return RRL_PASS;
	/* the account: family, kind, client network, name - one SipHash under
	 * the table's secret key, so that no one can choose addresses or names
	 * whose accounts land in the entry of another (a collision takes the
	 * entry over and restarts its balance: chosen collisions would let a
	 * flood towards a spoofed victim pass unlimited) */
	uint8_t in[2 + 16 + 255];
	size_t alen = family == 2 ? 16 : 4;
	unsigned bits = family == 2 ? c->ipv6_prefix : c->ipv4_prefix;
	if (bits > alen * 8)
		bits = (unsigned)alen * 8;
	in[0] = (uint8_t)family;
	in[1] = (uint8_t)kind;
	memset(in + 2, 0, alen);
	memcpy(in + 2, addr, bits / 8);
	if (bits % 8)
		in[2 + bits / 8] = (uint8_t)(addr[bits / 8] & (0xFF << (8 - bits % 8)));
	size_t n = 2 + alen;
	if (name) {
		size_t nl = name_len < 255 ? name_len : 255; /* a wire name is at most 255 */
		memcpy(in + n, name, nl);
		n += nl;
	}
	uint64_t h = siphash24(t->key, in, n) | 1; /* never 0: 0 marks a free entry */
	struct rrl_entry *e = &t->entries[h & t->mask];
	int32_t rate = (int32_t)c->rate;
	/* credits accrue at `rate` a second up to `window` seconds worth (the
	 * burst a quiet client may send); limited responses cost nothing, so
	 * a flood is answered at exactly the configured rate */
	int64_t cap = (int64_t)c->rate * (c->window ? c->window : 1);
	if (e->key != h) {
		/* a new account (or a collision taking the slot over) */
		e->key = h;
		e->balance = rate;
		e->second = now;
		e->slips = 0;
	} else if (now != e->second) {
		uint32_t elapsed = now - e->second; /* serial arithmetic */
		int64_t b = (int64_t)e->balance + (int64_t)elapsed * rate;
		e->balance = (int32_t)(b > cap ? cap : b);
		e->second = now;
	}
	if (e->balance > 0) {
		e->balance--;
		return RRL_PASS;
	}
	CTR_INC(t->limited);
	if (c->log_only)
		return RRL_PASS;
	if (c->slip && ++e->slips % c->slip == 0) {
		CTR_INC(t->slipped);
		return RRL_SLIP;
	}
	CTR_INC(t->dropped);
	return RRL_DROP;
}
