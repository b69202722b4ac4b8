/* Canh sensor: definitions shared by every stage.
 *
 * One result code type for the whole sensor ("need more data" is not an error),
 * the size of error buffers, and small compiler helpers. */
#ifndef CANH_UTIL_COMMON_H
#define CANH_UTIL_COMMON_H

#include <stddef.h>
#include <stdint.h>

enum canh_rc {
    CANH_OK = 0,
    CANH_ERR = -1,    /* malformed input or failed operation; the caller has the reason */
    CANH_AGAIN = -2,  /* need more data / nothing to do yet; not an error */
    CANH_ENOMEM = -3, /* an allocation failed */
    CANH_ELIMIT = -4, /* a configured cap (memcap, depth, count) was reached */
};

/* Size of the 'errbuf' taken by constructors that can fail for a reason the user must
 * read (as libpcap's PCAP_ERRBUF_SIZE). */
#define CANH_ERRBUF_SIZE 256

#define CANH_VERSION "0.1.0"

/* Version of the event schema written in every event's "schema_version". Bumped when a
 * field changes meaning or type; adding a field does not bump it. */
#define CANH_SCHEMA_VERSION 1

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Counters: each is written by one thread only (its owner) and read by the stats writer,
 * so a relaxed store of the owner's new value is enough (no read-modify-write). */
#define STAT_ADD(field, n) __atomic_store_n(&(field), (field) + (n), __ATOMIC_RELAXED)
#define STAT_INC(field) STAT_ADD(field, 1)
#define STAT_SET(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)
#define STAT_GET(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

#if defined(__GNUC__)
#define CANH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CANH_PRINTF(f, a)
#endif

#endif
