/* TCP stream reassembly. See stream.h for the model; this file keeps each side's bytes.
 *
 * A side holds its bytes as maximal blocks of contiguous bytes, sorted by offset, no two
 * touching (struct stream_seg). A segment is merged into the blocks it overlaps or
 * touches, the overlap policy deciding which bytes win; in order traffic only ever
 * appends to one block. Bytes below both consumers' progress are dropped from the front
 * of the first block (lazily: the block keeps a dead head until it must grow).
 *
 * Sequence numbers become 64-bit offsets through a signed 32-bit difference from the
 * side's right edge, so a wrap of the 32-bit space is just another step forward. */
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A segment (or ACK) more than this far from the bytes seen so far is nonsense, not a
 * window: TCP's largest window is 1 GiB (65535 << 14, RFC 7323 2.3). */
#define STREAM_WINDOW_MAX (1u << 30)
/* Smallest allocation of a block: avoids reallocating for each small segment. */
#define STREAM_SEG_MIN_ALLOC 2048u
/* Largest block: a block's length is a uint32_t; a side never holds this much (the
 * memcap is far lower), but the arithmetic must not wrap. */
#define STREAM_SEG_MAX_LEN (1u << 31)

struct stream_seg {
    uint64_t offset; /* stream offset of data[head] */
    uint8_t *data;
    uint32_t head;   /* dead bytes before the live ones (released, not yet compacted) */
    uint32_t len;    /* live bytes */
    uint32_t size;   /* allocated */
};

/* stream_session.mode: the conf's switches the const accessors need. */
enum { STREAM_MODE_INLINE = 1u << 0, STREAM_MODE_ASYNC = 1u << 1, STREAM_MODE_RAW = 1u << 2 };

/* Free block buffers of STREAM_SEG_MIN_ALLOC bytes (one packet's payload) kept per
 * thread for the next block: most blocks are born, consumed and freed within a few
 * packets, and glibc serves buffers of this size from its bins, not its fast caches. */
#define STREAM_SEG_CACHE 256

struct stream_thread {
    struct stream_conf conf;
    struct stream_stats stats;
    uint8_t *seg_cache[STREAM_SEG_CACHE];
    unsigned nseg_cache;
};

static uint8_t *seg_alloc(struct stream_thread *st, uint32_t size)
{
    if (size == STREAM_SEG_MIN_ALLOC && st->nseg_cache > 0)
        return st->seg_cache[--st->nseg_cache];
    return malloc(size);
}

static void seg_free(struct stream_thread *st, uint8_t *d, uint32_t size)
{
    if (d != NULL && size == STREAM_SEG_MIN_ALLOC && st->nseg_cache < STREAM_SEG_CACHE) {
        st->seg_cache[st->nseg_cache++] = d;
        return;
    }
    free(d);
}

static inline uint64_t seg_end(const struct stream_seg *g)
{
    return g->offset + g->len;
}

static inline uint64_t u64_min(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static inline uint64_t u64_max(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* ---------------------------------------------------------------------------------- */
/* Thread context                                                                     */
/* ---------------------------------------------------------------------------------- */

struct stream_thread *stream_thread_new(const struct stream_conf *conf,
                                        char errbuf[CANH_ERRBUF_SIZE])
{
    if (conf->memcap == 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "stream: memcap must be above 0");
        return NULL;
    }
    if (conf->max_segments == 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "stream: max-segments must be above 0");
        return NULL;
    }
    if (conf->policy != STREAM_POLICY_FIRST && conf->policy != STREAM_POLICY_LAST) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "stream: unknown overlap policy %u",
                 (unsigned)conf->policy);
        return NULL;
    }
    struct stream_thread *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "stream: out of memory");
        return NULL;
    }
    st->conf = *conf;
    return st;
}

void stream_thread_free(struct stream_thread *st)
{
    if (st == NULL)
        return;
    for (unsigned i = 0; i < st->nseg_cache; i++)
        free(st->seg_cache[i]);
    free(st);
}

const struct stream_stats *stream_thread_stats(const struct stream_thread *st)
{
    return &st->stats;
}

/* ---------------------------------------------------------------------------------- */
/* Offsets                                                                            */
/* ---------------------------------------------------------------------------------- */

/* Offset of sequence number 'seq' in side 'sd' (which must be started); negative when
 * before offset 0. */
static int64_t side_seq_offset(const struct stream_side *sd, uint32_t seq)
{
    /* The reference: the furthest offset known, by the bytes seen or the ACKs. */
    uint64_t ref = u64_max(sd->right_edge, sd->acked);
    uint32_t ref_seq = sd->isn + 1u + (uint32_t)ref;
    return (int64_t)ref + (int32_t)(seq - ref_seq);
}

/* The furthest offset known of a side (see side_seq_offset). */
static uint64_t side_ref(const struct stream_side *sd)
{
    return u64_max(sd->right_edge, sd->acked);
}

static void side_start(struct stream_side *sd, uint32_t isn)
{
    sd->flags |= STREAM_SIDE_STARTED;
    sd->isn = isn;
}

/* One past the last byte (or the FIN) the side sent, as far as seen. */
static uint64_t side_next_offset(const struct stream_side *sd)
{
    uint64_t n = sd->right_edge;
    if (sd->flags & STREAM_SIDE_FIN)
        n = u64_max(n, sd->fin_offset + 1);
    return n;
}

/* The ACKed offset, FIN excluded. */
static uint64_t side_acked_data(const struct stream_side *sd)
{
    uint64_t a = sd->acked;
    if ((sd->flags & STREAM_SIDE_FIN) && a > sd->fin_offset)
        a = sd->fin_offset;
    return a;
}

/* ---------------------------------------------------------------------------------- */
/* Blocks                                                                             */
/* ---------------------------------------------------------------------------------- */

/* Index of the first block that ends after 'off' (nseg if none). */
static uint32_t side_find(const struct stream_side *sd, uint64_t off)
{
    uint32_t lo = 0, hi = sd->nseg;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (seg_end(&sd->seg[mid]) <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* End of the bytes held contiguously from 'off' ('off' itself if none is held there). */
static uint64_t side_contig(const struct stream_side *sd, uint64_t off)
{
    uint32_t i = side_find(sd, off);
    if (i < sd->nseg && sd->seg[i].offset <= off)
        return seg_end(&sd->seg[i]);
    return off;
}

/* One past the highest byte held (0 if none). */
static uint64_t side_held_end(const struct stream_side *sd)
{
    return sd->nseg > 0 ? seg_end(&sd->seg[sd->nseg - 1]) : 0;
}

static const uint8_t *seg_ptr(const struct stream_seg *g, uint64_t off)
{
    return g->data + g->head + (size_t)(off - g->offset);
}

static void side_remove_segs(struct stream_side *sd, uint32_t i, uint32_t n)
{
    memmove(&sd->seg[i], &sd->seg[i + n], (size_t)(sd->nseg - i - n) * sizeof(sd->seg[0]));
    sd->nseg -= n;
}

/* Frees every block of the side; returns the live bytes they held. */
static uint64_t side_free_segs(struct stream_thread *st, struct stream_side *sd)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < sd->nseg; i++) {
        n += sd->seg[i].len;
        seg_free(st, sd->seg[i].data, sd->seg[i].size);
    }
    free(sd->seg);
    sd->seg = NULL;
    sd->nseg = sd->seg_size = 0;
    return n;
}

/* Makes room in 'g' for 'len' live bytes from g->offset (the live bytes it has are kept
 * in place). Returns false when out of memory. */
static bool seg_reserve(struct stream_seg *g, uint32_t len)
{
    if ((uint64_t)g->head + len <= g->size)
        return true;
    if (g->head > 0) {
        memmove(g->data, g->data + g->head, g->len);
        g->head = 0;
        /* Compacting alone is enough if it leaves half the buffer free: amortised. */
        if (len <= g->size && g->size - len >= g->size / 2)
            return true;
    }
    if (len <= g->size)
        return true;
    uint64_t want = u64_max((uint64_t)g->size * 2, len);
    want = u64_max(want, STREAM_SEG_MIN_ALLOC);
    if (want > STREAM_SEG_MAX_LEN)
        want = len;
    uint8_t *d = realloc(g->data, (size_t)want);
    if (d == NULL)
        return false;
    g->data = d;
    g->size = (uint32_t)want;
    return true;
}

/* Inserts a new block at index i holding [off, off+len) = bytes. */
static bool side_insert_seg(struct stream_thread *st, struct stream_side *sd, uint32_t i,
                            uint64_t off, const uint8_t *bytes, uint32_t len)
{
    if (sd->nseg == sd->seg_size) {
        uint32_t n = sd->seg_size ? sd->seg_size * 2 : 4;
        struct stream_seg *a = realloc(sd->seg, (size_t)n * sizeof(*a));
        if (a == NULL)
            return false;
        sd->seg = a;
        sd->seg_size = n;
    }
    uint32_t size = len < STREAM_SEG_MIN_ALLOC ? STREAM_SEG_MIN_ALLOC : len;
    uint8_t *d = seg_alloc(st, size);
    if (d == NULL)
        return false;
    memcpy(d, bytes, len);
    memmove(&sd->seg[i + 1], &sd->seg[i], (size_t)(sd->nseg - i) * sizeof(sd->seg[0]));
    sd->seg[i] = (struct stream_seg){ .offset = off, .data = d, .head = 0, .len = len,
                                      .size = size };
    sd->nseg++;
    return true;
}

/* Drops the held bytes below 'base'; returns how many. */
static uint64_t side_release(struct stream_thread *st, struct stream_side *sd, uint64_t base)
{
    uint64_t freed = 0;
    uint32_t n = 0;
    while (n < sd->nseg && seg_end(&sd->seg[n]) <= base) {
        freed += sd->seg[n].len;
        seg_free(st, sd->seg[n].data, sd->seg[n].size);
        n++;
    }
    if (n > 0)
        side_remove_segs(sd, 0, n);
    if (sd->nseg > 0 && sd->seg[0].offset < base) {
        struct stream_seg *g = &sd->seg[0];
        uint32_t cut = (uint32_t)(base - g->offset);
        g->head += cut;
        g->len -= cut;
        g->offset = base;
        freed += cut;
    }
    if (sd->nseg == 0 && sd->seg != NULL) {
        free(sd->seg);
        sd->seg = NULL;
        sd->seg_size = 0;
    }
    return freed;
}

/* ---------------------------------------------------------------------------------- */
/* Usable bytes                                                                       */
/* ---------------------------------------------------------------------------------- */

/* Where the consumers stand: bytes below are not needed by either. */
static uint64_t side_base(const struct stream_thread *st, const struct stream_side *sd, int dir)
{
    uint64_t raw = sd->raw_progress;
    if (!st->conf.raw)
        return sd->app_progress;
    if (st->conf.inline_mode) {
        /* Inline inspection shows up to a chunk of bytes before the packet's. */
        uint32_t chunk = dir == FLOW_TO_SERVER ? st->conf.chunk_toserver : st->conf.chunk_toclient;
        raw = raw > chunk ? raw - chunk : 0;
    }
    return u64_min(sd->app_progress, raw);
}

/* End of the usable range of side 'dir': bytes held below it are usable, bytes missing
 * below it will not arrive (gaps). */
static uint64_t side_usable_end(const struct stream_session *s, int dir, bool inline_mode,
                                bool async_oneside)
{
    const struct stream_side *sd = &s->side[dir];
    uint64_t e;
    if (sd->flags & STREAM_SIDE_EOF) {
        e = u64_max(side_held_end(sd), side_acked_data(sd));
    } else {
        e = side_acked_data(sd);
        bool oneside = async_oneside && !(s->side[!dir].flags & STREAM_SIDE_SEEN);
        if (inline_mode || oneside)
            e = u64_max(e, side_contig(sd, u64_min(sd->app_progress, sd->raw_progress)));
    }
    if (sd->flags & STREAM_SIDE_FIN)
        e = u64_min(e, sd->fin_offset);
    return u64_max(e, sd->usable);
}

static uint64_t usable_end(const struct stream_session *s, int dir)
{
    return side_usable_end(s, dir, (s->mode & STREAM_MODE_INLINE) != 0,
                           (s->mode & STREAM_MODE_ASYNC) != 0);
}

/* The block run the app layer is offered: data from app_progress (after a gap, if the
 * next held byte lies beyond one that will not arrive), cut at the usable end 'end'. */
static bool app_view_to(const struct stream_side *sd, uint64_t end, const uint8_t **data,
                        uint32_t *len, uint32_t *gap)
{
    if (sd->flags & STREAM_SIDE_NOREASM)
        return false;
    uint64_t pos = sd->app_progress;
    if (end <= pos || sd->nseg == 0)
        return false;
    uint32_t i = sd->seg[0].offset + sd->seg[0].len > pos ? 0 : side_find(sd, pos);
    if (i >= sd->nseg)
        return false;
    const struct stream_seg *g = &sd->seg[i];
    uint64_t start = u64_max(g->offset, pos);
    if (start >= end)
        return false;
    uint64_t stop = u64_min(seg_end(g), end);
    if (stop - pos > UINT32_MAX)
        stop = pos + UINT32_MAX;
    *gap = (uint32_t)(start - pos);
    *data = seg_ptr(g, start);
    *len = (uint32_t)(stop - start);
    return *len > 0;
}

static bool app_view(const struct stream_session *s, int dir, const uint8_t **data, uint32_t *len,
                     uint32_t *gap)
{
    const struct stream_side *sd = &s->side[dir];
    if (sd->flags & STREAM_SIDE_NOREASM)
        return false;
    return app_view_to(sd, usable_end(s, dir), data, len, gap);
}

/* Counts the gaps (missing bytes) in [from, to) not counted before. */
static void count_gaps(struct stream_thread *st, struct stream_side *sd, uint64_t from, uint64_t to)
{
    uint64_t pos = from;
    uint32_t i = side_find(sd, pos);
    while (pos < to) {
        uint64_t next = i < sd->nseg ? sd->seg[i].offset : to;
        if (next > pos) {
            /* A gap is counted once, however it is consumed: by its end. */
            if (next > sd->gap_mark) {
                STAT_INC(st->stats.gaps);
                sd->gap_mark = next;
            }
            pos = u64_min(next, to);
            continue;
        }
        pos = seg_end(&sd->seg[i]);
        i++;
    }
}

/* Applies the consumers' moves: app progress following the usable edge when the app
 * layer is done, raw following app when there is no raw detection; frees what is no
 * longer needed; records where the app layer's usable run ends (ready_mark). Returns
 * the bytes freed. */
static uint64_t side_settle(struct stream_thread *st, struct stream_session *s, int dir)
{
    struct stream_side *sd = &s->side[dir];
    sd->flags &= ~(uint32_t)STREAM_SIDE_MOVED;
    if (sd->flags & STREAM_SIDE_NOREASM) {
        sd->ready_mark = 0;
        return sd->seg != NULL ? side_free_segs(st, sd) : 0;
    }
    uint64_t end = usable_end(s, dir);
    sd->usable = end;
    if ((sd->flags & STREAM_SIDE_APP_DONE) && sd->app_progress < end)
        sd->app_progress = end;
    if (!st->conf.raw && sd->raw_progress < sd->app_progress)
        sd->raw_progress = sd->app_progress;
    uint64_t freed = sd->seg != NULL ? side_release(st, sd, side_base(st, sd, dir)) : 0;
    /* What usable_end() would give now: settling moved nothing it depends on
     * upwards, and it never goes below sd->usable. */
    const uint8_t *d;
    uint32_t len, gap;
    sd->ready_mark = app_view_to(sd, end, &d, &len, &gap) ? sd->app_progress + gap + len : 0;
    return freed;
}

/* ---------------------------------------------------------------------------------- */
/* Segment insertion                                                                  */
/* ---------------------------------------------------------------------------------- */

/* Merges [off, off+len) = bytes into side 'sd' under the overlap policy. Returns 1 when
 * bytes were added or replaced, 0 for a retransmission that changed nothing, -1
 * (counted) when the memcap or max-segments refused it. */
static int side_insert(struct stream_thread *st, struct stream_side *sd, uint64_t base,
                       uint64_t off, const uint8_t *bytes, uint32_t len)
{
    uint64_t end = off + len;
    /* Blocks [i, j) overlap or touch the segment. */
    uint32_t i = side_find(sd, off);
    if (i > 0 && seg_end(&sd->seg[i - 1]) == off)
        i--;
    uint32_t j = i;
    uint64_t covered = 0;
    bool overlap = false, differ = false;
    while (j < sd->nseg && sd->seg[j].offset <= end) {
        const struct stream_seg *g = &sd->seg[j];
        uint64_t lo = u64_max(off, g->offset), hi = u64_min(end, seg_end(g));
        if (hi > lo) {
            overlap = true;
            covered += hi - lo;
            if (memcmp(seg_ptr(g, lo), bytes + (lo - off), (size_t)(hi - lo)) != 0)
                differ = true;
        }
        j++;
    }
    if (overlap) {
        STAT_INC(st->stats.overlaps);
        if (differ)
            STAT_INC(st->stats.overlap_diff);
    }
    if (covered == len) {
        STAT_INC(st->stats.retransmissions);
        if (!differ || st->conf.policy == STREAM_POLICY_FIRST)
            return 0;
    }
    uint64_t fresh = len - covered;
    if (st->stats.memuse + fresh > st->conf.memcap) {
        STAT_INC(st->stats.memcap_drops);
        return -1;
    }
    if (i == j) {
        /* Touches nothing: a block of its own. All blocks but one starting at the
         * consumers' position lie beyond gaps: those are capped. */
        uint64_t first = sd->nseg > 0 ? u64_min(sd->seg[0].offset, off) : off;
        uint32_t ooo = sd->nseg + 1u - (first <= base ? 1u : 0u);
        if (ooo > st->conf.max_segments) {
            STAT_INC(st->stats.segment_limit);
            return -1;
        }
        if (!side_insert_seg(st, sd, i, off, bytes, len)) {
            STAT_INC(st->stats.memcap_drops);
            return -1;
        }
        STAT_ADD(st->stats.memuse, len);
        return 1;
    }

    struct stream_seg *g = &sd->seg[i];
    uint64_t ns = u64_min(off, g->offset);
    uint64_t ne = u64_max(end, seg_end(&sd->seg[j - 1]));
    if (ne - ns > STREAM_SEG_MAX_LEN) {
        STAT_INC(st->stats.memcap_drops);
        return -1;
    }
    uint64_t g_start = g->offset, g_end = seg_end(g);
    if (ns < g->offset) {
        uint32_t front = (uint32_t)(g->offset - ns);
        if (g->head >= front) {
            g->head -= front;
        } else {
            /* Room in front as large as the block: segments arriving in reverse order
             * then cost amortised O(1) per byte, not a copy of the block each. */
            uint64_t need = ne - ns;
            uint64_t slack = u64_min(need, STREAM_SEG_MAX_LEN - need);
            uint8_t *d = malloc((size_t)(slack + need));
            if (d == NULL) {
                STAT_INC(st->stats.memcap_drops);
                return -1;
            }
            memcpy(d + slack + front, g->data + g->head, g->len);
            seg_free(st, g->data, g->size);
            g->data = d;
            g->head = (uint32_t)slack;
            g->size = (uint32_t)(slack + need);
        }
        g->offset = ns;
        g->len += front;
    }
    if (!seg_reserve(g, (uint32_t)(ne - ns))) {
        /* Undo nothing: a prepended front holds no live byte yet, so shrink it back. */
        uint32_t front = (uint32_t)(g_start - g->offset);
        g->head += front;
        g->len -= front;
        g->offset = g_start;
        STAT_INC(st->stats.memcap_drops);
        return -1;
    }
    g->len = (uint32_t)(ne - ns);
    uint8_t *out = g->data + g->head;
    /* The new segment fills the holes between the old blocks (both policies). */
    uint64_t pos = off;
    for (uint32_t k = i; k <= j && pos < end; k++) {
        uint64_t hole_end = end;
        uint64_t blk_end = pos;
        if (k < j) {
            uint64_t ks = k == i ? g_start : sd->seg[k].offset;
            uint64_t ke = k == i ? g_end : seg_end(&sd->seg[k]);
            hole_end = u64_min(ks, end);
            blk_end = ke;
        }
        if (hole_end > pos)
            memcpy(out + (pos - ns), bytes + (pos - off), (size_t)(hole_end - pos));
        pos = u64_max(pos, blk_end);
    }
    /* The following blocks move into g. */
    for (uint32_t k = i + 1; k < j; k++) {
        struct stream_seg *h = &sd->seg[k];
        memcpy(out + (h->offset - ns), h->data + h->head, h->len);
        seg_free(st, h->data, h->size);
    }
    if (j > i + 1)
        side_remove_segs(sd, i + 1, j - i - 1);
    if (st->conf.policy == STREAM_POLICY_LAST)
        memcpy(out + (off - ns), bytes, len);
    STAT_ADD(st->stats.memuse, fresh);
    return 1;
}

/* ---------------------------------------------------------------------------------- */
/* Packets                                                                            */
/* ---------------------------------------------------------------------------------- */

/* Creates the session for a flow without one, if the packet allows it. As Suricata 7
 * (StreamTcpPacketStateNone): never on an RST; on a FIN only midstream and with data; on
 * a SYN always; on a SYN/ACK midstream or async-oneside; on another ACK midstream. */
static struct stream_session *session_create(struct stream_thread *st, struct flow *f,
                                             const struct packet *p, int dir)
{
    uint8_t fl = p->tcp_flags;
    bool syn = false, ok;
    if (fl & TH_RST)
        ok = false;
    else if (fl & TH_FIN)
        ok = st->conf.midstream && p->payload_len > 0;
    else if ((fl & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
        ok = st->conf.midstream || st->conf.async_oneside;
    else if (fl & TH_SYN)
        ok = syn = true;
    else
        ok = st->conf.midstream && (fl & TH_ACK);
    (void)dir;
    if (!ok)
        return NULL;
    struct stream_session *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    if (st->conf.inline_mode)
        s->mode |= STREAM_MODE_INLINE;
    if (st->conf.async_oneside) {
        s->mode |= STREAM_MODE_ASYNC;
        s->flags |= STREAM_ASYNC;
    }
    if (st->conf.raw)
        s->mode |= STREAM_MODE_RAW;
    s->chunk[FLOW_TO_SERVER] = st->conf.chunk_toserver;
    s->chunk[FLOW_TO_CLIENT] = st->conf.chunk_toclient;
    if (!syn) {
        s->flags |= STREAM_MIDSTREAM;
        STAT_INC(st->stats.midstream);
    }
    STAT_INC(st->stats.sessions);
    f->stream = s;
    return s;
}

/* Accepts or refuses an RST sent by side 'dir' (see stream.h, "Closing"). */
static bool rst_acceptable(const struct stream_session *s, const struct packet *p, int dir)
{
    const struct stream_side *sd = &s->side[dir], *peer = &s->side[!dir];
    if (!(sd->flags & STREAM_SIDE_STARTED)) {
        if (!(p->tcp_flags & TH_ACK) || !(peer->flags & STREAM_SIDE_STARTED))
            return false;
        int64_t a = side_seq_offset(peer, p->tcp_ack);
        return a >= 0 && (uint64_t)a == side_next_offset(peer);
    }
    int64_t o = side_seq_offset(sd, p->tcp_seq);
    if (o < 0)
        return false;
    uint64_t next = side_next_offset(sd);
    uint64_t lo = next, hi = next;
    if (sd->ack_seen) {
        lo = u64_min(lo, sd->acked);
        hi = u64_max(hi, sd->acked);
    }
    return (uint64_t)o >= lo && (uint64_t)o <= hi;
}

/* Records the ACK of a packet from side 'dir' for the peer's bytes. */
static void handle_ack(struct stream_thread *st, struct stream_session *s, const struct packet *p,
                       int dir)
{
    struct stream_side *peer = &s->side[!dir];
    uint32_t ack = p->tcp_ack;
    if (!(peer->flags & STREAM_SIDE_STARTED)) {
        /* The peer's bytes start where this side says it expects them. */
        side_start(peer, ack - 1u);
    }
    int64_t a = side_seq_offset(peer, ack);
    if (a < 0)
        return;
    if ((uint64_t)a > side_ref(peer) + STREAM_WINDOW_MAX) {
        STAT_INC(st->stats.out_of_window);
        return;
    }
    if (!peer->ack_seen || (uint64_t)a > peer->acked) {
        peer->acked = (uint64_t)a;
        peer->last_ack = ack;
        peer->ack_seen = true;
    }
    if ((peer->flags & STREAM_SIDE_FIN) && peer->acked > peer->fin_offset)
        peer->flags |= STREAM_SIDE_FIN_ACKED;
    const struct stream_side *cl = &s->side[FLOW_TO_SERVER], *sv = &s->side[FLOW_TO_CLIENT];
    if ((cl->flags & STREAM_SIDE_FIN_ACKED) && (sv->flags & STREAM_SIDE_FIN_ACKED))
        s->flags |= STREAM_CLOSED | STREAM_FLUSH;
}

/* A FIN from side 'dir' at offset 'fo'. Suricata's states: a client FIN before the
 * server's is CLOSE_WAIT, after the server's without ACKing it CLOSING: both flush raw
 * detection. A server FIN first is FIN_WAIT1 (no flush); the client's FIN ACKing it is
 * TIME_WAIT (no flush) until the last ACK closes the session. */
static void handle_fin(struct stream_session *s, const struct packet *p, int dir, uint64_t fo)
{
    struct stream_side *sd = &s->side[dir], *peer = &s->side[!dir];
    if (sd->flags & STREAM_SIDE_FIN)
        return;
    sd->flags |= STREAM_SIDE_FIN;
    sd->fin_offset = u64_max(fo, sd->app_progress);
    if (sd->acked > sd->fin_offset)
        sd->flags |= STREAM_SIDE_FIN_ACKED;
    if (dir == FLOW_TO_SERVER) {
        if (!(peer->flags & STREAM_SIDE_FIN) || !(peer->flags & STREAM_SIDE_FIN_ACKED))
            s->flags |= STREAM_FLUSH;
    }
    (void)p;
}

/* Inserts the payload of a packet of side 'dir'. Returns true when it went into the
 * stream (Suricata's PKT_STREAM_ADD). */
static bool handle_data(struct stream_thread *st, struct stream_session *s, const struct packet *p,
                        int dir)
{
    struct stream_side *sd = &s->side[dir];
    uint32_t dseq = p->tcp_seq + ((p->tcp_flags & TH_SYN) ? 1u : 0u);
    int64_t so = side_seq_offset(sd, dseq);
    int64_t eo = so + (int64_t)p->payload_len;
    const uint8_t *bytes = p->payload;
    int64_t ref = (int64_t)side_ref(sd);
    if (so > ref + (int64_t)STREAM_WINDOW_MAX || eo <= 0 ||
        eo < ref - (int64_t)STREAM_WINDOW_MAX) {
        STAT_INC(st->stats.out_of_window);
        return false;
    }
    /* Seen, whatever becomes of it: keeps the sequence reference current. */
    if ((uint64_t)eo > sd->right_edge)
        sd->right_edge = (uint64_t)eo;
    if (sd->flags & STREAM_SIDE_NOREASM)
        return false;
    if (so < 0) {
        bytes += -so;
        so = 0;
    }
    uint64_t off = (uint64_t)so, end = (uint64_t)eo;
    uint32_t depth = st->conf.depth;
    if (depth != 0 && end > depth) {
        if (!(sd->flags & STREAM_SIDE_DEPTH)) {
            sd->flags |= STREAM_SIDE_DEPTH;
            STAT_INC(st->stats.depth_reached);
        }
        return true;
    }
    if (sd->flags & STREAM_SIDE_FIN) {
        if (off >= sd->fin_offset)
            return false;
        if (end > sd->fin_offset)
            end = sd->fin_offset;
    }
    uint64_t base = side_base(st, sd, dir);
    if (end <= base) {
        /* Bytes every consumer is done with: a late copy changes nothing. */
        STAT_INC(st->stats.retransmissions);
        return true;
    }
    if (off < base) {
        bytes += base - off;
        off = base;
    }
    bool ahead = off > side_contig(sd, base);
    int rc = side_insert(st, sd, base, off, bytes, (uint32_t)(end - off));
    if (rc < 0)
        return false;
    if (rc > 0) {
        STAT_INC(st->stats.segments);
        STAT_ADD(st->stats.bytes, end - off);
        if (ahead)
            STAT_INC(st->stats.out_of_order);
    }
    return true;
}

int64_t stream_packet(struct stream_thread *st, struct flow *f, const struct packet *p, int dir,
                      struct stream_result *r)
{
    memset(r, 0, sizeof(*r));
    int64_t delta = 0;
    struct stream_session *s = f->stream;
    if (s == NULL) {
        s = session_create(st, f, p, dir);
        if (s == NULL)
            return 0;
        delta += (int64_t)sizeof(*s);
    }
    struct stream_side *sd = &s->side[dir];
    uint64_t mem_before = st->stats.memuse;
    /* Apply what the consumers released since the last packet (a side no consumer
     * touched is as the last packet left it). */
    uint64_t ready_before[2];
    for (int d = 0; d < 2; d++) {
        if (s->side[d].flags & STREAM_SIDE_MOVED)
            STAT_ADD(st->stats.memuse, -side_settle(st, s, d));
        ready_before[d] = s->side[d].ready_mark;
    }

    sd->flags |= STREAM_SIDE_SEEN;
    if ((s->side[0].flags & STREAM_SIDE_SEEN) && (s->side[1].flags & STREAM_SIDE_SEEN))
        s->flags &= ~(uint32_t)STREAM_ASYNC;
    sd->flags &= ~(uint32_t)STREAM_SIDE_ADDED;
    if ((sd->flags & STREAM_SIDE_DEPTH) && !(sd->flags & STREAM_SIDE_NOREASM)) {
        /* The depth was reached by an earlier packet: this side is done. */
        sd->flags |= STREAM_SIDE_NOREASM;
        STAT_ADD(st->stats.memuse, -side_free_segs(st, sd));
    }

    uint8_t fl = p->tcp_flags;
    if (fl & TH_RST) {
        if (rst_acceptable(s, p, dir)) {
            sd->flags |= STREAM_SIDE_RST;
            s->flags |= STREAM_CLOSED | STREAM_FLUSH;
        } else {
            STAT_INC(st->stats.bad_rst);
        }
        goto out;
    }
    if (!(sd->flags & STREAM_SIDE_STARTED)) {
        /* ISN: the SYN's, or offset 0 is the first sequence number seen. (A side the
         * peer ACKed was started by that ACK.) */
        side_start(sd, (fl & TH_SYN) ? p->tcp_seq : p->tcp_seq - 1u);
    }
    if (fl & TH_ACK)
        handle_ack(st, s, p, dir);
    if (p->payload_len > 0) {
        r->added = handle_data(st, s, p, dir);
        if (r->added)
            sd->flags |= STREAM_SIDE_ADDED;
    }
    if (fl & TH_FIN) {
        uint32_t fseq = p->tcp_seq + ((fl & TH_SYN) ? 1u : 0u) + p->payload_len;
        int64_t fo = side_seq_offset(sd, fseq);
        if (fo >= 0 && (uint64_t)fo <= sd->right_edge + STREAM_WINDOW_MAX)
            handle_fin(s, p, dir, (uint64_t)fo);
    }

out:
    for (int d = 0; d < 2; d++) {
        STAT_ADD(st->stats.memuse, -side_settle(st, s, d));
        if (s->side[d].ready_mark > ready_before[d])
            r->app_ready |= (uint8_t)(1u << d);
    }
    delta += (int64_t)(st->stats.memuse - mem_before);
    return delta;
}

/* ---------------------------------------------------------------------------------- */
/* Consumers                                                                          */
/* ---------------------------------------------------------------------------------- */

bool stream_app_data(const struct stream_session *s, int dir, const uint8_t **data,
                     uint32_t *len, uint32_t *gap)
{
    *data = NULL;
    *len = 0;
    *gap = 0;
    return app_view(s, dir, data, len, gap);
}

void stream_app_consume(struct stream_thread *st, struct stream_session *s, int dir, uint32_t n)
{
    struct stream_side *sd = &s->side[dir];
    uint64_t end = usable_end(s, dir);
    uint64_t from = sd->app_progress;
    if (from >= end)
        return;
    uint64_t to = u64_min(from + n, end);
    count_gaps(st, sd, from, to);
    sd->app_progress = to;
    sd->flags |= STREAM_SIDE_MOVED;
}

void stream_app_done(struct stream_thread *st, struct stream_session *s, int dir)
{
    struct stream_side *sd = &s->side[dir];
    sd->flags |= STREAM_SIDE_APP_DONE | STREAM_SIDE_MOVED;
    uint64_t end = usable_end(s, dir);
    if (sd->app_progress < end)
        sd->app_progress = end;
    (void)st;
}

bool stream_raw_ready(const struct stream_session *s, int dir)
{
    const struct stream_side *sd = &s->side[dir];
    if (!(s->mode & STREAM_MODE_RAW) || (sd->flags & STREAM_SIDE_NOREASM))
        return false;
    if (s->mode & STREAM_MODE_INLINE)
        return (sd->flags & STREAM_SIDE_ADDED) != 0;
    /* Suricata: nothing held beyond the raw progress, nothing to do. */
    if (sd->nseg == 0 || side_held_end(sd) <= sd->raw_progress)
        return false;
    if (sd->flags & (STREAM_SIDE_DEPTH | STREAM_SIDE_TRIGGER_RAW | STREAM_SIDE_EOF))
        return true;
    if (s->flags & STREAM_FLUSH)
        return true;
    /* A batch: Suricata measures it up to the ACKed edge (gaps included). */
    uint64_t end = usable_end(s, dir);
    return end > sd->raw_progress && end - sd->raw_progress >= s->chunk[dir];
}

/* Inline: the bytes of packet 'p' with context around them, as Suricata 7 chooses it
 * (StreamReassembleRawInline): a window of chunk-size bytes (widened for large packets)
 * from the block holding the packet's bytes, ending at the packet's end when bytes after
 * it are held, else split around it; the packet's own payload if its bytes were not
 * kept whole. */
static void raw_inspect_inline(struct stream_session *s, int dir, const struct packet *p,
                               stream_raw_fn fn, void *ctx)
{
    struct stream_side *sd = &s->side[dir];
    if (p == NULL || p->payload_len == 0 || !(sd->flags & STREAM_SIDE_ADDED) ||
        (p->tcp_flags & TH_RST))
        return;
    uint32_t plen = p->payload_len;
    uint32_t chunk = s->chunk[dir];
    if (chunk <= plen || (chunk / 3) * 2 < plen)
        chunk = plen + chunk / 3;
    uint32_t dseq = p->tcp_seq + ((p->tcp_flags & TH_SYN) ? 1u : 0u);
    int64_t ps = side_seq_offset(sd, dseq);
    if (ps < 0)
        return;
    uint64_t pl = (uint64_t)ps, pr = pl + plen;
    uint32_t i = side_find(sd, pl);
    const uint8_t *data = p->payload;
    uint32_t len = plen;
    uint64_t off = pl;
    bool single = sd->nseg == 1;
    if (i < sd->nseg && sd->seg[i].offset <= pl && seg_end(&sd->seg[i]) >= pr) {
        const struct stream_seg *g = &sd->seg[i];
        uint64_t ws = g->offset, we = seg_end(g);
        uint64_t wlen = we - ws;
        if (wlen > chunk) {
            uint64_t excess = wlen - chunk;
            if (we == pr) {
                ws += excess;
            } else if (ws == pl) {
                we -= excess;
            } else {
                uint64_t before = pl - ws, after = we - pr;
                uint64_t want = (chunk - plen) / 2;
                if (after >= want) {
                    if (before >= want)
                        before = after = want;
                    else
                        after = (chunk - plen) - before;
                } else if (before >= want) {
                    before = (chunk - plen) - after;
                }
                ws = pl - before;
                we = pr + after;
            }
        }
        data = seg_ptr(g, ws);
        len = (uint32_t)(we - ws);
        off = ws;
    } else {
        single = false;
    }
    (void)fn(ctx, data, len, off);
    uint64_t progress;
    if (single) {
        progress = off + len;
    } else {
        uint64_t acked = side_acked_data(sd);
        if (sd->raw_progress < acked)
            progress = off > acked ? acked : off + len;
        else
            progress = sd->raw_progress;
    }
    if (progress > sd->raw_progress)
        sd->raw_progress = progress;
}

void stream_raw_inspect(struct stream_thread *st, struct stream_session *s, int dir,
                        const struct packet *p, stream_raw_fn fn, void *ctx)
{
    struct stream_side *sd = &s->side[dir];
    if (!st->conf.raw || (sd->flags & STREAM_SIDE_NOREASM))
        return;
    sd->flags |= STREAM_SIDE_MOVED;
    if (st->conf.inline_mode) {
        raw_inspect_inline(s, dir, p, fn, ctx);
        sd->flags &= ~(uint32_t)(STREAM_SIDE_TRIGGER_RAW | STREAM_SIDE_ADDED);
        return;
    }
    uint64_t end = usable_end(s, dir);
    uint64_t pos = sd->raw_progress;
    uint32_t i = side_find(sd, pos);
    while (i < sd->nseg && pos < end) {
        const struct stream_seg *g = &sd->seg[i];
        uint64_t start = u64_max(g->offset, pos);
        if (start >= end)
            break;
        uint64_t stop = u64_min(seg_end(g), end);
        if (start > pos)
            count_gaps(st, sd, pos, start);
        int rc = fn(ctx, seg_ptr(g, start), (uint32_t)(stop - start), start);
        pos = stop;
        i++;
        if (rc != 0)
            break;
    }
    sd->raw_progress = pos;
    sd->flags &= ~(uint32_t)STREAM_SIDE_TRIGGER_RAW;
}

void stream_raw_trigger(struct stream_session *s, int dir)
{
    s->side[dir].flags |= STREAM_SIDE_TRIGGER_RAW;
}

void stream_session_end(struct stream_session *s)
{
    s->side[0].flags |= STREAM_SIDE_EOF | STREAM_SIDE_MOVED;
    s->side[1].flags |= STREAM_SIDE_EOF | STREAM_SIDE_MOVED;
}

int64_t stream_session_free(struct stream_thread *st, struct flow *f)
{
    struct stream_session *s = f->stream;
    if (s == NULL)
        return 0;
    uint64_t held = side_free_segs(st, &s->side[0]) + side_free_segs(st, &s->side[1]);
    STAT_ADD(st->stats.memuse, -held);
    free(s);
    f->stream = NULL;
    return (int64_t)(held + sizeof(*s));
}

