/* SPDX-License-Identifier: Apache-2.0 */
/* The opaque event of include/gantry.h. A gantry_event is a cJSON object
 * seen through a pointer type of its own: no copy, no wrapper to allocate,
 * and gantry_cjson.h converts both ways for free. Paths are read by the one
 * path walker rules use (runtime/index/path.c), so an embedder reads the
 * values a rule saw. */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "gantry_cjson.h"
#include "gantry_limits.h"
#include "pack.h"
#include "path.h"

typedef struct ev_sink {
    gantry_value *out;
    size_t max, n;
} ev_sink;

static int put(const cJSON *node, void *user) {
    ev_sink *s = user;
    if (s->n < s->max) {
        gantry_value *v = &s->out[s->n];
        memset(v, 0, sizeof *v);
        if (cJSON_IsString(node)) {
            v->type = GANTRY_VALUE_STRING;
            v->text = node->valuestring ? node->valuestring : "";
            v->len = strlen(v->text);
        } else if (cJSON_IsNumber(node)) {
            v->type = GANTRY_VALUE_NUMBER;
            v->number = node->valuedouble;
        } else if (cJSON_IsBool(node)) {
            v->type = GANTRY_VALUE_BOOL;
            v->number = cJSON_IsTrue(node) ? 1 : 0;
            v->text = cJSON_IsTrue(node) ? "true" : "false";
            v->len = strlen(v->text);
        } else if (cJSON_IsNull(node)) {
            v->type = GANTRY_VALUE_NULL;
        } else if (cJSON_IsArray(node)) {
            v->type = GANTRY_VALUE_ARRAY;
        } else {
            v->type = GANTRY_VALUE_OBJECT;
        }
    }
    s->n++;
    /* the VM's bound on the values one field yields */
    return s->n >= GANTRY_MAX_VALUES_PER_FIELD;
}

GRT_API size_t gantry_event_get(const gantry_event *event, const char *path, gantry_value *values,
                                size_t max) {
    if (!event || !path || (!values && max))
        return 0;
    ev_sink s = {values, max, 0};
    grt_path_walk((const cJSON *)event, path, strlen(path), put, &s);
    return s.n;
}

GRT_API const char *gantry_event_string(const gantry_event *event, const char *path) {
    gantry_value v;
    if (gantry_event_get(event, path, &v, 1) == 0 || v.type != GANTRY_VALUE_STRING)
        return NULL;
    return v.text;
}

GRT_API gantry_status gantry_event_parse(const char *json, size_t len, gantry_event **event) {
    if (event)
        *event = NULL;
    if (!event || (!json && len))
        return GANTRY_E_ARG;
    if (!json || len == 0)
        return GANTRY_E_JSON;
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root)
        return GANTRY_E_JSON;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return GANTRY_E_JSON;
    }
    *event = (gantry_event *)root;
    return GANTRY_OK;
}

GRT_API void gantry_event_free(gantry_event *event) {
    cJSON_Delete((cJSON *)event);
}

GRT_API size_t gantry_event_to_json(const gantry_event *event, char *buf, size_t size) {
    if (!event)
        return 0;
    char *text = cJSON_PrintUnformatted((const cJSON *)event);
    if (!text)
        return 0;
    size_t len = strlen(text);
    if (buf && size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(buf, text, n);
        buf[n] = '\0';
    }
    cJSON_free(text);
    return len;
}

GRT_API const struct cJSON *gantry_event_cjson(const gantry_event *event) {
    return (const cJSON *)event;
}

GRT_API const gantry_event *gantry_event_from_cjson(const struct cJSON *object) {
    return (const gantry_event *)object;
}
