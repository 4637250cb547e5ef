/* SPDX-License-Identifier: Apache-2.0 */
/* The abstract syntax tree shared by the native front end (grammar/) and the
 * Sigma YAML importer (compiler/sigma_*). Everything after parsing (checks,
 * lowering, code emission, formatting) reads this tree and nothing else, so
 * a Sigma rule and its native translation compile to the same bytecode.
 *
 * Ownership: every node and string is heap-allocated and owned by its parent;
 * gast_unit_free() releases a whole tree. Arrays are (pointer, count, cap)
 * triples grown with gast_push(). Module prefix: gast_. */
#ifndef GANTRY_AST_H
#define GANTRY_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A source position: 1-based line and column, byte offset, span length. */
typedef struct gast_loc {
    const char *file; /* interned by the gast_unit (see gast_unit_intern) */
    int line;
    int col;
    int len;
} gast_loc;

/* ---- values ---- */
typedef enum gast_value_kind {
    GAST_STRING, /* text as written after string escapes; Sigma wildcards
                  * (`*`, `?`, `\` escapes) are still in it and are
                  * interpreted by the compiler, not the parser */
    GAST_NUMBER,
    GAST_BOOL,
    GAST_NULL,
} gast_value_kind;

typedef struct gast_value {
    gast_value_kind kind;
    char *text;    /* STRING: the string; NUMBER: source text ("403", "0x17" as 23) */
    double number; /* NUMBER */
    bool boolean;  /* BOOL */
    bool raw;      /* STRING written as a raw string (r"..."): no wildcards apply */
    gast_loc loc;
} gast_value;

/* ---- modifiers (Sigma names; docs/language.md lists them) ---- */
typedef enum gast_modifier {
    GAST_MOD_CONTAINS,
    GAST_MOD_STARTSWITH,
    GAST_MOD_ENDSWITH,
    GAST_MOD_ALL,
    GAST_MOD_RE,
    GAST_MOD_RE_I, /* i / ignorecase */
    GAST_MOD_RE_M, /* m / multiline */
    GAST_MOD_RE_S, /* s / dotall */
    GAST_MOD_BASE64,
    GAST_MOD_BASE64OFFSET,
    GAST_MOD_WIDE, /* also utf16le */
    GAST_MOD_UTF16BE,
    GAST_MOD_UTF16,
    GAST_MOD_WINDASH,
    GAST_MOD_CIDR,
    GAST_MOD_EXISTS,
    GAST_MOD_LT,
    GAST_MOD_LTE,
    GAST_MOD_GT,
    GAST_MOD_GTE,
    GAST_MOD_FIELDREF,
    GAST_MOD_CASED,
    GAST_MOD_NEQ,
    GAST_MOD_EXPAND,
    /* Sigma 2.1 time parts: the UTC part of a timestamp value, compared with
     * integers; kept contiguous and in this order (MINUTE first, YEAR last) */
    GAST_MOD_MINUTE,
    GAST_MOD_HOUR,
    GAST_MOD_DAY,
    GAST_MOD_WEEK,
    GAST_MOD_MONTH,
    GAST_MOD_YEAR,
    GAST_MOD__COUNT
} gast_modifier;

/* Name <-> enum; lookup accepts aliases (utf16le, ignorecase, ...).
 * Returns -1 for an unknown name. */
int gast_modifier_lookup(const char *name);
const char *gast_modifier_name(gast_modifier mod);

/* ---- predicates: one `field|mods: values` item ---- */
typedef struct gast_pred {
    char *field; /* dotted path; NULL for a keyword item (searches all strings) */
    gast_modifier *mods;
    size_t mod_count, mod_cap;
    gast_value **values; /* alternatives (OR, or AND with `all`) */
    size_t value_count, value_cap;
    char *list_ref;     /* `field in NAME`: values come from the named list */
    bool negated;       /* `field not in NAME` (only in conditions and macros) */
    bool empty_list;    /* written as `[]` (Sigma: same as null) */
    gast_loc loc;       /* the whole item */
    gast_loc field_loc; /* the field name */
} gast_pred;

/* A map: all predicates must hold (AND). */
typedef struct gast_map {
    gast_pred **preds;
    size_t pred_count, pred_cap;
    gast_loc loc;
} gast_map;

/* A named selection (Sigma search identifier). It is an OR of alternatives;
 * each alternative is a map (a single map is one alternative). A keyword
 * item is an alternative map holding one predicate with field == NULL. */
typedef struct gast_selection {
    char *name;
    gast_map **alts;
    size_t alt_count, alt_cap;
    bool is_list; /* written as a list (OR of alternatives) rather than one map */
    gast_loc loc;
} gast_selection;

/* ---- conditions ---- */
typedef enum gast_cond_kind {
    GAST_COND_AND,
    GAST_COND_OR,
    GAST_COND_NOT,
    GAST_COND_REF,    /* a selection or macro name (`name`) */
    GAST_COND_ONE_OF, /* `1 of pattern` / `any of pattern`; pattern "them" = all */
    GAST_COND_ALL_OF, /* `all of pattern` */
    GAST_COND_PRED,   /* an inline predicate (`field|mods: value`, `field in list`) */
    GAST_COND_TRUE,
    GAST_COND_FALSE,
    GAST_COND_ANY, /* `any SCOPE { left }`: left holds for some element of the scope */
} gast_cond_kind;

typedef struct gast_cond {
    gast_cond_kind kind;
    struct gast_cond *left;  /* AND, OR, NOT (operand) */
    struct gast_cond *right; /* AND, OR */
    char *name;      /* REF: the name; ONE_OF / ALL_OF: pattern with `*`, or "them"; ANY: scope */
    gast_pred *pred; /* PRED */
    gast_loc loc;
    gast_loc name_loc; /* ANY: the scope name */
} gast_cond;

/* ---- top-level items ---- */
typedef enum gast_level {
    GAST_LEVEL_UNSET = -1,
    GAST_LEVEL_INFORMATIONAL = 0,
    GAST_LEVEL_LOW,
    GAST_LEVEL_MEDIUM,
    GAST_LEVEL_HIGH,
    GAST_LEVEL_CRITICAL,
} gast_level;

typedef struct gast_strings {
    char **items;
    size_t count, cap;
} gast_strings;

typedef struct gast_rule {
    char *name; /* the name written after `rule` (Sigma: the `name` key or file stem) */
    char *id;
    char *title;
    char *description;
    char *status;
    gast_level level;
    char *author;
    char *date;
    char *modified;
    char *license; /* e.g. "DRL-1.1" for imported Sigma rules */
    gast_strings references;
    gast_strings tags;
    gast_strings falsepositives;
    gast_strings fields; /* Sigma `fields` */
    char *logsource_product;
    char *logsource_category;
    char *logsource_service;
    gast_selection **selections;
    size_t selection_count, selection_cap;
    gast_cond *condition;
    gast_loc loc;
    gast_loc condition_loc;
} gast_rule;

typedef struct gast_list {
    char *name;
    gast_value **values;
    size_t value_count, value_cap;
    gast_loc loc;
} gast_list;

typedef struct gast_macro {
    char *name;
    gast_cond *body;
    gast_loc loc;
} gast_macro;

/* ---- correlations (docs/correlations.md) ---- */
typedef enum gast_corr_type {
    GAST_CORR_UNSET = -1,
    GAST_CORR_EVENT_COUNT = 0,
    GAST_CORR_VALUE_COUNT,
    GAST_CORR_TEMPORAL,
    GAST_CORR_TEMPORAL_ORDERED,
    GAST_CORR_VALUE_SUM,
    GAST_CORR_VALUE_AVG,
    GAST_CORR_VALUE_PERCENTILE,
    GAST_CORR__COUNT
} gast_corr_type;

/* Condition bounds: a lower and/or an upper bound, each inclusive or not;
 * `eq N` is both bounds inclusive at N. */
enum {
    GAST_CORR_HAS_LO = 1,
    GAST_CORR_LO_INCL = 2,
    GAST_CORR_HAS_HI = 4,
    GAST_CORR_HI_INCL = 8,
};

/* `aliases`: one group-by name that reads a different field per rule. */
typedef struct gast_corr_alias {
    char *name;
    gast_strings rules;  /* rule (or correlation) names or ids */
    gast_strings fields; /* parallel to rules */
    gast_loc loc;
} gast_corr_alias;

typedef struct gast_correlation {
    char *name;
    char *id;
    char *title;
    char *description;
    char *status;
    char *author;
    char *date;
    gast_level level;
    gast_strings tags;
    gast_strings references;
    gast_corr_type type;
    gast_strings rules; /* referenced rules or correlations, by name or id */
    gast_strings group_by;
    gast_corr_alias **aliases;
    size_t alias_count, alias_cap;
    int64_t timespan_ns; /* 0: unset */
    unsigned cond_flags; /* GAST_CORR_HAS_LO ...; 0: no condition written */
    double cond_lo, cond_hi;
    char *field;       /* value_count / value_sum / value_avg / value_percentile */
    double percentile; /* value_percentile; < 0: unset */
    int generate;      /* -1 unset, 0, 1 */
    gast_loc loc;
} gast_correlation;

gast_correlation *gast_correlation_new(gast_loc loc);
void gast_correlation_free(gast_correlation *corr);
gast_corr_alias *gast_corr_alias_new(char *name, gast_loc loc);
void gast_corr_alias_free(gast_corr_alias *alias);
/* "event_count" ... ; -1 for an unknown name. */
int gast_corr_type_lookup(const char *name);
const char *gast_corr_type_name(gast_corr_type type);
/* "5m", "10s", "1h", "2d", "500ms", "1500us", "10ns" -> ns; -1 when malformed. */
int64_t gast_duration_parse(const char *text);

/* A compilation unit: everything read from all files of one compile run,
 * includes resolved by the front end. */
typedef struct gast_unit {
    gast_rule **rules;
    size_t rule_count, rule_cap;
    gast_list **lists;
    size_t list_count, list_cap;
    gast_macro **macros;
    size_t macro_count, macro_cap;
    char **files; /* interned file names, owned here */
    size_t file_count, file_cap;
    gast_correlation **correlations;
    size_t correlation_count, correlation_cap;
} gast_unit;

/* Grow an array (pointer, count, cap) and append one element. Returns false
 * on allocation failure and leaves the array unchanged. */
bool gast_push_ptr(void ***items, size_t *count, size_t *cap, void *item);
#define gast_push(arr, count, cap, item) gast_push_ptr((void ***)(arr), (count), (cap), (item))

/* Constructors return NULL on allocation failure. */
gast_unit *gast_unit_new(void);
const char *gast_unit_intern(gast_unit *unit, const char *file);
gast_rule *gast_rule_new(gast_loc loc);
gast_selection *gast_selection_new(char *name, gast_loc loc);
gast_map *gast_map_new(gast_loc loc);
gast_pred *gast_pred_new(char *field, gast_loc loc);
gast_value *gast_value_string(char *text, gast_loc loc);
gast_value *gast_value_number(double number, char *text, gast_loc loc);
gast_value *gast_value_bool(bool b, gast_loc loc);
gast_value *gast_value_null(gast_loc loc);
gast_cond *gast_cond_new(gast_cond_kind kind, gast_loc loc);
gast_list *gast_list_new(char *name, gast_loc loc);
gast_macro *gast_macro_new(char *name, gast_cond *body, gast_loc loc);

/* Destructors accept NULL. */
void gast_unit_free(gast_unit *unit);
void gast_rule_free(gast_rule *rule);
void gast_selection_free(gast_selection *sel);
void gast_map_free(gast_map *map);
void gast_pred_free(gast_pred *pred);
void gast_value_free(gast_value *value);
void gast_cond_free(gast_cond *cond);
void gast_list_free(gast_list *list);
void gast_macro_free(gast_macro *macro);
void gast_strings_free(gast_strings *strings);
bool gast_strings_push(gast_strings *strings, const char *text); /* copies text */

#endif
