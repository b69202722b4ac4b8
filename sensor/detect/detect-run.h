/* Running the rules: what the worker calls for each packet, raw stream chunk and
 * application-layer transaction (detect-run.c). Alerts found while handling one
 * packet are queued and written together, in rule order, by detect_flush. */
#ifndef CANH_DETECT_RUN_H
#define CANH_DETECT_RUN_H

#include "detect/detect.h"

struct eve;
struct dpi_thread;

/* An application-layer transaction as the rules see it. The getter returns a buffer of
 * the transaction (enum detect_buf; 'idx' selects the instance of multi-buffers):
 * DETECT_GET_OK with data and len set (len may be 0), DETECT_GET_LATER when it may still come
 * (not parsed yet, body growing), DETECT_GET_NEVER when it will never exist. 'final'
 * says whether a present buffer can still change. */
enum detect_get { DETECT_GET_NEVER = 0, DETECT_GET_OK, DETECT_GET_LATER };
struct detect_tx {
    uint8_t alproto;
    uint64_t id;
    bool complete[2];   /* the transaction's side (to server, to client) is complete */
    void *ctx;
    int (*get)(void *ctx, int buf, uint32_t idx, const uint8_t **data, uint32_t *len,
               bool *final);
    /* Writes the protocol's object ("http":{...}) into an alert, or NULL. */
    void (*log)(void *ctx, struct eve *e);
    bool oneshot;       /* seen once (a DNS message): nothing to remember after it */
};

/* Buffer 'buf' (first instance) of 'tx' when it is there now (len may be 0). For the
 * engines that read transactions outside the rules (lists, behaviour, personal data). */
static inline bool detect_tx_buffer(const struct detect_tx *tx, int buf, const uint8_t **data,
                                    uint32_t *len)
{
    bool final;
    return tx->get(tx->ctx, buf, 0, data, len, &final) == DETECT_GET_OK;
}

/* The packet being handled; set before any detect_* call for it. */
struct detect_packet {
    const struct packet *p;
    struct flow *f;        /* NULL for packets without a flow */
    int dir;               /* FLOW_TO_SERVER / FLOW_TO_CLIENT */
    bool stream_added;     /* its payload went into the TCP stream */
    uint8_t alproto;       /* the flow's application protocol (enum alproto) */
    uint64_t pcap_cnt;     /* position in the input, 0 when unknown */
    uint64_t stream_size[2]; /* bytes seen per side (stream_size keyword) */
};

void detect_begin(struct detect_thread *dt, const struct detect_packet *dp);
/* The app layer learnt the flow's protocol while handling this packet. */
void detect_set_alproto(struct detect_thread *dt, uint8_t alproto);
/* Only the rules that name application-layer events (for events raised while a flow
 * ends). */
void detect_run_app_events(struct detect_thread *dt);
/* Packet rules and IP-only rules. */
void detect_run_packet(struct detect_thread *dt);
/* Raw stream rules over a chunk of side 'dir' ('offset': stream offset of data[0]);
 * 'prefix' (may be empty) goes before the chunk in the payload of an alert (a gap
 * marker). */
void detect_run_stream(struct detect_thread *dt, int dir, const uint8_t *data, uint32_t len,
                       uint64_t offset, const char *prefix, uint32_t prefix_len);
/* Transaction rules of direction 'dir' over 'tx'. */
void detect_run_tx(struct detect_thread *dt, int dir, const struct detect_tx *tx);
/* The transaction will not be seen again: forget which rules fired on it. */
void detect_tx_forget(struct flow *f, uint8_t alproto, uint64_t txid);
/* Alerts queued for the current packet (tests). */
unsigned detect_pending(const struct detect_thread *dt);
/* Writes the queued alerts of this packet. 'pkt_src' overrides the alert's packet
 * source label (e.g. "stream (flow timeout)"), or NULL. */
void detect_flush(struct detect_thread *dt, struct eve *e, const struct dpi_thread *dpi,
                  const char *pkt_src);

#endif
