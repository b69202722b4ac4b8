/* Hash mixing shared by the flow table and the packet dispatcher. */
#ifndef CANH_UTIL_HASH_H
#define CANH_UTIL_HASH_H

#include <stdint.h>

/* Finaliser of splitmix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number
 * generators", 2014): every input bit affects every output bit. */
static inline uint64_t hash_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

#endif
