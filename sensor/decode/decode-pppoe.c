/* PPPoE session stage decoder. Spec: RFC 2516 section 4 (PPPoE header), RFC 1661
 * (PPP protocol field), RFC 1332 and RFC 5072 (IPv4 and IPv6 over PPP).
 *
 *   ver(4)=1 type(4)=1 | code(8)=0 | session id(16) | length(16) | PPP protocol(16) | ...
 *
 * The payload is dispatched by decode_ppp_protocol(); LCP, PAP and the like are control
 * traffic. A malformed header is a PPPoE frame we cannot use, not an attack
 * surface of its own, so it is counted as non-IP. */
#include "decode.h"
#include "util/util-cursor.h"

int decode_pppoe_session(struct decode_thread *dt, struct packet *p, const uint8_t *data,
                         uint32_t len)
{
    struct cursor c;
    uint8_t vt, code;
    uint16_t session, plen, proto;
    cursor_init(&c, data, len);
    if (!cursor_u8(&c, &vt) || !cursor_u8(&c, &code) || !cursor_be16(&c, &session) ||
        !cursor_be16(&c, &plen) || !cursor_be16(&c, &proto))
        return CANH_AGAIN;
    if (vt != 0x11 || code != 0)
        return CANH_AGAIN;
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    return decode_ppp_protocol(dt, p, proto, cursor_ptr(&c), cursor_left(&c));
}
