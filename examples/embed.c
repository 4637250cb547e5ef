/* SPDX-License-Identifier: Apache-2.0 */
/* Embedding Gantry: load a pack, read raw log lines (any source format
 * gantry knows: Kubernetes audit, Docker, dockerd, containerd, Falco,
 * Dashboard), and print each match with the values its rule read:
 *
 *   SOURCE:LINE<TAB>RULE_ID<TAB>LEVEL<TAB>TITLE
 *   <TAB>FIELD=VALUE[,VALUE...]        one line per field the rule read
 *   CORRELATION<TAB>TITLE<TAB>EVENTS   one line per correlation match
 *
 * Usage: embed PACK [FILE...]   (no FILE: standard input)
 * Build against an installed gantry: cc embed.c $(pkg-config --cflags --libs gantry) */
#include <gantry.h>
#include <stdio.h>
#include <string.h>

/* Values may hold newlines (a Dashboard request body): escape control
 * characters so that one value stays on one output line. */
static void print_text(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\')
            fputs("\\\\", stdout);
        else if (c < 0x20 || c == 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

static void print_value(const gantry_value *v) {
    switch (v->type) {
    case GANTRY_VALUE_STRING:
    case GANTRY_VALUE_BOOL:
        print_text(v->text, v->len);
        break;
    case GANTRY_VALUE_NUMBER:
        printf("%.17g", v->number);
        break;
    case GANTRY_VALUE_NULL:
        fputs("null", stdout);
        break;
    default:
        fputs("(object)", stdout);
        break;
    }
}

static int on_match(const gantry_rule_match *m, void *user) {
    (void)user;
    printf("%s:%llu\t%s\t%s\t%s\n", m->source, (unsigned long long)m->first_line, m->rule->id,
           gantry_level_name(m->rule->level), m->rule->title);
    for (size_t i = 0; i < m->field_count; i++) {
        const gantry_field_values *f = &m->fields[i];
        if (f->count == 0)
            continue;
        printf("\t%s=", f->path);
        for (size_t j = 0; j < f->count; j++) {
            if (j)
                putchar(',');
            print_value(&f->values[j]);
        }
        putchar('\n');
    }
    return 0; /* non-zero would skip the event's remaining matches */
}

static void on_correlation(const gantry_corr_match *m, void *user) {
    (void)user;
    printf("CORRELATION\t%s\t%s\t", m->correlation->id, m->correlation->title);
    for (size_t i = 0; i < m->event_count; i++)
        printf("%s%s:%llu", i ? "," : "", m->events[i].file, (unsigned long long)m->events[i].line);
    putchar('\n');
}

/* Feeds one stream to the session in chunks, as a program reading a socket
 * or a pipe would: the session splits lines and joins multi-line events. */
static int feed_stream(gantry_session *session, FILE *in, const char *name) {
    char buf[65536];
    size_t n;
    gantry_status st = gantry_session_set_source(session, name);
    while (st == GANTRY_OK && (n = fread(buf, 1, sizeof buf, in)) > 0)
        st = gantry_session_feed(session, buf, n);
    /* a malformed line is counted, not fatal; only a lack of memory is */
    if (st == GANTRY_E_NOMEM || ferror(in)) {
        fprintf(stderr, "embed: %s: %s\n", name, ferror(in) ? "read error" : gantry_strerror(st));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    char err[256];
    gantry_pack *pack;
    gantry_session *session;
    if (argc < 2) {
        fprintf(stderr, "usage: %s PACK [FILE...] (no FILE: standard input)\n", argv[0]);
        return 2;
    }
    if (gantry_pack_load_file(argv[1], &pack, err, sizeof err) != GANTRY_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], err);
        return 2;
    }
    gantry_status st =
        gantry_session_new(pack, GANTRY_FORMAT_AUTO, on_match, on_correlation, NULL, &session);
    if (st != GANTRY_OK) {
        fprintf(stderr, "embed: %s\n", gantry_strerror(st));
        gantry_pack_free(pack);
        return 2;
    }
    int rc = 0;
    if (argc == 2)
        rc = feed_stream(session, stdin, "<stdin>");
    for (int i = 2; i < argc && rc == 0; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            rc = -1;
            break;
        }
        rc = feed_stream(session, f, argv[i]);
        fclose(f);
    }
    /* end of input: match what waits for a continuation line, close the
     * correlation windows */
    gantry_session_flush(session);
    gantry_session_stats stats;
    gantry_session_get_stats(session, &stats);
    fprintf(stderr, "embed: %llu lines, %llu events, %llu malformed, %llu matches\n",
            (unsigned long long)stats.lines, (unsigned long long)stats.events,
            (unsigned long long)stats.malformed, (unsigned long long)stats.matches);
    gantry_session_free(session);
    gantry_pack_free(pack);
    return rc == 0 ? 0 : 2;
}
