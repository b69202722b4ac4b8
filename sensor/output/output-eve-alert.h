/* The "alert" event (Suricata's fields), shared by every engine that raises alerts:
 * rules now, YARA, threat intelligence and behaviour detectors later. */
#ifndef CANH_OUTPUT_EVE_ALERT_H
#define CANH_OUTPUT_EVE_ALERT_H

#include "output/output-eve.h"

#define EVE_ALERT_PACKET_MAX 2048 /* bytes of the packet written in "packet" */

struct eve_alert {
    const char *action;       /* Suricata's alert.action: "allowed" (a passive sensor) */
    const char *rule_action;  /* the rule's action: alert, drop, reject, pass */
    uint32_t gid, sid, rev;
    const char *signature;
    const char *category;
    unsigned severity;
    const char *source;       /* the engine: "rule", "yara", ... */
    const char *metadata_json;/* {"key":["value"]} or NULL; MITRE keys also become alert.mitre */
    const char *target;       /* "src_ip" / "dest_ip" or NULL (rule 'target' keyword) */
    const char *references_json; /* ["url",...] or NULL */
    const uint8_t *payload;   /* the bytes that matched: packet payload or stream chunk */
    uint32_t payload_len;
    bool stream;              /* payload is reassembled stream data */
    int dir;                  /* FLOW_TO_SERVER / FLOW_TO_CLIENT */
    uint64_t pcap_cnt;        /* 0: not written */
    const char *pkt_src;      /* "wire/pcap" unless given */
    const char *app_proto;    /* the rule engine's protocol, when nDPI has none */
    void (*app_log)(void *ctx, struct eve *e); /* writes "http":{...} etc. */
    void *app_ctx;
};

/* Writes one alert event for packet 'p' of flow 'f' (NULL when the packet has none). */
void eve_alert(struct eve *e, const struct eve_alert *a, const struct packet *p,
               const struct flow *f, const struct dpi_thread *dpi);

#endif
