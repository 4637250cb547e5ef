/* SPDX-License-Identifier: Apache-2.0 */
/* The grammar of the native rule language (docs/language.md has the EBNF).
 * It only builds the syntax tree: names are resolved and values checked by
 * the compiler. Errors resynchronise at the next top-level item (`rule`,
 * `list`, `macro`, `include`), so one run reports every error of a file. */
%code requires {
#include "ast.h"
#include "parse_state.h"

typedef void *yyscan_t;

/* A condition under construction and its depth of `not` and parentheses. */
typedef struct gparse_expr {
    gast_cond *cond;
    unsigned depth;
} gparse_expr;

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                         \
    do {                                                                                    \
        if (N) {                                                                            \
            (Cur).first_line = YYRHSLOC(Rhs, 1).first_line;                                 \
            (Cur).first_column = YYRHSLOC(Rhs, 1).first_column;                             \
            (Cur).first_off = YYRHSLOC(Rhs, 1).first_off;                                   \
            (Cur).last_line = YYRHSLOC(Rhs, N).last_line;                                   \
            (Cur).last_column = YYRHSLOC(Rhs, N).last_column;                               \
            (Cur).last_off = YYRHSLOC(Rhs, N).last_off;                                     \
        } else {                                                                            \
            (Cur).first_line = (Cur).last_line = YYRHSLOC(Rhs, 0).last_line;                \
            (Cur).first_column = (Cur).last_column = YYRHSLOC(Rhs, 0).last_column;          \
            (Cur).first_off = (Cur).last_off = YYRHSLOC(Rhs, 0).last_off;                   \
        }                                                                                   \
    } while (0)
}

%code {
#include <stdlib.h>
#include <string.h>

#define YYSTYPE GYSTYPE
#define YYLTYPE GYLTYPE
#include "lexer.yy.h"
#include "gantry_limits.h"

static void gyerror(GYLTYPE *loc, gparse_state *st, yyscan_t scanner, const char *msg);
static gast_cond *new_cond(gast_cond_kind kind, gparse_state *st, GYLTYPE loc);
static gast_pred *finish_pred(gparse_state *st, gast_pred *pred, gast_list *values);
static gast_pred *pred_in_list(gast_pred *pred, char *list, bool negated);
static gast_map *keyword_map(gparse_state *st, gast_value *value, GYLTYPE loc);
static bool push_value(gast_list *holder, gast_value *value);
static bool push_pred(gast_map *map, gast_pred *pred);
static bool push_alt(gast_selection *sel, gast_map *map);
static gparse_expr nest(gparse_state *st, gparse_expr inner, GYLTYPE loc);
static gparse_expr join(gparse_state *st, gast_cond_kind kind, gparse_expr l, gparse_expr r,
                        GYLTYPE loc);

#define AST_LOC(l) gparse_ast_loc(st, (l))
#define OOM()                                                                                   \
    do {                                                                                        \
        st->oom = true;                                                                         \
        YYABORT;                                                                                \
    } while (0)
}

%define api.pure full
%define api.prefix {gy}
%define api.location.type {gparse_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%parse-param {gparse_state *st} {yyscan_t scanner}
%lex-param {yyscan_t scanner}

%union {
    char *str;
    int num;
    gast_value *value;
    gast_list *values; /* a value list under construction (its name is unused) */
    gast_pred *pred;
    gast_map *map;
    gast_selection *sel;
    gast_rule *rule;
    gparse_meta *meta;
    gparse_expr expr;
    gast_correlation *corr;
}

%token <str> IDENT "identifier"
%token <str> PATH "field path"
%token <str> PATTERN "name pattern"
%token <value> STRING "string"
%token <value> NUMBER "number"
%token KW_RULE "`rule`" KW_LIST "`list`" KW_MACRO "`macro`" KW_INCLUDE "`include`"
%token KW_SELECTION "`selection`" KW_CONDITION "`condition`"
%token KW_AND "`and`" KW_OR "`or`" KW_NOT "`not`" KW_IN "`in`" KW_OF "`of`"
%token KW_ALL "`all`" KW_ANY "`any`" KW_THEM "`them`"
%token KW_TRUE "`true`" KW_FALSE "`false`" KW_NULL "`null`"
%token LEXERR "invalid token"

%type <str> field mod_name pattern sel_name
%type <num> quantifier
%type <value> value
%type <values> list_body value_seq pred_values
%type <pred> pred_head pred neg_pred
%type <map> map_items sel_elem
%type <sel> sel_body sel_seq
%type <rule> rule_body
%type <meta> meta_value meta_scalar meta_seq meta_pairs
%type <expr> expr and_expr unary primary
%type <corr> corr_body
%type <meta> corr_cond corr_bound

%destructor { free($$); } <str>
%destructor { gast_value_free($$); } <value>
%destructor { gast_list_free($$); } <values>
%destructor { gast_pred_free($$); } <pred>
%destructor { gast_map_free($$); } <map>
%destructor { gast_selection_free($$); } <sel>
%destructor { gast_rule_free($$); } <rule>
%destructor { gparse_meta_free($$); } <meta>
%destructor { gast_cond_free($$.cond); } <expr>
%destructor { gast_correlation_free($$); } <corr>

%%

file
    : %empty
    | file item { st->nesting_reported = false; }
    | file error { st->nesting_reported = false; }
    ;

item
    : rule_block
    | corr_block
    | list_def
    | macro_def
    | include_stmt
    ;

/* ---- includes, lists, macros ---- */

include_stmt
    : KW_INCLUDE STRING {
        char *path = $2->text;
        $2->text = NULL;
        gast_value_free($2);
        if (!gparse_add_include(st, path, @2))
            OOM();
    }
    ;

list_def
    : KW_LIST IDENT ':' list_body {
        gast_list *list = $4;
        list->name = $2;
        list->loc = AST_LOC(@2);
        if (!gast_push(&st->unit->lists, &st->unit->list_count, &st->unit->list_cap, list)) {
            gast_list_free(list);
            OOM();
        }
    }
    ;

macro_def
    : KW_MACRO IDENT ':' expr {
        gast_macro *macro = gast_macro_new($2, $4.cond, AST_LOC(@2));
        if (!macro) {
            free($2);
            gast_cond_free($4.cond);
            OOM();
        }
        if (!gast_push(&st->unit->macros, &st->unit->macro_count, &st->unit->macro_cap, macro)) {
            gast_macro_free(macro);
            OOM();
        }
    }
    ;

/* ---- rules ---- */

rule_block
    : KW_RULE IDENT '{' rule_body '}' {
        gast_rule *rule = $4;
        rule->name = $2;
        rule->loc = AST_LOC(@2);
        if (!gast_push(&st->unit->rules, &st->unit->rule_count, &st->unit->rule_cap, rule)) {
            gast_rule_free(rule);
            OOM();
        }
    }
    ;

rule_body
    : %empty {
        $$ = gast_rule_new(AST_LOC(@$));
        if (!$$)
            OOM();
    }
    | rule_body IDENT ':' meta_value {
        $$ = $1;
        gparse_rule_meta(st, $$, $2, @2, $4);
        free($2);
        if (st->oom) {
            gast_rule_free($$);
            YYABORT;
        }
    }
    | rule_body KW_SELECTION sel_name ':' sel_body {
        $$ = $1;
        $5->name = $3;
        $5->loc = AST_LOC(@3);
        if (!gast_push(&$$->selections, &$$->selection_count, &$$->selection_cap, $5)) {
            gast_selection_free($5);
            gast_rule_free($$);
            OOM();
        }
    }
    | rule_body KW_CONDITION ':' expr {
        $$ = $1;
        if ($$->condition) {
            gparse_error(st, "E013", @2, "the rule already has a condition");
            gast_cond_free($4.cond);
        } else {
            $$->condition = $4.cond;
            $$->condition_loc = AST_LOC(@4);
        }
    }
    ;

/* ---- correlations (docs/correlations.md): `correlation NAME { ... }` and
 * `sequence NAME { ... }`. The leading word is an identifier, not a keyword,
 * so fields named `sequence` or `correlation` stay usable. */

corr_block
    : IDENT IDENT '{' corr_body '}' {
        gparse_corr_finish(st, $1, @1, $2, @2, $4);
        if (st->oom)
            YYABORT;
    }
    ;

corr_body
    : %empty {
        $$ = gast_correlation_new(AST_LOC(@$));
        if (!$$)
            OOM();
    }
    | corr_body IDENT ':' meta_value {
        $$ = $1;
        gparse_corr_meta(st, $$, $2, @2, $4);
        free($2);
        if (st->oom) {
            gast_correlation_free($$);
            YYABORT;
        }
    }
    | corr_body IDENT IDENT ':' meta_value {
        $$ = $1;
        gparse_corr_alias(st, $$, $2, @2, $3, @3, $5);
        free($2);
        if (st->oom) {
            gast_correlation_free($$);
            YYABORT;
        }
    }
    | corr_body KW_CONDITION ':' corr_cond {
        $$ = $1;
        gparse_corr_condition(st, $$, @2, $4);
        if (st->oom) {
            gast_correlation_free($$);
            YYABORT;
        }
    }
    ;

/* `gte 5`, `gt 100 and lte 200`, or Sigma's map `{ gte: 5 }`. */
corr_cond
    : corr_bound
    | corr_cond KW_AND corr_bound {
        $$ = $1;
        gparse_meta *bound = $3;
        if (!gparse_meta_push($$, bound->keys[0], bound->key_locs[0], bound->items[0])) {
            gparse_meta_free($$);
            gparse_meta_free(bound);
            OOM();
        }
        bound->count = 0;
        gparse_meta_free(bound);
    }
    | '{' meta_pairs '}' { $$ = $2; $$->loc = @$; }
    ;

corr_bound
    : IDENT NUMBER {
        gparse_meta *num = gparse_meta_new(GPARSE_META_SCALAR, @2);
        $$ = num ? gparse_meta_new(GPARSE_META_MAP, @$) : NULL;
        if (num)
            num->scalar = $2;
        if (!$$ || !gparse_meta_push($$, $1, @1, num)) {
            gparse_meta_free($$);
            if (num)
                gparse_meta_free(num);
            else
                gast_value_free($2);
            free($1);
            OOM();
        }
    }
    ;

/* Metadata values: scalars (bare words are strings), lists of scalars, and
 * one-level maps (logsource). */
meta_value
    : meta_scalar
    | '[' ']' {
        $$ = gparse_meta_new(GPARSE_META_LIST, @$);
        if (!$$)
            OOM();
    }
    | '[' meta_seq opt_comma ']' { $$ = $2; $$->loc = @$; }
    | '{' meta_pairs '}' { $$ = $2; $$->loc = @$; }
    ;

meta_scalar
    : value {
        $$ = gparse_meta_new(GPARSE_META_SCALAR, @$);
        if (!$$) {
            gast_value_free($1);
            OOM();
        }
        $$->scalar = $1;
    }
    | IDENT {
        gast_value *word = gast_value_string($1, AST_LOC(@1));
        $$ = word ? gparse_meta_new(GPARSE_META_SCALAR, @$) : NULL;
        if (!$$) {
            if (word)
                gast_value_free(word);
            else
                free($1);
            OOM();
        }
        $$->scalar = word;
    }
    | PATH {
        gast_value *word = gast_value_string($1, AST_LOC(@1));
        $$ = word ? gparse_meta_new(GPARSE_META_SCALAR, @$) : NULL;
        if (!$$) {
            if (word)
                gast_value_free(word);
            else
                free($1);
            OOM();
        }
        $$->scalar = word;
    }
    ;

meta_seq
    : meta_scalar {
        $$ = gparse_meta_new(GPARSE_META_LIST, @$);
        if (!$$ || !gparse_meta_push($$, NULL, @1, $1)) {
            gparse_meta_free($$);
            gparse_meta_free($1);
            OOM();
        }
    }
    | meta_seq ',' meta_scalar {
        $$ = $1;
        if (!gparse_meta_push($$, NULL, @3, $3)) {
            gparse_meta_free($$);
            gparse_meta_free($3);
            OOM();
        }
    }
    ;

meta_pairs
    : %empty {
        $$ = gparse_meta_new(GPARSE_META_MAP, @$);
        if (!$$)
            OOM();
    }
    | meta_pairs IDENT ':' meta_scalar {
        $$ = $1;
        if (!gparse_meta_push($$, $2, @2, $4)) {
            free($2);
            gparse_meta_free($4);
            gparse_meta_free($$);
            OOM();
        }
    }
    | meta_pairs STRING ':' meta_scalar {
        /* a quoted key: a correlation alias may name its rule by id */
        $$ = $1;
        char *key = $2->text;
        $2->text = NULL;
        gast_value_free($2);
        if (!key || !gparse_meta_push($$, key, @2, $4)) {
            free(key);
            gparse_meta_free($4);
            gparse_meta_free($$);
            OOM();
        }
    }
    | meta_pairs ',' { $$ = $1; }
    ;

opt_comma
    : %empty
    | ','
    ;

/* ---- selections ---- */

sel_body
    : '{' map_items '}' {
        $$ = gast_selection_new(NULL, AST_LOC(@$));
        if (!$$) {
            gast_map_free($2);
            OOM();
        }
        $2->loc = AST_LOC(@$);
        if (!push_alt($$, $2)) {
            gast_selection_free($$);
            OOM();
        }
    }
    | value {
        gast_map *map = keyword_map(st, $1, @1);
        $$ = map ? gast_selection_new(NULL, AST_LOC(@$)) : NULL;
        if (!$$) {
            gast_map_free(map);
            OOM();
        }
        $$->is_list = true;
        if (!push_alt($$, map)) {
            gast_selection_free($$);
            OOM();
        }
    }
    | '[' ']' {
        $$ = gast_selection_new(NULL, AST_LOC(@$));
        if (!$$)
            OOM();
        $$->is_list = true;
    }
    | '[' sel_seq opt_comma ']' { $$ = $2; $$->loc = AST_LOC(@$); }
    ;

sel_seq
    : sel_elem {
        $$ = gast_selection_new(NULL, AST_LOC(@$));
        if (!$$) {
            gast_map_free($1);
            OOM();
        }
        $$->is_list = true;
        if (!push_alt($$, $1)) {
            gast_selection_free($$);
            OOM();
        }
    }
    | sel_seq ',' sel_elem {
        $$ = $1;
        if (!push_alt($$, $3)) {
            gast_selection_free($$);
            OOM();
        }
    }
    ;

sel_elem
    : '{' map_items '}' { $$ = $2; $$->loc = AST_LOC(@$); }
    | value {
        $$ = keyword_map(st, $1, @1);
        if (!$$)
            OOM();
    }
    ;

map_items
    : %empty {
        $$ = gast_map_new(AST_LOC(@$));
        if (!$$)
            OOM();
    }
    | map_items pred {
        $$ = $1;
        if (!push_pred($$, $2)) {
            gast_map_free($$);
            OOM();
        }
    }
    | map_items neg_pred {
        $$ = $1;
        gparse_error(st, "E017", @2,
                     "`not in` is only allowed in conditions; use `not` on the selection instead");
        gast_pred_free($2);
    }
    | map_items ',' { $$ = $1; }
    ;

/* ---- predicates ---- */

pred_head
    : field {
        $$ = gast_pred_new($1, AST_LOC(@1));
        if (!$$) {
            free($1);
            OOM();
        }
        if ($$->field && strcmp($$->field, "_") == 0) {
            free($$->field);
            $$->field = NULL;
        }
    }
    | pred_head '|' mod_name {
        $$ = $1;
        bool ok = gparse_add_modifier(st, $$, $3, @3);
        free($3);
        if (!ok) {
            gast_pred_free($$);
            OOM();
        }
    }
    ;

field
    : IDENT
    | PATH
    ;

/* SigmaHQ names most search identifiers `selection`, so the keyword doubles
 * as a name wherever a selection name may stand. */
sel_name
    : IDENT
    | KW_SELECTION {
        $$ = strdup("selection");
        if (!$$)
            OOM();
    }
    ;

mod_name
    : IDENT
    | KW_ALL {
        $$ = strdup("all");
        if (!$$)
            OOM();
    }
    ;

pred
    : pred_head ':' pred_values {
        $$ = finish_pred(st, $1, $3);
        if (!$$)
            OOM();
        $$->loc = AST_LOC(@$);
    }
    | pred_head KW_IN IDENT {
        $$ = pred_in_list($1, $3, false);
        $$->loc = AST_LOC(@$);
    }
    | pred_head KW_IN list_body {
        $$ = finish_pred(st, $1, $3);
        if (!$$)
            OOM();
        $$->loc = AST_LOC(@$);
    }
    ;

neg_pred
    : pred_head KW_NOT KW_IN IDENT {
        $$ = pred_in_list($1, $4, true);
        $$->loc = AST_LOC(@$);
    }
    | pred_head KW_NOT KW_IN list_body {
        $$ = finish_pred(st, $1, $4);
        if (!$$)
            OOM();
        $$->negated = true;
        $$->loc = AST_LOC(@$);
    }
    ;

pred_values
    : value {
        $$ = gast_list_new(NULL, AST_LOC(@$));
        if (!$$ || !push_value($$, $1)) {
            gast_list_free($$);
            gast_value_free($1);
            OOM();
        }
    }
    | list_body
    ;

list_body
    : '[' ']' {
        $$ = gast_list_new(NULL, AST_LOC(@$));
        if (!$$)
            OOM();
    }
    | '[' value_seq opt_comma ']' { $$ = $2; }
    ;

value_seq
    : value {
        $$ = gast_list_new(NULL, AST_LOC(@$));
        if (!$$ || !push_value($$, $1)) {
            gast_list_free($$);
            gast_value_free($1);
            OOM();
        }
    }
    | value_seq ',' value {
        $$ = $1;
        if ($$->value_count >= GANTRY_MAX_LIST_VALUES) {
            if ($$->value_count == GANTRY_MAX_LIST_VALUES)
                gparse_error(st, "E020", @3, "more than %u values in one list",
                             (unsigned)GANTRY_MAX_LIST_VALUES);
            gast_value_free($3);
        } else if (!push_value($$, $3)) {
            gast_value_free($3);
            gast_list_free($$);
            OOM();
        }
    }
    ;

value
    : STRING
    | NUMBER
    | KW_TRUE {
        $$ = gast_value_bool(true, AST_LOC(@1));
        if (!$$)
            OOM();
    }
    | KW_FALSE {
        $$ = gast_value_bool(false, AST_LOC(@1));
        if (!$$)
            OOM();
    }
    | KW_NULL {
        $$ = gast_value_null(AST_LOC(@1));
        if (!$$)
            OOM();
    }
    ;

/* ---- conditions: `or` < `and` < `not` ---- */

expr
    : and_expr
    | expr KW_OR and_expr {
        $$ = join(st, GAST_COND_OR, $1, $3, @$);
        if (!$$.cond)
            OOM();
    }
    ;

and_expr
    : unary
    | and_expr KW_AND unary {
        $$ = join(st, GAST_COND_AND, $1, $3, @$);
        if (!$$.cond)
            OOM();
    }
    ;

unary
    : primary
    | KW_NOT unary {
        gast_cond *not_cond = new_cond(GAST_COND_NOT, st, @$);
        if (!not_cond) {
            gast_cond_free($2.cond);
            OOM();
        }
        not_cond->left = $2.cond;
        $2.cond = not_cond;
        $$ = nest(st, $2, @$);
    }
    ;

primary
    : '(' expr ')' { $$ = nest(st, $2, @$); }
    | sel_name {
        $$.depth = 0;
        $$.cond = new_cond(GAST_COND_REF, st, @1);
        if (!$$.cond) {
            free($1);
            OOM();
        }
        $$.cond->name = $1;
    }
    | quantifier KW_OF pattern {
        $$.depth = 0;
        $$.cond = new_cond($1 ? GAST_COND_ALL_OF : GAST_COND_ONE_OF, st, @$);
        if (!$$.cond) {
            free($3);
            OOM();
        }
        $$.cond->name = $3;
    }
    | pred {
        $$.depth = 0;
        $$.cond = new_cond(GAST_COND_PRED, st, @$);
        if (!$$.cond) {
            gast_pred_free($1);
            OOM();
        }
        $$.cond->pred = $1;
    }
    | neg_pred {
        $$.depth = 0;
        $$.cond = new_cond(GAST_COND_PRED, st, @$);
        if (!$$.cond) {
            gast_pred_free($1);
            OOM();
        }
        $$.cond->pred = $1;
    }
    | KW_ANY IDENT '{' expr '}' {
        /* an element scope: `any container { ... }` (docs/language.md) */
        gast_cond *scope = new_cond(GAST_COND_ANY, st, @$);
        if (!scope) {
            free($2);
            gast_cond_free($4.cond);
            OOM();
        }
        scope->name = $2;
        scope->name_loc = AST_LOC(@2);
        scope->left = $4.cond;
        $4.cond = scope;
        $$ = nest(st, $4, @$);
    }
    | KW_TRUE {
        $$.depth = 0;
        $$.cond = new_cond(GAST_COND_TRUE, st, @$);
        if (!$$.cond)
            OOM();
    }
    | KW_FALSE {
        $$.depth = 0;
        $$.cond = new_cond(GAST_COND_FALSE, st, @$);
        if (!$$.cond)
            OOM();
    }
    ;

/* 0: one of, 1: all of */
quantifier
    : NUMBER {
        if ($1->number != 1.0)
            gparse_error(st, "E018", @1,
                         "only `1 of`, `any of` and `all of` are supported, not `%s of`",
                         $1->text ? $1->text : "?");
        gast_value_free($1);
        $$ = 0;
    }
    | KW_ANY { $$ = 0; }
    | KW_ALL { $$ = 1; }
    ;

pattern
    : sel_name
    | PATTERN
    | KW_THEM {
        $$ = strdup("them");
        if (!$$)
            OOM();
    }
    ;

%%

static gast_cond *new_cond(gast_cond_kind kind, gparse_state *st, GYLTYPE loc)
{
    return gast_cond_new(kind, gparse_ast_loc(st, loc));
}

static bool push_value(gast_list *holder, gast_value *value)
{
    return gast_push(&holder->values, &holder->value_count, &holder->value_cap, value);
}

static bool push_pred(gast_map *map, gast_pred *pred)
{
    if (!gast_push(&map->preds, &map->pred_count, &map->pred_cap, pred)) {
        gast_pred_free(pred);
        return false;
    }
    return true;
}

static bool push_alt(gast_selection *sel, gast_map *map)
{
    if (!gast_push(&sel->alts, &sel->alt_count, &sel->alt_cap, map)) {
        gast_map_free(map);
        return false;
    }
    return true;
}

/* Moves the values of a parsed list into the predicate; frees both on
 * allocation failure. */
static gast_pred *finish_pred(gparse_state *st, gast_pred *pred, gast_list *values)
{
    (void)st;
    pred->values = values->values;
    pred->value_count = values->value_count;
    pred->value_cap = values->value_cap;
    pred->empty_list = values->value_count == 0;
    values->values = NULL;
    values->value_count = values->value_cap = 0;
    gast_list_free(values);
    return pred;
}

static gast_pred *pred_in_list(gast_pred *pred, char *list, bool negated)
{
    pred->list_ref = list;
    pred->negated = negated;
    return pred;
}

static gast_map *keyword_map(gparse_state *st, gast_value *value, GYLTYPE loc)
{
    gast_map *map = gast_map_new(gparse_ast_loc(st, loc));
    gast_pred *pred = map ? gast_pred_new(NULL, gparse_ast_loc(st, loc)) : NULL;
    if (!pred || !gast_push(&pred->values, &pred->value_count, &pred->value_cap, value)) {
        gast_value_free(value);
        gast_pred_free(pred);
        gast_map_free(map);
        return NULL;
    }
    if (!push_pred(map, pred)) {
        gast_map_free(map);
        return NULL;
    }
    return map;
}

static gparse_expr nest(gparse_state *st, gparse_expr inner, GYLTYPE loc)
{
    inner.depth++;
    if (inner.depth > GANTRY_MAX_NESTING && !st->nesting_reported) {
        st->nesting_reported = true;
        /* Point at the opening token only: the span may be thousands wide. */
        loc.last_line = loc.first_line;
        loc.last_column = loc.first_column + 1;
        loc.last_off = loc.first_off + 1;
        gparse_error(st, "E011", loc,
                     "condition nested too deeply (more than %u levels of `not` and parentheses)",
                     (unsigned)GANTRY_MAX_NESTING);
    }
    return inner;
}

static gparse_expr join(gparse_state *st, gast_cond_kind kind, gparse_expr l, gparse_expr r,
                        GYLTYPE loc)
{
    gparse_expr out = {new_cond(kind, st, loc), l.depth > r.depth ? l.depth : r.depth};
    if (!out.cond) {
        gast_cond_free(l.cond);
        gast_cond_free(r.cond);
        return out;
    }
    out.cond->left = l.cond;
    out.cond->right = r.cond;
    return out;
}

static void gyerror(GYLTYPE *loc, gparse_state *st, yyscan_t scanner, const char *msg)
{
    (void)scanner;
    if (strstr(msg, "exhausted"))
        gparse_error(st, "E011", *loc, "nesting too deep for the parser; the rest of the file is skipped");
    else
        gparse_error(st, "E006", *loc, "%s", msg);
}

/* `identifier `foo``, `end of file`, or the token's own spelling. */
static void describe_token(const gparse_state *st, yysymbol_kind_t kind, const GYLTYPE *loc,
                           char *out, size_t size)
{
    const char *name = yysymbol_name(kind);
    if (kind == YYSYMBOL_YYEOF) {
        snprintf(out, size, "end of file");
        return;
    }
    if (kind == YYSYMBOL_IDENT || kind == YYSYMBOL_PATH || kind == YYSYMBOL_NUMBER ||
        kind == YYSYMBOL_STRING || kind == YYSYMBOL_PATTERN) {
        size_t len = loc->last_off - loc->first_off;
        const char *text = st->text + loc->first_off;
        const char *nl = memchr(text, '\n', len);
        if (nl)
            len = (size_t)(nl - text);
        if (len > 40)
            snprintf(out, size, "%s `%.37s...`", name, text);
        else
            snprintf(out, size, "%s `%.*s`", name, (int)len, text);
        return;
    }
    if (name[0] == '\'' && name[1] && name[2] == '\'')
        snprintf(out, size, "`%c`", name[1]);
    else
        snprintf(out, size, "%s", name);
}

static int yyreport_syntax_error(const yypcontext_t *ctx, gparse_state *st, yyscan_t scanner)
{
    (void)scanner;
    yysymbol_kind_t lookahead = yypcontext_token(ctx);
    /* The scanner has already explained its invalid token. */
    if (lookahead == YYSYMBOL_LEXERR)
        return 0;
    const GYLTYPE *loc = yypcontext_location(ctx);
    char found[96];
    describe_token(st, lookahead, loc, found, sizeof found);

    enum { MAX_LISTED = 6 };
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
    bool brace_expected = false;
    for (int i = 0; i < n; i++)
        brace_expected |= strcmp(yysymbol_name(expected[i]), "'}'") == 0;
    bool starts_item = lookahead == YYSYMBOL_KW_RULE || lookahead == YYSYMBOL_KW_LIST ||
                       lookahead == YYSYMBOL_KW_MACRO || lookahead == YYSYMBOL_KW_INCLUDE ||
                       lookahead == YYSYMBOL_YYEOF;
    if (brace_expected && starts_item) {
        gparse_error(st, "E006", *loc, "unexpected %s; is a `}` missing before it?", found);
        return 0;
    }
    char wanted[512] = "";
    if (n > 0 && n <= MAX_LISTED) {
        size_t used = 0;
        for (int i = 0; i < n && used < sizeof wanted; i++) {
            char one[96];
            describe_token(st, expected[i], loc, one, sizeof one);
            if (expected[i] == YYSYMBOL_IDENT || expected[i] == YYSYMBOL_PATH ||
                expected[i] == YYSYMBOL_NUMBER || expected[i] == YYSYMBOL_STRING ||
                expected[i] == YYSYMBOL_PATTERN)
                snprintf(one, sizeof one, "%s", yysymbol_name(expected[i]));
            const char *sep = i == 0 ? "" : (i == n - 1 ? " or " : ", ");
            int w = snprintf(wanted + used, sizeof wanted - used, "%s%s", sep, one);
            if (w < 0)
                break;
            used += (size_t)w;
        }
    }
    if (wanted[0])
        gparse_error(st, "E006", *loc, "unexpected %s, expected %s", found, wanted);
    else
        gparse_error(st, "E006", *loc, "unexpected %s", found);
    return 0;
}
