/* Deep packet inspection with nDPI 4.2: application protocol, category, confidence,
 * flow risks, and the metadata nDPI extracts (HTTP, DNS, TLS, SSH).
 *
 * Each worker has its own nDPI detection module (nDPI keeps per-call state in it, so it
 * cannot be shared). A flow's packets are given to nDPI until detection is final, the
 * same rule nDPI's own reader applies: a protocol is found and nDPI wants no more
 * packets for metadata, or the flow reached the packet limit (then nDPI gives up and,
 * if configured, guesses). At that point the metadata is read (dpi_meta_get), the
 * events are written, and the nDPI state is freed (dpi_release), so a long flow costs
 * only its flow record. */
#ifndef CANH_APPLAYER_NDPI_H
#define CANH_APPLAYER_NDPI_H

#include <stdbool.h>
#include <stdint.h>

#include "flow/flow.h"

struct dpi_conf {
    uint32_t max_packets_tcp;
    uint32_t max_packets_udp;
    bool guess;
    const char *protocols_file; /* nDPI protos.txt-format file, or NULL */
};

struct dpi_stats {
    uint64_t flows_started;   /* flows given to nDPI */
    uint64_t flows_detected;  /* ended with a protocol found by inspection */
    uint64_t flows_guessed;   /* ended with a protocol guessed by port or address */
    uint64_t flows_unknown;   /* ended with no protocol */
    uint64_t packets;         /* packets given to nDPI */
    uint64_t active;          /* flows holding nDPI state now */
};

/* Returns NULL with the reason in errbuf. */
struct dpi_thread *dpi_thread_new(const struct dpi_conf *conf, char errbuf[CANH_ERRBUF_SIZE]);
void dpi_thread_free(struct dpi_thread *d);
const struct dpi_stats *dpi_thread_stats(const struct dpi_thread *d);

/* Bytes of nDPI state a flow holds while its detection runs. */
uint32_t dpi_flow_state_size(void);

/* Gives a packet of 'f' to nDPI (starting its state if needed). Returns true when
 * detection became final with this packet: read the metadata, then dpi_release(). */
bool dpi_process(struct dpi_thread *d, struct flow *f, const struct packet *p);

/* Ends detection of a flow whose DPI is still running (the flow is ending): gives up,
 * guessing if configured. The metadata stays readable until dpi_release(). */
void dpi_finish(struct dpi_thread *d, struct flow *f);

/* Frees the nDPI state of 'f'. Accepts a flow without state. */
void dpi_release(struct dpi_thread *d, struct flow *f);

/* True if nDPI says the flow is DNS, mDNS or LLMNR / SSH (final verdict, or the protocol
 * it has found so far while it still inspects). */
bool dpi_is_dns(const struct flow *f);
bool dpi_is_ssh(const struct flow *f);

/* Metadata nDPI extracted (DNS is parsed by Canh itself: applayer-dns.c); strings are "" when absent and point into nDPI's state:
 * valid until dpi_release(). */
struct dpi_meta {
    const char *hostname; /* HTTP Host, TLS/QUIC SNI, DNS query, DHCP host name, ... */
    bool is_http, is_tls, is_ssh;
    struct {
        const char *url, *user_agent, *content_type, *request_content_type, *method;
        uint16_t status;
        uint8_t version; /* 0: HTTP/1.0, 1: HTTP/1.1 */
    } http;
    struct {
        uint16_t version;
        const char *issuer, *subject, *alpn, *ja3, *ja3s, *server_names;
        uint32_t not_before, not_after; /* seconds since the epoch, 0 if unknown */
        bool has_fingerprint;
        uint8_t sha1[20];
        uint16_t cipher;
    } tls;
    struct {
        const char *client, *server, *hassh_client, *hassh_server;
    } ssh;
};
void dpi_meta_get(const struct flow *f, struct dpi_meta *m);

/* Names for events. 'buf' receives "HTTP.QQ"-style names. */
const char *dpi_protocol_name(const struct dpi_thread *d, const struct flow *f, char *buf,
                              size_t len);
const char *dpi_proto_id_name(const struct dpi_thread *d, uint16_t id);
const char *dpi_category_name(const struct dpi_thread *d, const struct flow *f);
const char *dpi_confidence_name(const struct flow *f);
/* Suricata's app_proto name ("http", "tls", "dns", ...) or NULL when unknown. */
const char *dpi_app_proto(const struct dpi_thread *d, const struct flow *f);
/* nDPI's name of one risk bit. */
const char *dpi_risk_name(int risk);
uint16_t dpi_risk_score(const struct flow *f);

#endif
