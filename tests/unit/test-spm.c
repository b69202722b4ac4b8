/* Unit tests for the single-pattern search (sensor/detect/detect-spm.c): fixed cases for
 * the contract (windows, edges, ASCII-only case folding) and a comparison with a naive
 * search over many random patterns, buffers and windows. Each random buffer is its own
 * allocation of exactly its length, and one test puts buffers against a guard page, so
 * a read outside the window shows (under ASan, or as a fault). */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "detect/detect-spm.h"
#include "test.h"

/* xorshift64*: the tests are reproducible from the seed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
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

static int64_t naive(const uint8_t *pat, uint32_t len, bool nocase, const uint8_t *d,
                     uint32_t start, uint32_t end)
{
    if (start > end || end - start < len)
        return -1;
    for (uint32_t p = start; p + len <= end; p++) {
        uint32_t i = 0;
        while (i < len && (nocase ? lower(d[p + i]) == lower(pat[i]) : d[p + i] == pat[i]))
            i++;
        if (i == len)
            return p;
    }
    return -1;
}

static int64_t find(const char *pat, bool nocase, const char *data, uint32_t start, uint32_t end)
{
    struct spm *s = spm_new((const uint8_t *)pat, (uint32_t)strlen(pat), nocase);
    if (s == NULL)
        return -2;
    int64_t r = spm_find(s, (const uint8_t *)data, start, end);
    spm_free(s);
    return r;
}

static void test_basic(void)
{
    const char *d = "GET /index.php?id=1 HTTP/1.1\r\nHost: example.com\r\n";
    uint32_t n = (uint32_t)strlen(d);
    CHECK_EQ(find("GET", false, d, 0, n), 0);
    CHECK_EQ(find("get", false, d, 0, n), -1);
    CHECK_EQ(find("get", true, d, 0, n), 0);
    CHECK_EQ(find("HOST:", true, d, 0, n), 30);
    CHECK_EQ(find("\r\n", false, d, 0, n), 28);
    CHECK_EQ(find("\r\n", false, d, 29, n), n - 2);
    CHECK_EQ(find(".com\r\n", false, d, 0, n), n - 6);   /* at the buffer's end */
    CHECK_EQ(find(".com\r\n", false, d, 0, n - 1), -1);  /* the window cuts it */
    CHECK_EQ(find("GET", false, d, 1, n), -1);           /* starts before the window */
    CHECK_EQ(find("GET", false, d, 0, 3), 0);            /* window exactly the match */
    CHECK_EQ(find("GET", false, d, 0, 2), -1);
    CHECK_EQ(find("1", false, d, 0, n), 18);
    CHECK_EQ(find("1", false, d, 19, n), 25);
    CHECK_EQ(find("t", true, d, 0, n), 2);
    CHECK_EQ(find("T", true, d, 0, n), 2);
    CHECK_EQ(find("index.php?id=1 HTTP/1.1\r\nHost: example", false, d, 0, n), 5);
    CHECK_EQ(find("INDEX.PHP?ID=1 http/1.1\r\nhOST: EXAMPLE", true, d, 0, n), 5);
    CHECK_EQ(find("INDEX.PHP?ID=1 http/1.1\r\nhOST: EXAMPLE", false, d, 0, n), -1);
    CHECK_EQ(find("example.con", false, d, 0, n), -1);
    /* the window: start > end, empty, pattern longer than the window */
    CHECK_EQ(find("G", false, d, 5, 4), -1);
    CHECK_EQ(find("G", false, d, 4, 4), -1);
    CHECK_EQ(find("", false, d, 4, 4), 4);
    CHECK_EQ(find("", true, d, 7, n), 7);
    CHECK_EQ(find("", false, d, 8, 7), -1);
    CHECK_EQ(find("GET /", false, d, 0, 4), -1);
    /* a NULL buffer with an empty window is fine */
    struct spm *s = spm_new((const uint8_t *)"x", 1, false);
    CHECK(s != NULL);
    CHECK_EQ(spm_find(s, NULL, 0, 0), -1);
    CHECK_EQ(spm_len(s), 1);
    CHECK(spm_memuse(s) >= 1);
    spm_free(s);
    spm_free(NULL);
}

/* Only A-Z and a-z fold: '@' '[' '`' '{' and bytes >= 0x80 are compared as they are. */
static void test_case_folding(void)
{
    const uint8_t d[] = { '@', '[', '`', '{', 0xc1, 0xe1, 'Z', 'z', 0x00, 0xff };
    uint8_t p;
    struct spm *s;
    p = '`';
    s = spm_new(&p, 1, true);
    CHECK_EQ(spm_find(s, d, 0, sizeof(d)), 2);
    spm_free(s);
    p = '{';
    s = spm_new(&p, 1, true);
    CHECK_EQ(spm_find(s, d, 0, sizeof(d)), 3);
    spm_free(s);
    p = 0xe1;
    s = spm_new(&p, 1, true);
    CHECK_EQ(spm_find(s, d, 0, sizeof(d)), 5);
    spm_free(s);
    p = 'z';
    s = spm_new(&p, 1, true);
    CHECK_EQ(spm_find(s, d, 0, sizeof(d)), 6);
    spm_free(s);
    const uint8_t p2[] = { '`', '{' };
    s = spm_new(p2, 2, true);
    CHECK_EQ(spm_find(s, d, 0, sizeof(d)), 2);
    spm_free(s);
    const uint8_t p3[] = { 0xe1, 'Z', 'Z' };
    s = spm_new(p3, 3, true);
    CHECK_EQ(spm_find(s, d, 0, sizeof(d)), 5);
    spm_free(s);
    s = spm_new(p3, 3, false);
    CHECK_EQ(spm_find(s, d, 0, sizeof(d)), -1);
    spm_free(s);
    const uint8_t p4[] = { 0x00, 0xff };
    s = spm_new(p4, 2, true);
    CHECK_EQ(spm_find(s, d, 0, sizeof(d)), 8);
    CHECK_EQ(spm_find(s, d, 0, sizeof(d) - 1), -1);
    spm_free(s);
    /* A 40-byte nocase pattern whose folding runs in 16-byte blocks */
    const char *lp = "@[`{abcdefghijklmnopqrstuvwxyz0123456789";
    const char *up = "@[`{ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const char *bad = "`{@[ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    CHECK_EQ(find(lp, true, up, 0, 40), 0);
    CHECK_EQ(find(up, true, lp, 0, 40), 0);
    CHECK_EQ(find(lp, true, bad, 0, 40), -1);
    CHECK_EQ(find(lp, false, up, 0, 40), -1);
    CHECK_EQ(spm_new((const uint8_t *)"x", SPM_PATTERN_MAX + 1u, false) == NULL, 1);
}

/* The packets and rules put to Suricata 7.0.10 (one UDP payload each; its alerts in the
 * comments): nocase folds only ASCII letters, and depth cuts a match. */
static void test_as_suricata(void)
{
    const char *p1 = "xx\xe1" "BCyy", *p2 = "@[QQ";
    const char *p3 = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    CHECK_EQ(find("\xc1" "bc", true, p1, 0, 7), -1);  /* sid 1: no alert */
    CHECK_EQ(find("\xe1" "bc", true, p1, 0, 7), 2);   /* sid 2: alert */
    CHECK_EQ(find("`", true, p2, 0, 4), -1);         /* sid 3: no alert */
    CHECK_EQ(find("{", true, p2, 0, 4), -1);         /* sid 4: no alert */
    CHECK_EQ(find("@", true, p2, 0, 4), 0);          /* sid 5: alert */
    CHECK_EQ(find("abcdefghijklmnopqrstuvwxyz0123456789", true, p3, 0, 36), 0);   /* sid 6 */
    CHECK_EQ(find("abcdefghijklmnopqrstuvwxyz0123456789", false, p3, 0, 36), -1); /* sid 7 */
    CHECK_EQ(find("BC", false, p1, 0, 4), -1);       /* sid 8, depth:4: no alert */
    CHECK_EQ(find("BC", false, p1, 0, 5), 3);        /* sid 9, depth:5: alert */
}

/* Periodic patterns and data made of the filter bytes: every position is a candidate. */
static void test_periodic(void)
{
    uint8_t d[300];
    memset(d, 'a', sizeof(d));
    d[299] = 'b';
    uint8_t p[64];
    memset(p, 'a', sizeof(p));
    struct spm *s = spm_new(p, 64, false);
    CHECK_EQ(spm_find(s, d, 0, 300), 0);
    CHECK_EQ(spm_find(s, d, 236, 300), -1);
    CHECK_EQ(spm_find(s, d, 235, 300), 235);
    spm_free(s);
    p[63] = 'b';
    s = spm_new(p, 64, true);
    CHECK_EQ(spm_find(s, d, 0, 300), 236);
    CHECK_EQ(spm_find(s, d, 0, 299), -1);
    spm_free(s);
    for (int i = 0; i < 300; i += 2)
        d[i] = 'A';
    const uint8_t ab[] = "aAaAaAaAaAaAaAaAaAaAb";
    s = spm_new(ab, 21, false);
    CHECK_EQ(spm_find(s, d, 0, 300), 279);
    CHECK_EQ(spm_find(s, d, 0, 299), -1);
    spm_free(s);
    s = spm_new((const uint8_t *)"aAaAaAaAaAaAaAaAaAaB", 20, true);
    CHECK_EQ(spm_find(s, d, 0, 300), 280);
    spm_free(s);
}

/* Periodic patterns over data crafted against them (runs that almost match, over and
 * over), long enough that the filter search gives up its compares to KMP. */
static void test_periodic_random(void)
{
    uint32_t cases = 0, found = 0, bad = 0;
    for (int iter = 0; iter < 3000; iter++) {
        static const uint8_t units[] = { 'a', 'A', 'b', 0x90 };
        uint8_t unit[3];
        uint32_t ulen = 1 + rnd() % 3;
        for (uint32_t i = 0; i < ulen; i++)
            unit[i] = units[rnd() % (iter % 2 ? 2 : 4)];
        uint32_t plen = 8 + rnd() % 120;
        uint8_t pat[128];
        for (uint32_t i = 0; i < plen; i++)
            pat[i] = unit[i % ulen];
        if (rnd() % 2)
            pat[rnd() % plen] = 'b';
        uint32_t n = 500 + rnd() % 5000;
        uint8_t *d = malloc(n);
        /* runs of the pattern's prefix cut short by a break */
        for (uint32_t o = 0; o < n;) {
            uint32_t run = rnd() % (plen + 2);
            for (uint32_t i = 0; i < run && o < n; i++)
                d[o++] = (rnd() % 4 == 0) ? (uint8_t)(pat[i] ^ 0x20) : pat[i];
            if (o < n)
                d[o++] = units[rnd() % 4];
        }
        bool nocase = rnd() % 2;
        struct spm *s = spm_new(pat, plen, nocase);
        for (int w = 0; w < 4; w++) {
            uint32_t start = w ? rnd() % n : 0, end = w ? start + rnd() % (n - start + 1) : n;
            int64_t want = naive(pat, plen, nocase, d, start, end);
            int64_t got = spm_find(s, d, start, end);
            cases++;
            found += want >= 0;
            if (want != got && bad++ < 10)
                fprintf(stderr, "periodic mismatch: plen=%u nocase=%d [%u,%u): want %lld got %lld\n",
                        plen, nocase, start, end, (long long)want, (long long)got);
        }
        spm_free(s);
        free(d);
    }
    CHECK_EQ(bad, 0);
    CHECK(found > 0 && found < cases);
    printf("periodic: %u searches, %u with a match, %u mismatches\n", cases, found, bad);
}

/* A NOP sled pattern over 64 KiB of sleds one byte too short: the answer, and in linear
 * time (a few milliseconds even under sanitizers; quadratic would be seconds). */
static void test_sled(void)
{
    enum { P = 200, N = P * 328 };
    uint8_t *d = malloc(N);
    for (uint32_t i = 0; i < N; i++)
        d[i] = (i % P == P - 1) ? 0xcc : 0x90;
    memset(d + N - P, 0x90, P);
    uint8_t pat[P];
    memset(pat, 0x90, P);
    for (int nocase = 0; nocase < 2; nocase++) {
        struct spm *s = spm_new(pat, P, nocase);
        CHECK_EQ(spm_find(s, d, 0, N), N - P);
        CHECK_EQ(spm_find(s, d, 0, N - 1), -1);
        spm_free(s);
    }
    free(d);
}

/* Random bytes from a small alphabet of letters in both cases, NUL and high bytes (so
 * patterns recur and nocase matters), or from all 256 values. */
static uint8_t rnd_byte(int alphabet)
{
    static const uint8_t small[] = { 'a', 'A', 'b', 'B', 0x00, 0xff, 0xc1, 0xe1, '@', '`' };
    if (alphabet == 0)
        return (uint8_t)rnd();
    if (alphabet == 1)
        return small[rnd() % 4];
    return small[rnd() % sizeof(small)];
}

static void test_random(void)
{
    uint32_t cases = 0, found = 0, mismatches = 0;
    for (int iter = 0; iter < 60000; iter++) {
        int alphabet = (int)(rnd() % 3);
        uint32_t n = rnd() % 200;
        if (rnd() % 16 == 0)
            n = rnd() % 3000;
        uint8_t *d = malloc(n ? n : 1);
        for (uint32_t i = 0; i < n; i++)
            d[i] = rnd_byte(alphabet);
        uint32_t plen = rnd() % 6;
        if (rnd() % 4 == 0)
            plen = rnd() % 40;
        if (rnd() % 64 == 0)
            plen = rnd() % 300;
        uint8_t *pat = malloc(plen ? plen : 1);
        if (n >= plen && rnd() % 2 == 0) {
            /* cut from the data, with case flips, so it occurs */
            uint32_t at = rnd() % (n - plen + 1);
            for (uint32_t i = 0; i < plen; i++) {
                uint8_t c = d[at + i];
                if (rnd() % 3 == 0 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
                    c ^= 0x20;
                pat[i] = c;
            }
        } else {
            for (uint32_t i = 0; i < plen; i++)
                pat[i] = rnd_byte(alphabet);
        }
        bool nocase = rnd() % 2;
        struct spm *s = spm_new(pat, plen, nocase);
        if (s == NULL) {
            CHECK(s != NULL);
            break;
        }
        for (int w = 0; w < 8; w++) {
            uint32_t start = 0, end = n;
            if (w > 0) {
                start = n ? rnd() % (n + 1) : 0;
                end = n ? rnd() % (n + 1) : 0;
                if (w < 6 && end < start) {
                    uint32_t t = start;
                    start = end;
                    end = t;
                }
            }
            int64_t want = naive(pat, plen, nocase, d, start, end);
            int64_t got = spm_find(s, d, start, end);
            cases++;
            found += want >= 0;
            if (want != got) {
                if (mismatches++ < 10)
                    fprintf(stderr, "mismatch: n=%u plen=%u nocase=%d window [%u,%u): want %lld got %lld\n",
                            n, plen, nocase, start, end, (long long)want, (long long)got);
            }
            /* the window that ends one byte before a match's end must not see it */
            if (want >= 0 && plen > 0) {
                uint32_t cut = (uint32_t)want + plen - 1u;
                int64_t w2 = naive(pat, plen, nocase, d, start, cut);
                int64_t g2 = spm_find(s, d, start, cut);
                cases++;
                if (w2 != g2 && mismatches++ < 10)
                    fprintf(stderr, "mismatch (cut): plen=%u window [%u,%u): want %lld got %lld\n",
                            plen, start, cut, (long long)w2, (long long)g2);
                /* and the window starting one byte after its start must skip it */
                int64_t w3 = naive(pat, plen, nocase, d, (uint32_t)want + 1u, end);
                int64_t g3 = spm_find(s, d, (uint32_t)want + 1u, end);
                cases++;
                if (w3 != g3 && mismatches++ < 10)
                    fprintf(stderr, "mismatch (skip): plen=%u start %lld: want %lld got %lld\n",
                            plen, (long long)want + 1, (long long)w3, (long long)g3);
            }
        }
        spm_free(s);
        free(pat);
        free(d);
    }
    CHECK_EQ(mismatches, 0);
    CHECK(found > cases / 5); /* the random cases do find things */
    printf("random: %u searches, %u with a match, %u mismatches\n", cases, found, mismatches);
}

/* Windows that end at a page followed by an unreadable page, and start at a page that
 * follows one: any read outside the window faults. */
static void test_guard_page(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *m = mmap(NULL, (size_t)pg * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    CHECK(m != MAP_FAILED);
    if (m == MAP_FAILED)
        return;
    CHECK_EQ(mprotect(m, (size_t)pg, PROT_NONE), 0);
    CHECK_EQ(mprotect(m + 2 * pg, (size_t)pg, PROT_NONE), 0);
    uint8_t *page = m + pg;
    for (long i = 0; i < pg; i++)
        page[i] = (uint8_t)('a' + i % 7);
    uint32_t checks = 0, bad = 0;
    for (uint32_t plen = 1; plen <= 40; plen++) {
        for (int nocase = 0; nocase < 2; nocase++) {
            uint8_t pat[40];
            for (uint32_t i = 0; i < plen; i++)
                pat[i] = (uint8_t)('a' + (i + 3) % 7);
            struct spm *s = spm_new(pat, plen, nocase);
            for (uint32_t w = 0; w < 64; w++) {
                /* window at the end of the page, and at its start */
                const uint8_t *base = page + pg - w;
                int64_t want = naive(pat, plen, nocase, base, 0, w);
                checks++;
                bad += spm_find(s, base, 0, w) != want;
                want = naive(pat, plen, nocase, page, 0, w);
                checks++;
                bad += spm_find(s, page, 0, w) != want;
            }
            spm_free(s);
        }
    }
    CHECK_EQ(bad, 0);
    CHECK(checks > 0);
    munmap(m, (size_t)pg * 3);
}

int main(void)
{
    test_basic();
    test_case_folding();
    test_as_suricata();
    test_periodic();
    test_random();
    test_periodic_random();
    test_sled();
    test_guard_page();
    return test_done("test-spm");
}
