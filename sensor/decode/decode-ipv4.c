/* IPv4 decoder. Spec: RFC 791 (header, options, fragmentation), RFC 1071 (checksum),
 * RFC 7126 (options seen in practice), RFC 2113 (router alert), RFC 1108 (security).
 *
 *    0                   1                   2                   3
 *   |Version|  IHL  |    DSCP/ECN   |          Total Length         |
 *   |         Identification        |Flags|      Fragment Offset    |
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   |                       Source Address                          |
 *   |                    Destination Address                        |
 *   |                    Options (IHL > 5)                          |
 *
 * The IP length is trimmed to Total Length (Ethernet padding is not payload). A Total
 * Length beyond the captured bytes is an event, unless the capture itself cut the frame
 * (snaplen), in which case the packet is decoded as far as it goes. */
#include "decode.h"

#include <string.h>

#include "decode-checksum.h"
#include "defrag.h"
#include "util/util-cursor.h"

#define IPV4_HEADER_LEN 20
#define IPV4_MF 0x2000
#define IPV4_OFFSET_MASK 0x1fff

/* Options that may appear at most once (RFC 791, RFC 7126). */
enum {
    IPV4_OPT_EOL = 0,
    IPV4_OPT_NOP = 1,
    IPV4_OPT_RR = 7,
    IPV4_OPT_QS = 25,
    IPV4_OPT_TS = 68,
    IPV4_OPT_SEC = 130,
    IPV4_OPT_LSRR = 131,
    IPV4_OPT_CIPSO = 134,
    IPV4_OPT_SID = 136,
    IPV4_OPT_SSRR = 137,
    IPV4_OPT_RTRALT = 148,
};

/* Validates the options area. Malformed options are events but do not stop decoding:
 * the rest of the packet is still well defined by IHL. */
static void decode_ipv4_options(struct decode_thread *dt, struct packet *p, const uint8_t *opt,
                                uint32_t len)
{
    struct cursor c;
    uint32_t seen = 0; /* bit per option kind below, for duplicates */
    cursor_init(&c, opt, len);
    while (cursor_left(&c) > 0) {
        uint8_t type, olen;
        (void)cursor_u8(&c, &type);
        if (type == IPV4_OPT_EOL)
            return;
        if (type == IPV4_OPT_NOP)
            continue;
        if (!cursor_u8(&c, &olen) || olen < 2 || !cursor_skip(&c, (uint32_t)olen - 2)) {
            decode_note(dt, p, DECODE_EV_IPV4_OPT_INVALID_LEN);
            return;
        }
        const uint8_t *body = cursor_ptr(&c) - (olen - 2);
        int bit;
        switch (type) {
        case IPV4_OPT_RR:
        case IPV4_OPT_LSRR:
        case IPV4_OPT_SSRR:
            /* pointer(1) then route data of 4-byte addresses; pointer >= 4 */
            if (olen < 3 || (olen - 3) % 4 != 0 || body[0] < 4)
                decode_note(dt, p, DECODE_EV_IPV4_OPT_MALFORMED);
            bit = type == IPV4_OPT_RR ? 0 : type == IPV4_OPT_LSRR ? 1 : 2;
            break;
        case IPV4_OPT_TS:
            /* pointer(1) oflw/flag(1) then 4- or 8-byte entries; pointer >= 5 */
            if (olen < 4 || (olen - 4) % 4 != 0 || body[0] < 5)
                decode_note(dt, p, DECODE_EV_IPV4_OPT_MALFORMED);
            bit = 3;
            break;
        case IPV4_OPT_SID:
            if (olen != 4)
                decode_note(dt, p, DECODE_EV_IPV4_OPT_MALFORMED);
            bit = 4;
            break;
        case IPV4_OPT_RTRALT:
            if (olen != 4)
                decode_note(dt, p, DECODE_EV_IPV4_OPT_MALFORMED);
            bit = 5;
            break;
        case IPV4_OPT_SEC:
            bit = 6;
            break;
        case IPV4_OPT_CIPSO:
            if (olen < 6)
                decode_note(dt, p, DECODE_EV_IPV4_OPT_MALFORMED);
            bit = 7;
            break;
        case IPV4_OPT_QS:
            if (olen != 8)
                decode_note(dt, p, DECODE_EV_IPV4_OPT_MALFORMED);
            bit = 8;
            break;
        default:
            decode_note(dt, p, DECODE_EV_IPV4_OPT_UNKNOWN);
            continue;
        }
        if (seen & (1u << bit))
            decode_note(dt, p, DECODE_EV_IPV4_OPT_DUPLICATE);
        seen |= 1u << bit;
    }
}

int decode_ipv4(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint8_t vihl, tos, ttl, proto;
    uint16_t total, id, frag, csum;
    cursor_init(&c, data, len);
    if (!cursor_u8(&c, &vihl) || !cursor_u8(&c, &tos) || !cursor_be16(&c, &total) ||
        !cursor_be16(&c, &id) || !cursor_be16(&c, &frag) || !cursor_u8(&c, &ttl) ||
        !cursor_u8(&c, &proto) || !cursor_be16(&c, &csum) || !cursor_has(&c, 8))
        return decode_event(dt, p, DECODE_EV_IPV4_PKT_TOO_SMALL);
    if (vihl >> 4 != 4)
        return decode_event(dt, p, DECODE_EV_IPV4_WRONG_IP_VER);
    uint32_t hlen = (uint32_t)(vihl & 0x0f) * 4;
    if (hlen < IPV4_HEADER_LEN)
        return decode_event(dt, p, DECODE_EV_IPV4_HLEN_TOO_SMALL);
    if (total < hlen)
        return decode_event(dt, p, DECODE_EV_IPV4_IPLEN_SMALLER_THAN_HLEN);
    if (len < hlen)
        return decode_event(dt, p, DECODE_EV_IPV4_TRUNC_PKT);
    bool cut = false;
    uint32_t ip_len = total;
    if (total > len) {
        /* Total Length beyond the data: the capture cut it (not the sender's doing), or
         * the header lies. */
        if (!(p->flags & PKT_TRUNCATED))
            return decode_event(dt, p, DECODE_EV_IPV4_TRUNC_PKT);
        ip_len = len;
        cut = true;
    }
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.ipv4);

    p->ipver = 4;
    p->ip = data;
    p->ip_len = ip_len;
    p->ip_hlen = hlen;
    p->ip_truncated = cut;
    p->proto = proto;
    p->ttl = ttl;
    memset(&p->src, 0, sizeof(p->src));
    memset(&p->dst, 0, sizeof(p->dst));
    memcpy(p->src.b, data + 12, 4);
    memcpy(p->dst.b, data + 16, 4);

    if (hlen > IPV4_HEADER_LEN)
        decode_ipv4_options(dt, p, data + IPV4_HEADER_LEN, hlen - IPV4_HEADER_LEN);

    if (dt->verify_checksums && csum_fold(csum_add(0, data, hlen)) != 0) {
        p->flags |= PKT_CSUM_BAD;
        STAT_INC(dt->stats.csum_bad_ipv4);
    }

    if (frag & (IPV4_MF | IPV4_OFFSET_MASK)) {
        STAT_INC(dt->stats.frag_ipv4);
        p->flags |= PKT_FRAGMENT;
        if (dt->defrag == NULL || (p->flags & PKT_CSUM_BAD))
            return CANH_AGAIN;
        if (cut) {
            STAT_INC(dt->stats.frag_truncated); /* cannot be reassembled faithfully */
            return CANH_AGAIN;
        }
        const uint8_t *whole;
        uint32_t whole_len;
        int rc = defrag_ipv4(dt->defrag, dt, p, data, hlen, ip_len, &whole, &whole_len);
        if (rc != CANH_OK)
            return rc;
        /* The datagram is complete: decode it in place of this fragment. Its header has
         * MF and offset cleared, so this does not recurse further. */
        STAT_INC(dt->stats.reassembled_ipv4);
        /* The first reassembly in a packet replaces this layer; a further one (of a
         * fragment tunnelled inside a reassembled datagram) costs one, as in IPv6. */
        if (!(p->flags & PKT_REASSEMBLED))
            p->layers--;
        p->flags = (p->flags & ~PKT_FRAGMENT) | PKT_REASSEMBLED;
        p->flow_len = (uint32_t)(data - p->data) + whole_len;
        return decode_ipv4(dt, p, whole, whole_len);
    }

    if (proto == 58)
        decode_note(dt, p, DECODE_EV_IPV4_WITH_ICMPV6);
    return decode_ip_payload(dt, p, proto, data + hlen, ip_len - hlen);
}
