/*
 * fuzz_zone.c - zone files: the input is written to a file in a private
 * directory under /tmp and loaded by zone_load() with origin example.com.
 *
 * A zone that loads is then compiled into a database of its own and
 * answered: for each of its first 32 names, ANY over TCP, each of its types
 * over UDP with EDNS, and a name below it over UDP without EDNS (wildcards,
 * NXDOMAIN); every response is checked as in fuzz_packet (fuzz_dns.h). Zone
 * data the loader accepts must never make a bad answer.
 *
 * The zone has the demo's three regions (us-east, eu-west, ap-south), so
 * services in TYPE65281 records are checked and, without a GeoIP database,
 * answered as for a client that cannot be located.
 *
 * $INCLUDE: the directory holds inc.zone (fixed records) for relative
 * includes. Inputs with an $INCLUDE line holding a '/', '\', "..", or '('
 * are skipped, so a file outside the directory (a device, a FIFO) is never
 * read; the input's own file name is random, so it cannot include itself.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "query/answer.h"
#include "common/diag.h"
#include "common/gd.h"
#include "dns/wire.h"
#include "geo/service.h"
#include "zone/zone.h"

#include "fuzz_dns.h"
#include "fuzz_util.h"

#include <strings.h>
#include <time.h>

static char zone_name[64];
static uint8_t *outbuf;
static struct answer_worker worker;
static struct region regs[] = {
    {(char *)"us-east", 38.9, -77.0},
    {(char *)"eu-west", 53.3, -6.3},
    {(char *)"ap-south", 1.35, 103.8},
};
static const struct region_table rt = {regs, 3, NULL};
static const struct answer_settings settings = {.udp_payload = 1232,
                                                .nsid = (const uint8_t *)"fuzz",
                                                .nsid_len = 4,
                                                .ecs_enabled = true,
                                                .ecs_trust_all = true,
                                                .hash_ipv4_prefix = 24,
                                                .hash_ipv6_prefix = 56,
                                                .tcp_idle_timeout = 10,
                                                .regions = &rt};

static const char inc_zone[] =
	"; included by the fuzz inputs\n"
	"$TTL 300\n"
	"inc\tIN A\t192.0.2.44\n"
	"\tIN AAAA\t2001:db8::44\n"
	"inc-mx\tIN MX\t10 inc\n"
	"*.inc-wild\tIN TXT\t\"wild\"\n";

static void cleanup(void)
{
	answer_worker_free(&worker);
	free(outbuf);
}

static void init(void)
{
	fuzz_root();
	char path[PATH_MAX];
	fuzz_write_file("inc.zone", (const uint8_t *)inc_zone, sizeof(inc_zone) - 1, path);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(zone_name, sizeof(zone_name), "z%ld-%08lx.zone", (long)getpid(),
		 (unsigned long)(ts.tv_nsec ^ (ts.tv_sec << 20)));
	answer_worker_init(&worker);
	outbuf = malloc(ANSWER_BUF_SIZE);
	if (!outbuf)
		abort();
	atexit(cleanup);
}

/* An $INCLUDE whose line has a '/', '\\', "..", or '(' (arguments on the
 * next lines) could name a file outside the private directory. */
static bool unsafe_include(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 8 <= size; i++) {
		if (data[i] != '$' || strncasecmp((const char *)data + i, "$include", 8) != 0)
			continue;
		for (size_t k = i + 8; k < size && data[k] != '\n'; k++)
			if (data[k] == '/' || data[k] == '\\' || data[k] == '(' ||
			    (data[k] == '.' && k + 1 < size && data[k + 1] == '.'))
				return true;
	}
	return false;
}

/* Ask name (lower-case wire) / qtype and check the response. */
static void ask(const struct zonedb *db, const uint8_t *name, size_t nlen, uint16_t qtype,
		bool tcp, bool edns, uint16_t id)
{
	uint8_t q[12 + WIRE_NAME_MAX + 4 + 11];
	size_t len = 0;
	memset(q, 0, 12);
	wr16(q, id);
	wr16(q + 4, 1);
	wr16(q + 10, edns ? 1 : 0);
	len = 12;
	memcpy(q + len, name, nlen);
	len += nlen;
	wr16(q + len, qtype);
	wr16(q + len + 2, CLASS_IN);
	len += 4;
	if (edns) {
		static const uint8_t opt[11] = {0, 0, 41, 0x04, 0xD0, 0, 0, 0x80, 0, 0, 0};
		memcpy(q + len, opt, sizeof(opt));
		len += sizeof(opt);
	}
	size_t cap = tcp ? ANSWER_BUF_SIZE : UDP_BUF;
	uint8_t *out = outbuf + ANSWER_BUF_SIZE - cap;
	struct answer_request req = {.pkt = q, .len = len, .tcp = tcp};
	size_t n = answer_query(db, &settings, &req, out, cap, &worker);
	fuzz_check(n > 0, "no response to a query for a name of the zone");
	fuzz_check_response(q, len, out, n, cap, tcp, &settings);
}

static void answer_all(const struct zonedb *db, const struct zone *z)
{
	unsigned asked = 0;
	uint16_t id = 1;
	for (size_t b = 0; b <= z->mask && asked < 32; b++) {
		const struct node *n = z->table[b];
		if (!n)
			continue;
		asked++;
		fuzz_check(n->namelen > 0 &&
			   wire_name_len(n->name, n->namelen) == n->namelen,
			   "node name of %u octets is not a wire name", n->namelen);
		ask(db, n->name, n->namelen, TYPE_ANY, true, false, id++);
		for (unsigned i = 0; i < n->nrrsets && i < 8; i++)
			ask(db, n->name, n->namelen, n->rrsets[i].type, false, true, id++);
		if (n->namelen + 3 <= WIRE_NAME_MAX) {
			uint8_t below[WIRE_NAME_MAX];
			below[0] = 2;
			below[1] = 'z';
			below[2] = 'z';
			memcpy(below + 3, n->name, n->namelen);
			ask(db, below, n->namelen + 3u, TYPE_A, false, false, id++);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!outbuf)
		init();
	if (unsafe_include(data, size))
		return 0;
	char path[PATH_MAX];
	fuzz_write_file(zone_name, data, size, path);
	struct diag d = {0};
	struct zone_config zc = {.origin = "example.com", .file = path, .regions = &rt};
	struct zone *z = zone_load(&zc, &d);
	const char *ok_str = z ? "loaded" : "rejected";
	unlink(path);
	fuzz_check(z || d.errors > 0, "zone_load failed without an error");
	for (size_t i = 0; i < d.count; i++)
		fuzz_check(strlen(d.msgs[i]) > 0, "empty diagnostic");
	if (z) {
		struct zone **zs = calloc(1, sizeof(*zs));
		if (!zs)
			abort();
		zs[0] = z;
		struct zonedb *db = zonedb_build(zs, 1, &d);
		fuzz_check(db != NULL, "zonedb_build failed on one zone");
		answer_all(db, z);
		zonedb_free(db);
	}
	if (fuzz_verbose()) {
		fprintf(stderr, "zone: %s, %zu errors\n", ok_str, d.errors);
		diag_flush_stderr(&d);
	}
	diag_free(&d);
	return 0;
}
