/* SPDX-License-Identifier: Apache-2.0 */
#include "path.h"

#include <cJSON.h>
#include <string.h>

#include "gantry_limits.h"

/* Bound on array crossings plus path components in one walk, so a hostile
 * deeply nested array cannot exhaust the C stack. */
#define GRT_PATH_MAX_DEPTH (GANTRY_DEFAULT_MAX_DEPTH + GANTRY_MAX_FIELD_DEPTH)
/* Keys at one object level that can be a dotted prefix of the remaining path
 * (distinct lengths are bounded by the component limit). */
#define GRT_PATH_MAX_CANDIDATES GANTRY_MAX_FIELD_DEPTH

typedef struct walk {
    grt_path_fn visit;
    void *user;
    size_t yielded;
    int stopped;
} walk;

static void yield(walk *w, const cJSON *value) {
    w->yielded++;
    if (w->visit(value, w->user))
        w->stopped = 1;
}

static void descend(walk *w, const cJSON *node, const char *path, size_t len, unsigned depth) {
    if (depth > GRT_PATH_MAX_DEPTH || w->stopped)
        return;
    if (cJSON_IsArray(node)) {
        for (const cJSON *el = node->child; el && !w->stopped; el = el->next) {
            if (len == 0)
                yield(w, el);
            else
                descend(w, el, path, len, depth + 1);
        }
        return;
    }
    if (len == 0) {
        yield(w, node);
        return;
    }
    if (!cJSON_IsObject(node))
        return;

    struct {
        const cJSON *child;
        size_t key_len;
    } cand[GRT_PATH_MAX_CANDIDATES];
    size_t ncand = 0;
    for (const cJSON *ch = node->child; ch; ch = ch->next) {
        const char *k = ch->string;
        /* most keys differ in their first byte: test it before strlen */
        if (!k || k[0] != path[0])
            continue;
        size_t klen = strlen(k);
        if (klen > len || memcmp(k, path, klen) != 0 || (klen < len && path[klen] != '.'))
            continue;
        if (ncand == GRT_PATH_MAX_CANDIDATES)
            break;
        /* insertion keeps longest first; equal lengths keep document order */
        size_t at = ncand++;
        while (at > 0 && cand[at - 1].key_len < klen) {
            cand[at] = cand[at - 1];
            at--;
        }
        cand[at].child = ch;
        cand[at].key_len = klen;
    }
    for (size_t i = 0; i < ncand; i++) {
        size_t before = w->yielded;
        size_t klen = cand[i].key_len;
        size_t skip = klen < len ? klen + 1 : klen;
        descend(w, cand[i].child, path + skip, len - skip, depth + 1);
        if (w->yielded > before || w->stopped)
            return; /* a longer key that yields values wins over shorter ones */
    }
}

int grt_path_walk(const cJSON *root, const char *path, size_t len, grt_path_fn visit, void *user) {
    walk w = {.visit = visit, .user = user};
    if (root && path)
        descend(&w, root, path, len, 0);
    return w.stopped;
}

static int take_scalar(const cJSON *value, void *user) {
    if (!cJSON_IsString(value) && !cJSON_IsNumber(value) && !cJSON_IsBool(value))
        return 0;
    if (cJSON_IsString(value) && !value->valuestring)
        return 0;
    *(const cJSON **)user = value;
    return 1;
}

const cJSON *grt_path_first_scalar(const cJSON *root, const char *path) {
    const cJSON *found = NULL;
    if (path)
        grt_path_walk(root, path, strlen(path), take_scalar, &found);
    return found;
}
