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

/* What an engine's alert is about and where it goes: the packet being handled (or the
 * pseudo packet of a flow's end), its flow (may be NULL) and place in the input. The
 * worker keeps it current; the engines (threat-intelligence lists, YARA, behaviour,
 * personal data, nDPI risks) read it when they raise an alert. */
struct alert_ctx {
    struct eve *eve;
    const struct packet *p;
    struct flow *f;
    const struct dpi_thread *dpi;
    uint64_t pcap_cnt;            /* 0: not written */
};

/* eve_alert's 'target' for the receiver ('receiver' true) or the sender of data that went
 * in direction 'dir' of the context's flow, whichever way its packet goes; NULL without
 * a flow. */
const char *alert_target_of(const struct alert_ctx *ac, int dir, bool receiver);
/* The direction of the context's packet in its flow (FLOW_TO_SERVER without a flow). */
int alert_packet_dir(const struct alert_ctx *ac);

/* Writes one alert event for packet 'p' of flow 'f' (NULL when the packet has none). */
void eve_alert(struct eve *e, const struct eve_alert *a, const struct packet *p,
               const struct flow *f, const struct dpi_thread *dpi);

#endif
