/* SPDX-License-Identifier: Apache-2.0 */
/* The pieces the match output forms share: a growable text buffer, reading
 * field values out of a normalized event, the --fields list, event times,
 * and "did you mean". Module prefix: gmo_ (the match output). */
#ifndef GANTRY_CLI_OUTPUT_FIELDS_H
#define GANTRY_CLI_OUTPUT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;

/* A growable byte buffer owned by the caller (free data with free()); data
 * stays NUL-terminated after every successful append. */
typedef struct gmo_buffer {
    char *data;
    size_t len, cap;
} gmo_buffer;

/* Each returns 0, or -1 when memory ran out (the buffer is unchanged). */
int gmo_buf_add(gmo_buffer *b, const char *s, size_t n);
int gmo_buf_str(gmo_buffer *b, const char *s);
int gmo_buf_char(gmo_buffer *b, char c);

/* A field to print: a schema field (docs/schema.md) or, written
 * `raw:PATH`, a dotted path into the original event. */
typedef struct gmo_field {
    const char *name; /* as given, `raw:` included: the column's heading */
    const char *path; /* what is looked up */
} gmo_field;

typedef struct gmo_field_list {
    gmo_field *fields;
    size_t count;
    char *storage; /* the list's text, cut at the commas */
} gmo_field_list;

/* One field name: *path gets what to look up (after `raw:`). Returns 0, or
 * -1 with a message in err ("did you mean" for a near schema field). */
int gmo_resolve_field(const char *name, const char **path, char *err, size_t err_size);

/* Parses a comma list. Returns 0, or -1 with a message in err (an unknown
 * field gets "did you mean" the closest schema field). */
int gmo_parse_fields(const char *list, gmo_field_list *out, char *err, size_t err_size);
void gmo_field_list_free(gmo_field_list *list);

/* The values at a dotted path as a new cJSON array (empty when none);
 * arrays are crossed and the longest key that matches wins, so flat
 * normalized keys ("container.image.name") and nested raw objects both
 * resolve. NULL when memory ran out. */
struct cJSON *gmo_field_values(const struct cJSON *event, const char *path);

/* Appends the values at `path` as plain text: strings as they are, other
 * values as JSON, several joined by `,`. Returns the number of values, or
 * -1 when memory ran out. */
int gmo_field_text(gmo_buffer *b, const struct cJSON *event, const char *path);

/* The event's @timestamp in nanoseconds since the epoch. Returns 0, or -1
 * when it has none that reads as a time. */
int gmo_event_time(const struct cJSON *event, int64_t *ns);

/* Writes `ns` as RFC 3339 UTC: seconds only ("2024-01-01T00:00:00Z") when
 * `fraction` is 0, else with nine fraction digits. buf needs 32 bytes. */
void gmo_format_time(int64_t ns, int fraction, char *buf);

/* The candidate closest to `word` by edit distance, or NULL when none is
 * close enough to be a likely typo. */
const char *gmo_suggest(const char *word, const char *const *candidates, size_t count);

#endif
