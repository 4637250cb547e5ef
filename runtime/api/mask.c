/* SPDX-License-Identifier: Apache-2.0 */
/* Rule masks: per matcher, which rules run (include/gantry.h, "Rule
 * masks"). The VM consults the bitset before running a rule; this file
 * decides which bits a selection names. */
#include <stdlib.h>
#include <string.h>

#include "pack.h"

GRT_API const char *gantry_pack_rule_name(const gantry_pack *pack, size_t rule) {
    if (!pack || rule >= pack->nrules)
        return NULL;
    if (!pack->rule_names || pack->rule_names[rule] == GANTRY_NO_STRING)
        return "";
    return pack->strs[pack->rule_names[rule]];
}

static int level_parse(const char *name) {
    for (int l = GANTRY_LEVEL_INFORMATIONAL; l <= GANTRY_LEVEL_CRITICAL; l++)
        if (strcmp(name, gantry_level_name((gantry_level)l)) == 0)
            return l;
    return -1;
}

static int has_tag(const gantry_pack *pk, size_t rule, const char *tag) {
    const char *t;
    for (size_t i = 0; (t = gantry_pack_rule_tag(pk, rule, i)) != NULL; i++)
        if (strcmp(t, tag) == 0)
            return 1;
    return 0;
}

static int selects(const gantry_pack *pk, size_t r, gantry_select_by by, const char *value,
                   int level) {
    switch (by) {
    case GANTRY_SELECT_ALL:
        return 1;
    case GANTRY_SELECT_ID:
        return strcmp(pk->infos[r].id, value) == 0;
    case GANTRY_SELECT_NAME:
        return strcmp(gantry_pack_rule_name(pk, r), value) == 0;
    case GANTRY_SELECT_TAG:
        return has_tag(pk, r, value);
    case GANTRY_SELECT_LEVEL:
        return (int)pk->infos[r].level == level;
    case GANTRY_SELECT_MIN_LEVEL:
        return (int)pk->infos[r].level >= level;
    default:
        return 0;
    }
}

/* The mask is made on first use, every rule enabled. */
static int mask_ready(gantry_matcher *m) {
    if (m->rule_mask)
        return 0;
    size_t words = (m->pack->nrules + 63) / 64;
    m->rule_mask = malloc((words ? words : 1) * sizeof *m->rule_mask);
    if (!m->rule_mask)
        return -1;
    memset(m->rule_mask, 0xFF, (words ? words : 1) * sizeof *m->rule_mask);
    return 0;
}

static void set_bit(gantry_matcher *m, size_t r, int enable) {
    if (enable)
        m->rule_mask[r / 64] |= 1ull << (r % 64);
    else
        m->rule_mask[r / 64] &= ~(1ull << (r % 64));
}

GRT_API gantry_status gantry_matcher_select(gantry_matcher *matcher, gantry_select_by by,
                                            const char *value, int enable, size_t *selected) {
    if (selected)
        *selected = 0;
    if (!matcher || (unsigned)by >= GANTRY_SELECT__COUNT || (by != GANTRY_SELECT_ALL && !value))
        return GANTRY_E_ARG;
    int level = -1;
    if (by == GANTRY_SELECT_LEVEL || by == GANTRY_SELECT_MIN_LEVEL) {
        level = level_parse(value);
        if (level < 0)
            return GANTRY_E_ARG;
    }
    if (mask_ready(matcher) != 0)
        return GANTRY_E_NOMEM;
    const gantry_pack *pk = matcher->pack;
    size_t n = 0;
    for (size_t r = 0; r < pk->nrules; r++) {
        if (!selects(pk, r, by, value, level))
            continue;
        set_bit(matcher, r, enable);
        n++;
    }
    if (selected)
        *selected = n;
    return GANTRY_OK;
}

GRT_API gantry_status gantry_matcher_enable_rule(gantry_matcher *matcher, size_t rule, int enable) {
    if (!matcher || rule >= matcher->pack->nrules)
        return GANTRY_E_ARG;
    if (mask_ready(matcher) != 0)
        return GANTRY_E_NOMEM;
    set_bit(matcher, rule, enable);
    return GANTRY_OK;
}

GRT_API int gantry_matcher_rule_enabled(const gantry_matcher *matcher, size_t rule) {
    if (!matcher || rule >= matcher->pack->nrules)
        return 0;
    return !matcher->rule_mask || ((matcher->rule_mask[rule / 64] >> (rule % 64)) & 1);
}

/* The whole mask at once (what `gantry match` builds from its selection
 * options): the same bits as gantry_matcher_select, set from an array. */
GRT_API gantry_status gantry_matcher_set_rule_mask(gantry_matcher *matcher, const uint8_t *enabled,
                                                   size_t count) {
    if (!matcher)
        return GANTRY_E_ARG;
    if (!enabled) {
        free(matcher->rule_mask);
        matcher->rule_mask = NULL;
        return GANTRY_OK;
    }
    if (count != matcher->pack->nrules)
        return GANTRY_E_ARG;
    if (mask_ready(matcher) != 0)
        return GANTRY_E_NOMEM;
    for (size_t r = 0; r < count; r++)
        set_bit(matcher, r, enabled[r] != 0);
    return GANTRY_OK;
}
