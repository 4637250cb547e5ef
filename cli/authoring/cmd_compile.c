/* gantry compile / check / disasm */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gantry.h"
#include "disasm.h"
#include "commands.h"
#include "rule_options.h"

/* Collects the non-option arguments into `paths` and the -o value. */
static int parse_args(int argc, char **argv, gcli_rule_options *opts, const char **paths,
                      size_t *path_count, const char **output, const char *cmd) {
    for (int i = 1; i < argc;) {
        int r = gcli_rule_option(opts, argc, argv, &i);
        if (r < 0) {
            fprintf(stderr, "gantry %s: %s\n", cmd, opts->error);
            return -1;
        }
        if (r > 0)
            continue;
        if (output && strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "gantry %s: -o takes a file name\n", cmd);
                return -1;
            }
            *output = argv[i + 1];
            i += 2;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "gantry %s: unknown option '%s' (see gantry help %s)\n", cmd, argv[i],
                    cmd);
            return -1;
        }
        paths[(*path_count)++] = argv[i++];
    }
    if (*path_count == 0) {
        fprintf(stderr, "gantry %s: no rule files given (see gantry help %s)\n", cmd, cmd);
        return -1;
    }
    return 0;
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
    if (write_pack && write_file(output, image, len) != 0)
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
    if (argc != 2) {
        fprintf(stderr, "usage: gantry disasm PACK\n");
        return 2;
    }
    char err[512];
    gantry_pack *pack = NULL;
    gantry_status st = gantry_pack_load_file(argv[1], &pack, err, sizeof err);
    if (st != GANTRY_OK) {
        fprintf(stderr, "gantry disasm: %s: %s\n", argv[1], err);
        return 2;
    }
    int rc = grt_disasm(pack, stdout) == 0 ? 0 : 2;
    gantry_pack_free(pack);
    return rc;
}
