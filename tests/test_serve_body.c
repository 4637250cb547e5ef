/* SPDX-License-Identifier: Apache-2.0 */
/* gantry serve's request body decoder, gzip inflation and queue
 * (cli/serve/): every form of body the API server or a tool sends gives its
 * events, a body that cannot be read is refused whole with its line, the
 * inflate limit holds exactly, and the queue refuses what does not fit but
 * never a body arriving at an empty queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gantry_limits.h"
#include "serve.h"

/* Decodes `body`; returns the batch (NULL when refused, why in `why`). */
static gsv_batch *decode(const char *body, char *why, size_t why_size) {
    gsv_batch *b = gsv_batch_new();
    assert_non_null(b);
    gsv_body_result r =
        gsv_decode_body(body, strlen(body), GANTRY_DEFAULT_MAX_DEPTH, b, why, why_size);
    assert_int_not_equal(r, GSV_BODY_NOMEM);
    if (r == GSV_BODY_BAD) {
        gsv_batch_free(b);
        return NULL;
    }
    return b;
}

/* The n-th event's text (from 0), NUL-terminated in `out`. */
static const char *event(const gsv_batch *b, size_t n, char *out, size_t size) {
    size_t pos = 0, len = 0;
    const char *text = NULL;
    for (size_t i = 0; i <= n; i++)
        assert_true(gsv_batch_next(b, &pos, &text, &len));
    assert_true(len < size);
    memcpy(out, text, len);
    out[len] = '\0';
    return out;
}

static void test_eventlist(void **state) {
    (void)state;
    char why[256], buf[256];
    gsv_batch *b = decode("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\n"
                          " \"metadata\":{},\"items\":[{\"verb\":\"create\"},\n"
                          " {\"verb\":\"delete\", \"user\": {\"username\": \"a\"}}]}\n",
                          why, sizeof why);
    assert_non_null(b);
    assert_int_equal(b->count, 2);
    assert_string_equal(event(b, 0, buf, sizeof buf), "{\"verb\":\"create\"}");
    assert_string_equal(event(b, 1, buf, sizeof buf),
                        "{\"verb\":\"delete\",\"user\":{\"username\":\"a\"}}");
    size_t pos = 0, len;
    const char *text;
    for (int i = 0; i < 2; i++)
        assert_true(gsv_batch_next(b, &pos, &text, &len));
    assert_false(gsv_batch_next(b, &pos, &text, &len));
    assert_true(b->bytes >= b->len);
    gsv_batch_free(b);
    /* the API server's own form: one line */
    b = decode("{\"kind\":\"EventList\",\"items\":[{\"a\":1},{\"a\":2},{\"a\":3}]}", why,
               sizeof why);
    assert_non_null(b);
    assert_int_equal(b->count, 3);
    gsv_batch_free(b);
    /* an empty list is a valid body of no events */
    b = decode("{\"kind\":\"EventList\",\"items\":[]}", why, sizeof why);
    assert_non_null(b);
    assert_int_equal(b->count, 0);
    gsv_batch_free(b);
}

static void test_other_forms(void **state) {
    (void)state;
    char why[256], buf[256];
    gsv_batch *b = decode("[{\"a\":1}, {\"b\":2}]", why, sizeof why);
    assert_non_null(b);
    assert_int_equal(b->count, 2);
    assert_string_equal(event(b, 1, buf, sizeof buf), "{\"b\":2}");
    gsv_batch_free(b);
    /* JSON lines with CRLF and blank lines */
    b = decode("{\"a\":1}\r\n\r\n  {\"a\":2}\n\n", why, sizeof why);
    assert_non_null(b);
    assert_int_equal(b->count, 2);
    assert_string_equal(event(b, 0, buf, sizeof buf), "{\"a\":1}");
    gsv_batch_free(b);
    /* one pretty-printed event is one event */
    b = decode("{\n  \"verb\": \"create\",\n  \"user\": {\n    \"username\": \"x\"\n  }\n}\n", why,
               sizeof why);
    assert_non_null(b);
    assert_int_equal(b->count, 1);
    gsv_batch_free(b);
    /* an array element that is no object is still handed on: the
     * normalizer counts it as a malformed event */
    b = decode("[{\"a\":1}, 7]", why, sizeof why);
    assert_non_null(b);
    assert_int_equal(b->count, 2);
    assert_string_equal(event(b, 1, buf, sizeof buf), "7");
    gsv_batch_free(b);
}

static void refused(const char *body, const char *reason) {
    char why[256] = "";
    gsv_batch *b = decode(body, why, sizeof why);
    if (b)
        fail_msg("accepted: %s", body);
    if (!strstr(why, reason))
        fail_msg("'%s' refused saying '%s', not '%s'", body, why, reason);
}

static void test_refused(void **state) {
    (void)state;
    refused("", "empty body");
    refused(" \r\n\n\t", "empty body");
    refused("hello", "line 1: not a JSON object");
    refused("{\"a\":1}\n{\"a\":2}\nhello\n", "line 3: not a JSON object");
    refused("{\"kind\":\"EventList\",\"items\":{}}", "EventList without an items array");
    refused("{\"kind\":\"EventList\",\"items\":[{\"a\":1}", "line 1: not valid JSON");
    refused("{\"a\":1}\n{\"a\":", "line 2: not valid JSON");
    refused("[{\"a\":1}] trailing", "text after a JSON document");
    refused("{\n\"a\": 1,\n", "JSON document not closed at the end of the input");
    refused("[{\"a\":1},]", "not valid JSON");
    refused("{\n  \"a\": 1,,\n  \"b\": 2\n}\n", "line 1: not valid JSON");
    /* nesting past the limit (the EventList wrapper aside) */
    char deep[600];
    size_t n = 0;
    deep[n++] = '[';
    for (int i = 0; i < 200; i++)
        deep[n++] = '[';
    for (int i = 0; i < 201; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    refused(deep, "nested deeper");
}

static char *gzip_of(const char *text, size_t len, size_t *out_len) {
    uLong cap = compressBound(len) + 64;
    char *out = malloc(cap);
    assert_non_null(out);
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static void test_gunzip(void **state) {
    (void)state;
    const char *text = "{\"kind\":\"EventList\",\"items\":[{\"a\":1}]}";
    size_t len = strlen(text), zlen;
    char *z = gzip_of(text, len, &zlen);
    char *out = NULL;
    size_t out_len = 0;
    assert_int_equal(gsv_gunzip(z, zlen, 1024, &out, &out_len), 0);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, text, len);
    free(out);
    /* exactly at the limit is fine, one byte less is not */
    assert_int_equal(gsv_gunzip(z, zlen, len, &out, &out_len), 0);
    free(out);
    assert_int_equal(gsv_gunzip(z, zlen, len - 1, &out, &out_len), 1);
    assert_null(out);
    /* two members one after another */
    char *two = malloc(2 * zlen);
    assert_non_null(two);
    memcpy(two, z, zlen);
    memcpy(two + zlen, z, zlen);
    assert_int_equal(gsv_gunzip(two, 2 * zlen, 1024, &out, &out_len), 0);
    assert_int_equal(out_len, 2 * len);
    free(out);
    assert_int_equal(gsv_gunzip(two, 2 * zlen, len, &out, &out_len), 1);
    free(two);
    /* cut short, or not gzip at all */
    assert_int_equal(gsv_gunzip(z, zlen - 5, 1024, &out, &out_len), -1);
    assert_int_equal(gsv_gunzip(text, len, 1024, &out, &out_len), -1);
    assert_int_equal(gsv_gunzip("", 0, 1024, &out, &out_len), -1);
    free(z);
    /* a bomb: 4 MiB of zeros against a 64 KiB limit */
    size_t big = 4u << 20;
    char *zeros = calloc(1, big);
    assert_non_null(zeros);
    z = gzip_of(zeros, big, &zlen);
    free(zeros);
    assert_int_equal(gsv_gunzip(z, zlen, 65536, &out, &out_len), 1);
    assert_null(out);
    free(z);
}

static gsv_batch *batch_of(size_t events) {
    gsv_batch *b = gsv_batch_new();
    assert_non_null(b);
    for (size_t i = 0; i < events; i++)
        assert_int_equal(gsv_batch_add(b, "{\"a\":1}", 7), 0);
    return b;
}

static void test_queue(void **state) {
    (void)state;
    gsv_queue q;
    gsv_batch *first = batch_of(3);
    size_t one = first->bytes;
    assert_int_equal(gsv_queue_init(&q, one + one / 2), 0);
    assert_int_equal(gsv_queue_push(&q, first), GSV_QUEUED);
    gsv_batch *second = batch_of(2);
    assert_int_equal(gsv_queue_push(&q, second), GSV_QUEUE_FULL);
    size_t bytes, events;
    gsv_queue_depth(&q, &bytes, &events);
    assert_int_equal(bytes, one);
    assert_int_equal(events, 3);
    assert_ptr_equal(gsv_queue_pop(&q), first);
    gsv_batch_free(first);
    /* an empty queue takes a body larger than its whole capacity */
    gsv_batch *huge = batch_of(5000);
    assert_true(huge->bytes > q.capacity);
    assert_int_equal(gsv_queue_push(&q, huge), GSV_QUEUED);
    assert_int_equal(gsv_queue_push(&q, second), GSV_QUEUE_FULL);
    gsv_queue_close(&q);
    assert_int_equal(gsv_queue_push(&q, second), GSV_QUEUE_CLOSED);
    /* closed: what was queued still comes out, then NULL */
    assert_ptr_equal(gsv_queue_pop(&q), huge);
    assert_null(gsv_queue_pop(&q));
    gsv_batch_free(huge);
    gsv_batch_free(second);
    gsv_queue_destroy(&q);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eventlist), cmocka_unit_test(test_other_forms),
        cmocka_unit_test(test_refused),   cmocka_unit_test(test_gunzip),
        cmocka_unit_test(test_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
