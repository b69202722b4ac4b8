/* Threat-intelligence lists (indicators of compromise): addresses and CIDR blocks,
 * domains, URLs, JA3 hashes and file SHA-256 hashes, loaded once from plain lists (one
 * indicator per line) and CSV files (with per-entry category, severity and source) into
 * a read-only store shared by every worker.
 *
 * Matching:
 *  - address: longest prefix among the listed addresses and blocks (IPv4 and IPv6);
 *    cost O(distinct prefix lengths listed), each one hash probe;
 *  - domain: the name or any parent of it ("example.com" listed matches
 *    "a.b.example.com"); cost O(labels);
 *  - URL: host and path with the query ("host/path?q"), then without it; the host is
 *    compared in lower case and without a port; the scheme is ignored;
 *  - JA3, SHA-256: the digest; cost O(1).
 *
 * The store is immutable after ioc_store_load; lookups need no lock. */
#ifndef CANH_DETECT_IOC_H
#define CANH_DETECT_IOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/util-common.h"

#define IOC_MAX_ENTRIES (32u << 20)  /* entries in all lists together: 32 M, ~1.5 GiB; feeds are a few M */
#define IOC_MAX_FILES 1024            /* list files after glob expansion */
#define IOC_LINE_MAX 4096             /* one line of a list; longer lines are reported and skipped */
#define IOC_REPORT_MAX 10             /* bad lines reported per file; the rest are counted */

enum ioc_type { IOC_IP = 0, IOC_DOMAIN, IOC_URL, IOC_JA3, IOC_SHA256, IOC_TYPE_MAX };

/* What a list says of an entry. Strings live as long as the store. */
struct ioc_info {
    const char *category;  /* "Malware C2", ...; the list's default when the entry has none */
    const char *source;    /* who published it; the file's name when the entry has none */
    const char *list;      /* the file it was read from */
    uint8_t severity;      /* 1 (highest) .. 4, as alert.severity */
};

struct ioc_load_conf {
    const char *const *files;      /* paths, already expanded */
    unsigned nfiles;
    unsigned default_severity;     /* 1..4 */
    const char *default_category;
    FILE *report;                  /* bad lines and unreadable files; NULL: none */
};

struct ioc_load_stats {
    uint64_t entries[IOC_TYPE_MAX];
    uint64_t total;        /* distinct entries stored */
    uint64_t lines;        /* indicator lines read (not comments, blanks or headers) */
    uint64_t bad;          /* lines that are no indicator (reported, skipped) */
    uint64_t duplicates;   /* indicators listed again (the most severe entry is kept) */
    unsigned files, files_failed;
    double seconds;
    size_t memuse;
};

struct ioc_store;

/* Loads every file of 'c'. A file that cannot be read and a line that is no indicator
 * are reported (file, line, reason) and skipped; the rest loads. Returns NULL only when
 * memory or IOC_MAX_ENTRIES runs out, with the reason in errbuf. */
struct ioc_store *ioc_store_load(const struct ioc_load_conf *c, struct ioc_load_stats *st,
                                 char errbuf[CANH_ERRBUF_SIZE]);
/* Accepts NULL. */
void ioc_store_free(struct ioc_store *s);
/* Entries of that type are loaded. Accepts NULL. */
bool ioc_store_has(const struct ioc_store *s, enum ioc_type t);
const char *ioc_type_name(enum ioc_type t);

/* Lookups. Each returns the entry's information, or NULL; 'matched' (cap bytes, may be
 * NULL) receives the indicator as listed: the CIDR block, the parent domain, ... */
const struct ioc_info *ioc_lookup_ip(const struct ioc_store *s, uint8_t ipver,
                                     const uint8_t addr[16], char *matched, size_t cap);
const struct ioc_info *ioc_lookup_domain(const struct ioc_store *s, const char *name, size_t len,
                                         char *matched, size_t cap);
/* 'host' as in the Host header (a port is ignored), 'target' the request target
 * ("/path?query", or an absolute URL whose scheme and host are then used). */
const struct ioc_info *ioc_lookup_url(const struct ioc_store *s, const char *host, size_t hlen,
                                      const char *target, size_t tlen, char *matched,
                                      size_t cap);
/* 32 hexadecimal digits. */
const struct ioc_info *ioc_lookup_ja3(const struct ioc_store *s, const char *hex, size_t len);
const struct ioc_info *ioc_lookup_sha256(const struct ioc_store *s, const uint8_t digest[32]);

/* ---------------------------------------------------------------------------------- */
/* Matching traffic: alerts with alert.source "ioc", at most once per flow for each     */
/* address, and once for each listed name in a row (a name seen again in the same flow */
/* is not alerted again).                                                               */
/* ---------------------------------------------------------------------------------- */

/* SIDs (gid 1, rules/README.md: 8803000-8809999 are Canh's own engines). */
enum ioc_sid {
    IOC_SID_SRC_ADDR = 8803001,   /* traffic from a listed address */
    IOC_SID_DST_ADDR = 8803002,   /* traffic to a listed address */
    IOC_SID_DNS_QUERY = 8803010,  /* DNS query for a listed domain */
    IOC_SID_TLS_SNI = 8803011,    /* TLS server name of a listed domain */
    IOC_SID_HTTP_HOST = 8803012,  /* HTTP request to a listed domain */
    IOC_SID_URL = 8803020,        /* HTTP request for a listed URL */
    IOC_SID_JA3 = 8803030,        /* TLS client with a listed JA3 fingerprint */
    IOC_SID_FILE_SHA256 = 8803040,/* a file whose SHA-256 is listed */
};

struct ioc_stats {
    uint64_t hits[IOC_TYPE_MAX];  /* alerts raised, by indicator type */
};

struct alert_ctx;
struct detect_tx;

/* Where alerts go and what they describe; set per packet by the worker. */
struct ioc_ctx {
    const struct ioc_store *store;
    const struct alert_ctx *ac;   /* the packet being handled, where alerts go */
    struct ioc_stats stats;
};

/* The flow's addresses, once per flow (the first packet handled with a store). */
void ioc_match_flow(struct ioc_ctx *x, int dir);
/* A transaction of the app layer: DNS query names, HTTP Host and request target, TLS
 * server name and JA3. */
void ioc_match_tx(struct ioc_ctx *x, int dir, const struct detect_tx *tx);
/* A file of the flow (direction 'dir') closed: its SHA-256 (32 bytes, and 'hex' as 64
 * lower-case digits for the alert) against the list. */
void ioc_match_file(struct ioc_ctx *x, int dir, const uint8_t sha256[32], const char *hex,
                    const struct detect_tx *tx);
/* Entries that need the TCP stream parsed (names, URLs, JA3). */
bool ioc_store_needs_tcp_app(const struct ioc_store *s);

#endif
