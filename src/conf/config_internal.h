/*
 * config_internal.h - private to src/conf/: the schema-driven getters the
 * sections of the configuration share (config.c, config_zones.c), each
 * reading one key of the schema table from a JSON object with the error
 * at its path.
 *
 * Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
 */
#ifndef GD_CONFIG_INTERNAL_H
#define GD_CONFIG_INTERNAL_H

#include "conf/config.h"
#include "conf/schema.h"

#include <jansson.h>
#include <stdbool.h>

struct jcheck;
struct netprefix;
struct zone_entry;

/* The key's last path element (its name in its object). */
const char *key_name(enum conf_key_id id);
/* Unknown members of obj (the schema's rows below parent) reported. */
void check_keys_under(struct jcheck *c, json_t *obj, const char *parent);
void check_keys(struct jcheck *c, json_t *obj, enum conf_key_id id);
/* The object of section id in obj (its keys checked), or NULL. */
json_t *get_section(struct jcheck *c, json_t *obj, enum conf_key_id id);
/* A member of its row's type and range into *out (unchanged when absent
 * or wrong, the error reported). */
void get_uint(struct jcheck *c, json_t *obj, enum conf_key_id id, unsigned *out);
void get_bool(struct jcheck *c, json_t *obj, enum conf_key_id id, bool *out);
void get_str(struct jcheck *c, json_t *obj, enum conf_key_id id, char **out);
/* A path key (a row with is_path) as get_str, resolved against the
 * configuration's directory (conf_path): the one reader of those rows. */
void get_path(struct jcheck *c, const struct config *cfg, json_t *obj, enum conf_key_id id,
              char **out);
/* A path-list key (is_path, a list, or one string when the row allows
 * it) as jc_get_str_list, each resolved like get_path's; appended to
 * *out. */
void get_path_list(struct jcheck *c, const struct config *cfg, json_t *obj, enum conf_key_id id,
                   char ***out, size_t *n);
/* A string longer than its row's max: an error at the key. */
void check_len(struct jcheck *c, enum conf_key_id id, const char *s);
/* The index of the value among the row's names; -1 when absent or not one. */
int get_enum(struct jcheck *c, json_t *obj, enum conf_key_id id);
void get_prefixes(struct jcheck *c, json_t *obj, enum conf_key_id id, struct netprefix **out,
                  size_t *n);

/* ---- config_zones.c ---- */

/* The zones array into cfg->zones. */
void load_zones(struct jcheck *c, struct config *cfg, json_t *a);
void zone_entry_free(struct zone_entry *ze);

#endif
