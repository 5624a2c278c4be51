/*
 * read.c - pass 1 of loading a zone: the master file (and its $INCLUDEs)
 * split into entries by our own tokenizer, which knows parentheses, quotes,
 * comments and omitted owners and remembers each entry's first line;
 * directives ($ORIGIN, $TTL, $INCLUDE) handled here, records parsed by ldns
 * one at a time and copied out as (owner, type, ttl, rdata, file, line).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "zone_internal.h"

#include "common/diag.h"
#include "common/gd.h"
#include "dns/wire.h"
#include "geo/service.h"

#include <ldns/ldns.h>

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZONE_ENTRY_MAX 65536

/*
 * Split the next entry off text at *pos: parentheses join lines, comments are
 * dropped, quotes and backslash escapes are kept verbatim. Sets *start_line
 * to the entry's first line and *owner_omitted when it starts with blanks.
 * Returns 1 with an entry, 0 at the end, -1 on error (message in err).
 */
static int next_entry(const char *text, size_t len, size_t *pos, int *line,
		      char *out, size_t cap, int *start_line, bool *owner_omitted,
		      const char **err)
{
	size_t p = *pos;
	for (;;) {
		size_t n = 0;
		int depth = 0;
		bool inq = false;
		bool at_start = true;
		*owner_omitted = false;
		*start_line = *line;
		if (p >= len) {
			*pos = p;
			return 0;
		}
		for (;;) {
			if (p >= len) {
				if (inq) {
					*err = "unterminated quoted string";
					return -1;
				}
				if (depth > 0) {
					*err = "unbalanced parentheses: missing ')'";
					return -1;
				}
				break;
			}
			char c = text[p++];
			if (at_start) {
				at_start = false;
				if (c == ' ' || c == '\t')
					*owner_omitted = true;
			}
			if (c == '\r')
				continue;
			if (c == '\n') {
				(*line)++;
				if (inq) {
					*err = "newline inside quoted string";
					return -1;
				}
				if (depth > 0) {
					c = ' ';
				} else {
					break;
				}
			} else if (!inq && c == ';') {
				while (p < len && text[p] != '\n')
					p++;
				continue;
			} else if (!inq && c == '(') {
				depth++;
				c = ' ';
			} else if (!inq && c == ')') {
				if (--depth < 0) {
					*err = "unbalanced parentheses: extra ')'";
					return -1;
				}
				c = ' ';
			} else if (c == '"') {
				inq = !inq;
			} else if (c == '\\' && p < len && text[p] != '\n') {
				if (n + 2 >= cap) {
					*err = "entry too long";
					return -1;
				}
				out[n++] = c;
				out[n++] = text[p++];
				continue;
			}
			if (n + 1 >= cap) {
				*err = "entry too long";
				return -1;
			}
			out[n++] = c;
		}
		while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
			n--;
		out[n] = '\0';
		size_t lead = 0;
		while (out[lead] == ' ' || out[lead] == '\t')
			lead++;
		if (out[lead] == '\0')
			continue; /* blank or comment-only */
		if (lead)
			memmove(out, out + lead, n - lead + 1);
		*pos = p;
		return 1;
	}
}

const char *loader_file(struct loader *ld, const char *path)
{
	ld->files = xrealloc(ld->files, (ld->nfiles + 1) * sizeof(char *));
	ld->files[ld->nfiles] = xstrdup(path);
	return ld->files[ld->nfiles++];
}

static void add_rec(struct loader *ld, const char *file, int line, ldns_rr *rr)
{
	struct zone *z = ld->z;
	const ldns_rdf *owner = ldns_rr_owner(rr);
	size_t olen = ldns_rdf_size(owner);
	uint8_t lname[WIRE_NAME_MAX];
	if (olen > WIRE_NAME_MAX) {
		diag_error(ld->diag, file, line, 0, "owner name too long");
		return;
	}
	wire_name_lower(ldns_rdf_data(owner), olen, lname);
	if (!wire_name_is_sub(lname, z->origin)) {
		char s[1024];
		diag_error(ld->diag, file, line, 0, "%s is outside the zone origin %s",
			   wire_name_to_str(lname, s, sizeof(s)), z->origin_str);
		return;
	}
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		diag_error(ld->diag, file, line, 0, "class other than IN");
		return;
	}
	uint16_t type = (uint16_t)ldns_rr_get_type(rr);
	if (type == TYPE_OPT || type == TYPE_ANY || type == TYPE_AXFR || type == TYPE_IXFR ||
	    type == 0) {
		diag_error(ld->diag, file, line, 0, "type %u cannot be zone data", type);
		return;
	}
	ldns_buffer_clear(ld->buf);
	if (ldns_rr_rdata2buffer_wire(ld->buf, rr) != LDNS_STATUS_OK ||
	    ldns_buffer_position(ld->buf) > 65535) {
		diag_error(ld->diag, file, line, 0, "cannot encode record data");
		return;
	}
	size_t rdlen = ldns_buffer_position(ld->buf);
	if (ld->nrecs == ld->caprecs) {
		ld->caprecs = ld->caprecs ? ld->caprecs * 2 : 1024;
		ld->recs = xrealloc(ld->recs, ld->caprecs * sizeof(struct zone_record));
	}
	struct zone_record *r = &ld->recs[ld->nrecs++];
	r->owner = arena_dup(&z->arena, lname, olen);
	r->ownerlen = (uint8_t)olen;
	r->type = type;
	r->ttl = ldns_rr_ttl(rr);
	r->rdata = arena_dup(&z->arena, ldns_buffer_begin(ld->buf), rdlen);
	r->rdlen = (uint16_t)rdlen;
	r->line = line;
	r->file = file;
}

/* A directive's arguments: split on blanks, at most max. */
static int split_args(char *s, char **argv, int max)
{
	int n = 0;
	while (*s && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		argv[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return *s ? -1 : n;
}

/* One file being read: where its relative names and default TTL come from. */
struct reading {
	const char *path;    /* as given: relative $INCLUDEs start from its directory */
	const char *file;    /* the loader's copy, named in diagnostics */
	ldns_rdf *origin;    /* owned */
	uint32_t default_ttl;
	bool have_ttl;
};

int read_file_into(struct loader *ld, const char *path, ldns_rdf *origin_in,
			  const char *from_file, int from_line);

/* $ORIGIN name: absolute, or relative to the current origin. */
static void directive_origin(struct loader *ld, struct reading *rd, const char *arg, int start)
{
	ldns_rdf *o = NULL;
	ldns_status st;
	size_t al = strlen(arg);
	if (al && arg[al - 1] != '.' && rd->origin) {
		/* relative $ORIGIN: append the current origin */
		ldns_rdf *rel = NULL;
		st = ldns_str2rdf_dname(&rel, arg);
		if (st == LDNS_STATUS_OK) {
			o = ldns_dname_cat_clone(rel, rd->origin);
			ldns_rdf_deep_free(rel);
			if (!o)
				st = LDNS_STATUS_DOMAINNAME_OVERFLOW;
		}
	} else {
		st = ldns_str2rdf_dname(&o, arg);
	}
	if (st != LDNS_STATUS_OK) {
		diag_error(ld->diag, rd->file, start, 0, "bad $ORIGIN %s: %s", arg,
			   ldns_get_errorstr_by_id(st));
		return;
	}
	ldns_rdf_deep_free(rd->origin);
	rd->origin = o;
}

/* $TTL period */
static void directive_ttl(struct loader *ld, struct reading *rd, const char *arg, int start)
{
	const char *endp = NULL;
	uint32_t t = ldns_str2period(arg, &endp);
	if (!endp || *endp || !isdigit((unsigned char)arg[0])) {
		diag_error(ld->diag, rd->file, start, 0, "bad $TTL %s", arg);
		return;
	}
	rd->default_ttl = t;
	rd->have_ttl = true;
}

/* $INCLUDE file [origin]: read now, relative to the including file. */
static void directive_include(struct loader *ld, struct reading *rd, char **argv, int argc,
			      int start)
{
	if (ld->depth >= ZONE_INCLUDE_DEPTH) {
		diag_error(ld->diag, rd->file, start, 0, "$INCLUDE nested deeper than %d",
			   ZONE_INCLUDE_DEPTH);
		return;
	}
	char incpath[4096];
	if (argv[1][0] == '/') {
		snprintf(incpath, sizeof(incpath), "%s", argv[1]);
	} else {
		char *dup = xstrdup(rd->path);
		snprintf(incpath, sizeof(incpath), "%s/%s", dirname(dup), argv[1]);
		free(dup);
	}
	/* a file that includes itself, directly or not, would be read 2^16
	 * times before the depth limit stops it */
	char *real = realpath(incpath, NULL);
	bool loop = false;
	for (int d = 0; real && d < ld->depth; d++)
		loop |= ld->chain[d] && strcmp(ld->chain[d], real) == 0;
	free(real);
	if (loop) {
		diag_error(ld->diag, rd->file, start, 0, "$INCLUDE loop: %s is already being read",
			   incpath);
		return;
	}
	ldns_rdf *io = NULL;
	if (argc == 3) {
		ldns_status st = ldns_str2rdf_dname(&io, argv[2]);
		if (st != LDNS_STATUS_OK || argv[2][strlen(argv[2]) - 1] != '.') {
			diag_error(ld->diag, rd->file, start, 0, "$INCLUDE origin must be absolute: %s",
				   argv[2]);
			if (io)
				ldns_rdf_deep_free(io);
			return;
		}
	}
	read_file_into(ld, incpath, io ? io : rd->origin, rd->file, start);
	if (io)
		ldns_rdf_deep_free(io);
}

/* A $ line: $ORIGIN, $TTL or $INCLUDE; anything else is an error. */
static void read_directive(struct loader *ld, struct reading *rd, char *e, int start)
{
	char *argv[4];
	size_t dl = strcspn(e, " \t");
	if (!((dl == 7 && strncasecmp(e, "$ORIGIN", 7) == 0) ||
	      (dl == 4 && strncasecmp(e, "$TTL", 4) == 0) ||
	      (dl == 8 && strncasecmp(e, "$INCLUDE", 8) == 0))) {
		e[dl] = '\0';
		diag_error(ld->diag, rd->file, start, 0, "unsupported directive %s", e);
		return;
	}
	int argc = split_args(e, argv, 4);
	if (argc < 0) {
		diag_error(ld->diag, rd->file, start, 0, "too many arguments to %s", e);
		return;
	}
	if (strcasecmp(argv[0], "$ORIGIN") == 0 && argc == 2)
		directive_origin(ld, rd, argv[1], start);
	else if (strcasecmp(argv[0], "$TTL") == 0 && argc == 2)
		directive_ttl(ld, rd, argv[1], start);
	else if (strcasecmp(argv[0], "$INCLUDE") == 0 && (argc == 2 || argc == 3))
		directive_include(ld, rd, argv, argc, start);
	else
		diag_error(ld->diag, rd->file, start, 0, "wrong number of arguments to %s",
			   argv[0]);
}

/* One record: the owner made explicit when omitted (ldns then parses a
 * plain record), parsed with the current origin and TTL, added. *prev is
 * the previous record's owner (owned). */
static void read_record(struct loader *ld, struct reading *rd, char *e, bool omitted, int start,
			ldns_rdf **prev)
{
	if (omitted) {
		if (!*prev) {
			diag_error(ld->diag, rd->file, start, 0,
				   "record without owner and no previous owner");
			return;
		}
		char *ps = ldns_rdf2str(*prev);
		size_t pl = ps ? strlen(ps) : 0;
		if (!ps || pl + 2 > 1024) {
			free(ps);
			return;
		}
		e -= pl + 1; /* the caller left 1024 octets before e */
		memcpy(e, ps, pl);
		e[pl] = ' ';
		free(ps);
	}
	ldns_rr *rr = NULL;
	ldns_rdf *dummy_prev = NULL;
	ldns_status st = ldns_rr_new_frm_str(&rr, e, rd->default_ttl, rd->origin, &dummy_prev);
	if (dummy_prev)
		ldns_rdf_deep_free(dummy_prev);
	if (st != LDNS_STATUS_OK) {
		diag_error(ld->diag, rd->file, start, 0, "cannot parse \"%.120s\": %s", e,
			   ldns_get_errorstr_by_id(st));
		return;
	}
	if (!rd->have_ttl && ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
		/* RFC 2308: without $TTL the SOA's TTL is the default */
		rd->default_ttl = ldns_rr_ttl(rr);
	}
	if (*prev)
		ldns_rdf_deep_free(*prev);
	*prev = ldns_rdf_clone(ldns_rr_owner(rr));
	add_rec(ld, rd->file, start, rr);
	ldns_rr_free(rr);
}

int read_file_into(struct loader *ld, const char *path, ldns_rdf *origin_in,
			  const char *from_file, int from_line)
{
	char *text;
	size_t len;
	if (read_file(path, &text, &len) < 0) {
		if (from_file)
			diag_error(ld->diag, from_file, from_line, 0, "cannot read %s: %s",
				   path, strerror(errno));
		else
			diag_error(ld->diag, path, 0, 0, "cannot read zone file: %s",
				   strerror(errno));
		return GD_EIO;
	}
	struct reading rd = {
		.path = path,
		.file = loader_file(ld, path),
		.origin = ldns_rdf_clone(origin_in),
		.default_ttl = 3600,
	};
	ld->digest = digest_file(ld->digest, path, text, len);
	char *entry = xmalloc(ZONE_ENTRY_MAX + 256 + 1024);
	ldns_rdf *prev = NULL; /* owner of the previous record */
	size_t pos = 0;
	int line = 1;
	ld->chain[ld->depth] = realpath(path, NULL);
	ld->depth++;
	for (;;) {
		int start;
		bool omitted;
		const char *err = NULL;
		int rc = next_entry(text, len, &pos, &line, entry + 1024, ZONE_ENTRY_MAX,
				    &start, &omitted, &err);
		if (rc == 0)
			break;
		if (rc < 0) {
			diag_error(ld->diag, rd.file, start, 0, "%s", err);
			break;
		}
		char *e = entry + 1024;
		if (e[0] == '$' && !omitted)
			read_directive(ld, &rd, e, start);
		else
			read_record(ld, &rd, e, omitted, start, &prev);
	}
	ld->depth--;
	free(ld->chain[ld->depth]);
	ld->chain[ld->depth] = NULL;
	if (prev)
		ldns_rdf_deep_free(prev);
	ldns_rdf_deep_free(rd.origin);
	free(entry);
	free(text);
	return GD_OK;
}
