/* Application-layer parser table and the DNS row. See applayer.h. */
#include "applayer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer-dns.h"
#include "detect/detect-int.h"
#include "detect/detect-run.h"
#include "output/output-eve-dns.h"

#include "applayer/applayer-int.h"

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

int applayer_event_by_name(const char *name)
{
    for (int i = 1; i < APPLAYER_EV_MAX; i++)
        if (strcmp(applayer_events[i].name, name) == 0)
            return i;
    return 0;
}

void applayer_flow_events_clear(struct flow *f)
{
    if (f->app != NULL)
        memset(f->app->events, 0, sizeof(f->app->events));
}

bool applayer_flow_has_event(const struct flow *f, int ev)
{
    return f->app != NULL && ev > 0 && ev < APPLAYER_EV_MAX &&
           (f->app->events[ev / 64] >> (ev % 64)) & 1;
}

int64_t applayer_flow_event(struct flow *f, enum applayer_event ev)
{
    int64_t allocated = 0;
    if (f->app == NULL) {
        f->app = calloc(1, sizeof(*f->app));
        if (f->app == NULL)
            return 0;
        allocated = sizeof(*f->app);
    }
    f->app->events[ev / 64] |= (uint64_t)1 << (ev % 64);
    return allocated;
}

void applayer_set_tx_hook(struct applayer_thread *a, applayer_tx_fn fn, void *ctx)
{
    a->tx_fn = fn;
    a->tx_ctx = ctx;
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

static bool dns_applies(const struct flow *f, const struct packet *p, int dir,
                        const struct dpi_thread *dpi)
{
    return dns_port(flow_server_port(f)) || dns_port(flow_client_port(f)) || dpi_is_dns(f);
}

/* The rule engine's view of a DNS message: dns.query is the question's name, in
 * queries (Suricata inspects it to server). */
static int dns_tx_get(void *ctx, int buf, uint32_t idx, const uint8_t **data, uint32_t *len,
                      bool *final)
{
    const struct dns_message *m = ctx;
    *final = true;
    if (buf != DETECT_BUF_DNS_QUERY || idx > 0 || m->qr || !m->has_question)
        return DETECT_GET_NEVER;
    *data = (const uint8_t *)m->q.name;
    *len = m->q.name_len;
    return DETECT_GET_OK;
}

static void dns_tx_log(void *ctx, struct eve *e)
{
    const struct dns_message *m = ctx;
    if (!m->has_question)
        return;
    char tb[8];
    json_object_open(&e->j, "dns");
    json_array_open(&e->j, "query");
    json_object_open(&e->j, NULL);
    json_plain(&e->j, "type", m->qr ? "answer" : "query");
    json_u64(&e->j, "id", m->id);
    json_stringn(&e->j, "rrname", m->q.name, m->q.name_len);
    json_plain(&e->j, "rrtype", dns_rrtype_str(m->q.type, tb));
    json_object_close(&e->j);
    json_array_close(&e->j);
    json_object_close(&e->j);
}

static int64_t dns_message(struct applayer_thread *a, struct eve *e, struct flow *f,
                           const struct packet *p, const struct dpi_thread *dpi,
                           const uint8_t *msg, uint32_t len)
{
    int64_t allocated = 0;
    int rc = dns_parse(msg, len, a->dns);
    STAT_INC(a->stats.dns_messages);
    if (a->dns->error != DNS_E_HEADER_TRUNCATED) {
        if (a->dns->qr)
            STAT_INC(a->stats.dns_answers);
        else
            STAT_INC(a->stats.dns_queries);
    }
    eve_dns_message(e, f, dpi, a->dns, p->ts_us);
    if (a->tx_fn != NULL && a->dns->error != DNS_E_HEADER_TRUNCATED) {
        struct detect_tx tx = {
            .alproto = ALPROTO_DNS,
            .id = a->dns_txid++,
            .complete = { true, true },
            .ctx = a->dns,
            .get = dns_tx_get,
            .log = dns_tx_log,
            .oneshot = true,
        };
        a->tx_fn(a->tx_ctx, a->dns->qr ? FLOW_TO_CLIENT : FLOW_TO_SERVER, &tx);
    }
    if (rc != CANH_OK) {
        enum applayer_event ev = (unsigned)a->dns->error < DNS_E_MAX ? dns_error_event[a->dns->error]
                                                                     : APPLAYER_EV_NONE;
        STAT_INC(a->stats.dns_malformed);
        if (ev != APPLAYER_EV_NONE) {
            STAT_INC(a->stats.events[ev]);
            eve_applayer_anomaly(e, p, f, dpi, "dns", applayer_event_name(ev), applayer_event_sid(ev));
            allocated += applayer_flow_event(f, ev);
        }
    }
    return allocated;
}

static int64_t dns_packet(struct applayer_thread *a, struct eve *e, struct flow *f,
                          const struct packet *p, int dir, const struct dpi_thread *dpi)
{
    if (p->proto == 17) {
        /* a datagram that parses as DNS makes the flow DNS for the rules (Suricata's
         * UDP probing parser does the same on the first datagram) */
        if (f->alproto == ALPROTO_UNKNOWN && p->payload_len >= DNS_HEADER_LEN)
            f->alproto = ALPROTO_DNS;
        return dns_message(a, e, f, p, dpi, p->payload, p->payload_len);
    }
    int64_t allocated = 0;
    /* TCP (RFC 1035 4.2.2, RFC 7766): length-prefixed messages. Without reassembly only
     * segments that hold whole messages are parsed. */
    const uint8_t *buf = p->payload;
    uint32_t left = p->payload_len;
    while (left > 0) {
        const uint8_t *msg;
        uint32_t mlen, flen;
        if (dns_tcp_frame(buf, left, &msg, &mlen, &flen) != CANH_OK) {
            STAT_INC(a->stats.dns_tcp_partial);
            return allocated;
        }
        allocated += dns_message(a, e, f, p, dpi, msg, mlen);
        buf += flen;
        left -= flen;
    }
    return allocated;
}

/* ---------------------------------------------------------------------------------- */
/* SSH identification lines (RFC 4253 4.2)                                           */
/* ---------------------------------------------------------------------------------- */

static bool ssh_applies(const struct flow *f, const struct packet *p, int dir,
                        const struct dpi_thread *dpi)
{
    if (p->proto != 6)
        return false;
    if (f->app != NULL && f->app->ssh_banner[0] != NULL && f->app->ssh_banner[1] != NULL)
        return false; /* both lines seen */
    return flow_server_port(f) == 22 || dpi_is_ssh(f);
}

/* The rule engine's view: ssh.proto and ssh.software of one side's line
 * ("SSH-2.0-OpenSSH_9.2p1 Debian" gives "2.0" and "OpenSSH_9.2p1"). */
static int ssh_tx_get(void *ctx, int buf, uint32_t idx, const uint8_t **data, uint32_t *len,
                      bool *final)
{
    const char *line = ctx;
    *final = true;
    if (idx > 0 || strncmp(line, "SSH-", 4) != 0)
        return DETECT_GET_NEVER;
    const char *proto = line + 4;
    const char *dash = strchr(proto, '-');
    if (dash == NULL)
        return DETECT_GET_NEVER;
    if (buf == DETECT_BUF_SSH_PROTO) {
        *data = (const uint8_t *)proto;
        *len = (uint32_t)(dash - proto);
        return DETECT_GET_OK;
    }
    if (buf == DETECT_BUF_SSH_SOFTWARE) {
        const char *sw = dash + 1;
        *data = (const uint8_t *)sw;
        *len = (uint32_t)strcspn(sw, " ");
        return DETECT_GET_OK;
    }
    return DETECT_GET_NEVER;
}

/* Each side sends "SSH-protoversion-softwareversion [comments]" CR LF; a server may send
 * other lines before it. The line is taken from the segment it starts in. */
static int64_t ssh_packet(struct applayer_thread *a, struct eve *e, struct flow *f,
                          const struct packet *p, int dir, const struct dpi_thread *dpi)
{
    if (f->app != NULL && f->app->ssh_banner[dir] != NULL)
        return 0;
    const uint8_t *s = p->payload, *end = p->payload + p->payload_len;
    while (end - s >= 4 && memcmp(s, "SSH-", 4) != 0) {
        const uint8_t *nl = memchr(s, '\n', (size_t)(end - s));
        if (nl == NULL || dir == FLOW_TO_SERVER)
            return 0; /* only a server may send lines before its identification */
        s = nl + 1;
    }
    if (end - s < 4)
        return 0;
    size_t n = 0;
    while (s + n < end && n < SSH_BANNER_MAX && s[n] != '\r' && s[n] != '\n')
        n++;
    int64_t allocated = 0;
    if (f->app == NULL) {
        f->app = calloc(1, sizeof(*f->app));
        if (f->app == NULL)
            return 0;
        allocated = sizeof(*f->app);
    }
    f->app->ssh_banner[dir] = malloc(SSH_BANNER_MAX + 1);
    if (f->app->ssh_banner[dir] == NULL)
        return allocated;
    allocated += SSH_BANNER_MAX + 1;
    memcpy(f->app->ssh_banner[dir], s, n);
    f->app->ssh_banner[dir][n] = '\0';
    STAT_INC(a->stats.ssh_banners);
    if (a->tx_fn != NULL) {
        struct detect_tx tx = {
            .alproto = ALPROTO_SSH,
            .id = (uint64_t)dir, /* one line per side */
            .complete = { true, true },
            .ctx = f->app->ssh_banner[dir],
            .get = ssh_tx_get,
        };
        a->tx_fn(a->tx_ctx, dir, &tx);
    }
    return allocated;
}

int64_t applayer_flow_free(struct flow *f)
{
    if (f->app == NULL)
        return 0;
    int64_t parsers = applayer_tcp_free(f);
    for (int d = 0; d < 2; d++)
        if (f->app->ssh_banner[d] != NULL) {
            free(f->app->ssh_banner[d]);
            parsers += SSH_BANNER_MAX + 1;
        }
    free(f->app);
    f->app = NULL;
    return (int64_t)sizeof(struct applayer_flow) + parsers;
}

void applayer_ssh_banners(const struct flow *f, const char **client, const char **server)
{
    *client = f->app != NULL && f->app->ssh_banner[FLOW_TO_SERVER] ? f->app->ssh_banner[FLOW_TO_SERVER] : "";
    *server = f->app != NULL && f->app->ssh_banner[FLOW_TO_CLIENT] ? f->app->ssh_banner[FLOW_TO_CLIENT] : "";
}

/* ---------------------------------------------------------------------------------- */
/* Table                                                                              */
/* ---------------------------------------------------------------------------------- */

static const struct applayer_parser {
    const char *name;
    bool (*applies)(const struct flow *f, const struct packet *p, int dir,
                    const struct dpi_thread *dpi);
    /* Returns the bytes of per-flow state it allocated. */
    int64_t (*packet)(struct applayer_thread *a, struct eve *e, struct flow *f,
                      const struct packet *p, int dir, const struct dpi_thread *dpi);
} applayer_parsers[] = {
    { "dns", dns_applies, dns_packet },
    { "ssh", ssh_applies, ssh_packet },
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
    free(a->views);
    free(a);
}

const struct applayer_stats *applayer_thread_stats(const struct applayer_thread *a)
{
    return &a->stats;
}

int64_t applayer_packet(struct applayer_thread *a, struct eve *e, struct flow *f,
                        const struct packet *p, int dir, const struct dpi_thread *dpi)
{
    int64_t allocated = 0;
    if (p->payload_len == 0 || (p->proto != 6 && p->proto != 17))
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(applayer_parsers); i++) {
        const struct applayer_parser *ap = &applayer_parsers[i];
        if (ap->applies(f, p, dir, dpi))
            allocated += ap->packet(a, e, f, p, dir, dpi);
    }
    return allocated;
}
