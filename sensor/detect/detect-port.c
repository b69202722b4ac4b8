/* Rule ports: parsing Suricata's port specs into sorted ranges. See detect-port.h for
 * the syntax and its meaning.
 *
 * The parser walks the spec as Suricata's DetectPortParseDo does, element by element,
 * putting each port or range on the positive or the negated side; variables and
 * sub-lists add to the same two sides. The merge at the end is Suricata's
 * DetectPortParseMergeNotPorts. */
#include "detect/detect-port.h"
#include "detect/detect-speclist.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest variable name looked up; longer names are errors. */
#define PORT_VAR_NAME_MAX 256

/* ---------------------------------------------------------------------------------- */
/* Range vectors                                                                      */
/* ---------------------------------------------------------------------------------- */

/* Ranges as 32-bit numbers while parsing, so that hi + 1 never wraps. */
struct prange {
    uint32_t lo, hi;
};

struct pvec {
    struct prange *v;
    uint32_t n, cap;
};

static void pvec_free(struct pvec *r)
{
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}

/* Bounded by PORT_MAX_ITEMS elements, each adding one range, plus the ranges a
 * subtraction splits. */
static int pvec_push(struct pvec *r, uint32_t lo, uint32_t hi)
{
    if (r->n == r->cap) {
        uint32_t cap = r->cap ? r->cap * 2 : 4;
        struct prange *v = realloc(r->v, (size_t)cap * sizeof(*v));
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

static int prange_cmp(const void *a, const void *b)
{
    const struct prange *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return x->hi < y->hi ? -1 : x->hi > y->hi;
}

/* Sorts and merges overlapping and adjacent ranges. */
static void pvec_normalize(struct pvec *r)
{
    if (r->n < 2)
        return;
    qsort(r->v, r->n, sizeof(r->v[0]), prange_cmp);
    uint32_t w = 0;
    for (uint32_t i = 1; i < r->n; i++) {
        if (r->v[i].lo <= r->v[w].hi + 1) {
            if (r->v[i].hi > r->v[w].hi)
                r->v[w].hi = r->v[i].hi;
        } else {
            r->v[++w] = r->v[i];
        }
    }
    r->n = w + 1;
}

/* *out = a minus b; both normalized, and so is the result. */
static int pvec_subtract(const struct pvec *a, const struct pvec *b, struct pvec *out)
{
    uint32_t j = 0;
    for (uint32_t i = 0; i < a->n; i++) {
        uint32_t cur = a->v[i].lo, end = a->v[i].hi;
        bool done = false;
        while (j < b->n && b->v[j].hi < cur)
            j++;
        for (uint32_t k = j; k < b->n && b->v[k].lo <= end; k++) {
            if (b->v[k].lo > cur && pvec_push(out, cur, b->v[k].lo - 1) != CANH_OK)
                return CANH_ENOMEM;
            if (b->v[k].hi >= end) {
                done = true;
                break;
            }
            cur = b->v[k].hi + 1;
        }
        if (!done && pvec_push(out, cur, end) != CANH_OK)
            return CANH_ENOMEM;
    }
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Parser                                                                             */
/* ---------------------------------------------------------------------------------- */

struct pparser {
    detect_var_fn vars;
    void *ctx;
    char *err;             /* the caller's errbuf */
    uint32_t items;        /* elements, lists and expansions so far (PORT_MAX_ITEMS) */
    struct pvec pos, neg;  /* the two sides */
    /* variables being expanded, outermost first (names point into the spec or into a
     * variable's value, valid during the parse) */
    const char *chain[PORT_MAX_DEPTH + 2];
    size_t chain_len[PORT_MAX_DEPTH + 2];
    unsigned nchain;
};

static int pfail(struct pparser *p, const char *fmt, ...) CANH_PRINTF(2, 3);
static int pfail(struct pparser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, CANH_ERRBUF_SIZE, fmt, ap);
    va_end(ap);
    return CANH_ERR;
}

static int plist(struct pparser *p, const char *s, size_t len, bool negate, unsigned depth);

/* A port number as Suricata reads it (strtoull, base 10, nothing after it): leading
 * whitespace and a '+' are accepted. */
static bool port_num(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '+')
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    for (; isdigit((unsigned char)*s); s++) {
        v = v * 10 + (uint32_t)(*s - '0');
        if (v > UINT16_MAX)
            return false;
    }
    if (*s != '\0')
        return false;
    *out = v;
    return true;
}

/* One port or range (Suricata's PortParse); 'text' is the element without its leading
 * whitespace and '!'. */
static int psingle(struct pparser *p, const char *text, size_t len, bool negated)
{
    char buf[PORT_ELEMENT_MAX_LEN + 1];
    if (len > PORT_ELEMENT_MAX_LEN)
        return pfail(p, "failed to parse port \"%.*s\": longer than %d characters",
                     (int)(len > 40 ? 40 : len), text, PORT_ELEMENT_MAX_LEN);
    memcpy(buf, text, len);
    buf[len] = '\0';

    uint32_t lo, hi;
    char *colon = strchr(buf, ':');
    if (colon != NULL) {
        *colon = '\0';
        const char *a = buf, *b = colon + 1;
        lo = 0;
        hi = UINT16_MAX;
        if ((*a != '\0' && !port_num(a, &lo)) || (*b != '\0' && !port_num(b, &hi)))
            return pfail(p, "failed to parse port \"%s:%s\": not a port number (0 to 65535)",
                         a, b);
        if (lo > hi)
            return pfail(p, "failed to parse port \"%s:%s\": range start after end", a, b);
    } else if (strcasecmp(buf, "any") == 0) {
        lo = 0;
        hi = UINT16_MAX;
    } else {
        if (!port_num(buf, &lo))
            return pfail(p, "failed to parse port \"%s\": not a port number (0 to 65535)",
                         buf);
        hi = lo;
    }
    if (pvec_push(negated ? &p->neg : &p->pos, lo, hi) != CANH_OK)
        return pfail(p, "out of memory");
    return CANH_OK;
}

static int pvar(struct pparser *p, const char *name, size_t nlen, bool negate,
                unsigned depth)
{
    char nbuf[PORT_VAR_NAME_MAX];
    if (nlen == 0)
        return pfail(p, "'$' without a variable name");
    if (nlen >= sizeof(nbuf))
        return pfail(p, "variable name \"%.40s...\" longer than %d characters", name,
                     PORT_VAR_NAME_MAX - 1);
    memcpy(nbuf, name, nlen);
    nbuf[nlen] = '\0';

    if (speclist_loop(p->chain, p->chain_len, p->nchain, name, nlen, "port", p->err))
        return CANH_ERR;
    const char *val = p->vars != NULL ? p->vars(p->ctx, nbuf) : NULL;
    if (val == NULL)
        return pfail(p, "variable \"$%s\" is not defined", nbuf);
    if (val[0] == '\0')
        return pfail(p, "variable \"$%s\" resolved to nothing (a negated variable must be "
                        "quoted in YAML: \"!$HTTP_PORTS\")",
                     nbuf);
    p->chain[p->nchain] = name;
    p->chain_len[p->nchain] = nlen;
    p->nchain++;
    int rc = plist(p, val, strlen(val), negate, depth + 1);
    p->nchain--;
    return rc;
}

/* One element: s[0, len), between two commas or the list's ends; 'last' when it ends
 * the list's text (Suricata treats that one differently, see detect-port.h). */
static int pelement(struct pparser *p, const char *s, size_t len, bool negate, bool last,
                    unsigned depth)
{
    if (++p->items > PORT_MAX_ITEMS)
        return pfail(p, "port spec too large: more than %d elements, lists and variable "
                        "expansions",
                     PORT_MAX_ITEMS);
    bool n_set;
    size_t i = speclist_prefix(s, len, &n_set);
    if (i == len)
        return pfail(p, "failed to parse port \"\"");

    if (s[i] == '[') {
        size_t k, close = speclist_close(s, len, i, &k);
        if (k < len)
            return pfail(p, "unexpected \"%.*s\" after ']'", (int)(len - k), s + k);
        /* Suricata: a list passes "negate ? negate : n_set" down */
        return plist(p, s + i + 1, close - i - 1, negate || n_set, depth + 1);
    }
    if (s[i] == '$')
        return pvar(p, s + i + 1, len - i - 1, negate != n_set, depth);
    const char *colon = memchr(s + i, ':', len - i);
    for (size_t k = i; k < len; k++) {
        if (s[k] == '!' && colon != NULL && s + k > colon)
            return pfail(p, "can't have a negated value in a range: \"%.*s\"",
                         (int)(len - i), s + i);
        if (s[k] == '[' || s[k] == ']' || s[k] == '$' || s[k] == '!')
            return pfail(p, "failed to parse port \"%.*s\"", (int)(len - i), s + i);
    }
    /* Suricata: the last element toggles, the others do not */
    bool negated = last ? negate != n_set : (negate || n_set);
    return psingle(p, s + i, len - i, negated);
}

/* A list's contents (between its brackets, or a whole spec). */
static int plist(struct pparser *p, const char *s, size_t len, bool negate, unsigned depth)
{
    if (depth > PORT_MAX_DEPTH)
        return pfail(p, "port block recursion limit reached (max %d)", PORT_MAX_DEPTH);

    int d = 0, dmin = 0;
    for (size_t k = 0; k < len; k++) {
        if (s[k] == '[')
            d++;
        else if (s[k] == ']' && --d < dmin)
            dmin = d;
    }
    if (dmin < 0)
        return pfail(p, "not every port block was properly opened in \"%.*s\": missing "
                        "opening bracket ([)",
                     (int)len, s);
    if (d > 0)
        return pfail(p, "not every port block was properly closed in \"%.*s\", %d missing "
                        "closing brackets (])",
                     (int)len, s, d);

    size_t start = 0;
    d = 0;
    for (size_t k = 0; k <= len; k++) {
        if (k < len && s[k] == '[') {
            d++;
        } else if (k < len && s[k] == ']') {
            d--;
        } else if (k == len || (s[k] == ',' && d == 0)) {
            if (k == len && k == start)
                break; /* "" or a trailing comma */
            int rc = pelement(p, s + start, k - start, negate, k == len, depth);
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

struct port_set {
    struct port_range *v;
    uint32_t n;
};

struct port_set *port_set_parse(const char *spec, detect_var_fn vars, void *ctx,
                                char errbuf[CANH_ERRBUF_SIZE])
{
    struct pparser p = { .vars = vars, .ctx = ctx, .err = errbuf };
    struct pvec out = { NULL, 0, 0 };
    struct port_set *s = NULL;
    errbuf[0] = '\0';

    if (spec == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "no port");
        return NULL;
    }
    if (plist(&p, spec, strlen(spec), false, 0) != CANH_OK)
        goto out;

    pvec_normalize(&p.pos);
    pvec_normalize(&p.neg);
    if (p.neg.n == 1 && p.neg.v[0].lo == 0 && p.neg.v[0].hi == UINT16_MAX) {
        pfail(&p, "complete port space is negated");
        goto out;
    }
    if (p.pos.n == 0 && p.neg.n > 0 && pvec_push(&p.pos, 0, UINT16_MAX) != CANH_OK)
        goto nomem;
    if (pvec_subtract(&p.pos, &p.neg, &out) != CANH_OK)
        goto nomem;
    if (out.n == 0) {
        pfail(&p, "no ports left after merging ports with negated ports");
        goto out;
    }

    s = calloc(1, sizeof(*s));
    if (s == NULL)
        goto nomem;
    s->v = malloc((size_t)out.n * sizeof(*s->v));
    if (s->v == NULL)
        goto nomem;
    for (uint32_t i = 0; i < out.n; i++) {
        s->v[i].lo = (uint16_t)out.v[i].lo;
        s->v[i].hi = (uint16_t)out.v[i].hi;
    }
    s->n = out.n;
    goto out;

nomem:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
    port_set_free(s);
    s = NULL;
out:
    pvec_free(&p.pos);
    pvec_free(&p.neg);
    pvec_free(&out);
    return s;
}

void port_set_free(struct port_set *s)
{
    if (s == NULL)
        return;
    free(s->v);
    free(s);
}

bool port_set_match(const struct port_set *s, uint16_t port)
{
    if (s->n == 1)
        return port >= s->v[0].lo && port <= s->v[0].hi;
    uint32_t lo = 0, hi = s->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].lo <= port)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && port <= s->v[lo - 1].hi;
}

bool port_set_is_any(const struct port_set *s)
{
    return s->n == 1 && s->v[0].lo == 0 && s->v[0].hi == UINT16_MAX;
}

const struct port_range *port_set_ranges(const struct port_set *s, uint32_t *n)
{
    *n = s->n;
    return s->v;
}

int port_set_format(const struct port_set *s, char *buf, size_t len)
{
    size_t k = 0;
    if (len == 0)
        return CANH_ELIMIT;
    buf[0] = '\0';
    for (uint32_t i = 0; i < s->n; i++) {
        int w = s->v[i].lo == s->v[i].hi
                    ? snprintf(buf + k, len - k, "%s%u", i ? "," : "", s->v[i].lo)
                    : snprintf(buf + k, len - k, "%s%u:%u", i ? "," : "", s->v[i].lo,
                               s->v[i].hi);
        if (w < 0 || (size_t)w >= len - k) {
            buf[k] = '\0';
            return CANH_ELIMIT;
        }
        k += (size_t)w;
    }
    return CANH_OK;
}
