/* EVE JSON event builders. See output-eve.h and docs/events.md. */
#include "output-eve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "util/util-base64.h"
#include "util/util-ring.h"

#define EVE_ANOMALY_PACKET_BYTES 256 /* of the packet kept (base64) in an anomaly event */

int eve_init(struct eve *e)
{
    e->buf = malloc(EVE_EVENT_MAX);
    e->cid_cache = calloc(EVE_CID_CACHE, sizeof(*e->cid_cache));
    e->scratch = malloc(EVE_SCRATCH_SIZE);
    if (e->buf == NULL || e->cid_cache == NULL || e->scratch == NULL)
        return CANH_ENOMEM;
    int n = snprintf(e->id_prefix, sizeof(e->id_prefix), "%s:%s:%u:", e->sensor_id, e->boot_id,
                     e->worker);
    e->id_prefix_len = n > 0 && (size_t)n < sizeof(e->id_prefix) ? (size_t)n : 0;
    /* The members every event ends its frame with, as the writer would put them (the org
     * may hold anything, so it goes through the escaper). */
    struct json j;
    json_init(&j, e->constant, sizeof(e->constant));
    json_object_open(&j, NULL);
    json_u64(&j, "schema_version", CANH_SCHEMA_VERSION);
    json_object_open(&j, "sensor");
    json_plain(&j, "id", e->sensor_id); /* validated at start-up */
    json_string(&j, "org", e->org);
    json_object_close(&j);
    if (j.overflow)
        return CANH_ERR;
    /* Keep the members only: drop the opening brace, the caller adds the comma. */
    e->constant_len = j.len - 1;
    memmove(e->constant, e->constant + 1, e->constant_len);
    return CANH_OK;
}

void eve_destroy(struct eve *e)
{
    free(e->buf);
    free(e->cid_cache);
    free(e->scratch);
    e->scratch = NULL;
    e->buf = NULL;
    e->cid_cache = NULL;
}

/* The flow's Community ID, from the cache when this flow's was computed lately. A slot
 * matches only the same flow record with the same start time and key hash (a freed
 * record reused by another flow does not match), and the value depends only on the key,
 * the client side and the first ICMP type, which do not change during a flow. */
const char *eve_flow_community_id(struct eve *e, const struct flow *f)
{
    struct eve_cid *c = &e->cid_cache[(f->hash ^ (uint32_t)(f->first_us >> 4)) % EVE_CID_CACHE];
    if (c->f != f || c->first_us != f->first_us || c->hash != f->hash || c->client != f->client) {
        flow_community_id(f, c->cid);
        c->f = f;
        c->first_us = f->first_us;
        c->hash = f->hash;
        c->client = f->client;
    }
    return c->cid;
}

/* ---------------------------------------------------------------------------------- */
/* Text helpers                                                                       */
/* ---------------------------------------------------------------------------------- */

/* Writes n digits of v, zero-padded. */
static inline char *put_digits(char *o, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + n;
}

/* Proleptic Gregorian date of a day number (days since 1970-01-01), from Howard
 * Hinnant's "chrono-Compatible Low-Level Date Algorithms" (civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DDTHH:MM:SS.uuuuuu+0000" (31 characters and a NUL). Packet times are
 * unsigned 32-bit seconds in pcap files, so the year has four digits. */
void eve_format_ts(uint64_t ts_us, char out[40])
{
    uint64_t sec = ts_us / 1000000u;
    int64_t y;
    unsigned m, d, sod = (unsigned)(sec % 86400u);
    civil_from_days((int64_t)(sec / 86400u), &y, &m, &d);
    char *o = put_digits(out, (unsigned)(y % 10000), 4);
    *o++ = '-';
    o = put_digits(o, m, 2);
    *o++ = '-';
    o = put_digits(o, d, 2);
    *o++ = 'T';
    o = put_digits(o, sod / 3600, 2);
    *o++ = ':';
    o = put_digits(o, sod / 60 % 60, 2);
    *o++ = ':';
    o = put_digits(o, sod % 60, 2);
    *o++ = '.';
    o = put_digits(o, (unsigned)(ts_us % 1000000u), 6);
    memcpy(o, "+0000", 6);
}

const char *eve_proto_name(uint8_t proto, char buf[8])
{
    switch (proto) {
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "IPv6-ICMP";
    case 89: return "OSPF";
    case 103: return "PIM";
    case 112: return "VRRP";
    case 132: return "SCTP";
    default:
        snprintf(buf, 8, "%u", proto);
        return buf;
    }
}

void eve_addr(const struct canh_addr *a, uint8_t ipver, char out[46])
{
    if (ipver != 4) {
        inet_ntop(AF_INET6, a->b, out, 46);
        return;
    }
    char *o = out;
    for (int i = 0; i < 4; i++) {
        unsigned v = a->b[i];
        if (v >= 100)
            *o++ = (char)('0' + v / 100);
        if (v >= 10)
            *o++ = (char)('0' + v / 10 % 10);
        *o++ = (char)('0' + v % 10);
        *o++ = i < 3 ? '.' : '\0';
    }
}

/* ---------------------------------------------------------------------------------- */
/* Event frame                                                                        */
/* ---------------------------------------------------------------------------------- */

void eve_begin(struct eve *e, uint64_t type, const char *type_name, uint64_t ts_us)
{
    json_init(&e->j, e->buf, EVE_EVENT_MAX);
    e->cur_type_bit = __builtin_ctzll(type);
    json_object_open(&e->j, NULL);

    char ts[40];
    eve_format_ts(ts_us, ts);
    json_plain(&e->j, "timestamp", ts);
    json_plain(&e->j, "event_type", type_name);
    char id[sizeof(e->id_prefix) + 24];
    memcpy(id, e->id_prefix, e->id_prefix_len);
    char *o = id + e->id_prefix_len;
    char digits[24], *d = digits + sizeof(digits);
    uint64_t seq = ++e->seq;
    do {
        *--d = (char)('0' + seq % 10);
        seq /= 10;
    } while (seq != 0);
    memcpy(o, d, (size_t)(digits + sizeof(digits) - d));
    o += digits + sizeof(digits) - d;
    json_plainn(&e->j, "event_id", id, (size_t)(o - id));
    /* "schema_version":N,"sensor":{"id":...,"org":...}, rendered once by eve_init. */
    json_raw(&e->j, NULL, e->constant, e->constant_len);
}

void eve_end(struct eve *e)
{
    json_object_close(&e->j);
    if (!json_finish(&e->j)) {
        STAT_INC(e->stats.too_large);
        return;
    }
    if (e->ring == NULL)
        return; /* the caller writes e->buf itself (the output thread's stats) */
    uint32_t len = (uint32_t)e->j.len;
    void *slot = ring_reserve(e->ring, len);
    while (slot == NULL) {
        if (!e->may_wait) {
            STAT_INC(e->stats.dropped);
            return;
        }
        ring_wait_space(e->ring, len, 100);
        slot = ring_reserve(e->ring, len);
    }
    memcpy(slot, e->buf, len);
    ring_commit(e->ring, EVE_RECORD_EVENT, len);
    STAT_INC(e->stats.events);
    STAT_INC(e->stats.by_type[e->cur_type_bit]);
}

static void eve_vlan(struct eve *e, const uint16_t vlan[2])
{
    if (vlan[0] == 0 && vlan[1] == 0)
        return;
    json_array_open(&e->j, "vlan");
    json_u64(&e->j, NULL, vlan[0]);
    if (vlan[1] != 0)
        json_u64(&e->j, NULL, vlan[1]);
    json_array_close(&e->j);
}

static bool proto_has_ports(uint8_t proto)
{
    return proto == 6 || proto == 17 || proto == 132;
}

void eve_flow_fields(struct eve *e, const struct flow *f, const struct dpi_thread *dpi)
{
    char addr[46], pbuf[8];
    json_u64(&e->j, "flow_id", flow_id(f));
    eve_addr(flow_client_addr(f), f->key.ipver, addr);
    json_plain(&e->j, "src_ip", addr);
    if (proto_has_ports(f->key.proto))
        json_u64(&e->j, "src_port", flow_client_port(f));
    eve_addr(flow_server_addr(f), f->key.ipver, addr);
    json_plain(&e->j, "dest_ip", addr);
    if (proto_has_ports(f->key.proto))
        json_u64(&e->j, "dest_port", flow_server_port(f));
    json_plain(&e->j, "proto", eve_proto_name(f->key.proto, pbuf));
    if (f->key.proto == 1 || f->key.proto == 58) {
        json_u64(&e->j, "icmp_type", f->icmp_type);
        json_u64(&e->j, "icmp_code", f->icmp_code);
    }
    eve_vlan(e, f->key.vlan);
    if (dpi != NULL && f->dpi_state == DPI_DONE) {
        const char *ap = dpi_app_proto(dpi, f);
        if (ap != NULL)
            json_string(&e->j, "app_proto", ap);
    }
    json_plain(&e->j, "community_id", eve_flow_community_id(e, f));
}

void eve_packet_fields(struct eve *e, const struct packet *p)
{
    char addr[46], pbuf[8];
    if (p->ipver == 0)
        return;
    eve_addr(&p->src, p->ipver, addr);
    json_plain(&e->j, "src_ip", addr);
    if (p->flags & PKT_PORTS)
        json_u64(&e->j, "src_port", p->sport);
    eve_addr(&p->dst, p->ipver, addr);
    json_plain(&e->j, "dest_ip", addr);
    if (p->flags & PKT_PORTS)
        json_u64(&e->j, "dest_port", p->dport);
    json_plain(&e->j, "proto", eve_proto_name(p->proto, pbuf));
    eve_vlan(e, p->vlan);
}

/* ---------------------------------------------------------------------------------- */
/* flow                                                                               */
/* ---------------------------------------------------------------------------------- */

static void eve_tcp_flags(char out[3], uint8_t flags)
{
    static const char hex[] = "0123456789abcdef";
    out[0] = hex[flags >> 4];
    out[1] = hex[flags & 15];
    out[2] = '\0';
}

static void eve_ndpi(struct eve *e, const struct flow *f, const struct dpi_thread *dpi)
{
    char name[64];
    json_object_open(&e->j, "ndpi");
    json_string(&e->j, "protocol", dpi_protocol_name(dpi, f, name, sizeof(name)));
    if (f->ndpi_master != 0)
        json_string(&e->j, "master_protocol", dpi_proto_id_name(dpi, f->ndpi_master));
    json_string(&e->j, "app_protocol", dpi_proto_id_name(dpi, f->ndpi_app));
    json_string(&e->j, "category", dpi_category_name(dpi, f));
    json_string(&e->j, "confidence", dpi_confidence_name(f));
    if (f->ndpi_risk != 0) {
        json_array_open(&e->j, "risks");
        for (int i = 1; i < 64; i++)
            if (f->ndpi_risk & (1ULL << i))
                json_string(&e->j, NULL, dpi_risk_name(i));
        json_array_close(&e->j);
        json_u64(&e->j, "risk_score", dpi_risk_score(f));
    }
    json_object_close(&e->j);
}

void eve_flow(struct eve *e, const struct flow *f, enum flow_end_reason reason,
              const struct dpi_thread *dpi)
{
    if (!eve_enabled(e, EVE_FLOW))
        return;
    char ts[40];
    eve_begin(e, EVE_FLOW, "flow", f->last_us);
    eve_flow_fields(e, f, dpi);
    json_object_open(&e->j, "flow");
    json_u64(&e->j, "pkts_toserver", f->pkts[FLOW_TO_SERVER]);
    json_u64(&e->j, "pkts_toclient", f->pkts[FLOW_TO_CLIENT]);
    json_u64(&e->j, "bytes_toserver", f->bytes[FLOW_TO_SERVER]);
    json_u64(&e->j, "bytes_toclient", f->bytes[FLOW_TO_CLIENT]);
    eve_format_ts(f->first_us, ts);
    json_plain(&e->j, "start", ts);
    eve_format_ts(f->last_us, ts);
    json_plain(&e->j, "end", ts);
    json_u64(&e->j, "age", (f->last_us - f->first_us) / 1000000);
    json_plain(&e->j, "state", flow_state_name(f));
    json_plain(&e->j, "reason", flow_end_reason_name(reason));
    json_bool(&e->j, "alerted", false);
    json_object_close(&e->j);
    if (f->key.proto == 6) {
        char hex[3];
        json_object_open(&e->j, "tcp");
        eve_tcp_flags(hex, f->tcp_flags[0] | f->tcp_flags[1]);
        json_plain(&e->j, "tcp_flags", hex);
        eve_tcp_flags(hex, f->tcp_flags[0]);
        json_plain(&e->j, "tcp_flags_ts", hex);
        eve_tcp_flags(hex, f->tcp_flags[1]);
        json_plain(&e->j, "tcp_flags_tc", hex);
        static const struct { uint8_t bit; const char *name; } flags[] = {
            { TH_SYN, "syn" }, { TH_FIN, "fin" }, { TH_RST, "rst" }, { TH_PSH, "psh" },
            { TH_ACK, "ack" }, { TH_URG, "urg" }, { TH_ECE, "ecn" }, { TH_CWR, "cwr" },
        };
        for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
            if ((f->tcp_flags[0] | f->tcp_flags[1]) & flags[i].bit)
                json_bool(&e->j, flags[i].name, true);
        json_plain(&e->j, "state", flow_tcp_state_name(f));
        json_object_close(&e->j);
    }
    if (dpi != NULL && f->dpi_state == DPI_DONE)
        eve_ndpi(e, f, dpi);
    eve_end(e);
}

/* ---------------------------------------------------------------------------------- */
/* Application layer                                                                  */
/* ---------------------------------------------------------------------------------- */

static void eve_http(struct eve *e, const struct flow *f, const struct dpi_meta *m,
                     const struct dpi_thread *dpi, uint64_t ts_us)
{
    eve_begin(e, EVE_HTTP, "http", ts_us);
    eve_flow_fields(e, f, dpi);
    json_object_open(&e->j, "http");
    if (m->hostname[0] != '\0')
        json_string(&e->j, "hostname", m->hostname);
    /* nDPI keeps "host/path"; EVE's url is the request target. */
    const char *url = m->http.url;
    size_t hl = strlen(m->hostname);
    if (hl > 0 && strncmp(url, m->hostname, hl) == 0 && url[hl] == '/')
        url += hl;
    if (url[0] != '\0')
        json_string(&e->j, "url", url);
    if (m->http.user_agent[0] != '\0')
        json_string(&e->j, "http_user_agent", m->http.user_agent);
    if (m->http.content_type[0] != '\0')
        json_string(&e->j, "http_content_type", m->http.content_type);
    if (m->http.request_content_type[0] != '\0')
        json_string(&e->j, "http_request_content_type", m->http.request_content_type);
    if (m->http.method[0] != '\0') {
        json_string(&e->j, "http_method", m->http.method);
        json_string(&e->j, "protocol", m->http.version ? "HTTP/1.1" : "HTTP/1.0");
    }
    if (m->http.status != 0)
        json_u64(&e->j, "status", m->http.status);
    json_object_close(&e->j);
    eve_end(e);
}

static void eve_tls_version(uint16_t v, char out[16])
{
    switch (v) {
    case 0x0300: snprintf(out, 16, "SSLv3"); break;
    case 0x0301: snprintf(out, 16, "TLS 1.0"); break;
    case 0x0302: snprintf(out, 16, "TLS 1.1"); break;
    case 0x0303: snprintf(out, 16, "TLS 1.2"); break;
    case 0x0304: snprintf(out, 16, "TLS 1.3"); break;
    case 0xfeff: snprintf(out, 16, "DTLS 1.0"); break;
    case 0xfefd: snprintf(out, 16, "DTLS 1.2"); break;
    default: snprintf(out, 16, "0x%04x", v); break;
    }
}

static void eve_tls(struct eve *e, const struct flow *f, const struct dpi_meta *m,
                    const struct dpi_thread *dpi, uint64_t ts_us)
{
    char buf[64];
    eve_begin(e, EVE_TLS, "tls", ts_us);
    eve_flow_fields(e, f, dpi);
    json_object_open(&e->j, "tls");
    if (m->tls.subject[0] != '\0')
        json_string(&e->j, "subject", m->tls.subject);
    if (m->tls.issuer[0] != '\0')
        json_string(&e->j, "issuerdn", m->tls.issuer);
    if (m->tls.has_fingerprint) {
        char fp[20 * 3];
        for (int i = 0; i < 20; i++)
            snprintf(fp + i * 3, 4, "%02x%s", m->tls.sha1[i], i < 19 ? ":" : "");
        json_string(&e->j, "fingerprint", fp);
    }
    if (m->hostname[0] != '\0')
        json_string(&e->j, "sni", m->hostname);
    if (m->tls.version != 0) {
        eve_tls_version(m->tls.version, buf);
        json_string(&e->j, "version", buf);
    }
    if (m->tls.not_before != 0) {
        eve_format_ts((uint64_t)m->tls.not_before * 1000000, buf);
        buf[19] = '\0'; /* Suricata writes these without fraction or zone */
        json_string(&e->j, "notbefore", buf);
    }
    if (m->tls.not_after != 0) {
        eve_format_ts((uint64_t)m->tls.not_after * 1000000, buf);
        buf[19] = '\0';
        json_string(&e->j, "notafter", buf);
    }
    if (m->tls.ja3[0] != '\0') {
        json_object_open(&e->j, "ja3");
        json_string(&e->j, "hash", m->tls.ja3);
        json_object_close(&e->j);
    }
    if (m->tls.ja3s[0] != '\0') {
        json_object_open(&e->j, "ja3s");
        json_string(&e->j, "hash", m->tls.ja3s);
        json_object_close(&e->j);
    }
    if (m->tls.alpn[0] != '\0')
        json_string(&e->j, "alpn", m->tls.alpn);
    json_object_close(&e->j);
    eve_end(e);
}

/* "SSH-2.0-OpenSSH_8.4p1 Debian-5" -> proto_version "2.0", software_version the rest. */
static void eve_ssh_side(struct eve *e, const char *key, const char *banner, const char *hassh)
{
    if (banner[0] == '\0' && hassh[0] == '\0')
        return;
    json_object_open(&e->j, key);
    /* The identification line ends at CR LF (RFC 4253 4.2). nDPI 4.2 trims CR/LF only at
     * the end of the segment, so a banner that shares its segment with the KEXINIT (as
     * dropbear sends it) arrives here with "\r\n" still on it. */
    size_t blen = strcspn(banner, "\r\n");
    if (blen >= 4 && strncmp(banner, "SSH-", 4) == 0) {
        const char *ver = banner + 4;
        const char *end = banner + blen;
        const char *dash = memchr(ver, '-', (size_t)(end - ver));
        if (dash != NULL) {
            json_stringn(&e->j, "proto_version", ver, (size_t)(dash - ver));
            json_stringn(&e->j, "software_version", dash + 1, (size_t)(end - dash - 1));
        } else {
            json_stringn(&e->j, "proto_version", ver, (size_t)(end - ver));
        }
    } else if (blen > 0) {
        json_stringn(&e->j, "software_version", banner, blen);
    }
    if (hassh[0] != '\0') {
        /* nDPI prints the MD5 in upper case; Suricata and the HASSH spec use lower case. */
        char lower[40];
        size_t n = strnlen(hassh, sizeof(lower) - 1);
        for (size_t i = 0; i < n; i++)
            lower[i] = (char)tolower((unsigned char)hassh[i]);
        json_object_open(&e->j, "hassh");
        json_stringn(&e->j, "hash", lower, n);
        json_object_close(&e->j);
    }
    json_object_close(&e->j);
}

static void eve_ssh(struct eve *e, const struct flow *f, const struct dpi_meta *m,
                    const struct dpi_thread *dpi, uint64_t ts_us)
{
    eve_begin(e, EVE_SSH, "ssh", ts_us);
    eve_flow_fields(e, f, dpi);
    json_object_open(&e->j, "ssh");
    eve_ssh_side(e, "client", m->ssh.client, m->ssh.hassh_client);
    eve_ssh_side(e, "server", m->ssh.server, m->ssh.hassh_server);
    json_object_close(&e->j);
    eve_end(e);
}

void eve_app(struct eve *e, const struct flow *f, const struct dpi_meta *m,
             const struct dpi_thread *dpi, uint64_t ts_us)
{
    if (m->is_http && (m->http.method[0] != '\0' || m->http.status != 0) && eve_enabled(e, EVE_HTTP))
        eve_http(e, f, m, dpi, ts_us);
    if (m->is_tls && (m->tls.version != 0 || m->hostname[0] != '\0') && eve_enabled(e, EVE_TLS))
        eve_tls(e, f, m, dpi, ts_us);
    if (m->is_ssh && (m->ssh.client[0] != '\0' || m->ssh.server[0] != '\0') && eve_enabled(e, EVE_SSH))
        eve_ssh(e, f, m, dpi, ts_us);
}

/* ---------------------------------------------------------------------------------- */
/* anomaly                                                                            */
/* ---------------------------------------------------------------------------------- */

void eve_anomaly(struct eve *e, const struct packet *p, const struct flow *f,
                 const struct dpi_thread *dpi)
{
    if (!eve_enabled(e, EVE_ANOMALY))
        return;
    static const char *const tunnels[] = { "none", "gre", "erspan", "vxlan", "ipip", "gtp" };
    for (uint8_t i = 0; i < p->nevents; i++) {
        eve_begin(e, EVE_ANOMALY, "anomaly", p->ts_us);
        if (f != NULL)
            eve_flow_fields(e, f, dpi);
        else
            eve_packet_fields(e, p);
        json_object_open(&e->j, "anomaly");
        json_plain(&e->j, "type", "decode");
        json_plain(&e->j, "event", decode_event_name((enum decode_event)p->events[i]));
        json_u64(&e->j, "gid", 1);
        json_u64(&e->j, "sid", decode_event_sid((enum decode_event)p->events[i]));
        json_object_close(&e->j);
        if (p->flags & PKT_TUNNELED) {
            char addr[46];
            json_object_open(&e->j, "tunnel");
            json_string(&e->j, "type", tunnels[p->tunnel]);
            eve_addr(&p->tunnel_src, p->tunnel_ipver, addr);
            json_plain(&e->j, "src_ip", addr);
            eve_addr(&p->tunnel_dst, p->tunnel_ipver, addr);
            json_plain(&e->j, "dest_ip", addr);
            json_object_close(&e->j);
        }
        json_object_open(&e->j, "packet_info");
        json_u64(&e->j, "linktype", (uint64_t)p->linktype);
        json_u64(&e->j, "caplen", p->caplen);
        json_u64(&e->j, "len", p->wirelen);
        json_object_close(&e->j);
        uint32_t n = p->caplen < EVE_ANOMALY_PACKET_BYTES ? p->caplen : EVE_ANOMALY_PACKET_BYTES;
        char b64[BASE64_SIZE(EVE_ANOMALY_PACKET_BYTES)];
        base64_encode(p->data, n, b64, sizeof(b64));
        json_plain(&e->j, "packet", b64);
        eve_end(e);
    }
}

void eve_applayer_anomaly(struct eve *e, const struct packet *p, const struct flow *f,
                          const struct dpi_thread *dpi, const char *layer, const char *event,
                          uint32_t sid)
{
    if (!eve_enabled(e, EVE_ANOMALY))
        return;
    eve_begin(e, EVE_ANOMALY, "anomaly", p->ts_us);
    eve_flow_fields(e, f, dpi);
    json_object_open(&e->j, "anomaly");
    json_plain(&e->j, "type", "applayer");
    json_plain(&e->j, "event", event);
    json_plain(&e->j, "layer", layer);
    json_u64(&e->j, "gid", 1);
    json_u64(&e->j, "sid", sid);
    json_object_close(&e->j);
    uint32_t n = p->payload_len < EVE_ANOMALY_PACKET_BYTES ? p->payload_len : EVE_ANOMALY_PACKET_BYTES;
    char b64[BASE64_SIZE(EVE_ANOMALY_PACKET_BYTES)];
    base64_encode(p->payload, n, b64, sizeof(b64));
    json_plain(&e->j, "payload", b64);
    eve_end(e);
}
