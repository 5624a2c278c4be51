/*
 * explain.c - the answer a client gets for a service name, and why.
 *
 * Two halves that must agree. The answers are the real ones: a query is
 * built for the name (A, then AAAA; with an ECS option when asked) and
 * given to answer_query with the current snapshot and health, as a worker
 * would (over "TCP" so neither truncation nor rate limiting interferes;
 * answer cache off; a worker of its own, so no counter moves). The why is
 * computed by the functions that answer uses: the reserved networks of
 * query/geo_answer.c, geo_find and geo_decode, netmap_lookup (the network
 * overrides), svc_rank (the order the workers' caches hold),
 * svc_region_state and svc_choose_client. The
 * addresses the why chose are checked against the answer: a difference
 * is reported as an error, never hidden.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/explain.h"

#include "common/gd.h"
#include "common/netaddr.h"
#include "common/strbuf.h"
#include "dns/dns.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "geo/geo.h"
#include "geo/netmap.h"
#include "geo/service.h"
#include "health/health.h"
#include "query/answer.h"
#include "server/net.h"
#include "server/snapshot.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* The client as the answer code sees it. */
struct explain_client {
	uint8_t family;   /* 1 IPv4, 2 IPv6 */
	uint8_t addr[16]; /* the address that decides: the source's or ecs */
	uint8_t ecs[16];  /* the network sent as ECS (masked) */
	struct sockaddr_storage source;
	bool ecs_sent;       /* the query carries ECS */
	unsigned ecs_source; /* its SOURCE PREFIX-LENGTH */
	bool use_ecs;        /* and the answer uses it */
};

/* Clear the bits of a 16-octet address from bit "from" on. */
static void clear_bits(uint8_t *addr, unsigned from)
{
	for (unsigned i = from; i < 128; i++)
		addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

static int parse_client(const char *text, const char *ecs, struct explain_client *c,
                        struct strbuf *err)
{
	memset(c, 0, sizeof(*c));
	struct sockaddr_in *s4 = (struct sockaddr_in *)&c->source;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&c->source;
	if (inet_pton(AF_INET, text, c->addr) == 1) {
		c->family = ADDR_IPV4;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(53000);
		memcpy(&s4->sin_addr, c->addr, 4);
	} else if (inet_pton(AF_INET6, text, c->addr) == 1) {
		c->family = ADDR_IPV6;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(53000);
		memcpy(&s6->sin6_addr, c->addr, 16);
		/* located as the IPv4 address it is, as the answer does */
		if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)c->addr)) {
			c->family = ADDR_IPV4;
			memmove(c->addr, c->addr + 12, 4);
			memset(c->addr + 4, 0, 12);
		}
	} else {
		sb_printf(err, "%s is not an IPv4 or IPv6 address\n", text);
		return -1;
	}
	if (!ecs)
		return 0;
	char *end;
	errno = 0;
	unsigned long bits = strtoul(ecs, &end, 10);
	unsigned max = c->family == ADDR_IPV6 ? 128 : 32;
	if (!*ecs || *end || errno || bits > max) {
		sb_printf(err, "the ECS prefix %s is not a number from 0 to %u\n", ecs, max);
		return -1;
	}
	c->ecs_sent = true;
	c->ecs_source = (unsigned)bits;
	memcpy(c->ecs, c->addr, 16);
	clear_bits(c->ecs, c->ecs_source);
	return 0;
}

/* A query for lname (lower-case wire) and qtype, with c's ECS option. */
static size_t build_query(uint8_t *q, const uint8_t *lname, size_t len, uint16_t qtype,
                          const struct explain_client *c)
{
	static const uint8_t head[12] = {0x47, 0x44, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
	size_t n = 0;
	memcpy(q, head, 12);
	n = 12;
	memcpy(q + n, lname, len);
	n += len;
	q[n++] = (uint8_t)(qtype >> 8);
	q[n++] = (uint8_t)qtype;
	q[n++] = 0;
	q[n++] = CLASS_IN;
	if (!c->ecs_sent)
		return n;
	q[11] = 1; /* ARCOUNT: the OPT record */
	unsigned abytes = (c->ecs_source + 7) / 8;
	static const uint8_t opt[9] = {0, 0, TYPE_OPT, 0x04, 0xd0, 0, 0, 0, 0};
	memcpy(q + n, opt, 9);
	n += 9;
	q[n++] = 0;
	q[n++] = (uint8_t)(8 + abytes); /* RDLENGTH */
	q[n++] = 0;
	q[n++] = EDNS_OPT_ECS;
	q[n++] = 0;
	q[n++] = (uint8_t)(4 + abytes);
	q[n++] = 0;
	q[n++] = c->family;
	q[n++] = (uint8_t)c->ecs_source;
	q[n++] = 0; /* SCOPE */
	memcpy(q + n, c->ecs, abytes);
	return n + abytes;
}

/* The ECS SCOPE of a response's OPT record, or -1 when it has none. */
static int response_scope(const ldns_pkt *p)
{
	const ldns_rdf *d = ldns_pkt_edns_data(p);
	const uint8_t *o = d ? ldns_rdf_data(d) : NULL;
	size_t len = d ? ldns_rdf_size(d) : 0;
	for (size_t i = 0; i + 4 <= len;) {
		unsigned code = (unsigned)(o[i] << 8 | o[i + 1]);
		size_t ol = (size_t)(o[i + 2] << 8 | o[i + 3]);
		if (i + 4 + ol > len)
			break;
		if (code == EDNS_OPT_ECS && ol >= 4)
			return o[i + 7];
		i += 4 + ol;
	}
	return -1;
}

/*
 * Ask the answer code: the response to qtype, its records into out, and
 * the addresses of type qtype among them (presentation form, one per line)
 * into addrs. -1 when there was no response.
 */
static int ask(const struct snapshot *snap, const struct health_snapshot *hs, const uint8_t *lname,
               size_t len, uint16_t qtype, const struct explain_client *c, struct strbuf *out,
               struct strbuf *addrs)
{
	uint8_t q[512];
	size_t qlen = build_query(q, lname, len, qtype, c);
	struct answer_settings set = snap->settings;
	set.ecs_trust_all = true; /* ECS as from a resolver allowed to send it */
	set.answer_cache_off = true;
	struct answer_worker aw;
	memset(&aw, 0, sizeof(aw));
	aw.id = UINT_MAX; /* no per-service counter row */
	struct answer_request req = {q, qlen, true, (const struct sockaddr *)&c->source, hs};
	uint8_t *resp = malloc(ANSWER_BUF_SIZE);
	size_t n = resp ? answer_query(snap->db, &set, &req, resp, ANSWER_BUF_SIZE, &aw) : 0;
	ldns_pkt *p = NULL;
	if (!n || ldns_wire2pkt(&p, resp, n) != LDNS_STATUS_OK) {
		free(resp);
		return -1;
	}
	free(resp);
	char *rcode = ldns_pkt_rcode2str(ldns_pkt_get_rcode(p));
	int scope = response_scope(p);
	sb_printf(out, "%s answer: %s", qtype == TYPE_AAAA ? "AAAA" : "A", rcode ? rcode : "?");
	free(rcode);
	if (scope >= 0)
		sb_printf(out, ", ECS scope /%d", scope);
	sb_puts(out, "\n");
	ldns_rr_list *an = ldns_pkt_answer(p);
	if (ldns_rr_list_rr_count(an) == 0)
		sb_puts(out, "  (no records)\n");
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		char *text = ldns_rr2str(rr);
		for (char *t = text; t && *t; t++)
			if (*t == '\t' || *t == '\n')
				*t = *t == '\t' ? ' ' : '\0';
		sb_printf(out, "  %s\n", text ? text : "?");
		free(text);
		const ldns_rdf *owner = ldns_rr_owner(rr);
		bool at_name =
		    ldns_rdf_size(owner) == len && wire_name_equal(ldns_rdf_data(owner), lname);
		if (at_name && ldns_rr_get_type(rr) == (ldns_rr_type)qtype &&
		    ldns_rr_rd_count(rr) == 1) {
			char *a = ldns_rdf2str(ldns_rr_rdf(rr, 0));
			sb_printf(addrs, "%s\n", a ? a : "?");
			free(a);
		}
	}
	ldns_pkt_free(p);
	return 0;
}

/* The service of name in the zone of db that answers it, or NULL with
 * the reason in err. */
static const struct service *find_service(const struct zonedb *db, const uint8_t *lname, size_t len,
                                          const struct zone **zone, struct strbuf *err,
                                          const char *name)
{
	const struct zone *best = NULL;
	for (size_t i = 0; i < db->count; i++) {
		const struct zone *z = db->zones[i];
		if (wire_name_is_sub(lname, z->origin) &&
		    (!best || z->origin_len > best->origin_len))
			best = z;
	}
	if (!best) {
		sb_printf(err, "%s is in no zone served here (the answer is REFUSED)\n", name);
		return NULL;
	}
	*zone = best;
	const struct node *n = zone_lookup(best, lname, len);
	if (!n || !(n->flags & NODE_SERVICE)) {
		sb_printf(err,
		          "%s is not a service name of zone %s: its answer does not "
		          "depend on the client\n",
		          name, best->origin_str);
		return NULL;
	}
	return n->service;
}

static void put_addr(struct strbuf *sb, uint8_t family, const uint8_t *addr, unsigned bits)
{
	char text[INET6_ADDRSTRLEN];
	inet_ntop(family == ADDR_IPV6 ? AF_INET6 : AF_INET, addr, text, sizeof(text));
	sb_puts(sb, text);
	if (bits < (family == ADDR_IPV6 ? 128u : 32u))
		sb_printf(sb, "/%u", bits);
}

/* Where the client is: its GeoIP record, or why it has none. *known: the
 * record gives a country, a continent or a point (else the fallback
 * leads, as rank_for does). */
static void explain_location(const struct snapshot *snap, const struct explain_client *c,
                             struct geo_location *loc, bool *known, struct strbuf *out)
{
	memset(loc, 0, sizeof(*loc));
	*known = false;
	unsigned bits, all = c->family == ADDR_IPV6 ? 128u : 32u;
	if (answer_reserved_network(c->family, c->addr, c->use_ecs ? c->ecs_source : all, &bits)) {
		uint8_t net[16];
		memcpy(net, c->addr, 16);
		clear_bits(net, bits);
		sb_puts(out, "geoip: reserved network ");
		put_addr(out, c->family, net, bits);
		sb_puts(out, ", never located\n");
		return;
	}
	/* (an ASN database alone locates nobody) */
	if (geo_files(snap->geo) == (geo_has_asn(snap->geo) ? 1u : 0u)) {
		sb_puts(out, "geoip: no database configured, location unknown\n");
		return;
	}
	struct geo_match m;
	geo_find(snap->geo, c->family == ADDR_IPV6 ? AF_INET6 : AF_INET, c->addr, &m);
	uint8_t net[16];
	memcpy(net, c->addr, 16);
	clear_bits(net, m.prefix);
	sb_puts(out, "geoip: network ");
	put_addr(out, c->family, net, m.prefix);
	if (!m.found) {
		sb_puts(out, ", no record: location unknown\n");
		return;
	}
	geo_decode(snap->geo, &m, loc);
	*known = loc->has_coords || loc->country[0] || loc->continent[0];
	sb_printf(out, ", country %s, continent %s", loc->country[0] ? loc->country : "-",
	          loc->continent[0] ? loc->continent : "-");
	if (loc->has_coords)
		sb_printf(out, ", location %.4f %.4f", loc->lat, loc->lon);
	sb_puts(out, *known ? "\n" : ": location unknown\n");
}

/* The override that put a region first, as rank_overrides applies them. */
static void explain_override(const struct service *svc, const struct region_table *rt,
                             const struct geo_location *loc, bool known, struct strbuf *out)
{
	if (known) {
		for (size_t i = 0; i < svc->ncountries; i++)
			if (strcmp(svc->countries[i].code, loc->country) == 0) {
				sb_printf(
				    out, "override: country %s -> %s\n", loc->country,
				    rt->regions[svc->regions[svc->countries[i].sr].region].name);
				return;
			}
		for (size_t i = 0; i < svc->ncontinents; i++)
			if (strcmp(svc->continents[i].code, loc->continent) == 0) {
				sb_printf(
				    out, "override: continent %s -> %s\n", loc->continent,
				    rt->regions[svc->regions[svc->continents[i].sr].region].name);
				return;
			}
	}
	sb_puts(out, "override: none\n");
}

/* One ranked region: distance, health, weight, the client's place. */
static void explain_region(const struct service *svc, const struct region_table *rt, unsigned rank,
                           unsigned sr, struct svc_client *sc, const struct health_snapshot *hs,
                           const double *from, bool chosen, struct strbuf *out)
{
	const struct service_region *r = &svc->regions[sr];
	const struct region *g = &rt->regions[r->region];
	struct svc_region_state st;
	svc_region_state(svc, sr, sc, hs, &st);
	sb_printf(out, "  %u. %s", rank, g->name);
	if (from)
		sb_printf(out, " %.0f km", geo_distance_km(from[0], from[1], g->lat, g->lon));
	if (!st.up)
		sb_puts(out, ": down");
	else if (!st.usable)
		sb_puts(out, ": up, no healthy endpoint");
	else
		sb_printf(out, ": up, weight %u (service %u, feed %u)", st.weight, r->weight,
		          st.feed_weight);
	if (r->cname)
		sb_puts(out, ", cname");
	else
		sb_printf(out, ", healthy A %u/%u AAAA %u/%u", st.healthy_a, r->na, st.healthy_aaaa,
		          r->naaaa);
	if (st.usable && st.weight > 0 && st.weight < 100)
		sb_printf(out, ", client %u %s %u", st.bucket,
		          st.bucket < st.weight ? "<" : ">=", st.weight);
	sb_puts(out, chosen ? " <- chosen\n" : "\n");
}

/* What the explanation decided, for the check against the answers. */
struct explain_ctx {
	const struct snapshot *snap;
	const struct health_snapshot *hs;
	const struct service *svc;
	const struct explain_client *c;
	uint8_t order[SERVICE_MAX_REGIONS];
	unsigned n;
	unsigned hprefix;
};

/* The network override that holds the client (the longest), and the
 * prefix of the client it holds for alike; its region goes first in
 * x->order. */
static bool explain_network(struct explain_ctx *x, struct strbuf *out)
{
	const struct explain_client *c = x->c;
	const struct service *svc = x->svc;
	if (!svc->networks)
		return false;
	unsigned all = c->family == ADDR_IPV6 ? 128u : 32u;
	struct netmap_result net;
	netmap_lookup(svc->networks, c->family, c->addr, c->use_ecs ? c->ecs_source : all, &net);
	uint8_t mine[16];
	memcpy(mine, c->addr, 16);
	clear_bits(mine, net.scope);
	if (net.found) {
		uint8_t order[SERVICE_MAX_REGIONS];
		memcpy(order, x->order, x->n);
		x->n = svc_order_first(net.value, order, x->n, x->order);
		sb_puts(out, "network override: ");
		put_addr(out, c->family, net.addr, net.bits);
		sb_printf(out, " (%s) -> %s",
		          net.mark == SVC_NETWORK_SHARED ? "geoip.networks"
		                                         : "service \"networks\"",
		          x->snap->regions.regions[svc->regions[net.value].region].name);
	} else {
		sb_printf(out, "network override: none of %zu holds the client",
		          netmap_count(svc->networks));
	}
	sb_puts(out, ", alike for ");
	put_addr(out, c->family, mine, net.scope);
	sb_printf(out, " (ECS scope at least /%u)\n", net.scope);
	return net.found;
}

/* With no network override: the client's AS number in the ASN database
 * and whether the service's "asns" name it (its region then goes first),
 * as geoanswer_service asks (never for a reserved network). */
static bool explain_asn(struct explain_ctx *x, struct strbuf *out)
{
	const struct explain_client *c = x->c;
	const struct service *svc = x->svc;
	unsigned bits, all = c->family == ADDR_IPV6 ? 128u : 32u;
	if (!svc->nasns ||
	    answer_reserved_network(c->family, c->addr, c->use_ecs ? c->ecs_source : all, &bits))
		return false;
	struct geo_asn a;
	geo_find_asn(x->snap->geo, c->family == ADDR_IPV6 ? AF_INET6 : AF_INET, c->addr, &a);
	uint8_t net[16];
	memcpy(net, c->addr, 16);
	clear_bits(net, a.prefix);
	if (!a.walked) {
		sb_puts(out, "asn override: none, no ASN database of the client's family\n");
		return false;
	}
	int sr = a.found ? svc_asn_region(svc, a.asn) : -1;
	if (sr >= 0) {
		uint8_t order[SERVICE_MAX_REGIONS];
		memcpy(order, x->order, x->n);
		x->n = svc_order_first((unsigned)sr, order, x->n, x->order);
		sb_printf(out, "asn override: AS%u (network ", a.asn);
		put_addr(out, c->family, net, a.prefix);
		sb_printf(out, ") -> %s", x->snap->regions.regions[svc->regions[sr].region].name);
	} else if (a.found) {
		sb_printf(out, "asn override: none, AS%u (network ", a.asn);
		put_addr(out, c->family, net, a.prefix);
		sb_puts(out, ") not in the service's asns");
	} else {
		sb_puts(out, "asn override: none, no AS number for the network ");
		put_addr(out, c->family, net, a.prefix);
	}
	sb_printf(out, " (ECS scope at least /%u)\n", a.prefix);
	return sr >= 0;
}

static void explain_choice(struct explain_ctx *x, const struct geo_location *loc, bool known,
                           struct strbuf *out)
{
	const struct region_table *rt = &x->snap->regions;
	const struct service *svc = x->svc;
	double point[2];
	bool have_point = known && svc_location_point(loc, &point[0], &point[1]);
	if (known) {
		x->n = svc_rank(svc, rt, loc, x->order);
	} else {
		x->n = svc->nunknown;
		memcpy(x->order, svc->unknown_order, x->n);
	}
	bool by_network = explain_network(x, out);
	bool by_asn = !by_network && explain_asn(x, out);
	explain_override(svc, rt, loc, known, out);
	if (by_network || by_asn)
		sb_printf(out, "ranking: the %s override's %s first, then ",
		          by_network ? "network" : "asn",
		          rt->regions[svc->regions[x->order[0]].region].name);
	else
		sb_puts(out, "ranking: ");
	if (!have_point) {
		const struct region *fb = &rt->regions[svc->regions[svc->fallback].region];
		point[0] = fb->lat;
		point[1] = fb->lon;
		sb_printf(out, "the fallback %s first, the rest by distance from it\n", fb->name);
	} else {
		sb_printf(out, "by distance from %.4f %.4f\n", point[0], point[1]);
	}
	const struct explain_client *c = x->c;
	x->hprefix = c->family == ADDR_IPV6 ? x->snap->settings.hash_ipv6_prefix
	                                    : x->snap->settings.hash_ipv4_prefix;
	struct svc_client sc = {.family = c->family, .addr = c->addr, .prefix = x->hprefix};
	struct svc_choice choice;
	svc_choose_client(svc, x->order, x->n, &sc, TYPE_A, x->hs, &choice);
	for (unsigned i = 0; i < x->n; i++)
		explain_region(svc, rt, i + 1, x->order[i], &sc, x->hs, point,
		               &svc->regions[x->order[i]] == choice.sr, out);
	const char *name = rt->regions[choice.sr->region].name;
	if (choice.fail_open)
		sb_printf(out, "choice: %s, failing open: every region down or drained\n", name);
	else
		sb_printf(out, "choice: %s\n", name);
	if (choice.hashed) {
		uint8_t net[16];
		memcpy(net, c->addr, 16);
		clear_bits(net, x->hprefix);
		sb_puts(out, "hashed: the client network ");
		put_addr(out, c->family, net, x->hprefix);
		sb_puts(out, " decided a weight split or max_answers\n");
	}
}

/* The addresses svc_choose_client chose for qtype, one per line. */
static void chosen_addrs(const struct explain_ctx *x, uint16_t qtype, struct strbuf *sb)
{
	struct svc_client sc = {.family = x->c->family, .addr = x->c->addr, .prefix = x->hprefix};
	struct svc_choice ch;
	svc_choose_client(x->svc, x->order, x->n, &sc, qtype, x->hs, &ch);
	if (ch.sr->cname)
		return;
	for (unsigned i = 0; i < ch.n; i++) {
		char text[INET6_ADDRSTRLEN];
		inet_ntop(qtype == TYPE_AAAA ? AF_INET6 : AF_INET, ch.eps[i]->addr, text,
		          sizeof(text));
		sb_printf(sb, "%s\n", text);
	}
}

/* The client line: who the answer is for. */
static void explain_client(const struct explain_client *c, bool ecs_enabled, struct strbuf *out)
{
	sb_puts(out, "client: ");
	put_addr(out, c->family, c->addr, c->use_ecs ? c->ecs_source : 128);
	if (c->use_ecs)
		sb_puts(out, " (ECS from a resolver allowed to send it)\n");
	else if (c->ecs_sent)
		sb_puts(out, ecs_enabled ? " (ECS SOURCE 0: the source address decides)\n"
		                         : " (ECS ignored: ecs.enabled is false)\n");
	else
		sb_puts(out, " (the source address, no ECS)\n");
}

/* The answers to A and AAAA, each checked against the explanation. */
static int explain_answers(const struct explain_ctx *x, const uint8_t *lname, size_t len,
                           const char *name, struct strbuf *out, struct strbuf *err)
{
	static const uint16_t qtypes[] = {TYPE_A, TYPE_AAAA};
	int rc = 0;
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		struct strbuf got, want;
		sb_init(&got);
		sb_init(&want);
		if (ask(x->snap, x->hs, lname, len, qtypes[i], x->c, out, &got) < 0) {
			sb_printf(err, "the answer code gave no response for %s\n", name);
			rc = -1;
		}
		chosen_addrs(x, qtypes[i], &want);
		if (rc == 0 && strcmp(got.buf, want.buf) != 0) {
			sb_printf(err,
			          "the answer differs from the explanation's choice: "
			          "answered\n%schosen\n%s",
			          got.buf, want.buf);
			rc = -1;
		}
		sb_free(&got);
		sb_free(&want);
	}
	return rc;
}

int explain_answer(struct server *srv, const char *name, const char *client, const char *ecs_prefix,
                   struct strbuf *out, struct strbuf *err)
{
	uint8_t lname[WIRE_NAME_MAX];
	size_t len = tsig_name_from_text(name, lname);
	struct explain_client c;
	if (!len) {
		sb_printf(err, "%s is not a domain name\n", name);
		return -1;
	}
	if (parse_client(client, ecs_prefix, &c, err) < 0)
		return -1;
	struct explain_ctx x = {.c = &c};
	x.snap = server_snapshot_enter(srv);
	x.hs = server_health_current(srv);
	const struct zone *z = NULL;
	x.svc = find_service(x.snap->db, lname, len, &z, err, name);
	int rc = -1;
	if (x.svc) {
		/* SOURCE 0: "do not use my address", the source decides (RFC 7871) */
		c.use_ecs = c.ecs_sent && c.ecs_source > 0 && x.snap->settings.ecs_enabled;
		if (c.use_ecs)
			memcpy(c.addr, c.ecs, 16);
		sb_printf(out, "service: %s in zone %s, ttl %u, max_answers %u\n", x.svc->name_str,
		          z->origin_str, x.svc->ttl, x.svc->max_answers);
		explain_client(&c, x.snap->settings.ecs_enabled, out);
		struct geo_location loc;
		bool known;
		explain_location(x.snap, &c, &loc, &known, out);
		explain_choice(&x, &loc, known, out);
		rc = explain_answers(&x, lname, len, name, out, err);
	}
	server_snapshot_leave();
	return rc;
}
