/* Flows: the bidirectional 5-tuple (plus VLAN ids) of the packets a worker sees.
 *
 * Each worker owns one flow table; a flow's packets always reach the same worker, so no
 * lock is taken. A flow ends on its idle timeout (per protocol and TCP state), when the
 * table's memcap forces the oldest out, when a closed TCP connection's ports are reused,
 * or at shutdown; the table then calls the owner's end callback, which writes the flow
 * event, before freeing it. */
#ifndef CANH_FLOW_H
#define CANH_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/decode.h"

struct ndpi_flow_struct;
struct applayer_flow;
struct stream_session;
struct detect_flow;

enum flow_end_reason {
    FLOW_END_TIMEOUT = 0,
    FLOW_END_FORCED,    /* evicted to stay within the memcap */
    FLOW_END_SHUTDOWN,
    FLOW_END_TCP_REUSE, /* a new SYN on a closed connection's 5-tuple */
};

/* Timeout classes: each has its own idle timeout. */
enum flow_tclass {
    FLOW_TC_TCP_NEW = 0,
    FLOW_TC_TCP_ESTABLISHED,
    FLOW_TC_TCP_CLOSED,
    FLOW_TC_UDP,
    FLOW_TC_ICMP,
    FLOW_TC_OTHER,
    FLOW_TC_MAX
};

enum flow_tcp_state {
    FLOW_TCP_NONE = 0,  /* picked up without a SYN */
    FLOW_TCP_SYN_SENT,
    FLOW_TCP_SYN_RECV,
    FLOW_TCP_ESTABLISHED,
    FLOW_TCP_FIN_WAIT,  /* one side sent FIN */
    FLOW_TCP_CLOSED,    /* FIN both ways, or RST */
};

/* Normalised key: endpoint 0 is the lower (address, port), so both directions of a
 * connection give the same key. Padding is zero so the key can be hashed and compared
 * as bytes. */
struct flow_key {
    struct canh_addr addr[2];
    uint16_t port[2];
    uint16_t vlan[2];
    uint8_t proto;
    uint8_t ipver;
    uint8_t pad[6];
};

/* Direction of a packet within its flow. */
enum { FLOW_TO_SERVER = 0, FLOW_TO_CLIENT = 1 };

enum dpi_state {
    DPI_NONE = 0, /* not started */
    DPI_RUNNING,  /* nDPI state allocated, packets being fed */
    DPI_DONE,     /* result final, nDPI state freed */
};

struct flow {
    struct flow *hnext;          /* hash chain */
    struct flow *wnext;          /* timer wheel slot list */
    struct flow **wpprev;        /* the pointer that points at this flow in its slot */
    uint64_t wsec;               /* second of the slot it is filed under */
    struct flow_key key;
    uint32_t hash;
    uint8_t client;              /* key endpoint (0 or 1) that opened the flow */
    uint8_t tclass;              /* enum flow_tclass */
    uint8_t tcp_state;           /* enum flow_tcp_state */
    uint8_t tcp_flags[2];        /* flags seen to server / to client */
    uint8_t icmp_type, icmp_code;/* of the first packet */
    uint8_t dpi_state;           /* enum dpi_state */
    uint16_t dpi_packets;
    uint16_t ndpi_master, ndpi_app, ndpi_category;
    uint8_t ndpi_confidence;
    uint64_t ndpi_risk;
    uint64_t pkts[2], bytes[2];  /* to server, to client (wire bytes) */
    uint64_t first_us, last_us;
    struct ndpi_flow_struct *ndpi; /* while dpi_state == DPI_RUNNING */
    struct applayer_flow *app;   /* Canh's app-layer parsers' state, when a parser needs any */
    struct stream_session *stream; /* TCP reassembly (stream/), NULL when none */
    struct detect_flow *detect;  /* rule engine state (flowbits, flowints, per-tx alerts), NULL when none */
    uint8_t alproto;             /* application protocol for rules (enum alproto, detect/detect.h) */
    uint8_t iponly_done;         /* IP-only rules ran for direction d: bit (1 << d) */
    bool no_payload_inspect;     /* payload and raw stream no longer inspected (encrypted
                                    TLS, as Suricata's default encryption-handling) */
    uint8_t ioc_done;            /* threat-intelligence checks done once per flow (detect-ioc.c) */
    uint32_t ioc_last;           /* hash of the last listed name alerted in this flow */
    uint8_t yara_skip_checked;   /* YARA learnt the stream is encrypted */
    uint64_t yara_scanned;       /* bytes YARA scanned for the flow (its budget) */
    struct yara_flow *yara;      /* stream starts collected for YARA (detect-yara.c), or NULL */
    uint8_t eng_bits;            /* behaviour: start and handshake told (worker-engines.c) */
    uint8_t pii_out;             /* personal data: 1 + the direction leaving HOME_NET, 3 none, 0 unknown */
    uint64_t eng_http_next[2];   /* HTTP transactions below this id were seen whole, per direction */
    struct pii_result *pii;      /* personal data counted in the flow, or NULL */
};

struct flow_table_conf {
    bool ignore_vlan;     /* VLAN ids are not part of the key (vlan.use-for-tracking: no) */
    uint64_t memcap;
    uint32_t hash_size;
    uint64_t timeout_us[FLOW_TC_MAX];
};

struct flow_stats {
    uint64_t created, ended;
    uint64_t active;
    uint64_t memuse;            /* flow records, buckets and accounted DPI state */
    uint64_t timeouts, forced, tcp_reuse, shutdown;
    uint64_t memcap_drops;      /* packets not tracked: no memory even after eviction */
    uint64_t tcp, udp, icmp, other;
};

typedef void (*flow_end_fn)(void *ctx, struct flow *f, enum flow_end_reason reason);

/* Creates a table whose ended flows are passed to on_end(ctx, ...) just before being
 * freed. Returns NULL with the reason in errbuf. */
struct flow_table *flow_table_new(const struct flow_table_conf *conf, flow_end_fn on_end,
                                  void *ctx, char errbuf[CANH_ERRBUF_SIZE]);
/* Frees every flow without calling on_end (use flow_table_flush first). Accepts NULL. */
void flow_table_free(struct flow_table *t);
const struct flow_stats *flow_table_stats(const struct flow_table *t);

/* Finds the flow of 'p' (which must have an IP layer) or starts one, and accounts the
 * packet to it: counters, TCP state, timeout class. Sets *dir to FLOW_TO_SERVER or
 * FLOW_TO_CLIENT. Returns NULL (counted) when the memcap leaves no room. */
struct flow *flow_table_packet(struct flow_table *t, const struct packet *p, int *dir);

/* Ends every flow idle for longer than its timeout at 'now_us'. */
void flow_table_timeout(struct flow_table *t, uint64_t now_us);
/* Ends every flow (shutdown). */
void flow_table_flush(struct flow_table *t);

/* Adds (or, negative, removes) memory held on behalf of a flow, e.g. DPI state, so it
 * counts against the memcap. */
void flow_table_account(struct flow_table *t, int64_t bytes);

/* Properties for events. */
bool flow_is_established(const struct flow *f);
const char *flow_state_name(const struct flow *f);      /* "new", "established", "closed" */
const char *flow_tcp_state_name(const struct flow *f);  /* Suricata's names */
const char *flow_end_reason_name(enum flow_end_reason r);
/* Suricata-style numeric flow id: stable for the flow's key and start time, < 2^51. */
uint64_t flow_id(const struct flow *f);
/* Client and server endpoints. */
static inline const struct canh_addr *flow_client_addr(const struct flow *f)
{
    return &f->key.addr[f->client];
}
static inline const struct canh_addr *flow_server_addr(const struct flow *f)
{
    return &f->key.addr[!f->client];
}
static inline uint16_t flow_client_port(const struct flow *f)
{
    return f->key.port[f->client];
}
static inline uint16_t flow_server_port(const struct flow *f)
{
    return f->key.port[!f->client];
}

/* Community ID v1 (https://github.com/corelight/community-id-spec) with seed 0:
 * "1:" + base64(SHA-1(...)), 28 characters plus NUL. */
#define COMMUNITY_ID_LEN 32
void flow_community_id(const struct flow *f, char out[COMMUNITY_ID_LEN]);

/* TCP state tracking (flow-tcp.c). */
void flow_tcp_update(struct flow *f, const struct packet *p, int dir);

#endif
