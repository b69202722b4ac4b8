/* Sensor start-up, the offline reader thread, and shutdown. See sensor.h. */
#include "sensor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util-log.h"

#define READER_WAIT_MS 100

/* ---------------------------------------------------------------------------------- */
/* Reader (offline, several workers)                                                  */
/* ---------------------------------------------------------------------------------- */

/* Appends a record to a worker's ring, waiting for space: offline input loses nothing. */
static void reader_push(struct ring *r, uint32_t type, const struct wrec_packet *h,
                        const uint8_t *data, uint32_t len)
{
    uint32_t total = (uint32_t)sizeof(*h) + len;
    uint8_t *slot;
    while ((slot = ring_reserve(r, total)) == NULL)
        ring_wait_space(r, total, READER_WAIT_MS);
    memcpy(slot, h, sizeof(*h));
    if (len > 0)
        memcpy(slot + sizeof(*h), data, len);
    ring_commit(r, type, total);
}

void *sensor_reader_main(void *arg)
{
    struct sensor *s = arg;
    pthread_setname_np(pthread_self(), "canh-reader");
    uint64_t tick_sec = 0;
    unsigned n = s->nworkers;
    struct capture_packet cp;
    int rc;
    while ((rc = capture_next(s->reader, &cp)) != CAPTURE_END && !atomic_load(&s->stop)) {
        if (rc != CANH_OK)
            continue;
        struct wrec_packet h = {
            .ts_us = cp.ts_us, .seq = cp.seq, .caplen = cp.caplen, .wirelen = cp.wirelen,
            .linktype = cp.linktype,
        };
        /* A tick goes to every worker before the first packet of a new second, exactly
         * where a single worker would take it (worker_offline_tick). */
        if (cp.ts_us / 1000000 > tick_sec) {
            tick_sec = cp.ts_us / 1000000;
            struct wrec_packet t = { .ts_us = cp.ts_us };
            for (unsigned i = 0; i < n; i++)
                reader_push(s->workers[i].in, WREC_TICK, &t, NULL, 0);
        }
        uint32_t hash = decode_dispatch_hash(cp.linktype, cp.data, cp.caplen);
        unsigned wi = (unsigned)(((uint64_t)hash * n) >> 32);
        reader_push(s->workers[wi].in, WREC_PACKET, &h, cp.data, cp.caplen);
    }
    struct wrec_packet end = { 0 };
    for (unsigned i = 0; i < n; i++) {
        reader_push(s->workers[i].in, WREC_END, &end, NULL, 0);
        ring_flush(s->workers[i].in);
    }
    canh_log_thread_cpu("canh-reader");
    return NULL;
}

/* ---------------------------------------------------------------------------------- */
/* Run                                                                                */
/* ---------------------------------------------------------------------------------- */

static int sensor_open_inputs(struct sensor *s, char *errbuf)
{
    const struct sensor_conf *c = &s->conf;
    if (s->offline) {
        struct capture *cap = capture_open_files(s->inputs, s->ninputs, c->bpf, errbuf);
        if (cap == NULL)
            return CANH_ERR;
        if (s->nworkers == 1) {
            s->workers[0].file = cap;
            return CANH_OK;
        }
        s->reader = cap;
        for (unsigned i = 0; i < s->nworkers; i++) {
            s->workers[i].in = ring_new((uint64_t)c->ring_size, NULL);
            if (s->workers[i].in == NULL) {
                snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory for the packet rings");
                return CANH_ENOMEM;
            }
        }
        return CANH_OK;
    }
    for (unsigned f = 0; f < s->nifaces; f++) {
        struct capture_live_opts o = {
            .snaplen = (int)c->snaplen,
            .promisc = c->promisc,
            .buffer_size = (int)c->buffer_size,
            .bpf = c->bpf,
            /* One group per interface, distinct from other processes' groups. */
            .fanout_group = s->nworkers > 1 ? (int)(((unsigned)getpid() * 31u + f) & 0xffff) : -1,
        };
        for (unsigned i = 0; i < s->nworkers; i++) {
            struct worker *w = &s->workers[i];
            w->live[w->nlive] = capture_open_live(s->ifaces[f], &o, errbuf);
            if (w->live[w->nlive] == NULL)
                return CANH_ERR;
            w->nlive++;
        }
        log_notice("%s: capturing with %u worker%s", s->ifaces[f], s->nworkers,
                   s->nworkers > 1 ? "s (PACKET_FANOUT hash)" : "");
    }
    return CANH_OK;
}

int sensor_run(struct sensor *s, char errbuf[CANH_ERRBUF_SIZE])
{
    int rc = CANH_OK;
    unsigned started = 0;
    bool reader = false, output = false;
    pthread_t reader_thread;

    s->workers = calloc(s->nworkers, sizeof(*s->workers));
    if (s->workers == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        return CANH_ENOMEM;
    }
    for (unsigned i = 0; i < s->nworkers; i++) {
        rc = worker_init(&s->workers[i], s, i, errbuf);
        if (rc != CANH_OK)
            goto out;
    }
    rc = sensor_open_inputs(s, errbuf);
    if (rc != CANH_OK)
        goto out;

    if (pthread_create(&s->output_thread, NULL, output_main, s) != 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "cannot start the output thread: %s", strerror(errno));
        rc = CANH_ERR;
        goto out;
    }
    output = true;
    for (; started < s->nworkers; started++)
        if (pthread_create(&s->workers[started].thread, NULL, worker_main, &s->workers[started]) != 0) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "cannot start worker %u: %s", started, strerror(errno));
            rc = CANH_ERR;
            atomic_store(&s->stop, 1);
            break;
        }
    if (rc == CANH_OK && s->reader != NULL) {
        if (pthread_create(&reader_thread, NULL, sensor_reader_main, s) != 0) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "cannot start the reader: %s", strerror(errno));
            rc = CANH_ERR;
            atomic_store(&s->stop, 1);
        } else {
            reader = true;
        }
    }
    if (reader) {
        pthread_join(reader_thread, NULL);
    } else if (s->reader != NULL) {
        /* The reader never ran: tell the workers there is nothing coming. */
        struct wrec_packet end = { 0 };
        for (unsigned i = 0; i < started; i++) {
            struct ring *r = s->workers[i].in;
            void *slot;
            while ((slot = ring_reserve(r, sizeof(end))) == NULL)
                ring_wait_space(r, sizeof(end), READER_WAIT_MS);
            memcpy(slot, &end, sizeof(end));
            ring_commit(r, WREC_END, sizeof(end));
            ring_flush(r);
        }
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(s->workers[i].thread, NULL);

    /* Offline, a run in which every file was skipped (each logged with its reason) read
     * nothing: it fails, so that scripts notice. */
    if (rc == CANH_OK && s->offline) {
        const struct capture *in = s->reader != NULL ? s->reader : s->workers[0].file;
        uint64_t failed = STAT_GET(in->stats.files_failed);
        if (STAT_GET(in->stats.files_read) == 0 && failed > 0) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "no input could be read (%llu file%s skipped)",
                     (unsigned long long)failed, failed > 1 ? "s" : "");
            rc = CANH_ERR;
        }
    }

out:
    if (output) {
        atomic_store(&s->workers_done, 1);
        ring_bell_ring(&s->output_bell);
        pthread_join(s->output_thread, NULL);
    }
    if (rc == CANH_OK)
        stats_log_summary(s);
    capture_close(s->reader);
    s->reader = NULL;
    for (unsigned i = 0; i < s->nworkers; i++)
        worker_destroy(&s->workers[i]);
    free(s->workers);
    s->workers = NULL;
    return rc;
}
