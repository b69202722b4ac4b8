/* Dispatch of an IP payload by protocol number (IANA "Assigned Internet Protocol
 * Numbers"), including IP-in-IP tunnels (RFC 2003 IPv4-in-IPv4, RFC 4213 IPv6-in-IPv4,
 * RFC 2473 IPv4/IPv6-in-IPv6). Protocols without a decoder of their own are tracked as
 * flows of their protocol number with no ports; SCTP (RFC 9260) gives its ports. */
#include "decode.h"
#include "util/util-cursor.h"

enum {
    IPPROTO_NUM_ICMP = 1,
    IPPROTO_NUM_IPIP = 4,
    IPPROTO_NUM_TCP = 6,
    IPPROTO_NUM_UDP = 17,
    IPPROTO_NUM_IPV6 = 41,
    IPPROTO_NUM_GRE = 47,
    IPPROTO_NUM_ICMPV6 = 58,
    IPPROTO_NUM_SCTP = 132,
};

int decode_ip_payload(struct decode_thread *dt, struct packet *p, uint8_t proto,
                      const uint8_t *data, uint32_t len)
{
    p->l4 = data;
    p->l4_len = len;
    switch (proto) {
    case IPPROTO_NUM_TCP:
        return decode_tcp(dt, p, data, len);
    case IPPROTO_NUM_UDP:
        return decode_udp(dt, p, data, len);
    case IPPROTO_NUM_ICMP:
        return decode_icmpv4(dt, p, data, len);
    case IPPROTO_NUM_ICMPV6:
        return decode_icmpv6(dt, p, data, len);
    case IPPROTO_NUM_GRE:
        return decode_gre(dt, p, data, len);
    case IPPROTO_NUM_IPIP:
        STAT_INC(dt->stats.ipip);
        decode_tunnel_enter(p, TUNNEL_IPIP);
        return decode_ipv4(dt, p, data, len);
    case IPPROTO_NUM_IPV6:
        STAT_INC(dt->stats.ipip);
        decode_tunnel_enter(p, TUNNEL_IPIP);
        return decode_ipv6(dt, p, data, len);
    case IPPROTO_NUM_SCTP: {
        struct cursor c;
        cursor_init(&c, data, len);
        /* A short SCTP header is tracked as a portless flow; SCTP is not decoded further. */
        if (cursor_be16(&c, &p->sport) && cursor_be16(&c, &p->dport) && cursor_skip(&c, 8)) {
            p->flags |= PKT_PORTS;
            p->payload = cursor_ptr(&c);
            p->payload_len = cursor_left(&c);
        } else {
            p->sport = p->dport = 0;
        }
        STAT_INC(dt->stats.other_ip);
        return CANH_OK;
    }
    default:
        STAT_INC(dt->stats.other_ip);
        p->payload = data;
        p->payload_len = len;
        return CANH_OK;
    }
}
