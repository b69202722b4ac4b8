/* Behaviour detectors: port scans, host sweeps, SYN floods, brute force, DNS tunnels
 * and beaconing, counted over flows and application events. See detect-behave.h for
 * what each detector counts, its defaults and why.
 *
 * Layout: one table per detector, all preallocated at behave_new. A table is an array
 * of nodes (key, hash chain, recency list, newest event time) with a parallel array of
 * fixed-size detector state ('dsize' bytes a node), a power-of-two bucket array, and a
 * free list. Looking a key up or adding one is O(1); when the table is full the node at
 * the tail of the recency list (the least recently updated) is reused. Indexes, not
 * pointers, link the nodes, so a table is three allocations.
 *
 * Detector state is one of:
 *  - a timed set (struct tset): up to 'cap' items (a port, a host, a name's hash, or a
 *    sequence number for plain counts), each with the time it was last seen, in ms.
 *    The window slides: items older than window before the set's newest event are
 *    dropped on every update. The set never needs to grow past its cap because the key
 *    alerts when it reaches it and then counts nothing more;
 *  - SYN flood slots (struct flood): the window cut into BEHAVE_FLOOD_SLOTS slots of
 *    SYN and handshake counts, because 1000 timestamps a key would be 8 KB;
 *  - beacon starts (struct beacon): the last BEHAVE_BEACON_HISTORY start times, sorted.
 *
 * Times in a timed set are milliseconds modulo 2^32 (49 days); every age is taken
 * relative to the set's newest event and is at most two windows (two days), so the
 * wrap never confuses an age. */
#include "detect/detect-behave.h"

#include <arpa/inet.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "util/util-hash.h"

#define NIL UINT32_MAX
#define US_PER_S 1000000ull

/* ---------------------------------------------------------------------------------- */
/* Names, SIDs, classification                                                        */
/* ---------------------------------------------------------------------------------- */

static const struct kind_info {
    const char *name;
    const char *signature;  /* brute force: per service, see services[] */
    const char *category;
    const char *technique;
    const char *tactic;
    uint32_t sid;
} kinds[BEHAVE_MAX] = {
    [BEHAVE_PORT_SCAN] = { "port-scan", "Canh behaviour: port scan", "Attempted Information Leak",
                           "T1046", "Discovery", 8806001 },
    [BEHAVE_HOST_SWEEP] = { "host-sweep", "Canh behaviour: host sweep", "Attempted Information Leak",
                            "T1046", "Discovery", 8806002 },
    [BEHAVE_SYN_FLOOD] = { "syn-flood", "Canh behaviour: SYN flood", "Attempted Denial of Service",
                           "T1499.001", "Impact", 8806003 },
    [BEHAVE_BRUTE_FORCE] = { "brute-force", NULL, "Attempted User Privilege Gain", "T1110",
                             "Credential Access", 8806010 },
    [BEHAVE_DNS_TUNNEL] = { "dns-tunnel", "Canh behaviour: DNS tunnelling",
                            "Potential Corporate Privacy Violation", "T1071.004",
                            "Command and Control", 8806020 },
    [BEHAVE_BEACON] = { "beacon", "Canh behaviour: beaconing", "Potentially Bad Traffic", "T1071",
                        "Command and Control", 8806030 },
};

static const struct service_info {
    const char *name;
    const char *label;      /* as written in a detail sentence */
    const char *signature;
} services[BSVC_MAX] = {
    [BSVC_SSH] = { "ssh", "SSH", "Canh behaviour: SSH brute force" },
    [BSVC_RDP] = { "rdp", "RDP", "Canh behaviour: RDP brute force" },
    [BSVC_FTP] = { "ftp", "FTP", "Canh behaviour: FTP brute force" },
    [BSVC_SMTP] = { "smtp", "SMTP", "Canh behaviour: SMTP brute force" },
    [BSVC_IMAP] = { "imap", "IMAP", "Canh behaviour: IMAP brute force" },
    [BSVC_POP3] = { "pop3", "POP3", "Canh behaviour: POP3 brute force" },
    [BSVC_HTTP] = { "http", "HTTP", "Canh behaviour: HTTP login brute force" },
};

const char *behave_kind_name(enum behave_kind k)
{
    return (unsigned)k < BEHAVE_MAX ? kinds[k].name : "?";
}

const char *behave_service_name(enum behave_service s)
{
    return (unsigned)s < BSVC_MAX ? services[s].name : "";
}

enum behave_service behave_service_of_port(uint8_t proto, uint16_t port)
{
    if (proto != 6)
        return BSVC_MAX;
    switch (port) {
    case 22: return BSVC_SSH;
    case 3389: return BSVC_RDP;
    case 21: return BSVC_FTP;
    case 25: case 465: case 587: return BSVC_SMTP;
    case 143: case 993: return BSVC_IMAP;
    case 110: case 995: return BSVC_POP3;
    default: return BSVC_MAX;
    }
}

/* ---------------------------------------------------------------------------------- */
/* Configuration                                                                      */
/* ---------------------------------------------------------------------------------- */

/* Suffixes whose names are not counted for DNS tunnelling: reverse lookups and local
 * names, and services that put hashes or addresses in query names by design (mail
 * block lists, file and URL reputation). A tunnel needs the domain's authoritative
 * server, which an attacker does not have for these. */
static const char *const default_ignore_domains[] = {
    "arpa", "local",
    "spamhaus.org", "spamhaus.net", "surbl.org", "uribl.com", "spamcop.net", "sorbs.net",
    "barracudacentral.org", "dnswl.org", "mailspike.net", "cymru.com",
    "sophosxl.net", "mcafee.com", "e5.sk",
};

void behave_conf_default(struct behave_conf *c)
{
    memset(c, 0, sizeof(*c));
    c->port_scan.enabled = true;
    c->port_scan.severity = 3;
    c->port_scan.window_s = 60;
    c->port_scan.max_keys = 16384;
    c->port_scan.min_ports = 25;

    c->host_sweep.enabled = true;
    c->host_sweep.severity = 3;
    c->host_sweep.window_s = 60;
    c->host_sweep.max_keys = 16384;
    c->host_sweep.min_hosts = 25;

    c->syn_flood.enabled = true;
    c->syn_flood.severity = 2;
    c->syn_flood.window_s = 10;
    c->syn_flood.max_keys = 16384;
    c->syn_flood.min_syns = 1000;
    c->syn_flood.max_established_pct = 20;

    c->brute_force.enabled = true;
    c->brute_force.severity = 2;
    c->brute_force.window_s = 120;
    c->brute_force.max_keys = 8192;
    c->brute_force.min_short_conns = 20;
    c->brute_force.min_failed_auths = 10;
    c->brute_force.short_max_duration_s = 30;
    c->brute_force.short_max_client_bytes = 65536;
    c->brute_force.short_conn_services = BSVC_BIT(BSVC_SSH) | BSVC_BIT(BSVC_RDP) | BSVC_BIT(BSVC_FTP);

    c->dns_tunnel.enabled = true;
    c->dns_tunnel.severity = 2;
    c->dns_tunnel.window_s = 300;
    c->dns_tunnel.max_keys = 8192;
    c->dns_tunnel.min_long_names = 20;
    c->dns_tunnel.min_distinct_names = 300;
    c->dns_tunnel.long_min_len = 30;
    c->dns_tunnel.min_entropy_cbits = 330;
    c->dns_tunnel.ignore_domains = default_ignore_domains;
    c->dns_tunnel.n_ignore_domains = ARRAY_SIZE(default_ignore_domains);

    c->beacon.enabled = true;
    c->beacon.severity = 3;
    c->beacon.window_s = 7200;
    c->beacon.max_keys = 65536;
    c->beacon.min_conns = 8;
    c->beacon.max_jitter_pct = 10;
    c->beacon.min_interval_s = 10;
    c->beacon.max_interval_s = 3600;
    /* Regular by design: DNS, NTP, SNMP polling, mDNS, and mail clients checking
     * POP3/IMAP every few minutes over a new connection. */
    static const uint16_t ports[] = { 53, 123, 161, 5353, 110, 143, 993, 995 };
    for (unsigned i = 0; i < ARRAY_SIZE(ports); i++)
        c->beacon.ignore_ports[i] = ports[i];
    c->beacon.n_ignore_ports = ARRAY_SIZE(ports);

    c->flow_end_delay_s = 120;
}

static bool in_range(char *errbuf, const char *name, uint64_t v, uint64_t lo, uint64_t hi)
{
    if (v >= lo && v <= hi)
        return true;
    snprintf(errbuf, CANH_ERRBUF_SIZE, "behaviour: %s = %llu is out of range %llu .. %llu", name,
             (unsigned long long)v, (unsigned long long)lo, (unsigned long long)hi);
    return false;
}

/* #field is the field's path, e.g. "port_scan.min_ports". */
#define CHECK_RANGE(field, lo, hi)                                                           \
    do {                                                                                     \
        if (!in_range(errbuf, #field, c->field, lo, hi))                                     \
            return CANH_ERR;                                                                 \
    } while (0)
#define CHECK_COMMON(d)                                                                      \
    do {                                                                                     \
        CHECK_RANGE(d.severity, 1, 4);                                                       \
        CHECK_RANGE(d.window_s, 1, BEHAVE_WINDOW_MAX);                                       \
        CHECK_RANGE(d.max_keys, 1, BEHAVE_KEYS_MAX);                                         \
    } while (0)

int behave_conf_check(const struct behave_conf *c, char errbuf[CANH_ERRBUF_SIZE])
{
    CHECK_COMMON(port_scan);
    CHECK_RANGE(port_scan.min_ports, 2, BEHAVE_SET_MAX);
    CHECK_COMMON(host_sweep);
    CHECK_RANGE(host_sweep.min_hosts, 2, BEHAVE_SET_MAX);
    CHECK_COMMON(syn_flood);
    CHECK_RANGE(syn_flood.min_syns, 1, 10000000);
    CHECK_RANGE(syn_flood.max_established_pct, 1, 100);
    CHECK_COMMON(brute_force);
    CHECK_RANGE(brute_force.min_short_conns, 2, BEHAVE_SET_MAX);
    CHECK_RANGE(brute_force.min_failed_auths, 2, BEHAVE_SET_MAX);
    CHECK_RANGE(brute_force.short_max_duration_s, 1, 3600);
    CHECK_RANGE(brute_force.short_max_client_bytes, 1, 1ull << 30);
    CHECK_RANGE(brute_force.short_conn_services, 0, BSVC_BIT(BSVC_MAX) - 1);
    CHECK_COMMON(dns_tunnel);
    CHECK_RANGE(dns_tunnel.min_long_names, 2, BEHAVE_SET_MAX);
    CHECK_RANGE(dns_tunnel.min_distinct_names, 2, BEHAVE_SET_MAX);
    CHECK_RANGE(dns_tunnel.long_min_len, 8, BEHAVE_DOMAIN_MAX);
    CHECK_RANGE(dns_tunnel.min_entropy_cbits, 0, 600);
    CHECK_RANGE(dns_tunnel.n_ignore_domains, 0, BEHAVE_IGNORE_DOMAINS_MAX);
    if (c->dns_tunnel.n_ignore_domains > 0 && c->dns_tunnel.ignore_domains == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "behaviour: dns_tunnel.ignore_domains is NULL with %u entries",
                 c->dns_tunnel.n_ignore_domains);
        return CANH_ERR;
    }
    for (unsigned i = 0; i < c->dns_tunnel.n_ignore_domains; i++) {
        const char *d = c->dns_tunnel.ignore_domains[i];
        size_t n = d ? strlen(d) : 0;
        while (n > 0 && d[n - 1] == '.')
            n--;
        if (n > 0 && d[0] == '.')
            n--;
        if (n == 0 || n > BEHAVE_DOMAIN_MAX) {
            snprintf(errbuf, CANH_ERRBUF_SIZE,
                     "behaviour: dns_tunnel.ignore_domains[%u] = '%.64s' is not a domain name (1 .. %d characters)",
                     i, d ? d : "", BEHAVE_DOMAIN_MAX);
            return CANH_ERR;
        }
    }
    CHECK_COMMON(beacon);
    CHECK_RANGE(beacon.min_conns, 3, BEHAVE_BEACON_HISTORY);
    CHECK_RANGE(beacon.max_jitter_pct, 1, 100);
    CHECK_RANGE(beacon.min_interval_s, 1, BEHAVE_WINDOW_MAX);
    CHECK_RANGE(beacon.max_interval_s, c->beacon.min_interval_s, BEHAVE_WINDOW_MAX);
    CHECK_RANGE(beacon.window_s, c->beacon.max_interval_s, BEHAVE_WINDOW_MAX);
    CHECK_RANGE(beacon.n_ignore_ports, 0, BEHAVE_IGNORE_PORTS_MAX);
    CHECK_RANGE(flow_end_delay_s, 0, 3600);
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Detector state                                                                     */
/* ---------------------------------------------------------------------------------- */

struct titem {
    uint32_t v;     /* port, IPv4 address, hash of an IPv6 address or a name, sequence */
    uint32_t t_ms;  /* last seen, ms since the epoch modulo 2^32 */
};

struct tset {
    uint64_t max_us;  /* newest event counted: the window ends here */
    uint32_t n;
    uint32_t seq;     /* next item of a plain count (no distinctness) */
    struct titem it[];
};

static size_t tset_size(uint32_t cap)
{
    return sizeof(struct tset) + (size_t)cap * sizeof(struct titem);
}

static void tset_reset(struct tset *s)
{
    s->max_us = 0;
    s->n = 0;
    s->seq = 0;
}

/* Counts item 'v' seen at 'ts_us' in a window of 'window_us' ending at the newest event:
 * drops items that fell out of it, refreshes 'v' if present (distinct sets), else adds
 * it when there is room. A plain count passes distinct = false and gets a fresh item.
 * Returns false when the event is older than the window (not counted). */
static bool tset_add(struct tset *s, uint32_t cap, uint32_t v, bool distinct, uint64_t ts_us,
                     uint64_t window_us)
{
    if (s->n > 0) {
        if (ts_us + window_us <= s->max_us)
            return false;
        if (ts_us >= s->max_us + window_us)
            s->n = 0; /* all kept items are out of the window: no age is ever over two */
    }
    if (s->n == 0 || ts_us > s->max_us)
        s->max_us = ts_us;
    if (!distinct)
        v = s->seq++;

    uint32_t now_ms = (uint32_t)(s->max_us / 1000), t_ms = (uint32_t)(ts_us / 1000);
    uint64_t window_ms = window_us / 1000;
    uint32_t w = 0;
    int64_t found = -1;
    for (uint32_t i = 0; i < s->n; i++) {
        struct titem it = s->it[i];
        int32_t age = (int32_t)(now_ms - it.t_ms); /* negative: newer than max_us's ms (rounding) */
        if (age > 0 && (uint64_t)age >= window_ms)
            continue;
        if (distinct && it.v == v)
            found = w;
        s->it[w++] = it;
    }
    s->n = w;
    if (found >= 0) {
        if ((int32_t)(t_ms - s->it[found].t_ms) > 0)
            s->it[found].t_ms = t_ms;
    } else if (s->n < cap) {
        s->it[s->n].v = v;
        s->it[s->n].t_ms = t_ms;
        s->n++;
    }
    return true;
}

/* Times of the oldest and newest item kept (ms precision). */
static void tset_span(const struct tset *s, uint64_t *first_us, uint64_t *last_us)
{
    uint32_t now_ms = (uint32_t)(s->max_us / 1000);
    int32_t oldest = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        int32_t age = (int32_t)(now_ms - s->it[i].t_ms);
        if (age > oldest)
            oldest = age;
    }
    *first_us = (s->max_us / 1000 - (uint64_t)oldest) * 1000;
    *last_us = s->max_us;
}

struct flood_slot {
    uint32_t epoch;  /* slot number (time / slot length) modulo 2^32 */
    uint32_t syn, est;
};

struct flood {
    uint32_t cur;    /* newest slot number seen */
    uint32_t pad;
    struct flood_slot s[BEHAVE_FLOOD_SLOTS];
};

struct beacon {
    uint32_t n;
    uint32_t pad;
    uint64_t t[BEHAVE_BEACON_HISTORY]; /* ascending */
};

/* ---------------------------------------------------------------------------------- */
/* Tables                                                                             */
/* ---------------------------------------------------------------------------------- */

/* Zeroed before filling, so it is hashed and compared as bytes. */
struct bkey {
    struct canh_addr a;  /* source; SYN flood: the destination host */
    struct canh_addr b;  /* destination host, or zero */
    uint64_t x;          /* DNS: hash of the registered domain */
    uint16_t port;
    uint8_t ipver, proto, svc;
    uint8_t pad[3];
};
/* No implicit padding: keys are hashed and compared as bytes, and the designated
 * initialisers that build them zero every named member. */
_Static_assert(sizeof(struct bkey) == 48, "struct bkey has padding the hash would read");

struct bnode {
    struct bkey key;
    uint64_t seen_us;    /* newest event time (flow ends: the flow's last packet) */
    uint32_t hash;
    uint32_t hnext;      /* bucket chain; free list when unused */
    uint32_t prev, next; /* recency list, head most recently updated */
    bool quiet;          /* alerted: counts nothing until dropped */
};

struct btab {
    bool enabled;
    uint32_t max;
    uint32_t mask;       /* buckets - 1 */
    uint32_t *buckets;
    struct bnode *nodes;
    uint8_t *data;       /* dsize bytes per node */
    size_t dsize;
    uint32_t head, tail, free;
    uint64_t window_us;
    uint64_t keep_us;    /* idle longer than this is expired: window + flow_end_delay */
    struct behave_kind_stats st;
};

struct behave {
    pthread_mutex_t lock;
    struct behave_conf conf;  /* copy; conf.dns_tunnel.ignore_domains points at 'ignore' */
    uint64_t seed;            /* of every hash: keys and names an attacker cannot aim at */
    struct btab tab[BEHAVE_MAX];
    char (*ignore)[BEHAVE_DOMAIN_MAX + 1]; /* sorted, lower case, no outer dots */
    unsigned n_ignore;
    size_t memuse;
};

static uint32_t buckets_for(uint32_t max)
{
    uint32_t n = 16;
    while (n < max)
        n <<= 1;
    return n;
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Bytes of state per key of each detector. */
static size_t data_size(const struct behave_conf *c, enum behave_kind k)
{
    switch (k) {
    case BEHAVE_PORT_SCAN: return tset_size(c->port_scan.min_ports);
    case BEHAVE_HOST_SWEEP: return tset_size(c->host_sweep.min_hosts);
    case BEHAVE_SYN_FLOOD: return sizeof(struct flood);
    case BEHAVE_BRUTE_FORCE:
        return tset_size(c->brute_force.min_short_conns) + tset_size(c->brute_force.min_failed_auths);
    case BEHAVE_DNS_TUNNEL:
        return tset_size(c->dns_tunnel.min_long_names) + tset_size(c->dns_tunnel.min_distinct_names);
    case BEHAVE_BEACON: return sizeof(struct beacon);
    default: return 0;
    }
}

static void kind_limits(const struct behave_conf *c, enum behave_kind k, bool *enabled, uint32_t *max_keys,
                        uint32_t *window_s, uint8_t *severity)
{
    switch (k) {
#define LIM(K, d)                                                                            \
    case K:                                                                                  \
        *enabled = c->d.enabled, *max_keys = c->d.max_keys, *window_s = c->d.window_s,       \
        *severity = c->d.severity;                                                           \
        break;
    LIM(BEHAVE_PORT_SCAN, port_scan)
    LIM(BEHAVE_HOST_SWEEP, host_sweep)
    LIM(BEHAVE_SYN_FLOOD, syn_flood)
    LIM(BEHAVE_BRUTE_FORCE, brute_force)
    LIM(BEHAVE_DNS_TUNNEL, dns_tunnel)
    LIM(BEHAVE_BEACON, beacon)
#undef LIM
    default:
        *enabled = false, *max_keys = 0, *window_s = 0, *severity = 4;
    }
}

static size_t table_memuse(const struct behave_conf *c, enum behave_kind k)
{
    bool enabled;
    uint32_t max, window;
    uint8_t sev;
    kind_limits(c, k, &enabled, &max, &window, &sev);
    if (!enabled)
        return 0;
    return (size_t)max * (sizeof(struct bnode) + align8(data_size(c, k))) +
           (size_t)buckets_for(max) * sizeof(uint32_t);
}

size_t behave_conf_memuse(const struct behave_conf *c)
{
    size_t n = sizeof(struct behave);
    for (int k = 0; k < BEHAVE_MAX; k++)
        n += table_memuse(c, (enum behave_kind)k);
    n += (size_t)c->dns_tunnel.n_ignore_domains * (BEHAVE_DOMAIN_MAX + 1);
    return n;
}

static uint32_t key_hash(const struct behave *b, const struct bkey *k)
{
    uint64_t w[sizeof(*k) / 8], h = b->seed;
    memcpy(w, k, sizeof(w));
    for (unsigned i = 0; i < ARRAY_SIZE(w); i++)
        h = hash_mix64(h ^ w[i]);
    return (uint32_t)h;
}

static void *tab_data(const struct btab *t, uint32_t i)
{
    return t->data + (size_t)i * t->dsize;
}

static void list_unlink(struct btab *t, uint32_t i)
{
    struct bnode *n = &t->nodes[i];
    if (n->prev != NIL)
        t->nodes[n->prev].next = n->next;
    else
        t->head = n->next;
    if (n->next != NIL)
        t->nodes[n->next].prev = n->prev;
    else
        t->tail = n->prev;
}

static void list_push_head(struct btab *t, uint32_t i)
{
    struct bnode *n = &t->nodes[i];
    n->prev = NIL;
    n->next = t->head;
    if (t->head != NIL)
        t->nodes[t->head].prev = i;
    t->head = i;
    if (t->tail == NIL)
        t->tail = i;
}

/* Takes node 'i' out of its bucket and the recency list and onto the free list. */
static void tab_remove(struct btab *t, uint32_t i)
{
    struct bnode *n = &t->nodes[i];
    uint32_t *pp = &t->buckets[n->hash & t->mask];
    while (*pp != i)
        pp = &t->nodes[*pp].hnext;
    *pp = n->hnext;
    list_unlink(t, i);
    n->hnext = t->free;
    t->free = i;
    t->st.tracked--;
}

static void data_reset(const struct behave *b, enum behave_kind k, void *p)
{
    const struct behave_conf *c = &b->conf;
    switch (k) {
    case BEHAVE_PORT_SCAN:
    case BEHAVE_HOST_SWEEP:
        tset_reset(p);
        break;
    case BEHAVE_SYN_FLOOD:
        memset(p, 0, sizeof(struct flood));
        break;
    case BEHAVE_BRUTE_FORCE:
        tset_reset(p);
        tset_reset((struct tset *)((uint8_t *)p + tset_size(c->brute_force.min_short_conns)));
        break;
    case BEHAVE_DNS_TUNNEL:
        tset_reset(p);
        tset_reset((struct tset *)((uint8_t *)p + tset_size(c->dns_tunnel.min_long_names)));
        break;
    case BEHAVE_BEACON:
        ((struct beacon *)p)->n = 0;
        break;
    default:
        break;
    }
}

/* The node of 'key', updated at 'seen_us' and moved to the head of the recency list;
 * with 'create', a new node when there is none (evicting the least recently updated
 * one when the table is full). NIL when not found and not created. */
static uint32_t tab_get(struct behave *b, enum behave_kind kind, const struct bkey *key, uint64_t seen_us,
                        bool create)
{
    struct btab *t = &b->tab[kind];
    uint32_t h = key_hash(b, key);
    uint32_t i = t->buckets[h & t->mask];
    while (i != NIL && (t->nodes[i].hash != h || memcmp(&t->nodes[i].key, key, sizeof(*key)) != 0))
        i = t->nodes[i].hnext;
    if (i != NIL) {
        list_unlink(t, i);
    } else {
        if (!create)
            return NIL;
        if (t->free == NIL) {
            tab_remove(t, t->tail);
            t->st.evicted++;
        }
        i = t->free;
        struct bnode *n = &t->nodes[i];
        t->free = n->hnext;
        n->key = *key;
        n->hash = h;
        n->seen_us = seen_us;
        n->quiet = false;
        n->hnext = t->buckets[h & t->mask];
        t->buckets[h & t->mask] = i;
        data_reset(b, kind, tab_data(t, i));
        t->st.tracked++;
    }
    list_push_head(t, i);
    if (seen_us > t->nodes[i].seen_us)
        t->nodes[i].seen_us = seen_us;
    return i;
}

static bool tab_init(struct behave *b, enum behave_kind k, char errbuf[CANH_ERRBUF_SIZE])
{
    const struct behave_conf *c = &b->conf;
    struct btab *t = &b->tab[k];
    uint32_t window_s;
    uint8_t sev;
    kind_limits(c, k, &t->enabled, &t->max, &window_s, &sev);
    t->head = t->tail = t->free = NIL;
    if (!t->enabled)
        return true;
    t->window_us = window_s * US_PER_S;
    t->keep_us = (window_s + (uint64_t)c->flow_end_delay_s) * US_PER_S;
    t->dsize = align8(data_size(c, k));
    uint32_t nb = buckets_for(t->max);
    t->mask = nb - 1;
    t->buckets = malloc((size_t)nb * sizeof(*t->buckets));
    t->nodes = calloc(t->max, sizeof(*t->nodes));
    t->data = calloc(t->max, t->dsize);
    if (t->buckets == NULL || t->nodes == NULL || t->data == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "behaviour: out of memory for %u %s keys (%zu bytes)", t->max,
                 kinds[k].name, table_memuse(c, k));
        return false;
    }
    memset(t->buckets, 0xff, (size_t)nb * sizeof(*t->buckets)); /* NIL */
    for (uint32_t i = 0; i < t->max; i++)
        t->nodes[i].hnext = i + 1 < t->max ? i + 1 : NIL;
    t->free = 0;
    return true;
}

/* ---------------------------------------------------------------------------------- */
/* Life cycle                                                                         */
/* ---------------------------------------------------------------------------------- */

static int cmp_domain(const void *a, const void *b)
{
    return strcmp(a, b);
}

static uint64_t random_seed(void)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        s = hash_mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ (uintptr_t)&s);
    }
    return s;
}

struct behave *behave_new(const struct behave_conf *c, char errbuf[CANH_ERRBUF_SIZE])
{
    if (behave_conf_check(c, errbuf) != CANH_OK)
        return NULL;
    struct behave *b = calloc(1, sizeof(*b));
    if (b == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "behaviour: out of memory");
        return NULL;
    }
    pthread_mutex_init(&b->lock, NULL);
    b->conf = *c;
    b->seed = random_seed();

    unsigned n = c->dns_tunnel.n_ignore_domains;
    if (n > 0) {
        b->ignore = calloc(n, sizeof(*b->ignore));
        if (b->ignore == NULL) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "behaviour: out of memory");
            goto fail;
        }
        for (unsigned i = 0; i < n; i++) {
            const char *d = c->dns_tunnel.ignore_domains[i];
            size_t len = strlen(d);
            while (len > 0 && d[len - 1] == '.')
                len--;
            if (d[0] == '.')
                d++, len--;
            for (size_t j = 0; j < len; j++)
                b->ignore[i][j] = (d[j] >= 'A' && d[j] <= 'Z') ? (char)(d[j] + 32) : d[j];
        }
        qsort(b->ignore, n, sizeof(*b->ignore), cmp_domain);
        b->n_ignore = n;
    }
    b->conf.dns_tunnel.ignore_domains = NULL; /* the caller's; 'ignore' holds the copy */

    for (int k = 0; k < BEHAVE_MAX; k++)
        if (!tab_init(b, (enum behave_kind)k, errbuf))
            goto fail;
    b->memuse = behave_conf_memuse(c);
    return b;
fail:
    behave_free(b);
    return NULL;
}

void behave_free(struct behave *b)
{
    if (b == NULL)
        return;
    for (int k = 0; k < BEHAVE_MAX; k++) {
        free(b->tab[k].buckets);
        free(b->tab[k].nodes);
        free(b->tab[k].data);
    }
    free(b->ignore);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

void behave_expire(struct behave *b, uint64_t now_us)
{
    if (b == NULL)
        return;
    pthread_mutex_lock(&b->lock);
    for (int k = 0; k < BEHAVE_MAX; k++) {
        struct btab *t = &b->tab[k];
        if (!t->enabled)
            continue;
        /* The recency list is in update order, which is event-time order up to the
         * workers' small clock differences: stop at the first key still live. */
        for (unsigned n = 0; n < BEHAVE_EXPIRE_BATCH && t->tail != NIL; n++) {
            uint64_t seen = t->nodes[t->tail].seen_us;
            if (now_us <= seen || now_us - seen <= t->keep_us)
                break;
            tab_remove(t, t->tail);
            t->st.expired++;
        }
    }
    pthread_mutex_unlock(&b->lock);
}

void behave_stats_get(struct behave *b, struct behave_stats *s)
{
    memset(s, 0, sizeof(*s));
    if (b == NULL)
        return;
    pthread_mutex_lock(&b->lock);
    for (int k = 0; k < BEHAVE_MAX; k++)
        s->kind[k] = b->tab[k].st;
    s->memuse = b->memuse;
    pthread_mutex_unlock(&b->lock);
}

/* ---------------------------------------------------------------------------------- */
/* Alerts                                                                             */
/* ---------------------------------------------------------------------------------- */

struct emit {
    struct behave_alert *out;
    int max, n;
};

/* Counts an alert of 'k' and returns the slot to fill with its common fields set, or
 * NULL when 'out' is full (the alert is counted as dropped). */
static struct behave_alert *alert_new(struct behave *b, struct emit *e, enum behave_kind k,
                                      const struct behave_flow *f)
{
    struct btab *t = &b->tab[k];
    t->st.alerts++;
    if (e->out == NULL || e->n >= e->max) {
        t->st.alerts_dropped++;
        return NULL;
    }
    struct behave_alert *a = &e->out[e->n++];
    memset(a, 0, sizeof(*a));
    bool en;
    uint32_t max_keys, window_s;
    kind_limits(&b->conf, k, &en, &max_keys, &window_s, &a->severity);
    a->kind = k;
    a->sid = kinds[k].sid;
    a->signature = kinds[k].signature;
    a->category = kinds[k].category;
    a->mitre_technique = kinds[k].technique;
    a->mitre_tactic = kinds[k].tactic;
    a->ipver = f->ipver;
    a->proto = f->proto;
    a->window_s = window_s;
    a->svc = BSVC_MAX;
    return a;
}

static const char *addr_text(uint8_t ipver, const struct canh_addr *a, char *buf, size_t size)
{
    if (inet_ntop(ipver == 6 ? AF_INET6 : AF_INET, a->b, buf, (socklen_t)size) == NULL)
        snprintf(buf, size, "?");
    return buf;
}

static const char *proto_text(uint8_t proto, char buf[16])
{
    switch (proto) {
    case 6: return "TCP";
    case 17: return "UDP";
    case 1: return "ICMP";
    case 58: return "ICMPv6";
    default: snprintf(buf, 16, "IP proto %u", proto); return buf;
    }
}

/* Seconds between two times, rounded. */
static unsigned long long span_s(uint64_t first_us, uint64_t last_us)
{
    return last_us > first_us ? (last_us - first_us + US_PER_S / 2) / US_PER_S : 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* ---------------------------------------------------------------------------------- */
/* Flow predicates                                                                    */
/* ---------------------------------------------------------------------------------- */

static bool flow_valid(const struct behave_flow *f)
{
    return f != NULL && (f->ipver == 4 || f->ipver == 6);
}

/* Multicast, broadcast and reserved IPv4 (224/3), IPv6 multicast: one packet reaches
 * many hosts or none answers by design. */
static bool addr_is_group(uint8_t ipver, const struct canh_addr *a)
{
    return ipver == 4 ? a->b[0] >= 224 : a->b[0] == 0xff;
}

/* UDP services where an unanswered datagram is normal or where clients try many
 * servers: DNS, NTP, NetBIOS, QUIC (often blocked by policy), SSDP, mDNS, traceroute. */
static bool udp_fails_by_design(uint16_t port)
{
    switch (port) {
    case 53: case 123: case 137: case 138: case 443: case 1900: case 5353:
        return true;
    default:
        return port >= 33434 && port <= 33534;
    }
}

static bool icmp_echo(const struct behave_flow *f)
{
    return (f->proto == 1 && f->icmp_type == 8) || (f->proto == 58 && f->icmp_type == 128);
}

/* A TCP or UDP connection attempt that got nowhere (see port_scan in the header). */
static bool attempt_failed(const struct behave_flow *f)
{
    if (addr_is_group(f->ipver, &f->server) || f->pkts[0] > BEHAVE_ATTEMPT_MAX_PKTS)
        return false;
    if (f->proto == 6)
        return f->syn && (!f->established || f->rejected);
    if (f->proto == 17)
        return f->pkts[1] == 0 && !udp_fails_by_design(f->sport);
    return false;
}

/* ---------------------------------------------------------------------------------- */
/* Port scan and host sweep                                                           */
/* ---------------------------------------------------------------------------------- */

static void port_scan_end(struct behave *b, const struct behave_flow *f, struct emit *e)
{
    struct btab *t = &b->tab[BEHAVE_PORT_SCAN];
    struct bkey k = { .a = f->client, .b = f->server, .ipver = f->ipver, .proto = f->proto };
    uint32_t i = tab_get(b, BEHAVE_PORT_SCAN, &k, f->last_us, true);
    if (t->nodes[i].quiet)
        return;
    t->st.events++;
    struct tset *s = tab_data(t, i);
    uint32_t thr = b->conf.port_scan.min_ports;
    if (!tset_add(s, thr, f->sport, true, f->first_us, t->window_us) || s->n < thr)
        return;
    t->nodes[i].quiet = true;
    struct behave_alert *a = alert_new(b, e, BEHAVE_PORT_SCAN, f);
    if (a == NULL)
        return;
    a->src = f->client;
    a->dst = f->server;
    a->has_src = a->has_dst = true;
    a->count = s->n;
    a->threshold = thr;
    tset_span(s, &a->first_us, &a->last_us);
    uint32_t ports[BEHAVE_SET_MAX];
    for (uint32_t j = 0; j < s->n; j++)
        ports[j] = s->it[j].v;
    qsort(ports, s->n, sizeof(ports[0]), cmp_u32);
    size_t len = 0;
    for (uint32_t j = 0; j < s->n; j++) {
        int w = snprintf(a->key + len, sizeof(a->key) - len, "%s%u", j ? "," : "", ports[j]);
        if (w < 0 || (size_t)w >= sizeof(a->key) - len) {
            a->key[len] = '\0'; /* cut at the last whole port */
            break;
        }
        len += (size_t)w;
    }
    char dst[INET6_ADDRSTRLEN], pb[16];
    snprintf(a->detail, sizeof(a->detail), "%llu closed or unanswered %s ports of %s in %llu s (threshold %u in %u s)",
             (unsigned long long)a->count, proto_text(f->proto, pb), addr_text(f->ipver, &f->server, dst, sizeof(dst)),
             span_s(a->first_us, a->last_us), thr, a->window_s);
}

static void host_sweep_end(struct behave *b, const struct behave_flow *f, struct emit *e)
{
    struct btab *t = &b->tab[BEHAVE_HOST_SWEEP];
    bool icmp = f->proto == 1 || f->proto == 58;
    /* whatever the caller put in an ICMP flow's ports */
    struct bkey k = { .a = f->client, .ipver = f->ipver, .proto = f->proto, .port = icmp ? 0 : f->sport };
    uint32_t i = tab_get(b, BEHAVE_HOST_SWEEP, &k, f->last_us, true);
    if (t->nodes[i].quiet)
        return;
    t->st.events++;
    /* An IPv4 host is its address; an IPv6 host a 32-bit hash of it (a collision among
     * a few dozen hosts has odds of about 10^-7 and undercounts by one). */
    uint32_t host;
    if (f->ipver == 4)
        memcpy(&host, f->server.b, 4);
    else
        host = key_hash(b, &(struct bkey){ .a = f->server });
    struct tset *s = tab_data(t, i);
    uint32_t thr = b->conf.host_sweep.min_hosts;
    if (!tset_add(s, thr, host, true, f->first_us, t->window_us) || s->n < thr)
        return;
    t->nodes[i].quiet = true;
    struct behave_alert *a = alert_new(b, e, BEHAVE_HOST_SWEEP, f);
    if (a == NULL)
        return;
    a->src = f->client;
    a->dst = f->server;
    a->has_src = true;
    a->dport = k.port;
    a->count = s->n;
    a->threshold = thr;
    tset_span(s, &a->first_us, &a->last_us);
    char pb[16];
    if (icmp) {
        a->mitre_technique = "T1018"; /* Remote System Discovery: a ping sweep finds hosts, not services */
        snprintf(a->detail, sizeof(a->detail),
                 "%llu hosts not answering %s echo requests in %llu s (threshold %u in %u s)",
                 (unsigned long long)a->count, proto_text(f->proto, pb), span_s(a->first_us, a->last_us), thr,
                 a->window_s);
    } else {
        snprintf(a->detail, sizeof(a->detail),
                 "%llu hosts refusing or not answering %s port %u in %llu s (threshold %u in %u s)",
                 (unsigned long long)a->count, proto_text(f->proto, pb), f->sport,
                 span_s(a->first_us, a->last_us), thr, a->window_s);
    }
}

/* ---------------------------------------------------------------------------------- */
/* SYN flood                                                                          */
/* ---------------------------------------------------------------------------------- */

static void flood_key(const struct behave_flow *f, struct bkey *k)
{
    memset(k, 0, sizeof(*k));
    k->a = f->server;
    k->ipver = f->ipver;
    k->port = f->sport;
}

static uint64_t flood_slot_us(const struct btab *t)
{
    return t->window_us / BEHAVE_FLOOD_SLOTS;
}

static void flood_syn(struct behave *b, const struct behave_flow *f, struct emit *e)
{
    struct btab *t = &b->tab[BEHAVE_SYN_FLOOD];
    struct bkey k;
    flood_key(f, &k);
    uint32_t i = tab_get(b, BEHAVE_SYN_FLOOD, &k, f->first_us, true);
    if (t->nodes[i].quiet)
        return;
    t->st.events++;
    struct flood *fl = tab_data(t, i);
    uint64_t slot_us = flood_slot_us(t);
    uint64_t ep64 = f->first_us / slot_us;
    uint32_t ep = (uint32_t)ep64;
    int32_t ahead = (int32_t)(ep - fl->cur);
    bool empty = true;
    for (int j = 0; j < BEHAVE_FLOOD_SLOTS; j++)
        if (fl->s[j].syn != 0)
            empty = false;
    if (empty || ahead > 0)
        fl->cur = ep;
    else if (-ahead >= BEHAVE_FLOOD_SLOTS)
        return; /* older than the window */
    struct flood_slot *sl = &fl->s[ep64 % BEHAVE_FLOOD_SLOTS];
    if (sl->epoch != ep || sl->syn == 0) {
        sl->epoch = ep;
        sl->syn = sl->est = 0;
    }
    sl->syn++;

    uint64_t syn = 0, est = 0;
    uint32_t oldest = 0;
    for (int j = 0; j < BEHAVE_FLOOD_SLOTS; j++) {
        uint32_t age = fl->cur - fl->s[j].epoch;
        if (fl->s[j].syn == 0 || age >= BEHAVE_FLOOD_SLOTS)
            continue;
        syn += fl->s[j].syn;
        est += fl->s[j].est;
        if (age > oldest)
            oldest = age;
    }
    const uint32_t thr = b->conf.syn_flood.min_syns, pct = b->conf.syn_flood.max_established_pct;
    if (syn < thr || est * 100 >= syn * pct)
        return;
    t->nodes[i].quiet = true;
    struct behave_alert *a = alert_new(b, e, BEHAVE_SYN_FLOOD, f);
    if (a == NULL)
        return;
    a->src = f->client; /* one of many, often spoofed */
    a->dst = f->server;
    a->has_dst = true;
    a->dport = f->sport;
    a->count = syn;
    a->threshold = thr;
    /* Start of the oldest slot counted; the newest slot is this SYN's or later. */
    a->first_us = (ep64 + (uint32_t)(fl->cur - ep) - oldest) * slot_us;
    a->last_us = f->first_us;
    char dst[INET6_ADDRSTRLEN];
    snprintf(a->detail, sizeof(a->detail),
             "%llu SYNs to %s port %u in %llu s, %llu handshakes completed (threshold %u in %u s with under %u %% completed)",
             (unsigned long long)syn, addr_text(f->ipver, &f->server, dst, sizeof(dst)), f->sport,
             span_s(a->first_us, a->last_us), (unsigned long long)est, thr, a->window_s, pct);
}

static void flood_established(struct behave *b, const struct behave_flow *f)
{
    struct btab *t = &b->tab[BEHAVE_SYN_FLOOD];
    struct bkey k;
    flood_key(f, &k);
    uint32_t i = tab_get(b, BEHAVE_SYN_FLOOD, &k, f->last_us, false);
    if (i == NIL || t->nodes[i].quiet)
        return;
    /* Credited to the slot of the flow's SYN, so it pairs with what that slot counted;
     * a slot reused since then has forgotten that SYN. */
    struct flood *fl = tab_data(t, i);
    uint64_t ep64 = f->first_us / flood_slot_us(t);
    struct flood_slot *sl = &fl->s[ep64 % BEHAVE_FLOOD_SLOTS];
    if (sl->epoch == (uint32_t)ep64 && sl->syn > sl->est)
        sl->est++;
}

/* ---------------------------------------------------------------------------------- */
/* Brute force                                                                        */
/* ---------------------------------------------------------------------------------- */

/* Counts one short connection (auth = false) or failed login (true) of 'svc'. */
static void brute_count(struct behave *b, const struct behave_flow *f, enum behave_service svc, bool auth,
                        uint64_t ts_us, uint64_t seen_us, struct emit *e)
{
    const struct behave_conf *c = &b->conf;
    struct btab *t = &b->tab[BEHAVE_BRUTE_FORCE];
    struct bkey k = { .a = f->client, .b = f->server, .ipver = f->ipver, .svc = (uint8_t)svc };
    uint32_t i = tab_get(b, BEHAVE_BRUTE_FORCE, &k, seen_us, true);
    if (t->nodes[i].quiet)
        return;
    t->st.events++;
    uint8_t *d = tab_data(t, i);
    struct tset *s = (struct tset *)(auth ? d + tset_size(c->brute_force.min_short_conns) : d);
    uint32_t thr = auth ? c->brute_force.min_failed_auths : c->brute_force.min_short_conns;
    if (!tset_add(s, thr, 0, false, ts_us, t->window_us) || s->n < thr)
        return;
    t->nodes[i].quiet = true;
    struct behave_alert *a = alert_new(b, e, BEHAVE_BRUTE_FORCE, f);
    if (a == NULL)
        return;
    a->sid = kinds[BEHAVE_BRUTE_FORCE].sid + (uint32_t)svc;
    a->signature = services[svc].signature;
    a->svc = svc;
    a->src = f->client;
    a->dst = f->server;
    a->has_src = a->has_dst = true;
    a->dport = f->sport;
    a->count = s->n;
    a->threshold = thr;
    tset_span(s, &a->first_us, &a->last_us);
    snprintf(a->key, sizeof(a->key), "%s", services[svc].name);
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
    addr_text(f->ipver, &f->client, src, sizeof(src));
    addr_text(f->ipver, &f->server, dst, sizeof(dst));
    if (auth)
        snprintf(a->detail, sizeof(a->detail), "%llu failed %s logins from %s to %s in %llu s (threshold %u in %u s)",
                 (unsigned long long)a->count, services[svc].label, src, dst, span_s(a->first_us, a->last_us), thr,
                 a->window_s);
    else
        snprintf(a->detail, sizeof(a->detail),
                 "%llu short %s connections from %s to %s in %llu s (threshold %u in %u s; each <= %u s, <= %llu bytes from the client)",
                 (unsigned long long)a->count, services[svc].label, src, dst, span_s(a->first_us, a->last_us), thr,
                 a->window_s, c->brute_force.short_max_duration_s,
                 (unsigned long long)c->brute_force.short_max_client_bytes);
}

static enum behave_service short_conn_service(const struct behave *b, const struct behave_flow *f)
{
    const struct behave_conf *c = &b->conf;
    if (f->proto != 6 || !f->syn || !f->established || f->rejected)
        return BSVC_MAX;
    enum behave_service svc = behave_service_of_port(f->proto, f->sport);
    if (svc == BSVC_MAX || !(c->brute_force.short_conn_services & BSVC_BIT(svc)))
        return BSVC_MAX;
    if (f->last_us < f->first_us || f->last_us - f->first_us > c->brute_force.short_max_duration_s * US_PER_S ||
        f->bytes[0] > c->brute_force.short_max_client_bytes)
        return BSVC_MAX;
    return svc;
}

/* ---------------------------------------------------------------------------------- */
/* DNS tunnelling                                                                     */
/* ---------------------------------------------------------------------------------- */

/* Second-level labels that are registries' generic categories under two-letter
 * country codes (com.vn, gov.vn, co.uk, ac.jp, ...): the registered domain is one label
 * deeper there. Sorted for bsearch. */
static const char *const generic_sld[] = {
    "ac", "biz", "co", "com", "edu", "go", "gob", "gov", "govt", "health", "info", "int", "ltd",
    "me", "mil", "name", "ne", "net", "nhs", "nic", "or", "org", "plc", "pro", "sch",
};

static int cmp_label(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

struct dns_name {
    char buf[BEHAVE_DOMAIN_MAX + 1]; /* lower case, no trailing dot */
    size_t len;
    size_t reg;                      /* offset of the registered domain (> 0: there is a subdomain) */
};

/* Splits 'name' into subdomain and registered domain. False when it has no subdomain
 * or is no usable name (empty, too long, a NUL inside). */
static bool dns_split(const char *name, size_t len, struct dns_name *d)
{
    while (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0 || len > BEHAVE_DOMAIN_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        if (ch == '\0')
            return false;
        d->buf[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
    }
    d->buf[len] = '\0';
    d->len = len;

    const char *last = memrchr(d->buf, '.', len);
    if (last == NULL || last == d->buf)
        return false;
    const char *prev = memrchr(d->buf, '.', (size_t)(last - d->buf));
    if (prev == NULL)
        return false; /* two labels: the registered domain itself */
    size_t reg = (size_t)(prev - d->buf) + 1;
    size_t tld_len = len - (size_t)(last - d->buf) - 1;
    size_t sld_len = (size_t)(last - prev) - 1;
    char sld[8];
    if (tld_len == 2 && sld_len < sizeof(sld)) {
        memcpy(sld, prev + 1, sld_len);
        sld[sld_len] = '\0';
        if (bsearch(sld, generic_sld, ARRAY_SIZE(generic_sld), sizeof(generic_sld[0]), cmp_label) != NULL) {
            const char *third = memrchr(d->buf, '.', (size_t)(prev - d->buf));
            if (third == NULL)
                return false;
            reg = (size_t)(third - d->buf) + 1;
        }
    }
    if (reg < 2)
        return false; /* ".example.com": an empty subdomain */
    d->reg = reg;
    return true;
}

/* Is the name, or a parent of it, on the ignore list? */
static bool dns_ignored(const struct behave *b, const struct dns_name *d)
{
    if (b->n_ignore == 0)
        return false;
    for (size_t p = 0; p < d->len; p++) {
        if (p == 0 || d->buf[p - 1] == '.') {
            if (bsearch(d->buf + p, b->ignore, b->n_ignore, sizeof(*b->ignore), cmp_domain) != NULL)
                return true;
        }
    }
    return false;
}

/* Shannon entropy of the characters of s[0..n) other than dots, in hundredths of a bit. */
static unsigned entropy_cbits(const char *s, size_t n)
{
    unsigned count[256] = { 0 };
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '.') {
            count[(uint8_t)s[i]]++;
            m++;
        }
    if (m == 0)
        return 0;
    double h = 0;
    for (int c = 0; c < 256; c++)
        if (count[c] != 0) {
            double p = (double)count[c] / (double)m;
            h -= p * log2(p);
        }
    return (unsigned)(h * 100.0 + 0.5);
}

/* FNV-1a, seeded and finished by hash_mix64 so every bit depends on every byte. */
static uint64_t name_hash(uint64_t seed, const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 0x100000001b3ULL;
    }
    return hash_mix64(h);
}

/* ---------------------------------------------------------------------------------- */
/* Beaconing                                                                          */
/* ---------------------------------------------------------------------------------- */

static bool beacon_port_ignored(const struct behave *b, uint16_t port)
{
    for (unsigned i = 0; i < b->conf.beacon.n_ignore_ports; i++)
        if (b->conf.beacon.ignore_ports[i] == port)
            return true;
    return false;
}

/* Keeps start 'ts' in ascending order, dropping the oldest when full. False when it
 * merges with a kept start or is older than all of a full history. */
static bool beacon_add(struct beacon *bc, uint64_t ts)
{
    uint32_t pos = bc->n;
    for (uint32_t j = 0; j < bc->n; j++) {
        uint64_t d = ts > bc->t[j] ? ts - bc->t[j] : bc->t[j] - ts;
        if (d < BEHAVE_BEACON_MERGE_US)
            return false;
        if (pos == bc->n && ts < bc->t[j])
            pos = j;
    }
    if (bc->n == BEHAVE_BEACON_HISTORY) {
        if (pos == 0)
            return false;
        memmove(&bc->t[0], &bc->t[1], (BEHAVE_BEACON_HISTORY - 1) * sizeof(bc->t[0]));
        bc->n--;
        pos--;
    }
    memmove(&bc->t[pos + 1], &bc->t[pos], (bc->n - pos) * sizeof(bc->t[0]));
    bc->t[pos] = ts;
    bc->n++;
    return true;
}

static void beacon_start(struct behave *b, const struct behave_flow *f, struct emit *e)
{
    const struct behave_conf *c = &b->conf;
    struct btab *t = &b->tab[BEHAVE_BEACON];
    struct bkey k = { .a = f->client, .b = f->server, .ipver = f->ipver, .proto = f->proto, .port = f->sport };
    uint32_t i = tab_get(b, BEHAVE_BEACON, &k, f->first_us, true);
    if (t->nodes[i].quiet)
        return;
    t->st.events++;
    struct beacon *bc = tab_data(t, i);
    if (!beacon_add(bc, f->first_us) || bc->n < c->beacon.min_conns)
        return;
    uint32_t n = bc->n;
    double mean = (double)(bc->t[n - 1] - bc->t[0]) / (double)(n - 1);
    if (mean < (double)c->beacon.min_interval_s * US_PER_S || mean > (double)c->beacon.max_interval_s * US_PER_S)
        return;
    double var = 0;
    for (uint32_t j = 1; j < n; j++) {
        double d = (double)(bc->t[j] - bc->t[j - 1]) - mean;
        var += d * d;
    }
    double sd = sqrt(var / (double)(n - 1));
    if (sd * 100.0 > (double)c->beacon.max_jitter_pct * mean)
        return;
    t->nodes[i].quiet = true;
    struct behave_alert *a = alert_new(b, e, BEHAVE_BEACON, f);
    if (a == NULL)
        return;
    a->src = f->client;
    a->dst = f->server;
    a->has_src = a->has_dst = true;
    a->dport = f->sport;
    a->count = n;
    a->threshold = c->beacon.min_conns;
    a->first_us = bc->t[0];
    a->last_us = bc->t[n - 1];
    char dst[INET6_ADDRSTRLEN], pb[16];
    snprintf(a->detail, sizeof(a->detail),
             "%u connections to %s %s port %u every %.1f s (jitter %.1f %%; threshold %u connections, jitter <= %u %%, every %u .. %u s)",
             n, addr_text(f->ipver, &f->server, dst, sizeof(dst)), proto_text(f->proto, pb), f->sport, mean / US_PER_S,
             100.0 * sd / mean, c->beacon.min_conns, c->beacon.max_jitter_pct, c->beacon.min_interval_s,
             c->beacon.max_interval_s);
}

/* ---------------------------------------------------------------------------------- */
/* Entry points                                                                       */
/* ---------------------------------------------------------------------------------- */

int behave_flow_start(struct behave *b, const struct behave_flow *f, struct behave_alert *out, int max)
{
    if (b == NULL || !flow_valid(f))
        return 0;
    bool flood = b->tab[BEHAVE_SYN_FLOOD].enabled && f->proto == 6 && f->syn;
    bool beacon = b->tab[BEHAVE_BEACON].enabled && (f->proto == 6 || f->proto == 17) &&
                  !beacon_port_ignored(b, f->sport);
    if (!flood && !beacon)
        return 0;
    struct emit e = { out, max, 0 };
    pthread_mutex_lock(&b->lock);
    if (flood)
        flood_syn(b, f, &e);
    if (beacon)
        beacon_start(b, f, &e);
    pthread_mutex_unlock(&b->lock);
    return e.n;
}

int behave_tcp_established(struct behave *b, const struct behave_flow *f, struct behave_alert *out, int max)
{
    if (b == NULL || !flow_valid(f) || !b->tab[BEHAVE_SYN_FLOOD].enabled || f->proto != 6 || !f->syn)
        return 0;
    pthread_mutex_lock(&b->lock);
    flood_established(b, f);
    pthread_mutex_unlock(&b->lock);
    return 0;
}

int behave_flow_end(struct behave *b, const struct behave_flow *f, struct behave_alert *out, int max)
{
    if (b == NULL || !flow_valid(f))
        return 0;
    bool failed = attempt_failed(f);
    bool scan = failed && b->tab[BEHAVE_PORT_SCAN].enabled;
    bool sweep = b->tab[BEHAVE_HOST_SWEEP].enabled &&
                 (failed || (icmp_echo(f) && f->pkts[1] == 0 && !addr_is_group(f->ipver, &f->server)));
    enum behave_service svc = b->tab[BEHAVE_BRUTE_FORCE].enabled ? short_conn_service(b, f) : BSVC_MAX;
    if (!scan && !sweep && svc == BSVC_MAX)
        return 0;
    struct emit e = { out, max, 0 };
    pthread_mutex_lock(&b->lock);
    if (scan)
        port_scan_end(b, f, &e);
    if (sweep)
        host_sweep_end(b, f, &e);
    if (svc != BSVC_MAX)
        brute_count(b, f, svc, false, f->first_us, f->last_us, &e);
    pthread_mutex_unlock(&b->lock);
    return e.n;
}

int behave_auth_attempt(struct behave *b, const struct behave_flow *f, enum behave_service svc, bool failed,
                        uint64_t ts_us, struct behave_alert *out, int max)
{
    if (b == NULL || !flow_valid(f) || !failed || (unsigned)svc >= BSVC_MAX ||
        !b->tab[BEHAVE_BRUTE_FORCE].enabled)
        return 0;
    struct emit e = { out, max, 0 };
    pthread_mutex_lock(&b->lock);
    brute_count(b, f, svc, true, ts_us, ts_us, &e);
    pthread_mutex_unlock(&b->lock);
    return e.n;
}

int behave_dns_query(struct behave *b, const struct behave_flow *f, const char *name, size_t len,
                     uint64_t ts_us, struct behave_alert *out, int max)
{
    if (b == NULL || !flow_valid(f) || name == NULL || !b->tab[BEHAVE_DNS_TUNNEL].enabled)
        return 0;
    const struct behave_conf *c = &b->conf;
    /* Everything about the name is worked out before the lock. */
    struct dns_name d;
    if (!dns_split(name, len, &d) || dns_ignored(b, &d))
        return 0;
    size_t sub_len = d.reg - 1;
    bool is_long = sub_len >= c->dns_tunnel.long_min_len &&
                   entropy_cbits(d.buf, sub_len) >= c->dns_tunnel.min_entropy_cbits;
    /* 32 bits of a seeded hash tell names apart: a collision among the 300 names of a
     * window has odds of 10^-5 and undercounts by one. */
    uint32_t sub_hash = (uint32_t)name_hash(b->seed, d.buf, sub_len);
    struct bkey k = { .a = f->client, .ipver = f->ipver, .x = name_hash(b->seed, d.buf + d.reg, d.len - d.reg) };

    struct emit e = { out, max, 0 };
    struct btab *t = &b->tab[BEHAVE_DNS_TUNNEL];
    pthread_mutex_lock(&b->lock);
    uint32_t i = tab_get(b, BEHAVE_DNS_TUNNEL, &k, ts_us, true);
    if (t->nodes[i].quiet)
        goto out;
    t->st.events++;
    uint8_t *p = tab_data(t, i);
    struct tset *lng = (struct tset *)p;
    struct tset *all = (struct tset *)(p + tset_size(c->dns_tunnel.min_long_names));
    uint32_t thr_long = c->dns_tunnel.min_long_names, thr_all = c->dns_tunnel.min_distinct_names;
    if (is_long)
        tset_add(lng, thr_long, sub_hash, true, ts_us, t->window_us);
    tset_add(all, thr_all, sub_hash, true, ts_us, t->window_us);
    /* Long names are the stronger sign: checked first. */
    const struct tset *hit = is_long && lng->n >= thr_long ? lng : all->n >= thr_all ? all : NULL;
    if (hit == NULL)
        goto out;
    t->nodes[i].quiet = true;
    struct behave_alert *a = alert_new(b, &e, BEHAVE_DNS_TUNNEL, f);
    if (a == NULL)
        goto out;
    a->src = f->client;
    a->dst = f->server;
    a->has_src = true;
    a->dport = f->sport;
    a->count = hit->n;
    a->threshold = hit == lng ? thr_long : thr_all;
    tset_span(hit, &a->first_us, &a->last_us);
    snprintf(a->key, sizeof(a->key), "%s", d.buf + d.reg);
    char src[INET6_ADDRSTRLEN];
    addr_text(f->ipver, &f->client, src, sizeof(src));
    if (hit == lng)
        snprintf(a->detail, sizeof(a->detail),
                 "%llu distinct long high-entropy names under %.80s from %s in %llu s (threshold %u in %u s; >= %u characters, >= %u.%02u bits)",
                 (unsigned long long)a->count, a->key, src, span_s(a->first_us, a->last_us), thr_long, a->window_s,
                 c->dns_tunnel.long_min_len, c->dns_tunnel.min_entropy_cbits / 100,
                 c->dns_tunnel.min_entropy_cbits % 100);
    else
        snprintf(a->detail, sizeof(a->detail), "%llu distinct names under %.80s from %s in %llu s (threshold %u in %u s)",
                 (unsigned long long)a->count, a->key, src, span_s(a->first_us, a->last_us), thr_all, a->window_s);
out:
    pthread_mutex_unlock(&b->lock);
    return e.n;
}
