/* YARA rules over what crosses the wire (libyara 4.2, https://yara.readthedocs.io/en/v4.2.3/
 * capi.html): the first bytes of each direction of reassembled TCP streams, and files
 * (HTTP bodies after de-chunking and decompression, multipart uploads: applayer-file.h).
 *
 * Loading: every file of yara.files (files, globs, or directories walked for *.yar and
 * *.yara) is compiled on its own first, so that a file that does not compile (a syntax
 * error, an unknown module or identifier) is reported with its file, line and libyara's
 * reason and left out, and the rest load. Each file is its own namespace (its path), so
 * two files may use the same rule name. The rules are compiled once at start and shared
 * by the workers; each worker scans with its own YR_SCANNER.
 *
 * Scanning is of whole buffers, never packet by packet (a libyara scan has a fixed cost
 * of about 10 us here, whatever the size): a stream direction is scanned once, when
 * yara.stream-depth bytes of it are in or when it ends (FIN, RST, flow timeout); a file
 * when it closes, its first yara.file-depth bytes. Encrypted streams (TLS, SSH) are not
 * scanned. Two budgets bound the work: bytes scanned per flow (yara.flow-budget), and
 * bytes scanned per second of traffic time by each worker (yara.global-budget split
 * between the workers, as stream.memcap is); a buffer that does not fit is cut to what
 * is left, or skipped, and counted (stats.yara.flow_budget_cut, global_budget_cut).
 * A third budget is of time: each worker spends at most yara.cpu-share percent of its
 * time in scans (a bucket of scan time refilled at that share of the clock, holding one
 * second's worth); a buffer that comes when the bucket is empty is not scanned and is
 * counted (cpu_budget_cut). Scan costs differ by orders of magnitude between rule sets
 * (Canh's own: too little to measure; the 12,700 rules of the Yara-Rules collection:
 * about 2 us a byte), and only a budget of time keeps a worker's packet rate whatever
 * rules are loaded: a live sensor that falls behind loses packets, which is worse than
 * a buffer not scanned. What is scanned then depends on timing: set it to 100 for an
 * offline run that must scan everything.
 *
 * Alerts: one per matching rule and buffer, alert.source "yara", signature "YARA <rule>"
 * (the rule's meta "description" follows when it has one), sid 8805001 (stream) or
 * 8805002 (file). The rule's meta keys map onto the alert: severity (1-4, or critical,
 * high, medium, low) to alert.severity, category to alert.category, mitre_technique to
 * metadata mitre_technique_id (so alert.mitre shows it); the rule's name, namespace,
 * tags, meta and the strings that matched are in alert.metadata; the payload is the
 * bytes around the first string match. */
#ifndef CANH_DETECT_YARA_H
#define CANH_DETECT_YARA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/util-common.h"

enum yara_sid {
    YARA_SID_STREAM = 8805001, /* the start of a TCP stream direction */
    YARA_SID_FILE = 8805002,   /* a file (HTTP body or upload) */
};

struct yara_conf {
    uint32_t stream_depth;     /* first bytes of each TCP direction scanned (0: streams not scanned) */
    uint32_t file_depth;       /* first bytes of each file scanned (0: files not scanned) */
    uint64_t flow_budget;      /* bytes scanned per flow */
    uint64_t global_budget;    /* bytes scanned per second of traffic, all workers */
    uint32_t cpu_share_pct;    /* largest share (percent) of each worker's time spent in
                                  YARA scans; 100: no limit */
    unsigned workers;          /* the global budget is split between them */
    uint32_t timeout_s;        /* libyara's scan timeout (a pathological rule) */
    const char *skip_types;    /* comma-separated MIME type prefixes of files not scanned
                                  ("image/,video/"), or NULL */
    unsigned default_severity; /* for rules whose meta gives none */
    const char *default_category;
};

struct yara_load_stats {
    unsigned files;            /* files that compiled and were loaded */
    unsigned files_failed;     /* files left out (reported) */
    unsigned rules;            /* rules loaded */
    double seconds;
};

struct yara_engine;

/* Compiles 'files'; failing files are written to 'report' (file:line: reason) and left
 * out. Returns NULL with the reason in errbuf when nothing could be loaded or libyara
 * could not start; a warning for each failed file is the caller's to count. */
struct yara_engine *yara_engine_load(const char *const *files, unsigned nfiles,
                                     const struct yara_conf *c, FILE *report,
                                     struct yara_load_stats *st, char errbuf[CANH_ERRBUF_SIZE]);
void yara_engine_free(struct yara_engine *ye);
bool yara_scans_streams(const struct yara_engine *ye);
bool yara_scans_files(const struct yara_engine *ye);
uint32_t yara_file_depth(const struct yara_engine *ye);

struct yara_stats {
    uint64_t scans;            /* buffers scanned */
    uint64_t bytes;            /* bytes scanned */
    uint64_t stream_bytes;     /* of them, stream starts */
    uint64_t file_bytes;       /* of them, files */
    uint64_t matches;          /* alerts raised */
    uint64_t flow_budget_cut;  /* buffers cut or skipped: the flow's budget was spent */
    uint64_t global_budget_cut;/* buffers cut or skipped: the worker's share per second was spent */
    uint64_t cpu_budget_cut;   /* buffers skipped: the worker's share of time for YARA was spent */
    uint64_t errors;           /* scans that failed (timeout, memory) */
    uint64_t streams_skipped;  /* stream directions not scanned: encrypted (TLS, SSH) */
    uint64_t streams_high_entropy; /* stream directions not scanned: compressed or encrypted
                                  bytes (entropy above 7.5 bits a byte) */
    uint64_t files_skipped_type;   /* files not scanned: their type is in skip_types */
};

struct yara_thread;
struct alert_ctx;
struct detect_tx;
struct flow;
struct packet;

struct yara_thread *yara_thread_new(const struct yara_engine *ye, char errbuf[CANH_ERRBUF_SIZE]);
void yara_thread_free(struct yara_thread *yt);
const struct yara_stats *yara_thread_stats(const struct yara_thread *yt);

/* A file (direction 'dir' of the context's flow) closed: scans its first bytes, unless
 * it is a download whose MIME type ('mime', may be NULL) is one of skip_types (uploads
 * are always scanned). 'tx' (may be NULL) adds the
 * protocol's object to alerts. */
void yara_scan_file(struct yara_thread *yt, const struct alert_ctx *ac, int dir, const uint8_t *data,
                    uint32_t len, const char *name, uint32_t name_len, const char *mime,
                    const struct detect_tx *tx);

/* Stream bytes of direction 'dir' of flow 'f' (in order, 'offset' the stream offset of
 * data[0]; bytes before a gap are scanned as they are). Collected until stream_depth,
 * then scanned once. Returns the change in bytes held for the flow (memcap). */
int64_t yara_stream_data(struct yara_thread *yt, const struct alert_ctx *ac, int dir,
                         const uint8_t *data, uint32_t len, uint64_t offset);
/* The direction ended (or the flow): scans what was collected. Returns the change in
 * bytes held. */
int64_t yara_stream_end(struct yara_thread *yt, const struct alert_ctx *ac, int dir);
/* The flow's stream is encrypted (or otherwise not to be scanned): drops what was held. */
int64_t yara_stream_skip(struct yara_thread *yt, struct flow *f);
/* Does direction 'dir' of 'f' still want bytes? */
bool yara_stream_wants(const struct flow *f, int dir);
/* Frees the flow's YARA state; returns the bytes it held. */
int64_t yara_flow_free(struct flow *f);

#endif
