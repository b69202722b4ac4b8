/* EVE "dns" events, one per DNS message, in Suricata's EVE DNS format version 2 (the
 * "detailed" answer format of Suricata 6 and 7), from the parsed message of
 * applayer-dns.h.
 *
 * The event carries the common fields (timestamp, flow_id, event_type "dns", event_id,
 * schema_version, sensor, src_ip/src_port = the flow's client, dest_ip/dest_port,
 * proto, app_proto, community_id) and a "dns" object. Members in this order; a member
 * in [brackets] is written only when it applies.
 *
 * Query (QR = 0):
 *   "dns": { "type": "query", "id": ID, ["rrname": QNAME, "rrtype": QTYPE,]
 *            ["z": true,] ["opcode": N] }
 *   rrname/rrtype: of the first question (absent when the message has none). z: the
 *   header's Z bit is set. opcode: when not 0 (QUERY).
 *
 * Response (QR = 1):
 *   "dns": { "version": 2, "type": "answer", "id": ID, "flags": "HEX", "qr": true,
 *            ["aa": true,] ["tc": true,] ["rd": true,] ["ra": true,]
 *            ["z": true,] ["opcode": N,] ["rrname": QNAME, "rrtype": QTYPE,]
 *            "rcode": RCODE, ["answers": [RR, ...],] ["authorities": [RR, ...]] }
 *   flags: the header's second 16 bits in lower-case hex without leading zeros
 *   ("8180"); the AD and CD bits appear only there. rcode: the header's 4-bit RCODE by
 *   name ("NOERROR", "NXDOMAIN", ...; the number for unassigned codes). answers and
 *   authorities: the records kept by the parser (DNS_MAX_ANSWERS,
 *   DNS_MAX_AUTHORITIES), omitted when there are none. The additional section is not
 *   written.
 *
 * RR: { "rrname": NAME, "rrtype": TYPE, "ttl": TTL, then by type:
 *   A, AAAA                    "rdata": address (AAAA in RFC 5952 form, as src_ip)
 *   NS, CNAME, PTR, DNAME      "rdata": the name
 *   MX                         "rdata": the exchange name (no preference, as Suricata)
 *   TXT                        "rdata": the strings concatenated (cut at
 *                              DNS_RDATA_TEXT_MAX)
 *   NULL                       "rdata": the raw bytes (cut likewise)
 *   SOA                        "soa": { "mname", "rname", "serial", "refresh", "retry",
 *                                       "expire", "minimum" }
 *   SRV                        "srv": { "priority", "weight", "port", "name" }
 *   any other type             nothing more }
 *
 * Names are in the parser's text form (labels joined with '.', no trailing dot, the root
 * as "", '.' and '\' inside a label escaped with '\'); other bytes are escaped by the
 * JSON writer (\u00XX for bytes that are not UTF-8). rrtype is the IANA mnemonic or the
 * number in decimal as a string.
 *
 * Differences from Suricata 7: no "tx_id" (Canh has no transactions: one event per
 * message); one event per message, for the first question only (Suricata writes one per
 * question); query or answer by the QR bit, not by direction; AAAA addresses compressed
 * (Suricata writes all 8 groups in full); TXT with every string (Suricata 7 keeps the
 * first); no "sshfp" object; src/dest are the flow's client and server in both events,
 * as in every Canh flow event (Suricata takes them from the packet, so its answer events
 * have the server as src_ip and src_port 53). */
#include "output-eve-dns.h"

#include "applayer/applayer-dns.h"

#define DNS_TYPE_SOA 6
#define DNS_TYPE_MX 15
#define DNS_TYPE_SRV 33

static void eve_dns_rr(struct json *j, const struct dns_rr *rr)
{
    char tbuf[8];
    json_object_open(j, NULL);
    json_stringn(j, "rrname", rr->name, rr->name_len);
    json_plain(j, "rrtype", dns_rrtype_str(rr->type, tbuf));
    json_u64(j, "ttl", rr->ttl);
    if (rr->has_rdata) {
        switch (rr->type) {
        case DNS_TYPE_SOA:
            json_object_open(j, "soa");
            json_stringn(j, "mname", rr->rdata + rr->rd_name_off, rr->rd_name_len);
            json_stringn(j, "rname", rr->rdata + rr->rd_name2_off, rr->rd_name2_len);
            json_u64(j, "serial", rr->soa_serial);
            json_u64(j, "refresh", rr->soa_refresh);
            json_u64(j, "retry", rr->soa_retry);
            json_u64(j, "expire", rr->soa_expire);
            json_u64(j, "minimum", rr->soa_minimum);
            json_object_close(j);
            break;
        case DNS_TYPE_SRV:
            json_object_open(j, "srv");
            json_u64(j, "priority", rr->srv_priority);
            json_u64(j, "weight", rr->srv_weight);
            json_u64(j, "port", rr->srv_port);
            json_stringn(j, "name", rr->rdata + rr->rd_name_off, rr->rd_name_len);
            json_object_close(j);
            break;
        case DNS_TYPE_MX:
            json_stringn(j, "rdata", rr->rdata + rr->rd_name_off, rr->rd_name_len);
            break;
        default:
            json_stringn(j, "rdata", rr->rdata, rr->rdata_len);
            break;
        }
    }
    json_object_close(j);
}

/* The header flags as Suricata writes them: lower-case hex, no leading zeros. */
static void eve_dns_flags(uint16_t flags, char out[5])
{
    static const char hex[] = "0123456789abcdef";
    int n = 0;
    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned d = (flags >> shift) & 0xf;
        if (d != 0 || n > 0 || shift == 0)
            out[n++] = hex[d];
    }
    out[n] = '\0';
}

void eve_dns_message(struct eve *e, const struct flow *f, const struct dpi_thread *dpi,
                     const struct dns_message *m, uint64_t ts_us)
{
    if (!eve_enabled(e, EVE_DNS) || m->error == DNS_E_HEADER_TRUNCATED)
        return;
    struct json *j = &e->j;
    char tbuf[8], hex[5];

    eve_begin(e, EVE_DNS, "dns", ts_us);
    eve_flow_fields(e, f, dpi);
    json_object_open(j, "dns");
    if (!m->qr) {
        json_plain(j, "type", "query");
        json_u64(j, "id", m->id);
        if (m->has_question) {
            json_stringn(j, "rrname", m->q.name, m->q.name_len);
            json_plain(j, "rrtype", dns_rrtype_str(m->q.type, tbuf));
        }
        if (m->z)
            json_bool(j, "z", true);
        if (m->opcode != 0)
            json_u64(j, "opcode", m->opcode);
    } else {
        json_u64(j, "version", 2);
        json_plain(j, "type", "answer");
        json_u64(j, "id", m->id);
        eve_dns_flags(m->flags, hex);
        json_plain(j, "flags", hex);
        json_bool(j, "qr", true);
        if (m->aa)
            json_bool(j, "aa", true);
        if (m->tc)
            json_bool(j, "tc", true);
        if (m->rd)
            json_bool(j, "rd", true);
        if (m->ra)
            json_bool(j, "ra", true);
        if (m->z)
            json_bool(j, "z", true);
        if (m->opcode != 0)
            json_u64(j, "opcode", m->opcode);
        if (m->has_question) {
            json_stringn(j, "rrname", m->q.name, m->q.name_len);
            json_plain(j, "rrtype", dns_rrtype_str(m->q.type, tbuf));
        }
        json_plain(j, "rcode", dns_rcode_str(m->rcode, tbuf));
        if (m->nanswers > 0) {
            json_array_open(j, "answers");
            for (unsigned i = 0; i < m->nanswers; i++)
                eve_dns_rr(j, &m->answers[i]);
            json_array_close(j);
        }
        if (m->nauthorities > 0) {
            json_array_open(j, "authorities");
            for (unsigned i = 0; i < m->nauthorities; i++)
                eve_dns_rr(j, &m->authorities[i]);
            json_array_close(j);
        }
    }
    json_object_close(j);
    eve_end(e);
}
