/* ICMPv6 decoder. Spec: RFC 4443 (messages, checksum over the IPv6 pseudo-header),
 * RFC 4861 (neighbour discovery), RFC 2710 and RFC 3810 (MLD: hop limit must be 1),
 * RFC 4286, RFC 4620, RFC 6275 and others for the remaining assigned types.
 *
 *   |     Type      |     Code      |          Checksum             |
 *   |                      message body ...                         |
 *
 * Error messages (types 1-4) carry as much of the offending IPv6 packet as fits. */
#include "decode.h"

#include "decode-checksum.h"
#include "util/util-cursor.h"

/* Highest valid code per type, or -1 for types that are not assigned. */
static int icmpv6_max_code(uint8_t type)
{
    switch (type) {
    case 1: return 8;    /* destination unreachable */
    case 2: return 0;    /* packet too big */
    case 3: return 1;    /* time exceeded */
    case 4: return 3;    /* parameter problem */
    case 128: case 129:  /* echo */
    case 130: case 131: case 132: case 143: /* MLD */
    case 133: case 134: case 135: case 136: case 137: /* neighbour discovery */
    case 141: case 142:  /* inverse ND */
    case 144: case 145: case 146: case 147: /* mobile IPv6 */
    case 148: case 149:  /* SEND */
    case 151: case 152: case 153: /* multicast router discovery */
        return 0;
    case 138: return 255; /* router renumbering: codes 0, 1, 255 */
    case 139: case 140: return 2; /* node information */
    case 155: return 255; /* RPL control (RFC 6550): the code is the message type */
    case 160: case 161: return 4; /* extended echo */
    case 100: case 101: case 200: case 201: /* private experimentation */
        return 255;
    default:
        return -1;
    }
}

static bool icmpv6_is_mld(uint8_t type)
{
    return type == 130 || type == 131 || type == 132 || type == 143;
}

int decode_icmpv6(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint16_t csum;
    cursor_init(&c, data, len);
    if (!cursor_u8(&c, &p->icmp_type) || !cursor_u8(&c, &p->icmp_code) || !cursor_be16(&c, &csum))
        return decode_event(dt, p, DECODE_EV_ICMPV6_PKT_TOO_SMALL);
    STAT_INC(dt->stats.icmpv6);
    p->payload = cursor_ptr(&c);
    p->payload_len = cursor_left(&c);

    int max = icmpv6_max_code(p->icmp_type);
    if (max < 0)
        decode_note(dt, p, DECODE_EV_ICMPV6_UNKNOWN_TYPE);
    else if (p->icmp_code > max)
        decode_note(dt, p, DECODE_EV_ICMPV6_UNKNOWN_CODE);

    if (p->icmp_type >= 1 && p->icmp_type <= 4 && !p->ip_truncated) { /* a snaplen cut is no error */
        /* 4 bytes of type-specific data, then the offending packet. */
        uint8_t v;
        if (!cursor_skip(&c, 4) || !cursor_peek_u8(&c, 0, &v) || !cursor_has(&c, 40))
            decode_note(dt, p, DECODE_EV_ICMPV6_IPV6_TRUNC_PKT);
        else if (v >> 4 != 6)
            decode_note(dt, p, DECODE_EV_ICMPV6_IPV6_UNKNOWN_VER);
    }
    if (icmpv6_is_mld(p->icmp_type) && p->ttl != 1)
        decode_note(dt, p, DECODE_EV_ICMPV6_MLD_INVALID_HL);

    if (dt->verify_checksums && p->ipver == 6 && !p->ip_truncated && !(p->flags & PKT_CSUM_BAD)) {
        uint64_t sum = csum_pseudo_ipv6(p->src.b, packet_csum_dst(p), 58, len);
        if (csum_fold(csum_add(sum, data, len)) != 0) {
            p->flags |= PKT_CSUM_BAD;
            STAT_INC(dt->stats.csum_bad_icmp);
        }
    }
    return CANH_OK;
}
