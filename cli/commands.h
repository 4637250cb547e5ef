/* SPDX-License-Identifier: Apache-2.0 */
/* Sub-commands of the `gantry` program. Each takes the arguments after the
 * command name (argv[0] is the command name) and returns the process exit
 * status; each command's option table is the one list of its options (help
 * and parsing both come from it). Module prefix: gcli_. */
#ifndef GANTRY_CLI_COMMANDS_H
#define GANTRY_CLI_COMMANDS_H

#include "options.h"

int gcli_cmd_compile(int argc, char **argv);
int gcli_cmd_check(int argc, char **argv);
int gcli_cmd_disasm(int argc, char **argv);
int gcli_cmd_match(int argc, char **argv);
int gcli_cmd_normalize(int argc, char **argv);
int gcli_cmd_fields(int argc, char **argv);
int gcli_cmd_import_sigma(int argc, char **argv);
int gcli_cmd_test(int argc, char **argv);
int gcli_cmd_consume(int argc, char **argv);
int gcli_cmd_serve(int argc, char **argv);

extern const gopt_table gcli_compile_options;
extern const gopt_table gcli_check_options;
extern const gopt_table gcli_match_options;
extern const gopt_table gcli_normalize_options;
extern const gopt_table gcli_import_sigma_options;
extern const gopt_table gcli_test_options;
extern const gopt_table gcli_consume_options;
extern const gopt_table gcli_serve_options;

#endif
