/* Multi-pattern prefilter over Hyperscan's literal API. See detect-mpm.h.
 *
 * The builder dedups patterns in a hash table keyed by (bytes, nocase), with nocase
 * patterns kept lowercased so that "ABC" and "abc" nocase are one, and records every
 * (pattern, id) addition. mpm_build() groups the ids by pattern (sorted, duplicates
 * dropped) into one flat table and compiles the non-empty patterns with
 * hs_compile_lit_multi(): Hyperscan pattern i stands for ids[start[i], start[i+1]).
 * A pattern keeps the largest bounds of its additions (where it must end, the longest
 * buffer it can matter in): the scan stops at the largest end when every pattern has
 * one, and a second database without the patterns for short buffers serves the long
 * ones (both databases use the same Hyperscan ids).
 *
 * The candidate set of a thread is a bitmap over 0..max_id plus the array of the ids set
 * in it, in the order they were found; mpm_candidates() sorts the array once when asked
 * (insertion sort when short, a walk of the bitmap when the set is dense, qsort else),
 * and mpm_thread_reset() clears only the bitmap words the array points at. */
#include "detect/detect-mpm.h"

#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Above this many candidates, sorting walks the bitmap when it is at most this many
 * times as long in words as the candidate count, as it costs about as much. */
#define MPM_SORT_INSERTION_MAX 24u
#define MPM_SORT_BITMAP_RATIO 16u

/* ---------------------------------------------------------------------------------- */
/* Builder                                                                            */
/* ---------------------------------------------------------------------------------- */

struct mpm_pat {
    size_t off;        /* of its bytes in the builder's arena */
    uint32_t len;
    uint32_t hash;
    uint32_t end;      /* the largest end of its additions (UINT32_MAX: anywhere) */
    uint32_t max_len;  /* the largest buffer length its additions can match in */
    bool nocase;       /* bytes are stored lowercased */
};

struct mpm_entry {
    uint32_t pat;
    uint32_t id;
};

struct mpm_builder {
    struct mpm_pat *pats;
    uint32_t npats, cappats;
    uint8_t *bytes;
    size_t nbytes, capbytes;
    struct mpm_entry *ents;
    uint32_t nents, capents;
    uint32_t *slots;   /* open addressing: pattern index + 1, or 0 when free */
    uint32_t mask;     /* slot count - 1; the table is kept at most half full */
};

struct mpm {
    hs_database_t *db;   /* NULL when no non-empty pattern */
    uint32_t scan_max;   /* every pattern ends within this many bytes: scan no further */
    /* Buffers longer than MPM_SMALL_BUF: some patterns only matter in shorter ones
     * (dsize); db_big holds the others (NULL: none), for those buffers. */
    bool split_small;
    hs_database_t *db_big;
    uint32_t scan_max_big, minlen_big;
    uint32_t npat;       /* Hyperscan patterns */
    uint32_t *start;     /* npat + 1 entries */
    uint32_t *ids;       /* ids of pattern i: ids[start[i], start[i+1]), ascending */
    uint32_t *always;    /* ids of the empty pattern, ascending */
    uint32_t nalways;
    uint32_t minlen;     /* shortest Hyperscan pattern: shorter buffers skip the scan */
    uint32_t maxlen;     /* longest one */
    uint32_t max_id;
    size_t memuse;
};

struct mpm_thread {
    hs_scratch_t *scratch;       /* NULL when no mpm has a database */
    const struct mpm *cur;       /* the mpm being scanned, for the callback */
    uint64_t *bits;              /* max_id + 1 bits */
    uint32_t nwords;
    uint32_t *ids;               /* the ids set in 'bits' */
    uint32_t n;
    uint32_t max_id;
    bool sorted;
};

static inline uint8_t mpm_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
}

/* FNV-1a over the stored (already folded) bytes, with the case mode mixed in. */
static uint32_t mpm_hash(const uint8_t *p, uint32_t len, bool nocase)
{
    uint32_t h = nocase ? 0x811c9dc5u ^ 0x5bd1e995u : 0x811c9dc5u;
    for (uint32_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    h ^= len;
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return h;
}

struct mpm_builder *mpm_builder_new(void)
{
    struct mpm_builder *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return NULL;
    b->mask = 63;
    b->slots = calloc(b->mask + 1u, sizeof(*b->slots));
    if (b->slots == NULL)
        goto fail;
    return b;
fail:
    mpm_builder_free(b);
    return NULL;
}

void mpm_builder_free(struct mpm_builder *b)
{
    if (b == NULL)
        return;
    free(b->pats);
    free(b->bytes);
    free(b->ents);
    free(b->slots);
    free(b);
}

uint32_t mpm_builder_count(const struct mpm_builder *b)
{
    return b != NULL ? b->npats : 0;
}

/* Doubles the hash table. */
static int mpm_builder_rehash(struct mpm_builder *b)
{
    uint32_t nmask = b->mask * 2u + 1u;
    uint32_t *ns = calloc(nmask + 1u, sizeof(*ns));
    if (ns == NULL)
        return CANH_ENOMEM;
    for (uint32_t i = 0; i < b->npats; i++) {
        uint32_t s = b->pats[i].hash & nmask;
        while (ns[s] != 0)
            s = (s + 1u) & nmask;
        ns[s] = i + 1u;
    }
    free(b->slots);
    b->slots = ns;
    b->mask = nmask;
    return CANH_OK;
}

/* Makes room for one more entry, pattern and 'len' bytes (caps checked by the caller). */
static int mpm_builder_reserve(struct mpm_builder *b, uint32_t len)
{
    if (b->nents == b->capents) {
        uint32_t cap = b->capents ? b->capents * 2u : 64u;
        struct mpm_entry *v = realloc(b->ents, (size_t)cap * sizeof(*v));
        if (v == NULL)
            return CANH_ENOMEM;
        b->ents = v;
        b->capents = cap;
    }
    if (b->npats == b->cappats) {
        uint32_t cap = b->cappats ? b->cappats * 2u : 64u;
        struct mpm_pat *v = realloc(b->pats, (size_t)cap * sizeof(*v));
        if (v == NULL)
            return CANH_ENOMEM;
        b->pats = v;
        b->cappats = cap;
    }
    if (b->capbytes - b->nbytes < len) {
        size_t cap = b->capbytes ? b->capbytes : 1024u;
        while (cap - b->nbytes < len)
            cap *= 2u;
        uint8_t *v = realloc(b->bytes, cap);
        if (v == NULL)
            return CANH_ENOMEM;
        b->bytes = v;
        b->capbytes = cap;
    }
    if ((b->npats + 1u) * 2u > b->mask + 1u)
        return mpm_builder_rehash(b);
    return CANH_OK;
}

int mpm_builder_add(struct mpm_builder *b, const uint8_t *pat, uint32_t len, bool nocase,
                    uint32_t id)
{
    return mpm_builder_add_bounded(b, pat, len, nocase, UINT32_MAX, UINT32_MAX, id);
}

int mpm_builder_add_bounded(struct mpm_builder *b, const uint8_t *pat, uint32_t len, bool nocase,
                            uint32_t end, uint32_t max_len, uint32_t id)
{
    if (len > MPM_PATTERN_MAX || id > MPM_ID_MAX || b->nents >= MPM_MAX_ENTRIES)
        return CANH_ELIMIT;
    if (len > MPM_LITERAL_MAX)
        len = MPM_LITERAL_MAX;
    int rc = mpm_builder_reserve(b, len);
    if (rc != CANH_OK)
        return rc;
    /* The folded bytes go at the end of the arena; they stay there only if new. A
     * nocase pattern without letters (the empty one included) is an exact one. */
    uint8_t *key = b->bytes + b->nbytes;
    if (len > 0)
        memcpy(key, pat, len);
    if (nocase) {
        bool letters = false;
        for (uint32_t i = 0; i < len; i++) {
            uint8_t c = mpm_lower(key[i]);
            letters = letters || c != key[i] || (c >= 'a' && c <= 'z');
            key[i] = c;
        }
        nocase = letters;
    }
    if (end < len)
        end = UINT32_MAX; /* cannot be: take it as unbounded */
    if (max_len < len)
        max_len = UINT32_MAX;
    uint32_t h = mpm_hash(key, len, nocase);
    uint32_t s = h & b->mask;
    uint32_t found = UINT32_MAX;
    while (b->slots[s] != 0) {
        const struct mpm_pat *p = &b->pats[b->slots[s] - 1u];
        if (p->hash == h && p->len == len && p->nocase == nocase &&
            (len == 0 || memcmp(b->bytes + p->off, key, len) == 0)) {
            found = b->slots[s] - 1u;
            break;
        }
        s = (s + 1u) & b->mask;
    }
    if (found == UINT32_MAX) {
        if (b->npats >= MPM_MAX_PATTERNS)
            return CANH_ELIMIT;
        found = b->npats++;
        b->pats[found] = (struct mpm_pat){ .off = b->nbytes, .len = len, .hash = h,
                                           .end = end, .max_len = max_len, .nocase = nocase };
        b->nbytes += len;
        b->slots[s] = found + 1u;
    } else {
        if (end > b->pats[found].end)
            b->pats[found].end = end;
        if (max_len > b->pats[found].max_len)
            b->pats[found].max_len = max_len;
    }
    b->ents[b->nents++] = (struct mpm_entry){ .pat = found, .id = id };
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Build                                                                              */
/* ---------------------------------------------------------------------------------- */

int mpm_platform_check(char errbuf[CANH_ERRBUF_SIZE])
{
    if (hs_valid_platform() == HS_SUCCESS)
        return CANH_OK;
    snprintf(errbuf, CANH_ERRBUF_SIZE,
             "this CPU cannot run Hyperscan %s (it needs SSSE3), which the rule engine's "
             "prefilter uses", hs_version());
    return CANH_ERR;
}

static int mpm_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void mpm_sort_u32(uint32_t *v, uint32_t n)
{
    if (n > MPM_SORT_INSERTION_MAX) {
        qsort(v, n, sizeof(*v), mpm_cmp_u32);
        return;
    }
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = v[i], j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Sorts 'v' and drops repeated values; returns the new count. */
static uint32_t mpm_sort_unique(uint32_t *v, uint32_t n)
{
    if (n < 2)
        return n;
    mpm_sort_u32(v, n);
    uint32_t o = 1;
    for (uint32_t i = 1; i < n; i++)
        if (v[i] != v[o - 1])
            v[o++] = v[i];
    return o;
}

/* Describes pattern 'p' for an error message: length and its first bytes in hex. */
static void mpm_describe(const struct mpm_builder *b, const struct mpm_pat *p, char *out,
                         size_t outlen)
{
    size_t w = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < p->len && i < 16 && w + 4 < outlen; i++)
        w += (size_t)snprintf(out + w, outlen - w, "%s%02x", i ? " " : "|",
                              b->bytes[p->off + i]);
    if (w + 1 < outlen)
        snprintf(out + w, outlen - w, "%s| (%u bytes%s)", p->len > 16 ? " ..." : "", p->len,
                 p->nocase ? ", nocase" : "");
}

/* Compiles the non-empty patterns (hsof: builder pattern -> Hyperscan id) into '*db',
 * all of them or ('big') those that can matter in buffers longer than MPM_SMALL_BUF;
 * '*minlen' gets the shortest, '*scan_max' the largest end. The arrays are scratch of
 * npat entries. */
static int mpm_compile(struct mpm *m, const struct mpm_builder *b, const uint32_t *hsof, bool big,
                       const char **exprs, unsigned *flags, unsigned *hsids, size_t *lens,
                       hs_database_t **db, uint32_t *minlen, uint32_t *scan_max,
                       char errbuf[CANH_ERRBUF_SIZE])
{
    uint32_t n = 0;
    *minlen = UINT32_MAX;
    *scan_max = 0;
    for (uint32_t i = 0; i < b->npats; i++) {
        const struct mpm_pat *p = &b->pats[i];
        if (p->len == 0 || (big && p->max_len <= MPM_SMALL_BUF))
            continue;
        if (p->end > *scan_max)
            *scan_max = p->end;
        exprs[n] = (const char *)b->bytes + p->off;
        lens[n] = p->len;
        hsids[n] = hsof[i];
        flags[n] = HS_FLAG_SINGLEMATCH | (p->nocase ? HS_FLAG_CASELESS : 0u);
        if (p->len < *minlen)
            *minlen = p->len;
        if (p->len > m->maxlen)
            m->maxlen = p->len;
        n++;
    }
    hs_compile_error_t *cerr = NULL;
    hs_error_t rc = hs_compile_lit_multi(exprs, flags, hsids, lens, n, HS_MODE_BLOCK, NULL, db,
                                         &cerr);
    if (rc != HS_SUCCESS) {
        char what[96] = "";
        if (cerr != NULL && cerr->expression >= 0 && (uint32_t)cerr->expression < n)
            for (uint32_t i = 0; i < b->npats; i++)
                if (hsof[i] == hsids[cerr->expression])
                    mpm_describe(b, &b->pats[i], what, sizeof(what));
        snprintf(errbuf, CANH_ERRBUF_SIZE, "Hyperscan failed to compile %u fast patterns%s%s: %s",
                 n, what[0] ? ", at the pattern " : "", what,
                 cerr != NULL && cerr->message != NULL ? cerr->message : "unknown error");
        hs_free_compile_error(cerr);
        *db = NULL;
        return CANH_ERR;
    }
    size_t dbsize = 0;
    if (hs_database_size(*db, &dbsize) == HS_SUCCESS)
        m->memuse += dbsize;
    return CANH_OK;
}

struct mpm *mpm_build(struct mpm_builder *b, char errbuf[CANH_ERRBUF_SIZE])
{
    struct mpm *m = NULL;
    uint32_t *cnt = NULL, *hsof = NULL;
    const char **exprs = NULL;
    unsigned *flags = NULL, *hsids = NULL;
    size_t *lens = NULL;

    if (mpm_platform_check(errbuf) != CANH_OK)
        goto fail;
    if (b == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "no pattern builder (out of memory earlier)");
        goto fail;
    }
    m = calloc(1, sizeof(*m));
    if (m == NULL)
        goto nomem;

    /* The empty pattern, if any, becomes the always-candidates; the others are numbered
     * 0..npat-1 for Hyperscan in the order they were added. */
    uint32_t np = b->npats;
    hsof = malloc(((size_t)np + 1u) * sizeof(*hsof));
    cnt = calloc((size_t)np + 2u, sizeof(*cnt));
    if (hsof == NULL || cnt == NULL)
        goto nomem;
    for (uint32_t i = 0; i < np; i++)
        hsof[i] = b->pats[i].len == 0 ? UINT32_MAX : m->npat++;

    /* Counting sort of the entries by Hyperscan pattern, then each pattern's ids sorted
     * and made unique. */
    uint32_t nalways = 0;
    for (uint32_t e = 0; e < b->nents; e++) {
        uint32_t h = hsof[b->ents[e].pat];
        if (h == UINT32_MAX)
            nalways++;
        else
            cnt[h + 1u]++;
    }
    m->start = malloc(((size_t)m->npat + 1u) * sizeof(*m->start));
    uint32_t *flat = malloc(((size_t)b->nents + 1u) * sizeof(*flat));
    m->always = malloc(((size_t)nalways + 1u) * sizeof(*m->always));
    m->ids = flat;
    if (m->start == NULL || flat == NULL || m->always == NULL)
        goto nomem;
    for (uint32_t i = 0; i < m->npat; i++)
        cnt[i + 1u] += cnt[i];
    for (uint32_t e = 0; e < b->nents; e++) {
        const struct mpm_entry *en = &b->ents[e];
        if (en->id > m->max_id)
            m->max_id = en->id;
        uint32_t h = hsof[en->pat];
        if (h == UINT32_MAX)
            m->always[m->nalways++] = en->id;
        else
            flat[cnt[h]++] = en->id;
    }
    m->nalways = mpm_sort_unique(m->always, m->nalways);
    /* cnt[i] is now the end of pattern i; compact each run in place. */
    uint32_t o = 0, begin = 0;
    for (uint32_t i = 0; i < m->npat; i++) {
        uint32_t end = cnt[i];
        uint32_t k = mpm_sort_unique(flat + begin, end - begin);
        memmove(flat + o, flat + begin, (size_t)k * sizeof(*flat));
        m->start[i] = o;
        o += k;
        begin = end;
    }
    m->start[m->npat] = o;
    uint32_t *shrunk = realloc(flat, ((size_t)o + 1u) * sizeof(*flat));
    if (shrunk != NULL)
        m->ids = shrunk;
    m->memuse = sizeof(*m) + ((size_t)m->npat + 1u + o + m->nalways) * sizeof(uint32_t);

    if (m->npat > 0) {
        exprs = malloc((size_t)m->npat * sizeof(*exprs));
        flags = malloc((size_t)m->npat * sizeof(*flags));
        hsids = malloc((size_t)m->npat * sizeof(*hsids));
        lens = malloc((size_t)m->npat * sizeof(*lens));
        if (exprs == NULL || flags == NULL || hsids == NULL || lens == NULL)
            goto nomem;
        if (mpm_compile(m, b, hsof, false, exprs, flags, hsids, lens, &m->db, &m->minlen,
                        &m->scan_max, errbuf) != CANH_OK)
            goto fail;
        /* Patterns only for short buffers (dsize): a second database without them. */
        uint32_t nbig = 0;
        for (uint32_t i = 0; i < np; i++)
            if (b->pats[i].len > 0 && b->pats[i].max_len > MPM_SMALL_BUF)
                nbig++;
        if (nbig < m->npat) {
            m->split_small = true;
            if (nbig > 0 && mpm_compile(m, b, hsof, true, exprs, flags, hsids, lens, &m->db_big,
                                        &m->minlen_big, &m->scan_max_big, errbuf) != CANH_OK)
                goto fail;
        }
    }
    free(cnt);
    free(hsof);
    free(exprs);
    free(flags);
    free(hsids);
    free(lens);
    mpm_builder_free(b);
    return m;
nomem:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory building the fast-pattern matcher");
fail:
    free(cnt);
    free(hsof);
    free(exprs);
    free(flags);
    free(hsids);
    free(lens);
    mpm_builder_free(b);
    mpm_free(m);
    return NULL;
}

void mpm_free(struct mpm *m)
{
    if (m == NULL)
        return;
    hs_free_database(m->db);
    hs_free_database(m->db_big);
    free(m->start);
    free(m->ids);
    free(m->always);
    free(m);
}

size_t mpm_memuse(const struct mpm *m)
{
    return m != NULL ? m->memuse : 0;
}

uint32_t mpm_pattern_count(const struct mpm *m)
{
    if (m == NULL)
        return 0;
    return m->npat + (m->nalways > 0 ? 1u : 0u);
}

uint32_t mpm_max_pattern_len(const struct mpm *m)
{
    return m != NULL ? m->maxlen : 0;
}

uint32_t mpm_max_id(const struct mpm *m)
{
    return m != NULL ? m->max_id : 0;
}

/* ---------------------------------------------------------------------------------- */
/* Thread state and scanning                                                          */
/* ---------------------------------------------------------------------------------- */

struct mpm_thread *mpm_thread_new(uint32_t max_id, struct mpm *const *mpms, size_t n,
                                  char errbuf[CANH_ERRBUF_SIZE])
{
    if (max_id > MPM_ID_MAX) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "fast-pattern candidate set: %u ids exceed the cap %u",
                 max_id, MPM_ID_MAX);
        return NULL;
    }
    struct mpm_thread *t = calloc(1, sizeof(*t));
    if (t == NULL)
        goto nomem;
    t->max_id = max_id;
    t->nwords = max_id / 64u + 1u;
    t->bits = calloc(t->nwords, sizeof(*t->bits));
    t->ids = malloc(((size_t)max_id + 1u) * sizeof(*t->ids));
    if (t->bits == NULL || t->ids == NULL)
        goto nomem;
    t->sorted = true;
    for (size_t i = 0; i < n; i++) {
        const struct mpm *m = mpms[i];
        if (m == NULL)
            continue;
        if (m->max_id > max_id && (m->npat > 0 || m->nalways > 0)) {
            snprintf(errbuf, CANH_ERRBUF_SIZE,
                     "fast-pattern matcher %zu holds id %u, above the thread's maximum %u", i,
                     m->max_id, max_id);
            goto fail;
        }
        if (m->db == NULL)
            continue;
        hs_error_t rc = hs_alloc_scratch(m->db, &t->scratch);
        if (rc == HS_SUCCESS && m->db_big != NULL)
            rc = hs_alloc_scratch(m->db_big, &t->scratch);
        if (rc != HS_SUCCESS) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "Hyperscan scratch for matcher %zu: %s", i,
                     rc == HS_NOMEM ? "out of memory" : "failed");
            goto fail;
        }
    }
    return t;
nomem:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory for the fast-pattern candidate set");
fail:
    mpm_thread_free(t);
    return NULL;
}

void mpm_thread_free(struct mpm_thread *t)
{
    if (t == NULL)
        return;
    hs_free_scratch(t->scratch);
    free(t->bits);
    free(t->ids);
    free(t);
}

size_t mpm_thread_memuse(const struct mpm_thread *t)
{
    if (t == NULL)
        return 0;
    size_t scratch = 0;
    if (t->scratch != NULL && hs_scratch_size(t->scratch, &scratch) != HS_SUCCESS)
        scratch = 0;
    return sizeof(*t) + scratch + (size_t)t->nwords * sizeof(*t->bits) +
           ((size_t)t->max_id + 1u) * sizeof(*t->ids);
}

static inline void mpm_thread_add(struct mpm_thread *t, uint32_t id)
{
    uint64_t bit = 1ull << (id & 63u);
    uint64_t *w = &t->bits[id >> 6];
    if (*w & bit)
        return;
    *w |= bit;
    if (t->n > 0 && t->ids[t->n - 1u] > id)
        t->sorted = false;
    t->ids[t->n++] = id;
}

static int mpm_on_match(unsigned int hsid, unsigned long long from, unsigned long long to,
                        unsigned int flags, void *ctx)
{
    (void)from;
    (void)to;
    (void)flags;
    struct mpm_thread *t = ctx;
    const struct mpm *m = t->cur;
    for (uint32_t k = m->start[hsid], e = m->start[hsid + 1u]; k < e; k++)
        mpm_thread_add(t, m->ids[k]);
    return 0;
}

int mpm_scan(const struct mpm *m, struct mpm_thread *t, const uint8_t *data, uint32_t len)
{
    if (m == NULL)
        return CANH_OK;
    for (uint32_t i = 0; i < m->nalways; i++)
        mpm_thread_add(t, m->always[i]);
    const hs_database_t *db = m->db;
    uint32_t minlen = m->minlen, scan_max = m->scan_max;
    if (m->split_small && len > MPM_SMALL_BUF) {
        db = m->db_big;
        minlen = m->minlen_big;
        scan_max = m->scan_max_big;
    }
    if (db == NULL || len < minlen)
        return CANH_OK;
    if (len > scan_max)
        len = scan_max; /* no pattern can matter beyond */
    t->cur = m;
    hs_error_t rc = hs_scan(db, (const char *)data, len, 0, t->scratch, mpm_on_match, t);
    return rc == HS_SUCCESS ? CANH_OK : CANH_ERR;
}

const uint32_t *mpm_candidates(struct mpm_thread *t, uint32_t *n)
{
    if (!t->sorted) {
        if (t->n > MPM_SORT_INSERTION_MAX &&
            t->nwords / MPM_SORT_BITMAP_RATIO <= t->n) {
            uint32_t o = 0;
            for (uint32_t w = 0; w < t->nwords; w++)
                for (uint64_t x = t->bits[w]; x != 0; x &= x - 1u)
                    t->ids[o++] = w * 64u + (uint32_t)__builtin_ctzll(x);
        } else {
            mpm_sort_u32(t->ids, t->n);
        }
        t->sorted = true;
    }
    *n = t->n;
    return t->ids;
}

void mpm_thread_reset(struct mpm_thread *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        t->bits[t->ids[i] >> 6] = 0;
    t->n = 0;
    t->sorted = true;
}
