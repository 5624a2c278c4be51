/*
 * fuzz_dns.h - an independent check of a response of answer_query(), shared
 * by the fuzz targets that answer queries (no use of the server's parser).
 *
 * The response must walk: header, question, every RR, names with
 * compression pointers that point backwards (after the header, each before
 * the last), the rdata of the types whose names the server compresses
 * (NS, CNAME, PTR, MX, SOA) exact, A and AAAA of 4 and 16 octets, class IN
 * but for OPT, at most one OPT (in the additional section, owner root, its
 * options exactly filling it, payload our udp_payload), at most one TSIG
 * (the last record, class ANY, TTL 0, an uncompressed algorithm name;
 * unsigned: MAC size 0, error BADKEY or BADSIG, no other data, rcode
 * NOTAUTH and no answer; signed: a whole MAC and no error, or BADTIME with
 * six octets of other data and then NOTAUTH), and end exactly at
 * its length. The length must respect the limit: the buffer; over UDP 512
 * without OPT, else the smaller of our udp_payload and the client's size,
 * never more than 4096.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_FUZZ_DNS_H
#define GD_FUZZ_DNS_H

#include "query/answer.h"
#include "common/gd.h"
#include "dns/wire.h"

#include "fuzz_util.h"

#include <stdbool.h>

#define UDP_BUF 4096 /* as in src/server/server_internal.h */

/* ---- an independent walk of a DNS message ---- */

/* Read the name at *pos: labels <= 63, <= 255 octets, pointers to earlier
 * octets of the message (after the header), each before the last. */
__attribute__((unused)) static bool walk_name(const uint8_t *m, size_t n, size_t *pos)
{
	size_t p = *pos, end = 0, total = 1, lim = *pos;
	bool jumped = false;
	for (;;) {
		if (p >= n)
			return false;
		uint8_t c = m[p];
		if ((c & 0xC0) == 0xC0) {
			if (p + 1 >= n)
				return false;
			size_t t = ((size_t)(c & 0x3F) << 8) | m[p + 1];
			if (!jumped)
				end = p + 2;
			if (t >= lim || t < DNS_HEADER_LEN)
				return false;
			lim = t;
			p = t;
			jumped = true;
			continue;
		}
		if (c & 0xC0)
			return false;
		if (c == 0) {
			if (!jumped)
				end = p + 1;
			break;
		}
		total += (size_t)c + 1;
		if (total > WIRE_NAME_MAX)
			return false;
		p += (size_t)c + 1;
	}
	*pos = end;
	return true;
}

struct walk {
	uint16_t id, flags;
	uint16_t counts[4];
	bool opt;             /* an OPT record in the additional section */
	bool tsig;            /* a TSIG record, the last one */
	uint16_t tsig_error;  /* its error */
	uint16_t opt_class;   /* its CLASS: the payload size */
	bool strict;          /* response: compressed rdata must be exact */
};

/* Walk the whole message; false at the first thing out of place. */
__attribute__((unused)) static bool walk_msg(const uint8_t *m, size_t n, struct walk *w)
{
	if (n < DNS_HEADER_LEN)
		return false;
	w->id = rd16(m);
	w->flags = rd16(m + 2);
	for (int i = 0; i < 4; i++)
		w->counts[i] = rd16(m + 4 + 2 * i);
	w->opt = false;
	w->tsig = false;
	size_t pos = DNS_HEADER_LEN;
	for (unsigned i = 0; i < w->counts[0]; i++) {
		if (!walk_name(m, n, &pos) || pos + 4 > n)
			return false;
		pos += 4;
	}
	for (int sec = 1; sec < 4; sec++) {
		for (unsigned i = 0; i < w->counts[sec]; i++) {
			size_t owner = pos;
			if (!walk_name(m, n, &pos) || pos + 10 > n)
				return false;
			uint16_t type = rd16(m + pos), cls = rd16(m + pos + 2);
			uint32_t ttl = rd32(m + pos + 4);
			size_t rdlen = rd16(m + pos + 8);
			pos += 10;
			if (pos + rdlen > n)
				return false;
			size_t rd = pos, rdend = pos + rdlen;
			pos = rdend;
			if (type == TYPE_OPT) {
				if (sec != 3 || w->opt || m[owner] != 0)
					return false;
				w->opt = true;
				w->opt_class = cls;
				if (!w->strict)
					continue;
				/* options: code, length, data; exactly the rdata */
				size_t o = rd;
				while (o < rdend) {
					if (o + 4 > rdend || o + 4 + rd16(m + o + 2) > rdend)
						return false;
					o += 4 + (size_t)rd16(m + o + 2);
				}
				continue;
			}
			if (!w->strict)
				continue;
			if (type == TYPE_TSIG) {
				if (sec != 3 || i + 1 != w->counts[3] || cls != CLASS_ANY ||
				    ttl != 0)
					return false;
				size_t a = rd;
				while (a < rdend && m[a] != 0 && m[a] <= 63)
					a += (size_t)m[a] + 1;
				if (a >= rdend || m[a] != 0 || rdend - a - 1 < 16)
					return false;
				a++;
				/* unsigned: BADKEY or BADSIG, no MAC; signed: a whole
				 * MAC, no error or BADTIME with the server's time */
				size_t mac = rd16(m + a + 8);
				if (rdend - a < 16 + mac)
					return false;
				uint16_t err = rd16(m + a + 12 + mac),
				         olen = rd16(m + a + 14 + mac);
				if (rdend - a != 16 + mac + olen)
					return false;
				if (mac == 0
				        ? !((err == 16 || err == 17) && olen == 0)
				        : !((mac == 20 || mac == 32 || mac == 48 || mac == 64) &&
				            ((err == 0 && olen == 0) || (err == 18 && olen == 6))))
					return false;
				w->tsig = true;
				w->tsig_error = err;
				continue;
			}
			/* class CH: the TXT answer of version.bind and the like
			 * (RFC 4892), a character-string of the whole rdata */
			if (cls == CLASS_CH && type == TYPE_TXT && sec == 1 && rdlen > 0 &&
			    (size_t)m[rd] + 1 == rdlen)
				continue;
			if (cls != CLASS_IN)
				return false;
			/* the types whose rdata names the server compresses */
			size_t pre = 0, names = 0, post = 0;
			switch (type) {
			case TYPE_NS: case TYPE_CNAME: case TYPE_PTR: names = 1; break;
			case TYPE_MX: pre = 2; names = 1; break;
			case TYPE_SOA: names = 2; post = 20; break;
			case TYPE_A: if (rdlen != 4) return false; break;
			case TYPE_AAAA: if (rdlen != 16) return false; break;
			default: break;
			}
			if (names) {
				size_t p = rd + pre;
				for (size_t k = 0; k < names; k++)
					if (p > rdend || !walk_name(m, rdend, &p))
						return false;
				if (p + post != rdend)
					return false;
			}
		}
	}
	return pos == n;
}

/* Check the response out[0..n) to the query pkt[0..len), answered with
 * settings set into a buffer of cap octets. */
__attribute__((unused)) static void fuzz_check_response(const uint8_t *pkt, size_t len,
							const uint8_t *out, size_t n, size_t cap,
							bool tcp, const struct answer_settings *set)
{
	uint16_t id = len >= 2 ? rd16(pkt) : 0;
	fuzz_check(n <= cap, "response of %zu octets, buffer %zu", n, cap);
	if (n > 0) {
		struct walk rw = {.strict = true};
		fuzz_check(walk_msg(out, n, &rw), "response of %zu octets does not parse", n);
		fuzz_check(rw.flags & DNS_FLAG_QR, "response without QR");
		fuzz_check(len >= 2, "a response to a query of %zu octets", len);
		fuzz_check(rw.id == id, "response id %u, query id %u", rw.id, id);
		fuzz_check(rw.counts[0] <= 1, "%u questions", rw.counts[0]);
		if (rw.tsig && rw.tsig_error)
			fuzz_check((rw.flags & 0xF) == RCODE_NOTAUTH && rw.counts[1] == 0,
			           "TSIG error %u in a response of rcode %u with %u answers",
			           rw.tsig_error, rw.flags & 0xF, rw.counts[1]);
		if (rw.tsig && !rw.tsig_error)
			fuzz_check((rw.flags & 0xF) != RCODE_NOTAUTH,
			           "a signed NOTAUTH without error");
		if (rw.opt)
			fuzz_check(rw.opt_class == set->udp_payload,
				   "OPT payload %u, configured %u", rw.opt_class,
				   set->udp_payload);
		if (!tcp) {
			size_t limit = 512;
			if (rw.opt) {
				limit = set->udp_payload;
				/* the client's size, when its own OPT is readable */
				struct walk qw = {.strict = false};
				if (walk_msg(pkt, len, &qw) && qw.opt) {
					size_t c = qw.opt_class < 512 ? 512 : qw.opt_class;
					if (c < limit)
						limit = c;
				}
			}
			fuzz_check(n <= UDP_BUF && n <= limit,
				   "UDP response of %zu octets over the limit %zu (%s)", n, limit,
				   rw.opt ? "EDNS" : "no EDNS");
		}
	}
}

#endif
