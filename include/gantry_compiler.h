/* SPDX-License-Identifier: Apache-2.0 */
/* libgantry-compiler: rule text (the native language or Sigma YAML) to a
 * pack, from memory or files, with diagnostics as records. Link with
 * `pkg-config --libs gantry-compiler`; it depends on libgantry (the
 * runtime), never the reverse.
 *
 * A gantry_compiler collects sources, then compiles them all into one pack.
 * It is not thread-safe: use one per thread (they share nothing). Strings
 * it returns live until the next call on it or gantry_compiler_free. */
#ifndef GANTRY_COMPILER_H_PUBLIC
#define GANTRY_COMPILER_H_PUBLIC

#include <stddef.h>
#include "gantry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gantry_compiler gantry_compiler;

typedef enum gantry_diag_severity {
    GANTRY_DIAG_ERROR = 0,
    GANTRY_DIAG_WARNING,
    GANTRY_DIAG_NOTE,
} gantry_diag_severity;

/* One diagnostic (codes and wording: docs/diagnostics.md). Line and column
 * count from 1; 0 when the diagnostic has no position. */
typedef struct gantry_diagnostic {
    const char *file; /* the name given with the source, or the file path */
    unsigned line, column, length;
    gantry_diag_severity severity;
    const char *code;    /* "E012", "W024", ... */
    const char *message; /* one line, no position */
} gantry_diagnostic;

gantry_status gantry_compiler_new(gantry_compiler **compiler);
void gantry_compiler_free(gantry_compiler *compiler);

/* Options; set them before adding sources. */
/* A placeholder value, "name=value[,value...]" (gantry compile -D). */
gantry_status gantry_compiler_define(gantry_compiler *compiler, const char *definition);
/* An extra Sigma field-mapping file (gantry import-sigma --mapping). */
gantry_status gantry_compiler_add_mapping_file(gantry_compiler *compiler, const char *path);
/* Non-zero: an unfilled placeholder matches nothing instead of failing. */
gantry_status gantry_compiler_set_placeholders_empty(gantry_compiler *compiler, int empty);

/* Sources. `name` stands for the source's path in diagnostics (and, for
 * native rules, resolves `include` relative to it). Errors in the text are
 * diagnostics, not a failed call: the call fails only on bad arguments
 * (GANTRY_E_ARG) or a lack of memory. */
gantry_status gantry_compiler_add_rules(gantry_compiler *compiler, const char *name,
                                        const char *text, size_t len);
gantry_status gantry_compiler_add_sigma(gantry_compiler *compiler, const char *name,
                                        const char *yaml, size_t len);
/* A file or a directory (walked for *.gantry, *.yml and *.yaml, sorted), as
 * `gantry compile PATH` reads it. */
gantry_status gantry_compiler_add_path(gantry_compiler *compiler, const char *path);

/* Compile everything added into a pack image. On success *image is a buffer
 * for gantry_pack_load_buffer (free it with gantry_compiler_buffer_free; the
 * loader copies what it needs, so it may be freed once loaded). Returns
 * GANTRY_E_VERIFY when some diagnostic is an error (*image NULL). A
 * compiler compiles once; create another for another pack. */
gantry_status gantry_compiler_compile(gantry_compiler *compiler, void **image, size_t *len);
/* Compile and load in one step. */
gantry_status gantry_compiler_compile_pack(gantry_compiler *compiler, gantry_pack **pack);
void gantry_compiler_buffer_free(void *image);

/* The diagnostics so far (after compile: all of them). */
size_t gantry_compiler_diagnostic_count(const gantry_compiler *compiler);
const gantry_diagnostic *gantry_compiler_diagnostic(const gantry_compiler *compiler, size_t index);
size_t gantry_compiler_error_count(const gantry_compiler *compiler);
/* Everything reported, rendered as `gantry compile` prints it. */
const char *gantry_compiler_diagnostics_text(gantry_compiler *compiler);

#ifdef __cplusplus
}
#endif
#endif
