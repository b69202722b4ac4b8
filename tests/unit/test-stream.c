/* Unit tests of TCP stream reassembly (sensor/stream/stream-tcp.c), driven as a worker
 * drives it: struct packet with the TCP fields set, a zeroed struct flow, stream_packet()
 * for each packet, then the app-layer and raw consumers.
 *
 * The expected timings of raw inspection (IDS: at the client's FIN; inline: on the
 * packet that completes the match) are the ones Suricata 7.0.10 gives for the same
 * packets (see the comments of test_oracle_ab_cd). Overlap results are checked against
 * a byte-per-byte model of each policy, on a pattern in the spirit of Novak's
 * "Target-Based TCP Stream Reassembly" (2007): segments that overlap old data at the
 * start, the end, inside, exactly, and across several old segments, with new bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "flow/flow.h"
#include "stream/stream.h"
#include "test.h"

#define C2S FLOW_TO_SERVER
#define S2C FLOW_TO_CLIENT
#define CISN 1000u
#define SISN 5000u

struct env {
    struct stream_thread *st;
    struct flow f;
    int64_t held;            /* sum of what stream_packet and stream_session_free returned */
    struct stream_result r;  /* of the last packet */
    bool raw_ready;          /* stream_raw_ready() of its direction after it */
    uint64_t ts;
};

static struct stream_conf base_conf(void)
{
    struct stream_conf c = {
        .memcap = 1u << 20,
        .depth = 0,
        .chunk_toserver = 2560,
        .chunk_toclient = 2560,
        .max_segments = 64,
        .policy = STREAM_POLICY_FIRST,
        .raw = true,
    };
    return c;
}

static void env_init(struct env *e, const struct stream_conf *c)
{
    char err[CANH_ERRBUF_SIZE];
    memset(e, 0, sizeof(*e));
    e->st = stream_thread_new(c, err);
    if (e->st == NULL) {
        fprintf(stderr, "stream_thread_new: %s\n", err);
        exit(2);
    }
}

/* Frees the session and checks that every byte counted in was counted out. */
static void env_done(struct env *e)
{
    e->held -= stream_session_free(e->st, &e->f);
    CHECK_EQ(e->held, 0);
    CHECK_EQ(stream_thread_stats(e->st)->memuse, 0);
    CHECK(e->f.stream == NULL);
    stream_thread_free(e->st);
}

static void tx_bytes(struct env *e, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
                     const uint8_t *data, uint32_t len)
{
    struct packet p;
    memset(&p, 0, sizeof(p));
    p.ts_us = ++e->ts;
    p.proto = 6;
    p.tcp_flags = flags;
    p.tcp_seq = seq;
    p.tcp_ack = ack;
    p.payload = data;
    p.payload_len = len;
    e->held += stream_packet(e->st, &e->f, &p, dir, &e->r);
    e->raw_ready = e->f.stream != NULL && stream_raw_ready(e->f.stream, dir);
}

static void tx(struct env *e, int dir, uint8_t flags, uint32_t seq, uint32_t ack, const char *data)
{
    tx_bytes(e, dir, flags, seq, ack, (const uint8_t *)data, data ? (uint32_t)strlen(data) : 0);
}

static void handshake(struct env *e)
{
    tx(e, C2S, TH_SYN, CISN, 0, NULL);
    tx(e, S2C, TH_SYN | TH_ACK, SISN, CISN + 1, NULL);
    tx(e, C2S, TH_ACK, CISN + 1, SISN + 1, NULL);
}

/* Reads (and consumes) everything the app layer is offered on side 'dir' into 'out':
 * a gap shows as '[N]'. Returns the number of gaps seen. */
static int app_read(struct env *e, int dir, char *out, size_t size)
{
    const uint8_t *d;
    uint32_t len, gap;
    size_t n = 0;
    int gaps = 0;
    out[0] = '\0';
    while (e->f.stream && stream_app_data(e->f.stream, dir, &d, &len, &gap)) {
        if (gap) {
            gaps++;
            n += (size_t)snprintf(out + n, size - n, "[%u]", gap);
        }
        if (n + len >= size)
            len = (uint32_t)(size - n - 1);
        memcpy(out + n, d, len);
        n += len;
        out[n] = '\0';
        stream_app_consume(e->st, e->f.stream, dir, gap + len);
    }
    return gaps;
}

struct rawbuf {
    char s[4096];
    size_t n;
    int calls;
    uint64_t first_offset;
};

static int raw_cb(void *ctx, const uint8_t *data, uint32_t len, uint64_t offset)
{
    struct rawbuf *b = ctx;
    if (b->calls++ > 0)
        b->n += (size_t)snprintf(b->s + b->n, sizeof(b->s) - b->n, "|");
    else
        b->first_offset = offset;
    if (b->n + len >= sizeof(b->s))
        len = (uint32_t)(sizeof(b->s) - b->n - 1);
    memcpy(b->s + b->n, data, len);
    b->n += len;
    b->s[b->n] = '\0';
    return 0;
}

/* Raw inspection of side 'dir' for packet 'p' (inline) or none (IDS). */
static const char *raw_read(struct env *e, int dir, struct rawbuf *b)
{
    memset(b, 0, sizeof(*b));
    stream_raw_inspect(e->st, e->f.stream, dir, NULL, raw_cb, b);
    return b->s;
}

/* ---------------------------------------------------------------------------------- */

static void test_inorder_and_ack_gating(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    env_init(&e, &c);
    char out[256];
    handshake(&e);
    CHECK(e.f.stream != NULL);
    tx(&e, C2S, TH_ACK | TH_PSH, CISN + 1, SISN + 1, "hello ");
    CHECK(e.r.added);
    CHECK_EQ(e.r.app_ready, 0);
    tx(&e, C2S, TH_ACK | TH_PSH, CISN + 7, SISN + 1, "world");
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, ""); /* nothing usable before the ACK */
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 7, NULL);
    CHECK_EQ(e.r.app_ready, 1u << C2S);
    CHECK(!e.r.added);
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "hello ");
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 12, NULL);
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "world");
    const struct stream_stats *ss = stream_thread_stats(e.st);
    CHECK_EQ(ss->sessions, 1);
    CHECK_EQ(ss->midstream, 0);
    CHECK_EQ(ss->segments, 2);
    CHECK_EQ(ss->bytes, 11);
    CHECK_EQ(ss->out_of_order, 0);
    env_done(&e);
}

static void test_out_of_order(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    env_init(&e, &c);
    char out[256];
    handshake(&e);
    tx(&e, C2S, TH_ACK, CISN + 6, SISN + 1, "world");
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 1, NULL);
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "");
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "hello");
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 11, NULL);
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "helloworld");
    CHECK_EQ(stream_thread_stats(e.st)->out_of_order, 1);
    CHECK_EQ(stream_thread_stats(e.st)->gaps, 0);
    env_done(&e);
}

static void test_retransmission(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    env_init(&e, &c);
    char out[256];
    handshake(&e);
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "abcdef");
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "abcdef");
    CHECK(e.r.added); /* Suricata sets PKT_STREAM_ADD on retransmissions too */
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 7, NULL);
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "abcdef");
    /* A late copy of consumed bytes (raw consumes too). */
    struct rawbuf b;
    raw_read(&e, C2S, &b);
    CHECK_STR(b.s, "abcdef");
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "XXXXXX");
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 7, NULL);
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "");
    const struct stream_stats *ss = stream_thread_stats(e.st);
    CHECK_EQ(ss->retransmissions, 2);
    CHECK_EQ(ss->overlaps, 1);
    CHECK_EQ(ss->overlap_diff, 0);
    CHECK_EQ(ss->segments, 1);
    env_done(&e);
}

/* Overlap pattern: (offset, length, fill byte), sent in this order before any ACK. */
struct ovl {
    uint32_t off, len;
    char fill;
};
static const struct ovl novak[] = {
    { 0, 4, 'A' },   /* original data */
    { 8, 4, 'B' },
    { 14, 4, 'C' },
    { 20, 6, 'D' },
    { 30, 4, 'E' },
    { 2, 4, 'f' },   /* overlaps the end of A, then new bytes */
    { 7, 2, 'g' },   /* starts in a hole, overlaps B's start */
    { 20, 6, 'h' },  /* exactly D, different bytes */
    { 15, 2, 'i' },  /* inside C */
    { 12, 10, 'j' }, /* across C and into D, filling holes on both sides */
    { 26, 8, 'k' },  /* from D's end over E */
    { 0, 36, 'l' },  /* everything, and beyond */
};

static void test_overlap_policy(int policy)
{
    struct env e;
    struct stream_conf c = base_conf();
    c.policy = (uint8_t)policy;
    env_init(&e, &c);
    handshake(&e);
    char model[64];
    memset(model, 0, sizeof(model));
    uint32_t total = 0;
    for (size_t i = 0; i < ARRAY_SIZE(novak); i++) {
        uint8_t buf[64];
        memset(buf, novak[i].fill, novak[i].len);
        for (uint32_t k = 0; k < novak[i].len; k++) {
            char *m = &model[novak[i].off + k];
            if (*m == 0 || policy == STREAM_POLICY_LAST)
                *m = novak[i].fill;
        }
        if (novak[i].off + novak[i].len > total)
            total = novak[i].off + novak[i].len;
        tx_bytes(&e, C2S, TH_ACK, CISN + 1 + novak[i].off, SISN + 1, buf, novak[i].len);
    }
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 1 + total, NULL);
    char out[256];
    CHECK_EQ(app_read(&e, C2S, out, sizeof(out)), 0);
    CHECK_STR(out, model);
    const struct stream_stats *ss = stream_thread_stats(e.st);
    CHECK_EQ(ss->overlaps, 7);
    CHECK_EQ(ss->overlap_diff, 7);
    CHECK_EQ(ss->retransmissions, policy == STREAM_POLICY_FIRST ? 2 : 2);
    env_done(&e);
}

static void test_overlap_first_last_both_ends(void)
{
    /* A held block "bbbb" at 4..8; a segment 2..10 overlaps it on both ends. */
    for (int policy = 0; policy < 2; policy++) {
        struct env e;
        struct stream_conf c = base_conf();
        c.policy = (uint8_t)policy;
        env_init(&e, &c);
        handshake(&e);
        tx(&e, C2S, TH_ACK, CISN + 1 + 4, SISN + 1, "bbbb");
        tx(&e, C2S, TH_ACK, CISN + 1 + 2, SISN + 1, "XXXXXXXX");
        tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "aa");
        tx(&e, S2C, TH_ACK, SISN + 1, CISN + 11, NULL);
        char out[64];
        app_read(&e, C2S, out, sizeof(out));
        CHECK_STR(out, policy == STREAM_POLICY_FIRST ? "aaXXbbbbXX" : "aaXXXXXXXX");
        CHECK_EQ(stream_thread_stats(e.st)->overlap_diff, 1);
        env_done(&e);
    }
}

static void test_seq_wrap(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    env_init(&e, &c);
    uint32_t isn = 0xfffffffdu; /* data starts at 0xfffffffe and wraps after 2 bytes */
    tx(&e, C2S, TH_SYN, isn, 0, NULL);
    tx(&e, S2C, TH_SYN | TH_ACK, SISN, isn + 1, NULL);
    tx(&e, C2S, TH_ACK, isn + 1, SISN + 1, NULL);
    tx(&e, C2S, TH_ACK, isn + 1 + 6, SISN + 1, "world"); /* seq 4: after the wrap */
    tx(&e, C2S, TH_ACK, isn + 1, SISN + 1, "hello!");
    tx(&e, S2C, TH_ACK, SISN + 1, isn + 1 + 11, NULL); /* ack 9 */
    char out[64];
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "hello!world");
    CHECK_EQ(e.f.stream->side[C2S].app_progress, 11);
    CHECK_EQ(e.f.stream->side[C2S].acked, 11);
    env_done(&e);
}

static void test_syn_data(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    env_init(&e, &c);
    tx(&e, C2S, TH_SYN, CISN, 0, "GET ");
    CHECK(e.r.added);
    tx(&e, S2C, TH_SYN | TH_ACK, SISN, CISN + 5, NULL);
    tx(&e, C2S, TH_ACK, CISN + 5, SISN + 1, "/ HTTP/1.0\r\n");
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 17, NULL);
    char out[64];
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "GET / HTTP/1.0\r\n");
    env_done(&e);
}

static void test_midstream(void)
{
    char out[64];
    /* Off: a connection picked up at a data packet gets no session. */
    struct env e;
    struct stream_conf c = base_conf();
    env_init(&e, &c);
    tx(&e, C2S, TH_ACK, 777, 9000, "abc");
    CHECK(e.f.stream == NULL);
    CHECK(!e.r.added);
    /* Nor at a SYN/ACK (Suricata 7 wants midstream for that too). */
    tx(&e, S2C, TH_SYN | TH_ACK, 9000, 777, NULL);
    CHECK(e.f.stream == NULL);
    env_done(&e);

    /* On: offsets start at the first packet's seq; the other side at its ACK. */
    c.midstream = true;
    env_init(&e, &c);
    tx(&e, C2S, TH_ACK, 777, 9000, "abc");
    CHECK(e.f.stream != NULL);
    CHECK(e.r.added);
    CHECK(e.f.stream->flags & STREAM_MIDSTREAM);
    tx(&e, S2C, TH_ACK, 9000, 780, "xyz");
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "abc");
    tx(&e, C2S, TH_ACK, 780, 9003, NULL);
    app_read(&e, S2C, out, sizeof(out));
    CHECK_STR(out, "xyz");
    CHECK_EQ(stream_thread_stats(e.st)->midstream, 1);
    env_done(&e);

    /* On, at a SYN/ACK: the client's bytes start at its ACK. */
    env_init(&e, &c);
    tx(&e, S2C, TH_SYN | TH_ACK, 9000, 778, NULL);
    CHECK(e.f.stream != NULL);
    tx(&e, C2S, TH_ACK, 778, 9001, "hi");
    tx(&e, S2C, TH_ACK, 9001, 780, NULL);
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "hi");
    env_done(&e);
}

static void test_async_oneside(void)
{
    char out[64];
    for (int on = 0; on < 2; on++) {
        struct env e;
        struct stream_conf c = base_conf();
        c.async_oneside = on;
        env_init(&e, &c);
        tx(&e, C2S, TH_SYN, CISN, 0, NULL);
        tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "one");
        tx(&e, C2S, TH_ACK, CISN + 8, SISN + 1, "three"); /* beyond a hole */
        app_read(&e, C2S, out, sizeof(out));
        CHECK_STR(out, on ? "one" : "");
        if (on)
            CHECK(e.f.stream->flags & STREAM_ASYNC);
        tx(&e, C2S, TH_ACK, CISN + 4, SISN + 1, "two ");
        app_read(&e, C2S, out, sizeof(out));
        CHECK_STR(out, on ? "two three" : "");
        env_done(&e);
    }
}

struct pk {
    int dir;
    uint8_t fl;
    uint32_t seq, ack;
    const char *d;
};

/* Runs 'pk' with no app-layer parser and raw inspection whenever stream_raw_ready says
 * so; returns the 1-based index of the first packet whose inspection showed "ABCD", with
 * the bytes inspected then in 'seen' (0 if none did). */
static int oracle_run(const struct stream_conf *c, const struct pk *pk, size_t n,
                      struct rawbuf *seen)
{
    struct env e;
    env_init(&e, c);
    int at = 0;
    memset(seen, 0, sizeof(*seen));
    for (size_t i = 0; i < n; i++) {
        struct packet p;
        memset(&p, 0, sizeof(p));
        p.tcp_flags = pk[i].fl;
        p.tcp_seq = pk[i].seq;
        p.tcp_ack = pk[i].ack;
        p.payload = (const uint8_t *)pk[i].d;
        p.payload_len = pk[i].d ? (uint32_t)strlen(pk[i].d) : 0;
        e.held += stream_packet(e.st, &e.f, &p, pk[i].dir, &e.r);
        if (e.f.stream == NULL)
            continue;
        e.raw_ready = stream_raw_ready(e.f.stream, pk[i].dir);
        stream_app_done(e.st, e.f.stream, C2S);
        stream_app_done(e.st, e.f.stream, S2C);
        if (e.raw_ready) {
            struct rawbuf one;
            memset(&one, 0, sizeof(one));
            stream_raw_inspect(e.st, e.f.stream, pk[i].dir, &p, raw_cb, &one);
            if (pk[i].dir == C2S && strstr(one.s, "ABCD") != NULL && at == 0) {
                at = (int)i + 1;
                *seen = one;
            }
        }
    }
    env_done(&e);
    return at;
}

/* The oracle checks: rule content "AB" then "CD" (distance 0) over segments "xxAB"
 * "CDyy". Suricata 7.0.10 (IDS) alerts on packet 11, the client's FIN (its state
 * CLOSE_WAIT is past TIME_WAIT: raw flush), having inspected "xxABCDyy" in one block;
 * inline it alerts on packet 6, the "CDyy" packet, whose window is "xxABCDyy". Picked up
 * midstream it alerts at the client's FIN (packet 5); an RST with a wild sequence number
 * changes nothing (still the FIN, packet 9). */
static void test_oracle_ab_cd(void)
{
    static const struct pk conv[] = {
        { C2S, TH_SYN, CISN, 0, NULL },
        { S2C, TH_SYN | TH_ACK, SISN, CISN + 1, NULL },
        { C2S, TH_ACK, CISN + 1, SISN + 1, NULL },
        { C2S, TH_ACK | TH_PSH, CISN + 1, SISN + 1, "xxAB" },
        { S2C, TH_ACK, SISN + 1, CISN + 5, NULL },
        { C2S, TH_ACK | TH_PSH, CISN + 5, SISN + 1, "CDyy" },
        { S2C, TH_ACK, SISN + 1, CISN + 9, NULL },
        { C2S, TH_ACK, CISN + 9, SISN + 1, NULL },
        { S2C, TH_ACK | TH_PSH, SISN + 1, CISN + 9, "resp" },
        { C2S, TH_ACK, CISN + 9, SISN + 5, NULL },
        { C2S, TH_FIN | TH_ACK, CISN + 9, SISN + 5, NULL },
        { S2C, TH_FIN | TH_ACK, SISN + 5, CISN + 10, NULL },
        { C2S, TH_ACK, CISN + 10, SISN + 6, NULL },
    };
    static const struct pk mid[] = {
        { C2S, TH_ACK | TH_PSH, CISN + 1, SISN + 1, "xxAB" },
        { S2C, TH_ACK, SISN + 1, CISN + 5, NULL },
        { C2S, TH_ACK | TH_PSH, CISN + 5, SISN + 1, "CDyy" },
        { S2C, TH_ACK, SISN + 1, CISN + 9, NULL },
        { C2S, TH_FIN | TH_ACK, CISN + 9, SISN + 1, NULL },
        { S2C, TH_ACK, SISN + 1, CISN + 10, NULL },
        { C2S, TH_ACK, CISN + 10, SISN + 1, NULL },
    };
    static const struct pk badrst[] = {
        { C2S, TH_SYN, CISN, 0, NULL },
        { S2C, TH_SYN | TH_ACK, SISN, CISN + 1, NULL },
        { C2S, TH_ACK, CISN + 1, SISN + 1, NULL },
        { C2S, TH_ACK | TH_PSH, CISN + 1, SISN + 1, "xxAB" },
        { S2C, TH_ACK, SISN + 1, CISN + 5, NULL },
        { C2S, TH_RST, CISN + 50000, 0, NULL },
        { C2S, TH_ACK | TH_PSH, CISN + 5, SISN + 1, "CDyy" },
        { S2C, TH_ACK, SISN + 1, CISN + 9, NULL },
        { C2S, TH_FIN | TH_ACK, CISN + 9, SISN + 1, NULL },
        { S2C, TH_ACK, SISN + 1, CISN + 10, NULL },
    };
    struct rawbuf seen;
    struct stream_conf c = base_conf();
    CHECK_EQ(oracle_run(&c, conv, ARRAY_SIZE(conv), &seen), 11);
    CHECK_STR(seen.s, "xxABCDyy");
    CHECK_EQ(oracle_run(&c, badrst, ARRAY_SIZE(badrst), &seen), 9);
    CHECK_EQ(oracle_run(&c, mid, ARRAY_SIZE(mid), &seen), 0); /* no midstream: no session */
    c.midstream = true;
    CHECK_EQ(oracle_run(&c, mid, ARRAY_SIZE(mid), &seen), 5);
    CHECK_STR(seen.s, "xxABCDyy");
    c.midstream = false;
    c.inline_mode = true;
    CHECK_EQ(oracle_run(&c, conv, ARRAY_SIZE(conv), &seen), 6);
    CHECK_STR(seen.s, "xxABCDyy");
}

static void test_inline_window(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    c.inline_mode = true;
    c.chunk_toserver = 9; /* window: a chunk, widened to payload + chunk/3 for big ones */
    env_init(&e, &c);
    handshake(&e);
    char out[64];
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "0123");
    CHECK(e.raw_ready);
    CHECK_EQ(e.r.app_ready, 1u << C2S); /* usable on arrival */
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "0123");
    struct packet p;
    memset(&p, 0, sizeof(p));
    p.tcp_flags = TH_ACK;
    p.tcp_seq = CISN + 5;
    p.tcp_ack = SISN + 1;
    p.payload = (const uint8_t *)"4567";
    p.payload_len = 4;
    e.held += stream_packet(e.st, &e.f, &p, C2S, &e.r);
    struct rawbuf b;
    memset(&b, 0, sizeof(b));
    stream_raw_inspect(e.st, e.f.stream, C2S, &p, raw_cb, &b);
    CHECK_STR(b.s, "01234567");
    p.tcp_seq = CISN + 9;
    p.payload = (const uint8_t *)"89abcdef";
    p.payload_len = 8; /* 8 > 9*2/3: window = 8 + 3 */
    e.held += stream_packet(e.st, &e.f, &p, C2S, &e.r);
    memset(&b, 0, sizeof(b));
    stream_raw_inspect(e.st, e.f.stream, C2S, &p, raw_cb, &b);
    CHECK_STR(b.s, "56789abcdef");
    CHECK_EQ(b.first_offset, 5);
    env_done(&e);
}

static void test_chunk_and_trigger(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    c.chunk_toserver = 10;
    env_init(&e, &c);
    handshake(&e);
    struct rawbuf b;
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "abcdef");
    CHECK(!e.raw_ready);
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 7, NULL);
    tx(&e, C2S, TH_ACK, CISN + 7, SISN + 1, "ghij");
    CHECK(!e.raw_ready); /* 6 ACKed bytes < 10 */
    stream_raw_trigger(e.f.stream, C2S);
    CHECK(stream_raw_ready(e.f.stream, C2S));
    raw_read(&e, C2S, &b);
    CHECK_STR(b.s, "abcdef");
    CHECK(!stream_raw_ready(e.f.stream, C2S)); /* trigger cleared */
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 11, NULL);
    tx(&e, C2S, TH_ACK, CISN + 11, SISN + 1, "klmnopqrstuv");
    CHECK(!e.raw_ready);
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 23, NULL);
    tx(&e, C2S, TH_ACK, CISN + 23, SISN + 1, NULL);
    CHECK(e.raw_ready); /* 16 ACKed bytes beyond the raw progress */
    raw_read(&e, C2S, &b);
    CHECK_STR(b.s, "ghijklmnopqrstuv");
    CHECK_EQ(b.first_offset, 6);
    env_done(&e);
}

static void test_depth(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    c.depth = 6;
    env_init(&e, &c);
    handshake(&e);
    char out[64];
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "xxAB");
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 5, NULL);
    tx(&e, C2S, TH_ACK, CISN + 5, SISN + 1, "CDyy"); /* ends past the depth: not kept */
    CHECK(e.r.added);
    CHECK(e.raw_ready); /* depth reached: flush */
    CHECK(e.f.stream->side[C2S].flags & STREAM_SIDE_DEPTH);
    struct rawbuf b;
    raw_read(&e, C2S, &b);
    CHECK_STR(b.s, "xxAB");
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "xxAB");
    tx(&e, C2S, TH_ACK, CISN + 9, SISN + 1, "more");
    CHECK(!e.r.added); /* past the depth, packets are inspected one by one */
    CHECK_EQ(stream_thread_stats(e.st)->depth_reached, 1);
    CHECK_EQ(stream_thread_stats(e.st)->memuse, 0);
    env_done(&e);
}

static void test_memcap(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    c.memcap = 16;
    env_init(&e, &c);
    handshake(&e);
    char out[64];
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "AAAAAAAA");
    tx(&e, C2S, TH_ACK, CISN + 9, SISN + 1, "BBBBBBBB");
    CHECK_EQ(stream_thread_stats(e.st)->memuse, 16);
    CHECK_EQ(e.held, (int64_t)sizeof(struct stream_session) + 16);
    tx(&e, C2S, TH_ACK, CISN + 17, SISN + 1, "CCCCCCCC");
    CHECK(!e.r.added);
    CHECK_EQ(stream_thread_stats(e.st)->memcap_drops, 1);
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 17, NULL);
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "AAAAAAAABBBBBBBB");
    struct rawbuf b;
    raw_read(&e, C2S, &b);
    tx(&e, C2S, TH_ACK, CISN + 25, SISN + 1, "DDDDDDDD"); /* the consumed bytes are freed first */
    CHECK(e.r.added);
    CHECK_EQ(stream_thread_stats(e.st)->memuse, 8);
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 33, NULL);
    CHECK_EQ(app_read(&e, C2S, out, sizeof(out)), 1);
    CHECK_STR(out, "[8]DDDDDDDD");
    raw_read(&e, C2S, &b);
    CHECK_STR(b.s, "DDDDDDDD");
    CHECK_EQ(b.first_offset, 24);
    CHECK_EQ(stream_thread_stats(e.st)->gaps, 1); /* counted once for both consumers */
    env_done(&e);
}

static void test_max_segments(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    c.max_segments = 2;
    env_init(&e, &c);
    handshake(&e);
    tx(&e, C2S, TH_ACK, CISN + 11, SISN + 1, "b");
    tx(&e, C2S, TH_ACK, CISN + 21, SISN + 1, "c");
    tx(&e, C2S, TH_ACK, CISN + 31, SISN + 1, "d");
    CHECK_EQ(stream_thread_stats(e.st)->segment_limit, 1);
    CHECK(!e.r.added);
    tx(&e, C2S, TH_ACK, CISN + 12, SISN + 1, "bb"); /* grows a block: no new one */
    CHECK(e.r.added);
    CHECK_EQ(e.f.stream->side[C2S].nseg, 2);
    env_done(&e);
}

static void test_fin(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    env_init(&e, &c);
    handshake(&e);
    char out[64];
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "data");
    tx(&e, C2S, TH_ACK | TH_FIN, CISN + 5, SISN + 1, NULL);
    CHECK(e.raw_ready); /* client FIN first: Suricata's CLOSE_WAIT flushes */
    tx(&e, C2S, TH_ACK, CISN + 6, SISN + 1, "after");
    CHECK(!e.r.added);
    tx(&e, C2S, TH_ACK, CISN + 5, SISN + 1, "XYZ"); /* at the FIN's sequence number */
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 6, NULL);
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "data");
    CHECK(!(e.f.stream->flags & STREAM_CLOSED));
    tx(&e, S2C, TH_ACK | TH_FIN, SISN + 1, CISN + 6, NULL);
    tx(&e, C2S, TH_ACK, CISN + 6, SISN + 2, NULL);
    CHECK(e.f.stream->flags & STREAM_CLOSED);
    env_done(&e);

    /* A server FIN alone does not flush (FIN_WAIT1). */
    env_init(&e, &c);
    handshake(&e);
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "data");
    tx(&e, S2C, TH_ACK | TH_FIN, SISN + 1, CISN + 5, NULL);
    tx(&e, C2S, TH_ACK, CISN + 5, SISN + 2, NULL);
    CHECK(!e.raw_ready);
    env_done(&e);
}

static void test_rst(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    env_init(&e, &c);
    handshake(&e);
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "data");
    tx(&e, C2S, TH_RST, CISN + 100000, 0, NULL);
    CHECK_EQ(stream_thread_stats(e.st)->bad_rst, 1);
    CHECK(!(e.f.stream->flags & STREAM_CLOSED));
    tx(&e, S2C, TH_RST | TH_ACK, SISN + 7, CISN + 5, NULL); /* server sent nothing */
    CHECK_EQ(stream_thread_stats(e.st)->bad_rst, 2);
    tx(&e, C2S, TH_RST, CISN + 5, 0, "junk");
    CHECK(!e.r.added);
    CHECK(e.f.stream->flags & STREAM_CLOSED);
    CHECK(e.f.stream->side[C2S].flags & STREAM_SIDE_RST);
    CHECK(e.raw_ready);
    env_done(&e);

    /* RST answering a SYN: the server's ISN is unknown, its ACK is checked. */
    env_init(&e, &c);
    tx(&e, C2S, TH_SYN, CISN, 0, NULL);
    tx(&e, S2C, TH_RST | TH_ACK, 0, CISN + 1, NULL);
    CHECK(e.f.stream->flags & STREAM_CLOSED);
    env_done(&e);
}

static void test_eof(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    env_init(&e, &c);
    handshake(&e);
    char out[64];
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "unacked");
    tx(&e, C2S, TH_ACK, CISN + 10, SISN + 1, "far");
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "");
    CHECK(!stream_raw_ready(e.f.stream, C2S));
    stream_session_end(e.f.stream);
    CHECK(stream_raw_ready(e.f.stream, C2S));
    CHECK_EQ(app_read(&e, C2S, out, sizeof(out)), 1);
    CHECK_STR(out, "unacked[2]far");
    struct rawbuf b;
    raw_read(&e, C2S, &b);
    CHECK_STR(b.s, "unacked|far");
    CHECK_EQ(stream_thread_stats(e.st)->gaps, 1);
    env_done(&e);
}

static void test_app_partial(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    c.raw = false;
    env_init(&e, &c);
    handshake(&e);
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "0123456789");
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 11, NULL);
    const uint8_t *d;
    uint32_t len, gap;
    CHECK(stream_app_data(e.f.stream, C2S, &d, &len, &gap));
    CHECK_EQ(len, 10);
    stream_app_consume(e.st, e.f.stream, C2S, 3);
    CHECK(stream_app_data(e.f.stream, C2S, &d, &len, &gap));
    CHECK_EQ(len, 7);
    CHECK(memcmp(d, "3456789", 7) == 0);
    tx(&e, C2S, TH_ACK, CISN + 11, SISN + 1, "abc");
    CHECK_EQ(stream_thread_stats(e.st)->memuse, 10); /* 3 consumed bytes freed */
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 14, NULL);
    CHECK(stream_app_data(e.f.stream, C2S, &d, &len, &gap));
    CHECK_EQ(len, 10);
    CHECK(memcmp(d, "3456789abc", 10) == 0);
    CHECK(!stream_raw_ready(e.f.stream, C2S)); /* no raw detection */
    stream_app_consume(e.st, e.f.stream, C2S, 10);
    tx(&e, C2S, TH_ACK, CISN + 14, SISN + 1, NULL);
    CHECK_EQ(stream_thread_stats(e.st)->memuse, 0);
    env_done(&e);
}

static void test_gap_once(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    env_init(&e, &c);
    handshake(&e);
    char out[64];
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "aaaa");
    tx(&e, C2S, TH_ACK, CISN + 9, SISN + 1, "cccc"); /* 4..8 lost in capture */
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 7, NULL);   /* ACK inside the gap */
    CHECK_EQ(app_read(&e, C2S, out, sizeof(out)), 0);
    CHECK_STR(out, "aaaa");
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 13, NULL);
    CHECK_EQ(e.r.app_ready, 1u << C2S);
    const uint8_t *d;
    uint32_t len, gap;
    CHECK(stream_app_data(e.f.stream, C2S, &d, &len, &gap));
    CHECK_EQ(gap, 4);
    CHECK_EQ(len, 4);
    CHECK(stream_app_data(e.f.stream, C2S, &d, &len, &gap)); /* same view until consumed */
    CHECK_EQ(gap, 4);
    stream_app_consume(e.st, e.f.stream, C2S, 2); /* part of the gap */
    CHECK(stream_app_data(e.f.stream, C2S, &d, &len, &gap));
    CHECK_EQ(gap, 2);
    stream_app_consume(e.st, e.f.stream, C2S, gap + len);
    CHECK(!stream_app_data(e.f.stream, C2S, &d, &len, &gap));
    CHECK_EQ(stream_thread_stats(e.st)->gaps, 1);
    struct rawbuf b;
    raw_read(&e, C2S, &b);
    CHECK_STR(b.s, "aaaa|cccc");
    CHECK_EQ(stream_thread_stats(e.st)->gaps, 1);
    env_done(&e);
}

static void test_app_done_frees(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    c.raw = false;
    env_init(&e, &c);
    handshake(&e);
    stream_app_done(e.st, e.f.stream, C2S);
    tx(&e, C2S, TH_ACK, CISN + 1, SISN + 1, "0123456789");
    CHECK_EQ(stream_thread_stats(e.st)->memuse, 10);
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 11, NULL);
    CHECK_EQ(stream_thread_stats(e.st)->memuse, 0);
    CHECK_EQ(e.f.stream->side[C2S].app_progress, 10);
    CHECK_EQ(e.f.stream->side[C2S].raw_progress, 10);
    env_done(&e);
}

/* A side is settled before a packet only when a consumer moved it, and the app layer is
 * told of new bytes only when its usable run grows: a partial read releases its bytes
 * at the next packet of either side, a packet that makes nothing usable reports nothing,
 * and bytes behind a gap become ready once the gap is usable. */
static void test_ready_after_moves(void)
{
    struct env e;
    struct stream_conf c = base_conf();
    c.raw = false;
    env_init(&e, &c);
    handshake(&e);
    tx(&e, C2S, TH_ACK | TH_PSH, CISN + 1, SISN + 1, "abcdef");
    CHECK_EQ(e.r.app_ready, 0);
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 7, NULL);
    CHECK_EQ(e.r.app_ready, 1u << C2S);
    /* the parser takes two bytes and waits for more */
    stream_app_consume(e.st, e.f.stream, C2S, 2);
    CHECK_EQ(stream_thread_stats(e.st)->memuse, 6);
    /* an ACK-only packet of the other side: the moved side is settled (2 bytes freed),
     * nothing new is usable */
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 7, NULL);
    CHECK_EQ(e.r.app_ready, 0);
    CHECK_EQ(stream_thread_stats(e.st)->memuse, 4);
    /* more bytes, not yet ACKed: not ready; ACKed: ready */
    tx(&e, C2S, TH_ACK | TH_PSH, CISN + 7, SISN + 1, "gh");
    CHECK_EQ(e.r.app_ready, 0);
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 9, NULL);
    CHECK_EQ(e.r.app_ready, 1u << C2S);
    char out[64];
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "cdefgh");
    /* bytes beyond a hole: held, not ready until the ACK covers the hole */
    tx(&e, C2S, TH_ACK | TH_PSH, CISN + 12, SISN + 1, "lm");
    CHECK_EQ(e.r.app_ready, 0);
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 14, NULL);
    CHECK_EQ(e.r.app_ready, 1u << C2S);
    app_read(&e, C2S, out, sizeof(out));
    CHECK_STR(out, "[3]lm");
    /* everything consumed: the next packet frees it all */
    tx(&e, S2C, TH_ACK, SISN + 1, CISN + 14, NULL);
    CHECK_EQ(e.r.app_ready, 0);
    CHECK_EQ(stream_thread_stats(e.st)->memuse, 0);
    env_done(&e);
}

static void test_conf_errors(void)
{
    char err[CANH_ERRBUF_SIZE];
    struct stream_conf c = base_conf();
    c.memcap = 0;
    CHECK(stream_thread_new(&c, err) == NULL);
    CHECK(strstr(err, "memcap") != NULL);
    c = base_conf();
    c.max_segments = 0;
    CHECK(stream_thread_new(&c, err) == NULL);
    stream_thread_free(NULL);
    struct flow f;
    memset(&f, 0, sizeof(f));
    c = base_conf();
    struct stream_thread *st = stream_thread_new(&c, err);
    CHECK_EQ(stream_session_free(st, &f), 0);
    stream_thread_free(st);
}

int main(void)
{
    test_inorder_and_ack_gating();
    test_out_of_order();
    test_retransmission();
    test_overlap_policy(STREAM_POLICY_FIRST);
    test_overlap_policy(STREAM_POLICY_LAST);
    test_overlap_first_last_both_ends();
    test_seq_wrap();
    test_syn_data();
    test_midstream();
    test_async_oneside();
    test_oracle_ab_cd();
    test_inline_window();
    test_chunk_and_trigger();
    test_depth();
    test_memcap();
    test_max_segments();
    test_fin();
    test_rst();
    test_eof();
    test_app_partial();
    test_gap_once();
    test_app_done_frees();
    test_ready_after_moves();
    test_conf_errors();
    return test_done("test-stream");
}
