/* PPP decoders. Spec: RFC 1661 (PPP, protocol field), RFC 1662 (HDLC-like framing:
 * address 0xff, control 0x03), RFC 1332 / RFC 5072 (IPv4 / IPv6 over PPP), and Cisco
 * HDLC (address 0x0f or 0x8f, control 0x00, then an ethertype; as tcpdump decodes it).
 *
 * decode_ppp_protocol() is the one dispatch of a PPP protocol number, used by the PPP
 * link type, PPPoE sessions and enhanced GRE (PPTP). Control protocols (LCP, IPCP, CHAP,
 * ...) carry no IP and end decoding quietly. */
#include "decode.h"
#include "util/util-cursor.h"

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

int decode_ppp_protocol(struct decode_thread *dt, struct packet *p, uint16_t proto,
                        const uint8_t *data, uint32_t len)
{
    switch (proto) {
    case PPP_IPV4:
        return decode_ipv4(dt, p, data, len);
    case PPP_IPV6:
        return decode_ipv6(dt, p, data, len);
    default:
        return CANH_AGAIN;
    }
}

/* Reads the optional address/control bytes and a protocol field that may be compressed
 * to one byte (RFC 1661 6.5: an odd first byte is the whole field). */
static bool ppp_header(struct cursor *c, uint16_t *proto)
{
    uint8_t b0, b1;
    if (cursor_peek_u8(c, 0, &b0) && b0 == 0xff && cursor_peek_u8(c, 1, &b1) && b1 == 0x03)
        (void)cursor_skip(c, 2);
    if (!cursor_peek_u8(c, 0, &b0))
        return false;
    if (b0 & 0x01) {
        *proto = b0;
        return cursor_skip(c, 1);
    }
    return cursor_be16(c, proto);
}

#define CHDLC_UNICAST 0x0f
#define CHDLC_BCAST 0x8f

int decode_ppp(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint16_t proto;
    cursor_init(&c, data, len);
    /* Captures labelled PPP often hold Cisco HDLC frames; tcpdump tells them apart by
     * the address byte, and so do we. */
    uint8_t b0;
    if (cursor_peek_u8(&c, 0, &b0) && (b0 == CHDLC_UNICAST || b0 == CHDLC_BCAST))
        return decode_chdlc(dt, p, data, len);
    if (!ppp_header(&c, &proto))
        return decode_event(dt, p, DECODE_EV_PPP_PKT_TOO_SMALL);
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.ppp);
    return decode_ppp_protocol(dt, p, proto, cursor_ptr(&c), cursor_left(&c));
}

/* Inside enhanced GRE the PPP frame may be empty (an acknowledgment only). */
int decode_ppp_in_gre(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint16_t proto;
    cursor_init(&c, data, len);
    if (len == 0)
        return CANH_AGAIN;
    if (!ppp_header(&c, &proto))
        return decode_event(dt, p, DECODE_EV_GRE_PKT_TOO_SMALL);
    return decode_ppp_protocol(dt, p, proto, cursor_ptr(&c), cursor_left(&c));
}

int decode_chdlc(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint8_t addr, ctrl;
    uint16_t type;
    cursor_init(&c, data, len);
    if (!cursor_u8(&c, &addr) || !cursor_u8(&c, &ctrl) || !cursor_be16(&c, &type))
        return decode_event(dt, p, DECODE_EV_CHDLC_PKT_TOO_SMALL);
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.ppp);
    /* SLARP keepalives (0x8035) and CDP carry no IP: decode_ethertype returns AGAIN. */
    return decode_ethertype(dt, p, type, cursor_ptr(&c), cursor_left(&c));
}
