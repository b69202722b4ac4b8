/* Application layer over reassembled TCP streams. See applayer-tcp.h.
 *
 * Protocol detection looks at the first bytes of each side, as Suricata's probing
 * parsers do: an HTTP method or "HTTP/", a TLS or SSLv2 record header, "SSH-". A side
 * that does not tell is held (up to APPLAYER_PROBE_HOLD bytes) while the other side may
 * still tell; then it takes nDPI's verdict when there is one. A protocol Canh does not
 * parse over the stream leaves the side to the packet parsers (DNS, SSH lines) and to
 * raw stream rules. */
#include "applayer/applayer-tcp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "applayer/applayer-int.h"
#include "detect/detect-int.h"
#include "detect/detect-run.h"
#include "output/output-eve.h"

#define APPLAYER_PROBE_MIN 4     /* bytes before a side is probed */
#define APPLAYER_PROBE_HOLD 4096 /* bytes of an undetected side held while the other
                                    side may still tell the protocol */
#define APPLAYER_FEED_ROUNDS 64  /* parse rounds per call (each consumes bytes or stops) */

void applayer_tcp_configure(struct applayer_thread *a, const struct applayer_tcp_conf *c)
{
    a->tcp_conf = *c;
}

const struct applayer_tcp_stats *applayer_tcp_stats(const struct applayer_thread *a)
{
    return &a->tcp_stats;
}

/* ---------------------------------------------------------------------------------- */
/* Detection                                                                          */
/* ---------------------------------------------------------------------------------- */

static bool is_http_request(const uint8_t *d, uint32_t n)
{
    static const char *const methods[] = {
        "GET ",     "POST ",     "HEAD ",   "PUT ",       "DELETE ",    "OPTIONS ",
        "CONNECT ", "TRACE ",    "PATCH ",  "PROPFIND ",  "PROPPATCH ", "MKCOL ",
        "COPY ",    "MOVE ",     "LOCK ",   "UNLOCK ",    "SEARCH ",    "REPORT ",
        "CHECKOUT ", "MERGE ",   "NOTIFY ", "SUBSCRIBE ", "UNSUBSCRIBE ", "M-SEARCH ",
        "PURGE ",   "MKACTIVITY ",
    };
    for (unsigned i = 0; i < ARRAY_SIZE(methods); i++) {
        size_t l = strlen(methods[i]);
        uint32_t cmp = n < l ? n : (uint32_t)l;
        if (strncasecmp((const char *)d, methods[i], cmp) == 0 && n >= l)
            return true;
    }
    return false;
}

static bool has_word(const uint8_t *d, uint32_t n, const char *w)
{
    size_t l = strlen(w);
    for (uint32_t i = 0; i + l <= n && d[i] != '\n'; i++)
        if (strncasecmp((const char *)d + i, w, l) == 0)
            return true;
    return false;
}

/* Mail and file-transfer greetings and commands (RFC 5321 4.2, RFC 959 5.4, RFC 3501
 * 7.1.1, RFC 1939 4): only named for rules; Canh does not parse them. */
static int probe_text(const uint8_t *d, uint32_t n, int side, uint16_t sport)
{
    if (n < 4)
        return ALPROTO_UNKNOWN;
    if (side == FLOW_TO_SERVER) {
        if (strncasecmp((const char *)d, "EHLO ", 5) == 0 || strncasecmp((const char *)d, "HELO ", 5) == 0)
            return ALPROTO_SMTP;
        return ALPROTO_UNKNOWN;
    }
    if (memcmp(d, "220", 3) == 0 && (d[3] == ' ' || d[3] == '-')) {
        if (has_word(d, n, "FTP"))
            return ALPROTO_FTP;
        if (has_word(d, n, "SMTP") || has_word(d, n, "mail"))
            return ALPROTO_SMTP;
        if (sport == 21)
            return ALPROTO_FTP;
        if (sport == 25 || sport == 587 || sport == 465 || sport == 2525)
            return ALPROTO_SMTP;
        return ALPROTO_UNKNOWN;
    }
    if (memcmp(d, "* OK", 4) == 0)
        return ALPROTO_IMAP;
    if (memcmp(d, "+OK", 3) == 0)
        return ALPROTO_POP3;
    return ALPROTO_UNKNOWN;
}

/* The protocol of side 'side' from its first bytes; ALPROTO_UNKNOWN when they do not
 * tell (yet). */
static int probe(const uint8_t *d, uint32_t n, int side, uint16_t server_port)
{
    if (n >= 5 && memcmp(d, "HTTP/", 5) == 0)
        return ALPROTO_HTTP;
    if (is_http_request(d, n))
        return ALPROTO_HTTP;
    /* TLS record: handshake (22) or alert (21), version 3.x */
    if (n >= 3 && (d[0] == 0x16 || d[0] == 0x15) && d[1] == 3 && d[2] <= 4)
        return ALPROTO_TLS;
    /* SSLv2 ClientHello: 2-byte length with the top bit, message type 1, version 2 or 3 */
    if (n >= 5 && side == FLOW_TO_SERVER && (d[0] & 0x80) && d[2] == 1 && (d[3] == 2 || d[3] == 3))
        return ALPROTO_TLS;
    if (n >= 4 && memcmp(d, "SSH-", 4) == 0)
        return ALPROTO_SSH;
    return probe_text(d, n, side, server_port);
}

static struct applayer_flow *flow_app(struct flow *f, int64_t *allocated)
{
    if (f->app == NULL) {
        f->app = calloc(1, sizeof(*f->app));
        if (f->app == NULL)
            return NULL;
        *allocated += sizeof(*f->app);
    }
    return f->app;
}

static size_t parser_memuse(const struct applayer_flow *af)
{
    return (af->http ? http_state_memuse(af->http) : 0) + (af->tls ? tls_state_memuse(af->tls) : 0) +
           file_track_memuse(af->file[0]) + file_track_memuse(af->file[1]);
}

static void http_body_tap(void *ctx, struct http_tx *tx, int dir, const uint8_t *data, uint32_t len,
                          bool end);

/* Sets the flow's protocol and creates its parser. */
static void set_proto(struct applayer_thread *a, struct flow *f, struct applayer_flow *af, int proto)
{
    f->alproto = (uint8_t)proto;
    if (proto < (int)ARRAY_SIZE(a->tcp_stats.detected))
        STAT_INC(a->tcp_stats.detected[proto]);
    if (proto == ALPROTO_HTTP && af->http == NULL) {
        af->http = http_state_new(&a->tcp_conf.http, &a->tcp_stats.http);
        if (af->http != NULL && a->files != NULL) {
            af->flow = f;
            af->thread = a;
            http_set_body_tap(af->http, http_body_tap, af);
        }
    }
    else if (proto == ALPROTO_TLS && af->tls == NULL)
        af->tls = tls_state_new_shared(&a->tcp_stats.tls);
}

static bool parsed_here(int proto)
{
    return proto == ALPROTO_HTTP || proto == ALPROTO_TLS;
}

/* ---------------------------------------------------------------------------------- */
/* Malformed input: application-layer events                                          */
/* ---------------------------------------------------------------------------------- */

static const uint16_t http_events[HTTP_EV_MAX] = {
    [HTTP_EV_REQUEST_LINE_INVALID] = APPLAYER_EV_HTTP_REQUEST_LINE_INVALID,
    [HTTP_EV_RESPONSE_LINE_INVALID] = APPLAYER_EV_HTTP_RESPONSE_LINE_INVALID,
    [HTTP_EV_PROTOCOL_INVALID] = APPLAYER_EV_HTTP_PROTOCOL_INVALID,
    [HTTP_EV_STATUS_INVALID] = APPLAYER_EV_HTTP_STATUS_INVALID,
    [HTTP_EV_HEADER_MISSING_COLON] = APPLAYER_EV_HTTP_HEADER_MISSING_COLON,
    [HTTP_EV_HEADER_NAME_INVALID] = APPLAYER_EV_HTTP_HEADER_NAME_INVALID,
    [HTTP_EV_HEADER_TOO_LONG] = APPLAYER_EV_HTTP_HEADER_TOO_LONG,
    [HTTP_EV_TOO_MANY_HEADERS] = APPLAYER_EV_HTTP_TOO_MANY_HEADERS,
    [HTTP_EV_CONTENT_LENGTH_INVALID] = APPLAYER_EV_HTTP_CONTENT_LENGTH_INVALID,
    [HTTP_EV_TRANSFER_ENCODING_INVALID] = APPLAYER_EV_HTTP_TRANSFER_ENCODING_INVALID,
    [HTTP_EV_SMUGGLING] = APPLAYER_EV_HTTP_SMUGGLING,
    [HTTP_EV_CONTENT_LENGTH_DUPLICATE] = APPLAYER_EV_HTTP_CONTENT_LENGTH_DUPLICATE,
    [HTTP_EV_CHUNK_INVALID] = APPLAYER_EV_HTTP_CHUNK_INVALID,
    [HTTP_EV_DECOMPRESS_FAILED] = APPLAYER_EV_HTTP_DECOMPRESS_FAILED,
    [HTTP_EV_DECOMPRESS_LIMIT] = APPLAYER_EV_HTTP_DECOMPRESS_LIMIT,
    [HTTP_EV_BODY_TRUNCATED] = APPLAYER_EV_HTTP_BODY_TRUNCATED,
    [HTTP_EV_BODY_INCOMPLETE] = APPLAYER_EV_HTTP_BODY_INCOMPLETE,
    [HTTP_EV_GAP] = APPLAYER_EV_HTTP_GAP,
    [HTTP_EV_TOO_MANY_TXS] = APPLAYER_EV_HTTP_TOO_MANY_TXS,
    [HTTP_EV_UNMATCHED_RESPONSE] = APPLAYER_EV_HTTP_UNMATCHED_RESPONSE,
    [HTTP_EV_REQUEST_BODY_UNEXPECTED] = APPLAYER_EV_HTTP_REQUEST_BODY_UNEXPECTED,
    [HTTP_EV_HOST_MISSING] = APPLAYER_EV_HTTP_HOST_MISSING,
    [HTTP_EV_HOST_INVALID] = APPLAYER_EV_HTTP_HOST_INVALID,
    [HTTP_EV_HOST_AMBIGUOUS] = APPLAYER_EV_HTTP_HOST_AMBIGUOUS,
};

static enum applayer_event tls_app_event(int ev)
{
    static const uint16_t first = APPLAYER_EV_TLS_INVALID_SSLV2_HEADER;
    return (enum applayer_event)(first + ev); /* the .def lists enum tls_event in order */
}

static void raise_event(struct applayer_thread *a, struct flow *f, const struct dpi_thread *dpi,
                        const char *layer, enum applayer_event ev)
{
    if (ev == APPLAYER_EV_NONE)
        return;
    STAT_INC(a->stats.events[ev]);
    applayer_flow_event(f, ev);
    if (a->cur_eve != NULL && a->cur_pkt != NULL)
        eve_applayer_anomaly(a->cur_eve, a->cur_pkt, f, dpi, layer, applayer_event_name(ev),
                             applayer_event_sid(ev));
}

/* Events the parsers raised since last time: HTTP per transaction (each once), TLS per
 * flow. */
static void parser_events(struct applayer_thread *a, struct flow *f, struct applayer_flow *af,
                          const struct dpi_thread *dpi)
{
    if (af->tls != NULL) {
        uint64_t ev = tls_take_events(af->tls);
        for (int i = 0; ev != 0 && i < TLS_EV_MAX; i++)
            if (ev & ((uint64_t)1 << i)) {
                raise_event(a, f, dpi, "tls", tls_app_event(i));
                ev &= ~((uint64_t)1 << i);
            }
    }
    if (af->http == NULL)
        return;
    for (struct http_tx *tx = http_tx_first(af->http); tx != NULL; tx = http_tx_next(tx)) {
        uint32_t ev = http_tx_events(tx);
        uint64_t id = http_tx_id(tx);
        unsigned slot = (unsigned)(id % APPLAYER_EV_SLOTS);
        if (af->ev_txid[slot] != id + 1) {
            af->ev_txid[slot] = id + 1;
            af->ev_seen[slot] = 0;
        }
        uint32_t fresh = ev & ~af->ev_seen[slot];
        af->ev_seen[slot] |= ev;
        for (int i = 0; fresh != 0 && i < HTTP_EV_MAX; i++)
            if (fresh & (1u << i)) {
                raise_event(a, f, dpi, "http", (enum applayer_event)http_events[i]);
                fresh &= ~(1u << i);
            }
    }
}

/* ---------------------------------------------------------------------------------- */
/* Feeding                                                                            */
/* ---------------------------------------------------------------------------------- */

int64_t applayer_tcp_data(struct applayer_thread *a, struct stream_thread *st, struct flow *f,
                          const struct dpi_thread *dpi, int side, bool eof)
{
    struct stream_session *s = f->stream;
    int64_t allocated = 0;
    if (s == NULL)
        return 0;
    struct applayer_flow *af = flow_app(f, &allocated);
    if (af == NULL) {
        stream_app_done(st, s, side);
        return 0;
    }
    if (af->side_done[side]) {
        stream_app_done(st, s, side);
        return allocated;
    }
    size_t before = parser_memuse(af);
    for (unsigned round = 0; round < APPLAYER_FEED_ROUNDS; round++) {
        const uint8_t *d;
        uint32_t len, gap;
        if (!stream_app_data(s, side, &d, &len, &gap))
            break;
        if (f->alproto == ALPROTO_UNKNOWN || f->alproto == ALPROTO_FAILED) {
            int p = gap == 0 ? probe(d, len, side, flow_server_port(f)) : ALPROTO_UNKNOWN;
            if (p == ALPROTO_UNKNOWN) {
                if (len < APPLAYER_PROBE_MIN && !eof)
                    break; /* wait for more bytes */
                /* The other side may still tell (a request with an unusual method is
                 * known by its response): hold this side's bytes meanwhile. */
                if (!af->side_done[!side] && len < APPLAYER_PROBE_HOLD && !eof)
                    break;
                if (af->probe_fail[side] < UINT8_MAX)
                    af->probe_fail[side]++;
                /* This side does not tell: nDPI's verdict, or nothing. */
                const char *name = dpi != NULL ? dpi_app_proto(dpi, f) : NULL;
                int np = name != NULL ? alproto_by_name(name) : ALPROTO_UNKNOWN;
                if (np != ALPROTO_UNKNOWN && f->alproto == ALPROTO_UNKNOWN)
                    set_proto(a, f, af, np);
                if (!parsed_here(f->alproto)) {
                    if (f->alproto == ALPROTO_UNKNOWN && af->side_done[!side])
                        f->alproto = ALPROTO_FAILED; /* neither side told */
                    af->side_done[side] = true;
                    STAT_INC(a->tcp_stats.undetected);
                    stream_app_done(st, s, side);
                    break;
                }
                /* the other side told: parse this one with that protocol */
            } else {
                set_proto(a, f, af, p);
            }
        }
        if (!parsed_here(f->alproto)) {
            af->side_done[side] = true;
            stream_app_done(st, s, side);
            break;
        }
        uint32_t used = 0;
        if (f->alproto == ALPROTO_HTTP && af->http != NULL) {
            if (gap > 0)
                http_gap(af->http, side, gap);
            used = http_parse(af->http, side, d, len);
        } else if (f->alproto == ALPROTO_TLS && af->tls != NULL) {
            if (gap > 0)
                tls_gap(af->tls, side);
            used = tls_parse(af->tls, side, d, len);
            /* Encrypted application data: as Suricata's default encryption-handling,
             * the flow's payload and raw stream are no longer inspected (the TLS
             * buffers still are). */
            if (a->tcp_conf.tls_stop_payload &&
                ((tls_progress(af->tls, FLOW_TO_SERVER) | tls_progress(af->tls, FLOW_TO_CLIENT)) &
                 TLS_P_ENCRYPTED))
                f->no_payload_inspect = true;
        } else {
            af->side_done[side] = true;
            stream_app_done(st, s, side);
            break;
        }
        af->gen[side]++;
        stream_app_consume(st, s, side, gap + used);
        if (used < len)
            break; /* the parser waits for more bytes */
    }
    if (eof) {
        if (af->http != NULL)
            http_eof(af->http, side);
        if (af->tls != NULL)
            tls_eof(af->tls, side);
        af->gen[side]++;
    }
    if (af->http != NULL || af->tls != NULL)
        parser_events(a, f, af, dpi);
    allocated += (int64_t)parser_memuse(af) - (int64_t)before;
    return allocated;
}

/* ---------------------------------------------------------------------------------- */
/* Transactions for the rules                                                         */
/* ---------------------------------------------------------------------------------- */

/* Rule buffer -> HTTP buffer, per direction (-1: not an HTTP buffer of that side). */
static int http_map(int buf, int dir)
{
    bool ts = dir == FLOW_TO_SERVER;
    switch (buf) {
    case DETECT_BUF_HTTP_URI: return ts ? HTTP_BUF_URI : -1;
    case DETECT_BUF_HTTP_URI_RAW: return ts ? HTTP_BUF_URI_RAW : -1;
    case DETECT_BUF_HTTP_METHOD: return ts ? HTTP_BUF_METHOD : -1;
    case DETECT_BUF_HTTP_PROTOCOL: return ts ? HTTP_BUF_PROTOCOL_REQ : HTTP_BUF_PROTOCOL_RESP;
    case DETECT_BUF_HTTP_REQUEST_LINE: return ts ? HTTP_BUF_REQUEST_LINE : -1;
    case DETECT_BUF_HTTP_HOST: return ts ? HTTP_BUF_HOST : -1;
    case DETECT_BUF_HTTP_HOST_RAW: return ts ? HTTP_BUF_HOST_RAW : -1;
    case DETECT_BUF_HTTP_USER_AGENT: return ts ? HTTP_BUF_USER_AGENT : -1;
    case DETECT_BUF_HTTP_HEADER: return ts ? HTTP_BUF_HEADER_REQ : HTTP_BUF_HEADER_RESP;
    case DETECT_BUF_HTTP_HEADER_RAW: return ts ? HTTP_BUF_HEADER_RAW_REQ : HTTP_BUF_HEADER_RAW_RESP;
    case DETECT_BUF_HTTP_HEADER_NAMES: return ts ? HTTP_BUF_HEADER_NAMES_REQ : HTTP_BUF_HEADER_NAMES_RESP;
    case DETECT_BUF_HTTP_COOKIE: return ts ? HTTP_BUF_COOKIE_REQ : HTTP_BUF_COOKIE_RESP;
    case DETECT_BUF_HTTP_CONTENT_TYPE: return ts ? HTTP_BUF_CONTENT_TYPE_REQ : HTTP_BUF_CONTENT_TYPE_RESP;
    case DETECT_BUF_HTTP_CONTENT_LEN: return ts ? HTTP_BUF_CONTENT_LEN_REQ : HTTP_BUF_CONTENT_LEN_RESP;
    case DETECT_BUF_HTTP_REFERER: return ts ? HTTP_BUF_REFERER : -1;
    case DETECT_BUF_HTTP_ACCEPT: return ts ? HTTP_BUF_ACCEPT : -1;
    case DETECT_BUF_HTTP_ACCEPT_ENC: return ts ? HTTP_BUF_ACCEPT_ENC : -1;
    case DETECT_BUF_HTTP_ACCEPT_LANG: return ts ? HTTP_BUF_ACCEPT_LANG : -1;
    case DETECT_BUF_HTTP_CONNECTION: return ts ? HTTP_BUF_CONNECTION_REQ : HTTP_BUF_CONNECTION_RESP;
    case DETECT_BUF_HTTP_START: return ts ? HTTP_BUF_START_REQ : HTTP_BUF_START_RESP;
    case DETECT_BUF_HTTP_REQUEST_BODY: return ts ? HTTP_BUF_REQUEST_BODY : -1;
    case DETECT_BUF_HTTP_STAT_CODE: return ts ? -1 : HTTP_BUF_STAT_CODE;
    case DETECT_BUF_HTTP_STAT_MSG: return ts ? -1 : HTTP_BUF_STAT_MSG;
    case DETECT_BUF_HTTP_RESPONSE_LINE: return ts ? -1 : HTTP_BUF_RESPONSE_LINE;
    case DETECT_BUF_HTTP_LOCATION: return ts ? -1 : HTTP_BUF_LOCATION;
    case DETECT_BUF_HTTP_SERVER: return ts ? -1 : HTTP_BUF_SERVER;
    case DETECT_BUF_HTTP_RESPONSE_BODY: return ts ? -1 : HTTP_BUF_RESPONSE_BODY;
    case DETECT_BUF_FILE_DATA: return ts ? HTTP_BUF_FILE_DATA_REQ : HTTP_BUF_FILE_DATA_RESP;
    default: return -1;
    }
}

static int http_get(void *ctx, int buf, uint32_t idx, const uint8_t **data, uint32_t *len,
                    bool *final)
{
    const struct applayer_txview *v = ctx;
    const struct http_tx *tx = v->tx;
    int hb = http_map(buf, v->dir);
    *final = true;
    if (hb < 0 || idx > 0)
        return DETECT_GET_NEVER;
    const struct http_buf_info *bi = http_buf_info((enum http_buf)hb);
    int prog = http_tx_progress(tx, bi->dir);
    if (http_tx_buffer(tx, (enum http_buf)hb, data, len)) {
        *final = prog >= HTTP_PROGRESS_COMPLETE || bi->progress < HTTP_PROGRESS_BODY;
        return DETECT_GET_OK;
    }
    if (prog >= HTTP_PROGRESS_COMPLETE || (bi->progress < HTTP_PROGRESS_BODY && prog >= bi->progress))
        return DETECT_GET_NEVER;
    return DETECT_GET_LATER;
}

static void http_field(struct eve *e, const struct http_tx *tx, enum http_buf b, const char *key)
{
    const uint8_t *d;
    uint32_t n;
    if (http_tx_buffer(tx, b, &d, &n) && n > 0)
        json_stringn_k(&e->j, key, strlen(key), (const char *)d, n > 1024 ? 1024 : n);
}

/* Suricata's "http" object in alerts (the fields it logs by default). */
static void http_log(void *ctx, struct eve *e)
{
    const struct applayer_txview *v = ctx;
    const struct http_tx *tx = v->tx;
    json_object_open(&e->j, "http");
    http_field(e, tx, HTTP_BUF_HOST_RAW, "hostname");
    http_field(e, tx, HTTP_BUF_URI_RAW, "url");
    http_field(e, tx, HTTP_BUF_USER_AGENT, "http_user_agent");
    http_field(e, tx, HTTP_BUF_CONTENT_TYPE_RESP, "http_content_type");
    http_field(e, tx, HTTP_BUF_METHOD, "http_method");
    http_field(e, tx, HTTP_BUF_PROTOCOL_REQ, "protocol");
    const uint8_t *d;
    uint32_t n;
    if (http_tx_buffer(tx, HTTP_BUF_STAT_CODE, &d, &n) && n > 0 && n < 8) {
        char code[8];
        memcpy(code, d, n);
        code[n] = '\0';
        json_u64(&e->j, "status", strtoul(code, NULL, 10));
    }
    http_field(e, tx, HTTP_BUF_LOCATION, "redirect");
    if (http_tx_buffer(tx, HTTP_BUF_RESPONSE_BODY, &d, &n))
        json_u64(&e->j, "length", n);
    json_object_close(&e->j);
}

static int tls_map(int buf)
{
    switch (buf) {
    case DETECT_BUF_TLS_SNI: return TLS_BUF_SNI;
    case DETECT_BUF_TLS_SUBJECT: return TLS_BUF_CERT_SUBJECT;
    case DETECT_BUF_TLS_ISSUER: return TLS_BUF_CERT_ISSUER;
    case DETECT_BUF_TLS_SERIAL: return TLS_BUF_CERT_SERIAL;
    case DETECT_BUF_TLS_FINGERPRINT: return TLS_BUF_CERT_FINGERPRINT;
    case DETECT_BUF_JA3_HASH: return TLS_BUF_JA3_HASH;
    case DETECT_BUF_JA3_STRING: return TLS_BUF_JA3_STRING;
    case DETECT_BUF_JA3S_HASH: return TLS_BUF_JA3S_HASH;
    case DETECT_BUF_JA3S_STRING: return TLS_BUF_JA3S_STRING;
    default: return -1;
    }
}

static int tls_get(void *ctx, int buf, uint32_t idx, const uint8_t **data, uint32_t *len,
                   bool *final)
{
    const struct applayer_txview *v = ctx;
    const struct tls_state *t = v->af->tls;
    *final = true;
    bool done = (tls_progress(t, FLOW_TO_SERVER) & (TLS_P_HANDSHAKE_DONE | TLS_P_FINISHED)) != 0 ||
                (tls_progress(t, FLOW_TO_CLIENT) & (TLS_P_HANDSHAKE_DONE | TLS_P_FINISHED)) != 0;
    if (buf == DETECT_BUF_TLS_CERTS) {
        if (tls_cert(t, FLOW_TO_CLIENT, idx, data, len))
            return DETECT_GET_OK;
        return idx == 0 && !done && !(tls_progress(t, FLOW_TO_CLIENT) & TLS_P_CERTIFICATE)
                   ? DETECT_GET_LATER
                   : DETECT_GET_NEVER;
    }
    int tb = tls_map(buf);
    if (tb < 0 || idx > 0)
        return DETECT_GET_NEVER;
    if (tls_buffer(t, (enum tls_buf)tb, data, len))
        return DETECT_GET_OK;
    return done ? DETECT_GET_NEVER : DETECT_GET_LATER;
}

static void tls_log(void *ctx, struct eve *e)
{
    const struct applayer_txview *v = ctx;
    const struct tls_state *t = v->af->tls;
    static const struct { enum tls_buf b; const char *key; } fields[] = {
        { TLS_BUF_CERT_SUBJECT, "subject" }, { TLS_BUF_CERT_ISSUER, "issuerdn" },
        { TLS_BUF_CERT_SERIAL, "serial" },   { TLS_BUF_CERT_FINGERPRINT, "fingerprint" },
        { TLS_BUF_SNI, "sni" },              { TLS_BUF_VERSION, "version" },
    };
    json_object_open(&e->j, "tls");
    for (unsigned i = 0; i < ARRAY_SIZE(fields); i++) {
        const uint8_t *d;
        uint32_t n;
        if (tls_buffer(t, fields[i].b, &d, &n) && n > 0)
            json_stringn_k(&e->j, fields[i].key, strlen(fields[i].key), (const char *)d, n);
    }
    json_object_close(&e->j);
}

static struct applayer_txview *new_view(struct applayer_thread *a)
{
    if (a->views == NULL) {
        a->views = calloc(APPLAYER_MAX_VIEWS, sizeof(*a->views));
        if (a->views == NULL)
            return NULL;
    }
    if (a->nviews == APPLAYER_MAX_VIEWS)
        return NULL;
    return &a->views[a->nviews++];
}

void applayer_set_packet(struct applayer_thread *a, struct eve *e, const struct packet *p)
{
    a->cur_eve = e;
    a->cur_pkt = p;
}

void applayer_reset_views(struct applayer_thread *a)
{
    a->nviews = 0;
}

void applayer_tcp_detect(struct applayer_thread *a, struct flow *f, int dir, bool final)
{
    struct applayer_flow *af = f->app;
    if (af == NULL || a->tx_fn == NULL)
        return;
    if (!final && af->gen[dir] == af->detect_gen[dir])
        return;
    af->detect_gen[dir] = af->gen[dir];
    if (af->http != NULL) {
        for (struct http_tx *tx = http_tx_first(af->http); tx != NULL; tx = http_tx_next(tx)) {
            uint64_t id = http_tx_id(tx);
            if (id < af->done_upto[dir])
                continue;
            int prog = http_tx_progress(tx, dir);
            if (prog == HTTP_PROGRESS_NONE && !final)
                break; /* later transactions have nothing for this side either */
            struct applayer_txview *v = new_view(a);
            if (v == NULL)
                break;
            v->af = af;
            v->tx = tx;
            v->dir = dir;
            struct detect_tx dtx = {
                .alproto = ALPROTO_HTTP,
                .id = id,
                .complete = { final || http_tx_progress(tx, FLOW_TO_SERVER) >= HTTP_PROGRESS_COMPLETE,
                              final || http_tx_progress(tx, FLOW_TO_CLIENT) >= HTTP_PROGRESS_COMPLETE },
                .ctx = v,
                .get = http_get,
                .log = http_log,
            };
            a->tx_fn(a->tx_ctx, dir, &dtx);
            if (dtx.complete[dir] && id == af->done_upto[dir])
                af->done_upto[dir] = id + 1;
        }
    }
    if (af->tls != NULL && !af->tls_done[dir]) {
        /* one transaction per flow; once inspected complete in a direction (every rule
         * decided), the records that follow (encrypted data) have nothing for it */
        struct applayer_txview *v = new_view(a);
        if (v == NULL)
            return;
        v->af = af;
        v->tx = NULL;
        v->dir = dir;
        bool done = final || (tls_progress(af->tls, dir) & (TLS_P_HANDSHAKE_DONE | TLS_P_FINISHED)) != 0;
        struct detect_tx dtx = {
            .alproto = ALPROTO_TLS,
            .id = 0,
            .complete = { done, done },
            .ctx = v,
            .get = tls_get,
            .log = tls_log,
        };
        a->tx_fn(a->tx_ctx, dir, &dtx);
        af->tls_done[dir] = done;
    }
}

void applayer_tcp_gc(struct flow *f)
{
    struct applayer_flow *af = f->app;
    if (af == NULL || af->http == NULL)
        return;
    /* Transactions inspected whole in both directions go, and the rules forget them. */
    uint64_t upto = af->done_upto[0] < af->done_upto[1] ? af->done_upto[0] : af->done_upto[1];
    if (upto > af->gc_upto) {
        for (uint64_t id = af->gc_upto; id < upto; id++)
            detect_tx_forget(f, ALPROTO_HTTP, id);
        http_tx_gc(af->http, upto);
        af->gc_upto = upto;
    }
}

int64_t applayer_tcp_free(struct flow *f)
{
    struct applayer_flow *af = f->app;
    if (af == NULL)
        return 0;
    int64_t mem = (int64_t)parser_memuse(af);
    for (int d = 0; d < 2; d++) {
        file_discard(af->thread != NULL ? af->thread->files : NULL, af->file[d]);
        af->file[d] = NULL;
    }
    http_state_free(af->http);
    tls_state_free(af->tls);
    af->http = NULL;
    af->tls = NULL;
    return mem;
}

/* ---------------------------------------------------------------------------------- */
/* Files                                                                              */
/* ---------------------------------------------------------------------------------- */

void applayer_set_file_hook(struct applayer_thread *a, struct file_thread *ft, applayer_file_fn fn,
                            void *ctx)
{
    a->files = ft;
    a->file_fn = fn;
    a->file_ctx = ctx;
}

/* The filename parameter of a Content-Disposition value (RFC 6266 4.1), quotes removed. */
static bool disposition_name(const uint8_t *v, uint32_t n, const uint8_t **name, uint32_t *len)
{
    for (uint32_t i = 0; i + 9 <= n; i++) {
        if (strncasecmp((const char *)v + i, "filename=", 9) != 0)
            continue;
        uint32_t st = i + 9, e;
        if (st < n && v[st] == '"') {
            st++;
            for (e = st; e < n && v[e] != '"'; e++)
                ;
        } else {
            for (e = st; e < n && v[e] != ';' && v[e] != ' '; e++)
                ;
        }
        if (e > st) {
            *name = v + st;
            *len = e - st;
            return true;
        }
    }
    return false;
}

/* A body's file name: Content-Disposition's filename, else the request's path (as
 * Suricata names HTTP files). */
static void body_name(const struct http_tx *tx, int dir, const uint8_t **name, uint32_t *len)
{
    const uint8_t *v;
    uint32_t n;
    *name = NULL;
    *len = 0;
    if (http_tx_header(tx, dir, "Content-Disposition", &v, &n) && disposition_name(v, n, name, len))
        return;
    if (http_tx_buffer(tx, HTTP_BUF_URI, &v, &n) && n > 0) {
        const uint8_t *q = memchr(v, '?', n);
        *name = v;
        *len = q != NULL ? (uint32_t)(q - v) : n;
    }
}

static void file_report(struct applayer_flow *af, struct http_tx *tx, int dir, struct file_track *ft)
{
    struct applayer_thread *a = af->thread;
    uint32_t ev = http_tx_events(tx);
    if (ev & ((1u << HTTP_EV_GAP) | (1u << HTTP_EV_BODY_INCOMPLETE) | (1u << HTTP_EV_DECOMPRESS_LIMIT)))
        file_gap(a->files, ft);
    struct file_info fi;
    file_close(a->files, ft, &fi);
    if (a->file_fn == NULL)
        return;
    struct applayer_txview *v = new_view(a);
    struct detect_tx dtx = {
        .alproto = ALPROTO_HTTP,
        .id = http_tx_id(tx),
        .complete = { http_tx_progress(tx, 0) >= HTTP_PROGRESS_COMPLETE,
                      http_tx_progress(tx, 1) >= HTTP_PROGRESS_COMPLETE },
        .ctx = v,
        .get = http_get,
        .log = http_log,
    };
    if (v != NULL) {
        v->af = af;
        v->tx = tx;
        v->dir = dir;
    }
    a->file_fn(a->file_ctx, af->flow, dir, &fi, v != NULL ? &dtx : NULL);
}

/* Every decoded body byte of the flow's HTTP messages (http_set_body_tap). A
 * multipart/form-data upload's files are its parts, known once the request is whole
 * (from the body kept for the rules, so up to the request body limit). */
static void http_body_tap(void *ctx, struct http_tx *tx, int dir, const uint8_t *data, uint32_t len,
                          bool end)
{
    struct applayer_flow *af = ctx;
    struct file_thread *ft = af->thread->files;
    if (dir == FLOW_TO_SERVER && http_tx_multipart(tx)) {
        if (!end)
            return;
        const uint8_t *d, *name;
        uint32_t n, nl;
        for (uint32_t idx = 0; http_tx_file(tx, 0, idx, &d, &n); idx++) {
            if (!http_tx_file_name(tx, idx, &name, &nl)) {
                name = NULL;
                nl = 0;
            }
            struct file_track *t = file_open(ft, (const char *)name, nl);
            if (t == NULL)
                continue;
            file_data(ft, t, d, n);
            /* a part that runs to the end of a body cut at the limit is cut too */
            const uint8_t *body;
            uint32_t blen;
            if ((http_tx_events(tx) & (1u << HTTP_EV_BODY_TRUNCATED)) &&
                http_tx_buffer(tx, HTTP_BUF_REQUEST_BODY, &body, &blen) && d + n == body + blen)
                file_gap(ft, t);
            file_report(af, tx, dir, t);
        }
        return;
    }
    if (!end) {
        if (af->file[dir] == NULL) {
            const uint8_t *name;
            uint32_t nl;
            body_name(tx, dir, &name, &nl);
            af->file[dir] = file_open(ft, (const char *)name, nl);
            if (af->file[dir] == NULL)
                return;
        }
        file_data(ft, af->file[dir], data, len);
        return;
    }
    if (af->file[dir] != NULL) {
        struct file_track *t = af->file[dir];
        af->file[dir] = NULL;
        file_report(af, tx, dir, t);
    }
}
