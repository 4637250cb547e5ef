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

/* ---- program tables (one place each) ---- */

static const char *const downloaders[] = {"curl",        "wget", "wget2", "fetch",
                                          "aria2c",      "axel", "tftp",  "lwp-download",
                                          "lwp-request", "ftp",  NULL};
static const char *const shells[] = {"sh",  "bash", "ash",  "dash",  "zsh",
                                     "ksh", "mksh", "yash", "rbash", NULL};
static const char *const interpreters[] = {"python", "python2", "python3", "perl",
                                           "ruby",   "php",     "node",    NULL};
static const char *const reserved[] = {"!",  "if",    "then", "else", "elif", "while",
                                       "do", "until", "time", "fi",   "done", NULL};
static const char *const declarers[] = {"export", "readonly", "local", "declare", "typeset", NULL};

/* Programs that run the program named after their own options. `values`
 * are their short options that take a separate value, `longs` their long
 * ones; `skip` positional words come before the program (timeout's
 * duration). */
typedef struct wrapper {
    const char *name;
    const char *values;
    const char *const *longs;
    unsigned skip;
} wrapper;

static const char *const sudo_longs[] = {"--user",   "--group", "--chdir", "--host",
                                         "--prompt", "--role",  "--type",  NULL};
static const char *const env_longs[] = {"--unset", "--chdir", "--split-string", NULL};
static const char *const timeout_longs[] = {"--signal", "--kill-after", NULL};
static const char *const none_longs[] = {NULL};

static const wrapper wrappers[] = {
    {"env", "uCS", env_longs, 0},     {"exec", "a", none_longs, 0},
    {"nohup", "", none_longs, 0},     {"setsid", "", none_longs, 0},
    {"nice", "n", none_longs, 0},     {"ionice", "cnp", none_longs, 0},
    {"stdbuf", "ioe", none_longs, 0}, {"command", "", none_longs, 0},
    {"builtin", "", none_longs, 0},   {"sudo", "ugChprtDRU", sudo_longs, 0},
    {"doas", "uC", none_longs, 0},    {"timeout", "sk", timeout_longs, 1},
    {"busybox", "", none_longs, 0},   {"xargs", "aEdILnPs", none_longs, 0},
};

static int in_list(const char *const *list, const char *s) {
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

static const char *base(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

static const char *wtext(const gsh_ctx *c, const unsigned *w, unsigned i) {
    return gsh_text(c, w[i]);
}

/* Index of the program word after the wrappers in w[0..n). */
static unsigned unwrap(const gsh_ctx *c, const unsigned *w, unsigned n) {
    unsigned i = 0;
    for (int rounds = 0; i < n && rounds < 16; rounds++) {
        const char *t = wtext(c, w, i);
        if (in_list(reserved, t)) {
            i++;
            continue;
        }
        const char *b = base(t);
        const wrapper *wr = NULL;
        for (size_t k = 0; k < sizeof wrappers / sizeof wrappers[0]; k++)
            if (strcmp(wrappers[k].name, b) == 0)
                wr = &wrappers[k];
        if (!wr || i + 1 >= n)
            return i;
        unsigned j = i + 1;
        if (strcmp(wr->name, "busybox") == 0) {
            if (wtext(c, w, j)[0] == '-')
                return i;
            i = j;
            continue;
        }
        while (j < n) {
            const char *o = wtext(c, w, j);
            if (strcmp(o, "--") == 0) {
                j++;
                break;
            }
            if (strcmp(wr->name, "env") == 0 && (c->words[w[j]].flags & GSH_W_ASSIGN)) {
                j++;
                continue;
            }
            if (o[0] != '-' || o[1] == '\0')
                break;
            if (strcmp(wr->name, "command") == 0 && (strcmp(o, "-v") == 0 || strcmp(o, "-V") == 0))
                return n; /* a lookup, nothing runs */
            if (o[1] == '-') {
                j += (!strchr(o, '=') && in_list(wr->longs, o)) ? 2 : 1;
                continue;
            }
            /* a cluster: the first value-taking letter takes the rest or the next word */
            int takes_next = 0;
            for (const char *s = o + 1; *s; s++)
                if (strchr(wr->values, *s)) {
                    takes_next = s[1] == '\0';
                    break;
                }
            j += takes_next ? 2 : 1;
        }
        j += wr->skip;
        if (j >= n)
            return n;
        i = j;
    }
    return i;
}

static int looks_like_url(const char *t) {
    if (strstr(t, "://"))
        return 1;
    /* host or address followed by a path: 198.51.100.7/d.sh */
    const char *slash = strchr(t, '/');
    if (!slash || slash == t)
        return 0;
    for (const char *s = t; s < slash; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              *s == '.' || *s == '-' || *s == ':'))
            return 0;
    return memchr(t, '.', (size_t)(slash - t)) != NULL;
}

/* The file name a URL saves to (curl -O, wget without -O): its last path
 * component, without query or fragment. */
static void url_file(const char *url, char *out, size_t cap, const char *fallback) {
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *slash = strchr(p, '/');
    const char *name = fallback;
    size_t n = strlen(fallback);
    if (slash) {
        const char *stop = slash + strcspn(slash, "?#");
        const char *last = slash;
        for (const char *s = slash; s < stop; s++)
            if (*s == '/')
                last = s;
        if (stop > last + 1) {
            name = last + 1;
            n = (size_t)(stop - last - 1);
        }
    }
    if (n >= cap)
        n = cap - 1;
    memcpy(out, name, n);
    out[n] = '\0';
}

static const char *const curl_value_longs[] = {
    "--header",          "--data",        "--data-raw",  "--data-binary", "--user",   "--request",
    "--user-agent",      "--referer",     "--max-time",  "--proxy",       "--config", "--cookie",
    "--cookie-jar",      "--upload-file", "--write-out", "--range",       "--form",   "--cert",
    "--connect-timeout", "--retry",       "--resolve",   "--output-dir",  NULL};
static const char *const wget_value_longs[] = {
    "--output-file", "--append-output", "--execute", "--input-file",       "--tries",
    "--timeout",     "--wait",          "--quota",   "--directory-prefix", "--user-agent",
    "--header",      "--post-data",     NULL};

/* The file a curl or wget stage writes: a word index, -1 for standard
 * output; a file named after the URL goes to *named. */
static long download_target(const gsh_ctx *c, const char *prog, const unsigned *a, unsigned n,
                            char *named, size_t cap) {
    int curl = strcmp(prog, "curl") == 0, wget = strncmp(prog, "wget", 4) == 0;
    if (!curl && !wget)
        return -1;
    const char *values = curl ? "dHXuAemxKbcTwrFEyYzCU" : "oaeiBtTwQPUlARDIX";
    const char *out_letter = curl ? "o" : "O";
    int remote = 0, out_given = 0;
    const char *url = NULL;
    named[0] = '\0';
    for (unsigned j = 0; j < n; j++) {
        const char *t = wtext(c, a, j);
        if (t[0] == '-' && t[1] == '-') {
            if ((curl && strcmp(t, "--output") == 0) ||
                (wget && strcmp(t, "--output-document") == 0)) {
                out_given = 1;
                return j + 1 < n ? (strcmp(wtext(c, a, j + 1), "-") ? (long)a[j + 1] : -1) : -1;
            }
            if (wget && strncmp(t, "--output-document=", 18) == 0)
                return -1; /* a name inside the word: not a separate word */
            if (curl && strcmp(t, "--remote-name") == 0)
                remote = 1;
            if (in_list(curl ? curl_value_longs : wget_value_longs, t))
                j++;
            continue;
        }
        if (t[0] == '-' && t[1]) {
            for (const char *s = t + 1; *s; s++) {
                if (*s == out_letter[0]) {
                    out_given = 1;
                    if (s[1])
                        return -1; /* -O- or -ofile: attached; "-" is stdout */
                    return j + 1 < n && strcmp(wtext(c, a, j + 1), "-") ? (long)a[j + 1] : -1;
                }
                if (curl && *s == 'O')
                    remote = 1;
                if (strchr(values, *s)) {
                    if (!s[1])
                        j++;
                    break;
                }
            }
            continue;
        }
        if (!url)
            url = t;
    }
    if (!out_given && url && (wget || remote))
        url_file(url, named, cap, wget ? "index.html" : "");
    return -1;
}

static int has_word(const gsh_ctx *c, const unsigned *a, unsigned n, const char *word) {
    for (unsigned j = 0; j < n; j++)
        if (strcmp(wtext(c, a, j), word) == 0)
            return 1;
    return 0;
}

/* An option cluster among a[0..n) holding `letter` (-d, -di, -D ...). */
static int has_short(const gsh_ctx *c, const unsigned *a, unsigned n, char letter) {
    for (unsigned j = 0; j < n; j++) {
        const char *t = wtext(c, a, j);
        if (t[0] == '-' && t[1] != '-' && strchr(t + 1, letter))
            return 1;
    }
    return 0;
}

static int is_decoder(const gsh_ctx *c, const char *prog, const unsigned *a, unsigned n) {
    if (strcmp(prog, "base64") == 0 || strcmp(prog, "base32") == 0 || strcmp(prog, "basenc") == 0)
        return has_short(c, a, n, 'd') || has_short(c, a, n, 'D') || has_word(c, a, n, "--decode");
    if (strcmp(prog, "openssl") == 0)
        return has_word(c, a, n, "-d") && (has_word(c, a, n, "base64") ||
                                           has_word(c, a, n, "-base64") || has_word(c, a, n, "-a"));
    if (strcmp(prog, "xxd") == 0)
        return has_short(c, a, n, 'r');
    return 0;
}

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
        const char *t = wtext(c, a, j);
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
        if (!in_list(cron_specials, name))
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

static void download_exec_pass(gsh_ctx *c, unsigned lo, unsigned hi, unsigned flag);

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
            download_exec_pass(c, first, c->nstages, GSH_F_DOWNLOAD_EXEC);
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
        const char *t = wtext(c, a, j);
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
    const char *t = wtext(c, a, j);
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
        const char *t = wtext(c, a, j);
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
        const char *t = wtext(c, a, j);
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
    if (in_list(declarers, gsh_text(c, w[i]))) {
        for (unsigned j = i + 1; j < n; j++)
            if (c->words[w[j]].flags & GSH_W_ASSIGN)
                remember_var(c, w[j]);
        return -1;
    }
    unsigned at = i + unwrap(c, w + i, n - i);
    if (at >= n)
        return -1;
    const unsigned *a = w + at + 1; /* arguments */
    unsigned na = n - at - 1;
    const char *ptext = gsh_text(c, w[at]);
    const char *prog = base(ptext);
    unsigned flags = 0;
    char named[256];
    named[0] = '\0';
    long out_file = -1;
    if (in_list(downloaders, prog)) {
        flags |= GSH_S_DOWNLOADER;
        out_file = download_target(c, prog, a, na, named, sizeof named);
    } else if (ptext[0] == '$' && (c->words[w[at]].flags & GSH_W_UNRESOLVED)) {
        /* $LDR http://x/ex.sh: an unknown variable as the program, given a URL */
        for (unsigned j = 0; j < na; j++)
            if (looks_like_url(wtext(c, a, j)))
                flags |= GSH_S_DOWNLOADER;
    }
    for (unsigned j = 0; j < cmd->nin; j++)
        if (is_network_device(gsh_text(c, cmd->in[j])))
            flags |= GSH_S_DOWNLOADER;
    if (is_decoder(c, prog, a, na))
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
    if (in_list(shells, prog))
        script = shell_operands(c, a, na, &inline_at, &stdin_script);
    else if (in_list(interpreters, prog))
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
static void download_exec_pass(gsh_ctx *c, unsigned lo, unsigned hi, unsigned flag) {
    const char *saved[16];
    unsigned nsaved = 0;
    for (unsigned s = lo; s < hi && s < c->nstages; s++) {
        const gsh_stage *st = &c->stages[s];
        if (st->flags & GSH_S_HIDDEN)
            continue;
        const char *prog = gsh_text(c, c->stage_words[st->first]);
        const char *runs[2] = {strchr(prog, '/') ? prog : NULL,
                               st->script >= 0 ? gsh_text(c, (unsigned)st->script) : NULL};
        for (int r = 0; r < 2; r++)
            for (unsigned k = 0; runs[r] && k < nsaved; k++)
                if (strcmp(base(runs[r]), saved[k]) == 0)
                    c->flags |= flag;
        if ((st->flags & GSH_S_DOWNLOADER) && st->out_file >= 0 && nsaved < 16) {
            const char *f = base(gsh_text(c, (unsigned)st->out_file));
            if (f[0] && strcmp(f, "-") != 0 && strcmp(f, "null") != 0)
                saved[nsaved++] = f;
        }
    }
}

/* ---- output ---- */

static void emit_options(gnorm_out *o, const gsh_ctx *c, const unsigned *a, unsigned n) {
    for (unsigned j = 0; j < n; j++) {
        const char *t = wtext(c, a, j);
        if (t[0] != '-' || !t[1] || strcmp(t, "--") == 0)
            continue;
        const char *next = j + 1 < n ? wtext(c, a, j + 1) : NULL;
        if (strchr(t, '=') || !next || next[0] == '-') {
            gnorm_push_str(o, "process.stages.options", t);
            continue;
        }
        size_t tl = strlen(t), nl = strlen(next);
        char small[512];
        char *buf = tl + nl + 2 <= sizeof small ? small : malloc(tl + nl + 2);
        if (!buf) {
            o->nomem = 1;
            return;
        }
        memcpy(buf, t, tl);
        buf[tl] = '=';
        memcpy(buf + tl + 1, next, nl + 1);
        gnorm_push_str(o, "process.stages.options", buf);
        if (buf != small)
            free(buf);
        j++;
    }
}

/* One stage as one text (program base name and arguments joined with
 * blanks), for rules that must see a program and its arguments together. */
static void emit_command(gnorm_out *o, const gsh_ctx *c, const unsigned *sw, unsigned n,
                         const char *prog) {
    size_t len = strlen(prog) + 1;
    for (unsigned j = 1; j < n; j++)
        len += c->words[sw[j]].len + 1;
    char *text = malloc(len);
    if (!text) {
        o->nomem = 1;
        return;
    }
    size_t k = strlen(prog);
    memcpy(text, prog, k);
    for (unsigned j = 1; j < n; j++) {
        text[k++] = ' ';
        memcpy(text + k, gsh_text(c, sw[j]), c->words[sw[j]].len);
        k += c->words[sw[j]].len;
    }
    text[k] = '\0';
    gnorm_push_str(o, "process.stages.command", text);
    free(text);
}

/* Files a stage writes by its arguments: tee's files, the last operand of
 * cp, mv and install, dd's of=. */
static void emit_writes(gnorm_out *o, const gsh_ctx *c, const unsigned *sw, unsigned n) {
    const char *prog = base(gsh_text(c, sw[0]));
    long last = -1;
    for (unsigned j = 1; j < n; j++) {
        const char *t = gsh_text(c, sw[j]);
        if (strcmp(prog, "dd") == 0 && strncmp(t, "of=", 3) == 0)
            gnorm_push_str(o, "process.stages.writes", t + 3);
        if (t[0] == '-')
            continue;
        if (strcmp(prog, "tee") == 0)
            gnorm_push_str(o, "process.stages.writes", t);
        last = j;
    }
    if (last > 1 &&
        (strcmp(prog, "cp") == 0 || strcmp(prog, "mv") == 0 || strcmp(prog, "install") == 0))
        gnorm_push_str(o, "process.stages.writes", gsh_text(c, sw[last]));
}

static void emit(gnorm_out *o, const gsh_ctx *c) {
    for (unsigned s = 0; s < c->nstages; s++) {
        const gsh_stage *st = &c->stages[s];
        if (!(st->flags & GSH_S_HIDDEN) && st->n) {
            const unsigned *sw = &c->stage_words[st->first];
            const char *prog = gsh_text(c, sw[0]);
            /* a substitution as the program is kept whole */
            int subst = prog[0] == '$' || prog[0] == '`' || prog[0] == '<' || prog[0] == '>';
            gnorm_push_str(o, "process.stages.program", subst ? prog : base(prog));
            emit_command(o, c, sw, st->n, subst ? prog : base(prog));
            for (unsigned j = 1; j < st->n; j++)
                gnorm_push_str(o, "process.stages.args", gsh_text(c, sw[j]));
            emit_options(o, c, sw + 1, st->n - 1);
        }
        for (unsigned j = 0; j < st->nout; j++)
            gnorm_push_str(o, "process.stages.writes",
                           gsh_text(c, c->stage_words[st->out_first + j]));
        if (!(st->flags & GSH_S_HIDDEN) && st->n)
            emit_writes(o, c, &c->stage_words[st->first], st->n);
    }
    static const struct {
        unsigned flag;
        const char *key;
    } flags[] = {
        {GSH_F_DOWNLOAD_SHELL, "process.shell.download_then_shell"},
        {GSH_F_DOWNLOAD_EXEC, "process.shell.download_then_exec"},
        {GSH_F_DECODE_SHELL, "process.shell.decode_then_shell"},
        {GSH_F_CRON_DOWNLOAD, "process.shell.cron_download"},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (c->flags & flags[i].flag) {
            cJSON *old = cJSON_GetObjectItemCaseSensitive(o->obj, flags[i].key);
            if (!old)
                gnorm_bool(o, flags[i].key, 1);
        }
    if (c->error && !cJSON_GetObjectItemCaseSensitive(o->obj, "process.shell.error"))
        gnorm_str(o, "process.shell.error", c->error);
}

static gsh_ctx *ctx_new(int lossy) {
    gsh_ctx *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    c->text = NULL;
    c->len = c->cap = 0;
    c->nwords = c->nstage_words = c->nstages = c->nvars = c->pipe_seq = 0;
    c->work = 0;
    c->flags = 0;
    c->error = NULL;
    c->lossy = lossy;
    c->nomem = 0;
    for (size_t i = 0; i < sizeof c->wbuf / sizeof c->wbuf[0]; i++) {
        c->wbuf[i] = NULL;
        c->wcap[i] = 0;
    }
    return c;
}

static void ctx_done(gnorm_out *o, gsh_ctx *c) {
    download_exec_pass(c, 0, c->nstages, GSH_F_DOWNLOAD_EXEC);
    if (c->nomem)
        o->nomem = 1;
    else
        emit(o, c);
    free(c->text);
    for (size_t i = 0; i < sizeof c->wbuf / sizeof c->wbuf[0]; i++)
        free(c->wbuf[i]);
    free(c);
}

void gnorm_shell_script(gnorm_out *o, const char *text) {
    if (!text || !*text || !gnorm_wants(o, GNORM_G_PROCESS))
        return;
    gsh_ctx *c = ctx_new(1);
    if (!c) {
        o->nomem = 1;
        return;
    }
    size_t len = strlen(text);
    if (len > GSH_MAX_INPUT) {
        gsh_fail(c, "command longer than the shell analysis reads");
        len = GSH_MAX_INPUT;
    }
    unsigned sum = 0;
    (void)gsh_parse_list(c, text, text + len, 0, 0, &sum);
    ctx_done(o, c);
}

/* ---- Kubernetes $(VAR) references ---- */

typedef struct k8s_var {
    const char *name;
    char *value;
} k8s_var;

/* The kubelet's expansion of command, args and env values: $(NAME) of a
 * variable defined before becomes its value, $$ becomes $, anything else
 * (an unknown name, $(curl x)) stays as written. */
static char *k8s_expand(const char *in, const k8s_var *vars, size_t nvars, int *cut) {
    size_t cap = strlen(in) + 1, n = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = in; *p;) {
        const char *piece = p;
        size_t plen = 1;
        if (p[0] == '$' && p[1] == '$') {
            plen = 1;
            p += 2;
        } else if (p[0] == '$' && p[1] == '(') {
            const char *close = strchr(p + 2, ')');
            plen = close ? (size_t)(close + 1 - p) : strlen(p);
            if (close)
                for (size_t i = nvars; i-- > 0;)
                    if (strlen(vars[i].name) == (size_t)(close - p - 2) &&
                        memcmp(vars[i].name, p + 2, (size_t)(close - p - 2)) == 0) {
                        piece = vars[i].value;
                        break;
                    }
            p += plen;
            if (piece != p - plen)
                plen = strlen(piece);
        } else {
            p++;
        }
        if (n + plen + 1 > GSH_MAX_INPUT) {
            *cut = 1;
            break;
        }
        if (n + plen + 1 > cap) {
            size_t ncap = (n + plen + 1) * 2;
            char *t = realloc(out, ncap);
            if (!t) {
                free(out);
                return NULL;
            }
            out = t;
            cap = ncap;
        }
        memcpy(out + n, piece, plen);
        n += plen;
    }
    out[n] = '\0';
    return out;
}

static void argv_push(gsh_ctx *c, gsh_cmd *cmd, const char *word, const k8s_var *vars, size_t nvars,
                      int expand) {
    int cut = 0;
    char *x = expand ? k8s_expand(word, vars, nvars, &cut) : NULL;
    if (expand && !x) {
        c->nomem = 1;
        return;
    }
    if (cut)
        gsh_fail(c, "expanded command longer than the shell analysis reads");
    const char *t = x ? x : word;
    size_t len = strlen(t);
    if (len > GSH_MAX_INPUT) {
        gsh_fail(c, "command longer than the shell analysis reads");
        len = GSH_MAX_INPUT;
    }
    long w = gsh_push_word(c, t, len, 0);
    free(x);
    if (w < 0)
        return;
    if (cmd->n < GSH_MAX_CMD_WORDS)
        cmd->w[cmd->n++] = (unsigned)w;
    else
        gsh_fail(c, "too many words in one command for the shell analysis");
}

/* Appends a word to a blank-separated text sized for it. */
static size_t append(char *text, size_t k, const char *word) {
    size_t n = strlen(word);
    if (k)
        text[k++] = ' ';
    memcpy(text + k, word, n);
    return k + n;
}

void gnorm_shell_argv(gnorm_out *o, const cJSON *first, const cJSON *second, const cJSON *k8s_env) {
    if (!gnorm_wants(o, GNORM_G_PROCESS))
        return;
    const cJSON *parts[2] = {first, second};
    /* A command string (Docker's shell form, a joined argv) is read as
     * shell text; otherwise the argv is one command as it stands. */
    if (cJSON_IsString(first) || cJSON_IsString(second)) {
        size_t len = 0;
        for (int i = 0; i < 2; i++) {
            const cJSON *e;
            if (cJSON_IsString(parts[i]))
                len += strlen(parts[i]->valuestring) + 1;
            else
                cJSON_ArrayForEach(e, parts[i]) {
                    if (cJSON_IsString(e))
                        len += strlen(e->valuestring) + 1;
                }
        }
        char *text = malloc(len + 1);
        if (!text) {
            o->nomem = 1;
            return;
        }
        size_t k = 0;
        for (int i = 0; i < 2; i++) {
            const cJSON *e;
            if (cJSON_IsString(parts[i])) {
                k = append(text, k, parts[i]->valuestring);
                continue;
            }
            cJSON_ArrayForEach(e, parts[i]) {
                if (cJSON_IsString(e))
                    k = append(text, k, e->valuestring);
            }
        }
        text[k] = '\0';
        gnorm_shell_script(o, text);
        free(text);
        return;
    }
    gsh_ctx *c = ctx_new(0);
    k8s_var vars[GSH_MAX_K8S_ENV];
    size_t nvars = 0;
    if (!c) {
        o->nomem = 1;
        return;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, k8s_env) {
        const char *name = gnorm_path_str(e, "name");
        const char *value = gnorm_path_str(e, "value");
        if (!name || !value)
            continue;
        if (nvars >= GSH_MAX_K8S_ENV) {
            gsh_fail(c, "too many env entries for the shell analysis");
            break;
        }
        int cut = 0;
        char *v = k8s_expand(value, vars, nvars, &cut);
        if (!v) {
            c->nomem = 1;
            break;
        }
        vars[nvars].name = name;
        vars[nvars++].value = v;
    }
    gsh_cmd *cmd = malloc(sizeof *cmd);
    if (!cmd) {
        c->nomem = 1;
    } else {
        cmd->n = cmd->nout = cmd->nin = 0;
        cmd->group = 0;
        cmd->group_sum = 0;
        cmd->heredoc_pending = 0;
        for (int i = 0; i < 2 && !c->nomem; i++) {
            cJSON_ArrayForEach(e, parts[i]) {
                if (cJSON_IsString(e))
                    argv_push(c, cmd, e->valuestring, vars, nvars, k8s_env != NULL);
            }
        }
        unsigned sum = 0;
        if (cmd->n && !c->nomem)
            (void)gsh_finish(c, cmd, ++c->pipe_seq, 0, &sum);
        free(cmd);
    }
    for (size_t i = 0; i < nvars; i++)
        free(vars[i].value);
    ctx_done(o, c);
}
