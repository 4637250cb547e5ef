/* SPDX-License-Identifier: Apache-2.0 */
#include <cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "match_output.h"
#include "output_ecs.h"
#include "output_text.h"
#include "timeline.h"

/* A rule of the run: rules are numbered across the packs, pack 0's first. */
typedef struct gmo_rule {
    const gantry_pack *pack;
    uint32_t index; /* in its pack */
    char *json;     /* its "rule" object, printed once up front */
    char *label;    /* text output: "title [name]", or the title for a rule without a name */
} gmo_rule;

struct gmo_printer {
    gmo_options options;
    FILE *out;
    gmo_rule *rules;
    size_t rule_count;
    size_t *bases; /* per pack: the number of its first rule */
    size_t pack_count;
    char *file_json;    /* the current file name as a JSON string */
    size_t title_width; /* text: the longest title, the title column's width */
    gmo_buffer line;    /* text and CSV: the line being written */
    /* --timeline: each record is printed into `held` and kept in `timeline` */
    gmo_timeline *timeline;
    FILE *held;
    char *held_data;
    size_t held_size;
};

int gmo_parse_level(const char *name) {
    for (int l = GANTRY_LEVEL_INFORMATIONAL; l <= GANTRY_LEVEL_CRITICAL; l++)
        if (strcmp(name, gantry_level_name((gantry_level)l)) == 0)
            return l;
    return -1;
}

int gmo_stats_init(gmo_stats *stats, size_t rule_count) {
    memset(stats, 0, sizeof *stats);
    stats->per_rule = calloc(rule_count ? rule_count : 1, sizeof *stats->per_rule);
    stats->rule_count = rule_count;
    return stats->per_rule ? 0 : -1;
}

void gmo_stats_free(gmo_stats *stats) {
    free(stats->per_rule);
    stats->per_rule = NULL;
}

static cJSON *rule_object(const gantry_pack *pack, size_t index) {
    gantry_rule_info info;
    if (gantry_pack_rule_info(pack, index, &info) != GANTRY_OK)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON *tags = cJSON_CreateArray();
    if (!o || !tags) {
        cJSON_Delete(o);
        cJSON_Delete(tags);
        return NULL;
    }
    /* A rule without an id has none: null, not "". */
    cJSON_AddItemToObject(o, "id",
                          info.id && *info.id ? cJSON_CreateString(info.id) : cJSON_CreateNull());
    const char *name = gantry_pack_rule_name(pack, index);
    cJSON_AddItemToObject(o, "name", name && *name ? cJSON_CreateString(name) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "title", cJSON_CreateString(info.title));
    cJSON_AddItemToObject(o, "level", cJSON_CreateString(gantry_level_name(info.level)));
    for (size_t t = 0; t < info.tag_count; t++)
        cJSON_AddItemToArray(tags, cJSON_CreateString(gantry_pack_rule_tag(pack, index, t)));
    cJSON_AddItemToObject(o, "tags", tags);
    return o;
}

gmo_printer *gmo_printer_new(const gantry_pack *const *packs, size_t pack_count,
                             const gmo_options *options, FILE *out) {
    gmo_printer *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->options = *options;
    p->out = out;
    p->pack_count = pack_count;
    p->bases = calloc(pack_count ? pack_count : 1, sizeof *p->bases);
    size_t total = 0;
    for (size_t k = 0; k < pack_count; k++) {
        p->bases[k] = total;
        total += gantry_pack_rule_count(packs[k]);
    }
    p->rules = calloc(total ? total : 1, sizeof *p->rules);
    if (options->timeline && !options->count_only) {
        p->timeline = gmo_timeline_new(options->timeline);
        p->held = open_memstream(&p->held_data, &p->held_size);
    }
    if (!p->bases || !p->rules ||
        (options->timeline && !options->count_only && (!p->timeline || !p->held))) {
        gmo_printer_free(p);
        return NULL;
    }
    for (size_t k = 0; k < pack_count; k++) {
        size_t n = gantry_pack_rule_count(packs[k]);
        for (size_t i = 0; i < n; i++) {
            gmo_rule *r = &p->rules[p->rule_count++];
            r->pack = packs[k];
            r->index = (uint32_t)i;
            cJSON *o = rule_object(packs[k], i);
            r->json = o ? cJSON_PrintUnformatted(o) : NULL;
            gantry_rule_info info;
            if (gantry_pack_rule_info(packs[k], i, &info) == GANTRY_OK) {
                /* the title for people, the name that `gantry test`, --rule
                 * and the rule files use */
                const char *name = gantry_pack_rule_name(packs[k], i);
                size_t len = strlen(info.title) + (name ? strlen(name) : 0) + 4;
                if ((r->label = malloc(len)))
                    snprintf(r->label, len, name && *name ? "%s [%s]" : "%s", info.title, name);
                const char *l = r->label ? r->label : info.title;
                size_t w = gmo_escaped_width(l, strlen(l));
                if (w > p->title_width)
                    p->title_width = w;
            }
            cJSON_Delete(o);
            if (!r->json || !r->label) {
                gmo_printer_free(p);
                return NULL;
            }
        }
    }
    return p;
}

void gmo_printer_free(gmo_printer *p) {
    if (!p)
        return;
    for (size_t i = 0; i < p->rule_count; i++) {
        cJSON_free(p->rules[i].json);
        free(p->rules[i].label);
    }
    free(p->rules);
    free(p->bases);
    cJSON_free(p->file_json);
    free(p->line.data);
    gmo_timeline_free(p->timeline);
    if (p->held)
        fclose(p->held);
    free(p->held_data);
    free(p);
}

size_t gmo_rule_base(const gmo_printer *p, size_t pack) {
    return p->bases[pack];
}

size_t gmo_rule_total(const gmo_printer *p) {
    return p->rule_count;
}

void gmo_set_file(gmo_printer *p, const char *file) {
    cJSON_free(p->file_json);
    cJSON *s = cJSON_CreateString(file);
    p->file_json = s ? cJSON_PrintUnformatted(s) : NULL;
    cJSON_Delete(s);
}

static cJSON *read_fields(const gantry_pack *pack, uint32_t rule, const cJSON *event) {
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    size_t n = gantry_pack_field_count(pack);
    for (size_t f = 0; f < n; f++) {
        if (!gantry_rule_reads_field(pack, rule, f))
            continue;
        const char *name = gantry_pack_field_name(pack, f);
        cJSON *values = gmo_field_values(event, name);
        if (!values)
            continue;
        int count = cJSON_GetArraySize(values);
        if (count == 0) {
            cJSON_Delete(values);
        } else if (count == 1) {
            cJSON *only = cJSON_DetachItemFromArray(values, 0);
            cJSON_Delete(values);
            cJSON_AddItemToObject(o, name, only);
        } else {
            cJSON_AddItemToObject(o, name, values);
        }
    }
    return o;
}

/* With --fields LIST, the listed fields of the event: each a value, an
 * array of values, or null when the event has none. */
static cJSON *list_fields(const gmo_field_list *list, const cJSON *event) {
    cJSON *o = cJSON_CreateObject();
    for (size_t k = 0; o && k < list->count; k++) {
        cJSON *values = gmo_field_values(event, list->fields[k].path);
        if (!values)
            continue;
        int count = cJSON_GetArraySize(values);
        if (count == 1) {
            cJSON *only = cJSON_DetachItemFromArray(values, 0);
            cJSON_Delete(values);
            values = only;
        } else if (count == 0) {
            cJSON_Delete(values);
            values = cJSON_CreateNull();
        }
        cJSON_AddItemToObject(o, list->fields[k].name, values);
    }
    return o;
}

/* What a JSON record holds as its event: all of it, the --fields list, or
 * the fields the rule read. */
static cJSON *event_part(const gmo_printer *p, const gmo_rule *r, const cJSON *event) {
    if (p->options.fields)
        return list_fields(p->options.fields, event);
    if (p->options.fields_only)
        return read_fields(r->pack, r->index, event);
    return NULL;
}

static const char *level_colors[] = {"\033[2m", "\033[36m", "\033[33m", "\033[31m", "\033[1;35m"};

static void print_text(gmo_printer *p, const char *file, uint64_t line, const gmo_rule *r,
                       const cJSON *event) {
    gantry_rule_info info;
    if (gantry_pack_rule_info(r->pack, r->index, &info) != GANTRY_OK)
        return;
    gmo_text_line t = {
        .level = gantry_level_name(info.level),
        .color_on = p->options.color ? level_colors[info.level] : "",
        .color_off = p->options.color ? "\033[0m" : "",
        .title = r->label,
        .title_width = p->title_width,
        .width = p->options.width,
        .fields = p->options.fields,
        .file = file,
        .line = line,
    };
    t.has_time = gmo_event_time(event, &t.time_ns) == 0;
    if (gmo_render_text(&p->line, &t, event) == 0)
        fwrite(p->line.data, 1, p->line.len, p->out);
    if (p->options.fields_only && !p->options.fields) {
        cJSON *fields = read_fields(r->pack, r->index, event);
        char *text = fields ? cJSON_PrintUnformatted(fields) : NULL;
        p->line.len = 0;
        if (text && gmo_escape(&p->line, text, strlen(text), SIZE_MAX, NULL) == 0)
            fprintf(p->out, "    %s\n", p->line.data);
        cJSON_free(text);
        cJSON_Delete(fields);
    }
}

/* ---- CSV (RFC 4180) ---- */

static void csv_cell(gmo_buffer *b, const char *s, int first) {
    if (!first)
        gmo_buf_char(b, ',');
    if (!strpbrk(s, ",\"\r\n")) {
        gmo_buf_str(b, s);
        return;
    }
    gmo_buf_char(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            gmo_buf_char(b, '"');
        gmo_buf_char(b, *s);
    }
    gmo_buf_char(b, '"');
}

/* The columns between the rule's and the location: the --fields list, or
 * the default context. */
static size_t csv_middle(const gmo_printer *p, size_t k, const char **path) {
    size_t n;
    const gmo_context_field *ctx = gmo_context_fields(&n);
    if (p->options.fields) {
        n = p->options.fields->count;
        if (k < n && path)
            *path = p->options.fields->fields[k].path;
    } else if (k < n && path) {
        *path = ctx[k].path;
    }
    return n;
}

void gmo_print_header(gmo_printer *p) {
    if (p->options.format != GMO_CSV || p->options.count_only)
        return;
    gmo_buffer *b = &p->line;
    b->len = 0;
    gmo_buf_str(b, "@timestamp,level,rule.title,rule.id");
    size_t n;
    const gmo_context_field *ctx = gmo_context_fields(&n);
    n = csv_middle(p, 0, NULL);
    for (size_t k = 0; k < n; k++)
        csv_cell(b, p->options.fields ? p->options.fields->fields[k].name : ctx[k].path, 0);
    gmo_buf_str(b, ",file,line\r\n");
    if (b->data)
        fwrite(b->data, 1, b->len, p->out);
}

static void print_csv(gmo_printer *p, const char *file, uint64_t line, const gmo_rule *r,
                      const cJSON *event) {
    gantry_rule_info info;
    if (gantry_pack_rule_info(r->pack, r->index, &info) != GANTRY_OK)
        return;
    gmo_buffer *b = &p->line, value = {0};
    b->len = 0;
    char when[32] = "";
    int64_t ns;
    if (gmo_event_time(event, &ns) == 0)
        gmo_format_time(ns, 1, when);
    csv_cell(b, when, 1);
    csv_cell(b, gantry_level_name(info.level), 0);
    csv_cell(b, info.title, 0);
    csv_cell(b, info.id ? info.id : "", 0);
    size_t n = csv_middle(p, 0, NULL);
    for (size_t k = 0; k < n; k++) {
        const char *path = "";
        csv_middle(p, k, &path);
        value.len = 0;
        gmo_buf_str(&value, "");
        gmo_field_text(&value, event, path);
        csv_cell(b, value.data ? value.data : "", 0);
    }
    csv_cell(b, file, 0);
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)line);
    csv_cell(b, num, 0);
    gmo_buf_str(b, "\r\n");
    if (b->data)
        fwrite(b->data, 1, b->len, p->out);
    free(value.data);
}

static void print_ecs(gmo_printer *p, const char *file, uint64_t line, const gmo_rule *r,
                      const cJSON *event) {
    cJSON *doc = gmo_ecs_document(r->pack, r->index, file, line, event, p->options.fields);
    char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
    if (text)
        fprintf(p->out, "%s\n", text);
    cJSON_free(text);
    cJSON_Delete(doc);
}

static void print_record(gmo_printer *p, const char *file, uint64_t line, const gmo_rule *r,
                         const cJSON *event) {
    switch (p->options.format) {
    case GMO_TEXT:
        print_text(p, file, line, r, event);
        return;
    case GMO_CSV:
        print_csv(p, file, line, r, event);
        return;
    case GMO_ECS:
        print_ecs(p, file, line, r, event);
        return;
    case GMO_JSONL:
        break;
    }
    cJSON *fields = event_part(p, r, event);
    char *event_text = cJSON_PrintUnformatted(fields ? fields : event);
    fprintf(p->out, "{\"file\":%s,\"line\":%llu,\"rule\":%s,\"event\":%s}\n",
            p->file_json ? p->file_json : "null", (unsigned long long)line, r->json,
            event_text ? event_text : "null");
    cJSON_free(event_text);
    cJSON_Delete(fields);
}

/* --timeline: the record goes to memory, and from there to the timeline. */
static void hold_record(gmo_printer *p, const char *file, uint64_t line, const gmo_rule *r,
                        const cJSON *event) {
    gantry_rule_info info;
    if (gantry_pack_rule_info(r->pack, r->index, &info) != GANTRY_OK)
        return;
    FILE *out = p->out;
    p->out = p->held;
    rewind(p->held);
    print_record(p, file, line, r, event);
    p->out = out;
    if (fflush(p->held) != 0)
        return;
    int64_t ns = 0;
    int has_time = gmo_event_time(event, &ns) == 0;
    gmo_timeline_add(p->timeline, has_time, ns, (size_t)(r - p->rules), (int)info.level,
                     p->held_data, p->held_size);
}

void gmo_print_match(gmo_printer *p, const char *file, uint64_t line, size_t rule,
                     const cJSON *event) {
    if (p->options.count_only)
        return;
    if (p->timeline)
        hold_record(p, file, line, &p->rules[rule], event);
    else
        print_record(p, file, line, &p->rules[rule], event);
}

static int rule_info(void *user, size_t rule, gantry_rule_info *info) {
    const gmo_printer *p = user;
    if (rule >= p->rule_count)
        return -1;
    return gantry_pack_rule_info(p->rules[rule].pack, p->rules[rule].index, info) == GANTRY_OK ? 0
                                                                                               : -1;
}

int gmo_finish_timeline(gmo_printer *p, FILE *summary_out) {
    if (!p->timeline)
        return 0;
    if (gmo_timeline_over(p->timeline))
        return 1;
    if (gmo_timeline_write(p->timeline, p->out) != 0)
        return -1;
    FILE *to = p->options.format == GMO_TEXT ? p->out : summary_out;
    return to ? gmo_timeline_summary(p->timeline, to, rule_info, p) : 0;
}

/* --count order: most matches first, then the higher level, then rule order. */
typedef struct count_row {
    uint64_t count;
    int level;
    size_t rule;
} count_row;

static int by_count_then_level(const void *a, const void *b) {
    const count_row *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->level != y->level)
        return x->level > y->level ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

int gmo_print_counts(gmo_printer *p, const gmo_stats *stats) {
    count_row *rows = calloc(stats->rule_count ? stats->rule_count : 1, sizeof *rows);
    if (!rows)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < stats->rule_count && i < p->rule_count; i++) {
        gantry_rule_info info;
        if (stats->per_rule[i] &&
            gantry_pack_rule_info(p->rules[i].pack, p->rules[i].index, &info) == GANTRY_OK)
            rows[n++] = (count_row){stats->per_rule[i], (int)info.level, i};
    }
    qsort(rows, n, sizeof *rows, by_count_then_level);
    for (size_t k = 0; k < n; k++) {
        const gmo_rule *r = &p->rules[rows[k].rule];
        gantry_rule_info info;
        gantry_pack_rule_info(r->pack, r->index, &info);
        if (p->options.format != GMO_TEXT)
            fprintf(p->out, "{\"rule\":%s,\"count\":%llu}\n", r->json,
                    (unsigned long long)rows[k].count);
        else
            fprintf(p->out, "%10llu  %-13s %s  [%s]\n", (unsigned long long)rows[k].count,
                    gantry_level_name(info.level), info.title, info.id);
    }
    free(rows);
    return 0;
}

void gmo_print_summary(const gmo_stats *s, FILE *out) {
    size_t rules_hit = 0;
    for (size_t i = 0; i < s->rule_count; i++)
        rules_hit += s->per_rule[i] != 0;
    double rate = s->seconds > 0 ? (double)s->events / s->seconds : 0;
    fprintf(out,
            "gantry: %llu lines (%llu events, %llu blank, %llu malformed, %llu joined) in %llu "
            "files; %llu matches in %llu events by %zu rules; %.2f s, %.0f events/s\n",
            (unsigned long long)s->lines, (unsigned long long)s->events,
            (unsigned long long)s->blank, (unsigned long long)s->malformed,
            (unsigned long long)s->joined, (unsigned long long)s->files,
            (unsigned long long)s->matches, (unsigned long long)s->matched_events, rules_hit,
            s->seconds, rate);
}

int gmo_write_stats(const char *path, const gmo_printer *p, const gmo_stats *s) {
    cJSON *o = cJSON_CreateObject();
    cJSON *per_rule = cJSON_CreateObject();
    if (!o || !per_rule) {
        cJSON_Delete(o);
        cJSON_Delete(per_rule);
        errno = ENOMEM;
        return -1;
    }
    cJSON_AddNumberToObject(o, "files", (double)s->files);
    cJSON_AddNumberToObject(o, "lines", (double)s->lines);
    cJSON_AddNumberToObject(o, "events", (double)s->events);
    cJSON_AddNumberToObject(o, "blank", (double)s->blank);
    cJSON_AddNumberToObject(o, "malformed", (double)s->malformed);
    cJSON_AddNumberToObject(o, "joined", (double)s->joined);
    cJSON_AddNumberToObject(o, "unpacked", (double)s->unpacked);
    cJSON_AddNumberToObject(o, "unpacked_malformed", (double)s->unpacked_malformed);
    cJSON_AddNumberToObject(o, "out_of_order", (double)s->out_of_order);
    cJSON_AddNumberToObject(o, "matched_events", (double)s->matched_events);
    cJSON_AddNumberToObject(o, "matches", (double)s->matches);
    cJSON_AddNumberToObject(o, "regex_limit_errors", (double)s->regex_limit);
    cJSON_AddNumberToObject(o, "match_errors", (double)s->match_errors);
    cJSON_AddNumberToObject(o, "outside_window", (double)s->outside_window);
    cJSON_AddNumberToObject(o, "excluded", (double)s->excluded);
    cJSON_AddNumberToObject(o, "bytes", (double)s->bytes);
    cJSON_AddNumberToObject(o, "seconds", s->seconds);
    cJSON_AddNumberToObject(o, "events_per_second",
                            s->seconds > 0 ? (double)s->events / s->seconds : 0);
    cJSON_AddNumberToObject(o, "pack_load_seconds", s->load_seconds);
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) == 0)
        cJSON_AddNumberToObject(o, "max_rss_kb", (double)usage.ru_maxrss);
    for (size_t i = 0; i < s->rule_count && i < p->rule_count; i++) {
        gantry_rule_info info;
        if (s->per_rule[i] &&
            gantry_pack_rule_info(p->rules[i].pack, p->rules[i].index, &info) == GANTRY_OK)
            cJSON_AddNumberToObject(per_rule, info.id, (double)s->per_rule[i]);
    }
    cJSON_AddItemToObject(o, "per_rule", per_rule);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text) {
        errno = ENOMEM;
        return -1;
    }
    FILE *f = fopen(path, "w");
    int rc = -1;
    if (f) {
        int ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
        rc = (fclose(f) == 0 && ok) ? 0 : -1;
    }
    cJSON_free(text);
    return rc;
}

int gmo_render_match(gmo_printer *p, gmo_buffer *buf, uint64_t line, size_t rule,
                     const cJSON *event) {
    const gmo_rule *r = &p->rules[rule];
    cJSON *fields = event_part(p, r, event);
    char *event_text = cJSON_PrintUnformatted(fields ? fields : event);
    cJSON_Delete(fields);
    int rc = -1;
    for (int attempt = 0; attempt < 2; attempt++) {
        /* Same format as gmo_print_match, so both outputs stay byte-identical. */
        int n =
            snprintf(buf->data, buf->cap, "{\"file\":%s,\"line\":%llu,\"rule\":%s,\"event\":%s}\n",
                     p->file_json ? p->file_json : "null", (unsigned long long)line, r->json,
                     event_text ? event_text : "null");
        if (n < 0)
            break;
        if ((size_t)n < buf->cap) {
            buf->len = (size_t)n;
            rc = 0;
            break;
        }
        size_t cap = (size_t)n + 1 > 2 * buf->cap ? (size_t)n + 1 : 2 * buf->cap;
        char *grown = realloc(buf->data, cap);
        if (!grown)
            break;
        buf->data = grown;
        buf->cap = cap;
    }
    cJSON_free(event_text);
    return rc;
}
