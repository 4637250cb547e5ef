/* SPDX-License-Identifier: Apache-2.0 */
/* The public normalizer: format detection, joining of continuation lines
 * (a dockerd call and its form data; a Dashboard request body over several
 * lines) and the queue of items handed to the caller. */
#include <stdlib.h>
#include <string.h>

#include "gantry.h"
#include "gantry_limits.h"
#include "normalize.h"
#include "sources.h"

enum { HELD_NONE, HELD_DOCKERD, HELD_DASHBOARD };

struct gantry_normalizer {
    gantry_input_format format;
    unsigned want;
    gantry_item *items;
    size_t head, count, cap;
    cJSON *handed; /* the event last returned by next(), freed on the next call */
    int held_kind;
    cJSON *held;
    uint64_t held_first, held_last;
    char *body;
    size_t body_len, body_cap;
    gnorm_balance balance;
    char *scratch;
    size_t scratch_cap;
    unsigned max_depth; /* 0: GANTRY_DEFAULT_MAX_DEPTH, checked by gnorm_parse_json */
};

/* The public enum lists the sources of base/sources.h in its order, between
 * AUTO and JSON. */
#define FORMAT_MATCHES_SOURCE(id, name, ...)                                                       \
    _Static_assert(GANTRY_FORMAT_##id == GRT_SRC_##id + 1, "gantry_input_format: " name);
GRT_SOURCES(FORMAT_MATCHES_SOURCE)
_Static_assert(GANTRY_FORMAT_JSON == GRT_NSOURCES + 1 && GANTRY_FORMAT__COUNT == GRT_NSOURCES + 2,
               "gantry_input_format: AUTO, the sources of base/sources.h, JSON");

#define FORMAT_NAME(id, name, ...) [GANTRY_FORMAT_##id] = name,
static const char *const format_names[GANTRY_FORMAT__COUNT] = {
    [GANTRY_FORMAT_AUTO] = "auto",
    GRT_SOURCES(FORMAT_NAME)[GANTRY_FORMAT_JSON] = GRT_SOURCE_JSON_NAME,
};

const char *gantry_input_format_name(gantry_input_format format) {
    if ((unsigned)format >= GANTRY_FORMAT__COUNT)
        return "unknown";
    return format_names[format];
}

int gantry_input_format_parse(const char *name) {
    if (!name)
        return -1;
    for (int i = 0; i < GANTRY_FORMAT__COUNT; i++)
        if (strcmp(name, format_names[i]) == 0)
            return i;
    return -1;
}

gantry_status gantry_normalizer_new(const gantry_pack *pack, gantry_input_format format,
                                    gantry_normalizer **normalizer) {
    if (!normalizer)
        return GANTRY_E_ARG;
    *normalizer = NULL;
    if ((unsigned)format >= GANTRY_FORMAT__COUNT)
        return GANTRY_E_ARG;
    gantry_normalizer *n = calloc(1, sizeof *n);
    if (!n)
        return GANTRY_E_NOMEM;
    n->format = format;
    if (!pack) {
        n->want = GNORM_G_ALL;
    } else {
        size_t count = gantry_pack_field_count(pack);
        for (size_t i = 0; i < count; i++) {
            const char *name = gantry_pack_field_name(pack, i);
            if (name)
                n->want |= gnorm_field_groups(name);
        }
        /* logsource semantics read event.module and event.category (BASE) */
        if (gantry_pack_scopes_sources(pack))
            n->want |= GNORM_G_BASE;
    }
    *normalizer = n;
    return GANTRY_OK;
}

int gnorm_idle(const gantry_normalizer *n) {
    return n->held_kind == HELD_NONE && n->count == 0;
}

static void release_handed(gantry_normalizer *n) {
    cJSON_Delete(n->handed);
    n->handed = NULL;
}

void gantry_normalizer_free(gantry_normalizer *n) {
    if (!n)
        return;
    release_handed(n);
    for (size_t i = 0; i < n->count; i++)
        cJSON_Delete((cJSON *)n->items[n->head + i].event);
    cJSON_Delete(n->held);
    free(n->items);
    free(n->body);
    free(n->scratch);
    free(n);
}

static gantry_status push(gantry_normalizer *n, gantry_item_kind kind, uint64_t first,
                          uint64_t last, cJSON *event, const char *reason) {
    if (n->head > 0 && n->head + n->count == n->cap) {
        memmove(n->items, n->items + n->head, n->count * sizeof *n->items);
        n->head = 0;
    }
    if (n->head + n->count == n->cap) {
        size_t cap = n->cap ? n->cap * 2 : 8;
        gantry_item *items = realloc(n->items, cap * sizeof *items);
        if (!items) {
            cJSON_Delete(event);
            return GANTRY_E_NOMEM;
        }
        n->items = items;
        n->cap = cap;
    }
    gantry_item *it = &n->items[n->head + n->count++];
    it->kind = kind;
    it->first_line = first;
    it->last_line = last;
    it->event = (gantry_event *)event; /* an event is a cJSON object (api/event.c) */
    it->reason = reason;
    return GANTRY_OK;
}

int gantry_normalizer_next(gantry_normalizer *n, gantry_item *item) {
    if (!n || !item)
        return 0;
    release_handed(n);
    if (n->count == 0)
        return 0;
    *item = n->items[n->head++];
    if (--n->count == 0)
        n->head = 0;
    n->handed = (cJSON *)item->event;
    return 1;
}

static gantry_status set_message(cJSON *event, const char *line, size_t len) {
    char small[512];
    char *copy = len < sizeof small ? small : malloc(len + 1);
    if (!copy)
        return GANTRY_E_NOMEM;
    memcpy(copy, line, len);
    copy[len] = '\0';
    cJSON *msg = cJSON_CreateString(copy);
    if (copy != small)
        free(copy);
    if (!msg)
        return GANTRY_E_NOMEM;
    cJSON_AddItemToObjectCS(event, "message", msg);
    return GANTRY_OK;
}

/* Appends a continuation line to the held event's message. */
static gantry_status extend_message(cJSON *event, const char *line, size_t len) {
    cJSON *msg = cJSON_GetObjectItemCaseSensitive(event, "message");
    if (!cJSON_IsString(msg))
        return set_message(event, line, len);
    size_t old = strlen(msg->valuestring);
    char *joined = malloc(old + len + 2);
    if (!joined)
        return GANTRY_E_NOMEM;
    memcpy(joined, msg->valuestring, old);
    joined[old] = '\n';
    memcpy(joined + old + 1, line, len);
    joined[old + len + 1] = '\0';
    cJSON *item = cJSON_CreateString(joined);
    free(joined);
    if (!item)
        return GANTRY_E_NOMEM;
    cJSON_ReplaceItemInObjectCaseSensitive(event, "message", item);
    return GANTRY_OK;
}

static gantry_status flush_held(gantry_normalizer *n) {
    if (n->held_kind == HELD_NONE)
        return GANTRY_OK;
    if (n->held_kind == HELD_DASHBOARD) {
        int complete = n->balance.depth <= 0 && !n->balance.in_string;
        gnorm_dashboard_body(n->held, n->body, n->body_len, complete, n->want);
        n->body_len = 0;
    }
    cJSON *ev = n->held;
    n->held = NULL;
    n->held_kind = HELD_NONE;
    return push(n, GANTRY_ITEM_EVENT, n->held_first, n->held_last, ev, NULL);
}

static gantry_status hold(gantry_normalizer *n, int kind, cJSON *event, uint64_t line_no) {
    n->held_kind = kind;
    n->held = event;
    n->held_first = n->held_last = line_no;
    return GANTRY_OK;
}

static gantry_status body_append(gantry_normalizer *n, const char *p, size_t len, int space) {
    size_t need = n->body_len + len + 2;
    if (need > n->body_cap) {
        size_t cap = need * 2;
        char *b = realloc(n->body, cap);
        if (!b)
            return GANTRY_E_NOMEM;
        n->body = b;
        n->body_cap = cap;
    }
    /* Lines are joined with a blank: valid between JSON tokens and inside a
     * string a log wrapped over lines. */
    if (space && n->body_len)
        n->body[n->body_len++] = ' ';
    memcpy(n->body + n->body_len, p, len);
    n->body_len += len;
    n->body[n->body_len] = '\0';
    gnorm_balance_feed(&n->balance, p, len);
    return GANTRY_OK;
}

static int is_blank(const char *line, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n' &&
            line[i] != '\f' && line[i] != '\v')
            return 0;
    return 1;
}

/* Result of one line before joining. */
typedef struct line_result {
    cJSON *event;
    gantry_status status; /* GANTRY_E_EVENT: `reason` says why */
    const char *reason;
    int dockerd_kind;
    int dash_open;
    size_t body_off;
    int text;                   /* a text source: "message" holds the line */
    gantry_input_format source; /* its format name is the event.module */
} line_result;

static void normalize_json(gantry_normalizer *n, const char *line, size_t len, line_result *r) {
    gantry_input_format f = n->format;
    if (f == GANTRY_FORMAT_CONTAINERD || f == GANTRY_FORMAT_K8S_DASHBOARD) {
        r->status = gnorm_malformed(&r->reason, "JSON where a text log line was expected");
        return;
    }
    cJSON *root = gnorm_parse_json(line, len, &r->reason);
    if (!root) {
        r->status = GANTRY_E_EVENT;
        return;
    }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        r->status = gnorm_malformed(&r->reason, "JSON value is not an object");
        return;
    }
    if (f == GANTRY_FORMAT_AUTO) {
        if (gnorm_is_k8s_audit(root))
            f = GANTRY_FORMAT_K8S_AUDIT;
        else if (gnorm_is_falco(root))
            f = GANTRY_FORMAT_FALCO;
        else if (gnorm_is_docker_event(root))
            f = GANTRY_FORMAT_DOCKER_EVENTS;
        else if (gnorm_is_dockerd_json(root))
            f = GANTRY_FORMAT_DOCKERD;
        else
            f = GANTRY_FORMAT_JSON;
    }
    r->source = f;
    switch (f) {
    case GANTRY_FORMAT_K8S_AUDIT:
        r->status = gnorm_k8s_audit(root, n->want, &r->event, &r->reason);
        break;
    case GANTRY_FORMAT_FALCO:
        r->status = gnorm_falco(root, n->want, &r->event, &r->reason);
        break;
    case GANTRY_FORMAT_DOCKER_EVENTS:
        r->status = gnorm_docker_event(root, line, len, n->want, &r->event, &r->reason);
        break;
    case GANTRY_FORMAT_DOCKERD:
        /* --log-format json; joined like the text form, message holds the line */
        r->text = 1;
        r->status = gnorm_dockerd_json(root, n->want, &r->event, &r->dockerd_kind, &r->reason);
        break;
    default:
        r->status = gnorm_plain_json(root, n->want, &r->event, &r->reason);
        break;
    }
}

static void normalize_text(gantry_normalizer *n, const char *line, size_t len, line_result *r) {
    gantry_input_format f = n->format;
    r->text = 1;
    if (f == GANTRY_FORMAT_K8S_AUDIT || f == GANTRY_FORMAT_FALCO || f == GANTRY_FORMAT_JSON) {
        r->status = gnorm_malformed(&r->reason, "not JSON");
        return;
    }
    gnorm_text_ctx ctx = {n->want, {NULL, 0}, {NULL, 0}, &n->scratch, &n->scratch_cap};
    size_t off = gnorm_syslog_prefix(line, len, &ctx.host, &ctx.program);
    const char *rest = line + off;
    size_t rlen = len - off;
    if ((f == GANTRY_FORMAT_AUTO || f == GANTRY_FORMAT_DOCKER_EVENTS) &&
        gnorm_docker_text_detect(rest, rlen)) {
        r->source = GANTRY_FORMAT_DOCKER_EVENTS;
        r->status = gnorm_docker_text(rest, rlen, n->want, &r->event, &r->reason);
        return;
    }
    if (f == GANTRY_FORMAT_DOCKER_EVENTS) {
        r->status = gnorm_malformed(&r->reason, "not a Docker event");
        return;
    }
    if ((f == GANTRY_FORMAT_AUTO || f == GANTRY_FORMAT_K8S_DASHBOARD) && off == 0 &&
        gnorm_dashboard_detect(rest, rlen)) {
        r->source = GANTRY_FORMAT_K8S_DASHBOARD;
        r->status = gnorm_dashboard_line(rest, rlen, n->want, &r->event, &r->dash_open,
                                         &r->body_off, &r->reason);
        return;
    }
    if (f == GANTRY_FORMAT_K8S_DASHBOARD) {
        r->status = gnorm_malformed(&r->reason, "not a Kubernetes Dashboard log line");
        return;
    }
    gnorm_logline l;
    if (!gnorm_parse_logline(rest, rlen, &l)) {
        r->status = gnorm_malformed(&r->reason, "neither JSON nor a known log form");
        return;
    }
    int dockerd = f == GANTRY_FORMAT_DOCKERD ||
                  (f == GANTRY_FORMAT_AUTO && gnorm_logline_is_dockerd(&l, &ctx));
    r->source = dockerd ? GANTRY_FORMAT_DOCKERD : GANTRY_FORMAT_CONTAINERD;
    if (dockerd)
        r->status = gnorm_dockerd_line(&l, &ctx, &r->event, &r->dockerd_kind, &r->reason);
    else
        r->status = gnorm_containerd_line(&l, &ctx, &r->event, &r->reason);
}

/* A held dashboard body takes every line up to its end, unless a new log
 * line starts first. Returns 1 when the line was taken. */
static int continue_dashboard(gantry_normalizer *n, const char *line, size_t len, uint64_t line_no,
                              gantry_status *st) {
    if (n->held_kind != HELD_DASHBOARD)
        return 0;
    if (gnorm_dashboard_detect(line, len) || n->body_len + len > GANTRY_DEFAULT_MAX_LINE_BYTES) {
        *st = flush_held(n);
        return 0;
    }
    *st = body_append(n, line, len, 1);
    if (*st == GANTRY_OK)
        *st = extend_message(n->held, line, len);
    n->held_last = line_no;
    if (*st == GANTRY_OK && n->balance.depth <= 0 && !n->balance.in_string)
        *st = flush_held(n);
    return 1;
}

gantry_status gantry_normalizer_set_max_depth(gantry_normalizer *n, unsigned max_depth) {
    if (!n || max_depth == 0 || max_depth > GANTRY_DEFAULT_MAX_DEPTH)
        return GANTRY_E_ARG;
    n->max_depth = max_depth < GANTRY_DEFAULT_MAX_DEPTH ? max_depth : 0;
    return GANTRY_OK;
}

gantry_status gantry_normalizer_feed(gantry_normalizer *n, const char *line, size_t len,
                                     uint64_t line_no) {
    if (!n || (!line && len))
        return GANTRY_E_ARG;
    release_handed(n);
    if (len > GANTRY_DEFAULT_MAX_LINE_BYTES) {
        gantry_status st = flush_held(n);
        if (st == GANTRY_OK)
            st = push(n, GANTRY_ITEM_MALFORMED, line_no, line_no, NULL,
                      "line longer than the line limit");
        return st;
    }
    /* A lowered depth limit is checked on the raw line, so it also bounds
     * JSON embedded in text formats (dockerd form data, dashboard bodies). */
    if (n->max_depth && gnorm_json_depth(line, len) > n->max_depth) {
        gantry_status st = flush_held(n);
        if (st == GANTRY_OK)
            st = push(n, GANTRY_ITEM_MALFORMED, line_no, line_no, NULL,
                      "JSON nested deeper than --max-depth");
        return st;
    }
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    gantry_status st = GANTRY_OK;
    if (continue_dashboard(n, line, len, line_no, &st))
        return st;
    if (st != GANTRY_OK)
        return st;
    if (is_blank(line, len)) {
        st = flush_held(n);
        return st == GANTRY_OK ? push(n, GANTRY_ITEM_BLANK, line_no, line_no, NULL, NULL) : st;
    }
    size_t lead = 0;
    while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
        lead++;
    line_result r = {NULL, GANTRY_OK, NULL, GNORM_DOCKERD_OTHER, 0, 0, 0, GANTRY_FORMAT_JSON};
    if (line[lead] == '{' ||
        (line[lead] == '[' && !gnorm_dashboard_detect(line + lead, len - lead)))
        normalize_json(n, line + lead, len - lead, &r);
    else
        normalize_text(n, line, len, &r);
    if (r.status != GANTRY_OK) {
        cJSON_Delete(r.event);
        if (r.status != GANTRY_E_EVENT) {
            flush_held(n);
            return GANTRY_E_NOMEM;
        }
        st = flush_held(n);
        return st == GANTRY_OK ? push(n, GANTRY_ITEM_MALFORMED, line_no, line_no, NULL, r.reason)
                               : st;
    }
    if (r.text && set_message(r.event, line, len) != GANTRY_OK) {
        cJSON_Delete(r.event);
        return GANTRY_E_NOMEM;
    }
    /* dockerd: a call takes its form-data and caller-identity lines. */
    if (n->held_kind == HELD_DOCKERD &&
        (r.dockerd_kind == GNORM_DOCKERD_FORM || r.dockerd_kind == GNORM_DOCKERD_IDENTITY)) {
        gnorm_dockerd_join(n->held, r.event, n->want);
        st = extend_message(n->held, line, len);
        cJSON_Delete(r.event);
        n->held_last = line_no;
        if (st == GANTRY_OK && r.dockerd_kind == GNORM_DOCKERD_FORM)
            st = flush_held(n);
        return st;
    }
    st = flush_held(n);
    if (st != GANTRY_OK) {
        cJSON_Delete(r.event);
        return st;
    }
    if (r.dockerd_kind == GNORM_DOCKERD_CALL)
        return hold(n, HELD_DOCKERD, r.event, line_no);
    if (r.dash_open) {
        n->balance = (gnorm_balance){0, 0, 0, 0};
        n->body_len = 0;
        hold(n, HELD_DASHBOARD, r.event, line_no);
        /* The dashboard parser saw the whole line (no syslog prefix). */
        return body_append(n, line + r.body_off, len - r.body_off, 0);
    }
    return push(n, GANTRY_ITEM_EVENT, line_no, line_no, r.event, NULL);
}

gantry_status gantry_normalizer_finish(gantry_normalizer *n) {
    if (!n)
        return GANTRY_E_ARG;
    release_handed(n);
    return flush_held(n);
}
