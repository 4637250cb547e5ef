/* SPDX-License-Identifier: Apache-2.0 */
#include "prefilter.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "logsource.h"
#include "strmatch.h"

#define GPF_NONE UINT32_MAX
/* A pack this small runs every rule faster than it would consult an index. */
#define GPF_MIN_RULES 24u
/* Anchor minimisation tries each member; past this many it keeps them all. */
#define GPF_MAX_MINIMISE 48u
/* Substring literals are cut to this many bytes: the automaton stays small
 * and quick to build, at the price of a few more candidate rules. */
#define GPF_MAX_LITERAL 16u
/* Automaton nodes at most (about 20 bytes each); a larger pack runs every rule. */
#define GPF_MAX_NODES (1u << 23)

enum { GPF_EQ, GPF_SUB };

/* Aho-Corasick automata over lower-cased literals, one per field, sharing
 * one node space laid out breadth first from sorted literals: the children
 * of a node are contiguous and sorted by byte, roots come first and have a
 * dense table. Built in passes over sorted data, so building stays fast. */
typedef struct gpf_node {
    uint32_t cfirst; /* first child */
    uint32_t fail;
    uint32_t out;  /* literal ending here, or GPF_NONE */
    uint32_t dict; /* next node on the fail chain with output */
    uint16_t ccount;
    uint8_t byte; /* the byte leading into the node */
} gpf_node;       /* one cache line holds everything a step reads */

typedef struct gpf_ac {
    gpf_node *nodes;
    uint32_t *root_next; /* nroots * 256 */
    uint32_t nnodes, nroots;
    /* When small enough, the automaton as a DFA over byte classes (every
     * byte of a literal its own class, all others class 0): one load per
     * byte instead of a child search and a fail chain. Targets are row
     * offsets (node * nclasses), so a step needs no multiply; one with
     * GPF_DFA_OUT set has outputs on its dict chain. */
    uint32_t *dfa; /* nnodes * nclasses, or NULL */
    uint32_t nclasses;
    uint8_t byte_class[256];
} gpf_ac;

#define GPF_DFA_OUT 0x80000000u
/* Largest DFA built (entries of 4 bytes): keeps load time and memory small;
 * bigger automata keep the child search. */
#define GPF_MAX_DFA_ENTRIES (1u << 20)

typedef struct gpf_entry {
    uint32_t field; /* GPF_NONE for the keyword values */
    int has_eq;
    uint32_t root; /* GPF_NONE without substring literals */
} gpf_entry;

typedef struct gpf_lit {
    uint32_t entry, kind, len;
    const char *text;
    uint64_t hash;
} gpf_lit;

/* The index over one subset of the rules: those that events of one
 * logsource class may run. */
typedef struct gpf_class {
    gpf_ac ac;
    gpf_entry *entries;
    uint32_t nentries;
    gpf_lit *lits;
    uint32_t nlits;
    uint32_t *table; /* open addressing: lit id + 1, 0 empty */
    uint64_t table_mask;
    uint32_t *lit_first, *lit_preds;   /* CSR: literal -> predicates */
    uint32_t *pred_first, *pred_rules; /* CSR: predicate -> rules it anchors */
    uint64_t *always;                  /* rules without an anchor */
    char *arena;
} gpf_class;

/* Logsource classes with the same allowed rules share an index class;
 * without logsource dispatch there is one, over every rule. */
enum { GPF_PENDING, GPF_BUILDING, GPF_READY, GPF_UNUSABLE };

struct gpf_index {
    gpf_class classes[GLS_MAX_CLASSES];
    const uint64_t *subset[GLS_MAX_CLASSES]; /* each class's rules, NULL for all */
    /* GPF_*: a class is built at load, or (a class that only events of an
     * event category, of no logsource or of every rule use, in a pack with
     * logsource dispatch) by the first matcher that needs it; matchers
     * meanwhile run every allowed rule. */
    atomic_int state[GLS_MAX_CLASSES];
    uint32_t nclasses;
    uint8_t class_of[GLS_MAX_CLASSES]; /* by GLS_CLASS_* logsource class */
};

/* ---- literals ---------------------------------------------------------- */

static uint64_t hash_text(uint32_t entry, uint32_t kind, const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull ^ ((uint64_t)entry << 8 | kind);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static uint32_t lit_find(const gpf_class *x, uint32_t entry, uint32_t kind, const char *s, size_t n,
                         uint64_t h) {
    for (uint64_t i = h & x->table_mask;; i = (i + 1) & x->table_mask) {
        uint32_t id = x->table[i];
        if (id == 0)
            return GPF_NONE;
        const gpf_lit *l = &x->lits[id - 1];
        if (l->hash == h && l->entry == entry && l->kind == kind && l->len == n &&
            memcmp(l->text, s, n) == 0)
            return id - 1;
    }
}

static uint32_t lit_add(gpf_class *x, uint32_t entry, uint32_t kind, const char *s, size_t n) {
    uint64_t h = hash_text(entry, kind, s, n);
    uint32_t id = lit_find(x, entry, kind, s, n, h);
    if (id != GPF_NONE)
        return id;
    id = x->nlits++;
    x->lits[id] = (gpf_lit){entry, kind, (uint32_t)n, s, h};
    uint64_t i = h & x->table_mask;
    while (x->table[i])
        i = (i + 1) & x->table_mask;
    x->table[i] = id + 1;
    return id;
}

/* ---- Aho-Corasick ---------------------------------------------------------- */

static inline uint32_t ac_child(const gpf_ac *a, uint32_t s, uint8_t c) {
    if (s < a->nroots)
        return a->root_next[(size_t)s * 256u + c];
    uint32_t lo = a->nodes[s].cfirst, hi = lo + a->nodes[s].ccount;
    while (hi - lo > 4) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (a->nodes[mid].byte < c)
            lo = mid + 1;
        else
            hi = mid + 1; /* mid itself may be the one */
    }
    for (; lo < hi; lo++)
        if (a->nodes[lo].byte == c)
            return lo;
    return GPF_NONE;
}

static int lit_order(const void *pa, const void *pb) {
    const gpf_lit *x = *(const gpf_lit *const *)pa, *y = *(const gpf_lit *const *)pb;
    if (x->entry != y->entry)
        return x->entry < y->entry ? -1 : 1;
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* sorted: SUB literal ids ordered by entry then text; roots[e] receives the
 * root node of entry e (GPF_NONE when it has no substrings). */
static int ac_build(gpf_ac *a, const gpf_lit *lits, uint32_t *sorted, uint32_t nsorted,
                    size_t max_nodes, gpf_entry *entries, uint32_t nentries) {
    uint32_t nroots = 0;
    for (uint32_t i = 0; i < nsorted; i++)
        if (i == 0 || lits[sorted[i]].entry != lits[sorted[i - 1]].entry)
            nroots++;
    max_nodes += nroots;
    a->nodes = calloc(max_nodes, sizeof *a->nodes);
    a->root_next = malloc(((size_t)nroots * 256u + 1) * sizeof *a->root_next);
    uint32_t *lo = malloc(max_nodes * sizeof *lo), *hi = malloc(max_nodes * sizeof *hi);
    uint32_t *depth = malloc(max_nodes * sizeof *depth);
    int rc = -1;
    if (!a->nodes || !a->root_next || !lo || !hi || !depth)
        goto out;
    memset(a->root_next, 0xff, ((size_t)nroots * 256u + 1) * sizeof *a->root_next);
    a->nroots = nroots;
    uint32_t n = 0;
    for (uint32_t i = 0; i < nsorted;) {
        uint32_t j = i, e = lits[sorted[i]].entry;
        while (j < nsorted && lits[sorted[j]].entry == e)
            j++;
        entries[e].root = n;
        a->nodes[n].fail = a->nodes[n].dict = a->nodes[n].out = GPF_NONE;
        a->nodes[n].byte = 0;
        lo[n] = i;
        hi[n] = j;
        depth[n++] = 0;
        i = j;
    }
    (void)nentries;
    for (uint32_t u = 0; u < n; u++) {
        uint32_t d = depth[u], i = lo[u];
        if (i < hi[u] && lits[sorted[i]].len == d)
            i++; /* the literal ending here (out[u] is already set) */
        a->nodes[u].cfirst = n;
        while (i < hi[u]) {
            uint8_t c = (uint8_t)lits[sorted[i]].text[d];
            uint32_t j = i;
            while (j < hi[u] && (uint8_t)lits[sorted[j]].text[d] == c)
                j++;
            uint32_t v = n++;
            a->nodes[u].ccount++;
            a->nodes[v].byte = c;
            lo[v] = i;
            hi[v] = j;
            depth[v] = d + 1;
            a->nodes[v].out = lits[sorted[i]].len == d + 1 ? sorted[i] : GPF_NONE;
            if (u < nroots)
                a->root_next[(size_t)u * 256u + c] = v;
            /* fail: the longest proper suffix of v's text that is a node; all
             * shallower nodes and their children exist by now */
            uint32_t t = GPF_NONE;
            if (u < nroots) {
                t = u;
            } else {
                for (uint32_t f = a->nodes[u].fail;;) {
                    t = ac_child(a, f, c);
                    if (t != GPF_NONE)
                        break;
                    if (f < nroots) {
                        t = f;
                        break;
                    }
                    f = a->nodes[f].fail;
                }
            }
            a->nodes[v].fail = t;
            a->nodes[v].dict = a->nodes[t].out != GPF_NONE ? t : a->nodes[t].dict;
            i = j;
        }
    }
    a->nnodes = n;
    rc = 0;
out:
    free(lo);
    free(hi);
    free(depth);
    return rc;
}

/* Fills a->dfa when it fits. Nodes are breadth first, so a node's fail
 * target (shallower) has its row filled before the node itself. */
static int dfa_build(gpf_ac *a) {
    uint8_t seen[256] = {0};
    for (uint32_t v = a->nroots; v < a->nnodes; v++)
        seen[a->nodes[v].byte] = 1;
    uint32_t k = 1;
    for (unsigned c = 0; c < 256; c++)
        a->byte_class[c] = seen[c] ? (uint8_t)k++ : 0;
    if (k > 255 || (uint64_t)a->nnodes * k > GPF_MAX_DFA_ENTRIES)
        return 0;
    /* literals are lower-cased (ASCII): folding the upper-case letters into
     * their classes lets the DFA scan text as it is, without a lower-cased
     * copy */
    for (unsigned c = 'A'; c <= 'Z'; c++)
        a->byte_class[c] = a->byte_class[c - 'A' + 'a'];
    a->nclasses = k;
    a->dfa = malloc((size_t)a->nnodes * k * sizeof *a->dfa);
    if (!a->dfa)
        return -1;
    /* a row starts as its fail target's row (the root's: stay at the root),
     * then the node's own children override their classes */
    for (uint32_t v = 0; v < a->nnodes; v++) {
        uint32_t *row = a->dfa + (size_t)v * k;
        const gpf_node *nd = &a->nodes[v];
        if (v < a->nroots) {
            for (uint32_t cls = 0; cls < k; cls++)
                row[cls] = v * k;
        } else {
            memcpy(row, a->dfa + (size_t)nd->fail * k, k * sizeof *row);
        }
        for (uint32_t c = nd->cfirst; c < nd->cfirst + nd->ccount; c++) {
            const gpf_node *cn = &a->nodes[c];
            row[a->byte_class[cn->byte]] =
                c * k | (cn->out != GPF_NONE || cn->dict != GPF_NONE ? GPF_DFA_OUT : 0);
        }
    }
    return 0;
}

static void ac_free(gpf_ac *a) {
    free(a->nodes);
    free(a->root_next);
    free(a->dfa);
}

/* ---- build ------------------------------------------------------------- */

typedef struct pair {
    uint32_t key, val;
} pair;

typedef struct builder {
    gantry_pack *pk;
    gpf_class *x;
    const uint64_t *subset; /* the class's rules; NULL for every rule */
    uint8_t *used;          /* per predicate: read by a rule of the class */
    uint32_t *field_entry;  /* field -> entry, GPF_NONE */
    uint32_t keyword_entry;
    uint8_t *indexable; /* per predicate */
    uint32_t *weight;   /* per predicate: shortest literal (selectivity guess) */
    pair *lit_pred;
    size_t nlit_pred;
    pair *pred_rule;
    size_t npred_rule;
    size_t arena_used;
} builder;

static uint32_t entry_for(builder *b, const struct gantry_insn *in) {
    gpf_class *x = b->x;
    uint32_t *slot = in->op == GANTRY_OP_KEYWORD ? &b->keyword_entry : &b->field_entry[in->a];
    if (*slot == GPF_NONE) {
        *slot = x->nentries++;
        x->entries[*slot] =
            (gpf_entry){in->op == GANTRY_OP_KEYWORD ? GPF_NONE : in->a, 0, GPF_NONE};
    }
    return *slot;
}

/* Registers the literals of one predicate, or leaves it unindexable. */
static int index_pred(builder *b, uint32_t p) {
    const gantry_pack *pk = b->pk;
    const struct gantry_insn *in = &pk->preds[p];
    if (in->flags & GANTRY_PF_SCOPED)
        return 0; /* reads a scope element, not the event's top-level fields */
    unsigned op = in->op == GANTRY_OP_KEYWORD ? in->a : in->op;
    if (op == GANTRY_OP_REGEX) {
        const grt_regex *re = &pk->regexes[in->b];
        char *low = b->x->arena + b->arena_used;
        size_t n = gpf_regex_literal(pk->strs[re->pattern], pk->str_lens[re->pattern], low);
        if (n < 2)
            return 0;
        grt_ascii_lower(low, low, n);
        b->arena_used += n;
        n = n > GPF_MAX_LITERAL ? GPF_MAX_LITERAL : n;
        uint32_t lit = lit_add(b->x, entry_for(b, in), GPF_SUB, low, n);
        b->lit_pred[b->nlit_pred++] = (pair){lit, p};
        b->weight[p] = (uint32_t)n;
        return 1;
    }
    if (!gantry_opcode_has(op, GANTRY_OPP_STRTEST))
        return 0;
    const grt_slice *l = &pk->lists[in->b];
    uint32_t shortest = UINT32_MAX;
    for (uint32_t k = 0; k < l->count; k++) {
        const grt_const *c = &pk->consts[pk->list_items[l->first + k]];
        if (c->kind != GANTRY_CONST_STRING)
            return 0; /* numbers and booleans compare by value, not text */
        uint32_t n = pk->str_lens[c->text];
        if (op != GANTRY_OP_EQ && n == 0)
            return 0; /* an empty substring holds for every string */
        shortest = n < shortest ? n : shortest;
    }
    uint32_t entry = entry_for(b, in);
    for (uint32_t k = 0; k < l->count; k++) {
        const grt_const *c = &pk->consts[pk->list_items[l->first + k]];
        const char *s = pk->strs[c->text];
        size_t n = pk->str_lens[c->text];
        char *low = b->x->arena + b->arena_used;
        if (op == GANTRY_OP_GLOB) {
            n = gpf_glob_literal(s, n, low);
            if (n == 0)
                return 0;
            grt_ascii_lower(low, low, n);
        } else {
            grt_ascii_lower(low, s, n);
        }
        b->arena_used += n;
        uint32_t kind = op == GANTRY_OP_EQ ? GPF_EQ : GPF_SUB;
        if (kind == GPF_SUB && n > GPF_MAX_LITERAL) {
            /* any part of a required substring is required too; the end of
             * an endswith literal tells most apart */
            if (op == GANTRY_OP_ENDSWITH)
                low += n - GPF_MAX_LITERAL;
            n = GPF_MAX_LITERAL;
        }
        uint32_t lit = lit_add(b->x, entry, kind, low, n);
        b->lit_pred[b->nlit_pred++] = (pair){lit, p};
        if (kind == GPF_EQ)
            b->x->entries[entry].has_eq = 1;
        else if (op == GANTRY_OP_GLOB && n < shortest)
            shortest = (uint32_t)n;
    }
    b->weight[p] = op == GANTRY_OP_EQ ? 1000 + shortest : shortest;
    return 1;
}

/* Picks the rule's anchor and records (pred, rule) pairs; returns 0 when
 * the rule has none and must always run. */
static int anchor_rule(builder *b, uint32_t r, uint8_t *assign, uint32_t *members) {
    const gantry_pack *pk = b->pk;
    const grt_rule *rule = &pk->rules[r];
    uint32_t n = 0;
    for (uint32_t i = 0; i < rule->code.count; i++) {
        const struct gantry_insn *in = &pk->code[rule->code.first + i];
        if (in->op != GANTRY_OP_PRED || !b->indexable[in->b] || assign[in->b] == GPF_F)
            continue;
        assign[in->b] = GPF_F;
        members[n++] = in->b;
    }
    int ok = n > 0 && gpf_rule_false_under(pk, rule, assign);
    if (ok && n <= GPF_MAX_MINIMISE) {
        /* drop the least selective members while the rule stays false */
        for (uint32_t i = 1; i < n; i++)
            for (uint32_t j = i; j > 0 && b->weight[members[j]] < b->weight[members[j - 1]]; j--) {
                uint32_t t = members[j];
                members[j] = members[j - 1];
                members[j - 1] = t;
            }
        for (uint32_t i = 0; i < n; i++) {
            assign[members[i]] = GPF_U;
            if (!gpf_rule_false_under(pk, rule, assign))
                assign[members[i]] = GPF_F;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        if (ok && assign[members[i]] == GPF_F)
            b->pred_rule[b->npred_rule++] = (pair){members[i], r};
        assign[members[i]] = GPF_U;
    }
    return ok;
}

/* CSR from pairs: first[key] .. first[key+1] index vals. */
static int csr(const pair *pairs, size_t n, uint32_t nkeys, uint32_t **first, uint32_t **vals) {
    *first = calloc((size_t)nkeys + 1, sizeof **first);
    *vals = malloc((n ? n : 1) * sizeof **vals);
    if (!*first || !*vals)
        return -1;
    for (size_t i = 0; i < n; i++)
        (*first)[pairs[i].key + 1]++;
    for (uint32_t k = 0; k < nkeys; k++)
        (*first)[k + 1] += (*first)[k];
    uint32_t *fill = malloc(((size_t)nkeys + 1) * sizeof *fill);
    if (!fill)
        return -1;
    memcpy(fill, *first, ((size_t)nkeys + 1) * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        (*vals)[fill[pairs[i].key]++] = pairs[i].val;
    free(fill);
    return 0;
}

static int in_subset(const builder *b, uint32_t r) {
    return !b->subset || (b->subset[r / 64] >> (r % 64) & 1);
}

static int build(builder *b) {
    gantry_pack *pk = b->pk;
    gpf_class *x = b->x;
    size_t items = 0, bytes = 0;
    for (uint32_t r = 0; r < pk->nrules; r++) {
        if (!in_subset(b, r))
            continue;
        const grt_slice *c = &pk->rules[r].code;
        for (uint32_t i = 0; i < c->count; i++)
            if (pk->code[c->first + i].op == GANTRY_OP_PRED)
                b->used[pk->code[c->first + i].b] = 1;
    }
    for (uint32_t p = 0; p < pk->npreds; p++) {
        const struct gantry_insn *in = &pk->preds[p];
        if (!b->used[p])
            continue;
        if (!gantry_opcode_has(in->op, GANTRY_OPP_INDEXED))
            continue;
        if (in->op == GANTRY_OP_REGEX) {
            items++;
            bytes += pk->str_lens[pk->regexes[in->b].pattern];
            continue;
        }
        const grt_slice *l = &pk->lists[in->b];
        items += l->count;
        for (uint32_t k = 0; k < l->count; k++)
            bytes += pk->str_lens[pk->consts[pk->list_items[l->first + k]].text];
    }
    uint64_t cap = 16;
    while (cap < 2 * (uint64_t)items + 16)
        cap *= 2;
    x->table = calloc(cap, sizeof *x->table);
    x->table_mask = cap - 1;
    x->lits = malloc((items ? items : 1) * sizeof *x->lits);
    x->arena = malloc(bytes ? bytes : 1);
    x->entries = malloc(((size_t)pk->nfields + 1) * sizeof *x->entries);
    x->always = calloc(gpf_words(pk->nrules), sizeof *x->always);
    b->field_entry = malloc(((size_t)pk->nfields + 1) * sizeof *b->field_entry);
    b->indexable = calloc(pk->npreds ? pk->npreds : 1, 1);
    b->weight = calloc(pk->npreds ? pk->npreds : 1, sizeof *b->weight);
    b->lit_pred = malloc((items ? items : 1) * sizeof *b->lit_pred);
    uint8_t *assign = malloc(pk->npreds ? pk->npreds : 1);
    uint32_t *members = malloc((pk->npreds ? pk->npreds : 1) * sizeof *members);
    size_t code_preds = 0;
    for (uint32_t r = 0; r < pk->nrules; r++)
        code_preds += in_subset(b, r) ? pk->rules[r].code.count : 0;
    b->pred_rule = malloc((code_preds ? code_preds : 1) * sizeof *b->pred_rule);
    int rc = -1;
    if (!x->table || !x->lits || !x->arena || !x->entries || !x->always || !b->field_entry ||
        !b->indexable || !b->weight || !b->lit_pred || !assign || !members || !b->pred_rule)
        goto out;
    memset(b->field_entry, 0xff, ((size_t)pk->nfields + 1) * sizeof *b->field_entry);
    memset(assign, GPF_U, pk->npreds ? pk->npreds : 1);
    for (uint32_t p = 0; p < pk->npreds; p++)
        b->indexable[p] = b->used[p] && index_pred(b, p);
    for (uint32_t r = 0; r < pk->nrules; r++)
        if (in_subset(b, r) && !anchor_rule(b, r, assign, members))
            x->always[r / 64] |= 1ull << (r % 64);
    if (csr(b->lit_pred, b->nlit_pred, x->nlits, &x->lit_first, &x->lit_preds) != 0 ||
        csr(b->pred_rule, b->npred_rule, pk->npreds, &x->pred_first, &x->pred_rules) != 0)
        goto out;
    size_t sub_bytes = 0;
    for (uint32_t i = 0; i < x->nlits; i++)
        if (x->lits[i].kind == GPF_SUB)
            sub_bytes += x->lits[i].len;
    if (sub_bytes + x->nentries + 1 >= GPF_MAX_NODES) {
        rc = 1; /* too large to index: every rule runs */
        goto out;
    }
    uint32_t *sorted = malloc((x->nlits ? x->nlits : 1) * sizeof *sorted);
    const gpf_lit **order = malloc((x->nlits ? x->nlits : 1) * sizeof *order);
    if (!sorted || !order) {
        free(sorted);
        free(order);
        goto out;
    }
    uint32_t nsorted = 0;
    for (uint32_t i = 0; i < x->nlits; i++)
        if (x->lits[i].kind == GPF_SUB)
            order[nsorted++] = &x->lits[i];
    qsort(order, nsorted, sizeof *order, lit_order);
    for (uint32_t i = 0; i < nsorted; i++)
        sorted[i] = (uint32_t)(order[i] - x->lits);
    free(order);
    int built = ac_build(&x->ac, x->lits, sorted, nsorted, sub_bytes, x->entries, x->nentries);
    if (built == 0)
        built = dfa_build(&x->ac);
    free(sorted);
    if (built != 0)
        goto out;
    rc = 0;
out:
    free(assign);
    free(members);
    return rc;
}

static void class_free(gpf_class *x) {
    ac_free(&x->ac);
    free(x->entries);
    free(x->lits);
    free(x->table);
    free(x->lit_first);
    free(x->lit_preds);
    free(x->pred_first);
    free(x->pred_rules);
    free(x->always);
    free(x->arena);
}

void gpf_free(gpf_index *x) {
    if (!x)
        return;
    for (uint32_t c = 0; c < x->nclasses; c++)
        class_free(&x->classes[c]);
    free(x);
}

/* Builds one class; returns 0, 1 when the class is too large to index, -1
 * when out of memory. */
static int class_build(gantry_pack *pk, gpf_class *x, const uint64_t *subset) {
    builder b = {.pk = pk, .x = x, .subset = subset, .keyword_entry = GPF_NONE};
    b.used = calloc(pk->npreds ? pk->npreds : 1, 1);
    int rc = b.used ? build(&b) : -1;
    free(b.used);
    free(b.field_entry);
    free(b.indexable);
    free(b.weight);
    free(b.lit_pred);
    free(b.pred_rule);
    return rc;
}

gantry_status gpf_build(gantry_pack *pk) {
    pk->prefilter = NULL;
    /* GANTRY_OPTIMIZE_ALL builds the index for any pack (tests use it on
     * small packs); GANTRY_OPTIMIZE_OFF leaves it out. */
    int force = pk->optimize == GANTRY_OPTIMIZE_ALL;
    if (pk->optimize == GANTRY_OPTIMIZE_OFF || (!force && pk->nrules < GPF_MIN_RULES))
        return GANTRY_OK;
    gpf_index *x = calloc(1, sizeof *x);
    if (!x)
        return GANTRY_E_NOMEM;
    /* one index class per distinct set of rules a logsource class's events
     * may run: a Kubernetes event then scans only the literals of rules it
     * can match */
    unsigned nls = gls_nclasses();
    for (unsigned ls = 0; ls < nls; ls++) {
        const uint64_t *allowed = gls_allowed(pk, ls);
        unsigned c = 0;
        for (; c < x->nclasses; c++) {
            const uint64_t *other = x->subset[c];
            if (allowed == other ||
                (allowed && other && memcmp(allowed, other, gpf_words(pk->nrules) * 8u) == 0))
                break;
        }
        x->class_of[ls] = (uint8_t)c;
        if (c == x->nclasses) {
            x->subset[c] = allowed;
            atomic_init(&x->state[c], GPF_PENDING);
            x->nclasses++;
        }
    }
    /* The classes of a source's events without an event category are built
     * now; the others (event categories, events without a logsource, every
     * rule) wait for their first event, unless they share an eager one. */
    uint8_t eager[GLS_MAX_CLASSES] = {0};
    for (unsigned ls = 0; ls < nls; ls++)
        if (!pk->dispatch || gls_class_is_source_base(ls))
            eager[x->class_of[ls]] = 1;
    for (uint32_t c = 0; c < x->nclasses; c++) {
        if (!eager[c])
            continue;
        int rc = class_build(pk, &x->classes[c], x->subset[c]);
        if (rc < 0) {
            gpf_free(x);
            return GANTRY_E_NOMEM;
        }
        atomic_init(&x->state[c], rc == 0 ? GPF_READY : GPF_UNUSABLE);
    }
    pk->prefilter = x;
    return GANTRY_OK;
}

/* ---- per event ------------------------------------------------------------- */

gantry_status gpf_matcher_init(gantry_matcher *m) {
    const gantry_pack *pk = m->pack;
    m->pf_mark = calloc(pk->npreds ? pk->npreds : 1, sizeof *m->pf_mark);
    m->pf_cand = calloc(gpf_words(pk->nrules) ? gpf_words(pk->nrules) : 1, sizeof *m->pf_cand);
    return m->pf_mark && m->pf_cand ? GANTRY_OK : GANTRY_E_NOMEM;
}

void gpf_matcher_release(gantry_matcher *m) {
    free(m->pf_mark);
    free(m->pf_cand);
    m->pf_mark = NULL;
    m->pf_cand = NULL;
}

static void mark_lit(gantry_matcher *m, const gpf_class *x, uint32_t lit) {
    for (uint32_t i = x->lit_first[lit]; i < x->lit_first[lit + 1]; i++) {
        uint32_t p = x->lit_preds[i];
        if (m->pf_mark[p] == m->gen)
            continue;
        m->pf_mark[p] = m->gen;
        for (uint32_t k = x->pred_first[p]; k < x->pred_first[p + 1]; k++) {
            uint32_t r = x->pred_rules[k];
            m->pf_cand[r / 64] |= 1ull << (r % 64);
        }
    }
}

/* The automaton over one string: hit(ctx, lit) for every literal found,
 * repeats included. Always inlined with a constant `hit`, so the matcher's
 * scan calls mark_lit directly. */
static inline __attribute__((always_inline)) void ac_walk(const gpf_ac *a, uint32_t root,
                                                          const char *s, size_t n,
                                                          void (*hit)(void *, uint32_t),
                                                          void *ctx) {
    uint32_t st = root;
    if (a->dfa) {
        const uint32_t k = a->nclasses;
        const uint32_t *dfa = a->dfa;
        const uint8_t *cls = a->byte_class;
        uint32_t at = root * k;
        for (size_t i = 0; i < n; i++) {
            at = dfa[at + cls[(uint8_t)s[i]]];
            if (!(at & GPF_DFA_OUT))
                continue;
            at &= ~GPF_DFA_OUT;
            uint32_t node = at / k;
            for (uint32_t o = a->nodes[node].out != GPF_NONE ? node : a->nodes[node].dict;
                 o != GPF_NONE; o = a->nodes[o].dict)
                hit(ctx, a->nodes[o].out);
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        for (;;) {
            uint32_t t = ac_child(a, st, c);
            if (t != GPF_NONE) {
                st = t;
                break;
            }
            if (st == root)
                break;
            st = a->nodes[st].fail;
        }
        for (uint32_t o = a->nodes[st].out != GPF_NONE ? st : a->nodes[st].dict; o != GPF_NONE;
             o = a->nodes[o].dict)
            hit(ctx, a->nodes[o].out);
    }
}

typedef struct mark_ctx {
    gantry_matcher *m;
    const gpf_class *x;
} mark_ctx;

static void mark_hit(void *ctx, uint32_t lit) {
    mark_ctx *c = ctx;
    mark_lit(c->m, c->x, lit);
}

static void ac_scan(gantry_matcher *m, const gpf_class *x, uint32_t root, const char *s, size_t n) {
    mark_ctx c = {m, x};
    ac_walk(&x->ac, root, s, n, mark_hit, &c);
}

/* Builds a lazy class on its first use; 0 when the class is usable. The pack
 * is shared between threads: one builds, the others run without the index
 * until the class is published with release order. */
static int class_ready(const gantry_pack *pk, gpf_index *ix, uint32_t c) {
    int st = atomic_load_explicit(&ix->state[c], memory_order_acquire);
    if (st == GPF_READY)
        return 0;
    int expected = GPF_PENDING;
    if (st != GPF_PENDING ||
        !atomic_compare_exchange_strong(&ix->state[c], &expected, GPF_BUILDING))
        return -1;
    /* building only reads the pack; the class is written before publication */
    int rc = class_build((gantry_pack *)pk, &ix->classes[c], ix->subset[c]);
    atomic_store_explicit(&ix->state[c], rc == 0 ? GPF_READY : GPF_UNUSABLE, memory_order_release);
    return rc == 0 ? 0 : -1;
}

int gpf_select(gantry_matcher *m, unsigned cls) {
    const gantry_pack *pk = m->pack;
    uint32_t c = pk->prefilter->class_of[cls];
    if (class_ready(pk, pk->prefilter, c) != 0)
        return -1;
    const gpf_class *x = &pk->prefilter->classes[c];
    memcpy(m->pf_cand, x->always, gpf_words(pk->nrules) * sizeof *m->pf_cand);
    for (uint32_t e = 0; e < x->nentries; e++) {
        const gpf_entry *en = &x->entries[e];
        if (en->field != GPF_NONE && grt_field_surely_empty(m, en->field))
            continue;
        grt_slice vals =
            en->field == GPF_NONE ? grt_keyword_values(m) : grt_field_values(m, en->field);
        if (m->oom)
            return -1;
        if (vals.count == 0)
            continue;
        /* only equality lookups need the lower-cased copy: the DFA folds case */
        int lower = en->has_eq || !x->ac.dfa;
        if (grt_values_prepare(m, vals, lower) != 0)
            return -1;
        for (uint32_t i = 0; i < vals.count; i++) {
            size_t n;
            const char *s = grt_value_text(m, &m->vals[vals.first + i], lower, &n);
            if (!s)
                continue;
            if (en->has_eq) {
                uint32_t lit = lit_find(x, e, GPF_EQ, s, n, hash_text(e, GPF_EQ, s, n));
                if (lit != GPF_NONE)
                    mark_lit(m, x, lit);
            }
            if (en->root != GPF_NONE)
                ac_scan(m, x, en->root, s, n);
        }
    }
    return 0;
}

/* ---- the keyword automaton on its own (bench/keywords_bench) ------------- */

int gpf_keywords_get(const gantry_pack *pk, unsigned cls, gpf_keywords *k) {
    if (!pk->prefilter || cls >= GLS_MAX_CLASSES)
        return -1;
    uint32_t c = pk->prefilter->class_of[cls];
    if (class_ready(pk, pk->prefilter, c) != 0)
        return -1;
    const gpf_class *x = &pk->prefilter->classes[c];
    for (uint32_t e = 0; e < x->nentries; e++)
        if (x->entries[e].field == GPF_NONE && x->entries[e].root != GPF_NONE) {
            *k = (gpf_keywords){x, e, x->entries[e].root, x->ac.dfa == NULL};
            return 0;
        }
    return -1;
}

uint32_t gpf_keyword_literals(const gpf_keywords *k,
                              void (*each)(uint32_t id, const char *text, size_t len, void *user),
                              void *user) {
    const gpf_class *x = k->cls;
    uint32_t count = 0;
    for (uint32_t i = 0; i < x->nlits; i++)
        if (x->lits[i].entry == k->entry && x->lits[i].kind == GPF_SUB) {
            each(i, x->lits[i].text, x->lits[i].len, user);
            count++;
        }
    return count;
}

void gpf_keyword_scan(const gpf_keywords *k, const char *s, size_t n,
                      void (*hit)(void *user, uint32_t id), void *user) {
    ac_walk(&((const gpf_class *)k->cls)->ac, k->root, s, n, hit, user);
}
