/* Building the engine: reading rule files, reporting rules that cannot be loaded,
 * ordering, and the prefilter groups with their Hyperscan databases. */
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/detect-address.h"
#include "detect/detect-classification.h"
#include "detect/detect-iponly.h"
#include "detect/detect-mpm.h"
#include "detect/detect-parse.h"
#include "detect/detect-port.h"
#include "detect/detect-pcre.h"
#include "detect/detect-spm.h"
#include "detect/detect-threshold.h"

/* ---------------------------------------------------------------------------------- */
/* Reading rule files                                                                 */
/* ---------------------------------------------------------------------------------- */

struct sig_vec {
    struct sig **v;
    uint32_t n, cap;
};

static int sig_vec_push(struct sig_vec *sv, struct sig *s)
{
    if (sv->n == sv->cap) {
        uint32_t cap = sv->cap ? sv->cap * 2 : 1024;
        struct sig **v = realloc(sv->v, cap * sizeof(*v));
        if (v == NULL)
            return CANH_ENOMEM;
        sv->v = v;
        sv->cap = cap;
    }
    sv->v[sv->n++] = s;
    return CANH_OK;
}

static const char *intern_file(struct detect_engine *de, const char *path)
{
    for (uint32_t i = 0; i < de->nfiles; i++)
        if (strcmp(de->files[i], path) == 0)
            return de->files[i];
    char **v = realloc(de->files, (de->nfiles + 1) * sizeof(*v));
    if (v == NULL)
        return NULL;
    de->files = v;
    v[de->nfiles] = strdup(path);
    if (v[de->nfiles] == NULL)
        return NULL;
    return v[de->nfiles++];
}

static void report_skip(const struct detect_load_conf *c, const char *file, unsigned line,
                        uint32_t sid, const char *reason)
{
    if (c->report == NULL || c->quiet)
        return;
    if (sid != 0)
        fprintf(c->report, "canh-sensor: %s:%u: %s in sid %u (rule skipped)\n", file, line,
                reason, sid);
    else
        fprintf(c->report, "canh-sensor: %s:%u: %s (rule skipped)\n", file, line, reason);
}

/* Reads one file; each rule (continuation lines ending in '\' joined) is parsed. */
static int load_file(struct detect_engine *de, const struct detect_load_conf *c, const char *path,
                     struct sig_vec *sv, struct detect_load_stats *st, char errbuf[CANH_ERRBUF_SIZE])
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "rule file %s: %s", path, strerror(errno));
        return CANH_ERR;
    }
    const char *ipath = intern_file(de, path);
    char *rule = malloc(DETECT_RULE_MAX_LEN + 1);
    char *line = NULL;
    size_t linecap = 0;
    if (ipath == NULL || rule == NULL) {
        fclose(f);
        free(rule);
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        return CANH_ENOMEM;
    }
    size_t rlen = 0;
    unsigned lineno = 0, start_line = 0;
    bool too_long = false;
    ssize_t n;
    int rc = CANH_OK;
    while ((n = getline(&line, &linecap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *p = line;
        if (rlen == 0) {
            while (isspace((unsigned char)*p))
                p++;
            if (*p == '\0' || *p == '#')
                continue;
            start_line = lineno;
            too_long = false;
        }
        size_t pl = strlen(p);
        bool cont = pl > 0 && p[pl - 1] == '\\';
        if (cont)
            pl--;
        if (rlen + pl > DETECT_RULE_MAX_LEN)
            too_long = true;
        else {
            memcpy(rule + rlen, p, pl);
            rlen += pl;
        }
        if (cont)
            continue;
        rule[rlen] = '\0';
        rlen = 0;
        st->rules_total++;
        if (too_long) {
            st->skipped++;
            report_skip(c, path, start_line, 0, "rule longer than 64 KiB");
            continue;
        }
        char err[CANH_ERRBUF_SIZE];
        uint32_t sid = 0;
        struct sig *s = detect_parse_rule(de, c, rule, &sid, err);
        if (s == NULL) {
            st->skipped++;
            report_skip(c, path, start_line, sid, err);
            continue;
        }
        s->file = ipath;
        s->line = start_line;
        if (sig_vec_push(sv, s) != CANH_OK) {
            detect_sig_free(s);
            snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
            rc = CANH_ENOMEM;
            break;
        }
    }
    if (rlen > 0 && rc == CANH_OK) {
        st->rules_total++;
        st->skipped++;
        report_skip(c, path, start_line, 0, "file ends inside a continued rule");
    }
    free(line);
    free(rule);
    fclose(f);
    st->files++;
    return rc;
}

/* ---------------------------------------------------------------------------------- */
/* Duplicates and order                                                               */
/* ---------------------------------------------------------------------------------- */

static int cmp_gid_sid(const void *a, const void *b)
{
    const struct sig *x = *(struct sig *const *)a, *y = *(struct sig *const *)b;
    if (x->gid != y->gid)
        return x->gid < y->gid ? -1 : 1;
    if (x->sid != y->sid)
        return x->sid < y->sid ? -1 : 1;
    /* higher rev first, then earlier load */
    if (x->rev != y->rev)
        return x->rev > y->rev ? -1 : 1;
    return x->num < y->num ? -1 : (x->num > y->num);
}

/* Suricata keeps the first of two rules with the same gid:sid unless the later has a
 * higher rev. */
static void drop_duplicates(const struct detect_load_conf *c, struct sig_vec *sv,
                            struct detect_load_stats *st)
{
    for (uint32_t i = 0; i < sv->n; i++)
        sv->v[i]->num = i;
    if (sv->n > 1)
        qsort(sv->v, sv->n, sizeof(sv->v[0]), cmp_gid_sid);
    uint32_t o = 0;
    for (uint32_t i = 0; i < sv->n; i++) {
        if (o > 0 && sv->v[o - 1]->gid == sv->v[i]->gid && sv->v[o - 1]->sid == sv->v[i]->sid) {
            struct sig *d = sv->v[i];
            char why[96];
            snprintf(why, sizeof(why), "duplicate of %s:%u (rev %u kept)",
                     sv->v[o - 1]->file, sv->v[o - 1]->line, sv->v[o - 1]->rev);
            report_skip(c, d->file, d->line, d->sid, why);
            st->duplicates++;
            st->skipped++;
            detect_sig_free(d);
            continue;
        }
        sv->v[o++] = sv->v[i];
    }
    sv->n = o;
}

static int bits_type(const struct sig *s)
{
    bool read = (s->flags & SIG_FLOWBITS_READ) != 0, set = (s->flags & SIG_FLOWBITS_SET) != 0;
    return read && set ? 3 : set ? 4 : read ? 2 : 1;
}

static int int_type(const struct sig *s)
{
    bool read = false, set = false;
    for (unsigned i = 0; i < s->match.n; i++)
        if (s->match.v[i].type == SM_FLOWINT)
            read = true;
    for (unsigned i = 0; i < s->post.n; i++)
        if (s->post.v[i].type == SM_FLOWINT)
            set = true;
    return read && set ? 3 : set ? 4 : read ? 2 : 1;
}

/* Suricata's order (detect-engine-sigorder.c): action (pass, drop, reject, alert),
 * flowbits setters, then setter-readers, then readers, then the rest; the same for
 * flowint; priority; sid. */
static int cmp_order(const void *a, const void *b)
{
    const struct sig *x = *(struct sig *const *)a, *y = *(struct sig *const *)b;
    if (x->action != y->action)
        return x->action < y->action ? -1 : 1;
    int bx = bits_type(x), by = bits_type(y);
    if (bx != by)
        return bx > by ? -1 : 1;
    int ix = int_type(x), iy = int_type(y);
    if (ix != iy)
        return ix > iy ? -1 : 1;
    if (x->prio != y->prio)
        return x->prio < y->prio ? -1 : 1;
    if (x->sid != y->sid)
        return x->sid < y->sid ? -1 : 1;
    return x->gid < y->gid ? -1 : (x->gid > y->gid);
}

/* ---------------------------------------------------------------------------------- */
/* Groups                                                                             */
/* ---------------------------------------------------------------------------------- */

struct pat_ref {
    const struct detect_content *c;
    uint32_t num;
};

struct group_build {
    struct mpm_builder *mb;
    uint32_t npat;
    uint32_t *always;
    uint32_t nalways, capalways;
    bool split;                 /* split patterns by destination port */
    struct pat_ref *pats;       /* split groups: the patterns, kept until finish */
    uint32_t npats, cappats;
};

#define PORTSPLIT_MIN_PATTERNS 64  /* smaller groups are not worth splitting */
#define PORTSPLIT_MAX_PORTS 4096   /* rules naming more ports count as 'any port' */
#define PORTSPLIT_MAX_BUCKETS 1024 /* distinct port combinations; beyond, 'any port' */

static int gb_add_always(struct group_build *g, uint32_t num)
{
    if (g->nalways == g->capalways) {
        uint32_t cap = g->capalways ? g->capalways * 2 : 16;
        uint32_t *v = realloc(g->always, cap * sizeof(*v));
        if (v == NULL)
            return CANH_ENOMEM;
        g->always = v;
        g->capalways = cap;
    }
    g->always[g->nalways++] = num;
    return CANH_OK;
}

static int mb_add(struct mpm_builder *mb, const struct detect_content *c, uint32_t num)
{
    const uint8_t *pat = c->pat;
    uint32_t len = c->len;
    if (c->flags & CT_FP_CHOP) {
        pat += c->chop_off;
        len = c->chop_len;
    }
    return mpm_builder_add_bounded(mb, pat, len, (c->flags & CT_NOCASE) != 0, c->mpm_end,
                                   c->mpm_max_len, num);
}

static int gb_add_pattern(struct group_build *g, const struct detect_content *c, uint32_t num)
{
    if (g->split) {
        if (g->npats == g->cappats) {
            uint32_t cap = g->cappats ? g->cappats * 2 : 256;
            struct pat_ref *v = realloc(g->pats, cap * sizeof(*v));
            if (v == NULL)
                return CANH_ENOMEM;
            g->pats = v;
            g->cappats = cap;
        }
        g->pats[g->npats].c = c;
        g->pats[g->npats].num = num;
        g->npats++;
        g->npat++;
        return CANH_OK;
    }
    if (g->mb == NULL) {
        g->mb = mpm_builder_new();
        if (g->mb == NULL)
            return CANH_ENOMEM;
    }
    g->npat++;
    return mb_add(g->mb, c, num);
}

static int add_to(struct group_build *g, const struct sig *s)
{
    if (s->fp != NULL)
        return gb_add_pattern(g, s->fp, s->num);
    return gb_add_always(g, s->num);
}

static int register_mpm(struct detect_engine *de, struct mpm *m)
{
    if (de->nmpms == de->capmpms) {
        size_t cap = de->capmpms ? de->capmpms * 2 : 16;
        struct mpm **v = realloc(de->mpms, cap * sizeof(*v));
        if (v == NULL)
            return CANH_ENOMEM;
        de->mpms = v;
        de->capmpms = cap;
    }
    de->mpms[de->nmpms++] = m;
    return CANH_OK;
}

/* The first test of an always-run rule (see struct detect_pf). */
static void make_pf(const struct sig *s, struct detect_pf *pf)
{
    pf->num = s->num;
    pf->dp_lo = 0;
    pf->dp_hi = 65535;
    pf->ds_lo = 0;
    pf->ds_hi = 65535;
    pf->need = pf->forbid = 0;
    pf->ipproto = 0;
    if (!(s->flags & SIG_DP_ANY) && !(s->flags & SIG_BIDIR)) {
        uint32_t n;
        const struct port_range *r = port_set_ranges(s->dp, &n);
        if (n > 0) {
            pf->dp_lo = r[0].lo;
            pf->dp_hi = r[n - 1].hi;
        }
    }
    for (unsigned i = 0; i < s->match.n; i++) {
        const struct sm *m = &s->match.v[i];
        if (m->type == SM_FLAGS) {
            const struct detect_flags *f = m->ctx;
            if (f->mode == 0) {
                pf->need |= f->set;
                pf->forbid |= (uint8_t)(f->mask & ~f->set);
            } else if (f->mode == '+') {
                pf->need |= f->set;
            } else if (f->mode == '!') {
                pf->forbid |= f->set;
            }
        } else if (m->type == SM_IP_PROTO && ((const struct detect_num *)m->ctx)->mode == NUM_EQ) {
            pf->ipproto = (uint8_t)((const struct detect_num *)m->ctx)->a;
        } else if (m->type == SM_DSIZE) {
            uint64_t lo, hi;
            detect_dsize_bounds(m->ctx, &lo, &hi);
            if (lo > pf->ds_lo)
                pf->ds_lo = (uint16_t)(lo > 65535 ? 65535 : lo);
            if (hi < pf->ds_hi)
                pf->ds_hi = (uint16_t)hi;
        }
    }
}

/* Ports a rule's patterns are filed under in a port-split group: its destination
 * ports, or NULL for 'any' (any port, bidirectional, or too many ports). */
static const struct port_range *split_ports1(const struct sig *s, bool src, uint32_t *n)
{
    *n = 0;
    if ((s->flags & (src ? SIG_SP_ANY : SIG_DP_ANY)) != 0 || (s->flags & SIG_BIDIR) != 0)
        return NULL;
    const struct port_range *r = port_set_ranges(src ? s->sp : s->dp, n);
    uint64_t total = 0;
    for (uint32_t i = 0; i < *n; i++)
        total += (uint32_t)r[i].hi - r[i].lo + 1;
    if (total == 0 || total > PORTSPLIT_MAX_PORTS) {
        *n = 0;
        return NULL;
    }
    return r;
}

/* Which map a pattern goes to: 0 the any-port database, 1 by destination port, 2 by
 * source port (rules for any destination port but named source ports: replies from
 * port 53, 123 ...). */
static int split_side(const struct sig *s)
{
    uint32_t n;
    if (split_ports1(s, false, &n) != NULL)
        return 1;
    if (split_ports1(s, true, &n) != NULL)
        return 2;
    return 0;
}

static const struct port_range *split_ports(const struct sig *s, int side, uint32_t *n)
{
    *n = 0;
    if (split_side(s) != side)
        return NULL;
    return split_ports1(s, side == 2, n);
}

static int portmap_set(struct detect_portmap *pm, uint32_t port, uint16_t v)
{
    uint16_t **b = &pm->blk[port >> 8];
    if (*b == NULL && (*b = calloc(256, sizeof(**b))) == NULL)
        return CANH_ENOMEM;
    (*b)[port & 255] = v;
    return CANH_OK;
}

static void portmap_clear(struct detect_portmap *pm)
{
    for (unsigned i = 0; i < 256; i++) {
        free(pm->blk[i]);
        pm->blk[i] = NULL;
    }
}

static void portmap_free(struct detect_portmap *pm)
{
    if (pm == NULL)
        return;
    portmap_clear(pm);
    for (uint32_t i = 0; i < pm->nbuckets; i++)
        mpm_free(pm->buckets[i]);
    free(pm->buckets);
    free(pm);
}

/* Splits a group's patterns: those of rules for any port into the main database, the
 * others into one database per distinct combination of rules' port sets seen on a
 * port. */
static int split_group(struct detect_engine *de, struct group_build *gb, struct detect_portmap **out,
                       int side, char errbuf[CANH_ERRBUF_SIZE])
{
    int rc = CANH_ENOMEM;
    struct detect_portmap *pm = calloc(1, sizeof(*pm));
    uint32_t *plist = NULL;     /* per port, the pattern refs naming it (flattened) */
    uint32_t *poff = NULL, *pcnt = NULL, *bport = NULL;
    if (pm == NULL)
        goto out;
    /* count per port */
    pcnt = calloc(65536, sizeof(*pcnt));
    if (pcnt == NULL)
        goto out;
    uint64_t total = 0;
    for (uint32_t i = 0; i < gb->npats; i++) {
        uint32_t n;
        const struct port_range *r = split_ports(de->sigs[gb->pats[i].num], side, &n);
        if (r == NULL) {
            if (side != 1 || split_side(de->sigs[gb->pats[i].num]) != 0)
                continue;
            if (gb->mb == NULL && (gb->mb = mpm_builder_new()) == NULL)
                goto out;
            if ((rc = mb_add(gb->mb, gb->pats[i].c, gb->pats[i].num)) != CANH_OK)
                goto out;
            rc = CANH_ENOMEM;
            continue;
        }
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t p = r[k].lo; p <= r[k].hi; p++) {
                pcnt[p]++;
                total++;
            }
    }
    poff = malloc(65537 * sizeof(*poff));
    plist = malloc((total ? total : 1) * sizeof(*plist));
    if (poff == NULL || plist == NULL)
        goto out;
    poff[0] = 0;
    for (uint32_t p = 0; p < 65536; p++)
        poff[p + 1] = poff[p] + pcnt[p];
    memset(pcnt, 0, 65536 * sizeof(*pcnt));
    for (uint32_t i = 0; i < gb->npats; i++) {
        uint32_t n;
        const struct port_range *r = split_ports(de->sigs[gb->pats[i].num], side, &n);
        for (uint32_t k = 0; r != NULL && k < n; k++)
            for (uint32_t p = r[k].lo; p <= r[k].hi; p++)
                plist[poff[p] + pcnt[p]++] = i; /* pattern refs in increasing order */
    }
    /* one bucket per distinct list; ports with the same list share it */
    bport = malloc(PORTSPLIT_MAX_BUCKETS * sizeof(*bport)); /* a port of each bucket */
    if (bport == NULL)
        goto out;
    uint32_t nb = 0;
    bool overflow = false;
    for (uint32_t p = 0; p < 65536 && !overflow; p++) {
        uint32_t cnt = poff[p + 1] - poff[p];
        if (cnt == 0)
            continue;
        uint32_t b;
        /* neighbouring ports mostly share their list: try the previous port's first */
        uint16_t prev = p > 0 ? portmap_get(pm, (uint16_t)(p - 1)) : 0;
        if (prev != 0) {
            uint32_t q = bport[prev - 1];
            if (poff[q + 1] - poff[q] == cnt &&
                memcmp(plist + poff[q], plist + poff[p], cnt * sizeof(*plist)) == 0) {
                if (portmap_set(pm, p, prev) != CANH_OK)
                    goto out;
                continue;
            }
        }
        for (b = 0; b < nb; b++) {
            uint32_t q = bport[b];
            if (poff[q + 1] - poff[q] == cnt &&
                memcmp(plist + poff[q], plist + poff[p], cnt * sizeof(*plist)) == 0)
                break;
        }
        if (b == nb) {
            if (nb == PORTSPLIT_MAX_BUCKETS) {
                overflow = true;
                break;
            }
            bport[nb++] = p;
        }
        if (portmap_set(pm, p, (uint16_t)(b + 1)) != CANH_OK)
            goto out;
    }
    if (overflow) {
        /* too many combinations: no split, everything in the main database */
        portmap_clear(pm);
        nb = 0;
        for (uint32_t i = 0; i < gb->npats; i++) {
            uint32_t n;
            if (split_ports(de->sigs[gb->pats[i].num], side, &n) == NULL)
                continue;
            if (gb->mb == NULL && (gb->mb = mpm_builder_new()) == NULL)
                goto out;
            if (mb_add(gb->mb, gb->pats[i].c, gb->pats[i].num) != CANH_OK)
                goto out;
        }
    }
    pm->buckets = calloc(nb ? nb : 1, sizeof(*pm->buckets));
    if (pm->buckets == NULL)
        goto out;
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t q = bport[b];
        struct mpm_builder *mb = mpm_builder_new();
        if (mb == NULL)
            goto out;
        for (uint32_t k = poff[q]; k < poff[q + 1]; k++) {
            const struct pat_ref *pr = &gb->pats[plist[k]];
            if (mb_add(mb, pr->c, pr->num) != CANH_OK) {
                mpm_builder_free(mb);
                goto out;
            }
        }
        pm->buckets[b] = mpm_build(mb, errbuf);
        if (pm->buckets[b] == NULL) {
            rc = CANH_ERR;
            goto out_quiet;
        }
        pm->nbuckets = b + 1;
        de->memuse += mpm_memuse(pm->buckets[b]);
        if (register_mpm(de, pm->buckets[b]) != CANH_OK)
            goto out;
    }
    de->memuse += sizeof(*pm);
    for (unsigned i = 0; i < 256; i++)
        de->memuse += pm->blk[i] != NULL ? 256 * sizeof(uint16_t) : 0;
    *out = nb > 0 ? pm : NULL;
    if (nb == 0)
        portmap_free(pm);
    pm = NULL;
    rc = CANH_OK;
    goto out_quiet;
out:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory building port groups");
out_quiet:
    portmap_free(pm);
    free(pcnt);
    free(poff);
    free(plist);
    free(bport);
    return rc;
}

static int finish_group(struct detect_engine *de, struct group_build *gb, struct detect_group *g,
                        char errbuf[CANH_ERRBUF_SIZE])
{
    if (gb->split) {
        if (gb->npats >= PORTSPLIT_MIN_PATTERNS) {
            int rc = split_group(de, gb, &g->pm, 1, errbuf);
            if (rc == CANH_OK)
                rc = split_group(de, gb, &g->pm_sp, 2, errbuf);
            free(gb->pats);
            gb->pats = NULL;
            gb->npats = 0;
            if (rc != CANH_OK)
                return rc;
        } else {
            for (uint32_t i = 0; i < gb->npats; i++) {
                if (gb->mb == NULL && (gb->mb = mpm_builder_new()) == NULL)
                    return CANH_ENOMEM;
                if (mb_add(gb->mb, gb->pats[i].c, gb->pats[i].num) != CANH_OK)
                    return CANH_ENOMEM;
            }
            free(gb->pats);
            gb->pats = NULL;
        }
    }
    g->always = gb->always;
    g->nalways = gb->nalways;
    gb->always = NULL;
    if (g->nalways > 0) {
        g->pf = malloc(g->nalways * sizeof(*g->pf));
        if (g->pf == NULL) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
            return CANH_ENOMEM;
        }
        for (uint32_t i = 0; i < g->nalways; i++)
            make_pf(de->sigs[g->always[i]], &g->pf[i]);
        /* most such rules name a port or a few (ET SCAN ... to 1433; replies from
         * 3389): a packet to and from none of them skips the walk */
        bool every = false;
        for (uint32_t i = 0; i < g->nalways; i++) {
            const struct sig *r = de->sigs[g->always[i]];
            bool sp_any = (r->flags & (SIG_SP_ANY | SIG_BIDIR)) != 0;
            every = every || (g->pf[i].dp_lo == 0 && g->pf[i].dp_hi == 65535 && sp_any);
        }
        if (!every) {
            g->pf_ports = calloc(2 * 65536 / 64, sizeof(uint64_t));
            if (g->pf_ports == NULL) {
                snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
                return CANH_ENOMEM;
            }
            uint64_t *dpm = g->pf_ports, *spm = g->pf_ports + 65536 / 64;
            for (uint32_t i = 0; i < g->nalways; i++) {
                const struct sig *r = de->sigs[g->always[i]];
                if (!(g->pf[i].dp_lo == 0 && g->pf[i].dp_hi == 65535)) {
                    for (uint32_t p = g->pf[i].dp_lo; p <= g->pf[i].dp_hi; p++)
                        dpm[p >> 6] |= 1ull << (p & 63);
                    continue;
                }
                uint32_t n;
                const struct port_range *sr = port_set_ranges(r->sp, &n);
                for (uint32_t k = 0; k < n; k++)
                    for (uint32_t p = sr[k].lo; p <= sr[k].hi; p++)
                        spm[p >> 6] |= 1ull << (p & 63);
            }
            de->memuse += 2 * 65536 / 8;
        }
        de->memuse += g->nalways * sizeof(*g->pf);
    }
    if (gb->mb != NULL) {
        g->mpm = mpm_build(gb->mb, errbuf);
        gb->mb = NULL;
        if (g->mpm == NULL)
            return CANH_ERR;
        de->memuse += mpm_memuse(g->mpm);
        if (register_mpm(de, g->mpm) != CANH_OK) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
            return CANH_ENOMEM;
        }
    }
    return CANH_OK;
}

static int variant_of(struct detect_engine *de, const struct sig_buf *b)
{
    for (uint16_t i = 0; i < de->nvariants; i++) {
        const struct detect_variant *v = &de->variants[i];
        if (v->buf == b->buf && v->ntransforms == b->ntransforms &&
            memcmp(v->transforms, b->transforms, b->ntransforms) == 0)
            return i;
    }
    if (de->nvariants == UINT16_MAX)
        return -1;
    struct detect_variant *v = realloc(de->variants, (de->nvariants + 1u) * sizeof(*v));
    if (v == NULL)
        return -1;
    de->variants = v;
    v[de->nvariants].buf = b->buf;
    v[de->nvariants].ntransforms = b->ntransforms;
    memcpy(v[de->nvariants].transforms, b->transforms, sizeof(b->transforms));
    return de->nvariants++;
}

static int proto_class(uint8_t proto)
{
    switch (proto) {
    case 6: return DG_PROTO_TCP;
    case 17: return DG_PROTO_UDP;
    case 1: case 58: return DG_PROTO_ICMP;
    default: return DG_PROTO_OTHER;
    }
}

/* The protocol an ip_proto keyword requires, or -1. */
static int sig_ip_proto(const struct sig *s)
{
    for (unsigned i = 0; i < s->match.n; i++)
        if (s->match.v[i].type == SM_IP_PROTO) {
            const struct detect_num *n = s->match.v[i].ctx;
            return n->mode == NUM_EQ ? (int)n->a : -1;
        }
    return -1;
}

static bool sig_has_dsize(const struct sig *s)
{
    for (unsigned i = 0; i < s->match.n; i++)
        if (s->match.v[i].type == SM_DSIZE)
            return true;
    return false;
}

static int build_groups(struct detect_engine *de, struct detect_load_stats *st,
                        char errbuf[CANH_ERRBUF_SIZE])
{
    struct group_build pkt[DG_PROTO_MAX][2], pkt_all[2], stream[2], proto[ALPROTO_MAX][2];
    struct group_build *txb = NULL;
    memset(pkt, 0, sizeof(pkt));
    memset(stream, 0, sizeof(stream));
    memset(pkt_all, 0, sizeof(pkt_all));
    for (int d = 0; d < 2; d++) {
        pkt[DG_PROTO_TCP][d].split = pkt[DG_PROTO_UDP][d].split = true;
        pkt_all[d].split = stream[d].split = true;
    }
    memset(proto, 0, sizeof(proto));
    int rc = CANH_ENOMEM;

    /* Variants first, so the tx builders can be sized. */
    for (uint32_t i = 0; i < de->nsigs; i++) {
        struct sig *s = de->sigs[i];
        for (unsigned b = 0; b < s->nbufs; b++) {
            int v = variant_of(de, &s->bufs[b]);
            if (v < 0)
                goto out;
            s->bufs[b].variant = (uint16_t)v;
            if (s->bufs[b].buf == DETECT_BUF_HTTP_RESPONSE_BODY && s->bufs[b].ntransforms == 0) {
                struct sig_buf fd = { .buf = DETECT_BUF_FILE_DATA };
                if (variant_of(de, &fd) < 0)
                    goto out;
            }
        }
    }
    txb = calloc(de->nvariants ? de->nvariants : 1, sizeof(*txb) * 2);
    de->txg = calloc(de->nvariants ? de->nvariants : 1, sizeof(*de->txg));
    if (txb == NULL || de->txg == NULL)
        goto out;

    uint32_t iponly_cap = 0;
    for (uint32_t i = 0; i < de->nsigs; i++) {
        struct sig *s = de->sigs[i];
        bool ts = !(s->flags & SIG_TOCLIENT), tc = !(s->flags & SIG_TOSERVER);
        if (s->fp == NULL)
            st->no_fast_pattern++;
        if (s->flags & SIG_IPONLY) {
            if (de->niponly == iponly_cap) {
                iponly_cap = iponly_cap ? iponly_cap * 2 : 64;
                uint32_t *v = realloc(de->iponly, iponly_cap * sizeof(*v));
                if (v == NULL)
                    goto out;
                de->iponly = v;
            }
            de->iponly[de->niponly++] = s->num;
            st->iponly++;
            continue;
        }
        if (s->flags & SIG_TX) {
            st->tx++;
            int fpv = -1;
            if (s->fp != NULL)
                for (unsigned b = 0; b < s->nbufs; b++)
                    for (unsigned k = 0; k < s->bufs[b].list.n; k++)
                        if (s->bufs[b].list.v[k].ctx == s->fp && s->bufs[b].buf != DETECT_BUF_PAYLOAD)
                            fpv = s->bufs[b].variant;
            for (int d = 0; d < 2; d++) {
                if ((d == 0 && !ts) || (d == 1 && !tc))
                    continue;
                int r, v = fpv;
                /* the response body and file.data to the client are the same bytes:
                 * their patterns share one database, scanned once */
                if (v >= 0 && d == 1 && de->variants[v].buf == DETECT_BUF_HTTP_RESPONSE_BODY &&
                    de->variants[v].ntransforms == 0) {
                    struct sig_buf fd = { .buf = DETECT_BUF_FILE_DATA };
                    v = variant_of(de, &fd);
                }
                if (v >= 0)
                    r = gb_add_pattern(&txb[v * 2 + d], s->fp, s->num);
                else
                    r = gb_add_always(&proto[s->alproto][d], s->num);
                if (r != CANH_OK)
                    goto out;
            }
            continue;
        }
        /* Packet and stream rules. */
        bool payload = (s->flags & SIG_PAYLOAD) != 0;
        bool stream_ok = payload && !(s->flags & SIG_NO_STREAM) && !sig_has_dsize(s) &&
                         (s->proto == 0 || s->proto == 6);
        bool pkt_ok = !(s->flags & SIG_ONLY_STREAM) || !payload;
        if (stream_ok) {
            s->flags |= SIG_STREAMABLE;
            de->raw_stream = true;
            st->stream++;
        }
        if (pkt_ok)
            st->packet++;
        for (int d = 0; d < 2; d++) {
            if ((d == 0 && !ts) || (d == 1 && !tc))
                continue;
            if (stream_ok && add_to(&stream[d], s) != CANH_OK)
                goto out;
            if (!pkt_ok)
                continue;
            int ipp = sig_ip_proto(s);
            for (int pcl = 0; pcl < DG_PROTO_MAX; pcl++) {
                if (s->proto != 0 && proto_class(s->proto) != pcl)
                    continue;
                if (ipp >= 0 && proto_class((uint8_t)ipp) != pcl)
                    continue; /* ip_proto:41 never matches a TCP packet */
                /* a streamable rule sees TCP packets' payload only without a stream */
                if (!(stream_ok && pcl == DG_PROTO_TCP) && add_to(&pkt[pcl][d], s) != CANH_OK)
                    goto out;
                if (pcl == DG_PROTO_TCP && add_to(&pkt_all[d], s) != CANH_OK)
                    goto out;
            }
        }
    }
    de->iponly_index = detect_iponly_build(de->sigs, de->iponly, de->niponly, errbuf);
    if (de->iponly_index == NULL) {
        rc = CANH_ERR;
        goto out_quiet;
    }
    de->memuse += detect_iponly_memuse(de->iponly_index);
    rc = CANH_OK;
    for (int d = 0; d < 2 && rc == CANH_OK; d++) {
        for (int pcl = 0; pcl < DG_PROTO_MAX && rc == CANH_OK; pcl++)
            rc = finish_group(de, &pkt[pcl][d], &de->pkt[pcl][d], errbuf);
        if (rc == CANH_OK)
            rc = finish_group(de, &stream[d], &de->stream[d], errbuf);
        if (rc == CANH_OK)
            rc = finish_group(de, &pkt_all[d], &de->pkt_all[d], errbuf);
        for (int a = 0; a < ALPROTO_MAX && rc == CANH_OK; a++)
            rc = finish_group(de, &proto[a][d], &de->tx_proto[a][d], errbuf);
        for (uint16_t v = 0; v < de->nvariants && rc == CANH_OK; v++)
            rc = finish_group(de, &txb[v * 2 + d], &de->txg[v][d], errbuf);
    }
    if (rc != CANH_OK)
        goto out_quiet;
    for (int d = 0; d < 2; d++)
        for (uint16_t v = 0; v < de->nvariants; v++) {
            uint8_t a = detect_buffers[de->variants[v].buf].alproto;
            if (de->txg[v][d].mpm == NULL || a >= ALPROTO_MAX)
                continue;
            uint16_t *nv = realloc(de->txvars[a][d], (de->ntxvars[a][d] + 1u) * sizeof(*nv));
            if (nv == NULL)
                goto out;
            de->txvars[a][d] = nv;
            nv[de->ntxvars[a][d]++] = v;
        }
    goto done;
out:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory building rule groups");
out_quiet:
done:
    for (int d = 0; d < 2; d++) {
        for (int pcl = 0; pcl < DG_PROTO_MAX; pcl++) {
            mpm_builder_free(pkt[pcl][d].mb);
            free(pkt[pcl][d].always);
            free(pkt[pcl][d].pats);
        }
        free(pkt_all[d].pats);
        free(stream[d].pats);
        mpm_builder_free(stream[d].mb);
        free(stream[d].always);
        mpm_builder_free(pkt_all[d].mb);
        free(pkt_all[d].always);
        for (int a = 0; a < ALPROTO_MAX; a++) {
            mpm_builder_free(proto[a][d].mb);
            free(proto[a][d].always);
        }
    }
    if (txb != NULL) {
        for (uint32_t v = 0; v < de->nvariants * 2u; v++) {
            mpm_builder_free(txb[v].mb);
            free(txb[v].always);
        }
        free(txb);
    }
    return rc;
}

/* Single-pattern matchers for every content. */
static int build_spms(struct detect_engine *de)
{
    for (uint32_t i = 0; i < de->nsigs; i++) {
        struct sig *s = de->sigs[i];
        for (unsigned b = 0; b < s->nbufs; b++)
            for (unsigned k = 0; k < s->bufs[b].list.n; k++) {
                struct sm *m = &s->bufs[b].list.v[k];
                if (m->type == SM_PCRE) {
                    uint32_t pairs = detect_pcre_pairs(m->ctx);
                    if (pairs > de->pcre_max_pairs)
                        de->pcre_max_pairs = pairs;
                    continue;
                }
                if (m->type != SM_CONTENT)
                    continue;
                struct detect_content *c = m->ctx;
                c->spm = spm_new(c->pat, c->len, (c->flags & CT_NOCASE) != 0);
                if (c->spm == NULL)
                    return CANH_ENOMEM;
                de->memuse += spm_memuse(c->spm);
            }
    }
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Entry points                                                                       */
/* ---------------------------------------------------------------------------------- */

struct detect_engine *detect_engine_load(const struct detect_load_conf *c,
                                         struct detect_load_stats *st,
                                         char errbuf[CANH_ERRBUF_SIZE])
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(st, 0, sizeof(*st));
    struct detect_engine *de = calloc(1, sizeof(*de));
    struct sig_vec sv = { 0 };
    if (de == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        return NULL;
    }
    de->alert_max = c->alert_max ? c->alert_max : DETECT_PACKET_ALERT_MAX;
    if (de->alert_max > DETECT_PACKET_ALERT_MAX)
        de->alert_max = DETECT_PACKET_ALERT_MAX;
    de->thresholds = threshold_table_new();
    if (de->thresholds == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        goto fail;
    }
    if (mpm_platform_check(errbuf) != CANH_OK)
        goto fail;
    if (c->classification_file != NULL && c->classification_file[0] != '\0')
        de->classes = classification_load(c->classification_file, c->report, errbuf);
    else
        de->classes = classification_builtin(errbuf);
    if (de->classes == NULL)
        goto fail;
    if (c->reference_file != NULL && c->reference_file[0] != '\0')
        de->references = reference_config_load(c->reference_file, c->report, errbuf);
    else
        de->references = reference_config_builtin(errbuf);
    if (de->references == NULL)
        goto fail;
    for (unsigned i = 0; i < c->nfiles; i++)
        if (load_file(de, c, c->files[i], &sv, st, errbuf) != CANH_OK)
            goto fail;
    drop_duplicates(c, &sv, st);
    if (sv.n > 1)
        qsort(sv.v, sv.n, sizeof(sv.v[0]), cmp_order);
    de->sigs = sv.v;
    de->nsigs = sv.n;
    sv.v = NULL;
    for (uint32_t i = 0; i < de->nsigs; i++) {
        de->sigs[i]->num = i;
        de->memuse += sizeof(struct sig);
    }
    st->loaded = de->nsigs;
    if (c->threshold_file != NULL && c->threshold_file[0] != '\0' &&
        threshold_config_load(de, c, c->threshold_file, c->report, errbuf) != CANH_OK)
        goto fail;
    if (build_spms(de) != CANH_OK) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        goto fail;
    }
    if (build_groups(de, st, errbuf) != CANH_OK)
        goto fail;
    /* Compiling the databases churns the heap: give what it freed back to the system,
     * so the sensor's resident memory is the engine's, not the compiler's peak. */
    malloc_trim(0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    st->load_seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    st->memuse = de->memuse;
    return de;
fail:
    for (uint32_t i = 0; i < sv.n; i++)
        detect_sig_free(sv.v[i]);
    free(sv.v);
    detect_engine_free(de);
    return NULL;
}

static void group_free(struct detect_group *g)
{
    portmap_free(g->pm);
    portmap_free(g->pm_sp);
    mpm_free(g->mpm);
    free(g->pf);
    free(g->pf_ports);
    free(g->always);
}

void detect_engine_free(struct detect_engine *de)
{
    if (de == NULL)
        return;
    for (uint32_t i = 0; i < de->nsigs; i++)
        detect_sig_free(de->sigs[i]);
    free(de->sigs);
    for (int d = 0; d < 2; d++) {
        for (int p = 0; p < DG_PROTO_MAX; p++)
            group_free(&de->pkt[p][d]);
        group_free(&de->stream[d]);
        group_free(&de->pkt_all[d]);
        for (int a = 0; a < ALPROTO_MAX; a++)
            group_free(&de->tx_proto[a][d]);
        if (de->txg != NULL)
            for (uint16_t v = 0; v < de->nvariants; v++)
                group_free(&de->txg[v][d]);
    }
    free(de->txg);
    free(de->variants);
    for (int a = 0; a < ALPROTO_MAX; a++)
        for (int d = 0; d < 2; d++)
            free(de->txvars[a][d]);
    free(de->iponly);
    detect_iponly_free(de->iponly_index);
    for (uint32_t i = 0; i < de->nflowbits; i++)
        free(de->flowbits[i]);
    free(de->flowbits);
    for (uint32_t i = 0; i < de->nflowints; i++)
        free(de->flowints[i]);
    free(de->flowints);
    threshold_table_free(de->thresholds);
    classification_free(de->classes);
    reference_config_free(de->references);
    free(de->mpms);
    for (uint32_t i = 0; i < de->nfiles; i++)
        free(de->files[i]);
    free(de->files);
    free(de);
}

uint32_t detect_engine_rules(const struct detect_engine *de)
{
    return de->nsigs;
}

bool detect_engine_needs_raw_stream(const struct detect_engine *de)
{
    return de->raw_stream;
}

static void print_group(FILE *out, const char *name, const struct detect_group *g)
{
    uint32_t np = g->mpm ? mpm_pattern_count(g->mpm) : 0;
    if (np == 0 && g->nalways == 0)
        return;
    fprintf(out, "  %-36s %6u patterns %5u always-run %8.1f KiB\n", name, np, g->nalways,
            g->mpm ? (double)mpm_memuse(g->mpm) / 1024.0 : 0.0);
}

void detect_engine_print_groups(const struct detect_engine *de, FILE *out)
{
    static const char *const pnames[DG_PROTO_MAX] = { "tcp", "udp", "icmp", "other" };
    static const char *const dnames[2] = { "to_server", "to_client" };
    char name[96];
    for (int d = 0; d < 2; d++) {
        for (int p = 0; p < DG_PROTO_MAX; p++) {
            snprintf(name, sizeof(name), "packet %s %s", pnames[p], dnames[d]);
            print_group(out, name, &de->pkt[p][d]);
        }
        snprintf(name, sizeof(name), "packet tcp (no stream) %s", dnames[d]);
        print_group(out, name, &de->pkt_all[d]);
        snprintf(name, sizeof(name), "stream %s", dnames[d]);
        print_group(out, name, &de->stream[d]);
        for (uint16_t v = 0; v < de->nvariants; v++) {
            snprintf(name, sizeof(name), "%s%s %s", detect_buffers[de->variants[v].buf].name,
                     de->variants[v].ntransforms ? " (transformed)" : "", dnames[d]);
            print_group(out, name, &de->txg[v][d]);
        }
        for (int a = 0; a < ALPROTO_MAX; a++) {
            snprintf(name, sizeof(name), "%s without pattern %s", alproto_name(a), dnames[d]);
            print_group(out, name, &de->tx_proto[a][d]);
        }
    }
}

void detect_engine_print_unprefiltered(const struct detect_engine *de, FILE *out, unsigned max)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < de->nsigs; i++) {
        const struct sig *s = de->sigs[i];
        if (s->fp != NULL || (s->flags & SIG_IPONLY))
            continue;
        if (n < max)
            fprintf(out, "  sid %u (%s:%u): %s\n", s->sid, s->file, s->line, s->msg);
        n++;
    }
    if (n > max)
        fprintf(out, "  ... and %u more\n", n - max);
}
