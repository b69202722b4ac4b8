/* Micro-benchmark of the rule engine's pattern matchers (not run by make test).
 *
 *   1. mpm compile time and memory: 1,000 / 10,000 / 25,000 random 4-20-byte patterns
 *      (a third nocase), and, when the ET Open rules are there, every rule's fast
 *      pattern (the content marked fast_pattern, else the longest) in one matcher.
 *   2. mpm scan time per buffer of 64 / 512 / 1500 bytes, with 10,000 patterns.
 *   3. spm_find against glibc memmem() and a Horspool search (its table built once, as
 *      spm is), for patterns of 1-64 bytes over buffers of 64 / 512 / 1500 bytes of
 *      HTTP-like text, pattern absent (the whole window read), present in the middle, or
 *      made of the same text (found anywhere, or nowhere); and one search crafted against
 *      a periodic pattern (a 200-byte NOP sled over 64 KiB of sleds one byte shorter).
 *
 * Build and run from the repository root, after make:
 *   cc -std=gnu11 -D_GNU_SOURCE -O2 -I sensor -o build/mpm-bench tests/bench/mpm-bench.c \
 *      build/libcanh-sensor.a $(pkg-config --cflags --libs libhs) -lm && build/mpm-bench [ET_OPEN_DIR]
 * ET_OPEN_DIR defaults to ../shared/data/rules/et-open (skipped, with a message, when
 * absent). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "detect/detect-mpm.h"
#include "detect/detect-spm.h"

static uint64_t rng_state = 0x853c49e6748fea9bull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* ---------------------------------------------------------------------------------- */
/* mpm                                                                                */
/* ---------------------------------------------------------------------------------- */

struct patset {
    uint8_t **pat;
    uint32_t *len;
    bool *nocase;
    uint32_t n, cap;
};

static void patset_add(struct patset *ps, const uint8_t *p, uint32_t len, bool nocase)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 1024;
        ps->pat = realloc(ps->pat, ps->cap * sizeof(*ps->pat));
        ps->len = realloc(ps->len, ps->cap * sizeof(*ps->len));
        ps->nocase = realloc(ps->nocase, ps->cap * sizeof(*ps->nocase));
        if (ps->pat == NULL || ps->len == NULL || ps->nocase == NULL)
            abort();
    }
    ps->pat[ps->n] = malloc(len ? len : 1);
    memcpy(ps->pat[ps->n], p, len);
    ps->len[ps->n] = len;
    ps->nocase[ps->n] = nocase;
    ps->n++;
}

static void patset_free(struct patset *ps)
{
    for (uint32_t i = 0; i < ps->n; i++)
        free(ps->pat[i]);
    free(ps->pat);
    free(ps->len);
    free(ps->nocase);
    memset(ps, 0, sizeof(*ps));
}

static void random_patterns(struct patset *ps, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint8_t p[20];
        uint32_t len = 4 + rnd() % 17;
        for (uint32_t k = 0; k < len; k++)
            p[k] = (uint8_t)rnd();
        patset_add(ps, p, len, rnd() % 3 == 0);
    }
}

/* Current resident set in KiB. */
static long rss_kb(void)
{
    long pages = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Builds one matcher from 'ps' and its thread state; returns the matcher, or NULL. With
 * 'what', prints the figures: build time (builder, dedup and Hyperscan compile), the
 * sizes the matcher and the thread report, and the peak memory the build took above
 * what the process held before (measured in a child process, so that each build's peak
 * is its own). With 'tp' NULL, only prints. */
static struct mpm *bench_build(const char *what, const struct patset *ps, struct mpm_thread **tp)
{
    char err[CANH_ERRBUF_SIZE];
    if (what != NULL) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            long rss0 = rss_kb();
            double t0 = now();
            struct mpm_builder *b = mpm_builder_new();
            for (uint32_t i = 0; i < ps->n; i++)
                if (mpm_builder_add(b, ps->pat[i], ps->len[i], ps->nocase[i], i) != CANH_OK)
                    _exit(1);
            uint32_t distinct = mpm_builder_count(b);
            struct mpm *m = mpm_build(b, err);
            double t1 = now();
            if (m == NULL) {
                printf("%s: build failed: %s\n", what, err);
                _exit(1);
            }
            struct mpm_thread *t = mpm_thread_new(ps->n, &m, 1, err);
            if (t == NULL) {
                printf("%s: thread failed: %s\n", what, err);
                _exit(1);
            }
            printf("%-32s %6u patterns (%6u distinct): build %7.1f ms, matcher %7.1f KiB, "
                   "thread %6.1f KiB, peak memory of the build %6ld KiB\n",
                   what, ps->n, distinct, (t1 - t0) * 1e3, mpm_memuse(m) / 1024.0,
                   mpm_thread_memuse(t) / 1024.0, maxrss_kb() - rss0);
            fflush(stdout);
            _exit(0);
        }
        int st;
        if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            return NULL;
        if (tp == NULL)
            return NULL;
    }
    struct mpm_builder *b = mpm_builder_new();
    for (uint32_t i = 0; i < ps->n; i++)
        if (mpm_builder_add(b, ps->pat[i], ps->len[i], ps->nocase[i], i) != CANH_OK)
            abort();
    struct mpm *m = mpm_build(b, err);
    if (m == NULL)
        return NULL;
    *tp = mpm_thread_new(ps->n, &m, 1, err);
    if (*tp == NULL) {
        mpm_free(m);
        return NULL;
    }
    return m;
}

/* Text that looks like HTTP requests and responses, for the scans and searches. */
static void fill_text(uint8_t *d, uint32_t n)
{
    static const char *words[] = {
        "GET ", "POST ", "/index.php", "?id=", "HTTP/1.1\r\n", "Host: ", "www.example.com",
        "\r\n", "User-Agent: ", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) ", "Accept: ",
        "text/html,application/xhtml+xml", "Content-Length: ", "1234", "Cookie: ",
        "session=8f14e45fceea167a5a36dedd4bea2543", "; ", "Connection: keep-alive",
        "<html><body>", "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
        "\x00\x00\x01\x00", "Server: nginx/1.18.0", "Content-Type: application/json",
    };
    uint32_t o = 0;
    while (o < n) {
        const char *w = words[rnd() % (sizeof(words) / sizeof(words[0]))];
        size_t l = (w[0] == '\0') ? 4 : strlen(w);
        for (size_t i = 0; i < l && o < n; i++)
            d[o++] = (uint8_t)w[i];
    }
}

/* Time per scan (with mpm_candidates and mpm_thread_reset, as the engine calls them),
 * best of 3 rounds. */
static void bench_scan(const char *title, const struct mpm *m, struct mpm_thread *t)
{
    static const uint32_t sizes[] = { 64, 512, 1500 };
    enum { NBUF = 256 };
    printf("%s\n", title);
    for (unsigned s = 0; s < 3; s++) {
        uint32_t n = sizes[s];
        uint8_t *bufs = malloc((size_t)NBUF * n);
        for (int text = 1; text >= 0; text--) {
            if (text)
                fill_text(bufs, NBUF * n);
            else
                for (uint32_t i = 0; i < NBUF * n; i++)
                    bufs[i] = (uint8_t)rnd();
            uint32_t iters = 4000000u / n * 8;
            uint64_t cands = 0;
            double best = 1e30;
            for (int round = 0; round < 3; round++) {
                cands = 0;
                double t0 = now();
                for (uint32_t i = 0; i < iters; i++) {
                    mpm_scan(m, t, bufs + (size_t)(i % NBUF) * n, n);
                    uint32_t c = 0;
                    mpm_candidates(t, &c);
                    cands += c;
                    mpm_thread_reset(t);
                }
                double dt = now() - t0;
                if (dt < best)
                    best = dt;
            }
            printf("  %4u-byte %-6s buffers: %7.0f ns/scan, %6.2f Gbit/s, %.2f candidates/scan\n",
                   n, text ? "text" : "random", best * 1e9 / iters,
                   (double)n * iters * 8 / best / 1e9, (double)cands / iters);
        }
        free(bufs);
    }
}

/* Decodes a Suricata content string ("abc|0d 0a|def", with \" \; \\ escapes) into
 * 'out'; returns its length, or -1. */
static int decode_content(const char *s, size_t n, uint8_t *out, size_t cap)
{
    size_t o = 0;
    bool hex = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '|') {
            hex = !hex;
            continue;
        }
        if (hex) {
            if (c == ' ')
                continue;
            unsigned v;
            if (i + 1 >= n || sscanf(s + i, "%2x", &v) != 1)
                return -1;
            i++;
            if (o < cap)
                out[o++] = (uint8_t)v;
            continue;
        }
        if (c == '\\' && i + 1 < n)
            c = s[++i];
        if (o < cap)
            out[o++] = (uint8_t)c;
    }
    return (int)o;
}

/* Every active rule's fast pattern: the content with fast_pattern, else the longest. */
static void et_open_patterns(const char *dir, struct patset *ps)
{
    DIR *dh = opendir(dir);
    if (dh == NULL)
        return;
    struct dirent *de;
    char *line = NULL;
    size_t cap = 0;
    while ((de = readdir(dh)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 6 || strcmp(de->d_name + nl - 6, ".rules") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        while (getline(&line, &cap, f) > 0) {
            if (line[0] != 'a' && line[0] != 'd')
                continue; /* comments and disabled rules */
            uint8_t best[1024];
            int bestlen = -1;
            bool bestnocase = false, bestfp = false;
            for (char *p = strstr(line, "content:\""); p != NULL; p = strstr(p, "content:\"")) {
                p += 9;
                char *e = p;
                while (*e && !(*e == '"' && e[-1] != '\\'))
                    e++;
                if (*e != '"')
                    break;
                uint8_t buf[1024];
                int len = decode_content(p, (size_t)(e - p), buf, sizeof(buf));
                char *next = strstr(e, "content:\"");
                size_t span = next ? (size_t)(next - e) : strlen(e);
                char save = e[span];
                e[span] = '\0';
                bool nocase = strstr(e, "nocase;") != NULL;
                bool fp = strstr(e, "fast_pattern") != NULL;
                e[span] = save;
                if (len > 0 && !bestfp && (fp || len > bestlen)) {
                    memcpy(best, buf, (size_t)len);
                    bestlen = len;
                    bestnocase = nocase;
                    bestfp = fp;
                }
                p = e;
            }
            if (bestlen > 0)
                patset_add(ps, best, (uint32_t)bestlen, bestnocase);
        }
        fclose(f);
    }
    free(line);
    closedir(dh);
}

/* ---------------------------------------------------------------------------------- */
/* spm                                                                                */
/* ---------------------------------------------------------------------------------- */

struct horspool {
    const uint8_t *pat;
    uint32_t len;
    uint32_t shift[256];
};

static void horspool_init(struct horspool *h, const uint8_t *pat, uint32_t len)
{
    h->pat = pat;
    h->len = len;
    for (int i = 0; i < 256; i++)
        h->shift[i] = len;
    for (uint32_t i = 0; i + 1 < len; i++)
        h->shift[pat[i]] = len - 1 - i;
}

static int64_t horspool_find(const struct horspool *h, const uint8_t *d, uint32_t n)
{
    uint32_t m = h->len, i = 0;
    if (m == 0 || n < m)
        return -1;
    uint8_t last = h->pat[m - 1];
    while (i <= n - m) {
        uint8_t c = d[i + m - 1];
        if (c == last && memcmp(d + i, h->pat, m - 1) == 0)
            return i;
        i += h->shift[c];
    }
    return -1;
}

static void bench_spm(void)
{
    static const uint32_t plens[] = { 1, 2, 3, 4, 6, 8, 12, 16, 32, 64 };
    static const uint32_t sizes[] = { 64, 512, 1500 };
    enum { NBUF = 64 };
    printf("\nspm_find vs memmem and Horspool, ns per search (absent: whole window read; "
           "middle: found half-way;\n"
           "text: a pattern of text that may occur anywhere, or nowhere)\n");
    printf("%5s %5s %-7s %9s %9s %9s %9s\n", "plen", "buf", "where", "spm", "spm-nc", "memmem",
           "horspool");
    for (unsigned s = 0; s < 3; s++) {
        uint32_t n = sizes[s];
        uint8_t *bufs = malloc((size_t)NBUF * n);
        for (unsigned pi = 0; pi < sizeof(plens) / sizeof(plens[0]); pi++) {
            uint32_t plen = plens[pi];
            if (plen > n)
                continue;
            for (int where = 0; where < 3; where++) {
                fill_text(bufs, NBUF * n);
                /* A pattern of common text bytes that does not occur ('#' never does),
                 * or (where 2) text bytes that may occur anywhere. */
                uint8_t pat[64];
                fill_text(pat, plen);
                if (where < 2)
                    pat[plen - 1] = '#';
                if (where == 1)
                    for (int b = 0; b < NBUF; b++)
                        memcpy(bufs + (size_t)b * n + (n - plen) / 2, pat, plen);
                struct spm *sc = spm_new(pat, plen, false), *sn = spm_new(pat, plen, true);
                struct horspool h;
                horspool_init(&h, pat, plen);
                uint32_t iters = 8000000u / n;
                double r[4];
                volatile int64_t sink = 0;
                for (int k = 0; k < 4; k++)
                    r[k] = 1e30;
                /* the best of 5 rounds, alternating: other processes come and go */
                for (int round = 0; round < 20; round++) {
                    int alg = round % 4;
                    double t0 = now();
                    for (uint32_t i = 0; i < iters; i++) {
                        const uint8_t *d = bufs + (size_t)(i % NBUF) * n;
                        int64_t x;
                        if (alg == 0)
                            x = spm_find(sc, d, 0, n);
                        else if (alg == 1)
                            x = spm_find(sn, d, 0, n);
                        else if (alg == 2) {
                            const uint8_t *q = memmem(d, n, pat, plen);
                            x = q ? q - d : -1;
                        } else
                            x = horspool_find(&h, d, n);
                        sink += x;
                    }
                    double ns = (now() - t0) * 1e9 / iters;
                    if (ns < r[alg])
                        r[alg] = ns;
                }
                (void)sink;
                printf("%5u %5u %-7s %9.1f %9.1f %9.1f %9.1f\n", plen, n,
                       where == 0 ? "absent" : where == 1 ? "middle" : "text", r[0], r[1], r[2], r[3]);
                spm_free(sc);
                spm_free(sn);
            }
        }
        free(bufs);
    }
}

/* Data crafted against a periodic pattern: 64 KiB of NOP sleds one byte shorter than
 * the 200-byte sled the rule looks for. Time of one search (absent). */
static void bench_spm_adversarial(void)
{
    enum { P = 200, N = 65536 };
    uint8_t *d = malloc(N), pat[P];
    for (uint32_t i = 0; i < N; i++)
        d[i] = (i % P == P - 1) ? 0xcc : 0x90;
    memset(pat, 0x90, P);
    struct spm *sc = spm_new(pat, P, false), *sn = spm_new(pat, P, true);
    double best[3] = { 1e30, 1e30, 1e30 };
    volatile int64_t sink = 0;
    for (int round = 0; round < 15; round++) {
        int alg = round % 3;
        double t0 = now();
        for (int i = 0; i < 20; i++) {
            if (alg < 2) {
                sink += spm_find(alg ? sn : sc, d, 0, N);
            } else {
                const uint8_t *q = memmem(d, N, pat, P);
                sink += q ? q - d : -1;
            }
        }
        double us = (now() - t0) * 1e6 / 20;
        if (us < best[alg])
            best[alg] = us;
    }
    (void)sink;
    printf("\nadversarial: 200-byte sled over 64 KiB of 199-byte sleds, per search: spm %.1f us, "
           "spm nocase %.1f us, memmem %.1f us\n", best[0], best[1], best[2]);
    spm_free(sc);
    spm_free(sn);
    free(d);
}

int main(int argc, char **argv)
{
    const char *etdir = argc > 1 ? argv[1] : "../shared/data/rules/et-open";
    char err[CANH_ERRBUF_SIZE];
    if (mpm_platform_check(err) != CANH_OK) {
        fprintf(stderr, "mpm-bench: %s\n", err);
        return 1;
    }
    printf("mpm: Hyperscan literal databases (block mode, single-match)\n");
    static const uint32_t counts[] = { 1000, 10000, 25000 };
    struct mpm *m10k = NULL;
    struct mpm_thread *t10k = NULL;
    for (unsigned i = 0; i < 3; i++) {
        struct patset ps = { 0 };
        random_patterns(&ps, counts[i]);
        const char *what = "random 4-20 bytes, 1/3 nocase";
        if (counts[i] == 10000)
            m10k = bench_build(what, &ps, &t10k);
        else
            bench_build(what, &ps, NULL);
        patset_free(&ps);
    }
    struct patset et = { 0 };
    et_open_patterns(etdir, &et);
    if (et.n == 0) {
        printf("SKIP ET Open fast patterns: no rules in %s\n", etdir);
    } else {
        struct mpm_thread *t = NULL;
        struct mpm *m = bench_build("ET Open fast patterns, one group", &et, &t);
        if (m != NULL) {
            bench_scan("scan, ET Open fast patterns in one matcher:", m, t);
            mpm_thread_free(t);
            mpm_free(m);
        }
    }
    patset_free(&et);
    if (m10k != NULL)
        bench_scan("scan, 10,000 random patterns:", m10k, t10k);
    /* per-scan overhead: a matcher of one pattern that never occurs, and one of none */
    for (int k = 0; k < 2; k++) {
        struct mpm_builder *b = mpm_builder_new();
        if (k == 0)
            mpm_builder_add(b, (const uint8_t *)"#never#", 7, false, 0);
        struct mpm *m = mpm_build(b, err);
        struct mpm_thread *t = m != NULL ? mpm_thread_new(0, &m, 1, err) : NULL;
        if (t != NULL)
            bench_scan(k == 0 ? "scan, one pattern:" : "scan, no pattern:", m, t);
        mpm_thread_free(t);
        mpm_free(m);
    }
    mpm_thread_free(t10k);
    mpm_free(m10k);
    bench_spm();
    bench_spm_adversarial();
    return 0;
}
