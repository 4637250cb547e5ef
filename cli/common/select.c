/* SPDX-License-Identifier: Apache-2.0 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output_fields.h"
#include "select.h"

/* The statuses a Sigma rule may have. */
static const char *const statuses[] = {"stable", "test", "experimental", "deprecated",
                                       "unsupported"};
#define STATUS_COUNT (sizeof statuses / sizeof statuses[0])

int gsel_add(gsel_list *list, const char *comma_list, char *err, size_t err_size) {
    const char *p = comma_list;
    for (;;) {
        size_t n = strcspn(p, ",");
        if (n == 0) {
            snprintf(err, err_size, "an empty item in '%s'", comma_list);
            return -1;
        }
        char **grown = realloc(list->items, (list->count + 1) * sizeof *grown);
        char *item = grown ? strndup(p, n) : NULL;
        if (grown)
            list->items = grown;
        if (!item) {
            snprintf(err, err_size, "out of memory");
            return -1;
        }
        list->items[list->count++] = item;
        if (p[n] == '\0')
            return 0;
        p += n + 1;
    }
}

static void list_free(gsel_list *l) {
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void gsel_options_free(gsel_options *o) {
    list_free(&o->tags);
    list_free(&o->exclude_tags);
    list_free(&o->status);
    list_free(&o->rules);
    list_free(&o->exclude_rules);
}

int gsel_active(const gsel_options *o) {
    return o->tags.count || o->exclude_tags.count || o->status.count || o->rules.count ||
           o->exclude_rules.count || o->min_level >= 0 || o->max_level >= 0 || o->exclusions;
}

static int in_list(const gsel_list *l, const char *s) {
    for (size_t i = 0; s && i < l->count; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

int gsel_check_status(const gsel_list *status, char *err, size_t err_size) {
    for (size_t i = 0; i < status->count; i++) {
        int known = 0;
        for (size_t k = 0; k < STATUS_COUNT; k++)
            known |= strcmp(status->items[i], statuses[k]) == 0;
        if (!known) {
            const char *hint = gmo_suggest(status->items[i], statuses, STATUS_COUNT);
            snprintf(err, err_size,
                     "--status: unknown status '%s'%s%s%s (stable, test, experimental, "
                     "deprecated, unsupported)",
                     status->items[i], hint ? "; did you mean '" : "", hint ? hint : "",
                     hint ? "'?" : "");
            return -1;
        }
    }
    return 0;
}

/* ---- the selection ---- */

typedef struct sel_rule {
    const gantry_pack *pack;
    uint32_t index;
    gantry_rule_info info;
} sel_rule;

struct gsel {
    sel_rule *rules; /* every rule of every pack, pack 0's first */
    size_t rule_count;
    size_t *bases; /* per pack: its first rule's number */
    size_t pack_count;
    uint8_t **masks; /* per pack; NULL when all of its rules run */
    size_t enabled;
    gsel_exclusions ex;
    /* per rule: the exclusions with conditions that apply to it */
    size_t **excl_of;
    size_t *excl_count;
};

void gsel_free(gsel *s) {
    if (!s)
        return;
    for (size_t k = 0; s->masks && k < s->pack_count; k++)
        free(s->masks[k]);
    for (size_t r = 0; s->excl_of && r < s->rule_count; r++)
        free(s->excl_of[r]);
    free(s->excl_of);
    free(s->excl_count);
    free(s->masks);
    free(s->bases);
    free(s->rules);
    gsel_exclusions_free(&s->ex);
    free(s);
}

static int has_tag(const sel_rule *r, const gsel_list *tags) {
    for (size_t t = 0; t < r->info.tag_count; t++)
        if (in_list(tags, gantry_pack_rule_tag(r->pack, r->index, t)))
            return 1;
    return 0;
}

/* A rule named by its id or its title. */
static int names(const sel_rule *r, const char *name) {
    const char *rule_name = gantry_pack_rule_name(r->pack, r->index);
    return strcmp(name, "*") == 0 || (r->info.id && strcmp(r->info.id, name) == 0) ||
           (rule_name && *rule_name && strcmp(rule_name, name) == 0) ||
           (r->info.title && strcmp(r->info.title, name) == 0);
}

/* The closest id, name or title to an unknown rule. */
static const char *closest_rule(const gsel *s, const char *name) {
    const char **cands = calloc(s->rule_count * 3 + 1, sizeof *cands);
    if (!cands)
        return NULL;
    size_t n = 0;
    for (size_t r = 0; r < s->rule_count; r++) {
        if (s->rules[r].info.id && *s->rules[r].info.id)
            cands[n++] = s->rules[r].info.id;
        const char *rule_name = gantry_pack_rule_name(s->rules[r].pack, s->rules[r].index);
        if (rule_name && *rule_name)
            cands[n++] = rule_name;
        cands[n++] = s->rules[r].info.title;
    }
    const char *hint = gmo_suggest(name, cands, n);
    free(cands);
    return hint;
}

static int known_rule(const gsel *s, const char *name) {
    for (size_t r = 0; r < s->rule_count; r++)
        if (names(&s->rules[r], name))
            return 1;
    return 0;
}

static int check_rules(const gsel *s, const gsel_list *l, const char *option, char *err,
                       size_t err_size) {
    for (size_t i = 0; i < l->count; i++) {
        if (known_rule(s, l->items[i]))
            continue;
        const char *hint = closest_rule(s, l->items[i]);
        snprintf(err, err_size, "%s: no rule has the id, name or title '%s'%s%s%s", option,
                 l->items[i], hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
        return -1;
    }
    return 0;
}

/* Every --tags and --exclude-tags value is a tag some rule has. */
static int check_tags(const gsel *s, const gsel_list *l, const char *option, char *err,
                      size_t err_size) {
    for (size_t i = 0; i < l->count; i++) {
        size_t total = 0;
        for (size_t r = 0; r < s->rule_count; r++)
            total += s->rules[r].info.tag_count;
        const char **tags = calloc(total + 1, sizeof *tags);
        if (!tags) {
            snprintf(err, err_size, "out of memory");
            return -1;
        }
        size_t n = 0;
        int found = 0;
        for (size_t r = 0; r < s->rule_count; r++)
            for (size_t t = 0; t < s->rules[r].info.tag_count; t++) {
                tags[n] = gantry_pack_rule_tag(s->rules[r].pack, s->rules[r].index, t);
                found |= tags[n] && strcmp(tags[n], l->items[i]) == 0;
                n++;
            }
        const char *hint = found ? NULL : gmo_suggest(l->items[i], tags, n);
        if (!found)
            snprintf(err, err_size, "%s: no rule has the tag '%s'%s%s%s", option, l->items[i],
                     hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
        free(tags);
        if (!found)
            return -1;
    }
    return 0;
}

/* Whether the rule-level options keep rule r. */
static int selected(const gsel *s, const gsel_options *o, const sel_rule *r) {
    if (o->tags.count && !has_tag(r, &o->tags))
        return 0;
    if (has_tag(r, &o->exclude_tags))
        return 0;
    if (o->status.count && !in_list(&o->status, r->info.status))
        return 0;
    if (o->min_level >= 0 && (int)r->info.level < o->min_level)
        return 0;
    if (o->max_level >= 0 && (int)r->info.level > o->max_level)
        return 0;
    int named = o->rules.count == 0;
    for (size_t i = 0; !named && i < o->rules.count; i++)
        named = names(r, o->rules.items[i]);
    if (!named)
        return 0;
    for (size_t i = 0; i < o->exclude_rules.count; i++)
        if (names(r, o->exclude_rules.items[i]))
            return 0;
    /* an exclusion without conditions takes the whole rule out */
    for (size_t e = 0; e < s->ex.count; e++)
        if (s->ex.items[e].condition_count == 0 && names(r, s->ex.items[e].rule))
            return 0;
    return 1;
}

static int load_rules(gsel *s, const gantry_pack *const *packs, size_t pack_count) {
    size_t total = 0;
    for (size_t k = 0; k < pack_count; k++)
        total += gantry_pack_rule_count(packs[k]);
    s->pack_count = pack_count;
    s->rules = calloc(total ? total : 1, sizeof *s->rules);
    s->bases = calloc(pack_count ? pack_count : 1, sizeof *s->bases);
    s->masks = calloc(pack_count ? pack_count : 1, sizeof *s->masks);
    if (!s->rules || !s->bases || !s->masks)
        return -1;
    for (size_t k = 0; k < pack_count; k++) {
        s->bases[k] = s->rule_count;
        size_t n = gantry_pack_rule_count(packs[k]);
        for (size_t i = 0; i < n; i++) {
            sel_rule *r = &s->rules[s->rule_count];
            r->pack = packs[k];
            r->index = (uint32_t)i;
            if (gantry_pack_rule_info(packs[k], i, &r->info) != GANTRY_OK)
                return -1;
            if (!r->info.title)
                r->info.title = "";
            s->rule_count++;
        }
    }
    return 0;
}

/* Each rule's exclusions with conditions, so a match looks at its own. */
static int index_exclusions(gsel *s) {
    s->excl_of = calloc(s->rule_count ? s->rule_count : 1, sizeof *s->excl_of);
    s->excl_count = calloc(s->rule_count ? s->rule_count : 1, sizeof *s->excl_count);
    if (!s->excl_of || !s->excl_count)
        return -1;
    for (size_t r = 0; r < s->rule_count; r++)
        for (size_t e = 0; e < s->ex.count; e++) {
            if (!s->ex.items[e].condition_count || !names(&s->rules[r], s->ex.items[e].rule))
                continue;
            size_t *grown = realloc(s->excl_of[r], (s->excl_count[r] + 1) * sizeof *grown);
            if (!grown)
                return -1;
            s->excl_of[r] = grown;
            grown[s->excl_count[r]++] = e;
        }
    return 0;
}

gsel *gsel_new(const gsel_options *o, const gantry_pack *const *packs, size_t pack_count, char *err,
               size_t err_size, int *nomem) {
    *nomem = 0;
    gsel *s = calloc(1, sizeof *s);
    if (!s || load_rules(s, packs, pack_count) != 0) {
        *nomem = 1;
        gsel_free(s);
        return NULL;
    }
    if (check_tags(s, &o->tags, "--tags", err, err_size) != 0 ||
        check_tags(s, &o->exclude_tags, "--exclude-tags", err, err_size) != 0 ||
        check_rules(s, &o->rules, "--rule", err, err_size) != 0 ||
        check_rules(s, &o->exclude_rules, "--exclude-rule", err, err_size) != 0) {
        gsel_free(s);
        return NULL;
    }
    if (o->exclusions) {
        if (gsel_read_exclusions(o->exclusions, &s->ex, err, err_size, nomem) != 0) {
            gsel_free(s);
            return NULL;
        }
        for (size_t e = 0; e < s->ex.count; e++) {
            const gsel_exclusion *x = &s->ex.items[e];
            if (known_rule(s, x->rule))
                continue;
            const char *hint = closest_rule(s, x->rule);
            char why[600];
            snprintf(why, sizeof why, "no rule has the id, name or title '%s'%s%s%s", x->rule,
                     hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
            gsel_point(&s->ex, o->exclusions, x->line, x->rule_col, why, err, err_size);
            gsel_free(s);
            return NULL;
        }
    }
    if (index_exclusions(s) != 0) {
        *nomem = 1;
        gsel_free(s);
        return NULL;
    }
    for (size_t k = 0; k < pack_count; k++) {
        size_t n = gantry_pack_rule_count(packs[k]);
        uint8_t *mask = malloc(n ? n : 1);
        if (!mask) {
            *nomem = 1;
            gsel_free(s);
            return NULL;
        }
        int all = 1;
        for (size_t i = 0; i < n; i++) {
            mask[i] = (uint8_t)selected(s, o, &s->rules[s->bases[k] + i]);
            all &= mask[i];
            s->enabled += mask[i];
        }
        if (all)
            free(mask);
        else
            s->masks[k] = mask;
    }
    return s;
}

const uint8_t *gsel_mask(const gsel *s, size_t pack) {
    return s && pack < s->pack_count ? s->masks[pack] : NULL;
}

size_t gsel_enabled(const gsel *s) {
    return s->enabled;
}

/* A condition holds when one of the field's values, as text, is the value. */
static int holds(const gsel_condition *c, const cJSON *event) {
    cJSON *values = gmo_field_values(event, c->path);
    int found = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, values) {
        if (cJSON_IsString(v)) {
            found = strcmp(v->valuestring, c->value) == 0;
        } else {
            char *text = cJSON_PrintUnformatted(v);
            found = text && strcmp(text, c->value) == 0;
            cJSON_free(text);
        }
        if (found)
            break;
    }
    cJSON_Delete(values);
    return found;
}

int gsel_excluded(const gsel *s, size_t pack, uint32_t rule, const cJSON *event) {
    if (!s || pack >= s->pack_count)
        return 0;
    size_t r = s->bases[pack] + rule;
    for (size_t k = 0; k < s->excl_count[r]; k++) {
        const gsel_exclusion *x = &s->ex.items[s->excl_of[r][k]];
        size_t c = 0;
        while (c < x->condition_count && holds(&x->conditions[c], event))
            c++;
        if (c == x->condition_count)
            return 1;
    }
    return 0;
}
