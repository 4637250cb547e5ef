/* SPDX-License-Identifier: Apache-2.0 */
/* Internal runtime structures: a loaded pack (decoded from its image into
 * native arrays, immutable after gantry_pack_load_*) and a matcher (all the
 * mutable per-thread state). Nothing here is public; include/gantry.h keeps
 * both types opaque. Module prefix: grt_. */
#ifndef GANTRY_RT_PACK_H
#define GANTRY_RT_PACK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h" /* grt_net: a CIDR network parsed from a list item at load */
#include "gantry.h"
#include "gantry_limits.h"
#include "opcodes.h"
#include "pack_format.h"
#include "status.h"

typedef struct grt_slice {
    uint32_t first, count;
} grt_slice;

typedef struct grt_const {
    uint8_t kind;   /* gantry_const_kind */
    uint8_t num_ok; /* `num` is usable by numeric comparisons */
    uint32_t text;  /* string index */
    double num;
} grt_const;

typedef struct grt_regex {
    uint32_t pattern; /* string index */
    uint32_t flags;   /* GANTRY_RE_* */
    void *code;       /* pcre2_code_8 *, compiled at load (JIT too in small packs) */
    /* Large packs JIT-compile a regex on its first use (regex.c): a copy of
     * `code`, published here once ready, while other threads keep using the
     * interpreter. jit_state: 0 not started, 1 compiling, 2 done or failed. */
    _Atomic(void *) jit;
    atomic_int jit_state;
} grt_regex;

typedef struct grt_rule {
    uint32_t id, title, description, author, date, modified, status, level;
    uint32_t product, category, service;
    grt_slice tags, refs, fps, code;
    uint32_t source_file, source_line, flags;
} grt_rule;

/* One entry of a loaded pack's section table, by section id. */
typedef struct grt_section {
    uint32_t present, offset, size, count;
} grt_section;

struct gantry_pack {
    grt_section sections[GANTRY_SEC__COUNT + 1]; /* as the file listed them, by id */
    char *arena;                                 /* every string, NUL-terminated */
    const char **strs;
    uint32_t *str_lens;
    uint32_t nstrings;

    uint32_t *fields; /* string index of each dotted path */
    uint32_t nfields;
    grt_const *consts;
    uint32_t nconsts;
    grt_slice *lists;
    uint32_t nlists;
    uint32_t *list_items;
    uint32_t nlist_items;
    grt_regex *regexes;
    uint32_t nregexes;
    struct gantry_insn *preds;
    uint32_t npreds;
    struct gantry_insn *code;
    uint32_t ncode;
    grt_rule *rules;
    gantry_rule_info *infos;
    uint32_t nrules;
    uint32_t *strlists;
    uint32_t nstrlists;
    uint32_t (*named_lists)[2]; /* name string, list index */
    uint32_t nnamed_lists;

    /* Parsed networks, parallel to list_items; filled for lists used by CIDR. */
    grt_net *nets;
    /* Per rule, the sorted distinct field indices its predicates read. */
    grt_slice *rule_fields;
    uint32_t *rule_field_items;
    struct gpf_index *prefilter;   /* candidate-rule index (prefilter.c), or NULL */
    struct gls_dispatch *dispatch; /* logsource dispatch (logsource.c), or NULL */
    /* Per field, the hashes of its dotted prefixes and of the whole path,
     * checked against the event's top-level keys (fields.c). */
    grt_slice *path_hashes;
    uint64_t *path_hash_items;
    struct grt_corr_table *corr; /* correlate_pack.c; NULL without correlations */
    gantry_optimize optimize;    /* the load option; matchers of the pack follow it */
    /* Per rule, the string index of its name (optional RULE_NAMES section);
     * NULL for packs written without it. */
    uint32_t *rule_names;
    /* The pack-driven reader's plan and what it may serve (api/fast.c);
     * NULL with GANTRY_OPTIMIZE_OFF, the reference. */
    struct grt_fast *fast;
};

/* One value a field yielded for the current event. Text lives either in the
 * cJSON tree (strings), in static storage (booleans) or in the matcher's text
 * scratch at an offset (number text, lower-cased copies), because that
 * scratch may move while it grows. */
enum grt_vtype { GRT_V_STRING, GRT_V_NUMBER, GRT_V_BOOL, GRT_V_NULL, GRT_V_OTHER };

#define GRT_NO_OFFSET ((size_t)-1)

typedef struct grt_value {
    uint8_t type;      /* grt_vtype */
    uint8_t num_state; /* 0 not yet parsed, 1 numeric, 2 not numeric */
    uint8_t boolean;
    double num;
    const char *raw;  /* string or static bool text; NULL for numbers */
    size_t raw_off;   /* number text offset in scratch, or GRT_NO_OFFSET until formatted */
    size_t lower_off; /* lower-cased copy in scratch, or GRT_NO_OFFSET */
    uint32_t len;     /* text length (0 for null/other; numbers: once formatted) */
} grt_value;

/* A field in the view of a raw line: a derived field the reader cannot
 * give; a constant; or the first string among reader paths [first, first + count) (the
 * normalizer's copy, which wins over the raw nested values), else the
 * field's own path. */
/* As GNORM_RENAME_PATHS and GNORM_RENAME_TEXT (runtime/api/fast.c checks). */
#define GRT_VIEW_INPUTS 3
#define GRT_VIEW_TEXT 63

typedef struct grt_view_field {
    uint32_t first, count;
    uint8_t derived;
    uint8_t workload;     /* derived, but only from a workload: its own path
                           * when the line has none (rd_no_workload) */
    const char *constant; /* instead: this one string */
    /* instead: computed from the first-only strings of the paths (as
     * gnorm_rename's derive), else the field's own path */
    const char *(*derive)(const char *const *values);
} grt_view_field;

struct gantry_matcher {
    const gantry_pack *pack;
    const void *event; /* const cJSON *, the event being matched */
    /* The pack's reader (runtime/read), and whether the event being matched
     * is its last line rather than `event` (then `event` is NULL). */
    struct grd_reader *rd;
    int rd_on;
    /* With rd_on, the normalized view of a raw line (runtime/api/fast.c):
     * per field, where its values come from; NULL when each field reads
     * its own path. rd_derived: a field the view cannot serve was read,
     * so the event must go the cJSON way. */
    const struct grt_view_field *rd_view;
    int rd_derived;
    int rd_no_workload;
    uint32_t gen; /* current event generation; memo entries equal to it are valid */

    uint32_t *pred_gen;
    uint8_t *pred_val;

    uint32_t *field_gen;
    grt_slice *field_vals; /* slice of `vals` for each field this event */
    uint32_t keyword_gen;
    grt_slice keyword_vals;

    grt_value *vals;
    size_t nvals, vals_cap;
    char *text;
    size_t text_len, text_cap;
    uint64_t *top_keys; /* hashes of the event's top-level keys (fields.c) */
    size_t top_cap;     /* slots, a power of two */
    uint32_t top_gen;
    const void **walk; /* explicit stack for the keyword tree walk */
    size_t walk_cap;

    uint8_t stack[GANTRY_MAX_STACK];
    /* The element scope being run (ANY ... ANY_END; scopes do not nest): the
     * current element and the next one (const cJSON *; with the reader,
     * the matcher itself stands for the event: grt_scope_is_root), and whether
     * field reads go to the element (while a scoped predicate is computed). */
    const void *scope_elem;
    const void *scope_next;
    int scope_read;
    void *match_data;    /* pcre2_match_data_8 * */
    void *match_context; /* pcre2_match_context_8 * */
    int regex_limit_hit;
    int value_limit_hit;
    int oom;

    /* GANTRY_OPTIMIZE_OFF (the pack's option) turns both off: the reference
     * for differential tests */
    int fast_paths;    /* top-level key hash before field extraction */
    int use_prefilter; /* candidate-rule selection (prefilter.c) */
    uint32_t *pf_mark; /* per predicate: generation when its literal was seen */
    uint64_t *pf_cand; /* bitset of rules to run for this event */
    /* Rules the embedder disabled (runtime/api/mask.c): bit set = rule runs.
     * NULL until the first gantry_matcher_select, so it costs nothing. */
    uint64_t *rule_mask;

    /* events of no recognised source (gantry_matcher_set_logsource*): run
     * every rule, or the rules of ls_allowed (a bitset) when not NULL, else
     * only the rules without a logsource */
    int ls_any;
    uint64_t *ls_allowed;
};

/* The optional correlation sections, as the loader found them. */
typedef struct grt_corr_sections {
    int present[3]; /* CORRELATIONS, CORR_REFS, CORR_FIELDS */
    uint32_t offset[3], count[3];
} grt_corr_sections;

/* loader.c: the container and the core sections, checked and decoded. */
gantry_status grt_pack_read(const unsigned char *data, size_t size, gantry_pack **out,
                            grt_corr_sections *corr, char *err, size_t err_size);
/* runtime/api/load.c: read, verify and prepare; destroy frees every part. */
gantry_status grt_pack_decode(const unsigned char *data, size_t size, gantry_optimize optimize,
                              gantry_pack **out, char *err, size_t err_size);
void grt_pack_destroy(gantry_pack *pack);

/* verify.c: run after decoding, before anything executes. */
gantry_status grt_verify(const gantry_pack *pack, char *err, size_t err_size);

/* netaddr.c (address parsing itself is base/cidr.h): parses the networks of every list a CIDR
 * predicate uses (pk->nets). */
gantry_status grt_net_prepare(gantry_pack *pk, char *err, size_t err_size);

/* vm.c */
gantry_status grt_matcher_init(gantry_matcher *m, const gantry_pack *pack);
void grt_matcher_release(gantry_matcher *m);
gantry_status grt_match_event(gantry_matcher *m, const void *event, gantry_match_fn on_match,
                              void *user);
/* The same for an event whose logsource class is known (the reader's). */
gantry_status grt_match_class(gantry_matcher *m, const void *event, unsigned cls,
                              gantry_match_fn on_match, void *user);

/* correlate_pack.c: the optional correlation sections. */
gantry_status grt_corr_decode(gantry_pack *pack, const unsigned char *data,
                              grt_corr_sections sections, char *err, size_t err_size);
void grt_corr_table_free(struct grt_corr_table *table);

#endif
