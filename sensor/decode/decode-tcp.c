/* TCP decoder. Spec: RFC 9293 (header, checksum), RFC 7323 (window scale, timestamps),
 * RFC 2018 (SACK), RFC 6994 (experimental options).
 *
 *   |          Source Port          |       Destination Port        |
 *   |                        Sequence Number                        |
 *   |                    Acknowledgment Number                      |
 *   | Off | Rsv |     Flags     |            Window                 |
 *   |           Checksum            |         Urgent Pointer        |
 *   |                    Options (Off > 5)                          |
 */
#include "decode.h"

#include "decode-checksum.h"
#include "util/util-cursor.h"

#define TCP_HEADER_LEN 20

enum {
    TCP_OPT_EOL = 0,
    TCP_OPT_NOP = 1,
    TCP_OPT_MSS = 2,
    TCP_OPT_WS = 3,
    TCP_OPT_SACKOK = 4,
    TCP_OPT_SACK = 5,
    TCP_OPT_TS = 8,
    TCP_OPT_MD5 = 19,
    TCP_OPT_AO = 29,
    TCP_OPT_MPTCP = 30,
    TCP_OPT_TFO = 34,
};

/* Walks the options; a bad length ends the walk with an event (the segment itself is
 * still well delimited by the data offset). */
static void decode_tcp_options(struct decode_thread *dt, struct packet *p, const uint8_t *opt,
                               uint32_t len)
{
    struct cursor c;
    uint32_t seen = 0;
    cursor_init(&c, opt, len);
    while (cursor_left(&c) > 0) {
        uint8_t kind, olen;
        (void)cursor_u8(&c, &kind);
        if (kind == TCP_OPT_EOL)
            return;
        if (kind == TCP_OPT_NOP)
            continue;
        if (!cursor_u8(&c, &olen) || olen < 2 || !cursor_has(&c, (uint32_t)olen - 2)) {
            decode_note(dt, p, DECODE_EV_TCP_OPT_INVALID_LEN);
            return;
        }
        const uint8_t *body = cursor_ptr(&c);
        bool bad = false;
        switch (kind) {
        case TCP_OPT_MSS:
            bad = olen != 4;
            if (!bad)
                p->tcp_mss = (uint16_t)(body[0] << 8 | body[1]);
            break;
        case TCP_OPT_WS:
            bad = olen != 3;
            if (!bad)
                p->tcp_wscale = body[0];
            break;
        case TCP_OPT_SACKOK:
            bad = olen != 2;
            break;
        case TCP_OPT_SACK:
            bad = olen < 10 || (olen - 2) % 8 != 0;
            break;
        case TCP_OPT_TS:
            bad = olen != 10;
            break;
        case TCP_OPT_MD5:
            bad = olen != 18;
            break;
        default:
            break;
        }
        if (bad) {
            decode_note(dt, p, DECODE_EV_TCP_OPT_INVALID_LEN);
            return;
        }
        if (kind < 32 && kind != TCP_OPT_SACK && kind != TCP_OPT_MPTCP) {
            if (seen & (1u << kind))
                decode_note(dt, p, DECODE_EV_TCP_OPT_DUPLICATE);
            seen |= 1u << kind;
        }
        (void)cursor_skip(&c, (uint32_t)olen - 2);
    }
}

/* Verifies the checksum when the whole segment was captured. */
static void decode_tcp_checksum(struct decode_thread *dt, struct packet *p, const uint8_t *data,
                                uint32_t len)
{
    if (!dt->verify_checksums || p->ip_truncated || (p->flags & PKT_CSUM_BAD))
        return;
    uint64_t sum = p->ipver == 4 ? csum_pseudo_ipv4(p->src.b, p->dst.b, 6, len)
                                 : csum_pseudo_ipv6(p->src.b, packet_csum_dst(p), 6, len);
    if (csum_fold(csum_add(sum, data, len)) != 0) {
        p->flags |= PKT_CSUM_BAD;
        STAT_INC(dt->stats.csum_bad_tcp);
    }
}

int decode_tcp(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint8_t off, flags;
    cursor_init(&c, data, len);
    if (!cursor_be16(&c, &p->sport) || !cursor_be16(&c, &p->dport) ||
        !cursor_be32(&c, &p->tcp_seq) || !cursor_be32(&c, &p->tcp_ack) ||
        !cursor_u8(&c, &off) || !cursor_u8(&c, &flags) || !cursor_be16(&c, &p->tcp_win) ||
        !cursor_skip(&c, 4)) {
        p->sport = p->dport = 0;
        return decode_event(dt, p, DECODE_EV_TCP_PKT_TOO_SMALL);
    }
    p->flags |= PKT_PORTS; /* known even if the header length is then refused */
    uint32_t hlen = (uint32_t)(off >> 4) * 4;
    if (hlen < TCP_HEADER_LEN)
        return decode_event(dt, p, DECODE_EV_TCP_HLEN_TOO_SMALL);
    bool cut = false;
    if (hlen > len) {
        /* Options past the end of the data: a lie, unless the capture cut the packet
         * (snaplen); then the options are lost, not malformed. */
        if (!p->ip_truncated)
            return decode_event(dt, p, DECODE_EV_TCP_INVALID_OPTLEN);
        hlen = len;
        cut = true;
    }
    STAT_INC(dt->stats.tcp);
    p->tcp_flags = flags;
    if (hlen > TCP_HEADER_LEN && !cut)
        decode_tcp_options(dt, p, data + TCP_HEADER_LEN, hlen - TCP_HEADER_LEN);
    p->payload = data + hlen;
    p->payload_len = len - hlen;
    decode_tcp_checksum(dt, p, data, len);
    return CANH_OK;
}
