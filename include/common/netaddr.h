/*
 * netaddr.h - addresses and network prefixes as the answer path sees them:
 * one family convention (the IANA address family numbers that EDNS Client
 * Subnet carries: 1 IPv4, 2 IPv6) and one prefix match, used by the geo
 * answer (ECS trust, reserved networks), rate limiting (exempt networks)
 * and the configuration (prefix lists).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_NETADDR_H
#define GD_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sockaddr;

/* An address family as ECS writes it (RFC 7871 6); 0 when unknown. */
enum addr_family { ADDR_NONE = 0, ADDR_IPV4 = 1, ADDR_IPV6 = 2 };

/* A network: family, the address in network byte order (IPv4 in the first
 * four octets, the rest zero) and the prefix length. */
struct netprefix {
	uint8_t family; /* enum addr_family */
	uint8_t bits;
	uint8_t addr[16];
};

/* Does addr lie in net/bits? Both in network byte order. */
static inline bool netaddr_in_prefix(const uint8_t *addr, const uint8_t *net, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	if (memcmp(addr, net, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xFF << (8 - rest));
	return (addr[full] & mask) == (net[full] & mask);
}

/* Is the address in one of the n networks? */
bool netprefix_list_match(const struct netprefix *list, size_t n, uint8_t family,
			  const uint8_t *addr);

/* The address of an AF_INET or AF_INET6 socket address as family and 16
 * octets (IPv4 in the first four, the rest zero). False for other
 * families, with *family ADDR_NONE and addr zeroed. */
bool netaddr_from_sockaddr(const struct sockaddr *sa, uint8_t *family, uint8_t addr[16]);

/* The port of an AF_INET or AF_INET6 socket address, host order; 0 for
 * other families. */
uint16_t netaddr_port(const struct sockaddr *sa);

/* "192.0.2.53:53" or "[2001:db8::53]:53" of an AF_INET or AF_INET6
 * socket address into buf (cap octets; 64 hold any), "?" for another
 * family; always terminated. Returns buf. */
char *netaddr_sockaddr_str(const struct sockaddr *sa, char *buf, size_t cap);

/* Parse "192.0.2.0/24", "2001:db8::/32" or a bare address (a host
 * prefix). GD_EINVAL for anything else, a prefix longer than the family's
 * or host bits set below the prefix. */
int netprefix_parse(const char *s, struct netprefix *out);

#endif
