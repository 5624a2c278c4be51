/*
 * names.c - presentation names of rcodes and types for the query log and
 * the metrics' labels.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "dns/dns.h"

#include "common/gd.h"

#include <stdio.h>

static const char *const rcode_names[DNS_RCODES_COUNTED] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
	"YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "RCODE11", "RCODE12", "RCODE13",
	"RCODE14", "RCODE15", "BADVERS", "RCODE17", "RCODE18", "RCODE19", "RCODE20",
	"RCODE21", "RCODE22", "OTHER"};

const char *dns_type_name(unsigned t, char *buf, size_t cap)
{
	static const struct {
		unsigned t;
		const char *n;
	} names[] = {{1, "A"},      {2, "NS"},     {5, "CNAME"},  {6, "SOA"},    {12, "PTR"},
		     {13, "HINFO"}, {15, "MX"},    {16, "TXT"},   {28, "AAAA"},  {33, "SRV"},
		     {35, "NAPTR"}, {39, "DNAME"}, {41, "OPT"},   {43, "DS"},    {44, "SSHFP"},
		     {46, "RRSIG"}, {47, "NSEC"},  {48, "DNSKEY"}, {52, "TLSA"}, {64, "SVCB"},
		     {65, "HTTPS"}, {99, "SPF"},   {251, "IXFR"}, {252, "AXFR"}, {255, "ANY"},
		     {257, "CAA"}};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].t == t)
			return names[i].n;
	if (t == 0)
		return "OTHER";
	snprintf(buf, cap, "TYPE%u", t);
	return buf;
}

const char *dns_rcode_name(unsigned rcode)
{
	return rcode_names[rcode < DNS_RCODES_COUNTED ? rcode : DNS_RCODES_COUNTED - 1];
}
