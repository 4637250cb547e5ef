/* SPDX-License-Identifier: Apache-2.0 */
/* Gantry: the public C API of the matching runtime.
 *
 * Lifetimes:
 *   gantry_pack     a loaded, verified, immutable rule pack; share it freely
 *                   between threads.
 *   gantry_matcher  per-thread matching state (scratch, stack, regex match
 *                   data) bound to one pack; never share one between threads.
 *
 * Every function that can fail returns a gantry_status; gantry_strerror()
 * names each one. Library code never aborts, exits or prints. */
#ifndef GANTRY_H
#define GANTRY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared here is exported from libgantry.so, even though the
 * library is built with hidden visibility by default. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define GANTRY_VERSION_STRING "0.1.0"

typedef enum gantry_status {
    GANTRY_OK = 0,
    GANTRY_E_NOMEM,       /* an allocation failed */
    GANTRY_E_IO,          /* a file could not be opened or read */
    GANTRY_E_ARG,         /* an argument was invalid (NULL, out of range) */
    GANTRY_E_MAGIC,       /* not a Gantry pack */
    GANTRY_E_VERSION,     /* pack built by another format version */
    GANTRY_E_TRUNCATED,   /* pack shorter than its header or sections say */
    GANTRY_E_CRC,         /* pack checksum mismatch */
    GANTRY_E_SECTION,     /* malformed section table or section payload */
    GANTRY_E_VERIFY,      /* bytecode refused by the verifier */
    GANTRY_E_REGEX,       /* a pack regex did not compile */
    GANTRY_E_JSON,        /* the event is not valid JSON */
    GANTRY_E_LIMIT,       /* a resource limit was reached (see limits) */
    GANTRY_E_REGEX_LIMIT, /* a regex hit its match limit on this event */
    GANTRY_E_EVENT,       /* the line is not an event of any known form */
    GANTRY_STATUS__COUNT
} gantry_status;

typedef enum gantry_level {
    GANTRY_LEVEL_INFORMATIONAL = 0,
    GANTRY_LEVEL_LOW = 1,
    GANTRY_LEVEL_MEDIUM = 2,
    GANTRY_LEVEL_HIGH = 3,
    GANTRY_LEVEL_CRITICAL = 4,
} gantry_level;

typedef struct gantry_pack gantry_pack;
typedef struct gantry_matcher gantry_matcher;
/* One event: a JSON object, read-only to the caller (see "Events" below). */
typedef struct gantry_event gantry_event;

/* Rule metadata. Strings point into the pack and live as long as it does;
 * absent values are "". */
typedef struct gantry_rule_info {
    uint32_t index;
    const char *id;
    const char *title;
    const char *description;
    const char *author;
    const char *date;
    const char *status;
    gantry_level level;
    const char *logsource_product;
    const char *logsource_category;
    const char *logsource_service;
    size_t tag_count;
    size_t reference_count;
    size_t falsepositive_count;
} gantry_rule_info;

/* One match, passed to the callback. `rule` is valid during the call only. */
typedef struct gantry_match {
    const gantry_rule_info *rule;
} gantry_match;

/* Return non-zero to stop matching the current event early. */
typedef int (*gantry_match_fn)(const gantry_match *match, void *user);

const char *gantry_strerror(gantry_status status);
const char *gantry_version(void);
const char *gantry_level_name(gantry_level level);

/* ---- Options ----
 * Library behaviour is set through these arguments only, never through the
 * environment. Optimisation never changes results: GANTRY_OPTIMIZE_OFF is the
 * plain reference the differential tests compare the fast paths against. */
typedef enum gantry_optimize {
    GANTRY_OPTIMIZE_DEFAULT = 0, /* fast paths on; candidate-rule index for large packs */
    GANTRY_OPTIMIZE_OFF,         /* every field extracted the plain way, every rule run */
    GANTRY_OPTIMIZE_ALL,         /* as DEFAULT, and the index built for a pack of any size */
    GANTRY_OPTIMIZE__COUNT
} gantry_optimize;

typedef struct gantry_options {
    gantry_optimize optimize; /* applies to the pack and to every matcher made from it */
} gantry_options;

/* Fills *options with the defaults (what the functions without _opts use). */
void gantry_options_default(gantry_options *options);

/* Loading. On failure *pack is NULL and, when err is not NULL, a readable
 * message (naming the section, offset or instruction) is written to err. */
gantry_status gantry_pack_load_file(const char *path, gantry_pack **pack, char *err,
                                    size_t err_size);
gantry_status gantry_pack_load_buffer(const void *data, size_t size, gantry_pack **pack, char *err,
                                      size_t err_size);
/* As above, with options (NULL means the defaults). */
gantry_status gantry_pack_load_file_opts(const char *path, const gantry_options *options,
                                         gantry_pack **pack, char *err, size_t err_size);
gantry_status gantry_pack_load_buffer_opts(const void *data, size_t size,
                                           const gantry_options *options, gantry_pack **pack,
                                           char *err, size_t err_size);
void gantry_pack_free(gantry_pack *pack);

/* Metadata. */
size_t gantry_pack_rule_count(const gantry_pack *pack);
gantry_status gantry_pack_rule_info(const gantry_pack *pack, size_t index, gantry_rule_info *info);
const char *gantry_pack_rule_tag(const gantry_pack *pack, size_t rule, size_t tag);
const char *gantry_pack_rule_reference(const gantry_pack *pack, size_t rule, size_t ref);
const char *gantry_pack_rule_falsepositive(const gantry_pack *pack, size_t rule, size_t fp);
size_t gantry_pack_field_count(const gantry_pack *pack);
const char *gantry_pack_field_name(const gantry_pack *pack, size_t index);
/* Non-zero when some rule of the pack is scoped by its logsource: events
 * must then carry event.module, the name of their source, and event.category
 * where the source decides one per event, even when no rule reads them
 * (normalizers add them). */
int gantry_pack_scopes_sources(const gantry_pack *pack);

/* Matching. */
gantry_status gantry_matcher_new(const gantry_pack *pack, gantry_matcher **matcher);
void gantry_matcher_free(gantry_matcher *matcher);
/* The rule mask of gantry_matcher_select below, set whole: enabled[r] == 0
 * keeps rule r of the pack from running and reporting on this matcher (nor
 * does it feed correlations through the caller). `count` must be the pack's
 * rule count; enabled == NULL runs every rule again. The mask is copied; it
 * may change between events. GANTRY_E_ARG on a wrong count. */
gantry_status gantry_matcher_set_rule_mask(gantry_matcher *matcher, const uint8_t *enabled,
                                           size_t count);

/* The logsource of events of no recognised source (docs/sigma.md,
 * "Logsource semantics"). A rule runs on an event only when its logsource
 * fits the event's; events of a recognised source (event.module) have the
 * logsource of its source (docs/sigma.md), the others none, so by default only rules
 * without a logsource run on them. set_logsource gives them one (each of
 * product, service and category NULL or "" when unset; all three unset
 * gives none again); set_logsource_any(m, 1) runs every rule on them,
 * whatever its logsource and whatever set_logsource gave (the behaviour
 * before logsource semantics, `gantry match --logsource-any`). */
gantry_status gantry_matcher_set_logsource(gantry_matcher *matcher, const char *product,
                                           const char *service, const char *category);
gantry_status gantry_matcher_set_logsource_any(gantry_matcher *matcher, int any);

/* Match one JSON event (already normalized, or any JSON object). A NULL
 * matcher, event or callback is GANTRY_E_ARG. */
gantry_status gantry_match_json(gantry_matcher *matcher, const char *json, size_t len,
                                gantry_match_fn on_match, void *user);
/* Match an already parsed event (from gantry_event_parse or a normalizer).
 * The event is only read. */
gantry_status gantry_match_event(gantry_matcher *matcher, const gantry_event *event,
                                 gantry_match_fn on_match, void *user);

/* After a match callback: did the field at dictionary index `field` take part
 * in the rule being reported? Used by `gantry match --fields`. */
int gantry_rule_reads_field(const gantry_pack *pack, size_t rule, size_t field);

/* ---- Event normalization ----
 * Turns raw input lines (Kubernetes audit JSON and its AKS/GKE envelopes,
 * Docker events, dockerd and containerd logs, Falco alerts, Kubernetes
 * Dashboard logs, any JSON object) into one JSON document per event with the
 * schema of docs/schema.md added as flat dotted keys beside the original
 * fields. A normalizer holds the state of one input stream (a dockerd create
 * call and its form-data line are one event), so use one per stream. */
typedef struct gantry_normalizer gantry_normalizer;

typedef enum gantry_input_format {
    GANTRY_FORMAT_AUTO = 0,
    GANTRY_FORMAT_K8S_AUDIT,
    GANTRY_FORMAT_DOCKER_EVENTS,
    GANTRY_FORMAT_DOCKERD,
    GANTRY_FORMAT_FALCO,
    GANTRY_FORMAT_K8S_DASHBOARD,
    GANTRY_FORMAT_CONTAINERD,
    GANTRY_FORMAT_JSON, /* pass any JSON object through unchanged */
    GANTRY_FORMAT__COUNT
} gantry_input_format;

/* What a span of input lines turned out to be. */
typedef enum gantry_item_kind {
    GANTRY_ITEM_EVENT,     /* `event` is set */
    GANTRY_ITEM_BLANK,     /* an empty or all-white-space line */
    GANTRY_ITEM_MALFORMED, /* `reason` says why */
} gantry_item_kind;

typedef struct gantry_item {
    gantry_item_kind kind;
    uint64_t first_line; /* the line numbers given to feed() */
    uint64_t last_line;  /* > first_line when lines were joined into one event */
    gantry_event *event; /* owned by the normalizer, valid until the next call */
    const char *reason;  /* static text, for MALFORMED */
} gantry_item;

/* `pack` may be NULL (compute every schema field); with a pack, only the
 * fields its dictionary reads are computed. */
gantry_status gantry_normalizer_new(const gantry_pack *pack, gantry_input_format format,
                                    gantry_normalizer **normalizer);
void gantry_normalizer_free(gantry_normalizer *normalizer);
/* Refuse (as MALFORMED, "JSON nested deeper than --max-depth") any line
 * whose objects and arrays nest deeper than `max_depth`, 1 .. 128 (128 is
 * also the default; docs/limits.md). */
gantry_status gantry_normalizer_set_max_depth(gantry_normalizer *normalizer, unsigned max_depth);
/* Give one line (without its newline). */
gantry_status gantry_normalizer_feed(gantry_normalizer *normalizer, const char *line, size_t len,
                                     uint64_t line_no);
/* End of input: release any line held back waiting for a continuation. */
gantry_status gantry_normalizer_finish(gantry_normalizer *normalizer);
/* Take the next ready item; returns 1 and fills *item, or 0 when none is ready. */
int gantry_normalizer_next(gantry_normalizer *normalizer, gantry_item *item);
const char *gantry_input_format_name(gantry_input_format format);
/* Parse a name as printed by gantry_input_format_name(); -1 when unknown. */
int gantry_input_format_parse(const char *name);

/* ---- Correlations (docs/correlations.md) ----
 * A correlation stage holds the windowed state of every correlation of a
 * pack. Feed it each base-rule match (rule index, event, time); it calls back
 * once per group and window whose condition holds. One stage may be fed from
 * many threads at once (it serialises feeds internally); the callback runs
 * under that lock and must not call back into the same stage. */
typedef struct gantry_correlator gantry_correlator;

typedef struct gantry_correlation_info {
    uint32_t index;
    const char *name;
    const char *id;
    const char *title;
    const char *description;
    const char *author;
    const char *date;
    gantry_level level;
    const char *type; /* "event_count", "temporal_ordered", ... */
    size_t tag_count;
    size_t rule_count; /* referenced rules and correlations */
    uint64_t timespan_ns;
    int generate;
} gantry_correlation_info;

size_t gantry_pack_correlation_count(const gantry_pack *pack);
gantry_status gantry_pack_correlation_info(const gantry_pack *pack, size_t index,
                                           gantry_correlation_info *info);
const char *gantry_pack_correlation_tag(const gantry_pack *pack, size_t corr, size_t tag);
/* 1 when the matches of base rule `rule` are results of their own; 0 when
 * the rule only feeds correlations (Sigma `generate: false`, the default). */
int gantry_pack_rule_reported(const gantry_pack *pack, size_t rule);

typedef struct gantry_correlator_limits {
    size_t max_groups;           /* live groups over all correlations */
    size_t max_events_per_group; /* events kept per group (oldest dropped first) */
    size_t memory_bytes;         /* budget for all state the stage holds */
    uint64_t out_of_order_ns;    /* how late an event may arrive and still count */
} gantry_correlator_limits;

void gantry_correlator_limits_default(gantry_correlator_limits *limits);

/* One event that contributed to a correlation match. */
typedef struct gantry_corr_event {
    const char *file; /* the file tag given to feed(), "" when none */
    uint64_t line;
    int64_t time_ns;
    uint32_t rule; /* rule index; a correlation index when is_correlation */
    int is_correlation;
} gantry_corr_event;

/* Everything points into the stage and is valid during the callback only. */
typedef struct gantry_corr_match {
    const gantry_correlation_info *correlation;
    size_t group_count;
    const char *const *group_fields; /* the group_by names */
    const char *const *group_values; /* their values for this group */
    int64_t first_ns, last_ns;       /* the window: first and last contributing event */
    double value;                    /* the count, distinct count, sum, avg or percentile */
    size_t event_count;
    const gantry_corr_event *events; /* in time order */
} gantry_corr_match;

typedef void (*gantry_corr_fn)(const gantry_corr_match *match, void *user);

/* Pass as time_ns to read the time from the event's `@timestamp` (RFC 3339,
 * or a number of seconds since the epoch). */
#define GANTRY_TIME_FROM_EVENT INT64_MIN

typedef struct gantry_correlator_stats {
    uint64_t fed;            /* feed() calls for rules some correlation uses */
    uint64_t ungrouped;      /* events lacking a group_by field */
    uint64_t time_fallbacks; /* events without a usable @timestamp */
    uint64_t late;           /* events later than the out-of-order tolerance */
    uint64_t matches;        /* correlation matches (reported or chained) */
    uint64_t groups_live;
    uint64_t groups_peak;
    uint64_t groups_evicted; /* least recently seen groups dropped for room */
    uint64_t groups_expired; /* groups whose window ran out */
    uint64_t events_dropped; /* oldest events dropped from a full group */
    uint64_t bytes;          /* state bytes held now, as the stage accounts them */
    uint64_t bytes_peak;
    uint64_t memory_budget;
} gantry_correlator_stats;

/* limits may be NULL (defaults). */
gantry_status gantry_correlator_new(const gantry_pack *pack, const gantry_correlator_limits *limits,
                                    gantry_correlator **correlator);
gantry_status gantry_correlator_feed(gantry_correlator *correlator, uint32_t rule,
                                     const gantry_event *event, int64_t time_ns, const char *file,
                                     uint64_t line, gantry_corr_fn on_match, void *user);
/* A copy of `event` that holds only what the stage reads from it (the
 * group-by and value fields of the pack's correlations, and `@timestamp`):
 * for a caller that matches on one thread and feeds the stage later from
 * another, in order. Feeding the copy has the effect of feeding the event.
 * Safe to call from any thread at any time; free the copy with
 * gantry_event_free(). */
gantry_status gantry_correlator_copy_event(const gantry_correlator *correlator,
                                           const gantry_event *event, gantry_event **copy);
/* End of input: close every open window (conditions with an upper bound are
 * decided when their window closes) and drop all state. */
gantry_status gantry_correlator_flush(gantry_correlator *correlator, gantry_corr_fn on_match,
                                      void *user);
void gantry_correlator_get_stats(gantry_correlator *correlator, gantry_correlator_stats *stats);
void gantry_correlator_free(gantry_correlator *correlator);
/* RFC 3339 text (a date with a time to the second and a zone; the day must
 * exist in its month) -> ns since the epoch; GANTRY_E_ARG when malformed. */
gantry_status gantry_parse_time(const char *text, size_t len, int64_t *ns);

/* ---- Events ----
 * A gantry_event is a parsed JSON object. Events handed out by a normalizer
 * or a session belong to them and live until their next call; events from
 * gantry_event_parse belong to the caller (gantry_event_free). Reading an
 * event from several threads at once is safe; nothing here modifies it.
 *
 * A path names a field as rules do: "verb", "objectRef.resource",
 * "k8s.user.name" (a schema field the normalizer added as one dotted key), or
 * "spec.containers.image" (arrays on the way yield one value per element).
 * At each level the longest key that is a dotted prefix of the rest of the
 * path and yields something wins, as in the VM. */
typedef enum gantry_value_type {
    GANTRY_VALUE_STRING = 0,
    GANTRY_VALUE_NUMBER,
    GANTRY_VALUE_BOOL,
    GANTRY_VALUE_NULL,
    GANTRY_VALUE_OBJECT,
    GANTRY_VALUE_ARRAY, /* only for an array inside an array */
} gantry_value_type;

/* One value of a field. `text` points into the event (strings) or to static
 * "true"/"false" (booleans); NULL for numbers, null, objects and arrays. */
typedef struct gantry_value {
    gantry_value_type type;
    const char *text;
    size_t len;
    double number; /* numbers; 1 or 0 for booleans */
} gantry_value;

/* Parse a JSON object. *event is NULL on failure (GANTRY_E_JSON when the text
 * is not a JSON object, GANTRY_E_ARG for NULL pointers). */
gantry_status gantry_event_parse(const char *json, size_t len, gantry_event **event);
void gantry_event_free(gantry_event *event);
/* The values of `path`: fills up to `max` of them into `values` (may be NULL
 * when max is 0) and returns how many there are (0: the path is absent, or
 * an argument was NULL). */
size_t gantry_event_get(const gantry_event *event, const char *path, gantry_value *values,
                        size_t max);
/* The first value of `path` when it is a string, else NULL. */
const char *gantry_event_string(const gantry_event *event, const char *path);
/* The event as compact JSON text, snprintf-style: writes at most `size`
 * bytes (NUL included) and returns the length of the whole text, so a
 * second call with a buffer of that length + 1 gets all of it. 0 on a NULL
 * event or an allocation failure. */
size_t gantry_event_to_json(const gantry_event *event, char *buf, size_t size);

/* ---- Rule masks ----
 * A matcher runs every rule of its pack until told otherwise. A mask is per
 * matcher (so per thread); disabled rules neither match nor feed
 * correlations. Changing the mask is cheap and may happen between events. */
typedef enum gantry_select_by {
    GANTRY_SELECT_ALL = 0,   /* every rule; `value` is ignored */
    GANTRY_SELECT_ID,        /* the rule id */
    GANTRY_SELECT_NAME,      /* the rule name (the identifier after `rule`) */
    GANTRY_SELECT_TAG,       /* rules carrying this tag, e.g. "attack.t1610" */
    GANTRY_SELECT_LEVEL,     /* rules of this level name, e.g. "high" */
    GANTRY_SELECT_MIN_LEVEL, /* rules of this level name or above */
    GANTRY_SELECT__COUNT
} gantry_select_by;

/* Enable (enable != 0) or disable every rule that `by`/`value` selects.
 * *changed (may be NULL) gets how many rules the selection named.
 * GANTRY_E_ARG for a NULL matcher, an unknown `by`, a NULL value or an
 * unknown level name. */
gantry_status gantry_matcher_select(gantry_matcher *matcher, gantry_select_by by, const char *value,
                                    int enable, size_t *selected);
gantry_status gantry_matcher_enable_rule(gantry_matcher *matcher, size_t rule, int enable);
/* 1 when the rule runs, 0 when masked (or out of range). */
int gantry_matcher_rule_enabled(const gantry_matcher *matcher, size_t rule);
/* The rule's name: the identifier after `rule` in native rules, the name
 * given to an imported Sigma rule; "" for packs built without names. */
const char *gantry_pack_rule_name(const gantry_pack *pack, size_t rule);

/* ---- Sessions: the common case in one object ----
 * A session reads raw input (any format the normalizer knows, multi-line
 * events joined), matches each event, runs the pack's correlations, and
 * calls back once per reported match. It owns one normalizer, one matcher
 * and one correlator. One session per input stream and thread; many
 * sessions may share one pack. The pack must outlive the session. */
typedef struct gantry_session gantry_session;

/* The values one field a rule reads took in the event. */
typedef struct gantry_field_values {
    const char *path; /* as the rule wrote it (after aliases), e.g. "k8s.verb" */
    size_t count;
    const gantry_value *values;
} gantry_field_values;

/* One match of a base rule. Everything is valid during the callback only. */
typedef struct gantry_rule_match {
    const gantry_rule_info *rule; /* id, title, level, status, logsource... */
    const char *name;             /* gantry_pack_rule_name() */
    size_t tag_count;
    const char *const *tags;
    const char *source;             /* the name given to gantry_session_set_source, "" when none */
    uint64_t first_line, last_line; /* input lines of the event (joined lines differ) */
    const gantry_event *event;
    size_t field_count; /* every field the rule's predicates read, in dictionary order */
    const gantry_field_values *fields;
    gantry_session *session; /* for gantry_session_event_json() */
} gantry_rule_match;

/* Return non-zero to stop looking at further rules for this event. */
typedef int (*gantry_rule_match_fn)(const gantry_rule_match *match, void *user);

/* on_match may be NULL only when on_correlation is not (and the reverse);
 * on_correlation gets the same records as gantry_correlator_feed's callback,
 * and may be NULL when the pack has no correlations. */
gantry_status gantry_session_new(const gantry_pack *pack, gantry_input_format format,
                                 gantry_rule_match_fn on_match, gantry_corr_fn on_correlation,
                                 void *user, gantry_session **session);
void gantry_session_free(gantry_session *session);
/* Feed a chunk of bytes: split into lines at '\n', a partial last line kept
 * until the next chunk or gantry_session_finish(). */
gantry_status gantry_session_feed(gantry_session *session, const void *bytes, size_t len);
/* Feed one whole line (without its newline). */
gantry_status gantry_session_feed_line(gantry_session *session, const char *line, size_t len);
/* End of the current source: the held partial line and any event waiting
 * for a continuation line are matched. Correlation windows stay open, so
 * several sources can form one stream; see gantry_session_flush. */
gantry_status gantry_session_finish(gantry_session *session);
/* End of input: finish, then close every correlation window (calls back). */
gantry_status gantry_session_flush(gantry_session *session);
/* Start a new source (a file): finish the current one, reset the line count
 * to 0 and tag later matches and correlation events with `name` (copied). */
gantry_status gantry_session_set_source(gantry_session *session, const char *name);
/* Report only rules of this level or above (correlations still see all). */
gantry_status gantry_session_set_min_level(gantry_session *session, gantry_level level);
/* The session's matcher, for gantry_matcher_select(). */
gantry_matcher *gantry_session_matcher(gantry_session *session);
/* During an on_match callback: the event as JSON text (cached per event). */
const char *gantry_session_event_json(gantry_session *session);

typedef struct gantry_session_stats {
    uint64_t lines, events, blank, malformed, matches, correlation_matches;
    uint64_t match_errors; /* events a match error cut short (regex or value limits) */
} gantry_session_stats;
gantry_status gantry_session_get_stats(const gantry_session *session, gantry_session_stats *stats);
/* Why the last line counted as malformed was refused (static text), or "". */
const char *gantry_session_last_error(const gantry_session *session);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif
