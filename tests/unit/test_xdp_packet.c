/*
 * test_xdp_packet.c - the frames of the AF_XDP path: an IPv4 and an IPv6
 * query frame read (addresses, ports, the DNS message's place and length,
 * Ethernet padding left out) and turned into its reply (MACs, addresses
 * and ports swapped, lengths set, and checksums that verify: the one's
 * complement sum over the IPv4 header, and over the UDP datagram with its
 * pseudo-header, comes to 0xFFFF); frames the path must not answer
 * refused (IPv4 options, fragments, IPv6 extension headers, lengths that
 * do not hold, other protocols).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server/xdp_packet.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static const uint8_t client_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t server_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t dns[] = {0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                              0x00, 0x00, 0x00, 0x01, 'a',  0x00, 0x00, 0x01, 0x00,
                              0x01};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The one's complement sum (not folded to its complement) of octets. */
static uint32_t sum16(uint32_t s, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += get16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)s;
}

/* An Ethernet frame with the query from 198.51.100.7:40000 to
 * 192.0.2.53:53, and pad octets of Ethernet padding after it. */
static size_t frame4(uint8_t *f, size_t pad)
{
	memset(f, 0, 256);
	memcpy(f, server_mac, 6);
	memcpy(f + 6, client_mac, 6);
	put16(f + 12, 0x0800);
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + 8 + sizeof(dns)));
	put16(ip + 4, 0x1234);
	ip[8] = 63;
	ip[9] = IPPROTO_UDP;
	inet_pton(AF_INET, "198.51.100.7", ip + 12);
	inet_pton(AF_INET, "192.0.2.53", ip + 16);
	uint8_t *udp = ip + 20;
	put16(udp, 40000);
	put16(udp + 2, 53);
	put16(udp + 4, (uint16_t)(8 + sizeof(dns)));
	memcpy(udp + 8, dns, sizeof(dns));
	return 14 + 20 + 8 + sizeof(dns) + pad;
}

static size_t frame6(uint8_t *f)
{
	memset(f, 0, 256);
	memcpy(f, server_mac, 6);
	memcpy(f + 6, client_mac, 6);
	put16(f + 12, 0x86DD);
	uint8_t *ip = f + 14;
	ip[0] = 0x60;
	ip[1] = 0x0a; /* a traffic class and flow label, not echoed */
	put16(ip + 4, (uint16_t)(8 + sizeof(dns)));
	ip[6] = IPPROTO_UDP;
	ip[7] = 50;
	inet_pton(AF_INET6, "2001:db8::7", ip + 8);
	inet_pton(AF_INET6, "2001:db8::53", ip + 24);
	uint8_t *udp = ip + 40;
	put16(udp, 5353);
	put16(udp + 2, 53);
	put16(udp + 4, (uint16_t)(8 + sizeof(dns)));
	memcpy(udp + 8, dns, sizeof(dns));
	return 14 + 40 + 8 + sizeof(dns);
}

START_TEST(test_ipv4)
{
	uint8_t f[256];
	size_t len = frame4(f, 13); /* a short frame padded to 60+ octets */
	struct xdp_pkt p;
	ck_assert_int_eq(xdp_parse(f, len, &p), 0);
	ck_assert_int_eq(p.family, AF_INET);
	ck_assert_uint_eq(p.payload_off, 42);
	ck_assert_uint_eq(p.payload_len, sizeof(dns));
	const struct sockaddr_in *c = (const struct sockaddr_in *)&p.client;
	const struct sockaddr_in *l = (const struct sockaddr_in *)&p.local;
	char a[INET_ADDRSTRLEN];
	ck_assert_str_eq(inet_ntop(AF_INET, &c->sin_addr, a, sizeof(a)), "198.51.100.7");
	ck_assert_uint_eq(ntohs(c->sin_port), 40000);
	ck_assert_str_eq(inet_ntop(AF_INET, &l->sin_addr, a, sizeof(a)), "192.0.2.53");
	ck_assert_uint_eq(ntohs(l->sin_port), 53);

	/* a reply of 100 octets written where the query was */
	uint8_t answer[100];
	for (size_t i = 0; i < sizeof(answer); i++)
		answer[i] = (uint8_t)(i * 7 + 1);
	memcpy(f + p.payload_off, answer, sizeof(answer));
	size_t out = xdp_reply(f, &p, sizeof(answer));
	ck_assert_uint_eq(out, 14 + 20 + 8 + 100);
	ck_assert(!memcmp(f, client_mac, 6) && !memcmp(f + 6, server_mac, 6));
	const uint8_t *ip = f + 14;
	ck_assert_uint_eq(ip[0], 0x45);
	ck_assert_uint_eq(get16(ip + 2), 128);
	ck_assert_uint_eq(get16(ip + 6), 0x4000); /* DF, no fragment */
	ck_assert_uint_eq(ip[8], 64);
	ck_assert_uint_eq(ip[9], IPPROTO_UDP);
	ck_assert_str_eq(inet_ntop(AF_INET, ip + 12, a, sizeof(a)), "192.0.2.53");
	ck_assert_str_eq(inet_ntop(AF_INET, ip + 16, a, sizeof(a)), "198.51.100.7");
	ck_assert_uint_eq(fold(sum16(0, ip, 20)), 0xFFFF);
	const uint8_t *udp = ip + 20;
	ck_assert_uint_eq(get16(udp), 53);
	ck_assert_uint_eq(get16(udp + 2), 40000);
	ck_assert_uint_eq(get16(udp + 4), 108);
	ck_assert_uint_ne(get16(udp + 6), 0);
	uint32_t s = sum16(0, ip + 12, 8) + IPPROTO_UDP + 108;
	ck_assert_uint_eq(fold(sum16(s, udp, 108)), 0xFFFF);
	ck_assert(!memcmp(udp + 8, answer, sizeof(answer)));
}
END_TEST

START_TEST(test_ipv6)
{
	uint8_t f[256];
	size_t len = frame6(f);
	struct xdp_pkt p;
	ck_assert_int_eq(xdp_parse(f, len, &p), 0);
	ck_assert_int_eq(p.family, AF_INET6);
	ck_assert_uint_eq(p.payload_off, 62);
	ck_assert_uint_eq(p.payload_len, sizeof(dns));
	const struct sockaddr_in6 *c = (const struct sockaddr_in6 *)&p.client;
	char a[INET6_ADDRSTRLEN];
	ck_assert_str_eq(inet_ntop(AF_INET6, &c->sin6_addr, a, sizeof(a)), "2001:db8::7");
	ck_assert_uint_eq(ntohs(c->sin6_port), 5353);
	size_t out = xdp_reply(f, &p, 33); /* an odd length: the checksum's last octet */
	ck_assert_uint_eq(out, 14 + 40 + 8 + 33);
	const uint8_t *ip = f + 14;
	ck_assert_uint_eq(ip[0], 0x60);
	ck_assert_uint_eq(ip[1], 0);
	ck_assert_uint_eq(get16(ip + 4), 41);
	ck_assert_uint_eq(ip[6], IPPROTO_UDP);
	ck_assert_uint_eq(ip[7], 64);
	ck_assert_str_eq(inet_ntop(AF_INET6, ip + 8, a, sizeof(a)), "2001:db8::53");
	ck_assert_str_eq(inet_ntop(AF_INET6, ip + 24, a, sizeof(a)), "2001:db8::7");
	const uint8_t *udp = ip + 40;
	ck_assert_uint_eq(get16(udp), 53);
	ck_assert_uint_eq(get16(udp + 2), 5353);
	uint32_t s = sum16(0, ip + 8, 32) + IPPROTO_UDP + 41;
	ck_assert_uint_eq(fold(sum16(s, udp, 41)), 0xFFFF);
}
END_TEST

/* A datagram whose checksum comes to 0 is sent with 0xFFFF (0 would mean
 * "none" over IPv4): payload chosen to make the sum 0xFFFF. */
START_TEST(test_checksum_zero)
{
	uint8_t src[4] = {0, 0, 0, 0}, dst[4] = {0, 0, 0, 0};
	uint8_t udp[10] = {0, 0, 0, 0, 0, 10, 0, 0, 0, 0};
	/* pseudo sum: 17 + 10 + 10 (length field) = 37; make it 0xFFFF */
	put16(udp + 8, (uint16_t)(0xFFFF - 37));
	ck_assert_uint_eq(xdp_udp_checksum(src, dst, 4, udp, 10), 0xFFFF);
}
END_TEST

START_TEST(test_refused)
{
	uint8_t f[256];
	struct xdp_pkt p;
	size_t len = frame4(f, 0);
	ck_assert_int_eq(xdp_parse(f, 13, &p), -1);        /* no Ethernet header */
	ck_assert_int_eq(xdp_parse(f, 14 + 19, &p), -1);   /* half an IPv4 header */
	f[14] = 0x46;                                      /* IPv4 options */
	ck_assert_int_eq(xdp_parse(f, len, &p), -1);
	len = frame4(f, 0);
	put16(f + 14 + 6, 0x2000);                         /* more fragments */
	ck_assert_int_eq(xdp_parse(f, len, &p), -1);
	len = frame4(f, 0);
	put16(f + 14 + 6, 0x0001);                         /* a fragment's offset */
	ck_assert_int_eq(xdp_parse(f, len, &p), -1);
	len = frame4(f, 0);
	f[14 + 9] = IPPROTO_TCP;
	ck_assert_int_eq(xdp_parse(f, len, &p), -1);
	len = frame4(f, 0);
	ck_assert_int_eq(xdp_parse(f, len - 1, &p), -1);   /* IP length past the frame */
	put16(f + 14 + 20 + 4, (uint16_t)(8 + sizeof(dns) + 1)); /* UDP past the IP */
	ck_assert_int_eq(xdp_parse(f, len, &p), -1);
	put16(f + 14 + 20 + 4, 7);                         /* UDP shorter than its header */
	ck_assert_int_eq(xdp_parse(f, len, &p), -1);
	len = frame6(f);
	f[14 + 6] = 0;                                     /* a hop-by-hop header first */
	ck_assert_int_eq(xdp_parse(f, len, &p), -1);
	len = frame6(f);
	ck_assert_int_eq(xdp_parse(f, len - 1, &p), -1);
	len = frame6(f);
	put16(f + 12, 0x8100);                             /* a VLAN tag */
	ck_assert_int_eq(xdp_parse(f, len, &p), -1);
}
END_TEST

Suite *xdp_packet_suite(void)
{
	Suite *s = suite_create("xdp_packet");
	TCase *tc = tcase_create("frames");
	tcase_add_test(tc, test_ipv4);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_checksum_zero);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}
