/* SPSC record ring. See util-ring.h. */
#include "util-ring.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RING_SKIP 0xffffffffu /* record type filling the end of the buffer */

struct ring_hdr {
    uint32_t type;
    uint32_t len; /* payload bytes */
};

static inline uint64_t ring_rec_size(uint32_t len)
{
    return (sizeof(struct ring_hdr) + (uint64_t)len + 7) & ~(uint64_t)7;
}

struct ring *ring_new(uint64_t size, struct ring_bell *data_bell)
{
    struct ring *r;
    if (posix_memalign((void **)&r, 64, sizeof(*r)) != 0)
        return NULL;
    memset(r, 0, sizeof(*r));
    uint64_t n = 4096;
    while (n < size)
        n <<= 1;
    r->size = n;
    r->buf = malloc(n);
    if (r->buf == NULL) {
        free(r);
        return NULL;
    }
    r->data_bell = data_bell != NULL ? data_bell : &r->own_data_bell;
    r->space_bell = &r->own_space_bell;
    return r;
}

void ring_free(struct ring *r)
{
    if (r == NULL)
        return;
    free(r->buf);
    free(r);
}

uint32_t ring_max_record(const struct ring *r)
{
    uint64_t m = r->size / 4 - sizeof(struct ring_hdr);
    return m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
}

/* ---------------------------------------------------------------------------------- */
/* Bells                                                                              */
/* ---------------------------------------------------------------------------------- */

void ring_bell_wait(struct ring_bell *b, bool (*ready)(void *), void *arg, int timeout_ms)
{
    uint32_t seq = atomic_load(&b->seq);
    atomic_store(&b->waiting, 1); /* seq_cst: ordered before the check below */
    if (!ready(arg)) {
        struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
        syscall(SYS_futex, &b->seq, FUTEX_WAIT_PRIVATE, seq, &ts, NULL, 0);
    }
    atomic_store(&b->waiting, 0);
}

void ring_bell_ring(struct ring_bell *b)
{
    /* seq_cst: the caller's publication is ordered before reading 'waiting'. */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load(&b->waiting)) {
        atomic_fetch_add(&b->seq, 1);
        syscall(SYS_futex, &b->seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Producer                                                                           */
/* ---------------------------------------------------------------------------------- */

/* Bytes the producer may still write, from its own tail. */
static uint64_t ring_free_space(struct ring *r, bool refresh)
{
    if (refresh)
        r->phead_cache = atomic_load_explicit(&r->head, memory_order_acquire);
    return r->size - (r->ptail - r->phead_cache);
}

void *ring_reserve(struct ring *r, uint32_t len)
{
    if (len > ring_max_record(r))
        return NULL;
    uint64_t need = ring_rec_size(len);
    uint64_t off = r->ptail & (r->size - 1);
    uint64_t to_end = r->size - off;
    /* If the record does not fit before the end, a skip record takes the rest. */
    uint64_t total = need <= to_end ? need : to_end + need;
    if (ring_free_space(r, false) < total && ring_free_space(r, true) < total)
        return NULL;
    if (need > to_end) {
        struct ring_hdr *skip = (struct ring_hdr *)(r->buf + off);
        skip->type = RING_SKIP;
        skip->len = (uint32_t)(to_end - sizeof(*skip));
        r->ptail += to_end;
        off = 0;
    }
    return r->buf + off + sizeof(struct ring_hdr);
}

void ring_publish(struct ring *r)
{
    if (r->unpublished == 0)
        return;
    r->unpublished = 0;
    atomic_store_explicit(&r->tail, r->ptail, memory_order_release);
    if (r->ptail - atomic_load_explicit(&r->head, memory_order_relaxed) >= r->size / 8)
        ring_bell_ring(r->data_bell);
}

void ring_flush(struct ring *r)
{
    r->unpublished = 0;
    atomic_store_explicit(&r->tail, r->ptail, memory_order_release);
    ring_bell_ring(r->data_bell);
}

void ring_commit(struct ring *r, uint32_t type, uint32_t len)
{
    struct ring_hdr *h = (struct ring_hdr *)(r->buf + (r->ptail & (r->size - 1)));
    h->type = type;
    h->len = len;
    r->ptail += ring_rec_size(len);
    if (++r->unpublished >= RING_BATCH || r->ptail - r->tail > r->size / 8)
        ring_publish(r);
}

struct ring_space_arg {
    struct ring *r;
    uint64_t need;
};

static bool ring_space_ready(void *arg)
{
    struct ring_space_arg *a = arg;
    return ring_free_space(a->r, true) >= a->need;
}

bool ring_wait_space(struct ring *r, uint32_t len, int timeout_ms)
{
    /* Enough for the record plus a possible skip to the end. */
    struct ring_space_arg a = { r, 2 * ring_rec_size(len) };
    if (a.need > r->size)
        a.need = r->size;
    ring_flush(r); /* the consumer must see our data to free space */
    if (ring_space_ready(&a))
        return true;
    ring_bell_wait(r->space_bell, ring_space_ready, &a, timeout_ms);
    return ring_space_ready(&a);
}

/* ---------------------------------------------------------------------------------- */
/* Consumer                                                                           */
/* ---------------------------------------------------------------------------------- */

bool ring_has_data(struct ring *r)
{
    if (r->chead != r->ctail_cache)
        return true;
    r->ctail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
    return r->chead != r->ctail_cache;
}

const void *ring_peek(struct ring *r, uint32_t *type, uint32_t *len)
{
    for (;;) {
        if (!ring_has_data(r))
            return NULL;
        struct ring_hdr *h = (struct ring_hdr *)(r->buf + (r->chead & (r->size - 1)));
        if (h->type == RING_SKIP) {
            r->chead += sizeof(*h) + h->len;
            continue;
        }
        *type = h->type;
        *len = h->len;
        return h + 1;
    }
}

void ring_release(struct ring *r)
{
    if (r->unreleased == 0)
        return;
    r->unreleased = 0;
    atomic_store_explicit(&r->head, r->chead, memory_order_release);
    if (r->size - (atomic_load_explicit(&r->tail, memory_order_relaxed) - r->chead) >= r->size / 4)
        ring_bell_ring(r->space_bell);
}

void ring_consume(struct ring *r)
{
    struct ring_hdr *h = (struct ring_hdr *)(r->buf + (r->chead & (r->size - 1)));
    r->chead += ring_rec_size(h->len);
    if (++r->unreleased >= RING_BATCH || r->chead - r->head > r->size / 8)
        ring_release(r);
}
