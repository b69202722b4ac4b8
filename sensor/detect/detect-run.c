/* Running the rules on packets, raw stream chunks and transactions (see detect-run.h).
 *
 * For each inspection unit: scan the unit's buffers with the group's Hyperscan
 * database, merge the candidates with the group's rules that have no pattern, and
 * evaluate each candidate in rule order: header (protocol, direction, flow state,
 * ports, addresses, application protocol), packet keywords, buffers, then the
 * post-match actions (flowbits, flowint) and the alert. */
#include "detect/detect-run.h"

#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "applayer/applayer.h"
#include "detect/detect-address.h"
#include "detect/detect-byte.h"
#include "detect/detect-inspect.h"
#include "detect/detect-iponly.h"
#include "detect/detect-mpm.h"
#include "detect/detect-pcre.h"
#include "detect/detect-port.h"
#include "detect/detect-threshold.h"
#include "output/output-eve-alert.h"

#define DETECT_QUEUE_MAX 64        /* alerts held for one packet before sorting */
#define DETECT_ARENA_SIZE (256 * 1024) /* payload copies of one packet's alerts */
#define DETECT_TXDONE_MAX 4096     /* rules remembered per transaction */

struct pending_alert {
    const struct sig *s;
    uint8_t action;
    uint8_t kind;          /* 0 packet, 1 stream, 2 transaction */
    int8_t dir;
    uint32_t payload_off, payload_len;
    struct detect_tx tx;   /* kind 2 */
};

#define DETECT_BODY_STEP (32 * 1024) /* a growing buffer is scanned again after this much */
#define DETECT_TX_BODIES 4              /* growing buffers followed per transaction side */

struct u32vec {
    uint32_t *v;
    uint32_t n, cap;
};

/* What the rules know about one transaction (Suricata's detect state). */
struct detect_txdone {
    uint64_t txid;
    uint8_t alproto;
    uint32_t *sigs;        /* rules that fired or can no longer match, unsorted */
    uint32_t n, cap;
    /* per direction */
    struct u32vec pending[2];      /* rules evaluated that may still match, sorted */
    uint64_t final_scanned[2];     /* variants (< 64) scanned once final: not again */
    uint16_t body_var[2][DETECT_TX_BODIES];
    uint32_t body_len[2][DETECT_TX_BODIES]; /* length of a growing buffer when scanned */
    uint8_t nbody[2];
};

struct detect_flow_th {
    uint32_t sig;
    uint32_t count;
    uint64_t first_us;
};

struct detect_thread {
    const struct detect_engine *de;
    struct mpm_thread *mt;
    struct detect_pcre_thread *pt;
    struct detect_stats stats;
    struct detect_packet dp;
    struct inspect_ctx ic;
    struct pending_alert q[DETECT_QUEUE_MAX];
    unsigned nq;
    uint8_t *arena;
    uint32_t arena_used;
    uint32_t *cand;
    uint32_t ncand, capcand;
    uint32_t *pfbuf;       /* always-run rules that passed their first test */
    const char *prefix;    /* written before the next alert's payload (gap marker) */
    uint32_t prefix_len;
    uint8_t *tf[2];        /* transform scratch, two so chains can alternate */
    uint32_t tfcap;
};

/* ---------------------------------------------------------------------------------- */
/* Thread                                                                             */
/* ---------------------------------------------------------------------------------- */

struct detect_thread *detect_thread_new(const struct detect_engine *de,
                                        char errbuf[CANH_ERRBUF_SIZE])
{
    struct detect_thread *dt = calloc(1, sizeof(*dt));
    if (dt == NULL)
        goto nomem;
    dt->de = de;
    dt->mt = mpm_thread_new(de->nsigs, de->mpms, de->nmpms, errbuf);
    if (dt->mt == NULL)
        goto fail;
    dt->pt = detect_pcre_thread_new(de->pcre_max_pairs, errbuf);
    if (dt->pt == NULL)
        goto fail;
    dt->arena = malloc(DETECT_ARENA_SIZE);
    dt->capcand = de->nsigs + 16;
    dt->cand = malloc(dt->capcand * sizeof(*dt->cand));
    dt->pfbuf = malloc(dt->capcand * sizeof(*dt->pfbuf));
    dt->tfcap = 64 * 1024;
    dt->tf[0] = malloc(dt->tfcap);
    dt->tf[1] = malloc(dt->tfcap);
    if (dt->pt == NULL || dt->arena == NULL || dt->cand == NULL || dt->pfbuf == NULL || dt->tf[0] == NULL ||
        dt->tf[1] == NULL)
        goto nomem;
    dt->ic.pcre_thread = dt->pt;
    return dt;
nomem:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory for the rule engine's thread state");
fail:
    detect_thread_free(dt);
    return NULL;
}

void detect_thread_free(struct detect_thread *dt)
{
    if (dt == NULL)
        return;
    mpm_thread_free(dt->mt);
    detect_pcre_thread_free(dt->pt);
    free(dt->arena);
    free(dt->cand);
    free(dt->pfbuf);
    free(dt->tf[0]);
    free(dt->tf[1]);
    free(dt);
}

const struct detect_stats *detect_thread_stats(const struct detect_thread *dt)
{
    return &dt->stats;
}

/* ---------------------------------------------------------------------------------- */
/* Per-flow state                                                                     */
/* ---------------------------------------------------------------------------------- */

static struct detect_flow *flow_state(const struct detect_engine *de, struct flow *f)
{
    if (f == NULL)
        return NULL;
    if (f->detect != NULL)
        return f->detect;
    struct detect_flow *df = calloc(1, sizeof(*df));
    if (df == NULL)
        return NULL;
    size_t nb = (de->nflowbits + 7) / 8;
    if (nb > 0 && (df->bits = calloc(1, nb)) == NULL)
        goto fail;
    if (de->nflowints > 0) {
        df->ints = calloc(de->nflowints, sizeof(*df->ints));
        df->ints_set = calloc((de->nflowints + 7) / 8, 1);
        if (df->ints == NULL || df->ints_set == NULL)
            goto fail;
    }
    df->memuse = sizeof(*df) + nb + de->nflowints * 9u;
    f->detect = df;
    return df;
fail:
    free(df->bits);
    free(df->ints);
    free(df->ints_set);
    free(df);
    return NULL;
}

int64_t detect_flow_free(struct flow *f)
{
    struct detect_flow *df = f->detect;
    if (df == NULL)
        return 0;
    int64_t mem = (int64_t)df->memuse;
    free(df->bits);
    free(df->ints);
    free(df->ints_set);
    while (df->vars != NULL) {
        struct detect_flowvar *n = df->vars->next;
        free(df->vars->name);
        free(df->vars->value);
        free(df->vars);
        df->vars = n;
    }
    for (uint32_t i = 0; i < df->ntxdone; i++) {
        free(df->txdone[i].sigs);
        free(df->txdone[i].pending[0].v);
        free(df->txdone[i].pending[1].v);
    }
    free(df->txdone);
    free(df->th);
    free(df);
    f->detect = NULL;
    return mem;
}

static inline bool bit_get(const uint8_t *b, uint32_t i)
{
    return b != NULL && (b[i >> 3] >> (i & 7)) & 1;
}

static inline void bit_set(uint8_t *b, uint32_t i, bool v)
{
    if (b == NULL)
        return;
    if (v)
        b[i >> 3] |= (uint8_t)(1u << (i & 7));
    else
        b[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

/* ---------------------------------------------------------------------------------- */
/* Header and packet keywords                                                         */
/* ---------------------------------------------------------------------------------- */

static bool addr_ports_match(const struct sig *s, const struct packet *p, bool swap)
{
    const struct canh_addr *src = swap ? &p->dst : &p->src, *dst = swap ? &p->src : &p->dst;
    uint16_t sp = swap ? p->dport : p->sport, dp = swap ? p->sport : p->dport;
    if (!(s->flags & (SIG_SP_ANY)) || !(s->flags & SIG_DP_ANY)) {
        if (!(p->flags & PKT_PORTS))
            return false;
        if (!(s->flags & SIG_SP_ANY) && !port_set_match(s->sp, sp))
            return false;
        if (!(s->flags & SIG_DP_ANY) && !port_set_match(s->dp, dp))
            return false;
    }
    if (!(s->flags & SIG_SRC_ANY) && !addr_set_match_ip(s->src, p->ipver, src))
        return false;
    if (!(s->flags & SIG_DST_ANY) && !addr_set_match_ip(s->dst, p->ipver, dst))
        return false;
    return true;
}

static bool header_match(const struct detect_packet *dp, const struct sig *s)
{
    const struct packet *p = dp->p;
    if (s->proto != 0 && s->proto != p->proto && !(s->proto == 1 && p->proto == 58))
        return false;
    if ((s->flags & SIG_IPV4) && p->ipver != 4)
        return false;
    if ((s->flags & SIG_IPV6) && p->ipver != 6)
        return false;
    if (s->flags & (SIG_TOSERVER | SIG_TOCLIENT | SIG_ESTABLISHED | SIG_NOT_ESTABLISHED)) {
        if (dp->f == NULL)
            return (s->flags & (SIG_TOSERVER | SIG_TOCLIENT | SIG_ESTABLISHED)) == 0;
        if ((s->flags & SIG_TOSERVER) && dp->dir != FLOW_TO_SERVER)
            return false;
        if ((s->flags & SIG_TOCLIENT) && dp->dir != FLOW_TO_CLIENT)
            return false;
        /* as Suricata: a TCP flow stays established once it got there, closing or
         * closed (the last FIN's packets and the flow-end pass still match) */
        const struct flow *f = dp->f;
        bool est = flow_is_established(f);
        if (!est && f->key.proto == 6 && f->tcp_state == FLOW_TCP_CLOSED) {
            /* closed after a complete handshake */
            const uint8_t *fl = f->tcp_flags;
            est = (fl[FLOW_TO_SERVER] & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) &&
                  (fl[FLOW_TO_CLIENT] & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK);
        }
        if ((s->flags & SIG_ESTABLISHED) && !est)
            return false;
        if ((s->flags & SIG_NOT_ESTABLISHED) && est)
            return false;
    }
    if ((s->flags & SIG_ONLY_FRAG) && !(p->flags & PKT_REASSEMBLED))
        return false;
    if ((s->flags & SIG_NO_FRAG) && (p->flags & PKT_REASSEMBLED))
        return false;
    if (!addr_ports_match(s, p, false) &&
        !((s->flags & SIG_BIDIR) && addr_ports_match(s, p, true)))
        return false;
    if (s->alproto != ALPROTO_UNKNOWN && s->alproto != dp->alproto &&
        !(s->alproto == ALPROTO_HTTP && dp->alproto == ALPROTO_HTTP2))
        return false;
    return true;
}

static bool flags_match(const struct detect_flags *fl, uint8_t v)
{
    v &= fl->mask;
    switch (fl->mode) {
    case '+': return (v & fl->set) == fl->set;
    case '*': return (v & fl->set) != 0;
    case '!': return (v & fl->set) == 0;
    default: return v == fl->set;
    }
}

static bool flowbits_check(const struct detect_flowbits *fb, const struct detect_flow *df)
{
    const uint8_t *bits = df != NULL ? df->bits : NULL;
    bool want = fb->cmd == FB_ISSET;
    if (fb->and_op || fb->n == 1) {
        for (unsigned i = 0; i < fb->n; i++)
            if (bit_get(bits, fb->ids[i]) != want)
                return false;
        return true;
    }
    for (unsigned i = 0; i < fb->n; i++)
        if (bit_get(bits, fb->ids[i]) == want)
            return true;
    return false;
}

static bool flowint_check(const struct detect_flowint *fi, const struct detect_flow *df)
{
    bool set = df != NULL && bit_get(df->ints_set, fi->id);
    if (fi->op == FI_ISSET)
        return set;
    if (fi->op == FI_NOTSET)
        return !set;
    if (!set)
        return false;
    int64_t a = df->ints[fi->id], b = fi->value;
    if (fi->value_is_var) {
        if (!bit_get(df->ints_set, fi->value_var))
            return false;
        b = df->ints[fi->value_var];
    }
    switch (fi->op) {
    case FI_EQ: return a == b;
    case FI_NE: return a != b;
    case FI_LT: return a < b;
    case FI_LE: return a <= b;
    case FI_GT: return a > b;
    case FI_GE: return a >= b;
    default: return false;
    }
}

static bool stream_size_match(const struct detect_packet *dp, const struct detect_stream_size *ss)
{
    /* server: bytes the server sent; client: bytes the client sent */
    uint64_t srv = dp->stream_size[FLOW_TO_CLIENT], cli = dp->stream_size[FLOW_TO_SERVER];
    switch (ss->which) {
    case 0: return detect_num_match(&ss->n, srv);
    case 1: return detect_num_match(&ss->n, cli);
    case 2: return detect_num_match(&ss->n, srv) && detect_num_match(&ss->n, cli);
    default: return detect_num_match(&ss->n, srv) || detect_num_match(&ss->n, cli);
    }
}

static bool packet_keywords(struct detect_thread *dt, const struct sig *s)
{
    const struct detect_packet *dp = &dt->dp;
    const struct packet *p = dp->p;
    const struct detect_flow *df = dp->f != NULL ? dp->f->detect : NULL;
    for (unsigned i = 0; i < s->match.n; i++) {
        const struct sm *m = &s->match.v[i];
        const struct detect_num *n = m->ctx;
        switch (m->type) {
        case SM_DSIZE:
            /* as Suricata: never on pseudo packets; every form but "<", "<=" and "=0"
             * needs a payload */
            if ((p->flags & PKT_PSEUDO) || !detect_num_match(n, p->payload_len))
                return false;
            if (p->payload_len == 0 && n->mode != NUM_LT && n->mode != NUM_LE)
                return false;
            break;
        case SM_TTL:
            if (p->ipver == 0 || !detect_num_match(n, p->ttl))
                return false;
            break;
        case SM_ITYPE:
            if ((p->proto != 1 && p->proto != 58) || p->l4 == NULL || !detect_num_match(n, p->icmp_type))
                return false;
            break;
        case SM_ICODE:
            if ((p->proto != 1 && p->proto != 58) || p->l4 == NULL || !detect_num_match(n, p->icmp_code))
                return false;
            break;
        case SM_ICMP_ID:
        case SM_ICMP_SEQ: {
            if ((p->proto != 1 && p->proto != 58) || p->l4 == NULL || p->l4_len < 8)
                return false;
            /* echo request/reply only (v4 8/0, v6 128/129), as Suricata */
            bool echo = p->proto == 1 ? (p->icmp_type == 8 || p->icmp_type == 0)
                                      : (p->icmp_type == 128 || p->icmp_type == 129);
            if (!echo)
                return false;
            unsigned off = m->type == SM_ICMP_ID ? 4 : 6;
            uint16_t v = (uint16_t)(p->l4[off] << 8 | p->l4[off + 1]);
            if (!detect_num_match(n, v))
                return false;
            break;
        }
        case SM_TCP_SEQ:
            if (p->proto != 6 || p->l4 == NULL || !detect_num_match(n, p->tcp_seq))
                return false;
            break;
        case SM_TCP_ACK:
            if (p->proto != 6 || p->l4 == NULL || !detect_num_match(n, p->tcp_ack))
                return false;
            break;
        case SM_TCP_WINDOW:
            if (p->proto != 6 || p->l4 == NULL || !detect_num_match(n, p->tcp_win))
                return false;
            break;
        case SM_IP_ID:
            if (p->ipver != 4 || p->ip == NULL || !detect_num_match(n, (uint16_t)(p->ip[4] << 8 | p->ip[5])))
                return false;
            break;
        case SM_FRAGBITS: {
            if (p->ipver != 4 || p->ip == NULL)
                return false;
            uint8_t fb = 0, b6 = p->ip[6];
            if (b6 & 0x20) fb |= 1; /* MF */
            if (b6 & 0x40) fb |= 2; /* DF */
            if (b6 & 0x80) fb |= 4; /* reserved */
            if (!flags_match(m->ctx, fb))
                return false;
            break;
        }
        case SM_IP_PROTO:
            if (p->ipver == 0 || !detect_num_match(n, p->proto))
                return false;
            break;
        case SM_SAMEIP:
            if (p->ipver == 0 || memcmp(&p->src, &p->dst, sizeof(p->src)) != 0)
                return false;
            break;
        case SM_FLAGS:
            if (p->proto != 6 || p->l4 == NULL || !flags_match(m->ctx, p->tcp_flags))
                return false;
            break;
        case SM_STREAM_SIZE:
            if (dp->f == NULL || p->proto != 6 || !stream_size_match(dp, m->ctx))
                return false;
            break;
        case SM_FLOWBITS:
            if (dp->f == NULL || !flowbits_check(m->ctx, df))
                return false;
            break;
        case SM_FLOWINT:
            if (dp->f == NULL || !flowint_check(m->ctx, df))
                return false;
            break;
        case SM_APP_LAYER_PROTOCOL: {
            bool eq = dp->alproto == n->a ||
                      (n->a == ALPROTO_HTTP && dp->alproto == ALPROTO_HTTP2);
            if (n->mode == NUM_EQ ? !eq : (eq || dp->alproto == ALPROTO_UNKNOWN))
                return false;
            break;
        }
        case SM_DECODE_EVENT: {
            bool found = false;
            for (unsigned k = 0; k < p->nevents; k++)
                if (p->events[k] == n->a)
                    found = true;
            if (!found)
                return false;
            break;
        }
        case SM_APP_EVENT:
            if (dp->f == NULL || !applayer_flow_has_event(dp->f, (int)n->a))
                return false;
            break;
        default:
            break;
        }
    }
    return true;
}

/* ---------------------------------------------------------------------------------- */
/* Post-match and alerts                                                              */
/* ---------------------------------------------------------------------------------- */

static void post_match(struct detect_thread *dt, const struct sig *s)
{
    struct detect_flow *df = flow_state(dt->de, dt->dp.f);
    if (df == NULL)
        return;
    for (unsigned i = 0; i < s->post.n; i++) {
        const struct sm *m = &s->post.v[i];
        if (m->type == SM_FLOWBITS) {
            const struct detect_flowbits *fb = m->ctx;
            for (unsigned k = 0; k < fb->n; k++) {
                uint32_t id = fb->ids[k];
                if (fb->cmd == FB_SET)
                    bit_set(df->bits, id, true);
                else if (fb->cmd == FB_UNSET)
                    bit_set(df->bits, id, false);
                else if (fb->cmd == FB_TOGGLE)
                    bit_set(df->bits, id, !bit_get(df->bits, id));
            }
        } else if (m->type == SM_FLOWINT) {
            const struct detect_flowint *fi = m->ctx;
            int64_t v = fi->value;
            if (fi->value_is_var) {
                if (!bit_get(df->ints_set, fi->value_var))
                    continue; /* Suricata: the operation needs the variable set */
                v = df->ints[fi->value_var];
            }
            bool set = bit_get(df->ints_set, fi->id);
            if (fi->op == FI_SET)
                df->ints[fi->id] = v;
            else if (fi->op == FI_ADD)
                df->ints[fi->id] = (set ? df->ints[fi->id] : 0) + v;
            else if (fi->op == FI_SUB)
                df->ints[fi->id] = (set ? df->ints[fi->id] : 0) - v;
            bit_set(df->ints_set, fi->id, true);
        }
    }
}

/* Copies 'len' bytes for the alert's payload; returns the offset in the arena. */
static uint32_t arena_copy(struct detect_thread *dt, const uint8_t *d, uint32_t *len)
{
    uint32_t n = *len > DETECT_PAYLOAD_MAX ? DETECT_PAYLOAD_MAX : *len;
    if (dt->arena_used + n > DETECT_ARENA_SIZE)
        n = 0;
    uint32_t off = dt->arena_used;
    if (n > 0)
        memcpy(dt->arena + off, d, n);
    dt->arena_used += n;
    *len = n;
    return off;
}

/* A rule matched: run its post-match actions, then decide whether it alerts. */
static void sig_matched(struct detect_thread *dt, const struct sig *s, uint8_t kind,
                        const uint8_t *payload, uint32_t plen, const struct detect_tx *tx)
{
    const struct detect_packet *dp = &dt->dp;
    post_match(dt, s);
    if (s->flags & SIG_NOALERT) {
        STAT_INC(dt->stats.alerts_suppressed);
        return;
    }
    const struct packet *p = dp->p;
    if (s->suppress != NULL && threshold_suppressed(s, p->ipver, &p->src, &p->dst)) {
        STAT_INC(dt->stats.alerts_suppressed);
        return;
    }
    uint8_t action = s->action;
    if (s->th.type != TH_NONE) {
        uint32_t *fc = NULL;
        uint64_t *ff = NULL;
        if (s->th.track == TRACK_FLOW) {
            struct detect_flow *df = flow_state(dt->de, dp->f);
            if (df != NULL) {
                uint32_t k;
                for (k = 0; k < df->nth; k++)
                    if (df->th[k].sig == s->num)
                        break;
                if (k == df->nth) {
                    struct detect_flow_th *v = realloc(df->th, (df->nth + 1) * sizeof(*v));
                    if (v != NULL) {
                        df->th = v;
                        memset(&v[k], 0, sizeof(v[k]));
                        v[k].sig = s->num;
                        df->nth++;
                        df->memuse += sizeof(*v);
                    }
                }
                if (k < df->nth) {
                    fc = &df->th[k].count;
                    ff = &df->th[k].first_us;
                }
            }
        }
        if (threshold_check(dt->de->thresholds, s, &s->th, &p->src, &p->dst, p->ipver, p->sport,
                            p->dport, p->ts_us, fc, ff, &action) != TH_ALERT) {
            STAT_INC(dt->stats.alerts_suppressed);
            return;
        }
    }
    if (dt->nq == DETECT_QUEUE_MAX) {
        STAT_INC(dt->stats.alert_max);
        return;
    }
    struct pending_alert *a = &dt->q[dt->nq++];
    memset(a, 0, sizeof(*a));
    a->s = s;
    a->action = action;
    a->kind = kind;
    a->dir = (int8_t)dp->dir;
    if (payload != NULL && plen > 0) {
        uint32_t pre = dt->prefix_len;
        a->payload_off = arena_copy(dt, (const uint8_t *)dt->prefix, &pre);
        a->payload_len = plen;
        arena_copy(dt, payload, &a->payload_len);
        a->payload_len += pre;
    }
    if (tx != NULL)
        a->tx = *tx;
}

/* ---------------------------------------------------------------------------------- */
/* Candidates                                                                         */
/* ---------------------------------------------------------------------------------- */

/* The always-run rules of a group that pass their first test on this packet. */
static uint32_t pf_filter(struct detect_thread *dt, const struct detect_group *g, uint32_t *out)
{
    const struct packet *p = dt->dp.p;
    uint16_t dport = (p->flags & PKT_PORTS) ? p->dport : 0;
    uint16_t dsize = p->payload_len > 65535 ? 65535 : (uint16_t)p->payload_len;
    uint8_t flags = p->proto == 6 ? p->tcp_flags : 0;
    uint32_t n = 0;
    if (g->pf_ports != NULL) {
        uint16_t sport = (p->flags & PKT_PORTS) ? p->sport : 0;
        const uint64_t *spm = g->pf_ports + 65536 / 64;
        if (!((g->pf_ports[dport >> 6] >> (dport & 63)) & 1) && !((spm[sport >> 6] >> (sport & 63)) & 1))
            return 0;
    }
    for (uint32_t i = 0; i < g->nalways; i++) {
        const struct detect_pf *f = &g->pf[i];
        if (dport < f->dp_lo || dport > f->dp_hi || dsize < f->ds_lo || dsize > f->ds_hi ||
            (flags & f->need) != f->need || (flags & f->forbid) != 0 ||
            (f->ipproto != 0 && f->ipproto != p->proto))
            continue;
        out[n++] = f->num;
    }
    return n;
}

/* Merges the prefilter's candidates with a group's always-run rules, in rule order. */
static void merge_candidates(struct detect_thread *dt, const uint32_t *always, uint32_t nalways)
{
    uint32_t nm = 0;
    const uint32_t *m = mpm_candidates(dt->mt, &nm);
    uint32_t i = 0, j = 0, o = 0;
    while (i < nm || j < nalways) {
        uint32_t v;
        if (j >= nalways || (i < nm && m[i] < always[j]))
            v = m[i++];
        else if (i >= nm || always[j] < m[i])
            v = always[j++];
        else {
            v = m[i++];
            j++;
        }
        dt->cand[o++] = v;
    }
    dt->ncand = o;
    mpm_thread_reset(dt->mt);
}

static void scan(struct detect_thread *dt, const struct detect_group *g, const uint8_t *d,
                 uint32_t len)
{
    if (g->mpm != NULL && d != NULL && len > 0)
        mpm_scan(g->mpm, dt->mt, d, len);
}

/* A port-split group: the any-port database and that of the destination port. */
static void scan_port(struct detect_thread *dt, const struct detect_group *g, const uint8_t *d,
                      uint32_t len, uint16_t sport, uint16_t dport)
{
    if (d == NULL || len == 0)
        return;
    if (g->mpm != NULL)
        mpm_scan(g->mpm, dt->mt, d, len);
    uint16_t b;
    if (g->pm != NULL && (b = portmap_get(g->pm, dport)) != 0)
        mpm_scan(g->pm->buckets[b - 1], dt->mt, d, len);
    if (g->pm_sp != NULL && (b = portmap_get(g->pm_sp, sport)) != 0)
        mpm_scan(g->pm_sp->buckets[b - 1], dt->mt, d, len);
}

/* ---------------------------------------------------------------------------------- */
/* Packets                                                                            */
/* ---------------------------------------------------------------------------------- */

void detect_begin(struct detect_thread *dt, const struct detect_packet *dp)
{
    dt->dp = *dp;
    dt->nq = 0;
    dt->arena_used = 0;
}

void detect_set_alproto(struct detect_thread *dt, uint8_t alproto)
{
    dt->dp.alproto = alproto;
}

static int pkt_class(uint8_t proto)
{
    switch (proto) {
    case 6: return DG_PROTO_TCP;
    case 17: return DG_PROTO_UDP;
    case 1: case 58: return DG_PROTO_ICMP;
    default: return DG_PROTO_OTHER;
    }
}

static bool sig_payload_ok(struct detect_thread *dt, const struct sig *s, const uint8_t *d,
                           uint32_t len, uint64_t stream_off)
{
    for (unsigned b = 0; b < s->nbufs; b++) {
        if (s->bufs[b].buf != DETECT_BUF_PAYLOAD)
            continue;
        dt->ic.stream_start = stream_off;
        bool ok = detect_inspect_buffer(&dt->ic, &s->bufs[b].list, d, len);
        if (dt->ic.limited)
            STAT_INC(dt->stats.recursion_limit);
        return ok;
    }
    return true;
}

static void run_iponly(struct detect_thread *dt)
{
    const struct detect_engine *de = dt->de;
    const struct detect_packet *dp = &dt->dp;
    if (de->niponly == 0 || dp->p->ipver == 0)
        return;
    if (dp->f != NULL) {
        if (dp->f->iponly_done & (1u << dp->dir))
            return;
        dp->f->iponly_done |= (uint8_t)(1u << dp->dir);
    }
    uint32_t n = detect_iponly_candidates(de->iponly_index, dp->p, dt->cand, dt->capcand);
    for (uint32_t i = 0; i < n; i++) {
        const struct sig *s = de->sigs[dt->cand[i]];
        STAT_INC(dt->stats.candidates);
        if (header_match(dp, s))
            sig_matched(dt, s, 0, dp->p->payload, dp->p->payload_len, NULL);
    }
}

static void run_packet_candidates(struct detect_thread *dt);

void detect_run_app_events(struct detect_thread *dt)
{
    const struct detect_engine *de = dt->de;
    const struct detect_packet *dp = &dt->dp;
    int pcl = dp->p->ipver ? pkt_class(dp->p->proto) : DG_PROTO_OTHER;
    const struct detect_group *g = &de->pkt[pcl][dp->dir];
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->nalways; i++) {
        const struct sig *s = de->sigs[g->always[i]];
        for (unsigned k = 0; k < s->match.n; k++)
            if (s->match.v[k].type == SM_APP_EVENT) {
                dt->pfbuf[n++] = s->num;
                break;
            }
    }
    dt->ncand = 0;
    merge_candidates(dt, dt->pfbuf, n);
    run_packet_candidates(dt);
}

void detect_run_packet(struct detect_thread *dt)
{
    const struct detect_engine *de = dt->de;
    const struct detect_packet *dp = &dt->dp;
    const struct packet *p = dp->p;
    STAT_INC(dt->stats.packets);
    run_iponly(dt);
    int pcl = p->ipver ? pkt_class(p->proto) : DG_PROTO_OTHER;
    /* A flow whose payload is no longer inspected (encrypted TLS): only the rules
     * without payload keywords, on a packet taken as having none. */
    if (dp->f != NULL && dp->f->no_payload_inspect && p->payload_len > 0) {
        struct packet np = *p;
        np.payload_len = 0;
        dt->dp.p = &np;
        const struct detect_group *g0 = &de->pkt[pcl][dp->dir];
        merge_candidates(dt, dt->pfbuf, pf_filter(dt, g0, dt->pfbuf));
        run_packet_candidates(dt);
        dt->dp.p = p;
        return;
    }
    /* Stream-capable rules see a TCP packet's bytes through the stream when it went
     * into one; otherwise here, with the packet-only rules (one database for both). */
    const struct detect_group *g = pcl == DG_PROTO_TCP && !dp->stream_added
                                       ? &de->pkt_all[dp->dir]
                                       : &de->pkt[pcl][dp->dir];
    bool ports = (p->flags & PKT_PORTS) != 0;
    scan_port(dt, g, p->payload, p->payload_len, ports ? p->sport : 0, ports ? p->dport : 0);
    merge_candidates(dt, dt->pfbuf, pf_filter(dt, g, dt->pfbuf));
    run_packet_candidates(dt);
}

static void run_packet_candidates(struct detect_thread *dt)
{
    const struct detect_engine *de = dt->de;
    const struct detect_packet *dp = &dt->dp;
    const struct packet *p = dp->p;
    for (uint32_t i = 0; i < dt->ncand; i++) {
        const struct sig *s = de->sigs[dt->cand[i]];
        STAT_INC(dt->stats.candidates);
        if (!header_match(dp, s) || !packet_keywords(dt, s))
            continue;
        if ((s->flags & SIG_PAYLOAD) &&
            (p->payload_len == 0 || !sig_payload_ok(dt, s, p->payload, p->payload_len, 0)))
            continue;
        sig_matched(dt, s, 0, p->payload, p->payload_len, NULL);
    }
}

void detect_run_stream(struct detect_thread *dt, int dir, const uint8_t *data, uint32_t len,
                       uint64_t offset, const char *prefix, uint32_t prefix_len)
{
    const struct detect_engine *de = dt->de;
    const struct detect_group *g = &de->stream[dir];
    if (len == 0 || (g->mpm == NULL && g->nalways == 0))
        return;
    STAT_INC(dt->stats.stream_chunks);
    int saved = dt->dp.dir;
    dt->dp.dir = dir;
    /* the chunk's destination port: the port of the side receiving it */
    uint16_t dport = 0, sport = 0;
    if (dt->dp.f != NULL) {
        dport = dir == FLOW_TO_SERVER ? flow_server_port(dt->dp.f) : flow_client_port(dt->dp.f);
        sport = dir == FLOW_TO_SERVER ? flow_client_port(dt->dp.f) : flow_server_port(dt->dp.f);
    }
    scan_port(dt, g, data, len, sport, dport);
    merge_candidates(dt, g->always, g->nalways);
    for (uint32_t i = 0; i < dt->ncand; i++) {
        const struct sig *s = de->sigs[dt->cand[i]];
        STAT_INC(dt->stats.candidates);
        if (!header_match(&dt->dp, s) || !packet_keywords(dt, s))
            continue;
        if (!sig_payload_ok(dt, s, data, len, offset))
            continue;
        dt->prefix = prefix;
        dt->prefix_len = prefix_len;
        sig_matched(dt, s, 1, data, len, NULL);
        dt->prefix_len = 0;
    }
    dt->dp.dir = saved;
}

/* ---------------------------------------------------------------------------------- */
/* Transactions                                                                       */
/* ---------------------------------------------------------------------------------- */

static struct detect_txdone *txdone_get(struct detect_flow *df, uint8_t alproto, uint64_t txid,
                                        bool create)
{
    for (uint32_t i = 0; i < df->ntxdone; i++)
        if (df->txdone[i].txid == txid && df->txdone[i].alproto == alproto)
            return &df->txdone[i];
    if (!create)
        return NULL;
    if (df->ntxdone == df->captxdone) {
        uint32_t cap = df->captxdone ? df->captxdone * 2 : 4;
        struct detect_txdone *v = realloc(df->txdone, cap * sizeof(*v));
        if (v == NULL)
            return NULL;
        df->txdone = v;
        df->captxdone = cap;
    }
    struct detect_txdone *t = &df->txdone[df->ntxdone++];
    memset(t, 0, sizeof(*t));
    t->txid = txid;
    t->alproto = alproto;
    return t;
}

static bool txdone_has(const struct detect_txdone *t, uint32_t sig)
{
    if (t == NULL)
        return false;
    for (uint32_t i = 0; i < t->n; i++)
        if (t->sigs[i] == sig)
            return true;
    return false;
}

static void txdone_add(struct detect_flow *df, struct detect_txdone *t, uint32_t sig)
{
    if (t == NULL || t->n >= DETECT_TXDONE_MAX)
        return;
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 8;
        uint32_t *v = realloc(t->sigs, cap * sizeof(*v));
        if (v == NULL)
            return;
        t->sigs = v;
        df->memuse += (cap - t->cap) * sizeof(*v);
        t->cap = cap;
    }
    t->sigs[t->n++] = sig;
}

void detect_tx_forget(struct flow *f, uint8_t alproto, uint64_t txid)
{
    struct detect_flow *df = f->detect;
    if (df == NULL)
        return;
    for (uint32_t i = 0; i < df->ntxdone; i++)
        if (df->txdone[i].txid == txid && df->txdone[i].alproto == alproto) {
            df->memuse -= (df->txdone[i].cap + df->txdone[i].pending[0].cap +
                           df->txdone[i].pending[1].cap) * sizeof(uint32_t);
            free(df->txdone[i].sigs);
            free(df->txdone[i].pending[0].v);
            free(df->txdone[i].pending[1].v);
            df->txdone[i] = df->txdone[--df->ntxdone];
            return;
        }
}

/* Applies a transform chain; returns the transformed bytes (in thread scratch). */
static const uint8_t *transform(struct detect_thread *dt, const struct sig_buf *b, const uint8_t *d,
                                uint32_t *len)
{
    const uint8_t *cur = d;
    uint32_t n = *len;
    for (unsigned t = 0; t < b->ntransforms; t++) {
        uint8_t *out = dt->tf[t & 1];
        uint32_t cap = dt->tfcap;
        uint32_t o = 0;
        switch (b->transforms[t]) {
        case TF_DOTPREFIX:
            if (n + 1 > cap)
                n = cap - 1;
            out[0] = '.';
            memmove(out + 1, cur, n);
            o = n + 1;
            break;
        case TF_TO_LOWER:
        case TF_HEADER_LOWERCASE:
            if (n > cap) n = cap;
            for (uint32_t i = 0; i < n; i++)
                out[i] = (uint8_t)((cur[i] >= 'A' && cur[i] <= 'Z') ? cur[i] + 32 : cur[i]);
            o = n;
            break;
        case TF_TO_UPPER:
            if (n > cap) n = cap;
            for (uint32_t i = 0; i < n; i++)
                out[i] = (uint8_t)((cur[i] >= 'a' && cur[i] <= 'z') ? cur[i] - 32 : cur[i]);
            o = n;
            break;
        case TF_STRIP_WS:
            for (uint32_t i = 0; i < n && o < cap; i++)
                if (cur[i] != ' ' && !(cur[i] >= 9 && cur[i] <= 13))
                    out[o++] = cur[i];
            break;
        case TF_COMPRESS_WS:
            for (uint32_t i = 0; i < n && o < cap; i++) {
                bool ws = cur[i] == ' ' || (cur[i] >= 9 && cur[i] <= 13);
                if (ws && o > 0 && (out[o - 1] == ' ' || (out[o - 1] >= 9 && out[o - 1] <= 13)))
                    continue;
                out[o++] = cur[i];
            }
            break;
        case TF_URL_DECODE:
            for (uint32_t i = 0; i < n && o < cap; i++) {
                if (cur[i] == '%' && i + 2 < n + 0 && i + 2 <= n - 1 + 0) {
                    int h = -1, l = -1;
                    uint8_t c1 = cur[i + 1], c2 = cur[i + 2];
                    h = (c1 >= '0' && c1 <= '9') ? c1 - '0' : ((c1 | 32) >= 'a' && (c1 | 32) <= 'f') ? (c1 | 32) - 'a' + 10 : -1;
                    l = (c2 >= '0' && c2 <= '9') ? c2 - '0' : ((c2 | 32) >= 'a' && (c2 | 32) <= 'f') ? (c2 | 32) - 'a' + 10 : -1;
                    if (h >= 0 && l >= 0) {
                        out[o++] = (uint8_t)(h << 4 | l);
                        i += 2;
                        continue;
                    }
                }
                out[o++] = cur[i] == '+' ? ' ' : cur[i];
            }
            break;
        case TF_TO_MD5:
        case TF_TO_SHA1:
        case TF_TO_SHA256: {
            int algo = b->transforms[t] == TF_TO_MD5 ? GCRY_MD_MD5
                       : b->transforms[t] == TF_TO_SHA1 ? GCRY_MD_SHA1 : GCRY_MD_SHA256;
            gcry_md_hash_buffer(algo, out, cur, n);
            o = gcry_md_get_algo_dlen(algo);
            break;
        }
        default:
            if (n > cap) n = cap;
            memmove(out, cur, n);
            o = n;
            break;
        }
        cur = out;
        n = o;
    }
    *len = n;
    return cur;
}

/* Evaluates the buffers of tx rule 's'. Returns 1 match, 0 no match yet (may match
 * later), -1 can never match on this transaction. */
static int tx_sig_eval(struct detect_thread *dt, const struct sig *s, int dir,
                       const struct detect_tx *tx)
{
    for (unsigned b = 0; b < s->nbufs; b++) {
        const struct sig_buf *sb = &s->bufs[b];
        if (sb->buf == DETECT_BUF_PAYLOAD) {
            const struct packet *p = dt->dp.p;
            if (p->payload_len == 0 || !sig_payload_ok(dt, s, p->payload, p->payload_len, 0))
                return 0;
            continue;
        }
        bool ok = false, any_later = false;
        for (uint32_t idx = 0;; idx++) {
            const uint8_t *d = NULL;
            uint32_t len = 0;
            bool final = true;
            int r = tx->get(tx->ctx, sb->buf, idx, &d, &len, &final);
            if (r == DETECT_GET_LATER) {
                any_later = true;
                break;
            }
            if (r != DETECT_GET_OK)
                break;
            if (!final)
                any_later = true;
            if (sb->ntransforms > 0)
                d = transform(dt, sb, d, &len);
            dt->ic.stream_start = 0;
            if (detect_inspect_buffer(&dt->ic, &sb->list, d, len)) {
                ok = true;
                break;
            }
            if (dt->ic.limited)
                STAT_INC(dt->stats.recursion_limit);
            if (!detect_buffers[sb->buf].multi)
                break;
        }
        if (!ok)
            return any_later ? 0 : -1; /* a final buffer that failed: never on this tx */
    }
    return 1;
}

static bool u32vec_push(struct detect_flow *df, struct u32vec *v, uint32_t x)
{
    if (v->n == v->cap) {
        uint32_t cap = v->cap ? v->cap * 2 : 8;
        uint32_t *nv = realloc(v->v, cap * sizeof(*nv));
        if (nv == NULL)
            return false;
        df->memuse += (cap - v->cap) * sizeof(*nv);
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = x;
    return true;
}

/* Should a growing (not final) buffer of variant 'v' be scanned now? Yes the first
 * time and then after each DETECT_BODY_STEP more bytes (Suricata inspects bodies in
 * steps too). */
static bool body_scan_due(struct detect_txdone *td, int dir, uint16_t v, uint32_t len,
                          uint32_t *scanned)
{
    *scanned = 0;
    for (unsigned i = 0; i < td->nbody[dir]; i++) {
        if (td->body_var[dir][i] != v)
            continue;
        if (len < td->body_len[dir][i] + DETECT_BODY_STEP)
            return false;
        *scanned = td->body_len[dir][i];
        td->body_len[dir][i] = len;
        return true;
    }
    if (td->nbody[dir] < DETECT_TX_BODIES) {
        td->body_var[dir][td->nbody[dir]] = v;
        td->body_len[dir][td->nbody[dir]] = len;
        td->nbody[dir]++;
    }
    return true;
}

/* How much of a growing buffer of variant 'v' was scanned before (0: none). */
static uint32_t body_scanned(const struct detect_txdone *td, int dir, uint16_t v)
{
    for (unsigned i = 0; i < td->nbody[dir]; i++)
        if (td->body_var[dir][i] == v)
            return td->body_len[dir][i];
    return 0;
}

/* Merges two sorted lists without duplicates into 'out'. */
static uint32_t merge2(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb, uint32_t *out)
{
    uint32_t i = 0, j = 0, o = 0;
    while (i < na || j < nb) {
        if (j >= nb || (i < na && a[i] < b[j]))
            out[o++] = a[i++];
        else if (i >= na || b[j] < a[i])
            out[o++] = b[j++];
        else {
            out[o++] = a[i++];
            j++;
        }
    }
    return o;
}

void detect_run_tx(struct detect_thread *dt, int dir, const struct detect_tx *tx)
{
    const struct detect_engine *de = dt->de;
    struct detect_flow *df = flow_state(de, dt->dp.f);
    if (df == NULL)
        return;
    struct detect_txdone *td = txdone_get(df, tx->alproto, tx->id, true);
    if (td == NULL)
        return;
    STAT_INC(dt->stats.txs);
    int saved = dt->dp.dir;
    dt->dp.dir = dir;
    uint8_t alproto = dt->dp.alproto;
    dt->dp.alproto = tx->alproto;
    bool complete = tx->complete[dir];
    /* Prefilter: every variant of this protocol and direction with a database, except
     * those already scanned in their final form (rules they brought in that may still
     * match are in the pending list). */
    uint16_t nvars = tx->alproto < ALPROTO_MAX ? de->ntxvars[tx->alproto][dir] : 0;
    for (uint16_t vi = 0; vi < nvars; vi++) {
        uint16_t v = de->txvars[tx->alproto][dir][vi];
        const struct detect_variant *var = &de->variants[v];
        const struct detect_group *g = &de->txg[v][dir];
        if (v < 64 && (td->final_scanned[dir] >> v) & 1)
            continue;
        struct sig_buf sb = { .buf = var->buf, .ntransforms = var->ntransforms };
        memcpy(sb.transforms, var->transforms, sizeof(sb.transforms));
        bool all_final = true, any = false;
        for (uint32_t idx = 0;; idx++) {
            const uint8_t *d = NULL;
            uint32_t len = 0;
            bool final = true;
            int r = tx->get(tx->ctx, var->buf, idx, &d, &len, &final);
            if (r == DETECT_GET_LATER)
                all_final = false;
            if (r != DETECT_GET_OK)
                break;
            any = true;
            /* A growing buffer (a body) is scanned again only from where the last scan
             * ended, less the longest pattern's length: a pattern found before brought
             * its rules in then, and those that may still match are pending. */
            uint32_t scanned;
            if (!final && !complete) {
                all_final = false;
                if (!body_scan_due(td, dir, v, len, &scanned))
                    break;
            } else {
                scanned = body_scanned(td, dir, v);
            }
            if (var->ntransforms > 0) {
                d = transform(dt, &sb, d, &len);
                scanned = 0; /* offsets of a transformed buffer are its own */
            }
            uint32_t overlap = mpm_max_pattern_len(g->mpm);
            uint32_t from = scanned > overlap && scanned <= len ? scanned - overlap : 0;
            scan(dt, g, d + from, len - from);
            if (!detect_buffers[var->buf].multi)
                break;
        }
        if ((all_final || complete) && v < 64 && (any || complete))
            td->final_scanned[dir] |= (uint64_t)1 << v;
    }
    const struct detect_group *pg = &de->tx_proto[tx->alproto][dir];
    uint32_t nextra = merge2(pg->always, pg->nalways, td->pending[dir].v, td->pending[dir].n,
                             dt->pfbuf);
    merge_candidates(dt, dt->pfbuf, nextra);
    td->pending[dir].n = 0;
    for (uint32_t i = 0; i < dt->ncand; i++) {
        const struct sig *s = de->sigs[dt->cand[i]];
        if (txdone_has(td, s->num))
            continue;
        STAT_INC(dt->stats.candidates);
        int r = 0;
        if (header_match(&dt->dp, s) && packet_keywords(dt, s))
            r = tx_sig_eval(dt, s, dir, tx);
        if (r == 0 && complete)
            r = -1;
        if (r != 0)
            txdone_add(df, td, s->num);
        else
            u32vec_push(df, &td->pending[dir], s->num);
        if (r == 1) {
            const struct packet *p = dt->dp.p;
            sig_matched(dt, s, 2, p->payload, p->payload_len, tx);
        }
    }
    dt->dp.dir = saved;
    dt->dp.alproto = alproto;
}

/* ---------------------------------------------------------------------------------- */
/* Output                                                                             */
/* ---------------------------------------------------------------------------------- */

unsigned detect_pending(const struct detect_thread *dt)
{
    unsigned n = 0;
    for (unsigned i = 0; i < dt->nq; i++) {
        if (dt->q[i].action == DETECT_ACTION_PASS)
            return 0;
        n++;
    }
    return n;
}

static int cmp_alert(const void *a, const void *b)
{
    const struct pending_alert *x = a, *y = b;
    if (x->s->num != y->s->num)
        return x->s->num < y->s->num ? -1 : 1;
    return 0;
}

static const char *const action_names[] = { "pass", "drop", "reject", "alert" };

void detect_flush(struct detect_thread *dt, struct eve *e, const struct dpi_thread *dpi,
                  const char *pkt_src)
{
    if (dt->nq == 0)
        return;
    if (dt->nq > 1)
        qsort(dt->q, dt->nq, sizeof(dt->q[0]), cmp_alert);
    unsigned n = 0;
    for (unsigned i = 0; i < dt->nq; i++) {
        const struct pending_alert *a = &dt->q[i];
        /* a pass rule that matched hides the alerts after it (rule order) */
        if (a->action == DETECT_ACTION_PASS)
            break;
        if (n == dt->de->alert_max) {
            STAT_INC(dt->stats.alert_max);
            continue;
        }
        n++;
        const struct sig *s = a->s;
        struct eve_alert ea = {
            .action = "allowed",
            .rule_action = action_names[a->action],
            .gid = s->gid,
            .sid = s->sid,
            .rev = s->rev,
            .signature = s->msg,
            .category = s->class_desc != NULL ? s->class_desc : "",
            .severity = s->severity,
            .source = "rule",
            .metadata_json = s->metadata_json,
            .references_json = s->references_json,
            .target = s->target,
            .payload = a->payload_len ? dt->arena + a->payload_off : NULL,
            .payload_len = a->payload_len,
            /* transactions of TCP flows are stream data too (Suricata's stream: 1) */
            .stream = a->kind == 1 || (a->kind == 2 && dt->dp.p->proto == 6),
            .app_proto = dt->dp.f != NULL && dt->dp.f->alproto != ALPROTO_UNKNOWN &&
                                 dt->dp.f->alproto != ALPROTO_FAILED
                             ? alproto_name(dt->dp.f->alproto)
                             : NULL,
            .dir = a->dir,
            .pcap_cnt = dt->dp.pcap_cnt,
            .pkt_src = pkt_src,
            .app_log = a->kind == 2 ? a->tx.log : NULL,
            .app_ctx = a->kind == 2 ? a->tx.ctx : NULL,
        };
        eve_alert(e, &ea, dt->dp.p, dt->dp.f, dpi);
        STAT_INC(dt->stats.alerts);
    }
    dt->nq = 0;
    dt->arena_used = 0;
}
