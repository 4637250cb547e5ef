/* SPDX-License-Identifier: Apache-2.0 */
/* The shell view's output (process.stages.*, process.shell.*) and its two
 * entry points: a command line read as shell text, and an argv, with the
 * kubelet's $(VAR) expansion for Kubernetes containers. */
#include <stdlib.h>
#include <string.h>

#include "shell.h"

/* ---- output ---- */

static void emit_options(gnorm_out *o, const gsh_ctx *c, const unsigned *a, unsigned n) {
    for (unsigned j = 0; j < n; j++) {
        const char *t = gsh_wtext(c, a, j);
        if (t[0] != '-' || !t[1] || strcmp(t, "--") == 0)
            continue;
        const char *next = j + 1 < n ? gsh_wtext(c, a, j + 1) : NULL;
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
    const char *prog = gsh_base(gsh_text(c, sw[0]));
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
            gnorm_push_str(o, "process.stages.program", subst ? prog : gsh_base(prog));
            emit_command(o, c, sw, st->n, subst ? prog : gsh_base(prog));
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
    gsh_download_exec_pass(c, 0, c->nstages, GSH_F_DOWNLOAD_EXEC);
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
    if (cap > GSH_MAX_INPUT) /* the output is cut there anyway */
        cap = GSH_MAX_INPUT;
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
