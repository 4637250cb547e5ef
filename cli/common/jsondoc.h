/* SPDX-License-Identifier: Apache-2.0 */
/* JSON documents in line input: a pretty-printed document over several
 * lines, several documents one after another (on one line or many), a JSON
 * array of events and a Kubernetes EventList ({"kind":"EventList",
 * "items":[...]}). The splitter takes the input line by line and hands out
 * units: a plain line (JSON lines and text logs pass through untouched), a
 * complete document, or a piece that could not be read. It engages only in a
 * file whose first non-blank line opens a JSON object or array, so text logs
 * (whose continuation lines may hold JSON bodies) are never split.
 *
 * Documents that share a line form a group: the group is one unit in the
 * line accounting (docs/output.md). Limits: a document longer than the
 * line limit or nested deeper than the depth limit is one malformed unit,
 * scanned to its end but never buffered. Module prefix: gjd_. */
#ifndef GANTRY_CLI_JSONDOC_H
#define GANTRY_CLI_JSONDOC_H

#include <stddef.h>
#include <stdint.h>

typedef enum gjd_kind {
    GJD_LINE, /* one input line as read: feed it to the normalizer */
    GJD_DOC,  /* one complete JSON document (text may span lines) */
    GJD_BAD,  /* lines first..last hold something unreadable: reason says what */
    /* one input line that opens with an object, not scanned (gjd_defer):
     * give it to gjd_line_alone, whose units are what gjd_line would have
     * made of it */
    GJD_UNSPLIT,
} gjd_kind;

typedef struct gjd_unit {
    gjd_kind kind;
    const char *text; /* valid until the next gjd_line/gjd_end */
    size_t len;
    uint64_t first_line, last_line;
    const char *reason;
    int group_end; /* DOC/BAD: the last unit of its group */
} gjd_unit;

typedef struct gjd_splitter gjd_splitter;

/* max_bytes bounds one document, max_depth its nesting. NULL when out of
 * memory. */
gjd_splitter *gjd_new(size_t max_bytes, unsigned max_depth);
void gjd_free(gjd_splitter *s);
/* Starts a new input (a file): state is reset, detection starts again.
 * `enabled` 0 passes every line through (a text --input-format). */
void gjd_reset(gjd_splitter *s, int enabled);
/* One input line (without its newline). Returns 0, or -1 when memory ran
 * out. The units it completed are then taken with gjd_next. */
int gjd_line(gjd_splitter *s, const char *line, size_t len, uint64_t line_no);
/* With `on`, a line that opens with an object and holds more than its
 * bracket is handed out as GJD_UNSPLIT, unscanned, when no document is
 * open: what such a line holds never depends on the lines around it, so
 * -j N scans it on a worker instead of on the thread that reads. Kept over
 * gjd_reset. */
void gjd_defer(gjd_splitter *s, int on);
/* The units of one GJD_UNSPLIT line, on a splitter of the caller's own
 * (state is reset; gjd_next takes them). Returns 0, or -1 when memory ran
 * out. */
int gjd_line_alone(gjd_splitter *s, const char *line, size_t len, uint64_t line_no);
/* A line longer than the line limit (not given): inside a document it makes
 * the document too long, else it is a BAD unit of its own. */
int gjd_too_long(gjd_splitter *s, uint64_t line_no);
/* End of input: a document still open becomes a BAD unit. */
void gjd_end(gjd_splitter *s);
/* Whether a document is open (lines are being collected). */
int gjd_open(const gjd_splitter *s);
int gjd_next(gjd_splitter *s, gjd_unit *unit);
/* Whether text holds the word EventList: worth parsing as one. */
int gjd_mentions_eventlist(const char *text, size_t len);

/* One event of a document: its JSON text, or NULL when memory ran out
 * printing it. */
typedef void (*gjd_event_fn)(void *ctx, const char *text, size_t len);
/* The events of one document (a GJD_DOC unit's text): each element of an
 * array, each item of an EventList, else the document itself as it is.
 * Returns 0, or -1 with *reason when the document cannot be unpacked (not
 * valid JSON, an EventList without an items array); fn is then not called.
 * Shared by `gantry match` and the `gantry serve` body decoder. */
int gjd_each_event(const char *text, size_t len, gjd_event_fn fn, void *ctx, const char **reason);

#endif
