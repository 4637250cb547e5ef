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

static int usage_error(const char *msg, const char *arg) {
    fprintf(stderr, "gantry consume: %s%s%s (see gantry help consume)\n", msg, arg ? ": " : "",
            arg ? arg : "");
    return -1;
}

/* Seconds (decimals allowed) into milliseconds; -1 when malformed. */
static int64_t parse_seconds(const char *text, double min, double max) {
    char *end = NULL;
    double v = text ? strtod(text, &end) : 0;
    if (!text || end == text || *end || v < min || v > max)
        return -1;
    return (int64_t)(v * 1000.0 + 0.5);
}

static long parse_count(const char *text, long min, long max) {
    char *end = NULL;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || end == text || *end || v < min || v > max)
        return -1;
    return v;
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

typedef struct duration_option {
    const char *flag;
    size_t offset;
    double min, max;
    const char *what;
} duration_option;

#define DURATION(flag, field, min, max, what)                                                      \
    { flag, offsetof(gcons_config, field), min, max, what }

static const duration_option durations[] = {
    DURATION("--ack-wait", ack_wait_ms, 1, 86400, "--ack-wait takes seconds from 1 to 86400"),
    DURATION("--dup-window", dup_window_ms, 1, 86400 * 7,
             "--dup-window takes seconds from 1 to 604800"),
    DURATION("--fetch-wait", fetch_wait_ms, 0.05, 60, "--fetch-wait takes seconds (0.05-60)"),
    DURATION("--publish-wait", publish_wait_ms, 0.1, 3600,
             "--publish-wait takes seconds (0.1-3600)"),
    DURATION("--max-backoff", max_backoff_ms, 0.25, 3600,
             "--max-backoff takes seconds (0.25-3600)"),
    DURATION("--setup-wait", setup_wait_ms, 0, 86400, "--setup-wait takes seconds"),
    DURATION("--exit-when-idle", idle_exit_ms, 0.1, 86400, "--exit-when-idle takes seconds"),
};

typedef struct name_option {
    const char *flag;
    size_t offset;
} name_option;

static const name_option names[] = {
    {"--stream", offsetof(gcons_config, stream)},
    {"--subjects", offsetof(gcons_config, subjects)},
    {"--durable", offsetof(gcons_config, durable)},
    {"--filter", offsetof(gcons_config, filter)},
    {"--alerts-prefix", offsetof(gcons_config, alerts_prefix)},
    {"--alerts-stream", offsetof(gcons_config, alerts_stream)},
    {"--stats", offsetof(gcons_config, stats_path)},
    {"--name", offsetof(gcons_config, name)},
};

static int parse_named(gcons_config *cfg, const char *a, const char *next, int *used) {
    for (size_t k = 0; k < sizeof durations / sizeof durations[0]; k++) {
        if (strcmp(a, durations[k].flag) != 0)
            continue;
        int64_t ms = parse_seconds(next, durations[k].min, durations[k].max);
        if (ms < 0)
            return usage_error(durations[k].what, next);
        *(int64_t *)((char *)cfg + durations[k].offset) = ms;
        *used = 2;
        return 1;
    }
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (strcmp(a, names[k].flag) != 0)
            continue;
        if (!next || !*next)
            return usage_error("option needs a value", a);
        *(const char **)((char *)cfg + names[k].offset) = next;
        *used = 2;
        return 1;
    }
    return 0;
}

static int parse_args(gcons_config *cfg, int argc, char **argv) {
    for (int i = 1; i < argc;) {
        int r = gcli_rule_option(&cfg->rules, argc, argv, &i);
        if (r < 0)
            return usage_error(cfg->rules.error, NULL);
        if (r > 0)
            continue;
        const char *a = argv[i];
        char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int used = 0;
        r = parse_named(cfg, a, next, &used);
        if (r < 0)
            return -1;
        if (r > 0) {
            i += used;
            continue;
        }
        long n;
        if (strcmp(a, "-p") == 0 || strcmp(a, "--pack") == 0) {
            if (!next || cfg->pack_path)
                return usage_error("give one -p PACK", NULL);
            cfg->pack_path = next;
            i += 2;
        } else if (strcmp(a, "-r") == 0 || strcmp(a, "--rules") == 0) {
            if (!next)
                return usage_error("-r takes a rule file or directory", NULL);
            cfg->rule_paths[cfg->rule_path_count++] = next;
            i += 2;
        } else if (strcmp(a, "-s") == 0 || strcmp(a, "--server") == 0) {
            if (!next || add_servers(cfg, next, argc * 16) != 0)
                return usage_error("--server takes a URL (or a comma list)", NULL);
            i += 2;
        } else if (strcmp(a, "--batch") == 0) {
            if ((n = parse_count(next, 1, 10000)) < 0)
                return usage_error("--batch takes a number from 1 to 10000", next);
            cfg->batch = (int)n;
            i += 2;
        } else if (strcmp(a, "--members") == 0) {
            if ((n = parse_count(next, 1, 10000)) < 0)
                return usage_error("--members takes a number from 1 to 10000", next);
            cfg->members = (int)n;
            i += 2;
        } else if (strcmp(a, "--replicas") == 0) {
            if ((n = parse_count(next, 1, 5)) < 0)
                return usage_error("--replicas takes a number from 1 to 5", next);
            cfg->replicas = (int)n;
            i += 2;
        } else if (strcmp(a, "--min-level") == 0) {
            if (!next || (cfg->out.min_level = gmo_parse_level(next)) < 0)
                return usage_error("--min-level takes informational, low, medium, high or "
                                   "critical",
                                   next);
            i += 2;
        } else if (strcmp(a, "--input-format") == 0) {
            int f = next ? gantry_input_format_parse(next) : -1;
            if (f < 0)
                return usage_error("unknown --input-format", next);
            cfg->input_format = (gantry_input_format)f;
            i += 2;
        } else if (strcmp(a, "--max-line-bytes") == 0) {
            if ((n = parse_count(next, 16, 1L << 30)) < 0)
                return usage_error("--max-line-bytes takes a number from 16 to 1073741824", next);
            cfg->max_line_bytes = (size_t)n;
            i += 2;
        } else if (strcmp(a, "--fields") == 0) {
            cfg->out.fields_only = 1;
            i++;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            cfg->quiet = 1;
            i++;
        } else {
            return usage_error("unknown option", a);
        }
    }
    if (!cfg->pack_path == !cfg->rule_path_count)
        return usage_error("give exactly one of -p PACK or -r RULES", NULL);
    if (cfg->server_count == 0)
        cfg->servers[cfg->server_count++] = "nats://127.0.0.1:4222";
    if (strchr(cfg->durable, '.'))
        return usage_error("a durable name may not contain '.'", cfg->durable);
    if (cfg->dup_window_ms < 2 * cfg->ack_wait_ms + cfg->max_backoff_ms)
        fprintf(stderr,
                "gantry consume: warning: --dup-window %.1f s is shorter than twice --ack-wait "
                "plus --max-backoff; a late redelivery could duplicate alerts\n",
                (double)cfg->dup_window_ms / 1000.0);
    return 0;
}

static gantry_pack *load_pack(const gcons_config *cfg) {
    gantry_pack *pack = NULL;
    char err[512] = "";
    if (cfg->pack_path) {
        if (gantry_pack_load_file(cfg->pack_path, &pack, err, sizeof err) != GANTRY_OK)
            fprintf(stderr, "gantry consume: %s: %s\n", cfg->pack_path, err);
        return pack;
    }
    unsigned char *image = NULL;
    size_t len = 0;
    /* 1: --keep-going left rules out (reported); the others run */
    if (gcli_compile_paths(&cfg->rules, cfg->rule_paths, cfg->rule_path_count, &image, &len, NULL) <
        0)
        return NULL;
    if (gantry_pack_load_buffer(image, len, &pack, err, sizeof err) != GANTRY_OK)
        fprintf(stderr, "gantry consume: compiled pack refused: %s\n", err);
    free(image);
    return pack;
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
    if (gmo_write_stats(tmp, m->pack, &m->stats) == 0 &&
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
        !(m->printer = gmo_printer_new(m->pack, &cfg->out, stdout))) {
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
    const char *hold = getenv("GANTRY_CONSUME_HOLD_MS");
    if (hold)
        cfg.hold_ms = strtoll(hold, NULL, 10);
    cfg.rule_paths = calloc((size_t)argc + 1, sizeof *cfg.rule_paths);
    cfg.servers = calloc((size_t)argc * 16 + 1, sizeof *cfg.servers);
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
