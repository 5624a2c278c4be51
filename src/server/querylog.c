/*
 * querylog.c - the sampled query log: one query in query_log_sample is a
 * candidate, and the server's budget of query_log_rate lines a second
 * decides; the answer path fills what the line prints only for those.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server_internal.h"

#include "common/gd.h"
#include "common/log.h"
#include "dns/dns.h"
#include "server/snapshot.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

void qlog_before(struct worker *w)
{
	w->aw.want_info = false;
	if (!w->qlog_rate)
		return;
	if (++w->qlog_count < w->qlog_sample)
		return;
	w->qlog_count = 0;
	/* one budget for every thread: a compare-and-swap only for a line
	 * that is taken (at most qlog_rate a second), a load otherwise */
	uint64_t sec = now_ms() / 1000;
	uint64_t *win = &w->srv->qlog_window;
	uint64_t cur = __atomic_load_n(win, __ATOMIC_RELAXED);
	for (;;) {
		uint64_t next;
		if (cur >> 24 != sec)
			next = sec << 24 | 1;
		else if ((cur & 0xFFFFFF) < w->qlog_rate)
			next = cur + 1;
		else
			return;
		if (__atomic_compare_exchange_n(win, &cur, next, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			break;
	}
	w->aw.want_info = true;
}

void qlog_after(struct worker *w, const struct snapshot *snap, bool tcp)
{
	if (!w->aw.want_info)
		return;
	const struct answer_info *in = &w->aw.info;
	char net[INET6_ADDRSTRLEN + 8] = "-", tb[16];
	if (in->family) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(in->family == 2 ? AF_INET6 : AF_INET, in->addr, a, sizeof(a));
		snprintf(net, sizeof(net), "%s/%u", a, in->prefix);
	}
	const char *region = in->region >= 0 && (size_t)in->region < snap->regions.n
				     ? snap->regions.regions[in->region].name
				     : "-";
	log_info("event=query proto=%s client=%s ecs=%s qname=%s qtype=%s region=%s rcode=%s",
		 tcp ? "tcp" : "udp", net, in->ecs ? "yes" : "no",
		 in->question ? in->qname : "-",
		 in->question ? dns_type_name(in->qtype, tb, sizeof(tb)) : "-", region,
		 dns_rcode_name(in->rcode));
	w->aw.want_info = false;
}
