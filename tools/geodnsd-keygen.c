/*
 * geodnsd-keygen - a new DNSSEC signing key for a zone, in the key files
 * ldns-keygen writes (src/dnssec/key.c), and what the parent publishes:
 *
 *   geodnsd-keygen [-a 13|15] [-d DIR] ORIGIN
 *
 * Writes DIR/K<origin>.+<alg>+<tag>.key and .private (mode 0600; no file
 * replaced), then prints three lines: the base name (what
 * zones[].dnssec.key takes), the DNSKEY record and the DS record (SHA-256,
 * digest type 2) to give the parent zone. The key is a combined signing
 * key (flags 257). Exit 0, 1 when the key cannot be made or written, 2 on
 * a usage error. Manual page: geodnsd-keygen(8).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/diag.h"
#include "common/gd.h"
#include "dnssec/key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prog = "geodnsd-keygen";

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: %s [-a 13|15] [-d DIR] ORIGIN\n"
	        "Generate a DNSSEC signing key for the zone ORIGIN (flags 257) and write\n"
	        "DIR/K<origin>.+<alg>+<tag>.key and .private (mode 0600) as ldns-keygen does.\n"
	        "Prints the base name, the DNSKEY record and the DS record for the parent.\n"
	        "  -a 13|15   algorithm: 13 ECDSA P-256 SHA-256 (default), 15 Ed25519\n"
	        "  -d DIR     the directory of the files (default: the current one)\n"
	        "  -h, --help this text\n",
	        prog);
}

int main(int argc, char **argv)
{
	if (argc > 0 && argv[0][0]) {
		const char *slash = strrchr(argv[0], '/');
		prog = slash ? slash + 1 : argv[0];
	}
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
	unsigned algorithm = DNSSEC_ALG_ECDSAP256SHA256;
	const char *dir = ".";
	int opt;
	while ((opt = getopt(argc, argv, "a:d:h")) != -1) {
		switch (opt) {
		case 'a':
			if (strcmp(optarg, "13") == 0) {
				algorithm = DNSSEC_ALG_ECDSAP256SHA256;
			} else if (strcmp(optarg, "15") == 0) {
				algorithm = DNSSEC_ALG_ED25519;
			} else {
				fprintf(stderr,
				        "%s: algorithm \"%s\": only 13 (ECDSAP256SHA256) and 15 "
				        "(ED25519)\n",
				        prog, optarg);
				return 2;
			}
			break;
		case 'd': dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: %s\n", prog,
		        optind == argc ? "the zone's origin is missing" : "one origin only");
		usage(stderr);
		return 2;
	}
	struct diag d = {0};
	char base[4096], text[1024];
	struct dnssec_key *key = NULL;
	int rc = dnssec_key_generate(argv[optind], algorithm, dir, DNSSEC_FLAGS_KSK, base,
	                             sizeof(base), &key, &d);
	if (rc < 0) {
		for (size_t i = 0; i < d.count; i++)
			fprintf(stderr, "%s: %s\n", prog, d.msgs[i]);
		diag_free(&d);
		return rc == GD_EINVAL ? 2 : 1;
	}
	printf("%s\n", base);
	if (dnssec_key_dnskey_text(key, text, sizeof(text)) == GD_OK)
		printf("%s\n", text);
	if (dnssec_key_ds_text(key, DNSSEC_DIGEST_SHA256, text, sizeof(text)) == GD_OK)
		printf("%s\n", text);
	dnssec_key_free(key);
	diag_free(&d);
	return fflush(stdout) == 0 ? 0 : 1;
}
