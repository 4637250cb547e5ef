/* SPDX-License-Identifier: Apache-2.0 */
/* Building the schema keys of a normalized event, and small JSON helpers
 * shared by the source modules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image_ref.h"
#include "gantry_limits.h"
#include "normalize.h"
#include "timestamp.h"

static void add(gnorm_out *o, const char *key, cJSON *item) {
    if (!item) {
        o->nomem = 1;
        return;
    }
    cJSON_AddItemToObjectCS(o->obj, key, item);
}

void gnorm_item(gnorm_out *o, const char *key, cJSON *item) {
    add(o, key, item);
}

void gnorm_str(gnorm_out *o, const char *key, const char *value) {
    if (value)
        add(o, key, cJSON_CreateString(value));
}

static cJSON *string_n(const char *value, size_t len) {
    char small[256];
    char *copy = len < sizeof small ? small : malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, value, len);
    copy[len] = '\0';
    cJSON *item = cJSON_CreateString(copy);
    if (copy != small)
        free(copy);
    return item;
}

void gnorm_strn(gnorm_out *o, const char *key, const char *value, size_t len) {
    if (value)
        add(o, key, string_n(value, len));
}

void gnorm_bool(gnorm_out *o, const char *key, int value) {
    add(o, key, cJSON_CreateBool(value));
}

void gnorm_num(gnorm_out *o, const char *key, double value) {
    add(o, key, cJSON_CreateNumber(value));
}

/* The schema keys are appended after the event's own, so look from the
 * end: a forward lookup per pushed value walked every key of the event,
 * quadratic for an event with many keys and many values. cJSON keeps the
 * last child in child->prev. */
static cJSON *find_key_from_end(const cJSON *obj, const char *key) {
    const cJSON *first = obj->child;
    if (!first || !first->prev)
        return cJSON_GetObjectItemCaseSensitive(obj, key);
    for (const cJSON *c = first->prev;; c = c->prev) {
        if (c->string && strcmp(c->string, key) == 0)
            return (cJSON *)c;
        if (c == first)
            return NULL;
    }
}

static cJSON *list(gnorm_out *o, const char *key) {
    cJSON *arr = find_key_from_end(o->obj, key);
    if (cJSON_IsArray(arr))
        return arr;
    arr = cJSON_CreateArray();
    add(o, key, arr);
    return arr;
}

/* The element count of an output array lives in its (otherwise unused)
 * valueint: cJSON_GetArraySize() walks the list, and calling it per push made
 * an event with a few hundred thousand env entries cost minutes. */
static void push(gnorm_out *o, const char *key, cJSON *item) {
    if (!item) {
        o->nomem = 1;
        return;
    }
    cJSON *arr = list(o, key);
    if (!arr || arr->valueint >= (int)GANTRY_MAX_VALUES_PER_FIELD) {
        cJSON_Delete(item);
        return;
    }
    if (cJSON_AddItemToArray(arr, item))
        arr->valueint++;
    else
        cJSON_Delete(item);
}

void gnorm_push_item(gnorm_out *o, const char *key, cJSON *item) {
    push(o, key, item);
}

void gnorm_push_str(gnorm_out *o, const char *key, const char *value) {
    if (value)
        push(o, key, cJSON_CreateString(value));
}

void gnorm_push_strn(gnorm_out *o, const char *key, const char *value, size_t len) {
    if (value)
        push(o, key, string_n(value, len));
}

void gnorm_push_num(gnorm_out *o, const char *key, double value) {
    push(o, key, cJSON_CreateNumber(value));
}

void gnorm_push_bool(gnorm_out *o, const char *key, int value) {
    push(o, key, cJSON_CreateBool(value));
}

/* The schema keys come from the const-string table, so they are re-added
 * by the same pointer. */
static const char *schema_key(const char *key) {
    size_t n;
    const gnorm_field *f = gnorm_schema_fields(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].name, key) == 0)
            return f[i].name;
    return NULL;
}

void gnorm_fold(gnorm_out *o, cJSON *from) {
    for (cJSON *c = from->child; c; c = c->next) {
        const char *key = c->string ? schema_key(c->string) : NULL;
        if (!key)
            continue;
        cJSON *have = find_key_from_end(o->obj, key);
        if (cJSON_IsArray(c)) {
            for (cJSON *e = c->child; e; e = e->next)
                push(o, key, cJSON_Duplicate(e, 1));
        } else if (cJSON_IsBool(c) && cJSON_IsBool(have)) {
            /* a cJSON boolean is its type bit; the key's flags stay */
            if (cJSON_IsTrue(c))
                have->type = (have->type & ~0xFF) | cJSON_True;
        } else if (!have) {
            add(o, key, cJSON_Duplicate(c, 1));
        }
    }
}

void gnorm_error(gnorm_out *o, const char *reason) {
    if (!reason)
        return;
    gnorm_push_str(o, "error.message", reason);
}

void gnorm_push_user(gnorm_out *o, const char *key, const char *user) {
    if (!user || !*user)
        return;
    char *end;
    long v = strtol(user, &end, 10);
    if (*end == '\0' && user[0] >= '0' && user[0] <= '9')
        gnorm_push_num(o, key, (double)v);
    else
        gnorm_push_str(o, key, user);
}

void gnorm_image(gnorm_out *o, const char *ref) {
    if (!ref || !*ref)
        return;
    if (gnorm_wants(o, GNORM_G_CONTAINER))
        gnorm_push_str(o, "container.image.name", ref);
    if (!gnorm_wants(o, GNORM_G_IMAGE))
        return;
    gimg_ref parts;
    if (!gimg_parse(ref, strlen(ref), &parts))
        return;
    gnorm_push_str(o, "container.image.registry", parts.registry);
    gnorm_push_str(o, "container.image.repository", parts.repository);
    if (parts.tag[0])
        gnorm_push_str(o, "container.image.tag", parts.tag);
    if (parts.digest[0])
        gnorm_push_str(o, "container.image.digest", parts.digest);
}

/* Appends a word to a growing command line. */
static gantry_status append_word(char **line, size_t *len, size_t *cap, const char *word) {
    size_t w = strlen(word);
    if (*len + w + 2 > *cap) {
        size_t ncap = (*len + w + 2) * 2;
        char *n = realloc(*line, ncap);
        if (!n)
            return GANTRY_E_NOMEM;
        *line = n;
        *cap = ncap;
    }
    if (*len)
        (*line)[(*len)++] = ' ';
    memcpy(*line + *len, word, w);
    *len += w;
    (*line)[*len] = '\0';
    return GANTRY_OK;
}

static void one_word(gnorm_out *o, const char *w, size_t n, int *first, char **line, size_t *len,
                     size_t *cap) {
    if (*first) {
        gnorm_push_strn(o, "process.executable", w, n);
        *first = 0;
    }
    gnorm_push_strn(o, "process.args", w, n);
    char small[512];
    char *word = n < sizeof small ? small : malloc(n + 1);
    if (!word) {
        o->nomem = 1;
        return;
    }
    memcpy(word, w, n);
    word[n] = '\0';
    if (append_word(line, len, cap, word) != GANTRY_OK)
        o->nomem = 1;
    if (word != small)
        free(word);
}

/* An array gives one word per element; a string (Docker's shell form) is
 * split on blanks. */
static void argv_words(gnorm_out *o, const cJSON *part, int *first, char **line, size_t *len,
                       size_t *cap) {
    if (cJSON_IsString(part)) {
        const char *p = part->valuestring;
        while (*p) {
            while (*p == ' ' || *p == '\t')
                p++;
            const char *s = p;
            while (*p && *p != ' ' && *p != '\t')
                p++;
            if (p > s)
                one_word(o, s, (size_t)(p - s), first, line, len, cap);
        }
        return;
    }
    const cJSON *w;
    cJSON_ArrayForEach(w, part) {
        if (cJSON_IsString(w))
            one_word(o, w->valuestring, strlen(w->valuestring), first, line, len, cap);
    }
}

void gnorm_process_argv(gnorm_out *o, const cJSON *first_part, const cJSON *second_part) {
    gnorm_process_argv_env(o, first_part, second_part, NULL);
}

void gnorm_process_argv_env(gnorm_out *o, const cJSON *first_part, const cJSON *second_part,
                            const cJSON *k8s_env) {
    char *line = NULL;
    size_t len = 0, cap = 0;
    int first = 1;
    argv_words(o, first_part, &first, &line, &len, &cap);
    argv_words(o, second_part, &first, &line, &len, &cap);
    if (line && len)
        gnorm_push_str(o, "process.command_line", line);
    free(line);
    gnorm_shell_argv(o, first_part, second_part, k8s_env);
}

void gnorm_process_cmdline(gnorm_out *o, const char *cmdline) {
    if (!cmdline || !*cmdline)
        return;
    gnorm_push_str(o, "process.command_line", cmdline);
    int first = 1;
    const char *p = cmdline;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *s = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (p > s) {
            if (first)
                gnorm_push_strn(o, "process.executable", s, (size_t)(p - s));
            first = 0;
            gnorm_push_strn(o, "process.args", s, (size_t)(p - s));
        }
    }
    gnorm_shell_script(o, cmdline);
}

const cJSON *gnorm_path(const cJSON *obj, const char *path) {
    const cJSON *cur = obj;
    while (cur && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (!cJSON_IsObject(cur))
            return NULL;
        const cJSON *found = NULL;
        /* most keys differ in their first byte: test it before calling out */
        for (const cJSON *c = cur->child; c; c = c->next)
            if (c->string && c->string[0] == path[0] && strncmp(c->string, path, n) == 0 &&
                c->string[n] == '\0') {
                found = c;
                break;
            }
        cur = found;
        path = dot ? dot + 1 : path + n;
    }
    return cur;
}

const char *gnorm_path_str(const cJSON *obj, const char *path) {
    const cJSON *v = gnorm_path(obj, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int gnorm_path_bool(const cJSON *obj, const char *path) {
    const cJSON *v = gnorm_path(obj, path);
    if (cJSON_IsTrue(v))
        return 1;
    if (cJSON_IsFalse(v))
        return 0;
    return -1;
}

/* The deepest nesting of `text`; *open (when not NULL) tells whether the
 * text ends inside a string or an unclosed object or array, i.e. was cut. */
static unsigned json_scan(const char *text, size_t len, int *open) {
    unsigned depth = 0, max = 0;
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                max = depth;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    if (open)
        *open = in_string || depth > 0;
    return max;
}

unsigned gnorm_json_depth(const char *text, size_t len) {
    return json_scan(text, len, NULL);
}

/* Whether the text holds more than `limit` opening brackets, strings
 * included: an upper bound on its nesting depth that costs a fraction of
 * json_scan, since memchr skips the bytes between brackets many at a time. */
static int openers_exceed(const char *text, size_t len, size_t limit) {
    size_t n = 0;
    for (const char *p = text, *end = text + len; p < end && n <= limit; n++) {
        p = memchr(p, '{', (size_t)(end - p));
        if (!p)
            break;
        p++;
    }
    for (const char *p = text, *end = text + len; p < end && n <= limit; n++) {
        p = memchr(p, '[', (size_t)(end - p));
        if (!p)
            break;
        p++;
    }
    return n > limit;
}

cJSON *gnorm_parse_json(const char *text, size_t len, const char **reason) {
    if (len > GANTRY_DEFAULT_MAX_LINE_BYTES) {
        *reason = "line longer than the line limit";
        return NULL;
    }
    /* The exact depth is only needed when the bound exceeds the limit. */
    if (openers_exceed(text, len, GANTRY_DEFAULT_MAX_DEPTH) &&
        json_scan(text, len, NULL) > GANTRY_DEFAULT_MAX_DEPTH) {
        *reason = "JSON nested deeper than the depth limit";
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        /* cut short: the text ends inside a string or an open bracket */
        int open = 0;
        (void)json_scan(text, len, &open);
        *reason = open || (end && (size_t)(end - text) >= len) ? "truncated JSON" : "invalid JSON";
        return NULL;
    }
    /* Anything but blanks after the value is an error too. */
    for (const char *p = end; p && p < text + len; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '\0') {
            cJSON_Delete(root);
            *reason = "text after the JSON value";
            return NULL;
        }
    return root;
}

/* RFC 3339 UTC: seconds, then `digits` (0..9) digits of fraction. */
static int format_utc(int64_t secs, uint32_t nanos, int digits, char *buf, size_t size) {
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return -1;
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    if (n == 0)
        return -1;
    if (digits > 0) {
        char frac[16];
        snprintf(frac, sizeof frac, "%09u", (unsigned)nanos);
        snprintf(buf + n, size - n, ".%.*sZ", digits, frac);
    } else {
        snprintf(buf + n, size - n, "Z");
    }
    return 0;
}

void gnorm_timestamp_ns(gnorm_out *o, int64_t ns) {
    int64_t secs = ns / 1000000000;
    int64_t frac = ns % 1000000000;
    if (frac < 0) {
        frac += 1000000000;
        secs--;
    }
    char buf[64];
    if (format_utc(secs, (uint32_t)frac, 9, buf, sizeof buf) == 0)
        gnorm_str(o, "@timestamp", buf);
}

/* Digits of the fraction in an ISO 8601 time (at most nine are kept), so
 * that a time already in UTC is written as it was. */
static int fraction_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((s[i] == '.' || s[i] == ',') && i >= 19) {
            int d = 0;
            while (i + 1 + (size_t)d < n && s[i + 1 + d] >= '0' && s[i + 1 + d] <= '9')
                d++;
            return d > 9 ? 9 : d;
        }
    return 0;
}

void gnorm_time_as(gnorm_out *o, const char *text, size_t len, const char *readable,
                   size_t readable_len) {
    if (!text)
        return;
    int64_t secs;
    uint32_t nanos;
    char buf[64];
    if (grt_parse_timestamp(readable, readable_len, 0, &secs, &nanos) != GANTRY_OK ||
        format_utc(secs, nanos, fraction_digits(readable, readable_len), buf, sizeof buf) != 0) {
        gnorm_strn(o, "@timestamp", text, len);
        return;
    }
    gnorm_str(o, "@timestamp", buf);
    if (strlen(buf) != len || memcmp(buf, text, len) != 0)
        gnorm_strn(o, "@timestamp_original", text, len);
}

void gnorm_time(gnorm_out *o, const char *text, size_t len) {
    gnorm_time_as(o, text, len, text, len);
}
