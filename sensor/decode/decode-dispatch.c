/* Flow-affinity hash for dispatching packets of a file to workers.
 *
 * Reads just enough of the frame to find the IP addresses of the flow the decoder will
 * track, and returns a hash that is the same for both directions. That is the innermost
 * IP header: tunnels (IP-in-IP, GRE with its IP, Ethernet and ERSPAN payloads, VXLAN,
 * GTP-U) are followed, so one inner flow carried by two different tunnel endpoints (for
 * example the two directions of a connection mirrored by two switches over ERSPAN) stays
 * on one worker. It hashes addresses only, not ports, so every fragment of an inner
 * datagram reaches the same worker too. An outer IP fragment is hashed on its own
 * addresses: only the first fragment shows what is inside. The price of hashing
 * addresses is that one busy host pair stays on one worker. Frames without IP hash to 0.
 *
 * The tunnel rules mirror the decoders' (decode-gre.c, decode-udp.c, decode-gtp.c); the
 * workers suite checks, on every capture, that N workers give the events of one. */
#include "decode.h"

#include <pcap/dlt.h>
#include <string.h>

#include "util/util-cursor.h"
#include "util/util-hash.h"

#define DISPATCH_MAX_DEPTH 8 /* tunnels followed; the decoder caps nesting anyway */

struct dispatch {
    uint64_t a, b; /* addresses of the innermost IP header found so far, folded */
    bool found;
    int depth;
};

static uint32_t dispatch_ethertype(struct dispatch *d, struct cursor *c, uint16_t type);

/* Inner payload of a tunnel, by what it carries. */
enum { INNER_IP, INNER_ETHERNET };

static void dispatch_inner(struct dispatch *d, struct cursor *c, int kind);

/* GRE (RFC 2784/2890, ERSPAN): skips the header and follows IP, Ethernet and ERSPAN. */
static void dispatch_gre(struct dispatch *d, struct cursor *c)
{
    uint16_t flags, proto;
    if (!cursor_be16(c, &flags) || !cursor_be16(c, &proto))
        return;
    if ((flags & 0x0007) == 1) {
        /* Enhanced GRE (PPTP): key, then sequence and acknowledgment if flagged, then
         * PPP with optional address/control and a 1- or 2-byte protocol. */
        uint8_t b0, b1;
        uint16_t ppp;
        uint32_t skip = 4 + ((flags & 0x1000) ? 4 : 0) + ((flags & 0x0080) ? 4 : 0);
        if ((flags & 0xef78) != 0x2000 || proto != 0x880b || !cursor_skip(c, skip)) /* K set; C, R, s, recursion, flags clear */
            return;
        if (cursor_peek_u8(c, 0, &b0) && b0 == 0xff && cursor_peek_u8(c, 1, &b1) && b1 == 0x03)
            (void)cursor_skip(c, 2);
        if (!cursor_peek_u8(c, 0, &b0))
            return;
        if (b0 & 0x01) {
            ppp = b0;
            (void)cursor_skip(c, 1);
        } else if (!cursor_be16(c, &ppp)) {
            return;
        }
        if (ppp == 0x0021 || ppp == 0x0057)
            dispatch_inner(d, c, INNER_IP);
        return;
    }
    /* Version 0 with the flags decode_gre accepts: C, K, S; no routing, no recursion. */
    if ((flags & 0x4ff8) != 0 || (flags & 0x0007) != 0)
        return;
    uint32_t skip = ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) + ((flags & 0x1000) ? 4 : 0);
    if (!cursor_skip(c, skip))
        return;
    switch (proto) {
    case 0x0800:
    case 0x86dd:
        dispatch_inner(d, c, INNER_IP);
        return;
    case 0x6558:
        dispatch_inner(d, c, INNER_ETHERNET);
        return;
    case 0x88be: /* ERSPAN type I (no sequence) or II (8-byte header) */
        if ((flags & 0x1000) && !cursor_skip(c, 8))
            return;
        dispatch_inner(d, c, INNER_ETHERNET);
        return;
    case 0x22eb: { /* ERSPAN type III: 12 bytes, 8 more with the O flag */
        uint8_t last;
        if (!cursor_peek_u8(c, 11, &last) || !cursor_skip(c, (last & 0x01) ? 20 : 12))
            return;
        dispatch_inner(d, c, INNER_ETHERNET);
        return;
    }
    default:
        return;
    }
}

/* VXLAN (RFC 7348) and GTP-U (TS 29.281) inside UDP, as decode_udp recognises them. */
static void dispatch_udp(struct dispatch *d, struct cursor *c)
{
    uint16_t sport, dport, len;
    if (!cursor_be16(c, &sport) || !cursor_be16(c, &dport) || !cursor_be16(c, &len) ||
        !cursor_skip(c, 2))
        return;
    if (dport == 4789) {
        uint32_t w0, w1;
        if (cursor_be32(c, &w0) && cursor_be32(c, &w1) && w0 == 0x08000000u && (w1 & 0xff) == 0)
            dispatch_inner(d, c, INNER_ETHERNET);
        return;
    }
    if (dport == 2152 || sport == 2152) {
        uint8_t flags, type, next = 0;
        if (!cursor_u8(c, &flags) || !cursor_u8(c, &type) || !cursor_skip(c, 6) ||
            (flags & 0xf0) != 0x30 || type != 255)
            return;
        if (flags & 0x07) {
            if (!cursor_skip(c, 3) || !cursor_u8(c, &next))
                return;
            if (!(flags & 0x04))
                next = 0;
        }
        for (int n = 0; next != 0 && n < 8; n++) {
            uint8_t elen;
            if (!cursor_u8(c, &elen) || elen == 0 || !cursor_skip(c, (uint32_t)elen * 4 - 2) ||
                !cursor_u8(c, &next))
                return;
        }
        if (next == 0)
            dispatch_inner(d, c, INNER_IP);
    }
}

/* Reads an IP header; records its addresses and follows a tunnel it carries. */
static void dispatch_ip(struct dispatch *d, struct cursor *c)
{
    uint8_t v;
    if (!cursor_peek_u8(c, 0, &v))
        return;
    const uint8_t *hdr = cursor_ptr(c);
    uint8_t proto;
    bool fragment = false;
    if (v >> 4 == 4) {
        uint32_t hlen = (uint32_t)(v & 0x0f) * 4;
        if (hlen < 20 || !cursor_has(c, hlen))
            return;
        uint32_t s, t;
        memcpy(&s, hdr + 12, 4);
        memcpy(&t, hdr + 16, 4);
        d->a = s;
        d->b = t;
        d->found = true;
        proto = hdr[9];
        fragment = (((uint16_t)hdr[6] << 8 | hdr[7]) & 0x3fff) != 0;
        (void)cursor_skip(c, hlen);
    } else if (v >> 4 == 6) {
        uint64_t s[2], t[2];
        if (!cursor_has(c, 40))
            return;
        memcpy(s, hdr + 8, 16);
        memcpy(t, hdr + 24, 16);
        d->a = s[0] ^ hash_mix64(s[1]);
        d->b = t[0] ^ hash_mix64(t[1]);
        d->found = true;
        proto = hdr[6];
        (void)cursor_skip(c, 40);
        /* Extension headers before a tunnel or UDP (hop-by-hop, routing, destination). */
        for (int n = 0; n < 8 && (proto == 0 || proto == 43 || proto == 60); n++) {
            uint8_t next, hl;
            if (!cursor_peek_u8(c, 0, &next) || !cursor_peek_u8(c, 1, &hl) ||
                !cursor_skip(c, ((uint32_t)hl + 1) * 8))
                return;
            proto = next;
        }
        fragment = proto == 44;
    } else {
        return;
    }
    if (fragment || ++d->depth > DISPATCH_MAX_DEPTH)
        return;
    switch (proto) {
    case 4:
    case 41:
        dispatch_ip(d, c);
        return;
    case 47:
        dispatch_gre(d, c);
        return;
    case 17:
        dispatch_udp(d, c);
        return;
    default:
        return;
    }
}

static void dispatch_inner(struct dispatch *d, struct cursor *c, int kind)
{
    if (kind == INNER_IP) {
        dispatch_ip(d, c);
        return;
    }
    uint16_t type;
    if (cursor_skip(c, 12) && cursor_be16(c, &type))
        (void)dispatch_ethertype(d, c, type);
}

/* Walks VLAN, MPLS and PPPoE headers to the IP header. Returns 0 when there is none. */
static uint32_t dispatch_ethertype(struct dispatch *d, struct cursor *c, uint16_t type)
{
    for (int layers = 0; layers < 16; layers++) {
        switch (type) {
        case 0x0800:
        case 0x86dd:
            dispatch_ip(d, c);
            return 1;
        case 0x8100:
        case 0x88a8:
        case 0x9100:
            if (!cursor_skip(c, 2) || !cursor_be16(c, &type))
                return 0;
            break;
        case 0x8847:
        case 0x8848: {
            uint32_t e;
            do {
                if (!cursor_be32(c, &e))
                    return 0;
            } while (!(e & 0x100));
            dispatch_ip(d, c);
            return 1;
        }
        case 0x8864: {
            uint16_t ppp;
            if (!cursor_skip(c, 6) || !cursor_be16(c, &ppp) || (ppp != 0x0021 && ppp != 0x0057))
                return 0;
            dispatch_ip(d, c);
            return 1;
        }
        default:
            return 0;
        }
    }
    return 0;
}

uint32_t decode_dispatch_hash(int linktype, const uint8_t *data, uint32_t caplen)
{
    struct cursor c;
    struct dispatch d = { 0 };
    uint16_t type;
    cursor_init(&c, data, caplen);
    switch (linktype) {
    case DLT_EN10MB:
        if (cursor_skip(&c, 12) && cursor_be16(&c, &type))
            (void)dispatch_ethertype(&d, &c, type);
        break;
    case DLT_LINUX_SLL:
        if (cursor_skip(&c, 14) && cursor_be16(&c, &type))
            (void)dispatch_ethertype(&d, &c, type);
        break;
    case DLT_LINUX_SLL2:
        if (cursor_be16(&c, &type) && cursor_skip(&c, 18))
            (void)dispatch_ethertype(&d, &c, type);
        break;
    case DLT_NULL:
    case DLT_LOOP:
        if (cursor_skip(&c, 4))
            dispatch_ip(&d, &c);
        break;
    case DLT_PPP:
    case DLT_PPP_SERIAL: {
        uint8_t b0;
        uint16_t proto;
        if (cursor_peek_u8(&c, 0, &b0) && (b0 == 0x0f || b0 == 0x8f)) {
            /* Cisco HDLC framing, as decode_ppp recognises it */
            if (cursor_skip(&c, 2) && cursor_be16(&c, &type))
                (void)dispatch_ethertype(&d, &c, type);
            break;
        }
        if (cursor_peek_u8(&c, 0, &b0) && b0 == 0xff)
            (void)cursor_skip(&c, 2);
        if (cursor_peek_u8(&c, 0, &b0) && (b0 & 0x01)) {
            proto = b0; /* compressed protocol field (RFC 1661 6.5) */
            (void)cursor_skip(&c, 1);
        } else if (!cursor_be16(&c, &proto)) {
            break;
        }
        if (proto == 0x0021 || proto == 0x0057)
            dispatch_ip(&d, &c);
        break;
    }
    case DLT_C_HDLC:
        if (cursor_skip(&c, 2) && cursor_be16(&c, &type))
            (void)dispatch_ethertype(&d, &c, type);
        break;
    default:
        dispatch_ip(&d, &c);
        break;
    }
    if (!d.found)
        return 0;
    uint64_t h = hash_mix64(d.a) + hash_mix64(d.b); /* symmetric */
    return (uint32_t)(h ^ (h >> 32));
}
