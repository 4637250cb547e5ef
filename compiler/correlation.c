/* SPDX-License-Identifier: Apache-2.0 */
/* Correlations: resolve references (rules and other correlations, by id
 * first, then by name), check each block, reject reference cycles and write
 * the CORRELATIONS, CORR_REFS and CORR_FIELDS sections (pack_format.h).
 * Module prefix: gcorr_. */
#include "correlation.h"

#include <stdlib.h>
#include <string.h>

static const char *corr_label(const gast_correlation *c) {
    return c->name ? c->name : c->title ? c->title : c->id ? c->id : "(unnamed)";
}

/* Rule index, GANTRY_CORR_REF_CORRELATION | correlation index, or
 * GPW_FAIL when nothing has that id or name. */
static uint32_t resolve(const gast_unit *unit, const char *ref) {
    for (size_t r = 0; r < unit->rule_count; r++)
        if (unit->rules[r]->id && strcmp(unit->rules[r]->id, ref) == 0)
            return (uint32_t)r;
    for (size_t c = 0; c < unit->correlation_count; c++)
        if (unit->correlations[c]->id && strcmp(unit->correlations[c]->id, ref) == 0)
            return GANTRY_CORR_REF_CORRELATION | (uint32_t)c;
    for (size_t r = 0; r < unit->rule_count; r++)
        if (unit->rules[r]->name && strcmp(unit->rules[r]->name, ref) == 0)
            return (uint32_t)r;
    for (size_t c = 0; c < unit->correlation_count; c++)
        if (unit->correlations[c]->name && strcmp(unit->correlations[c]->name, ref) == 0)
            return GANTRY_CORR_REF_CORRELATION | (uint32_t)c;
    return GPW_FAIL;
}

/* Does `alias` name the referenced item `target`, as written in `written`? */
static bool alias_names(const gast_unit *unit, const char *key, uint32_t target) {
    return resolve(unit, key) == target;
}

/* The field the events of reference `ref` give for the group-by (or value)
 * name `name`: the alias entry for that reference, else the name itself. */
static const char *field_for(const gast_unit *unit, const gast_correlation *c, const char *name,
                             uint32_t target) {
    for (size_t a = 0; a < c->alias_count; a++) {
        const gast_corr_alias *alias = c->aliases[a];
        if (strcmp(alias->name, name) != 0)
            continue;
        for (size_t k = 0; k < alias->rules.count; k++)
            if (alias_names(unit, alias->rules.items[k], target))
                return alias->fields.items[k];
    }
    return name;
}

static bool has_value_field(gast_corr_type t) {
    return t == GAST_CORR_VALUE_COUNT || t == GAST_CORR_VALUE_SUM || t == GAST_CORR_VALUE_AVG ||
           t == GAST_CORR_VALUE_PERCENTILE;
}

/* Checks one correlation and fills its resolved references; returns the
 * number of errors reported. */
static size_t check_one(const gast_unit *unit, gdiag_sink *diag, size_t index, uint32_t *refs) {
    const gast_correlation *c = unit->correlations[index];
    size_t errors = 0;
    const char *label = corr_label(c);
    if (c->type == GAST_CORR_UNSET) {
        gdiag_report(diag, GDIAG_ERROR, "E155", c->loc, "correlation `%s` has no `type`", label);
        errors++;
    }
    if (c->rules.count == 0) {
        gdiag_report(diag, GDIAG_ERROR, "E155", c->loc, "correlation `%s` refers to no rules",
                     label);
        errors++;
    }
    if (c->timespan_ns <= 0) {
        gdiag_report(diag, GDIAG_ERROR, "E155", c->loc, "correlation `%s` has no `timespan`",
                     label);
        errors++;
    }
    bool temporal = c->type == GAST_CORR_TEMPORAL || c->type == GAST_CORR_TEMPORAL_ORDERED;
    if (!temporal && c->type != GAST_CORR_UNSET && c->cond_flags == 0) {
        gdiag_report(diag, GDIAG_ERROR, "E156", c->loc,
                     "correlation `%s` of type %s needs a condition such as `condition: gte 5`",
                     label, gast_corr_type_name(c->type));
        errors++;
    }
    if (has_value_field(c->type) && !c->field) {
        gdiag_report(diag, GDIAG_ERROR, "E157", c->loc,
                     "correlation `%s` of type %s needs `field` (the field it aggregates)", label,
                     gast_corr_type_name(c->type));
        errors++;
    }
    if (c->percentile > 100) {
        gdiag_report(diag, GDIAG_ERROR, "E157", c->loc,
                     "correlation `%s`: percentile must be between 0 and 100", label);
        errors++;
    }
    for (size_t i = 0; i < c->rules.count; i++) {
        refs[i] = resolve(unit, c->rules.items[i]);
        if (refs[i] == GPW_FAIL) {
            gdiag_report(diag, GDIAG_ERROR, "E159", c->loc,
                         "correlation `%s` refers to `%s`, which is no rule or correlation "
                         "name or id",
                         label, c->rules.items[i]);
            errors++;
        } else if (refs[i] == (GANTRY_CORR_REF_CORRELATION | (uint32_t)index)) {
            gdiag_report(diag, GDIAG_ERROR, "E158", c->loc, "correlation `%s` refers to itself",
                         label);
            errors++;
        }
    }
    for (size_t a = 0; a < c->alias_count; a++) {
        const gast_corr_alias *alias = c->aliases[a];
        bool used = false;
        for (size_t g = 0; g < c->group_by.count; g++)
            used = used || strcmp(c->group_by.items[g], alias->name) == 0;
        used = used || (c->field && strcmp(c->field, alias->name) == 0);
        if (!used)
            gdiag_report(diag, GDIAG_WARNING, "W155", alias->loc,
                         "alias `%s` is not used by `group_by` or `field`", alias->name);
        for (size_t k = 0; k < alias->rules.count; k++)
            if (resolve(unit, alias->rules.items[k]) == GPW_FAIL) {
                gdiag_report(diag, GDIAG_ERROR, "E159", alias->loc,
                             "alias `%s` names `%s`, which is no rule or correlation", alias->name,
                             alias->rules.items[k]);
                errors++;
            }
    }
    for (size_t i = 0; i < index; i++) {
        const gast_correlation *o = unit->correlations[i];
        if (c->name && o->name && strcmp(c->name, o->name) == 0) {
            gdiag_report(diag, GDIAG_ERROR, "E160", c->loc,
                         "a correlation named `%s` is already defined", c->name);
            errors++;
            break;
        }
    }
    return errors;
}

/* Depth-first search for a cycle through correlation references. */
static bool has_cycle(uint32_t **refs, const gast_unit *unit, size_t at, unsigned char *state) {
    if (state[at] == 1)
        return true;
    if (state[at] == 2)
        return false;
    state[at] = 1;
    const gast_correlation *c = unit->correlations[at];
    for (size_t i = 0; i < c->rules.count; i++) {
        uint32_t r = refs[at][i];
        if (r != GPW_FAIL && (r & GANTRY_CORR_REF_CORRELATION) &&
            has_cycle(refs, unit, r & ~GANTRY_CORR_REF_CORRELATION, state))
            return true;
    }
    state[at] = 2;
    return false;
}

static int emit_one(gpw *w, const gast_unit *unit, const gast_correlation *c,
                    const uint32_t *refs) {
    size_t nrefs = c->rules.count, ngroup = c->group_by.count;
    bool value = has_value_field(c->type);
    /* row 0: the group_by names as written (what a chained correlation
     * reads); then one row per reference; then the value fields */
    size_t nfields = (nrefs + 1) * ngroup + (value ? nrefs : 0);
    const char **fields = calloc(nfields + 1, sizeof *fields);
    if (!fields)
        return -1;
    for (size_t g = 0; g < ngroup; g++)
        fields[g] = c->group_by.items[g];
    for (size_t r = 0; r < nrefs; r++) {
        for (size_t g = 0; g < ngroup; g++)
            fields[(r + 1) * ngroup + g] = field_for(unit, c, c->group_by.items[g], refs[r]);
        if (value)
            fields[(nrefs + 1) * ngroup + r] = field_for(unit, c, c->field, refs[r]);
    }
    gpw_corr rec = {0};
    rec.name = c->name;
    rec.id = c->id;
    rec.title = c->title ? c->title : c->name;
    rec.description = c->description;
    rec.author = c->author;
    rec.date = c->date;
    rec.level = c->level == GAST_LEVEL_UNSET ? (uint32_t)GAST_LEVEL_MEDIUM : (uint32_t)c->level;
    rec.type = (uint32_t)c->type;
    rec.flags = c->generate == 1 ? GANTRY_CORR_FLAG_GENERATE : 0;
    rec.cond_flags = c->cond_flags;
    rec.lo = c->cond_lo;
    rec.hi = c->cond_hi;
    if (c->cond_flags == 0) {
        /* temporal types: every referenced rule must be seen */
        rec.cond_flags = GANTRY_CORR_COND_LO | GANTRY_CORR_COND_LO_INCL;
        rec.lo = (double)nrefs;
    }
    rec.percentile = c->percentile < 0 ? 50.0 : c->percentile;
    rec.tags = (const char *const *)c->tags.items;
    rec.tag_count = c->tags.count;
    rec.refs = refs;
    rec.ref_count = nrefs;
    rec.timespan_ns = (uint64_t)c->timespan_ns;
    rec.group_count = ngroup;
    rec.fields = fields;
    rec.field_count = nfields;
    rec.source_line = c->loc.line > 0 ? (uint32_t)c->loc.line : 0;
    uint32_t rc = gpw_corr_add(w, &rec);
    free(fields);
    return rc == GPW_FAIL ? -1 : 0;
}

int gcorr_compile(gpw *w, const gast_unit *unit, gdiag_sink *diag) {
    size_t n = unit->correlation_count;
    if (n == 0)
        return 0;
    uint32_t **refs = calloc(n, sizeof *refs);
    unsigned char *state = calloc(n, 1);
    int rc = refs && state ? 0 : -1;
    size_t errors = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        refs[i] = calloc(unit->correlations[i]->rules.count + 1, sizeof **refs);
        if (!refs[i])
            rc = -1;
        else
            errors += check_one(unit, diag, i, refs[i]);
    }
    for (size_t i = 0; i < n && rc == 0 && errors == 0; i++) {
        memset(state, 0, n);
        if (has_cycle(refs, unit, i, state)) {
            gdiag_report(diag, GDIAG_ERROR, "E158", unit->correlations[i]->loc,
                         "correlation `%s` is part of a reference cycle",
                         corr_label(unit->correlations[i]));
            errors++;
            break;
        }
    }
    for (size_t i = 0; i < n && rc == 0 && errors == 0; i++)
        rc = emit_one(w, unit, unit->correlations[i], refs[i]);
    for (size_t i = 0; refs && i < n; i++)
        free(refs[i]);
    free(refs);
    free(state);
    return rc;
}
