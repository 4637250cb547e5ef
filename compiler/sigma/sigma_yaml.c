/* SPDX-License-Identifier: Apache-2.0 */
/* libyaml events -> a small node tree with positions, scalars typed the way
 * PyYAML's YAML 1.1 resolver types them (pySigma loads rules with
 * yaml.safe_load_all), so `0x17` is 23 and `yes` is true exactly as there. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "sigma_internal.h"
#include "hexdigit.h"
#include "numtext.h"

/* YAML nesting deeper than this is refused rather than recursed into. */
#define GSIGMA_MAX_YAML_DEPTH 128
/* Aliases are expanded into copies; this bounds the nodes all copies of one
 * file may add, so an alias bomb ("billion laughs") is an error. */
#define GSIGMA_MAX_ALIAS_NODES 1000000u

char *gsigma_strdup(const char *s) {
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

gast_loc gsigma_loc(const char *file, const gsigma_node *node) {
    gast_loc loc = {file, node ? node->line : 1, node ? node->col : 1, 1};
    if (node && node->kind == GSIGMA_SCALAR && node->text)
        loc.len = node->text[0] ? (int)strlen(node->text) : 1;
    return loc;
}

void gsigma_node_free(gsigma_node *node) {
    if (!node)
        return;
    free(node->text);
    free(node->num_text);
    for (size_t i = 0; i < node->count; i++) {
        if (node->keys)
            gsigma_node_free(node->keys[i]);
        gsigma_node_free(node->items[i]);
    }
    free(node->keys);
    free(node->items);
    free(node);
}

void gsigma_yaml_file_free(gsigma_yaml_file *file) {
    for (size_t i = 0; i < file->doc_count; i++)
        gsigma_node_free(file->docs[i]);
    free(file->docs);
    file->docs = NULL;
    file->doc_count = file->doc_cap = 0;
}

static bool node_append(gsigma_node *parent, gsigma_node *key, gsigma_node *item) {
    if (parent->count == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        gsigma_node **items = realloc(parent->items, cap * sizeof *items);
        if (!items)
            return false;
        parent->items = items;
        if (parent->kind == GSIGMA_MAP) {
            gsigma_node **keys = realloc(parent->keys, cap * sizeof *keys);
            if (!keys)
                return false;
            parent->keys = keys;
        }
        parent->cap = cap;
    }
    if (parent->kind == GSIGMA_MAP)
        parent->keys[parent->count] = key;
    parent->items[parent->count++] = item;
    return true;
}

gsigma_node *gsigma_node_copy(const gsigma_node *node) {
    gsigma_node *copy = calloc(1, sizeof *copy);
    if (!copy)
        return NULL;
    *copy = *node;
    copy->text = NULL;
    copy->num_text = NULL;
    copy->keys = copy->items = NULL;
    copy->count = copy->cap = 0;
    if ((node->text && !(copy->text = gsigma_strdup(node->text))) ||
        (node->num_text && !(copy->num_text = gsigma_strdup(node->num_text))))
        goto fail;
    for (size_t i = 0; i < node->count; i++) {
        gsigma_node *key = NULL, *item = gsigma_node_copy(node->items[i]);
        if (!item)
            goto fail;
        if (node->kind == GSIGMA_MAP && !(key = gsigma_node_copy(node->keys[i]))) {
            gsigma_node_free(item);
            goto fail;
        }
        if (!node_append(copy, key, item)) {
            gsigma_node_free(key);
            gsigma_node_free(item);
            goto fail;
        }
    }
    return copy;
fail:
    gsigma_node_free(copy);
    return NULL;
}

gsigma_node *gsigma_map_get(const gsigma_node *map, const char *key) {
    if (!map || map->kind != GSIGMA_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (map->keys[i]->kind == GSIGMA_SCALAR && strcmp(map->keys[i]->text, key) == 0)
            return map->items[i];
    return NULL;
}

bool gsigma_node_merge(gsigma_node *into, const gsigma_node *from) {
    for (size_t i = 0; i < from->count; i++) {
        const gsigma_node *key = from->keys[i], *value = from->items[i];
        size_t j = 0;
        while (j < into->count &&
               !(into->keys[j]->kind == GSIGMA_SCALAR && key->kind == GSIGMA_SCALAR &&
                 strcmp(into->keys[j]->text, key->text) == 0))
            j++;
        if (j < into->count && into->items[j]->kind == GSIGMA_MAP && value->kind == GSIGMA_MAP) {
            if (!gsigma_node_merge(into->items[j], value))
                return false;
            continue;
        }
        gsigma_node *copy = gsigma_node_copy(value);
        if (!copy)
            return false;
        if (j < into->count) {
            gsigma_node_free(into->items[j]);
            into->items[j] = copy;
            continue;
        }
        gsigma_node *key_copy = gsigma_node_copy(key);
        if (!key_copy || !node_append(into, key_copy, copy)) {
            gsigma_node_free(key_copy);
            gsigma_node_free(copy);
            return false;
        }
    }
    return true;
}

/* ---- YAML 1.1 scalar resolution (PyYAML's implicit resolvers) ---- */

static bool is_one_of(const char *s, const char *const *words) {
    for (; *words; words++)
        if (strcmp(s, *words) == 0)
            return true;
    return false;
}

/* Digits of `base` and underscores, at least one digit. */
static bool digits_only(const char *s, int base) {
    bool any = false;
    for (; *s; s++) {
        if (*s == '_')
            continue;
        int c = tolower((unsigned char)*s);
        int v = grt_hex_digit(c) < 0 ? 99 : grt_hex_digit(c);
        if (v >= base)
            return false;
        any = true;
    }
    return any;
}

/* Accumulate digits (skipping `_`) into a double; exact below 2^53. */
static double digits_value(const char *s, int base) {
    double v = 0;
    for (; *s; s++) {
        if (*s == '_')
            continue;
        int c = tolower((unsigned char)*s);
        v = v * base + grt_hex_digit(c);
    }
    return v;
}

/* Sexagesimal `1:30:15` (base 60 after the first part). */
static bool sexagesimal(const char *s, bool fractional, double *out) {
    if (!isdigit((unsigned char)*s))
        return false;
    const char *colon = strchr(s, ':');
    if (!colon)
        return false;
    double v = 0;
    const char *p = s;
    bool first = true;
    while (*p) {
        const char *end = p;
        while (*end && *end != ':')
            end++;
        size_t n = (size_t)(end - p);
        char part[64];
        if (n == 0 || n >= sizeof part)
            return false;
        memcpy(part, p, n);
        part[n] = 0;
        bool last = *end == 0;
        if (last && fractional) {
            char *dot = strchr(part, '.');
            if (!dot)
                return false;
            *dot = 0;
            if (!digits_only(part, 10) || strlen(part) > 2)
                return false;
            for (char *q = dot + 1; *q; q++)
                if (!isdigit((unsigned char)*q) && *q != '_')
                    return false;
            char frac[64];
            size_t k = 0;
            frac[k++] = '0';
            frac[k++] = '.';
            for (char *q = dot + 1; *q && k + 1 < sizeof frac; q++)
                if (*q != '_')
                    frac[k++] = *q;
            frac[k] = 0;
            v = v * 60 + digits_value(part, 10) + strtod(frac, NULL);
        } else {
            if (!digits_only(part, 10))
                return false;
            if (!first && (strlen(part) > 2 || (strlen(part) == 2 && part[0] > '5')))
                return false;
            v = first ? digits_value(part, 10) : v * 60 + digits_value(part, 10);
        }
        first = false;
        p = last ? end : end + 1;
        if (!last && !*p)
            return false;
    }
    *out = v;
    return true;
}

static bool resolve_int(const char *s, double *out) {
    int sign = 1;
    if (*s == '-' || *s == '+') {
        sign = *s == '-' ? -1 : 1;
        s++;
    }
    if (!*s)
        return false;
    double v;
    if (s[0] == '0' && s[1] == 'b') {
        if (!digits_only(s + 2, 2))
            return false;
        v = digits_value(s + 2, 2);
    } else if (s[0] == '0' && s[1] == 'x') {
        if (!digits_only(s + 2, 16))
            return false;
        v = digits_value(s + 2, 16);
    } else if (s[0] == '0' && s[1]) {
        if (!digits_only(s + 1, 8))
            return false;
        v = digits_value(s + 1, 8);
    } else if (s[0] == '0') {
        v = 0;
    } else if (isdigit((unsigned char)s[0]) && digits_only(s, 10)) {
        v = digits_value(s, 10);
    } else if (!(s[0] >= '1' && s[0] <= '9' && sexagesimal(s, false, &v))) {
        return false;
    }
    *out = sign * v;
    return true;
}

static bool resolve_float(const char *s, double *out) {
    int sign = 1;
    const char *body = s;
    if (*body == '-' || *body == '+') {
        sign = *body == '-' ? -1 : 1;
        body++;
    }
    static const char *const inf[] = {".inf", ".Inf", ".INF", NULL};
    static const char *const nan_words[] = {".nan", ".NaN", ".NAN", NULL};
    if (is_one_of(body, inf)) {
        *out = sign * INFINITY;
        return true;
    }
    if (body == s && is_one_of(body, nan_words)) {
        *out = NAN;
        return true;
    }
    if (isdigit((unsigned char)*body) && sexagesimal(body, true, out)) {
        *out *= sign;
        return true;
    }
    /* [0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?  or  \.[0-9_]+([eE][-+][0-9]+)? (unsigned) */
    const char *p = body;
    bool int_digits = false, frac_digits = false;
    while (isdigit((unsigned char)*p) || (*p == '_' && int_digits)) {
        int_digits = true;
        p++;
    }
    if (*p != '.')
        return false;
    if (!int_digits && body != s)
        return false;
    p++;
    while (isdigit((unsigned char)*p) || *p == '_') {
        frac_digits |= *p != '_';
        p++;
    }
    if (!int_digits && !frac_digits)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p != '-' && *p != '+')
            return false;
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p)
        return false;
    char buf[128];
    size_t k = 0;
    for (const char *q = s; *q && k + 1 < sizeof buf; q++)
        if (*q != '_')
            buf[k++] = *q;
    buf[k] = 0;
    *out = strtod(buf, NULL);
    return true;
}

/* Shortest decimal text that reads back as `v`; integral values print as
 * integers (pySigma's SigmaNumber keeps integral floats as int). */
static char *number_text(double v) {
    char buf[64];
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e18)
        snprintf(buf, sizeof buf, "%.0f", v);
    else
        grt_number_text(v, buf, sizeof buf);
    return gsigma_strdup(buf);
}

static void resolve_plain(gsigma_node *node) {
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"yes",  "Yes", "YES", "true", "True",
                                        "TRUE", "on",  "On",  "ON",   NULL};
    static const char *const falses[] = {"no",    "No",  "NO",  "false", "False",
                                         "FALSE", "off", "Off", "OFF",   NULL};
    const char *s = node->text;
    double v;
    if (is_one_of(s, nulls)) {
        node->type = GSIGMA_NULL;
    } else if (is_one_of(s, trues) || is_one_of(s, falses)) {
        node->type = GSIGMA_BOOL;
        node->boolean = is_one_of(s, trues);
    } else if (resolve_int(s, &v)) {
        node->type = GSIGMA_INT;
        node->number = v;
    } else if (resolve_float(s, &v)) {
        node->type = GSIGMA_FLOAT;
        node->number = v;
    }
}

/* ---- event-driven tree builder ---- */

typedef struct anchor {
    char *name;
    gsigma_node *node; /* a copy, owned here */
} anchor;

typedef struct builder {
    yaml_parser_t parser;
    const char *file;
    gdiag_sink *diag;
    int errors;
    bool oom;
    anchor *anchors;
    size_t anchor_count, anchor_cap;
    size_t alias_nodes; /* nodes added by alias expansion so far */
} builder;

static size_t node_count(const gsigma_node *node, size_t limit) {
    size_t n = 1;
    for (size_t i = 0; i < node->count && n <= limit; i++)
        n += node_count(node->items[i], limit) + (node->keys ? 1 : 0);
    return n;
}

static void report(builder *b, int line, int col, const char *code, const char *msg,
                   const char *detail) {
    gast_loc loc = {b->file, line, col, 1};
    gdiag_report(b->diag, GDIAG_ERROR, code, loc, "%s%s%s", msg, detail ? ": " : "",
                 detail ? detail : "");
    b->errors++;
}

static void report_parser(builder *b) {
    const yaml_mark_t *mark = b->parser.problem_mark.line || b->parser.problem_mark.column
                                  ? &b->parser.problem_mark
                                  : &b->parser.context_mark;
    char msg[512];
    snprintf(msg, sizeof msg, "%s%s%s", b->parser.problem ? b->parser.problem : "YAML error",
             b->parser.context ? " " : "", b->parser.context ? b->parser.context : "");
    report(b, (int)mark->line + 1, (int)mark->column + 1, "E101", "YAML syntax error", msg);
}

static bool remember_anchor(builder *b, const yaml_char_t *name, const gsigma_node *node) {
    if (!name)
        return true;
    if (b->anchor_count == b->anchor_cap) {
        size_t cap = b->anchor_cap ? b->anchor_cap * 2 : 8;
        anchor *grown = realloc(b->anchors, cap * sizeof *grown);
        if (!grown)
            return false;
        b->anchors = grown;
        b->anchor_cap = cap;
    }
    anchor *a = &b->anchors[b->anchor_count];
    a->name = gsigma_strdup((const char *)name);
    a->node = gsigma_node_copy(node);
    if (!a->name || !a->node) {
        free(a->name);
        gsigma_node_free(a->node);
        return false;
    }
    b->anchor_count++;
    return true;
}

static gsigma_node *new_node(gsigma_node_kind kind, const yaml_mark_t *mark) {
    gsigma_node *node = calloc(1, sizeof *node);
    if (node) {
        node->kind = kind;
        node->line = (int)mark->line + 1;
        node->col = (int)mark->column + 1;
    }
    return node;
}

static gsigma_node *scalar_node(builder *b, const yaml_event_t *ev) {
    gsigma_node *node = new_node(GSIGMA_SCALAR, &ev->start_mark);
    if (!node)
        return NULL;
    size_t len = ev->data.scalar.length;
    node->text = malloc(len + 1);
    if (!node->text) {
        free(node);
        return NULL;
    }
    memcpy(node->text, ev->data.scalar.value, len);
    node->text[len] = 0;
    if (memchr(node->text, 0, len))
        report(b, node->line, node->col, "E101", "YAML scalar contains a NUL character", NULL);
    const char *tag = (const char *)ev->data.scalar.tag;
    node->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    node->type = GSIGMA_STR;
    if (tag && strcmp(tag, "!") != 0) {
        node->quoted = true; /* an explicit tag decides; only str is honoured */
        if (strcmp(tag, YAML_STR_TAG) != 0)
            report(b, node->line, node->col, "E101", "unsupported YAML tag", tag);
    } else if (!node->quoted) {
        resolve_plain(node);
        if ((node->type == GSIGMA_INT || node->type == GSIGMA_FLOAT) &&
            !(node->num_text = number_text(node->number))) {
            gsigma_node_free(node);
            return NULL;
        }
    }
    return node;
}

static gsigma_node *build_node(builder *b, yaml_event_t *ev, int depth);

/* Read events up to the end of the collection opened by `ev`. */
static gsigma_node *build_collection(builder *b, yaml_event_t *ev, int depth) {
    bool is_map = ev->type == YAML_MAPPING_START_EVENT;
    gsigma_node *node = new_node(is_map ? GSIGMA_MAP : GSIGMA_SEQ, &ev->start_mark);
    if (!node) {
        b->oom = true;
        return NULL;
    }
    yaml_char_t *anchor_name =
        is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    char *saved_anchor = anchor_name ? gsigma_strdup((const char *)anchor_name) : NULL;
    if (anchor_name && !saved_anchor) {
        b->oom = true;
        gsigma_node_free(node);
        return NULL;
    }
    if (depth > GSIGMA_MAX_YAML_DEPTH) {
        report(b, node->line, node->col, "E101", "YAML nesting too deep", NULL);
        goto fail;
    }
    for (;;) {
        yaml_event_t child;
        if (!yaml_parser_parse(&b->parser, &child)) {
            report_parser(b);
            goto fail;
        }
        if (child.type == YAML_MAPPING_END_EVENT || child.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&child);
            break;
        }
        gsigma_node *key = NULL;
        if (is_map) {
            key = build_node(b, &child, depth + 1);
            yaml_event_delete(&child);
            if (!key)
                goto fail;
            if (key->kind != GSIGMA_SCALAR) {
                report(b, key->line, key->col, "E101", "a map key must be a scalar", NULL);
                gsigma_node_free(key);
                goto fail;
            }
            if (gsigma_map_get(node, key->text)) {
                char msg[256];
                snprintf(msg, sizeof msg, "duplicate key '%.200s'", key->text);
                report(b, key->line, key->col, "E102", msg, NULL);
            }
            if (!yaml_parser_parse(&b->parser, &child)) {
                report_parser(b);
                gsigma_node_free(key);
                goto fail;
            }
        }
        gsigma_node *item = build_node(b, &child, depth + 1);
        yaml_event_delete(&child);
        if (!item || !node_append(node, key, item)) {
            b->oom |= item != NULL;
            gsigma_node_free(key);
            gsigma_node_free(item);
            goto fail;
        }
    }
    if (saved_anchor && !remember_anchor(b, (const yaml_char_t *)saved_anchor, node)) {
        b->oom = true;
        goto fail;
    }
    free(saved_anchor);
    return node;
fail:
    free(saved_anchor);
    gsigma_node_free(node);
    return NULL;
}

/* Build the node that starts with `ev` (consumed by the caller). NULL on
 * error (reported) or allocation failure (b->oom). */
static gsigma_node *build_node(builder *b, yaml_event_t *ev, int depth) {
    gsigma_node *node = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        node = scalar_node(b, ev);
        if (!node)
            b->oom = true;
        else if (!remember_anchor(b, ev->data.scalar.anchor, node))
            b->oom = true;
        return node;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        return build_collection(b, ev, depth);
    case YAML_ALIAS_EVENT:
        for (size_t i = b->anchor_count; i-- > 0;)
            if (strcmp(b->anchors[i].name, (const char *)ev->data.alias.anchor) == 0) {
                b->alias_nodes += node_count(b->anchors[i].node, GSIGMA_MAX_ALIAS_NODES);
                if (b->alias_nodes > GSIGMA_MAX_ALIAS_NODES) {
                    report(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1, "E101",
                           "YAML aliases expand to too many nodes", NULL);
                    return NULL;
                }
                node = gsigma_node_copy(b->anchors[i].node);
                if (!node)
                    b->oom = true;
                return node;
            }
        report(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1, "E101",
               "unknown YAML alias", (const char *)ev->data.alias.anchor);
        return NULL;
    default:
        report(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1, "E101",
               "unexpected YAML event", NULL);
        return NULL;
    }
}

int gsigma_yaml_parse(const char *text, size_t len, const char *file, gdiag_sink *diag,
                      gsigma_yaml_file *out) {
    builder b = {.file = file, .diag = diag};
    if (!yaml_parser_initialize(&b.parser))
        return -1;
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&b.parser, &ev)) {
            report_parser(&b);
            break;
        }
        yaml_event_type_t type = ev.type;
        if (type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (type == YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&ev);
            yaml_event_t root;
            if (!yaml_parser_parse(&b.parser, &root)) {
                report_parser(&b);
                break;
            }
            gsigma_node *doc = build_node(&b, &root, 0);
            yaml_event_delete(&root);
            if (!doc)
                break;
            if (!gast_push(&out->docs, &out->doc_count, &out->doc_cap, doc)) {
                gsigma_node_free(doc);
                b.oom = true;
                break;
            }
            yaml_event_t end;
            if (!yaml_parser_parse(&b.parser, &end)) {
                report_parser(&b);
                break;
            }
            yaml_event_delete(&end);
            continue;
        }
        yaml_event_delete(&ev);
    }
    for (size_t i = 0; i < b.anchor_count; i++) {
        free(b.anchors[i].name);
        gsigma_node_free(b.anchors[i].node);
    }
    free(b.anchors);
    yaml_parser_delete(&b.parser);
    return b.oom ? -1 : b.errors;
}
