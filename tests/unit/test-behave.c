/* Unit tests for the behaviour detectors (sensor/detect/detect-behave.c):
 *  - configuration: the defaults pass the check; out-of-range values are refused with a
 *    message naming the field; behave_new refuses them too; memory is what was computed;
 *  - each detector fires exactly at its threshold and not one below, once (the key then
 *    stays quiet), with count, threshold, window, addresses, times, SID, signature and
 *    the detail sentence checked;
 *  - windows slide: events spread past the window do not fire, and an item exactly one
 *    window old is out of it;
 *  - normal traffic does not fire: a client browsing 40 web servers, a NAT gateway with
 *    a few dead servers, a resolver client's 500 ordinary queries, reverse lookups and
 *    reputation services, regular NTP and DNS, short successful HTTP connections;
 *  - expiry: a quiet key is dropped after its window plus the flow-end delay, and may
 *    alert again;
 *  - bounded memory: ten times max_keys distinct keys keep 'tracked' at max_keys and
 *    count the evictions;
 *  - IPv6 addresses, a full 'out' array (the alert is counted as dropped), NULL handles;
 *  - four threads on one struct behave: exact alert totals (run it under
 *    -fsanitize=thread to check the locking). */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "detect/detect-behave.h"
#include "test.h"

#define S (1000000ull)                    /* one second in microseconds */
#define T0 (1700000000ull * S)            /* 2023-11-14 22:13:20 UTC */

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                            */
/* ---------------------------------------------------------------------------------- */

static struct canh_addr ip(const char *text)
{
    struct canh_addr a;
    memset(&a, 0, sizeof(a));
    if (inet_pton(strchr(text, ':') ? AF_INET6 : AF_INET, text, a.b) != 1) {
        fprintf(stderr, "bad address %s\n", text);
        abort();
    }
    return a;
}

static struct behave_flow flow(uint8_t proto, const char *cli, uint16_t cport, const char *srv, uint16_t sport,
                               uint64_t t_us)
{
    struct behave_flow f;
    memset(&f, 0, sizeof(f));
    f.ipver = strchr(cli, ':') ? 6 : 4;
    f.proto = proto;
    f.client = ip(cli);
    f.server = ip(srv);
    f.cport = cport;
    f.sport = sport;
    f.first_us = f.last_us = t_us;
    return f;
}

/* A SYN answered by RST. */
static struct behave_flow tcp_refused(const char *cli, const char *srv, uint16_t sport, uint64_t t_us)
{
    struct behave_flow f = flow(6, cli, 40000, srv, sport, t_us);
    f.syn = true;
    f.rejected = true;
    f.pkts[0] = f.pkts[1] = 1;
    f.bytes[0] = f.bytes[1] = 60;
    return f;
}

/* A SYN never answered (retransmitted twice). */
static struct behave_flow tcp_unanswered(const char *cli, const char *srv, uint16_t sport, uint64_t t_us)
{
    struct behave_flow f = flow(6, cli, 40000, srv, sport, t_us);
    f.syn = true;
    f.pkts[0] = 3;
    f.bytes[0] = 180;
    f.last_us = t_us + 3 * S;
    return f;
}

/* A completed connection of 'dur_s' seconds with 'cbytes' from the client. */
static struct behave_flow tcp_ok(const char *cli, uint16_t cport, const char *srv, uint16_t sport, uint64_t t_us,
                                 uint64_t dur_s, uint64_t cbytes)
{
    struct behave_flow f = flow(6, cli, cport, srv, sport, t_us);
    f.syn = true;
    f.established = true;
    f.pkts[0] = 12;
    f.pkts[1] = 14;
    f.bytes[0] = cbytes;
    f.bytes[1] = 9000;
    f.last_us = t_us + dur_s * S;
    return f;
}

static struct behave_flow udp(const char *cli, const char *srv, uint16_t sport, uint64_t t_us, bool reply)
{
    struct behave_flow f = flow(17, cli, 50000, srv, sport, t_us);
    f.pkts[0] = 1;
    f.pkts[1] = reply ? 1 : 0;
    f.bytes[0] = 80;
    f.bytes[1] = reply ? 120 : 0;
    return f;
}

static struct behave *make(const struct behave_conf *c)
{
    char err[CANH_ERRBUF_SIZE] = "";
    struct behave *b = behave_new(c, err);
    if (b == NULL) {
        fprintf(stderr, "behave_new: %s\n", err);
        abort();
    }
    return b;
}

static struct behave *make_default(void)
{
    struct behave_conf c;
    behave_conf_default(&c);
    return make(&c);
}

static struct behave_kind_stats kstats(struct behave *b, enum behave_kind k)
{
    struct behave_stats s;
    behave_stats_get(b, &s);
    return s.kind[k];
}

static struct behave_alert out[BEHAVE_ALERTS_PER_CALL];

/* Total of every entry point's alerts, for the "does not fire" tests. */
static uint64_t total_alerts(struct behave *b)
{
    struct behave_stats s;
    behave_stats_get(b, &s);
    uint64_t n = 0;
    for (int k = 0; k < BEHAVE_MAX; k++)
        n += s.kind[k].alerts;
    return n;
}

static bool addr_eq(const struct canh_addr *a, const char *text)
{
    struct canh_addr b = ip(text);
    return memcmp(a, &b, sizeof(b)) == 0;
}

/* Fixed-seed xorshift64*: every run draws the same numbers. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

/* 'n' characters of base32 (entropy of 40 of them: 3.7 bits at the least likely). */
static void random_label(char *buf, int n)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    for (int i = 0; i < n; i++)
        buf[i] = alphabet[rnd() % 32];
    buf[n] = '\0';
}

static int dns(struct behave *b, const char *cli, const char *name, uint64_t t_us)
{
    struct behave_flow f = udp(cli, "10.0.0.53", 53, t_us, true);
    return behave_dns_query(b, &f, name, strlen(name), t_us, out, BEHAVE_ALERTS_PER_CALL);
}

/* ---------------------------------------------------------------------------------- */
/* Configuration                                                                      */
/* ---------------------------------------------------------------------------------- */

static void test_conf(void)
{
    struct behave_conf c;
    char err[CANH_ERRBUF_SIZE];
    behave_conf_default(&c);
    CHECK_EQ(behave_conf_check(&c, err), CANH_OK);
    CHECK_EQ(c.port_scan.min_ports, 25);
    CHECK_EQ(c.syn_flood.min_syns, 1000);
    CHECK_EQ(c.beacon.n_ignore_ports, 8);

    c.port_scan.min_ports = 0;
    CHECK_EQ(behave_conf_check(&c, err), CANH_ERR);
    CHECK_STR(err, "behaviour: port_scan.min_ports = 0 is out of range 2 .. 4096");
    behave_conf_default(&c);
    c.host_sweep.window_s = 86401;
    CHECK_EQ(behave_conf_check(&c, err), CANH_ERR);
    CHECK_STR(err, "behaviour: host_sweep.window_s = 86401 is out of range 1 .. 86400");
    behave_conf_default(&c);
    c.syn_flood.severity = 0;
    CHECK_EQ(behave_conf_check(&c, err), CANH_ERR);
    CHECK(strstr(err, "syn_flood.severity = 0") != NULL);
    behave_conf_default(&c);
    c.brute_force.max_keys = 0;
    CHECK_EQ(behave_conf_check(&c, err), CANH_ERR);
    CHECK(strstr(err, "brute_force.max_keys = 0") != NULL);
    behave_conf_default(&c);
    c.brute_force.short_conn_services = 1u << BSVC_MAX;
    CHECK_EQ(behave_conf_check(&c, err), CANH_ERR);
    behave_conf_default(&c);
    c.beacon.window_s = 3000; /* below max_interval_s 3600: a beacon would be forgotten between starts */
    CHECK_EQ(behave_conf_check(&c, err), CANH_ERR);
    CHECK_STR(err, "behaviour: beacon.window_s = 3000 is out of range 3600 .. 86400");
    behave_conf_default(&c);
    c.beacon.min_conns = BEHAVE_BEACON_HISTORY + 1;
    CHECK_EQ(behave_conf_check(&c, err), CANH_ERR);
    behave_conf_default(&c);
    c.dns_tunnel.min_entropy_cbits = 601;
    CHECK_EQ(behave_conf_check(&c, err), CANH_ERR);
    behave_conf_default(&c);
    const char *empty_domain[] = { "example.com", "." };
    c.dns_tunnel.ignore_domains = empty_domain;
    c.dns_tunnel.n_ignore_domains = 2;
    CHECK_EQ(behave_conf_check(&c, err), CANH_ERR);
    CHECK(strstr(err, "dns_tunnel.ignore_domains[1]") != NULL);
    /* behave_new refuses what the check refuses, with the same message. */
    err[0] = '\0';
    CHECK(behave_new(&c, err) == NULL);
    CHECK(strstr(err, "dns_tunnel.ignore_domains[1]") != NULL);

    /* Disabled detectors allocate nothing; memuse is what behave_conf_memuse said. */
    behave_conf_default(&c);
    size_t all = behave_conf_memuse(&c);
    c.beacon.enabled = false;
    size_t less = behave_conf_memuse(&c);
    CHECK(less < all);
    struct behave *b = make(&c);
    struct behave_stats s;
    behave_stats_get(b, &s);
    CHECK_EQ(s.memuse, less);
    printf("memory of the default configuration: %.1f MiB\n", all / 1048576.0);
    /* A disabled detector counts nothing. */
    for (int i = 0; i < 20; i++) {
        struct behave_flow f = flow(6, "192.0.2.1", 40000, "198.51.100.9", 443, T0 + (uint64_t)i * 60 * S);
        f.syn = true;
        CHECK_EQ(behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    CHECK_EQ(kstats(b, BEHAVE_BEACON).events, 0);
    behave_free(b);
    behave_free(NULL);

    CHECK_STR(behave_kind_name(BEHAVE_DNS_TUNNEL), "dns-tunnel");
    CHECK_STR(behave_kind_name(BEHAVE_MAX), "?");
    CHECK_STR(behave_service_name(BSVC_POP3), "pop3");
    CHECK_STR(behave_service_name(BSVC_MAX), "");
    CHECK_EQ(behave_service_of_port(6, 22), BSVC_SSH);
    CHECK_EQ(behave_service_of_port(6, 3389), BSVC_RDP);
    CHECK_EQ(behave_service_of_port(6, 21), BSVC_FTP);
    CHECK_EQ(behave_service_of_port(6, 25), BSVC_SMTP);
    CHECK_EQ(behave_service_of_port(6, 465), BSVC_SMTP);
    CHECK_EQ(behave_service_of_port(6, 587), BSVC_SMTP);
    CHECK_EQ(behave_service_of_port(6, 143), BSVC_IMAP);
    CHECK_EQ(behave_service_of_port(6, 993), BSVC_IMAP);
    CHECK_EQ(behave_service_of_port(6, 110), BSVC_POP3);
    CHECK_EQ(behave_service_of_port(6, 995), BSVC_POP3);
    CHECK_EQ(behave_service_of_port(6, 80), BSVC_MAX);
    CHECK_EQ(behave_service_of_port(17, 22), BSVC_MAX);
}

/* ---------------------------------------------------------------------------------- */
/* Port scan                                                                          */
/* ---------------------------------------------------------------------------------- */

static void test_port_scan(void)
{
    struct behave *b = make_default();
    /* 24 refused ports: nothing. The same ports again: still 24 distinct. */
    for (int p = 1; p <= 24; p++) {
        struct behave_flow f = tcp_refused("192.0.2.10", "198.51.100.20", (uint16_t)p, T0 + (uint64_t)(p - 1) * S);
        CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    for (int p = 1; p <= 24; p++) {
        struct behave_flow f = tcp_unanswered("192.0.2.10", "198.51.100.20", (uint16_t)p, T0 + (uint64_t)(p - 1) * S);
        CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    /* Completed connections to other ports do not count. */
    for (int p = 100; p < 110; p++) {
        struct behave_flow f = tcp_ok("192.0.2.10", 40000, "198.51.100.20", (uint16_t)p, T0 + 24 * S, 1, 500);
        CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    CHECK_EQ(kstats(b, BEHAVE_PORT_SCAN).alerts, 0);
    /* The 25th port fires. */
    struct behave_flow f = tcp_refused("192.0.2.10", "198.51.100.20", 25, T0 + 24 * S);
    CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 1);
    struct behave_alert *a = &out[0];
    CHECK_EQ(a->kind, BEHAVE_PORT_SCAN);
    CHECK_EQ(a->sid, 8806001);
    CHECK_EQ(a->severity, 3);
    CHECK_STR(a->signature, "Canh behaviour: port scan");
    CHECK_STR(a->category, "Attempted Information Leak");
    CHECK_STR(a->mitre_technique, "T1046");
    CHECK_STR(a->mitre_tactic, "Discovery");
    CHECK_EQ(a->ipver, 4);
    CHECK_EQ(a->proto, 6);
    CHECK(addr_eq(&a->src, "192.0.2.10"));
    CHECK(addr_eq(&a->dst, "198.51.100.20"));
    CHECK(a->has_src && a->has_dst);
    CHECK_EQ(a->dport, 0);
    CHECK_EQ(a->count, 25);
    CHECK_EQ(a->threshold, 25);
    CHECK_EQ(a->window_s, 60);
    CHECK_EQ(a->first_us, T0);
    CHECK_EQ(a->last_us, T0 + 24 * S);
    CHECK_EQ(a->svc, BSVC_MAX);
    CHECK_STR(a->key, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25");
    CHECK_STR(a->detail, "25 closed or unanswered TCP ports of 198.51.100.20 in 24 s (threshold 25 in 60 s)");
    /* Quiet afterwards: more ports, no second alert. */
    for (int p = 26; p < 60; p++) {
        f = tcp_refused("192.0.2.10", "198.51.100.20", (uint16_t)p, T0 + 25 * S);
        CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    CHECK_EQ(kstats(b, BEHAVE_PORT_SCAN).alerts, 1);
    CHECK_EQ(kstats(b, BEHAVE_PORT_SCAN).tracked, 1);

    /* UDP: unanswered datagrams count, answered ones and DNS/QUIC/traceroute do not. */
    for (int p = 1000; p < 1024; p++) {
        struct behave_flow u = udp("192.0.2.11", "198.51.100.21", (uint16_t)p, T0, false);
        CHECK_EQ(behave_flow_end(b, &u, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    uint16_t no_count[] = { 53, 123, 443, 5353, 33434, 33500 };
    for (unsigned i = 0; i < ARRAY_SIZE(no_count); i++) {
        struct behave_flow u = udp("192.0.2.11", "198.51.100.21", no_count[i], T0 + S, false);
        CHECK_EQ(behave_flow_end(b, &u, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    struct behave_flow u = udp("192.0.2.11", "198.51.100.21", 2000, T0 + S, true);
    CHECK_EQ(behave_flow_end(b, &u, out, BEHAVE_ALERTS_PER_CALL), 0);
    /* A one-sided conversation (many packets, no reply) is not a probe. */
    u = udp("192.0.2.11", "198.51.100.21", 2001, T0 + S, false);
    u.pkts[0] = 500;
    CHECK_EQ(behave_flow_end(b, &u, out, BEHAVE_ALERTS_PER_CALL), 0);
    u = udp("192.0.2.11", "198.51.100.21", 2002, T0 + 2 * S, false);
    CHECK_EQ(behave_flow_end(b, &u, out, BEHAVE_ALERTS_PER_CALL), 1);
    CHECK_EQ(out[0].proto, 17);
    CHECK_STR(out[0].detail, "25 closed or unanswered UDP ports of 198.51.100.21 in 2 s (threshold 25 in 60 s)");
    behave_free(b);
}

/* The window slides: an item exactly one window old is out, one a little younger in. */
static void test_port_scan_window(void)
{
    struct behave *b = make_default();
    /* One port every 3 s: never more than 20 in 60 s. */
    for (int p = 1; p <= 60; p++) {
        struct behave_flow f = tcp_refused("192.0.2.12", "198.51.100.22", (uint16_t)p, T0 + (uint64_t)p * 3 * S);
        CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    /* 24 ports at 0..23 s, the 25th at exactly 60 s: the first is out (24 in window). */
    for (int p = 1; p <= 24; p++) {
        struct behave_flow f = tcp_refused("192.0.2.13", "198.51.100.22", (uint16_t)p, T0 + (uint64_t)(p - 1) * S);
        CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    struct behave_flow f = tcp_refused("192.0.2.13", "198.51.100.22", 25, T0 + 60 * S);
    CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    /* At 60.5 s the ports seen at 1..23 s are still in: 23 + 2 = 25. */
    f = tcp_refused("192.0.2.13", "198.51.100.22", 26, T0 + 60 * S + S / 2);
    CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 1);
    CHECK_EQ(out[0].count, 25);
    CHECK_EQ(out[0].first_us, T0 + S);
    CHECK_EQ(out[0].last_us, T0 + 60 * S + S / 2);
    CHECK(strncmp(out[0].key, "2,3,", 4) == 0);
    /* A flow end much older than the window behind the newest is not counted. */
    CHECK_EQ(kstats(b, BEHAVE_PORT_SCAN).alerts, 1);
    behave_free(b);
}

/* ---------------------------------------------------------------------------------- */
/* Host sweep                                                                         */
/* ---------------------------------------------------------------------------------- */

static void test_host_sweep(void)
{
    struct behave *b = make_default();
    char host[64];
    for (int h = 1; h <= 24; h++) {
        snprintf(host, sizeof(host), "10.1.2.%d", h);
        struct behave_flow f = tcp_unanswered("192.0.2.30", host, 445, T0 + (uint64_t)h * S / 2);
        CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
        /* The same host again, and multicast: not new hosts. */
        CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    struct behave_flow g = tcp_unanswered("192.0.2.30", "239.1.1.1", 445, T0 + 13 * S);
    CHECK_EQ(behave_flow_end(b, &g, out, BEHAVE_ALERTS_PER_CALL), 0);
    CHECK_EQ(kstats(b, BEHAVE_HOST_SWEEP).alerts, 0);
    struct behave_flow f = tcp_refused("192.0.2.30", "10.1.2.25", 445, T0 + 13 * S);
    CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 1);
    struct behave_alert *a = &out[0];
    CHECK_EQ(a->kind, BEHAVE_HOST_SWEEP);
    CHECK_EQ(a->sid, 8806002);
    CHECK_STR(a->signature, "Canh behaviour: host sweep");
    CHECK_STR(a->mitre_technique, "T1046");
    CHECK(addr_eq(&a->src, "192.0.2.30"));
    CHECK(addr_eq(&a->dst, "10.1.2.25"));
    CHECK(a->has_src);
    CHECK(!a->has_dst);
    CHECK_EQ(a->dport, 445);
    CHECK_EQ(a->count, 25);
    CHECK_EQ(a->threshold, 25);
    CHECK_EQ(a->window_s, 60);
    CHECK_EQ(a->first_us, T0 + S / 2);
    CHECK_EQ(a->last_us, T0 + 13 * S);
    CHECK_STR(a->detail, "25 hosts refusing or not answering TCP port 445 in 13 s (threshold 25 in 60 s)");

    /* Ping sweep: echo requests without reply count, answered ones and other ICMP do not. */
    for (int h = 1; h <= 30; h++) {
        snprintf(host, sizeof(host), "10.9.0.%d", h);
        struct behave_flow e = flow(1, "192.0.2.31", 0, host, 0, T0 + (uint64_t)h * S);
        e.icmp_type = 8;
        e.pkts[0] = 1;
        e.pkts[1] = 1; /* answered */
        CHECK_EQ(behave_flow_end(b, &e, out, BEHAVE_ALERTS_PER_CALL), 0);
        e.icmp_type = 3; /* a destination unreachable sent by a router */
        e.pkts[1] = 0;
        CHECK_EQ(behave_flow_end(b, &e, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    int fired = 0;
    for (int h = 1; h <= 25; h++) {
        snprintf(host, sizeof(host), "10.9.1.%d", h);
        struct behave_flow e = flow(1, "192.0.2.31", 0, host, 0, T0 + (uint64_t)h * S);
        e.icmp_type = 8;
        e.pkts[0] = 1;
        int n = behave_flow_end(b, &e, out, BEHAVE_ALERTS_PER_CALL);
        CHECK_EQ(n, h == 25);
        fired += n;
    }
    CHECK_EQ(fired, 1);
    CHECK_EQ(out[0].proto, 1);
    CHECK_EQ(out[0].dport, 0);
    CHECK_STR(out[0].mitre_technique, "T1018");
    CHECK_STR(out[0].detail, "25 hosts not answering ICMP echo requests in 24 s (threshold 25 in 60 s)");

    /* Spread past the window: one new host every 3 s. */
    for (int h = 1; h <= 60; h++) {
        snprintf(host, sizeof(host), "10.3.0.%d", h);
        struct behave_flow e = tcp_refused("192.0.2.32", host, 3389, T0 + (uint64_t)h * 3 * S);
        CHECK_EQ(behave_flow_end(b, &e, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    CHECK_EQ(kstats(b, BEHAVE_HOST_SWEEP).alerts, 2);
    behave_free(b);
}

/* ---------------------------------------------------------------------------------- */
/* SYN flood                                                                          */
/* ---------------------------------------------------------------------------------- */

static struct behave_flow syn(uint32_t i, const char *srv, uint16_t port, uint64_t t_us)
{
    char cli[32];
    snprintf(cli, sizeof(cli), "100.%u.%u.%u", 64 + (i >> 16) % 64, (i >> 8) & 255, i & 255);
    struct behave_flow f = flow(6, cli, (uint16_t)(1024 + i % 60000), srv, port, t_us);
    f.syn = true;
    f.pkts[0] = 1;
    return f;
}

static void test_syn_flood(void)
{
    struct behave_conf c;
    behave_conf_default(&c);
    c.beacon.enabled = false; /* only the flood counts flow starts here */
    struct behave *b = make(&c);
    /* 999 SYNs in under a second: nothing; the 1000th fires. */
    for (uint32_t i = 0; i < 999; i++) {
        struct behave_flow f = syn(i, "203.0.113.5", 80, T0 + i * 500);
        CHECK_EQ(behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    struct behave_flow f = syn(999, "203.0.113.5", 80, T0 + 999 * 500);
    CHECK_EQ(behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL), 1);
    struct behave_alert *a = &out[0];
    CHECK_EQ(a->kind, BEHAVE_SYN_FLOOD);
    CHECK_EQ(a->sid, 8806003);
    CHECK_EQ(a->severity, 2);
    CHECK_STR(a->signature, "Canh behaviour: SYN flood");
    CHECK_STR(a->category, "Attempted Denial of Service");
    CHECK_STR(a->mitre_technique, "T1499.001");
    CHECK(addr_eq(&a->dst, "203.0.113.5"));
    CHECK(a->has_dst);
    CHECK(!a->has_src);
    CHECK(addr_eq(&a->src, "100.64.3.231")); /* the 1000th source (999 = 3 * 256 + 231) */
    CHECK_EQ(a->dport, 80);
    CHECK_EQ(a->count, 1000);
    CHECK_EQ(a->threshold, 1000);
    CHECK_EQ(a->window_s, 10);
    CHECK_EQ(a->first_us, T0);
    CHECK_EQ(a->last_us, T0 + 999 * 500);
    CHECK_STR(a->detail,
              "1000 SYNs to 203.0.113.5 port 80 in 0 s, 0 handshakes completed (threshold 1000 in 10 s with under 20 % completed)");
    f = syn(1000, "203.0.113.5", 80, T0 + S);
    CHECK_EQ(behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0); /* quiet */

    /* A busy server: 1000 SYNs, 200 completed (20 %, not under it): nothing; 199: fires. */
    for (int round = 0; round < 2; round++) {
        const char *srv = round == 0 ? "203.0.113.6" : "203.0.113.7";
        uint32_t completed = round == 0 ? 200 : 199;
        int fired = 0;
        for (uint32_t i = 0; i < 1000; i++) {
            f = syn(i, srv, 443, T0 + i * 1000);
            fired += behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL);
            if (i < completed) {
                f.established = true;
                f.last_us += 20000;
                CHECK_EQ(behave_tcp_established(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
            }
        }
        CHECK_EQ(fired, round == 0 ? 0 : 1);
        if (round == 1)
            CHECK(strstr(out[0].detail, ", 199 handshakes completed") != NULL);
    }

    /* 2000 SYNs spread over 20 s (100 a second): at most ~1000 in a window of 10 s, and
     * the window is kept in slots of 1 s, so never 1000 within it. */
    for (uint32_t i = 0; i < 2000; i++) {
        f = syn(i, "203.0.113.8", 80, T0 + (uint64_t)i * 10500);
        CHECK_EQ(behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    /* SYNs from the past (older than the window): not counted. */
    for (uint32_t i = 0; i < 1000; i++) {
        f = syn(i, "203.0.113.8", 80, T0 + i * 1000);
        CHECK_EQ(behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    /* Flows not starting with a SYN (picked up mid-stream), and UDP: not counted. */
    for (uint32_t i = 0; i < 1500; i++) {
        f = syn(i, "203.0.113.9", 80, T0 + i * 100);
        f.syn = false;
        CHECK_EQ(behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    CHECK_EQ(kstats(b, BEHAVE_SYN_FLOOD).alerts, 2);
    behave_free(b);
}

/* ---------------------------------------------------------------------------------- */
/* Brute force                                                                        */
/* ---------------------------------------------------------------------------------- */

static void test_brute_force(void)
{
    struct behave *b = make_default();
    /* SSH: 19 short connections, then the 20th fires. */
    for (int i = 0; i < 19; i++) {
        struct behave_flow f = tcp_ok("192.0.2.50", (uint16_t)(40000 + i), "198.51.100.22", 22, T0 + (uint64_t)i * 5 * S, 4, 3000);
        CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    /* Long sessions, big uploads, refused connections: not login attempts. */
    struct behave_flow f = tcp_ok("192.0.2.50", 41000, "198.51.100.22", 22, T0 + 50 * S, 31, 3000);
    CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    f = tcp_ok("192.0.2.50", 41001, "198.51.100.22", 22, T0 + 50 * S, 5, 65537);
    CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    f = tcp_refused("192.0.2.50", "198.51.100.22", 22, T0 + 50 * S);
    CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    CHECK_EQ(kstats(b, BEHAVE_BRUTE_FORCE).alerts, 0);
    f = tcp_ok("192.0.2.50", 41002, "198.51.100.22", 22, T0 + 95 * S, 30, 65536);
    CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 1);
    struct behave_alert *a = &out[0];
    CHECK_EQ(a->kind, BEHAVE_BRUTE_FORCE);
    CHECK_EQ(a->sid, 8806010);
    CHECK_STR(a->signature, "Canh behaviour: SSH brute force");
    CHECK_STR(a->category, "Attempted User Privilege Gain");
    CHECK_STR(a->mitre_technique, "T1110");
    CHECK_STR(a->mitre_tactic, "Credential Access");
    CHECK_EQ(a->svc, BSVC_SSH);
    CHECK_STR(a->key, "ssh");
    CHECK(addr_eq(&a->src, "192.0.2.50"));
    CHECK(addr_eq(&a->dst, "198.51.100.22"));
    CHECK(a->has_src && a->has_dst);
    CHECK_EQ(a->dport, 22);
    CHECK_EQ(a->count, 20);
    CHECK_EQ(a->threshold, 20);
    CHECK_EQ(a->window_s, 120);
    CHECK_EQ(a->first_us, T0);
    CHECK_EQ(a->last_us, T0 + 95 * S);
    CHECK_STR(a->detail,
              "20 short SSH connections from 192.0.2.50 to 198.51.100.22 in 95 s (threshold 20 in 120 s; each <= 30 s, <= 65536 bytes from the client)");

    /* Mail and web: short connections are normal and do not count. */
    for (int i = 0; i < 100; i++) {
        f = tcp_ok("192.0.2.51", (uint16_t)(40000 + i), "198.51.100.23", i % 2 ? 993 : 80, T0 + (uint64_t)i * S, 1, 2000);
        CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    }

    /* HTTP: 9 failed logins and any number of successful ones, then the 10th failure. */
    f = tcp_ok("192.0.2.52", 40000, "198.51.100.24", 8080, T0, 1, 2000);
    for (int i = 0; i < 9; i++) {
        CHECK_EQ(behave_auth_attempt(b, &f, BSVC_HTTP, true, T0 + (uint64_t)i * S, out, BEHAVE_ALERTS_PER_CALL), 0);
        CHECK_EQ(behave_auth_attempt(b, &f, BSVC_HTTP, false, T0 + (uint64_t)i * S, out, BEHAVE_ALERTS_PER_CALL), 0);
    }
    CHECK_EQ(behave_auth_attempt(b, &f, BSVC_HTTP, true, T0 + 9 * S, out, BEHAVE_ALERTS_PER_CALL), 1);
    a = &out[0];
    CHECK_EQ(a->sid, 8806016);
    CHECK_STR(a->signature, "Canh behaviour: HTTP login brute force");
    CHECK_EQ(a->svc, BSVC_HTTP);
    CHECK_EQ(a->count, 10);
    CHECK_EQ(a->threshold, 10);
    CHECK_EQ(a->dport, 8080);
    CHECK_STR(a->detail, "10 failed HTTP logins from 192.0.2.52 to 198.51.100.24 in 9 s (threshold 10 in 120 s)");
    CHECK_EQ(behave_auth_attempt(b, &f, BSVC_HTTP, true, T0 + 10 * S, out, BEHAVE_ALERTS_PER_CALL), 0);

    /* FTP 530s: ten 14 s apart span 126 s, never ten within 120 s; ten 13 s apart span
     * 117 s and fire. */
    f = tcp_ok("192.0.2.53", 40000, "198.51.100.25", 21, T0, 1, 2000);
    for (int i = 0; i < 30; i++)
        CHECK_EQ(behave_auth_attempt(b, &f, BSVC_FTP, true, T0 + (uint64_t)i * 14 * S, out, BEHAVE_ALERTS_PER_CALL), 0);
    f = tcp_ok("192.0.2.54", 40000, "198.51.100.25", 21, T0, 1, 2000);
    int fired = 0;
    for (int i = 0; i < 10; i++)
        fired += behave_auth_attempt(b, &f, BSVC_FTP, true, T0 + (uint64_t)i * 13 * S, out, BEHAVE_ALERTS_PER_CALL);
    CHECK_EQ(fired, 1);
    CHECK_EQ(out[0].sid, 8806012);
    CHECK_EQ(kstats(b, BEHAVE_BRUTE_FORCE).alerts, 3);
    /* A service out of range is ignored. */
    CHECK_EQ(behave_auth_attempt(b, &f, BSVC_MAX, true, T0, out, BEHAVE_ALERTS_PER_CALL), 0);
    behave_free(b);
}

/* ---------------------------------------------------------------------------------- */
/* DNS tunnelling                                                                     */
/* ---------------------------------------------------------------------------------- */

static void test_dns_tunnel(void)
{
    struct behave *b = make_default();
    char name[300], label[64];
    /* 19 distinct long random names under one domain, each asked twice: nothing. */
    for (int i = 0; i < 19; i++) {
        random_label(label, 40);
        snprintf(name, sizeof(name), "%s.t.Evil-Tunnel.COM.", label);
        CHECK_EQ(dns(b, "10.0.0.7", name, T0 + (uint64_t)i * S), 0);
        CHECK_EQ(dns(b, "10.0.0.7", name, T0 + (uint64_t)i * S), 0);
    }
    /* Long but repetitive names (entropy under 3.3 bits) are not "long" names. */
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof(name), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%d.evil-tunnel.com", i % 10);
        CHECK_EQ(dns(b, "10.0.0.7", name, T0 + 19 * S), 0);
    }
    random_label(label, 40);
    snprintf(name, sizeof(name), "%s.t.evil-tunnel.com", label);
    CHECK_EQ(dns(b, "10.0.0.7", name, T0 + 19 * S), 1);
    struct behave_alert *a = &out[0];
    CHECK_EQ(a->kind, BEHAVE_DNS_TUNNEL);
    CHECK_EQ(a->sid, 8806020);
    CHECK_EQ(a->severity, 2);
    CHECK_STR(a->signature, "Canh behaviour: DNS tunnelling");
    CHECK_STR(a->category, "Potential Corporate Privacy Violation");
    CHECK_STR(a->mitre_technique, "T1071.004");
    CHECK_STR(a->key, "evil-tunnel.com");
    CHECK(addr_eq(&a->src, "10.0.0.7"));
    CHECK(addr_eq(&a->dst, "10.0.0.53"));
    CHECK(a->has_src);
    CHECK(!a->has_dst);
    CHECK_EQ(a->dport, 53);
    CHECK_EQ(a->proto, 17);
    CHECK_EQ(a->count, 20);
    CHECK_EQ(a->threshold, 20);
    CHECK_EQ(a->window_s, 300);
    CHECK_EQ(a->first_us, T0);
    CHECK_EQ(a->last_us, T0 + 19 * S);
    CHECK_STR(a->detail,
              "20 distinct long high-entropy names under evil-tunnel.com from 10.0.0.7 in 19 s (threshold 20 in 300 s; >= 30 characters, >= 3.30 bits)");
    random_label(label, 40);
    snprintf(name, sizeof(name), "%s.t.evil-tunnel.com", label);
    CHECK_EQ(dns(b, "10.0.0.7", name, T0 + 20 * S), 0); /* quiet */
    /* Another client of the same domain counts on its own. */
    CHECK_EQ(dns(b, "10.0.0.8", name, T0 + 20 * S), 0);

    /* Registered domain under a generic second level of a country code. */
    for (int i = 0; i < 20; i++) {
        random_label(label, 50);
        snprintf(name, sizeof(name), "%s.data.tunnel.com.vn", label);
        int n = dns(b, "10.0.0.9", name, T0 + (uint64_t)i * S);
        CHECK_EQ(n, i == 19);
    }
    CHECK_STR(out[0].key, "tunnel.com.vn");

    /* Volume: 299 distinct short names, then the 300th. */
    int fired = 0;
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "n%d.x.example.org", i);
        int n = dns(b, "10.0.0.10", name, T0 + (uint64_t)i * S / 2);
        CHECK_EQ(n, i == 299);
        fired += n;
    }
    CHECK_EQ(fired, 1);
    CHECK_EQ(out[0].count, 300);
    CHECK_EQ(out[0].threshold, 300);
    CHECK_STR(out[0].detail, "300 distinct names under example.org from 10.0.0.10 in 150 s (threshold 300 in 300 s)");

    /* Spread past the window: a long name every 16 s (at most 19 in 300 s). */
    for (int i = 0; i < 60; i++) {
        random_label(label, 45);
        snprintf(name, sizeof(name), "%s.slow.example.net", label);
        CHECK_EQ(dns(b, "10.0.0.11", name, T0 + (uint64_t)i * 16 * S), 0);
    }

    /* Ignored: reverse lookups, reputation services (hashes in names by design). */
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof(name), "%d.%d.%d.10.in-addr.arpa", i % 256, i / 256, i % 7);
        CHECK_EQ(dns(b, "10.0.0.12", name, T0 + (uint64_t)i * S / 10), 0);
        random_label(label, 48);
        snprintf(name, sizeof(name), "%s.p.sophosxl.net", label);
        CHECK_EQ(dns(b, "10.0.0.12", name, T0 + (uint64_t)i * S / 10), 0);
        snprintf(name, sizeof(name), "%s.malware.hash.cymru.com", label);
        CHECK_EQ(dns(b, "10.0.0.12", name, T0 + (uint64_t)i * S / 10), 0);
    }
    /* Names with no subdomain part, or not names at all. */
    CHECK_EQ(dns(b, "10.0.0.12", "example.com", T0), 0);
    CHECK_EQ(dns(b, "10.0.0.12", "www.com.vn", T0), 0);
    CHECK_EQ(dns(b, "10.0.0.12", "localhost", T0), 0);
    CHECK_EQ(dns(b, "10.0.0.12", ".", T0), 0);
    struct behave_flow f = udp("10.0.0.12", "10.0.0.53", 53, T0, true);
    CHECK_EQ(behave_dns_query(b, &f, "a\0b.example.com", 15, T0, out, BEHAVE_ALERTS_PER_CALL), 0);
    CHECK_EQ(behave_dns_query(b, &f, NULL, 0, T0, out, BEHAVE_ALERTS_PER_CALL), 0);
    CHECK_EQ(kstats(b, BEHAVE_DNS_TUNNEL).alerts, 3);

    /* A configured ignore list replaces the default, in any case, with outer dots. */
    behave_free(b);
    struct behave_conf c;
    behave_conf_default(&c);
    const char *ign[] = { ".Evil-Tunnel.com." };
    c.dns_tunnel.ignore_domains = ign;
    c.dns_tunnel.n_ignore_domains = 1;
    b = make(&c);
    for (int i = 0; i < 40; i++) {
        random_label(label, 40);
        snprintf(name, sizeof(name), "%s.evil-tunnel.com", label);
        CHECK_EQ(dns(b, "10.0.0.7", name, T0 + (uint64_t)i * S), 0);
    }
    fired = 0;
    for (int i = 0; i < 20; i++) {
        random_label(label, 40);
        snprintf(name, sizeof(name), "%s.p.sophosxl.net", label); /* no longer ignored */
        fired += dns(b, "10.0.0.7", name, T0 + (uint64_t)i * S);
    }
    CHECK_EQ(fired, 1);
    behave_free(b);
}

/* ---------------------------------------------------------------------------------- */
/* Beaconing                                                                          */
/* ---------------------------------------------------------------------------------- */

static int start(struct behave *b, uint8_t proto, const char *cli, const char *srv, uint16_t port, uint64_t t_us)
{
    struct behave_flow f = flow(proto, cli, (uint16_t)(40000 + t_us / S % 20000), srv, port, t_us);
    f.syn = proto == 6;
    return behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL);
}

static void test_beacon(void)
{
    struct behave_conf c;
    behave_conf_default(&c);
    c.syn_flood.enabled = false;
    struct behave *b = make(&c);
    /* Every 60 s with +-2 s of jitter; a second connection 0.5 s after each check-in is
     * the same check-in. 7 check-ins: nothing; the 8th fires. */
    static const int jitter_ms[] = { 0, 1500, -2000, 700, -1200, 2000, -300, 900, 0, 0 };
    for (int i = 0; i < 8; i++) {
        uint64_t t = T0 + (uint64_t)i * 60 * S + (uint64_t)(int64_t)jitter_ms[i] * 1000;
        int n = start(b, 6, "10.0.0.20", "203.0.113.50", 443, t);
        CHECK_EQ(n, i == 7);
        CHECK_EQ(start(b, 6, "10.0.0.20", "203.0.113.50", 443, t + S / 2), 0);
    }
    struct behave_alert *a = &out[0];
    CHECK_EQ(a->kind, BEHAVE_BEACON);
    CHECK_EQ(a->sid, 8806030);
    CHECK_EQ(a->severity, 3);
    CHECK_STR(a->signature, "Canh behaviour: beaconing");
    CHECK_STR(a->category, "Potentially Bad Traffic");
    CHECK_STR(a->mitre_technique, "T1071");
    CHECK_STR(a->mitre_tactic, "Command and Control");
    CHECK(addr_eq(&a->src, "10.0.0.20"));
    CHECK(addr_eq(&a->dst, "203.0.113.50"));
    CHECK_EQ(a->dport, 443);
    CHECK_EQ(a->count, 8);
    CHECK_EQ(a->threshold, 8);
    CHECK_EQ(a->first_us, T0);
    CHECK_EQ(a->last_us, T0 + 7 * 60 * S + 900000);
    CHECK_STR(a->detail,
              "8 connections to 203.0.113.50 TCP port 443 every 60.1 s (jitter 4.1 %; threshold 8 connections, jitter <= 10 %, every 10 .. 3600 s)");
    CHECK_EQ(start(b, 6, "10.0.0.20", "203.0.113.50", 443, T0 + 8 * 60 * S), 0); /* quiet */

    /* A person: irregular intervals between 10 s and 10 min, 40 times. */
    uint64_t t = T0;
    for (int i = 0; i < 40; i++) {
        t += (10 + rnd() % 590) * S;
        CHECK_EQ(start(b, 6, "10.0.0.21", "203.0.113.51", 443, t), 0);
    }
    /* Too fast to be a beacon: every 5 s. Regular by design: NTP, DNS. */
    for (int i = 0; i < 40; i++) {
        CHECK_EQ(start(b, 6, "10.0.0.22", "203.0.113.52", 8080, T0 + (uint64_t)i * 5 * S), 0);
        CHECK_EQ(start(b, 17, "10.0.0.22", "203.0.113.53", 123, T0 + (uint64_t)i * 64 * S), 0);
        CHECK_EQ(start(b, 17, "10.0.0.22", "10.0.0.53", 53, T0 + (uint64_t)i * 30 * S), 0);
    }
    /* Too slow: every 2 h (and the key is forgotten in between). */
    for (int i = 0; i < 12; i++)
        CHECK_EQ(start(b, 6, "10.0.0.23", "203.0.113.54", 443, T0 + (uint64_t)i * 7300 * S), 0);
    /* Jitter at 12 %: nothing. Intervals alternate 53 and 67 s: sd 7 s of 60. */
    for (int i = 0; i < 16; i++)
        CHECK_EQ(start(b, 6, "10.0.0.24", "203.0.113.55", 443, T0 + (uint64_t)(i * 60 + (i % 2) * 7) * S), 0);
    /* At the jitter limit: intervals alternating 54 and 66 s have a standard deviation
     * of exactly 10 % of their mean over 8 intervals (9 starts; over 7 it is 10.04 %):
     * fires at the 9th start. 53.9 and 66.1 s (10.17 %) never fire. */
    for (int round = 0; round < 2; round++) {
        const char *srv = round == 0 ? "203.0.113.58" : "203.0.113.59";
        uint64_t a_us = round == 0 ? 6 * S : 6100000;
        uint64_t tt = T0;
        int n_fired = 0;
        for (int i = 0; i < 16; i++) {
            int n = start(b, 6, "10.0.0.26", srv, 443, tt);
            if (round == 0)
                CHECK_EQ(n, i == 8);
            n_fired += n;
            tt += i % 2 == 0 ? 60 * S - a_us : 60 * S + a_us;
        }
        CHECK_EQ(n_fired, round == 0);
    }
    /* UDP beacons count; ICMP does not. */
    int fired = 0;
    for (int i = 0; i < 8; i++) {
        fired += start(b, 17, "10.0.0.25", "203.0.113.56", 4444, T0 + (uint64_t)i * 300 * S);
        fired += start(b, 1, "10.0.0.25", "203.0.113.57", 0, T0 + (uint64_t)i * 300 * S);
    }
    CHECK_EQ(fired, 1);
    CHECK_EQ(out[0].proto, 17);
    CHECK_EQ(kstats(b, BEHAVE_BEACON).alerts, 3);
    behave_free(b);
}

/* ---------------------------------------------------------------------------------- */
/* Normal traffic                                                                     */
/* ---------------------------------------------------------------------------------- */

static void test_normal_traffic(void)
{
    struct behave *b = make_default();
    char srv[64], name[256];
    static const char *const hosts[] = { "www", "api", "cdn", "static", "img", "mail", "login", "m" };
    static const char *const domains[] = {
        "google.com", "facebook.com", "gov.vn", "chinhphu.vn", "vnexpress.net", "microsoft.com",
        "office.com", "windowsupdate.com", "youtube.com", "zalo.me", "tuoitre.vn", "github.com",
        "cloudflare.com", "akamaiedge.net", "amazonaws.com", "apple.com", "baochinhphu.vn",
        "moh.gov.vn", "mof.gov.vn", "hanoi.gov.vn", "bbc.co.uk", "wikipedia.org", "bing.com",
    };
    uint64_t t = T0;
    /* An office behind one address browsing 40 web servers: several connections to
     * each, all completed; two servers of the 40 are down. */
    for (int round = 0; round < 5; round++)
        for (int s = 0; s < 40; s++) {
            snprintf(srv, sizeof(srv), "198.18.%d.%d", s / 10, 10 + s);
            t += 700000 + rnd() % 3000000;
            if (s < 2) {
                struct behave_flow f = tcp_unanswered("192.0.2.100", srv, 443, t);
                behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL);
                behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
                continue;
            }
            struct behave_flow f = tcp_ok("192.0.2.100", (uint16_t)(30000 + round * 64 + s), srv, 443, t,
                                          1 + rnd() % 60, 2000 + rnd() % 100000);
            behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL);
            behave_tcp_established(b, &f, out, BEHAVE_ALERTS_PER_CALL);
            behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
            /* QUIC tried first and blocked: unanswered UDP 443. */
            struct behave_flow q = udp("192.0.2.100", srv, 443, t, false);
            q.pkts[0] = 3;
            behave_flow_start(b, &q, out, BEHAVE_ALERTS_PER_CALL);
            behave_flow_end(b, &q, out, BEHAVE_ALERTS_PER_CALL);
        }
    /* 100 short successful HTTP connections to one server (a page and its objects). */
    for (int i = 0; i < 100; i++) {
        struct behave_flow f = tcp_ok("192.0.2.101", (uint16_t)(30000 + i), "198.18.9.9", 80, T0 + (uint64_t)i * S / 4, 1, 900);
        behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL);
        behave_tcp_established(b, &f, out, BEHAVE_ALERTS_PER_CALL);
        behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
    }
    /* A resolver client: 500 ordinary queries for varied names, repeated ones too. */
    for (int i = 0; i < 500; i++) {
        const char *d = domains[rnd() % ARRAY_SIZE(domains)];
        const char *h = hosts[rnd() % ARRAY_SIZE(hosts)];
        if (i % 10 == 0)
            snprintf(name, sizeof(name), "e%u.dscb.akamaiedge.net", (unsigned)(rnd() % 9000));
        else if (i % 10 == 1)
            snprintf(name, sizeof(name), "my-load-balancer-%u.ap-southeast-1.elb.amazonaws.com",
                     (unsigned)(rnd() % 4));
        else
            snprintf(name, sizeof(name), "%s.%s", h, d);
        dns(b, "10.0.0.30", name, T0 + (uint64_t)i * S / 2);
        /* Each query is a UDP flow to the resolver, answered. */
        struct behave_flow f = udp("10.0.0.30", "10.0.0.53", 53, T0 + (uint64_t)i * S / 2, true);
        behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL);
        behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
    }
    /* Regular NTP and DNS exchanges for two hours. */
    for (int i = 0; i < 112; i++) {
        struct behave_flow f = udp("10.0.0.31", "10.0.0.123", 123, T0 + (uint64_t)i * 64 * S, true);
        behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL);
        behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
        f = udp("10.0.0.31", "10.0.0.53", 53, T0 + (uint64_t)i * 64 * S + S, true);
        behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL);
        behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
        behave_expire(b, T0 + (uint64_t)i * 64 * S);
    }
    /* A mail client checking IMAP and sending through submission: long sessions. */
    for (int i = 0; i < 30; i++) {
        struct behave_flow f = tcp_ok("10.0.0.32", (uint16_t)(30000 + i), "198.18.20.1", 993, T0 + (uint64_t)i * 300 * S, 290, 4000);
        behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL);
        behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
    }
    CHECK_EQ(total_alerts(b), 0);
    struct behave_stats s;
    if (total_alerts(b) != 0)
        for (int k = 0; k < BEHAVE_MAX; k++)
            fprintf(stderr, "normal traffic: %s alerts %llu\n", behave_kind_name(k), (unsigned long long)kstats(b, k).alerts);
    behave_stats_get(b, &s);
    CHECK(s.kind[BEHAVE_DNS_TUNNEL].events > 400);
    CHECK(s.kind[BEHAVE_BEACON].events > 200);
    CHECK_EQ(s.kind[BEHAVE_SYN_FLOOD].events, 5 * 40 + 100 + 30);
    behave_free(b);
}

/* ---------------------------------------------------------------------------------- */
/* Expiry, bounded memory, IPv6, full output, NULL                                    */
/* ---------------------------------------------------------------------------------- */

static void scan(struct behave *b, const char *cli, const char *srv, int ports, uint64_t t, int *fired)
{
    for (int p = 1; p <= ports; p++) {
        struct behave_flow f = tcp_refused(cli, srv, (uint16_t)p, t);
        *fired += behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
    }
}

static void test_expiry(void)
{
    struct behave *b = make_default();
    int fired = 0;
    scan(b, "192.0.2.60", "198.51.100.60", 30, T0, &fired);
    CHECK_EQ(fired, 1);
    /* The key is kept for its window (60 s) plus the flow-end delay (120 s). */
    behave_expire(b, T0 + 180 * S);
    CHECK_EQ(kstats(b, BEHAVE_PORT_SCAN).tracked, 1);
    scan(b, "192.0.2.60", "198.51.100.60", 30, T0 + 100 * S, &fired);
    CHECK_EQ(fired, 1); /* still quiet: the scan went on */
    behave_expire(b, T0 + 280 * S);
    CHECK_EQ(kstats(b, BEHAVE_PORT_SCAN).tracked, 1);
    behave_expire(b, T0 + 280 * S + 1);
    CHECK_EQ(kstats(b, BEHAVE_PORT_SCAN).tracked, 0);
    CHECK_EQ(kstats(b, BEHAVE_PORT_SCAN).expired, 1);
    /* Counting starts over: a new scan alerts again. */
    scan(b, "192.0.2.60", "198.51.100.60", 25, T0 + 400 * S, &fired);
    CHECK_EQ(fired, 2);
    /* Every detector's keys go in the end. */
    start(b, 6, "10.0.0.40", "203.0.113.60", 443, T0 + 400 * S);
    dns(b, "10.0.0.40", "www.example.com", T0 + 400 * S);
    behave_expire(b, T0 + 100000 * S);
    struct behave_stats s;
    behave_stats_get(b, &s);
    for (int k = 0; k < BEHAVE_MAX; k++)
        CHECK_EQ(s.kind[k].tracked, 0);
    behave_free(b);
}

static void test_bounded(void)
{
    struct behave_conf c;
    behave_conf_default(&c);
    c.port_scan.max_keys = 100;
    c.host_sweep.max_keys = 100;
    c.syn_flood.max_keys = 100;
    c.brute_force.max_keys = 100;
    c.dns_tunnel.max_keys = 100;
    c.beacon.max_keys = 100;
    struct behave *b = make(&c);
    char cli[64], srv[64], name[128];
    for (int i = 0; i < 1000; i++) {
        snprintf(cli, sizeof(cli), "10.%d.%d.1", i / 256, i % 256);
        snprintf(srv, sizeof(srv), "198.18.%d.%d", i / 256, i % 256);
        uint64_t t = T0 + (uint64_t)i * 1000;
        struct behave_flow f = tcp_refused(cli, srv, 22, t);
        behave_flow_start(b, &f, out, BEHAVE_ALERTS_PER_CALL); /* flood (by server), beacon */
        behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);   /* scan, sweep */
        f = tcp_ok(cli, 40000, srv, 22, t, 2, 3000);
        behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);   /* brute force */
        snprintf(name, sizeof(name), "www.d%d.example", i);
        dns(b, cli, name, t);
    }
    struct behave_stats s;
    behave_stats_get(b, &s);
    for (int k = 0; k < BEHAVE_MAX; k++) {
        CHECK_EQ(s.kind[k].tracked, 100);
        CHECK_EQ(s.kind[k].evicted, 900);
        CHECK_EQ(s.kind[k].alerts, 0);
    }
    /* An evicted key starts over; a live one keeps counting. */
    int fired = 0;
    scan(b, "10.3.231.1", "198.18.3.231", 25, T0 + 2 * S, &fired); /* the last source: tracked */
    CHECK_EQ(fired, 1);
    behave_free(b);
}

static void test_ipv6_and_edges(void)
{
    struct behave *b = make_default();
    int fired = 0;
    scan(b, "2001:db8::10", "2001:db8:1::20", 25, T0, &fired);
    CHECK_EQ(fired, 1);
    CHECK_EQ(out[0].ipver, 6);
    CHECK(addr_eq(&out[0].src, "2001:db8::10"));
    CHECK(addr_eq(&out[0].dst, "2001:db8:1::20"));
    CHECK_STR(out[0].detail, "25 closed or unanswered TCP ports of 2001:db8:1::20 in 0 s (threshold 25 in 60 s)");
    /* An IPv4 and an IPv6 source of the same bytes are different keys. */
    fired = 0;
    scan(b, "192.0.2.10", "198.51.100.20", 24, T0, &fired);
    CHECK_EQ(fired, 0);

    /* IPv6 host sweep (hosts hashed) and ICMPv6 echo. */
    char host[64];
    fired = 0;
    for (int h = 1; h <= 25; h++) {
        snprintf(host, sizeof(host), "2001:db8:2::%x", h);
        struct behave_flow f = tcp_unanswered("2001:db8::11", host, 22, T0 + (uint64_t)h * S);
        fired += behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
        struct behave_flow e = flow(58, "2001:db8::12", 0, host, 0, T0 + (uint64_t)h * S);
        e.icmp_type = 128;
        e.pkts[0] = 1;
        fired += behave_flow_end(b, &e, out, BEHAVE_ALERTS_PER_CALL);
    }
    CHECK_EQ(fired, 2);
    CHECK_STR(out[0].detail, "25 hosts not answering ICMPv6 echo requests in 24 s (threshold 25 in 60 s)");
    /* Multicast IPv6 targets do not count. */
    struct behave_flow m = udp("2001:db8::13", "ff02::fb", 9999, T0, false);
    CHECK_EQ(behave_flow_end(b, &m, out, BEHAVE_ALERTS_PER_CALL), 0);

    /* IPv6 DNS client and SSH brute force. */
    char name[128], label[64];
    fired = 0;
    for (int i = 0; i < 20; i++) {
        random_label(label, 40);
        snprintf(name, sizeof(name), "%s.exfil.example.gov.vn", label);
        struct behave_flow f = udp("2001:db8::14", "2001:db8::53", 53, T0 + (uint64_t)i * S, true);
        fired += behave_dns_query(b, &f, name, strlen(name), T0 + (uint64_t)i * S, out, BEHAVE_ALERTS_PER_CALL);
    }
    CHECK_EQ(fired, 1);
    CHECK_STR(out[0].key, "example.gov.vn");
    CHECK_STR(out[0].detail,
              "20 distinct long high-entropy names under example.gov.vn from 2001:db8::14 in 19 s (threshold 20 in 300 s; >= 30 characters, >= 3.30 bits)");

    /* No room in 'out': the alert is counted as dropped, and the key goes quiet. */
    fired = 0;
    for (int p = 1; p <= 25; p++) {
        struct behave_flow f = tcp_refused("192.0.2.70", "198.51.100.70", (uint16_t)p, T0);
        fired += behave_flow_end(b, &f, out, 0);
    }
    CHECK_EQ(fired, 0);
    struct behave_kind_stats ks = kstats(b, BEHAVE_PORT_SCAN);
    CHECK_EQ(ks.alerts, 2);
    CHECK_EQ(ks.alerts_dropped, 1);
    /* One flow end can raise a port scan and a host sweep at once. */
    fired = 0;
    char srv[64];
    for (int i = 1; i <= 24; i++) {
        struct behave_flow f = tcp_refused("192.0.2.80", "198.51.100.80", (uint16_t)(1000 + i), T0);
        fired += behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
        snprintf(srv, sizeof(srv), "198.51.101.%d", i);
        f = tcp_refused("192.0.2.80", srv, 1025, T0);
        fired += behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL);
    }
    CHECK_EQ(fired, 0);
    struct behave_flow f = tcp_refused("192.0.2.80", "198.51.100.80", 1025, T0);
    CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 2);
    CHECK_EQ(out[0].kind, BEHAVE_PORT_SCAN);
    CHECK_EQ(out[1].kind, BEHAVE_HOST_SWEEP);

    /* Bad input. */
    f.ipver = 5;
    CHECK_EQ(behave_flow_end(b, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    CHECK_EQ(behave_flow_start(b, NULL, out, BEHAVE_ALERTS_PER_CALL), 0);
    f.ipver = 4;
    CHECK_EQ(behave_flow_start(NULL, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    CHECK_EQ(behave_flow_end(NULL, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    CHECK_EQ(behave_tcp_established(NULL, &f, out, BEHAVE_ALERTS_PER_CALL), 0);
    CHECK_EQ(behave_dns_query(NULL, &f, "a.b.c", 5, T0, out, BEHAVE_ALERTS_PER_CALL), 0);
    CHECK_EQ(behave_auth_attempt(NULL, &f, BSVC_SSH, true, T0, out, BEHAVE_ALERTS_PER_CALL), 0);
    behave_expire(NULL, T0);
    struct behave_stats s;
    behave_stats_get(NULL, &s);
    CHECK_EQ(s.memuse, 0);
    behave_free(b);
}

/* ---------------------------------------------------------------------------------- */
/* Threads                                                                            */
/* ---------------------------------------------------------------------------------- */

struct thread_arg {
    struct behave *b;
    int id;
    int alerts[BEHAVE_MAX];
};

/* Each thread: its own port scan (one alert each), 500 SYNs to a shared server (one
 * flood alert among all four), 10 long names of a shared client and domain (one
 * tunnel alert among all four), plus expiry and stats calls in between. */
static void *hammer(void *p)
{
    struct thread_arg *ta = p;
    struct behave_alert o[BEHAVE_ALERTS_PER_CALL];
    char cli[64], name[128];
    snprintf(cli, sizeof(cli), "192.0.2.%d", 200 + ta->id);
    uint64_t seed = 0x1234567ULL * (uint64_t)(ta->id + 1);
    for (int i = 0; i < 500; i++) {
        uint64_t t = T0 + (uint64_t)i * 1000;
        int n = 0;
        if (i < 25) {
            struct behave_flow f = tcp_refused(cli, "198.51.100.200", (uint16_t)(i + 1), t);
            n = behave_flow_end(ta->b, &f, o, BEHAVE_ALERTS_PER_CALL);
            for (int j = 0; j < n; j++)
                ta->alerts[o[j].kind]++;
        }
        struct behave_flow f = syn((uint32_t)(ta->id * 1000 + i), "203.0.113.200", 80, t);
        n = behave_flow_start(ta->b, &f, o, BEHAVE_ALERTS_PER_CALL);
        for (int j = 0; j < n; j++)
            ta->alerts[o[j].kind]++;
        if (i % 50 == 0) {
            char label[64];
            static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
            for (int j = 0; j < 40; j++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                label[j] = alphabet[(seed >> 33) % 32];
            }
            label[40] = '\0';
            snprintf(name, sizeof(name), "%s.shared-tunnel.net", label);
            struct behave_flow d = udp("10.0.0.99", "10.0.0.53", 53, t, true);
            n = behave_dns_query(ta->b, &d, name, strlen(name), t, o, BEHAVE_ALERTS_PER_CALL);
            for (int j = 0; j < n; j++)
                ta->alerts[o[j].kind]++;
        }
        if (i % 100 == 0) {
            struct behave_stats s;
            behave_expire(ta->b, t);
            behave_stats_get(ta->b, &s);
        }
    }
    return NULL;
}

static void test_threads(void)
{
    struct behave_conf c;
    behave_conf_default(&c);
    struct behave *b = make(&c);
    pthread_t th[4];
    struct thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        memset(&args[i], 0, sizeof(args[i]));
        args[i].b = b;
        args[i].id = i;
        CHECK_EQ(pthread_create(&th[i], NULL, hammer, &args[i]), 0);
    }
    int total[BEHAVE_MAX] = { 0 };
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        for (int k = 0; k < BEHAVE_MAX; k++)
            total[k] += args[i].alerts[k];
        CHECK_EQ(args[i].alerts[BEHAVE_PORT_SCAN], 1);
    }
    CHECK_EQ(total[BEHAVE_PORT_SCAN], 4);
    CHECK_EQ(total[BEHAVE_SYN_FLOOD], 1);
    CHECK_EQ(total[BEHAVE_DNS_TUNNEL], 1);
    CHECK_EQ(total[BEHAVE_HOST_SWEEP], 0);
    CHECK_EQ(total[BEHAVE_BEACON], 0);
    struct behave_stats s;
    behave_stats_get(b, &s);
    CHECK_EQ(s.kind[BEHAVE_PORT_SCAN].alerts, 4);
    CHECK_EQ(s.kind[BEHAVE_SYN_FLOOD].alerts, 1);
    CHECK_EQ(s.kind[BEHAVE_SYN_FLOOD].events, 1000); /* counted up to the alert, then quiet */
    CHECK_EQ(s.kind[BEHAVE_DNS_TUNNEL].alerts, 1);
    CHECK_EQ(s.kind[BEHAVE_DNS_TUNNEL].events, 20);
    behave_free(b);
}

int main(void)
{
    test_conf();
    test_port_scan();
    test_port_scan_window();
    test_host_sweep();
    test_syn_flood();
    test_brute_force();
    test_dns_tunnel();
    test_beacon();
    test_normal_traffic();
    test_expiry();
    test_bounded();
    test_ipv6_and_edges();
    test_threads();
    return test_done("test-behave");
}
