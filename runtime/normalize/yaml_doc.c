/* SPDX-License-Identifier: Apache-2.0 */
/* YAML manifests (Kubernetes Dashboard uploads) turned into cJSON values, so
 * the pod-spec walk reads them like an audit requestObject.
 *
 * Scalars are resolved the way Kubernetes reads manifests (sigs.k8s.io/yaml
 * over go-yaml v2, YAML 1.1 rules): plain `true/yes/on/y` in any of their
 * usual cases are true, `false/no/off/n` false, `~`/`null`/empty null,
 * integers (0x hex, leading-0 octal) and decimals numbers; quoted scalars and
 * `!!str` stay strings. Aliases are expanded and `<<` merge keys applied, since
 * either can carry a securityContext out of sight of a text search.
 *
 * libyaml's event parser is used, so memory follows what is built: every
 * value (alias expansions included) counts against GANTRY_MAX_YAML_NODES,
 * which is what stops an alias bomb. Module prefix: gnorm_. */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "gantry_limits.h"
#include "normalize.h"

typedef struct frame {
    cJSON *node; /* object or array under construction */
    char *key;   /* objects: the key waiting for its value */
} frame;

typedef struct anchor {
    char *name;
    const cJSON *node;
} anchor;

typedef struct builder {
    frame stack[GANTRY_MAX_YAML_DEPTH];
    size_t depth;
    cJSON *root;      /* the finished root of the current document */
    cJSON *graveyard; /* values an anchor may still point at */
    anchor *anchors;
    size_t nanchors, anchors_cap;
    size_t nodes, aliases, documents;
    const char *error; /* not YAML, or a limit stopped the parse */
    int nomem;
} builder;

static int charge(builder *b, size_t n) {
    if (b->nodes + n > GANTRY_MAX_YAML_NODES) {
        b->error = "manifest: more than GANTRY_MAX_YAML_NODES values";
        return 0;
    }
    b->nodes += n;
    return 1;
}

static size_t count_nodes(const cJSON *v, size_t limit) {
    size_t n = 1;
    for (const cJSON *c = v->child; c && n <= limit; c = c->next)
        n += count_nodes(c, limit - n + 1);
    return n;
}

static void bury(builder *b, cJSON *v) {
    if (v)
        cJSON_AddItemToArray(b->graveyard, v);
}

static void forget_anchors(builder *b) {
    for (size_t i = 0; i < b->nanchors; i++)
        free(b->anchors[i].name);
    b->nanchors = 0;
}

static int remember(builder *b, const yaml_char_t *name, const cJSON *node) {
    if (!name)
        return 1;
    for (size_t i = 0; i < b->nanchors; i++)
        if (strcmp(b->anchors[i].name, (const char *)name) == 0) {
            b->anchors[i].node = node; /* a redefined anchor: the later one counts */
            return 1;
        }
    if (b->nanchors == b->anchors_cap) {
        size_t cap = b->anchors_cap ? b->anchors_cap * 2 : 8;
        anchor *a = realloc(b->anchors, cap * sizeof *a);
        if (!a)
            return 0;
        b->anchors = a;
        b->anchors_cap = cap;
    }
    char *copy = strdup((const char *)name);
    if (!copy)
        return 0;
    b->anchors[b->nanchors].name = copy;
    b->anchors[b->nanchors++].node = node;
    return 1;
}

static int merge_map(builder *b, cJSON *obj, const cJSON *m) {
    if (!cJSON_IsObject(m))
        return 1;
    for (const cJSON *c = m->child; c; c = c->next) {
        if (cJSON_GetObjectItemCaseSensitive(obj, c->string))
            continue;
        if (!charge(b, count_nodes(c, GANTRY_MAX_YAML_NODES)))
            return 0;
        cJSON *copy = cJSON_Duplicate(c, 1);
        if (!copy || !cJSON_AddItemToObject(obj, c->string, copy)) {
            cJSON_Delete(copy);
            return 0;
        }
    }
    return 1;
}

/* `<<: {map}` or `<<: [{map}, ...]`: the keys the mapping does not have yet. */
static int merge_into(builder *b, cJSON *obj, const cJSON *src) {
    if (!cJSON_IsArray(src))
        return merge_map(b, obj, src);
    for (const cJSON *m = src->child; m; m = m->next)
        if (!merge_map(b, obj, m))
            return 0;
    return 1;
}

/* Puts a finished value into its parent (or makes it the document root). */
static int place(builder *b, cJSON *v) {
    if (b->depth == 0) {
        cJSON_Delete(b->root);
        b->root = v;
        return 1;
    }
    frame *f = &b->stack[b->depth - 1];
    if (cJSON_IsArray(f->node)) {
        cJSON_AddItemToArray(f->node, v);
        return 1;
    }
    char *key = f->key;
    f->key = NULL;
    int ok = 1;
    if (strcmp(key, "<<") == 0) {
        ok = merge_into(b, f->node, v);
        bury(b, v);
    } else {
        /* A repeated key: the later value counts (the earlier one may be an
         * anchor's target, so it is kept aside, not freed). */
        bury(b, cJSON_DetachItemFromObjectCaseSensitive(f->node, key));
        ok = cJSON_AddItemToObject(f->node, key, v) != 0;
        if (!ok)
            cJSON_Delete(v);
    }
    free(key);
    return ok;
}

static int expecting_key(const builder *b) {
    return b->depth > 0 && cJSON_IsObject(b->stack[b->depth - 1].node) &&
           !b->stack[b->depth - 1].key;
}

static int word_in(const char *s, const char *const *words) {
    for (size_t i = 0; words[i]; i++)
        if (strcmp(s, words[i]) == 0)
            return 1;
    return 0;
}

/* A plain scalar as go-yaml v2 resolves it. */
static cJSON *resolve_plain(const char *s, size_t len) {
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                        "True", "TRUE", "on",  "On",  "ON",  NULL};
    static const char *const falses[] = {"n",     "N",     "no",  "No",  "NO",  "false",
                                         "False", "FALSE", "off", "Off", "OFF", NULL};
    if (word_in(s, nulls))
        return cJSON_CreateNull();
    if (word_in(s, trues))
        return cJSON_CreateTrue();
    if (word_in(s, falses))
        return cJSON_CreateFalse();
    if (len && len < 64 && strchr("+-.0123456789", s[0])) {
        char *end = NULL;
        long long i = strtoll(s, &end, 0);
        if (end == s + len)
            return cJSON_CreateNumber((double)i);
        double d = strtod(s, &end);
        if (end == s + len && !strchr(s, 'x') && !strchr(s, 'X'))
            return cJSON_CreateNumber(d);
    }
    return cJSON_CreateString(s);
}

static int on_scalar(builder *b, const yaml_event_t *e) {
    const char *text = (const char *)e->data.scalar.value;
    if (!charge(b, 1))
        return 0;
    if (expecting_key(b)) {
        char *key = strdup(text);
        if (!key)
            return 0;
        b->stack[b->depth - 1].key = key;
        return 1;
    }
    const char *tag = (const char *)e->data.scalar.tag;
    int plain =
        e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !(tag && strcmp(tag, YAML_STR_TAG) == 0);
    cJSON *v = plain ? resolve_plain(text, e->data.scalar.length) : cJSON_CreateString(text);
    if (!v || !remember(b, e->data.scalar.anchor, v)) {
        cJSON_Delete(v);
        return 0;
    }
    return place(b, v);
}

static int on_alias(builder *b, const yaml_event_t *e) {
    if (++b->aliases > GANTRY_MAX_YAML_ALIASES) {
        b->error = "manifest: more than GANTRY_MAX_YAML_ALIASES aliases";
        return 0;
    }
    const cJSON *target = NULL;
    for (size_t i = 0; i < b->nanchors; i++)
        if (strcmp(b->anchors[i].name, (const char *)e->data.alias.anchor) == 0)
            target = b->anchors[i].node;
    if (!target) {
        b->error = "manifest: alias to an unknown anchor";
        return 0;
    }
    if (expecting_key(b)) {
        b->error = "manifest: alias used as a mapping key";
        return 0;
    }
    if (!charge(b, count_nodes(target, GANTRY_MAX_YAML_NODES)))
        return 0;
    cJSON *copy = cJSON_Duplicate(target, 1);
    return copy && place(b, copy);
}

static int on_start(builder *b, cJSON *node, const yaml_char_t *anchor_name) {
    if (!node)
        return 0;
    if (expecting_key(b)) {
        cJSON_Delete(node);
        b->error = "manifest: a mapping key that is not a scalar";
        return 0;
    }
    if (b->depth == GANTRY_MAX_YAML_DEPTH) {
        cJSON_Delete(node);
        b->error = "manifest: nested deeper than GANTRY_MAX_YAML_DEPTH";
        return 0;
    }
    if (!charge(b, 1) || !remember(b, anchor_name, node)) {
        cJSON_Delete(node);
        return 0;
    }
    b->stack[b->depth].node = node;
    b->stack[b->depth++].key = NULL;
    return 1;
}

static int on_end(builder *b) {
    if (b->depth == 0)
        return 1;
    frame f = b->stack[--b->depth];
    free(f.key);
    return place(b, f.node);
}

/* One parser event; 0 stops the parse (b->error says why, else no memory). */
static int on_event(builder *b, cJSON *docs, const yaml_event_t *e) {
    switch (e->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (b->documents++ == GANTRY_MAX_YAML_DOCUMENTS) {
            b->error = "manifest: more than GANTRY_MAX_YAML_DOCUMENTS documents";
            return 0;
        }
        forget_anchors(b);
        return 1;
    case YAML_DOCUMENT_END_EVENT:
        if (b->root)
            cJSON_AddItemToArray(docs, b->root);
        b->root = NULL;
        return 1;
    case YAML_SCALAR_EVENT:
        return on_scalar(b, e);
    case YAML_ALIAS_EVENT:
        return on_alias(b, e);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, cJSON_CreateArray(), e->data.sequence_start.anchor);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, cJSON_CreateObject(), e->data.mapping_start.anchor);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(b);
    default:
        return 1;
    }
}

gantry_status gnorm_yaml_documents(const char *text, size_t len, cJSON **out, const char **error) {
    *error = NULL;
    *out = NULL;
    int nomem = 0;
    cJSON *docs = cJSON_CreateArray();
    builder *b = calloc(1, sizeof *b);
    yaml_parser_t parser;
    int parser_ok = 0;
    if (!docs || !b || !(b->graveyard = cJSON_CreateArray()) ||
        !(parser_ok = yaml_parser_initialize(&parser))) {
        cJSON_Delete(docs);
        docs = NULL;
        goto done;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    for (;;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            b->error = "manifest is not valid YAML";
            break;
        }
        int ok = on_event(b, docs, &e);
        int end = e.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&e);
        if (!ok) {
            if (!b->error)
                b->nomem = 1;
            break;
        }
        if (end)
            break;
    }
    *error = b->error;
    nomem = b->nomem;
done:
    if (parser_ok)
        yaml_parser_delete(&parser);
    if (b) {
        while (b->depth > 0) {
            frame *f = &b->stack[--b->depth];
            free(f->key);
            cJSON_Delete(f->node);
        }
        cJSON_Delete(b->root);
        cJSON_Delete(b->graveyard);
        forget_anchors(b);
        free(b->anchors);
        free(b);
    }
    if (!docs || nomem) {
        cJSON_Delete(docs);
        return GANTRY_E_NOMEM;
    }
    *out = docs;
    return GANTRY_OK;
}
