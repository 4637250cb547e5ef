/* `gantry`: the command-line front door. Dispatches to one sub-command. */
#include <stdio.h>
#include <string.h>

#include "gantry.h"
#include "commands.h"
#include "pack_format.h"

typedef struct gcli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *synopsis;
    const char *help;
} gcli_command;

static const gcli_command commands[] = {
    {"compile", gcli_cmd_compile, "gantry compile [-o PACK] [-D NAME=VALUE]... PATH...",
     "Compile rule files (.gantry, Sigma .yml/.yaml) or directories into a pack.\n"
     "  -o PACK                  output file (default: rules.gpk)\n"
     "  -D NAME=VALUE[,VALUE]    fill a placeholder or replace a named list\n"
     "  --values FILE            YAML map of placeholder values\n"
     "  --placeholders empty     unfilled placeholders match nothing instead of failing\n"
     "  --mapping FILE           extra Sigma field mapping (repeatable)\n"
     "  --diagnostics-format F   text (default) or json\n"
     "  -W error, --werror       warnings fail the compile\n"
     "  --keep-going             write the rules that compile, report the others (exit 3)\n"
     "Exit 0 with a one-line summary, 1 with every diagnostic, 3 when --keep-going left\n"
     "rules out."},
    {"check", gcli_cmd_check, "gantry check [-D NAME=VALUE]... PATH...",
     "Parse and check rules without writing a pack (for editors and CI).\n"
     "Takes the options of `compile` except -o. Exit 0 when clean of errors, 1 otherwise."},
    {"disasm", gcli_cmd_disasm, "gantry disasm PACK",
     "Print a pack's field dictionary, constants, predicates and each rule's bytecode."},
    {"match", gcli_cmd_match, "gantry match (-p PACK | -r RULES)... [options] [FILE|DIR|-]...",
     "Match JSON-lines or log files (plain or .gz, directories recursively, - for stdin)\n"
     "against a pack (-p) or rules compiled in memory (-r).\n"
     "  --format jsonl|text      output form (default: text on a terminal, else jsonl)\n"
     "  --fields                 print only the fields the matching rule read\n"
     "  --min-level LEVEL        report only matches at or above LEVEL\n"
     "  --count                  print per-rule match counts instead of matches\n"
     "  --stats FILE             write run statistics as JSON\n"
     "  --input-format F         force the input format (auto, k8s_audit, docker_events,\n"
     "                           dockerd, falco, k8s_dashboard, containerd, json)\n"
     "  --max-line-bytes N       longest accepted line (default 16 MiB)\n"
     "  --max-depth N            deepest JSON nesting accepted, 1..128 (default 128)\n"
     "  --fail-on-match          exit 1 when anything matched\n"
     "  -j, --jobs N             match with N threads (output identical to -j 1)\n"
     "  --state-memory BYTES     memory budget of correlation state (default 256 MiB)\n"
     "  --out-of-order SECONDS   how late an event may arrive for correlations (default 5)\n"
     "  --quiet                  no summary line on stderr\n"
     "  --logsource SPEC         logsource of unrecognised JSON in the inputs after it:\n"
     "                           product=P,service=S,category=C (any of the three)\n"
     "  --logsource-map FILE     lines 'PATTERN SPEC': logsource per input path pattern\n"
     "  --logsource-any          run every rule on unrecognised JSON, whatever its logsource\n"
     "  -D, --values, --mapping, --placeholders, -W error, --keep-going   as for compile (-r)\n"
     "Exit 0 when the run completed, 1 with --fail-on-match and a match, 2 on error."},
    {"normalize", gcli_cmd_normalize, "gantry normalize [--input-format F] [FILE...|-]",
     "Print each input event as the normalized JSON a rule sees."},
    {"fields", gcli_cmd_fields, "gantry fields", "List the normalized schema fields."},
    {"import-sigma", gcli_cmd_import_sigma,
     "gantry import-sigma [-o DIR] [--mapping FILE]... [--explain] FILE...",
     "Convert Sigma YAML rules into Gantry rule files."},
    {"consume", gcli_cmd_consume, "gantry consume (-p PACK | -r RULES) --server URL... [options]",
     "Be one member of a NATS JetStream work queue: fetch events, match them, publish\n"
     "each match to the alerts stream, and acknowledge only after the alerts are stored.\n"
     "See docs/scale-out.md for every option."},
    {"test", gcli_cmd_test, "gantry test [--corpus DIR] [--golden] PATH...",
     "Run each rule's positive and negative example events (corpus/<pack>/NAME.pos.* and\n"
     "NAME.neg.*) and each correlation's event sequences, and report per rule; the benign\n"
     "corpus must stay quiet at medium and above.\n"
     "  --corpus DIR             where the cases are (default: corpus)\n"
     "  --golden                 print every match over the corpus instead (the golden file)\n"
     "  -D, --values, --mapping, --placeholders, -W error   as for compile\n"
     "Exit 0 when every rule passes and has cases, 1 otherwise."},
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
    fprintf(out, "  gantry version\n  gantry help COMMAND\n");
}

static int help(int argc, char **argv) {
    if (argc < 2) {
        usage(stdout);
        return 0;
    }
    const gcli_command *cmd = find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "gantry help: unknown command '%s'\n", argv[1]);
        return 2;
    }
    printf("usage: %s\n\n%s\n", cmd->synopsis, cmd->help);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "version") == 0 || strcmp(name, "--version") == 0) {
        printf("gantry %s (pack format %u)\n", gantry_version(), GANTRY_PACK_VERSION);
        return 0;
    }
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return help(argc - 1, argv + 1);
    const gcli_command *cmd = find_command(name);
    if (!cmd) {
        fprintf(stderr, "gantry: unknown command '%s'\n", name);
        usage(stderr);
        return 2;
    }
    if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
        char *help_argv[] = {"help", (char *)name};
        return help(2, help_argv);
    }
    return cmd->run(argc - 1, argv + 1);
}
