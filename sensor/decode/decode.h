/* Packet decoding: link layer to transport layer, through VLAN/QinQ, MPLS, IPv4, IPv6 and
 * its extension headers, IP defragmentation, GRE/ERSPAN, VXLAN and IP-in-IP tunnels.
 *
 * Each decoder starts with its spec and reads packet bytes only through a struct cursor.
 * A malformed packet sets a decoder event on the packet (decode-events.def) and the
 * decoder returns CANH_ERR; it never reads out of bounds and never logs. The fields of
 * struct packet describe the innermost IP packet that could be decoded. */
#ifndef CANH_DECODE_H
#define CANH_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util-common.h"

/* ---------------------------------------------------------------------------------- */
/* Decoder events                                                                     */
/* ---------------------------------------------------------------------------------- */

enum decode_event {
    DECODE_EV_NONE = 0,
#define DECODE_EVENT(id, name, sid) DECODE_EV_##id,
#include "decode-events.def"
#undef DECODE_EVENT
    DECODE_EV_MAX
};

const char *decode_event_name(enum decode_event ev);
uint32_t decode_event_sid(enum decode_event ev);
/* Looks an event up by its name ("ipv4.trunc_pkt"); DECODE_EV_NONE if unknown. */
enum decode_event decode_event_by_name(const char *name);

/* ---------------------------------------------------------------------------------- */
/* The packet                                                                         */
/* ---------------------------------------------------------------------------------- */

#define PACKET_MAX_EVENTS 8 /* distinct events kept on one packet; all are counted */

/* An IPv4 address is kept in the first 4 bytes, the rest zero. */
struct canh_addr {
    union {
        uint8_t b[16];
        uint32_t w[4];
        uint64_t q[2];
    };
};

enum packet_flag {
    PKT_TRUNCATED = 1u << 0,   /* captured length < wire length: payload incomplete */
    PKT_FRAGMENT = 1u << 1,    /* an IP fragment held for reassembly (no L4 yet) */
    PKT_REASSEMBLED = 1u << 2, /* the IP fields describe a reassembled datagram */
    PKT_TUNNELED = 1u << 3,    /* the IP fields describe the inner packet of a tunnel */
    PKT_CSUM_BAD = 1u << 4,    /* a checksum was verified and is wrong */
    PKT_INVALID = 1u << 5,     /* decoding stopped at an error (see events) */
    PKT_PSEUDO = 1u << 6,      /* made up by the sensor (end of a flow), not captured */
    PKT_PORTS = 1u << 7,       /* the transport header gave ports (TCP, UDP, SCTP) */
};

enum tunnel_type {
    TUNNEL_NONE = 0,
    TUNNEL_GRE,
    TUNNEL_ERSPAN,
    TUNNEL_VXLAN,
    TUNNEL_IPIP, /* IPv4/IPv6 in IPv4/IPv6 */
    TUNNEL_GTP,  /* GTP-U (3GPP TS 29.281) */
};

struct packet {
    /* Set by capture. */
    uint64_t ts_us;      /* capture time, microseconds since the epoch */
    const uint8_t *data; /* the frame as captured; not owned, valid until the next packet */
    uint32_t caplen;
    uint32_t wirelen;
    int linktype;        /* DLT_* of the capture source */

    /* Set by decode. */
    uint32_t flags;      /* enum packet_flag */
    uint8_t layers;      /* encapsulation layers decoded */
    uint8_t vlan_count;
    uint16_t vlan[2];    /* outer and inner 802.1Q/802.1ad tags (VLAN id only) */
    uint8_t tunnel;      /* enum tunnel_type of the innermost tunnel */
    uint8_t tunnel_ipver;
    struct canh_addr tunnel_src, tunnel_dst; /* outer addresses of the first tunnel */

    /* Innermost IP layer. ip points to the header; ip_len runs to the end of the IP
     * payload (the IP total length, or less if the capture was cut). */
    uint8_t ipver;       /* 4 or 6; 0 when no IP layer was decoded */
    uint8_t proto;       /* transport protocol (after IPv6 extension headers) */
    uint8_t ttl;         /* TTL or hop limit */
    bool ip_truncated;   /* the IP payload is cut short by the capture */
    const uint8_t *ip;
    uint32_t ip_len;
    uint32_t ip_hlen;    /* IPv4 header, or IPv6 header plus extension headers */
    struct canh_addr src, dst;
    /* IPv6 with a routing header still being followed: the final destination, which the
     * upper-layer checksum covers instead of 'dst' (RFC 8200 8.1); NULL otherwise.
     * Points into the packet. */
    const uint8_t *final_dst;

    /* Transport layer. */
    const uint8_t *l4;
    uint32_t l4_len;     /* bytes from the transport header to the end of the IP payload */
    uint16_t sport, dport;
    uint8_t tcp_flags;
    uint8_t tcp_wscale;  /* window scale option, 0xff when absent */
    uint16_t tcp_win;
    uint16_t tcp_mss;    /* MSS option, 0 when absent */
    uint32_t tcp_seq, tcp_ack;
    uint8_t icmp_type, icmp_code;
    const uint8_t *payload;
    uint32_t payload_len;

    /* Bytes the packet accounts for in its flow: the wire length, or for a reassembled
     * datagram the headers before it plus the whole datagram (independent of which
     * fragment completed it, as Suricata counts it). */
    uint32_t flow_len;

    uint8_t nevents;
    uint16_t events[PACKET_MAX_EVENTS];
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

/* ---------------------------------------------------------------------------------- */
/* Decoding                                                                           */
/* ---------------------------------------------------------------------------------- */

/* Counters of one worker's decoder. Written only by that worker (with relaxed atomic
 * stores), read by the stats writer. */
struct decode_stats {
    uint64_t pkts, bytes;
    uint64_t invalid;    /* packets whose decoding stopped at an error */
    uint64_t truncated;  /* captured length shorter than the wire length */
    uint64_t ethernet, sll, sll2, null, raw, ppp;
    uint64_t vlan, vlan_qinq, mpls;
    uint64_t ipv4, ipv6, tcp, udp, icmpv4, icmpv6, other_ip;
    uint64_t gre, erspan, vxlan, ipip, gtp;
    uint64_t frag_ipv4, frag_ipv6, reassembled_ipv4, reassembled_ipv6;
    uint64_t frag_truncated; /* fragments cut by the snaplen: not reassembled */
    uint64_t csum_bad_ipv4, csum_bad_tcp, csum_bad_udp, csum_bad_icmp;
    uint64_t events_dropped; /* events beyond PACKET_MAX_EVENTS on one packet */
    uint64_t events[DECODE_EV_MAX];
};

struct defrag;

/* Per-worker decoder state and options. */
struct decode_thread {
    struct decode_stats stats;
    struct defrag *defrag;   /* owned; NULL disables defragmentation */
    uint8_t max_layers;
    bool verify_checksums;
};

/* Decodes p->data according to p->linktype and fills the packet's fields.
 * Returns CANH_OK when an IP packet with a decodable transport header (or another IP
 * protocol) was found; CANH_AGAIN when the packet was a fragment kept for reassembly or
 * carried no IP (ARP, LLDP, ...); CANH_ERR after setting at least one decoder event. */
int decode_packet(struct decode_thread *dt, struct packet *p);

/* Flow-affinity hash of a frame for dispatching it to a worker: the same for both
 * directions and for every fragment and tunnelled packet of a flow (decode-dispatch.c). */
uint32_t decode_dispatch_hash(int linktype, const uint8_t *data, uint32_t caplen);

/* True if the link type is one decode_packet handles. */
bool decode_linktype_supported(int linktype);

/* Clears the decode results of 'p', keeping the capture fields. */
void packet_reset(struct packet *p);

/* Records an event on the packet and counts it. Returns CANH_ERR so decoders can write
 * 'return decode_event(dt, p, DECODE_EV_X);'. */
int decode_event(struct decode_thread *dt, struct packet *p, enum decode_event ev);

/* The IPv6 destination address that upper-layer checksums cover (RFC 8200 8.1). */
static inline const uint8_t *packet_csum_dst(const struct packet *p)
{
    return p->final_dst != NULL ? p->final_dst : p->dst.b;
}

/* Records an event that is not fatal to decoding; returns nothing. */
static inline void decode_note(struct decode_thread *dt, struct packet *p, enum decode_event ev)
{
    (void)decode_event(dt, p, ev);
}

/* Layer decoders, used by each other (and by unit tests). 'data'/'len' is the layer's
 * header and everything after it that was captured. */
int decode_ethernet(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_sll(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_sll2(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_null(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_raw(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_ethertype(struct decode_thread *dt, struct packet *p, uint16_t type, const uint8_t *data,
                     uint32_t len);
int decode_vlan(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_mpls(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_pppoe_session(struct decode_thread *dt, struct packet *p, const uint8_t *data,
                         uint32_t len);
int decode_ppp(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_ppp_in_gre(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_chdlc(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
/* Dispatches the payload of a PPP frame by PPP protocol number (decode-ppp.c). */
int decode_ppp_protocol(struct decode_thread *dt, struct packet *p, uint16_t proto,
                        const uint8_t *data, uint32_t len);
/* Called with the payload of a UDP datagram to the GTP-U port; like decode_vxlan, a
 * payload that is not a GTP-U G-PDU leaves the packet a UDP packet. */
int decode_gtpu(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_ipv4(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_ipv6(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_tcp(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_udp(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_icmpv4(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_icmpv6(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
int decode_gre(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);
/* Called with the payload of a UDP datagram to the VXLAN port: decodes the inner frame
 * if the header is VXLAN's, otherwise leaves the packet a UDP packet and returns CANH_OK. */
int decode_vxlan(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len);

/* Dispatches an IP payload by protocol number (after the IP header and, for IPv6, the
 * extension headers). */
int decode_ip_payload(struct decode_thread *dt, struct packet *p, uint8_t proto,
                      const uint8_t *data, uint32_t len);

/* Enters one more encapsulation layer; returns false (after setting the event) when the
 * configured cap is reached. */
bool decode_layer_enter(struct decode_thread *dt, struct packet *p);

/* Marks the start of a tunnel's inner packet: keeps the outer addresses (first tunnel
 * only) and clears the IP/transport fields for the inner decode. */
void decode_tunnel_enter(struct packet *p, enum tunnel_type type);

#endif
