/* Behaviour detectors: attacks seen in the shape of traffic rather than in its bytes.
 *
 *   port scan     one source, many distinct ports of one host that failed to connect
 *                 (Zeek's scan.zeek counts the same way: failed attempts only)
 *   host sweep    one source, one port (or ICMP echo), many hosts that failed to answer
 *   SYN flood     many SYNs to one host:port in a short window, few handshakes completed
 *   brute force   one source, one server's login service, many short connections or
 *                 many failed logins
 *   DNS tunnel    one client, one registered domain, many distinct long high-entropy
 *                 names under it, or very many distinct names under it
 *   beaconing     one source, one host:port, connections started at regular intervals
 *
 * The workers report flows (start, handshake, end) and a few application events (DNS
 * queries, login attempts); never packets. One struct behave is shared by all workers,
 * because the flows of one source are spread over workers by 5-tuple hash and only a
 * global count sees a scan: one mutex protects it, taken once per event for a hash
 * lookup and a bounded update (name parsing and entropy are computed before it).
 *
 * Memory is fixed at behave_new: each detector has a table of at most max_keys tracked
 * keys, with each key's state preallocated (sizes below); nothing is allocated per event.
 * When a table is full the least recently updated key is evicted (counted in stats).
 * Keys idle past their window (plus flow_end_delay_s, see below) are dropped by
 * behave_expire.
 *
 * Windows slide: a key counts the events of the last window_s seconds before its newest
 * event (times are the events' own timestamps, i.e. packet time, so a pcap replays as it
 * was captured). An alert is raised when a count reaches its threshold; the key then
 * stays quiet (counts nothing, alerts no more) until it is expired or evicted, so a long
 * scan gives one alert, not one per event.
 *
 * Assumptions: the sensor sees both directions of traffic (on a one-way tap every
 * connection looks unanswered; TCP attempts that sent more than BEHAVE_ATTEMPT_MAX_PKTS
 * packets are not counted as failed, which keeps most one-sided flows out, but not all).
 *
 * SIDs (gid 1): port scan 8806001, host sweep 8806002, SYN flood 8806003, brute force
 * 8806010 + service (ssh 8806010, rdp ..11, ftp ..12, smtp ..13, imap ..14, pop3 ..15,
 * http ..16), DNS tunnelling 8806020, beaconing 8806030. */
#ifndef CANH_DETECT_BEHAVE_H
#define CANH_DETECT_BEHAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "util/util-common.h"

/* ---------------------------------------------------------------------------------- */
/* Limits                                                                             */
/* ---------------------------------------------------------------------------------- */

#define BEHAVE_SET_MAX 4096            /* largest count threshold: each counted item costs 8 bytes per key */
#define BEHAVE_KEYS_MAX (1u << 22)     /* largest max_keys of one detector (4 M) */
#define BEHAVE_WINDOW_MAX 86400        /* longest window, seconds: a day */
#define BEHAVE_ATTEMPT_MAX_PKTS 8      /* a failed TCP/UDP attempt sent at most this many packets
                                          (a SYN and Linux's 6 retransmissions is 7); more means a
                                          conversation seen from one side, not a probe */
#define BEHAVE_FLOOD_SLOTS 10          /* the SYN flood window is kept as this many slots */
#define BEHAVE_BEACON_HISTORY 16       /* connection start times kept per beacon key */
#define BEHAVE_BEACON_MERGE_US 2000000 /* starts within 2 s of a kept one are one check-in
                                          (a beacon may open two connections each time) */
#define BEHAVE_IGNORE_PORTS_MAX 16     /* beacon.ignore_ports */
#define BEHAVE_IGNORE_DOMAINS_MAX 256  /* dns_tunnel.ignore_domains */
#define BEHAVE_DOMAIN_MAX 253          /* longest DNS name handled (RFC 1035 2.3.4 in text form) */
#define BEHAVE_EXPIRE_BATCH 4096       /* keys dropped per table per behave_expire call: bounds
                                          the time the lock is held; the rest go next call */
#define BEHAVE_ALERTS_PER_CALL 2       /* most alerts one entry point can raise (flow start: SYN
                                          flood and beacon; flow end: port scan and host sweep);
                                          size 'out' for it */

enum behave_kind {
    BEHAVE_PORT_SCAN = 0,
    BEHAVE_HOST_SWEEP,
    BEHAVE_SYN_FLOOD,
    BEHAVE_BRUTE_FORCE,
    BEHAVE_DNS_TUNNEL,
    BEHAVE_BEACON,
    BEHAVE_MAX
};

/* Login services watched for brute force. The order fixes the SIDs (8806010 + value). */
enum behave_service {
    BSVC_SSH = 0,
    BSVC_RDP,
    BSVC_FTP,
    BSVC_SMTP,
    BSVC_IMAP,
    BSVC_POP3,
    BSVC_HTTP,
    BSVC_MAX /* none */
};

#define BSVC_BIT(s) (1u << (s))

/* "port-scan", "host-sweep", "syn-flood", "brute-force", "dns-tunnel", "beacon"; "?" otherwise. */
const char *behave_kind_name(enum behave_kind k);
/* "ssh", "rdp", "ftp", "smtp", "imap", "pop3", "http"; "" for BSVC_MAX. */
const char *behave_service_name(enum behave_service s);
/* Login service of a TCP server port: 22 ssh, 3389 rdp, 21 ftp, 25/465/587 smtp,
 * 143/993 imap, 110/995 pop3; BSVC_MAX otherwise (and for other protocols). HTTP logins
 * are recognised by the caller from URLs and responses, not by port. */
enum behave_service behave_service_of_port(uint8_t proto, uint16_t port);

/* ---------------------------------------------------------------------------------- */
/* Configuration                                                                      */
/* ---------------------------------------------------------------------------------- */

/* Every detector has: enabled; severity 1 (highest) .. 4; window_s 1 .. 86400; max_keys
 * 1 .. BEHAVE_KEYS_MAX (memory per key given below, plus about 88 bytes of bookkeeping;
 * about 50 MiB in all with the defaults, see behave_conf_memuse).
 * The defaults (behave_conf_default) are chosen so that an office browsing the web, a
 * NAT gateway in front of it and the clients of a DNS resolver do not fire; the reason
 * for each is given with it. Integers only (no floating point), so each maps onto one
 * configuration row. */
struct behave_conf {
    /* Failed connection attempts (TCP: SYN seen, not established, or refused by RST; UDP:
     * no reply packet) from one source to distinct ports of one host, per protocol.
     * Counted at flow end at the flow's start time. UDP to 53, 123, 137, 138, 443
     * (QUIC, often blocked), 1900, 5353 and the traceroute ports 33434-33534, and
     * attempts to multicast or broadcast addresses, are not counted: they fail by design.
     * Default 25 ports in 60 s (Zeek: 15 in 5 min): normal clients fail on one or two
     * ports of a host, not dozens. Per key: 16 + 8 * min_ports bytes. */
    struct {
        bool enabled;          /* default true */
        uint8_t severity;      /* default 3 */
        uint32_t window_s;     /* default 60 */
        uint32_t max_keys;     /* default 16384 (source, host, protocol) */
        uint32_t min_ports;    /* alert at this many distinct ports, 2 .. BEHAVE_SET_MAX; default 25 */
    } port_scan;

    /* Failed attempts (as for port_scan) from one source to one port of distinct hosts;
     * ICMP and ICMPv6 echo requests without reply count too (port 0). Default 25 hosts
     * in 60 s (Zeek: 25 in 5 min). A NAT gateway adds up its users' failures: tens of
     * dead servers a minute on one port from one address is still unusual. Per key: 16 +
     * 8 * min_hosts bytes. */
    struct {
        bool enabled;          /* default true */
        uint8_t severity;      /* default 3 */
        uint32_t window_s;     /* default 60 */
        uint32_t max_keys;     /* default 16384 (source, protocol, port) */
        uint32_t min_hosts;    /* alert at this many distinct hosts, 2 .. BEHAVE_SET_MAX; default 25 */
    } host_sweep;

    /* TCP flows starting with a SYN to one host:port, alerted when min_syns arrived within
     * the window and fewer than max_established_pct percent of them completed the
     * handshake. Default 1000 in 10 s (100 new connections a second) and under 20 %
     * completed: a busy server takes that many, but completes nearly all of them.
     * Per key: 128 bytes (BEHAVE_FLOOD_SLOTS slots of window_s / 10 each, so the window
     * slides by a tenth). */
    struct {
        bool enabled;                 /* default true */
        uint8_t severity;             /* default 2 */
        uint32_t window_s;            /* default 10 */
        uint32_t max_keys;            /* default 16384 (host, port) */
        uint32_t min_syns;            /* 1 .. 10000000; default 1000 */
        uint32_t max_established_pct; /* 1 .. 100; default 20 */
    } syn_flood;

    /* From one source to one server's login service: short connections (established,
     * at most short_max_duration_s long, at most short_max_client_bytes sent by the
     * client: one or a few login tries, then closed) on the services in
     * short_conn_services, or failed logins reported by behave_auth_attempt on any
     * service. Default 20 short connections or 10 failed logins in 120 s. Short
     * connections count for SSH, RDP and FTP only: mail clients and web browsers open
     * many short connections normally, so SMTP, IMAP, POP3 and HTTP need failed logins.
     * Per key: 32 + 8 * (min_short_conns + min_failed_auths) bytes. */
    struct {
        bool enabled;                    /* default true */
        uint8_t severity;                /* default 2 */
        uint32_t window_s;               /* default 120 */
        uint32_t max_keys;               /* default 8192 (source, server, service) */
        uint32_t min_short_conns;        /* 2 .. BEHAVE_SET_MAX; default 20 */
        uint32_t min_failed_auths;       /* 2 .. BEHAVE_SET_MAX; default 10 */
        uint32_t short_max_duration_s;   /* 1 .. 3600; default 30 */
        uint64_t short_max_client_bytes; /* wire bytes, 1 .. 1 GiB; default 65536 */
        uint32_t short_conn_services;    /* BSVC_BIT()s; default ssh | rdp | ftp */
    } brute_force;

    /* Per (client, registered domain): distinct query names whose subdomain part (left of
     * the registered domain) is at least long_min_len characters long and whose
     * characters (dots excluded) have a Shannon entropy of at least min_entropy_cbits
     * hundredths of a bit; or distinct subdomains of any kind. The registered domain is
     * the last two labels, three under a generic second level of a two-letter country
     * code (com.vn, gov.vn, edu.vn, co.uk, ...).
     * Defaults: 20 long names or 300 names in 300 s; long is >= 30 characters, entropy
     * >= 3.30 bits. Tunnels (iodine, dnscat2, Cobalt Strike's DNS channel) send every
     * query with a new name of 30-250 characters; random hex of 30 characters scores
     * 3.2-3.9 bits and base32 3.5-4.5, but so do hyphenated words (cloud host names,
     * Kubernetes search-path names score 3.8-4.5): entropy only drops repetitive names,
     * and what keeps normal clients out is distinctness per domain and window: a client
     * asks a few long names of a domain (an ELB, a CDN node), again and again, not 20
     * different ones in 5 minutes. The names under ignore_domains (by default: .arpa,
     * .local, and the reputation services that answer queries of hashes by design:
     * Spamhaus, SURBL, URIBL, SpamCop, SORBS, Barracuda, DNSWL, Mailspike, Team Cymru,
     * Sophos, McAfee, ESET) are not counted. A web proxy or the resolver itself (when the
     * sensor sees its queries upstream) resolves for many users and can exceed 300 names
     * of a big domain: raise min_distinct_names there.
     * Per key: 32 + 8 * (min_long_names + min_distinct_names) bytes (2.6 KB by default). */
    struct {
        bool enabled;                       /* default true */
        uint8_t severity;                   /* default 2 */
        uint32_t window_s;                  /* default 300 */
        uint32_t max_keys;                  /* default 8192 (client, registered domain) */
        uint32_t min_long_names;            /* 2 .. BEHAVE_SET_MAX; default 20 */
        uint32_t min_distinct_names;        /* 2 .. BEHAVE_SET_MAX; default 300 */
        uint32_t long_min_len;              /* 8 .. 253; default 30 */
        uint32_t min_entropy_cbits;         /* 0 .. 600 (hundredths of a bit); default 330 */
        const char *const *ignore_domains;  /* suffixes, matched at a label boundary, in any
                                               case; copied by behave_new; default a
                                               built-in list (above) */
        unsigned n_ignore_domains;          /* 0 .. BEHAVE_IGNORE_DOMAINS_MAX */
    } dns_tunnel;

    /* Per (source, host, protocol, port), TCP and UDP: the start times of the last
     * BEHAVE_BEACON_HISTORY connections (starts within 2 s of each other are one). Alert
     * once at least min_conns starts are kept, their intervals' standard deviation is at
     * most max_jitter_pct percent of their mean (coefficient of variation), and the mean
     * lies between min_interval_s and max_interval_s. A key idle for window_s is
     * forgotten (and may alert again). Defaults: 8 starts, 10 % jitter, 10 s .. 3600 s,
     * window 7200 s: a C2 implant's 20 % jitter (uniform) gives 6 %; people are not
     * regular within 10 %; faster than 10 s is a burst or a retry loop, not a beacon.
     * Periodic services by design are on ignore_ports: DNS 53, NTP 123, SNMP 161, mDNS
     * 5353, and POP3/IMAP 110, 143, 993, 995 (mail clients poll every few minutes) by
     * default. Other software polls on a fixed period too (update and licence checks,
     * monitoring agents, health checks, Prometheus without keep-alive): each alerts once
     * per (source, target) and is best tuned away by address at the collector.
     * Per key: 136 bytes. */
    struct {
        bool enabled;                   /* default true */
        uint8_t severity;               /* default 3 */
        uint32_t window_s;              /* max_interval_s .. 86400; default 7200 */
        uint32_t max_keys;              /* default 65536 (source, host, protocol, port) */
        uint32_t min_conns;             /* 3 .. BEHAVE_BEACON_HISTORY; default 8 */
        uint32_t max_jitter_pct;        /* 1 .. 100; default 10 */
        uint32_t min_interval_s;        /* 1 .. 86400; default 10 */
        uint32_t max_interval_s;        /* min_interval_s .. 86400; default 3600 */
        uint16_t ignore_ports[BEHAVE_IGNORE_PORTS_MAX]; /* destination ports not tracked */
        unsigned n_ignore_ports;        /* default 8: 53, 123, 161, 5353, 110, 143, 993, 995 */
    } beacon;

    /* Flows end (and reach behave_flow_end) up to the flow table's idle timeout after
     * their last packet: keys are kept this much longer than their window so that late
     * flow ends still count. 0 .. 3600; default 120 (flow.timeouts.udp). */
    uint32_t flow_end_delay_s;
};

/* Fills 'c' with the defaults documented above. */
void behave_conf_default(struct behave_conf *c);
/* CANH_OK, or CANH_ERR with a message naming the field, its value and its range in
 * errbuf. Disabled detectors are checked too (so enabling one later cannot surprise). */
int behave_conf_check(const struct behave_conf *c, char errbuf[CANH_ERRBUF_SIZE]);
/* Bytes behave_new allocates for 'c' (tables of enabled detectors only). */
size_t behave_conf_memuse(const struct behave_conf *c);

/* ---------------------------------------------------------------------------------- */
/* Events in, alerts out                                                              */
/* ---------------------------------------------------------------------------------- */

/* A flow as the detectors see it (filled by the worker from struct flow). */
struct behave_flow {
    uint8_t ipver;                 /* 4 or 6; other values are ignored */
    uint8_t proto;                 /* IP protocol: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ... */
    uint8_t icmp_type;             /* ICMP/ICMPv6: type of the first packet (echo request is
                                      8 / 128); 0 otherwise */
    struct canh_addr client;       /* the side that opened the flow (IPv4 in the first 4 bytes) */
    struct canh_addr server;
    uint16_t cport, sport;         /* client and server ports; 0 for ICMP */
    uint64_t first_us, last_us;    /* first and last packet, microseconds since the epoch */
    uint64_t pkts[2], bytes[2];    /* [0] to server, [1] to client (wire bytes) */
    bool syn;                      /* TCP, and the first packet was a SYN without ACK */
    bool established;              /* TCP 3-way handshake completed */
    bool rejected;                 /* TCP answered by RST before established */
};

struct behave_alert {
    enum behave_kind kind;
    uint32_t sid;                  /* see the top of this file */
    uint8_t severity;              /* 1 (highest) .. 4, from the configuration */
    const char *signature;         /* "Canh behaviour: port scan", ...; static */
    const char *category;          /* Suricata classification text; static */
    const char *mitre_technique;   /* "T1046", ...; static */
    const char *mitre_tactic;      /* "Discovery", ...; static */
    uint8_t ipver, proto;          /* proto: of the flow whose event crossed the threshold */
    struct canh_addr src;          /* the scanner, client, attacker; for a SYN flood, the source
                                      of the SYN that crossed the threshold (has_src false) */
    struct canh_addr dst;          /* the target host; for a host sweep, the last host; for a DNS
                                      tunnel, the DNS server of the last query (the domain is in
                                      'key'); has_dst false for these two */
    bool has_src;                  /* src is the one source of everything counted */
    bool has_dst;                  /* dst is the one destination of everything counted */
    uint16_t dport;                /* the one destination port (DNS tunnel: of the last query);
                                      0 when not one port (port scan, ICMP) */
    uint64_t count;                /* what was counted (ports, hosts, SYNs, connections or
                                      failed logins, names, beacon starts) */
    uint64_t threshold;            /* the configured count it reached */
    uint32_t window_s;             /* the configured window */
    uint64_t first_us, last_us;    /* times of the first and last counted event (ms precision;
                                      SYN flood: first_us is the start of the oldest slot) */
    enum behave_service svc;       /* brute force: the service; BSVC_MAX otherwise */
    char key[256];                 /* what the counting was about: the registered domain (DNS),
                                      the ports in ascending order (port scan, cut to fit),
                                      the service name (brute force); "" otherwise */
    char detail[256];              /* one sentence, e.g. "25 closed or unanswered TCP ports of
                                      198.51.100.20 in 12 s (threshold 25 in 60 s)" */
};

struct behave_kind_stats {
    uint64_t tracked;        /* keys held now (<= max_keys) */
    uint64_t evicted;        /* keys dropped to make room (table full) */
    uint64_t expired;        /* keys dropped by behave_expire (idle past the window) */
    uint64_t events;         /* events this detector counted (not those reaching a quiet key) */
    uint64_t alerts;         /* alerts raised */
    uint64_t alerts_dropped; /* alerts raised with no room left in 'out' (lost) */
};

struct behave_stats {
    struct behave_kind_stats kind[BEHAVE_MAX];
    uint64_t memuse;         /* bytes allocated by behave_new */
};

struct behave;

/* Checks 'c' (behave_conf_check) and allocates every table. Returns NULL with the
 * reason in errbuf. Nothing in 'c' is referenced after it returns. */
struct behave *behave_new(const struct behave_conf *c, char errbuf[CANH_ERRBUF_SIZE]);
/* Accepts NULL. */
void behave_free(struct behave *b);

/* Entry points: thread-safe; each returns the number of alerts written to out[0 ..
 * max - 1] (0 .. BEHAVE_ALERTS_PER_CALL); alerts beyond 'max' are counted as dropped.
 * 'b' may be NULL (returns 0), so a sensor with the detectors off need not test. */

/* A flow's first packet (SYN flood, beaconing). */
int behave_flow_start(struct behave *b, const struct behave_flow *f, struct behave_alert *out, int max);
/* A TCP flow completed its 3-way handshake (SYN flood). */
int behave_tcp_established(struct behave *b, const struct behave_flow *f, struct behave_alert *out,
                           int max);
/* A flow ended (port scan, host sweep, brute force by short connections). */
int behave_flow_end(struct behave *b, const struct behave_flow *f, struct behave_alert *out, int max);
/* A DNS query for 'name' ('len' bytes, not necessarily NUL-terminated; a trailing dot is
 * allowed; any case) sent by f->client at 'ts_us' (DNS tunnelling). */
int behave_dns_query(struct behave *b, const struct behave_flow *f, const char *name, size_t len,
                     uint64_t ts_us, struct behave_alert *out, int max);
/* A login attempt by f->client on f->server's service 'svc' at 'ts_us'; only failed
 * ones count (brute force). The caller decides what failed means: SSH is encrypted (use
 * short connections), FTP 530, SMTP 535, IMAP NO/BAD to LOGIN or AUTHENTICATE, POP3 -ERR
 * to PASS, HTTP 401/403 to a request with credentials or a login form POST answered by
 * the form again. For HTTP every failed attempt counts, whichever URL it went to. */
int behave_auth_attempt(struct behave *b, const struct behave_flow *f, enum behave_service svc, bool failed,
                        uint64_t ts_us, struct behave_alert *out, int max);

/* Drops keys idle (by event time) for longer than their window plus flow_end_delay_s
 * at 'now_us' (packet time), at most BEHAVE_EXPIRE_BATCH per detector per call. Meant
 * to be called about once a second by each worker. */
void behave_expire(struct behave *b, uint64_t now_us);

/* A consistent copy of the counters. */
void behave_stats_get(struct behave *b, struct behave_stats *s);

#endif
