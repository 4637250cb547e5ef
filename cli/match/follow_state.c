/* SPDX-License-Identifier: Apache-2.0 */
/* The --state file of `gantry match --follow`: one header line naming the
 * format, its version and the CRC-32 of the rest, then a JSON document
 * (docs/live.md shows one). Anything unexpected in it is refused: a state
 * that cannot be trusted must never turn into a silent restart from zero,
 * which would match every line again. */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "follow.h"

#define MAGIC "gantry-follow-state"
#define VERSION 1
/* A state names a few files; anything this big is not one. */
#define MAX_STATE_BYTES (16u << 20)
/* Offsets and line numbers are JSON numbers: exact up to 2^53. */
#define MAX_EXACT 9007199254740992.0

uint32_t gmr_crc32(const void *data, size_t len) {
    uLong crc = crc32(0L, Z_NULL, 0);
    const unsigned char *p = data;
    while (len > 0) {
        uInt n = len > UINT_MAX ? UINT_MAX : (uInt)len;
        crc = crc32(crc, p, n);
        p += n;
        len -= n;
    }
    return (uint32_t)crc;
}

void gmr_fstate_free(gmr_fstate *state) {
    for (size_t i = 0; i < state->count; i++)
        free(state->files[i].path);
    free(state->files);
    state->files = NULL;
    state->count = 0;
}

static int fail(char *err, size_t size, const char *fmt, const char *detail) {
    snprintf(err, size, fmt, detail);
    return -1;
}

/* A whole number from a JSON number in 0..max, or a decimal string (device
 * and inode numbers may need all 64 bits). */
static int get_u64(const cJSON *obj, const char *key, uint64_t max, uint64_t *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!(d >= 0 && d <= MAX_EXACT) || d != (double)(uint64_t)d || (uint64_t)d > max)
            return -1;
        *out = (uint64_t)d;
        return 0;
    }
    if (cJSON_IsString(v) && v->valuestring[0] >= '0' && v->valuestring[0] <= '9') {
        char *end = NULL;
        errno = 0;
        unsigned long long n = strtoull(v->valuestring, &end, 10);
        if (errno || *end || n > max)
            return -1;
        *out = n;
        return 0;
    }
    return -1;
}

static int parse_file(const cJSON *item, size_t operand_count, gmr_fstate_file *f) {
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(item, "path");
    const cJSON *parked = cJSON_GetObjectItemCaseSensitive(item, "parked");
    const cJSON *crc = cJSON_GetObjectItemCaseSensitive(item, "head_crc32");
    uint64_t operand, head_len;
    if (!cJSON_IsObject(item) || !cJSON_IsString(path) || !cJSON_IsBool(parked) ||
        !cJSON_IsString(crc) || strlen(crc->valuestring) != 8 ||
        strspn(crc->valuestring, "0123456789abcdef") != 8 ||
        get_u64(item, "operand", operand_count ? operand_count - 1 : 0, &operand) != 0 ||
        operand >= operand_count || get_u64(item, "dev", UINT64_MAX, &f->dev) != 0 ||
        get_u64(item, "ino", UINT64_MAX, &f->ino) != 0 ||
        get_u64(item, "offset", UINT64_MAX, &f->offset) != 0 ||
        get_u64(item, "line", UINT64_MAX, &f->line) != 0 ||
        get_u64(item, "head_bytes", GMR_HEAD_MAX, &head_len) != 0)
        return -1;
    f->operand = (size_t)operand;
    f->head_len = (uint32_t)head_len;
    f->head_crc = (uint32_t)strtoul(crc->valuestring, NULL, 16);
    f->parked = cJSON_IsTrue(parked);
    f->path = strdup(path->valuestring);
    return f->path ? 0 : -1;
}

int gmr_fstate_parse(const char *text, size_t len, const char *const *operands,
                     size_t operand_count, gmr_fstate *out, char *err, size_t err_size) {
    memset(out, 0, sizeof *out);
    size_t magic_len = strlen(MAGIC);
    if (len < magic_len + 1 || memcmp(text, MAGIC, magic_len) != 0 || text[magic_len] != ' ')
        return fail(err, err_size, "not a gantry follow state file (it must begin with '%s')",
                    MAGIC);
    const char *nl = memchr(text, '\n', len);
    if (!nl)
        return fail(err, err_size, "truncated: %s", "its header line has no end");
    char header[128];
    size_t hlen = (size_t)(nl - text);
    if (hlen >= sizeof header)
        return fail(err, err_size, "corrupt: %s", "its header line is too long");
    memcpy(header, text, hlen);
    header[hlen] = '\0';
    unsigned version = 0;
    char crc_text[9] = "";
    int fields = sscanf(header + magic_len, " %u crc32=%8[0-9a-f]", &version, crc_text);
    if (fields >= 1 && version != VERSION) {
        char v[32];
        snprintf(v, sizeof v, "%u", version);
        return fail(err, err_size,
                    "written in version %s of the format; this gantry reads version "
                    "1 only",
                    v);
    }
    if (fields != 2 || strlen(crc_text) != 8)
        return fail(err, err_size, "corrupt: %s",
                    "its header line is not 'gantry-follow-state 1 "
                    "crc32=XXXXXXXX'");
    const char *body = nl + 1;
    size_t body_len = len - hlen - 1;
    if ((uint32_t)strtoul(crc_text, NULL, 16) != gmr_crc32(body, body_len))
        return fail(err, err_size, "corrupt or truncated: %s",
                    "its checksum does not match its contents");
    cJSON *root = cJSON_ParseWithLength(body, body_len);
    const cJSON *ops = cJSON_GetObjectItemCaseSensitive(root, "operands");
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(root, "files");
    if (!cJSON_IsObject(root) || !cJSON_IsArray(ops) || !cJSON_IsArray(files)) {
        cJSON_Delete(root);
        return fail(err, err_size, "corrupt: %s", "its contents are not the expected JSON object");
    }
    /* A state is about the paths it was written for: another set of paths
     * would silently read some files again, or skip some. */
    int same = (size_t)cJSON_GetArraySize(ops) == operand_count;
    for (size_t i = 0; same && i < operand_count; i++) {
        const cJSON *o = cJSON_GetArrayItem(ops, (int)i);
        same = cJSON_IsString(o) && strcmp(o->valuestring, operands[i]) == 0;
    }
    if (!same) {
        char *listed = cJSON_PrintUnformatted(ops);
        snprintf(err, err_size,
                 "written for other paths (%s); follow the same paths in the same order, or "
                 "give another --state file",
                 listed ? listed : "?");
        cJSON_free(listed); /* cJSON's allocator (cjson_arena.h) */
        cJSON_Delete(root);
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(files);
    out->files = n ? calloc(n, sizeof *out->files) : NULL;
    if (n && !out->files) {
        cJSON_Delete(root);
        return fail(err, err_size, "%s", "out of memory");
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, files) {
        if (parse_file(item, operand_count, &out->files[out->count]) != 0) {
            free(out->files[out->count].path);
            gmr_fstate_free(out);
            cJSON_Delete(root);
            return fail(err, err_size, "corrupt: %s",
                        "an entry of \"files\" lacks a field or has a value out of range");
        }
        out->count++;
    }
    cJSON_Delete(root);
    return 0;
}

int gmr_fstate_load(const char *path, const char *const *operands, size_t operand_count,
                    gmr_fstate *out, char *err, size_t err_size) {
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 1;
        return fail(err, err_size, "cannot read it: %s", strerror(errno));
    }
    char *text = malloc(MAX_STATE_BYTES + 1);
    size_t len = text ? fread(text, 1, MAX_STATE_BYTES + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    int rc;
    if (!text)
        rc = fail(err, err_size, "%s", "out of memory");
    else if (bad)
        rc = fail(err, err_size, "cannot read it: %s", "read error");
    else if (len > MAX_STATE_BYTES)
        rc = fail(err, err_size, "not a gantry follow state file (%s)", "larger than 16 MiB");
    else if (len == 0)
        rc = fail(err, err_size, "truncated: %s", "it is empty");
    else
        rc = gmr_fstate_parse(text, len, operands, operand_count, out, err, err_size);
    free(text);
    return rc;
}

static char *render(const char *const *operands, size_t operand_count, const gmr_fstate *state) {
    cJSON *root = cJSON_CreateObject();
    cJSON *ops = cJSON_AddArrayToObject(root, "operands");
    cJSON *files = cJSON_AddArrayToObject(root, "files");
    int ok = root && ops && files;
    for (size_t i = 0; ok && i < operand_count; i++)
        ok = cJSON_AddItemToArray(ops, cJSON_CreateString(operands[i]));
    for (size_t i = 0; ok && i < state->count; i++) {
        const gmr_fstate_file *f = &state->files[i];
        char dev[24], ino[24], crc[9];
        snprintf(dev, sizeof dev, "%" PRIu64, f->dev);
        snprintf(ino, sizeof ino, "%" PRIu64, f->ino);
        snprintf(crc, sizeof crc, "%08" PRIx32, f->head_crc);
        cJSON *o = cJSON_CreateObject();
        ok = o && cJSON_AddItemToArray(files, o) && cJSON_AddStringToObject(o, "path", f->path) &&
             cJSON_AddNumberToObject(o, "operand", (double)f->operand) &&
             cJSON_AddStringToObject(o, "dev", dev) && cJSON_AddStringToObject(o, "ino", ino) &&
             cJSON_AddNumberToObject(o, "offset", (double)f->offset) &&
             cJSON_AddNumberToObject(o, "line", (double)f->line) &&
             cJSON_AddNumberToObject(o, "head_bytes", (double)f->head_len) &&
             cJSON_AddStringToObject(o, "head_crc32", crc) &&
             cJSON_AddBoolToObject(o, "parked", f->parked);
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    /* the caller grows it with realloc: malloc's copy, not cJSON's
     * allocator (cjson_arena.h) */
    char *copy = text ? strdup(text) : NULL;
    cJSON_free(text);
    return copy;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int gmr_fstate_lock(const char *path, char *err, size_t err_size) {
    size_t len = strlen(path) + sizeof ".lock";
    char *lock = malloc(len);
    if (!lock) {
        fail(err, err_size, "%s", "out of memory");
        return -1;
    }
    snprintf(lock, len, "%s.lock", path);
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fail(err, err_size, "cannot make its lock file: %s", strerror(errno));
    } else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK;
        fail(err, err_size, busy ? "in use by another gantry (%s is locked)" : "cannot lock %s",
             lock);
        close(fd);
        fd = -1;
    }
    free(lock);
    return fd;
}

int gmr_fstate_save(const char *path, const char *const *operands, size_t operand_count,
                    const gmr_fstate *state, char *err, size_t err_size) {
    char *body = render(operands, operand_count, state);
    size_t tmp_len = strlen(path) + 8;
    char *tmp = malloc(tmp_len);
    if (!body || !tmp) {
        free(body);
        free(tmp);
        return fail(err, err_size, "%s", "out of memory");
    }
    snprintf(tmp, tmp_len, "%s.tmp", path);
    /* the body ends in a newline, which the checksum covers */
    size_t body_len = strlen(body);
    char *grown = realloc(body, body_len + 2);
    if (!grown) {
        free(body);
        free(tmp);
        return fail(err, err_size, "%s", "out of memory");
    }
    body = grown;
    body[body_len++] = '\n';
    body[body_len] = '\0';
    char header[64];
    int hlen = snprintf(header, sizeof header, MAGIC " %d crc32=%08" PRIx32 "\n", VERSION,
                        gmr_crc32(body, body_len));
    int rc = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, header, (size_t)hlen) != 0 || write_all(fd, body, body_len) != 0 ||
        fsync(fd) != 0) {
        rc = fail(err, err_size, "cannot write it: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
    } else if (close(fd) != 0 || rename(tmp, path) != 0) {
        rc = fail(err, err_size, "cannot write it: %s", strerror(errno));
        unlink(tmp);
    } else {
        /* the rename itself must survive a crash */
        char *slash = strrchr(tmp, '/');
        const char *dir = ".";
        if (slash) {
            *slash = '\0';
            dir = slash == tmp ? "/" : tmp;
        }
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    free(tmp);
    free(body);
    return rc;
}
