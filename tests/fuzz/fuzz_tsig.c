/*
 * fuzz_tsig.c - TSIG verification (RFC 8945, src/dns/tsig.c): one input is
 * one query packet; when the parser finds a TSIG in it, the request is
 * checked against a keyring of four keys (one per algorithm) and the TSIG of
 * the response is written.
 *
 * The keys: fuzz_keys.h, as tests/fuzz/mkseeds.py signs its seeds with them.
 * The server's time is the request's Time Signed when bit 0 of the DNS ID is
 * 0, else just outside its fudge (BADTIME), so mutating the ID reaches both.
 *
 * Properties checked (fuzz_check aborts): the verdict holds together (an
 * unknown key is BADKEY and unsigned; a signed verdict has a key and no
 * error but BADTIME; FORMERR only for a MAC size 5.2.2.1 forbids); a request
 * that verifies stops verifying when one bit of its MAC is flipped; the
 * response's TSIG takes exactly tsig_response_space() octets and is not
 * written into one octet less (the buffer ends a heap block, so a write past
 * it is caught by ASan); the record written reads back: owner, type, class,
 * RDLENGTH, MAC size and error.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/gd.h"
#include "dns/tsig.h"
#include "dns/wire.h"

#include "fuzz_keys.h"
#include "fuzz_util.h"

#include <stdlib.h>
#include <string.h>

static struct tsig_key keys[TSIG_ALGORITHMS];
static struct tsig_keyring ring;

static void init(void)
{
	fuzz_keyring(keys, &ring);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		init();
		ready = 1;
	}
	if (size > 65535)
		return 0; /* a query is at most 65535 octets (TCP) */
	struct query q;
	if (wire_parse_query_opts(data, size, &q, 0) != GD_OK || !q.tsig)
		return 0;
	const struct tsig *t = &q.tsig_rr;
	uint64_t now = t->time_signed + ((q.id & 1) ? (uint64_t)t->fudge + 1 : 0);
	struct tsig_verdict v;
	int rc = tsig_verify_request(data, size, t, &ring, now, &v);
	const struct tsig_key *key = tsig_key_find(&ring, t->key);
	if (rc != GD_OK) {
		size_t full = key ? tsig_mac_size(key->algorithm) : 0;
		size_t least = full / 2 > 10 ? full / 2 : 10;
		fuzz_check(rc == GD_EFORMAT && key && (t->mac_size > full || t->mac_size < least),
		           "FORMERR only for a MAC size out of range (key %p, size %u)",
		           (const void *)key, t->mac_size);
		if (fuzz_verbose())
			fprintf(stderr, "tsig: FORMERR\n");
		return 0;
	}
	if (fuzz_verbose())
		fprintf(stderr, "tsig: error %u sign %d\n", v.error, v.sign);
	fuzz_check(v.key == NULL ? v.error == TSIG_ERROR_BADKEY && !v.sign : v.key == key,
	           "an unknown key is BADKEY, unsigned");
	fuzz_check(!v.sign || v.error == 0 || v.error == TSIG_ERROR_BADTIME,
	           "signed: no error but BADTIME (error %u)", v.error);
	fuzz_check(v.error != TSIG_ERROR_BADSIG || !v.sign, "BADSIG is unsigned");
	fuzz_check(v.error != TSIG_ERROR_BADTIME || (q.id & 1), "BADTIME only outside the fudge");
	if (v.sign) {
		/* the MAC verified: one bit of it flipped must not */
		uint8_t *copy = malloc(size);
		memcpy(copy, data, size);
		copy[t->mac_offset + (q.id >> 1) % t->mac_size] ^= (uint8_t)(1u << (q.id >> 9 & 7));
		struct tsig_verdict v2;
		fuzz_check(tsig_verify_request(copy, size, t, &ring, now, &v2) == GD_OK &&
		               v2.error == TSIG_ERROR_BADSIG && !v2.sign,
		           "a flipped MAC bit still verifies");
		free(copy);
	}

	/* the response: the request up to its TSIG, as a response, then the
	 * TSIG; the buffer ends its heap block */
	size_t start = t->rr_offset, space = tsig_response_space(t, &v);
	uint8_t *msg = malloc(start + space);
	memcpy(msg, data, start);
	msg[2] |= 0x80;
	wr16(msg + 10, (uint16_t)(rd16(msg + 10) - 1));
	fuzz_check(tsig_append_response(msg, start, start + space - 1, t, &v) == 0,
	           "written into one octet less than it needs");
	size_t n = tsig_append_response(msg, start, start + space, t, &v);
	fuzz_check(n == start + space, "the TSIG took %zu octets, not %zu", n - start, space);
	const uint8_t *p = msg + start;
	fuzz_check(memcmp(p, t->key, t->key_len) == 0, "the owner is the request's key name");
	p += t->key_len;
	fuzz_check(rd16(p) == TYPE_TSIG && rd16(p + 2) == CLASS_ANY && rd32(p + 4) == 0 &&
	               rd16(p + 8) == space - t->key_len - 10,
	           "type, class, TTL, RDLENGTH");
	p += 10 + t->alg_len;
	size_t mac = rd16(p + 8);
	fuzz_check(mac == (v.sign ? tsig_mac_size(v.key->algorithm) : 0), "MAC size %zu", mac);
	fuzz_check(rd16(p + 12 + mac) == v.error, "the error");
	free(msg);
	return 0;
}
