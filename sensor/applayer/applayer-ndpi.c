/* nDPI integration. See applayer-ndpi.h. */
#include "applayer-ndpi.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ndpi_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DPI_NAME_MAX 32 /* nDPI's protocol names are short; longer custom ones are cut */

struct dpi_thread {
    struct dpi_conf conf;
    struct ndpi_detection_module_struct *ndpi;
    struct dpi_stats stats;
    /* Suricata-style app_proto name of each nDPI protocol id, built once. */
    char (*app_names)[DPI_NAME_MAX];
    unsigned napp_names;
};

static void dpi_build_app_names(struct dpi_thread *d);

uint32_t dpi_flow_state_size(void)
{
    return ndpi_detection_get_sizeof_ndpi_flow_struct();
}

struct dpi_thread *dpi_thread_new(const struct dpi_conf *conf, char errbuf[CANH_ERRBUF_SIZE])
{
    struct dpi_thread *d = calloc(1, sizeof(*d));
    if (d == NULL)
        goto fail;
    d->conf = *conf;
    d->ndpi = ndpi_init_detection_module(ndpi_no_prefs);
    if (d->ndpi == NULL)
        goto fail;
    NDPI_PROTOCOL_BITMASK all;
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(d->ndpi, &all);
    if (conf->protocols_file != NULL && access(conf->protocols_file, R_OK) != 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "dpi.protocols-file %s: %s", conf->protocols_file,
                 strerror(errno));
        dpi_thread_free(d);
        return NULL;
    }
    if (conf->protocols_file != NULL && ndpi_load_protocols_file(d->ndpi, conf->protocols_file) != 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "dpi.protocols-file %s: nDPI cannot load it (malformed)",
                 conf->protocols_file);
        dpi_thread_free(d);
        return NULL;
    }
    ndpi_finalize_initialization(d->ndpi);
    dpi_build_app_names(d);
    if (d->app_names == NULL)
        goto fail;
    return d;
fail:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "dpi: cannot initialise nDPI (out of memory)");
    dpi_thread_free(d);
    return NULL;
}

void dpi_thread_free(struct dpi_thread *d)
{
    if (d == NULL)
        return;
    if (d->ndpi != NULL)
        ndpi_exit_detection_module(d->ndpi);
    free(d->app_names);
    free(d);
}

const struct dpi_stats *dpi_thread_stats(const struct dpi_thread *d)
{
    return &d->stats;
}

/* Records nDPI's verdict on the flow and counts how it was reached. */
static void dpi_store(struct dpi_thread *d, struct flow *f, ndpi_protocol proto)
{
    f->ndpi_master = proto.master_protocol;
    f->ndpi_app = proto.app_protocol;
    f->ndpi_category = (uint16_t)proto.category;
    f->ndpi_confidence = (uint8_t)f->ndpi->confidence;
    f->ndpi_risk = f->ndpi->risk;
    /* nDPI 4.2 leaves the URL checks (SQL injection, XSS, "..") to the application:
     * ndpiReader runs ndpi_validate_url() on the request URL itself, and so do we. */
    if (f->ndpi->http.url != NULL) {
        ndpi_risk_enum r = ndpi_validate_url(f->ndpi->http.url);
        if (r != NDPI_NO_RISK)
            f->ndpi_risk |= 1ULL << r;
    }
    f->dpi_state = DPI_DONE;
    if (proto.app_protocol == NDPI_PROTOCOL_UNKNOWN && proto.master_protocol == NDPI_PROTOCOL_UNKNOWN)
        STAT_INC(d->stats.flows_unknown);
    else if (f->ndpi->confidence == NDPI_CONFIDENCE_MATCH_BY_PORT ||
             f->ndpi->confidence == NDPI_CONFIDENCE_MATCH_BY_IP)
        STAT_INC(d->stats.flows_guessed);
    else
        STAT_INC(d->stats.flows_detected);
}

bool dpi_process(struct dpi_thread *d, struct flow *f, const struct packet *p)
{
    if (f->dpi_state == DPI_DONE)
        return false;
    if (f->dpi_state == DPI_NONE) {
        f->ndpi = ndpi_flow_malloc(dpi_flow_state_size());
        if (f->ndpi == NULL)
            return false; /* retried on the next packet */
        memset(f->ndpi, 0, dpi_flow_state_size());
        f->dpi_state = DPI_RUNNING;
        STAT_INC(d->stats.flows_started);
        STAT_INC(d->stats.active);
    }
    uint32_t len = p->ip_len > 65535 ? 65535 : p->ip_len;
    ndpi_protocol proto = ndpi_detection_process_packet(d->ndpi, f->ndpi, p->ip, (unsigned short)len,
                                                        p->ts_us / 1000);
    f->dpi_packets++;
    STAT_INC(d->stats.packets);

    uint64_t pkts = f->pkts[0] + f->pkts[1];
    bool enough = (f->key.proto == 6 && pkts > d->conf.max_packets_tcp) ||
                  (f->key.proto != 6 && pkts > d->conf.max_packets_udp);
    if (!enough && proto.app_protocol == NDPI_PROTOCOL_UNKNOWN)
        return false;
    if (!enough && ndpi_extra_dissection_possible(d->ndpi, f->ndpi))
        return false; /* found, but nDPI still wants metadata (certificate, answer, ...) */
    if (proto.app_protocol == NDPI_PROTOCOL_UNKNOWN) {
        uint8_t guessed = 0;
        proto = ndpi_detection_giveup(d->ndpi, f->ndpi, d->conf.guess, &guessed);
    }
    dpi_store(d, f, proto);
    return true;
}

void dpi_finish(struct dpi_thread *d, struct flow *f)
{
    if (f->dpi_state != DPI_RUNNING)
        return;
    uint8_t guessed = 0;
    ndpi_protocol proto = ndpi_detection_giveup(d->ndpi, f->ndpi, d->conf.guess, &guessed);
    dpi_store(d, f, proto);
}

void dpi_release(struct dpi_thread *d, struct flow *f)
{
    if (f->ndpi == NULL)
        return;
    ndpi_free_flow(f->ndpi);
    f->ndpi = NULL;
    STAT_ADD(d->stats.active, -(uint64_t)1);
}

/* ---------------------------------------------------------------------------------- */
/* Metadata                                                                           */
/* ---------------------------------------------------------------------------------- */

static bool dpi_is(const struct flow *f, uint16_t id)
{
    return f->ndpi_master == id || f->ndpi_app == id;
}

static const char *nz(const char *s)
{
    return s != NULL ? s : "";
}

/* nDPI 4.2 hashes a KEXINIT only when it arrives whole in one TCP segment; otherwise it
 * stores the MD5 of nothing (OpenSSH's 1.5 KB client KEXINIT, split over two segments, is
 * the usual case). That value names no software: report no hassh instead. */
static const char *dpi_hassh(const char *h)
{
    return strcasecmp(h, "d41d8cd98f00b204e9800998ecf8427e") == 0 ? "" : h;
}

static bool dpi_id_is_dns(uint16_t id)
{
    return id == NDPI_PROTOCOL_DNS || id == NDPI_PROTOCOL_MDNS || id == NDPI_PROTOCOL_LLMNR;
}

static bool dpi_id_is_ssh(uint16_t id)
{
    return id == NDPI_PROTOCOL_SSH;
}

/* The verdict, or what nDPI has found so far, tested with 'is'. */
static bool dpi_flow_is(const struct flow *f, bool (*is)(uint16_t))
{
    if (f->dpi_state == DPI_DONE)
        return is(f->ndpi_master) || is(f->ndpi_app);
    if (f->dpi_state == DPI_RUNNING && f->ndpi != NULL)
        return is(f->ndpi->detected_protocol_stack[0]) || is(f->ndpi->detected_protocol_stack[1]);
    return false;
}

bool dpi_is_dns(const struct flow *f)
{
    return dpi_flow_is(f, dpi_id_is_dns);
}

bool dpi_is_ssh(const struct flow *f)
{
    return dpi_flow_is(f, dpi_id_is_ssh);
}

void dpi_meta_get(const struct flow *f, struct dpi_meta *m)
{
    memset(m, 0, sizeof(*m));
    m->hostname = "";
    m->http.url = m->http.user_agent = m->http.content_type = m->http.request_content_type = "";
    m->http.method = "";
    m->tls.issuer = m->tls.subject = m->tls.alpn = m->tls.ja3 = m->tls.ja3s = "";
    m->tls.server_names = "";
    m->ssh.client = m->ssh.server = m->ssh.hassh_client = m->ssh.hassh_server = "";
    const struct ndpi_flow_struct *n = f->ndpi;
    if (n == NULL)
        return;
    m->hostname = n->host_server_name;

    m->is_http = dpi_is(f, NDPI_PROTOCOL_HTTP) || dpi_is(f, NDPI_PROTOCOL_HTTP_CONNECT) ||
                 dpi_is(f, NDPI_PROTOCOL_HTTP_PROXY);
    if (m->is_http) {
        m->http.url = nz(n->http.url);
        m->http.user_agent = nz(n->http.user_agent);
        m->http.content_type = nz(n->http.content_type);
        m->http.request_content_type = nz(n->http.request_content_type);
        m->http.method = n->http.method != NDPI_HTTP_METHOD_UNKNOWN
                             ? ndpi_http_method2str(n->http.method) : "";
        m->http.status = n->http.response_status_code;
        m->http.version = n->http.request_version;
    }

    m->is_tls = dpi_is(f, NDPI_PROTOCOL_TLS) || dpi_is(f, NDPI_PROTOCOL_DTLS) ||
                dpi_is(f, NDPI_PROTOCOL_MAIL_IMAPS) || dpi_is(f, NDPI_PROTOCOL_MAIL_SMTPS) ||
                dpi_is(f, NDPI_PROTOCOL_MAIL_POPS) || dpi_is(f, NDPI_PROTOCOL_DOH_DOT);
    if (m->is_tls) {
        m->tls.version = n->protos.tls_quic.ssl_version;
        m->tls.issuer = nz(n->protos.tls_quic.issuerDN);
        m->tls.subject = nz(n->protos.tls_quic.subjectDN);
        m->tls.alpn = nz(n->protos.tls_quic.alpn);
        m->tls.server_names = nz(n->protos.tls_quic.server_names);
        m->tls.ja3 = n->protos.tls_quic.ja3_client;
        m->tls.ja3s = n->protos.tls_quic.ja3_server;
        m->tls.not_before = n->protos.tls_quic.notBefore;
        m->tls.not_after = n->protos.tls_quic.notAfter;
        m->tls.cipher = n->protos.tls_quic.server_cipher;
        memcpy(m->tls.sha1, n->protos.tls_quic.sha1_certificate_fingerprint, 20);
        for (int i = 0; i < 20; i++)
            if (m->tls.sha1[i] != 0)
                m->tls.has_fingerprint = true;
    }

    m->is_ssh = dpi_is(f, NDPI_PROTOCOL_SSH);
    if (m->is_ssh) {
        m->ssh.client = n->protos.ssh.client_signature;
        m->ssh.server = n->protos.ssh.server_signature;
        m->ssh.hassh_client = dpi_hassh(n->protos.ssh.hassh_client);
        m->ssh.hassh_server = dpi_hassh(n->protos.ssh.hassh_server);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Names                                                                              */
/* ---------------------------------------------------------------------------------- */

/* The text ndpi_protocol2name() gives ("HTTP.QQ", "TLS", "Unknown"), built without its
 * snprintf: this runs for every flow event. */
const char *dpi_protocol_name(const struct dpi_thread *d, const struct flow *f, char *buf, size_t len)
{
    const char *app = ndpi_get_proto_name(d->ndpi, f->ndpi_app);
    if (f->ndpi_master == NDPI_PROTOCOL_UNKNOWN || f->ndpi_master == f->ndpi_app)
        return app;
    const char *master = ndpi_get_proto_name(d->ndpi, f->ndpi_master);
    if (f->ndpi_app == NDPI_PROTOCOL_UNKNOWN)
        return master;
    size_t ml = strlen(master), al = strlen(app);
    if (ml + 1 + al + 1 > len)
        return app;
    memcpy(buf, master, ml);
    buf[ml] = '.';
    memcpy(buf + ml + 1, app, al + 1);
    return buf;
}

const char *dpi_proto_id_name(const struct dpi_thread *d, uint16_t id)
{
    return ndpi_get_proto_name(d->ndpi, id);
}

const char *dpi_category_name(const struct dpi_thread *d, const struct flow *f)
{
    return ndpi_category_get_name(d->ndpi, (ndpi_protocol_category_t)f->ndpi_category);
}

const char *dpi_confidence_name(const struct flow *f)
{
    return ndpi_confidence_get_name((ndpi_confidence_t)f->ndpi_confidence);
}

/* nDPI protocols whose Suricata app-layer name differs from nDPI's lower-cased name. */
static const struct {
    uint16_t id;
    const char *name;
} suricata_names[] = {
    { NDPI_PROTOCOL_HTTP_CONNECT, "http" }, { NDPI_PROTOCOL_HTTP_PROXY, "http" },
    { NDPI_PROTOCOL_MAIL_IMAPS, "tls" },    { NDPI_PROTOCOL_MAIL_SMTPS, "tls" },
    { NDPI_PROTOCOL_MAIL_POPS, "tls" },     { NDPI_PROTOCOL_DOH_DOT, "tls" },
    { NDPI_PROTOCOL_MAIL_SMTP, "smtp" },    { NDPI_PROTOCOL_MAIL_IMAP, "imap" },
    { NDPI_PROTOCOL_MAIL_POP, "pop3" },     { NDPI_PROTOCOL_FTP_CONTROL, "ftp" },
    { NDPI_PROTOCOL_SMBV1, "smb" },         { NDPI_PROTOCOL_SMBV23, "smb" },
    { NDPI_PROTOCOL_KERBEROS, "krb5" },     { NDPI_PROTOCOL_IEC60870, "iec104" },
    { NDPI_PROTOCOL_VNC, "rfb" },
};

static void dpi_build_app_names(struct dpi_thread *d)
{
    unsigned n = ndpi_get_num_supported_protocols(d->ndpi);
    d->app_names = calloc(n, sizeof(*d->app_names));
    if (d->app_names == NULL)
        return;
    d->napp_names = n;
    for (unsigned id = 0; id < n; id++) {
        const char *name = ndpi_get_proto_name(d->ndpi, (u_int16_t)id);
        size_t i;
        for (i = 0; name != NULL && name[i] != '\0' && i + 1 < DPI_NAME_MAX; i++)
            d->app_names[id][i] = (char)tolower((unsigned char)name[i]);
        d->app_names[id][i] = '\0';
    }
    for (size_t k = 0; k < ARRAY_SIZE(suricata_names); k++)
        if (suricata_names[k].id < n)
            snprintf(d->app_names[suricata_names[k].id], DPI_NAME_MAX, "%s", suricata_names[k].name);
}

const char *dpi_app_proto(const struct dpi_thread *d, const struct flow *f)
{
    uint16_t id = f->ndpi_master != NDPI_PROTOCOL_UNKNOWN ? f->ndpi_master : f->ndpi_app;
    if (id == NDPI_PROTOCOL_UNKNOWN || id >= d->napp_names)
        return NULL;
    return d->app_names[id];
}

const char *dpi_risk_name(int risk)
{
    return ndpi_risk2str((ndpi_risk_enum)risk);
}

uint16_t dpi_risk_score(const struct flow *f)
{
    u_int16_t c = 0, s = 0;
    return ndpi_risk2score(f->ndpi_risk, &c, &s);
}
