/*
 * wire.h - the hot path's own DNS message reader and writer.
 *
 * The reader parses a query into a struct query without allocating: header,
 * the one question, and the OPT record with the options geodnsd acts on
 * (NSID, Client Subnet, TCP keepalive). Every length is bounds-checked;
 * compression pointers must point backwards, so no loop can form.
 *
 * The writer appends to a caller-owned buffer with a hard capacity and
 * compresses names against those already written (RFC 1035 4.1.4).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_WIRE_H
#define GD_WIRE_H

#include "dns/dns.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


/* An EDNS Client Subnet option as received (RFC 7871 section 6). */
struct ecs {
	uint16_t family;       /* 1 = IPv4, 2 = IPv6 */
	uint8_t source;        /* SOURCE PREFIX-LENGTH */
	uint8_t scope;         /* SCOPE PREFIX-LENGTH as received (0) */
	uint8_t addr_len;      /* octets of address carried */
	uint8_t addr[16];      /* zero-padded */
};

/* A TSIG record as received (RFC 8945 section 4.2), with what an unsigned
 * error response echoes and where its parts are in the packet (for the MAC,
 * dns/tsig.h). The MAC and other data are checked for length only. */
struct tsig {
	uint8_t key_len;            /* wire length of key (the owner name) */
	uint8_t alg_len;            /* wire length of alg */
	uint8_t key[WIRE_NAME_MAX]; /* key name, uncompressed, as received */
	uint8_t alg[WIRE_NAME_MAX]; /* algorithm name, as received */
	uint64_t time_signed;       /* 48 bits */
	uint16_t fudge;
	uint16_t mac_size;
	uint16_t original_id;
	uint16_t error;
	uint16_t other_len;
	uint16_t rr_offset;    /* the record's owner: the signed part ends there */
	uint16_t mac_offset;   /* the MAC's first octet */
	uint16_t other_offset; /* Other Data's first octet */
};

struct query {
	uint16_t id;
	uint16_t flags;
	uint8_t opcode;
	uint16_t qdcount;
	bool have_question;    /* question parsed (may echo it) */
	uint16_t qtype;
	uint16_t qclass;
	uint8_t qname_len;     /* wire length including the root label */
	uint8_t nlabels;       /* labels excluding the root */
	uint8_t qname[WIRE_NAME_MAX];  /* as received, uncompressed */
	uint8_t lname[WIRE_NAME_MAX];  /* lower-cased copy for lookups; zero
					* from its end to the next multiple of 8 (when
					* that is within the array) */
	uint32_t word_hash;    /* of lname, a word at a time (the answer cache) */
	uint8_t label_off[WIRE_LABELS_MAX]; /* offset of each label in qname */
	/* wire_suffix_hashes of the suffix from label i of lname, [nlabels]
	 * the root: not filled by the parser; the answer computes them when it
	 * looks the name up (not for a response from its cache), and every
	 * zone and node lookup of the query reuses them */
	uint32_t lhash[WIRE_LABELS_MAX + 1];

	bool edns;             /* a valid OPT record was present */
	uint8_t edns_version;
	uint16_t udp_size;     /* requestor's payload size (>= 512) */
	uint16_t edns_flags;   /* DO and the rest, as received */
	bool nsid;             /* NSID requested */
	bool keepalive;        /* edns-tcp-keepalive present */
	bool ecs_present;
	bool ecs_malformed;    /* the FORMERR was for the ECS option */
	struct ecs ecs;
	bool cookie_present;   /* the first COOKIE option, well-formed */
	bool cookie_malformed; /* the FORMERR was for the COOKIE option */
	uint8_t cookie_len;
	uint8_t cookie[40];
	/* a well-formed TSIG, last in the additional section; tsig_rr is
	 * filled only then */
	bool tsig;
	struct tsig tsig_rr;
};

/* Options for wire_parse_query_opts. */
#define WIRE_IGNORE_ECS 1u    /* ECS disabled: treat option 8 as unknown */
#define WIRE_IGNORE_COOKIE 2u /* cookies disabled: option 10 as unknown */

int wire_parse_query_opts(const uint8_t *pkt, size_t len, struct query *q, unsigned opts);

/* Read the possibly compressed name at *pos of a message of len octets
 * into out (uncompressed, as received; *outlen its length) and move *pos
 * past it. Pointers must point backwards and past the header, so no loop
 * can form. GD_OK or GD_EFORMAT. */
int wire_read_name(const uint8_t *msg, size_t len, size_t *pos, uint8_t *out, size_t *outlen);

/* Any message's header, its question (when QDCOUNT is 1) and its TSIG: what
 * an exchange the server starts needs of the answer (NOTIFY out,
 * xfr/notify.c), and of a request other than a query. */
struct wire_message {
	uint16_t id;
	uint16_t flags;
	uint16_t qdcount, ancount, nscount, arcount;
	uint8_t qname_len;            /* 0: no question */
	uint8_t qname[WIRE_NAME_MAX]; /* as received, uncompressed */
	uint16_t qtype;
	uint16_t qclass;
	bool tsig; /* a well-formed TSIG, last in the additional section */
	struct tsig tsig_rr;
};

/* Parse a whole message of any opcode, QR set or clear: every record is
 * bounds-checked and skipped but a TSIG (as the query parser reads it; an
 * OPT is not looked into). GD_EFORMAT for a malformed message, a QDCOUNT
 * over 1, a TSIG that is not last, or octets after the last record. */
int wire_parse_message(const uint8_t *pkt, size_t len, struct wire_message *m);

/* Length of an uncompressed wire name, or 0 when malformed / over limit. */
size_t wire_name_len(const uint8_t *name, size_t max);

/* Number of labels in an uncompressed wire name (root = 0). */
unsigned wire_name_labels(const uint8_t *name);

/* Case-insensitive equality of two uncompressed wire names. */
bool wire_name_equal(const uint8_t *a, const uint8_t *b);

/* A quick look at a message before it is parsed: a query (QR clear, opcode
 * QUERY) with one question of type AXFR or IXFR, its name uncompressed?
 * The TCP workers hand those connections to the transfer thread, which
 * parses and checks them whole. */
bool wire_is_transfer_request(const uint8_t *pkt, size_t len);

/* Lower-case an uncompressed wire name of length len into out. */
void wire_name_lower(const uint8_t *name, size_t len, uint8_t *out);

/*
 * The name hash of zone and node tables. It runs from the root label to the
 * first, so one pass over a name gives the hash of every suffix of it:
 * out[i] is the hash of the suffix starting at label i (off[i]), out[nlabels]
 * that of the root. lname is lower-case wire form.
 */
void wire_suffix_hashes(const uint8_t *lname, const uint8_t *off, unsigned nlabels,
			uint32_t *out);

/* Label offsets of an uncompressed wire name; returns the label count. */
unsigned wire_label_offsets(const uint8_t *name, uint8_t *off);

/* Is name equal to or below parent (both uncompressed wire)? */
bool wire_name_is_sub(const uint8_t *name, const uint8_t *parent);

/* Presentation form of an uncompressed wire name, "." for the root.
 * Non-printables are escaped as \DDD. Returns buf. */
char *wire_name_to_str(const uint8_t *name, char *buf, size_t cap);

/* ---- writer ---- */

#define WIRE_COMP_MAX 96

struct wire_writer {
	uint8_t *buf;
	size_t cap;            /* hard limit */
	size_t len;
	unsigned ncomp;
	uint16_t comp_off[WIRE_COMP_MAX];   /* offsets of written label runs */
	uint8_t comp_labels[WIRE_COMP_MAX]; /* labels from there to the root */
	/* NULL (wire_writer_init): a name is looked for by comparing it with
	 * every entry of its label count, which costs little in an answer of
	 * a few names; or an index of the entries by the hash of their first
	 * label: for full tables of similar names (a zone transfer's messages,
	 * where comparing was most of the time). Its slots must be zero when
	 * it is attached to an empty writer. */
	struct wire_comp_index *index;
};

#define WIRE_COMP_SLOTS 256 /* a power of two above WIRE_COMP_MAX */

struct wire_comp_index {
	uint32_t hash[WIRE_COMP_MAX];  /* of each entry's first label */
	uint8_t slot[WIRE_COMP_SLOTS]; /* entry + 1 by hash, linear probing; 0 empty */
};

struct wire_mark {
	size_t len;
	unsigned ncomp;
};

void wire_writer_init(struct wire_writer *w, uint8_t *buf, size_t cap);

static inline struct wire_mark wire_mark(const struct wire_writer *w)
{
	struct wire_mark m = {w->len, w->ncomp};
	return m;
}

static inline void wire_rollback(struct wire_writer *w, struct wire_mark m)
{
	w->len = m.len;
	w->ncomp = m.ncomp;
}

/* Append raw bytes / integers. GD_ESPACE when they do not fit (nothing written). */
int wire_put(struct wire_writer *w, const void *data, size_t n);
int wire_put16(struct wire_writer *w, uint16_t v);
int wire_put32(struct wire_writer *w, uint32_t v);

/* Append an uncompressed wire name, compressed against earlier names when
 * compress is true; its labels become targets for later names either way
 * (unless beyond the 14-bit pointer range). */
int wire_put_name(struct wire_writer *w, const uint8_t *name, bool compress);

/* Append RDLENGTH and the rdata of a record of this type: the names inside
 * the rdata of the RFC 1035 types NS, CNAME, PTR, MX and SOA compressed
 * (RFC 3597 section 4), every other type's rdata as it is. The one writer
 * of record data for answers (query/write.c) and zone transfers
 * (xfr/axfr.c). GD_ESPACE when it does not fit (the caller rolls back),
 * GD_EFORMAT when such a name runs past rdlen. */
int wire_put_rdata(struct wire_writer *w, uint16_t type, const uint8_t *rdata, size_t rdlen);

#endif
