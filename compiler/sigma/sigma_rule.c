/* SPDX-License-Identifier: Apache-2.0 */
/* One Sigma rule document (a typed YAML tree) -> one gast_rule: metadata,
 * logsource, search identifiers as selections, the condition parsed. The
 * shapes follow pySigma's SigmaDetection.from_definition (SEMANTICS.md §2). */
#include <stdlib.h>
#include <string.h>
#include "parse_state.h"
#include "sigma_internal.h"

typedef struct build_ctx {
    gast_unit *unit;
    gdiag_sink *diag;
    const char *file;
    int errors;
    bool oom;
} build_ctx;

static void error_at(build_ctx *b, const gsigma_node *at, const char *code, const char *fmt,
                     const char *arg1, const char *arg2) {
    gdiag_report(b->diag, GDIAG_ERROR, code, gsigma_loc(b->file, at), fmt, arg1 ? arg1 : "",
                 arg2 ? arg2 : "");
    b->errors++;
}

static const char *kind_name(const gsigma_node *n) {
    return n->kind == GSIGMA_MAP ? "a map" : n->kind == GSIGMA_SEQ ? "a list" : "a scalar";
}

/* ---- values and predicates ---- */

static gast_value *make_value(build_ctx *b, const gsigma_node *n, bool raw) {
    gast_loc loc = gsigma_loc(b->file, n);
    gast_value *v = NULL;
    char *text;
    switch (n->type) {
    case GSIGMA_STR:
        if (!(text = gsigma_strdup(n->text)))
            break;
        if (!(v = gast_value_string(text, loc)))
            free(text);
        else
            v->raw = raw;
        break;
    case GSIGMA_INT:
    case GSIGMA_FLOAT:
        if (n->number != n->number || n->number - n->number != 0) {
            error_at(b, n, "E117", "non-finite number '%s' in a detection value%s", n->text, NULL);
            return NULL;
        }
        if (!(text = gsigma_strdup(n->num_text)))
            break;
        if (!(v = gast_value_number(n->number, text, loc)))
            free(text);
        break;
    case GSIGMA_BOOL:
        v = gast_value_bool(n->boolean, loc);
        break;
    case GSIGMA_NULL:
        v = gast_value_null(loc);
        break;
    }
    if (!v)
        b->oom = true;
    return v;
}

static bool push_value(build_ctx *b, gast_pred *pred, const gsigma_node *n, bool raw) {
    gast_value *v = make_value(b, n, raw);
    if (!v)
        return false;
    if (!gast_push(&pred->values, &pred->value_count, &pred->value_cap, v)) {
        gast_value_free(v);
        b->oom = true;
        return false;
    }
    return true;
}

/* Split `field|mod|mod` into the predicate's field and modifiers. */
static bool parse_key(build_ctx *b, const gsigma_node *key, gast_pred *pred) {
    const char *text = key->text;
    const char *bar = strchr(text, '|');
    size_t field_len = bar ? (size_t)(bar - text) : strlen(text);
    if (field_len > 0) {
        pred->field = malloc(field_len + 1);
        if (!pred->field) {
            b->oom = true;
            return false;
        }
        memcpy(pred->field, text, field_len);
        pred->field[field_len] = 0;
    }
    while (bar) {
        const char *start = bar + 1;
        bar = strchr(start, '|');
        size_t len = bar ? (size_t)(bar - start) : strlen(start);
        char name[64];
        if (len == 0 || len >= sizeof name) {
            error_at(b, key, "E108", "empty or overlong modifier in '%s'%s", text, NULL);
            return false;
        }
        memcpy(name, start, len);
        name[len] = 0;
        int mod = gast_modifier_lookup(name);
        if (mod < 0) {
            const char *names[GAST_MOD__COUNT];
            for (int i = 0; i < GAST_MOD__COUNT; i++)
                names[i] = gast_modifier_name((gast_modifier)i);
            const char *hint = gparse_suggest(name, names, GAST_MOD__COUNT);
            gdiag_report(b->diag, GDIAG_ERROR, "E108", gsigma_loc(b->file, key),
                         "unknown modifier '%s' in '%s'%s%s%s", name, text,
                         hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
            b->errors++;
            return false;
        }
        gast_modifier *mods = realloc(pred->mods, (pred->mod_count + 1) * sizeof *mods);
        if (!mods) {
            b->oom = true;
            return false;
        }
        pred->mods = mods;
        pred->mods[pred->mod_count++] = (gast_modifier)mod;
        pred->mod_cap = pred->mod_count;
    }
    return true;
}

static bool has_modifier(const gast_pred *pred, gast_modifier mod) {
    for (size_t i = 0; i < pred->mod_count; i++)
        if (pred->mods[i] == mod)
            return true;
    return false;
}

/* One `key: value` item of a detection map. */
static gast_pred *build_pred(build_ctx *b, const gsigma_node *key, const gsigma_node *value) {
    gast_pred *pred = gast_pred_new(NULL, gsigma_loc(b->file, key));
    if (!pred) {
        b->oom = true;
        return NULL;
    }
    pred->field_loc = gsigma_loc(b->file, key);
    if (!parse_key(b, key, pred))
        goto fail;
    pred->field_loc.len = pred->field ? (int)strlen(pred->field) : 1;
    bool raw = has_modifier(pred, GAST_MOD_RE);
    if (value->kind == GSIGMA_MAP) {
        error_at(b, value, "E117",
                 "the value of '%s' is a map; Sigma values are scalars or lists%s", key->text,
                 NULL);
        goto fail;
    }
    if (value->kind == GSIGMA_SCALAR) {
        if (!push_value(b, pred, value, raw))
            goto fail;
    } else {
        if (value->count == 0)
            pred->empty_list = true;
        for (size_t i = 0; i < value->count; i++) {
            const gsigma_node *item = value->items[i];
            if (item->kind != GSIGMA_SCALAR) {
                error_at(b, item, "E117", "a value in the list of '%s' is %s; expected a scalar",
                         key->text, kind_name(item));
                goto fail;
            }
            if (!push_value(b, pred, item, raw))
                goto fail;
        }
    }
    if (!pred->field) {
        bool has_null = pred->empty_list;
        for (size_t i = 0; i < pred->value_count; i++)
            has_null |= pred->values[i]->kind == GAST_NULL;
        if (has_null) {
            error_at(b, key, "E118", "a null value must be bound to a field (keyword '%s')",
                     key->text, NULL);
            goto fail;
        }
    }
    return pred;
fail:
    gast_pred_free(pred);
    return NULL;
}

static gast_map *build_map(build_ctx *b, const gsigma_node *node) {
    if (node->count == 0) {
        error_at(b, node, "E107", "detection is empty (an empty map)%s%s", NULL, NULL);
        return NULL;
    }
    gast_map *map = gast_map_new(gsigma_loc(b->file, node));
    if (!map) {
        b->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < node->count; i++) {
        gast_pred *pred = build_pred(b, node->keys[i], node->items[i]);
        if (!pred) {
            gast_map_free(map);
            return NULL;
        }
        if (!gast_push(&map->preds, &map->pred_count, &map->pred_cap, pred)) {
            gast_pred_free(pred);
            gast_map_free(map);
            b->oom = true;
            return NULL;
        }
    }
    return map;
}

/* A keyword alternative: a map holding one field-less predicate. */
static gast_map *keyword_map(build_ctx *b, const gsigma_node *value) {
    if (value->type == GSIGMA_NULL) {
        error_at(b, value, "E118", "a null value must be bound to a field (null keyword)%s%s", NULL,
                 NULL);
        return NULL;
    }
    gast_map *map = gast_map_new(gsigma_loc(b->file, value));
    gast_pred *pred = gast_pred_new(NULL, gsigma_loc(b->file, value));
    if (!map || !pred) {
        b->oom = true;
        goto fail;
    }
    pred->field_loc = pred->loc;
    if (!push_value(b, pred, value, false))
        goto fail;
    if (!gast_push(&map->preds, &map->pred_count, &map->pred_cap, pred)) {
        b->oom = true;
        goto fail;
    }
    return map;
fail:
    gast_pred_free(pred);
    gast_map_free(map);
    return NULL;
}

static bool push_alt(build_ctx *b, gast_selection *sel, gast_map *map) {
    if (!map)
        return false;
    if (!gast_push(&sel->alts, &sel->alt_count, &sel->alt_cap, map)) {
        gast_map_free(map);
        b->oom = true;
        return false;
    }
    return true;
}

static gast_selection *build_selection(build_ctx *b, const gsigma_node *key,
                                       const gsigma_node *def) {
    char *name = gsigma_strdup(key->text);
    gast_selection *sel = name ? gast_selection_new(name, gsigma_loc(b->file, key)) : NULL;
    if (!sel) {
        free(name);
        b->oom = true;
        return NULL;
    }
    if (def->kind == GSIGMA_MAP) {
        if (!push_alt(b, sel, build_map(b, def)))
            goto fail;
        return sel;
    }
    sel->is_list = true;
    if (def->kind == GSIGMA_SCALAR) {
        if (!push_alt(b, sel, keyword_map(b, def)))
            goto fail;
        return sel;
    }
    if (def->count == 0) {
        error_at(b, def, "E107", "search identifier '%s' is an empty list%s", key->text, NULL);
        goto fail;
    }
    for (size_t i = 0; i < def->count; i++) {
        const gsigma_node *item = def->items[i];
        gast_map *map = NULL;
        if (item->kind == GSIGMA_MAP)
            map = build_map(b, item);
        else if (item->kind == GSIGMA_SCALAR)
            map = keyword_map(b, item);
        else
            error_at(b, item, "E107", "a list inside the list of '%s' is not a Sigma detection%s",
                     key->text, NULL);
        if (!push_alt(b, sel, map))
            goto fail;
    }
    return sel;
fail:
    gast_selection_free(sel);
    return NULL;
}

static gast_cond *build_condition(build_ctx *b, const gsigma_node *cond) {
    if (cond->kind == GSIGMA_SCALAR) {
        gast_cond *c =
            gsigma_cond_parse(cond->text, gsigma_loc(b->file, cond), cond->quoted, b->diag);
        if (!c)
            b->errors++;
        return c;
    }
    if (cond->kind == GSIGMA_SEQ && cond->count > 0) {
        /* A list of conditions means separate queries; for a matcher, any. */
        gast_cond *all = NULL;
        for (size_t i = 0; i < cond->count; i++) {
            const gsigma_node *item = cond->items[i];
            if (item->kind != GSIGMA_SCALAR) {
                error_at(b, item, "E109", "a condition list holds %s; expected strings%s",
                         kind_name(item), NULL);
                gast_cond_free(all);
                return NULL;
            }
            gast_cond *c = build_condition(b, item);
            if (!c) {
                gast_cond_free(all);
                return NULL;
            }
            if (!all) {
                all = c;
                continue;
            }
            gast_cond * or = gast_cond_new(GAST_COND_OR, c->loc);
            if (! or) {
                b->oom = true;
                gast_cond_free(all);
                gast_cond_free(c);
                return NULL;
            }
            or->left = all;
            or->right = c;
            all = or ;
        }
        return all;
    }
    error_at(b, cond, "E109", "the condition is %s; expected a string or a list of strings%s",
             kind_name(cond), NULL);
    return NULL;
}

int gsigma_detection_build(gast_unit *unit, gdiag_sink *diag, const char *file,
                           const gsigma_node *detection, gast_selection ***sels, size_t *sel_count,
                           size_t *sel_cap, gast_cond **condition, gast_loc *condition_loc) {
    build_ctx b = {unit, diag, file, 0, false};
    if (detection->kind != GSIGMA_MAP) {
        error_at(&b, detection, "E107", "`detection` is %s; expected a map%s", kind_name(detection),
                 NULL);
        return b.errors;
    }
    const gsigma_node *cond = NULL;
    for (size_t i = 0; i < detection->count && !b.oom; i++) {
        const gsigma_node *key = detection->keys[i];
        if (strcmp(key->text, "condition") == 0) {
            cond = detection->items[i];
            continue;
        }
        if (strcmp(key->text, "timeframe") == 0) {
            gdiag_report(diag, GDIAG_WARNING, "W051", gsigma_loc(file, key),
                         "`timeframe` in a detection belongs to legacy aggregations; ignored");
            continue;
        }
        gast_selection *sel = build_selection(&b, key, detection->items[i]);
        if (sel && !gast_push(sels, sel_count, sel_cap, sel)) {
            gast_selection_free(sel);
            b.oom = true;
        }
    }
    if (b.oom)
        return -1;
    if (!cond) {
        error_at(&b, detection, "E106", "the detection has no `condition`%s%s", NULL, NULL);
        return b.errors;
    }
    *condition_loc = gsigma_loc(file, cond);
    *condition = build_condition(&b, cond);
    return b.oom ? -1 : b.errors;
}

/* ---- metadata ---- */

static bool meta_string(build_ctx *b, const gsigma_node *doc, const char *key, char **out) {
    const gsigma_node *n = gsigma_map_get(doc, key);
    if (!n || (n->kind == GSIGMA_SCALAR && n->type == GSIGMA_NULL))
        return true;
    if (n->kind != GSIGMA_SCALAR) {
        error_at(b, n, "E112", "`%s` is %s; expected a string", key, kind_name(n));
        return false;
    }
    if (!(*out = gsigma_strdup(n->text)))
        b->oom = true;
    return *out != NULL;
}

static bool meta_strings(build_ctx *b, const gsigma_node *doc, const char *key, gast_strings *out) {
    const gsigma_node *n = gsigma_map_get(doc, key);
    if (!n || (n->kind == GSIGMA_SCALAR && n->type == GSIGMA_NULL))
        return true;
    if (n->kind == GSIGMA_SCALAR) {
        if (!gast_strings_push(out, n->text))
            b->oom = true;
        return !b->oom;
    }
    if (n->kind != GSIGMA_SEQ) {
        error_at(b, n, "E112", "`%s` is %s; expected a list of strings", key, kind_name(n));
        return false;
    }
    for (size_t i = 0; i < n->count; i++) {
        const gsigma_node *item = n->items[i];
        if (item->kind != GSIGMA_SCALAR) {
            error_at(b, item, "E112", "an item of `%s` is %s; expected a string", key,
                     kind_name(item));
            return false;
        }
        if (item->type == GSIGMA_NULL)
            continue;
        if (!gast_strings_push(out, item->text)) {
            b->oom = true;
            return false;
        }
    }
    return true;
}

static bool meta_level(build_ctx *b, const gsigma_node *doc, gast_level *out) {
    static const char *const names[] = {"informational", "low", "medium", "high", "critical"};
    const gsigma_node *n = gsigma_map_get(doc, "level");
    *out = GAST_LEVEL_UNSET;
    if (!n || (n->kind == GSIGMA_SCALAR && n->type == GSIGMA_NULL))
        return true;
    for (int i = 0; n->kind == GSIGMA_SCALAR && i < 5; i++)
        if (strcmp(n->text, names[i]) == 0) {
            *out = (gast_level)i;
            return true;
        }
    const char *hint = n->kind == GSIGMA_SCALAR ? gparse_suggest(n->text, names, 5) : NULL;
    gdiag_report(b->diag, GDIAG_ERROR, "E112", gsigma_loc(b->file, n),
                 "unknown level '%s' (expected informational, low, medium, high or critical)%s%s%s",
                 n->kind == GSIGMA_SCALAR ? n->text : "", hint ? "; did you mean '" : "",
                 hint ? hint : "", hint ? "'?" : "");
    b->errors++;
    return false;
}

static bool logsource(build_ctx *b, const gsigma_node *doc, gast_rule *rule) {
    const gsigma_node *ls = gsigma_map_get(doc, "logsource");
    if (!ls)
        return true;
    if (ls->kind != GSIGMA_MAP) {
        error_at(b, ls, "E112", "`logsource` is %s; expected a map%s", kind_name(ls), NULL);
        return false;
    }
    return meta_string(b, ls, "product", &rule->logsource_product) &&
           meta_string(b, ls, "category", &rule->logsource_category) &&
           meta_string(b, ls, "service", &rule->logsource_service);
}

static void warn_at(build_ctx *b, const gsigma_node *at, const char *code, const char *fmt,
                    const char *arg) {
    gdiag_report(b->diag, GDIAG_WARNING, code, gsigma_loc(b->file, at), fmt, arg ? arg : "");
}

static bool is_uuid(const char *s) {
    static const int dash[] = {8, 13, 18, 23};
    if (strlen(s) != 36)
        return false;
    for (int i = 0, d = 0; i < 36; i++) {
        if (d < 4 && i == dash[d]) {
            if (s[i] != '-')
                return false;
            d++;
        } else if (!strchr("0123456789abcdefABCDEF", s[i])) {
            return false;
        }
    }
    return true;
}

/* YYYY-MM-DD (1 when so), YYYY/MM/DD, Sigma's old form (2), else 0. */
static int date_form(const char *s) {
    if (strlen(s) != 10)
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
    if (month < 1 || month > 12 || day < 1 || day > 31 || s[4] != s[7])
        return 0;
    return s[4] == '-' ? 1 : s[4] == '/' ? 2 : 0;
}

/* Metadata as the Sigma specification writes it (warnings: W054-W058). A
 * missing level reads as medium, as for native rules. */
static void check_metadata(build_ctx *b, const gsigma_node *doc, const gast_rule *rule) {
    static const char *const statuses[] = {"stable", "test", "experimental", "deprecated",
                                           "unsupported"};
    const gsigma_node *id = gsigma_map_get(doc, "id");
    if (!rule->id)
        warn_at(b, doc, "W054", "the rule has no `id`; Sigma rules are named by a UUID%s", NULL);
    else if (!is_uuid(rule->id))
        warn_at(b, id, "W054", "`id` '%s' is not a UUID", rule->id);
    if (!rule->title)
        warn_at(b, doc, "W055", "the rule has no `title`%s", NULL);
    if (rule->level == GAST_LEVEL_UNSET)
        warn_at(b, doc, "W056", "the rule has no `level`; it is reported as medium%s", NULL);
    const gsigma_node *status = gsigma_map_get(doc, "status");
    if (rule->status) {
        bool known = false;
        for (size_t i = 0; i < 5 && !known; i++)
            known = strcmp(rule->status, statuses[i]) == 0;
        if (!known) {
            const char *hint = gparse_suggest(rule->status, statuses, 5);
            gdiag_report(b->diag, GDIAG_WARNING, "W057", gsigma_loc(b->file, status),
                         "unknown status '%s' (stable, test, experimental, deprecated or "
                         "unsupported)%s%s%s",
                         rule->status, hint ? "; did you mean '" : "", hint ? hint : "",
                         hint ? "'?" : "");
        }
    }
    const char *keys[] = {"date", "modified"};
    const char *vals[] = {rule->date, rule->modified};
    for (int k = 0; k < 2; k++) {
        if (!vals[k])
            continue;
        int form = date_form(vals[k]);
        if (form != 1)
            gdiag_report(b->diag, GDIAG_WARNING, "W058",
                         gsigma_loc(b->file, gsigma_map_get(doc, keys[k])),
                         form == 2 ? "`%s` %s uses the old YYYY/MM/DD form; Sigma writes YYYY-MM-DD"
                                   : "`%s` %s is not a date of the form YYYY-MM-DD",
                         keys[k], vals[k]);
    }
}

/* A condition naming no search identifier (E040, as for native rules): the
 * rule never reaches the compiler's check when it has other errors, so the
 * front end reports it itself, with "did you mean". */
static void check_refs(build_ctx *b, const gsigma_node *detection, const gast_cond *c) {
    if (!c)
        return;
    if (c->kind == GAST_COND_REF && c->name) {
        /* the identifiers as written: one that failed to build is still there */
        const char *names[256];
        size_t n = 0;
        for (size_t i = 0; detection->kind == GSIGMA_MAP && i < detection->count; i++) {
            const gsigma_node *k = detection->keys[i];
            if (k->kind != GSIGMA_SCALAR || strcmp(k->text, "condition") == 0)
                continue;
            if (strcmp(k->text, c->name) == 0)
                return;
            if (n < 256)
                names[n++] = k->text;
        }
        const char *hint = gparse_suggest(c->name, names, n);
        gdiag_report(b->diag, GDIAG_ERROR, "E040", c->loc,
                     "the condition names `%s`, which is no search identifier of the rule%s%s%s",
                     c->name, hint ? "; did you mean `" : "", hint ? hint : "", hint ? "`?" : "");
        b->errors++;
        return;
    }
    check_refs(b, detection, c->left);
    check_refs(b, detection, c->right);
}

gast_rule *gsigma_rule_build(gast_unit *unit, gdiag_sink *diag, const char *file,
                             const gsigma_node *doc, const char *name, int *failed) {
    build_ctx b = {unit, diag, file, 0, false};
    *failed = 0;
    gast_rule *rule = gast_rule_new(gsigma_loc(file, doc));
    if (!rule || !(rule->name = gsigma_strdup(name))) {
        gast_rule_free(rule);
        *failed = -1;
        return NULL;
    }
    /* every item is checked, so one run reports every mistake of the rule */
    bool ok = meta_string(&b, doc, "id", &rule->id);
    ok = meta_string(&b, doc, "title", &rule->title) && ok;
    ok = meta_string(&b, doc, "description", &rule->description) && ok;
    ok = meta_string(&b, doc, "status", &rule->status) && ok;
    ok = meta_level(&b, doc, &rule->level) && ok;
    ok = meta_string(&b, doc, "author", &rule->author) && ok;
    ok = meta_string(&b, doc, "date", &rule->date) && ok;
    ok = meta_string(&b, doc, "modified", &rule->modified) && ok;
    ok = meta_string(&b, doc, "license", &rule->license) && ok;
    ok = meta_strings(&b, doc, "references", &rule->references) && ok;
    ok = meta_strings(&b, doc, "tags", &rule->tags) && ok;
    ok = meta_strings(&b, doc, "falsepositives", &rule->falsepositives) && ok;
    ok = meta_strings(&b, doc, "fields", &rule->fields) && ok;
    ok = logsource(&b, doc, rule) && ok;
    if (ok)
        check_metadata(&b, doc, rule);
    if (ok && !rule->license && !(rule->license = gsigma_strdup("DRL-1.1")))
        b.oom = true;
    const gsigma_node *detection = gsigma_map_get(doc, "detection");
    if (!b.oom) {
        if (!detection) {
            error_at(&b, doc, "E105", "the Sigma rule '%s' has no `detection`%s", name, NULL);
        } else {
            int n = gsigma_detection_build(unit, diag, file, detection, &rule->selections,
                                           &rule->selection_count, &rule->selection_cap,
                                           &rule->condition, &rule->condition_loc);
            if (n < 0)
                b.oom = true;
            else
                b.errors += n;
            if (!b.oom)
                check_refs(&b, detection, rule->condition);
        }
    }
    if (b.oom || b.errors || !ok) {
        gast_rule_free(rule);
        *failed = b.oom ? -1 : (b.errors ? b.errors : 1);
        return NULL;
    }
    return rule;
}
