/*
 * acl.h - who may transfer a zone (zones[].transfer.allow): client networks,
 * each with an optional TSIG key the request must be signed with. The same
 * shape will decide whose NOTIFY a secondary zone accepts.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_XFR_ACL_H
#define GD_XFR_ACL_H

#include "common/netaddr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;
struct tsig_key;

struct xfr_acl_entry {
	struct netprefix net;
	uint8_t key[255]; /* lower-case wire name of the key; key_len 0: any */
	uint8_t key_len;
};

struct xfr_acl {
	struct xfr_acl_entry *entries; /* owned */
	size_t n;
};

/*
 * May client transfer? key is the TSIG key the request was signed with and
 * verified by (NULL: unsigned). True when an entry's network holds the
 * client's address and the entry names no key or names exactly key. An
 * empty list allows nobody.
 */
bool xfr_acl_allows(const struct xfr_acl *acl, const struct sockaddr *client,
                    const struct tsig_key *key);

#endif
