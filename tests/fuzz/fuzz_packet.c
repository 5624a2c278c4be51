/*
 * fuzz_packet.c - the whole query -> answer path: one input is one query
 * packet, answered by answer_query() against the demo snapshot (the zones,
 * services, regions and GeoIP database of zones/geodnsd.conf, built once,
 * plus tests/data/edge.test.zone for truncation and glue cases).
 *
 * The 16-bit DNS ID of the packet (its first two octets, still part of the
 * query the server sees) picks how the query arrives, so the fuzzer reaches
 * every combination by mutating the ID alone:
 *
 *   bit 0       0 UDP (input cut to 4096 octets, the server's receive
 *               buffer; output buffer 4096 as in net.c), 1 TCP (output
 *               buffer ANSWER_BUF_SIZE)
 *   bits 1-2    client address: 0 IPv4, 1 IPv6, 2 IPv4-mapped IPv6, 3 none
 *   bits 3-5    which address of the family (client_v4[] / client_v6[])
 *   bits 6-7    health: 0 none (all up), 1 partial, 2 all down, 3 weight 0
 *   bits 8-9    answer settings: 0 the demo's (cookies with a fixed secret
 *               and a previous one), 1 ECS and cookies disabled, 2 ECS from
 *               listed senders only + no NSID + TTL cap + udp_payload 512 +
 *               RRL (3/s, window 2, slip 2, 198.51.100.0/24 exempt),
 *               3 udp_payload 4096 + no GeoIP + /32 and /128 hashing + RRL
 *               in log-only mode
 *   bit 10      fill the query log info
 *   bits 11-15  XORed into the last octet of the client address
 *
 * Server cookies: a fuzzer cannot forge a SipHash, so the harness makes
 * valid ones. When the first COOKIE option of the query is 24 octets with
 * version 1 and an all-zero hash, its timestamp 0..4 means now - 10 s,
 * now - 2000 s (to renew), now - 3700 s (expired), now + 200 s, now + 400 s
 * (too far ahead); the harness writes that time and the RFC 9018 hash under
 * the current secret (the previous one when the first reserved octet has
 * its top bit set). The response must then carry the COOKIE option with the
 * client's Client Cookie: the query's own cookie when it was valid, current,
 * with zero reserved octets and young; else a fresh one that verifies.
 *
 * TSIG: the settings have one key, fuzz.key. (hmac-sha256, secret
 * "fuzz-packet-secret"). A fuzzer cannot forge its MAC either, so when a
 * query's TSIG names that key with hmac-sha256 and a MAC of 32 zero
 * octets, the harness signs it (RFC 8945 4.3.3): first, when Time Signed is
 * 0..3, it writes now, now - 10 s, now - 1000 s or now + 1000 s (BADTIME
 * for the last two); the answer is then signed, and the checker accepts a
 * signed TSIG. Other keys stay BADKEY as the seeds of k1.example. expect.
 *
 * The output buffer is placed at the end of a heap block so that a write past
 * its capacity is caught by ASan, and the packet is an exact heap copy. Every
 * response is checked by fuzz_check_response() (fuzz_dns.h) without the
 * server's own parser: it must walk exactly, and its length respect the
 * limit (UDP: 512 without OPT, else the smaller of our udp_payload and the
 * client's size, never more than 4096).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/hash.h"
#include "query/answer.h"
#include "conf/config.h"
#include "query/cookie.h"
#include "common/diag.h"
#include "common/gd.h"
#include "health/health.h"
#include "server/snapshot.h"
#include "dns/tsig.h"
#include "dns/wire.h"

#include "fuzz_dns.h"
#include "fuzz_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

static struct config *cfg;
static struct snapshot *snap;
static struct answer_worker worker;
static uint8_t *outbuf;     /* ANSWER_BUF_SIZE */
static struct answer_settings variants[4];
static struct health_snapshot healths[4];

static const char *const client_v4[8] = {
	"192.0.2.1",      /* US (NA) */
	"192.0.2.200",    /* CA (NA) */
	"198.51.100.7",   /* IE (EU) */
	"203.0.113.5",    /* SG (AS) */
	"203.0.113.130",  /* JP (AS) */
	"203.0.113.200",  /* AU (OC): continent override */
	"10.1.2.3",       /* reserved: never located */
	"8.8.8.8",        /* not in the database */
};
static const char *const client_v6[8] = {
	"2001:db8::1",       /* US */
	"2001:db8:100::1",   /* DE */
	"2001:db8:200::1",   /* IN */
	"2001:db8:ffff::1",  /* not in the database */
	"::1",               /* reserved */
	"fe80::1",           /* reserved */
	"fc00::1",           /* reserved */
	"2a00:1450::1",      /* not in the database */
};

static struct netprefix trusted[2];
static struct netprefix rrl_exempt_nets[1];
static const char secret_hex[] = "000102030405060708090a0b0c0d0e0f";
static const char previous_hex[] = "f0e0d0c0b0a090807060504030201000";
static const uint8_t down_v4[17] = {1, 192, 0, 2, 10};
static const uint8_t down_v6[17] = {2, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
static uint8_t (*down_list)[17];

static struct tsig_key fuzz_key;
static struct tsig_keyring fuzz_ring = {&fuzz_key, 1};
static uint8_t fuzz_secret[] = "fuzz-packet-secret";

static void cleanup(void)
{
	answer_worker_free(&worker);
	snapshot_free(snap);
	config_free(cfg);
	free(outbuf);
	free(down_list);
	for (size_t i = 0; i < 4; i++)
		free(healths[i].regions);
}

static char *dup_str(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

static void init(void)
{
	fuzz_root();
	struct diag d = {0};
	cfg = config_load("zones/geodnsd.conf", &d);
	if (!cfg) {
		diag_flush_stderr(&d);
		abort();
	}
	/* the edge cases the demo zones lack: TC, glue that does not fit */
	struct zone_entry *z = realloc(cfg->zones, (cfg->nzones + 1) * sizeof(*z));
	if (!z)
		abort();
	cfg->zones = z;
	memset(&z[cfg->nzones], 0, sizeof(*z));
	z[cfg->nzones].origin = dup_str("edge.test");
	z[cfg->nzones].file = dup_str("tests/data/edge.test.zone");
	cfg->nzones++;
	/* cookies with known secrets (the demo's is random per process) */
	cfg->cookies_enabled = true;
	free(cfg->cookie_secret);
	free(cfg->cookie_previous_secret);
	cfg->cookie_secret = dup_str(secret_hex);
	cfg->cookie_previous_secret = dup_str(previous_hex);
	snap = snapshot_build(cfg, NULL, 1, &d);
	if (!snap) {
		diag_flush_stderr(&d);
		abort();
	}
	diag_free(&d);
	fuzz_check(snap->regions.n == 3, "the demo has 3 regions, not %zu", snap->regions.n);
	fuzz_check(snap->settings.cookies != NULL, "cookies are off");
	answer_worker_init(&worker);
	rrl_table_init(&worker.rrl, 64);
	outbuf = malloc(ANSWER_BUF_SIZE);
	if (!outbuf)
		abort();

	const struct answer_settings *s = &snap->settings;
	variants[0] = *s;
	variants[1] = *s;
	variants[1].ecs_enabled = false;
	variants[1].cookies = NULL;
	variants[2] = *s;
	netprefix_parse("192.0.2.0/24", &trusted[0]);
	netprefix_parse("2001:db8::/32", &trusted[1]);
	variants[2].ecs_trust_all = false;
	variants[2].ecs_trusted = trusted;
	variants[2].necs_trusted = 2;
	variants[2].nsid = NULL;
	variants[2].nsid_len = 0;
	variants[2].service_ttl_cap = 10;
	variants[2].udp_payload = 512;
	netprefix_parse("198.51.100.0/24", &rrl_exempt_nets[0]);
	variants[2].rrl = (struct rrl_config){.rate = 3, .window = 2, .slip = 2,
					      .ipv4_prefix = 24, .ipv6_prefix = 56,
					      .exempt = rrl_exempt_nets, .nexempt = 1,
					      .table_size = 64};
	variants[3] = *s;
	variants[3].udp_payload = 4096;
	variants[3].geo = NULL;
	variants[3].hash_ipv4_prefix = 32;
	variants[3].hash_ipv6_prefix = 128;
	variants[3].rrl = (struct rrl_config){.rate = 1, .window = 1, .slip = 0,
					      .ipv4_prefix = 32, .ipv6_prefix = 128,
					      .log_only = true, .table_size = 64};

	/* health: [0] NULL (everything up); [1] us-east at weight 50 without
	 * 192.0.2.10 and 2001:db8:1::10, eu-west down; [2] every region down
	 * (fail open); [3] every region up at weight 0 */
	down_list = calloc(2, sizeof(*down_list));
	if (!down_list)
		abort();
	memcpy(down_list[0], down_v4, 17);
	memcpy(down_list[1], down_v6, 17);
	for (size_t i = 1; i < 4; i++) {
		healths[i].generation = i;
		healths[i].n = 3;
		healths[i].regions = calloc(3, sizeof(struct health_region));
		if (!healths[i].regions)
			abort();
		for (size_t k = 0; k < 3; k++) {
			healths[i].regions[k].up = i != 2;
			healths[i].regions[k].weight = i == 3 ? 0 : 100;
		}
	}
	healths[1].regions[0].weight = 50;
	healths[1].regions[0].ndown = 2;
	healths[1].regions[0].down = (const uint8_t(*)[17])down_list;
	healths[1].regions[1].up = false;
	atexit(cleanup);
	fuzz_key.name_len = (uint8_t)tsig_name_from_text("fuzz.key.", fuzz_key.name);
	fuzz_key.algorithm = TSIG_HMAC_SHA256;
	fuzz_key.secret = fuzz_secret;
	fuzz_key.secret_len = sizeof(fuzz_secret) - 1;
	for (size_t i = 0; i < 4; i++)
		variants[i].tsig_keys = &fuzz_ring;
}

/* ---- server cookies made by the harness ---- */

struct cookie_fix {
	bool done;             /* a cookie was written into the query */
	int magic;             /* 0..4: which time */
	bool previous;         /* made with the previous secret */
	uint8_t sent[COOKIE_OPT_LEN];
};

/* The octets of the first COOKIE option of the query's OPT (NULL if none). */
static uint8_t *query_cookie(uint8_t *pkt, size_t len, size_t *olen)
{
	struct walk w = {.strict = false};
	if (!walk_msg(pkt, len, &w) || !w.opt || w.counts[0] != 1)
		return NULL;
	/* walk again to the OPT's rdata */
	size_t pos = DNS_HEADER_LEN;
	if (!walk_name(pkt, len, &pos))
		return NULL;
	pos += 4;
	for (unsigned i = 0; i < (unsigned)w.counts[1] + w.counts[2] + w.counts[3]; i++) {
		if (!walk_name(pkt, len, &pos))
			return NULL;
		uint16_t type = rd16(pkt + pos);
		size_t rdlen = rd16(pkt + pos + 8);
		size_t rd = pos + 10;
		pos = rd + rdlen;
		if (type != TYPE_OPT)
			continue;
		for (size_t o = rd; o + 4 <= rd + rdlen;) {
			size_t l = rd16(pkt + o + 2);
			if (o + 4 + l > rd + rdlen)
				return NULL;
			if (rd16(pkt + o) == EDNS_OPT_COOKIE) {
				*olen = l;
				return pkt + o + 4;
			}
			o += 4 + l;
		}
		return NULL;
	}
	return NULL;
}

/* The client address as cookie.c hashes it (IPv4-mapped as IPv4). */
static size_t cookie_ip(const struct sockaddr *sa, const uint8_t **ip)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (sa->sa_family == AF_INET) {
		*ip = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		return 4;
	}
	const uint8_t *a = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (memcmp(a, v4mapped, 12) == 0) {
		*ip = a + 12;
		return 4;
	}
	*ip = a;
	return 16;
}

/* The RFC 9018 hash of a 24-octet cookie (its first 16 octets and the IP). */
static void cookie_hash(const uint8_t *key, const uint8_t *c, const struct sockaddr *sa,
			uint8_t out[8])
{
	uint8_t msg[16 + 16];
	const uint8_t *ip;
	size_t iplen = cookie_ip(sa, &ip);
	memcpy(msg, c, 16);
	memcpy(msg + 16, ip, iplen);
	uint64_t h = siphash24(key, msg, 16 + iplen);
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(h >> (8 * i));
}

static uint32_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (uint32_t)ts.tv_sec;
}

static void fix_cookie(uint8_t *pkt, size_t len, const struct sockaddr *client,
		       const struct answer_settings *set, struct cookie_fix *fx)
{
	static const int32_t offset[5] = {-10, -2000, -3700, 200, 400};
	static const uint8_t zero[8] = {0};
	fx->done = false;
	size_t olen = 0;
	uint8_t *c = client && set->cookies ? query_cookie(pkt, len, &olen) : NULL;
	if (!c || olen != COOKIE_OPT_LEN || c[8] != COOKIE_VERSION ||
	    memcmp(c + 16, zero, 8) != 0 || rd32(c + 12) > 4)
		return;
	fx->magic = (int)rd32(c + 12);
	fx->previous = c[9] & 0x80;
	wr32(c + 12, now_s() + (uint32_t)offset[fx->magic]);
	cookie_hash(fx->previous ? set->cookies->previous : set->cookies->current, c, client,
		    c + 16);
	memcpy(fx->sent, c, COOKIE_OPT_LEN);
	fx->done = true;
}

/* The COOKIE option of the response must answer the made cookie. */
static void check_cookie(const uint8_t *out, size_t n, const struct sockaddr *client,
			 const struct answer_settings *set, const struct cookie_fix *fx)
{
	if (!fx->done || n < DNS_HEADER_LEN || (out[3] & 0xF) == RCODE_FORMERR ||
	    DNS_OPCODE(rd16(out + 2)) != 0)
		return;
	size_t olen = 0;
	uint8_t *copy = malloc(n);
	if (!copy)
		abort();
	memcpy(copy, out, n);
	const uint8_t *c = query_cookie(copy, n, &olen);
	fuzz_check(c != NULL, "no COOKIE in the response to a cookie (magic %d)", fx->magic);
	fuzz_check(olen == COOKIE_OPT_LEN, "response COOKIE of %zu octets", olen);
	fuzz_check(memcmp(c, fx->sent, COOKIE_CLIENT_LEN) == 0, "Client Cookie not echoed");
	bool valid = fx->magic != 2 && fx->magic != 4;
	bool keep = valid && !fx->previous && (fx->sent[9] | fx->sent[10] | fx->sent[11]) == 0 &&
		    fx->magic != 1;
	if (keep) {
		fuzz_check(memcmp(c, fx->sent, COOKIE_OPT_LEN) == 0,
			   "a valid fresh cookie was not echoed (magic %d)", fx->magic);
	} else {
		/* a fresh cookie: version 1, zero reserved, made now, that verifies */
		uint8_t h[8];
		cookie_hash(set->cookies->current, c, client, h);
		uint32_t ts = rd32(c + 12), now = now_s();
		fuzz_check(c[8] == COOKIE_VERSION && (c[9] | c[10] | c[11]) == 0 &&
			   (uint32_t)(now - ts) <= 5 && memcmp(h, c + 16, 8) == 0,
			   "the new Server Cookie is not a fresh valid one (magic %d%s)",
			   fx->magic, fx->previous ? ", previous secret" : "");
	}
	free(copy);
}

/* A TSIG of fuzz.key. with an all-zero MAC: the time (0..3 picks one) and
 * the real MAC written into the query (see the top of the file). */
static void sign_query(uint8_t *pkt, size_t len)
{
	struct query q;
	if (wire_parse_query_opts(pkt, len, &q, 0) != GD_OK || !q.tsig)
		return;
	const struct tsig *t = &q.tsig_rr;
	if (!wire_name_equal(t->key, fuzz_key.name) ||
	    !wire_name_equal(t->alg, (const uint8_t *)"\013hmac-sha256") || t->mac_size != 32)
		return;
	for (size_t i = 0; i < 32; i++)
		if (pkt[t->mac_offset + i])
			return;
	uint8_t *times = pkt + t->mac_offset - 10; /* Time Signed */
	uint64_t ts = t->time_signed;
	if (ts < 4) {
		static const int64_t offset[4] = {0, -10, -1000, 1000};
		ts = (uint64_t)((int64_t)now_s() + offset[ts]);
		wr16(times, (uint16_t)(ts >> 32));
		wr32(times + 2, (uint32_t)ts);
	}
	uint8_t header[DNS_HEADER_LEN], vars_a[6] = {0, 255, 0, 0, 0, 0}, vars_b[12];
	memcpy(header, pkt, DNS_HEADER_LEN);
	wr16(header, t->original_id);
	wr16(header + 10, (uint16_t)(rd16(pkt + 10) - 1));
	memcpy(vars_b, times, 8); /* Time Signed, Fudge */
	wr16(vars_b + 8, t->error);
	wr16(vars_b + 10, t->other_len);
	const uint8_t *parts[] = {
	    header, pkt + DNS_HEADER_LEN, fuzz_key.name, vars_a, (const uint8_t *)"\013hmac-sha256",
	    vars_b, pkt + t->other_offset};
	size_t lens[] = {
	    DNS_HEADER_LEN, t->rr_offset - DNS_HEADER_LEN, fuzz_key.name_len, 6, 13, 12,
	    t->other_len};
	tsig_hmac(&fuzz_key, parts, lens, t->other_len ? 7 : 6, pkt + t->mac_offset);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!snap)
		init();
	uint16_t id = size >= 2 ? rd16(data) : 0;
	bool tcp = id & 1;
	unsigned kind = (id >> 1) & 3, idx = (id >> 3) & 7;
	const struct health_snapshot *hs = ((id >> 6) & 3) ? &healths[(id >> 6) & 3] : NULL;
	const struct answer_settings *set = &variants[(id >> 8) & 3];
	worker.want_info = (id >> 10) & 1;
	uint8_t perturb = (uint8_t)(id >> 11);

	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	const struct sockaddr *client = (const struct sockaddr *)&ss;
	if (kind == 0) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(5353);
		inet_pton(AF_INET, client_v4[idx], &sin->sin_addr);
		((uint8_t *)&sin->sin_addr)[3] ^= perturb;
	} else if (kind == 1 || kind == 2) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(5353);
		if (kind == 1) {
			inet_pton(AF_INET6, client_v6[idx], &sin6->sin6_addr);
		} else {
			uint8_t *a = (uint8_t *)&sin6->sin6_addr;
			a[10] = a[11] = 0xFF;
			inet_pton(AF_INET, client_v4[idx], a + 12);
		}
		((uint8_t *)&sin6->sin6_addr)[15] ^= perturb;
	} else {
		client = NULL;
	}

	size_t len = size;
	if (!tcp && len > UDP_BUF)
		len = UDP_BUF;
	/* an exact copy: a read past the packet is caught */
	uint8_t *pkt = malloc(len ? len : 1);
	if (!pkt)
		abort();
	if (len)
		memcpy(pkt, data, len);
	struct cookie_fix fx;
	fix_cookie(pkt, len, client, set, &fx);
	sign_query(pkt, len); /* after the cookie: the MAC covers it */
	uint64_t valid_before = worker.counters.cookie_valid;
	size_t cap = tcp ? ANSWER_BUF_SIZE : UDP_BUF;
	uint8_t *out = outbuf + ANSWER_BUF_SIZE - cap;
	struct answer_request req = {.pkt = pkt, .len = len, .tcp = tcp, .client = client,
				     .health = hs};
	size_t n = answer_query(snap->db, set, &req, out, cap, &worker);

	fuzz_check_response(pkt, len, out, n, cap, tcp, set);
	check_cookie(out, n, client, set, &fx);
	if (fx.done && n >= DNS_HEADER_LEN && (out[3] & 0xF) != RCODE_FORMERR &&
	    DNS_OPCODE(rd16(out + 2)) == 0)
		fuzz_check((worker.counters.cookie_valid != valid_before) ==
				   (fx.magic != 2 && fx.magic != 4),
			   "cookie_valid counter disagrees (magic %d)", fx.magic);
	if (fuzz_verbose())
		fprintf(stderr, "packet: %s %zu octets -> %zu octets rcode %u flags %04x "
				"an %u ns %u ar %u%s\n", tcp ? "tcp" : "udp", len, n,
			n >= 4 ? out[3] & 0xF : 0, n >= 4 ? rd16(out + 2) : 0,
			n >= 12 ? rd16(out + 6) : 0, n >= 12 ? rd16(out + 8) : 0,
			n >= 12 ? rd16(out + 10) : 0, fx.done ? " (cookie made)" : "");
	free(pkt);
	return 0;
}
