/* SPDX-License-Identifier: Apache-2.0 */
/* Recorded slices as the matcher's values, made on first use: escapes
 * undone and number text converted only for the values a rule reads. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "read_int.h"

#define GRD_BLOCK_MIN (64u * 1024u)

char *grd_arena_alloc(grd_reader *r, size_t n) {
    while (r->cur < r->nblocks && r->blocks[r->cur].cap - r->used < n) {
        r->cur++;
        r->used = 0;
    }
    if (r->cur == r->nblocks) {
        grd_block *b = realloc(r->blocks, (r->nblocks + 1) * sizeof *b);
        if (!b)
            return NULL;
        r->blocks = b;
        size_t cap = n > GRD_BLOCK_MIN ? n : GRD_BLOCK_MIN;
        char *p = malloc(cap);
        if (!p)
            return NULL;
        r->blocks[r->nblocks++] = (grd_block){p, cap};
        r->used = 0;
    }
    char *p = r->blocks[r->cur].p + r->used;
    r->used += n;
    return p;
}

gantry_status grd_value(grd_reader *r, uint32_t p, uint32_t k, grt_value *v) {
    const grd_slot *s = &r->vecs[p].s[k];
    const char *at = r->text + s->off;
    memset(v, 0, sizeof *v);
    v->raw_off = GRT_NO_OFFSET;
    v->lower_off = GRT_NO_OFFSET;
    switch (s->type) {
    case GRD_T_STR:
        v->type = GRT_V_STRING;
        if (s->flags & GRD_F_ESC) {
            char *out = grd_arena_alloc(r, (size_t)s->len + 1);
            if (!out)
                return GANTRY_E_NOMEM;
            v->len = (uint32_t)grd_unescape((const unsigned char *)at, s->len, out);
            v->raw = out;
        } else {
            const char *z = (s->flags & GRD_F_NUL) ? memchr(at, 0, s->len) : NULL;
            v->raw = at;
            v->len = z ? (uint32_t)(z - at) : s->len;
        }
        break;
    case GRD_T_NUM: {
        /* cJSON's conversion: the text with its '.' as the locale's
         * decimal point, through strtod */
        char small[64];
        char *buf = s->len < sizeof small ? small : grd_arena_alloc(r, (size_t)s->len + 1);
        if (!buf)
            return GANTRY_E_NOMEM;
        memcpy(buf, at, s->len);
        buf[s->len] = '\0';
        char point = localeconv()->decimal_point[0];
        if (point != '.')
            for (uint32_t i = 0; i < s->len; i++)
                if (buf[i] == '.')
                    buf[i] = point;
        v->type = GRT_V_NUMBER;
        v->num = strtod(buf, NULL);
        v->num_state = 1;
        break;
    }
    case GRD_T_TRUE:
    case GRD_T_FALSE:
        v->type = GRT_V_BOOL;
        v->boolean = s->type == GRD_T_TRUE;
        v->raw = v->boolean ? "true" : "false";
        v->len = v->boolean ? 4 : 5;
        v->num_state = 2;
        break;
    case GRD_T_NULL:
        v->type = GRT_V_NULL;
        v->num_state = 2;
        break;
    default:
        v->type = GRT_V_OTHER;
        v->num_state = 2;
        break;
    }
    return GANTRY_OK;
}
