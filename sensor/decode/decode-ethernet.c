/* Ethernet II decoder. Spec: IEEE 802.3 clause 3 (Ethernet II framing).
 *
 *   0      6      12     14
 *   | dst  | src  | type | payload ...
 *
 * A type/length field of 1500 or less is an 802.3 length (LLC frames: STP, CDP, ...),
 * which carries no IP here. */
#include "decode.h"
#include "util/util-cursor.h"

int decode_ethernet(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint16_t type;
    cursor_init(&c, data, len);
    if (!cursor_skip(&c, 12) || !cursor_be16(&c, &type))
        return decode_event(dt, p, DECODE_EV_ETHERNET_PKT_TOO_SMALL);
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.ethernet);
    if (type <= 1500)
        return CANH_AGAIN;
    return decode_ethertype(dt, p, type, cursor_ptr(&c), cursor_left(&c));
}
