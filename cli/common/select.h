/* SPDX-License-Identifier: Apache-2.0 */
/* Rule selection at match time, over compiled packs: --tags,
 * --exclude-tags, --status, --min-level/--max-level, --rule,
 * --exclude-rule and --exclusions FILE. The rule-level choices become a
 * per-pack mask for gantry_matcher_set_rule_mask; exclusions with field
 * conditions drop single matches. docs/output.md is the contract. Module
 * prefix: gsel_. */
#ifndef GANTRY_CLI_SELECT_H
#define GANTRY_CLI_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "gantry.h"

struct cJSON;

typedef struct gsel_list {
    char **items;
    size_t count;
} gsel_list;

typedef struct gsel_options {
    gsel_list tags, exclude_tags, status, rules, exclude_rules;
    int min_level, max_level; /* -1: no bound */
    const char *exclusions;   /* --exclusions FILE, NULL when not given */
} gsel_options;

/* Appends the items of a comma list. Returns 0, or -1 on an empty item
 * (err says so) or when memory ran out. */
int gsel_add(gsel_list *list, const char *comma_list, char *err, size_t err_size);
/* Checks every --status value against the Sigma statuses. Returns 0, or -1
 * with "did you mean" in err. */
int gsel_check_status(const gsel_list *status, char *err, size_t err_size);
void gsel_options_free(gsel_options *options);
/* 1 when any selection option was given. */
int gsel_active(const gsel_options *options);

typedef struct gsel gsel;

/* The selection over the run's packs. Returns NULL with the reason in err:
 * an unknown tag or rule (with "did you mean"), or an exclusions file that
 * cannot be read or has a syntax error (file:line:col, the line and a
 * caret). *nomem is set when memory ran out instead. */
gsel *gsel_new(const gsel_options *options, const gantry_pack *const *packs, size_t pack_count,
               char *err, size_t err_size, int *nomem);
void gsel_free(gsel *selection);
/* Pack `pack`'s mask: enabled[r] for each of its rules; NULL when all run. */
const uint8_t *gsel_mask(const gsel *selection, size_t pack);
/* Rules left to run, over all packs. */
size_t gsel_enabled(const gsel *selection);
/* 1 when an exclusion with field conditions drops this match. */
int gsel_excluded(const gsel *selection, size_t pack, uint32_t rule, const struct cJSON *event);

/* ---- exclusions file (exclusions.c) ---- */

typedef struct gsel_condition {
    char *field; /* as written: a schema field or raw:PATH */
    const char *path;
    char *value;
} gsel_condition;

typedef struct gsel_exclusion {
    char *rule; /* id, title, or "*" for every rule */
    gsel_condition *conditions;
    size_t condition_count;
    unsigned line, rule_col; /* where the rule was written, for errors */
} gsel_exclusion;

typedef struct gsel_exclusions {
    gsel_exclusion *items;
    size_t count;
    char *text; /* the file, kept for error lines */
} gsel_exclusions;

/* Reads FILE. Returns 0, or -1 with the reason in err (a syntax error as
 * FILE:LINE:COL: message, then the line and a caret under the column). */
int gsel_read_exclusions(const char *path, gsel_exclusions *out, char *err, size_t err_size,
                         int *nomem);
void gsel_exclusions_free(gsel_exclusions *ex);
/* The error text for line/col of the file: "PATH:LINE:COL: MESSAGE" and
 * the line with a caret. */
void gsel_point(const gsel_exclusions *ex, const char *path, unsigned line, unsigned col,
                const char *message, char *err, size_t err_size);

#endif
