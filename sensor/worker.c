/* Worker thread: runs each packet through decode, flow and DPI, and writes events.
 * See sensor.h for how packets and ticks reach it. */
#include "sensor.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decode/defrag.h"
#include "util/util-log.h"

#define WORKER_LIVE_BUDGET 256   /* packets taken from one handle before the next */
#define WORKER_POLL_MS 100       /* live: longest sleep, bounds tick delay and shutdown */
#define WORKER_STOP_CHECK 4096   /* offline, one worker: packets between stop checks */

/* ---------------------------------------------------------------------------------- */
/* Stages                                                                             */
/* ---------------------------------------------------------------------------------- */

/* Detection finished (or is being given up): write the app-layer events and free the
 * nDPI state. */
static void worker_dpi_done(struct worker *w, struct flow *f, uint64_t ts_us)
{
    struct dpi_meta m;
    dpi_meta_get(f, &m);
    /* Canh's own SSH identification lines are more complete than nDPI's. */
    const char *client, *server;
    applayer_ssh_banners(f, &client, &server);
    if (client[0] != '\0')
        m.ssh.client = client;
    if (server[0] != '\0')
        m.ssh.server = server;
    eve_app(&w->eve, f, &m, w->dpi, ts_us);
    dpi_release(w->dpi, f);
    flow_table_account(w->flows, -(int64_t)w->dpi_state_size);
}

/* Called by the flow table just before a flow is freed. */
static void worker_flow_end(void *ctx, struct flow *f, enum flow_end_reason reason)
{
    struct worker *w = ctx;
    if (f->dpi_state == DPI_RUNNING) {
        dpi_finish(w->dpi, f);
        worker_dpi_done(w, f, f->last_us);
    }
    eve_flow(&w->eve, f, reason, w->dpi);
    flow_table_account(w->flows, -applayer_flow_free(f));
}

void worker_packet(struct worker *w, const struct capture_packet *cp)
{
    struct packet *p = &w->pkt;
    p->ts_us = cp->ts_us;
    p->data = cp->data;
    p->caplen = cp->caplen;
    p->wirelen = cp->wirelen;
    p->linktype = cp->linktype;

    int rc = decode_packet(&w->decode, p);
    struct flow *f = NULL;
    if (rc == CANH_OK && p->ipver != 0 && !(p->flags & PKT_CSUM_BAD)) {
        int dir = FLOW_TO_SERVER;
        f = flow_table_packet(w->flows, p, &dir);
        if (f != NULL && w->dpi != NULL && f->dpi_state != DPI_DONE) {
            bool started = f->dpi_state == DPI_NONE;
            bool done = dpi_process(w->dpi, f, p);
            if (started && f->dpi_state != DPI_NONE)
                flow_table_account(w->flows, w->dpi_state_size);
            if (done)
                worker_dpi_done(w, f, p->ts_us);
        }
        if (f != NULL)
            flow_table_account(w->flows, applayer_packet(w->applayer, &w->eve, f, p, dir, w->dpi));
    }
    if (p->nevents > 0)
        eve_anomaly(&w->eve, p, f, w->dpi);
}

void worker_tick(struct worker *w, uint64_t now_us)
{
    w->now_us = now_us;
    flow_table_timeout(w->flows, now_us);
    if (w->decode.defrag != NULL)
        defrag_timeout(w->decode.defrag, now_us);
    for (unsigned i = 0; i < w->nlive; i++)
        if (w->live[i]->ops->refresh_stats != NULL)
            w->live[i]->ops->refresh_stats(w->live[i]);
    ring_flush(w->eve.ring);
}

void worker_finish(struct worker *w)
{
    flow_table_flush(w->flows);
    ring_flush(w->eve.ring);
    for (unsigned i = 0; i < w->nlive; i++)
        if (w->live[i]->ops->refresh_stats != NULL)
            w->live[i]->ops->refresh_stats(w->live[i]);
    atomic_store(&w->done, 1);
    ring_bell_ring(&w->sensor->output_bell);
}

/* Offline ticks: one whenever packet time enters a new second. */
static inline void worker_offline_tick(struct worker *w, uint64_t ts_us)
{
    uint64_t sec = ts_us / 1000000;
    if (sec > w->tick_sec) {
        w->tick_sec = sec;
        worker_tick(w, ts_us);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Loops                                                                              */
/* ---------------------------------------------------------------------------------- */

/* Offline with one worker: read the input directly. */
static void worker_run_file(struct worker *w)
{
    struct capture_packet cp;
    unsigned n = 0;
    int rc;
    while ((rc = capture_next(w->file, &cp)) != CAPTURE_END) {
        if (rc != CANH_OK)
            continue;
        worker_offline_tick(w, cp.ts_us);
        worker_packet(w, &cp);
        if (++n % WORKER_STOP_CHECK == 0 && atomic_load(&w->sensor->stop))
            break;
    }
}

static bool worker_ring_ready(void *arg)
{
    return ring_has_data(arg);
}

/* Offline with several workers: packets and ticks from the reader. */
static void worker_run_ring(struct worker *w)
{
    for (;;) {
        uint32_t type, len;
        const uint8_t *rec = ring_peek(w->in, &type, &len);
        if (rec == NULL) {
            ring_release(w->in);
            ring_flush(w->eve.ring);
            ring_bell_wait(w->in->data_bell, worker_ring_ready, w->in, WORKER_POLL_MS);
            continue;
        }
        if (type == WREC_END) {
            ring_consume(w->in);
            ring_release(w->in);
            return;
        }
        const struct wrec_packet *h = (const struct wrec_packet *)rec;
        if (type == WREC_TICK) {
            worker_tick(w, h->ts_us);
        } else {
            struct capture_packet cp = {
                .ts_us = h->ts_us,
                .caplen = h->caplen,
                .wirelen = h->wirelen,
                .linktype = h->linktype,
                .data = rec + sizeof(*h),
                .seq = h->seq,
            };
            worker_packet(w, &cp);
        }
        ring_consume(w->in);
    }
}

static uint64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

/* Live: poll this worker's handles; tick on the wall clock. */
static void worker_run_live(struct worker *w)
{
    struct pollfd pfd[SENSOR_MAX_IFACES];
    uint64_t next_tick = 0;
    while (!atomic_load(&w->sensor->stop)) {
        unsigned got = 0;
        for (unsigned i = 0; i < w->nlive; i++) {
            struct capture_packet cp;
            for (unsigned k = 0; k < WORKER_LIVE_BUDGET; k++) {
                if (capture_next(w->live[i], &cp) != CANH_OK)
                    break;
                worker_packet(w, &cp);
                got++;
            }
        }
        uint64_t now = wall_us();
        if (now >= next_tick) {
            worker_tick(w, now);
            next_tick = now + 1000000;
        }
        if (got > 0)
            continue;
        unsigned n = 0;
        for (unsigned i = 0; i < w->nlive; i++) {
            int fd = w->live[i]->ops->fd(w->live[i]);
            if (fd >= 0) {
                pfd[n].fd = fd;
                pfd[n].events = POLLIN;
                n++;
            }
        }
        if (n == 0 || poll(pfd, n, WORKER_POLL_MS) < 0) {
            /* No handle open (interfaces down) or interrupted: wait a little. */
            struct timespec ts = { 0, WORKER_POLL_MS * 1000000L };
            nanosleep(&ts, NULL);
        }
    }
}

void *worker_main(void *arg)
{
    struct worker *w = arg;
    char name[16];
    snprintf(name, sizeof(name), "canh-w%u", w->id);
    pthread_setname_np(pthread_self(), name); /* shows in top -H, ps -L, perf */
    if (w->file != NULL)
        worker_run_file(w);
    else if (w->in != NULL)
        worker_run_ring(w);
    else
        worker_run_live(w);
    worker_finish(w);
    canh_log_thread_cpu(name);
    return NULL;
}

/* ---------------------------------------------------------------------------------- */
/* Set-up                                                                             */
/* ---------------------------------------------------------------------------------- */

int worker_init(struct worker *w, struct sensor *s, unsigned id, char errbuf[CANH_ERRBUF_SIZE])
{
    const struct sensor_conf *c = &s->conf;
    memset(w, 0, sizeof(*w));
    w->id = id;
    w->sensor = s;
    w->decode.max_layers = (uint8_t)c->max_layers;
    w->decode.verify_checksums = c->checksum == CONF_CSUM_ALL;

    struct defrag_conf dc = {
        .memcap = (uint64_t)c->defrag_memcap,
        .timeout_us = (uint64_t)c->defrag_timeout * 1000000u,
        .max_frags = (uint32_t)c->defrag_max_frags,
        .max_trackers = (uint32_t)c->defrag_trackers,
        .policy = (int)c->defrag_policy,
    };
    w->decode.defrag = defrag_new(&dc, errbuf);
    if (w->decode.defrag == NULL)
        return CANH_ENOMEM;

    struct flow_table_conf fc = {
        .memcap = (uint64_t)c->flow_memcap / s->nworkers,
        .hash_size = (uint32_t)c->flow_hash_size,
        .timeout_us = {
            [FLOW_TC_TCP_NEW] = (uint64_t)c->flow_timeout_tcp_new * 1000000u,
            [FLOW_TC_TCP_ESTABLISHED] = (uint64_t)c->flow_timeout_tcp_established * 1000000u,
            [FLOW_TC_TCP_CLOSED] = (uint64_t)c->flow_timeout_tcp_closed * 1000000u,
            [FLOW_TC_UDP] = (uint64_t)c->flow_timeout_udp * 1000000u,
            [FLOW_TC_ICMP] = (uint64_t)c->flow_timeout_icmp * 1000000u,
            [FLOW_TC_OTHER] = (uint64_t)c->flow_timeout_other * 1000000u,
        },
    };
    w->flows = flow_table_new(&fc, worker_flow_end, w, errbuf);
    if (w->flows == NULL)
        return CANH_ERR;

    if (c->dpi_enabled) {
        struct dpi_conf pc = {
            .max_packets_tcp = (uint32_t)c->dpi_max_packets_tcp,
            .max_packets_udp = (uint32_t)c->dpi_max_packets_udp,
            .guess = c->dpi_guess,
            .protocols_file = c->dpi_protocols_file[0] ? c->dpi_protocols_file : NULL,
        };
        w->dpi = dpi_thread_new(&pc, errbuf);
        if (w->dpi == NULL)
            return CANH_ENOMEM;
        w->dpi_state_size = dpi_flow_state_size();
    }

    w->applayer = applayer_thread_new(errbuf);
    if (w->applayer == NULL)
        return CANH_ENOMEM;

    w->eve.sensor_id = s->sensor_id;
    w->eve.org = c->org;
    w->eve.boot_id = s->boot_id;
    w->eve.worker = id;
    w->eve.types = c->eve_enabled ? (uint64_t)c->eve_types : 0;
    w->eve.may_wait = s->offline;
    w->eve.ring = ring_new((uint64_t)c->output_queue_size, &s->output_bell);
    if (w->eve.ring == NULL || eve_init(&w->eve) != CANH_OK) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "worker %u: out of memory for the event queue", id);
        return CANH_ENOMEM;
    }
    return CANH_OK;
}

void worker_destroy(struct worker *w)
{
    flow_table_free(w->flows); /* after worker_finish, empty */
    dpi_thread_free(w->dpi);
    applayer_thread_free(w->applayer);
    defrag_free(w->decode.defrag);
    eve_destroy(&w->eve);
    ring_free(w->eve.ring);
    ring_free(w->in);
    for (unsigned i = 0; i < w->nlive; i++)
        capture_close(w->live[i]);
    capture_close(w->file);
}
