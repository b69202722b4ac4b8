/* Bounds-checked reader over packet bytes.
 *
 * Every read of packet bytes in the decoders goes through a cursor: each accessor either
 * reads within [data, data+len) and advances, or returns false and leaves the cursor
 * where it was. A decoder that gets false sets a decoder event and stops; it never reads
 * past the end. Multi-byte reads are big-endian (network order) unless named _le. */
#ifndef CANH_UTIL_CURSOR_H
#define CANH_UTIL_CURSOR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct cursor {
    const uint8_t *data; /* first byte of the region (not owned) */
    uint32_t len;        /* bytes in the region */
    uint32_t off;        /* next byte to read, 0 <= off <= len */
};

static inline void cursor_init(struct cursor *c, const uint8_t *data, uint32_t len)
{
    c->data = data;
    c->len = len;
    c->off = 0;
}

static inline uint32_t cursor_left(const struct cursor *c)
{
    return c->len - c->off;
}

/* Pointer to the next byte; valid for cursor_left() bytes. */
static inline const uint8_t *cursor_ptr(const struct cursor *c)
{
    return c->data + c->off;
}

static inline bool cursor_has(const struct cursor *c, uint32_t n)
{
    return n <= c->len - c->off;
}

static inline bool cursor_skip(struct cursor *c, uint32_t n)
{
    if (!cursor_has(c, n))
        return false;
    c->off += n;
    return true;
}

static inline bool cursor_u8(struct cursor *c, uint8_t *v)
{
    if (!cursor_has(c, 1))
        return false;
    *v = c->data[c->off++];
    return true;
}

static inline bool cursor_be16(struct cursor *c, uint16_t *v)
{
    if (!cursor_has(c, 2))
        return false;
    const uint8_t *p = c->data + c->off;
    *v = (uint16_t)(p[0] << 8 | p[1]);
    c->off += 2;
    return true;
}

static inline bool cursor_be32(struct cursor *c, uint32_t *v)
{
    if (!cursor_has(c, 4))
        return false;
    const uint8_t *p = c->data + c->off;
    *v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    c->off += 4;
    return true;
}

static inline bool cursor_le32(struct cursor *c, uint32_t *v)
{
    if (!cursor_has(c, 4))
        return false;
    const uint8_t *p = c->data + c->off;
    *v = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
    c->off += 4;
    return true;
}

static inline bool cursor_bytes(struct cursor *c, void *dst, uint32_t n)
{
    if (!cursor_has(c, n))
        return false;
    memcpy(dst, c->data + c->off, n);
    c->off += n;
    return true;
}

/* Peeks without advancing. */
static inline bool cursor_peek_u8(const struct cursor *c, uint32_t at, uint8_t *v)
{
    if (at >= cursor_left(c))
        return false;
    *v = c->data[c->off + at];
    return true;
}

static inline bool cursor_peek_be16(const struct cursor *c, uint32_t at, uint16_t *v)
{
    if (cursor_left(c) < 2 || at > cursor_left(c) - 2)
        return false;
    const uint8_t *p = c->data + c->off + at;
    *v = (uint16_t)(p[0] << 8 | p[1]);
    return true;
}

/* A sub-cursor over the next n bytes; the parent advances past them. */
static inline bool cursor_sub(struct cursor *c, uint32_t n, struct cursor *sub)
{
    if (!cursor_has(c, n))
        return false;
    cursor_init(sub, c->data + c->off, n);
    c->off += n;
    return true;
}

#endif
