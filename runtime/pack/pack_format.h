/* On-disk layout of a Gantry pack (.gpk). docs/pack-format.md is the prose
 * version of this header; keep them in step.
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
 * Each id appears at most once; unknown ids are refused. Every section listed
 * below must be present (count may be zero).
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

enum gantry_section_id {
    /* count strings; each: u32 byte length, then the bytes (no NUL), padded
     * with zero bytes to a multiple of 4. */
    GANTRY_SEC_STRINGS = 1,
    /* count x u32 string index: the field dictionary (dotted paths). */
    GANTRY_SEC_FIELDS = 2,
    /* count x 16 bytes: u8 kind (gantry_const_kind), u8 zero, u16 zero,
     * u32 string index (text of the value; for numbers the source text),
     * u64 IEEE-754 bits of the number (0 unless kind is NUMBER or BOOL). */
    GANTRY_SEC_CONSTS = 3,
    /* count x 8 bytes: u32 first, u32 length, a slice of LIST_ITEMS. */
    GANTRY_SEC_LISTS = 4,
    /* count x u32 constant index. */
    GANTRY_SEC_LIST_ITEMS = 5,
    /* count x 8 bytes: u32 pattern string index, u32 GANTRY_RE_* flags. */
    GANTRY_SEC_REGEXES = 6,
    /* count x 12-byte instructions of kind PRED (see opcodes.h). */
    GANTRY_SEC_PREDICATES = 7,
    /* count x 12-byte instructions of kind CTRL; each rule owns a slice. */
    GANTRY_SEC_CODE = 8,
    /* count x GANTRY_RULE_RECORD_SIZE bytes, see below. */
    GANTRY_SEC_RULES = 9,
    /* count x u32 string index: backing store for the rule string lists
     * (tags, references, false positives). */
    GANTRY_SEC_STRLISTS = 10,
    /* count x 8 bytes: u32 name string index, u32 list index. Named lists as
     * written in the source, kept for tools (`gantry disasm`, tuning). */
    GANTRY_SEC_NAMED_LISTS = 11,
};
#define GANTRY_SEC_FIRST GANTRY_SEC_STRINGS
#define GANTRY_SEC_LAST GANTRY_SEC_NAMED_LISTS

/* Optional sections (docs/correlations.md), written only by packs that hold
 * correlation rules; a pack without them has no correlations. */
enum gantry_optional_section_id {
    /* count x GANTRY_CORR_RECORD_SIZE bytes, see below. */
    GANTRY_SEC_CORRELATIONS = 12,
    /* count x u32: the rules a correlation refers to. A value with bit 31
     * set is a correlation index (bits 0..30), otherwise a rule index. */
    GANTRY_SEC_CORR_REFS = 13,
    /* count x u32 string index: for each correlation, first its group_by
     * names as written, then refs x group_by field paths row-major by
     * reference (aliases applied), then one value-field path per reference
     * when the type aggregates a field (value_*). */
    GANTRY_SEC_CORR_FIELDS = 14,
};
#define GANTRY_SEC_OPTIONAL_LAST GANTRY_SEC_CORR_FIELDS

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

#endif
