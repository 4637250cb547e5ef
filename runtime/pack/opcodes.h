/* The one opcode table.
 *
 * Every consumer (the compiler's emitter, the disassembler, the verifier and
 * the VM) expands GANTRY_OPCODES with its own X macro, so adding an opcode is
 * one line here plus one case in the VM; the verifier and disassembler pick it
 * up without edits.
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
 * Columns: X(NAME, KIND, A_OPERAND, B_OPERAND, POPS, PUSHES, "doc")
 */
#ifndef GANTRY_OPCODES_H
#define GANTRY_OPCODES_H

#include <stdint.h>

enum gantry_op_kind { GANTRY_KIND_CTRL, GANTRY_KIND_PRED };

/* What an operand indexes; the verifier checks each against its table. */
enum gantry_operand {
    GANTRY_OPND_NONE,  /* must be zero */
    GANTRY_OPND_FIELD, /* index into the field dictionary */
    GANTRY_OPND_LIST,  /* index into the value-list table */
    GANTRY_OPND_CONST, /* index into the constant table */
    GANTRY_OPND_REGEX, /* index into the regex table */
    GANTRY_OPND_PRED,  /* index into the predicate table */
    GANTRY_OPND_JUMP,  /* absolute instruction index inside the same rule */
    GANTRY_OPND_BOOL,  /* 0 or 1 */
    GANTRY_OPND_STROP, /* one of the string-test PRED opcodes (for keywords) */
};

#define GANTRY_OPCODES(X)                                                                          \
    /* ---- rule code: boolean stack machine ---- */                                               \
    X(PRED, CTRL, NONE, PRED, 0, 1, "push the (memoised) result of predicate b")                   \
    X(TRUE, CTRL, NONE, NONE, 0, 1, "push true")                                                   \
    X(FALSE, CTRL, NONE, NONE, 0, 1, "push false")                                                 \
    X(NOT, CTRL, NONE, NONE, 1, 1, "replace the top with its negation")                            \
    X(AND, CTRL, NONE, NONE, 2, 1, "pop two, push their conjunction")                              \
    X(OR, CTRL, NONE, NONE, 2, 1, "pop two, push their disjunction")                               \
    X(JFALSE, CTRL, NONE, JUMP, 1, 1, "if the top is false jump to b, keeping it (short circuit)") \
    X(JTRUE, CTRL, NONE, JUMP, 1, 1, "if the top is true jump to b, keeping it (short circuit)")   \
    X(RET, CTRL, NONE, NONE, 1, 0, "pop the verdict and end the rule; true means a match")         \
    /* ---- predicate table: field tests ---- */                                                   \
    X(EQ, PRED, FIELD, LIST, 0, 1, "a value equals an item (string, number, bool or null)")        \
    X(CONTAINS, PRED, FIELD, LIST, 0, 1, "a string value contains an item")                        \
    X(STARTSWITH, PRED, FIELD, LIST, 0, 1, "a string value starts with an item")                   \
    X(ENDSWITH, PRED, FIELD, LIST, 0, 1, "a string value ends with an item")                       \
    X(GLOB, PRED, FIELD, LIST, 0, 1, "a value matches a wildcard item (* any run, ? one byte)")    \
    X(REGEX, PRED, FIELD, REGEX, 0, 1, "a value matches the regex (pcre2, JIT, match limit)")      \
    X(CIDR, PRED, FIELD, LIST, 0, 1, "a value is an IPv4/IPv6 address inside an item's network")   \
    X(LT, PRED, FIELD, CONST, 0, 1, "a numeric value is below the constant")                       \
    X(LTE, PRED, FIELD, CONST, 0, 1, "a numeric value is at most the constant")                    \
    X(GT, PRED, FIELD, CONST, 0, 1, "a numeric value is above the constant")                       \
    X(GTE, PRED, FIELD, CONST, 0, 1, "a numeric value is at least the constant")                   \
    X(EXISTS, PRED, FIELD, BOOL, 0, 1, "the field is present (b=1) or absent (b=0), any value")    \
    X(ISNULL, PRED, FIELD, NONE, 0, 1, "the field is absent or JSON null (Sigma `F: null`)")       \
    X(FIELDREF, PRED, FIELD, FIELD, 0, 1, "a value of field a equals a value of field b")          \
    X(KEYWORD, PRED, STROP, LIST, 0, 1, "any string value anywhere in the event passes test a")    \
    /* ---- time parts (Sigma 2.1): contiguous, MINUTE first, YEAR last ---- */                    \
    X(TIME_MINUTE, PRED, FIELD, LIST, 0, 1, "a timestamp value's UTC minute (0-59) is an item")    \
    X(TIME_HOUR, PRED, FIELD, LIST, 0, 1, "a timestamp value's UTC hour (0-23) is an item")        \
    X(TIME_DAY, PRED, FIELD, LIST, 0, 1, "a timestamp value's UTC day of month (1-31) is an item") \
    X(TIME_WEEK, PRED, FIELD, LIST, 0, 1, "a timestamp value's ISO 8601 week (1-53) is an item")   \
    X(TIME_MONTH, PRED, FIELD, LIST, 0, 1, "a timestamp value's UTC month (1-12) is an item")      \
    X(TIME_YEAR, PRED, FIELD, LIST, 0, 1, "a timestamp value's UTC year is an item")

enum gantry_opcode {
#define GANTRY_X_ENUM(name, kind, a, b, pops, pushes, doc) GANTRY_OP_##name,
    GANTRY_OPCODES(GANTRY_X_ENUM)
#undef GANTRY_X_ENUM
        GANTRY_OP__COUNT
};

/* Predicate flags (instruction byte `flags`). Unknown bits are refused by the
 * verifier so that a later format can give them meaning. */
#define GANTRY_PF_CASED 0x01u       /* compare case-sensitively */
#define GANTRY_PF_ALL 0x02u         /* every list item must be matched (Sigma |all) */
#define GANTRY_PF_FR_CONTAINS 0x04u /* FIELDREF: value of a contains value of b */
#define GANTRY_PF_FR_STARTS 0x08u   /* FIELDREF: value of a starts with value of b */
#define GANTRY_PF_FR_ENDS 0x10u     /* FIELDREF: value of a ends with value of b */
#define GANTRY_PF_KNOWN 0x1Fu

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
