/* SPDX-License-Identifier: Apache-2.0 */
/* Internals of event normalization (the public side is the gantry_normalizer
 * section of include/gantry.h; the schema is documented in docs/schema.md).
 *
 * Each source module turns one parsed line into an event object and adds the
 * schema fields as flat dotted top-level keys through a gnorm_out. Fields are
 * grouped so that a pack reading five fields only pays for their groups.
 * Module prefix: gnorm_. */
#ifndef GANTRY_NORMALIZE_H
#define GANTRY_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

#include "gantry.h"

/* Field groups: the unit of "compute only what the pack reads". */
enum {
    GNORM_G_BASE = 1u << 0,      /* @timestamp, event.*, log.level, rule.name, host.name */
    GNORM_G_ACTOR = 1u << 1,     /* user.*, source.ip, user_agent.original */
    GNORM_G_HTTP = 1u << 2,      /* url.original, http.* */
    GNORM_G_ORCH = 1u << 3,      /* orchestrator.* */
    GNORM_G_CONTAINER = 1u << 4, /* container.id/name/image.name/runtime.namespace */
    GNORM_G_IMAGE = 1u << 5,     /* container.image.registry/repository/tag/digest */
    GNORM_G_SECURITY = 1u << 6,  /* container.security_context.*, container.host_* */
    GNORM_G_MOUNTS = 1u << 7,    /* container.mounts.* */
    GNORM_G_PROCESS = 1u << 8,   /* process.*, and file.*, destination.*, network.* of syscalls */
    GNORM_G_ENV = 1u << 9,       /* container.env.name */
    GNORM_G_SCOPES = 1u << 10,   /* container.list: one object per container */
    GNORM_G_ALL = (1u << 11) - 1,
    /* Anything under a workload's pod spec / create body. */
    GNORM_G_WORKLOAD = GNORM_G_CONTAINER | GNORM_G_IMAGE | GNORM_G_SECURITY | GNORM_G_MOUNTS |
                       GNORM_G_PROCESS | GNORM_G_ENV,
};

/* Whether the normalizer holds nothing: no joined event waits for more
 * lines and no item waits to be taken (normalize.c). */
int gnorm_idle(const gantry_normalizer *n);

/* ---- schema table (schema.c) ---- */
#define GNORM_RENAME_PATHS 3
#define GNORM_RENAME_TEXT 63

typedef struct gnorm_field {
    const char *name;
    unsigned group;
    const char *description;
    /* GNORM_FROM bits: sources whose events never get the field from their
     * normalizer (0: any may). The pack-driven reader reads such a field
     * of such an event as the raw path it is (api/fast.c). */
    unsigned never_from;
} gnorm_field;

#define GNORM_FROM(src) (1u << GRT_SRC_##src)

const gnorm_field *gnorm_schema_fields(size_t *count);
/* Groups a pack field needs: the field's own group, or every group under it
 * when it names a prefix ("container.image"); 0 for non-schema paths. */
unsigned gnorm_field_groups(const char *name);
/* Removes schema keys already present (re-normalizing normalized output). */
void gnorm_strip_schema_keys(cJSON *obj);

/* ---- output builder (norm_out.c) ---- */
typedef struct gnorm_out {
    cJSON *obj;
    unsigned want;
    int nomem;
} gnorm_out;

static inline int gnorm_wants(const gnorm_out *o, unsigned groups) {
    return (o->want & groups) != 0;
}

/* `key` must be a string literal (stored without a copy). NULL values are
 * ignored, so callers can pass lookups straight through. */
void gnorm_str(gnorm_out *o, const char *key, const char *value);
void gnorm_strn(gnorm_out *o, const char *key, const char *value, size_t len);
void gnorm_bool(gnorm_out *o, const char *key, int value);
void gnorm_num(gnorm_out *o, const char *key, double value);
void gnorm_item(gnorm_out *o, const char *key, cJSON *item); /* takes ownership */
/* Append to the array under `key`, creating it on first use. */
void gnorm_push_str(gnorm_out *o, const char *key, const char *value);
void gnorm_push_strn(gnorm_out *o, const char *key, const char *value, size_t len);
void gnorm_push_num(gnorm_out *o, const char *key, double value);
void gnorm_push_bool(gnorm_out *o, const char *key, int value);
void gnorm_push_item(gnorm_out *o, const char *key, cJSON *item); /* takes ownership */
/* container.image.name plus (when wanted) its parsed parts. */
void gnorm_image(gnorm_out *o, const char *ref);
/* process.executable/args/command_line from an argv list (a cJSON array of
 * strings) or a command string split on blanks. */
void gnorm_process_argv(gnorm_out *o, const cJSON *first, const cJSON *second);
void gnorm_process_cmdline(gnorm_out *o, const char *cmdline);
/* Adds the schema keys of `from` (another output object) to o: arrays are
 * appended, a true flag wins over false, other values are kept when new. */
void gnorm_fold(gnorm_out *o, cJSON *from);
/* A parser limit or malformed part of an otherwise good event: pushed to
 * error.message whatever the pack reads (out of memory is o->nomem, never a message). */
void gnorm_error(gnorm_out *o, const char *reason);
/* The same, for a Kubernetes container: the shell view sees $(VAR)
 * references expanded from the container's env as the kubelet does. */
void gnorm_process_argv_env(gnorm_out *o, const cJSON *first, const cJSON *second,
                            const cJSON *k8s_env);

/* ---- shell view (shell.c, shell_lex.c): process.stages.*, process.shell.* ----
 * An argv (cJSON arrays of strings; a string part makes it shell text) or
 * a command line read as POSIX shell text. */
void gnorm_shell_argv(gnorm_out *o, const cJSON *first, const cJSON *second, const cJSON *k8s_env);
void gnorm_shell_script(gnorm_out *o, const char *text);

/* ---- host paths (path_clean.c) ---- */
/* Go's path.Clean of in[0..n) into out (room for n + 2 bytes); its length. */
size_t gnorm_clean_path(const char *in, size_t n, char *out);
/* Pushes a mount source: an absolute path cleaned, with `sub` (a subPath,
 * or NULL) joined under it; anything else (a volume name) as written. */
void gnorm_push_host_path(gnorm_out *o, const char *key, const char *path, size_t n,
                          const char *sub);
/* A run_as_user value: number when numeric text, else the text. */
void gnorm_push_user(gnorm_out *o, const char *key, const char *user);

/* JSON helpers: dotted path lookup through objects only, one key per
 * component, the first of duplicate keys. These read the fixed, known
 * layout of a raw source document (an audit event's objectRef.resource, a
 * Docker event's Actor.Attributes) while building the schema fields, never
 * a path written in a rule; rule, correlation and logsource paths are
 * resolved by runtime/index/path.h, which this layer may not see. */
const cJSON *gnorm_path(const cJSON *obj, const char *path);
const char *gnorm_path_str(const cJSON *obj, const char *path);
/* 1 true, 0 false, -1 absent or not a boolean. */
int gnorm_path_bool(const cJSON *obj, const char *path);
/* Deepest nesting of a JSON text, counted outside strings. */
unsigned gnorm_json_depth(const char *text, size_t len);
/* Parses a JSON text with the line limits; NULL with *reason on failure. */
cJSON *gnorm_parse_json(const char *text, size_t len, const char **reason);
/* @timestamp from epoch nanoseconds, as RFC 3339 UTC. */
void gnorm_timestamp_ns(gnorm_out *o, int64_t ns);
/* @timestamp from the time a source wrote, text[0..len): RFC 3339 UTC
 * (`Z`, fraction without trailing zeros) when it reads as an ISO 8601 time,
 * with the text as written kept in @timestamp_original when that differs;
 * the text unchanged when it does not read as one. */
void gnorm_time(gnorm_out *o, const char *text, size_t len);
/* The same, but what is read is `readable` (a source's own form rewritten
 * to ISO 8601) while @timestamp_original keeps text. */
void gnorm_time_as(gnorm_out *o, const char *text, size_t len, const char *readable,
                   size_t readable_len);

/* ---- sources ----
 * Each source function returns GANTRY_OK with *event set; GANTRY_E_EVENT
 * with a static *reason (the malformed-line message) when the input is not
 * of that source; GANTRY_E_NOMEM when out of memory. The JSON ones take
 * ownership of `root` (freed unless it became *event). */
static inline gantry_status gnorm_malformed(const char **reason, const char *why) {
    *reason = why;
    return GANTRY_E_EVENT;
}
int gnorm_is_k8s_audit(const cJSON *root); /* 1 raw, 2 AKS, 3 GKE, 0 not */
/* The schema fields an audit Event (raw or AKS's inner one) copies from its
 * own paths: when `group` is wanted, the first of `paths` (as gnorm_path
 * reads them) holding a string becomes `field`; or a constant. The one list both the
 * normalizer and the reader's view of raw lines (runtime/api/fast.c) use. */
typedef struct gnorm_rename {
    const char *field;
    unsigned group;
    const char *paths[GNORM_RENAME_PATHS]; /* NULL after the last */
    int source_name;                       /* instead: always the source's name (event.module) */
    /* instead: computed from the strings of `paths` (NULL where a path
     * holds none; each at most GNORM_RENAME_TEXT bytes, longer ones given
     * as ""), a static string or NULL for none */
    const char *(*derive)(const char *const *values);
} gnorm_rename;
const gnorm_rename *gnorm_k8s_audit_renames(size_t *count);
/* Whether an audit Event writes schema field f only from its workload (the
 * pod spec of requestObject or responseObject, or an exec's query).
 * gnorm_k8s_audit_no_workload() is 1 when the Event has none, so it writes
 * no such field: from verb and objectRef.subresource as gnorm_path_str
 * reads them, and whether requestObject and responseObject (gnorm_path)
 * are objects or arrays. */
int gnorm_k8s_audit_workload_only(const gnorm_field *f);
int gnorm_k8s_audit_no_workload(const char *verb, const char *subresource, int request_container,
                                int response_container);
int gnorm_is_falco(const cJSON *root);
int gnorm_is_docker_event(const cJSON *root);
gantry_status gnorm_k8s_audit(cJSON *root, unsigned want, cJSON **event, const char **reason);
/* `text`, `len`: the JSON line `root` was parsed from (exact timeNano digits). */
gantry_status gnorm_docker_event(cJSON *root, const char *text, size_t len, unsigned want,
                                 cJSON **event, const char **reason);
gantry_status gnorm_falco(cJSON *root, unsigned want, cJSON **event, const char **reason);
gantry_status gnorm_plain_json(cJSON *root, unsigned want, cJSON **event, const char **reason);

/* Schema fields of a pod spec (Kubernetes `PodSpec`, any workload's). */
void gnorm_pod_spec(gnorm_out *o, const cJSON *spec);
/* The pod spec inside an object of the given resource (plural, lower case)
 * or kind; NULL when none. */
const cJSON *gnorm_find_pod_spec(const cJSON *object, const char *resource);
/* The same for an ephemeralcontainers update: only the ephemeral containers
 * (the subresource cannot change the others), with the pod's namespaces. */
void gnorm_pod_spec_ephemeral(gnorm_out *o, const cJSON *spec);
/* Schema fields of a Docker create (or exec) request body. */
void gnorm_docker_body(gnorm_out *o, const cJSON *body);

/* ---- request bodies in other shapes ---- */
/* json_patch.c: in *out, the object an RFC 6902 patch's add/replace
 * operations write, built on an empty object (NULL when `ops` is not an
 * array). *error is a static reason when a limit stopped it; the object
 * holds what came before. GANTRY_E_NOMEM leaves *out NULL. */
gantry_status gnorm_json_patch_object(const cJSON *ops, cJSON **out, const char **error);
/* yaml_doc.c: in *out, the documents of a YAML (or JSON) text as a cJSON
 * array of values, YAML 1.1 scalars resolved as Kubernetes reads them.
 * *error is a static reason when the text is not YAML or a limit stopped it;
 * the array then holds the documents finished before. */
gantry_status gnorm_yaml_documents(const char *text, size_t len, cJSON **out, const char **error);

/* ---- text forms (norm_text.c) ---- */
typedef struct gnorm_span {
    const char *p;
    size_t n;
} gnorm_span;

/* A syslog/journald prefix ("Mar 06 18:17:44 host dockerd[1142]: ");
 * returns the offset of the rest, 0 when none, and the host/program. */
size_t gnorm_syslog_prefix(const char *line, size_t len, gnorm_span *host, gnorm_span *program);

#define GNORM_MAX_KV 24
typedef struct gnorm_kv {
    gnorm_span key;
    gnorm_span value; /* raw; quoted values keep their quotes */
} gnorm_kv;

typedef struct gnorm_logline {
    gnorm_span time;  /* raw timestamp text */
    gnorm_span level; /* debug, info, ... (as written) */
    gnorm_span msg;   /* raw (may be Go-quoted when quoted is set) */
    int quoted;
    gnorm_kv kv[GNORM_MAX_KV];
    size_t nkv;
    int form; /* 1 logrus key=value, 2 logrus TTY "INFO[ts] msg", 3 klog */
} gnorm_logline;

/* Parses a logrus (both forms) or klog line; 0 when it is neither. */
int gnorm_parse_logline(const char *line, size_t len, gnorm_logline *out);
/* Go-unquotes a quoted value into buf (allocated/grown), its length in *len;
 * GANTRY_E_NOMEM when buf cannot grow. */
gantry_status gnorm_unquote(gnorm_span quoted, char **buf, size_t *cap, size_t *len);
/* Value of a key=value field (unquoted into a fresh cJSON string when wanted). */
const gnorm_kv *gnorm_kv_find(const gnorm_logline *l, const char *key);

/* Parsed pieces of the text sources. Each builds a fresh event object. */
typedef struct gnorm_text_ctx {
    unsigned want;
    gnorm_span host;    /* from a syslog prefix */
    gnorm_span program; /* from a syslog prefix */
    char **scratch;     /* per-normalizer buffer for unquoting */
    size_t *scratch_cap;
} gnorm_text_ctx;

/* dockerd: what a line is, for joining. */
enum {
    GNORM_DOCKERD_OTHER = 0,
    GNORM_DOCKERD_CALL,     /* "Calling POST /v1.41/containers/create" */
    GNORM_DOCKERD_FORM,     /* "form data: {...}" */
    GNORM_DOCKERD_IDENTITY, /* "{Action=create, Username=root, ...}" (RHEL) */
};
/* 1 when a logrus line belongs to dockerd rather than containerd. */
int gnorm_logline_is_dockerd(const gnorm_logline *l, const gnorm_text_ctx *ctx);
/* Builds the event of one dockerd line; *kind says what it was. */
gantry_status gnorm_dockerd_line(const gnorm_logline *l, const gnorm_text_ctx *ctx, cJSON **event,
                                 int *kind, const char **reason);
/* dockerd with --log-format json: a logrus JSON object of the API middleware. */
int gnorm_is_dockerd_json(const cJSON *root);
gantry_status gnorm_dockerd_json(cJSON *root, unsigned want, cJSON **event, int *kind,
                                 const char **reason);
/* Folds a form-data or identity line's event into the held call event. */
void gnorm_dockerd_join(cJSON *call, cJSON *follow, unsigned want);
gantry_status gnorm_containerd_line(const gnorm_logline *l, const gnorm_text_ctx *ctx,
                                    cJSON **event, const char **reason);
/* Docker events in the CLI's default text form. 0 when not that form. */
int gnorm_docker_text_detect(const char *line, size_t len);
gantry_status gnorm_docker_text(const char *line, size_t len, unsigned want, cJSON **event,
                                const char **reason);

/* Kubernetes Dashboard. */
enum {
    GNORM_DASH_NONE = 0, /* not a dashboard line */
    GNORM_DASH_EVENT,    /* complete */
    GNORM_DASH_OPEN,     /* request body continues on the next lines */
};
/* Classifies a line; 0 when not of the dashboard form. */
int gnorm_dashboard_detect(const char *line, size_t len);
/* Builds the event; *open set when the body is an unfinished JSON text
 * whose remainder is to be appended with gnorm_dashboard_append. */
gantry_status gnorm_dashboard_line(const char *line, size_t len, unsigned want, cJSON **event,
                                   int *open, size_t *body_off, const char **reason);
/* Incremental brace balance of a JSON text split over lines. */
typedef struct gnorm_balance {
    long depth;
    int in_string, escape, started;
} gnorm_balance;
void gnorm_balance_feed(gnorm_balance *b, const char *p, size_t n);
/* Finishes a held dashboard request with its full body text. */
void gnorm_dashboard_body(cJSON *event, const char *body, size_t len, int complete, unsigned want);

#endif
