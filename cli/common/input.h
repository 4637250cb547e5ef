/* SPDX-License-Identifier: Apache-2.0 */
/* Line input for `gantry match` and friends: plain or gzip files (zlib reads
 * both), stdin, and directories walked recursively in sorted order. Memory
 * stays flat: one reusable line buffer, and lines longer than the limit are
 * skipped to their end and reported instead of buffered. Module prefix: gin_. */
#ifndef GANTRY_CLI_INPUT_H
#define GANTRY_CLI_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "gantry.h"

typedef struct gin_reader gin_reader;

typedef enum gin_result {
    GIN_LINE,     /* *line / *len hold one line without its newline */
    GIN_TOO_LONG, /* a line past the limit was skipped; *len is its length */
    GIN_EOF,
    GIN_ERROR, /* read error or corrupt gzip stream; gin_error() says which */
} gin_result;

/* path "-" is stdin. Returns NULL and sets *error on failure to open. */
gin_reader *gin_open(const char *path, size_t max_line_bytes, const char **error);
gin_result gin_next(gin_reader *r, const char **line, size_t *len);
const char *gin_error(const gin_reader *r);
uint64_t gin_bytes(const gin_reader *r); /* bytes of (uncompressed) input consumed */
void gin_close(gin_reader *r);

/* Lines without a copy (gantry match -j): a line gin_next returned stays
 * valid while the block it lies in is held, past later gin_next calls and
 * gin_close. gin_hold returns that block with one more reference, or NULL
 * when the line was assembled in the reader's own buffer (it spanned two
 * blocks, or is empty): copy such a line. References are counted without
 * locks: hold and release a reader's blocks on one thread. */
typedef struct gin_block gin_block;
gin_block *gin_hold(gin_reader *r);
void gin_block_release(gin_block *block);
/* Frees the blocks kept for reuse (at the end of a command). */
void gin_release_cache(void);

/* Expand arguments (files, directories, "-") into a sorted list of files.
 * Directories are walked recursively; hidden entries and Markdown files
 * (*.md) are skipped. Returns the
 * count, or -1 with *error naming the path that failed. The list and its
 * strings are freed with gin_free_list. */
long gin_expand(const char *const *args, size_t count, char ***files, const char **error_path);
void gin_free_list(char **files, long count);

/* --input-format NAME: 0 and *format set, or -1 after listing the names. */
int gin_parse_format(const char *cmd, const char *name, gantry_input_format *format);

#endif
