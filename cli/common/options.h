/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options: each command lists its options once, in a table,
 * and everything else comes from that table: getopt_long's long options and
 * short-option string, and the option lines of `gantry help COMMAND`.
 * getopt_long gives the conventions every command shares: `--opt=value` and
 * `--opt value`, `-j2` and `-j 2`, bundled flags, options after operands,
 * and `--` ending the options. Module prefix: gopt_. */
#ifndef GANTRY_CLI_OPTIONS_H
#define GANTRY_CLI_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

/* Ids below GOPT_LONG are also the option's short letter (-j for 'j'); ids
 * from GOPT_LONG up have a long name only. */
#define GOPT_LONG 0x100

typedef struct gopt {
    int id;
    const char *name; /* long name, without the leading "--" */
    const char *arg;  /* name of the value in help; NULL when the option takes none */
    const char *help; /* one or more lines; NULL hides a test-only option from help */
} gopt;

typedef struct gopt_table {
    const gopt *items;
    size_t count;
} gopt_table;

/* For a table defined at file scope: GOPT_TABLE_INIT(rows). */
#define GOPT_TABLE_INIT(array)                                                                     \
    { array, sizeof array / sizeof array[0] }

/* Called for each option in command-line order with its id and value (NULL
 * for a flag). Returns 0, or -1 after reporting the error with
 * gopt_usage_error. */
typedef int (*gopt_fn)(void *ctx, int id, const char *value);

/* Parses argv (argv[0] is the command name) against the table. Operands are
 * left, in order, in argv[*first_operand .. argc). Returns 0, or -1 after
 * printing what was wrong. Safe to call again for another argv. */
int gopt_parse(const char *cmd, gopt_table table, int argc, char **argv, gopt_fn on_option,
               void *ctx, int *first_operand);

/* The same, but each operand goes to on_option as GOPT_OPERAND where it
 * stands among the options (for options that apply to the operands that
 * follow them, as `gantry match --logsource`). */
#define GOPT_OPERAND 1
int gopt_parse_ordered(const char *cmd, gopt_table table, int argc, char **argv, gopt_fn on_option,
                       void *ctx);

/* 1 when argv asks for help (-h or --help where an option may stand, before
 * any `--`), parsing with the command's table so option values are skipped. */
int gopt_wants_help(gopt_table table, int argc, char **argv);

/* "gantry CMD: MESSAGE (see gantry help CMD)" on stderr. Returns -1. */
int gopt_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The option lines of a command's help. */
void gopt_print_help(FILE *out, gopt_table table);

/* Whole-number option values: 0 and *out set, or -1 when `text` is not a
 * decimal number from min to max. */
int gopt_number(const char *text, unsigned long long min, unsigned long long max,
                unsigned long long *out);

/* Colour on a stream: `forced` is 1 (--color), 0 (--no-color) or -1 (decide:
 * on when the stream is a terminal and NO_COLOR is unset or empty). */
int gopt_color(int forced, int fd);

/* Columns of text output: COLUMNS when it is a number, else the width of
 * the terminal on fd, else 0 (no limit). */
size_t gopt_terminal_width(int fd);

#endif
