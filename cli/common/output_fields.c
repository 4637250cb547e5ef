/* SPDX-License-Identifier: Apache-2.0 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gantry.h"
#include "normalize.h"
#include "output_fields.h"

int gmo_buf_add(gmo_buffer *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown)
            return -1;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int gmo_buf_str(gmo_buffer *b, const char *s) {
    return gmo_buf_add(b, s, strlen(s));
}

int gmo_buf_char(gmo_buffer *b, char c) {
    return gmo_buf_add(b, &c, 1);
}

/* ---- --fields ---- */

#define RAW_PREFIX "raw:"

static int known_schema_field(const char *name) {
    size_t count;
    const gnorm_field *schema = gnorm_schema_fields(&count);
    for (size_t i = 0; i < count; i++)
        if (strcmp(schema[i].name, name) == 0)
            return 1;
    return 0;
}

static const char *closest_schema_field(const char *name) {
    size_t count;
    const gnorm_field *schema = gnorm_schema_fields(&count);
    const char **names = calloc(count ? count : 1, sizeof *names);
    if (!names)
        return NULL;
    for (size_t i = 0; i < count; i++)
        names[i] = schema[i].name;
    const char *hint = gmo_suggest(name, names, count);
    free(names);
    return hint;
}

/* A raw path: dot-separated keys, none empty. */
static int valid_path(const char *p) {
    if (!*p || *p == '.')
        return 0;
    for (; *p; p++)
        if (*p == '.' && (p[1] == '.' || p[1] == '\0'))
            return 0;
    return 1;
}

int gmo_resolve_field(const char *name, const char **path, char *err, size_t err_size) {
    *path = name;
    if (strncmp(name, RAW_PREFIX, strlen(RAW_PREFIX)) == 0) {
        *path = name + strlen(RAW_PREFIX);
        if (valid_path(*path))
            return 0;
        snprintf(err, err_size, "'%s' is not a dotted path", name);
        return -1;
    }
    if (known_schema_field(name))
        return 0;
    const char *hint = closest_schema_field(name);
    snprintf(err, err_size,
             "unknown field '%s'%s%s%s (schema fields are listed by `gantry fields`; other paths "
             "are written raw:PATH)",
             name, hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
    return -1;
}

int gmo_parse_fields(const char *list, gmo_field_list *out, char *err, size_t err_size) {
    memset(out, 0, sizeof *out);
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    out->storage = strdup(list);
    out->fields = calloc(n, sizeof *out->fields);
    if (!out->storage || !out->fields) {
        snprintf(err, err_size, "out of memory");
        gmo_field_list_free(out);
        return -1;
    }
    char *save = NULL;
    for (char *tok = out->storage;; tok = NULL) {
        char *name = strtok_r(tok, ",", &save);
        if (!name)
            break;
        const char *path;
        char why[400];
        if (gmo_resolve_field(name, &path, why, sizeof why) != 0) {
            snprintf(err, err_size, "--fields: %s", why);
            gmo_field_list_free(out);
            return -1;
        }
        out->fields[out->count++] = (gmo_field){name, path};
    }
    if (out->count == 0) {
        snprintf(err, err_size, "--fields takes a comma list of fields");
        gmo_field_list_free(out);
        return -1;
    }
    return 0;
}

void gmo_field_list_free(gmo_field_list *list) {
    free(list->fields);
    free(list->storage);
    memset(list, 0, sizeof *list);
}

/* ---- values ---- */

static void collect(const cJSON *node, const char *path, cJSON *into, int depth) {
    if (depth > 64)
        return;
    if (cJSON_IsArray(node)) {
        const cJSON *el;
        cJSON_ArrayForEach(el, node) collect(el, path, into, depth + 1);
        return;
    }
    if (*path == '\0') {
        cJSON_AddItemToArray(into, cJSON_Duplicate(node, 1));
        return;
    }
    if (!cJSON_IsObject(node))
        return;
    size_t len = strlen(path);
    for (;;) {
        const cJSON *child;
        cJSON_ArrayForEach(child, node) {
            if (child->string && strlen(child->string) == len &&
                strncmp(child->string, path, len) == 0) {
                collect(child, path[len] ? path + len + 1 : path + len, into, depth + 1);
                return;
            }
        }
        /* Not found: retry with the path cut at its previous dot. */
        while (len > 0 && path[len - 1] != '.')
            len--;
        if (len <= 1)
            return;
        len--;
    }
}

cJSON *gmo_field_values(const cJSON *event, const char *path) {
    cJSON *values = cJSON_CreateArray();
    if (values)
        collect(event, path, values, 0);
    return values;
}

int gmo_field_text(gmo_buffer *b, const cJSON *event, const char *path) {
    cJSON *values = gmo_field_values(event, path);
    if (!values)
        return -1;
    int count = 0, rc = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, values) {
        if (count++ && gmo_buf_char(b, ',') != 0)
            rc = -1;
        if (cJSON_IsString(v)) {
            if (gmo_buf_str(b, v->valuestring) != 0)
                rc = -1;
        } else {
            char *text = cJSON_PrintUnformatted(v);
            if (!text || gmo_buf_str(b, text) != 0)
                rc = -1;
            cJSON_free(text);
        }
    }
    cJSON_Delete(values);
    return rc ? -1 : count;
}

int gmo_event_time(const cJSON *event, int64_t *ns) {
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(event, "@timestamp");
    if (!cJSON_IsString(t))
        return -1;
    return gantry_parse_time(t->valuestring, strlen(t->valuestring), ns) == GANTRY_OK ? 0 : -1;
}

void gmo_format_time(int64_t ns, int fraction, char *buf) {
    int64_t secs = ns / 1000000000;
    int64_t frac = ns % 1000000000;
    if (frac < 0) {
        frac += 1000000000;
        secs--;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        strcpy(buf, "-");
        return;
    }
    size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    if (fraction)
        snprintf(buf + n, 32 - n, ".%09dZ", (int)frac);
    else
        snprintf(buf + n, 32 - n, "Z");
}

/* ---- did you mean ---- */

static size_t distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *gmo_suggest(const char *word, const char *const *candidates, size_t count) {
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < count; i++) {
        size_t d = distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    /* A typo is a few edits; anything further is a different word. */
    size_t limit = strlen(word) / 3 + 1;
    return best && best_d <= (limit > 4 ? 4 : limit) ? best : NULL;
}
