/* Internals shared by the files of sensor/applayer/. */
#ifndef CANH_APPLAYER_INT_H
#define CANH_APPLAYER_INT_H

#include "applayer/applayer-dns.h"
#include "applayer/applayer-file.h"
#include "applayer/applayer-tcp.h"

struct applayer_thread {
    struct applayer_stats stats;
    struct dns_message *dns; /* ~80 KB: one per worker, reused for every message */
    applayer_tx_fn tx_fn;
    void *tx_ctx;
    uint64_t dns_txid;       /* DNS messages of this worker: an id per message */
    struct applayer_tcp_conf tcp_conf;
    struct applayer_tcp_stats tcp_stats;
    /* Views of transactions handed to the rule engine while one packet is handled;
     * alerts point at them until they are written. */
    struct applayer_txview *views;
    unsigned nviews;
    /* The packet being handled and where its events go (set by the worker). */
    struct eve *cur_eve;
    const struct packet *cur_pkt;
    /* Files of HTTP bodies (applayer-file.h), told to file_fn when they close. */
    struct file_thread *files;
    applayer_file_fn file_fn;
    void *file_ctx;
};

#define APPLAYER_EV_SLOTS 4 /* transactions whose raised events are remembered */

/* Records event 'ev' on the flow (for app-layer-event rules); returns bytes allocated. */
int64_t applayer_flow_event(struct flow *f, enum applayer_event ev);

/* Per-flow state, allocated by the first parser that needs it. */
struct applayer_flow {
    char *ssh_banner[2];         /* [FLOW_TO_SERVER]: the client's line (SSH_BANNER_MAX + 1
                                    bytes, allocated for SSH flows only), or NULL */
    uint64_t events[(APPLAYER_EV_MAX + 63) / 64]; /* app-layer events raised on the flow */
    /* TCP protocols (applayer-tcp.c) */
    uint8_t probe_fail[2];       /* detection attempts that found nothing, per side */
    bool side_done[2];           /* the side is not parsed (unknown protocol, gave up) */
    struct http_state *http;
    struct tls_state *tls;
    uint32_t gen[2];             /* parse rounds that changed side d's transactions */
    uint32_t detect_gen[2];      /* gen[d] when rules of direction d last ran */
    uint64_t done_upto[2];       /* HTTP: transactions below this id are inspected whole
                                    in direction d */
    bool tls_done[2];            /* TLS: its one transaction was inspected complete in
                                    direction d: the records after have nothing for it */
    uint64_t gc_upto;            /* HTTP: transactions below this id are freed */
    /* Files being extracted (HTTP: one message per direction at a time) */
    struct file_track *file[2];
    struct flow *flow;           /* the owner, for the body tap */
    struct applayer_thread *thread;
    /* HTTP events already raised, for the last APPLAYER_EV_SLOTS transactions */
    uint64_t ev_txid[APPLAYER_EV_SLOTS]; /* transaction id + 1, 0: empty */
    uint32_t ev_seen[APPLAYER_EV_SLOTS];
};

#define APPLAYER_MAX_VIEWS 64

struct applayer_txview {
    struct applayer_flow *af;
    const void *tx;              /* struct http_tx, or NULL for TLS */
    int dir;
};


#endif
