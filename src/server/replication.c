/*
 * replication.c - what a new snapshot means for the zone's secondaries:
 * the serial (zones[].serial_policy), the difference from the version
 * served before (appended to the zone's journal for IXFR once the
 * snapshot is published) and the NOTIFY to send.
 *
 * A zone's journal outlives snapshots: each snapshot holds a counted
 * reference to the journal of each of its zones, taken over from the
 * previous snapshot for the same origin and journal settings. The
 * difference a snapshot brings is computed while it is built (against the
 * zone it replaces, which is still served) and kept in the snapshot; only
 * replication_commit, after the snapshot is published, adds it to the
 * journal, saves the journal file and asks the transfer thread to notify.
 * A reload that fails therefore leaves the journal as it was.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "server_internal.h"

#include "common/diag.h"
#include "common/gd.h"
#include "common/log.h"
#include "conf/config.h"
#include "conf/schema.h"
#include "dns/serial.h"
#include "dns/wire.h"
#include "server/snapshot.h"
#include "xfr/axfr.h"
#include "xfr/journal.h"
#include "xfr/notify.h"
#include "zone/zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct zone_journal {
	unsigned refs; /* snapshots holding it (atomic) */
	struct journal *j;
	char *file; /* journal.file, or NULL */
	unsigned max_versions;
	size_t max_bytes;
};

/* Per zone of a snapshot (its index in db->zones). */
struct zone_replication {
	struct zone_journal *journal;
	struct diff *pending; /* the difference this version brings, until committed */
	bool notify_due;      /* a new serial (or a zone new to us) */
	bool targets_changed; /* since prev: the notifier is told even of none */
	struct notify_target *targets;
	size_t ntargets;
};

static void journal_unref(struct zone_journal *zj)
{
	if (!zj || __atomic_sub_fetch(&zj->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	journal_free(zj->j);
	free(zj->file);
	free(zj);
}

/* The journal for zone z (entry ze): prev's when its settings are the
 * same, else a new one (read from journal.file when there is one). */
static struct zone_journal *journal_for(const struct zone_entry *ze, const struct zone *z,
                                        const struct zone_journal *prev)
{
	if (prev && str_same(prev->file, ze->journal_file) &&
	    prev->max_versions == ze->journal_max_versions &&
	    prev->max_bytes == ze->journal_max_bytes) {
		struct zone_journal *zj = (struct zone_journal *)prev;
		__atomic_add_fetch(&zj->refs, 1, __ATOMIC_RELAXED);
		return zj;
	}
	struct zone_journal *zj = xcalloc(1, sizeof(*zj));
	zj->refs = 1;
	zj->file = ze->journal_file ? xstrdup(ze->journal_file) : NULL;
	zj->max_versions = ze->journal_max_versions;
	zj->max_bytes = ze->journal_max_bytes;
	if (zj->file) {
		char err[256] = "";
		int rc = journal_load(zj->file, z->origin, zj->max_versions, zj->max_bytes, &zj->j,
		                      err, sizeof(err));
		if (rc != GD_OK && rc != GD_ENOTFOUND)
			log_warn("event=journal_load_failed zone=%s file=%s error=\"%s\" "
			         "action=empty_journal",
			         z->origin_str, zj->file, err);
	} else {
		zj->j = journal_new(zj->max_versions, zj->max_bytes);
	}
	return zj;
}

/* Did the zone's content change from p to z, the SOA serial aside? */
static bool content_changed(const struct diff *d, const struct zone *p, const struct zone *z)
{
	if (diff_removed(d) || diff_added(d) || p->soa->ttl != z->soa->ttl)
		return true;
	const uint8_t *a = p->soa->rdata, *b = z->soa->rdata;
	size_t la = rd16(a), lb = rd16(b);
	/* the names and the four fields after the serial */
	return la != lb || memcmp(a + 2, b + 2, la - 20) != 0 ||
	       memcmp(a + 2 + la - 16, b + 2 + lb - 16, 16) != 0;
}

/* The serial geodnsd gives a changed zone under policy (increment,
 * unixtime): the file's when it is newer than the one served, else now
 * (unixtime) or the served plus one, whichever is newer. */
static uint32_t next_serial(int policy, uint32_t file, uint32_t served)
{
	if (policy == SERIAL_POLICY_INCREMENT && serial_gt(file, served))
		return file;
	uint32_t now = (uint32_t)time(NULL);
	if (policy == SERIAL_POLICY_UNIXTIME && serial_gt(now, served))
		return now;
	return serial_add(served, 1);
}

/* Zone z replaces p (rebuilt, not shared): its serial and difference. */
static void replace_zone(struct zone_replication *zr, const struct zone_entry *ze,
                         const struct zone *p, struct zone *z, struct diag *diag)
{
	struct diff *d = NULL;
	if (diff_zones(p, z, &d) != GD_OK) {
		zr->notify_due = p->serial != z->serial;
		return;
	}
	bool changed = content_changed(d, p, z);
	if (ze->serial_policy == SERIAL_POLICY_KEEP) {
		if ((changed && !serial_gt(z->serial, p->serial)) || serial_lt(z->serial, p->serial)) {
			diag_error(diag, ze->file, 0, 0,
			           "zone %s: the zone changed but its serial %u is not greater than "
			           "the serial served, %u (RFC 1982): raise the serial, or set "
			           "\"serial_policy\" to \"increment\" or \"unixtime\"",
			           z->origin_str, z->serial, p->serial);
			diff_free(d);
			return;
		}
	} else if (!changed) {
		zone_set_serial(z, p->serial); /* the same version: the same serial */
	} else {
		zone_set_serial(z, next_serial(ze->serial_policy, z->serial, p->serial));
		diff_free(d);
		d = NULL;
		if (diff_zones(p, z, &d) != GD_OK)
			d = NULL;
	}
	zr->notify_due = z->serial != p->serial;
	if (zr->notify_due)
		zr->pending = d;
	else
		diff_free(d);
}

/* A zone new to this process (start, or added by a reload): the journal
 * read from its file continues only at the zone's serial. */
/* Beside journal.file, the digest of the zone's inputs (zone->digest) the
 * journal leads to: at start a journal whose last serial is the zone's is
 * kept only when the zone was built from the same bytes (an edit without
 * a new serial while geodnsd was down would make its differences lead to
 * another version than the one served). */
static void digest_path(const char *journal_file, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s.zone-digest", journal_file);
}

static void save_digest(const char *journal_file, uint64_t digest)
{
	char path[4096], text[32];
	digest_path(journal_file, path, sizeof(path));
	int n = snprintf(text, sizeof(text), "%016llx\n", (unsigned long long)digest);
	if (write_file_replace(path, text, (size_t)n) != GD_OK)
		log_warn("event=journal_save_failed file=%s", path);
}

static bool same_digest(const char *journal_file, uint64_t digest)
{
	char path[4096], *text;
	size_t len;
	digest_path(journal_file, path, sizeof(path));
	if (read_file(path, &text, &len) != GD_OK)
		return false;
	unsigned long long d = 0;
	bool same = sscanf(text, "%16llx", &d) == 1 && d == digest;
	free(text);
	return same;
}

static void new_zone(struct zone_replication *zr, const struct zone_entry *ze, struct zone *z)
{
	uint32_t first, last;
	zr->notify_due = true;
	if (!journal_range(zr->journal->j, &first, &last))
		return;
	if (last == z->serial) {
		if (!zr->journal->file || same_digest(zr->journal->file, z->digest))
			return;
		log_warn("event=journal_reset zone=%s serial=%u reason=\"the zone changed without "
		         "a new serial since the journal was saved\"",
		         z->origin_str, z->serial);
		journal_clear(zr->journal->j);
		return;
	}
	if (serial_gt(last, z->serial) && ze->serial_policy != SERIAL_POLICY_KEEP) {
		/* served before the restart at a later serial: a version after it
		 * (the content may have changed meanwhile) */
		zone_set_serial(z, next_serial(ze->serial_policy, z->serial, last));
	} else if (serial_gt(last, z->serial)) {
		log_warn("event=serial_behind zone=%s serial=%u journal_serial=%u "
		         "note=\"secondaries that have the journal's serial will not follow\"",
		         z->origin_str, z->serial, last);
	}
	journal_clear(zr->journal->j);
}

static struct notify_target *notify_targets(const struct zone_entry *ze)
{
	struct notify_target *t = xcalloc(ze->nnotify + 1, sizeof(*t));
	for (size_t k = 0; k < ze->nnotify; k++) {
		memcpy(&t[k].addr, &ze->notify[k].ss, sizeof(t[k].addr));
		t[k].addr_len = ze->notify[k].len;
		t[k].key = ze->notify[k].key ? xstrdup(ze->notify[k].key) : NULL;
	}
	return t;
}

static bool same_targets(const struct zone_replication *a, const struct zone_replication *b)
{
	if (a->ntargets != b->ntargets)
		return false;
	for (size_t k = 0; k < a->ntargets; k++) {
		const struct notify_target *x = &a->targets[k], *y = &b->targets[k];
		if (x->addr_len != y->addr_len || memcmp(&x->addr, &y->addr, x->addr_len) != 0 ||
		    !str_same(x->key, y->key))
			return false;
	}
	return true;
}

/* The replication state of zone p in prev (its config index i tried first). */
static const struct zone_replication *prev_of(const struct snapshot *prev, size_t i,
                                              const struct zone *p)
{
	size_t k = prev && p ? zonedb_index(prev->db, p, i) : SIZE_MAX;
	return k != SIZE_MAX ? &prev->repl[k] : NULL;
}

void replication_prepare(struct snapshot *snap, const struct config *cfg,
                         const struct snapshot *prev, struct zone **zones, size_t n,
                         struct diag *diag)
{
	snap->repl = xcalloc(n + 1, sizeof(struct zone_replication));
	snap->nrepl = n;
	for (size_t i = 0; i < n; i++) {
		const struct zone_entry *ze = &cfg->zones[i];
		struct zone_replication *zr = &snap->repl[i];
		struct zone *z = zones[i];
		const struct zone *p =
		    prev ? zonedb_origin(prev->db, z->origin, z->origin_len) : NULL;
		const struct zone_replication *pr = prev_of(prev, i, p);
		zr->journal = journal_for(ze, z, pr ? pr->journal : NULL);
		zr->targets = notify_targets(ze);
		zr->ntargets = ze->nnotify;
		if (z->unavailable)
			continue; /* a secondary with no data: nothing to tell or keep */
		if (p && p->unavailable)
			p = NULL; /* data again: as a zone new to the process */
		/* secondaries (transfer.allow, transfer.notify) follow serials
		 * and IXFR needs the differences; a zone without them only pays
		 * for a difference when geodnsd keeps its serial */
		bool replicated = ze->nallow || ze->nnotify;
		if (!p)
			new_zone(zr, ze, z);
		else if (p != z && (replicated || ze->serial_policy != SERIAL_POLICY_KEEP))
			replace_zone(zr, ze, p, z, diag);
		else if (p != z)
			zr->notify_due = p->serial != z->serial;
		/* targets added or given another key hear of the serial too (the
		 * notifier sends only to those) */
		if (pr && !same_targets(pr, zr))
			zr->notify_due = zr->targets_changed = true;
		/* the names in transfer order, here rather than on the transfer
		 * thread (a no-op for a zone kept from prev) */
		if (ze->nallow && axfr_prepare(z) != GD_OK)
			log_warn("event=axfr_prepare_failed zone=%s", z->origin_str);
	}
}

void replication_free(struct snapshot *snap)
{
	for (size_t i = 0; i < snap->nrepl; i++) {
		struct zone_replication *zr = &snap->repl[i];
		journal_unref(zr->journal);
		diff_free(zr->pending);
		for (size_t k = 0; k < zr->ntargets; k++)
			free((char *)zr->targets[k].key);
		free(zr->targets);
	}
	free(snap->repl);
	snap->repl = NULL;
	snap->nrepl = 0;
}

struct journal *snapshot_journal(const struct snapshot *snap, size_t index)
{
	return index < snap->nrepl ? snap->repl[index].journal->j : NULL;
}

void server_replication_commit(struct server *srv, struct snapshot *snap)
{
	for (size_t i = 0; i < snap->nrepl; i++) {
		struct zone_replication *zr = &snap->repl[i];
		const struct zone *z = snap->db->zones[i];
		if (zr->pending) {
			uint32_t from = diff_serial_from(zr->pending);
			int rc = journal_add(zr->journal->j, zr->pending);
			zr->pending = NULL;
			size_t versions, bytes;
			journal_stats(zr->journal->j, &versions, &bytes);
			log_info("event=journal zone=%s from=%u to=%u result=%s versions=%zu bytes=%zu",
			         z->origin_str, from, z->serial,
			         rc == GD_OK ? "added" : rc == GD_ELIMIT ? "too_large" : "reset",
			         versions, bytes);
			if (zr->journal->file &&
			    journal_save(zr->journal->j, z->origin, zr->journal->file) != GD_OK)
				log_warn("event=journal_save_failed zone=%s file=%s", z->origin_str,
				         zr->journal->file);
			else if (zr->journal->file)
				save_digest(zr->journal->file, z->digest);
		}
		if (zr->notify_due && !z->unavailable && (zr->ntargets || zr->targets_changed))
			xfrout_notify(srv->xfr, z, zr->targets, zr->ntargets, &snap->tsig_keys);
		zr->notify_due = false;
	}
}
