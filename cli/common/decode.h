/* SPDX-License-Identifier: Apache-2.0 */
/* Decompression of input streams, chosen by the stream's first bytes: gzip
 * (zlib), xz (liblzma), zstd (libzstd) and bzip2 (libbz2); anything else is
 * read as it is. Each decoder takes whatever input is at hand and gives
 * whatever output it can, so a pipe is decoded as its bytes arrive.
 * Concatenated streams of one kind (several gzip members, xz streams, zstd
 * frames, bzip2 streams) read as one. Module prefix: gdc_. */
#ifndef GANTRY_CLI_DECODE_H
#define GANTRY_CLI_DECODE_H

#include <stddef.h>

typedef enum gdc_kind { GDC_PLAIN, GDC_GZIP, GDC_XZ, GDC_ZSTD, GDC_BZIP2 } gdc_kind;

/* Longest magic number: fewer bytes than this may not decide. */
#define GDC_MAGIC_MAX 6

/* Decides the kind from the first n bytes: 1 and *kind set, or 0 when n
 * bytes are the start of a magic number and more are needed (at end of
 * input, call with at_end set: the bytes are then plain). */
int gdc_detect(const unsigned char *p, size_t n, int at_end, gdc_kind *kind);
const char *gdc_kind_name(gdc_kind kind);

typedef struct gdc_decoder gdc_decoder;

/* NULL when memory ran out; never called for GDC_PLAIN. */
gdc_decoder *gdc_new(gdc_kind kind);
void gdc_free(gdc_decoder *d);

typedef enum gdc_status {
    GDC_OK,    /* call again: with more input, or more room when out filled up */
    GDC_END,   /* at_end was set, every byte is out and the last stream ended */
    GDC_ERROR, /* corrupt or truncated stream: gdc_error() says why */
} gdc_status;

/* Decodes from in[*in_pos..in_len) into out[*out_pos..out_cap), advancing
 * both positions, until the input is used up or out is full. at_end says no
 * input will follow what is given. */
gdc_status gdc_step(gdc_decoder *d, const unsigned char *in, size_t in_len, size_t *in_pos,
                    unsigned char *out, size_t out_cap, size_t *out_pos, int at_end);
const char *gdc_error(const gdc_decoder *d);

#endif
