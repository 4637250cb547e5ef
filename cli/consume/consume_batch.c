/* SPDX-License-Identifier: Apache-2.0 */
/* One fetched batch of gantry consume: every line through the normalizer and
 * the matcher (the accounting of `gantry match`), every match published as an
 * alert, then acks for the messages whose alerts are all stored and delayed
 * naks for the others. */
#include <cJSON.h>
#include "gantry_cjson.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consume.h"
#include "correlate_output.h"
#include "drain.h"

/* A correlation match completes with the current message: its alert is
 * published and acknowledged with that message's own alerts. */
static void on_correlation(const gantry_corr_match *match, void *user) {
    gcons_member *m = user;
    if ((int)match->correlation->level < m->cfg->out.min_level)
        return;
    char *text = gco_render(m->pack, match);
    size_t len = text ? strlen(text) : 0;
    if (text && m->alert.cap < len + 2) {
        char *grown = realloc(m->alert.data, len + 2);
        if (grown) {
            m->alert.data = grown;
            m->alert.cap = len + 2;
        }
    }
    if (!text || m->alert.cap < len + 2) {
        cJSON_free(text);
        pthread_mutex_lock(&m->lock);
        m->current->failed = 1;
        pthread_mutex_unlock(&m->lock);
        return;
    }
    memcpy(m->alert.data, text, len);
    m->alert.data[len] = '\n';
    m->alert.data[len + 1] = '\0';
    m->alert.len = len + 1;
    cJSON_free(text);
    m->correlation_alerts++;
    const char *id = match->correlation->id && *match->correlation->id ? match->correlation->id
                                                                       : match->correlation->name;
    gcons_publish(m, match->correlation->level, id);
}

static int on_match(const gantry_match *match, void *user) {
    gcons_member *m = user;
    const gantry_rule_info *rule = match->rule;
    if (m->correlator)
        gantry_correlator_feed(m->correlator, rule->index, gantry_event_from_cjson(m->event),
                               GANTRY_TIME_FROM_EVENT, m->file_name, m->line, on_correlation, m);
    /* Rules that only feed correlations stay quiet, as in `gantry match`. */
    if ((int)rule->level < m->cfg->out.min_level ||
        !gantry_pack_rule_reported(m->pack, rule->index))
        return 0;
    m->stats.matches++;
    m->stats.per_rule[rule->index]++;
    if (!m->event_matched) {
        m->event_matched = 1;
        m->stats.matched_events++;
    }
    if (gmo_render_match(m->printer, &m->alert, m->line, rule->index, m->event) != 0) {
        /* Without the alert the message cannot be acked: retry it later. */
        pthread_mutex_lock(&m->lock);
        m->current->failed = 1;
        pthread_mutex_unlock(&m->lock);
        return 0;
    }
    gcons_publish_alert(m, rule);
    return 0;
}

static void on_note(void *user, int kind, uint64_t count, uint64_t line, const char *text) {
    gcons_member *m = user;
    /* --quiet keeps errors only; malformed lines and regex limits are counted */
    if (count <= GCONS_MALFORMED_SHOWN && (!m->cfg->quiet || kind == GDR_ERROR))
        gdr_print_note(stderr, kind, m->file_name, line, text);
}

static gantry_status on_event(void *user, const gantry_item *item) {
    gcons_member *m = user;
    m->line = item->first_line;
    m->event = gantry_event_cjson(item->event);
    m->event_matched = 0;
    return gantry_match_event(m->matcher, item->event, on_match, m);
}

/* A message's lines form one input stream of their own: a multi-line event
 * never spans two messages, which may go to different members. finish()
 * releases every held line, so the member's one normalizer starts each
 * message clean. */
static void match_message(gcons_member *m, gcons_held *h) {
    const char *data = natsMsg_GetData(h->msg);
    int size = natsMsg_GetDataLength(h->msg);
    snprintf(m->file_name, sizeof m->file_name, "nats:%s:%" PRIu64, m->cfg->stream, h->seq);
    gmo_set_file(m->printer, m->file_name);
    m->current = h;
    gantry_normalizer *norm = m->norm;
    const gdr_hooks hooks = {on_event, on_note, m};
    uint64_t line_no = 0;
    const char *p = data ? data : "";
    const char *end = p + (size > 0 ? size : 0);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        size_t len = (size_t)(stop - p);
        if (len > 0 && p[len - 1] == '\r')
            len--;
        line_no++;
        m->stats.lines++;
        if (len > m->cfg->max_line_bytes) {
            gdr_drain(norm, &m->stats, &hooks, 0);
            gdr_malformed(&m->stats, &hooks, line_no, line_no, "line longer than --max-line-bytes");
        } else {
            gantry_status st = gantry_normalizer_feed(norm, p, len, line_no);
            if (st != GANTRY_OK)
                gdr_malformed(&m->stats, &hooks, line_no, line_no, gantry_strerror(st));
            else
                gdr_drain(norm, &m->stats, &hooks, 0);
        }
        p = nl ? nl + 1 : end;
        gcons_keep_alive(m);
    }
    gantry_normalizer_finish(norm);
    gdr_drain(norm, &m->stats, &hooks, 0);
    m->stats.bytes += (uint64_t)(size > 0 ? size : 0);
    m->stats.files++;
}

void gcons_hold(gcons_member *m, natsMsgList *list) {
    pthread_mutex_lock(&m->lock);
    m->held_count = 0;
    for (int i = 0; i < list->Count && i < m->cfg->batch; i++) {
        gcons_held *h = &m->held[m->held_count++];
        memset(h, 0, sizeof *h);
        h->msg = list->Msgs[i];
        jsMsgMetaData *meta = NULL;
        /* The per-message NumDelivered, not the consumer's redelivered count,
         * says whether this copy is a redelivery. */
        if (natsMsg_GetMetaData(&meta, h->msg) == NATS_OK) {
            h->seq = meta->Sequence.Stream;
            h->delivered = meta->NumDelivered;
            jsMsgMetaData_Destroy(meta);
        }
    }
    pthread_mutex_unlock(&m->lock);
    m->last_progress_ms = gcons_now_ms();
}

int gcons_process_batch(gcons_member *m) {
    m->counters.batches++;
    for (int i = 0; i < m->held_count; i++) {
        gcons_held *h = &m->held[i];
        m->counters.messages++;
        if (h->delivered > 1)
            m->counters.redelivered++;
        match_message(m, h);
    }
    gcons_wait_publishes(m);
    /* Test hook: widen the window between "alerts stored" and "acked" so a
     * fault test can land in it; held messages are kept alive meanwhile. */
    for (int64_t until = gcons_now_ms() + m->cfg->hold_ms; gcons_now_ms() < until;) {
        nats_Sleep(20);
        gcons_keep_alive(m);
    }

    int naked = 0;
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < m->held_count; i++) {
        gcons_held *h = &m->held[i];
        if (h->failed) {
            natsMsg_NakWithDelay(h->msg, m->backoff_ms, NULL); /* milliseconds */
            m->counters.naked++;
            naked++;
        } else if (natsMsg_Ack(h->msg, NULL) == NATS_OK) {
            m->counters.acked++;
        }
    }
    m->held_count = 0;
    pthread_mutex_unlock(&m->lock);
    if (naked && !m->cfg->quiet)
        fprintf(stderr,
                "gantry consume: alerts not stored for %d message(s); naked them for redelivery "
                "in %" PRId64 " ms\n",
                naked, m->backoff_ms);
    return naked > 0;
}
