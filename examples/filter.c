/* SPDX-License-Identifier: Apache-2.0 */
/* A log shipper's filter on Gantry: raw log lines in on standard input,
 * one JSON alert per line out on standard output, as soon as the event that
 * caused it is complete.
 *
 *   filter PACK [--min-level LEVEL] [--disable KIND:VALUE]... [--enable KIND:VALUE]...
 *
 * KIND is id, name, tag or level: `--disable tag:attack.t1610` mutes every
 * rule with that tag (a rule mask), `--enable` turns rules back on, applied
 * in order. An alert:
 *   {"line":N,"rule":{"id":..,"name":..,"title":..,"level":..,"status":..,"tags":[..]},
 *    "fields":{"PATH":[VALUE,...],...},"event":{...}}
 * and a correlation: {"correlation":{"id":..,"title":..,"level":..},"lines":[N,...]}
 * Exit status: 0, or 2 on a usage, pack or memory error. */
#include <gantry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_string(const char *s, size_t len) {
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void json_cstr(const char *s) {
    json_string(s, strlen(s));
}

static void json_value(const gantry_value *v) {
    switch (v->type) {
    case GANTRY_VALUE_STRING:
        json_string(v->text, v->len);
        break;
    case GANTRY_VALUE_NUMBER:
        printf("%.17g", v->number);
        break;
    case GANTRY_VALUE_BOOL:
        fputs(v->number != 0 ? "true" : "false", stdout);
        break;
    default:
        fputs("null", stdout); /* null, or an object the rule compared as a whole */
        break;
    }
}

static int on_match(const gantry_rule_match *m, void *user) {
    (void)user;
    printf("{\"line\":%llu,\"rule\":{\"id\":", (unsigned long long)m->first_line);
    json_cstr(m->rule->id);
    fputs(",\"name\":", stdout);
    json_cstr(m->name);
    fputs(",\"title\":", stdout);
    json_cstr(m->rule->title);
    printf(",\"level\":\"%s\",\"status\":", gantry_level_name(m->rule->level));
    json_cstr(m->rule->status);
    fputs(",\"tags\":[", stdout);
    for (size_t i = 0; i < m->tag_count; i++) {
        if (i)
            putchar(',');
        json_cstr(m->tags[i]);
    }
    fputs("]},\"fields\":{", stdout);
    int first = 1;
    for (size_t i = 0; i < m->field_count; i++) {
        const gantry_field_values *f = &m->fields[i];
        if (f->count == 0)
            continue;
        if (!first)
            putchar(',');
        first = 0;
        json_cstr(f->path);
        fputs(":[", stdout);
        for (size_t j = 0; j < f->count; j++) {
            if (j)
                putchar(',');
            json_value(&f->values[j]);
        }
        putchar(']');
    }
    const char *event = gantry_session_event_json(m->session);
    printf("},\"event\":%s}\n", event ? event : "null");
    return 0;
}

static void on_correlation(const gantry_corr_match *m, void *user) {
    (void)user;
    fputs("{\"correlation\":{\"id\":", stdout);
    json_cstr(m->correlation->id);
    fputs(",\"title\":", stdout);
    json_cstr(m->correlation->title);
    printf(",\"level\":\"%s\"},\"lines\":[", gantry_level_name(m->correlation->level));
    for (size_t i = 0; i < m->event_count; i++)
        printf("%s%llu", i ? "," : "", (unsigned long long)m->events[i].line);
    fputs("]}\n", stdout);
}

/* "KIND:VALUE" -> a selection of rules; -1 when KIND is unknown. */
static int parse_selector(const char *arg, gantry_select_by *by, const char **value) {
    static const struct {
        const char *kind;
        gantry_select_by by;
    } kinds[] = {{"id", GANTRY_SELECT_ID},
                 {"name", GANTRY_SELECT_NAME},
                 {"tag", GANTRY_SELECT_TAG},
                 {"level", GANTRY_SELECT_LEVEL}};
    const char *colon = strchr(arg, ':');
    if (!colon)
        return -1;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].kind) == (size_t)(colon - arg) &&
            strncmp(arg, kinds[i].kind, (size_t)(colon - arg)) == 0) {
            *by = kinds[i].by;
            *value = colon + 1;
            return 0;
        }
    return -1;
}

static int usage(void) {
    fputs("usage: filter PACK [--min-level LEVEL] [--disable KIND:VALUE] [--enable KIND:VALUE]\n"
          "       KIND is id, name, tag or level; lines are read from standard input\n",
          stderr);
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 2 || argv[1][0] == '-')
        return usage();
    char err[256];
    gantry_pack *pack;
    if (gantry_pack_load_file(argv[1], &pack, err, sizeof err) != GANTRY_OK) {
        fprintf(stderr, "filter: %s: %s\n", argv[1], err);
        return 2;
    }
    gantry_session *session;
    gantry_status st =
        gantry_session_new(pack, GANTRY_FORMAT_AUTO, on_match, on_correlation, NULL, &session);
    int rc = st == GANTRY_OK ? 0 : 2;
    for (int i = 2; rc == 0 && i < argc; i += 2) {
        if (i + 1 >= argc) {
            rc = usage();
        } else if (strcmp(argv[i], "--min-level") == 0) {
            int level = -1;
            for (int l = GANTRY_LEVEL_INFORMATIONAL; l <= GANTRY_LEVEL_CRITICAL; l++)
                if (strcmp(argv[i + 1], gantry_level_name((gantry_level)l)) == 0)
                    level = l;
            if (level < 0 || gantry_session_set_min_level(session, (gantry_level)level) != 0)
                rc = usage();
        } else if (strcmp(argv[i], "--disable") == 0 || strcmp(argv[i], "--enable") == 0) {
            gantry_select_by by;
            const char *value;
            size_t n = 0;
            if (parse_selector(argv[i + 1], &by, &value) != 0 ||
                gantry_matcher_select(gantry_session_matcher(session), by, value, argv[i][2] == 'e',
                                      &n) != GANTRY_OK)
                rc = usage();
            else if (n == 0)
                fprintf(stderr, "filter: %s names no rule of the pack\n", argv[i + 1]);
        } else {
            rc = usage();
        }
    }
    /* Alerts go out line by line, as soon as they are known. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n')
            len--;
        if (gantry_session_feed_line(session, line, len) == GANTRY_E_NOMEM)
            rc = 2;
    }
    free(line);
    if (rc == 0 && gantry_session_flush(session) == GANTRY_E_NOMEM)
        rc = 2;
    if (st != GANTRY_OK)
        fprintf(stderr, "filter: %s\n", gantry_strerror(st));
    gantry_session_free(session);
    gantry_pack_free(pack);
    return rc;
}
