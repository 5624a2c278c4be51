/*
 * acl.c - the transfer access list: a network match, then the key.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "xfr/acl.h"

#include "dns/tsig.h"
#include "dns/wire.h"

bool xfr_acl_allows(const struct xfr_acl *acl, const struct sockaddr *client,
                    const struct tsig_key *key)
{
	uint8_t family, addr[16];
	if (!acl || !client || !netaddr_from_sockaddr(client, &family, addr))
		return false;
	for (size_t i = 0; i < acl->n; i++) {
		const struct xfr_acl_entry *e = &acl->entries[i];
		if (e->net.family != family || !netaddr_in_prefix(addr, e->net.addr, e->net.bits))
			continue;
		if (e->key_len == 0 || (key && wire_name_equal(e->key, key->name)))
			return true;
	}
	return false;
}
