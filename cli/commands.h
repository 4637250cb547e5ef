/* Sub-commands of the `gantry` program. Each takes the arguments after the
 * command name (argv[0] is the command name) and returns the process exit
 * status. Module prefix: gcli_. */
#ifndef GANTRY_CLI_COMMANDS_H
#define GANTRY_CLI_COMMANDS_H

int gcli_cmd_compile(int argc, char **argv);
int gcli_cmd_check(int argc, char **argv);
int gcli_cmd_disasm(int argc, char **argv);
int gcli_cmd_match(int argc, char **argv);
int gcli_cmd_normalize(int argc, char **argv);
int gcli_cmd_fields(int argc, char **argv);
int gcli_cmd_import_sigma(int argc, char **argv);
int gcli_cmd_test(int argc, char **argv);
int gcli_cmd_consume(int argc, char **argv);

#endif
