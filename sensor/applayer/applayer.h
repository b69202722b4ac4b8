/* Canh's own application-layer parsers, run on the packets of the flows they apply to.
 * Each parser is one row of a table (applayer.c): which flows it applies to, and what
 * it does with a packet's payload. For now: DNS messages (applayer-dns.c), one "dns"
 * event per message. The rule engine adds HTTP and TLS here.
 *
 * Parsing is per packet: UDP datagrams, and TCP segments that hold whole framed
 * messages. Messages split over TCP segments wait for the stream stage.
 *
 * SSH: the identification line of each side (RFC 4253 4.2), which nDPI 4.2 misses when
 * a server sends it in one segment with its key exchange (dropbear does), is kept per
 * flow and overlays nDPI's metadata in the ssh event. */
#ifndef CANH_APPLAYER_H
#define CANH_APPLAYER_H

#include <stdint.h>

#include "applayer/applayer-ndpi.h"
#include "decode/decode.h"
#include "flow/flow.h"
#include "output/output-eve.h"

enum applayer_event {
    APPLAYER_EV_NONE = 0,
#define APPLAYER_EVENT(id, name, sid) APPLAYER_EV_##id,
#include "applayer-events.def"
#undef APPLAYER_EVENT
    APPLAYER_EV_MAX
};

const char *applayer_event_name(enum applayer_event ev);
uint32_t applayer_event_sid(enum applayer_event ev);

#define SSH_BANNER_MAX 253 /* RFC 4253 4.2: 255 characters with the CR LF */

struct applayer_stats {
    uint64_t ssh_banners;    /* SSH identification lines recorded */
    uint64_t dns_messages;   /* DNS messages parsed (whole or partly) */
    uint64_t dns_queries, dns_answers;
    uint64_t dns_malformed;  /* messages with an error (each also an event) */
    uint64_t dns_tcp_partial;/* TCP segments ending in part of a message: not parsed */
    uint64_t events[APPLAYER_EV_MAX];
};

/* Returns NULL with the reason in errbuf. */
struct applayer_thread *applayer_thread_new(char errbuf[CANH_ERRBUF_SIZE]);

/* The rule engine's view of transactions: each one the parsers complete or update is
 * passed to 'fn' (direction of the data, and the transaction), during applayer_packet. */
struct detect_tx;
typedef void (*applayer_tx_fn)(void *ctx, int dir, const struct detect_tx *tx);
void applayer_set_tx_hook(struct applayer_thread *a, applayer_tx_fn fn, void *ctx);
/* A new packet: the transaction views handed out for the last one may go. */
void applayer_reset_views(struct applayer_thread *a);
/* The packet being handled (or the pseudo packet of a flow's end) and the event writer
 * its application-layer events go to. */
void applayer_set_packet(struct applayer_thread *a, struct eve *e, const struct packet *p);

/* Looks an app-layer event up by its name ("dns.pointer_loop"); 0 when unknown. */
int applayer_event_by_name(const char *name);
/* Did flow 'f' raise app-layer event 'ev' while its current packet was handled? (an
 * app-layer-event rule fires once per event raised, as Suricata's per transaction) */
bool applayer_flow_has_event(const struct flow *f, int ev);
/* A new packet of flow 'f': forget the events its last packet raised. */
void applayer_flow_events_clear(struct flow *f);
void applayer_thread_free(struct applayer_thread *a);
const struct applayer_stats *applayer_thread_stats(const struct applayer_thread *a);

/* Runs the parsers that apply to packet 'p' (direction 'dir', FLOW_TO_SERVER or
 * FLOW_TO_CLIENT) of flow 'f' and writes their events. Returns the bytes of per-flow
 * state it allocated (to count against the flow memcap). */
int64_t applayer_packet(struct applayer_thread *a, struct eve *e, struct flow *f,
                        const struct packet *p, int dir, const struct dpi_thread *dpi);

/* Frees the flow's app-layer state; returns the bytes it held. Accepts a flow without. */
int64_t applayer_flow_free(struct flow *f);

/* The SSH identification lines seen on the flow ("" when not seen); valid until
 * applayer_flow_free(). */
void applayer_ssh_banners(const struct flow *f, const char **client, const char **server);

#endif
