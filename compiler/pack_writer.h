/* SPDX-License-Identifier: Apache-2.0 */
/* Builds a pack image (runtime/pack_format.h) from tables. Used by the
 * compiler's emitter and by tests that hand-craft packs (good and hostile).
 * Interning and de-duplication happen here, so the same string, constant,
 * list or predicate is stored once; gpw_pred() returning an existing index is
 * how predicates are shared between rules.
 *
 * Functions returning uint32_t return GPW_FAIL on allocation failure or
 * overflow; the writer then stays failed and gpw_finish() reports it, so a
 * caller may check once at the end. Module prefix: gpw_. */
#ifndef GANTRY_PACK_WRITER_H
#define GANTRY_PACK_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opcodes.h"
#include "pack_format.h"

#define GPW_FAIL 0xFFFFFFFFu

typedef struct gpw gpw;

typedef struct gpw_rule {
    const char *name; /* the identifier after `rule`; NULL: none */
    const char *id, *title, *description, *author, *date, *modified, *status; /* NULL: absent */
    uint32_t level;                                                           /* gantry_level */
    const char *product, *category, *service;
    const char *const *tags;
    size_t tag_count;
    const char *const *references;
    size_t reference_count;
    const char *const *falsepositives;
    size_t falsepositive_count;
    uint32_t code_first, code_length; /* slice of the code added with gpw_code() */
    const char *source_file;
    uint32_t source_line;
} gpw_rule;

gpw *gpw_new(void);
void gpw_free(gpw *w);

uint32_t gpw_string(gpw *w, const char *text, size_t len);
uint32_t gpw_field(gpw *w, const char *path);
uint32_t gpw_const_string(gpw *w, const char *text, size_t len);
uint32_t gpw_const_number(gpw *w, double number, const char *text);
uint32_t gpw_const_bool(gpw *w, bool value);
uint32_t gpw_const_null(gpw *w);
uint32_t gpw_list(gpw *w, const uint32_t *consts, size_t count);
uint32_t gpw_regex(gpw *w, const char *pattern, uint32_t flags);
uint32_t gpw_pred(gpw *w, struct gantry_insn insn);
/* Appends to the code section; returns the new instruction's index. */
/* Reads back predicate `index` (0, or -1 when out of range). */
int gpw_pred_get(const gpw *w, uint32_t index, struct gantry_insn *insn);
/* The path of field `field` (not NUL-terminated; *len bytes), or NULL. */
const char *gpw_field_path(const gpw *w, uint32_t field, size_t *len);
uint32_t gpw_code(gpw *w, struct gantry_insn insn);
uint32_t gpw_code_length(const gpw *w);
/* Patch an already emitted instruction (jump targets). */
void gpw_code_patch_b(gpw *w, uint32_t index, uint32_t b);
uint32_t gpw_rule_add(gpw *w, const gpw_rule *rule);
uint32_t gpw_named_list(gpw *w, const char *name, uint32_t list);

/* A correlation record (pack_format.h). `fields` holds the CORR_FIELDS
 * slice of the correlation, laid out as pack_format.h describes. */
typedef struct gpw_corr {
    const char *name, *id, *title, *description, *author, *date; /* NULL: absent */
    uint32_t level, type, flags, cond_flags;
    const char *const *tags;
    size_t tag_count;
    const uint32_t *refs; /* rule index, or GANTRY_CORR_REF_CORRELATION | correlation */
    size_t ref_count;
    uint64_t timespan_ns;
    double lo, hi, percentile;
    size_t group_count;
    const char *const *fields;
    size_t field_count;
    uint32_t source_line;
} gpw_corr;
uint32_t gpw_corr_add(gpw *w, const gpw_corr *c);

size_t gpw_field_count(const gpw *w);
size_t gpw_pred_count(const gpw *w);

/* Serialise. Returns 0 and a malloc'd image, or -1 (allocation failure or an
 * earlier failed call). */
int gpw_finish(gpw *w, unsigned char **image, size_t *len);

#endif
