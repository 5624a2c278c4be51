/*
 * xdp_dns.bpf.c - the XDP program of server.xdp (compiled with clang
 * -target bpf at build time, carried inside geodnsd): a UDP datagram for
 * the DNS port, to an address geodnsd answers on, goes to the AF_XDP
 * socket of the queue it arrived on; everything else - TCP, ICMP, other
 * ports and addresses, fragments, IPv4 options, IPv6 extension headers,
 * VLAN tags - passes to the kernel unchanged. A queue whose socket is gone
 * (geodnsd stopped or crashed) passes too: bpf_redirect_map's fallback is
 * XDP_PASS, so the interface never swallows DNS.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

#include "server/xdp_maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XDP_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

/* the addresses and ports answered on (an all-zero address: every one of
 * its family), filled by geodnsd from server.listen */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDP_MAX_ADDRS);
	__type(key, struct xdp_dns_addr);
	__type(value, __u8);
} addrs SEC(".maps");

/* libxdp's dispatcher: run order, and go on to the next program on PASS */
struct {
	__uint(priority, 20);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(geodnsd_xdp);

/* Is (family, daddr, port) answered on: the address itself, or every
 * address of its family on that port? */
static __always_inline int answered(struct xdp_dns_addr *key)
{
	if (bpf_map_lookup_elem(&addrs, key))
		return 1;
	__builtin_memset(key->addr, 0, sizeof(key->addr));
	return bpf_map_lookup_elem(&addrs, key) != 0;
}

SEC("xdp")
int geodnsd_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	struct xdp_dns_addr key = {0};
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > end || ip->ihl != 5 || ip->protocol != IPPROTO_UDP ||
		    (ip->frag_off & bpf_htons(0x3FFF)))
			return XDP_PASS;
		struct udphdr *udp = (void *)(ip + 1);
		if ((void *)(udp + 1) > end)
			return XDP_PASS;
		key.family = 4;
		key.port = udp->dest;
		__builtin_memcpy(key.addr, &ip->daddr, 4);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP)
			return XDP_PASS;
		struct udphdr *udp = (void *)(ip6 + 1);
		if ((void *)(udp + 1) > end)
			return XDP_PASS;
		key.family = 6;
		key.port = udp->dest;
		__builtin_memcpy(key.addr, &ip6->daddr, 16);
	} else {
		return XDP_PASS;
	}
	if (!answered(&key))
		return XDP_PASS;
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "Dual BSD/GPL";
