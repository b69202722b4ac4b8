/* Decoder entry point: link-type dispatch, the event table, the layer cap and the
 * ethertype dispatch shared by Ethernet, SLL, VLAN, GRE and PPPoE. */
#include "decode.h"

#include <pcap/dlt.h>
#include <string.h>

#include "util/util-cursor.h"

/* ---------------------------------------------------------------------------------- */
/* Event table                                                                        */
/* ---------------------------------------------------------------------------------- */

static const struct {
    const char *name;
    uint32_t sid;
} decode_events[DECODE_EV_MAX] = {
    [DECODE_EV_NONE] = { "none", 0 },
#define DECODE_EVENT(id, name, sid) [DECODE_EV_##id] = { name, sid },
#include "decode-events.def"
#undef DECODE_EVENT
};

const char *decode_event_name(enum decode_event ev)
{
    return (unsigned)ev < DECODE_EV_MAX ? decode_events[ev].name : "unknown";
}

uint32_t decode_event_sid(enum decode_event ev)
{
    return (unsigned)ev < DECODE_EV_MAX ? decode_events[ev].sid : 0;
}

enum decode_event decode_event_by_name(const char *name)
{
    for (int i = 1; i < DECODE_EV_MAX; i++)
        if (strcmp(decode_events[i].name, name) == 0)
            return (enum decode_event)i;
    return DECODE_EV_NONE;
}

int decode_event(struct decode_thread *dt, struct packet *p, enum decode_event ev)
{
    STAT_INC(dt->stats.events[ev]);
    /* An event is kept once per packet, so a repeated condition (e.g. in nested
     * layers) does not crowd out others. */
    for (uint8_t i = 0; i < p->nevents; i++)
        if (p->events[i] == ev)
            return CANH_ERR;
    if (p->nevents < PACKET_MAX_EVENTS)
        p->events[p->nevents++] = (uint16_t)ev;
    else
        STAT_INC(dt->stats.events_dropped);
    return CANH_ERR;
}

/* ---------------------------------------------------------------------------------- */
/* Packet and layers                                                                  */
/* ---------------------------------------------------------------------------------- */

void packet_reset(struct packet *p)
{
    /* Everything after the capture fields. */
    size_t start = offsetof(struct packet, flags);
    memset((uint8_t *)p + start, 0, sizeof(*p) - start);
    p->tcp_wscale = 0xff;
}

bool decode_layer_enter(struct decode_thread *dt, struct packet *p)
{
    if (p->layers >= dt->max_layers) {
        decode_note(dt, p, DECODE_EV_DECODER_TOO_MANY_LAYERS);
        return false;
    }
    p->layers++;
    return true;
}

void decode_tunnel_enter(struct packet *p, enum tunnel_type type)
{
    if (!(p->flags & PKT_TUNNELED)) {
        p->tunnel_ipver = p->ipver;
        p->tunnel_src = p->src;
        p->tunnel_dst = p->dst;
    }
    p->flags |= PKT_TUNNELED;
    p->tunnel = (uint8_t)type;
    /* The inner packet's IP and transport fields start afresh. */
    p->ipver = 0;
    p->proto = 0;
    p->ip = NULL;
    p->ip_len = p->ip_hlen = 0;
    p->ip_truncated = false;
    p->final_dst = NULL;
    p->l4 = p->payload = NULL;
    p->l4_len = p->payload_len = 0;
    p->sport = p->dport = 0;
    p->flags &= ~PKT_PORTS;
}

/* ---------------------------------------------------------------------------------- */
/* Dispatch                                                                           */
/* ---------------------------------------------------------------------------------- */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_MPLS_UC 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PPPOE_SESS 0x8864

int decode_ethertype(struct decode_thread *dt, struct packet *p, uint16_t type, const uint8_t *data,
                     uint32_t len)
{
    switch (type) {
    case ETHERTYPE_IPV4:
        return decode_ipv4(dt, p, data, len);
    case ETHERTYPE_IPV6:
        return decode_ipv6(dt, p, data, len);
    case ETHERTYPE_VLAN:
    case ETHERTYPE_QINQ:
    case ETHERTYPE_QINQ_OLD:
        return decode_vlan(dt, p, data, len);
    case ETHERTYPE_MPLS_UC:
    case ETHERTYPE_MPLS_MC:
        return decode_mpls(dt, p, data, len);
    case ETHERTYPE_PPPOE_SESS:
        return decode_pppoe_session(dt, p, data, len);
    default:
        /* ARP, LLDP, STP, 802.1X and the like carry no IP: nothing more to decode. */
        return CANH_AGAIN;
    }
}

bool decode_linktype_supported(int linktype)
{
    switch (linktype) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_NULL:
    case DLT_LOOP:
    case DLT_RAW: /* libpcap maps LINKTYPE_RAW (101) in files to DLT_RAW */
    case DLT_IPV4:
    case DLT_IPV6:
    case DLT_PPP:
    case DLT_PPP_SERIAL:
    case DLT_C_HDLC:
        return true;
    default:
        return false;
    }
}

int decode_packet(struct decode_thread *dt, struct packet *p)
{
    packet_reset(p);
    p->flow_len = p->wirelen;
    STAT_INC(dt->stats.pkts);
    STAT_ADD(dt->stats.bytes, p->wirelen);
    if (p->caplen < p->wirelen) {
        p->flags |= PKT_TRUNCATED;
        STAT_INC(dt->stats.truncated);
    }

    int rc;
    switch (p->linktype) {
    case DLT_EN10MB:
        rc = decode_ethernet(dt, p, p->data, p->caplen);
        break;
    case DLT_LINUX_SLL:
        rc = decode_sll(dt, p, p->data, p->caplen);
        break;
    case DLT_LINUX_SLL2:
        rc = decode_sll2(dt, p, p->data, p->caplen);
        break;
    case DLT_NULL:
    case DLT_LOOP:
        rc = decode_null(dt, p, p->data, p->caplen);
        break;
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        rc = decode_raw(dt, p, p->data, p->caplen);
        break;
    case DLT_PPP:
    case DLT_PPP_SERIAL:
        rc = decode_ppp(dt, p, p->data, p->caplen);
        break;
    case DLT_C_HDLC:
        rc = decode_chdlc(dt, p, p->data, p->caplen);
        break;
    default:
        /* Capture refuses link types it cannot decode; nothing to do here. */
        return CANH_AGAIN;
    }
    if (rc == CANH_ERR) {
        p->flags |= PKT_INVALID;
        STAT_INC(dt->stats.invalid);
    }
    return rc;
}
