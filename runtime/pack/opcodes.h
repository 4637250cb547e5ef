/* SPDX-License-Identifier: Apache-2.0 */
/* The one opcode table.
 *
 * Every consumer (the compiler, the verifier, the disassembler, the VM, the
 * prefilter and the generated tables of docs/pack-format.md) asks
 * gantry_opcode_info() for a row, so adding an opcode is one line here plus
 * its case in the VM; the verifier and disassembler pick it up without edits.
 *
 * A pack holds two instruction arrays of the same fixed-width form:
 *  - the predicate table: one entry per distinct field test in the whole pack
 *    (kind PRED). Rules share entries, so a test used by fifty rules runs once
 *    per event and its result is memoised for the others.
 *  - the rule code: a small boolean stack machine per rule (kind CTRL) that
 *    combines predicate results and ends in RET.
 *
 * Operands are indices, never pointers:
 *   a, b: uint32. Their meaning is given by the operand kind columns.
 *
 * Value semantics shared by every predicate (see docs/language.md):
 *  - A field yields zero or more values (a path that crosses an array yields
 *    one value per element). A predicate holds when ANY value satisfies it,
 *    except where the doc says otherwise.
 *  - A value LIST operand holds alternatives: the predicate holds when a value
 *    matches any item, or, with GANTRY_PF_ALL, when every item is matched by
 *    some value of the field.
 *  - String tests compare ASCII-case-insensitively unless GANTRY_PF_CASED; the
 *    compiler stores constants of insensitive tests already lower-cased.
 *  - An event number is compared as text in its shortest round-trip form
 *    ("403", "1.5"); an event boolean as "true"/"false". A NUMBER constant
 *    matches an event number numerically and an event string that parses
 *    completely as the same number.
 *  - TIME_* read a value as a timestamp (RFC 3339 text, or a number of
 *    seconds, milliseconds, microseconds or nanoseconds since the epoch) and
 *    compare its UTC part with the list's NUMBER items; a value that is not a
 *    timestamp never matches. The part is the opcode, so the disassembler and
 *    the verifier need nothing beyond this table.
 *
 * Columns: X(NAME, KIND, A_OPERAND, B_OPERAND, POPS, PUSHES, PROPERTIES, "doc")
 * PROPERTIES is 0 or an OR of gantry_op_property names without their prefix.
 * Code asks gantry_opcode_info() for a property; no other file lists
 * opcodes by property, and none may rely on their numeric order except where
 * an ORDER note below says so. docs/pack-format.md's opcode tables are
 * generated from this one (tools/gen_pack_doc.c, `make docs`).
 */
#ifndef GANTRY_OPCODES_H
#define GANTRY_OPCODES_H

#include <stdint.h>

enum gantry_op_kind { GANTRY_KIND_CTRL, GANTRY_KIND_PRED };

/* What an operand indexes; the verifier checks each against its table.
 * Columns: X(NAME, "name in messages and docs") */
#define GANTRY_OPERANDS(X)                                                                         \
    X(NONE, "none")         /* must be zero */                                                     \
    X(FIELD, "field")       /* index into the field dictionary */                                  \
    X(LIST, "list")         /* index into the value-list table */                                  \
    X(CONST, "constant")    /* index into the constant table */                                    \
    X(REGEX, "regex")       /* index into the regex table */                                       \
    X(PRED, "predicate")    /* index into the predicate table */                                   \
    X(JUMP, "jump")         /* absolute instruction index inside the same rule */                  \
    X(BOOL, "bool")         /* 0 or 1 */                                                           \
    X(STROP, "string test") /* a STRTEST opcode (for keywords) */                                  \
    X(LOOP, "loop")         /* ANY_END: the first instruction of its scope's body */

enum gantry_operand {
#define GANTRY_X_OPND(name, text) GANTRY_OPND_##name,
    GANTRY_OPERANDS(GANTRY_X_OPND)
#undef GANTRY_X_OPND
        GANTRY_OPND__COUNT
};

/* Opcode properties (the PROPERTIES column). */
enum gantry_op_property {
    /* compares a value's text with list items; a valid KEYWORD test */
    GANTRY_OPP_STRTEST = 1u << 0,
    /* `b` is a list of alternatives: the compiler merges same-opcode tests of
     * one field into one list, and flag `all` applies */
    GANTRY_OPP_LISTABLE = 1u << 1,
    /* compares case-insensitively unless flag `cased`; the compiler stores its
     * constants lower-cased */
    GANTRY_OPP_CASED = 1u << 2,
    /* the prefilter can take required literals from it */
    GANTRY_OPP_INDEXED = 1u << 3,
    /* takes the FIELDREF mode flags (contains / startswith / endswith) */
    GANTRY_OPP_FIELDREF_MODE = 1u << 4,
    /* reads a value as a timestamp and tests one UTC part of it */
    GANTRY_OPP_TIMEPART = 1u << 5,
};

#define GANTRY_OPCODES(X)                                                                          \
    /* ---- rule code: boolean stack machine ---- */                                               \
    X(PRED, CTRL, NONE, PRED, 0, 1, 0, "push the predicate's (memoised) result")                   \
    X(TRUE, CTRL, NONE, NONE, 0, 1, 0, "push true")                                                \
    X(FALSE, CTRL, NONE, NONE, 0, 1, 0, "push false")                                              \
    X(NOT, CTRL, NONE, NONE, 1, 1, 0, "replace the top with its negation")                         \
    X(AND, CTRL, NONE, NONE, 2, 1, 0, "pop two, push their conjunction")                           \
    X(OR, CTRL, NONE, NONE, 2, 1, 0, "pop two, push their disjunction")                            \
    X(JFALSE, CTRL, NONE, JUMP, 1, 1, 0,                                                           \
      "if the top is false, jump to `b` keeping it (short circuit)")                               \
    X(JTRUE, CTRL, NONE, JUMP, 1, 1, 0,                                                            \
      "if the top is true, jump to `b` keeping it (short circuit)")                                \
    X(RET, CTRL, NONE, NONE, 1, 0, 0, "pop the verdict and end the rule; true means a match")      \
    /* ---- predicate table: field tests ---- */                                                   \
    X(EQ, PRED, FIELD, LIST, 0, 1, STRTEST | LISTABLE | CASED | INDEXED,                           \
      "a value equals an item: a string item equals the value's text; a number item equals an "    \
      "event number, or an event string that parses completely as that number; a boolean item "    \
      "matches an event boolean or the string `true`/`false` in any case; a null item matches "    \
      "JSON null only")                                                                            \
    X(CONTAINS, PRED, FIELD, LIST, 0, 1, STRTEST | LISTABLE | CASED | INDEXED,                     \
      "a value's text contains an item's text")                                                    \
    X(STARTSWITH, PRED, FIELD, LIST, 0, 1, STRTEST | LISTABLE | CASED | INDEXED,                   \
      "a value's text starts with an item's text")                                                 \
    X(ENDSWITH, PRED, FIELD, LIST, 0, 1, STRTEST | LISTABLE | CASED | INDEXED,                     \
      "a value's text ends with an item's text")                                                   \
    X(GLOB, PRED, FIELD, LIST, 0, 1, STRTEST | LISTABLE | CASED | INDEXED,                         \
      "a value's text matches an item: `*` any run, `?` one byte, `\\` makes the next byte "       \
      "literal; linear-time matcher with one backtrack point, never exponential")                  \
    X(REGEX, PRED, FIELD, REGEX, 0, 1, INDEXED,                                                    \
      "pcre2 finds a match in a value's text (flags `i`, `m`, `s`; never UTF mode); compiled at "  \
      "load, JIT when available, match and depth limits from `gantry_limits.h`; a limit hit "      \
      "makes the predicate false and the event's status `GANTRY_E_REGEX_LIMIT`, after every "      \
      "rule has run")                                                                              \
    X(CIDR, PRED, FIELD, LIST, 0, 1, LISTABLE,                                                     \
      "a string value is an IPv4/IPv6 address inside an item's network (items are `a.b.c.d/n` "    \
      "or `x::/n`, parsed at load)")                                                               \
    X(LT, PRED, FIELD, CONST, 0, 1, 0,                                                             \
      "a value that is a number (or a string that parses completely as one) is below the "         \
      "constant")                                                                                  \
    X(LTE, PRED, FIELD, CONST, 0, 1, 0, "as LT, at most the constant")                             \
    X(GT, PRED, FIELD, CONST, 0, 1, 0, "as LT, above the constant")                                \
    X(GTE, PRED, FIELD, CONST, 0, 1, 0, "as LT, at least the constant")                            \
    X(EXISTS, PRED, FIELD, BOOL, 0, 1, 0,                                                          \
      "b=1: the field yields any value (null included); b=0: it yields none")                      \
    X(ISNULL, PRED, FIELD, NONE, 0, 1, 0,                                                          \
      "the field yields nothing, or a JSON null (Sigma `F: null`)")                                \
    X(FIELDREF, PRED, FIELD, FIELD, 0, 1, CASED | FIELDREF_MODE,                                   \
      "a text of field `a` equals (or with flag 4/8/16 contains / starts with / ends with) a "     \
      "text of field `b`")                                                                         \
    X(KEYWORD, PRED, STROP, LIST, 0, 1, CASED | INDEXED,                                           \
      "any string value anywhere in the event passes the string test named by `a` against the "    \
      "list")                                                                                      \
    /* ---- time parts (Sigma 2.1): ORDER: contiguous, MINUTE first, YEAR last, as the   */        \
    /* ---- compiler's modifiers minute..year (lower_pred.c)                               */      \
    X(TIME_MINUTE, PRED, FIELD, LIST, 0, 1, LISTABLE | TIMEPART,                                   \
      "a timestamp value's UTC minute (0-59) is a NUMBER item")                                    \
    X(TIME_HOUR, PRED, FIELD, LIST, 0, 1, LISTABLE | TIMEPART,                                     \
      "a timestamp value's UTC hour (0-23) is a NUMBER item")                                      \
    X(TIME_DAY, PRED, FIELD, LIST, 0, 1, LISTABLE | TIMEPART,                                      \
      "a timestamp value's UTC day of month (1-31) is a NUMBER item")                              \
    X(TIME_WEEK, PRED, FIELD, LIST, 0, 1, LISTABLE | TIMEPART,                                     \
      "a timestamp value's ISO 8601 week (1-53) is a NUMBER item")                                 \
    X(TIME_MONTH, PRED, FIELD, LIST, 0, 1, LISTABLE | TIMEPART,                                    \
      "a timestamp value's UTC month (1-12) is a NUMBER item")                                     \
    X(TIME_YEAR, PRED, FIELD, LIST, 0, 1, LISTABLE | TIMEPART,                                     \
      "a timestamp value's UTC year is a NUMBER item")                                             \
    /* ---- element scopes (`any container { ... }`), numbered last so older opcodes */            \
    /* ---- keep their numbers: ANY opens a scope, ANY_END closes it              */               \
    X(ANY, CTRL, FIELD, JUMP, 0, 0, 0,                                                             \
      "open a scope over the objects of array field `a` (an event without that key is one "        \
      "element): with no element push false and jump to `b`, the instruction after the "           \
      "matching ANY_END; else run the body on the first element")                                  \
    X(ANY_END, CTRL, NONE, LOOP, 1, 1, 0,                                                          \
      "close the scope: a true top, or no element left, leaves the scope keeping the top; "        \
      "else pop it and run the body (from `b`, just after the ANY) on the next element")

enum gantry_opcode {
#define GANTRY_X_ENUM(name, kind, a, b, pops, pushes, props, doc) GANTRY_OP_##name,
    GANTRY_OPCODES(GANTRY_X_ENUM)
#undef GANTRY_X_ENUM
        GANTRY_OP__COUNT
};

/* One row of the opcode table. */
typedef struct gantry_op_info {
    const char *name;
    uint8_t kind; /* gantry_op_kind */
    uint8_t a, b; /* gantry_operand */
    uint8_t pops, pushes;
    uint16_t props; /* gantry_op_property bits */
    const char *doc;
} gantry_op_info;

/* The one accessor: the row of opcode `op`, or NULL for an unknown opcode. */
static inline const gantry_op_info *gantry_opcode_info(unsigned op) {
    /* the PROPERTIES column names properties without their prefix */
    enum {
        STRTEST = GANTRY_OPP_STRTEST,
        LISTABLE = GANTRY_OPP_LISTABLE,
        CASED = GANTRY_OPP_CASED,
        INDEXED = GANTRY_OPP_INDEXED,
        FIELDREF_MODE = GANTRY_OPP_FIELDREF_MODE,
        TIMEPART = GANTRY_OPP_TIMEPART,
    };
    static const gantry_op_info rows[GANTRY_OP__COUNT] = {
#define GANTRY_X_INFO(name, kind, a, b, pops, pushes, props, doc)                                  \
    {#name, GANTRY_KIND_##kind, GANTRY_OPND_##a, GANTRY_OPND_##b, pops, pushes, props, doc},
        GANTRY_OPCODES(GANTRY_X_INFO)
#undef GANTRY_X_INFO
    };
    return op < GANTRY_OP__COUNT ? &rows[op] : 0;
}

/* Whether opcode `op` is known and has property `prop`. */
static inline int gantry_opcode_has(unsigned op, enum gantry_op_property prop) {
    const gantry_op_info *oi = gantry_opcode_info(op);
    return oi && (oi->props & prop) != 0;
}

/* The name of an operand kind, for messages and docs. */
static inline const char *gantry_operand_name(unsigned kind) {
    static const char *const names[GANTRY_OPND__COUNT] = {
#define GANTRY_X_OPND_NAME(name, text) text,
        GANTRY_OPERANDS(GANTRY_X_OPND_NAME)
#undef GANTRY_X_OPND_NAME
    };
    return kind < GANTRY_OPND__COUNT ? names[kind] : "?";
}

/* Predicate flags (instruction byte `flags`). Unknown bits are refused by the
 * verifier so that a later format can give them meaning. */
#define GANTRY_PF_CASED 0x01u       /* compare case-sensitively */
#define GANTRY_PF_ALL 0x02u         /* every list item must be matched (Sigma |all) */
#define GANTRY_PF_FR_CONTAINS 0x04u /* FIELDREF: value of a contains value of b */
#define GANTRY_PF_FR_STARTS 0x08u   /* FIELDREF: value of a starts with value of b */
#define GANTRY_PF_FR_ENDS 0x10u     /* FIELDREF: value of a ends with value of b */
#define GANTRY_PF_SCOPED 0x20u      /* fields read from the current scope element */
#define GANTRY_PF_KNOWN 0x3Fu

/* Regex flags stored with each regex (REGEXES section). */
#define GANTRY_RE_I 0x01u /* case-insensitive */
#define GANTRY_RE_M 0x02u /* multi-line */
#define GANTRY_RE_S 0x04u /* dot matches newline */
#define GANTRY_RE_KNOWN 0x07u

/* One instruction: 12 bytes on disk, little-endian, fields in this order.
 * `reserved` must be zero. */
struct gantry_insn {
    uint8_t op;
    uint8_t flags;
    uint16_t reserved;
    uint32_t a;
    uint32_t b;
};

#endif
