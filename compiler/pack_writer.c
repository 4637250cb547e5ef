/* SPDX-License-Identifier: Apache-2.0 */
/* Pack image builder (see pack_writer.h and runtime/pack_format.h).
 *
 * Every table that can be shared (strings, fields, constants, lists, regexes,
 * predicates) is interned through one byte-keyed hash map: the key is the
 * record exactly as it will be serialised, so two equal keys are two equal
 * records and the second caller gets the first index back. */
#include "pack_writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gantry_limits.h"
#include "numtext.h"

typedef struct gpw_buf {
    unsigned char *data;
    size_t len, cap;
} gpw_buf;

typedef struct gpw_entry {
    unsigned char *key; /* NULL: empty slot */
    size_t key_len;
    uint64_t hash;
    uint32_t value;
} gpw_entry;

typedef struct gpw_map {
    gpw_entry *slots;
    size_t cap, used;
} gpw_map;

typedef struct gpw_str {
    size_t offset, len; /* into gpw.string_bytes */
} gpw_str;

struct gpw {
    int failed;
    gpw_buf string_bytes;
    gpw_str *strings;
    size_t string_count, string_cap;
    gpw_map string_map;

    /* each section's payload, by section id (pack_format.h); STRINGS is
     * built from string_bytes by gpw_finish */
    gpw_buf sec[GANTRY_SEC__COUNT + 1];
    gpw_map field_map, const_map, list_map, regex_map, pred_map;
    int has_names; /* some rule has a name: write RULE_NAMES */
};

/* ---- little helpers ------------------------------------------------------ */

static int buf_reserve(gpw_buf *b, size_t extra) {
    if (extra > SIZE_MAX - b->len)
        return -1;
    size_t need = b->len + extra;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    unsigned char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static int buf_put(gpw_buf *b, const void *data, size_t len) {
    if (buf_reserve(b, len) != 0)
        return -1;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v & 0xFF);
    p[1] = (unsigned char)((v >> 8) & 0xFF);
    p[2] = (unsigned char)((v >> 16) & 0xFF);
    p[3] = (unsigned char)((v >> 24) & 0xFF);
}

static void put_u64(unsigned char *p, uint64_t v) {
    put_u32(p, (uint32_t)(v & 0xFFFFFFFFu));
    put_u32(p + 4, (uint32_t)(v >> 32));
}

static int buf_u32(gpw_buf *b, uint32_t v) {
    unsigned char tmp[4];
    put_u32(tmp, v);
    return buf_put(b, tmp, 4);
}

static void encode_insn(unsigned char out[12], struct gantry_insn insn) {
    out[0] = insn.op;
    out[1] = insn.flags;
    out[2] = (unsigned char)(insn.reserved & 0xFF);
    out[3] = (unsigned char)(insn.reserved >> 8);
    put_u32(out + 4, insn.a);
    put_u32(out + 8, insn.b);
}

static uint64_t hash_bytes(const unsigned char *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* ---- interning map ----------------------------------------------------- */

static gpw_entry *map_slot(gpw_map *m, const unsigned char *key, size_t len, uint64_t h) {
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        gpw_entry *e = &m->slots[i];
        if (!e->key)
            return e;
        if (e->hash == h && e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
    }
}

static int map_grow(gpw_map *m) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    gpw_entry *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    gpw_map bigger = {slots, cap, m->used};
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key)
            *map_slot(&bigger, m->slots[i].key, m->slots[i].key_len, m->slots[i].hash) =
                m->slots[i];
    }
    free(m->slots);
    *m = bigger;
    return 0;
}

/* Returns the existing value for key, or GPW_FAIL after storing `value` as
 * the key's value (the caller then appends the new record). *err is set on
 * allocation failure. */
static uint32_t map_intern(gpw_map *m, const void *key, size_t len, uint32_t value, int *err) {
    /* a NULL key pointer marks an empty slot, so even a zero-length key needs
     * a real allocation */
    if ((m->used + 1) * 4 >= m->cap * 3 && map_grow(m) != 0) {
        *err = 1;
        return GPW_FAIL;
    }
    uint64_t h = hash_bytes(key, len);
    gpw_entry *e = map_slot(m, key, len, h);
    if (e->key)
        return e->value;
    e->key = malloc(len ? len : 1);
    if (!e->key) {
        *err = 1;
        return GPW_FAIL;
    }
    if (len)
        memcpy(e->key, key, len);
    e->key_len = len;
    e->hash = h;
    e->value = value;
    m->used++;
    return GPW_FAIL;
}

static void map_free(gpw_map *m) {
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
}

/* Interns a fixed-size record stored in `table`; returns its index. */
static uint32_t intern_record(gpw *w, gpw_map *map, gpw_buf *table, const unsigned char *rec,
                              size_t size) {
    if (w->failed)
        return GPW_FAIL;
    size_t count = table->len / size;
    if (count >= GPW_FAIL - 1) {
        w->failed = 1;
        return GPW_FAIL;
    }
    int err = 0;
    uint32_t found = map_intern(map, rec, size, (uint32_t)count, &err);
    if (err) {
        w->failed = 1;
        return GPW_FAIL;
    }
    if (found != GPW_FAIL)
        return found;
    if (buf_put(table, rec, size) != 0) {
        w->failed = 1;
        return GPW_FAIL;
    }
    return (uint32_t)count;
}

/* ---- public API ---------------------------------------------------------- */

gpw *gpw_new(void) {
    gpw *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    if (gpw_string(w, "", 0) != 0) {
        gpw_free(w);
        return NULL;
    }
    return w;
}

void gpw_free(gpw *w) {
    if (!w)
        return;
    free(w->string_bytes.data);
    for (size_t i = 0; i <= GANTRY_SEC__COUNT; i++)
        free(w->sec[i].data);
    gpw_map *maps[] = {&w->string_map, &w->field_map, &w->const_map,
                       &w->list_map,   &w->regex_map, &w->pred_map};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        map_free(maps[i]);
    free(w->strings);
    free(w);
}

uint32_t gpw_string(gpw *w, const char *text, size_t len) {
    if (!w || w->failed)
        return GPW_FAIL;
    if ((!text && len) || len > GANTRY_MAX_STRING_BYTES || w->string_count >= GPW_FAIL - 1) {
        w->failed = 1;
        return GPW_FAIL;
    }
    int err = 0;
    uint32_t found =
        map_intern(&w->string_map, text ? text : "", len, (uint32_t)w->string_count, &err);
    if (err)
        goto fail;
    if (found != GPW_FAIL)
        return found;
    if (w->string_count == w->string_cap) {
        size_t cap = w->string_cap ? w->string_cap * 2 : 64;
        gpw_str *p = realloc(w->strings, cap * sizeof *p);
        if (!p)
            goto fail;
        w->strings = p;
        w->string_cap = cap;
    }
    w->strings[w->string_count].offset = w->string_bytes.len;
    w->strings[w->string_count].len = len;
    if (buf_put(&w->string_bytes, text, len) != 0)
        goto fail;
    return (uint32_t)w->string_count++;
fail:
    w->failed = 1;
    return GPW_FAIL;
}

static uint32_t cstring(gpw *w, const char *text) {
    if (!text)
        return GANTRY_NO_STRING;
    return gpw_string(w, text, strlen(text));
}

uint32_t gpw_field(gpw *w, const char *path) {
    if (!w || !path)
        return GPW_FAIL;
    uint32_t s = cstring(w, path);
    if (s == GPW_FAIL)
        return GPW_FAIL;
    unsigned char rec[4];
    put_u32(rec, s);
    return intern_record(w, &w->field_map, &w->sec[GANTRY_SEC_FIELDS], rec, sizeof rec);
}

static uint32_t add_const(gpw *w, enum gantry_const_kind kind, uint32_t text, double number) {
    if (!w || w->failed || text == GPW_FAIL)
        return GPW_FAIL;
    uint64_t bits = 0;
    if (kind == GANTRY_CONST_NUMBER || kind == GANTRY_CONST_BOOL) {
        if (number == 0.0)
            number = 0.0; /* one key for -0 and +0 */
        memcpy(&bits, &number, sizeof bits);
    }
    unsigned char rec[16] = {0};
    rec[0] = (unsigned char)kind;
    put_u32(rec + 4, text);
    put_u64(rec + 8, bits);
    return intern_record(w, &w->const_map, &w->sec[GANTRY_SEC_CONSTS], rec, sizeof rec);
}

uint32_t gpw_const_string(gpw *w, const char *text, size_t len) {
    return add_const(w, GANTRY_CONST_STRING, gpw_string(w, text, len), 0.0);
}

uint32_t gpw_const_number(gpw *w, double number, const char *text) {
    char tmp[GRT_NUMBER_TEXT_MAX];
    if (!text) {
        /* the text the runtime gives event numbers */
        grt_number_text(number, tmp, sizeof tmp);
        text = tmp;
    }
    return add_const(w, GANTRY_CONST_NUMBER, cstring(w, text), number);
}

uint32_t gpw_const_bool(gpw *w, bool value) {
    return add_const(w, GANTRY_CONST_BOOL, cstring(w, value ? "true" : "false"), value ? 1.0 : 0.0);
}

uint32_t gpw_const_null(gpw *w) {
    return add_const(w, GANTRY_CONST_NULL, cstring(w, "null"), 0.0);
}

uint32_t gpw_list(gpw *w, const uint32_t *consts, size_t count) {
    if (!w || w->failed)
        return GPW_FAIL;
    size_t n_lists = w->sec[GANTRY_SEC_LISTS].len / 8;
    if ((!consts && count) || count > GANTRY_MAX_LIST_VALUES || n_lists >= GPW_FAIL - 1) {
        w->failed = 1;
        return GPW_FAIL;
    }
    unsigned char *key = malloc(count * 4 + 1);
    if (!key) {
        w->failed = 1;
        return GPW_FAIL;
    }
    for (size_t i = 0; i < count; i++) {
        if (consts[i] >= w->sec[GANTRY_SEC_CONSTS].len / 16)
            w->failed = 1; /* a list of constants that do not exist */
        put_u32(key + i * 4, consts[i]);
    }
    int err = w->failed;
    uint32_t found =
        err ? GPW_FAIL : map_intern(&w->list_map, key, count * 4, (uint32_t)n_lists, &err);
    if (!err && found == GPW_FAIL) {
        size_t first = w->sec[GANTRY_SEC_LIST_ITEMS].len / 4;
        unsigned char rec[8];
        put_u32(rec, (uint32_t)first);
        put_u32(rec + 4, (uint32_t)count);
        if (first + count >= GPW_FAIL ||
            buf_put(&w->sec[GANTRY_SEC_LIST_ITEMS], key, count * 4) != 0 ||
            buf_put(&w->sec[GANTRY_SEC_LISTS], rec, sizeof rec) != 0)
            err = 1;
        found = (uint32_t)n_lists;
    }
    free(key);
    if (err) {
        w->failed = 1;
        return GPW_FAIL;
    }
    return found;
}

uint32_t gpw_regex(gpw *w, const char *pattern, uint32_t flags) {
    if (!w || !pattern)
        return GPW_FAIL;
    uint32_t s = cstring(w, pattern);
    if (s == GPW_FAIL)
        return GPW_FAIL;
    unsigned char rec[8];
    put_u32(rec, s);
    put_u32(rec + 4, flags);
    return intern_record(w, &w->regex_map, &w->sec[GANTRY_SEC_REGEXES], rec, sizeof rec);
}

uint32_t gpw_pred(gpw *w, struct gantry_insn insn) {
    if (!w)
        return GPW_FAIL;
    unsigned char rec[12];
    encode_insn(rec, insn);
    return intern_record(w, &w->pred_map, &w->sec[GANTRY_SEC_PREDICATES], rec, sizeof rec);
}

uint32_t gpw_code(gpw *w, struct gantry_insn insn) {
    if (!w || w->failed)
        return GPW_FAIL;
    size_t index = w->sec[GANTRY_SEC_CODE].len / 12;
    unsigned char rec[12];
    encode_insn(rec, insn);
    if (index >= GPW_FAIL - 1 || buf_put(&w->sec[GANTRY_SEC_CODE], rec, sizeof rec) != 0) {
        w->failed = 1;
        return GPW_FAIL;
    }
    return (uint32_t)index;
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int gpw_pred_get(const gpw *w, uint32_t index, struct gantry_insn *insn) {
    if (!w || index >= w->sec[GANTRY_SEC_PREDICATES].len / 12)
        return -1;
    const unsigned char *r = w->sec[GANTRY_SEC_PREDICATES].data + (size_t)index * 12;
    *insn = (struct gantry_insn){r[0], r[1], (uint16_t)(r[2] | r[3] << 8), get_u32(r + 4),
                                 get_u32(r + 8)};
    return 0;
}

const char *gpw_field_path(const gpw *w, uint32_t field, size_t *len) {
    if (!w || field >= w->sec[GANTRY_SEC_FIELDS].len / 4)
        return NULL;
    uint32_t s = get_u32(w->sec[GANTRY_SEC_FIELDS].data + (size_t)field * 4);
    *len = w->strings[s].len;
    return (const char *)w->string_bytes.data + w->strings[s].offset;
}

uint32_t gpw_code_length(const gpw *w) {
    return w ? (uint32_t)(w->sec[GANTRY_SEC_CODE].len / 12) : 0;
}

void gpw_code_patch_b(gpw *w, uint32_t index, uint32_t b) {
    if (!w || w->failed)
        return;
    if ((size_t)index >= w->sec[GANTRY_SEC_CODE].len / 12) {
        w->failed = 1;
        return;
    }
    put_u32(w->sec[GANTRY_SEC_CODE].data + (size_t)index * 12 + 8, b);
}

static int add_strlist(gpw *w, const char *const *items, size_t count, uint32_t *first) {
    size_t start = w->sec[GANTRY_SEC_STRLISTS].len / 4;
    if ((!items && count) || start + count >= GPW_FAIL)
        return -1;
    *first = (uint32_t)start;
    for (size_t i = 0; i < count; i++) {
        uint32_t s = cstring(w, items[i] ? items[i] : "");
        if (s == GPW_FAIL || buf_u32(&w->sec[GANTRY_SEC_STRLISTS], s) != 0)
            return -1;
    }
    return 0;
}

uint32_t gpw_rule_add(gpw *w, const gpw_rule *r) {
    if (!w || w->failed)
        return GPW_FAIL;
    size_t index = w->sec[GANTRY_SEC_RULES].len / GANTRY_RULE_RECORD_SIZE;
    if (!r || index >= GANTRY_MAX_RULES) {
        w->failed = 1;
        return GPW_FAIL;
    }
    uint32_t f[GANTRY_RULE_RECORD_SIZE / 4] = {0};
    f[0] = cstring(w, r->id);
    f[1] = cstring(w, r->title);
    f[2] = cstring(w, r->description);
    f[3] = cstring(w, r->author);
    f[4] = cstring(w, r->date);
    f[5] = cstring(w, r->modified);
    f[6] = cstring(w, r->status);
    f[7] = r->level;
    f[8] = cstring(w, r->product);
    f[9] = cstring(w, r->category);
    f[10] = cstring(w, r->service);
    if (add_strlist(w, r->tags, r->tag_count, &f[11]) != 0 ||
        add_strlist(w, r->references, r->reference_count, &f[13]) != 0 ||
        add_strlist(w, r->falsepositives, r->falsepositive_count, &f[15]) != 0) {
        w->failed = 1;
        return GPW_FAIL;
    }
    f[12] = (uint32_t)r->tag_count;
    f[14] = (uint32_t)r->reference_count;
    f[16] = (uint32_t)r->falsepositive_count;
    f[17] = r->code_first;
    f[18] = r->code_length;
    f[19] = cstring(w, r->source_file);
    f[20] = r->source_line;
    f[21] = 0;
    if (r->name)
        w->has_names = 1;
    if (buf_u32(&w->sec[GANTRY_SEC_RULE_NAMES], cstring(w, r->name)) != 0)
        w->failed = 1;
    if (w->failed)
        return GPW_FAIL;
    unsigned char rec[GANTRY_RULE_RECORD_SIZE];
    for (size_t i = 0; i < GANTRY_RULE_RECORD_SIZE / 4; i++)
        put_u32(rec + i * 4, f[i]);
    if (buf_put(&w->sec[GANTRY_SEC_RULES], rec, sizeof rec) != 0) {
        w->failed = 1;
        return GPW_FAIL;
    }
    return (uint32_t)index;
}

uint32_t gpw_named_list(gpw *w, const char *name, uint32_t list) {
    if (!w || !name)
        return GPW_FAIL;
    uint32_t s = cstring(w, name);
    if (s == GPW_FAIL)
        return GPW_FAIL;
    size_t index = w->sec[GANTRY_SEC_NAMED_LISTS].len / 8;
    unsigned char rec[8];
    put_u32(rec, s);
    put_u32(rec + 4, list);
    if (index >= GPW_FAIL - 1 || buf_put(&w->sec[GANTRY_SEC_NAMED_LISTS], rec, sizeof rec) != 0) {
        w->failed = 1;
        return GPW_FAIL;
    }
    return (uint32_t)index;
}

static void put_f64(unsigned char *p, double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    put_u64(p, bits);
}

uint32_t gpw_corr_add(gpw *w, const gpw_corr *c) {
    if (!w || w->failed)
        return GPW_FAIL;
    size_t index = w->sec[GANTRY_SEC_CORRELATIONS].len / GANTRY_CORR_RECORD_SIZE;
    if (!c || index >= GANTRY_CORR_REF_CORRELATION) {
        w->failed = 1;
        return GPW_FAIL;
    }
    unsigned char rec[GANTRY_CORR_RECORD_SIZE] = {0};
    uint32_t tags[2] = {0, (uint32_t)c->tag_count};
    if (add_strlist(w, c->tags, c->tag_count, &tags[0]) != 0) {
        w->failed = 1;
        return GPW_FAIL;
    }
    const char *strs[6] = {c->name, c->id, c->title, c->description, c->author, c->date};
    for (size_t i = 0; i < 6; i++)
        put_u32(rec + i * 4, cstring(w, strs[i]));
    put_u32(rec + 24, c->level);
    put_u32(rec + 28, c->type);
    put_u32(rec + 32, tags[0]);
    put_u32(rec + 36, tags[1]);
    put_u32(rec + 40, (uint32_t)(w->sec[GANTRY_SEC_CORR_REFS].len / 4));
    put_u32(rec + 44, (uint32_t)c->ref_count);
    put_u32(rec + 48, c->flags);
    put_u32(rec + 52, c->cond_flags);
    put_u64(rec + 56, c->timespan_ns);
    put_f64(rec + 64, c->lo);
    put_f64(rec + 72, c->hi);
    put_f64(rec + 80, c->percentile);
    put_u32(rec + 88, (uint32_t)c->group_count);
    put_u32(rec + 92, (uint32_t)(w->sec[GANTRY_SEC_CORR_FIELDS].len / 4));
    put_u32(rec + 96, c->source_line);
    for (size_t i = 0; i < c->ref_count; i++)
        if (buf_u32(&w->sec[GANTRY_SEC_CORR_REFS], c->refs[i]) != 0)
            w->failed = 1;
    for (size_t i = 0; i < c->field_count; i++)
        if (buf_u32(&w->sec[GANTRY_SEC_CORR_FIELDS], cstring(w, c->fields[i])) != 0)
            w->failed = 1;
    if (w->failed || buf_put(&w->sec[GANTRY_SEC_CORRELATIONS], rec, sizeof rec) != 0) {
        w->failed = 1;
        return GPW_FAIL;
    }
    return (uint32_t)index;
}

size_t gpw_field_count(const gpw *w) {
    return w ? w->sec[GANTRY_SEC_FIELDS].len / 4 : 0;
}

size_t gpw_pred_count(const gpw *w) {
    return w ? w->sec[GANTRY_SEC_PREDICATES].len / 12 : 0;
}

/* ---- serialisation ---------------------------------------------------- */

static size_t align4(size_t n) {
    return (n + 3u) & ~(size_t)3u;
}

int gpw_finish(gpw *w, unsigned char **image, size_t *len) {
    if (!image || !len)
        return -1;
    *image = NULL;
    *len = 0;
    if (!w || w->failed)
        return -1;

    /* STRINGS payload: u32 length, bytes, zero padding */
    gpw_buf *strings = &w->sec[GANTRY_SEC_STRINGS];
    strings->len = 0;
    for (size_t i = 0; i < w->string_count; i++) {
        const gpw_str *s = &w->strings[i];
        static const unsigned char zeros[4] = {0};
        if (buf_u32(strings, (uint32_t)s->len) != 0 ||
            buf_put(strings, s->len ? w->string_bytes.data + s->offset : NULL, s->len) != 0 ||
            buf_put(strings, zeros, align4(s->len) - s->len) != 0) {
            w->failed = 1;
            return -1;
        }
    }

    /* Every required section, the correlation ones when the pack holds
     * correlations, and RULE_NAMES when some rule has a name, in id order. */
    uint32_t ids[GANTRY_SEC__COUNT];
    size_t nsec = 0;
    for (uint32_t id = 1; id <= GANTRY_SEC__COUNT; id++)
        if (gantry_section_info_of(id)->presence == GANTRY_SEC_REQUIRED ||
            (id == GANTRY_SEC_RULE_NAMES ? w->has_names : w->sec[GANTRY_SEC_CORRELATIONS].len > 0))
            ids[nsec++] = id;

    size_t total = GANTRY_PACK_HEADER_SIZE + nsec * GANTRY_PACK_SECTION_ENTRY_SIZE;
    for (size_t i = 0; i < nsec; i++)
        total += align4(w->sec[ids[i]].len);
    total += GANTRY_PACK_TRAILER_SIZE;
    if (total > GANTRY_MAX_PACK_BYTES) {
        w->failed = 1;
        return -1;
    }

    unsigned char *out = calloc(1, total);
    if (!out) {
        w->failed = 1;
        return -1;
    }
    memcpy(out, GANTRY_PACK_MAGIC, GANTRY_PACK_MAGIC_LEN);
    put_u32(out + 8, GANTRY_PACK_VERSION);
    put_u32(out + 12, (uint32_t)nsec);
    put_u32(out + 16, (uint32_t)total);
    put_u32(out + 20, 0);
    put_u32(out + 24, (uint32_t)(w->sec[GANTRY_SEC_RULES].len / GANTRY_RULE_RECORD_SIZE));
    put_u32(out + 28, 0);

    size_t offset = GANTRY_PACK_HEADER_SIZE + nsec * GANTRY_PACK_SECTION_ENTRY_SIZE;
    for (size_t i = 0; i < nsec; i++) {
        unsigned char *entry = out + GANTRY_PACK_HEADER_SIZE + i * GANTRY_PACK_SECTION_ENTRY_SIZE;
        const gpw_buf *sec = &w->sec[ids[i]];
        uint32_t record = gantry_section_info_of(ids[i])->record_size;
        put_u32(entry, ids[i]);
        put_u32(entry + 4, (uint32_t)offset);
        put_u32(entry + 8, (uint32_t)sec->len);
        put_u32(entry + 12, (uint32_t)(record ? sec->len / record : w->string_count));
        if (sec->len)
            memcpy(out + offset, sec->data, sec->len);
        offset += align4(sec->len);
    }

    uLong crc = crc32(0L, Z_NULL, 0);
    size_t body = total - GANTRY_PACK_TRAILER_SIZE;
    crc = crc32(crc, out, (uInt)body);
    put_u32(out + body, (uint32_t)crc);

    *image = out;
    *len = total;
    return 0;
}
