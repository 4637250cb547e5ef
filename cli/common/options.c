/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "options.h"

/* getopt_long's view of the table, plus -h/--help when `with_help`. */
typedef struct getopt_view {
    struct option *longs;
    char *shorts;
} getopt_view;

static void view_free(getopt_view *v) {
    free(v->longs);
    free(v->shorts);
}

static int view_build(getopt_view *v, gopt_table t, int with_help) {
    v->longs = calloc(t.count + 2, sizeof *v->longs);
    /* "-" first: operands come back in place (as option 1), so options may
     * follow operands even under POSIXLY_CORRECT; then ":": a missing value
     * is told apart from an unknown option. */
    v->shorts = calloc(t.count * 2 + 5, 1);
    if (!v->longs || !v->shorts) {
        view_free(v);
        return -1;
    }
    size_t n = 0, s = 0;
    v->shorts[s++] = '-';
    v->shorts[s++] = ':';
    for (size_t i = 0; i < t.count; i++) {
        const gopt *o = &t.items[i];
        v->longs[n++] =
            (struct option){o->name, o->arg ? required_argument : no_argument, NULL, o->id};
        if (o->id < GOPT_LONG) {
            v->shorts[s++] = (char)o->id;
            if (o->arg)
                v->shorts[s++] = ':';
        }
    }
    if (with_help) {
        v->longs[n++] = (struct option){"help", no_argument, NULL, 'h'};
        v->shorts[s++] = 'h';
    }
    return 0;
}

int gopt_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gantry %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see gantry help %s)\n", cmd);
    va_end(ap);
    return -1;
}

static const gopt *find_id(gopt_table t, int id) {
    for (size_t i = 0; i < t.count; i++)
        if (t.items[i].id == id)
            return &t.items[i];
    return NULL;
}

/* The option as the user wrote it, for messages. */
static void describe(gopt_table t, int id, char *buf, size_t size) {
    const gopt *o = find_id(t, id);
    if (o && id < GOPT_LONG)
        snprintf(buf, size, "-%c (--%s)", id, o->name);
    else if (o)
        snprintf(buf, size, "--%s", o->name);
    else
        snprintf(buf, size, "-%c", id);
}

/* Why getopt refused argv[at]: a flag given a value, or an unknown option. */
static int refused(const char *cmd, gopt_table t, const char *arg) {
    if (strncmp(arg, "--", 2) == 0) {
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        for (size_t i = 0; eq && i < t.count; i++)
            if (strlen(t.items[i].name) == len && strncmp(t.items[i].name, arg + 2, len) == 0)
                return gopt_usage_error(cmd, "--%s takes no value", t.items[i].name);
        return gopt_usage_error(cmd, "unknown or ambiguous option '%.*s'", (int)(len + 2), arg);
    }
    return gopt_usage_error(cmd, "unknown option '%s'", arg);
}

/* `ordered`: operands go to on_option (as GOPT_OPERAND) where they stand,
 * for options that apply to the operands after them; else they are moved to
 * the end of argv for the caller. */
static int parse(const char *cmd, gopt_table t, int argc, char **argv, gopt_fn on_option, void *ctx,
                 int *first_operand, int ordered) {
    getopt_view v;
    if (view_build(&v, t, 0) != 0) {
        fprintf(stderr, "gantry %s: out of memory\n", cmd);
        return -1;
    }
    optind = 0; /* GNU: start afresh, whatever an earlier parse left */
    opterr = 0;
    int rc = 0;
    int kept = 1; /* operands seen so far are moved down to argv[1 .. kept) */
    for (;;) {
        int c = getopt_long(argc, argv, v.shorts, v.longs, NULL);
        if (c == -1)
            break;
        if (c == 1) {
            if (ordered) {
                if (on_option(ctx, GOPT_OPERAND, optarg) != 0) {
                    rc = -1;
                    break;
                }
                continue;
            }
            /* getopt never looks back at what it passed: the slot is free */
            argv[kept++] = optarg;
            continue;
        }
        if (c == ':') {
            char what[128];
            describe(t, optopt, what, sizeof what);
            const gopt *o = find_id(t, optopt);
            rc = gopt_usage_error(cmd, "%s takes %s", what, o && o->arg ? o->arg : "a value");
            break;
        }
        if (c == '?') {
            /* A long option (unknown, or a flag given a value): getopt has
             * stepped past it; else an unknown letter. */
            const char *last = optind > 1 ? argv[optind - 1] : "";
            char letter[3] = {'-', (char)optopt, 0};
            int is_long = optopt == 0 || optopt >= GOPT_LONG || strncmp(last, "--", 2) == 0;
            rc = refused(cmd, t, is_long ? last : letter);
            break;
        }
        if (on_option(ctx, c, optarg) != 0) {
            rc = -1;
            break;
        }
    }
    /* what follows "--" are operands too; then the operands move to the
     * end of argv, in order, for the caller */
    for (int i = optind; rc == 0 && i < argc; i++) {
        if (ordered)
            rc = on_option(ctx, GOPT_OPERAND, argv[i]);
        else
            argv[kept++] = argv[i];
    }
    int count = kept - 1;
    memmove(argv + argc - count, argv + 1, (size_t)count * sizeof *argv);
    if (first_operand)
        *first_operand = argc - count;
    view_free(&v);
    return rc;
}

int gopt_parse(const char *cmd, gopt_table t, int argc, char **argv, gopt_fn on_option, void *ctx,
               int *first_operand) {
    return parse(cmd, t, argc, argv, on_option, ctx, first_operand, 0);
}

int gopt_parse_ordered(const char *cmd, gopt_table t, int argc, char **argv, gopt_fn on_option,
                       void *ctx) {
    return parse(cmd, t, argc, argv, on_option, ctx, NULL, 1);
}

int gopt_wants_help(gopt_table t, int argc, char **argv) {
    getopt_view v;
    char **copy = malloc(((size_t)argc + 1) * sizeof *copy);
    if (!copy || view_build(&v, t, 1) != 0) {
        free(copy);
        return 0;
    }
    memcpy(copy, argv, (size_t)argc * sizeof *copy);
    copy[argc] = NULL;
    optind = 0;
    opterr = 0;
    int wants = 0, c;
    while (!wants && (c = getopt_long(argc, copy, v.shorts, v.longs, NULL)) != -1)
        wants = c == 'h';
    view_free(&v);
    free(copy);
    optind = 0;
    return wants;
}

#define HELP_COLUMN 28

void gopt_print_help(FILE *out, gopt_table t) {
    for (size_t i = 0; i < t.count; i++) {
        const gopt *o = &t.items[i];
        if (!o->help)
            continue;
        char head[128];
        int n;
        if (o->id < GOPT_LONG)
            n = snprintf(head, sizeof head, "  -%c, --%s%s%s", o->id, o->name, o->arg ? " " : "",
                         o->arg ? o->arg : "");
        else
            n = snprintf(head, sizeof head, "  --%s%s%s", o->name, o->arg ? " " : "",
                         o->arg ? o->arg : "");
        fputs(head, out);
        if (n >= HELP_COLUMN - 1)
            fprintf(out, "\n%*s", HELP_COLUMN, "");
        else
            fprintf(out, "%*s", HELP_COLUMN - n, "");
        /* continuation lines of the text line up under its first line */
        for (const char *p = o->help; *p; p++) {
            fputc(*p, out);
            if (*p == '\n')
                fprintf(out, "%*s", HELP_COLUMN, "");
        }
        fputc('\n', out);
    }
}

int gopt_number(const char *text, unsigned long long min, unsigned long long max,
                unsigned long long *out) {
    if (!text || *text < '0' || *text > '9')
        return -1;
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int gopt_color(int forced, int fd) {
    if (forced >= 0)
        return forced;
    const char *no_color = getenv("NO_COLOR");
    if (no_color && *no_color)
        return 0;
    return isatty(fd);
}

size_t gopt_terminal_width(int fd) {
    unsigned long long n;
    const char *columns = getenv("COLUMNS");
    if (columns && gopt_number(columns, 1, 100000, &n) == 0)
        return (size_t)n;
    struct winsize ws;
    if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}
