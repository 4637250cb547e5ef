/* SPDX-License-Identifier: Apache-2.0 */
/* Diagnostics for every front-end and compiler pass, and their error
 * convention (the grammar's and the compiler's; the runtime's is
 * gantry_status, see runtime/base/status.h): a pass reports each problem in
 * the input to the sink and returns how many errors it reported (a size_t,
 * never a sentinel); running out of memory is not a diagnostic: the pass
 * calls gdiag_set_oom() and stops, and its caller checks gdiag_oom() once.
 * Output:
 *   file:line:col: error[E012]: message
 *       source line
 *       ^~~~~
 * or, with JSON output, one object per line:
 *   {"file":..,"line":..,"col":..,"len":..,"severity":"error","code":"E012","message":..}
 * Codes are stable and listed in docs/diagnostics.md. Module prefix: gdiag_. */
#ifndef GANTRY_DIAG_H
#define GANTRY_DIAG_H

#include <stdbool.h>
#include <stdio.h>
#include "ast.h"

typedef enum gdiag_severity { GDIAG_ERROR, GDIAG_WARNING, GDIAG_NOTE } gdiag_severity;

typedef struct gdiag_sink gdiag_sink;

/* `out` receives the rendered diagnostics (NULL: keep them only in memory,
 * for tests). `json` selects the JSON form. `color` adds ANSI colours. */
gdiag_sink *gdiag_new(FILE *out, int json, int color);
void gdiag_free(gdiag_sink *sink);

/* Register the text of a file so diagnostics can quote its lines. The sink
 * keeps its own copy. Files never registered are quoted by reading them. */
void gdiag_add_source(gdiag_sink *sink, const char *file, const char *text, size_t len);

/* Report one diagnostic. `code` is "E001".."E999" or "W001".."W999". */
void gdiag_report(gdiag_sink *sink, gdiag_severity severity, const char *code, gast_loc loc,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

size_t gdiag_error_count(const gdiag_sink *sink);
/* Out of memory in some pass (see the convention above). */
void gdiag_set_oom(gdiag_sink *sink);
bool gdiag_oom(const gdiag_sink *sink);
size_t gdiag_warning_count(const gdiag_sink *sink);

/* The rendered text of everything reported so far (for tests and golden
 * files); valid until the next report or gdiag_free. */
const char *gdiag_text(const gdiag_sink *sink);

#endif
