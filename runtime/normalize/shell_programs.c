/* SPDX-License-Identifier: Apache-2.0 */
/* The programs the shell view knows (shell.c): downloaders, shells and
 * interpreters, the wrappers that only run another program, and how curl
 * and wget name the file they write. One table per kind. */
#include <string.h>

#include "shell.h"

const char *const gsh_downloaders[] = {"curl",        "wget", "wget2", "fetch",
                                       "aria2c",      "axel", "tftp",  "lwp-download",
                                       "lwp-request", "ftp",  NULL};
const char *const gsh_shells[] = {"sh",  "bash", "ash",  "dash",  "zsh",
                                  "ksh", "mksh", "yash", "rbash", NULL};
const char *const gsh_interpreters[] = {"python", "python2", "python3", "perl",
                                        "ruby",   "php",     "node",    NULL};
static const char *const reserved[] = {"!",  "if",    "then", "else", "elif", "while",
                                       "do", "until", "time", "fi",   "done", NULL};
const char *const gsh_declarers[] = {"export", "readonly", "local", "declare", "typeset", NULL};

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

int gsh_in_list(const char *const *list, const char *s) {
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

const char *gsh_base(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* Index of the program word after the wrappers in w[0..n). */
unsigned gsh_unwrap(const gsh_ctx *c, const unsigned *w, unsigned n) {
    unsigned i = 0;
    for (int rounds = 0; i < n && rounds < 16; rounds++) {
        const char *t = gsh_wtext(c, w, i);
        if (gsh_in_list(reserved, t)) {
            i++;
            continue;
        }
        const char *b = gsh_base(t);
        const wrapper *wr = NULL;
        for (size_t k = 0; k < sizeof wrappers / sizeof wrappers[0]; k++)
            if (strcmp(wrappers[k].name, b) == 0)
                wr = &wrappers[k];
        if (!wr || i + 1 >= n)
            return i;
        unsigned j = i + 1;
        if (strcmp(wr->name, "busybox") == 0) {
            if (gsh_wtext(c, w, j)[0] == '-')
                return i;
            i = j;
            continue;
        }
        while (j < n) {
            const char *o = gsh_wtext(c, w, j);
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
                j += (!strchr(o, '=') && gsh_in_list(wr->longs, o)) ? 2 : 1;
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

int gsh_looks_like_url(const char *t) {
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
long gsh_download_target(const gsh_ctx *c, const char *prog, const unsigned *a, unsigned n,
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
        const char *t = gsh_wtext(c, a, j);
        if (t[0] == '-' && t[1] == '-') {
            if ((curl && strcmp(t, "--output") == 0) ||
                (wget && strcmp(t, "--output-document") == 0)) {
                out_given = 1;
                return j + 1 < n ? (strcmp(gsh_wtext(c, a, j + 1), "-") ? (long)a[j + 1] : -1) : -1;
            }
            if (wget && strncmp(t, "--output-document=", 18) == 0)
                return -1; /* a name inside the word: not a separate word */
            if (curl && strcmp(t, "--remote-name") == 0)
                remote = 1;
            if (gsh_in_list(curl ? curl_value_longs : wget_value_longs, t))
                j++;
            continue;
        }
        if (t[0] == '-' && t[1]) {
            for (const char *s = t + 1; *s; s++) {
                if (*s == out_letter[0]) {
                    out_given = 1;
                    if (s[1])
                        return -1; /* -O- or -ofile: attached; "-" is stdout */
                    return j + 1 < n && strcmp(gsh_wtext(c, a, j + 1), "-") ? (long)a[j + 1] : -1;
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
        if (strcmp(gsh_wtext(c, a, j), word) == 0)
            return 1;
    return 0;
}

/* An option cluster among a[0..n) holding `letter` (-d, -di, -D ...). */
static int has_short(const gsh_ctx *c, const unsigned *a, unsigned n, char letter) {
    for (unsigned j = 0; j < n; j++) {
        const char *t = gsh_wtext(c, a, j);
        if (t[0] == '-' && t[1] != '-' && strchr(t + 1, letter))
            return 1;
    }
    return 0;
}

int gsh_is_decoder(const gsh_ctx *c, const char *prog, const unsigned *a, unsigned n) {
    if (strcmp(prog, "base64") == 0 || strcmp(prog, "base32") == 0 || strcmp(prog, "basenc") == 0)
        return has_short(c, a, n, 'd') || has_short(c, a, n, 'D') || has_word(c, a, n, "--decode");
    if (strcmp(prog, "openssl") == 0)
        return has_word(c, a, n, "-d") && (has_word(c, a, n, "base64") ||
                                           has_word(c, a, n, "-base64") || has_word(c, a, n, "-a"));
    if (strcmp(prog, "xxd") == 0)
        return has_short(c, a, n, 'r');
    return 0;
}
