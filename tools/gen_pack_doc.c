/* SPDX-License-Identifier: Apache-2.0 */
/* Writes the generated tables of docs/pack-format.md from the pack headers.
 *
 * Reads the document on stdin and copies it to stdout, replacing the lines
 * between each `<!-- BEGIN GENERATED: NAME ... -->` marker and the next
 * `<!-- END GENERATED -->` with the table NAME built from the opcode table
 * (runtime/pack/opcodes.h) or the section table (runtime/pack/pack_format.h).
 * `make docs` rewrites the document with it; tests/cli/pack_doc.sh fails when
 * the committed document differs from what the headers give. The prose
 * around the markers is copied as is. */
#include <stdio.h>
#include <string.h>

#include "opcodes.h"
#include "pack_format.h"

/* A table cell: `|` would end the cell, so it is escaped. */
static void cell(const char *s) {
    for (; *s; s++) {
        if (*s == '|')
            putchar('\\');
        putchar(*s);
    }
}

static void operand(unsigned kind) {
    fputs(kind == GANTRY_OPND_NONE ? "—" : gantry_operand_name(kind), stdout);
}

static void properties(unsigned props) {
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{GANTRY_OPP_STRTEST, "string test"},
                 {GANTRY_OPP_LISTABLE, "listable"},
                 {GANTRY_OPP_CASED, "cased"},
                 {GANTRY_OPP_INDEXED, "indexed"},
                 {GANTRY_OPP_FIELDREF_MODE, "fieldref"},
                 {GANTRY_OPP_TIMEPART, "time part"}};
    const char *sep = "";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (props & names[i].bit) {
            printf("%s%s", sep, names[i].name);
            sep = ", ";
        }
    if (!*sep)
        fputs("—", stdout);
}

static void predicates(void) {
    puts("| opcode | a | b | properties | holds when |");
    puts("|---|---|---|---|---|");
    for (unsigned op = 0; op < GANTRY_OP__COUNT; op++) {
        const gantry_op_info *oi = gantry_opcode_info(op);
        if (oi->kind != GANTRY_KIND_PRED)
            continue;
        printf("| %s | ", oi->name);
        operand(oi->a);
        fputs(" | ", stdout);
        operand(oi->b);
        fputs(" | ", stdout);
        properties(oi->props);
        fputs(" | ", stdout);
        cell(oi->doc);
        puts(" |");
    }
}

static void code(void) {
    puts("| opcode | b | pops | pushes | effect |");
    puts("|---|---|---|---|---|");
    for (unsigned op = 0; op < GANTRY_OP__COUNT; op++) {
        const gantry_op_info *oi = gantry_opcode_info(op);
        if (oi->kind != GANTRY_KIND_CTRL)
            continue;
        printf("| %s | ", oi->name);
        operand(oi->b);
        printf(" | %u | %u | ", (unsigned)oi->pops, (unsigned)oi->pushes);
        cell(oi->doc);
        puts(" |");
    }
}

static void sections(void) {
    puts("| id | name | record | presence | content |");
    puts("|---|---|---|---|---|");
    for (uint32_t id = 1; id <= GANTRY_SEC__COUNT; id++) {
        const gantry_section_info *si = gantry_section_info_of(id);
        printf("| %u | %s | ", (unsigned)id, si->name);
        if (si->record_size)
            printf("%u", (unsigned)si->record_size);
        else
            fputs("variable", stdout);
        printf(" | %s | ", si->presence == GANTRY_SEC_REQUIRED ? "required" : "optional");
        cell(si->doc);
        puts(" |");
    }
}

static const struct {
    const char *name;
    void (*write)(void);
} tables[] = {{"predicates", predicates}, {"code", code}, {"sections", sections}};

#define BEGIN "<!-- BEGIN GENERATED: "
#define END "<!-- END GENERATED -->"

int main(void) {
    char line[4096];
    int skipping = 0, lineno = 0;
    while (fgets(line, sizeof line, stdin)) {
        lineno++;
        if (skipping) {
            if (strncmp(line, END, strlen(END)) != 0)
                continue;
            skipping = 0;
            fputs(line, stdout);
            continue;
        }
        fputs(line, stdout);
        if (strncmp(line, BEGIN, strlen(BEGIN)) != 0)
            continue;
        const char *name = line + strlen(BEGIN);
        size_t k = 0;
        while (k < sizeof tables / sizeof tables[0] &&
               !(strncmp(name, tables[k].name, strlen(tables[k].name)) == 0 &&
                 name[strlen(tables[k].name)] == ' '))
            k++;
        if (k == sizeof tables / sizeof tables[0]) {
            fprintf(stderr, "gen_pack_doc: line %d: unknown generated table\n", lineno);
            return 1;
        }
        tables[k].write();
        skipping = 1;
    }
    if (skipping) {
        fprintf(stderr, "gen_pack_doc: a generated table has no `%s` line\n", END);
        return 1;
    }
    return ferror(stdout) ? 1 : 0;
}
