/* Application layer over reassembled TCP streams (applayer-tcp.c): protocol detection
 * from the first bytes of each side, the HTTP and TLS parsers fed from the stream, and
 * their transactions handed to the rule engine. */
#ifndef CANH_APPLAYER_TCP_H
#define CANH_APPLAYER_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "applayer/applayer.h"
#include "applayer/applayer-http.h"
#include "applayer/applayer-tls.h"
#include "flow/flow.h"
#include "stream/stream.h"

struct applayer_tcp_conf {
    struct http_conf http;
    bool tls_stop_payload;   /* encrypted TLS: stop payload/stream inspection */
};

struct applayer_tcp_stats {
    uint64_t detected[32];   /* flows by detected protocol (enum alproto) */
    uint64_t undetected;     /* sides given up on: no parser for what they carry */
    struct http_stats http;
    struct tls_stats tls;
};

/* Parses the usable bytes of side 'side' of f's stream (all of them when 'eof'), first
 * detecting the protocol when it is not known yet. Sets f->alproto. Returns the change
 * in bytes of per-flow state (for the flow memcap). */
int64_t applayer_tcp_data(struct applayer_thread *a, struct stream_thread *st, struct flow *f,
                          const struct dpi_thread *dpi, int side, bool eof);

/* Hands the flow's transactions with news for direction 'dir' to the rule engine
 * through the thread's tx hook ('final': the flow is ending, every side is complete). */
void applayer_tcp_detect(struct applayer_thread *a, struct flow *f, int dir, bool final);

/* Frees the transactions the rules inspected whole in both directions. Call after the
 * packet's alerts were written (they point into transactions). */
void applayer_tcp_gc(struct flow *f);

/* A file carried by the flow closed (applayer-file.h): 'dir' is the direction it went,
 * 'tx' the view of its transaction (for the protocol's object in events and alerts; NULL
 * when none could be made). Called while the packet that completed it is handled. */
struct file_info;
struct file_thread;
struct detect_tx;
typedef void (*applayer_file_fn)(void *ctx, struct flow *f, int dir, const struct file_info *fi,
                                 const struct detect_tx *tx);
/* Turns file extraction on for HTTP parsers created from now on. */
void applayer_set_file_hook(struct applayer_thread *a, struct file_thread *ft, applayer_file_fn fn,
                            void *ctx);

/* Frees the TCP app-layer state of 'f'; returns the bytes it held. */
int64_t applayer_tcp_free(struct flow *f);

void applayer_tcp_configure(struct applayer_thread *a, const struct applayer_tcp_conf *c);
const struct applayer_tcp_stats *applayer_tcp_stats(const struct applayer_thread *a);

#endif
