/* The inspection buffers rules can name, and application-layer protocol names.
 * Names and directions as Suricata 7 registers them (src/detect-http-*.c,
 * src/detect-tls-*.c, src/detect-dns-query.c, src/detect-ja3*.c, src/detect-ssh-*.c). */
#include <string.h>
#include <strings.h>

#include "detect/detect-int.h"

#define TS DETECT_DIR_TS
#define TC DETECT_DIR_TC
#define BOTH (DETECT_DIR_TS | DETECT_DIR_TC)

const struct detect_buffer_def detect_buffers[DETECT_BUF_MAX] = {
    [DETECT_BUF_PAYLOAD] = { "pkt_data", NULL, NULL, ALPROTO_UNKNOWN, BOTH, false },
    [DETECT_BUF_HTTP_URI] = { "http.uri", "http_uri", "http_uri", ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_URI_RAW] = { "http.uri.raw", "http_raw_uri", "http_raw_uri", ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_METHOD] = { "http.method", "http_method", "http_method", ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_PROTOCOL] = { "http.protocol", "http_protocol", NULL, ALPROTO_HTTP, BOTH, false },
    [DETECT_BUF_HTTP_REQUEST_LINE] = { "http.request_line", "http_request_line", NULL, ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_HOST] = { "http.host", "http_host", "http_host", ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_HOST_RAW] = { "http.host.raw", "http_raw_host", "http_raw_host", ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_USER_AGENT] = { "http.user_agent", "http_user_agent", "http_user_agent", ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_HEADER] = { "http.header", "http_header", "http_header", ALPROTO_HTTP, BOTH, false },
    [DETECT_BUF_HTTP_HEADER_RAW] = { "http.header.raw", "http_raw_header", "http_raw_header", ALPROTO_HTTP, BOTH, false },
    [DETECT_BUF_HTTP_HEADER_NAMES] = { "http.header_names", "http_header_names", NULL, ALPROTO_HTTP, BOTH, false },
    [DETECT_BUF_HTTP_COOKIE] = { "http.cookie", "http_cookie", "http_cookie", ALPROTO_HTTP, BOTH, false },
    [DETECT_BUF_HTTP_CONTENT_TYPE] = { "http.content_type", "http_content_type", NULL, ALPROTO_HTTP, BOTH, false },
    [DETECT_BUF_HTTP_CONTENT_LEN] = { "http.content_len", "http_content_len", NULL, ALPROTO_HTTP, BOTH, false },
    [DETECT_BUF_HTTP_REFERER] = { "http.referer", "http_referer", NULL, ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_ACCEPT] = { "http.accept", "http_accept", NULL, ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_ACCEPT_ENC] = { "http.accept_enc", "http_accept_enc", NULL, ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_ACCEPT_LANG] = { "http.accept_lang", "http_accept_lang", NULL, ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_CONNECTION] = { "http.connection", "http_connection", NULL, ALPROTO_HTTP, BOTH, false },
    [DETECT_BUF_HTTP_START] = { "http.start", "http_start", NULL, ALPROTO_HTTP, BOTH, false },
    [DETECT_BUF_HTTP_REQUEST_BODY] = { "http.request_body", "http_client_body", "http_client_body", ALPROTO_HTTP, TS, false },
    [DETECT_BUF_HTTP_STAT_CODE] = { "http.stat_code", "http_stat_code", "http_stat_code", ALPROTO_HTTP, TC, false },
    [DETECT_BUF_HTTP_STAT_MSG] = { "http.stat_msg", "http_stat_msg", "http_stat_msg", ALPROTO_HTTP, TC, false },
    [DETECT_BUF_HTTP_RESPONSE_LINE] = { "http.response_line", "http_response_line", NULL, ALPROTO_HTTP, TC, false },
    [DETECT_BUF_HTTP_LOCATION] = { "http.location", "http_location", NULL, ALPROTO_HTTP, TC, false },
    [DETECT_BUF_HTTP_SERVER] = { "http.server", "http_server", NULL, ALPROTO_HTTP, TC, false },
    [DETECT_BUF_HTTP_RESPONSE_BODY] = { "http.response_body", NULL, "http_server_body", ALPROTO_HTTP, TC, false },
    [DETECT_BUF_FILE_DATA] = { "file.data", "file_data", NULL, ALPROTO_HTTP, BOTH, false },
    [DETECT_BUF_DNS_QUERY] = { "dns.query", "dns_query", NULL, ALPROTO_DNS, TS, true },
    [DETECT_BUF_TLS_SNI] = { "tls.sni", "tls_sni", NULL, ALPROTO_TLS, TS, false },
    [DETECT_BUF_TLS_SUBJECT] = { "tls.cert_subject", "tls_cert_subject", NULL, ALPROTO_TLS, TC, false },
    [DETECT_BUF_TLS_ISSUER] = { "tls.cert_issuer", "tls_cert_issuer", NULL, ALPROTO_TLS, TC, false },
    [DETECT_BUF_TLS_SERIAL] = { "tls.cert_serial", "tls_cert_serial", NULL, ALPROTO_TLS, TC, false },
    [DETECT_BUF_TLS_FINGERPRINT] = { "tls.cert_fingerprint", "tls_cert_fingerprint", NULL, ALPROTO_TLS, TC, false },
    [DETECT_BUF_TLS_CERTS] = { "tls.certs", NULL, NULL, ALPROTO_TLS, TC, true },
    [DETECT_BUF_JA3_HASH] = { "ja3.hash", "ja3_hash", NULL, ALPROTO_TLS, TS, false },
    [DETECT_BUF_JA3_STRING] = { "ja3.string", "ja3_string", NULL, ALPROTO_TLS, TS, false },
    [DETECT_BUF_JA3S_HASH] = { "ja3s.hash", "ja3s_hash", NULL, ALPROTO_TLS, TC, false },
    [DETECT_BUF_JA3S_STRING] = { "ja3s.string", "ja3s_string", NULL, ALPROTO_TLS, TC, false },
    [DETECT_BUF_SSH_PROTO] = { "ssh.proto", "ssh_proto", NULL, ALPROTO_SSH, BOTH, false },
    [DETECT_BUF_SSH_SOFTWARE] = { "ssh.software", "ssh_software", NULL, ALPROTO_SSH, BOTH, false },
};

int detect_buffer_by_name(const char *name, bool legacy)
{
    for (int i = 1; i < DETECT_BUF_MAX; i++) {
        const struct detect_buffer_def *d = &detect_buffers[i];
        if (legacy) {
            if (d->legacy != NULL && strcasecmp(d->legacy, name) == 0)
                return i;
        } else if (strcasecmp(d->name, name) == 0 ||
                   (d->alias != NULL && strcasecmp(d->alias, name) == 0 &&
                    (d->legacy == NULL || strcasecmp(d->legacy, name) != 0))) {
            return i;
        }
    }
    if (legacy)
        return -1;
    /* Other spellings Suricata accepts. */
    static const struct { const char *name; int buf; } more[] = {
        { "http.uri.normalized", DETECT_BUF_HTTP_URI },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(more); i++)
        if (strcasecmp(more[i].name, name) == 0)
            return more[i].buf;
    return -1;
}

static const char *const alproto_names[ALPROTO_MAX] = {
    [ALPROTO_UNKNOWN] = "unknown", [ALPROTO_HTTP] = "http",   [ALPROTO_TLS] = "tls",
    [ALPROTO_DNS] = "dns",         [ALPROTO_SSH] = "ssh",     [ALPROTO_FTP] = "ftp",
    [ALPROTO_FTP_DATA] = "ftp-data", [ALPROTO_SMTP] = "smtp", [ALPROTO_IMAP] = "imap",
    [ALPROTO_POP3] = "pop3",       [ALPROTO_SMB] = "smb",     [ALPROTO_DCERPC] = "dcerpc",
    [ALPROTO_NFS] = "nfs",         [ALPROTO_NTP] = "ntp",     [ALPROTO_TFTP] = "tftp",
    [ALPROTO_KRB5] = "krb5",       [ALPROTO_SNMP] = "snmp",   [ALPROTO_SIP] = "sip",
    [ALPROTO_RDP] = "rdp",         [ALPROTO_DHCP] = "dhcp",   [ALPROTO_MODBUS] = "modbus",
    [ALPROTO_DNP3] = "dnp3",       [ALPROTO_ENIP] = "enip",   [ALPROTO_MQTT] = "mqtt",
    [ALPROTO_HTTP2] = "http2",     [ALPROTO_IKE] = "ike",     [ALPROTO_RFB] = "rfb",
    [ALPROTO_TELNET] = "telnet",   [ALPROTO_IRC] = "irc",     [ALPROTO_FAILED] = "failed",
};

const char *alproto_name(int a)
{
    return a >= 0 && a < ALPROTO_MAX ? alproto_names[a] : "unknown";
}

int alproto_by_name(const char *name)
{
    for (int i = 1; i < ALPROTO_MAX; i++)
        if (strcasecmp(alproto_names[i], name) == 0)
            return i;
    if (strcasecmp(name, "http1") == 0)
        return ALPROTO_HTTP;
    if (strcasecmp(name, "ssl") == 0)
        return ALPROTO_TLS;
    if (strcasecmp(name, "dcerpc") == 0)
        return ALPROTO_DCERPC;
    return ALPROTO_UNKNOWN;
}
