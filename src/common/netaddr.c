/*
 * netaddr.c - addresses and network prefixes (netaddr.h): socket addresses
 * into the ECS family convention, prefix lists, prefix parsing.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/netaddr.h"

#include "common/gd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

bool netprefix_list_match(const struct netprefix *list, size_t n, uint8_t family,
			  const uint8_t *addr)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].family == family && netaddr_in_prefix(addr, list[i].addr, list[i].bits))
			return true;
	return false;
}

bool netaddr_from_sockaddr(const struct sockaddr *sa, uint8_t *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	*family = ADDR_NONE;
	if (sa->sa_family == AF_INET) {
		*family = ADDR_IPV4;
		memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		*family = ADDR_IPV6;
		memcpy(addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	} else {
		return false;
	}
	return true;
}

uint16_t netaddr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

char *netaddr_sockaddr_str(const struct sockaddr *sa, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(buf, cap, "%s:%u", a, (unsigned)ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(buf, cap, "[%s]:%u", a, (unsigned)ntohs(in6->sin6_port));
	} else {
		snprintf(buf, cap, "?");
	}
	return buf;
}

int netprefix_parse(const char *s, struct netprefix *out)
{
	char buf[128];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	if (hl >= sizeof(buf))
		return GD_EINVAL;
	memcpy(buf, s, hl);
	buf[hl] = '\0';
	memset(out, 0, sizeof(*out));
	unsigned max;
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = ADDR_IPV4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = ADDR_IPV6;
		max = 128;
	} else {
		return GD_EINVAL;
	}
	unsigned long bits = max;
	if (slash) {
		char *end;
		if (!slash[1])
			return GD_EINVAL;
		if (slash[1 + strspn(slash + 1, "0123456789")] != '\0')
			return GD_EINVAL;
		bits = strtoul(slash + 1, &end, 10);
		if (*end || bits > max)
			return GD_EINVAL;
	}
	out->bits = (uint8_t)bits;
	for (unsigned b = (unsigned)bits; b < max; b++)
		if (out->addr[b / 8] & (0x80 >> (b % 8)))
			return GD_EINVAL; /* host bits set */
	return GD_OK;
}
