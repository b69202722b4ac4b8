/* Streaming JSON writer. See util-json.h. */
#include "util-json.h"

#include <stdio.h>
#include <string.h>

void json_init(struct json *j, char *buf, size_t cap)
{
    j->buf = buf;
    j->len = 0;
    j->cap = cap;
    j->overflow = cap < 2;
    j->depth = 0;
    j->first[0] = true;
    if (cap > 0)
        buf[0] = '\0';
}

/* Keeps one byte for the final NUL (and json_finish's newline). */
static inline bool json_room(struct json *j, size_t n)
{
    if (j->overflow || n + 2 > j->cap - j->len) {
        j->overflow = true;
        return false;
    }
    return true;
}

static inline void json_put(struct json *j, const char *s, size_t n)
{
    if (!json_room(j, n))
        return;
    memcpy(j->buf + j->len, s, n);
    j->len += n;
}

static inline void json_putc(struct json *j, char c)
{
    if (!json_room(j, 1))
        return;
    j->buf[j->len++] = c;
}

/* Writes the separator and the quoted key, if any. */
static inline void json_member(struct json *j, const char *key, size_t klen)
{
    if (!json_room(j, klen + 4))
        return;
    char *o = j->buf + j->len;
    if (!j->first[j->depth])
        *o++ = ',';
    j->first[j->depth] = false;
    if (key != NULL) {
        *o++ = '"';
        memcpy(o, key, klen);
        o += klen;
        *o++ = '"';
        *o++ = ':';
    }
    j->len = (size_t)(o - j->buf);
}

static void json_open(struct json *j, const char *key, size_t klen, char c)
{
    json_member(j, key, klen);
    json_putc(j, c);
    if (j->depth + 1 >= JSON_MAX_DEPTH) {
        j->overflow = true;
        return;
    }
    j->depth++;
    j->first[j->depth] = true;
}

static void json_close(struct json *j, char c)
{
    if (j->depth > 0)
        j->depth--;
    json_putc(j, c);
}

void json_object_open_k(struct json *j, const char *key, size_t klen)
{
    json_open(j, key, klen, '{');
}

void json_object_close(struct json *j)
{
    json_close(j, '}');
}

void json_array_open_k(struct json *j, const char *key, size_t klen)
{
    json_open(j, key, klen, '[');
}

void json_array_close(struct json *j)
{
    json_close(j, ']');
}

/* Length of the valid UTF-8 sequence starting at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 if the bytes there are not one. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (n >= 2 && (s[1] & 0xc0) == 0x80) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if (c == 0xe0 && s[1] < 0xa0)
            return 0; /* overlong */
        if (c == 0xed && s[1] >= 0xa0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if (c == 0xf0 && s[1] < 0x90)
            return 0; /* overlong */
        if (c == 0xf4 && s[1] >= 0x90)
            return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

/* True if none of the 8 bytes needs escaping: all within 0x20-0x7e and none is '"' or
 * '\\'. Bit tricks from "Bit Twiddling Hacks" (determine if a word has a byte less
 * than / greater than n / equal to n). */
static inline bool json_plain8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t lt_space = (x - ones * 0x20) & ~x & high;
    uint64_t gt_tilde = ((x + ones * (127 - 0x7e)) | x) & high;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t quote = (q - ones) & ~q & high;
    uint64_t bslash = (b - ones) & ~b & high;
    return (lt_space | gt_tilde | quote | bslash) == 0;
}

static inline bool json_plain1(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void json_escaped(struct json *j, const char *str, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    if (n > JSON_STRING_MAX)
        n = JSON_STRING_MAX;
    json_putc(j, '"');
    size_t i = 0;
    while (i < n && !j->overflow) {
        /* Copy the longest run of bytes that need no escaping in one go. */
        size_t run = i;
        uint64_t w;
        while (run + 8 <= n && (memcpy(&w, s + run, 8), json_plain8(w)))
            run += 8;
        while (run < n && json_plain1(s[run]))
            run++;
        if (run > i) {
            json_put(j, (const char *)s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = s[i];
        char esc[6];
        switch (c) {
        case '"': json_put(j, "\\\"", 2); i++; continue;
        case '\\': json_put(j, "\\\\", 2); i++; continue;
        case '\n': json_put(j, "\\n", 2); i++; continue;
        case '\r': json_put(j, "\\r", 2); i++; continue;
        case '\t': json_put(j, "\\t", 2); i++; continue;
        default: break;
        }
        size_t sl = c >= 0x80 ? utf8_seq_len(s + i, n - i) : 0;
        if (sl > 0) {
            json_put(j, (const char *)s + i, sl);
            i += sl;
            continue;
        }
        esc[0] = '\\';
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        json_put(j, esc, 6);
        i++;
    }
    json_putc(j, '"');
}

void json_plain_k(struct json *j, const char *key, size_t klen, const char *s, size_t n)
{
    json_member(j, key, klen);
    if (!json_room(j, n + 2))
        return;
    char *o = j->buf + j->len;
    *o++ = '"';
    memcpy(o, s, n);
    o[n] = '"';
    j->len += n + 2;
}

void json_stringn_k(struct json *j, const char *key, size_t klen, const char *s, size_t n)
{
    json_member(j, key, klen);
    json_escaped(j, s, n);
}

void json_u64_k(struct json *j, const char *key, size_t klen, uint64_t v)
{
    /* Two digits per division (flow ids have 16 digits). */
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                   "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                   "8081828384858687888990919293949596979899";
    char tmp[24];
    char *p = tmp + sizeof(tmp);
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        p[0] = pairs[2 * d];
        p[1] = pairs[2 * d + 1];
    }
    if (v >= 10) {
        p -= 2;
        p[0] = pairs[2 * v];
        p[1] = pairs[2 * v + 1];
    } else {
        *--p = (char)('0' + v);
    }
    json_member(j, key, klen);
    json_put(j, p, (size_t)(tmp + sizeof(tmp) - p));
}

void json_i64_k(struct json *j, const char *key, size_t klen, int64_t v)
{
    if (v >= 0) {
        json_u64_k(j, key, klen, (uint64_t)v);
        return;
    }
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
    json_member(j, key, klen);
    json_put(j, tmp, (size_t)n);
}

void json_bool_k(struct json *j, const char *key, size_t klen, bool v)
{
    json_member(j, key, klen);
    if (v)
        json_put(j, "true", 4);
    else
        json_put(j, "false", 5);
}

void json_double_k(struct json *j, const char *key, size_t klen, double v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%.6g", v);
    json_member(j, key, klen);
    /* JSON has no NaN or infinity. */
    if (n <= 0 || tmp[0] == 'n' || tmp[0] == 'i' || tmp[1] == 'i' || tmp[1] == 'n')
        json_put(j, "null", 4);
    else
        json_put(j, tmp, (size_t)n);
}

void json_raw_k(struct json *j, const char *key, size_t klen, const char *raw, size_t n)
{
    json_member(j, key, klen);
    json_put(j, raw, n);
}

void json_md(struct json *j, const char *key, const char *v, size_t n)
{
    json_array_open_k(j, key, strlen(key));
    json_stringn_k(j, NULL, 0, v, n);
    json_array_close(j);
}

bool json_cstr(struct json *j)
{
    if (j->overflow)
        return false;
    j->buf[j->len] = '\0';
    return true;
}

bool json_finish(struct json *j)
{
    if (j->overflow)
        return false;
    j->buf[j->len++] = '\n'; /* json_room kept space for it and the NUL */
    j->buf[j->len] = '\0';
    return true;
}
