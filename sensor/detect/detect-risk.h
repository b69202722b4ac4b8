/* nDPI flow risks as alerts. nDPI 4.2 marks flows with risks (ndpi_risk_enum in
 * ndpi_typedefs.h: a possible SQL injection in a URL, a self-signed certificate, clear-text
 * credentials ...); the flow event lists them all. Each risk can also raise an alert,
 * once per flow, when nDPI's verdict on the flow is final: alert.source "ndpi", sid
 * 8804000 + the risk's number, signature "CANH NDPI <nDPI's description>", the risk's
 * severity (configurable), metadata ndpi_risk (the key below), ndpi_risk_score and, where
 * one fits, the MITRE ATT&CK technique.
 *
 * Defaults: only risks that point at an attack or a clear policy breach alert (URL
 * injections, possible exploits, suspicious user agents and content, DGA names, malicious
 * JA3 and certificates, clear-text credentials, SMBv1 ...). Risks that a normal network
 * shows all day (self-signed or long-lived certificates, known protocols on other ports,
 * numeric HTTP hosts, obsolete SSH or TLS versions, unsafe protocols, desktop sharing)
 * only appear in flow events unless configured: dpi.risk-alerts.severity takes
 * "key=N" (1-4) and "key=off" items, keys being the enum's names in lower case without
 * "ndpi_" (url_possible_sql_injection, tls_selfsigned_certificate ...; the table in
 * detect-risk.c and docs). */
#ifndef CANH_DETECT_RISK_H
#define CANH_DETECT_RISK_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util-common.h"

#define RISK_SID_BASE 8804000
#define RISK_MAX 64

struct risk_conf {
    uint8_t severity[RISK_MAX]; /* 0: no alert */
};

/* The defaults above. */
void risk_conf_default(struct risk_conf *c);
/* Applies "key=N, key=off, ..." to 'c'. CANH_ERR with the reason for an unknown key or a
 * bad value. */
int risk_conf_parse(struct risk_conf *c, const char *spec, char errbuf[CANH_ERRBUF_SIZE]);
/* The configuration key of risk 'r', or NULL past the known ones. */
const char *risk_key(int r);

struct risk_stats {
    uint64_t alerts;            /* risk alerts raised */
};

struct alert_ctx;

/* nDPI is done with the context's flow: an alert for each of its risks that has one. */
void risk_alerts(const struct risk_conf *c, const struct alert_ctx *ac, struct risk_stats *st);

#endif
