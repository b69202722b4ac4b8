/* Flow-affinity hash for dispatching packets of a file to workers.
 *
 * Reads just enough of the frame to find the outermost IP addresses and returns a hash
 * that is the same for both directions. It hashes addresses only, not ports, so that
 * every fragment of a datagram, every packet of a tunnel, and every packet of a flow
 * reach the same worker whatever defragmentation or tunnel decoding later finds. The
 * price is that one busy host pair stays on one worker. Frames without IP hash to 0. */
#include "decode.h"

#include <pcap/dlt.h>
#include <string.h>

#include "util/util-cursor.h"
#include "util/util-hash.h"

static uint32_t dispatch_ip(struct cursor *c)
{
    uint8_t v;
    if (!cursor_peek_u8(c, 0, &v))
        return 0;
    uint64_t a, b;
    if (v >> 4 == 4) {
        uint32_t s, d;
        if (!cursor_skip(c, 12) || !cursor_be32(c, &s) || !cursor_be32(c, &d))
            return 0;
        a = s;
        b = d;
    } else if (v >> 4 == 6) {
        uint64_t s[2], d[2];
        if (!cursor_skip(c, 8) || !cursor_bytes(c, s, 16) || !cursor_bytes(c, d, 16))
            return 0;
        a = s[0] ^ hash_mix64(s[1]);
        b = d[0] ^ hash_mix64(d[1]);
    } else {
        return 0;
    }
    uint64_t h = hash_mix64(a) + hash_mix64(b); /* symmetric */
    return (uint32_t)(h ^ (h >> 32));
}

/* Walks Ethernet, VLAN, MPLS and PPPoE headers to the IP header. */
static uint32_t dispatch_ethertype(struct cursor *c, uint16_t type)
{
    for (int layers = 0; layers < 16; layers++) {
        switch (type) {
        case 0x0800:
        case 0x86dd:
            return dispatch_ip(c);
        case 0x8100:
        case 0x88a8:
        case 0x9100:
            if (!cursor_skip(c, 2) || !cursor_be16(c, &type))
                return 0;
            break;
        case 0x8847:
        case 0x8848: {
            uint32_t e;
            do {
                if (!cursor_be32(c, &e))
                    return 0;
            } while (!(e & 0x100));
            return dispatch_ip(c);
        }
        case 0x8864: {
            uint16_t ppp;
            if (!cursor_skip(c, 6) || !cursor_be16(c, &ppp))
                return 0;
            return (ppp == 0x0021 || ppp == 0x0057) ? dispatch_ip(c) : 0;
        }
        default:
            return 0;
        }
    }
    return 0;
}

uint32_t decode_dispatch_hash(int linktype, const uint8_t *data, uint32_t caplen)
{
    struct cursor c;
    uint16_t type;
    cursor_init(&c, data, caplen);
    switch (linktype) {
    case DLT_EN10MB:
        if (!cursor_skip(&c, 12) || !cursor_be16(&c, &type))
            return 0;
        return dispatch_ethertype(&c, type);
    case DLT_LINUX_SLL:
        if (!cursor_skip(&c, 14) || !cursor_be16(&c, &type))
            return 0;
        return dispatch_ethertype(&c, type);
    case DLT_LINUX_SLL2:
        if (!cursor_be16(&c, &type) || !cursor_skip(&c, 18))
            return 0;
        return dispatch_ethertype(&c, type);
    case DLT_NULL:
    case DLT_LOOP:
        if (!cursor_skip(&c, 4))
            return 0;
        return dispatch_ip(&c);
    case DLT_PPP:
    case DLT_PPP_SERIAL: {
        uint8_t b0;
        uint16_t proto;
        if (cursor_peek_u8(&c, 0, &b0) && (b0 == 0x0f || b0 == 0x8f)) {
            /* Cisco HDLC framing, as decode_ppp recognises it */
            if (!cursor_skip(&c, 2) || !cursor_be16(&c, &type))
                return 0;
            return dispatch_ethertype(&c, type);
        }
        if (cursor_peek_u8(&c, 0, &b0) && b0 == 0xff)
            (void)cursor_skip(&c, 2);
        if (!cursor_be16(&c, &proto) || (proto != 0x0021 && proto != 0x0057))
            return 0;
        return dispatch_ip(&c);
    }
    case DLT_C_HDLC:
        if (!cursor_skip(&c, 2) || !cursor_be16(&c, &type))
            return 0;
        return dispatch_ethertype(&c, type);
    default:
        return dispatch_ip(&c);
    }
}
