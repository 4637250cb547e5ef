/* SPDX-License-Identifier: Apache-2.0 */
/* IR construction and constant folding; see ir.h. */
#include "ir.h"

#include <string.h>

static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h * 0xFF51AFD7ED558CCDull;
}

static gir_node *node_new(gar *arena, gir_kind kind) {
    gir_node *n = gar_alloc(arena, sizeof *n);
    if (n) {
        n->kind = kind;
        n->hash = mix(0, (uint64_t)kind + 1);
    }
    return n;
}

gir_node *gir_bool(gar *arena, bool value) {
    return node_new(arena, value ? GIR_TRUE : GIR_FALSE);
}

gir_node *gir_pred(gar *arena, uint32_t pred) {
    gir_node *n = node_new(arena, GIR_PRED);
    if (n) {
        n->pred = pred;
        n->hash = mix(n->hash, pred);
    }
    return n;
}

gir_node *gir_not(gar *arena, gir_node *kid) {
    if (!kid)
        return NULL;
    gir_node *n = node_new(arena, GIR_NOT);
    if (!n)
        return NULL;
    n->kids = gar_alloc(arena, sizeof *n->kids);
    if (!n->kids)
        return NULL;
    n->kids[0] = kid;
    n->count = 1;
    n->hash = mix(n->hash, kid->hash);
    return n;
}

gir_node *gir_any(gar *arena, uint32_t field, gir_node *body) {
    gir_node *n = gir_not(arena, body); /* one kid, hashed */
    if (!n)
        return NULL;
    n->kind = GIR_ANY;
    n->pred = field;
    n->hash = mix(mix(mix(0, (uint64_t)GIR_ANY + 1), field), body->hash);
    return n;
}

gir_node *gir_nary(gar *arena, gir_kind kind, gir_node *const *kids, size_t count) {
    if (count == 0)
        return gir_bool(arena, kind == GIR_AND);
    for (size_t i = 0; i < count; i++)
        if (!kids[i])
            return NULL;
    if (count == 1)
        return kids[0];
    gir_node *n = node_new(arena, kind);
    if (!n)
        return NULL;
    n->kids = gar_alloc(arena, count * sizeof *n->kids);
    if (!n->kids)
        return NULL;
    memcpy(n->kids, kids, count * sizeof *kids);
    n->count = count;
    for (size_t i = 0; i < count; i++)
        n->hash = mix(n->hash, kids[i]->hash);
    return n;
}

bool gir_equal(const gir_node *a, const gir_node *b) {
    if (a == b)
        return true;
    if (a->hash != b->hash || a->kind != b->kind || a->count != b->count)
        return false;
    if (a->kind == GIR_PRED)
        return a->pred == b->pred;
    if (a->kind == GIR_ANY && a->pred != b->pred)
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (!gir_equal(a->kids[i], b->kids[i]))
            return false;
    return true;
}

static bool complementary(const gir_node *a, const gir_node *b) {
    return (a->kind == GIR_NOT && gir_equal(a->kids[0], b)) ||
           (b->kind == GIR_NOT && gir_equal(b->kids[0], a));
}

/* Folded kids of an AND/OR, flattened, without identities or duplicates. */
static gir_node *fold_nary(gar *arena, const gir_node *node) {
    gir_kind kind = node->kind;
    gir_kind identity = kind == GIR_AND ? GIR_TRUE : GIR_FALSE;
    gir_kind absorbing = kind == GIR_AND ? GIR_FALSE : GIR_TRUE;
    size_t cap = node->count, count = 0;
    gir_node **kids = gar_alloc(arena, cap * sizeof *kids);
    if (!kids)
        return NULL;
    for (size_t i = 0; i < node->count; i++) {
        gir_node *k = gir_fold(arena, node->kids[i]);
        if (!k)
            return NULL;
        if (k->kind == absorbing)
            return gir_bool(arena, absorbing == GIR_TRUE);
        if (k->kind == identity)
            continue;
        gir_node *const *items = k->kind == kind ? k->kids : &k;
        size_t n_items = k->kind == kind ? k->count : 1;
        for (size_t j = 0; j < n_items; j++) {
            bool dup = false;
            for (size_t m = 0; m < count && !dup; m++) {
                if (complementary(kids[m], items[j]))
                    return gir_bool(arena, absorbing == GIR_TRUE);
                dup = gir_equal(kids[m], items[j]);
            }
            if (dup)
                continue;
            if (count == cap) {
                size_t ncap = cap * 2 + 4;
                kids = gar_grow(arena, kids, cap * sizeof *kids, ncap * sizeof *kids);
                if (!kids)
                    return NULL;
                cap = ncap;
            }
            kids[count++] = items[j];
        }
    }
    return gir_nary(arena, kind, kids, count);
}

gir_node *gir_fold(gar *arena, const gir_node *node) {
    switch (node->kind) {
    case GIR_FALSE:
    case GIR_TRUE:
    case GIR_PRED:
        return (gir_node *)node;
    case GIR_NOT: {
        gir_node *k = gir_fold(arena, node->kids[0]);
        if (!k)
            return NULL;
        if (k->kind == GIR_TRUE || k->kind == GIR_FALSE)
            return gir_bool(arena, k->kind == GIR_FALSE);
        if (k->kind == GIR_NOT)
            return k->kids[0];
        return gir_not(arena, k);
    }
    case GIR_AND:
    case GIR_OR:
        return fold_nary(arena, node);
    case GIR_ANY: {
        /* folds inside the body only: no element at all is false too, so a
         * true body does not make the scope true */
        gir_node *k = gir_fold(arena, node->kids[0]);
        if (!k)
            return NULL;
        if (k->kind == GIR_FALSE)
            return k;
        return gir_any(arena, node->pred, k);
    }
    }
    return NULL;
}
