/* SPDX-License-Identifier: Apache-2.0 */
/* The queue between the HTTP threads and the matching thread, bounded in
 * bytes: a body that does not fit is refused (503) rather than held, so
 * memory stays bounded under a flood and the sender keeps what it could
 * not deliver. */
#include "serve.h"

int gsv_queue_init(gsv_queue *q, size_t capacity) {
    q->head = q->tail = NULL;
    q->bytes = q->events = 0;
    q->capacity = capacity;
    q->closed = 0;
    if (pthread_mutex_init(&q->lock, NULL) != 0)
        return -1;
    if (pthread_cond_init(&q->ready, NULL) != 0) {
        pthread_mutex_destroy(&q->lock);
        return -1;
    }
    return 0;
}

void gsv_queue_destroy(gsv_queue *q) {
    while (q->head) {
        gsv_batch *b = q->head;
        q->head = b->next;
        gsv_batch_free(b);
    }
    pthread_cond_destroy(&q->ready);
    pthread_mutex_destroy(&q->lock);
}

gsv_push_result gsv_queue_push(gsv_queue *q, gsv_batch *b) {
    pthread_mutex_lock(&q->lock);
    gsv_push_result r = GSV_QUEUED;
    if (q->closed)
        r = GSV_QUEUE_CLOSED;
    else if (q->head && b->bytes > q->capacity - (q->bytes < q->capacity ? q->bytes : q->capacity))
        r = GSV_QUEUE_FULL;
    if (r == GSV_QUEUED) {
        b->next = NULL;
        if (q->tail)
            q->tail->next = b;
        else
            q->head = b;
        q->tail = b;
        q->bytes += b->bytes;
        q->events += b->count;
        pthread_cond_signal(&q->ready);
    }
    pthread_mutex_unlock(&q->lock);
    return r;
}

gsv_batch *gsv_queue_pop(gsv_queue *q) {
    pthread_mutex_lock(&q->lock);
    while (!q->head && !q->closed)
        pthread_cond_wait(&q->ready, &q->lock);
    gsv_batch *b = q->head;
    if (b) {
        q->head = b->next;
        if (!q->head)
            q->tail = NULL;
        q->bytes -= b->bytes;
        q->events -= b->count;
    }
    pthread_mutex_unlock(&q->lock);
    return b;
}

void gsv_queue_close(gsv_queue *q) {
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
}

void gsv_queue_depth(gsv_queue *q, size_t *bytes, size_t *events) {
    pthread_mutex_lock(&q->lock);
    *bytes = q->bytes;
    *events = q->events;
    pthread_mutex_unlock(&q->lock);
}
