/* libFuzzer harness for the packet decoders: decode_packet() and decode_dispatch_hash()
 * on arbitrary frames, as a worker runs them.
 *
 * Input: byte 0 chooses how the frame was captured, the rest is the frame.
 *   bits 0-3  link type: an index, modulo their number, into the link types that
 *             decode_linktype_supported() accepts, in DLT order (with libpcap's Linux
 *             values: 0 NULL, 1 EN10MB, 2 PPP, 3 RAW, 4 PPP_SERIAL, 5 C_HDLC, 6 LOOP,
 *             7 LINUX_SLL, 8 IPV4, 9 IPV6, 10 LINUX_SLL2)
 *   bit 4     the capture was cut by the snaplen (wirelen > caplen)
 *   bits 5-6  the defragmentation overlap policy (bsd, linux, first, last)
 *
 * State persists across inputs as in a worker: one decode_thread per policy, each with
 * a defragmenter (small memcap and tracker cap, so eviction runs) and checksum
 * verification on. A fake clock advances 1 ms per input and defrag_timeout() runs every
 * 64 inputs, so fragments of different inputs meet, complete, time out and are evicted.
 *
 * After each decode the harness checks the decoder's contract and traps on a breach, so
 * libFuzzer keeps the input: the return code matches PKT_INVALID, CANH_ERR comes with an
 * event, events are valid, and every decoded pointer lies in the frame (or, after
 * reassembly, is read in full so the sanitizer sees it). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "decode/decode.h"
#include "decode/defrag.h"

#define FUZZ_POLICIES 4
#define FUZZ_MAX_LINKTYPES 16

struct fuzz_state {
    struct decode_thread dt[FUZZ_POLICIES];
    int linktypes[FUZZ_MAX_LINKTYPES];
    unsigned nlinktypes;
    uint64_t now_us;
    uint64_t inputs;
};

static struct fuzz_state *fuzz_state_get(void)
{
    static struct fuzz_state *st; /* libFuzzer gives no context argument */
    if (st != NULL)
        return st;
    st = calloc(1, sizeof(*st));
    if (st == NULL)
        abort();
    for (int lt = 0; lt < 1024 && st->nlinktypes < FUZZ_MAX_LINKTYPES; lt++)
        if (decode_linktype_supported(lt))
            st->linktypes[st->nlinktypes++] = lt;
    for (int i = 0; i < FUZZ_POLICIES; i++) {
        struct defrag_conf dc = {
            .memcap = 256u << 10,
            .timeout_us = 30000,
            .max_frags = 32,
            .max_trackers = 64,
            .policy = i,
        };
        char errbuf[CANH_ERRBUF_SIZE];
        st->dt[i].max_layers = 16;
        st->dt[i].verify_checksums = true;
        st->dt[i].defrag = defrag_new(&dc, errbuf);
        if (st->dt[i].defrag == NULL) {
            fprintf(stderr, "fuzz-decode: %s\n", errbuf);
            abort();
        }
    }
    st->now_us = 1000000;
    return st;
}

static void fuzz_fail(const char *what, const struct packet *p, int rc)
{
    fprintf(stderr, "fuzz-decode: contract broken: %s (rc %d, flags 0x%x, nevents %u)\n", what,
            rc, p->flags, p->nevents);
    __builtin_trap();
}

static bool in_frame(const uint8_t *ptr, uint32_t len, const uint8_t *frame, uint32_t caplen)
{
    if (ptr == NULL)
        return len == 0;
    uintptr_t a = (uintptr_t)ptr, lo = (uintptr_t)frame;
    return a >= lo && a <= lo + caplen && len <= lo + caplen - a;
}

/* Reads every byte of a decoded region, so the sanitizer checks the length. */
static uint8_t touch(const uint8_t *ptr, uint32_t len)
{
    volatile uint8_t x = 0;
    for (uint32_t i = 0; i < len; i++)
        x ^= ptr[i];
    return x;
}

static void fuzz_check(const struct decode_thread *dt, const struct packet *p, int rc,
                       const uint8_t *frame, uint32_t caplen)
{
    if (rc != CANH_OK && rc != CANH_AGAIN && rc != CANH_ERR)
        fuzz_fail("unexpected return code", p, rc);
    if ((rc == CANH_ERR) != ((p->flags & PKT_INVALID) != 0))
        fuzz_fail("PKT_INVALID does not match CANH_ERR", p, rc);
    if (rc == CANH_ERR && p->nevents == 0)
        fuzz_fail("CANH_ERR without an event", p, rc);
    if (p->nevents > PACKET_MAX_EVENTS)
        fuzz_fail("too many events", p, rc);
    for (unsigned i = 0; i < p->nevents; i++)
        if (p->events[i] == DECODE_EV_NONE || p->events[i] >= DECODE_EV_MAX)
            fuzz_fail("bad event number", p, rc);
    if (p->layers > dt->max_layers)
        fuzz_fail("more layers than the cap", p, rc);
    if (p->ipver != 0 && p->ipver != 4 && p->ipver != 6)
        fuzz_fail("bad IP version", p, rc);
    if (p->ip != NULL && p->ip_hlen > p->ip_len)
        fuzz_fail("ip_hlen > ip_len", p, rc);
    if (!(p->flags & PKT_REASSEMBLED) &&
        (!in_frame(p->ip, p->ip_len, frame, caplen) || !in_frame(p->l4, p->l4_len, frame, caplen) ||
         !in_frame(p->payload, p->payload_len, frame, caplen)))
        fuzz_fail("decoded pointer outside the frame", p, rc);
    if (p->ip != NULL)
        (void)touch(p->ip, p->ip_len);
    if (p->l4 != NULL)
        (void)touch(p->l4, p->l4_len);
    if (p->payload != NULL)
        (void)touch(p->payload, p->payload_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    struct fuzz_state *st = fuzz_state_get();
    uint8_t sel = data[0];
    int linktype = st->linktypes[(sel & 0x0f) % st->nlinktypes];
    struct decode_thread *dt = &st->dt[(sel >> 5) & 3];
    /* The frame ends where libFuzzer's buffer ends, so an over-read is caught. */
    const uint8_t *frame = data + 1;
    uint32_t caplen = (uint32_t)size - 1;

    st->now_us += 1000;
    if (++st->inputs % 64 == 0)
        for (int i = 0; i < FUZZ_POLICIES; i++)
            defrag_timeout(st->dt[i].defrag, st->now_us);

    struct packet p = { 0 };
    p.ts_us = st->now_us;
    p.data = frame;
    p.caplen = caplen;
    p.wirelen = (sel & 0x10) ? caplen + 64 : caplen;
    p.linktype = linktype;
    int rc = decode_packet(dt, &p);
    fuzz_check(dt, &p, rc, frame, caplen);

    (void)decode_dispatch_hash(linktype, frame, caplen);
    return 0;
}
