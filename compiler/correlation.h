/* SPDX-License-Identifier: Apache-2.0 */
/* Correlation blocks -> pack sections (compiler/correlation.c). */
#ifndef GANTRY_CORRELATION_H
#define GANTRY_CORRELATION_H

#include "ast.h"
#include "diag.h"
#include "pack_writer.h"

/* Checks every correlation of `unit` (rule indices are positions in
 * unit->rules) and adds them to `w`. Errors go to `diag`; returns -1 on
 * allocation failure only. */
int gcorr_compile(gpw *w, const gast_unit *unit, gdiag_sink *diag);

#endif
