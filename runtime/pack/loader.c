/* SPDX-License-Identifier: Apache-2.0 */
/* Pack loader: checks the container (magic, version, length, CRC, section
 * table), decodes every section field by field into native arrays, checks
 * every cross-reference, then hands the result to the verifier. A pack is
 * untrusted input: every count, offset and index is checked before use. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pack.h"

static uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p) {
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

typedef grt_section sec_entry;

typedef struct decoder {
    const unsigned char *data;
    sec_entry sec[GANTRY_SEC__COUNT + 1]; /* by id */
    gantry_pack *pack;
    char *err;
    size_t err_size;
} decoder;

static gantry_status read_header(decoder *d, size_t size) {
    const unsigned char *p = d->data;
    size_t magic_seen = size < GANTRY_PACK_MAGIC_LEN ? size : GANTRY_PACK_MAGIC_LEN;
    if (memcmp(p, GANTRY_PACK_MAGIC, magic_seen) != 0)
        return grt_fail(d->err, d->err_size, GANTRY_E_MAGIC, "not a Gantry pack (bad magic)");
    if (size < 12)
        return grt_fail(d->err, d->err_size, GANTRY_E_TRUNCATED,
                        "pack truncated: %zu bytes, shorter than its header", size);
    uint32_t version = rd32(p + 8);
    if (version != GANTRY_PACK_VERSION)
        return grt_fail(d->err, d->err_size, GANTRY_E_VERSION,
                        "pack built by format %u, this runtime reads %u", (unsigned)version,
                        (unsigned)GANTRY_PACK_VERSION);
    if (size < GANTRY_PACK_HEADER_SIZE + GANTRY_PACK_TRAILER_SIZE)
        return grt_fail(d->err, d->err_size, GANTRY_E_TRUNCATED,
                        "pack truncated: %zu bytes, shorter than its header", size);
    uint32_t total = rd32(p + 16);
    if (total > size)
        return grt_fail(d->err, d->err_size, GANTRY_E_TRUNCATED,
                        "pack truncated: header says %u bytes, got %zu", (unsigned)total, size);
    if (total != size || total < GANTRY_PACK_HEADER_SIZE + GANTRY_PACK_TRAILER_SIZE)
        return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                        "header: file length field %u does not match the %zu bytes given",
                        (unsigned)total, size);
    uint32_t stored = rd32(p + size - GANTRY_PACK_TRAILER_SIZE);
    uint32_t crc =
        (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)(size - GANTRY_PACK_TRAILER_SIZE));
    if (crc != stored)
        return grt_fail(d->err, d->err_size, GANTRY_E_CRC,
                        "pack checksum mismatch: stored %08x, computed %08x", (unsigned)stored,
                        (unsigned)crc);
    if (rd32(p + 20) != 0 || rd32(p + 28) != 0)
        return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                        "header: flags and reserved fields must be zero");

    uint32_t nsec = rd32(p + 12);
    size_t body_end = size - GANTRY_PACK_TRAILER_SIZE;
    if (nsec > (body_end - GANTRY_PACK_HEADER_SIZE) / GANTRY_PACK_SECTION_ENTRY_SIZE)
        return grt_fail(d->err, d->err_size, GANTRY_E_TRUNCATED,
                        "section table of %u entries runs past the end of the pack",
                        (unsigned)nsec);
    size_t table_end = GANTRY_PACK_HEADER_SIZE + (size_t)nsec * GANTRY_PACK_SECTION_ENTRY_SIZE;
    for (uint32_t i = 0; i < nsec; i++) {
        const unsigned char *e = p + GANTRY_PACK_HEADER_SIZE + (size_t)i * 16;
        uint32_t id = rd32(e), off = rd32(e + 4), sz = rd32(e + 8), count = rd32(e + 12);
        const gantry_section_info *si = gantry_section_info_of(id);
        if (!si)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section table entry %u (offset %zu): unknown section id %u",
                            (unsigned)i, (size_t)(e - p), (unsigned)id);
        const char *name = si->name;
        if (d->sec[id].present)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section %s listed twice in the section table (entry %u, offset "
                            "%zu)",
                            name, (unsigned)i, (size_t)(e - p));
        if (off % 4 != 0)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section %s: offset %u is not 4-byte aligned", name, (unsigned)off);
        if (off < table_end || off > body_end || sz > body_end - off)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section %s: bytes %u..%u lie outside the pack payload area", name,
                            (unsigned)off, (unsigned)(off + (uint64_t)sz));
        if (si->record_size && (uint64_t)count * si->record_size != sz)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section %s at offset %u: %u records of %u bytes do not fill its %u "
                            "bytes",
                            name, (unsigned)off, (unsigned)count, (unsigned)si->record_size,
                            (unsigned)sz);
        d->sec[id] = (sec_entry){1, off, sz, count};
    }
    for (uint32_t id = 1; id <= GANTRY_SEC__COUNT; id++)
        if (!d->sec[id].present && gantry_section_info_of(id)->presence == GANTRY_SEC_REQUIRED)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION, "section %s is missing",
                            gantry_section_info_of(id)->name);
    if (rd32(p + 24) != d->sec[GANTRY_SEC_RULES].count)
        return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                        "header rule count %u differs from the RULES section count %u",
                        (unsigned)rd32(p + 24), (unsigned)d->sec[GANTRY_SEC_RULES].count);
    if (d->sec[GANTRY_SEC_RULES].count > GANTRY_MAX_RULES)
        return grt_fail(d->err, d->err_size, GANTRY_E_LIMIT, "pack has more than %u rules",
                        (unsigned)GANTRY_MAX_RULES);
    if (d->sec[GANTRY_SEC_FIELDS].count > GANTRY_MAX_FIELDS)
        return grt_fail(d->err, d->err_size, GANTRY_E_LIMIT, "pack has more than %u fields",
                        (unsigned)GANTRY_MAX_FIELDS);
    return GANTRY_OK;
}

static void *alloc_array(size_t count, size_t size) {
    return calloc(count ? count : 1, size);
}

static gantry_status read_strings(decoder *d) {
    const sec_entry *s = &d->sec[GANTRY_SEC_STRINGS];
    gantry_pack *pk = d->pack;
    /* each string needs at least its 4-byte length */
    if (s->count > s->size / 4 || s->count == 0)
        return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                        "section STRINGS: %u strings cannot fit in %u bytes", (unsigned)s->count,
                        (unsigned)s->size);
    pk->nstrings = s->count;
    pk->strs = alloc_array(s->count, sizeof *pk->strs);
    pk->str_lens = alloc_array(s->count, sizeof *pk->str_lens);
    pk->arena = malloc((size_t)s->size + s->count);
    if (!pk->strs || !pk->str_lens || !pk->arena)
        return GANTRY_E_NOMEM;
    const unsigned char *p = d->data + s->offset;
    size_t pos = 0, out = 0;
    for (uint32_t i = 0; i < s->count; i++) {
        if (s->size - pos < 4)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section STRINGS: string %u at offset %zu runs past the section end",
                            (unsigned)i, s->offset + pos);
        uint32_t len = rd32(p + pos);
        pos += 4;
        size_t padded = ((size_t)len + 3) & ~(size_t)3;
        if (len > GANTRY_MAX_STRING_BYTES || padded > s->size - pos)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section STRINGS: string %u (%u bytes) at offset %zu runs past the "
                            "section end",
                            (unsigned)i, (unsigned)len, s->offset + pos - 4);
        memcpy(pk->arena + out, p + pos, len);
        pk->arena[out + len] = 0;
        pk->strs[i] = pk->arena + out;
        pk->str_lens[i] = len;
        out += (size_t)len + 1;
        pos += padded;
    }
    if (pos != s->size)
        return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                        "section STRINGS: %zu unused bytes after the last string", s->size - pos);
    if (pk->str_lens[0] != 0)
        return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                        "section STRINGS: string 0 must be the empty string");
    return GANTRY_OK;
}

/* A string reference: must be a valid index, or GANTRY_NO_STRING if allowed. */
static int bad_str(const gantry_pack *pk, uint32_t s, int optional) {
    if (s == GANTRY_NO_STRING)
        return !optional;
    return s >= pk->nstrings;
}

/* `off` is the record's offset in the file, so a tool can find the bytes. */
#define BAD_STRING(off, where, ...)                                                                \
    grt_fail(d->err, d->err_size, GANTRY_E_SECTION, "bad string index at offset %zu in " where,    \
             (size_t)(off), __VA_ARGS__)

static gantry_status read_tables(decoder *d) {
    gantry_pack *pk = d->pack;
    const unsigned char *base;
    const sec_entry *s;

    s = &d->sec[GANTRY_SEC_FIELDS];
    base = d->data + s->offset;
    pk->nfields = s->count;
    if (!(pk->fields = alloc_array(s->count, sizeof *pk->fields)))
        return GANTRY_E_NOMEM;
    for (uint32_t i = 0; i < s->count; i++) {
        pk->fields[i] = rd32(base + (size_t)i * 4);
        if (bad_str(pk, pk->fields[i], 0))
            return BAD_STRING(s->offset + (size_t)i * 4, "section FIELDS entry %u", (unsigned)i);
        uint32_t dots = 0;
        for (uint32_t k = 0; k < pk->str_lens[pk->fields[i]]; k++)
            dots += pk->strs[pk->fields[i]][k] == '.';
        if (dots >= GANTRY_MAX_FIELD_DEPTH)
            return grt_fail(d->err, d->err_size, GANTRY_E_LIMIT,
                            "section FIELDS entry %u: more than %u path components", (unsigned)i,
                            (unsigned)GANTRY_MAX_FIELD_DEPTH);
    }

    s = &d->sec[GANTRY_SEC_CONSTS];
    base = d->data + s->offset;
    pk->nconsts = s->count;
    if (!(pk->consts = alloc_array(s->count, sizeof *pk->consts)))
        return GANTRY_E_NOMEM;
    for (uint32_t i = 0; i < s->count; i++) {
        const unsigned char *r = base + (size_t)i * 16;
        grt_const *c = &pk->consts[i];
        c->kind = r[0];
        c->text = rd32(r + 4);
        uint64_t bits = rd64(r + 8);
        memcpy(&c->num, &bits, sizeof c->num);
        if (c->kind > GANTRY_CONST_NULL || r[1] || r[2] || r[3])
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section CONSTS entry %u (offset %zu): unknown kind %u or non-zero "
                            "padding",
                            (unsigned)i, s->offset + (size_t)i * 16, (unsigned)c->kind);
        if (bad_str(pk, c->text, 0))
            return BAD_STRING(s->offset + (size_t)i * 16, "section CONSTS entry %u", (unsigned)i);
        if (c->kind == GANTRY_CONST_NUMBER) {
            c->num_ok = c->num == c->num; /* NaN compares with nothing */
        } else if (c->kind == GANTRY_CONST_STRING && pk->str_lens[c->text] > 0) {
            char *end = NULL;
            c->num = strtod(pk->strs[c->text], &end);
            c->num_ok = end == pk->strs[c->text] + pk->str_lens[c->text] && c->num == c->num;
        } else if (c->kind != GANTRY_CONST_BOOL) {
            c->num = 0;
        }
    }

    s = &d->sec[GANTRY_SEC_LIST_ITEMS];
    base = d->data + s->offset;
    pk->nlist_items = s->count;
    if (!(pk->list_items = alloc_array(s->count, sizeof *pk->list_items)))
        return GANTRY_E_NOMEM;
    for (uint32_t i = 0; i < s->count; i++) {
        pk->list_items[i] = rd32(base + (size_t)i * 4);
        if (pk->list_items[i] >= pk->nconsts)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section LIST_ITEMS entry %u (offset %zu): constant index %u out of "
                            "range",
                            (unsigned)i, s->offset + (size_t)i * 4, (unsigned)pk->list_items[i]);
    }

    s = &d->sec[GANTRY_SEC_LISTS];
    base = d->data + s->offset;
    pk->nlists = s->count;
    if (!(pk->lists = alloc_array(s->count, sizeof *pk->lists)))
        return GANTRY_E_NOMEM;
    for (uint32_t i = 0; i < s->count; i++) {
        grt_slice *l = &pk->lists[i];
        l->first = rd32(base + (size_t)i * 8);
        l->count = rd32(base + (size_t)i * 8 + 4);
        if (l->first > pk->nlist_items || l->count > pk->nlist_items - l->first)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section LISTS entry %u (offset %zu): items %u+%u outside LIST_ITEMS",
                            (unsigned)i, s->offset + (size_t)i * 8, (unsigned)l->first,
                            (unsigned)l->count);
    }

    s = &d->sec[GANTRY_SEC_REGEXES];
    base = d->data + s->offset;
    pk->nregexes = s->count;
    if (!(pk->regexes = alloc_array(s->count, sizeof *pk->regexes)))
        return GANTRY_E_NOMEM;
    for (uint32_t i = 0; i < s->count; i++) {
        pk->regexes[i].pattern = rd32(base + (size_t)i * 8);
        pk->regexes[i].flags = rd32(base + (size_t)i * 8 + 4);
        if (bad_str(pk, pk->regexes[i].pattern, 0))
            return BAD_STRING(s->offset + (size_t)i * 8, "section REGEXES entry %u", (unsigned)i);
        if (pk->regexes[i].flags & ~GANTRY_RE_KNOWN)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section REGEXES entry %u: unknown flag bits %#x", (unsigned)i,
                            (unsigned)(pk->regexes[i].flags & ~GANTRY_RE_KNOWN));
    }

    const uint32_t insn_ids[2] = {GANTRY_SEC_PREDICATES, GANTRY_SEC_CODE};
    for (int t = 0; t < 2; t++) {
        s = &d->sec[insn_ids[t]];
        base = d->data + s->offset;
        struct gantry_insn *arr = alloc_array(s->count, sizeof *arr);
        if (!arr)
            return GANTRY_E_NOMEM;
        for (uint32_t i = 0; i < s->count; i++) {
            const unsigned char *r = base + (size_t)i * 12;
            arr[i].op = r[0];
            arr[i].flags = r[1];
            arr[i].reserved = (uint16_t)(r[2] | r[3] << 8);
            arr[i].a = rd32(r + 4);
            arr[i].b = rd32(r + 8);
        }
        if (t == 0) {
            pk->preds = arr;
            pk->npreds = s->count;
        } else {
            pk->code = arr;
            pk->ncode = s->count;
        }
    }

    s = &d->sec[GANTRY_SEC_STRLISTS];
    base = d->data + s->offset;
    pk->nstrlists = s->count;
    if (!(pk->strlists = alloc_array(s->count, sizeof *pk->strlists)))
        return GANTRY_E_NOMEM;
    for (uint32_t i = 0; i < s->count; i++) {
        pk->strlists[i] = rd32(base + (size_t)i * 4);
        if (bad_str(pk, pk->strlists[i], 0))
            return BAD_STRING(s->offset + (size_t)i * 4, "section STRLISTS entry %u", (unsigned)i);
    }

    s = &d->sec[GANTRY_SEC_NAMED_LISTS];
    base = d->data + s->offset;
    pk->nnamed_lists = s->count;
    if (!(pk->named_lists = alloc_array(s->count, sizeof *pk->named_lists)))
        return GANTRY_E_NOMEM;
    for (uint32_t i = 0; i < s->count; i++) {
        pk->named_lists[i][0] = rd32(base + (size_t)i * 8);
        pk->named_lists[i][1] = rd32(base + (size_t)i * 8 + 4);
        if (bad_str(pk, pk->named_lists[i][0], 0))
            return BAD_STRING(s->offset + (size_t)i * 8, "section NAMED_LISTS entry %u",
                              (unsigned)i);
        if (pk->named_lists[i][1] >= pk->nlists)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "section NAMED_LISTS entry %u: list index %u out of range", (unsigned)i,
                            (unsigned)pk->named_lists[i][1]);
    }
    return GANTRY_OK;
}

static int bad_strlist(const gantry_pack *pk, grt_slice sl) {
    return sl.first > pk->nstrlists || sl.count > pk->nstrlists - sl.first;
}

static const char *str_or_empty(const gantry_pack *pk, uint32_t s) {
    return s == GANTRY_NO_STRING ? "" : pk->strs[s];
}

static gantry_status read_rules(decoder *d) {
    gantry_pack *pk = d->pack;
    const sec_entry *s = &d->sec[GANTRY_SEC_RULES];
    pk->nrules = s->count;
    pk->rules = alloc_array(s->count, sizeof *pk->rules);
    pk->infos = alloc_array(s->count, sizeof *pk->infos);
    if (!pk->rules || !pk->infos)
        return GANTRY_E_NOMEM;
    for (uint32_t i = 0; i < s->count; i++) {
        const unsigned char *r = d->data + s->offset + (size_t)i * GANTRY_RULE_RECORD_SIZE;
        uint32_t f[GANTRY_RULE_RECORD_SIZE / 4];
        for (size_t k = 0; k < GANTRY_RULE_RECORD_SIZE / 4; k++)
            f[k] = rd32(r + k * 4);
        grt_rule *rule = &pk->rules[i];
        *rule = (grt_rule){.id = f[0],
                           .title = f[1],
                           .description = f[2],
                           .author = f[3],
                           .date = f[4],
                           .modified = f[5],
                           .status = f[6],
                           .level = f[7],
                           .product = f[8],
                           .category = f[9],
                           .service = f[10],
                           .tags = {f[11], f[12]},
                           .refs = {f[13], f[14]},
                           .fps = {f[15], f[16]},
                           .code = {f[17], f[18]},
                           .source_file = f[19],
                           .source_line = f[20],
                           .flags = f[21]};
        static const int string_slots[] = {0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 19};
        for (size_t k = 0; k < sizeof string_slots / sizeof string_slots[0]; k++)
            if (bad_str(pk, f[string_slots[k]], 1))
                return BAD_STRING(
                    s->offset + (size_t)i * GANTRY_RULE_RECORD_SIZE + (size_t)string_slots[k] * 4,
                    "rule %u, record field at byte %d", (unsigned)i, string_slots[k] * 4);
        if (rule->level > GANTRY_LEVEL_CRITICAL || rule->flags != 0)
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "rule %u: unknown level %u or non-zero flags", (unsigned)i,
                            (unsigned)rule->level);
        if (bad_strlist(pk, rule->tags) || bad_strlist(pk, rule->refs) ||
            bad_strlist(pk, rule->fps))
            return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                            "rule %u: tag, reference or false-positive slice outside STRLISTS",
                            (unsigned)i);
        gantry_rule_info *info = &pk->infos[i];
        *info = (gantry_rule_info){.index = i,
                                   .id = str_or_empty(pk, rule->id),
                                   .title = str_or_empty(pk, rule->title),
                                   .description = str_or_empty(pk, rule->description),
                                   .author = str_or_empty(pk, rule->author),
                                   .date = str_or_empty(pk, rule->date),
                                   .status = str_or_empty(pk, rule->status),
                                   .level = (gantry_level)rule->level,
                                   .logsource_product = str_or_empty(pk, rule->product),
                                   .logsource_category = str_or_empty(pk, rule->category),
                                   .logsource_service = str_or_empty(pk, rule->service),
                                   .tag_count = rule->tags.count,
                                   .reference_count = rule->refs.count,
                                   .falsepositive_count = rule->fps.count};
    }
    return GANTRY_OK;
}

/* The optional RULE_NAMES section: one name (or none) per rule. */
static gantry_status read_rule_names(decoder *d) {
    const sec_entry *s = &d->sec[GANTRY_SEC_RULE_NAMES];
    gantry_pack *pk = d->pack;
    if (!s->present)
        return GANTRY_OK;
    if (s->count != pk->nrules)
        return grt_fail(d->err, d->err_size, GANTRY_E_SECTION,
                        "section RULE_NAMES: %u names for %u rules", (unsigned)s->count,
                        (unsigned)pk->nrules);
    pk->rule_names = alloc_array(s->count, sizeof *pk->rule_names);
    if (!pk->rule_names)
        return GANTRY_E_NOMEM;
    for (uint32_t i = 0; i < s->count; i++) {
        uint32_t name = rd32(d->data + s->offset + (size_t)i * 4);
        if (bad_str(pk, name, 1))
            return BAD_STRING(s->offset + (size_t)i * 4, "section RULE_NAMES entry %u",
                              (unsigned)i);
        pk->rule_names[i] = name;
    }
    return GANTRY_OK;
}

static grt_corr_sections corr_sections(const decoder *d) {
    grt_corr_sections cs;
    for (int k = 0; k < 3; k++) {
        const sec_entry *e = &d->sec[GANTRY_SEC_CORRELATIONS + k];
        cs.present[k] = e->present;
        cs.offset[k] = e->offset;
        cs.count[k] = e->count;
    }
    return cs;
}

/* Decodes the container and the core sections into a new pack; the caller
 * (runtime/api/load.c) decodes the optional sections, verifies and prepares
 * the runtime indexes. */
gantry_status grt_pack_read(const unsigned char *data, size_t size, gantry_pack **out,
                            grt_corr_sections *corr, char *err, size_t err_size) {
    *out = NULL;
    decoder d = {.data = data, .err = err, .err_size = err_size};
    gantry_status st = read_header(&d, size);
    if (st != GANTRY_OK)
        return st;
    d.pack = calloc(1, sizeof *d.pack);
    if (!d.pack)
        return GANTRY_E_NOMEM;
    memcpy(d.pack->sections, d.sec, sizeof d.sec);
    if ((st = read_strings(&d)) == GANTRY_OK && (st = read_tables(&d)) == GANTRY_OK &&
        (st = read_rules(&d)) == GANTRY_OK)
        st = read_rule_names(&d);
    *corr = corr_sections(&d);
    *out = d.pack;
    return st;
}
