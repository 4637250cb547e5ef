/* SPDX-License-Identifier: Apache-2.0 */
/* Compile-time values: `-D name=v1,v2` definitions and the --values YAML
 * file (a map of name -> scalar or list of scalars). They fill `%name%`
 * placeholders of `|expand` values and replace named lists of the same name.
 * A -D definition wins over the values file. Module prefix: gph_. */
#ifndef GANTRY_PLACEHOLDERS_H
#define GANTRY_PLACEHOLDERS_H

#include <stddef.h>
#include "arena.h"
#include "ast.h"
#include "compiler.h"
#include "diag.h"

typedef struct gph_entry {
    const char *name;
    const char *const *values;
    size_t count;
} gph_entry;

typedef struct gph_table {
    gph_entry *entries;
    size_t count;
} gph_table;

/* Fill `table` from the options; returns the errors reported (bad -D,
 * unreadable or malformed values file); out of memory sets gdiag_oom. */
size_t gph_load(gar *arena, gast_unit *unit, gdiag_sink *diag, const gcomp_options *options,
                gph_table *table);

/* Names of -D and the values file that no list, `in` reference or %name%
 * placeholder of the unit uses: E075 for -D, E076 for a values key close to
 * a name the unit uses and nothing fills, W031 for any other values key.
 * Returns the errors. */
size_t gph_check_names(gar *arena, const gast_unit *unit, gdiag_sink *diag,
                       const gcomp_options *options, const gph_table *table);

const gph_entry *gph_find(const gph_table *table, const char *name, size_t len);

#endif
