/* Application-layer parser table and the DNS row. See applayer.h. */
#include "applayer.h"

#include <stdio.h>
#include <stdlib.h>

#include "applayer/applayer-dns.h"
#include "output/output-eve-dns.h"

struct applayer_thread {
    struct applayer_stats stats;
    struct dns_message *dns; /* ~80 KB: one per worker, reused for every message */
};

static const struct {
    const char *name;
    uint32_t sid;
} applayer_events[APPLAYER_EV_MAX] = {
    [APPLAYER_EV_NONE] = { "none", 0 },
#define APPLAYER_EVENT(id, name, sid) [APPLAYER_EV_##id] = { name, sid },
#include "applayer-events.def"
#undef APPLAYER_EVENT
};

const char *applayer_event_name(enum applayer_event ev)
{
    return (unsigned)ev < APPLAYER_EV_MAX ? applayer_events[ev].name : "unknown";
}

uint32_t applayer_event_sid(enum applayer_event ev)
{
    return (unsigned)ev < APPLAYER_EV_MAX ? applayer_events[ev].sid : 0;
}

/* ---------------------------------------------------------------------------------- */
/* DNS (RFC 1035; mDNS RFC 6762; LLMNR RFC 4795)                                      */
/* ---------------------------------------------------------------------------------- */

static const enum applayer_event dns_error_event[DNS_E_MAX] = {
    [DNS_E_HEADER_TRUNCATED] = APPLAYER_EV_DNS_HEADER_TRUNCATED,
    [DNS_E_NAME_TRUNCATED] = APPLAYER_EV_DNS_NAME_TRUNCATED,
    [DNS_E_LABEL_TYPE] = APPLAYER_EV_DNS_LABEL_TYPE,
    [DNS_E_POINTER_RANGE] = APPLAYER_EV_DNS_POINTER_RANGE,
    [DNS_E_POINTER_LOOP] = APPLAYER_EV_DNS_POINTER_LOOP,
    [DNS_E_POINTER_CHAIN] = APPLAYER_EV_DNS_POINTER_CHAIN,
    [DNS_E_NAME_TOO_LONG] = APPLAYER_EV_DNS_NAME_TOO_LONG,
    [DNS_E_QUESTION_TRUNCATED] = APPLAYER_EV_DNS_QUESTION_TRUNCATED,
    [DNS_E_RR_TRUNCATED] = APPLAYER_EV_DNS_RR_TRUNCATED,
    [DNS_E_RDATA] = APPLAYER_EV_DNS_RDATA_INVALID,
};

static bool dns_port(uint16_t port)
{
    return port == 53 || port == 5353 || port == 5355; /* DNS, mDNS, LLMNR */
}

static bool dns_applies(const struct flow *f, const struct packet *p, const struct dpi_thread *dpi)
{
    return dns_port(flow_server_port(f)) || dns_port(flow_client_port(f)) || dpi_is_dns(f);
}

static void dns_message(struct applayer_thread *a, struct eve *e, const struct flow *f,
                        const struct packet *p, const struct dpi_thread *dpi,
                        const uint8_t *msg, uint32_t len)
{
    int rc = dns_parse(msg, len, a->dns);
    STAT_INC(a->stats.dns_messages);
    if (a->dns->error != DNS_E_HEADER_TRUNCATED) {
        if (a->dns->qr)
            STAT_INC(a->stats.dns_answers);
        else
            STAT_INC(a->stats.dns_queries);
    }
    eve_dns_message(e, f, dpi, a->dns, p->ts_us);
    if (rc != CANH_OK) {
        enum applayer_event ev = (unsigned)a->dns->error < DNS_E_MAX ? dns_error_event[a->dns->error]
                                                                     : APPLAYER_EV_NONE;
        STAT_INC(a->stats.dns_malformed);
        if (ev != APPLAYER_EV_NONE) {
            STAT_INC(a->stats.events[ev]);
            eve_applayer_anomaly(e, p, f, dpi, "dns", applayer_event_name(ev), applayer_event_sid(ev));
        }
    }
}

static void dns_packet(struct applayer_thread *a, struct eve *e, const struct flow *f,
                       const struct packet *p, const struct dpi_thread *dpi)
{
    if (p->proto == 17) {
        dns_message(a, e, f, p, dpi, p->payload, p->payload_len);
        return;
    }
    /* TCP (RFC 1035 4.2.2, RFC 7766): length-prefixed messages. Without reassembly only
     * segments that hold whole messages are parsed. */
    const uint8_t *buf = p->payload;
    uint32_t left = p->payload_len;
    while (left > 0) {
        const uint8_t *msg;
        uint32_t mlen, flen;
        if (dns_tcp_frame(buf, left, &msg, &mlen, &flen) != CANH_OK) {
            STAT_INC(a->stats.dns_tcp_partial);
            return;
        }
        dns_message(a, e, f, p, dpi, msg, mlen);
        buf += flen;
        left -= flen;
    }
}

/* ---------------------------------------------------------------------------------- */
/* Table                                                                              */
/* ---------------------------------------------------------------------------------- */

static const struct applayer_parser {
    const char *name;
    bool (*applies)(const struct flow *f, const struct packet *p, const struct dpi_thread *dpi);
    void (*packet)(struct applayer_thread *a, struct eve *e, const struct flow *f,
                   const struct packet *p, const struct dpi_thread *dpi);
} applayer_parsers[] = {
    { "dns", dns_applies, dns_packet },
};

struct applayer_thread *applayer_thread_new(char errbuf[CANH_ERRBUF_SIZE])
{
    struct applayer_thread *a = calloc(1, sizeof(*a));
    if (a == NULL)
        goto fail;
    a->dns = malloc(sizeof(*a->dns));
    if (a->dns == NULL)
        goto fail;
    return a;
fail:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "applayer: out of memory");
    applayer_thread_free(a);
    return NULL;
}

void applayer_thread_free(struct applayer_thread *a)
{
    if (a == NULL)
        return;
    free(a->dns);
    free(a);
}

const struct applayer_stats *applayer_thread_stats(const struct applayer_thread *a)
{
    return &a->stats;
}

void applayer_packet(struct applayer_thread *a, struct eve *e, const struct flow *f,
                     const struct packet *p, const struct dpi_thread *dpi)
{
    if (p->payload_len == 0 || (p->proto != 6 && p->proto != 17))
        return;
    for (size_t i = 0; i < ARRAY_SIZE(applayer_parsers); i++) {
        const struct applayer_parser *ap = &applayer_parsers[i];
        if (ap->applies(f, p, dpi))
            ap->packet(a, e, f, p, dpi);
    }
}
