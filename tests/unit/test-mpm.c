/* Unit tests for the Hyperscan prefilter (sensor/detect/detect-mpm.c): dedup of
 * patterns and ids, candidate order, reset, the empty matcher, the empty pattern, the
 * caps, one scratch shared by several matchers, two threads scanning one matcher, and a
 * comparison with a naive search over many random pattern sets and buffers (both case
 * modes, NUL and high bytes, patterns at the buffers' edges). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "detect/detect-mpm.h"
#include "test.h"

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

static bool naive_has(const uint8_t *pat, uint32_t len, bool nocase, const uint8_t *d,
                      uint32_t n)
{
    for (uint32_t p = 0; p + len <= n; p++) {
        uint32_t i = 0;
        while (i < len && (nocase ? lower(d[p + i]) == lower(pat[i]) : d[p + i] == pat[i]))
            i++;
        if (i == len)
            return true;
    }
    return false;
}

static int add(struct mpm_builder *b, const char *pat, bool nocase, uint32_t id)
{
    return mpm_builder_add(b, (const uint8_t *)pat, (uint32_t)strlen(pat), nocase, id);
}

static int scan(const struct mpm *m, struct mpm_thread *t, const char *d)
{
    return mpm_scan(m, t, (const uint8_t *)d, (uint32_t)strlen(d));
}

/* Candidates of 't' as text, "1,5,9". */
static const char *cands(struct mpm_thread *t)
{
    static char out[512];
    uint32_t n = 0;
    const uint32_t *v = mpm_candidates(t, &n);
    int w = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < n && w < (int)sizeof(out) - 12; i++)
        w += snprintf(out + w, sizeof(out) - (size_t)w, "%s%u", i ? "," : "", v[i]);
    return out;
}

static struct mpm *build(struct mpm_builder *b)
{
    char err[CANH_ERRBUF_SIZE] = "";
    struct mpm *m = mpm_build(b, err);
    if (m == NULL)
        fprintf(stderr, "mpm_build: %s\n", err);
    return m;
}

static void test_platform(void)
{
    char err[CANH_ERRBUF_SIZE] = "";
    CHECK_EQ(mpm_platform_check(err), CANH_OK);
}

static void test_dedup_and_order(void)
{
    struct mpm_builder *b = mpm_builder_new();
    CHECK(b != NULL);
    CHECK_EQ(add(b, "abc", false, 9), CANH_OK);
    CHECK_EQ(add(b, "abc", false, 3), CANH_OK);
    CHECK_EQ(add(b, "abc", false, 9), CANH_OK);  /* same id again */
    CHECK_EQ(add(b, "ABC", true, 7), CANH_OK);   /* nocase: a pattern of its own */
    CHECK_EQ(add(b, "aBc", true, 1), CANH_OK);   /* ... the same as "ABC" nocase */
    CHECK_EQ(add(b, "xyz", false, 4), CANH_OK);
    CHECK_EQ(add(b, "z", false, 2), CANH_OK);
    CHECK_EQ(add(b, "never", false, 0), CANH_OK);
    CHECK_EQ(add(b, "12-", false, 6), CANH_OK);
    CHECK_EQ(add(b, "12-", true, 8), CANH_OK);   /* no letter: the same as exact */
    CHECK_EQ(mpm_builder_count(b), 6);
    struct mpm *m = build(b);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    CHECK_EQ(mpm_pattern_count(m), 6);
    CHECK_EQ(mpm_max_id(m), 9);
    CHECK(mpm_memuse(m) > 0);
    char err[CANH_ERRBUF_SIZE] = "";
    struct mpm *ms[] = { m };
    struct mpm_thread *t = mpm_thread_new(9, ms, 1, err);
    CHECK(t != NULL);
    if (t == NULL) {
        mpm_free(m);
        return;
    }
    CHECK_EQ(scan(m, t, "__xyz__abc"), CANH_OK); /* xyz found before abc */
    CHECK_STR(cands(t), "1,2,3,4,7,9");
    CHECK_STR(cands(t), "1,2,3,4,7,9");          /* asking twice changes nothing */
    CHECK_EQ(scan(m, t, "12-"), CANH_OK);
    CHECK_STR(cands(t), "1,2,3,4,6,7,8,9");
    mpm_thread_reset(t);
    CHECK_STR(cands(t), "");
    CHECK_EQ(scan(m, t, "ABC"), CANH_OK);        /* only the nocase pattern */
    CHECK_STR(cands(t), "1,7");
    CHECK_EQ(scan(m, t, "aBC zz"), CANH_OK);     /* accumulates, no duplicates */
    CHECK_STR(cands(t), "1,2,7");
    CHECK_EQ(scan(m, t, "abcz"), CANH_OK);
    CHECK_STR(cands(t), "1,2,3,7,9");
    mpm_thread_reset(t);
    CHECK_EQ(scan(m, t, "ab"), CANH_OK);         /* shorter than every pattern */
    CHECK_EQ(scan(m, t, ""), CANH_OK);
    CHECK_EQ(mpm_scan(m, t, NULL, 0), CANH_OK);
    CHECK_STR(cands(t), "");
    CHECK_EQ(scan(NULL, t, "abc"), CANH_OK);     /* no matcher: nothing found */
    CHECK_STR(cands(t), "");
    mpm_thread_free(t);
    mpm_free(m);
}

/* NUL and high bytes are ordinary bytes; nocase folds only A-Z. */
static void test_bytes(void)
{
    struct mpm_builder *b = mpm_builder_new();
    const uint8_t p1[] = { 0x00, 0x00, 0x01 };
    const uint8_t p2[] = { 0xc1, 0x00 };       /* 0xe1 is not its other case */
    const uint8_t p3[] = { '@', '[' };         /* nor are '`' and '{' */
    CHECK_EQ(mpm_builder_add(b, p1, 3, false, 1), CANH_OK);
    CHECK_EQ(mpm_builder_add(b, p2, 2, true, 2), CANH_OK);
    CHECK_EQ(mpm_builder_add(b, p3, 2, true, 3), CANH_OK);
    struct mpm *m = build(b);
    char err[CANH_ERRBUF_SIZE] = "";
    struct mpm_thread *t = mpm_thread_new(3, &m, 1, err);
    CHECK(m != NULL && t != NULL);
    if (m == NULL || t == NULL)
        return;
    const uint8_t d1[] = { 0x00, 0x00, 0x00, 0x01, 0xe1, 0x00, '`', '{' };
    CHECK_EQ(mpm_scan(m, t, d1, sizeof(d1)), CANH_OK);
    CHECK_STR(cands(t), "1");
    mpm_thread_reset(t);
    const uint8_t d2[] = { 0xc1, 0x00, '@', '[' };
    CHECK_EQ(mpm_scan(m, t, d2, sizeof(d2)), CANH_OK);
    CHECK_STR(cands(t), "2,3");
    mpm_thread_reset(t);
    CHECK_EQ(mpm_scan(m, t, d2, 3), CANH_OK);  /* the length counts, not a NUL */
    CHECK_STR(cands(t), "2");
    mpm_thread_free(t);
    mpm_free(m);
}

/* No pattern: a matcher that finds nothing and that threads accept; the empty pattern:
 * its ids are candidates on every scan. */
static void test_empty(void)
{
    char err[CANH_ERRBUF_SIZE] = "";
    struct mpm *m0 = build(mpm_builder_new());
    CHECK(m0 != NULL);
    CHECK_EQ(mpm_pattern_count(m0), 0);
    struct mpm_builder *b = mpm_builder_new();
    CHECK_EQ(mpm_builder_add(b, (const uint8_t *)"", 0, false, 5), CANH_OK);
    CHECK_EQ(mpm_builder_add(b, NULL, 0, true, 4), CANH_OK);
    CHECK_EQ(mpm_builder_add(b, NULL, 0, false, 5), CANH_OK);
    struct mpm *m1 = build(b);
    CHECK(m1 != NULL);
    CHECK_EQ(mpm_pattern_count(m1), 1);
    struct mpm *ms[] = { m0, NULL, m1 };
    struct mpm_thread *t = mpm_thread_new(5, ms, 3, err);
    CHECK(t != NULL);
    if (m0 == NULL || m1 == NULL || t == NULL)
        return;
    CHECK_EQ(scan(m0, t, "anything"), CANH_OK);
    CHECK_STR(cands(t), "");
    CHECK_EQ(mpm_scan(m1, t, NULL, 0), CANH_OK);
    CHECK_STR(cands(t), "4,5");
    mpm_thread_reset(t);
    CHECK_EQ(scan(m1, t, "x"), CANH_OK);
    CHECK_STR(cands(t), "4,5");
    mpm_thread_free(t);
    /* a thread over no matcher at all */
    t = mpm_thread_new(0, NULL, 0, err);
    CHECK(t != NULL);
    CHECK_EQ(scan(m0, t, "x"), CANH_OK);
    CHECK_STR(cands(t), "");
    mpm_thread_free(t);
    mpm_thread_free(NULL);
    mpm_free(m0);
    mpm_free(m1);
    mpm_free(NULL);
    mpm_builder_free(NULL);
    /* mpm_build(NULL) reports, as when mpm_builder_new failed */
    CHECK(mpm_build(NULL, err) == NULL);
    CHECK(err[0] != '\0');
}

static void test_limits(void)
{
    struct mpm_builder *b = mpm_builder_new();
    static uint8_t big[MPM_PATTERN_MAX + 1u];
    CHECK_EQ(mpm_builder_add(b, big, MPM_PATTERN_MAX + 1u, false, 1), CANH_ELIMIT);
    CHECK_EQ(mpm_builder_add(b, big, 4, false, MPM_ID_MAX + 1u), CANH_ELIMIT);
    CHECK_EQ(mpm_builder_count(b), 0);
    CHECK_EQ(mpm_builder_add(b, big, MPM_PATTERN_MAX, false, 100), CANH_OK);
    struct mpm *m = build(b);
    CHECK(m != NULL);
    char err[CANH_ERRBUF_SIZE] = "";
    /* a thread whose candidate set is too small for the matcher's ids */
    struct mpm_thread *t = mpm_thread_new(99, &m, 1, err);
    CHECK(t == NULL);
    CHECK(strstr(err, "100") != NULL);
    t = mpm_thread_new(MPM_ID_MAX + 1u, &m, 1, err);
    CHECK(t == NULL);
    t = mpm_thread_new(100, &m, 1, err);
    CHECK(t != NULL);
    if (t != NULL && m != NULL) {
        CHECK_EQ(mpm_scan(m, t, big, 1000), CANH_OK);
        CHECK_STR(cands(t), "");
        CHECK_EQ(mpm_scan(m, t, big, MPM_PATTERN_MAX), CANH_OK);
        CHECK_STR(cands(t), "100");
    }
    mpm_thread_free(t);
    mpm_free(m);

    /* Longer than Hyperscan takes: two patterns with the same first MPM_LITERAL_MAX
     * bytes are one prefix, found wherever the prefix is (a superset of the rules). */
    b = mpm_builder_new();
    big[MPM_LITERAL_MAX] = 1;
    CHECK_EQ(mpm_builder_add(b, big, MPM_LITERAL_MAX + 1000u, false, 7), CANH_OK);
    big[MPM_LITERAL_MAX] = 2;
    CHECK_EQ(mpm_builder_add(b, big, MPM_LITERAL_MAX + 1000u, false, 8), CANH_OK);
    CHECK_EQ(mpm_builder_count(b), 1);
    m = build(b);
    t = mpm_thread_new(8, &m, 1, err);
    CHECK(m != NULL && t != NULL);
    if (t != NULL && m != NULL) {
        CHECK_EQ(mpm_scan(m, t, big, MPM_LITERAL_MAX - 1u), CANH_OK);
        CHECK_STR(cands(t), "");
        CHECK_EQ(mpm_scan(m, t, big, MPM_LITERAL_MAX), CANH_OK);
        CHECK_STR(cands(t), "7,8");
    }
    mpm_thread_free(t);
    mpm_free(m);
}

/* Two matchers, one scratch; a thread not built for a matcher refuses to scan it. */
static void test_shared_scratch(void)
{
    char err[CANH_ERRBUF_SIZE] = "";
    struct mpm_builder *b1 = mpm_builder_new(), *b2 = mpm_builder_new();
    add(b1, "short", false, 1);
    for (uint32_t i = 0; i < 2000; i++) {
        char p[32];
        snprintf(p, sizeof(p), "pattern-%u-x", i * 7919u);
        add(b2, p, i % 2, i + 10);
    }
    struct mpm *m1 = build(b1), *m2 = build(b2);
    CHECK(m1 != NULL && m2 != NULL);
    if (m1 == NULL || m2 == NULL)
        return;
    CHECK(mpm_memuse(m2) > mpm_memuse(m1));
    CHECK_EQ(mpm_thread_memuse(NULL), 0);
    struct mpm *ms[] = { m1, m2 };
    struct mpm_thread *t = mpm_thread_new(2100, ms, 2, err);
    CHECK(t != NULL);
    if (t != NULL) {
        CHECK(mpm_thread_memuse(t) > 2100 * 4);
        CHECK_EQ(scan(m1, t, "a short one"), CANH_OK);
        CHECK_EQ(scan(m2, t, "PATTERN-7919-X pattern-0-x pattern-15838-x"), CANH_OK);
        CHECK_STR(cands(t), "1,10,11,12");
    }
    mpm_thread_free(t);
    t = mpm_thread_new(2100, ms, 1, err); /* scratch for m1 only */
    CHECK(t != NULL);
    if (t != NULL)
        CHECK_EQ(scan(m2, t, "pattern-0-x"), CANH_ERR);
    mpm_thread_free(t);
    mpm_free(m1);
    mpm_free(m2);
}

/* Many candidates: the sorted order comes from the bitmap walk. */
static void test_dense(void)
{
    struct mpm_builder *b = mpm_builder_new();
    for (uint32_t i = 0; i < 600; i++) {
        uint8_t p[2] = { (uint8_t)(i % 26 + 'a'), (uint8_t)(i / 26 % 26 + 'a') };
        mpm_builder_add(b, p, 2, false, 599 - i);
    }
    struct mpm *m = build(b);
    char err[CANH_ERRBUF_SIZE] = "";
    struct mpm_thread *t = mpm_thread_new(1000, &m, 1, err);
    CHECK(m != NULL && t != NULL);
    if (m == NULL || t == NULL)
        return;
    uint8_t d[26 * 26 * 2];
    for (uint32_t i = 0; i < 26 * 26; i++) {
        d[2 * i] = (uint8_t)(i % 26 + 'a');
        d[2 * i + 1] = (uint8_t)(i / 26 % 26 + 'a');
    }
    CHECK_EQ(mpm_scan(m, t, d, sizeof(d)), CANH_OK);
    uint32_t n = 0;
    const uint32_t *v = mpm_candidates(t, &n);
    CHECK_EQ(n, 600);
    bool ok = true;
    for (uint32_t i = 0; i < n; i++)
        ok = ok && v[i] == i;
    CHECK(ok);
    mpm_thread_reset(t);
    CHECK_STR(cands(t), "");
    CHECK_EQ(mpm_scan(m, t, d, 4), CANH_OK); /* "aa" "ba" and "ab" in "aaba": 599, 598, 573 */
    CHECK_STR(cands(t), "573,598,599");
    mpm_thread_free(t);
    mpm_free(m);
}

/* One matcher, read-only, scanned by two threads at once, each with its own state. */
struct worker_arg {
    const struct mpm *m;
    uint32_t bad;
};

static void *worker(void *arg)
{
    struct worker_arg *w = arg;
    char err[CANH_ERRBUF_SIZE];
    struct mpm *ms[] = { (struct mpm *)w->m };
    struct mpm_thread *t = mpm_thread_new(3000, ms, 1, err);
    if (t == NULL) {
        w->bad = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < 20000; i++) {
        char d[64];
        uint32_t k = i % 1000;
        int n = snprintf(d, sizeof(d), "..word%u..", k);
        mpm_scan(w->m, t, (const uint8_t *)d, (uint32_t)n);
        uint32_t c = 0;
        const uint32_t *v = mpm_candidates(t, &c);
        /* "word<k>" holds "word<k/10>" and "word<k/100>" as prefixes, when distinct */
        uint32_t want = 1 + (k >= 10) + (k >= 100);
        if (c != want || v[c - 1] != k)
            w->bad++;
        mpm_thread_reset(t);
    }
    mpm_thread_free(t);
    return NULL;
}

static void test_threads(void)
{
    struct mpm_builder *b = mpm_builder_new();
    for (uint32_t k = 0; k < 1000; k++) {
        char p[16];
        snprintf(p, sizeof(p), "word%u", k);
        add(b, p, false, k);
    }
    struct mpm *m = build(b);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    struct worker_arg a[2] = { { m, 0 }, { m, 0 } };
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, worker, &a[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ(a[0].bad, 0);
    CHECK_EQ(a[1].bad, 0);
    mpm_free(m);
}

static uint8_t rnd_byte(int alphabet)
{
    static const uint8_t small[] = { 'a', 'A', 'b', 'B', 0x00, 0xff, 0xc1, 0xe1, '@', '`' };
    if (alphabet == 0)
        return (uint8_t)rnd();
    if (alphabet == 1)
        return small[rnd() % 4];
    return small[rnd() % sizeof(small)];
}

struct rpat {
    uint8_t b[24];
    uint32_t len;
    bool nocase;
    uint32_t id;
};

/* Random pattern sets (ids shared by several patterns, patterns repeated for several
 * ids), a few buffers scanned into one candidate set, then compared with the naive
 * search of every pattern in every buffer. */
static void test_random(void)
{
    enum { MAXP = 80, MAXID = 200 };
    uint32_t sets = 0, scans = 0, mismatches = 0, hits = 0;
    char err[CANH_ERRBUF_SIZE];
    for (int iter = 0; iter < 1500; iter++) {
        int alphabet = (int)(rnd() % 3);
        uint32_t np = rnd() % MAXP;
        struct rpat pats[MAXP];
        struct mpm_builder *b = mpm_builder_new();
        for (uint32_t i = 0; i < np; i++) {
            struct rpat *p = &pats[i];
            if (i > 0 && rnd() % 8 == 0) { /* a repeat, perhaps in the other case mode */
                *p = pats[rnd() % i];
                if (rnd() % 2)
                    p->nocase = !p->nocase;
            } else {
                p->len = 1 + rnd() % (alphabet == 0 ? 3 : 8);
                if (rnd() % 8 == 0)
                    p->len = 1 + rnd() % 24;
                for (uint32_t k = 0; k < p->len; k++)
                    p->b[k] = rnd_byte(alphabet);
                p->nocase = rnd() % 2;
            }
            p->id = rnd() % MAXID;
            CHECK_EQ(mpm_builder_add(b, p->b, p->len, p->nocase, p->id), CANH_OK);
        }
        struct mpm *m = mpm_build(b, err);
        CHECK(m != NULL);
        struct mpm_thread *t = mpm_thread_new(MAXID, &m, 1, err);
        CHECK(t != NULL);
        if (m == NULL || t == NULL) {
            fprintf(stderr, "%s\n", err);
            mpm_free(m);
            mpm_thread_free(t);
            break;
        }
        sets++;
        for (int round = 0; round < 4; round++) {
            bool want[MAXID] = { false };
            uint32_t nbuf = 1 + rnd() % 3;
            for (uint32_t k = 0; k < nbuf; k++) {
                uint32_t n = rnd() % 64;
                if (rnd() % 8 == 0)
                    n = rnd() % 1500;
                uint8_t *d = malloc(n ? n : 1);
                for (uint32_t i = 0; i < n; i++)
                    d[i] = rnd_byte(alphabet);
                /* plant a pattern at the start, the end, or in the middle */
                if (np > 0 && rnd() % 2) {
                    const struct rpat *p = &pats[rnd() % np];
                    if (p->len <= n) {
                        uint32_t where = rnd() % 3;
                        uint32_t at = where == 0 ? 0 : where == 1 ? n - p->len
                                                                  : rnd() % (n - p->len + 1);
                        memcpy(d + at, p->b, p->len);
                    }
                }
                for (uint32_t i = 0; i < np; i++)
                    if (naive_has(pats[i].b, pats[i].len, pats[i].nocase, d, n))
                        want[pats[i].id] = true;
                CHECK_EQ(mpm_scan(m, t, d, n), CANH_OK);
                scans++;
                free(d);
            }
            uint32_t n = 0;
            const uint32_t *v = mpm_candidates(t, &n);
            uint32_t j = 0;
            bool ok = true;
            for (uint32_t id = 0; id < MAXID; id++) {
                if (want[id]) {
                    ok = ok && j < n && v[j] == id;
                    j++;
                    hits++;
                }
            }
            ok = ok && j == n;
            if (!ok && mismatches++ < 5) {
                fprintf(stderr, "mismatch in set %d round %d: got", iter, round);
                for (uint32_t i = 0; i < n; i++)
                    fprintf(stderr, " %u", v[i]);
                fprintf(stderr, "; want");
                for (uint32_t id = 0; id < MAXID; id++)
                    if (want[id])
                        fprintf(stderr, " %u", id);
                fprintf(stderr, "\n");
            }
            mpm_thread_reset(t);
        }
        mpm_thread_free(t);
        mpm_free(m);
    }
    CHECK_EQ(mismatches, 0);
    CHECK(hits > scans);
    printf("random: %u pattern sets, %u scans, %u candidates, %u mismatches\n", sets, scans,
           hits, mismatches);
}

/* Bounded patterns (mpm_builder_add_bounded): while every pattern is bounded, only the
 * buffer up to the largest bound is read; one unbounded addition of a pattern (by
 * another rule) makes the whole buffer count again. */
static void test_bounded(void)
{
    char err[CANH_ERRBUF_SIZE] = "";
    struct mpm_builder *b = mpm_builder_new();
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"MZ", 2, false, 2, UINT32_MAX, 1), CANH_OK);
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"PK", 2, false, 10, UINT32_MAX, 2), CANH_OK);
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"xyz", 3, false, 2, UINT32_MAX, 3), CANH_OK); /* end < len */
    struct mpm *m = build(b);
    b = mpm_builder_new();
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"MZ", 2, false, 2, UINT32_MAX, 1), CANH_OK);
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"PK", 2, false, 10, UINT32_MAX, 2), CANH_OK);
    struct mpm *m2 = build(b);
    b = mpm_builder_new();
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"MZ", 2, false, 2, UINT32_MAX, 1), CANH_OK);
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"MZ", 2, false, UINT32_MAX, UINT32_MAX, 4), CANH_OK);
    struct mpm *m3 = build(b);
    struct mpm *all[3] = { m, m2, m3 };
    struct mpm_thread *t = mpm_thread_new(4, all, 3, err);
    CHECK(m != NULL && m2 != NULL && m3 != NULL && t != NULL);
    if (m == NULL || m2 == NULL || m3 == NULL || t == NULL)
        return;
    /* m: xyz is unbounded (its bound cannot be), so the whole buffer is read */
    CHECK_EQ(scan(m, t, "........PK....MZ..xyz"), CANH_OK);
    CHECK_STR(cands(t), "1,2,3");
    mpm_thread_reset(t);
    /* m2: read up to byte 10 only: PK ends at 10, MZ beyond is not reported */
    CHECK_EQ(scan(m2, t, "MZ......PK....MZ.."), CANH_OK);
    CHECK_STR(cands(t), "1,2");
    mpm_thread_reset(t);
    CHECK_EQ(scan(m2, t, ".........PK"), CANH_OK); /* PK ends at 11 */
    CHECK_STR(cands(t), "");
    mpm_thread_reset(t);
    /* m3: MZ added unbounded too: found anywhere, for both ids */
    CHECK_EQ(scan(m3, t, "..............MZ"), CANH_OK);
    CHECK_STR(cands(t), "1,4");
    mpm_thread_free(t);
    mpm_free(m);
    mpm_free(m2);
    mpm_free(m3);

    /* patterns for short buffers only (dsize): not reported in longer ones; a pattern
     * also added without that bound is */
    b = mpm_builder_new();
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"small", 5, false, UINT32_MAX, 100, 1), CANH_OK);
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"both", 4, false, UINT32_MAX, 50, 2), CANH_OK);
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"both", 4, false, UINT32_MAX, UINT32_MAX, 3), CANH_OK);
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"any", 3, false, UINT32_MAX, UINT32_MAX, 4), CANH_OK);
    m = build(b);
    b = mpm_builder_new();
    CHECK_EQ(mpm_builder_add_bounded(b, (const uint8_t *)"only", 4, false, UINT32_MAX, 20, 1), CANH_OK);
    m2 = build(b);
    struct mpm *two[2] = { m, m2 };
    t = mpm_thread_new(4, two, 2, err);
    CHECK(m != NULL && m2 != NULL && t != NULL);
    if (m == NULL || m2 == NULL || t == NULL)
        return;
    static char longbuf[MPM_SMALL_BUF + 2];
    memset(longbuf, '.', sizeof(longbuf) - 1);
    memcpy(longbuf, "small both any only", 19);
    CHECK_EQ(scan(m, t, "small both any"), CANH_OK);
    CHECK_STR(cands(t), "1,2,3,4");
    mpm_thread_reset(t);
    CHECK_EQ(scan(m, t, longbuf), CANH_OK);
    CHECK_STR(cands(t), "2,3,4");
    mpm_thread_reset(t);
    CHECK_EQ(scan(m2, t, "only"), CANH_OK);
    CHECK_STR(cands(t), "1");
    mpm_thread_reset(t);
    CHECK_EQ(scan(m2, t, longbuf), CANH_OK); /* every pattern is for short buffers: no scan */
    CHECK_STR(cands(t), "");
    mpm_thread_free(t);
    mpm_free(m);
    mpm_free(m2);
}

int main(void)
{
    test_platform();
    test_dedup_and_order();
    test_bytes();
    test_bounded();
    test_empty();
    test_limits();
    test_shared_scratch();
    test_dense();
    test_threads();
    test_random();
    return test_done("test-mpm");
}
