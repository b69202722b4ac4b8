/* libFuzzer harness for TCP stream reassembly (sensor/stream/stream-tcp.c).
 *
 * The input configures a worker (first byte: policy, inline, midstream, async-oneside,
 * raw, small memcap, depth, small chunks and max-segments; then both ISNs) and is then
 * read as a sequence of operations on one flow:
 *   packet   direction, TCP flags, sequence number as a signed step from where the side
 *            stands, ACK as a step from where the peer stands, payload length; the
 *            payload is a function of the sequence number (so every copy of a byte is
 *            equal) unless the packet asks for its 'variant' bytes (overlaps that differ)
 *   consume  the app layer takes n bytes of what it is offered, or gives up (app done)
 *   raw      raw inspection when stream_raw_ready says so, or the app layer's trigger
 *   end      stream_session_end, then both consumers drain everything
 *   free     stream_session_free (the next packet may start a new session)
 * After each operation the contract is checked: progress offsets never go back, the
 * bytes returned by stream_packet and stream_session_free add up to the session record
 * plus stats.memuse, memuse stays within the memcap, no byte is offered twice to raw
 * detection (IDS mode), bytes offered start where the consumer stands (after the gap
 * reported), and, on a side that never got variant bytes, every byte offered is the one
 * sent at its sequence number. At the end the session is freed and everything must be
 * back to zero. A breach traps, so libFuzzer keeps the input. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "flow/flow.h"
#include "stream/stream.h"

#define MAX_PAYLOAD 4096

struct cursor {
    const uint8_t *p;
    size_t n;
};

static uint8_t take8(struct cursor *c)
{
    if (c->n == 0)
        return 0;
    c->n--;
    return *c->p++;
}

static uint16_t take16(struct cursor *c)
{
    uint16_t hi = take8(c);
    return (uint16_t)(hi << 8 | take8(c));
}

static uint32_t take32(struct cursor *c)
{
    uint32_t hi = take16(c);
    return hi << 16 | take16(c);
}

struct fz {
    struct stream_thread *st;
    struct stream_conf conf;
    struct flow f;
    int64_t held;
    uint32_t next[2];        /* where each side stands (sequence numbers) */
    bool variant[2];         /* the side got bytes that differ from the pattern */
    uint64_t app[2], raw[2]; /* progress seen last */
    uint64_t raw_end[2];     /* end of the last block given to raw detection */
    uint8_t payload[MAX_PAYLOAD];
};

static void fail(const char *what, unsigned long long a, unsigned long long b)
{
    fprintf(stderr, "fuzz-stream: contract broken: %s (%llu, %llu)\n", what, a, b);
    __builtin_trap();
}

static uint8_t pattern(uint32_t seq, bool variant)
{
    uint8_t b = (uint8_t)(seq * 31u + 7u);
    return variant ? (uint8_t)(b ^ 0x5a) : b;
}

static void check_bytes(const struct fz *z, int dir, const uint8_t *data, uint32_t len,
                        uint64_t offset)
{
    const struct stream_session *s = z->f.stream;
    if (z->variant[dir])
        return;
    uint32_t seq = s->side[dir].isn + 1u + (uint32_t)offset;
    for (uint32_t i = 0; i < len; i++)
        if (data[i] != pattern(seq + i, false))
            fail("byte offered differs from the byte sent", offset + i, data[i]);
}

static void check_session(struct fz *z)
{
    const struct stream_stats *ss = stream_thread_stats(z->st);
    int64_t rec = z->f.stream ? (int64_t)sizeof(struct stream_session) : 0;
    if (z->held != rec + (int64_t)ss->memuse)
        fail("held bytes != session record + memuse", (unsigned long long)z->held,
             (unsigned long long)ss->memuse);
    if (ss->memuse > z->conf.memcap)
        fail("memuse above the memcap", ss->memuse, z->conf.memcap);
    const struct stream_session *s = z->f.stream;
    if (s == NULL)
        return;
    for (int d = 0; d < 2; d++) {
        const struct stream_side *sd = &s->side[d];
        if (sd->app_progress < z->app[d])
            fail("app progress went back", sd->app_progress, z->app[d]);
        if (sd->raw_progress < z->raw[d])
            fail("raw progress went back", sd->raw_progress, z->raw[d]);
        z->app[d] = sd->app_progress;
        z->raw[d] = sd->raw_progress;
    }
}

struct rawctx {
    struct fz *z;
    int dir;
};

static int raw_cb(void *ctx, const uint8_t *data, uint32_t len, uint64_t offset)
{
    struct rawctx *rc = ctx;
    struct fz *z = rc->z;
    if (len == 0)
        fail("empty raw block", offset, 0);
    if (!z->conf.inline_mode) {
        if (offset < z->raw_end[rc->dir])
            fail("raw byte offered twice", offset, z->raw_end[rc->dir]);
        z->raw_end[rc->dir] = offset + len;
    }
    check_bytes(z, rc->dir, data, len, offset);
    return 0;
}

static void do_raw(struct fz *z, int dir, const struct packet *p)
{
    struct rawctx rc = { z, dir };
    stream_raw_inspect(z->st, z->f.stream, dir, p, raw_cb, &rc);
}

/* The app layer reads side 'dir' and consumes up to 'n' bytes (gap included). */
static void do_app(struct fz *z, int dir, uint32_t n, bool all)
{
    const uint8_t *d;
    uint32_t len, gap;
    for (int rounds = 0; rounds < 64; rounds++) {
        if (!stream_app_data(z->f.stream, dir, &d, &len, &gap))
            return;
        if (len == 0)
            fail("app data of length 0", gap, 0);
        uint64_t at = z->f.stream->side[dir].app_progress + gap;
        check_bytes(z, dir, d, len, at);
        uint32_t take = all ? gap + len : (n < gap + len ? n : gap + len);
        stream_app_consume(z->st, z->f.stream, dir, take);
        if (!all)
            return;
    }
}

static void do_packet(struct fz *z, struct cursor *c, uint8_t op)
{
    int dir = op & 1;
    bool variant = (op & 2) != 0;
    bool big = (op & 4) != 0;
    uint8_t flags = take8(c);
    int16_t sstep = (int16_t)take16(c);
    int8_t astep = (int8_t)take8(c);
    uint32_t len = take8(c);
    if (big)
        len = len * 16u > MAX_PAYLOAD ? MAX_PAYLOAD : len * 16u;
    else
        len &= 63u;
    /* Mostly where the side stands; sometimes a little before or after it. */
    uint32_t seq = z->next[dir] + (uint32_t)(int32_t)(sstep % 512);
    if ((sstep & 0x7000) == 0x7000)
        seq = z->next[dir] + (uint32_t)(int32_t)sstep * 4096u; /* far away */
    uint32_t ack = z->next[!dir] + (uint32_t)(int32_t)astep;
    uint32_t dseq = seq + ((flags & TH_SYN) ? 1u : 0u);
    for (uint32_t i = 0; i < len; i++)
        z->payload[i] = pattern(dseq + i, variant);
    if (variant && len > 0)
        z->variant[dir] = true;
    struct packet p;
    memset(&p, 0, sizeof(p));
    p.proto = 6;
    p.tcp_flags = flags;
    p.tcp_seq = seq;
    p.tcp_ack = ack;
    p.payload = len ? z->payload : NULL;
    p.payload_len = len;
    bool had = z->f.stream != NULL;
    struct stream_result r;
    z->held += stream_packet(z->st, &z->f, &p, dir, &r);
    if (!had && z->f.stream == NULL && (r.added || r.app_ready || r.raw_ready))
        fail("a result without a session", r.added, r.app_ready);
    if (!had && z->f.stream != NULL) {
        memset(z->app, 0, sizeof(z->app));
        memset(z->raw, 0, sizeof(z->raw));
        memset(z->raw_end, 0, sizeof(z->raw_end));
    }
    if ((int32_t)(dseq + len - z->next[dir]) > 0 && (int32_t)(dseq + len - z->next[dir]) < 65536)
        z->next[dir] = dseq + len;
    check_session(z);
    if (z->f.stream != NULL && r.raw_ready)
        do_raw(z, dir, &p);
}

static void session_free(struct fz *z)
{
    z->held -= stream_session_free(z->st, &z->f);
    if (z->f.stream != NULL)
        fail("session not cleared", 0, 0);
    check_session(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c = { data, size };
    static struct fz z; /* large payload buffer: not on the stack */
    memset(&z, 0, sizeof(z));
    uint8_t cf = take8(&c);
    uint8_t cf2 = take8(&c);
    z.conf = (struct stream_conf){
        .memcap = (cf & 0x20) ? 64u + (cf2 & 0x3fu) * 16u : 1u << 22,
        .depth = (cf & 0x40) ? (uint32_t)(cf2 & 0xf0u) * 8u : 0,
        .chunk_toserver = (cf & 0x80) ? 16 : 2560,
        .chunk_toclient = (cf & 0x80) ? 24 : 2560,
        .max_segments = (cf2 & 1) ? 3 : 512,
        .policy = (uint8_t)(cf & 1),
        .inline_mode = (cf & 2) != 0,
        .midstream = (cf & 4) != 0,
        .async_oneside = (cf & 8) != 0,
        .raw = (cf & 0x10) == 0,
    };
    char err[CANH_ERRBUF_SIZE];
    z.st = stream_thread_new(&z.conf, err);
    if (z.st == NULL)
        fail("stream_thread_new failed", 0, 0);
    z.next[0] = take32(&c);
    z.next[1] = take32(&c);

    for (int ops = 0; ops < 4096 && c.n > 0; ops++) {
        uint8_t op = take8(&c);
        int dir = op & 1;
        switch (op >> 4) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
            do_packet(&z, &c, op);
            break;
        case 8: case 9:
            if (z.f.stream)
                do_app(&z, dir, take8(&c), (op & 2) != 0);
            break;
        case 10:
            if (z.f.stream)
                stream_app_done(z.st, z.f.stream, dir);
            break;
        case 11:
            if (z.f.stream && (stream_raw_ready(z.f.stream, dir) || (op & 2)) &&
                !z.conf.inline_mode)
                do_raw(&z, dir, NULL);
            break;
        case 12:
            if (z.f.stream)
                stream_raw_trigger(z.f.stream, dir);
            break;
        case 13:
            if (z.f.stream) {
                stream_session_end(z.f.stream);
                for (int d = 0; d < 2; d++) {
                    do_app(&z, d, 0, true);
                    if (!z.conf.inline_mode)
                        do_raw(&z, d, NULL);
                }
            }
            break;
        case 14:
            session_free(&z);
            break;
        default:
            break;
        }
        check_session(&z);
    }
    session_free(&z);
    if (z.held != 0 || stream_thread_stats(z.st)->memuse != 0)
        fail("bytes left after the session was freed", (unsigned long long)z.held,
             stream_thread_stats(z.st)->memuse);
    stream_thread_free(z.st);
    return 0;
}
