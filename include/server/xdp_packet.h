/*
 * xdp_packet.h - the frames of the AF_XDP path: an Ethernet frame with a
 * UDP datagram in IPv4 (no options) or IPv6 (no extension headers) read,
 * and turned in place into its reply (MACs, addresses and ports swapped,
 * lengths set, the IPv4 header and UDP checksums computed).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_XDP_PACKET_H
#define GD_XDP_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define XDP_ETH_LEN 14
#define XDP_IP4_LEN 20
#define XDP_IP6_LEN 40
#define XDP_UDP_LEN 8

struct xdp_pkt {
	int family;                     /* AF_INET or AF_INET6 */
	size_t payload_off;             /* the DNS message */
	size_t payload_len;
	struct sockaddr_storage client; /* source address and port */
	struct sockaddr_storage local;  /* destination address and port */
};

/* Read frame (len octets as received): 0 with *p set, -1 for a frame that
 * is not a whole UDP datagram in IPv4 or IPv6 (the XDP program sends only
 * those; the lengths are checked here again). */
int xdp_parse(const uint8_t *frame, size_t len, struct xdp_pkt *p);

/* The reply in place: the DNS message of payload_len octets is already at
 * frame + p->payload_off. Returns the frame's length. */
size_t xdp_reply(uint8_t *frame, const struct xdp_pkt *p, size_t payload_len);

/* The Internet checksum (RFC 1071) of the UDP datagram at udp (udp_len
 * octets, its checksum field as it is) with the pseudo-header of the
 * addresses src and dst (4 or 16 octets each, alen). */
uint16_t xdp_udp_checksum(const uint8_t *src, const uint8_t *dst, size_t alen, const uint8_t *udp,
                          size_t udp_len);

#endif
