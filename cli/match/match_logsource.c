/* SPDX-License-Identifier: Apache-2.0 */
/* gantry match --logsource, --logsource-map and --logsource-any: the
 * logsource of events of no recognised source, per input file
 * (docs/sigma.md, "Logsource semantics"). */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_run.h"

void gmr_logsource_free(gmr_logsource *ls) {
    free(ls->product);
    free(ls->service);
    free(ls->category);
    memset(ls, 0, sizeof *ls);
}

/* "product=zeek,service=conn": keys product, service, category, each at most
 * once; at least one. */
int gmr_logsource_parse(const char *spec, gmr_logsource *ls, const char **error) {
    memset(ls, 0, sizeof *ls);
    const char *p = spec;
    while (*p) {
        const char *end = p + strcspn(p, ",");
        const char *eq = memchr(p, '=', (size_t)(end - p));
        char **slot = NULL;
        if (eq) {
            size_t klen = (size_t)(eq - p);
            if (klen == 7 && strncmp(p, "product", 7) == 0)
                slot = &ls->product;
            else if (klen == 7 && strncmp(p, "service", 7) == 0)
                slot = &ls->service;
            else if (klen == 8 && strncmp(p, "category", 8) == 0)
                slot = &ls->category;
        }
        if (!slot || *slot || eq + 1 == end) {
            *error = !slot   ? "--logsource takes product=P,service=S,category=C (any of the three)"
                     : *slot ? "--logsource names a key twice"
                             : "--logsource gives a key no value";
            gmr_logsource_free(ls);
            return -1;
        }
        *slot = strndup(eq + 1, (size_t)(end - eq - 1));
        if (!*slot) {
            *error = "out of memory";
            gmr_logsource_free(ls);
            return -1;
        }
        p = *end ? end + 1 : end;
    }
    if (!ls->product && !ls->service && !ls->category) {
        *error = "--logsource takes product=P,service=S,category=C (any of the three)";
        return -1;
    }
    return 0;
}

void gmr_ls_map_free(gmr_ls_map *map) {
    for (size_t i = 0; i < map->count; i++) {
        free(map->patterns[i]);
        gmr_logsource_free(&map->ls[i]);
    }
    free(map->patterns);
    free(map->ls);
    memset(map, 0, sizeof *map);
}

/* Lines "PATTERN SPEC": a shell pattern on the input path (fnmatch, `*`
 * crosses `/`) and a --logsource value; blank lines and `#` comments are
 * skipped. */
int gmr_ls_map_load(const char *path, gmr_ls_map *map) {
    memset(map, 0, sizeof *map);
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[4096];
    unsigned long line_no = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line_no++;
        char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        s[strcspn(s, "\r\n")] = '\0';
        if (!*s || *s == '#')
            continue;
        char *sep = s + strcspn(s, " \t");
        char *spec = sep;
        while (isspace((unsigned char)*spec))
            spec++;
        *sep = '\0';
        const char *error = NULL;
        gmr_logsource ls;
        if (!*spec || gmr_logsource_parse(spec, &ls, &error) != 0) {
            fprintf(stderr, "gantry match: %s:%lu: %s\n", path, line_no,
                    error ? error : "expected PATTERN product=P,service=S,category=C");
            rc = -1;
            break;
        }
        char **pats = realloc(map->patterns, (map->count + 1) * sizeof *pats);
        if (pats)
            map->patterns = pats;
        gmr_logsource *lss = pats ? realloc(map->ls, (map->count + 1) * sizeof *lss) : NULL;
        if (lss)
            map->ls = lss;
        char *pat = lss ? strdup(s) : NULL;
        if (!pat) {
            gmr_logsource_free(&ls);
            fputs("gantry match: out of memory\n", stderr);
            rc = -1;
            break;
        }
        map->patterns[map->count] = pat;
        map->ls[map->count++] = ls;
    }
    fclose(f);
    if (rc != 0)
        gmr_ls_map_free(map);
    return rc;
}

int gmr_use_file_logsource(match_run *run, long file_index, const char *path) {
    const match_config *cfg = run->cfg;
    const gmr_logsource *ls = cfg->file_ls ? cfg->file_ls[file_index] : NULL;
    for (size_t i = 0; i < cfg->ls_map.count; i++)
        if (fnmatch(cfg->ls_map.patterns[i], path, 0) == 0) {
            ls = &cfg->ls_map.ls[i];
            break;
        }
    if (run->ls_set && ls == run->ls_current)
        return 0;
    run->ls_set = 1;
    run->ls_current = ls;
    for (size_t k = 0; k < run->pack_count; k++)
        if (gantry_matcher_set_logsource(run->matchers[k], ls ? ls->product : NULL,
                                         ls ? ls->service : NULL,
                                         ls ? ls->category : NULL) != GANTRY_OK)
            return -1;
    return 0;
}
