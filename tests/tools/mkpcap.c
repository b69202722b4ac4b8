/* mkpcap: writes the golden captures into a directory.
 *
 *   mkpcap OUTDIR
 *
 * Every packet is built here byte by byte from the specs (no capture library, no
 * randomness): timestamps start at 1700000000 (2023-11-14T22:13:20Z) and step 1 ms
 * unless a capture sets them, and every IPv4/TCP/UDP/ICMP/ICMPv6 checksum is correct
 * unless the packet is about a bad checksum. tests/golden/<case>.checks states, per
 * capture, what the sensor must report and why; the comments here say what each packet
 * is, so that the two can be read side by side.
 *
 * Addresses are from the documentation ranges: clients 192.0.2.0/24 and 2001:db8::/64,
 * DNS server 192.0.2.53 / 2001:db8::53, tunnel end points 203.0.113.1-2 and
 * 2001:db8:ffff::1-2. The usual probe is a DNS exchange: a query for
 * "golden.example" A (DNS message 32 bytes, UDP 40, IPv4 60, IPv6 80) and its answer
 * 198.51.100.80 (DNS 48, UDP 56, IPv4 76, IPv6 96). */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define T0_SEC 1700000000ull
#define FR_MAX 8192
#define FR_HEADROOM 4096

/* ---------------------------------------------------------------------------------- */
/* pcap files                                                                         */
/* ---------------------------------------------------------------------------------- */

enum {
    LT_NULL = 0,
    LT_EN10MB = 1,
    LT_PPP = 9,
    LT_RAW = 101,
    LT_C_HDLC = 104,
    LT_LOOP = 108,
    LT_LINUX_SLL = 113,
    LT_LINUX_SLL2 = 276,
};

struct cap {
    FILE *f;
    char path[PATH_MAX];
    uint64_t ts_us; /* time of the next packet, microseconds after T0 */
};

/* Generator state (one process, one thread). The running counters below (IP
 * identification, DNS id, GRE sequence numbers) restart with every capture, so that a
 * capture's bytes do not depend on the captures written before it. */
static const char *outdir;
static int failed;
static void counters_reset(void);

static void put_le32(FILE *f, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    if (fwrite(b, 1, 4, f) != 4)
        failed = 1;
}

static void put_le16(FILE *f, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    if (fwrite(b, 1, 2, f) != 2)
        failed = 1;
}

static void cap_open(struct cap *c, const char *name, uint32_t linktype)
{
    snprintf(c->path, sizeof(c->path), "%s/%s", outdir, name);
    c->f = fopen(c->path, "wb");
    if (c->f == NULL) {
        fprintf(stderr, "mkpcap: %s: %s\n", c->path, strerror(errno));
        exit(1);
    }
    c->ts_us = 0;
    counters_reset();
    /* libpcap file header, little-endian, microsecond timestamps */
    put_le32(c->f, 0xa1b2c3d4);
    put_le16(c->f, 2);
    put_le16(c->f, 4);
    put_le32(c->f, 0);
    put_le32(c->f, 0);
    put_le32(c->f, 65535);
    put_le32(c->f, linktype);
}

static void cap_close(struct cap *c)
{
    if (fclose(c->f) != 0 || failed) {
        fprintf(stderr, "mkpcap: %s: write failed\n", c->path);
        exit(1);
    }
}

/* Sets the time of the next packet: 'ms' milliseconds after T0. */
static void cap_at_ms(struct cap *c, uint64_t ms)
{
    c->ts_us = ms * 1000;
}

static void cap_at_us(struct cap *c, uint64_t us)
{
    c->ts_us = us;
}

/* Writes one record of 'caplen' bytes of a frame that was 'wirelen' long. */
static void cap_write(struct cap *c, const uint8_t *d, uint32_t caplen, uint32_t wirelen)
{
    uint64_t t = T0_SEC * 1000000 + c->ts_us;
    put_le32(c->f, (uint32_t)(t / 1000000));
    put_le32(c->f, (uint32_t)(t % 1000000));
    put_le32(c->f, caplen);
    put_le32(c->f, wirelen);
    if (caplen > 0 && fwrite(d, 1, caplen, c->f) != caplen)
        failed = 1;
    c->ts_us += 1000;
}

/* ---------------------------------------------------------------------------------- */
/* Frames: built from the inside out                                                  */
/* ---------------------------------------------------------------------------------- */

/* The payload is appended first; each header is then pushed in front of what is
 * there. 'et' and 'nh' name the content for the next header pushed: the ethertype (for
 * link, VLAN, GRE) and the IP protocol number (for IP headers). */
struct frame {
    uint8_t b[FR_MAX];
    uint32_t head, tail;
    uint16_t et;
    uint8_t nh;
};

static void fr_init(struct frame *fr)
{
    memset(fr, 0, sizeof(*fr));
    fr->head = fr->tail = FR_HEADROOM;
}

static uint8_t *fr_data(struct frame *fr)
{
    return fr->b + fr->head;
}

static uint32_t fr_len(const struct frame *fr)
{
    return fr->tail - fr->head;
}

static uint8_t *fr_push(struct frame *fr, uint32_t n)
{
    if (fr->head < n) {
        fprintf(stderr, "mkpcap: frame headroom exhausted\n");
        exit(1);
    }
    fr->head -= n;
    memset(fr->b + fr->head, 0, n);
    return fr->b + fr->head;
}

static uint8_t *fr_put(struct frame *fr, const void *d, uint32_t n)
{
    if (fr->tail + n > FR_MAX) {
        fprintf(stderr, "mkpcap: frame too long\n");
        exit(1);
    }
    uint8_t *p = fr->b + fr->tail;
    if (d != NULL)
        memcpy(p, d, n);
    else
        memset(p, 0, n);
    fr->tail += n;
    return p;
}

static void fr_str(struct frame *fr, const char *s)
{
    fr_put(fr, s, (uint32_t)strlen(s));
}

static void be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void fr_u8(struct frame *fr, uint8_t v)
{
    fr_put(fr, &v, 1);
}

static void fr_be16(struct frame *fr, uint16_t v)
{
    be16(fr_put(fr, NULL, 2), v);
}

static void fr_be32(struct frame *fr, uint32_t v)
{
    be32(fr_put(fr, NULL, 4), v);
}

static void emit(struct cap *c, struct frame *fr)
{
    cap_write(c, fr_data(fr), fr_len(fr), fr_len(fr));
}

/* Pads the frame with zeros to the Ethernet minimum of 60 bytes (without FCS). */
static void eth_pad(struct frame *fr)
{
    if (fr_len(fr) < 60)
        fr_put(fr, NULL, 60 - fr_len(fr));
}

/* ---------------------------------------------------------------------------------- */
/* Addresses and checksums                                                            */
/* ---------------------------------------------------------------------------------- */

struct ip {
    int v; /* 4 or 6 */
    uint8_t a[16];
};

static struct ip IP(const char *s)
{
    struct ip r;
    memset(&r, 0, sizeof(r));
    if (inet_pton(AF_INET, s, r.a) == 1) {
        r.v = 4;
    } else if (inet_pton(AF_INET6, s, r.a) == 1) {
        r.v = 6;
    } else {
        fprintf(stderr, "mkpcap: bad address %s\n", s);
        exit(1);
    }
    return r;
}

/* RFC 1071: sum of big-endian 16-bit words, an odd last byte padded with zero. */
static uint32_t sum16(uint32_t s, const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static uint32_t pseudo(const struct ip *src, const struct ip *dst, uint8_t proto, uint32_t len)
{
    uint32_t s = 0;
    int alen = src->v == 4 ? 4 : 16;
    s = sum16(s, src->a, (uint32_t)alen);
    s = sum16(s, dst->a, (uint32_t)alen);
    s += proto;
    s += len >> 16;
    s += len & 0xffff;
    return s;
}

enum csum { CS_OK, CS_BAD, CS_ZERO };

/* A wrong checksum: the right one with its low byte flipped (never zero here, since a
 * zero UDP checksum means "none"). */
static uint16_t csum_apply(uint16_t good, enum csum cs)
{
    if (cs == CS_ZERO)
        return 0;
    if (cs == CS_BAD)
        return (uint16_t)(good ^ 0x00ff) != 0 ? (uint16_t)(good ^ 0x00ff) : 0x1234;
    return good;
}

/* ---------------------------------------------------------------------------------- */
/* Transport headers                                                                  */
/* ---------------------------------------------------------------------------------- */

static void udp_push_cs(struct frame *fr, const struct ip *src, const struct ip *dst, uint16_t sp,
                        uint16_t dp, enum csum cs)
{
    uint32_t len = fr_len(fr) + 8;
    uint8_t *h = fr_push(fr, 8);
    be16(h, sp);
    be16(h + 2, dp);
    be16(h + 4, (uint16_t)len);
    uint16_t c = fold(sum16(pseudo(src, dst, 17, len), h, len));
    if (c == 0)
        c = 0xffff; /* RFC 768: a computed zero is sent as all ones */
    be16(h + 6, csum_apply(c, cs));
    fr->nh = 17;
}

static void udp_push(struct frame *fr, const struct ip *src, const struct ip *dst, uint16_t sp,
                     uint16_t dp)
{
    udp_push_cs(fr, src, dst, sp, dp, CS_OK);
}

struct tcp {
    uint16_t sp, dp;
    uint32_t seq, ack;
    uint8_t flags;
    const uint8_t *opt; /* a multiple of 4 bytes */
    uint8_t optlen;
};

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

static const uint8_t MSS1460[4] = { 2, 4, 0x05, 0xb4 }; /* MSS option, 1460 */

static void tcp_push_cs(struct frame *fr, const struct ip *src, const struct ip *dst,
                        const struct tcp *t, enum csum cs)
{
    uint32_t hl = 20u + t->optlen;
    uint32_t len = fr_len(fr) + hl;
    uint8_t *h = fr_push(fr, hl);
    be16(h, t->sp);
    be16(h + 2, t->dp);
    be32(h + 4, t->seq);
    be32(h + 8, t->ack);
    h[12] = (uint8_t)(hl / 4) << 4;
    h[13] = t->flags;
    be16(h + 14, 64240);
    if (t->optlen)
        memcpy(h + 20, t->opt, t->optlen);
    be16(h + 16, csum_apply(fold(sum16(pseudo(src, dst, 6, len), h, len)), cs));
    fr->nh = 6;
}

static void tcp_push(struct frame *fr, const struct ip *src, const struct ip *dst,
                     const struct tcp *t)
{
    tcp_push_cs(fr, src, dst, t, CS_OK);
}

/* ICMP (RFC 792): the frame holds the 4 "rest of header" bytes and the data. */
static void icmp4_push_cs(struct frame *fr, uint8_t type, uint8_t code, enum csum cs)
{
    uint8_t *h = fr_push(fr, 4);
    h[0] = type;
    h[1] = code;
    be16(h + 2, csum_apply(fold(sum16(0, h, fr_len(fr))), cs));
    fr->nh = 1;
}

static void icmp4_push(struct frame *fr, uint8_t type, uint8_t code)
{
    icmp4_push_cs(fr, type, code, CS_OK);
}

/* ICMPv6 (RFC 4443 2.3): checksum over the IPv6 pseudo-header too. */
static void icmp6_push_cs(struct frame *fr, const struct ip *src, const struct ip *dst,
                          uint8_t type, uint8_t code, enum csum cs)
{
    uint8_t *h = fr_push(fr, 4);
    h[0] = type;
    h[1] = code;
    uint32_t len = fr_len(fr);
    be16(h + 2, csum_apply(fold(sum16(pseudo(src, dst, 58, len), h, len)), cs));
    fr->nh = 58;
}

static void icmp6_push(struct frame *fr, const struct ip *src, const struct ip *dst, uint8_t type,
                       uint8_t code)
{
    icmp6_push_cs(fr, src, dst, type, code, CS_OK);
}

/* ---------------------------------------------------------------------------------- */
/* IP                                                                                 */
/* ---------------------------------------------------------------------------------- */

static uint16_t ip_id = 0x1000;

struct ip4opt {
    uint16_t id;        /* 0: the next of a running counter */
    uint16_t frag;      /* flags and offset field as on the wire */
    uint8_t ttl;        /* 0: 64 */
    const uint8_t *opt; /* options, a multiple of 4 bytes */
    uint8_t optlen;
    enum csum cs;
};

#define IP4_MF 0x2000

static void ip4_push_x(struct frame *fr, const struct ip *src, const struct ip *dst,
                       const struct ip4opt *o)
{
    uint32_t hl = 20u + o->optlen;
    uint32_t total = fr_len(fr) + hl;
    uint8_t *h = fr_push(fr, hl);
    h[0] = (uint8_t)(0x40 | hl / 4);
    be16(h + 2, (uint16_t)total);
    be16(h + 4, o->id ? o->id : ip_id++);
    be16(h + 6, o->frag);
    h[8] = o->ttl ? o->ttl : 64;
    h[9] = fr->nh;
    memcpy(h + 12, src->a, 4);
    memcpy(h + 16, dst->a, 4);
    if (o->optlen)
        memcpy(h + 20, o->opt, o->optlen);
    be16(h + 10, csum_apply(fold(sum16(0, h, hl)), o->cs));
    fr->et = 0x0800;
    fr->nh = 4;
}

static void ip6_push_hl(struct frame *fr, const struct ip *src, const struct ip *dst, uint8_t hlim)
{
    uint32_t plen = fr_len(fr);
    uint8_t *h = fr_push(fr, 40);
    h[0] = 0x60;
    be16(h + 4, (uint16_t)plen);
    h[6] = fr->nh;
    h[7] = hlim;
    memcpy(h + 8, src->a, 16);
    memcpy(h + 24, dst->a, 16);
    fr->et = 0x86dd;
    fr->nh = 41;
}

/* IPv4 or IPv6 by the address family, with default fields. */
static void ip_push(struct frame *fr, const struct ip *src, const struct ip *dst)
{
    if (src->v == 4) {
        struct ip4opt o = { 0 };
        ip4_push_x(fr, src, dst, &o);
    } else {
        ip6_push_hl(fr, src, dst, 64);
    }
}

/* An IPv6 extension header in the RFC 6564 format: next header, length byte, body.
 * The length byte counts 8-byte units after the first (4-byte units minus 2 for AH). */
static void ip6_ext_push(struct frame *fr, uint8_t type, const uint8_t *body, uint32_t blen)
{
    uint32_t total = blen + 2;
    uint8_t *h = fr_push(fr, total);
    h[0] = fr->nh;
    h[1] = (uint8_t)(type == 51 ? total / 4 - 2 : total / 8 - 1);
    memcpy(h + 2, body, blen);
    fr->nh = type;
}

/* IPv6 fragment header (RFC 8200 4.5); 'res' sets the reserved byte and bits. */
static void ip6_frag_push(struct frame *fr, uint32_t off, bool more, uint32_t id, uint8_t res8,
                          uint8_t res2)
{
    uint8_t *h = fr_push(fr, 8);
    h[0] = fr->nh;
    h[1] = res8;
    be16(h + 2, (uint16_t)(off | (uint32_t)(res2 & 3) << 1 | (more ? 1 : 0)));
    be32(h + 4, id);
    fr->nh = 44;
}

/* ---------------------------------------------------------------------------------- */
/* Link layers and encapsulations                                                     */
/* ---------------------------------------------------------------------------------- */

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static void eth_push(struct frame *fr)
{
    uint8_t *h = fr_push(fr, 14);
    memcpy(h, MAC_B, 6);
    memcpy(h + 6, MAC_A, 6);
    be16(h + 12, fr->et);
}

static void vlan_push(struct frame *fr, uint16_t tpid, uint16_t tci)
{
    uint8_t *h = fr_push(fr, 4);
    be16(h, tci);
    be16(h + 2, fr->et);
    fr->et = tpid;
}

static void mpls_push(struct frame *fr, uint32_t label, bool bottom)
{
    uint8_t *h = fr_push(fr, 4);
    be32(h, label << 12 | (bottom ? 0x100u : 0) | 64);
    fr->et = 0x8847;
}

static uint16_t ppp_proto_of(uint16_t et)
{
    return et == 0x0800 ? 0x0021 : et == 0x86dd ? 0x0057 : et;
}

static void pppoe_push(struct frame *fr, uint16_t session)
{
    uint16_t proto = ppp_proto_of(fr->et);
    uint16_t len = (uint16_t)(fr_len(fr) + 2);
    uint8_t *h = fr_push(fr, 8);
    h[0] = 0x11;
    h[1] = 0;
    be16(h + 2, session);
    be16(h + 4, len);
    be16(h + 6, proto);
    fr->et = 0x8864;
}

static void sll_push(struct frame *fr, uint16_t pkttype)
{
    uint8_t *h = fr_push(fr, 16);
    be16(h, pkttype);
    be16(h + 2, 1); /* ARPHRD_ETHER */
    be16(h + 4, 6);
    memcpy(h + 6, MAC_A, 6);
    be16(h + 14, fr->et);
}

static void sll2_push(struct frame *fr, uint8_t pkttype)
{
    uint8_t *h = fr_push(fr, 20);
    be16(h, fr->et);
    be32(h + 4, 2); /* ifindex */
    be16(h + 8, 1);
    h[10] = pkttype;
    h[11] = 6;
    memcpy(h + 12, MAC_A, 6);
}

/* BSD loopback header: the address family in little-endian (DLT_NULL written on a
 * little-endian host) or big-endian (DLT_LOOP, or DLT_NULL from a big-endian host). */
static void null_push(struct frame *fr, uint32_t family, bool big_endian)
{
    uint8_t *h = fr_push(fr, 4);
    if (big_endian) {
        be32(h, family);
    } else {
        h[0] = (uint8_t)family;
        h[1] = (uint8_t)(family >> 8);
        h[2] = (uint8_t)(family >> 16);
        h[3] = (uint8_t)(family >> 24);
    }
}

/* PPP in HDLC-like framing (RFC 1662): ff 03 and a 2-byte protocol; or, 'compressed',
 * no address/control and a 1-byte protocol (RFC 1661 6.5-6.6). */
static void ppp_push(struct frame *fr, bool compressed)
{
    uint16_t proto = ppp_proto_of(fr->et);
    if (compressed) {
        uint8_t *h = fr_push(fr, 1);
        h[0] = (uint8_t)proto;
    } else {
        uint8_t *h = fr_push(fr, 4);
        h[0] = 0xff;
        h[1] = 0x03;
        be16(h + 2, proto);
    }
}

static void chdlc_push(struct frame *fr, uint8_t addr)
{
    uint8_t *h = fr_push(fr, 4);
    h[0] = addr;
    h[1] = 0;
    be16(h + 2, fr->et);
}

#define GRE_C 0x8000
#define GRE_K 0x2000
#define GRE_S 0x1000

/* GRE version 0 (RFC 2784, RFC 2890): optional checksum, key and sequence number. */
static void gre_push(struct frame *fr, uint16_t flags, uint16_t proto, uint32_t key, uint32_t seq)
{
    uint32_t hl = 4 + ((flags & GRE_C) ? 4 : 0) + ((flags & GRE_K) ? 4 : 0) +
                  ((flags & GRE_S) ? 4 : 0);
    uint8_t *h = fr_push(fr, hl);
    be16(h, flags);
    be16(h + 2, proto);
    uint32_t o = 4;
    if (flags & GRE_C)
        o += 4; /* filled below */
    if (flags & GRE_K) {
        be32(h + o, key);
        o += 4;
    }
    if (flags & GRE_S)
        be32(h + o, seq);
    if (flags & GRE_C)
        be16(h + 4, fold(sum16(0, h, fr_len(fr))));
    fr->nh = 47;
}

/* ERSPAN type II header (8 bytes): ver 1, VLAN, COS, En, T, session; index. */
static void erspan2_push(struct frame *fr, uint16_t session, uint32_t index)
{
    uint8_t *h = fr_push(fr, 8);
    be16(h, 0x1000);
    be16(h + 2, (uint16_t)(0x0000 | (session & 0x3ff)));
    be32(h + 4, index & 0xfffff);
}

/* ERSPAN type III header (12 bytes, 20 with the platform-specific subheader). */
static void erspan3_push(struct frame *fr, uint16_t session, uint32_t timestamp, bool subheader)
{
    uint8_t *h = fr_push(fr, subheader ? 20 : 12);
    be16(h, 0x2000);
    be16(h + 2, (uint16_t)(session & 0x3ff));
    be32(h + 4, timestamp);
    be16(h + 8, 0);      /* SGT */
    h[10] = 0;           /* P, FT, HW id (high bits) */
    h[11] = subheader ? 0x01 : 0x00; /* ..., D, Gra, O */
    if (subheader) {
        be32(h + 12, 0x0a000001); /* platform id 1, switch id, ... (opaque here) */
        be32(h + 16, 0);
    }
}

static void vxlan_push(struct frame *fr, uint32_t vni)
{
    uint8_t *h = fr_push(fr, 8);
    h[0] = 0x08;
    be32(h + 4, vni << 8);
}

/* GTP-U (3GPP TS 29.281 5.1): 'opt' holds what follows the 8 mandatory bytes when E, S
 * or PN is set (sequence, N-PDU, next extension type, extension headers). */
static void gtpu_push(struct frame *fr, uint8_t flags, uint8_t type, uint32_t teid,
                      const uint8_t *opt, uint32_t optlen)
{
    uint32_t len = fr_len(fr) + optlen;
    uint8_t *h = fr_push(fr, 8 + optlen);
    h[0] = flags;
    h[1] = type;
    be16(h + 2, (uint16_t)len);
    be32(h + 4, teid);
    if (optlen)
        memcpy(h + 8, opt, optlen);
}

/* ---------------------------------------------------------------------------------- */
/* DNS probe                                                                          */
/* ---------------------------------------------------------------------------------- */

static const char DNS_NAME[] = "golden.example";

static void dns_name(struct frame *fr, const char *name)
{
    while (*name != '\0') {
        const char *dot = strchr(name, '.');
        size_t n = dot != NULL ? (size_t)(dot - name) : strlen(name);
        fr_u8(fr, (uint8_t)n);
        fr_put(fr, name, (uint32_t)n);
        name += n;
        if (*name == '.')
            name++;
    }
    fr_u8(fr, 0);
}

/* RFC 1035 4.1: a recursive query for 'name' A, or its answer (one A record,
 * 198.51.100.80, TTL 300, name compressed to the question). */
static void dns_msg(struct frame *fr, uint16_t id, const char *name, bool answer)
{
    fr_be16(fr, id);
    fr_be16(fr, answer ? 0x8180 : 0x0100);
    fr_be16(fr, 1);
    fr_be16(fr, answer ? 1 : 0);
    fr_be16(fr, 0);
    fr_be16(fr, 0);
    dns_name(fr, name);
    fr_be16(fr, 1);
    fr_be16(fr, 1);
    if (answer) {
        static const uint8_t rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x01, 0x2c, 0, 4,
                                      198, 51, 100, 80 };
        fr_put(fr, rr, sizeof(rr));
    }
}

typedef void (*wrap_fn)(struct frame *fr, bool reply, const void *arg);

static uint16_t dns_id = 0x4000;

/* The IP packet of a DNS query cli:cport -> srv:53 (reply false) or of its answer. */
static void dns_packet(struct frame *fr, const char *cli, const char *srv, uint16_t cport,
                       uint16_t id, bool reply)
{
    struct ip a = IP(cli), b = IP(srv);
    fr_init(fr);
    dns_msg(fr, id, DNS_NAME, reply);
    if (!reply) {
        udp_push(fr, &a, &b, cport, 53);
        ip_push(fr, &a, &b);
    } else {
        udp_push(fr, &b, &a, 53, cport);
        ip_push(fr, &b, &a);
    }
}

/* Writes a DNS query and its answer, each wrapped in the layers 'wrap' pushes. */
static void dns_exchange(struct cap *c, const char *cli, const char *srv, uint16_t cport,
                         wrap_fn wrap, const void *arg)
{
    struct frame fr;
    uint16_t id = dns_id++;
    for (int reply = 0; reply < 2; reply++) {
        dns_packet(&fr, cli, srv, cport, id, reply);
        if (wrap != NULL)
            wrap(&fr, reply, arg);
        emit(c, &fr);
    }
}

/* The common probes: IPv4 192.0.2.1:40001 and IPv6 [2001:db8::1]:40002 to the server. */
#define C4 "192.0.2.1"
#define S4 "192.0.2.53"
#define C6 "2001:db8::1"
#define S6 "2001:db8::53"

static void w_eth(struct frame *fr, bool reply, const void *arg)
{
    (void)reply;
    (void)arg;
    eth_push(fr);
}

/* ---------------------------------------------------------------------------------- */
/* Link layers                                                                        */
/* ---------------------------------------------------------------------------------- */

/* Ethernet II: DNS over IPv4 and IPv6; ARP and an 802.3/LLC frame (no IP, no event);
 * a UDP datagram padded to the 60-byte minimum (the padding is not UDP payload). */
static void cap_ethernet(void)
{
    struct cap c;
    struct frame fr;
    cap_open(&c, "ethernet.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_eth, NULL);
    dns_exchange(&c, C6, S6, 40002, w_eth, NULL);

    /* ARP request who-has 192.0.2.53 tell 192.0.2.1 (RFC 826) */
    static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 0, 2, 1,
                                     0, 0, 0, 0, 0, 0, 192, 0, 2, 53 };
    fr_init(&fr);
    fr_put(&fr, arp, sizeof(arp));
    fr.et = 0x0806;
    eth_push(&fr);
    emit(&c, &fr);

    /* IEEE 802.3 frame with LLC (STP configuration BPDU, 35 bytes + LLC 3) */
    fr_init(&fr);
    static const uint8_t llc[3] = { 0x42, 0x42, 0x03 };
    fr_put(&fr, llc, 3);
    fr_put(&fr, NULL, 35);
    fr.et = 38; /* a length, not a type */
    eth_push(&fr);
    emit(&c, &fr);

    /* UDP 192.0.2.1:40003 -> 192.0.2.9:9 with 4 bytes: 46 bytes, padded to 60 */
    struct ip a = IP(C4), b = IP("192.0.2.9");
    fr_init(&fr);
    fr_str(&fr, "pad!");
    udp_push(&fr, &a, &b, 40003, 9);
    ip_push(&fr, &a, &b);
    eth_push(&fr);
    eth_pad(&fr);
    emit(&c, &fr);
    cap_close(&c);
}

static void w_sll(struct frame *fr, bool reply, const void *arg)
{
    (void)arg;
    sll_push(fr, reply ? 0 : 4); /* outgoing query, incoming answer */
}

/* Linux cooked capture v1: DNS over IPv4 and IPv6; an 802.2 frame (protocol 4). */
static void cap_sll(void)
{
    struct cap c;
    struct frame fr;
    cap_open(&c, "sll.pcap", LT_LINUX_SLL);
    dns_exchange(&c, C4, S4, 40001, w_sll, NULL);
    dns_exchange(&c, C6, S6, 40002, w_sll, NULL);
    fr_init(&fr);
    fr_put(&fr, NULL, 20);
    fr.et = 0x0004;
    sll_push(&fr, 0);
    emit(&c, &fr);
    cap_close(&c);
}

static void w_sll2(struct frame *fr, bool reply, const void *arg)
{
    (void)arg;
    sll2_push(fr, reply ? 0 : 4);
}

/* Linux cooked capture v2: DNS over IPv4 and IPv6; a 10-byte record (too small). */
static void cap_sll2(void)
{
    struct cap c;
    cap_open(&c, "sll2.pcap", LT_LINUX_SLL2);
    dns_exchange(&c, C4, S4, 40001, w_sll2, NULL);
    dns_exchange(&c, C6, S6, 40002, w_sll2, NULL);
    static const uint8_t shortrec[10] = { 0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1 };
    cap_write(&c, shortrec, sizeof(shortrec), sizeof(shortrec));
    cap_close(&c);
}

struct null_arg {
    uint32_t family;
    bool big_endian;
};

static void w_null(struct frame *fr, bool reply, const void *arg)
{
    (void)reply;
    const struct null_arg *n = arg;
    null_push(fr, n->family, n->big_endian);
}

/* BSD loopback (DLT_NULL): IPv4 (AF_INET 2, little-endian), IPv6 as macOS writes it
 * (30, little-endian) and as a big-endian NetBSD/OpenBSD host writes it (24); family 7
 * is not an IP family (ltnull.unsupported_type). */
static void cap_null(void)
{
    struct cap c;
    struct frame fr;
    cap_open(&c, "null.pcap", LT_NULL);
    static const struct null_arg v4 = { 2, false }, v6mac = { 30, false }, v6bsd = { 24, true },
                                 bad = { 7, false };
    dns_exchange(&c, C4, S4, 40001, w_null, &v4);
    dns_exchange(&c, C6, S6, 40002, w_null, &v6mac);
    dns_exchange(&c, "2001:db8::2", S6, 40003, w_null, &v6bsd);
    dns_packet(&fr, "192.0.2.2", S4, 40004, 1, false);
    w_null(&fr, false, &bad);
    emit(&c, &fr);
    cap_close(&c);
}

/* OpenBSD loopback (DLT_LOOP): the family in network order; IPv4 and IPv6 (28, FreeBSD). */
static void cap_loop(void)
{
    struct cap c;
    cap_open(&c, "loop.pcap", LT_LOOP);
    static const struct null_arg v4 = { 2, true }, v6 = { 28, true };
    dns_exchange(&c, C4, S4, 40001, w_null, &v4);
    dns_exchange(&c, C6, S6, 40002, w_null, &v6);
    cap_close(&c);
}

/* Raw IP (LINKTYPE_RAW): IPv4 and IPv6; a packet of IP version 5 (ipraw.invalid_ip_version). */
static void cap_raw(void)
{
    struct cap c;
    struct frame fr;
    cap_open(&c, "raw.pcap", LT_RAW);
    dns_exchange(&c, C4, S4, 40001, NULL, NULL);
    dns_exchange(&c, C6, S6, 40002, NULL, NULL);
    dns_packet(&fr, "192.0.2.2", S4, 40003, 1, false);
    fr_data(&fr)[0] = 0x55;
    emit(&c, &fr);
    cap_close(&c);
}

static void w_ppp(struct frame *fr, bool reply, const void *arg)
{
    (void)reply;
    ppp_push(fr, arg != NULL);
}

static void w_chdlc(struct frame *fr, bool reply, const void *arg)
{
    (void)reply;
    chdlc_push(fr, *(const uint8_t *)arg);
}

/* PPP (DLT_PPP): IPv4 with address/control ff 03 and a 2-byte protocol; IPv6 with the
 * protocol compressed to 1 byte (0x57) and no address/control; an LCP echo request
 * (no IP, no event); Cisco HDLC frames in a capture labelled PPP (as tcpdump decodes). */
static void cap_ppp(void)
{
    struct cap c;
    struct frame fr;
    static const uint8_t unicast = 0x0f;
    cap_open(&c, "ppp.pcap", LT_PPP);
    dns_exchange(&c, C4, S4, 40001, w_ppp, NULL);
    dns_exchange(&c, C6, S6, 40002, w_ppp, "compressed");
    fr_init(&fr);
    static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 9, 1, 0, 8, 0x12, 0x34, 0x56, 0x78 };
    fr_put(&fr, lcp, sizeof(lcp));
    emit(&c, &fr);
    dns_exchange(&c, "192.0.2.2", S4, 40003, w_chdlc, &unicast);
    cap_close(&c);
}

/* Cisco HDLC (DLT_C_HDLC): IPv4 (unicast address 0x0f), IPv6 (broadcast 0x8f); a SLARP
 * keepalive (0x8035, no IP); a 3-byte frame (chdlc.pkt_too_small). */
static void cap_chdlc(void)
{
    struct cap c;
    struct frame fr;
    static const uint8_t unicast = 0x0f, bcast = 0x8f;
    cap_open(&c, "chdlc.pcap", LT_C_HDLC);
    dns_exchange(&c, C4, S4, 40001, w_chdlc, &unicast);
    dns_exchange(&c, C6, S6, 40002, w_chdlc, &bcast);
    fr_init(&fr);
    static const uint8_t slarp[] = { 0x8f, 0, 0x80, 0x35, 0, 0, 0, 2, 0, 0,
                                     0, 1, 0, 0, 0, 0, 0xff, 0xff };
    fr_put(&fr, slarp, sizeof(slarp));
    emit(&c, &fr);
    static const uint8_t tiny[3] = { 0x0f, 0, 0x08 };
    cap_write(&c, tiny, 3, 3);
    cap_close(&c);
}

/* ---------------------------------------------------------------------------------- */
/* VLAN, MPLS, PPPoE                                                                  */
/* ---------------------------------------------------------------------------------- */

struct tags {
    int n;
    uint16_t tpid[3], tci[3]; /* outermost first */
};

static void w_vlan(struct frame *fr, bool reply, const void *arg)
{
    (void)reply;
    const struct tags *t = arg;
    for (int i = t->n - 1; i >= 0; i--)
        vlan_push(fr, t->tpid[i], t->tci[i]);
    eth_push(fr);
}

/* 802.1Q: the same 5-tuple on VLAN 100 and on VLAN 200 (two flows); IPv6 on VLAN 300;
 * a tag with priority 5 and DEI set on VLAN 10 (only the 12-bit id is the VLAN). */
static void cap_vlan(void)
{
    struct cap c;
    static const struct tags v100 = { 1, { 0x8100 }, { 100 } }, v200 = { 1, { 0x8100 }, { 200 } },
                             v300 = { 1, { 0x8100 }, { 300 } },
                             v10 = { 1, { 0x8100 }, { 0xa000 | 0x1000 | 10 } };
    cap_open(&c, "vlan.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_vlan, &v100);
    dns_exchange(&c, C4, S4, 40001, w_vlan, &v200);
    dns_exchange(&c, C6, S6, 40002, w_vlan, &v300);
    dns_exchange(&c, "192.0.2.3", S4, 40003, w_vlan, &v10);
    cap_close(&c);
}

/* QinQ: 802.1ad (0x88a8) outer 10 + 802.1Q inner 20 over IPv4; the pre-standard 0x9100
 * outer 30 + inner 40 over IPv6; three tags (vlan.too_many_layers). */
static void cap_qinq(void)
{
    struct cap c;
    struct frame fr;
    static const struct tags t1 = { 2, { 0x88a8, 0x8100 }, { 10, 20 } },
                             t2 = { 2, { 0x9100, 0x8100 }, { 30, 40 } },
                             t3 = { 3, { 0x88a8, 0x8100, 0x8100 }, { 10, 20, 30 } };
    cap_open(&c, "qinq.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_vlan, &t1);
    dns_exchange(&c, C6, S6, 40002, w_vlan, &t2);
    dns_packet(&fr, "192.0.2.2", S4, 40003, 1, false);
    w_vlan(&fr, false, &t3);
    emit(&c, &fr);
    cap_close(&c);
}

struct labels {
    int n;
    uint32_t label[4]; /* top first */
    bool pw;           /* Ethernet pseudowire: control word and an Ethernet header */
};

static void w_mpls(struct frame *fr, bool reply, const void *arg)
{
    (void)reply;
    const struct labels *l = arg;
    if (l->pw) {
        eth_push(fr);
        fr_push(fr, 4); /* RFC 4385 control word, all zero */
    }
    for (int i = l->n - 1; i >= 0; i--)
        mpls_push(fr, l->label[i], i == l->n - 1);
    eth_push(fr);
}

/* MPLS (RFC 3032): one label over IPv4; two over IPv6; explicit null labels 0 (IPv4)
 * and 2 (IPv6); an Ethernet pseudowire with a control word; router alert (1) above a
 * normal label (valid). Errors: label 1 at the bottom, label 3 at the bottom, reserved
 * label 7 at the bottom, a payload that is neither IP nor a control word (first nibble
 * 9), and a label entry cut to 2 bytes. */
static void cap_mpls(void)
{
    struct cap c;
    struct frame fr;
    static const struct labels l1 = { 1, { 1000 }, false }, l2 = { 2, { 100, 200 }, false },
                               n4 = { 1, { 0 }, false }, n6 = { 1, { 2 }, false },
                               pw = { 1, { 300 }, true }, ra = { 2, { 1, 500 }, false },
                               bad1 = { 1, { 1 }, false }, bad3 = { 1, { 3 }, false },
                               bad7 = { 1, { 7 }, false }, l400 = { 1, { 400 }, false };
    cap_open(&c, "mpls.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_mpls, &l1);
    dns_exchange(&c, C6, S6, 40002, w_mpls, &l2);
    dns_exchange(&c, "192.0.2.2", S4, 40003, w_mpls, &n4);
    dns_exchange(&c, "2001:db8::2", S6, 40004, w_mpls, &n6);
    dns_exchange(&c, "192.0.2.3", S4, 40005, w_mpls, &pw);
    dns_exchange(&c, "192.0.2.4", S4, 40006, w_mpls, &ra);

    dns_packet(&fr, "192.0.2.5", S4, 40007, 1, false);
    w_mpls(&fr, false, &bad1);
    emit(&c, &fr);
    dns_packet(&fr, "192.0.2.6", S4, 40008, 1, false);
    w_mpls(&fr, false, &bad3);
    emit(&c, &fr);
    dns_packet(&fr, "192.0.2.7", S4, 40009, 1, false);
    w_mpls(&fr, false, &bad7);
    emit(&c, &fr);
    dns_packet(&fr, "192.0.2.8", S4, 40010, 1, false);
    fr_data(&fr)[0] = 0x95; /* not IPv4, IPv6 or a control word */
    w_mpls(&fr, false, &l400);
    emit(&c, &fr);
    fr_init(&fr);
    fr_put(&fr, "\x00\x3e", 2);
    fr.et = 0x8847;
    eth_push(&fr);
    emit(&c, &fr);
    cap_close(&c);
}

static void w_pppoe(struct frame *fr, bool reply, const void *arg)
{
    (void)reply;
    (void)arg;
    pppoe_push(fr, 0x0042);
    eth_push(fr);
}

/* PPPoE session stage (RFC 2516): IPv4 and IPv6; an LCP echo request in the session
 * (no IP) and a PADI discovery frame (0x8863), neither an event. */
static void cap_pppoe(void)
{
    struct cap c;
    struct frame fr;
    cap_open(&c, "pppoe.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_pppoe, NULL);
    dns_exchange(&c, C6, S6, 40002, w_pppoe, NULL);
    fr_init(&fr);
    static const uint8_t lcp[] = { 9, 1, 0, 8, 0x12, 0x34, 0x56, 0x78 };
    fr_put(&fr, lcp, sizeof(lcp));
    fr.et = 0xc021;
    pppoe_push(&fr, 0x0042);
    eth_push(&fr);
    emit(&c, &fr);
    fr_init(&fr);
    static const uint8_t padi[] = { 0x11, 0x09, 0, 0, 0, 4, 0x01, 0x01, 0, 0 };
    fr_put(&fr, padi, sizeof(padi));
    fr.et = 0x8863;
    eth_push(&fr);
    emit(&c, &fr);
    cap_close(&c);
}

/* ---------------------------------------------------------------------------------- */
/* Tunnels                                                                            */
/* ---------------------------------------------------------------------------------- */

#define O4A "203.0.113.1"
#define O4B "203.0.113.2"
#define O6A "2001:db8:ffff::1"
#define O6B "2001:db8:ffff::2"

/* Pushes the outer IP header (query from A to B, answer back, unless 'mirror': then
 * always A to B, as a SPAN/ERSPAN source sends) and Ethernet. */
static void outer_ip(struct frame *fr, bool reply, bool v6, bool mirror)
{
    struct ip a = IP(v6 ? O6A : O4A), b = IP(v6 ? O6B : O4B);
    if (reply && !mirror)
        ip_push(fr, &b, &a);
    else
        ip_push(fr, &a, &b);
    eth_push(fr);
}

struct gre_arg {
    uint16_t flags, proto;
    bool outer6;
    const struct labels *mpls;
    const struct tags *inner_vlan; /* transparent Ethernet bridging with a tag */
};

static void w_gre(struct frame *fr, bool reply, const void *arg)
{
    const struct gre_arg *g = arg;
    if (g->mpls != NULL)
        for (int i = g->mpls->n - 1; i >= 0; i--)
            mpls_push(fr, g->mpls->label[i], i == g->mpls->n - 1);
    if (g->proto == 0x6558) {
        if (g->inner_vlan != NULL)
            for (int i = g->inner_vlan->n - 1; i >= 0; i--)
                vlan_push(fr, g->inner_vlan->tpid[i], g->inner_vlan->tci[i]);
        eth_push(fr);
    }
    gre_push(fr, g->flags, g->proto ? g->proto : fr->et, 0x01020304, reply ? 2 : 1);
    outer_ip(fr, reply, g->outer6, false);
}

/* GRE version 0 (RFC 2784/2890) between 203.0.113.1 and .2: IPv4 in plain GRE; IPv6 in
 * GRE with key and sequence number; IPv4 in GRE with checksum; IPv4 in GRE over IPv6;
 * MPLS (label 16) in GRE carrying IPv4. */
static void cap_gre(void)
{
    struct cap c;
    static const struct labels l16 = { 1, { 16 }, false };
    static const struct gre_arg plain = { 0, 0, false, NULL, NULL },
                                ks = { GRE_K | GRE_S, 0, false, NULL, NULL },
                                ck = { GRE_C, 0, false, NULL, NULL },
                                o6 = { 0, 0, true, NULL, NULL },
                                mp = { 0, 0x8847, false, &l16, NULL };
    cap_open(&c, "gre.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_gre, &plain);
    dns_exchange(&c, C6, S6, 40002, w_gre, &ks);
    dns_exchange(&c, "192.0.2.2", S4, 40003, w_gre, &ck);
    dns_exchange(&c, "192.0.2.3", S4, 40004, w_gre, &o6);
    dns_exchange(&c, "192.0.2.4", S4, 40005, w_gre, &mp);
    cap_close(&c);
}

/* GRE transparent Ethernet bridging (0x6558): an Ethernet frame with IPv4, and one
 * with an 802.1Q tag (VLAN 7) inside the tunnel. */
static void cap_gre_teb(void)
{
    struct cap c;
    static const struct tags v7 = { 1, { 0x8100 }, { 7 } };
    static const struct gre_arg teb = { 0, 0x6558, false, NULL, NULL },
                                tebv = { 0, 0x6558, false, NULL, &v7 };
    cap_open(&c, "gre-teb.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_gre, &teb);
    dns_exchange(&c, "192.0.2.2", S4, 40003, w_gre, &tebv);
    cap_close(&c);
}

struct erspan_arg {
    int type; /* 1, 2, 3 */
    bool subheader;
};

static uint32_t erspan_seq;

static void w_erspan(struct frame *fr, bool reply, const void *arg)
{
    const struct erspan_arg *e = arg;
    eth_push(fr); /* the mirrored frame */
    if (e->type == 2)
        erspan2_push(fr, 100, 7);
    else if (e->type == 3)
        erspan3_push(fr, 100, 0x11223344, e->subheader);
    gre_push(fr, e->type == 1 ? 0 : GRE_S, e->type == 3 ? 0x22eb : 0x88be, 0, ++erspan_seq);
    outer_ip(fr, reply, false, true);
}

/* ERSPAN type II (GRE 0x88be with a sequence number and an 8-byte header) and type I
 * (0x88be without sequence number: the frame follows GRE directly). Errors: a type II
 * header with version 3, and a type II header cut to 4 bytes. */
static void cap_erspan2(void)
{
    struct cap c;
    struct frame fr;
    static const struct erspan_arg t2 = { 2, false }, t1 = { 1, false };
    cap_open(&c, "erspan2.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_erspan, &t2);
    dns_exchange(&c, "192.0.2.2", S4, 40003, w_erspan, &t1);

    dns_packet(&fr, "192.0.2.3", S4, 40004, 1, false);
    w_erspan(&fr, false, &t2);
    fr_data(&fr)[14 + 20 + 8] = 0x30; /* ERSPAN version 3 in a type II header */
    emit(&c, &fr);

    fr_init(&fr);
    fr_be32(&fr, 0x10000064); /* first half of a type II header */
    gre_push(&fr, GRE_S, 0x88be, 0, 99);
    outer_ip(&fr, false, false, true);
    emit(&c, &fr);
    cap_close(&c);
}

/* ERSPAN type III (GRE 0x22eb): the 12-byte header, and the header with the 8-byte
 * platform-specific subheader (O bit). */
static void cap_erspan3(void)
{
    struct cap c;
    static const struct erspan_arg t3 = { 3, false }, t3o = { 3, true };
    cap_open(&c, "erspan3.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_erspan, &t3);
    dns_exchange(&c, "192.0.2.2", S4, 40003, w_erspan, &t3o);
    cap_close(&c);
}

struct pptp_arg {
    bool ack;      /* acknowledgment number present (A) */
    bool ppp_comp; /* PPP without address/control bytes */
};

static uint32_t pptp_seq;

/* Enhanced GRE (RFC 2637 4.1): K always, S with a payload, A optional; the key field is
 * the payload length and the call id. */
static void pptp_push(struct frame *fr, bool seq, bool ack, uint16_t call)
{
    uint16_t plen = (uint16_t)fr_len(fr);
    uint32_t hl = 8 + (seq ? 4 : 0) + (ack ? 4 : 0);
    uint8_t *h = fr_push(fr, hl);
    be16(h, (uint16_t)(GRE_K | (seq ? GRE_S : 0) | (ack ? 0x0080 : 0) | 1));
    be16(h + 2, 0x880b);
    be16(h + 4, plen);
    be16(h + 6, call);
    uint32_t o = 8;
    if (seq) {
        be32(h + o, ++pptp_seq);
        o += 4;
    }
    if (ack)
        be32(h + o, pptp_seq);
    fr->nh = 47;
}

static void w_pptp(struct frame *fr, bool reply, const void *arg)
{
    const struct pptp_arg *a = arg;
    if (a->ppp_comp) {
        uint8_t *h = fr_push(fr, 2);
        be16(h, ppp_proto_of(fr->et));
    } else {
        ppp_push(fr, false);
    }
    pptp_push(fr, true, reply && a->ack, reply ? 0x1111 : 0x2222);
    outer_ip(fr, reply, false, false);
}

/* PPTP data channel (GRE version 1): IPv4 in PPP (ff 03 00 21); the answer also carries
 * an acknowledgment; an acknowledgment-only packet (no payload: no IP, no event); IPv4
 * in PPP without address/control (00 21). */
static void cap_pptp(void)
{
    struct cap c;
    struct frame fr;
    static const struct pptp_arg full = { true, false }, comp = { false, true };
    cap_open(&c, "pptp-gre-v1.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_pptp, &full);
    fr_init(&fr);
    pptp_push(&fr, false, true, 0x2222);
    outer_ip(&fr, false, false, false);
    emit(&c, &fr);
    dns_exchange(&c, "192.0.2.2", S4, 40003, w_pptp, &comp);
    cap_close(&c);
}

struct vxlan_arg {
    bool outer6;
    bool reply_csum; /* the answer's outer UDP checksum is computed (else zero) */
};

static void w_vxlan(struct frame *fr, bool reply, const void *arg)
{
    const struct vxlan_arg *v = arg;
    eth_push(fr);
    vxlan_push(fr, 42);
    struct ip a = IP(v->outer6 ? O6A : O4A), b = IP(v->outer6 ? O6B : O4B);
    /* RFC 7348 5: source port from a hash of the inner flow, destination 4789 */
    enum csum cs = v->outer6 || (reply && v->reply_csum) ? CS_OK : CS_ZERO;
    if (reply)
        udp_push_cs(fr, &b, &a, 50001, 4789, cs);
    else
        udp_push_cs(fr, &a, &b, 50000, 4789, cs);
    outer_ip(fr, reply, v->outer6, false);
}

/* VXLAN (RFC 7348, UDP 4789, VNI 42): IPv4 inside IPv4 (query with a zero outer UDP
 * checksum, answer with a computed one); IPv6 inside IPv6 (checksum required); a
 * datagram to port 4789 that is not VXLAN (flags 0): plain UDP. */
static void cap_vxlan(void)
{
    struct cap c;
    struct frame fr;
    static const struct vxlan_arg v4 = { false, true }, v6 = { true, true };
    cap_open(&c, "vxlan.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_vxlan, &v4);
    dns_exchange(&c, C6, S6, 40002, w_vxlan, &v6);
    struct ip a = IP("203.0.113.3"), b = IP("203.0.113.4");
    fr_init(&fr);
    fr_str(&fr, "not a vxlan head");
    udp_push(&fr, &a, &b, 50002, 4789);
    ip_push(&fr, &a, &b);
    eth_push(&fr);
    emit(&c, &fr);
    cap_close(&c);
}

struct gtp_arg {
    int kind; /* 0: plain G-PDU; 1: with sequence number; 2: with an extension header */
};

static void w_gtpu(struct frame *fr, bool reply, const void *arg)
{
    const struct gtp_arg *g = arg;
    int kind = reply && g->kind == 2 ? 0 : g->kind;
    if (kind == 0) {
        gtpu_push(fr, 0x30, 0xff, 0x00000001, NULL, 0);
    } else if (kind == 1) {
        /* S set, E clear: the next extension type byte is present but "shall not be
         * interpreted" (5.1); it is not zero here */
        static const uint8_t sq[4] = { 0x00, 0x07, 0, 0x85 };
        gtpu_push(fr, 0x32, 0xff, 0x00000002, sq, 4);
    } else {
        /* next extension type 0x85 (PDU session container), 4 bytes, then none */
        static const uint8_t ext[8] = { 0, 0, 0, 0x85, 1, 0x00, 0x05, 0 };
        gtpu_push(fr, 0x34, 0xff, 0x00000003, ext, 8);
    }
    struct ip a = IP(O4A), b = IP(O4B);
    if (reply)
        udp_push(fr, &b, &a, 2152, 2152);
    else
        udp_push(fr, &a, &b, 2152, 2152);
    outer_ip(fr, reply, false, false);
}

/* GTP-U (UDP 2152) between 203.0.113.1 and .2: IPv4 in a plain G-PDU, answered in a
 * G-PDU with a sequence number (and a non-zero next extension type that E, clear, says
 * to ignore); IPv6 in a G-PDU with a PDU session container extension
 * header; an echo request and response (signalling: a plain UDP flow). */
static void cap_gtpu(void)
{
    struct cap c;
    struct frame fr;
    static const struct gtp_arg plain = { 0 }, ext = { 2 };
    cap_open(&c, "gtpu.pcap", LT_EN10MB);
    struct frame q;
    uint16_t id = dns_id++;
    dns_packet(&q, C4, S4, 40001, id, false);
    w_gtpu(&q, false, &plain);
    emit(&c, &q);
    static const struct gtp_arg seqd = { 1 };
    dns_packet(&q, C4, S4, 40001, id, true);
    w_gtpu(&q, true, &seqd);
    emit(&c, &q);
    dns_exchange(&c, C6, S6, 40002, w_gtpu, &ext);

    struct ip a = IP(O4A), b = IP(O4B);
    static const uint8_t echo_seq[4] = { 0x00, 0x09, 0, 0 };
    fr_init(&fr);
    gtpu_push(&fr, 0x32, 1, 0, echo_seq, 4);
    udp_push(&fr, &a, &b, 2152, 2152);
    ip_push(&fr, &a, &b);
    eth_push(&fr);
    emit(&c, &fr);
    fr_init(&fr);
    static const uint8_t recovery[2] = { 14, 0 }; /* Recovery IE */
    fr_put(&fr, recovery, 2);
    gtpu_push(&fr, 0x32, 2, 0, echo_seq, 4);
    udp_push(&fr, &b, &a, 2152, 2152);
    ip_push(&fr, &b, &a);
    eth_push(&fr);
    emit(&c, &fr);
    cap_close(&c);
}

static void w_ipip(struct frame *fr, bool reply, const void *arg)
{
    outer_ip(fr, reply, arg != NULL, false);
}

/* IP in IP: IPv4 in IPv4 (protocol 4, RFC 2003), IPv6 in IPv4 (41, RFC 4213), IPv4 in
 * IPv6 and IPv6 in IPv6 (RFC 2473). */
static void cap_ipip(void)
{
    struct cap c;
    cap_open(&c, "ipip.pcap", LT_EN10MB);
    dns_exchange(&c, C4, S4, 40001, w_ipip, NULL);
    dns_exchange(&c, C6, S6, 40002, w_ipip, NULL);
    dns_exchange(&c, "192.0.2.2", S4, 40003, w_ipip, "v6");
    dns_exchange(&c, "2001:db8::2", S6, 40004, w_ipip, "v6");
    cap_close(&c);
}

/* ---------------------------------------------------------------------------------- */
/* IPv4 options, IPv6 extension headers                                               */
/* ---------------------------------------------------------------------------------- */

/* UDP 192.0.2.1:40001 -> 192.0.2.9:9 ("opts", UDP 12 bytes) with the given options. */
static void opt_packet(struct cap *c, const uint8_t *opt, uint8_t optlen)
{
    struct frame fr;
    struct ip a = IP(C4), b = IP("192.0.2.9");
    fr_init(&fr);
    fr_str(&fr, "opts");
    udp_push(&fr, &a, &b, 40001, 9);
    struct ip4opt o = { .opt = opt, .optlen = optlen };
    ip4_push_x(&fr, &a, &b, &o);
    eth_push(&fr);
    emit(c, &fr);
}

/* IPv4 options (RFC 791 3.1, RFC 7126), one UDP flow of 11 packets. Valid: none; router
 * alert; record route with one slot and a NOP; timestamp with two slots; EOL followed
 * by bytes that are not options; basic security (RFC 1108) and a NOP. Invalid: an
 * unassigned option (153); a length of 1; router alert twice; record route with
 * pointer 2; a timestamp option longer than the options area. */
static void cap_ipv4_options(void)
{
    struct cap c;
    cap_open(&c, "ipv4-options.pcap", LT_EN10MB);
    static const uint8_t ra[4] = { 148, 4, 0, 0 };
    static const uint8_t rr[8] = { 7, 7, 4, 0, 0, 0, 0, 1 };
    static const uint8_t ts[12] = { 68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t eol[4] = { 0, 0xff, 0xff, 0xff };
    static const uint8_t sec[12] = { 130, 11, 0xab, 0xcd, 0, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t unk[4] = { 153, 4, 0, 0 };
    static const uint8_t len1[4] = { 7, 1, 0, 0 };
    static const uint8_t dup[8] = { 148, 4, 0, 0, 148, 4, 0, 0 };
    static const uint8_t rrp2[8] = { 7, 7, 2, 0, 0, 0, 0, 0 };
    static const uint8_t over[4] = { 68, 16, 5, 0 };
    opt_packet(&c, NULL, 0);
    opt_packet(&c, ra, sizeof(ra));
    opt_packet(&c, rr, sizeof(rr));
    opt_packet(&c, ts, sizeof(ts));
    opt_packet(&c, eol, sizeof(eol));
    opt_packet(&c, sec, sizeof(sec));
    opt_packet(&c, unk, sizeof(unk));
    opt_packet(&c, len1, sizeof(len1));
    opt_packet(&c, dup, sizeof(dup));
    opt_packet(&c, rrp2, sizeof(rrp2));
    opt_packet(&c, over, sizeof(over));
    cap_close(&c);
}

/* An extension header in a chain description. */
struct ext {
    uint8_t type;          /* 0 HBH, 60 DST, 43 RH, 51 AH, 44 FRAG (atomic) */
    const uint8_t *body;   /* after the 2-byte prefix; NULL: PadN filler */
    uint32_t blen;
    uint8_t res8, res2;    /* fragment header reserved fields */
};

/* Option bodies (6 bytes, one 8-byte header). */
static const uint8_t HBH_RA[6] = { 0x05, 0x02, 0, 0, 0x01, 0x00 };  /* router alert, PadN */
static const uint8_t PADN6[6] = { 0x01, 0x04, 0, 0, 0, 0 };         /* PadN */
static const uint8_t UNK6[6] = { 0x0b, 0x04, 0, 0, 0, 0 };          /* unassigned 0x0b */
static const uint8_t BADLEN6[6] = { 0x01, 0x08, 0, 0, 0, 0 };       /* PadN running over */
/* Routing header types 0 and 2 with segments left 0 and one address (22 bytes). */
static const uint8_t RH0[22] = { 0, 0, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0x09 };
static const uint8_t RH2[22] = { 2, 0, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0x09 };
/* AH (RFC 4302): SPI, sequence, 12-byte ICV: 22 bytes after the prefix (24 in all). */
static const uint8_t AH22[22] = { 0, 0, 0x01, 0x00, 0, 0, 0, 1 };

/* UDP [src]:sport -> [2001:db8::9]:9 ("xhdr") behind the given extension headers
 * (first in the list is next to the IPv6 header). */
static void ext_packet(struct cap *c, const char *src, uint16_t sport, const struct ext *e, int n)
{
    struct frame fr;
    struct ip a = IP(src), b = IP("2001:db8::9");
    fr_init(&fr);
    fr_str(&fr, "xhdr");
    udp_push(&fr, &a, &b, sport, 9);
    for (int i = n - 1; i >= 0; i--) {
        if (e[i].type == 44)
            ip6_frag_push(&fr, 0, false, 0x77, e[i].res8, e[i].res2);
        else
            ip6_ext_push(&fr, e[i].type, e[i].body, e[i].blen);
    }
    ip6_push_hl(&fr, &a, &b, 64);
    eth_push(&fr);
    emit(c, &fr);
}

#define EXT(t, b) { t, b, sizeof(b), 0, 0 }

/* UDP [src]:sport -> 2001:db8::c:9 ("xhdr") with a type 2 routing header, segments left
 * 1, naming 2001:db8::9 (a packet to a mobile node's care-of address, RFC 6275 6.4).
 * The UDP checksum covers 2001:db8::9 as RFC 8200 8.1 says, or, 'wrong', the IPv6
 * destination 2001:db8::c. */
static void rh_udp(struct cap *c, const char *src, uint16_t sport, bool wrong)
{
    struct frame fr;
    struct ip a = IP(src), home = IP("2001:db8::9"), coa = IP("2001:db8::c");
    uint8_t rh[22] = { 2, 1 };
    memcpy(rh + 6, home.a, 16);
    fr_init(&fr);
    fr_str(&fr, "xhdr");
    udp_push(&fr, &a, wrong ? &coa : &home, sport, 9);
    ip6_ext_push(&fr, 43, rh, sizeof(rh));
    ip6_push_hl(&fr, &a, &coa, 64);
    eth_push(&fr);
    emit(c, &fr);
}

/* IPv6 extension headers (RFC 8200 4), one UDP flow [2001:db8::1]:40001 -> [::9]:9 of
 * 15 packets. Valid: Hop-by-Hop with router alert; Destination options; routing type 2
 * (segments left 0); HBH, DST, RH2, DST in one chain; AH. Events that do not stop
 * decoding: an atomic fragment (useless_fh); routing type 0; HBH after DST
 * (hopopts_not_first); an unassigned HBH option; an unassigned DST option; two routing
 * headers; two HBH; three DST; an option running past its header; an atomic fragment
 * with reserved bits set. Then: No Next Header with 4 bytes after it (a flow of
 * protocol 59); a Hop-by-Hop header longer than the packet (stops decoding); and one
 * packet with 9 different events (8 are written, 1 counted in events_dropped). */
static void cap_ipv6_exthdrs(void)
{
    struct cap c;
    struct frame fr;
    cap_open(&c, "ipv6-exthdrs.pcap", LT_EN10MB);
    static const struct ext hbh[] = { EXT(0, HBH_RA) };
    static const struct ext dst[] = { EXT(60, PADN6) };
    static const struct ext rh2[] = { EXT(43, RH2) };
    static const struct ext chain[] = { EXT(0, HBH_RA), EXT(60, PADN6), EXT(43, RH2),
                                        EXT(60, PADN6) };
    static const struct ext ah[] = { EXT(51, AH22) };
    static const struct ext atomic[] = { { 44, NULL, 0, 0, 0 } };
    static const struct ext rh0[] = { EXT(43, RH0) };
    static const struct ext late_hbh[] = { EXT(60, PADN6), EXT(0, HBH_RA) };
    static const struct ext hbh_unk[] = { EXT(0, UNK6) };
    static const struct ext dst_unk[] = { EXT(60, UNK6) };
    static const struct ext two_rh[] = { EXT(43, RH2), EXT(43, RH2) };
    static const struct ext two_hbh[] = { EXT(0, HBH_RA), EXT(0, HBH_RA) };
    static const struct ext three_dst[] = { EXT(60, PADN6), EXT(60, PADN6), EXT(60, PADN6) };
    static const struct ext badlen[] = { EXT(0, BADLEN6) };
    static const struct ext atomic_res[] = { { 44, NULL, 0, 0x5a, 0 } };
    ext_packet(&c, C6, 40001, hbh, 1);
    ext_packet(&c, C6, 40001, dst, 1);
    ext_packet(&c, C6, 40001, rh2, 1);
    ext_packet(&c, C6, 40001, chain, 4);
    ext_packet(&c, C6, 40001, ah, 1);
    ext_packet(&c, C6, 40001, atomic, 1);
    ext_packet(&c, C6, 40001, rh0, 1);
    ext_packet(&c, C6, 40001, late_hbh, 2);
    ext_packet(&c, C6, 40001, hbh_unk, 1);
    ext_packet(&c, C6, 40001, dst_unk, 1);
    ext_packet(&c, C6, 40001, two_rh, 2);
    ext_packet(&c, C6, 40001, two_hbh, 2);
    ext_packet(&c, C6, 40001, three_dst, 3);
    ext_packet(&c, C6, 40001, badlen, 1);
    ext_packet(&c, C6, 40001, atomic_res, 1);

    /* No Next Header (59) followed by 4 bytes: 2001:db8::2 -> 2001:db8::9 */
    struct ip a = IP("2001:db8::2"), b = IP("2001:db8::9");
    fr_init(&fr);
    fr_str(&fr, "junk");
    fr.nh = 59;
    ip6_push_hl(&fr, &a, &b, 64);
    eth_push(&fr);
    emit(&c, &fr);

    /* Hop-by-Hop claiming 48 bytes (length byte 5) with 8 present: 2001:db8::3 */
    a = IP("2001:db8::3");
    fr_init(&fr);
    static const uint8_t hbh_long[8] = { 17, 5, 0x01, 0x04, 0, 0, 0, 0 };
    fr_put(&fr, hbh_long, sizeof(hbh_long));
    fr.nh = 0;
    ip6_push_hl(&fr, &a, &b, 64);
    eth_push(&fr);
    emit(&c, &fr);

    /* RFC 8200 8.1: with a routing header, the upper-layer checksum covers the final
     * destination. UDP [2001:db8::4]:40004 -> 2001:db8::c (care-of address) with a type 2
     * routing header, segments left 1, naming the home address 2001:db8::9; TCP SYN
     * [2001:db8::5]:40005 -> 2001:db8::a:80 with a segment routing header (type 4),
     * segments left 1, Segment List [::9, ::a]. Both checksums are computed with
     * 2001:db8::9 and are right. */
    rh_udp(&c, "2001:db8::4", 40004, false);
    {
        struct ip s5 = IP("2001:db8::5"), fin = IP("2001:db8::9"), seg = IP("2001:db8::a");
        uint8_t srh[38] = { 4, 1, 1, 0, 0, 0 };
        memcpy(srh + 6, fin.a, 16);
        memcpy(srh + 22, seg.a, 16);
        struct tcp t = { .sp = 40005, .dp = 80, .seq = 1, .flags = F_SYN, .opt = MSS1460,
                         .optlen = 4 };
        fr_init(&fr);
        tcp_push(&fr, &s5, &fin, &t);
        ip6_ext_push(&fr, 43, srh, sizeof(srh));
        ip6_push_hl(&fr, &s5, &seg, 64);
        eth_push(&fr);
        emit(&c, &fr);
    }

    /* Nine different events on one packet: [2001:db8::66]:40066 */
    static const struct ext nine[] = { EXT(0, UNK6), EXT(60, UNK6), EXT(0, HBH_RA), EXT(43, RH0),
                                       EXT(43, RH0), EXT(60, PADN6), EXT(60, PADN6),
                                       { 44, NULL, 0, 0x5a, 0 } };
    ext_packet(&c, "2001:db8::66", 40066, nine, 8);
    cap_close(&c);
}

/* ---------------------------------------------------------------------------------- */
/* Fragments                                                                          */
/* ---------------------------------------------------------------------------------- */

/* The UDP datagram (header and DNS query) of a query from cli:cport to srv:53. */
static uint32_t dns_udp(uint8_t *out, const char *cli, const char *srv, uint16_t cport, uint16_t id)
{
    struct frame fr;
    struct ip a = IP(cli), b = IP(srv);
    fr_init(&fr);
    dns_msg(&fr, id, DNS_NAME, false);
    udp_push(&fr, &a, &b, cport, 53);
    memcpy(out, fr_data(&fr), fr_len(&fr));
    return fr_len(&fr);
}

struct fragspec {
    const struct ip *src, *dst;
    uint8_t proto;
    uint32_t id;
    enum csum cs;               /* IPv4 header checksum */
    const struct ext *pre;      /* IPv6: extension headers before the fragment header */
    int npre;
    uint8_t res2;               /* IPv6: reserved bits of the fragment header */
};

/* Writes one fragment at offset 'off' holding the 'len' bytes at 'd'. */
static void frag_at(struct cap *c, const struct fragspec *s, const uint8_t *d, uint32_t off,
                    uint32_t len, bool more)
{
    struct frame fr;
    fr_init(&fr);
    fr_put(&fr, d, len);
    fr.nh = s->proto;
    if (s->src->v == 4) {
        struct ip4opt o = { .id = (uint16_t)s->id,
                            .frag = (uint16_t)((more ? IP4_MF : 0) | off / 8),
                            .cs = s->cs };
        ip4_push_x(&fr, s->src, s->dst, &o);
    } else {
        ip6_frag_push(&fr, off, more, s->id, 0, s->res2);
        for (int i = s->npre - 1; i >= 0; i--)
            ip6_ext_push(&fr, s->pre[i].type, s->pre[i].body, s->pre[i].blen);
        ip6_push_hl(&fr, s->src, s->dst, 64);
    }
    eth_push(&fr);
    emit(c, &fr);
}

/* Writes one fragment: bytes [off, off+len) of the IP payload 'pl'. */
static void frag(struct cap *c, const struct fragspec *s, const uint8_t *pl, uint32_t off,
                 uint32_t len, bool more)
{
    frag_at(c, s, pl + off, off, len, more);
}

/* The DNS answer to a fragmented query, unfragmented. */
static void frag_answer(struct cap *c, const char *cli, const char *srv, uint16_t cport,
                        uint16_t id)
{
    struct frame fr;
    dns_packet(&fr, cli, srv, cport, id, true);
    eth_push(&fr);
    emit(c, &fr);
}

/* Fragmented DNS queries (UDP 40 bytes, fragments of 16, 16 and 8 bytes) and their
 * unfragmented answers, over IPv4 (ipv4-frag.pcap) or IPv6 (ipv6-frag.pcap):
 *   A .1:40001 in order; B .2:40002 in reverse order; C .3:40003 with the first fragment
 *   twice (an exact copy: dropped quietly); D .4:40004 in order, then the middle fragment
 *   again after the datagram was complete (frag_ignored); E .5:40005 the first fragment
 *   only (never completed: no flow); F an ICMP(v6) echo request of 48 bytes in two
 *   fragments, answered unfragmented; G .7:40007 and H .8:40008, same identification,
 *   fragments interleaved.
 * IPv6 only: I .9 a first fragment of 12 bytes with M set (frag_invalid_length); J .10:40010
 *   with a Hop-by-Hop header before the fragment header (unfragmentable part); K .11:40011
 *   whose first fragment has reserved bits set (fh_non_zero_reserved_field). */
static void cap_frag(int v)
{
    struct cap c;
    uint8_t pl[256];
    char cli[64];
    const char *srv = v == 4 ? S4 : S6;
    struct ip b = IP(srv);
    cap_open(&c, v == 4 ? "ipv4-frag.pcap" : "ipv6-frag.pcap", LT_EN10MB);
#define CLI(n) (snprintf(cli, sizeof(cli), v == 4 ? "192.0.2.%d" : "2001:db8::%d", n), cli)

    for (int n = 1; n <= 5; n++) {
        struct ip a = IP(CLI(n));
        uint16_t id = dns_id++;
        uint32_t len = dns_udp(pl, cli, srv, (uint16_t)(40000 + n), id);
        struct fragspec s = { &a, &b, 17, 0x0a00u + (uint32_t)n, CS_OK, NULL, 0, 0 };
        switch (n) {
        case 1: /* in order */
            frag(&c, &s, pl, 0, 16, true);
            frag(&c, &s, pl, 16, 16, true);
            frag(&c, &s, pl, 32, len - 32, false);
            break;
        case 2: /* reversed */
            frag(&c, &s, pl, 32, len - 32, false);
            frag(&c, &s, pl, 16, 16, true);
            frag(&c, &s, pl, 0, 16, true);
            break;
        case 3: /* duplicate */
            frag(&c, &s, pl, 0, 16, true);
            frag(&c, &s, pl, 0, 16, true);
            frag(&c, &s, pl, 16, 16, true);
            frag(&c, &s, pl, 32, len - 32, false);
            break;
        case 4: /* late copy */
            frag(&c, &s, pl, 0, 16, true);
            frag(&c, &s, pl, 16, 16, true);
            frag(&c, &s, pl, 32, len - 32, false);
            frag(&c, &s, pl, 16, 16, true);
            break;
        case 5: /* incomplete */
            frag(&c, &s, pl, 0, 16, true);
            continue;
        }
        frag_answer(&c, cli, srv, (uint16_t)(40000 + n), id);
    }

    /* F: echo request id 0x0606 seq 1, 40 bytes of data, in fragments of 24 and 24 */
    {
        struct ip a = IP(CLI(6));
        struct frame fr;
        fr_init(&fr);
        fr_be16(&fr, 0x0606);
        fr_be16(&fr, 1);
        for (int i = 0; i < 40; i++)
            fr_u8(&fr, (uint8_t)('a' + i % 26));
        struct frame reply = fr;
        if (v == 4)
            icmp4_push(&fr, 8, 0);
        else
            icmp6_push(&fr, &a, &b, 128, 0);
        uint32_t len = fr_len(&fr);
        memcpy(pl, fr_data(&fr), len);
        struct fragspec s = { &a, &b, v == 4 ? 1 : 58, 0x0f06, CS_OK, NULL, 0, 0 };
        frag(&c, &s, pl, 0, 24, true);
        frag(&c, &s, pl, 24, len - 24, false);
        if (v == 4)
            icmp4_push(&reply, 0, 0);
        else
            icmp6_push(&reply, &b, &a, 129, 0);
        ip_push(&reply, &b, &a);
        eth_push(&reply);
        emit(&c, &reply);
    }

    /* G and H: the same identification from two sources, interleaved */
    {
        uint8_t pl2[256];
        char cli2[64];
        struct ip a = IP(CLI(7));
        snprintf(cli2, sizeof(cli2), "%s", cli);
        struct ip a2 = IP(CLI(8));
        uint16_t id1 = dns_id++, id2 = dns_id++;
        uint32_t len = dns_udp(pl, cli2, srv, 40007, id1);
        (void)dns_udp(pl2, cli, srv, 40008, id2);
        struct fragspec s1 = { &a, &b, 17, 0x0707, CS_OK, NULL, 0, 0 };
        struct fragspec s2 = { &a2, &b, 17, 0x0707, CS_OK, NULL, 0, 0 };
        frag(&c, &s1, pl, 0, 16, true);
        frag(&c, &s2, pl2, 0, 16, true);
        frag(&c, &s1, pl, 16, 16, true);
        frag(&c, &s2, pl2, 16, 16, true);
        frag(&c, &s1, pl, 32, len - 32, false);
        frag(&c, &s2, pl2, 32, len - 32, false);
        frag_answer(&c, cli2, srv, 40007, id1);
        frag_answer(&c, cli, srv, 40008, id2);
    }

    if (v == 6) {
        /* I: a non-last fragment of 12 bytes */
        struct ip a = IP(CLI(9));
        uint32_t len = dns_udp(pl, cli, srv, 40009, dns_id++);
        struct fragspec s = { &a, &b, 17, 0x0909, CS_OK, NULL, 0, 0 };
        frag(&c, &s, pl, 0, 12, true);

        /* J: Hop-by-Hop (router alert) before the fragment header */
        static const struct ext hbh[] = { EXT(0, HBH_RA) };
        a = IP(CLI(10));
        uint16_t id = dns_id++;
        len = dns_udp(pl, cli, srv, 40010, id);
        struct fragspec sj = { &a, &b, 17, 0x1010, CS_OK, hbh, 1, 0 };
        frag(&c, &sj, pl, 0, 16, true);
        frag(&c, &sj, pl, 16, len - 16, false);
        frag_answer(&c, cli, srv, 40010, id);

        /* K: reserved bits set in the first fragment's header */
        a = IP(CLI(11));
        id = dns_id++;
        len = dns_udp(pl, cli, srv, 40011, id);
        struct fragspec sk = { &a, &b, 17, 0x1111, CS_OK, NULL, 0, 3 };
        frag(&c, &sk, pl, 0, 16, true);
        sk.res2 = 0;
        frag(&c, &sk, pl, 16, len - 16, false);
        frag_answer(&c, cli, srv, 40011, id);
    }
#undef CLI
    cap_close(&c);
}

/* Overlapping fragments whose reassembly differs under each policy (Novak,
 * "Target-Based Fragmentation Reassembly"), over IPv4 or IPv6. One DNS query from
 * .1:40001 to the server, UDP 73 bytes; the query name is one 43-byte label from UDP
 * offset 21 to 63, then "com". Fragments, in arrival order (offsets in the UDP datagram):
 *   F0 [0,24)  UDP header, DNS header, label length, "pol"
 *   A1 [24,32) "abcdefgh"      A2 [24,32) "ghefcdab"   same offset, later
 *   B1 [40,48) "ijklmnop"      B2 [32,48) "xxxxxxxx" "opmnklij"   starts lower, later
 *   C1 [48,64) "qrstuvwx" "yz012345"   C2 [56,64) "452301yz"    starts higher, later
 *   L  [64,73) "\3com\0", type A, class IN (last fragment)
 * Winners: bsd A1 B2 C1, linux A2 B2 C1, first A1 B1 C1, last A2 B2 C2. Each pair holds
 * the same 16-bit words in another order, so the UDP checksum is right for all four. */
static void cap_frag_overlap(int v)
{
    struct cap c;
    cap_open(&c, v == 4 ? "frag-overlap-v4.pcap" : "frag-overlap-v6.pcap", LT_EN10MB);
    struct ip a = IP(v == 4 ? C4 : C6), b = IP(v == 4 ? S4 : S6);
    /* The datagram as the "first" policy rebuilds it, for the checksum. */
    struct frame fr;
    fr_init(&fr);
    static const uint8_t hdr[12] = { 0x0b, 0xad, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
    fr_put(&fr, hdr, sizeof(hdr));
    fr_u8(&fr, 43);
    fr_str(&fr, "polabcdefghxxxxxxxxijklmnopqrstuvwxyz012345");
    fr_str(&fr, "\003com");
    static const uint8_t tail[5] = { 0, 0, 1, 0, 1 };
    fr_put(&fr, tail, sizeof(tail));
    udp_push(&fr, &a, &b, 40001, 53);
    uint8_t base[128];
    uint32_t len = fr_len(&fr);
    memcpy(base, fr_data(&fr), len);

    uint8_t alt[128];
    memcpy(alt, base, len);
    memcpy(alt + 24, "ghefcdab", 8);
    memcpy(alt + 40, "opmnklij", 8);
    memcpy(alt + 56, "452301yz", 8);

    struct fragspec s = { &a, &b, 17, 0x0bad, CS_OK, NULL, 0, 0 };
    frag(&c, &s, base, 0, 24, true);  /* F0 */
    frag(&c, &s, base, 24, 8, true);  /* A1 */
    frag(&c, &s, alt, 24, 8, true);   /* A2 */
    frag(&c, &s, base, 40, 8, true);  /* B1 */
    frag(&c, &s, alt, 32, 16, true);  /* B2 */
    frag(&c, &s, base, 48, 16, true); /* C1 */
    frag(&c, &s, alt, 56, 8, true);   /* C2 */
    frag(&c, &s, base, 64, len - 64, false); /* L */
    cap_close(&c);
}

/* ---------------------------------------------------------------------------------- */
/* TCP state and flow timeouts                                                        */
/* ---------------------------------------------------------------------------------- */

/* One TCP connection between a client and a server, tracking sequence numbers. */
struct conn {
    struct cap *c;
    struct ip cli, srv;
    uint16_t cport, sport;
    uint32_t cseq, sseq; /* next sequence number of each side */
    bool pad;            /* pad frames to the Ethernet minimum */
};

static void conn_init(struct conn *k, struct cap *c, const char *cli, uint16_t cport,
                      const char *srv, uint16_t sport)
{
    memset(k, 0, sizeof(*k));
    k->c = c;
    k->cli = IP(cli);
    k->srv = IP(srv);
    k->cport = cport;
    k->sport = sport;
    k->cseq = 1000;
    k->sseq = 5000;
}

/* Sends a segment from the client (to_server) or the server with 'flags' and 'data';
 * SYN carries the MSS option. SYN and FIN take a sequence number. */
static void conn_send(struct conn *k, bool to_server, uint8_t flags, const char *data)
{
    struct frame fr;
    fr_init(&fr);
    uint32_t dlen = data != NULL ? (uint32_t)strlen(data) : 0;
    if (dlen)
        fr_put(&fr, data, dlen);
    uint32_t *mine = to_server ? &k->cseq : &k->sseq;
    uint32_t theirs = to_server ? k->sseq : k->cseq;
    struct tcp t = {
        .sp = to_server ? k->cport : k->sport,
        .dp = to_server ? k->sport : k->cport,
        .seq = *mine,
        .ack = (flags & F_ACK) ? theirs : 0,
        .flags = flags,
        .opt = (flags & F_SYN) ? MSS1460 : NULL,
        .optlen = (flags & F_SYN) ? 4 : 0,
    };
    const struct ip *s = to_server ? &k->cli : &k->srv, *d = to_server ? &k->srv : &k->cli;
    tcp_push(&fr, s, d, &t);
    ip_push(&fr, s, d);
    eth_push(&fr);
    if (k->pad)
        eth_pad(&fr);
    emit(k->c, &fr);
    *mine += dlen + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
}

static void conn_handshake(struct conn *k)
{
    conn_send(k, true, F_SYN, NULL);
    conn_send(k, false, F_SYN | F_ACK, NULL);
    conn_send(k, true, F_ACK, NULL);
}

static const char HTTP_REQ[] = "GET / HTTP/1.1\r\nHost: golden.example\r\n"
                               "User-Agent: canh-golden\r\n\r\n";
static const char HTTP_RSP[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                               "Content-Length: 2\r\n\r\nok";

/* TCP connection states (RFC 9293 3.3.2), client 192.0.2.1, server 192.0.2.80:
 *   41001 -> 80   handshake, HTTP request and response, FIN each way, last ACK
 *   41002 -> 5001 handshake, 4 bytes, the server resets (RST-ACK)
 *   41003 -> 5001 SYN and its retransmission, nothing else (half-open)
 *   41004 -> 5001 picked up mid-stream: data each way and ACKs, no SYN
 *   41005 -> 5001 handshake, FIN each way, last ACK; then a new SYN on the same ports,
 *                 a new handshake (the first flow ends with reason tcp_reuse)
 *   41006 -> 5001 picked up at the SYN-ACK (sent by the server): ACK, data, ACK
 *   41007 -> 5001 handshake, then the client's FIN only (half-closed)
 *   41008 -> 5001 SYN answered by RST-ACK (port closed)
 *   41009 -> 5001 mid-stream, data each way in frames padded to 60 bytes */
static void cap_tcp_state(void)
{
    struct cap c;
    struct conn k;
    cap_open(&c, "tcp-state.pcap", LT_EN10MB);
    const char *cli = C4, *srv = "192.0.2.80";

    conn_init(&k, &c, cli, 41001, srv, 80);
    conn_handshake(&k);
    conn_send(&k, true, F_PSH | F_ACK, HTTP_REQ);
    conn_send(&k, false, F_ACK, NULL);
    conn_send(&k, false, F_PSH | F_ACK, HTTP_RSP);
    conn_send(&k, true, F_ACK, NULL);
    conn_send(&k, true, F_FIN | F_ACK, NULL);
    conn_send(&k, false, F_FIN | F_ACK, NULL);
    conn_send(&k, true, F_ACK, NULL);

    conn_init(&k, &c, cli, 41002, srv, 5001);
    conn_handshake(&k);
    conn_send(&k, true, F_PSH | F_ACK, "ping");
    conn_send(&k, false, F_RST | F_ACK, NULL);

    conn_init(&k, &c, cli, 41003, srv, 5001);
    conn_send(&k, true, F_SYN, NULL);
    k.cseq--; /* a retransmission: the same sequence number */
    conn_send(&k, true, F_SYN, NULL);

    conn_init(&k, &c, cli, 41004, srv, 5001);
    conn_send(&k, true, F_PSH | F_ACK, "ping");
    conn_send(&k, false, F_ACK, NULL);
    conn_send(&k, false, F_PSH | F_ACK, "pong");
    conn_send(&k, true, F_ACK, NULL);

    conn_init(&k, &c, cli, 41005, srv, 5001);
    conn_handshake(&k);
    conn_send(&k, true, F_FIN | F_ACK, NULL);
    conn_send(&k, false, F_FIN | F_ACK, NULL);
    conn_send(&k, true, F_ACK, NULL);
    k.cseq += 100000; /* the new connection's initial sequence number */
    conn_handshake(&k);

    conn_init(&k, &c, cli, 41006, srv, 5001);
    k.cseq++; /* the SYN was not captured */
    conn_send(&k, false, F_SYN | F_ACK, NULL);
    conn_send(&k, true, F_ACK, NULL);
    conn_send(&k, true, F_PSH | F_ACK, "ping");
    conn_send(&k, false, F_ACK, NULL);

    conn_init(&k, &c, cli, 41007, srv, 5001);
    conn_handshake(&k);
    conn_send(&k, true, F_FIN | F_ACK, NULL);

    conn_init(&k, &c, cli, 41008, srv, 5001);
    conn_send(&k, true, F_SYN, NULL);
    conn_send(&k, false, F_RST | F_ACK, NULL);

    conn_init(&k, &c, cli, 41009, srv, 5001);
    k.pad = true;
    conn_send(&k, true, F_PSH | F_ACK, "ping");
    conn_send(&k, false, F_PSH | F_ACK, "pong");
    cap_close(&c);
}

/* UDP 'from':sport -> 192.0.2.9:9 with 4 bytes ("tick"), 46-byte frame. */
static void udp_tick(struct cap *c, const char *from, uint16_t sport)
{
    struct frame fr;
    struct ip a = IP(from), b = IP("192.0.2.9");
    fr_init(&fr);
    fr_str(&fr, "tick");
    udp_push(&fr, &a, &b, sport, 9);
    ip_push(&fr, &a, &b);
    eth_push(&fr);
    emit(c, &fr);
}

/* ICMP echo request 'from' -> 192.0.2.9, id 1, 'seq', no data (42-byte frame). */
static void echo4(struct cap *c, const char *from, const char *to, uint8_t type, uint16_t seq)
{
    struct frame fr;
    struct ip a = IP(from), b = IP(to);
    fr_init(&fr);
    fr_be16(&fr, 1);
    fr_be16(&fr, seq);
    icmp4_push(&fr, type, 0);
    ip_push(&fr, &a, &b);
    eth_push(&fr);
    emit(c, &fr);
}

/* Flow timeouts, run with udp=30 icmp=10 tcp-new=20 tcp-established=60 tcp-closed=5
 * (seconds). Times after T0:
 *   0.000   U1 .1:42001                     100.000 U1 again (a new flow)
 *   0.001   U2 .2:42002                      20.000 U2 again (same flow)
 *   0.500   U3 .3:42003                      30.500 U3 again: idle exactly 30 s (same flow)
 *   0.600   U4 .4:42004                      30.600001 U4 again: idle 30.000001 s (new flow)
 *   1.000   echo request .5 -> .9            12.000 echo request again: idle 11 s (new flow)
 *   1.000   TCP .6:42006 -> .9:80 handshake (established, then idle)
 *   2.000   TCP .7:42007 -> .9:80 SYN only
 *   3.000   TCP .8:42008 -> .9:80 handshake, FIN each way, ACK (closed)
 *   5.000   TCP .8:42008 a late ACK (within tcp-closed: same flow) */
static void cap_flow_timeout(void)
{
    struct cap c;
    struct conn k;
    cap_open(&c, "flow-timeout.pcap", LT_EN10MB);
    cap_at_ms(&c, 0);
    udp_tick(&c, "192.0.2.1", 42001);
    udp_tick(&c, "192.0.2.2", 42002);
    cap_at_ms(&c, 500);
    udp_tick(&c, "192.0.2.3", 42003);
    cap_at_ms(&c, 600);
    udp_tick(&c, "192.0.2.4", 42004);
    cap_at_ms(&c, 1000);
    echo4(&c, "192.0.2.5", "192.0.2.9", 8, 1);
    cap_at_ms(&c, 1001);
    conn_init(&k, &c, "192.0.2.6", 42006, "192.0.2.9", 80);
    conn_handshake(&k);
    cap_at_ms(&c, 2000);
    conn_init(&k, &c, "192.0.2.7", 42007, "192.0.2.9", 80);
    conn_send(&k, true, F_SYN, NULL);
    cap_at_ms(&c, 3000);
    conn_init(&k, &c, "192.0.2.8", 42008, "192.0.2.9", 80);
    conn_handshake(&k);
    conn_send(&k, true, F_FIN | F_ACK, NULL);
    conn_send(&k, false, F_FIN | F_ACK, NULL);
    conn_send(&k, true, F_ACK, NULL);
    cap_at_ms(&c, 5000);
    conn_send(&k, true, F_ACK, NULL);
    cap_at_ms(&c, 12000);
    echo4(&c, "192.0.2.5", "192.0.2.9", 8, 2);
    cap_at_ms(&c, 20000);
    udp_tick(&c, "192.0.2.2", 42002);
    cap_at_ms(&c, 30500);
    udp_tick(&c, "192.0.2.3", 42003);
    cap_at_us(&c, 30600001);
    udp_tick(&c, "192.0.2.4", 42004);
    cap_at_ms(&c, 100000);
    udp_tick(&c, "192.0.2.1", 42001);
    cap_close(&c);
}

/* ---------------------------------------------------------------------------------- */
/* ICMP, ICMPv6, SCTP                                                                 */
/* ---------------------------------------------------------------------------------- */

/* Pushes IP and Ethernet and writes the frame. */
static void send_ip(struct cap *c, struct frame *fr, const char *from, const char *to)
{
    struct ip a = IP(from), b = IP(to);
    ip_push(fr, &a, &b);
    eth_push(fr);
    emit(c, fr);
}

/* An ICMP message 'from' -> 'to': 'rest' is the 4 bytes after the checksum, 'data'
 * what follows. */
static void icmp4_msg(struct cap *c, const char *from, const char *to, uint8_t type, uint8_t code,
                      uint32_t rest, const uint8_t *data, uint32_t dlen)
{
    struct frame fr;
    fr_init(&fr);
    fr_be32(&fr, rest);
    if (dlen)
        fr_put(&fr, data, dlen);
    icmp4_push(&fr, type, code);
    send_ip(c, &fr, from, to);
}

/* ICMP (RFC 792):
 *   .1 -> .7    echo request (id 1, seq 1, 32 bytes) and echo reply: one flow
 *   .1:43001 -> .8:33434 UDP (12 bytes); .8 -> .1 port unreachable (type 3 code 3)
 *               quoting the whole datagram: a UDP flow and an ICMP flow
 *   .1 -> .10   timestamp request and reply (13/14)
 *   .1 -> .11   type 99 (unassigned: icmpv4.unknown_type)
 *   .12 -> .1   type 3 code 20 (icmpv4.unknown_code), quoting an IPv4 header
 *   .13 -> .1   time exceeded quoting 10 bytes (icmpv4.ipv4_trunc_pkt)
 *   .14 -> .1   unreachable quoting an IPv6 header (icmpv4.ipv4_unknown_ver)
 *   .15 -> .1   4 bytes of ICMP (icmpv4.pkt_too_small: not a flow)
 *   2001:db8::1 -> 2001:db8::7 ICMP (protocol 1) echo in IPv6 (ipv6.icmpv4) */
static void cap_icmp(void)
{
    struct cap c;
    struct frame fr;
    uint8_t data[64];
    cap_open(&c, "icmp.pcap", LT_EN10MB);
    for (int i = 0; i < 32; i++)
        data[i] = (uint8_t)i;
    icmp4_msg(&c, C4, "192.0.2.7", 8, 0, 0x00010001, data, 32);
    icmp4_msg(&c, "192.0.2.7", C4, 0, 0, 0x00010001, data, 32);

    struct ip a = IP(C4), b = IP("192.0.2.8");
    fr_init(&fr);
    fr_str(&fr, "traceroute!!");
    udp_push(&fr, &a, &b, 43001, 33434);
    ip_push(&fr, &a, &b);
    uint8_t quote[64];
    uint32_t qlen = fr_len(&fr);
    memcpy(quote, fr_data(&fr), qlen);
    eth_push(&fr);
    emit(&c, &fr);
    icmp4_msg(&c, "192.0.2.8", C4, 3, 3, 0, quote, qlen);

    uint8_t tsdata[12] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
    icmp4_msg(&c, C4, "192.0.2.10", 13, 0, 0x00020001, tsdata, 12);
    tsdata[4] = tsdata[8] = 1;
    icmp4_msg(&c, "192.0.2.10", C4, 14, 0, 0x00020001, tsdata, 12);

    icmp4_msg(&c, C4, "192.0.2.11", 99, 0, 0, NULL, 0);
    icmp4_msg(&c, "192.0.2.12", C4, 3, 20, 0, quote, 28);
    icmp4_msg(&c, "192.0.2.13", C4, 11, 0, 0, quote, 10);
    uint8_t q6[20];
    memcpy(q6, quote, 20);
    q6[0] = 0x60;
    icmp4_msg(&c, "192.0.2.14", C4, 3, 1, 0, q6, 20);

    fr_init(&fr);
    static const uint8_t tiny[4] = { 8, 0, 0xf7, 0xff };
    fr_put(&fr, tiny, 4);
    fr.nh = 1;
    send_ip(&c, &fr, "192.0.2.15", C4);

    fr_init(&fr);
    fr_be32(&fr, 0x00030001);
    icmp4_push(&fr, 8, 0);
    send_ip(&c, &fr, C6, "2001:db8::7");
    cap_close(&c);
}

/* An ICMPv6 message 'from' -> 'to' with the given hop limit, optionally behind a
 * Hop-by-Hop header with router alert (MLD, RFC 2710 3). */
static void icmp6_msg(struct cap *c, const char *from, const char *to, uint8_t hlim, bool ra,
                      uint8_t type, uint8_t code, const uint8_t *body, uint32_t blen)
{
    struct frame fr;
    struct ip a = IP(from), b = IP(to);
    fr_init(&fr);
    if (blen)
        fr_put(&fr, body, blen);
    icmp6_push(&fr, &a, &b, type, code);
    if (ra)
        ip6_ext_push(&fr, 0, HBH_RA, sizeof(HBH_RA));
    ip6_push_hl(&fr, &a, &b, hlim);
    eth_push(&fr);
    emit(c, &fr);
}

/* ICMPv6 (RFC 4443, RFC 4861, RFC 2710/3810):
 *   ::1 -> ::7        echo request (id 1, seq 1, 32 bytes) and reply: one flow
 *   fe80::1 -> ff02::1:ff00:2   neighbour solicitation for fe80::2 (hop limit 255)
 *   fe80::2 -> fe80::1          neighbour advertisement (solicited, override)
 *   fe80::1 -> ff02::16         MLDv2 report, hop limit 1, router alert: valid
 *   fe80::3 -> ff02::1          MLD query with hop limit 64 (mld_message_with_invalid_hl)
 *   [::1]:43001 -> [::8]:33434  UDP (12 bytes); ::8 -> ::1 port unreachable quoting it
 *   ::1 -> ::11       type 50 (unassigned: icmpv6.unknown_type)
 *   ::12 -> ::1       unreachable code 9 (icmpv6.unknown_code), quoting an IPv6 header
 *   ::13 -> ::1       time exceeded quoting 20 bytes (icmpv6.ipv6_trunc_pkt)
 *   ::14 -> ::1       unreachable quoting 40 bytes of IPv4 (icmpv6.ipv6_unknown_version)
 *   ::15 -> ::1       3 bytes of ICMPv6 (icmpv6.pkt_too_small: not a flow)
 *   192.0.2.1 -> 192.0.2.7      ICMPv6 (protocol 58) echo in IPv4 (ipv4.icmpv6) */
static void cap_icmpv6(void)
{
    struct cap c;
    struct frame fr;
    uint8_t body[128];
    cap_open(&c, "icmpv6.pcap", LT_EN10MB);
    be32(body, 0x00010001);
    for (int i = 0; i < 32; i++)
        body[4 + i] = (uint8_t)i;
    icmp6_msg(&c, C6, "2001:db8::7", 64, false, 128, 0, body, 36);
    icmp6_msg(&c, "2001:db8::7", C6, 64, false, 129, 0, body, 36);

    struct ip t = IP("fe80::2");
    memset(body, 0, 4);
    memcpy(body + 4, t.a, 16);
    static const uint8_t sll_opt[8] = { 1, 1, 2, 0, 0, 0, 0, 1 };
    memcpy(body + 20, sll_opt, 8);
    icmp6_msg(&c, "fe80::1", "ff02::1:ff00:2", 255, false, 135, 0, body, 28);
    be32(body, 0x60000000);
    static const uint8_t tll_opt[8] = { 2, 1, 2, 0, 0, 0, 0, 2 };
    memcpy(body + 20, tll_opt, 8);
    icmp6_msg(&c, "fe80::2", "fe80::1", 255, false, 136, 0, body, 28);

    /* MLDv2 report: reserved, 1 record (include-mode change, no sources, ff02::1:3) */
    struct ip g = IP("ff02::1:3");
    memset(body, 0, 24);
    be16(body + 2, 1);
    body[4] = 4;
    memcpy(body + 8, g.a, 16);
    icmp6_msg(&c, "fe80::1", "ff02::16", 1, true, 143, 0, body, 24);
    /* MLDv1 general query: max response delay 10000 ms, reserved, address :: */
    memset(body, 0, 20);
    be16(body, 10000);
    icmp6_msg(&c, "fe80::3", "ff02::1", 64, true, 130, 0, body, 20);

    struct ip a = IP(C6), b = IP("2001:db8::8");
    fr_init(&fr);
    fr_str(&fr, "traceroute!!");
    udp_push(&fr, &a, &b, 43001, 33434);
    ip_push(&fr, &a, &b);
    uint8_t quote[128];
    uint32_t qlen = fr_len(&fr);
    memcpy(quote, fr_data(&fr), qlen);
    eth_push(&fr);
    emit(&c, &fr);
    memset(body, 0, 4);
    memcpy(body + 4, quote, qlen);
    icmp6_msg(&c, "2001:db8::8", C6, 64, false, 1, 4, body, 4 + qlen);

    memset(body, 0, 4);
    icmp6_msg(&c, C6, "2001:db8::11", 64, false, 50, 0, body, 4);
    memcpy(body + 4, quote, 40);
    icmp6_msg(&c, "2001:db8::12", C6, 64, false, 1, 9, body, 44);
    icmp6_msg(&c, "2001:db8::13", C6, 64, false, 3, 0, body, 24);
    memset(body + 4, 0, 40);
    body[4] = 0x45;
    icmp6_msg(&c, "2001:db8::14", C6, 64, false, 1, 0, body, 44);

    fr_init(&fr);
    static const uint8_t tiny[3] = { 128, 0, 0 };
    fr_put(&fr, tiny, 3);
    fr.nh = 58;
    send_ip(&c, &fr, "2001:db8::15", C6);

    /* ICMPv6 echo in IPv4: the checksum has no IPv4 pseudo-header to use; plain sum */
    fr_init(&fr);
    fr_be32(&fr, 0x00040001);
    icmp4_push(&fr, 128, 0);
    fr.nh = 58;
    send_ip(&c, &fr, C4, "192.0.2.7");
    cap_close(&c);
}

/* CRC32c (Castagnoli), as SCTP uses it (RFC 9260 appendix A). */
static uint32_t crc32c(const uint8_t *p, uint32_t n)
{
    uint32_t crc = 0xffffffff;
    for (uint32_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82f63b78 & (0u - (crc & 1)));
    }
    return ~crc;
}

/* An SCTP packet: common header (ports, verification tag, CRC32c) and one chunk. */
static void sctp_send(struct cap *c, const char *from, const char *to, uint16_t sp, uint16_t dp,
                      uint32_t vtag, uint8_t type, const uint8_t *val, uint16_t vlen)
{
    struct frame fr;
    fr_init(&fr);
    uint8_t *h = fr_put(&fr, NULL, 16);
    be16(h, sp);
    be16(h + 2, dp);
    be32(h + 4, vtag);
    h[12] = type;
    h[13] = 0;
    be16(h + 14, (uint16_t)(4 + vlen));
    if (vlen)
        fr_put(&fr, val, vlen);
    uint32_t crc = crc32c(fr_data(&fr), fr_len(&fr));
    /* RFC 9260 appendix A: the CRC goes in with its least significant byte first */
    h[8] = (uint8_t)crc;
    h[9] = (uint8_t)(crc >> 8);
    h[10] = (uint8_t)(crc >> 16);
    h[11] = (uint8_t)(crc >> 24);
    fr.nh = 132;
    send_ip(c, &fr, from, to);
}

/* SCTP (RFC 9260): the association set-up (INIT, INIT ACK, COOKIE ECHO, COOKIE ACK)
 * 192.0.2.1:5000 -> 192.0.2.2:38412; INIT and ABORT over IPv6 [::1]:5001 -> [::2]:38412;
 * 8 bytes of SCTP 192.0.2.3 -> 192.0.2.4 (too short for the ports: a flow without ports). */
static void cap_sctp(void)
{
    struct cap c;
    struct frame fr;
    cap_open(&c, "sctp.pcap", LT_EN10MB);
    /* INIT: initiate tag, a_rwnd, outbound streams, inbound streams, initial TSN */
    static const uint8_t init[16] = { 0xa1, 0xb2, 0xc3, 0xd4, 0, 1, 0, 0,
                                      0, 10, 0, 10, 0, 0, 0, 1 };
    static const uint8_t init_ack[24] = { 0x11, 0x22, 0x33, 0x44, 0, 1, 0, 0,
                                          0, 10, 0, 10, 0, 0, 0, 1,
                                          0, 7, 0, 8, 0xc0, 0x0c, 0x1e, 0x00 }; /* state cookie */
    static const uint8_t cookie[4] = { 0xc0, 0x0c, 0x1e, 0x00 };
    sctp_send(&c, C4, "192.0.2.2", 5000, 38412, 0, 1, init, sizeof(init));
    sctp_send(&c, "192.0.2.2", C4, 38412, 5000, 0xa1b2c3d4, 2, init_ack, sizeof(init_ack));
    sctp_send(&c, C4, "192.0.2.2", 5000, 38412, 0x11223344, 10, cookie, sizeof(cookie));
    sctp_send(&c, "192.0.2.2", C4, 38412, 5000, 0xa1b2c3d4, 11, NULL, 0);
    sctp_send(&c, C6, "2001:db8::2", 5001, 38412, 0, 1, init, sizeof(init));
    sctp_send(&c, "2001:db8::2", C6, 38412, 5001, 0xa1b2c3d4, 6, NULL, 0);
    fr_init(&fr);
    static const uint8_t short8[8] = { 0x13, 0x88, 0x96, 0x0c, 0, 0, 0, 0 };
    fr_put(&fr, short8, 8);
    fr.nh = 132;
    send_ip(&c, &fr, "192.0.2.3", "192.0.2.4");
    cap_close(&c);
}

/* ---------------------------------------------------------------------------------- */
/* Checksums                                                                          */
/* ---------------------------------------------------------------------------------- */

static void udp_cs(struct cap *c, const char *from, uint16_t sport, enum csum udp_cs,
                   enum csum ip_cs)
{
    struct frame fr;
    struct ip a = IP(from), b = IP(a.v == 4 ? "192.0.2.9" : "2001:db8::9");
    fr_init(&fr);
    fr_str(&fr, "csum");
    udp_push_cs(&fr, &a, &b, sport, 9, udp_cs);
    if (a.v == 4) {
        struct ip4opt o = { .cs = ip_cs };
        ip4_push_x(&fr, &a, &b, &o);
    } else {
        ip6_push_hl(&fr, &a, &b, 64);
    }
    eth_push(&fr);
    emit(c, &fr);
}

static void tcp_cs(struct cap *c, const char *from, const char *to, uint16_t sport)
{
    struct frame fr;
    struct ip a = IP(from), b = IP(to);
    struct tcp t = { .sp = sport, .dp = 80, .seq = 1, .flags = F_SYN, .opt = MSS1460, .optlen = 4 };
    fr_init(&fr);
    tcp_push_cs(&fr, &a, &b, &t, CS_BAD);
    ip_push(&fr, &a, &b);
    eth_push(&fr);
    emit(c, &fr);
}

/* Checksums (RFC 1071), run with validation (default) and with -k none. One packet per
 * flow: a good UDP datagram .1:44001; a bad IPv4 header checksum .2:44002; a bad TCP
 * checksum .3:44003 -> .9:80; a bad UDP checksum .4:44004; a zero UDP checksum (none)
 * .5:44005; a bad ICMP checksum .6 -> .9; a bad ICMPv6 checksum ::6 -> ::9; a bad UDP
 * checksum over IPv6 [::4]:44008; a bad TCP checksum over IPv6 [::3]:44009; a zero
 * UDP checksum over IPv6 [::5]:44010; a DNS query .11:44011 in two fragments, the first
 * with a bad IPv4 header checksum; UDP .12:44012 with a bad checksum inside GRE; UDP
 * [::7]:44013 behind a routing header with segments left, its checksum computed over the
 * IPv6 destination instead of the final one (wrong by RFC 8200 8.1). */
static void cap_checksums(void)
{
    struct cap c;
    struct frame fr;
    cap_open(&c, "checksums.pcap", LT_EN10MB);
    udp_cs(&c, "192.0.2.1", 44001, CS_OK, CS_OK);
    udp_cs(&c, "192.0.2.2", 44002, CS_OK, CS_BAD);
    tcp_cs(&c, "192.0.2.3", "192.0.2.9", 44003);
    udp_cs(&c, "192.0.2.4", 44004, CS_BAD, CS_OK);
    udp_cs(&c, "192.0.2.5", 44005, CS_ZERO, CS_OK);

    fr_init(&fr);
    fr_be32(&fr, 0x00010001);
    icmp4_push_cs(&fr, 8, 0, CS_BAD);
    send_ip(&c, &fr, "192.0.2.6", "192.0.2.9");
    struct ip a = IP("2001:db8::6"), b = IP("2001:db8::9");
    fr_init(&fr);
    fr_be32(&fr, 0x00010001);
    icmp6_push_cs(&fr, &a, &b, 128, 0, CS_BAD);
    send_ip(&c, &fr, "2001:db8::6", "2001:db8::9");

    udp_cs(&c, "2001:db8::4", 44008, CS_BAD, CS_OK);
    tcp_cs(&c, "2001:db8::3", "2001:db8::9", 44009);
    udp_cs(&c, "2001:db8::5", 44010, CS_ZERO, CS_OK);

    uint8_t pl[128];
    a = IP("192.0.2.11");
    b = IP(S4);
    uint32_t len = dns_udp(pl, "192.0.2.11", S4, 44011, dns_id++);
    struct fragspec s = { &a, &b, 17, 0x4411, CS_BAD, NULL, 0, 0 };
    frag(&c, &s, pl, 0, 16, true);
    s.cs = CS_OK;
    frag(&c, &s, pl, 16, len - 16, false);

    a = IP("192.0.2.12");
    b = IP("192.0.2.9");
    fr_init(&fr);
    fr_str(&fr, "csum");
    udp_push_cs(&fr, &a, &b, 44012, 9, CS_BAD);
    ip_push(&fr, &a, &b);
    gre_push(&fr, 0, 0x0800, 0, 0);
    outer_ip(&fr, false, false, false);
    emit(&c, &fr);

    rh_udp(&c, "2001:db8::7", 44013, true);
    cap_close(&c);
}

/* ---------------------------------------------------------------------------------- */
/* Malformed packets                                                                  */
/* ---------------------------------------------------------------------------------- */

/* Writes Ethernet + the given bytes as type 'et'. */
static void raw_eth(struct cap *c, uint16_t et, const uint8_t *d, uint32_t n)
{
    struct frame fr;
    fr_init(&fr);
    fr_put(&fr, d, n);
    fr.et = et;
    eth_push(&fr);
    emit(c, &fr);
}

/* An IPv4 packet from 'from' to 192.0.2.9 of protocol 'proto' carrying 'd'. */
static void ip4_raw(struct cap *c, const char *from, uint8_t proto, const uint8_t *d, uint32_t n)
{
    struct frame fr;
    fr_init(&fr);
    if (n)
        fr_put(&fr, d, n);
    fr.nh = proto;
    send_ip(c, &fr, from, "192.0.2.9");
}

/* TCP from 'from':sport to 192.0.2.9:80 with raw options (a SYN). */
static void tcp_opts(struct cap *c, const char *from, uint16_t sport, const uint8_t *opt,
                     uint8_t optlen)
{
    struct frame fr;
    struct ip a = IP(from), b = IP("192.0.2.9");
    struct tcp t = { .sp = sport, .dp = 80, .seq = 1, .flags = F_SYN, .opt = opt,
                     .optlen = optlen };
    fr_init(&fr);
    tcp_push(&fr, &a, &b, &t);
    ip_push(&fr, &a, &b);
    eth_push(&fr);
    emit(c, &fr);
}

/* GRE from 'from' to 192.0.2.9 with a raw header (and an IPv4 DNS query after it). */
static void gre_raw(struct cap *c, const char *from, const uint8_t *hdr, uint32_t hlen,
                    bool payload)
{
    struct frame fr;
    if (payload) {
        dns_packet(&fr, "10.0.0.1", "10.0.0.2", 40000, 1, false);
    } else {
        fr_init(&fr);
    }
    memcpy(fr_push(&fr, hlen), hdr, hlen);
    fr.nh = 47;
    send_ip(c, &fr, from, "192.0.2.9");
}

/* Malformed packets, one per decoder event, each from its own source (192.0.2.1xx for
 * IPv4, 2001:db8::1xx for IPv6) so that every event can be told apart. See
 * tests/golden/malformed.checks for the list. */
static void cap_malformed(void)
{
    struct cap c;
    struct frame fr;
    uint8_t b[256];
    cap_open(&c, "malformed.pcap", LT_EN10MB);

    /* 1: a 10-byte Ethernet frame */
    memset(b, 0, sizeof(b));
    cap_write(&c, b, 10, 10);
    /* 2: an 802.1Q tag cut after its TCI */
    raw_eth(&c, 0x8100, (const uint8_t *)"\x00\x64", 2);
    /* 3: 12 bytes of IPv4 header */
    raw_eth(&c, 0x0800, (const uint8_t *)"\x45\x00\x00\x14\x00\x00\x00\x00\x40\x11\x00\x00", 12);

    /* 4-7: IPv4 headers with version 5, IHL 4, total length 16, total length 100 with 40
     * bytes present (not cut by the capture) */
    for (int n = 4; n <= 7; n++) {
        char src[32];
        snprintf(src, sizeof(src), "192.0.2.10%d", n);
        struct ip a = IP(src), d = IP("192.0.2.9");
        fr_init(&fr);
        fr_put(&fr, NULL, 20);
        fr.nh = 253;
        struct ip4opt o = { 0 };
        ip4_push_x(&fr, &a, &d, &o);
        uint8_t *h = fr_data(&fr);
        if (n == 4)
            h[0] = 0x55;
        if (n == 5)
            h[0] = 0x44;
        if (n == 6)
            be16(h + 2, 16);
        if (n == 7)
            be16(h + 2, 100);
        be16(h + 10, 0);
        be16(h + 10, fold(sum16(0, h, 20)));
        eth_push(&fr);
        emit(&c, &fr);
    }

    /* 8: UDP .108:45008 -> .9:9 of 200 bytes on the wire, 50 captured (snaplen): not an
     * event; tracked with its wire length */
    {
        struct ip a = IP("192.0.2.108"), d = IP("192.0.2.9");
        fr_init(&fr);
        fr_put(&fr, NULL, 200 - 14 - 20 - 8);
        udp_push(&fr, &a, &d, 45008, 9);
        ip_push(&fr, &a, &d);
        eth_push(&fr);
        cap_write(&c, fr_data(&fr), 50, fr_len(&fr));
    }

    /* 9: 30 bytes of IPv6 header */
    raw_eth(&c, 0x86dd, b, 30);
    /* 10, 11: an IPv6 header with version 4; payload length 100 with 20 bytes present */
    for (int n = 10; n <= 11; n++) {
        char src[32];
        snprintf(src, sizeof(src), "2001:db8::1%02d", n);
        struct ip a = IP(src), d = IP("2001:db8::9");
        fr_init(&fr);
        fr_put(&fr, NULL, 20);
        fr.nh = 59;
        ip6_push_hl(&fr, &a, &d, 64);
        if (n == 10)
            fr_data(&fr)[0] = 0x40;
        else
            be16(fr_data(&fr) + 4, 100);
        eth_push(&fr);
        emit(&c, &fr);
    }
    /* 12: 17 AH headers before UDP (ipv6.exthdr_too_many) */
    {
        struct ip a = IP("2001:db8::112"), d = IP("2001:db8::9");
        fr_init(&fr);
        fr_str(&fr, "deep");
        udp_push(&fr, &a, &d, 45012, 9);
        for (int i = 0; i < 17; i++)
            ip6_ext_push(&fr, 51, AH22, 10); /* 12-byte AH: SPI, sequence, no ICV */
        ip6_push_hl(&fr, &a, &d, 64);
        eth_push(&fr);
        emit(&c, &fr);
    }

    /* 13-15: TCP of 10 bytes; data offset 4; data offset 15 in a 24-byte segment */
    ip4_raw(&c, "192.0.2.113", 6, (const uint8_t *)"\xb0\x0d\x00\x50\x00\x00\x00\x01\x00\x00", 10);
    {
        static const uint8_t off4[20] = { 0xb0, 0x0e, 0x00, 0x50, 0, 0, 0, 1,
                                          0, 0, 0, 0, 0x40, 0x02 };
        ip4_raw(&c, "192.0.2.114", 6, off4, 20);
        static const uint8_t off15[24] = { 0xb0, 0x0f, 0x00, 0x50, 0, 0, 0, 1,
                                           0, 0, 0, 0, 0xf0, 0x02 };
        ip4_raw(&c, "192.0.2.115", 6, off15, 24);
    }
    /* 16, 17: MSS option with length 5; MSS twice (both tracked: a SYN each) */
    tcp_opts(&c, "192.0.2.116", 45016, (const uint8_t *)"\x02\x05\x05\xb4", 4);
    tcp_opts(&c, "192.0.2.117", 45017, (const uint8_t *)"\x02\x04\x05\xb4\x02\x04\x05\xb4", 8);

    /* 18-20: UDP of 4 bytes; UDP length 4; UDP length 100 in a 20-byte datagram */
    ip4_raw(&c, "192.0.2.118", 17, (const uint8_t *)"\xb0\x12\x00\x09", 4);
    ip4_raw(&c, "192.0.2.119", 17, (const uint8_t *)"\xb0\x13\x00\x09\x00\x04\x00\x00", 8);
    {
        uint8_t u[20] = { 0xb0, 0x14, 0x00, 0x09, 0x00, 100, 0, 0 };
        ip4_raw(&c, "192.0.2.120", 17, u, 20);
    }

    /* 21-34: GRE */
    static const struct {
        const char *src;
        uint8_t hdr[8];
        uint32_t hlen;
        bool payload;
    } gre[] = {
        { "192.0.2.121", { 0x00, 0x00 }, 2, false },                         /* 2 bytes */
        { "192.0.2.122", { 0x00, 0x02, 0x08, 0x00 }, 4, true },              /* version 2 */
        { "192.0.2.123", { 0x01, 0x00, 0x08, 0x00 }, 4, true },              /* v0 recursion */
        { "192.0.2.124", { 0x00, 0x08, 0x08, 0x00 }, 4, true },              /* v0 flag bit */
        { "192.0.2.125", { 0xb0, 0x00, 0x08, 0x00 }, 4, false },             /* v0 C K S, 4 bytes */
        { "192.0.2.126", { 0xa0, 0x01, 0x88, 0x0b, 0, 0, 0, 0 }, 8, false }, /* v1 checksum */
        { "192.0.2.127", { 0x40, 0x01, 0x88, 0x0b }, 4, false },             /* v1 routing */
        { "192.0.2.128", { 0x28, 0x01, 0x88, 0x0b }, 4, false },             /* v1 strict route */
        { "192.0.2.129", { 0x21, 0x01, 0x88, 0x0b }, 4, false },             /* v1 recursion */
        { "192.0.2.130", { 0x20, 0x41, 0x88, 0x0b }, 4, false },             /* v1 flag bit */
        { "192.0.2.131", { 0x00, 0x01, 0x88, 0x0b }, 4, false },             /* v1 without key */
        { "192.0.2.132", { 0x20, 0x01, 0x08, 0x00, 0, 0, 0, 0 }, 8, true },  /* v1 not PPP */
        { "192.0.2.133", { 0x30, 0x81, 0x88, 0x0b, 0, 0, 0, 0 }, 8, false }, /* v1 S A, 8 bytes */
        { "192.0.2.134", { 0x00, 0x00, 0x12, 0x34 }, 4, true },              /* unknown payload */
    };
    for (size_t i = 0; i < sizeof(gre) / sizeof(gre[0]); i++)
        gre_raw(&c, gre[i].src, gre[i].hdr, gre[i].hlen, gre[i].payload);

    /* 35: a stack of 20 MPLS labels (decoder.too_many_layers with the default 16) */
    {
        dns_packet(&fr, "192.0.2.135", S4, 45035, 1, false);
        for (int i = 19; i >= 0; i--)
            mpls_push(&fr, (uint32_t)(1000 + i), i == 19);
        eth_push(&fr);
        emit(&c, &fr);
    }
    /* 36, 37: fragments ending past the largest datagram: IPv4 offset 65512 + 40 bytes
     * (over 65535 - 20); IPv6 offset 65528 + 16 bytes (over 65535) */
    {
        struct ip a = IP("192.0.2.136"), d = IP("192.0.2.9");
        memset(b, 'z', sizeof(b));
        struct fragspec s = { &a, &d, 17, 0x3636, CS_OK, NULL, 0, 0 };
        frag_at(&c, &s, b, 65512, 40, true);
        struct ip a6 = IP("2001:db8::137"), d6 = IP("2001:db8::9");
        struct fragspec s6 = { &a6, &d6, 17, 0x3737, CS_OK, NULL, 0, 0 };
        frag_at(&c, &s6, b, 65528, 16, true);
    }
    cap_close(&c);
}

/* Defragmentation limits, run with defrag.max-fragments=4 and defrag.timeout=5:
 *   .1:46001 a DNS query in 5 fragments of 8 bytes (ipv4.frag_too_many at the fifth)
 *   [::1]:46002 the same over IPv6 (ipv6.frag_too_many)
 *   .3:46003 at t=1 the first of 2 fragments; at t=10 the second (the first was
 *   discarded at t=7: the datagram never completes) */
static void cap_frag_limits(void)
{
    struct cap c;
    uint8_t pl[128];
    cap_open(&c, "frag-limits.pcap", LT_EN10MB);
    for (int v = 4; v <= 6; v += 2) {
        struct ip a = IP(v == 4 ? "192.0.2.1" : "2001:db8::1"), b = IP(v == 4 ? S4 : S6);
        uint32_t len = dns_udp(pl, v == 4 ? "192.0.2.1" : "2001:db8::1", v == 4 ? S4 : S6,
                               v == 4 ? 46001 : 46002, dns_id++);
        struct fragspec s = { &a, &b, 17, 0x4600u + (uint32_t)v, CS_OK, NULL, 0, 0 };
        for (uint32_t off = 0; off < len; off += 8)
            frag(&c, &s, pl, off, off + 8 < len ? 8 : len - off, off + 8 < len);
    }
    struct ip a = IP("192.0.2.3"), b = IP(S4);
    uint32_t len = dns_udp(pl, "192.0.2.3", S4, 46003, dns_id++);
    struct fragspec s = { &a, &b, 17, 0x4603, CS_OK, NULL, 0, 0 };
    cap_at_ms(&c, 1000);
    frag(&c, &s, pl, 0, 16, true);
    cap_at_ms(&c, 10000);
    frag(&c, &s, pl, 16, len - 16, false);
    cap_close(&c);
}

static void counters_reset(void)
{
    ip_id = 0x1000;
    dns_id = 0x4000;
    erspan_seq = 0;
    pptp_seq = 0;
}

/* ---------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkpcap OUTDIR\n");
        return 2;
    }
    outdir = argv[1];
    if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "mkpcap: %s: %s\n", outdir, strerror(errno));
        return 1;
    }
    cap_ethernet();
    cap_sll();
    cap_sll2();
    cap_null();
    cap_loop();
    cap_raw();
    cap_ppp();
    cap_chdlc();
    cap_vlan();
    cap_qinq();
    cap_mpls();
    cap_pppoe();
    cap_gre();
    cap_gre_teb();
    cap_erspan2();
    cap_erspan3();
    cap_pptp();
    cap_vxlan();
    cap_gtpu();
    cap_ipip();
    cap_ipv4_options();
    cap_ipv6_exthdrs();
    cap_frag(4);
    cap_frag(6);
    cap_frag_overlap(4);
    cap_frag_overlap(6);
    cap_tcp_state();
    cap_flow_timeout();
    cap_icmp();
    cap_icmpv6();
    cap_sctp();
    cap_checksums();
    cap_malformed();
    cap_frag_limits();
    return 0;
}
