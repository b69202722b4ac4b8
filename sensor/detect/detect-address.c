/* Rule addresses: parsing Suricata's address specs into sets of intervals. See
 * detect-address.h for the syntax and its meaning.
 *
 * Both families are handled as 128-bit numbers while parsing (an IPv4 address is the
 * number it is, below 2^32), so one set of interval operations serves both; the IPv4
 * intervals are narrowed to 32 bits at the end.
 *
 * Parsing a list collects two sides, the positive and the negated elements, each per
 * family. A plain sub-list or variable adds to the same two sides; a negated list or
 * variable is evaluated on its own (merge()) and its result added to the negated side.
 * merge() is Suricata's DetectAddressMergeNot: per family, the positive side (the whole
 * family when it is empty and the negated side is not) minus the negated side. */
#include "detect/detect-address.h"
#include "detect/detect-speclist.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest variable name looked up (Suricata builds "vars.address-groups.NAME" in 2048
 * bytes); longer names are errors. */
#define ADDR_VAR_NAME_MAX 256

/* ---------------------------------------------------------------------------------- */
/* 128-bit numbers                                                                    */
/* ---------------------------------------------------------------------------------- */

typedef struct addr_u128 u128;

static const u128 U128_ZERO = { 0, 0 };
static const u128 U128_MAX = { UINT64_MAX, UINT64_MAX };
static const u128 U128_V4MAX = { 0, UINT32_MAX };

static int u128_cmp(u128 a, u128 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}

static bool u128_eq(u128 a, u128 b)
{
    return a.hi == b.hi && a.lo == b.lo;
}

/* a + 1 and a - 1, wrapping (callers check the ends first). */
static u128 u128_inc(u128 a)
{
    u128 r = { a.hi + (a.lo == UINT64_MAX), a.lo + 1 };
    return r;
}

static u128 u128_dec(u128 a)
{
    u128 r = { a.hi - (a.lo == 0), a.lo - 1 };
    return r;
}

static u128 u128_sub(u128 a, u128 b)
{
    u128 r = { a.hi - b.hi - (a.lo < b.lo), a.lo - b.lo };
    return r;
}

static u128 u128_from_bytes(const uint8_t b[16])
{
    u128 r = { 0, 0 };
    for (int i = 0; i < 8; i++) {
        r.hi = r.hi << 8 | b[i];
        r.lo = r.lo << 8 | b[8 + i];
    }
    return r;
}

static void u128_to_bytes(u128 a, uint8_t b[16])
{
    for (int i = 7; i >= 0; i--) {
        b[i] = (uint8_t)a.hi;
        b[8 + i] = (uint8_t)a.lo;
        a.hi >>= 8;
        a.lo >>= 8;
    }
}

/* ---------------------------------------------------------------------------------- */
/* Interval vectors                                                                   */
/* ---------------------------------------------------------------------------------- */

struct rvec {
    struct addr_range6 *v;
    uint32_t n, cap;
};

/* One side of a list: its positive or its negated elements, per family. */
struct side {
    struct rvec f[2]; /* [0] IPv4, [1] IPv6 */
};

enum { FAM4 = 0, FAM6 = 1 };

static const u128 *fam_max(int fam)
{
    return fam == FAM4 ? &U128_V4MAX : &U128_MAX;
}

static void rvec_free(struct rvec *r)
{
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}

static void side_free(struct side *s)
{
    rvec_free(&s->f[FAM4]);
    rvec_free(&s->f[FAM6]);
}

/* The number of intervals is bounded by ADDR_MAX_ITEMS items, each adding at most one
 * interval, plus the intervals a subtraction splits (one per negated interval). */
static int rvec_push(struct rvec *r, u128 lo, u128 hi)
{
    if (r->n == r->cap) {
        uint32_t cap = r->cap ? r->cap * 2 : 4;
        struct addr_range6 *v = realloc(r->v, (size_t)cap * sizeof(*v));
        if (v == NULL)
            return CANH_ENOMEM;
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n].lo = lo;
    r->v[r->n].hi = hi;
    r->n++;
    return CANH_OK;
}

static int range_cmp(const void *a, const void *b)
{
    const struct addr_range6 *x = a, *y = b;
    int c = u128_cmp(x->lo, y->lo);
    return c != 0 ? c : u128_cmp(x->hi, y->hi);
}

/* Sorts and merges overlapping and adjacent intervals. */
static void rvec_normalize(struct rvec *r)
{
    if (r->n < 2)
        return;
    qsort(r->v, r->n, sizeof(r->v[0]), range_cmp);
    uint32_t w = 0;
    for (uint32_t i = 1; i < r->n; i++) {
        struct addr_range6 *cur = &r->v[w];
        const struct addr_range6 *nx = &r->v[i];
        /* adjacent or overlapping: nx.lo <= cur.hi + 1 */
        if (u128_eq(cur->hi, U128_MAX) || u128_cmp(nx->lo, u128_inc(cur->hi)) <= 0) {
            if (u128_cmp(nx->hi, cur->hi) > 0)
                cur->hi = nx->hi;
        } else {
            r->v[++w] = *nx;
        }
    }
    r->n = w + 1;
}

/* *out = a minus b; both normalized, and so is the result. */
static int rvec_subtract(const struct rvec *a, const struct rvec *b, struct rvec *out)
{
    uint32_t j = 0;
    for (uint32_t i = 0; i < a->n; i++) {
        u128 cur = a->v[i].lo, end = a->v[i].hi;
        bool done = false;
        /* negated intervals wholly before this one are before every later one too */
        while (j < b->n && u128_cmp(b->v[j].hi, cur) < 0)
            j++;
        for (uint32_t k = j; k < b->n && u128_cmp(b->v[k].lo, end) <= 0; k++) {
            if (u128_cmp(b->v[k].lo, cur) > 0 &&
                rvec_push(out, cur, u128_dec(b->v[k].lo)) != CANH_OK)
                return CANH_ENOMEM;
            if (u128_cmp(b->v[k].hi, end) >= 0) {
                done = true;
                break;
            }
            cur = u128_inc(b->v[k].hi);
        }
        if (!done && rvec_push(out, cur, end) != CANH_OK)
            return CANH_ENOMEM;
    }
    return CANH_OK;
}

static int rvec_append(struct rvec *dst, const struct rvec *src)
{
    for (uint32_t i = 0; i < src->n; i++)
        if (rvec_push(dst, src->v[i].lo, src->v[i].hi) != CANH_OK)
            return CANH_ENOMEM;
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Parser                                                                             */
/* ---------------------------------------------------------------------------------- */

struct parser {
    detect_var_fn vars;
    void *ctx;
    char *err;            /* the caller's errbuf */
    uint32_t items;       /* elements, lists and expansions so far (ADDR_MAX_ITEMS) */
    /* variables being expanded, outermost first: names point into the spec or into a
     * variable's value, which stay valid during the parse */
    const char *chain[ADDR_MAX_DEPTH + 2];
    size_t chain_len[ADDR_MAX_DEPTH + 2];
    unsigned nchain;
};

static int fail(struct parser *p, const char *fmt, ...) CANH_PRINTF(2, 3);
static int fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, CANH_ERRBUF_SIZE, fmt, ap);
    va_end(ap);
    return CANH_ERR;
}

static int fail_nomem(struct parser *p)
{
    return fail(p, "out of memory");
}

static int parse_list(struct parser *p, const char *s, size_t len, struct side *pos,
                      struct side *neg, unsigned depth);

/* Suricata's DetectAddressMergeNot on one list's two sides: the result is left in
 * 'pos'. */
static int merge(struct parser *p, struct side *pos, struct side *neg)
{
    for (int f = FAM4; f <= FAM6; f++) {
        rvec_normalize(&pos->f[f]);
        rvec_normalize(&neg->f[f]);
    }
    const struct rvec *n4 = &neg->f[FAM4];
    if (n4->n == 1 && u128_eq(n4->v[0].lo, U128_ZERO) && u128_eq(n4->v[0].hi, U128_V4MAX))
        return fail(p, "complete IP space negated: the rule address range is NIL "
                       "(a !any, or a negation that covers everything)");
    for (int f = FAM4; f <= FAM6; f++) {
        struct rvec *a = &pos->f[f];
        const struct rvec *b = &neg->f[f];
        if (b->n == 0)
            continue;
        if (a->n == 0 && rvec_push(a, U128_ZERO, *fam_max(f)) != CANH_OK)
            return fail_nomem(p);
        struct rvec out = { NULL, 0, 0 };
        if (rvec_subtract(a, b, &out) != CANH_OK) {
            rvec_free(&out);
            return fail_nomem(p);
        }
        rvec_free(a);
        *a = out;
    }
    if (pos->f[FAM4].n == 0 && pos->f[FAM6].n == 0)
        return fail(p, "no addresses left after merging addresses and negated addresses");
    return CANH_OK;
}

/* A negated list or variable: 's' is evaluated on its own and its result is added to
 * 'neg'. */
static int parse_negated(struct parser *p, const char *s, size_t len, struct side *neg,
                         unsigned depth)
{
    struct side a = { 0 }, b = { 0 };
    int rc = parse_list(p, s, len, &a, &b, depth);
    if (rc == CANH_OK)
        rc = merge(p, &a, &b);
    for (int f = FAM4; f <= FAM6 && rc == CANH_OK; f++)
        if (rvec_append(&neg->f[f], &a.f[f]) != CANH_OK)
            rc = fail_nomem(p);
    side_free(&a);
    side_free(&b);
    return rc;
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
    unsigned v = 0;
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (!isdigit((unsigned char)*s))
            return false;
        v = v * 10 + (unsigned)(*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

static bool pton4(const char *s, uint32_t *out)
{
    struct in_addr in;
    if (inet_pton(AF_INET, s, &in) != 1)
        return false;
    *out = ntohl(in.s_addr);
    return true;
}

static bool pton6(const char *s, u128 *out)
{
    struct in6_addr in6;
    if (inet_pton(AF_INET6, s, &in6) != 1)
        return false;
    *out = u128_from_bytes(in6.s6_addr);
    return true;
}

/* One address, CIDR block, netmask block or range (Suricata's
 * DetectAddressParseString); 'text' is the element without its leading whitespace and
 * '!'. Adds the interval to the family's vector of 'side'. */
static int parse_single(struct parser *p, const char *text, size_t len, struct side *side)
{
    char buf[ADDR_ELEMENT_MAX_LEN + 1];
    if (len > ADDR_ELEMENT_MAX_LEN)
        return fail(p, "failed to parse address \"%.40s...\": longer than %d characters",
                    text, ADDR_ELEMENT_MAX_LEN);
    memcpy(buf, text, len);
    buf[len] = '\0';

    if (strcasecmp(buf, "any") == 0) {
        if (rvec_push(&side->f[FAM4], U128_ZERO, U128_V4MAX) != CANH_OK ||
            rvec_push(&side->f[FAM6], U128_ZERO, U128_MAX) != CANH_OK)
            return fail_nomem(p);
        return CANH_OK;
    }

    u128 lo, hi;
    int fam;
    char *mask = strchr(buf, '/'), *dash = strchr(buf, '-');
    if (strchr(buf, ':') == NULL) {
        fam = FAM4;
        uint32_t a, b;
        if (mask != NULL) {
            *mask++ = '\0';
            uint32_t m;
            unsigned cidr;
            if (strchr(mask, '.') == NULL) {
                if (!parse_uint(mask, 32, &cidr))
                    return fail(p, "failed to parse address \"%s/%s\": bad prefix length",
                                buf, mask);
                m = cidr == 0 ? 0 : UINT32_MAX << (32 - cidr);
            } else {
                if (!pton4(mask, &m))
                    return fail(p, "failed to parse address \"%s/%s\": bad netmask", buf,
                                mask);
                uint32_t inv = ~m;
                if ((inv & (inv + 1)) != 0)
                    return fail(p, "netmask \"%s\" is not usable: only netmasks that are "
                                   "compatible with CIDR notation are supported",
                                mask);
            }
            if (!pton4(buf, &a))
                return fail(p, "failed to parse address \"%s/%s\"", buf, mask);
            a &= m;
            b = a | ~m;
        } else if (dash != NULL) {
            *dash = '\0';
            if (!pton4(buf, &a) || !pton4(dash + 1, &b))
                return fail(p, "failed to parse address \"%s-%s\"", buf, dash + 1);
            if (a > b)
                return fail(p, "failed to parse address \"%s-%s\": range start after end",
                            buf, dash + 1);
        } else {
            if (!pton4(buf, &a))
                return fail(p, "failed to parse address \"%s\"", buf);
            b = a;
        }
        lo.hi = hi.hi = 0;
        lo.lo = a;
        hi.lo = b;
    } else {
        fam = FAM6;
        if (mask != NULL) {
            *mask++ = '\0';
            unsigned cidr;
            if (!parse_uint(mask, 128, &cidr))
                return fail(p, "failed to parse address \"%s/%s\": bad prefix length", buf,
                            mask);
            if (!pton6(buf, &lo))
                return fail(p, "failed to parse address \"%s/%s\"", buf, mask);
            /* host part: the low 128 - cidr bits */
            u128 host = { 0, 0 };
            if (cidr == 0) {
                host = U128_MAX;
            } else if (cidr < 64) {
                host.hi = UINT64_MAX >> cidr;
                host.lo = UINT64_MAX;
            } else if (cidr < 128) {
                host.lo = UINT64_MAX >> (cidr - 64);
            }
            lo.hi &= ~host.hi;
            lo.lo &= ~host.lo;
            hi.hi = lo.hi | host.hi;
            hi.lo = lo.lo | host.lo;
        } else if (dash != NULL) {
            *dash = '\0';
            if (!pton6(buf, &lo) || !pton6(dash + 1, &hi))
                return fail(p, "failed to parse address \"%s-%s\"", buf, dash + 1);
            if (u128_cmp(lo, hi) > 0)
                return fail(p, "failed to parse address \"%s-%s\": range start after end",
                            buf, dash + 1);
        } else {
            if (!pton6(buf, &lo))
                return fail(p, "failed to parse address \"%s\"", buf);
            hi = lo;
        }
    }
    if (rvec_push(&side->f[fam], lo, hi) != CANH_OK)
        return fail_nomem(p);
    return CANH_OK;
}

/* A variable: looked up, checked for loops, and parsed (negated or not). */
static int parse_var(struct parser *p, const char *name, size_t nlen, bool negated,
                     struct side *pos, struct side *neg, unsigned depth)
{
    char nbuf[ADDR_VAR_NAME_MAX];
    if (nlen == 0)
        return fail(p, "'$' without a variable name");
    if (nlen >= sizeof(nbuf))
        return fail(p, "variable name \"%.40s...\" longer than %d characters", name,
                    ADDR_VAR_NAME_MAX - 1);
    memcpy(nbuf, name, nlen);
    nbuf[nlen] = '\0';

    if (speclist_loop(p->chain, p->chain_len, p->nchain, name, nlen, "address", p->err))
        return CANH_ERR;
    if (p->vars == NULL)
        return fail(p, "variable \"$%s\" is not defined", nbuf);
    const char *val = p->vars(p->ctx, nbuf);
    if (val == NULL)
        return fail(p, "variable \"$%s\" is not defined", nbuf);
    if (val[0] == '\0')
        return fail(p, "variable \"$%s\" resolved to nothing (a negated variable must be "
                       "quoted in YAML: \"!$HOME_NET\")",
                    nbuf);

    p->chain[p->nchain] = name;
    p->chain_len[p->nchain] = nlen;
    p->nchain++;
    int rc = negated ? parse_negated(p, val, strlen(val), neg, depth + 1)
                     : parse_list(p, val, strlen(val), pos, neg, depth + 1);
    p->nchain--;
    return rc;
}

/* One element of a list: s[0, len) between two commas (or the list's ends). */
static int parse_element(struct parser *p, const char *s, size_t len, struct side *pos,
                         struct side *neg, unsigned depth)
{
    if (++p->items > ADDR_MAX_ITEMS)
        return fail(p, "address spec too large: more than %d elements, lists and variable "
                       "expansions",
                    ADDR_MAX_ITEMS);
    bool negated;
    size_t i = speclist_prefix(s, len, &negated);
    if (i == len)
        return fail(p, "failed to parse address \"\"");

    if (s[i] == '[') {
        size_t k, close = speclist_close(s, len, i, &k);
        if (k < len)
            return fail(p, "unexpected \"%.*s\" after ']'", (int)(len - k), s + k);
        const char *inner = s + i + 1;
        size_t ilen = close - i - 1;
        return negated ? parse_negated(p, inner, ilen, neg, depth + 1)
                       : parse_list(p, inner, ilen, pos, neg, depth + 1);
    }
    if (s[i] == '$')
        return parse_var(p, s + i + 1, len - i - 1, negated, pos, neg, depth);
    for (size_t k = i; k < len; k++)
        if (s[k] == '[' || s[k] == ']' || s[k] == '$' || s[k] == '!')
            return fail(p, "failed to parse address \"%.*s\"", (int)(len - i), s + i);
    return parse_single(p, s + i, len - i, negated ? neg : pos);
}

/* A list's contents (the text between its brackets, or a whole spec): elements
 * separated by commas at bracket depth 0. */
static int parse_list(struct parser *p, const char *s, size_t len, struct side *pos,
                      struct side *neg, unsigned depth)
{
    if (depth > ADDR_MAX_DEPTH)
        return fail(p, "address block recursion limit reached (max %d)", ADDR_MAX_DEPTH);

    int d = 0, dmin = 0;
    for (size_t k = 0; k < len; k++) {
        if (s[k] == '[')
            d++;
        else if (s[k] == ']' && --d < dmin)
            dmin = d;
    }
    if (dmin < 0)
        return fail(p, "not every address block was properly opened in \"%.*s\": "
                       "missing opening bracket ([)",
                    (int)len, s);
    if (d > 0)
        return fail(p, "not every address block was properly closed in \"%.*s\", %d "
                       "missing closing brackets (])",
                    (int)len, s, d);

    size_t start = 0;
    d = 0;
    for (size_t k = 0; k <= len; k++) {
        if (k < len && s[k] == '[') {
            d++;
        } else if (k < len && s[k] == ']') {
            d--;
        } else if (k == len || (s[k] == ',' && d == 0)) {
            /* an empty last element: nothing ("" or a trailing comma, as Suricata) */
            if (k == len && k == start)
                break;
            int rc = parse_element(p, s + start, k - start, pos, neg, depth);
            if (rc != CANH_OK)
                return rc;
            start = k + 1;
        }
    }
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Sets                                                                               */
/* ---------------------------------------------------------------------------------- */

struct addr_set {
    struct addr_range4 *v4;
    struct addr_range6 *v6;
    uint32_t n4, n6;
    bool any;
};

struct addr_set *addr_set_parse(const char *spec, detect_var_fn vars, void *ctx,
                                char errbuf[CANH_ERRBUF_SIZE])
{
    struct parser p = { .vars = vars, .ctx = ctx, .err = errbuf };
    struct side pos = { 0 }, neg = { 0 };
    struct addr_set *s = NULL;
    errbuf[0] = '\0';

    if (spec == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "no address");
        return NULL;
    }
    if (parse_list(&p, spec, strlen(spec), &pos, &neg, 0) != CANH_OK ||
        merge(&p, &pos, &neg) != CANH_OK)
        goto out;

    s = calloc(1, sizeof(*s));
    if (s == NULL)
        goto nomem;
    const struct rvec *r4 = &pos.f[FAM4];
    if (r4->n > 0) {
        s->v4 = malloc((size_t)r4->n * sizeof(*s->v4));
        if (s->v4 == NULL)
            goto nomem;
        for (uint32_t i = 0; i < r4->n; i++) {
            s->v4[i].lo = (uint32_t)r4->v[i].lo.lo;
            s->v4[i].hi = (uint32_t)r4->v[i].hi.lo;
        }
        s->n4 = r4->n;
    }
    /* the IPv6 vector is handed over as it is */
    s->v6 = pos.f[FAM6].v;
    s->n6 = pos.f[FAM6].n;
    pos.f[FAM6].v = NULL;
    pos.f[FAM6].n = 0;
    s->any = s->n4 == 1 && s->v4[0].lo == 0 && s->v4[0].hi == UINT32_MAX && s->n6 == 1 &&
             u128_eq(s->v6[0].lo, U128_ZERO) && u128_eq(s->v6[0].hi, U128_MAX);
    goto out;

nomem:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
    addr_set_free(s);
    s = NULL;
out:
    side_free(&pos);
    side_free(&neg);
    return s;
}

void addr_set_free(struct addr_set *s)
{
    if (s == NULL)
        return;
    free(s->v4);
    free(s->v6);
    free(s);
}

static bool match4(const struct addr_set *s, uint32_t x)
{
    /* the last interval whose start is <= x */
    uint32_t lo = 0, hi = s->n4;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->v4[mid].lo <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && x <= s->v4[lo - 1].hi;
}

static bool match6(const struct addr_set *s, u128 x)
{
    uint32_t lo = 0, hi = s->n6;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (u128_cmp(s->v6[mid].lo, x) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && u128_cmp(x, s->v6[lo - 1].hi) <= 0;
}

bool addr_set_match_ip(const struct addr_set *s, uint8_t ipver, const struct canh_addr *a)
{
    if (ipver == 4) {
        uint32_t x = (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 |
                     (uint32_t)a->b[2] << 8 | a->b[3];
        return match4(s, x);
    }
    if (ipver == 6)
        return match6(s, u128_from_bytes(a->b));
    return false;
}

bool addr_set_match(const struct addr_set *s, const struct canh_addr *a)
{
    bool v4 = (a->w[1] | a->w[2] | a->w[3]) == 0;
    return addr_set_match_ip(s, v4 ? 4 : 6, a);
}

bool addr_set_is_any(const struct addr_set *s)
{
    return s->any;
}

const struct addr_range4 *addr_set_ipv4(const struct addr_set *s, uint32_t *n)
{
    *n = s->n4;
    return s->v4;
}

const struct addr_range6 *addr_set_ipv6(const struct addr_set *s, uint32_t *n)
{
    *n = s->n6;
    return s->v6;
}

/* The prefix length when [lo, hi] is one CIDR block of a 'bits'-bit family, else -1. */
static int cidr_of(u128 lo, u128 hi, int bits)
{
    u128 size = u128_sub(hi, lo); /* 2^k - 1 for a block */
    u128 next = u128_inc(size);
    if ((size.hi & next.hi) != 0 || (size.lo & next.lo) != 0)
        return -1;
    if ((lo.hi & size.hi) != 0 || (lo.lo & size.lo) != 0)
        return -1;
    return bits - __builtin_popcountll(size.hi) - __builtin_popcountll(size.lo);
}

static void put_addr(char *out, size_t cap, int fam, u128 a)
{
    if (fam == FAM4) {
        struct in_addr in = { htonl((uint32_t)a.lo) };
        inet_ntop(AF_INET, &in, out, (socklen_t)cap);
    } else {
        struct in6_addr in6;
        u128_to_bytes(a, in6.s6_addr);
        inet_ntop(AF_INET6, &in6, out, (socklen_t)cap);
    }
}

int addr_set_format(const struct addr_set *s, char *buf, size_t len)
{
    size_t k = 0;
    bool cut = false;
    if (len == 0)
        return CANH_ELIMIT;
    buf[0] = '\0';
    uint32_t total = s->n4 + s->n6;
    for (uint32_t i = 0; i < total && !cut; i++) {
        int fam = i < s->n4 ? FAM4 : FAM6;
        u128 lo, hi;
        if (fam == FAM4) {
            lo = (u128){ 0, s->v4[i].lo };
            hi = (u128){ 0, s->v4[i].hi };
        } else {
            lo = s->v6[i - s->n4].lo;
            hi = s->v6[i - s->n4].hi;
        }
        char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], item[2 * INET6_ADDRSTRLEN + 2];
        put_addr(a, sizeof(a), fam, lo);
        int prefix = cidr_of(lo, hi, fam == FAM4 ? 32 : 128);
        if (u128_eq(lo, hi)) {
            snprintf(item, sizeof(item), "%s", a);
        } else if (prefix >= 0) {
            snprintf(item, sizeof(item), "%s/%d", a, prefix);
        } else {
            put_addr(b, sizeof(b), fam, hi);
            snprintf(item, sizeof(item), "%s-%s", a, b);
        }
        int w = snprintf(buf + k, len - k, "%s%s", i > 0 ? "," : "", item);
        if (w < 0 || (size_t)w >= len - k) {
            cut = true;
            buf[k] = '\0';
        } else {
            k += (size_t)w;
        }
    }
    return cut ? CANH_ELIMIT : CANH_OK;
}
