/* Single-pattern search. See detect-spm.h. */
#include "detect/detect-spm.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* AVX2 is chosen at run time (spm_new), the rest of the sensor being built for the
 * baseline x86-64. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__) && !defined(SPM_NO_AVX2)
#define SPM_HAVE_AVX2 1
#include <immintrin.h>
#else
#define SPM_HAVE_AVX2 0
#endif

enum spm_kind {
    SPM_EMPTY,   /* found at the window's start */
    SPM_MEMCHR,  /* one byte that has no other case */
    SPM_FILTER,  /* two-byte filter, then a full compare */
};

struct spm;
typedef int64_t (*spm_filter_fn)(const struct spm *s, const uint8_t *p, uint32_t npos);

struct spm {
    spm_filter_fn filter; /* for SPM_FILTER: the loop for the case mode and the CPU */
    uint32_t len;
    uint16_t i1, i2;  /* filter positions in the pattern */
    uint8_t kind;     /* enum spm_kind */
    bool nocase;
    uint8_t c1[2];    /* byte at i1: as given and its other case (the same if none) */
    uint8_t c2[2];    /* byte at i2, likewise */
    uint16_t *fail;   /* SPM_FILTER: KMP table, fail[k] = longest proper border of
                         pat[0..k]; it lives in the same allocation, after 'pat' */
    uint8_t pat[];    /* 'len' bytes, lowercased when nocase */
};

/* Full compares the filter search may spend, in pattern bytes: SPM_BUDGET_START plus
 * SPM_BUDGET_PER_POS per position scanned (each compare is counted as the whole
 * pattern). Past that, the search goes on with a linear-time algorithm (glibc's two-way
 * memmem, or Knuth-Morris-Pratt for nocase), so that data crafted against a periodic
 * pattern (a NOP sled, "AAAA...") costs a bounded amount per byte, not per byte times
 * the pattern's length. */
#define SPM_BUDGET_START 256
#define SPM_BUDGET_PER_POS 4

/* The KMP table follows the pattern, padded to an even length. */
_Static_assert(offsetof(struct spm, pat) % _Alignof(uint16_t) == 0, "spm table alignment");

/* Rank of each byte value by its frequency in network payloads, 255 the most frequent
 * (NUL, 0x01, 'e', '0', ' ', ...) and 0 the rarest. Counted once over the payload bytes
 * of nDPI's 248 test captures (25.8 MB; ~200 protocols, clear text and encrypted); only
 * the order matters, to pick filter bytes that rarely occur. */
static const uint8_t spm_byte_rank[256] = {
    255, 254, 248, 245, 227, 212, 218, 165, 234, 193, 243, 192, 187, 209, 132, 159,
    185, 148, 128, 172, 176, 136, 143, 191, 146, 138,  98,  83, 120, 145, 118, 100,
    251, 109, 217, 116, 174, 154,  92, 140, 162, 135, 151, 150, 180, 225, 236, 207,
    252, 250, 242, 232, 230, 229, 226, 228, 219, 223, 224, 114, 131, 189, 144, 152,
    197, 205, 181, 210, 196, 221, 198, 149, 170, 177,  80, 126, 147, 203, 200, 137,
    201, 133, 153, 190, 208, 211, 134, 155, 123, 117, 108,  44,  90,  93,  82, 164,
    107, 249, 222, 240, 235, 253, 233, 214, 206, 239, 195, 179, 216, 220, 237, 241,
    231, 139, 238, 244, 247, 213, 188, 184, 202, 199, 163, 102,  94, 141,  75,  67,
    161, 115, 171, 142, 124, 129, 160,  14,  72, 156, 130, 204, 175, 183,  38,  30,
    167,   9,   4,  28,  47,  48,  91, 104,  79,  16,  63,   0, 178,  89,  43,  68,
    103,  54,   6,  33,   5,  95,  34, 101,  57,  71, 215,  21,  70, 168,   8,  65,
     78,   1,  26,   7, 125,  39,  19,  46, 186,  40,  35, 127,  18,  29,  87,  11,
    194,  76,  97,  88,  55,  36,  62,  86,  13, 169,  42,  22, 182,  17, 166,   3,
     69,  41,  66,   2,  53,  32,  27,  37, 111,  23, 106,  45,  15,  60,  58,  74,
     81,  56,  31,  12,  50, 110,  25,  52, 158,  77, 173,  85, 113,  51,  73,  20,
    105,  84,  64, 157,  59,  10,  96,  99, 119,  24,  61, 122, 112,  49, 121, 246,
};

static spm_filter_fn spm_pick_filter(bool nocase);

static inline uint8_t spm_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
}

static inline uint8_t spm_upper(uint8_t c)
{
    return (c >= 'a' && c <= 'z') ? (uint8_t)(c & ~0x20) : c;
}

/* How common byte 'c' is; for nocase, as common as its more common case. */
static unsigned spm_rank(uint8_t c, bool nocase)
{
    unsigned r = spm_byte_rank[c];
    if (nocase) {
        unsigned u = spm_byte_rank[spm_upper(c)];
        if (u > r)
            r = u;
    }
    return r;
}

struct spm *spm_new(const uint8_t *pat, uint32_t len, bool nocase)
{
    if (len > SPM_PATTERN_MAX)
        return NULL;
    /* the KMP table after the pattern, 2-aligned */
    size_t tab = ((size_t)len + 1u) & ~(size_t)1u;
    struct spm *s = calloc(1, sizeof(*s) + tab + (size_t)len * sizeof(uint16_t));
    if (s == NULL)
        return NULL;
    /* A nocase pattern without letters is an exact one. */
    if (nocase) {
        bool letters = false;
        for (uint32_t i = 0; i < len && !letters; i++)
            letters = spm_lower(pat[i]) != spm_upper(pat[i]);
        nocase = letters;
    }
    s->len = len;
    s->nocase = nocase;
    for (uint32_t i = 0; i < len; i++)
        s->pat[i] = nocase ? spm_lower(pat[i]) : pat[i];
    if (len == 0) {
        s->kind = SPM_EMPTY;
        return s;
    }
    if (len == 1 && !nocase) {
        s->kind = SPM_MEMCHR;
        return s;
    }
    s->kind = SPM_FILTER;
    s->filter = spm_pick_filter(nocase);
    s->fail = (uint16_t *)(void *)(s->pat + tab);
    s->fail[0] = 0;
    for (uint32_t k = 1, b = 0; k < len; k++) {
        while (b > 0 && s->pat[k] != s->pat[b])
            b = s->fail[b - 1u];
        if (s->pat[k] == s->pat[b])
            b++;
        s->fail[k] = (uint16_t)b;
    }
    /* i1: the rarest byte (the first of equals); i2: the rarest byte of another value,
     * or, when every byte is the same, the other end. */
    uint32_t i1 = 0;
    for (uint32_t i = 1; i < len; i++)
        if (spm_rank(s->pat[i], nocase) < spm_rank(s->pat[i1], nocase))
            i1 = i;
    uint32_t i2 = UINT32_MAX;
    for (uint32_t i = 0; i < len; i++)
        if (s->pat[i] != s->pat[i1] &&
            (i2 == UINT32_MAX || spm_rank(s->pat[i], nocase) < spm_rank(s->pat[i2], nocase)))
            i2 = i;
    if (i2 == UINT32_MAX)
        i2 = i1 == 0 ? len - 1 : 0;
    s->i1 = (uint16_t)i1;
    s->i2 = (uint16_t)i2;
    s->c1[0] = s->pat[i1];
    s->c2[0] = s->pat[i2];
    s->c1[1] = nocase ? spm_upper(s->pat[i1]) : s->pat[i1];
    s->c2[1] = nocase ? spm_upper(s->pat[i2]) : s->pat[i2];
    return s;
}

void spm_free(struct spm *s)
{
    free(s);
}

uint32_t spm_len(const struct spm *s)
{
    return s->len;
}

size_t spm_memuse(const struct spm *s)
{
    if (s == NULL)
        return 0;
    return sizeof(*s) + (((size_t)s->len + 1u) & ~(size_t)1u) + (size_t)s->len * sizeof(uint16_t);
}

/* Are the 'len' bytes at 'a' equal to the lowercased 'lp', folding 'a' to lowercase? */
static inline bool spm_eq_nocase(const uint8_t *a, const uint8_t *lp, uint32_t len)
{
    uint32_t i = 0;
#if defined(__SSE2__)
    const __m128i below_a = _mm_set1_epi8('A' - 1), above_z = _mm_set1_epi8('Z' + 1);
    const __m128i bit = _mm_set1_epi8(0x20);
    for (; i + 16 <= len; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(a + i));
        /* signed compares: bytes >= 0x80 are negative, so never in 'A'..'Z' */
        __m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, below_a), _mm_cmplt_epi8(x, above_z));
        x = _mm_or_si128(x, _mm_and_si128(up, bit));
        __m128i y = _mm_loadu_si128((const __m128i *)(lp + i));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) != 0xffff)
            return false;
    }
#endif
    for (; i < len; i++)
        if (spm_lower(a[i]) != lp[i])
            return false;
    return true;
}

static inline bool spm_verify(const struct spm *s, const uint8_t *q, bool nocase)
{
    return nocase ? spm_eq_nocase(q, s->pat, s->len) : memcmp(q, s->pat, s->len) == 0;
}

/* Knuth-Morris-Pratt from position 'from': the first position in [from, npos) where the
 * pattern starts, or -1. Linear: at most 2 (npos + len - from) steps. */
static int64_t spm_kmp(const struct spm *s, const uint8_t *p, uint32_t from, uint32_t npos,
                       bool nocase)
{
    const uint32_t len = s->len, n = npos + len - 1u;
    uint32_t k = 0;
    for (uint32_t j = from; j < n; j++) {
        uint8_t c = nocase ? spm_lower(p[j]) : p[j];
        while (k > 0 && c != s->pat[k])
            k = s->fail[k - 1u];
        if (c == s->pat[k] && ++k == len)
            return (int64_t)j + 1 - len;
    }
    return -1;
}

/* The linear search from position 'from' once the filter's budget ran out: glibc's
 * memmem (two-way) for an exact pattern, KMP for a nocase one. Returns the position, or
 * SPM_NONE: no position is left to try. */
#define SPM_NONE (-2)
static int64_t spm_linear(const struct spm *s, const uint8_t *p, uint32_t from, uint32_t npos,
                          bool nocase)
{
    int64_t r;
    if (nocase) {
        r = spm_kmp(s, p, from, npos, true);
    } else {
        const uint8_t *q = memmem(p + from, npos + s->len - 1u - from, s->pat, s->len);
        r = q != NULL ? q - p : -1;
    }
    return r >= 0 ? r : SPM_NONE;
}

/* The scalar filter over positions [i, npos). */
static inline __attribute__((always_inline)) int64_t
spm_filter_tail(const struct spm *s, const uint8_t *p, uint32_t i, uint32_t npos, bool nocase)
{
    int64_t budget = SPM_BUDGET_START;
    for (; i < npos; i++) {
        uint8_t x = p[i + s->i1], y = p[i + s->i2];
        budget += SPM_BUDGET_PER_POS;
        if ((x == s->c1[0] || (nocase && x == s->c1[1])) &&
            (y == s->c2[0] || (nocase && y == s->c2[1]))) {
            if ((budget -= s->len) < 0) {
                int64_t r = spm_linear(s, p, i, npos, nocase);
                return r >= 0 ? r : -1;
            }
            if (spm_verify(s, p + i, nocase))
                return i;
        }
    }
    return -1;
}

/* Checks the candidates in 'mask' (bit k: position at + k) in order, each compare
 * charged to '*budget'. Returns the position found, -1 (none of these), or, when the
 * budget ran out, spm_linear()'s answer from the first candidate not checked. */
static inline __attribute__((always_inline)) int64_t
spm_check_mask(const struct spm *s, const uint8_t *p, uint32_t at, uint32_t mask,
               uint32_t npos, int64_t *budget, bool nocase)
{
    while (mask != 0) {
        uint32_t k = at + (uint32_t)__builtin_ctz(mask);
        if ((*budget -= s->len) < 0)
            return spm_linear(s, p, k, npos, nocase);
        if (spm_verify(s, p + k, nocase))
            return k;
        mask &= mask - 1u;
    }
    return -1;
}

/* First position in [0, npos) where the pattern starts in 'p' (which holds npos + len - 1
 * bytes), or -1. Every vector load covers positions [at, at + width) of the filter bytes,
 * so it reaches at most p + npos - 1 + max(i1, i2) <= p + npos + len - 2: in bounds.
 * The last, partial block is loaded overlapping the one before, its bits for positions
 * already seen cleared. Inlined once per case mode. */
#if defined(__SSE2__)
static inline __attribute__((always_inline)) uint32_t
spm_mask16(const struct spm *s, const uint8_t *p, uint32_t at, bool nocase)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(p + at + s->i1));
    __m128i y = _mm_loadu_si128((const __m128i *)(p + at + s->i2));
    __m128i mx = _mm_cmpeq_epi8(x, _mm_set1_epi8((char)s->c1[0]));
    __m128i my = _mm_cmpeq_epi8(y, _mm_set1_epi8((char)s->c2[0]));
    if (nocase) {
        mx = _mm_or_si128(mx, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)s->c1[1])));
        my = _mm_or_si128(my, _mm_cmpeq_epi8(y, _mm_set1_epi8((char)s->c2[1])));
    }
    return (uint32_t)_mm_movemask_epi8(_mm_and_si128(mx, my));
}
#endif

static inline __attribute__((always_inline)) int64_t
spm_filter(const struct spm *s, const uint8_t *p, uint32_t npos, bool nocase)
{
#if defined(__SSE2__)
    if (npos >= 16) {
        uint32_t i = 0;
        int64_t r, budget = SPM_BUDGET_START;
        for (; i + 16 <= npos; i += 16) {
            budget += 16 * SPM_BUDGET_PER_POS;
            uint32_t mask = spm_mask16(s, p, i, nocase);
            if (mask != 0 && (r = spm_check_mask(s, p, i, mask, npos, &budget, nocase)) != -1)
                return r >= 0 ? r : -1;
        }
        if (i == npos)
            return -1;
        uint32_t at = npos - 16;
        uint32_t mask = spm_mask16(s, p, at, nocase) & ~((1u << (i - at)) - 1u);
        budget += 16 * SPM_BUDGET_PER_POS;
        r = spm_check_mask(s, p, at, mask, npos, &budget, nocase);
        return r >= 0 ? r : -1;
    }
#endif
    return spm_filter_tail(s, p, 0, npos, nocase);
}

static int64_t spm_filter_case(const struct spm *s, const uint8_t *p, uint32_t npos)
{
    return spm_filter(s, p, npos, false);
}

static int64_t spm_filter_nocase(const struct spm *s, const uint8_t *p, uint32_t npos)
{
    return spm_filter(s, p, npos, true);
}

#if SPM_HAVE_AVX2
/* The same with 32 positions per block, for windows of at least 32 positions. */
static inline __attribute__((always_inline, target("avx2"))) uint32_t
spm_mask32(const struct spm *s, const uint8_t *p, uint32_t at, bool nocase)
{
    __m256i x = _mm256_loadu_si256((const __m256i *)(p + at + s->i1));
    __m256i y = _mm256_loadu_si256((const __m256i *)(p + at + s->i2));
    __m256i mx = _mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)s->c1[0]));
    __m256i my = _mm256_cmpeq_epi8(y, _mm256_set1_epi8((char)s->c2[0]));
    if (nocase) {
        mx = _mm256_or_si256(mx, _mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)s->c1[1])));
        my = _mm256_or_si256(my, _mm256_cmpeq_epi8(y, _mm256_set1_epi8((char)s->c2[1])));
    }
    return (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(mx, my));
}

static inline __attribute__((always_inline, target("avx2"))) int64_t
spm_filter_wide(const struct spm *s, const uint8_t *p, uint32_t npos, bool nocase)
{
    uint32_t i = 0;
    int64_t r, budget = SPM_BUDGET_START;
    for (; i + 32 <= npos; i += 32) {
        budget += 32 * SPM_BUDGET_PER_POS;
        uint32_t mask = spm_mask32(s, p, i, nocase);
        if (mask != 0 && (r = spm_check_mask(s, p, i, mask, npos, &budget, nocase)) != -1)
            return r >= 0 ? r : -1;
    }
    if (i == npos)
        return -1;
    uint32_t at = npos - 32;
    uint32_t mask = spm_mask32(s, p, at, nocase) & ~((1u << (i - at)) - 1u);
    budget += 32 * SPM_BUDGET_PER_POS;
    r = spm_check_mask(s, p, at, mask, npos, &budget, nocase);
    return r >= 0 ? r : -1;
}

static __attribute__((target("avx2"))) int64_t
spm_filter_case_avx2(const struct spm *s, const uint8_t *p, uint32_t npos)
{
    return npos >= 32 ? spm_filter_wide(s, p, npos, false) : spm_filter(s, p, npos, false);
}

static __attribute__((target("avx2"))) int64_t
spm_filter_nocase_avx2(const struct spm *s, const uint8_t *p, uint32_t npos)
{
    return npos >= 32 ? spm_filter_wide(s, p, npos, true) : spm_filter(s, p, npos, true);
}
#endif

static spm_filter_fn spm_pick_filter(bool nocase)
{
#if SPM_HAVE_AVX2
    if (__builtin_cpu_supports("avx2"))
        return nocase ? spm_filter_nocase_avx2 : spm_filter_case_avx2;
#endif
    return nocase ? spm_filter_nocase : spm_filter_case;
}

int64_t spm_find(const struct spm *s, const uint8_t *data, uint32_t start, uint32_t end)
{
    if (start > end || end - start < s->len)
        return -1;
    const uint8_t *p = data + start;
    uint32_t n = end - start;
    switch (s->kind) {
    case SPM_EMPTY:
        return start;
    case SPM_MEMCHR: {
        const uint8_t *q = memchr(p, s->pat[0], n);
        return q != NULL ? (int64_t)(q - data) : -1;
    }
    default: {
        uint32_t npos = n - s->len + 1u;
        int64_t r = s->filter(s, p, npos);
        return r < 0 ? -1 : (int64_t)start + r;
    }
    }
}
