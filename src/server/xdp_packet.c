/*
 * xdp_packet.c - reading the frames the XDP program hands to geodnsd's
 * AF_XDP sockets and turning each into its reply in place (see
 * xdp_packet.h). No allocation, no system call: one frame at a time in
 * the UMEM.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server/xdp_packet.h"

#include "common/gd.h"

#include <netinet/in.h>
#include <string.h>

/* The one's-complement sum of len octets, big-endian 16-bit words. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += rd16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t xdp_udp_checksum(const uint8_t *src, const uint8_t *dst, size_t alen, const uint8_t *udp,
                          size_t udp_len)
{
	uint32_t sum = csum_add(0, src, alen);
	sum = csum_add(sum, dst, alen);
	sum += IPPROTO_UDP;
	sum += (uint32_t)udp_len;
	sum = csum_add(sum, udp, udp_len);
	uint16_t c = csum_fold(sum);
	return c ? c : 0xFFFF; /* 0 means "no checksum" in UDP over IPv4 */
}

static void set_addr(struct sockaddr_storage *ss, int family, const uint8_t *a, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, a, 4);
		in->sin_port = htons(port);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, a, 16);
		in6->sin6_port = htons(port);
	}
}

int xdp_parse(const uint8_t *frame, size_t len, struct xdp_pkt *p)
{
	if (len < XDP_ETH_LEN)
		return -1;
	uint16_t type = rd16(frame + 12);
	const uint8_t *ip = frame + XDP_ETH_LEN;
	size_t avail = len - XDP_ETH_LEN, udp_off;
	const uint8_t *src, *dst;
	if (type == 0x0800) {
		if (avail < XDP_IP4_LEN || ip[0] != 0x45 || ip[9] != IPPROTO_UDP ||
		    (rd16(ip + 6) & 0x3FFF))
			return -1;
		size_t total = rd16(ip + 2);
		if (total < XDP_IP4_LEN + XDP_UDP_LEN || total > avail)
			return -1;
		avail = total; /* an Ethernet frame may carry padding after it */
		p->family = AF_INET;
		src = ip + 12;
		dst = ip + 16;
		udp_off = XDP_IP4_LEN;
	} else if (type == 0x86DD) {
		if (avail < XDP_IP6_LEN || (ip[0] >> 4) != 6 || ip[6] != IPPROTO_UDP)
			return -1;
		size_t plen = rd16(ip + 4);
		if (plen < XDP_UDP_LEN || XDP_IP6_LEN + plen > avail)
			return -1;
		avail = XDP_IP6_LEN + plen;
		p->family = AF_INET6;
		src = ip + 8;
		dst = ip + 24;
		udp_off = XDP_IP6_LEN;
	} else {
		return -1;
	}
	const uint8_t *udp = ip + udp_off;
	size_t ulen = rd16(udp + 4);
	if (ulen < XDP_UDP_LEN || udp_off + ulen > avail)
		return -1;
	set_addr(&p->client, p->family, src, rd16(udp));
	set_addr(&p->local, p->family, dst, rd16(udp + 2));
	p->payload_off = XDP_ETH_LEN + udp_off + XDP_UDP_LEN;
	p->payload_len = ulen - XDP_UDP_LEN;
	return 0;
}

size_t xdp_reply(uint8_t *frame, const struct xdp_pkt *p, size_t payload_len)
{
	uint8_t tmp[16];
	/* Ethernet: back to where it came from */
	memcpy(tmp, frame, 6);
	memcpy(frame, frame + 6, 6);
	memcpy(frame + 6, tmp, 6);
	uint8_t *ip = frame + XDP_ETH_LEN;
	size_t alen = p->family == AF_INET ? 4 : 16;
	uint8_t *src = ip + (p->family == AF_INET ? 12 : 8);
	uint8_t *dst = src + alen;
	memcpy(tmp, src, alen);
	memcpy(src, dst, alen);
	memcpy(dst, tmp, alen);
	size_t ip_len = p->family == AF_INET ? XDP_IP4_LEN : XDP_IP6_LEN;
	uint8_t *udp = ip + ip_len;
	size_t ulen = XDP_UDP_LEN + payload_len;
	uint16_t sport = rd16(udp);
	wr16(udp, rd16(udp + 2));
	wr16(udp + 2, sport);
	wr16(udp + 4, (uint16_t)ulen);
	wr16(udp + 6, 0);
	if (p->family == AF_INET) {
		ip[1] = 0;   /* DSCP/ECN: none */
		wr16(ip + 2, (uint16_t)(XDP_IP4_LEN + ulen));
		wr16(ip + 4, 0);          /* identification: DF set, never fragmented */
		wr16(ip + 6, 0x4000);
		ip[8] = 64;
		wr16(ip + 10, 0);
		wr16(ip + 10, csum_fold(csum_add(0, ip, XDP_IP4_LEN)));
	} else {
		ip[0] = 0x60; /* traffic class and flow label: none */
		ip[1] = ip[2] = ip[3] = 0;
		wr16(ip + 4, (uint16_t)ulen);
		ip[7] = 64;
	}
	wr16(udp + 6, xdp_udp_checksum(src, dst, alen, udp, ulen));
	return XDP_ETH_LEN + ip_len + ulen;
}
