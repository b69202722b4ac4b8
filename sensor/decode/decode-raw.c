/* Raw IP decoder (DLT_RAW, DLT_IPV4, DLT_IPV6): the packet starts with an IPv4 or IPv6
 * header, told apart by the version nibble. */
#include "decode.h"
#include "util/util-cursor.h"

int decode_raw(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint8_t first;
    cursor_init(&c, data, len);
    if (!cursor_peek_u8(&c, 0, &first))
        return decode_event(dt, p, DECODE_EV_IPRAW_INVALID_IPV);
    STAT_INC(dt->stats.raw);
    switch (first >> 4) {
    case 4:
        return decode_ipv4(dt, p, data, len);
    case 6:
        return decode_ipv6(dt, p, data, len);
    default:
        return decode_event(dt, p, DECODE_EV_IPRAW_INVALID_IPV);
    }
}
