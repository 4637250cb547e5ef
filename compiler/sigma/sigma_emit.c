/* SPDX-License-Identifier: Apache-2.0 */
/* A rule tree printed as native rule text (docs/language.md), written so
 * the native parser reads it back into the same tree: strings are always
 * double-quoted with every backslash doubled, `|re` values are raw strings
 * when they can be, and the condition gets parentheses exactly where the
 * tree's shape differs from what precedence and left association give. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "numtext.h"
#include "sigma_internal.h"

static const char *const reserved[] = {
    "rule", "list", "macro", "include", "selection", "condition", "and",  "or", "not", "in",
    "of",   "all",  "any",   "them",    "true",      "false",     "null", "r",  NULL};

static bool is_reserved(const char *s, size_t len) {
    for (const char *const *w = reserved; *w; w++)
        if (strlen(*w) == len && memcmp(*w, s, len) == 0)
            return true;
    return false;
}

static bool is_identifier(const char *s, size_t len) {
    if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return false;
    return true;
}

static void put_string(FILE *out, const char *s) {
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

/* A raw string keeps every character, so it cannot hold its own quote or a
 * line break. */
static bool put_raw(FILE *out, const char *s) {
    bool dq = strchr(s, '"') != NULL, sq = strchr(s, '\'') != NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    if (dq && sq)
        return false;
    char q = dq ? '\'' : '"';
    fprintf(out, "r%c%s%c", q, s, q);
    return true;
}

static bool put_value(FILE *out, const gast_value *v) {
    switch (v->kind) {
    case GAST_STRING:
        if (v->raw) {
            /* A raw string cannot hold both quote characters; the escaped
             * form gives the same text, and a regex never reads wildcards,
             * so only the raw flag differs. */
            if (!put_raw(out, v->text))
                put_string(out, v->text);
        } else {
            put_string(out, v->text);
        }
        return true;
    case GAST_NUMBER:
        fputs(v->text, out);
        return true;
    case GAST_BOOL:
        fputs(v->boolean ? "true" : "false", out);
        return true;
    case GAST_NULL:
        fputs("null", out);
        return true;
    }
    return false;
}

/* Dotted path: each component an identifier, or backtick-quoted. */
static bool put_field(FILE *out, const char *field, const char **why) {
    if (!field) {
        fputc('_', out);
        return true;
    }
    const char *p = field;
    bool first = true;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (!first)
            fputc('.', out);
        bool plain = first ? is_identifier(p, len) && !is_reserved(p, len)
                           : len > 0 && strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
                                                  "wxyz0123456789_") >= len;
        if (first && len == 1 && p[0] == '_')
            plain = false; /* `_` alone is the keyword field */
        if (plain) {
            fwrite(p, 1, len, out);
        } else {
            if (len == 0 || memchr(p, '`', len) || memchr(p, '\n', len)) {
                *why = "a field name has an empty component, a backtick or a line break";
                return false;
            }
            fputc('`', out);
            fwrite(p, 1, len, out);
            fputc('`', out);
        }
        first = false;
        if (!dot)
            return true;
        p = dot + 1;
    }
}

static bool put_pred(FILE *out, const gast_pred *pred, const char *indent, const char **why) {
    if (!put_field(out, pred->field, why))
        return false;
    for (size_t i = 0; i < pred->mod_count; i++)
        fprintf(out, "|%s", gast_modifier_name(pred->mods[i]));
    if (pred->list_ref) {
        fprintf(out, " %sin %s", pred->negated ? "not " : "", pred->list_ref);
        return true;
    }
    fputs(": ", out);
    if (pred->empty_list && pred->value_count == 0) {
        fputs("[]", out);
        return true;
    }
    if (pred->value_count == 1)
        return put_value(out, pred->values[0]);
    bool long_list = pred->value_count > 4;
    fputc('[', out);
    for (size_t i = 0; i < pred->value_count; i++) {
        if (long_list)
            fprintf(out, "\n%s    ", indent);
        if (!put_value(out, pred->values[i]))
            return false;
        if (i + 1 < pred->value_count)
            fputs(long_list ? "," : ", ", out);
    }
    if (long_list)
        fprintf(out, "\n%s", indent);
    fputc(']', out);
    return true;
}

static bool put_map(FILE *out, const gast_map *map, const char *indent, const char **why) {
    char inner[64];
    snprintf(inner, sizeof inner, "%s    ", indent);
    fputs("{\n", out);
    for (size_t i = 0; i < map->pred_count; i++) {
        fputs(inner, out);
        if (!put_pred(out, map->preds[i], inner, why))
            return false;
        fputc('\n', out);
    }
    fprintf(out, "%s}", indent);
    return true;
}

static bool plain_keyword(const gast_map *map) {
    return map->pred_count == 1 && !map->preds[0]->field && map->preds[0]->mod_count == 0 &&
           map->preds[0]->value_count == 1 && !map->preds[0]->list_ref;
}

static bool put_selection(FILE *out, const gast_selection *sel, const char **why) {
    size_t len = strlen(sel->name);
    if (!is_identifier(sel->name, len)) {
        *why = "a search identifier is not a native identifier";
        return false;
    }
    fprintf(out, "    selection %s: ", sel->name);
    if (!sel->is_list && sel->alt_count == 1)
        return put_map(out, sel->alts[0], "    ", why) && fputc('\n', out) != EOF;
    fputs("[\n", out);
    for (size_t i = 0; i < sel->alt_count; i++) {
        fputs("        ", out);
        const gast_map *map = sel->alts[i];
        bool ok = plain_keyword(map) ? put_value(out, map->preds[0]->values[0])
                                     : put_map(out, map, "        ", why);
        if (!ok)
            return false;
        fputs(i + 1 < sel->alt_count ? ",\n" : "\n", out);
    }
    fputs("    ]\n", out);
    return true;
}

static int precedence(const gast_cond *c) {
    switch (c->kind) {
    case GAST_COND_OR:
        return 0;
    case GAST_COND_AND:
        return 1;
    case GAST_COND_NOT:
        return 2;
    default:
        return 3;
    }
}

static bool put_cond(FILE *out, const gast_cond *c, int min_prec, const char **why) {
    bool parens = precedence(c) < min_prec;
    if (parens)
        fputc('(', out);
    bool ok = true;
    switch (c->kind) {
    case GAST_COND_OR:
    case GAST_COND_AND: {
        int p = precedence(c);
        ok = put_cond(out, c->left, p, why);
        fputs(c->kind == GAST_COND_OR ? " or " : " and ", out);
        ok = ok && put_cond(out, c->right, p + 1, why);
        break;
    }
    case GAST_COND_NOT:
        fputs("not ", out);
        ok = put_cond(out, c->left, 2, why);
        break;
    case GAST_COND_REF:
        ok = is_identifier(c->name, strlen(c->name));
        if (!ok)
            *why = "a condition names a search identifier that is not a native identifier";
        else
            fputs(c->name, out);
        break;
    case GAST_COND_ONE_OF:
    case GAST_COND_ALL_OF:
        fprintf(out, "%s of %s", c->kind == GAST_COND_ONE_OF ? "1" : "all", c->name);
        break;
    case GAST_COND_PRED:
        ok = put_pred(out, c->pred, "    ", why);
        break;
    case GAST_COND_TRUE:
        fputs("true", out);
        break;
    case GAST_COND_FALSE:
        fputs("false", out);
        break;
    case GAST_COND_ANY: /* never from Sigma; written for completeness */
        fprintf(out, "any %s { ", c->name);
        ok = put_cond(out, c->left, 0, why);
        fputs(" }", out);
        break;
    }
    if (parens)
        fputc(')', out);
    return ok;
}

static void put_meta(FILE *out, const char *key, const char *value) {
    if (!value)
        return;
    fprintf(out, "    %s: ", key);
    put_string(out, value);
    fputc('\n', out);
}

static void put_meta_list(FILE *out, const char *key, const gast_strings *list) {
    if (!list->count)
        return;
    fprintf(out, "    %s: [", key);
    for (size_t i = 0; i < list->count; i++) {
        if (i)
            fputs(", ", out);
        put_string(out, list->items[i]);
    }
    fputs("]\n", out);
}

bool gsigma_emit_rule(FILE *out, const gast_rule *rule, const char **why) {
    static const char *const levels[] = {"informational", "low", "medium", "high", "critical"};
    *why = NULL;
    if (!is_identifier(rule->name, strlen(rule->name)) ||
        is_reserved(rule->name, strlen(rule->name))) {
        *why = "the rule name is not a native identifier";
        return false;
    }
    fprintf(out, "rule %s {\n", rule->name);
    put_meta(out, "id", rule->id);
    put_meta(out, "title", rule->title);
    put_meta(out, "description", rule->description);
    put_meta(out, "status", rule->status);
    if (rule->level >= GAST_LEVEL_INFORMATIONAL && rule->level <= GAST_LEVEL_CRITICAL)
        fprintf(out, "    level: %s\n", levels[rule->level]);
    put_meta(out, "author", rule->author);
    put_meta(out, "date", rule->date);
    put_meta(out, "modified", rule->modified);
    put_meta(out, "license", rule->license);
    put_meta_list(out, "references", &rule->references);
    put_meta_list(out, "tags", &rule->tags);
    put_meta_list(out, "falsepositives", &rule->falsepositives);
    put_meta_list(out, "fields", &rule->fields);
    if (rule->logsource_product || rule->logsource_category || rule->logsource_service) {
        const char *keys[] = {"product", "category", "service"};
        const char *vals[] = {rule->logsource_product, rule->logsource_category,
                              rule->logsource_service};
        bool first = true;
        fputs("    logsource: { ", out);
        for (int i = 0; i < 3; i++) {
            if (!vals[i])
                continue;
            fprintf(out, "%s%s: ", first ? "" : ", ", keys[i]);
            put_string(out, vals[i]);
            first = false;
        }
        fputs(" }\n", out);
    }
    for (size_t i = 0; i < rule->selection_count; i++)
        if (!put_selection(out, rule->selections[i], why))
            return false;
    if (rule->condition) {
        fputs("    condition: ", out);
        if (!put_cond(out, rule->condition, 0, why))
            return false;
        fputc('\n', out);
    }
    fputs("}\n", out);
    return true;
}

/* ---- correlations ---------------------------------------------------------- */

/* The largest unit that divides the span exactly, so it reads back equal. */
static void put_timespan(FILE *out, int64_t ns) {
    static const struct {
        const char *unit;
        int64_t ns;
    } units[] = {
        {"w", 7 * 86400ll * 1000000000},
        {"d", 86400ll * 1000000000},
        {"h", 3600ll * 1000000000},
        {"m", 60ll * 1000000000},
        {"s", 1000000000},
        {"ms", 1000000},
        {"us", 1000},
        {"ns", 1},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (ns % units[i].ns == 0) {
            fprintf(out, "    timespan: %lld%s\n", (long long)(ns / units[i].ns), units[i].unit);
            return;
        }
}

static void put_condition(FILE *out, const gast_correlation *corr) {
    unsigned f = corr->cond_flags;
    if (!f)
        return;
    char lo[GRT_NUMBER_TEXT_MAX], hi[GRT_NUMBER_TEXT_MAX];
    grt_number_text(corr->cond_lo, lo, sizeof lo);
    grt_number_text(corr->cond_hi, hi, sizeof hi);
    fputs("    condition: ", out);
    bool both = (f & GAST_CORR_HAS_LO) && (f & GAST_CORR_HAS_HI);
    if (both && (f & GAST_CORR_LO_INCL) && (f & GAST_CORR_HI_INCL) &&
        corr->cond_lo == corr->cond_hi) {
        fprintf(out, "eq %s\n", lo);
        return;
    }
    if (f & GAST_CORR_HAS_LO)
        fprintf(out, "%s %s", f & GAST_CORR_LO_INCL ? "gte" : "gt", lo);
    if (both)
        fputs(" and ", out);
    if (f & GAST_CORR_HAS_HI)
        fprintf(out, "%s %s", f & GAST_CORR_HI_INCL ? "lte" : "lt", hi);
    fputc('\n', out);
}

bool gsigma_emit_correlation(FILE *out, const gast_correlation *corr, const char **why) {
    static const char *const levels[] = {"informational", "low", "medium", "high", "critical"};
    *why = NULL;
    size_t name_len = strlen(corr->name);
    if (!is_identifier(corr->name, name_len) || is_reserved(corr->name, name_len)) {
        *why = "the correlation name is not a native identifier";
        return false;
    }
    for (size_t i = 0; i < corr->alias_count; i++) {
        const char *alias = corr->aliases[i]->name;
        if (!is_identifier(alias, strlen(alias)) || is_reserved(alias, strlen(alias))) {
            *why = "an alias name is not a native identifier";
            return false;
        }
    }
    fprintf(out, "correlation %s {\n", corr->name);
    put_meta(out, "id", corr->id);
    put_meta(out, "title", corr->title);
    put_meta(out, "description", corr->description);
    put_meta(out, "status", corr->status);
    if (corr->level >= GAST_LEVEL_INFORMATIONAL && corr->level <= GAST_LEVEL_CRITICAL)
        fprintf(out, "    level: %s\n", levels[corr->level]);
    put_meta(out, "author", corr->author);
    put_meta(out, "date", corr->date);
    put_meta_list(out, "references", &corr->references);
    put_meta_list(out, "tags", &corr->tags);
    if (corr->type >= 0 && corr->type < GAST_CORR__COUNT)
        fprintf(out, "    type: %s\n", gast_corr_type_name(corr->type));
    put_meta_list(out, "rules", &corr->rules);
    put_meta_list(out, "group_by", &corr->group_by);
    if (corr->timespan_ns > 0)
        put_timespan(out, corr->timespan_ns);
    put_meta(out, "field", corr->field);
    if (corr->percentile >= 0) {
        char pct[GRT_NUMBER_TEXT_MAX];
        grt_number_text(corr->percentile, pct, sizeof pct);
        fprintf(out, "    percentile: %s\n", pct);
    }
    put_condition(out, corr);
    if (corr->generate >= 0)
        fprintf(out, "    generate: %s\n", corr->generate ? "true" : "false");
    for (size_t i = 0; i < corr->alias_count; i++) {
        const gast_corr_alias *a = corr->aliases[i];
        fprintf(out, "    alias %s: { ", a->name);
        for (size_t k = 0; k < a->rules.count; k++) {
            const char *rule = a->rules.items[k];
            fputs(k ? ", " : "", out);
            if (is_identifier(rule, strlen(rule)) && !is_reserved(rule, strlen(rule)))
                fputs(rule, out);
            else
                put_string(out, rule);
            fputs(": ", out);
            put_string(out, a->fields.items[k]);
        }
        fputs(" }\n", out);
    }
    fputs("}\n", out);
    return true;
}
