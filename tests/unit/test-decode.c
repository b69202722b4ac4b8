/* Unit tests of the packet decoders (sensor/decode/).
 *
 * Frames are built with a small builder (struct fb) that records each header it writes,
 * then fills in lengths and checksums from the innermost layer out. Every valid frame is
 * also decoded cut at every length, twice: once as a capture cut by the snaplen
 * (wirelen = full length: decode what there is) and once as a frame that is itself short
 * (wirelen = caplen: the IP length field lies). The bytes are handed to the decoder in a
 * heap block of exactly caplen bytes, so the sanitizer build catches any read past the
 * end. The builder's record of header boundaries gives the event each cut must raise.
 *
 * Run under ASan+UBSan: make -C tests BUILD=... EXTRA_CFLAGS=-fsanitize=... (see the
 * sensor Makefile's sanitizer build). */
#include <pcap/dlt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode-checksum.h"
#include "decode/decode.h"
#include "test.h"

/* ---------------------------------------------------------------------------------- */
/* Addresses                                                                          */
/* ---------------------------------------------------------------------------------- */

static const uint8_t S4[4] = { 192, 0, 2, 1 };
static const uint8_t D4[4] = { 198, 51, 100, 2 };
static const uint8_t IS4[4] = { 10, 1, 1, 1 }; /* inner (tunnelled) addresses */
static const uint8_t ID4[4] = { 10, 2, 2, 2 };
static const uint8_t S6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t D6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 0x02 };
static const uint8_t IS6[16] = { 0xfd, 0x00, [15] = 0x11 };
static const uint8_t ID6[16] = { 0xfd, 0x00, [15] = 0x22 };

static bool addr_is(const struct canh_addr *a, const uint8_t *want, unsigned n)
{
    static const uint8_t zero[16];
    return memcmp(a->b, want, n) == 0 && memcmp(a->b + n, zero, 16 - n) == 0;
}

/* ---------------------------------------------------------------------------------- */
/* Frame builder                                                                      */
/* ---------------------------------------------------------------------------------- */

#define FB_SIZE 4096
#define FB_MAX_LAYERS 64
#define EV_SKIP (-1) /* a cut whose event the sweep does not check */

/* FB_RAW is payload (or a header given as bytes, with its own cut event), FB_HDR a header
 * whose cut stops decoding without an event, FB_PAD link-layer padding after the IP
 * packet. */
enum fb_kind { FB_RAW, FB_HDR, FB_PAD, FB_ETH, FB_VLAN, FB_MPLS, FB_IPV4, FB_IPV6, FB_EXT6,
               FB_TCP, FB_UDP, FB_ICMP4, FB_ICMP6, FB_GRE };

/* One header written by the builder. A frame cut inside it, at [off, off+cut1), raises
 * ev1; at [off+cut1, off+len), ev2 (DECODE_EV_NONE: decoding stops quietly). */
struct fb_layer {
    enum fb_kind kind;
    uint32_t off, len, cut1;
    int ev1, ev2;
};

struct fb {
    uint8_t b[FB_SIZE];
    uint32_t len;
    int n;
    struct fb_layer l[FB_MAX_LAYERS];
    int nov; /* expectations that differ from the layer rule at one cut length */
    struct { uint32_t at; int ev; } ov[4];
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void fb_init(struct fb *f)
{
    memset(f, 0, sizeof(*f));
}

/* Appends a header of n bytes (copied from 'bytes', or zeroed) and returns it. */
static uint8_t *fb_push(struct fb *f, enum fb_kind kind, const void *bytes, uint32_t n,
                        uint32_t cut1, int ev1, int ev2)
{
    if (f->len + n > FB_SIZE || f->n == FB_MAX_LAYERS) {
        fprintf(stderr, "fb: frame too big\n");
        abort();
    }
    uint8_t *h = f->b + f->len;
    if (bytes != NULL)
        memcpy(h, bytes, n);
    else
        memset(h, 0, n);
    f->l[f->n++] = (struct fb_layer){ kind, f->len, n, cut1, ev1, ev2 };
    f->len += n;
    return h;
}

/* Raw bytes; a cut inside them raises 'ev'. */
static uint8_t *fb_raw(struct fb *f, const void *bytes, uint32_t n, int ev)
{
    return fb_push(f, FB_RAW, bytes, n, n, ev, ev);
}

/* A header the decoder reads without raising an event when it is cut. */
static uint8_t *fb_hdr(struct fb *f, const void *bytes, uint32_t n)
{
    return fb_push(f, FB_HDR, bytes, n, n, DECODE_EV_NONE, DECODE_EV_NONE);
}

/* Zero padding after the packet (Ethernet minimum frame size); call after fb_finish. */
static void fb_pad(struct fb *f, uint32_t n)
{
    fb_push(f, FB_PAD, NULL, n, n, DECODE_EV_NONE, DECODE_EV_NONE);
}

/* Where the padding starts (the frame's length if there is none). */
static uint32_t fb_data_end(const struct fb *f)
{
    for (int i = 0; i < f->n; i++)
        if (f->l[i].kind == FB_PAD)
            return f->l[i].off;
    return f->len;
}

static void fb_payload(struct fb *f, const char *s)
{
    fb_raw(f, s, (uint32_t)strlen(s), DECODE_EV_NONE);
}

/* At cut length 'at' expect 'ev' instead of what the layers say (unless the outermost
 * IP header's length field already fails the short-packet variant). */
static void fb_expect_at(struct fb *f, uint32_t at, int ev)
{
    f->ov[f->nov].at = at;
    f->ov[f->nov++].ev = ev;
}

/* The last layer's cut events. */
static void fb_cut_events(struct fb *f, int ev1, int ev2)
{
    f->l[f->n - 1].ev1 = ev1;
    f->l[f->n - 1].ev2 = ev2;
}

static void fb_eth(struct fb *f, uint16_t type)
{
    static const uint8_t macs[12] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
                                      0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
    uint8_t *h = fb_push(f, FB_ETH, NULL, 14, 14, DECODE_EV_ETHERNET_PKT_TOO_SMALL, 0);
    memcpy(h, macs, 12);
    put16(h + 12, type);
}

/* A VLAN tag after a TPID; 'type' is the encapsulated ethertype. */
static void fb_vlan(struct fb *f, uint16_t tci, uint16_t type)
{
    uint8_t *h = fb_push(f, FB_VLAN, NULL, 4, 4, DECODE_EV_VLAN_HEADER_TOO_SMALL, 0);
    put16(h, tci);
    put16(h + 2, type);
}

static void fb_mpls(struct fb *f, uint32_t label, bool bottom)
{
    uint8_t *h = fb_push(f, FB_MPLS, NULL, 4, 4, DECODE_EV_MPLS_HEADER_TOO_SMALL, 0);
    put32(h, label << 12 | (bottom ? 0x100u : 0) | 64);
}

/* IPv4 header with 'optlen' bytes of options (a multiple of 4); total length and
 * checksum are set by fb_finish. */
static uint8_t *fb_ipv4_opts(struct fb *f, uint8_t proto, const uint8_t src[4],
                             const uint8_t dst[4], const uint8_t *opts, uint32_t optlen)
{
    uint8_t *h = fb_push(f, FB_IPV4, NULL, 20 + optlen, 20, DECODE_EV_IPV4_PKT_TOO_SMALL,
                         DECODE_EV_IPV4_TRUNC_PKT);
    h[0] = (uint8_t)(0x40 | (5 + optlen / 4));
    put16(h + 4, 0x1234); /* id */
    h[8] = 64;
    h[9] = proto;
    memcpy(h + 12, src, 4);
    memcpy(h + 16, dst, 4);
    if (optlen > 0)
        memcpy(h + 20, opts, optlen);
    return h;
}

static uint8_t *fb_ipv4(struct fb *f, uint8_t proto, const uint8_t src[4], const uint8_t dst[4])
{
    return fb_ipv4_opts(f, proto, src, dst, NULL, 0);
}

static uint8_t *fb_ipv6(struct fb *f, uint8_t nh, const uint8_t src[16], const uint8_t dst[16])
{
    uint8_t *h = fb_push(f, FB_IPV6, NULL, 40, 40, DECODE_EV_IPV6_PKT_TOO_SMALL, 0);
    put32(h, 0x60000000);
    h[6] = nh;
    h[7] = 64;
    memcpy(h + 8, src, 16);
    memcpy(h + 24, dst, 16);
    return h;
}

static uint8_t *fb_ext6(struct fb *f, const void *bytes, uint32_t n)
{
    return fb_push(f, FB_EXT6, bytes, n, n, DECODE_EV_IPV6_TRUNC_EXTHDR, 0);
}

static uint8_t *fb_tcp_opts(struct fb *f, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack,
                            uint8_t flags, const uint8_t *opts, uint32_t optlen)
{
    uint8_t *h = fb_push(f, FB_TCP, NULL, 20 + optlen, 20, DECODE_EV_TCP_PKT_TOO_SMALL,
                         DECODE_EV_TCP_INVALID_OPTLEN);
    put16(h, sp);
    put16(h + 2, dp);
    put32(h + 4, seq);
    put32(h + 8, ack);
    h[12] = (uint8_t)((20 + optlen) / 4 << 4);
    h[13] = flags;
    put16(h + 14, 64240);
    if (optlen > 0)
        memcpy(h + 20, opts, optlen);
    return h;
}

static uint8_t *fb_tcp(struct fb *f, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack,
                       uint8_t flags)
{
    return fb_tcp_opts(f, sp, dp, seq, ack, flags, NULL, 0);
}

static uint8_t *fb_udp(struct fb *f, uint16_t sp, uint16_t dp)
{
    uint8_t *h = fb_push(f, FB_UDP, NULL, 8, 8, DECODE_EV_UDP_PKT_TOO_SMALL, 0);
    put16(h, sp);
    put16(h + 2, dp);
    return h;
}

static uint8_t *fb_icmp4(struct fb *f, uint8_t type, uint8_t code, uint32_t rest)
{
    uint8_t *h = fb_push(f, FB_ICMP4, NULL, 8, 8, DECODE_EV_ICMPV4_PKT_TOO_SMALL, 0);
    h[0] = type;
    h[1] = code;
    put32(h + 4, rest);
    return h;
}

static uint8_t *fb_icmp6(struct fb *f, uint8_t type, uint8_t code, uint32_t rest)
{
    bool error = type >= 1 && type <= 4;
    uint8_t *h = fb_push(f, FB_ICMP6, NULL, 8, 4, DECODE_EV_ICMPV6_PKT_TOO_SMALL,
                         error ? DECODE_EV_ICMPV6_IPV6_TRUNC_PKT : DECODE_EV_NONE);
    h[0] = type;
    h[1] = code;
    put32(h + 4, rest);
    return h;
}

/* GRE header with 'nopt' optional 32-bit words (checksum, key, sequence, ack). */
static uint8_t *fb_gre(struct fb *f, uint16_t flags, uint16_t proto, const uint32_t *opt,
                       uint32_t nopt)
{
    uint8_t *h = fb_push(f, FB_GRE, NULL, 4 + 4 * nopt, 4, DECODE_EV_GRE_PKT_TOO_SMALL,
                         (flags & 7) ? DECODE_EV_GRE_VERSION1_HDR_TOO_BIG
                                     : DECODE_EV_GRE_VERSION0_HDR_TOO_BIG);
    put16(h, flags);
    put16(h + 2, proto);
    for (uint32_t i = 0; i < nopt; i++)
        put32(h + 4 + 4 * i, opt[i]);
    return h;
}

/* Appends a finished frame as the body of an ICMP error: a cut in its first 'hdr' bytes
 * raises 'ev'. */
static void fb_embed(struct fb *f, const struct fb *inner, uint32_t hdr, int ev)
{
    fb_raw(f, inner->b, hdr, ev);
    fb_raw(f, inner->b + hdr, inner->len - hdr, DECODE_EV_NONE);
}

static void ipv4_fix_csum(uint8_t *ip)
{
    uint32_t hl = (uint32_t)(ip[0] & 0x0f) * 4;
    ip[10] = ip[11] = 0;
    uint16_t sum = csum_compute(ip, hl);
    memcpy(ip + 10, &sum, 2);
}

/* Checksum of a transport segment at 'l4' (field at 'at' zeroed first) under the IP
 * header 'ip'. */
static void l4_fix_csum(const uint8_t *ip, uint8_t *l4, uint32_t len, uint8_t proto, uint32_t at)
{
    l4[at] = l4[at + 1] = 0;
    uint64_t sum = (ip[0] >> 4) == 4 ? csum_pseudo_ipv4(ip + 12, ip + 16, proto, len)
                                     : csum_pseudo_ipv6(ip + 8, ip + 24, proto, len);
    uint16_t c = csum_fold(csum_add(sum, l4, len));
    if (c == 0 && proto == 17)
        c = 0xffff;
    memcpy(l4 + at, &c, 2);
}

/* The IP header enclosing layer i, or NULL. */
static uint8_t *fb_ip_of(struct fb *f, int i)
{
    for (int j = i - 1; j >= 0; j--)
        if (f->l[j].kind == FB_IPV4 || f->l[j].kind == FB_IPV6)
            return f->b + f->l[j].off;
    return NULL;
}

/* Sets lengths and checksums, innermost first (an outer UDP checksum covers the inner
 * frame). Bytes appended afterwards (Ethernet padding) are outside every length. */
static void fb_finish(struct fb *f)
{
    /* After a bottom label other than explicit null, the payload is typed by its first
     * nibble: with no byte there, the label stack is what is short. */
    for (int i = 0; i < f->n; i++) {
        const uint8_t *h = f->b + f->l[i].off;
        uint32_t label = (uint32_t)h[0] << 12 | (uint32_t)h[1] << 4 | h[2] >> 4;
        if (f->l[i].kind == FB_MPLS && (h[2] & 1) && label != 0 && label != 2 && f->nov < 4)
            fb_expect_at(f, f->l[i].off + 4, DECODE_EV_MPLS_HEADER_TOO_SMALL);
    }
    for (int i = f->n - 1; i >= 0; i--) {
        struct fb_layer *l = &f->l[i];
        uint8_t *h = f->b + l->off;
        uint32_t rest = f->len - l->off;
        uint8_t *ip = fb_ip_of(f, i);
        switch (l->kind) {
        case FB_IPV4:
            put16(h + 2, (uint16_t)rest);
            ipv4_fix_csum(h);
            break;
        case FB_IPV6:
            put16(h + 4, (uint16_t)(rest - 40));
            break;
        case FB_UDP:
            put16(h + 4, (uint16_t)rest);
            if (ip != NULL)
                l4_fix_csum(ip, h, rest, 17, 6);
            break;
        case FB_TCP:
            if (ip != NULL)
                l4_fix_csum(ip, h, rest, 6, 16);
            break;
        case FB_ICMP4: {
            h[2] = h[3] = 0;
            uint16_t c = csum_compute(h, rest);
            memcpy(h + 2, &c, 2);
            break;
        }
        case FB_ICMP6:
            if (ip != NULL)
                l4_fix_csum(ip, h, rest, 58, 2);
            break;
        default:
            break;
        }
    }
}

/* ---------------------------------------------------------------------------------- */
/* Running the decoder                                                                */
/* ---------------------------------------------------------------------------------- */

struct run {
    struct decode_thread dt;
    struct packet p;
    uint8_t *buf; /* exactly caplen bytes */
    uint32_t caplen;
    int rc;
};

static void run_init(struct run *r)
{
    memset(r, 0, sizeof(*r));
    r->dt.max_layers = 16; /* decode.max-layers default */
    r->dt.verify_checksums = true;
}

static void run_free(struct run *r)
{
    free(r->buf);
    r->buf = NULL;
}

/* A fresh decoder (zero stats, default options). */
static void run_reset(struct run *r)
{
    run_free(r);
    run_init(r);
}

static int run_cut(struct run *r, int linktype, const uint8_t *data, uint32_t caplen,
                   uint32_t wirelen)
{
    free(r->buf);
    r->buf = malloc(caplen > 0 ? caplen : 1);
    if (r->buf == NULL)
        abort();
    if (caplen > 0)
        memcpy(r->buf, data, caplen);
    memset(&r->p, 0, sizeof(r->p));
    r->p.ts_us = 1000000;
    r->p.data = r->buf;
    r->p.caplen = caplen;
    r->p.wirelen = wirelen;
    r->p.linktype = linktype;
    r->caplen = caplen;
    r->rc = decode_packet(&r->dt, &r->p);
    return r->rc;
}

static int run_fb(struct run *r, int linktype, const struct fb *f)
{
    return run_cut(r, linktype, f->b, f->len, f->len);
}

static bool has_ev(const struct packet *p, int ev)
{
    for (unsigned i = 0; i < p->nevents; i++)
        if (p->events[i] == ev)
            return true;
    return false;
}

static const char *ev_list(const struct packet *p, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < p->nevents && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, " %s", decode_event_name(p->events[i]));
    if (p->nevents == 0)
        snprintf(buf, size, " (none)");
    return buf;
}

/* 'want': the event is on the packet; 'only': and nothing else is. */
static void check_ev(const struct run *r, int ev, bool want, bool only, const char *file, int line)
{
    char buf[512];
    bool ok = has_ev(&r->p, ev) == want && (!only || r->p.nevents == 1);
    test_checks++;
    if (!ok) {
        test_failures++;
        fprintf(stderr, "%s:%d: event %s %s (rc %d); events:%s\n", file, line,
                decode_event_name(ev), want ? (only ? "not the only event" : "not raised")
                                            : "raised",
                r->rc, ev_list(&r->p, buf, sizeof(buf)));
    }
}

static void check_clean(const struct run *r, int rc, const char *file, int line)
{
    char buf[512];
    test_checks++;
    if (r->rc != rc || r->p.nevents != 0) {
        test_failures++;
        fprintf(stderr, "%s:%d: expected rc %d and no events, got rc %d, events:%s\n", file,
                line, rc, r->rc, ev_list(&r->p, buf, sizeof(buf)));
    }
}

#define CHECK_EV(r, ev) check_ev((r), (ev), true, false, __FILE__, __LINE__)
#define CHECK_ONLY_EV(r, ev) check_ev((r), (ev), true, true, __FILE__, __LINE__)
#define CHECK_NO_EV(r, ev) check_ev((r), (ev), false, false, __FILE__, __LINE__)
#define CHECK_CLEAN(r, rc) check_clean((r), (rc), __FILE__, __LINE__)
#define CHECK_ADDR(a, want, n) CHECK(addr_is((a), (want), (n)))
/* A valid frame from the builder decoded cleanly to 'rc'; then every cut of it and every
 * smaller layer cap must give the events the builder's layers say (sweep below). */
#define CHECK_CLEAN_SWEEP(r, linktype, f, rc)                                                \
    do {                                                                                     \
        check_clean((r), (rc), __FILE__, __LINE__);                                          \
        sweep_line(__LINE__, (linktype), (f));                                               \
    } while (0)
#define CHECK_VALID(r, linktype, f, rc)                                                      \
    do {                                                                                     \
        run_fb((r), (linktype), (f));                                                        \
        CHECK_CLEAN_SWEEP((r), (linktype), (f), (rc));                                       \
    } while (0)

static void sweep_line(int line, int linktype, const struct fb *f);

/* Offset of a decoded pointer in the frame. */
static long off_in(const struct run *r, const uint8_t *ptr)
{
    return ptr == NULL ? -1 : (long)(ptr - r->buf);
}

/* ---------------------------------------------------------------------------------- */
/* Truncation sweep                                                                   */
/* ---------------------------------------------------------------------------------- */

/* The event a frame cut to c bytes must raise. 'short_pkt': the frame was sent short
 * (wirelen = caplen), so the outermost IP length field claims bytes that are not there. */
static int sweep_expected_layers(const struct fb *f, int linktype, uint32_t c, bool short_pkt);

/* A snaplen cut inside TCP options or inside the packet an ICMP error quotes loses data
 * but is not malformed: the decoder raises nothing there (it does for a short packet). */
static int sweep_expected(const struct fb *f, int linktype, uint32_t c, bool short_pkt)
{
    int ev = sweep_expected_layers(f, linktype, c, short_pkt);
    if (!short_pkt && (ev == DECODE_EV_TCP_INVALID_OPTLEN || ev == DECODE_EV_ICMPV4_IPV4_TRUNC_PKT ||
                       ev == DECODE_EV_ICMPV6_IPV6_TRUNC_PKT))
        return DECODE_EV_NONE;
    return ev;
}

static int sweep_expected_layers(const struct fb *f, int linktype, uint32_t c, bool short_pkt)
{
    if (c >= fb_data_end(f))
        return DECODE_EV_NONE;
    if (c == 0 && (linktype == DLT_RAW || linktype == DLT_IPV4 || linktype == DLT_IPV6))
        return DECODE_EV_IPRAW_INVALID_IPV;
    if (short_pkt) {
        for (int i = 0; i < f->n; i++) {
            const struct fb_layer *l = &f->l[i];
            if (l->kind == FB_IPV4 && c >= l->off + 20)
                return DECODE_EV_IPV4_TRUNC_PKT;
            if (l->kind == FB_IPV6 && c >= l->off + 40)
                return DECODE_EV_IPV6_TRUNC_PKT;
            if (l->kind == FB_IPV4 || l->kind == FB_IPV6)
                break;
        }
    }
    for (int i = 0; i < f->nov; i++)
        if (f->ov[i].at == c)
            return f->ov[i].ev;
    for (int i = 0; i < f->n; i++) {
        const struct fb_layer *l = &f->l[i];
        if (c < l->off + l->len)
            return c < l->off + l->cut1 ? l->ev1 : l->ev2;
    }
    return DECODE_EV_NONE;
}

static bool in_frame(const struct run *r, const uint8_t *ptr, uint32_t len)
{
    if (ptr == NULL)
        return len == 0;
    uintptr_t a = (uintptr_t)ptr, lo = (uintptr_t)r->buf;
    return a >= lo && a + len <= lo + r->caplen;
}

/* Properties every decode must have, whatever the input; returns a description of the
 * first one broken, or NULL. */
static const char *decode_invariant(const struct run *r, uint32_t wirelen)
{
    const struct packet *p = &r->p;
    if (r->rc != CANH_OK && r->rc != CANH_AGAIN && r->rc != CANH_ERR)
        return "unexpected return code";
    if ((r->rc == CANH_ERR) != ((p->flags & PKT_INVALID) != 0))
        return "PKT_INVALID does not match CANH_ERR";
    if (r->rc == CANH_ERR && p->nevents == 0)
        return "CANH_ERR without an event";
    if (((p->flags & PKT_TRUNCATED) != 0) != (r->caplen < wirelen))
        return "PKT_TRUNCATED wrong";
    for (unsigned i = 0; i < p->nevents; i++)
        if (p->events[i] == DECODE_EV_NONE || p->events[i] >= DECODE_EV_MAX)
            return "bad event number";
    if (!(p->flags & PKT_REASSEMBLED)) {
        if (!in_frame(r, p->ip, p->ip_len) || !in_frame(r, p->l4, p->l4_len) ||
            !in_frame(r, p->payload, p->payload_len))
            return "decoded pointer outside the frame";
    }
    if (p->ip != NULL && p->ip_hlen > p->ip_len)
        return "ip_hlen > ip_len";
    return NULL;
}

/* The fields a cut in the payload must leave as the whole frame had them. */
static bool same_fields(const struct packet *a, const struct packet *b)
{
    return a->ipver == b->ipver && a->proto == b->proto && a->ttl == b->ttl &&
           memcmp(&a->src, &b->src, sizeof(a->src)) == 0 &&
           memcmp(&a->dst, &b->dst, sizeof(a->dst)) == 0 && a->sport == b->sport &&
           a->dport == b->dport && a->tunnel == b->tunnel && a->vlan_count == b->vlan_count &&
           a->vlan[0] == b->vlan[0] && a->vlan[1] == b->vlan[1] &&
           memcmp(&a->tunnel_src, &b->tunnel_src, sizeof(a->tunnel_src)) == 0 &&
           a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code &&
           a->tcp_seq == b->tcp_seq && a->tcp_flags == b->tcp_flags && a->layers == b->layers;
}

/* Decodes the frame cut at every length 0..len in both truncation variants and checks
 * the invariants, the expected event at each cut, and, for cuts in the trailing payload
 * of a capture cut by the snaplen, that the decoded fields are those of the whole frame.
 * Then decodes the whole frame under each layer cap below the layers it has. All
 * findings count as one check per variant and one for the caps. */
static void sweep_dt(const char *what, int linktype, const struct fb *f,
                     const struct decode_thread *conf)
{
    struct run full, r;
    run_init(&full);
    run_init(&r);
    full.dt.max_layers = r.dt.max_layers = conf->max_layers;
    full.dt.verify_checksums = r.dt.verify_checksums = conf->verify_checksums;
    run_fb(&full, linktype, f);
    bool valid = full.p.nevents == 0 && full.rc != CANH_ERR;
    /* End of the last header: cuts after it leave only payload (or padding) out. */
    uint32_t hdr_end = 0, data_end = fb_data_end(f);
    for (int i = 0; i < f->n; i++)
        if (f->l[i].kind != FB_PAD && (f->l[i].kind != FB_RAW || f->l[i].ev1 != DECODE_EV_NONE))
            hdr_end = f->l[i].off + f->l[i].len;
    long full_payload = off_in(&full, full.p.payload);
    bool payload_at_end = full.p.payload != NULL &&
                          (uint32_t)full_payload + full.p.payload_len == data_end;

    for (int variant = 0; variant < 2; variant++) {
        unsigned bad = 0;
        for (uint32_t c = 0; c <= f->len; c++) {
            uint32_t wire = variant == 0 ? f->len : c;
            run_cut(&r, linktype, f->b, c, wire);
            const char *why = decode_invariant(&r, wire);
            char evs[512], msg[160];
            int want = valid ? sweep_expected(f, linktype, c, variant == 1) : EV_SKIP;
            if (why == NULL && want == DECODE_EV_NONE) {
                if (r.p.nevents != 0 || r.rc == CANH_ERR) {
                    why = "expected no event";
                } else if (c >= hdr_end && c < f->len && (variant == 0 || c >= data_end)) {
                    bool cut = c < data_end;
                    if (!same_fields(&r.p, &full.p))
                        why = "fields differ from the whole frame's";
                    else if (full.p.ip != NULL && r.p.ip_truncated != cut)
                        why = "ip_truncated wrong";
                    else if (payload_at_end &&
                             (off_in(&r, r.p.payload) != full_payload ||
                              r.p.payload_len != full.p.payload_len - (cut ? data_end - c : 0)))
                        why = "payload pointer/length wrong";
                }
            } else if (why == NULL && want != EV_SKIP && !has_ev(&r.p, want)) {
                snprintf(msg, sizeof(msg), "expected %s", decode_event_name(want));
                why = msg;
            }
            if (why != NULL && bad++ < 6)
                fprintf(stderr, "sweep %s (%s): cut at %u of %u: %s; rc %d, events:%s\n",
                        what, variant == 0 ? "capture cut" : "short packet", c, f->len, why,
                        r.rc, ev_list(&r.p, evs, sizeof(evs)));
        }
        CHECK_EQ(bad, 0);
    }

    /* The same frame under every smaller layer cap stops at the cap. */
    if (valid) {
        unsigned bad = 0;
        for (uint8_t cap = 0; cap < full.p.layers; cap++) {
            r.dt.max_layers = cap;
            run_fb(&r, linktype, f);
            if (r.rc != CANH_ERR || r.p.nevents != 1 ||
                r.p.events[0] != DECODE_EV_DECODER_TOO_MANY_LAYERS || r.p.layers != cap) {
                char evs[512];
                if (bad++ < 3)
                    fprintf(stderr, "sweep %s: layer cap %u of %u: rc %d, layers %u, events:%s\n",
                            what, cap, full.p.layers, r.rc, r.p.layers,
                            ev_list(&r.p, evs, sizeof(evs)));
            }
        }
        CHECK_EQ(bad, 0);
    }
    run_free(&full);
    run_free(&r);
}

static void sweep(const char *what, int linktype, const struct fb *f)
{
    struct decode_thread conf = { .max_layers = 16, .verify_checksums = true };
    sweep_dt(what, linktype, f, &conf);
}

static void sweep_line(int line, int linktype, const struct fb *f)
{
    char what[32];
    snprintf(what, sizeof(what), "line %d", line);
    sweep(what, linktype, f);
}

/* ---------------------------------------------------------------------------------- */
/* Common frames                                                                      */
/* ---------------------------------------------------------------------------------- */

#define HTTP_REQ "GET / HTTP/1.1\r\nHost: a\r\n\r\n"

/* IPv4 + TCP (port 40000 -> 80, PSH|ACK) + HTTP request, after whatever 'f' holds. */
static void add_ipv4_tcp(struct fb *f, const uint8_t *src, const uint8_t *dst)
{
    fb_ipv4(f, 6, src, dst);
    fb_tcp(f, 40000, 80, 1000, 2000, TH_PSH | TH_ACK);
    fb_payload(f, HTTP_REQ);
}

static void add_ipv4_udp(struct fb *f, const uint8_t *src, const uint8_t *dst)
{
    fb_ipv4(f, 17, src, dst);
    fb_udp(f, 5353, 53);
    fb_payload(f, "dnsquery");
}

static void add_ipv6_tcp(struct fb *f, const uint8_t *src, const uint8_t *dst)
{
    fb_ipv6(f, 6, src, dst);
    fb_tcp(f, 40000, 443, 77, 0, TH_SYN);
    fb_payload(f, "hi");
}

static void add_ipv6_udp(struct fb *f, const uint8_t *src, const uint8_t *dst)
{
    fb_ipv6(f, 17, src, dst);
    fb_udp(f, 1234, 5678);
    fb_payload(f, "odd");
}

static void mk_eth_ipv4_tcp(struct fb *f)
{
    fb_init(f);
    fb_eth(f, 0x0800);
    add_ipv4_tcp(f, S4, D4);
    fb_finish(f);
}

/* Checks the fields of add_ipv4_tcp's packet. */
static void check_ipv4_tcp(const struct run *r, const uint8_t *src, const uint8_t *dst)
{
    CHECK_EQ(r->p.ipver, 4);
    CHECK_EQ(r->p.proto, 6);
    CHECK_ADDR(&r->p.src, src, 4);
    CHECK_ADDR(&r->p.dst, dst, 4);
    CHECK_EQ(r->p.sport, 40000);
    CHECK_EQ(r->p.dport, 80);
    CHECK_EQ(r->p.payload_len, strlen(HTTP_REQ));
    CHECK(r->p.payload != NULL && memcmp(r->p.payload, HTTP_REQ, strlen(HTTP_REQ)) == 0);
}

static void check_ipv6_tcp(const struct run *r, const uint8_t *src, const uint8_t *dst)
{
    CHECK_EQ(r->p.ipver, 6);
    CHECK_EQ(r->p.proto, 6);
    CHECK_ADDR(&r->p.src, src, 16);
    CHECK_ADDR(&r->p.dst, dst, 16);
    CHECK_EQ(r->p.sport, 40000);
    CHECK_EQ(r->p.dport, 443);
    CHECK_EQ(r->p.tcp_flags, TH_SYN);
    CHECK_EQ(r->p.payload_len, 2);
}

/* ---------------------------------------------------------------------------------- */
/* Event table                                                                        */
/* ---------------------------------------------------------------------------------- */

static void test_event_table(void)
{
    unsigned dup_names = 0, dup_sids = 0, bad_sids = 0, bad_lookup = 0;
    for (int i = 1; i < DECODE_EV_MAX; i++) {
        uint32_t sid = decode_event_sid((enum decode_event)i);
        if (sid < 8800000 || sid > 8800999)
            bad_sids++;
        if ((int)decode_event_by_name(decode_event_name((enum decode_event)i)) != i)
            bad_lookup++;
        for (int j = 1; j < i; j++) {
            if (strcmp(decode_event_name((enum decode_event)i),
                       decode_event_name((enum decode_event)j)) == 0)
                dup_names++;
            if (decode_event_sid((enum decode_event)j) == sid)
                dup_sids++;
        }
    }
    CHECK_EQ(dup_names, 0);
    CHECK_EQ(dup_sids, 0);
    CHECK_EQ(bad_sids, 0);
    CHECK_EQ(bad_lookup, 0);
    CHECK_STR(decode_event_name(DECODE_EV_IPV4_TRUNC_PKT), "ipv4.trunc_pkt");
    CHECK_EQ(decode_event_sid(DECODE_EV_IPV4_PKT_TOO_SMALL), 8800100);
    CHECK_EQ(decode_event_by_name("ipv6.rh_type_0"), DECODE_EV_IPV6_RH_TYPE_0);
    CHECK_EQ(decode_event_by_name("no.such_event"), DECODE_EV_NONE);
    CHECK_STR(decode_event_name(DECODE_EV_MAX), "unknown");
    CHECK_EQ(decode_event_sid(DECODE_EV_MAX), 0);
}

static void test_linktypes(void)
{
    static const int yes[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
                               DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_PPP, DLT_PPP_SERIAL,
                               DLT_C_HDLC };
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
        CHECK(decode_linktype_supported(yes[i]));
    CHECK(!decode_linktype_supported(DLT_IEEE802_11));
    CHECK(!decode_linktype_supported(-1));

    /* An unsupported link type is not decoded at all. */
    struct run r;
    struct fb f;
    run_init(&r);
    mk_eth_ipv4_tcp(&f);
    CHECK_CLEAN((run_fb(&r, DLT_IEEE802_11, &f), &r), CANH_AGAIN);
    CHECK_EQ(r.p.ipver, 0);
    run_free(&r);
}

/* ---------------------------------------------------------------------------------- */
/* Link layers                                                                        */
/* ---------------------------------------------------------------------------------- */

static void test_ethernet(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    mk_eth_ipv4_tcp(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv4_tcp(&r, S4, D4);
    CHECK_EQ(r.p.layers, 2);
    CHECK_EQ(r.p.ttl, 64);
    CHECK_EQ(off_in(&r, r.p.ip), 14);
    CHECK_EQ(r.p.ip_hlen, 20);
    CHECK_EQ(r.p.ip_len, f.len - 14);
    CHECK_EQ(off_in(&r, r.p.l4), 34);
    CHECK_EQ(r.p.l4_len, f.len - 34);
    CHECK_EQ(off_in(&r, r.p.payload), 54);
    CHECK_EQ(r.p.tcp_seq, 1000);
    CHECK_EQ(r.p.tcp_ack, 2000);
    CHECK_EQ(r.p.tcp_flags, TH_PSH | TH_ACK);
    CHECK_EQ(r.p.tcp_win, 64240);
    CHECK_EQ(r.p.tcp_mss, 0);
    CHECK_EQ(r.p.tcp_wscale, 0xff);
    CHECK_EQ(r.p.flags & (PKT_TRUNCATED | PKT_FRAGMENT | PKT_REASSEMBLED | PKT_TUNNELED |
                          PKT_CSUM_BAD | PKT_INVALID), 0);
    CHECK_EQ(r.p.tunnel, TUNNEL_NONE);
    CHECK_EQ(r.dt.stats.ethernet, 1);
    CHECK_EQ(r.dt.stats.ipv4, 1);
    CHECK_EQ(r.dt.stats.tcp, 1);
    CHECK_EQ(r.dt.stats.pkts, 1);
    CHECK_EQ(r.dt.stats.bytes, f.len);
    sweep("eth-ipv4-tcp", DLT_EN10MB, &f);

    /* Ethernet padding after a short IPv4 datagram is not payload. */
    fb_init(&f);
    fb_eth(&f, 0x0800);
    add_ipv4_udp(&f, S4, D4);
    fb_finish(&f);
    uint32_t unpadded = f.len;
    fb_pad(&f, 12);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.ip_len, unpadded - 14);
    CHECK_EQ(r.p.l4_len, unpadded - 34);
    CHECK_EQ(r.p.payload_len, 8);
    CHECK_EQ(r.p.sport, 5353);

    /* ARP and 802.3 length frames carry no IP. */
    fb_init(&f);
    fb_eth(&f, 0x0806);
    fb_raw(&f, "\x00\x01\x08\x00\x06\x04\x00\x01", 8, DECODE_EV_NONE);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_AGAIN);
    CHECK_EQ(r.p.ipver, 0);
    sweep("eth-arp", DLT_EN10MB, &f);
    fb_init(&f);
    fb_eth(&f, 46); /* 802.3 length */
    fb_raw(&f, "\x42\x42\x03", 3, DECODE_EV_NONE);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_AGAIN);

    /* 13 bytes: no ethertype. */
    mk_eth_ipv4_tcp(&f);
    run_cut(&r, DLT_EN10MB, f.b, 13, 13);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_ETHERNET_PKT_TOO_SMALL);
    CHECK(r.p.flags & PKT_INVALID);
    CHECK_EQ(r.dt.stats.invalid, 1);
    CHECK_EQ(r.dt.stats.events[DECODE_EV_ETHERNET_PKT_TOO_SMALL], 1);
    run_free(&r);
}

static void test_vlan(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    /* One 802.1Q tag: PCP 3, VID 100. */
    fb_init(&f);
    fb_eth(&f, 0x8100);
    fb_vlan(&f, 3 << 13 | 100, 0x0800);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv4_tcp(&r, S4, D4);
    CHECK_EQ(r.p.vlan_count, 1);
    CHECK_EQ(r.p.vlan[0], 100);
    CHECK_EQ(r.p.layers, 3);
    CHECK_EQ(r.dt.stats.vlan, 1);
    CHECK_EQ(r.dt.stats.vlan_qinq, 0);
    sweep("vlan", DLT_EN10MB, &f);

    /* QinQ: 802.1ad outer 10, 802.1Q inner 20, IPv6. */
    static const uint16_t tpids[] = { 0x88a8, 0x9100 };
    for (size_t i = 0; i < ARRAY_SIZE(tpids); i++) {
        fb_init(&f);
        fb_eth(&f, tpids[i]);
        fb_vlan(&f, 10, 0x8100);
        fb_vlan(&f, 0x1000 | 20, 0x86dd); /* DEI set: not part of the id */
        add_ipv6_tcp(&f, S6, D6);
        fb_finish(&f);
        run_reset(&r);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_CLEAN(&r, CANH_OK);
        check_ipv6_tcp(&r, S6, D6);
        CHECK_EQ(r.p.vlan_count, 2);
        CHECK_EQ(r.p.vlan[0], 10);
        CHECK_EQ(r.p.vlan[1], 20);
        CHECK_EQ(r.dt.stats.vlan, 1);
        CHECK_EQ(r.dt.stats.vlan_qinq, 1);
        sweep("qinq", DLT_EN10MB, &f);
    }

    /* A third tag. */
    fb_init(&f);
    fb_eth(&f, 0x88a8);
    fb_vlan(&f, 10, 0x8100);
    fb_vlan(&f, 20, 0x8100);
    fb_vlan(&f, 30, 0x0800);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_VLAN_TOO_MANY_LAYERS);
    CHECK_EQ(r.p.vlan_count, 2);
    CHECK_EQ(r.p.ipver, 0);

    /* A tag cut short. */
    fb_init(&f);
    fb_eth(&f, 0x8100);
    fb_raw(&f, "\x00\x64\x08", 3, DECODE_EV_NONE);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_VLAN_HEADER_TOO_SMALL);
    run_free(&r);
}

static void test_mpls(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    /* Two labels, IPv4 told by its version nibble. */
    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_mpls(&f, 1000, false);
    fb_mpls(&f, 2000, true);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv4_tcp(&r, S4, D4);
    CHECK_EQ(r.p.layers, 4);
    CHECK_EQ(r.dt.stats.mpls, 1);
    sweep("mpls-ipv4", DLT_EN10MB, &f);

    /* Multicast ethertype, IPv6 by nibble. */
    fb_init(&f);
    fb_eth(&f, 0x8848);
    fb_mpls(&f, 16, true);
    add_ipv6_tcp(&f, S6, D6);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    check_ipv6_tcp(&r, S6, D6);

    /* Explicit null: label 0 is IPv4 and 2 is IPv6 whatever the first nibble. */
    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_mpls(&f, 0, true);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    CHECK_CLEAN((run_fb(&r, DLT_EN10MB, &f), &r), CANH_OK);
    check_ipv4_tcp(&r, S4, D4);
    sweep("mpls-null4", DLT_EN10MB, &f);
    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_mpls(&f, 2, true);
    add_ipv6_tcp(&f, S6, D6);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    check_ipv6_tcp(&r, S6, D6);
    f.b[f.l[2].off] = 0x40; /* label 2 says IPv6: a 4 nibble is the wrong version */
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_ONLY_EV(&r, DECODE_EV_IPV6_WRONG_IP_VER);

    /* Router alert above the bottom is fine; at the bottom it is not. */
    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_mpls(&f, 1, false);
    fb_mpls(&f, 100, true);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);

    static const struct { uint32_t label; int ev; } bottom[] = {
        { 1, DECODE_EV_MPLS_BAD_LABEL_ROUTER_ALERT },
        { 3, DECODE_EV_MPLS_BAD_LABEL_IMPLICIT_NULL },
        { 4, DECODE_EV_MPLS_BAD_LABEL_RESERVED },
        { 7, DECODE_EV_MPLS_BAD_LABEL_RESERVED },  /* entropy label indicator */
        { 13, DECODE_EV_MPLS_BAD_LABEL_RESERVED }, /* GAL */
        { 15, DECODE_EV_MPLS_BAD_LABEL_RESERVED },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bottom); i++) {
        fb_init(&f);
        fb_eth(&f, 0x8847);
        fb_mpls(&f, bottom[i].label, true);
        add_ipv4_tcp(&f, S4, D4);
        fb_finish(&f);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_EQ(r.rc, CANH_ERR);
        CHECK_ONLY_EV(&r, bottom[i].ev);
    }

    /* Unknown payload after the stack. */
    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_mpls(&f, 100, true);
    fb_raw(&f, "\x50\x00\x00\x00", 4, DECODE_EV_NONE);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_ONLY_EV(&r, DECODE_EV_MPLS_UNKNOWN_PAYLOAD_TYPE);

    /* Nothing after the stack, and a stack with no bottom. */
    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_mpls(&f, 100, true);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_ONLY_EV(&r, DECODE_EV_MPLS_HEADER_TOO_SMALL);
    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_mpls(&f, 100, false);
    fb_mpls(&f, 200, false);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_ONLY_EV(&r, DECODE_EV_MPLS_HEADER_TOO_SMALL);

    /* Ethernet pseudowire with a control word. */
    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_mpls(&f, 3000, true);
    fb_raw(&f, "\x00\x00\x00\x07", 4, DECODE_EV_MPLS_HEADER_TOO_SMALL);
    fb_eth(&f, 0x0800);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    run_reset(&r);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv4_tcp(&r, IS4, ID4);
    CHECK_EQ(r.dt.stats.ethernet, 2);
    CHECK_EQ(r.p.layers, 4);
    sweep("mpls-pw", DLT_EN10MB, &f);
    /* The control word cut short. */
    run_cut(&r, DLT_EN10MB, f.b, 14 + 4 + 2, 14 + 4 + 2);
    CHECK_ONLY_EV(&r, DECODE_EV_MPLS_HEADER_TOO_SMALL);
    run_free(&r);
}

static void test_pppoe(void)
{
    struct run r;
    struct fb f;
    run_init(&r);
    static const uint8_t hdr4[] = { 0x11, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x21 };
    static const uint8_t hdr6[] = { 0x11, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x57 };

    fb_init(&f);
    fb_eth(&f, 0x8864);
    fb_raw(&f, hdr4, sizeof(hdr4), DECODE_EV_NONE);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv4_tcp(&r, S4, D4);
    CHECK_EQ(r.p.layers, 3);
    sweep("pppoe-ipv4", DLT_EN10MB, &f);

    fb_init(&f);
    fb_eth(&f, 0x8864);
    fb_raw(&f, hdr6, sizeof(hdr6), DECODE_EV_NONE);
    add_ipv6_tcp(&f, S6, D6);
    fb_finish(&f);
    CHECK_CLEAN((run_fb(&r, DLT_EN10MB, &f), &r), CANH_OK);
    check_ipv6_tcp(&r, S6, D6);
    sweep("pppoe-ipv6", DLT_EN10MB, &f);

    /* LCP, a bad version/type and a discovery code are not IP: quietly nothing. */
    static const uint8_t lcp[] = { 0x11, 0x00, 0x12, 0x34, 0x00, 0x04, 0xc0, 0x21, 1, 1 };
    static const uint8_t badver[] = { 0x21, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x21 };
    static const uint8_t padi[] = { 0x11, 0x09, 0x12, 0x34, 0x00, 0x00, 0x00, 0x21 };
    const uint8_t *bad[] = { lcp, badver, padi };
    const size_t badlen[] = { sizeof(lcp), sizeof(badver), sizeof(padi) };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        fb_init(&f);
        fb_eth(&f, 0x8864);
        fb_raw(&f, bad[i], (uint32_t)badlen[i], DECODE_EV_NONE);
        add_ipv4_tcp(&f, S4, D4);
        fb_finish(&f);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_CLEAN(&r, CANH_AGAIN);
        CHECK_EQ(r.p.ipver, 0);
    }
    run_free(&r);
}

static void test_sll(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    /* SLL: pkttype 0 (to us), ARPHRD_ETHER, halen 6, address, protocol. */
    static const uint8_t sll[14] = { 0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0 };
    fb_init(&f);
    fb_raw(&f, sll, 14, DECODE_EV_SLL_PKT_TOO_SMALL);
    fb_raw(&f, "\x08\x00", 2, DECODE_EV_SLL_PKT_TOO_SMALL);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    run_fb(&r, DLT_LINUX_SLL, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv4_tcp(&r, S4, D4);
    CHECK_EQ(off_in(&r, r.p.ip), 16);
    CHECK_EQ(r.dt.stats.sll, 1);
    sweep("sll", DLT_LINUX_SLL, &f);
    run_cut(&r, DLT_LINUX_SLL, f.b, 15, 15);
    CHECK_ONLY_EV(&r, DECODE_EV_SLL_PKT_TOO_SMALL);
    /* Protocol 4 (802.2 LLC frames) is not an ethertype. */
    f.b[14] = 0x00;
    f.b[15] = 0x04;
    CHECK_CLEAN((run_fb(&r, DLT_LINUX_SLL, &f), &r), CANH_AGAIN);
    /* A VLAN ethertype in SLL. */
    fb_init(&f);
    fb_raw(&f, sll, 14, DECODE_EV_SLL_PKT_TOO_SMALL);
    fb_raw(&f, "\x81\x00", 2, DECODE_EV_SLL_PKT_TOO_SMALL);
    fb_vlan(&f, 42, 0x86dd);
    add_ipv6_tcp(&f, S6, D6);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_LINUX_SLL, &f, CANH_OK);
    CHECK_EQ(r.p.vlan[0], 42);
    check_ipv6_tcp(&r, S6, D6);

    /* SLL2: protocol first. */
    static const uint8_t sll2[20] = { 0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6 };
    fb_init(&f);
    fb_raw(&f, sll2, 20, DECODE_EV_SLL2_PKT_TOO_SMALL);
    add_ipv6_tcp(&f, S6, D6);
    fb_finish(&f);
    run_reset(&r);
    run_fb(&r, DLT_LINUX_SLL2, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv6_tcp(&r, S6, D6);
    CHECK_EQ(off_in(&r, r.p.ip), 20);
    CHECK_EQ(r.dt.stats.sll2, 1);
    sweep("sll2", DLT_LINUX_SLL2, &f);
    run_cut(&r, DLT_LINUX_SLL2, f.b, 19, 19);
    CHECK_ONLY_EV(&r, DECODE_EV_SLL2_PKT_TOO_SMALL);
    f.b[0] = 0x00;
    f.b[1] = 0x04;
    CHECK_CLEAN((run_fb(&r, DLT_LINUX_SLL2, &f), &r), CANH_AGAIN);
    run_free(&r);
}

static void test_null(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    /* Address family in either byte order; IPv6 has several values. */
    static const struct { int dlt; uint8_t fam[4]; int ipver; } cases[] = {
        { DLT_NULL, { 2, 0, 0, 0 }, 4 },  { DLT_NULL, { 0, 0, 0, 2 }, 4 },
        { DLT_NULL, { 24, 0, 0, 0 }, 6 }, { DLT_NULL, { 0, 0, 0, 28 }, 6 },
        { DLT_NULL, { 30, 0, 0, 0 }, 6 }, { DLT_NULL, { 10, 0, 0, 0 }, 6 },
        { DLT_LOOP, { 0, 0, 0, 2 }, 4 },  { DLT_LOOP, { 0, 0, 0, 30 }, 6 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        fb_init(&f);
        fb_raw(&f, cases[i].fam, 4, DECODE_EV_LTNULL_PKT_TOO_SMALL);
        if (cases[i].ipver == 4)
            add_ipv4_tcp(&f, S4, D4);
        else
            add_ipv6_tcp(&f, S6, D6);
        fb_finish(&f);
        run_reset(&r);
        CHECK_VALID(&r, cases[i].dlt, &f, CANH_OK);
        CHECK_EQ(r.p.ipver, cases[i].ipver);
        CHECK_EQ(r.p.sport, 40000);
        CHECK_EQ(r.dt.stats.null, 1);
    }

    static const uint8_t unk[] = { 7, 0, 0, 0, 0x45 };
    run_cut(&r, DLT_NULL, unk, sizeof(unk), sizeof(unk));
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_LTNULL_UNSUPPORTED_TYPE);
    run_cut(&r, DLT_LOOP, unk, 3, 3);
    CHECK_ONLY_EV(&r, DECODE_EV_LTNULL_PKT_TOO_SMALL);
    run_free(&r);
}

static void test_raw(void)
{
    struct run r;
    struct fb f;
    run_init(&r);
    static const int dlts[] = { DLT_RAW, DLT_IPV4, DLT_IPV6 };

    for (size_t i = 0; i < ARRAY_SIZE(dlts); i++) {
        fb_init(&f);
        add_ipv4_tcp(&f, S4, D4);
        fb_finish(&f);
        CHECK_VALID(&r, dlts[i], &f, CANH_OK);
        check_ipv4_tcp(&r, S4, D4);
        CHECK_EQ(r.p.layers, 1);
        CHECK_EQ(off_in(&r, r.p.ip), 0);
        fb_init(&f);
        add_ipv6_tcp(&f, S6, D6);
        fb_finish(&f);
        CHECK_VALID(&r, dlts[i], &f, CANH_OK);
        check_ipv6_tcp(&r, S6, D6);
    }
    CHECK_EQ(r.dt.stats.raw, 6);
    fb_init(&f);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    sweep("raw-ipv4", DLT_RAW, &f);
    fb_init(&f);
    add_ipv6_tcp(&f, S6, D6);
    fb_finish(&f);
    sweep("raw-ipv6", DLT_RAW, &f);

    f.b[0] = 0x50;
    run_fb(&r, DLT_RAW, &f);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_IPRAW_INVALID_IPV);
    run_cut(&r, DLT_RAW, f.b, 0, 0);
    CHECK_ONLY_EV(&r, DECODE_EV_IPRAW_INVALID_IPV);
    run_free(&r);
}

static void test_ppp(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    /* Address/control, then a full protocol field. A one-byte frame of 0xff reads as
     * the compressed protocol 0xff (not IP): no event, so it is not checked. */
    fb_init(&f);
    fb_raw(&f, "\xff\x03", 2, DECODE_EV_PPP_PKT_TOO_SMALL);
    fb_raw(&f, "\x00\x21", 2, DECODE_EV_PPP_PKT_TOO_SMALL);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    fb_expect_at(&f, 1, EV_SKIP);
    run_fb(&r, DLT_PPP, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv4_tcp(&r, S4, D4);
    CHECK_EQ(off_in(&r, r.p.ip), 4);
    CHECK_EQ(r.dt.stats.ppp, 1);
    sweep("ppp", DLT_PPP, &f);
    CHECK_VALID(&r, DLT_PPP_SERIAL, &f, CANH_OK);

    /* No address/control; IPv6. */
    fb_init(&f);
    fb_raw(&f, "\x00\x57", 2, DECODE_EV_PPP_PKT_TOO_SMALL);
    add_ipv6_tcp(&f, S6, D6);
    fb_finish(&f);
    CHECK_CLEAN((run_fb(&r, DLT_PPP, &f), &r), CANH_OK);
    check_ipv6_tcp(&r, S6, D6);
    sweep("ppp-ipv6", DLT_PPP, &f);

    /* Compressed protocol field (RFC 1661 6.5). */
    fb_init(&f);
    fb_raw(&f, "\x21", 1, DECODE_EV_PPP_PKT_TOO_SMALL);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    CHECK_CLEAN((run_fb(&r, DLT_PPP, &f), &r), CANH_OK);
    CHECK_EQ(off_in(&r, r.p.ip), 1);
    sweep("ppp-compressed", DLT_PPP, &f);

    /* LCP is control traffic. */
    static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };
    CHECK_CLEAN((run_cut(&r, DLT_PPP, lcp, sizeof(lcp), sizeof(lcp)), &r), CANH_AGAIN);
    run_cut(&r, DLT_PPP, lcp, 2, 2);
    CHECK_ONLY_EV(&r, DECODE_EV_PPP_PKT_TOO_SMALL);
    run_cut(&r, DLT_PPP, lcp, 0, 0);
    CHECK_ONLY_EV(&r, DECODE_EV_PPP_PKT_TOO_SMALL);
    run_free(&r);
}

static void test_chdlc(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    fb_init(&f);
    fb_raw(&f, "\x0f\x00\x08\x00", 4, DECODE_EV_CHDLC_PKT_TOO_SMALL);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    run_fb(&r, DLT_C_HDLC, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv4_tcp(&r, S4, D4);
    CHECK_EQ(r.dt.stats.ppp, 1);
    sweep("chdlc", DLT_C_HDLC, &f);
    /* Captures labelled PPP that hold Cisco HDLC (an empty frame is a short PPP one). */
    fb_expect_at(&f, 0, DECODE_EV_PPP_PKT_TOO_SMALL);
    CHECK_CLEAN((run_fb(&r, DLT_PPP, &f), &r), CANH_OK);
    check_ipv4_tcp(&r, S4, D4);
    sweep("chdlc-as-ppp", DLT_PPP, &f);

    fb_init(&f);
    fb_raw(&f, "\x8f\x00\x86\xdd", 4, DECODE_EV_CHDLC_PKT_TOO_SMALL);
    add_ipv6_tcp(&f, S6, D6);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_C_HDLC, &f, CANH_OK);
    check_ipv6_tcp(&r, S6, D6);

    /* SLARP keepalive. */
    static const uint8_t slarp[] = { 0x8f, 0x00, 0x80, 0x35, 0, 0, 0, 2 };
    CHECK_CLEAN((run_cut(&r, DLT_C_HDLC, slarp, sizeof(slarp), sizeof(slarp)), &r),
                CANH_AGAIN);
    run_cut(&r, DLT_C_HDLC, slarp, 3, 3);
    CHECK_ONLY_EV(&r, DECODE_EV_CHDLC_PKT_TOO_SMALL);
    run_free(&r);
}

/* ---------------------------------------------------------------------------------- */
/* IPv4                                                                               */
/* ---------------------------------------------------------------------------------- */

/* Eth + IPv4 with options + TCP. */
static void mk_ipv4_opts(struct fb *f, const void *opts, uint32_t optlen)
{
    fb_init(f);
    fb_eth(f, 0x0800);
    fb_ipv4_opts(f, 6, S4, D4, opts, optlen);
    fb_tcp(f, 40000, 80, 1000, 2000, TH_PSH | TH_ACK);
    fb_payload(f, HTTP_REQ);
    fb_finish(f);
}

static void test_ipv4(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    mk_eth_ipv4_tcp(&f);
    uint8_t *ip = f.b + 14;

    /* Wrong version, IHL below 5, total length below IHL. */
    ip[0] = 0x65;
    ipv4_fix_csum(ip);
    CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_IPV4_WRONG_IP_VER);
    CHECK_EQ(r.rc, CANH_ERR);
    ip[0] = 0x44;
    CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_IPV4_HLEN_TOO_SMALL);
    ip[0] = 0x45;
    put16(ip + 2, 19);
    CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_IPV4_IPLEN_SMALLER_THAN_HLEN);

    /* Total length beyond the frame: a lie unless the capture cut it. */
    put16(ip + 2, (uint16_t)(f.len - 14 + 10));
    ipv4_fix_csum(ip);
    CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_IPV4_TRUNC_PKT);
    run_cut(&r, DLT_EN10MB, f.b, f.len, f.len + 10);
    CHECK_CLEAN(&r, CANH_OK);
    CHECK(r.p.ip_truncated);
    CHECK(r.p.flags & PKT_TRUNCATED);
    CHECK_EQ(r.p.ip_len, f.len - 14);
    CHECK_EQ(r.p.payload_len, strlen(HTTP_REQ));
    CHECK_EQ(r.dt.stats.truncated, 1);

    /* Header cut: 10 bytes of IPv4, then IHL 6 with 22 bytes. */
    mk_eth_ipv4_tcp(&f);
    run_cut(&r, DLT_EN10MB, f.b, 14 + 10, f.len);
    CHECK_ONLY_EV(&r, DECODE_EV_IPV4_PKT_TOO_SMALL);
    run_cut(&r, DLT_EN10MB, f.b, 14 + 19, 14 + 19);
    CHECK_ONLY_EV(&r, DECODE_EV_IPV4_PKT_TOO_SMALL);
    static const uint8_t rtralt[4] = { 148, 4, 0, 0 };
    mk_ipv4_opts(&f, rtralt, 4);
    run_cut(&r, DLT_EN10MB, f.b, 14 + 22, f.len);
    CHECK_ONLY_EV(&r, DECODE_EV_IPV4_TRUNC_PKT);

    /* ICMPv6 over IPv4 is noted, and decoded. */
    fb_init(&f);
    fb_eth(&f, 0x0800);
    fb_ipv4(&f, 58, S4, D4);
    fb_icmp6(&f, 128, 0, 0x00010001);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_OK);
    CHECK_ONLY_EV(&r, DECODE_EV_IPV4_WITH_ICMPV6);
    CHECK_EQ(r.p.icmp_type, 128);

    /* Another protocol: payload is the IP payload. */
    fb_init(&f);
    fb_eth(&f, 0x0800);
    fb_ipv4(&f, 50, S4, D4); /* ESP */
    fb_payload(&f, "\x01\x02\x03\x04spi-and-seq");
    fb_finish(&f);
    run_reset(&r);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    CHECK_EQ(r.p.proto, 50);
    CHECK_EQ(r.p.sport, 0);
    CHECK_EQ(off_in(&r, r.p.payload), 34);
    CHECK_EQ(r.p.payload_len, 15);
    CHECK_EQ(r.dt.stats.other_ip, 1);
    sweep("ipv4-esp", DLT_EN10MB, &f);

    /* SCTP gives ports; a short SCTP header none. */
    fb_init(&f);
    fb_eth(&f, 0x0800);
    fb_ipv4(&f, 132, S4, D4);
    fb_hdr(&f, "\x0b\x59\x0b\x5a\x00\x00\x00\x01\x00\x00\x00\x00", 12);
    fb_payload(&f, "chunk");
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.sport, 2905);
    CHECK_EQ(r.p.dport, 2906);
    CHECK_EQ(r.p.payload_len, 5);
    run_cut(&r, DLT_EN10MB, f.b, 14 + 20 + 11, f.len);
    CHECK_CLEAN(&r, CANH_OK);
    CHECK_EQ(r.p.sport, 0);
    CHECK_EQ(r.p.dport, 0);

    /* A fragment with no defragmenter is held back, not decoded. */
    mk_eth_ipv4_tcp(&f);
    put16(f.b + 14 + 6, 0x2000);
    ipv4_fix_csum(f.b + 14);
    run_reset(&r);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_AGAIN);
    CHECK(r.p.flags & PKT_FRAGMENT);
    CHECK_EQ(r.p.sport, 0);
    CHECK_EQ(r.dt.stats.frag_ipv4, 1);
    put16(f.b + 14 + 6, 0x0001); /* offset 8, last fragment */
    ipv4_fix_csum(f.b + 14);
    CHECK_CLEAN((run_fb(&r, DLT_EN10MB, &f), &r), CANH_AGAIN);
    put16(f.b + 14 + 6, 0x4000); /* DF alone is not a fragment */
    ipv4_fix_csum(f.b + 14);
    CHECK_CLEAN((run_fb(&r, DLT_EN10MB, &f), &r), CANH_OK);
    run_free(&r);
}

static void test_ipv4_options(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    /* Valid options, alone and together. */
    static const struct { const char *name; uint8_t len; uint8_t b[40]; } ok[] = {
        { "rr+nop", 8, { 7, 7, 4, 0, 0, 0, 0, 1 } },
        { "rtralt", 4, { 148, 4, 0, 0 } },
        { "ts", 12, { 68, 12, 5, 0, 1, 2, 3, 4, 5, 6, 7, 8 } },
        { "sec+eol", 12, { 130, 11, 0xab, 0xcd, 0, 0, 0, 0, 0, 0, 0, 0 } },
        { "lsrr+ssrr", 20, { 131, 7, 4, 10, 0, 0, 1, 137, 11, 4, 10, 0, 0, 1, 10, 0, 0, 2, 1, 0 } },
        { "sid+cipso", 12, { 136, 4, 0x12, 0x34, 134, 6, 0, 0, 0, 1, 0, 0 } },
        { "qs", 8, { 25, 8, 0x01, 0x02, 0, 0, 0, 0 } },
        { "nops", 4, { 1, 1, 1, 1 } },
        { "eol-then-junk", 4, { 0, 0x9f, 4, 0 } },
        { "all", 40, { 148, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0, 68, 8, 5, 0, 0, 0, 0, 0, 136, 4, 0,
                       0, 25, 8, 0, 0, 0, 0, 0, 0, 131, 7, 4, 0, 0, 0, 0, 1, 0 } },
    };
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        mk_ipv4_opts(&f, ok[i].b, ok[i].len);
        CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
        CHECK_EQ(r.p.ip_hlen, 20 + ok[i].len);
        check_ipv4_tcp(&r, S4, D4);
    }

    /* Bad options are events that do not stop decoding. */
    static const struct { const char *name; uint8_t len; uint8_t b[12]; int ev; } bad[] = {
        { "len-1", 4, { 7, 1, 0, 0 }, DECODE_EV_IPV4_OPT_INVALID_LEN },
        { "len-0", 4, { 148, 0, 0, 0 }, DECODE_EV_IPV4_OPT_INVALID_LEN },
        { "past-end", 4, { 148, 8, 0, 0 }, DECODE_EV_IPV4_OPT_INVALID_LEN },
        { "no-len-byte", 4, { 1, 1, 1, 7 }, DECODE_EV_IPV4_OPT_INVALID_LEN },
        { "rr-len", 8, { 7, 8, 4, 0, 0, 0, 0, 0 }, DECODE_EV_IPV4_OPT_MALFORMED },
        { "rr-ptr", 8, { 7, 7, 3, 0, 0, 0, 0, 1 }, DECODE_EV_IPV4_OPT_MALFORMED },
        { "rr-2", 4, { 7, 2, 1, 1 }, DECODE_EV_IPV4_OPT_MALFORMED },
        { "ts-ptr", 8, { 68, 8, 4, 0, 0, 0, 0, 0 }, DECODE_EV_IPV4_OPT_MALFORMED },
        { "ts-len", 8, { 68, 7, 5, 0, 0, 0, 0, 1 }, DECODE_EV_IPV4_OPT_MALFORMED },
        { "sid-len", 8, { 136, 5, 0, 0, 0, 1, 1, 1 }, DECODE_EV_IPV4_OPT_MALFORMED },
        { "rtralt-len", 8, { 148, 6, 0, 0, 0, 0, 1, 1 }, DECODE_EV_IPV4_OPT_MALFORMED },
        { "cipso-len", 4, { 134, 4, 0, 0 }, DECODE_EV_IPV4_OPT_MALFORMED },
        { "qs-len", 4, { 25, 4, 0, 0 }, DECODE_EV_IPV4_OPT_MALFORMED },
        { "dup", 8, { 148, 4, 0, 0, 148, 4, 0, 0 }, DECODE_EV_IPV4_OPT_DUPLICATE },
        { "dup-rr", 12, { 7, 3, 4, 1, 7, 7, 4, 0, 0, 0, 0, 0 }, DECODE_EV_IPV4_OPT_DUPLICATE },
        { "unknown", 4, { 0x9f, 4, 0, 0 }, DECODE_EV_IPV4_OPT_UNKNOWN },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        mk_ipv4_opts(&f, bad[i].b, bad[i].len);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_EQ(r.rc, CANH_OK);
        CHECK_ONLY_EV(&r, bad[i].ev);
        if (r.p.nevents != 1 || !has_ev(&r.p, bad[i].ev))
            fprintf(stderr, "  (option case %s)\n", bad[i].name);
        CHECK_EQ(r.p.dport, 80);
    }
    /* An unknown option does not hide a duplicate after it. */
    static const uint8_t both[12] = { 0x9f, 4, 0, 0, 148, 4, 0, 0, 148, 4, 0, 0 };
    mk_ipv4_opts(&f, both, 12);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EV(&r, DECODE_EV_IPV4_OPT_UNKNOWN);
    CHECK_EV(&r, DECODE_EV_IPV4_OPT_DUPLICATE);
    CHECK_EQ(r.p.nevents, 2);
    run_free(&r);
}

/* ---------------------------------------------------------------------------------- */
/* IPv6                                                                               */
/* ---------------------------------------------------------------------------------- */

enum { NH_HOP = 0, NH_TCP = 6, NH_UDP = 17, NH_RT = 43, NH_FRAG = 44, NH_AH = 51,
       NH_ICMP6 = 58, NH_NONE = 59, NH_DST = 60, NH_MOB = 135 };

/* Eth + IPv6 whose first Next Header is 'nh'; the caller adds extension headers. */
static void mk_ipv6_start(struct fb *f, uint8_t nh)
{
    fb_init(f);
    fb_eth(f, 0x86dd);
    fb_ipv6(f, nh, S6, D6);
}

static void add_tcp6_tail(struct fb *f)
{
    fb_tcp(f, 40000, 443, 77, 0, TH_SYN);
    fb_payload(f, "hi");
    fb_finish(f);
}

static void test_ipv6(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    fb_init(&f);
    fb_eth(&f, 0x86dd);
    add_ipv6_tcp(&f, S6, D6);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv6_tcp(&r, S6, D6);
    CHECK_EQ(r.p.ttl, 64);
    CHECK_EQ(r.p.ip_hlen, 40);
    CHECK_EQ(r.p.ip_len, f.len - 14);
    CHECK_EQ(off_in(&r, r.p.l4), 54);
    CHECK_EQ(r.p.tcp_seq, 77);
    CHECK_EQ(r.dt.stats.ipv6, 1);
    sweep("eth-ipv6-tcp", DLT_EN10MB, &f);

    uint8_t *ip = f.b + 14;
    ip[0] = 0x40;
    CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_IPV6_WRONG_IP_VER);
    ip[0] = 0x60;
    run_cut(&r, DLT_EN10MB, f.b, 14 + 39, f.len);
    CHECK_ONLY_EV(&r, DECODE_EV_IPV6_PKT_TOO_SMALL);
    put16(ip + 4, (uint16_t)(f.len - 54 + 1));
    CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_IPV6_TRUNC_PKT);
    run_cut(&r, DLT_EN10MB, f.b, f.len, f.len + 1);
    CHECK_CLEAN(&r, CANH_OK);
    CHECK(r.p.ip_truncated);

    /* Payload length shorter than the frame: the rest is padding. */
    fb_init(&f);
    fb_eth(&f, 0x86dd);
    add_ipv6_udp(&f, S6, D6);
    fb_finish(&f);
    fb_pad(&f, 4);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.ip_len, 40 + 8 + 3);
    CHECK_EQ(r.p.payload_len, 3);

    /* ICMPv4 over IPv6 is noted. */
    fb_init(&f);
    fb_eth(&f, 0x86dd);
    fb_ipv6(&f, 1, S6, D6);
    fb_icmp4(&f, 8, 0, 0);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_OK);
    CHECK_ONLY_EV(&r, DECODE_EV_IPV6_WITH_ICMPV4);
    CHECK_EQ(r.p.icmp_type, 8);

    /* ESP ends the header chain: another protocol. */
    mk_ipv6_start(&f, 50);
    fb_payload(&f, "espespesp");
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.proto, 50);
    CHECK_EQ(r.p.payload_len, 9);

    /* A fragment without a defragmenter. */
    static const uint8_t fh[8] = { NH_TCP, 0, 0x00, 0x01, 0, 0, 0, 9 };
    mk_ipv6_start(&f, NH_FRAG);
    fb_ext6(&f, fh, 8);
    add_tcp6_tail(&f);
    run_reset(&r);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_AGAIN);
    CHECK(r.p.flags & PKT_FRAGMENT);
    CHECK_EQ(r.p.proto, NH_TCP);
    CHECK_EQ(r.p.ip_hlen, 40);
    CHECK_EQ(r.dt.stats.frag_ipv6, 1);
    run_free(&r);
}

static void test_ipv6_exthdrs(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    /* Hop-by-hop (router alert + PadN), routing type 2, destination options, AH. */
    static const uint8_t hop[8] = { NH_RT, 0, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00 };
    static const uint8_t rt2[24] = { NH_DST, 2, 2, 1, 0, 0, 0, 0, 0xfd, [23] = 9 };
    static const uint8_t dst[8] = { NH_AH, 0, 0x01, 0x04, 0, 0, 0, 0 };
    static const uint8_t ah[24] = { NH_TCP, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
    mk_ipv6_start(&f, NH_HOP);
    fb_ext6(&f, hop, 8);
    fb_ext6(&f, rt2, 24);
    fb_ext6(&f, dst, 8);
    fb_ext6(&f, ah, 24);
    add_tcp6_tail(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv6_tcp(&r, S6, D6);
    CHECK_EQ(r.p.ip_hlen, 40 + 8 + 24 + 8 + 24);
    CHECK_EQ(off_in(&r, r.p.l4), 14 + 104);
    sweep("ipv6-exthdrs", DLT_EN10MB, &f);

    /* Pad1 and PadN around a jumbo-free hop-by-hop header. */
    static const uint8_t hop_pad1[8] = { NH_TCP, 0, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00 };
    mk_ipv6_start(&f, NH_HOP);
    fb_ext6(&f, hop_pad1, 8);
    add_tcp6_tail(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.dport, 443);

    /* Two destination options headers (before routing and before the upper layer). */
    static const uint8_t dst_rt[8] = { NH_RT, 0, 0x01, 0x04, 0, 0, 0, 0 };
    static const uint8_t rt2_dst[24] = { NH_DST, 2, 2, 0, 0, 0, 0, 0 };
    static const uint8_t dst_tcp[8] = { NH_TCP, 0, 0x01, 0x04, 0, 0, 0, 0 };
    mk_ipv6_start(&f, NH_DST);
    fb_ext6(&f, dst_rt, 8);
    fb_ext6(&f, rt2_dst, 24);
    fb_ext6(&f, dst_tcp, 8);
    add_tcp6_tail(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);

    /* Each malformed chain: the headers, the event, and whether decoding stops. */
    static const uint8_t hop_unknown[8] = { NH_TCP, 0, 0x0f, 0x02, 0, 0, 0x01, 0x00 };
    static const uint8_t hop_optlen[8] = { NH_TCP, 0, 0x05, 0x08, 0, 0, 0, 0 };
    static const uint8_t hop_tcp[8] = { NH_TCP, 0, 0x01, 0x04, 0, 0, 0, 0 };
    static const uint8_t hop_hop[8] = { NH_HOP, 0, 0x01, 0x04, 0, 0, 0, 0 };
    static const uint8_t dst_hop[8] = { NH_HOP, 0, 0x01, 0x04, 0, 0, 0, 0 };
    static const uint8_t dst_unknown[8] = { NH_TCP, 0, 0x0f, 0x02, 0, 0, 0x01, 0x00 };
    static const uint8_t dst_dst[8] = { NH_DST, 0, 0x01, 0x04, 0, 0, 0, 0 };
    static const uint8_t rt0[24] = { NH_TCP, 2, 0, 1, 0, 0, 0, 0, 0xfd, [23] = 9 };
    static const uint8_t rt_rt[8] = { NH_RT, 0, 2, 0, 0, 0, 0, 0 };
    static const uint8_t rt_tcp[8] = { NH_TCP, 0, 2, 0, 0, 0, 0, 0 };
    static const uint8_t fh_atomic[8] = { NH_TCP, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t fh_res[8] = { NH_TCP, 0x01, 0, 0, 0, 0, 0, 1 };
    static const uint8_t fh_res2[8] = { NH_TCP, 0, 0, 0x06, 0, 0, 0, 1 };
    static const uint8_t fh_fh[8] = { NH_FRAG, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t hop_long[8] = { NH_TCP, 1, 0x01, 0x04, 0, 0, 0, 0 }; /* says 16 */
    static const struct {
        const char *name;
        uint8_t first;
        const uint8_t *h[4];
        uint32_t hl[4];
        int ev, rc;
    } bad[] = {
        { "hop-unknown-opt", NH_HOP, { hop_unknown }, { 8 }, DECODE_EV_IPV6_HOPOPTS_UNKNOWN_OPT, CANH_OK },
        { "hop-optlen", NH_HOP, { hop_optlen }, { 8 }, DECODE_EV_IPV6_EXTHDR_INVALID_OPTLEN, CANH_OK },
        { "hop-not-first", NH_DST, { dst_hop, hop_tcp }, { 8, 8 }, DECODE_EV_IPV6_HOPOPTS_NOT_FIRST, CANH_OK },
        { "dst-unknown-opt", NH_DST, { dst_unknown }, { 8 }, DECODE_EV_IPV6_DSTOPTS_UNKNOWN_OPT, CANH_OK },
        { "dst-x3", NH_DST, { dst_dst, dst_dst, dst_tcp }, { 8, 8, 8 }, DECODE_EV_IPV6_EXTHDR_DUPL_DH, CANH_OK },
        { "rh-type-0", NH_RT, { rt0 }, { 24 }, DECODE_EV_IPV6_RH_TYPE_0, CANH_OK },
        { "rh-dup", NH_RT, { rt_rt, rt_tcp }, { 8, 8 }, DECODE_EV_IPV6_EXTHDR_DUPL_RH, CANH_OK },
        { "fh-atomic", NH_FRAG, { fh_atomic }, { 8 }, DECODE_EV_IPV6_EXTHDR_USELESS_FH, CANH_OK },
        { "fh-dup", NH_FRAG, { fh_fh, fh_atomic }, { 8, 8 }, DECODE_EV_IPV6_EXTHDR_DUPL_FH, CANH_OK },
        { "fh-reserved", NH_FRAG, { fh_res }, { 8 }, DECODE_EV_IPV6_FH_NON_ZERO_RES_FIELD, CANH_OK },
        { "fh-reserved-bits", NH_FRAG, { fh_res2 }, { 8 }, DECODE_EV_IPV6_FH_NON_ZERO_RES_FIELD, CANH_OK },
        { "trunc-exthdr", NH_HOP, { hop_long }, { 8 }, DECODE_EV_IPV6_TRUNC_EXTHDR, CANH_ERR },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        mk_ipv6_start(&f, bad[i].first);
        for (int j = 0; j < 4 && bad[i].h[j] != NULL; j++)
            fb_ext6(&f, bad[i].h[j], bad[i].hl[j]);
        if (bad[i].rc == CANH_OK)
            add_tcp6_tail(&f);
        else
            fb_finish(&f);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_EQ(r.rc, bad[i].rc);
        CHECK_EV(&r, bad[i].ev);
        if (!has_ev(&r.p, bad[i].ev) || r.rc != bad[i].rc)
            fprintf(stderr, "  (extension header case %s)\n", bad[i].name);
        if (bad[i].rc == CANH_OK)
            CHECK_EQ(r.p.dport, 443);
    }
    /* Duplicate hop-by-hop: also not first. */
    mk_ipv6_start(&f, NH_HOP);
    fb_ext6(&f, hop_hop, 8);
    fb_ext6(&f, hop_tcp, 8);
    add_tcp6_tail(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EV(&r, DECODE_EV_IPV6_EXTHDR_DUPL_HH);
    CHECK_EV(&r, DECODE_EV_IPV6_HOPOPTS_NOT_FIRST);
    CHECK_EQ(r.p.nevents, 2);
    /* The atomic fragment is decoded through, and a sweep over it raises nothing else. */
    mk_ipv6_start(&f, NH_FRAG);
    fb_ext6(&f, fh_atomic, 8);
    add_tcp6_tail(&f);
    run_fb(&r, DLT_EN10MB, &f);
    check_ipv6_tcp(&r, S6, D6);
    CHECK_EQ(r.p.flags & PKT_FRAGMENT, 0);

    /* No next header: the rest is data that should not be there. */
    mk_ipv6_start(&f, NH_NONE);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.proto, NH_NONE);
    CHECK_EQ(r.p.l4_len, 0);
    mk_ipv6_start(&f, NH_DST);
    static const uint8_t dst_none[8] = { NH_NONE, 0, 0x01, 0x04, 0, 0, 0, 0 };
    fb_ext6(&f, dst_none, 8);
    fb_payload(&f, "junk");
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_OK);
    CHECK_ONLY_EV(&r, DECODE_EV_IPV6_DATA_AFTER_NONE_HEADER);
    CHECK_EQ(r.p.ip_hlen, 48);
    CHECK_EQ(r.p.l4_len, 4);

    /* The chain cap: 16 extension headers pass, 17 do not. */
    static const uint8_t mob[8] = { NH_MOB, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t mob_tcp[8] = { NH_TCP, 0, 0, 0, 0, 0, 0, 0 };
    for (int n = 16; n <= 17; n++) {
        mk_ipv6_start(&f, NH_MOB);
        for (int i = 0; i < n - 1; i++)
            fb_ext6(&f, mob, 8);
        fb_ext6(&f, mob_tcp, 8);
        add_tcp6_tail(&f);
        run_fb(&r, DLT_EN10MB, &f);
        if (n == 16) {
            CHECK_CLEAN_SWEEP(&r, DLT_EN10MB, &f, CANH_OK);
            CHECK_EQ(r.p.ip_hlen, 40 + 16 * 8);
        } else {
            CHECK_EQ(r.rc, CANH_ERR);
            CHECK_ONLY_EV(&r, DECODE_EV_IPV6_EXTHDR_TOO_MANY);
        }
    }
    run_free(&r);
}

/* More distinct events than a packet keeps: the first PACKET_MAX_EVENTS stay, the rest
 * are counted as dropped, and every occurrence is counted per event. */
static void test_event_overflow(void)
{
    struct run r;
    struct fb f;
    run_init(&r);
    static const uint8_t dst_unknown_hop[8] = { NH_HOP, 0, 0x0f, 0x02, 0, 0, 0x01, 0x00 };
    static const uint8_t hop_unknown_hop[8] = { NH_HOP, 0, 0x0f, 0x02, 0, 0, 0x01, 0x00 };
    static const uint8_t hop_rt[8] = { NH_RT, 0, 0x01, 0x04, 0, 0, 0, 0 };
    static const uint8_t rt0_rt[8] = { NH_RT, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t rt0_fh[8] = { NH_FRAG, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t fh_res_fh[8] = { NH_FRAG, 1, 0, 0, 0, 0, 0, 1 };
    static const uint8_t fh_icmp[8] = { 1, 0, 0, 0, 0, 0, 0, 1 };
    mk_ipv6_start(&f, NH_DST);
    fb_ext6(&f, dst_unknown_hop, 8); /* dstopts_unknown_opt */
    fb_ext6(&f, hop_unknown_hop, 8); /* hopopts_not_first, hopopts_unknown_opt */
    fb_ext6(&f, hop_rt, 8);          /* exthdr_dupl_hh (and not first again) */
    fb_ext6(&f, rt0_rt, 8);          /* rh_type_0 */
    fb_ext6(&f, rt0_fh, 8);          /* exthdr_dupl_rh (and type 0 again) */
    fb_ext6(&f, fh_res_fh, 8);       /* fh_non_zero_reserved_field, exthdr_useless_fh */
    fb_ext6(&f, fh_icmp, 8);         /* exthdr_dupl_fh (dropped), useless_fh again */
    fb_icmp4(&f, 99, 0, 0);          /* ipv6.icmpv4, icmpv4.unknown_type (dropped) */
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_OK);
    CHECK_EQ(r.p.nevents, PACKET_MAX_EVENTS);
    CHECK_EQ(r.dt.stats.events_dropped, 3);
    CHECK_EV(&r, DECODE_EV_IPV6_DSTOPTS_UNKNOWN_OPT);
    CHECK_EV(&r, DECODE_EV_IPV6_EXTHDR_USELESS_FH);
    CHECK_NO_EV(&r, DECODE_EV_IPV6_EXTHDR_DUPL_FH);
    CHECK_EQ(r.dt.stats.events[DECODE_EV_IPV6_EXTHDR_DUPL_FH], 1);
    CHECK_EQ(r.dt.stats.events[DECODE_EV_IPV6_EXTHDR_USELESS_FH], 2);
    CHECK_EQ(r.dt.stats.events[DECODE_EV_IPV6_HOPOPTS_NOT_FIRST], 2);
    CHECK_EQ(r.dt.stats.events[DECODE_EV_ICMPV4_UNKNOWN_TYPE], 1);
    CHECK_EQ(r.p.icmp_type, 99);
    run_free(&r);
}

/* ---------------------------------------------------------------------------------- */
/* Transport                                                                          */
/* ---------------------------------------------------------------------------------- */

static void mk_tcp_opts(struct fb *f, const void *opts, uint32_t optlen)
{
    fb_init(f);
    fb_eth(f, 0x0800);
    fb_ipv4(f, 6, S4, D4);
    fb_tcp_opts(f, 40000, 80, 0xfffffff0u, 0, TH_SYN, opts, optlen);
    fb_finish(f);
}

static void test_tcp(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    /* SYN with MSS, SACK permitted, timestamps, NOP, window scale. */
    static const uint8_t syn[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1,
                                     0, 0, 0, 0, 1, 3, 3, 7 };
    mk_tcp_opts(&f, syn, 20);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    CHECK_EQ(r.p.tcp_mss, 1460);
    CHECK_EQ(r.p.tcp_wscale, 7);
    CHECK_EQ(r.p.tcp_seq, 0xfffffff0u);
    CHECK_EQ(r.p.tcp_flags, TH_SYN);
    CHECK_EQ(r.p.payload_len, 0);
    CHECK_EQ(off_in(&r, r.p.payload), 14 + 20 + 40);
    sweep("tcp-syn-options", DLT_EN10MB, &f);

    /* SACK blocks (repeatable), MD5, an unknown option, EOL then padding. */
    static const uint8_t more[40] = { 5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 5, 10, 0, 0, 0, 3,
                                      0, 0, 0, 4, 19, 18, [38] = 0, [39] = 0 };
    mk_tcp_opts(&f, more, 40);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    static const uint8_t unk[8] = { 253, 4, 0x12, 0x34, 34, 2, 0, 0 }; /* RFC 6994, TFO */
    mk_tcp_opts(&f, unk, 8);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    static const uint8_t eol[8] = { 1, 0, 2, 1, 0, 0, 0, 0 }; /* junk after EOL */
    mk_tcp_opts(&f, eol, 8);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.tcp_mss, 0);

    static const struct { const char *name; uint8_t len; uint8_t b[12]; int ev; } bad[] = {
        { "len-1", 4, { 2, 1, 0, 0 }, DECODE_EV_TCP_OPT_INVALID_LEN },
        { "past-end", 4, { 8, 10, 0, 0 }, DECODE_EV_TCP_OPT_INVALID_LEN },
        { "no-len-byte", 4, { 1, 1, 1, 2 }, DECODE_EV_TCP_OPT_INVALID_LEN },
        { "mss-3", 4, { 2, 3, 5, 1 }, DECODE_EV_TCP_OPT_INVALID_LEN },
        { "ws-4", 4, { 3, 4, 7, 0 }, DECODE_EV_TCP_OPT_INVALID_LEN },
        { "sackok-3", 4, { 4, 3, 0, 1 }, DECODE_EV_TCP_OPT_INVALID_LEN },
        { "sack-9", 12, { 5, 9, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1 }, DECODE_EV_TCP_OPT_INVALID_LEN },
        { "ts-8", 8, { 8, 8, 0, 0, 0, 0, 0, 0 }, DECODE_EV_TCP_OPT_INVALID_LEN },
        { "dup-mss", 8, { 2, 4, 5, 0xb4, 2, 4, 5, 0xb4 }, DECODE_EV_TCP_OPT_DUPLICATE },
        { "dup-ws", 8, { 3, 3, 1, 3, 3, 2, 1, 0 }, DECODE_EV_TCP_OPT_DUPLICATE },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        mk_tcp_opts(&f, bad[i].b, bad[i].len);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_EQ(r.rc, CANH_OK);
        CHECK_ONLY_EV(&r, bad[i].ev);
        if (r.p.nevents != 1 || !has_ev(&r.p, bad[i].ev))
            fprintf(stderr, "  (tcp option case %s)\n", bad[i].name);
        CHECK_EQ(r.p.sport, 40000);
    }
    /* MD5 must be 18 bytes. */
    static const uint8_t md5[20] = { 19, 17, [19] = 0 };
    mk_tcp_opts(&f, md5, 20);
    CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_TCP_OPT_INVALID_LEN);

    /* Data offset below 5, data offset past the segment, and a cut header. */
    mk_eth_ipv4_tcp(&f);
    uint8_t *tcp = f.b + 34;
    tcp[12] = 4 << 4;
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_TCP_HLEN_TOO_SMALL);
    mk_tcp_opts(&f, NULL, 0);
    f.b[34 + 12] = 15 << 4; /* 60 bytes of header in a 20-byte segment */
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_TCP_INVALID_OPTLEN);
    run_cut(&r, DLT_EN10MB, f.b, 34 + 19, f.len);
    CHECK_ONLY_EV(&r, DECODE_EV_TCP_PKT_TOO_SMALL);
    CHECK_EQ(r.p.sport, 0);
    CHECK_EQ(r.p.dport, 0);
    run_free(&r);
}

static void test_udp(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    fb_init(&f);
    fb_eth(&f, 0x0800);
    add_ipv4_udp(&f, S4, D4);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    CHECK_EQ(r.p.proto, 17);
    CHECK_EQ(r.p.sport, 5353);
    CHECK_EQ(r.p.dport, 53);
    CHECK_EQ(off_in(&r, r.p.payload), 42);
    CHECK_EQ(r.p.payload_len, 8);
    CHECK(memcmp(r.p.payload, "dnsquery", 8) == 0);
    CHECK_EQ(r.dt.stats.udp, 1);
    sweep("eth-ipv4-udp", DLT_EN10MB, &f);

    fb_init(&f);
    fb_eth(&f, 0x86dd);
    add_ipv6_udp(&f, S6, D6);
    fb_finish(&f);
    CHECK_CLEAN((run_fb(&r, DLT_EN10MB, &f), &r), CANH_OK);
    CHECK_EQ(r.p.payload_len, 3);
    sweep("eth-ipv6-udp", DLT_EN10MB, &f);

    /* UDP length rules (RFC 768): below 8 is invalid; beyond the IP payload is a lie
     * unless the capture cut it; shorter than the IP payload trims the payload. */
    fb_init(&f);
    fb_eth(&f, 0x0800);
    add_ipv4_udp(&f, S4, D4);
    fb_finish(&f);
    uint8_t *udp = f.b + 34;
    put16(udp + 4, 7);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_UDP_HLEN_INVALID);
    put16(udp + 4, 17);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_UDP_LEN_INVALID);
    put16(udp + 4, 12);
    udp[6] = udp[7] = 0;
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    CHECK_EQ(r.p.payload_len, 4);
    CHECK_EQ(r.p.l4_len, 16);
    put16(udp + 4, 8);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.payload_len, 0);
    /* Cut by the capture: what there is. */
    fb_init(&f);
    fb_eth(&f, 0x0800);
    add_ipv4_udp(&f, S4, D4);
    fb_finish(&f);
    run_cut(&r, DLT_EN10MB, f.b, f.len - 3, f.len);
    CHECK_CLEAN(&r, CANH_OK);
    CHECK_EQ(r.p.payload_len, 5);
    run_cut(&r, DLT_EN10MB, f.b, 34 + 7, f.len);
    CHECK_ONLY_EV(&r, DECODE_EV_UDP_PKT_TOO_SMALL);
    CHECK_EQ(r.p.sport, 0);
    run_free(&r);
}

static void test_icmpv4(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    fb_init(&f);
    fb_eth(&f, 0x0800);
    fb_ipv4(&f, 1, S4, D4);
    fb_icmp4(&f, 8, 0, 0x12340001);
    fb_payload(&f, "ping-data");
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    CHECK_EQ(r.p.proto, 1);
    CHECK_EQ(r.p.icmp_type, 8);
    CHECK_EQ(r.p.icmp_code, 0);
    CHECK_EQ(r.p.payload_len, 9);
    CHECK_EQ(off_in(&r, r.p.payload), 42);
    CHECK_EQ(r.dt.stats.icmpv4, 1);
    sweep("icmpv4-echo", DLT_EN10MB, &f);

    static const struct { uint8_t type, code; int ev; } tc[] = {
        { 0, 0, 0 }, { 3, 15, 0 }, { 5, 3, 0 }, { 9, 16, 0 }, { 11, 1, 0 }, { 12, 2, 0 },
        { 13, 0, 0 }, { 17, 0, 0 }, { 42, 4, 0 },
        { 0, 1, DECODE_EV_ICMPV4_UNKNOWN_CODE }, { 3, 16, DECODE_EV_ICMPV4_UNKNOWN_CODE },
        { 11, 2, DECODE_EV_ICMPV4_UNKNOWN_CODE }, { 12, 3, DECODE_EV_ICMPV4_UNKNOWN_CODE },
        { 2, 0, DECODE_EV_ICMPV4_UNKNOWN_TYPE }, { 99, 0, DECODE_EV_ICMPV4_UNKNOWN_TYPE },
        { 255, 0, DECODE_EV_ICMPV4_UNKNOWN_TYPE },
    };
    /* Errors carry the offending header: an embedded IPv4 UDP datagram. */
    struct fb inner;
    fb_init(&inner);
    add_ipv4_udp(&inner, D4, S4);
    fb_finish(&inner);
    for (size_t i = 0; i < ARRAY_SIZE(tc); i++) {
        fb_init(&f);
        fb_eth(&f, 0x0800);
        fb_ipv4(&f, 1, S4, D4);
        fb_icmp4(&f, tc[i].type, tc[i].code, 0);
        bool error = tc[i].type == 3 || tc[i].type == 4 || tc[i].type == 5 ||
                     tc[i].type == 11 || tc[i].type == 12;
        fb_embed(&f, &inner, 20, error ? DECODE_EV_ICMPV4_IPV4_TRUNC_PKT : DECODE_EV_NONE);
        fb_finish(&f);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_EQ(r.rc, CANH_OK);
        CHECK_EQ(r.p.icmp_type, tc[i].type);
        CHECK_EQ(r.p.icmp_code, tc[i].code);
        if (tc[i].ev == 0)
            CHECK_CLEAN_SWEEP(&r, DLT_EN10MB, &f, CANH_OK);
        else
            CHECK_ONLY_EV(&r, tc[i].ev);
        if (tc[i].type == 3 && tc[i].ev == 0)
            sweep("icmpv4-unreach", DLT_EN10MB, &f);
    }

    /* An error with too little of the offending packet, or not IPv4. */
    fb_init(&f);
    fb_eth(&f, 0x0800);
    fb_ipv4(&f, 1, S4, D4);
    fb_icmp4(&f, 11, 0, 0);
    fb_raw(&f, inner.b, 19, DECODE_EV_NONE);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_OK);
    CHECK_ONLY_EV(&r, DECODE_EV_ICMPV4_IPV4_TRUNC_PKT);
    fb_init(&f);
    fb_eth(&f, 0x0800);
    fb_ipv4(&f, 1, S4, D4);
    fb_icmp4(&f, 3, 3, 0);
    uint8_t *emb = fb_raw(&f, inner.b, inner.len, DECODE_EV_NONE);
    emb[0] = 0x65;
    fb_finish(&f);
    CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_ICMPV4_IPV4_UNKNOWN_VER);
    /* Informational messages carry no header to check. */
    fb_init(&f);
    fb_eth(&f, 0x0800);
    fb_ipv4(&f, 1, S4, D4);
    fb_icmp4(&f, 0, 0, 0);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);

    run_cut(&r, DLT_EN10MB, f.b, 34 + 7, f.len);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_ICMPV4_PKT_TOO_SMALL);
    run_free(&r);
}

static void test_icmpv6(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    fb_init(&f);
    fb_eth(&f, 0x86dd);
    fb_ipv6(&f, NH_ICMP6, S6, D6);
    fb_icmp6(&f, 128, 0, 0x00070001);
    fb_payload(&f, "abcdefgh");
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    CHECK_EQ(r.p.proto, 58);
    CHECK_EQ(r.p.icmp_type, 128);
    CHECK_EQ(off_in(&r, r.p.payload), 14 + 40 + 4);
    CHECK_EQ(r.p.payload_len, 12);
    CHECK_EQ(r.dt.stats.icmpv6, 1);
    sweep("icmpv6-echo", DLT_EN10MB, &f);

    struct fb inner;
    fb_init(&inner);
    add_ipv6_udp(&inner, D6, S6);
    fb_finish(&inner);
    static const struct { uint8_t type, code; int ev; } tc[] = {
        { 1, 0, 0 }, { 1, 8, 0 }, { 2, 0, 0 }, { 3, 1, 0 }, { 4, 3, 0 }, { 129, 0, 0 },
        { 135, 0, 0 }, { 138, 255, 0 }, { 139, 2, 0 }, { 161, 4, 0 }, { 200, 77, 0 },
        { 155, 0x01, 0 }, { 155, 0x8a, 0 }, /* RPL control (RFC 6550): code is the message */
        { 1, 9, DECODE_EV_ICMPV6_UNKNOWN_CODE }, { 3, 2, DECODE_EV_ICMPV6_UNKNOWN_CODE },
        { 128, 1, DECODE_EV_ICMPV6_UNKNOWN_CODE }, { 5, 0, DECODE_EV_ICMPV6_UNKNOWN_TYPE },
        { 127, 0, DECODE_EV_ICMPV6_UNKNOWN_TYPE }, { 250, 0, DECODE_EV_ICMPV6_UNKNOWN_TYPE },
    };
    for (size_t i = 0; i < ARRAY_SIZE(tc); i++) {
        fb_init(&f);
        fb_eth(&f, 0x86dd);
        fb_ipv6(&f, NH_ICMP6, S6, D6);
        fb_icmp6(&f, tc[i].type, tc[i].code, 1280);
        fb_embed(&f, &inner, 40,
                 tc[i].type <= 4 ? DECODE_EV_ICMPV6_IPV6_TRUNC_PKT : DECODE_EV_NONE);
        fb_finish(&f);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_EQ(r.p.icmp_type, tc[i].type);
        CHECK_EQ(r.p.icmp_code, tc[i].code);
        if (tc[i].ev == 0)
            CHECK_CLEAN_SWEEP(&r, DLT_EN10MB, &f, CANH_OK);
        else
            CHECK_ONLY_EV(&r, tc[i].ev);
        if (tc[i].type == 2)
            sweep("icmpv6-too-big", DLT_EN10MB, &f);
    }

    /* Errors: the offending packet cut, or not IPv6. */
    fb_init(&f);
    fb_eth(&f, 0x86dd);
    fb_ipv6(&f, NH_ICMP6, S6, D6);
    fb_icmp6(&f, 1, 4, 0);
    fb_raw(&f, inner.b, 39, DECODE_EV_NONE);
    fb_finish(&f);
    CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_ICMPV6_IPV6_TRUNC_PKT);
    fb_init(&f);
    fb_eth(&f, 0x86dd);
    fb_ipv6(&f, NH_ICMP6, S6, D6);
    fb_icmp6(&f, 3, 0, 0);
    uint8_t *emb = fb_raw(&f, inner.b, inner.len, DECODE_EV_NONE);
    emb[0] = 0x45;
    fb_finish(&f);
    CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_ICMPV6_IPV6_UNKNOWN_VER);

    /* MLD needs hop limit 1 (RFC 2710, 3810). */
    static const uint8_t mld_types[] = { 130, 131, 132, 143 };
    for (size_t i = 0; i < ARRAY_SIZE(mld_types); i++) {
        fb_init(&f);
        fb_eth(&f, 0x86dd);
        uint8_t *ip6 = fb_ipv6(&f, NH_ICMP6, S6, D6);
        fb_icmp6(&f, mld_types[i], 0, 0);
        fb_raw(&f, "\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x16", 16, DECODE_EV_NONE);
        ip6[7] = 1;
        fb_finish(&f);
        CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
        ip6[7] = 2;
        fb_finish(&f);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_EQ(r.rc, CANH_OK);
        CHECK_ONLY_EV(&r, DECODE_EV_ICMPV6_MLD_INVALID_HL);
    }

    run_cut(&r, DLT_EN10MB, f.b, 54 + 3, f.len);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_ICMPV6_PKT_TOO_SMALL);
    run_free(&r);
}

/* ---------------------------------------------------------------------------------- */
/* Tunnels                                                                            */
/* ---------------------------------------------------------------------------------- */

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_SSR 0x0800
#define GRE_A 0x0080

/* Eth + outer IPv4 (S4 -> D4) + GRE; the caller adds the payload. */
static void mk_gre(struct fb *f, uint16_t flags, uint16_t proto, const uint32_t *opt,
                   uint32_t nopt)
{
    fb_init(f);
    fb_eth(f, 0x0800);
    fb_ipv4(f, 47, S4, D4);
    fb_gre(f, flags, proto, opt, nopt);
}

static void check_tunnel4(const struct run *r, int type)
{
    CHECK_EQ(r->p.tunnel, type);
    CHECK(r->p.flags & PKT_TUNNELED);
    CHECK_EQ(r->p.tunnel_ipver, 4);
    CHECK_ADDR(&r->p.tunnel_src, S4, 4);
    CHECK_ADDR(&r->p.tunnel_dst, D4, 4);
}

static void test_gre(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    /* Version 0, IPv4 inside. */
    mk_gre(&f, 0, 0x0800, NULL, 0);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_tunnel4(&r, TUNNEL_GRE);
    check_ipv4_tcp(&r, IS4, ID4);
    CHECK_EQ(off_in(&r, r.p.ip), 14 + 20 + 4);
    CHECK_EQ(r.p.layers, 4);
    CHECK_EQ(r.dt.stats.gre, 1);
    CHECK_EQ(r.dt.stats.ipv4, 2);
    sweep("gre-ipv4", DLT_EN10MB, &f);

    /* Checksum, key and sequence; IPv6 inside. */
    static const uint32_t cks[3] = { 0, 0x1234, 99 };
    mk_gre(&f, GRE_C | GRE_K | GRE_S, 0x86dd, cks, 3);
    add_ipv6_tcp(&f, IS6, ID6);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_ipv6_tcp(&r, IS6, ID6);
    CHECK_EQ(off_in(&r, r.p.ip), 14 + 20 + 16);
    sweep("gre-cks-ipv6", DLT_EN10MB, &f);

    /* Transparent Ethernet bridging, MPLS, VLAN-tagged frames. */
    mk_gre(&f, GRE_K, 0x6558, cks + 1, 1);
    fb_eth(&f, 0x0800);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    CHECK_CLEAN((run_fb(&r, DLT_EN10MB, &f), &r), CANH_OK);
    check_ipv4_tcp(&r, IS4, ID4);
    sweep("gre-teb", DLT_EN10MB, &f);
    mk_gre(&f, 0, 0x8847, NULL, 0);
    fb_mpls(&f, 500, true);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    check_ipv4_tcp(&r, IS4, ID4);
    mk_gre(&f, 0, 0x8100, NULL, 0);
    fb_vlan(&f, 77, 0x0800);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.vlan[0], 77);
    check_ipv4_tcp(&r, IS4, ID4);

    /* WCCP: with and without the 4-byte redirect header. */
    mk_gre(&f, 0, 0x883e, NULL, 0);
    fb_raw(&f, "\x00\x00\x00\x00", 4, DECODE_EV_IPV4_PKT_TOO_SMALL); /* read as IPv4 */
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    check_ipv4_tcp(&r, IS4, ID4);
    mk_gre(&f, 0, 0x883e, NULL, 0);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    check_ipv4_tcp(&r, IS4, ID4);

    /* Version 1 (PPTP): key, sequence and acknowledgment, PPP carrying IPv4. */
    static const uint32_t v1opt[3] = { 0x00400001, 5, 4 };
    mk_gre(&f, GRE_K | GRE_S | GRE_A | 1, 0x880b, v1opt, 3);
    fb_raw(&f, "\xff\x03\x00\x21", 4, EV_SKIP);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_tunnel4(&r, TUNNEL_GRE);
    check_ipv4_tcp(&r, IS4, ID4);
    sweep("gre-pptp", DLT_EN10MB, &f);
    /* An acknowledgment alone. */
    static const uint32_t v1ack[2] = { 0x00000001, 4 };
    mk_gre(&f, GRE_K | GRE_A | 1, 0x880b, v1ack, 2);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_AGAIN);

    /* Flag rules: each breaks decoding with its event. */
    static const struct { uint16_t flags, proto; int ev; } bad[] = {
        { 0x0100, 0x0800, DECODE_EV_GRE_VERSION0_RECUR },
        { 0x0008, 0x0800, DECODE_EV_GRE_VERSION0_FLAGS },
        { 0x0080, 0x0800, DECODE_EV_GRE_VERSION0_FLAGS },
        { GRE_R, 0x0800, DECODE_EV_GRE_VERSION0_FLAGS },
        { GRE_SSR, 0x0800, DECODE_EV_GRE_VERSION0_FLAGS },
        { 0x0002, 0x0800, DECODE_EV_GRE_WRONG_VERSION },
        { 0x0007, 0x0800, DECODE_EV_GRE_WRONG_VERSION },
        { GRE_K | GRE_C | 1, 0x880b, DECODE_EV_GRE_VERSION1_CHKSUM },
        { GRE_K | GRE_R | 1, 0x880b, DECODE_EV_GRE_VERSION1_ROUTE },
        { GRE_K | GRE_SSR | 1, 0x880b, DECODE_EV_GRE_VERSION1_SSR },
        { GRE_K | 0x0200 | 1, 0x880b, DECODE_EV_GRE_VERSION1_RECUR },
        { GRE_K | 0x0010 | 1, 0x880b, DECODE_EV_GRE_VERSION1_FLAGS },
        { GRE_S | 1, 0x880b, DECODE_EV_GRE_VERSION1_NO_KEY },
        { GRE_K | 1, 0x0800, DECODE_EV_GRE_VERSION1_WRONG_PROTOCOL },
        { 0, 0x1234, DECODE_EV_GRE_UNKNOWN_PAYLOAD_TYPE },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        static const uint32_t zero[4];
        mk_gre(&f, bad[i].flags, bad[i].proto, zero, 4);
        add_ipv4_tcp(&f, IS4, ID4);
        fb_finish(&f);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_EQ(r.rc, CANH_ERR);
        CHECK_ONLY_EV(&r, bad[i].ev);
        if (r.p.nevents != 1 || !has_ev(&r.p, bad[i].ev))
            fprintf(stderr, "  (gre case %zu)\n", i);
    }
    /* Version 0 with a key, version 1 with sequence and ack, cut in the options. */
    mk_gre(&f, GRE_K, 0x0800, cks, 1);
    fb_finish(&f);
    run_cut(&r, DLT_EN10MB, f.b, f.len - 1, f.len - 1);
    CHECK_ONLY_EV(&r, DECODE_EV_IPV4_TRUNC_PKT);
    run_cut(&r, DLT_EN10MB, f.b, f.len - 1, f.len);
    CHECK_ONLY_EV(&r, DECODE_EV_GRE_VERSION0_HDR_TOO_BIG);
    mk_gre(&f, GRE_K | GRE_S | GRE_A | 1, 0x880b, v1opt, 3);
    fb_finish(&f);
    run_cut(&r, DLT_EN10MB, f.b, f.len - 2, f.len);
    CHECK_ONLY_EV(&r, DECODE_EV_GRE_VERSION1_HDR_TOO_BIG);
    run_cut(&r, DLT_EN10MB, f.b, 34 + 3, f.len);
    CHECK_ONLY_EV(&r, DECODE_EV_GRE_PKT_TOO_SMALL);
    run_free(&r);
}

static void test_erspan(void)
{
    struct run r;
    struct fb f;
    run_init(&r);
    static const uint32_t seq[1] = { 7 };

    /* Type I: no sequence number, no ERSPAN header. */
    mk_gre(&f, 0, 0x88be, NULL, 0);
    fb_eth(&f, 0x0800);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_tunnel4(&r, TUNNEL_ERSPAN);
    check_ipv4_tcp(&r, IS4, ID4);
    CHECK_EQ(r.dt.stats.erspan, 1);
    sweep("erspan-1", DLT_EN10MB, &f);

    /* Type II: version 1, VLAN 5, session 7. */
    static const uint8_t e2[8] = { 0x10, 0x05, 0x00, 0x07, 0, 0, 0, 1 };
    mk_gre(&f, GRE_S, 0x88be, seq, 1);
    fb_raw(&f, e2, 8, DECODE_EV_ERSPAN_HEADER_TOO_SMALL);
    fb_eth(&f, 0x8100);
    fb_vlan(&f, 5, 0x0800);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_tunnel4(&r, TUNNEL_ERSPAN);
    check_ipv4_tcp(&r, IS4, ID4);
    CHECK_EQ(r.p.vlan[0], 5);
    CHECK_EQ(off_in(&r, r.p.ip), 34 + 8 + 8 + 18);
    sweep("erspan-2", DLT_EN10MB, &f);
    /* Type II header with version 2. */
    f.b[34 + 8] = 0x20;
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_ERSPAN_UNSUPPORTED_VERSION);

    /* Type III, without and with the platform-specific subheader. */
    static const uint8_t e3[12] = { 0x20, 0x05, 0x00, 0x07, 1, 2, 3, 4, 0, 0, 0, 0 };
    static const uint8_t e3o[20] = { 0x20, 0x05, 0x00, 0x07, 1, 2, 3, 4, 0, 0, 0, 1, 9, 9 };
    for (int o = 0; o < 2; o++) {
        mk_gre(&f, GRE_S, 0x22eb, seq, 1);
        fb_raw(&f, o ? e3o : e3, o ? 20 : 12, DECODE_EV_ERSPAN_HEADER_TOO_SMALL);
        fb_eth(&f, 0x86dd);
        add_ipv6_tcp(&f, IS6, ID6);
        fb_finish(&f);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_CLEAN(&r, CANH_OK);
        check_tunnel4(&r, TUNNEL_ERSPAN);
        check_ipv6_tcp(&r, IS6, ID6);
        sweep(o ? "erspan-3-o" : "erspan-3", DLT_EN10MB, &f);
        f.b[34 + 8] = 0x10; /* type III with version 1 */
        CHECK_ONLY_EV((run_fb(&r, DLT_EN10MB, &f), &r), DECODE_EV_ERSPAN_UNSUPPORTED_VERSION);
    }
    run_free(&r);
}

/* Eth + IPv4 + UDP(sport -> dport); the caller adds the tunnel. */
static void mk_udp_tunnel(struct fb *f, uint16_t sport, uint16_t dport)
{
    fb_init(f);
    fb_eth(f, 0x0800);
    fb_ipv4(f, 17, S4, D4);
    fb_udp(f, sport, dport);
}

static void test_vxlan(void)
{
    struct run r;
    struct fb f;
    run_init(&r);
    static const uint8_t vx[8] = { 0x08, 0, 0, 0, 0, 0, 42, 0 };

    mk_udp_tunnel(&f, 54321, 4789);
    fb_raw(&f, vx, 8, DECODE_EV_NONE);
    fb_eth(&f, 0x0800);
    fb_cut_events(&f, DECODE_EV_NONE, DECODE_EV_NONE); /* under 14 bytes: plain UDP */
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_tunnel4(&r, TUNNEL_VXLAN);
    check_ipv4_tcp(&r, IS4, ID4);
    CHECK_EQ(r.dt.stats.vxlan, 1);
    CHECK_EQ(r.dt.stats.udp, 1);
    CHECK_EQ(r.p.layers, 5);
    sweep("vxlan", DLT_EN10MB, &f);

    /* Not VXLAN: other flags, reserved bits, or too short: left as UDP. */
    static const uint8_t notvx[3][8] = { { 0x0c, 0, 0, 0, 0, 0, 42, 0 },
                                         { 0x08, 0, 0, 0, 0, 0, 42, 1 },
                                         { 0x00, 0, 0, 0, 0, 0, 42, 0 } };
    for (int i = 0; i < 3; i++) {
        mk_udp_tunnel(&f, 54321, 4789);
        fb_raw(&f, notvx[i], 8, DECODE_EV_NONE);
        fb_eth(&f, 0x0800);
        add_ipv4_tcp(&f, IS4, ID4);
        fb_finish(&f);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_CLEAN(&r, CANH_OK);
        CHECK_EQ(r.p.tunnel, TUNNEL_NONE);
        CHECK_EQ(r.p.dport, 4789);
        CHECK_ADDR(&r.p.src, S4, 4);
    }
    mk_udp_tunnel(&f, 54321, 4789);
    fb_raw(&f, vx, 8, DECODE_EV_NONE);
    fb_raw(&f, "0123456789abc", 13, DECODE_EV_NONE);
    fb_finish(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.tunnel, TUNNEL_NONE);
    /* VXLAN to another port is not decoded. */
    mk_udp_tunnel(&f, 4789, 4790);
    fb_raw(&f, vx, 8, DECODE_EV_NONE);
    fb_eth(&f, 0x0800);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    CHECK_CLEAN((run_fb(&r, DLT_EN10MB, &f), &r), CANH_OK);
    CHECK_EQ(r.p.tunnel, TUNNEL_NONE);
    run_free(&r);
}

static void test_gtp(void)
{
    struct run r;
    struct fb f;
    run_init(&r);

    /* G-PDU with no optional fields, IPv4 inside. */
    static const uint8_t g[8] = { 0x30, 0xff, 0, 0, 0, 0, 0, 1 };
    mk_udp_tunnel(&f, 2152, 2152);
    fb_raw(&f, g, 8, DECODE_EV_NONE);
    add_ipv4_tcp(&f, IS4, ID4);
    put16(f.b + f.l[3].off + 2, (uint16_t)(f.len - f.l[3].off - 8));
    fb_finish(&f);
    fb_expect_at(&f, f.l[4].off, DECODE_EV_NONE); /* no first byte: not a G-PDU */
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_CLEAN(&r, CANH_OK);
    check_tunnel4(&r, TUNNEL_GTP);
    check_ipv4_tcp(&r, IS4, ID4);
    CHECK_EQ(r.dt.stats.gtp, 1);
    sweep("gtp", DLT_EN10MB, &f);

    /* Sequence number present; IPv6 inside; from the GTP port only. */
    static const uint8_t gs[12] = { 0x32, 0xff, 0, 0, 0, 0, 0, 1, 0, 5, 0, 0 };
    mk_udp_tunnel(&f, 2152, 33333);
    fb_raw(&f, gs, 12, DECODE_EV_NONE);
    add_ipv6_tcp(&f, IS6, ID6);
    fb_finish(&f);
    fb_expect_at(&f, f.l[4].off, DECODE_EV_NONE);
    CHECK_CLEAN((run_fb(&r, DLT_EN10MB, &f), &r), CANH_OK);
    CHECK_EQ(r.p.tunnel, TUNNEL_GTP);
    check_ipv6_tcp(&r, IS6, ID6);
    sweep("gtp-seq-ipv6", DLT_EN10MB, &f);

    /* An extension header (PDU session container, 4 bytes). */
    static const uint8_t ge[16] = { 0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85,
                                    0x01, 0x00, 0x09, 0x00 };
    mk_udp_tunnel(&f, 2152, 2152);
    fb_raw(&f, ge, 16, DECODE_EV_NONE);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    fb_expect_at(&f, f.l[4].off, DECODE_EV_NONE);
    CHECK_CLEAN((run_fb(&r, DLT_EN10MB, &f), &r), CANH_OK);
    CHECK_EQ(r.p.tunnel, TUNNEL_GTP);
    check_ipv4_tcp(&r, IS4, ID4);
    sweep("gtp-ext", DLT_EN10MB, &f);

    /* TS 29.281 5.1: with E clear, the Next Extension Header field (present because S
     * is set) is not interpreted. */
    static const uint8_t gsn[12] = { 0x32, 0xff, 0, 0, 0, 0, 0, 1, 0, 5, 0, 0x85 };
    mk_udp_tunnel(&f, 2152, 2152);
    fb_raw(&f, gsn, 12, DECODE_EV_NONE);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    fb_expect_at(&f, f.l[4].off, DECODE_EV_NONE);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.tunnel, TUNNEL_GTP);
    check_ipv4_tcp(&r, IS4, ID4);

    /* Not user data: echo request, GTPv2, a zero-length extension, not IP inside. */
    static const uint8_t notg[4][16] = {
        { 0x32, 0x01, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0 },
        { 0x48, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 },
        { 0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 0x00, 0, 0, 0 },
        { 0x30, 0xff, 0, 0, 0, 0, 0, 1, 0x50, 0, 0, 0 },
    };
    static const uint32_t notg_len[4] = { 12, 12, 16, 12 };
    for (int i = 0; i < 4; i++) {
        mk_udp_tunnel(&f, 2152, 2152);
        fb_raw(&f, notg[i], notg_len[i], DECODE_EV_NONE);
        if (i < 3)
            add_ipv4_tcp(&f, IS4, ID4);
        fb_finish(&f);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_CLEAN(&r, CANH_OK);
        CHECK_EQ(r.p.tunnel, TUNNEL_NONE);
        CHECK_EQ(r.p.sport, 2152);
    }
    run_free(&r);
}

static void test_ipip(void)
{
    struct run r;
    struct fb f;
    static const struct { const char *name; int outer, inner; } cases[] = {
        { "4in4", 4, 4 }, { "6in4", 4, 6 }, { "4in6", 6, 4 }, { "6in6", 6, 6 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t nh = cases[i].inner == 4 ? 4 : 41;
        fb_init(&f);
        fb_eth(&f, cases[i].outer == 4 ? 0x0800 : 0x86dd);
        if (cases[i].outer == 4)
            fb_ipv4(&f, nh, S4, D4);
        else
            fb_ipv6(&f, nh, S6, D6);
        if (cases[i].inner == 4)
            add_ipv4_tcp(&f, IS4, ID4);
        else
            add_ipv6_tcp(&f, IS6, ID6);
        fb_finish(&f);
        run_init(&r);
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_CLEAN(&r, CANH_OK);
        CHECK_EQ(r.p.tunnel, TUNNEL_IPIP);
        CHECK(r.p.flags & PKT_TUNNELED);
        CHECK_EQ(r.p.tunnel_ipver, cases[i].outer);
        if (cases[i].outer == 4) {
            CHECK_ADDR(&r.p.tunnel_src, S4, 4);
            CHECK_ADDR(&r.p.tunnel_dst, D4, 4);
        } else {
            CHECK_ADDR(&r.p.tunnel_src, S6, 16);
            CHECK_ADDR(&r.p.tunnel_dst, D6, 16);
        }
        if (cases[i].inner == 4)
            check_ipv4_tcp(&r, IS4, ID4);
        else
            check_ipv6_tcp(&r, IS6, ID6);
        CHECK_EQ(r.p.layers, 3);
        CHECK_EQ(r.dt.stats.ipip, 1);
        sweep(cases[i].name, DLT_EN10MB, &f);
        run_free(&r);
    }

    /* The first tunnel's outer addresses are kept through a second one. */
    fb_init(&f);
    fb_eth(&f, 0x0800);
    fb_ipv4(&f, 4, S4, D4);
    fb_ipv4(&f, 41, IS4, ID4);
    add_ipv6_tcp(&f, IS6, ID6);
    fb_finish(&f);
    run_init(&r);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_ADDR(&r.p.tunnel_src, S4, 4);
    check_ipv6_tcp(&r, IS6, ID6);
    CHECK_EQ(r.dt.stats.ipip, 2);
    run_free(&r);
}

/* A routing header with segments left: the upper-layer checksum covers the final
 * destination (RFC 8200 8.1), and only for the packet that carries the header, not for
 * a packet tunnelled inside it. */
static void test_routing_final_dst(void)
{
    struct run r;
    struct fb f;
    run_init(&r);
    /* Type 2 (RFC 6275 6.4): one address, segments left 1. */
    static const uint8_t home[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xee, [15] = 0x77 };
    uint8_t rt2[24] = { NH_TCP, 2, 2, 1 };
    memcpy(rt2 + 8, home, 16);
    mk_ipv6_start(&f, NH_RT);
    fb_ext6(&f, rt2, 24);
    add_tcp6_tail(&f);
    uint8_t pseudo[40];
    memcpy(pseudo, f.b + 14, 40);
    memcpy(pseudo + 24, home, 16);
    l4_fix_csum(pseudo, f.b + 14 + 64, f.len - 14 - 64, 6, 16);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.flags & PKT_CSUM_BAD, 0);
    CHECK_ADDR(&r.p.dst, D6, 16); /* the flow is still to the current destination */
    CHECK_EQ(r.p.dport, 443);
    /* No segments left: the destination is the final one. */
    rt2[3] = 0;
    mk_ipv6_start(&f, NH_RT);
    fb_ext6(&f, rt2, 24);
    add_tcp6_tail(&f);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.flags & PKT_CSUM_BAD, 0);

    /* Segment routing header (type 4, RFC 8754): Segment List[0] is the final one. */
    uint8_t srh[40] = { NH_TCP, 4, 4, 1, 1, 0, 0, 0 };
    memcpy(srh + 8, home, 16);
    memcpy(srh + 24, D6, 16);
    mk_ipv6_start(&f, NH_RT);
    fb_ext6(&f, srh, 40);
    add_tcp6_tail(&f);
    memcpy(pseudo, f.b + 14, 40);
    memcpy(pseudo + 24, home, 16);
    l4_fix_csum(pseudo, f.b + 14 + 80, f.len - 14 - 80, 6, 16);
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.flags & PKT_CSUM_BAD, 0);
    /* The same segment checksummed over the current destination is wrong. */
    fb_finish(&f);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK(r.p.flags & PKT_CSUM_BAD);

    /* IPv4 and IPv6 tunnelled behind such a header: their own addresses. */
    rt2[0] = 4;
    rt2[3] = 1;
    for (int inner = 4; inner <= 6; inner += 2) {
        mk_ipv6_start(&f, NH_RT);
        fb_ext6(&f, rt2, 24);
        f.b[14 + 40] = inner == 4 ? 4 : 41;
        if (inner == 4)
            add_ipv4_tcp(&f, IS4, ID4);
        else
            add_ipv6_tcp(&f, IS6, ID6);
        fb_finish(&f);
        CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
        CHECK_EQ(r.p.tunnel, TUNNEL_IPIP);
        CHECK_EQ(r.p.flags & PKT_CSUM_BAD, 0);
        CHECK_EQ(r.p.sport, 40000);
    }
    run_free(&r);
}

/* ---------------------------------------------------------------------------------- */
/* Layer cap and checksums                                                            */
/* ---------------------------------------------------------------------------------- */

static void test_layer_cap(void)
{
    struct run r;
    struct fb f;

    /* Eth + VLAN + IPv4 is 3 layers. */
    fb_init(&f);
    fb_eth(&f, 0x8100);
    fb_vlan(&f, 9, 0x0800);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    run_init(&r);
    r.dt.max_layers = 3;
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    CHECK_EQ(r.p.layers, 3);
    r.dt.max_layers = 2;
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_DECODER_TOO_MANY_LAYERS);
    CHECK_EQ(r.p.ipver, 0);
    struct decode_thread conf = { .max_layers = 2, .verify_checksums = true };
    sweep_dt("cap-2", DLT_EN10MB, &f, &conf);

    /* GRE in GRE in GRE ...: 20 levels under the default cap of 16. */
    fb_init(&f);
    fb_eth(&f, 0x0800);
    for (int i = 0; i < 20; i++) {
        fb_ipv4(&f, 47, S4, D4);
        fb_gre(&f, 0, 0x0800, NULL, 0);
    }
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    run_reset(&r);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_EQ(r.rc, CANH_ERR);
    CHECK_ONLY_EV(&r, DECODE_EV_DECODER_TOO_MANY_LAYERS);
    CHECK_EQ(r.p.layers, 16);
    CHECK_EQ(r.p.sport, 0);
    /* Within the cap it decodes. */
    r.dt.max_layers = 64;
    CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
    check_ipv4_tcp(&r, IS4, ID4);
    CHECK_EQ(r.p.layers, 1 + 20 * 2 + 1);

    /* MPLS stacks count each label. */
    fb_init(&f);
    fb_eth(&f, 0x8847);
    for (int i = 0; i < 15; i++)
        fb_mpls(&f, 100 + (uint32_t)i, i == 14);
    add_ipv4_tcp(&f, S4, D4);
    fb_finish(&f);
    run_reset(&r);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK_ONLY_EV(&r, DECODE_EV_DECODER_TOO_MANY_LAYERS);
    run_free(&r);
}

/* Checksum validation: a frame from 'mk', the offset of the checksum field to corrupt,
 * and the counter that must count it. */
static void mk_csum_ipv4_udp(struct fb *f)
{
    fb_init(f);
    fb_eth(f, 0x0800);
    add_ipv4_udp(f, S4, D4);
    fb_payload(f, "x"); /* odd length */
    fb_finish(f);
}

static void mk_csum_ipv4_icmp(struct fb *f)
{
    fb_init(f);
    fb_eth(f, 0x0800);
    fb_ipv4(f, 1, S4, D4);
    fb_icmp4(f, 8, 0, 1);
    fb_payload(f, "abc");
    fb_finish(f);
}

static void mk_csum_ipv6_tcp(struct fb *f)
{
    fb_init(f);
    fb_eth(f, 0x86dd);
    add_ipv6_tcp(f, S6, D6);
    fb_finish(f);
}

static void mk_csum_ipv6_udp(struct fb *f)
{
    fb_init(f);
    fb_eth(f, 0x86dd);
    add_ipv6_udp(f, S6, D6);
    fb_finish(f);
}

static void mk_csum_ipv6_icmp(struct fb *f)
{
    fb_init(f);
    fb_eth(f, 0x86dd);
    fb_ipv6(f, NH_ICMP6, S6, D6);
    fb_icmp6(f, 129, 0, 5);
    fb_payload(f, "pong!");
    fb_finish(f);
}

static void mk_csum_ipv6_ext_tcp(struct fb *f)
{
    static const uint8_t hop[8] = { NH_TCP, 0, 0x01, 0x04, 0, 0, 0, 0 };
    mk_ipv6_start(f, NH_HOP);
    fb_ext6(f, hop, 8);
    add_tcp6_tail(f);
}

static void test_checksums(void)
{
    enum { C_IP4, C_TCP, C_UDP, C_ICMP };
    static const struct {
        const char *name;
        void (*mk)(struct fb *);
        uint32_t at; /* offset of the checksum field */
        int counter;
    } cases[] = {
        { "ipv4", mk_eth_ipv4_tcp, 14 + 10, C_IP4 },
        { "ipv4-tcp", mk_eth_ipv4_tcp, 34 + 16, C_TCP },
        { "ipv4-udp", mk_csum_ipv4_udp, 34 + 6, C_UDP },
        { "ipv4-icmp", mk_csum_ipv4_icmp, 34 + 2, C_ICMP },
        { "ipv6-tcp", mk_csum_ipv6_tcp, 54 + 16, C_TCP },
        { "ipv6-ext-tcp", mk_csum_ipv6_ext_tcp, 62 + 16, C_TCP },
        { "ipv6-udp", mk_csum_ipv6_udp, 54 + 6, C_UDP },
        { "ipv6-icmpv6", mk_csum_ipv6_icmp, 54 + 2, C_ICMP },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct run r;
        struct fb f;
        cases[i].mk(&f);
        run_init(&r);
        CHECK_VALID(&r, DLT_EN10MB, &f, CANH_OK);
        CHECK_EQ(r.p.flags & PKT_CSUM_BAD, 0);

        f.b[cases[i].at] ^= 0x5a;
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_CLEAN(&r, CANH_OK); /* a bad checksum is a flag, not an event */
        CHECK(r.p.flags & PKT_CSUM_BAD);
        uint64_t counts[4] = { r.dt.stats.csum_bad_ipv4, r.dt.stats.csum_bad_tcp,
                               r.dt.stats.csum_bad_udp, r.dt.stats.csum_bad_icmp };
        for (int c = 0; c < 4; c++)
            CHECK_EQ(counts[c], c == cases[i].counter);
        if ((r.p.flags & PKT_CSUM_BAD) == 0)
            fprintf(stderr, "  (checksum case %s)\n", cases[i].name);

        r.dt.verify_checksums = false;
        run_fb(&r, DLT_EN10MB, &f);
        CHECK_CLEAN(&r, CANH_OK);
        CHECK_EQ(r.p.flags & PKT_CSUM_BAD, 0);
        CHECK_EQ(r.dt.stats.csum_bad_ipv4 + r.dt.stats.csum_bad_tcp +
                 r.dt.stats.csum_bad_udp + r.dt.stats.csum_bad_icmp, 1);
        run_free(&r);
    }

    /* A bad IPv4 header checksum: the transport checksum is not checked as well. */
    struct run r;
    struct fb f;
    mk_eth_ipv4_tcp(&f);
    f.b[14 + 10] ^= 1;
    f.b[34 + 16] ^= 1;
    run_init(&r);
    run_fb(&r, DLT_EN10MB, &f);
    CHECK(r.p.flags & PKT_CSUM_BAD);
    CHECK_EQ(r.dt.stats.csum_bad_ipv4, 1);
    CHECK_EQ(r.dt.stats.csum_bad_tcp, 0);
    CHECK_EQ(r.p.sport, 40000);

    /* UDP checksum 0: not computed by the sender, not verified. */
    mk_csum_ipv4_udp(&f);
    f.b[34 + 6] = f.b[34 + 7] = 0;
    CHECK_EQ((run_fb(&r, DLT_EN10MB, &f), r.p.flags & PKT_CSUM_BAD), 0);
    mk_csum_ipv6_udp(&f);
    f.b[54 + 6] = f.b[54 + 7] = 0;
    CHECK_EQ((run_fb(&r, DLT_EN10MB, &f), r.p.flags & PKT_CSUM_BAD), 0);

    /* A capture cut in the payload cannot be verified, so it is not flagged. */
    mk_eth_ipv4_tcp(&f);
    f.b[34 + 16] ^= 1;
    run_cut(&r, DLT_EN10MB, f.b, f.len - 1, f.len);
    CHECK_EQ(r.p.flags & PKT_CSUM_BAD, 0);

    /* A VXLAN datagram with a bad UDP checksum is not decoded as a tunnel. */
    static const uint8_t vx[8] = { 0x08, 0, 0, 0, 0, 0, 42, 0 };
    mk_udp_tunnel(&f, 1, 4789);
    fb_raw(&f, vx, 8, DECODE_EV_NONE);
    fb_eth(&f, 0x0800);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    f.b[34 + 6] ^= 0xff;
    run_fb(&r, DLT_EN10MB, &f);
    CHECK(r.p.flags & PKT_CSUM_BAD);
    CHECK_EQ(r.p.tunnel, TUNNEL_NONE);
    run_free(&r);
}

/* The builder's checksums agree with an independent one (RFC 1071 by the book), so the
 * tests above do not just check the decoder against itself. */
static uint16_t rfc1071(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void test_checksum_reference(void)
{
    struct fb f;
    mk_eth_ipv4_tcp(&f);
    CHECK_EQ(rfc1071(f.b + 14, 20), 0);
    /* TCP over the IPv4 pseudo-header. */
    uint32_t tl = f.len - 34;
    uint8_t buf[1600];
    memcpy(buf, f.b + 14 + 12, 8);
    buf[8] = 0;
    buf[9] = 6;
    put16(buf + 10, (uint16_t)tl);
    memcpy(buf + 12, f.b + 34, tl);
    CHECK_EQ(rfc1071(buf, 12 + tl), 0);
    /* ICMPv6 over the IPv6 pseudo-header, odd length. */
    mk_csum_ipv6_icmp(&f);
    uint32_t il = f.len - 54;
    memcpy(buf, f.b + 14 + 8, 32);
    put32(buf + 32, il);
    buf[36] = buf[37] = buf[38] = 0;
    buf[39] = 58;
    memcpy(buf + 40, f.b + 54, il);
    CHECK(il % 2 == 1);
    CHECK_EQ(rfc1071(buf, 40 + il), 0);
    /* The well-known example of RFC 1071 section 3. */
    static const uint8_t ex[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    uint16_t folded = csum_fold(csum_add(0, ex, 8));
    uint8_t be[2];
    memcpy(be, &folded, 2);
    CHECK_EQ((uint16_t)~(be[0] << 8 | be[1]), 0xddf2);
}

/* ---------------------------------------------------------------------------------- */
/* Dispatch hash                                                                      */
/* ---------------------------------------------------------------------------------- */

/* The frame 'f' carries one IP packet from 'src' to 'dst' after 'pre' (a link header
 * built by the caller); returns the offset of the IP header. */
static uint32_t mk_dispatch(struct fb *f, int linktype, int ipver, bool reverse)
{
    static const uint8_t sll[16] = { 0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00 };
    static const uint8_t sll2[20] = { 0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6 };
    fb_init(f);
    uint16_t et = ipver == 4 ? 0x0800 : 0x86dd;
    switch (linktype) {
    case DLT_EN10MB:
        fb_eth(f, et);
        break;
    case DLT_LINUX_SLL:
        put16(fb_raw(f, sll, 16, 0) + 14, et);
        break;
    case DLT_LINUX_SLL2:
        put16(fb_raw(f, sll2, 20, 0), et);
        break;
    case DLT_NULL:
        fb_raw(f, ipver == 4 ? "\x02\0\0\0" : "\x1e\0\0\0", 4, 0);
        break;
    case DLT_LOOP:
        fb_raw(f, ipver == 4 ? "\0\0\0\x02" : "\0\0\0\x18", 4, 0);
        break;
    case DLT_PPP:
        fb_raw(f, ipver == 4 ? "\xff\x03\x00\x21" : "\xff\x03\x00\x57", 4, 0);
        break;
    case DLT_C_HDLC:
        put16(fb_raw(f, "\x0f\x00\x00\x00", 4, 0) + 2, et);
        break;
    default:
        break;
    }
    uint32_t ip_off = f->len;
    if (ipver == 4)
        add_ipv4_tcp(f, reverse ? D4 : S4, reverse ? S4 : D4);
    else
        add_ipv6_tcp(f, reverse ? D6 : S6, reverse ? S6 : D6);
    fb_finish(f);
    return ip_off;
}

static uint32_t dispatch_cut(int linktype, const uint8_t *data, uint32_t caplen)
{
    uint8_t *copy = malloc(caplen > 0 ? caplen : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, caplen);
    uint32_t h = decode_dispatch_hash(linktype, copy, caplen);
    free(copy);
    return h;
}

static void test_dispatch(void)
{
    static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
                                DLT_RAW, DLT_IPV4, DLT_PPP, DLT_C_HDLC };
    struct fb f;
    for (int ipver = 4; ipver <= 6; ipver += 2) {
        mk_dispatch(&f, DLT_RAW, ipver, false);
        uint32_t h = dispatch_cut(DLT_RAW, f.b, f.len);
        CHECK(h != 0);
        for (size_t i = 0; i < ARRAY_SIZE(dlts); i++) {
            for (int rev = 0; rev < 2; rev++) {
                uint32_t ip_off = mk_dispatch(&f, dlts[i], ipver, rev);
                CHECK_EQ(dispatch_cut(dlts[i], f.b, f.len), h);
                /* Cut anywhere: 0 until both addresses are there, then the hash. */
                unsigned bad = 0;
                uint32_t need = ip_off + (ipver == 4 ? 20 : 40);
                for (uint32_t c = 0; c < f.len; c++)
                    if (dispatch_cut(dlts[i], f.b, c) != (c >= need ? h : 0))
                        bad++;
                CHECK_EQ(bad, 0);
            }
        }
        /* Through VLAN, QinQ, MPLS and PPPoE. */
        fb_init(&f);
        fb_eth(&f, 0x88a8);
        fb_vlan(&f, 1, 0x8100);
        fb_vlan(&f, 2, 0x8847);
        fb_mpls(&f, 100, false);
        fb_mpls(&f, 200, true);
        ipver == 4 ? add_ipv4_tcp(&f, D4, S4) : add_ipv6_tcp(&f, D6, S6);
        fb_finish(&f);
        CHECK_EQ(dispatch_cut(DLT_EN10MB, f.b, f.len), h);
        unsigned bad = 0;
        for (uint32_t c = 0; c < f.len; c++)
            if (dispatch_cut(DLT_EN10MB, f.b, c) != (c >= f.l[5].off + (ipver == 4 ? 20u : 40u) ? h : 0))
                bad++;
        CHECK_EQ(bad, 0);
        fb_init(&f);
        fb_eth(&f, 0x8864);
        fb_raw(&f, ipver == 4 ? "\x11\x00\x00\x01\x00\x00\x00\x21"
                              : "\x11\x00\x00\x01\x00\x00\x00\x57", 8, 0);
        ipver == 4 ? add_ipv4_tcp(&f, S4, D4) : add_ipv6_tcp(&f, S6, D6);
        fb_finish(&f);
        CHECK_EQ(dispatch_cut(DLT_EN10MB, f.b, f.len), h);
        bad = 0;
        for (uint32_t c = 0; c < f.len; c++)
            if (dispatch_cut(DLT_EN10MB, f.b, c) != (c >= 22 + (ipver == 4 ? 20u : 40u) ? h : 0))
                bad++;
        CHECK_EQ(bad, 0);
        /* Cisco HDLC in a capture labelled PPP. */
        fb_init(&f);
        put16(fb_raw(&f, "\x8f\x00\x00\x00", 4, 0) + 2, ipver == 4 ? 0x0800 : 0x86dd);
        ipver == 4 ? add_ipv4_tcp(&f, S4, D4) : add_ipv6_tcp(&f, S6, D6);
        fb_finish(&f);
        CHECK_EQ(dispatch_cut(DLT_PPP, f.b, f.len), h);
    }
    /* Other addresses hash elsewhere; frames without IP hash to 0. */
    fb_init(&f);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    mk_dispatch(&f, DLT_RAW, 4, false);
    uint32_t h4 = dispatch_cut(DLT_RAW, f.b, f.len);
    fb_init(&f);
    add_ipv4_tcp(&f, IS4, ID4);
    fb_finish(&f);
    CHECK(dispatch_cut(DLT_RAW, f.b, f.len) != h4);
    fb_init(&f);
    fb_eth(&f, 0x0806);
    fb_raw(&f, "\x00\x01\x08\x00\x06\x04\x00\x01", 8, 0);
    CHECK_EQ(dispatch_cut(DLT_EN10MB, f.b, f.len), 0);
}

int main(void)
{
    test_event_table();
    test_linktypes();
    test_ethernet();
    test_vlan();
    test_mpls();
    test_pppoe();
    test_sll();
    test_null();
    test_raw();
    test_ppp();
    test_chdlc();
    test_ipv4();
    test_ipv4_options();
    test_ipv6();
    test_ipv6_exthdrs();
    test_event_overflow();
    test_tcp();
    test_udp();
    test_icmpv4();
    test_icmpv6();
    test_gre();
    test_erspan();
    test_vxlan();
    test_gtp();
    test_ipip();
    test_routing_final_dst();
    test_layer_cap();
    test_checksums();
    test_checksum_reference();
    test_dispatch();
    return test_done("decode");
}
