/*
 * state_file.c - the admin overrides kept across restarts in
 * health.state_file (drained regions, forced endpoints), as JSON.
 *
 * An override marks the state dirty (health_state_changed) and the prober's loop
 * writes the file shortly after, once for all the changes made meanwhile,
 * and health_stop writes what is left; health_run reads it before the
 * start-up snapshot (health_load_state).
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#include "health_internal.h"

#include "common/gd.h"
#include "common/log.h"
#include "ops/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Delay between an override and the write of the state file: the changes
 * made meanwhile go out in the same write. */
#define STATE_SAVE_DELAY_MS 200

/* The overrides changed: the state file is written from the prober's loop
 * STATE_SAVE_DELAY_MS later (and by health_stop), once for every change made
 * until then. Rewriting the whole file per change made n overrides cost
 * O(n^2). Called with hp->lock held. */
void health_state_changed(struct health *hp)
{
	if (!hp->state_file || hp->state_dirty)
		return;
	hp->state_dirty = true;
	static const struct timeval delay = {0, STATE_SAVE_DELAY_MS * 1000};
	if (hp->save_timer)
		event_add(hp->save_timer, &delay);
}

/* Write the overrides to the state file (temporary file + rename, so a
 * crash never leaves half a file) when they changed since the last write.
 * The text is made under hp->lock, the file written outside it. From the
 * prober thread, or after it stopped: one writer at a time. */
void health_save_state(struct health *hp)
{
	pthread_mutex_lock(&hp->lock);
	if (!hp->state_dirty) {
		pthread_mutex_unlock(&hp->lock);
		return;
	}
	hp->state_dirty = false;
	size_t noverrides = hp->noverrides;
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "{ \"drained\": [");
	bool first = true;
	for (size_t i = 0; i < hp->nregions; i++)
		if (hp->regions[i].drained) {
			sb_puts(&sb, first ? "\"" : ", \"");
			sb_json_string(&sb, hp->regions[i].name);
			sb_puts(&sb, "\"");
			first = false;
		}
	sb_puts(&sb, "],\n  \"endpoints\": {");
	for (size_t k = 0; k < hp->noverrides; k++) {
		char a[INET6_ADDRSTRLEN];
		health_key_str(hp->overrides[k].key, a, sizeof(a));
		sb_printf(&sb, "%s \"%s\": \"%s\"", k ? "," : "", a,
		          hp->overrides[k].up ? "up" : "down");
	}
	sb_puts(&sb, " } }\n");
	pthread_mutex_unlock(&hp->lock);

	if (write_file_replace(hp->state_file, sb.buf, sb.len) != GD_OK)
		log_error("event=state_save_failed file=%s error=\"%s\"", hp->state_file,
		          strerror(errno));
	else
		log_debug("event=state_saved file=%s endpoints=%zu", hp->state_file, noverrides);
	sb_free(&sb);
}

/* An override read from the state file, and its place there. */
struct loaded_override {
	struct endpoint_override o;
	size_t seq;
};

static int loaded_override_compare(const void *a, const void *b)
{
	const struct loaded_override *x = a, *y = b;
	int c = memcmp(x->o.key, y->o.key, 17);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Read overrides saved by an earlier run; a bad file is logged and ignored
 * (the feeds decide then). Before the prober thread starts. */
void health_load_state(struct health *hp)
{
	json_error_t err;
	json_t *root = json_load_file(hp->state_file, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		if (access(hp->state_file, F_OK) == 0)
			log_error("event=state_load_failed file=%s line=%d error=\"%s\"",
				  hp->state_file, err.line, err.text);
		return;
	}
	json_t *drained = json_object_get(root, "drained"), *v;
	size_t i;
	json_array_foreach(drained, i, v) {
		for (size_t k = 0; json_is_string(v) && k < hp->nregions; k++)
			if (strcmp(hp->regions[k].name, json_string_value(v)) == 0)
				hp->regions[k].drained = true;
	}
	const char *addr;
	json_t *eps = json_object_get(root, "endpoints");
	struct loaded_override *lo = xcalloc(json_object_size(eps) + 1, sizeof(*lo));
	size_t n = 0;
	json_object_foreach(eps, addr, v) {
		if (health_endpoint_key(addr, lo[n].o.key) != GD_OK || !json_is_string(v))
			continue;
		lo[n].o.up = strcmp(json_string_value(v), "up") == 0;
		lo[n].seq = n;
		n++;
	}
	json_decref(root);
	/* sorted, and of two spellings of one address the later counts */
	qsort(lo, n, sizeof(*lo), loaded_override_compare);
	hp->overrides = xrealloc(hp->overrides, (n + 1) * sizeof(*hp->overrides));
	hp->noverrides = 0;
	for (size_t k = 0; k < n; k++)
		if (k + 1 == n || memcmp(lo[k].o.key, lo[k + 1].o.key, 17) != 0)
			hp->overrides[hp->noverrides++] = lo[k].o;
	free(lo);
	log_info("event=state_loaded file=%s endpoints=%zu", hp->state_file, hp->noverrides);
}
