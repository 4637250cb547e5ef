/* SPDX-License-Identifier: Apache-2.0 */
/* nats_tool: the publisher and the inspection commands the scale-out test
 * and benchmark use around `gantry consume` (docs/scale-out.md). Built by
 * tests/cli/nats_cluster.sh and bench/nats_bench.sh:
 *
 *   cc -std=c11 -O2 -o nats_tool tools/nats_tool.c $(pkg-config --cflags --libs libnats)
 *
 *   nats_tool pub -s URLS --subject SUBJ [--lines N] [--rate MSGS] [--id PREFIX] FILE
 *       Publish FILE's lines, N per message (default 1), each message with
 *       Nats-Msg-Id PREFIX-<number>; at most MSGS messages a second when
 *       given. Retries until every message is stored (the ids make retries
 *       safe). Prints the message count.
 *   nats_tool dump -s URLS --stream NAME [--subjects]
 *       Print the payload of every message of the stream, one per line
 *       (with --subjects: its subject and Nats-Msg-Id instead).
 *   nats_tool drained -s URLS --stream NAME --durable NAME [--timeout SEC]
 *       Wait until the consumer has nothing pending and nothing unacked;
 *       print the seconds waited. Exit 1 on timeout. */
#define _POSIX_C_SOURCE 200809L
#include <nats/nats.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tool_args {
    const char *servers[16];
    int server_count;
    const char *subject, *stream, *durable, *id_prefix, *file;
    long lines, rate;
    int subjects_only;
    double timeout;
} tool_args;

static int parse(tool_args *a, int argc, char **argv) {
    a->lines = 1;
    a->id_prefix = "pub";
    a->timeout = 120;
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "-s") == 0 && v) {
            for (char *save = NULL, *t = strtok_r(v, ",", &save); t && a->server_count < 16;
                 t = strtok_r(NULL, ",", &save))
                a->servers[a->server_count++] = t;
        } else if (strcmp(o, "--subject") == 0 && v) {
            a->subject = v;
        } else if (strcmp(o, "--stream") == 0 && v) {
            a->stream = v;
        } else if (strcmp(o, "--durable") == 0 && v) {
            a->durable = v;
        } else if (strcmp(o, "--id") == 0 && v) {
            a->id_prefix = v;
        } else if (strcmp(o, "--lines") == 0 && v) {
            a->lines = strtol(v, NULL, 10);
        } else if (strcmp(o, "--rate") == 0 && v) {
            a->rate = strtol(v, NULL, 10);
        } else if (strcmp(o, "--timeout") == 0 && v) {
            a->timeout = strtod(v, NULL);
        } else if (strcmp(o, "--subjects") == 0) {
            a->subjects_only = 1;
            continue;
        } else if (o[0] != '-' && !a->file) {
            a->file = o;
            continue;
        } else {
            fprintf(stderr, "nats_tool: bad option %s\n", o);
            return -1;
        }
        i++;
    }
    if (a->server_count == 0 || a->lines < 1) {
        fprintf(stderr, "nats_tool: -s URLS is required\n");
        return -1;
    }
    return 0;
}

static natsConnection *connect_to(const tool_args *a) {
    natsOptions *o = NULL;
    natsConnection *nc = NULL;
    if (natsOptions_Create(&o) != NATS_OK)
        return NULL;
    natsOptions_SetServers(o, (const char **)a->servers, a->server_count);
    natsOptions_SetMaxReconnect(o, -1);
    natsOptions_SetReconnectWait(o, 200);
    natsOptions_SetReconnectBufSize(o, 64 * 1024 * 1024);
    natsStatus s = NATS_ERR;
    for (int attempt = 0; attempt < 100 && s != NATS_OK; attempt++) {
        s = natsConnection_Connect(&nc, o);
        if (s != NATS_OK)
            nats_Sleep(100);
    }
    natsOptions_Destroy(o);
    if (s != NATS_OK)
        fprintf(stderr, "nats_tool: cannot connect: %s\n", natsStatus_GetText(s));
    return s == NATS_OK ? nc : NULL;
}

/* ---- pub ---- */

static pthread_mutex_t retry_lock = PTHREAD_MUTEX_INITIALIZER;
static natsMsg **retry;
static int retry_count, retry_cap;
static long stored, duplicates;

static void keep_for_retry(natsMsg *m) {
    pthread_mutex_lock(&retry_lock);
    if (retry_count == retry_cap) {
        int cap = retry_cap ? retry_cap * 2 : 1024;
        natsMsg **grown = realloc(retry, (size_t)cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&retry_lock);
            natsMsg_Destroy(m);
            return;
        }
        retry = grown;
        retry_cap = cap;
    }
    retry[retry_count++] = m;
    pthread_mutex_unlock(&retry_lock);
}

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure) {
    (void)js;
    (void)pae;
    (void)closure;
    if (pa) {
        pthread_mutex_lock(&retry_lock);
        stored++;
        duplicates += pa->Duplicate;
        pthread_mutex_unlock(&retry_lock);
        natsMsg_Destroy(msg);
    } else {
        keep_for_retry(msg);
    }
}

static void send_one(jsCtx *js, natsMsg *m) {
    for (;;) {
        natsMsg *p = m;
        if (js_PublishMsgAsync(js, &p, NULL) == NATS_OK)
            return;
        nats_Sleep(100);
    }
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}

static int cmd_pub(const tool_args *a) {
    size_t len = 0;
    char *data = a->file && a->subject ? read_all(a->file, &len) : NULL;
    if (!data) {
        fprintf(stderr, "nats_tool pub: need --subject and a readable FILE\n");
        return 2;
    }
    natsConnection *nc = connect_to(a);
    jsCtx *js = NULL;
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.PublishAsync.AckHandler = on_ack;
    jo.PublishAsync.MaxPending = 4096;
    jo.PublishAsync.StallWait = 1000;
    if (!nc || natsConnection_JetStream(&js, nc, &jo) != NATS_OK)
        return 2;
    long count = 0;
    int64_t start = nats_Now();
    char id[256];
    for (size_t pos = 0; pos < len;) {
        size_t end = pos;
        for (long l = 0; l < a->lines && end < len; l++) {
            char *nl = memchr(data + end, '\n', len - end);
            end = nl ? (size_t)(nl - data) + 1 : len;
        }
        natsMsg *m = NULL;
        snprintf(id, sizeof id, "%s-%ld", a->id_prefix, count + 1);
        if (natsMsg_Create(&m, a->subject, NULL, data + pos, (int)(end - pos)) != NATS_OK ||
            natsMsgHeader_Set(m, "Nats-Msg-Id", id) != NATS_OK)
            return 2;
        send_one(js, m);
        count++;
        pos = end;
        if (a->rate > 0) {
            int64_t due = start + count * 1000 / a->rate;
            int64_t now = nats_Now();
            if (due > now)
                nats_Sleep(due - now);
        }
    }
    int64_t deadline = nats_Now() + (int64_t)(a->timeout * 1000);
    for (;;) {
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = 2000;
        natsStatus s = js_PublishAsyncComplete(js, &po);
        pthread_mutex_lock(&retry_lock);
        int again = retry_count;
        pthread_mutex_unlock(&retry_lock);
        if (s == NATS_OK && again == 0)
            break;
        if (nats_Now() > deadline) {
            fprintf(stderr, "nats_tool pub: gave up with messages unstored\n");
            return 1;
        }
        if (s == NATS_TIMEOUT) {
            natsMsgList pending = {0};
            if (js_PublishAsyncGetPendingList(&pending, js) == NATS_OK) {
                for (int i = 0; i < pending.Count; i++) {
                    keep_for_retry(pending.Msgs[i]);
                    pending.Msgs[i] = NULL;
                }
                natsMsgList_Destroy(&pending);
            }
        }
        nats_Sleep(200);
        pthread_mutex_lock(&retry_lock);
        natsMsg **batch = retry;
        int n = retry_count;
        retry = NULL;
        retry_count = retry_cap = 0;
        pthread_mutex_unlock(&retry_lock);
        for (int i = 0; i < n; i++)
            send_one(js, batch[i]);
        free(batch);
    }
    printf("%ld\n", count);
    fprintf(stderr, "nats_tool pub: %ld messages stored (%ld acknowledged as duplicates)\n", count,
            duplicates);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    free(data);
    return 0;
}

/* ---- dump ---- */

static int cmd_dump(const tool_args *a) {
    natsConnection *nc = a->stream ? connect_to(a) : NULL;
    jsCtx *js = NULL;
    if (!nc || natsConnection_JetStream(&js, nc, NULL) != NATS_OK)
        return 2;
    jsStreamInfo *si = NULL;
    natsStatus s = NATS_ERR;
    for (int attempt = 0; attempt < 50 && s != NATS_OK; attempt++)
        if ((s = js_GetStreamInfo(&si, js, a->stream, NULL, NULL)) != NATS_OK)
            nats_Sleep(200);
    if (s != NATS_OK) {
        fprintf(stderr, "nats_tool dump: %s: %s\n", a->stream, nats_GetLastError(NULL));
        return 2;
    }
    uint64_t first = si->State.FirstSeq, last = si->State.LastSeq;
    uint64_t msgs = si->State.Msgs;
    jsStreamInfo_Destroy(si);
    int rc = 0;
    for (uint64_t seq = first; msgs > 0 && seq <= last; seq++) {
        natsMsg *m = NULL;
        jsErrCode jerr = 0;
        s = NATS_ERR;
        for (int attempt = 0; attempt < 50; attempt++) {
            s = js_GetMsg(&m, js, a->stream, seq, NULL, &jerr);
            if (s == NATS_OK || s == NATS_NOT_FOUND || jerr == JSNoMessageFoundErr)
                break;
            nats_Sleep(200);
        }
        if (s == NATS_OK && a->subjects_only) {
            const char *id = NULL;
            natsMsgHeader_Get(m, "Nats-Msg-Id", &id);
            printf("%s\t%s\n", natsMsg_GetSubject(m), id ? id : "");
            natsMsg_Destroy(m);
        } else if (s == NATS_OK) {
            int n = natsMsg_GetDataLength(m);
            const char *d = natsMsg_GetData(m);
            fwrite(d, 1, (size_t)n, stdout);
            if (n == 0 || d[n - 1] != '\n')
                fputc('\n', stdout);
            natsMsg_Destroy(m);
        } else if (s != NATS_NOT_FOUND && jerr != JSNoMessageFoundErr) {
            fprintf(stderr, "nats_tool dump: seq %llu: %s\n", (unsigned long long)seq,
                    nats_GetLastError(NULL));
            rc = 1;
        }
    }
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return rc;
}

/* ---- drained ---- */

static int cmd_drained(const tool_args *a) {
    natsConnection *nc = a->stream && a->durable ? connect_to(a) : NULL;
    jsCtx *js = NULL;
    if (!nc || natsConnection_JetStream(&js, nc, NULL) != NATS_OK)
        return 2;
    int64_t start = nats_Now(), deadline = start + (int64_t)(a->timeout * 1000);
    int rc = 1;
    while (nats_Now() < deadline) {
        jsConsumerInfo *ci = NULL;
        if (js_GetConsumerInfo(&ci, js, a->stream, a->durable, NULL, NULL) == NATS_OK) {
            int done = ci->NumPending == 0 && ci->NumAckPending == 0;
            jsConsumerInfo_Destroy(ci);
            if (done) {
                rc = 0;
                break;
            }
        }
        nats_Sleep(20);
    }
    printf("%.3f\n", (double)(nats_Now() - start) / 1000.0);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return rc;
}

int main(int argc, char **argv) {
    tool_args a;
    memset(&a, 0, sizeof a);
    if (argc < 2 || parse(&a, argc, argv) != 0) {
        fprintf(stderr, "usage: nats_tool pub|dump|drained -s URLS ... (see the source)\n");
        return 2;
    }
    int rc;
    if (strcmp(argv[1], "pub") == 0)
        rc = cmd_pub(&a);
    else if (strcmp(argv[1], "dump") == 0)
        rc = cmd_dump(&a);
    else if (strcmp(argv[1], "drained") == 0)
        rc = cmd_drained(&a);
    else
        rc = 2;
    nats_Close();
    return rc;
}
