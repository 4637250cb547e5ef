/* SPDX-License-Identifier: Apache-2.0 */
/* Reading POSIX shell text into simple commands: quoting (single, double,
 * backslash, bash's $'...'), the operators ; && || | |& & and newlines,
 * redirections and here-documents, $(...), `...`, <(...) and >(...)
 * (read recursively as their own commands), ( ) and { } groups, and
 * parameter expansion from variables assigned earlier in the same text.
 * Nothing is executed or globbed; an unknown expansion stays as written. */
#include <stdlib.h>
#include <string.h>

#include "shell.h"

void gsh_fail(gsh_ctx *c, const char *error) {
    if (!c->error)
        c->error = error;
}

static int is_blank(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Characters that end an unquoted word. */
static int is_meta(char ch) {
    return is_blank(ch) || ch == '\n' || ch == ';' || ch == '&' || ch == '|' || ch == '<' ||
           ch == '>' || ch == '(' || ch == ')';
}

static int is_name_start(char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
}

static int is_name_char(char ch) {
    return is_name_start(ch) || (ch >= '0' && ch <= '9');
}

long gsh_push_word(gsh_ctx *c, const char *s, size_t n, unsigned flags) {
    if (c->nwords >= GSH_MAX_WORDS) {
        gsh_fail(c, "too many words for the shell analysis");
        return -1;
    }
    if (c->len + n + 1 > GSH_MAX_TEXT) {
        gsh_fail(c, "command text too long for the shell analysis");
        return -1;
    }
    if (c->len + n + 1 > c->cap) {
        size_t ncap = c->cap ? c->cap : 1024;
        while (ncap < c->len + n + 1)
            ncap *= 2;
        char *t = realloc(c->text, ncap);
        if (!t) {
            c->nomem = 1;
            gsh_fail(c, "out of memory");
            return -1;
        }
        c->text = t;
        c->cap = ncap;
    }
    memcpy(c->text + c->len, s, n);
    c->text[c->len + n] = '\0';
    gsh_word *w = &c->words[c->nwords];
    w->off = c->len;
    w->len = n;
    w->flags = flags;
    w->stage_lo = w->stage_hi = c->nstages;
    c->len += n + 1;
    return (long)c->nwords++;
}

const char *gsh_var_value(const gsh_ctx *c, const char *name, size_t n, size_t *len) {
    for (unsigned i = c->nvars; i-- > 0;) {
        const gsh_var *v = &c->vars[i];
        if (v->name_len == n && memcmp(c->text + v->name_off, name, n) == 0) {
            *len = v->val_len;
            return c->text + v->val_off;
        }
    }
    return NULL;
}

/* ---- the word under construction (one buffer per nesting depth) ---- */

typedef struct wbuild {
    gsh_ctx *c;
    int depth;
    size_t n;
    unsigned flags;
    long first_quote; /* offset where quoting first began, -1 none */
} wbuild;

static void wb_add(wbuild *b, const char *s, size_t n) {
    gsh_ctx *c = b->c;
    char **buf = &c->wbuf[b->depth];
    size_t *cap = &c->wcap[b->depth];
    if (b->n + n > GSH_MAX_TEXT) {
        gsh_fail(c, "command text too long for the shell analysis");
        return;
    }
    if (b->n + n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 256;
        while (ncap < b->n + n + 1)
            ncap *= 2;
        char *t = realloc(*buf, ncap);
        if (!t) {
            c->nomem = 1;
            gsh_fail(c, "out of memory");
            return;
        }
        *buf = t;
        *cap = ncap;
    }
    memcpy(*buf + b->n, s, n);
    b->n += n;
}

static void wb_quote(wbuild *b) {
    if (b->first_quote < 0)
        b->first_quote = (long)b->n;
}

/* Past the ')' that closes an opening at p (depth limit reached): a plain
 * scan that respects quotes, with no recursion. */
static const char *skip_balanced(const char *p, const char *end, char open, char close) {
    long level = 0;
    char quote = 0;
    for (; p < end; p++) {
        char ch = *p;
        if (quote) {
            if (ch == '\\' && quote == '"' && p + 1 < end)
                p++;
            else if (ch == quote)
                quote = 0;
        } else if (ch == '\\' && p + 1 < end) {
            p++;
        } else if (ch == '\'' || ch == '"' || ch == '`') {
            quote = ch;
        } else if (ch == open) {
            level++;
        } else if (ch == close && --level <= 0) {
            return p + 1;
        }
    }
    return end;
}

/* $(...), <(...) or >(...) starting at `open` (the '('): its commands are
 * read as their own stages; the word keeps the text as written. */
static const char *substitution(wbuild *b, const char *start, const char *open, const char *end,
                                unsigned extra) {
    gsh_ctx *c = b->c;
    unsigned sum = 0;
    const char *q;
    if (b->depth + 1 > GSH_MAX_DEPTH) {
        gsh_fail(c, "substitutions nested too deep for the shell analysis");
        q = skip_balanced(open, end, '(', ')');
    } else {
        q = gsh_parse_list(c, open + 1, end, b->depth + 1, ')', &sum);
    }
    wb_add(b, start, (size_t)(q - start));
    b->flags |= extra;
    if (sum & GSH_SUM_DOWNLOAD)
        b->flags |= GSH_W_DOWNLOAD;
    if (sum & GSH_SUM_DECODE)
        b->flags |= GSH_W_DECODE;
    return q;
}

/* `...`: backslash keeps its meaning only before $, ` and \. */
static const char *backtick(wbuild *b, const char *p, const char *end) {
    gsh_ctx *c = b->c;
    const char *q = p + 1;
    while (q < end && *q != '`') {
        if (*q == '\\' && q + 1 < end)
            q++;
        q++;
    }
    size_t inner = (size_t)(q - p - 1);
    const char *stop = q < end ? q + 1 : end;
    if (b->depth + 1 > GSH_MAX_DEPTH) {
        gsh_fail(c, "substitutions nested too deep for the shell analysis");
    } else {
        char *copy = malloc(inner + 1);
        if (!copy) {
            c->nomem = 1;
            gsh_fail(c, "out of memory");
        } else {
            size_t n = 0;
            for (const char *s = p + 1; s < p + 1 + inner; s++) {
                if (*s == '\\' && s + 1 < p + 1 + inner &&
                    (s[1] == '$' || s[1] == '`' || s[1] == '\\'))
                    s++;
                copy[n++] = *s;
            }
            unsigned sum = gsh_nested(c, copy, n, b->depth + 1);
            if (sum & GSH_SUM_DOWNLOAD)
                b->flags |= GSH_W_DOWNLOAD;
            if (sum & GSH_SUM_DECODE)
                b->flags |= GSH_W_DECODE;
            free(copy);
        }
    }
    wb_add(b, p, (size_t)(stop - p));
    return stop;
}

static int hexval(char ch) {
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* bash's $'...': C escapes, often used to spell a program name in hex. */
static const char *ansi_c(wbuild *b, const char *p, const char *end) {
    wb_quote(b);
    p += 2;
    while (p < end && *p != '\'') {
        char ch = *p++;
        if (ch != '\\' || p >= end) {
            wb_add(b, &ch, 1);
            continue;
        }
        char e = *p++;
        char out = e;
        if (e == 'n')
            out = '\n';
        else if (e == 't')
            out = '\t';
        else if (e == 'r')
            out = '\r';
        else if (e == 'x' && p < end && hexval(*p) >= 0) {
            int v = hexval(*p++);
            if (p < end && hexval(*p) >= 0)
                v = v * 16 + hexval(*p++);
            out = (char)v;
        } else if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && p < end && *p >= '0' && *p <= '7'; k++)
                v = v * 8 + (*p++ - '0');
            out = (char)v;
        }
        wb_add(b, &out, 1);
    }
    return p < end ? p + 1 : end;
}

/* A '$' at p: expansion of a known variable, or the text as written. */
static const char *dollar(wbuild *b, const char *p, const char *end, int in_dq) {
    gsh_ctx *c = b->c;
    if (p + 1 >= end) {
        wb_add(b, p, 1);
        return p + 1;
    }
    char nx = p[1];
    if (nx == '(' && p + 2 < end && p[2] == '(') { /* arithmetic */
        const char *q = skip_balanced(p + 1, end, '(', ')');
        wb_add(b, p, (size_t)(q - p));
        return q;
    }
    if (nx == '(')
        return substitution(b, p, p + 1, end, 0);
    if (nx == '\'' && !in_dq)
        return ansi_c(b, p, end);
    if (nx == '"' && !in_dq) /* $"..." is a double-quoted string */
        return p + 1;
    const char *name = NULL;
    size_t nlen = 0;
    const char *q = p + 1;
    if (nx == '{') {
        const char *close = memchr(p + 2, '}', (size_t)(end - p - 2));
        q = close ? close + 1 : end;
        name = p + 2;
        nlen = close ? (size_t)(close - name) : 0;
        for (size_t i = 0; i < nlen; i++)
            if (!is_name_char(name[i]))
                nlen = 0; /* ${X:-y} and the like: not resolved */
    } else if (is_name_start(nx)) {
        name = p + 1;
        while (q < end && is_name_char(*q))
            q++;
        nlen = (size_t)(q - name);
    } else if (nx >= '0' && nx <= '9') {
        q = p + 2;
    } else if (strchr("@*#?$!-", nx)) {
        q = p + 2;
    } else {
        wb_add(b, p, 1);
        return p + 1;
    }
    size_t vlen = 0;
    const char *val = nlen ? gsh_var_value(c, name, nlen, &vlen) : NULL;
    /* Unset by the script, IFS is a blank and $@ / $* are empty in a
     * `sh -c` without arguments: curl${IFS}x and cu$@rl are evasions. */
    if (!val && nlen == 3 && memcmp(name, "IFS", 3) == 0) {
        val = " ";
        vlen = 1;
    } else if (!val && nx != '{' && (nx == '@' || nx == '*')) {
        val = "";
    }
    if (val) {
        wb_add(b, val, vlen);
        if (!in_dq)
            b->flags |= GSH_W_SPLIT;
    } else {
        wb_add(b, p, (size_t)(q - p));
        b->flags |= GSH_W_UNRESOLVED;
    }
    return q;
}

/* Reads one word at p into the current command (several when an unquoted
 * expansion splits); *index gets the first word's index (-1 none). */
static const char *read_word(gsh_ctx *c, const char *p, const char *end, int depth, gsh_cmd *cmd,
                             int split_ok, long *index) {
    wbuild b = {.c = c, .depth = depth, .n = 0, .flags = 0, .first_quote = -1};
    unsigned stage_lo = c->nstages;
    int in_dq = 0;
    *index = -1;
    while (p < end) {
        char ch = *p;
        if (!in_dq) {
            if ((ch == '<' || ch == '>') && p + 1 < end && p[1] == '(' && b.n == 0 &&
                b.first_quote < 0) {
                p = substitution(&b, p, p + 1, end, GSH_W_PROCSUB);
                continue;
            }
            if (is_meta(ch))
                break;
            if (ch == '\'') {
                wb_quote(&b);
                const char *q = memchr(p + 1, '\'', (size_t)(end - p - 1));
                const char *stop = q ? q : end;
                wb_add(&b, p + 1, (size_t)(stop - p - 1));
                p = q ? q + 1 : end;
                continue;
            }
            if (ch == '"') {
                wb_quote(&b);
                in_dq = 1;
                p++;
                continue;
            }
            if (ch == '\\') {
                if (p + 1 < end && p[1] != '\n') {
                    wb_quote(&b);
                    wb_add(&b, p + 1, 1);
                }
                p += 2;
                continue;
            }
        } else {
            if (ch == '"') {
                in_dq = 0;
                p++;
                continue;
            }
            if (ch == '\\' && p + 1 < end && strchr("$`\"\\\n", p[1])) {
                if (p[1] != '\n')
                    wb_add(&b, p + 1, 1);
                p += 2;
                continue;
            }
        }
        if (ch == '$') {
            p = dollar(&b, p, end, in_dq);
            continue;
        }
        if (ch == '`') {
            p = backtick(&b, p, end);
            continue;
        }
        wb_add(&b, p, 1);
        p++;
    }
    if (p > end)
        p = end;
    const char *text = c->wbuf[depth];
    if (b.n == 0 && b.first_quote < 0 && !(b.flags & (GSH_W_DOWNLOAD | GSH_W_PROCSUB)))
        return p; /* nothing: an expansion to nothing is not a word */
    if (!text)
        text = "";
    /* NAME=value before any quoting is an assignment. */
    const char *eq = b.n ? memchr(text, '=', b.n) : NULL;
    if (eq && eq > text && is_name_start(text[0]) &&
        (b.first_quote < 0 || b.first_quote > eq - text)) {
        int ok = 1;
        for (const char *s = text; s < eq; s++)
            ok &= is_name_char(*s);
        if (ok)
            b.flags |= GSH_W_ASSIGN;
    }
    /* Brace expansion of a whole unquoted word: {curl,-s,http://x} */
    int braces = split_ok && b.first_quote < 0 && b.n > 2 && text[0] == '{' &&
                 text[b.n - 1] == '}' && memchr(text, ',', b.n) && !memchr(text + 1, '{', b.n - 1);
    if (braces) {
        for (size_t s = 1; s < b.n - 1;) {
            size_t e = s;
            while (e < b.n - 1 && text[e] != ',')
                e++;
            long w = gsh_push_word(c, text + s, e - s, b.flags);
            if (w < 0)
                break;
            text = c->wbuf[depth];
            c->words[w].stage_lo = stage_lo;
            c->words[w].stage_hi = c->nstages;
            if (*index < 0)
                *index = w;
            if (cmd && cmd->n < GSH_MAX_CMD_WORDS)
                cmd->w[cmd->n++] = (unsigned)w;
            s = e + 1;
        }
        return p;
    }
    size_t start = 0, stop = b.n;
    int split = split_ok && (b.flags & GSH_W_SPLIT) && !(b.flags & GSH_W_ASSIGN);
    while (start <= stop) {
        size_t s = start, e = stop;
        if (split) {
            while (s < stop && is_blank(text[s]))
                s++;
            e = s;
            while (e < stop && !is_blank(text[e]))
                e++;
            if (e == s)
                break;
        }
        long w = gsh_push_word(c, text + s, e - s, b.flags);
        if (w < 0)
            break;
        c->words[w].stage_lo = stage_lo;
        c->words[w].stage_hi = c->nstages;
        /* pushing can move the arena, not the word buffer */
        text = c->wbuf[depth] ? c->wbuf[depth] : "";
        if (*index < 0)
            *index = w;
        if (cmd && cmd->n < GSH_MAX_CMD_WORDS)
            cmd->w[cmd->n++] = (unsigned)w;
        else if (cmd)
            gsh_fail(c, "too many words in one command for the shell analysis");
        if (!split)
            break;
        start = e;
    }
    return p;
}

/* ---- here-documents ---- */

typedef struct heredoc {
    long stage; /* -2: the command being read */
    size_t delim_off, delim_len;
    int strip_tabs;
} heredoc;

/* Reads the bodies of pending here-documents after a newline at p; a body
 * given to a shell that reads its script from standard input is read as
 * a script. */
static const char *heredoc_bodies(gsh_ctx *c, const char *p, const char *end, heredoc *hd,
                                  unsigned *nhd, int depth) {
    for (unsigned i = 0; i < *nhd; i++) {
        const char *delim = c->text + hd[i].delim_off;
        size_t dlen = hd[i].delim_len;
        const char *body = p;
        const char *body_end = end;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *line_end = nl ? nl : end;
            const char *s = p;
            if (hd[i].strip_tabs)
                while (s < line_end && *s == '\t')
                    s++;
            if ((size_t)(line_end - s) == dlen && memcmp(s, delim, dlen) == 0) {
                body_end = p;
                p = nl ? nl + 1 : end;
                break;
            }
            p = nl ? nl + 1 : end;
        }
        gsh_cron_scan(c, body, (size_t)(body_end - body), depth);
        long st = hd[i].stage;
        if (st >= 0 && (unsigned)st < c->nstages && (c->stages[st].flags & GSH_S_STDIN))
            (void)gsh_nested(c, body, (size_t)(body_end - body), depth + 1);
    }
    *nhd = 0;
    return p;
}

/* ---- commands ---- */

static void reset(gsh_cmd *cmd) {
    cmd->n = cmd->nout = cmd->nin = 0;
    cmd->group = 0;
    cmd->group_sum = 0;
    cmd->heredoc_pending = 0;
}

static void finish(gsh_ctx *c, gsh_cmd *cmd, unsigned pipe, int depth, unsigned *sum, heredoc *hd,
                   unsigned nhd) {
    int pending = cmd->heredoc_pending;
    long st = gsh_finish(c, cmd, pipe, depth, sum);
    if (pending)
        for (unsigned i = 0; i < nhd; i++)
            if (hd[i].stage == -2)
                hd[i].stage = st;
    reset(cmd);
}

/* A redirection at p (after any fd digits): records its target. */
static const char *redirection(gsh_ctx *c, const char *p, const char *end, int depth, gsh_cmd *cmd,
                               heredoc *hd, unsigned *nhd) {
    int out = 0, in = 0, here = 0, strip = 0, dup = 0;
    if (*p == '&') { /* &> and &>> */
        p += 2;
        if (p < end && *p == '>')
            p++;
        out = 1;
    } else if (*p == '>') {
        p++;
        if (p < end && (*p == '>' || *p == '|'))
            p++;
        else if (p < end && *p == '&')
            p++, dup = 1;
        out = 1;
    } else { /* '<' */
        p++;
        if (p + 1 < end && p[0] == '<' && p[1] == '<') {
            p += 2;
            in = 1; /* here-string: the word is the input */
        } else if (p < end && *p == '<') {
            p++;
            here = 1;
            if (p < end && *p == '-')
                p++, strip = 1;
        } else if (p < end && *p == '>') {
            p++;
            out = 1;
        } else if (p < end && *p == '&') {
            p++;
            dup = 1;
        } else {
            in = 1;
        }
    }
    while (p < end && is_blank(*p))
        p++;
    long w = -1;
    p = read_word(c, p, end, depth, NULL, 0, &w);
    if (w < 0)
        return p;
    const char *t = gsh_text(c, (unsigned)w);
    if (dup && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9')))
        return p;
    if (here) {
        if (*nhd < GSH_MAX_HEREDOCS) {
            hd[*nhd].stage = -2;
            hd[*nhd].delim_off = c->words[w].off;
            hd[*nhd].delim_len = c->words[w].len;
            hd[*nhd].strip_tabs = strip;
            (*nhd)++;
            cmd->heredoc_pending = 1;
        } else {
            gsh_fail(c, "too many here-documents for the shell analysis");
        }
    } else if (out && cmd->nout < GSH_MAX_REDIRS) {
        cmd->out[cmd->nout++] = (unsigned)w;
    } else if (in && cmd->nin < GSH_MAX_REDIRS) {
        cmd->in[cmd->nin++] = (unsigned)w;
    }
    return p;
}

/* Whether a reserved word `word` (one character) stands alone at p. */
static int lone(const char *p, const char *end, char word) {
    return *p == word && (p + 1 >= end || is_meta(p[1]));
}

const char *gsh_parse_list(gsh_ctx *c, const char *p, const char *end, int depth, int term,
                           unsigned *sum) {
    gsh_cmd cmd;
    reset(&cmd);
    heredoc hd[GSH_MAX_HEREDOCS];
    unsigned nhd = 0;
    unsigned pipe = ++c->pipe_seq;
    while (p < end && !c->nomem) {
        /* Work is counted as it is done: a substitution's bytes count at
         * each level that reads them, which bounds nested re-reading. */
        if (c->work > GSH_MAX_WORK) {
            gsh_fail(c, "shell analysis work limit reached");
            p = term ? skip_balanced(p, end, term == ')' ? '(' : '{', (char)term) : end;
            break;
        }
        const char *before = p;
        char ch = *p;
        if (is_blank(ch)) {
            p++;
        } else if (ch == '\\' && p + 1 < end && p[1] == '\n') {
            p += 2;
        } else if (ch == '#') {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl : end;
        } else if (ch == '\n' || ch == ';') {
            finish(c, &cmd, pipe, depth, sum, hd, nhd);
            pipe = ++c->pipe_seq;
            p++;
            if (ch == '\n' && nhd)
                p = heredoc_bodies(c, p, end, hd, &nhd, depth);
        } else if (ch == '&' && p + 1 < end && p[1] == '>') {
            p = redirection(c, p, end, depth, &cmd, hd, &nhd);
        } else if (ch == '&' || (ch == '|' && p + 1 < end && p[1] == '|')) {
            finish(c, &cmd, pipe, depth, sum, hd, nhd);
            pipe = ++c->pipe_seq;
            p += (p + 1 < end && p[1] == ch) ? 2 : 1;
        } else if (ch == '|') {
            finish(c, &cmd, pipe, depth, sum, hd, nhd);
            p += (p + 1 < end && p[1] == '&') ? 2 : 1;
        } else if (ch == ')') {
            p++;
            if (term == ')')
                break;
        } else if (term == '}' && cmd.n == 0 && !cmd.group && lone(p, end, '}')) {
            p++;
            break;
        } else if (cmd.n == 0 && !cmd.group && (ch == '(' || lone(p, end, '{'))) {
            unsigned gsum = 0;
            if (depth + 1 > GSH_MAX_DEPTH) {
                gsh_fail(c, "groups nested too deep for the shell analysis");
                p = skip_balanced(p, end, ch, ch == '(' ? ')' : '}');
            } else {
                p = gsh_parse_list(c, p + 1, end, depth + 1, ch == '(' ? ')' : '}', &gsum);
            }
            cmd.group = 1;
            cmd.group_sum = gsum;
        } else if (ch == '(') {
            p++; /* not valid here; skipped */
        } else if ((ch == '<' || ch == '>') && !(p + 1 < end && p[1] == '(')) {
            p = redirection(c, p, end, depth, &cmd, hd, &nhd);
        } else {
            const char *d = p;
            while (d < end && *d >= '0' && *d <= '9')
                d++;
            if (d > p && d < end && (*d == '<' || *d == '>') && !(d + 1 < end && d[1] == '(')) {
                p = redirection(c, d, end, depth, &cmd, hd, &nhd);
            } else {
                long w;
                p = read_word(c, p, end, depth, &cmd, 1, &w);
            }
        }
        c->work += (size_t)(p - before);
    }
    finish(c, &cmd, pipe, depth, sum, hd, nhd);
    if (nhd)
        p = heredoc_bodies(c, p, end, hd, &nhd, depth);
    if (c->work > GSH_MAX_WORK)
        gsh_fail(c, "shell analysis work limit reached");
    return p;
}
