/* BSD loopback decoders (DLT_NULL and DLT_LOOP). Spec:
 * https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html
 *
 * A 4-byte address family precedes the IP packet: in the byte order of the host that
 * wrote the capture for DLT_NULL, in network order for DLT_LOOP. IPv4 is AF_INET (2)
 * everywhere; IPv6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (macOS), 10 on Linux. */
#include "decode.h"
#include "util/util-cursor.h"

int decode_null(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint32_t family;
    cursor_init(&c, data, len);
    if (!cursor_le32(&c, &family))
        return decode_event(dt, p, DECODE_EV_LTNULL_PKT_TOO_SMALL);
    /* Either byte order: the family values are all below 256. */
    if (family > 0xffff)
        family = __builtin_bswap32(family);
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.null);
    switch (family) {
    case 2:
        return decode_ipv4(dt, p, cursor_ptr(&c), cursor_left(&c));
    case 10:
    case 24:
    case 28:
    case 30:
        return decode_ipv6(dt, p, cursor_ptr(&c), cursor_left(&c));
    default:
        return decode_event(dt, p, DECODE_EV_LTNULL_UNSUPPORTED_TYPE);
    }
}
