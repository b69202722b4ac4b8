/* The rule engine's internal types, shared by the files of sensor/detect/ only.
 * See detect.h for the model. */
#ifndef CANH_DETECT_INT_H
#define CANH_DETECT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "detect/detect.h"

struct addr_set;
struct port_set;
struct spm;
struct mpm;

/* ---------------------------------------------------------------------------------- */
/* Buffers                                                                            */
/* ---------------------------------------------------------------------------------- */

/* What a list of content-like match elements inspects. DETECT_BUF_PAYLOAD is the
 * packet payload or the reassembled stream; the others are application-layer buffers
 * (detect-buffer.c has the table of names, protocols and directions). */
enum detect_buf {
    DETECT_BUF_PAYLOAD = 0,
    DETECT_BUF_HTTP_URI,
    DETECT_BUF_HTTP_URI_RAW,
    DETECT_BUF_HTTP_METHOD,
    DETECT_BUF_HTTP_PROTOCOL,
    DETECT_BUF_HTTP_REQUEST_LINE,
    DETECT_BUF_HTTP_HOST,
    DETECT_BUF_HTTP_HOST_RAW,
    DETECT_BUF_HTTP_USER_AGENT,
    DETECT_BUF_HTTP_HEADER,
    DETECT_BUF_HTTP_HEADER_RAW,
    DETECT_BUF_HTTP_HEADER_NAMES,
    DETECT_BUF_HTTP_COOKIE,
    DETECT_BUF_HTTP_CONTENT_TYPE,
    DETECT_BUF_HTTP_CONTENT_LEN,
    DETECT_BUF_HTTP_REFERER,
    DETECT_BUF_HTTP_ACCEPT,
    DETECT_BUF_HTTP_ACCEPT_ENC,
    DETECT_BUF_HTTP_ACCEPT_LANG,
    DETECT_BUF_HTTP_CONNECTION,
    DETECT_BUF_HTTP_START,
    DETECT_BUF_HTTP_REQUEST_BODY,
    DETECT_BUF_HTTP_STAT_CODE,
    DETECT_BUF_HTTP_STAT_MSG,
    DETECT_BUF_HTTP_RESPONSE_LINE,
    DETECT_BUF_HTTP_LOCATION,
    DETECT_BUF_HTTP_SERVER,
    DETECT_BUF_HTTP_RESPONSE_BODY,
    DETECT_BUF_FILE_DATA, /* HTTP response body (to client) or request body (to server) */
    DETECT_BUF_DNS_QUERY,
    DETECT_BUF_TLS_SNI,
    DETECT_BUF_TLS_SUBJECT,
    DETECT_BUF_TLS_ISSUER,
    DETECT_BUF_TLS_SERIAL,
    DETECT_BUF_TLS_FINGERPRINT,
    DETECT_BUF_TLS_CERTS,
    DETECT_BUF_JA3_HASH,
    DETECT_BUF_JA3_STRING,
    DETECT_BUF_JA3S_HASH,
    DETECT_BUF_JA3S_STRING,
    DETECT_BUF_SSH_PROTO,
    DETECT_BUF_SSH_SOFTWARE,
    DETECT_BUF_MAX
};

/* Directions as bits. */
#define DETECT_DIR_TS 0x1 /* to server */
#define DETECT_DIR_TC 0x2 /* to client */

struct detect_buffer_def {
    const char *name;     /* sticky-buffer keyword ("http.uri") */
    const char *alias;    /* second sticky spelling ("http_uri" style), or NULL */
    const char *legacy;   /* content modifier ("http_uri"), or NULL */
    uint8_t alproto;      /* ALPROTO_UNKNOWN for the payload */
    uint8_t dirs;         /* DETECT_DIR_* it exists in */
    bool multi;           /* several instances per transaction (dns.query, tls.certs) */
};

extern const struct detect_buffer_def detect_buffers[DETECT_BUF_MAX];
/* Buffer id of a sticky-buffer keyword or of a legacy modifier (legacy = true), or -1. */
int detect_buffer_by_name(const char *name, bool legacy);

/* ---------------------------------------------------------------------------------- */
/* Match elements                                                                     */
/* ---------------------------------------------------------------------------------- */

enum sm_type {
    /* content-like: run by the content inspection engine on a buffer */
    SM_CONTENT = 0,
    SM_PCRE,
    SM_BYTE_TEST,
    SM_BYTE_JUMP,
    SM_BYTE_EXTRACT,
    SM_BYTE_MATH,
    SM_ISDATAAT,
    SM_BSIZE,
    SM_URILEN,
    /* packet list */
    SM_DSIZE,
    SM_FLAGS,
    SM_TTL,
    SM_ITYPE,
    SM_ICODE,
    SM_ICMP_ID,
    SM_ICMP_SEQ,
    SM_IP_PROTO,
    SM_SAMEIP,
    SM_TCP_SEQ,
    SM_TCP_ACK,
    SM_TCP_WINDOW,
    SM_IP_ID,
    SM_FRAGBITS,
    SM_STREAM_SIZE,
    SM_FLOWBITS,       /* isset, isnotset (checks) / set, unset, toggle (post-match) */
    SM_FLOWINT,        /* comparisons (checks) / =, +, - (post-match) */
    SM_APP_LAYER_PROTOCOL,
    SM_DECODE_EVENT,   /* decode-event:ipv4.trunc_pkt */
    SM_APP_EVENT,      /* app-layer-event:dns.malformed */
    SM_MAX
};

/* Flags of a match element. */
enum sm_flag {
    SM_F_RELATIVE_NEXT = 1u << 0, /* the next element of the list is relative to this one */
};

struct sm {
    uint8_t type;  /* enum sm_type */
    uint8_t flags; /* enum sm_flag */
    void *ctx;     /* owned; freed by detect_sm_free */
};

struct sm_list {
    struct sm *v;
    uint16_t n, cap;
};

/* Numeric comparison of dsize, ttl, itype, urilen, bsize ... (Suricata's DetectU64). */
enum detect_num_mode { NUM_EQ, NUM_LT, NUM_LE, NUM_GT, NUM_GE, NUM_NE, NUM_RANGE };
struct detect_num {
    uint8_t mode;
    uint64_t a, b; /* NUM_RANGE: a < x < b (exclusive, as Suricata) */
};
bool detect_num_parse(const char *s, uint64_t max, struct detect_num *out);
/* Is a content-like element (not content) relative to the previous one? */
bool detect_sm_relative(const struct sm *m);
static inline bool detect_num_match(const struct detect_num *n, uint64_t x)
{
    switch (n->mode) {
    case NUM_EQ: return x == n->a;
    case NUM_LT: return x < n->a;
    case NUM_LE: return x <= n->a;
    case NUM_GT: return x > n->a;
    case NUM_GE: return x >= n->a;
    case NUM_NE: return x != n->a;
    default: return x > n->a && x < n->b;
    }
}

/* The payload lengths a dsize comparison allows: [*lo, *hi] (65535 for no upper one). */
static inline void detect_dsize_bounds(const struct detect_num *d, uint64_t *lo, uint64_t *hi)
{
    *lo = 0;
    *hi = 65535;
    switch (d->mode) {
    case NUM_EQ: *lo = *hi = d->a; break;
    case NUM_LT: *hi = d->a ? d->a - 1 : 0; break;
    case NUM_LE: *hi = d->a; break;
    case NUM_GT: *lo = d->a + 1; break;
    case NUM_GE: *lo = d->a; break;
    case NUM_RANGE: *lo = d->a + 1; *hi = d->b ? d->b - 1 : 0; break;
    default: break;
    }
}

/* content */
enum content_flag {
    CT_NOCASE = 1u << 0,
    CT_NEGATED = 1u << 1,
    CT_DEPTH = 1u << 2,
    CT_OFFSET = 1u << 3,
    CT_DISTANCE = 1u << 4,
    CT_WITHIN = 1u << 5,
    CT_STARTSWITH = 1u << 6,
    CT_ENDSWITH = 1u << 7,
    CT_FAST_PATTERN = 1u << 8,
    CT_FP_ONLY = 1u << 9,
    CT_FP_CHOP = 1u << 10,
    CT_DEPTH_VAR = 1u << 11,
    CT_OFFSET_VAR = 1u << 12,
    CT_DISTANCE_VAR = 1u << 13,
    CT_WITHIN_VAR = 1u << 14,
    CT_MPM = 1u << 15, /* this content is the rule's prefilter pattern */
};
struct detect_content {
    uint8_t *pat;
    uint32_t len;
    uint32_t flags;          /* enum content_flag */
    int32_t offset, depth;   /* depth counts from the buffer start (offset added), as Suricata */
    int32_t distance, within;
    uint16_t chop_off, chop_len;
    uint32_t mpm_end;        /* prefilter pattern: it can only match ending at or before
                                this byte of the buffer (UINT32_MAX: anywhere; 0 when the
                                content is not a prefilter pattern) */
    uint32_t mpm_max_len;    /* prefilter pattern of the payload: the largest payload the
                                rule can match (its dsize), or UINT32_MAX */
    struct spm *spm;
};

struct detect_bsize { struct detect_num n; };

/* flowbits / flowint */
enum flowbits_cmd { FB_SET, FB_UNSET, FB_TOGGLE, FB_ISSET, FB_ISNOTSET, FB_NOALERT };
struct detect_flowbits {
    uint8_t cmd;
    bool and_op;         /* "a&b": all of them (isset/isnotset); else any ("a|b") */
    uint16_t n;
    uint32_t ids[8];     /* flowbit ids (engine-wide) */
};
enum flowint_op { FI_SET, FI_ADD, FI_SUB, FI_ISSET, FI_NOTSET, FI_EQ, FI_NE, FI_LT, FI_LE, FI_GT, FI_GE };
struct detect_flowint {
    uint8_t op;
    uint32_t id;
    bool value_is_var;
    uint32_t value_var;  /* another flowint's id */
    int64_t value;
};

struct detect_flags { uint8_t mask, set; uint8_t mode; /* 0 exact, '+' all-of, '*' any-of, '!' none-of */ };
struct detect_stream_size { uint8_t which; /* 0 server, 1 client, 2 both, 3 either */ struct detect_num n; };

/* ---------------------------------------------------------------------------------- */
/* Signatures                                                                         */
/* ---------------------------------------------------------------------------------- */

enum sig_flag {
    SIG_NOALERT = 1u << 0,
    SIG_BIDIR = 1u << 1,            /* <> */
    SIG_TOSERVER = 1u << 2,         /* flow:to_server, or implied by its buffers */
    SIG_TOCLIENT = 1u << 3,
    SIG_ESTABLISHED = 1u << 4,
    SIG_NOT_ESTABLISHED = 1u << 5,
    SIG_STATELESS = 1u << 6,
    SIG_ONLY_STREAM = 1u << 7,      /* flow:only_stream or tcp-stream */
    SIG_NO_STREAM = 1u << 8,        /* flow:no_stream or tcp-pkt */
    SIG_IPONLY = 1u << 9,           /* addresses only: looked up once per flow direction */
    SIG_TX = 1u << 10,              /* has application-layer buffers */
    SIG_IPV4 = 1u << 11,            /* header protocol ipv4 / ipv6 */
    SIG_IPV6 = 1u << 12,
    SIG_SRC_ANY = 1u << 13, SIG_DST_ANY = 1u << 14, SIG_SP_ANY = 1u << 15, SIG_DP_ANY = 1u << 16,
    SIG_FLOWBITS_SET = 1u << 17,    /* sets flowbits (ordered before readers) */
    SIG_FLOWBITS_READ = 1u << 18,
    SIG_ONLY_FRAG = 1u << 19, SIG_NO_FRAG = 1u << 20,
    SIG_PAYLOAD = 1u << 21,         /* has a payload list */
    SIG_STREAMABLE = 1u << 23,      /* payload rule inspected on the stream when there is one */
};

enum threshold_type { TH_NONE = 0, TH_LIMIT, TH_THRESHOLD, TH_BOTH, TH_DETECTION_FILTER, TH_RATE };
enum threshold_track { TRACK_SRC = 0, TRACK_DST, TRACK_RULE, TRACK_FLOW, TRACK_BOTH };
struct detect_threshold {
    uint8_t type, track;
    uint8_t unique_on;   /* detection_filter: 0, or count distinct 1 source / 2 destination ports */
    uint32_t count;
    uint32_t seconds;
    uint8_t new_action;  /* rate_filter */
    uint32_t timeout;    /* rate_filter */
};

/* A suppress entry from threshold.config (or the rule's own). */
struct detect_suppress {
    struct detect_suppress *next;
    uint8_t track;          /* TRACK_SRC, TRACK_DST, TRACK_BOTH, or TRACK_RULE = all */
    struct addr_set *addrs; /* NULL for all */
};

/* Transforms applied to a buffer before inspection (Suricata's transform keywords). */
enum detect_transform {
    TF_DOTPREFIX = 1,
    TF_TO_LOWER,
    TF_TO_UPPER,
    TF_STRIP_WS,
    TF_COMPRESS_WS,
    TF_URL_DECODE,
    TF_TO_MD5,
    TF_TO_SHA1,
    TF_TO_SHA256,
    TF_HEADER_LOWERCASE,
    TF_STRIP_PSEUDO,
};
#define DETECT_MAX_TRANSFORMS 8

struct sig_buf {
    uint8_t buf;            /* enum detect_buf */
    uint8_t ntransforms;
    uint8_t transforms[DETECT_MAX_TRANSFORMS];
    uint16_t variant;       /* engine-wide id of (buf, transforms), set at load */
    struct sm_list list;
};

struct sig {
    uint32_t num;           /* position in evaluation order */
    uint32_t sid, gid, rev;
    int32_t prio;
    uint8_t action;         /* enum detect_action */
    uint8_t proto;          /* IP protocol, 0 for any */
    uint8_t alproto;        /* enum alproto, ALPROTO_UNKNOWN for none */
    uint8_t severity;       /* 1 (high) .. 4, from priority */
    uint32_t flags;         /* enum sig_flag */
    struct addr_set *src, *dst;
    struct port_set *sp, *dp;

    struct sm_list match;   /* packet keywords, evaluated first */
    struct sm_list post;    /* run after a match */
    struct sig_buf *bufs;   /* payload and app-layer lists */
    uint8_t nbufs;
    uint8_t nbytevars;

    /* Prefilter: the buffer and content chosen, or fp_buf = -1. */
    int16_t fp_buf;
    const struct detect_content *fp;

    struct detect_threshold th;   /* threshold / detection_filter */
    struct detect_suppress *suppress;

    char *msg;
    const char *classtype;        /* owned by the classification table, or by the sig */
    bool classtype_owned;
    const char *class_desc;
    char *metadata_json;          /* {"key":["v",...],...} or NULL */
    char *references_json;        /* ["url",...] or NULL */
    char *target;                 /* "src_ip" / "dest_ip" or NULL */
    const char *file;             /* interned path */
    uint32_t line;
};

/* ---------------------------------------------------------------------------------- */
/* Engine                                                                             */
/* ---------------------------------------------------------------------------------- */

/* Prefilter group: the rules one kind of inspection unit may match. */
/* A cheap first test of a rule without a prefilter pattern, run before anything else
 * for every packet of its group: destination port range, TCP flags that must be set
 * or clear, payload size range. */
struct detect_pf {
    uint32_t num;
    uint16_t dp_lo, dp_hi;   /* 0..65535 when any (or bidirectional) */
    uint16_t ds_lo, ds_hi;   /* payload length range */
    uint8_t need, forbid;    /* TCP flags */
    uint8_t ipproto;         /* ip_proto keyword, 0 for any */
};

/* The patterns of rules that name destination ports, by port: a packet to port p also
 * scans buckets[portmap_get(pm, p) - 1] (0: none). The map is two-level, 256 blocks of
 * 256 ports, a block allocated only when a port in it is named: the first level stays
 * in cache and most ports (ephemeral ones) stop there. */
struct detect_portmap {
    uint16_t *blk[256];
    struct mpm **buckets;
    uint32_t nbuckets;
};

static inline uint16_t portmap_get(const struct detect_portmap *pm, uint16_t port)
{
    const uint16_t *b = pm->blk[port >> 8];
    return b != NULL ? b[port & 255] : 0;
}

struct detect_group {
    struct mpm *mpm;        /* fast patterns of the group's rules (NULL: none); in a
                               port-split group, those of rules for any port */
    struct detect_portmap *pm; /* port-split group: rules naming destination ports */
    struct detect_portmap *pm_sp; /* ... and rules naming only source ports */
    uint32_t *always;       /* rules without a usable pattern, sorted */
    uint32_t nalways;
    struct detect_pf *pf;   /* their first tests, same order */
    uint64_t *pf_ports;     /* 65536 bits of destination ports named by those rules,
                               then 65536 of source ports named by those for any
                               destination port; NULL when one is for any port both ways */
};

/* A buffer as inspected: the buffer and the transforms applied to it. */
struct detect_variant {
    uint8_t buf;
    uint8_t ntransforms;
    uint8_t transforms[DETECT_MAX_TRANSFORMS];
};

/* Groups: for packets and raw stream by protocol class and direction; for transactions
 * by buffer and direction. */
enum { DG_PROTO_TCP = 0, DG_PROTO_UDP, DG_PROTO_ICMP, DG_PROTO_OTHER, DG_PROTO_MAX };

struct detect_engine {
    struct sig **sigs;       /* by num */
    uint32_t nsigs;
    unsigned alert_max;
    bool raw_stream;

    /* packet rules by protocol and direction: those that never look at the stream;
     * and for TCP packets without a stream, every TCP payload rule (pkt_all) */
    struct detect_group pkt[DG_PROTO_MAX][2];
    struct detect_group pkt_all[2];
    /* raw stream rules, TCP only, by direction */
    struct detect_group stream[2];
    /* transaction rules: per inspection variant (buffer + transforms) of their fast
     * pattern, and direction; rules without one by protocol and direction */
    struct detect_variant *variants;
    uint16_t nvariants;
    struct detect_group (*txg)[2];       /* [variant][dir] */
    /* per application protocol and direction, the variants with a database */
    uint16_t *txvars[ALPROTO_MAX][2];
    uint16_t ntxvars[ALPROTO_MAX][2];
    struct detect_group tx_proto[ALPROTO_MAX][2];
    /* IP-only rules, and their address index */
    uint32_t *iponly;
    uint32_t niponly;
    struct detect_iponly *iponly_index;

    /* flowbit and flowint names: ids are positions */
    char **flowbits;
    uint32_t nflowbits;
    char **flowints;
    uint32_t nflowints;

    /* thresholds by address (shared, striped locks) */
    struct threshold_table *thresholds;

    struct classification *classes;
    struct reference_config *references;
    uint32_t pcre_max_pairs;  /* ovector pairs the largest pcre needs */
    struct mpm **mpms;       /* every database, for the thread scratch */
    size_t nmpms, capmpms;
    uint32_t nfiles;
    char **files;            /* interned file names */
    uint64_t memuse;
};

/* ---------------------------------------------------------------------------------- */
/* Per-flow state                                                                     */
/* ---------------------------------------------------------------------------------- */

struct detect_flowvar {
    struct detect_flowvar *next;
    char *name;
    uint8_t *value;
    uint32_t len;
};

struct detect_flow {
    uint8_t *bits;           /* flowbits, nflowbits bits */
    int64_t *ints;           /* flowints */
    uint8_t *ints_set;
    struct detect_flowvar *vars;
    /* rules that fired, per transaction and direction (one alert per rule per tx) */
    struct detect_txdone *txdone;
    uint32_t ntxdone, captxdone;
    /* per-flow thresholds (track by_flow) */
    struct detect_flow_th *th;
    uint32_t nth;
    uint64_t memuse;
};

#endif
