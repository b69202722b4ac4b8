/* IPv4 and IPv6 fragment reassembly. See defrag.h.
 *
 * A tracker holds the fragments of one datagram, keyed by (IP version, addresses,
 * identification, protocol for IPv4, VLAN ids). Its lifetime is fixed from its first
 * fragment (RFC 791's reassembly timer): trackers sit on a list in creation order, so the
 * timeout walk and the memcap eviction both take from the head. A completed datagram's
 * tracker keeps no data but stays until its timeout, so that late copies of its fragments
 * are recognised (ipvX.frag_ignored) rather than starting a new datagram.
 *
 * Overlaps are resolved when the datagram is rebuilt: fragments are copied into the
 * output in increasing priority, so the winner of each byte is written last. */
#include "defrag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "decode-checksum.h"

#define DEFRAG_MAX_DATAGRAM 65535u /* IPv4 total length / IPv6 payload length field */
/* Output: the largest IPv6 unfragmentable part plus the largest datagram. */
#define DEFRAG_OUT_MAX (2u * 65536u + 64u)

struct frag {
    struct frag *next; /* sorted by offset */
    uint32_t offset;   /* of the data, in bytes */
    uint32_t len;
    uint32_t seq;      /* arrival order within the datagram */
    uint8_t data[];
};

struct tracker {
    struct tracker *hnext;         /* hash chain */
    struct tracker *prev, *next;   /* creation-order list */
    struct canh_addr src, dst;
    uint32_t id;
    uint32_t hash;
    uint16_t vlan[2];
    uint8_t ipver, proto;
    bool have_last, done;
    uint64_t created_us;
    uint32_t total;      /* data length, known once the last fragment arrived */
    uint32_t nfrags, seq;
    uint32_t hdr_len;    /* bytes of 'hdr' (IPv4 header, or IPv6 up to the frag header) */
    uint32_t nh_off;     /* IPv6: where the Next Header byte to patch is in 'hdr' */
    uint8_t frag_nh;     /* IPv6: the fragment header's Next Header */
    uint8_t *hdr;        /* copied from the offset-0 fragment */
    size_t mem;          /* bytes this tracker accounts for, itself included */
    struct frag *frags;
    struct frag *last;   /* the fragment with the highest offset */
    uint32_t covered;    /* data bytes [0, covered) are held without a gap */
    uint32_t end_max;    /* the highest end of a fragment held (not always last's) */
};

struct defrag {
    struct defrag_conf conf;
    struct tracker **buckets;
    uint32_t mask;
    struct tracker *head, *tail; /* creation order */
    struct defrag_stats stats;
    uint8_t *out;
    struct frag **order; /* max_frags entries, scratch for rebuilding */
};

/* The fragment being added, as both IP versions describe it. */
struct frag_in {
    uint8_t ipver, proto;
    uint32_t id;
    uint32_t offset;      /* bytes */
    bool more;
    const uint8_t *data;  /* fragment data */
    uint32_t len;
    const uint8_t *hdr;   /* header bytes to keep if offset is 0 */
    uint32_t hdr_len;
    uint32_t nh_off;
    uint8_t frag_nh;
    enum decode_event ev_too_large, ev_overlap, ev_ignored, ev_too_many;
};

/* ---------------------------------------------------------------------------------- */
/* Trackers                                                                           */
/* ---------------------------------------------------------------------------------- */

struct defrag *defrag_new(const struct defrag_conf *conf, char errbuf[CANH_ERRBUF_SIZE])
{
    struct defrag *d = calloc(1, sizeof(*d));
    if (d == NULL)
        goto fail;
    d->conf = *conf;
    uint32_t n = 1024;
    while (n < conf->max_trackers && n < (1u << 24))
        n <<= 1;
    d->mask = n - 1;
    d->buckets = calloc(n, sizeof(*d->buckets));
    d->out = malloc(DEFRAG_OUT_MAX);
    d->order = calloc(conf->max_frags, sizeof(*d->order));
    if (d->buckets == NULL || d->out == NULL || d->order == NULL)
        goto fail;
    return d;
fail:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "defrag: out of memory");
    defrag_free(d);
    return NULL;
}

static void tracker_free_data(struct defrag *d, struct tracker *t)
{
    for (struct frag *f = t->frags, *next; f != NULL; f = next) {
        next = f->next;
        free(f);
    }
    t->frags = t->last = NULL;
    t->covered = t->end_max = 0;
    free(t->hdr);
    t->hdr = NULL;
    STAT_ADD(d->stats.memuse, -(uint64_t)(t->mem - sizeof(*t)));
    t->mem = sizeof(*t);
}

static void tracker_remove(struct defrag *d, struct tracker *t)
{
    struct tracker **pp = &d->buckets[t->hash & d->mask];
    while (*pp != t)
        pp = &(*pp)->hnext;
    *pp = t->hnext;
    if (t->prev != NULL)
        t->prev->next = t->next;
    else
        d->head = t->next;
    if (t->next != NULL)
        t->next->prev = t->prev;
    else
        d->tail = t->prev;
    tracker_free_data(d, t);
    STAT_ADD(d->stats.memuse, -(uint64_t)sizeof(*t));
    STAT_ADD(d->stats.trackers, -(uint64_t)1);
    free(t);
}

void defrag_free(struct defrag *d)
{
    if (d == NULL)
        return;
    while (d->head != NULL)
        tracker_remove(d, d->head);
    free(d->buckets);
    free(d->out);
    free(d->order);
    free(d);
}

const struct defrag_stats *defrag_stats(const struct defrag *d)
{
    return &d->stats;
}

static uint32_t tracker_hash(const struct packet *p, const struct frag_in *in)
{
    uint32_t h = in->id * 0x9e3779b1u ^ in->proto ^ (uint32_t)p->vlan[0] << 16 ^ p->vlan[1];
    for (int i = 0; i < 4; i++) {
        h ^= p->src.w[i] + p->dst.w[i]; /* direction does not matter: a datagram has one */
        h *= 0x85ebca6bu;
        h ^= h >> 13;
    }
    return h;
}

static struct tracker *tracker_find(struct defrag *d, const struct packet *p,
                                    const struct frag_in *in, uint32_t hash)
{
    for (struct tracker *t = d->buckets[hash & d->mask]; t != NULL; t = t->hnext)
        if (t->hash == hash && t->id == in->id && t->ipver == in->ipver &&
            (in->ipver == 6 || t->proto == in->proto) && t->vlan[0] == p->vlan[0] &&
            t->vlan[1] == p->vlan[1] && memcmp(&t->src, &p->src, sizeof(t->src)) == 0 &&
            memcmp(&t->dst, &p->dst, sizeof(t->dst)) == 0)
            return t;
    return NULL;
}

/* Makes room for 'need' more bytes by discarding the oldest datagrams other than
 * 'keep'. Returns false if the memcap cannot be met. */
static bool defrag_make_room(struct defrag *d, size_t need, const struct tracker *keep)
{
    while (d->stats.memuse + need > d->conf.memcap) {
        struct tracker *victim = d->head;
        if (victim == keep)
            victim = victim->next;
        if (victim == NULL)
            return false;
        if (!victim->done)
            STAT_INC(d->stats.memcap_evicted);
        tracker_remove(d, victim);
    }
    return true;
}

static struct tracker *tracker_new(struct defrag *d, const struct packet *p,
                                   const struct frag_in *in, uint32_t hash)
{
    if (d->stats.trackers >= d->conf.max_trackers && d->head != NULL) {
        if (!d->head->done)
            STAT_INC(d->stats.memcap_evicted);
        tracker_remove(d, d->head);
    }
    if (!defrag_make_room(d, sizeof(struct tracker), NULL))
        return NULL;
    struct tracker *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->src = p->src;
    t->dst = p->dst;
    t->id = in->id;
    t->hash = hash;
    t->vlan[0] = p->vlan[0];
    t->vlan[1] = p->vlan[1];
    t->ipver = in->ipver;
    t->proto = in->proto;
    t->created_us = p->ts_us;
    t->mem = sizeof(*t);
    t->hnext = d->buckets[hash & d->mask];
    d->buckets[hash & d->mask] = t;
    t->prev = d->tail;
    if (d->tail != NULL)
        d->tail->next = t;
    else
        d->head = t;
    d->tail = t;
    STAT_ADD(d->stats.memuse, sizeof(*t));
    STAT_INC(d->stats.trackers);
    return t;
}

void defrag_timeout(struct defrag *d, uint64_t now_us)
{
    while (d->head != NULL && d->head->created_us + d->conf.timeout_us < now_us) {
        if (!d->head->done)
            STAT_INC(d->stats.timeouts);
        tracker_remove(d, d->head);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Adding and rebuilding                                                              */
/* ---------------------------------------------------------------------------------- */

/* True if fragment a's copy of a shared byte wins over b's under the policy. */
static bool frag_wins(int policy, const struct frag *a, const struct frag *b)
{
    switch (policy) {
    case DEFRAG_POLICY_FIRST:
        return a->seq < b->seq;
    case DEFRAG_POLICY_LAST:
        return a->seq > b->seq;
    case DEFRAG_POLICY_LINUX:
        return a->offset != b->offset ? a->offset < b->offset : a->seq > b->seq;
    default: /* BSD */
        return a->offset != b->offset ? a->offset < b->offset : a->seq < b->seq;
    }
}

/* Rebuilds the datagram into d->out; returns its length. */
static uint32_t tracker_rebuild(struct defrag *d, struct tracker *t)
{
    uint8_t *out = d->out;
    uint32_t hl = t->hdr_len;
    memcpy(out, t->hdr, hl);

    /* Copy in increasing priority: repeatedly pick the lowest-priority fragment not yet
     * copied. n is bounded by max_frags, so the quadratic pick is cheap. */
    struct frag **order = d->order;
    uint32_t n = 0;
    for (struct frag *f = t->frags; f != NULL; f = f->next)
        order[n++] = f;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t lo = i;
        for (uint32_t j = i + 1; j < n; j++)
            if (frag_wins(d->conf.policy, order[lo], order[j]))
                lo = j;
        struct frag *tmp = order[i];
        order[i] = order[lo];
        order[lo] = tmp;
        struct frag *f = order[i];
        if (f->offset >= t->total)
            continue; /* contradicted by the last fragment; the overlap was reported */
        uint32_t flen = f->offset + f->len > t->total ? t->total - f->offset : f->len;
        memcpy(out + hl + f->offset, f->data, flen);
    }

    uint32_t len = hl + t->total;
    if (t->ipver == 4) {
        out[2] = (uint8_t)(len >> 8);
        out[3] = (uint8_t)len;
        out[6] &= 0x40; /* keep DF, clear MF and the offset */
        out[7] = 0;
        out[10] = out[11] = 0;
        uint16_t sum = csum_compute(out, hl);
        memcpy(out + 10, &sum, 2);
    } else {
        uint32_t plen = len - 40;
        out[4] = (uint8_t)(plen >> 8);
        out[5] = (uint8_t)plen;
        out[t->nh_off] = t->frag_nh;
    }
    return len;
}

static int defrag_add(struct defrag *d, struct decode_thread *dt, struct packet *p,
                      const struct frag_in *in, const uint8_t **out, uint32_t *out_len)
{
    STAT_INC(d->stats.fragments);
    uint32_t end = in->offset + in->len;
    if (end > DEFRAG_MAX_DATAGRAM - (in->ipver == 4 ? in->hdr_len : 0))
        return decode_event(dt, p, in->ev_too_large);

    uint32_t hash = tracker_hash(p, in);
    struct tracker *t = tracker_find(d, p, in, hash);
    if (t != NULL && t->done) {
        STAT_INC(d->stats.ignored);
        return decode_event(dt, p, in->ev_ignored);
    }
    if (t == NULL) {
        t = tracker_new(d, p, in, hash);
        if (t == NULL) {
            STAT_INC(d->stats.memcap_drops);
            return CANH_AGAIN;
        }
    }

    /* A fragment that contradicts the known end of the datagram. */
    if (t->have_last && (end > t->total || (!in->more && end != t->total))) {
        STAT_INC(d->stats.overlaps);
        return decode_event(dt, p, in->ev_overlap);
    }
    if (t->nfrags >= d->conf.max_frags) {
        STAT_INC(d->stats.too_many);
        decode_note(dt, p, in->ev_too_many);
        tracker_remove(d, t);
        return CANH_ERR;
    }

    /* Overlap with what is held: an identical copy is dropped quietly (retransmission),
     * anything else is an event, and the policy decides at rebuild time. A fragment that
     * starts after the end of every one held (the usual, in-order case) or ends before the
     * first one (reverse order) overlaps nothing;
     * the fragment with the highest offset need not be the one that ends last. */
    struct frag **pos = &t->frags;
    bool overlap = false;
    if (t->last != NULL && in->offset >= t->end_max) {
        pos = &t->last->next;
    } else if (t->frags != NULL && end <= t->frags->offset) {
        pos = &t->frags; /* before every fragment held (reverse order) */
    } else {
        for (struct frag *f = t->frags; f != NULL; f = f->next) {
            if (f->offset == in->offset && f->len == in->len &&
                memcmp(f->data, in->data, in->len) == 0)
                return CANH_AGAIN;
            if (in->offset < f->offset + f->len && f->offset < end)
                overlap = true;
            if (f->offset <= in->offset)
                pos = &f->next;
        }
    }
    /* The last fragment ends the datagram before data already held. */
    if (!in->more && t->end_max > end)
        overlap = true;
    if (overlap) {
        STAT_INC(d->stats.overlaps);
        decode_note(dt, p, in->ev_overlap);
    }

    size_t need = sizeof(struct frag) + in->len + (in->offset == 0 ? in->hdr_len : 0);
    if (!defrag_make_room(d, need, t)) {
        STAT_INC(d->stats.memcap_drops);
        return CANH_AGAIN;
    }
    struct frag *f = malloc(sizeof(*f) + in->len);
    if (f == NULL) {
        STAT_INC(d->stats.memcap_drops);
        return CANH_AGAIN;
    }
    if (in->offset == 0 && t->hdr == NULL) {
        t->hdr = malloc(in->hdr_len);
        if (t->hdr == NULL) {
            free(f);
            STAT_INC(d->stats.memcap_drops);
            return CANH_AGAIN;
        }
        memcpy(t->hdr, in->hdr, in->hdr_len);
        t->hdr_len = in->hdr_len;
        t->nh_off = in->nh_off;
        t->frag_nh = in->frag_nh;
        t->mem += in->hdr_len;
        STAT_ADD(d->stats.memuse, in->hdr_len);
    }
    f->offset = in->offset;
    f->len = in->len;
    f->seq = t->seq++;
    memcpy(f->data, in->data, in->len);
    f->next = *pos;
    *pos = f;
    if (f->next == NULL)
        t->last = f;
    if (end > t->end_max)
        t->end_max = end;
    /* Extend the gap-free prefix through this fragment and any it joins up with. */
    for (struct frag *g = f; g != NULL && g->offset <= t->covered; g = g->next)
        if (g->offset + g->len > t->covered)
            t->covered = g->offset + g->len;
    t->nfrags++;
    t->mem += sizeof(*f) + in->len;
    STAT_ADD(d->stats.memuse, sizeof(*f) + in->len);
    if (!in->more) {
        t->have_last = true;
        t->total = end;
    }

    if (!t->have_last || t->hdr == NULL || t->covered < t->total)
        return CANH_AGAIN;
    /* The length field must hold the header (IPv4) or the unfragmentable part (IPv6) and
     * the data; the per-fragment check above used this fragment's header, not the
     * first fragment's, which is the one the datagram is rebuilt with. */
    if ((t->ipver == 4 ? t->hdr_len : t->hdr_len - 40) + t->total > DEFRAG_MAX_DATAGRAM) {
        tracker_remove(d, t);
        return decode_event(dt, p, in->ev_too_large);
    }
    *out_len = tracker_rebuild(d, t);
    *out = d->out;
    STAT_INC(d->stats.reassembled);
    tracker_free_data(d, t);
    t->done = true;
    return CANH_OK;
}

int defrag_ipv4(struct defrag *d, struct decode_thread *dt, struct packet *p, const uint8_t *ip,
                uint32_t hlen, uint32_t ip_len, const uint8_t **out, uint32_t *out_len)
{
    uint16_t frag = (uint16_t)(ip[6] << 8 | ip[7]);
    struct frag_in in = {
        .ipver = 4,
        .proto = ip[9],
        .id = (uint32_t)(ip[4] << 8 | ip[5]),
        .offset = (uint32_t)(frag & 0x1fff) * 8,
        .more = (frag & 0x2000) != 0,
        .data = ip + hlen,
        .len = ip_len - hlen,
        .hdr = ip,
        .hdr_len = hlen,
        .ev_too_large = DECODE_EV_IPV4_FRAG_PKT_TOO_LARGE,
        .ev_overlap = DECODE_EV_IPV4_FRAG_OVERLAP,
        .ev_ignored = DECODE_EV_IPV4_FRAG_IGNORED,
        .ev_too_many = DECODE_EV_IPV4_FRAG_TOO_MANY,
    };
    return defrag_add(d, dt, p, &in, out, out_len);
}

int defrag_ipv6(struct defrag *d, struct decode_thread *dt, struct packet *p, const uint8_t *ip,
                uint32_t nh_off, uint32_t fh_off, uint32_t ip_len, const uint8_t **out,
                uint32_t *out_len)
{
    const uint8_t *fh = ip + fh_off;
    uint16_t offm = (uint16_t)(fh[2] << 8 | fh[3]);
    struct frag_in in = {
        .ipver = 6,
        .proto = fh[0],
        .id = (uint32_t)fh[4] << 24 | (uint32_t)fh[5] << 16 | (uint32_t)fh[6] << 8 | fh[7],
        .offset = (uint32_t)(offm >> 3) * 8,
        .more = (offm & 1) != 0,
        .data = fh + 8,
        .len = ip_len - fh_off - 8,
        .hdr = ip,
        .hdr_len = fh_off,
        .nh_off = nh_off,
        .frag_nh = fh[0],
        .ev_too_large = DECODE_EV_IPV6_FRAG_PKT_TOO_LARGE,
        .ev_overlap = DECODE_EV_IPV6_FRAG_OVERLAP,
        .ev_ignored = DECODE_EV_IPV6_FRAG_IGNORED,
        .ev_too_many = DECODE_EV_IPV6_FRAG_TOO_MANY,
    };
    /* RFC 8200 4.5: every fragment but the last is a multiple of 8 bytes long. */
    if (in.more && in.len % 8 != 0)
        return decode_event(dt, p, DECODE_EV_IPV6_FRAG_INVALID_LENGTH);
    return defrag_add(d, dt, p, &in, out, out_len);
}
