/* SPDX-License-Identifier: Apache-2.0 */
/* On-disk layout of a Gantry pack (.gpk). docs/pack-format.md is the prose
 * version of this header; its section table is generated from this one.
 *
 * Every integer is little-endian and written field by field. Offsets are
 * from the start of the file. Layout:
 *
 *   header      32 bytes
 *   sections    section_count entries of 16 bytes (the section table)
 *   payloads    each section's bytes, 4-byte aligned, in any order
 *   trailer     u32 CRC-32 (zlib crc32) of every byte before it
 *
 * Header:
 *   0  u8[8]  magic "GANTRYPK"
 *   8  u32    format version (GANTRY_PACK_VERSION)
 *   12 u32    section count
 *   16 u32    total file length in bytes (trailer included)
 *   20 u32    flags (0)
 *   24 u32    rule count (same as the RULES section count, for quick listing)
 *   28 u32    reserved (0)
 *
 * Section table entry: u32 id, u32 offset, u32 size in bytes, u32 count.
 * Each id appears at most once; unknown ids are refused. Every REQUIRED
 * section of GANTRY_SECTIONS must be present (count may be zero).
 *
 * String references are u32 indices into STRINGS; GANTRY_NO_STRING means
 * "absent". Index 0 is always the empty string.
 */
#ifndef GANTRY_PACK_FORMAT_H
#define GANTRY_PACK_FORMAT_H

#include <stdint.h>

#define GANTRY_PACK_MAGIC "GANTRYPK"
#define GANTRY_PACK_MAGIC_LEN 8
#define GANTRY_PACK_VERSION 1u
#define GANTRY_PACK_HEADER_SIZE 32u
#define GANTRY_PACK_SECTION_ENTRY_SIZE 16u
#define GANTRY_PACK_TRAILER_SIZE 4u
#define GANTRY_NO_STRING 0xFFFFFFFFu

/* The one section table: writer, loader, disassembler and the section table
 * of docs/pack-format.md (generated, `make docs`) all expand it.
 * Columns: X(NAME, ID, RECORD_SIZE, PRESENCE, "content")
 * RECORD_SIZE is the size of one record in bytes, 0 for variable-size
 * records (STRINGS). PRESENCE is REQUIRED (every pack carries it, count may
 * be zero) or OPTIONAL (written only by packs that use it: the correlation
 * sections, docs/correlations.md; RULE_NAMES when some rule has a name). ORDER: ids are consecutive
 * from 1, in table order; a new section takes the next id. */
#define GANTRY_SECTIONS(X)                                                                         \
    X(STRINGS, 1, 0, REQUIRED,                                                                     \
      "per string: u32 byte length, the bytes (no NUL), zero padding to a multiple of 4")          \
    X(FIELDS, 2, 4, REQUIRED, "string index of a dotted field path: the field dictionary")         \
    X(CONSTS, 3, 16, REQUIRED,                                                                     \
      "u8 kind (gantry_const_kind), 3 zero bytes, u32 text (string index; for numbers the "        \
      "source text), u64 IEEE-754 bits (0 unless NUMBER or BOOL)")                                 \
    X(LISTS, 4, 8, REQUIRED, "u32 first, u32 length: a slice of LIST_ITEMS")                       \
    X(LIST_ITEMS, 5, 4, REQUIRED, "constant index")                                                \
    X(REGEXES, 6, 8, REQUIRED, "u32 pattern (string index), u32 flags (`i`=1, `m`=2, `s`=4)")      \
    X(PREDICATES, 7, 12, REQUIRED, "instruction of kind PRED (opcodes.h)")                         \
    X(CODE, 8, 12, REQUIRED, "instruction of kind CTRL; each rule owns a slice")                   \
    X(RULES, 9, GANTRY_RULE_RECORD_SIZE, REQUIRED, "rule record, below")                           \
    X(STRLISTS, 10, 4, REQUIRED,                                                                   \
      "string index; backing store of tags, references, false positives")                          \
    X(NAMED_LISTS, 11, 8, REQUIRED,                                                                \
      "u32 name (string index), u32 list index: named lists as written, kept for tools")           \
    X(CORRELATIONS, 12, GANTRY_CORR_RECORD_SIZE, OPTIONAL,                                         \
      "correlation record (layout in `pack_format.h`)")                                            \
    X(CORR_REFS, 13, 4, OPTIONAL,                                                                  \
      "rule index, or correlation index with bit 31 set, that a correlation refers to")            \
    X(CORR_FIELDS, 14, 4, OPTIONAL,                                                                \
      "string index: per correlation its group-by names, then refs x group-by field paths "        \
      "row-major by reference (aliases applied), then one value-field path per reference when "    \
      "the type aggregates a field (value_*)")                                                     \
    X(RULE_NAMES, 15, 4, OPTIONAL,                                                                 \
      "string index of each rule's name, the identifier after `rule` (0xFFFFFFFF: none); count "   \
      "= the rule count")

enum gantry_section_id {
#define GANTRY_X_SEC_ID(name, id, size, presence, doc) GANTRY_SEC_##name = id,
    GANTRY_SECTIONS(GANTRY_X_SEC_ID)
#undef GANTRY_X_SEC_ID
};

enum gantry_section_presence { GANTRY_SEC_REQUIRED, GANTRY_SEC_OPTIONAL };

/* One row of the section table. */
typedef struct gantry_section_info {
    const char *name;
    uint32_t id;
    uint32_t record_size; /* 0: variable */
    uint8_t presence;     /* gantry_section_presence */
    const char *doc;
} gantry_section_info;

/* Rows of the section table, counted: ids run 1..GANTRY_SEC__COUNT. */
enum gantry_section_row {
#define GANTRY_X_SEC_ROW(name, id, size, presence, doc) GANTRY_SEC_ROW_##name,
    GANTRY_SECTIONS(GANTRY_X_SEC_ROW)
#undef GANTRY_X_SEC_ROW
        GANTRY_SEC__COUNT
};
#define GANTRY_X_SEC_ORDER(name, id, size, presence, doc)                                          \
    _Static_assert(GANTRY_SEC_##name == GANTRY_SEC_ROW_##name + 1, "section ids run 1..n in "      \
                                                                   "order");
GANTRY_SECTIONS(GANTRY_X_SEC_ORDER)
#undef GANTRY_X_SEC_ORDER

enum gantry_corr_type {
    GANTRY_CORR_EVENT_COUNT = 0,
    GANTRY_CORR_VALUE_COUNT = 1,
    GANTRY_CORR_TEMPORAL = 2,
    GANTRY_CORR_TEMPORAL_ORDERED = 3,
    GANTRY_CORR_VALUE_SUM = 4,
    GANTRY_CORR_VALUE_AVG = 5,
    GANTRY_CORR_VALUE_PERCENTILE = 6,
};
#define GANTRY_CORR_REF_CORRELATION 0x80000000u
/* Condition flags (record field at byte 52). */
#define GANTRY_CORR_COND_LO 1u
#define GANTRY_CORR_COND_LO_INCL 2u
#define GANTRY_CORR_COND_HI 4u
#define GANTRY_CORR_COND_HI_INCL 8u
/* Correlation flags (record field at byte 48). */
#define GANTRY_CORR_FLAG_GENERATE 1u

/* Correlation record, 100 bytes (u32 unless noted):
 *   0 name        4 id          8 title       12 description  16 author
 *  20 date       24 level      28 type (gantry_corr_type)
 *  32 tags first 36 tags count (slice of STRLISTS)
 *  40 refs first 44 refs count (slice of CORR_REFS)
 *  48 flags      52 condition flags
 *  56 u64 timespan in nanoseconds (> 0)
 *  64 f64 lower bound            72 f64 upper bound
 *  80 f64 percentile (0..100; value_percentile only)
 *  88 group_by count             92 fields first (into CORR_FIELDS)
 *  96 source line
 * A correlation may refer to correlations, never (directly or through
 * others) to itself. */
#define GANTRY_CORR_RECORD_SIZE 100u

enum gantry_const_kind {
    GANTRY_CONST_STRING = 0,
    GANTRY_CONST_NUMBER = 1,
    GANTRY_CONST_BOOL = 2, /* number bits hold 0.0 or 1.0 */
    GANTRY_CONST_NULL = 3,
};

/* Rule record, 88 bytes, every field a u32:
 *   0 id          4 title        8 description  12 author      16 date
 *  20 modified   24 status      28 level (gantry_level)
 *  32 logsource product         36 logsource category          40 logsource service
 *  44 tags first 48 tags count  52 refs first   56 refs count
 *  60 falsepositives first      64 falsepositives count
 *  68 code first (index into CODE)              72 code length (instructions)
 *  76 source file               80 source line  84 flags (0)
 * String fields are string indices (GANTRY_NO_STRING when absent); the
 * list pairs are slices of STRLISTS. A rule's code slice must end in RET
 * and its jumps stay inside the slice. */
#define GANTRY_RULE_RECORD_SIZE 88u

/* The one accessor: the row of section `id`, or NULL for an unknown id. */
static inline const gantry_section_info *gantry_section_info_of(uint32_t id) {
    enum { REQUIRED = GANTRY_SEC_REQUIRED, OPTIONAL = GANTRY_SEC_OPTIONAL };
    static const gantry_section_info rows[GANTRY_SEC__COUNT] = {
#define GANTRY_X_SEC_INFO(name, id, size, presence, doc) {#name, id, size, presence, doc},
        GANTRY_SECTIONS(GANTRY_X_SEC_INFO)
#undef GANTRY_X_SEC_INFO
    };
    return id >= 1 && id <= GANTRY_SEC__COUNT ? &rows[id - 1] : 0;
}

#endif
