/* SPDX-License-Identifier: Apache-2.0 */
/* The shell view of a command (shell_lex.c reads POSIX shell text into
 * commands, shell.c classifies them and writes process.stages.* and
 * process.shell.*; docs/schema.md). Private to the normalizer; prefix gsh_.
 *
 * Every limit below ends the analysis with process.shell.error set, never
 * with unbounded work: the fields found up to that point are kept. */
#ifndef GANTRY_SHELL_H
#define GANTRY_SHELL_H

#include <stddef.h>

#include "normalize.h"

enum {
    GSH_MAX_INPUT = 64 * 1024, /* bytes of one command text analysed */
    GSH_MAX_WORDS = 1024,      /* words kept over all stages of one command */
    GSH_MAX_CMD_WORDS = 128,   /* words of one simple command */
    GSH_MAX_STAGES = 128,      /* simple commands (stages) of one command */
    GSH_MAX_DEPTH = 8,         /* nesting of $(...), `...`, <(...), sh -c, eval, cron */
    GSH_MAX_VARS = 32,         /* shell variables remembered */
    GSH_MAX_TEXT = 256 * 1024, /* bytes of word text after expansion */
    GSH_MAX_WORK = 384 * 1024, /* bytes scanned, all nesting levels together (6 x input) */
    GSH_MAX_REDIRS = 8,        /* redirections of one simple command */
    GSH_MAX_HEREDOCS = 4,      /* here-documents pending on one line */
    GSH_MAX_K8S_ENV = 64,      /* env entries used to expand $(VAR) */
};

/* Word flags. */
enum {
    GSH_W_DOWNLOAD = 1u << 0,   /* holds a substitution whose commands download */
    GSH_W_DECODE = 1u << 1,     /* holds a substitution whose commands decode base64 */
    GSH_W_PROCSUB = 1u << 2,    /* a process substitution <(...) or >(...) */
    GSH_W_UNRESOLVED = 1u << 3, /* holds a parameter expansion that is not known */
    GSH_W_SPLIT = 1u << 4,      /* an unquoted expansion: split on blanks */
    GSH_W_ASSIGN = 1u << 5,     /* NAME=value */
};

/* Summary flags of a list of commands (what a substitution holds). */
enum {
    GSH_SUM_DOWNLOAD = 1u << 0,
    GSH_SUM_DECODE = 1u << 1,
};

/* Result flags of the whole analysis (process.shell.*). */
enum {
    GSH_F_DOWNLOAD_SHELL = 1u << 0,
    GSH_F_DOWNLOAD_EXEC = 1u << 1,
    GSH_F_DECODE_SHELL = 1u << 2,
    GSH_F_CRON_DOWNLOAD = 1u << 3,
};

/* Stage flags. */
enum {
    GSH_S_DOWNLOADER = 1u << 0, /* fetches from the network to its output */
    GSH_S_DECODER = 1u << 1,    /* base64 and the like, decoding */
    GSH_S_STDIN = 1u << 2,      /* a shell or interpreter running its standard input */
    GSH_S_HIDDEN = 1u << 3,     /* a ( ) or { } group: no program of its own */
    GSH_S_CRON = 1u << 4,       /* the command of a crontab line: runs later, apart */
};

typedef struct gsh_word {
    size_t off, len; /* into gsh_ctx.text */
    unsigned flags;
    unsigned stage_lo, stage_hi; /* stages recorded while reading it */
} gsh_word;

/* One simple command as the lexer hands it over. */
typedef struct gsh_cmd {
    unsigned w[GSH_MAX_CMD_WORDS];
    unsigned n;
    unsigned out[GSH_MAX_REDIRS]; /* targets of >, >>, >|, &>, <> */
    unsigned nout;
    unsigned in[GSH_MAX_REDIRS]; /* sources of < and here-strings */
    unsigned nin;
    int group;           /* ( ... ) or { ...; } */
    unsigned group_sum;  /* GSH_SUM_* of the group's commands */
    int heredoc_pending; /* a << whose body is still to come */
} gsh_cmd;

typedef struct gsh_stage {
    unsigned first, n; /* into gsh_ctx.stage_words; first is the program */
    unsigned flags;    /* GSH_S_* (shell.c) */
    unsigned pipe;     /* stages joined by | share it */
    long out_file;     /* word a downloader writes, -1 none */
    long script;       /* script operand of a shell or interpreter, -1 none */
    unsigned out_first, nout;
} gsh_stage;

typedef struct gsh_var {
    size_t name_off, name_len, val_off, val_len;
} gsh_var;

typedef struct gsh_ctx {
    char *text; /* word text arena */
    size_t len, cap;
    gsh_word words[GSH_MAX_WORDS];
    unsigned nwords;
    unsigned stage_words[2 * GSH_MAX_WORDS];
    unsigned nstage_words;
    gsh_stage stages[GSH_MAX_STAGES];
    unsigned nstages;
    gsh_var vars[GSH_MAX_VARS];
    unsigned nvars;
    unsigned pipe_seq;
    size_t work;
    unsigned flags; /* GSH_F_* */
    const char *error;
    int lossy; /* the top level is an argv joined with blanks */
    int nomem;
    char *wbuf[GSH_MAX_DEPTH + 2]; /* word under construction, per depth */
    size_t wcap[GSH_MAX_DEPTH + 2];
} gsh_ctx;

/* ---- shell_lex.c ---- */
/* Reads commands from [p, end) at nesting `depth` until `term` (0: end of
 * text, ')' or '}'), handing each to gsh_finish; returns where it stopped
 * and ORs the GSH_SUM_* of what it read into *sum. */
const char *gsh_parse_list(gsh_ctx *c, const char *p, const char *end, int depth, int term,
                           unsigned *sum);
/* Appends a word; its index, or -1 at a limit (c->error set). */
long gsh_push_word(gsh_ctx *c, const char *s, size_t n, unsigned flags);
void gsh_fail(gsh_ctx *c, const char *error);
/* Value of a remembered variable; NULL when unknown. */
const char *gsh_var_value(const gsh_ctx *c, const char *name, size_t n, size_t *len);

/* ---- shell.c ---- */
/* Classifies one simple command and records its stage; returns the stage
 * index or -1. Resets *cmd. */
long gsh_finish(gsh_ctx *c, gsh_cmd *cmd, unsigned pipe, int depth, unsigned *sum);
/* Reads the crontab lines of a text (a word, a here-document body). */
void gsh_cron_scan(gsh_ctx *c, const char *text, size_t len, int depth);
/* Runs a nested script (sh -c, eval, a cron entry, a here-document). */
unsigned gsh_nested(gsh_ctx *c, const char *text, size_t len, int depth);

static inline const char *gsh_text(const gsh_ctx *c, unsigned w) {
    return c->text + c->words[w].off;
}

static inline const char *gsh_wtext(const gsh_ctx *c, const unsigned *w, unsigned i) {
    return gsh_text(c, w[i]);
}

/* Sets GSH_F_DOWNLOAD_EXEC (`flag`) when a file a downloader wrote in
 * stages [lo, hi) is run by a later one. */
void gsh_download_exec_pass(gsh_ctx *c, unsigned lo, unsigned hi, unsigned flag);

/* ---- shell_programs.c ---- */
extern const char *const gsh_downloaders[];
extern const char *const gsh_shells[];
extern const char *const gsh_interpreters[];
extern const char *const gsh_declarers[];
int gsh_in_list(const char *const *list, const char *s);
/* Last path component (the whole text when it ends in /). */
const char *gsh_base(const char *path);
/* Index of the program word after the wrappers in w[0..n); n when the
 * command runs nothing (command -v). */
unsigned gsh_unwrap(const gsh_ctx *c, const unsigned *w, unsigned n);
int gsh_looks_like_url(const char *t);
/* The file a curl or wget stage writes: a word index, -1 for standard
 * output; a file named after the URL is copied to named. */
long gsh_download_target(const gsh_ctx *c, const char *prog, const unsigned *a, unsigned n,
                         char *named, size_t cap);
int gsh_is_decoder(const gsh_ctx *c, const char *prog, const unsigned *a, unsigned n);

#endif
