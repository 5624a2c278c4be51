/*
 * catalogs.c - catalog zones as a consumer (see server/catalogs.h).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server/catalogs.h"

#include "common/diag.h"
#include "common/gd.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "conf/config.h"
#include "conf/schema.h"
#include "ops/metrics.h"
#include "xfr/catalog.h"
#include "zone/zone.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cat_state {
	char *origin;       /* the catalog's config origin */
	struct catalog cat; /* its members as last read */
};

struct catalogs {
	struct cat_state *v;
	size_t n;
	char **gone; /* copies to delete */
	size_t ngone;
	char **resetting; /* members left out of one catalogs_config() */
	size_t nresetting;
};

struct catalogs *catalogs_new(void)
{
	return xcalloc(1, sizeof(struct catalogs));
}

static void strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void catalogs_free(struct catalogs *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].origin);
		catalog_free(&c->v[i].cat);
	}
	free(c->v);
	strs_free(c->gone, c->ngone);
	strs_free(c->resetting, c->nresetting);
	free(c);
}

static void strs_add(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = s;
}

static struct cat_state *find_state(struct catalogs *c, const char *origin)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].origin, origin) == 0)
			return &c->v[i];
	return NULL;
}

/* A configured origin as the catalog writes members: lower case, one
 * trailing dot. */
static void normal_origin(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 2 < cap; s++)
		out[n++] = (char)tolower((unsigned char)*s);
	if (n == 0 || out[n - 1] != '.')
		out[n++] = '.';
	out[n] = '\0';
}

static bool origin_taken(const struct config *e, const char *origin)
{
	char a[1100];
	for (size_t i = 0; i < e->nzones; i++) {
		normal_origin(e->zones[i].origin, a, sizeof(a));
		if (strcmp(a, origin) == 0)
			return true;
	}
	return false;
}

/* dir/NAME.zone: the member's origin without its final dot, every octet
 * but letters, digits, '-', '_' and inner dots as %XX (RFC 2317 names hold
 * '/'). */
static char *member_file(const char *dir, const char *origin)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "%s/", dir);
	size_t len = strlen(origin);
	if (len > 1 && origin[len - 1] == '.')
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)origin[i];
		if (isalnum(ch) || ch == '-' || ch == '_' || (ch == '.' && i > 0))
			sb_printf(&sb, "%c", ch);
		else
			sb_printf(&sb, "%%%02X", ch);
	}
	sb_puts(&sb, ".zone");
	return sb.buf;
}

static bool resetting(const struct catalogs *c, const char *origin)
{
	for (size_t i = 0; i < c->nresetting; i++)
		if (strcmp(c->resetting[i], origin) == 0)
			return true;
	return false;
}

/* The entry of member m of catalog ze. */
static void member_entry(struct zone_entry *me, const struct zone_entry *ze,
                         const struct catalog_member *m)
{
	me->origin = m->origin;
	me->file = member_file(ze->catalog_dir, m->origin);
	me->line = ze->line;
	me->column = ze->column;
	me->serial_policy = conf_default_enum(KEY_ZONE_SERIAL_POLICY);
	me->journal_max_versions = conf_default_uint(KEY_ZONE_JOURNAL_MAX_VERSIONS);
	me->journal_max_bytes = conf_default_uint(KEY_ZONE_JOURNAL_MAX_BYTES);
	me->primaries = ze->nmember_primaries ? ze->member_primaries : ze->primaries;
	me->nprimaries = ze->nmember_primaries ? ze->nmember_primaries : ze->nprimaries;
	me->refresh_min = ze->refresh_min;
	me->refresh_max = ze->refresh_max;
	me->retry_min = ze->retry_min;
	me->retry_max = ze->retry_max;
	me->expire_min = ze->expire_min;
	me->expire_max = ze->expire_max;
	me->catalog_member = true;
}

struct config *catalogs_config(struct catalogs *c, const struct config *cfg)
{
	size_t total = 0;
	for (size_t i = 0; i < c->n; i++)
		total += c->v[i].cat.count;
	if (!total)
		return (struct config *)cfg;
	struct config *e = xmalloc(sizeof(*e));
	*e = *cfg;
	e->zones = xcalloc(cfg->nzones + total + 1, sizeof(struct zone_entry));
	memcpy(e->zones, cfg->zones, cfg->nzones * sizeof(struct zone_entry));
	for (size_t i = 0; i < cfg->nzones; i++) {
		const struct zone_entry *ze = &cfg->zones[i];
		const struct cat_state *st = ze->catalog_dir ? find_state(c, ze->origin) : NULL;
		for (size_t k = 0; st && k < st->cat.count; k++) {
			const struct catalog_member *m = &st->cat.members[k];
			if (resetting(c, m->origin) || origin_taken(e, m->origin))
				continue;
			member_entry(&e->zones[e->nzones++], ze, m);
		}
	}
	return e;
}

void catalogs_config_free(struct config *eff, const struct config *cfg)
{
	if (!eff || eff == cfg)
		return;
	for (size_t i = cfg->nzones; i < eff->nzones; i++)
		free(eff->zones[i].file);
	free(eff->zones);
	free(eff);
}

/* The copy of a member that goes, and its timers. */
static void queue_files(struct catalogs *c, const char *dir, const char *origin)
{
	char *f = member_file(dir, origin);
	size_t n = strlen(f);
	char *t = xmalloc(n + sizeof(".timers"));
	memcpy(t, f, n);
	memcpy(t + n, ".timers", sizeof(".timers"));
	strs_add(&c->gone, &c->ngone, f);
	strs_add(&c->gone, &c->ngone, t);
}

struct diff_ctx {
	struct catalogs *c;
	const struct zone_entry *ze;
	const struct config *cfg;
	bool changed;
};

static void on_change(void *arg, enum catalog_change change, const struct catalog_member *old_m,
                      const struct catalog_member *new_m)
{
	struct diff_ctx *d = arg;
	static const char *const names[] = {"added", "removed", "reset", "changed"};
	const struct catalog_member *m = new_m ? new_m : old_m;
	bool taken = origin_taken(d->cfg, m->origin);
	log_info("event=catalog_member catalog=%s zone=%s id=%s change=%s%s", d->ze->origin,
	         m->origin, m->id, names[change],
	         taken ? " note=\"a configured zone has this origin: the member is left out\"" : "");
	if (change == CATALOG_CHANGED)
		return; /* groups and coo select nothing here yet */
	d->changed = true;
	if (taken)
		return;
	if (change == CATALOG_REMOVED || change == CATALOG_RESET)
		queue_files(d->c, d->ze->catalog_dir, m->origin);
	if (change == CATALOG_RESET)
		strs_add(&d->c->resetting, &d->c->nresetting, xstrdup(m->origin));
}

static const struct zone_entry *catalog_entry(const struct config *cfg, const char *origin)
{
	for (size_t i = 0; i < cfg->nzones; i++)
		if (cfg->zones[i].catalog_dir && strcmp(cfg->zones[i].origin, origin) == 0)
			return &cfg->zones[i];
	return NULL;
}

bool catalogs_check(const struct config *cfg, const char *origin, const struct zone *z,
                    char *why, size_t cap)
{
	if (!catalog_entry(cfg, origin))
		return true;
	struct catalog cat = {0};
	struct diag d = {0};
	bool ok = catalog_read(z, &cat, &d) == GD_OK;
	if (!ok)
		snprintf(why, cap, "not a catalog: %s", d.count ? d.msgs[0] : "unreadable");
	catalog_free(&cat);
	diag_free(&d);
	return ok;
}

bool catalogs_update(struct catalogs *c, const struct config *cfg, const char *origin,
                     const struct zone *z)
{
	const struct zone_entry *ze = catalog_entry(cfg, origin);
	if (!ze || z->unavailable)
		return false; /* an expired catalog keeps its members (RFC 9432 5.1) */
	struct catalog nc = {0};
	struct diag d = {0};
	int rc = catalog_read(z, &nc, &d);
	diag_flush_log(&d);
	diag_free(&d);
	if (rc != GD_OK) {
		log_warn("event=catalog_rejected catalog=%s serial=%u note=\"members unchanged\"",
		         z->origin_str, z->serial);
		return false;
	}
	if (mkdir(ze->catalog_dir, 0750) < 0 && errno != EEXIST)
		log_warn("event=catalog_directory_failed catalog=%s directory=%s error=\"%s\"",
		         z->origin_str, ze->catalog_dir, strerror(errno));
	struct cat_state *st = find_state(c, origin);
	if (!st) {
		c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
		st = &c->v[c->n++];
		memset(st, 0, sizeof(*st));
		st->origin = xstrdup(origin);
	}
	struct diff_ctx dc = {c, ze, cfg, false};
	catalog_diff(&st->cat, &nc, on_change, &dc);
	catalog_free(&st->cat);
	st->cat = nc;
	log_info("event=catalog catalog=%s serial=%u members=%zu changed=%s", z->origin_str,
	         z->serial, nc.count, dc.changed ? "yes" : "no");
	return dc.changed;
}

bool catalogs_forget(struct catalogs *c, const struct config *cfg)
{
	bool any = false;
	for (size_t i = 0; i < c->n;) {
		if (catalog_entry(cfg, c->v[i].origin)) {
			i++;
			continue;
		}
		log_info("event=catalog catalog=%s members=%zu note=\"no longer configured: its "
		         "members go\"",
		         c->v[i].origin, c->v[i].cat.count);
		any |= c->v[i].cat.count > 0;
		free(c->v[i].origin);
		catalog_free(&c->v[i].cat);
		c->v[i] = c->v[--c->n];
	}
	return any;
}

void catalogs_remove_files(struct catalogs *c)
{
	for (size_t i = 0; i < c->ngone; i++)
		if (unlink(c->gone[i]) == 0)
			log_info("event=catalog_member_file_removed file=%s", c->gone[i]);
	strs_free(c->gone, c->ngone);
	c->gone = NULL;
	c->ngone = 0;
}

bool catalogs_end_reset(struct catalogs *c)
{
	bool any = c->nresetting > 0;
	strs_free(c->resetting, c->nresetting);
	c->resetting = NULL;
	c->nresetting = 0;
	return any;
}

void catalogs_metrics(struct catalogs *c, struct strbuf *sb)
{
	metrics_family(sb, "geodnsd_catalog_members", "gauge",
	               "Member zones of each catalog zone (RFC 9432).");
	for (size_t i = 0; i < c->n; i++) {
		const char *l[] = {"catalog", c->v[i].origin, NULL};
		metrics_sample_u64(sb, "geodnsd_catalog_members", l, c->v[i].cat.count);
	}
}
