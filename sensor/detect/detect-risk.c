/* nDPI flow risks as alerts. See detect-risk.h. */
#include "detect/detect-risk.h"

#include <ndpi_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer-ndpi.h"
#include "flow/flow.h"
#include "output/output-eve-alert.h"

/* One row per nDPI 4.2 risk: its key, default severity (0: no alert), the category
 * and the ATT&CK technique it points at, and whether the server is the target (an
 * attack in a request). */
struct risk_row {
    int id;
    const char *key;
    uint8_t severity;
    const char *category;
    const char *technique;
    bool server_target;
};

#define WEB "Web Application Attack"
#define POLICY "Potential Corporate Privacy Violation"
#define BAD "Potentially Bad Traffic"
#define TROJAN "A Network Trojan was detected"

static const struct risk_row rows[] = {
    { NDPI_URL_POSSIBLE_XSS, "url_possible_xss", 2, WEB, "T1190", true },
    { NDPI_URL_POSSIBLE_SQL_INJECTION, "url_possible_sql_injection", 2, WEB, "T1190", true },
    { NDPI_URL_POSSIBLE_RCE_INJECTION, "url_possible_rce_injection", 2, WEB, "T1190", true },
    { NDPI_BINARY_APPLICATION_TRANSFER, "binary_application_transfer", 3, BAD, "T1105", false },
    { NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT, "known_protocol_on_non_standard_port", 0, BAD, "T1571", false },
    { NDPI_TLS_SELFSIGNED_CERTIFICATE, "tls_selfsigned_certificate", 0, BAD, NULL, false },
    { NDPI_TLS_OBSOLETE_VERSION, "tls_obsolete_version", 0, POLICY, NULL, false },
    { NDPI_TLS_WEAK_CIPHER, "tls_weak_cipher", 0, POLICY, NULL, false },
    { NDPI_TLS_CERTIFICATE_EXPIRED, "tls_certificate_expired", 0, BAD, NULL, false },
    { NDPI_TLS_CERTIFICATE_MISMATCH, "tls_certificate_mismatch", 0, BAD, NULL, false },
    { NDPI_HTTP_SUSPICIOUS_USER_AGENT, "http_suspicious_user_agent", 3, BAD, "T1071.001", true },
    { NDPI_HTTP_NUMERIC_IP_HOST, "http_numeric_ip_host", 0, BAD, NULL, false },
    { NDPI_HTTP_SUSPICIOUS_URL, "http_suspicious_url", 3, WEB, "T1190", true },
    { NDPI_HTTP_SUSPICIOUS_HEADER, "http_suspicious_header", 0, BAD, NULL, false },
    { NDPI_TLS_NOT_CARRYING_HTTPS, "tls_not_carrying_https", 0, BAD, "T1573", false },
    { NDPI_SUSPICIOUS_DGA_DOMAIN, "suspicious_dga_domain", 3, TROJAN, "T1568.002", false },
    { NDPI_MALFORMED_PACKET, "malformed_packet", 0, BAD, NULL, false },
    { NDPI_SSH_OBSOLETE_CLIENT_VERSION_OR_CIPHER, "ssh_obsolete_client_version_or_cipher", 0, POLICY, NULL, false },
    { NDPI_SSH_OBSOLETE_SERVER_VERSION_OR_CIPHER, "ssh_obsolete_server_version_or_cipher", 0, POLICY, NULL, false },
    { NDPI_SMB_INSECURE_VERSION, "smb_insecure_version", 3, POLICY, "T1210", false },
    { NDPI_TLS_SUSPICIOUS_ESNI_USAGE, "tls_suspicious_esni_usage", 0, BAD, NULL, false },
    { NDPI_UNSAFE_PROTOCOL, "unsafe_protocol", 0, POLICY, NULL, false },
    { NDPI_DNS_SUSPICIOUS_TRAFFIC, "dns_suspicious_traffic", 3, BAD, "T1071.004", false },
    { NDPI_TLS_MISSING_SNI, "tls_missing_sni", 0, BAD, NULL, false },
    { NDPI_HTTP_SUSPICIOUS_CONTENT, "http_suspicious_content", 3, BAD, NULL, false },
    { NDPI_RISKY_ASN, "risky_asn", 0, BAD, NULL, false },
    { NDPI_RISKY_DOMAIN, "risky_domain", 2, TROJAN, NULL, false },
    { NDPI_MALICIOUS_JA3, "malicious_ja3", 1, TROJAN, "T1071.001", false },
    { NDPI_MALICIOUS_SHA1_CERTIFICATE, "malicious_sha1_certificate", 1, TROJAN, "T1071.001", false },
    { NDPI_DESKTOP_OR_FILE_SHARING_SESSION, "desktop_or_file_sharing_session", 0, POLICY, "T1219", false },
    { NDPI_TLS_UNCOMMON_ALPN, "tls_uncommon_alpn", 0, BAD, NULL, false },
    { NDPI_TLS_CERT_VALIDITY_TOO_LONG, "tls_cert_validity_too_long", 0, BAD, NULL, false },
    { NDPI_TLS_SUSPICIOUS_EXTENSION, "tls_suspicious_extension", 0, BAD, NULL, false },
    { NDPI_TLS_FATAL_ALERT, "tls_fatal_alert", 0, BAD, NULL, false },
    { NDPI_SUSPICIOUS_ENTROPY, "suspicious_entropy", 0, BAD, NULL, false },
    { NDPI_CLEAR_TEXT_CREDENTIALS, "clear_text_credentials", 2, POLICY, "T1552", false },
    { NDPI_DNS_LARGE_PACKET, "dns_large_packet", 0, BAD, NULL, false },
    { NDPI_DNS_FRAGMENTED, "dns_fragmented", 0, BAD, NULL, false },
    { NDPI_INVALID_CHARACTERS, "invalid_characters", 0, BAD, NULL, false },
    { NDPI_POSSIBLE_EXPLOIT, "possible_exploit", 1, WEB, "T1190", true },
    { NDPI_TLS_CERTIFICATE_ABOUT_TO_EXPIRE, "tls_certificate_about_to_expire", 0, BAD, NULL, false },
};
_Static_assert(NDPI_MAX_RISK <= RISK_MAX, "risk bits fit the table");

static const struct risk_row *row_of(int id)
{
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
        if (rows[i].id == id)
            return &rows[i];
    return NULL;
}

void risk_conf_default(struct risk_conf *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
        c->severity[rows[i].id] = rows[i].severity;
}

const char *risk_key(int r)
{
    const struct risk_row *row = row_of(r);
    return row != NULL ? row->key : NULL;
}

int risk_conf_parse(struct risk_conf *c, const char *spec, char errbuf[CANH_ERRBUF_SIZE])
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", spec);
    char *save = NULL;
    for (char *item = strtok_r(buf, ", \t\n", &save); item != NULL; item = strtok_r(NULL, ", \t\n", &save)) {
        char *eq = strchr(item, '=');
        if (eq == NULL) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "'%s': expected key=1..4 or key=off", item);
            return CANH_ERR;
        }
        *eq = '\0';
        const char *v = eq + 1;
        const struct risk_row *row = NULL;
        for (size_t i = 0; i < ARRAY_SIZE(rows) && row == NULL; i++)
            if (strcmp(rows[i].key, item) == 0)
                row = &rows[i];
        if (row == NULL) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "unknown nDPI risk '%s' (keys: docs/ndpi-risks.md)", item);
            return CANH_ERR;
        }
        if (strcmp(v, "off") == 0)
            c->severity[row->id] = 0;
        else if (v[0] >= '1' && v[0] <= '4' && v[1] == '\0')
            c->severity[row->id] = (uint8_t)(v[0] - '0');
        else {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s=%s: the severity is 1 to 4, or off", item, v);
            return CANH_ERR;
        }
    }
    return CANH_OK;
}

void risk_alerts(const struct risk_conf *c, const struct alert_ctx *ac, struct risk_stats *st)
{
    const struct flow *f = ac->f;
    if (f == NULL || f->ndpi_risk == 0)
        return;
    for (int r = 1; r < NDPI_MAX_RISK; r++) {
        if (!(f->ndpi_risk & (1ULL << r)) || c->severity[r] == 0)
            continue;
        const struct risk_row *row = row_of(r);
        if (row == NULL)
            continue;
        const char *name = dpi_risk_name(r);
        char sig[160], md[512], score[16];
        snprintf(sig, sizeof(sig), "CANH NDPI %s", name != NULL ? name : row->key);
        snprintf(score, sizeof(score), "%u", dpi_risk_score(f));
        struct json j;
        json_init(&j, md, sizeof(md));
        json_object_open_k(&j, NULL, 0);
        json_md(&j, "ndpi_risk", row->key, strlen(row->key));
        json_md(&j, "ndpi_risk_score", score, strlen(score));
        if (row->technique != NULL)
            json_md(&j, "mitre_technique_id", row->technique, strlen(row->technique));
        json_object_close(&j);
        if (!json_cstr(&j))
            continue;
        struct eve_alert a = {
            .action = "allowed",
            .rule_action = "alert",
            .gid = 1,
            .sid = RISK_SID_BASE + (uint32_t)r,
            .rev = 1,
            .signature = sig,
            .category = row->category,
            .severity = c->severity[r],
            .source = "ndpi",
            .metadata_json = md,
            .target = row->server_target ? alert_target_of(ac, FLOW_TO_SERVER, true) : NULL,
            .dir = alert_packet_dir(ac),
            .pcap_cnt = ac->pcap_cnt,
        };
        eve_alert(ac->eve, &a, ac->p, ac->f, ac->dpi);
        STAT_INC(st->alerts);
    }
}
