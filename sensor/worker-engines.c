/* The worker's side of the behaviour detectors (detect/detect-behave.h) and of the
 * personal-data leak scanner (detect/detect-pii.h): what each flow, packet and
 * transaction tells them, and their alerts.
 *
 * Behaviour: a flow's start (its first packet), its TCP handshake completing, and its end
 * (port scans, host sweeps and password guessing count failed or short connections,
 * beaconing counts starts); DNS queries (tunnelling); failed logins: HTTP (a 401, or a
 * POST to a login path answered 401/403 or 200 with a failure message), FTP 530, SMTP
 * 535, IMAP NO and POP3 -ERR replies. One struct behave is shared by the workers (a scan
 * spreads over flows that different workers handle).
 *
 * Personal data: what leaves HOME_NET in clear text. The direction that goes from a
 * HOME_NET address to one outside it is scanned: HTTP request targets and bodies (or
 * response bodies, for an inside server answering an outside client), and the raw
 * stream of SMTP, FTP (control and data) and connections no parser claimed. Counts are
 * per flow; the alert (once per kind and flow) carries the counts and masked samples. */
#include "sensor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/detect-int.h"
#include "detect/detect-run.h"
#include "output/output-eve-alert.h"
#include "util/util-json.h"

enum { ENG_STARTED = 1u << 0, ENG_ESTABLISHED = 1u << 1 };

#define BEHAVE_SID_PII_CCCD 8807001
#define BEHAVE_SID_PII_PHONE 8807002

/* ---------------------------------------------------------------------------------- */
/* Behaviour                                                                          */
/* ---------------------------------------------------------------------------------- */

static void behave_flow_of(const struct flow *f, struct behave_flow *bf)
{
    memset(bf, 0, sizeof(*bf));
    bf->ipver = f->key.ipver;
    bf->proto = f->key.proto;
    bf->icmp_type = f->icmp_type;
    bf->client = *flow_client_addr(f);
    bf->server = *flow_server_addr(f);
    bf->cport = flow_client_port(f);
    bf->sport = flow_server_port(f);
    bf->first_us = f->first_us;
    bf->last_us = f->last_us;
    for (int d = 0; d < 2; d++) {
        bf->pkts[d] = f->pkts[d];
        bf->bytes[d] = f->bytes[d];
    }
    if (f->key.proto == 6) {
        bf->syn = (f->tcp_flags[0] & 0x02) && f->tcp_state != FLOW_TCP_NONE;
        bf->established = (f->eng_bits & ENG_ESTABLISHED) != 0;
        bf->rejected = !bf->established && (f->tcp_flags[1] & 0x04);
    }
}

static void md_str(struct json *j, const char *key, const char *v)
{
    json_md(j, key, v, strlen(v));
}

static void md_u64(struct json *j, const char *key, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
    md_str(j, key, b);
}

static void behave_raise(struct worker *w, const struct behave_alert *al, int n)
{
    for (int i = 0; i < n; i++) {
        const struct behave_alert *a = &al[i];
        char md[2048], ts[40], addr[46];
        struct json j;
        json_init(&j, md, sizeof(md));
        json_object_open_k(&j, NULL, 0);
        md_str(&j, "behaviour", behave_kind_name(a->kind));
        md_u64(&j, "count", a->count);
        md_u64(&j, "threshold", a->threshold);
        md_u64(&j, "window_s", a->window_s);
        eve_format_ts(a->first_us, ts);
        md_str(&j, "first_seen", ts);
        eve_format_ts(a->last_us, ts);
        md_str(&j, "last_seen", ts);
        if (a->has_src) {
            eve_addr(&a->src, a->ipver, addr);
            md_str(&j, "attacker", addr);
        }
        if (a->has_dst) {
            eve_addr(&a->dst, a->ipver, addr);
            md_str(&j, "victim", addr);
        }
        if (a->svc != BSVC_MAX)
            md_str(&j, "service", behave_service_name(a->svc));
        if (a->key[0] != '\0')
            md_str(&j, "key", a->key);
        md_str(&j, "detail", a->detail);
        if (a->mitre_technique != NULL)
            md_str(&j, "mitre_technique_id", a->mitre_technique);
        if (a->mitre_tactic != NULL)
            md_str(&j, "mitre_tactic_name", a->mitre_tactic);
        json_object_close(&j);
        if (!json_cstr(&j))
            continue;
        /* the victim: the server of scans, floods and guessing; the inside client of
         * tunnelling and beaconing */
        bool client_victim = a->kind == BEHAVE_DNS_TUNNEL || a->kind == BEHAVE_BEACON;
        struct eve_alert ea = {
            .action = "allowed",
            .rule_action = "alert",
            .gid = 1,
            .sid = a->sid,
            .rev = 1,
            .signature = a->signature,
            .category = a->category,
            .severity = a->severity,
            .source = "behaviour",
            .metadata_json = md,
            .target = alert_target_of(&w->ac, FLOW_TO_SERVER, !client_victim),
            .dir = alert_packet_dir(&w->ac),
            .pcap_cnt = w->ac.pcap_cnt,
        };
        eve_alert(&w->eve, &ea, w->ac.p, w->ac.f, w->dpi);
        STAT_INC(w->eng_stats.behaviour_alerts);
    }
}

static bool is_login_path(const uint8_t *u, uint32_t n)
{
    static const char *const words[] = { "login", "logon", "signin", "sign-in", "auth",
                                         "dang-nhap", "dangnhap", "xmlrpc.php" };
    for (size_t k = 0; k < ARRAY_SIZE(words); k++) {
        size_t l = strlen(words[k]);
        for (uint32_t i = 0; i + l <= n && u[i] != '?'; i++)
            if (strncasecmp((const char *)u + i, words[k], l) == 0)
                return true;
    }
    return false;
}

static bool has_failure_text(const uint8_t *b, uint32_t n)
{
    static const char *const words[] = { "incorrect", "invalid", "failed", "wrong password",
                                         "sai m\xe1\xba\xadt kh\xe1\xba\xa9u", "kh\xc3\xb4ng \xc4\x91\xc3\xbang" };
    if (n > 64 * 1024)
        n = 64 * 1024;
    for (size_t k = 0; k < ARRAY_SIZE(words); k++) {
        size_t l = strlen(words[k]);
        for (uint32_t i = 0; i + l <= n; i++)
            if (strncasecmp((const char *)b + i, words[k], l) == 0)
                return true;
    }
    return false;
}

/* A complete HTTP exchange: was it a login, and did it fail? */
static void http_login(struct worker *w, struct flow *f, const struct detect_tx *tx)
{
    const uint8_t *code, *method, *uri, *body;
    uint32_t cn, mn, un, bn;
    if (!detect_tx_buffer(tx, DETECT_BUF_HTTP_STAT_CODE, &code, &cn) || cn != 3)
        return;
    bool post = detect_tx_buffer(tx, DETECT_BUF_HTTP_METHOD, &method, &mn) && mn == 4 && memcmp(method, "POST", 4) == 0;
    bool login = post && detect_tx_buffer(tx, DETECT_BUF_HTTP_URI_RAW, &uri, &un) && is_login_path(uri, un);
    bool failed;
    if (memcmp(code, "401", 3) == 0)
        failed = true;
    else if (!login)
        return;
    else if (memcmp(code, "403", 3) == 0)
        failed = true;
    else if (memcmp(code, "200", 3) == 0)
        failed = detect_tx_buffer(tx, DETECT_BUF_HTTP_RESPONSE_BODY, &body, &bn) && has_failure_text(body, bn);
    else
        failed = false; /* a redirect: logged in */
    struct behave_flow bf;
    behave_flow_of(f, &bf);
    struct behave_alert out[BEHAVE_ALERTS_PER_CALL];
    behave_raise(w, out, behave_auth_attempt(w->sensor->behave, &bf, BSVC_HTTP, failed,
                                             w->ac.p->ts_us, out, BEHAVE_ALERTS_PER_CALL));
}

/* Server replies of the clear-text login protocols: each failed login line. */
static void service_replies(struct worker *w, struct flow *f, const struct packet *p)
{
    enum behave_service svc;
    switch (f->alproto) {
    case ALPROTO_FTP: svc = BSVC_FTP; break;
    case ALPROTO_SMTP: svc = BSVC_SMTP; break;
    case ALPROTO_IMAP: svc = BSVC_IMAP; break;
    case ALPROTO_POP3: svc = BSVC_POP3; break;
    default: return;
    }
    const uint8_t *d = p->payload, *end = p->payload + p->payload_len;
    while (d < end) {
        const uint8_t *nl = memchr(d, '\n', (size_t)(end - d));
        size_t n = (size_t)((nl != NULL ? nl : end) - d);
        bool fail = false;
        if (svc == BSVC_FTP)
            fail = n >= 4 && memcmp(d, "530", 3) == 0 && (d[3] == ' ' || d[3] == '\r');
        else if (svc == BSVC_SMTP)
            fail = n >= 4 && memcmp(d, "535", 3) == 0;
        else if (svc == BSVC_POP3)
            fail = n >= 4 && memcmp(d, "-ERR", 4) == 0;
        else if (svc == BSVC_IMAP) {
            /* "tag NO [AUTHENTICATIONFAILED] ..." */
            const uint8_t *sp = memchr(d, ' ', n);
            fail = sp != NULL && (size_t)(end - sp) >= 4 && memcmp(sp, " NO ", 4) == 0;
        }
        if (fail) {
            struct behave_flow bf;
            behave_flow_of(f, &bf);
            struct behave_alert out[BEHAVE_ALERTS_PER_CALL];
            behave_raise(w, out, behave_auth_attempt(w->sensor->behave, &bf, svc, true, p->ts_us, out,
                                                     BEHAVE_ALERTS_PER_CALL));
        }
        d += n + 1;
    }
}

void engines_flow_packet(struct worker *w, struct flow *f, const struct packet *p, int dir)
{
    struct behave *b = w->sensor->behave;
    if (b == NULL)
        return;
    struct behave_alert out[BEHAVE_ALERTS_PER_CALL];
    struct behave_flow bf;
    if (!(f->eng_bits & ENG_STARTED)) {
        f->eng_bits |= ENG_STARTED;
        behave_flow_of(f, &bf);
        bf.syn = p->proto == 6 && (p->tcp_flags & 0x12) == 0x02;
        behave_raise(w, out, behave_flow_start(b, &bf, out, BEHAVE_ALERTS_PER_CALL));
    }
    if (p->proto != 6)
        return;
    if (!(f->eng_bits & ENG_ESTABLISHED) && f->tcp_state >= FLOW_TCP_ESTABLISHED &&
        f->tcp_state != FLOW_TCP_CLOSED) {
        f->eng_bits |= ENG_ESTABLISHED;
        behave_flow_of(f, &bf);
        behave_raise(w, out, behave_tcp_established(b, &bf, out, BEHAVE_ALERTS_PER_CALL));
    }
    if (dir == FLOW_TO_CLIENT && p->payload_len > 0)
        service_replies(w, f, p);
}

void engines_flow_end(struct worker *w, struct flow *f)
{
    if (w->sensor->behave == NULL || !(f->eng_bits & ENG_STARTED))
        return;
    struct behave_flow bf;
    behave_flow_of(f, &bf);
    struct behave_alert out[BEHAVE_ALERTS_PER_CALL];
    behave_raise(w, out, behave_flow_end(w->sensor->behave, &bf, out, BEHAVE_ALERTS_PER_CALL));
}

void engines_tick(struct worker *w, uint64_t now_us)
{
    if (w->sensor->behave != NULL)
        behave_expire(w->sensor->behave, now_us);
}

/* ---------------------------------------------------------------------------------- */
/* Personal data                                                                      */
/* ---------------------------------------------------------------------------------- */

/* The direction of 'f' that leaves HOME_NET (FLOW_TO_SERVER or FLOW_TO_CLIENT), or -1. */
static int outbound_dir(struct worker *w, struct flow *f)
{
    if (f->pii_out == 0) {
        const struct addr_set *home = w->sensor->home_net;
        bool c = addr_set_match_ip(home, f->key.ipver, flow_client_addr(f));
        bool s = addr_set_match_ip(home, f->key.ipver, flow_server_addr(f));
        f->pii_out = c && !s ? 1 + FLOW_TO_SERVER : s && !c ? 1 + FLOW_TO_CLIENT : 3;
    }
    return f->pii_out == 3 ? -1 : f->pii_out - 1;
}

static void pii_raise(struct worker *w, struct flow *f, int dir, unsigned kinds)
{
    const struct pii_result *r = f->pii;
    for (int k = 0; k < 2; k++) {
        unsigned bit = k == 0 ? PII_CCCD : PII_PHONE;
        if (!(kinds & bit))
            continue;
        char md[1024];
        struct json j;
        json_init(&j, md, sizeof(md));
        json_object_open_k(&j, NULL, 0);
        md_str(&j, "pii_kind", k == 0 ? "cccd" : "phone");
        md_u64(&j, "pii_count", k == 0 ? r->cccd : r->phone);
        md_u64(&j, "pii_threshold", w->sensor->pii.min_count);
        json_array_open_k(&j, "pii_samples", 11);
        for (int i = 0; i < PII_SAMPLES; i++) {
            const char *smp = k == 0 ? r->cccd_samples[i] : r->phone_samples[i];
            if (smp[0] != '\0')
                json_stringn_k(&j, NULL, 0, smp, strlen(smp));
        }
        json_array_close(&j);
        md_str(&j, "mitre_technique_id", "T1048.003");
        json_object_close(&j);
        if (!json_cstr(&j))
            continue;
        struct eve_alert ea = {
            .action = "allowed",
            .rule_action = "alert",
            .gid = 1,
            .sid = k == 0 ? BEHAVE_SID_PII_CCCD : BEHAVE_SID_PII_PHONE,
            .rev = 1,
            .signature = k == 0 ? "CANH PII citizen identity numbers (CCCD) leaving HOME_NET in clear text"
                                : "CANH PII mobile phone numbers leaving HOME_NET in clear text",
            .category = "Potential Corporate Privacy Violation",
            .severity = (unsigned)w->sensor->conf.pii_severity,
            .source = "pii",
            .metadata_json = md,
            .target = alert_target_of(&w->ac, dir, false), /* the sender leaks */
            .dir = alert_packet_dir(&w->ac),
            .pcap_cnt = w->ac.pcap_cnt,
        };
        eve_alert(&w->eve, &ea, w->ac.p, w->ac.f, w->dpi);
        STAT_INC(w->eng_stats.pii_alerts);
    }
}

static void pii_feed(struct worker *w, struct flow *f, int dir, const uint8_t *d, uint32_t n)
{
    if (n == 0)
        return;
    if (f->pii == NULL) {
        f->pii = malloc(sizeof(*f->pii));
        if (f->pii == NULL)
            return;
        pii_result_init(f->pii);
        flow_table_account(w->flows, sizeof(*f->pii));
    }
    pii_scan(&w->sensor->pii, d, n, f->pii);
    STAT_ADD(w->eng_stats.pii_bytes, n);
    unsigned kinds = pii_result_alert(&w->sensor->pii, f->pii);
    if (kinds != 0)
        pii_raise(w, f, dir, kinds);
}

/* Raw stream bytes of direction 'dir': SMTP, FTP and unclaimed protocols. */
void engines_stream(struct worker *w, struct flow *f, int dir, const uint8_t *d, uint32_t n)
{
    if (!w->pii_on || outbound_dir(w, f) != dir)
        return;
    uint8_t a = f->alproto;
    if (a == ALPROTO_HTTP || a == ALPROTO_TLS || a == ALPROTO_SSH || a == ALPROTO_DNS)
        return; /* HTTP through its transactions; the others are not clear text */
    pii_feed(w, f, dir, d, n);
}

bool engines_stream_wants(struct worker *w, struct flow *f, int dir)
{
    return w->pii_on && outbound_dir(w, f) == dir;
}

void engines_tx(struct worker *w, int dir, const struct detect_tx *tx)
{
    struct flow *f = w->ac.f;
    if (f == NULL)
        return;
    if (tx->alproto == ALPROTO_DNS && dir == FLOW_TO_SERVER && w->sensor->behave != NULL) {
        const uint8_t *q;
        uint32_t qn;
        if (detect_tx_buffer(tx, DETECT_BUF_DNS_QUERY, &q, &qn) && qn > 0) {
            struct behave_flow bf;
            behave_flow_of(f, &bf);
            struct behave_alert out[BEHAVE_ALERTS_PER_CALL];
            behave_raise(w, out, behave_dns_query(w->sensor->behave, &bf, (const char *)q, qn,
                                                  w->ac.p->ts_us, out, BEHAVE_ALERTS_PER_CALL));
        }
        return;
    }
    if (tx->alproto != ALPROTO_HTTP || !tx->complete[dir])
        return;
    /* each direction of each transaction once */
    if (tx->id < f->eng_http_next[dir])
        return;
    f->eng_http_next[dir] = tx->id + 1;
    if (dir == FLOW_TO_CLIENT && tx->complete[FLOW_TO_SERVER] && w->sensor->behave != NULL)
        http_login(w, f, tx);
    if (w->pii_on && outbound_dir(w, f) == dir) {
        const uint8_t *d;
        uint32_t n;
        if (dir == FLOW_TO_SERVER && detect_tx_buffer(tx, DETECT_BUF_HTTP_URI_RAW, &d, &n))
            pii_feed(w, f, dir, d, n);
        if (detect_tx_buffer(tx, dir == FLOW_TO_SERVER ? DETECT_BUF_HTTP_REQUEST_BODY : DETECT_BUF_HTTP_RESPONSE_BODY,
                   &d, &n))
            pii_feed(w, f, dir, d, n);
    }
}

int64_t engines_flow_free(struct flow *f)
{
    if (f->pii == NULL)
        return 0;
    free(f->pii);
    f->pii = NULL;
    return sizeof(struct pii_result);
}
