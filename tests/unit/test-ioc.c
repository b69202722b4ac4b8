/* Unit tests for threat-intelligence lists (sensor/detect/detect-ioc.c):
 *  - a plain list with every type of indicator, comments, blank lines, CRLF line ends
 *    and a UTF-8 byte order mark: the load statistics, each lookup's information and
 *    the indicator it matched, the report of the bad lines;
 *  - longest-prefix match: a small table written out, then random IPv4 and IPv6 prefix
 *    sets (nested on purpose) against a brute-force longest-prefix search;
 *  - domains and their parents, URLs (host, port, query, absolute-form targets);
 *  - CSV: header, quoting, column order, severities, types, positional columns, a
 *    header without an indicator column;
 *  - duplicates across files (the most severe listing wins, in either order);
 *  - bad input: unreadable paths, long lines, binary garbage, NULL stores;
 *  - one million entries: load time, memory and lookup rate printed (never asserted
 *    on time), the totals and every lookup's outcome checked.
 * List files are written into a directory made with mkdtemp and removed at the end. */
#include <arpa/inet.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detect/detect-ioc.h"
#include "test.h"

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                            */
/* ---------------------------------------------------------------------------------- */

static char tmpdir[] = "/tmp/canh-test-ioc-XXXXXX";

/* Fixed-seed xorshift64*: every run draws the same numbers. */
static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
    rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

static uint64_t splitmix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Path of 'name' in the temporary directory (a static buffer among a few). */
static const char *tpath(const char *name)
{
    static char bufs[32][512];
    static unsigned next;
    char *b = bufs[next++ % 32];
    snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, name);
    return b;
}

static const char *write_bytes(const char *name, const void *data, size_t len)
{
    const char *p = tpath(name);
    FILE *f = fopen(p, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", p);
        abort();
    }
    return p;
}

static const char *write_list(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (d != NULL) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
            if (unlink(p) != 0)
                rmdir(p);
        }
        closedir(d);
    }
    CHECK(rmdir(tmpdir) == 0);
}

/* One load: the store, its statistics and the report written while loading. */
struct load {
    struct ioc_store *s;
    struct ioc_load_stats st;
    char *report;
    size_t rlen;
    char err[CANH_ERRBUF_SIZE];
};

#define DEF_CAT "Test Intel"
#define DEF_SEV 3

static void load_files(struct load *L, const char *const *files, unsigned n)
{
    memset(L, 0, sizeof(*L));
    FILE *rep = open_memstream(&L->report, &L->rlen);
    if (rep == NULL)
        abort();
    struct ioc_load_conf c = {
        .files = files,
        .nfiles = n,
        .default_severity = DEF_SEV,
        .default_category = DEF_CAT,
        .report = rep,
    };
    L->s = ioc_store_load(&c, &L->st, L->err);
    fclose(rep);
}

static void load1(struct load *L, const char *path)
{
    const char *files[1] = { path };
    load_files(L, files, 1);
}

static void unload(struct load *L)
{
    ioc_store_free(L->s);
    free(L->report);
    L->s = NULL;
    L->report = NULL;
}

static unsigned count_lines(const char *s)
{
    unsigned n = 0;
    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* The report line the loader writes for a bad line. */
static const char *rline(const char *path, unsigned line, const char *msg)
{
    static char bufs[8][1024];
    static unsigned next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof(bufs[0]), "canh-sensor: %s:%u: %s (entry skipped)\n", path, line, msg);
    return b;
}

#define NOT_AN_INDICATOR "is not an address, CIDR block, domain, URL, JA3 or SHA-256"
#define BAD_SEVERITY "is not 1-4, critical, high, medium, low or info"

/* Lookups by text; the matched indicator goes to 'm'. */
static char m[8192];

static const struct ioc_info *ip(const struct ioc_store *s, const char *text)
{
    uint8_t a[16] = { 0 };
    m[0] = '\0';
    if (inet_pton(AF_INET, text, a) == 1)
        return ioc_lookup_ip(s, 4, a, m, sizeof(m));
    if (inet_pton(AF_INET6, text, a) == 1)
        return ioc_lookup_ip(s, 6, a, m, sizeof(m));
    fprintf(stderr, "bad test address %s\n", text);
    abort();
}

static const struct ioc_info *dom(const struct ioc_store *s, const char *name)
{
    m[0] = '\0';
    return ioc_lookup_domain(s, name, strlen(name), m, sizeof(m));
}

static const struct ioc_info *url(const struct ioc_store *s, const char *host, const char *target)
{
    m[0] = '\0';
    return ioc_lookup_url(s, host, strlen(host), target, strlen(target), m, sizeof(m));
}

static const struct ioc_info *ja3(const struct ioc_store *s, const char *hex)
{
    return ioc_lookup_ja3(s, hex, strlen(hex));
}

static const struct ioc_info *sha(const struct ioc_store *s, const char *hex)
{
    uint8_t d[32];
    if (strlen(hex) != 64)
        abort();
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            abort();
        d[i] = (uint8_t)v;
    }
    return ioc_lookup_sha256(s, d);
}

/* A hit with its matched indicator and information. */
#define CHECK_HIT(expr, matched, cat, src, lst, sev)                                         \
    do {                                                                                     \
        const struct ioc_info *_i = (expr);                                                  \
        const char *_mt = (matched);                                                         \
        CHECK(_i != NULL);                                                                   \
        if (_i != NULL) {                                                                    \
            if (_mt != NULL)                                                                 \
                CHECK_STR(m, _mt);                                                           \
            CHECK_STR(_i->category, cat);                                                    \
            CHECK_STR(_i->source, src);                                                      \
            CHECK_STR(_i->list, lst);                                                        \
            CHECK_EQ(_i->severity, sev);                                                     \
        }                                                                                    \
    } while (0)

#define CHECK_MISS(expr) CHECK((expr) == NULL)

/* Statistics: entries per type (ip, domain, url, ja3, sha256), then the totals. */
#define CHECK_STATS(st, nip, ndom, nurl, nja3, nsha, ntotal, nlines, nbad, ndup, nfiles, nfailed) \
    do {                                                                                     \
        CHECK_EQ((st).entries[IOC_IP], nip);                                                 \
        CHECK_EQ((st).entries[IOC_DOMAIN], ndom);                                            \
        CHECK_EQ((st).entries[IOC_URL], nurl);                                               \
        CHECK_EQ((st).entries[IOC_JA3], nja3);                                               \
        CHECK_EQ((st).entries[IOC_SHA256], nsha);                                            \
        CHECK_EQ((st).total, ntotal);                                                        \
        CHECK_EQ((st).lines, nlines);                                                        \
        CHECK_EQ((st).bad, nbad);                                                            \
        CHECK_EQ((st).duplicates, ndup);                                                     \
        CHECK_EQ((st).files, nfiles);                                                        \
        CHECK_EQ((st).files_failed, nfailed);                                                \
    } while (0)

#define JA3_HEX "e7d705a3286e19ea42f587b344ee6865"
#define SHA_HEX "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* ---------------------------------------------------------------------------------- */
/* 1. A plain list with every type                                                    */
/* ---------------------------------------------------------------------------------- */

static void test_plain(void)
{
    const char *p = write_list("plain.txt",
                               "\xef\xbb\xbf" "198.51.100.7\r\n"            /*  1 BOM */
                               "# a comment\r\n"                          /*  2 */
                               "192.0.2.0/24\r\n"                         /*  3 */
                               "172.16.0.0/16\r\n"                        /*  4 */
                               "10.1.2.3/8\r\n"                           /*  5 host bits */
                               "\r\n"                                     /*  6 */
                               "  \t \r\n"                                /*  7 */
                               "   # an indented comment\r\n"             /*  8 */
                               "2001:db8::1\r\n"                          /*  9 */
                               "2001:DB8::/32\r\n"                        /* 10 */
                               "example.com\r\n"                          /* 11 */
                               "*.wild.example\r\n"                       /* 12 */
                               "http://Evil.Example:8080/a/b.sh?x=1\r\n"  /* 13 */
                               "host.example/path\r\n"                    /* 14 */
                               "E7D705A3286E19EA42F587B344EE6865\r\n"     /* 15 JA3 */
                               "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\r\n"
                               "not a valid indicator!\r\n"               /* 17 */
                               "  1.2.3  \r\n"                            /* 18 digits, dots */
                               "last.example");                           /* 19 no newline */
    struct load L;
    load1(&L, p);
    CHECK(L.s != NULL);
    if (L.s == NULL)
        return;
    CHECK_STATS(L.st, 6, 3, 2, 1, 1, 13, 15, 2, 0, 1, 0);
    char want[2048];
    snprintf(want, sizeof(want), "%s%s", rline(p, 17, "'not a valid indicator!' " NOT_AN_INDICATOR),
             rline(p, 18, "'1.2.3' " NOT_AN_INDICATOR));
    CHECK_STR(L.report, want);
    CHECK(L.st.memuse > 0);
    CHECK(L.st.seconds >= 0);

    const struct ioc_store *s = L.s;
#define HIT(expr, matched) CHECK_HIT(expr, matched, DEF_CAT, "plain.txt", p, DEF_SEV)
    /* IPv4: the address (line 1, after the byte order mark) and the blocks */
    HIT(ip(s, "198.51.100.7"), "198.51.100.7");
    CHECK_MISS(ip(s, "198.51.100.8"));
    CHECK_MISS(ip(s, "198.51.100.6"));
    HIT(ip(s, "192.0.2.0"), "192.0.2.0/24");
    HIT(ip(s, "192.0.2.200"), "192.0.2.0/24");
    HIT(ip(s, "192.0.2.255"), "192.0.2.0/24");
    CHECK_MISS(ip(s, "192.0.3.0"));
    CHECK_MISS(ip(s, "192.0.1.255"));
    HIT(ip(s, "172.16.255.1"), "172.16.0.0/16");
    CHECK_MISS(ip(s, "172.17.0.1"));
    HIT(ip(s, "10.1.2.3"), "10.0.0.0/8"); /* listed as 10.1.2.3/8: a block, not the host */
    HIT(ip(s, "10.0.0.0"), "10.0.0.0/8");
    HIT(ip(s, "10.255.255.255"), "10.0.0.0/8");
    CHECK_MISS(ip(s, "11.0.0.0"));
    CHECK_MISS(ip(s, "9.255.255.255"));
    /* IPv6: the address inside the /32 wins over it */
    HIT(ip(s, "2001:db8::1"), "2001:db8::1");
    HIT(ip(s, "2001:db8::2"), "2001:db8::/32");
    HIT(ip(s, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), "2001:db8::/32");
    CHECK_MISS(ip(s, "2001:db9::1"));
    CHECK_MISS(ip(s, "2001:db7:ffff::"));
    CHECK_MISS(ip(s, "::"));
    /* an IPv4 address asked as IPv6 and the reverse: different keys */
    uint8_t a16[16] = { 192, 0, 2, 1 };
    CHECK_MISS(ioc_lookup_ip(s, 6, a16, NULL, 0));
    CHECK(ioc_lookup_ip(s, 4, a16, NULL, 0) != NULL); /* matched may be NULL */
    CHECK_MISS(ioc_lookup_ip(s, 5, a16, m, sizeof(m)));
    CHECK_MISS(ioc_lookup_ip(s, 0, a16, m, sizeof(m)));
    /* 'matched' is cut at cap */
    char small[8];
    memset(small, 'x', sizeof(small));
    CHECK(ioc_lookup_ip(s, 4, a16, small, sizeof(small)) != NULL);
    CHECK_STR(small, "192.0.2");
    memset(small, 'x', sizeof(small));
    CHECK(ioc_lookup_ip(s, 4, a16, small, 0) != NULL);
    CHECK_EQ(small[0], 'x');

    /* domains */
    HIT(dom(s, "example.com"), "example.com");
    HIT(dom(s, "www.example.com"), "example.com");
    HIT(dom(s, "x.wild.example"), "wild.example"); /* "*.wild.example" */
    HIT(dom(s, "wild.example"), "wild.example");
    HIT(dom(s, "last.example"), "last.example");
    CHECK_MISS(dom(s, "host.example")); /* a URL's host is no domain entry */
    CHECK_MISS(dom(s, "evil.example"));
    CHECK_MISS(dom(s, "example"));
    /* URLs: host in lower case, port dropped */
    HIT(url(s, "Evil.Example:8080", "/a/b.sh?x=1"), "evil.example/a/b.sh?x=1");
    HIT(url(s, "evil.example", "/a/b.sh?x=1"), "evil.example/a/b.sh?x=1");
    HIT(url(s, "HOST.example", "/path"), "host.example/path");
    HIT(url(s, "host.example", "/path?q=1"), "host.example/path");
    CHECK_MISS(url(s, "host.example", "/path/"));
    CHECK_MISS(url(s, "host.example", "/Path"));
    CHECK_MISS(url(s, "other.example", "/path"));
    /* JA3 in either case; SHA-256 */
    CHECK_HIT(ja3(s, JA3_HEX), NULL, DEF_CAT, "plain.txt", p, DEF_SEV);
    CHECK_HIT(ja3(s, "E7D705A3286E19EA42F587B344EE6865"), NULL, DEF_CAT, "plain.txt", p, DEF_SEV);
    CHECK_MISS(ja3(s, "e7d705a3286e19ea42f587b344ee686"));
    CHECK_MISS(ja3(s, "e7d705a3286e19ea42f587b344ee6866"));
    CHECK_MISS(ja3(s, "g7d705a3286e19ea42f587b344ee6865"));
    CHECK_HIT(sha(s, SHA_HEX), NULL, DEF_CAT, "plain.txt", p, DEF_SEV);
    CHECK_MISS(sha(s, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a09"));
#undef HIT
    for (int t = 0; t < IOC_TYPE_MAX; t++)
        CHECK(ioc_store_has(s, (enum ioc_type)t));
    CHECK(!ioc_store_has(s, IOC_TYPE_MAX));
    CHECK_STR(ioc_type_name(IOC_IP), "ip");
    CHECK_STR(ioc_type_name(IOC_DOMAIN), "domain");
    CHECK_STR(ioc_type_name(IOC_URL), "url");
    CHECK_STR(ioc_type_name(IOC_JA3), "ja3");
    CHECK_STR(ioc_type_name(IOC_SHA256), "sha256");
    CHECK_STR(ioc_type_name(IOC_TYPE_MAX), "?");
    unload(&L);

    /* a store with one type: the others are absent and their lookups miss */
    p = write_list("only-domains.txt", "example.org\n");
    load1(&L, p);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0);
    CHECK_STR(L.report, "");
    CHECK(ioc_store_has(L.s, IOC_DOMAIN));
    CHECK(!ioc_store_has(L.s, IOC_IP));
    CHECK(!ioc_store_has(L.s, IOC_URL));
    CHECK(!ioc_store_has(L.s, IOC_JA3));
    CHECK(!ioc_store_has(L.s, IOC_SHA256));
    CHECK_MISS(ip(L.s, "1.2.3.4"));
    CHECK_MISS(url(L.s, "example.org", "/"));
    CHECK_MISS(ja3(L.s, JA3_HEX));
    CHECK_MISS(sha(L.s, SHA_HEX));
    unload(&L);

    /* no files at all */
    load_files(&L, NULL, 0);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    CHECK(!ioc_store_has(L.s, IOC_IP));
    CHECK_MISS(ip(L.s, "1.2.3.4"));
    CHECK_MISS(dom(L.s, "example.org"));
    unload(&L);
}

/* ---------------------------------------------------------------------------------- */
/* 2. Longest prefix                                                                  */
/* ---------------------------------------------------------------------------------- */

static void test_lpm_small(void)
{
    const char *p = write_list("lpm.csv", "10.0.0.0/8,Wide,3\n"
                                          "10.1.0.0/16,Narrow,1\n"
                                          "10.1.2.3,Host\n");
    struct load L;
    load1(&L, p);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 3, 0, 0, 0, 0, 3, 3, 0, 0, 1, 0);
    CHECK_HIT(ip(L.s, "10.1.2.3"), "10.1.2.3", "Host", "lpm.csv", p, DEF_SEV);
    CHECK_HIT(ip(L.s, "10.1.2.4"), "10.1.0.0/16", "Narrow", "lpm.csv", p, 1);
    CHECK_HIT(ip(L.s, "10.1.255.255"), "10.1.0.0/16", "Narrow", "lpm.csv", p, 1);
    CHECK_HIT(ip(L.s, "10.2.0.1"), "10.0.0.0/8", "Wide", "lpm.csv", p, 3);
    CHECK_HIT(ip(L.s, "10.0.255.255"), "10.0.0.0/8", "Wide", "lpm.csv", p, 3);
    CHECK_MISS(ip(L.s, "11.0.0.1"));
    CHECK_MISS(ip(L.s, "9.1.2.3"));
    unload(&L);

    /* /0 blocks match every address of their version, and only as the last resort */
    p = write_list("zero.txt", "0.0.0.0/0\n::/0\n1.2.3.4/31\n2001:db8::/127\n");
    load1(&L, p);
    CHECK_STATS(L.st, 4, 0, 0, 0, 0, 4, 4, 0, 0, 1, 0);
    CHECK_HIT(ip(L.s, "255.255.255.255"), "0.0.0.0/0", DEF_CAT, "zero.txt", p, DEF_SEV);
    CHECK_HIT(ip(L.s, "1.2.3.5"), "1.2.3.4/31", DEF_CAT, "zero.txt", p, DEF_SEV);
    CHECK_HIT(ip(L.s, "1.2.3.6"), "0.0.0.0/0", DEF_CAT, "zero.txt", p, DEF_SEV);
    CHECK_HIT(ip(L.s, "2001:db8::1"), "2001:db8::/127", DEF_CAT, "zero.txt", p, DEF_SEV);
    CHECK_HIT(ip(L.s, "2001:db8::2"), "::/0", DEF_CAT, "zero.txt", p, DEF_SEV);
    unload(&L);
}

struct pfx4 {
    uint32_t a;
    unsigned len;
};

static uint32_t mask4(unsigned len)
{
    return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

static void fmt4(uint32_t a, char *b, size_t n)
{
    snprintf(b, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static void test_lpm_random_v4(void)
{
    enum { NP = 2000, NA = 20000 };
    static struct pfx4 px[NP];
    rng_seed(0x1234567887654321ULL);
    for (unsigned k = 0; k < NP;) {
        struct pfx4 c;
        if (k > 0 && rnd() % 2 == 0) { /* inside an earlier prefix: nesting */
            const struct pfx4 *o = &px[rnd() % k];
            if (o->len >= 32)
                continue;
            c.len = o->len + 1 + (unsigned)(rnd() % (32 - o->len));
            c.a = (o->a | ((uint32_t)rnd() & ~mask4(o->len))) & mask4(c.len);
        } else {
            c.len = 8 + (unsigned)(rnd() % 25);
            c.a = (uint32_t)rnd() & mask4(c.len);
        }
        bool dup = false;
        for (unsigned j = 0; j < k && !dup; j++)
            dup = px[j].a == c.a && px[j].len == c.len;
        if (!dup)
            px[k++] = c;
    }
    /* written with random host bits now and then, /32 sometimes without the length */
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    for (unsigned k = 0; k < NP; k++) {
        char b[32];
        uint32_t w = px[k].a;
        if (k % 3 == 0)
            w |= (uint32_t)rnd() & ~mask4(px[k].len);
        fmt4(w, b, sizeof(b));
        if (px[k].len == 32 && k % 2 == 0)
            fprintf(f, "%s,c%u\n", b, k);
        else
            fprintf(f, "%s/%u,c%u\n", b, px[k].len, k);
    }
    fclose(f);
    const char *p = write_bytes("random4.csv", text, tlen);
    free(text);
    struct load L;
    load1(&L, p);
    CHECK(L.s != NULL);
    if (L.s == NULL)
        return;
    CHECK_STATS(L.st, NP, 0, 0, 0, 0, NP, NP, 0, 0, 1, 0);

    unsigned bad = 0, hits = 0, nested = 0;
    for (unsigned i = 0; i < NA; i++) {
        uint32_t a;
        if (i % 2 == 0) {
            a = (uint32_t)rnd();
        } else { /* near a listed prefix: inside, or just outside by one bit */
            const struct pfx4 *o = &px[rnd() % NP];
            a = o->a | ((uint32_t)rnd() & ~mask4(o->len));
            if (rnd() % 4 == 0)
                a ^= 1u << (32 - 1 - (unsigned)(rnd() % o->len));
        }
        int best = -1;
        unsigned nmatch = 0;
        for (unsigned k = 0; k < NP; k++)
            if (((a ^ px[k].a) & mask4(px[k].len)) == 0) {
                nmatch++;
                if (best < 0 || px[k].len > px[best].len)
                    best = (int)k;
            }
        uint8_t a16[16] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a };
        char got[64] = "", want[64] = "", cat[16] = "";
        const struct ioc_info *in = ioc_lookup_ip(L.s, 4, a16, got, sizeof(got));
        if (best >= 0) {
            hits++;
            nested += nmatch > 1;
            char b[32];
            fmt4(px[best].a, b, sizeof(b));
            if (px[best].len == 32)
                snprintf(want, sizeof(want), "%s", b);
            else
                snprintf(want, sizeof(want), "%s/%u", b, px[best].len);
            snprintf(cat, sizeof(cat), "c%d", best);
        }
        bool ok = best < 0 ? in == NULL
                           : in != NULL && strcmp(in->category, cat) == 0 && strcmp(got, want) == 0;
        if (!ok && bad++ < 5) {
            char b[32];
            fmt4(a, b, sizeof(b));
            fprintf(stderr, "lpm v4 %s: got %s (%s), want %s (%s)\n", b,
                    in ? in->category : "none", got, best >= 0 ? cat : "none", want);
        }
    }
    CHECK_EQ(bad, 0);
    /* the draw exercises what it should: hits, misses, nested prefixes */
    CHECK(hits > NA / 3);
    CHECK(hits < NA);
    CHECK(nested > NA / 10);
    unload(&L);
}

struct pfx6 {
    uint8_t a[16];
    unsigned len;
};

static void mask6(uint8_t a[16], unsigned len)
{
    for (unsigned i = 0; i < 16; i++) {
        int keep = (int)len - (int)i * 8;
        if (keep <= 0)
            a[i] = 0;
        else if (keep < 8)
            a[i] &= (uint8_t)(0xff00u >> keep);
    }
}

static bool in6(const uint8_t a[16], const struct pfx6 *p)
{
    uint8_t x[16];
    memcpy(x, a, 16);
    mask6(x, p->len);
    return memcmp(x, p->a, 16) == 0;
}

static void rnd16(uint8_t a[16])
{
    uint64_t h = rnd(), l = rnd();
    memcpy(a, &h, 8);
    memcpy(a + 8, &l, 8);
}

static void test_lpm_random_v6(void)
{
    enum { NP = 500, NA = 5000 };
    static struct pfx6 px[NP];
    rng_seed(0xfeedface12345678ULL);
    for (unsigned k = 0; k < NP;) {
        struct pfx6 c;
        rnd16(c.a);
        if (k > 0 && rnd() % 2 == 0) {
            const struct pfx6 *o = &px[rnd() % k];
            if (o->len >= 128)
                continue;
            c.len = o->len + 1 + (unsigned)(rnd() % (128 - o->len));
            uint8_t keep[16];
            memcpy(keep, c.a, 16);
            for (unsigned i = 0; i < 16; i++) { /* o's bits, then random ones */
                uint8_t om = 0;
                int kb = (int)o->len - (int)i * 8;
                om = kb >= 8 ? 0xff : kb <= 0 ? 0 : (uint8_t)(0xff00u >> kb);
                c.a[i] = (uint8_t)((o->a[i] & om) | (keep[i] & ~om));
            }
        } else {
            c.len = 16 + (unsigned)(rnd() % 113);
        }
        mask6(c.a, c.len);
        bool dup = false;
        for (unsigned j = 0; j < k && !dup; j++)
            dup = px[j].len == c.len && memcmp(px[j].a, c.a, 16) == 0;
        if (!dup)
            px[k++] = c;
    }
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    for (unsigned k = 0; k < NP; k++) {
        uint8_t w[16];
        memcpy(w, px[k].a, 16);
        if (k % 3 == 0) { /* host bits set: the loader masks them */
            uint8_t r[16], hm[16];
            rnd16(r);
            memset(hm, 0xff, 16);
            mask6(hm, px[k].len);
            for (int i = 0; i < 16; i++)
                w[i] |= (uint8_t)(r[i] & ~hm[i]);
        }
        char b[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, w, b, sizeof(b));
        if (px[k].len == 128 && k % 2 == 0)
            fprintf(f, "%s,v6c%u\n", b, k);
        else
            fprintf(f, "%s/%u,v6c%u\n", b, px[k].len, k);
    }
    fclose(f);
    const char *p = write_bytes("random6.csv", text, tlen);
    free(text);
    struct load L;
    load1(&L, p);
    CHECK(L.s != NULL);
    if (L.s == NULL)
        return;
    CHECK_STATS(L.st, NP, 0, 0, 0, 0, NP, NP, 0, 0, 1, 0);

    unsigned bad = 0, hits = 0, nested = 0;
    for (unsigned i = 0; i < NA; i++) {
        uint8_t a[16];
        rnd16(a);
        if (i % 2 == 1) {
            const struct pfx6 *o = &px[rnd() % NP];
            uint8_t hm[16];
            memset(hm, 0xff, 16);
            mask6(hm, o->len);
            for (int j = 0; j < 16; j++)
                a[j] = (uint8_t)((o->a[j] & hm[j]) | (a[j] & ~hm[j]));
            if (rnd() % 4 == 0) {
                unsigned bit = (unsigned)(rnd() % o->len);
                a[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
            }
        }
        int best = -1;
        unsigned nmatch = 0;
        for (unsigned k = 0; k < NP; k++)
            if (in6(a, &px[k])) {
                nmatch++;
                if (best < 0 || px[k].len > px[best].len)
                    best = (int)k;
            }
        char got[64] = "", want[64] = "", cat[16] = "";
        const struct ioc_info *in = ioc_lookup_ip(L.s, 6, a, got, sizeof(got));
        if (best >= 0) {
            hits++;
            nested += nmatch > 1;
            char b[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, px[best].a, b, sizeof(b));
            if (px[best].len == 128)
                snprintf(want, sizeof(want), "%s", b);
            else
                snprintf(want, sizeof(want), "%s/%u", b, px[best].len);
            snprintf(cat, sizeof(cat), "v6c%d", best);
        }
        bool ok = best < 0 ? in == NULL
                           : in != NULL && strcmp(in->category, cat) == 0 && strcmp(got, want) == 0;
        if (!ok && bad++ < 5) {
            char b[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, a, b, sizeof(b));
            fprintf(stderr, "lpm v6 %s: got %s (%s), want %s (%s)\n", b,
                    in ? in->category : "none", got, best >= 0 ? cat : "none", want);
        }
    }
    CHECK_EQ(bad, 0);
    CHECK(hits > NA / 3);
    CHECK(hits < NA);
    CHECK(nested > NA / 10);
    unload(&L);
}

/* ---------------------------------------------------------------------------------- */
/* 3. Domains                                                                         */
/* ---------------------------------------------------------------------------------- */

static void test_domains(void)
{
    const char *p = write_list("domains.txt", "example.com\n"
                                              "Mixed.CASE.Example.\n" /* 2: stored lower, no dot */
                                              ".leading.example\n"
                                              "under_score.example\n"
                                              "1a.2.3\n"              /* 5: a name, has a letter */
                                              "1.2.3\n"               /* 6: digits and dots */
                                              "123.456\n"             /* 7 */
                                              "a..b.example\n"        /* 8: empty label */
                                              "bad!name.example\n"    /* 9 */
                                              "*.\n");                /* 10: nothing left */
    struct load L;
    load1(&L, p);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 0, 5, 0, 0, 0, 5, 10, 5, 0, 1, 0);
    char want[4096];
    snprintf(want, sizeof(want), "%s%s%s%s%s", rline(p, 6, "'1.2.3' " NOT_AN_INDICATOR),
             rline(p, 7, "'123.456' " NOT_AN_INDICATOR),
             rline(p, 8, "'a..b.example' " NOT_AN_INDICATOR),
             rline(p, 9, "'bad!name.example' " NOT_AN_INDICATOR),
             rline(p, 10, "'*.' " NOT_AN_INDICATOR));
    CHECK_STR(L.report, want);
    const struct ioc_store *s = L.s;
#define HIT(expr, matched) CHECK_HIT(expr, matched, DEF_CAT, "domains.txt", p, DEF_SEV)
    HIT(dom(s, "example.com"), "example.com");
    HIT(dom(s, "a.b.example.com"), "example.com");
    HIT(dom(s, "A.B.EXAMPLE.COM."), "example.com");
    HIT(dom(s, "Example.Com"), "example.com");
    CHECK_MISS(dom(s, "notexample.com"));
    CHECK_MISS(dom(s, "com"));
    CHECK_MISS(dom(s, "example.co"));
    CHECK_MISS(dom(s, "example.com.evil"));
    CHECK_MISS(dom(s, "examplecom"));
    CHECK_MISS(dom(s, ""));
    CHECK_MISS(dom(s, "."));
    HIT(dom(s, "mixed.case.example"), "mixed.case.example");
    HIT(dom(s, "www.MIXED.case.example."), "mixed.case.example");
    CHECK_MISS(dom(s, "case.example"));
    HIT(dom(s, "leading.example"), "leading.example");
    HIT(dom(s, "x.under_score.example"), "under_score.example");
    HIT(dom(s, "1a.2.3"), "1a.2.3");
    HIT(dom(s, "x.1a.2.3"), "1a.2.3");
    CHECK_MISS(dom(s, "2.3"));
    /* not names: an address, digits and dots, characters outside names */
    CHECK_MISS(dom(s, "1.2.3.4"));
    CHECK_MISS(dom(s, "example.com/x"));
    CHECK_MISS(dom(s, "a b.example.com"));
    CHECK_MISS(dom(s, "a..example.com"));
    /* the length given is the name: the rest of the buffer is not read */
    CHECK(ioc_lookup_domain(s, "example.community", 11, m, sizeof(m)) != NULL);
    CHECK_STR(m, "example.com");
    CHECK_MISS(ioc_lookup_domain(s, "example.com", 10, m, sizeof(m)));
    /* a name longer than a DNS name */
    char longname[300];
    memset(longname, 'a', sizeof(longname));
    memcpy(longname + sizeof(longname) - 12, ".example.com", 12);
    CHECK_MISS(ioc_lookup_domain(s, longname, sizeof(longname), m, sizeof(m)));
#undef HIT
    unload(&L);
}

/* ---------------------------------------------------------------------------------- */
/* 4. URLs                                                                            */
/* ---------------------------------------------------------------------------------- */

static void test_urls(void)
{
    const char *p = write_list("urls.txt", "http://Evil.Example:8080/a/b.sh?x=1\n"
                                           "evil.example/a/c.sh\n"
                                           "https://root.example\n"
                                           "HTTPS://User:Pw@Frag.Example/p?q=1#section\n"
                                           "http://[2001:db8::1]:8080/v6\n");
    struct load L;
    load1(&L, p);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 0, 0, 5, 0, 0, 5, 5, 0, 0, 1, 0);
    CHECK_STR(L.report, "");
    const struct ioc_store *s = L.s;
#define HIT(expr, matched) CHECK_HIT(expr, matched, DEF_CAT, "urls.txt", p, DEF_SEV)
    HIT(url(s, "Evil.Example:8080", "/a/b.sh?x=1"), "evil.example/a/b.sh?x=1");
    HIT(url(s, "evil.example:80", "/a/b.sh?x=1"), "evil.example/a/b.sh?x=1");
    HIT(url(s, "evil.example.", "/a/b.sh?x=1"), "evil.example/a/b.sh?x=1");
    CHECK_MISS(url(s, "Evil.Example:8080", "/a/b.sh?y=2"));
    CHECK_MISS(url(s, "evil.example", "/a/b.sh"));
    CHECK_MISS(url(s, "evil.example", "/a/b.sh?x=12"));
    CHECK_MISS(url(s, "evil.example", "/A/b.sh?x=1")); /* the path keeps its case */
    /* listed without a query: any query matches */
    HIT(url(s, "evil.example", "/a/c.sh"), "evil.example/a/c.sh");
    HIT(url(s, "EVIL.example", "/a/c.sh?anything"), "evil.example/a/c.sh");
    HIT(url(s, "evil.example", "/a/c.sh?"), "evil.example/a/c.sh");
    CHECK_MISS(url(s, "evil.example", "/a/c.sh/"));
    CHECK_MISS(url(s, "evil.example", "/a/c"));
    CHECK_MISS(url(s, "sub.evil.example", "/a/c.sh"));
    /* absolute form: the target's host counts, not the Host header's */
    HIT(url(s, "unrelated.example", "http://evil.example/a/c.sh"), "evil.example/a/c.sh");
    HIT(url(s, "", "HTTP://EVIL.EXAMPLE:3128/a/c.sh?z=1#frag"), "evil.example/a/c.sh");
    HIT(url(s, "unrelated.example", "http://Evil.Example:8080/a/b.sh?x=1"), "evil.example/a/b.sh?x=1");
    CHECK_MISS(url(s, "evil.example", "http://unrelated.example/a/c.sh"));
    /* a URL without a path is the root */
    HIT(url(s, "root.example", "/"), "root.example/");
    HIT(url(s, "root.example:443", ""), "root.example/");
    HIT(url(s, "root.example", "/?q"), "root.example/");
    CHECK_MISS(url(s, "root.example", "/x"));
    /* user information and fragment are dropped */
    HIT(url(s, "frag.example", "/p?q=1"), "frag.example/p?q=1");
    HIT(url(s, "u@frag.example", "/p?q=1"), "frag.example/p?q=1");
    CHECK_MISS(url(s, "frag.example", "/p"));
    /* IPv6 host in brackets, port dropped */
    HIT(url(s, "[2001:db8::1]", "/v6"), "[2001:db8::1]/v6");
    HIT(url(s, "[2001:DB8::1]:80", "/v6"), "[2001:db8::1]/v6");
    /* no host */
    CHECK_MISS(url(s, "", "/a/c.sh"));
    CHECK_MISS(url(s, ":8080", "/a/c.sh"));
#undef HIT
    unload(&L);

    /* what is a URL: a host that is an address, a bracketed IPv6 literal or a name;
     * an address with a bad prefix length is a bad block, not a URL */
    char text[1024], h253[254], h254[255];
    memset(h253, 'a', 253);
    h253[253] = '\0';
    memset(h254, 'a', 254);
    h254[254] = '\0';
    snprintf(text, sizeof(text),
             "192.0.2.0/40\n"     /* 1 bad */
             "10.0.0.0/33\n"      /* 2 bad */
             "1.2.3.4/x\n"        /* 3 URL on an address */
             "bad!host/x\n"       /* 4 bad */
             "http:///x\n"        /* 5 bad: no host */
             "%s/x\n"             /* 6 bad: longer than a name */
             "%s/x\n"             /* 7 URL */
             "http://1.2.3/x\n"   /* 8 bad: digits and dots */
             "example.com/24\n"   /* 9 URL: a name, then a path */
             "2001:db8::/129\n",  /* 10 bad */
             h254, h253);
    p = write_list("whaturl.txt", text);
    load1(&L, p);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 0, 0, 3, 0, 0, 3, 10, 7, 0, 1, 0);
    CHECK_EQ(count_lines(L.report), 7);
    CHECK(strstr(L.report, rline(p, 1, "'192.0.2.0/40' " NOT_AN_INDICATOR)) != NULL);
    CHECK(strstr(L.report, rline(p, 2, "'10.0.0.0/33' " NOT_AN_INDICATOR)) != NULL);
    CHECK(strstr(L.report, rline(p, 10, "'2001:db8::/129' " NOT_AN_INDICATOR)) != NULL);
    CHECK_HIT(url(L.s, "1.2.3.4:80", "/x"), "1.2.3.4/x", DEF_CAT, "whaturl.txt", p, DEF_SEV);
    CHECK_HIT(url(L.s, h253, "/x"), NULL, DEF_CAT, "whaturl.txt", p, DEF_SEV);
    CHECK_HIT(url(L.s, "Example.COM", "/24"), "example.com/24", DEF_CAT, "whaturl.txt", p, DEF_SEV);
    CHECK_MISS(ip(L.s, "192.0.2.1"));
    CHECK_MISS(ip(L.s, "10.0.0.1"));
    unload(&L);
}

/* ---------------------------------------------------------------------------------- */
/* 5. CSV                                                                             */
/* ---------------------------------------------------------------------------------- */

static void test_csv(void)
{
    struct load L;
    char want[4096];

    /* header, quoted fields with commas and doubled quotes, empty fields */
    const char *feed = write_list("feed.csv",
                                  "indicator,type,category,severity,source\n"
                                  "\"evil.example\",domain,\"Malware, C2\",high,\"Vendor \"\"X\"\", Inc.\"\n"
                                  "1.2.3.4,ip,Scanner,4,\n"
                                  " 5.6.7.8 , , , , \n");
    load1(&L, feed);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 2, 1, 0, 0, 0, 3, 3, 0, 0, 1, 0);
    CHECK_STR(L.report, "");
    CHECK_HIT(dom(L.s, "www.evil.example"), "evil.example", "Malware, C2", "Vendor \"X\", Inc.", feed, 1);
    CHECK_HIT(ip(L.s, "1.2.3.4"), "1.2.3.4", "Scanner", "feed.csv", feed, 4);
    CHECK_HIT(ip(L.s, "5.6.7.8"), "5.6.7.8", DEF_CAT, "feed.csv", feed, DEF_SEV);
    CHECK_MISS(dom(L.s, "indicator"));
    unload(&L);

    /* columns in another order, extra columns, severity words and digits */
    const char *ord = write_list("order.csv",
                                 "Source,Comment,Severity,IOC,First Seen,Category\n"                /* 1 */
                                 "abuse.ch,\"free text, with comma\",critical,bad.example,2024-01-01,Botnet\n"
                                 "abuse.ch,x,medium,2.2.2.2,2024,Botnet\n"                           /* 3 */
                                 "abuse.ch,x,LOW,3.3.3.3,,\n"                                        /* 4 */
                                 "abuse.ch,x,info,4.4.4.4,,\n"                                       /* 5 */
                                 "abuse.ch,x,informational,5.5.5.5\n"                                /* 6 */
                                 "abuse.ch,x,2,6.6.6.6,,\n"                                          /* 7 */
                                 "abuse.ch,x,urgent,7.7.7.7,,\n"                                     /* 8 */
                                 "abuse.ch,x,0,8.8.8.8\n"                                            /* 9 */
                                 "abuse.ch,x,1\n"                                                    /* 10 */
                                 "abuse.ch,x,High,9.9.9.9,,\"Phishing \"\"kit\"\"\"\n"               /* 11 */
                                 "abuse.ch,x,5,10.10.10.10\n");                                      /* 12 */
    load1(&L, ord);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 6, 1, 0, 0, 0, 7, 10, 4, 0, 1, 0);
    snprintf(want, sizeof(want), "%s%s%s%s", rline(ord, 8, "severity 'urgent' " BAD_SEVERITY),
             rline(ord, 9, "severity '0' " BAD_SEVERITY), rline(ord, 10, "no indicator in the line"),
             rline(ord, 12, "severity '5' " BAD_SEVERITY));
    CHECK_STR(L.report, want);
    CHECK_HIT(dom(L.s, "bad.example"), "bad.example", "Botnet", "abuse.ch", ord, 1);
    CHECK_HIT(ip(L.s, "2.2.2.2"), "2.2.2.2", "Botnet", "abuse.ch", ord, 2);
    CHECK_HIT(ip(L.s, "3.3.3.3"), "3.3.3.3", DEF_CAT, "abuse.ch", ord, 3);
    CHECK_HIT(ip(L.s, "4.4.4.4"), "4.4.4.4", DEF_CAT, "abuse.ch", ord, 4);
    CHECK_HIT(ip(L.s, "5.5.5.5"), "5.5.5.5", DEF_CAT, "abuse.ch", ord, 4);
    CHECK_HIT(ip(L.s, "6.6.6.6"), "6.6.6.6", DEF_CAT, "abuse.ch", ord, 2);
    CHECK_HIT(ip(L.s, "9.9.9.9"), "9.9.9.9", "Phishing \"kit\"", "abuse.ch", ord, 1);
    CHECK_MISS(ip(L.s, "7.7.7.7"));
    CHECK_MISS(ip(L.s, "8.8.8.8"));
    CHECK_MISS(ip(L.s, "10.10.10.10"));
    CHECK_MISS(dom(L.s, "free text, with comma"));
    unload(&L);

    /* types: known, unknown, disagreeing with the value */
    const char *typ = write_list("types.csv",
                                 "value,type\n"                   /* 1 */
                                 "1.2.3.4,domain\n"               /* 2: not of the type */
                                 "example.org,hostname\n"         /* 3 */
                                 "foo.example,md5\n"              /* 4: unknown type */
                                 "\"http://x.example/p\",URL\n"   /* 5 */
                                 JA3_HEX ",ja3\n"                 /* 6 */
                                 SHA_HEX ",sha256\n"              /* 7 */
                                 "10.9.8.0/24,cidr\n"             /* 8 */
                                 ",ip\n"                          /* 9: no indicator */
                                 "example.net,ip\n"               /* 10: not of the type */
                                 "2001:db8::/32,ipv6\n"           /* 11 */
                                 JA3_HEX ",sha256\n"              /* 12: not of the type */
                                 "plain.example,url\n"            /* 13: a URL, the root */
                                 "fqdn.example,FQDN\n"            /* 14 */
                                 "9.9.9.9,ipv4\n"                 /* 15 */
                                 "http://y.example/q,domain\n");  /* 16: not of the type */
    load1(&L, typ);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 3, 2, 2, 1, 1, 9, 14, 6, 0, 1, 0);
    snprintf(want, sizeof(want), "%s%s%s%s%s%s",
             rline(typ, 2, "'1.2.3.4' is not of the type the line gives"),
             rline(typ, 4, "unknown indicator type 'md5'"), rline(typ, 9, "no indicator in the line"),
             rline(typ, 10, "'example.net' is not of the type the line gives"),
             rline(typ, 12, "'" JA3_HEX "' is not of the type the line gives"),
             rline(typ, 16, "'http://y.example/q' is not of the type the line gives"));
    CHECK_STR(L.report, want);
    CHECK_MISS(ip(L.s, "1.2.3.4"));
    CHECK_MISS(dom(L.s, "foo.example"));
    CHECK_MISS(dom(L.s, "example.net"));
    CHECK_HIT(dom(L.s, "example.org"), "example.org", DEF_CAT, "types.csv", typ, DEF_SEV);
    CHECK_HIT(dom(L.s, "fqdn.example"), "fqdn.example", DEF_CAT, "types.csv", typ, DEF_SEV);
    CHECK_HIT(url(L.s, "x.example", "/p"), "x.example/p", DEF_CAT, "types.csv", typ, DEF_SEV);
    CHECK_HIT(url(L.s, "plain.example", "/"), "plain.example/", DEF_CAT, "types.csv", typ, DEF_SEV);
    CHECK_MISS(dom(L.s, "plain.example"));
    CHECK(ja3(L.s, JA3_HEX) != NULL);
    CHECK(sha(L.s, SHA_HEX) != NULL);
    CHECK_HIT(ip(L.s, "10.9.8.7"), "10.9.8.0/24", DEF_CAT, "types.csv", typ, DEF_SEV);
    CHECK_HIT(ip(L.s, "2001:db8::77"), "2001:db8::/32", DEF_CAT, "types.csv", typ, DEF_SEV);
    CHECK_HIT(ip(L.s, "9.9.9.9"), "9.9.9.9", DEF_CAT, "types.csv", typ, DEF_SEV);
    unload(&L);

    /* no header: indicator, category, severity, source by position */
    const char *pos = write_list("nohead.csv", "9.9.9.9,Positional Cat,2,Some Source\n"
                                               "\"bad.example, quoted\",x\n"
                                               "hidden.example,,,\n"
                                               "\"quoted.example\",\"Cat, with comma\",low\n");
    load1(&L, pos);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 1, 2, 0, 0, 0, 3, 4, 1, 0, 1, 0);
    CHECK_STR(L.report, rline(pos, 2, "'bad.example, quoted' " NOT_AN_INDICATOR));
    CHECK_HIT(ip(L.s, "9.9.9.9"), "9.9.9.9", "Positional Cat", "Some Source", pos, 2);
    CHECK_HIT(dom(L.s, "hidden.example"), "hidden.example", DEF_CAT, "nohead.csv", pos, DEF_SEV);
    CHECK_HIT(dom(L.s, "quoted.example"), "quoted.example", "Cat, with comma", "nohead.csv", pos, 3);
    unload(&L);

    /* a header without an indicator column: the file is skipped */
    const char *noind = write_list("noind.csv", "type,category\nip,foo\n1.2.3.4,ip\n");
    load1(&L, noind);
    CHECK(L.s != NULL);
    CHECK_EQ(L.st.files_failed, 1);
    CHECK_EQ(L.st.total, 0);
    CHECK_EQ(L.st.lines, 0);
    CHECK_EQ(L.st.bad, 0);
    snprintf(want, sizeof(want),
             "canh-sensor: %s:1: the header names no 'indicator' column (file skipped)\n", noind);
    CHECK_STR(L.report, want);
    CHECK_MISS(ip(L.s, "1.2.3.4"));
    unload(&L);

    /* all of them in one load: the statistics add up, each entry keeps its file;
     * 9.9.9.9 is in three files (severities 1, 3, 2): the first, most severe, stays */
    const char *all[] = { feed, ord, typ, pos, noind };
    load_files(&L, all, 5);
    CHECK(L.s != NULL);
    CHECK_EQ(L.st.total, 3 + 7 + 9 + 3 - 2);
    CHECK_EQ(L.st.lines, 3 + 10 + 14 + 4);
    CHECK_EQ(L.st.bad, 0 + 4 + 6 + 1);
    CHECK_EQ(L.st.duplicates, 2);
    CHECK_EQ(L.st.files_failed, 1);
    CHECK_EQ(count_lines(L.report), 4 + 6 + 1 + 1);
    CHECK_HIT(ip(L.s, "1.2.3.4"), "1.2.3.4", "Scanner", "feed.csv", feed, 4);
    CHECK_HIT(ip(L.s, "9.9.9.9"), "9.9.9.9", "Phishing \"kit\"", "abuse.ch", ord, 1);
    CHECK_HIT(dom(L.s, "hidden.example"), "hidden.example", DEF_CAT, "nohead.csv", pos, DEF_SEV);
    CHECK_HIT(dom(L.s, "example.org"), "example.org", DEF_CAT, "types.csv", typ, DEF_SEV);
    unload(&L);
}

/* ---------------------------------------------------------------------------------- */
/* 6. Duplicates                                                                      */
/* ---------------------------------------------------------------------------------- */

static void test_duplicates(void)
{
    const char *a = write_list("dup-a.csv", "7.7.7.7,From A,3\n"
                                            "example.com,From A,2\n"
                                            "10.1.2.3/8,From A,2\n"
                                            "http://Dup.Example:81/x,From A,4\n");
    const char *b = write_list("dup-b.csv", "7.7.7.7,From B,1\n"
                                            "*.Example.COM.,From B,2\n"
                                            "10.0.0.0/8,From B,4\n"
                                            "dup.example/x,From B,3\n");
    struct load L;
    for (int order = 0; order < 2; order++) {
        const char *files[2] = { order ? b : a, order ? a : b };
        load_files(&L, files, 2);
        CHECK(L.s != NULL);
        CHECK_STATS(L.st, 2, 1, 1, 0, 0, 4, 8, 0, 4, 2, 0);
        /* the most severe wins whichever file comes first */
        CHECK_HIT(ip(L.s, "7.7.7.7"), "7.7.7.7", "From B", "dup-b.csv", b, 1);
        CHECK_HIT(ip(L.s, "10.200.0.1"), "10.0.0.0/8", "From A", "dup-a.csv", a, 2);
        CHECK_HIT(url(L.s, "dup.example", "/x"), "dup.example/x", "From B", "dup-b.csv", b, 3);
        /* equally severe: the first listing is kept */
        if (order == 0)
            CHECK_HIT(dom(L.s, "example.com"), "example.com", "From A", "dup-a.csv", a, 2);
        else
            CHECK_HIT(dom(L.s, "example.com"), "example.com", "From B", "dup-b.csv", b, 2);
        unload(&L);
    }

    /* within one file */
    const char *c = write_list("dup-c.txt", "1.1.1.1\n1.1.1.1/32\n1.1.1.1\nexample.com\nEXAMPLE.com\n");
    load1(&L, c);
    CHECK_STATS(L.st, 1, 1, 0, 0, 0, 2, 5, 0, 3, 1, 0);
    CHECK_HIT(ip(L.s, "1.1.1.1"), "1.1.1.1", DEF_CAT, "dup-c.txt", c, DEF_SEV);
    unload(&L);

    /* the same file twice: every entry a duplicate the second time */
    const char *twice[2] = { c, c };
    load_files(&L, twice, 2);
    CHECK_STATS(L.st, 1, 1, 0, 0, 0, 2, 10, 0, 8, 2, 0);
    unload(&L);
}

/* ---------------------------------------------------------------------------------- */
/* 7. Bad input                                                                       */
/* ---------------------------------------------------------------------------------- */

static void test_bad_input(void)
{
    struct load L;
    char want[8192];

    /* an unreadable path among readable ones */
    const char *missing = tpath("does-not-exist.txt");
    char missing_copy[256];
    snprintf(missing_copy, sizeof(missing_copy), "%s", missing);
    const char *good = write_list("good.txt", "good.example\n");
    const char *files[2] = { missing_copy, good };
    load_files(&L, files, 2);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1);
    snprintf(want, sizeof(want),
             "canh-sensor: %s: cannot read: No such file or directory (list skipped)\n", missing_copy);
    CHECK_STR(L.report, want);
    CHECK(dom(L.s, "good.example") != NULL);
    unload(&L);

    /* a directory opens but does not read: reported */
    char dirp[256];
    snprintf(dirp, sizeof(dirp), "%s/adir", tmpdir);
    CHECK(mkdir(dirp, 0700) == 0);
    load1(&L, dirp);
    CHECK(L.s != NULL);
    CHECK_EQ(L.st.total, 0);
    CHECK(strstr(L.report, dirp) != NULL);
    CHECK(strstr(L.report, "read error (rest of the list skipped)\n") != NULL ||
          strstr(L.report, "cannot read") != NULL);
    CHECK_EQ(count_lines(L.report), 1);
    unload(&L);

    /* lines longer than IOC_LINE_MAX; a URL of exactly IOC_LINE_MAX bytes loads */
    size_t cap = 4 * IOC_LINE_MAX + 1024;
    char *text = malloc(cap), *longurl = malloc(IOC_LINE_MAX + 1);
    size_t n = 0;
    n += (size_t)sprintf(text + n, "ok.example\n");
    memset(text + n, 'a', 5000);
    n += 5000;
    text[n++] = '\n';
    memcpy(longurl, "x.example/", 10);
    memset(longurl + 10, 'b', IOC_LINE_MAX - 10);
    longurl[IOC_LINE_MAX] = '\0';
    n += (size_t)sprintf(text + n, "%s\r\n", longurl);           /* 3: IOC_LINE_MAX, loads */
    n += (size_t)sprintf(text + n, "  %sb  \n", longurl);         /* 4: one byte more */
    n += (size_t)sprintf(text + n, "after.example\n");
    const char *lp = write_bytes("long.txt", text, n);
    load1(&L, lp);
    CHECK(L.s != NULL);
    CHECK_STATS(L.st, 0, 2, 1, 0, 0, 3, 3, 2, 0, 1, 0);
    char a40[41], x40[41];
    memset(a40, 'a', 40);
    a40[40] = '\0';
    snprintf(x40, sizeof(x40), "%s", longurl);
    char m1[128], m2[128];
    snprintf(m1, sizeof(m1), "line longer than the limit: '%s...'", a40);
    snprintf(m2, sizeof(m2), "line longer than the limit: '%s...'", x40);
    snprintf(want, sizeof(want), "%s%s", rline(lp, 2, m1), rline(lp, 4, m2));
    CHECK_STR(L.report, want);
    CHECK(url(L.s, "x.example", longurl + 9) != NULL);
    CHECK_STR(m, longurl);
    CHECK(dom(L.s, "after.example") != NULL);
    CHECK(dom(L.s, "ok.example") != NULL);
    /* a URL one byte longer than any listed one */
    char *lt = malloc(IOC_LINE_MAX + 2);
    snprintf(lt, IOC_LINE_MAX + 2, "%sb", longurl + 9);
    CHECK_MISS(url(L.s, "x.example", lt));
    free(lt);
    unload(&L);

    /* more bad lines than IOC_REPORT_MAX: the first ones, then a count */
    n = 0;
    for (int i = 0; i < 25; i++)
        n += (size_t)sprintf(text + n, "bad line %d\n", i);
    const char *many = write_bytes("many.txt", text, n);
    load1(&L, many);
    CHECK_STATS(L.st, 0, 0, 0, 0, 0, 0, 25, 25, 0, 1, 0);
    CHECK_EQ(count_lines(L.report), IOC_REPORT_MAX + 1);
    snprintf(want, sizeof(want), "canh-sensor: %s: %u more lines skipped\n", many,
             (unsigned)(25 - IOC_REPORT_MAX));
    CHECK(L.rlen >= strlen(want) && strcmp(L.report + L.rlen - strlen(want), want) == 0);
    CHECK(strstr(L.report, rline(many, IOC_REPORT_MAX, "'bad line 9' " NOT_AN_INDICATOR)) != NULL);
    CHECK(strstr(L.report, "'bad line 10'") == NULL);
    unload(&L);
    free(text);
    free(longurl);

    /* binary garbage, NUL bytes included, as a plain list and as CSV; the report stays
     * within IOC_REPORT_MAX lines and the summary */
    enum { GSIZE = 256 * 1024 };
    uint8_t *g = malloc(GSIZE);
    rng_seed(0xdeadbeef);
    for (size_t i = 0; i < GSIZE; i++) {
        uint64_t r = rnd();
        g[i] = (uint8_t)(r >> 32);
        if (r % 97 == 0)
            g[i] = 0;
        else if (r % 89 == 0)
            g[i] = '/';
    }
    const char *gp[2] = { write_bytes("garbage.txt", g, GSIZE), write_bytes("garbage.csv", g, GSIZE) };
    for (int i = 0; i < 2; i++) {
        load1(&L, gp[i]);
        CHECK(L.s != NULL);
        CHECK_EQ(L.st.files, 1);
        CHECK(L.st.bad > IOC_REPORT_MAX);
        CHECK_EQ(count_lines(L.report), IOC_REPORT_MAX + 1);
        snprintf(want, sizeof(want), "canh-sensor: %s: %llu more lines skipped\n", gp[i],
                 (unsigned long long)L.st.bad - IOC_REPORT_MAX);
        CHECK(L.rlen >= strlen(want) && strcmp(L.report + L.rlen - strlen(want), want) == 0);
        CHECK(L.st.lines <= L.st.bad + L.st.total + L.st.duplicates);
        /* every report line names the file */
        unsigned named = 0;
        for (const char *q = L.report; (q = strstr(q, gp[i])) != NULL; q++)
            named++;
        CHECK(named >= IOC_REPORT_MAX + 1);
        unload(&L);
    }
    free(g);

    /* an empty file */
    const char *empty = write_list("empty.txt", "");
    load1(&L, empty);
    CHECK_STATS(L.st, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
    CHECK_STR(L.report, "");
    unload(&L);

    /* no report stream: the same loading, silently */
    struct ioc_load_stats st;
    char err[CANH_ERRBUF_SIZE];
    const char *quiet_files[2] = { missing_copy, many };
    struct ioc_load_conf qc = { .files = quiet_files, .nfiles = 2, .default_severity = 2,
                                .default_category = "c", .report = NULL };
    struct ioc_store *qs = ioc_store_load(&qc, &st, err);
    CHECK(qs != NULL);
    CHECK_EQ(st.bad, 25);
    CHECK_EQ(st.files, 1);
    CHECK_EQ(st.files_failed, 1);
    ioc_store_free(qs);

    /* NULL stores */
    ioc_store_free(NULL);
    uint8_t a16[16] = { 1, 2, 3, 4 };
    CHECK_MISS(ioc_lookup_ip(NULL, 4, a16, m, sizeof(m)));
    CHECK_MISS(ioc_lookup_ip(NULL, 6, a16, m, sizeof(m)));
    CHECK_MISS(ioc_lookup_domain(NULL, "example.com", 11, m, sizeof(m)));
    CHECK_MISS(ioc_lookup_url(NULL, "example.com", 11, "/", 1, m, sizeof(m)));
    CHECK_MISS(ioc_lookup_ja3(NULL, JA3_HEX, 32));
    uint8_t d32[32] = { 0 };
    CHECK_MISS(ioc_lookup_sha256(NULL, d32));
    CHECK(!ioc_store_has(NULL, IOC_IP));
}

/* ---------------------------------------------------------------------------------- */
/* 8. One million entries                                                             */
/* ---------------------------------------------------------------------------------- */

/* The listed indicators, by kind and index:
 *   500,000 IPv4 addresses, 100,000 IPv4 /24 blocks, all below 128.0.0.0;
 *   300,000 domains "nK.hXXXXXXXX.test"; 100,000 SHA-256 digests whose first 4 bytes
 *   are the index (so byte 0 is 0). */
#define BIG_V4 500000u
#define BIG_NET 100000u
#define BIG_DOM 300000u
#define BIG_SHA 100000u

static uint32_t big_v4(uint32_t i)
{
    return (i * 0x9e3779b1u) & 0x7fffffffu; /* odd multiplier: distinct below 2^31 */
}

static uint32_t big_net(uint32_t j)
{
    return ((j * 0x2545f491u) & 0x7fffffu) << 8;
}

static int big_dom(uint32_t k, char *b, size_t n)
{
    return snprintf(b, n, "n%u.h%08x.test", k, k * 0x85ebca6bu);
}

static void big_sha(uint32_t k, uint8_t d[32])
{
    d[0] = (uint8_t)(k >> 24), d[1] = (uint8_t)(k >> 16), d[2] = (uint8_t)(k >> 8), d[3] = (uint8_t)k;
    for (int w = 0; w < 4; w++) {
        uint64_t r = splitmix((uint64_t)k * 4 + (uint64_t)w);
        memcpy(d + 4 + 7 * w, &r, 7);
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void test_million(void)
{
    const char *p = tpath("million.txt");
    char path[256];
    snprintf(path, sizeof(path), "%s", p);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    static char fbuf[1 << 20];
    setvbuf(f, fbuf, _IOFBF, sizeof(fbuf));
    uint32_t nv4 = 0, nnet = 0, ndom = 0, nsha = 0;
    for (uint32_t i = 0; i < 1000000; i++) {
        char b[80];
        unsigned kind = i % 10;
        if (kind < 5) {
            fmt4(big_v4(nv4++), b, sizeof(b));
            fprintf(f, "%s\n", b);
        } else if (kind == 5) {
            fmt4(big_net(nnet++), b, sizeof(b));
            fprintf(f, "%s/24\n", b);
        } else if (kind < 9) {
            big_dom(ndom++, b, sizeof(b));
            fprintf(f, "%s\n", b);
        } else {
            uint8_t d[32];
            big_sha(nsha++, d);
            for (int j = 0; j < 32; j++)
                fprintf(f, "%02x", d[j]);
            fputc('\n', f);
        }
    }
    CHECK(fclose(f) == 0);
    CHECK_EQ(nv4, BIG_V4);
    CHECK_EQ(nnet, BIG_NET);
    CHECK_EQ(ndom, BIG_DOM);
    CHECK_EQ(nsha, BIG_SHA);

    struct load L;
    load1(&L, path);
    CHECK(L.s != NULL);
    if (L.s == NULL) {
        fprintf(stderr, "load failed: %s\n", L.err);
        free(L.report);
        return;
    }
    printf("ioc: %llu entries loaded in %.2f s, %.1f MiB\n", (unsigned long long)L.st.total,
           L.st.seconds, (double)L.st.memuse / (1024.0 * 1024.0));
    CHECK_STATS(L.st, BIG_V4 + BIG_NET, BIG_DOM, 0, 0, BIG_SHA, 1000000, 1000000, 0, 0, 1, 0);
    CHECK_STR(L.report, "");
    CHECK(L.st.memuse < (size_t)256 << 20);

    /* the probes, prepared before the clock runs: half listed (or inside a listed
     * block, or below a listed domain), half certainly not */
    enum { NPROBE = 1000000 };
    struct probe {
        uint8_t kind; /* 0 address, 1 domain, 2 digest */
        bool hit;
        uint16_t len;
        uint32_t idx;
    };
    struct probe *pr = malloc(NPROBE * sizeof(*pr));
    uint8_t(*addrs)[16] = calloc(600000, 16);
    char(*names)[48] = malloc(300000 * sizeof(*names));
    uint8_t(*digests)[32] = malloc(100000 * 32);
    uint32_t na = 0, nn = 0, nd = 0, want_hits = 0;
    rng_seed(0x0123456789abcdefULL);
    for (uint32_t i = 0; i < NPROBE; i++) {
        unsigned kind = i % 10;
        bool hit = (i / 10) % 2 == 0;
        uint64_t r = rnd();
        struct probe *q = &pr[i];
        q->hit = hit;
        want_hits += hit;
        if (kind < 6) {
            uint32_t a;
            if (!hit)
                a = (uint32_t)r | 0x80000000u;
            else if (kind < 5)
                a = big_v4((uint32_t)(r % BIG_V4));
            else
                a = big_net((uint32_t)(r % BIG_NET)) | (uint32_t)(r >> 56);
            q->kind = 0;
            q->idx = na;
            addrs[na][0] = (uint8_t)(a >> 24), addrs[na][1] = (uint8_t)(a >> 16);
            addrs[na][2] = (uint8_t)(a >> 8), addrs[na][3] = (uint8_t)a;
            na++;
        } else if (kind < 9) {
            uint32_t k = (uint32_t)(r % BIG_DOM);
            char b[48];
            big_dom(k, b, sizeof(b));
            int len;
            if (!hit)
                len = snprintf(names[nn], sizeof(names[0]), "n%u.h%08x.miss", k, k);
            else if (r >> 63)
                len = snprintf(names[nn], sizeof(names[0]), "www.%s", b);
            else
                len = snprintf(names[nn], sizeof(names[0]), "%s", b);
            q->kind = 1;
            q->idx = nn++;
            q->len = (uint16_t)len;
        } else {
            big_sha((uint32_t)(r % BIG_SHA), digests[nd]);
            if (!hit)
                digests[nd][0] = 0xff;
            q->kind = 2;
            q->idx = nd++;
        }
    }
    uint32_t hits = 0, wrong = 0;
    double t0 = now();
    for (uint32_t i = 0; i < NPROBE; i++) {
        const struct probe *q = &pr[i];
        const struct ioc_info *in;
        if (q->kind == 0)
            in = ioc_lookup_ip(L.s, 4, addrs[q->idx], NULL, 0);
        else if (q->kind == 1)
            in = ioc_lookup_domain(L.s, names[q->idx], q->len, NULL, 0);
        else
            in = ioc_lookup_sha256(L.s, digests[q->idx]);
        hits += in != NULL;
        wrong += (in != NULL) != q->hit;
    }
    double dt = now() - t0;
    printf("ioc: %u lookups in %.3f s, %.0f lookups/s (%u hits)\n", NPROBE, dt,
           dt > 0 ? NPROBE / dt : 0.0, hits);
    CHECK_EQ(hits, want_hits);
    CHECK_EQ(hits, NPROBE / 2);
    CHECK_EQ(wrong, 0);

    /* a sample, with the matched indicator and the information */
    for (uint32_t i = 0; i < NPROBE; i += 997) {
        const struct probe *q = &pr[i];
        if (!q->hit || q->kind == 2)
            continue;
        const struct ioc_info *in;
        char want[64];
        if (q->kind == 0) {
            in = ioc_lookup_ip(L.s, 4, addrs[q->idx], m, sizeof(m));
            uint32_t a = (uint32_t)addrs[q->idx][0] << 24 | (uint32_t)addrs[q->idx][1] << 16 |
                         (uint32_t)addrs[q->idx][2] << 8 | addrs[q->idx][3];
            fmt4(a, want, sizeof(want));
            if (i % 10 == 5) {
                fmt4(a & 0xffffff00u, want, sizeof(want));
                strcat(want, "/24");
            }
        } else {
            in = ioc_lookup_domain(L.s, names[q->idx], q->len, m, sizeof(m));
            const char *nm = names[q->idx];
            snprintf(want, sizeof(want), "%s", strncmp(nm, "www.", 4) == 0 ? nm + 4 : nm);
        }
        CHECK_HIT(in, want, DEF_CAT, "million.txt", path, DEF_SEV);
    }
    free(pr);
    free(addrs);
    free(names);
    free(digests);
    unload(&L);
    unlink(path);
}

int main(void)
{
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_plain();
    test_lpm_small();
    test_lpm_random_v4();
    test_lpm_random_v6();
    test_domains();
    test_urls();
    test_csv();
    test_duplicates();
    test_bad_input();
    test_million();
    remove_tmpdir();
    return test_done("ioc");
}
