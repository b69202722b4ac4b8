/* The sensor's threads and their shared, read-only context.
 *
 *   offline, one worker:   worker thread reads the files itself ---------------.
 *   offline, N workers:    reader thread -- packet ring per worker --> workers  +--> event
 *   live:                  each worker reads its own fanout handle per interface|    ring per
 *                                                                               |    worker
 *                                                     output thread <-----------'
 *
 * Every worker runs a packet through decode, flow and DPI to completion and writes its
 * events to its own ring; the output thread writes them to eve.json. Flow timeouts
 * advance on ticks: offline, the reader (or the single worker) issues one whenever packet
 * time enters a new second, in the same position relative to each worker's packets, so
 * one worker and N workers produce the same events; live, each worker ticks on the wall
 * clock. */
#ifndef CANH_SENSOR_H
#define CANH_SENSOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "applayer/applayer-ndpi.h"
#include "applayer/applayer.h"
#include "applayer/applayer-file.h"
#include "capture/capture.h"
#include "conf.h"
#include "decode/decode.h"
#include "detect/detect-address.h"
#include "detect/detect-behave.h"
#include "detect/detect-ioc.h"
#include "detect/detect-pii.h"
#include "detect/detect-risk.h"
#include "detect/detect-yara.h"
#include "output/output-eve-alert.h"
#include "flow/flow.h"
#include "output/output-eve.h"
#include "util/util-ring.h"

#define SENSOR_MAX_IFACES 16

/* Packet ring record types (reader to worker). */
enum worker_record {
    WREC_PACKET = 1, /* struct wrec_packet followed by the frame */
    WREC_TICK = 2,   /* struct wrec_packet with caplen 0: advance time to ts_us */
    WREC_END = 3,    /* no more packets */
};

struct wrec_packet {
    uint64_t ts_us;
    uint64_t seq;     /* capture_packet.seq */
    uint32_t caplen, wirelen;
    int32_t linktype;
    uint32_t pad;
};

struct worker {
    unsigned id;
    struct sensor *sensor;
    pthread_t thread;

    struct decode_thread decode;
    struct flow_table *flows;
    struct dpi_thread *dpi;
    uint32_t dpi_state_size;
    struct applayer_thread *applayer;
    struct stream_thread *stream;
    struct detect_thread *detect;   /* NULL without rules */
    struct alert_ctx ac;            /* the packet being handled, for the engines' alerts */
    struct ioc_ctx ioc;             /* threat-intelligence matching; ioc.store NULL without lists */
    struct yara_thread *yara;       /* NULL without YARA rules */
    struct file_thread *files;      /* NULL when files are not tracked */
    struct risk_stats risk_stats;
    bool pii_on;                    /* personal data is scanned */
    bool engines_tx;                /* transactions go to the behaviour and personal-data engines */
    struct engine_stats {
        uint64_t behaviour_alerts;
        uint64_t pii_alerts;
        uint64_t pii_bytes;       /* bytes given to the personal-data scanner */
    } eng_stats;
    bool want_tx;                   /* transactions are wanted without rules (lists, files) */
    bool rules_raw;                 /* some rule inspects the raw stream */
    bool raw_stream;                /* the raw stream is inspected (rules or YARA) */
    int raw_dir;                    /* direction being raw-inspected */
    uint64_t raw_next;              /* stream offset after the last block inspected */
    struct flow *cur_flow;          /* flow of the packet being handled */
    struct eve eve;

    struct ring *in;            /* offline, several workers: packets from the reader */
    struct capture *file;       /* offline, one worker: the input itself */
    struct capture *live[SENSOR_MAX_IFACES]; /* live: this worker's handle per interface */
    unsigned nlive;

    struct packet pkt;
    uint64_t now_us;            /* time of the last tick */
    uint64_t tick_sec;          /* packet-time second of the last tick */
    _Atomic int done;           /* set when the worker has flushed and stopped */
};

struct sensor {
    struct sensor_conf conf;    /* read-only once threads start */
    char sensor_id[CONF_STR_MAX];
    char boot_id[32];
    uint64_t start_us;
    const char *log_dir;
    char *const *inputs;        /* offline files and directories */
    int ninputs;
    const char *ifaces[SENSOR_MAX_IFACES];
    unsigned nifaces;
    bool offline;

    struct detect_engine *detect; /* the rules; NULL when none are configured */
    uint32_t rules_loaded, rules_skipped;
    struct ioc_store *ioc;        /* threat-intelligence lists; NULL when none */
    struct yara_engine *yara;     /* YARA rules; NULL when none */
    struct file_engine files;     /* file tracking (files.conf.enabled) */
    struct risk_conf risk;        /* nDPI risks that raise alerts */
    bool risk_alerts;
    struct behave *behave;        /* behaviour detectors, shared by the workers; NULL when all are off */
    struct pii_conf pii;          /* personal-data scanner (pii_on) */
    bool pii_on;
    struct addr_set *home_net;    /* HOME_NET, for what leaves it */

    _Atomic int stop;           /* set by SIGINT/SIGTERM: stop capturing, then flush */
    unsigned nworkers;
    struct worker *workers;
    struct capture *reader;     /* offline input read by the reader thread */
    struct ring_bell output_bell;

    /* Output thread. */
    pthread_t output_thread;
    _Atomic int workers_done;   /* all workers have finished: drain and stop */
    struct output_stats {
        uint64_t written;       /* events written to eve.json */
        uint64_t write_errors;  /* events lost because a write failed */
        uint64_t stats_events;
    } output;
};

/* worker.c */
int worker_init(struct worker *w, struct sensor *s, unsigned id, char errbuf[CANH_ERRBUF_SIZE]);
void worker_destroy(struct worker *w);
void *worker_main(void *arg);
void worker_packet(struct worker *w, const struct capture_packet *cp);
void worker_tick(struct worker *w, uint64_t now_us);
void worker_finish(struct worker *w);

/* sensor-rules.c: loads s->ioc from ioc.files (nothing when it is empty); a list that
 * cannot be read, and bad lines, are reported and skipped. */
int sensor_load_ioc(struct sensor *s, char errbuf[CANH_ERRBUF_SIZE]);
/* sensor-rules.c: loads s->yara from yara.files (nothing when it is empty); files that
 * do not compile are reported and left out. */
int sensor_load_yara(struct sensor *s, char errbuf[CANH_ERRBUF_SIZE]);
/* sensor-rules.c: loads s->detect from -S FILE or the configuration; with 'test',
 * prints the --test-rules summary. */
int sensor_load_rules(struct sensor *s, const char *only_file, bool test, char errbuf[CANH_ERRBUF_SIZE]);

struct detect_tx;
/* worker-engines.c: the behaviour detectors and the personal-data scanner. */
void engines_flow_packet(struct worker *w, struct flow *f, const struct packet *p, int dir);
void engines_flow_end(struct worker *w, struct flow *f);
void engines_tick(struct worker *w, uint64_t now_us);
void engines_tx(struct worker *w, int dir, const struct detect_tx *tx);
void engines_stream(struct worker *w, struct flow *f, int dir, const uint8_t *d, uint32_t n);
bool engines_stream_wants(struct worker *w, struct flow *f, int dir);
int64_t engines_flow_free(struct flow *f);

/* sensor-rules.c: the behaviour detectors, the personal-data scanner and HOME_NET from
 * the configuration. */
int sensor_setup_engines(struct sensor *s, char errbuf[CANH_ERRBUF_SIZE]);

/* sensor.c */
void *sensor_reader_main(void *arg);
int sensor_run(struct sensor *s, char errbuf[CANH_ERRBUF_SIZE]);

/* output-file.c */
void *output_main(void *arg);

/* stats.c: writes the "stats" member (without the event frame). */
struct json;
void stats_write(const struct sensor *s, struct json *j, uint64_t now_us);
void stats_log_summary(const struct sensor *s);

#endif
