/* SPDX-License-Identifier: Apache-2.0 */
/* The shell view of a command: each simple command the lexer reads
 * (shell_lex.c) becomes a stage, after unwrapping the programs that only
 * run another one (env, exec, nohup, command, sudo, timeout, busybox ...);
 * sh -c scripts, eval arguments, cron entries and here-documents given to a
 * shell are read as nested scripts. From the stages come the derived facts
 * rules ask for: something downloaded runs in a shell, a downloaded file is
 * run, decoded base64 runs in a shell, a crontab line downloads to a shell.
 * Fields: docs/schema.md, "Shell view". */
#include <stdlib.h>
#include <string.h>

#include "shell.h"

/* ---- nested scripts ---- */

unsigned gsh_nested(gsh_ctx *c, const char *text, size_t len, int depth) {
    if (depth > GSH_MAX_DEPTH) {
        gsh_fail(c, "scripts nested too deep for the shell analysis");
        return 0;
    }
    /* The text may live in the word arena, which the nested words grow. */
    char *copy = malloc(len + 1);
    if (!copy) {
        c->nomem = 1;
        gsh_fail(c, "out of memory");
        return 0;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    unsigned sum = 0;
    (void)gsh_parse_list(c, copy, copy + len, depth, 0, &sum);
    free(copy);
    return sum;
}

/* Joins words with blanks. A joined argv (Falco's proc.cmdline) lost the
 * quotes of sh -c's script: a word holding blanks or operators is put back
 * in double quotes, which keep its substitutions live as they were. */
static char *join_words(const gsh_ctx *c, const unsigned *a, unsigned n, int quote, size_t *len) {
    size_t cap = 1;
    for (unsigned j = 0; j < n; j++)
        cap += c->words[a[j]].len * 2 + 3;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t k = 0;
    for (unsigned j = 0; j < n; j++) {
        const char *t = gsh_wtext(c, a, j);
        /* a process substitution stays one, unquoted */
        int q = quote && n > 1 && !(c->words[a[j]].flags & GSH_W_PROCSUB) &&
                (t[0] == '\0' || strpbrk(t, " \t\n;&|<>()") != NULL);
        if (j)
            out[k++] = ' ';
        if (q)
            out[k++] = '"';
        for (const char *s = t; *s; s++) {
            if (q && (*s == '"' || *s == '\\'))
                out[k++] = '\\';
            out[k++] = *s;
        }
        if (q)
            out[k++] = '"';
    }
    out[k] = '\0';
    *len = k;
    return out;
}

/* Forgets the stages read while reading words a[0..n): they are read again
 * as a nested script. Later words first, so earlier ranges stay valid. */
static void drop_word_stages(gsh_ctx *c, const unsigned *a, unsigned n) {
    for (unsigned j = n; j-- > 0;) {
        const gsh_word *w = &c->words[a[j]];
        unsigned lo = w->stage_lo, hi = w->stage_hi;
        if (hi <= lo || hi > c->nstages)
            continue;
        memmove(&c->stages[lo], &c->stages[hi], (c->nstages - hi) * sizeof c->stages[0]);
        c->nstages -= hi - lo;
    }
}

/* ---- cron entries ---- */

static const char *const cron_specials[] = {"@reboot",   "@yearly", "@annually",
                                            "@monthly",  "@weekly", "@daily",
                                            "@midnight", "@hourly", NULL};

/* Length of a crontab schedule at the start of s (five fields or an @
 * name) followed by a command; 0 when s is not a crontab line. */
static size_t cron_schedule(const char *s, size_t n) {
    size_t i = 0;
    if (n && s[0] == '@') {
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        char name[16];
        if (i >= sizeof name)
            return 0;
        memcpy(name, s, i);
        name[i] = '\0';
        if (!gsh_in_list(cron_specials, name))
            return 0;
    } else {
        for (int field = 0; field < 5; field++) {
            size_t start = i;
            while (i < n &&
                   (strchr("0123456789*/,-", s[i]) ||
                    (field >= 3 && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))))
                i++;
            if (i == start || i >= n || (s[i] != ' ' && s[i] != '\t'))
                return 0;
            if (field < 4)
                while (i < n && (s[i] == ' ' || s[i] == '\t'))
                    i++;
        }
    }
    size_t j = i;
    while (j < n && (s[j] == ' ' || s[j] == '\t'))
        j++;
    return j > i && j < n ? j : 0;
}

/* Every line of a text that is a crontab entry: its command is read as a
 * script; one that downloads into a shell sets the cron flag only (the
 * command runs later, from cron). */

static void cron_text(gsh_ctx *c, const char *text, size_t len, int depth) {
    for (size_t i = 0; i < len;) {
        const char *s = text + i;
        size_t n = len - i, line = 0;
        while (line < n && s[line] != '\n' &&
               !(s[line] == '\\' && line + 1 < n && s[line + 1] == 'n'))
            line++;
        size_t skip = line < n ? (s[line] == '\n' ? 1 : 2) : 0;
        size_t lead = 0;
        while (lead < line && (s[lead] == ' ' || s[lead] == '\t'))
            lead++;
        size_t cmd = cron_schedule(s + lead, line - lead);
        if (cmd) {
            cmd += lead;
            if (line - cmd > 5 && strncmp(s + cmd, "root ", 5) == 0) /* /etc/crontab user */
                cmd += 5;
            unsigned before = c->flags, first = c->nstages;
            c->flags = 0;
            (void)gsh_nested(c, s + cmd, line - cmd, depth + 1);
            for (unsigned k = first; k < c->nstages; k++)
                c->stages[k].flags |= GSH_S_CRON;
            gsh_download_exec_pass(c, first, c->nstages, GSH_F_DOWNLOAD_EXEC);
            int fetches = (c->flags & (GSH_F_DOWNLOAD_SHELL | GSH_F_DOWNLOAD_EXEC)) != 0;
            c->flags = before | (fetches ? GSH_F_CRON_DOWNLOAD : 0);
        }
        i += line + skip;
    }
}

void gsh_cron_scan(gsh_ctx *c, const char *text, size_t len, int depth) {
    if (len < 9 || !memchr(text, ' ', len))
        return;
    /* the text may live in the word arena, which nested words grow */
    char *copy = malloc(len);
    if (!copy) {
        c->nomem = 1;
        gsh_fail(c, "out of memory");
        return;
    }
    memcpy(copy, text, len);
    cron_text(c, copy, len, depth);
    free(copy);
}

/* ---- stages ---- */

static long record(gsh_ctx *c, const unsigned *w, unsigned n, const gsh_cmd *cmd, unsigned flags,
                   unsigned pipe) {
    if (c->nstages >= GSH_MAX_STAGES) {
        gsh_fail(c, "too many commands for the shell analysis");
        return -1;
    }
    if (c->nstage_words + n + cmd->nout > sizeof c->stage_words / sizeof c->stage_words[0]) {
        gsh_fail(c, "too many words for the shell analysis");
        return -1;
    }
    gsh_stage *s = &c->stages[c->nstages];
    s->first = c->nstage_words;
    s->n = n;
    if (n) /* a group has no words */
        memcpy(&c->stage_words[c->nstage_words], w, n * sizeof *w);
    c->nstage_words += n;
    s->out_first = c->nstage_words;
    s->nout = cmd->nout;
    memcpy(&c->stage_words[c->nstage_words], cmd->out, cmd->nout * sizeof *w);
    c->nstage_words += cmd->nout;
    s->flags = flags;
    s->pipe = pipe;
    s->out_file = -1;
    s->script = -1;
    return (long)c->nstages++;
}

static void remember_var(gsh_ctx *c, unsigned w) {
    const gsh_word *wd = &c->words[w];
    const char *t = c->text + wd->off;
    const char *eq = strchr(t, '=');
    if (!eq)
        return;
    size_t nlen = (size_t)(eq - t);
    gsh_var v = {wd->off, nlen, wd->off + nlen + 1, wd->len - nlen - 1};
    for (unsigned i = 0; i < c->nvars; i++)
        if (c->vars[i].name_len == nlen && memcmp(c->text + c->vars[i].name_off, t, nlen) == 0) {
            c->vars[i] = v;
            return;
        }
    if (c->nvars < GSH_MAX_VARS)
        c->vars[c->nvars++] = v;
    else
        gsh_fail(c, "too many variables for the shell analysis");
}

/* A shell's operands: sets *inline_script to the -c script's word index,
 * or returns the script file operand (-1 none) and sets *stdin_script. */
static long shell_operands(const gsh_ctx *c, const unsigned *a, unsigned n, long *inline_at,
                           int *stdin_script) {
    unsigned j = 0;
    int has_c = 0, has_s = 0;
    while (j < n) {
        const char *t = gsh_wtext(c, a, j);
        if (strcmp(t, "--") == 0 || strcmp(t, "-") == 0) {
            j++;
            break;
        }
        if ((t[0] != '-' && t[0] != '+') || !t[1])
            break;
        if (t[1] == '-') {
            j += (strcmp(t, "--rcfile") == 0 || strcmp(t, "--init-file") == 0) ? 2 : 1;
            continue;
        }
        if (strcmp(t + 1, "o") == 0 || strcmp(t + 1, "O") == 0) {
            j += 2;
            continue;
        }
        if (t[0] == '-' && strchr(t + 1, 'c'))
            has_c = 1;
        if (t[0] == '-' && strchr(t + 1, 's'))
            has_s = 1;
        j++;
    }
    *inline_at = -1;
    *stdin_script = 0;
    if (has_c) {
        *inline_at = j < n ? (long)j : -1;
        return -1;
    }
    if (has_s || j >= n) {
        *stdin_script = 1;
        return -1;
    }
    const char *t = gsh_wtext(c, a, j);
    if (strcmp(t, "/dev/stdin") == 0 || strcmp(t, "/proc/self/fd/0") == 0)
        *stdin_script = 1;
    return (long)j;
}

/* An interpreter's script operand (-1 none); inline code (-c, -e) is not
 * read; no operand means it runs its standard input. */
static long interpreter_operands(const gsh_ctx *c, const unsigned *a, unsigned n,
                                 int *stdin_script) {
    *stdin_script = 0;
    for (unsigned j = 0; j < n; j++) {
        const char *t = gsh_wtext(c, a, j);
        if (strcmp(t, "-") == 0) {
            *stdin_script = 1;
            return -1;
        }
        if (t[0] != '-')
            return (long)j;
        if (strchr("ceEmr", t[1]) && t[1] && t[1] != '-')
            return -1; /* inline code or a module */
        if (strcmp(t, "--eval") == 0 || strcmp(t, "--print") == 0)
            return -1;
        if ((strcmp(t, "-W") == 0 || strcmp(t, "-X") == 0) && j + 1 < n)
            j++;
    }
    *stdin_script = 1;
    return -1;
}

/* Index of the first word of ssh's remote command (-1 none): the word
 * after the destination, past options and their values. */
static unsigned ssh_options(const gsh_ctx *c, const unsigned *a, unsigned n, unsigned j) {
    while (j < n) {
        const char *t = gsh_wtext(c, a, j);
        if (strcmp(t, "--") == 0) {
            j++;
            break;
        }
        if (t[0] != '-' || !t[1])
            break;
        int takes_next = 0;
        for (const char *s = t + 1; *s; s++)
            if (strchr("bcDEeFIiJLlmOopQRSWw", *s)) {
                takes_next = s[1] == '\0';
                break;
            }
        j += takes_next ? 2 : 1;
    }
    return j;
}

/* ssh takes options after the destination too. */
static long ssh_command(const gsh_ctx *c, const unsigned *a, unsigned n) {
    unsigned host = ssh_options(c, a, n, 0);
    unsigned cmd = ssh_options(c, a, n, host + 1);
    return cmd < n ? (long)cmd : -1;
}

static void pipe_check(gsh_ctx *c, long idx) {
    const gsh_stage *me = &c->stages[idx];
    for (long s = idx - 1; s >= 0; s--) {
        if (c->stages[s].pipe != me->pipe)
            continue;
        if (c->stages[s].flags & GSH_S_DOWNLOADER)
            c->flags |= GSH_F_DOWNLOAD_SHELL;
        if (c->stages[s].flags & GSH_S_DECODER)
            c->flags |= GSH_F_DECODE_SHELL;
    }
}

static void word_flags_run(gsh_ctx *c, unsigned w) {
    unsigned f = c->words[w].flags;
    if (f & GSH_W_DOWNLOAD)
        c->flags |= GSH_F_DOWNLOAD_SHELL;
    if (f & GSH_W_DECODE)
        c->flags |= GSH_F_DECODE_SHELL;
}

static int is_network_device(const char *t) {
    return strncmp(t, "/dev/tcp/", 9) == 0 || strncmp(t, "/dev/udp/", 9) == 0;
}

long gsh_finish(gsh_ctx *c, gsh_cmd *cmd, unsigned pipe, int depth, unsigned *sum) {
    if (cmd->group) {
        unsigned f = GSH_S_HIDDEN;
        if (cmd->group_sum & GSH_SUM_DOWNLOAD)
            f |= GSH_S_DOWNLOADER;
        if (cmd->group_sum & GSH_SUM_DECODE)
            f |= GSH_S_DECODER;
        *sum |= cmd->group_sum;
        return record(c, NULL, 0, cmd, f, pipe);
    }
    unsigned n = cmd->n, i = 0;
    const unsigned *w = cmd->w;
    for (unsigned j = 0; j < n; j++)
        gsh_cron_scan(c, gsh_text(c, w[j]), c->words[w[j]].len, depth);
    while (i < n && (c->words[w[i]].flags & GSH_W_ASSIGN))
        i++;
    if (i == n) {
        for (unsigned j = 0; j < n; j++)
            remember_var(c, w[j]);
        return -1;
    }
    if (gsh_in_list(gsh_declarers, gsh_text(c, w[i]))) {
        for (unsigned j = i + 1; j < n; j++)
            if (c->words[w[j]].flags & GSH_W_ASSIGN)
                remember_var(c, w[j]);
        return -1;
    }
    unsigned at = i + gsh_unwrap(c, w + i, n - i);
    if (at >= n)
        return -1;
    const unsigned *a = w + at + 1; /* arguments */
    unsigned na = n - at - 1;
    const char *ptext = gsh_text(c, w[at]);
    const char *prog = gsh_base(ptext);
    unsigned flags = 0;
    char named[256];
    named[0] = '\0';
    long out_file = -1;
    if (gsh_in_list(gsh_downloaders, prog)) {
        flags |= GSH_S_DOWNLOADER;
        out_file = gsh_download_target(c, prog, a, na, named, sizeof named);
    } else if (ptext[0] == '$' && (c->words[w[at]].flags & GSH_W_UNRESOLVED)) {
        /* $LDR http://x/ex.sh: an unknown variable as the program, given a URL */
        for (unsigned j = 0; j < na; j++)
            if (gsh_looks_like_url(gsh_wtext(c, a, j)))
                flags |= GSH_S_DOWNLOADER;
    }
    for (unsigned j = 0; j < cmd->nin; j++)
        if (is_network_device(gsh_text(c, cmd->in[j])))
            flags |= GSH_S_DOWNLOADER;
    if (gsh_is_decoder(c, prog, a, na))
        flags |= GSH_S_DECODER;
    if ((flags & GSH_S_DOWNLOADER) && out_file < 0)
        for (unsigned j = 0; j < cmd->nout; j++) {
            const char *t = gsh_text(c, cmd->out[j]);
            if (strcmp(t, "/dev/null") != 0) {
                out_file = cmd->out[j];
                named[0] = '\0';
            }
        }

    long script = -1, inline_at = -1;
    int stdin_script = 0, is_eval = strcmp(prog, "eval") == 0;
    if (gsh_in_list(gsh_shells, prog))
        script = shell_operands(c, a, na, &inline_at, &stdin_script);
    else if (gsh_in_list(gsh_interpreters, prog))
        script = interpreter_operands(c, a, na, &stdin_script);
    else if ((strcmp(prog, "source") == 0 || strcmp(prog, ".") == 0) && na > 0)
        script = 0;
    if (stdin_script)
        flags |= GSH_S_STDIN;

    /* ssh HOST COMMAND...: the remote shell reads the words joined, as eval does */
    long remote = strcmp(prog, "ssh") == 0 ? ssh_command(c, a, na) : -1;
    int joined = is_eval || remote >= 0;

    /* Words read again as a nested script lose the stages read with them. */
    unsigned nested_from = inline_at >= 0 ? (unsigned)inline_at
                           : is_eval      ? 0
                           : remote >= 0  ? (unsigned)remote
                                          : na;
    if (nested_from < na)
        drop_word_stages(c, a + nested_from, na - nested_from);

    long idx = record(c, w + at, n - at, cmd, flags, pipe);
    if (idx < 0)
        return -1;
    gsh_stage *st = &c->stages[idx];
    st->out_file = out_file;
    st->script = script >= 0 ? (long)a[script] : -1;
    if (named[0]) {
        long nw = gsh_push_word(c, named, strlen(named), 0);
        c->stages[idx].out_file = nw;
    }

    word_flags_run(c, w[at]); /* `$(curl ...)` as the program runs what came */
    if (script >= 0)
        word_flags_run(c, a[script]);
    if (inline_at >= 0) { /* sh -c "$(curl ...)": the script is what came */
        word_flags_run(c, a[inline_at]);
        /* a joined cmdline cannot tell whether `sh -c sh <<< "$(curl ...)"`
         * redirected the outer shell or the inner one: either runs it */
        if (c->lossy && depth == 0)
            for (unsigned j = 0; j < cmd->nin; j++)
                word_flags_run(c, cmd->in[j]);
    }
    if (flags & GSH_S_STDIN) {
        for (unsigned j = 0; j < cmd->nin; j++) {
            word_flags_run(c, cmd->in[j]);
            if (is_network_device(gsh_text(c, cmd->in[j])))
                c->flags |= GSH_F_DOWNLOAD_SHELL;
        }
        pipe_check(c, idx);
    }

    unsigned nested_sum = 0;
    if (nested_from < na) {
        /* sh -c SCRIPT takes one word; a joined cmdline, or eval, all */
        int all = joined || (c->lossy && depth == 0);
        unsigned cnt = all ? na - nested_from : 1;
        size_t len = 0;
        char *text = join_words(c, a + nested_from, cnt, !joined, &len);
        if (!text) {
            c->nomem = 1;
            gsh_fail(c, "out of memory");
        } else {
            nested_sum = gsh_nested(c, text, len, depth + 1);
            free(text);
        }
        if (nested_sum & GSH_SUM_DOWNLOAD)
            c->stages[idx].flags |= GSH_S_DOWNLOADER;
        if (nested_sum & GSH_SUM_DECODE)
            c->stages[idx].flags |= GSH_S_DECODER;
    }
    unsigned f = c->stages[idx].flags;
    if (f & GSH_S_DOWNLOADER)
        *sum |= GSH_SUM_DOWNLOAD;
    if (f & GSH_S_DECODER)
        *sum |= GSH_SUM_DECODE;
    *sum |= nested_sum;
    return idx;
}

/* A file a downloader wrote in stages [lo, hi) that a later one runs (as
 * its program, or as a shell's or interpreter's script): compared by file
 * name, since the directory may be the working one. */
void gsh_download_exec_pass(gsh_ctx *c, unsigned lo, unsigned hi, unsigned flag) {
    const char *saved[16];
    unsigned nsaved = 0;
    /* a crontab line's commands are matched among themselves only */
    unsigned cron = lo < c->nstages ? c->stages[lo].flags & GSH_S_CRON : 0;
    for (unsigned s = lo; s < hi && s < c->nstages; s++) {
        const gsh_stage *st = &c->stages[s];
        if ((st->flags & GSH_S_HIDDEN) || (st->flags & GSH_S_CRON) != cron)
            continue;
        const char *prog = gsh_text(c, c->stage_words[st->first]);
        const char *runs[2] = {strchr(prog, '/') ? prog : NULL,
                               st->script >= 0 ? gsh_text(c, (unsigned)st->script) : NULL};
        for (int r = 0; r < 2; r++)
            for (unsigned k = 0; runs[r] && k < nsaved; k++)
                if (strcmp(gsh_base(runs[r]), saved[k]) == 0)
                    c->flags |= flag;
        if ((st->flags & GSH_S_DOWNLOADER) && st->out_file >= 0 && nsaved < 16) {
            const char *f = gsh_base(gsh_text(c, (unsigned)st->out_file));
            if (f[0] && strcmp(f, "-") != 0 && strcmp(f, "null") != 0)
                saved[nsaved++] = f;
        }
    }
}
