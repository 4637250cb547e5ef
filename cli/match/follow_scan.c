/* SPDX-License-Identifier: Apache-2.0 */
/* Looking at the operands of `gantry match --follow`: watches, files that
 * appear, are replaced, renamed or deleted, directories listed, and the
 * files a --state names found again after a rotation while gantry was
 * stopped. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow_files.h"

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    return p;
}

static void watch(gmr_follower *fl, size_t op) {
    if (fl->inotify_fd < 0 || fl->wd[op] >= 0)
        return;
    const char *path = fl->operands[op];
    char *dir = NULL;
    if (!fl->is_dir[op]) {
        const char *slash = strrchr(path, '/');
        dir = !slash ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
        if (!dir)
            return;
        path = dir;
    }
    /* Events on the directory and on each file in it: a change of either
     * wakes the loop; a directory not there yet is looked for by polling. */
    fl->wd[op] =
        inotify_add_watch(fl->inotify_fd, path,
                          IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                              IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_CLOSE_WRITE);
    free(dir);
}

/* A file operand rotated by rename while gantry was stopped: the file the
 * state names is looked for beside the path under another name, and its
 * rest is read before the file that now has the name. */
static void recover_rotated(gmr_follower *fl, size_t op) {
    const char *path = fl->operands[op];
    struct stat now;
    int have_now = stat(path, &now) == 0;
    for (size_t i = 0; i < fl->restore->count; i++) {
        const gmr_fstate_file *s = &fl->restore->files[i];
        if (s->used || s->operand != op ||
            (have_now && (uint64_t)now.st_dev == s->dev && (uint64_t)now.st_ino == s->ino))
            continue;
        const char *slash = strrchr(path, '/');
        char *dirpath =
            !slash ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
        DIR *dir = dirpath ? opendir(dirpath) : NULL;
        struct dirent *de;
        char *found = NULL;
        while (dir && !found && (de = readdir(dir)) != NULL) {
            struct stat st;
            if (fstatat(dirfd(dir), de->d_name, &st, 0) == 0 && S_ISREG(st.st_mode) &&
                (uint64_t)st.st_dev == s->dev && (uint64_t)st.st_ino == s->ino)
                found = join(dirpath, de->d_name);
        }
        if (dir)
            closedir(dir);
        free(dirpath);
        if (!found)
            continue;
        size_t before = fl->count;
        if (gmr_ff_add(fl, op, found) == 0 && fl->count > before) {
            char what[512];
            snprintf(what, sizeof what,
                     "rotated while gantry was stopped: reading the rest of it as %s", found);
            gmr_ff_say(fl, path, what);
            gmr_ff_finish(fl, fl->count - 1);
        }
        free(found);
    }
}

static void scan_file(gmr_follower *fl, size_t op) {
    const char *path = fl->operands[op];
    struct stat st;
    gmr_ffile *open_one = NULL;
    if (fl->restore)
        recover_rotated(fl, op);
    for (size_t i = 0; i < fl->count && !open_one; i++)
        if (fl->files[i]->operand == op)
            open_one = fl->files[i];
    if (stat(path, &st) != 0) {
        if (open_one) {
            struct stat ost;
            /* renamed away: still read until a new file takes the name */
            open_one->seen = fstat(open_one->fd, &ost) == 0 && ost.st_nlink > 0;
            gmr_ff_tell(fl, op, SAID_GONE,
                        "gone (renamed or deleted); waiting for it to appear again");
        } else if (fl->said[op] != SAID_GONE) {
            gmr_ff_tell(fl, op, SAID_WAITING,
                        errno == ENOENT ? "does not exist yet; waiting for it" : strerror(errno));
        }
        return;
    }
    if (open_one && open_one->dev == (uint64_t)st.st_dev && open_one->ino == (uint64_t)st.st_ino) {
        open_one->seen = 1;
        return;
    }
    /* Replaced by another file: the old one is read to its end first. */
    if (open_one)
        for (size_t i = 0; i < fl->count; i++)
            if (fl->files[i] == open_one)
                gmr_ff_finish(fl, i);
    if (gmr_ff_add(fl, op, path) == 0)
        gmr_ff_tell(fl, op, SAID_NOTHING, NULL);
    if (fl->said[op] == SAID_NOTHING && open_one)
        gmr_ff_say(fl, path, "replaced by a new file (rotated); reading the new one");
}

typedef struct entry {
    char *name;
    struct timespec mtime;
} entry;

/* Oldest first: rotated files hold the earlier lines. */
static int by_age(const void *a, const void *b) {
    const entry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Compressed files in a log directory are rotated files packed after they
 * were read: their lines came through the file they were. */
static int skipped_name(const char *name) {
    static const char *const suffixes[] = {".gz", ".xz", ".zst", ".bz2", ".zip", ".md", ".tmp"};
    size_t n = strlen(name);
    if (name[0] == '.')
        return 1;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && strcmp(name + n - k, suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

/* gantry's own files in a followed directory are not input: its output
 * would match itself again, its state file and that file's lock are no
 * logs. */
static int own_file(const gmr_follower *fl, const struct stat *st) {
    struct stat own;
    if (fstat(STDOUT_FILENO, &own) == 0 && S_ISREG(own.st_mode) && own.st_dev == st->st_dev &&
        own.st_ino == st->st_ino)
        return 1;
    if (fl->state_lock_fd >= 0 && fstat(fl->state_lock_fd, &own) == 0 && own.st_dev == st->st_dev &&
        own.st_ino == st->st_ino)
        return 1;
    return fl->cfg->follow_state && stat(fl->cfg->follow_state, &own) == 0 &&
           own.st_dev == st->st_dev && own.st_ino == st->st_ino;
}

static void scan_dir(gmr_follower *fl, size_t op) {
    const char *dirpath = fl->operands[op];
    DIR *dir = opendir(dirpath);
    if (!dir) {
        /* files already open are still read */
        for (size_t i = 0; i < fl->count; i++)
            if (fl->files[i]->operand == op)
                fl->files[i]->seen = 1;
        gmr_ff_tell(fl, op, SAID_WAITING,
                    errno == ENOENT ? "directory does not exist yet; waiting for it"
                                    : strerror(errno));
        return;
    }
    gmr_ff_tell(fl, op, SAID_NOTHING, NULL);
    entry *list = NULL;
    size_t count = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        struct stat st;
        if (skipped_name(de->d_name) || fstatat(dirfd(dir), de->d_name, &st, 0) != 0 ||
            !S_ISREG(st.st_mode) || own_file(fl, &st))
            continue;
        gmr_ffile *known = gmr_ff_find(fl, op, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
        char *path = join(dirpath, de->d_name);
        if (!path)
            break;
        if (known) {
            known->seen = 1;
            if (strcmp(known->path, path) != 0) { /* renamed: lines go on under its new name */
                free(known->path);
                known->path = path;
                if (fl->current == known)
                    fl->current = NULL;
            } else {
                free(path);
            }
            continue;
        }
        if (count == cap) {
            entry *p = realloc(list, (cap * 2 + 16) * sizeof *list);
            if (!p) {
                free(path);
                break;
            }
            list = p;
            cap = cap * 2 + 16;
        }
        list[count++] = (entry){path, st.st_mtim};
    }
    closedir(dir);
    if (count > 1)
        qsort(list, count, sizeof *list, by_age);
    for (size_t i = 0; i < count; i++) {
        gmr_ff_add(fl, op, list[i].name);
        free(list[i].name);
    }
    free(list);
}

void gmr_ff_scan(gmr_follower *fl) {
    for (size_t i = 0; i < fl->count; i++)
        fl->files[i]->seen = 0;
    for (size_t op = 0; op < fl->operand_count && !fl->failed; op++) {
        watch(fl, op);
        if (fl->is_dir[op])
            scan_dir(fl, op);
        else
            scan_file(fl, op);
    }
    for (size_t i = fl->count; i-- > 0;)
        if (!fl->files[i]->seen)
            gmr_ff_finish(fl, i);
}
