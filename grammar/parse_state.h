/* SPDX-License-Identifier: Apache-2.0 */
/* Private to the native front end: the state shared by the flex scanner,
 * the bison parser and the driver (parse.c). Module prefix: gparse_. */
#ifndef GANTRY_PARSE_STATE_H
#define GANTRY_PARSE_STATE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "diag.h"

/* The bison location type: 1-based lines and byte columns (last_column is
 * one past the end) plus byte offsets, so a span maps back to its text. */
typedef struct gparse_loc {
    int first_line, first_column;
    int last_line, last_column;
    size_t first_off, last_off;
} gparse_loc;

/* A metadata value as written (`title: "x"`, `tags: [a.b, c]`,
 * `logsource: { product: k }`); rule.c turns it into rule fields. */
typedef enum gparse_meta_kind {
    GPARSE_META_SCALAR, /* string, bare word, number, bool or null */
    GPARSE_META_LIST,
    GPARSE_META_MAP,
} gparse_meta_kind;

typedef struct gparse_meta {
    gparse_meta_kind kind;
    gast_value *scalar;         /* SCALAR; a bare word is a GAST_STRING */
    struct gparse_meta **items; /* LIST elements / MAP values */
    char **keys;                /* MAP keys, parallel to items */
    gparse_loc *key_locs;
    size_t count, cap;
    gparse_loc loc;
} gparse_meta;

typedef struct gparse_include {
    char *path; /* as written */
    gast_loc loc;
} gparse_include;

typedef struct gparse_state {
    gast_unit *unit;
    gdiag_sink *diag;
    const char *file; /* interned */
    const char *text; /* the whole file, for quoting tokens in messages */
    size_t len;
    /* scanner position */
    int line, col;
    size_t off;
    gparse_loc comment_start;
    bool oom;
    size_t errors; /* reported through gparse_error */
    jmp_buf fatal; /* the scanner's out-of-memory exit (YY_FATAL_ERROR) */
    /* live scanner allocations, freed after a fatal exit (lexer.l) */
    union gparse_flex_block *flex_blocks;
    bool nesting_reported; /* one nesting error per top-level item */
    gparse_include *includes;
    size_t include_count, include_cap;
} gparse_state;

gast_loc gparse_ast_loc(const gparse_state *st, gparse_loc loc);
/* After gylex_destroy(): frees scanner blocks a fatal exit left behind. */
void gparse_scanner_leftovers(gparse_state *st);
void gparse_error(gparse_state *st, const char *code, gparse_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Lexer helpers (lexer_support.c). */
char *gparse_unescape(gparse_state *st, const char *text, size_t len, gparse_loc loc);
char *gparse_path_text(const char *text, size_t len);

/* Closest candidate to `word` within a small edit distance, or NULL. */
const char *gparse_suggest(const char *word, const char *const *candidates, size_t count);

/* Parser helpers (rule.c). */
gparse_meta *gparse_meta_new(gparse_meta_kind kind, gparse_loc loc);
void gparse_meta_free(gparse_meta *meta);
bool gparse_meta_push(gparse_meta *meta, char *key, gparse_loc key_loc, gparse_meta *item);
void gparse_rule_meta(gparse_state *st, gast_rule *rule, const char *key, gparse_loc key_loc,
                      gparse_meta *value);
bool gparse_add_modifier(gparse_state *st, gast_pred *pred, const char *name, gparse_loc loc);
bool gparse_add_include(gparse_state *st, char *path, gparse_loc loc);

/* corr_meta.c: correlation blocks. Each takes ownership of `value` /
 * `cond` / `corr` and of `word` in gparse_corr_finish. */
void gparse_corr_meta(gparse_state *st, gast_correlation *corr, const char *key, gparse_loc key_loc,
                      gparse_meta *value);
void gparse_corr_alias(gparse_state *st, gast_correlation *corr, const char *word,
                       gparse_loc word_loc, char *name, gparse_loc name_loc, gparse_meta *value);
void gparse_corr_condition(gparse_state *st, gast_correlation *corr, gparse_loc key_loc,
                           gparse_meta *cond);
void gparse_corr_finish(gparse_state *st, char *word, gparse_loc word_loc, char *name,
                        gparse_loc name_loc, gast_correlation *corr);

#endif
