/*
 * rrl.c - per-worker response rate limiting accounts (see rrl.h).
 */
#include "rrl.h"

#include "answer.h"
#include "config.h"
#include "gd.h"
#include "service.h"

#include <stdlib.h>
#include <sys/socket.h>

void rrl_table_init(struct rrl_table *t, size_t size)
{
	size_t n = 64;
	while (n < size)
		n <<= 1;
	t->entries = xcalloc_resident(n, sizeof(struct rrl_entry));
	t->mask = n - 1;
	t->limited = t->slipped = t->dropped = 0;
}

void rrl_table_free(struct rrl_table *t)
{
	free(t->entries);
	t->entries = NULL;
}

static bool in_prefix(const uint8_t *addr, const uint8_t *net, unsigned bits)
{
	for (unsigned b = 0; b < bits; b++) {
		uint8_t m = (uint8_t)(0x80 >> (b % 8));
		if ((addr[b / 8] & m) != (net[b / 8] & m))
			return false;
	}
	return true;
}

bool rrl_exempt(const struct rrl_config *c, int family, const uint8_t *addr)
{
	for (size_t i = 0; i < c->nexempt; i++) {
		const struct netprefix *p = &c->exempt[i];
		if ((p->family == AF_INET) == (family == 1) && in_prefix(addr, p->addr, p->bits))
			return true;
	}
	return false;
}

enum rrl_verdict rrl_account(struct rrl_table *t, const struct rrl_config *c, int family,
			     const uint8_t *addr, enum rrl_kind kind, const uint8_t *name,
			     size_t name_len, uint32_t now)
{
	if (!c->rate || !t->entries)
		return RRL_PASS;
	/* the account: client network, kind, name */
	unsigned bits = family == 2 ? c->ipv6_prefix : c->ipv4_prefix;
	uint64_t h = svc_client_hash(family, addr, bits) ^ ((uint64_t)kind << 56);
	for (size_t i = 0; name && i < name_len; i++)
		h = svc_mix(h ^ name[i]);
	h = svc_mix(h) | 1; /* never 0: 0 marks a free entry */
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
