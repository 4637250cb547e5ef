#include <cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "match_output.h"

/* A rule of the run: rules are numbered across the packs, pack 0's first. */
typedef struct gmo_rule {
    const gantry_pack *pack;
    uint32_t index; /* in its pack */
    char *json;     /* its "rule" object, printed once up front */
} gmo_rule;

struct gmo_printer {
    gmo_options options;
    FILE *out;
    gmo_rule *rules;
    size_t rule_count;
    size_t *bases; /* per pack: the number of its first rule */
    size_t pack_count;
    char *file_json; /* the current file name as a JSON string */
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
    cJSON_AddItemToObject(o, "id", cJSON_CreateString(info.id));
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
    if (!p->bases || !p->rules) {
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
            cJSON_Delete(o);
            if (!r->json) {
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
    for (size_t i = 0; i < p->rule_count; i++)
        cJSON_free(p->rules[i].json);
    free(p->rules);
    free(p->bases);
    cJSON_free(p->file_json);
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

/* Collects the values at a dotted path, crossing arrays and preferring the
 * longest key that matches (flat normalized keys such as
 * "container.image.name" sit beside nested raw objects). */
static void collect(const cJSON *node, const char *path, cJSON *into, int depth) {
    if (depth > 64)
        return;
    if (cJSON_IsArray(node)) {
        const cJSON *el;
        cJSON_ArrayForEach(el, node) collect(el, path, into, depth + 1);
        return;
    }
    if (*path == '\0') {
        cJSON_AddItemToArray(into, cJSON_Duplicate(node, 1));
        return;
    }
    if (!cJSON_IsObject(node))
        return;
    size_t len = strlen(path);
    for (;;) {
        const cJSON *child;
        cJSON_ArrayForEach(child, node) {
            if (child->string && strlen(child->string) == len &&
                strncmp(child->string, path, len) == 0) {
                collect(child, path[len] ? path + len + 1 : path + len, into, depth + 1);
                return;
            }
        }
        /* Not found: retry with the path cut at its previous dot. */
        while (len > 0 && path[len - 1] != '.')
            len--;
        if (len <= 1)
            return;
        len--;
    }
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
        cJSON *values = cJSON_CreateArray();
        if (!values)
            continue;
        collect(event, name, values, 0);
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

static const char *level_colors[] = {"\033[2m", "\033[36m", "\033[33m", "\033[31m", "\033[1;35m"};

static void print_text(gmo_printer *p, const char *file, uint64_t line, const gmo_rule *r,
                       const cJSON *event) {
    gantry_rule_info info;
    if (gantry_pack_rule_info(r->pack, r->index, &info) != GANTRY_OK)
        return;
    const char *on = p->options.color ? level_colors[info.level] : "";
    const char *off = p->options.color ? "\033[0m" : "";
    fprintf(p->out, "%s%-8s%s %s:%llu  %s  [%s]", on, gantry_level_name(info.level), off, file,
            (unsigned long long)line, info.title, info.id);
    for (size_t t = 0; t < info.tag_count; t++)
        fprintf(p->out, "%s%s", t ? "," : "  ", gantry_pack_rule_tag(r->pack, r->index, t));
    fputc('\n', p->out);
    if (p->options.fields_only) {
        cJSON *fields = read_fields(r->pack, r->index, event);
        char *text = fields ? cJSON_PrintUnformatted(fields) : NULL;
        if (text)
            fprintf(p->out, "         %s\n", text);
        cJSON_free(text);
        cJSON_Delete(fields);
    }
}

void gmo_print_match(gmo_printer *p, const char *file, uint64_t line, size_t rule,
                     const cJSON *event) {
    if (p->options.count_only)
        return;
    const gmo_rule *r = &p->rules[rule];
    if (p->options.format == GMO_TEXT) {
        print_text(p, file, line, r, event);
        return;
    }
    cJSON *fields = p->options.fields_only ? read_fields(r->pack, r->index, event) : NULL;
    char *event_text = cJSON_PrintUnformatted(fields ? fields : event);
    fprintf(p->out, "{\"file\":%s,\"line\":%llu,\"rule\":%s,\"event\":%s}\n",
            p->file_json ? p->file_json : "null", (unsigned long long)line, r->json,
            event_text ? event_text : "null");
    cJSON_free(event_text);
    cJSON_Delete(fields);
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
        if (p->options.format == GMO_JSONL)
            fprintf(p->out, "{\"rule\":%s,\"count\":%llu}\n", r->json,
                    (unsigned long long)rows[k].count);
        else
            fprintf(p->out, "%10llu  %-8s %s  [%s]\n", (unsigned long long)rows[k].count,
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
    cJSON *fields = p->options.fields_only ? read_fields(r->pack, r->index, event) : NULL;
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
