/* The rule engine: Suricata-compatible signatures, loaded once into a read-only engine
 * shared by every worker, and evaluated per packet, per raw stream chunk and per
 * application-layer transaction by each worker with its own thread context.
 *
 * Shape (Suricata's, so rules behave as their authors expect):
 *
 *  - A rule is a header (action, protocol, addresses, ports, direction) and options.
 *    Options become match elements (struct sm) in lists: the packet list (header
 *    keywords: dsize, flags, ttl, flowbits checks ...), the payload list (content, pcre,
 *    byte_* on the packet payload or the reassembled stream), one list per
 *    application-layer buffer (http.uri, dns.query, tls.sni ...), and the post-match list
 *    (flowbits set, flowint changes), run only when the rest matched.
 *
 *  - Rules are ordered as Suricata orders them (action: pass, drop, reject, alert; then
 *    flowbits setters before readers; then priority; then load order) and the order is
 *    the rule's id. Alerts of one packet are written in that order.
 *
 *  - Prefilter: each rule contributes one fast pattern (its longest, or the one marked
 *    fast_pattern) to the Hyperscan database of its group: protocol class x direction x
 *    buffer. Only rules whose pattern was found, plus the group's rules without a
 *    pattern, are evaluated in full. IP-only rules (addresses and nothing else) are
 *    looked up by address, on the first packet of each direction of a flow.
 *
 *  - Transactions: a rule with application-layer buffers is evaluated on a transaction
 *    when the buffers it needs are parsed, and fires at most once per transaction.
 *
 * Threading: struct detect_engine is immutable after detect_engine_load and shared;
 * each worker has a struct detect_thread; per-flow state lives in struct detect_flow
 * (f->detect), owned by the flow's worker; thresholds tracked by address are the only
 * shared mutable state (striped locks, taken only when a thresholded rule matched). */
#ifndef CANH_DETECT_H
#define CANH_DETECT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "decode/decode.h"
#include "flow/flow.h"
#include "util/util-common.h"

/* Caps, each with its reason. */
#define DETECT_RULE_MAX_LEN (64 * 1024)  /* one rule, continuation lines joined; ET's longest is ~8 KiB */
#define DETECT_MAX_OPTIONS 256           /* options in one rule */
#define DETECT_MAX_BYTEVARS 8            /* byte_extract/byte_math variables per rule (Suricata: 15 per buffer) */
#define DETECT_PACKET_ALERT_MAX 15       /* alerts written per packet (Suricata's packet-alert-max) */
#define DETECT_RECURSION_LIMIT 3000      /* content inspection backtracking steps per buffer */
#define DETECT_PAYLOAD_MAX 8192      /* bytes of payload copied into an alert (base64 fits EVE_SCRATCH_SIZE) */

/* Rule actions. Canh is passive: drop and reject are logged as alerts, with the action
 * recorded. */
enum detect_action {
    DETECT_ACTION_PASS = 0,
    DETECT_ACTION_DROP,
    DETECT_ACTION_REJECT,
    DETECT_ACTION_ALERT,
};

/* Application-layer protocols a rule can name (header or app-layer-protocol). */
enum alproto {
    ALPROTO_UNKNOWN = 0,
    ALPROTO_HTTP,
    ALPROTO_TLS,
    ALPROTO_DNS,
    ALPROTO_SSH,
    ALPROTO_FTP,
    ALPROTO_FTP_DATA,
    ALPROTO_SMTP,
    ALPROTO_IMAP,
    ALPROTO_POP3,
    ALPROTO_SMB,
    ALPROTO_DCERPC,
    ALPROTO_NFS,
    ALPROTO_NTP,
    ALPROTO_TFTP,
    ALPROTO_KRB5,
    ALPROTO_SNMP,
    ALPROTO_SIP,
    ALPROTO_RDP,
    ALPROTO_DHCP,
    ALPROTO_MODBUS,
    ALPROTO_DNP3,
    ALPROTO_ENIP,
    ALPROTO_MQTT,
    ALPROTO_HTTP2,
    ALPROTO_IKE,
    ALPROTO_RFB,
    ALPROTO_TELNET,
    ALPROTO_IRC,
    ALPROTO_FAILED, /* detection ran and found nothing ("failed" in app-layer-protocol) */
    ALPROTO_MAX
};

const char *alproto_name(int alproto);
/* ALPROTO_UNKNOWN when 'name' is not a protocol Canh knows. */
int alproto_by_name(const char *name);

/* ---------------------------------------------------------------------------------- */
/* Loading                                                                            */
/* ---------------------------------------------------------------------------------- */

/* A variable (address or port group) from the configuration. */
struct detect_var {
    const char *name;  /* without '$' */
    const char *value;
    bool port;         /* a port group */
};

/* What one load reports (also for --test-rules). */
struct detect_load_stats {
    uint32_t files;
    uint32_t rules_total;     /* rule lines read (not comments) */
    uint32_t loaded;
    uint32_t skipped;         /* bad or unsupported: reported with file:line:sid:reason */
    uint32_t duplicates;      /* same gid:sid loaded twice: the later one wins (reported) */
    uint32_t no_fast_pattern; /* loaded rules without a prefilter pattern */
    uint32_t iponly;          /* loaded rules looked up by address only */
    uint32_t packet, stream, tx; /* loaded rules by what they inspect */
    double load_seconds;
    uint64_t memuse;          /* engine memory: rules, patterns, databases */
};

struct detect_load_conf {
    const char *const *files;   /* rule files, globs already expanded */
    unsigned nfiles;
    const struct detect_var *vars;
    unsigned nvars;
    const char *classification_file; /* "" or NULL: none */
    const char *reference_file;
    const char *threshold_file;
    FILE *report;               /* where skipped rules are reported (stderr) */
    bool quiet;                 /* only count, do not print each skipped rule */
    unsigned alert_max;         /* per packet, <= DETECT_PACKET_ALERT_MAX */
};

/* Loads every rule file; rules that cannot be loaded are reported (FILE:LINE: reason in
 * sid N (rule skipped)) and skipped. Returns NULL only when nothing usable can be built
 * (a file that cannot be read, out of memory, Hyperscan failure), with the reason in
 * errbuf. 'st' is filled in either case. */
struct detect_engine *detect_engine_load(const struct detect_load_conf *c,
                                         struct detect_load_stats *st,
                                         char errbuf[CANH_ERRBUF_SIZE]);
void detect_engine_free(struct detect_engine *de);
/* Number of rules loaded. */
uint32_t detect_engine_rules(const struct detect_engine *de);
/* Does any rule inspect the raw stream? (the stream stage keeps data for it) */
bool detect_engine_needs_raw_stream(const struct detect_engine *de);
/* Prints the prefilter groups: patterns, always-run rules, database size. */
void detect_engine_print_groups(const struct detect_engine *de, FILE *out);
/* Prints the rules without a fast pattern (sid and message), for the load report. */
void detect_engine_print_unprefiltered(const struct detect_engine *de, FILE *out, unsigned max);

/* ---------------------------------------------------------------------------------- */
/* Per worker                                                                         */
/* ---------------------------------------------------------------------------------- */

struct detect_stats {
    uint64_t packets;        /* packets inspected */
    uint64_t stream_chunks;  /* raw stream inspections */
    uint64_t txs;            /* transaction inspections */
    uint64_t candidates;     /* rules evaluated in full */
    uint64_t alerts;         /* alerts written */
    uint64_t alerts_suppressed; /* matched but held back by threshold/suppress/noalert */
    uint64_t alert_max;      /* alerts beyond packet-alert-max on one packet */
    uint64_t recursion_limit;/* inspections stopped by the backtracking limit */
};

struct detect_thread *detect_thread_new(const struct detect_engine *de,
                                        char errbuf[CANH_ERRBUF_SIZE]);
void detect_thread_free(struct detect_thread *dt);
const struct detect_stats *detect_thread_stats(const struct detect_thread *dt);

/* Frees the detection state of flow 'f' (f->detect); returns the bytes it held. */
int64_t detect_flow_free(struct flow *f);

#endif
