/*
 * rrl.h - response rate limiting, in the style of BIND, NSD and Knot RRL.
 *
 * Responses are accounted per (client network, response kind, name): the
 * network is the client address cut to rrl.ipv4_prefix / ipv6_prefix; the
 * kinds are answers and NODATA (per qname), NXDOMAIN (per zone), referrals
 * (per zone) and errors. A new account holds responses_per_second credits;
 * credits accrue at that rate up to `window` seconds worth (the burst a
 * client that was quiet may send). A response without a credit is limited:
 * every slip-th limited response is sent truncated (TC=1, so a real client
 * retries over TCP), the others are dropped; limited responses cost no
 * credit, so a flood gets exactly the configured rate. TCP, exempt networks
 * and clients with a valid server cookie are never limited.
 *
 * Each worker has its own fixed-size table (rrl.table_size entries), so the
 * hot path takes no lock and allocates nothing; SO_REUSEPORT keeps a client
 * on one worker. An account's entry is chosen by SipHash-2-4 of (family,
 * kind, network, name) under a random key of the table (rrl_table_init),
 * so nobody outside can compute which accounts share an entry. Colliding
 * accounts take the entry over from each other (each restarts with a fresh
 * balance), which loosens limiting for them: with an unkeyed index an
 * attacker could interleave crafted accounts with a spoofed victim's and
 * keep its balance full; with the keyed one collisions are by chance only.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_RRL_H
#define GD_RRL_H

#include "query/cookie.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netprefix;

enum rrl_kind { RRL_ANSWER, RRL_NXDOMAIN, RRL_REFERRAL, RRL_ERROR };

enum rrl_verdict { RRL_PASS, RRL_SLIP, RRL_DROP };

struct rrl_config {
	unsigned rate;          /* responses per second per account; 0 = off */
	unsigned window;        /* seconds of credit an account may save up */
	unsigned slip;          /* every slip-th limited response TC; 0 = none */
	unsigned ipv4_prefix, ipv6_prefix;
	const struct netprefix *exempt;
	size_t nexempt;
	bool log_only;          /* account and count, but never limit */
	size_t table_size;      /* entries per worker (a power of two) */
};

struct rrl_entry {
	uint64_t key;
	int32_t balance;        /* credits: responses that may still pass */
	uint32_t second;        /* when the balance was last brought up to date */
	uint32_t slips;         /* limited responses so far, for the slip ratio */
};

struct rrl_table {
	struct rrl_entry *entries;
	size_t mask;
	uint8_t key[COOKIE_SECRET_LEN];     /* SipHash key of the index, random */
	uint64_t limited, slipped, dropped; /* counters (read by the scraper) */
};

/* Allocate a worker's table (size rounded up to a power of two) with a
 * fresh random index key (cookie_secret_generate). GD_OK, or GD_EIO with
 * no table when the kernel gives no randomness. */
int rrl_table_init(struct rrl_table *t, size_t size);
void rrl_table_free(struct rrl_table *t);

/*
 * Account one response and decide. family 1/2 and addr give the client;
 * name (lower-case wire, may be NULL) the qname or zone for the kind; now is
 * the current second. Updates the table's counters.
 */
enum rrl_verdict rrl_account(struct rrl_table *t, const struct rrl_config *c, int family,
			     const uint8_t *addr, enum rrl_kind kind, const uint8_t *name,
			     size_t name_len, uint32_t now);

/* Is the address (family 1/2) in the exempt list? */
bool rrl_exempt(const struct rrl_config *c, int family, const uint8_t *addr);

#endif
