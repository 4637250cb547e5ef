/* SPDX-License-Identifier: Apache-2.0 */
/* gantry consume: options, signals, statistics and the fetch loop of one
 * member of a NATS JetStream work queue (docs/scale-out.md). */
#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "consume.h"
#include "gantry_limits.h"
#include "input.h"
#include "readfile.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stats_requested;

static void on_stop_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void on_stats_signal(int sig) {
    (void)sig;
    stats_requested = 1;
}

static void install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* library threads may take the signal mid-call */
    sa.sa_handler = on_stop_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_stats_signal;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

/* Seconds (decimals allowed) into milliseconds; -1 when malformed. */
static int64_t parse_seconds(const char *text, double min, double max) {
    char *end = NULL;
    double v = text ? strtod(text, &end) : 0;
    if (!text || end == text || *end || !(v >= min && v <= max))
        return -1;
    return (int64_t)(v * 1000.0 + 0.5);
}

/* Splits a (possibly comma-separated) URL list into cfg->servers; the
 * strings stay owned by argv. */
static int add_servers(gcons_config *cfg, char *list, int max) {
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (!*tok)
            continue;
        if (cfg->server_count >= max)
            return -1;
        cfg->servers[cfg->server_count++] = tok;
    }
    return 0;
}

enum {
    OPT_NAME = GCLI_OPT_FIRST_FREE,
    OPT_STREAM,
    OPT_SUBJECTS,
    OPT_DURABLE,
    OPT_FILTER,
    OPT_ALERTS_PREFIX,
    OPT_ALERTS_STREAM,
    OPT_STATS,
    OPT_BATCH,
    OPT_MEMBERS,
    OPT_REPLICAS,
    OPT_ACK_WAIT,
    OPT_DUP_WINDOW,
    OPT_FETCH_WAIT,
    OPT_PUBLISH_WAIT,
    OPT_MAX_BACKOFF,
    OPT_SETUP_WAIT,
    OPT_EXIT_WHEN_IDLE,
    OPT_MIN_LEVEL,
    OPT_INPUT_FORMAT,
    OPT_MAX_LINE_BYTES,
    OPT_FIELDS,
};

static const gopt consume_rows[] = {
    {'p', "pack", "PACK", "a compiled pack"},
    {'r', "rules", "RULES", "rule file or directory compiled in memory (repeatable)"},
    {'s', "server", "URL",
     "a NATS server (repeatable, or a comma list;\ndefault nats://127.0.0.1:4222)"},
    {OPT_NAME, "name", "NAME", "connection name shown by the server's monitoring"},
    {OPT_STREAM, "stream", "NAME", "the events stream (default EVENTS)"},
    {OPT_SUBJECTS, "subjects", "LIST",
     "subjects of an events stream this member creates\n(default events.>)"},
    {OPT_DURABLE, "durable", "NAME", "the durable consumer the members share (default gantry)"},
    {OPT_FILTER, "filter", "SUBJECT", "the consumer's filter subject: one partition"},
    {OPT_ALERTS_PREFIX, "alerts-prefix", "P", "alerts go to P.<level>.<rule id> (default alerts)"},
    {OPT_ALERTS_STREAM, "alerts-stream", "NAME", "the alerts stream (default ALERTS)"},
    {OPT_STATS, "stats", "FILE", "statistics as JSON, written at exit and on SIGUSR1"},
    {OPT_BATCH, "batch", "N", "messages per fetch, 1..10000 (default 100)"},
    {OPT_MEMBERS, "members", "N", "expected member count, 1..10000 (default 4)"},
    {OPT_REPLICAS, "replicas", "N", "replicas of the streams a member creates, 1..5 (default 1)"},
    {OPT_ACK_WAIT, "ack-wait", "SEC", "the consumer's ack wait when creating it (default 30)"},
    {OPT_DUP_WINDOW, "dup-window", "SEC", "duplicate window of the alerts stream (default 120)"},
    {OPT_FETCH_WAIT, "fetch-wait", "SEC", "how long one fetch waits (default 1)"},
    {OPT_PUBLISH_WAIT, "publish-wait", "SEC", "how long a batch waits for alert acks (default 10)"},
    {OPT_MAX_BACKOFF, "max-backoff", "SEC", "longest nak delay and pause (default 10)"},
    {OPT_SETUP_WAIT, "setup-wait", "SEC",
     "how long to retry connecting and the set-up at start\n(default 60); then exit 2 saying why"},
    {OPT_EXIT_WHEN_IDLE, "exit-when-idle", "SEC", "exit 0 once no message came for SEC"},
    {OPT_MIN_LEVEL, "min-level", "LEVEL", "publish only matches at or above LEVEL"},
    {OPT_INPUT_FORMAT, "input-format", "F", "force the input format (as for match)"},
    {OPT_MAX_LINE_BYTES, "max-line-bytes", "N", "longest accepted line (default 16 MiB)"},
    {OPT_FIELDS, "fields", NULL, "alerts carry only the fields the matching rule read"},
    {'q', "quiet", NULL,
     "only errors on stderr: no ready line, summary or\nmalformed-line messages"},
    GCLI_RULE_OPTION_ROWS,
};
const gopt_table gcli_consume_options = GOPT_TABLE_INIT(consume_rows);

/* Options whose value is seconds, kept in milliseconds. */
static const struct {
    int id;
    size_t offset;
    double min, max;
} durations[] = {
    {OPT_ACK_WAIT, offsetof(gcons_config, ack_wait_ms), 1, 86400},
    {OPT_DUP_WINDOW, offsetof(gcons_config, dup_window_ms), 1, 86400 * 7},
    {OPT_FETCH_WAIT, offsetof(gcons_config, fetch_wait_ms), 0.05, 60},
    {OPT_PUBLISH_WAIT, offsetof(gcons_config, publish_wait_ms), 0.1, 3600},
    {OPT_MAX_BACKOFF, offsetof(gcons_config, max_backoff_ms), 0.25, 3600},
    {OPT_SETUP_WAIT, offsetof(gcons_config, setup_wait_ms), 0, 86400},
    {OPT_EXIT_WHEN_IDLE, offsetof(gcons_config, idle_exit_ms), 0.1, 86400},
};

/* Options whose value is a name kept as given. */
static const struct {
    int id;
    size_t offset;
} names[] = {
    {OPT_STREAM, offsetof(gcons_config, stream)},
    {OPT_SUBJECTS, offsetof(gcons_config, subjects)},
    {OPT_DURABLE, offsetof(gcons_config, durable)},
    {OPT_FILTER, offsetof(gcons_config, filter)},
    {OPT_ALERTS_PREFIX, offsetof(gcons_config, alerts_prefix)},
    {OPT_ALERTS_STREAM, offsetof(gcons_config, alerts_stream)},
    {OPT_STATS, offsetof(gcons_config, stats_path)},
    {OPT_NAME, offsetof(gcons_config, name)},
};

/* Options whose value is a whole number. */
static const struct {
    int id;
    size_t offset;
    unsigned long long min, max;
} counts[] = {
    {OPT_BATCH, offsetof(gcons_config, batch), 1, 10000},
    {OPT_MEMBERS, offsetof(gcons_config, members), 1, 10000},
    {OPT_REPLICAS, offsetof(gcons_config, replicas), 1, 5},
};

#define COUNT_OF(a) (sizeof a / sizeof a[0])

static const char *option_name(int id) {
    for (size_t k = 0; k < COUNT_OF(consume_rows); k++)
        if (consume_rows[k].id == id)
            return consume_rows[k].name;
    return "?";
}

static int on_option(void *ctx, int id, const char *v) {
    gcons_config *cfg = ctx;
    int r = gcli_rule_option(&cfg->rules, id, v);
    if (r != 0)
        return r > 0 ? 0 : gopt_usage_error("consume", "%s", cfg->rules.error);
    for (size_t k = 0; k < COUNT_OF(durations); k++) {
        if (durations[k].id != id)
            continue;
        int64_t ms = parse_seconds(v, durations[k].min, durations[k].max);
        if (ms < 0)
            return gopt_usage_error("consume", "--%s takes seconds from %g to %g, not '%s'",
                                    option_name(id), durations[k].min, durations[k].max, v);
        *(int64_t *)((char *)cfg + durations[k].offset) = ms;
        return 0;
    }
    for (size_t k = 0; k < COUNT_OF(names); k++) {
        if (names[k].id != id)
            continue;
        if (!*v)
            return gopt_usage_error("consume", "--%s needs a value", option_name(id));
        *(const char **)((char *)cfg + names[k].offset) = v;
        return 0;
    }
    unsigned long long n;
    for (size_t k = 0; k < COUNT_OF(counts); k++) {
        if (counts[k].id != id)
            continue;
        if (gopt_number(v, counts[k].min, counts[k].max, &n) != 0)
            return gopt_usage_error("consume", "--%s takes a number from %llu to %llu, not '%s'",
                                    option_name(id), counts[k].min, counts[k].max, v);
        *(int *)((char *)cfg + counts[k].offset) = (int)n;
        return 0;
    }
    switch (id) {
    case 'p':
        if (cfg->pack_path)
            return gopt_usage_error("consume", "give one -p PACK");
        cfg->pack_path = v;
        return 0;
    case 'r':
        cfg->rule_paths[cfg->rule_path_count++] = v;
        return 0;
    case 's':
        if (add_servers(cfg, (char *)v, cfg->server_max) != 0)
            return gopt_usage_error("consume", "too many servers");
        return 0;
    case OPT_MIN_LEVEL:
        if ((cfg->out.min_level = gmo_parse_level(v)) < 0)
            return gopt_usage_error("consume",
                                    "--min-level takes informational, low, medium, high or "
                                    "critical, not '%s'",
                                    v);
        return 0;
    case OPT_INPUT_FORMAT:
        return gin_parse_format("consume", v, &cfg->input_format);
    case OPT_MAX_LINE_BYTES:
        if (gopt_number(v, 16, 1ull << 30, &n) != 0)
            return gopt_usage_error(
                "consume", "--max-line-bytes takes a number from 16 to 1073741824, not '%s'", v);
        cfg->max_line_bytes = (size_t)n;
        return 0;
    case OPT_FIELDS:
        cfg->out.fields_only = 1;
        return 0;
    case 'q':
        cfg->quiet = 1;
        return 0;
    default:
        return gopt_usage_error("consume", "option %d not handled", id);
    }
}

static int parse_args(gcons_config *cfg, int argc, char **argv) {
    int first = 1;
    if (gopt_parse("consume", gcli_consume_options, argc, argv, on_option, cfg, &first) != 0)
        return -1;
    if (first < argc)
        return gopt_usage_error("consume", "takes no operands, not '%s'", argv[first]);
    if (!cfg->pack_path == !cfg->rule_path_count)
        return gopt_usage_error("consume", "give exactly one of -p PACK or -r RULES");
    if (cfg->server_count == 0)
        cfg->servers[cfg->server_count++] = "nats://127.0.0.1:4222";
    if (strchr(cfg->durable, '.'))
        return gopt_usage_error("consume", "a durable name may not contain '.': %s", cfg->durable);
    if (cfg->rule_path_count &&
        gcli_rule_inputs_exist("consume", &cfg->rules, cfg->rule_paths, cfg->rule_path_count) != 0)
        return -1;
    if (cfg->dup_window_ms < 2 * cfg->ack_wait_ms + cfg->max_backoff_ms && !cfg->quiet)
        fprintf(stderr,
                "gantry consume: warning: --dup-window %.1f s is shorter than twice --ack-wait "
                "plus --max-backoff; a late redelivery could duplicate alerts\n",
                (double)cfg->dup_window_ms / 1000.0);
    return 0;
}

static gantry_pack *load_pack(const gcons_config *cfg) {
    if (cfg->pack_path)
        return gcli_load_pack_file("consume", cfg->pack_path, NULL);
    return gcli_compile_and_load("consume", &cfg->rules, NULL, cfg->rule_paths,
                                 cfg->rule_path_count);
}

static cJSON *counters_object(gcons_member *m) {
    pthread_mutex_lock(&m->lock);
    gcons_counters c = m->counters;
    pthread_mutex_unlock(&m->lock);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "batches", (double)c.batches);
    cJSON_AddNumberToObject(o, "messages", (double)c.messages);
    cJSON_AddNumberToObject(o, "redelivered", (double)c.redelivered);
    cJSON_AddNumberToObject(o, "acked", (double)c.acked);
    cJSON_AddNumberToObject(o, "naked", (double)c.naked);
    cJSON_AddNumberToObject(o, "in_progress", (double)c.in_progress);
    cJSON_AddNumberToObject(o, "alerts_published", (double)c.alerts_published);
    cJSON_AddNumberToObject(o, "alerts_duplicate", (double)c.alerts_duplicate);
    cJSON_AddNumberToObject(o, "publish_failures", (double)c.publish_failures);
    cJSON_AddNumberToObject(o, "fetch_errors", (double)c.fetch_errors);
    cJSON_AddNumberToObject(o, "correlation_alerts", (double)m->correlation_alerts);
    return o;
}

/* The `gantry match --stats` object plus a "consume" object of counters,
 * replaced atomically so a reader never sees half a file. */
static int write_stats(gcons_member *m, double seconds) {
    const char *path = m->cfg->stats_path;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 8);
    if (!tmp)
        return -1;
    snprintf(tmp, plen + 8, "%s.tmp", path);
    m->stats.seconds = seconds;
    int rc = -1;
    char *text = NULL, *out = NULL;
    size_t text_len = 0;
    cJSON *root = NULL;
    if (gmo_write_stats(tmp, m->printer, &m->stats) == 0 &&
        grt_read_file(tmp, &text, &text_len) == GANTRY_OK && (root = cJSON_Parse(text))) {
        cJSON *counters = counters_object(m);
        if (counters)
            cJSON_AddItemToObject(root, "consume", counters);
        out = cJSON_Print(root);
        FILE *f = out ? fopen(tmp, "w") : NULL;
        if (f) {
            int ok = fputs(out, f) >= 0 && fputc('\n', f) != EOF;
            if (fclose(f) == 0 && ok && rename(tmp, path) == 0)
                rc = 0;
        }
    }
    if (rc != 0)
        fprintf(stderr, "gantry consume: cannot write %s: %s\n", path, strerror(errno));
    cJSON_free(out);
    cJSON_Delete(root);
    free(text);
    free(tmp);
    return rc;
}

static void pause_unless_stopped(int64_t ms) {
    for (int64_t slept = 0; slept < ms && !stop_requested; slept += 50)
        nats_Sleep(50);
}

static void next_backoff(gcons_member *m) {
    m->backoff_ms *= 2;
    if (m->backoff_ms > m->cfg->max_backoff_ms)
        m->backoff_ms = m->cfg->max_backoff_ms;
}

/* Fetch, process and settle one batch. Returns 1 when messages came, 0 on
 * an empty wait, -1 on a fetch error. */
static int run_once(gcons_member *m, int64_t wait_ms) {
    natsMsgList list = {0};
    jsErrCode jerr = 0;
    natsStatus s = natsSubscription_Fetch(&list, m->sub, m->cfg->batch, wait_ms, &jerr);
    if (s == NATS_TIMEOUT)
        return 0;
    if (s != NATS_OK) {
        /* One line for the first failure of a streak and every 20th after,
         * not a line per retry while a server is away. */
        if (!m->cfg->quiet && m->fetch_streak++ % 20 == 0) {
            const char *text = nats_GetLastError(NULL);
            fprintf(stderr, "gantry consume: fetch: %s (retrying)\n",
                    text && *text ? text : natsStatus_GetText(s));
        }
        m->counters.fetch_errors++;
        pause_unless_stopped(m->backoff_ms);
        next_backoff(m);
        return -1;
    }
    m->fetch_streak = 0;
    gcons_hold(m, &list);
    if (gcons_process_batch(m)) {
        pause_unless_stopped(m->backoff_ms);
        next_backoff(m);
    } else {
        m->backoff_ms = GCONS_FIRST_BACKOFF_MS;
    }
    natsMsgList_Destroy(&list);
    return 1;
}

static int queued_messages(gcons_member *m) {
    int msgs = 0, bytes = 0;
    if (natsSubscription_GetPending(m->sub, &msgs, &bytes) != NATS_OK)
        return 0;
    return msgs;
}

static int run_member(gcons_member *m) {
    const gcons_config *cfg = m->cfg;
    int status = 2;
    m->pack = load_pack(cfg);
    if (!m->pack)
        return 2;
    m->held = calloc((size_t)cfg->batch, sizeof *m->held);
    if (!m->held || gantry_matcher_new(m->pack, &m->matcher) != GANTRY_OK ||
        gantry_normalizer_new(m->pack, cfg->input_format, &m->norm) != GANTRY_OK ||
        (gantry_pack_correlation_count(m->pack) > 0 &&
         gantry_correlator_new(m->pack, NULL, &m->correlator) != GANTRY_OK) ||
        gmo_stats_init(&m->stats, gantry_pack_rule_count(m->pack)) != 0 ||
        !(m->printer =
              gmo_printer_new((const gantry_pack *const *)&m->pack, 1, &cfg->out, stdout))) {
        fprintf(stderr, "gantry consume: out of memory\n");
        return 2;
    }
    m->backoff_ms = GCONS_FIRST_BACKOFF_MS;
    install_signals();
    if (gcons_connect(m, &stop_requested) != 0) {
        status = stop_requested ? 0 : 2;
        goto out;
    }
    if (!cfg->quiet)
        fprintf(stderr,
                "gantry consume: ready: stream %s, consumer %s%s%s, batch %d, alerts on %s.>\n",
                cfg->stream, cfg->durable, cfg->filter ? " filtering " : "",
                cfg->filter ? cfg->filter : "", cfg->batch, cfg->alerts_prefix);
    int64_t started = gcons_now_ms(), last_message = started;
    while (!stop_requested) {
        if (stats_requested && cfg->stats_path) {
            stats_requested = 0;
            write_stats(m, (double)(gcons_now_ms() - started) / 1000.0);
        }
        if (run_once(m, cfg->fetch_wait_ms) > 0)
            last_message = gcons_now_ms();
        else if (cfg->idle_exit_ms && gcons_now_ms() - last_message >= cfg->idle_exit_ms)
            break;
    }
    /* A pull that expired as we stopped may still have delivered messages:
     * settle them rather than leave them to the ack wait. */
    for (int rounds = 0; rounds < 100 && queued_messages(m) > 0; rounds++)
        run_once(m, 100);
    gcons_disconnect(m);
    m->stats.seconds = (double)(gcons_now_ms() - started) / 1000.0;
    status = 0;
    if (cfg->stats_path && write_stats(m, m->stats.seconds) != 0)
        status = 2;
    if (!cfg->quiet) {
        gmo_print_summary(&m->stats, stderr);
        fprintf(stderr,
                "gantry consume: %" PRIu64 " messages (%" PRIu64 " redelivered), %" PRIu64
                " acked, %" PRIu64 " naked, %" PRIu64 " alerts published (%" PRIu64
                " dropped as duplicates)\n",
                m->counters.messages, m->counters.redelivered, m->counters.acked, m->counters.naked,
                m->counters.alerts_published, m->counters.alerts_duplicate);
    }
out:
    gcons_disconnect(m);
    return status;
}

int gcli_cmd_consume(int argc, char **argv) {
    gcons_config cfg = {
        .stream = "EVENTS",
        .subjects = "events.>",
        .durable = "gantry",
        .alerts_prefix = "alerts",
        .alerts_stream = "ALERTS",
        .batch = 100,
        .members = 4,
        .replicas = 1,
        .ack_wait_ms = 30000,
        .dup_window_ms = 120000,
        .fetch_wait_ms = 1000,
        .publish_wait_ms = 10000,
        .max_backoff_ms = 10000,
        .setup_wait_ms = 60000,
        .max_line_bytes = GANTRY_DEFAULT_MAX_LINE_BYTES,
    };
    cfg.out.format = GMO_JSONL;
    /* A test-only knob (ENVIRONMENT in gantry(1)): the member waits this
     * long before acking, so tests can stop servers inside that window. */
    const char *hold = getenv("GANTRY_CONSUME_HOLD_MS");
    unsigned long long hold_ms;
    if (hold && gopt_number(hold, 0, 3600000, &hold_ms) == 0)
        cfg.hold_ms = (int64_t)hold_ms;
    cfg.server_max = argc * 16;
    cfg.rule_paths = calloc((size_t)argc + 1, sizeof *cfg.rule_paths);
    cfg.servers = calloc((size_t)cfg.server_max + 1, sizeof *cfg.servers);
    int status = 2;
    if (!cfg.rule_paths || !cfg.servers || gcli_rule_options_init(&cfg.rules, argc) != 0) {
        fprintf(stderr, "gantry consume: out of memory\n");
    } else if (parse_args(&cfg, argc, argv) == 0) {
        gcons_member m = {.cfg = &cfg};
        pthread_mutex_init(&m.lock, NULL);
        status = run_member(&m);
        gmo_printer_free(m.printer);
        gmo_stats_free(&m.stats);
        gantry_normalizer_free(m.norm);
        gantry_matcher_free(m.matcher);
        gantry_correlator_free(m.correlator);
        gantry_pack_free(m.pack);
        free(m.held);
        free(m.alert.data);
        pthread_mutex_destroy(&m.lock);
        nats_Close();
    }
    gcli_rule_options_free(&cfg.rules);
    free(cfg.rule_paths);
    free(cfg.servers);
    return status;
}
