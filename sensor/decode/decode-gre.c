/* GRE decoder. Spec: RFC 2784 (GRE), RFC 2890 (key and sequence number), RFC 1701
 * (the original flags), RFC 2637 section 4.1 (enhanced GRE, version 1, used by PPTP),
 * and the ERSPAN encapsulations (draft-foschiano-erspan, types I, II and III).
 *
 *   |C|R|K|S|s|Recur|  Flags  | Ver |         Protocol Type         |
 *   |      Checksum (optional)      |       Reserved1 (optional)    |
 *   |                         Key (optional)                        |
 *   |                 Sequence Number (optional)                    |
 *   |     Acknowledgment Number (optional, version 1 'A' flag)      |
 *
 * Payloads decoded: IPv4, IPv6, transparent Ethernet bridging, ERSPAN, MPLS, VLAN-tagged
 * frames, WCCP redirects, and PPP carrying IP (version 1). The source-route (R) option
 * of RFC 1701 is obsolete and reported as bad flags. */
#include "decode.h"
#include "util/util-cursor.h"

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_SSR 0x0800
#define GRE_RECUR 0x0700
#define GRE_A 0x0080     /* version 1: acknowledgment present */
#define GRE_FLAGS_V0 0x00f8
#define GRE_FLAGS_V1 0x0078
#define GRE_VERSION 0x0007

#define GRE_PROTO_IPV4 0x0800
#define GRE_PROTO_IPV6 0x86dd
#define GRE_PROTO_TEB 0x6558     /* transparent Ethernet bridging */
#define GRE_PROTO_ERSPAN2 0x88be /* ERSPAN type I (no S bit) and II */
#define GRE_PROTO_ERSPAN3 0x22eb
#define GRE_PROTO_PPP 0x880b
#define GRE_PROTO_WCCP 0x883e
#define GRE_PROTO_MPLS 0x8847
#define GRE_PROTO_VLAN 0x8100

/* ERSPAN type II: ver(4)=1 vlan(12) cos(3) en(2) t(1) session(10) | reserved(12) index(20)
 * ERSPAN type III: ver(4)=2 vlan(12) cos(3) bso(2) t(1) session(10) | timestamp(32) |
 *                  sgt(16) p(1) ft(5) hw(6) d(1) gra(2) o(1); 8 more bytes if o. */
static int decode_erspan(struct decode_thread *dt, struct packet *p, uint16_t proto, bool seq,
                         struct cursor *c)
{
    if (proto == GRE_PROTO_ERSPAN2 && !seq) {
        /* Type I: no ERSPAN header at all, but a layer all the same. */
        if (!decode_layer_enter(dt, p))
            return CANH_ERR;
        STAT_INC(dt->stats.erspan);
        return decode_ethernet(dt, p, cursor_ptr(c), cursor_left(c));
    }
    uint16_t w;
    if (!cursor_peek_be16(c, 0, &w))
        return decode_event(dt, p, DECODE_EV_ERSPAN_HEADER_TOO_SMALL);
    unsigned ver = w >> 12;
    uint32_t hlen;
    if (proto == GRE_PROTO_ERSPAN2 && ver == 1) {
        hlen = 8;
    } else if (proto == GRE_PROTO_ERSPAN3 && ver == 2) {
        uint8_t last;
        if (!cursor_peek_u8(c, 11, &last))
            return decode_event(dt, p, DECODE_EV_ERSPAN_HEADER_TOO_SMALL);
        hlen = (last & 0x01) ? 20 : 12;
    } else {
        return decode_event(dt, p, DECODE_EV_ERSPAN_UNSUPPORTED_VERSION);
    }
    if (!cursor_skip(c, hlen))
        return decode_event(dt, p, DECODE_EV_ERSPAN_HEADER_TOO_SMALL);
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.erspan);
    return decode_ethernet(dt, p, cursor_ptr(c), cursor_left(c));
}

/* Checks the version-specific rules; returns the header length or 0 after an event. */
static uint32_t gre_header_len(struct decode_thread *dt, struct packet *p, uint16_t flags,
                               uint16_t proto)
{
    uint32_t hlen = 4;
    switch (flags & GRE_VERSION) {
    case 0:
        if (flags & GRE_RECUR) {
            decode_note(dt, p, DECODE_EV_GRE_VERSION0_RECUR);
            return 0;
        }
        if (flags & (GRE_FLAGS_V0 | GRE_R | GRE_SSR)) {
            decode_note(dt, p, DECODE_EV_GRE_VERSION0_FLAGS);
            return 0;
        }
        if (flags & GRE_C)
            hlen += 4;
        if (flags & GRE_K)
            hlen += 4;
        if (flags & GRE_S)
            hlen += 4;
        return hlen;
    case 1: {
        static const struct { uint16_t bit; enum decode_event ev; } rules[] = {
            { GRE_C, DECODE_EV_GRE_VERSION1_CHKSUM },  { GRE_R, DECODE_EV_GRE_VERSION1_ROUTE },
            { GRE_SSR, DECODE_EV_GRE_VERSION1_SSR },   { GRE_RECUR, DECODE_EV_GRE_VERSION1_RECUR },
            { GRE_FLAGS_V1, DECODE_EV_GRE_VERSION1_FLAGS },
        };
        for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
            if (flags & rules[i].bit) {
                decode_note(dt, p, rules[i].ev);
                return 0;
            }
        if (!(flags & GRE_K)) {
            decode_note(dt, p, DECODE_EV_GRE_VERSION1_NO_KEY);
            return 0;
        }
        if (proto != GRE_PROTO_PPP) {
            decode_note(dt, p, DECODE_EV_GRE_VERSION1_WRONG_PROTOCOL);
            return 0;
        }
        hlen += 4; /* key: payload length and call id */
        if (flags & GRE_S)
            hlen += 4;
        if (flags & GRE_A)
            hlen += 4;
        return hlen;
    }
    default:
        decode_note(dt, p, DECODE_EV_GRE_WRONG_VERSION);
        return 0;
    }
}

static bool gre_payload_known(uint16_t proto)
{
    switch (proto) {
    case GRE_PROTO_IPV4:
    case GRE_PROTO_IPV6:
    case GRE_PROTO_TEB:
    case GRE_PROTO_ERSPAN2:
    case GRE_PROTO_ERSPAN3:
    case GRE_PROTO_MPLS:
    case GRE_PROTO_VLAN:
    case GRE_PROTO_WCCP:
    case GRE_PROTO_PPP:
        return true;
    default:
        return false;
    }
}

int decode_gre(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint16_t flags, proto;
    cursor_init(&c, data, len);
    if (!cursor_be16(&c, &flags) || !cursor_be16(&c, &proto))
        return decode_event(dt, p, DECODE_EV_GRE_PKT_TOO_SMALL);
    uint32_t hlen = gre_header_len(dt, p, flags, proto);
    if (hlen == 0)
        return CANH_ERR;
    if (!cursor_skip(&c, hlen - 4))
        return decode_event(dt, p, (flags & GRE_VERSION) ? DECODE_EV_GRE_VERSION1_HDR_TOO_BIG
                                                         : DECODE_EV_GRE_VERSION0_HDR_TOO_BIG);
    if (!gre_payload_known(proto))
        return decode_event(dt, p, DECODE_EV_GRE_UNKNOWN_PAYLOAD_TYPE); /* outer addresses kept */
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.gre);
    decode_tunnel_enter(p, TUNNEL_GRE);

    switch (proto) {
    case GRE_PROTO_IPV4:
        return decode_ipv4(dt, p, cursor_ptr(&c), cursor_left(&c));
    case GRE_PROTO_IPV6:
        return decode_ipv6(dt, p, cursor_ptr(&c), cursor_left(&c));
    case GRE_PROTO_TEB:
        return decode_ethernet(dt, p, cursor_ptr(&c), cursor_left(&c));
    case GRE_PROTO_ERSPAN2:
    case GRE_PROTO_ERSPAN3:
        p->tunnel = TUNNEL_ERSPAN;
        return decode_erspan(dt, p, proto, (flags & GRE_S) != 0, &c);
    case GRE_PROTO_MPLS:
        return decode_mpls(dt, p, cursor_ptr(&c), cursor_left(&c));
    case GRE_PROTO_VLAN:
        return decode_vlan(dt, p, cursor_ptr(&c), cursor_left(&c));
    case GRE_PROTO_WCCP: {
        /* WCCPv2 redirect header (4 bytes) unless the IPv4 header follows directly. */
        uint8_t first;
        if (cursor_peek_u8(&c, 0, &first) && first >> 4 != 4)
            (void)cursor_skip(&c, 4);
        return decode_ipv4(dt, p, cursor_ptr(&c), cursor_left(&c));
    }
    case GRE_PROTO_PPP:
        return decode_ppp_in_gre(dt, p, cursor_ptr(&c), cursor_left(&c));
    default:
        return decode_event(dt, p, DECODE_EV_GRE_UNKNOWN_PAYLOAD_TYPE);
    }
}
