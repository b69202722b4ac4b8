/* Linux "cooked" capture decoders (DLT_LINUX_SLL and DLT_LINUX_SLL2), used when
 * capturing on "any" or on interfaces without a link-layer header.
 * Spec: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and LINUX_SLL2.html
 *
 *   SLL  (16 bytes): pkttype(2) hatype(2) halen(2) addr(8) protocol(2)
 *   SLL2 (20 bytes): protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8)
 *
 * 'protocol' is an ethertype when it is above 1500. */
#include "decode.h"
#include "util/util-cursor.h"

int decode_sll(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint16_t proto;
    cursor_init(&c, data, len);
    if (!cursor_skip(&c, 14) || !cursor_be16(&c, &proto))
        return decode_event(dt, p, DECODE_EV_SLL_PKT_TOO_SMALL);
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.sll);
    if (proto <= 1500)
        return CANH_AGAIN;
    return decode_ethertype(dt, p, proto, cursor_ptr(&c), cursor_left(&c));
}

int decode_sll2(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint16_t proto;
    cursor_init(&c, data, len);
    if (!cursor_be16(&c, &proto) || !cursor_skip(&c, 18))
        return decode_event(dt, p, DECODE_EV_SLL2_PKT_TOO_SMALL);
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.sll2);
    if (proto <= 1500)
        return CANH_AGAIN;
    return decode_ethertype(dt, p, proto, cursor_ptr(&c), cursor_left(&c));
}
