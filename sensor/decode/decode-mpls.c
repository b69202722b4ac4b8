/* MPLS label stack decoder. Spec: RFC 3032 (label stack encoding), RFC 4385 (pseudowire
 * control word), RFC 7274 (reserved labels).
 *
 * Each entry: label(20) TC(3) S(1) TTL(8); S marks the bottom of the stack. The payload
 * after the bottom entry is not typed: label 0 is IPv4 and 2 is IPv6 (explicit null);
 * otherwise the first nibble tells IPv4 (4), IPv6 (6), or an Ethernet pseudowire with a
 * control word (0). Labels 1 (router alert) and 3 (implicit null) must not be at the
 * bottom of the stack, and 4-15 are reserved. */
#include "decode.h"
#include "util/util-cursor.h"

#define MPLS_LABEL_IPV4_NULL 0
#define MPLS_LABEL_ROUTER_ALERT 1
#define MPLS_LABEL_IPV6_NULL 2
#define MPLS_LABEL_IMPLICIT_NULL 3
#define MPLS_LABEL_MAX_RESERVED 15

int decode_mpls(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint32_t entry, label;
    cursor_init(&c, data, len);
    STAT_INC(dt->stats.mpls);
    do {
        if (!cursor_be32(&c, &entry))
            return decode_event(dt, p, DECODE_EV_MPLS_HEADER_TOO_SMALL);
        if (!decode_layer_enter(dt, p))
            return CANH_ERR;
        label = entry >> 12;
    } while (!(entry & 0x100));

    if (label == MPLS_LABEL_IPV4_NULL)
        return decode_ipv4(dt, p, cursor_ptr(&c), cursor_left(&c));
    if (label == MPLS_LABEL_IPV6_NULL)
        return decode_ipv6(dt, p, cursor_ptr(&c), cursor_left(&c));
    if (label == MPLS_LABEL_ROUTER_ALERT)
        return decode_event(dt, p, DECODE_EV_MPLS_BAD_LABEL_ROUTER_ALERT);
    if (label == MPLS_LABEL_IMPLICIT_NULL)
        return decode_event(dt, p, DECODE_EV_MPLS_BAD_LABEL_IMPLICIT_NULL);
    if (label <= MPLS_LABEL_MAX_RESERVED)
        return decode_event(dt, p, DECODE_EV_MPLS_BAD_LABEL_RESERVED);

    uint8_t first;
    if (!cursor_peek_u8(&c, 0, &first))
        return decode_event(dt, p, DECODE_EV_MPLS_HEADER_TOO_SMALL);
    switch (first >> 4) {
    case 4:
        return decode_ipv4(dt, p, cursor_ptr(&c), cursor_left(&c));
    case 6:
        return decode_ipv6(dt, p, cursor_ptr(&c), cursor_left(&c));
    case 0:
        /* Ethernet pseudowire: 4-byte control word, then the frame. */
        if (!cursor_skip(&c, 4))
            return decode_event(dt, p, DECODE_EV_MPLS_HEADER_TOO_SMALL);
        return decode_ethernet(dt, p, cursor_ptr(&c), cursor_left(&c));
    default:
        return decode_event(dt, p, DECODE_EV_MPLS_UNKNOWN_PAYLOAD_TYPE);
    }
}
