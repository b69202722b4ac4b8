/* UDP decoder. Spec: RFC 768 (header), RFC 8200 8.1 (checksum mandatory over IPv6,
 * a zero checksum is not verified here since RFC 6935 allows it for tunnels).
 *
 *   |          Source Port          |       Destination Port        |
 *   |            Length             |           Checksum            |
 *
 * The UDP Length bounds the payload (bytes after it are IP padding). Datagrams to the
 * VXLAN port, and to or from the GTP-U port, are decoded as tunnels when the header
 * fits. */
#include "decode.h"

#include "decode-checksum.h"
#include "util/util-cursor.h"

#define UDP_HEADER_LEN 8
#define VXLAN_PORT 4789 /* IANA, RFC 7348 */
#define GTPU_PORT 2152  /* 3GPP TS 29.281 */

int decode_udp(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint16_t ulen, csum;
    cursor_init(&c, data, len);
    if (!cursor_be16(&c, &p->sport) || !cursor_be16(&c, &p->dport) || !cursor_be16(&c, &ulen) ||
        !cursor_be16(&c, &csum)) {
        p->sport = p->dport = 0;
        return decode_event(dt, p, DECODE_EV_UDP_PKT_TOO_SMALL);
    }
    p->flags |= PKT_PORTS; /* known even if the length is then refused */
    if (ulen < UDP_HEADER_LEN)
        return decode_event(dt, p, DECODE_EV_UDP_HLEN_INVALID);
    if (ulen > len) {
        if (!p->ip_truncated)
            return decode_event(dt, p, DECODE_EV_UDP_LEN_INVALID);
        ulen = (uint16_t)len; /* cut by the capture: decode what there is */
    }
    STAT_INC(dt->stats.udp);
    p->payload = data + UDP_HEADER_LEN;
    p->payload_len = (uint32_t)ulen - UDP_HEADER_LEN;

    if (dt->verify_checksums && csum != 0 && !p->ip_truncated && !(p->flags & PKT_CSUM_BAD)) {
        uint64_t sum = p->ipver == 4 ? csum_pseudo_ipv4(p->src.b, p->dst.b, 17, ulen)
                                     : csum_pseudo_ipv6(p->src.b, packet_csum_dst(p), 17, ulen);
        if (csum_fold(csum_add(sum, data, ulen)) != 0) {
            p->flags |= PKT_CSUM_BAD;
            STAT_INC(dt->stats.csum_bad_udp);
        }
    }

    if (p->flags & PKT_CSUM_BAD)
        return CANH_OK;
    if (p->dport == VXLAN_PORT)
        return decode_vxlan(dt, p, p->payload, p->payload_len);
    if (p->dport == GTPU_PORT || p->sport == GTPU_PORT)
        return decode_gtpu(dt, p, p->payload, p->payload_len);
    return CANH_OK;
}
