/* Embedding Gantry: load a pack, match JSON lines from stdin, print
 * "LINE<TAB>RULE_ID<TAB>TITLE" for each match. Build: see the Makefile. */
#include <gantry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

struct ctx {
    unsigned long line;
};

static int on_match(const gantry_match *m, void *user) {
    const struct ctx *c = user;
    printf("%lu\t%s\t%s\n", c->line, m->rule->id, m->rule->title);
    return 0;
}

int main(int argc, char **argv) {
    char err[256];
    gantry_pack *pack;
    gantry_matcher *matcher;
    if (argc != 2) {
        fprintf(stderr, "usage: %s PACK < events.jsonl\n", argv[0]);
        return 2;
    }
    if (gantry_pack_load_file(argv[1], &pack, err, sizeof err) != GANTRY_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], err);
        return 2;
    }
    if (gantry_matcher_new(pack, &matcher) != GANTRY_OK)
        return 2;
    struct ctx c = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        c.line++;
        gantry_status st = gantry_match_json(matcher, line, (size_t)n, on_match, &c);
        if (st != GANTRY_OK)
            fprintf(stderr, "line %lu: %s\n", c.line, gantry_strerror(st));
    }
    free(line);
    gantry_matcher_free(matcher);
    gantry_pack_free(pack);
    return 0;
}
