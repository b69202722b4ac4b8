/* Worker thread: runs each packet through decode, flow and DPI, and writes events.
 * See sensor.h for how packets and ticks reach it. */
#include "sensor.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "applayer/applayer-tcp.h"
#include "decode/defrag.h"
#include "detect/detect-run.h"
#include "output/output-eve-fileinfo.h"
#include "stream/stream.h"
#include "util/util-log.h"

#define WORKER_LIVE_BUDGET 256   /* packets taken from one handle before the next */
#define WORKER_POLL_MS 100       /* live: longest sleep, bounds tick delay and shutdown */
#define WORKER_STOP_CHECK 4096   /* offline, one worker: packets between stop checks */

/* ---------------------------------------------------------------------------------- */
/* Stages                                                                             */
/* ---------------------------------------------------------------------------------- */

/* Detection finished (or is being given up): write the app-layer events, raise the
 * alerts of its risks, and free the nDPI state. */
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
    /* the alert context is f's: its packet, or its end (worker_flow_end) */
    if (w->sensor->risk_alerts && f->ndpi_risk != 0)
        risk_alerts(&w->sensor->risk, &w->ac, &w->risk_stats);
    dpi_release(w->dpi, f);
    flow_table_account(w->flows, -(int64_t)w->dpi_state_size);
}

/* Raw stream inspection: each block of usable bytes goes to the stream rules. An alert
 * shows the block as Suricata logs stream data: missing bytes before it are written as
 * "[N bytes missing]". */
static int worker_raw_block(void *ctx, const uint8_t *data, uint32_t len, uint64_t offset)
{
    struct worker *w = ctx;
    if (w->yara != NULL && yara_scans_streams(w->sensor->yara) && yara_stream_wants(w->ac.f, w->raw_dir))
        flow_table_account(w->flows, yara_stream_data(w->yara, &w->ac, w->raw_dir, data, len, offset));
    if (w->pii_on)
        engines_stream(w, w->ac.f, w->raw_dir, data, len);
    if (!w->rules_raw)
        return 0;
    char marker[48];
    uint32_t mlen = 0;
    if (offset > w->raw_next)
        mlen = (uint32_t)snprintf(marker, sizeof(marker), "[%llu bytes missing]",
                                  (unsigned long long)(offset - w->raw_next));
    detect_run_stream(w->detect, w->raw_dir, data, len, offset, marker, mlen);
    w->raw_next = offset + len;
    return 0;
}

/* YARA does not scan encrypted streams: once the flow is known to be TLS or SSH, what
 * was collected goes. */
static void worker_yara_check(struct worker *w, struct flow *f)
{
    if (w->yara != NULL && f->yara_skip_checked == 0 &&
        (f->alproto == ALPROTO_TLS || f->alproto == ALPROTO_SSH)) {
        f->yara_skip_checked = 1;
        flow_table_account(w->flows, yara_stream_skip(w->yara, f));
    }
}

/* A flow whose payload is no longer inspected: raw progress moves on, nothing is
 * scanned (the stream frees the bytes). */
static int worker_raw_skip(void *ctx, const uint8_t *data, uint32_t len, uint64_t offset)
{
    return 0;
}

static void worker_raw_inspect(struct worker *w, struct flow *f, int dir, const struct packet *p)
{
    w->raw_dir = dir;
    w->raw_next = f->stream->side[dir].raw_progress;
    stream_raw_inspect(w->stream, f->stream, dir, p,
                       f->no_payload_inspect ? worker_raw_skip : worker_raw_block, w);
}

/* A packet standing for one direction of a flow at its end (Suricata's flow-timeout
 * pseudo packet): addresses and ports of that direction, no payload. */
static void worker_pseudo_packet(const struct flow *f, int dir, struct packet *p)
{
    memset(p, 0, sizeof(*p));
    p->ts_us = f->last_us;
    p->ipver = f->key.ipver;
    p->proto = f->key.proto;
    const struct canh_addr *c = flow_client_addr(f), *s = flow_server_addr(f);
    p->src = dir == FLOW_TO_SERVER ? *c : *s;
    p->dst = dir == FLOW_TO_SERVER ? *s : *c;
    p->sport = dir == FLOW_TO_SERVER ? flow_client_port(f) : flow_server_port(f);
    p->dport = dir == FLOW_TO_SERVER ? flow_server_port(f) : flow_client_port(f);
    p->flags = PKT_PSEUDO;
    if (f->key.proto == 6 || f->key.proto == 17 || f->key.proto == 132)
        p->flags |= PKT_PORTS;
    p->vlan[0] = f->key.vlan[0];
    p->vlan[1] = f->key.vlan[1];
}

/* The flow ends: what the stream still holds is parsed and inspected, ACKed or not.
 * 'endp' is the flow's end in the to-server direction (the caller's alert context). */
static void worker_stream_end(struct worker *w, struct flow *f, const struct packet *endp)
{
    if (f->stream == NULL)
        return;
    stream_session_end(f->stream);
    applayer_flow_events_clear(f);
    applayer_set_packet(w->applayer, &w->eve, endp);
    for (int side = 0; side < 2; side++)
        flow_table_account(w->flows, applayer_tcp_data(w->applayer, w->stream, f, w->dpi, side, true));
    /* per direction: the last transactions (rules, lists), the raw stream's last bytes
     * (rules, YARA) */
    for (int dir = 0; dir < 2; dir++) {
        struct packet pp;
        worker_pseudo_packet(f, dir, &pp);
        w->ac.p = &pp;
        applayer_reset_views(w->applayer);
        if (w->detect != NULL) {
            struct detect_packet dp = {
                .p = &pp, .f = f, .dir = dir, .alproto = f->alproto,
            };
            detect_begin(w->detect, &dp);
            w->cur_flow = f;
            /* application-layer events raised by the final parse (to server only, once) */
            if (dir == FLOW_TO_SERVER && f->app != NULL)
                detect_run_app_events(w->detect);
        }
        if (w->detect != NULL || w->want_tx)
            applayer_tcp_detect(w->applayer, f, dir, true);
        if (w->raw_stream)
            worker_raw_inspect(w, f, dir, NULL);
        if (w->yara != NULL)
            flow_table_account(w->flows, yara_stream_end(w->yara, &w->ac, dir));
        if (w->detect != NULL)
            detect_flush(w->detect, &w->eve, w->dpi, "stream (flow timeout)");
    }
    w->ac.p = endp;
    applayer_set_packet(w->applayer, &w->eve, &w->pkt);
}

/* A UDP or other flow's protocol for rules: nDPI's verdict, in Suricata's names. */
static void worker_alproto_from_dpi(struct worker *w, struct flow *f)
{
    const char *name = w->dpi != NULL ? dpi_app_proto(w->dpi, f) : NULL;
    int a = name != NULL ? alproto_by_name(name) : ALPROTO_UNKNOWN;
    f->alproto = (uint8_t)(a != ALPROTO_UNKNOWN ? a : ALPROTO_FAILED);
}

/* Called by the flow table just before a flow is freed. A flow ends while another
 * packet is handled (eviction, port reuse) or none (a timeout, the end of the input):
 * every alert raised here is about the flow's end, on its pseudo packet. */
static void worker_flow_end(void *ctx, struct flow *f, enum flow_end_reason reason)
{
    struct worker *w = ctx;
    struct alert_ctx saved = w->ac;
    struct packet endp;
    worker_pseudo_packet(f, FLOW_TO_SERVER, &endp);
    w->ac.p = &endp;
    w->ac.f = f;
    w->ac.pcap_cnt = 0;
    if (f->dpi_state == DPI_RUNNING) {
        dpi_finish(w->dpi, f);
        worker_dpi_done(w, f, f->last_us);
    }
    worker_stream_end(w, f, &endp);
    if (w->sensor->behave != NULL)
        engines_flow_end(w, f);
    w->ac = saved;
    eve_flow(&w->eve, f, reason, w->dpi);
    flow_table_account(w->flows, -engines_flow_free(f));
    flow_table_account(w->flows, -yara_flow_free(f));
    flow_table_account(w->flows, -applayer_flow_free(f));
    flow_table_account(w->flows, -stream_session_free(w->stream, f));
    flow_table_account(w->flows, -detect_flow_free(f));
}

/* A file carried by flow 'f' closed: its event, and the engines that look at files. */
static void worker_on_file(void *ctx, struct flow *f, int dir, const struct file_info *fi,
                           const struct detect_tx *tx)
{
    struct worker *w = ctx;
    uint64_t ts = w->ac.p != NULL ? w->ac.p->ts_us : f->last_us;
    if (w->sensor->conf.files_enabled)
        eve_fileinfo(&w->eve, f, dir, fi, tx, w->dpi, ts);
    if (w->ioc.store != NULL && !fi->gaps)
        ioc_match_file(&w->ioc, dir, fi->sha256, fi->sha256_hex, tx);
    if (w->yara != NULL && fi->head_len > 0)
        yara_scan_file(w->yara, &w->ac, dir, fi->head, fi->head_len, fi->name, fi->name_len, fi->mime, tx);
}

/* The app layer has a transaction for the rules (DNS message, SSH line, HTTP or TLS). */
static void worker_on_tx(void *ctx, int dir, const struct detect_tx *tx)
{
    struct worker *w = ctx;
    if (w->ioc.store != NULL)
        ioc_match_tx(&w->ioc, dir, tx);
    if (w->engines_tx)
        engines_tx(w, dir, tx);
    if (w->detect == NULL)
        return;
    detect_run_tx(w->detect, dir, tx);
    if (tx->oneshot && w->cur_flow != NULL)
        detect_tx_forget(w->cur_flow, tx->alproto, tx->id);
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
    int dir = FLOW_TO_SERVER;
    struct stream_result sr = { 0 };
    struct detect_packet dp = { .p = p, .pcap_cnt = cp->seq };
    w->cur_flow = NULL;
    applayer_reset_views(w->applayer);
    applayer_set_packet(w->applayer, &w->eve, p);
    w->ac.p = p;
    w->ac.f = NULL;
    w->ac.pcap_cnt = cp->seq;
    if (rc == CANH_OK && p->ipver != 0 && !(p->flags & PKT_CSUM_BAD)) {
        f = flow_table_packet(w->flows, p, &dir);
        w->cur_flow = f;
        w->ac.f = f;
        if (f != NULL)
            applayer_flow_events_clear(f);
        if (f != NULL && w->ioc.store != NULL)
            ioc_match_flow(&w->ioc, dir);
        if (f != NULL && w->sensor->behave != NULL)
            engines_flow_packet(w, f, p, dir);
        if (f != NULL && w->dpi != NULL && f->dpi_state != DPI_DONE) {
            bool started = f->dpi_state == DPI_NONE;
            bool done = dpi_process(w->dpi, f, p);
            if (started && f->dpi_state != DPI_NONE)
                flow_table_account(w->flows, w->dpi_state_size);
            if (done)
                worker_dpi_done(w, f, p->ts_us);
        }
        if (f != NULL && p->proto == 6 && w->stream != NULL) {
            flow_table_account(w->flows, stream_packet(w->stream, f, p, dir, &sr));
            /* both sides when either has news: a side held back undetected is parsed
             * once the other side told the protocol */
            if (sr.app_ready != 0)
                for (int side = 0; side < 2; side++)
                    flow_table_account(w->flows, applayer_tcp_data(w->applayer, w->stream, f,
                                                                   w->dpi, side, false));
        }
        dp.f = f;
        dp.dir = dir;
        dp.stream_added = sr.added;
        if (f != NULL) {
            dp.alproto = f->alproto;
            dp.stream_size[0] = f->bytes[0];
            dp.stream_size[1] = f->bytes[1];
        }
    }
    if (w->detect != NULL)
        detect_begin(w->detect, &dp);
    if (f != NULL) {
        flow_table_account(w->flows, applayer_packet(w->applayer, &w->eve, f, p, dir, w->dpi));
        if (f->alproto == ALPROTO_UNKNOWN && f->dpi_state == DPI_DONE && p->proto != 6)
            worker_alproto_from_dpi(w, f);
        if (w->detect != NULL)
            detect_set_alproto(w->detect, f->alproto);
    }
    if (w->detect != NULL)
        detect_run_packet(w->detect);
    if (f != NULL && f->app != NULL && f->stream != NULL && (w->detect != NULL || w->want_tx))
        applayer_tcp_detect(w->applayer, f, dir, false);
    if (f != NULL && f->stream != NULL && w->raw_stream) {
        worker_yara_check(w, f);
        if (stream_raw_ready(f->stream, dir))
            worker_raw_inspect(w, f, dir, p);
    }
    if (w->detect != NULL)
        detect_flush(w->detect, &w->eve, w->dpi, NULL);
    if (f != NULL && f->app != NULL)
        applayer_tcp_gc(f);
    if (p->nevents > 0)
        eve_anomaly(&w->eve, p, f, w->dpi);
}

void worker_tick(struct worker *w, uint64_t now_us)
{
    w->now_us = now_us;
    flow_table_timeout(w->flows, now_us);
    engines_tick(w, now_us);
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
        .ignore_vlan = !c->vlan_tracking,
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
    struct applayer_tcp_conf tc;
    http_conf_default(&tc.http);
    tc.http.request_body_limit = (uint32_t)c->http_request_body_limit;
    tc.http.response_body_limit = (uint32_t)c->http_response_body_limit;
    tc.http.decompress_limit = (uint32_t)c->http_decompress_limit;
    tc.tls_stop_payload = c->tls_encryption_handling != CONF_TLS_ENC_FULL;
    applayer_tcp_configure(w->applayer, &tc);
    applayer_set_tx_hook(w->applayer, worker_on_tx, w);

    if (s->detect != NULL) {
        w->detect = detect_thread_new(s->detect, errbuf);
        if (w->detect == NULL)
            return CANH_ENOMEM;
        w->rules_raw = detect_engine_needs_raw_stream(s->detect);
    }
    if (s->yara != NULL) {
        w->yara = yara_thread_new(s->yara, errbuf);
        if (w->yara == NULL)
            return CANH_ENOMEM;
    }
    if (s->files.conf.enabled) {
        w->files = file_thread_new(&s->files, errbuf);
        if (w->files == NULL)
            return CANH_ERR;
        applayer_set_file_hook(w->applayer, w->files, worker_on_file, w);
    }
    w->pii_on = s->pii_on;
    w->raw_stream = w->rules_raw || yara_scans_streams(s->yara) || w->pii_on;
    struct stream_conf sc = {
        .memcap = (uint64_t)c->stream_memcap / s->nworkers,
        .depth = (uint32_t)c->stream_depth,
        .chunk_toserver = (uint32_t)c->stream_chunk_toserver,
        .chunk_toclient = (uint32_t)c->stream_chunk_toclient,
        .max_segments = (uint32_t)c->stream_max_segments,
        .policy = c->stream_policy == STREAM_CONF_POLICY_LAST ? STREAM_POLICY_LAST : STREAM_POLICY_FIRST,
        .inline_mode = c->stream_inline,
        .midstream = c->stream_midstream,
        .async_oneside = c->stream_async_oneside,
        .raw = w->raw_stream,
    };
    /* Reassembly and the HTTP/TLS parsers over it feed the rules, the lists' names,
     * URLs, JA3 and file hashes, file tracking and YARA; without them nothing consumes
     * it, and a sensor does not pay for it. */
    w->ac.eve = &w->eve;
    w->ac.dpi = w->dpi;
    w->ioc.store = s->ioc;
    w->ioc.ac = &w->ac;
    /* DNS queries (tunnelling), HTTP logins (password guessing), HTTP bodies (personal
     * data) */
    w->engines_tx = s->behave != NULL || w->pii_on;
    w->want_tx = ioc_store_needs_tcp_app(s->ioc) || w->engines_tx;
    if (s->detect != NULL || w->want_tx || w->raw_stream || w->files != NULL) {
        w->stream = stream_thread_new(&sc, errbuf);
        if (w->stream == NULL)
            return CANH_ENOMEM;
    }

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
    detect_thread_free(w->detect);
    yara_thread_free(w->yara);
    file_thread_free(w->files);
    stream_thread_free(w->stream);
    defrag_free(w->decode.defrag);
    eve_destroy(&w->eve);
    ring_free(w->eve.ring);
    ring_free(w->in);
    for (unsigned i = 0; i < w->nlive; i++)
        capture_close(w->live[i]);
    capture_close(w->file);
}
