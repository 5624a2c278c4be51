/*
 * dns.h - the numbers of the DNS protocol that the code names: header
 * layout and flags, opcodes, rcodes, types, classes, EDNS options; and
 * their presentation names for logs and metrics (dns/names.c).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_DNS_H
#define GD_DNS_H

#include <stddef.h>

#define DNS_HEADER_LEN 12
#define WIRE_NAME_MAX 255
#define WIRE_LABELS_MAX 128

/* header flag bits in the 16-bit word after the ID */
#define DNS_FLAG_QR 0x8000u
#define DNS_FLAG_AA 0x0400u
#define DNS_FLAG_TC 0x0200u
#define DNS_FLAG_RD 0x0100u
#define DNS_FLAG_RA 0x0080u
#define DNS_FLAG_Z 0x0040u
#define DNS_FLAG_AD 0x0020u
#define DNS_FLAG_CD 0x0010u
#define DNS_FLAG_OPCODE 0x7800u /* the opcode's four bits */
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xF)

enum dns_opcode { OPCODE_QUERY = 0, OPCODE_NOTIFY = 4, OPCODE_UPDATE = 5 };

enum dns_rcode {
	RCODE_NOERROR = 0,
	RCODE_FORMERR = 1,
	RCODE_SERVFAIL = 2,
	RCODE_NXDOMAIN = 3,
	RCODE_NOTIMP = 4,
	RCODE_REFUSED = 5,
	RCODE_YXDOMAIN = 6,
	RCODE_NOTAUTH = 9,
	RCODE_BADVERS = 16,
};

/* Rcodes counted one by one in the metrics: 0 to DNS_RCODES_COUNTED - 2,
 * the last slot for every higher one. */
#define DNS_RCODES_COUNTED 24

/* The TSIG RR's 16-bit error field (RFC 8945 section 3): values of its own,
 * never in the header's or OPT's rcode bits. */
enum {
	TSIG_ERROR_BADSIG = 16,
	TSIG_ERROR_BADKEY = 17,
	TSIG_ERROR_BADTIME = 18,
	TSIG_ERROR_BADTRUNC = 22,
};

/* Meta-types answered NOTIMP in the question: TKEY (RFC 2930), TSIG
 * (RFC 8945; a TSIG record is read by the parser), MAILB and MAILA
 * (RFC 1035, obsolete). */
enum { TYPE_TKEY = 249, TYPE_TSIG = 250, TYPE_MAILB = 253, TYPE_MAILA = 254 };
/* RFC 9824 3: the meta-type in the bitmap of a name that does not exist */
enum { TYPE_NXNAME = 128 };

enum dns_type {
	TYPE_A = 1, TYPE_NS = 2, TYPE_CNAME = 5, TYPE_SOA = 6, TYPE_PTR = 12,
	TYPE_HINFO = 13, TYPE_MX = 15, TYPE_TXT = 16, TYPE_AAAA = 28,
	TYPE_SRV = 33, TYPE_NAPTR = 35, TYPE_DNAME = 39, TYPE_OPT = 41,
	TYPE_DS = 43, TYPE_RRSIG = 46, TYPE_NSEC = 47, TYPE_DNSKEY = 48,
	TYPE_CDS = 59, TYPE_CDNSKEY = 60,
	TYPE_SVCB = 64, TYPE_HTTPS = 65, TYPE_IXFR = 251, TYPE_AXFR = 252,
	TYPE_ANY = 255,
};

/* geodnsd's own type, from the private use range (RFC 6895 3.1): a geo
 * service's JSON object as the record data (geodnsd-services(5)); zone data
 * that transfers carry and queries never see (NODATA, left out of ANY). */
enum { TYPE_GEO_SERVICE = 65281 };

enum { CLASS_IN = 1, CLASS_CH = 3, CLASS_ANY = 255 };

enum edns_option {
	EDNS_OPT_NSID = 3,
	EDNS_OPT_ECS = 8,
	EDNS_OPT_COOKIE = 10,
	EDNS_OPT_KEEPALIVE = 11,
};

#define EDNS_FLAG_DO 0x8000u
#define EDNS_FLAG_CO 0x4000u /* Compact Answers OK, RFC 9824 5.1 */

/* The mnemonic of an rcode counted in the metrics (index below
 * DNS_RCODES_COUNTED; the last is "OTHER"). */
const char *dns_rcode_name(unsigned rcode);

/* The mnemonic of a type ("A", "AAAA", ...), "OTHER" for 0 (the metrics'
 * slot of types above 255), else "TYPEnnn" (RFC 3597) written into buf. */
const char *dns_type_name(unsigned type, char *buf, size_t cap);

#endif
