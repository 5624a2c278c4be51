/*
 * xdp_maps.h - what geodnsd and its XDP program (xdp_dns.bpf.c) share: the
 * key of the map of addresses and ports answered on, and the map sizes.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_XDP_MAPS_H
#define GD_XDP_MAPS_H

#include <linux/types.h>

#define XDP_MAX_QUEUES 256 /* AF_XDP sockets of one interface */
#define XDP_MAX_ADDRS 1024 /* listen addresses on one interface */

/* A destination answered on: an address (all zero: every address of the
 * family, a wildcard listen address) and a UDP port, network order. */
struct xdp_dns_addr {
	__u8 family; /* 4 or 6 */
	__u8 pad;
	__u16 port;
	__u8 addr[16];
};

#endif
