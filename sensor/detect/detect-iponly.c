/* IP-only rules (addresses, protocol, ports, flowbits:set, thresholds: nothing about the
 * payload or the flow's state) are looked up by address instead of being tried one by
 * one: ET Open's reputation lists (Spamhaus DROP, Feodo, Tor, CI Army ...) are over a
 * thousand such rules, and trying each on every new flow would cost more than the rest
 * of detection.
 *
 * Each rule is indexed by one of its address sides: the one with fewer addresses (a
 * list of bad hosts, rather than $HOME_NET). For IPv4, the indexed intervals of all
 * rules are cut into elementary segments, each with the sorted list of rules covering
 * it; a packet's source address is looked up in the source index and its destination in
 * the destination index (bidirectional rules are in both), and the rules found are then
 * checked in full. IPv6 and rules with both sides 'any' are kept in short lists. */
#include "detect/detect-iponly.h"

#include <stdlib.h>
#include <string.h>

#include "detect/detect-address.h"

#define IPONLY_MAX_ENTRIES (8u << 20) /* rule references over all segments (32 MiB) */

/* Indexes with more segments than this get a first-level table by /16. */
#define IP_INDEX_TOP_MIN 256

struct ip_index {
    uint32_t *start;   /* segment i covers [start[i], start[i + 1] - 1] (last: to 2^32-1) */
    uint32_t *top;     /* 65537 entries: the segment holding address h << 16 (the last:
                          nseg - 1), so a lookup searches only [top[h], top[h + 1]]; or
                          NULL for a small index */
    uint32_t *off;     /* its rules: ids[off[i] .. off[i + 1]) */
    uint32_t *ids;
    uint32_t nseg;
};

struct detect_iponly {
    struct ip_index src4, dst4;
    uint32_t *v6;      /* rules that may match IPv6 packets */
    uint32_t nv6;
    uint32_t *any;     /* rules with both address sides 'any' (IPv4 packets) */
    uint32_t nany;
    size_t memuse;
};

struct ival {
    uint32_t lo, hi, id;
};

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Number of IPv4 addresses in a set (saturating), to pick the side to index. */
static uint64_t v4_size(const struct addr_set *s)
{
    uint32_t n;
    const struct addr_range4 *r = addr_set_ipv4(s, &n);
    uint64_t t = 0;
    for (uint32_t i = 0; i < n; i++)
        t += (uint64_t)r[i].hi - r[i].lo + 1;
    return t;
}

/* Builds the elementary-segment index of 'iv' (sorted by lo not required). */
static int index_build(struct ip_index *x, struct ival *iv, uint32_t n, size_t *mem)
{
    memset(x, 0, sizeof(*x));
    if (n == 0)
        return CANH_OK;
    /* boundaries: every lo and hi + 1 */
    uint32_t *pts = malloc(2 * (size_t)n * sizeof(*pts));
    if (pts == NULL)
        return CANH_ENOMEM;
    uint32_t np = 0;
    for (uint32_t i = 0; i < n; i++) {
        pts[np++] = iv[i].lo;
        if (iv[i].hi != UINT32_MAX)
            pts[np++] = iv[i].hi + 1;
    }
    qsort(pts, np, sizeof(*pts), cmp_u32);
    uint32_t u = 0;
    for (uint32_t i = 0; i < np; i++)
        if (u == 0 || pts[u - 1] != pts[i])
            pts[u++] = pts[i];
    if (pts[0] != 0) { /* a leading segment from 0 with no rules */
        uint32_t *np2 = realloc(pts, (u + 1) * sizeof(*pts));
        if (np2 == NULL) {
            free(pts);
            return CANH_ENOMEM;
        }
        pts = np2;
        memmove(pts + 1, pts, u * sizeof(*pts));
        pts[0] = 0;
        u++;
    }
    x->start = pts;
    x->nseg = u;
    if (u > IP_INDEX_TOP_MIN) {
        /* a /16 table: one cache line instead of a dozen for the first steps */
        x->top = malloc(65537 * sizeof(*x->top));
        if (x->top == NULL)
            return CANH_ENOMEM;
        uint32_t seg = 0;
        for (uint32_t h = 0; h < 65536; h++) {
            while (seg + 1 < u && pts[seg + 1] <= h << 16)
                seg++;
            x->top[h] = seg;
        }
        x->top[65536] = u - 1;
        *mem += 65537 * sizeof(*x->top);
    }
    x->off = calloc((size_t)u + 1, sizeof(*x->off));
    if (x->off == NULL)
        return CANH_ENOMEM;
    /* count rules per segment, then fill (each interval covers a run of segments) */
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t a = 0, b = u;
        while (b - a > 1) { /* segment whose start == lo */
            uint32_t m = (a + b) / 2;
            if (pts[m] <= iv[i].lo)
                a = m;
            else
                b = m;
        }
        for (uint32_t s = a; s < u && pts[s] <= iv[i].hi; s++) {
            x->off[s + 1]++;
            if (++total > IPONLY_MAX_ENTRIES)
                return CANH_ELIMIT;
        }
    }
    for (uint32_t s = 0; s < u; s++)
        x->off[s + 1] += x->off[s];
    x->ids = malloc((total ? total : 1) * sizeof(*x->ids));
    uint32_t *fill = calloc(u, sizeof(*fill));
    if (x->ids == NULL || fill == NULL) {
        free(fill);
        return CANH_ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t a = 0, b = u;
        while (b - a > 1) {
            uint32_t m = (a + b) / 2;
            if (pts[m] <= iv[i].lo)
                a = m;
            else
                b = m;
        }
        for (uint32_t s = a; s < u && pts[s] <= iv[i].hi; s++)
            x->ids[x->off[s] + fill[s]++] = iv[i].id;
    }
    free(fill);
    /* rule order within each segment, no duplicates (a rule's set has disjoint ranges) */
    for (uint32_t s = 0; s < u; s++)
        qsort(x->ids + x->off[s], x->off[s + 1] - x->off[s], sizeof(uint32_t), cmp_u32);
    *mem += (size_t)u * 8 + total * 4;
    return CANH_OK;
}

static const uint32_t *index_lookup(const struct ip_index *x, uint32_t addr, uint32_t *n)
{
    *n = 0;
    if (x->nseg == 0)
        return NULL;
    uint32_t a = 0, b = x->nseg;
    if (x->top != NULL) {
        a = x->top[addr >> 16];
        b = x->top[(addr >> 16) + 1] + 1;
    }
    while (b - a > 1) {
        uint32_t m = (a + b) / 2;
        if (x->start[m] <= addr)
            a = m;
        else
            b = m;
    }
    *n = x->off[a + 1] - x->off[a];
    return x->ids + x->off[a];
}

static int push(uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t id)
{
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 64;
        uint32_t *nv = realloc(*v, c * sizeof(**v));
        if (nv == NULL)
            return CANH_ENOMEM;
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = id;
    return CANH_OK;
}

static int push_ival(struct ival **v, uint32_t *n, uint32_t *cap, uint32_t lo, uint32_t hi,
                     uint32_t id)
{
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 256;
        struct ival *nv = realloc(*v, c * sizeof(**v));
        if (nv == NULL)
            return CANH_ENOMEM;
        *v = nv;
        *cap = c;
    }
    (*v)[*n].lo = lo;
    (*v)[*n].hi = hi;
    (*v)[*n].id = id;
    (*n)++;
    return CANH_OK;
}

struct detect_iponly *detect_iponly_build(struct sig *const *sigs, const uint32_t *ids, uint32_t n,
                                          char errbuf[CANH_ERRBUF_SIZE])
{
    struct detect_iponly *io = calloc(1, sizeof(*io));
    struct ival *src = NULL, *dst = NULL;
    uint32_t nsrc = 0, capsrc = 0, ndst = 0, capdst = 0, capv6 = 0, capany = 0;
    int rc = CANH_ENOMEM;
    if (io == NULL)
        goto fail;
    for (uint32_t i = 0; i < n; i++) {
        const struct sig *s = sigs[ids[i]];
        bool src_any = (s->flags & SIG_SRC_ANY) != 0, dst_any = (s->flags & SIG_DST_ANY) != 0;
        /* IPv6: short list of every rule whose sides may hold an IPv6 address */
        uint32_t n6s = 0, n6d = 0;
        if (!src_any)
            addr_set_ipv6(s->src, &n6s);
        if (!dst_any)
            addr_set_ipv6(s->dst, &n6d);
        if ((src_any || n6s > 0) && (dst_any || n6d > 0) && !(s->flags & SIG_IPV4) &&
            push(&io->v6, &io->nv6, &capv6, s->num) != CANH_OK)
            goto fail;
        if (s->flags & SIG_IPV6)
            continue;
        if (src_any && dst_any) {
            if (push(&io->any, &io->nany, &capany, s->num) != CANH_OK)
                goto fail;
            continue;
        }
        /* index the smaller side */
        bool use_src = !src_any && (dst_any || v4_size(s->src) <= v4_size(s->dst));
        const struct addr_set *side = use_src ? s->src : s->dst;
        uint32_t nr;
        const struct addr_range4 *r = addr_set_ipv4(side, &nr);
        for (uint32_t k = 0; k < nr; k++) {
            /* a bidirectional rule's side may be either end of the packet */
            if ((use_src || (s->flags & SIG_BIDIR)) &&
                push_ival(&src, &nsrc, &capsrc, r[k].lo, r[k].hi, s->num) != CANH_OK)
                goto fail;
            if ((!use_src || (s->flags & SIG_BIDIR)) &&
                push_ival(&dst, &ndst, &capdst, r[k].lo, r[k].hi, s->num) != CANH_OK)
                goto fail;
        }
    }
    if ((rc = index_build(&io->src4, src, nsrc, &io->memuse)) != CANH_OK ||
        (rc = index_build(&io->dst4, dst, ndst, &io->memuse)) != CANH_OK)
        goto fail;
    free(src);
    free(dst);
    io->memuse += sizeof(*io) + ((size_t)io->nv6 + io->nany) * 4;
    return io;
fail:
    snprintf(errbuf, CANH_ERRBUF_SIZE, rc == CANH_ELIMIT
                                           ? "IP-only rules cover too many address ranges to index"
                                           : "out of memory for the IP-only rule index");
    free(src);
    free(dst);
    detect_iponly_free(io);
    return NULL;
}

static void index_free(struct ip_index *x)
{
    free(x->start);
    free(x->top);
    free(x->off);
    free(x->ids);
}

void detect_iponly_free(struct detect_iponly *io)
{
    if (io == NULL)
        return;
    index_free(&io->src4);
    index_free(&io->dst4);
    free(io->v6);
    free(io->any);
    free(io);
}

size_t detect_iponly_memuse(const struct detect_iponly *io)
{
    return io != NULL ? io->memuse : 0;
}

/* IPv4 addresses are kept in network order in canh_addr.b[0..3]. */
static uint32_t v4(const struct canh_addr *a)
{
    return (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 | (uint32_t)a->b[2] << 8 | a->b[3];
}

uint32_t detect_iponly_candidates(const struct detect_iponly *io, const struct packet *p,
                                  uint32_t *out, uint32_t cap)
{
    if (io == NULL)
        return 0;
    if (p->ipver == 6) {
        uint32_t n = io->nv6 < cap ? io->nv6 : cap;
        if (n > 0)
            memcpy(out, io->v6, n * sizeof(*out));
        return n;
    }
    if (p->ipver != 4)
        return 0;
    uint32_t na, nb;
    const uint32_t *a = index_lookup(&io->src4, v4(&p->src), &na);
    const uint32_t *b = index_lookup(&io->dst4, v4(&p->dst), &nb);
    const uint32_t *c = io->any;
    uint32_t nc = io->nany;
    /* three-way merge of sorted lists, without duplicates */
    uint32_t i = 0, j = 0, k = 0, o = 0;
    while ((i < na || j < nb || k < nc) && o < cap) {
        uint32_t m = UINT32_MAX;
        if (i < na && a[i] < m)
            m = a[i];
        if (j < nb && b[j] < m)
            m = b[j];
        if (k < nc && c[k] < m)
            m = c[k];
        out[o++] = m;
        if (i < na && a[i] == m)
            i++;
        if (j < nb && b[j] == m)
            j++;
        if (k < nc && c[k] == m)
            k++;
    }
    return o;
}
