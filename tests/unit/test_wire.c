/*
 * test_wire.c - the query reader (header, question, OPT, Client Subnet), the
 * name helpers and the compressing writer, on hand-built packets.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "common/gd.h"
#include "unit.h"
#include "dns/wire.h"

#include <ctype.h>
#include <string.h>

/* ---- packet builder ---- */

struct pkt {
	uint8_t b[1024];
	size_t len;
};

static void put8(struct pkt *p, uint8_t v)
{
	p->b[p->len++] = v;
}

static void put16(struct pkt *p, uint16_t v)
{
	put8(p, (uint8_t)(v >> 8));
	put8(p, (uint8_t)v);
}

static void putmem(struct pkt *p, const void *data, size_t n)
{
	if (n)
		memcpy(p->b + p->len, data, n);
	p->len += n;
}

/* Wire form of a dotted name ("" or "." is the root); labels cannot hold '.'. */
static size_t to_wire(const char *s, uint8_t *out)
{
	size_t n = 0;
	while (*s && strcmp(s, ".") != 0) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		out[n++] = (uint8_t)l;
		memcpy(out + n, s, l);
		n += l;
		s += l;
		if (*s == '.')
			s++;
	}
	out[n++] = 0;
	return n;
}

static void put_dname(struct pkt *p, const char *name)
{
	p->len += to_wire(name, p->b + p->len);
}

static void header(struct pkt *p, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
		   uint16_t ns, uint16_t ar)
{
	p->len = 0;
	put16(p, id);
	put16(p, flags);
	put16(p, qd);
	put16(p, an);
	put16(p, ns);
	put16(p, ar);
}

static void question(struct pkt *p, const char *name, uint16_t type, uint16_t cls)
{
	put_dname(p, name);
	put16(p, type);
	put16(p, cls);
}

/* A standard query for name/type IN with arcount additional records to come. */
static void query(struct pkt *p, const char *name, uint16_t type, uint16_t ar)
{
	header(p, 0x1234, DNS_FLAG_RD, 1, 0, 0, ar);
	question(p, name, type, CLASS_IN);
}

/* Start an OPT record at the root; returns where RDLEN sits. */
static size_t opt_begin(struct pkt *p, uint16_t udp, uint8_t version, uint16_t flags)
{
	put8(p, 0);
	put16(p, TYPE_OPT);
	put16(p, udp);
	put8(p, 0);
	put8(p, version);
	put16(p, flags);
	size_t at = p->len;
	put16(p, 0);
	return at;
}

static void opt_end(struct pkt *p, size_t at)
{
	wr16(p->b + at, (uint16_t)(p->len - at - 2));
}

static void option(struct pkt *p, uint16_t code, const void *data, uint16_t len)
{
	put16(p, code);
	put16(p, len);
	putmem(p, data, len);
}

static int parse(const struct pkt *p, struct query *q)
{
	memset(q, 0xEE, sizeof(*q)); /* no field may be trusted unless set */
	return wire_parse_query_opts(p->b, p->len, q, 0);
}

/* A query carrying one EDNS option. */
static int parse_with_option(uint16_t code, const void *data, uint16_t len, struct query *q)
{
	struct pkt p;
	query(&p, "example.com", TYPE_A, 1);
	size_t at = opt_begin(&p, 1232, 0, 0);
	option(&p, code, data, len);
	opt_end(&p, at);
	return parse(&p, q);
}

/* ---- wire_parse_query_opts: header and question ---- */

START_TEST(test_parse_valid_query)
{
	struct pkt p;
	struct query q;
	header(&p, 0xBEEF, DNS_FLAG_RD | DNS_FLAG_CD, 1, 0, 0, 0);
	question(&p, "WWW.Example.COM", TYPE_AAAA, CLASS_IN);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.id, 0xBEEF);
	ck_assert_uint_eq(q.flags, DNS_FLAG_RD | DNS_FLAG_CD);
	ck_assert_uint_eq(q.opcode, 0);
	ck_assert_uint_eq(q.qdcount, 1);
	ck_assert(q.have_question);
	ck_assert_uint_eq(q.qtype, TYPE_AAAA);
	ck_assert_uint_eq(q.qclass, CLASS_IN);
	ck_assert_uint_eq(q.qname_len, 17);
	ck_assert_mem_eq(q.qname, "\3WWW\7Example\3COM\0", 17);
	ck_assert_mem_eq(q.lname, "\3www\7example\3com\0", 17);
	ck_assert_uint_eq(q.nlabels, 3);
	ck_assert_uint_eq(q.label_off[0], 0);
	ck_assert_uint_eq(q.label_off[1], 4);
	ck_assert_uint_eq(q.label_off[2], 12);
	ck_assert(!q.edns);
	ck_assert(!q.nsid);
	ck_assert(!q.keepalive);
	ck_assert(!q.ecs_present);
	ck_assert(!q.ecs_malformed);
}
END_TEST

/* lname is zero from the name's end to the next word, and word_hash does
 * not depend on case or on what the buffers held before; names of 255
 * octets end in a word done octet by octet. */
START_TEST(test_parse_word_hash)
{
	struct pkt p;
	struct query q;
	query(&p, "WWW.Example.COM", TYPE_A, 0);
	ck_assert_int_eq(parse(&p, &q), GD_OK); /* q was 0xEE throughout */
	static const uint8_t zero[7] = {0};
	ck_assert_mem_eq(q.lname + 17, zero, 7);
	uint32_t h = q.word_hash;
	query(&p, "www.example.com", TYPE_A, 0);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.word_hash, h);
	query(&p, "wwx.example.com", TYPE_A, 0);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_ne(q.word_hash, h);
	/* 63+63+63+61 octets of labels: 255 with the lengths and the root */
	char big[300], lower[300];
	size_t n = 0;
	for (int l = 0; l < 4; l++) {
		for (int i = 0; i < (l < 3 ? 63 : 61); i++)
			big[n++] = (char)((i % 2 ? 'A' : 'b') + l);
		big[n++] = '.';
	}
	big[n - 1] = 0;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)big[i]);
	query(&p, big, TYPE_A, 0);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.qname_len, 255);
	h = q.word_hash;
	uint8_t l1[255];
	memcpy(l1, q.lname, 255);
	query(&p, lower, TYPE_A, 0);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_mem_eq(q.lname, l1, 255);
	ck_assert_mem_eq(q.lname, q.qname, 255);
	ck_assert_uint_eq(q.word_hash, h);
}
END_TEST

START_TEST(test_parse_root_question)
{
	struct pkt p;
	struct query q;
	query(&p, ".", TYPE_NS, 0);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert(q.have_question);
	ck_assert_uint_eq(q.qname_len, 1);
	ck_assert_uint_eq(q.qname[0], 0);
	ck_assert_uint_eq(q.nlabels, 0);
	ck_assert_uint_eq(q.qtype, TYPE_NS);
}
END_TEST

START_TEST(test_parse_short_header_dropped)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 0);
	ck_assert_int_eq(wire_parse_query_opts(p.b, 0, &q, 0), GD_EDROP);
	ck_assert_int_eq(wire_parse_query_opts(p.b, 11, &q, 0), GD_EDROP);
}
END_TEST

START_TEST(test_parse_response_dropped)
{
	struct pkt p;
	struct query q;
	header(&p, 1, DNS_FLAG_QR | DNS_FLAG_AA, 1, 0, 0, 0);
	question(&p, "example.com", TYPE_A, CLASS_IN);
	ck_assert_int_eq(parse(&p, &q), GD_EDROP);
}
END_TEST

START_TEST(test_parse_qdcount_zero)
{
	struct pkt p;
	struct query q;
	header(&p, 7, 0, 0, 0, 0, 0);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert_uint_eq(q.id, 7);
	ck_assert_uint_eq(q.qdcount, 0);
	ck_assert(!q.have_question);
	ck_assert(!q.edns);
}
END_TEST

START_TEST(test_parse_qdcount_two)
{
	struct pkt p;
	struct query q;
	header(&p, 7, 0, 2, 0, 0, 0);
	question(&p, "a.example", TYPE_A, CLASS_IN);
	question(&p, "b.example", TYPE_A, CLASS_IN);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert_uint_eq(q.qdcount, 2);
	ck_assert(!q.have_question);
}
END_TEST

START_TEST(test_parse_label_type_0x40)
{
	struct pkt p;
	struct query q;
	header(&p, 1, 0, 1, 0, 0, 0);
	put8(&p, 0x40); /* length 64 / extended label type */
	for (int i = 0; i < 64; i++)
		put8(&p, 'a');
	put8(&p, 0);
	put16(&p, TYPE_A);
	put16(&p, CLASS_IN);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(!q.have_question);
}
END_TEST

START_TEST(test_parse_label_type_0x80)
{
	struct pkt p;
	struct query q;
	header(&p, 1, 0, 1, 0, 0, 0);
	put8(&p, 0x81);
	put8(&p, 'a');
	put8(&p, 0);
	put16(&p, TYPE_A);
	put16(&p, CLASS_IN);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
}
END_TEST

/* A question name of labels with the given lengths (filled with 'x'). */
static void long_question(struct pkt *p, const int *lens, size_t n)
{
	header(p, 1, 0, 1, 0, 0, 0);
	for (size_t i = 0; i < n; i++) {
		put8(p, (uint8_t)lens[i]);
		for (int j = 0; j < lens[i]; j++)
			put8(p, 'x');
	}
	put8(p, 0);
	put16(p, TYPE_A);
	put16(p, CLASS_IN);
}

START_TEST(test_parse_name_255_accepted)
{
	static const int lens[] = {63, 63, 63, 61}; /* 64 * 3 + 62 + 1 = 255 */
	struct pkt p;
	struct query q;
	long_question(&p, lens, 4);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.qname_len, 255);
	ck_assert_uint_eq(q.nlabels, 4);
	ck_assert_uint_eq(q.label_off[3], 192);
}
END_TEST

START_TEST(test_parse_name_256_rejected)
{
	static const int lens[] = {63, 63, 63, 62}; /* 256 octets */
	struct pkt p;
	struct query q;
	long_question(&p, lens, 4);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(!q.have_question);
}
END_TEST

START_TEST(test_parse_pointer_to_itself)
{
	struct pkt p;
	struct query q;
	header(&p, 1, 0, 1, 0, 0, 0);
	put16(&p, 0xC00C); /* the question name at 12 points to 12 */
	put16(&p, TYPE_A);
	put16(&p, CLASS_IN);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
}
END_TEST

START_TEST(test_parse_forward_pointer)
{
	struct pkt p;
	struct query q;
	header(&p, 1, 0, 1, 0, 0, 0);
	put16(&p, 0xC00E); /* to the valid root label right after it */
	put8(&p, 0);
	put16(&p, TYPE_A);
	put16(&p, CLASS_IN);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
}
END_TEST

START_TEST(test_parse_pointer_loop_in_answer)
{
	struct pkt p;
	struct query q;
	header(&p, 1, 0, 1, 1, 0, 0);
	question(&p, "a", TYPE_A, CLASS_IN); /* 12..18 */
	ck_assert_uint_eq(p.len, 19);
	put16(&p, 0xC015); /* 19 -> 21 */
	put16(&p, 0xC013); /* 21 -> 19 */
	put16(&p, TYPE_A);
	put16(&p, CLASS_IN);
	put16(&p, 0);
	put16(&p, 0);
	put16(&p, 0);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(q.have_question);
}
END_TEST

START_TEST(test_parse_answer_pointer_to_question_ok)
{
	struct pkt p;
	struct query q;
	header(&p, 1, 0, 1, 1, 0, 0);
	question(&p, "example.com", TYPE_A, CLASS_IN);
	put16(&p, 0xC00C);
	put16(&p, TYPE_A);
	put16(&p, CLASS_IN);
	put16(&p, 0);
	put16(&p, 300);
	put16(&p, 4);
	putmem(&p, "\xC0\x00\x02\x01", 4);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert(!q.edns);
}
END_TEST

/*
 * A compression pointer in the question can only point into the 12-byte
 * header, which holds no name: such a "name" is made of the header's own
 * bytes (here the low octet of ARCOUNT, 0, read as the root) and must be
 * refused rather than answered.
 */
START_TEST(test_parse_question_pointer_into_header)
{
	struct pkt p;
	struct query q;
	header(&p, 1, 0, 1, 0, 0, 0);
	put16(&p, 0xC00B);
	put16(&p, TYPE_A);
	put16(&p, CLASS_IN);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
}
END_TEST

START_TEST(test_parse_truncated_qtype_qclass)
{
	struct pkt p;
	struct query q;
	header(&p, 1, 0, 1, 0, 0, 0);
	put_dname(&p, "example.com");
	put16(&p, TYPE_A); /* QCLASS missing */
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(!q.have_question);
	p.len -= 2; /* QTYPE missing too */
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(!q.have_question);
}
END_TEST

START_TEST(test_parse_truncated_name)
{
	struct pkt p;
	struct query q;
	header(&p, 1, 0, 1, 0, 0, 0);
	putmem(&p, "\7exam", 5); /* label runs past the end */
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	header(&p, 1, 0, 1, 0, 0, 0);
	putmem(&p, "\7example", 8); /* no root label */
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	header(&p, 1, 0, 1, 0, 0, 0);
	put8(&p, 0xC0); /* half a pointer */
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
}
END_TEST

START_TEST(test_parse_missing_additional)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1); /* ARCOUNT 1, nothing follows */
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(q.have_question);
	ck_assert(!q.edns);
}
END_TEST

START_TEST(test_parse_trailing_garbage)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 0);
	put8(&p, 0);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(q.have_question);
}
END_TEST

START_TEST(test_parse_trailing_garbage_after_opt)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	opt_end(&p, opt_begin(&p, 4096, 0, 0));
	putmem(&p, "\1\2\3", 3);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(q.have_question);
}
END_TEST

START_TEST(test_parse_notimp_opcode)
{
	struct pkt p;
	struct query q;
	header(&p, 0x4321, 5u << 11, 0, 0, 0, 0); /* UPDATE, no zone section */
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.id, 0x4321);
	ck_assert_uint_eq(q.opcode, 5);
	ck_assert_uint_eq(q.qdcount, 0);
	ck_assert(!q.have_question);
	ck_assert(!q.edns);

	header(&p, 2, 2u << 11 | DNS_FLAG_RD, 1, 0, 0, 0); /* STATUS */
	question(&p, "example.com", TYPE_A, CLASS_IN);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.opcode, 2);
	ck_assert_uint_eq(q.qdcount, 1);
	ck_assert(!q.have_question);
}
END_TEST

START_TEST(test_parse_non_opt_additional_skipped)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	put16(&p, 0xC00C);
	put16(&p, TYPE_TXT);
	put16(&p, CLASS_IN);
	put16(&p, 0);
	put16(&p, 0);
	put16(&p, 3);
	putmem(&p, "\2hi", 3);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert(!q.edns);
}
END_TEST

/* ---- OPT ---- */

START_TEST(test_edns_basic)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	opt_end(&p, opt_begin(&p, 4096, 0, EDNS_FLAG_DO));
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert(q.edns);
	ck_assert_uint_eq(q.udp_size, 4096);
	ck_assert_uint_eq(q.edns_version, 0);
	ck_assert_uint_eq(q.edns_flags, EDNS_FLAG_DO);
	ck_assert(!q.nsid);
	ck_assert(!q.keepalive);
	ck_assert(!q.ecs_present);
}
END_TEST

START_TEST(test_edns_small_udp_size_raised)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	opt_end(&p, opt_begin(&p, 100, 0, 0));
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.udp_size, 512);
	query(&p, "example.com", TYPE_A, 1);
	opt_end(&p, opt_begin(&p, 511, 0, 0));
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.udp_size, 512);
	query(&p, "example.com", TYPE_A, 1);
	opt_end(&p, opt_begin(&p, 513, 0, 0));
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.udp_size, 513);
}
END_TEST

START_TEST(test_edns_version_and_flags_kept)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	opt_end(&p, opt_begin(&p, 1232, 1, 0x8001));
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert(q.edns);
	ck_assert_uint_eq(q.edns_version, 1);
	ck_assert_uint_eq(q.edns_flags, 0x8001);
}
END_TEST

START_TEST(test_edns_rdlen_past_packet)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	size_t at = opt_begin(&p, 1232, 0, 0);
	option(&p, EDNS_OPT_NSID, NULL, 0);
	wr16(p.b + at, 5); /* 4 octets present */
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(q.have_question);
	ck_assert(!q.edns);
}
END_TEST

START_TEST(test_edns_option_past_rdata)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	size_t at = opt_begin(&p, 1232, 0, 0);
	put16(&p, EDNS_OPT_NSID);
	put16(&p, 10); /* but only 2 octets of data */
	put16(&p, 0);
	opt_end(&p, at);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(q.edns); /* the FORMERR still carries an OPT */
	ck_assert(!q.ecs_malformed);
}
END_TEST

START_TEST(test_edns_truncated_option_header)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	size_t at = opt_begin(&p, 1232, 0, 0);
	put16(&p, EDNS_OPT_NSID); /* no OPTION-LENGTH */
	opt_end(&p, at);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(q.edns);
}
END_TEST

START_TEST(test_edns_two_opt_records)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 2);
	opt_end(&p, opt_begin(&p, 1232, 0, 0));
	opt_end(&p, opt_begin(&p, 1232, 0, 0));
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(q.have_question);
}
END_TEST

START_TEST(test_edns_opt_owner_not_root)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	put16(&p, 0xC00C); /* owner example.com */
	put16(&p, TYPE_OPT);
	put16(&p, 1232);
	put16(&p, 0);
	put16(&p, 0);
	put16(&p, 0);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(!q.edns);
}
END_TEST

START_TEST(test_edns_nsid)
{
	struct query q;
	ck_assert_int_eq(parse_with_option(EDNS_OPT_NSID, NULL, 0, &q), GD_OK);
	ck_assert(q.edns);
	ck_assert(q.nsid);
	ck_assert(!q.keepalive);
	ck_assert(!q.ecs_present);
}
END_TEST

START_TEST(test_edns_keepalive)
{
	struct query q;
	ck_assert_int_eq(parse_with_option(EDNS_OPT_KEEPALIVE, NULL, 0, &q), GD_OK);
	ck_assert(q.keepalive);
	ck_assert(!q.nsid);
	ck_assert_int_eq(parse_with_option(EDNS_OPT_KEEPALIVE, "\0\x64", 2, &q), GD_OK);
	ck_assert(q.keepalive);
}
END_TEST

START_TEST(test_edns_unknown_option_ignored)
{
	struct query q;
	ck_assert_int_eq(parse_with_option(65001, "\1\2\3\4\5", 5, &q), GD_OK);
	ck_assert(q.edns);
	ck_assert(!q.nsid);
	ck_assert(!q.keepalive);
	ck_assert(!q.ecs_present);
}
END_TEST

START_TEST(test_edns_several_options)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	size_t at = opt_begin(&p, 1232, 0, 0);
	option(&p, EDNS_OPT_COOKIE, "\1\2\3\4\5\6\7\x8", 8);
	option(&p, EDNS_OPT_NSID, NULL, 0);
	option(&p, EDNS_OPT_KEEPALIVE, NULL, 0);
	option(&p, EDNS_OPT_ECS, "\0\1\x18\0\xC0\0\2", 7);
	opt_end(&p, at);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert(q.nsid);
	ck_assert(q.keepalive);
	ck_assert(q.ecs_present);
	ck_assert_uint_eq(q.ecs.source, 24);
}
END_TEST

/* ---- Client Subnet ---- */

START_TEST(test_ecs_ipv4_24)
{
	struct query q;
	static const uint8_t want[16] = {198, 51, 100};
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\x18\0\xC6\x33\x64", 7, &q), GD_OK);
	ck_assert(q.ecs_present);
	ck_assert(!q.ecs_malformed);
	ck_assert_uint_eq(q.ecs.family, 1);
	ck_assert_uint_eq(q.ecs.source, 24);
	ck_assert_uint_eq(q.ecs.scope, 0);
	ck_assert_uint_eq(q.ecs.addr_len, 3);
	ck_assert_mem_eq(q.ecs.addr, want, 16);
}
END_TEST

START_TEST(test_ecs_ipv6_56)
{
	struct query q;
	static const uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x23};
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS,
					   "\0\2\x38\0\x20\x01\x0d\xb8\x00\x01\x23", 11, &q),
			 GD_OK);
	ck_assert(q.ecs_present);
	ck_assert_uint_eq(q.ecs.family, 2);
	ck_assert_uint_eq(q.ecs.source, 56);
	ck_assert_uint_eq(q.ecs.addr_len, 7);
	ck_assert_mem_eq(q.ecs.addr, want, 16);
}
END_TEST

START_TEST(test_ecs_odd_prefix_ok)
{
	struct query q;
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\x17\0\xC6\x33\x64", 7, &q), GD_OK);
	ck_assert_uint_eq(q.ecs.source, 23);
	ck_assert_uint_eq(q.ecs.addr_len, 3);
	ck_assert_uint_eq(q.ecs.addr[2], 0x64);
}
END_TEST

START_TEST(test_ecs_bad_family)
{
	struct query q;
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\0\x08\0\x0A", 5, &q), GD_EFORMAT);
	ck_assert(!q.ecs_present);
	ck_assert(q.ecs_malformed);
	ck_assert(q.edns); /* the FORMERR still carries an OPT */
	ck_assert(q.have_question);
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\3\x08\0\x0A", 5, &q), GD_EFORMAT);
	ck_assert(!q.ecs_present);
	ck_assert(q.ecs_malformed);
}
END_TEST

START_TEST(test_ecs_source_too_long)
{
	struct query q;
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\x21\0\1\2\3\4\0", 9, &q), GD_EFORMAT);
	uint8_t v6[4 + 17] = {0, 2, 129, 0};
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, v6, sizeof(v6), &q), GD_EFORMAT);
	/* the maxima themselves are fine */
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\x20\0\1\2\3\4", 8, &q), GD_OK);
	ck_assert_uint_eq(q.ecs.addr_len, 4);
	uint8_t v6max[4 + 16] = {0, 2, 128, 0, 0x20, 0x01};
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, v6max, sizeof(v6max), &q), GD_OK);
	ck_assert_uint_eq(q.ecs.addr_len, 16);
}
END_TEST

START_TEST(test_ecs_address_too_short)
{
	struct query q;
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\x18\0\xC6\x33", 6, &q), GD_EFORMAT);
	ck_assert(!q.ecs_present);
	ck_assert(q.ecs_malformed);
}
END_TEST

START_TEST(test_ecs_address_too_long)
{
	struct query q;
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\x18\0\xC6\x33\x64\0", 8, &q),
			 GD_EFORMAT);
	ck_assert(!q.ecs_present);
	ck_assert(q.ecs_malformed);
}
END_TEST

START_TEST(test_ecs_bits_beyond_prefix)
{
	struct query q;
	/* /23 with the 24th bit set */
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\x17\0\xC6\x33\x65", 7, &q),
			 GD_EFORMAT);
	/* /17 with a low bit of the third octet set */
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\x11\0\xC6\x33\x40", 7, &q),
			 GD_EFORMAT);
	/* /57 for IPv6 with the last bit of the eighth octet set */
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\2\x39\0\x20\x01\x0d\xb8\0\0\0\x01",
					   12, &q),
			 GD_EFORMAT);
}
END_TEST

START_TEST(test_ecs_option_too_short)
{
	struct query q;
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\0", 3, &q), GD_EFORMAT);
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, NULL, 0, &q), GD_EFORMAT);
}
END_TEST

START_TEST(test_ecs_nonzero_scope)
{
	struct query q;
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\x18\x10\xC6\x33\x64", 7, &q),
			 GD_EFORMAT);
	ck_assert(!q.ecs_present);
	ck_assert(q.ecs_malformed);
}
END_TEST

START_TEST(test_ecs_source_zero)
{
	struct query q;
	static const uint8_t zero[16] = {0};
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\0\0", 4, &q), GD_OK);
	ck_assert(q.ecs_present);
	ck_assert_uint_eq(q.ecs.family, 1);
	ck_assert_uint_eq(q.ecs.source, 0);
	ck_assert_uint_eq(q.ecs.addr_len, 0);
	ck_assert_mem_eq(q.ecs.addr, zero, 16);
	/* and an address octet with source 0 is one too many */
	ck_assert_int_eq(parse_with_option(EDNS_OPT_ECS, "\0\1\0\0\0", 5, &q), GD_EFORMAT);
}
END_TEST

/* RFC 7871 does not define two ECS options: the subnet would be ambiguous */
START_TEST(test_ecs_two_options_formerr)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	size_t at = opt_begin(&p, 1232, 0, 0);
	option(&p, EDNS_OPT_ECS, "\0\1\x18\0\xC6\x33\x64", 7);
	option(&p, EDNS_OPT_ECS, "\0\1\x08\0\x0A", 5);
	opt_end(&p, at);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(q.edns);
	ck_assert(q.have_question);
	ck_assert(q.ecs_malformed);
}
END_TEST

/* ---- name helpers ---- */

START_TEST(test_name_equal)
{
	uint8_t a[256], b[256];
	to_wire("WWW.Example.com", a);
	to_wire("www.example.COM", b);
	ck_assert(wire_name_equal(a, b));
	to_wire("www.example.org", b);
	ck_assert(!wire_name_equal(a, b));
	to_wire("www.example.com.x", b);
	ck_assert(!wire_name_equal(a, b));
	to_wire("ab.c", a);
	to_wire("a.bc", b);
	ck_assert(!wire_name_equal(a, b));
	to_wire(".", a);
	to_wire(".", b);
	ck_assert(wire_name_equal(a, b));
	/* only ASCII letters fold: '[' is not '{' */
	ck_assert(!wire_name_equal((const uint8_t *)"\1[\0", (const uint8_t *)"\1{\0"));
}
END_TEST

START_TEST(test_name_is_sub)
{
	uint8_t n[256], p[256];
	to_wire("www.Example.com", n);
	to_wire("example.COM", p);
	ck_assert(wire_name_is_sub(n, p));
	ck_assert(!wire_name_is_sub(p, n));
	ck_assert(wire_name_is_sub(p, p));
	to_wire("wwwexample.com", n);
	ck_assert(!wire_name_is_sub(n, p));
	to_wire("example.net", n);
	ck_assert(!wire_name_is_sub(n, p));
	to_wire(".", p);
	ck_assert(wire_name_is_sub(n, p));
	ck_assert(wire_name_is_sub(p, p));
}
END_TEST

START_TEST(test_name_lower)
{
	static const uint8_t in[] = "\5AbZ[@\4\xC4Q-9\0";
	uint8_t out[16];
	memset(out, 0xEE, sizeof(out));
	wire_name_lower(in, 12, out);
	ck_assert_mem_eq(out, "\5abz[@\4\xC4q-9\0", 12);
	ck_assert_uint_eq(out[12], 0xEE);
}
END_TEST

START_TEST(test_name_to_str)
{
	char buf[256];
	uint8_t n[256];
	to_wire("www.Example.com", n);
	ck_assert_str_eq(wire_name_to_str(n, buf, sizeof(buf)), "www.Example.com.");
	ck_assert_str_eq(wire_name_to_str((const uint8_t *)"", buf, sizeof(buf)), ".");
	ck_assert_str_eq(wire_name_to_str((const uint8_t *)"\3a.b\7example\0", buf, sizeof(buf)),
			 "a\\.b.example.");
	ck_assert_str_eq(wire_name_to_str((const uint8_t *)"\4a\1 \xff\0", buf, sizeof(buf)),
			 "a\\001\\032\\255.");
	ck_assert_str_eq(wire_name_to_str((const uint8_t *)"\3\\\"\x7f\0", buf, sizeof(buf)),
			 "\\\\\\\"\\127.");
}
END_TEST

START_TEST(test_name_to_str_small_buffer)
{
	char buf[8];
	uint8_t n[256];
	memset(buf, 'Z', sizeof(buf));
	to_wire("example.com", n);
	wire_name_to_str(n, buf, 6);
	ck_assert_uint_lt(strlen(buf), 6);
	ck_assert_int_eq(buf[6], 'Z');
	ck_assert_int_eq(buf[7], 'Z');
}
END_TEST

START_TEST(test_name_len)
{
	uint8_t n[300];
	ck_assert_uint_eq(wire_name_len((const uint8_t *)"\3www\7example\3com\0", 17), 17);
	ck_assert_uint_eq(wire_name_len((const uint8_t *)"\3www\7example\3com\0", 64), 17);
	ck_assert_uint_eq(wire_name_len((const uint8_t *)"", 1), 1);
	/* the root label lies beyond max */
	ck_assert_uint_eq(wire_name_len((const uint8_t *)"\3www\7example\3com\0", 16), 0);
	/* a label runs past max */
	ck_assert_uint_eq(wire_name_len((const uint8_t *)"\3www\7exa", 8), 0);
	/* label lengths 64 and 0xC0 */
	memset(n, 'a', sizeof(n));
	n[0] = 64;
	n[65] = 0;
	ck_assert_uint_eq(wire_name_len(n, sizeof(n)), 0);
	ck_assert_uint_eq(wire_name_len((const uint8_t *)"\xC0\x0C", 2), 0);
	/* 256 octets */
	memset(n, 'a', sizeof(n));
	n[0] = n[64] = n[128] = 63;
	n[192] = 62;
	n[255] = 0;
	ck_assert_uint_eq(wire_name_len(n, sizeof(n)), 0);
	n[192] = 61;
	n[254] = 0;
	ck_assert_uint_eq(wire_name_len(n, sizeof(n)), 255);
	ck_assert_uint_eq(wire_name_labels(n), 4);
}
END_TEST

/* ---- writer ---- */

static const uint8_t zero_header[DNS_HEADER_LEN];

static void writer_with_header(struct wire_writer *w, uint8_t *buf, size_t cap)
{
	wire_writer_init(w, buf, cap);
	ck_assert_int_eq(wire_put(w, zero_header, sizeof(zero_header)), GD_OK);
}

static int put_name(struct wire_writer *w, const char *name, bool compress)
{
	uint8_t n[256];
	to_wire(name, n);
	return wire_put_name(w, n, compress);
}

START_TEST(test_put_integers)
{
	uint8_t buf[8];
	struct wire_writer w;
	wire_writer_init(&w, buf, 7);
	ck_assert_int_eq(wire_put16(&w, 0x1234), GD_OK);
	ck_assert_int_eq(wire_put32(&w, 0xA1B2C3D4), GD_OK);
	ck_assert_uint_eq(w.len, 6);
	ck_assert_mem_eq(buf, "\x12\x34\xA1\xB2\xC3\xD4", 6);
	ck_assert_int_eq(wire_put16(&w, 1), GD_ESPACE);
	ck_assert_int_eq(wire_put32(&w, 1), GD_ESPACE);
	ck_assert_int_eq(wire_put(&w, "ab", 2), GD_ESPACE);
	ck_assert_uint_eq(w.len, 6);
	ck_assert_int_eq(wire_put(&w, "a", 1), GD_OK);
	ck_assert_uint_eq(w.len, 7);
}
END_TEST

START_TEST(test_put_name_compresses_whole_name)
{
	uint8_t buf[512];
	struct wire_writer w;
	writer_with_header(&w, buf, sizeof(buf));
	ck_assert_int_eq(put_name(&w, "www.example.com", true), GD_OK);
	ck_assert_uint_eq(w.len, 29);
	ck_assert_mem_eq(buf + 12, "\3www\7example\3com\0", 17);
	ck_assert_int_eq(put_name(&w, "www.example.com", true), GD_OK);
	ck_assert_uint_eq(w.len, 31);
	ck_assert_mem_eq(buf + 29, "\xC0\x0C", 2);
}
END_TEST

START_TEST(test_put_name_case_insensitive)
{
	uint8_t buf[512];
	struct wire_writer w;
	writer_with_header(&w, buf, sizeof(buf));
	ck_assert_int_eq(put_name(&w, "www.example.com", true), GD_OK);
	ck_assert_int_eq(put_name(&w, "WWW.Example.COM", true), GD_OK);
	ck_assert_uint_eq(w.len, 31);
	ck_assert_mem_eq(buf + 29, "\xC0\x0C", 2);
}
END_TEST

START_TEST(test_put_name_partial_suffix)
{
	uint8_t buf[512];
	struct wire_writer w;
	writer_with_header(&w, buf, sizeof(buf));
	ck_assert_int_eq(put_name(&w, "www.example.com", true), GD_OK);
	ck_assert_int_eq(put_name(&w, "mail.example.com", true), GD_OK);
	ck_assert_uint_eq(w.len, 36);
	ck_assert_mem_eq(buf + 29, "\4mail\xC0\x10", 7);
	/* a name ending in "com" points at the "com" of the first name */
	ck_assert_int_eq(put_name(&w, "other.com", true), GD_OK);
	ck_assert_mem_eq(buf + 36, "\5other\xC0\x18", 8);
	/* the new name itself is now a target, through its pointer */
	ck_assert_int_eq(put_name(&w, "a.mail.example.com", true), GD_OK);
	ck_assert_mem_eq(buf + 44, "\1a\xC0\x1D", 4);
	ck_assert_uint_eq(w.len, 48);
	/* nothing in common: literal */
	ck_assert_int_eq(put_name(&w, "example.org", true), GD_OK);
	ck_assert_mem_eq(buf + 48, "\7example\3org\0", 13);
	ck_assert_uint_eq(w.len, 61);
}
END_TEST

START_TEST(test_put_name_uncompressed)
{
	uint8_t buf[512];
	struct wire_writer w;
	writer_with_header(&w, buf, sizeof(buf));
	ck_assert_int_eq(put_name(&w, "www.example.com", false), GD_OK);
	ck_assert_int_eq(put_name(&w, "www.example.com", false), GD_OK);
	ck_assert_uint_eq(w.len, 12 + 17 + 17);
	ck_assert_mem_eq(buf + 29, "\3www\7example\3com\0", 17);
	/* uncompressed names are still targets for later ones */
	ck_assert_int_eq(put_name(&w, "ftp.example.com", true), GD_OK);
	ck_assert_mem_eq(buf + 46, "\3ftp\xC0\x10", 6);
}
END_TEST

START_TEST(test_put_name_root)
{
	uint8_t buf[16];
	struct wire_writer w;
	writer_with_header(&w, buf, sizeof(buf));
	ck_assert_int_eq(put_name(&w, ".", true), GD_OK);
	ck_assert_uint_eq(w.len, 13);
	ck_assert_uint_eq(buf[12], 0);
}
END_TEST

START_TEST(test_put_name_no_space)
{
	uint8_t buf[64];
	struct wire_writer w;
	memset(buf, 0xAA, sizeof(buf));
	writer_with_header(&w, buf, 12 + 16);
	ck_assert_int_eq(put_name(&w, "www.example.com", true), GD_ESPACE);
	ck_assert_uint_eq(w.len, 12);
	ck_assert_uint_eq(w.ncomp, 0);
	for (size_t i = 12; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0xAA);

	writer_with_header(&w, buf, 12 + 17);
	ck_assert_int_eq(put_name(&w, "www.example.com", true), GD_OK);
	ck_assert_uint_eq(w.len, 29);
	/* a pointer needs two octets, one is left */
	w.cap = 30;
	unsigned ncomp = w.ncomp;
	ck_assert_int_eq(put_name(&w, "a.example.com", true), GD_ESPACE);
	ck_assert_int_eq(put_name(&w, "example.com", true), GD_ESPACE);
	ck_assert_uint_eq(w.len, 29);
	ck_assert_uint_eq(w.ncomp, ncomp);
	ck_assert_uint_eq(buf[29], 0xAA);
}
END_TEST

START_TEST(test_rollback_restores_compression)
{
	uint8_t buf[512];
	struct wire_writer w;
	writer_with_header(&w, buf, sizeof(buf));
	ck_assert_int_eq(put_name(&w, "example.com", true), GD_OK); /* 12..24 */
	struct wire_mark m = wire_mark(&w);
	ck_assert_int_eq(put_name(&w, "www.example.com", true), GD_OK); /* 25..30 */
	ck_assert_mem_eq(buf + 25, "\3www\xC0\x0C", 6);
	ck_assert_int_eq(put_name(&w, "foo.test", true), GD_OK); /* 31..40 */
	ck_assert_int_eq(wire_put32(&w, 0xFFFFFFFF), GD_OK);
	wire_rollback(&w, m);
	ck_assert_uint_eq(w.len, 25);
	ck_assert_uint_eq(w.ncomp, m.ncomp);
	/* must be literal: the earlier "foo.test" and "www" are gone */
	ck_assert_int_eq(put_name(&w, "foo.test", true), GD_OK);
	ck_assert_mem_eq(buf + 25, "\3foo\4test\0", 10);
	ck_assert_int_eq(put_name(&w, "www.example.com", true), GD_OK);
	ck_assert_mem_eq(buf + 35, "\3www\xC0\x0C", 6);
	ck_assert_uint_eq(w.len, 41);
}
END_TEST

START_TEST(test_put_name_beyond_pointer_range)
{
	static uint8_t buf[0x4100];
	struct wire_writer w;
	wire_writer_init(&w, buf, sizeof(buf));
	w.len = 0x4000; /* past the 14-bit pointer range */
	ck_assert_int_eq(put_name(&w, "example.com", true), GD_OK);
	ck_assert_uint_eq(w.ncomp, 0);
	ck_assert_int_eq(put_name(&w, "example.com", true), GD_OK);
	ck_assert_mem_eq(buf + 0x400D, "\7example\3com\0", 13);
}
END_TEST

/* ---- wire_parse_query_opts: TSIG (RFC 8945 4.2, 5.2) ---- */

struct tsig_spec {
	const char *key, *alg;
	uint16_t cls;
	uint32_t ttl;
	uint64_t time;
	uint16_t fudge, mac_len, orig_id, error, other_len;
	int rdlen_delta; /* added to the true RDLENGTH */
};

static const struct tsig_spec tsig_default = {.key = "k1.example",
                                              .alg = "hmac-sha256",
                                              .cls = CLASS_ANY,
                                              .ttl = 0,
                                              .time = 0x123456789ABCull,
                                              .fudge = 300,
                                              .mac_len = 32,
                                              .orig_id = 0x1234};

/* A TSIG record as dig sends it: MAC octets 0xAB, other data 0xCD. */
static void put_tsig_rr(struct pkt *p, const struct tsig_spec *t)
{
	put_dname(p, t->key);
	put16(p, TYPE_TSIG);
	put16(p, t->cls);
	put16(p, (uint16_t)(t->ttl >> 16));
	put16(p, (uint16_t)t->ttl);
	size_t at = p->len;
	put16(p, 0);
	put_dname(p, t->alg);
	put16(p, (uint16_t)(t->time >> 32));
	put16(p, (uint16_t)(t->time >> 16));
	put16(p, (uint16_t)t->time);
	put16(p, t->fudge);
	put16(p, t->mac_len);
	for (unsigned i = 0; i < t->mac_len; i++)
		put8(p, 0xAB);
	put16(p, t->orig_id);
	put16(p, t->error);
	put16(p, t->other_len);
	for (unsigned i = 0; i < t->other_len; i++)
		put8(p, 0xCD);
	wr16(p->b + at, (uint16_t)((int)(p->len - at - 2) + t->rdlen_delta));
}

/* A TSIG's owner, TYPE, CLASS ANY, TTL 0 and RDLENGTH, its RDATA to come. */
static void tsig_head(struct pkt *p, const char *key, uint16_t rdlen)
{
	put_dname(p, key);
	put16(p, TYPE_TSIG);
	put16(p, CLASS_ANY);
	put16(p, 0);
	put16(p, 0);
	put16(p, rdlen);
}

/* example.com/A with one TSIG record as described. */
static int parse_tsig_query(const struct tsig_spec *t, struct query *q)
{
	struct pkt p;
	query(&p, "example.com", TYPE_A, 1);
	put_tsig_rr(&p, t);
	return parse(&p, q);
}

START_TEST(test_tsig_fields)
{
	struct query q;
	ck_assert_int_eq(parse_tsig_query(&tsig_default, &q), GD_OK);
	ck_assert(q.tsig);
	ck_assert(!q.edns);
	const struct tsig *t = &q.tsig_rr;
	ck_assert_uint_eq(t->key_len, 12);
	ck_assert_mem_eq(t->key,
	                 "\x02k1\x07"
	                 "example\x00",
	                 12);
	ck_assert_uint_eq(t->alg_len, 13);
	ck_assert_mem_eq(t->alg, "\x0bhmac-sha256\x00", 13);
	ck_assert_uint_eq(t->time_signed, 0x123456789ABCull);
	ck_assert_uint_eq(t->fudge, 300);
	ck_assert_uint_eq(t->mac_size, 32);
	ck_assert_uint_eq(t->original_id, 0x1234);
	ck_assert_uint_eq(t->error, 0);
	ck_assert_uint_eq(t->other_len, 0);

	/* other data (as in a BADTIME), another original ID, an error value */
	struct tsig_spec o = tsig_default;
	o.other_len = 6;
	o.orig_id = 0xBEEF;
	o.error = 18;
	o.mac_len = 0;
	ck_assert_int_eq(parse_tsig_query(&o, &q), GD_OK);
	ck_assert(q.tsig);
	ck_assert_uint_eq(q.tsig_rr.other_len, 6);
	ck_assert_uint_eq(q.tsig_rr.original_id, 0xBEEF);
	ck_assert_uint_eq(q.tsig_rr.error, 18);
	ck_assert_uint_eq(q.tsig_rr.mac_size, 0);
}
END_TEST

START_TEST(test_tsig_absent)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 0);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert(!q.tsig); /* set by the parser (parse() fills q with 0xEE) */
}
END_TEST

START_TEST(test_tsig_after_opt)
{
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 2);
	size_t at = opt_begin(&p, 1232, 0, 0);
	option(&p, EDNS_OPT_NSID, NULL, 0);
	opt_end(&p, at);
	put_tsig_rr(&p, &tsig_default);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert(q.edns);
	ck_assert(q.nsid);
	ck_assert(q.tsig);
	ck_assert_uint_eq(q.tsig_rr.original_id, 0x1234);
}
END_TEST

START_TEST(test_tsig_not_last_formerr)
{
	/* TSIG before the OPT (NSD issue 163): FORMERR */
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 2);
	put_tsig_rr(&p, &tsig_default);
	size_t at = opt_begin(&p, 1232, 0, 0);
	opt_end(&p, at);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	ck_assert(q.edns); /* the OPT after it was read: the FORMERR carries OPT */
	/* two TSIGs: the first is not last */
	query(&p, "example.com", TYPE_A, 2);
	put_tsig_rr(&p, &tsig_default);
	put_tsig_rr(&p, &tsig_default);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	/* TSIG before another record of the additional section */
	query(&p, "example.com", TYPE_A, 2);
	put_tsig_rr(&p, &tsig_default);
	put_dname(&p, "a.example");
	put16(&p, TYPE_A);
	put16(&p, CLASS_IN);
	put16(&p, 0);
	put16(&p, 60);
	put16(&p, 4);
	putmem(&p, "\x0a\x00\x00\x01", 4);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
}
END_TEST

START_TEST(test_tsig_in_answer_or_authority_formerr)
{
	struct pkt p;
	struct query q;
	header(&p, 0x1234, 0, 1, 1, 0, 0);
	question(&p, "example.com", TYPE_A, CLASS_IN);
	put_tsig_rr(&p, &tsig_default);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	header(&p, 0x1234, 0, 1, 0, 1, 0);
	question(&p, "example.com", TYPE_A, CLASS_IN);
	put_tsig_rr(&p, &tsig_default);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
}
END_TEST

START_TEST(test_tsig_malformed_formerr)
{
	struct query q;
	struct tsig_spec t = tsig_default;
	t.cls = CLASS_IN; /* CLASS must be ANY */
	ck_assert_int_eq(parse_tsig_query(&t, &q), GD_EFORMAT);
	t = tsig_default;
	t.ttl = 1; /* TTL must be 0 */
	ck_assert_int_eq(parse_tsig_query(&t, &q), GD_EFORMAT);
	/* RDLENGTH one more than the fields (and an octet to cover it) */
	struct pkt p;
	query(&p, "example.com", TYPE_A, 1);
	t = tsig_default;
	t.rdlen_delta = 1;
	put_tsig_rr(&p, &t);
	put8(&p, 0);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	/* RDLENGTH one less: Other Len's last octet outside the RDATA */
	query(&p, "example.com", TYPE_A, 1);
	t.rdlen_delta = -1;
	put_tsig_rr(&p, &t);
	p.len--;
	put8(&p, 0); /* keep the packet length: only the RDATA is short */
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	/* MAC Size past the RDATA */
	query(&p, "example.com", TYPE_A, 1);
	put_tsig_rr(&p, &tsig_default);
	size_t mac_size_at = p.len - 2 - 2 - 2 - 32 - 2;
	ck_assert_uint_eq(rd16(p.b + mac_size_at), 32);
	wr16(p.b + mac_size_at, 40);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	/* RDATA shorter than the fixed fields */
	query(&p, "example.com", TYPE_A, 1);
	tsig_head(&p, "k1.example", 14);
	put_dname(&p, "x"); /* 3 + 11 octets */
	putmem(&p, "\0\0\0\0\0\0\0\0\0\0\0", 11);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
	/* the whole record cut short */
	query(&p, "example.com", TYPE_A, 1);
	put_tsig_rr(&p, &tsig_default);
	p.len -= 3;
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);
}
END_TEST

START_TEST(test_tsig_algorithm_compressed_formerr)
{
	/* the algorithm name must not be compressed (RFC 8945 4.2): a pointer
	 * to the question name is FORMERR; the key name (the owner) may be */
	struct pkt p;
	struct query q;
	query(&p, "example.com", TYPE_A, 1);
	tsig_head(&p, "k1.example", 2 + 16);
	put8(&p, 0xC0);
	put8(&p, DNS_HEADER_LEN);
	putmem(&p, "\0\0\0\0\0\0\x01\x2c\0\0\x12\x34\0\0\0\0", 16);
	ck_assert_int_eq(parse(&p, &q), GD_EFORMAT);

	query(&p, "example.com", TYPE_A, 1);
	put8(&p, 0xC0);
	put8(&p, DNS_HEADER_LEN); /* the key name: the question's, compressed */
	put16(&p, TYPE_TSIG);
	put16(&p, CLASS_ANY);
	put16(&p, 0);
	put16(&p, 0);
	put16(&p, 5 + 16);
	put_dname(&p, "alg");
	putmem(&p, "\0\0\0\0\0\0\x01\x2c\0\0\x12\x34\0\0\0\0", 16);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert(q.tsig);
	ck_assert_uint_eq(q.tsig_rr.key_len, 13);
	ck_assert_mem_eq(q.tsig_rr.key,
	                 "\x07"
	                 "example\x03"
	                 "com\x00",
	                 13);
	ck_assert_mem_eq(q.tsig_rr.alg,
	                 "\x03"
	                 "alg\x00",
	                 5);
	ck_assert_uint_eq(q.tsig_rr.fudge, 300);
	ck_assert_uint_eq(q.tsig_rr.original_id, 0x1234);
}
END_TEST

START_TEST(test_tsig_other_opcode_not_parsed)
{
	/* UPDATE (opcode 5) is answered NOTIMP from the header alone; NOTIFY
	 * (4) is parsed like a query, its TSIG too (a secondary checks it) */
	struct pkt p;
	struct query q;
	header(&p, 0x1234, 5 << 11, 1, 0, 0, 1);
	question(&p, "example.com", TYPE_SOA, CLASS_IN);
	put_tsig_rr(&p, &tsig_default);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.opcode, 5);
	ck_assert(!q.tsig);
	ck_assert(!q.have_question);
	header(&p, 0x1234, 4 << 11, 1, 0, 0, 1);
	question(&p, "example.com", TYPE_SOA, CLASS_IN);
	put_tsig_rr(&p, &tsig_default);
	ck_assert_int_eq(parse(&p, &q), GD_OK);
	ck_assert_uint_eq(q.opcode, 4);
	ck_assert(q.have_question);
	ck_assert_uint_eq(q.qtype, TYPE_SOA);
	ck_assert(q.tsig);
}
END_TEST

/* wire_parse_message: a NOTIFY response (QR, opcode 4) with a compressed
 * SOA in the answer, an OPT and the TSIG last; a NOTIFY request; the
 * errors */
START_TEST(test_message_parse)
{
	struct pkt p;
	struct wire_message m;
	header(&p, 0xBEEF, DNS_FLAG_QR | DNS_FLAG_AA | 4 << 11 | RCODE_NOTAUTH, 1, 1, 0, 2);
	question(&p, "Example.COM", TYPE_SOA, CLASS_IN);
	put16(&p, 0xC00C); /* the SOA, its owner compressed */
	put16(&p, TYPE_SOA);
	put16(&p, CLASS_IN);
	put16(&p, 0);
	put16(&p, 3600);
	put16(&p, 4 + 20);
	put16(&p, 0xC00C);
	put16(&p, 0xC00C);
	for (int i = 0; i < 5; i++) {
		put16(&p, 0);
		put16(&p, (uint16_t)i);
	}
	size_t opt = opt_begin(&p, 1232, 0, 0);
	opt_end(&p, opt);
	size_t tsig_at = p.len;
	put_tsig_rr(&p, &tsig_default);
	ck_assert_int_eq(wire_parse_message(p.b, p.len, &m), GD_OK);
	ck_assert_uint_eq(m.id, 0xBEEF);
	ck_assert_uint_eq(DNS_OPCODE(m.flags), 4);
	ck_assert_uint_eq(m.flags & 0xF, RCODE_NOTAUTH);
	ck_assert(m.flags & DNS_FLAG_QR);
	ck_assert_uint_eq(m.qdcount, 1);
	ck_assert_uint_eq(m.ancount, 1);
	ck_assert_uint_eq(m.arcount, 2);
	ck_assert_uint_eq(m.qname_len, 13);
	ck_assert_mem_eq(m.qname, "\007Example\003COM", 13);
	ck_assert_uint_eq(m.qtype, TYPE_SOA);
	ck_assert_uint_eq(m.qclass, CLASS_IN);
	ck_assert(m.tsig);
	ck_assert_uint_eq(m.tsig_rr.rr_offset, tsig_at);
	ck_assert_uint_eq(m.tsig_rr.mac_size, 32);
	ck_assert_uint_eq(m.tsig_rr.original_id, 0x1234);
	/* a trailing octet; ARCOUNT one more, one fewer (octets left) */
	p.b[p.len++] = 0;
	ck_assert_int_eq(wire_parse_message(p.b, p.len, &m), GD_EFORMAT);
	p.len--;
	wr16(p.b + 10, 3);
	ck_assert_int_eq(wire_parse_message(p.b, p.len, &m), GD_EFORMAT);
	wr16(p.b + 10, 1);
	ck_assert_int_eq(wire_parse_message(p.b, p.len, &m), GD_EFORMAT);

	/* the request: no answer, no TSIG; QDCOUNT 0 and 2 */
	header(&p, 7, 4 << 11 | DNS_FLAG_AA, 1, 0, 0, 0);
	question(&p, "example.com", TYPE_SOA, CLASS_IN);
	ck_assert_int_eq(wire_parse_message(p.b, p.len, &m), GD_OK);
	ck_assert(!m.tsig);
	ck_assert_uint_eq(m.qname_len, 13);
	wr16(p.b + 4, 2);
	ck_assert_int_eq(wire_parse_message(p.b, p.len, &m), GD_EFORMAT);
	header(&p, 7, DNS_FLAG_QR | 4 << 11, 0, 0, 0, 0);
	ck_assert_int_eq(wire_parse_message(p.b, p.len, &m), GD_OK);
	ck_assert_uint_eq(m.qname_len, 0);
	ck_assert_int_eq(wire_parse_message(p.b, 11, &m), GD_EFORMAT);
	/* a question name pointing into the header */
	header(&p, 7, DNS_FLAG_QR | 4 << 11, 1, 0, 0, 0);
	put16(&p, 0xC002);
	put16(&p, TYPE_SOA);
	put16(&p, CLASS_IN);
	ck_assert_int_eq(wire_parse_message(p.b, p.len, &m), GD_EFORMAT);
}
END_TEST

Suite *wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_parse_valid_query);
	tcase_add_test(tc, test_parse_word_hash);
	tcase_add_test(tc, test_parse_root_question);
	tcase_add_test(tc, test_parse_short_header_dropped);
	tcase_add_test(tc, test_parse_response_dropped);
	tcase_add_test(tc, test_parse_qdcount_zero);
	tcase_add_test(tc, test_parse_qdcount_two);
	tcase_add_test(tc, test_parse_label_type_0x40);
	tcase_add_test(tc, test_parse_label_type_0x80);
	tcase_add_test(tc, test_parse_name_255_accepted);
	tcase_add_test(tc, test_parse_name_256_rejected);
	tcase_add_test(tc, test_parse_pointer_to_itself);
	tcase_add_test(tc, test_parse_forward_pointer);
	tcase_add_test(tc, test_parse_pointer_loop_in_answer);
	tcase_add_test(tc, test_parse_answer_pointer_to_question_ok);
	tcase_add_test(tc, test_parse_question_pointer_into_header);
	tcase_add_test(tc, test_parse_truncated_qtype_qclass);
	tcase_add_test(tc, test_parse_truncated_name);
	tcase_add_test(tc, test_parse_missing_additional);
	tcase_add_test(tc, test_parse_trailing_garbage);
	tcase_add_test(tc, test_parse_trailing_garbage_after_opt);
	tcase_add_test(tc, test_parse_notimp_opcode);
	tcase_add_test(tc, test_parse_non_opt_additional_skipped);
	suite_add_tcase(s, tc);

	tc = tcase_create("edns");
	tcase_add_test(tc, test_edns_basic);
	tcase_add_test(tc, test_edns_small_udp_size_raised);
	tcase_add_test(tc, test_edns_version_and_flags_kept);
	tcase_add_test(tc, test_edns_rdlen_past_packet);
	tcase_add_test(tc, test_edns_option_past_rdata);
	tcase_add_test(tc, test_edns_truncated_option_header);
	tcase_add_test(tc, test_edns_two_opt_records);
	tcase_add_test(tc, test_edns_opt_owner_not_root);
	tcase_add_test(tc, test_edns_nsid);
	tcase_add_test(tc, test_edns_keepalive);
	tcase_add_test(tc, test_edns_unknown_option_ignored);
	tcase_add_test(tc, test_edns_several_options);
	suite_add_tcase(s, tc);

	tc = tcase_create("tsig");
	tcase_add_test(tc, test_tsig_fields);
	tcase_add_test(tc, test_tsig_absent);
	tcase_add_test(tc, test_tsig_after_opt);
	tcase_add_test(tc, test_tsig_not_last_formerr);
	tcase_add_test(tc, test_tsig_in_answer_or_authority_formerr);
	tcase_add_test(tc, test_tsig_malformed_formerr);
	tcase_add_test(tc, test_tsig_algorithm_compressed_formerr);
	tcase_add_test(tc, test_tsig_other_opcode_not_parsed);
	tcase_add_test(tc, test_message_parse);
	suite_add_tcase(s, tc);

	tc = tcase_create("ecs");
	tcase_add_test(tc, test_ecs_ipv4_24);
	tcase_add_test(tc, test_ecs_ipv6_56);
	tcase_add_test(tc, test_ecs_odd_prefix_ok);
	tcase_add_test(tc, test_ecs_bad_family);
	tcase_add_test(tc, test_ecs_source_too_long);
	tcase_add_test(tc, test_ecs_address_too_short);
	tcase_add_test(tc, test_ecs_address_too_long);
	tcase_add_test(tc, test_ecs_bits_beyond_prefix);
	tcase_add_test(tc, test_ecs_option_too_short);
	tcase_add_test(tc, test_ecs_nonzero_scope);
	tcase_add_test(tc, test_ecs_source_zero);
	tcase_add_test(tc, test_ecs_two_options_formerr);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_name_equal);
	tcase_add_test(tc, test_name_is_sub);
	tcase_add_test(tc, test_name_lower);
	tcase_add_test(tc, test_name_to_str);
	tcase_add_test(tc, test_name_to_str_small_buffer);
	tcase_add_test(tc, test_name_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("writer");
	tcase_add_test(tc, test_put_integers);
	tcase_add_test(tc, test_put_name_compresses_whole_name);
	tcase_add_test(tc, test_put_name_case_insensitive);
	tcase_add_test(tc, test_put_name_partial_suffix);
	tcase_add_test(tc, test_put_name_uncompressed);
	tcase_add_test(tc, test_put_name_root);
	tcase_add_test(tc, test_put_name_no_space);
	tcase_add_test(tc, test_rollback_restores_compression);
	tcase_add_test(tc, test_put_name_beyond_pointer_range);
	suite_add_tcase(s, tc);
	return s;
}
