/* TLS / SSL handshake parser. Spec: RFC 5246 6.2 and 7.4, RFC 8446 4.1-4.2, RFC 6101,
 * RFC 6066 3, RFC 6520, RFC 8701, JA3. See applayer-tls.h for the contract.
 *
 * Three layers, each a small state machine fed any number of bytes at a time:
 *   records     tls_parse() reads each record header into a 5-octet buffer (the first
 *               octet tells an SSLv2 header, 3 or 4 octets with the message type), then
 *               the record's body: a whole handshake record goes to the next layer
 *               (put together first when it comes in pieces), the first octets of
 *               heartbeat and SSLv2 bodies are kept for the record's end, everything
 *               else is only counted;
 *   handshake   hs_feed() reads each message header (4 octets, which may span records)
 *               and puts the message together in the direction's buffer, grown as
 *               bytes come and bounded by TLS_HANDSHAKE_MAX; unsupported or oversized
 *               messages are skipped without being copied;
 *   messages    tls_hello() and tls_certificates() read a whole message through a
 *               struct cursor.
 * Where Suricata is quirky and rules or logs can see it (which errors are fatal, what
 * JA3 holds after an error, the version kept per side, extensions whose parsers consume
 * less than their length), this file does what Suricata 7.0 does; the places are marked
 * "As Suricata". */
#include "applayer-tls.h"

#include <gcrypt.h>
#include <stdlib.h>
#include <string.h>

#include "util/util-cursor.h"

/* Record content types (RFC 5246 6.2.1, RFC 6520 3). */
#define REC_CHANGE_CIPHER_SPEC 20
#define REC_ALERT 21
#define REC_HANDSHAKE 22
#define REC_APPLICATION_DATA 23
#define REC_HEARTBEAT 24

/* Handshake message types (RFC 5246 7.4, RFC 6066 8, RFC 5077 3.3). */
#define HS_HELLO_REQUEST 0
#define HS_CLIENT_HELLO 1
#define HS_SERVER_HELLO 2
#define HS_NEW_SESSION_TICKET 4
#define HS_CERTIFICATE 11
#define HS_SERVER_KEY_EXCHANGE 12
#define HS_CERTIFICATE_REQUEST 13
#define HS_SERVER_HELLO_DONE 14
#define HS_CERTIFICATE_VERIFY 15
#define HS_CLIENT_KEY_EXCHANGE 16
#define HS_FINISHED 20
#define HS_CERTIFICATE_URL 21
#define HS_CERTIFICATE_STATUS 22

/* SSLv2 message types (draft-hickman-netscape-ssl-00 C.1). */
#define SSL2_MT_ERROR 0
#define SSL2_MT_CLIENT_HELLO 1
#define SSL2_MT_SERVER_HELLO 4

/* Extensions (IANA TLS ExtensionType registry). */
#define EXT_SERVER_NAME 0x0000
#define EXT_SUPPORTED_GROUPS 0x000a
#define EXT_EC_POINT_FORMATS 0x000b
#define EXT_SIGNATURE_ALGORITHMS 0x000d
#define EXT_ALPN 0x0010
#define EXT_SESSION_TICKET 0x0023
#define EXT_EARLY_DATA 0x002a
#define EXT_SUPPORTED_VERSIONS 0x002b

#define TLS_RANDOM_LEN 32
#define TLS_SESSION_ID_MAX 32     /* RFC 5246 7.4.1.2; longer ids are compared cut */
#define TLS_HS_HDR_LEN 4
#define TLS_HS_BUF_MIN 4096       /* first allocation of a handshake buffer */
#define TLS_REC_HEAD_MAX 8        /* body octets kept for the record's end */

/* Flow flags, as Suricata's ssl_state->flags (one set for both directions). */
#define F_CLIENT_CCS (1u << 0)
#define F_SERVER_CCS (1u << 1)
#define F_CCS (1u << 2)
#define F_CLIENT_HELLO (1u << 3)
#define F_SERVER_HELLO (1u << 4)
#define F_HANDSHAKE_DONE (1u << 5)
#define F_SESSION_RESUMED (1u << 6)
#define F_CH_VERSION_EXTENSION (1u << 7) /* ClientHello had supported_versions */
#define F_LOG_WITHOUT_CERT (1u << 8)     /* TLS 1.3: no certificate will be seen */
#define F_EARLY_DATA (1u << 9)
#define F_NEED_CLIENT_CERT (1u << 10)
#define F_HB_INFLIGHT (1u << 11)
#define F_HB_CLIENT_INIT (1u << 12)
#define F_HB_SERVER_INIT (1u << 13)
#define F_SSL2_CLIENT_HS (1u << 14)
#define F_SSL2_SERVER_HS (1u << 15)

/* A growable text (JA3 lists), bounded by the message it is built from. */
struct sbuf {
    char *buf;
    uint32_t len;
    uint32_t cap;
    bool oom;
};

/* One direction. */
struct tls_side {
    /* Record layer. */
    uint8_t hdr[TLS_RECORD_HDR_LEN];
    uint8_t hdr_len;               /* header octets read so far */
    bool sslv2;                    /* the record being read is SSLv2 */
    bool in_body;                  /* header done, body being read */
    uint8_t rec_type;              /* TLS content type, or SSLv2 message type */
    uint32_t rec_len;              /* TLS: body length; SSLv2: body after the type */
    uint32_t rec_left;             /* body octets still to come */
    bool rec_parse;                /* handshake body to parse */
    uint8_t *rec_buf;              /* a handshake record being put together */
    uint32_t rec_have;
    bool rec_skip;                 /* unknown record skipped (TLS 1.0/1.1) */
    uint8_t head[TLS_REC_HEAD_MAX];
    uint8_t head_len;

    /* Handshake layer. */
    uint8_t hs_hdr[TLS_HS_HDR_LEN];
    uint8_t hs_hdr_len;
    bool hs_in_msg;                /* header read, body being read */
    bool hs_skip;                  /* body skipped, not kept */
    uint8_t hs_type;
    uint32_t hs_len;
    uint32_t hs_have;
    uint8_t *hs_buf;
    uint32_t hs_cap;

    /* Results. */
    uint16_t version;
    uint32_t progress;             /* TLS_P_* of this side */
    bool lost;                     /* a gap: no more parsing */
    bool eof;
    bool has_sni;
    uint16_t sni_len;
    char sni[TLS_SNI_MAX + 1];
    uint8_t session_id[TLS_SESSION_ID_MAX];
    uint8_t session_id_len;        /* 0: none stored */
    char *ja3;                     /* JA3 (client) / JA3S (server) string, or NULL */
    uint32_t ja3_len;
    bool has_ja3_hash;
    char ja3_hash[TLS_JA3_HASH_LEN + 1];
    struct x509_cert *cert0;       /* first certificate, when it parsed */
    bool certs_seen;               /* a Certificate message was handled */
    uint8_t *chain;                /* the Certificate message (owned) */
    uint32_t chain_size;
    uint32_t ncerts;
    uint32_t cert_off[TLS_MAX_CERTS];
    uint32_t cert_len[TLS_MAX_CERTS];
    char version_text[TLS_VERSION_TEXT_MAX];
};

struct tls_state {
    struct tls_side s[2];
    uint32_t flags;                /* F_* */
    uint32_t hb_record_len;        /* encrypted heartbeat request in flight */
    bool failed;                   /* a fatal error: nothing more is parsed */
    uint64_t events;               /* raised since tls_take_events() */
    struct tls_stats *stats;       /* shared by a worker's flows, or own_stats */
    struct tls_stats *own_stats;
};

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                            */
/* ---------------------------------------------------------------------------------- */

static void tls_event(struct tls_state *t, enum tls_event e)
{
    t->events |= 1ull << e;
    t->stats->events[e]++;
}

/* A fatal error: as Suricata, which disables the app-layer of the flow. */
static void tls_fail(struct tls_state *t, enum tls_event e)
{
    tls_event(t, e);
    t->failed = true;
    for (int d = 0; d < 2; d++) {
        free(t->s[d].hs_buf);
        t->s[d].hs_buf = NULL;
        t->s[d].hs_cap = 0;
        free(t->s[d].rec_buf);
        t->s[d].rec_buf = NULL;
    }
}

/* RFC 8701: 0x?a?a with both octets equal. */
static bool tls_is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* Versions Suricata accepts in a record header (TLSVersionValid). */
static bool tls_version_valid(uint16_t v)
{
    switch (v) {
    case TLS_VERSION_13:
    case TLS_VERSION_12:
    case TLS_VERSION_11:
    case TLS_VERSION_10:
    case TLS_VERSION_SSL3:
    case TLS_VERSION_13_PRE_DRAFT16:
    case 0xfb14: case 0xfb15: case 0xfb16: case 0xfb17: case 0xfb1a:
        return true;
    default:
        return v >= 0x7f10 && v <= 0x7f1c; /* drafts 16-28 */
    }
}

const char *tls_version_str(uint16_t version, char buf[TLS_VERSION_TEXT_MAX])
{
    static const char hex[] = "0123456789abcdef";
    const char *s = NULL;
    switch (version) {
    case TLS_VERSION_UNKNOWN: s = "UNDETERMINED"; break;
    case TLS_VERSION_SSL2: s = "SSLv2"; break;
    case TLS_VERSION_SSL3: s = "SSLv3"; break;
    case TLS_VERSION_10: s = "TLSv1"; break;
    case TLS_VERSION_11: s = "TLS 1.1"; break;
    case TLS_VERSION_12: s = "TLS 1.2"; break;
    case TLS_VERSION_13: s = "TLS 1.3"; break;
    case TLS_VERSION_13_PRE_DRAFT16: s = "TLS 1.3 draft-<16"; break;
    case 0xfb14: s = "TLS 1.3 draft-20-fb"; break;
    case 0xfb15: s = "TLS 1.3 draft-21-fb"; break;
    case 0xfb16: s = "TLS 1.3 draft-22-fb"; break;
    case 0xfb17: s = "TLS 1.3 draft-23-fb"; break;
    case 0xfb1a: s = "TLS 1.3 draft-26-fb"; break;
    default:
        break;
    }
    if (s != NULL) {
        strcpy(buf, s);
    } else if (version >= 0x7f10 && version <= 0x7f1c) {
        unsigned d = version & 0xff;
        memcpy(buf, "TLS 1.3 draft-", 14);
        buf[14] = (char)('0' + d / 10);
        buf[15] = (char)('0' + d % 10);
        buf[16] = '\0';
    } else {
        buf[0] = '0', buf[1] = 'x';
        for (int i = 0; i < 4; i++)
            buf[2 + i] = hex[(version >> (12 - 4 * i)) & 0xf];
        buf[6] = '\0';
    }
    return buf;
}

static bool sbuf_reserve(struct sbuf *b, uint32_t more)
{
    if (b->oom)
        return false;
    if (b->len + more + 1 <= b->cap)
        return true;
    uint32_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->buf, cap);
    if (p == NULL) {
        b->oom = true;
        return false;
    }
    b->buf = p;
    b->cap = cap;
    return true;
}

/* Appends a decimal value, after a '-' unless it is the first. */
static void sbuf_value(struct sbuf *b, uint32_t v)
{
    char digits[10], *d = digits + sizeof(digits);
    do {
        *--d = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    uint32_t n = (uint32_t)(digits + sizeof(digits) - d);
    if (!sbuf_reserve(b, n + 1))
        return;
    if (b->len > 0)
        b->buf[b->len++] = '-';
    memcpy(b->buf + b->len, d, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

/* Appends ',' and the list 'l' (Ja3BufferAppendBuffer). */
static void sbuf_list(struct sbuf *b, const struct sbuf *l)
{
    if (l->oom) {
        b->oom = true;
        return;
    }
    if (!sbuf_reserve(b, l->len + 1))
        return;
    b->buf[b->len++] = ',';
    if (l->len > 0)
        memcpy(b->buf + b->len, l->buf, l->len);
    b->len += l->len;
    b->buf[b->len] = '\0';
}

static void sbuf_free(struct sbuf *b)
{
    free(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
}

/* ---------------------------------------------------------------------------------- */
/* Hello messages                                                                     */
/* ---------------------------------------------------------------------------------- */

/* What reading one extension gave: the octets it consumed (which, as Suricata, may be
 * fewer than the extension's length: the next extension is then read from there), or
 * EXT_STOP when extension parsing stops (the JA3 string is still completed), or
 * EXT_ERROR when the hello is malformed past repair (no JA3 hash). */
#define EXT_STOP (-1)

/* The JA3 lists being built from one hello. */
struct ja3_build {
    bool on;
    struct sbuf str;     /* version, then the lists as they are closed */
    struct sbuf ciphers;
    struct sbuf exts;
    struct sbuf curves;
    struct sbuf formats;
};

static int ext_sni(struct tls_state *t, struct tls_side *sd, struct cursor c)
{
    uint8_t type;
    uint16_t n;
    if (cursor_left(&c) == 0)
        return 0;
    if (!cursor_skip(&c, 2) || !cursor_u8(&c, &type)) {
        tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
        return EXT_STOP;
    }
    if (type != 0) { /* host_name, the only type (RFC 6066 3) */
        tls_event(t, TLS_EV_INVALID_SNI_TYPE);
        return EXT_STOP;
    }
    if (!cursor_be16(&c, &n)) {
        tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
        return EXT_STOP;
    }
    if (!cursor_has(&c, n) || n > TLS_SNI_MAX || n == 0) {
        tls_event(t, TLS_EV_INVALID_SNI_LENGTH);
        return EXT_STOP;
    }
    if (sd->has_sni) {
        tls_event(t, TLS_EV_MULTIPLE_SNI_EXTENSIONS);
    } else {
        memcpy(sd->sni, cursor_ptr(&c), n);
        sd->sni[n] = '\0';
        sd->sni_len = (uint16_t)strlen(sd->sni); /* a C string, as Suricata's */
        sd->has_sni = true;
    }
    cursor_skip(&c, n);
    return (int)c.off;
}

static int ext_supported_versions(struct tls_state *t, struct tls_side *sd, struct cursor c,
                                  bool server)
{
    if (cursor_left(&c) == 0)
        return 0;
    if (!server) {
        uint8_t n;
        if (!cursor_u8(&c, &n) || n < 2 || !cursor_has(&c, n)) {
            tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
            return EXT_STOP;
        }
        const uint8_t *p = cursor_ptr(&c);
        for (uint32_t i = 0; i + 1 < n; i += 2) {
            uint16_t v = (uint16_t)(p[i] << 8 | p[i + 1]);
            if (tls_version_valid(v)) {
                sd->version = v;
                break;
            }
        }
        t->flags |= F_CH_VERSION_EXTENSION;
        cursor_skip(&c, n);
    } else {
        uint16_t v;
        if (!cursor_be16(&c, &v)) {
            tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
            return EXT_STOP;
        }
        if ((t->flags & F_CH_VERSION_EXTENSION) && v > TLS_VERSION_12)
            t->flags |= F_LOG_WITHOUT_CERT;
        sd->version = v;
    }
    return (int)c.off;
}

/* supported_groups (elliptic_curves): a list of 16-bit values. */
static int ext_groups(struct tls_state *t, struct cursor c, struct ja3_build *j, bool server)
{
    uint16_t n;
    if (cursor_left(&c) == 0)
        return 0;
    if (!cursor_be16(&c, &n) || !cursor_has(&c, n)) {
        tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
        return EXT_STOP;
    }
    if (!server && j->on) {
        for (uint32_t done = 0; done < n; done += 2) {
            uint16_t v;
            if (!cursor_be16(&c, &v)) {
                tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
                return EXT_STOP;
            }
            if (!tls_is_grease(v))
                sbuf_value(&j->curves, v);
        }
    } else {
        cursor_skip(&c, n);
    }
    return (int)c.off;
}

static int ext_point_formats(struct tls_state *t, struct cursor c, struct ja3_build *j, bool server)
{
    uint8_t n;
    if (cursor_left(&c) == 0)
        return 0;
    if (!cursor_u8(&c, &n) || !cursor_has(&c, n)) {
        tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
        return EXT_STOP;
    }
    if (!server && j->on)
        for (uint32_t i = 0; i < n; i++)
            sbuf_value(&j->formats, cursor_ptr(&c)[i]);
    cursor_skip(&c, n);
    return (int)c.off;
}

static int ext_signature_algorithms(struct tls_state *t, struct cursor c)
{
    uint16_t n;
    if (cursor_left(&c) == 0)
        return 0;
    if (!cursor_be16(&c, &n) || n % 2 != 0 || !cursor_has(&c, n)) {
        tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
        return EXT_STOP;
    }
    cursor_skip(&c, n);
    return (int)c.off;
}

static int ext_alpn(struct tls_state *t, struct cursor c)
{
    uint16_t n;
    if (cursor_left(&c) == 0)
        return 0;
    if (!cursor_be16(&c, &n) || !cursor_has(&c, n)) {
        tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
        return EXT_STOP;
    }
    return (int)c.len; /* as Suricata: the whole extension */
}

/* The extensions block of a hello (RFC 5246 7.4.1.4). Returns false when the block
 * itself is malformed (no JA3 hash then, as Suricata). */
static bool tls_extensions(struct tls_state *t, struct tls_side *sd, struct cursor *c,
                           struct ja3_build *j, bool server)
{
    uint16_t total;
    if (!cursor_has(c, 2))
        return true; /* extensions are optional */
    cursor_be16(c, &total);
    if (!cursor_has(c, total)) {
        tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
        return false;
    }
    uint16_t done = 0; /* as Suricata: 16 bits, counts the declared lengths */
    while (done < total) {
        uint16_t type, len;
        struct cursor e;
        if (!cursor_be16(c, &type) || !cursor_be16(c, &len) || !cursor_has(c, len)) {
            tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
            return false;
        }
        cursor_init(&e, cursor_ptr(c), len);
        int used;
        switch (type) {
        case EXT_SERVER_NAME:
            used = ext_sni(t, sd, e);
            break;
        case EXT_SUPPORTED_GROUPS:
            used = ext_groups(t, e, j, server);
            break;
        case EXT_EC_POINT_FORMATS:
            used = ext_point_formats(t, e, j, server);
            break;
        case EXT_SIGNATURE_ALGORITHMS:
            used = ext_signature_algorithms(t, e);
            break;
        case EXT_ALPN:
            used = ext_alpn(t, e);
            break;
        case EXT_SUPPORTED_VERSIONS:
            used = ext_supported_versions(t, sd, e, server);
            break;
        case EXT_EARLY_DATA:
            if (!server)
                t->flags |= F_EARLY_DATA; /* 0-RTT data may follow the ClientHello */
            used = len;
            break;
        case EXT_SESSION_TICKET:
            if (!server)
                t->flags |= F_SESSION_RESUMED; /* confirmed by no certificate */
            used = len;
            break;
        default:
            used = len;
            break;
        }
        if (used == EXT_STOP)
            return true;
        cursor_skip(c, (uint32_t)used);
        if (j->on && !tls_is_grease(type))
            sbuf_value(&j->exts, type);
        done = (uint16_t)(done + len + 4);
    }
    return true;
}

/* Finishes a side's JA3: keeps the string, and the hash when 'whole'. */
static void ja3_finish(struct tls_side *sd, struct ja3_build *j, bool whole)
{
    if (!j->on || j->str.oom || j->str.buf == NULL)
        return;
    sd->ja3 = j->str.buf;
    sd->ja3_len = j->str.len;
    j->str.buf = NULL;
    if (whole) {
        static const char hex[] = "0123456789abcdef";
        uint8_t md5[16];
        gcry_md_hash_buffer(GCRY_MD_MD5, md5, sd->ja3, sd->ja3_len);
        for (int i = 0; i < 16; i++) {
            sd->ja3_hash[2 * i] = hex[md5[i] >> 4];
            sd->ja3_hash[2 * i + 1] = hex[md5[i] & 0xf];
        }
        sd->ja3_hash[TLS_JA3_HASH_LEN] = '\0';
        sd->has_ja3_hash = true;
    }
}

/* ClientHello / ServerHello (RFC 5246 7.4.1.2-3, RFC 8446 4.1.2-3):
 *   version(2) random(32) session_id<0..32> cipher_suites<2..2^16-2> / cipher_suite(2)
 *   compression_methods<1..2^8-1> / compression_method(1) extensions<0..2^16-1>
 * Malformed hellos raise handshake_invalid_length and are not fatal (as Suricata). */
static void tls_hello(struct tls_state *t, struct tls_side *sd, const uint8_t *msg, uint32_t len,
                      bool server)
{
    struct cursor c;
    struct ja3_build j = { 0 };
    uint16_t version, v = 0;
    uint8_t n8;
    bool whole = false;

    cursor_init(&c, msg, len);
    /* As Suricata: JA3 from the first hello of each side only. */
    j.on = sd->ja3 == NULL;

    if (!cursor_be16(&c, &version))
        goto invalid;
    sd->version = version;
    if (server && (version == TLS_VERSION_13 || (version >> 8) == 0x7f))
        t->flags |= F_LOG_WITHOUT_CERT; /* a TLS 1.3 draft ServerHello */
    if ((version >= 0x7f01 && version < 0x7f10) || version == TLS_VERSION_13)
        sd->version = TLS_VERSION_13_PRE_DRAFT16;
    if (j.on)
        sbuf_value(&j.str, version);

    if (!cursor_skip(&c, TLS_RANDOM_LEN))
        goto invalid;

    /* TLS 1.3 drafts 1-21 had no session id or compression in the ServerHello. */
    bool legacy_fields = !server || !(t->flags & F_LOG_WITHOUT_CERT);
    if (legacy_fields) {
        if (!cursor_u8(&c, &n8) || !cursor_has(&c, n8))
            goto invalid;
        if (n8 != 0 && sd->session_id_len == 0) {
            uint8_t keep = n8 < TLS_SESSION_ID_MAX ? n8 : TLS_SESSION_ID_MAX;
            memcpy(sd->session_id, cursor_ptr(&c), keep);
            sd->session_id_len = keep;
            const struct tls_side *cl = &t->s[0], *sv = &t->s[1];
            if (server && cl->session_id_len != 0 && sv->session_id_len != 0 &&
                cl->session_id_len == sv->session_id_len &&
                memcmp(cl->session_id, sv->session_id, keep) == 0)
                t->flags |= F_SESSION_RESUMED;
        }
        cursor_skip(&c, n8);
    }

    if (server) {
        if (!cursor_be16(&c, &v))
            goto invalid;
        if (j.on && !tls_is_grease(v))
            sbuf_value(&j.ciphers, v);
    } else {
        uint16_t n;
        if (!cursor_be16(&c, &n) || !cursor_has(&c, n) || n % 2 != 0)
            goto invalid;
        for (uint32_t i = 0; i < n; i += 2) {
            cursor_be16(&c, &v);
            if (j.on && !tls_is_grease(v))
                sbuf_value(&j.ciphers, v);
        }
    }
    if (j.on)
        sbuf_list(&j.str, &j.ciphers);

    if (legacy_fields) {
        if (server) {
            if (!cursor_skip(&c, 1))
                goto invalid;
        } else {
            if (!cursor_u8(&c, &n8) || !cursor_skip(&c, n8))
                goto invalid;
        }
    }

    whole = tls_extensions(t, sd, &c, &j, server);
    if (whole && j.on) {
        sbuf_list(&j.str, &j.exts);
        if (!server) {
            sbuf_list(&j.str, &j.curves);
            sbuf_list(&j.str, &j.formats);
        }
    }
    goto done;

invalid:
    tls_event(t, TLS_EV_HANDSHAKE_INVALID_LENGTH);
done:
    ja3_finish(sd, &j, whole);
    sbuf_free(&j.str);
    sbuf_free(&j.ciphers);
    sbuf_free(&j.exts);
    sbuf_free(&j.curves);
    sbuf_free(&j.formats);
}

/* ---------------------------------------------------------------------------------- */
/* Certificate message                                                                */
/* ---------------------------------------------------------------------------------- */

static const enum tls_event X509_EVENTS[X509_E_MAX] = {
    [X509_E_NONE] = TLS_EV_INVALID_CERTIFICATE,
    [X509_E_LENGTH] = TLS_EV_CERTIFICATE_INVALID_LENGTH,
    [X509_E_DER] = TLS_EV_CERTIFICATE_INVALID_DER,
    [X509_E_VERSION] = TLS_EV_CERTIFICATE_INVALID_VERSION,
    [X509_E_SERIAL] = TLS_EV_CERTIFICATE_INVALID_SERIAL,
    [X509_E_ALGORITHM] = TLS_EV_CERTIFICATE_INVALID_ALGORITHMIDENTIFIER,
    [X509_E_NAME] = TLS_EV_CERTIFICATE_INVALID_X509NAME,
    [X509_E_DATE] = TLS_EV_CERTIFICATE_INVALID_DATE,
    [X509_E_EXTENSIONS] = TLS_EV_CERTIFICATE_INVALID_EXTENSIONS,
};

/* Certificate (RFC 5246 7.4.2): certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>.
 * 'msg' is the direction's handshake buffer, of which the side takes ownership as its
 * chain when the message is used. Returns true when it took it. */
static bool tls_certificates(struct tls_state *t, struct tls_side *sd, uint8_t *msg, uint32_t len)
{
    struct cursor c;
    uint32_t total;
    uint8_t b[3];

    cursor_init(&c, msg, len);
    /* As Suricata: a list longer than the message, and a second Certificate message
     * of the same side, are dropped without an event. */
    if (!cursor_bytes(&c, b, 3))
        return false;
    total = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
    if (!cursor_has(&c, total) || sd->certs_seen)
        return false;
    sd->certs_seen = true;
    sd->chain = msg;
    sd->chain_size = len;

    struct cursor list;
    cursor_sub(&c, total, &list);
    bool warned = false;
    while (cursor_left(&list) > 0) {
        uint32_t n;
        if (!cursor_bytes(&list, b, 3) ||
            !cursor_has(&list, n = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2])) {
            tls_event(t, TLS_EV_INVALID_CERTIFICATE);
            break;
        }
        uint32_t off = (uint32_t)(cursor_ptr(&list) - msg);
        cursor_skip(&list, n);
        /* As Suricata (whose certificate counter never advances): every certificate
         * is tried until one parses; that one is the first certificate's fields. */
        if (sd->cert0 == NULL) {
            struct x509_cert *x = malloc(sizeof(*x));
            if (x == NULL)
                break;
            if (x509_parse(msg + off, n, x) != CANH_OK) {
                /* As Suricata: the event, and the certificate is left out of the
                 * chain. */
                tls_event(t, X509_EVENTS[x->error < X509_E_MAX ? x->error : X509_E_NONE]);
                free(x);
                continue;
            }
            if (x->name_cut || x->serial_cut)
                tls_event(t, TLS_EV_CERTIFICATE_TEXT_CUT);
            sd->cert0 = x;
        }
        if (sd->ncerts == TLS_MAX_CERTS) {
            if (!warned)
                tls_event(t, TLS_EV_TOO_MANY_CERTIFICATES);
            warned = true;
            continue;
        }
        sd->cert_off[sd->ncerts] = off;
        sd->cert_len[sd->ncerts] = n;
        sd->ncerts++;
    }
    return true;
}

/* ---------------------------------------------------------------------------------- */
/* Handshake layer                                                                    */
/* ---------------------------------------------------------------------------------- */

static bool hs_supported(uint8_t type)
{
    switch (type) {
    case HS_HELLO_REQUEST:
    case HS_CLIENT_HELLO:
    case HS_SERVER_HELLO:
    case HS_NEW_SESSION_TICKET:
    case HS_CERTIFICATE:
    case HS_SERVER_KEY_EXCHANGE:
    case HS_CERTIFICATE_REQUEST:
    case HS_SERVER_HELLO_DONE:
    case HS_CERTIFICATE_VERIFY:
    case HS_CLIENT_KEY_EXCHANGE:
    case HS_FINISHED:
    case HS_CERTIFICATE_URL:
    case HS_CERTIFICATE_STATUS:
        return true;
    default:
        return false;
    }
}

/* One whole handshake message of side 'dir', in sd->hs_buf. */
static void hs_message(struct tls_state *t, int dir)
{
    struct tls_side *sd = &t->s[dir];
    uint8_t *msg = sd->hs_buf;
    uint32_t len = sd->hs_len;

    t->stats->handshake_msgs[dir]++;
    if (len == 0)
        return; /* as Suricata: an empty message sets nothing */
    switch (sd->hs_type) {
    case HS_CLIENT_HELLO:
        tls_hello(t, sd, msg, len, false);
        t->flags |= F_CLIENT_HELLO;
        sd->progress |= TLS_P_HELLO;
        break;
    case HS_SERVER_HELLO:
        tls_hello(t, sd, msg, len, true);
        t->flags |= F_SERVER_HELLO;
        sd->progress |= TLS_P_HELLO;
        break;
    case HS_SERVER_KEY_EXCHANGE:
    case HS_CLIENT_KEY_EXCHANGE:
        sd->progress |= TLS_P_KEY_EXCHANGE;
        break;
    case HS_CERTIFICATE:
        sd->progress |= TLS_P_CERTIFICATE;
        if (tls_certificates(t, sd, msg, len)) {
            sd->hs_buf = NULL; /* now the chain */
            sd->hs_cap = 0;
        }
        break;
    case HS_CERTIFICATE_REQUEST:
        if (dir == 1)
            t->flags |= F_NEED_CLIENT_CERT;
        break;
    default:
        break;
    }
}

/* Grows the handshake buffer to hold 'need' octets (need <= TLS_HANDSHAKE_MAX). */
static bool hs_reserve(struct tls_side *sd, uint32_t need)
{
    if (need <= sd->hs_cap)
        return true;
    uint32_t cap = sd->hs_cap ? sd->hs_cap : TLS_HS_BUF_MIN;
    while (cap < need)
        cap *= 2;
    if (cap > TLS_HANDSHAKE_MAX)
        cap = TLS_HANDSHAKE_MAX;
    uint8_t *p = realloc(sd->hs_buf, cap);
    if (p == NULL)
        return false;
    sd->hs_buf = p;
    sd->hs_cap = cap;
    return true;
}

/* Handshake record body octets of side 'dir'. A message header split across records is
 * put together too (Suricata instead refuses it, invalid_ssl_record, and stops the flow;
 * no implementation sends one). */
static void hs_feed(struct tls_state *t, int dir, const uint8_t *p, uint32_t n)
{
    struct tls_side *sd = &t->s[dir];
    while (n > 0 && !t->failed) {
        if (!sd->hs_in_msg) {
            uint32_t take = TLS_HS_HDR_LEN - sd->hs_hdr_len;
            if (take > n)
                take = n;
            memcpy(sd->hs_hdr + sd->hs_hdr_len, p, take);
            sd->hs_hdr_len = (uint8_t)(sd->hs_hdr_len + take);
            p += take;
            n -= take;
            if (sd->hs_hdr_len < TLS_HS_HDR_LEN)
                return;
            sd->hs_type = sd->hs_hdr[0];
            sd->hs_len = (uint32_t)sd->hs_hdr[1] << 16 | (uint32_t)sd->hs_hdr[2] << 8 | sd->hs_hdr[3];
            sd->hs_have = 0;
            sd->hs_in_msg = true;
            sd->hs_skip = false;
            if (!hs_supported(sd->hs_type)) {
                sd->hs_skip = true;
                /* After ChangeCipherSpec these are encrypted messages. */
                if (!(t->flags & (dir ? F_SERVER_CCS : F_CLIENT_CCS)))
                    tls_event(t, TLS_EV_INVALID_HANDSHAKE_MESSAGE);
            } else if (sd->hs_len > TLS_HANDSHAKE_MAX) {
                sd->hs_skip = true;
                tls_event(t, TLS_EV_HANDSHAKE_TOO_LONG);
            }
        }
        uint32_t take = sd->hs_len - sd->hs_have;
        if (take > n)
            take = n;
        if (!sd->hs_skip && take > 0) {
            if (!hs_reserve(sd, sd->hs_have + take)) {
                sd->hs_skip = true; /* out of memory: the message is lost */
            } else {
                memcpy(sd->hs_buf + sd->hs_have, p, take);
            }
        }
        sd->hs_have += take;
        p += take;
        n -= take;
        if (sd->hs_have == sd->hs_len) {
            if (!sd->hs_skip)
                hs_message(t, dir);
            sd->hs_in_msg = false;
            sd->hs_hdr_len = 0;
            if (sd->hs_buf != NULL && sd->hs_cap > 4 * TLS_HS_BUF_MIN) {
                free(sd->hs_buf); /* do not keep a large buffer for the next message */
                sd->hs_buf = NULL;
                sd->hs_cap = 0;
            }
        }
    }
}

/* ---------------------------------------------------------------------------------- */
/* Record layer                                                                       */
/* ---------------------------------------------------------------------------------- */

/* Bytes of the SSLv2 header before the body: the length (2 or 3 octets) and the
 * message type. */
static uint32_t sslv2_hdr_len(uint8_t first)
{
    return (first & 0x80) ? 3 : 4;
}

static void record_header_sslv2(struct tls_state *t, int dir)
{
    struct tls_side *sd = &t->s[dir];
    uint32_t len;
    if (sd->hdr[0] & 0x80) {
        len = (uint32_t)(sd->hdr[0] & 0x7f) << 8 | sd->hdr[1];
        sd->rec_type = sd->hdr[2];
    } else {
        len = (uint32_t)(sd->hdr[0] & 0x3f) << 8 | sd->hdr[1];
        sd->rec_type = sd->hdr[3];
    }
    t->stats->sslv2_records[dir]++;
    sd->version = TLS_VERSION_SSL2;
    if (len == 0) {
        tls_fail(t, TLS_EV_INVALID_SSLV2_HEADER);
        return;
    }
    sd->rec_len = len - 1; /* the length counts the message type */
    sd->rec_left = sd->rec_len;
    sd->in_body = true;
}

static void record_end_sslv2(struct tls_state *t, int dir)
{
    struct tls_side *sd = &t->s[dir];
    switch (sd->rec_type) {
    case SSL2_MT_ERROR:
        tls_event(t, TLS_EV_ERROR_MESSAGE_ENCOUNTERED);
        break;
    case SSL2_MT_CLIENT_HELLO:
        /* version(2) cipher_specs_length(2) session_id_length(2) challenge_length(2) */
        if (sd->rec_len < 6) {
            tls_fail(t, TLS_EV_INVALID_SSL_RECORD);
            return;
        }
        sd->version = (uint16_t)(sd->head[0] << 8 | sd->head[1]);
        t->flags |= F_CLIENT_HELLO | F_SSL2_CLIENT_HS;
        sd->progress |= TLS_P_HELLO;
        break;
    case SSL2_MT_SERVER_HELLO:
        t->flags |= F_SERVER_HELLO | F_SSL2_SERVER_HS;
        sd->progress |= TLS_P_HELLO;
        break;
    default:
        /* Master key, finished, verify, certificate messages: once both hellos are
         * seen, the rest is encrypted. */
        if ((t->flags & F_SSL2_CLIENT_HS) && (t->flags & F_SSL2_SERVER_HS))
            sd->progress |= TLS_P_ENCRYPTED;
        break;
    }
}

/* Heartbeat record (RFC 6520 4), with Suricata's checks (CVE-2014-0160). */
static void record_end_heartbeat(struct tls_state *t, int dir)
{
    struct tls_side *sd = &t->s[dir];
    t->stats->heartbeats[dir]++;
    if (sd->rec_len < 3)
        return;
    uint8_t type = sd->head[0];
    uint32_t payload = (uint32_t)sd->head[1] << 8 | sd->head[2];
    bool encrypted = (t->flags & F_CCS) != 0;
    if (!encrypted && type != 1 && type != 2) {
        tls_fail(t, TLS_EV_INVALID_HEARTBEAT);
        return;
    }
    if (!(t->flags & F_HB_INFLIGHT)) {
        t->flags |= F_HB_INFLIGHT | (dir ? F_HB_SERVER_INIT : F_HB_CLIENT_INIT);
        if (encrypted) {
            t->hb_record_len = sd->rec_len;
            return;
        }
        if (payload + 3 > sd->rec_len) {
            tls_fail(t, TLS_EV_OVERFLOW_HEARTBEAT);
            return;
        }
        if (sd->rec_len - payload - 3 < 16) { /* padding: at least 16 octets */
            tls_fail(t, TLS_EV_INVALID_HEARTBEAT);
            return;
        }
    } else if ((dir == 1 && (t->flags & F_HB_SERVER_INIT)) ||
               (dir == 0 && (t->flags & F_HB_CLIENT_INIT))) {
        tls_fail(t, TLS_EV_INVALID_HEARTBEAT); /* several in flight from one side */
        return;
    } else {
        t->flags &= ~(F_HB_INFLIGHT | F_HB_SERVER_INIT | F_HB_CLIENT_INIT);
        if (encrypted && t->hb_record_len > 0 && t->hb_record_len < sd->rec_len) {
            t->hb_record_len = 0;
            tls_fail(t, TLS_EV_DATALEAK_HEARTBEAT_MISMATCH);
            return;
        }
        t->hb_record_len = 0;
    }
}

static void record_header_tls(struct tls_state *t, int dir)
{
    struct tls_side *sd = &t->s[dir];
    uint8_t type = sd->hdr[0];
    uint16_t version = (uint16_t)(sd->hdr[1] << 8 | sd->hdr[2]);
    uint32_t len = (uint32_t)sd->hdr[3] << 8 | sd->hdr[4];
    uint16_t prev = sd->version;

    t->stats->records[dir]++;
    /* As Suricata: the record's version is the side's until its hello has set one. */
    bool hello = (t->flags & (dir ? F_SERVER_HELLO : F_CLIENT_HELLO)) != 0;
    if (!(hello && sd->version != TLS_VERSION_UNKNOWN))
        sd->version = version;

    sd->rec_type = type;
    sd->rec_len = len;
    sd->rec_left = len;
    sd->rec_parse = false;
    sd->rec_skip = false;
    sd->rec_have = 0;
    if (type < REC_CHANGE_CIPHER_SPEC || type > REC_HEARTBEAT) {
        /* As Suricata (after Wireshark): tolerated in TLS 1.0 and 1.1 only. Suricata
         * drops the rest of that call's data; the record is skipped here. */
        if (prev != TLS_VERSION_10 && prev != TLS_VERSION_11) {
            tls_fail(t, TLS_EV_INVALID_RECORD_TYPE);
            return;
        }
        tls_event(t, TLS_EV_INVALID_RECORD_TYPE);
        sd->version = prev;
        sd->rec_skip = true;
        sd->in_body = len > 0;
        return;
    }
    if (len == 0) {
        tls_fail(t, TLS_EV_INVALID_RECORD_LENGTH);
        return;
    }
    if (!tls_version_valid(sd->version)) {
        tls_fail(t, TLS_EV_INVALID_RECORD_VERSION);
        return;
    }
    if (len > TLS_RECORD_MAX) {
        tls_fail(t, TLS_EV_INVALID_RECORD_LENGTH);
        return;
    }
    sd->in_body = true;
    switch (type) {
    case REC_HANDSHAKE:
        if (t->flags & F_CCS) {
            /* As Suricata: after a ChangeCipherSpec handshake records are encrypted,
             * except TLS 1.3 middlebox-compatibility mode before the ServerHello. */
            if (!((t->flags & F_CLIENT_HELLO) && t->s[0].version > TLS_VERSION_12 &&
                  !(t->flags & F_SERVER_HELLO))) {
                t->stats->encrypted_records[dir]++;
                return;
            }
        }
        if (len < TLS_HS_HDR_LEN) {
            tls_fail(t, TLS_EV_INVALID_SSL_RECORD);
            return;
        }
        sd->rec_parse = true;
        break;
    case REC_APPLICATION_DATA:
        t->stats->encrypted_records[dir]++;
        sd->progress |= TLS_P_ENCRYPTED;
        free(sd->rec_buf); /* the handshake is over: no record is put together any more */
        sd->rec_buf = NULL;
        break;
    case REC_ALERT:
        t->stats->alerts[dir]++;
        break;
    default:
        break;
    }
}

static void record_end_tls(struct tls_state *t, int dir)
{
    struct tls_side *sd = &t->s[dir];
    switch (sd->rec_type) {
    case REC_CHANGE_CIPHER_SPEC:
        t->flags |= F_CCS | (dir ? F_SERVER_CCS : F_CLIENT_CCS);
        sd->progress |= TLS_P_CHANGE_CIPHER;
        break;
    case REC_HEARTBEAT:
        record_end_heartbeat(t, dir);
        break;
    default:
        break;
    }
}

/* Record body octets. */
/* Record body octets. As Suricata, a handshake record is parsed once it is whole (a
 * capture that ends inside a record shows nothing of it): it is fed to the handshake
 * layer straight from the input when it is there whole, else put together in
 * sd->rec_buf (at most TLS_RECORD_MAX octets). */
static void record_body(struct tls_state *t, int dir, const uint8_t *p, uint32_t n)
{
    struct tls_side *sd = &t->s[dir];
    if (sd->head_len < TLS_REC_HEAD_MAX) {
        uint32_t k = TLS_REC_HEAD_MAX - sd->head_len;
        if (k > n)
            k = n;
        memcpy(sd->head + sd->head_len, p, k);
        sd->head_len = (uint8_t)(sd->head_len + k);
    }
    if (sd->sslv2)
        return;
    if (sd->rec_type == REC_APPLICATION_DATA && n > 0) {
        /* 0-RTT data may come before the ServerHello: not the end of the handshake. */
        if (!((t->flags & F_EARLY_DATA) && !(t->flags & F_SERVER_HELLO)))
            t->flags |= F_HANDSHAKE_DONE;
        return;
    }
    if (!sd->rec_parse)
        return;
    if (sd->rec_have == 0 && n == sd->rec_len) {
        hs_feed(t, dir, p, n);
        return;
    }
    if (sd->rec_buf == NULL) {
        sd->rec_buf = malloc(TLS_RECORD_MAX);
        if (sd->rec_buf == NULL) {
            sd->rec_parse = false; /* out of memory: the record is lost */
            return;
        }
    }
    memcpy(sd->rec_buf + sd->rec_have, p, n);
    sd->rec_have += n;
    if (sd->rec_have == sd->rec_len)
        hs_feed(t, dir, sd->rec_buf, sd->rec_len);
}

static void tls_update(struct tls_state *t)
{
    /* As Suricata: the handshake is done once the certificate that matters is read. */
    if (t->flags & F_NEED_CLIENT_CERT) {
        if (t->s[0].cert0 != NULL)
            t->flags |= F_HANDSHAKE_DONE;
    } else if (t->s[1].cert0 != NULL) {
        t->flags |= F_HANDSHAKE_DONE;
    }
    tls_version_str(t->s[1].version, t->s[1].version_text);
}

uint32_t tls_parse(struct tls_state *t, int dir, const uint8_t *data, uint32_t len)
{
    dir = dir ? 1 : 0;
    struct tls_side *sd = &t->s[dir];
    uint32_t off = 0;

    t->stats->bytes[dir] += len;
    while (off < len && !t->failed && !sd->lost) {
        if (!sd->in_body) {
            if (sd->hdr_len == 0) {
                /* A new record: as Suricata, an SSLv2 header has bit 7 or 6 set. */
                if (data[off] & 0xc0) {
                    sd->sslv2 = true;
                    sd->version = TLS_VERSION_SSL2;
                } else {
                    sd->sslv2 = false;
                    if (sd->version == TLS_VERSION_SSL2)
                        sd->version = TLS_VERSION_UNKNOWN;
                }
            }
            uint32_t need = sd->sslv2 ? sslv2_hdr_len(sd->hdr_len ? sd->hdr[0] : data[off])
                                      : TLS_RECORD_HDR_LEN;
            uint32_t take = need - sd->hdr_len;
            if (take > len - off)
                take = len - off;
            memcpy(sd->hdr + sd->hdr_len, data + off, take);
            sd->hdr_len = (uint8_t)(sd->hdr_len + take);
            off += take;
            if (sd->hdr_len < need)
                break;
            sd->head_len = 0;
            if (sd->sslv2)
                record_header_sslv2(t, dir);
            else
                record_header_tls(t, dir);
            if (!sd->in_body) /* fatal, or an empty skipped record */
                sd->hdr_len = 0;
            continue;
        }
        uint32_t take = sd->rec_left;
        if (take > len - off)
            take = len - off;
        if (!sd->rec_skip)
            record_body(t, dir, data + off, take);
        sd->rec_left -= take;
        off += take;
        if (sd->rec_left == 0 && !t->failed) {
            if (sd->sslv2)
                record_end_sslv2(t, dir);
            else if (!sd->rec_skip)
                record_end_tls(t, dir);
            sd->in_body = false;
            sd->hdr_len = 0;
        }
    }
    if (off < len)
        t->stats->ignored_bytes[dir] += len - off;
    tls_update(t);
    return len;
}

/* ---------------------------------------------------------------------------------- */
/* State                                                                              */
/* ---------------------------------------------------------------------------------- */

struct tls_state *tls_state_new(void)
{
    struct tls_stats *own = calloc(1, sizeof(*own));
    if (own == NULL)
        return NULL;
    struct tls_state *t = tls_state_new_shared(own);
    if (t == NULL) {
        free(own);
        return NULL;
    }
    t->own_stats = own;
    return t;
}

struct tls_state *tls_state_new_shared(struct tls_stats *stats)
{
    struct tls_state *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->stats = stats;
    for (int d = 0; d < 2; d++)
        tls_version_str(TLS_VERSION_UNKNOWN, t->s[d].version_text);
    return t;
}

void tls_state_free(struct tls_state *t)
{
    if (t == NULL)
        return;
    for (int d = 0; d < 2; d++) {
        free(t->s[d].hs_buf);
        free(t->s[d].rec_buf);
        free(t->s[d].ja3);
        free(t->s[d].cert0);
        free(t->s[d].chain);
    }
    free(t->own_stats);
    free(t);
}

size_t tls_state_memuse(const struct tls_state *t)
{
    if (t == NULL)
        return 0;
    size_t n = sizeof(*t);
    for (int d = 0; d < 2; d++) {
        const struct tls_side *sd = &t->s[d];
        n += sd->hs_cap + sd->chain_size;
        if (sd->rec_buf != NULL)
            n += TLS_RECORD_MAX;
        if (sd->ja3 != NULL)
            n += sd->ja3_len + 1;
        if (sd->cert0 != NULL)
            n += sizeof(*sd->cert0);
    }
    return n;
}

void tls_gap(struct tls_state *t, int dir)
{
    struct tls_side *sd = &t->s[dir ? 1 : 0];
    t->stats->gaps[dir ? 1 : 0]++;
    if (sd->lost)
        return;
    sd->lost = true;
    sd->in_body = false;
    sd->hdr_len = 0;
    sd->hs_in_msg = false;
    sd->hs_hdr_len = 0;
    free(sd->hs_buf);
    sd->hs_buf = NULL;
    sd->hs_cap = 0;
    free(sd->rec_buf);
    sd->rec_buf = NULL;
    tls_event(t, TLS_EV_GAP);
}

void tls_eof(struct tls_state *t, int dir)
{
    t->s[dir ? 1 : 0].eof = true;
}

uint32_t tls_progress(const struct tls_state *t, int dir)
{
    uint32_t p = t->s[dir ? 1 : 0].progress;
    if (t->flags & F_HANDSHAKE_DONE)
        p |= TLS_P_HANDSHAKE_DONE;
    if (t->s[0].eof && t->s[1].eof)
        p |= TLS_P_FINISHED;
    return p;
}

enum tls_tx_progress tls_tx_progress(const struct tls_state *t, int dir)
{
    if (t->s[0].eof && t->s[1].eof)
        return TLS_TX_FINISHED;
    if (t->flags & F_HANDSHAKE_DONE)
        return TLS_TX_HANDSHAKE_DONE;
    if (dir == 0 && t->s[1].cert0 != NULL)
        return TLS_TX_CERT_READY;
    return TLS_TX_IN_PROGRESS;
}

static bool buf_set(const void *p, uint32_t n, const uint8_t **data, uint32_t *len)
{
    *data = p;
    *len = n;
    return true;
}

bool tls_buffer_dir(const struct tls_state *t, int dir, enum tls_buf b, const uint8_t **data,
                    uint32_t *len)
{
    const struct tls_side *cl = &t->s[0], *sv = &t->s[1];
    const struct x509_cert *x = t->s[dir ? 1 : 0].cert0;
    *data = NULL;
    *len = 0;
    switch (b) {
    case TLS_BUF_SNI:
        return cl->has_sni && buf_set(cl->sni, cl->sni_len, data, len);
    case TLS_BUF_CERT_SUBJECT:
        return x != NULL && buf_set(x->subject, x->subject_len, data, len);
    case TLS_BUF_CERT_ISSUER:
        return x != NULL && buf_set(x->issuer, x->issuer_len, data, len);
    case TLS_BUF_CERT_SERIAL:
        return x != NULL && buf_set(x->serial, x->serial_len, data, len);
    case TLS_BUF_CERT_FINGERPRINT:
        return x != NULL && buf_set(x->fingerprint, (uint32_t)strlen(x->fingerprint), data, len);
    case TLS_BUF_JA3_HASH:
        return cl->has_ja3_hash && buf_set(cl->ja3_hash, TLS_JA3_HASH_LEN, data, len);
    case TLS_BUF_JA3_STRING:
        return cl->ja3 != NULL && buf_set(cl->ja3, cl->ja3_len, data, len);
    case TLS_BUF_JA3S_HASH:
        return sv->has_ja3_hash && buf_set(sv->ja3_hash, TLS_JA3_HASH_LEN, data, len);
    case TLS_BUF_JA3S_STRING:
        return sv->ja3 != NULL && buf_set(sv->ja3, sv->ja3_len, data, len);
    case TLS_BUF_VERSION:
        return buf_set(sv->version_text, (uint32_t)strlen(sv->version_text), data, len);
    default:
        return false;
    }
}

bool tls_buffer(const struct tls_state *t, enum tls_buf b, const uint8_t **data, uint32_t *len)
{
    return tls_buffer_dir(t, 1, b, data, len);
}

uint32_t tls_cert_count(const struct tls_state *t, int dir)
{
    return t->s[dir ? 1 : 0].ncerts;
}

bool tls_cert(const struct tls_state *t, int dir, uint32_t idx, const uint8_t **der, uint32_t *len)
{
    const struct tls_side *sd = &t->s[dir ? 1 : 0];
    if (idx >= sd->ncerts) {
        *der = NULL;
        *len = 0;
        return false;
    }
    *der = sd->chain + sd->cert_off[idx];
    *len = sd->cert_len[idx];
    return true;
}

const struct x509_cert *tls_cert0(const struct tls_state *t, int dir)
{
    return t->s[dir ? 1 : 0].cert0;
}

uint16_t tls_version(const struct tls_state *t, int dir)
{
    return t->s[dir ? 1 : 0].version;
}

bool tls_session_resumed(const struct tls_state *t)
{
    return (t->flags & F_SESSION_RESUMED) && t->s[1].cert0 == NULL &&
           (t->flags & F_SERVER_HELLO) && !(t->flags & F_LOG_WITHOUT_CERT);
}

uint64_t tls_take_events(struct tls_state *t)
{
    uint64_t e = t->events;
    t->events = 0;
    return e;
}

const struct tls_stats *tls_stats(const struct tls_state *t)
{
    return t->stats;
}

const char *tls_event_name(enum tls_event e)
{
    static const char *const names[TLS_EV_MAX] = {
#define TLS_EV_NAME(name, text) [TLS_EV_##name] = text,
        TLS_EVENTS(TLS_EV_NAME)
#undef TLS_EV_NAME
    };
    if ((unsigned)e >= TLS_EV_MAX)
        return "unknown";
    return names[e];
}
