/* VXLAN decoder. Spec: RFC 7348 section 5.
 *
 *   |R|R|R|R|I|R|R|R|            Reserved                           |
 *   |                VXLAN Network Identifier (VNI) |   Reserved    |
 *
 * followed by the inner Ethernet frame. Only the I flag may be set; a datagram to port
 * 4789 that does not look like VXLAN is left as plain UDP (other software uses the port),
 * so a "bad VXLAN header" is not an event. */
#include "decode.h"
#include "util/util-cursor.h"

#define VXLAN_HEADER_LEN 8
#define VXLAN_FLAG_I 0x08

int decode_vxlan(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint32_t w0, w1;
    cursor_init(&c, data, len);
    if (!cursor_be32(&c, &w0) || !cursor_be32(&c, &w1))
        return CANH_OK;
    if (w0 != (uint32_t)VXLAN_FLAG_I << 24 || (w1 & 0xff) != 0 || cursor_left(&c) < 14)
        return CANH_OK;
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.vxlan);
    decode_tunnel_enter(p, TUNNEL_VXLAN);
    return decode_ethernet(dt, p, cursor_ptr(&c), cursor_left(&c));
}
