/* SPDX-License-Identifier: Apache-2.0 */
/* gantry compile / check / disasm */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gantry.h"
#include "disasm.h"
#include "commands.h"
#include "rule_options.h"

static const gopt compile_rows[] = {
    {'o', "output", "PACK", "output file (default: rules.gpk)"},
    GCLI_RULE_OPTION_ROWS,
};
static const gopt check_rows[] = {GCLI_RULE_OPTION_ROWS};
const gopt_table gcli_compile_options = GOPT_TABLE_INIT(compile_rows);
const gopt_table gcli_check_options = GOPT_TABLE_INIT(check_rows);

typedef struct compile_args {
    const char *cmd;
    gcli_rule_options *opts;
    const char **output;
} compile_args;

static int on_option(void *ctx, int id, const char *value) {
    compile_args *a = ctx;
    if (id == 'o') {
        *a->output = value;
        return 0;
    }
    int r = gcli_rule_option(a->opts, id, value);
    return r > 0 ? 0 : gopt_usage_error(a->cmd, "%s", r < 0 ? a->opts->error : "unknown option");
}

/* Collects the operands into `paths` and the -o value; checks that every
 * input exists. Returns 0, or -1 after saying what was wrong (exit 2). */
static int parse_args(int argc, char **argv, gcli_rule_options *opts, const char **paths,
                      size_t *path_count, const char **output, const char *cmd) {
    compile_args a = {cmd, opts, output};
    int first = 1;
    if (gopt_parse(cmd, output ? gcli_compile_options : gcli_check_options, argc, argv, on_option,
                   &a, &first) != 0)
        return -1;
    for (int i = first; i < argc; i++)
        paths[(*path_count)++] = argv[i];
    if (*path_count == 0)
        return gopt_usage_error(cmd, "no rule files given");
    return gcli_rule_inputs_exist(cmd, opts, paths, *path_count);
}

static int write_file(const char *path, const unsigned char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "gantry compile: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t written = fwrite(data, 1, len, f);
    int close_rc = fclose(f);
    if (written != len || close_rc != 0) {
        fprintf(stderr, "gantry compile: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* "Compiles" must mean "loads": the pack goes through the runtime's loader
 * (section parser and verifier) before it is written or reported good, so a
 * compiler bug shows here rather than at `gantry match` time. */
static int load_back(const char *cmd, const unsigned char *image, size_t len) {
    char err[512] = "";
    gantry_pack *pack = NULL;
    gantry_status st = gantry_pack_load_buffer(image, len, &pack, err, sizeof err);
    if (st != GANTRY_OK) {
        fprintf(stderr, "gantry %s: the pack built from these rules does not load (%s): %s\n", cmd,
                gantry_strerror(st), err);
        return -1;
    }
    gantry_pack_free(pack);
    return 0;
}

static int compile_or_check(int argc, char **argv, int write_pack) {
    const char *cmd = write_pack ? "compile" : "check";
    gcli_rule_options opts;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    if (!paths || gcli_rule_options_init(&opts, argc) != 0) {
        free(paths);
        fprintf(stderr, "gantry %s: out of memory\n", cmd);
        return 2;
    }
    size_t path_count = 0;
    const char *output = "rules.gpk";
    int status = 2;
    if (parse_args(argc, argv, &opts, paths, &path_count, write_pack ? &output : NULL, cmd) != 0)
        goto done;
    unsigned char *image = NULL;
    size_t len = 0;
    gcomp_stats stats = {0};
    int rc = gcli_compile_paths(&opts, paths, path_count, &image, &len, &stats);
    if (rc < 0) {
        status = 1;
        goto done;
    }
    /* --keep-going with rules left out: the pack is written, exit 3 */
    status = rc == 1 ? 3 : 0;
    if (load_back(cmd, image, len) != 0)
        status = 2;
    else if (write_pack && write_file(output, image, len) != 0)
        status = 2;
    else if (write_pack)
        printf("%s: %zu rules, %zu selections, %zu predicates (%zu uses shared), "
               "%zu instructions, %zu fields, %zu bytes\n",
               output, stats.rules, stats.selections, stats.predicates, stats.predicate_uses,
               stats.instructions, stats.fields, len);
    else
        printf("ok: %zu rules, %zu selections, %zu predicates\n", stats.rules, stats.selections,
               stats.predicates);
    free(image);
done:
    gcli_rule_options_free(&opts);
    free(paths);
    return status;
}

int gcli_cmd_compile(int argc, char **argv) {
    return compile_or_check(argc, argv, 1);
}

int gcli_cmd_check(int argc, char **argv) {
    return compile_or_check(argc, argv, 0);
}

int gcli_cmd_disasm(int argc, char **argv) {
    static const gopt_table none = {NULL, 0};
    int first = 1;
    if (gopt_parse("disasm", none, argc, argv, on_option, NULL, &first) != 0)
        return 2;
    if (argc - first != 1) {
        gopt_usage_error("disasm", "takes one pack file");
        return 2;
    }
    gantry_pack *pack = gcli_load_pack_file("disasm", argv[first], NULL);
    if (!pack)
        return 2;
    int rc = grt_disasm(pack, stdout) == 0 ? 0 : 2;
    gantry_pack_free(pack);
    return rc;
}
