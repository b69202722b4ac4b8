/* IPv6 decoder. Spec: RFC 8200 (header, extension headers, fragmentation), RFC 5095
 * (routing header type 0 deprecated), RFC 4302 (AH), RFC 6564 (uniform extension header
 * format), RFC 7045 (handling of unknown headers).
 *
 *   |Version| Traffic Class |           Flow Label                  |
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   |                         Source Address (16)                   |
 *   |                      Destination Address (16)                 |
 *
 * Extension headers are walked up to IPV6_MAX_EXTHDRS; the transport protocol is the
 * Next Header of the last one. Hop-by-Hop and Destination options are validated. */
#include "decode.h"

#include <string.h>

#include "defrag.h"
#include "util/util-cursor.h"

#define IPV6_HEADER_LEN 40
#define IPV6_MAX_EXTHDRS 16 /* real stacks chain a handful; long chains are evasion */

enum {
    IPV6_NH_HOPOPTS = 0,
    IPV6_NH_ROUTING = 43,
    IPV6_NH_FRAGMENT = 44,
    IPV6_NH_ESP = 50,
    IPV6_NH_AH = 51,
    IPV6_NH_NONE = 59,
    IPV6_NH_DSTOPTS = 60,
    IPV6_NH_MOBILITY = 135,
    IPV6_NH_HIP = 139,
    IPV6_NH_SHIM6 = 140,
};

/* Options known to IANA's "Destination Options and Hop-by-Hop Options" registry that
 * appear on real networks. */
static bool ipv6_option_known(uint8_t type)
{
    switch (type) {
    case 0x01: /* PadN */
    case 0x04: /* tunnel encapsulation limit (RFC 2473) */
    case 0x05: /* router alert (RFC 2711) */
    case 0x07: /* CALIPSO (RFC 5570) */
    case 0x26: /* quick-start (RFC 4782) */
    case 0x31: /* IOAM (RFC 9486) */
    case 0x63: /* RPL (RFC 6553) */
    case 0x6d: /* MPL (RFC 7731) */
    case 0x8b: /* ILNP nonce (RFC 6744) */
    case 0x8c: /* line identification (RFC 6788) */
    case 0xc2: /* jumbo payload (RFC 2675) */
    case 0xc9: /* home address (RFC 6275) */
    case 0xee: /* IPv6 DFF (RFC 6971) */
    case 0x1e: case 0x3e: case 0x5e: case 0x7e: /* experimental (RFC 4727) */
    case 0x9e: case 0xbe: case 0xde: case 0xfe:
        return true;
    default:
        return false;
    }
}

/* The final destination of a routing header with segments left (RFC 8200 8.1): the last
 * address of type 0 (RFC 2460 4.4, deprecated by RFC 5095 but still seen) and type 2
 * (RFC 6275 6.4), Segment List[0] of a segment routing header (type 4, RFC 8754 2).
 * NULL for other types (RPL, type 3, compresses its addresses) and when no segment is
 * left (the destination is the final one). */
static const uint8_t *ipv6_rh_final_dst(const uint8_t *rh, uint32_t len)
{
    uint32_t n = (len - 8) / 16; /* 16-byte addresses after the 8-byte fixed part */
    if (rh[3] == 0 || n == 0)
        return NULL;
    switch (rh[2]) {
    case 0:
    case 2:
        return rh + 8 + 16 * (n - 1);
    case 4:
        return rh + 8;
    default:
        return NULL;
    }
}

/* Validates the TLV options of a Hop-by-Hop or Destination Options header ('opt' is the
 * header after its 2-byte prefix). */
static void decode_ipv6_options(struct decode_thread *dt, struct packet *p, const uint8_t *opt,
                                uint32_t len, enum decode_event unknown)
{
    struct cursor c;
    cursor_init(&c, opt, len);
    while (cursor_left(&c) > 0) {
        uint8_t type, olen;
        (void)cursor_u8(&c, &type);
        if (type == 0x00) /* Pad1 */
            continue;
        if (!cursor_u8(&c, &olen) || !cursor_skip(&c, olen)) {
            decode_note(dt, p, DECODE_EV_IPV6_EXTHDR_INVALID_OPTLEN);
            return;
        }
        if (!ipv6_option_known(type))
            decode_note(dt, p, unknown);
    }
}

int decode_ipv6(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint32_t vtf;
    uint16_t plen;
    uint8_t nh, hlim;
    cursor_init(&c, data, len);
    if (!cursor_be32(&c, &vtf) || !cursor_be16(&c, &plen) || !cursor_u8(&c, &nh) ||
        !cursor_u8(&c, &hlim) || !cursor_has(&c, 32))
        return decode_event(dt, p, DECODE_EV_IPV6_PKT_TOO_SMALL);
    if (vtf >> 28 != 6)
        return decode_event(dt, p, DECODE_EV_IPV6_WRONG_IP_VER);
    uint32_t ip_len = IPV6_HEADER_LEN + (uint32_t)plen;
    bool cut = false;
    if (ip_len > len) {
        if (!(p->flags & PKT_TRUNCATED))
            return decode_event(dt, p, DECODE_EV_IPV6_TRUNC_PKT);
        ip_len = len;
        cut = true;
    }
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    STAT_INC(dt->stats.ipv6);

    p->ipver = 6;
    p->ip = data;
    p->ip_len = ip_len;
    p->ip_truncated = cut;
    p->ttl = hlim;
    memcpy(p->src.b, data + 8, 16);
    memcpy(p->dst.b, data + 24, 16);
    p->final_dst = NULL;

    /* Walk the extension headers. 'nh_off' is where the current Next Header byte is. */
    cursor_init(&c, data, ip_len);
    (void)cursor_skip(&c, IPV6_HEADER_LEN);
    uint32_t nh_off = 6;
    unsigned nexthdrs = 0, dstopts = 0;
    bool seen_rh = false, seen_fh = false, seen_hh = false;
    for (;;) {
        uint32_t hdr_off = c.off;
        uint8_t next, hl;
        uint32_t ext_len;
        switch (nh) {
        case IPV6_NH_HOPOPTS:
        case IPV6_NH_DSTOPTS:
        case IPV6_NH_ROUTING:
        case IPV6_NH_AH:
        case IPV6_NH_MOBILITY:
        case IPV6_NH_HIP:
        case IPV6_NH_SHIM6:
        case IPV6_NH_FRAGMENT:
            break;
        case IPV6_NH_NONE:
            if (cursor_left(&c) > 0)
                decode_note(dt, p, DECODE_EV_IPV6_DATA_AFTER_NONE_HEADER);
            p->proto = nh;
            p->ip_hlen = c.off;
            p->l4 = cursor_ptr(&c);
            p->l4_len = cursor_left(&c);
            return CANH_OK;
        default:
            goto transport;
        }
        p->proto = nh; /* the header being decoded, for events raised on the way */
        if (++nexthdrs > IPV6_MAX_EXTHDRS)
            return decode_event(dt, p, DECODE_EV_IPV6_EXTHDR_TOO_MANY);
        if (!cursor_peek_u8(&c, 0, &next) || !cursor_peek_u8(&c, 1, &hl))
            return decode_event(dt, p, DECODE_EV_IPV6_TRUNC_EXTHDR);
        if (nh == IPV6_NH_FRAGMENT)
            ext_len = 8;
        else if (nh == IPV6_NH_AH)
            ext_len = ((uint32_t)hl + 2) * 4;
        else
            ext_len = ((uint32_t)hl + 1) * 8;
        if (!cursor_has(&c, ext_len))
            return decode_event(dt, p, DECODE_EV_IPV6_TRUNC_EXTHDR);
        const uint8_t *ext = cursor_ptr(&c);

        switch (nh) {
        case IPV6_NH_HOPOPTS:
            if (seen_hh)
                decode_note(dt, p, DECODE_EV_IPV6_EXTHDR_DUPL_HH);
            if (hdr_off != IPV6_HEADER_LEN)
                decode_note(dt, p, DECODE_EV_IPV6_HOPOPTS_NOT_FIRST);
            seen_hh = true;
            decode_ipv6_options(dt, p, ext + 2, ext_len - 2, DECODE_EV_IPV6_HOPOPTS_UNKNOWN_OPT);
            break;
        case IPV6_NH_DSTOPTS:
            /* Allowed twice: before a routing header and before the upper layer. */
            if (++dstopts > 2)
                decode_note(dt, p, DECODE_EV_IPV6_EXTHDR_DUPL_DH);
            decode_ipv6_options(dt, p, ext + 2, ext_len - 2, DECODE_EV_IPV6_DSTOPTS_UNKNOWN_OPT);
            break;
        case IPV6_NH_ROUTING:
            if (seen_rh)
                decode_note(dt, p, DECODE_EV_IPV6_EXTHDR_DUPL_RH);
            seen_rh = true;
            if (ext[2] == 0)
                decode_note(dt, p, DECODE_EV_IPV6_RH_TYPE_0);
            p->final_dst = ipv6_rh_final_dst(ext, ext_len);
            break;
        case IPV6_NH_FRAGMENT: {
            if (seen_fh)
                decode_note(dt, p, DECODE_EV_IPV6_EXTHDR_DUPL_FH);
            seen_fh = true;
            uint16_t offm = (uint16_t)(ext[2] << 8 | ext[3]);
            if (ext[1] != 0 || (offm & 0x0006) != 0)
                decode_note(dt, p, DECODE_EV_IPV6_FH_NON_ZERO_RES_FIELD);
            if ((offm & 0xfff9) == 0) {
                /* Offset 0 and no more fragments: an "atomic fragment" (RFC 6946). */
                decode_note(dt, p, DECODE_EV_IPV6_EXTHDR_USELESS_FH);
                break;
            }
            STAT_INC(dt->stats.frag_ipv6);
            p->flags |= PKT_FRAGMENT;
            p->proto = next;
            p->ip_hlen = hdr_off;
            if (dt->defrag == NULL)
                return CANH_AGAIN;
            if (cut) {
                STAT_INC(dt->stats.frag_truncated);
                return CANH_AGAIN;
            }
            const uint8_t *whole;
            uint32_t whole_len;
            int rc = defrag_ipv6(dt->defrag, dt, p, data, nh_off, hdr_off, ip_len, &whole, &whole_len);
            if (rc != CANH_OK)
                return rc;
            STAT_INC(dt->stats.reassembled_ipv6);
            /* The first reassembly in a packet replaces this layer; each further one (a
             * reassembled datagram that is itself a fragment) costs one, so the layer cap
             * bounds that recursion rather than the number of trackers held. */
            if (!(p->flags & PKT_REASSEMBLED))
                p->layers--;
            p->flags = (p->flags & ~PKT_FRAGMENT) | PKT_REASSEMBLED;
            p->flow_len = (uint32_t)(data - p->data) + whole_len;
            return decode_ipv6(dt, p, whole, whole_len);
        }
        default:
            break;
        }
        nh_off = hdr_off;
        nh = next;
        (void)cursor_skip(&c, ext_len);
    }

transport:
    p->proto = nh;
    p->ip_hlen = c.off;
    if (nh == 1)
        decode_note(dt, p, DECODE_EV_IPV6_WITH_ICMPV4);
    return decode_ip_payload(dt, p, nh, cursor_ptr(&c), cursor_left(&c));
}
