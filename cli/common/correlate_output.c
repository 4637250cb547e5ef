/* SPDX-License-Identifier: Apache-2.0 */
/* Correlation matches as JSON lines or text, and the correlation counters
 * of --stats and the summary line. */
#include "correlate_output.h"
#include "readfile.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void format_time(int64_t ns, char *buf, size_t size) {
    time_t secs = (time_t)(ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000);
    long frac = (long)(ns - (int64_t)secs * 1000000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, size - n, ".%09ldZ", frac);
}

char *gco_render(const gantry_pack *pack, const gantry_corr_match *m) {
    const gantry_correlation_info *info = m->correlation;
    cJSON *o = cJSON_CreateObject();
    cJSON *corr = cJSON_AddObjectToObject(o, "correlation");
    cJSON_AddStringToObject(corr, "name", info->name);
    cJSON_AddStringToObject(corr, "id", info->id);
    cJSON_AddStringToObject(corr, "title", info->title);
    cJSON_AddStringToObject(corr, "level", gantry_level_name(info->level));
    cJSON_AddStringToObject(corr, "type", info->type);
    cJSON *tags = cJSON_AddArrayToObject(corr, "tags");
    for (size_t i = 0; i < info->tag_count; i++)
        cJSON_AddItemToArray(tags,
                             cJSON_CreateString(gantry_pack_correlation_tag(pack, info->index, i)));
    cJSON *group = cJSON_AddObjectToObject(o, "group");
    for (size_t i = 0; i < m->group_count; i++)
        cJSON_AddStringToObject(group, m->group_fields[i], m->group_values[i]);
    char first[48], last[48];
    format_time(m->first_ns, first, sizeof first);
    format_time(m->last_ns, last, sizeof last);
    cJSON *window = cJSON_AddObjectToObject(o, "window");
    cJSON_AddStringToObject(window, "first", first);
    cJSON_AddStringToObject(window, "last", last);
    cJSON_AddNumberToObject(o, "value", m->value);
    cJSON *events = cJSON_AddArrayToObject(o, "events");
    for (size_t i = 0; i < m->event_count; i++) {
        const gantry_corr_event *e = &m->events[i];
        cJSON *ev = cJSON_CreateObject();
        char t[48];
        format_time(e->time_ns, t, sizeof t);
        cJSON_AddStringToObject(ev, "file", e->file);
        cJSON_AddNumberToObject(ev, "line", (double)e->line);
        cJSON_AddStringToObject(ev, "time", t);
        if (e->is_correlation) {
            gantry_correlation_info ci;
            if (gantry_pack_correlation_info(pack, e->rule, &ci) == GANTRY_OK)
                cJSON_AddStringToObject(ev, "correlation", ci.name);
        } else {
            gantry_rule_info ri;
            if (gantry_pack_rule_info(pack, e->rule, &ri) == GANTRY_OK)
                cJSON_AddStringToObject(ev, "rule", ri.id[0] ? ri.id : ri.title);
        }
        cJSON_AddItemToArray(events, ev);
    }
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

void gco_on_match(const gantry_corr_match *m, void *user) {
    gco_sink *sink = user;
    if ((int)m->correlation->level < sink->min_level)
        return;
    sink->printed++;
    if (sink->count_only)
        return;
    if (sink->text) {
        fprintf(sink->out, "CORRELATION %s %s [%s]", gantry_level_name(m->correlation->level),
                m->correlation->title, m->correlation->type);
        for (size_t i = 0; i < m->group_count; i++)
            fprintf(sink->out, " %s=%s", m->group_fields[i], m->group_values[i]);
        fprintf(sink->out, " (%zu events)\n", m->event_count);
        for (size_t i = 0; i < m->event_count; i++)
            fprintf(sink->out, "    %s:%" PRIu64 "\n", m->events[i].file, m->events[i].line);
        return;
    }
    char *text = gco_render(sink->pack, m);
    if (text) {
        fputs(text, sink->out);
        fputc('\n', sink->out);
    }
    cJSON_free(text);
}

void gco_print_summary(const gantry_correlator_stats *s, uint64_t printed, FILE *out) {
    fprintf(out,
            "gantry: correlations: %" PRIu64 " matches (%" PRIu64 " reported); %" PRIu64
            " groups live, %" PRIu64 " peak, %" PRIu64 " evicted, %" PRIu64 " expired; %" PRIu64
            " late, %" PRIu64 " ungrouped, %" PRIu64 " without @timestamp; state %" PRIu64
            " of %" PRIu64 " bytes (peak %" PRIu64 ")\n",
            s->matches, printed, s->groups_live, s->groups_peak, s->groups_evicted,
            s->groups_expired, s->late, s->ungrouped, s->time_fallbacks, s->bytes, s->memory_budget,
            s->bytes_peak);
    if (s->time_fallbacks)
        fprintf(out,
                "gantry: warning: %" PRIu64
                " events had no usable @timestamp; they were placed at the latest time "
                "seen (arrival order)\n",
                s->time_fallbacks);
}

int gco_amend_stats_file(const char *path, const gantry_correlator_stats *s, uint64_t printed) {
    char *data = NULL;
    size_t len = 0;
    if (grt_read_file(path, &data, &len) != GANTRY_OK)
        return -1;
    cJSON *o = cJSON_Parse(data);
    free(data);
    if (!o) {
        errno = EINVAL;
        return -1;
    }
    cJSON *c = cJSON_AddObjectToObject(o, "correlations");
    const struct {
        const char *name;
        uint64_t v;
    } fields[] = {
        {"fed", s->fed},
        {"matches", s->matches},
        {"reported", printed},
        {"groups_live", s->groups_live},
        {"groups_peak", s->groups_peak},
        {"groups_evicted", s->groups_evicted},
        {"groups_expired", s->groups_expired},
        {"events_dropped", s->events_dropped},
        {"late", s->late},
        {"ungrouped", s->ungrouped},
        {"time_fallbacks", s->time_fallbacks},
        {"state_bytes", s->bytes},
        {"state_bytes_peak", s->bytes_peak},
        {"state_memory", s->memory_budget},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        cJSON_AddNumberToObject(c, fields[i].name, (double)fields[i].v);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text) {
        errno = ENOMEM;
        return -1;
    }
    FILE *f = fopen(path, "wb");
    int rc = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    cJSON_free(text);
    return rc;
}
