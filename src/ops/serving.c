/*
 * serving.c - what the operator sees of the serving side: its Prometheus
 * samples (queries, rcodes, ECS, cookies, caches, RRL, TCP and HTTP limits,
 * zone serials, answers per service and region with the counts carried
 * across reloads), the zone list of /status, and the endpoint check of the
 * admin API. It reads the server through its interface (server/net.h),
 * never its internals.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "ops/serving.h"

#include "common/counter.h"
#include "common/gd.h"
#include "dns/dns.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "geo/service.h"
#include "ops/carry.h"
#include "dnssec/key.h"
#include "dnssec/sign.h"
#include "geo/geo.h"
#include "ops/metrics.h"
#include "server/net.h"
#include "server/secondary.h"
#include "server/snapshot.h"
#include "xfr/journal.h"
#include "xfr/notify.h"
#include "zone/zone.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct emit_ctx {
	struct strbuf *sb;
	bool fail_open;
};

/* One sample of a service's counts (carried ones included). */
static void emit_cb(void *arg, const char *zone, const char *svc, const char *region,
		    uint64_t answers, uint64_t fail_open)
{
	struct emit_ctx *e = arg;
	if (e->fail_open && !region[0]) {
		const char *l[] = {"zone", zone, "service", svc, NULL};
		metrics_sample_u64(e->sb, "geodnsd_service_fail_open_total", l, fail_open);
	} else if (!e->fail_open && region[0]) {
		const char *l[] = {"zone", zone, "service", svc, "region", region, NULL};
		metrics_sample_u64(e->sb, "geodnsd_service_answers_total", l, answers);
	}
}

static bool endpoints_hold(const struct endpoint *eps, unsigned n, const uint8_t *addr, size_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (memcmp(eps[i].addr, addr, len) == 0)
			return true;
	return false;
}

bool serving_has_endpoint(struct server *srv, const uint8_t key[17])
{
	bool found = false;
	const struct zonedb *db = server_snapshot_enter(srv)->db;
	for (size_t z = 0; !found && z < db->count; z++) {
		const struct service_set *set = db->zones[z]->services;
		for (size_t s = 0; !found && set && s < set->n; s++) {
			const struct service *svc = &set->svcs[s];
			for (unsigned r = 0; !found && r < svc->nregions; r++) {
				const struct service_region *sr = &svc->regions[r];
				found = key[0] == 1
				            ? endpoints_hold(sr->a, sr->na, key + 1, 4)
				            : endpoints_hold(sr->aaaa, sr->naaaa, key + 1, 16);
			}
		}
	}
	server_snapshot_leave();
	return found;
}

/* The journal of each zone: differences kept and their bytes. */
static void journal_metrics(struct strbuf *sb, const struct snapshot *snap)
{
	size_t n = snap->db->count;
	size_t *v = xcalloc(n + 1, sizeof(size_t)), *b = xcalloc(n + 1, sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		journal_stats(snapshot_journal(snap, i), &v[i], &b[i]);
	metrics_family(sb, "geodnsd_journal_versions", "gauge",
		       "Differences kept in each zone's journal for IXFR.");
	for (size_t i = 0; i < n; i++) {
		const char *l[] = {"zone", snap->db->zones[i]->origin_str, NULL};
		metrics_sample_u64(sb, "geodnsd_journal_versions", l, v[i]);
	}
	metrics_family(sb, "geodnsd_journal_bytes", "gauge",
		       "Bytes of the differences kept in each zone's journal.");
	for (size_t i = 0; i < n; i++) {
		const char *l[] = {"zone", snap->db->zones[i]->origin_str, NULL};
		metrics_sample_u64(sb, "geodnsd_journal_bytes", l, b[i]);
	}
	free(v);
	free(b);
}

/* Zone transfers out by type and result. */
static void xfr_metrics(struct strbuf *sb, const struct server *srv)
{
	uint64_t xfr[XFR_TYPES][XFR_RESULTS];
	server_xfr_counts(srv, xfr);
	metrics_family(sb, "geodnsd_xfr_out_total", "counter",
		       "Zone transfer requests over TCP by type (AXFR, IXFR) and result: ok "
		       "(sent whole), refused (not in transfer.allow, or not a zone of ours), "
		       "notauth (TSIG: unknown key, bad MAC, bad time), limit "
		       "(server.transfers_out or transfers_out_per_client: SERVFAIL), aborted "
		       "(the client went away or stopped reading).");
	for (int t = 0; t < XFR_TYPES; t++) {
		for (int r = 0; r < XFR_RESULTS; r++) {
			const char *l[] = {"type", xfr_type_name(t), "result", xfr_result_name(r),
			                   NULL};
			metrics_sample_u64(sb, "geodnsd_xfr_out_total", l, xfr[t][r]);
		}
	}
	struct notify_counters nc;
	server_notify_counts(srv, &nc);
	metrics_family(sb, "geodnsd_notify_sent_total", "counter",
		       "NOTIFY messages out (RFC 1996) by result: ok (answered NOERROR), failed "
		       "(another rcode, a bad or missing TSIG, a send error), timeout (an "
		       "attempt unanswered), gave_up (no answer after every attempt).");
	const char *nr[][3] = {{"result", "ok", NULL},
	                       {"result", "failed", NULL},
	                       {"result", "timeout", NULL},
	                       {"result", "gave_up", NULL}};
	const uint64_t nv[] = {nc.sent, nc.failed, nc.timeout, nc.gave_up};
	for (size_t i = 0; i < ARRAY_SIZE(nv); i++)
		metrics_sample_u64(sb, "geodnsd_notify_sent_total", nr[i], nv[i]);
}

/* Online signing: signatures made, taken from the cache, refused. */
static void dnssec_metrics(struct strbuf *sb, const struct answer_counters *c)
{
	metrics_single(sb, "geodnsd_signatures_total", "counter",
	               "RRSIGs made for DO=1 answers of signed zones (per thread, each RRset "
	               "once per validity window).",
	               c->signatures);
	metrics_single(sb, "geodnsd_signature_cache_hits_total", "counter",
	               "RRSIGs taken from the thread's signature cache.", c->signature_cache_hits);
	metrics_single(sb, "geodnsd_signing_cap_hits_total", "counter",
	               "UDP answers truncated because the worker had made "
	               "server.signatures_per_second RRSIGs in that second.",
	               c->signing_cap_hits);
}

/* dnstap: messages queued for the collector, and dropped (queue full). */
static void dnstap_metrics(struct strbuf *sb, const struct answer_counters *c)
{
	metrics_single(sb, "geodnsd_dnstap_sent_total", "counter",
	               "dnstap messages (AUTH_QUERY, AUTH_RESPONSE) queued for the collector.",
	               c->dnstap_sent);
	metrics_single(sb, "geodnsd_dnstap_dropped_total", "counter",
	               "dnstap messages dropped because the thread's queue was full (the "
	               "collector slow or away).",
	               c->dnstap_dropped);
}

/* AF_XDP: replies sent from the XDP workers' sockets, frames dropped. */
static void xdp_metrics(struct strbuf *sb, const struct answer_counters *c)
{
	metrics_family(sb, "geodnsd_xdp_packets_total", "counter",
	               "Frames of the AF_XDP path (server.xdp): answered (a reply sent from "
	               "the XDP socket), dropped (malformed, or no answer).");
	const char *a[] = {"result", "answered", NULL}, *d[] = {"result", "dropped", NULL};
	metrics_sample_u64(sb, "geodnsd_xdp_packets_total", a, c->xdp_answered);
	metrics_sample_u64(sb, "geodnsd_xdp_packets_total", d, c->xdp_dropped);
}

/* When each GeoIP database in use was built (its metadata). */
static void geoip_metrics(struct strbuf *sb, const struct snapshot *snap)
{
	metrics_family(sb, "geodnsd_geoip_database_build_timestamp_seconds", "gauge",
	               "When each GeoIP database in use was built (its metadata).");
	for (size_t i = 0; i < geo_files(snap->geo); i++) {
		const char *l[] = {"database", geo_file_path(snap->geo, i), NULL};
		metrics_sample_u64(sb, "geodnsd_geoip_database_build_timestamp_seconds", l,
		                   geo_build_epoch(snap->geo, i));
	}
}

void serving_metrics(struct server *srv, const uint64_t http_limits[HTTP_LIMIT_COUNT],
		     struct strbuf *sb)
{
	struct answer_counters c;
	server_counters(srv, &c);
	metrics_family(sb, "geodnsd_queries_total", "counter", "DNS queries received by protocol.");
	const char *udp[] = {"protocol", "udp", NULL}, *tcp[] = {"protocol", "tcp", NULL};
	metrics_sample_u64(sb, "geodnsd_queries_total", udp, c.queries_udp);
	metrics_sample_u64(sb, "geodnsd_queries_total", tcp, c.queries_tcp);
	metrics_family(sb, "geodnsd_queries_by_qtype_total", "counter",
		       "DNS queries with a question, by qtype.");
	for (unsigned t = 0; t < 256; t++) {
		if (!c.qtype[t])
			continue;
		char buf[16];
		const char *l[] = {"qtype", dns_type_name(t, buf, sizeof(buf)), NULL};
		metrics_sample_u64(sb, "geodnsd_queries_by_qtype_total", l, c.qtype[t]);
	}
	metrics_family(sb, "geodnsd_responses_total", "counter", "Responses sent, by rcode.");
	for (unsigned r = 0; r < DNS_RCODES_COUNTED; r++) {
		if (!c.rcode[r] && r != 0)
			continue;
		const char *l[] = {"rcode", dns_rcode_name(r), NULL};
		metrics_sample_u64(sb, "geodnsd_responses_total", l, c.rcode[r]);
	}
	metrics_single(sb, "geodnsd_truncated_total", "counter",
		       "Responses sent with TC=1 because they did not fit.",
		       c.truncated);
	metrics_single(sb, "geodnsd_dropped_total", "counter",
		       "Packets dropped without a response (QR=1, short, unsendable).",
		       c.dropped);
	metrics_family(sb, "geodnsd_ecs_queries_total", "counter",
		       "Queries with EDNS Client Subnet: used for a geo answer, ignored, "
		       "malformed.");
	const char *eu[] = {"result", "used", NULL}, *ei[] = {"result", "ignored", NULL},
		   *em[] = {"result", "malformed", NULL};
	metrics_sample_u64(sb, "geodnsd_ecs_queries_total", eu, c.ecs_used);
	metrics_sample_u64(sb, "geodnsd_ecs_queries_total", ei, c.ecs_ignored);
	metrics_sample_u64(sb, "geodnsd_ecs_queries_total", em, c.ecs_malformed);
	metrics_family(sb, "geodnsd_cookie_queries_total", "counter",
		       "Queries with a DNS COOKIE option by what it held.");
	const char *k1[] = {"cookie", "client_only", NULL}, *k2[] = {"cookie", "valid", NULL},
		   *k3[] = {"cookie", "bad", NULL}, *k4[] = {"cookie", "malformed", NULL};
	metrics_sample_u64(sb, "geodnsd_cookie_queries_total", k1, c.cookie_client_only);
	metrics_sample_u64(sb, "geodnsd_cookie_queries_total", k2, c.cookie_valid);
	metrics_sample_u64(sb, "geodnsd_cookie_queries_total", k3, c.cookie_bad);
	metrics_sample_u64(sb, "geodnsd_cookie_queries_total", k4, c.cookie_malformed);
	metrics_single(sb, "geodnsd_geo_answers_total", "counter",
		       "Answers for service names.",
		       c.geo_answers);
	metrics_single(sb, "geodnsd_rank_cache_misses_total", "counter",
		       "Region rankings computed (per service and GeoIP record, per thread).",
		       c.rank_cache_miss);
	metrics_single(sb, "geodnsd_geo_cache_misses_total", "counter",
		       "GeoIP tree walks (client networks not in the thread's cache).",
		       c.geo_cache_miss);
	metrics_single(sb, "geodnsd_location_cache_misses_total", "counter",
		       "GeoIP records decoded and every region placed by distance from them.",
		       c.loc_cache_miss);
	metrics_single(sb, "geodnsd_answer_cache_hits_total", "counter",
		       "Responses replayed from the thread's answer cache (static, or geo "
		       "for the same client network and health).",
		       c.answer_cache_hit);
	dnssec_metrics(sb, &c);
	dnstap_metrics(sb, &c);
	xdp_metrics(sb, &c);
	metrics_single(sb, "geodnsd_coalesce_waits_total", "counter",
		       "Waits of a UDP or XDP thread, under load, for more queries to answer "
		       "with the few it had (server.coalesce_us).",
		       c.coalesce_waits);
	struct server_limit_counts lc;
	server_limit_counts(srv, &lc);
	uint64_t rl = lc.rrl_limited, rs = lc.rrl_slipped, rd = lc.rrl_dropped;
	metrics_family(sb, "geodnsd_rrl_responses_total", "counter",
		       "Responses over the rate limit: limited in all, of which slipped "
		       "(sent truncated) and dropped.");
	const char *ll[] = {"action", "limited", NULL}, *ls[] = {"action", "slipped", NULL},
		   *ld[] = {"action", "dropped", NULL};
	metrics_sample_u64(sb, "geodnsd_rrl_responses_total", ll, rl);
	metrics_sample_u64(sb, "geodnsd_rrl_responses_total", ls, rs);
	metrics_sample_u64(sb, "geodnsd_rrl_responses_total", ld, rd);
	metrics_single(sb, "geodnsd_tcp_connections_open", "gauge",
		       "TCP connections open.",
		       c.tcp_accepted - c.tcp_closed);
	metrics_single(sb, "geodnsd_tcp_connections_total", "counter",
		       "TCP connections accepted.",
		       c.tcp_accepted);
	metrics_single(sb, "geodnsd_tcp_connections_evicted_total", "counter",
		       "TCP connections closed to make room under tcp_max_connections.",
		       c.tcp_evicted);
	metrics_family(sb, "geodnsd_limit_hits_total", "counter",
		       "Limits hit: tcp_per_client (connection refused), tcp_idle and "
		       "tcp_lifetime (connection closed), tcp_max_connections (oldest idle "
		       "closed), tcp_output_total (a connection stopped reading: its worker's "
		       "share of tcp_output_buffer_total is queued), tcp_output_connection (a "
		       "connection stopped reading: 256 KiB of its own answers unsent), "
		       "http_connections (accepting paused "
		       "at http.max_connections), http_request_size (413: body over 4 KiB), "
		       "http_bad_request (400 from the HTTP layer: headers over 8 KiB or a "
		       "malformed request), http_request_deadline (connection closed: a request "
		       "not complete within 5 s), http_connections_per_address (connection "
		       "closed at http.max_connections_per_address), http_admin_auth (429: "
		       "too many failed admin authentications).");
	const char *h1[] = {"limit", "tcp_per_client", NULL}, *h2[] = {"limit", "tcp_idle", NULL},
		   *h3[] = {"limit", "tcp_lifetime", NULL},
		   *h4[] = {"limit", "tcp_max_connections", NULL};
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h1, c.tcp_client_refused);
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h2, c.tcp_idle_closed);
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h3, c.tcp_lifetime_closed);
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h4, c.tcp_evicted);
	uint64_t ot = lc.tcp_output_total, oc = lc.tcp_output_connection;
	const char *h9[] = {"limit", "tcp_output_total", NULL},
	           *h10[] = {"limit", "tcp_output_connection", NULL};
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h9, ot);
	metrics_sample_u64(sb, "geodnsd_limit_hits_total", h10, oc);
	static const char *const http_limit_names[HTTP_LIMIT_COUNT] = {
	    [HTTP_LIMIT_CONNECTIONS] = "http_connections",
	    [HTTP_LIMIT_REQUEST_SIZE] = "http_request_size",
	    [HTTP_LIMIT_BAD_REQUEST] = "http_bad_request",
	    [HTTP_LIMIT_REQUEST_DEADLINE] = "http_request_deadline",
	    [HTTP_LIMIT_PER_ADDRESS] = "http_connections_per_address",
	    [HTTP_LIMIT_ADMIN_AUTH] = "http_admin_auth"};
	for (int i = 0; i < HTTP_LIMIT_COUNT; i++) {
		const char *l[] = {"limit", http_limit_names[i], NULL};
		metrics_sample_u64(sb, "geodnsd_limit_hits_total", l,
		                   __atomic_load_n(&http_limits[i], __ATOMIC_RELAXED));
	}

	xfr_metrics(sb, srv);
	metrics_process(sb);

	const struct snapshot *snap = server_snapshot_enter(srv);
	metrics_family(sb, "geodnsd_zone_serial", "gauge", "SOA serial of each loaded zone.");
	for (size_t i = 0; i < snap->db->count; i++) {
		const char *l[] = {"zone", snap->db->zones[i]->origin_str, NULL};
		metrics_sample_u64(sb, "geodnsd_zone_serial", l, snap->db->zones[i]->serial);
	}
	journal_metrics(sb, snap);
	geoip_metrics(sb, snap);
	struct emit_ctx e = {sb, false};
	metrics_family(sb, "geodnsd_service_answers_total", "counter",
		       "Answers per service and chosen region.");
	carry_service_counts(server_carry(srv), snap, emit_cb, &e);
	e.fail_open = true;
	metrics_family(sb, "geodnsd_service_fail_open_total", "counter",
		       "Answers that failed open (every region down or drained).");
	carry_service_counts(server_carry(srv), snap, emit_cb, &e);
	server_snapshot_leave();
}

/* A zone's journal: the serials it leads from and to (null when empty),
 * the differences kept and their bytes. */
static void status_journal(struct strbuf *sb, struct journal *j)
{
	uint32_t first, last;
	size_t versions = 0, bytes = 0;
	journal_stats(j, &versions, &bytes);
	sb_puts(sb, ", \"journal\": { ");
	if (journal_range(j, &first, &last))
		sb_printf(sb, "\"first_serial\": %u, \"last_serial\": %u", first, last);
	else
		sb_puts(sb, "\"first_serial\": null, \"last_serial\": null");
	sb_printf(sb, ", \"versions\": %zu, \"bytes\": %zu }", versions, bytes);
}

/* A zone's last NOTIFY event, when it has NOTIFY targets. */
static void status_notify(struct strbuf *sb, struct server *srv, const struct zone *z)
{
	struct notify_status st;
	if (!server_notify_status(srv, z->origin, z->origin_len, &st))
		return;
	sb_printf(sb, ", \"notify\": { \"result\": \"%s\"", notify_result_name(st.result));
	if (st.result == NOTIFY_NONE) {
		sb_puts(sb, ", \"serial\": null, \"target\": null, \"when\": null");
	} else {
		sb_printf(sb, ", \"serial\": %u, \"target\": \"", st.serial);
		sb_json_string(sb, st.target);
		sb_printf(sb, "\", \"when\": %lld, \"attempt\": %u", (long long)st.when,
		          st.attempt);
	}
	if (st.result == NOTIFY_RCODE)
		sb_printf(sb, ", \"rcode\": \"%s\"", dns_rcode_name(st.rcode));
	if (st.result == NOTIFY_BADTSIG)
		sb_printf(sb, ", \"tsig_error\": %u", st.tsig_error);
	sb_printf(sb, ", \"pending\": %u }", st.pending);
}

/* A signed zone's key (and the keys published beside it), and the validity of the signatures made now (the
 * window every instance computes: dnssec_window). */
static void status_dnssec(struct strbuf *sb, const struct dnssec_key *k)
{
	uint32_t inception, expiration;
	dnssec_window((uint64_t)time(NULL), &inception, &expiration);
	const char *alg = dnssec_algorithm_name(k->algorithm);
	sb_printf(sb, ", \"dnssec\": { \"key_tag\": %u, \"algorithm\": %u, \"algorithm_name\": \"%s\", "
	              "\"signature_inception\": %u, \"signature_expiration\": %u }",
	          k->key_tag, k->algorithm, alg ? alg : "?", inception, expiration);
	if (k->next) {
		/* dnssec.publish: keys in the DNSKEY RRset beside the signing key */
		sb_puts(sb, ", \"published\": [");
		for (const struct dnssec_key *p = k->next; p; p = p->next)
			sb_printf(sb, "%s{ \"key_tag\": %u, \"algorithm\": %u }",
			          p == k->next ? " " : ", ", p->key_tag, p->algorithm);
		sb_puts(sb, " ]");
	}
}

size_t serving_status_zones(struct server *srv, const char *only, struct strbuf *sb)
{
	uint8_t lname[WIRE_NAME_MAX];
	size_t len = only ? tsig_name_from_text(only, lname) : 0;
	if (only && !len)
		return 0;
	const struct snapshot *snap = server_snapshot_enter(srv);
	size_t shown = 0;
	sb_puts(sb, "[");
	for (size_t i = 0; i < snap->db->count; i++) {
		const struct zone *z = snap->db->zones[i];
		if (only && (z->origin_len != len || memcmp(z->origin, lname, len) != 0))
			continue;
		sb_printf(sb, "%s\n    { \"zone\": \"", shown++ ? "," : "");
		sb_json_string(sb, z->origin_str);
		sb_printf(sb, "\", \"serial\": %u, \"records\": %zu, \"services\": %zu, "
			  "\"file\": \"", z->serial, z->nrecords, z->services ? z->services->n : 0);
		sb_json_string(sb, z->file);
		sb_puts(sb, "\"");
		status_journal(sb, snapshot_journal(snap, i));
		if (i < snap->ndnssec_keys && snap->dnssec_keys[i])
			status_dnssec(sb, snap->dnssec_keys[i]);
		status_notify(sb, srv, z);
		if (z->secondary)
			secondaries_status(snap->sec, z->config_origin, sb);
		sb_puts(sb, " }");
	}
	sb_puts(sb, "\n  ]");
	server_snapshot_leave();
	return shown;
}
