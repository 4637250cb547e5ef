/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions (include/gantry.h): raw input in, reported matches out. A
 * session strings together what `gantry match` does per file: split bytes
 * into lines, normalize (joining multi-line events), match, feed the
 * correlations, and report each match with the values of the fields its
 * rule read. Module prefix: gss_. */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "gantry_cjson.h"
#include "gantry_limits.h"
#include "pack.h"

struct gantry_session {
    const gantry_pack *pack;
    gantry_normalizer *norm;
    gantry_matcher *matcher;
    gantry_correlator *corr; /* NULL when the pack has no correlations */
    gantry_rule_match_fn on_match;
    gantry_corr_fn on_corr;
    void *user;
    gantry_level min_level;

    char *source; /* "" until set */
    uint64_t line_no;

    /* a partial line waiting for the rest of its bytes */
    char *partial;
    size_t partial_len, partial_cap;
    int overlong; /* the partial line passed the line limit: skip to its end */

    /* tags of every rule, flattened once: tags[tag_first[r] ..] */
    const char **tags;
    size_t *tag_first;

    /* per match: the values of the fields the rule reads */
    gantry_field_values *fields;
    size_t fields_cap;
    gantry_value *values;
    size_t values_cap;

    /* the event being matched */
    const gantry_item *item;
    char *json;  /* its text, made on demand */
    int stopped; /* the callback asked to stop: skip the rest of this event */

    const char *last_error;
    gantry_session_stats stats;
};

static gantry_status grow(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap)
        return GANTRY_OK;
    size_t cap2 = *cap ? *cap : 16;
    while (cap2 < need)
        cap2 *= 2;
    void *q = realloc(*p, cap2 * size);
    if (!q)
        return GANTRY_E_NOMEM;
    *p = q;
    *cap = cap2;
    return GANTRY_OK;
}

static gantry_status tags_prepare(gantry_session *s) {
    const gantry_pack *pk = s->pack;
    size_t total = 0;
    for (uint32_t r = 0; r < pk->nrules; r++)
        total += pk->rules[r].tags.count;
    s->tags = calloc(total ? total : 1, sizeof *s->tags);
    s->tag_first = calloc(pk->nrules + 1u, sizeof *s->tag_first);
    if (!s->tags || !s->tag_first)
        return GANTRY_E_NOMEM;
    size_t n = 0;
    for (uint32_t r = 0; r < pk->nrules; r++) {
        s->tag_first[r] = n;
        for (size_t t = 0; t < pk->rules[r].tags.count; t++)
            s->tags[n++] = gantry_pack_rule_tag(pk, r, t);
    }
    s->tag_first[pk->nrules] = n;
    return GANTRY_OK;
}

GRT_API gantry_status gantry_session_new(const gantry_pack *pack, gantry_input_format format,
                                         gantry_rule_match_fn on_match,
                                         gantry_corr_fn on_correlation, void *user,
                                         gantry_session **session) {
    if (session)
        *session = NULL;
    if (!pack || !session || (!on_match && !on_correlation) ||
        (unsigned)format >= GANTRY_FORMAT__COUNT)
        return GANTRY_E_ARG;
    gantry_session *s = calloc(1, sizeof *s);
    if (!s)
        return GANTRY_E_NOMEM;
    s->pack = pack;
    s->on_match = on_match;
    s->on_corr = on_correlation;
    s->user = user;
    s->min_level = GANTRY_LEVEL_INFORMATIONAL;
    s->last_error = "";
    gantry_status st = GANTRY_E_NOMEM;
    if ((s->source = strdup("")) == NULL || tags_prepare(s) != GANTRY_OK)
        goto fail;
    if ((st = gantry_normalizer_new(pack, format, &s->norm)) != GANTRY_OK ||
        (st = gantry_matcher_new(pack, &s->matcher)) != GANTRY_OK)
        goto fail;
    if (gantry_pack_correlation_count(pack) &&
        (st = gantry_correlator_new(pack, NULL, &s->corr)) != GANTRY_OK)
        goto fail;
    *session = s;
    return GANTRY_OK;
fail:
    gantry_session_free(s);
    return st;
}

GRT_API void gantry_session_free(gantry_session *s) {
    if (!s)
        return;
    gantry_normalizer_free(s->norm);
    gantry_matcher_free(s->matcher);
    gantry_correlator_free(s->corr);
    free(s->source);
    free(s->partial);
    free(s->tags);
    free(s->tag_first);
    free(s->fields);
    free(s->values);
    cJSON_free(s->json);
    free(s);
}

static void on_corr(const gantry_corr_match *m, void *user) {
    gantry_session *s = user;
    s->stats.correlation_matches++;
    if (s->on_corr && (int)m->correlation->level >= (int)s->min_level)
        s->on_corr(m, s->user);
}

/* Fills s->fields with the values of every field rule r reads. */
static gantry_status collect_fields(gantry_session *s, uint32_t r, const gantry_event *ev,
                                    size_t *count) {
    const gantry_pack *pk = s->pack;
    const grt_slice *rf = &pk->rule_fields[r];
    const uint32_t *items = pk->rule_field_items + rf->first;
    *count = 0;
    if (grow((void **)&s->fields, &s->fields_cap, rf->count, sizeof *s->fields) != GANTRY_OK)
        return GANTRY_E_NOMEM;
    size_t used = 0;
    for (uint32_t i = 0; i < rf->count; i++) {
        const char *path = gantry_pack_field_name(pk, items[i]);
        size_t n = gantry_event_get(ev, path, NULL, 0);
        if (grow((void **)&s->values, &s->values_cap, used + n + 1, sizeof *s->values) != GANTRY_OK)
            return GANTRY_E_NOMEM;
        gantry_event_get(ev, path, s->values + used, n);
        s->fields[i] = (gantry_field_values){path, n, NULL};
        used += n;
    }
    /* values may have moved while growing: point into it only now */
    used = 0;
    for (uint32_t i = 0; i < rf->count; i++) {
        s->fields[i].values = s->values + used;
        used += s->fields[i].count;
    }
    *count = rf->count;
    return GANTRY_OK;
}

static int on_rule(const gantry_match *m, void *user) {
    gantry_session *s = user;
    const gantry_item *it = s->item;
    uint32_t r = m->rule->index;
    if (s->corr)
        gantry_correlator_feed(s->corr, r, it->event, GANTRY_TIME_FROM_EVENT, s->source,
                               it->first_line, on_corr, s);
    if ((int)m->rule->level < (int)s->min_level || !gantry_pack_rule_reported(s->pack, r) ||
        !s->on_match || s->stopped)
        return 0;
    s->stats.matches++;
    size_t nfields = 0;
    if (collect_fields(s, r, it->event, &nfields) != GANTRY_OK)
        nfields = 0; /* out of memory: report the match without its values */
    gantry_rule_match rm = {
        .rule = m->rule,
        .name = gantry_pack_rule_name(s->pack, r),
        .tag_count = s->tag_first[r + 1] - s->tag_first[r],
        .tags = s->tags + s->tag_first[r],
        .source = s->source,
        .first_line = it->first_line,
        .last_line = it->last_line,
        .event = it->event,
        .field_count = nfields,
        .fields = s->fields,
        .session = s,
    };
    /* Stopping skips this event's later reports, but correlations still see
     * every rule that matched it, as `gantry match` does. */
    if (s->on_match(&rm, s->user) != 0)
        s->stopped = 1;
    return 0;
}

static gantry_status drain(gantry_session *s) {
    gantry_item item;
    gantry_status worst = GANTRY_OK;
    while (gantry_normalizer_next(s->norm, &item)) {
        switch (item.kind) {
        case GANTRY_ITEM_BLANK:
            s->stats.blank += item.last_line - item.first_line + 1;
            break;
        case GANTRY_ITEM_MALFORMED:
            s->stats.malformed++;
            s->last_error = item.reason ? item.reason : "malformed";
            break;
        case GANTRY_ITEM_EVENT: {
            s->stats.events++;
            s->item = &item;
            s->stopped = 0;
            gantry_status st = gantry_match_event(s->matcher, item.event, on_rule, s);
            s->item = NULL;
            cJSON_free(s->json);
            s->json = NULL;
            if (st != GANTRY_OK) {
                s->stats.match_errors++;
                if (st == GANTRY_E_NOMEM)
                    worst = st;
            }
            break;
        }
        }
    }
    return worst;
}

GRT_API gantry_status gantry_session_feed_line(gantry_session *s, const char *line, size_t len) {
    if (!s || (!line && len))
        return GANTRY_E_ARG;
    if (!line)
        line = "";
    s->line_no++;
    s->stats.lines++;
    gantry_status st = gantry_normalizer_feed(s->norm, line, len, s->line_no);
    if (st != GANTRY_OK) {
        s->stats.malformed++;
        s->last_error = gantry_strerror(st);
        return st;
    }
    return drain(s);
}

static gantry_status partial_append(gantry_session *s, const char *p, size_t n) {
    if (s->overlong)
        return GANTRY_OK;
    if (s->partial_len + n > GANTRY_DEFAULT_MAX_LINE_BYTES) {
        /* like `gantry match`: a line past the limit is skipped, not kept */
        s->overlong = 1;
        s->partial_len = 0;
        return GANTRY_OK;
    }
    if (grow((void **)&s->partial, &s->partial_cap, s->partial_len + n + 1, 1) != GANTRY_OK)
        return GANTRY_E_NOMEM;
    memcpy(s->partial + s->partial_len, p, n);
    s->partial_len += n;
    return GANTRY_OK;
}

/* The partial line is complete: feed it. */
static gantry_status partial_flush(gantry_session *s) {
    gantry_status st;
    if (s->overlong) {
        s->overlong = 0;
        s->line_no++;
        s->stats.lines++;
        s->stats.malformed++;
        s->last_error = "line longer than the line limit";
        st = GANTRY_OK;
    } else {
        size_t len = s->partial_len;
        if (len && s->partial[len - 1] == '\r')
            len--;
        st = gantry_session_feed_line(s, s->partial ? s->partial : "", len);
    }
    s->partial_len = 0;
    return st;
}

GRT_API gantry_status gantry_session_feed(gantry_session *s, const void *bytes, size_t len) {
    if (!s || (!bytes && len))
        return GANTRY_E_ARG;
    const char *p = bytes;
    gantry_status worst = GANTRY_OK;
    while (len) {
        const char *nl = memchr(p, '\n', len);
        size_t n = nl ? (size_t)(nl - p) : len;
        gantry_status st;
        if (nl && s->partial_len == 0 && !s->overlong) {
            /* the common case: a whole line inside the chunk, fed in place */
            size_t l = n && p[n - 1] == '\r' ? n - 1 : n;
            st = gantry_session_feed_line(s, p, l);
        } else {
            st = partial_append(s, p, n);
            if (st == GANTRY_OK && nl)
                st = partial_flush(s);
        }
        if (st == GANTRY_E_NOMEM || st == GANTRY_E_ARG)
            return st;
        if (st != GANTRY_OK)
            worst = st;
        if (!nl)
            break;
        p += n + 1;
        len -= n + 1;
    }
    return worst;
}

GRT_API gantry_status gantry_session_finish(gantry_session *s) {
    if (!s)
        return GANTRY_E_ARG;
    gantry_status st = GANTRY_OK;
    if (s->partial_len || s->overlong)
        st = partial_flush(s);
    gantry_status st2 = gantry_normalizer_finish(s->norm);
    gantry_status st3 = drain(s);
    return st != GANTRY_OK ? st : st2 != GANTRY_OK ? st2 : st3;
}

GRT_API gantry_status gantry_session_flush(gantry_session *s) {
    gantry_status st = gantry_session_finish(s);
    if (st == GANTRY_E_ARG)
        return st;
    if (s->corr) {
        gantry_status st2 = gantry_correlator_flush(s->corr, on_corr, s);
        if (st == GANTRY_OK)
            st = st2;
    }
    return st;
}

GRT_API gantry_status gantry_session_set_source(gantry_session *s, const char *name) {
    if (!s || !name)
        return GANTRY_E_ARG;
    gantry_status st = gantry_session_finish(s);
    char *copy = strdup(name);
    if (!copy)
        return GANTRY_E_NOMEM;
    free(s->source);
    s->source = copy;
    s->line_no = 0;
    return st;
}

GRT_API gantry_status gantry_session_set_min_level(gantry_session *s, gantry_level level) {
    if (!s || (unsigned)level > GANTRY_LEVEL_CRITICAL)
        return GANTRY_E_ARG;
    s->min_level = level;
    return GANTRY_OK;
}

GRT_API gantry_matcher *gantry_session_matcher(gantry_session *s) {
    return s ? s->matcher : NULL;
}

GRT_API const char *gantry_session_event_json(gantry_session *s) {
    if (!s || !s->item)
        return NULL;
    if (!s->json)
        s->json = cJSON_PrintUnformatted(gantry_event_cjson(s->item->event));
    return s->json;
}

GRT_API gantry_status gantry_session_get_stats(const gantry_session *s,
                                               gantry_session_stats *stats) {
    if (!s || !stats)
        return GANTRY_E_ARG;
    *stats = s->stats;
    return GANTRY_OK;
}

GRT_API const char *gantry_session_last_error(const gantry_session *s) {
    return s ? s->last_error : "";
}
