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
 *   bits 8-9    answer settings: 0 the demo's, 1 ECS disabled, 2 ECS from
 *               listed senders only + no NSID + TTL cap + udp_payload 512,
 *               3 udp_payload 4096 + no GeoIP + /32 and /128 hashing
 *   bit 10      fill the query log info
 *   bits 11-15  XORed into the last octet of the client address
 *
 * The output buffer is placed at the end of a heap block so that a write past
 * its capacity is caught by ASan, and the packet is an exact heap copy. Every
 * response is checked by fuzz_check_response() (fuzz_dns.h) without the
 * server's own parser: it must walk exactly, and its length respect the
 * limit (UDP: 512 without OPT, else the smaller of our udp_payload and the
 * client's size, never more than 4096).
 */
#include "answer.h"
#include "config.h"
#include "diag.h"
#include "gd.h"
#include "health.h"
#include "snapshot.h"
#include "wire.h"

#include "fuzz_dns.h"
#include "fuzz_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

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
static const uint8_t down_v4[17] = {1, 192, 0, 2, 10};
static const uint8_t down_v6[17] = {2, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
static uint8_t (*down_list)[17];

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
	snap = snapshot_build(cfg, 1, &d);
	if (!snap) {
		diag_flush_stderr(&d);
		abort();
	}
	diag_free(&d);
	fuzz_check(snap->regions.n == 3, "the demo has 3 regions, not %zu", snap->regions.n);
	answer_worker_init(&worker);
	outbuf = malloc(ANSWER_BUF_SIZE);
	if (!outbuf)
		abort();

	const struct answer_settings *s = &snap->settings;
	variants[0] = *s;
	variants[1] = *s;
	variants[1].ecs_enabled = false;
	variants[2] = *s;
	parse_netprefix("192.0.2.0/24", &trusted[0]);
	parse_netprefix("2001:db8::/32", &trusted[1]);
	variants[2].ecs_trust_all = false;
	variants[2].ecs_trusted = trusted;
	variants[2].necs_trusted = 2;
	variants[2].nsid = NULL;
	variants[2].nsid_len = 0;
	variants[2].service_ttl_cap = 10;
	variants[2].udp_payload = 512;
	variants[3] = *s;
	variants[3].udp_payload = 4096;
	variants[3].geo = NULL;
	variants[3].hash_ipv4_prefix = 32;
	variants[3].hash_ipv6_prefix = 128;

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
	size_t cap = tcp ? ANSWER_BUF_SIZE : UDP_BUF;
	uint8_t *out = outbuf + ANSWER_BUF_SIZE - cap;
	struct answer_request req = {.pkt = pkt, .len = len, .tcp = tcp, .client = client,
				     .health = hs};
	size_t n = answer_query(snap->db, set, &req, out, cap, &worker);

	fuzz_check_response(pkt, len, out, n, cap, tcp, set);
	if (fuzz_verbose())
		fprintf(stderr, "packet: %s %zu octets -> %zu octets rcode %u flags %04x "
				"an %u ns %u ar %u\n", tcp ? "tcp" : "udp", len, n,
			n >= 4 ? out[3] & 0xF : 0, n >= 4 ? rd16(out + 2) : 0,
			n >= 12 ? rd16(out + 6) : 0, n >= 12 ? rd16(out + 8) : 0,
			n >= 12 ? rd16(out + 10) : 0);
	free(pkt);
	return 0;
}
