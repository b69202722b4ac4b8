/* Internet checksum (RFC 1071) over packet bytes, with the IPv4 and IPv6 pseudo-headers
 * used by TCP, UDP and ICMPv6 (RFC 9293 3.1, RFC 768, RFC 8200 8.1). */
#ifndef CANH_DECODE_CHECKSUM_H
#define CANH_DECODE_CHECKSUM_H

#include <stdint.h>
#include <string.h>

/* Adds 'len' bytes to a running 64-bit one's-complement accumulator. The bytes are
 * summed as big-endian 16-bit words; a trailing odd byte is padded with zero. */
static inline uint64_t csum_add(uint64_t sum, const uint8_t *p, uint32_t len)
{
    /* Sum 32-bit words in host order: one's-complement addition is byte-order
     * independent as long as the fold below swaps back (RFC 1071 2.B). */
    while (len >= 8) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + 4, 4);
        sum += (uint64_t)a + b;
        p += 8;
        len -= 8;
    }
    if (len >= 4) {
        uint32_t a;
        memcpy(&a, p, 4);
        sum += a;
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t a;
        memcpy(&a, p, 2);
        sum += a;
        p += 2;
        len -= 2;
    }
    if (len == 1) {
        uint16_t a = 0;
        memcpy(&a, p, 1); /* the byte is the high-order byte of a zero-padded word */
        sum += a;
    }
    return sum;
}

/* Folds the accumulator to 16 bits and complements it; the result is in host order of
 * the summed words, so comparing it with 0 (valid) is all a verifier needs. */
static inline uint16_t csum_fold(uint64_t sum)
{
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Pseudo-header sums. 'l4len' and 'proto' are in host order. */
static inline uint64_t csum_pseudo_ipv4(const uint8_t *src, const uint8_t *dst, uint8_t proto,
                                        uint32_t l4len)
{
    uint8_t ph[12];
    memcpy(ph, src, 4);
    memcpy(ph + 4, dst, 4);
    ph[8] = 0;
    ph[9] = proto;
    ph[10] = (uint8_t)(l4len >> 8);
    ph[11] = (uint8_t)l4len;
    return csum_add(0, ph, sizeof(ph));
}

static inline uint64_t csum_pseudo_ipv6(const uint8_t *src, const uint8_t *dst, uint8_t proto,
                                        uint32_t l4len)
{
    uint8_t ph[40];
    memcpy(ph, src, 16);
    memcpy(ph + 16, dst, 16);
    ph[32] = (uint8_t)(l4len >> 24);
    ph[33] = (uint8_t)(l4len >> 16);
    ph[34] = (uint8_t)(l4len >> 8);
    ph[35] = (uint8_t)l4len;
    ph[36] = ph[37] = ph[38] = 0;
    ph[39] = proto;
    return csum_add(0, ph, sizeof(ph));
}

/* Computes the checksum field for a buffer whose checksum field is zero (used when
 * building packets, e.g. the header of a reassembled IPv4 datagram). The value is in
 * memory order: store it with memcpy, not with a byte swap. */
static inline uint16_t csum_compute(const uint8_t *p, uint32_t len)
{
    return csum_fold(csum_add(0, p, len));
}

#endif
