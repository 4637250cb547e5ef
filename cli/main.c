/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry`: the command-line front door. Dispatches to one sub-command; the
 * table below is the one list of commands, and `gantry help COMMAND` prints
 * a command's synopsis, description and its option table. */
#include <stdio.h>
#include <string.h>

#include "gantry.h"
#include "commands.h"
#include "pack_format.h"

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const gopt_table no_options = {NULL, 0};

typedef struct gcli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const gopt_table *options;
    const char *synopsis;
    const char *help; /* what it does, before the options */
    const char *exit; /* exit statuses, after the options */
} gcli_command;

static const gcli_command commands[] = {
    {"compile", gcli_cmd_compile, &gcli_compile_options,
     "gantry compile [-o PACK] [options] PATH...",
     "Compile rule files (.gantry, Sigma .yml/.yaml) or directories into a pack.",
     "Exit 0 with a one-line summary, 1 with every diagnostic, 2 on usage or I/O errors."},
    {"check", gcli_cmd_check, &gcli_check_options, "gantry check [options] PATH...",
     "Parse and check rules without writing a pack (for editors and CI).",
     "Exit 0 when clean of errors, 1 otherwise, 2 on usage or I/O errors."},
    {"disasm", gcli_cmd_disasm, &no_options, "gantry disasm PACK",
     "Print a pack's field dictionary, constants, predicates and each rule's bytecode.",
     "Exit 0, or 2 when the pack cannot be loaded."},
    {"match", gcli_cmd_match, &gcli_match_options,
     "gantry match (-p PACK | -r RULES)... [options] [FILE|DIR|-]...",
     "Match JSON-lines or log files (plain or .gz, directories recursively, - for stdin)\n"
     "against packs (-p, repeatable) and rules compiled in memory (-r).",
     "Exit 0 when the run completed, 1 with --fail-on-match and a match, 2 on error."},
    {"normalize", gcli_cmd_normalize, &gcli_normalize_options,
     "gantry normalize [options] [FILE|DIR|-]...",
     "Print each input event as the normalized JSON a rule sees.",
     "Exit 0, 1 when some line was malformed, 2 on usage or I/O errors."},
    {"fields", gcli_cmd_fields, &no_options, "gantry fields", "List the normalized schema fields.",
     "Exit 0."},
    {"import-sigma", gcli_cmd_import_sigma, &gcli_import_sigma_options,
     "gantry import-sigma [-o DIR] [options] FILE|DIR...",
     "Convert Sigma YAML rules into Gantry rule files, one per rule (standard output\n"
     "without -o).",
     "Exit 0, 1 when a rule has errors or cannot be written natively, 2 on usage or I/O\n"
     "errors."},
    {"consume", gcli_cmd_consume, &gcli_consume_options,
     "gantry consume (-p PACK | -r RULES) [-s URL]... [options]",
     "Be one member of a NATS JetStream work queue: fetch events, match them, publish\n"
     "each match to the alerts stream, and acknowledge only after the alerts are stored\n"
     "(docs/scale-out.md).",
     "Exit 0 after a signal or --exit-when-idle, 2 on error."},
    {"serve", gcli_cmd_serve, &gcli_serve_options,
     "gantry serve -p PACK --listen ADDR:PORT [--tls-cert FILE --tls-key FILE] [options]",
     "Receive Kubernetes audit webhook batches (audit.k8s.io/v1 EventList; also JSON\n"
     "events and JSON lines) by HTTP POST on / or /audit, match every event and write\n"
     "the alerts as `gantry match` does; GET /healthz and /metrics (Prometheus) report.\n"
     "SIGHUP reloads the packs; SIGTERM drains what was accepted and exits (docs/live.md).",
     "Exit 0 after SIGTERM or SIGINT once everything accepted is matched, 2 on error."},
    {"test", gcli_cmd_test, &gcli_test_options, "gantry test [options] PATH...",
     "Run each rule's positive and negative example events (corpus/<pack>/NAME.pos.* and\n"
     "NAME.neg.*) and each correlation's event sequences, and report per rule; the benign\n"
     "corpus must stay quiet at medium and above.",
     "Exit 0 when every rule passes and has cases, 1 otherwise, 2 on usage or I/O errors."},
    {"version", cmd_version, &no_options, "gantry version",
     "Print the program's version and the pack format version it reads.", "Exit 0."},
    {"help", cmd_help, &no_options, "gantry help [COMMAND]",
     "List the commands, or describe one with all its options.",
     "Exit 0, or 2 for an unknown command."},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const gcli_command *find_command(const char *name) {
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void usage(FILE *out) {
    fprintf(out, "usage: gantry COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %s\n", commands[i].synopsis);
    fprintf(out, "\n`gantry help COMMAND` lists a command's options.\n");
}

static void print_help(const gcli_command *cmd) {
    printf("usage: %s\n\n%s\n", cmd->synopsis, cmd->help);
    if (cmd->options->count) {
        printf("\noptions:\n");
        gopt_print_help(stdout, *cmd->options);
    }
    printf("\n%s\n", cmd->exit);
}

static int no_option(void *ctx, int id, const char *value) {
    return 0; /* the table is empty: getopt refuses every option first */
}

/* Parses a command without options: returns the first operand's index, or
 * -1 after a usage error. */
static int operands_only(const char *name, int argc, char **argv) {
    int first = 1;
    if (gopt_parse(name, no_options, argc, argv, no_option, NULL, &first) != 0)
        return -1;
    return first;
}

static int cmd_version(int argc, char **argv) {
    int first = operands_only("version", argc, argv);
    if (first < 0)
        return 2;
    if (first < argc) {
        gopt_usage_error("version", "takes no arguments");
        return 2;
    }
    printf("gantry %s (pack format %u)\n", gantry_version(), GANTRY_PACK_VERSION);
    return 0;
}

static int cmd_help(int argc, char **argv) {
    int first = operands_only("help", argc, argv);
    if (first < 0)
        return 2;
    if (first == argc) {
        usage(stdout);
        return 0;
    }
    const gcli_command *cmd = find_command(argv[first]);
    if (!cmd || first + 1 < argc) {
        fprintf(stderr, "gantry help: unknown command '%s'\n", argv[first]);
        return 2;
    }
    print_help(cmd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0)
        name = "version";
    else if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        name = "help";
    const gcli_command *cmd = find_command(name);
    if (!cmd) {
        fprintf(stderr, "gantry: unknown command '%s'\n", name);
        usage(stderr);
        return 2;
    }
    if (gopt_wants_help(*cmd->options, argc - 1, argv + 1)) {
        print_help(cmd);
        return 0;
    }
    return cmd->run(argc - 1, argv + 1);
}
