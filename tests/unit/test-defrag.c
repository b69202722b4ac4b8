/* Unit tests of IPv4 and IPv6 reassembly (sensor/decode/defrag.c), driven through
 * decode_packet() as the worker drives it: a struct decode_thread that owns a defrag.
 *
 * Overlap policies are checked against the test vector of Novak, "Target-Based
 * Fragmentation Reassembly" (2005), as Sturges and Suricata use it: 9 original fragments
 * and 8 overlapping ones, whose reassembled bytes differ per target policy. */
#include <pcap/dlt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "decode/decode-checksum.h"
#include "decode/decode.h"
#include "decode/defrag.h"
#include "test.h"

static const uint8_t S4[4] = { 192, 0, 2, 1 };
static const uint8_t D4[4] = { 198, 51, 100, 2 };
static const uint8_t S6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t D6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 0x02 };

#define PROTO_TEST 253 /* RFC 3692 experimental: decoded as "other", payload = data */
#define MAX_FRAME (70 * 1024)

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

/* ---------------------------------------------------------------------------------- */
/* Fragments                                                                          */
/* ---------------------------------------------------------------------------------- */

/* How a fragment is framed. */
struct fspec {
    uint32_t id;
    uint8_t proto;      /* IPv4 protocol, or the fragment header's Next Header */
    uint32_t offset;    /* bytes, a multiple of 8 */
    bool more;
    uint16_t vlan;      /* 0: untagged */
    uint32_t ip_opts;   /* IPv4: bytes of NOP options (a multiple of 4) */
    bool hop;           /* IPv6: a hop-by-hop header before the fragment header */
};

static uint32_t frame_eth(uint8_t *out, uint16_t vlan, uint16_t type)
{
    static const uint8_t macs[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
    memcpy(out, macs, 12);
    if (vlan == 0) {
        put16(out + 12, type);
        return 14;
    }
    put16(out + 12, 0x8100);
    put16(out + 14, vlan);
    put16(out + 16, type);
    return 18;
}

/* An Ethernet frame holding an IPv4 fragment that carries 'data'. Returns its length. */
static uint32_t mk_frag4(uint8_t *out, const struct fspec *s, const uint8_t *data, uint32_t len)
{
    uint32_t l2 = frame_eth(out, s->vlan, 0x0800);
    uint8_t *ip = out + l2;
    uint32_t hl = 20 + s->ip_opts;
    memset(ip, 0, 20);
    memset(ip + 20, 1, s->ip_opts); /* NOPs */
    ip[0] = (uint8_t)(0x40 | hl / 4);
    put16(ip + 2, (uint16_t)(hl + len));
    put16(ip + 4, (uint16_t)s->id);
    put16(ip + 6, (uint16_t)((s->more ? 0x2000 : 0) | s->offset / 8));
    ip[8] = 64;
    ip[9] = s->proto;
    memcpy(ip + 12, S4, 4);
    memcpy(ip + 16, D4, 4);
    uint16_t sum = csum_compute(ip, hl);
    memcpy(ip + 10, &sum, 2);
    memcpy(ip + hl, data, len);
    return l2 + hl + len;
}

/* An Ethernet frame holding an IPv6 fragment that carries 'data'. */
static uint32_t mk_frag6(uint8_t *out, const struct fspec *s, const uint8_t *data, uint32_t len)
{
    uint32_t l2 = frame_eth(out, s->vlan, 0x86dd);
    uint8_t *ip = out + l2;
    uint32_t ext = s->hop ? 16 : 8;
    memset(ip, 0, 40 + ext);
    put32(ip, 0x60000000);
    put16(ip + 4, (uint16_t)(ext + len));
    ip[6] = s->hop ? 0 : 44;
    ip[7] = 64;
    memcpy(ip + 8, S6, 16);
    memcpy(ip + 24, D6, 16);
    uint8_t *fh = ip + 40;
    if (s->hop) {
        fh[0] = 44; /* hop-by-hop: PadN of 4 */
        fh[2] = 1;
        fh[3] = 4;
        fh += 8;
    }
    fh[0] = s->proto;
    put16(fh + 2, (uint16_t)(s->offset | (s->more ? 1 : 0)));
    put32(fh + 4, s->id);
    memcpy(fh + 8, data, len);
    return l2 + 40 + ext + len;
}

/* ---------------------------------------------------------------------------------- */
/* Decoding                                                                           */
/* ---------------------------------------------------------------------------------- */

struct ctx {
    struct decode_thread dt;
    struct packet p;
    uint8_t *buf; /* the frame, exactly caplen bytes */
    uint8_t frame[MAX_FRAME];
    int rc;
};

static struct defrag_conf conf_default(int policy)
{
    struct defrag_conf c = {
        .memcap = 32u << 20,
        .timeout_us = 60000000,
        .max_frags = 256,
        .max_trackers = 65536,
        .policy = policy,
    };
    return c;
}

static struct ctx *ctx_new(const struct defrag_conf *conf)
{
    char errbuf[CANH_ERRBUF_SIZE];
    struct ctx *c = calloc(1, sizeof(*c));
    if (c == NULL)
        abort();
    c->dt.max_layers = 16;
    c->dt.verify_checksums = true;
    c->dt.defrag = defrag_new(conf, errbuf);
    if (c->dt.defrag == NULL) {
        fprintf(stderr, "defrag_new: %s\n", errbuf);
        abort();
    }
    return c;
}

static void ctx_free(struct ctx *c)
{
    if (c == NULL)
        return;
    defrag_free(c->dt.defrag);
    free(c->buf);
    free(c);
}

static const struct defrag_stats *dstats(const struct ctx *c)
{
    return defrag_stats(c->dt.defrag);
}

/* Decodes c->frame[0..caplen) as a frame of wirelen bytes captured at ts_us. */
static int decode_at(struct ctx *c, uint32_t caplen, uint32_t wirelen, uint64_t ts_us)
{
    free(c->buf);
    c->buf = malloc(caplen);
    if (c->buf == NULL)
        abort();
    memcpy(c->buf, c->frame, caplen);
    memset(&c->p, 0, sizeof(c->p));
    c->p.ts_us = ts_us;
    c->p.data = c->buf;
    c->p.caplen = caplen;
    c->p.wirelen = wirelen;
    c->p.linktype = DLT_EN10MB;
    c->rc = decode_packet(&c->dt, &c->p);
    return c->rc;
}

static int send4(struct ctx *c, const struct fspec *s, const uint8_t *data, uint32_t len)
{
    uint32_t n = mk_frag4(c->frame, s, data, len);
    return decode_at(c, n, n, 1000000);
}

static int send6(struct ctx *c, const struct fspec *s, const uint8_t *data, uint32_t len)
{
    uint32_t n = mk_frag6(c->frame, s, data, len);
    return decode_at(c, n, n, 1000000);
}

static int sendv(struct ctx *c, int ipver, const struct fspec *s, const uint8_t *data, uint32_t len)
{
    return ipver == 4 ? send4(c, s, data, len) : send6(c, s, data, len);
}

/* Sends [off, off+len) of 'dgram' as one fragment. */
static int send_part(struct ctx *c, int ipver, struct fspec s, const uint8_t *dgram,
                     uint32_t total, uint32_t off, uint32_t len)
{
    s.offset = off;
    s.more = off + len < total;
    return sendv(c, ipver, &s, dgram + off, len);
}

static bool has_ev(const struct packet *p, int ev)
{
    for (unsigned i = 0; i < p->nevents; i++)
        if (p->events[i] == ev)
            return true;
    return false;
}

static void check_ev(const struct ctx *c, int ev, bool only, const char *file, int line)
{
    test_checks++;
    if (has_ev(&c->p, ev) && (!only || c->p.nevents == 1))
        return;
    test_failures++;
    fprintf(stderr, "%s:%d: event %s %s (rc %d); events:", file, line, decode_event_name(ev),
            has_ev(&c->p, ev) ? "not the only one" : "not raised", c->rc);
    for (unsigned i = 0; i < c->p.nevents; i++)
        fprintf(stderr, " %s", decode_event_name(c->p.events[i]));
    fprintf(stderr, "\n");
}

#define CHECK_EV(c, ev) check_ev((c), (ev), false, __FILE__, __LINE__)
#define CHECK_ONLY_EV(c, ev) check_ev((c), (ev), true, __FILE__, __LINE__)
/* A fragment held back quietly. */
#define CHECK_HELD(c)                                                                        \
    do {                                                                                     \
        CHECK_EQ((c)->rc, CANH_AGAIN);                                                       \
        CHECK_EQ((c)->p.nevents, 0);                                                         \
        CHECK((c)->p.flags & PKT_FRAGMENT);                                                  \
    } while (0)

/* ---------------------------------------------------------------------------------- */
/* Datagrams                                                                          */
/* ---------------------------------------------------------------------------------- */

#define UDP_DATA 64

/* A UDP datagram (1111 -> 2222, 64 bytes of payload) with its checksum for the IPv4 or
 * IPv6 addresses above. Returns its length. */
static uint32_t mk_udp(uint8_t *out, int ipver)
{
    uint32_t len = 8 + UDP_DATA;
    put16(out, 1111);
    put16(out + 2, 2222);
    put16(out + 4, (uint16_t)len);
    out[6] = out[7] = 0;
    for (uint32_t i = 0; i < UDP_DATA; i++)
        out[8 + i] = (uint8_t)(i * 7 + 3);
    uint64_t sum = ipver == 4 ? csum_pseudo_ipv4(S4, D4, 17, len) : csum_pseudo_ipv6(S6, D6, 17, len);
    uint16_t c = csum_fold(csum_add(sum, out, len));
    memcpy(out + 6, &c, 2);
    return len;
}

/* A TCP segment (40000 -> 443, PSH|ACK, seq 123456) with 'plen' bytes of payload. */
static uint32_t mk_tcp(uint8_t *out, int ipver, uint32_t plen)
{
    uint32_t len = 20 + plen;
    memset(out, 0, 20);
    put16(out, 40000);
    put16(out + 2, 443);
    put32(out + 4, 123456);
    put32(out + 8, 654321);
    out[12] = 5 << 4;
    out[13] = TH_PSH | TH_ACK;
    put16(out + 14, 1000);
    for (uint32_t i = 0; i < plen; i++)
        out[20 + i] = (uint8_t)('a' + i % 26);
    uint64_t sum = ipver == 4 ? csum_pseudo_ipv4(S4, D4, 6, len) : csum_pseudo_ipv6(S6, D6, 6, len);
    uint16_t c = csum_fold(csum_add(sum, out, len));
    memcpy(out + 16, &c, 2);
    return len;
}

/* Checks a reassembled UDP datagram from mk_udp. */
static void check_udp(const struct ctx *c, const uint8_t *dgram, int ipver)
{
    CHECK_EQ(c->rc, CANH_OK);
    CHECK_EQ(c->p.nevents, 0);
    CHECK(c->p.flags & PKT_REASSEMBLED);
    CHECK_EQ(c->p.flags & (PKT_FRAGMENT | PKT_CSUM_BAD | PKT_INVALID), 0);
    CHECK_EQ(c->p.ipver, ipver);
    CHECK_EQ(c->p.proto, 17);
    CHECK_EQ(c->p.sport, 1111);
    CHECK_EQ(c->p.dport, 2222);
    CHECK_EQ(c->p.layers, 2);
    CHECK_EQ(c->p.ip_len, (ipver == 4 ? 20u : 40u) + 8 + UDP_DATA);
    CHECK_EQ(c->p.payload_len, UDP_DATA);
    CHECK(c->p.payload != NULL && memcmp(c->p.payload, dgram + 8, UDP_DATA) == 0);
    if (ipver == 4 && c->p.ip != NULL) {
        CHECK_EQ(c->p.ip[2] << 8 | c->p.ip[3], 20 + 8 + UDP_DATA);
        CHECK_EQ(c->p.ip[6] & 0x3f, 0); /* MF and offset cleared */
        CHECK_EQ(c->p.ip[7], 0);
    }
    if (ipver == 6 && c->p.ip != NULL) {
        CHECK_EQ(c->p.ip[4] << 8 | c->p.ip[5], 8 + UDP_DATA);
        CHECK_EQ(c->p.ip[6], 17);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Tests                                                                              */
/* ---------------------------------------------------------------------------------- */

static void test_in_order(int ipver)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    struct ctx *c = ctx_new(&conf);
    uint8_t dgram[128];
    uint32_t total = mk_udp(dgram, ipver);
    struct fspec s = { .id = 7, .proto = 17 };

    send_part(c, ipver, s, dgram, total, 0, 24);
    CHECK_HELD(c);
    CHECK_EQ(c->p.sport, 0);
    send_part(c, ipver, s, dgram, total, 24, 24);
    CHECK_HELD(c);
    CHECK_EQ(dstats(c)->trackers, 1);
    CHECK(dstats(c)->memuse > 48);
    send_part(c, ipver, s, dgram, total, 48, 24);
    check_udp(c, dgram, ipver);

    const struct defrag_stats *st = dstats(c);
    CHECK_EQ(st->fragments, 3);
    CHECK_EQ(st->reassembled, 1);
    CHECK_EQ(st->overlaps, 0);
    CHECK_EQ(st->trackers, 1); /* kept, without data, to recognise late copies */
    CHECK_EQ(ipver == 4 ? c->dt.stats.frag_ipv4 : c->dt.stats.frag_ipv6, 3);
    CHECK_EQ(ipver == 4 ? c->dt.stats.reassembled_ipv4 : c->dt.stats.reassembled_ipv6, 1);
    CHECK_EQ(c->dt.stats.udp, 1);
    uint64_t done_mem = st->memuse;

    /* A late copy of a fragment of the completed datagram. */
    send_part(c, ipver, s, dgram, total, 24, 24);
    CHECK_EQ(c->rc, CANH_ERR);
    CHECK_ONLY_EV(c, ipver == 4 ? DECODE_EV_IPV4_FRAG_IGNORED : DECODE_EV_IPV6_FRAG_IGNORED);
    CHECK_EQ(st->ignored, 1);
    CHECK_EQ(st->memuse, done_mem);

    /* After the timeout the tracker goes (not counted as a timeout: it completed), and a
     * fragment with the same id starts a new datagram. */
    defrag_timeout(c->dt.defrag, 1000000 + conf.timeout_us + 1);
    CHECK_EQ(st->trackers, 0);
    CHECK_EQ(st->memuse, 0);
    CHECK_EQ(st->timeouts, 0);
    send_part(c, ipver, s, dgram, total, 24, 24);
    CHECK_HELD(c);
    ctx_free(c);
}

static void test_out_of_order(int ipver)
{
    static const int perms[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
                                     { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    struct ctx *c = ctx_new(&conf);
    uint8_t dgram[128];
    uint32_t total = mk_udp(dgram, ipver);
    for (int i = 0; i < 6; i++) {
        struct fspec s = { .id = 100 + (uint32_t)i, .proto = 17 };
        for (int j = 0; j < 3; j++) {
            send_part(c, ipver, s, dgram, total, (uint32_t)perms[i][j] * 24, 24);
            if (j < 2)
                CHECK_HELD(c);
        }
        check_udp(c, dgram, ipver);
    }
    CHECK_EQ(dstats(c)->reassembled, 6);
    CHECK_EQ(dstats(c)->overlaps, 0);

    /* Uneven pieces, the last first. */
    struct fspec s = { .id = 200, .proto = 17 };
    send_part(c, ipver, s, dgram, total, 64, 8);
    send_part(c, ipver, s, dgram, total, 8, 56);
    CHECK_HELD(c);
    send_part(c, ipver, s, dgram, total, 0, 8);
    check_udp(c, dgram, ipver);
    ctx_free(c);
}

static void test_duplicates(int ipver)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    struct ctx *c = ctx_new(&conf);
    uint8_t dgram[128];
    uint32_t total = mk_udp(dgram, ipver);
    struct fspec s = { .id = 9, .proto = 17 };

    send_part(c, ipver, s, dgram, total, 0, 24);
    send_part(c, ipver, s, dgram, total, 0, 24);
    CHECK_HELD(c);
    send_part(c, ipver, s, dgram, total, 48, 24);
    send_part(c, ipver, s, dgram, total, 48, 24);
    CHECK_HELD(c);
    send_part(c, ipver, s, dgram, total, 24, 24);
    check_udp(c, dgram, ipver);
    CHECK_EQ(dstats(c)->overlaps, 0);
    CHECK_EQ(dstats(c)->fragments, 5);
    ctx_free(c);
}

/* Novak's test vector: fragment letter, offset, length, and the bytes each policy keeps
 * (from Suricata's DefragSturgesNovak tests). */
static const struct { char ch; uint32_t off, len; } novak[] = {
    /* originals */
    { 'A', 0, 24 },   { 'B', 32, 16 },  { 'C', 48, 24 },  { 'D', 80, 8 },   { 'E', 104, 16 },
    { 'F', 120, 24 }, { 'G', 144, 16 }, { 'H', 160, 16 }, { 'I', 176, 8 },
    /* overlapping, sent afterwards */
    { 'J', 8, 32 },   { 'K', 48, 24 },  { 'L', 72, 24 },  { 'M', 96, 24 },  { 'N', 128, 8 },
    { 'O', 152, 8 },  { 'P', 160, 8 },  { 'Q', 176, 16 }, /* Q is the last fragment */
};
#define NOVAK_TOTAL 192

static const char *const novak_expect[4] = {
    [DEFRAG_POLICY_BSD] = "AAAAAAAAAAAAAAAAAAAAAAAAJJJJJJJJJJJJJJJJBBBBBBBBCCCCCCCCCCCCCCCCCCCCCCCC"
                          "LLLLLLLLLLLLLLLLLLLLLLLLMMMMMMMMMMMMMMMMMMMMMMMMFFFFFFFFFFFFFFFFFFFFFFFF"
                          "GGGGGGGGGGGGGGGGHHHHHHHHHHHHHHHHIIIIIIIIQQQQQQQQ",
    [DEFRAG_POLICY_LINUX] = "AAAAAAAAAAAAAAAAAAAAAAAAJJJJJJJJJJJJJJJJBBBBBBBBKKKKKKKKKKKKKKKKKKKKKKKK"
                            "LLLLLLLLLLLLLLLLLLLLLLLLMMMMMMMMMMMMMMMMMMMMMMMMFFFFFFFFFFFFFFFFFFFFFFFF"
                            "GGGGGGGGGGGGGGGGPPPPPPPPHHHHHHHHQQQQQQQQQQQQQQQQ",
    [DEFRAG_POLICY_FIRST] = "AAAAAAAAAAAAAAAAAAAAAAAAJJJJJJJJBBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCCCCCCCCC"
                            "LLLLLLLLDDDDDDDDLLLLLLLLMMMMMMMMEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFFFFFFFFF"
                            "GGGGGGGGGGGGGGGGHHHHHHHHHHHHHHHHIIIIIIIIQQQQQQQQ",
    [DEFRAG_POLICY_LAST] = "AAAAAAAAJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJBBBBBBBBKKKKKKKKKKKKKKKKKKKKKKKK"
                           "LLLLLLLLLLLLLLLLLLLLLLLLMMMMMMMMMMMMMMMMMMMMMMMMFFFFFFFFNNNNNNNNFFFFFFFF"
                           "GGGGGGGGOOOOOOOOPPPPPPPPHHHHHHHHQQQQQQQQQQQQQQQQ",
};

static void test_policies(int ipver)
{
    static const char *const names[4] = { "bsd", "linux", "first", "last" };
    for (int policy = 0; policy < 4; policy++) {
        struct defrag_conf conf = conf_default(policy);
        struct ctx *c = ctx_new(&conf);
        struct fspec s = { .id = 0x4242, .proto = PROTO_TEST };
        unsigned overlap_events = 0, held = 0;
        for (size_t i = 0; i < ARRAY_SIZE(novak); i++) {
            uint8_t data[64];
            memset(data, novak[i].ch, novak[i].len);
            s.offset = novak[i].off;
            s.more = novak[i].ch != 'Q';
            sendv(c, ipver, &s, data, novak[i].len);
            if (has_ev(&c->p, ipver == 4 ? DECODE_EV_IPV4_FRAG_OVERLAP : DECODE_EV_IPV6_FRAG_OVERLAP))
                overlap_events++;
            if (i + 1 < ARRAY_SIZE(novak) && c->rc == CANH_AGAIN)
                held++;
        }
        CHECK_EQ(held, ARRAY_SIZE(novak) - 1);
        CHECK_EQ(overlap_events, 8); /* J to Q each overlap an original */
        CHECK_EQ(dstats(c)->overlaps, 8);
        CHECK_EQ(c->rc, CANH_OK);
        CHECK(c->p.flags & PKT_REASSEMBLED);
        CHECK_EQ(c->p.proto, PROTO_TEST);
        CHECK_EQ(c->p.payload_len, NOVAK_TOTAL);
        bool same = c->p.payload != NULL &&
                    memcmp(c->p.payload, novak_expect[policy], NOVAK_TOTAL) == 0;
        CHECK(same);
        if (!same && c->p.payload != NULL)
            fprintf(stderr, "  policy %s, IPv%d: got %.*s\n", names[policy], ipver,
                    (int)c->p.payload_len, (const char *)c->p.payload);
        ctx_free(c);
    }
}

/* Overlaps that do not come from the test vector's shape. */
static void test_overlap_edges(int ipver)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_FIRST);
    struct ctx *c = ctx_new(&conf);
    int ev_overlap = ipver == 4 ? DECODE_EV_IPV4_FRAG_OVERLAP : DECODE_EV_IPV6_FRAG_OVERLAP;
    uint8_t a[64], b[8];
    memset(a, 'a', sizeof(a));
    memset(b, 'b', sizeof(b));

    /* A long fragment, a short one inside it, then one after the short one's end that
     * still lies inside the long one: both later fragments overlap it. */
    struct fspec s = { .id = 1, .proto = PROTO_TEST, .more = true };
    s.offset = 0;
    sendv(c, ipver, &s, a, 64);
    s.offset = 8;
    sendv(c, ipver, &s, b, 8);
    CHECK_ONLY_EV(c, ev_overlap);
    s.offset = 24;
    sendv(c, ipver, &s, b, 8);
    CHECK_ONLY_EV(c, ev_overlap);
    CHECK_EQ(dstats(c)->overlaps, 2);

    /* The last fragment says the datagram ends at 16, but bytes past that were sent:
     * the datagram's length is contradicted. */
    s = (struct fspec){ .id = 2, .proto = PROTO_TEST, .more = true };
    s.offset = 0;
    sendv(c, ipver, &s, b, 8);
    s.offset = 24;
    sendv(c, ipver, &s, b, 8);
    CHECK_HELD(c);
    s.offset = 8;
    s.more = false;
    sendv(c, ipver, &s, b, 8);
    CHECK_EV(c, ev_overlap);
    CHECK_EQ(dstats(c)->overlaps, 3);
    CHECK_EQ(c->rc, CANH_OK); /* the last fragment decides: 16 bytes */
    CHECK_EQ(c->p.payload_len, 16);

    /* Data beyond a known end, and a second, different end. */
    s = (struct fspec){ .id = 3, .proto = PROTO_TEST, .offset = 16, .more = false };
    sendv(c, ipver, &s, b, 8);
    CHECK_HELD(c);
    s.offset = 24;
    s.more = true;
    sendv(c, ipver, &s, b, 8);
    CHECK_EQ(c->rc, CANH_ERR);
    CHECK_ONLY_EV(c, ev_overlap);
    s.offset = 8;
    s.more = false;
    sendv(c, ipver, &s, b, 8);
    CHECK_EQ(c->rc, CANH_ERR);
    CHECK_ONLY_EV(c, ev_overlap);
    /* The datagram still completes with the consistent pieces. */
    s.offset = 0;
    s.more = true;
    sendv(c, ipver, &s, a, 16);
    CHECK_EQ(c->rc, CANH_OK);
    CHECK_EQ(c->p.payload_len, 24);
    CHECK(c->p.payload != NULL && memcmp(c->p.payload, "aaaaaaaaaaaaaaaabbbbbbbb", 24) == 0);
    ctx_free(c);
}

static void test_too_many(int ipver)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    conf.max_frags = 4;
    struct ctx *c = ctx_new(&conf);
    uint8_t data[8] = { 0 };
    struct fspec s = { .id = 5, .proto = PROTO_TEST, .more = true };
    for (uint32_t i = 0; i < 4; i++) {
        s.offset = 16 * i;
        sendv(c, ipver, &s, data, 8);
        CHECK_HELD(c);
    }
    s.offset = 64;
    sendv(c, ipver, &s, data, 8);
    CHECK_EQ(c->rc, CANH_ERR);
    CHECK_ONLY_EV(c, ipver == 4 ? DECODE_EV_IPV4_FRAG_TOO_MANY : DECODE_EV_IPV6_FRAG_TOO_MANY);
    CHECK_EQ(dstats(c)->too_many, 1);
    CHECK_EQ(dstats(c)->trackers, 0);
    CHECK_EQ(dstats(c)->memuse, 0);

    /* Exactly max_frags fragments complete. */
    uint8_t dgram[128];
    uint32_t total = mk_udp(dgram, ipver);
    struct fspec u = { .id = 6, .proto = 17 };
    for (uint32_t off = 0; off < total; off += 24)
        send_part(c, ipver, u, dgram, total, off, 24);
    check_udp(c, dgram, ipver);
    ctx_free(c);
}

static void test_too_large(void)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    struct ctx *c = ctx_new(&conf);
    uint8_t *big = calloc(1, 65536);

    /* IPv4: data may end at 65535 - 20 at most. */
    struct fspec s = { .id = 1, .proto = PROTO_TEST, .offset = 65512, .more = false };
    send4(c, &s, big, 24);
    CHECK_EQ(c->rc, CANH_ERR);
    CHECK_ONLY_EV(c, DECODE_EV_IPV4_FRAG_PKT_TOO_LARGE);
    s.offset = 65512 - 8;
    send4(c, &s, big, 8);
    CHECK_HELD(c);

    /* IPv4 with a 60-byte header on the first fragment: each fragment fits, but the
     * datagram (60 + 65480 bytes) does not. */
    s = (struct fspec){ .id = 2, .proto = PROTO_TEST, .offset = 32768, .more = false };
    send4(c, &s, big, 65480 - 32768);
    CHECK_HELD(c);
    s = (struct fspec){ .id = 2, .proto = PROTO_TEST, .more = true, .ip_opts = 40 };
    send4(c, &s, big, 32768);
    CHECK_EQ(c->rc, CANH_ERR);
    CHECK_ONLY_EV(c, DECODE_EV_IPV4_FRAG_PKT_TOO_LARGE);

    /* IPv6: the fragmentable part may end at 65535. */
    s = (struct fspec){ .id = 3, .proto = PROTO_TEST, .offset = 65520, .more = false };
    send6(c, &s, big, 16);
    CHECK_EQ(c->rc, CANH_ERR);
    CHECK_ONLY_EV(c, DECODE_EV_IPV6_FRAG_PKT_TOO_LARGE);
    /* ... and with the unfragmentable part the payload may not pass 65535 either. */
    s = (struct fspec){ .id = 4, .proto = PROTO_TEST, .offset = 65520, .hop = true };
    send6(c, &s, big, 8);
    CHECK_HELD(c);
    s.offset = 32768;
    s.more = true;
    send6(c, &s, big, 65520 - 32768);
    CHECK_HELD(c);
    s.offset = 0;
    send6(c, &s, big, 32768);
    CHECK_EQ(c->rc, CANH_ERR);
    CHECK_ONLY_EV(c, DECODE_EV_IPV6_FRAG_PKT_TOO_LARGE);
    CHECK_EQ(dstats(c)->reassembled, 0);

    /* The largest datagram that fits reassembles. */
    s = (struct fspec){ .id = 5, .proto = PROTO_TEST, .offset = 65504, .more = false };
    for (uint32_t i = 0; i < 65535; i++)
        big[i] = (uint8_t)(i >> 8 ^ i);
    send6(c, &s, big + 65504, 31);
    s.offset = 32768;
    s.more = true;
    send6(c, &s, big + 32768, 65504 - 32768);
    s.offset = 0;
    send6(c, &s, big, 32768);
    CHECK_EQ(c->rc, CANH_OK);
    CHECK_EQ(c->p.payload_len, 65535);
    CHECK(c->p.payload != NULL && memcmp(c->p.payload, big, 65535) == 0);
    free(big);
    ctx_free(c);
}

static void test_ipv6_length(void)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    struct ctx *c = ctx_new(&conf);
    uint8_t data[16] = { 0 };
    struct fspec s = { .id = 1, .proto = PROTO_TEST, .more = true };
    send6(c, &s, data, 12);
    CHECK_EQ(c->rc, CANH_ERR);
    CHECK_ONLY_EV(c, DECODE_EV_IPV6_FRAG_INVALID_LENGTH);
    CHECK_EQ(dstats(c)->fragments, 0);
    /* The last fragment may have any length. */
    s.more = false;
    s.offset = 8;
    send6(c, &s, data, 13);
    CHECK_HELD(c);
    s.more = true;
    s.offset = 0;
    send6(c, &s, data, 8);
    CHECK_EQ(c->rc, CANH_OK);
    CHECK_EQ(c->p.payload_len, 21);
    ctx_free(c);
}

static void test_memcap(int ipver)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    conf.memcap = 4096;
    struct ctx *c = ctx_new(&conf);
    const struct defrag_stats *st = dstats(c);
    uint8_t data[8192];
    memset(data, 'x', sizeof(data));

    /* First halves of datagrams 1..6, 1000 bytes each: the oldest make way. */
    for (uint32_t id = 1; id <= 6; id++) {
        struct fspec s = { .id = id, .proto = PROTO_TEST, .more = true };
        sendv(c, ipver, &s, data, 1000);
        CHECK_HELD(c);
        CHECK(st->memuse <= conf.memcap);
    }
    CHECK(st->memcap_evicted >= 3);
    CHECK(st->trackers <= 3);
    CHECK_EQ(st->trackers + st->memcap_evicted, 6);
    uint64_t evicted = st->memcap_evicted;

    /* Datagram 1 was evicted: its second half starts over; datagram 6 completes. */
    struct fspec s = { .id = 6, .proto = PROTO_TEST, .offset = 1000, .more = false };
    sendv(c, ipver, &s, data, 10);
    CHECK_EQ(c->rc, CANH_OK);
    CHECK_EQ(c->p.payload_len, 1010);
    s.id = 1;
    sendv(c, ipver, &s, data, 10);
    CHECK_HELD(c);
    CHECK(st->memcap_evicted >= evicted);

    /* A fragment bigger than the memcap is dropped even after evicting everything else. */
    s = (struct fspec){ .id = 99, .proto = PROTO_TEST, .more = true };
    sendv(c, ipver, &s, data, 8000);
    CHECK_EQ(c->rc, CANH_AGAIN);
    CHECK_EQ(st->memcap_drops, 1);
    CHECK(st->memuse <= conf.memcap);
    ctx_free(c);
}

static void test_tracker_cap(void)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    conf.max_trackers = 2;
    struct ctx *c = ctx_new(&conf);
    const struct defrag_stats *st = dstats(c);
    uint8_t dgram[128];
    uint32_t total = mk_udp(dgram, 4);
    for (uint32_t id = 1; id <= 3; id++) {
        struct fspec s = { .id = id, .proto = 17 };
        send_part(c, 4, s, dgram, total, 0, 24);
        send_part(c, 4, s, dgram, total, 24, 24);
        CHECK_HELD(c);
    }
    CHECK_EQ(st->trackers, 2);
    CHECK_EQ(st->memcap_evicted, 1);
    struct fspec s3 = { .id = 3, .proto = 17 };
    send_part(c, 4, s3, dgram, total, 48, 24);
    check_udp(c, dgram, 4);
    struct fspec s1 = { .id = 1, .proto = 17 };
    send_part(c, 4, s1, dgram, total, 48, 24);
    CHECK_HELD(c); /* datagram 1 was discarded: this starts it over */
    /* ... and makes the oldest, datagram 2, go. */
    CHECK_EQ(st->trackers, 2);
    CHECK_EQ(st->memcap_evicted, 2);
    ctx_free(c);
}

static void test_timeout(int ipver)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    conf.timeout_us = 1000000;
    struct ctx *c = ctx_new(&conf);
    const struct defrag_stats *st = dstats(c);
    uint8_t dgram[128];
    uint32_t total = mk_udp(dgram, ipver);

    /* The reassembly timer runs from the first fragment: a later one does not extend it. */
    struct fspec s = { .id = 11, .proto = 17, .more = true };
    uint32_t n = ipver == 4 ? mk_frag4(c->frame, &s, dgram, 24) : mk_frag6(c->frame, &s, dgram, 24);
    decode_at(c, n, n, 5000000);
    CHECK_HELD(c);
    s.offset = 24;
    n = ipver == 4 ? mk_frag4(c->frame, &s, dgram + 24, 24) : mk_frag6(c->frame, &s, dgram + 24, 24);
    decode_at(c, n, n, 5900000);
    CHECK_HELD(c);
    defrag_timeout(c->dt.defrag, 5999999);
    CHECK_EQ(st->trackers, 1);
    CHECK_EQ(st->timeouts, 0);
    defrag_timeout(c->dt.defrag, 6000001);
    CHECK_EQ(st->trackers, 0);
    CHECK_EQ(st->timeouts, 1);
    CHECK_EQ(st->memuse, 0);
    /* The last fragment alone starts over. */
    send_part(c, ipver, (struct fspec){ .id = 11, .proto = 17 }, dgram, total, 48, 24);
    CHECK_HELD(c);
    ctx_free(c);
}

/* The reassembled datagram decodes to the right transport fields, with a TCP checksum
 * that verifies: the rebuilt header and data are exactly the original datagram. */
static void test_l4_fields(int ipver, bool hop)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_LINUX);
    struct ctx *c = ctx_new(&conf);
    uint8_t seg[256];
    uint32_t total = mk_tcp(seg, ipver, 100);
    struct fspec s = { .id = 77, .proto = 6, .hop = hop };
    send_part(c, ipver, s, seg, total, 64, total - 64);
    send_part(c, ipver, s, seg, total, 0, 32);
    send_part(c, ipver, s, seg, total, 32, 32);
    CHECK_EQ(c->rc, CANH_OK);
    CHECK_EQ(c->p.nevents, 0);
    CHECK_EQ(c->p.flags & (PKT_CSUM_BAD | PKT_FRAGMENT), 0);
    CHECK(c->p.flags & PKT_REASSEMBLED);
    CHECK_EQ(c->p.proto, 6);
    CHECK_EQ(c->p.sport, 40000);
    CHECK_EQ(c->p.dport, 443);
    CHECK_EQ(c->p.tcp_seq, 123456);
    CHECK_EQ(c->p.tcp_ack, 654321);
    CHECK_EQ(c->p.tcp_flags, TH_PSH | TH_ACK);
    CHECK_EQ(c->p.payload_len, 100);
    CHECK(c->p.payload != NULL && memcmp(c->p.payload, seg + 20, 100) == 0);
    uint32_t hl = ipver == 4 ? 20 : hop ? 48 : 40;
    CHECK_EQ(c->p.ip_hlen, hl);
    CHECK_EQ(c->p.ip_len, hl + total);
    CHECK_EQ(c->p.l4_len, total);
    if (ipver == 4)
        CHECK(memcmp(c->p.src.b, S4, 4) == 0 && memcmp(c->p.dst.b, D4, 4) == 0);
    else
        CHECK(memcmp(c->p.src.b, S6, 16) == 0 && memcmp(c->p.dst.b, D6, 16) == 0);
    if (ipver == 6 && hop && c->p.ip != NULL)
        CHECK_EQ(c->p.ip[40], 6); /* the hop-by-hop header now names TCP */
    CHECK_EQ(c->dt.stats.tcp, 1);
    ctx_free(c);
}

/* Fragments that cannot be used: cut by the snaplen, or with a bad header checksum. */
static void test_unusable(void)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    struct ctx *c = ctx_new(&conf);
    uint8_t dgram[128];
    uint32_t total = mk_udp(dgram, 4);
    struct fspec s = { .id = 31, .proto = 17, .more = true };

    uint32_t n = mk_frag4(c->frame, &s, dgram, 24);
    decode_at(c, n - 4, n, 1000000);
    CHECK_HELD(c);
    CHECK_EQ(c->dt.stats.frag_truncated, 1);
    CHECK_EQ(dstats(c)->fragments, 0);

    struct fspec s6 = { .id = 31, .proto = 17, .more = true };
    n = mk_frag6(c->frame, &s6, dgram, 24);
    decode_at(c, n - 4, n, 1000000);
    CHECK_HELD(c);
    CHECK_EQ(c->dt.stats.frag_truncated, 2);
    CHECK_EQ(dstats(c)->fragments, 0);

    n = mk_frag4(c->frame, &s, dgram, 24);
    c->frame[14 + 10] ^= 0xff;
    decode_at(c, n, n, 1000000);
    CHECK_HELD(c);
    CHECK(c->p.flags & PKT_CSUM_BAD);
    CHECK_EQ(dstats(c)->fragments, 0);
    /* The good copy, and the rest. */
    send_part(c, 4, s, dgram, total, 0, 24);
    send_part(c, 4, s, dgram, total, 24, 48);
    check_udp(c, dgram, 4);
    ctx_free(c);
}

/* The same id and addresses on two VLANs are two datagrams. */
static void test_vlans(void)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    struct ctx *c = ctx_new(&conf);
    uint8_t dgram[128];
    uint32_t total = mk_udp(dgram, 4);
    struct fspec v10 = { .id = 1, .proto = 17, .vlan = 10 };
    struct fspec v20 = { .id = 1, .proto = 17, .vlan = 20 };
    send_part(c, 4, v10, dgram, total, 0, 24);
    send_part(c, 4, v20, dgram, total, 24, 48);
    CHECK_HELD(c);
    CHECK_EQ(dstats(c)->trackers, 2);
    send_part(c, 4, v10, dgram, total, 24, 48);
    CHECK_EQ(c->rc, CANH_OK);
    CHECK_EQ(c->p.vlan[0], 10);
    CHECK_EQ(c->p.sport, 1111);
    CHECK_EQ(c->p.layers, 3);
    /* IPv4 datagrams are also told apart by protocol. */
    struct fspec p6 = { .id = 1, .proto = 6, .vlan = 20 };
    send_part(c, 4, p6, dgram, total, 0, 24);
    CHECK_HELD(c);
    ctx_free(c);
}

/* A reassembled IPv6 datagram that is itself the first fragment of another, and so on
 * 'depth' times: each reassembly in one packet after the first costs a decoder layer, so
 * the nesting is bounded by decode.max-layers rather than by the number of trackers
 * (recursion, and a copy of the datagram, per level). */
static void test_nested(uint32_t depth, bool want_ok)
{
    struct defrag_conf conf = conf_default(DEFRAG_POLICY_BSD);
    struct ctx *c = ctx_new(&conf);
    uint8_t seg[64];
    uint32_t seglen = mk_tcp(seg, 6, 4);
    /* data[j]: the fragmentable part of datagram j. The innermost (depth) is the TCP
     * segment; datagram j < depth is a fragment header for datagram j+1 (offset 0, more)
     * followed by the first 8 bytes of data[j+1]. */
    uint8_t data[64][24];
    uint32_t len[64];
    memcpy(data[depth], seg, seglen);
    len[depth] = seglen;
    for (uint32_t j = depth; j-- > 0;) {
        uint8_t *fh = data[j];
        memset(fh, 0, 8);
        fh[0] = j + 1 == depth ? 6 : 44;
        put16(fh + 2, 1);
        put32(fh + 4, 1000 + j + 1);
        memcpy(data[j] + 8, data[j + 1], 8);
        len[j] = 16;
    }
    /* Hold the second part of datagrams 1..depth, then send datagram 0. */
    for (uint32_t j = 1; j <= depth; j++) {
        struct fspec s = { .id = 1000 + j, .proto = j == depth ? 6 : 44, .offset = 8 };
        send6(c, &s, data[j] + 8, len[j] - 8);
        CHECK_HELD(c);
    }
    struct fspec s0 = { .id = 1000, .proto = depth == 0 ? 6 : 44, .offset = 8 };
    send6(c, &s0, data[0] + 8, len[0] - 8);
    s0.offset = 0;
    s0.more = true;
    send6(c, &s0, data[0], 8);
    if (want_ok) {
        CHECK_EQ(c->rc, CANH_OK);
        CHECK_EQ(c->p.nevents, 0);
        CHECK_EQ(c->p.sport, 40000);
        CHECK_EQ(c->p.payload_len, 4);
        CHECK_EQ(dstats(c)->reassembled, depth + 1);
    } else {
        CHECK_EQ(c->rc, CANH_ERR);
        CHECK_ONLY_EV(c, DECODE_EV_DECODER_TOO_MANY_LAYERS);
        CHECK_EQ(c->p.sport, 0);
    }
    ctx_free(c);
}

int main(void)
{
    for (int v = 4; v <= 6; v += 2) {
        test_in_order(v);
        test_out_of_order(v);
        test_duplicates(v);
        test_policies(v);
        test_overlap_edges(v);
        test_too_many(v);
        test_memcap(v);
        test_timeout(v);
        test_l4_fields(v, false);
    }
    test_l4_fields(6, true);
    test_too_large();
    test_ipv6_length();
    test_tracker_cap();
    test_unusable();
    test_vlans();
    test_nested(1, true);
    test_nested(13, true);
    test_nested(40, false);
    return test_done("defrag");
}
