/* GTP-U decoder (user plane of mobile networks). Spec: 3GPP TS 29.281 section 5.
 *
 *   | ver(3)=1 PT(1)=1 *(1) E(1) S(1) PN(1) | message type | length(16) | TEID(32) |
 *   [ sequence(16) | N-PDU(8) | next extension type(8) ]   when E, S or PN is set
 *   [ extension headers: length(8, in 4-byte units) ... next type(8) ]
 *
 * Only G-PDUs (message type 255) carry user packets: IPv4 or IPv6, told apart by the
 * version nibble. Other messages (echo, error indication, end marker) are signalling and
 * are left as plain UDP. A datagram to port 2152 that is not GTP-U version 1 is plain
 * UDP too, so a malformed header is not an event. */
#include "decode.h"
#include "util/util-cursor.h"

#define GTPU_GPDU 255

int decode_gtpu(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint8_t flags, type, next = 0;
    uint16_t glen;
    cursor_init(&c, data, len);
    if (!cursor_u8(&c, &flags) || !cursor_u8(&c, &type) || !cursor_be16(&c, &glen) ||
        !cursor_skip(&c, 4))
        return CANH_OK;
    if ((flags & 0xf0) != 0x30 || type != GTPU_GPDU)
        return CANH_OK;
    if (flags & 0x07) {
        if (!cursor_skip(&c, 3) || !cursor_u8(&c, &next))
            return CANH_OK;
        /* 5.1: with E clear the field is there (because S or PN is set) but "shall not
         * be interpreted"; reading it would leave such G-PDUs undecoded. */
        if (!(flags & 0x04))
            next = 0;
    }
    for (int n = 0; next != 0 && n < 8; n++) {
        uint8_t elen;
        if (!cursor_u8(&c, &elen) || elen == 0 ||
            !cursor_skip(&c, (uint32_t)elen * 4 - 2) || !cursor_u8(&c, &next))
            return CANH_OK;
    }
    uint8_t first;
    if (next != 0 || !cursor_peek_u8(&c, 0, &first) || (first >> 4 != 4 && first >> 4 != 6))
        return CANH_OK;
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.gtp);
    decode_tunnel_enter(p, TUNNEL_GTP);
    if (first >> 4 == 4)
        return decode_ipv4(dt, p, cursor_ptr(&c), cursor_left(&c));
    return decode_ipv6(dt, p, cursor_ptr(&c), cursor_left(&c));
}
