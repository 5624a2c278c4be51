/*
 * signrate - how many RRSIGs one thread makes a second, per key, with no
 * signature cache: the cost the cache saves, and what a flood of names
 * that each need a signature of their own costs (tools/bench --dnssec).
 *
 *   signrate [-s SECONDS] BASE...
 *
 * For each key base name (BASE.key and BASE.private, as geodnsd-keygen
 * writes them) it signs distinct RRsets for SECONDS (default 5) of wall
 * time on the calling thread: h<N>.<origin> A <N as an address>, N = 0, 1,
 * ..., each one new, built and signed by the server's own code
 * (dnssec_sign: the canonical form of src/dnssec/sign.c, then libcrypto),
 * the work of one signature cache miss on a worker. One line a key:
 *
 *   algorithm 13 ECDSAP256SHA256: 123456 signatures in 5.00 s (4.99 s CPU):
 *   24691 per second, 24740 per CPU second
 *
 * "per CPU second" is over the thread's own CPU time, so it is the rate
 * of one core however busy the machine is; tools/bench pins it to one
 * CPU. Exit 0, 1 when a key does not load or a signature fails, 2 on a
 * usage error.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "dnssec/key.h"
#include "dnssec/sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint8_t scratch[DNSSEC_SCRATCH_SIZE];

static double seconds(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sign distinct RRsets with key for secs seconds; print the line. 0 or 1. */
static int rate(const char *base, const struct dnssec_key *key, double secs)
{
	uint8_t owner[WIRE_NAME_MAX], rrsig[DNSSEC_RRSIG_MAX], address[4];
	const uint8_t *rdata[1] = {address};
	const uint16_t rdlen[1] = {sizeof(address)};
	struct dnssec_rrset set = {.owner = owner,
	                           .type = TYPE_A,
	                           .ttl = 300,
	                           .count = 1,
	                           .rdata = rdata,
	                           .rdata_len = rdlen};
	uint32_t inception, expiration;
	dnssec_window((uint64_t)time(NULL), &inception, &expiration);
	double wall0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_THREAD_CPUTIME_ID);
	double wall = 0;
	unsigned long n = 0;
	do {
		for (int k = 0; k < 256; k++, n++) {
			/* h<n> in front of the origin: a new owner, a new RRset */
			char label[24];
			int ll = snprintf(label, sizeof(label), "h%lu", n);
			if ((size_t)ll + 1 + key->owner_len > sizeof(owner))
				return 1;
			owner[0] = (uint8_t)ll;
			memcpy(owner + 1, label, (size_t)ll);
			memcpy(owner + 1 + ll, key->owner, key->owner_len);
			address[0] = (uint8_t)(n >> 24);
			address[1] = (uint8_t)(n >> 16);
			address[2] = (uint8_t)(n >> 8);
			address[3] = (uint8_t)n;
			long len = dnssec_sign(key, &set, inception, expiration, scratch,
			                       sizeof(scratch), rrsig, sizeof(rrsig));
			if (len !=
			    DNSSEC_RRSIG_FIXED + (long)key->owner_len + DNSSEC_SIGNATURE_SIZE) {
				fprintf(stderr, "signrate: %s: signature %lu failed (%ld)\n", base,
				        n, len);
				return 1;
			}
		}
		wall = seconds(CLOCK_MONOTONIC) - wall0;
	} while (wall < secs);
	double cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	printf("algorithm %u %s: %lu signatures in %.2f s (%.2f s CPU): %.0f per second, "
	       "%.0f per CPU second\n",
	       key->algorithm, dnssec_algorithm_name(key->algorithm), n, wall, cpu, n / wall,
	       cpu > 0 ? n / cpu : 0.0);
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	double secs = 5;
	int opt;
	while ((opt = getopt(argc, argv, "s:h")) != -1) {
		switch (opt) {
		case 's': {
			char *end;
			secs = strtod(optarg, &end);
			if (*end || !(secs > 0 && secs <= 3600)) {
				fprintf(stderr,
				        "signrate: -s %s: more than 0 seconds, at most 3600\n",
				        optarg);
				return 2;
			}
			break;
		}
		case 'h': printf("usage: signrate [-s SECONDS] BASE...\n"); return 0;
		default: fprintf(stderr, "usage: signrate [-s SECONDS] BASE...\n"); return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "usage: signrate [-s SECONDS] BASE...\n");
		return 2;
	}
	int rc = 0;
	for (int i = optind; i < argc && rc == 0; i++) {
		struct diag d = {0};
		struct dnssec_key *key = NULL;
		if (dnssec_key_load(argv[i], &key, &d) != GD_OK) {
			for (size_t k = 0; k < d.count; k++)
				fprintf(stderr, "signrate: %s\n", d.msgs[k]);
			rc = 1;
		} else {
			rc = rate(argv[i], key, secs);
		}
		dnssec_key_free(key);
		diag_free(&d);
	}
	return rc;
}
