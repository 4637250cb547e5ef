/* SPDX-License-Identifier: Apache-2.0 */
/* Event time for correlations: RFC 3339 `@timestamp` text, or a number of
 * seconds since the epoch, the text and number of the values the stage
 * reads from group-by and value fields (found by runtime/index/path.h), and
 * the copy of an event that holds only those. */
#include <cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "correlate_stage.h"
#include "path.h"
#include "numtext.h"
#include "status.h"
#include "timestamp.h"

GRT_API gantry_status gantry_parse_time(const char *s, size_t n, int64_t *ns) {
    int64_t secs;
    uint32_t frac;
    if (!ns || grt_parse_timestamp(s, n, GRT_TS_RFC3339, &secs, &frac) != GANTRY_OK)
        return GANTRY_E_ARG;
    /* Nanoseconds in int64 cover the years 1678 to 2262; outside them the
     * product would overflow, so such a time counts as unreadable. */
    if (secs > INT64_MAX / 1000000000 - 1 || secs < INT64_MIN / 1000000000 + 1)
        return GANTRY_E_ARG;
    *ns = secs * 1000000000 + frac;
    return GANTRY_OK;
}

bool gcs_event_time(const cJSON *event, int64_t *ns) {
    const cJSON *ts =
        cJSON_IsObject(event) ? cJSON_GetObjectItemCaseSensitive(event, "@timestamp") : NULL;
    if (cJSON_IsString(ts) && ts->valuestring)
        return gantry_parse_time(ts->valuestring, strlen(ts->valuestring), ns) == GANTRY_OK;
    if (cJSON_IsNumber(ts) && isfinite(ts->valuedouble) && fabs(ts->valuedouble) < 9e9) {
        *ns = (int64_t)(ts->valuedouble * 1e9);
        return true;
    }
    return false;
}

bool gcs_value_text(const cJSON *v, char *buf, size_t size, const char **text, size_t *len) {
    if (cJSON_IsString(v) && v->valuestring) {
        *text = v->valuestring;
        *len = strlen(v->valuestring);
        return true;
    }
    if (cJSON_IsBool(v)) {
        *text = cJSON_IsTrue(v) ? "true" : "false";
        *len = strlen(*text);
        return true;
    }
    if (cJSON_IsNumber(v)) {
        /* the text a rule compares the number as */
        *len = grt_number_text(v->valuedouble, buf, size);
        *text = buf;
        return true;
    }
    return false;
}

bool gcs_value_number(const cJSON *v, double *out) {
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return isfinite(*out);
    }
    if (cJSON_IsString(v) && v->valuestring && v->valuestring[0]) {
        char *end = NULL;
        *out = strtod(v->valuestring, &end);
        return *end == '\0' && isfinite(*out);
    }
    return false;
}

/* Adds `item` under `name` unless the copy has that key already (a path
 * listed twice, or `@timestamp` as a group-by field). */
static bool keep_item(cJSON *copy, const char *name, const cJSON *item) {
    if (!item || cJSON_GetObjectItemCaseSensitive(copy, name))
        return true;
    cJSON *dup = cJSON_Duplicate(item, 0);
    if (!dup)
        return false;
    if (!cJSON_AddItemToObject(copy, name, dup)) {
        cJSON_Delete(dup);
        return false;
    }
    return true;
}

/* Each path is kept as one flat key: path lookup tries the longest flat key
 * first (path.h), so the copy yields the value the event yields. The event's
 * own `@timestamp` comes first, as gcs_event_time reads it; when a field path
 * "@timestamp" would read another value (a null first and a duplicate key
 * after it), the whole event is copied instead. */
cJSON *gcs_copy_event(const gantry_pack *pack, const cJSON *event) {
    const grt_corr_table *t = pack ? pack->corr : NULL;
    if (!cJSON_IsObject(event))
        return cJSON_Duplicate(event, 1);
    cJSON *copy = cJSON_CreateObject();
    if (!copy)
        return NULL;
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(event, "@timestamp");
    bool ok = keep_item(copy, "@timestamp", ts);
    for (uint32_t i = 0; ok && t && i < t->nfields; i++) {
        const char *path = pack->strs[t->fields[i]];
        if (!path[0])
            continue;
        const cJSON *v = grt_path_first_scalar(event, path);
        if (strcmp(path, "@timestamp") == 0 && v != ts) {
            cJSON_Delete(copy);
            return cJSON_Duplicate(event, 1);
        }
        ok = keep_item(copy, path, v);
    }
    if (!ok) {
        cJSON_Delete(copy);
        return NULL;
    }
    return copy;
}
