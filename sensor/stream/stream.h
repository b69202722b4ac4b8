/* TCP stream reassembly: per flow and per direction, the bytes a TCP endpoint received,
 * in order, for the application-layer parsers and for stream ("raw") detection.
 * Spec: RFC 9293 (sequence space 3.4, data 3.10.7.4), RFC 7413 (data on SYN), RFC 5961
 * (RST acceptance, loosely).
 *
 * Model (Suricata's, so rules written for it behave the same):
 *
 *  - Offsets. Each direction ("side") numbers its bytes from 0 = the first byte after the
 *    SYN (ISN + 1), or after the sequence number of the first packet seen when a session
 *    is picked up midstream. Offsets are 64-bit, so wrapping sequence numbers do not wrap
 *    them.
 *
 *  - When data is usable. In the default (IDS) mode a side's bytes become usable when
 *    the other side ACKs them: the app layer parses them while handling the ACKing
 *    packet (which travels the other way), and raw detection inspects them on the next
 *    packet of their own direction. With stream.inline, bytes are usable as soon as they
 *    arrive in order. At the end of a flow (stream_session_end) everything held is
 *    usable, ACKed or not ("stream (flow timeout)" in alerts).
 *
 *  - Overlaps. Where a segment overlaps bytes already held, the policy decides: FIRST
 *    keeps the bytes received first (Suricata's default 'bsd' gives the same result for
 *    exact and partial overlaps), LAST takes the newest. Overlaps whose bytes differ are
 *    counted (stream.overlap_diff) as an evasion indicator. Bytes already consumed by
 *    both the app layer and raw detection are not kept, so a late retransmission of them
 *    is counted but cannot change what was inspected.
 *
 *  - Progress. Two consumers read each side: the app layer (app_progress) and raw
 *    detection (raw_progress). Bytes below both are freed. A flow with no app-layer
 *    parser has its app progress follow the usable edge; a sensor with no raw stream
 *    rules has raw progress follow app progress (stream_conf.raw = false).
 *
 *  - Raw inspection batches (IDS mode). Like Suricata (StreamReassembleRawHasDataReady),
 *    raw detection of a side runs, on a packet of that side's direction, when the side
 *    holds bytes beyond raw_progress and: at least chunk-size bytes are usable beyond
 *    raw_progress (measured to the ACKed edge, gaps included), or the app layer asked for
 *    it (stream_raw_trigger, e.g. when an HTTP request is complete), or the side reached
 *    its depth, or the connection is closing (see "Closing"), or the flow ends. Each
 *    inspection covers the usable bytes from raw_progress, block by block, and
 *    raw_progress then moves to the end of the last block given (so a run of bytes split
 *    between two batches is not seen whole: Suricata 7 does the same). Inline mode
 *    inspects, on every packet that added data, a window of chunk-size bytes (widened to
 *    payload + chunk/3 for large packets) around the packet's bytes, as Suricata's
 *    StreamReassembleRawInline chooses it, and keeps chunk-size bytes before raw_progress.
 *
 *  - Limits. depth: bytes reassembled per side (0: no limit). As in Suricata, a segment
 *    that would end past the depth is not kept at all (not even its part below the
 *    depth); it marks the side depth-reached (counted once per side), raw detection
 *    flushes, and from the side's next packet on nothing more is kept: its packets are
 *    no longer 'added' (packet rules inspect them one by one). memcap: bytes of segment
 *    data held by one worker's sessions; a segment that does not fit is dropped whole
 *    and counted, which leaves a gap. max-segments: out-of-order blocks held per side
 *    (held bytes are kept as maximal contiguous blocks; a segment that would open one
 *    more block beyond the cap is dropped and counted: many tiny holes are an attack).
 *
 *  - Closing. Bytes at or beyond a side's FIN are ignored. An RST is accepted when its
 *    sequence number lies between what the peer acknowledged and one past the highest
 *    byte (or FIN) the sender was seen sending, inclusive (Suricata's default 'bsd'
 *    policy wants exactly the next sequence number; the range also takes losses in the
 *    capture); an RST from a side whose sequence numbers are unknown is accepted when it
 *    ACKs exactly the peer's next sequence number (RST in answer to a SYN). Others are
 *    counted (bad_rst) and ignored entirely. An RST's payload is never reassembled.
 *    Raw detection flushes (inspects what it has regardless of the batch size) from
 *    the moment Suricata's TCP state passes TIME_WAIT: the client sent FIN first
 *    (CLOSE_WAIT), both sent FIN without the second being ACKed with it (CLOSING), the
 *    connection is closed (both FINs ACKed, or an accepted RST). A server FIN alone
 *    does not flush (FIN_WAIT1), as in Suricata.
 *
 *  - Gaps. When usable bytes are missing (lost in capture, dropped by the memcap, or
 *    ACKed data never seen), the app layer is told the gap's length (stream_app_data's
 *    *gap) and decides whether it can resynchronise; raw detection skips it.
 *
 *  - Memory. Every change in the bytes held is returned by stream_packet (or by
 *    stream_session_free), so the caller can count it against the flow memcap: the
 *    consumers (stream_app_consume, stream_app_done, stream_raw_inspect) only move
 *    progress, and the bytes they released are freed by the session's next
 *    stream_packet. Counted: segment data bytes (stats.memuse, against the memcap) and,
 *    in the values returned, the session record itself. Buffers may have up to 2x slack
 *    (growth by doubling), not counted.
 *
 * Sessions are created as Suricata 7 creates them: on a SYN (without ACK); on a SYN/ACK
 * seen first only with stream.midstream or stream.async_oneside (checked against it:
 * without them it keeps no session); on another packet with ACK only with
 * stream.midstream (a FIN only if it carries data); never on an RST. A midstream side starts at the first sequence number it is seen sending,
 * or at the ACK its peer sent first. Data on a SYN (TFO) is the side's offset 0. Packets
 * of a flow without a session are still inspected one by one by packet rules.
 *
 * Each worker owns a struct stream_thread and the sessions of its flows; nothing here
 * takes a lock. */
#ifndef CANH_STREAM_H
#define CANH_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/decode.h"
#include "flow/flow.h"
#include "util/util-common.h"

enum stream_policy { STREAM_POLICY_FIRST = 0, STREAM_POLICY_LAST = 1 };

struct stream_conf {
    uint64_t memcap;           /* segment bytes held by one worker's sessions */
    uint32_t depth;            /* bytes reassembled per side; 0: no limit */
    uint32_t chunk_toserver;   /* raw inspection batch, client to server (IDS mode) */
    uint32_t chunk_toclient;   /* raw inspection batch, server to client (IDS mode) */
    uint32_t max_segments;     /* out-of-order segments held per side */
    uint8_t policy;            /* enum stream_policy */
    bool inline_mode;          /* data usable on arrival instead of when ACKed */
    bool midstream;            /* make sessions for flows picked up without a handshake */
    bool async_oneside;        /* a side whose peer is never seen: its data is usable
                                  without ACKs */
    bool raw;                  /* raw detection consumes data (some rule needs it) */
};

/* Stream anomalies and work, per worker (written by the worker, read by stats). */
struct stream_stats {
    uint64_t sessions;          /* sessions created */
    uint64_t midstream;         /* of them, picked up without a handshake */
    uint64_t segments;          /* data segments accepted into a side */
    uint64_t bytes;             /* payload bytes accepted */
    uint64_t retransmissions;   /* segments entirely within bytes already held or consumed */
    uint64_t overlaps;          /* segments overlapping held bytes */
    uint64_t overlap_diff;      /* overlaps whose bytes differ from the held ones */
    uint64_t out_of_order;      /* segments that arrived ahead of a gap */
    uint64_t gaps;              /* gaps reported to the app layer or skipped by raw */
    uint64_t depth_reached;     /* sides that reached the depth */
    uint64_t memcap_drops;      /* segments (parts) dropped by the memcap */
    uint64_t segment_limit;     /* segments dropped by max-segments */
    uint64_t out_of_window;     /* data far outside the expected sequence range: ignored */
    uint64_t bad_rst;           /* RSTs with an unacceptable sequence number: ignored */
    uint64_t memuse;            /* segment bytes held now */
};

/* Per-side flags. */
enum stream_side_flag {
    STREAM_SIDE_STARTED = 1u << 0,     /* offset 0 is known (ISN set) */
    STREAM_SIDE_DEPTH = 1u << 1,       /* depth reached: no more bytes are kept */
    STREAM_SIDE_FIN = 1u << 2,         /* FIN seen: no bytes beyond fin_offset */
    STREAM_SIDE_RST = 1u << 3,         /* this side sent an accepted RST */
    STREAM_SIDE_TRIGGER_RAW = 1u << 4, /* the app layer asked for raw inspection */
    STREAM_SIDE_APP_DONE = 1u << 5,    /* the app layer wants no more bytes */
    STREAM_SIDE_EOF = 1u << 6,         /* the session ended: everything held is usable */
    STREAM_SIDE_SEEN = 1u << 7,        /* a packet from this side was seen */
    STREAM_SIDE_FIN_ACKED = 1u << 8,   /* the peer ACKed this side's FIN */
    STREAM_SIDE_NOREASM = 1u << 9,     /* after the depth: nothing kept, nothing 'added' */
    STREAM_SIDE_ADDED = 1u << 10,      /* the last packet of this side added payload
                                          (inline raw detection runs on it) */
    STREAM_SIDE_MOVED = 1u << 11,      /* a consumer moved (or the session ended) since
                                          the side was last settled */
};

struct stream_seg; /* a block of contiguous held bytes (stream-tcp.c) */

/* One direction of a session: the bytes one endpoint sent. */
struct stream_side {
    uint32_t flags;            /* enum stream_side_flag */
    uint32_t isn;              /* sequence number of offset 0 */
    uint32_t last_ack;         /* highest ACK the peer sent for these bytes (sequence) */
    bool ack_seen;             /* last_ack is set */
    uint64_t acked;            /* offset up to which the peer ACKed (never decreases) */
    uint64_t usable;           /* offset up to which bytes were once usable (never
                                  decreases: async_oneside can end) */
    uint64_t fin_offset;       /* offset of the FIN, when STREAM_SIDE_FIN */
    uint64_t app_progress;     /* bytes given to and consumed by the app layer */
    uint64_t raw_progress;     /* bytes inspected by raw detection */
    uint64_t right_edge;       /* one past the highest byte seen (may have gaps below) */
    uint64_t gap_mark;         /* gaps ending at or below this offset were counted */
    uint64_t ready_mark;       /* end of the app layer's usable run when last settled
                                  (0: none); valid while STREAM_SIDE_MOVED is clear */
    /* Bytes held, as maximal runs of contiguous bytes sorted by offset (no two touch):
     * seg[0] is where the consumers read next, the others lie beyond gaps. */
    struct stream_seg *seg;
    uint32_t nseg, seg_size;
};

enum stream_session_flag {
    STREAM_MIDSTREAM = 1u << 0,  /* picked up without a handshake */
    STREAM_ASYNC = 1u << 1,      /* only one side has been seen (so far) */
    STREAM_CLOSED = 1u << 2,     /* FIN both ways and both ACKed, or an accepted RST */
    STREAM_FLUSH = 1u << 3,      /* Suricata's state is past TIME_WAIT: raw detection of
                                    both sides inspects without waiting for a batch */
};

struct stream_session {
    uint32_t flags;               /* enum stream_session_flag */
    uint32_t mode;                /* private: the conf's switches, copied at creation (the
                                     const accessors below have no stream_thread) */
    uint32_t chunk[2];            /* raw inspection batch per side, from the conf */
    struct stream_side side[2];   /* [FLOW_TO_SERVER]: the client's bytes */
};

/* What a packet did to its session (filled by stream_packet). */
struct stream_result {
    bool added;        /* the packet's payload went into the stream (Suricata's
                          PKT_STREAM_ADD): stream rules see it, so "tcp" rules inspect
                          the stream rather than the packet */
    uint8_t app_ready; /* bit (1 << dir): side 'dir' has new usable bytes for the app layer */
};

/* Returns NULL with the reason in errbuf (out of memory, or memcap or max_segments 0). */
struct stream_thread *stream_thread_new(const struct stream_conf *conf,
                                        char errbuf[CANH_ERRBUF_SIZE]);
/* Frees the worker's context (not the sessions: flows own them). Accepts NULL. */
void stream_thread_free(struct stream_thread *st);
const struct stream_stats *stream_thread_stats(const struct stream_thread *st);

/* Handles TCP packet 'p' of flow 'f' (direction 'dir', FLOW_TO_SERVER or FLOW_TO_CLIENT):
 * creates the session when allowed (f->stream), records ACKs, FIN and RST, and inserts
 * the payload. Fills 'r'. Does nothing (r all zero) for a flow without a session.
 * Returns the change in bytes held (to count against the flow memcap). */
int64_t stream_packet(struct stream_thread *st, struct flow *f, const struct packet *p, int dir,
                      struct stream_result *r);

/* The app layer's view of side 'dir': contiguous usable bytes from app_progress.
 * Returns true with *data and *len set (len > 0), or false when nothing is usable. When the
 * next usable byte is preceded by missing bytes, *gap is their count (else 0): the data
 * then starts after the gap, and the caller must call stream_app_consume with the gap
 * included (n counts from app_progress). Valid until the next call on the session. */
bool stream_app_data(const struct stream_session *s, int dir, const uint8_t **data,
                     uint32_t *len, uint32_t *gap);
/* The app layer consumed 'n' bytes of side 'dir' (gap included; cut at the end of the
 * usable bytes); bytes it did not consume are offered again, with more after them, next
 * time. Bytes no longer needed are freed by the next stream_packet. */
void stream_app_consume(struct stream_thread *st, struct stream_session *s, int dir, uint32_t n);
/* The app layer needs no more bytes of side 'dir' (unknown protocol, parser gave up);
 * app progress then follows the usable edge. */
void stream_app_done(struct stream_thread *st, struct stream_session *s, int dir);

/* Raw detection. stream_raw_ready: should raw inspection of side 'dir' run now (see the
 * batching rules above)? stream_raw_inspect: calls fn for each contiguous block of
 * usable bytes from raw_progress (skipping gaps; *offset is the block's stream offset)
 * until fn returns non-zero or the bytes run out, then moves raw_progress past what was
 * given and clears the trigger. In inline mode, 'p' is the packet whose bytes (in their
 * window, see above) are inspected, once, if stream_packet added them; otherwise it may
 * be NULL. Both do nothing when stream_conf.raw is false. */
typedef int (*stream_raw_fn)(void *ctx, const uint8_t *data, uint32_t len, uint64_t offset);
bool stream_raw_ready(const struct stream_session *s, int dir);
void stream_raw_inspect(struct stream_thread *st, struct stream_session *s, int dir,
                        const struct packet *p, stream_raw_fn fn, void *ctx);
/* The app layer finished a unit (a request, a handshake message): inspect raw bytes of
 * side 'dir' at the next opportunity instead of waiting for a full batch. */
void stream_raw_trigger(struct stream_session *s, int dir);

/* The flow is ending: marks both sides EOF, so everything held becomes usable by
 * stream_app_data and stream_raw_inspect. Call before the final app-layer and detection
 * pass. */
void stream_session_end(struct stream_session *s);

/* Frees the session of 'f' (f->stream = NULL); returns the bytes it held (segment data
 * and the session record: what stream_packet's results added up to). Accepts a flow
 * without one (returns 0). */
int64_t stream_session_free(struct stream_thread *st, struct flow *f);

#endif
