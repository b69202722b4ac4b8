/* The "alert" event. Field names and shapes are Suricata 7's (output-json-alert.c):
 * packet addresses (the direction of the packet that triggered it), flow_id, pcap_cnt,
 * alert{action, gid, signature_id, rev, signature, category, severity, metadata},
 * direction, flow{...}, payload (base64), payload_printable, stream, packet, plus
 * Canh's alert.source (the engine), alert.rule_action and alert.mitre. */
#include "output/output-eve-alert.h"

#include <ctype.h>
#include <string.h>

#include "util/util-base64.h"

/* Copies the first value of metadata key 'key' ("key":["value"...) into out. */
static bool meta_value(const char *js, const char *key, char *out, size_t cap)
{
    if (js == NULL)
        return false;
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\":[\"", key);
    const char *p = strstr(js, pat);
    if (p == NULL)
        return false;
    p += strlen(pat);
    size_t n = 0;
    while (*p != '\0' && *p != '"' && n + 1 < cap) {
        if (*p == '\\' && p[1] != '\0')
            p++;
        out[n++] = *p++;
    }
    out[n] = '\0';
    return n > 0;
}

static void eve_mitre(struct eve *e, const char *js)
{
    static const char *const keys[] = { "mitre_tactic_id", "mitre_tactic_name",
                                        "mitre_technique_id", "mitre_technique_name" };
    static const char *const names[] = { "tactic_id", "tactic_name", "technique_id",
                                         "technique_name" };
    char v[4][128];
    bool any = false;
    for (int i = 0; i < 4; i++) {
        v[i][0] = '\0';
        if (meta_value(js, keys[i], v[i], sizeof(v[i])))
            any = true;
    }
    if (!any)
        return;
    json_object_open(&e->j, "mitre");
    for (int i = 0; i < 4; i++)
        if (v[i][0] != '\0')
            json_stringn_k(&e->j, names[i], strlen(names[i]), v[i], strlen(v[i]));
    json_object_close(&e->j);
}

static void eve_endpoint(struct eve *e, const char *key, const struct canh_addr *a, uint8_t ipver,
                         uint16_t port, bool ports)
{
    char addr[46];
    json_object_open_k(&e->j, key, strlen(key));
    eve_addr(a, ipver, addr);
    json_plain(&e->j, "ip", addr);
    if (ports)
        json_u64(&e->j, "port", port);
    json_object_close(&e->j);
}

int alert_packet_dir(const struct alert_ctx *ac)
{
    const struct packet *p = ac->p;
    const struct flow *f = ac->f;
    if (f == NULL || p == NULL || p->ipver == 0)
        return FLOW_TO_SERVER;
    bool to_server = memcmp(&p->src, flow_client_addr(f), sizeof(p->src)) == 0 &&
                     p->sport == flow_client_port(f);
    return to_server ? FLOW_TO_SERVER : FLOW_TO_CLIENT;
}

const char *alert_target_of(const struct alert_ctx *ac, int dir, bool receiver)
{
    if (ac->f == NULL || ac->p == NULL || ac->p->ipver == 0)
        return NULL;
    /* the packet goes the data's way: its destination received the data */
    bool same_way = alert_packet_dir(ac) == dir;
    return same_way == receiver ? "dest_ip" : "src_ip";
}

void eve_alert(struct eve *e, const struct eve_alert *a, const struct packet *p,
               const struct flow *f, const struct dpi_thread *dpi)
{
    if (!eve_enabled(e, EVE_ALERT))
        return;
    char addr[46], pbuf[8];
    eve_begin(e, EVE_ALERT, "alert", p->ts_us);
    if (f != NULL)
        json_u64(&e->j, "flow_id", flow_id(f));
    if (a->pcap_cnt != 0)
        json_u64(&e->j, "pcap_cnt", a->pcap_cnt);
    bool ports = (p->flags & PKT_PORTS) != 0;
    if (p->ipver != 0) {
        eve_addr(&p->src, p->ipver, addr);
        json_plain(&e->j, "src_ip", addr);
        if (ports)
            json_u64(&e->j, "src_port", p->sport);
        eve_addr(&p->dst, p->ipver, addr);
        json_plain(&e->j, "dest_ip", addr);
        if (ports)
            json_u64(&e->j, "dest_port", p->dport);
        json_plain(&e->j, "proto", eve_proto_name(p->proto, pbuf));
        if (p->proto == 1 || p->proto == 58) {
            json_u64(&e->j, "icmp_type", p->icmp_type);
            json_u64(&e->j, "icmp_code", p->icmp_code);
        }
    }
    if (p->vlan[0] != 0) {
        json_array_open(&e->j, "vlan");
        json_u64(&e->j, NULL, p->vlan[0]);
        if (p->vlan[1] != 0)
            json_u64(&e->j, NULL, p->vlan[1]);
        json_array_close(&e->j);
    }
    json_string(&e->j, "pkt_src", a->pkt_src != NULL ? a->pkt_src : "wire/pcap");
    if (f != NULL)
        json_plain(&e->j, "community_id", eve_flow_community_id(e, f));

    json_object_open(&e->j, "alert");
    json_plain(&e->j, "action", a->action);
    json_u64(&e->j, "gid", a->gid);
    json_u64(&e->j, "signature_id", a->sid);
    json_u64(&e->j, "rev", a->rev);
    json_string(&e->j, "signature", a->signature);
    json_string(&e->j, "category", a->category);
    json_u64(&e->j, "severity", a->severity);
    json_plain(&e->j, "source", a->source);
    json_plain(&e->j, "rule_action", a->rule_action);
    if (a->target != NULL && p->ipver != 0) {
        /* 'target' names the victim; the other end is the attacker (Suricata writes
         * them as alert.source/alert.target, but alert.source names the engine here) */
        bool tsrc = strcmp(a->target, "src_ip") == 0;
        eve_endpoint(e, "target", tsrc ? &p->src : &p->dst, p->ipver,
                     tsrc ? p->sport : p->dport, ports);
        eve_endpoint(e, "attacker", tsrc ? &p->dst : &p->src, p->ipver,
                     tsrc ? p->dport : p->sport, ports);
    }
    if (a->metadata_json != NULL) {
        json_raw(&e->j, "metadata", a->metadata_json, strlen(a->metadata_json));
        eve_mitre(e, a->metadata_json);
    }
    if (a->references_json != NULL)
        json_raw(&e->j, "references", a->references_json, strlen(a->references_json));
    json_object_close(&e->j);

    if (a->app_log != NULL)
        a->app_log(a->app_ctx, e);
    if (f != NULL) {
        const char *ap = NULL;
        if (dpi != NULL && f->dpi_state == DPI_DONE)
            ap = dpi_app_proto(dpi, f);
        if (ap == NULL)
            ap = a->app_proto;
        if (ap != NULL)
            json_string(&e->j, "app_proto", ap);
        json_plain(&e->j, "direction", a->dir == FLOW_TO_SERVER ? "to_server" : "to_client");
        json_object_open(&e->j, "flow");
        json_u64(&e->j, "pkts_toserver", f->pkts[FLOW_TO_SERVER]);
        json_u64(&e->j, "pkts_toclient", f->pkts[FLOW_TO_CLIENT]);
        json_u64(&e->j, "bytes_toserver", f->bytes[FLOW_TO_SERVER]);
        json_u64(&e->j, "bytes_toclient", f->bytes[FLOW_TO_CLIENT]);
        char ts[40];
        eve_format_ts(f->first_us, ts);
        json_plain(&e->j, "start", ts);
        eve_addr(flow_client_addr(f), f->key.ipver, addr);
        json_plain(&e->j, "src_ip", addr);
        eve_addr(flow_server_addr(f), f->key.ipver, addr);
        json_plain(&e->j, "dest_ip", addr);
        if (f->key.proto == 6 || f->key.proto == 17 || f->key.proto == 132) {
            json_u64(&e->j, "src_port", flow_client_port(f));
            json_u64(&e->j, "dest_port", flow_server_port(f));
        }
        json_object_close(&e->j);
    }

    if (a->payload != NULL && a->payload_len > 0) {
        uint32_t n = a->payload_len;
        char *b64 = e->scratch;
        size_t cap = EVE_SCRATCH_SIZE;
        if (BASE64_SIZE(n) <= cap) {
            base64_encode(a->payload, n, b64, cap);
            json_plain(&e->j, "payload", b64);
        }
        char *pr = e->scratch;
        if (n > cap - 1)
            n = (uint32_t)cap - 1;
        for (uint32_t i = 0; i < n; i++) {
            uint8_t c = a->payload[i];
            pr[i] = (char)((isprint(c) || c == '\n' || c == '\r') ? c : '.');
        }
        json_stringn(&e->j, "payload_printable", pr, n);
    }
    json_u64(&e->j, "stream", a->stream ? 1 : 0);
    /* Suricata's verdict object, as an IDS gives it: the packet was only alerted on;
     * a reject rule names the reply it would have sent. */
    json_object_open(&e->j, "verdict");
    json_plain(&e->j, "action", "alert");
    if (strcmp(a->rule_action, "reject") == 0) {
        json_plain(&e->j, "reject-target", "to_client");
        json_array_open(&e->j, "reject");
        if (p->proto == 6)
            json_plain(&e->j, NULL, "tcp-reset");
        else if (p->proto == 17 || p->proto == 1 || p->proto == 58)
            json_plain(&e->j, NULL, "icmp-prohib");
        json_array_close(&e->j);
    }
    json_object_close(&e->j);
    if (p->caplen > 0) {
        uint32_t n = p->caplen < EVE_ALERT_PACKET_MAX ? p->caplen : EVE_ALERT_PACKET_MAX;
        char b64[BASE64_SIZE(EVE_ALERT_PACKET_MAX)];
        base64_encode(p->data, n, b64, sizeof(b64));
        json_plain(&e->j, "packet", b64);
        json_object_open(&e->j, "packet_info");
        json_u64(&e->j, "linktype", (uint64_t)p->linktype);
        json_object_close(&e->j);
    }
    eve_end(e);
}
