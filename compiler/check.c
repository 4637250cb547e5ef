/* SPDX-License-Identifier: Apache-2.0 */
/* AST checks that need no lowering; see check.h. */
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_aliases.h"
#include "opcodes.h"

static bool is_encoding(gast_modifier m) {
    return m == GAST_MOD_BASE64 || m == GAST_MOD_BASE64OFFSET || m == GAST_MOD_WIDE ||
           m == GAST_MOD_UTF16BE || m == GAST_MOD_UTF16 || m == GAST_MOD_WINDASH;
}

/* Modifiers that say nothing about the value's type and may sit anywhere. */
static bool is_neutral(gast_modifier m) {
    return m == GAST_MOD_ALL || m == GAST_MOD_NEQ || m == GAST_MOD_EXPAND;
}

static bool is_time_part(gast_modifier m) {
    return m >= GAST_MOD_MINUTE && m <= GAST_MOD_YEAR;
}

static int cmp_op(gast_modifier m) {
    switch (m) {
    case GAST_MOD_LT:
        return GANTRY_OP_LT;
    case GAST_MOD_LTE:
        return GANTRY_OP_LTE;
    case GAST_MOD_GT:
        return GANTRY_OP_GT;
    case GAST_MOD_GTE:
        return GANTRY_OP_GTE;
    default:
        return 0;
    }
}

size_t gchk_chain_of(gdiag_sink *diag, const gast_pred *pred, gchk_chain *c) {
    memset(c, 0, sizeof *c);
    c->mods = pred->mods;
    c->mod_count = pred->mod_count;
    size_t errors = 0, typed_position = 0;
    int cmp_count = 0, time_count = 0;
    for (size_t i = 0; i < pred->mod_count; i++) {
        gast_modifier m = pred->mods[i];
        bool first_typed = typed_position == 0;
        if (!is_neutral(m))
            typed_position++;
        switch (m) {
        case GAST_MOD_RE:
            if (!first_typed) {
                gdiag_report(diag, GDIAG_ERROR, "E047", pred->loc,
                             "modifier `re` must come first in the chain");
                errors++;
            }
            c->re = true;
            break;
        case GAST_MOD_RE_I:
            c->re_i = true;
            break;
        case GAST_MOD_RE_M:
            c->re_m = true;
            break;
        case GAST_MOD_RE_S:
            c->re_s = true;
            break;
        case GAST_MOD_CONTAINS:
            c->contains = true;
            break;
        case GAST_MOD_STARTSWITH:
            c->startswith = true;
            break;
        case GAST_MOD_ENDSWITH:
            c->endswith = true;
            break;
        case GAST_MOD_CIDR:
            if (!first_typed) {
                gdiag_report(diag, GDIAG_ERROR, "E051", pred->loc,
                             "modifier `cidr` must come first in the chain");
                errors++;
            }
            c->cidr = true;
            break;
        case GAST_MOD_EXISTS:
            c->exists = true;
            break;
        case GAST_MOD_FIELDREF:
            c->fieldref = true;
            break;
        case GAST_MOD_CASED:
            c->cased = true;
            break;
        case GAST_MOD_ALL:
            c->all = true;
            break;
        case GAST_MOD_NEQ:
            c->neq = true;
            break;
        case GAST_MOD_EXPAND:
            c->expand = true;
            break;
        default:
            if (is_encoding(m)) {
                c->encodes = true;
            } else if (cmp_op(m)) {
                c->cmp = cmp_op(m);
                cmp_count++;
            } else if (is_time_part(m)) {
                time_count++;
            }
            break;
        }
    }
    bool stringy = c->contains || c->startswith || c->endswith || c->encodes || c->cased;
    if ((c->re_i || c->re_m || c->re_s) && !c->re) {
        gdiag_report(diag, GDIAG_ERROR, "E053", pred->loc,
                     "regex flags `i`, `m` and `s` need the modifier `re`");
        errors++;
    }
    if (c->exists && pred->mod_count != 1) {
        gdiag_report(diag, GDIAG_ERROR, "E048", pred->loc,
                     "modifier `exists` must be the only modifier of the item");
        errors++;
    }
    if (cmp_count > 1) {
        gdiag_report(diag, GDIAG_ERROR, "E058", pred->loc,
                     "only one of `lt`, `lte`, `gt`, `gte` may be used on one item");
        errors++;
    }
    /* Sigma: a time part turns the value into a number of that part, which
     * no other value modifier applies to */
    if (time_count && typed_position > 1) {
        gdiag_report(diag, GDIAG_ERROR, "E070", pred->loc,
                     "a time-part modifier (`minute`, `hour`, `day`, `week`, `month`, `year`) "
                     "takes no other value modifier; only `all` and `neq` may join it");
        errors++;
    }
    if (time_count && (!pred->field || strcmp(pred->field, "_") == 0)) {
        gdiag_report(diag, GDIAG_ERROR, "E059", pred->loc,
                     "keywords cannot use time-part modifiers; name a field");
        errors++;
    }
    const char *clash = NULL;
    if (c->re && (c->encodes || c->cidr || c->cmp || c->fieldref || c->exists))
        clash = "`re` cannot be combined with encodings, `cidr`, comparisons, `fieldref` or "
                "`exists`";
    else if (c->cidr && (stringy || c->cmp || c->fieldref || c->exists))
        clash = "`cidr` cannot be combined with string modifiers, comparisons or `fieldref`";
    else if (c->cmp && (stringy || c->fieldref || c->exists))
        clash = "comparison modifiers cannot be combined with string modifiers or `fieldref`";
    else if (c->fieldref && (c->encodes || c->exists))
        clash = "`fieldref` cannot be combined with encodings or `exists`";
    else if (c->re && c->cased)
        clash = "`re` is already case-sensitive; use `i` for a case-insensitive regex";
    if (clash) {
        gdiag_report(diag, GDIAG_ERROR, "E058", pred->loc, "%s", clash);
        errors++;
    }
    if ((!pred->field || strcmp(pred->field, "_") == 0) &&
        (c->re || c->cidr || c->cmp || c->fieldref || c->exists)) {
        gdiag_report(diag, GDIAG_ERROR, "E059", pred->loc,
                     "keywords cannot use `re`, `cidr`, comparisons, `fieldref` or `exists`; "
                     "name a field");
        errors++;
    }
    return errors;
}

static const char *rule_display(const gast_rule *r) {
    return r->name ? r->name : r->title ? r->title : "(unnamed)";
}

static int cmp_names(const void *a, const void *b) {
    const char *const *x = a, *const *y = b;
    return strcmp(*x, *y);
}

size_t gchk_unit(gdiag_sink *diag, const gast_unit *unit) {
    size_t errors = 0;
    for (size_t r = 0; r < unit->rule_count; r++) {
        const gast_rule *rule = unit->rules[r];
        if (!rule->condition) {
            gdiag_report(diag, GDIAG_ERROR, "E043", rule->loc, "rule `%s` has no condition",
                         rule_display(rule));
            errors++;
        }
        for (size_t i = 0; i < rule->selection_count; i++)
            for (size_t j = 0; j < i; j++)
                if (strcmp(rule->selections[i]->name, rule->selections[j]->name) == 0) {
                    gdiag_report(diag, GDIAG_ERROR, "E042", rule->selections[i]->loc,
                                 "duplicate selection `%s` in rule `%s`", rule->selections[i]->name,
                                 rule_display(rule));
                    errors++;
                    break;
                }
        if (!rule->id)
            continue;
        for (size_t p = 0; p < r; p++)
            if (unit->rules[p]->id && strcmp(unit->rules[p]->id, rule->id) == 0) {
                gdiag_report(diag, GDIAG_WARNING, "W021", rule->loc,
                             "rule id %s is already used by rule `%s` (%s:%d)", rule->id,
                             rule_display(unit->rules[p]), unit->rules[p]->loc.file,
                             unit->rules[p]->loc.line);
                break;
            }
    }
    /* duplicate list and macro names: sort a copy of the names, then report
     * each later definition in source order */
    for (int kind = 0; kind < 2; kind++) {
        size_t n = kind ? unit->macro_count : unit->list_count;
        if (n < 2)
            continue;
        const char **names = malloc(n * sizeof *names);
        if (!names) {
            gdiag_set_oom(diag);
            return errors;
        }
        for (size_t i = 0; i < n; i++)
            names[i] = kind ? unit->macros[i]->name : unit->lists[i]->name;
        qsort(names, n, sizeof *names, cmp_names);
        bool any_dup = false;
        for (size_t i = 1; i < n && !any_dup; i++)
            any_dup = strcmp(names[i], names[i - 1]) == 0;
        free(names);
        if (!any_dup)
            continue;
        for (size_t i = 0; i < n; i++) {
            const char *name = kind ? unit->macros[i]->name : unit->lists[i]->name;
            for (size_t j = 0; j < i; j++) {
                const char *other = kind ? unit->macros[j]->name : unit->lists[j]->name;
                if (strcmp(name, other) != 0)
                    continue;
                gast_loc here = kind ? unit->macros[i]->loc : unit->lists[i]->loc;
                gast_loc there = kind ? unit->macros[j]->loc : unit->lists[j]->loc;
                gdiag_report(diag, GDIAG_ERROR, kind ? "E065" : "E064", here,
                             "%s `%s` is already defined at %s:%d", kind ? "macro" : "list", name,
                             there.file, there.line);
                errors++;
                break;
            }
        }
    }
    return errors;
}

static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return SIZE_MAX;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag_prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            size_t best = diag_prev + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag_prev = above;
            row[j] = best;
        }
    }
    return row[lb];
}

const char *gchk_suggest(const char *name, const char *const *candidates, size_t count) {
    size_t limit = strlen(name) / 3;
    if (limit < 1)
        limit = 1;
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; i < count; i++) {
        if (!candidates[i])
            continue;
        size_t d = edit_distance(name, candidates[i]);
        if (d <= limit && d < best_d) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}

static bool glob_full(const char *p, const char *s) {
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == 0;
}

bool gchk_pattern_matches(const char *pattern, const char *name) {
    if (name[0] == '_' && pattern[0] != '_')
        return false;
    if (strcmp(pattern, "them") == 0)
        return true;
    return glob_full(pattern, name);
}

/* "product=kubernetes service=audit": the rule's logsource, for messages. */
static void logsource_text(const gast_rule *r, char *out, size_t size) {
    const char *keys[] = {"product", "service", "category"};
    const char *vals[] = {r->logsource_product, r->logsource_service, r->logsource_category};
    size_t len = 0;
    out[0] = 0;
    for (int k = 0; k < 3; k++)
        if (vals[k] && *vals[k] && len < size) {
            int n = snprintf(out + len, size - len, "%s%s=%s", len ? " " : "", keys[k], vals[k]);
            len += n > 0 ? (size_t)n : 0;
        }
}

static bool seen_before(const gast_rule *rule, size_t sel, size_t alt, size_t pred) {
    const char *field = rule->selections[sel]->alts[alt]->preds[pred]->field;
    for (size_t s = 0; s <= sel; s++)
        for (size_t a = 0; a < rule->selections[s]->alt_count; a++) {
            const gast_map *m = rule->selections[s]->alts[a];
            for (size_t p = 0; p < m->pred_count; p++) {
                if (s == sel && a == alt && p == pred)
                    return false;
                if (m->preds[p]->field && strcmp(m->preds[p]->field, field) == 0)
                    return true;
            }
        }
    return false;
}

size_t gchk_fields(gdiag_sink *diag, const gast_unit *unit, const gcomp_options *options) {
    if (!options || !options->field_known)
        return 0;
    size_t warnings = 0;
    for (size_t r = 0; r < unit->rule_count; r++) {
        const gast_rule *rule = unit->rules[r];
        for (size_t s = 0; s < rule->selection_count; s++)
            for (size_t a = 0; a < rule->selections[s]->alt_count; a++) {
                const gast_map *m = rule->selections[s]->alts[a];
                for (size_t p = 0; p < m->pred_count; p++) {
                    const gast_pred *pred = m->preds[p];
                    if (!pred->field || strcmp(pred->field, "_") == 0 || seen_before(rule, s, a, p))
                        continue;
                    const char *alias = galias_resolve(pred->field);
                    const char *field = alias ? alias : pred->field;
                    const char *suggestion = NULL;
                    int known =
                        options->field_known(rule->logsource_product, rule->logsource_service,
                                             rule->logsource_category, field, &suggestion);
                    if (known < 0)
                        break; /* nothing is known about this logsource */
                    if (known)
                        continue;
                    char ls[256];
                    logsource_text(rule, ls, sizeof ls);
                    gdiag_report(diag, GDIAG_WARNING, "W030", pred->field_loc,
                                 "no source of logsource `%s` fills field `%s`%s%s%s", ls,
                                 pred->field, suggestion ? "; did you mean `" : "",
                                 suggestion ? suggestion : "", suggestion ? "`?" : "");
                    warnings++;
                }
            }
    }
    return warnings;
}

/* ---- unused lists and macros (W032, W033) ---------------------------------- */

static void mark_pred(const gast_unit *unit, const gast_pred *p, bool *list_used) {
    if (!p || !p->list_ref)
        return;
    for (size_t i = 0; i < unit->list_count; i++)
        if (strcmp(unit->lists[i]->name, p->list_ref) == 0)
            list_used[i] = true;
}

static void mark_cond(const gast_unit *unit, const gast_cond *c, bool *list_used,
                      bool *macro_used) {
    for (; c; c = c->right) {
        mark_pred(unit, c->pred, list_used);
        if (c->kind == GAST_COND_REF && c->name)
            for (size_t i = 0; i < unit->macro_count; i++)
                if (strcmp(unit->macros[i]->name, c->name) == 0)
                    macro_used[i] = true;
        mark_cond(unit, c->left, list_used, macro_used);
    }
}

size_t gchk_unused(gdiag_sink *diag, const gast_unit *unit) {
    bool *list_used = calloc(unit->list_count + 1, sizeof *list_used);
    bool *macro_used = calloc(unit->macro_count + 1, sizeof *macro_used);
    size_t warnings = 0;
    if (!list_used || !macro_used) {
        free(list_used);
        free(macro_used);
        gdiag_set_oom(diag);
        return 0;
    }
    for (size_t r = 0; r < unit->rule_count; r++) {
        const gast_rule *rule = unit->rules[r];
        mark_cond(unit, rule->condition, list_used, macro_used);
        for (size_t s = 0; s < rule->selection_count; s++)
            for (size_t a = 0; a < rule->selections[s]->alt_count; a++) {
                const gast_map *m = rule->selections[s]->alts[a];
                for (size_t p = 0; p < m->pred_count; p++)
                    mark_pred(unit, m->preds[p], list_used);
            }
    }
    for (size_t i = 0; i < unit->macro_count; i++)
        mark_cond(unit, unit->macros[i]->body, list_used, macro_used);
    /* a macro only used by unused macros is still reported as used: the
     * unused one that uses it is reported */
    for (size_t i = 0; i < unit->list_count; i++)
        if (!list_used[i]) {
            gdiag_report(diag, GDIAG_WARNING, "W032", unit->lists[i]->loc,
                         "list `%s` is used by no rule", unit->lists[i]->name);
            warnings++;
        }
    for (size_t i = 0; i < unit->macro_count; i++)
        if (!macro_used[i]) {
            gdiag_report(diag, GDIAG_WARNING, "W033", unit->macros[i]->loc,
                         "macro `%s` is used by no rule", unit->macros[i]->name);
            warnings++;
        }
    free(list_used);
    free(macro_used);
    return warnings;
}
