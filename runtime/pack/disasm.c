/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry disasm`: a stable listing of a loaded pack, with opcode names and
 * operand kinds taken from the opcode table. */
#include "disasm.h"

#include <stdio.h>

#include "pack.h"

static const char *const const_kinds[] = {"string", "number", "bool", "null"};

/* Prints bytes as a quoted C-like string so that control bytes stay visible. */
static void put_quoted(FILE *out, const char *s, size_t n) {
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void put_str(FILE *out, const gantry_pack *pk, uint32_t s) {
    if (s == GANTRY_NO_STRING)
        fputs("-", out);
    else
        put_quoted(out, pk->strs[s], pk->str_lens[s]);
}

static void put_const(FILE *out, const gantry_pack *pk, uint32_t c) {
    const grt_const *k = &pk->consts[c];
    if (k->kind == GANTRY_CONST_STRING)
        put_str(out, pk, k->text);
    else
        fputs(pk->strs[k->text], out);
}

static void put_list(FILE *out, const gantry_pack *pk, uint32_t l) {
    const grt_slice *s = &pk->lists[l];
    fprintf(out, "L%u[", (unsigned)l);
    for (uint32_t i = 0; i < s->count; i++) {
        if (i)
            fputs(", ", out);
        put_const(out, pk, pk->list_items[s->first + i]);
    }
    fputc(']', out);
}

static void put_operand(FILE *out, const gantry_pack *pk, enum gantry_operand kind, uint32_t v) {
    switch (kind) {
    case GANTRY_OPND_NONE:
        return;
    case GANTRY_OPND_FIELD:
        fprintf(out, " %s", pk->strs[pk->fields[v]]);
        return;
    case GANTRY_OPND_LIST:
        fputc(' ', out);
        put_list(out, pk, v);
        return;
    case GANTRY_OPND_CONST:
        fputc(' ', out);
        put_const(out, pk, v);
        return;
    case GANTRY_OPND_REGEX:
        fprintf(out, " /%s/", pk->strs[pk->regexes[v].pattern]);
        return;
    case GANTRY_OPND_PRED:
        fprintf(out, " P%u", (unsigned)v);
        return;
    case GANTRY_OPND_JUMP:
        fprintf(out, " ->%u", (unsigned)v);
        return;
    case GANTRY_OPND_LOOP:
        fprintf(out, " <-%u", (unsigned)v);
        return;
    case GANTRY_OPND_BOOL:
        fprintf(out, " %s", v ? "true" : "false");
        return;
    case GANTRY_OPND_STROP:
        fprintf(out, " %s", gantry_opcode_info(v) ? gantry_opcode_info(v)->name : "?");
        return;
    case GANTRY_OPND__COUNT:
        return;
    }
}

static void put_flags(FILE *out, unsigned flags) {
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{GANTRY_PF_CASED, "cased"},          {GANTRY_PF_ALL, "all"},
                 {GANTRY_PF_FR_CONTAINS, "contains"}, {GANTRY_PF_FR_STARTS, "startswith"},
                 {GANTRY_PF_FR_ENDS, "endswith"},     {GANTRY_PF_SCOPED, "scoped"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (flags & names[i].bit)
            fprintf(out, " |%s", names[i].name);
}

static void put_insn(FILE *out, const gantry_pack *pk, const struct gantry_insn *in) {
    const gantry_op_info *op = gantry_opcode_info(in->op);
    fprintf(out, "%-10s", op->name);
    put_flags(out, in->flags);
    put_operand(out, pk, op->a, in->a);
    put_operand(out, pk, op->b, in->b);
    fputc('\n', out);
}

int grt_disasm(const gantry_pack *pk, FILE *out) {
    if (!pk || !out)
        return -1;
    /* the section table as loaded, in id order */
    fprintf(out, "pack format %u:", (unsigned)GANTRY_PACK_VERSION);
    const char *sep = " ";
    for (uint32_t id = 1; id <= GANTRY_SEC__COUNT; id++) {
        if (!pk->sections[id].present)
            continue;
        fprintf(out, "%s%s %u", sep, gantry_section_info_of(id)->name,
                (unsigned)pk->sections[id].count);
        sep = ", ";
    }
    fputc('\n', out);

    fputs("\nfields:\n", out);
    for (uint32_t i = 0; i < pk->nfields; i++)
        fprintf(out, "  F%u %s\n", (unsigned)i, pk->strs[pk->fields[i]]);

    fputs("\nconstants:\n", out);
    for (uint32_t i = 0; i < pk->nconsts; i++) {
        fprintf(out, "  C%u %s ", (unsigned)i, const_kinds[pk->consts[i].kind]);
        put_const(out, pk, i);
        fputc('\n', out);
    }

    fputs("\nlists:\n", out);
    for (uint32_t i = 0; i < pk->nlists; i++) {
        fputs("  ", out);
        put_list(out, pk, i);
        fputc('\n', out);
    }
    for (uint32_t i = 0; i < pk->nnamed_lists; i++)
        fprintf(out, "  name %s = L%u\n", pk->strs[pk->named_lists[i][0]],
                (unsigned)pk->named_lists[i][1]);

    fputs("\nregexes:\n", out);
    for (uint32_t i = 0; i < pk->nregexes; i++) {
        unsigned f = pk->regexes[i].flags;
        fprintf(out, "  R%u /%s/%s%s%s\n", (unsigned)i, pk->strs[pk->regexes[i].pattern],
                f & GANTRY_RE_I ? "i" : "", f & GANTRY_RE_M ? "m" : "", f & GANTRY_RE_S ? "s" : "");
    }

    fputs("\npredicates:\n", out);
    for (uint32_t i = 0; i < pk->npreds; i++) {
        fprintf(out, "  P%-5u ", (unsigned)i);
        put_insn(out, pk, &pk->preds[i]);
    }

    for (uint32_t r = 0; r < pk->nrules; r++) {
        const grt_rule *rule = &pk->rules[r];
        const gantry_rule_info *info = &pk->infos[r];
        fprintf(out, "\nrule %u %s \"%s\" level %s\n", (unsigned)r, info->id, info->title,
                gantry_level_name(info->level));
        for (uint32_t i = 0; i < rule->code.count; i++) {
            fprintf(out, "  %4u  ", (unsigned)i);
            put_insn(out, pk, &pk->code[rule->code.first + i]);
        }
    }
    return ferror(out) ? -1 : 0;
}
