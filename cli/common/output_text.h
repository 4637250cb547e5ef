/* SPDX-License-Identifier: Apache-2.0 */
/* The text form of a match: one line of columns for people, fitted to a
 * width, with every value escaped so that nothing from an event reaches the
 * terminal raw. docs/output.md is the contract. Module prefix: gmo_. */
#ifndef GANTRY_CLI_OUTPUT_TEXT_H
#define GANTRY_CLI_OUTPUT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "output_fields.h"

struct cJSON;

/* The event context the text and CSV forms show by default, in order: the
 * one table of it. */
typedef struct gmo_context_field {
    const char *label; /* text: label=value */
    const char *path;  /* the schema field; the CSV heading */
} gmo_context_field;

const gmo_context_field *gmo_context_fields(size_t *count);

/* Appends s[0..len) escaped (control characters as \n, \t, \r or \xHH;
 * C1 controls and bidirectional overrides as \uHHHH; bytes that are not
 * UTF-8 as \xHH), cut to `max` characters with a trailing "…" when longer
 * (SIZE_MAX: no limit). *chars (may be NULL) gets the characters written.
 * Returns 0, or -1 when memory ran out. */
int gmo_escape(gmo_buffer *b, const char *s, size_t len, size_t max, size_t *chars);

/* Characters in a string as gmo_escape would write it. */
size_t gmo_escaped_width(const char *s, size_t len);

typedef struct gmo_text_line {
    int64_t time_ns;
    int has_time;
    const char *level;
    const char *color_on, *color_off; /* "" without colour */
    const char *title;
    size_t title_width;           /* the title column, before fitting to `width` */
    size_t width;                 /* the line's width; 0: no limit */
    const gmo_field_list *fields; /* NULL: the default context */
    const char *file;
    uint64_t line;
} gmo_text_line;

/* Replaces b's contents with the line (newline included). Returns 0, or -1
 * when memory ran out. */
int gmo_render_text(gmo_buffer *b, const gmo_text_line *t, const struct cJSON *event);

#endif
