/*
 * fuzz_keys.h - the TSIG keyring of the fuzz targets that verify requests
 * (fuzz_tsig.c, fuzz_xfr.c): one key per algorithm, as
 * tests/fuzz/mkseeds.py signs its seeds with them:
 *   sha256.key. hmac-sha256 "fuzz-secret-sha256"
 *   sha384.key. hmac-sha384 "fuzz-secret-sha384"
 *   sha512.key. hmac-sha512 "fuzz-secret-sha512"
 *   sha1.key.   hmac-sha1   "fuzz-secret-sha1"
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_FUZZ_KEYS_H
#define GD_FUZZ_KEYS_H

#include "dns/tsig.h"

#include <string.h>

/* Fill keys (TSIG_ALGORITHMS of them, secrets static) and ring over them. */
__attribute__((unused)) static void fuzz_keyring(struct tsig_key keys[TSIG_ALGORITHMS],
						 struct tsig_keyring *ring)
{
	static const char *const names[TSIG_ALGORITHMS] = {
	    [TSIG_HMAC_SHA256] = "sha256.key.",
	    [TSIG_HMAC_SHA384] = "sha384.key.",
	    [TSIG_HMAC_SHA512] = "sha512.key.",
	    [TSIG_HMAC_SHA1] = "sha1.key.",
	};
	static const char *const secrets[TSIG_ALGORITHMS] = {
	    [TSIG_HMAC_SHA256] = "fuzz-secret-sha256",
	    [TSIG_HMAC_SHA384] = "fuzz-secret-sha384",
	    [TSIG_HMAC_SHA512] = "fuzz-secret-sha512",
	    [TSIG_HMAC_SHA1] = "fuzz-secret-sha1",
	};
	for (int a = 0; a < TSIG_ALGORITHMS; a++) {
		keys[a].name_len = (uint8_t)tsig_name_from_text(names[a], keys[a].name);
		keys[a].algorithm = (enum tsig_algorithm)a;
		keys[a].secret = (uint8_t *)secrets[a];
		keys[a].secret_len = strlen(secrets[a]);
	}
	ring->keys = keys;
	ring->n = TSIG_ALGORITHMS;
}

#endif
