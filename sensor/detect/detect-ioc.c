/* Threat-intelligence lists: loading and lookups. See detect-ioc.h.
 *
 * Every indicator becomes a key in one hash table per type (open addressing, keys in a
 * byte arena):
 *   address  [4 or 6][prefix length][address masked to the prefix]
 *   domain   the name in lower case, without a trailing dot or a leading "*."
 *   URL      "host/path?query", host in lower case, no scheme, no port
 *   JA3      16 bytes; SHA-256: 32 bytes
 * and maps to an interned (category, source, list, severity). Address lookups probe the
 * prefix lengths present in the lists, longest first.
 *
 * File formats (docs/ioc.md):
 *   plain  one indicator per line; '#' starts a comment line; the type is recognised
 *          (address or block, 32 or 64 hex digits, URL with a scheme or a '/', domain);
 *   CSV    (".csv") a header line naming the columns: indicator (or value, ioc),
 *          and optionally type, category, severity, source; other columns are ignored.
 *          Without a header the columns are indicator, category, severity, source.
 *          Fields may be quoted ("a ""b"", c"). */
#include "detect/detect-ioc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/detect-int.h"
#include "detect/detect-run.h"
#include "flow/flow.h"
#include "output/output-eve-alert.h"
#include "util/util-hash.h"
#include "util/util-json.h"

/* ---------------------------------------------------------------------------------- */
/* Key tables                                                                         */
/* ---------------------------------------------------------------------------------- */

struct kent {
    uint32_t hash;
    uint32_t koff;  /* key in the arena: 2 bytes of length, then the key */
    uint32_t info;
};

struct ktab {
    uint32_t *slots; /* entry index + 1; 0 is empty */
    uint32_t mask;
    struct kent *ents;
    uint32_t n, cap;
    uint8_t *arena;
    size_t alen, acap;
};

static uint32_t key_hash(const uint8_t *k, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, k, 8);
        h = hash_mix64(h ^ w);
        k += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, k, n);
    return (uint32_t)hash_mix64(h ^ w ^ 0xa5);
}

static void ktab_free(struct ktab *t)
{
    free(t->slots);
    free(t->ents);
    free(t->arena);
    memset(t, 0, sizeof(*t));
}

static size_t ktab_memuse(const struct ktab *t)
{
    return (t->slots ? (size_t)(t->mask + 1) * 4 : 0) + (size_t)t->cap * sizeof(struct kent) + t->acap;
}

static const uint8_t *ktab_key(const struct ktab *t, const struct kent *e, size_t *n)
{
    const uint8_t *p = t->arena + e->koff;
    *n = (size_t)p[0] | (size_t)p[1] << 8;
    return p + 2;
}

static struct kent *ktab_find(const struct ktab *t, const uint8_t *k, size_t n, uint32_t h)
{
    if (t->slots == NULL)
        return NULL;
    for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
        uint32_t s = t->slots[i];
        if (s == 0)
            return NULL;
        struct kent *e = &t->ents[s - 1];
        size_t en;
        const uint8_t *ek;
        if (e->hash == h && (ek = ktab_key(t, e, &en), en == n) && memcmp(ek, k, n) == 0)
            return e;
    }
}

static int ktab_grow_slots(struct ktab *t)
{
    uint32_t nslots = t->slots ? (t->mask + 1) * 2 : 1024;
    uint32_t *ns = calloc(nslots, sizeof(*ns));
    if (ns == NULL)
        return CANH_ENOMEM;
    for (uint32_t i = 0; i < t->n; i++) {
        uint32_t j = t->ents[i].hash & (nslots - 1);
        while (ns[j] != 0)
            j = (j + 1) & (nslots - 1);
        ns[j] = i + 1;
    }
    free(t->slots);
    t->slots = ns;
    t->mask = nslots - 1;
    return CANH_OK;
}

/* Adds key k -> info; when present, *dup is set and the entry returned untouched. */
static struct kent *ktab_add(struct ktab *t, const uint8_t *k, size_t n, uint32_t info, bool *dup)
{
    uint32_t h = key_hash(k, n);
    struct kent *e = ktab_find(t, k, n, h);
    *dup = e != NULL;
    if (e != NULL)
        return e;
    if (t->slots == NULL || (uint64_t)(t->n + 1) * 10 > (uint64_t)(t->mask + 1) * 7)
        if (ktab_grow_slots(t) != CANH_OK)
            return NULL;
    if (t->n == t->cap) {
        uint32_t nc = t->cap ? t->cap * 2 : 256;
        struct kent *ne = realloc(t->ents, (size_t)nc * sizeof(*ne));
        if (ne == NULL)
            return NULL;
        t->ents = ne;
        t->cap = nc;
    }
    if (t->alen + n + 2 > t->acap) {
        size_t nc = t->acap ? t->acap * 2 : 4096;
        while (nc < t->alen + n + 2)
            nc *= 2;
        if (nc > UINT32_MAX)
            return NULL;
        uint8_t *na = realloc(t->arena, nc);
        if (na == NULL)
            return NULL;
        t->arena = na;
        t->acap = nc;
    }
    e = &t->ents[t->n];
    e->hash = h;
    e->koff = (uint32_t)t->alen;
    e->info = info;
    t->arena[t->alen] = (uint8_t)(n & 0xff);
    t->arena[t->alen + 1] = (uint8_t)(n >> 8);
    memcpy(t->arena + t->alen + 2, k, n);
    t->alen += n + 2;
    t->n++;
    uint32_t j = h & t->mask;
    while (t->slots[j] != 0)
        j = (j + 1) & t->mask;
    t->slots[j] = t->n;
    return e;
}

static const struct kent *ktab_get(const struct ktab *t, const uint8_t *k, size_t n)
{
    return ktab_find(t, k, n, key_hash(k, n));
}

/* ---------------------------------------------------------------------------------- */
/* The store                                                                          */
/* ---------------------------------------------------------------------------------- */

struct ioc_store {
    struct ktab tab[IOC_TYPE_MAX];
    uint64_t v4lens;       /* bit L: a /L IPv4 block is listed */
    uint64_t v6lens[3];    /* bits 0..128 */
    struct ioc_info *infos;
    uint32_t ninfos, capinfos;
    struct ktab infokeys;  /* "sev\0category\0source\0list" -> info index */
};

static const char *const type_names[IOC_TYPE_MAX] = { "ip", "domain", "url", "ja3", "sha256" };

const char *ioc_type_name(enum ioc_type t)
{
    return (unsigned)t < IOC_TYPE_MAX ? type_names[t] : "?";
}

void ioc_store_free(struct ioc_store *s)
{
    if (s == NULL)
        return;
    for (int t = 0; t < IOC_TYPE_MAX; t++)
        ktab_free(&s->tab[t]);
    for (uint32_t i = 0; i < s->ninfos; i++) {
        free((char *)s->infos[i].category);
        free((char *)s->infos[i].source);
        free((char *)s->infos[i].list);
    }
    free(s->infos);
    ktab_free(&s->infokeys);
    free(s);
}

bool ioc_store_has(const struct ioc_store *s, enum ioc_type t)
{
    return s != NULL && (unsigned)t < IOC_TYPE_MAX && s->tab[t].n > 0;
}

/* Index of the interned (severity, category, source, list); UINT32_MAX without memory. */
static uint32_t intern_info(struct ioc_store *s, unsigned sev, const char *cat, const char *src,
                            const char *list)
{
    uint8_t key[2 * 256 + 4096 + 4];
    size_t lc = strnlen(cat, 255), ls = strnlen(src, 255), ll = strnlen(list, 4096);
    size_t n = 0;
    key[n++] = (uint8_t)sev;
    memcpy(key + n, cat, lc), n += lc, key[n++] = 0;
    memcpy(key + n, src, ls), n += ls, key[n++] = 0;
    memcpy(key + n, list, ll), n += ll;
    const struct kent *e = ktab_get(&s->infokeys, key, n);
    if (e != NULL)
        return e->info;
    if (s->ninfos == s->capinfos) {
        uint32_t nc = s->capinfos ? s->capinfos * 2 : 16;
        struct ioc_info *ni = realloc(s->infos, (size_t)nc * sizeof(*ni));
        if (ni == NULL)
            return UINT32_MAX;
        s->infos = ni;
        s->capinfos = nc;
    }
    struct ioc_info *i = &s->infos[s->ninfos];
    i->category = strndup(cat, lc);
    i->source = strndup(src, ls);
    i->list = strndup(list, ll);
    i->severity = (uint8_t)sev;
    if (i->category == NULL || i->source == NULL || i->list == NULL) {
        free((char *)i->category);
        free((char *)i->source);
        free((char *)i->list);
        return UINT32_MAX;
    }
    bool dup;
    if (ktab_add(&s->infokeys, key, n, s->ninfos, &dup) == NULL)
        return UINT32_MAX;
    return s->ninfos++;
}

/* ---------------------------------------------------------------------------------- */
/* Indicators: recognising and normalising                                            */
/* ---------------------------------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 2*n hex digits -> n bytes */
static bool parse_hex(const char *s, size_t len, uint8_t *out, size_t n)
{
    if (len != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int a = hexval((unsigned char)s[2 * i]), b = hexval((unsigned char)s[2 * i + 1]);
        if (a < 0 || b < 0)
            return false;
        out[i] = (uint8_t)(a << 4 | b);
    }
    return true;
}

/* "a.b.c.d", "a.b.c.d/L", IPv6 and IPv6/L -> key [ver][L][masked address] */
static bool parse_ip(const char *s, size_t len, uint8_t key[18], size_t *klen)
{
    char buf[64];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    long plen = -1;
    if (slash != NULL) {
        *slash = '\0';
        char *end;
        if (slash[1] == '\0' || !isdigit((unsigned char)slash[1]))
            return false;
        plen = strtol(slash + 1, &end, 10);
        if (*end != '\0')
            return false;
    }
    uint8_t a[16];
    int ver, bytes;
    if (inet_pton(AF_INET, buf, a) == 1) {
        ver = 4, bytes = 4;
    } else if (strchr(buf, ':') != NULL && inet_pton(AF_INET6, buf, a) == 1) {
        ver = 6, bytes = 16;
    } else {
        return false;
    }
    if (plen < 0)
        plen = bytes * 8;
    if (plen > bytes * 8)
        return false;
    for (int i = 0; i < bytes; i++) {
        int keep = (int)plen - i * 8;
        if (keep <= 0)
            a[i] = 0;
        else if (keep < 8)
            a[i] &= (uint8_t)(0xff00u >> keep);
    }
    key[0] = (uint8_t)ver;
    key[1] = (uint8_t)plen;
    memcpy(key + 2, a, (size_t)bytes);
    *klen = 2 + (size_t)bytes;
    return true;
}

static bool domain_char(int c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '.';
}

/* Domain in lower case, without "*." or a leading or trailing dot. */
static bool parse_domain(const char *s, size_t len, uint8_t *out, size_t *olen)
{
    if (len >= 2 && s[0] == '*' && s[1] == '.')
        s += 2, len -= 2;
    while (len > 0 && s[0] == '.')
        s++, len--;
    while (len > 0 && s[len - 1] == '.')
        len--;
    if (len == 0 || len > 253)
        return false;
    bool alpha = false;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (!domain_char(c) || (c == '.' && (i == 0 || s[i - 1] == '.')))
            return false;
        if (!isdigit(c) && c != '.')
            alpha = true;
        out[i] = (uint8_t)tolower(c);
    }
    if (!alpha)
        return false; /* digits and dots: a mistyped address, not a name */
    *olen = len;
    return true;
}

/* Host part: lower case, port and userinfo removed. */
static size_t norm_host(const char *h, size_t n, uint8_t *out, size_t cap)
{
    const char *at = memchr(h, '@', n);
    if (at != NULL)
        n -= (size_t)(at + 1 - h), h = at + 1;
    size_t end = n;
    if (n > 0 && h[0] == '[') { /* [v6]:port */
        const char *rb = memchr(h, ']', n);
        end = rb ? (size_t)(rb - h) + 1 : n;
    } else {
        const char *colon = memchr(h, ':', n);
        if (colon != NULL)
            end = (size_t)(colon - h);
    }
    while (end > 0 && h[end - 1] == '.')
        end--;
    if (end > cap)
        end = cap;
    for (size_t i = 0; i < end; i++)
        out[i] = (uint8_t)tolower((unsigned char)h[i]);
    return end;
}

/* A URL's host: an IPv4 address, an IPv6 literal in brackets, or a domain name. */
static bool valid_host(const uint8_t *h, size_t n)
{
    char buf[256];
    uint8_t tmp[256];
    size_t tn;
    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, h, n);
    buf[n] = '\0';
    if (buf[0] == '[' && buf[n - 1] == ']') {
        buf[n - 1] = '\0';
        return inet_pton(AF_INET6, buf + 1, tmp) == 1;
    }
    if (inet_pton(AF_INET, buf, tmp) == 1)
        return true;
    return parse_domain(buf, n, tmp, &tn);
}

/* "scheme://host:port/path?q#frag" or "host/path" -> "host/path?q" */
static bool parse_url(const char *s, size_t len, uint8_t *out, size_t cap, size_t *olen)
{
    const char *p = s, *e = s + len;
    const char *sep = NULL;
    for (const char *q = s; q + 2 < e; q++) {
        if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
            sep = q;
            break;
        }
        if (!isalnum((unsigned char)q[0]) && q[0] != '+' && q[0] != '-' && q[0] != '.')
            break;
    }
    if (sep != NULL)
        p = sep + 3;
    const char *slash = memchr(p, '/', (size_t)(e - p));
    const char *hend = slash ? slash : e;
    if (hend == p)
        return false;
    for (const char *q = p; q < hend; q++)
        if (isspace((unsigned char)*q))
            return false;
    size_t hn = norm_host(p, (size_t)(hend - p), out, cap);
    if (hn == 0 || !valid_host(out, hn))
        return false;
    if (sep == NULL && slash != NULL && e - slash > 1 && e - slash <= 4) {
        bool digits = true; /* "192.0.2.0/40": a bad CIDR block, not a URL */
        for (const char *q = slash + 1; q < e; q++)
            digits = digits && isdigit((unsigned char)*q);
        if (digits && !isalpha(out[hn - 1]))
            return false;
    }
    const char *frag = memchr(hend, '#', (size_t)(e - hend));
    const char *pend = frag ? frag : e;
    size_t pn = (size_t)(pend - hend);
    if (hn + (pn ? pn : 1) > cap)
        return false;
    if (pn == 0) {
        out[hn] = '/';
        *olen = hn + 1;
    } else {
        memcpy(out + hn, hend, pn);
        *olen = hn + pn;
    }
    return true;
}

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (hexval((unsigned char)s[i]) < 0)
            return false;
    return true;
}

/* Recognises 's' (of type 'want', or any when IOC_TYPE_MAX) and writes its key. */
static int indicator_key(const char *s, size_t len, enum ioc_type want, uint8_t *key, size_t cap,
                         size_t *klen)
{
    if ((want == IOC_TYPE_MAX || want == IOC_IP) && parse_ip(s, len, key, klen))
        return IOC_IP;
    if ((want == IOC_TYPE_MAX || want == IOC_JA3) && len == 32 && all_hex(s, len) &&
        parse_hex(s, len, key, 16)) {
        *klen = 16;
        return IOC_JA3;
    }
    if ((want == IOC_TYPE_MAX || want == IOC_SHA256) && len == 64 && parse_hex(s, len, key, 32)) {
        *klen = 32;
        return IOC_SHA256;
    }
    bool urlish = memchr(s, '/', len) != NULL;
    if ((want == IOC_URL || (want == IOC_TYPE_MAX && urlish)) && parse_url(s, len, key, cap, klen))
        return IOC_URL;
    if ((want == IOC_TYPE_MAX || want == IOC_DOMAIN) && !urlish && parse_domain(s, len, key, klen))
        return IOC_DOMAIN;
    return -1;
}

/* ---------------------------------------------------------------------------------- */
/* Files                                                                              */
/* ---------------------------------------------------------------------------------- */

enum { COL_IND = 0, COL_TYPE, COL_CAT, COL_SEV, COL_SRC, COL_MAX };

struct loader {
    struct ioc_store *s;
    const struct ioc_load_conf *c;
    struct ioc_load_stats *st;
    const char *path;
    const char *base;      /* file name: the default source */
    unsigned line;
    unsigned reported;
    char errbuf[CANH_ERRBUF_SIZE];
    bool fatal;
};

static void bad_line(struct loader *l, const char *fmt, const char *what, size_t n)
{
    l->st->bad++;
    if (l->c->report == NULL)
        return;
    if (l->reported++ < IOC_REPORT_MAX) {
        fprintf(l->c->report, "canh-sensor: %s:%u: ", l->path, l->line);
        fprintf(l->c->report, fmt, (int)(n > 80 ? 80 : n), what);
        fprintf(l->c->report, " (entry skipped)\n");
    }
}

/* Severity: 1..4, or critical/high (1), medium (2), low (3), info (4). 0 when bad. */
static unsigned parse_severity(const char *s, size_t n)
{
    static const struct { const char *name; unsigned v; } names[] = {
        { "critical", 1 }, { "high", 1 }, { "medium", 2 }, { "low", 3 }, { "info", 4 },
        { "informational", 4 },
    };
    if (n == 1 && s[0] >= '1' && s[0] <= '4')
        return (unsigned)(s[0] - '0');
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == n && strncasecmp(s, names[i].name, n) == 0)
            return names[i].v;
    return 0;
}

static enum ioc_type parse_type(const char *s, size_t n)
{
    static const struct { const char *name; enum ioc_type t; } names[] = {
        { "ip", IOC_IP }, { "cidr", IOC_IP }, { "ipv4", IOC_IP }, { "ipv6", IOC_IP },
        { "domain", IOC_DOMAIN }, { "hostname", IOC_DOMAIN }, { "fqdn", IOC_DOMAIN },
        { "url", IOC_URL }, { "ja3", IOC_JA3 }, { "sha256", IOC_SHA256 },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == n && strncasecmp(s, names[i].name, n) == 0)
            return names[i].t;
    return IOC_TYPE_MAX;
}

static void add_entry(struct loader *l, const char *ind, size_t n, const char *type, size_t tn,
                      const char *cat, size_t cn, const char *sev, size_t sn, const char *src,
                      size_t srn)
{
    struct ioc_store *s = l->s;
    l->st->lines++;
    enum ioc_type want = IOC_TYPE_MAX;
    if (tn > 0) {
        want = parse_type(type, tn);
        if (want == IOC_TYPE_MAX) {
            bad_line(l, "unknown indicator type '%.*s'", type, tn);
            return;
        }
    }
    unsigned severity = l->c->default_severity;
    if (sn > 0) {
        severity = parse_severity(sev, sn);
        if (severity == 0) {
            bad_line(l, "severity '%.*s' is not 1-4, critical, high, medium, low or info", sev, sn);
            return;
        }
    }
    uint8_t key[IOC_LINE_MAX + 8];
    size_t klen = 0;
    int t = indicator_key(ind, n, want, key, sizeof(key), &klen);
    if (t < 0) {
        bad_line(l, want == IOC_TYPE_MAX
                        ? "'%.*s' is not an address, CIDR block, domain, URL, JA3 or SHA-256"
                        : "'%.*s' is not of the type the line gives",
                 ind, n);
        return;
    }
    char catb[256], srcb[256];
    snprintf(catb, sizeof(catb), "%.*s", (int)(cn > 255 ? 255 : cn), cat);
    snprintf(srcb, sizeof(srcb), "%.*s", (int)(srn > 255 ? 255 : srn), src);
    uint32_t info = intern_info(s, severity, cn ? catb : l->c->default_category,
                                srn ? srcb : l->base, l->path);
    if (info == UINT32_MAX) {
        l->fatal = true;
        snprintf(l->errbuf, sizeof(l->errbuf), "out of memory loading %s", l->path);
        return;
    }
    if (l->st->total >= IOC_MAX_ENTRIES) {
        l->fatal = true;
        snprintf(l->errbuf, sizeof(l->errbuf), "%s:%u: more than %u indicators in all lists",
                 l->path, l->line, IOC_MAX_ENTRIES);
        return;
    }
    bool dup;
    struct kent *e = ktab_add(&s->tab[t], key, klen, info, &dup);
    if (e == NULL) {
        l->fatal = true;
        snprintf(l->errbuf, sizeof(l->errbuf), "out of memory loading %s", l->path);
        return;
    }
    if (dup) {
        l->st->duplicates++;
        if (s->infos[info].severity < s->infos[e->info].severity)
            e->info = info; /* the most severe listing wins */
        return;
    }
    l->st->entries[t]++;
    l->st->total++;
    if (t == IOC_IP) {
        unsigned plen = key[1];
        if (key[0] == 4)
            s->v4lens |= 1ull << plen;
        else
            s->v6lens[plen / 64] |= 1ull << (plen % 64);
    }
}

static const char *trim(const char *s, size_t *n)
{
    while (*n > 0 && isspace((unsigned char)s[0]))
        s++, (*n)--;
    while (*n > 0 && isspace((unsigned char)s[*n - 1]))
        (*n)--;
    return s;
}

/* Splits a CSV line into at most 'max' fields (quotes removed in place). */
static unsigned csv_split(char *line, const char **f, size_t *fl, unsigned max)
{
    unsigned nf = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        char *start = p, *w = p;
        if (*p == '"') {
            start = w = ++p;
            while (*p != '\0') {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            while (*p != '\0' && *p != ',')
                p++;
        } else {
            while (*p != '\0' && *p != ',')
                p++;
            w = p;
        }
        if (nf < max) {
            size_t n = (size_t)(w - start);
            f[nf] = trim(start, &n);
            fl[nf] = n;
        }
        nf++;
        if (*p != ',')
            break;
        p++;
    }
    return nf < max ? nf : max;
}

#define CSV_MAX_COLS 64

static void load_file(struct loader *l, FILE *fp)
{
    bool csv = false;
    size_t pl = strlen(l->path);
    if (pl > 4 && strcasecmp(l->path + pl - 4, ".csv") == 0)
        csv = true;
    int col[COL_MAX] = { 0, -1, 1, 2, 3 }; /* positional, without a header */
    bool first = true;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (!l->fatal && (len = getline(&line, &cap, fp)) >= 0) {
        l->line++;
        size_t n = (size_t)len;
        const char *s = line;
        if (l->line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
            s += 3, n -= 3; /* UTF-8 byte order mark */
        s = trim(s, &n);
        if (n == 0 || s[0] == '#')
            continue;
        if (n > IOC_LINE_MAX) {
            bad_line(l, "line longer than the limit: '%.*s...'", s, 40);
            continue;
        }
        if (memchr(s, '\0', n) != NULL) { /* no indicator holds one; C strings end there */
            l->st->lines++;
            bad_line(l, "'%.*s' is followed by a NUL byte", s, strnlen(s, n));
            continue;
        }
        if (!csv) {
            add_entry(l, s, n, NULL, 0, NULL, 0, NULL, 0, NULL, 0);
            continue;
        }
        char buf[IOC_LINE_MAX + 1];
        memcpy(buf, s, n);
        buf[n] = '\0';
        const char *f[CSV_MAX_COLS];
        size_t fl[CSV_MAX_COLS];
        unsigned nf = csv_split(buf, f, fl, CSV_MAX_COLS);
        if (first) {
            first = false;
            int hc[COL_MAX] = { -1, -1, -1, -1, -1 };
            static const struct { const char *name; int col; } heads[] = {
                { "indicator", COL_IND }, { "value", COL_IND }, { "ioc", COL_IND },
                { "type", COL_TYPE }, { "category", COL_CAT }, { "severity", COL_SEV },
                { "source", COL_SRC },
            };
            bool header = false;
            for (unsigned i = 0; i < nf; i++)
                for (size_t h = 0; h < sizeof(heads) / sizeof(heads[0]); h++)
                    if (strlen(heads[h].name) == fl[i] && strncasecmp(f[i], heads[h].name, fl[i]) == 0) {
                        hc[heads[h].col] = (int)i;
                        header = true;
                    }
            if (header) {
                if (hc[COL_IND] < 0) {
                    if (l->c->report != NULL)
                        fprintf(l->c->report,
                                "canh-sensor: %s:%u: the header names no 'indicator' column (file skipped)\n",
                                l->path, l->line);
                    l->st->files_failed++;
                    break;
                }
                memcpy(col, hc, sizeof(col));
                continue;
            }
        }
        const char *v[COL_MAX];
        size_t vl[COL_MAX];
        for (int c = 0; c < COL_MAX; c++) {
            v[c] = "";
            vl[c] = 0;
            if (col[c] >= 0 && (unsigned)col[c] < nf) {
                v[c] = f[col[c]];
                vl[c] = fl[col[c]];
            }
        }
        if (vl[COL_IND] == 0) {
            bad_line(l, "no indicator in the line%.*s", "", 0);
            continue;
        }
        add_entry(l, v[COL_IND], vl[COL_IND], v[COL_TYPE], vl[COL_TYPE], v[COL_CAT], vl[COL_CAT],
                  v[COL_SEV], vl[COL_SEV], v[COL_SRC], vl[COL_SRC]);
    }
    free(line);
    if (l->reported > IOC_REPORT_MAX && l->c->report != NULL)
        fprintf(l->c->report, "canh-sensor: %s: %u more lines skipped\n", l->path,
                l->reported - IOC_REPORT_MAX);
}

struct ioc_store *ioc_store_load(const struct ioc_load_conf *c, struct ioc_load_stats *st,
                                 char errbuf[CANH_ERRBUF_SIZE])
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(st, 0, sizeof(*st));
    struct ioc_store *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        return NULL;
    }
    for (unsigned i = 0; i < c->nfiles; i++) {
        struct loader l = { .s = s, .c = c, .st = st, .path = c->files[i] };
        const char *slash = strrchr(l.path, '/');
        l.base = slash ? slash + 1 : l.path;
        FILE *fp = fopen(l.path, "r");
        if (fp == NULL) {
            if (c->report != NULL)
                fprintf(c->report, "canh-sensor: %s: cannot read: %s (list skipped)\n", l.path,
                        strerror(errno));
            st->files_failed++;
            continue;
        }
        st->files++;
        load_file(&l, fp);
        if (ferror(fp) && c->report != NULL && !l.fatal)
            fprintf(c->report, "canh-sensor: %s:%u: read error (rest of the list skipped)\n",
                    l.path, l.line);
        fclose(fp);
        if (l.fatal) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s", l.errbuf);
            ioc_store_free(s);
            return NULL;
        }
    }
    ktab_free(&s->infokeys); /* only needed while loading */
    size_t mem = sizeof(*s) + (size_t)s->capinfos * sizeof(struct ioc_info);
    for (uint32_t i = 0; i < s->ninfos; i++)
        mem += strlen(s->infos[i].category) + strlen(s->infos[i].source) +
               strlen(s->infos[i].list) + 3;
    for (int t = 0; t < IOC_TYPE_MAX; t++)
        mem += ktab_memuse(&s->tab[t]);
    st->memuse = mem;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    st->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return s;
}

/* ---------------------------------------------------------------------------------- */
/* Lookups                                                                            */
/* ---------------------------------------------------------------------------------- */

static const struct ioc_info *found(const struct ioc_store *s, const struct kent *e)
{
    return e != NULL ? &s->infos[e->info] : NULL;
}

const struct ioc_info *ioc_lookup_ip(const struct ioc_store *s, uint8_t ipver,
                                     const uint8_t addr[16], char *matched, size_t cap)
{
    if (s == NULL || s->tab[IOC_IP].n == 0 || (ipver != 4 && ipver != 6))
        return NULL;
    int bytes = ipver == 4 ? 4 : 16;
    uint8_t key[18];
    key[0] = ipver;
    for (int plen = bytes * 8; plen >= 0; plen--) {
        bool listed = ipver == 4 ? (s->v4lens >> plen) & 1 : (s->v6lens[plen / 64] >> (plen % 64)) & 1;
        if (!listed)
            continue;
        key[1] = (uint8_t)plen;
        for (int i = 0; i < bytes; i++) {
            int keep = plen - i * 8;
            key[2 + i] = keep >= 8 ? addr[i] : keep <= 0 ? 0 : (uint8_t)(addr[i] & (0xff00u >> keep));
        }
        const struct kent *e = ktab_get(&s->tab[IOC_IP], key, 2 + (size_t)bytes);
        if (e != NULL) {
            if (matched != NULL && cap > 0) {
                char a[INET6_ADDRSTRLEN];
                inet_ntop(ipver == 4 ? AF_INET : AF_INET6, key + 2, a, sizeof(a));
                if (plen == bytes * 8)
                    snprintf(matched, cap, "%s", a);
                else
                    snprintf(matched, cap, "%s/%d", a, plen);
            }
            return found(s, e);
        }
    }
    return NULL;
}

const struct ioc_info *ioc_lookup_domain(const struct ioc_store *s, const char *name, size_t len,
                                         char *matched, size_t cap)
{
    if (s == NULL || s->tab[IOC_DOMAIN].n == 0)
        return NULL;
    uint8_t key[256];
    size_t n;
    if (!parse_domain(name, len, key, &n))
        return NULL;
    /* the name, then each parent: "a.b.c" "b.c" "c" */
    for (size_t off = 0; off < n;) {
        const struct kent *e = ktab_get(&s->tab[IOC_DOMAIN], key + off, n - off);
        if (e != NULL) {
            if (matched != NULL && cap > 0)
                snprintf(matched, cap, "%.*s", (int)(n - off), (const char *)key + off);
            return found(s, e);
        }
        const uint8_t *dot = memchr(key + off, '.', n - off);
        if (dot == NULL)
            break;
        off = (size_t)(dot - key) + 1;
    }
    return NULL;
}

const struct ioc_info *ioc_lookup_url(const struct ioc_store *s, const char *host, size_t hlen,
                                      const char *target, size_t tlen, char *matched, size_t cap)
{
    if (s == NULL || s->tab[IOC_URL].n == 0)
        return NULL;
    uint8_t key[IOC_LINE_MAX + 8];
    size_t n;
    if (tlen > 0 && target[0] != '/') { /* absolute form (a proxy request) */
        if (!parse_url(target, tlen, key, sizeof(key), &n))
            return NULL;
    } else {
        size_t hn = norm_host(host, hlen, key, 255);
        if (hn == 0 || hn + tlen + 1 > sizeof(key))
            return NULL;
        if (tlen == 0) {
            key[hn] = '/';
            n = hn + 1;
        } else {
            memcpy(key + hn, target, tlen);
            n = hn + tlen;
        }
    }
    const struct kent *e = ktab_get(&s->tab[IOC_URL], key, n);
    if (e == NULL) {
        const uint8_t *q = memchr(key, '?', n);
        if (q != NULL)
            e = ktab_get(&s->tab[IOC_URL], key, (size_t)(q - key));
    }
    if (e != NULL && matched != NULL && cap > 0) {
        size_t kn;
        const uint8_t *k = ktab_key(&s->tab[IOC_URL], e, &kn);
        snprintf(matched, cap, "%.*s", (int)kn, (const char *)k);
    }
    return found(s, e);
}

const struct ioc_info *ioc_lookup_ja3(const struct ioc_store *s, const char *hex, size_t len)
{
    uint8_t d[16];
    if (s == NULL || s->tab[IOC_JA3].n == 0 || !parse_hex(hex, len, d, 16))
        return NULL;
    return found(s, ktab_get(&s->tab[IOC_JA3], d, 16));
}

const struct ioc_info *ioc_lookup_sha256(const struct ioc_store *s, const uint8_t digest[32])
{
    if (s == NULL || s->tab[IOC_SHA256].n == 0)
        return NULL;
    return found(s, ktab_get(&s->tab[IOC_SHA256], digest, 32));
}

/* ---------------------------------------------------------------------------------- */
/* Matching traffic                                                                   */
/* ---------------------------------------------------------------------------------- */

enum { IOC_DONE_ADDR = 1u << 0, IOC_DONE_JA3 = 1u << 1 };

bool ioc_store_needs_tcp_app(const struct ioc_store *s)
{
    return ioc_store_has(s, IOC_DOMAIN) || ioc_store_has(s, IOC_URL) || ioc_store_has(s, IOC_JA3) ||
           ioc_store_has(s, IOC_SHA256);
}

struct ioc_alert_def {
    enum ioc_sid sid;
    enum ioc_type type;
    const char *signature;
};

static const struct ioc_alert_def alert_defs[] = {
    { IOC_SID_SRC_ADDR, IOC_IP, "CANH IOC traffic from a listed address" },
    { IOC_SID_DST_ADDR, IOC_IP, "CANH IOC traffic to a listed address" },
    { IOC_SID_DNS_QUERY, IOC_DOMAIN, "CANH IOC DNS query for a listed domain" },
    { IOC_SID_TLS_SNI, IOC_DOMAIN, "CANH IOC TLS connection to a listed domain" },
    { IOC_SID_HTTP_HOST, IOC_DOMAIN, "CANH IOC HTTP request to a listed domain" },
    { IOC_SID_URL, IOC_URL, "CANH IOC HTTP request for a listed URL" },
    { IOC_SID_JA3, IOC_JA3, "CANH IOC TLS client with a listed JA3 fingerprint" },
    { IOC_SID_FILE_SHA256, IOC_SHA256, "CANH IOC file with a listed SHA-256" },
};

static const struct ioc_alert_def *alert_def(enum ioc_sid sid)
{
    for (size_t i = 0; i < sizeof(alert_defs) / sizeof(alert_defs[0]); i++)
        if (alert_defs[i].sid == sid)
            return &alert_defs[i];
    return &alert_defs[0];
}

/* 'seen': the indicator as seen in the traffic; 'matched': as listed. */
static void raise_alert(struct ioc_ctx *x, enum ioc_sid sid, int dir, const struct ioc_info *info,
                        const char *seen, size_t seen_len, const char *matched,
                        const char *target, const struct detect_tx *tx)
{
    const struct ioc_alert_def *d = alert_def(sid);
    char md[2048];
    struct json j;
    json_init(&j, md, sizeof(md));
    json_object_open(&j, NULL);
    json_md(&j, "ioc_type", ioc_type_name(d->type), strlen(ioc_type_name(d->type)));
    json_md(&j, "ioc_indicator", seen, seen_len);
    json_md(&j, "ioc_matched", matched, strlen(matched));
    json_md(&j, "ioc_source", info->source, strlen(info->source));
    json_md(&j, "ioc_list", info->list, strlen(info->list));
    json_object_close(&j);
    if (!json_cstr(&j))
        return;
    struct eve_alert a = {
        .action = "allowed",
        .rule_action = "alert",
        .gid = 1,
        .sid = (uint32_t)sid,
        .rev = 1,
        .signature = d->signature,
        .category = info->category,
        .severity = info->severity,
        .source = "ioc",
        .metadata_json = md,
        .target = target,
        .dir = dir,
        .pcap_cnt = x->ac->pcap_cnt,
        .app_log = tx != NULL ? tx->log : NULL,
        .app_ctx = tx != NULL ? tx->ctx : NULL,
    };
    eve_alert(x->ac->eve, &a, x->ac->p, x->ac->f, x->ac->dpi);
    STAT_INC(x->stats.hits[d->type]);
}

void ioc_match_flow(struct ioc_ctx *x, int dir)
{
    const struct packet *p = x->ac->p;
    struct flow *f = x->ac->f;
    if (x->store == NULL || f == NULL || (f->ioc_done & IOC_DONE_ADDR) || p->ipver == 0)
        return;
    f->ioc_done |= IOC_DONE_ADDR;
    if (!ioc_store_has(x->store, IOC_IP))
        return;
    char matched[64], seen[64];
    const struct ioc_info *i = ioc_lookup_ip(x->store, p->ipver, p->src.b, matched, sizeof(matched));
    if (i != NULL) {
        inet_ntop(p->ipver == 4 ? AF_INET : AF_INET6, p->src.b, seen, sizeof(seen));
        raise_alert(x, IOC_SID_SRC_ADDR, dir, i, seen, strlen(seen), matched, "dest_ip", NULL);
    }
    i = ioc_lookup_ip(x->store, p->ipver, p->dst.b, matched, sizeof(matched));
    if (i != NULL) {
        inet_ntop(p->ipver == 4 ? AF_INET : AF_INET6, p->dst.b, seen, sizeof(seen));
        raise_alert(x, IOC_SID_DST_ADDR, dir, i, seen, strlen(seen), matched, "src_ip", NULL);
    }
}

/* A name or URL seen again in a row in the same flow is not alerted again. */
static bool name_new(struct flow *f, enum ioc_sid sid, const uint8_t *v, size_t n)
{
    uint32_t h = key_hash(v, n) ^ (uint32_t)sid;
    if (h == 0)
        h = 1;
    if (f->ioc_last == h)
        return false;
    f->ioc_last = h;
    return true;
}

static bool tx_buf(const struct detect_tx *tx, int buf, const uint8_t **d, uint32_t *n)
{
    return detect_tx_buffer(tx, buf, d, n) && *n > 0;
}

static void match_domain(struct ioc_ctx *x, enum ioc_sid sid, int dir, const uint8_t *d,
                         uint32_t n, const struct detect_tx *tx)
{
    char matched[256];
    const struct ioc_info *i = ioc_lookup_domain(x->store, (const char *)d, n, matched, sizeof(matched));
    if (i != NULL && name_new(x->ac->f, sid, d, n))
        raise_alert(x, sid, dir, i, (const char *)d, n, matched, "src_ip", tx);
}

void ioc_match_tx(struct ioc_ctx *x, int dir, const struct detect_tx *tx)
{
    const struct ioc_store *s = x->store;
    if (s == NULL || x->ac->f == NULL)
        return;
    const uint8_t *d, *u;
    uint32_t n, un;
    switch (tx->alproto) {
    case ALPROTO_DNS:
        if (ioc_store_has(s, IOC_DOMAIN) && tx_buf(tx, DETECT_BUF_DNS_QUERY, &d, &n))
            match_domain(x, IOC_SID_DNS_QUERY, dir, d, n, tx);
        break;
    case ALPROTO_HTTP:
        if (dir != FLOW_TO_SERVER || !tx_buf(tx, DETECT_BUF_HTTP_HOST, &d, &n))
            break;
        if (ioc_store_has(s, IOC_URL) && tx_buf(tx, DETECT_BUF_HTTP_URI_RAW, &u, &un)) {
            char matched[512];
            const struct ioc_info *i = ioc_lookup_url(s, (const char *)d, n, (const char *)u, un,
                                                      matched, sizeof(matched));
            if (i != NULL) {
                char seen[1024];
                int sl = snprintf(seen, sizeof(seen), "%.*s%.*s", (int)(n > 255 ? 255 : n),
                                  (const char *)d, (int)(un > 700 ? 700 : un), (const char *)u);
                if (name_new(x->ac->f, IOC_SID_URL, (const uint8_t *)seen, (size_t)sl))
                    raise_alert(x, IOC_SID_URL, dir, i, seen, (size_t)sl, matched, "src_ip", tx);
                break; /* the URL says more than its host */
            }
        }
        if (ioc_store_has(s, IOC_DOMAIN))
            match_domain(x, IOC_SID_HTTP_HOST, dir, d, n, tx);
        break;
    case ALPROTO_TLS:
        if (dir != FLOW_TO_SERVER)
            break;
        if (ioc_store_has(s, IOC_DOMAIN) && tx_buf(tx, DETECT_BUF_TLS_SNI, &d, &n))
            match_domain(x, IOC_SID_TLS_SNI, dir, d, n, tx);
        if (ioc_store_has(s, IOC_JA3) && !(x->ac->f->ioc_done & IOC_DONE_JA3) &&
            tx_buf(tx, DETECT_BUF_JA3_HASH, &d, &n)) {
            x->ac->f->ioc_done |= IOC_DONE_JA3;
            const struct ioc_info *i = ioc_lookup_ja3(s, (const char *)d, n);
            if (i != NULL) {
                char m[40];
                snprintf(m, sizeof(m), "%.*s", (int)(n > 32 ? 32 : n), (const char *)d);
                raise_alert(x, IOC_SID_JA3, dir, i, (const char *)d, n, m, "src_ip", tx);
            }
        }
        break;
    default:
        break;
    }
}

void ioc_match_file(struct ioc_ctx *x, int dir, const uint8_t sha256[32], const char *hex,
                    const struct detect_tx *tx)
{
    const struct ioc_info *i = ioc_lookup_sha256(x->store, sha256);
    if (i == NULL || x->ac->f == NULL)
        return;
    raise_alert(x, IOC_SID_FILE_SHA256, dir, i, hex, 64, hex, alert_target_of(x->ac, dir, true), tx);
}
