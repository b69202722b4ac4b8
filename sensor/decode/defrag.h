/* IPv4 and IPv6 fragment reassembly. Spec: RFC 791 section 3.2 (IPv4), RFC 8200
 * section 4.5 (IPv6), RFC 5722 (overlapping IPv6 fragments are an attack), and
 * Novak, "Target-Based Fragmentation Reassembly" (2005) for the overlap policies.
 *
 * One struct defrag per worker (no locking). Fragments are copied and held per datagram
 * (tracker) until the datagram is complete, its timeout passes, or memory runs short.
 * Memory is bounded by 'memcap' (fragment data and trackers) and by 'max_trackers';
 * when either is reached the oldest datagram is discarded and counted. */
#ifndef CANH_DEFRAG_H
#define CANH_DEFRAG_H

#include <stdint.h>

#include "decode.h"

struct defrag_conf {
    uint64_t memcap;
    uint64_t timeout_us;
    uint32_t max_frags;    /* per datagram */
    uint32_t max_trackers; /* datagrams held at once */
    int policy;            /* enum conf_defrag_policy */
};

struct defrag_stats {
    uint64_t fragments;     /* fragments handled (IPv4 and IPv6) */
    uint64_t reassembled;   /* datagrams completed */
    uint64_t timeouts;      /* datagrams discarded incomplete after the timeout */
    uint64_t memcap_evicted;/* datagrams discarded to stay within memcap or tracker cap */
    uint64_t memcap_drops;  /* fragments dropped because even eviction left no room */
    uint64_t too_many;      /* datagrams discarded for exceeding max_frags */
    uint64_t overlaps;      /* fragments that overlapped data already held */
    uint64_t ignored;       /* fragments of a datagram already reassembled */
    uint64_t memuse;        /* current bytes held */
    uint64_t trackers;      /* current datagrams held */
};

/* Returns NULL with the reason in errbuf if memory cannot be had. */
struct defrag *defrag_new(const struct defrag_conf *conf, char errbuf[CANH_ERRBUF_SIZE]);
void defrag_free(struct defrag *d);
const struct defrag_stats *defrag_stats(const struct defrag *d);

/* Adds an IPv4 fragment: 'ip' is the IPv4 header, 'hlen' its length and 'ip_len' the
 * datagram's total length (the bytes must all be captured). Returns CANH_OK with *out and
 * *out_len set to the reassembled datagram (header with MF and offset cleared and a new
 * checksum; valid until the next call on 'd'), CANH_AGAIN when more fragments are needed,
 * or CANH_ERR after setting a decoder event on 'p' (the fragment was discarded). */
int defrag_ipv4(struct defrag *d, struct decode_thread *dt, struct packet *p, const uint8_t *ip,
                uint32_t hlen, uint32_t ip_len, const uint8_t **out, uint32_t *out_len);

/* Adds an IPv6 fragment: 'ip' is the IPv6 header; the fragment header is at 'fh_off'
 * and 'nh_off' is the offset of the Next Header byte that names it (6 for the fixed
 * header); 'ip_len' is 40 + the payload length. The reassembled datagram has the
 * fragment header removed and that Next Header byte set to the fragment's. Returns as
 * defrag_ipv4(). */
int defrag_ipv6(struct defrag *d, struct decode_thread *dt, struct packet *p, const uint8_t *ip,
                uint32_t nh_off, uint32_t fh_off, uint32_t ip_len, const uint8_t **out,
                uint32_t *out_len);

/* Discards the datagrams whose first fragment is older than the timeout at 'now_us' (the
 * reassembly timer starts with the first fragment and later ones do not extend it). */
void defrag_timeout(struct defrag *d, uint64_t now_us);

#endif
