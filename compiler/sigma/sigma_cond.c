/* SPDX-License-Identifier: Apache-2.0 */
/* Sigma condition strings -> gast_cond, with pySigma's grammar:
 *   or  := and ("or" and)*        and := not ("and" not)*
 *   not := "not" not | "(" or ")" | ("1"|"any"|"all") "of" PATTERN | IDENT
 * Operators are lower case only; identifiers are [A-Za-z0-9_-]+ and patterns
 * [A-Za-z0-9_*]+ or `them`. A `|` starts the legacy aggregation syntax that
 * Sigma 2 replaced by correlation rules. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "gantry_limits.h"
#include "sigma_internal.h"

typedef struct cond_parser {
    const char *text;
    size_t pos;
    gast_loc base;
    int col_shift; /* 1 for a quoted scalar (the opening quote) */
    gdiag_sink *diag;
    bool failed;
    bool oom;
    unsigned depth;
} cond_parser;

typedef enum tok_kind { TOK_END, TOK_LPAREN, TOK_RPAREN, TOK_WORD, TOK_PIPE, TOK_BAD } tok_kind;

typedef struct token {
    tok_kind kind;
    size_t start, len;
} token;

static bool word_char(char c) {
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '*';
}

static token peek(cond_parser *p) {
    size_t i = p->pos;
    while (p->text[i] && isspace((unsigned char)p->text[i]))
        i++;
    token t = {TOK_END, i, 0};
    char c = p->text[i];
    if (!c)
        return t;
    if (c == '(' || c == ')' || c == '|') {
        t.kind = c == '(' ? TOK_LPAREN : c == ')' ? TOK_RPAREN : TOK_PIPE;
        t.len = 1;
        return t;
    }
    if (word_char(c)) {
        t.kind = TOK_WORD;
        while (word_char(p->text[i + t.len]))
            t.len++;
        return t;
    }
    t.kind = TOK_BAD;
    t.len = 1;
    return t;
}

static void advance(cond_parser *p, token t) {
    p->pos = t.start + t.len;
}

static bool word_is(const cond_parser *p, token t, const char *w) {
    return t.kind == TOK_WORD && strlen(w) == t.len && memcmp(p->text + t.start, w, t.len) == 0;
}

static gast_loc loc_at(const cond_parser *p, token t) {
    gast_loc loc = p->base;
    loc.col = p->base.col + p->col_shift + (int)t.start;
    loc.len = t.len ? (int)t.len : 1;
    return loc;
}

static void error_at(cond_parser *p, token t, const char *msg) {
    if (p->failed)
        return;
    p->failed = true;
    if (t.kind == TOK_PIPE) {
        gdiag_report(p->diag, GDIAG_ERROR, "E110", loc_at(p, t),
                     "legacy pipe aggregation in a Sigma condition (`| count() ...`, `| near "
                     "...`) is not supported: Sigma 2 replaced it by correlation rules");
        return;
    }
    if (t.kind == TOK_END)
        gdiag_report(p->diag, GDIAG_ERROR, "E109", loc_at(p, t),
                     "Sigma condition: %s, found the end of the condition", msg);
    else
        gdiag_report(p->diag, GDIAG_ERROR, "E109", loc_at(p, t),
                     "Sigma condition: %s, found '%.*s'", msg, (int)t.len, p->text + t.start);
}

static gast_cond *node(cond_parser *p, gast_cond_kind kind, token t) {
    gast_cond *c = gast_cond_new(kind, loc_at(p, t));
    if (!c)
        p->oom = p->failed = true;
    return c;
}

static char *token_text(cond_parser *p, token t) {
    char *s = malloc(t.len + 1);
    if (!s) {
        p->oom = p->failed = true;
        return NULL;
    }
    memcpy(s, p->text + t.start, t.len);
    s[t.len] = 0;
    return s;
}

static bool is_operator(const cond_parser *p, token t) {
    return word_is(p, t, "and") || word_is(p, t, "or") || word_is(p, t, "not") ||
           word_is(p, t, "of");
}

static gast_cond *parse_or(cond_parser *p);

static gast_cond *parse_selector(cond_parser *p, token quant) {
    advance(p, quant);
    token of = peek(p);
    advance(p, of);
    token pat = peek(p);
    if (pat.kind != TOK_WORD || is_operator(p, pat)) {
        error_at(p, pat, "expected a pattern or `them` after `of`");
        return NULL;
    }
    for (size_t i = 0; i < pat.len; i++)
        if (p->text[pat.start + i] == '-') {
            error_at(p, pat, "a pattern after `of` may hold letters, digits, `_` and `*` only");
            return NULL;
        }
    advance(p, pat);
    gast_cond *c = node(p, word_is(p, quant, "all") ? GAST_COND_ALL_OF : GAST_COND_ONE_OF, quant);
    if (c && !(c->name = token_text(p, pat))) {
        gast_cond_free(c);
        return NULL;
    }
    if (c)
        c->loc.len = (int)(pat.start + pat.len - quant.start);
    return c;
}

static gast_cond *parse_not(cond_parser *p) {
    token t = peek(p);
    if (++p->depth > GANTRY_MAX_NESTING) {
        error_at(p, t, "condition nested too deeply");
        return NULL;
    }
    gast_cond *result = NULL;
    if (word_is(p, t, "not")) {
        advance(p, t);
        gast_cond *operand = parse_not(p);
        if (operand) {
            result = node(p, GAST_COND_NOT, t);
            if (result)
                result->left = operand;
            else
                gast_cond_free(operand);
        }
    } else if (t.kind == TOK_LPAREN) {
        advance(p, t);
        result = parse_or(p);
        token close = peek(p);
        if (result && close.kind != TOK_RPAREN) {
            error_at(p, close, "expected `)`");
            gast_cond_free(result);
            result = NULL;
        } else if (result) {
            advance(p, close);
        }
    } else if (t.kind == TOK_WORD && !is_operator(p, t)) {
        size_t save = p->pos;
        advance(p, t);
        token next = peek(p);
        p->pos = save;
        if ((word_is(p, t, "1") || word_is(p, t, "any") || word_is(p, t, "all")) &&
            word_is(p, next, "of")) {
            result = parse_selector(p, t);
        } else if (memchr(p->text + t.start, '*', t.len)) {
            error_at(p, t, "a pattern with `*` needs `1 of` or `all of`");
        } else if (word_is(p, t, "them")) {
            error_at(p, t, "`them` needs `1 of` or `all of`");
        } else {
            advance(p, t);
            result = node(p, GAST_COND_REF, t);
            if (result && !(result->name = token_text(p, t))) {
                gast_cond_free(result);
                result = NULL;
            }
        }
    } else if (t.kind == TOK_WORD && (word_is(p, t, "and") || word_is(p, t, "or"))) {
        error_at(p, t, "expected a search identifier, `not`, `(` or `1 of`/`all of`");
    } else {
        error_at(p, t, "expected a search identifier, `not`, `(` or `1 of`/`all of`");
    }
    p->depth--;
    return result;
}

static gast_cond *parse_binary(cond_parser *p, const char *op, gast_cond_kind kind,
                               gast_cond *(*operand)(cond_parser *)) {
    gast_cond *left = operand(p);
    while (left) {
        token t = peek(p);
        if (!word_is(p, t, op))
            break;
        advance(p, t);
        gast_cond *right = operand(p);
        if (!right) {
            gast_cond_free(left);
            return NULL;
        }
        gast_cond *bin = node(p, kind, t);
        if (!bin) {
            gast_cond_free(left);
            gast_cond_free(right);
            return NULL;
        }
        bin->left = left;
        bin->right = right;
        left = bin;
    }
    return left;
}

static gast_cond *parse_and(cond_parser *p) {
    return parse_binary(p, "and", GAST_COND_AND, parse_not);
}

static gast_cond *parse_or(cond_parser *p) {
    return parse_binary(p, "or", GAST_COND_OR, parse_and);
}

gast_cond *gsigma_cond_parse(const char *text, gast_loc loc, bool quoted, gdiag_sink *diag) {
    cond_parser p = {.text = text, .base = loc, .col_shift = quoted ? 1 : 0, .diag = diag};
    if (strchr(text, '\n'))
        p.col_shift = 0; /* folded text: columns past the first line are approximate */
    gast_cond *c = parse_or(&p);
    token end = peek(&p);
    if (c && end.kind != TOK_END) {
        if (end.kind == TOK_WORD &&
            (word_is(&p, end, "AND") || word_is(&p, end, "OR") || word_is(&p, end, "NOT")))
            error_at(&p, end, "operators are lower case (`and`, `or`, `not`)");
        else
            error_at(&p, end, "expected `and`, `or` or the end of the condition");
        gast_cond_free(c);
        c = NULL;
    }
    if (!c && !p.failed)
        error_at(&p, end, "empty condition");
    else if (!c && p.oom) /* an error the caller can count, or the rule vanishes */
        gdiag_report(diag, GDIAG_ERROR, "E109", loc, "Sigma condition: out of memory");
    return c;
}
