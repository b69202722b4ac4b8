/* Per-worker flow table. See flow.h.
 *
 * A chained hash table of flows, and a timer wheel of one-second slots for timeouts.
 * A flow is filed under the second at which it could first time out (last packet plus
 * its class's timeout). A packet only updates the flow's last-packet time; the flow is
 * looked at again when its slot comes due on a tick, and then either ends or is filed
 * under its new due second. So the packet path touches no list, and each tick touches
 * only the flows that are due. Timeouts are exact to the tick (the same flows end at
 * the same ticks as a full scan would find). Memcap eviction takes the flow due soonest. */
#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util/util-hash.h"

#define FLOW_WHEEL_SLOTS 4096u /* seconds covered per turn; longer timeouts wait more turns */

struct flow_table {
    struct flow_table_conf conf;
    struct flow **buckets;
    uint32_t mask;
    struct flow *wheel[FLOW_WHEEL_SLOTS];
    uint64_t wheel_sec;  /* slots of earlier seconds have been processed */
    bool wheel_started;
    flow_end_fn on_end;
    void *ctx;
    struct flow_stats stats;
};

/* ---------------------------------------------------------------------------------- */
/* Keys                                                                               */
/* ---------------------------------------------------------------------------------- */

static uint32_t flow_key_hash(const struct flow_key *k)
{
    uint64_t w[sizeof(*k) / 8];
    memcpy(w, k, sizeof(w));
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < ARRAY_SIZE(w); i++)
        h = hash_mix64(h ^ w[i]);
    return (uint32_t)(h ^ (h >> 32));
}

_Static_assert(sizeof(struct flow_key) % 8 == 0, "flow_key is hashed as 64-bit words");

/* Builds the normalised key; returns 0 if the packet's source is endpoint 0. */
static int flow_key_from_packet(const struct packet *p, struct flow_key *k, bool use_vlan)
{
    memset(k, 0, sizeof(*k));
    k->proto = p->proto;
    k->ipver = p->ipver;
    if (use_vlan) {
        k->vlan[0] = p->vlan[0];
        k->vlan[1] = p->vlan[1];
    }
    /* ICMP has no ports (decode leaves them 0): ICMP flows are keyed by addresses, as
     * nDPI's reader does, so an echo request and its reply are one flow. */
    uint16_t sport = p->sport, dport = p->dport;
    int c = memcmp(&p->src, &p->dst, sizeof(p->src));
    int src_idx = (c < 0 || (c == 0 && sport <= dport)) ? 0 : 1;
    k->addr[src_idx] = p->src;
    k->addr[!src_idx] = p->dst;
    k->port[src_idx] = sport;
    k->port[!src_idx] = dport;
    return src_idx;
}

uint64_t flow_id(const struct flow *f)
{
    uint64_t h = (uint64_t)f->hash * 0x9e3779b97f4a7c15ULL;
    h = hash_mix64(h ^ f->first_us);
    h = hash_mix64(h ^ f->key.addr[0].q[0] ^ f->key.addr[1].q[1]);
    return h & ((1ULL << 51) - 1);
}

/* ---------------------------------------------------------------------------------- */
/* Timer wheel                                                                        */
/* ---------------------------------------------------------------------------------- */

static enum flow_tclass flow_tclass_of(const struct flow *f)
{
    switch (f->key.proto) {
    case 6:
        if (f->tcp_state == FLOW_TCP_CLOSED)
            return FLOW_TC_TCP_CLOSED;
        return flow_is_established(f) ? FLOW_TC_TCP_ESTABLISHED : FLOW_TC_TCP_NEW;
    case 17:
        return FLOW_TC_UDP;
    case 1:
    case 58:
        return FLOW_TC_ICMP;
    default:
        return FLOW_TC_OTHER;
    }
}

/* The second during which the flow may first be found expired. */
static inline uint64_t flow_due_sec(const struct flow_table *t, const struct flow *f)
{
    return (f->last_us + t->conf.timeout_us[f->tclass]) / 1000000u;
}

static void wheel_insert(struct flow_table *t, struct flow *f, uint64_t sec)
{
    struct flow **slot = &t->wheel[sec & (FLOW_WHEEL_SLOTS - 1)];
    f->wsec = sec;
    f->wnext = *slot;
    if (f->wnext != NULL)
        f->wnext->wpprev = &f->wnext;
    f->wpprev = slot;
    *slot = f;
}

static void wheel_remove(struct flow *f)
{
    *f->wpprev = f->wnext;
    if (f->wnext != NULL)
        f->wnext->wpprev = f->wpprev;
    f->wnext = NULL;
    f->wpprev = NULL;
}

/* Files a flow under its due second, but never under a second already processed. */
static void wheel_file(struct flow_table *t, struct flow *f)
{
    uint64_t due = flow_due_sec(t, f);
    if (!t->wheel_started) {
        t->wheel_sec = f->last_us / 1000000u;
        t->wheel_started = true;
    }
    wheel_insert(t, f, due >= t->wheel_sec ? due : t->wheel_sec);
}

/* ---------------------------------------------------------------------------------- */
/* Table                                                                              */
/* ---------------------------------------------------------------------------------- */

struct flow_table *flow_table_new(const struct flow_table_conf *conf, flow_end_fn on_end,
                                  void *ctx, char errbuf[CANH_ERRBUF_SIZE])
{
    struct flow_table *t = calloc(1, sizeof(*t));
    if (t == NULL)
        goto fail;
    t->conf = *conf;
    t->on_end = on_end;
    t->ctx = ctx;
    uint32_t n = 1024;
    while (n < conf->hash_size && n < (1u << 30))
        n <<= 1;
    t->mask = n - 1;
    t->buckets = calloc(n, sizeof(*t->buckets));
    if (t->buckets == NULL)
        goto fail;
    t->stats.memuse = (uint64_t)n * sizeof(*t->buckets);
    if (t->stats.memuse >= conf->memcap) {
        snprintf(errbuf, CANH_ERRBUF_SIZE,
                 "flow: hash table of %u buckets (%llu bytes) does not fit in flow.memcap per worker (%llu bytes)",
                 n, (unsigned long long)t->stats.memuse, (unsigned long long)conf->memcap);
        flow_table_free(t);
        return NULL;
    }
    return t;
fail:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "flow: out of memory for the flow table");
    flow_table_free(t);
    return NULL;
}

void flow_table_free(struct flow_table *t)
{
    if (t == NULL)
        return;
    for (uint32_t i = 0; i < FLOW_WHEEL_SLOTS; i++)
        for (struct flow *f = t->wheel[i], *next; f != NULL; f = next) {
            next = f->wnext;
            free(f);
        }
    free(t->buckets);
    free(t);
}

const struct flow_stats *flow_table_stats(const struct flow_table *t)
{
    return &t->stats;
}

void flow_table_account(struct flow_table *t, int64_t bytes)
{
    STAT_ADD(t->stats.memuse, (uint64_t)bytes);
}

static void flow_end(struct flow_table *t, struct flow *f, enum flow_end_reason reason)
{
    struct flow **pp = &t->buckets[f->hash & t->mask];
    while (*pp != f)
        pp = &(*pp)->hnext;
    *pp = f->hnext;
    wheel_remove(f);

    t->on_end(t->ctx, f, reason);

    switch (reason) {
    case FLOW_END_TIMEOUT: STAT_INC(t->stats.timeouts); break;
    case FLOW_END_FORCED: STAT_INC(t->stats.forced); break;
    case FLOW_END_SHUTDOWN: STAT_INC(t->stats.shutdown); break;
    case FLOW_END_TCP_REUSE: STAT_INC(t->stats.tcp_reuse); break;
    }
    STAT_INC(t->stats.ended);
    STAT_ADD(t->stats.active, -(uint64_t)1);
    STAT_ADD(t->stats.memuse, -(uint64_t)sizeof(*f));
    free(f);
}

/* Evicts the flow due soonest (the least recently active, as far as the wheel tells).
 * False if there is none. */
static bool flow_evict_oldest(struct flow_table *t)
{
    if (t->stats.active == 0)
        return false;
    for (uint64_t sec = t->wheel_sec;; sec++) {
        struct flow *f = t->wheel[sec & (FLOW_WHEEL_SLOTS - 1)];
        if (f != NULL) {
            flow_end(t, f, FLOW_END_FORCED);
            return true;
        }
    }
}

static bool flow_expired(const struct flow_table *t, const struct flow *f, uint64_t now_us)
{
    return now_us > f->last_us && now_us - f->last_us > t->conf.timeout_us[f->tclass];
}

static struct flow *flow_create(struct flow_table *t, const struct packet *p,
                                const struct flow_key *k, uint32_t hash, int src_idx)
{
    while (t->stats.memuse + sizeof(struct flow) > t->conf.memcap)
        if (!flow_evict_oldest(t))
            return NULL;
    struct flow *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return NULL;
    f->key = *k;
    f->hash = hash;
    f->client = (uint8_t)src_idx;
    /* A connection picked up at its SYN-ACK was opened by the other side. */
    if (p->proto == 6 && (p->tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
        f->client = (uint8_t)!src_idx;
    f->icmp_type = p->icmp_type;
    f->icmp_code = p->icmp_code;
    f->first_us = f->last_us = p->ts_us;
    f->hnext = t->buckets[hash & t->mask];
    t->buckets[hash & t->mask] = f;
    f->tclass = (uint8_t)flow_tclass_of(f);
    wheel_file(t, f);
    STAT_INC(t->stats.created);
    STAT_INC(t->stats.active);
    STAT_ADD(t->stats.memuse, sizeof(*f));
    switch (p->proto) {
    case 6: STAT_INC(t->stats.tcp); break;
    case 17: STAT_INC(t->stats.udp); break;
    case 1:
    case 58: STAT_INC(t->stats.icmp); break;
    default: STAT_INC(t->stats.other); break;
    }
    return f;
}

struct flow *flow_table_packet(struct flow_table *t, const struct packet *p, int *dir)
{
    struct flow_key k;
    int src_idx = flow_key_from_packet(p, &k, !t->conf.ignore_vlan);
    uint32_t hash = flow_key_hash(&k);

    struct flow *f;
    for (f = t->buckets[hash & t->mask]; f != NULL; f = f->hnext)
        if (f->hash == hash && memcmp(&f->key, &k, sizeof(k)) == 0)
            break;
    if (f != NULL) {
        if (flow_expired(t, f, p->ts_us)) {
            flow_end(t, f, FLOW_END_TIMEOUT);
            f = NULL;
        } else if (p->proto == 6 && f->tcp_state == FLOW_TCP_CLOSED &&
                   (p->tcp_flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN) {
            flow_end(t, f, FLOW_END_TCP_REUSE);
            f = NULL;
        }
    }
    if (f == NULL) {
        f = flow_create(t, p, &k, hash, src_idx);
        if (f == NULL) {
            STAT_INC(t->stats.memcap_drops);
            return NULL;
        }
    }

    int d = src_idx == f->client ? FLOW_TO_SERVER : FLOW_TO_CLIENT;
    *dir = d;
    f->pkts[d]++;
    f->bytes[d] += p->flow_len;
    if (p->ts_us > f->last_us)
        f->last_us = p->ts_us;
    if (p->proto == 6)
        flow_tcp_update(f, p, d);

    /* A later packet only moves the due time later: the flow stays filed and is re-filed
     * when its slot comes. A class with a shorter timeout (TCP closed) may move it
     * earlier: re-file now. */
    enum flow_tclass tc = flow_tclass_of(f);
    if (tc != f->tclass) {
        f->tclass = (uint8_t)tc;
        if (flow_due_sec(t, f) < f->wsec) {
            wheel_remove(f);
            wheel_file(t, f);
        }
    }
    return f;
}

/* Processes one slot at the tick of second 'sec': ends the due flows that are expired
 * at 'now_us' and files the others under their new due second. */
static void flow_wheel_slot(struct flow_table *t, uint64_t slot_sec, uint64_t sec, uint64_t now_us)
{
    struct flow **slot = &t->wheel[slot_sec & (FLOW_WHEEL_SLOTS - 1)];
    struct flow *list = *slot;
    *slot = NULL;
    if (list != NULL)
        list->wpprev = &list;
    while (list != NULL) {
        struct flow *f = list;
        wheel_remove(f); /* list now points at the next one */
        if (f->wsec > sec) {
            wheel_insert(t, f, f->wsec); /* filed for a later turn of the wheel */
        } else if (flow_expired(t, f, now_us)) {
            wheel_insert(t, f, sec); /* flow_end unlinks it */
            flow_end(t, f, FLOW_END_TIMEOUT);
        } else {
            uint64_t due = flow_due_sec(t, f);
            wheel_insert(t, f, due > sec ? due : sec + 1);
        }
    }
}

/* A second tick within one second: the flows found due but not yet expired at the
 * first were filed under the next second; look at them again. */
static void flow_wheel_recheck(struct flow_table *t, uint64_t sec, uint64_t now_us)
{
    struct flow *f = t->wheel[(sec + 1) & (FLOW_WHEEL_SLOTS - 1)];
    while (f != NULL) {
        struct flow *next = f->wnext;
        if (f->wsec == sec + 1 && flow_due_sec(t, f) <= sec && flow_expired(t, f, now_us))
            flow_end(t, f, FLOW_END_TIMEOUT);
        f = next;
    }
}

void flow_table_timeout(struct flow_table *t, uint64_t now_us)
{
    uint64_t sec = now_us / 1000000u;
    if (!t->wheel_started)
        return;
    if (sec < t->wheel_sec) {
        if (sec + 1 == t->wheel_sec)
            flow_wheel_recheck(t, sec, now_us);
        return;
    }
    /* After a long gap, one turn over every slot is enough. */
    uint64_t from = sec - t->wheel_sec >= FLOW_WHEEL_SLOTS ? sec - FLOW_WHEEL_SLOTS + 1 : t->wheel_sec;
    for (uint64_t s = from; s <= sec; s++)
        flow_wheel_slot(t, s, sec, now_us);
    /* Flows that are due now but not yet expired were filed under sec + 1. */
    t->wheel_sec = sec + 1;
}

void flow_table_flush(struct flow_table *t)
{
    for (uint32_t i = 0; i < FLOW_WHEEL_SLOTS; i++)
        while (t->wheel[i] != NULL)
            flow_end(t, t->wheel[i], FLOW_END_SHUTDOWN);
}

/* ---------------------------------------------------------------------------------- */
/* Names                                                                              */
/* ---------------------------------------------------------------------------------- */

bool flow_is_established(const struct flow *f)
{
    if (f->key.proto == 6)
        return f->tcp_state == FLOW_TCP_ESTABLISHED || f->tcp_state == FLOW_TCP_FIN_WAIT ||
               (f->tcp_state == FLOW_TCP_NONE && f->pkts[0] > 0 && f->pkts[1] > 0);
    return f->pkts[0] > 0 && f->pkts[1] > 0;
}

const char *flow_state_name(const struct flow *f)
{
    if (f->key.proto == 6 && f->tcp_state == FLOW_TCP_CLOSED)
        return "closed";
    return flow_is_established(f) ? "established" : "new";
}

const char *flow_tcp_state_name(const struct flow *f)
{
    static const char *const names[] = {
        [FLOW_TCP_NONE] = "none",          [FLOW_TCP_SYN_SENT] = "syn_sent",
        [FLOW_TCP_SYN_RECV] = "syn_recv",  [FLOW_TCP_ESTABLISHED] = "established",
        [FLOW_TCP_FIN_WAIT] = "fin_wait1", [FLOW_TCP_CLOSED] = "closed",
    };
    return names[f->tcp_state];
}

const char *flow_end_reason_name(enum flow_end_reason r)
{
    switch (r) {
    case FLOW_END_TIMEOUT: return "timeout";
    case FLOW_END_FORCED: return "forced";
    case FLOW_END_SHUTDOWN: return "shutdown";
    case FLOW_END_TCP_REUSE: return "tcp_reuse";
    }
    return "unknown";
}
