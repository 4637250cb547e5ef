/* SPDX-License-Identifier: Apache-2.0 */
/* Alerts of gantry serve to NATS, on the subjects `gantry consume` uses
 * (<subject prefix>.<level>.<rule id>, consume.h) with the same JSON line
 * as payload. A plain publish: a JetStream stream over <prefix>.> stores
 * them; while the server is away the client buffers them and reconnects. */
#include <nats/nats.h>
#include <stdlib.h>

#include "consume.h"
#include "serve.h"

struct gsv_nats {
    natsConnection *nc;
    const char *prefix;
    char subject[512];
};

static void on_connected(natsConnection *nc, void *closure) {
    (void)nc;
    (void)closure;
}

gsv_nats *gsv_nats_open(const gsv_config *cfg) {
    gsv_nats *n = calloc(1, sizeof *n);
    natsOptions *o = NULL;
    if (!n || natsOptions_Create(&o) != NATS_OK) {
        fprintf(stderr, "gantry serve: out of memory\n");
        free(n);
        return NULL;
    }
    n->prefix = cfg->nats_subject;
    natsStatus s = natsOptions_SetURL(o, cfg->nats_url);
    if (s == NATS_OK)
        s = natsOptions_SetName(o, "gantry serve");
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(o, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(o, 250);
    /* with a callback the first connect returns at once and goes on in the
     * background: a NATS server down at start does not stop the receiver */
    if (s == NATS_OK)
        s = natsOptions_SetRetryOnFailedConnect(o, true, on_connected, n);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectBufSize(o, 32 * 1024 * 1024);
    if (s == NATS_OK) {
        s = natsConnection_Connect(&n->nc, o);
        if (s == NATS_NOT_YET_CONNECTED)
            s = NATS_OK;
    }
    natsOptions_Destroy(o);
    if (s != NATS_OK) {
        const char *text = nats_GetLastError(NULL);
        fprintf(stderr, "gantry serve: --nats-url %s: %s\n", cfg->nats_url,
                text && *text ? text : natsStatus_GetText(s));
        gsv_nats_close(n);
        return NULL;
    }
    return n;
}

int gsv_nats_publish(gsv_nats *n, gantry_level level, const char *id, const char *data,
                     size_t len) {
    gcons_alert_subject(n->subject, sizeof n->subject, n->prefix, level, id);
    return natsConnection_Publish(n->nc, n->subject, data, (int)len) == NATS_OK ? 0 : -1;
}

void gsv_nats_close(gsv_nats *n) {
    if (!n)
        return;
    if (n->nc) {
        natsConnection_FlushTimeout(n->nc, 5000);
        natsConnection_Close(n->nc);
        natsConnection_Destroy(n->nc);
    }
    free(n);
}
