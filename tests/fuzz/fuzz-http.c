/* libFuzzer harness for the HTTP/1.x parser (applayer-http.c).
 *
 * One input drives both directions of a connection:
 *   byte 0      the configuration: bit 0 small limits (64-byte heads, 3 txs, 100-byte
 *               bodies, 1000 inflated bytes) so the caps are reached, else the defaults;
 *   then records [ctl][len][len bytes]:
 *               ctl bit 0: direction (0 to server, 1 to client)
 *               ctl bits 1-2: 0 or 1 data (the len bytes are fed), 2 a gap of len * 37
 *               bytes (no data follows), 3 the side closes (no data follows).
 * Bytes the parser leaves (a CONNECT waiting for its answer) are fed again in front of
 * that direction's next data, as the contract asks. After every record each
 * transaction's buffers and files are read whole and checked against the contract; at
 * the end both sides close, every transaction must be collectable, and memory must go
 * back to what an empty state holds plus its head buffers. The input is also given to
 * http_uri_normalize(), whose output must fit in the input's length. A breach traps, so
 * libFuzzer keeps the input. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer-http.h"

static void fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz-http: contract broken: %s\n", what);
    __builtin_trap();
}

/* Bytes a direction still has to feed again. */
struct pending {
    uint8_t *buf;
    size_t len;
};

static void feed(struct http_state *h, int dir, struct pending *p, const uint8_t *data,
                 size_t len)
{
    uint8_t *all = malloc(p->len + len + 1);
    if (all == NULL)
        abort();
    if (p->len > 0)
        memcpy(all, p->buf, p->len);
    if (len > 0)
        memcpy(all + p->len, data, len);
    size_t n = p->len + len;
    free(p->buf);
    p->buf = NULL;
    p->len = 0;
    uint32_t used = http_parse(h, dir, all, (uint32_t)n);
    if (used > n)
        fuzz_fail("consumed more than given");
    if (used < n) {
        if (http_state_stopped(h))
            fuzz_fail("bytes left after the connection stopped");
        p->buf = malloc(n - used);
        if (p->buf == NULL)
            abort();
        memcpy(p->buf, all + used, n - used);
        p->len = n - used;
    }
    free(all);
}

static void check(struct http_state *h, const struct http_conf *c)
{
    uint64_t prev = 0;
    unsigned n = 0;
    for (struct http_tx *t = http_tx_first(h); t != NULL; t = http_tx_next(t)) {
        if (n > 0 && http_tx_id(t) <= prev)
            fuzz_fail("transaction ids not increasing");
        prev = http_tx_id(t);
        n++;
        if (http_tx_events(t) >> HTTP_EV_MAX)
            fuzz_fail("unknown event bit");
        for (int dir = 0; dir < 2; dir++)
            if (http_tx_progress(t, dir) < HTTP_PROGRESS_NONE ||
                http_tx_progress(t, dir) > HTTP_PROGRESS_COMPLETE)
                fuzz_fail("progress out of range");
        for (int b = 0; b < HTTP_BUF_MAX; b++) {
            const struct http_buf_info *info = http_buf_info((enum http_buf)b);
            const uint8_t *d = NULL;
            uint32_t len = 0;
            if (!http_tx_buffer(t, (enum http_buf)b, &d, &len))
                continue;
            if (http_tx_progress(t, info->dir) < info->progress)
                fuzz_fail("buffer present before its progress");
            if (len > 0 && d == NULL)
                fuzz_fail("buffer without data");
            uint32_t limit = info->dir == 0 ? c->request_body_limit : c->response_body_limit;
            if (info->progress == HTTP_PROGRESS_BODY && len > limit)
                fuzz_fail("body over its limit");
            if (info->progress < HTTP_PROGRESS_BODY && len > 8 * c->header_limit + 64)
                fuzz_fail("head buffer too long");
            volatile uint8_t sum = 0; /* every byte read: ASan sees an overrun */
            for (uint32_t i = 0; i < len; i++)
                sum ^= d[i];
            (void)sum;
        }
        const uint8_t *v;
        uint32_t vl;
        if (http_tx_header(t, 0, "host", &v, &vl) && vl > 0)
            (void)v[vl - 1];
        for (int dir = 0; dir < 2; dir++) {
            uint32_t i = 0;
            while (http_tx_file(t, dir, i, &v, &vl)) {
                uint32_t limit = dir == 0 ? c->request_body_limit : c->response_body_limit;
                if (vl > limit || (vl > 0 && v == NULL))
                    fuzz_fail("file outside its body");
                volatile uint8_t sum = 0;
                for (uint32_t k = 0; k < vl; k++)
                    sum ^= v[k];
                (void)sum;
                if (++i > HTTP_MAX_FILES)
                    fuzz_fail("more files than HTTP_MAX_FILES");
            }
        }
    }
    if (n > c->max_txs)
        fuzz_fail("more transactions than max_txs");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;

    /* The URI normaliser on the raw input, into a buffer of exactly its size. */
    uint8_t *out = malloc(size);
    if (out == NULL)
        abort();
    if (http_uri_normalize(data + 1, (uint32_t)(size - 1), out) > size - 1)
        fuzz_fail("normalised URI longer than the input");
    free(out);

    struct http_conf c;
    http_conf_default(&c);
    if (data[0] & 1) {
        c.header_limit = 64;
        c.max_txs = 3;
        c.request_body_limit = 100;
        c.response_body_limit = 100;
        c.decompress_limit = 1000;
    }
    struct http_stats st;
    memset(&st, 0, sizeof(st));
    struct http_state *h = http_state_new(&c, &st);
    struct http_state *empty = http_state_new(&c, NULL);
    if (h == NULL || empty == NULL)
        abort();
    size_t base = http_state_memuse(empty);
    http_state_free(empty);

    struct pending pend[2] = {{NULL, 0}, {NULL, 0}};
    size_t pos = 1;
    unsigned rounds = 0;
    while (pos + 2 <= size) {
        uint8_t ctl = data[pos], len = data[pos + 1];
        pos += 2;
        int dir = ctl & 1;
        switch ((ctl >> 1) & 3) {
        case 2:
            http_gap(h, dir, (uint32_t)len * 37);
            break;
        case 3:
            http_eof(h, dir);
            break;
        default: {
            size_t n = len < size - pos ? len : size - pos;
            feed(h, dir, &pend[dir], data + pos, n);
            pos += n;
            break;
        }
        }
        check(h, &c);
        if ((++rounds & 7) == 0 && http_tx_first(h) != NULL)
            http_tx_gc(h, http_tx_id(http_tx_first(h)) + 1);
    }
    http_eof(h, 0);
    http_eof(h, 1);
    check(h, &c);
    for (struct http_tx *t = http_tx_first(h); t != NULL; t = http_tx_next(t))
        if (http_tx_progress(t, 0) != HTTP_PROGRESS_COMPLETE ||
            http_tx_progress(t, 1) != HTTP_PROGRESS_COMPLETE)
            fuzz_fail("transaction not complete after both sides closed");
    http_tx_gc(h, UINT64_MAX);
    if (http_tx_first(h) != NULL)
        fuzz_fail("transactions left after collecting all");
    if (http_state_memuse(h) > base + 2 * (size_t)c.header_limit)
        fuzz_fail("memory held after collecting all");
    http_state_free(h);
    free(pend[0].buf);
    free(pend[1].buf);
    return 0;
}
