/* SPDX-License-Identifier: Apache-2.0 */
/* Candidate-rule selection. At load, each rule gets an anchor: a set of
 * literal-indexable predicates (string equality, contains, startswith,
 * endswith, glob, keywords) such that the rule cannot match while all of them
 * are false. Per event, one hash lookup per field value (equality) and one
 * Aho-Corasick pass per field value (substrings) find every anchor predicate
 * that may hold; only the rules they name, plus the rules without an anchor,
 * run in the VM. The index only ever over-approximates, and the VM decides,
 * so results are those of running every rule. Module prefix: gpf_. */
#ifndef GANTRY_RT_PREFILTER_H
#define GANTRY_RT_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "pack.h"

typedef struct gpf_index gpf_index;

/* Builds pack->prefilter (left NULL for packs too small to gain from it). */
gantry_status gpf_build(gantry_pack *pack);
void gpf_free(gpf_index *index);

/* Matcher side: per-thread marks. */
gantry_status gpf_matcher_init(gantry_matcher *m);
void gpf_matcher_release(gantry_matcher *m);

/* Fills m->pf_cand with the rules that may match the current event, whose
 * logsource class is `cls` (a GLS_CLASS_* value; bits of rules other classes
 * run may be set too: the caller masks them). Returns 0, or -1 when
 * extraction failed (then every rule must run). */
int gpf_select(gantry_matcher *m, unsigned cls);

/* The keyword automaton on its own, for bench/keywords_bench (other
 * matchers are measured against it, and checked to find the same literals).
 * gpf_keywords_get fills *k for the index class events of logsource class
 * `cls` use (building it if it is lazy) and returns 0, or -1 when that class
 * has no keyword substrings (or the pack no index). gpf_keyword_literals
 * calls each() for every keyword substring literal (lower-cased ASCII, cut
 * to 16 bytes; ids as gpf_keyword_scan reports them) and returns their
 * number. gpf_keyword_scan runs the automaton over one string as the
 * matcher does, calling hit() for every literal found, repeats included;
 * when `lower` is set (an automaton too large for the DFA, which folds
 * case) the string must be lower-cased first, as the matcher does. */
typedef struct gpf_keywords {
    const void *cls;
    uint32_t entry, root;
    int lower;
} gpf_keywords;
int gpf_keywords_get(const gantry_pack *pk, unsigned cls, gpf_keywords *k);
uint32_t gpf_keyword_literals(const gpf_keywords *k,
                              void (*each)(uint32_t id, const char *text, size_t len, void *user),
                              void *user);
void gpf_keyword_scan(const gpf_keywords *k, const char *s, size_t n,
                      void (*hit)(void *user, uint32_t id), void *user);

/* prefilter_lit.c: a run of bytes every match must contain, written to
 * `out` (room for m bytes); 0 when none can be found safely. */
size_t gpf_glob_literal(const char *p, size_t m, char *out);
size_t gpf_regex_literal(const char *p, size_t m, char *out);

enum { GPF_F, GPF_T, GPF_U }; /* three-valued logic */
/* Whether rule r is certainly false when each predicate has the value
 * assign[p] (GPF_F or GPF_U). */
int gpf_rule_false_under(const gantry_pack *pk, const grt_rule *r, const uint8_t *assign);

/* Words of the candidate bitset for `nrules` rules. */
static inline uint32_t gpf_words(uint32_t nrules) {
    return (nrules + 63u) / 64u;
}

#endif
