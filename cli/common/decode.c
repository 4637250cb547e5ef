/* SPDX-License-Identifier: Apache-2.0 */
#include <bzlib.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "decode.h"

/* An xz stream states the dictionary it needs; more than this is refused
 * rather than allocated (xz -9 needs 65 MiB to decode). */
#define GDC_XZ_MEMLIMIT (256u * 1024u * 1024u)

struct gdc_decoder {
    gdc_kind kind;
    /* Between two streams of a concatenation: the last one ended cleanly
     * and the next has not started. */
    int between;
    const char *error;
    z_stream gz;
    lzma_stream xz;
    ZSTD_DCtx *zst;
    size_t zst_hint; /* 0 right after a frame ended */
    bz_stream bz;
    int bz_live;
};

static const struct {
    gdc_kind kind;
    const char *name;
    unsigned char magic[GDC_MAGIC_MAX];
    size_t len;
} magics[] = {
    {GDC_GZIP, "gzip", {0x1f, 0x8b}, 2},
    {GDC_XZ, "xz", {0xfd, '7', 'z', 'X', 'Z', 0x00}, 6},
    {GDC_ZSTD, "zstd", {0x28, 0xb5, 0x2f, 0xfd}, 4},
    {GDC_BZIP2, "bzip2", {'B', 'Z', 'h'}, 3},
};

int gdc_detect(const unsigned char *p, size_t n, int at_end, gdc_kind *kind) {
    for (size_t i = 0; i < sizeof magics / sizeof *magics; i++) {
        size_t m = magics[i].len;
        size_t k = n < m ? n : m;
        if (memcmp(p, magics[i].magic, k) != 0)
            continue;
        if (k < m) {
            if (at_end)
                continue;
            return 0; /* the start of this magic: wait for more */
        }
        *kind = magics[i].kind;
        return 1;
    }
    *kind = GDC_PLAIN;
    return 1;
}

const char *gdc_kind_name(gdc_kind kind) {
    for (size_t i = 0; i < sizeof magics / sizeof *magics; i++)
        if (magics[i].kind == kind)
            return magics[i].name;
    return "plain";
}

static int start_stream(gdc_decoder *d) {
    switch (d->kind) {
    case GDC_GZIP:
        return inflateReset(&d->gz) == Z_OK ? 0 : -1;
    case GDC_BZIP2:
        if (d->bz_live)
            BZ2_bzDecompressEnd(&d->bz);
        memset(&d->bz, 0, sizeof d->bz);
        d->bz_live = BZ2_bzDecompressInit(&d->bz, 0, 0) == BZ_OK;
        return d->bz_live ? 0 : -1;
    default:
        return 0;
    }
}

gdc_decoder *gdc_new(gdc_kind kind) {
    gdc_decoder *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->kind = kind;
    int ok = 0;
    switch (kind) {
    case GDC_GZIP:
        ok = inflateInit2(&d->gz, 16 + MAX_WBITS) == Z_OK;
        break;
    case GDC_XZ: {
        lzma_stream init = LZMA_STREAM_INIT;
        d->xz = init;
        ok = lzma_stream_decoder(&d->xz, GDC_XZ_MEMLIMIT, LZMA_CONCATENATED) == LZMA_OK;
        break;
    }
    case GDC_ZSTD:
        d->zst = ZSTD_createDCtx();
        ok = d->zst != NULL;
        d->zst_hint = 1;
        break;
    case GDC_BZIP2:
        ok = start_stream(d) == 0;
        break;
    case GDC_PLAIN:
        break;
    }
    if (!ok) {
        if (kind == GDC_GZIP)
            inflateEnd(&d->gz);
        free(d);
        return NULL;
    }
    return d;
}

void gdc_free(gdc_decoder *d) {
    if (!d)
        return;
    switch (d->kind) {
    case GDC_GZIP:
        inflateEnd(&d->gz);
        break;
    case GDC_XZ:
        lzma_end(&d->xz);
        break;
    case GDC_ZSTD:
        ZSTD_freeDCtx(d->zst);
        break;
    case GDC_BZIP2:
        if (d->bz_live)
            BZ2_bzDecompressEnd(&d->bz);
        break;
    case GDC_PLAIN:
        break;
    }
    free(d);
}

const char *gdc_error(const gdc_decoder *d) {
    return d->error ? d->error : "corrupt compressed stream";
}

static gdc_status fail(gdc_decoder *d, const char *why) {
    d->error = why;
    return GDC_ERROR;
}

static const char *truncated(gdc_kind kind) {
    switch (kind) {
    case GDC_GZIP:
        return "truncated gzip stream (unexpected end of file)";
    case GDC_XZ:
        return "truncated xz stream (unexpected end of file)";
    case GDC_ZSTD:
        return "truncated zstd stream (unexpected end of file)";
    default:
        return "truncated bzip2 stream (unexpected end of file)";
    }
}

/* One call into the library. Returns -1 on a corrupt stream (d->error set),
 * else 0; *ended tells that a stream (gzip member, bzip2 stream) ended. */
static int call(gdc_decoder *d, const unsigned char *in, size_t in_len, size_t *in_pos,
                unsigned char *out, size_t out_cap, size_t *out_pos, int at_end, int *ended) {
    size_t avail_in = in_len - *in_pos, avail_out = out_cap - *out_pos;
    *ended = 0;
    switch (d->kind) {
    case GDC_GZIP: {
        /* zlib counts in uInt: hand it at most 1 GiB at a time */
        uInt ai = avail_in > (1u << 30) ? (1u << 30) : (uInt)avail_in;
        uInt ao = avail_out > (1u << 30) ? (1u << 30) : (uInt)avail_out;
        d->gz.next_in = (Bytef *)(uintptr_t)(in + *in_pos);
        d->gz.avail_in = ai;
        d->gz.next_out = out + *out_pos;
        d->gz.avail_out = ao;
        int rc = inflate(&d->gz, Z_NO_FLUSH);
        *in_pos += ai - d->gz.avail_in;
        *out_pos += ao - d->gz.avail_out;
        if (rc == Z_STREAM_END)
            *ended = 1;
        else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            d->error = d->gz.msg ? d->gz.msg : "corrupt gzip stream";
            return -1;
        }
        return 0;
    }
    case GDC_XZ: {
        d->xz.next_in = in + *in_pos;
        d->xz.avail_in = avail_in;
        d->xz.next_out = out + *out_pos;
        d->xz.avail_out = avail_out;
        lzma_ret rc = lzma_code(&d->xz, at_end ? LZMA_FINISH : LZMA_RUN);
        *in_pos += avail_in - d->xz.avail_in;
        *out_pos += avail_out - d->xz.avail_out;
        if (rc == LZMA_STREAM_END) {
            *ended = 1;
            return 0;
        }
        if (rc == LZMA_OK)
            return 0;
        if (rc == LZMA_BUF_ERROR)
            d->error = at_end ? truncated(GDC_XZ) : NULL;
        else if (rc == LZMA_MEMLIMIT_ERROR)
            d->error = "xz stream needs more than 256 MiB of memory to decode";
        else if (rc == LZMA_MEM_ERROR)
            d->error = "out of memory";
        else
            d->error = "corrupt xz stream";
        return d->error ? -1 : 0;
    }
    case GDC_ZSTD: {
        ZSTD_inBuffer zi = {in + *in_pos, avail_in, 0};
        ZSTD_outBuffer zo = {out + *out_pos, avail_out, 0};
        size_t rc = ZSTD_decompressStream(d->zst, &zo, &zi);
        *in_pos += zi.pos;
        *out_pos += zo.pos;
        if (ZSTD_isError(rc)) {
            d->error = "corrupt zstd stream";
            return -1;
        }
        d->zst_hint = rc;
        *ended = rc == 0;
        return 0;
    }
    case GDC_BZIP2: {
        unsigned ai = avail_in > (1u << 30) ? (1u << 30) : (unsigned)avail_in;
        unsigned ao = avail_out > (1u << 30) ? (1u << 30) : (unsigned)avail_out;
        d->bz.next_in = (char *)(uintptr_t)(in + *in_pos);
        d->bz.avail_in = ai;
        d->bz.next_out = (char *)(out + *out_pos);
        d->bz.avail_out = ao;
        int rc = BZ2_bzDecompress(&d->bz);
        *in_pos += ai - d->bz.avail_in;
        *out_pos += ao - d->bz.avail_out;
        if (rc == BZ_STREAM_END)
            *ended = 1;
        else if (rc == BZ_MEM_ERROR) {
            d->error = "out of memory";
            return -1;
        } else if (rc != BZ_OK) {
            d->error = "corrupt bzip2 stream";
            return -1;
        }
        return 0;
    }
    case GDC_PLAIN:
        break;
    }
    return 0;
}

gdc_status gdc_step(gdc_decoder *d, const unsigned char *in, size_t in_len, size_t *in_pos,
                    unsigned char *out, size_t out_cap, size_t *out_pos, int at_end) {
    for (;;) {
        if (*out_pos >= out_cap)
            return GDC_OK;
        if (d->between) {
            if (*in_pos >= in_len) {
                if (at_end)
                    return GDC_END;
                return GDC_OK;
            }
            /* Another stream follows only when its magic does; anything
             * else after a stream would be data silently dropped. */
            if (d->kind != GDC_XZ && d->kind != GDC_ZSTD &&
                in[*in_pos] != magics[d->kind == GDC_GZIP ? 0 : 3].magic[0])
                return fail(d, "data after the end of the compressed stream");
            if (start_stream(d) != 0)
                return fail(d, "out of memory");
            d->between = 0;
        }
        size_t before_in = *in_pos, before_out = *out_pos;
        int ended = 0;
        if (call(d, in, in_len, in_pos, out, out_cap, out_pos, at_end, &ended) != 0)
            return GDC_ERROR;
        if (ended) {
            if (d->kind == GDC_XZ)
                return GDC_END; /* LZMA_CONCATENATED ends only at LZMA_FINISH */
            d->between = 1;
            continue;
        }
        if (*in_pos == before_in && *out_pos == before_out) {
            /* no progress: more input is needed */
            if (!at_end)
                return GDC_OK;
            if (d->kind == GDC_ZSTD && d->zst_hint == 0)
                return GDC_END;
            return fail(d, truncated(d->kind));
        }
    }
}
