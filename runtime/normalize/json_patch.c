/* SPDX-License-Identifier: Apache-2.0 */
/* JSON patch (RFC 6902) bodies of Kubernetes PATCH requests
 * (`kubectl patch --type=json`). The audit log shows only the operations, not
 * the object they change, so the operations that write a value (`add`,
 * `replace`) are replayed onto an empty object. The result holds exactly what
 * the patch sets, at the place it sets it, and the pod-spec walk reads it
 * like a partial object from a merge patch: `/spec/template/spec/hostPID`
 * with `true` yields the same fields as a create carrying hostPID.
 *
 * `remove` and `test` write nothing; `copy` and `move` take their value from
 * the unseen object, so they are not replayed either (docs/rules.md lists
 * this as a blind spot). */
#include <stdlib.h>
#include <string.h>

#include "gantry_limits.h"
#include "normalize.h"

typedef struct patch_state {
    size_t nodes;      /* values written so far, against GANTRY_MAX_PATCH_NODES */
    const char *error; /* a limit or a malformed operation stopped the replay */
    int nomem;
} patch_state;

typedef struct pointer {
    char tok[GANTRY_MAX_POINTER_TOKENS][GANTRY_MAX_POINTER_TOKEN + 1];
    size_t n;
} pointer;

/* Splits a JSON pointer ("/a/b~1c/0") into unescaped tokens (~1 is '/',
 * ~0 is '~'). Returns a static reason when it is not one or is over a limit. */
static const char *parse_pointer(const char *path, pointer *out) {
    out->n = 0;
    if (path[0] == '\0')
        return NULL; /* the whole document */
    if (path[0] != '/')
        return "JSON patch: path is not a JSON pointer";
    const char *p = path;
    while (*p == '/') {
        p++;
        if (out->n == GANTRY_MAX_POINTER_TOKENS)
            return "JSON patch: path has more than GANTRY_MAX_POINTER_TOKENS tokens";
        char *w = out->tok[out->n];
        size_t len = 0;
        for (; *p && *p != '/'; p++) {
            char c = *p;
            if (c == '~') {
                if (p[1] == '0')
                    c = '~';
                else if (p[1] == '1')
                    c = '/';
                else
                    return "JSON patch: bad ~ escape in path";
                p++;
            }
            if (len == GANTRY_MAX_POINTER_TOKEN)
                return "JSON patch: path token longer than GANTRY_MAX_POINTER_TOKEN";
            w[len++] = c;
        }
        w[len] = '\0';
        out->n++;
    }
    return NULL;
}

/* Array index of a token: its value, -1 for "-" (append), -2 when not an
 * index. Leading zeros are not indices (RFC 6901). */
static long token_index(const char *tok) {
    if (strcmp(tok, "-") == 0)
        return -1;
    if (!tok[0] || (tok[0] == '0' && tok[1]))
        return -2;
    long v = 0;
    for (const char *p = tok; *p; p++) {
        if (*p < '0' || *p > '9')
            return -2;
        if (v > (long)GANTRY_MAX_PATCH_INDEX)
            return (long)GANTRY_MAX_PATCH_INDEX + 1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/* Values in a JSON value, counting stops once past `limit`. */
static size_t count_nodes(const cJSON *v, size_t limit) {
    size_t n = 1;
    for (const cJSON *c = v->child; c && n <= limit; c = c->next)
        n += count_nodes(c, limit - n + 1);
    return n;
}

/* Arrays here keep their element count in valueint (as norm_out.c does), so
 * a copied value gets its counts set once. */
static void set_counts(cJSON *v) {
    int n = 0;
    for (cJSON *c = v->child; c; c = c->next, n++)
        set_counts(c);
    if (cJSON_IsArray(v))
        v->valueint = n;
}

static cJSON *charge(patch_state *st, cJSON *item, size_t nodes) {
    if (!item) {
        st->nomem = 1;
        return NULL;
    }
    if (st->nodes + nodes > GANTRY_MAX_PATCH_NODES) {
        cJSON_Delete(item);
        st->error = "JSON patch: writes more than GANTRY_MAX_PATCH_NODES values";
        return NULL;
    }
    st->nodes += nodes;
    set_counts(item);
    return item;
}

/* A fresh container for the step after `next`: an array when the next token
 * indexes one, else an object. */
static cJSON *container_for(patch_state *st, const char *next) {
    cJSON *c = token_index(next) >= -1 ? cJSON_CreateArray() : cJSON_CreateObject();
    return charge(st, c, 1);
}

/* Sets element `idx` (-1: append) of `arr` to `item`, padding with empty
 * objects. Takes ownership of item; returns it, or NULL on failure. */
static cJSON *array_set(patch_state *st, cJSON *arr, long idx, cJSON *item) {
    if (idx > (long)GANTRY_MAX_PATCH_INDEX) {
        cJSON_Delete(item);
        st->error = "JSON patch: array index above GANTRY_MAX_PATCH_INDEX";
        return NULL;
    }
    long size = arr->valueint; /* element count, kept as norm_out.c does */
    if (idx < 0 || idx >= size) {
        for (long i = size; i < idx; i++) {
            cJSON *pad = charge(st, cJSON_CreateObject(), 1);
            if (!pad || !cJSON_AddItemToArray(arr, pad)) {
                cJSON_Delete(pad);
                cJSON_Delete(item);
                return NULL;
            }
            arr->valueint++;
        }
        if (!cJSON_AddItemToArray(arr, item)) {
            cJSON_Delete(item);
            return NULL;
        }
        arr->valueint++;
        return item;
    }
    if (!cJSON_ReplaceItemInArray(arr, (int)idx, item)) {
        cJSON_Delete(item);
        return NULL;
    }
    return item;
}

static cJSON *object_set(cJSON *obj, const char *key, cJSON *item) {
    if (cJSON_GetObjectItemCaseSensitive(obj, key)) {
        if (!cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item)) {
            cJSON_Delete(item);
            return NULL;
        }
        return item;
    }
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return NULL;
    }
    return item;
}

/* Writes a copy of `value` at pointer `ptr` under `doc`, creating the
 * objects and arrays on the way. */
static void apply_one(patch_state *st, cJSON *doc, const pointer *ptr, const cJSON *value) {
    size_t vn = count_nodes(value, GANTRY_MAX_PATCH_NODES);
    cJSON *cur = doc;
    for (size_t i = 0; i < ptr->n && !st->error; i++) {
        const char *tok = ptr->tok[i];
        int last = i + 1 == ptr->n;
        cJSON *item =
            last ? charge(st, cJSON_Duplicate(value, 1), vn) : container_for(st, ptr->tok[i + 1]);
        if (!item)
            return;
        if (cJSON_IsArray(cur)) {
            long idx = token_index(tok);
            if (idx == -2) {
                cJSON_Delete(item);
                st->error = "JSON patch: array step is not an index";
                return;
            }
            /* An existing container on the way is kept, not replaced. */
            cJSON *have =
                idx >= 0 && idx < cur->valueint ? cJSON_GetArrayItem(cur, (int)idx) : NULL;
            if (!last && have && (cJSON_IsObject(have) || cJSON_IsArray(have))) {
                cJSON_Delete(item);
                cur = have;
                continue;
            }
            cur = array_set(st, cur, idx, item);
        } else {
            cJSON *have = cJSON_GetObjectItemCaseSensitive(cur, tok);
            if (!last && have && (cJSON_IsObject(have) || cJSON_IsArray(have))) {
                cJSON_Delete(item);
                cur = have;
                continue;
            }
            cur = object_set(cur, tok, item);
        }
        if (!cur) {
            if (!st->error)
                st->nomem = 1;
            return;
        }
    }
}

gantry_status gnorm_json_patch_object(const cJSON *ops, cJSON **out, const char **error) {
    *error = NULL;
    *out = NULL;
    if (!cJSON_IsArray(ops))
        return GANTRY_OK;
    patch_state st = {0, NULL, 0};
    cJSON *doc = cJSON_CreateObject();
    pointer *ptr = malloc(sizeof *ptr);
    if (!doc || !ptr) {
        cJSON_Delete(doc);
        free(ptr);
        return GANTRY_E_NOMEM;
    }
    size_t applied = 0;
    const cJSON *op;
    cJSON_ArrayForEach(op, ops) {
        const char *kind = gnorm_path_str(op, "op");
        const char *path = gnorm_path_str(op, "path");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
        if (!kind || !path || !value || (strcmp(kind, "add") != 0 && strcmp(kind, "replace") != 0))
            continue;
        if (applied++ == GANTRY_MAX_PATCH_OPS) {
            st.error = "JSON patch: more than GANTRY_MAX_PATCH_OPS operations";
            break;
        }
        const char *bad = parse_pointer(path, ptr);
        if (bad) {
            st.error = bad;
            break;
        }
        if (ptr->n == 0) {
            /* The whole document: take an object value as the new root. */
            if (cJSON_IsObject(value)) {
                cJSON *copy = charge(&st, cJSON_Duplicate(value, 1),
                                     count_nodes(value, GANTRY_MAX_PATCH_NODES));
                if (copy) {
                    cJSON_Delete(doc);
                    doc = copy;
                }
            }
        } else {
            apply_one(&st, doc, ptr, value);
        }
        if (st.error || st.nomem)
            break;
    }
    free(ptr);
    if (st.nomem) {
        cJSON_Delete(doc);
        return GANTRY_E_NOMEM;
    }
    *error = st.error;
    *out = doc;
    return GANTRY_OK;
}
