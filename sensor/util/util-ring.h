/* Single-producer, single-consumer ring of variable-length records, without locks.
 *
 * Used between the file reader and each worker (packets) and between each worker and
 * the output thread (events). Records are 8-byte aligned and never wrap: when a record
 * does not fit before the end of the buffer, a skip record fills the rest.
 * Positions are published in batches (every RING_BATCH records, or on ring_publish /
 * ring_release) to keep the two threads off each other's cache lines.
 *
 * Waiting uses futexes on a "bell", rung only when the other side said it is waiting,
 * and with hysteresis so that a fast consumer is not woken for every batch: the producer
 * rings the consumer's bell when at least 1/8 of the ring is waiting to be read (or on
 * ring_flush), the consumer rings the producer's bell when at least 1/4 of the ring is
 * free. Several rings may share one consumer bell (the output thread waits for any
 * worker's events). Waits take a timeout, so nothing waits longer than that even
 * without a bell, and stop flags are seen. */
#ifndef CANH_UTIL_RING_H
#define CANH_UTIL_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define RING_BATCH 32 /* records per publication; bounds the added latency, not the memory */

struct ring_bell {
    _Atomic uint32_t seq;
    _Atomic uint32_t waiting;
};

struct ring {
    uint8_t *buf;
    uint64_t size; /* power of two */

    /* Written by the producer. */
    _Alignas(64) _Atomic uint64_t tail; /* published end of data */
    uint64_t ptail;        /* producer's own end of data, >= tail */
    uint64_t phead_cache;  /* last head the producer read */
    uint32_t unpublished;

    /* Written by the consumer. */
    _Alignas(64) _Atomic uint64_t head; /* released start of data */
    uint64_t chead;        /* consumer's own start of data, >= head */
    uint64_t ctail_cache;  /* last tail the consumer read */
    uint32_t unreleased;

    _Alignas(64) struct ring_bell own_data_bell, own_space_bell;
    struct ring_bell *data_bell;  /* consumer waits here for data */
    struct ring_bell *space_bell; /* producer waits here for space */
};

/* Creates a ring of at least 'size' bytes. 'data_bell' may be shared between rings of
 * one consumer; NULL uses the ring's own. Returns NULL if memory cannot be had. */
struct ring *ring_new(uint64_t size, struct ring_bell *data_bell);
void ring_free(struct ring *r);

/* Largest record payload the ring accepts. */
uint32_t ring_max_record(const struct ring *r);

/* Producer. ring_reserve returns space for a 'len'-byte record, or NULL if the ring is
 * full right now (or len exceeds ring_max_record). ring_commit makes the reserved
 * record part of the data; the consumer sees it after the next publication. */
void *ring_reserve(struct ring *r, uint32_t len);
void ring_commit(struct ring *r, uint32_t type, uint32_t len);
/* Makes the committed records visible; rings the consumer if enough is waiting. */
void ring_publish(struct ring *r);
/* Makes the committed records visible and rings the consumer if it waits. */
void ring_flush(struct ring *r);
/* Waits until a 'len'-byte record fits or timeout_ms passes. True if it fits. */
bool ring_wait_space(struct ring *r, uint32_t len, int timeout_ms);

/* Consumer. ring_peek returns the next record (its type and length through the
 * pointers), or NULL when no published record is waiting. ring_consume moves past it;
 * the producer sees the space after the next release. */
const void *ring_peek(struct ring *r, uint32_t *type, uint32_t *len);
void ring_consume(struct ring *r);
void ring_release(struct ring *r);
/* True if a published record is waiting (does not block). */
bool ring_has_data(struct ring *r);

/* Waits on a bell until its sequence moves from 'seen' or timeout_ms passes; 'ready' is
 * checked after announcing the wait, so a wake-up between the check and the sleep is
 * not lost. */
void ring_bell_wait(struct ring_bell *b, bool (*ready)(void *), void *arg, int timeout_ms);
void ring_bell_ring(struct ring_bell *b);

#endif
