/* Thresholds: the threshold and detection_filter keywords, threshold.config (threshold,
 * event_filter, suppress, rate_filter), and the counting that decides whether a match
 * becomes an alert. Semantics of Suricata's src/detect-engine-threshold.c:
 *
 *   limit N / S        the first N matches of each S-second window alert
 *   threshold N / S    every N-th match within a window alerts
 *   both N / S         one alert when the N-th match arrives within the window
 *   detection_filter   every match after the N-th within the window alerts
 *   rate_filter        once N matches arrive within S seconds, the action becomes
 *                      new_action for 'timeout' seconds
 *
 * Tracked by source, destination, both, rule or flow. Entries by address live in one
 * table shared by the workers (striped locks, taken only when a thresholded rule
 * matched); by-flow entries live in the flow (no lock). Memory is bounded: the table
 * holds at most THRESHOLD_MAX_ENTRIES, and expired entries are reused. */
#include "detect/detect-threshold.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/detect-address.h"
#include "detect/detect-parse.h"
#include "util/util-hash.h"

#define THRESHOLD_STRIPES 64
#define THRESHOLD_BUCKETS 65536           /* power of two */
#define THRESHOLD_MAX_ENTRIES (1u << 20)  /* ~64 MiB worst case; more tracked addresses are not thresholded but alert */

/* ---------------------------------------------------------------------------------- */
/* Parsing                                                                            */
/* ---------------------------------------------------------------------------------- */

static char *trim(char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        p[--n] = '\0';
    return p;
}

static bool parse_track(const char *v, uint8_t *track)
{
    static const struct { const char *n; uint8_t t; } tr[] = {
        { "by_src", TRACK_SRC }, { "by_dst", TRACK_DST }, { "by_rule", TRACK_RULE },
        { "by_flow", TRACK_FLOW }, { "by_both", TRACK_BOTH }, { "by_either", TRACK_BOTH },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(tr); i++)
        if (strcasecmp(v, tr[i].n) == 0) {
            *track = tr[i].t;
            return true;
        }
    return false;
}

static bool parse_uint(const char *v, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (end == v || *trim(end) != '\0' || errno != 0 || n > UINT32_MAX || v[0] == '-')
        return false;
    *out = (uint32_t)n;
    return true;
}

int detect_threshold_parse(const char *arg, bool filter, struct detect_threshold *th,
                           char err[CANH_ERRBUF_SIZE])
{
    memset(th, 0, sizeof(*th));
    th->type = filter ? TH_DETECTION_FILTER : TH_NONE;
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s", arg);
    bool have_track = false, have_count = false, have_seconds = false;
    char *save = NULL;
    for (char *item = strtok_r(tmp, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
        item = trim(item);
        char *sp = item;
        while (*sp && !isspace((unsigned char)*sp))
            sp++;
        if (*sp == '\0') {
            snprintf(err, CANH_ERRBUF_SIZE, "'%s' has no value", item);
            return CANH_ERR;
        }
        *sp = '\0';
        char *val = trim(sp + 1);
        if (strcasecmp(item, "type") == 0 && !filter) {
            if (strcasecmp(val, "limit") == 0)
                th->type = TH_LIMIT;
            else if (strcasecmp(val, "threshold") == 0)
                th->type = TH_THRESHOLD;
            else if (strcasecmp(val, "both") == 0)
                th->type = TH_BOTH;
            else {
                snprintf(err, CANH_ERRBUF_SIZE, "unknown type '%s'", val);
                return CANH_ERR;
            }
        } else if (strcasecmp(item, "track") == 0) {
            if (!parse_track(val, &th->track)) {
                snprintf(err, CANH_ERRBUF_SIZE, "unknown track '%s'", val);
                return CANH_ERR;
            }
            have_track = true;
        } else if (strcasecmp(item, "count") == 0) {
            if (!parse_uint(val, &th->count) || th->count == 0) {
                snprintf(err, CANH_ERRBUF_SIZE, "invalid count '%s'", val);
                return CANH_ERR;
            }
            have_count = true;
        } else if (strcasecmp(item, "seconds") == 0) {
            if (!parse_uint(val, &th->seconds) || th->seconds == 0) {
                snprintf(err, CANH_ERRBUF_SIZE, "invalid seconds '%s'", val);
                return CANH_ERR;
            }
            have_seconds = true;
        } else if (strcasecmp(item, "unique_on") == 0 && filter) {
            /* Suricata 8: count distinct ports rather than matches */
            if (strcasecmp(val, "src_port") == 0)
                th->unique_on = 1;
            else if (strcasecmp(val, "dst_port") == 0)
                th->unique_on = 2;
            else {
                snprintf(err, CANH_ERRBUF_SIZE, "unique_on '%s' is not src_port or dst_port", val);
                return CANH_ERR;
            }
        } else {
            snprintf(err, CANH_ERRBUF_SIZE, "unknown option '%s'", item);
            return CANH_ERR;
        }
    }
    if (th->unique_on != 0 && (th->track == TRACK_FLOW || th->track == TRACK_RULE)) {
        snprintf(err, CANH_ERRBUF_SIZE, "unique_on needs track by_src, by_dst or by_both");
        return CANH_ERR;
    }
    if ((!filter && th->type == TH_NONE) || !have_track || !have_count || !have_seconds) {
        snprintf(err, CANH_ERRBUF_SIZE, "needs %strack, count and seconds", filter ? "" : "type, ");
        return CANH_ERR;
    }
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Counting                                                                           */
/* ---------------------------------------------------------------------------------- */

struct th_entry {
    struct th_entry *next;
    uint32_t sid, gid;
    uint8_t track;
    uint8_t ipver;
    struct canh_addr a, b;
    uint64_t first_us;   /* window start */
    uint32_t count;
    uint64_t action_until_us; /* rate_filter: new action in force until */
    uint16_t *ports;     /* unique_on: the distinct ports of the window */
    uint32_t nports, capports;
};

#define THRESHOLD_MAX_PORTS 65536

struct threshold_table {
    pthread_mutex_t locks[THRESHOLD_STRIPES];
    struct th_entry *buckets[THRESHOLD_BUCKETS];
    uint32_t nentries;   /* guarded by the stripe locks taken in order; approximate cap */
    pthread_mutex_t alloc_lock;
};

struct threshold_table *threshold_table_new(void)
{
    struct threshold_table *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    for (unsigned i = 0; i < THRESHOLD_STRIPES; i++)
        pthread_mutex_init(&t->locks[i], NULL);
    pthread_mutex_init(&t->alloc_lock, NULL);
    return t;
}

void threshold_table_free(struct threshold_table *t)
{
    if (t == NULL)
        return;
    for (unsigned i = 0; i < THRESHOLD_BUCKETS; i++) {
        struct th_entry *e = t->buckets[i];
        while (e != NULL) {
            struct th_entry *n = e->next;
            free(e->ports);
            free(e);
            e = n;
        }
    }
    for (unsigned i = 0; i < THRESHOLD_STRIPES; i++)
        pthread_mutex_destroy(&t->locks[i]);
    pthread_mutex_destroy(&t->alloc_lock);
    free(t);
}

/* Applies one match to an entry; returns the threshold verdict. */
static int th_apply(const struct detect_threshold *th, uint32_t *count, uint64_t *first_us,
                    uint64_t *until_us, uint64_t now_us, uint8_t *action)
{
    uint64_t window = (uint64_t)th->seconds * 1000000u;
    bool expired = *count == 0 || now_us - *first_us > window || now_us < *first_us;
    switch (th->type) {
    case TH_LIMIT:
        if (expired) {
            *first_us = now_us;
            *count = 1;
            return TH_ALERT;
        }
        if (++*count <= th->count)
            return TH_ALERT;
        return TH_SUPPRESS;
    case TH_THRESHOLD:
        if (expired) {
            *first_us = now_us;
            *count = 1;
        } else {
            ++*count;
        }
        if (*count >= th->count) {
            *count = 0;
            return TH_ALERT;
        }
        return TH_SUPPRESS;
    case TH_BOTH:
        if (expired) {
            *first_us = now_us;
            *count = 1;
        } else {
            ++*count;
        }
        return *count == th->count ? TH_ALERT : TH_SUPPRESS;
    case TH_DETECTION_FILTER:
        if (expired) {
            *first_us = now_us;
            *count = 1;
        } else if (*count < UINT32_MAX) {
            ++*count;
        }
        return *count > th->count ? TH_ALERT : TH_SUPPRESS;
    case TH_RATE:
        if (*until_us != 0 && now_us < *until_us) {
            *action = th->new_action;
            return TH_ALERT;
        }
        if (expired) {
            *first_us = now_us;
            *count = 1;
        } else {
            ++*count;
        }
        if (*count > th->count) {
            *until_us = now_us + (uint64_t)th->timeout * 1000000u;
            *action = th->new_action;
        }
        return TH_ALERT;
    default:
        return TH_ALERT;
    }
}

static uint32_t th_hash(uint32_t sid, uint32_t gid, uint8_t track, const struct canh_addr *a,
                        const struct canh_addr *b)
{
    uint64_t h = hash_mix64(((uint64_t)sid << 32 | gid) ^ track);
    h = hash_mix64(h ^ a->q[0] ^ (a->q[1] << 1));
    h = hash_mix64(h ^ b->q[0] ^ (b->q[1] << 3));
    return (uint32_t)h;
}

/* detection_filter unique_on: a match counts only when its port is new in the window. */
static int th_apply_unique(const struct detect_threshold *th, struct th_entry *e, uint16_t port,
                           uint64_t now_us)
{
    uint64_t window = (uint64_t)th->seconds * 1000000u;
    if (e->nports == 0 || now_us - e->first_us > window || now_us < e->first_us) {
        e->first_us = now_us;
        e->nports = 0;
    }
    bool seen = false;
    for (uint32_t i = 0; i < e->nports; i++)
        if (e->ports[i] == port)
            seen = true;
    if (!seen && e->nports < THRESHOLD_MAX_PORTS) {
        if (e->nports == e->capports) {
            uint32_t cap = e->capports ? e->capports * 2 : 8;
            uint16_t *v = realloc(e->ports, cap * sizeof(*v));
            if (v != NULL) {
                e->ports = v;
                e->capports = cap;
            }
        }
        if (e->nports < e->capports)
            e->ports[e->nports++] = port;
    }
    return e->nports > th->count ? TH_ALERT : TH_SUPPRESS;
}

int threshold_check(struct threshold_table *t, const struct sig *s, const struct detect_threshold *th,
                    const struct canh_addr *src, const struct canh_addr *dst, uint8_t ipver,
                    uint16_t sport, uint16_t dport, uint64_t now_us, uint32_t *flow_count,
                    uint64_t *flow_first, uint8_t *action)
{
    if (th->type == TH_NONE)
        return TH_ALERT;
    if (th->track == TRACK_FLOW) {
        uint64_t until = 0;
        if (flow_count == NULL)
            return TH_ALERT;
        return th_apply(th, flow_count, flow_first, &until, now_us, action);
    }
    struct canh_addr za = { { { 0 } } }, a = za, b = za;
    switch (th->track) {
    case TRACK_SRC: a = *src; break;
    case TRACK_DST: a = *dst; break;
    case TRACK_BOTH:
        /* the pair, in either order */
        if (memcmp(src, dst, sizeof(*src)) < 0) {
            a = *src;
            b = *dst;
        } else {
            a = *dst;
            b = *src;
        }
        break;
    default: break;
    }
    uint32_t h = th_hash(s->sid, s->gid, th->track, &a, &b);
    uint32_t bucket = h & (THRESHOLD_BUCKETS - 1);
    pthread_mutex_t *lock = &t->locks[bucket % THRESHOLD_STRIPES];
    pthread_mutex_lock(lock);
    struct th_entry *e = t->buckets[bucket];
    for (; e != NULL; e = e->next)
        if (e->sid == s->sid && e->gid == s->gid && e->track == th->track &&
            memcmp(&e->a, &a, sizeof(a)) == 0 && memcmp(&e->b, &b, sizeof(b)) == 0)
            break;
    if (e == NULL) {
        if (__atomic_load_n(&t->nentries, __ATOMIC_RELAXED) >= THRESHOLD_MAX_ENTRIES ||
            (e = calloc(1, sizeof(*e))) == NULL) {
            pthread_mutex_unlock(lock);
            return TH_ALERT;
        }
        __atomic_add_fetch(&t->nentries, 1, __ATOMIC_RELAXED);
        e->sid = s->sid;
        e->gid = s->gid;
        e->track = th->track;
        e->ipver = ipver;
        e->a = a;
        e->b = b;
        e->next = t->buckets[bucket];
        t->buckets[bucket] = e;
    }
    int r = th->unique_on != 0 ? th_apply_unique(th, e, th->unique_on == 1 ? sport : dport, now_us)
                               : th_apply(th, &e->count, &e->first_us, &e->action_until_us, now_us,
                                          action);
    pthread_mutex_unlock(lock);
    return r;
}

bool threshold_suppressed(const struct sig *s, uint8_t ipver, const struct canh_addr *src,
                          const struct canh_addr *dst)
{
    for (const struct detect_suppress *x = s->suppress; x != NULL; x = x->next) {
        if (x->addrs == NULL)
            return true;
        switch (x->track) {
        case TRACK_SRC:
            if (addr_set_match_ip(x->addrs, ipver, src))
                return true;
            break;
        case TRACK_DST:
            if (addr_set_match_ip(x->addrs, ipver, dst))
                return true;
            break;
        default:
            if (addr_set_match_ip(x->addrs, ipver, src) || addr_set_match_ip(x->addrs, ipver, dst))
                return true;
            break;
        }
    }
    return false;
}

/* ---------------------------------------------------------------------------------- */
/* threshold.config                                                                   */
/* ---------------------------------------------------------------------------------- */

struct th_line {
    char kind[16];
    uint32_t gid, sid;
    bool have_gid, have_sid;
    struct detect_threshold th;
    char ip[512];
    bool have_track;
};

static int parse_config_line(char *line, struct th_line *tl, char err[CANH_ERRBUF_SIZE])
{
    memset(tl, 0, sizeof(*tl));
    char *p = trim(line);
    char *sp = p;
    while (*sp && !isspace((unsigned char)*sp))
        sp++;
    if (*sp == '\0') {
        snprintf(err, CANH_ERRBUF_SIZE, "'%s' without options", p);
        return CANH_ERR;
    }
    *sp = '\0';
    snprintf(tl->kind, sizeof(tl->kind), "%s", p);
    if (strcmp(tl->kind, "threshold") != 0 && strcmp(tl->kind, "event_filter") != 0 &&
        strcmp(tl->kind, "suppress") != 0 && strcmp(tl->kind, "rate_filter") != 0) {
        snprintf(err, CANH_ERRBUF_SIZE, "unknown directive '%s'", tl->kind);
        return CANH_ERR;
    }
    bool rate = strcmp(tl->kind, "rate_filter") == 0;
    bool have_count = false, have_seconds = false;
    char *save = NULL;
    for (char *item = strtok_r(sp + 1, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
        item = trim(item);
        char *k = item, *v = item;
        while (*v && !isspace((unsigned char)*v))
            v++;
        if (*v == '\0') {
            snprintf(err, CANH_ERRBUF_SIZE, "'%s' has no value", k);
            return CANH_ERR;
        }
        *v = '\0';
        v = trim(v + 1);
        bool ok = true;
        if (strcmp(k, "gen_id") == 0) {
            ok = parse_uint(v, &tl->gid);
            tl->have_gid = true;
        } else if (strcmp(k, "sig_id") == 0) {
            ok = parse_uint(v, &tl->sid);
            tl->have_sid = true;
        } else if (strcmp(k, "type") == 0) {
            if (strcmp(v, "limit") == 0)
                tl->th.type = TH_LIMIT;
            else if (strcmp(v, "threshold") == 0)
                tl->th.type = TH_THRESHOLD;
            else if (strcmp(v, "both") == 0)
                tl->th.type = TH_BOTH;
            else
                ok = false;
        } else if (strcmp(k, "track") == 0) {
            ok = parse_track(v, &tl->th.track);
            tl->have_track = true;
        } else if (strcmp(k, "count") == 0) {
            ok = parse_uint(v, &tl->th.count);
            have_count = true;
        } else if (strcmp(k, "seconds") == 0) {
            ok = parse_uint(v, &tl->th.seconds);
            have_seconds = true;
        } else if (strcmp(k, "ip") == 0) {
            snprintf(tl->ip, sizeof(tl->ip), "%s", v);
        } else if (strcmp(k, "new_action") == 0 && rate) {
            if (strcmp(v, "alert") == 0) tl->th.new_action = DETECT_ACTION_ALERT;
            else if (strcmp(v, "drop") == 0) tl->th.new_action = DETECT_ACTION_DROP;
            else if (strcmp(v, "pass") == 0) tl->th.new_action = DETECT_ACTION_PASS;
            else if (strncmp(v, "reject", 6) == 0) tl->th.new_action = DETECT_ACTION_REJECT;
            else ok = false;
        } else if (strcmp(k, "timeout") == 0 && rate) {
            ok = parse_uint(v, &tl->th.timeout);
        } else {
            snprintf(err, CANH_ERRBUF_SIZE, "unknown option '%s'", k);
            return CANH_ERR;
        }
        if (!ok) {
            snprintf(err, CANH_ERRBUF_SIZE, "invalid value '%s' for %s", v, k);
            return CANH_ERR;
        }
    }
    if (!tl->have_gid || !tl->have_sid) {
        snprintf(err, CANH_ERRBUF_SIZE, "gen_id and sig_id are required");
        return CANH_ERR;
    }
    if (strcmp(tl->kind, "suppress") == 0) {
        if (tl->have_track && tl->ip[0] == '\0') {
            snprintf(err, CANH_ERRBUF_SIZE, "suppress with track needs ip");
            return CANH_ERR;
        }
        return CANH_OK;
    }
    if (!tl->have_track || !have_count || !have_seconds || tl->th.count == 0 ||
        tl->th.seconds == 0 || (!rate && tl->th.type == TH_NONE)) {
        snprintf(err, CANH_ERRBUF_SIZE, "%s needs %strack, count and seconds", tl->kind,
                 rate ? "" : "type, ");
        return CANH_ERR;
    }
    if (rate) {
        if (tl->th.new_action == 0 && tl->th.timeout == 0) {
            snprintf(err, CANH_ERRBUF_SIZE, "rate_filter needs new_action and timeout");
            return CANH_ERR;
        }
        tl->th.type = TH_RATE;
    }
    return CANH_OK;
}

static const char *no_vars(void *ctx, const char *name)
{
    const struct detect_load_conf *c = ctx;
    for (unsigned i = 0; i < c->nvars; i++)
        if (!c->vars[i].port && strcmp(c->vars[i].name, name) == 0)
            return c->vars[i].value;
    return NULL;
}

static int apply_line(struct detect_engine *de, const struct detect_load_conf *conf,
                      const struct th_line *tl, char err[CANH_ERRBUF_SIZE])
{
    bool any = false;
    for (uint32_t i = 0; i < de->nsigs; i++) {
        struct sig *s = de->sigs[i];
        if ((tl->sid != 0 && s->sid != tl->sid) || (tl->gid != 0 && s->gid != tl->gid))
            continue;
        any = true;
        if (strcmp(tl->kind, "suppress") == 0) {
            struct detect_suppress *x = calloc(1, sizeof(*x));
            if (x == NULL) {
                snprintf(err, CANH_ERRBUF_SIZE, "out of memory");
                return CANH_ERR;
            }
            x->track = tl->have_track ? tl->th.track : TRACK_RULE;
            if (tl->ip[0] != '\0') {
                x->addrs = addr_set_parse(tl->ip, no_vars, (void *)conf, err);
                if (x->addrs == NULL) {
                    free(x);
                    return CANH_ERR;
                }
            }
            x->next = s->suppress;
            s->suppress = x;
        } else {
            /* threshold.config replaces the rule's own threshold (not a detection_filter
             * when sig_id is 0, as Suricata) */
            if (tl->sid == 0 && s->th.type == TH_DETECTION_FILTER)
                continue;
            s->th = tl->th;
        }
    }
    if (!any && tl->sid != 0) {
        snprintf(err, CANH_ERRBUF_SIZE, "no loaded rule has gen_id %u sig_id %u", tl->gid, tl->sid);
        return CANH_AGAIN;
    }
    return CANH_OK;
}

int threshold_config_load(struct detect_engine *de, const struct detect_load_conf *conf,
                          const char *path, FILE *report, char errbuf[CANH_ERRBUF_SIZE])
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
        return CANH_ERR;
    }
    char line[4096];
    unsigned lineno = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        char *p = trim(line);
        if (*p == '\0' || *p == '#')
            continue;
        struct th_line tl;
        char e[CANH_ERRBUF_SIZE];
        int rc = parse_config_line(p, &tl, e);
        if (rc == CANH_OK)
            rc = apply_line(de, conf, &tl, e);
        if (rc != CANH_OK && report != NULL)
            fprintf(report, "canh-sensor: %s:%u: %s (%s)\n", path, lineno, e,
                    rc == CANH_AGAIN ? "line has no effect" : "line skipped");
    }
    fclose(f);
    return CANH_OK;
}
