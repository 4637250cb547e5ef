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
struct cJSON;

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
 * must then carry event.module, the name of their source, even when no rule
 * reads it (normalizers add it). */
int gantry_pack_scopes_sources(const gantry_pack *pack);

/* Matching. */
gantry_status gantry_matcher_new(const gantry_pack *pack, gantry_matcher **matcher);
void gantry_matcher_free(gantry_matcher *matcher);
/* Rule mask (issue 17; `gantry match` rule selection): enabled[r] == 0 keeps
 * rule r of the pack from running and reporting on this matcher (nor does
 * it feed correlations through the caller). `count` must be the pack's rule
 * count; enabled == NULL runs every rule again. The mask is copied; it may
 * change between events. GANTRY_E_ARG on a wrong count. */
gantry_status gantry_matcher_set_rule_mask(gantry_matcher *matcher, const uint8_t *enabled,
                                           size_t count);

/* Match one JSON event (already normalized, or any JSON object). */
gantry_status gantry_match_json(gantry_matcher *matcher, const char *json, size_t len,
                                gantry_match_fn on_match, void *user);
/* Match an already parsed event. The object is only read. */
gantry_status gantry_match_cjson(gantry_matcher *matcher, const struct cJSON *event,
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
    struct cJSON *event; /* owned by the normalizer, valid until the next call */
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
                                     const struct cJSON *event, int64_t time_ns, const char *file,
                                     uint64_t line, gantry_corr_fn on_match, void *user);
/* End of input: close every open window (conditions with an upper bound are
 * decided when their window closes) and drop all state. */
gantry_status gantry_correlator_flush(gantry_correlator *correlator, gantry_corr_fn on_match,
                                      void *user);
void gantry_correlator_get_stats(gantry_correlator *correlator, gantry_correlator_stats *stats);
void gantry_correlator_free(gantry_correlator *correlator);
/* RFC 3339 text (a date with a time to the second and a zone; the day must
 * exist in its month) -> ns since the epoch; GANTRY_E_ARG when malformed. */
gantry_status gantry_parse_time(const char *text, size_t len, int64_t *ns);

#ifdef __cplusplus
}
#endif
#endif
