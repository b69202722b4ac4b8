/* ICMP decoder. Spec: RFC 792 (messages, checksum), RFC 950 (address mask), RFC 1256
 * (router discovery), RFC 1191 (fragmentation needed), RFC 8335 (extended echo).
 *
 *   |     Type      |     Code      |          Checksum             |
 *   |                 rest of header (4 bytes)                      |
 *
 * Error messages (unreachable, source quench, redirect, time exceeded, parameter
 * problem) carry the offending IPv4 header and at least 8 bytes of its payload. */
#include "decode.h"

#include "decode-checksum.h"
#include "util/util-cursor.h"

/* Highest valid code per type, or -1 for types that are not assigned. */
static int icmpv4_max_code(uint8_t type)
{
    switch (type) {
    case 0: case 8:                   /* echo reply, echo request */
    case 13: case 14:                 /* timestamp */
    case 15: case 16:                 /* information (obsolete) */
    case 17: case 18:                 /* address mask */
    case 4:                           /* source quench (deprecated) */
    case 10:                          /* router solicitation */
        return 0;
    case 3: return 15;                /* destination unreachable */
    case 5: return 3;                 /* redirect */
    case 9: return 16;                /* router advertisement (0 or 16) */
    case 11: return 1;                /* time exceeded */
    case 12: return 2;                /* parameter problem */
    case 40: return 5;                /* photuris */
    case 42: case 43: return 4;       /* extended echo (RFC 8335) */
    default: return -1;
    }
}

static bool icmpv4_is_error(uint8_t type)
{
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

int decode_icmpv4(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint16_t csum;
    cursor_init(&c, data, len);
    if (!cursor_u8(&c, &p->icmp_type) || !cursor_u8(&c, &p->icmp_code) || !cursor_be16(&c, &csum) ||
        !cursor_skip(&c, 4))
        return decode_event(dt, p, DECODE_EV_ICMPV4_PKT_TOO_SMALL);
    STAT_INC(dt->stats.icmpv4);
    p->payload = cursor_ptr(&c);
    p->payload_len = cursor_left(&c);

    int max = icmpv4_max_code(p->icmp_type);
    if (max < 0)
        decode_note(dt, p, DECODE_EV_ICMPV4_UNKNOWN_TYPE);
    else if (p->icmp_code > max)
        decode_note(dt, p, DECODE_EV_ICMPV4_UNKNOWN_CODE);

    if (icmpv4_is_error(p->icmp_type) && !p->ip_truncated) { /* a snaplen cut is no error */
        uint8_t vihl;
        if (!cursor_peek_u8(&c, 0, &vihl) || !cursor_has(&c, 20))
            decode_note(dt, p, DECODE_EV_ICMPV4_IPV4_TRUNC_PKT);
        else if (vihl >> 4 != 4)
            decode_note(dt, p, DECODE_EV_ICMPV4_IPV4_UNKNOWN_VER);
    }

    if (dt->verify_checksums && !p->ip_truncated && !(p->flags & PKT_CSUM_BAD) &&
        csum_fold(csum_add(0, data, len)) != 0) {
        p->flags |= PKT_CSUM_BAD;
        STAT_INC(dt->stats.csum_bad_icmp);
    }
    return CANH_OK;
}
