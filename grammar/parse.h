/* SPDX-License-Identifier: Apache-2.0 */
/* The native front end: parse one .gantry file (and, through `include`, the
 * files it names) into a unit. Errors follow the diagnostics-sink convention
 * of grammar/diag.h. Module prefix: gparse_. */
#ifndef GANTRY_PARSE_H
#define GANTRY_PARSE_H

#include "ast.h"
#include "diag.h"

/* Parse `path` into `unit`, resolving includes relative to the including
 * file, each file at most once per unit. Errors go to `diag`; parsing resyncs
 * at the next top-level item so one run reports every error. Returns the
 * number of errors this call reported, or -1 on allocation failure. */
int gparse_file(gast_unit *unit, const char *path, gdiag_sink *diag);

/* Same for text in memory (tests, stdin); `name` is used in diagnostics and
 * for resolving includes. */
int gparse_text(gast_unit *unit, const char *name, const char *text, size_t len, gdiag_sink *diag);

#endif
