/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry match --follow`: the loop that waits for files to grow (inotify,
 * with a poll every second as the fallback), the packs that SIGHUP
 * replaces between two reads, and the --state file written once the
 * matches of what it records are out. SIGTERM and SIGINT end the run after
 * the lines already read: the state is written and the exit status is 0. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"

/* How often the state is written while lines keep coming; it is written
 * too whenever the inputs fall idle, and at the end. */
#define SAVE_EVERY_SECONDS 1.0
/* How often every operand is looked at again even without an event. */
#define SCAN_EVERY_SECONDS 1.0
#define POLL_MS_WITH_INOTIFY 1000
#define POLL_MS_WITHOUT 250

int gmr_follow_check_args(const match_config *cfg, int timeline) {
    if (!cfg->follow)
        return cfg->follow_state ? gopt_usage_error("match", "--state goes with --follow") : 0;
    if (cfg->jobs > 1)
        return gopt_usage_error("match", "--follow matches on one thread as lines arrive: "
                                         "give it without -j");
    if (timeline)
        return gopt_usage_error("match", "--timeline sorts a finished input: it cannot go "
                                         "with --follow");
    if (cfg->input_count == 0)
        return gopt_usage_error("match", "--follow needs the files or directories to follow");
    for (size_t i = 0; i < cfg->input_count; i++)
        if (strcmp(cfg->inputs[i], "-") == 0)
            return gopt_usage_error("match", "--follow reads files; standard input is read as it "
                                             "arrives without it");
    return 0;
}

/* The packs of one load, with the rule selection made for them: a reload
 * builds a whole new one before the old one is dropped. */
typedef struct generation {
    match_config cfg; /* the options, with this generation's selection */
    gmr_pack *packs;
    size_t max_packs;
    long pack_count;
    match_run run;
} generation;

static void gen_free(generation *g) {
    if (!g)
        return;
    gmr_release(&g->run);
    for (size_t k = 0; g->packs && k < g->max_packs; k++) {
        gantry_correlator_free(g->packs[k].correlator);
        gantry_pack_free(g->packs[k].pack);
    }
    free(g->packs);
    gsel_free(g->cfg.selection);
    free(g);
}

/* Loads and checks every pack and builds the run; NULL after saying why. */
static generation *gen_new(const match_config *base) {
    generation *g = calloc(1, sizeof *g);
    if (!g) {
        fprintf(stderr, "gantry match: out of memory\n");
        return NULL;
    }
    g->cfg = *base;
    g->cfg.selection = NULL;
    g->cfg.file_ls = base->input_ls; /* files are numbered by their operand */
    g->max_packs = base->pack_path_count + 1;
    g->packs = calloc(g->max_packs, sizeof *g->packs);
    if (!g->packs) {
        fprintf(stderr, "gantry match: out of memory\n");
        gen_free(g);
        return NULL;
    }
    if ((g->pack_count = gmr_load_packs(&g->cfg, g->packs)) < 0) {
        gen_free(g);
        return NULL;
    }
    if (gsel_active(&g->cfg.select)) {
        const gantry_pack **list = calloc((size_t)g->pack_count + 1, sizeof *list);
        char err[2048];
        int nomem = !list;
        for (long k = 0; list && k < g->pack_count; k++)
            list[k] = g->packs[k].pack;
        if (list)
            g->cfg.selection =
                gsel_new(&g->cfg.select, list, (size_t)g->pack_count, err, sizeof err, &nomem);
        free(list);
        if (!g->cfg.selection || gsel_enabled(g->cfg.selection) == 0) {
            fprintf(stderr, "gantry match: %s\n",
                    !g->cfg.selection ? (nomem ? "out of memory" : err)
                                      : "the rule selection leaves no rule to run");
            gen_free(g);
            return NULL;
        }
    }
    if (gmr_init(&g->run, &g->cfg, g->packs, (size_t)g->pack_count, stdout) != 0) {
        fprintf(stderr, "gantry match: out of memory\n");
        gen_free(g);
        return NULL;
    }
    if (gmr_start_correlators(&g->run) != 0) {
        gen_free(g);
        return NULL;
    }
    g->run.flush_each = base->line_buffered || !gmr_regular_file(STDOUT_FILENO);
    g->run.started = gmr_now();
    return g;
}

/* The counters of a run that ended (a reload) go on in the next one; the
 * per-rule counts are the last packs'. */
static void add_counters(gmo_stats *to, const gmo_stats *from) {
    uint64_t *const dst[] = {
        &to->files,        &to->lines,          &to->events,   &to->blank,
        &to->malformed,    &to->joined,         &to->unpacked, &to->unpacked_malformed,
        &to->out_of_order, &to->matched_events, &to->matches,  &to->regex_limit,
        &to->match_errors, &to->outside_window, &to->excluded, &to->bytes};
    const uint64_t *const src[] = {
        &from->files,        &from->lines,          &from->events,   &from->blank,
        &from->malformed,    &from->joined,         &from->unpacked, &from->unpacked_malformed,
        &from->out_of_order, &from->matched_events, &from->matches,  &from->regex_limit,
        &from->match_errors, &from->outside_window, &from->excluded, &from->bytes};
    for (size_t i = 0; i < sizeof dst / sizeof dst[0]; i++)
        *dst[i] += *src[i];
}

typedef struct follow_run {
    match_config *cfg;
    generation *gen;
    gmr_follower fl;
    char **abs_operands; /* what the state file names */
    int sig_fd;
    int stop, reload;
    gantry_correlator_stats corr;
    uint64_t corr_printed;
    int any_corr;
    int state_failed;  /* the last write of the state failed */
    int output_failed; /* standard output could not be written */
    int saved;         /* the state file was written by this run: */
    gmr_fstate last;   /* what it says */
    double last_save, last_scan;
    int dirty;
} follow_run;

static void take_signals(follow_run *fr) {
    struct signalfd_siginfo si;
    while (read(fr->sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGHUP)
            fr->reload = 1;
        else
            fr->stop = 1;
    }
}

static char *absolute(const char *path) {
    if (path[0] == '/')
        return strdup(path);
    char *cwd = getcwd(NULL, 0);
    if (!cwd)
        return NULL;
    size_t n = strlen(cwd) + strlen(path) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", cwd, strncmp(path, "./", 2) == 0 ? path + 2 : path);
    free(cwd);
    return p;
}

/* Whether two states say the same, to skip writing it again: an idle
 * follower does not rewrite its state file every second. */
static int same_state(const gmr_fstate *a, const gmr_fstate *b) {
    if (a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++) {
        const gmr_fstate_file *x = &a->files[i], *y = &b->files[i];
        if (x->operand != y->operand || x->dev != y->dev || x->ino != y->ino ||
            x->offset != y->offset || x->line != y->line || x->head_len != y->head_len ||
            x->head_crc != y->head_crc || x->parked != y->parked || strcmp(x->path, y->path) != 0)
            return 0;
    }
    return 1;
}

/* The state records only lines whose matches are out: the output is
 * flushed (and synced when it is a file) before the state is written. */
static int save_state(follow_run *fr) {
    /* Output that cannot be written ends the run: the state keeps the last
     * point whose matches are out, and a restart matches the rest. */
    int flushed = fflush(stdout) == 0;
    if (!flushed || ferror(stdout)) {
        if (!fr->output_failed)
            fprintf(stderr, "gantry match: cannot write output: %s\n",
                    flushed ? "a write failed" : strerror(errno));
        fr->output_failed = fr->fl.failed = 1;
        return -1;
    }
    fr->dirty = 0;
    if (!fr->cfg->follow_state)
        return 0;
    if (gmr_regular_file(STDOUT_FILENO))
        fdatasync(STDOUT_FILENO);
    gmr_fstate snap;
    char err[512];
    int rc = gmr_ff_snapshot(&fr->fl, &snap);
    if (rc != 0) {
        snprintf(err, sizeof err, "out of memory");
    } else if (fr->saved && !fr->state_failed && same_state(&snap, &fr->last)) {
        gmr_fstate_free(&snap); /* the file on disk says it already */
    } else if ((rc = gmr_fstate_save(fr->cfg->follow_state, (const char *const *)fr->abs_operands,
                                     fr->cfg->input_count, &snap, err, sizeof err)) == 0) {
        gmr_fstate_free(&fr->last);
        fr->last = snap;
        fr->saved = 1;
    } else {
        gmr_fstate_free(&snap);
    }
    if (rc != 0 && !fr->state_failed)
        fprintf(stderr, "gantry match: --state %s: %s (a restart may match some lines again)\n",
                fr->cfg->follow_state, err);
    fr->state_failed = rc != 0;
    fr->last_save = gmr_now();
    fr->dirty = 0;
    return rc;
}

static void reload(follow_run *fr) {
    fr->reload = 0;
    if (!fr->cfg->quiet)
        fprintf(stderr, "gantry match: SIGHUP: loading the packs again\n");
    generation *next = gen_new(fr->cfg);
    if (!next) {
        fprintf(stderr, "gantry match: reload failed; still matching with the packs loaded "
                        "before\n");
        return;
    }
    /* Correlation windows do not carry over: the old packs' are closed
     * (and what they complete reported) and the new packs start empty. */
    int any = 0;
    fr->corr_printed += gmr_finish_correlators(&fr->gen->run, &fr->corr, &any);
    fr->any_corr |= any;
    /* the counters go on where they were, so a document group left open
     * in a file still adds up */
    add_counters(&next->run.stats, &fr->gen->run.stats);
    next->run.started = fr->gen->run.started;
    gen_free(fr->gen);
    fr->gen = next;
    gmr_ff_new_run(&fr->fl, &next->run);
    if (!fr->cfg->quiet)
        fprintf(stderr, "gantry match: reloaded: %zu rules\n", gmo_rule_total(next->run.printer));
}

/* Blocks until a file may have changed, a signal came or it is time to
 * look again. Returns whether the operands should be scanned. */
static int wait_for_change(follow_run *fr) {
    struct pollfd p[2] = {{fr->sig_fd, POLLIN, 0}, {fr->fl.inotify_fd, POLLIN, 0}};
    int n = fr->fl.inotify_fd >= 0 ? 2 : 1;
    int timeout = fr->fl.inotify_fd >= 0 ? POLL_MS_WITH_INOTIFY : POLL_MS_WITHOUT;
    int scan = 0;
    if (poll(p, (nfds_t)n, timeout) > 0 && n == 2 && (p[1].revents & POLLIN)) {
        /* a file of a watched directory that only grew needs no scan */
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        ssize_t got;
        while ((got = read(fr->fl.inotify_fd, buf, sizeof buf)) > 0) {
            for (char *q = buf; q < buf + got;) {
                const struct inotify_event *ev = (const struct inotify_event *)q;
                if (ev->mask & ~(uint32_t)(IN_MODIFY | IN_CLOSE_WRITE))
                    scan = 1;
                if (ev->mask & IN_IGNORED)
                    for (size_t i = 0; i < fr->fl.operand_count; i++)
                        if (fr->fl.wd[i] == ev->wd)
                            fr->fl.wd[i] = -1; /* watched again by the next scan */
                q += sizeof *ev + ev->len;
            }
        }
    }
    take_signals(fr);
    return scan || gmr_now() - fr->last_scan >= SCAN_EVERY_SECONDS;
}

static void scan(follow_run *fr) {
    gmr_ff_scan(&fr->fl);
    fr->last_scan = gmr_now();
    fr->dirty = 1;
}

static void follow_loop(follow_run *fr) {
    while (!fr->stop && !fr->fl.failed) {
        size_t got;
        do {
            got = gmr_ff_service(&fr->fl);
            if (got)
                fr->dirty = 1;
            take_signals(fr);
            if (got && fr->dirty && gmr_now() - fr->last_save >= SAVE_EVERY_SECONDS)
                save_state(fr);
        } while (got > 0 && !fr->stop && !fr->reload && !fr->fl.failed);
        if (fr->stop || fr->fl.failed)
            break;
        if (fr->reload) {
            reload(fr);
            continue;
        }
        if (fr->dirty)
            save_state(fr);
        if (wait_for_change(fr))
            scan(fr);
    }
}

/* The files have been read and the state written: the summary as a run
 * over files ends. Returns the exit status. */
static int finish(follow_run *fr) {
    match_run *run = &fr->gen->run;
    const match_config *cfg = fr->cfg;
    int any = 0;
    fr->corr_printed += gmr_finish_correlators(run, &fr->corr, &any);
    fr->any_corr |= any;
    run->stats.seconds = gmr_now() - run->started;
    int failed = fr->fl.failed || fr->state_failed || fr->output_failed;
    if (cfg->out.count_only && gmo_print_counts(run->printer, &run->stats) != 0) {
        fprintf(stderr, "gantry match: out of memory\n");
        failed = 1;
    }
    if (!fr->output_failed && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "gantry match: cannot write output: %s\n", strerror(errno));
        failed = 1;
    }
    if (!cfg->quiet && run->stats.malformed > GMR_SHOWN)
        fprintf(stderr, "gantry: %llu more malformed lines not shown\n",
                (unsigned long long)(run->stats.malformed - GMR_SHOWN));
    if (!cfg->quiet)
        gmo_print_summary(&run->stats, stderr);
    if (!cfg->quiet && fr->any_corr)
        gco_print_summary(&fr->corr, fr->corr_printed, stderr);
    if (cfg->stats_path && (gmo_write_stats(cfg->stats_path, run->printer, &run->stats) != 0 ||
                            (fr->any_corr && gco_amend_stats_file(cfg->stats_path, &fr->corr,
                                                                  fr->corr_printed) != 0))) {
        fprintf(stderr, "gantry match: cannot write %s: %s\n", cfg->stats_path, strerror(errno));
        failed = 1;
    }
    if (failed)
        return 2;
    return cfg->fail_on_match && (run->stats.matches > 0 || fr->corr_printed > 0) ? 1 : 0;
}

/* Positions of --state that no file took: their unread rest is lost. */
static void tell_unused(const follow_run *fr, const gmr_fstate *st) {
    for (size_t i = 0; i < st->count && !fr->cfg->quiet; i++)
        if (!st->files[i].used)
            fprintf(stderr,
                    "gantry match: %s: recorded in --state but gone (rotated away or "
                    "deleted while gantry was stopped); lines written to it after line %llu "
                    "were not read\n",
                    st->files[i].path, (unsigned long long)st->files[i].line);
}

static int setup(follow_run *fr, match_config *cfg, gmr_fstate *restore) {
    size_t n = cfg->input_count;
    gmr_follower *fl = &fr->fl;
    fl->cfg = cfg;
    fl->operands = (char **)cfg->inputs;
    fl->operand_count = n;
    fl->is_dir = calloc(n, sizeof *fl->is_dir);
    fl->wd = calloc(n, sizeof *fl->wd);
    fl->said = calloc(n, sizeof *fl->said);
    fr->abs_operands = calloc(n, sizeof *fr->abs_operands);
    if (!fl->is_dir || !fl->wd || !fl->said || !fr->abs_operands)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        size_t len = strlen(cfg->inputs[i]);
        fl->wd[i] = -1;
        fl->is_dir[i] = stat(cfg->inputs[i], &st) == 0 ? S_ISDIR(st.st_mode)
                                                       : len > 0 && cfg->inputs[i][len - 1] == '/';
        if (!(fr->abs_operands[i] = absolute(cfg->inputs[i])))
            return -1;
    }
    if (cfg->follow_state) {
        char err[1024];
        /* taken before the state is read: the holder may be writing it */
        if ((fl->state_lock_fd = gmr_fstate_lock(cfg->follow_state, err, sizeof err)) < 0) {
            fprintf(stderr, "gantry match: --state %s: %s; refusing to start\n", cfg->follow_state,
                    err);
            return 1;
        }
        int rc = gmr_fstate_load(cfg->follow_state, (const char *const *)fr->abs_operands, n,
                                 restore, err, sizeof err);
        if (rc < 0) {
            fprintf(stderr,
                    "gantry match: --state %s: %s; refusing to start (remove the file to read "
                    "every input again from the start)\n",
                    cfg->follow_state, err);
            return 1;
        }
        fl->restore = rc == 0 ? restore : NULL;
    }
    fl->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
        (fr->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
        fprintf(stderr, "gantry match: cannot take signals: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

int gmr_follow(match_config *cfg) {
    follow_run fr = {.cfg = cfg, .sig_fd = -1};
    fr.fl.inotify_fd = -1;
    fr.fl.state_lock_fd = -1;
    gmr_fstate restore = {0};
    int status = 2;
    int rc = setup(&fr, cfg, &restore);
    if (rc < 0)
        fprintf(stderr, "gantry match: out of memory\n");
    if (rc != 0 || !(fr.gen = gen_new(cfg)))
        goto done;
    gmr_ff_new_run(&fr.fl, &fr.gen->run);
    gmo_print_header(fr.gen->run.printer);
    scan(&fr);
    fr.fl.restore = NULL; /* only the first scan finds files where they were */
    tell_unused(&fr, &restore);
    follow_loop(&fr);
    /* what a normalizer held back for a continuation is matched now */
    gmr_ff_settle(&fr.fl);
    fflush(stdout);
    save_state(&fr);
    status = finish(&fr);
done:
    gmr_ff_close_all(&fr.fl);
    gmr_fstate_free(&restore);
    gmr_fstate_free(&fr.last);
    gen_free(fr.gen);
    for (size_t i = 0; fr.abs_operands && i < cfg->input_count; i++)
        free(fr.abs_operands[i]);
    free(fr.abs_operands);
    free(fr.fl.is_dir);
    free(fr.fl.wd);
    free(fr.fl.said);
    if (fr.fl.inotify_fd >= 0)
        close(fr.fl.inotify_fd);
    if (fr.sig_fd >= 0)
        close(fr.sig_fd);
    if (fr.fl.state_lock_fd >= 0)
        close(fr.fl.state_lock_fd); /* after the last write of the state */
    return status;
}
